/*
 * web internals shared by server.c (HTTP), site.c (pages) and
 * site_feeds.c. Nothing outside src/web/ includes this.
 */
#ifndef ND_WEB_WEB_INT_H
#define ND_WEB_WEB_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "render/html.h"
#include "web/web.h"

struct config;
struct store;
struct tmpl_set;
struct tmpl_obj;
struct MHD_Connection;

#define WEB_DECLINE 1
#define WEB_MAX_ARGS 4
#define WEB_MAX_PAGE (8 << 20)     /* cap on a rendered page */

enum route_flags {
	ROUTE_CACHE = 1 << 0,      /* rendered once per data version */
	ROUTE_AGES = 1 << 1,       /* shows relative ages: re-render each minute */
	ROUTE_STATIC = 1 << 2,     /* theme file: cached until restart */
	ROUTE_NOLOG = 1 << 3,      /* not in the access log (health checks) */
	ROUTE_QUERY = 1 << 4,      /* cached per query string too (search),
	                              in a bounded part of the cache */
	ROUTE_MEDIA = 1 << 5,      /* bytes from the photo cache: immutable,
	                              r->etag, never compressed */
};

struct web_req {
	struct arena a;
	struct site *site;
	struct store *st;            /* borrowed from the pool while handling */
	struct MHD_Connection *conn; /* NULL when exporting */
	const char *path;
	const char *args[WEB_MAX_ARGS];
	size_t nargs;
	int flags;                   /* of the route */
	/* the answer */
	int status;
	const char *ctype;
	struct page pg;
	const char *location;        /* redirects */
	int max_age;                 /* Cache-Control max-age */
	const char *etag;            /* ROUTE_MEDIA: the ETag, quoted */
};

typedef int (*route_fn)(struct web_req *r);

struct route {
	const char *method;
	const char *pattern;
	route_fn fn;
	int flags;
};

struct site {
	const struct config *cfg;
	char *db_path;
	char *base_url;
	struct tmpl_set *tmpl;
	char *css;                   /* theme/site.css */
	size_t css_len;
	char css_hash[17];
	struct html sponsor;         /* sanitized sponsor slot, or empty */
	struct arena a;              /* long-lived: sponsor, hash strings */
	/* store pool: one handle per thread that needs one */
	pthread_mutex_t pool_mu;
	struct store **pool;
	size_t pool_n, pool_cap;
};

/* site.c */
const struct route *site_routes(size_t *out_n);
/* Finds the route for path; fills r->args. NULL when none matches. */
const struct route *site_match(struct web_req *r, const char *method,
    const char *path);
/* Takes a store from the pool (opening one when empty). */
int site_store_get(struct site *s, struct store **out);
void site_store_put(struct site *s, struct store *st);
/* Renders an error page (404, 500, ...) into r. */
void site_error(struct web_req *r, int status, const char *what);
/* A query parameter (decoded) or NULL. */
const char *web_query(struct web_req *r, const char *key);
/* Runs the route for r (r->path set), with a store from the pool; on
 * failure renders the 500 page. */
void site_handle(struct web_req *r, const struct route *rt);

/* site_media.c: the photo cache on the site */
/* GET /media/KEY.EXT: a cached photo with its sniffed type; 304 when the
 * client has it (the ETag is the key: the bytes of a key never change). */
int site_media(struct web_req *r);

/* An item's photos as the site's own URLs (/media/KEY.EXT), only when the
 * fetcher has cached them: thumb for lists (the thumbnail, else the lead
 * image), image for the item page (the lead image, else the thumbnail).
 * NULL when not cached: pages then show no <img> at all. Made from the
 * item's image_media/thumb_media, which the store reads with the item:
 * no store call per item. */
struct site_photo {
	const char *thumb, *image;   /* in r->a */
	int thumb_w, thumb_h, image_w, image_h;
};
struct item;
void site_item_photo(struct web_req *r, const struct item *it,
    struct site_photo *out);

/* site_feeds.c */
int site_feed_rss(struct web_req *r);
int site_feed_atom(struct web_req *r);
int site_feed_json(struct web_req *r);
int site_sitemap(struct web_req *r);

/* site.c: helpers for the feed and page handlers */
/* The section named by r->args[0] when the path is /section/{slug}/..., or
 * NULL for the whole site. ND_ENOTFOUND when the slug is unknown. */
struct section;
int site_req_section(struct web_req *r, struct section **out);

#endif
