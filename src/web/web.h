/*
 * web: the public site over HTTP (libmicrohttpd), and the same pages
 * rendered to files for `newsdesk export`.
 *
 * Design: a page is rendered once per change of the data it shows and kept
 * in memory with its gzip and brotli forms, ETag and Last-Modified; a
 * request for it is a hash lookup and a queue of a prebuilt response. The
 * cache is only a cache: a page is dropped when what it shows changes in
 * the store (docs/internals/web.md), so a second web node on the same
 * store renders the same pages.
 */
#ifndef ND_WEB_WEB_H
#define ND_WEB_WEB_H

#include <stdbool.h>
#include <stdint.h>

struct buf;
struct config;
struct site;
struct web;

/*
 * Loads the theme (templates, CSS, sponsor file) and prepares to read the
 * store at db_path (opened per thread, read-only). ND_ENOTFOUND or
 * ND_EPARSE (file:line in err_msg()) when the theme is bad. cfg must outlive
 * the site. Caller frees with site_free.
 */
int site_new(struct site **out, const struct config *cfg, const char *db_path);
void site_free(struct site *s);

/* The site's absolute base URL without a trailing slash. Borrowed. */
const char *site_base_url(const struct site *s);
/* Sets the base URL used for feeds, sitemaps and OpenGraph when the
 * configuration has none (serve: the listen address). */
void site_set_base_url(struct site *s, const char *url);

/*
 * Renders one GET path (no query) as the server would: *out_status is the
 * HTTP status, out gets the body, *out_ctype (static string) the type.
 * For export. Returns 0 or a negative ND_E* when rendering failed.
 */
int site_render_path(struct site *s, const char *path, struct buf *out,
    int *out_status, const char **out_ctype);

/*
 * Calls fn with every public path of the site (home, sections, sources,
 * archive days, items, feeds, sitemap, robots, css) for export.
 */
int site_each_path(struct site *s, int (*fn)(const char *path, void *payload),
    void *payload);

/*
 * Starts serving s on listen ("ADDR:PORT"; port 0 picks a free one) with
 * MHD's internal thread pool, and a render pool for cache misses. When
 * [desk] base_url is empty, the bound URL becomes the site's base URL.
 * ND_EINVAL for a bad address, ND_EIO when the
 * socket cannot be bound.
 */
int web_start(struct web **out, struct site *s, const struct config *cfg,
    const char *addr);
/* The port actually bound. */
int web_port(const struct web *w);
/* "http://HOST:PORT" of the bound socket (a wildcard address shown as the
 * loopback one). Borrowed from w. */
const char *web_url(const struct web *w);

/*
 * For commands that serve next to other work (serve, run): loads the site
 * and starts the server on listen (NULL = [web] listen), using its URL as
 * the base URL when [desk] base_url is empty, and prints
 * "newsdesk: serving URL/" on stdout. Block SIGINT/SIGTERM before calling
 * (the server's threads inherit the mask). Stop with web_site_stop.
 */
int web_site_start(struct web **out_web, struct site **out_site,
    const struct config *cfg, const char *db_path, const char *listen);
void web_site_stop(struct web *w, struct site *s);
/* The route table as text, one line per route: "METHODS PATTERN FLAGS
 * ROLE" ("GET,POST /desk/users login,csrf admin"; "-" for none), for
 * `newsdesk routes` and the tests that walk every route (issue 10). */
struct buf;
void web_routes_write(struct buf *out);
/* Stops accepting, lets requests in flight finish (up to a few seconds),
 * then stops. NULL-safe. */
void web_stop(struct web *w);

#endif
