/*
 * sqlite_changes: what changed since a cursor, for the page caches of web
 * nodes (store.h, "what changed since a cursor"; migration 6).
 *
 * The write path stays as it was for new items, the bulk of an ingest:
 * they are found by id (INTEGER PRIMARY KEY: a new row's id is above every
 * id committed before, and commits are serial, so "id > cursor" in a later
 * snapshot is exactly what was inserted since). Updates, deletions, photos
 * and changes every page shows are rare, and triggers log them. The id of
 * a deleted newest item is given again to the next new row, below the
 * cursor: so a logged deletion is followed by a look at its id. The
 * statements are prepared per call: the
 * caller polls only after store_data_version moved.
 */
#include <sqlite3.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

#define LOG_ALL 3                /* kinds in change_log (migration 6) */
#define LOG_ITEM_DELETE 4

#define SQL_MAX_ITEM "SELECT coalesce(max(id), 0) FROM items"
#define SQL_SEQ_RANGE \
	"SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM change_log"
/* An item's section is an editor's (issue 10), else its source's. An
 * item row whose key is "s<id>" also names a section the item left (an
 * editor re-filed it: sqlite_curate.c). */
#define SQL_LOG \
	"SELECT c.seq, c.kind, c.item_id, c.source_id," \
	" coalesce(i.editor_section_id, s.section_id, 0), c.t1, c.t2, c.key" \
	" FROM change_log c LEFT JOIN sources s ON s.id = c.source_id" \
	" LEFT JOIN items i ON i.id = c.item_id AND c.kind = 1" \
	" WHERE c.seq > ?1 ORDER BY c.seq LIMIT ?2"
#define SQL_ITEM_BY_ID \
	"SELECT i.id, i.source_id," \
	" coalesce(i.editor_section_id, s.section_id, 0), i.sort_time" \
	" FROM items i LEFT JOIN sources s ON s.id = i.source_id" \
	" WHERE i.id = ?1"
#define SQL_NEW_ITEMS \
	"SELECT i.id, i.source_id," \
	" coalesce(i.editor_section_id, s.section_id, 0), i.sort_time" \
	" FROM items i LEFT JOIN sources s ON s.id = i.source_id" \
	" WHERE i.id > ?1 ORDER BY i.id LIMIT ?2"

static int
read_pair(struct store *st, const char *sql, int64_t *a, int64_t *b)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, sql)) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*a = sqlite3_column_int64(stmt, 0);
		if (b)
			*b = sqlite3_column_int64(stmt, 1);
	} else {
		rc = store_db_err(st, "read change positions");
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Moves cur to the newest item and log entry: everything before is
 * taken as seen. */
static int
position(struct store *st, struct store_cursor *cur)
{
	int64_t lo = 0;
	int rc;

	if ((rc = read_pair(st, SQL_MAX_ITEM, &cur->item_id, NULL)) < 0 ||
	    (rc = read_pair(st, SQL_SEQ_RANGE, &lo, &cur->seq)) < 0)
		return rc;
	cur->is_set = true;
	return 0;
}

static int
changes(struct store *st, struct arena *a, struct store_cursor *cur,
    size_t max, struct store_change **out, size_t *out_n, bool *out_all)
{
	struct store_change *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt = NULL;
	int64_t lo = 0, hi = 0;
	int64_t *gone = NULL;        /* deleted ids at or below the cursor */
	size_t n_gone = 0, gone_cap = 0;
	int rc, step;

	if ((rc = read_pair(st, SQL_SEQ_RANGE, &lo, &hi)) < 0)
		return rc;
	if (lo > cur->seq + 1 || hi < cur->seq) {
		/* pruned past the cursor, or a different file */
		*out_all = true;
		return position(st, cur);
	}
	if ((rc = store_prep(st, &stmt, SQL_LOG)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, cur->seq);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)max + 1);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(stmt, 1);
		struct store_change *c;

		cur->seq = sqlite3_column_int64(stmt, 0);
		if (kind == LOG_ALL) {
			*out_all = true;
			continue;
		}
		if (n == max) {
			*out_all = true;
			break;
		}
		ARENA_GROW(a, v, n, n + 1, cap);
		c = &v[n++];
		memset(c, 0, sizeof(*c));
		c->kind = kind == LOG_ITEM_DELETE ? STORE_CHANGE_ITEM : kind;
		c->item_id = sqlite3_column_int64(stmt, 2);
		c->source_id = sqlite3_column_int64(stmt, 3);
		c->section_id = sqlite3_column_int64(stmt, 4);
		c->old_time = sqlite3_column_int64(stmt, 5);
		c->time = sqlite3_column_int64(stmt, 6);
		c->photo_key = store_col_text(a, stmt, 7);
		if (c->kind == STORE_CHANGE_ITEM && c->photo_key) {
			long long sec;

			if (c->photo_key[0] == 's' && parse_int(c->photo_key + 1,
			    1, INT64_MAX, &sec) == 0)
				c->old_section_id = sec;
			c->photo_key = NULL;
		}
		if (kind == LOG_ITEM_DELETE && c->item_id <= cur->item_id) {
			ARENA_GROW(a, gone, n_gone, n_gone + 1, gone_cap);
			gone[n_gone++] = c->item_id;
		}
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_err(st, "read change log");
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc < 0 || *out_all)
		goto all;
	/* a deleted id that is back on a new row */
	for (size_t i = 0; i < n_gone && !*out_all; i++) {
		struct store_change *c;

		if ((rc = store_prep(st, &stmt, SQL_ITEM_BY_ID)) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, gone[i]);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			if (n == max) {
				*out_all = true;
			} else {
				ARENA_GROW(a, v, n, n + 1, cap);
				c = &v[n++];
				memset(c, 0, sizeof(*c));
				c->kind = STORE_CHANGE_ITEM;
				c->item_id = gone[i];
				c->source_id = sqlite3_column_int64(stmt, 1);
				c->section_id = sqlite3_column_int64(stmt, 2);
				c->time = c->old_time =
				    sqlite3_column_int64(stmt, 3);
			}
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	if (*out_all)
		goto all;
	if ((rc = store_prep(st, &stmt, SQL_NEW_ITEMS)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, cur->item_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)max + 1);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_change *c;
		int64_t id = sqlite3_column_int64(stmt, 0);

		if (n == max) {
			*out_all = true;
			break;
		}
		if (id > cur->item_id)
			cur->item_id = id;
		ARENA_GROW(a, v, n, n + 1, cap);
		c = &v[n++];
		memset(c, 0, sizeof(*c));
		c->kind = STORE_CHANGE_ITEM;
		c->item_id = id;
		c->source_id = sqlite3_column_int64(stmt, 1);
		c->section_id = sqlite3_column_int64(stmt, 2);
		c->time = c->old_time = sqlite3_column_int64(stmt, 3);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_err(st, "read new items");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	if (!*out_all) {
		*out = v;
		*out_n = n;
		return 0;
	}
all:
	if (rc < 0)
		return rc;
	return position(st, cur);
}

int
store_sqlite_changes_since(struct store *st, struct arena *a,
    struct store_cursor *cur, size_t max, struct store_change **out,
    size_t *out_n, bool *out_all)
{
	bool is_tx = SQ(st)->tx_depth == 0;
	int rc;

	*out = NULL;
	*out_n = 0;
	*out_all = false;
	/* one snapshot for the log and the items (a deferred BEGIN takes
	 * no write lock, so it works on a read-only handle) */
	if (is_tx && sqlite3_exec(SQ(st)->db, "BEGIN", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return store_db_err(st, "begin change read");
	if (!cur->is_set) {
		*out_all = true;
		rc = position(st, cur);
	} else {
		rc = changes(st, a, cur, max, out, out_n, out_all);
	}
	if (*out_all) {
		*out = NULL;
		*out_n = 0;
	}
	if (is_tx)
		sqlite3_exec(SQ(st)->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
