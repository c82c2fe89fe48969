/*
 * newsdesk import-opml: subscriptions from another reader (or from
 * export-opml). Top-level folders become sections, created when missing; a
 * URL the store already follows is reported and left as it is, so importing
 * the same file twice changes nothing.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "parse/parse.h"
#include "store/store.h"
#include "core/banned.h"

#define OPML_MAX_FILE (16u << 20)

static int
import_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct buf data = BUF_INIT(OPML_MAX_FILE);
	struct store *st = NULL;
	struct opml *o;
	size_t n_added = 0, n_dup = 0, n_bad = 0, n_sections = 0;
	int rc;

	if (argc != 2 || (argv[1][0] == '-' && argv[1][1]))
		return CMD_USAGE;
	if ((rc = buf_read_file(&data, argv[1])) < 0)
		goto out;
	if ((rc = parse_opml(&o, &a, data.ptr, data.len)) < 0) {
		rc = err_set(rc, "%s: %s", argv[1], err_msg());
		goto out;
	}
	if (o->bozo)
		fprintf(stderr, "newsdesk: import-opml: %s: %s (importing what "
		    "could be read)\n", argv[1], o->bozo_exception);
	if ((rc = cmd_open_store(ctx, &st, false)) < 0 ||
	    (rc = store_begin(st)) < 0)
		goto out;
	for (size_t i = 0; i < o->n_outlines; i++) {
		const struct opml_outline *ol = &o->outlines[i];
		struct source src;
		bool created = false;
		int64_t id;

		if (str_ncasecmp(ol->xml_url, "http://", 7) != 0 &&
		    str_ncasecmp(ol->xml_url, "https://", 8) != 0) {
			char msg[1024];

			fprintf(stderr, "newsdesk: import-opml: skipped %s (not an "
			    "http(s) URL)\n", cmd_escape(msg, sizeof(msg),
			    ol->xml_url));
			n_bad++;
			continue;
		}
		memset(&src, 0, sizeof(src));
		src.url = ol->xml_url;
		src.title = ol->title;
		src.site_url = ol->html_url;
		src.language = ol->language;
		src.is_enabled = true;
		if (ol->folder && (rc = cmd_section_ensure(st, &a, ol->folder,
		    &src.section_id, &created)) < 0)
			break;
		if (created) {
			printf("added section %lld: ", (long long)src.section_id);
			cmd_print_text(ol->folder);
			putchar('\n');
			n_sections++;
		}
		rc = store_source_add(st, &src, &id);
		if (rc == ND_EEXISTS) {
			fputs("duplicate: ", stdout);
			cmd_print_text(ol->xml_url);
			printf(" is already source %lld\n", (long long)id);
			n_dup++;
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		printf("added source %lld: ", (long long)id);
		cmd_print_text(ol->title ? ol->title : ol->xml_url);
		putchar('\n');
		n_added++;
	}
	if (rc < 0) {
		(void)store_rollback(st);
		goto out;
	}
	if ((rc = store_commit(st)) < 0)
		goto out;
	printf("imported %zu sources (%zu duplicates, %zu skipped), %zu new "
	    "sections\n", n_added, n_dup, n_bad, n_sections);
out:
	store_close(st);
	buf_release(&data);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_import_opml = {
	.name = "import-opml",
	.summary = "add the sources listed in an OPML file",
	.usage =
	    "usage: newsdesk import-opml FILE\n"
	    "\n"
	    "Adds every feed of the OPML subscription list FILE (\"-\" = stdin) as a\n"
	    "source. Top-level folders become sections (created when missing);\n"
	    "deeper folders count as their top-level folder. A feed URL that is\n"
	    "already a source is reported as a duplicate and left unchanged, so\n"
	    "importing a file twice is harmless. Only http(s) feeds are taken.\n"
	    "Ends with a summary line; all of it happens in one transaction.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk import-opml demo/sources.opml\n"
	    "  newsdesk export-opml > backup.opml; newsdesk --db new.db import-opml backup.opml\n",
	.run = import_run,
};
