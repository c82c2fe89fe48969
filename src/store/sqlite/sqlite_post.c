/*
 * sqlite_post: the desk's own posts, columns and desk photos (issue 10,
 * migration 12). A save rewrites the post row, its bylines and picks in one
 * transaction, and first copies the row it replaces into post_revisions,
 * so no edit loses a version. Corrections are only appended (triggers
 * refuse to delete or edit one). Statements are prepared per call: these
 * run once per desk action or page render, and pages are cached.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

#define POST_COLS \
	"p.id, p.kind, p.status, p.slug, p.headline, p.deck, p.body, " \
	"p.body_html, p.dateline, coalesce(p.section_id, 0), sec.slug, " \
	"sec.name, coalesce(p.column_id, 0), col.slug, col.name, p.tags, " \
	"coalesce(p.photo_id, 0), p.photo_caption, p.photo_credit, " \
	"p.story_id, p.publish_at, p.published_at, p.created, p.updated_at, " \
	"ph.token, ph.width, ph.height, ph.widths, ph.created, p.created_by"
#define POST_FROM \
	" FROM posts p LEFT JOIN sections sec ON sec.id = p.section_id" \
	" LEFT JOIN columns col ON col.id = p.column_id" \
	" LEFT JOIN desk_photos ph ON ph.id = p.photo_id"

static bool
too_long(const char *s, size_t max)
{
	return s && strlen(s) > max;
}

/* "480,960,1600" into widths (ascending, at most DESK_PHOTO_MAX_WIDTHS). */
static void
widths_parse(const char *s, int *w)
{
	size_t n = 0;

	memset(w, 0, sizeof(int) * DESK_PHOTO_MAX_WIDTHS);
	while (s && *s && n < DESK_PHOTO_MAX_WIDTHS) {
		char *end = NULL;
		long v = strtol(s, &end, 10);

		if (end == s)
			break;
		if (v > 0 && v < 100000)
			w[n++] = (int)v;
		s = *end == ',' ? end + 1 : end;
	}
}

static void
post_from_row(struct arena *a, sqlite3_stmt *s, struct post *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, 0);
	p->kind = sqlite3_column_int(s, 1);
	p->status = sqlite3_column_int(s, 2);
	p->slug = store_col_text(a, s, 3);
	p->headline = store_col_text(a, s, 4);
	p->deck = store_col_text(a, s, 5);
	p->body = store_col_text(a, s, 6);
	p->body_html = store_col_text(a, s, 7);
	p->dateline = store_col_text(a, s, 8);
	p->section_id = sqlite3_column_int64(s, 9);
	p->section_slug = store_col_text(a, s, 10);
	p->section_name = store_col_text(a, s, 11);
	p->column_id = sqlite3_column_int64(s, 12);
	p->column_slug = store_col_text(a, s, 13);
	p->column_name = store_col_text(a, s, 14);
	p->tags = store_col_text(a, s, 15);
	p->photo_id = sqlite3_column_int64(s, 16);
	p->photo_caption = store_col_text(a, s, 17);
	p->photo_credit = store_col_text(a, s, 18);
	p->story_id = sqlite3_column_int64(s, 19);
	p->publish_at = sqlite3_column_int64(s, 20);
	p->published_at = sqlite3_column_int64(s, 21);
	p->created = sqlite3_column_int64(s, 22);
	p->updated_at = sqlite3_column_int64(s, 23);
	p->created_by = sqlite3_column_int64(s, 29);
	if (p->photo_id && sqlite3_column_type(s, 24) != SQLITE_NULL) {
		p->photo.id = p->photo_id;
		p->photo.token = store_col_text(a, s, 24);
		p->photo.width = sqlite3_column_int(s, 25);
		p->photo.height = sqlite3_column_int(s, 26);
		widths_parse((const char *)sqlite3_column_text(s, 27),
		    p->photo.widths);
		p->photo.created = sqlite3_column_int64(s, 28);
	} else {
		p->photo_id = 0;
	}
}

/* Bylines, picks and corrections of p (already read). */
static int
post_fill(struct store *st, struct arena *a, struct post *p)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT user_id, name, slug FROM post_bylines "
	    "WHERE post_id = ?1 ORDER BY position")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, p->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct post_byline *b;

		ARENA_GROW(a, p->bylines, p->n_bylines, p->n_bylines + 1, cap);
		b = &p->bylines[p->n_bylines++];
		b->user_id = sqlite3_column_int64(s, 0);
		b->name = store_col_text(a, s, 1);
		b->slug = store_col_text(a, s, 2);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "read bylines");
	sqlite3_finalize(s);
	if (rc < 0)
		return rc;
	/* a story pick shows its editor's title, else its first report's */
	if ((rc = store_prep(st, &s, "SELECT k.item_id, k.story_id, k.summary, "
	    "CASE WHEN k.item_id THEN i.title "
	    "ELSE coalesce(nullif(t.editor_title, ''), t.title) END, "
	    "CASE WHEN k.item_id THEN coalesce(i.canonical_url, i.url) END, "
	    "CASE WHEN k.item_id THEN s.title END "
	    "FROM post_picks k LEFT JOIN items i ON i.id = k.item_id "
	    "LEFT JOIN sources s ON s.id = i.source_id "
	    "LEFT JOIN stories t ON t.id = k.story_id "
	    "WHERE k.post_id = ?1 ORDER BY k.position")) < 0)
		return rc;
	cap = 0;
	sqlite3_bind_int64(s, 1, p->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct post_pick *k;

		ARENA_GROW(a, p->picks, p->n_picks, p->n_picks + 1, cap);
		k = &p->picks[p->n_picks++];
		k->item_id = sqlite3_column_int64(s, 0);
		k->story_id = sqlite3_column_int64(s, 1);
		k->summary = store_col_text(a, s, 2);
		k->title = store_col_text(a, s, 3);
		k->url = store_col_text(a, s, 4);
		k->source = store_col_text(a, s, 5);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "read post picks");
	sqlite3_finalize(s);
	if (rc < 0)
		return rc;
	if ((rc = store_prep(st, &s, "SELECT id, time, note, user_id "
	    "FROM post_corrections WHERE post_id = ?1 ORDER BY id")) < 0)
		return rc;
	cap = 0;
	sqlite3_bind_int64(s, 1, p->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct post_correction *c;

		ARENA_GROW(a, p->corrections, p->n_corrections,
		    p->n_corrections + 1, cap);
		c = &p->corrections[p->n_corrections++];
		c->id = sqlite3_column_int64(s, 0);
		c->time = sqlite3_column_int64(s, 1);
		c->note = store_col_text(a, s, 2);
		c->user_id = sqlite3_column_int64(s, 3);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "read corrections");
	sqlite3_finalize(s);
	return rc;
}

static int
check_post(const struct post *p)
{
	if (!p->headline || !*p->headline)
		return err_set(ND_EINVAL, "store: a post needs a headline");
	if (too_long(p->headline, POST_MAX_HEADLINE) ||
	    too_long(p->deck, POST_MAX_DECK) ||
	    too_long(p->body, POST_MAX_BODY) ||
	    too_long(p->body_html, 2 * (size_t)POST_MAX_BODY) ||
	    too_long(p->dateline, POST_MAX_SHORT) ||
	    too_long(p->slug, POST_MAX_SHORT) ||
	    too_long(p->tags, POST_MAX_SHORT) ||
	    too_long(p->photo_caption, POST_MAX_SHORT * 4) ||
	    too_long(p->photo_credit, POST_MAX_SHORT))
		return err_set(ND_EINVAL, "store: a field of the post is too "
		    "long");
	if (p->n_bylines > POST_MAX_BYLINES || p->n_picks > POST_MAX_PICKS)
		return err_set(ND_EINVAL, "store: at most %d bylines and %d "
		    "picks", POST_MAX_BYLINES, POST_MAX_PICKS);
	for (size_t i = 0; i < p->n_bylines; i++)
		if (!p->bylines[i].name || !*p->bylines[i].name ||
		    too_long(p->bylines[i].name, POST_MAX_SHORT))
			return err_set(ND_EINVAL, "store: byline %zu has no "
			    "name or one too long", i + 1);
	for (size_t i = 0; i < p->n_picks; i++)
		if ((!p->picks[i].item_id && !p->picks[i].story_id) ||
		    too_long(p->picks[i].summary, POST_MAX_DECK * 4))
			return err_set(ND_EINVAL, "store: pick %zu names no item "
			    "or story, or its summary is too long", i + 1);
	if (p->kind < POST_ARTICLE || p->kind > POST_COLUMN ||
	    p->status < POST_DRAFT || p->status > POST_SUBMITTED)
		return err_set(ND_EINVAL, "store: unknown post kind or status");
	return 0;
}

static void
bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

/* ND_EAUTH unless user_id may change post id (model_post_may_edit: an
 * editor any post, a writer their own drafts); ND_ENOTFOUND. In the
 * caller's transaction. */
static int
may_edit(struct store *st, int64_t id, int64_t user_id)
{
	struct arena a;
	struct post *old = NULL;
	sqlite3_stmt *s = NULL;
	int role = USER_ROLE_NONE, rc, step;

	if ((rc = store_prep(st, &s, "SELECT role FROM users WHERE id = ?1 AND "
	    "is_disabled = 0")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, user_id);
	if ((step = sqlite3_step(s)) == SQLITE_ROW)
		role = sqlite3_column_int(s, 0);
	else if (step != SQLITE_DONE)
		rc = store_db_err(st, "read user role");
	sqlite3_finalize(s);
	if (rc < 0)
		return rc;
	arena_init(&a);
	if ((rc = store_sqlite_post_get(st, &a, id, &old)) == 0 &&
	    !model_post_may_edit(old, user_id, role))
		rc = err_set(ND_EAUTH, "store: post %lld is %s; a writer "
		    "changes only their own drafts", (long long)id,
		    old->status == POST_DRAFT || old->status == POST_SUBMITTED ?
		    "another writer's draft" : "published or scheduled");
	arena_release(&a);
	return rc;
}

int
store_sqlite_post_save(struct store *st, const struct post *p, int64_t now,
    int64_t *out_id)
{
	sqlite3_stmt *s = NULL;
	int64_t id = p->id;
	char slug[POST_MAX_SHORT + 1];
	int rc;

	if ((rc = check_post(p)) < 0)
		return rc;
	if (p->slug && *p->slug)
		model_slug(slug, 120, p->slug);
	else
		model_slug(slug, 120, p->headline);
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* a writer changes only their own drafts (model_post_may_edit),
	 * checked in the transaction that writes */
	if (id && p->edited_by && (rc = may_edit(st, id, p->edited_by)) < 0)
		goto fail;
	if (id) {
		/* the version being replaced becomes a revision */
		if ((rc = store_prep(st, &s, "INSERT INTO post_revisions (post_id, "
		    "time, user_id, status, headline, deck, body, dateline) "
		    "SELECT id, ?2, ?3, status, headline, deck, body, dateline "
		    "FROM posts WHERE id = ?1")) < 0)
			goto fail;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, p->edited_by);
		if ((rc = store_step_reset(st, s, "keep revision")) < 0)
			goto fail;
		if (sqlite3_changes(SQ(st)->db) == 0) {
			rc = err_set(ND_ENOTFOUND, "store: no post %lld",
			    (long long)id);
			goto fail;
		}
		sqlite3_finalize(s);
		s = NULL;
		if ((rc = store_prep(st, &s, "UPDATE posts SET kind = ?2, status = ?3, "
		    "slug = ?4, headline = ?5, deck = ?6, body = ?7, "
		    "body_html = ?8, dateline = ?9, section_id = ?10, "
		    "column_id = ?11, tags = ?12, photo_id = ?13, "
		    "photo_caption = ?14, photo_credit = ?15, story_id = ?16, "
		    "publish_at = ?17, published_at = ?18, "
		    "updated_at = CASE WHEN ?3 = 3 AND status = 3 THEN ?19 "
		    "ELSE updated_at END WHERE id = ?1")) < 0)
			goto fail;
		sqlite3_bind_int64(s, 1, id);
	} else {
		if ((rc = store_prep(st, &s, "INSERT INTO posts (kind, status, slug, "
		    "headline, deck, body, body_html, dateline, section_id, "
		    "column_id, tags, photo_id, photo_caption, photo_credit, "
		    "story_id, publish_at, published_at, created, updated_at, "
		    "created_by) "
		    "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
		    "?14, ?15, ?16, ?17, ?18, ?19, 0, ?20)")) < 0)
			goto fail;
		sqlite3_bind_int64(s, 20, p->edited_by);
	}
	sqlite3_bind_int(s, 2, p->kind);
	sqlite3_bind_int(s, 3, p->status);
	store_bind_text(s, 4, slug);
	store_bind_text(s, 5, p->headline);
	store_bind_text(s, 6, p->deck && *p->deck ? p->deck : NULL);
	store_bind_text(s, 7, p->body ? p->body : "");
	store_bind_text(s, 8, p->body_html ? p->body_html : "");
	store_bind_text(s, 9, p->dateline && *p->dateline ? p->dateline : NULL);
	bind_id(s, 10, p->section_id);
	bind_id(s, 11, p->column_id);
	store_bind_text(s, 12, p->tags && *p->tags ? p->tags : NULL);
	bind_id(s, 13, p->photo_id);
	store_bind_text(s, 14, p->photo_caption && *p->photo_caption ?
	    p->photo_caption : NULL);
	store_bind_text(s, 15, p->photo_credit && *p->photo_credit ?
	    p->photo_credit : NULL);
	sqlite3_bind_int64(s, 16, p->story_id);
	sqlite3_bind_int64(s, 17, p->publish_at);
	sqlite3_bind_int64(s, 18, p->published_at);
	sqlite3_bind_int64(s, 19, now);
	if ((rc = store_step_reset(st, s, id ? "update post" : "insert post")) < 0)
		goto fail;
	if (!id)
		id = sqlite3_last_insert_rowid(SQ(st)->db);
	sqlite3_finalize(s);
	s = NULL;
	/* bylines and picks: replaced */
	if ((rc = store_prep(st, &s, "DELETE FROM post_bylines WHERE post_id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step_reset(st, s, "clear bylines")) < 0)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = store_prep(st, &s, "INSERT INTO post_bylines (post_id, position, "
	    "user_id, name, slug) VALUES (?1, ?2, ?3, ?4, ?5)")) < 0)
		goto fail;
	for (size_t i = 0; i < p->n_bylines; i++) {
		char bslug[64];

		model_slug(bslug, 60, p->bylines[i].name);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(s, 3, p->bylines[i].user_id);
		store_bind_text(s, 4, p->bylines[i].name);
		store_bind_text(s, 5, bslug);
		if ((rc = store_step_reset(st, s, "add byline")) < 0)
			goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = store_prep(st, &s, "DELETE FROM post_picks WHERE post_id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step_reset(st, s, "clear picks")) < 0)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = store_prep(st, &s, "INSERT INTO post_picks (post_id, position, "
	    "item_id, story_id, summary) VALUES (?1, ?2, ?3, ?4, ?5)")) < 0)
		goto fail;
	for (size_t i = 0; i < p->n_picks; i++) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(s, 3, p->picks[i].item_id);
		sqlite3_bind_int64(s, 4, p->picks[i].story_id);
		store_bind_text(s, 5, p->picks[i].summary && *p->picks[i].summary ?
		    p->picks[i].summary : NULL);
		if ((rc = store_step_reset(st, s, "add pick")) < 0)
			goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = store_sqlite_commit(st)) < 0)
		goto fail;
	if (out_id)
		*out_id = id;
	return 0;
fail:
	sqlite3_finalize(s);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_post_get(struct store *st, struct arena *a, int64_t id,
    struct post **out)
{
	sqlite3_stmt *s = NULL;
	struct post *p = NULL;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT " POST_COLS POST_FROM
	    " WHERE p.id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		p = arena_alloc(a, sizeof(*p));
		post_from_row(a, s, p);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no post %lld", (long long)id);
	} else {
		rc = store_db_err(st, "read post");
	}
	sqlite3_finalize(s);
	if (rc < 0)
		return rc;
	if ((rc = post_fill(st, a, p)) < 0)
		return rc;
	*out = p;
	return 0;
}

int
store_sqlite_post_list(struct store *st, struct arena *a,
    const struct store_post_query *q, struct post **out, size_t *out_n)
{
	/* NULL-or-equal filters keep it one statement */
	static const char sql[] = "SELECT " POST_COLS POST_FROM
	    " WHERE (?1 = 0 OR p.status = ?1)"
	    " AND (?2 = 0 OR p.section_id = ?2)"
	    " AND (?3 = 0 OR p.column_id = ?3)"
	    " AND (?4 IS NULL OR p.id IN (SELECT post_id FROM post_bylines"
	    "  WHERE slug = ?4))"
	    " ORDER BY CASE WHEN p.status = 3 THEN p.published_at"
	    "  ELSE max(p.created, p.updated_at) END DESC, p.id DESC"
	    " LIMIT ?5 OFFSET ?6";
	sqlite3_stmt *s = NULL;
	struct post *v = NULL;
	size_t n = 0, cap = 0, limit = q->limit ? q->limit : 50;
	int rc, step;

	if (limit > 1000)
		limit = 1000;
	if ((rc = store_prep(st, &s, sql)) < 0)
		return rc;
	sqlite3_bind_int(s, 1, q->status);
	sqlite3_bind_int64(s, 2, q->section_id);
	sqlite3_bind_int64(s, 3, q->column_id);
	store_bind_text(s, 4, q->byline_slug);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)limit);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)q->offset);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		post_from_row(a, s, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list posts");
	sqlite3_finalize(s);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = post_fill(st, a, &v[i]);
	if (rc < 0)
		return rc;
	*out = v;
	*out_n = n;
	return 0;
}

int
store_sqlite_post_publish(struct store *st, int64_t id, int64_t at,
    int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (at <= now)
		rc = store_prep(st, &s, "UPDATE posts SET status = 3, publish_at = 0, "
		    "published_at = CASE WHEN published_at THEN published_at "
		    "ELSE ?2 END WHERE id = ?1");
	else
		rc = store_prep(st, &s, "UPDATE posts SET status = 2, publish_at = ?3 "
		    "WHERE id = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	if (at <= now)
		sqlite3_bind_int64(s, 2, now);
	else
		sqlite3_bind_int64(s, 3, at);
	rc = store_step_reset(st, s, "publish post");
	sqlite3_finalize(s);
	if (rc == 0 && sqlite3_changes(SQ(st)->db) == 0)
		rc = err_set(ND_ENOTFOUND, "store: no post %lld", (long long)id);
	return rc;
}

int
store_sqlite_post_set_status(struct store *st, int64_t id, int status)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (status != POST_DRAFT && status != POST_SUBMITTED)
		return err_set(ND_EINVAL, "store: a post is published with "
		    "store_post_publish");
	if ((rc = store_prep(st, &s, "UPDATE posts SET status = ?2, publish_at = 0 "
	    "WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, status);
	rc = store_step_reset(st, s, "set post status");
	sqlite3_finalize(s);
	if (rc == 0 && sqlite3_changes(SQ(st)->db) == 0)
		rc = err_set(ND_ENOTFOUND, "store: no post %lld", (long long)id);
	return rc;
}

int
store_sqlite_post_publish_due(struct store *st, int64_t now, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/* published_at is the scheduled time: the post says when it went
	 * live as planned, even if the desk was down at that moment */
	if ((rc = store_prep(st, &s, "UPDATE posts SET status = 3, "
	    "published_at = CASE WHEN published_at THEN published_at "
	    "ELSE publish_at END, publish_at = 0 "
	    "WHERE status = 2 AND publish_at <= ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, now);
	rc = store_step_reset(st, s, "publish due posts");
	if (rc == 0 && out_n)
		*out_n = (size_t)sqlite3_changes(SQ(st)->db);
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_post_correct(struct store *st, int64_t id, const char *note,
    int64_t user_id, int64_t now, int64_t *out_id)
{
	sqlite3_stmt *s = NULL;
	int rc, status = 0, step;

	if (!note || !*note || strlen(note) > POST_MAX_NOTE)
		return err_set(ND_EINVAL, "store: a correction needs a note of "
		    "at most %d bytes", POST_MAX_NOTE);
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &s, "SELECT status FROM posts WHERE id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		status = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no post %lld", (long long)id);
		goto fail;
	}
	if (step != SQLITE_ROW) {
		rc = store_db_err(st, "read post");
		goto fail;
	}
	if (status != POST_PUBLISHED) {
		rc = err_set(ND_EINVAL, "store: post %lld is not published: "
		    "edit it instead of correcting it", (long long)id);
		goto fail;
	}
	if ((rc = store_prep(st, &s, "INSERT INTO post_corrections (post_id, time, "
	    "note, user_id) VALUES (?1, ?2, ?3, ?4)")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, note);
	sqlite3_bind_int64(s, 4, user_id);
	if ((rc = store_step_reset(st, s, "add correction")) < 0)
		goto fail;
	if (out_id)
		*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
	sqlite3_finalize(s);
	s = NULL;
	/* the post changed: dateModified, and its pages are re-rendered */
	if ((rc = store_prep(st, &s, "UPDATE posts SET updated_at = ?2 "
	    "WHERE id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = store_step_reset(st, s, "mark post modified")) < 0)
		goto fail;
	sqlite3_finalize(s);
	return store_sqlite_commit(st);
fail:
	sqlite3_finalize(s);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_correction_list(struct store *st, struct arena *a, size_t limit,
    struct store_correction **out, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	struct store_correction *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT c.id, c.time, c.note, c.user_id, p.id, "
	    "p.slug, p.headline FROM post_corrections c "
	    "JOIN posts p ON p.id = c.post_id WHERE p.status = 3 "
	    "ORDER BY c.id DESC LIMIT ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)(limit ? limit : 200));
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_correction *c;

		ARENA_GROW(a, v, n, n + 1, cap);
		c = &v[n++];
		c->c.id = sqlite3_column_int64(s, 0);
		c->c.time = sqlite3_column_int64(s, 1);
		c->c.note = store_col_text(a, s, 2);
		c->c.user_id = sqlite3_column_int64(s, 3);
		c->post_id = sqlite3_column_int64(s, 4);
		c->post_slug = store_col_text(a, s, 5);
		c->post_headline = store_col_text(a, s, 6);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list corrections");
	sqlite3_finalize(s);
	*out = v;
	*out_n = n;
	return rc;
}

int
store_sqlite_post_revisions(struct store *st, struct arena *a, int64_t id,
    struct store_revision **out, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	struct store_revision *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT id, time, user_id, status, headline, "
	    "deck, body, dateline FROM post_revisions WHERE post_id = ?1 "
	    "ORDER BY id DESC LIMIT 200")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_revision *r;

		ARENA_GROW(a, v, n, n + 1, cap);
		r = &v[n++];
		r->id = sqlite3_column_int64(s, 0);
		r->time = sqlite3_column_int64(s, 1);
		r->user_id = sqlite3_column_int64(s, 2);
		r->status = sqlite3_column_int(s, 3);
		r->headline = store_col_text(a, s, 4);
		r->deck = store_col_text(a, s, 5);
		r->body = store_col_text(a, s, 6);
		r->dateline = store_col_text(a, s, 7);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list revisions");
	sqlite3_finalize(s);
	*out = v;
	*out_n = n;
	return rc;
}

int
store_sqlite_byline_find(struct store *st, struct arena *a, const char *slug,
    struct post_byline **out)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT b.user_id, b.name, b.slug "
	    "FROM post_bylines b JOIN posts p ON p.id = b.post_id "
	    "WHERE b.slug = ?1 AND p.status = 3 "
	    "ORDER BY p.published_at DESC LIMIT 1")) < 0)
		return rc;
	store_bind_text(s, 1, slug);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		struct post_byline *b = arena_alloc(a, sizeof(*b));

		b->user_id = sqlite3_column_int64(s, 0);
		b->name = store_col_text(a, s, 1);
		b->slug = store_col_text(a, s, 2);
		*out = b;
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no byline '%s'", slug);
	} else {
		rc = store_db_err(st, "find byline");
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_column_add(struct store *st, const struct column *c,
    int64_t *out_id)
{
	sqlite3_stmt *s = NULL;
	char slug[128];
	int rc;

	if (!c->name || !*c->name || too_long(c->name, POST_MAX_SHORT) ||
	    too_long(c->description, POST_MAX_DECK) ||
	    too_long(c->slug, 120))
		return err_set(ND_EINVAL, "store: a column needs a name (at most "
		    "%d bytes)", POST_MAX_SHORT);
	model_slug(slug, 120, c->slug && *c->slug ? c->slug : c->name);
	if (c->slug && *c->slug && strcmp(slug, c->slug) != 0)
		return err_set(ND_EINVAL, "store: column slug '%s': only "
		    "lower-case letters, digits and single dashes (say '%s')",
		    c->slug, slug);
	if ((rc = store_prep(st, &s, "INSERT INTO columns (slug, name, description) "
	    "VALUES (?1, ?2, ?3)")) < 0)
		return rc;
	store_bind_text(s, 1, slug);
	store_bind_text(s, 2, c->name);
	store_bind_text(s, 3, c->description && *c->description ?
	    c->description : NULL);
	if (sqlite3_step(s) != SQLITE_DONE) {
		rc = store_db_err(st, "add column");
		if (rc == ND_EEXISTS)
			rc = err_set(ND_EEXISTS, "store: column '%s' exists",
			    slug);
	} else if (out_id) {
		*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
	}
	sqlite3_finalize(s);
	return rc;
}

static void
column_from_row(struct arena *a, sqlite3_stmt *s, struct column *c)
{
	c->id = sqlite3_column_int64(s, 0);
	c->slug = store_col_text(a, s, 1);
	c->name = store_col_text(a, s, 2);
	c->description = store_col_text(a, s, 3);
}

int
store_sqlite_column_list(struct store *st, struct arena *a,
    struct column **out, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	struct column *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT id, slug, name, description "
	    "FROM columns ORDER BY name")) < 0)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		column_from_row(a, s, &v[n++]);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list columns");
	sqlite3_finalize(s);
	*out = v;
	*out_n = n;
	return rc;
}

int
store_sqlite_column_find(struct store *st, struct arena *a, const char *key,
    struct column **out)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT id, slug, name, description FROM columns "
	    "WHERE slug = ?1 OR name = ?1 ORDER BY slug = ?1 DESC LIMIT 1")) < 0)
		return rc;
	store_bind_text(s, 1, key);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		struct column *c = arena_alloc(a, sizeof(*c));

		column_from_row(a, s, c);
		*out = c;
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no column '%s'", key);
	} else {
		rc = store_db_err(st, "find column");
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_desk_photo_put(struct store *st, const struct desk_photo *ph,
    const void *original, size_t original_len, const char *original_type,
    const struct photo *variants, size_t n_variants, int64_t *out_id)
{
	sqlite3_stmt *s = NULL;
	char widths[64] = "";
	size_t wl = 0;
	int rc;

	if (!ph->token || !original || !original_len || !original_type ||
	    !n_variants)
		return err_set(ND_EINVAL, "store: a desk photo needs a token, "
		    "its original and variants");
	for (size_t i = 0; i < DESK_PHOTO_MAX_WIDTHS && ph->widths[i]; i++)
		wl += (size_t)snprintf(widths + wl, sizeof(widths) - wl, "%s%d",
		    i ? "," : "", ph->widths[i]);
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &s, "INSERT INTO desk_photos (token, width, height, "
	    "widths, original_type, original, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) < 0)
		goto fail;
	store_bind_text(s, 1, ph->token);
	sqlite3_bind_int(s, 2, ph->width);
	sqlite3_bind_int(s, 3, ph->height);
	store_bind_text(s, 4, widths);
	store_bind_text(s, 5, original_type);
	sqlite3_bind_blob64(s, 6, original, (sqlite3_uint64)original_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, ph->created);
	if ((rc = store_step_reset(st, s, "add desk photo")) < 0)
		goto fail;
	if (out_id)
		*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
	sqlite3_finalize(s);
	s = NULL;
	for (size_t i = 0; i < n_variants; i++)
		if ((rc = store_sqlite_media_put(st, &variants[i])) < 0)
			goto fail;
	return store_sqlite_commit(st);
fail:
	sqlite3_finalize(s);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_desk_photo_get(struct store *st, struct arena *a, int64_t id,
    struct desk_photo **out)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT id, token, width, height, widths, "
	    "created FROM desk_photos WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		struct desk_photo *ph = arena_zalloc(a, sizeof(*ph));

		ph->id = sqlite3_column_int64(s, 0);
		ph->token = store_col_text(a, s, 1);
		ph->width = sqlite3_column_int(s, 2);
		ph->height = sqlite3_column_int(s, 3);
		widths_parse((const char *)sqlite3_column_text(s, 4),
		    ph->widths);
		ph->created = sqlite3_column_int64(s, 5);
		*out = ph;
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no desk photo %lld",
		    (long long)id);
	} else {
		rc = store_db_err(st, "read desk photo");
	}
	sqlite3_finalize(s);
	return rc;
}
