/*
 * routes: the public site's one route table. A line gives the path
 * pattern, the handler, the methods, the flags the dispatcher and the
 * cache check (web_int.h: enum route_flags), the least role for
 * ROUTE_LOGIN routes, and the query keys that make a cached page's key.
 * Adding a page is adding a line here and its handler in a site_*.c file.
 */
#include <stddef.h>

#include "core/buf.h"
#include "model/model.h"
#include "web/web_int.h"
#include "core/banned.h"

#define G WEB_GET
#define CACHED (ROUTE_CACHE | ROUTE_AGES)
/* the editors' desk (issue 10): every route reads the session */
#define GP (WEB_GET | WEB_POST)
#define DESK (ROUTE_LOGIN | ROUTE_CSRF)
#define WRITER USER_ROLE_WRITER
#define EDITOR USER_ROLE_EDITOR
#define ADMIN USER_ROLE_ADMIN

/* paged lists: ?page=N (2..1000; page 1 is the page without it) */
static const struct route_key keys_page[] = {
	{ "page", 2, 1000 },
	{ NULL, 0, 0 },
};
/* every parameter a search shows or depends on, in one order, so the
 * same search is the same key */
static const struct route_key keys_search[] = {
	{ "q", 0, 0 }, { "section", 0, 0 }, { "source", 0, 0 },
	{ "from", 0, 0 }, { "to", 0, 0 }, { "page", 0, 0 }, { "before", 0, 0 },
	{ NULL, 0, 0 },
};

static const struct route routes[] = {
	/* pattern                     handler         methods flags        role keys */
	{ "/",                         site_home,      G, CACHED,              0, NULL },
	{ "/section/{slug}",           site_section,   G, CACHED,              0, keys_page },
	{ "/section/{slug}/feed.xml",  site_feed_rss,  G, ROUTE_CACHE,         0, NULL },
	{ "/section/{slug}/atom.xml",  site_feed_atom, G, ROUTE_CACHE,         0, NULL },
	{ "/section/{slug}/feed.json", site_feed_json, G, ROUTE_CACHE,         0, NULL },
	{ "/source/{id}",              site_source,    G, CACHED,              0, keys_page },
	{ "/archive",                  site_archive_today, G, CACHED,          0, keys_page },
	{ "/archive/{date}",           site_archive,   G, ROUTE_CACHE,         0, keys_page },
	{ "/item/{id}",                site_item,      G, CACHED,              0, NULL },
	{ "/story/{id}",               site_story,     G, CACHED,              0, NULL },
	{ "/story/{id}/feed.xml",      site_story_rss, G, ROUTE_CACHE,         0, NULL },
	{ "/story/{id}/atom.xml",      site_story_atom, G, ROUTE_CACHE,        0, NULL },
	{ "/story/{id}/feed.json",     site_story_json, G, ROUTE_CACHE,        0, NULL },
	{ "/search",                   site_search,    G, ROUTE_QUERY,         0, keys_search },
	{ "/feed.xml",                 site_feed_rss,  G, ROUTE_CACHE,         0, NULL },
	{ "/atom.xml",                 site_feed_atom, G, ROUTE_CACHE,         0, NULL },
	{ "/feed.json",                site_feed_json, G, ROUTE_CACHE,         0, NULL },
	{ "/sitemap.xml",              site_sitemap,   G, ROUTE_CACHE,         0, NULL },
	{ "/sitemap/{file}",           site_sitemap_part, G, ROUTE_CACHE,      0, NULL },
	{ "/robots.txt",               site_robots,    G, ROUTE_CACHE,         0, NULL },
	{ "/static/site.css",          site_css,       G, ROUTE_STATIC,        0, NULL },
	{ "/static/sitemap.css",       site_sitemap_css, G, ROUTE_STATIC,      0, NULL },
	{ "/favicon.svg",              site_favicon,   G, ROUTE_STATIC,        0, NULL },
	{ "/favicon.ico",              site_favicon,   G, ROUTE_STATIC,        0, NULL },
	{ "/media/{file}",             site_media,     G, ROUTE_MEDIA,         0, NULL },
	{ "/healthz",                  site_healthz,   G, ROUTE_NOLOG,         0, NULL },
	/* tips (issue 11): no cache, no cookie, no trace in the access log */
	{ "/tips",                     site_tips,      G | WEB_POST, ROUTE_NOLOG | ROUTE_PRIVATE, 0, NULL },
	{ "/tips/reply",               site_tips_reply, G | WEB_POST, ROUTE_NOLOG | ROUTE_PRIVATE, 0, NULL },
	/* the editors' desk (issue 10) */
	{ "/desk",                     desk_home,      G, DESK,           WRITER, NULL },
	{ "/desk/login",               desk_login,     GP, ROUTE_SESSION | ROUTE_CSRF, 0, NULL },
	{ "/desk/logout",              desk_logout,    WEB_POST, DESK,    WRITER, NULL },
	{ "/desk/account",             desk_account,   GP, DESK,          WRITER, NULL },
	{ "/desk/users",               desk_users,     GP, DESK,          ADMIN, NULL },
	{ "/desk/audit",               desk_audit_page, G, DESK,          ADMIN, NULL },
	{ "/desk/items",               desk_items,     G, DESK,           EDITOR, NULL },
	{ "/desk/item/{id}",           desk_item_edit, GP, DESK,          EDITOR, NULL },
	{ "/desk/story/{id}",          desk_story_edit, GP, DESK,         EDITOR, NULL },
	/* email sign-up (issue 11): never cached; POSTs carry the CSRF
	 * token, but the RFC 8058 one-click unsubscribe (its token is the
	 * authentication) */
	{ "/subscribe",                site_subscribe, G | WEB_POST, ROUTE_CSRF, 0, NULL },
	{ "/subscribe/confirm",        site_subscribe_confirm, G | WEB_POST, ROUTE_CSRF, 0, NULL },
	{ "/subscribe/manage",         site_subscribe_manage, G | WEB_POST, ROUTE_CSRF, 0, NULL },
	{ "/unsubscribe",              site_unsubscribe, G | WEB_POST, ROUTE_LINK_TOKEN, 0, NULL },
	/* the desk's own posts (issue 10) */
	{ "/post/{id}",                site_post,      G, ROUTE_CACHE,         0, NULL },
	{ "/post/{id}/{slug}",         site_post,      G, ROUTE_CACHE,         0, NULL },
	{ "/byline/{slug}",            site_byline,    G, ROUTE_CACHE,         0, NULL },
	{ "/column/{slug}",            site_column,    G, ROUTE_CACHE,         0, NULL },
	{ "/column/{slug}/feed.xml",   site_column_rss, G, ROUTE_CACHE,        0, NULL },
	{ "/column/{slug}/atom.xml",   site_column_atom, G, ROUTE_CACHE,       0, NULL },
	{ "/column/{slug}/feed.json",  site_column_json, G, ROUTE_CACHE,       0, NULL },
	{ "/corrections",              site_corrections, G, ROUTE_CACHE,       0, NULL },
	/* the desk's forms for posts (issue 10): writers draft and submit,
	 * editors publish and correct */
	{ "/desk/posts",               desk_posts,     G, DESK,           WRITER, NULL },
	{ "/desk/posts/new",           desk_post_new,  GP, DESK,          WRITER, NULL },
	{ "/desk/post/{id}",           desk_post_edit, GP, DESK,          WRITER, NULL },
	{ "/desk/post/{id}/preview",   desk_post_preview, G, DESK,        WRITER, NULL },
	{ "/desk/post/{id}/publish",   desk_post_publish, WEB_POST, DESK, EDITOR, NULL },
	{ "/desk/post/{id}/correct",   desk_post_correct, WEB_POST, DESK, EDITOR, NULL },
	/* breaking-news alerts (issue 11): a published post mailed to the
	 * breaking list, once */
	{ "/desk/post/{id}/breaking",  desk_post_breaking, WEB_POST, DESK, EDITOR, NULL },
};

const struct route *
site_routes(size_t *out_n)
{
	*out_n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

void
web_routes_write(struct buf *out)
{
	static const struct {
		unsigned flag;
		const char *name;
	} flags[] = {
		{ ROUTE_CACHE, "cache" }, { ROUTE_AGES, "ages" },
		{ ROUTE_STATIC, "static" }, { ROUTE_NOLOG, "nolog" },
		{ ROUTE_QUERY, "query" }, { ROUTE_MEDIA, "media" },
		{ ROUTE_LOGIN, "login" }, { ROUTE_CSRF, "csrf" },
		{ ROUTE_SESSION, "session" }, { ROUTE_PRIVATE, "private" },
		{ ROUTE_LINK_TOKEN, "linktoken" },
	};

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];
		bool first = true;

		buf_addf(out, "%s %s ", rt->methods == GP ? "GET,POST" :
		    rt->methods == WEB_POST ? "POST" : "GET", rt->pattern);
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (rt->flags & flags[k].flag) {
				buf_addf(out, "%s%s", first ? "" : ",",
				    flags[k].name);
				first = false;
			}
		buf_addf(out, "%s %s\n", first ? "-" : "",
		    rt->flags & ROUTE_LOGIN ? model_user_role_name(rt->role) :
		    "-");
	}
}
