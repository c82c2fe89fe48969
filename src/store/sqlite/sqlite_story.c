/*
 * store_story: stories and item-to-story assignments (migration 8). The
 * clusterer (analyze/, through ingest) says where each item goes; editors'
 * decisions lock items (story_items.is_locked) and merged stories point at
 * the story that absorbed them (merged_into), so an assignment from the
 * clusterer can neither move an item an editor placed nor revive a
 * merged story. Statements are prepared per call: these run once per
 * ingest batch or command, not per row of a hot path.
 */
#include <sqlite3.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

#define STORY_ITEMS_MAX 1000

/* The story an assignment to id lands in: merged_into followed (a chain is
 * at most as long as the merges made; capped against cycles). */
static int
resolve(struct store *st, sqlite3_stmt *get, int64_t id, int64_t *out)
{
	for (int hop = 0; hop < 64; hop++) {
		int step;
		int64_t next;

		sqlite3_bind_int64(get, 1, id);
		step = sqlite3_step(get);
		if (step == SQLITE_DONE) {
			sqlite3_reset(get);
			break;
		}
		if (step != SQLITE_ROW) {
			sqlite3_reset(get);
			return store_db_err(st, "find story");
		}
		next = sqlite3_column_int64(get, 0);
		sqlite3_reset(get);
		if (!next)
			break;
		id = next;
	}
	*out = id;
	return 0;
}

int
store_sqlite_story_assign(struct store *st, const struct story_assign *as,
    size_t n, int64_t close_before)
{
	sqlite3_stmt *merged = NULL, *story = NULL, *widen = NULL, *item = NULL,
	    *put = NULL, *close_q = NULL, *dequeue = NULL;
	bool in_tx = false;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	in_tx = true;
	if ((rc = store_prep(st, &merged, "SELECT merged_into FROM stories "
	    "WHERE id = ?1")) < 0 ||
	    (rc = store_prep(st, &story, "INSERT OR IGNORE INTO stories "
	    "(id, title, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)")) < 0 ||
	    (rc = store_prep(st, &widen, "UPDATE stories SET "
	    "first_seen = min(first_seen, ?2), last_seen = max(last_seen, ?2), "
	    "status = 1 WHERE id = ?1 AND (first_seen > ?2 OR last_seen < ?2 "
	    "OR status != 1)")) < 0 ||
	    (rc = store_prep(st, &item, "SELECT id FROM items "
	    "WHERE source_id = ?1 AND dedup_key = ?2")) < 0 ||
	    (rc = store_prep(st, &put, "INSERT INTO story_items "
	    "(item_id, story_id, similarity) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (item_id) DO UPDATE SET story_id = excluded.story_id, "
	    "similarity = excluded.similarity "
	    "WHERE story_items.is_locked = 0 "
	    "AND story_items.story_id != excluded.story_id")) < 0 ||
	    (rc = store_prep(st, &close_q, "UPDATE stories SET status = 2 "
	    "WHERE status = 1 AND is_pinned = 0 AND last_seen < ?1")) < 0 ||
	    (rc = store_prep(st, &dequeue, "DELETE FROM story_pending "
	    "WHERE item_id = ?1")) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct story_assign *x = &as[i];
		int64_t item_id, sid = 0;
		int step;

		sqlite3_bind_int64(item, 1, x->source_id);
		store_bind_text(item, 2, x->dedup_key);
		step = sqlite3_step(item);
		item_id = step == SQLITE_ROW ? sqlite3_column_int64(item, 0) : 0;
		sqlite3_reset(item);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = store_db_err(st, "find item");
			goto out;
		}
		if (!item_id)
			continue;
		if ((rc = resolve(st, merged, x->story_id, &sid)) < 0)
			goto out;
		sqlite3_bind_int64(story, 1, sid);
		store_bind_text(story, 2, x->title ? x->title : "");
		sqlite3_bind_int64(story, 3, x->time);
		if ((rc = store_step_reset(st, story, "insert story")) < 0)
			goto out;
		sqlite3_bind_int64(widen, 1, sid);
		sqlite3_bind_int64(widen, 2, x->time);
		if ((rc = store_step_reset(st, widen, "update story")) < 0)
			goto out;
		sqlite3_bind_int64(put, 1, item_id);
		sqlite3_bind_int64(put, 2, sid);
		sqlite3_bind_double(put, 3, x->similarity);
		if ((rc = store_step_reset(st, put, "assign item")) < 0)
			goto out;
		sqlite3_bind_int64(dequeue, 1, item_id);
		if ((rc = store_step_reset(st, dequeue, "dequeue item")) < 0)
			goto out;
	}
	if (close_before > 0) {
		sqlite3_bind_int64(close_q, 1, close_before);
		if ((rc = store_step_reset(st, close_q,
		    "close quiet stories")) < 0)
			goto out;
	}
	in_tx = false;
	rc = store_sqlite_commit(st);
out:
	sqlite3_finalize(merged);
	sqlite3_finalize(story);
	sqlite3_finalize(widen);
	sqlite3_finalize(item);
	sqlite3_finalize(put);
	sqlite3_finalize(close_q);
	sqlite3_finalize(dequeue);
	if (in_tx)
		store_sqlite_rollback(st);
	return rc;
}

/* The member columns, in the order members() reads them; ?9 is
 * STORE_STORY_MEMBER_TEXT (bound by members()): a feed's summary or
 * content may be a megabyte, and a window holds thousands of items. */
#define MEMBER_COLS                                                            \
	"i.id, coalesce(si.story_id, 0), coalesce(si.is_locked, 0), "          \
	"i.sort_time, coalesce(s.title, s.url), i.language, i.title, "         \
	"substr(i.summary, 1, ?9), substr(i.content, 1, ?9), "                 \
	"i.source_id, i.dedup_key, i.image_url "

/* Runs stmt (bound) and reads its rows as members into a. */
static int
members(struct store *st, struct arena *a, sqlite3_stmt *stmt,
    struct story_member **out, size_t *out_n)
{
	struct story_member *v = NULL;
	size_t n = 0, cap = 0;
	int step;

	sqlite3_bind_int64(stmt, 9, STORE_STORY_MEMBER_TEXT);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct story_member *m;

		ARENA_GROW(a, v, n, n + 1, cap);
		m = &v[n++];
		m->item_id = sqlite3_column_int64(stmt, 0);
		m->story_id = sqlite3_column_int64(stmt, 1);
		m->is_locked = sqlite3_column_int(stmt, 2) != 0;
		m->time = sqlite3_column_int64(stmt, 3);
		m->source = store_col_text(a, stmt, 4);
		m->language = store_col_text(a, stmt, 5);
		m->title = store_col_text(a, stmt, 6);
		m->summary = store_col_text(a, stmt, 7);
		m->content = store_col_text(a, stmt, 8);
		m->source_id = sqlite3_column_int64(stmt, 9);
		m->dedup_key = store_col_text(a, stmt, 10);
		m->image_url = store_col_text(a, stmt, 11);
	}
	if (step != SQLITE_DONE)
		return store_db_err(st, "read story members");
	*out = v;
	*out_n = n;
	return 0;
}

int
store_sqlite_story_window(struct store *st, struct arena *a, int64_t since,
    size_t max, struct story_member **out, size_t *out_n, int64_t *out_next_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	*out = NULL;
	*out_n = 0;
	*out_next_id = 1;
	if ((rc = store_prep(st, &stmt, "SELECT coalesce(max(id), 0) + 1 "
	    "FROM stories")) < 0)
		goto out;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out_next_id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* The newest max, then oldest first; an item waiting to be
	 * clustered again (its headline changed) is clustered then, not
	 * replayed as it was. */
	if ((rc = store_prep(st, &stmt, "SELECT * FROM (SELECT " MEMBER_COLS
	    "FROM story_items si "
	    "JOIN items i ON i.id = si.item_id "
	    "JOIN sources s ON s.id = i.source_id "
	    "WHERE i.sort_time >= ?1 AND NOT EXISTS (SELECT 1 FROM "
	    "story_pending p WHERE p.item_id = i.id) "
	    "ORDER BY i.sort_time DESC, i.id DESC "
	    "LIMIT ?2) ORDER BY 4, 1")) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)max);
	rc = members(st, a, stmt, out, out_n);
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_story_pending(struct store *st, struct arena *a, size_t max,
    struct story_member **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = NULL;
	*out_n = 0;
	/* Oldest first, ties by source and key: an order of the items
	 * alone, not of when or in which batch they were stored. */
	if ((rc = store_prep(st, &stmt, "SELECT " MEMBER_COLS
	    "FROM story_pending p "
	    "JOIN items i ON i.id = p.item_id "
	    "JOIN sources s ON s.id = i.source_id "
	    "LEFT JOIN story_items si ON si.item_id = i.id "
	    "ORDER BY i.sort_time, i.source_id, i.dedup_key LIMIT ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)max);
	rc = members(st, a, stmt, out, out_n);
	sqlite3_finalize(stmt);
	return rc;
}

/* Columns of a story with its counts; ?9 is "now" for the recent count.
 * The counts are of what a reader can see: an item an editor hid, or one
 * held off the beat for review (both is_hidden), is not counted. */
#define STORY_COLS                                                             \
	"st.id, st.title, st.editor_title, st.first_seen, st.last_seen, "      \
	"st.status, st.is_pinned, coalesce(st.merged_into, 0), "               \
	"(SELECT count(*) FROM story_items x JOIN items i ON i.id = x.item_id" \
	" WHERE x.story_id = st.id AND i.is_hidden = 0), "                     \
	"(SELECT count(DISTINCT i.source_id) FROM story_items x "              \
	" JOIN items i ON i.id = x.item_id WHERE x.story_id = st.id"           \
	" AND i.is_hidden = 0), "                                              \
	"(SELECT count(*) FROM story_items x JOIN items i ON i.id = x.item_id" \
	" WHERE x.story_id = st.id AND i.is_hidden = 0"                        \
	" AND i.sort_time >= st.last_seen - 21600) "

static void
story_from_row(struct arena *a, sqlite3_stmt *stmt, struct story *s)
{
	s->id = sqlite3_column_int64(stmt, 0);
	s->title = store_col_text(a, stmt, 1);
	s->editor_title = store_col_text(a, stmt, 2);
	s->first_seen = sqlite3_column_int64(stmt, 3);
	s->last_seen = sqlite3_column_int64(stmt, 4);
	s->status = sqlite3_column_int(stmt, 5);
	s->is_pinned = sqlite3_column_int(stmt, 6) != 0;
	s->merged_into = sqlite3_column_int64(stmt, 7);
	s->n_items = (size_t)sqlite3_column_int64(stmt, 8);
	s->n_outlets = (size_t)sqlite3_column_int64(stmt, 9);
	s->n_recent = (size_t)sqlite3_column_int64(stmt, 10);
	s->score = 0;
}

int
store_sqlite_story_list(struct store *st, struct arena *a,
    const struct store_story_query *q, int64_t now, struct story **out,
    size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct story *v;
	size_t n = 0;
	int rc = 0, step;

	(void)now;
	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT " STORY_COLS "FROM stories st "
	    "WHERE st.merged_into IS NULL AND (?1 = 0 OR st.status = 1) "
	    "AND st.last_seen >= ?2 AND EXISTS (SELECT 1 FROM story_items x "
	    "JOIN items i ON i.id = x.item_id WHERE x.story_id = st.id "
	    "AND i.is_hidden = 0) "
	    "ORDER BY st.is_pinned DESC, st.last_seen DESC LIMIT ?3")) < 0)
		return rc;
	sqlite3_bind_int(stmt, 1, q->is_open_only);
	sqlite3_bind_int64(stmt, 2, q->since);
	sqlite3_bind_int(stmt, 3, STORE_STORY_WINDOW);
	v = arena_zalloc(a, STORE_STORY_WINDOW * sizeof(*v));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && n < STORE_STORY_WINDOW)
		story_from_row(a, stmt, &v[n++]);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		rc = store_db_err(st, "list stories");
	else {
		*out = v;
		*out_n = n;
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_story_get(struct store *st, struct arena *a, int64_t id,
    struct story **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, "SELECT " STORY_COLS "FROM stories st "
	    "WHERE st.id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out = arena_zalloc(a, sizeof(**out));
		story_from_row(a, stmt, *out);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no story %lld", (long long)id);
	} else {
		rc = store_db_err(st, "get story");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_story_items(struct store *st, struct arena *a, int64_t id,
    struct item **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct item *v;
	size_t n = 0;
	int rc = 0, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT " ITEM_COLS ", i.sort_time "
	    "FROM story_items x JOIN items i ON i.id = x.item_id "
	    "JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE x.story_id = ?1 AND i.is_hidden = 0 "
	    "ORDER BY i.sort_time, i.id LIMIT ?2")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, STORY_ITEMS_MAX);
	v = arena_zalloc(a, STORY_ITEMS_MAX * sizeof(*v));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && n < STORY_ITEMS_MAX) {
		store_item_from_row(a, stmt, 0, &v[n]);
		v[n].sort_time = sqlite3_column_int64(stmt, ITEM_NCOLS);
		n++;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		rc = store_db_err(st, "list story items");
	else {
		*out = v;
		*out_n = n;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Runs sql with ?1 = a, ?2 = b (ignored when the SQL has fewer). */
static int
run2(struct store *st, const char *sql, int64_t a, int64_t b,
    const char *what, int *out_changes)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, sql)) < 0)
		return rc;
	if (sqlite3_bind_parameter_count(stmt) >= 1)
		sqlite3_bind_int64(stmt, 1, a);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sqlite3_bind_int64(stmt, 2, b);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, what);
	if (out_changes)
		*out_changes = sqlite3_changes(SQ(st)->db);
	sqlite3_finalize(stmt);
	return rc;
}

static int
story_exists(struct store *st, int64_t id)
{
	int changes = 0, rc;

	/* A no-op update counts the row without reading it into memory. */
	if ((rc = run2(st, "UPDATE stories SET id = id WHERE id = ?1 AND "
	    "merged_into IS NULL", id, 0, "find story", &changes)) < 0)
		return rc;
	return changes ? 0 : err_set(ND_ENOTFOUND, "store: no story %lld",
	    (long long)id);
}

static int
edit(struct store *st, const struct store_story_edit *e, int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	int64_t id = e->id, from = 0;
	int changes = 0, rc;

	switch (e->op) {
	case STORE_STORY_MERGE:
		if ((rc = story_exists(st, e->id)) < 0 ||
		    (rc = story_exists(st, e->other)) < 0)
			return rc;
		if ((rc = run2(st, "UPDATE story_items SET story_id = ?2, "
		    "is_locked = 1 WHERE story_id = ?1", e->id, e->other,
		    "merge story", NULL)) < 0 ||
		    (rc = run2(st, "UPDATE stories SET first_seen = min(first_seen,"
		    " (SELECT first_seen FROM stories WHERE id = ?1)), last_seen = "
		    "max(last_seen, (SELECT last_seen FROM stories WHERE id = ?1)), "
		    "status = 1 WHERE id = ?2", e->id, e->other, "merge story",
		    NULL)) < 0 ||
		    (rc = run2(st, "UPDATE stories SET merged_into = ?2, status = 2,"
		    " is_pinned = 0 WHERE id = ?1", e->id, e->other,
		    "merge story", NULL)) < 0)
			return rc;
		id = e->other;
		break;
	case STORE_STORY_SPLIT:
		if ((rc = store_prep(st, &stmt, "SELECT si.story_id, i.sort_time, "
		    "i.title FROM story_items si JOIN items i ON i.id = si.item_id "
		    "WHERE si.item_id = ?1")) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, e->item_id);
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			sqlite3_finalize(stmt);
			return err_set(ND_ENOTFOUND, "store: item %lld is in no "
			    "story", (long long)e->item_id);
		}
		from = sqlite3_column_int64(stmt, 0);
		{
			sqlite3_stmt *ins = NULL;

			if ((rc = store_prep(st, &ins, "INSERT INTO stories (id, title, "
			    "first_seen, last_seen) SELECT coalesce(max(id), 0) + 1,"
			    " coalesce(?2, ''), ?1, ?1 FROM stories")) < 0) {
				sqlite3_finalize(stmt);
				return rc;
			}
			sqlite3_bind_int64(ins, 1, sqlite3_column_int64(stmt, 1));
			sqlite3_bind_value(ins, 2, sqlite3_column_value(stmt, 2));
			rc = sqlite3_step(ins) == SQLITE_DONE ? 0 :
			    store_db_err(st, "split story");
			sqlite3_finalize(ins);
			sqlite3_finalize(stmt);
			if (rc < 0)
				return rc;
		}
		id = sqlite3_last_insert_rowid(SQ(st)->db);
		if ((rc = run2(st, "UPDATE story_items SET story_id = ?2, "
		    "is_locked = 1 WHERE item_id = ?1", e->item_id, id,
		    "split story", NULL)) < 0)
			return rc;
		(void)from;
		break;
	case STORE_STORY_PIN:
	case STORE_STORY_UNPIN:
		if ((rc = run2(st, "UPDATE stories SET is_pinned = ?2 "
		    "WHERE id = ?1 AND merged_into IS NULL", e->id,
		    e->op == STORE_STORY_PIN, "pin story", &changes)) < 0)
			return rc;
		if (!changes)
			return err_set(ND_ENOTFOUND, "store: no story %lld",
			    (long long)e->id);
		break;
	case STORE_STORY_RETITLE:
		if ((rc = story_exists(st, e->id)) < 0 ||
		    (rc = store_prep(st, &stmt, "UPDATE stories SET editor_title = "
		    "nullif(?2, '') WHERE id = ?1")) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, e->id);
		store_bind_text(stmt, 2, e->title);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 :
		    store_db_err(st, "retitle story");
		sqlite3_finalize(stmt);
		if (rc < 0)
			return rc;
		break;
	default:
		return err_set(ND_EINVAL, "store: unknown story edit %d", e->op);
	}
	if (out_id)
		*out_id = id;
	return 0;
}

int
store_sqlite_story_edit(struct store *st, const struct store_story_edit *e,
    int64_t *out_id)
{
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = edit(st, e, out_id)) < 0) {
		store_sqlite_rollback(st);
		return rc;
	}
	return store_sqlite_commit(st);
}
