/*
 * store_site: queries for the public site that the core store does not
 * need. store_data_version is the content version (migration 4): a counter
 * that triggers bump on every change a page can show (items, sections,
 * cached photos, the shown columns of sources), so the fetcher's fetch-state
 * writes do not make a web node re-render everything. PRAGMA data_version
 * (another connection committed) and sqlite3_total_changes64 (this one
 * wrote) are the cheap check that says when the counter needs reading.
 */
#include <sqlite3.h>

#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

static int
read_int(struct store *st, enum stmt_id id, uint64_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_stmt_get(st, id, &stmt)) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(stmt, 0);
	else
		rc = store_db_err(st, "data version");
	store_stmt_put(stmt);
	return rc;
}

int
store_sqlite_data_version(struct store *st, uint64_t *out)
{
	uint64_t dv = 0, cv = 0;
	int64_t changes = (int64_t)sqlite3_total_changes64(SQ(st)->db);
	int rc;

	*out = 0;
	if ((rc = read_int(st, ST_DATA_VERSION, &dv)) < 0)
		return rc;
	if (SQ(st)->has_cv && dv == SQ(st)->cv_data_version &&
	    changes == SQ(st)->cv_changes) {
		*out = SQ(st)->cv;
		return 0;
	}
	if ((rc = read_int(st, ST_CONTENT_VERSION, &cv)) < 0)
		return rc;
	SQ(st)->has_cv = true;
	SQ(st)->cv = cv;
	SQ(st)->cv_data_version = dv;
	SQ(st)->cv_changes = changes;
	*out = cv;
	return 0;
}
