/*
 * store_media: the local photo cache (table media, migration 2).
 *
 * Item photos are downloaded by the fetcher (src/fetch/media.c) and kept in
 * the store rather than in files, so every web node of a multi-node set-up
 * serves the same bytes from the shared store. A row is keyed by a hash of
 * the photo URL, which is also its public name; the bytes of a key never
 * change once cached (a failure never replaces an image). Statements here
 * are prepared per call: they run once per fetched photo or once per
 * rendered page, never per request of a cached page.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

/* nd_media_key(url): the item queries join media on it (ITEM_MEDIA_JOIN). */
static void
sql_media_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *url;
	char key[PHOTO_KEY_LEN + 1];

	(void)argc;
	url = sqlite3_value_text(argv[0]);
	if (!url || !*url) {
		sqlite3_result_null(ctx);
		return;
	}
	model_photo_key(key, (const char *)url);
	sqlite3_result_text(ctx, key, PHOTO_KEY_LEN, SQLITE_TRANSIENT);
}

int
store_media_register(sqlite3 *db)
{
	if (sqlite3_create_function(db, "nd_media_key", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_media_key, NULL,
	    NULL) != SQLITE_OK)
		return err_set(ND_EIO, "store: register nd_media_key: %s",
		    sqlite3_errmsg(db));
	return 0;
}

int
store_sqlite_media_put(struct store *st, const struct photo *m)
{
	/* An image is never replaced by a failure; a failure counts up. */
	static const char sql[] =
	    "INSERT INTO media (key, url, status, type, len, width, height, "
	    "error, attempts, fetched, next_try, data) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
	    "ON CONFLICT (key) DO UPDATE SET status = excluded.status, "
	    "type = excluded.type, len = excluded.len, width = excluded.width, "
	    "height = excluded.height, error = excluded.error, "
	    "attempts = CASE WHEN excluded.status = 1 THEN 0 "
	    "ELSE max(excluded.attempts, media.attempts + 1) END, "
	    "fetched = excluded.fetched, next_try = excluded.next_try, "
	    "data = excluded.data "
	    "WHERE media.status <> 1 OR excluded.status = 1";
	sqlite3_stmt *stmt = NULL;
	char key[PHOTO_KEY_LEN + 1];
	int rc;

	if (!m->url || (m->status == PHOTO_OK && (!m->data || !m->len ||
	    !m->type)))
		return err_set(ND_EINVAL, "store: media: an image needs a url, "
		    "bytes and a type");
	model_photo_key(key, m->url);
	if ((rc = store_prep(st, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	store_bind_text(stmt, 2, m->url);
	sqlite3_bind_int(stmt, 3, m->status);
	store_bind_text(stmt, 4, m->status == PHOTO_OK ? m->type : NULL);
	sqlite3_bind_int64(stmt, 5, m->status == PHOTO_OK ?
	    (sqlite3_int64)m->len : 0);
	sqlite3_bind_int(stmt, 6, m->width);
	sqlite3_bind_int(stmt, 7, m->height);
	store_bind_text(stmt, 8, m->status == PHOTO_OK ? NULL : m->error);
	sqlite3_bind_int(stmt, 9, m->attempts > 0 ? m->attempts : 1);
	sqlite3_bind_int64(stmt, 10, m->fetched);
	sqlite3_bind_int64(stmt, 11, m->next_try);
	if (m->status == PHOTO_OK)
		sqlite3_bind_blob64(stmt, 12, m->data, (sqlite3_uint64)m->len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 12);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "put media");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_media_get(struct store *st, struct arena *a, const char *key,
    bool with_data, struct photo **out)
{
	static const char sql_meta[] =
	    "SELECT key, url, status, type, len, width, height, error, "
	    "attempts, fetched, next_try FROM media WHERE key = ?1";
	static const char sql_data[] =
	    "SELECT key, url, status, type, len, width, height, error, "
	    "attempts, fetched, next_try, data FROM media WHERE key = ?1";
	sqlite3_stmt *stmt = NULL;
	struct photo *m;
	int rc, step;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, with_data ? sql_data : sql_meta)) < 0)
		return rc;
	store_bind_text(stmt, 1, key);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		rc = ND_ENOTFOUND;
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = store_db_err(st, "get media");
		goto out;
	}
	m = arena_zalloc(a, sizeof(*m));
	m->key = store_col_text(a, stmt, 0);
	m->url = store_col_text(a, stmt, 1);
	m->status = sqlite3_column_int(stmt, 2);
	m->type = store_col_text(a, stmt, 3);
	m->len = (size_t)sqlite3_column_int64(stmt, 4);
	m->width = sqlite3_column_int(stmt, 5);
	m->height = sqlite3_column_int(stmt, 6);
	m->error = store_col_text(a, stmt, 7);
	m->attempts = sqlite3_column_int(stmt, 8);
	m->fetched = sqlite3_column_int64(stmt, 9);
	m->next_try = sqlite3_column_int64(stmt, 10);
	if (with_data) {
		const void *p = sqlite3_column_blob(stmt, 11);
		size_t n = (size_t)sqlite3_column_bytes(stmt, 11);

		if (p && n) {
			void *d = arena_alloc(a, n);

			memcpy(d, p, n);
			m->data = d;
		}
		m->len = p ? n : 0;
	}
	*out = m;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_media_pending(struct store *st, struct arena *a, int64_t now,
    size_t recent, size_t max, const char ***out, size_t *out_n)
{
	/* Bounded work however large the store: only the newest `recent`
	 * items (by the items_sort index) are looked at. */
	static const char sql[] =
	    "WITH recent AS (SELECT image_url, image_thumb, sort_time FROM items "
	    "ORDER BY sort_time DESC, id DESC LIMIT ?1), "
	    "urls AS (SELECT image_url AS u, sort_time AS t, 0 AS k FROM recent "
	    "UNION ALL SELECT image_thumb, sort_time, 1 FROM recent) "
	    "SELECT u FROM urls WHERE u IS NOT NULL "
	    "AND (u LIKE 'http://%' OR u LIKE 'https://%') "
	    "AND NOT EXISTS (SELECT 1 FROM media m WHERE m.url = u AND "
	    "(m.status = 1 OR m.next_try > ?2 OR m.attempts >= ?3)) "
	    "GROUP BY u ORDER BY max(t) DESC, min(k) LIMIT ?4";
	sqlite3_stmt *stmt = NULL;
	const char **v = NULL;
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
	sqlite3_bind_int(stmt, 3, PHOTO_MAX_ATTEMPTS);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)max);
	v = arena_zalloc(a, max * sizeof(*v));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && n < max)
		v[n++] = store_col_text(a, stmt, 0);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_err(st, "list pending media");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	*out = v;
	*out_n = n;
	return 0;
}

int
store_sqlite_media_count(struct store *st, size_t *out_ok, size_t *out_failed)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out_ok = *out_failed = 0;
	if ((rc = store_prep(st, &stmt, "SELECT coalesce(sum(status = 1), 0), "
	    "coalesce(sum(status <> 1), 0) FROM media")) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*out_ok = (size_t)sqlite3_column_int64(stmt, 0);
		*out_failed = (size_t)sqlite3_column_int64(stmt, 1);
	} else {
		rc = store_db_err(st, "count media");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_media_list_ok(struct store *st, struct arena *a,
    struct photo **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct photo *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT key, type, width, height FROM media "
	    "WHERE status = 1 ORDER BY key")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			struct photo *nv;

			cap = cap ? cap * 2 : 64;
			nv = arena_zalloc(a, cap * sizeof(*nv));
			if (n)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].key = store_col_text(a, stmt, 0);
		v[n].type = store_col_text(a, stmt, 1);
		v[n].width = sqlite3_column_int(stmt, 2);
		v[n].height = sqlite3_column_int(stmt, 3);
		v[n].status = PHOTO_OK;
		n++;
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list media");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	*out = v;
	*out_n = n;
	return 0;
}
