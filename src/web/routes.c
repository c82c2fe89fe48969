/*
 * routes: the public site's one route table. A line gives the path
 * pattern, the handler, the methods, the flags the dispatcher and the
 * cache check (web_int.h: enum route_flags), the least role for
 * ROUTE_LOGIN routes, and the query keys that make a cached page's key.
 * Adding a page is adding a line here and its handler in a site_*.c file.
 */
#include <stddef.h>

#include "model/model.h"
#include "web/web_int.h"
#include "core/banned.h"

#define G WEB_GET
#define CACHED (ROUTE_CACHE | ROUTE_AGES)

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
	{ "/favicon.svg",              site_favicon,   G, ROUTE_STATIC,        0, NULL },
	{ "/favicon.ico",              site_favicon,   G, ROUTE_STATIC,        0, NULL },
	{ "/media/{file}",             site_media,     G, ROUTE_MEDIA,         0, NULL },
	{ "/healthz",                  site_healthz,   G, ROUTE_NOLOG,         0, NULL },
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
	{ "/desk/posts",               desk_posts,     G, ROUTE_LOGIN,         USER_ROLE_CORRESPONDENT, NULL },
	{ "/desk/posts/new",           desk_post_new,  G, ROUTE_LOGIN,         USER_ROLE_CORRESPONDENT, NULL },
	{ "/desk/posts/new",           desk_post_create, WEB_POST, ROUTE_LOGIN | ROUTE_CSRF, USER_ROLE_CORRESPONDENT, NULL },
	{ "/desk/post/{id}",           desk_post_edit, G, ROUTE_LOGIN,         USER_ROLE_CORRESPONDENT, NULL },
	{ "/desk/post/{id}",           desk_post_update, WEB_POST, ROUTE_LOGIN | ROUTE_CSRF, USER_ROLE_CORRESPONDENT, NULL },
	{ "/desk/post/{id}/preview",   desk_post_preview, G, ROUTE_LOGIN,      USER_ROLE_CORRESPONDENT, NULL },
	{ "/desk/post/{id}/publish",   desk_post_publish, WEB_POST, ROUTE_LOGIN | ROUTE_CSRF, USER_ROLE_EDITOR, NULL },
	{ "/desk/post/{id}/correct",   desk_post_correct, WEB_POST, ROUTE_LOGIN | ROUTE_CSRF, USER_ROLE_EDITOR, NULL },
};

const struct route *
site_routes(size_t *out_n)
{
	*out_n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
