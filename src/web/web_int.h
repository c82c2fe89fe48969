/*
 * web internals for handlers: the request a handler gets (struct web_req),
 * the route table's shape and flags, and the site. Nothing outside
 * src/web/ includes this, and nothing here names a libmicrohttpd type: a
 * handler sees the request as plain data, so `newsdesk export`
 * (site_render_path) and the unit tests run handlers without HTTP. The
 * HTTP side (server.c, cache.c, watch.c) has its own header, http_int.h.
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
#include "render/view.h"
#include "web/web.h"

struct config;
struct item;
struct section;
struct store;
struct tmpl_obj;
struct tmpl_set;
struct tz;
struct user;

#define WEB_DECLINE 1
#define WEB_MAX_ARGS 4
#define WEB_MAX_PAGE (8 << 20)     /* cap on a rendered page */
#define WEB_MAX_DEPS 256           /* what one cached page records */

/* ---- methods and route flags ---- */

enum web_method {
	WEB_GET = 1 << 0,          /* a GET route answers HEAD too */
	WEB_HEAD = 1 << 1,
	WEB_POST = 1 << 2,
};

enum route_flags {
	ROUTE_CACHE = 1 << 0,      /* kept in the page cache until what it
	                              depends on changes (web_dep) */
	ROUTE_AGES = 1 << 1,       /* shows relative ages: re-render each minute */
	ROUTE_STATIC = 1 << 2,     /* theme file: cached until restart */
	ROUTE_NOLOG = 1 << 3,      /* not in the access log (health checks) */
	ROUTE_QUERY = 1 << 4,      /* a search: cached per query (route keys)
	                              in a bounded part of the cache, cheap
	                              compression, Cache-Control private */
	ROUTE_MEDIA = 1 << 5,      /* bytes from the photo cache: immutable,
	                              r->etag, never compressed */
	ROUTE_LOGIN = 1 << 6,      /* needs a signed-in user with at least
	                              route.role: else 303 to /desk/login
	                              (HTML) or 401; a lower role gets 403 */
	ROUTE_CSRF = 1 << 7,       /* a POST must carry the CSRF token
	                              (web_csrf_token) in the form field
	                              WEB_CSRF_FIELD: else 403 */
	ROUTE_PRIVATE = 1 << 8,    /* a reader's secrets (tips): no-store,
	                              Referrer-Policy no-referrer, no cookie
	                              set, the request body wiped when done;
	                              with ROUTE_NOLOG, refusals unlogged too */
	ROUTE_SESSION = 1 << 9,    /* a desk page: reads the session
	                              cookie (desk.c) to set r->user before
	                              the checks, in the render pool; never
	                              cached (no-store). ROUTE_LOGIN implies
	                              it; public pages never read a session */
	ROUTE_LINK_TOKEN = 1 << 10, /* a POST authenticated by the token in
	                              its URL, not by the CSRF token: the
	                              RFC 8058 one-click unsubscribe (mail
	                              clients send no cookie); without a
	                              valid token the handler refuses it */
};

/* One query parameter that is part of a cached page's key. With max > 0
 * the value must be a canonical integer in [min, max] (else it is left
 * out, as the handler then uses its default): "page=01" and "page=1" are
 * not two entries. Otherwise the text as given. */
struct route_key {
	const char *name;
	long long min, max;
};

struct web_req;
typedef int (*route_fn)(struct web_req *r);

/*
 * One line per route. The dispatcher (dispatch.c) checks methods, login,
 * role and CSRF once, before the handler runs; the server reads the cache
 * flags and keys. Adding a route is one line in routes.c.
 */
struct route {
	const char *pattern;         /* "/item/{id}": {x} takes one segment */
	route_fn fn;
	unsigned methods;            /* WEB_GET, WEB_POST (HEAD comes with GET) */
	unsigned flags;              /* enum route_flags */
	int role;                    /* ROUTE_LOGIN: the least user role */
	const struct route_key *keys;  /* the query keys of the cache key,
	                                  ended by { NULL }; NULL = none */
};

/* ---- the request a handler gets ---- */

struct web_param {
	const char *name;
	const char *value;           /* NUL-terminated; may hold NULs (len) */
	size_t len;
	const char *filename;        /* multipart file parts; else NULL */
	const char *ctype;           /* multipart part type; else NULL */
	/* a file part over the file cap, dropped as it came (form_stream.c):
	 * len is 0, len_sent what the client sent of it */
	bool is_too_big;
	size_t len_sent;
};

/* Caps on what a client sends (form.c); exceeding one gives 413 (sizes)
 * or 400 (counts, malformed) before any handler runs. */
struct web_limits {
	size_t max_body;             /* a whole request body */
	size_t max_fields;           /* form fields, files included */
	size_t max_field;            /* one text field */
	size_t max_file;             /* one uploaded file */
	size_t max_query;            /* query parameters */
	size_t max_cookies;
	size_t max_request;          /* a desk form's whole multipart body as
	                              * read: files over max_file are dropped
	                              * as they come (form_stream.c), the rest
	                              * is still capped by max_body */
};

#define WEB_LIMITS_DEFAULT { .max_body = 8u << 20, .max_fields = 64, \
	.max_field = 64u << 10, .max_file = 8u << 20, .max_query = 64, \
	.max_cookies = 32, .max_request = 32u << 20 }

#define WEB_CSRF_COOKIE "nd_csrf"
#define WEB_CSRF_FIELD "csrf_token"

struct web_req {
	struct arena a;
	struct site *site;
	struct store *st;            /* borrowed from the pool while handling */
	unsigned method;             /* one enum web_method */
	const char *path;
	const char *args[WEB_MAX_ARGS];
	size_t nargs;
	struct web_param *query;     /* decoded, in r->a */
	size_t n_query;
	struct web_param *form;      /* POST fields, urlencoded or multipart */
	size_t n_form;
	struct web_param *cookies;
	size_t n_cookies;
	const char *if_none_match;   /* the header, or NULL */
	bool accepts_html;           /* Accept names text/html (a browser) */
	const struct user *user;     /* signed-in user; NULL (no sessions yet) */
	/* the client's address, raw (4 or 16 bytes), for in-memory rate
	 * limits only (site_tips.c keys a hash of it): never log or store
	 * it; peer_len 0 when unknown */
	unsigned char peer[16];
	size_t peer_len;
	const struct route *route;   /* set by the dispatcher */
	unsigned flags;              /* of the route */
	/* the answer */
	int status;
	const char *ctype;
	struct page pg;
	const char *location;        /* redirects */
	const char *allow;           /* 405: the Allow header */
	int max_age;                 /* Cache-Control max-age */
	const char *etag;            /* ROUTE_MEDIA: the ETag, quoted */
	const char *set_cookie;      /* one Set-Cookie value; such an answer
	                                is never cached */
	const char *set_cookie2;     /* a second one (the desk's session
	                                cookie beside the CSRF one) */
	int64_t expires;             /* 0, or when the page goes stale by
	                                itself (a new day in the desk's zone) */
	/* what the page shows, for the cache (web_dep) */
	uint64_t deps[WEB_MAX_DEPS];
	size_t n_deps;
	bool has_all_deps;           /* too many: any change invalidates it */
};

/* Sets up r for one request (arena, page sink). */
void web_req_init(struct web_req *r, struct site *s, unsigned method,
    const char *path);
void web_req_release(struct web_req *r);

/* A query parameter / form field / cookie by name (the first), or NULL;
 * an empty value counts as absent for query parameters. Borrowed from r. */
const char *web_query(const struct web_req *r, const char *name);
const struct web_param *web_form_param(const struct web_req *r,
    const char *name);
const char *web_form(const struct web_req *r, const char *name);
const char *web_cookie(const struct web_req *r, const char *name);
/* The query parameter as an integer in [min, max], else def. */
long long web_query_int(const struct web_req *r, const char *name,
    long long min, long long max, long long def);

/* ---- parsing what the client sent (form.c; pure, no HTTP) ---- */

/*
 * The decoded parameters of a query string or an
 * application/x-www-form-urlencoded body ("a=1&b=%20x+y"). Returns 0, or
 * the HTTP status to answer: 400 (more than max_n parameters, a bad
 * escape) or 413 (a value over max_value bytes). In a.
 */
int web_form_urlencoded(struct arena *a, const char *p, size_t len,
    size_t max_n, size_t max_value, struct web_param **out, size_t *out_n);

/*
 * The parts of a multipart/form-data body; ctype is the request's
 * Content-Type (its boundary parameter). File parts (with a filename) are
 * capped at lim->max_file, the others at lim->max_field. Returns 0, 400
 * (no or bad boundary, malformed body, too many parts), or 413. In a.
 */
int web_form_multipart(struct arena *a, const char *ctype, const char *p,
    size_t len, const struct web_limits *lim, struct web_param **out,
    size_t *out_n);

/* The boundary of a multipart Content-Type into out (cap bytes): false
 * when there is none, or it is over WEB_MP_BOUNDARY_MAX (RFC 2046). */
#define WEB_MP_BOUNDARY_MAX 70
bool web_form_boundary(const char *ctype, char *out, size_t cap);
/* Whether a multipart part's headers (the block between the delimiter's
 * CRLF and the blank line) make it a file part (a filename); its field
 * name goes to name (cap bytes, cut). */
bool web_form_part_file(const char *h, size_t len, char *name, size_t cap);

/*
 * A multipart/form-data body read as it comes (form_stream.c): text parts
 * kept, a file part over max_file dropped as it streams (headers kept,
 * content not), so a desk form's text survives an oversized photo. The
 * kept body goes to the caller's buffer (whose cap bounds it); after the
 * body, web_mp_stream_finish drops the largest kept files while the kept
 * body is over max_body, and after web_form_parse, web_mp_stream_mark
 * sets is_too_big and len_sent on the parts that were dropped.
 */
#define WEB_MP_MAX_DROPPED 8
#define WEB_MP_NAME_MAX 64
struct web_mp_stream {
	char delim[WEB_MP_BOUNDARY_MAX + 8];   /* "\r\n--" boundary */
	size_t dlen;
	int state;
	size_t mark;                 /* where the scan of the kept body goes on */
	size_t part_start;           /* the current part's content, in it */
	bool in_part, is_file;
	char part_name[WEB_MP_NAME_MAX];
	char carry[WEB_MP_BOUNDARY_MAX + 8];   /* a dropped part's last bytes */
	size_t carry_len;
	size_t drop_seen;            /* bytes of the part being dropped */
	size_t max_file, max_body;
	struct { char name[WEB_MP_NAME_MAX]; size_t len; }
	    dropped[WEB_MP_MAX_DROPPED];
	size_t n_dropped;
	struct { char name[WEB_MP_NAME_MAX]; size_t start, end; }
	    kept[WEB_MP_MAX_DROPPED];
	size_t n_kept;
};
/* false when ctype has no usable boundary (the body is then read whole,
 * as before). Writes the kept body's first bytes to out. */
bool web_mp_stream_init(struct web_mp_stream *s, const char *ctype,
    size_t max_file, size_t max_body, struct buf *out);
void web_mp_stream_feed(struct web_mp_stream *s, struct buf *out,
    const char *p, size_t n);
void web_mp_stream_finish(struct web_mp_stream *s, struct buf *out);
void web_mp_stream_mark(const struct web_mp_stream *s, struct web_req *r);

/*
 * Parses a request body by its Content-Type (urlencoded or multipart)
 * into r->form. 0, or 400 / 413 / 415 (another type).
 */
int web_form_parse(struct web_req *r, const char *ctype, const char *body,
    size_t len, const struct web_limits *lim);

/* The cookies of a Cookie header ("a=1; b=2"), at most max_n (more:
 * 400). Values keep their bytes (no decoding); names and values are
 * trimmed, a pair without '=' is skipped. In a. */
int web_cookies_parse(struct arena *a, const char *header, size_t max_n,
    struct web_param **out, size_t *out_n);

/* ---- the dispatcher (dispatch.c) ---- */

/* Finds the route of r->path (filling r->args). Returns 0 with *out set;
 * 404 when no pattern matches; 405 when one matches but not r->method,
 * with r->allow set ("GET, HEAD, POST"). */
int web_route_find(const struct route *table, size_t n, struct web_req *r,
    const struct route **out);

/* Checks rt's login, role and CSRF flags against r (user, cookies and
 * form): 0 to run the handler, else the status, with r->location set for
 * a 303 to the login page. */
int web_route_check(const struct route *rt, struct web_req *r);

/* Both, for callers that have the whole request (tests, export). */
int web_dispatch(const struct route *table, size_t n, struct web_req *r,
    const struct route **out);

/* Whether rt needs the session looked up (ROUTE_LOGIN or ROUTE_SESSION):
 * its checks then run in the render pool, after desk_session_load. */
#define WEB_ROUTE_HAS_SESSION(rt) \
	((rt) && ((rt)->flags & (ROUTE_LOGIN | ROUTE_SESSION)))

/* The CSRF token to put in a form (field WEB_CSRF_FIELD): the value of
 * the request's nd_csrf cookie, or a new random one that r->set_cookie
 * then sets. In r->a. */
const char *web_csrf_token(struct web_req *r);
/* true when the form's token matches the cookie (constant time). */
bool web_csrf_ok(const struct web_req *r);

/* ---- what a page depends on (for the cache) ---- */

enum web_dep_kind {
	DEP_ITEMS = 1,               /* any item: home, feeds, search */
	DEP_SOURCE,                  /* an outlet's items */
	DEP_SECTION,                 /* a section's items */
	DEP_ITEM,                    /* one item */
	DEP_DAY,                     /* items of one UTC day (t / 86400) */
	DEP_MEDIA,                   /* a photo key (its hash) */
	DEP_POSTS,                   /* any published post: pages that list
	                                posts (home, sections, feeds, ...) */
	DEP_POST,                    /* one post (its page) */
};

/* The 64-bit name of a dependency: the kind in the top byte. */
uint64_t web_dep_key(enum web_dep_kind kind, int64_t id);
/* Records that r's page shows kind:id. */
void web_dep(struct web_req *r, enum web_dep_kind kind, int64_t id);
/* Records the photos of items (their keys, cached or not): the page
 * changes when one of them is cached. */
void web_dep_photos(struct web_req *r, const struct item *items, size_t n);

/* ---- the site ---- */

struct site {
	const struct config *cfg;
	char *db_path;
	char *base_url;
	struct tmpl_set *tmpl;
	char *css;                   /* theme/site.css */
	size_t css_len;
	char css_hash[17];
	const char *favicon;         /* theme/favicon.svg (in a), NULL: none */
	size_t favicon_len;
	/* theme/sitemap.css (in a), NULL: none; the sitemaps name it in an
	 * xml-stylesheet instruction, so a reader sees a table */
	const char *sitemap_css;
	size_t sitemap_css_len;
	const char *sitemap_css_href; /* /static/sitemap.css?v=HASH */
	struct html sponsor;         /* sanitized sponsor slot, or empty */
	struct tz *tz;               /* [desk] timezone */
	struct view_site vs;         /* what view models need of the site */
	struct arena a;              /* long-lived: sponsor, hash strings */
	/* store pool: one handle per thread that needs one (site_pool.c) */
	pthread_mutex_t pool_mu;
	struct store **pool;
	size_t pool_n, pool_cap;
	/* writable handles, for desk requests (sign-in, curation) */
	struct store **wpool;
	size_t wpool_n, wpool_cap;
};

/* routes.c: the public site's route table */
const struct route *site_routes(size_t *out_n);

/* site_pool.c: takes a store from the pool (opening one when empty). */
int site_store_get(struct site *s, struct store **out);
void site_store_put(struct site *s, struct store *st);
/* The same for a writable handle (desk routes: ROUTE_SESSION or
 * ROUTE_LOGIN); the public pages read through read-only ones. */
int site_store_get_rw(struct site *s, struct store **out);
void site_store_put_rw(struct site *s, struct store *st);

/* site.c */
/* Renders an error page (404, 500, ...) into r. */
void site_error(struct web_req *r, int status, const char *what);
/* Runs rt's handler for r (r->path set), with a store from the pool; on
 * failure renders the 500 page; rt NULL: the 404 page. */
void site_handle(struct web_req *r, const struct route *rt);
/* Renders template tmpl with ctx as HTML into r. */
int site_render(struct web_req *r, const char *tmpl, struct tmpl_obj *ctx);
/* The context every page shares (site, sections, sponsor, css); records
 * the dependency every page has. */
struct tmpl_obj *site_page_ctx(struct web_req *r, const char *title,
    const char *current_slug);
/* Adds items to list l (view_item), and their photos to r's deps. */
struct tmpl_list;
void site_add_items(struct web_req *r, struct tmpl_list *l,
    const struct item *items, size_t n, bool full);
/* Near-duplicates (site_copies.c, issue 9): lead[i] is the index of the
 * first of v's items that is a copy of the same report (i itself when
 * none before it); site_copies_also names on e ("also", "has_also") the
 * other outlets' copies shown under i; site_copies_item names every other
 * outlet's copy of it from the store. */
size_t *site_copies_group(struct web_req *r, const struct item *v, size_t n);
void site_copies_also(struct web_req *r, struct tmpl_obj *e,
    const struct item *v, size_t n, const size_t *lead, size_t i);
int site_copies_item(struct web_req *r, struct tmpl_obj *e,
    const struct item *it);
/* A short plain answer with status (303 with r->location, 401, 403) in
 * place of the page: the dispatcher's refusals. */
void site_refuse(struct web_req *r, int status);
/* Canonical decimal id ("12", not "012"): ND_EINVAL otherwise. */
int site_parse_id(const char *s, int64_t *out);

/* The section named by r->args[0] when the path is /section/{slug}/..., or
 * NULL for the whole site. ND_ENOTFOUND when the slug is unknown. */
int site_req_section(struct web_req *r, struct section **out);

/* The handlers, one file per page kind. */
int site_home(struct web_req *r);                 /* site_home.c */
int site_section(struct web_req *r);              /* site_list.c */
int site_source(struct web_req *r);
int site_archive(struct web_req *r);              /* site_archive.c */
int site_archive_today(struct web_req *r);
int site_item(struct web_req *r);                 /* site_item.c */
int site_search(struct web_req *r);               /* site_search.c */
int site_healthz(struct web_req *r);              /* site_misc.c */
int site_robots(struct web_req *r);
int site_css(struct web_req *r);
int site_favicon(struct web_req *r);
int site_sitemap_css(struct web_req *r);
int site_sitemap_part(struct web_req *r);
/* Sets outlets[] {name path n_items} (the busiest outlets, by items per
 * day) and has_outlets on o: the second column of home and list pages. */
void site_add_outlets(struct web_req *r, struct tmpl_obj *o);
int site_media(struct web_req *r);                /* site_media.c */
/* site_feeds.c: a feed of items (cached photos as the desk's own copies,
 * the desk as author) into r, as RSS, Atom or JSON Feed; items are
 * changed in place. */
enum site_feed_kind { SITE_FEED_RSS, SITE_FEED_ATOM, SITE_FEED_JSON };
int site_feed_send(struct web_req *r, enum site_feed_kind k,
    const char *title, const char *home_url, struct item *items, size_t n);
int site_feed_rss(struct web_req *r);             /* site_feeds.c */
int site_feed_atom(struct web_req *r);
int site_feed_json(struct web_req *r);
int site_sitemap(struct web_req *r);
/* site_feeds.c: site_feed_send with each entry's page (absolute; NULL
 * entries: the item's /item/ page), for feeds that carry posts. */
int site_feed_send_links(struct web_req *r, enum site_feed_kind k,
    const char *title, const char *home_url, struct item *items,
    const char **links, size_t n);
/* site_post.c: the desk's own posts (issue 10) */
int site_post(struct web_req *r);
int site_byline(struct web_req *r);
int site_column(struct web_req *r);
int site_column_rss(struct web_req *r);
int site_column_atom(struct web_req *r);
int site_column_json(struct web_req *r);
int site_corrections(struct web_req *r);
/* Sets posts[] (view_post) and has_posts on o: the newest max published
 * posts (of section_id; 0 = all), and records DEP_POSTS. */
int site_add_posts(struct web_req *r, struct tmpl_obj *o, int64_t section_id,
    size_t max);
/* Posts as feed entries (out[i], links[i] their pages), in r->a. */
struct post;
void site_posts_as_items(struct web_req *r, const struct post *v, size_t n,
    struct item *out, const char **links);
/* items (newest first) with the newest published posts of section_id or
 * column_id (0 = any) merged in by time, at most max; links as for
 * site_feed_send_links. In r->a. */
int site_feed_merge_posts(struct web_req *r, int64_t section_id,
    int64_t column_id, struct item *items, size_t n, size_t max,
    struct item **out, const char ***out_links, size_t *out_n);
/* The sitemap's URLs of posts, bylines, columns and /corrections. */
struct render_sitemap_url;
int site_sitemap_posts(struct web_req *r, size_t max,
    struct render_sitemap_url **out, size_t *out_n);
/* desk_post.c: the desk's forms for posts (issue 10) */
int desk_posts(struct web_req *r);
int desk_post_new(struct web_req *r);
int desk_post_edit(struct web_req *r);
int desk_post_preview(struct web_req *r);
int desk_post_publish(struct web_req *r);
int desk_post_correct(struct web_req *r);
/* desk_breaking.c: breaking-news alerts (issue 11) */
int desk_post_breaking(struct web_req *r);
/* Asks for post p to go out as breaking news (once; audited) and queues
 * it now when it is published and mail is set up. A note for the editor
 * in a. */
const char *desk_breaking_ask(struct web_req *r, const struct post *p);
/* The alert's state of post id into o: breaking{is_sent is_waiting when
 * n} and n_breaking (the list's confirmed subscribers). */
void desk_breaking_show(struct web_req *r, struct tmpl_obj *o, int64_t id);
int site_story(struct web_req *r);                /* site_story.c */
int site_story_rss(struct web_req *r);
int site_story_atom(struct web_req *r);
int site_story_json(struct web_req *r);
int site_tips(struct web_req *r);                 /* site_tips.c (issue 11) */
int site_tips_reply(struct web_req *r);
/* site_subscribe.c: email sign-up (issue 11) */
int site_subscribe(struct web_req *r);
int site_subscribe_confirm(struct web_req *r);
int site_subscribe_manage(struct web_req *r);
int site_unsubscribe(struct web_req *r);

/* ---- the editors' desk (issue 10): desk.c, desk_auth.c, desk_curate.c
 *
 * Session API for desk handlers. Every /desk/ route has ROUTE_SESSION or
 * ROUTE_LOGIN (+ role), so by the time its handler runs r->user is the
 * signed-in user or NULL (ROUTE_SESSION only), and the dispatcher has
 * refused what the role or the CSRF token does not allow. A handler:
 *
 *     struct tmpl_obj *o = desk_page_ctx(r, "Title", "nav-key");
 *     ... fill o ...; with {{csrf}} in each form:
 *         <input type="hidden" name="csrf_token" value="{{csrf}}">
 *     (void)desk_audit(r, "thing.verb", "thing 12", "detail");
 *     return desk_render(r, "desk_thing", o);
 *
 * A form with a bad field: desk_field_error(r, o, "field", "message") puts
 * "error_<field>" and has_errors in o; the template shows it beside the
 * field and re-fills what was typed (never a password).
 */
#define DESK_SESSION_COOKIE "nd_session"

/* Sets r->user from the session cookie (nothing for a missing, expired or
 * revoked one). Called by site_handle for ROUTE_SESSION/LOGIN routes. */
void desk_session_load(struct web_req *r);
/* The page context of a desk page: the site's, plus user {name email
 * role is_editor is_admin}, csrf (the token for forms), the desk's nav
 * with current marked, and no-store. */
struct tmpl_obj *desk_page_ctx(struct web_req *r, const char *title,
    const char *current);
/* Renders theme/<tmpl>.html (which includes desk_header/desk_footer). */
int desk_render(struct web_req *r, const char *tmpl, struct tmpl_obj *o);
/* A 303 to path (a desk path: "/desk/..."), with ?done=note shown as a
 * notice there. */
int desk_redirect(struct web_req *r, const char *path, const char *note);
/* Marks field bad in o with message (see above). */
void desk_field_error(struct web_req *r, struct tmpl_obj *o,
    const char *field, const char *message);
/* Writes the audit log as r->user. */
int desk_audit(struct web_req *r, const char *action, const char *target,
    const char *detail);
/* The desk's auth parameters ([desk] section). */
struct auth_params;
void desk_auth_params(const struct web_req *r, struct auth_params *out);
/* A form field trimmed of blanks ("" when absent), in r->a. */
const char *desk_form_text(struct web_req *r, const char *name);

/* A form POSTed to a desk route after its session ended (401): the
 * sign-in page (status 401) carrying the form's fields (not passwords,
 * files or the CSRF token), which after sign-in come back in a form to
 * send again. 0 when it rendered. */
int desk_login_again(struct web_req *r);
int desk_login(struct web_req *r);                 /* desk_auth.c */
int desk_logout(struct web_req *r);
int desk_home(struct web_req *r);
int desk_account(struct web_req *r);
int desk_users(struct web_req *r);
int desk_audit_page(struct web_req *r);
int desk_items(struct web_req *r);                 /* desk_curate.c */
int desk_item_edit(struct web_req *r);
int desk_story_edit(struct web_req *r);

#endif
