/*
 * dispatch: from a path and a method to a route, and the route's flags
 * checked once, before its handler runs (STYLE.md section 7): methods
 * (405 with Allow), login and role (303 to the login page for a browser,
 * else 401; a lower role gets 403) and the CSRF token of a POST (403).
 *
 * CSRF is a double-submit token: a random 32-byte value in the nd_csrf
 * cookie (HttpOnly, SameSite=Strict) that a form repeats in its
 * csrf_token field; another site can make a browser send the cookie but
 * can neither read it nor set it, so it cannot fill the field. Compared in
 * constant time. No server-side state: every web node checks it alike.
 * When sessions come, the token becomes a MAC of the session id under the
 * session's secret (kept in the store), checked the same way here.
 */
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/str.h"
#include "model/model.h"
#include "render/html.h"
#include "web/web_int.h"
#include "core/banned.h"

#define CSRF_BYTES 32
#define CSRF_LEN 43              /* base64url without padding */

/* Matches path against pattern segment by segment; {x} takes one
 * non-empty segment. */
static bool
match(const char *pattern, const char *path, struct web_req *r)
{
	const char *p = pattern, *q = path;

	r->nargs = 0;
	while (*p && *q) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *qe = strchr(q, '/');
			size_t n = qe ? (size_t)(qe - q) : strlen(q);

			if (!pe || !n || r->nargs == WEB_MAX_ARGS)
				return false;
			r->args[r->nargs++] = arena_strndup(&r->a, q, n);
			p = pe + 1;
			q += n;
			continue;
		}
		if (*p != *q)
			return false;
		p++;
		q++;
	}
	return *p == '\0' && *q == '\0';
}

static bool
allows(unsigned methods, unsigned m)
{
	if (m == WEB_HEAD)
		m = WEB_GET;
	return (methods & m) != 0;
}

int
web_route_find(const struct route *table, size_t n, struct web_req *r,
    const struct route **out)
{
	unsigned seen = 0;

	*out = NULL;
	r->allow = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!match(table[i].pattern, r->path, r))
			continue;
		if (allows(table[i].methods, r->method)) {
			*out = &table[i];
			r->route = &table[i];
			r->flags = table[i].flags;
			return 0;
		}
		seen |= table[i].methods;
	}
	r->nargs = 0;
	if (!seen)
		return 404;
	r->allow = (seen & WEB_GET) && (seen & WEB_POST) ? "GET, HEAD, POST" :
	    (seen & WEB_GET) ? "GET, HEAD" : "POST";
	return 405;
}

int
web_route_check(const struct route *rt, struct web_req *r)
{
	if (rt->flags & ROUTE_LOGIN) {
		if (!r->user) {
			/* a browser goes to the login page and comes back;
			 * a script is told */
			if (r->accepts_html && r->method != WEB_POST) {
				r->location = arena_printf(&r->a,
				    "/desk/login?next=%s", render_pct(&r->a,
				    r->path));
				return 303;
			}
			return 401;
		}
		if (r->user->role < rt->role)
			return 403;
	}
	if ((rt->flags & ROUTE_CSRF) && r->method == WEB_POST &&
	    !web_csrf_ok(r))
		return 403;
	return 0;
}

int
web_dispatch(const struct route *table, size_t n, struct web_req *r,
    const struct route **out)
{
	int st;

	if ((st = web_route_find(table, n, r, out)) != 0)
		return st;
	return web_route_check(*out, r);
}

static bool
is_token(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++)
		if (!str_isalnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_')
			return false;
	return n == CSRF_LEN;
}

const char *
web_csrf_token(struct web_req *r)
{
	const char *c = web_cookie(r, WEB_CSRF_COOKIE);
	unsigned char raw[CSRF_BYTES];
	char *tok;

	if (is_token(c))
		return c;
	if (sodium_init() < 0)
		return NULL;
	randombytes_buf(raw, sizeof(raw));
	tok = arena_alloc(&r->a, CSRF_LEN + 1);
	sodium_bin2base64(tok, CSRF_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	r->set_cookie = arena_printf(&r->a, "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict", WEB_CSRF_COOKIE, tok);
	return tok;
}

bool
web_csrf_ok(const struct web_req *r)
{
	const char *c = web_cookie(r, WEB_CSRF_COOKIE);
	const struct web_param *f = web_form_param(r, WEB_CSRF_FIELD);

	if (!is_token(c) || !f || f->len != CSRF_LEN)
		return false;
	return sodium_memcmp(c, f->value, CSRF_LEN) == 0;
}
