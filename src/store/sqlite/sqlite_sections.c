/*
 * sqlite_sections: the desk's rules (desk_rules), the training labels the
 * section classifier and the beat's profile learn from (editors' filings,
 * kept and hidden items), ingest's decisions per item (an automatic
 * section, a relevance score, held for review) and the review list
 * (issue 9). An automatic section lives in items.editor_section_id with
 * section_auto = 1, so every list and page that shows an editor's filing
 * shows it the same way; an editor's filing clears the mark and ingest
 * never writes over it. An item held for review is hidden (off every
 * public page and the search index) with review = 1 until an editor
 * keeps it (shown again, review = 2) or hides it (review = 3).
 *
 * Partial indexes (the migration) keep these reads off the whole table:
 * items_desk_filed (the editors' filings among many automatic ones) and
 * items_review, whose "review IN (1, 2, 3)" each query repeats so SQLite
 * sees it may use it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

int
store_sqlite_rule_add(struct store *st, int64_t section_id, int kind,
    const char *value, int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	if (section_id) {
		if ((rc = store_prep(st, &stmt, "SELECT 1 FROM sections "
		    "WHERE id = ?1")) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, section_id);
		rc = sqlite3_step(stmt) == SQLITE_ROW ? 0 :
		    err_set(ND_ENOTFOUND, "store: no section %lld",
		    (long long)section_id);
		sqlite3_finalize(stmt);
		if (rc < 0)
			return rc;
	}
	if ((rc = store_prep(st, &stmt, "INSERT INTO desk_rules "
	    "(section_id, kind, value) VALUES (?1, ?2, ?3)")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, section_id);
	sqlite3_bind_int(stmt, 2, kind);
	store_bind_text(stmt, 3, value);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "add rule");
	else if (out_id)
		*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_rule_remove(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "DELETE FROM desk_rules WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "remove rule");
	else if (sqlite3_changes(SQ(st)->db) == 0)
		rc = err_set(ND_ENOTFOUND, "store: no rule %lld",
		    (long long)id);
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_rule_list(struct store *st, struct arena *a,
    struct store_rule **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct store_rule *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT id, section_id, kind, value "
	    "FROM desk_rules ORDER BY section_id, kind, value LIMIT 100000")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		v[n].id = sqlite3_column_int64(stmt, 0);
		v[n].section_id = sqlite3_column_int64(stmt, 1);
		v[n].kind = sqlite3_column_int(stmt, 2);
		v[n].value = store_col_text(a, stmt, 3);
		if (!v[n].value)
			v[n].value = "";
		n++;
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list rules");
	sqlite3_finalize(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_labels(struct store *st, struct arena *a, size_t max,
    struct store_label **out, size_t *out_n)
{
	/* one query per kind, each the newest max through its partial index */
	static const char *const sql[3] = {
		"SELECT editor_section_id, title, summary, content FROM items "
		"INDEXED BY items_desk_filed "
		"WHERE editor_section_id IS NOT NULL AND section_auto = 0 "
		"ORDER BY sort_time DESC LIMIT ?1",
		"SELECT 0, title, summary, content FROM items "
		"WHERE review IN (1, 2, 3) AND review = 2 "
		"ORDER BY sort_time DESC LIMIT ?1",
		"SELECT 0, title, summary, content FROM items "
		"WHERE is_hidden = 1 AND review != 1 "
		"ORDER BY sort_time DESC LIMIT ?1",
	};
	struct store_label *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, step = SQLITE_DONE;

	*out = NULL;
	*out_n = 0;
	for (int k = 0; k < 3 && rc == 0; k++) {
		sqlite3_stmt *stmt = NULL;

		if ((rc = store_prep(st, &stmt, sql[k])) < 0)
			break;
		sqlite3_bind_int64(stmt, 1, (int64_t)max);
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
			ARENA_GROW(a, v, n, n + 1, cap);
			v[n].label = k;
			v[n].section_id = sqlite3_column_int64(stmt, 0);
			v[n].title = store_col_text(a, stmt, 1);
			v[n].summary = store_col_text(a, stmt, 2);
			v[n].content = store_col_text(a, stmt, 3);
			n++;
		}
		if (step != SQLITE_DONE)
			rc = store_db_err(st, "read labels");
		sqlite3_finalize(stmt);
	}
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_labels_version(struct store *st, uint64_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = 0;
	if ((rc = store_prep(st, &stmt, "SELECT "
	    "(SELECT count(*) * 1000003 + total(id * 31 + editor_section_id) "
	    " FROM items INDEXED BY items_desk_filed "
	    " WHERE editor_section_id IS NOT NULL AND section_auto = 0), "
	    "(SELECT count(*) * 7919 + total(id * 3 + review) FROM items "
	    " WHERE review IN (1, 2, 3) AND review IN (2, 3)), "
	    "(SELECT count(*) * 104729 + total(id) FROM items "
	    " WHERE is_hidden = 1 AND review != 1), "
	    "(SELECT count(*) * 65537 + total(id * 5 + kind) FROM desk_rules)")) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		for (int i = 0; i < 4; i++)
			*out = *out * 0x100000001B3ULL ^
			    (uint64_t)sqlite3_column_double(stmt, i);
	} else {
		rc = store_db_err(st, "read labels version");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_items_classify(struct store *st,
    const struct store_item_class *v, size_t n)
{
	sqlite3_stmt *find = NULL, *sec = NULL, *rel = NULL, *hold = NULL,
	    *unindex = NULL;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &find, "SELECT id, review, is_hidden FROM items "
	    "WHERE source_id = ?1 AND dedup_key = ?2")) < 0 ||
	    /* an automatic section moves with the text; an editor's stays */
	    (rc = store_prep(st, &sec, "UPDATE items SET editor_section_id = "
	    "nullif(?2, 0), section_auto = (?2 != 0) WHERE id = ?1 "
	    "AND (editor_section_id IS NULL OR section_auto = 1) "
	    "AND editor_section_id IS NOT nullif(?2, 0)")) < 0 ||
	    (rc = store_prep(st, &rel, "UPDATE items SET relevance = ?2, "
	    "review = CASE WHEN review = 0 THEN 4 ELSE review END "
	    "WHERE id = ?1 AND (review = 0 OR relevance IS NOT ?2)")) < 0 ||
	    (rc = store_prep(st, &hold, "UPDATE items SET relevance = ?2, "
	    "review = 1, is_hidden = 1 WHERE id = ?1")) < 0 ||
	    (rc = store_prep(st, &unindex, "DELETE FROM item_fts WHERE rowid = ?1")) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int64_t id;
		int review, hidden;

		sqlite3_reset(find);
		sqlite3_bind_int64(find, 1, v[i].source_id);
		store_bind_text(find, 2, v[i].dedup_key);
		if (sqlite3_step(find) != SQLITE_ROW)
			continue;
		id = sqlite3_column_int64(find, 0);
		review = sqlite3_column_int(find, 1);
		hidden = sqlite3_column_int(find, 2);
		sqlite3_reset(find);
		sqlite3_reset(sec);
		sqlite3_bind_int64(sec, 1, id);
		sqlite3_bind_int64(sec, 2, v[i].section_id);
		if (sqlite3_step(sec) != SQLITE_DONE) {
			rc = store_db_err(st, "file item");
			break;
		}
		/* only a first look holds an item back: an editor's verdict,
		 * or an item already shown, stays */
		if (v[i].is_review && review == 0 && !hidden) {
			sqlite3_reset(hold);
			sqlite3_bind_int64(hold, 1, id);
			sqlite3_bind_double(hold, 2, v[i].relevance);
			sqlite3_reset(unindex);
			sqlite3_bind_int64(unindex, 1, id);
			if (sqlite3_step(hold) != SQLITE_DONE ||
			    sqlite3_step(unindex) != SQLITE_DONE)
				rc = store_db_err(st, "hold item for review");
		} else {
			sqlite3_reset(rel);
			sqlite3_bind_int64(rel, 1, id);
			sqlite3_bind_double(rel, 2, v[i].relevance);
			if (sqlite3_step(rel) != SQLITE_DONE)
				rc = store_db_err(st, "score item");
		}
	}
out:
	sqlite3_finalize(find);
	sqlite3_finalize(sec);
	sqlite3_finalize(rel);
	sqlite3_finalize(hold);
	sqlite3_finalize(unindex);
	if (rc < 0) {
		store_sqlite_rollback(st);
		return rc;
	}
	return store_sqlite_commit(st);
}

int
store_sqlite_review_list(struct store *st, struct arena *a, size_t max,
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
	    "WHERE i.review IN (1, 2, 3) AND i.review = 1 "
	    "ORDER BY i.sort_time DESC, i.id DESC "
	    "LIMIT ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (int64_t)max);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		memset(&v[n], 0, sizeof(v[n]));
		store_item_from_row(a, stmt, 0, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list items for review");
	sqlite3_finalize(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_review_decide(struct store *st, int64_t id, bool keep)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, keep ?
	    "UPDATE items SET review = 2, is_hidden = 0 WHERE id = ?1" :
	    "UPDATE items SET review = 3, is_hidden = 1 WHERE id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = store_db_err(st, "decide review");
		goto fail;
	}
	if (sqlite3_changes(SQ(st)->db) == 0) {
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)id);
		goto fail;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (keep)
		rc = store_sqlite_item_reindex(st, id);
	else if ((rc = store_prep(st, &stmt, "DELETE FROM item_fts "
	    "WHERE rowid = ?1")) == 0) {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_db_err(st, "unindex item");
	}
	if (rc < 0)
		goto fail;
	sqlite3_finalize(stmt);
	return store_sqlite_commit(st);
fail:
	sqlite3_finalize(stmt);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_items_dups(struct store *st, const struct store_item_dup *v,
    size_t n)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* the copy points at the root of the first copy's group; never at
	 * itself; unchanged rows are not written */
	if ((rc = store_prep(st, &stmt, "UPDATE items SET dup_of = "
	    "(SELECT coalesce(f.dup_of, f.id) FROM items f "
	    " WHERE f.source_id = ?3 AND f.dedup_key = ?4) "
	    "WHERE source_id = ?1 AND dedup_key = ?2 AND "
	    "(SELECT coalesce(f.dup_of, f.id) FROM items f "
	    " WHERE f.source_id = ?3 AND f.dedup_key = ?4) NOT IN (id) AND "
	    "dup_of IS NOT (SELECT coalesce(f.dup_of, f.id) FROM items f "
	    " WHERE f.source_id = ?3 AND f.dedup_key = ?4)")) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, v[i].source_id);
		store_bind_text(stmt, 2, v[i].dedup_key);
		sqlite3_bind_int64(stmt, 3, v[i].of_source_id);
		store_bind_text(stmt, 4, v[i].of_dedup_key);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_db_err(st, "mark near-duplicate");
	}
out:
	sqlite3_finalize(stmt);
	if (rc < 0) {
		store_sqlite_rollback(st);
		return rc;
	}
	return store_sqlite_commit(st);
}

int
store_sqlite_item_copies(struct store *st, struct arena *a, int64_t id,
    size_t max, struct item **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct item *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "WITH root(r) AS (SELECT coalesce(dup_of, id) "
	    "FROM items WHERE id = ?1) "
	    "SELECT " ITEM_COLS " FROM items i "
	    "JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE i.id IN (SELECT r FROM root UNION ALL "
	    " SELECT x.id FROM items x WHERE x.dup_of = (SELECT r FROM root)) "
	    "AND i.id != ?1 AND i.is_hidden = 0 "
	    "ORDER BY i.sort_time, i.id LIMIT ?2")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (int64_t)max);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		memset(&v[n], 0, sizeof(v[n]));
		store_item_from_row(a, stmt, 0, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list copies");
	sqlite3_finalize(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}
