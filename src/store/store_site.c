/*
 * store_site: queries for the public site that the core store does not
 * need. store_data_version is PRAGMA data_version: it changes when another
 * connection commits, which is exactly "the pages are stale" for a web
 * node whose own connections only read.
 */
#include <sqlite3.h>

#include "core/err.h"
#include "store/store_int.h"
#include "core/banned.h"

int
store_data_version(struct store *st, uint64_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	*out = 0;
	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &stmt,
	    NULL) != SQLITE_OK)
		return store_db_err(st, "data version");
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(stmt, 0);
	else
		rc = store_db_err(st, "data version");
	sqlite3_finalize(stmt);
	return rc;
}
