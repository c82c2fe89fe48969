/*
 * store_tips: tips threads and their messages (issue 11). Everything here
 * is sealed bytes, a random id, a day and a receipt tag: the store could
 * be published and say nothing of who wrote what. Statements are prepared
 * per call: tips are rare.
 */
#include <sqlite3.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

#define TIP_LIST_MAX 10000
#define TIP_MSGS_MAX 10000

static void
bind_blob(sqlite3_stmt *s, int i, const unsigned char *p, size_t n)
{
	if (p)
		sqlite3_bind_blob64(s, i, p, n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static const unsigned char *
col_blob(struct arena *a, sqlite3_stmt *s, int i, size_t *out_n)
{
	const void *p = sqlite3_column_blob(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);

	*out_n = p ? n : 0;
	return p ? arena_memdup(a, p, n ? n : 1) : NULL;
}

static const char *
col_text(struct arena *a, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return arena_strdup(a, t ? (const char *)t : "");
}

static int
msg_insert(struct store *st, const char *thread_id, const struct tip_msg *m)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = store_prep(st, &s, "INSERT INTO tip_messages (thread_id, day, "
	    "sealed, for_source) VALUES (?, ?, ?, ?)")) < 0)
		return rc;
	sqlite3_bind_text(s, 1, thread_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, m->day, -1, SQLITE_TRANSIENT);
	bind_blob(s, 3, m->sealed, m->sealed_len);
	bind_blob(s, 4, m->for_source, m->for_source_len);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 :
	    store_db_err(st, "insert tip message");
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_tip_thread_add(struct store *st, const struct tip_thread *t,
    const struct tip_msg *first)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &s, "INSERT INTO tip_threads (id, day, lookup, "
	    "reply_pk) VALUES (?, ?, ?, ?)")) < 0)
		goto fail;
	sqlite3_bind_text(s, 1, t->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, t->day, -1, SQLITE_TRANSIENT);
	bind_blob(s, 3, t->lookup, t->lookup_len);
	bind_blob(s, 4, t->reply_pk, t->reply_pk_len);
	step = sqlite3_step(s);
	if (step == SQLITE_CONSTRAINT) {
		rc = err_set(ND_EEXISTS, "store: tip thread exists");
		goto fail;
	}
	if (step != SQLITE_DONE) {
		rc = store_db_err(st, "insert tip thread");
		goto fail;
	}
	if ((rc = msg_insert(st, t->id, first)) < 0)
		goto fail;
	sqlite3_finalize(s);
	return store_sqlite_commit(st);
fail:
	sqlite3_finalize(s);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_tip_msg_add(struct store *st, const char *thread_id,
    const struct tip_msg *m)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &s, "SELECT 1 FROM tip_threads WHERE id = ?")) < 0)
		goto fail;
	sqlite3_bind_text(s, 1, thread_id, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no tip thread %s", thread_id);
		goto fail;
	}
	if (step != SQLITE_ROW) {
		rc = store_db_err(st, "find tip thread");
		goto fail;
	}
	if ((rc = msg_insert(st, thread_id, m)) < 0)
		goto fail;
	sqlite3_finalize(s);
	return store_sqlite_commit(st);
fail:
	sqlite3_finalize(s);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_tip_list(struct store *st, struct arena *a,
    struct tip_thread **out, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &s, "SELECT t.id, t.day, MAX(m.day), COUNT(m.id), "
	    "COUNT(m.for_source), SUM(LENGTH(m.sealed) + "
	    "IFNULL(LENGTH(m.for_source), 0)) FROM tip_threads t "
	    "JOIN tip_messages m ON m.thread_id = t.id "
	    "GROUP BY t.id ORDER BY MAX(m.id) DESC LIMIT ?")) < 0)
		return rc;
	sqlite3_bind_int(s, 1, TIP_LIST_MAX);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct tip_thread *t;

		ARENA_GROW(a, *out, n, n + 1, cap);
		t = &(*out)[n++];
		memset(t, 0, sizeof(*t));
		t->id = col_text(a, s, 0);
		t->day = col_text(a, s, 1);
		t->last_day = col_text(a, s, 2);
		t->n_msgs = (size_t)sqlite3_column_int64(s, 3);
		t->n_replies = (size_t)sqlite3_column_int64(s, 4);
		t->bytes = sqlite3_column_int64(s, 5);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list tips");
	sqlite3_finalize(s);
	*out_n = n;
	return rc;
}

int
store_sqlite_tip_get(struct store *st, struct arena *a, const char *id,
    struct tip_thread **out, struct tip_msg **out_msgs, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	struct tip_thread *t;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_msgs = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &s, "SELECT id, day, lookup, reply_pk FROM "
	    "tip_threads WHERE id = ?")) < 0)
		return rc;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? err_set(ND_ENOTFOUND,
		    "store: no tip %s", id) : store_db_err(st, "get tip");
		sqlite3_finalize(s);
		return rc;
	}
	t = arena_zalloc(a, sizeof(*t));
	t->id = col_text(a, s, 0);
	t->day = col_text(a, s, 1);
	t->lookup = col_blob(a, s, 2, &t->lookup_len);
	t->reply_pk = col_blob(a, s, 3, &t->reply_pk_len);
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = store_prep(st, &s, "SELECT id, day, sealed, for_source FROM "
	    "tip_messages WHERE thread_id = ? ORDER BY id LIMIT ?")) < 0)
		return rc;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, TIP_MSGS_MAX);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct tip_msg *m;

		ARENA_GROW(a, *out_msgs, n, n + 1, cap);
		m = &(*out_msgs)[n++];
		m->id = sqlite3_column_int64(s, 0);
		m->day = col_text(a, s, 1);
		m->sealed = col_blob(a, s, 2, &m->sealed_len);
		m->for_source = col_blob(a, s, 3, &m->for_source_len);
		t->n_msgs++;
		if (m->for_source)
			t->n_replies++;
		t->bytes += (int64_t)(m->sealed_len + m->for_source_len);
		t->last_day = m->day;
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "get tip messages");
	sqlite3_finalize(s);
	*out = t;
	*out_n = n;
	return rc;
}

int
store_sqlite_tip_find(struct store *st, struct arena *a,
    const unsigned char *lookup, size_t len, const char **out_id)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	*out_id = NULL;
	if ((rc = store_prep(st, &s, "SELECT id FROM tip_threads WHERE lookup = ?"))
	    < 0)
		return rc;
	sqlite3_bind_blob64(s, 1, lookup, len, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*out_id = col_text(a, s, 0);
	else
		rc = step == SQLITE_DONE ? err_set(ND_ENOTFOUND,
		    "store: no tip thread for that receipt") :
		    store_db_err(st, "find tip thread");
	sqlite3_finalize(s);
	return rc;
}
