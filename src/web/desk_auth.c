/*
 * desk_auth: the desk's sign-in, sign-out, home, own account, users
 * (admin) and audit log (admin) pages (issue 10). Forms post back to
 * their own page; a form with a bad field is shown again with the
 * message beside the field and what was typed (never a password).
 * Sign-in answers one message for every failure ("email or password is
 * wrong"), and a new session id at every sign-in.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "model/model.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define WRONG "The email or password is wrong."

/* The session cookie: token "" clears it. Secure when the site's public
 * URL is https (the server itself speaks plain HTTP behind a TLS proxy,
 * so that URL is what it knows of TLS). Path /desk: public pages never
 * receive it. */
static const char *
session_cookie(struct web_req *r, const char *token, int64_t max_age)
{
	bool is_tls = strncmp(site_base_url(r->site), "https://", 8) == 0;

	return arena_printf(&r->a, "%s=%s; Path=/desk; HttpOnly; "
	    "SameSite=Strict; Max-Age=%lld%s", DESK_SESSION_COOKIE, token,
	    (long long)max_age, is_tls ? "; Secure" : "");
}

/* Where to go after signing in: a desk path of ours, else the desk. */
static const char *
next_path(const char *next)
{
	if (!next || strncmp(next, "/desk", 5) != 0 ||
	    (next[5] != '\0' && next[5] != '/') || strstr(next, "//") ||
	    strpbrk(next, "\\\r\n") || strncmp(next, "/desk/login", 11) == 0 ||
	    strlen(next) > 500)
		return "/desk";
	return next;
}

/* Form fields carried over a sign-in ("keep:NAME" in the sign-in form)
 * so a form sent after its session ended is not lost. Never a password,
 * a file or the CSRF token. */
#define KEEP_PREFIX "keep:"

static bool
is_keepable(const struct web_param *f)
{
	return !f->filename && strcmp(f->name, WEB_CSRF_FIELD) != 0 &&
	    !strstr(f->name, "password") && strcmp(f->name, "current") != 0 &&
	    strcmp(f->name, "again") != 0 && strlen(f->value) == f->len;
}

/* Adds list key to o: {name value} of r's form fields, those named
 * "keep:NAME" (is_kept) or the form's own. Returns how many. */
static size_t
add_kept(struct web_req *r, struct tmpl_obj *o, const char *key,
    bool is_kept)
{
	struct tmpl_list *l = tmpl_set_list(o, key);
	size_t n = 0, plen = strlen(KEEP_PREFIX);

	for (size_t i = 0; i < r->n_form; i++) {
		const struct web_param *f = &r->form[i];
		struct tmpl_obj *e;

		if (is_kept != (strncmp(f->name, KEEP_PREFIX, plen) == 0))
			continue;
		if (!is_keepable(f))
			continue;
		e = tmpl_list_add(l);
		tmpl_set_text(e, "name", is_kept ? f->name + plen : f->name);
		tmpl_set_text(e, "value", f->value);
		n++;
	}
	return n;
}

static int
login_form(struct web_req *r, const char *email, const char *next,
    const char *error, int status)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Sign in", NULL);

	tmpl_set_text(o, "email", email);
	tmpl_set_text(o, "next", next);
	if (r->method == WEB_POST && add_kept(r, o, "keep", true))
		tmpl_set_text(o, "notice", "Sign in to send your form; what "
		    "you typed is kept.");
	if (error)
		desk_field_error(r, o, "login", error);
	r->status = status;
	return desk_render(r, "desk_login", o);
}

int
desk_login(struct web_req *r)
{
	struct auth_params p;
	struct user *u = NULL;
	char tok[AUTH_TOKEN_LEN + 1];
	const char *email, *pw, *next, *old;
	int64_t now = (int64_t)time(NULL), wait = 0;
	int res, rc;

	if (r->method != WEB_POST) {
		next = next_path(web_query(r, "next"));
		if (r->user)
			return desk_redirect(r, next, NULL);
		return login_form(r, "", next, NULL, 200);
	}
	email = desk_form_text(r, "email");
	pw = web_form(r, "password");
	next = next_path(web_form(r, "next"));
	if (!*email || !pw || !*pw)
		return login_form(r, email, next, "Give your email and "
		    "password.", 200);
	desk_auth_params(r, &p);
	if ((rc = auth_login(r->st, &r->a, &p, email, pw, now, &res, &wait, &u,
	    tok)) < 0)
		return rc;
	if (res == AUTH_THROTTLED) {
		char msg[160];

		snprintf(msg, sizeof(msg), "Too many failed sign-ins. Wait "
		    "%lld seconds and try again.", (long long)(wait > 0 ?
		    wait : 1));
		return login_form(r, email, next, arena_strdup(&r->a, msg),
		    429);
	}
	if (res != AUTH_OK)
		return login_form(r, email, next, WRONG, 200);
	/* a new session id at every sign-in; the one the browser had (if
	 * any) ends, so a planted cookie is worth nothing */
	if ((old = web_cookie(r, DESK_SESSION_COOKIE)))
		(void)auth_logout(r->st, old);
	r->set_cookie2 = session_cookie(r, tok, p.session_max_s);
	r->user = u;
	log_info(LOG_WEB, "desk sign-in user=%lld", (long long)u->id);
	{
		/* a form that waited for this sign-in: back to send */
		struct tmpl_obj *o = desk_page_ctx(r, "Send your form", NULL);

		if (add_kept(r, o, "fields", true)) {
			tmpl_set_text(o, "action_path", next);
			return desk_render(r, "desk_resend", o);
		}
	}
	return desk_redirect(r, next, NULL);
}

int
desk_login_again(struct web_req *r)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Sign in", NULL);

	tmpl_set_text(o, "email", "");
	tmpl_set_text(o, "next", next_path(r->path));
	/* the form's own fields, to be carried as keep:NAME */
	add_kept(r, o, "keep", false);
	tmpl_set_text(o, "notice", "Your session has ended. Sign in to send "
	    "your form; what you typed is kept.");
	r->status = 401;
	return desk_render(r, "desk_login", o);
}

int
desk_logout(struct web_req *r)
{
	const char *tok = web_cookie(r, DESK_SESSION_COOKIE);

	(void)desk_audit(r, "logout", r->user->email, "");
	if (tok)
		(void)auth_logout(r->st, tok);
	r->set_cookie2 = session_cookie(r, "", 0);
	return desk_redirect(r, "/desk/login", "You are signed out.");
}

int
desk_home(struct web_req *r)
{
	struct tmpl_obj *o = desk_page_ctx(r, "The desk", "home");
	struct tmpl_list *l = tmpl_set_list(o, "can");
	static const struct {
		int role;
		const char *what, *path;
	} can[] = {
		{ USER_ROLE_WRITER, "Change your password and see your "
		    "sessions' account", "/desk/account" },
		{ USER_ROLE_EDITOR, "Curate what is gathered: pin to the "
		    "front page, hide, retitle, file under a section; review "
		    "items outside every section", "/desk/items" },
		{ USER_ROLE_EDITOR, "Curate stories: pin, retitle, merge, "
		    "split", "/desk/items?view=stories" },
		{ USER_ROLE_ADMIN, "Manage users: add, disable, change roles",
		    "/desk/users" },
		{ USER_ROLE_ADMIN, "Read the audit log", "/desk/audit" },
	};

	for (size_t i = 0; i < sizeof(can) / sizeof(can[0]); i++) {
		struct tmpl_obj *e;

		if (r->user->role < can[i].role)
			continue;
		e = tmpl_list_add(l);
		tmpl_set_text(e, "what", can[i].what);
		tmpl_set_text(e, "path", can[i].path);
	}
	return desk_render(r, "desk_home", o);
}

/* ---- own account ---- */

int
desk_account(struct web_req *r)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Your account", "account");
	struct auth_params p;
	struct user *u;
	const char *hash = NULL, *cur, *pw, *again, *why;
	char nh[AUTH_HASH_MAX];
	unsigned char keep[32];
	int rc, nerr = 0;

	if ((rc = store_user_get(r->st, &r->a, r->user->id, NULL, &u,
	    &hash)) < 0)
		return rc;
	tmpl_set_text(o, "name", u->name);
	tmpl_set_text(o, "email", u->email);
	tmpl_set_text(o, "role", model_user_role_name(u->role));
	if (r->method != WEB_POST)
		return desk_render(r, "desk_account", o);
	desk_auth_params(r, &p);
	cur = web_form(r, "current");
	pw = web_form(r, "password");
	again = web_form(r, "again");
	if (!cur || !*cur || !auth_password_verify(hash, cur)) {
		desk_field_error(r, o, "current", "This is not your current "
		    "password.");
		nerr++;
	}
	if (!pw || (why = auth_password_problem(pw, &p))) {
		desk_field_error(r, o, "password", pw ? why : "Give a new "
		    "password.");
		nerr++;
	} else if (!again || strcmp(pw, again) != 0) {
		desk_field_error(r, o, "again", "The two new passwords differ.");
		nerr++;
	}
	if (nerr) {
		r->status = 400;
		return desk_render(r, "desk_account", o);
	}
	if ((rc = auth_password_hash(nh, pw, &p)) < 0)
		return rc;
	/* every other session of the user ends; this one stays */
	if (auth_token_hash(keep, web_cookie(r, DESK_SESSION_COOKIE)) < 0 ||
	    (rc = store_user_update(r->st, u, nh, (int64_t)time(NULL),
	    keep)) < 0)
		return rc < 0 ? rc : err_set(ND_ERR, "desk: no session");
	(void)desk_audit(r, "account.passwd", u->email, "");
	return desk_redirect(r, "/desk/account", "Your password is changed; "
	    "your other sessions are signed out.");
}

/* ---- users (admin) ---- */

static void
users_list(struct web_req *r, struct tmpl_obj *o)
{
	struct user *v = NULL;
	struct tmpl_list *l = tmpl_set_list(o, "users");
	size_t n = 0;
	time_t now = time(NULL);

	if (store_user_list(r->st, &r->a, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);
		struct tmpl_list *roles = tmpl_set_list(e, "roles");

		tmpl_set_int(e, "id", v[i].id);
		tmpl_set_text(e, "email", v[i].email);
		tmpl_set_text(e, "name", v[i].name);
		tmpl_set_text(e, "role", model_user_role_name(v[i].role));
		tmpl_set_bool(e, "is_disabled", v[i].is_disabled);
		tmpl_set_bool(e, "is_me", v[i].id == r->user->id);
		tmpl_set_int(e, "sessions", (long long)v[i].n_sessions);
		tmpl_set_text(e, "last_login", v[i].last_login ?
		    view_age(&r->a, r->site->tz, v[i].last_login, now) : "never");
		for (int k = USER_ROLE_WRITER; k <= USER_ROLE_ADMIN; k++) {
			struct tmpl_obj *ro = tmpl_list_add(roles);

			tmpl_set_text(ro, "name", model_user_role_name(k));
			tmpl_set_bool(ro, "is_current", k == v[i].role);
		}
	}
}

static int
users_page(struct web_req *r, struct tmpl_obj *o, int status)
{
	r->status = status;
	users_list(r, o);
	return desk_render(r, "desk_users", o);
}

static int
user_of_form(struct web_req *r, struct user **out)
{
	int64_t id;

	if (site_parse_id(web_form(r, "id"), &id) < 0)
		return ND_ENOTFOUND;
	return store_user_get(r->st, &r->a, id, NULL, out, NULL);
}

int
desk_users(struct web_req *r)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Users", "users");
	const char *action = web_form(r, "action");
	struct auth_params p;
	struct user *u;
	int rc;

	tmpl_set_text(o, "new_role", "writer");
	if (r->method != WEB_POST)
		return users_page(r, o, 200);
	desk_auth_params(r, &p);
	if (action && strcmp(action, "add") == 0) {
		struct user nu = { 0 };
		const char *email = desk_form_text(r, "email");
		const char *name = desk_form_text(r, "name");
		const char *role = desk_form_text(r, "role");
		const char *pw = web_form(r, "password"), *why;
		char hash[AUTH_HASH_MAX];
		int64_t id;
		int nerr = 0;

		tmpl_set_text(o, "new_email", email);
		tmpl_set_text(o, "new_name", name);
		tmpl_set_text(o, "new_role", role);
		if (!(nu.email = auth_email_normalize(&r->a, email)) &&
		    ++nerr)
			desk_field_error(r, o, "email", "Give an email address.");
		nu.name = name;
		if ((!*name || strlen(name) > 200) && ++nerr)
			desk_field_error(r, o, "name", "Give a name (up to 200 "
			    "bytes).");
		if ((nu.role = model_user_role_parse(role)) ==
		    USER_ROLE_NONE && ++nerr)
			desk_field_error(r, o, "role", "Choose writer, editor or "
			    "admin.");
		if ((!pw || (why = auth_password_problem(pw, &p))) && ++nerr)
			desk_field_error(r, o, "password", pw ? why : "Give a "
			    "password.");
		if (nerr)
			return users_page(r, o, 400);
		if ((rc = auth_password_hash(hash, pw, &p)) < 0)
			return rc;
		if ((rc = store_user_add(r->st, &nu, hash, (int64_t)time(NULL),
		    &id)) == ND_EEXISTS) {
			desk_field_error(r, o, "email", "A user with this email "
			    "exists.");
			return users_page(r, o, 400);
		}
		if (rc < 0)
			return rc;
		(void)desk_audit(r, "user.add", nu.email,
		    model_user_role_name(nu.role));
		return desk_redirect(r, "/desk/users", "User added.");
	}
	if (!action || (rc = user_of_form(r, &u)) == ND_ENOTFOUND) {
		tmpl_set_text(o, "error", "There is no such user.");
		return users_page(r, o, 400);
	}
	if (rc < 0)
		return rc;
	/* an admin cannot lock themselves out */
	if (u->id == r->user->id) {
		tmpl_set_text(o, "error", "Another admin must change your own "
		    "account's role or access.");
		return users_page(r, o, 400);
	}
	if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
		u->is_disabled = action[0] == 'd';
		if ((rc = store_user_update(r->st, u, NULL, (int64_t)time(NULL),
		    NULL)) < 0)
			return rc;
		(void)desk_audit(r, u->is_disabled ? "user.disable" :
		    "user.enable", u->email, "");
		return desk_redirect(r, "/desk/users", u->is_disabled ?
		    "User disabled; their sessions are ended." :
		    "User enabled.");
	}
	if (strcmp(action, "role") == 0) {
		int role = model_user_role_parse(web_form(r, "role"));

		if (role == USER_ROLE_NONE) {
			tmpl_set_text(o, "error", "Choose writer, editor or "
			    "admin.");
			return users_page(r, o, 400);
		}
		u->role = role;
		if ((rc = store_user_update(r->st, u, NULL, (int64_t)time(NULL),
		    NULL)) < 0)
			return rc;
		(void)desk_audit(r, "user.role", u->email,
		    model_user_role_name(role));
		return desk_redirect(r, "/desk/users", "Role changed.");
	}
	tmpl_set_text(o, "error", "Unknown action.");
	return users_page(r, o, 400);
}

/* ---- the audit log (admin) ---- */

#define AUDIT_PAGE 100

int
desk_audit_page(struct web_req *r)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Audit log", "audit");
	struct tmpl_list *l = tmpl_set_list(o, "entries");
	struct audit_entry *v = NULL;
	const char *action = web_query(r, "action");
	long long page = web_query_int(r, "page", 1, 1000, 1);
	size_t n = 0;
	int rc;

	if (action && strlen(action) > 100)
		action = NULL;
	tmpl_set_text(o, "action", action);
	if ((rc = store_audit_list(r->st, &r->a, AUDIT_PAGE + 1,
	    (size_t)(page - 1) * AUDIT_PAGE, action, &v, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n && i < AUDIT_PAGE; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);
		char when[64];
		struct tm tm;
		time_t t = (time_t)v[i].at;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		tmpl_set_text(e, "when", arena_strdup(&r->a, when));
		tmpl_set_text(e, "actor", v[i].actor);
		tmpl_set_text(e, "action", v[i].action);
		tmpl_set_text(e, "target", v[i].target);
		tmpl_set_text(e, "detail", v[i].detail);
	}
	if (n > AUDIT_PAGE)
		tmpl_set_text(o, "next", arena_printf(&r->a, "/desk/audit?"
		    "page=%lld%s%s", page + 1, action ? "&action=" : "",
		    action ? render_pct(&r->a, action) : ""));
	if (page > 1)
		tmpl_set_text(o, "prev", arena_printf(&r->a, "/desk/audit?"
		    "page=%lld%s%s", page - 1, action ? "&action=" : "",
		    action ? render_pct(&r->a, action) : ""));
	return desk_render(r, "desk_audit", o);
}
