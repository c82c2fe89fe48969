/*
 * ingest: bytes to feed, feed to items, items to the store; and feed files
 * from disk. The fetch cycle (cycle.c) and `newsdesk ingest` both come
 * through ingest_parse and ingest_feed_put, so a document is judged and
 * stored by the same rules whichever way it arrived.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "parse/parse.h"
#include "store/store.h"
#include "core/banned.h"

#define INGEST_MAX_FILE (32u << 20)  /* parse_feed's own default cap */

static bool
has_entry(const struct feed *f)
{
	for (size_t i = 0; i < f->n_entries; i++) {
		const struct feed_entry *e = &f->entries[i];

		if ((e->id && *e->id) || (e->link && *e->link) ||
		    e->n_links || (e->title.value && *e->title.value) ||
		    (e->summary.value && *e->summary.value) || e->n_content)
			return true;
	}
	return false;
}

int
ingest_parse(struct feed **out, struct arena *a, const struct ingest_doc *doc)
{
	struct parse_opts po = {
		.url = doc->url,
		.content_type = doc->content_type,
		.content_location = doc->content_location,
		.content_language = doc->content_language,
	};
	struct feed *f = NULL;
	int rc;

	*out = NULL;
	if ((rc = parse_feed(&f, a, doc->body, doc->len, &po)) < 0)
		return rc;
	/* Entries make a feed, however ill-formed; without any, only a
	 * recognised format does (an empty feed is still a feed). An entry
	 * with no id, link, title or text is none: a JSON file with an
	 * "items" array of other things is not a feed. */
	if (!has_entry(f) && (!f->version || !*f->version))
		return err_set(ND_EPARSE, "not a feed%s%s%s",
		    f->bozo_exception ? " (" : "",
		    f->bozo_exception ? f->bozo_exception : "",
		    f->bozo_exception ? ")" : "");
	*out = f;
	return 0;
}

static int
floor_of(const struct feed *f)
{
	int a = f->head.ttl > 0 ? f->head.ttl : 0;
	int b = f->head.update_minutes > 0 ? f->head.update_minutes : 0;
	int m = a > b ? a : b;

	return m > 7 * 24 * 60 ? 7 * 86400 : m * 60;
}

static bool
is_blank(const char *s)
{
	return !s || !*s;
}

/* Stores the feed's items (queued for the clusterer: the caller settles
 * the queue) and files them under sections. */
static int
feed_items(struct store *st, int64_t source_id, const struct feed *f,
    int64_t now, bool is_first_fetch, struct item_put_stats *stats)
{
	struct arena a = ARENA_INIT;
	struct item *items = NULL;
	uint64_t mark;
	size_t n = 0;
	int rc;

	if (f->n_entries)
		items = arena_alloc(&a, f->n_entries * sizeof(*items));
	for (size_t i = 0; i < f->n_entries; i++)
		if (ingest_item_from_entry(&items[n], &a, f, &f->entries[i],
		    now))
			n++;
	ingest_items_date_undated(items, n, now, is_first_fetch);
	/* items are not stories: the kept clusterer stays current */
	mark = ingest_stories_mark(st);
	if ((rc = store_items_put(st, source_id, items, n, stats)) == 0 &&
	    n > 0)
		rc = ingest_sections_put(st, source_id, items, n);
	if (rc == 0)
		ingest_stories_own_write(st, mark);
	arena_release(&a);
	return rc;
}

int
ingest_feed_items(struct store *st, int64_t source_id, const struct feed *f,
    int64_t now, struct item_put_stats *stats)
{
	int rc = feed_items(st, source_id, f, now, false, stats);

	return rc < 0 ? rc : ingest_stories_settle(st, now, NULL);
}

int
ingest_feed_put(struct store *st, struct arena *a, struct source *src,
    const struct feed *f, int64_t now, struct ingest_result *out)
{
	int rc;

	/* never fetched before: what it lists is its back catalogue */
	if ((rc = feed_items(st, src->id, f, now, src->last_success == 0,
	    &out->items)) < 0)
		return rc;
	out->floor_s = floor_of(f);
	/* A source added by URL alone learns its name from the feed (as
	 * plain text, like an item's headline). */
	if (is_blank(src->title) && !is_blank(f->head.title.value))
		src->title = ingest_headline(a,
		    f->head.title.value);
	if (is_blank(src->site_url) && !is_blank(f->head.link))
		src->site_url = f->head.link;
	if (is_blank(src->description) && !is_blank(f->head.subtitle.value))
		src->description = ingest_headline(a, f->head.subtitle.value);
	if (is_blank(src->language) && !is_blank(f->head.language))
		src->language = f->head.language;
	return 0;
}

/* ---- files ---- */

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

	if (is_blank(link))
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

/* Finds or creates the source of a parsed file. */
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
	src.title = ingest_headline(a, f->head.title.value);
	src.description = ingest_headline(a, f->head.subtitle.value);
	src.site_url = f->head.link;
	src.language = f->head.language;
	src.is_enabled = url != file_url;
	if ((rc = store_source_add(st, &src, &id)) < 0 && rc != ND_EEXISTS)
		return rc;
	*out_created = rc == 0;
	return store_source_get(st, a, id, out);
}

int
ingest_file(struct store *st, const char *path, struct ingest_file_result *out)
{
	struct arena a = ARENA_INIT;
	struct buf data = BUF_INIT(INGEST_MAX_FILE);
	struct ingest_doc doc = { 0 };
	struct source *src = NULL;
	struct feed *f = NULL;
	char abs[PATH_MAX];
	int64_t now = (int64_t)time(NULL);
	uint64_t mark;
	bool in_tx = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = buf_read_file(&data, path)) < 0)
		goto out;
	if (!realpath(path, abs)) {
		rc = err_set(ND_EIO, "%s: cannot resolve path", path);
		goto out;
	}
	doc.body = data.ptr;
	doc.len = data.len;
	doc.url = arena_printf(&a, "file://%s", abs);
	if ((rc = ingest_parse(&f, &a, &doc)) < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err_msg());
		rc = err_set(rc, "%s: %s", path, why);
		goto out;
	}
	if ((rc = store_begin(st)) < 0)
		goto out;
	in_tx = true;
	mark = ingest_stories_mark(st);
	if ((rc = source_for(st, &a, f, doc.url, &src,
	    &out->is_new_source)) < 0)
		goto out;
	ingest_stories_own_write(st, mark);
	if ((rc = ingest_feed_put(st, &a, src, f, now, &out->r)) < 0 ||
	    (rc = ingest_stories_settle(st, now, NULL)) < 0)
		goto out;
	/* Record the successful "fetch" so the source looks alive. */
	src->last_fetch = src->last_success = now;
	src->last_error = NULL;
	src->error_count = 0;
	mark = ingest_stories_mark(st);
	if ((rc = store_source_update(st, src)) < 0)
		goto out;
	ingest_stories_own_write(st, mark);
	in_tx = false;
	if ((rc = store_commit(st)) < 0)
		goto out;
	out->source_id = src->id;
	out->is_bozo = f->bozo;
	snprintf(out->name_buf, sizeof(out->name_buf), "%s",
	    !is_blank(src->title) ? src->title : src->url);
	out->source_name = out->name_buf;
out:
	if (in_tx)
		store_rollback(st);
	buf_release(&data);
	arena_release(&a);
	return rc;
}
