/*
 * sqlite_breaking: breaking-news alerts (issue 11). A row of
 * post_breaking is an editor's request to mail a post to the breaking
 * list; queued_at is set in the same transaction that stores the alert
 * and queues one mail per active subscriber, and only while it is 0, so
 * however often the action is repeated (or how many senders race), a
 * post is sent as breaking news once. Contracts in store.h.
 */
#include <sqlite3.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

int
store_sqlite_breaking_get(struct store *st, int64_t post_id,
    struct store_breaking *out)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT requested_at, requested_by, queued_at, "
	    "n_queued FROM post_breaking WHERE post_id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, post_id);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		out->requested_at = sqlite3_column_int64(s, 0);
		out->requested_by = sqlite3_column_int64(s, 1);
		out->queued_at = sqlite3_column_int64(s, 2);
		out->n_queued = (size_t)sqlite3_column_int64(s, 3);
	} else if (step != SQLITE_DONE) {
		rc = store_db_err(st, "read breaking alert");
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_breaking_request(struct store *st, int64_t post_id,
    int64_t user_id, int64_t now, struct store_breaking *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->post_id = post_id;
	if ((rc = store_prep(st, &s, "INSERT OR IGNORE INTO post_breaking (post_id, "
	    "requested_at, requested_by) SELECT id, ?2, ?3 FROM posts "
	    "WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, post_id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, user_id);
	if ((rc = store_step_final(st, s, "request breaking alert")) < 0)
		return rc;
	if ((rc = store_sqlite_breaking_get(st, post_id, out)) < 0)
		return rc;
	if (!out->requested_at)
		return err_set(ND_ENOTFOUND, "store: no post %lld",
		    (long long)post_id);
	return 0;
}

int
store_sqlite_breaking_pending(struct store *st, struct arena *a, size_t max,
    int64_t **out, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	if ((rc = store_prep(st, &s, "SELECT b.post_id FROM post_breaking b JOIN "
	    "posts p ON p.id = b.post_id WHERE b.queued_at = 0 AND "
	    "p.status = 3 ORDER BY b.requested_at, b.post_id LIMIT ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		v[n++] = sqlite3_column_int64(s, 0);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list breaking alerts");
	sqlite3_finalize(s);
	if (rc == 0) {
		*out = v;
		*out_n = n;
	}
	return rc;
}

int
store_sqlite_breaking_enqueue(struct store *st, int64_t post_id,
    const char *subject, const char *text, const char *html,
    const char *msgid_domain, int64_t now, size_t *out_n)
{
	sqlite3_stmt *s = NULL;
	int64_t content_id;
	size_t n;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* claim the alert first: a second sender, or a repeated action,
	 * finds it taken and queues nothing */
	if ((rc = store_prep(st, &s, "UPDATE post_breaking SET queued_at = ?2 "
	    "WHERE post_id = ?1 AND queued_at = 0")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, post_id);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = store_step_final(st, s, "claim breaking alert")) < 0)
		goto fail;
	if (sqlite3_changes(SQ(st)->db) == 0) {
		rc = err_set(ND_EEXISTS, "store: post %lld was sent as breaking "
		    "news already (or was never asked to be)",
		    (long long)post_id);
		goto fail;
	}
	if ((rc = store_prep(st, &s, "INSERT INTO mail_content (kind, list, created, "
	    "subject, text, html) VALUES ('breaking', 'breaking', ?1, ?2, ?3, "
	    "?4)")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	store_bind_text(s, 2, subject);
	store_bind_text(s, 3, text);
	store_bind_text(s, 4, html);
	if ((rc = store_step_final(st, s, "store breaking alert")) < 0)
		goto fail;
	content_id = sqlite3_last_insert_rowid(SQ(st)->db);
	/* one row per confirmed subscriber of the list; UNIQUE
	 * (subscriber_id, content_id) keeps it one */
	if ((rc = store_prep(st, &s, "INSERT OR IGNORE INTO mail_queue "
	    "(subscriber_id, kind, content_id, message_id, created, "
	    "next_attempt_at) SELECT s.id, 'breaking', ?1, '<' || "
	    "lower(hex(randomblob(12))) || '.' || s.id || '.' || ?1 || '@' || "
	    "?2 || '>', ?3, ?3 FROM subscribers s JOIN subscriptions l ON "
	    "l.subscriber_id = s.id AND l.list = 'breaking' WHERE s.status = 1 "
	    "ORDER BY s.id")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, content_id);
	store_bind_text(s, 2, msgid_domain);
	sqlite3_bind_int64(s, 3, now);
	if ((rc = store_step_final(st, s, "queue breaking alert")) < 0)
		goto fail;
	n = (size_t)sqlite3_changes(SQ(st)->db);
	if ((rc = store_prep(st, &s, "UPDATE post_breaking SET content_id = ?2, "
	    "n_queued = ?3 WHERE post_id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(s, 1, post_id);
	sqlite3_bind_int64(s, 2, content_id);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)n);
	if ((rc = store_step_final(st, s, "record breaking alert")) < 0)
		goto fail;
	if ((rc = store_sqlite_commit(st)) < 0)
		goto fail;
	*out_n = n;
	return 0;
fail:
	store_sqlite_rollback(st);
	return rc;
}
