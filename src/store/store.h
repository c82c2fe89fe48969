/*
 * store: the only module that speaks SQL. One interface, two backends:
 * SQLite now (one file, WAL, FTS5), PostgreSQL later (store_pg.c), so
 * nothing here exposes SQLite types.
 *
 * Ownership: results are allocated in the caller's arena and stay valid
 * until it is released. A struct store is used by one thread at a time
 * (open one per thread).
 * Times are seconds since the epoch, UTC; 0 means unknown.
 */
#ifndef ND_STORE_STORE_H
#define ND_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct arena;
struct store;

enum {
	STORE_CREATE = 1 << 0,    /* create the file if missing, and migrate */
	STORE_READONLY = 1 << 1,
	STORE_MIGRATE = 1 << 2,   /* bring an existing store's schema up to
	                           * date; without it or STORE_CREATE, a store
	                           * whose schema is not this program's is
	                           * refused (ND_EIO, "run newsdesk migrate") */
};

/*
 * Opens the store at path; with STORE_CREATE or STORE_MIGRATE it also
 * brings the schema up to date. ND_ENOTFOUND when the file does not exist
 * and STORE_CREATE is not given; ND_EIO otherwise on failure (also for a
 * schema of another version without STORE_MIGRATE). Caller frees with
 * store_close().
 */
int store_open(struct store **out, const char *path, int flags);
void store_close(struct store *st);
/* Deletes the closed store at path: a SQLite file with its -wal, -shm and
 * -journal (tests, benches and their temporary stores). */
void store_remove(const char *path);
/* The schema version after migration. */
int store_schema_version(struct store *st);
/* Runs an integrity check (PRAGMA integrity_check + foreign keys);
 * 0 or ND_EIO with the first problem in err_msg(). */
int store_check(struct store *st);

/* Explicit transactions around several calls (calls nest by counting). */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/* ---- sections ---- */

/* ND_EEXISTS when the slug is taken; ND_EINVAL when the name is longer
 * than 2048 bytes or the slug than 200. slug NULL = derived from name. */
int store_section_add(struct store *st, const char *name, const char *slug,
    int64_t *out_id);
int store_section_list(struct store *st, struct arena *a,
    struct section **out, size_t *out_n);
/* By slug or by name; ND_ENOTFOUND. */
int store_section_find(struct store *st, struct arena *a, const char *key,
    struct section **out);
int store_section_remove(struct store *st, int64_t id);

/* ---- sources ---- */

/* Adds a source; ND_EEXISTS when the URL is already there (*out_id is then
 * the existing id). Here and in store_source_update, a title longer than
 * 2048 bytes is cut, and a longer site URL (4096) or language (1024) is
 * left out. */
int store_source_add(struct store *st, const struct source *src,
    int64_t *out_id);
int store_source_get(struct store *st, struct arena *a, int64_t id,
    struct source **out);
int store_source_find_url(struct store *st, struct arena *a, const char *url,
    struct source **out);
int store_source_list(struct store *st, struct arena *a,
    struct source **out, size_t *out_n);
/* Sources with next_fetch <= now (all enabled ones when now < 0). */
int store_source_due(struct store *st, struct arena *a, int64_t now,
    struct source **out, size_t *out_n);
/*
 * For several workers: claims up to max (0 = all) due sources, that is
 * enabled with next_fetch <= now (every enabled one when is_all), in one
 * transaction that also moves their next_fetch to now + lease_s, so no
 * other worker (process, or machine on PostgreSQL) picks them until the
 * lease runs out. The worker then writes the real fetch state with
 * store_source_update(). The returned sources show the leased next_fetch.
 * Soonest-due first. ND_EINVAL for now or lease_s < 0.
 */
int store_source_claim(struct store *st, struct arena *a, int64_t now,
    bool is_all, int lease_s, size_t max, struct source **out,
    size_t *out_n);
/* Removes a source and its items. ND_ENOTFOUND. */
int store_source_remove(struct store *st, int64_t id);
/* Writes url, title, site_url, language, section, is_enabled and all the
 * fetch-state fields of src (by src->id). */
int store_source_update(struct store *st, const struct source *src);

/* ---- items ---- */


/*
 * Stores n items of one source, in one transaction. The dedup policy is the
 * caller's (ingest/policy.c), carried by each item: an item whose dedup_key
 * matches a stored item of the source updates it when its fields_hash
 * differs and is counted unchanged (nothing written) when equal; others are
 * inserted. sort_time 0 means the time the item is first seen (on an
 * update: the stored first_seen). Fields must be within the ITEM_MAX_*
 * caps; an item without a dedup_key is ND_EINVAL. Counts are added to
 * *stats (may be NULL). ND_ENOTFOUND for an unknown source.
 */
int store_items_put(struct store *st, int64_t source_id,
    const struct item *items, size_t n, struct item_put_stats *stats);

struct store_item_query {
	int64_t source_id;           /* 0 = any */
	int64_t section_id;          /* 0 = any */
	int64_t since, until;        /* on published (else first_seen); 0 = open */
	size_t limit;                /* 0 = 50 */
	size_t offset;
	bool with_hidden;            /* also items an editor hid (the desk);
	                              * public lists leave them out */
};

/* Newest first. */
int store_item_list(struct store *st, struct arena *a,
    const struct store_item_query *q, struct item **out, size_t *out_n);
int store_item_get(struct store *st, struct arena *a, int64_t id,
    struct item **out);
/* How many items match q's filters (its limit and offset are ignored), for
 * paging. */
int store_item_count(struct store *st, const struct store_item_query *q,
    size_t *out);

struct store_hit {
	struct item item;
	const char *snippet;         /* plain text with matches between \x02 and \x03 */
	double rank;                 /* lower is better: minus the blend below */
};

struct store_search_opts {
	int64_t source_id, section_id, since, until;
	size_t limit, offset;
	int64_t before_id;           /* only items with a smaller id; 0 = any
	                              * (the next window of a search) */
};

/* Search does bounded work however many items match: it ranks only the
 * newest STORE_SEARCH_WINDOW matches (newest by insertion, i.e. item id)
 * and counts matches up to STORE_SEARCH_COUNT_CAP. */
#define STORE_SEARCH_WINDOW    1000
#define STORE_SEARCH_COUNT_CAP 10000

/*
 * Full-text search over title, summary and content; the query is plain
 * words (normalized and stemmed like the index: Arabic diacritics and letter
 * variants, case, English and Arabic stems), not FTS5 syntax.
 *
 * Takes the newest STORE_SEARCH_WINDOW matches that pass the filters, ranks
 * them by bm25 (title 10, summary 4, content 1) blended with recency (equal
 * relevance: newer first) and returns opts' page of them: an offset at or
 * past the window gives no hits. *out_total is the number of matches, but
 * at most STORE_SEARCH_COUNT_CAP; then *out_total_capped (may be NULL) is
 * true and the page should say "10,000+". Hits and snippets are in a.
 * An empty query gives ND_EINVAL; a query with no words (punctuation)
 * matches nothing.
 */
int store_search(struct store *st, struct arena *a, const char *query,
    const struct store_search_opts *opts, struct store_hit **out,
    size_t *out_n, size_t *out_total, bool *out_total_capped);

/* store_search, also saying how far back its window reached: the oldest
 * sort time and the smallest id among the ranked matches (0 when none).
 * With more matches than STORE_SEARCH_WINDOW, the older ones are reached
 * by searching again with before_id = window_min_id (issue 8: every match
 * reachable, window after window). */
struct store_search_result {
	struct store_hit *hits;
	size_t n, total;
	bool is_capped;              /* total stopped at the cap */
	int64_t window_oldest;
	int64_t window_min_id;       /* the smallest id ranked: before_id of
	                              * the next, older window (0: none) */
};
/*
 * Merges the full-text index into one segment. Ingest adds a segment per
 * transaction and merges them only 16 at a time, so a large store searches
 * through many (10 at 1,000,000 items from bench_ingest --small): every
 * word's lookup is done once per segment, which is about a third of the
 * CPU time of a search there. One pass rewrites the index (under a minute
 * at 1,000,000 items); readers go on meanwhile. *out_before and *out_after
 * (may be NULL) get the segment counts. `newsdesk optimize` runs it.
 */
int store_search_optimize(struct store *st, size_t *out_before,
    size_t *out_after);

int store_search_ex(struct store *st, struct arena *a, const char *query,
    const struct store_search_opts *opts, struct store_search_result *out);

/* ---- for the public site (store_site.c) ---- */
/*
 * The content version: a number that changes whenever a change the public
 * pages can show is committed, by any connection (items, sections, cached
 * photos, and a source's url, title, site_url, language, section or
 * is_enabled), and not when only fetch state changes (status, etag,
 * next_fetch, errors, leases, failed photos). A reader can tell cheaply
 * that pages rendered from it are stale: the counter is read only when
 * PRAGMA data_version or this connection's change count moved. Only
 * compare values from the same store file. Thread-safety as for every call
 * on st.
 */
int store_data_version(struct store *st, uint64_t *out);


/* ---- photos: the local photo cache (see model.h) ---- */

/* Writes m (by its url; key derived), replacing an earlier row of that url.
 * A failure replacing an OK row is ignored (the image stays). ND_EINVAL
 * for an OK row without data or type. */
int store_media_put(struct store *st, const struct photo *m);

/* The row of key, in a; data and len only when with_data. ND_ENOTFOUND. */
int store_media_get(struct store *st, struct arena *a, const char *key,
    bool with_data, struct photo **out);

/*
 * Photo URLs that still need fetching, newest items first: the lead image
 * and thumbnail (http/https) of the newest `recent` items that have no
 * media row, or a failed one due again (next_try <= now, attempts under the
 * maximum). At most max URLs, in a.
 */
int store_media_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, const char ***out, size_t *out_n);

/* ---- full text (issue 12) ---- */

/* An item whose article page is to be fetched. */
struct fulltext_job {
	int64_t item_id;
	const char *url;
	int tries;                   /* attempts so far */
	/* a refresh of a page fetched before (store_fulltext_refresh_due):
	 * its validators, for a conditional GET; NULL otherwise */
	const char *etag, *last_modified;
	bool is_refresh;
};

/*
 * Items of the newest `recent` (bounded work) whose article page should be
 * fetched: an http(s) link, a source whose full_text is ALWAYS, or AUTO and
 * the feed's summary and content together shorter than short_len bytes;
 * not tried yet, or failed and due again (full_text_next <= now, tries
 * under ITEM_FULL_TEXT_MAX_TRIES). Newest first, at most max, in a.
 */
int store_fulltext_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, size_t short_len, struct fulltext_job **out,
    size_t *out_n);

/*
 * Records an attempt on item_id: state (enum item_full_text_state), the
 * text when ITEM_FULL_TEXT_OK (which then replaces the feed's content in
 * the search index, so search finds words only the article has), the
 * reason otherwise, next_try for a FAILED one. ND_ENOTFOUND for no item.
 */
int store_fulltext_put(struct store *st, int64_t item_id, int state,
    const char *text, const char *reason, int64_t next_try);

/*
 * Items of the newest `recent` whose article text is stored (OK) and was
 * last fetched before `before`: for a refresh with a conditional GET,
 * with the page's validators. Oldest fetch first, at most max, in a.
 */
int store_fulltext_refresh_due(struct store *st, struct arena *a,
    int64_t before, size_t recent, size_t max, struct fulltext_job **out,
    size_t *out_n);
/* Records when item_id's article page was last fetched and its
 * validators (NULL: none). ND_ENOTFOUND for no item. */
int store_fulltext_seen(struct store *st, int64_t item_id, const char *etag,
    const char *last_modified, int64_t at);

/* robots.txt of one origin ("https://host:port"), as last fetched. */
struct store_robots {
	const char *origin;
	int64_t expires;             /* fetch again after this */
	int status;                  /* HTTP status; 0: no answer */
	const char *body;            /* 2xx: the text (NUL-terminated) */
	size_t len;
};
/* The cached robots.txt of origin (in a); ND_ENOTFOUND. */
int store_robots_get(struct store *st, struct arena *a, const char *origin,
    struct store_robots **out);
/* Stores (replaces) the robots.txt of r->origin. */
int store_robots_put(struct store *st, const struct store_robots *r);

/* The stored full text of item_id (NULL when none), in a. */
int store_fulltext_get(struct store *st, struct arena *a, int64_t item_id,
    const char **out_text, int *out_state);
/* For the item page (issue 12): the extracted article text of item_id
 * (NULL unless one is stored), and what its source's terms allow shown
 * of it (enum source_show_text), in a; ND_ENOTFOUND. */
int store_item_text_get(struct store *st, struct arena *a, int64_t item_id,
    const char **out_text, int *out_show);

/* Every cached image (key, type, width, height; no bytes), for export. */
int store_media_list_ok(struct store *st, struct arena *a,
    struct photo **out, size_t *out_n);

/* Counts of rows by status, for tests and summaries. */
int store_media_count(struct store *st, size_t *out_ok, size_t *out_failed);

/* ---- stories (issue 9) ---- */

/* Where the clusterer put one item, for store_story_assign. */
struct story_assign {
	int64_t source_id;           /* the item: (source, dedup key) */
	const char *dedup_key;
	int64_t story_id;            /* created when new */
	const char *title;           /* a new story's title (the item's) */
	int64_t time;                /* the item's time */
	double similarity;
};

/*
 * Records n assignments in one transaction: creates stories that do not
 * exist yet, moves unlocked items (an item an editor placed stays where
 * it is), follows merged_into, widens first/last seen, reopens a story
 * that gets a report, and closes open, unpinned stories whose last report
 * is older than close_before (0 = none). Unknown items are skipped; each
 * assigned item leaves the clusterer's queue (store_story_pending).
 */
int store_story_assign(struct store *st, const struct story_assign *as,
    size_t n, int64_t close_before);

/* Two stories the clusterer found to be one (analyze_result.merged). */
struct story_fold {
	int64_t from, into;
};

/*
 * Records n folds in one transaction: from's items move to into and from
 * points there (merged_into), nothing locked. merged_into is followed on
 * both sides; a fold is skipped when either story is not stored or an
 * editor touched it (an item placed or split, a pin, a title).
 */
int store_story_fold(struct store *st, const struct story_fold *f,
    size_t n);

/* Characters of an item's summary and content a story_member carries (the
 * clusterer reads the lead of each). */
#define STORE_STORY_MEMBER_TEXT 16384

/* One stored item in a story, as the clusterer needs it to warm up. */
struct story_member {
	int64_t item_id, story_id;
	int64_t source_id;
	const char *dedup_key;
	bool is_locked;
	int64_t time;                /* sort time */
	const char *source, *language, *title, *summary, *content;
	const char *image_url;
};

/*
 * The assigned items with sort time >= since, oldest first, at most max
 * (the newest max), in a; *out_next_id is one above the largest story id
 * ever used. Items waiting for the clusterer are left out.
 */
int store_story_window(struct store *st, struct arena *a, int64_t since,
    size_t max, struct story_member **out, size_t *out_n,
    int64_t *out_next_id);

/*
 * Items waiting for the clusterer: stored new, or with a new headline,
 * since it last ran (store_items_put queues them; store_story_assign takes
 * them off). At most max, in the order they are to be clustered: sort
 * time, then source, then dedup key, whatever order they were stored in.
 * story_id is the story an item is in now (0: none).
 */
int store_story_pending(struct store *st, struct arena *a, size_t max,
    struct story_member **out, size_t *out_n);

struct store_story_query {
	bool is_open_only;
	int64_t since;               /* last_seen >= since; 0 = any */
	size_t limit;                /* 0 = 50 */
};

/* Stories (merged ones left out) with their counts, ranked: pinned first,
 * then by score (store.c: outlets, velocity, recency). */
int store_story_list(struct store *st, struct arena *a,
    const struct store_story_query *q, int64_t now, struct story **out,
    size_t *out_n);
/* One story with its counts; ND_ENOTFOUND. */
int store_story_get(struct store *st, struct arena *a, int64_t id,
    struct story **out);
/* The items of a story, oldest first (at most 1000). */
int store_story_items(struct store *st, struct arena *a, int64_t id,
    struct item **out, size_t *out_n);

/* An editor's decision. Items they move are locked. */
enum store_story_op {
	STORE_STORY_MERGE = 1,       /* every item of id into other */
	STORE_STORY_SPLIT,           /* item_id out into a new story */
	STORE_STORY_PIN,
	STORE_STORY_UNPIN,
	STORE_STORY_RETITLE,         /* title; NULL or "" clears it */
};

struct store_story_edit {
	int op;                      /* enum store_story_op */
	int64_t id, other, item_id;
	const char *title;
};

/* Applies e; *out_id (may be NULL) is the story that results (SPLIT: the
 * new one). ND_ENOTFOUND for an unknown story or item, ND_EINVAL for a
 * merge of a story into itself. */
int store_story_edit(struct store *st, const struct store_story_edit *e,
    int64_t *out_id);

/* ---- desk accounts (issue 10, sqlite_user.c) ---- */
/*
 * Users sign in with an email (unique, case-insensitive) and a password
 * whose argon2id hash string (auth/) the store keeps as it is given.
 * Sessions are stored by a hash of their id only (STORE_SESSION_HASH
 * bytes): the id itself lives in the user's cookie. Every call is one
 * transaction.
 */
#define STORE_SESSION_HASH 32
#define STORE_THROTTLE_KEY 16

/* Adds u (email, name, role, is_disabled) with pwhash; created and
 * password_changed_at = now. ND_EEXISTS for a taken email, ND_EINVAL for
 * an empty email or name or one over 320 / 200 bytes. */
int store_user_add(struct store *st, const struct user *u,
    const char *pwhash, int64_t now, int64_t *out_id);
/* A user by id (email NULL) or by email; *out_pwhash (may be NULL) gets
 * the hash string. In a. ND_ENOTFOUND. */
int store_user_get(struct store *st, struct arena *a, int64_t id,
    const char *email, struct user **out, const char **out_pwhash);
/* Every user by email, with n_sessions (live or not yet pruned). */
int store_user_list(struct store *st, struct arena *a, struct user **out,
    size_t *out_n);
/*
 * Writes u's name, role and is_disabled (by u->id); with pwhash, also the
 * password (password_changed_at = now). A disabled user or a new
 * password loses every session but keep's (a session hash, or NULL for
 * all). ND_ENOTFOUND.
 */
int store_user_update(struct store *st, const struct user *u,
    const char *pwhash, int64_t now, const unsigned char *keep);
/* Records a successful sign-in (last_login = now). */
int store_user_login(struct store *st, int64_t id, int64_t now);

/* A new session of user_id under hash; sessions past either expiry
 * (idle_s since last seen, max_s since created) are removed first. */
int store_session_add(struct store *st,
    const unsigned char hash[STORE_SESSION_HASH], int64_t user_id,
    int64_t now, int64_t idle_s, int64_t max_s);
/*
 * The user of the live session hash, in a: ND_ENOTFOUND when there is
 * none, when it has expired (idle_s after its last use, max_s after its
 * start: then it is removed) or when its user is disabled. Its last_seen
 * moves to now when it is more than touch_s old (so a busy desk does not
 * write on every request).
 */
int store_session_user(struct store *st, struct arena *a,
    const unsigned char hash[STORE_SESSION_HASH], int64_t now,
    int64_t idle_s, int64_t max_s, int64_t touch_s, struct user **out);
/* Removes the session hash (0 when there was none). */
int store_session_remove(struct store *st,
    const unsigned char hash[STORE_SESSION_HASH]);

/* Sign-in failures under one key (auth/: a hash of the email, or the
 * global budget's key); all zero when none are recorded. */
struct store_throttle {
	int failures;
	int64_t last_failure;
	int64_t locked_until;
};
int store_throttle_get(struct store *st,
    const unsigned char key[STORE_THROTTLE_KEY], struct store_throttle *out);
/* Writes t under key (failures 0 removes the row); rows whose last
 * failure is older than forget_before are removed too. */
int store_throttle_put(struct store *st,
    const unsigned char key[STORE_THROTTLE_KEY],
    const struct store_throttle *t, int64_t forget_before);

/* ---- curation of what is gathered (issue 10, sqlite_curate.c) ----
 * An editor's decisions on an item are kept beside the outlet's fields,
 * which ingest keeps updating: a hidden item leaves every public list,
 * story and the search index (it stays in the store); a retitled item
 * reads with the desk's headline as title and the outlet's as
 * original_title; a section of the desk's wins over the source's (in
 * item reads and section lists; search filters by the source's). Each
 * edit is an UPDATE of the item, so the change log (store_changes_since)
 * tells every web node's cache at once. */
enum store_item_op {
	STORE_ITEM_PIN = 1,          /* to the front page (pinned_at = now) */
	STORE_ITEM_UNPIN,
	STORE_ITEM_HIDE,
	STORE_ITEM_UNHIDE,
	STORE_ITEM_RETITLE,          /* title; NULL or "" gives the outlet's
	                              * back */
	STORE_ITEM_SECTION,          /* section_id; 0 gives the source's */
};

struct store_item_edit {
	int op;                      /* enum store_item_op */
	int64_t id;
	const char *title;           /* RETITLE: at most ITEM_MAX_TITLE */
	int64_t section_id;          /* SECTION */
	int64_t now;                 /* PIN */
};

/* Applies e. ND_ENOTFOUND for an unknown item or section, ND_EINVAL for
 * a title over ITEM_MAX_TITLE bytes or with a control character. */
int store_item_edit(struct store *st, const struct store_item_edit *e);
/* The pinned, visible items, latest pin first, at most max, in a. */
int store_item_pinned(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n);
/* store_story_edit, and the stories' items logged as changed, so cached
 * pages showing them follow at once. */
int store_story_curate(struct store *st, const struct store_story_edit *e,
    int64_t *out_id);

/* ---- the audit log (issue 10): who did what, for every feature ---- */
struct audit_entry {
	int64_t id, at;
	int64_t user_id;             /* 0: the command line */
	const char *actor;           /* the user's email then, or "cli" */
	const char *action;          /* "login", "item.hide", "user.add", ... */
	const char *target;          /* "item 12", an email, "" */
	const char *detail;          /* a short note, "" */
};
/* Appends one entry (at = now). Texts are cut at 1000 bytes. */
int store_audit_add(struct store *st, int64_t user_id, const char *actor,
    const char *action, const char *target, const char *detail,
    int64_t now);
/* Newest first; limit 0 = 50 (at most 1000). action_prefix (may be NULL)
 * keeps entries whose action starts with it. In a. */
int store_audit_list(struct store *st, struct arena *a, size_t limit,
    size_t offset, const char *action_prefix, struct audit_entry **out,
    size_t *out_n);
/* ---- the desk's posts (issue 10; model.h: struct post) ---- */

/*
 * Saves p: inserts it when p->id is 0 (*out_id gets the id; created and
 * updated_at are now), else updates every field of post p->id and keeps
 * the version it replaces in the revisions, with p->edited_by and now.
 * Bylines and picks are replaced by p's. status, publish_at and
 * published_at are written as given (store_post_publish moves them); an
 * edit of a published post sets updated_at to now (dateModified).
 * ND_EINVAL for a field over its POST_MAX_* cap, no headline or too many
 * bylines or picks; ND_ENOTFOUND for an unknown id. One transaction.
 */
int store_post_save(struct store *st, const struct post *p, int64_t now,
    int64_t *out_id);

/* Post id with bylines, picks (with their items' titles and links),
 * corrections and photo, in a. ND_ENOTFOUND. */
int store_post_get(struct store *st, struct arena *a, int64_t id,
    struct post **out);

struct store_post_query {
	int status;                  /* enum post_status; 0 = any */
	int64_t section_id;          /* 0 = any */
	int64_t column_id;           /* 0 = any */
	const char *byline_slug;     /* NULL = any */
	size_t limit;                /* 0 = 50, at most 1000 */
	size_t offset;
};

/* Posts matching q, filled as store_post_get does (corrections
 * included); published ones newest published first, others newest saved
 * first. */
int store_post_list(struct store *st, struct arena *a,
    const struct store_post_query *q, struct post **out, size_t *out_n);

/* Publishes post id now (at <= now: status PUBLISHED, published_at now
 * unless it was published before) or schedules it (status SCHEDULED,
 * publish_at at). ND_ENOTFOUND. */
int store_post_publish(struct store *st, int64_t id, int64_t at, int64_t now);

/* Sets post id's status (draft, submitted; unpublishing keeps
 * published_at). ND_ENOTFOUND; ND_EINVAL for an unknown status. */
int store_post_set_status(struct store *st, int64_t id, int status);

/* Publishes every scheduled post whose time has come; *out_n (may be
 * NULL) says how many. */
int store_post_publish_due(struct store *st, int64_t now, size_t *out_n);

/* Appends a correction to post id (it must be published: ND_EINVAL
 * otherwise) and marks the post modified. ND_ENOTFOUND. */
int store_post_correct(struct store *st, int64_t id, const char *note,
    int64_t user_id, int64_t now, int64_t *out_id);

/* One correction with its post, for the /corrections page. */
struct store_correction {
	struct post_correction c;
	int64_t post_id;
	const char *post_slug, *post_headline;
};
/* Corrections of published posts, newest first, at most limit (0 = 200). */
int store_correction_list(struct store *st, struct arena *a, size_t limit,
    struct store_correction **out, size_t *out_n);

/* A saved earlier version of a post. */
struct store_revision {
	int64_t id, time, user_id;
	int status;
	const char *headline, *deck, *body, *dateline;
};
/* The revisions of post id, newest first (at most 200). */
int store_post_revisions(struct store *st, struct arena *a, int64_t id,
    struct store_revision **out, size_t *out_n);

/* The distinct bylines of published posts, by name (byline pages). */
int store_byline_find(struct store *st, struct arena *a, const char *slug,
    struct post_byline **out);

/* Columns. ND_EEXISTS for a taken slug; ND_EINVAL for a bad one. */
int store_column_add(struct store *st, const struct column *c,
    int64_t *out_id);
int store_column_list(struct store *st, struct arena *a,
    struct column **out, size_t *out_n);
/* By slug or name; ND_ENOTFOUND. */
int store_column_find(struct store *st, struct arena *a, const char *key,
    struct column **out);

/*
 * Stores a desk photo in one transaction: ph (token, sizes, widths), its
 * private original, and the public variants (media rows by their URL,
 * model_desk_photo_url). *out_id gets the id.
 */
int store_desk_photo_put(struct store *st, const struct desk_photo *ph,
    const void *original, size_t original_len, const char *original_type,
    const struct photo *variants, size_t n_variants, int64_t *out_id);
/* Desk photo id (no bytes), in a. ND_ENOTFOUND. */
int store_desk_photo_get(struct store *st, struct arena *a, int64_t id,
    struct desk_photo **out);

/* ---- what changed since a cursor ---- */
/*
 * For caches of rendered pages on any number of web nodes: which items
 * and photos changed since the last call. New items are found by id
 * (read side only: nothing is written per inserted item); updated and
 * deleted items, cached photos and changes that touch every page
 * (sections, an outlet's shown columns) are written to a small change
 * log by triggers, pruned as it grows.
 */
struct store_cursor {
	int64_t item_id;             /* the newest item id seen */
	int64_t seq;                 /* the newest change-log entry seen */
	bool is_set;
};

enum store_change_kind {
	STORE_CHANGE_ITEM = 1,       /* inserted, updated or deleted */
	STORE_CHANGE_PHOTO = 2,      /* a photo became cached (or went) */
	STORE_CHANGE_POST = 5,       /* a post that is or was published, or a
	                                column (item_id: the post, 0 = all) */
	STORE_CHANGE_SOURCE = 6,     /* what a source's item pages show
	                                (source_id; issue 12) */
};

struct store_change {
	int kind;
	int64_t item_id, source_id;
	int64_t section_id;          /* of the source; 0 = none or unknown */
	int64_t time, old_time;      /* items: sort time (published, else
	                                first seen), before and after */
	const char *photo_key;       /* PHOTO: the media key */
	int64_t old_section_id;      /* items: a section an editor took it
	                              * out of (issue 10); 0 = none */
};

/*
 * Fills *out (in a) with at most max changes committed after *cur and
 * moves *cur past them. *out_all is set (and *out_n is 0) when the caller
 * should treat everything as changed: on the first call (cur not set),
 * after a change to sections or to a source's shown columns, when there
 * are more than max, or when the log was pruned past *cur. Reads in one
 * snapshot; works on a read-only handle.
 */
int store_changes_since(struct store *st, struct arena *a,
    struct store_cursor *cur, size_t max, struct store_change **out,
    size_t *out_n, bool *out_all);

/* ---- tips (issue 11): sealed bytes only (model.h: tip_thread) ---- */

/* Adds thread t (id, day, lookup, reply_pk) with its first message.
 * ND_EEXISTS when the id or the lookup tag is taken. */
int store_tip_thread_add(struct store *st, const struct tip_thread *t,
    const struct tip_msg *first);
/* Adds m (day, sealed, for_source) to thread id; ND_ENOTFOUND. */
int store_tip_msg_add(struct store *st, const char *thread_id,
    const struct tip_msg *m);
/* Every thread, newest first, with counts and sizes (no lookup, no
 * key), in a. */
int store_tip_list(struct store *st, struct arena *a,
    struct tip_thread **out, size_t *out_n);
/* One thread and its messages, oldest first, in a; ND_ENOTFOUND. */
int store_tip_get(struct store *st, struct arena *a, const char *id,
    struct tip_thread **out, struct tip_msg **out_msgs, size_t *out_n);
/* The id of the thread whose receipt tag is lookup (in a);
 * ND_ENOTFOUND. */
int store_tip_find(struct store *st, struct arena *a,
    const unsigned char *lookup, size_t len, const char **out_id);

/* ---- mail (issue 11): subscribers, tokens, the mail queue, digests ---- */

enum sub_token_kind {
	SUB_TOKEN_CONFIRM = 1,       /* double opt-in: single use */
	SUB_TOKEN_MANAGE = 2,        /* preferences and unsubscribe links */
};

enum mail_state {
	MAIL_QUEUED = 0,
	MAIL_SENDING = 1,            /* claimed, leased until lease_until */
	MAIL_SENT = 2,
	MAIL_FAILED = 3,             /* permanent: not retried */
};

struct store_signup {
	const char *email;           /* normalized */
	const char *const *lists;
	size_t n_lists;
	int64_t now;
	int64_t quiet_s;             /* no mail to an address mailed (queued)
	                              * less than quiet_s ago: no list bombing */
	const char *message_id;      /* of the mail it may queue */
};

/*
 * A sign-up, in one transaction. A new, pending or unsubscribed address
 * becomes pending with these lists and gets a "confirm" mail queued; an
 * active one keeps its lists and gets a "notice" mail (a link to its
 * preferences); a bounced or suppressed one gets nothing. Nothing is
 * queued within quiet_s of the address's last mail. *out_queued says
 * whether a mail was queued (for tests: the web answer must not depend
 * on it).
 */
int store_sub_signup(struct store *st, const struct store_signup *s,
    bool *out_queued);
/* One subscriber with its lists, by id or by email; ND_ENOTFOUND. */
int store_sub_get(struct store *st, struct arena *a, int64_t id,
    const char *email, struct subscriber **out);
/* Records a token's hash (hex, 64 chars) for a subscriber. */
int store_sub_token_add(struct store *st, int64_t sub_id, int kind,
    const char *hash, int64_t expires);
/* The subscriber of an unexpired token of that kind; ND_ENOTFOUND. */
int store_sub_token_find(struct store *st, struct arena *a, const char *hash,
    int kind, int64_t now, struct subscriber **out);
/* Confirms: a pending subscriber becomes active and the confirm token
 * hash is spent. ND_ENOTFOUND when the token is unknown or expired. */
int store_sub_confirm(struct store *st, const char *hash, int64_t now,
    int64_t *out_id);
/* Replaces the lists; with n 0 the subscriber is unsubscribed. */
int store_sub_set_lists(struct store *st, int64_t id,
    const char *const *lists, size_t n);
/* Sets the status (an unsubscribe keeps the row, so the address is not
 * mailed again without a new confirmation). */
int store_sub_set_status(struct store *st, int64_t id, int status);
/*
 * A bounce: a hard one (or a permanent SMTP refusal) marks the address
 * at once (status, SUB_BOUNCED or SUB_SUPPRESSED); a soft one counts and
 * marks it SUB_BOUNCED at soft_limit. *out_status (may be NULL) is the
 * status after. ND_ENOTFOUND.
 */
int store_sub_bounce(struct store *st, int64_t id, bool is_hard,
    int hard_status, int soft_limit, const char *dsn_status, int64_t now,
    int *out_status);
/* Deletes pending subscribers created before `before` and expired
 * tokens; *out_n (may be NULL) is how many subscribers went. */
int store_sub_expire(struct store *st, int64_t before, int64_t now,
    size_t *out_n);
/* Subscribers by status: out[SUB_PENDING..SUB_SUPPRESSED]. */
int store_sub_counts(struct store *st, size_t out[5]);

/* Stores a rendered mail shared by many recipients (a digest); the
 * token marker in text and html is replaced per recipient when sent. */
int store_mail_content_add(struct store *st, const char *kind,
    const char *list, const char *subject, const char *text,
    const char *html, int64_t now, int64_t *out_id);
/*
 * Queues content_id to every active subscriber of list, once each (a
 * second call for the same content queues nothing more), with
 * Message-IDs "<random.queueid@domain>", and records the run as the
 * list's last digest at now. One transaction. *out_n is how many.
 */
int store_digest_enqueue(struct store *st, int64_t content_id,
    const char *list, const char *msgid_domain, int64_t now, size_t *out_n);
/* When the list's last digest was queued (0: never). */
int store_digest_last(struct store *st, const char *list, int64_t *out);

/* ---- breaking-news alerts (issue 11): a post mailed to the breaking
 * list's confirmed subscribers, at most once per post ---- */
struct store_breaking {
	int64_t post_id;
	int64_t requested_at;        /* 0: never asked for */
	int64_t requested_by;        /* a user id, 0 = the command line */
	int64_t queued_at;           /* 0: waiting (for publication, or for
	                                the mail loop) */
	size_t n_queued;             /* mails queued then */
};
/* Asks for post id to go out as breaking news (once: a second request
 * changes nothing). *out (may be NULL) is the alert's state after.
 * ND_ENOTFOUND for an unknown post. */
int store_breaking_request(struct store *st, int64_t post_id,
    int64_t user_id, int64_t now, struct store_breaking *out);
/* The alert of post id (requested_at 0 when none). */
int store_breaking_get(struct store *st, int64_t post_id,
    struct store_breaking *out);
/* Posts whose alert is asked for, not yet queued, and published, oldest
 * request first, at most max (ids in a). */
int store_breaking_pending(struct store *st, struct arena *a, size_t max,
    int64_t **out, size_t *out_n);
/*
 * In one transaction: stores the rendered alert (mail_content kind and
 * list "breaking"; the token marker is replaced per recipient), queues
 * it to every active subscriber of the breaking list with Message-IDs
 * "<random.subscriber.content@domain>", and marks post_id's alert queued.
 * ND_EEXISTS (nothing stored) when it was queued before or was never
 * asked for, so a post is sent as breaking news at most once.
 */
int store_breaking_enqueue(struct store *st, int64_t post_id,
    const char *subject, const char *text, const char *html,
    const char *msgid_domain, int64_t now, size_t *out_n);
/* Active subscribers of a list (for dry runs and reports). */
int store_list_count(struct store *st, const char *list, size_t *out);

/* One queued mail as the sender needs it. */
struct mail_msg {
	int64_t id, subscriber_id;
	const char *email;
	const char *kind;            /* confirm notice digest */
	int sub_status;
	const char *message_id;
	int attempts;                /* including this one */
	int64_t created;
	/* a shared content row, when the mail has one */
	int64_t content_id;
	const char *subject, *text, *html;
};

struct store_mail_limits {
	int per_minute, per_hour, per_day;   /* 0 = no limit */
};

/*
 * Claims the next mail that is due: queued with next_attempt_at <= now,
 * or sending with an expired lease (a sender that died: it is sent again
 * with the same Message-ID). In one transaction it becomes sending,
 * leased until now + lease_s, its attempts counted, and the send windows
 * (minute, hour, day, UTC) counted. *out is NULL when none is due or a
 * window is full; then *out_wait (may be NULL) is when to look again (0:
 * nothing queued at all). Unsent mail to subscribers who left or
 * bounced since it was queued is dropped first (failed, "subscriber is
 * not active").
 */
int store_mail_claim(struct store *st, struct arena *a, int64_t now,
    int lease_s, const struct store_mail_limits *lim, struct mail_msg **out,
    int64_t *out_wait);
/*
 * The outcome of a claimed mail: MAIL_SENT (sent_at now), MAIL_QUEUED
 * (a retry at next_attempt_at) or MAIL_FAILED, with the error and SMTP
 * code (0 for none). Only a mail still in state sending is changed.
 */
int store_mail_done(struct store *st, int64_t id, int state,
    int64_t next_attempt_at, const char *error, int code, int64_t now);
struct store_mail_row {             /* mail_status: one group */
	const char *kind;
	int state;
	size_t n;
};

struct store_mail_status {
	struct store_mail_row *rows;     /* by kind and state */
	size_t n_rows;
	size_t due;                      /* queued and due now */
	int64_t next_attempt;            /* the soonest queued retry, or 0 */
	const char *last_error;          /* newest failed or retried mail */
	int last_code;
	int64_t last_error_at;
	const char *last_error_kind;
};

int store_mail_status(struct store *st, struct arena *a, int64_t now,
    struct store_mail_status *out);

/* The desk's mail secret (32 random bytes made by the migration): keys
 * the VERP return paths' MACs. */
int store_mail_secret(struct store *st, unsigned char out[32]);
/* ---- automatic sections and the beat (issue 9) ----
 * The desk's rules (desk_rules): per section, words, outlets (source ids)
 * and feed categories that file an item there; with section 0, the beat's
 * profile (words and names that make an item relevant). Ingest files an
 * item of a source with no section under a section of its own (marked
 * automatic: items.section_auto) unless an editor filed it; an editor's
 * filing clears the mark and is a training label. An item below the
 * beat's threshold is held off public pages (hidden) and waits in the
 * review list until an editor keeps or hides it. */
enum store_rule_kind {
	STORE_RULE_WORD = 1,
	STORE_RULE_SOURCE = 2,
	STORE_RULE_CATEGORY = 3,
	STORE_RULE_BEAT = 4,         /* section 0: the beat's profile */
};
struct store_rule {
	int64_t id, section_id;
	int kind;                    /* enum store_rule_kind */
	const char *value;
};
int store_rule_add(struct store *st, int64_t section_id, int kind,
    const char *value, int64_t *out_id);
int store_rule_remove(struct store *st, int64_t id);
int store_rule_list(struct store *st, struct arena *a,
    struct store_rule **out, size_t *out_n);

/* A training document: an editor's filing (label STORE_LABEL_SECTION),
 * an item an editor kept (KEPT) or hid (HIDDEN). */
enum { STORE_LABEL_SECTION = 0, STORE_LABEL_KEPT = 1, STORE_LABEL_HIDDEN = 2 };
struct store_label {
	int label;
	int64_t section_id;
	const char *title, *summary, *content;
};
/* The newest max labels of each kind, in a. */
int store_labels(struct store *st, struct arena *a, size_t max,
    struct store_label **out, size_t *out_n);
/* A cheap signature of the labels: changes when an editor files, keeps
 * or hides anything (the cached model is retrained then). */
int store_labels_version(struct store *st, uint64_t *out);

/* What ingest decided for one item (by source and dedup key). */
struct store_item_class {
	int64_t source_id;
	const char *dedup_key;
	int64_t section_id;          /* automatic section; 0 = none */
	double relevance;
	bool is_review;              /* below the beat's threshold */
};
/* Writes n decisions in one transaction; never overrides an editor's
 * filing or a review already decided. */
int store_items_classify(struct store *st, const struct store_item_class *v,
    size_t n);
/* The items waiting for review, newest first, at most max, in a. */
int store_review_list(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n);
/* An editor's verdict on an item: keep shows it (and it teaches the
 * profile), hide keeps it hidden. ND_ENOTFOUND for an unknown item. */
int store_review_decide(struct store *st, int64_t id, bool keep);

/* Near-duplicates (wire copy carried by several outlets, re-posts): the
 * item (source_id, dedup_key) is a copy of (of_source_id, of_dedup_key),
 * recorded as the first copy's id (items.dup_of, followed to its root). */
struct store_item_dup {
	int64_t source_id, of_source_id;
	const char *dedup_key, *of_dedup_key;
};
int store_items_dups(struct store *st, const struct store_item_dup *v,
    size_t n);
/* The other copies of item id (its first copy and every copy of that),
 * visible ones only, oldest first, at most max, in a. */
int store_item_copies(struct store *st, struct arena *a, int64_t id,
    size_t max, struct item **out, size_t *out_n);

/* ---- daily upkeep (issue 8): the search index merged by `run` ---- */

/*
 * A daily task shared by every process on the store ("optimize"): at most
 * one holds it at a time, through a lease. Claims task for owner (a
 * string unique to the process) until lease_until, if it has not been
 * done since due_at and no other owner holds an unexpired lease; the
 * owner itself may claim again to extend its lease. *out_state gets
 * STORE_UPKEEP_CLAIMED, STORE_UPKEEP_HELD (another owner holds it) or
 * STORE_UPKEEP_DONE (done at or after due_at). 0 or ND_EIO.
 */
enum store_upkeep_state {
	STORE_UPKEEP_CLAIMED = 0,
	STORE_UPKEEP_HELD = 1,
	STORE_UPKEEP_DONE = 2,
};
int store_upkeep_claim(struct store *st, const char *task, const char *owner,
    int64_t now, int64_t lease_until, int64_t due_at,
    enum store_upkeep_state *out_state);
/* Gives owner's lease of task back; with is_done, records now as the
 * time the task was last done. Nothing happens when owner does not hold
 * it. 0 or ND_EIO. */
int store_upkeep_release(struct store *st, const char *task, const char *owner,
    int64_t now, bool is_done);
/* When task was last done (0 = never), and who holds its lease until when
 * (*out_owner "" and 0 = nobody; borrowed from a). 0 or ND_EIO. */
int store_upkeep_get(struct store *st, struct arena *a, const char *task,
    int64_t *out_last_done, const char **out_owner, int64_t *out_lease_until);
/*
 * One bounded step of merging the search index into one segment (FTS5's
 * 'merge' with a negative page count: all levels, as 'optimize' does, but
 * writing about pages pages and committing). *out_is_done is true once a
 * step changed next to nothing: the index is merged. *out_segments (may
 * be NULL) gets the segment count after the step. The step is its own
 * transaction, so a writer waits at most one step. pages 0 only counts
 * (done: at most one segment). 0 or ND_EIO.
 */
int store_search_merge_step(struct store *st, int pages, bool *out_is_done,
    size_t *out_segments);

#endif
