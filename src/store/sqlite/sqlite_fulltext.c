/*
 * store_fulltext: the full text of items (issue 12), for the SQLite
 * backend. Statements are prepared per call: they run once per article
 * page fetched, or once per cycle.
 *
 * The text also goes into the search index, in place of the feed's
 * content (item_fts.content); when a later fetch of the feed rewrites the
 * item, ST_FTS_INSERT takes items.full_text again, so the index keeps it.
 */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

int
store_sqlite_fulltext_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, size_t short_len, struct fulltext_job **out,
    size_t *out_n)
{
	/* Bounded work however large the store: only the newest `recent`
	 * items (by the items_sort index) are looked at. */
	static const char sql[] =
	    "WITH recent AS (SELECT id, source_id, url, summary, content, "
	    "full_text_state, full_text_tries, full_text_next, sort_time "
	    "FROM items ORDER BY sort_time DESC, id DESC LIMIT ?1) "
	    "SELECT r.id, r.url, r.full_text_tries FROM recent r "
	    "JOIN sources s ON s.id = r.source_id "
	    "WHERE s.full_text <> 2 AND r.url IS NOT NULL "
	    "AND (r.url LIKE 'http://%' OR r.url LIKE 'https://%') "
	    "AND (r.full_text_state = 0 OR (r.full_text_state = 3 "
	    "AND r.full_text_next <= ?2 AND r.full_text_tries < ?3)) "
	    "AND (s.full_text = 1 OR length(coalesce(r.summary, '')) + "
	    "length(coalesce(r.content, '')) < ?4) "
	    "ORDER BY r.sort_time DESC, r.id DESC LIMIT ?5";
	sqlite3_stmt *stmt = NULL;
	struct fulltext_job *v;
	size_t n = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if (!max)
		return 0;
	if ((rc = store_prep(st, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)recent);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int(stmt, 3, ITEM_FULL_TEXT_MAX_TRIES);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)short_len);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)max);
	v = arena_zalloc(a, max * sizeof(*v));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && n < max) {
		v[n].item_id = sqlite3_column_int64(stmt, 0);
		v[n].url = store_col_text(a, stmt, 1);
		v[n].tries = sqlite3_column_int(stmt, 2);
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_err(st, "list pending full text");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	*out = v;
	*out_n = n;
	return 0;
}

int
store_sqlite_fulltext_put(struct store *st, int64_t item_id, int state,
    const char *text, const char *reason, int64_t next_try)
{
	static const char upd[] =
	    "UPDATE items SET full_text = ?2, full_text_state = ?3, "
	    "full_text_reason = ?4, full_text_tries = full_text_tries + 1, "
	    "full_text_next = ?5 WHERE id = ?1";
	static const char fts[] =
	    "UPDATE item_fts SET content = ?2 WHERE rowid = ?1";
	sqlite3_stmt *stmt = NULL;
	bool has_text = state == ITEM_FULL_TEXT_OK && text;
	int rc;

	if ((rc = store_exec(st, "SAVEPOINT fulltext", "begin full text")) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, upd)) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, item_id);
	if (has_text)
		sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_int(stmt, 3, state);
	store_bind_text(stmt, 4, reason);
	sqlite3_bind_int64(stmt, 5, next_try);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = store_db_err(st, "write full text");
		goto out;
	}
	if (sqlite3_changes(SQ(st)->db) == 0) {
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)item_id);
		goto out;
	}
	if (has_text) {
		sqlite3_finalize(stmt);
		if ((rc = store_prep(st, &stmt, fts)) < 0)
			goto out;
		sqlite3_bind_int64(stmt, 1, item_id);
		sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			rc = store_db_err(st, "index full text");
			goto out;
		}
	}
out:
	sqlite3_finalize(stmt);
	if (rc < 0) {
		(void)store_exec(st, "ROLLBACK TO fulltext; RELEASE fulltext",
		    "roll back full text");
		return rc;
	}
	return store_exec(st, "RELEASE fulltext", "commit full text");
}

int
store_sqlite_fulltext_get(struct store *st, struct arena *a, int64_t item_id,
    const char **out_text, int *out_state)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out_text = NULL;
	*out_state = 0;
	if ((rc = store_prep(st, &stmt, "SELECT full_text, full_text_state "
	    "FROM items WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, item_id);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out_text = store_col_text(a, stmt, 0);
		*out_state = sqlite3_column_int(stmt, 1);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)item_id);
	} else {
		rc = store_db_err(st, "read full text");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- refresh with a conditional GET, and robots.txt (issue 12) ---- */

int
store_sqlite_fulltext_refresh_due(struct store *st, struct arena *a,
    int64_t before, size_t recent, size_t max, struct fulltext_job **out,
    size_t *out_n)
{
	static const char sql[] =
	    "WITH recent AS (SELECT id, source_id, url, full_text_state, "
	    "full_text_at, full_text_etag, full_text_lm, full_text_tries, "
	    "sort_time FROM items ORDER BY sort_time DESC, id DESC LIMIT ?1) "
	    "SELECT r.id, r.url, r.full_text_tries, r.full_text_etag, "
	    "r.full_text_lm FROM recent r JOIN sources s ON s.id = r.source_id "
	    "WHERE s.full_text <> 2 AND r.full_text_state = 1 "
	    "AND r.full_text_at < ?2 "
	    "ORDER BY r.full_text_at, r.id LIMIT ?3";
	sqlite3_stmt *stmt = NULL;
	struct fulltext_job *v;
	size_t n = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if (!max)
		return 0;
	if ((rc = store_prep(st, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)recent);
	sqlite3_bind_int64(stmt, 2, before);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)max);
	v = arena_zalloc(a, max * sizeof(*v));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && n < max) {
		v[n].item_id = sqlite3_column_int64(stmt, 0);
		v[n].url = store_col_text(a, stmt, 1);
		v[n].tries = sqlite3_column_int(stmt, 2);
		v[n].etag = store_col_text(a, stmt, 3);
		v[n].last_modified = store_col_text(a, stmt, 4);
		v[n].is_refresh = true;
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_err(st, "list full text to refresh");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	*out = v;
	*out_n = n;
	return 0;
}

int
store_sqlite_fulltext_seen(struct store *st, int64_t item_id,
    const char *etag, const char *last_modified, int64_t at)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "UPDATE items SET full_text_etag = ?2, "
	    "full_text_lm = ?3, full_text_at = ?4 WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, item_id);
	store_bind_text(stmt, 2, etag);
	store_bind_text(stmt, 3, last_modified);
	sqlite3_bind_int64(stmt, 4, at);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "record article fetch");
	else if (sqlite3_changes(SQ(st)->db) == 0)
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)item_id);
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_robots_get(struct store *st, struct arena *a, const char *origin,
    struct store_robots **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, "SELECT expires, status, body FROM "
	    "robots_txt WHERE origin = ?1")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, origin, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_robots *r = arena_zalloc(a, sizeof(*r));
		const void *b = sqlite3_column_blob(stmt, 2);
		size_t n = (size_t)sqlite3_column_bytes(stmt, 2);
		char *body = arena_alloc(a, n + 1);

		if (b)
			memcpy(body, b, n);
		body[n] = '\0';
		r->origin = arena_strdup(a, origin);
		r->expires = sqlite3_column_int64(stmt, 0);
		r->status = sqlite3_column_int(stmt, 1);
		r->body = body;
		r->len = b ? n : 0;
		*out = r;
	} else if (step == SQLITE_DONE) {
		rc = ND_ENOTFOUND;
	} else {
		rc = store_db_err(st, "get robots.txt");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_robots_put(struct store *st, const struct store_robots *r)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "INSERT OR REPLACE INTO robots_txt "
	    "(origin, expires, status, body) VALUES (?1, ?2, ?3, ?4)")) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, r->origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, r->expires);
	sqlite3_bind_int(stmt, 3, r->status);
	if (r->body)
		sqlite3_bind_blob64(stmt, 4, r->body, r->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 4);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "put robots.txt");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_item_text_get(struct store *st, struct arena *a,
    int64_t item_id, const char **out_text, int *out_show)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out_text = NULL;
	*out_show = 0;
	if ((rc = store_prep(st, &stmt, "SELECT CASE WHEN i.full_text_state = ?2 "
	    "THEN i.full_text END, s.show_text FROM items i "
	    "JOIN sources s ON s.id = i.source_id WHERE i.id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, item_id);
	sqlite3_bind_int(stmt, 2, ITEM_FULL_TEXT_OK);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out_text = store_col_text(a, stmt, 0);
		*out_show = sqlite3_column_int(stmt, 1);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)item_id);
	} else {
		rc = store_db_err(st, "read item text");
	}
	sqlite3_finalize(stmt);
	return rc;
}
