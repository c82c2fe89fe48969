/*
 * store_sqlite: the SQLite backend: opening, statements, transactions,
 * sections and sources. Items, ingest and search are in store_item.c.
 *
 * One struct store is one connection, used by one thread at a time; several
 * processes may share the file (WAL lets readers run during a write, and
 * writers wait up to busy_timeout). Every write that touches several rows
 * runs in one transaction, so a crash loses at most the transaction in
 * flight. SQL is bound-parameter only; the few statements built at run time
 * (item list variants) are assembled from constant fragments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

#define SOURCE_COLS                                                            \
	"s.id, s.url, s.title, s.site_url, s.language, s.section_id, "        \
	"sec.slug, s.is_enabled, s.etag, s.last_modified, s.last_status, "     \
	"s.last_error, s.error_count, s.last_fetch, s.last_success, "          \
	"s.next_fetch, s.interval_s, s.avg_ms, s.redirect_url, "               \
	"s.redirect_seen, "                                                    \
	"(SELECT count(*) FROM items WHERE source_id = s.id), "                \
	"(SELECT count(*) FROM items WHERE source_id = s.id AND sort_time >= " \
	"CAST(strftime('%s', 'now') AS INTEGER) - 30 * 86400) / 30.0, "        \
	"s.full_text, s.description, s.show_text "                            \
	"FROM sources s LEFT JOIN sections sec ON sec.id = s.section_id "

#define SOURCE_FIELDS                                                          \
	"url, title, site_url, language, section_id, is_enabled, etag, "       \
	"last_modified, last_status, last_error, error_count, last_fetch, "    \
	"last_success, next_fetch, interval_s, avg_ms, redirect_url, "         \
	"redirect_seen, full_text"

/*
 * Search filters, checked per match by the statements that reach items
 * (store_search puts them into the MATCH expression as meta tokens too, so
 * few matches get here). "?N = 0 OR" is harmless: items is only reached by
 * rowid from the index, so there is no index choice to defeat; the section
 * is resolved once by the uncorrelated IN list.
 */
#define SEARCH_FILTERS                                                         \
	"item_fts MATCH ?1 AND (?2 = 0 OR i.source_id = ?2) "                  \
	"AND (?3 = 0 OR i.source_id IN (SELECT id FROM sources "               \
	"WHERE section_id = ?3)) AND (?4 = 0 OR i.sort_time >= ?4) "           \
	"AND (?5 = 0 OR i.sort_time <= ?5) AND item_fts.rowid < ?8 "

static const char *const stmt_sql[ST_N] = {
	[ST_SECTION_ADD] =
	    "INSERT INTO sections (name, slug, position) VALUES (?1, ?2, "
	    "(SELECT coalesce(max(position), 0) + 1 FROM sections)) "
	    "ON CONFLICT (slug) DO NOTHING",
	[ST_SECTION_LIST] =
	    "SELECT id, name, slug, position FROM sections "
	    "ORDER BY position, id",
	[ST_SECTION_FIND] =
	    "SELECT id, name, slug, position FROM sections "
	    "WHERE slug = ?1 OR name = ?1 ORDER BY slug = ?1 DESC, id LIMIT 1",
	[ST_SECTION_REMOVE] = "DELETE FROM sections WHERE id = ?1",
	[ST_SOURCE_ADD] =
	    "INSERT INTO sources (" SOURCE_FIELDS ", created, description, "
	    "show_text) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17, ?18, ?19, "
	    "CAST(strftime('%s', 'now') AS INTEGER), ?20, ?22) "
	    "ON CONFLICT (url) DO NOTHING",
	[ST_SOURCE_ID_BY_URL] = "SELECT id FROM sources WHERE url = ?1",
	[ST_SOURCE_GET] = "SELECT " SOURCE_COLS "WHERE s.id = ?1",
	[ST_SOURCE_FIND_URL] = "SELECT " SOURCE_COLS "WHERE s.url = ?1",
	[ST_SOURCE_LIST] = "SELECT " SOURCE_COLS "ORDER BY s.id",
	[ST_SOURCE_DUE] =
	    "SELECT " SOURCE_COLS "WHERE s.is_enabled "
	    "AND (?1 < 0 OR s.next_fetch <= ?1) ORDER BY s.next_fetch, s.id",
	[ST_SOURCE_REMOVE] = "DELETE FROM sources WHERE id = ?1",
	[ST_SOURCE_UPDATE] =
	    "UPDATE sources SET url = ?1, title = ?2, site_url = ?3, "
	    "language = ?4, section_id = ?5, is_enabled = ?6, etag = ?7, "
	    "last_modified = ?8, last_status = ?9, last_error = ?10, "
	    "error_count = ?11, last_fetch = ?12, last_success = ?13, "
	    "next_fetch = ?14, interval_s = ?15, avg_ms = ?16, "
	    "redirect_url = ?17, redirect_seen = ?18, full_text = ?19, "
	    "description = ?20, show_text = ?22 WHERE id = ?21",
	[ST_SOURCE_EXISTS] = "SELECT 1 FROM sources WHERE id = ?1",
	[ST_SOURCE_LEASE] = "UPDATE sources SET next_fetch = ?2 WHERE id = ?1",
	[ST_ITEM_LOOKUP] =
	    "SELECT id, fields_hash, first_seen, is_hidden, title FROM items "
	    "WHERE source_id = ?1 AND dedup_key = ?2",
	/* ?20 is now (first_seen of a new item), ?22 the sort time
	 * (put_row: the item's, else when it was first seen). */
	[ST_ITEM_INSERT] =
	    "INSERT INTO items (source_id, dedup_key, guid, url, canonical_url, "
	    "title, summary, content, author, language, tags, published, "
	    "updated, image_url, image_caption, image_credit, image_thumb, "
	    "content_hash, fields_hash, first_seen, sort_time, title_derived) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?22, ?23)",
	[ST_ITEM_UPDATE] =
	    "UPDATE items SET guid = ?3, url = ?4, canonical_url = ?5, "
	    "title = ?6, summary = ?7, content = ?8, author = ?9, "
	    "language = ?10, tags = ?11, published = ?12, updated = ?13, "
	    "image_url = ?14, image_caption = ?15, image_credit = ?16, "
	    "image_thumb = ?17, content_hash = ?18, fields_hash = ?19, "
	    "sort_time = ?22, title_derived = ?23 WHERE id = ?21 AND source_id = ?1 "
	    "AND dedup_key = ?2",
	/* After the item row is written: meta comes from its source_id and
	 * sort_time. */
	/* One row, VALUES: an INSERT ... SELECT is a multi-row write, whose
	 * statement savepoint makes FTS5 flush its pending terms to a new
	 * segment for every item. meta: fts_meta() in sqlite_item.c. */
	[ST_FTS_INSERT] =
	    "INSERT INTO item_fts (rowid, title, summary, content, meta) "
	    "VALUES (?1, ?2, ?3, coalesce((SELECT full_text FROM items "
	    "WHERE id = ?1), ?4), ?5)",
	[ST_FTS_DELETE] = "DELETE FROM item_fts WHERE rowid = ?1",
	[ST_ITEM_GET] =
	    "SELECT " ITEM_COLS " FROM items i "
	    "JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE i.id = ?1",
	/* Counts stop at the cap + 1 (?6, ?2). _ALL trusts the index alone,
	 * for when its tokens say exactly what the filters say. */
	[ST_SEARCH_COUNT] =
	    "SELECT count(*) FROM (SELECT 1 FROM item_fts "
	    "JOIN items i ON i.id = item_fts.rowid WHERE " SEARCH_FILTERS
	    "LIMIT ?6)",
	/* the index's segments (store_search_optimize) */
	[ST_FTS_SEGMENTS] =
	    "SELECT count(DISTINCT segid) FROM item_fts_idx",
	[ST_FTS_OPTIMIZE] =
	    "INSERT INTO item_fts (item_fts) VALUES ('optimize')",
	[ST_SEARCH_COUNT_ALL] =
	    "SELECT count(*) FROM (SELECT 1 FROM item_fts "
	    "WHERE item_fts MATCH ?1 AND item_fts.rowid < ?3 LIMIT ?2)",
	/* The newest ?6 matches (FTS5 walks its doclists by rowid, newest
	 * first, and stops: nothing is sorted), with bm25 (nd_bm25 in
	 * store_fts.c: title weighs most, then summary, then body; meta holds
	 * filter tokens; ?7 is the number of query words) and sort_time
	 * for the recency blend done in C. Only ids and numbers: snippets are
	 * made for the shown page only. */
	[ST_SEARCH] =
	    "SELECT item_fts.rowid, "
	    "nd_bm25(item_fts, ?7, 10.0, 4.0, 1.0, 0.0), i.sort_time "
	    "FROM item_fts JOIN items i ON i.id = item_fts.rowid "
	    "WHERE " SEARCH_FILTERS "ORDER BY item_fts.rowid DESC LIMIT ?6",
	[ST_SEARCH_HIT] =
	    "SELECT " ITEM_COLS ", snippet(item_fts, -1, X'02', X'03', "
	    "'\xe2\x80\xa6', 24) FROM item_fts "
	    "JOIN items i ON i.id = item_fts.rowid "
	    "JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE item_fts MATCH ?1 AND item_fts.rowid = ?2",
	[ST_SEARCH_SECTION_SOURCES] =
	    "SELECT id FROM sources WHERE section_id = ?1 ORDER BY id",
	[ST_SEARCH_TIME_RANGE] =
	    "SELECT (SELECT min(sort_time) FROM items), "
	    "(SELECT max(sort_time) FROM items)",
	/* polled by every web node a few times a second */
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_CONTENT_VERSION] = "SELECT n FROM content_version WHERE id = 1",
	/* an item for the clusterer (migration 20) */
	[ST_STORY_PENDING_PUT] =
	    "INSERT OR IGNORE INTO story_pending (item_id) VALUES (?1)",
};

int
store_db_err(struct store *st, const char *what)
{
	int ext = sqlite3_extended_errcode(SQ(st)->db);
	int code = ND_EIO;

	if (ext == SQLITE_CONSTRAINT_UNIQUE ||
	    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = ND_EEXISTS;
	else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		code = ND_EINVAL;
	else if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
		code = ND_ETIMEOUT;
	else if ((ext & 0xff) == SQLITE_NOMEM)
		code = ND_ENOMEM;
	return err_set(code, "store: %s: %s", what, sqlite3_errmsg(SQ(st)->db));
}

int
store_stmt_prepare(struct store *st, sqlite3_stmt **slot, const char *sql)
{
	if (*slot) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return 0;
	}
	if (sqlite3_prepare_v3(SQ(st)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot,
	    NULL) != SQLITE_OK) {
		*slot = NULL;
		return store_db_err(st, "prepare");
	}
	return 0;
}

int
store_stmt_get(struct store *st, enum stmt_id id, sqlite3_stmt **out)
{
	int rc;

	*out = NULL;
	if ((rc = store_stmt_prepare(st, &SQ(st)->stmts[id], stmt_sql[id])) < 0)
		return rc;
	*out = SQ(st)->stmts[id];
	return 0;
}

void
store_stmt_put(sqlite3_stmt *stmt)
{
	if (stmt)
		sqlite3_reset(stmt);
}

int
store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

const char *
store_col_text(struct arena *a, sqlite3_stmt *stmt, int i)
{
	const unsigned char *p = sqlite3_column_text(stmt, i);

	if (!p)
		return NULL;
	return arena_strndup(a, (const char *)p,
	    (size_t)sqlite3_column_bytes(stmt, i));
}

int
store_prep(struct store *st, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return store_db_err(st, "prepare statement");
	}
	return 0;
}

int
store_step_final(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_db_err(st, what);

	sqlite3_finalize(stmt);
	return rc;
}

int
store_step_reset(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_db_err(st, what);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}

int
store_exec(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(SQ(st)->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_err(st, what);
	return 0;
}

/* ---- open, close, check ---- */

int
store_sqlite_open(struct store **out, const char *path, int flags)
{
	struct store *st = NULL;
	int oflags, rc;

	*out = NULL;
	if (!path || !*path)
		return err_set(ND_EINVAL, "store: no path given");
	if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0 &&
	    !(flags & STORE_CREATE))
		return err_set(ND_ENOTFOUND, "store: %s: no such file", path);
	if (sodium_init() < 0)
		return err_set(ND_ERR, "store: libsodium init failed");

	st = &((struct store_sqlite *)xcalloc(1, sizeof(struct store_sqlite)))->base;
	st->ops = &store_sqlite_ops;
	SQ(st)->path = xstrdup(path);
	SQ(st)->flags = flags;
	if (flags & STORE_READONLY)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE |
		    ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &SQ(st)->db, oflags, NULL) != SQLITE_OK) {
		rc = err_set(ND_EIO, "store: %s: %s", path,
		    SQ(st)->db ? sqlite3_errmsg(SQ(st)->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(SQ(st)->db, 1);
	sqlite3_busy_timeout(SQ(st)->db, 5000);
	if ((rc = store_fts_register(SQ(st)->db)) < 0 ||
	    (rc = store_media_register(SQ(st)->db)) < 0)
		goto fail;
	if ((rc = text_analyzer_new(&SQ(st)->ta)) < 0)
		goto fail;
	if (!(flags & STORE_READONLY) &&
	    (rc = store_exec(st, "PRAGMA journal_mode = WAL", "set WAL")) < 0)
		goto fail;
	/* NORMAL is durable against process crashes in WAL mode; only a power
	 * loss can drop the last transactions, never corrupt the file. */
	if ((rc = store_exec(st, "PRAGMA foreign_keys = ON; "
	    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; "
	    "PRAGMA mmap_size = 4294967296",
	    "set pragmas")) < 0)
		goto fail;
	if (flags & (STORE_CREATE | STORE_MIGRATE)) {
		if (flags & STORE_READONLY) {
			rc = err_set(ND_EINVAL, "store: %s: cannot migrate a "
			    "store opened read-only", path);
			goto fail;
		}
		if ((rc = store_migrate(st)) < 0)
			goto fail;
	} else {
		/* Only init and migrate change the schema: every other
		 * opener (a web node, a worker) needs the one it was built
		 * for, so an upgrade is one explicit step, never a race. */
		sqlite3_stmt *stmt = NULL;

		if (sqlite3_prepare_v2(SQ(st)->db, "PRAGMA user_version", -1,
		    &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
			SQ(st)->schema_version = sqlite3_column_int(stmt, 0);
		sqlite3_finalize(stmt);
		if (SQ(st)->schema_version > store_schema_latest()) {
			rc = err_set(ND_EIO, "store: %s: schema version %d is "
			    "newer than this program (%d)", path,
			    SQ(st)->schema_version, store_schema_latest());
			goto fail;
		}
		if (SQ(st)->schema_version < store_schema_latest()) {
			rc = err_set(ND_EIO, "store: %s: schema version %d, this "
			    "program needs %d (run `newsdesk migrate`)", path,
			    SQ(st)->schema_version, store_schema_latest());
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	/* Whatever step failed, the message names the file: "file is not a
	 * database" alone does not say which one (err_set may quote its own
	 * message). */
	if (!strstr(err_msg(), path) && strncmp(err_msg(), "store: ", 7) == 0)
		rc = err_set(rc, "store: %s: %s", path, err_msg() + 7);
	store_sqlite_close(st);
	return rc;
}

void
store_sqlite_remove(const char *path)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal" };

	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		char p[4096];

		if ((size_t)snprintf(p, sizeof(p), "%s%s", path, side[i]) <
		    sizeof(p))
			unlink(p);
	}
}

void
store_sqlite_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(SQ(st)->stmts[i]);
	for (int i = 0; i < ITEM_LIST_VARIANTS; i++) {
		sqlite3_finalize(SQ(st)->item_list[i]);
		sqlite3_finalize(SQ(st)->item_count[i]);
	}
	if (SQ(st)->db) {
		if (SQ(st)->tx_depth > 0)
			sqlite3_exec(SQ(st)->db, "ROLLBACK", NULL, NULL, NULL);
		/* Cheap, and keeps the planner's statistics current. */
		if (!(SQ(st)->flags & STORE_READONLY))
			sqlite3_exec(SQ(st)->db, "PRAGMA optimize", NULL, NULL,
			    NULL);
		sqlite3_close_v2(SQ(st)->db);
	}
	text_analyzer_free(SQ(st)->ta);
	free(SQ(st)->path);
	free(st);
}

int
store_sqlite_schema_version(struct store *st)
{
	return SQ(st)->schema_version;
}

int
store_sqlite_check(struct store *st)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0, step;

	if (sqlite3_prepare_v2(SQ(st)->db, "PRAGMA integrity_check", -1, &stmt,
	    NULL) != SQLITE_OK) {
		rc = store_db_err(st, "integrity check");
		goto out;
	}
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(stmt, 0);

		if (r && strcmp(r, "ok") != 0) {
			rc = err_set(ND_EIO, "store: integrity: %s", r);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = store_db_err(st, "integrity check");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (sqlite3_prepare_v2(SQ(st)->db, "PRAGMA foreign_key_check", -1, &stmt,
	    NULL) != SQLITE_OK) {
		rc = store_db_err(st, "foreign key check");
		goto out;
	}
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		rc = err_set(ND_EIO, "store: foreign key: %s row %lld refers "
		    "to a missing %s", sqlite3_column_text(stmt, 0),
		    (long long)sqlite3_column_int64(stmt, 1),
		    sqlite3_column_text(stmt, 2));
		goto out;
	} else if (step != SQLITE_DONE) {
		rc = store_db_err(st, "foreign key check");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* The full-text index must describe exactly the items. */
	if (sqlite3_prepare_v2(SQ(st)->db, "SELECT (SELECT count(*) FROM items) - "
	    "(SELECT count(*) FROM item_fts), (SELECT count(*) FROM items i "
	    "WHERE NOT EXISTS (SELECT 1 FROM item_fts f WHERE f.rowid = i.id))",
	    -1, &stmt, NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		rc = store_db_err(st, "index check");
		goto out;
	}
	if (sqlite3_column_int64(stmt, 0) != 0 ||
	    sqlite3_column_int64(stmt, 1) != 0) {
		rc = err_set(ND_EIO, "store: full-text index out of step with "
		    "items");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (sqlite3_exec(SQ(st)->db, "INSERT INTO item_fts (item_fts, rank) "
	    "VALUES ('integrity-check', 1)", NULL, NULL, NULL) != SQLITE_OK)
		rc = store_db_err(st, "full-text integrity");
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- transactions ---- */

/*
 * The outermost store_begin takes the write lock at once (IMMEDIATE), so a
 * transaction never fails half-way on upgrading a read lock; inner levels
 * are savepoints, so an inner rollback undoes only its own work.
 */
int
store_sqlite_begin(struct store *st)
{
	int rc;

	rc = store_exec(st, SQ(st)->tx_depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT nd",
	    "begin");
	if (rc == 0)
		SQ(st)->tx_depth++;
	return rc;
}

int
store_sqlite_commit(struct store *st)
{
	int rc;

	if (SQ(st)->tx_depth <= 0)
		return err_set(ND_EINVAL, "store: commit without begin");
	if (SQ(st)->tx_depth > 1) {
		if ((rc = store_exec(st, "RELEASE nd", "release")) == 0)
			SQ(st)->tx_depth--;
		return rc;
	}
	if ((rc = store_exec(st, "COMMIT", "commit")) < 0) {
		/* A failed COMMIT (busy) leaves the transaction open; end it
		 * so the connection stays usable. */
		sqlite3_exec(SQ(st)->db, "ROLLBACK", NULL, NULL, NULL);
	}
	SQ(st)->tx_depth = 0;
	return rc;
}

int
store_sqlite_rollback(struct store *st)
{
	int rc;

	if (SQ(st)->tx_depth <= 0)
		return err_set(ND_EINVAL, "store: rollback without begin");
	if (SQ(st)->tx_depth > 1) {
		rc = store_exec(st, "ROLLBACK TO nd; RELEASE nd", "rollback");
		SQ(st)->tx_depth--;
		return rc;
	}
	rc = store_exec(st, "ROLLBACK", "rollback");
	SQ(st)->tx_depth = 0;
	return rc;
}

/* ---- sections ---- */

static char *
slug_of(const char *name)
{
	struct buf b = BUF_INIT(256);
	bool dash = false;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (str_isalnum(*p) || *p >= 0x80) {
			if (dash && b.len > 0)
				buf_addc(&b, '-');
			dash = false;
			buf_addc(&b, (char)str_tolower(*p));
		} else {
			dash = true;
		}
	}
	if (buf_err(&b) < 0 || b.len == 0) {
		buf_release(&b);
		return xstrdup("section");
	}
	b.len = text_utf8_trunc(b.ptr, b.len, 200);
	b.ptr[b.len] = '\0';
	return buf_detach(&b, NULL);
}

int
store_sqlite_section_add(struct store *st, const char *name, const char *slug,
    int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	char *own_slug = NULL;
	int rc;

	if (!name || !*name)
		return err_set(ND_EINVAL, "store: section needs a name");
	/* The name is on every page (the section bar) and may come from an
	 * OPML folder: refused when longer than a title may be. */
	if (strlen(name) > STORE_MAX_TITLE || (slug && strlen(slug) > 200))
		return err_set(ND_EINVAL, "store: section name or slug too long "
		    "(at most %d and 200 bytes)", STORE_MAX_TITLE);
	if (!slug || !*slug)
		slug = own_slug = slug_of(name);
	if ((rc = store_stmt_get(st, ST_SECTION_ADD, &stmt)) < 0)
		goto out;
	store_bind_text(stmt, 1, name);
	store_bind_text(stmt, 2, slug);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = store_db_err(st, "add section");
		goto out;
	}
	if (sqlite3_changes(SQ(st)->db) == 0) {
		rc = err_set(ND_EEXISTS, "store: section '%s' exists", slug);
		goto out;
	}
	if (out_id)
		*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
out:
	store_stmt_put(stmt);
	free(own_slug);
	return rc;
}

static void
section_from_row(struct arena *a, sqlite3_stmt *stmt, struct section *s)
{
	s->id = sqlite3_column_int64(stmt, 0);
	s->name = store_col_text(a, stmt, 1);
	s->slug = store_col_text(a, stmt, 2);
	s->position = sqlite3_column_int(stmt, 3);
}

int
store_sqlite_section_list(struct store *st, struct arena *a,
    struct section **out, size_t *out_n)
{
	struct section *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	if ((rc = store_stmt_get(st, ST_SECTION_LIST, &stmt)) < 0)
		goto out;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		section_from_row(a, stmt, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list sections");
out:
	store_stmt_put(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_section_find(struct store *st, struct arena *a, const char *key,
    struct section **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out = NULL;
	if (!key)
		return err_set(ND_EINVAL, "store: no section given");
	if ((rc = store_stmt_get(st, ST_SECTION_FIND, &stmt)) < 0)
		goto out;
	store_bind_text(stmt, 1, key);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = arena_zalloc(a, sizeof(**out));
		section_from_row(a, stmt, *out);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no section '%s'", key);
	} else {
		rc = store_db_err(st, "find section");
	}
out:
	store_stmt_put(stmt);
	return rc;
}

static int
delete_by_id(struct store *st, enum stmt_id id, int64_t key, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_stmt_get(st, id, &stmt)) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, key);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, what);
	else if (sqlite3_changes(SQ(st)->db) == 0)
		rc = err_set(ND_ENOTFOUND, "store: %s: no id %lld", what,
		    (long long)key);
out:
	store_stmt_put(stmt);
	return rc;
}

int
store_sqlite_section_remove(struct store *st, int64_t id)
{
	return delete_by_id(st, ST_SECTION_REMOVE, id, "remove section");
}

/* ---- sources ---- */

/*
 * A source's title, site URL and language come from its feed (or an OPML
 * file), and the title is shown with every item of the source: the same
 * caps as an item's fields apply. A title is cut on a character boundary;
 * a site URL or language tag that does not fit is of no use cut, so it is
 * left out.
 */
static void
bind_capped(sqlite3_stmt *stmt, int i, const char *s, size_t max, bool is_cut)
{
	size_t len = s ? strlen(s) : 0;

	if (!s || (len > max && !is_cut)) {
		sqlite3_bind_null(stmt, i);
		return;
	}
	sqlite3_bind_text(stmt, i, s, (int)text_utf8_trunc(s, len, max),
	    SQLITE_STATIC);
}

static void
bind_source(sqlite3_stmt *stmt, const struct source *s)
{
	store_bind_text(stmt, 1, s->url);
	bind_capped(stmt, 2, s->title, STORE_MAX_TITLE, true);
	bind_capped(stmt, 3, s->site_url, STORE_MAX_URL, false);
	bind_capped(stmt, 4, s->language, STORE_MAX_SHORT, false);
	if (s->section_id > 0)
		sqlite3_bind_int64(stmt, 5, s->section_id);
	else
		sqlite3_bind_null(stmt, 5);
	sqlite3_bind_int(stmt, 6, s->is_enabled);
	store_bind_text(stmt, 7, s->etag);
	store_bind_text(stmt, 8, s->last_modified);
	sqlite3_bind_int(stmt, 9, s->last_status);
	store_bind_text(stmt, 10, s->last_error);
	sqlite3_bind_int(stmt, 11, s->error_count);
	sqlite3_bind_int64(stmt, 12, s->last_fetch);
	sqlite3_bind_int64(stmt, 13, s->last_success);
	sqlite3_bind_int64(stmt, 14, s->next_fetch);
	sqlite3_bind_int(stmt, 15, s->interval_s);
	sqlite3_bind_double(stmt, 16, s->avg_ms);
	store_bind_text(stmt, 17, s->redirect_url);
	sqlite3_bind_int(stmt, 18, s->redirect_seen);
	sqlite3_bind_int(stmt, 19, s->full_text);
	bind_capped(stmt, 20, s->description, STORE_MAX_SHORT, true);
	sqlite3_bind_int(stmt, 22, s->show_text);
}

static void
source_from_row(struct arena *a, sqlite3_stmt *stmt, struct source *s)
{
	s->id = sqlite3_column_int64(stmt, 0);
	s->url = store_col_text(a, stmt, 1);
	s->title = store_col_text(a, stmt, 2);
	s->site_url = store_col_text(a, stmt, 3);
	s->language = store_col_text(a, stmt, 4);
	s->section_id = sqlite3_column_int64(stmt, 5);
	s->section_slug = store_col_text(a, stmt, 6);
	s->is_enabled = sqlite3_column_int(stmt, 7) != 0;
	s->etag = store_col_text(a, stmt, 8);
	s->last_modified = store_col_text(a, stmt, 9);
	s->last_status = sqlite3_column_int(stmt, 10);
	s->last_error = store_col_text(a, stmt, 11);
	s->error_count = sqlite3_column_int(stmt, 12);
	s->last_fetch = sqlite3_column_int64(stmt, 13);
	s->last_success = sqlite3_column_int64(stmt, 14);
	s->next_fetch = sqlite3_column_int64(stmt, 15);
	s->interval_s = sqlite3_column_int(stmt, 16);
	s->avg_ms = sqlite3_column_double(stmt, 17);
	s->redirect_url = store_col_text(a, stmt, 18);
	s->redirect_seen = sqlite3_column_int(stmt, 19);
	s->n_items = sqlite3_column_int64(stmt, 20);
	s->items_per_day = sqlite3_column_double(stmt, 21);
	s->full_text = sqlite3_column_int(stmt, 22);
	s->description = store_col_text(a, stmt, 23);
	s->show_text = sqlite3_column_int(stmt, 24);
}

int
store_sqlite_source_add(struct store *st, const struct source *src,
    int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (!src->url || !*src->url)
		return err_set(ND_EINVAL, "store: source needs a url");
	if ((rc = store_stmt_get(st, ST_SOURCE_ADD, &stmt)) < 0)
		goto out;
	bind_source(stmt, src);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = store_db_err(st, "add source");
		goto out;
	}
	if (sqlite3_changes(SQ(st)->db) > 0) {
		if (out_id)
			*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
		goto out;
	}
	store_stmt_put(stmt);
	if ((rc = store_stmt_get(st, ST_SOURCE_ID_BY_URL, &stmt)) < 0)
		goto out;
	store_bind_text(stmt, 1, src->url);
	if (sqlite3_step(stmt) == SQLITE_ROW && out_id)
		*out_id = sqlite3_column_int64(stmt, 0);
	rc = err_set(ND_EEXISTS, "store: source %s exists", src->url);
out:
	store_stmt_put(stmt);
	return rc;
}

static int
source_read(struct store *st, struct arena *a, enum stmt_id id,
    int64_t key, const char *url, struct source **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out = NULL;
	if ((rc = store_stmt_get(st, id, &stmt)) < 0)
		goto out;
	if (url)
		store_bind_text(stmt, 1, url);
	else
		sqlite3_bind_int64(stmt, 1, key);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = arena_zalloc(a, sizeof(**out));
		source_from_row(a, stmt, *out);
	} else if (step == SQLITE_DONE) {
		rc = url ? err_set(ND_ENOTFOUND, "store: no source %s", url) :
		    err_set(ND_ENOTFOUND, "store: no source %lld",
		    (long long)key);
	} else {
		rc = store_db_err(st, "read source");
	}
out:
	store_stmt_put(stmt);
	return rc;
}

int
store_sqlite_source_get(struct store *st, struct arena *a, int64_t id,
    struct source **out)
{
	return source_read(st, a, ST_SOURCE_GET, id, NULL, out);
}

int
store_sqlite_source_find_url(struct store *st, struct arena *a, const char *url,
    struct source **out)
{
	if (!url) {
		*out = NULL;
		return err_set(ND_EINVAL, "store: no url given");
	}
	return source_read(st, a, ST_SOURCE_FIND_URL, 0, url, out);
}

static int
source_rows(struct store *st, struct arena *a, enum stmt_id id, int64_t now,
    size_t max, struct source **out, size_t *out_n)
{
	struct source *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t n = 0, cap = 0;
	int rc, step = SQLITE_DONE;

	if ((rc = store_stmt_get(st, id, &stmt)) < 0)
		goto out;
	if (id == ST_SOURCE_DUE)
		sqlite3_bind_int64(stmt, 1, now);
	while ((max == 0 || n < max) &&
	    (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		memset(&v[n], 0, sizeof(v[n]));
		source_from_row(a, stmt, &v[n++]);
	}
	if ((max == 0 || n < max) && step != SQLITE_DONE)
		rc = store_db_err(st, "list sources");
out:
	store_stmt_put(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_source_list(struct store *st, struct arena *a,
    struct source **out, size_t *out_n)
{
	return source_rows(st, a, ST_SOURCE_LIST, 0, 0, out, out_n);
}

int
store_sqlite_source_due(struct store *st, struct arena *a, int64_t now,
    struct source **out, size_t *out_n)
{
	return source_rows(st, a, ST_SOURCE_DUE, now, 0, out, out_n);
}

int
store_sqlite_source_claim(struct store *st, struct arena *a, int64_t now,
    bool is_all, int lease_s, size_t max, struct source **out, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	*out_n = 0;
	if (now < 0 || lease_s < 0)
		return err_set(ND_EINVAL, "store: claim needs now >= 0 and a "
		    "lease >= 0");
	/* BEGIN IMMEDIATE: the read and the lease are one step for every
	 * other writer (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED). */
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = source_rows(st, a, ST_SOURCE_DUE, is_all ? -1 : now, max,
	    out, &n)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_stmt_get(st, ST_SOURCE_LEASE, &stmt)) < 0)
			goto fail;
		sqlite3_bind_int64(stmt, 1, (*out)[i].id);
		sqlite3_bind_int64(stmt, 2, now + lease_s);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			rc = store_db_err(st, "lease source");
			goto fail;
		}
		store_stmt_put(stmt);
		stmt = NULL;
		(*out)[i].next_fetch = now + lease_s;
	}
	if ((rc = store_sqlite_commit(st)) < 0)
		goto fail_committed;
	*out_n = n;
	return 0;
fail:
	store_stmt_put(stmt);
	store_sqlite_rollback(st);
fail_committed:
	*out = NULL;
	return rc;
}

int
store_sqlite_source_remove(struct store *st, int64_t id)
{
	int rc;

	/* Items and their index rows go by cascade and trigger; one
	 * transaction keeps a large source's removal all-or-nothing. */
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = delete_by_id(st, ST_SOURCE_REMOVE, id, "remove source")) < 0) {
		store_sqlite_rollback(st);
		return rc;
	}
	return store_sqlite_commit(st);
}

int
store_sqlite_source_update(struct store *st, const struct source *src)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (!src->url || !*src->url)
		return err_set(ND_EINVAL, "store: source needs a url");
	if ((rc = store_stmt_get(st, ST_SOURCE_UPDATE, &stmt)) < 0)
		goto out;
	bind_source(stmt, src);
	sqlite3_bind_int64(stmt, 21, src->id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "update source");
	else if (sqlite3_changes(SQ(st)->db) == 0)
		rc = err_set(ND_ENOTFOUND, "store: no source %lld",
		    (long long)src->id);
out:
	store_stmt_put(stmt);
	return rc;
}

/* The backend, for store.c. */
const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = store_sqlite_open,
	.close = store_sqlite_close,
	.remove = store_sqlite_remove,
	.schema_version = store_sqlite_schema_version,
	.check = store_sqlite_check,
	.begin = store_sqlite_begin,
	.commit = store_sqlite_commit,
	.rollback = store_sqlite_rollback,
	.section_add = store_sqlite_section_add,
	.section_list = store_sqlite_section_list,
	.section_find = store_sqlite_section_find,
	.section_remove = store_sqlite_section_remove,
	.source_add = store_sqlite_source_add,
	.source_get = store_sqlite_source_get,
	.source_find_url = store_sqlite_source_find_url,
	.source_list = store_sqlite_source_list,
	.source_due = store_sqlite_source_due,
	.source_claim = store_sqlite_source_claim,
	.source_remove = store_sqlite_source_remove,
	.source_update = store_sqlite_source_update,
	.items_put = store_sqlite_items_put,
	.item_list = store_sqlite_item_list,
	.item_get = store_sqlite_item_get,
	.item_count = store_sqlite_item_count,
	.search_window = store_sqlite_search_window,
	.search_hits = store_sqlite_search_hits,
	.search_optimize = store_sqlite_search_optimize,
	.data_version = store_sqlite_data_version,
	.media_put = store_sqlite_media_put,
	.media_get = store_sqlite_media_get,
	.media_pending = store_sqlite_media_pending,
	.fulltext_pending = store_sqlite_fulltext_pending,
	.fulltext_put = store_sqlite_fulltext_put,
	.fulltext_get = store_sqlite_fulltext_get,
	.item_text_get = store_sqlite_item_text_get,
	.media_list_ok = store_sqlite_media_list_ok,
	.media_count = store_sqlite_media_count,
	.changes_since = store_sqlite_changes_since,
	.story_assign = store_sqlite_story_assign,
	.story_fold = store_sqlite_story_fold,
	.story_window = store_sqlite_story_window,
	.story_pending = store_sqlite_story_pending,
	.story_list = store_sqlite_story_list,
	.story_get = store_sqlite_story_get,
	.story_items = store_sqlite_story_items,
	.story_edit = store_sqlite_story_edit,
	.fulltext_refresh_due = store_sqlite_fulltext_refresh_due,
	.fulltext_seen = store_sqlite_fulltext_seen,
	.robots_get = store_sqlite_robots_get,
	.robots_put = store_sqlite_robots_put,
	.tip_thread_add = store_sqlite_tip_thread_add,
	.tip_msg_add = store_sqlite_tip_msg_add,
	.tip_list = store_sqlite_tip_list,
	.tip_get = store_sqlite_tip_get,
	.tip_find = store_sqlite_tip_find,
	.user_add = store_sqlite_user_add,
	.user_get = store_sqlite_user_get,
	.user_list = store_sqlite_user_list,
	.user_update = store_sqlite_user_update,
	.user_login = store_sqlite_user_login,
	.session_add = store_sqlite_session_add,
	.session_user = store_sqlite_session_user,
	.session_remove = store_sqlite_session_remove,
	.throttle_get = store_sqlite_throttle_get,
	.throttle_put = store_sqlite_throttle_put,
	.audit_add = store_sqlite_audit_add,
	.audit_list = store_sqlite_audit_list,
	.item_edit = store_sqlite_item_edit,
	.item_pinned = store_sqlite_item_pinned,
	.story_curate = store_sqlite_story_curate,
	.sub_signup = store_sqlite_sub_signup,
	.sub_get = store_sqlite_sub_get,
	.sub_token_add = store_sqlite_sub_token_add,
	.sub_token_find = store_sqlite_sub_token_find,
	.sub_confirm = store_sqlite_sub_confirm,
	.sub_set_lists = store_sqlite_sub_set_lists,
	.sub_set_status = store_sqlite_sub_set_status,
	.sub_bounce = store_sqlite_sub_bounce,
	.sub_expire = store_sqlite_sub_expire,
	.sub_counts = store_sqlite_sub_counts,
	.mail_content_add = store_sqlite_mail_content_add,
	.digest_enqueue = store_sqlite_digest_enqueue,
	.digest_last = store_sqlite_digest_last,
	.list_count = store_sqlite_list_count,
	.mail_claim = store_sqlite_mail_claim,
	.mail_done = store_sqlite_mail_done,
	.mail_status = store_sqlite_mail_status,
	.mail_secret = store_sqlite_mail_secret,
	/* the desk's posts (issue 10) */
	.post_save = store_sqlite_post_save,
	.post_get = store_sqlite_post_get,
	.post_list = store_sqlite_post_list,
	.post_publish = store_sqlite_post_publish,
	.post_set_status = store_sqlite_post_set_status,
	.post_publish_due = store_sqlite_post_publish_due,
	.post_correct = store_sqlite_post_correct,
	.correction_list = store_sqlite_correction_list,
	.post_revisions = store_sqlite_post_revisions,
	.byline_find = store_sqlite_byline_find,
	.column_add = store_sqlite_column_add,
	.column_list = store_sqlite_column_list,
	.column_find = store_sqlite_column_find,
	.desk_photo_put = store_sqlite_desk_photo_put,
	.desk_photo_get = store_sqlite_desk_photo_get,
	/* automatic sections and the beat (issue 9) */
	.rule_add = store_sqlite_rule_add,
	.rule_remove = store_sqlite_rule_remove,
	.rule_list = store_sqlite_rule_list,
	.labels = store_sqlite_labels,
	.labels_version = store_sqlite_labels_version,
	.items_classify = store_sqlite_items_classify,
	.review_list = store_sqlite_review_list,
	.review_decide = store_sqlite_review_decide,
	.items_dups = store_sqlite_items_dups,
	.item_copies = store_sqlite_item_copies,
	/* breaking-news alerts (issue 11) */
	.breaking_request = store_sqlite_breaking_request,
	.breaking_get = store_sqlite_breaking_get,
	.breaking_pending = store_sqlite_breaking_pending,
	.breaking_enqueue = store_sqlite_breaking_enqueue,
	/* daily upkeep (issue 8) */
	.upkeep_claim = store_sqlite_upkeep_claim,
	.upkeep_release = store_sqlite_upkeep_release,
	.upkeep_get = store_sqlite_upkeep_get,
	.search_merge_step = store_sqlite_search_merge_step,
};
