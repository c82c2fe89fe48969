/*
 * store: the backend-neutral half of store.h. Every call goes to the
 * backend behind the handle (st->ops, see store_backend.h); what does not
 * depend on the backend lives here, once: choosing the backend by the
 * path, argument checks, and the ranking of search results.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store_backend.h"
#include "core/banned.h"

/* The backend that owns path: PostgreSQL URLs (not built yet), else a
 * SQLite file. */
static const struct store_ops *
backend_of(const char *path)
{
	if (strncmp(path, "postgres://", 11) == 0 ||
	    strncmp(path, "postgresql://", 13) == 0)
		return NULL;
	return &store_sqlite_ops;
}

int
store_open(struct store **out, const char *path, int flags)
{
	const struct store_ops *ops;

	*out = NULL;
	if (!path || !*path)
		return err_set(ND_EINVAL, "store: no path given");
	if (!(ops = backend_of(path)))
		return err_set(ND_EINVAL, "store: postgresql backend not built");
	return ops->open(out, path, flags);
}

void
store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

void
store_remove(const char *path)
{
	const struct store_ops *ops = path && *path ? backend_of(path) : NULL;

	if (ops)
		ops->remove(path);
}

int
store_schema_version(struct store *st)
{
	return st->ops->schema_version(st);
}

int
store_check(struct store *st)
{
	return st->ops->check(st);
}

int
store_begin(struct store *st)
{
	return st->ops->begin(st);
}

int
store_commit(struct store *st)
{
	return st->ops->commit(st);
}

int
store_rollback(struct store *st)
{
	return st->ops->rollback(st);
}

int
store_section_add(struct store *st, const char *name, const char *slug,
    int64_t *out_id)
{
	return st->ops->section_add(st, name, slug, out_id);
}

int
store_section_list(struct store *st, struct arena *a, struct section **out,
    size_t *out_n)
{
	return st->ops->section_list(st, a, out, out_n);
}

int
store_section_find(struct store *st, struct arena *a, const char *key,
    struct section **out)
{
	return st->ops->section_find(st, a, key, out);
}

int
store_section_remove(struct store *st, int64_t id)
{
	return st->ops->section_remove(st, id);
}

int
store_source_add(struct store *st, const struct source *src,
    int64_t *out_id)
{
	return st->ops->source_add(st, src, out_id);
}

int
store_source_get(struct store *st, struct arena *a, int64_t id,
    struct source **out)
{
	return st->ops->source_get(st, a, id, out);
}

int
store_source_find_url(struct store *st, struct arena *a, const char *url,
    struct source **out)
{
	return st->ops->source_find_url(st, a, url, out);
}

int
store_source_list(struct store *st, struct arena *a, struct source **out,
    size_t *out_n)
{
	return st->ops->source_list(st, a, out, out_n);
}

int
store_source_due(struct store *st, struct arena *a, int64_t now,
    struct source **out, size_t *out_n)
{
	return st->ops->source_due(st, a, now, out, out_n);
}

int
store_source_claim(struct store *st, struct arena *a, int64_t now,
    bool is_all, int lease_s, size_t max, struct source **out, size_t *out_n)
{
	return st->ops->source_claim(st, a, now, is_all, lease_s, max, out,
	    out_n);
}

int
store_source_remove(struct store *st, int64_t id)
{
	return st->ops->source_remove(st, id);
}

int
store_source_update(struct store *st, const struct source *src)
{
	return st->ops->source_update(st, src);
}

int
store_item_list(struct store *st, struct arena *a,
    const struct store_item_query *q, struct item **out, size_t *out_n)
{
	return st->ops->item_list(st, a, q, out, out_n);
}

int
store_item_get(struct store *st, struct arena *a, int64_t id,
    struct item **out)
{
	return st->ops->item_get(st, a, id, out);
}

int
store_item_count(struct store *st, const struct store_item_query *q,
    size_t *out)
{
	return st->ops->item_count(st, q, out);
}

int
store_data_version(struct store *st, uint64_t *out)
{
	return st->ops->data_version(st, out);
}

int
store_media_put(struct store *st, const struct photo *m)
{
	return st->ops->media_put(st, m);
}

int
store_media_get(struct store *st, struct arena *a, const char *key,
    bool with_data, struct photo **out)
{
	return st->ops->media_get(st, a, key, with_data, out);
}

int
store_media_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, const char ***out, size_t *out_n)
{
	return st->ops->media_pending(st, a, now, recent, max, out, out_n);
}

int
store_fulltext_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, size_t short_len, struct fulltext_job **out,
    size_t *out_n)
{
	return st->ops->fulltext_pending(st, a, now, recent, max, short_len, out,
	    out_n);
}

int
store_fulltext_put(struct store *st, int64_t item_id, int state,
    const char *text, const char *reason, int64_t next_try)
{
	return st->ops->fulltext_put(st, item_id, state, text, reason, next_try);
}

int
store_fulltext_get(struct store *st, struct arena *a, int64_t item_id,
    const char **out_text, int *out_state)
{
	return st->ops->fulltext_get(st, a, item_id, out_text, out_state);
}

int
store_item_text_get(struct store *st, struct arena *a, int64_t item_id,
    const char **out_text, int *out_show)
{
	return st->ops->item_text_get(st, a, item_id, out_text, out_show);
}

int
store_media_list_ok(struct store *st, struct arena *a, struct photo **out,
    size_t *out_n)
{
	return st->ops->media_list_ok(st, a, out, out_n);
}

int
store_media_count(struct store *st, size_t *out_ok, size_t *out_failed)
{
	return st->ops->media_count(st, out_ok, out_failed);
}

int
store_changes_since(struct store *st, struct arena *a,
    struct store_cursor *cur, size_t max, struct store_change **out,
    size_t *out_n, bool *out_all)
{
	return st->ops->changes_since(st, a, cur, max, out, out_n, out_all);
}

int
store_items_put(struct store *st, int64_t source_id,
    const struct item *items, size_t n, struct item_put_stats *stats)
{
	for (size_t i = 0; i < n; i++)
		if (!items[i].dedup_key || !*items[i].dedup_key)
			return err_set(ND_EINVAL, "store: item %zu of %zu has no "
			    "dedup key", i + 1, n);
	return st->ops->items_put(st, source_id, items, n, stats);
}

/* ---- search: ranking is the same for every backend ---- */

/* Relevance matters most; recency halves its share every 3 days. */
#define BLEND_RELEVANCE 0.75
#define BLEND_HALF_LIFE (3 * 86400.0)

static int
cand_cmp(const void *x, const void *y)
{
	const struct store_cand *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->sort_time != b->sort_time)
		return a->sort_time > b->sort_time ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

/*
 * Scores the window in place and sorts it best first. Relevance is taken
 * relative to the best match of the window (so 1 is the best, whatever the
 * words' frequencies) and recency relative to the newest one (not the
 * clock, so a result list does not reorder itself as time passes); with
 * equal relevance the newer item wins.
 */
static void
rank_window(struct store_cand *v, size_t n)
{
	double best = 0;
	int64_t newest = INT64_MIN;

	for (size_t i = 0; i < n; i++) {
		if (v[i].relevance > best)
			best = v[i].relevance;
		if (v[i].sort_time > newest)
			newest = v[i].sort_time;
	}
	for (size_t i = 0; i < n; i++) {
		double rel = best > 0 ? v[i].relevance / best : 1.0;
		double age = (double)(newest - v[i].sort_time);

		v[i].score = BLEND_RELEVANCE * rel + (1 - BLEND_RELEVANCE) *
		    exp2(-age / BLEND_HALF_LIFE);
	}
	qsort(v, n, sizeof(*v), cand_cmp);
}

int
store_search(struct store *st, struct arena *a, const char *query,
    const struct store_search_opts *opts, struct store_hit **out,
    size_t *out_n, size_t *out_total, bool *out_total_capped)
{
	struct store_search_result res;
	int rc = store_search_ex(st, a, query, opts, &res);

	*out = res.hits;
	*out_n = res.n;
	if (out_total)
		*out_total = res.total;
	if (out_total_capped)
		*out_total_capped = res.is_capped;
	return rc;
}

int
store_search_optimize(struct store *st, size_t *out_before, size_t *out_after)
{
	size_t before = 0, after = 0;
	int rc = st->ops->search_optimize(st, &before, &after);

	if (out_before)
		*out_before = rc < 0 ? 0 : before;
	if (out_after)
		*out_after = rc < 0 ? 0 : after;
	return rc;
}

int
store_search_ex(struct store *st, struct arena *a, const char *query,
    const struct store_search_opts *opts, struct store_search_result *res)
{
	static const struct store_search_opts none = { 0, 0, 0, 0, 0, 0, 0 };
	struct store_cand *w = NULL;
	struct store_hit *v = NULL;
	void *q = NULL;
	size_t nw = 0, total = 0, limit = 0;
	int64_t oldest = 0, min_id = 0;
	int rc;

	if (!opts)
		opts = &none;
	if (!query || str_trim(str_of(query)).len == 0) {
		rc = err_set(ND_EINVAL, "store: empty search");
		goto out;
	}
	if ((rc = st->ops->search_window(st, a, query, opts, &w, &nw, &total,
	    &q)) < 0 || nw == 0)
		goto out;
	for (size_t i = 0; i < nw; i++) {
		if (!oldest || w[i].sort_time < oldest)
			oldest = w[i].sort_time;
		if (!min_id || w[i].id < min_id)
			min_id = w[i].id;
	}
	if (opts->offset >= nw)
		goto out;
	rank_window(w, nw);
	limit = !opts->limit ? 20 : opts->limit > 1000 ? 1000 : opts->limit;
	if (limit > nw - opts->offset)
		limit = nw - opts->offset;
	v = arena_zalloc(a, limit * sizeof(*v));
	if ((rc = st->ops->search_hits(st, a, q, w + opts->offset, limit,
	    v)) < 0)
		goto out;
	for (size_t i = 0; i < limit; i++)
		v[i].rank = -w[opts->offset + i].score;
out:
	res->hits = rc < 0 ? NULL : v;
	res->n = rc < 0 ? 0 : limit;
	res->total = rc < 0 ? 0 : total > STORE_SEARCH_COUNT_CAP ?
	    STORE_SEARCH_COUNT_CAP : total;
	res->is_capped = rc == 0 && total > STORE_SEARCH_COUNT_CAP;
	res->window_oldest = rc < 0 ? 0 : oldest;
	res->window_min_id = rc < 0 ? 0 : min_id;
	return rc;
}

/* ---- stories: the ranking is the same for every backend ---- */

int
store_story_assign(struct store *st, const struct story_assign *as, size_t n,
    int64_t close_before)
{
	for (size_t i = 0; i < n; i++)
		if (!as[i].dedup_key || as[i].story_id <= 0)
			return err_set(ND_EINVAL, "store: assignment %zu of %zu "
			    "has no item or story", i + 1, n);
	return st->ops->story_assign(st, as, n, close_before);
}

int
store_story_fold(struct store *st, const struct story_fold *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].from <= 0 || f[i].into <= 0)
			return err_set(ND_EINVAL, "store: fold %zu of %zu has no "
			    "story", i + 1, n);
	return st->ops->story_fold(st, f, n);
}

int
store_story_window(struct store *st, struct arena *a, int64_t since,
    size_t max, struct story_member **out, size_t *out_n, int64_t *out_next_id)
{
	return st->ops->story_window(st, a, since, max, out, out_n,
	    out_next_id);
}

int
store_story_pending(struct store *st, struct arena *a, size_t max,
    struct story_member **out, size_t *out_n)
{
	return st->ops->story_pending(st, a, max, out, out_n);
}

/*
 * A story's rank: breadth of coverage (distinct outlets, with diminishing
 * returns: the fifth outlet adds less than the second), velocity (reports
 * in its last six hours) and recency (a point lost every 12 hours since
 * its last report). Pinned stories come first whatever their score.
 */
static double
story_score(const struct story *s, int64_t now)
{
	double age_h = now > s->last_seen ? (double)(now - s->last_seen) / 3600 : 0;

	return 2.0 * log2(1.0 + (double)s->n_outlets) +
	    0.5 * log2(1.0 + (double)s->n_recent) +
	    0.25 * log2(1.0 + (double)s->n_items) - age_h / 12.0;
}

static int
by_rank(const void *x, const void *y)
{
	const struct story *a = x, *b = y;

	if (a->is_pinned != b->is_pinned)
		return a->is_pinned ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

int
store_story_list(struct store *st, struct arena *a,
    const struct store_story_query *q, int64_t now, struct story **out,
    size_t *out_n)
{
	struct store_story_query none = { 0 };
	size_t limit;
	int rc;

	if (!q)
		q = &none;
	if ((rc = st->ops->story_list(st, a, q, now, out, out_n)) < 0)
		return rc;
	for (size_t i = 0; i < *out_n; i++)
		(*out)[i].score = story_score(&(*out)[i], now);
	qsort(*out, *out_n, sizeof(**out), by_rank);
	limit = !q->limit ? 50 : q->limit;
	if (*out_n > limit)
		*out_n = limit;
	return 0;
}

int
store_story_get(struct store *st, struct arena *a, int64_t id,
    struct story **out)
{
	int rc = st->ops->story_get(st, a, id, out);

	if (rc == 0)
		(*out)->score = story_score(*out, (*out)->last_seen);
	return rc;
}

int
store_story_items(struct store *st, struct arena *a, int64_t id,
    struct item **out, size_t *out_n)
{
	return st->ops->story_items(st, a, id, out, out_n);
}

int
store_story_edit(struct store *st, const struct store_story_edit *e,
    int64_t *out_id)
{
	if (e->op == STORE_STORY_MERGE && e->id == e->other)
		return err_set(ND_EINVAL, "store: cannot merge story %lld into "
		    "itself", (long long)e->id);
	if (e->op < STORE_STORY_MERGE || e->op > STORE_STORY_RETITLE)
		return err_set(ND_EINVAL, "store: unknown story edit %d", e->op);
	return st->ops->story_edit(st, e, out_id);
}

/* ---- article refresh and robots.txt (issue 12) ---- */

int
store_fulltext_refresh_due(struct store *st, struct arena *a, int64_t before,
    size_t recent, size_t max, struct fulltext_job **out, size_t *out_n)
{
	return st->ops->fulltext_refresh_due(st, a, before, recent, max, out,
	    out_n);
}

int
store_fulltext_seen(struct store *st, int64_t item_id, const char *etag,
    const char *last_modified, int64_t at)
{
	return st->ops->fulltext_seen(st, item_id, etag, last_modified, at);
}

int
store_robots_get(struct store *st, struct arena *a, const char *origin,
    struct store_robots **out)
{
	return st->ops->robots_get(st, a, origin, out);
}

int
store_robots_put(struct store *st, const struct store_robots *r)
{
	return st->ops->robots_put(st, r);
}

/* ---- tips (issue 11) ---- */

int
store_tip_thread_add(struct store *st, const struct tip_thread *t,
    const struct tip_msg *first)
{
	return st->ops->tip_thread_add(st, t, first);
}

int
store_tip_msg_add(struct store *st, const char *thread_id,
    const struct tip_msg *m)
{
	return st->ops->tip_msg_add(st, thread_id, m);
}

int
store_tip_list(struct store *st, struct arena *a, struct tip_thread **out,
    size_t *out_n)
{
	return st->ops->tip_list(st, a, out, out_n);
}

int
store_tip_get(struct store *st, struct arena *a, const char *id,
    struct tip_thread **out, struct tip_msg **out_msgs, size_t *out_n)
{
	return st->ops->tip_get(st, a, id, out, out_msgs, out_n);
}

int
store_tip_find(struct store *st, struct arena *a, const unsigned char *lookup,
    size_t len, const char **out_id)
{
	return st->ops->tip_find(st, a, lookup, len, out_id);
}

/* ---- desk accounts and the audit log (issue 10) ---- */

int
store_user_add(struct store *st, const struct user *u, const char *pwhash,
    int64_t now, int64_t *out_id)
{
	if (!u->email || !*u->email || strlen(u->email) > 320 || !u->name ||
	    !*u->name || strlen(u->name) > 200 || !pwhash || !*pwhash)
		return err_set(ND_EINVAL, "store: a user needs an email (at "
		    "most 320 bytes), a name (at most 200) and a password");
	return st->ops->user_add(st, u, pwhash, now, out_id);
}

int
store_user_get(struct store *st, struct arena *a, int64_t id,
    const char *email, struct user **out, const char **out_pwhash)
{
	return st->ops->user_get(st, a, id, email, out, out_pwhash);
}

int
store_user_list(struct store *st, struct arena *a, struct user **out,
    size_t *out_n)
{
	return st->ops->user_list(st, a, out, out_n);
}

int
store_user_update(struct store *st, const struct user *u, const char *pwhash,
    int64_t now, const unsigned char *keep)
{
	if (!u->name || !*u->name || strlen(u->name) > 200)
		return err_set(ND_EINVAL, "store: a user's name is 1 to 200 "
		    "bytes");
	return st->ops->user_update(st, u, pwhash, now, keep);
}

int
store_user_login(struct store *st, int64_t id, int64_t now)
{
	return st->ops->user_login(st, id, now);
}

int
store_session_add(struct store *st,
    const unsigned char hash[STORE_SESSION_HASH], int64_t user_id,
    int64_t now, int64_t idle_s, int64_t max_s)
{
	return st->ops->session_add(st, hash, user_id, now, idle_s, max_s);
}

int
store_session_user(struct store *st, struct arena *a,
    const unsigned char hash[STORE_SESSION_HASH], int64_t now,
    int64_t idle_s, int64_t max_s, int64_t touch_s, struct user **out)
{
	return st->ops->session_user(st, a, hash, now, idle_s, max_s, touch_s,
	    out);
}

int
store_session_remove(struct store *st,
    const unsigned char hash[STORE_SESSION_HASH])
{
	return st->ops->session_remove(st, hash);
}

int
store_throttle_get(struct store *st,
    const unsigned char key[STORE_THROTTLE_KEY], struct store_throttle *out)
{
	return st->ops->throttle_get(st, key, out);
}

int
store_throttle_put(struct store *st,
    const unsigned char key[STORE_THROTTLE_KEY],
    const struct store_throttle *t, int64_t forget_before)
{
	return st->ops->throttle_put(st, key, t, forget_before);
}

int
store_audit_add(struct store *st, int64_t user_id, const char *actor,
    const char *action, const char *target, const char *detail, int64_t now)
{
	if (!action || !*action)
		return err_set(ND_EINVAL, "store: an audit entry needs an "
		    "action");
	return st->ops->audit_add(st, user_id, actor ? actor : "", action,
	    target ? target : "", detail ? detail : "", now);
}

int
store_audit_list(struct store *st, struct arena *a, size_t limit,
    size_t offset, const char *action_prefix, struct audit_entry **out,
    size_t *out_n)
{
	if (limit == 0)
		limit = 50;
	if (limit > 1000)
		limit = 1000;
	return st->ops->audit_list(st, a, limit, offset, action_prefix, out,
	    out_n);
}

/* ---- curation (issue 10) ---- */

int
store_item_edit(struct store *st, const struct store_item_edit *e)
{
	if (e->op < STORE_ITEM_PIN || e->op > STORE_ITEM_SECTION)
		return err_set(ND_EINVAL, "store: unknown item edit %d", e->op);
	if (e->op == STORE_ITEM_RETITLE && e->title) {
		if (strlen(e->title) > ITEM_MAX_TITLE)
			return err_set(ND_EINVAL, "store: a headline is at most "
			    "%d bytes", ITEM_MAX_TITLE);
		for (const unsigned char *p = (const unsigned char *)e->title;
		    *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return err_set(ND_EINVAL, "store: a headline "
				    "has no control characters");
	}
	return st->ops->item_edit(st, e);
}

int
store_item_pinned(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n)
{
	return st->ops->item_pinned(st, a, max ? max : 10, out, out_n);
}

int
store_story_curate(struct store *st, const struct store_story_edit *e,
    int64_t *out_id)
{
	/* the same checks as store_story_edit (a story merged into itself
	 * would vanish) */
	if (e->op == STORE_STORY_MERGE && e->id == e->other)
		return err_set(ND_EINVAL, "store: cannot merge story %lld into "
		    "itself", (long long)e->id);
	if (e->op < STORE_STORY_MERGE || e->op > STORE_STORY_RETITLE)
		return err_set(ND_EINVAL, "store: unknown story edit %d", e->op);
	return st->ops->story_curate(st, e, out_id);
}

/* ---- mail (issue 11) ---- */

int
store_sub_signup(struct store *st, const struct store_signup *s, bool
    *out_queued)
{
	return st->ops->sub_signup(st, s, out_queued);
}

int
store_sub_get(struct store *st, struct arena *a, int64_t id, const char *email,
    struct subscriber **out)
{
	return st->ops->sub_get(st, a, id, email, out);
}

int
store_sub_token_add(struct store *st, int64_t sub_id, int kind, const char
    *hash, int64_t expires)
{
	return st->ops->sub_token_add(st, sub_id, kind, hash, expires);
}

int
store_sub_token_find(struct store *st, struct arena *a, const char *hash, int
    kind, int64_t now, struct subscriber **out)
{
	return st->ops->sub_token_find(st, a, hash, kind, now, out);
}

int
store_sub_confirm(struct store *st, const char *hash, int64_t now, int64_t
    *out_id)
{
	return st->ops->sub_confirm(st, hash, now, out_id);
}

int
store_sub_set_lists(struct store *st, int64_t id, const char *const *lists,
    size_t n)
{
	return st->ops->sub_set_lists(st, id, lists, n);
}

int
store_sub_set_status(struct store *st, int64_t id, int status)
{
	return st->ops->sub_set_status(st, id, status);
}

int
store_sub_bounce(struct store *st, int64_t id, bool is_hard, int hard_status,
    int soft_limit, const char *dsn_status, int64_t now, int *out_status)
{
	return st->ops->sub_bounce(st, id, is_hard, hard_status, soft_limit, dsn_status, now, out_status);
}

int
store_sub_expire(struct store *st, int64_t before, int64_t now, size_t *out_n)
{
	return st->ops->sub_expire(st, before, now, out_n);
}

int
store_sub_counts(struct store *st, size_t out[5])
{
	return st->ops->sub_counts(st, out);
}

int
store_mail_content_add(struct store *st, const char *kind, const char *list,
    const char *subject, const char *text, const char *html, int64_t now,
    int64_t *out_id)
{
	return st->ops->mail_content_add(st, kind, list, subject, text, html, now, out_id);
}

int
store_digest_enqueue(struct store *st, int64_t content_id, const char *list,
    const char *msgid_domain, int64_t now, size_t *out_n)
{
	return st->ops->digest_enqueue(st, content_id, list, msgid_domain, now, out_n);
}

int
store_digest_last(struct store *st, const char *list, int64_t *out)
{
	return st->ops->digest_last(st, list, out);
}

int
store_list_count(struct store *st, const char *list, size_t *out)
{
	return st->ops->list_count(st, list, out);
}

int
store_mail_claim(struct store *st, struct arena *a, int64_t now, int lease_s,
    const struct store_mail_limits *lim, struct mail_msg **out, int64_t
    *out_wait)
{
	return st->ops->mail_claim(st, a, now, lease_s, lim, out, out_wait);
}

int
store_mail_done(struct store *st, int64_t id, int state, int64_t
    next_attempt_at, const char *error, int code, int64_t now)
{
	return st->ops->mail_done(st, id, state, next_attempt_at, error, code, now);
}

int
store_mail_status(struct store *st, struct arena *a, int64_t now, struct
    store_mail_status *out)
{
	return st->ops->mail_status(st, a, now, out);
}

int
store_mail_secret(struct store *st, unsigned char out[32])
{
	return st->ops->mail_secret(st, out);
}

/* ---- automatic sections and the beat (issue 9) ---- */

#define STORE_RULE_VALUE_MAX 200

int
store_rule_add(struct store *st, int64_t section_id, int kind,
    const char *value, int64_t *out_id)
{
	if (kind < STORE_RULE_WORD || kind > STORE_RULE_BEAT)
		return err_set(ND_EINVAL, "store: unknown rule kind %d", kind);
	if ((kind == STORE_RULE_BEAT) != (section_id == 0))
		return err_set(ND_EINVAL, "store: a beat word has no section, "
		    "any other rule has one");
	if (!value || !*value || strlen(value) > STORE_RULE_VALUE_MAX)
		return err_set(ND_EINVAL, "store: a rule's value is 1 to %d "
		    "bytes", STORE_RULE_VALUE_MAX);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(ND_EINVAL, "store: a rule's value has "
			    "no control characters");
	return st->ops->rule_add(st, section_id, kind, value, out_id);
}

int
store_rule_remove(struct store *st, int64_t id)
{
	return st->ops->rule_remove(st, id);
}

int
store_rule_list(struct store *st, struct arena *a, struct store_rule **out,
    size_t *out_n)
{
	return st->ops->rule_list(st, a, out, out_n);
}

int
store_labels(struct store *st, struct arena *a, size_t max,
    struct store_label **out, size_t *out_n)
{
	return st->ops->labels(st, a, max ? max : 1000, out, out_n);
}

int
store_labels_version(struct store *st, uint64_t *out)
{
	return st->ops->labels_version(st, out);
}

int
store_items_classify(struct store *st, const struct store_item_class *v,
    size_t n)
{
	if (n == 0)
		return 0;
	return st->ops->items_classify(st, v, n);
}

int
store_review_list(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n)
{
	return st->ops->review_list(st, a, max ? max : 100, out, out_n);
}

int
store_review_decide(struct store *st, int64_t id, bool keep)
{
	return st->ops->review_decide(st, id, keep);
}

int
store_items_dups(struct store *st, const struct store_item_dup *v, size_t n)
{
	if (n == 0)
		return 0;
	return st->ops->items_dups(st, v, n);
}

int
store_item_copies(struct store *st, struct arena *a, int64_t id, size_t max,
    struct item **out, size_t *out_n)
{
	return st->ops->item_copies(st, a, id, max ? max : 20, out, out_n);
}

/* ---- daily upkeep (issue 8) ---- */

int
store_upkeep_claim(struct store *st, const char *task, const char *owner,
    int64_t now, int64_t lease_until, int64_t due_at,
    enum store_upkeep_state *out_state)
{
	return st->ops->upkeep_claim(st, task, owner, now, lease_until, due_at,
	    out_state);
}

int
store_upkeep_release(struct store *st, const char *task, const char *owner,
    int64_t now, bool is_done)
{
	return st->ops->upkeep_release(st, task, owner, now, is_done);
}

int
store_upkeep_get(struct store *st, struct arena *a, const char *task,
    int64_t *out_last_done, const char **out_owner, int64_t *out_lease_until)
{
	return st->ops->upkeep_get(st, a, task, out_last_done, out_owner,
	    out_lease_until);
}

int
store_search_merge_step(struct store *st, int pages, bool *out_is_done,
    size_t *out_segments)
{
	size_t n = 0;
	int rc = st->ops->search_merge_step(st, pages, out_is_done, &n);

	if (out_segments)
		*out_segments = rc < 0 ? 0 : n;
	return rc;
}
