/*
 * newsdesk extract: the article extractor on saved pages, offline. --json
 * prints the contract object of the extraction kit
 * (../shared/eval/extraction/README.md) for one page; --batch reads
 * "PATH<TAB>URL" lines on stdin and answers each with one such line, which
 * is the kit's batch protocol and what bench/extract.sh measures. Both run
 * extract_page, the code ingest runs.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "extract/extract.h"
#include "core/banned.h"

#define EXTRACT_LINE_MAX 8192

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The contract object for e; "reason" says why text is null. */
static json_t *
result_json(const struct extract *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "title", str_or_null(e->title));
	json_object_set_new(o, "byline", str_or_null(e->byline));
	json_object_set_new(o, "date", str_or_null(e->date));
	json_object_set_new(o, "text", e->text ?
	    json_stringn(e->text, e->text_len) : json_null());
	json_object_set_new(o, "lead_image", str_or_null(e->lead_image));
	json_object_set_new(o, "lang", str_or_null(e->lang));
	json_object_set_new(o, "encoding", str_or_null(e->encoding));
	json_object_set_new(o, "reason",
	    json_string(extract_reason_name(e->reason)));
	if (e->reason_msg)
		json_object_set_new(o, "reason_text", json_string(e->reason_msg));
	return o;
}

/* Extracts one page read from path ("-": stdin) and prints its object on
 * one line. */
static int
extract_one(const char *path, const char *url, FILE *in, bool pretty)
{
	struct buf data = BUF_INIT(EXTRACT_MAX_BYTES_DEFAULT + 1);
	struct arena a = ARENA_INIT;
	struct extract_opts opts = {0};
	struct extract *e = NULL;
	json_t *o = NULL;
	char *s = NULL;
	int rc;

	if (in) {
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
			buf_add(&data, chunk, n);
		rc = buf_err(&data);
		if (rc < 0) {
			rc = err_set(rc, "extract: stdin: page too big");
			goto out;
		}
	} else if ((rc = buf_read_file(&data, path)) < 0) {
		goto out;
	}
	opts.url = url && *url ? url : NULL;
	if ((rc = extract_page(&e, &a, data.ptr, data.len, &opts)) < 0)
		goto out;
	o = result_json(e);
	s = json_dumps(o, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	if (!s) {
		rc = err_set(ND_ENOMEM, "extract: cannot write JSON");
		goto out;
	}
	fputs(s, stdout);
	putchar('\n');
	fflush(stdout);
out:
	free(s);
	json_decref(o);
	buf_release(&data);
	arena_release(&a);
	return rc;
}

/* The batch protocol: a failure on one page answers {"error": ...} and
 * goes on with the next. */
static int
run_batch(void)
{
	char line[EXTRACT_LINE_MAX];

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strlen(line);
		char *tab, *url = NULL;

		if (n && line[n - 1] != '\n' && !feof(stdin)) {
			int c;

			/* too long: skip the rest, answer an error */
			while ((c = getchar()) != EOF && c != '\n')
				;
			puts("{\"error\": \"extract: input line too long\"}");
			fflush(stdout);
			continue;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		if ((tab = strchr(line, '\t'))) {
			*tab = '\0';
			url = tab + 1;
		}
		if (extract_one(line, url, NULL, false) < 0) {
			json_t *o = json_object();
			char *s;

			json_object_set_new(o, "error", json_string(err_msg()));
			s = json_dumps(o, JSON_COMPACT);
			if (s)
				puts(s);
			free(s);
			json_decref(o);
			fflush(stdout);
		}
	}
	return 0;
}

static int
extract_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	bool is_json = false, is_batch = false, pretty = false;
	const char *url = NULL, *v;
	int i, rc;

	(void)ctx;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			is_json = true;
		} else if (strcmp(argv[i], "--batch") == 0) {
			is_batch = true;
		} else if (strcmp(argv[i], "--pretty") == 0) {
			pretty = true;
		} else if ((rc = cmd_opt(argc, argv, &i, "--url", &v)) != 0) {
			if (rc < 0)
				return rc;
			url = v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return CMD_USAGE;
		} else {
			break;
		}
	}
	if (is_json == is_batch)
		return CMD_USAGE;
	if (is_batch)
		return i == argc ? run_batch() : CMD_USAGE;
	if (i + 1 != argc)
		return CMD_USAGE;
	if (strcmp(argv[i], "-") == 0)
		return extract_one(NULL, url, stdin, pretty);
	return extract_one(argv[i], url, NULL, pretty);
}

const struct cmd cmd_extract = {
    .name = "extract",
    .summary = "extract an article's main text and metadata from a saved page",
    .usage =
	"usage: newsdesk extract --json [--pretty] [--url URL] FILE|-\n"
	"       newsdesk extract --batch\n"
	"\n"
	"Runs the article extractor (the code ingest runs on article pages) on\n"
	"saved HTML, offline.\n"
	"\n"
	"  --json FILE   print one JSON object: title, byline, date, text,\n"
	"                lead_image, lang, encoding, reason (\"article\", or why\n"
	"                text is null: not-html, index, wall, not-found, empty);\n"
	"                FILE - reads the page from stdin\n"
	"  --url URL     the page's address (resolves the lead image)\n"
	"  --pretty      indent the JSON\n"
	"  --batch       read lines \"PATH<TAB>URL\" on stdin and answer each with\n"
	"                one JSON line (the extraction kit's batch protocol); a\n"
	"                page that cannot be read answers {\"error\": ...}\n"
	"\n"
	"Pages over 10 MiB are refused.\n"
	"\n"
	"examples:\n"
	"  newsdesk extract --json --url https://example.com/a.html a.html\n"
	"  printf 'a.html\\thttps://example.com/a.html\\n' | newsdesk extract "
	"--batch\n",
    .run = extract_run,
};
