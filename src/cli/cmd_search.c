/*
 * newsdesk search: full-text search over the stored items. The store does
 * the normalization (case, Arabic diacritics and letter forms, stems), so a
 * word typed without diacritics finds it written with them.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"
#include "core/banned.h"

static int
search_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct buf query = BUF_INIT(4096);
	struct store *st = NULL;
	struct store_search_opts so;
	struct store_hit *hits;
	const char *limit = NULL;
	bool json = false, bold = isatty(STDOUT_FILENO), is_capped = false;
	size_t n, total;
	int rc = 0;

	memset(&so, 0, sizeof(so));
	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--limit", &limit)) < 0)
			goto out;
		if (rc)
			continue;
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--") == 0) {
			continue;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			rc = CMD_USAGE;
			goto out;
		} else {
			if (query.len)
				buf_addc(&query, ' ');
			buf_adds(&query, argv[i]);
		}
	}
	rc = 0;
	if (buf_err(&query)) {
		rc = err_set(ND_ETOOBIG, "search: query longer than %zu bytes",
		    query.max);
		goto out;
	}
	if (!str_trim(str_make(query.ptr, query.len)).len) {
		err_set(ND_EINVAL, "search: no words to find");
		rc = CMD_USAGE_MSG;
		goto out;
	}
	if (limit) {
		long long l;

		if (parse_int(limit, 1, 1000, &l) < 0) {
			err_set(ND_EINVAL, "--limit: %s", err_msg());
			rc = CMD_USAGE_MSG;
			goto out;
		}
		so.limit = (size_t)l;
	}
	if ((rc = cmd_open_store(ctx, &st, false)) < 0 ||
	    (rc = store_search(st, &a, query.ptr, &so, &hits, &n, &total,
	    &is_capped)) < 0)
		goto out;
	if (json) {
		json_t *o = json_object(), *arr = json_array();

		json_object_set_new(o, "query", json_string(query.ptr));
		json_object_set_new(o, "total", json_integer((json_int_t)total));
		json_object_set_new(o, "total_capped", json_boolean(is_capped));
		for (size_t i = 0; i < n; i++) {
			json_t *it = cmd_item_json(&hits[i].item);

			json_object_set_new(it, "snippet", hits[i].snippet ?
			    json_string(hits[i].snippet) : json_null());
			json_object_set_new(it, "rank", json_real(hits[i].rank));
			json_array_append_new(arr, it);
		}
		json_object_set_new(o, "hits", arr);
		rc = cmd_json_print(o);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct item *it = &hits[i].item;
		char t[32];

		cmd_time_short(t, it->published ? it->published : it->first_seen);
		printf("%s  ", t);
		cmd_print_text(it->source_title ? it->source_title : "?");
		fputs("  ", stdout);
		cmd_print_text(it->title && *it->title ? it->title : "(no title)");
		putchar('\n');
		if (hits[i].snippet && *hits[i].snippet) {
			fputs("    ", stdout);
			cmd_print_snippet(hits[i].snippet, bold);
			putchar('\n');
		}
		if (it->url) {
			fputs("    ", stdout);
			cmd_print_text(it->url);
			putchar('\n');
		}
	}
	printf("%zu of %zu%s matches\n", n, total, is_capped ? "+" : "");
out:
	store_close(st);
	buf_release(&query);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_search = {
	.name = "search",
	.summary = "full-text search over the stored items",
	.usage =
	    "usage: newsdesk search [--limit N] [--json] WORD...\n"
	    "\n"
	    "Finds items whose title, summary or content contain every WORD, best\n"
	    "match first among the newest 1000 matches (relevance, then recency).\n"
	    "Words are plain text, not a query language; case, Arabic\n"
	    "diacritics and letter variants and word endings (English and Arabic\n"
	    "stems) are ignored, so \"السد\" finds \"السَّدّ\" and \"talks\" finds \"talk\".\n"
	    "Matches are shown in bold when the output is a terminal, else\n"
	    "[between brackets].\n"
	    "\n"
	    "options:\n"
	    "  --limit N   at most N hits (default 20, at most 1000)\n"
	    "  --json      an object {query, total, total_capped, hits: [item\n"
	    "              objects as in `items --json`, plus snippet (matches\n"
	    "              between \\u0002 and \\u0003) and rank]}; total stops at\n"
	    "              10000, and then total_capped is true\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk search tessen dam\n"
	    "  newsdesk search --json --limit 5 السد\n",
	.run = search_run,
};
