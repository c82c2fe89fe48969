/*
 * sqlite_item: writing items (store_items_put), item lists and full-text
 * search, for the SQLite backend.
 *
 * The dedup policy is ingest's (ingest/policy.c): each item arrives with
 * its dedup key and hashes. (source_id, dedup_key) is UNIQUE, so even a bug
 * there cannot store an entry twice; an equal fields_hash means unchanged
 * (no write at all). docs/internals/store.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/text.h"
#include "core/tz.h"
#include "core/url.h"
#include "core/xmalloc.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

static void
bind_row(sqlite3_stmt *stmt, int64_t source_id, const struct item *r,
    int64_t now)
{
	sqlite3_bind_int64(stmt, 1, source_id);
	store_bind_text(stmt, 2, r->dedup_key);
	store_bind_text(stmt, 3, r->guid);
	store_bind_text(stmt, 4, r->url);
	store_bind_text(stmt, 5, r->canonical_url);
	store_bind_text(stmt, 6, r->title);
	store_bind_text(stmt, 7, r->summary);
	store_bind_text(stmt, 8, r->content);
	store_bind_text(stmt, 9, r->author);
	store_bind_text(stmt, 10, r->language);
	store_bind_text(stmt, 11, r->tags);
	sqlite3_bind_int64(stmt, 12, r->published);
	sqlite3_bind_int64(stmt, 13, r->updated);
	store_bind_text(stmt, 14, r->image_url);
	store_bind_text(stmt, 15, r->image_caption);
	store_bind_text(stmt, 16, r->image_credit);
	store_bind_text(stmt, 17, r->image_thumb);
	sqlite3_bind_blob(stmt, 18, r->content_hash, ITEM_HASH_LEN,
	    SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 19, r->fields_hash, ITEM_HASH_LEN,
	    SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 20, now);
	sqlite3_bind_int(stmt, 23, r->is_title_derived);
}

/* Scratch buffers for the plain text of one item. */
struct fts_text {
	struct buf title, summary, content;
};

/* The meta column of an item (ITEM_FTS_META): "s<source> y<YYYY>
 * m<YYYYMM> d<YYYYMMDD>" of its sort time in UTC; years outside 0-9999
 * get the source token only (SQLite's strftime has none for them). */
static void
fts_meta(char out[64], int64_t source_id, int64_t sort_time)
{
	int64_t y, days = sort_time >= 0 ? sort_time / 86400 :
	    -((-sort_time + 86399) / 86400);
	int m, d;

	tz_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		snprintf(out, 64, "s%lld", (long long)source_id);
	else
		snprintf(out, 64, "s%lld y%04lld m%04lld%02d d%04lld%02d%02d",
		    (long long)source_id, (long long)y, (long long)y, m,
		    (long long)y, m, d);
}

static int
fts_put(struct store *st, struct fts_text *t, int64_t id, const struct item *r,
    int64_t source_id, int64_t sort_time)
{
	sqlite3_stmt *stmt = NULL;
	char meta[64];
	int rc;

	buf_reset(&t->title);
	buf_reset(&t->summary);
	buf_reset(&t->content);
	if (r->title)
		text_strip_html(&t->title, r->title, strlen(r->title));
	if (r->summary)
		text_strip_html(&t->summary, r->summary, strlen(r->summary));
	if (r->content)
		text_strip_html(&t->content, r->content, strlen(r->content));
	/* Stripping never lengthens text, so the caps (set to the input
	 * caps) cannot trip; check anyway rather than index garbage. */
	if ((rc = buf_err(&t->title)) < 0 || (rc = buf_err(&t->summary)) < 0 ||
	    (rc = buf_err(&t->content)) < 0)
		return err_set(rc, "store: item text too long");
	if ((rc = store_stmt_get(st, ST_FTS_INSERT, &stmt)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, t->title.ptr, (int)t->title.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, t->summary.ptr, (int)t->summary.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, t->content.ptr, (int)t->content.len,
	    SQLITE_STATIC);
	fts_meta(meta, source_id, sort_time);
	sqlite3_bind_text(stmt, 5, meta, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "index item");
	store_stmt_put(stmt);
	return rc;
}

static int
fts_delete(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_stmt_get(st, ST_FTS_DELETE, &stmt)) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "unindex item");
	store_stmt_put(stmt);
	return rc;
}

enum put_result { PUT_NEW, PUT_UPDATED, PUT_UNCHANGED };

/* What put_row did with one item, for the index pass. */
struct put_done {
	enum put_result res;
	int64_t id, sort_time;
	bool is_hidden;              /* an editor hid it: not in the index */
};

/* Writes the item row (not its index row: see store_sqlite_items_put). */
static int
put_row(struct store *st, int64_t source_id, const struct item *r,
    int64_t now, struct put_done *out)
{
	sqlite3_stmt *stmt = NULL;
	int64_t id = 0, first_seen = now;
	bool found = false, same = false, same_title = false;
	int rc, step;

	out->res = PUT_UNCHANGED;
	if ((rc = store_stmt_get(st, ST_ITEM_LOOKUP, &stmt)) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, source_id);
	store_bind_text(stmt, 2, r->dedup_key);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		found = true;
		id = sqlite3_column_int64(stmt, 0);
		same = sqlite3_column_bytes(stmt, 1) == ITEM_HASH_LEN &&
		    memcmp(sqlite3_column_blob(stmt, 1), r->fields_hash,
		    ITEM_HASH_LEN) == 0;
		first_seen = sqlite3_column_int64(stmt, 2);
		out->is_hidden = sqlite3_column_int(stmt, 3) != 0;
		{
			const char *t = (const char *)sqlite3_column_text(stmt, 4);

			same_title = (!t && !r->title) ||
			    (t && r->title && strcmp(t, r->title) == 0);
		}
	} else if (step != SQLITE_DONE) {
		rc = store_db_err(st, "look up item");
		goto out;
	}
	store_stmt_put(stmt);
	stmt = NULL;
	if (same)
		goto out;
	if ((rc = store_stmt_get(st, found ? ST_ITEM_UPDATE : ST_ITEM_INSERT,
	    &stmt)) < 0)
		goto out;
	/* The item's own time (ingest's policy), else when first seen. */
	out->sort_time = r->sort_time > 0 ? r->sort_time : first_seen;
	bind_row(stmt, source_id, r, now);
	sqlite3_bind_int64(stmt, 22, out->sort_time);
	if (found)
		sqlite3_bind_int64(stmt, 21, id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = store_db_err(st, found ? "update item" : "insert item");
		goto out;
	}
	out->id = found ? id : sqlite3_last_insert_rowid(SQ(st)->db);
	out->res = found ? PUT_UPDATED : PUT_NEW;
	/* For the clusterer: a new item, or one whose headline changed (it
	 * may belong to another story now); a new summary or photo does not
	 * move an item. */
	if (!same_title) {
		store_stmt_put(stmt);
		stmt = NULL;
		if ((rc = store_stmt_get(st, ST_STORY_PENDING_PUT, &stmt)) < 0)
			goto out;
		sqlite3_bind_int64(stmt, 1, out->id);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_db_err(st, "queue item for stories");
	}
out:
	store_stmt_put(stmt);
	return rc;
}

/*
 * Two passes: first every item row, then every index row. The order is
 * for speed, not meaning: a statement that may abort halfway (the item
 * insert: a foreign key, a trigger) opens a statement savepoint, and a
 * savepoint makes FTS5 flush the terms it holds in memory into a new index
 * segment. Interleaved, that is one segment (and later merges) per item;
 * in two passes the terms of the whole call are flushed once, at commit.
 */
int
store_sqlite_items_put(struct store *st, int64_t source_id,
    const struct item *items, size_t n, struct item_put_stats *stats)
{
	struct fts_text t = { BUF_INIT(ITEM_MAX_TITLE + 16),
		BUF_INIT(ITEM_MAX_SUMMARY + 16), BUF_INIT(ITEM_MAX_CONTENT + 16) };
	struct item_put_stats s = { 0, 0, 0 };
	struct put_done *done = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t now = (int64_t)time(NULL);
	bool in_tx = false;
	int rc, step;

	if ((rc = store_sqlite_begin(st)) < 0)
		goto out;
	in_tx = true;
	if ((rc = store_stmt_get(st, ST_SOURCE_EXISTS, &stmt)) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, source_id);
	step = sqlite3_step(stmt);
	store_stmt_put(stmt);
	if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no source %lld",
		    (long long)source_id);
		goto out;
	} else if (step != SQLITE_ROW) {
		rc = store_db_err(st, "find source");
		goto out;
	}
	done = xcalloc(n ? n : 1, sizeof(*done));
	for (size_t i = 0; i < n; i++)
		if ((rc = put_row(st, source_id, &items[i], now, &done[i])) < 0)
			goto out;
	for (size_t i = 0; i < n; i++) {
		if (done[i].res == PUT_UNCHANGED) {
			s.n_unchanged++;
			continue;
		}
		if (done[i].res == PUT_UPDATED) {
			if ((rc = fts_delete(st, done[i].id)) < 0)
				goto out;
			s.n_updated++;
		} else {
			s.n_new++;
		}
		if (done[i].is_hidden)
			continue;
		if ((rc = fts_put(st, &t, done[i].id, &items[i], source_id,
		    done[i].sort_time)) < 0)
			goto out;
	}
	in_tx = false;
	if ((rc = store_sqlite_commit(st)) < 0)
		goto out;
	if (stats) {
		stats->n_new += s.n_new;
		stats->n_updated += s.n_updated;
		stats->n_unchanged += s.n_unchanged;
	}
	log_debug(LOG_STORE, "items put source=%lld new=%zu updated=%zu "
	    "unchanged=%zu", (long long)source_id, s.n_new, s.n_updated,
	    s.n_unchanged);
out:
	if (in_tx)
		store_sqlite_rollback(st);
	free(done);
	buf_release(&t.title);
	buf_release(&t.summary);
	buf_release(&t.content);
	return rc;
}

int
store_sqlite_item_reindex(struct store *st, int64_t id)
{
	struct fts_text t = { BUF_INIT(ITEM_MAX_TITLE + 16),
		BUF_INIT(ITEM_MAX_SUMMARY + 16), BUF_INIT(ITEM_MAX_CONTENT + 16) };
	struct arena a = ARENA_INIT;
	struct item *it = NULL;
	int rc;

	/* the outlet's own words are what the index holds */
	if ((rc = store_sqlite_item_get(st, &a, id, &it)) == 0 &&
	    (rc = fts_delete(st, id)) == 0) {
		if (it->original_title)
			it->title = it->original_title;
		rc = fts_put(st, &t, id, it, it->source_id, it->sort_time);
	}
	buf_release(&t.title);
	buf_release(&t.summary);
	buf_release(&t.content);
	arena_release(&a);
	return rc;
}

/* ---- reads ---- */

void
store_item_from_row(struct arena *a, sqlite3_stmt *stmt, int c,
    struct item *it)
{
	it->id = sqlite3_column_int64(stmt, c + 0);
	it->source_id = sqlite3_column_int64(stmt, c + 1);
	it->source_title = store_col_text(a, stmt, c + 2);
	it->section_id = sqlite3_column_int64(stmt, c + 3);
	it->guid = store_col_text(a, stmt, c + 4);
	it->url = store_col_text(a, stmt, c + 5);
	it->canonical_url = store_col_text(a, stmt, c + 6);
	it->title = store_col_text(a, stmt, c + 7);
	it->summary = store_col_text(a, stmt, c + 8);
	it->content = store_col_text(a, stmt, c + 9);
	it->author = store_col_text(a, stmt, c + 10);
	it->language = store_col_text(a, stmt, c + 11);
	it->tags = store_col_text(a, stmt, c + 12);
	it->published = sqlite3_column_int64(stmt, c + 13);
	it->updated = sqlite3_column_int64(stmt, c + 14);
	it->first_seen = sqlite3_column_int64(stmt, c + 15);
	it->image_url = store_col_text(a, stmt, c + 16);
	it->image_caption = store_col_text(a, stmt, c + 17);
	it->image_credit = store_col_text(a, stmt, c + 18);
	it->image_thumb = store_col_text(a, stmt, c + 19);
	it->image_media.key = store_col_text(a, stmt, c + 20);
	it->image_media.type = store_col_text(a, stmt, c + 21);
	it->image_media.width = sqlite3_column_int(stmt, c + 22);
	it->image_media.height = sqlite3_column_int(stmt, c + 23);
	it->thumb_media.key = store_col_text(a, stmt, c + 24);
	it->thumb_media.type = store_col_text(a, stmt, c + 25);
	it->thumb_media.width = sqlite3_column_int(stmt, c + 26);
	it->thumb_media.height = sqlite3_column_int(stmt, c + 27);
	it->is_title_derived = sqlite3_column_int(stmt, c + 28) != 0;
	/* an editor's decisions (issue 10): the desk's headline is the
	 * title, the outlet's is kept; the desk's section wins */
	it->is_hidden = sqlite3_column_int(stmt, c + 29) != 0;
	it->pinned_at = sqlite3_column_int64(stmt, c + 30);
	if (sqlite3_column_type(stmt, c + 31) != SQLITE_NULL) {
		it->original_title = it->title;
		it->title = store_col_text(a, stmt, c + 31);
		it->is_title_derived = false;
	}
	it->editor_section_id = sqlite3_column_int64(stmt, c + 32);
	it->sort_time = sqlite3_column_int64(stmt, c + 33);
	/* sections and the beat (issue 9) */
	it->is_section_auto = sqlite3_column_int(stmt, c + 34) != 0;
	it->review = sqlite3_column_int(stmt, c + 35);
	it->dup_of = sqlite3_column_int64(stmt, c + 36);
	if (it->editor_section_id)
		it->section_id = it->editor_section_id;
}

static size_t
limit_of(size_t limit, size_t dflt)
{
	if (limit == 0)
		return dflt;
	return limit > 1000 ? 1000 : limit;
}

/*
 * The statement for an item list or count with the filters in mask (1
 * source, 2 section, 4 since, 8 until; 16 hidden items too): one
 * statement per combination, so each can use its index instead of an
 * "?1 = 0 OR ..." that defeats the planner. Parameters: ?1 source, ?2
 * section, ?3 since, ?4 until, ?5 limit, ?6 offset (unused ones may be
 * bound all the same).
 *
 * An editor's decisions (issue 10) are kept off the hot plans' rows:
 * hidden items and re-filed ones are few and have partial indexes, so
 * they are left out by "id NOT IN (those)", checked against a small
 * in-memory list, while the plan stays on the covering indexes it had
 * (a column test would read every row a section page sorts: 7 ms
 * instead of 0.5 at 100,000 items, and 300 ms for a count). A section's
 * items are its sources' that no editor re-filed, plus those an editor
 * filed under it, merged in order (UNION ALL).
 */
#define NOT_HIDDEN " AND i.id NOT IN (SELECT id FROM items WHERE is_hidden = 1)"
/* (items filed by ingest, issue 9, are of outlets with no section: not
 * in the first arm anyway, and many; the partial index items_desk_filed
 * holds the editors' filings only) */
#define NOT_REFILED " AND i.id NOT IN (SELECT id FROM items " \
	"INDEXED BY items_desk_filed " \
	"WHERE editor_section_id IS NOT NULL AND section_auto = 0)"

/* The ids (iid) and sort times (st) of the items the mask selects; for
 * a count, also only_hidden: those of them an editor hid. */
static void
item_ids_sql(struct buf *sql, unsigned mask, bool is_count, bool only_hidden)
{
	const char *from = " FROM items i JOIN sources s ON s.id = i.source_id";
	unsigned arms = (mask & 2) ? 2 : 1;

	for (unsigned arm = 0; arm < arms; arm++) {
		if (arm)
			buf_adds(sql, " UNION ALL");
		buf_adds(sql, " SELECT i.id AS iid, i.sort_time AS st");
		/* the newest items: walk the time index, never sort */
		buf_adds(sql, !(mask & 3) && !is_count ? " FROM items i "
		    "INDEXED BY items_sort JOIN sources s ON s.id = i.source_id" :
		    from);
		buf_adds(sql, " WHERE 1");
		if (mask & 2)
			buf_adds(sql, arm == 0 ? " AND s.section_id = ?2"
			    NOT_REFILED : " AND i.editor_section_id = ?2");
		if (mask & 1)
			buf_adds(sql, " AND i.source_id = ?1");
		if (mask & 4)
			buf_adds(sql, " AND i.sort_time >= ?3");
		if (mask & 8)
			buf_adds(sql, " AND i.sort_time <= ?4");
		if (only_hidden)
			buf_adds(sql, " AND i.is_hidden = 1");
		else if (!(mask & 16))
			buf_adds(sql, NOT_HIDDEN);
	}
}

static int
item_query(struct store *st, unsigned mask, bool is_count,
    sqlite3_stmt **out)
{
	sqlite3_stmt **slot = is_count ? &SQ(st)->item_count[mask] :
	    &SQ(st)->item_list[mask];
	struct buf sql = BUF_INIT(BUF_NOCAP);
	int rc;

	*out = NULL;
	if (!*slot) {
		/* A list picks its page of ids first, then reads those rows
		 * and their photos: a plan that sorts (a section page) sorts
		 * ids instead of whole rows, and the photo lookups are made
		 * for the page only, never for every row it sorts. The
		 * constant LIMIT 1000 around the page (limit_of's cap) tells
		 * the planner the page is small: with LIMIT ?5 alone it
		 * expects every item, and once media has ANALYZE statistics
		 * it builds a Bloom filter of the whole media table on every
		 * call (6 ms at 100,000 photos) instead of 2 lookups a row. */
		/* a count keeps its covering plan: all that match, less the
		 * hidden ones that match (a few, by their index) */
		if (is_count && !(mask & 16)) {
			buf_adds(&sql, "SELECT (SELECT count(*) FROM (");
			item_ids_sql(&sql, mask | 16, true, false);
			buf_adds(&sql, ")) - (SELECT count(*) FROM (");
			item_ids_sql(&sql, mask | 16, true, true);
			buf_adds(&sql, "))");
		} else if (is_count) {
			buf_adds(&sql, "SELECT count(*) FROM (");
			item_ids_sql(&sql, mask, true, false);
			buf_adds(&sql, ")");
		} else {
			buf_adds(&sql, "SELECT " ITEM_COLS " FROM (SELECT iid "
			    "FROM (");
			item_ids_sql(&sql, mask, false, false);
		}
		if (!is_count)
			buf_adds(&sql, " ORDER BY st DESC, iid DESC "
			    "LIMIT ?5 OFFSET ?6) LIMIT 1000) AS page "
			    "JOIN items i ON i.id = page.iid "
			    "JOIN sources s ON s.id = i.source_id"
			    ITEM_MEDIA_JOIN
			    "ORDER BY i.sort_time DESC, i.id DESC");
	}
	rc = store_stmt_prepare(st, slot, sql.ptr);
	buf_release(&sql);
	if (rc == 0)
		*out = *slot;
	return rc;
}

static unsigned
query_mask(const struct store_item_query *q)
{
	return (q->source_id ? 1u : 0) | (q->section_id ? 2u : 0) |
	    (q->since ? 4u : 0) | (q->until ? 8u : 0) |
	    (q->with_hidden ? 16u : 0);
}

static void
bind_query(sqlite3_stmt *stmt, const struct store_item_query *q,
    bool is_count)
{
	unsigned mask = query_mask(q);

	if (mask & 1)
		sqlite3_bind_int64(stmt, 1, q->source_id);
	if (mask & 2)
		sqlite3_bind_int64(stmt, 2, q->section_id);
	if (mask & 4)
		sqlite3_bind_int64(stmt, 3, q->since);
	if (mask & 8)
		sqlite3_bind_int64(stmt, 4, q->until);
	if (!is_count) {
		sqlite3_bind_int64(stmt, 5, (int64_t)limit_of(q->limit, 50));
		sqlite3_bind_int64(stmt, 6, (int64_t)q->offset);
	}
}

static const struct store_item_query no_query = { 0 };

int
store_sqlite_item_list(struct store *st, struct arena *a,
    const struct store_item_query *q, struct item **out, size_t *out_n)
{
	struct item *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	if (!q)
		q = &no_query;
	if ((rc = item_query(st, query_mask(q), false, &stmt)) < 0)
		goto out;
	bind_query(stmt, q, false);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		memset(&v[n], 0, sizeof(v[n]));
		store_item_from_row(a, stmt, 0, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list items");
out:
	store_stmt_put(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_item_count(struct store *st, const struct store_item_query *q,
    size_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = 0;
	if (!q)
		q = &no_query;
	if ((rc = item_query(st, query_mask(q), true, &stmt)) < 0)
		goto out;
	bind_query(stmt, q, true);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(stmt, 0);
	else
		rc = store_db_err(st, "count items");
out:
	store_stmt_put(stmt);
	return rc;
}

int
store_sqlite_item_get(struct store *st, struct arena *a, int64_t id,
    struct item **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out = NULL;
	if ((rc = store_stmt_get(st, ST_ITEM_GET, &stmt)) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = arena_zalloc(a, sizeof(**out));
		store_item_from_row(a, stmt, 0, *out);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no item %lld",
		    (long long)id);
	} else {
		rc = store_db_err(st, "get item");
	}
out:
	store_stmt_put(stmt);
	return rc;
}

/* ---- search ---- */

struct query_words {
	struct buf *expr;
	const char *q;
	size_t n;
};

static int
on_query_word(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct query_words *w = payload;

	(void)tok;
	(void)len;
	if (is_colocated)
		return 0;
	if (w->n == STORE_MAX_QUERY_WORDS)
		return 1;
	/* Each word becomes an FTS5 string: operators, column filters,
	 * NEAR, * and ^ inside it are plain text. Words never contain '"'
	 * (not a word character), but double it anyway: it is the one
	 * escape FTS5 strings have. */
	if (w->n)
		buf_addc(w->expr, ' ');
	buf_addc(w->expr, '"');
	for (size_t i = start; i < end; i++) {
		if (w->q[i] == '"')
			buf_addc(w->expr, '"');
		buf_addc(w->expr, w->q[i]);
	}
	buf_addc(w->expr, '"');
	w->n++;
	return 0;
}

/*
 * Builds the MATCH expression: each word of the query, as its own quoted
 * string, joined by spaces (FTS5's implicit AND). Words that analysis
 * drops (punctuation, tatweel alone) are left out here, so the expression
 * never holds an empty string.
 */
static int
match_expr(struct store *st, struct buf *expr, const char *query,
    size_t *out_n)
{
	struct query_words w = { expr, query, 0 };

	text_tokenize(SQ(st)->ta, query, strlen(query), TEXT_QUERY, on_query_word,
	    &w);
	*out_n = w.n;
	return buf_err(expr);
}

static void
bind_search(sqlite3_stmt *stmt, const char *expr,
    const struct store_search_opts *o)
{
	store_bind_text(stmt, 1, expr);
	sqlite3_bind_int64(stmt, 2, o->source_id);
	sqlite3_bind_int64(stmt, 3, o->section_id);
	sqlite3_bind_int64(stmt, 4, o->since);
	sqlite3_bind_int64(stmt, 5, o->until);
	/* a plain bound (no "OR ?8 = 0"), so FTS5 seeks to it */
	sqlite3_bind_int64(stmt, 8, o->before_id > 0 ? o->before_id :
	    INT64_MAX);
}

/* ---- filter tokens (the item_fts meta column, see ITEM_FTS_META) ---- */

/* More sources in a section, or more date tokens, than this and the
 * filter is left to the per-match check instead. */
#define MAX_FILTER_TOKENS 128

static int64_t
day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/*
 * Appends " OR "-joined tokens covering the days d0..d1 (whole years, then
 * whole months, else days) to b; false when the range is outside years
 * 0-9999 or needs more than MAX_FILTER_TOKENS tokens.
 */
static bool
date_tokens(struct buf *b, int64_t d0, int64_t d1)
{
	size_t n = 0;

	for (int64_t d = d0; d <= d1; n++) {
		int64_t y, next;
		int m, dd;

		tz_civil_from_days(d, &y, &m, &dd);
		if (y < 0 || y > 9999 || n == MAX_FILTER_TOKENS)
			return false;
		if (n)
			buf_adds(b, " OR ");
		if (m == 1 && dd == 1 &&
		    (next = tz_days_from_civil(y + 1, 1, 1)) - 1 <= d1) {
			buf_addf(b, "\"y%04lld\"", (long long)y);
		} else if (dd == 1 && (next = m == 12 ? tz_days_from_civil(y + 1,
		    1, 1) : tz_days_from_civil(y, m + 1, 1)) - 1 <= d1) {
			buf_addf(b, "\"m%04lld%02d\"", (long long)y, m);
		} else {
			buf_addf(b, "\"d%04lld%02d%02d\"", (long long)y, m, dd);
			next = d + 1;
		}
		d = next;
	}
	return true;
}

/*
 * Appends the filters of o to expr as meta-column tokens, so FTS5 itself
 * narrows the matches: the source, the sources of the section (OR), the
 * days of since..until. Sets *out_none when nothing can match (a section
 * without sources, an empty date range) and *out_is_exact when the tokens
 * say exactly what the filters say (dates have day granularity, so a
 * bound within a day is not: the caller checks sort_time per match).
 */
/* Where filter_expr's tokens say more than its filters: the days a date
 * bound falls within (their matches need the sort_time check), when that
 * is all that is inexact. */
struct filter_edges {
	bool is_split;               /* only the edge days are inexact */
	size_t date_mark;            /* expr's length before the date tokens */
	int64_t lo_day, hi_day;      /* a partial day, or INT64_MIN */
};

static int
filter_expr(struct store *st, struct buf *expr,
    const struct store_search_opts *o, bool *out_none, bool *out_is_exact,
    struct filter_edges *edges)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	*out_none = false;
	*out_is_exact = true;
	edges->is_split = false;
	edges->date_mark = 0;
	edges->lo_day = edges->hi_day = INT64_MIN;
	if (o->source_id)
		buf_addf(expr, " AND meta : \"s%lld\"",
		    (long long)o->source_id);
	if (o->section_id) {
		size_t mark = expr->len, n = 0;

		if ((rc = store_stmt_get(st, ST_SEARCH_SECTION_SOURCES,
		    &stmt)) < 0)
			goto out;
		sqlite3_bind_int64(stmt, 1, o->section_id);
		buf_adds(expr, " AND meta : (");
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (n++ == MAX_FILTER_TOKENS)
				break;
			buf_addf(expr, "%s\"s%lld\"", n > 1 ? " OR " : "",
			    (long long)sqlite3_column_int64(stmt, 0));
		}
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = store_db_err(st, "list section sources");
			goto out;
		}
		store_stmt_put(stmt);
		stmt = NULL;
		buf_addc(expr, ')');
		if (n == 0) {
			*out_none = true;
			goto out;
		}
		if (n > MAX_FILTER_TOKENS) {
			/* many sources: the per-match check does it */
			buf_truncate(expr, mark);
			*out_is_exact = false;
		}
	}
	if (o->since || o->until) {
		int64_t lo = o->since, hi = o->until, min, max;
		/* Whole UTC days (what the site asks for) are exactly their
		 * tokens; a bound within a day is not. */
		bool is_exact_lo = day_of(lo) * 86400 == lo;
		bool is_exact_hi = day_of(hi) * 86400 + 86399 == hi;
		size_t mark = expr->len;

		if ((rc = store_stmt_get(st, ST_SEARCH_TIME_RANGE, &stmt)) < 0)
			goto out;
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			rc = store_db_err(st, "item time range");
			goto out;
		}
		if (sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
			*out_none = true;               /* no items at all */
			goto out;
		}
		min = sqlite3_column_int64(stmt, 0);
		max = sqlite3_column_int64(stmt, 1);
		store_stmt_put(stmt);
		stmt = NULL;
		/* Nothing lies beyond the oldest or newest item, so an open or
		 * outlying end is exact at that item's day. The newest end
		 * gets two days more, for items written meanwhile (sort_time
		 * is at most a day past their first_seen). */
		if (!lo || lo <= min) {
			lo = min;
			is_exact_lo = true;
		}
		if (!hi || hi >= max) {
			if (lo == min) {
				/* the range holds every item: no filter */
				goto out;
			}
			hi = max + 2 * 86400;
			is_exact_hi = true;
		}
		if (lo > hi) {
			*out_none = true;
			goto out;
		}
		edges->is_split = *out_is_exact && !(is_exact_lo &&
		    is_exact_hi);
		edges->date_mark = mark;
		edges->lo_day = is_exact_lo ? INT64_MIN : day_of(lo);
		edges->hi_day = is_exact_hi ? INT64_MIN : day_of(hi);
		*out_is_exact = *out_is_exact && is_exact_lo && is_exact_hi;
		buf_adds(expr, " AND meta : (");
		if (date_tokens(expr, day_of(lo), day_of(hi))) {
			buf_addc(expr, ')');
		} else {
			edges->is_split = false;
			buf_truncate(expr, mark);
			*out_is_exact = false;
		}
	}
out:
	store_stmt_put(stmt);
	if (rc == 0)
		rc = buf_err(expr);
	return rc;
}

/* Counts matches up to `cap`: from the index alone when expr's tokens
 * express the filters exactly, else with the per-match check. */
static int
count_expr(struct store *st, const char *expr, bool is_exact,
    const struct store_search_opts *o, int64_t cap, size_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	if ((rc = store_stmt_get(st, is_exact ? ST_SEARCH_COUNT_ALL :
	    ST_SEARCH_COUNT, &stmt)) < 0)
		return rc;
	if (is_exact) {
		store_bind_text(stmt, 1, expr);
		sqlite3_bind_int64(stmt, 2, cap);
		sqlite3_bind_int64(stmt, 3, o->before_id > 0 ? o->before_id :
		    INT64_MAX);
	} else {
		bind_search(stmt, expr, o);
		sqlite3_bind_int64(stmt, 6, cap);
	}
	*out = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(stmt, 0);
	else
		rc = store_db_err(st, "count matches");
	store_stmt_put(stmt);
	return rc;
}

/* The matches of a partial edge day (words and the other filters in
 * base[0..mark)) that lie outside the bounds: counted with the per-match
 * check, one day's matches at most. */
static int
count_outside(struct store *st, const char *base, size_t mark, int64_t day,
    const struct store_search_opts *o, bool is_lo, size_t *out)
{
	struct buf e = BUF_INIT(BUF_NOCAP);
	struct store_search_opts x = *o;
	int64_t y;
	int m, d, rc;

	*out = 0;
	tz_civil_from_days(day, &y, &m, &d);
	buf_add(&e, base, mark);
	buf_addf(&e, " AND meta : \"d%04lld%02d%02d\"", (long long)y, m, d);
	if ((rc = buf_err(&e)) < 0)
		goto out;
	/* outside: before since (on its day), after until (on its day) */
	x.since = is_lo ? 0 : o->until + 1;
	x.until = is_lo ? o->since - 1 : 0;
	if (x.since == 0 && x.until == 0)
		goto out;
	rc = count_expr(st, e.ptr, false, &x, INT64_MAX, out);
out:
	buf_release(&e);
	return rc;
}

/*
 * Counts matches up to one past STORE_SEARCH_COUNT_CAP. When only a date
 * bound within a day makes the tokens inexact, the count is split: the
 * index alone counts the matches of the whole token range, and the matches
 * of the partial edge days outside the bounds (one day's worth, checked
 * per match) are taken off. So a time-of-day range costs what a whole-day
 * one does, not one items lookup per match up to the cap.
 */
static int
count_matches(struct store *st, const char *expr, bool is_exact,
    const struct filter_edges *edges, const struct store_search_opts *o,
    size_t *out)
{
	int64_t cap = STORE_SEARCH_COUNT_CAP + 1;
	size_t out_lo = 0, out_hi = 0, n = 0;
	int rc;

	if (is_exact || !edges->is_split)
		return count_expr(st, expr, is_exact, o, cap, out);
	if ((edges->lo_day != INT64_MIN && (rc = count_outside(st, expr,
	    edges->date_mark, edges->lo_day, o, true, &out_lo)) < 0) ||
	    (edges->hi_day != INT64_MIN && (rc = count_outside(st, expr,
	    edges->date_mark, edges->hi_day, o, false, &out_hi)) < 0))
		return rc;
	if ((rc = count_expr(st, expr, true, o, cap + (int64_t)(out_lo +
	    out_hi), &n)) < 0)
		return rc;
	*out = n > out_lo + out_hi ? n - out_lo - out_hi : 0;
	return 0;
}

/*
 * Bounded work whatever the store's size: FTS5 yields matches newest first
 * (by rowid, which grows with insertion) and the window statement stops
 * after STORE_SEARCH_WINDOW of them, so bm25 is computed for at most that
 * many rows and nothing is sorted in SQL; the count stops one past
 * STORE_SEARCH_COUNT_CAP. Filters become meta-column tokens ANDed to the
 * words, so FTS5 intersects doclists (seeking, not reading every match)
 * and only matches that pass reach the items table; the exact SQL checks
 * stay, for the day-granular date tokens.
 */
/* What search_window prepared for search_hits. */
struct sq_query {
	char *hit;                   /* the words, in the text columns only */
};

int
store_sqlite_search_window(struct store *st, struct arena *a,
    const char *query, const struct store_search_opts *opts,
    struct store_cand **out, size_t *out_n, size_t *out_total, void **out_q)
{
	struct buf words = BUF_INIT(64 << 10), hit = BUF_INIT(BUF_NOCAP);
	struct buf expr = BUF_INIT(BUF_NOCAP);
	struct store_cand *w = NULL;
	struct sq_query *q = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t nw = 0, n_words = 0, total = 0;
	bool is_none = false, is_exact = true;
	struct filter_edges edges;
	int rc, step;

	if ((rc = match_expr(st, &words, query, &n_words)) < 0)
		goto out;
	if (n_words == 0)               /* only punctuation: nothing matches */
		goto out;
	/* The words in the text columns only (never the filter tokens); the
	 * snippets use this much. */
	buf_addf(&hit, "{title summary content} : (%s)", words.ptr);
	buf_add(&expr, hit.ptr, hit.len);
	if ((rc = filter_expr(st, &expr, opts, &is_none, &is_exact,
	    &edges)) < 0 ||
	    (rc = buf_err(&hit)) < 0)
		goto out;
	if (is_none)
		goto out;

	if ((rc = store_stmt_get(st, ST_SEARCH, &stmt)) < 0)
		goto out;
	bind_search(stmt, expr.ptr, opts);
	sqlite3_bind_int64(stmt, 6, STORE_SEARCH_WINDOW);
	sqlite3_bind_int64(stmt, 7, (int64_t)n_words);
	w = arena_alloc(a, STORE_SEARCH_WINDOW * sizeof(*w));
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW &&
	    nw < STORE_SEARCH_WINDOW) {
		w[nw].id = sqlite3_column_int64(stmt, 0);
		/* bm25 is negative, lower is better */
		w[nw].relevance = -sqlite3_column_double(stmt, 1);
		w[nw].sort_time = sqlite3_column_int64(stmt, 2);
		w[nw].score = 0;
		nw++;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = store_db_err(st, "search");
		goto out;
	}
	store_stmt_put(stmt);
	stmt = NULL;
	/* A window that is not full holds every match: that is the count. */
	total = nw;
	if (nw == STORE_SEARCH_WINDOW &&
	    (rc = count_matches(st, expr.ptr, is_exact, &edges, opts,
	    &total)) < 0)
		goto out;
	q = arena_zalloc(a, sizeof(*q));
	q->hit = arena_strndup(a, hit.ptr, hit.len);
out:
	store_stmt_put(stmt);
	buf_release(&words);
	buf_release(&hit);
	buf_release(&expr);
	*out = w;
	*out_n = rc < 0 ? 0 : nw;
	*out_total = rc < 0 ? 0 : total;
	*out_q = q;
	return rc;
}

int
store_sqlite_search_hits(struct store *st, struct arena *a, void *qv,
    const struct store_cand *c, size_t n, struct store_hit *out)
{
	const struct sq_query *q = qv;
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	/* The page's rows and snippets, one small query each. */
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_stmt_get(st, ST_SEARCH_HIT, &stmt)) < 0)
			break;
		store_bind_text(stmt, 1, q->hit);
		sqlite3_bind_int64(stmt, 2, c[i].id);
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			rc = store_db_err(st, "read hit");
			break;
		}
		memset(&out[i], 0, sizeof(out[i]));
		store_item_from_row(a, stmt, 0, &out[i].item);
		out[i].snippet = store_col_text(a, stmt, ITEM_NCOLS);
		store_stmt_put(stmt);
		stmt = NULL;
	}
	store_stmt_put(stmt);
	return rc;
}
