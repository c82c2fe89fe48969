/*
 * ingest: the one path from bytes to the store, for every caller (the fetch
 * cycle and loop, `newsdesk ingest`, the benches, the tests).
 *
 *     bytes ──parse──▶ struct feed ──policy──▶ struct item[] ──▶ store_items_put
 *                                              (later: extract, analyze)
 *
 * The stages never call each other: fetch returns bytes and HTTP state,
 * parse returns feed structs, the store takes and returns the model; ingest
 * composes them, and owns the policy between them (what an entry becomes,
 * de-duplication keys, the sort time: policy.c). The fetch cycle (cycle.c)
 * and the photo cache (photos.c) are ingest stages that ask fetch for
 * bytes.
 */
#ifndef ND_INGEST_INGEST_H
#define ND_INGEST_INGEST_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch/fetch.h"
#include "model/model.h"

struct arena;
struct config;
struct feed;
struct feed_entry;
struct store;

/* ---- one document ---- */

struct ingest_doc {
	const char *body;            /* the bytes, as fetched or read */
	size_t len;
	const char *url;             /* where they came from: base of relative links */
	const char *content_type;    /* HTTP headers, or NULL */
	const char *content_location;
	const char *content_language;
};

/*
 * Parses doc as a feed; *out lives in a. ND_EPARSE with "not a feed (why)"
 * when the bytes are no feed at all (no entries and no recognised format),
 * ND_ETOOBIG over parse's cap. An ill-formed feed that still yields entries
 * is a feed (bozo is set).
 */
int ingest_parse(struct feed **out, struct arena *a,
    const struct ingest_doc *doc);

/*
 * The policy (policy.c): fills *out from entry e of f, strings in a or
 * borrowed from f, with the dedup key, hashes and sort time the store
 * relies on. now is the time of ingest. False when the entry has nothing
 * worth keeping (no id, link, title or text).
 */
bool ingest_item_from_entry(struct item *out, struct arena *a,
    const struct feed *f, const struct feed_entry *e, int64_t now);

/*
 * A headline as plain text (policy.c): tags dropped, entities decoded,
 * whitespace collapsed, cut to ITEM_MAX_TITLE; NULL when blank. In a.
 * ingest_headline_derive makes one from an item's text (HTML): its first
 * sentence, cut at a word boundary with an ellipsis; NULL when blank.
 */
const char *ingest_headline(struct arena *a, const char *title);
const char *ingest_headline_derive(struct arena *a, const char *html);

/*
 * The sort time of undated entries (sort_time 0 after
 * ingest_item_from_entry) among the n items of one fetch: never above the
 * dated items of the same fetch (one second apart below the oldest of
 * them, in feed order); on a source's first fetch, also at least
 * BACKLOG_AGE_S behind now, so a new source's back catalogue does not fill
 * the front page. With no dated item on a later fetch they stay 0: the
 * store then uses the time first seen. Their published time stays 0: they
 * are never shown as published then.
 */
void ingest_items_date_undated(struct item *items, size_t n, int64_t now,
    bool is_first_fetch);

struct ingest_result {
	struct item_put_stats items;
	int floor_s;                 /* the feed's own polling floor (ttl,
	                              * sy:updatePeriod) in seconds, 0 = none */
};

/*
 * Stores the entries of f for src (one transaction) and fills what src
 * lacks from the feed's head: title, site URL, language (src is changed in
 * memory only, its new strings borrowed from f or in a; the caller writes src,
 * in the same transaction when both should land or neither). Counts are
 * added to out->items. New items wait in the store's queue for
 * ingest_stories_settle, which the caller runs when it has stored all it
 * means to.
 */
int ingest_feed_put(struct store *st, struct arena *a, struct source *src,
    const struct feed *f, int64_t now, struct ingest_result *out);

/* The entries of f as items of source_id, the policy applied
 * (ingest_item_from_entry with now = the current time), written by
 * store_items_put, then clustered (ingest_stories_settle); counts added
 * to *stats (may be NULL). For callers that have a feed but no source to
 * teach (benches, tests). */
int ingest_feed_items(struct store *st, int64_t source_id,
    const struct feed *f, int64_t now, struct item_put_stats *stats);

/* ---- stories (stories.c): the analyze stage ---- */

/* A story with no report for this long is closed (a new report opens it
 * again: the clusterer keeps it for its whole window). */
#define INGEST_STORY_QUIET_S (3 * 86400)

/* Items read back from the store to warm a clusterer up, at most. */
#define INGEST_STORY_WARM_MAX 20000

/* Queued items clustered and written per transaction. */
#define INGEST_STORY_SETTLE_MAX 4096

struct ingest_stories;

/*
 * A clusterer warmed up from st: the assigned items from one window
 * (analyze_opts_default's window_s) before since on, replayed into their
 * stories. since is the oldest time of the items about to be clustered
 * (a feed may carry reports older than a window). Free with
 * ingest_stories_free (NULL-safe).
 */
int ingest_stories_open(struct ingest_stories **out, struct store *st,
    int64_t since);

/*
 * The calling thread's kept clusterer for st (warming one up when there is
 * none, when it was for another handle, when the store's content version
 * is not version, read before this batch was written, or when since is
 * older than its window); borrowed until ingest_stories_cache_release.
 * After clustering with it, call ingest_stories_cached_done with its
 * result: it records the version our write left, or drops the clusterer
 * on an error (a rolled-back write leaves it out of step).
 */
int ingest_stories_cached(struct ingest_stories **out, struct store *st,
    int64_t since, uint64_t version);
void ingest_stories_cached_done(struct store *st, int rc);
/*
 * A write of the caller's that does not concern stories, such as its
 * source's row before or after a batch, bumps the store's content version
 * all the same; without these the next batch would warm a clusterer up
 * again (up to INGEST_STORY_WARM_MAX items replayed: once per feed when
 * many sources are new). ingest_stories_mark, before the write: the
 * version when the kept clusterer is current, else 0; after it,
 * ingest_stories_own_write(st, mark) keeps the clusterer current unless
 * someone else wrote meanwhile.
 */
uint64_t ingest_stories_mark(struct store *st);
/* How many clusterers the calling thread has warmed up (tests, logs). */
uint64_t ingest_stories_warmups(void);
void ingest_stories_own_write(struct store *st, uint64_t mark);
/* Frees the calling thread's kept clusterer (the fetch loop's thread does
 * when it stops; the main thread's goes at exit). */
void ingest_stories_cache_release(void);

void ingest_stories_free(struct ingest_stories *s);

/*
 * Clusters the items waiting in st's queue (store_story_pending: stored
 * new, or with a new headline), oldest first, and stores where each went
 * (store_story_assign; an editor's placement stays), in transactions of
 * INGEST_STORY_SETTLE_MAX items. Closes stories quiet for
 * INGEST_STORY_QUIET_S. *out_n (may be NULL): how many were clustered.
 * Every path that stores items calls it after: a file's ingest at once, a
 * fetch cycle after all its fetches (so the order they ended in does not
 * matter).
 */
int ingest_stories_settle(struct store *st, int64_t now, size_t *out_n);

/* ---- sections and the beat (sections.c, issue 9) ---- */

/* Labels of each kind the model learns from (the newest). */
#define INGEST_SECTIONS_LABELS 5000

/*
 * Files the items of source_id just stored under a section (when the
 * source has none: the desk's rules, then the classifier learned from
 * editors' filings) and scores their relevance to the beat, holding those
 * below the threshold for review (store_items_classify). The trained
 * model is kept per thread until the store's labels change.
 */
int ingest_sections_put(struct store *st, int64_t source_id,
    const struct item *items, size_t n);
/* Frees the calling thread's kept model. */
void ingest_sections_cache_release(void);
/* A model trained from st exactly as ingest trains it (sections named by
 * their ids), for `newsdesk classify` on the desk's own store. Free with
 * analyze_sections_free. */
struct analyze_sections;
int ingest_sections_model(struct store *st, struct analyze_sections **out);

/* ---- files from disk (newsdesk ingest) ---- */

struct ingest_file_result {
	struct ingest_result r;
	int64_t source_id;
	bool is_new_source;
	bool is_bozo;                /* the feed was not well-formed */
	const char *source_name;     /* title, else URL (borrowed until the
	                              * next call on the same result) */
	char name_buf[256];
};

/*
 * Reads the feed file at path and stores its items, as a fetch would.
 * The source is the one whose URL is the feed's rel="self" link (JSON
 * Feed: feed_url); else the one source whose site URL is the feed's home
 * page; else file://ABSOLUTE-PATH, created disabled. A missing source is
 * created from the feed's head. The source is marked as fetched now.
 * Files over 32 MiB are ND_ETOOBIG.
 */
int ingest_file(struct store *st, const char *path,
    struct ingest_file_result *out);

/* ---- the fetch cycle (cycle.c) ---- */

struct ingest_progress {
	size_t done, total;
	size_t n_errors;
};

struct ingest_cycle_opts {
	bool is_all;              /* every enabled source, not only due ones */
	int64_t source_id;        /* only this one (fetched even if not due) */
	int64_t now;              /* 0 = time(NULL) */
	atomic_bool *stop;        /* may be NULL */
	void (*progress)(const struct ingest_progress *p, void *payload);
	void *payload;
};

struct ingest_cycle_stats {
	size_t n_sources;         /* attempted */
	size_t n_fetched;         /* 200 and stored */
	size_t n_not_modified;    /* 304 */
	size_t n_errors;
	size_t n_new, n_updated;  /* items */
	size_t n_clustered;       /* items the clusterer placed (after the
	                           * fetches, in the items' time order) */
	size_t n_redirect_moves;  /* sources whose URL was updated */
	size_t n_disabled;        /* 410 */
	size_t errors_by_kind[FETCH_E_COUNT];
	bool is_stopped;          /* interrupted by opts->stop */
	size_t n_photos;          /* item photos cached (after the feeds) */
	size_t n_photo_errors;    /* photos refused or failed */
	size_t n_full_text;       /* article texts extracted (after photos) */
	size_t n_full_text_robots;  /* article pages robots.txt kept us from */
	size_t n_full_text_304;     /* refreshed article pages unchanged */
};

/* How long a claimed source stays reserved for the worker that claimed it
 * (store_source_claim): longer than any cycle, so that another worker
 * picks it only when this one died. A cycle that stops early hands back
 * what it did not fetch. */
#define INGEST_LEASE_S 3600

/*
 * Runs one cycle: claims the due sources of st (store_source_claim, so
 * two workers on one store never fetch a source twice), fetches them
 * (network on a second thread), and as each arrives parses and stores it
 * and updates the source's fetch state and next fetch time (results
 * arriving together share a transaction, each source in its own
 * savepoint, so an interrupted cycle leaves nothing half-written). Then
 * the new items' photos (ingest_photos). Uses st on the calling thread
 * only. Per-source failures are counted in *out, not returned. Returns 0,
 * or the error of a store operation that failed for all (ND_EIO) or of
 * fetch_run. ND_ENOTFOUND for an unknown opts->source_id.
 */
int ingest_cycle(struct store *st, const struct config *cfg,
    const struct ingest_cycle_opts *opts, struct ingest_cycle_stats *out);

struct ingest_loop;

/* Sets up a loop that runs cycles on the store at db_path, on its own store
 * handle, with a copy of cfg. Free with ingest_loop_free. */
struct ingest_loop *ingest_loop_new(const char *db_path,
    const struct config *cfg);
void ingest_loop_free(struct ingest_loop *l);
/*
 * Runs until ingest_loop_stop: a cycle whenever a source is due, sleeping
 * in between. Meant for its own thread (a web server may run in another).
 * Stops between items. Returns 0, or the error that prevented opening the
 * store.
 */
int ingest_loop_run(struct ingest_loop *l);
/* Thread-safe (not async-signal-safe); call from any thread. */
void ingest_loop_stop(struct ingest_loop *l);
/* Replaces the configuration used from the next cycle on (copied). */
void ingest_loop_set_config(struct ingest_loop *l, const struct config *cfg);

/* ---- item photos (photos.c) ---- */

struct ingest_photo_stats {
	size_t n_tried, n_cached, n_failed;
};

/*
 * Downloads the photos of the newest items that are not cached yet, at
 * most cfg->fetch.max_images_per_cycle, through the fetch engine (SSRF
 * guard, allow_hosts, politeness, timeouts) with a body cap of
 * max_image_kb, and keeps the real images in the store (store_media_put),
 * judged by their bytes alone (fetch_image_sniff); refusals and failures
 * are recorded too, so a bad URL is not asked for again (a transient
 * failure is retried later, a few times). Runs on the calling thread,
 * which must own st. Returns 0 (per-photo failures are counted in *out),
 * or a store or engine error.
 */
int ingest_photos(struct store *st, const struct config *cfg, int64_t now,
    atomic_bool *stop, struct ingest_photo_stats *out);

/* ---- full text (fulltext.c, issue 12) ---- */

struct ingest_fulltext_stats {
	size_t n_tried;           /* article pages asked for */
	size_t n_text;            /* text extracted and stored */
	size_t n_not_article;     /* a PDF, an index, a wall, a 404... */
	size_t n_failed;          /* fetch failed (retried later) */
	size_t n_robots;          /* not fetched: robots.txt (issue 12) */
	size_t n_not_modified;    /* a refresh answered 304 */
	size_t n_refreshed;       /* a refresh brought a new text */
};

/*
 * robots.c (issue 12): for each of urls, whether robots.txt lets the desk
 * fetch it (out_allowed[i]; out_reason[i] says why not, static text).
 * robots.txt of origins with no fresh copy in the store are fetched once
 * each through the engine (options fo) and stored. A URL that is not
 * http(s) is left allowed (the engine refuses it). Returns a store error.
 */
struct fetch_opts;
int ingest_robots_check(struct store *st, const struct fetch_opts *fo,
    const char *const *urls, size_t n, int64_t now, bool *out_allowed,
    const char **out_reason);

/*
 * Fetches the article pages of the newest items that want full text
 * (store_fulltext_pending: the source's full_text, the feed's text shorter
 * than cfg->fetch.full_text_short for auto), at most
 * cfg->fetch.max_articles_per_cycle, through the fetch engine (SSRF guard,
 * allow_hosts, per-host politeness, timeouts; body cap
 * EXTRACT_MAX_BYTES_DEFAULT), runs extract_page on each, and stores the
 * text, or why there is none (store_fulltext_put). Runs after the feeds,
 * so an article page never holds up a feed. Returns the first store error.
 */
int ingest_fulltext(struct store *st, const struct config *cfg, int64_t now,
    atomic_bool *stop, struct ingest_fulltext_stats *out);

/* ---- daily upkeep (upkeep.c, issue 8): what the fetch loop does
 * between cycles ---- */

struct tz;

/* One process's state of the daily search index merge. */
struct ingest_upkeep {
	char owner[128];             /* this process, as the store's lease says */
	struct tz *tz;               /* [desk] timezone, and its name */
	char *tz_name;
	bool is_running;             /* this process holds the day's merge */
	size_t before;               /* segments when it started */
	int steps;
	int64_t started_ms;          /* monotonic */
	int64_t max_step_ms;         /* the longest step, for the log */
	int64_t held_logged;         /* the day whose wait was logged */
	int64_t done_for;            /* the day found done: no more claims */
};

void ingest_upkeep_init(struct ingest_upkeep *u);
/* Gives back a merge in progress (another process may go on) and frees
 * u's zone. st may be NULL. */
void ingest_upkeep_release(struct ingest_upkeep *u, struct store *st);
/*
 * When the day's merge is due ([store] optimize_hour passed in [desk]
 * timezone, not done since then) and no other process is at it, or this
 * one already is: merges the search index in steps until it is one
 * segment, until the time until (epoch seconds; at least one step) or
 * until *stop. Logs the start and the end ("search index optimized
 * segments=B->A"). Reads cfg's [store] and [desk]. 0 or an ND_E* code.
 */
int ingest_upkeep_run(struct ingest_upkeep *u, struct store *st,
    const struct config *cfg, int64_t until, const atomic_bool *stop);

#endif
