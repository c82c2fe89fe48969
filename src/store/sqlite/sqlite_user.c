/*
 * sqlite_user: desk accounts, sessions, sign-in throttling and the audit
 * log (issue 10; the schema is in the users migration). The store keeps
 * only what auth/ hands it: a password's argon2id hash string, a
 * session's hash (never its id), a throttle key that is itself a hash.
 * Statements are prepared per call: these run once per desk request or
 * command, never on the public pages' path.
 */
#include <sqlite3.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/sqlite/sqlite_int.h"
#include "core/banned.h"

#define AUDIT_MAX_TEXT 1000

#define USER_COLS \
	"u.id, u.email, u.name, u.role, u.is_disabled, u.created," \
	" u.password_changed_at, u.last_login"

static void
user_from_row(struct arena *a, sqlite3_stmt *stmt, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(stmt, 0);
	u->email = store_col_text(a, stmt, 1);
	u->name = store_col_text(a, stmt, 2);
	u->role = sqlite3_column_int(stmt, 3);
	u->is_disabled = sqlite3_column_int(stmt, 4) != 0;
	u->created = sqlite3_column_int64(stmt, 5);
	u->password_changed_at = sqlite3_column_int64(stmt, 6);
	u->last_login = sqlite3_column_int64(stmt, 7);
}

int
store_sqlite_user_add(struct store *st, const struct user *u,
    const char *pwhash, int64_t now, int64_t *out_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "INSERT INTO users (email, name, role, "
	    "pwhash, is_disabled, created, password_changed_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)")) < 0)
		return rc;
	store_bind_text(stmt, 1, u->email);
	store_bind_text(stmt, 2, u->name);
	sqlite3_bind_int(stmt, 3, u->role);
	store_bind_text(stmt, 4, pwhash);
	sqlite3_bind_int(stmt, 5, u->is_disabled);
	sqlite3_bind_int64(stmt, 6, now);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = store_db_err(st, "add user");
		if (rc == ND_EEXISTS)
			rc = err_set(ND_EEXISTS, "store: a user with this "
			    "email exists");
	} else if (out_id) {
		*out_id = sqlite3_last_insert_rowid(SQ(st)->db);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_user_get(struct store *st, struct arena *a, int64_t id,
    const char *email, struct user **out, const char **out_pwhash)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, email ?
	    "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.email = ?1" :
	    "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.id = ?2")) < 0)
		return rc;
	store_bind_text(stmt, 1, email);
	sqlite3_bind_int64(stmt, 2, id);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = arena_zalloc(a, sizeof(**out));
		user_from_row(a, stmt, *out);
		if (out_pwhash)
			*out_pwhash = store_col_text(a, stmt, 8);
	} else if (step == SQLITE_DONE) {
		rc = err_set(ND_ENOTFOUND, "store: no such user");
	} else {
		rc = store_db_err(st, "get user");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_user_list(struct store *st, struct arena *a, struct user **out,
    size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct user *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT " USER_COLS ", (SELECT count(*) "
	    "FROM sessions s WHERE s.user_id = u.id) FROM users u "
	    "ORDER BY u.email")) < 0)
		return rc;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		user_from_row(a, stmt, &v[n]);
		v[n++].n_sessions = (size_t)sqlite3_column_int64(stmt, 8);
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list users");
	sqlite3_finalize(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}

int
store_sqlite_user_update(struct store *st, const struct user *u,
    const char *pwhash, int64_t now, const unsigned char *keep)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "UPDATE users SET name = ?2, role = ?3, "
	    "is_disabled = ?4, pwhash = coalesce(?5, pwhash), "
	    "password_changed_at = CASE WHEN ?5 IS NULL "
	    "THEN password_changed_at ELSE ?6 END WHERE id = ?1")) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, u->id);
	store_bind_text(stmt, 2, u->name);
	sqlite3_bind_int(stmt, 3, u->role);
	sqlite3_bind_int(stmt, 4, u->is_disabled);
	store_bind_text(stmt, 5, pwhash);
	sqlite3_bind_int64(stmt, 6, now);
	if ((rc = store_step_reset(st, stmt, "update user")) < 0)
		goto out;
	if (sqlite3_changes(SQ(st)->db) == 0) {
		rc = err_set(ND_ENOTFOUND, "store: no user %lld",
		    (long long)u->id);
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* a disabled account or a new password ends every other session */
	if (u->is_disabled || pwhash) {
		if ((rc = store_prep(st, &stmt, "DELETE FROM sessions WHERE "
		    "user_id = ?1 AND (?2 IS NULL OR hash <> ?2)")) < 0)
			goto out;
		sqlite3_bind_int64(stmt, 1, u->id);
		if (keep && !u->is_disabled)
			sqlite3_bind_blob(stmt, 2, keep, STORE_SESSION_HASH,
			    SQLITE_STATIC);
		if ((rc = store_step_reset(st, stmt, "revoke sessions")) < 0)
			goto out;
	}
	rc = store_sqlite_commit(st);
	sqlite3_finalize(stmt);
	return rc;
out:
	sqlite3_finalize(stmt);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_user_login(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "UPDATE users SET last_login = ?2 "
	    "WHERE id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	rc = store_step_reset(st, stmt, "record login");
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- sessions ---- */

int
store_sqlite_session_add(struct store *st, const unsigned char *hash,
    int64_t user_id, int64_t now, int64_t idle_s, int64_t max_s)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "DELETE FROM sessions WHERE "
	    "last_seen < ?1 - ?2 OR created < ?1 - ?3")) < 0)
		goto out;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_int64(stmt, 2, idle_s);
	sqlite3_bind_int64(stmt, 3, max_s);
	if ((rc = store_step_reset(st, stmt, "prune sessions")) < 0)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((rc = store_prep(st, &stmt, "INSERT INTO sessions (hash, user_id, "
	    "created, last_seen) VALUES (?1, ?2, ?3, ?3)")) < 0)
		goto out;
	sqlite3_bind_blob(stmt, 1, hash, STORE_SESSION_HASH, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, user_id);
	sqlite3_bind_int64(stmt, 3, now);
	if ((rc = store_step_reset(st, stmt, "add session")) < 0)
		goto out;
	sqlite3_finalize(stmt);
	return store_sqlite_commit(st);
out:
	sqlite3_finalize(stmt);
	store_sqlite_rollback(st);
	return rc;
}

int
store_sqlite_session_user(struct store *st, struct arena *a,
    const unsigned char *hash, int64_t now, int64_t idle_s, int64_t max_s,
    int64_t touch_s, struct user **out)
{
	sqlite3_stmt *stmt = NULL;
	int64_t created, last_seen;
	bool is_disabled;
	int rc, step;

	*out = NULL;
	if ((rc = store_prep(st, &stmt, "SELECT " USER_COLS ", s.created, "
	    "s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.hash = ?1")) < 0)
		return rc;
	sqlite3_bind_blob(stmt, 1, hash, STORE_SESSION_HASH, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return err_set(ND_ENOTFOUND, "store: no such session");
	}
	if (step != SQLITE_ROW) {
		rc = store_db_err(st, "read session");
		sqlite3_finalize(stmt);
		return rc;
	}
	*out = arena_zalloc(a, sizeof(**out));
	user_from_row(a, stmt, *out);
	created = sqlite3_column_int64(stmt, 8);
	last_seen = sqlite3_column_int64(stmt, 9);
	is_disabled = (*out)->is_disabled;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (now - last_seen > idle_s || now - created > max_s || is_disabled) {
		*out = NULL;
		(void)store_sqlite_session_remove(st, hash);
		return err_set(ND_ENOTFOUND, "store: session expired");
	}
	if (now - last_seen > touch_s) {
		if ((rc = store_prep(st, &stmt, "UPDATE sessions SET last_seen = ?2 "
		    "WHERE hash = ?1")) < 0)
			return rc;
		sqlite3_bind_blob(stmt, 1, hash, STORE_SESSION_HASH,
		    SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, now);
		rc = store_step_reset(st, stmt, "touch session");
		sqlite3_finalize(stmt);
	}
	return rc;
}

int
store_sqlite_session_remove(struct store *st, const unsigned char *hash)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "DELETE FROM sessions WHERE hash = ?1")) < 0)
		return rc;
	sqlite3_bind_blob(stmt, 1, hash, STORE_SESSION_HASH, SQLITE_STATIC);
	rc = store_step_reset(st, stmt, "remove session");
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- sign-in throttle ---- */

int
store_sqlite_throttle_get(struct store *st, const unsigned char *key,
    struct store_throttle *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prep(st, &stmt, "SELECT failures, last_failure, "
	    "locked_until FROM login_throttle WHERE key = ?1")) < 0)
		return rc;
	sqlite3_bind_blob(stmt, 1, key, STORE_THROTTLE_KEY, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->failures = sqlite3_column_int(stmt, 0);
		out->last_failure = sqlite3_column_int64(stmt, 1);
		out->locked_until = sqlite3_column_int64(stmt, 2);
	} else if (step != SQLITE_DONE) {
		rc = store_db_err(st, "read throttle");
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_throttle_put(struct store *st, const unsigned char *key,
    const struct store_throttle *t, int64_t forget_before)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_sqlite_begin(st)) < 0)
		return rc;
	if ((rc = store_prep(st, &stmt, "DELETE FROM login_throttle WHERE "
	    "key = ?1 OR last_failure < ?2")) < 0)
		goto out;
	sqlite3_bind_blob(stmt, 1, key, STORE_THROTTLE_KEY, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, forget_before);
	if ((rc = store_step_reset(st, stmt, "forget throttle")) < 0)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (t->failures > 0) {
		if ((rc = store_prep(st, &stmt, "INSERT INTO login_throttle (key, "
		    "failures, last_failure, locked_until) "
		    "VALUES (?1, ?2, ?3, ?4)")) < 0)
			goto out;
		sqlite3_bind_blob(stmt, 1, key, STORE_THROTTLE_KEY,
		    SQLITE_STATIC);
		sqlite3_bind_int(stmt, 2, t->failures);
		sqlite3_bind_int64(stmt, 3, t->last_failure);
		sqlite3_bind_int64(stmt, 4, t->locked_until);
		if ((rc = store_step_reset(st, stmt, "write throttle")) < 0)
			goto out;
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	return store_sqlite_commit(st);
out:
	sqlite3_finalize(stmt);
	store_sqlite_rollback(st);
	return rc;
}

/* ---- audit log ---- */

/* s cut to at most AUDIT_MAX_TEXT bytes on a UTF-8 boundary. */
static void
bind_cut(sqlite3_stmt *stmt, int i, const char *s)
{
	size_t n = strlen(s);

	if (n > AUDIT_MAX_TEXT) {
		n = AUDIT_MAX_TEXT;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	sqlite3_bind_text(stmt, i, s, (int)n, SQLITE_STATIC);
}

int
store_sqlite_audit_add(struct store *st, int64_t user_id, const char *actor,
    const char *action, const char *target, const char *detail, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = store_prep(st, &stmt, "INSERT INTO audit_log (at, user_id, actor, "
	    "action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) < 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, now);
	sqlite3_bind_int64(stmt, 2, user_id);
	bind_cut(stmt, 3, actor);
	bind_cut(stmt, 4, action);
	bind_cut(stmt, 5, target);
	bind_cut(stmt, 6, detail);
	rc = store_step_reset(st, stmt, "add audit entry");
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sqlite_audit_list(struct store *st, struct arena *a, size_t limit,
    size_t offset, const char *action_prefix, struct audit_entry **out,
    size_t *out_n)
{
	sqlite3_stmt *stmt = NULL;
	struct audit_entry *v = NULL;
	size_t n = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*out_n = 0;
	if ((rc = store_prep(st, &stmt, "SELECT id, at, user_id, actor, action, "
	    "target, detail FROM audit_log WHERE ?1 IS NULL OR "
	    "substr(action, 1, length(?1)) = ?1 "
	    "ORDER BY id DESC LIMIT ?2 OFFSET ?3")) < 0)
		return rc;
	store_bind_text(stmt, 1, action_prefix && *action_prefix ?
	    action_prefix : NULL);
	sqlite3_bind_int64(stmt, 2, (int64_t)limit);
	sqlite3_bind_int64(stmt, 3, (int64_t)offset);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		ARENA_GROW(a, v, n, n + 1, cap);
		v[n].id = sqlite3_column_int64(stmt, 0);
		v[n].at = sqlite3_column_int64(stmt, 1);
		v[n].user_id = sqlite3_column_int64(stmt, 2);
		v[n].actor = store_col_text(a, stmt, 3);
		v[n].action = store_col_text(a, stmt, 4);
		v[n].target = store_col_text(a, stmt, 5);
		v[n].detail = store_col_text(a, stmt, 6);
		n++;
	}
	if (step != SQLITE_DONE)
		rc = store_db_err(st, "list audit log");
	sqlite3_finalize(stmt);
	*out = v;
	*out_n = rc < 0 ? 0 : n;
	return rc;
}
