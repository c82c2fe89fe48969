/*
 * store_backend: what a storage backend provides. store.c (backend-neutral)
 * implements store.h: it checks arguments, applies what is the same for
 * every backend (search ranking) and calls the backend's operation of the
 * same name through st->ops. A backend's own struct begins with a struct
 * store, so the handle store.h hands out points to it, and it defines one
 * const struct store_ops. The contract of each operation is the comment
 * of its store.h function, except where noted here; the SQLite backend is
 * in sqlite/, and docs/internals/store.md says what the next one
 * (PostgreSQL) must provide. Nothing outside src/store/ includes this.
 */
#ifndef ND_STORE_STORE_BACKEND_H
#define ND_STORE_STORE_BACKEND_H

#include "store/store.h"

struct store {
	const struct store_ops *ops;
};

/* One match of a search, for store.c's ranking. */
struct store_cand {
	int64_t id;
	int64_t sort_time;
	double relevance;            /* higher is better, >= 0 (e.g. -bm25) */
	double score;                /* set by store.c */
};

/* How many stories, newest by last seen, story_list reads for ranking. */
#define STORE_STORY_WINDOW 500

struct store_ops {
	const char *name;            /* "sqlite", "postgresql" */
	/* Opens the store at path (a file name or a URL this backend owns). */
	int (*open)(struct store **out, const char *path, int flags);
	void (*close)(struct store *st);
	void (*remove)(const char *path);
	int (*schema_version)(struct store *st);
	int (*check)(struct store *st);
	int (*begin)(struct store *st);
	int (*commit)(struct store *st);
	int (*rollback)(struct store *st);
	int (*section_add)(struct store *st, const char *name,
	    const char *slug, int64_t *out_id);
	int (*section_list)(struct store *st, struct arena *a,
	    struct section **out, size_t *out_n);
	int (*section_find)(struct store *st, struct arena *a, const char *key,
	    struct section **out);
	int (*section_remove)(struct store *st, int64_t id);
	int (*source_add)(struct store *st, const struct source *src,
	    int64_t *out_id);
	int (*source_get)(struct store *st, struct arena *a, int64_t id,
	    struct source **out);
	int (*source_find_url)(struct store *st, struct arena *a,
	    const char *url, struct source **out);
	int (*source_list)(struct store *st, struct arena *a,
	    struct source **out, size_t *out_n);
	int (*source_due)(struct store *st, struct arena *a, int64_t now,
	    struct source **out, size_t *out_n);
	int (*source_claim)(struct store *st, struct arena *a, int64_t now,
	    bool is_all, int lease_s, size_t max, struct source **out,
	    size_t *out_n);
	int (*source_remove)(struct store *st, int64_t id);
	int (*source_update)(struct store *st, const struct source *src);
	int (*items_put)(struct store *st, int64_t source_id,
	    const struct item *items, size_t n, struct item_put_stats *stats);
	int (*item_list)(struct store *st, struct arena *a,
	    const struct store_item_query *q, struct item **out, size_t *out_n);
	int (*item_get)(struct store *st, struct arena *a, int64_t id,
	    struct item **out);
	int (*item_count)(struct store *st, const struct store_item_query *q,
	    size_t *out);
	/*
	 * Search, in two steps (store.c ranks in between). search_window:
	 * the newest STORE_SEARCH_WINDOW matches of query (plain words, to be
	 * normalized and stemmed as the index is) that pass opts' filters,
	 * in any order, in a; *out_total is how many match in all, counted
	 * up to at least STORE_SEARCH_COUNT_CAP + 1; *out_q is the backend's
	 * prepared query for search_hits (in a). No words (only
	 * punctuation) or no match: 0 with *out_n = 0. search_hits: the
	 * items and snippets (plain text, matches between \x02 and \x03)
	 * of n candidates, into out[0..n) in the same order.
	 */
	int (*search_window)(struct store *st, struct arena *a,
	    const char *query, const struct store_search_opts *opts,
	    struct store_cand **out, size_t *out_n, size_t *out_total,
	    void **out_q);
	int (*search_hits)(struct store *st, struct arena *a, void *q,
	    const struct store_cand *c, size_t n, struct store_hit *out);
	/* Merges the search index into one segment (issue 8). */
	int (*search_optimize)(struct store *st, size_t *out_before,
	    size_t *out_after);
	int (*data_version)(struct store *st, uint64_t *out);
	int (*media_put)(struct store *st, const struct photo *m);
	int (*media_get)(struct store *st, struct arena *a, const char *key,
	    bool with_data, struct photo **out);
	int (*media_pending)(struct store *st, struct arena *a, int64_t now,
	    size_t recent, size_t max, const char ***out, size_t *out_n);
	int (*fulltext_pending)(struct store *st, struct arena *a, int64_t now,
	    size_t recent, size_t max, size_t short_len,
	    struct fulltext_job **out, size_t *out_n);
	int (*fulltext_put)(struct store *st, int64_t item_id, int state,
	    const char *text, const char *reason, int64_t next_try);
	int (*fulltext_get)(struct store *st, struct arena *a, int64_t item_id,
	    const char **out_text, int *out_state);
	int (*item_text_get)(struct store *st, struct arena *a,
	    int64_t item_id, const char **out_text, int *out_show);
	int (*media_list_ok)(struct store *st, struct arena *a,
	    struct photo **out, size_t *out_n);
	int (*media_count)(struct store *st, size_t *out_ok,
	    size_t *out_failed);
	/* store_changes_since; see docs/internals/store.md for how a backend
	 * without serial commits (PostgreSQL) finds new items. */
	int (*changes_since)(struct store *st, struct arena *a,
	    struct store_cursor *cur, size_t max, struct store_change **out,
	    size_t *out_n, bool *out_all);
	int (*story_assign)(struct store *st, const struct story_assign *as,
	    size_t n, int64_t close_before);
	int (*story_fold)(struct store *st, const struct story_fold *f,
	    size_t n);
	int (*story_window)(struct store *st, struct arena *a, int64_t since,
	    size_t max, struct story_member **out, size_t *out_n,
	    int64_t *out_next_id);
	int (*story_pending)(struct store *st, struct arena *a, size_t max,
	    struct story_member **out, size_t *out_n);
	/* story_list: unranked, at most STORE_STORY_WINDOW rows by last
	 * seen; store.c ranks and cuts to the limit. */
	int (*story_list)(struct store *st, struct arena *a,
	    const struct store_story_query *q, int64_t now,
	    struct story **out, size_t *out_n);
	int (*story_get)(struct store *st, struct arena *a, int64_t id,
	    struct story **out);
	int (*story_items)(struct store *st, struct arena *a, int64_t id,
	    struct item **out, size_t *out_n);
	int (*story_edit)(struct store *st, const struct store_story_edit *e,
	    int64_t *out_id);
	/* issue 12: article refresh and robots.txt */
	int (*fulltext_refresh_due)(struct store *st, struct arena *a,
	    int64_t before, size_t recent, size_t max,
	    struct fulltext_job **out, size_t *out_n);
	int (*fulltext_seen)(struct store *st, int64_t item_id,
	    const char *etag, const char *last_modified, int64_t at);
	int (*robots_get)(struct store *st, struct arena *a, const char *origin,
	    struct store_robots **out);
	int (*robots_put)(struct store *st, const struct store_robots *r);
	/* tips (issue 11) */
	int (*tip_thread_add)(struct store *st, const struct tip_thread *t,
	    const struct tip_msg *first);
	int (*tip_msg_add)(struct store *st, const char *thread_id,
	    const struct tip_msg *m);
	int (*tip_list)(struct store *st, struct arena *a,
	    struct tip_thread **out, size_t *out_n);
	int (*tip_get)(struct store *st, struct arena *a, const char *id,
	    struct tip_thread **out, struct tip_msg **out_msgs, size_t *out_n);
	int (*tip_find)(struct store *st, struct arena *a,
	    const unsigned char *lookup, size_t len, const char **out_id);
	/* accounts and the audit log (issue 10) */
	int (*user_add)(struct store *st, const struct user *u,
	    const char *pwhash, int64_t now, int64_t *out_id);
	int (*user_get)(struct store *st, struct arena *a, int64_t id,
	    const char *email, struct user **out, const char **out_pwhash);
	int (*user_list)(struct store *st, struct arena *a, struct user **out,
	    size_t *out_n);
	int (*user_update)(struct store *st, const struct user *u,
	    const char *pwhash, int64_t now, const unsigned char *keep);
	int (*user_login)(struct store *st, int64_t id, int64_t now);
	int (*session_add)(struct store *st, const unsigned char *hash,
	    int64_t user_id, int64_t now, int64_t idle_s, int64_t max_s);
	int (*session_user)(struct store *st, struct arena *a,
	    const unsigned char *hash, int64_t now, int64_t idle_s,
	    int64_t max_s, int64_t touch_s, struct user **out);
	int (*session_remove)(struct store *st, const unsigned char *hash);
	int (*throttle_get)(struct store *st, const unsigned char *key,
	    struct store_throttle *out);
	int (*throttle_put)(struct store *st, const unsigned char *key,
	    const struct store_throttle *t, int64_t forget_before);
	int (*audit_add)(struct store *st, int64_t user_id, const char *actor,
	    const char *action, const char *target, const char *detail,
	    int64_t now);
	int (*audit_list)(struct store *st, struct arena *a, size_t limit,
	    size_t offset, const char *action_prefix,
	    struct audit_entry **out, size_t *out_n);
	/* curation (issue 10) */
	int (*item_edit)(struct store *st, const struct store_item_edit *e);
	int (*item_pinned)(struct store *st, struct arena *a, size_t max,
	    struct item **out, size_t *out_n);
	int (*story_curate)(struct store *st, const struct store_story_edit *e,
	    int64_t *out_id);
	/* mail (issue 11) */
	int (*sub_signup)(struct store *st, const struct store_signup *s, bool
	    *out_queued);
	int (*sub_get)(struct store *st, struct arena *a, int64_t id, const char
	    *email, struct subscriber **out);
	int (*sub_token_add)(struct store *st, int64_t sub_id, int kind, const char
	    *hash, int64_t expires);
	int (*sub_token_find)(struct store *st, struct arena *a, const char *hash, int
	    kind, int64_t now, struct subscriber **out);
	int (*sub_confirm)(struct store *st, const char *hash, int64_t now, int64_t
	    *out_id);
	int (*sub_set_lists)(struct store *st, int64_t id, const char *const *lists,
	    size_t n);
	int (*sub_set_status)(struct store *st, int64_t id, int status);
	int (*sub_bounce)(struct store *st, int64_t id, bool is_hard, int hard_status,
	    int soft_limit, const char *dsn_status, int64_t now, int *out_status);
	int (*sub_expire)(struct store *st, int64_t before, int64_t now, size_t
	    *out_n);
	int (*sub_counts)(struct store *st, size_t out[5]);
	int (*mail_content_add)(struct store *st, const char *kind, const char *list,
	    const char *subject, const char *text, const char *html, int64_t now,
	    int64_t *out_id);
	int (*digest_enqueue)(struct store *st, int64_t content_id, const char *list,
	    const char *msgid_domain, int64_t now, size_t *out_n);
	int (*digest_last)(struct store *st, const char *list, int64_t *out);
	int (*list_count)(struct store *st, const char *list, size_t *out);
	int (*mail_claim)(struct store *st, struct arena *a, int64_t now, int lease_s,
	    const struct store_mail_limits *lim, struct mail_msg **out, int64_t
	    *out_wait);
	int (*mail_done)(struct store *st, int64_t id, int state, int64_t
	    next_attempt_at, const char *error, int code, int64_t now);
	int (*mail_status)(struct store *st, struct arena *a, int64_t now, struct
	    store_mail_status *out);
	int (*mail_secret)(struct store *st, unsigned char out[32]);
	/* the desk's posts (issue 10): store_post.c dispatches */
	int (*post_save)(struct store *st, const struct post *p, int64_t now,
	    int64_t *out_id);
	int (*post_get)(struct store *st, struct arena *a, int64_t id,
	    struct post **out);
	int (*post_list)(struct store *st, struct arena *a,
	    const struct store_post_query *q, struct post **out,
	    size_t *out_n);
	int (*post_publish)(struct store *st, int64_t id, int64_t at,
	    int64_t now);
	int (*post_set_status)(struct store *st, int64_t id, int status);
	int (*post_publish_due)(struct store *st, int64_t now, size_t *out_n);
	int (*post_correct)(struct store *st, int64_t id, const char *note,
	    int64_t user_id, int64_t now, int64_t *out_id);
	int (*correction_list)(struct store *st, struct arena *a, size_t limit,
	    struct store_correction **out, size_t *out_n);
	int (*post_revisions)(struct store *st, struct arena *a, int64_t id,
	    struct store_revision **out, size_t *out_n);
	int (*byline_find)(struct store *st, struct arena *a, const char *slug,
	    struct post_byline **out);
	int (*column_add)(struct store *st, const struct column *c,
	    int64_t *out_id);
	int (*column_list)(struct store *st, struct arena *a,
	    struct column **out, size_t *out_n);
	int (*column_find)(struct store *st, struct arena *a, const char *key,
	    struct column **out);
	int (*desk_photo_put)(struct store *st, const struct desk_photo *ph,
	    const void *original, size_t original_len,
	    const char *original_type, const struct photo *variants,
	    size_t n_variants, int64_t *out_id);
	int (*desk_photo_get)(struct store *st, struct arena *a, int64_t id,
	    struct desk_photo **out);
	/* automatic sections and the beat (issue 9) */
	int (*rule_add)(struct store *st, int64_t section_id, int kind,
	    const char *value, int64_t *out_id);
	int (*rule_remove)(struct store *st, int64_t id);
	int (*rule_list)(struct store *st, struct arena *a,
	    struct store_rule **out, size_t *out_n);
	int (*labels)(struct store *st, struct arena *a, size_t max,
	    struct store_label **out, size_t *out_n);
	int (*labels_version)(struct store *st, uint64_t *out);
	int (*items_classify)(struct store *st,
	    const struct store_item_class *v, size_t n);
	int (*review_list)(struct store *st, struct arena *a, size_t max,
	    struct item **out, size_t *out_n);
	int (*review_decide)(struct store *st, int64_t id, bool keep);
	int (*items_dups)(struct store *st, const struct store_item_dup *v,
	    size_t n);
	int (*item_copies)(struct store *st, struct arena *a, int64_t id,
	    size_t max, struct item **out, size_t *out_n);
	/* breaking-news alerts (issue 11) */
	int (*breaking_request)(struct store *st, int64_t post_id,
	    int64_t user_id, int64_t now, struct store_breaking *out);
	int (*breaking_get)(struct store *st, int64_t post_id,
	    struct store_breaking *out);
	int (*breaking_pending)(struct store *st, struct arena *a, size_t max,
	    int64_t **out, size_t *out_n);
	int (*breaking_enqueue)(struct store *st, int64_t post_id,
	    const char *subject, const char *text, const char *html,
	    const char *msgid_domain, int64_t now, size_t *out_n);
	/* daily upkeep (issue 8) */
	int (*upkeep_claim)(struct store *st, const char *task,
	    const char *owner, int64_t now, int64_t lease_until,
	    int64_t due_at, enum store_upkeep_state *out_state);
	int (*upkeep_release)(struct store *st, const char *task,
	    const char *owner, int64_t now, bool is_done);
	int (*upkeep_get)(struct store *st, struct arena *a, const char *task,
	    int64_t *out_last_done, const char **out_owner,
	    int64_t *out_lease_until);
	int (*search_merge_step)(struct store *st, int pages,
	    bool *out_is_done, size_t *out_segments);
};

extern const struct store_ops store_sqlite_ops;

#endif
