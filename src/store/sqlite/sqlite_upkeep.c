/*
 * sqlite_upkeep: the daily upkeep tasks' row (issue 8): when a task was
 * last done and which process holds it. A claim is one UPDATE whose WHERE
 * says every condition (not done since the day's hour, lease free, expired
 * or ours), so two `run` processes cannot both get it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

int
store_sqlite_upkeep_claim(struct store *st, const char *task,
    const char *owner, int64_t now, int64_t lease_until, int64_t due_at,
    enum store_upkeep_state *out_state)
{
	sqlite3_stmt *stmt = NULL;
	int64_t last = 0;
	int rc;

	*out_state = STORE_UPKEEP_HELD;
	if ((rc = store_prep(st, &stmt, "INSERT OR IGNORE INTO upkeep (task) "
	    "VALUES (?1)")) < 0)
		return rc;
	store_bind_text(stmt, 1, task);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "add upkeep task");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "UPDATE upkeep SET owner = ?2, "
	    "lease_until = ?4 WHERE task = ?1 AND last_done < ?5 AND "
	    "(owner = '' OR owner = ?2 OR lease_until <= ?3)")) < 0)
		return rc;
	store_bind_text(stmt, 1, task);
	store_bind_text(stmt, 2, owner);
	sqlite3_bind_int64(stmt, 3, now);
	sqlite3_bind_int64(stmt, 4, lease_until);
	sqlite3_bind_int64(stmt, 5, due_at);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "claim upkeep task");
	else if (sqlite3_changes(SQ(st)->db) == 1)
		*out_state = STORE_UPKEEP_CLAIMED;
	sqlite3_finalize(stmt);
	if (rc < 0 || *out_state == STORE_UPKEEP_CLAIMED)
		return rc;
	if ((rc = store_sqlite_upkeep_get(st, NULL, task, &last, NULL,
	    NULL)) < 0)
		return rc;
	if (last >= due_at)
		*out_state = STORE_UPKEEP_DONE;
	return 0;
}

int
store_sqlite_upkeep_release(struct store *st, const char *task,
    const char *owner, int64_t now, bool is_done)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "UPDATE upkeep SET owner = '', "
	    "lease_until = 0, last_done = CASE WHEN ?3 THEN ?4 ELSE last_done "
	    "END WHERE task = ?1 AND owner = ?2")) < 0)
		return rc;
	store_bind_text(stmt, 1, task);
	store_bind_text(stmt, 2, owner);
	sqlite3_bind_int(stmt, 3, is_done);
	sqlite3_bind_int64(stmt, 4, now);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "release upkeep task");
	sqlite3_finalize(stmt);
	return rc;
}

/* a may be NULL when out_owner is */
int
store_sqlite_upkeep_get(struct store *st, struct arena *a, const char *task,
    int64_t *out_last_done, const char **out_owner, int64_t *out_lease_until)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out_last_done = 0;
	if (out_owner)
		*out_owner = "";
	if (out_lease_until)
		*out_lease_until = 0;
	if ((rc = store_prep(st, &stmt, "SELECT last_done, owner, lease_until "
	    "FROM upkeep WHERE task = ?1")) < 0)
		return rc;
	store_bind_text(stmt, 1, task);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out_last_done = sqlite3_column_int64(stmt, 0);
		if (out_owner)
			*out_owner = arena_strdup(a,
			    (const char *)sqlite3_column_text(stmt, 1));
		if (out_lease_until)
			*out_lease_until = sqlite3_column_int64(stmt, 2);
	} else if (step != SQLITE_DONE) {
		rc = store_db_err(st, "read upkeep task");
	}
	sqlite3_finalize(stmt);
	return rc;
}
