/*
 * stories: the analyze stage of ingest. store_items_put queues each new
 * item, and each item whose headline changed (story_pending);
 * ingest_stories_settle clusters the queue in one order of the items
 * themselves (time, source, key), so the stories of a fetch cycle do not
 * depend on the order its fetches ended in, and stores where each went,
 * which takes it off the queue in the same transaction (an item stored by
 * a process killed before this is clustered next time). Before the
 * queue, a clusterer (analyze/) is warmed up from the store's window (the
 * assigned items of the last window before the oldest queued one,
 * replayed in time order into the stories they are in); the store leaves
 * editors' placements alone and closes quiet stories. The warm-up keeps
 * memory bounded by the window.
 *
 * A warmed-up clusterer is kept per thread for the next settle on the
 * same store handle (ingest_stories_cached), as long as the store's
 * content version is the one our last write left: any other writer
 * (another process, an editor) makes the next one warm up again. A fetch
 * cycle of many sources thus reads the window once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

#include "analyze/analyze.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/text.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

/* HTML read per field to find the lead text: enough for ANALYZE_TEXT_LEAD
 * bytes of text after tags are removed. */
#define STORY_HTML_LEAD (16u << 10)
_Static_assert(STORY_HTML_LEAD <= STORE_STORY_MEMBER_TEXT,
    "the store hands the clusterer at least the lead it reads");

struct ingest_stories {
	struct analyze *an;
	struct analyze_opts opts;
	struct buf summary, text;
	int64_t since;               /* the window it was warmed up from */
	/* Which item each analyze_add was (by its count), for the
	 * near-duplicates analyze reports by that count: a ring, so a copy
	 * of a document added more than DOC_RING adds ago is not found. */
	struct docref {
		int64_t idx, source_id;
		char *dedup_key;
	} *ring;
	int64_t n_added;
};

#define DOC_RING (1u << 15)

static void
plain(struct buf *out, const char *html)
{
	size_t len;

	buf_reset(out);
	if (!html)
		return;
	len = strnlen(html, STORY_HTML_LEAD);
	(void)text_strip_html(out, html, len);
}

static void
remember(struct ingest_stories *s, int64_t source_id, const char *dedup_key)
{
	struct docref *e = &s->ring[(uint64_t)s->n_added % DOC_RING];
	size_t len = dedup_key ? strlen(dedup_key) : 0;

	free(e->dedup_key);
	e->dedup_key = NULL;
	e->idx = s->n_added++;
	e->source_id = source_id;
	if (dedup_key && (e->dedup_key = malloc(len + 1)))
		memcpy(e->dedup_key, dedup_key, len + 1);
}

/* The item analyze_add number idx was, or NULL when forgotten. */
static const struct docref *
recall(const struct ingest_stories *s, int64_t idx)
{
	const struct docref *e;

	if (idx < 0)
		return NULL;
	e = &s->ring[(uint64_t)idx % DOC_RING];
	return e->idx == idx && e->dedup_key ? e : NULL;
}

static void
add(struct ingest_stories *s, int64_t source_id, const char *title,
    const char *summary, const char *content, const char *lang,
    const char *photo, int64_t time, int64_t force, struct analyze_result *r)
{
	char source[32];
	struct analyze_doc d = {
		.time = time,
		.source = source,
		.lang = lang,
		.title = title,
		.photo = photo && *photo ? photo : NULL,
		.force_story = force,
	};

	snprintf(source, sizeof(source), "s%lld", (long long)source_id);
	plain(&s->summary, summary);
	plain(&s->text, content);
	d.summary = buf_err(&s->summary) ? NULL : s->summary.ptr;
	d.text = buf_err(&s->text) ? NULL : s->text.ptr;
	analyze_add(s->an, &d, r);
}

int
ingest_stories_open(struct ingest_stories **out, struct store *st,
    int64_t since)
{
	struct ingest_stories *s = calloc(1, sizeof(*s));
	struct arena a = ARENA_INIT;
	struct story_member *m;
	size_t n_m;
	int64_t next_id;
	int rc;

	*out = NULL;
	if (!s)
		return err_set(ND_ENOMEM, "ingest: out of memory");
	analyze_opts_default(&s->opts);
	buf_init(&s->summary, STORY_HTML_LEAD);
	buf_init(&s->text, STORY_HTML_LEAD);
	s->ring = calloc(DOC_RING, sizeof(*s->ring));
	s->since = since - s->opts.window_s;
	if (!s->ring) {
		rc = err_set(ND_ENOMEM, "ingest: out of memory");
		goto fail;
	}
	if ((rc = store_story_window(st, &a, s->since, INGEST_STORY_WARM_MAX,
	    &m, &n_m, &next_id)) < 0)
		goto fail;
	if (!(s->an = analyze_new(&s->opts, next_id))) {
		rc = ND_ERR;
		goto fail;
	}
	for (size_t i = 0; i < n_m; i++) {
		struct analyze_result r;

		add(s, m[i].source_id, m[i].title, m[i].summary, m[i].content,
		    m[i].language, m[i].image_url, m[i].time, m[i].story_id, &r);
		remember(s, m[i].source_id, m[i].dedup_key);
	}
	arena_release(&a);
	log_info(LOG_ANALYZE, "warmed up the story clusterer items=%zu", n_m);
	*out = s;
	return 0;
fail:
	arena_release(&a);
	ingest_stories_free(s);
	return rc;
}

void
ingest_stories_free(struct ingest_stories *s)
{
	if (!s)
		return;
	analyze_free(s->an);
	buf_release(&s->summary);
	buf_release(&s->text);
	if (s->ring)
		for (size_t i = 0; i < DOC_RING; i++)
			free(s->ring[i].dedup_key);
	free(s->ring);
	free(s);
}

/* Clusters m[0..n) (the queue, in its order) with s and stores where
 * each went, the folds and the near-duplicates, in one transaction. */
static int
put_members(struct ingest_stories *s, struct store *st,
    const struct story_member *m, size_t n, int64_t now)
{
	struct story_assign *as = NULL;
	struct store_item_dup *dups = NULL;
	struct story_fold *folds = NULL;
	size_t nd = 0, nf = 0;
	int rc;

	as = calloc(n, sizeof(*as));
	dups = calloc(n, sizeof(*dups));
	folds = calloc(n * ANALYZE_MERGED_MAX, sizeof(*folds));
	if (!as || !dups || !folds) {
		rc = err_set(ND_ENOMEM, "ingest: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct analyze_result r;
		const struct docref *d;

		add(s, m[i].source_id, m[i].title, m[i].summary, m[i].content,
		    m[i].language, m[i].image_url, m[i].time, 0, &r);
		/* a near-duplicate of an earlier item: "also carried by"
		 * (a batch past half the ring could reuse the entry d
		 * points at before the store reads it) */
		d = recall(s, r.dup_of);
		if (d && n < DOC_RING / 2 && !(d->source_id == m[i].source_id &&
		    strcmp(d->dedup_key, m[i].dedup_key) == 0)) {
			dups[nd].source_id = m[i].source_id;
			dups[nd].dedup_key = m[i].dedup_key;
			dups[nd].of_source_id = d->source_id;
			dups[nd++].of_dedup_key = d->dedup_key;
		}
		/* stories this item showed to be one event with its own */
		for (size_t k = 0; k < r.n_merged; k++) {
			folds[nf].from = r.merged[k];
			folds[nf++].into = r.story;
		}
		remember(s, m[i].source_id, m[i].dedup_key);
		as[i].source_id = m[i].source_id;
		as[i].dedup_key = m[i].dedup_key;
		as[i].story_id = r.story;
		as[i].title = m[i].title;
		as[i].time = m[i].time;
		as[i].similarity = r.similarity;
	}
	if ((rc = store_begin(st)) < 0)
		goto out;
	if ((rc = store_story_assign(st, as, n, now - INGEST_STORY_QUIET_S)) ==
	    0 && (rc = store_story_fold(st, folds, nf)) == 0)
		rc = store_items_dups(st, dups, nd);
	if (rc == 0)
		rc = store_commit(st);
	else
		store_rollback(st);
out:
	free(as);
	free(dups);
	free(folds);
	return rc;
}

int
ingest_stories_settle(struct store *st, int64_t now, size_t *out_n)
{
	size_t total = 0;
	int64_t last_head = 0;
	int rc = 0;

	for (;;) {
		struct arena a = ARENA_INIT;
		struct ingest_stories *s = NULL;
		struct story_member *m;
		uint64_t version = 0;
		size_t n = 0;

		if ((rc = store_story_pending(st, &a, INGEST_STORY_SETTLE_MAX,
		    &m, &n)) < 0 || n == 0 ||
		    (rc = store_data_version(st, &version)) < 0) {
			arena_release(&a);
			break;
		}
		/* assigning an item takes it off the queue; a head that
		 * stays would be read again forever */
		if (m[0].item_id == last_head) {
			arena_release(&a);
			rc = err_set(ND_ERR, "stories: item %lld stays queued",
			    (long long)last_head);
			break;
		}
		last_head = m[0].item_id;
		/* the queue is oldest first: m[0] is the oldest */
		if ((rc = ingest_stories_cached(&s, st, m[0].time, version)) == 0)
			rc = put_members(s, st, m, n, now);
		ingest_stories_cached_done(st, rc);
		arena_release(&a);
		if (rc < 0)
			break;
		total += n;
		if (n < INGEST_STORY_SETTLE_MAX)
			break;
	}
	if (out_n)
		*out_n = total;
	if (total)
		log_debug(LOG_ANALYZE, "clustered items=%zu", total);
	return rc;
}

/* ---- one warmed-up clusterer per thread ---- */

static _Thread_local struct {
	struct store *st;
	struct ingest_stories *s;
	uint64_t version;            /* content version after our last write */
	uint64_t warmups;            /* how often the thread warmed one up */
} cache;

static pthread_once_t atexit_once = PTHREAD_ONCE_INIT;

static void
cache_release_at_exit(void)
{
	ingest_stories_cache_release();
}

static void
register_atexit(void)
{
	/* LeakSanitizer's own exit check runs after this (exit handlers run
	 * in reverse order of registration). */
	atexit(cache_release_at_exit);
}

void
ingest_stories_cache_release(void)
{
	ingest_stories_free(cache.s);
	cache.s = NULL;
	cache.st = NULL;
}

int
ingest_stories_cached(struct ingest_stories **out, struct store *st,
    int64_t since, uint64_t version)
{
	int rc;

	if (cache.s && cache.st == st && cache.version == version &&
	    since - cache.s->opts.window_s >= cache.s->since) {
		*out = cache.s;
		return 0;
	}
	ingest_stories_cache_release();
	if ((rc = ingest_stories_open(&cache.s, st, since)) < 0)
		return rc;
	cache.warmups++;
	cache.st = st;
	pthread_once(&atexit_once, register_atexit);
	*out = cache.s;
	return 0;
}

uint64_t
ingest_stories_warmups(void)
{
	return cache.warmups;
}

uint64_t
ingest_stories_mark(struct store *st)
{
	uint64_t v = 0;

	if (!cache.s || cache.st != st || store_data_version(st, &v) < 0 ||
	    v != cache.version)
		return 0;
	return v;
}

void
ingest_stories_own_write(struct store *st, uint64_t mark)
{
	uint64_t v;

	if (mark && cache.s && cache.st == st && cache.version == mark &&
	    store_data_version(st, &v) == 0)
		cache.version = v;
}

void
ingest_stories_cached_done(struct store *st, int rc)
{
	uint64_t v;

	if (rc < 0 || store_data_version(st, &v) < 0) {
		ingest_stories_cache_release();
		return;
	}
	cache.version = v;
}
