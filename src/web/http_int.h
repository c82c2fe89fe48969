/*
 * The HTTP side of web/ (server.c, cache.c, compress.c, watch.c): the
 * server, its page cache and the watcher. Handlers never include this:
 * they see struct web_req (web_int.h) only.
 */
#ifndef ND_WEB_HTTP_INT_H
#define ND_WEB_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <microhttpd.h>

#include "store/store.h"
#include "web/web_int.h"

#define CACHE_NBUCKETS 4096
#define CACHE_RING 16            /* change sets kept for renders in flight */

/* The parts of the cache, each with its own caps (cache.c make_room). */
enum cache_part {
	PART_PAGE = 1 << 0,
	PART_QUERY = 1 << 1,     /* search pages: dropped alone when full */
	PART_MEDIA = 1 << 2,     /* photos: never count against pages */
};

/* One cached answer: prebuilt responses (identity, gzip, brotli, 304) and
 * what the page depends on. */
struct centry {
	struct centry *next;
	char *key;
	enum cache_part part;
	bool is_static;          /* theme or photo: until evicted */
	uint64_t gen;            /* w->gen when rendered: a bump drops all */
	atomic_bool is_stale;    /* something it depends on changed */
	time_t expires;          /* 0 = until a change */
	uint64_t *deps;          /* sorted web_dep_key()s */
	size_t n_deps;
	bool has_all_deps;       /* any change makes it stale */
	struct MHD_Response *plain, *gz, *br, *not_modified;
	char etag[40];           /* quoted; a photo's holds its 32-hex key */
	char last_modified[40];  /* "" for photos */
	size_t bytes;
	/* stale-while-revalidate: set when a background render of this key
	 * has been started, so only one is */
	atomic_int is_refreshing;
	_Atomic long refresh_at;
	/* second chance: set by every hit, cleared by an eviction sweep */
	atomic_bool was_hit;
};

/* What changed in the store between two polls (watch.c). */
struct change_set {
	uint64_t epoch;
	uint64_t *keys;          /* sorted web_dep_key()s */
	size_t n;
};

struct job;
struct guard;

struct web {
	struct MHD_Daemon *d;
	struct site *s;
	const struct config *cfg;
	const struct route *routes;
	size_t n_routes;
	struct web_limits limits;
	int port;
	int listen_fd;
	char url[300];           /* http://HOST:PORT, for people and base URLs */
	/* the cache (cache.c) */
	pthread_rwlock_t mu;
	struct centry *buckets[CACHE_NBUCKETS];
	size_t n_entries, n_bytes;   /* pages, search pages included */
	size_t n_query;            /* entries of ROUTE_QUERY pages */
	size_t n_media, media_bytes; /* photos (ROUTE_MEDIA), apart */
	_Atomic uint64_t gen;      /* bumped when everything changed */
	_Atomic uint64_t epoch;    /* bumped with every change set */
	_Atomic uint64_t renders;  /* X-Render-Id of the next entry */
	struct change_set ring[CACHE_RING];  /* under mu */
	/* the watcher (watch.c) */
	pthread_t watcher;
	bool has_watcher;
	struct store *watch_st;    /* the watcher's read handle */
	struct store_cursor watch_cur;
	uint64_t watch_last;       /* data version at the last poll */
	bool watch_has_last;
	pthread_mutex_t stop_mu;
	pthread_cond_t stop_cv;
	bool stopping;
	FILE *access;
	pthread_mutex_t log_mu;
	/* the render pool (server.c) */
	pthread_mutex_t q_mu;
	pthread_cond_t q_cv;
	struct job *q_head, *q_tail;
	bool q_stop;
	pthread_t *workers;
	size_t n_workers;
	/* the head deadline (server.c guard): every open connection */
	pthread_mutex_t g_mu;
	pthread_cond_t g_cv;
	struct guard *g_head;
	bool g_stop;
	bool has_guard;
	pthread_t guard;
	int head_timeout_ms;
};

/* server.c: the one door for headers, which refuses CR and LF */
int web_header_set(struct MHD_Response *resp, const char *name,
    const char *value);
/* A response with the site's common headers (type, Cache-Control, CSP,
 * nosniff, ...). body is copied unless must_free (then MHD frees it). */
struct MHD_Response *web_response(const char *body, size_t len,
    bool must_free, const char *ctype, const char *cache_control,
    const char *etag, const char *last_modified, const char *encoding);
/* The Cache-Control of r's answer. */
const char *web_cache_control(const struct web_req *r, char *buf,
    size_t cap);

/* compress.c */
/* gzip / brotli of p, malloc'ed; NULL when it failed. */
char *web_gzip(const char *p, size_t len, int level, size_t *out_len);
char *web_brotli(const char *p, size_t len, int quality, size_t *out_len);
/* Which encodings an Accept-Encoding header takes: bit 1 gzip, bit 2 br;
 * "q=0" refuses. */
int web_accept_encoding(const char *header);

/* cache.c */
/*
 * The cache key of a request for rt: the path, plus "?k=v&..." for the
 * route's keys that the request has (get(payload, name) returns a query
 * parameter or NULL), integers in canonical form. NULL for a route that
 * is not cached or a key too long to be worth caching. Caller frees.
 */
char *web_cache_key(const char *path, const struct route *rt,
    const char *(*get)(void *payload, const char *name), void *payload);
/* The slot of key (found or where it would go). Caller holds mu. */
struct centry **cache_slot(struct web *w, const char *key);
/* Whether e can be sent as it is. Caller holds mu (read). */
bool cache_fresh(struct web *w, const struct centry *e, time_t now);
/* An entry for r's answer under key, rendered when w->epoch was
 * epoch0. old_etag/old_lm: the entry it replaces, whose Last-Modified it
 * keeps when the bytes are the same. */
struct centry *cache_entry_new(struct web *w, const char *key,
    const struct web_req *r, uint64_t gen, const char *old_etag,
    const char *old_lm);
/* Puts ne in, replacing the entry of its key and making room; marks it
 * stale when a change it depends on came after epoch0. Takes mu. */
void cache_put(struct web *w, struct centry *ne, uint64_t epoch0);
/* Queues the right variant of e (304, br, gzip, identity) on c. Caller
 * holds mu (read). */
enum MHD_Result cache_queue(struct MHD_Connection *c, const struct centry *e,
    int enc, int *out_status);
void cache_entry_free(struct centry *e);
void cache_clear(struct web *w);
/* Marks stale every entry that depends on one of keys (sorted), and
 * keeps the set for renders in flight (cache_put). Takes mu. */
void cache_invalidate(struct web *w, uint64_t *keys, size_t n);
/* Everything changed (the sections, an outlet's name, too much). */
void cache_invalidate_all(struct web *w);
/* Drops the entry of key (a page that is gone: 404, 410). Takes mu. */
void cache_drop(struct web *w, const char *key);

/* server.c: web_start with another route table (tests). The table must
 * outlive the server. */
int web_start_routes(struct web **out, struct site *s,
    const struct config *cfg, const char *addr, const struct route *routes,
    size_t n_routes);

/* form.c: the request target and field names, before MHD's parse of them
 * is trusted (pure; fuzz_head). */
/* The raw target (query included): 0; 414 over max_len bytes or with more
 * than max_query parameters; 400 with an encoded NUL ("%00") anywhere. */
int web_target_check(const char *target, size_t max_len, size_t max_query);
/* The path of a target: an origin-form one as it is; of an absolute-form
 * http(s)://authority/path one, "/path" (a pointer into target) or "/"
 * when it has none. NULL for anything else (another scheme, "*", a query
 * right after the authority). */
const char *web_target_path(const char *target);
/* Whether name[0..len) is a field name (RFC 9110 token: no blanks, no
 * separators, no controls). */
bool web_field_name_ok(const char *name, size_t len);

/* watch.c: polls the store for changes and invalidates the cache.
 * web_watch_prime takes the first poll (the cursor's position) before
 * the server answers anything, so no page rendered at start is dropped
 * by it; web_watch is the thread. */
void web_watch_prime(struct web *w);
void *web_watch(void *arg);

#endif
