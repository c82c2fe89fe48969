/*
 * store_story_fold: the clusterer found two stories to be one event (a
 * report matched both and their centroids met; analyze_result.merged).
 * The younger story's items move to the older one and it points there
 * (merged_into), as an editor's merge does but without locking anything:
 * the clusterer's own decision stays open to the editors. A story an
 * editor touched (an item placed or split out, a pin, a title) is left
 * as it is on either side.
 */
#include <sqlite3.h>

#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

static int
run(struct store *st, sqlite3_stmt *stmt, int64_t a, int64_t b,
    const char *what)
{
	int rc = 0;

	sqlite3_bind_int64(stmt, 1, a);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sqlite3_bind_int64(stmt, 2, b);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, what);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}

/* The story id ends in (merged_into followed, capped), and whether an
 * editor touched it; *out 0 when it is not stored. */
static int
story_state(struct store *st, sqlite3_stmt *get, int64_t id, int64_t *out,
    bool *out_is_edited)
{
	*out = 0;
	*out_is_edited = false;
	for (int hop = 0; hop < 64; hop++) {
		int step;
		int64_t next;

		sqlite3_bind_int64(get, 1, id);
		step = sqlite3_step(get);
		if (step == SQLITE_DONE) {
			sqlite3_reset(get);
			return 0;
		}
		if (step != SQLITE_ROW) {
			sqlite3_reset(get);
			return store_db_err(st, "find story");
		}
		next = sqlite3_column_int64(get, 0);
		*out_is_edited = sqlite3_column_int(get, 1) != 0;
		sqlite3_reset(get);
		if (!next) {
			*out = id;
			return 0;
		}
		id = next;
	}
	return 0;
}

int
store_sqlite_story_fold(struct store *st, const struct story_fold *f,
    size_t n)
{
	sqlite3_stmt *get = NULL, *move = NULL, *widen = NULL, *mark = NULL;
	bool in_tx = false;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	in_tx = true;
	if ((rc = store_prep(st, &get, "SELECT coalesce(merged_into, 0), "
	    "is_pinned OR editor_title IS NOT NULL OR EXISTS (SELECT 1 FROM "
	    "story_items WHERE story_id = ?1 AND is_locked = 1) "
	    "FROM stories WHERE id = ?1")) < 0 ||
	    (rc = store_prep(st, &move, "UPDATE story_items SET story_id = ?2 "
	    "WHERE story_id = ?1")) < 0 ||
	    (rc = store_prep(st, &widen, "UPDATE stories SET first_seen = "
	    "min(first_seen, (SELECT first_seen FROM stories WHERE id = ?1)), "
	    "last_seen = max(last_seen, (SELECT last_seen FROM stories "
	    "WHERE id = ?1)) WHERE id = ?2")) < 0 ||
	    (rc = store_prep(st, &mark, "UPDATE stories SET merged_into = ?2, "
	    "status = 2 WHERE id = ?1")) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t from, into;
		bool is_from_edited, is_into_edited;

		if ((rc = story_state(st, get, f[i].from, &from,
		    &is_from_edited)) < 0 ||
		    (rc = story_state(st, get, f[i].into, &into,
		    &is_into_edited)) < 0)
			goto out;
		/* not stored, already one, or an editor's */
		if (!from || !into || from == into || is_from_edited ||
		    is_into_edited)
			continue;
		if ((rc = run(st, move, from, into, "fold story")) < 0 ||
		    (rc = run(st, widen, from, into, "fold story")) < 0 ||
		    (rc = run(st, mark, from, into, "fold story")) < 0)
			goto out;
	}
	in_tx = false;
	rc = store_sqlite_commit(st);
out:
	sqlite3_finalize(get);
	sqlite3_finalize(move);
	sqlite3_finalize(widen);
	sqlite3_finalize(mark);
	if (in_tx)
		store_sqlite_rollback(st);
	return rc;
}
