/*
 * newsdesk parse: runs the feed parser on files, offline. --json prints the
 * CONTRACT.md object for one file (what the evaluation kit and the golden
 * tests read); --check parses many files in one process and reports
 * throughput in CPU time, which is what bench/parse.sh measures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "parse/parse.h"
#include "core/banned.h"

#define PARSE_MAX_FILE (32u << 20)

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *out set, 0 when
 * argv[*i] is another option, ND_EINVAL when the value is missing. */
static int
opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		if (*i + 1 >= argc)
			return err_set(ND_EINVAL, "parse: %s needs a value",
				       name);
		*out = argv[++*i];
		return 1;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	return 0;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* "Name: value" into opts; unknown headers are ignored. */
static int
take_header(struct arena *a, struct parse_opts *opts, const char *h)
{
	const char *colon = strchr(h, ':');
	struct str name, value;
	const char *v;

	if (!colon)
		return err_set(ND_EINVAL,
			       "parse: --header '%s': want 'Name: value'", h);
	name = str_trim(str_make(h, (size_t)(colon - h)));
	value = str_trim(str_of(colon + 1));
	v = arena_strndup(a, value.p, value.len);
	if (str_ieq(name, "content-type"))
		opts->content_type = v;
	else if (str_ieq(name, "content-location"))
		opts->content_location = v;
	else if (str_ieq(name, "content-language"))
		opts->content_language = v;
	return 0;
}

static int
run_json(const char *path, const struct parse_opts *opts, struct arena *a)
{
	struct buf data = BUF_INIT(PARSE_MAX_FILE);
	struct buf out = BUF_INIT(BUF_NOCAP);
	struct feed *f;
	int rc;

	if ((rc = buf_read_file(&data, path)) < 0)
		goto out;
	if ((rc = parse_feed(&f, a, data.ptr, data.len, opts)) < 0)
		goto out;
	if ((rc = parse_feed_to_json(&out, f)) < 0)
		goto out;
	buf_addc(&out, '\n');
	fwrite(out.ptr, 1, out.len, stdout);
out:
	buf_release(&data);
	buf_release(&out);
	return rc;
}

static int
run_check(int n, char **files, const struct parse_opts *opts)
{
	struct buf data = BUF_INIT(PARSE_MAX_FILE);
	size_t n_files = 0, n_items = 0, n_bytes = 0;
	double cpu = 0;
	int rc = 0;

	for (int i = 0; i < n; i++) {
		struct arena a = ARENA_INIT;
		struct feed *f;
		double t0;

		buf_reset(&data);
		if (buf_read_file(&data, files[i]) < 0) {
			printf("%s: error: %s\n", files[i], err_msg());
			rc = ND_EIO;
			continue;
		}
		/* only the parse is timed, not reading the file */
		t0 = cpu_seconds();
		if (parse_feed(&f, &a, data.ptr, data.len, opts) < 0) {
			cpu += cpu_seconds() - t0;
			printf("%s: error: %s\n", files[i], err_msg());
			arena_release(&a);
			continue;
		}
		cpu += cpu_seconds() - t0;
		n_files++;
		n_items += f->n_entries;
		n_bytes += data.len;
		printf("%s: %s %zu items%s%s\n", files[i],
		       *f->version ? f->version : "unknown", f->n_entries,
		       f->bozo ? " bozo: " : "",
		       f->bozo && f->bozo_exception ? f->bozo_exception : "");
		arena_release(&a);
	}
	printf("parsed %zu files, %zu items, %zu bytes, %.3f cpu seconds\n",
	       n_files, n_items, n_bytes, cpu);
	buf_release(&data);
	if (rc < 0)
		return err_set(rc, "parse: some files could not be read");
	return 0;
}

static int
parse_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct parse_opts opts = {0};
	bool is_json = false, is_check = false;
	int i, rc = 0;
	const char *v;

	(void)ctx;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--json") == 0) {
			is_json = true;
		} else if (strcmp(argv[i], "--check") == 0) {
			is_check = true;
		} else if (strcmp(argv[i], "--no-sanitize") == 0) {
			opts.no_sanitize = true;
		} else if ((rc = opt_value(argc, argv, &i, "--url", &v)) != 0) {
			if (rc < 0)
				goto out;
			opts.url = v;
		} else if ((rc = opt_value(argc, argv, &i, "--header", &v)) !=
			   0) {
			if (rc < 0 || (rc = take_header(&a, &opts, v)) < 0)
				goto out;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = CMD_USAGE;
			goto out;
		} else {
			break;
		}
	}
	rc = 0;
	if (is_json == is_check || i >= argc || (is_json && i + 1 != argc)) {
		rc = CMD_USAGE;
		goto out;
	}
	if (is_json)
		rc = run_json(argv[i], &opts, &a);
	else
		rc = run_check(argc - i, argv + i, &opts);
out:
	arena_release(&a);
	return rc;
}

const struct cmd cmd_parse = {
    .name = "parse",
    .summary = "parse feed files offline (JSON output, bulk check)",
    .usage =
	"usage: newsdesk parse --json [--url URL] [--header 'Name: value']... "
	"FILE\n"
	"       newsdesk parse --check [--url URL] FILE...\n"
	"\n"
	"Runs the feed parser (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) on "
	"files,\n"
	"without the network or the store.\n"
	"\n"
	"  --json          print the parsed feed as one JSON object (the "
	"contract of\n"
	"                  the feed evaluation kit); exit 0 whenever it is "
	"printed,\n"
	"                  also for ill-formed feeds (see \"bozo\")\n"
	"  --check         parse every FILE in one process; print one line per "
	"file\n"
	"                  (format, items, bozo reason) and a total with CPU "
	"time\n"
	"  --url URL       the address the file was fetched from (base for "
	"relative\n"
	"                  links)\n"
	"  --header 'N: v' an HTTP response header as received; Content-Type\n"
	"                  (charset), Content-Location and Content-Language "
	"count\n"
	"  --no-sanitize   keep HTML as the feed wrote it (for debugging)\n"
	"\n"
	"examples:\n"
	"  newsdesk parse --json --url https://example.com/feed.xml feed.xml\n"
	"  newsdesk parse --check corpus/*.xml\n",
    .run = parse_run,
};
