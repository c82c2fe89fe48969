/*
 * sqlite_curate: an editor's decisions on what is gathered (issue 10):
 * pin, hide, retitle, re-file an item; the same on stories through
 * store_story_edit. Every decision is an UPDATE of the item row, whose
 * trigger writes the change log (migration 6), so the page caches of
 * every web node drop exactly the pages that show the item; re-filing
 * also logs the section the item left (in the log's key column as
 * "s<id>", read by sqlite_changes.c), and a story edit logs the items of
 * the stories it touched. A hidden item leaves the search index and
 * comes back into it when shown again.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

/* One statement with ?1 = a, ?2 = b (b_text when not NULL). */
static int
exec2(struct store *st, const char *sql, int64_t a, int64_t b,
    const char *b_text, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, sql)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, a);
	if (b_text)
		store_bind_text(stmt, 2, b_text);
	else
		sqlite3_bind_int64(stmt, 2, b);
	return store_step_final(st, stmt, what);
}

int
store_sqlite_item_edit(struct store *st, const struct store_item_edit *e)
{
	sqlite3_stmt *stmt = NULL;
	int64_t old_section = 0, source_id = 0, sort_time = 0;
	bool is_hidden = false;
	int rc, step;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "SELECT i.is_hidden, i.source_id, "
	    "i.sort_time, coalesce(i.editor_section_id, s.section_id, 0) "
	    "FROM items i JOIN sources s ON s.id = i.source_id "
	    "WHERE i.id = ?1")) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, e->id);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		is_hidden = sqlite3_column_int(stmt, 0) != 0;
		source_id = sqlite3_column_int64(stmt, 1);
		sort_time = sqlite3_column_int64(stmt, 2);
		old_section = sqlite3_column_int64(stmt, 3);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)e->id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = store_db_err(st, "read item");
		goto out;
	}
	switch (e->op) {
	case STORE_ITEM_PIN:
	case STORE_ITEM_UNPIN:
		rc = exec2(st, "UPDATE items SET pinned_at = ?2 WHERE id = ?1",
		    e->id, e->op == STORE_ITEM_PIN ? (e->now > 0 ? e->now : 1) :
		    0, NULL, "pin item");
		break;
	case STORE_ITEM_HIDE:
		if ((rc = exec2(st, "UPDATE items SET is_hidden = 1, "
		    "review = CASE WHEN review = 1 THEN 3 ELSE review END "
		    "WHERE id = ?1 AND ?2 = ?2", e->id, 0, NULL,
		    "hide item")) == 0)
			rc = exec2(st, "DELETE FROM item_fts WHERE rowid = ?1 "
			    "AND ?2 = ?2", e->id, 0, NULL, "unindex item");
		break;
	case STORE_ITEM_UNHIDE:
		if ((rc = exec2(st, "UPDATE items SET is_hidden = 0, "
		    "review = CASE WHEN review = 1 THEN 2 ELSE review END "
		    "WHERE id = ?1 AND ?2 = ?2", e->id, 0, NULL,
		    "show item")) == 0 && is_hidden)
			rc = store_sqlite_item_reindex(st, e->id);
		break;
	case STORE_ITEM_RETITLE:
		rc = exec2(st, "UPDATE items SET editor_title = "
		    "nullif(?2, '') WHERE id = ?1", e->id, 0,
		    e->title ? e->title : "", "retitle item");
		break;
	case STORE_ITEM_SECTION:
		if (e->section_id) {
			if ((rc = store_prep(st, &stmt, "SELECT 1 FROM sections "
			    "WHERE id = ?1")) < 0)
				break;
			sqlite3_bind_int64(stmt, 1, e->section_id);
			step = sqlite3_step(stmt);
			sqlite3_finalize(stmt);
			stmt = NULL;
			if (step != SQLITE_ROW) {
				rc = err_set(ND_ENOTFOUND, "store: no section "
				    "%lld", (long long)e->section_id);
				break;
			}
		}
		if ((rc = exec2(st, "UPDATE items SET editor_section_id = "
		    "nullif(?2, 0), section_auto = 0 WHERE id = ?1", e->id, e->section_id, NULL,
		    "file item")) < 0)
			break;
		/* the section it left, for the caches (sqlite_changes.c) */
		if (old_section && old_section != e->section_id) {
			char key[32];

			snprintf(key, sizeof(key), "s%lld",
			    (long long)old_section);
			if ((rc = store_prep(st, &stmt, "INSERT INTO change_log "
			    "(kind, item_id, source_id, t1, t2, key) "
			    "VALUES (1, ?1, ?2, ?3, ?3, ?4)")) < 0)
				break;
			sqlite3_bind_int64(stmt, 1, e->id);
			sqlite3_bind_int64(stmt, 2, source_id);
			sqlite3_bind_int64(stmt, 3, sort_time);
			store_bind_text(stmt, 4, key);
			rc = store_step_final(st, stmt, "log section change");
			stmt = NULL;
		}
		break;
	default:
		rc = err_set(ND_EINVAL, "store: unknown item edit %d", e->op);
	}
	if (rc < 0)
		goto out;
	return store_sqlite_commit(st);
out:
	sqlite3_finalize(stmt);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_item_pinned(struct store *st, struct arena *a, size_t max,
    struct item **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct item *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT " ITEM_COLS " FROM items i "
	    "JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE i.pinned_at > 0 AND i.is_hidden = 0 "
	    "ORDER BY i.pinned_at DESC, i.id DESC LIMIT ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (int64_t)max);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		memset(&v[n], 0, sizeof(v[n]));
		store_item_from_row(a, stmt, 0, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list pinned items");
	sqlite3_finalize(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

/* Logs every item of story id as changed. */
static int
log_story(struct store *st, int64_t id)
{
	if (!id)
		return 0;
	return exec2(st, "INSERT INTO change_log (kind, item_id, source_id, "
	    "t1, t2) SELECT 1, i.id, i.source_id, i.sort_time, i.sort_time "
	    "FROM story_items x JOIN items i ON i.id = x.item_id "
	    "WHERE x.story_id = ?1 AND ?2 = ?2", id, 0, NULL,
	    "log story change");
}

int
store_sqlite_story_curate(struct store *st, const struct store_story_edit *e,
    int64_t *out_id)
{
	int64_t res = 0;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* before: the items that leave (split, merge) are logged where they
	 * were; after: where they are */
	if ((rc = log_story(st, e->id)) < 0 ||
	    (rc = store_sqlite_story_edit(st, e, &res)) < 0 ||
	    (rc = log_story(st, res)) < 0 ||
	    (e->other && (rc = log_story(st, e->other)) < 0))
		goto out;
	if (out_id)
		*out_id = res;
	return store_sqlite_commit(st);
out:
	store_sqlite_rollback(st);
	return rc;
}
