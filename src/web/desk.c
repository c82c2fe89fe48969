/*
 * desk: the editors' desk's frame (issue 10): the session behind a desk
 * request, the page context and layout every desk page shares, form
 * errors, redirects and the audit log. The pages are in desk_auth.c
 * (sign-in, accounts, audit) and desk_curate.c (items and stories).
 *
 * The one rule: only routes flagged ROUTE_SESSION or ROUTE_LOGIN (every
 * /desk/ route) look at the session cookie, in the render pool, after
 * the page cache has been passed by; a public page never costs a store
 * lookup for a session and never varies by who asks. Desk answers are
 * no-store (server.c web_cache_control) and never enter the page cache
 * (they have no ROUTE_CACHE).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "model/model.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

void
desk_auth_params(const struct web_req *r, struct auth_params *out)
{
	auth_params_from_cfg(out, r->site->cfg);
}

void
desk_session_load(struct web_req *r)
{
	const char *tok = web_cookie(r, DESK_SESSION_COOKIE);
	struct auth_params p;
	struct user *u = NULL;
	int rc;

	r->user = NULL;
	if (!tok || !r->st)
		return;
	desk_auth_params(r, &p);
	rc = auth_session_user(r->st, &r->a, &p, tok, (int64_t)time(NULL), &u);
	if (rc == 0)
		r->user = u;
	else if (rc != ND_ENOTFOUND)
		log_warn(LOG_WEB, "session lookup: %s", err_msg());
}

struct tmpl_obj *
desk_page_ctx(struct web_req *r, const char *title, const char *current)
{
	static const struct {
		const char *key, *label, *path;
		int role;
	} nav[] = {
		{ "home", "Desk", "/desk", USER_ROLE_WRITER },
		{ "posts", "Posts", "/desk/posts", USER_ROLE_WRITER },
		{ "items", "Items", "/desk/items", USER_ROLE_EDITOR },
		{ "users", "Users", "/desk/users", USER_ROLE_ADMIN },
		{ "audit", "Audit log", "/desk/audit", USER_ROLE_ADMIN },
		{ "account", "Account", "/desk/account", USER_ROLE_WRITER },
	};
	struct tmpl_obj *o = site_page_ctx(r, title, NULL);
	const char *done = web_query(r, "done");

	tmpl_set_text(o, "csrf", web_csrf_token(r));
	tmpl_set_bool(o, "is_desk", true);
	if (done && strlen(done) <= 200)
		tmpl_set_text(o, "notice", done);
	if (r->user) {
		struct tmpl_obj *u = tmpl_set_obj(o, "user");
		struct tmpl_list *l = tmpl_set_list(o, "nav");

		tmpl_set_text(u, "name", r->user->name);
		tmpl_set_text(u, "email", r->user->email);
		tmpl_set_text(u, "role", model_user_role_name(r->user->role));
		tmpl_set_bool(u, "is_editor", r->user->role >= USER_ROLE_EDITOR);
		tmpl_set_bool(u, "is_admin", r->user->role >= USER_ROLE_ADMIN);
		for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
			struct tmpl_obj *e;

			if (r->user->role < nav[i].role)
				continue;
			e = tmpl_list_add(l);
			tmpl_set_text(e, "label", nav[i].label);
			tmpl_set_text(e, "path", nav[i].path);
			tmpl_set_bool(e, "is_current", current &&
			    strcmp(current, nav[i].key) == 0);
		}
	}
	return o;
}

int
desk_render(struct web_req *r, const char *tmpl, struct tmpl_obj *o)
{
	r->max_age = 0;
	return site_render(r, tmpl, o);
}

int
desk_redirect(struct web_req *r, const char *path, const char *note)
{
	buf_reset(&r->pg.b);
	r->status = 303;
	r->ctype = "text/plain; charset=utf-8";
	r->location = note ? arena_printf(&r->a, "%s?done=%s", path,
	    render_pct(&r->a, note)) : path;
	buf_adds(&r->pg.b, "see other\n");
	return 0;
}

void
desk_field_error(struct web_req *r, struct tmpl_obj *o, const char *field,
    const char *message)
{
	/* the template keeps the key: it lives as long as the page */
	tmpl_set_text(o, arena_printf(&r->a, "error_%s", field), message);
	tmpl_set_bool(o, "has_errors", true);
}

int
desk_audit(struct web_req *r, const char *action, const char *target,
    const char *detail)
{
	int rc = store_audit_add(r->st, r->user ? r->user->id : 0,
	    r->user ? r->user->email : "anonymous", action, target, detail,
	    (int64_t)time(NULL));

	if (rc < 0)
		log_warn(LOG_WEB, "audit %s: %s", action, err_msg());
	return rc;
}

const char *
desk_form_text(struct web_req *r, const char *name)
{
	const char *v = web_form(r, name);
	struct str s;

	if (!v)
		return "";
	s = str_trim(str_of(v));
	return arena_strndup(&r->a, s.p, s.len);
}
