/*
 * newsdesk ingest: feed files from disk into the store, as if fetched.
 *
 * Which source a file belongs to: the feed's own rel="self" link when it is
 * an http(s) URL; else the one source whose site URL is the feed's home
 * link; else file://ABSOLUTE-PATH. So a saved copy of a followed feed (the
 * demo's feeds, or a feed mirrored by another tool) lands on the source that
 * `source add` or `import-opml` created for it, and any other file becomes a
 * source of its own. A source that does
 * not exist yet is created from the feed's title, link and language;
 * file:// sources are created disabled, as there is nothing to fetch.
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
#include "parse/parse.h"
#include "store/store.h"
#include "core/banned.h"

#define INGEST_MAX_FILE (32u << 20)  /* parse_feed's own default cap */
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

static const char *
self_link(const struct feed *f)
{
	for (size_t i = 0; i < f->head.n_links; i++) {
		const struct feed_link *l = &f->head.links[i];

		if (l->rel && strcmp(l->rel, "self") == 0 && l->href &&
		    (str_ncasecmp(l->href, "http://", 7) == 0 ||
		    str_ncasecmp(l->href, "https://", 8) == 0))
			return l->href;
	}
	return NULL;
}

static bool
same_site(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && str_ncasecmp(a, b, la) == 0;
}

/* A feed without a self link (JSON Feed's feed_url is not kept by every
 * parser, RSS 0.9x has none) still belongs to a followed source when
 * exactly one source has its home page as site URL. */
static int
by_site_url(struct store *st, struct arena *a, const char *link,
    struct source **out)
{
	struct source *srcs, *found = NULL;
	size_t n;
	int rc;

	if (!link || !*link)
		return ND_ENOTFOUND;
	if ((rc = store_source_list(st, a, &srcs, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!srcs[i].site_url || !same_site(srcs[i].site_url, link))
			continue;
		if (found)
			return ND_ENOTFOUND; /* ambiguous */
		found = &srcs[i];
	}
	if (!found)
		return ND_ENOTFOUND;
	*out = found;
	return 0;
}

/* Finds or creates the source for a parsed file. */
static int
source_for(struct store *st, struct arena *a, const struct feed *f,
    const char *file_url, struct source **out, bool *out_created)
{
	const char *url = self_link(f);
	struct source src;
	int64_t id;
	int rc;

	*out_created = false;
	if (!url && (rc = by_site_url(st, a, f->head.link, out)) != ND_ENOTFOUND)
		return rc;
	if (!url)
		url = file_url;
	rc = store_source_find_url(st, a, url, out);
	if (rc != ND_ENOTFOUND)
		return rc;
	memset(&src, 0, sizeof(src));
	src.url = url;
	src.title = f->head.title.value;
	src.site_url = f->head.link;
	src.language = f->head.language;
	src.is_enabled = url != file_url;
	if ((rc = store_source_add(st, &src, &id)) < 0 && rc != ND_EEXISTS)
		return rc;
	*out_created = rc == 0;
	return store_source_get(st, a, id, out);
}

struct totals {
	size_t files, failed, sources_new;
	struct item_put_stats items;
};

static int
ingest_file(struct store *st, const char *path, struct totals *tot,
    bool verbose)
{
	struct arena a = ARENA_INIT;
	struct buf data = BUF_INIT(INGEST_MAX_FILE);
	struct item_put_stats stats = { 0 };
	struct parse_opts opts;
	struct source *src;
	struct feed *f;
	char abs[PATH_MAX];
	bool created;
	int rc;

	if ((rc = buf_read_file(&data, path)) < 0)
		goto out;
	if (!realpath(path, abs)) {
		rc = err_set(ND_EIO, "%s: cannot resolve path", path);
		goto out;
	}
	memset(&opts, 0, sizeof(opts));
	opts.url = arena_printf(&a, "file://%s", abs);
	if ((rc = parse_feed(&f, &a, data.ptr, data.len, &opts)) < 0)
		goto out;
	if (f->n_entries == 0 && f->bozo && (!f->version || !*f->version)) {
		rc = err_set(ND_EPARSE, "%s: not a feed: %s", path,
		    f->bozo_exception ? f->bozo_exception : "unrecognised");
		goto out;
	}
	if ((rc = source_for(st, &a, f, opts.url, &src, &created)) < 0 ||
	    (rc = store_feed_put(st, src->id, f, &stats)) < 0)
		goto out;
	/* Record the successful "fetch" so the source looks alive. */
	src->last_fetch = src->last_success = (int64_t)time(NULL);
	src->last_error = NULL;
	src->error_count = 0;
	if ((!src->title || !*src->title) && f->head.title.value)
		src->title = f->head.title.value;
	if ((rc = store_source_update(st, src)) < 0)
		goto out;
	tot->sources_new += created;
	tot->items.n_new += stats.n_new;
	tot->items.n_updated += stats.n_updated;
	tot->items.n_unchanged += stats.n_unchanged;
	if (verbose) {
		printf("%s: %zu new, %zu updated, %zu unchanged -> source %lld%s (",
		    path, stats.n_new, stats.n_updated, stats.n_unchanged,
		    (long long)src->id, created ? " (new)" : "");
		cmd_print_text(src->title && *src->title ? src->title : src->url);
		printf(")%s\n", f->bozo ? " [feed is not well-formed]" : "");
	}
out:
	buf_release(&data);
	arena_release(&a);
	return rc;
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
	for (size_t i = 0; rc == 0 && i < fl.n; i++) {
		int frc;

		if (ctx->is_tty && !verbose)
			progress(i, fl.n, fl.v[i]);
		frc = ingest_file(st, fl.v[i], &tot, verbose);
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
