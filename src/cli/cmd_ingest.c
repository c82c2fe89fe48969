/*
 * newsdesk ingest: feed files from disk into the store, as if fetched,
 * through the one ingest path (ingest_file: which source a file belongs
 * to, parse, policy, store).
 *
 * One broken file is reported and skipped; the exit status is 1 when any
 * file failed.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

#define INGEST_MAX_DEPTH 16

struct files {
	char **v;
	size_t n, cap;
};

static void
files_add(struct files *fl, const char *path)
{
	fl->v = xgrow(fl->v, sizeof(*fl->v), fl->n + 1, &fl->cap);
	fl->v[fl->n++] = xstrdup(path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
has_feed_ext(const char *name)
{
	static const char *const exts[] = { ".xml", ".rss", ".atom", ".rdf",
		".json", ".feed" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);

		if (n > e && str_casecmp(name + n - e, exts[i]) == 0)
			return true;
	}
	return false;
}

/* Adds the feed files under dir, depth first, each level sorted by name. */
static int
collect_dir(struct files *fl, const char *dir, int depth)
{
	struct files names = { 0 };
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > INGEST_MAX_DEPTH)
		return err_set(ND_EINVAL, "%s: directories nested too deep", dir);
	if (!(d = opendir(dir)))
		return err_set(ND_EIO, "%s: cannot open directory", dir);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			files_add(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		struct stat sb;
		char *path = NULL;
		size_t len = strlen(dir) + strlen(names.v[i]) + 2;

		path = xmalloc(len);
		snprintf(path, len, "%s/%s", dir, names.v[i]);
		if (stat(path, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				rc = collect_dir(fl, path, depth + 1);
			else if (S_ISREG(sb.st_mode) && has_feed_ext(names.v[i]))
				files_add(fl, path);
		}
		free(path);
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return rc;
}

struct totals {
	size_t files, failed, sources_new;
	struct item_put_stats items;
};

static int
ingest_one(struct store *st, const char *path, struct totals *tot,
    bool verbose)
{
	struct ingest_file_result r;
	int rc;

	if ((rc = ingest_file(st, path, &r)) < 0)
		return rc;
	tot->sources_new += r.is_new_source;
	tot->items.n_new += r.r.items.n_new;
	tot->items.n_updated += r.r.items.n_updated;
	tot->items.n_unchanged += r.r.items.n_unchanged;
	if (verbose) {
		printf("%s: %zu new, %zu updated, %zu unchanged -> source %lld%s (",
		    path, r.r.items.n_new, r.r.items.n_updated,
		    r.r.items.n_unchanged, (long long)r.source_id,
		    r.is_new_source ? " (new)" : "");
		cmd_print_text(r.source_name);
		printf(")%s\n", r.is_bozo ? " [feed is not well-formed]" : "");
	}
	return 0;
}

static void
progress(size_t done, size_t total, const char *path)
{
	const int width = 24;
	int fill = total ? (int)(done * (size_t)width / total) : width;
	const char *name = strrchr(path, '/');

	fprintf(stderr, "\r[%.*s%*s] %zu/%zu %-40.40s", fill,
	    "########################", width - fill, "", done, total,
	    name ? name + 1 : path);
	fflush(stderr);
}

static int
ingest_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct files fl = { 0 };
	struct totals tot = { 0 };
	struct store *st = NULL;
	bool verbose = false, any = false;
	int rc = 0;

	for (int i = 1; i < argc && rc == 0; i++) {
		struct stat sb;

		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			rc = CMD_USAGE;
			break;
		}
		any = true;
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = collect_dir(&fl, argv[i], 0);
		else
			files_add(&fl, argv[i]); /* a missing file fails below */
	}
	if (rc == 0 && !any)
		rc = CMD_USAGE;
	if (rc == 0)
		rc = cmd_open_store(ctx, &st, false);
	if (rc == 0)
		rc = cmd_beat_sync(ctx, st);   /* issue 9 */
	for (size_t i = 0; rc == 0 && i < fl.n; i++) {
		int frc;

		if (ctx->is_tty && !verbose)
			progress(i, fl.n, fl.v[i]);
		frc = ingest_one(st, fl.v[i], &tot, verbose);
		tot.files++;
		if (frc < 0) {
			if (ctx->is_tty && !verbose)
				fputc('\n', stderr);
			char msg[4096];

			fprintf(stderr, "newsdesk: ingest: %s\n", cmd_escape(msg,
			    sizeof(msg), err_msg()));
			tot.failed++;
		}
	}
	if (rc == 0) {
		if (ctx->is_tty && !verbose) {
			progress(fl.n, fl.n, "");
			fputc('\n', stderr);
		}
		printf("ingested %zu files (%zu failed): %zu new, %zu updated, "
		    "%zu unchanged items; %zu new sources\n", tot.files, tot.failed,
		    tot.items.n_new, tot.items.n_updated, tot.items.n_unchanged,
		    tot.sources_new);
		if (tot.failed)
			rc = err_set(ND_ERR, "ingest: %zu of %zu files failed",
			    tot.failed, tot.files);
	}
	store_close(st);
	for (size_t i = 0; i < fl.n; i++)
		free(fl.v[i]);
	free(fl.v);
	return rc;
}

const struct cmd cmd_ingest = {
	.name = "ingest",
	.summary = "store the items of feed files read from disk",
	.usage =
	    "usage: newsdesk ingest [-v] FILE|DIR...\n"
	    "\n"
	    "Parses each feed file (RSS, Atom, JSON Feed, RDF) and stores its\n"
	    "items, as `fetch` does with downloaded feeds. Directories are read\n"
	    "recursively in name order, taking files ending in .xml .rss .atom\n"
	    ".rdf .json or .feed; files named on the command line are always read.\n"
	    "\n"
	    "A file's items go to the source whose URL is the feed's rel=\"self\"\n"
	    "link (JSON Feed: feed_url); else to the one source whose site URL is\n"
	    "the feed's home page; else to file://ABSOLUTE-PATH. A missing source\n"
	    "is created (file:// ones disabled, as there is nothing to fetch).\n"
	    "Items already stored are matched by guid, URL or content and counted\n"
	    "as unchanged.\n"
	    "\n"
	    "A file that cannot be read or is not a feed is reported and skipped;\n"
	    "the others are still ingested, and the exit status is then 1.\n"
	    "\n"
	    "options:\n"
	    "  -v, --verbose   one line per file instead of a progress bar\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk ingest demo/feeds\n"
	    "  newsdesk ingest -v saved/herald.xml saved/tribune.atom\n",
	.run = ingest_run,
};
