/*
 * store internals shared by the SQLite backend's files. Nothing outside
 * src/store/ includes this.
 *
 * Hot statements are prepared once (SQLITE_PREPARE_PERSISTENT) and cached on
 * struct store by id; store_stmt_get() hands one out reset and unbound, and
 * the caller resets it again when done (store_stmt_put) so no statement
 * keeps a read transaction open between calls.
 */
#ifndef ND_STORE_STORE_INT_H
#define ND_STORE_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_backend.h"

struct arena;

/* Field caps applied on ingest (bytes, cut on a UTF-8 boundary). */
#define STORE_MAX_GUID      2048
#define STORE_MAX_URL       4096
#define STORE_MAX_TITLE     2048
#define STORE_MAX_SUMMARY   (64 << 10)
#define STORE_MAX_CONTENT   (1 << 20)
#define STORE_MAX_SHORT     1024     /* author, language, caption, credit */
#define STORE_MAX_TAGS      2048
#define STORE_MAX_QUERY_WORDS 32

/* Cached statements; SQL in store_sqlite.c's stmt_sql[]. */
enum stmt_id {
	ST_SECTION_ADD,
	ST_SECTION_LIST,
	ST_SECTION_FIND,
	ST_SECTION_REMOVE,
	ST_SOURCE_ADD,
	ST_SOURCE_ID_BY_URL,
	ST_SOURCE_GET,
	ST_SOURCE_FIND_URL,
	ST_SOURCE_LIST,
	ST_SOURCE_DUE,
	ST_SOURCE_REMOVE,
	ST_SOURCE_UPDATE,
	ST_SOURCE_EXISTS,
	ST_SOURCE_LEASE,
	ST_ITEM_LOOKUP,
	ST_ITEM_INSERT,
	ST_ITEM_UPDATE,
	ST_FTS_INSERT,
	ST_FTS_DELETE,
	ST_ITEM_GET,
	ST_SEARCH_COUNT,
	ST_SEARCH_COUNT_ALL,
	ST_FTS_SEGMENTS,
	ST_FTS_OPTIMIZE,
	ST_SEARCH,
	ST_SEARCH_HIT,
	ST_SEARCH_SECTION_SOURCES,
	ST_SEARCH_TIME_RANGE,
	ST_DATA_VERSION,
	ST_CONTENT_VERSION,
	ST_STORY_PENDING_PUT,
	ST_N
};

/* Item list statements vary by which filters are set (4 bits) and
 * whether hidden items are in (a fifth). */
#define ITEM_LIST_VARIANTS 32

struct text_analyzer;

struct store_sqlite {
	struct store base;            /* first: a struct store * is one of these */
	sqlite3 *db;
	char *path;
	int flags;
	int tx_depth;                /* store_begin nesting */
	int schema_version;
	sqlite3_stmt *stmts[ST_N];
	sqlite3_stmt *item_list[ITEM_LIST_VARIANTS];
	sqlite3_stmt *item_count[ITEM_LIST_VARIANTS];
	struct text_analyzer *ta;    /* for building search queries */
	/* store_data_version: the content version last read, and the
	 * PRAGMA data_version and sqlite3_total_changes64 it was read at */
	bool has_cv;
	uint64_t cv, cv_data_version;
	int64_t cv_changes;
};

/* The backend behind a struct store (opened by store_sqlite_open). */
#define SQ(st) ((struct store_sqlite *)(st))
/* The operations of store_sqlite_ops (store_backend.h), by file. */
int store_sqlite_open(struct store **out, const char *path, int flags);
void store_sqlite_close(struct store *st);
void store_sqlite_remove(const char *path);
int store_sqlite_schema_version(struct store *st);
int store_sqlite_check(struct store *st);
int store_sqlite_begin(struct store *st);
int store_sqlite_commit(struct store *st);
int store_sqlite_rollback(struct store *st);
int store_sqlite_section_add(struct store *st, const char *name,
    const char *slug, int64_t *out_id);
int store_sqlite_section_list(struct store *st, struct arena *a,
    struct section **out, size_t *out_n);
int store_sqlite_section_find(struct store *st, struct arena *a,
    const char *key, struct section **out);
int store_sqlite_section_remove(struct store *st, int64_t id);
int store_sqlite_source_add(struct store *st, const struct source *src,
    int64_t *out_id);
int store_sqlite_source_get(struct store *st, struct arena *a, int64_t id,
    struct source **out);
int store_sqlite_source_find_url(struct store *st, struct arena *a,
    const char *url, struct source **out);
int store_sqlite_source_list(struct store *st, struct arena *a,
    struct source **out, size_t *out_n);
int store_sqlite_source_due(struct store *st, struct arena *a, int64_t now,
    struct source **out, size_t *out_n);
int store_sqlite_source_claim(struct store *st, struct arena *a, int64_t now,
    bool is_all, int lease_s, size_t max, struct source **out, size_t *out_n);
int store_sqlite_source_remove(struct store *st, int64_t id);
int store_sqlite_source_update(struct store *st, const struct source *src);
int store_sqlite_items_put(struct store *st, int64_t source_id,
    const struct item *items, size_t n, struct item_put_stats *stats);
int store_sqlite_item_list(struct store *st, struct arena *a,
    const struct store_item_query *q, struct item **out, size_t *out_n);
int store_sqlite_item_get(struct store *st, struct arena *a, int64_t id,
    struct item **out);
int store_sqlite_item_count(struct store *st, const struct store_item_query *q,
    size_t *out);
int store_sqlite_search_window(struct store *st, struct arena *a,
    const char *query, const struct store_search_opts *opts,
    struct store_cand **out, size_t *out_n, size_t *out_total, void **out_q);
int store_sqlite_search_optimize(struct store *st, size_t *out_before,
    size_t *out_after);
int store_sqlite_search_hits(struct store *st, struct arena *a, void *q,
    const struct store_cand *c, size_t n, struct store_hit *out);
int store_sqlite_data_version(struct store *st, uint64_t *out);
int store_sqlite_media_put(struct store *st, const struct photo *m);
int store_sqlite_media_get(struct store *st, struct arena *a, const char *key,
    bool with_data, struct photo **out);
int store_sqlite_media_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, const char ***out, size_t *out_n);
int store_sqlite_fulltext_pending(struct store *st, struct arena *a,
    int64_t now, size_t recent, size_t max, size_t short_len,
    struct fulltext_job **out, size_t *out_n);
int store_sqlite_fulltext_put(struct store *st, int64_t item_id, int state,
    const char *text, const char *reason, int64_t next_try);
int store_sqlite_fulltext_get(struct store *st, struct arena *a,
    int64_t item_id, const char **out_text, int *out_state);
int store_sqlite_item_text_get(struct store *st, struct arena *a,
    int64_t item_id, const char **out_text, int *out_show);
int store_sqlite_media_list_ok(struct store *st, struct arena *a,
    struct photo **out, size_t *out_n);
int store_sqlite_changes_since(struct store *st, struct arena *a,
    struct store_cursor *cur, size_t max, struct store_change **out,
    size_t *out_n, bool *out_all);
int store_sqlite_media_count(struct store *st, size_t *out_ok,
    size_t *out_failed);

int store_sqlite_story_assign(struct store *st, const struct story_assign *as,
    size_t n, int64_t close_before);
int store_sqlite_story_fold(struct store *st, const struct story_fold *f,
    size_t n);
int store_sqlite_story_window(struct store *st, struct arena *a, int64_t since,
    size_t max, struct story_member **out, size_t *out_n, int64_t *out_next_id);
int store_sqlite_story_pending(struct store *st, struct arena *a, size_t max,
    struct story_member **out, size_t *out_n);
int store_sqlite_story_list(struct store *st, struct arena *a,
    const struct store_story_query *q, int64_t now, struct story **out,
    size_t *out_n);
int store_sqlite_story_get(struct store *st, struct arena *a, int64_t id,
    struct story **out);
int store_sqlite_story_items(struct store *st, struct arena *a, int64_t id,
    struct item **out, size_t *out_n);
int store_sqlite_story_edit(struct store *st, const struct store_story_edit *e,
    int64_t *out_id);
/* sqlite_fulltext.c: refresh and robots.txt (issue 12) */
int store_sqlite_fulltext_refresh_due(struct store *st, struct arena *a,
    int64_t before, size_t recent, size_t max, struct fulltext_job **out,
    size_t *out_n);
int store_sqlite_fulltext_seen(struct store *st, int64_t item_id,
    const char *etag, const char *last_modified, int64_t at);
int store_sqlite_robots_get(struct store *st, struct arena *a,
    const char *origin, struct store_robots **out);
int store_sqlite_robots_put(struct store *st, const struct store_robots *r);
/* sqlite_tips.c (issue 11) */
int store_sqlite_tip_thread_add(struct store *st, const struct tip_thread *t,
    const struct tip_msg *first);
int store_sqlite_tip_msg_add(struct store *st, const char *thread_id,
    const struct tip_msg *m);
int store_sqlite_tip_list(struct store *st, struct arena *a,
    struct tip_thread **out, size_t *out_n);
int store_sqlite_tip_get(struct store *st, struct arena *a, const char *id,
    struct tip_thread **out, struct tip_msg **out_msgs, size_t *out_n);
int store_sqlite_tip_find(struct store *st, struct arena *a,
    const unsigned char *lookup, size_t len, const char **out_id);

/* sqlite_curate.c (issue 10) */
int store_sqlite_item_edit(struct store *st, const struct store_item_edit *e);
int store_sqlite_item_pinned(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n);
int store_sqlite_story_curate(struct store *st,
    const struct store_story_edit *e, int64_t *out_id);
/* automatic sections and the beat (issue 9): sqlite_sections.c */
int store_sqlite_rule_add(struct store *st, int64_t section_id, int kind,
    const char *value, int64_t *out_id);
int store_sqlite_rule_remove(struct store *st, int64_t id);
int store_sqlite_rule_list(struct store *st, struct arena *a,
    struct store_rule **out, size_t *out_n);
int store_sqlite_labels(struct store *st, struct arena *a, size_t max,
    struct store_label **out, size_t *out_n);
int store_sqlite_labels_version(struct store *st, uint64_t *out);
int store_sqlite_items_classify(struct store *st,
    const struct store_item_class *v, size_t n);
int store_sqlite_review_list(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n);
int store_sqlite_review_decide(struct store *st, int64_t id, bool keep);
int store_sqlite_items_dups(struct store *st,
    const struct store_item_dup *v, size_t n);
int store_sqlite_item_copies(struct store *st, struct arena *a, int64_t id,
    size_t max, struct item **out, size_t *out_n);
/* sqlite_item.c: (re)writes item id's search index row from its stored
 * fields (after an editor shows a hidden item again). */
int store_sqlite_item_reindex(struct store *st, int64_t id);

/* sqlite_user.c (issue 10) */
int store_sqlite_user_add(struct store *st, const struct user *u,
    const char *pwhash, int64_t now, int64_t *out_id);
int store_sqlite_user_get(struct store *st, struct arena *a, int64_t id,
    const char *email, struct user **out, const char **out_pwhash);
int store_sqlite_user_list(struct store *st, struct arena *a,
    struct user **out, size_t *out_n);
int store_sqlite_user_update(struct store *st, const struct user *u,
    const char *pwhash, int64_t now, const unsigned char *keep);
int store_sqlite_user_login(struct store *st, int64_t id, int64_t now);
int store_sqlite_session_add(struct store *st, const unsigned char *hash,
    int64_t user_id, int64_t now, int64_t idle_s, int64_t max_s);
int store_sqlite_session_user(struct store *st, struct arena *a,
    const unsigned char *hash, int64_t now, int64_t idle_s, int64_t max_s,
    int64_t touch_s, struct user **out);
int store_sqlite_session_remove(struct store *st, const unsigned char *hash);
int store_sqlite_throttle_get(struct store *st, const unsigned char *key,
    struct store_throttle *out);
int store_sqlite_throttle_put(struct store *st, const unsigned char *key,
    const struct store_throttle *t, int64_t forget_before);
int store_sqlite_audit_add(struct store *st, int64_t user_id,
    const char *actor, const char *action, const char *target,
    const char *detail, int64_t now);
int store_sqlite_audit_list(struct store *st, struct arena *a, size_t limit,
    size_t offset, const char *action_prefix, struct audit_entry **out,
    size_t *out_n);

/* sqlite_mail.c (issue 11) */
int store_sqlite_sub_signup(struct store *st, const struct store_signup *s,
    bool *out_queued);
int store_sqlite_sub_get(struct store *st, struct arena *a, int64_t id, const
    char *email, struct subscriber **out);
int store_sqlite_sub_token_add(struct store *st, int64_t sub_id, int kind,
    const char *hash, int64_t expires);
int store_sqlite_sub_token_find(struct store *st, struct arena *a, const char
    *hash, int kind, int64_t now, struct subscriber **out);
int store_sqlite_sub_confirm(struct store *st, const char *hash, int64_t now,
    int64_t *out_id);
int store_sqlite_sub_set_lists(struct store *st, int64_t id, const char *const
    *lists, size_t n);
int store_sqlite_sub_set_status(struct store *st, int64_t id, int status);
int store_sqlite_sub_bounce(struct store *st, int64_t id, bool is_hard, int
    hard_status, int soft_limit, const char *dsn_status, int64_t now, int
    *out_status);
int store_sqlite_sub_expire(struct store *st, int64_t before, int64_t now,
    size_t *out_n);
int store_sqlite_sub_counts(struct store *st, size_t out[5]);
int store_sqlite_mail_content_add(struct store *st, const char *kind, const
    char *list, const char *subject, const char *text, const char *html,
    int64_t now, int64_t *out_id);
int store_sqlite_digest_enqueue(struct store *st, int64_t content_id, const
    char *list, const char *msgid_domain, int64_t now, size_t *out_n);
int store_sqlite_digest_last(struct store *st, const char *list, int64_t *out);
int store_sqlite_list_count(struct store *st, const char *list, size_t *out);
int store_sqlite_mail_claim(struct store *st, struct arena *a, int64_t now, int
    lease_s, const struct store_mail_limits *lim, struct mail_msg **out,
    int64_t *out_wait);
int store_sqlite_mail_done(struct store *st, int64_t id, int state, int64_t
    next_attempt_at, const char *error, int code, int64_t now);
int store_sqlite_mail_status(struct store *st, struct arena *a, int64_t now,
    struct store_mail_status *out);
int store_sqlite_mail_secret(struct store *st, unsigned char out[32]);
/* sqlite_post.c: the desk's posts (issue 10) */
int store_sqlite_post_save(struct store *st, const struct post *p,
    int64_t now, int64_t *out_id);
int store_sqlite_post_get(struct store *st, struct arena *a, int64_t id,
    struct post **out);
int store_sqlite_post_list(struct store *st, struct arena *a,
    const struct store_post_query *q, struct post **out, size_t *out_n);
int store_sqlite_post_publish(struct store *st, int64_t id, int64_t at,
    int64_t now);
int store_sqlite_post_set_status(struct store *st, int64_t id, int status);
int store_sqlite_post_publish_due(struct store *st, int64_t now,
    size_t *out_n);
int store_sqlite_post_correct(struct store *st, int64_t id, const char *note,
    int64_t user_id, int64_t now, int64_t *out_id);
int store_sqlite_correction_list(struct store *st, struct arena *a,
    size_t limit, struct store_correction **out, size_t *out_n);
int store_sqlite_post_revisions(struct store *st, struct arena *a, int64_t id,
    struct store_revision **out, size_t *out_n);
int store_sqlite_byline_find(struct store *st, struct arena *a,
    const char *slug, struct post_byline **out);
int store_sqlite_column_add(struct store *st, const struct column *c,
    int64_t *out_id);
int store_sqlite_column_list(struct store *st, struct arena *a,
    struct column **out, size_t *out_n);
int store_sqlite_column_find(struct store *st, struct arena *a,
    const char *key, struct column **out);
int store_sqlite_desk_photo_put(struct store *st, const struct desk_photo *ph,
    const void *original, size_t original_len, const char *original_type,
    const struct photo *variants, size_t n_variants, int64_t *out_id);
int store_sqlite_desk_photo_get(struct store *st, struct arena *a, int64_t id,
    struct desk_photo **out);

/* Columns of an item row as read by every item query, in this order. */
#define ITEM_COLS                                                              \
	"i.id, i.source_id, s.title, s.section_id, i.guid, i.url, "           \
	"i.canonical_url, i.title, i.summary, i.content, i.author, "           \
	"i.language, i.tags, i.published, i.updated, i.first_seen, "           \
	"i.image_url, i.image_caption, i.image_credit, i.image_thumb, "        \
	"mi.key, mi.type, mi.width, mi.height, "                               \
	"mt.key, mt.type, mt.width, mt.height, i.title_derived, "              \
	"i.is_hidden, i.pinned_at, i.editor_title, i.editor_section_id, "      \
	"i.sort_time, i.section_auto, i.review, coalesce(i.dup_of, 0)"
#define ITEM_NCOLS 37

/*
 * Goes after "items i JOIN sources s ..." in every item query: the cached
 * photos (mi, mt of ITEM_COLS) of the item's lead image and thumbnail, by
 * the media primary key (nd_media_key = store_media_key, registered on
 * every connection by store_media_register), so pages need no query per
 * photo. One index lookup per row read: item lists apply it only to the
 * rows of their page (store_item.c).
 */
#define ITEM_MEDIA_JOIN                                                        \
	" LEFT JOIN media mi ON mi.key = nd_media_key(i.image_url)"            \
	" AND mi.status = 1"                                                   \
	" LEFT JOIN media mt ON mt.key = nd_media_key(i.image_thumb)"          \
	" AND mt.status = 1 "

/*
 * The item_fts "meta" column of item i: filter tokens for search, "s<source
 * id> y<YYYY> m<YYYYMM> d<YYYYMMDD>" of sort_time in UTC (store_search
 * builds the same tokens). Changing it needs a migration that reindexes,
 * like migration 3, which spells out the same expression.
 */
#define ITEM_FTS_META                                                          \
	"'s' || i.source_id"                                                   \
	" || ' y' || strftime('%Y', i.sort_time, 'unixepoch')"                 \
	" || ' m' || strftime('%Y%m', i.sort_time, 'unixepoch')"               \
	" || ' d' || strftime('%Y%m%d', i.sort_time, 'unixepoch')"

/* store_sqlite.c */
/* The cached statement id, reset and unbound; ND_EIO if it cannot be
 * prepared. Borrowed from st: hand it back with store_stmt_put(). */
int store_stmt_get(struct store *st, enum stmt_id id, sqlite3_stmt **out);
/* Like store_stmt_get() for a caller-owned slot: prepares sql into *slot
 * the first time, resets it afterwards (sql may then be NULL). */
int store_stmt_prepare(struct store *st, sqlite3_stmt **slot,
    const char *sql);
/* Resets stmt (NULL-safe) so it holds no read transaction. */
void store_stmt_put(sqlite3_stmt *stmt);
/* Runs sql (no parameters: schema, pragmas, transaction control); on
 * failure records "store: <what>: <sqlite msg>" (store_db_err). */
int store_exec(struct store *st, const char *sql, const char *what);
/* A one-off statement, the caller's to finalize (*out NULL on error). */
int store_prep(struct store *st, sqlite3_stmt **out, const char *sql);
/* Steps a statement that returns no rows to its end; then finalizes it
 * (store_step_final) or resets it and clears its bindings for another
 * run (store_step_reset). */
int store_step_final(struct store *st, sqlite3_stmt *stmt, const char *what);
int store_step_reset(struct store *st, sqlite3_stmt *stmt, const char *what);
/* Records the connection's last error as "store: <what>: <sqlite msg>" and
 * returns its code: ND_EEXISTS (unique), ND_EINVAL (foreign key),
 * ND_ETIMEOUT (busy), ND_ENOMEM, else ND_EIO. */
int store_db_err(struct store *st, const char *what);
/* Binds s (NULL binds NULL) without copying: s must outlive the step. */
int store_bind_text(sqlite3_stmt *stmt, int i, const char *s);
/* Column i copied into a; NULL for SQL NULL. */
const char *store_col_text(struct arena *a, sqlite3_stmt *stmt, int i);
/* Reads the ITEM_NCOLS columns of ITEM_COLS starting at col0 into it. */
void store_item_from_row(struct arena *a, sqlite3_stmt *stmt, int col0,
    struct item *it);

/* sqlite_breaking.c: breaking-news alerts (issue 11) */
int store_sqlite_breaking_request(struct store *st, int64_t post_id,
    int64_t user_id, int64_t now, struct store_breaking *out);
int store_sqlite_breaking_get(struct store *st, int64_t post_id,
    struct store_breaking *out);
int store_sqlite_breaking_pending(struct store *st, struct arena *a,
    size_t max, int64_t **out, size_t *out_n);
int store_sqlite_breaking_enqueue(struct store *st, int64_t post_id,
    const char *subject, const char *text, const char *html,
    const char *msgid_domain, int64_t now, size_t *out_n);

/* store_schema.c */
/* Brings the schema to the newest version, one transaction per step. */
int store_migrate(struct store *st);
int store_schema_latest(void);

/* store_media.c */
/* Registers the SQL function nd_media_key(url) on db: model_photo_key()
 * of url, NULL for NULL or an empty url. */
int store_media_register(sqlite3 *db);

/* store_fts.c */
/* Registers the "nd" FTS5 tokenizer on db. */
int store_fts_register(sqlite3 *db);

/* sqlite_upkeep.c: daily upkeep (issue 8) */
int store_sqlite_upkeep_claim(struct store *st, const char *task,
    const char *owner, int64_t now, int64_t lease_until, int64_t due_at,
    enum store_upkeep_state *out_state);
int store_sqlite_upkeep_release(struct store *st, const char *task,
    const char *owner, int64_t now, bool is_done);
int store_sqlite_upkeep_get(struct store *st, struct arena *a,
    const char *task, int64_t *out_last_done, const char **out_owner,
    int64_t *out_lease_until);
int store_sqlite_search_merge_step(struct store *st, int pages,
    bool *out_is_done, size_t *out_segments);

#endif
