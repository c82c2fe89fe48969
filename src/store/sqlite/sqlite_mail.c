/*
 * sqlite_mail: subscribers, their tokens and the mail queue (issue 11),
 * for the SQLite backend. Statements are prepared per call: each runs once
 * per sign-up, per click or per mail sent, next to an SMTP round trip.
 *
 * The queue's state machine is the delivery guarantee: a claim moves one
 * row from queued to sending with a lease in a write transaction (so two
 * senders never hold the same row), and only the sender's outcome
 * (mail_done) moves it on. A sender killed mid-send leaves that one row
 * sending; once its lease runs out it is claimed again and sent with the
 * same Message-ID.
 */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

static int
queue_mail(struct store *st, int64_t sub_id, const char *kind,
    const char *message_id, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "INSERT INTO mail_queue (subscriber_id, "
	    "kind, message_id, created, next_attempt_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?4)")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, sub_id);
	store_bind_text(stmt, 2, kind);
	store_bind_text(stmt, 3, message_id);
	sqlite3_bind_int64(stmt, 4, now);
	return store_step_final(st, stmt, "queue mail");
}

static int
set_lists(struct store *st, int64_t id, const char *const *lists, size_t n)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "DELETE FROM subscriptions "
	    "WHERE subscriber_id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = store_step_final(st, stmt, "clear lists")) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_prep(st, &stmt, "INSERT OR IGNORE INTO "
		    "subscriptions (subscriber_id, list) VALUES (?1, ?2)")) < 0)
			return rc;
		sqlite3_bind_int64(stmt, 1, id);
		store_bind_text(stmt, 2, lists[i]);
		if ((rc = store_step_final(st, stmt, "add list")) < 0)
			return rc;
	}
	return 0;
}

int
store_sqlite_sub_signup(struct store *st, const struct store_signup *s,
    bool *out_queued)
{
	sqlite3_stmt *stmt = NULL;
	int64_t id = 0, last_mailed = 0;
	int status = -1, rc, step;
	const char *kind = NULL;

	*out_queued = false;
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "SELECT id, status, last_mailed "
	    "FROM subscribers WHERE email = ?1")) < 0)
		goto fail;
	store_bind_text(stmt, 1, s->email);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		status = sqlite3_column_int(stmt, 1);
		last_mailed = sqlite3_column_int64(stmt, 2);
	} else if (step != SQLITE_DONE) {
		rc = store_db_err(st, "find subscriber");
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc < 0)
		goto fail;
	if (status < 0) {
		if ((rc = store_prep(st, &stmt, "INSERT INTO subscribers (email, "
		    "status, created) VALUES (?1, 0, ?2)")) < 0)
			goto fail;
		store_bind_text(stmt, 1, s->email);
		sqlite3_bind_int64(stmt, 2, s->now);
		if ((rc = store_step_final(st, stmt, "add subscriber")) < 0)
			goto fail;
		id = sqlite3_last_insert_rowid(SQ(st)->db);
		status = SUB_PENDING;
		last_mailed = 0;
	}
	switch (status) {
	case SUB_PENDING:
	case SUB_UNSUBSCRIBED:
		/* what they asked for now; it takes effect when confirmed */
		if ((rc = set_lists(st, id, s->lists, s->n_lists)) < 0)
			goto fail;
		if ((rc = store_prep(st, &stmt, "UPDATE subscribers SET status = 0 "
		    "WHERE id = ?1")) < 0)
			goto fail;
		sqlite3_bind_int64(stmt, 1, id);
		if ((rc = store_step_final(st, stmt, "reset subscriber")) < 0)
			goto fail;
		kind = "confirm";
		break;
	case SUB_ACTIVE:
		kind = "notice";
		break;
	default:
		break;                  /* bounced, suppressed: never mailed */
	}
	if (kind && last_mailed > 0 && last_mailed > s->now - s->quiet_s)
		kind = NULL;
	if (kind) {
		if ((rc = queue_mail(st, id, kind, s->message_id, s->now)) < 0)
			goto fail;
		if ((rc = store_prep(st, &stmt, "UPDATE subscribers SET "
		    "last_mailed = ?2 WHERE id = ?1")) < 0)
			goto fail;
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, s->now);
		if ((rc = store_step_final(st, stmt, "mark mailed")) < 0)
			goto fail;
		*out_queued = true;
	}
	return store_sqlite_commit(st);
fail:
	store_sqlite_rollback(st);
	*out_queued = false;
	return rc;
}

static int
read_lists(struct store *st, struct arena *a, struct subscriber *s)
{
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;
	int rc, step;

	if ((rc = store_prep(st, &stmt, "SELECT list FROM subscriptions "
	    "WHERE subscriber_id = ?1 ORDER BY list")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, s->id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (s->n_lists == cap) {
			const char **v;

			cap = cap ? cap * 2 : 8;
			v = arena_alloc(a, cap * sizeof(*v));
			if (s->n_lists)
				memcpy(v, s->lists, s->n_lists * sizeof(*v));
			s->lists = v;
		}
		s->lists[s->n_lists++] = store_col_text(a, stmt, 0);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "read lists");
	sqlite3_finalize(stmt);
	return rc;
}

#define SUB_COLS "s.id, s.email, s.status, s.created, s.confirmed_at, " \
	"s.last_mailed, s.soft_bounces, s.hard_bounces "

static int
sub_row(struct store *st, struct arena *a, sqlite3_stmt *stmt,
    struct subscriber **out)
{
	struct subscriber *s;
	int step = sqlite3_step(stmt);

	if (step == SQLITE_DONE)
		return err_set(ND_ENOTFOUND, "store: no such subscriber");
	if (step != SQLITE_ROW)
		return store_db_err(st, "read subscriber");
	s = arena_zalloc(a, sizeof(*s));
	s->id = sqlite3_column_int64(stmt, 0);
	s->email = store_col_text(a, stmt, 1);
	s->status = sqlite3_column_int(stmt, 2);
	s->created = sqlite3_column_int64(stmt, 3);
	s->confirmed_at = sqlite3_column_int64(stmt, 4);
	s->last_mailed = sqlite3_column_int64(stmt, 5);
	s->soft_bounces = sqlite3_column_int(stmt, 6);
	s->hard_bounces = sqlite3_column_int(stmt, 7);
	*out = s;
	return 0;
}

int
store_sqlite_sub_get(struct store *st, struct arena *a, int64_t id,
    const char *email, struct subscriber **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, "SELECT " SUB_COLS "FROM subscribers s "
	    "WHERE s.id = ?1 OR s.email = ?2")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, email);
	rc = sub_row(st, a, stmt, out);
	sqlite3_finalize(stmt);
	if (rc == 0)
		rc = read_lists(st, a, *out);
	return rc;
}

int
store_sqlite_sub_token_add(struct store *st, int64_t sub_id, int kind,
    const char *hash, int64_t expires)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "INSERT OR REPLACE INTO sub_tokens "
	    "(hash, subscriber_id, kind, expires) VALUES (?1, ?2, ?3, ?4)")) < 0)
		return rc;
	store_bind_text(stmt, 1, hash);
	sqlite3_bind_int64(stmt, 2, sub_id);
	sqlite3_bind_int(stmt, 3, kind);
	sqlite3_bind_int64(stmt, 4, expires);
	return store_step_final(st, stmt, "add token");
}

int
store_sqlite_sub_token_find(struct store *st, struct arena *a,
    const char *hash, int kind, int64_t now, struct subscriber **out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, "SELECT " SUB_COLS "FROM sub_tokens t "
	    "JOIN subscribers s ON s.id = t.subscriber_id "
	    "WHERE t.hash = ?1 AND t.kind = ?2 AND t.expires > ?3")) < 0)
		return rc;
	store_bind_text(stmt, 1, hash);
	sqlite3_bind_int(stmt, 2, kind);
	sqlite3_bind_int64(stmt, 3, now);
	rc = sub_row(st, a, stmt, out);
	sqlite3_finalize(stmt);
	if (rc == 0)
		rc = read_lists(st, a, *out);
	return rc;
}

int
store_sqlite_sub_confirm(struct store *st, const char *hash, int64_t now,
    int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	int64_t id = 0;
	int rc, step;

	*out_id = 0;
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "SELECT subscriber_id FROM sub_tokens "
	    "WHERE hash = ?1 AND kind = 1 AND expires > ?2")) < 0)
		goto fail;
	store_bind_text(stmt, 1, hash);
	sqlite3_bind_int64(stmt, 2, now);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	else if (step == SQLITE_DONE)
		rc = err_set(ND_ENOTFOUND, "store: unknown or expired token");
	else
		rc = store_db_err(st, "find token");
	sqlite3_finalize(stmt);
	if (rc < 0)
		goto fail;
	/* only a pending address becomes active: a confirm link kept from
	 * before an unsubscribe or a bounce does not bring it back */
	if ((rc = store_prep(st, &stmt, "UPDATE subscribers SET status = 1, "
	    "confirmed_at = ?2 WHERE id = ?1 AND status = 0")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	if ((rc = store_step_final(st, stmt, "confirm")) < 0)
		goto fail;
	if ((rc = store_prep(st, &stmt, "DELETE FROM sub_tokens WHERE "
	    "subscriber_id = ?1 AND kind = 1")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = store_step_final(st, stmt, "spend token")) < 0)
		goto fail;
	*out_id = id;
	return store_sqlite_commit(st);
fail:
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_sub_set_lists(struct store *st, int64_t id,
    const char *const *lists, size_t n)
{
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = set_lists(st, id, lists, n)) < 0)
		goto fail;
	if (n == 0) {
		sqlite3_stmt *stmt = NULL;

		/* leaving: a bounced or suppressed address keeps its status
		 * (it must never look like one that may come back) */
		if ((rc = store_prep(st, &stmt, "UPDATE subscribers SET status = 2 "
		    "WHERE id = ?1 AND status IN (0, 1)")) < 0)
			goto fail;
		sqlite3_bind_int64(stmt, 1, id);
		if ((rc = store_step_final(st, stmt, "unsubscribe")) < 0)
			goto fail;
	}
	return store_sqlite_commit(st);
fail:
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_sub_set_status(struct store *st, int64_t id, int status)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "UPDATE subscribers SET status = ?2 "
	    "WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, status);
	if ((rc = store_step_final(st, stmt, "set subscriber status")) < 0)
		return rc;
	if (sqlite3_changes(SQ(st)->db) == 0)
		return err_set(ND_ENOTFOUND, "store: no subscriber %lld",
		    (long long)id);
	return 0;
}

int
store_sqlite_sub_bounce(struct store *st, int64_t id, bool is_hard,
    int hard_status, int soft_limit, const char *dsn_status, int64_t now,
    int *out_status)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	/* a soft bounce counts; the address goes at soft_limit of them */
	if ((rc = store_prep(st, &stmt, is_hard ?
	    "UPDATE subscribers SET hard_bounces = hard_bounces + 1, "
	    "status = ?2, last_bounce = ?4, last_bounce_status = ?5 "
	    "WHERE id = ?1 RETURNING status" :
	    "UPDATE subscribers SET soft_bounces = soft_bounces + 1, "
	    "status = CASE WHEN soft_bounces + 1 >= ?3 AND status IN (0, 1) "
	    "THEN 3 ELSE status END, last_bounce = ?4, "
	    "last_bounce_status = ?5 WHERE id = ?1 RETURNING status")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, hard_status);
	sqlite3_bind_int(stmt, 3, soft_limit);
	sqlite3_bind_int64(stmt, 4, now);
	store_bind_text(stmt, 5, dsn_status);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (out_status)
			*out_status = sqlite3_column_int(stmt, 0);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no subscriber %lld",
		    (long long)id);
	} else {
		rc = store_db_err(st, "record bounce");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_sub_expire(struct store *st, int64_t before, int64_t now,
    size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (out_n)
		*out_n = 0;
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* their queued mail goes with them (ON DELETE CASCADE) */
	if ((rc = store_prep(st, &stmt, "DELETE FROM subscribers WHERE "
	    "status = 0 AND created < ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, before);
	if ((rc = store_step_final(st, stmt, "expire sign-ups")) < 0)
		goto fail;
	if (out_n)
		*out_n = (size_t)sqlite3_changes(SQ(st)->db);
	if ((rc = store_prep(st, &stmt, "DELETE FROM sub_tokens "
	    "WHERE expires <= ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, now);
	if ((rc = store_step_final(st, stmt, "expire tokens")) < 0)
		goto fail;
	return store_sqlite_commit(st);
fail:
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_sub_counts(struct store *st, size_t out[5])
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	memset(out, 0, 5 * sizeof(out[0]));
	if ((rc = store_prep(st, &stmt, "SELECT status, count(*) FROM "
	    "subscribers GROUP BY status")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int s = sqlite3_column_int(stmt, 0);

		if (s >= 0 && s < 5)
			out[s] = (size_t)sqlite3_column_int64(stmt, 1);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "count subscribers");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_mail_content_add(struct store *st, const char *kind,
    const char *list, const char *subject, const char *text,
    const char *html, int64_t now, int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "INSERT INTO mail_content (kind, list, "
	    "created, subject, text, html) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) < 0)
		return rc;
	store_bind_text(stmt, 1, kind);
	store_bind_text(stmt, 2, list);
	sqlite3_bind_int64(stmt, 3, now);
	store_bind_text(stmt, 4, subject);
	store_bind_text(stmt, 5, text);
	store_bind_text(stmt, 6, html);
	if ((rc = store_step_final(st, stmt, "store mail content")) < 0)
		return rc;
	*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
	return 0;
}

int
store_sqlite_digest_enqueue(struct store *st, int64_t content_id,
    const char *list, const char *msgid_domain, int64_t now, size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out_n = 0;
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* one row per active subscriber; the Message-ID is fixed here, so
	 * a retry after a crash is the same message to the receiver */
	if ((rc = store_prep(st, &stmt, "INSERT OR IGNORE INTO mail_queue "
	    "(subscriber_id, kind, content_id, message_id, created, "
	    "next_attempt_at) SELECT s.id, 'digest', ?1, '<' || "
	    "lower(hex(randomblob(12))) || '.' || s.id || '.' || ?1 || '@' || "
	    "?3 || '>', ?4, ?4 FROM subscribers s JOIN subscriptions l ON "
	    "l.subscriber_id = s.id AND l.list = ?2 WHERE s.status = 1 "
	    "ORDER BY s.id")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, content_id);
	store_bind_text(stmt, 2, list);
	store_bind_text(stmt, 3, msgid_domain);
	sqlite3_bind_int64(stmt, 4, now);
	if ((rc = store_step_final(st, stmt, "queue digest")) < 0)
		goto fail;
	*out_n = (size_t)sqlite3_changes(SQ(st)->db);
	if ((rc = store_prep(st, &stmt, "INSERT INTO digest_runs (list, last_at, "
	    "content_id) VALUES (?1, ?2, ?3) ON CONFLICT (list) DO UPDATE "
	    "SET last_at = ?2, content_id = ?3")) < 0)
		goto fail;
	store_bind_text(stmt, 1, list);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, content_id);
	if ((rc = store_step_final(st, stmt, "record digest run")) < 0)
		goto fail;
	return store_sqlite_commit(st);
fail:
	store_sqlite_rollback(st);
	*out_n = 0;
	return rc;
}

int
store_sqlite_digest_last(struct store *st, const char *list, int64_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out = 0;
	if ((rc = store_prep(st, &stmt, "SELECT last_at FROM digest_runs "
	    "WHERE list = ?1")) < 0)
		return rc;
	store_bind_text(stmt, 1, list);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else if (step != SQLITE_DONE)
		rc = store_db_err(st, "read digest run");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_list_count(struct store *st, const char *list, size_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = 0;
	if ((rc = store_prep(st, &stmt, "SELECT count(*) FROM subscriptions l "
	    "JOIN subscribers s ON s.id = l.subscriber_id "
	    "WHERE l.list = ?1 AND s.status = 1")) < 0)
		return rc;
	store_bind_text(stmt, 1, list);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(stmt, 0);
	else
		rc = store_db_err(st, "count list");
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- the queue ---- */

struct window {
	const char *name;
	int64_t len;
	int limit;
};

/* Whether each window has room; counts one mail in each when it has.
 * *out_wait is the start of the next window when one is full. */
static int
windows_take(struct store *st, int64_t now, const struct window *w, size_t n,
    bool *out_ok, int64_t *out_wait)
{
	sqlite3_stmt *stmt = NULL;
	int64_t count[3] = { 0 };
	int rc, step;

	*out_ok = true;
	for (size_t i = 0; i < n; i++) {
		int64_t start = now - now % w[i].len;

		if ((rc = store_prep(st, &stmt, "SELECT n FROM mail_windows "
		    "WHERE name = ?1 AND start = ?2")) < 0)
			return rc;
		store_bind_text(stmt, 1, w[i].name);
		sqlite3_bind_int64(stmt, 2, start);
		if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
			count[i] = sqlite3_column_int64(stmt, 0);
		else if (step != SQLITE_DONE)
			rc = store_db_err(st, "read send window");
		sqlite3_finalize(stmt);
		if (rc < 0)
			return rc;
		if (w[i].limit > 0 && count[i] >= w[i].limit) {
			*out_ok = false;
			if (start + w[i].len > *out_wait)
				*out_wait = start + w[i].len;
		}
	}
	if (!*out_ok)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int64_t start = now - now % w[i].len;

		if ((rc = store_prep(st, &stmt, "INSERT INTO mail_windows (name, "
		    "start, n) VALUES (?1, ?2, 1) ON CONFLICT (name) DO UPDATE "
		    "SET n = CASE WHEN start = ?2 THEN n + 1 ELSE 1 END, "
		    "start = ?2")) < 0)
			return rc;
		store_bind_text(stmt, 1, w[i].name);
		sqlite3_bind_int64(stmt, 2, start);
		if ((rc = store_step_final(st, stmt, "count send window")) < 0)
			return rc;
	}
	return 0;
}

#define CLAIM_SQL "SELECT q.id, q.subscriber_id, s.email, q.kind, " \
	"s.status, q.message_id, q.attempts, q.created, " \
	"coalesce(q.content_id, 0), c.subject, c.text, c.html " \
	"FROM mail_queue q JOIN subscribers s ON s.id = q.subscriber_id " \
	"LEFT JOIN mail_content c ON c.id = q.content_id "

int
store_sqlite_mail_claim(struct store *st, struct arena *a, int64_t now,
    int lease_s, const struct store_mail_limits *lim, struct mail_msg **out,
    int64_t *out_wait)
{
	const struct window w[3] = {
		{ "minute", 60, lim ? lim->per_minute : 0 },
		{ "hour", 3600, lim ? lim->per_hour : 0 },
		{ "day", 86400, lim ? lim->per_day : 0 },
	};
	sqlite3_stmt *stmt = NULL;
	struct mail_msg *m = NULL;
	int64_t wait = 0;
	bool ok;
	int rc, step;

	*out = NULL;
	if (out_wait)
		*out_wait = 0;
	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	/* A sender that died leaves its mail sending: taken again once the
	 * lease is over; then the oldest due. Each query walks an index
	 * (state, lease_until / next_attempt_at), so a claim costs the same
	 * with ten or a million mails queued. */
	for (int pass = 0; pass < 2 && !m; pass++) {
		if ((rc = store_prep(st, &stmt, pass == 0 ? CLAIM_SQL
		    "WHERE q.state = 1 AND q.lease_until <= ?1 "
		    "ORDER BY q.lease_until, q.id LIMIT 1" : CLAIM_SQL
		    "WHERE q.state = 0 AND q.next_attempt_at <= ?1 "
		    "ORDER BY q.next_attempt_at, q.id LIMIT 1")) < 0)
			goto fail;
		sqlite3_bind_int64(stmt, 1, now);
		if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
			m = arena_zalloc(a, sizeof(*m));
			m->id = sqlite3_column_int64(stmt, 0);
			m->subscriber_id = sqlite3_column_int64(stmt, 1);
			m->email = store_col_text(a, stmt, 2);
			m->kind = store_col_text(a, stmt, 3);
			m->sub_status = sqlite3_column_int(stmt, 4);
			m->message_id = store_col_text(a, stmt, 5);
			m->attempts = sqlite3_column_int(stmt, 6) + 1;
			m->created = sqlite3_column_int64(stmt, 7);
			m->content_id = sqlite3_column_int64(stmt, 8);
			m->subject = store_col_text(a, stmt, 9);
			m->text = store_col_text(a, stmt, 10);
			m->html = store_col_text(a, stmt, 11);
		} else if (step != SQLITE_DONE) {
			rc = store_db_err(st, "claim mail");
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
		if (rc < 0)
			goto fail;
		/* Mail to someone who left (or bounced) since it was queued
		 * is dropped, not sent; then look again. */
		if (m && m->sub_status >= SUB_UNSUBSCRIBED) {
			if ((rc = store_prep(st, &stmt, "UPDATE mail_queue SET "
			    "state = 3, last_error = 'subscriber is not active' "
			    "WHERE id = ?1")) < 0)
				goto fail;
			sqlite3_bind_int64(stmt, 1, m->id);
			if ((rc = store_step_final(st, stmt, "drop mail")) < 0)
				goto fail;
			m = NULL;
			pass = -1;
		}
	}
	if (!m) {
		/* nothing due: when is the next? */
		if ((rc = store_prep(st, &stmt, "SELECT min(CASE state WHEN 0 "
		    "THEN next_attempt_at ELSE lease_until END) FROM mail_queue "
		    "WHERE state IN (0, 1)")) < 0)
			goto fail;
		if (sqlite3_step(stmt) == SQLITE_ROW)
			wait = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
		if (out_wait)
			*out_wait = wait;
		return store_sqlite_commit(st);
	}
	if ((rc = windows_take(st, now, w, 3, &ok, &wait)) < 0)
		goto fail;
	if (!ok) {
		if (out_wait)
			*out_wait = wait;
		return store_sqlite_commit(st);
	}
	if ((rc = store_prep(st, &stmt, "UPDATE mail_queue SET state = 1, "
	    "lease_until = ?2, attempts = attempts + 1 WHERE id = ?1")) < 0)
		goto fail;
	sqlite3_bind_int64(stmt, 1, m->id);
	sqlite3_bind_int64(stmt, 2, now + lease_s);
	if ((rc = store_step_final(st, stmt, "lease mail")) < 0)
		goto fail;
	if ((rc = store_sqlite_commit(st)) < 0)
		return rc;
	*out = m;
	return 0;
fail:
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_mail_done(struct store *st, int64_t id, int state,
    int64_t next_attempt_at, const char *error, int code, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	/* an error stays recorded after a later success: `mail status`
	 * shows the last one and when it happened */
	if ((rc = store_prep(st, &stmt, "UPDATE mail_queue SET state = ?2, "
	    "next_attempt_at = ?3, last_error = coalesce(?4, last_error), "
	    "last_code = CASE WHEN ?4 IS NULL THEN last_code ELSE ?5 END, "
	    "last_error_at = CASE WHEN ?4 IS NULL THEN last_error_at "
	    "ELSE ?6 END, "
	    "sent_at = CASE WHEN ?2 = 2 THEN ?6 ELSE sent_at END, "
	    "lease_until = 0 WHERE id = ?1 AND state = 1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, state);
	sqlite3_bind_int64(stmt, 3, next_attempt_at);
	store_bind_text(stmt, 4, error);
	sqlite3_bind_int(stmt, 5, code);
	sqlite3_bind_int64(stmt, 6, now);
	return store_step_final(st, stmt, "record mail outcome");
}

int
store_sqlite_mail_status(struct store *st, struct arena *a, int64_t now,
    struct store_mail_status *out)
{
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;
	int rc, step;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prep(st, &stmt, "SELECT kind, state, count(*) FROM "
	    "mail_queue GROUP BY kind, state ORDER BY kind, state")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (out->n_rows == cap) {
			struct store_mail_row *v;

			cap = cap ? cap * 2 : 16;
			v = arena_alloc(a, cap * sizeof(*v));
			if (out->n_rows)
				memcpy(v, out->rows, out->n_rows * sizeof(*v));
			out->rows = v;
		}
		out->rows[out->n_rows++] = (struct store_mail_row){
			.kind = store_col_text(a, stmt, 0),
			.state = sqlite3_column_int(stmt, 1),
			.n = (size_t)sqlite3_column_int64(stmt, 2),
		};
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "mail status");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "SELECT count(*), (SELECT min("
	    "next_attempt_at) FROM mail_queue WHERE state = 0 AND "
	    "next_attempt_at > ?1) FROM mail_queue WHERE state = 0 AND "
	    "next_attempt_at <= ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, now);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		out->due = (size_t)sqlite3_column_int64(stmt, 0);
		out->next_attempt = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if ((rc = store_prep(st, &stmt, "SELECT last_error, last_code, "
	    "last_error_at, kind FROM mail_queue WHERE last_error IS NOT NULL "
	    "ORDER BY last_error_at DESC, id DESC LIMIT 1")) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		out->last_error = store_col_text(a, stmt, 0);
		out->last_code = sqlite3_column_int(stmt, 1);
		out->last_error_at = sqlite3_column_int64(stmt, 2);
		out->last_error_kind = store_col_text(a, stmt, 3);
	}
	sqlite3_finalize(stmt);
	return 0;
}

int
store_sqlite_mail_secret(struct store *st, unsigned char out[32])
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "SELECT key FROM mail_secret "
	    "WHERE id = 1")) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_bytes(stmt, 0) == 32)
		memcpy(out, sqlite3_column_blob(stmt, 0), 32);
	else
		rc = err_set(ND_EIO, "store: no mail secret");
	sqlite3_finalize(stmt);
	return rc;
}
