/*
 * server: libmicrohttpd glue. Dispatches through site.c's route table and
 * keeps rendered pages in memory.
 *
 * The cache: a page of a ROUTE_CACHE route is rendered once per data
 * generation and kept as prebuilt MHD responses (identity, gzip, brotli,
 * 304), so a hit is a hash lookup and MHD_queue_response under a read
 * lock. The generation is bumped by a watcher thread that polls the
 * store's data version four times a second; pages that show relative ages
 * also expire after a minute. Responses are reference-counted by MHD, so
 * replacing an entry while a connection still sends it is safe. Photos
 * (/media/KEY.EXT) are kept in the same table as their identity response
 * and its 304, in a part of their own with its own caps, so photos and
 * pages never push each other out; the bytes of a key never change, so a
 * photo stays until it is evicted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <brotli/encode.h>
#include <microhttpd.h>
#include <zlib.h>

#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define NBUCKETS 4096
#define CACHE_MAX_BYTES (512u << 20)
#define CACHE_MAX_QUERY 2000   /* search pages: evicted alone when full */
#define MEDIA_MAX_BYTES (64u << 20)  /* photos: a part of their own */
#define MEDIA_MAX_ENTRIES 4096
#define MEDIA_MAX_ONE (4u << 20)     /* larger photos are read per request */
#define AGE_TTL 60             /* seconds a page with relative ages lives */
#define MAX_PATH 2048
#define MIN_COMPRESS 256

/* img-src 'self': photos come from the local cache (site_media.c), so a
 * page makes no request to any other site. */
#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; " \
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/* The parts of the cache, each with its own caps (see make_room). */
enum cache_part {
	PART_PAGE = 1 << 0,
	PART_QUERY = 1 << 1,     /* search pages: dropped alone when full */
	PART_MEDIA = 1 << 2,     /* photos: never count against pages */
};

struct centry {
	struct centry *next;
	char *key;
	enum cache_part part;
	uint64_t gen;
	time_t expires;          /* 0 = until the generation changes */
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

struct web {
	struct MHD_Daemon *d;
	struct site *s;
	const struct config *cfg;
	int port;
	int listen_fd;
	char url[300];           /* http://HOST:PORT, for people and base URLs */
	pthread_rwlock_t mu;
	struct centry *buckets[NBUCKETS];
	size_t n_entries, n_bytes;   /* pages, search pages included */
	size_t n_query;            /* entries of ROUTE_QUERY pages */
	size_t n_media, media_bytes; /* photos (ROUTE_MEDIA), apart */
	_Atomic uint64_t gen;
	pthread_t watcher;
	bool has_watcher;
	pthread_mutex_t stop_mu;
	pthread_cond_t stop_cv;
	bool stopping;
	FILE *access;
	pthread_mutex_t log_mu;
	/* the render pool */
	pthread_mutex_t q_mu;
	pthread_cond_t q_cv;
	struct job *q_head, *q_tail;
	bool q_stop;
	pthread_t *workers;
	size_t n_workers;
};

/* ---- headers: the one door, which refuses CR and LF ---- */

static int
web_header_set(struct MHD_Response *resp, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return err_set(ND_EINVAL, "web: header %s: CR or LF in value",
		    name);
	if (MHD_add_response_header(resp, name, value) != MHD_YES)
		return err_set(ND_ERR, "web: header %s: cannot add", name);
	return 0;
}

static void
http_date(char out[40], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void
common_headers(struct MHD_Response *resp, const char *ctype,
    const char *cache_control)
{
	(void)web_header_set(resp, "Content-Type", ctype);
	(void)web_header_set(resp, "Cache-Control", cache_control);
	(void)web_header_set(resp, "Content-Security-Policy", CSP);
	(void)web_header_set(resp, "X-Content-Type-Options", "nosniff");
	(void)web_header_set(resp, "X-Frame-Options", "DENY");
	(void)web_header_set(resp, "Referrer-Policy",
	    "strict-origin-when-cross-origin");
	(void)web_header_set(resp, "Vary", "Accept-Encoding");
}

/* ---- compression ---- */

static char *
gzip_of(const char *p, size_t len, int level, size_t *out_len)
{
	z_stream z = { 0 };
	size_t cap = deflateBound(&z, len) + 64;
	char *out;

	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, len) + 64;
	out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static char *
brotli_of(const char *p, size_t len, int quality, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	char *out;

	if (!cap)
		return NULL;
	out = xmalloc(cap);
	*out_len = cap;
	if (!BrotliEncoderCompress(quality, 22, BROTLI_MODE_TEXT, len,
	    (const uint8_t *)p, out_len, (uint8_t *)out)) {
		free(out);
		return NULL;
	}
	return out;
}

/* Which encodings the client takes: bit 1 gzip, bit 2 br. "q=0" refuses. */
static int
accepted(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Accept-Encoding");
	struct str cur, tok;
	int enc = 0;

	if (!ae)
		return 0;
	cur = str_of(ae);
	while (cur.len) {
		struct str name, params;
		const char *semi;

		if (!str_take_until(&cur, ',', &tok)) {
			tok = cur;
			cur.len = 0;
		}
		tok = str_trim(tok);
		semi = memchr(tok.p, ';', tok.len);
		name = str_trim(str_make(tok.p, semi ? (size_t)(semi - tok.p) :
		    tok.len));
		params = semi ? str_make(semi, tok.len - (size_t)(semi - tok.p)) :
		    str_make("", 0);
		if (params.len && memmem(params.p, params.len, "q=0", 3) &&
		    !memmem(params.p, params.len, "q=0.", 4))
			continue;
		if (str_ieq(name, "gzip"))
			enc |= 1;
		else if (str_ieq(name, "br"))
			enc |= 2;
	}
	return enc;
}

/* ---- the cache ---- */

static uint64_t
hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void
centry_free(struct centry *e)
{
	if (!e)
		return;
	if (e->plain)
		MHD_destroy_response(e->plain);
	if (e->gz)
		MHD_destroy_response(e->gz);
	if (e->br)
		MHD_destroy_response(e->br);
	if (e->not_modified)
		MHD_destroy_response(e->not_modified);
	free(e->key);
	free(e);
}

static struct MHD_Response *
make_response(const char *body, size_t len, bool must_free, const char *ctype,
    const char *cc, const char *etag, const char *lm, const char *encoding)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len,
	    (void *)(uintptr_t)body, must_free ? MHD_RESPMEM_MUST_FREE :
	    MHD_RESPMEM_MUST_COPY);

	if (!resp)
		return NULL;
	common_headers(resp, ctype, cc);
	if (etag)
		(void)web_header_set(resp, "ETag", etag);
	if (lm && *lm)
		(void)web_header_set(resp, "Last-Modified", lm);
	if (encoding)
		(void)web_header_set(resp, "Content-Encoding", encoding);
	return resp;
}

static const char *
cache_control(const struct web_req *r, char *buf, size_t cap)
{
	if ((r->flags & ROUTE_STATIC) || ((r->flags & ROUTE_MEDIA) &&
	    (r->status == 200 || r->status == 304)))
		return "public, max-age=31536000, immutable";
	if (r->status >= 500)
		return "no-store";
	if (!(r->flags & (ROUTE_CACHE | ROUTE_STATIC)))
		return "private, max-age=0";
	snprintf(buf, cap, "public, max-age=%d", r->max_age > 0 ? r->max_age : 60);
	return buf;
}

static bool
is_query_key(const char *key)
{
	return strncmp(key, "/search?", 8) == 0;
}

/* Builds an entry from a rendered page or a photo. */
static struct centry *
centry_new(struct web *w, const char *key, struct web_req *r, uint64_t gen,
    const char *old_etag, const char *old_lm)
{
	struct centry *e = xcalloc(1, sizeof(*e));
	const char *body = r->pg.b.ptr;
	size_t len = r->pg.b.len, zlen = 0, blen = 0;
	char ccb[64];
	const char *cc = cache_control(r, ccb, sizeof(ccb));
	char *z = NULL, *br = NULL;
	uint64_t h;

	(void)w;
	e->key = xstrdup(key);
	e->gen = gen;
	if (r->flags & ROUTE_MEDIA) {
		/* The photo as it was: its ETag is its key (site_media), no
		 * Last-Modified, no compressed forms. */
		e->part = PART_MEDIA;
		snprintf(e->etag, sizeof(e->etag), "%s", r->etag ? r->etag :
		    "");
		e->plain = make_response(body, len, false, r->ctype, cc,
		    r->etag, NULL, NULL);
		e->not_modified = make_response("", 0, false, r->ctype, cc,
		    r->etag, NULL, NULL);
		e->bytes = len + strlen(key) + sizeof(*e);
		return e;
	}
	e->part = is_query_key(key) ? PART_QUERY : PART_PAGE;
	h = hash_key(body);  /* body has no NULs: it is text */
	e->expires = (r->flags & ROUTE_AGES) ? time(NULL) + AGE_TTL : 0;
	snprintf(e->etag, sizeof(e->etag), "\"%016llx\"", (unsigned long long)h);
	/* The same bytes keep their Last-Modified across re-renders. */
	if (old_etag && old_lm && strcmp(old_etag, e->etag) == 0)
		snprintf(e->last_modified, sizeof(e->last_modified), "%s", old_lm);
	else
		http_date(e->last_modified, time(NULL));
	e->plain = make_response(body, len, false, r->ctype, cc, e->etag,
	    e->last_modified, NULL);
	if (len >= MIN_COMPRESS) {
		/* Pages most readers will fetch get the smallest encodings;
		 * a search page, likely asked for once, gets fast ones
		 * (brotli 11 costs milliseconds, more than the search). */
		bool is_cheap = strncmp(key, "/search?", 8) == 0;

		if ((z = gzip_of(body, len, is_cheap ? 5 : 9, &zlen)))
			e->gz = make_response(z, zlen, true, r->ctype, cc,
			    e->etag, e->last_modified, "gzip");
		if ((br = brotli_of(body, len, is_cheap ? 4 : len > (256 << 10) ?
		    9 : 11, &blen)))
			e->br = make_response(br, blen, true, r->ctype, cc,
			    e->etag, e->last_modified, "br");
	}
	e->not_modified = make_response("", 0, false, r->ctype, cc, e->etag,
	    e->last_modified, NULL);
	e->bytes = len + zlen + blen + strlen(key) + sizeof(*e);
	return e;
}

/* Caller holds the lock. */
static struct centry **
cache_slot(struct web *w, const char *key)
{
	struct centry **pp = &w->buckets[hash_key(key) % NBUCKETS];

	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->key, key) == 0)
			return pp;
	return pp;
}

static void
cache_clear(struct web *w)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct centry *e = w->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			centry_free(e);
		}
		w->buckets[i] = NULL;
	}
	w->n_entries = w->n_bytes = w->n_query = 0;
	w->n_media = w->media_bytes = 0;
}

/* Counts e in (is_add) or out of its part. Caller holds the write lock. */
static void
cache_count(struct web *w, const struct centry *e, bool is_add)
{
	size_t *n = &w->n_entries, *bytes = &w->n_bytes;

	if (e->part == PART_MEDIA) {
		n = &w->n_media;
		bytes = &w->media_bytes;
	} else if (e->part == PART_QUERY) {
		w->n_query = is_add ? w->n_query + 1 : w->n_query - 1;
	}
	*n = is_add ? *n + 1 : *n - 1;
	*bytes = is_add ? *bytes + e->bytes : *bytes - e->bytes;
}

/*
 * Drops the entries of the given parts: all of them (is_all), or only those
 * nobody asked for since the last sweep, clearing the mark on the rest
 * (second chance). Returns how many were dropped. Caller holds the write
 * lock.
 */
static size_t
cache_sweep(struct web *w, unsigned parts, bool is_all)
{
	size_t dropped = 0;

	for (size_t i = 0; i < NBUCKETS; i++) {
		struct centry **pp = &w->buckets[i];

		while (*pp) {
			struct centry *e = *pp;

			if ((e->part & parts) && (!atomic_exchange(&e->was_hit,
			    false) || is_all)) {
				*pp = e->next;
				cache_count(w, e, false);
				centry_free(e);
				dropped++;
			} else {
				pp = &e->next;
			}
		}
	}
	return dropped;
}

static bool
is_full(const struct web *w, const struct centry *ne)
{
	if (ne->part == PART_MEDIA)
		return w->n_media >= MEDIA_MAX_ENTRIES ||
		    w->media_bytes + ne->bytes > MEDIA_MAX_BYTES;
	return w->n_entries >= (size_t)w->cfg->web.cache_max_entries ||
	    w->n_bytes + ne->bytes > CACHE_MAX_BYTES;
}

/*
 * Makes room for ne. Search pages are dropped alone when there are too
 * many, so a flood of distinct searches cannot push the front page out.
 * Then, when ne's part is full, the second-chance sweep drops the entries
 * nobody asked for since the last one, so a crawler walking through a
 * million item pages (or photos) evicts its own one-off entries, not the
 * front page that is hit all the time; when that is not enough, the whole
 * part goes. Pages (search pages included) and photos are separate parts:
 * neither ever evicts the other. Caller holds the write lock.
 */
static void
make_room(struct web *w, const struct centry *ne)
{
	unsigned parts = ne->part == PART_MEDIA ? PART_MEDIA :
	    PART_PAGE | PART_QUERY;

	if (ne->part == PART_QUERY && w->n_query >= CACHE_MAX_QUERY)
		cache_sweep(w, PART_QUERY, true);
	if (is_full(w, ne))
		cache_sweep(w, parts, false);
	if (is_full(w, ne))
		cache_sweep(w, parts, true);
}

static bool
fresh(struct web *w, const struct centry *e, time_t now)
{
	/* the theme until restart; a photo's bytes never change */
	if (e->gen != atomic_load(&w->gen) && e->part != PART_MEDIA &&
	    !(e->expires == 0 && strncmp(e->key, "/static/", 8) == 0))
		return false;
	return !e->expires || now < e->expires;
}

static bool
etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p;

	if (!inm)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	for (p = inm; (p = strstr(p, etag)); p += n)
		return true;
	return false;
}

/* Queues the right variant of e. Caller holds the read lock. */
static int
queue_entry(struct MHD_Connection *c, const struct centry *e, int enc,
    int *out_status, size_t *out_bytes)
{
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-None-Match");
	const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-Modified-Since");
	struct MHD_Response *resp = e->plain;

	if (etag_matches(inm, e->etag) || (!inm && ims &&
	    e->last_modified[0] && strcmp(ims, e->last_modified) == 0)) {
		*out_status = 304;
		*out_bytes = 0;
		return MHD_queue_response(c, 304, e->not_modified);
	}
	if ((enc & 2) && e->br)
		resp = e->br;
	else if ((enc & 1) && e->gz)
		resp = e->gz;
	*out_status = 200;
	*out_bytes = 0;
	return MHD_queue_response(c, 200, resp);
}

/* ---- access log ---- */

static void
access_log(struct web *w, const char *method, const char *path, int status,
    double ms)
{
	char line[MAX_PATH * 4 + 256];
	size_t n = 0;
	time_t now;
	struct tm tm;

	if (!w->access)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	/* the method is whatever token the client sent (it may be longer
	 * than the line), so it is escaped like the path and cut at about
	 * 64 bytes; a space in either would make the fields ambiguous */
	log_escape(line, &n, n + 64 + 16, method, true);
	line[n++] = ' ';
	/* the path only, never the query (it can carry what a reader
	 * searched for) */
	log_escape(line, &n, sizeof(line) - 48, path, true);
	n += (size_t)snprintf(line + n, sizeof(line) - n, " %d %.2fms\n",
	    status, ms);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	pthread_mutex_lock(&w->log_mu);
	fwrite(line, 1, n, w->access);
	fflush(w->access);
	pthread_mutex_unlock(&w->log_mu);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- the handler ---- */

static enum MHD_Result
simple(struct MHD_Connection *c, int status, const char *text,
    const char *allow)
{
	struct MHD_Response *resp = make_response(text, strlen(text), false,
	    "text/plain; charset=utf-8", "no-store", NULL, NULL, NULL);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	if (allow)
		(void)web_header_set(resp, "Allow", allow);
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The cache key: the path, plus the page number for paged lists. */
static char *
cache_key(struct MHD_Connection *c, const char *path, int flags)
{
	const char *page;
	long long n;

	if (flags & (ROUTE_STATIC | ROUTE_MEDIA))
		return xstrdup(path);
	if (flags & ROUTE_QUERY) {
		/* every parameter the page shows or depends on, in one
		 * order, so the same search is the same key */
		static const char *const keys[] = { "q", "section", "source",
			"from", "to", "page" };
		struct buf b = BUF_INIT(4096);

		buf_adds(&b, path);
		buf_addc(&b, '?');
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = MHD_lookup_connection_value(c,
			    MHD_GET_ARGUMENT_KIND, keys[i]);

			buf_adds(&b, keys[i]);
			buf_addc(&b, '=');
			for (; v && *v; v++) {  /* & and = cannot be confused */
				if (*v == '&' || *v == '=' || *v == '%') {
					static const char hex[] =
					    "0123456789ABCDEF";

					buf_addc(&b, '%');
					buf_addc(&b, hex[(unsigned char)*v >> 4]);
					buf_addc(&b, hex[*v & 15]);
				} else {
					buf_addc(&b, *v);
				}
			}
			buf_addc(&b, '&');
		}
		if (buf_err(&b)) {      /* too long to be worth caching */
			buf_release(&b);
			return NULL;
		}
		return buf_detach(&b, NULL);
	}
	page = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
	if (page && parse_int(page, 2, 1000, &n) == 0) {
		size_t len = strlen(path) + 32;
		char *k = xmalloc(len);

		snprintf(k, len, "%s?page=%lld", path, n);
		return k;
	}
	return xstrdup(path);
}

/*
 * A request that needs rendering (a cache miss, a search) becomes a job for
 * the render pool: the connection is suspended, a worker renders (and
 * fills the cache), resumes it, and MHD calls the handler again, which
 * sends the answer. So a slow render never holds an MHD thread, and cache
 * hits on every connection go on while a search runs.
 */
struct job {
	struct job *next;
	struct MHD_Connection *c;
	struct web_req r;
	const struct route *rt;
	char path[MAX_PATH + 1];
	char method[8];
	char *key;                   /* cache key; NULL for uncached routes */
	int enc;
	bool is_head;
	double t0;
	bool is_done;
	bool is_cached;              /* the answer is in the cache under key */
	struct MHD_Response *resp;   /* else: a one-off response */
	int status;
};

static char first_call;          /* *con_cls between the two calls */

static void
job_free(struct job *j)
{
	if (!j)
		return;
	if (j->resp)
		MHD_destroy_response(j->resp);
	free(j->key);
	page_release(&j->r.pg);
	arena_release(&j->r.a);
	free(j);
}

/* Renders j: into the cache for cached routes, else a one-off response. */
static void
job_run(struct web *w, struct job *j)
{
	struct web_req *r = &j->r;

	if (j->key) {
		struct centry *e;
		char old_etag[40] = "", old_lm[40] = "";
		uint64_t gen = atomic_load(&w->gen);
		bool is_fresh;

		/* another worker may have rendered it while this one waited */
		pthread_rwlock_rdlock(&w->mu);
		e = *cache_slot(w, j->key);
		is_fresh = e && fresh(w, e, time(NULL));
		if (e && !is_fresh) {
			memcpy(old_etag, e->etag, sizeof(old_etag));
			memcpy(old_lm, e->last_modified, sizeof(old_lm));
		}
		pthread_rwlock_unlock(&w->mu);
		if (is_fresh) {
			j->is_cached = true;
			return;
		}
		site_handle(r, j->rt);
		/* a photo too large to keep is read per request */
		if (r->status == 200 && !((r->flags & ROUTE_MEDIA) &&
		    r->pg.b.len > MEDIA_MAX_ONE)) {
			struct centry *ne = centry_new(w, j->key, r, gen,
			    old_etag[0] ? old_etag : NULL, old_lm);
			struct centry **pp;

			pthread_rwlock_wrlock(&w->mu);
			make_room(w, ne);
			pp = cache_slot(w, j->key);
			if (*pp) {
				struct centry *old = *pp;

				ne->next = old->next;
				cache_count(w, old, false);
				centry_free(old);
			}
			*pp = ne;
			cache_count(w, ne, true);
			pthread_rwlock_unlock(&w->mu);
			j->is_cached = true;
			return;
		}
	} else {
		site_handle(r, j->rt);
	}
	{
		char ccb[64];
		const char *cc = cache_control(r, ccb, sizeof(ccb));
		char *z = NULL;
		size_t zlen = 0;

		j->status = r->status ? r->status : 200;
		/* photos are compressed already */
		if ((j->enc & 1) && r->pg.b.len >= MIN_COMPRESS && !j->is_head &&
		    !(r->flags & ROUTE_MEDIA))
			z = gzip_of(r->pg.b.ptr, r->pg.b.len, 5, &zlen);
		if (z)
			j->resp = make_response(z, zlen, true, r->ctype, cc, NULL,
			    NULL, "gzip");
		else
			j->resp = make_response(r->pg.b.ptr, r->pg.b.len, false,
			    r->ctype ? r->ctype : "text/plain; charset=utf-8",
			    cc, NULL, NULL, NULL);
		if (!j->resp)
			free(z);
		else if (r->location)
			(void)web_header_set(j->resp, "Location", r->location);
		if (j->resp && r->etag)
			(void)web_header_set(j->resp, "ETag", r->etag);
	}
}

/* Sends what job_run prepared. Called from the handler. */
static enum MHD_Result
job_answer(struct web *w, struct job *j)
{
	enum MHD_Result ret = MHD_NO;
	size_t bytes = 0;
	int status = 0;

	if (j->is_cached) {
		struct centry *e;

		pthread_rwlock_rdlock(&w->mu);
		e = *cache_slot(w, j->key);
		/* any entry will do, even one replaced since: it is newer */
		if (e)
			ret = (enum MHD_Result)queue_entry(j->c, e, j->enc,
			    &status, &bytes);
		pthread_rwlock_unlock(&w->mu);
		if (!e) {
			/* the cache was cleared meanwhile: render here */
			j->is_cached = false;
			free(j->key);
			j->key = NULL;
			page_release(&j->r.pg);
			page_init(&j->r.pg, &j->r.a, WEB_MAX_PAGE);
			job_run(w, j);
		}
	}
	if (!j->is_cached && j->resp) {
		status = j->status;
		ret = MHD_queue_response(j->c, (unsigned)status, j->resp);
	}
	if (!(j->r.flags & ROUTE_NOLOG))
		access_log(w, j->method, j->path, status, now_ms() - j->t0);
	return ret;
}

static void *
worker(void *arg)
{
	struct web *w = arg;

	pthread_mutex_lock(&w->q_mu);
	for (;;) {
		struct job *j;

		while (!w->q_head && !w->q_stop)
			pthread_cond_wait(&w->q_cv, &w->q_mu);
		if (!w->q_head)
			break;          /* stopping and nothing left */
		j = w->q_head;
		w->q_head = j->next;
		if (!w->q_head)
			w->q_tail = NULL;
		pthread_mutex_unlock(&w->q_mu);
		job_run(w, j);
		j->is_done = true;
		if (j->c) {
			MHD_resume_connection(j->c);
		} else {
			/* a background refresh; when it failed, let the next
			 * request try again */
			if (!j->is_cached) {
				struct centry *e;

				pthread_rwlock_rdlock(&w->mu);
				if ((e = *cache_slot(w, j->key)))
					atomic_store(&e->is_refreshing, 0);
				pthread_rwlock_unlock(&w->mu);
			}
			job_free(j);
		}
		pthread_mutex_lock(&w->q_mu);
	}
	pthread_mutex_unlock(&w->q_mu);
	return NULL;
}

static struct job *
job_new(struct web *w, struct MHD_Connection *c, const char *path,
    char *key, int enc, bool is_head, double t0)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->c = c;
	snprintf(j->path, sizeof(j->path), "%s", path);
	snprintf(j->method, sizeof(j->method), "%s", is_head ? "HEAD" : "GET");
	j->key = key;
	j->enc = enc;
	j->is_head = is_head;
	j->t0 = t0;
	arena_init(&j->r.a);
	page_init(&j->r.pg, &j->r.a, WEB_MAX_PAGE);
	j->r.site = w->s;
	j->r.conn = c;
	j->r.path = j->path;
	j->rt = site_match(&j->r, "GET", j->path);
	return j;
}

/* Queues j for the render pool; false when the pool is stopping. When j
 * has a connection, it is suspended first (under the queue lock, so no
 * worker can resume it before). */
static bool
job_push(struct web *w, struct job *j)
{
	pthread_mutex_lock(&w->q_mu);
	if (w->q_stop || !w->n_workers) {
		pthread_mutex_unlock(&w->q_mu);
		return false;
	}
	if (j->c)
		MHD_suspend_connection(j->c);
	if (w->q_tail)
		w->q_tail->next = j;
	else
		w->q_head = j;
	w->q_tail = j;
	pthread_cond_signal(&w->q_cv);
	pthread_mutex_unlock(&w->q_mu);
	return true;
}

/*
 * A stale entry may still be sent while one background render replaces
 * it (stale-while-revalidate), so a change of the data or a page's minute
 * of relative ages never makes every reader wait for a render. Only for
 * first pages (a background render has no query string), and only for a
 * few seconds: after that, readers wait for a render as on a miss.
 * Caller holds the read lock.
 */
static bool
serve_stale(struct web *w, struct centry *e, const char *path, time_t now)
{
	if (strchr(e->key, '?'))
		return false;
	if (atomic_exchange(&e->is_refreshing, 1) == 0) {
		struct job *j = job_new(w, NULL, path, xstrdup(e->key), 0,
		    false, 0);

		atomic_store(&e->refresh_at, (long)now);
		if (!job_push(w, j)) {
			atomic_store(&e->is_refreshing, 0);
			job_free(j);
			return false;
		}
		return true;
	}
	return now - atomic_load(&e->refresh_at) < 5;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct web *w = cls;
	struct job *j;
	const struct route *rt;
	struct web_req probe;
	char path[MAX_PATH + 1];
	size_t plen;
	char *key;
	int enc, status = 0;
	size_t bytes = 0;
	double t0 = now_ms();
	enum MHD_Result ret;
	bool is_head = strcmp(method, "HEAD") == 0;

	(void)version;
	(void)upload_data;
	/* Answering on the first call (headers only) would make MHD close
	 * the connection, as it could not skip the body; so the first call
	 * only refuses what must be refused, and the answer comes on the
	 * second, when the request is complete and keep-alive still holds. */
	if (*con_cls == NULL) {
		const char *cl;

		*con_cls = &first_call;
		if (strcmp(method, "GET") != 0 && !is_head) {
			access_log(w, method, url, 405, now_ms() - t0);
			return simple(c, 405, "method not allowed\n", "GET, HEAD");
		}
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Content-Length");
		if ((cl && strcmp(cl, "0") != 0) || MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, "Transfer-Encoding")) {
			access_log(w, method, url, 413, now_ms() - t0);
			return simple(c, 413, "request body not allowed\n", NULL);
		}
		return MHD_YES;
	}
	if (*con_cls != &first_call) {
		/* resumed: the render pool has done this request */
		j = *con_cls;
		return j->is_done ? job_answer(w, j) : MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;   /* cannot happen: bodies are refused */
		return MHD_YES;
	}
	plen = strlen(url);
	if (plen > MAX_PATH || url[0] != '/') {
		access_log(w, method, "-", 414, now_ms() - t0);
		return simple(c, 414, "uri too long\n", NULL);
	}
	memcpy(path, url, plen + 1);
	while (plen > 1 && path[plen - 1] == '/')
		path[--plen] = '\0';

	/* the fast path: a fresh cached page, no allocation but the key */
	memset(&probe, 0, sizeof(probe));
	arena_init(&probe.a);
	rt = site_match(&probe, "GET", path);
	arena_release(&probe.a);
	enc = accepted(c);
	key = rt && (rt->flags & (ROUTE_CACHE | ROUTE_STATIC | ROUTE_QUERY |
	    ROUTE_MEDIA)) ?
	    cache_key(c, path, rt->flags) : NULL;
	if (key) {
		struct centry *e;
		time_t now = time(NULL);

		pthread_rwlock_rdlock(&w->mu);
		e = *cache_slot(w, key);
		if (e && (fresh(w, e, now) || serve_stale(w, e, path, now))) {
			atomic_store_explicit(&e->was_hit, true,
			    memory_order_relaxed);
			ret = (enum MHD_Result)queue_entry(c, e, enc, &status,
			    &bytes);
			pthread_rwlock_unlock(&w->mu);
			free(key);
			if (!(rt->flags & ROUTE_NOLOG))
				access_log(w, method, path, status, now_ms() - t0);
			return ret;
		}
		pthread_rwlock_unlock(&w->mu);
	}

	/* a job: render in the pool (or here, when stopping) */
	j = job_new(w, c, path, key, enc, is_head, t0);
	*con_cls = j;
	if (job_push(w, j))
		return MHD_YES;
	job_run(w, j);
	j->is_done = true;
	return job_answer(w, j);
}

/* ---- the data-version watcher ---- */

static void *
watch(void *arg)
{
	struct web *w = arg;
	struct store *st = NULL;
	uint64_t last = 0, v;
	bool has_last = false;

	pthread_mutex_lock(&w->stop_mu);
	while (!w->stopping) {
		struct timespec ts;

		pthread_mutex_unlock(&w->stop_mu);
		if (!st && site_store_get(w->s, &st) < 0)
			st = NULL;
		if (st && store_data_version(st, &v) == 0) {
			if (has_last && v != last)
				atomic_fetch_add(&w->gen, 1);
			last = v;
			has_last = true;
		} else if (st) {
			/* a broken handle: drop it and bump, to be safe */
			store_close(st);
			st = NULL;
			atomic_fetch_add(&w->gen, 1);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&w->stop_mu);
		if (!w->stopping)
			pthread_cond_timedwait(&w->stop_cv, &w->stop_mu, &ts);
	}
	pthread_mutex_unlock(&w->stop_mu);
	store_close(st);
	return NULL;
}

/* ---- start and stop ---- */

static int
parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(spec, ':');
	char host[256];
	size_t hl;
	long long port;

	if (!colon)
		return err_set(ND_EINVAL, "web: listen '%s': expected ADDR:PORT",
		    spec);
	if (parse_int(colon + 1, 0, 65535, &port) < 0)
		return err_set(ND_EINVAL, "web: listen '%s': bad port", spec);
	hl = (size_t)(colon - spec);
	if (hl >= sizeof(host))
		return err_set(ND_EINVAL, "web: listen '%s': bad address", spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return err_set(ND_EINVAL, "web: listen '%s': bad IPv6 "
			    "address", spec);
		*len = sizeof(*s6);
		return 0;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (!*host || strcmp(host, "*") == 0)
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (strcmp(host, "localhost") == 0)
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return err_set(ND_EINVAL, "web: listen '%s': bad IPv4 "
			    "address", spec);
		*len = sizeof(*s4);
	}
	return 0;
}

static void set_url(struct web *w, const struct sockaddr_storage *ss);

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	if (*con_cls && *con_cls != &first_call)
		job_free(*con_cls);
	*con_cls = NULL;
}

int
web_start(struct web **out, struct site *s, const struct config *cfg,
    const char *addr)
{
	struct web *w = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int fd = -1, one = 1, rc;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	/* MHD threads only send cached pages and hand misses to the render
	 * pool, so one per CPU is enough; the pool has two per CPU, as a
	 * render waits on SQLite as much as it computes. */
	unsigned threads = ncpu > 1 ? (unsigned)ncpu : 1;
	size_t nworkers = ncpu > 1 ? (size_t)ncpu * 2 : 2;

	*out = NULL;
	if ((rc = parse_listen(addr, &ss, &sl)) < 0)
		return rc;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(ND_EIO, "web: socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1024) < 0) {
		rc = err_set(ND_EIO, "web: cannot listen on %s: %s", addr,
		    strerror(errno));
		close(fd);
		return rc;
	}
	w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->cfg = cfg;
	w->listen_fd = fd;
	pthread_rwlock_init(&w->mu, NULL);
	pthread_mutex_init(&w->stop_mu, NULL);
	pthread_cond_init(&w->stop_cv, NULL);
	pthread_mutex_init(&w->log_mu, NULL);
	pthread_mutex_init(&w->q_mu, NULL);
	pthread_cond_init(&w->q_cv, NULL);
	{
		struct sockaddr_storage bound;
		socklen_t bl = sizeof(bound);

		getsockname(fd, (struct sockaddr *)&bound, &bl);
		w->port = ntohs(bound.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&bound)->sin6_port :
		    ((struct sockaddr_in *)&bound)->sin_port);
		set_url(w, &bound);
	}
	if (cfg->web.access_log && *cfg->web.access_log) {
		if (strcmp(cfg->web.access_log, "-") == 0)
			w->access = stderr;
		else if (!(w->access = fopen(cfg->web.access_log, "a")))
			log_warn(LOG_WEB, "access log %s: %s",
			    cfg->web.access_log, strerror(errno));
	}
	/* everything the server's threads read is set before they start */
	if (!cfg->desk.base_url || !*cfg->desk.base_url)
		site_set_base_url(s, w->url);
	w->workers = xcalloc(nworkers, sizeof(*w->workers));
	for (size_t i = 0; i < nworkers; i++)
		if (pthread_create(&w->workers[w->n_workers], NULL, worker, w) == 0)
			w->n_workers++;
	w->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, handle, w,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)(cfg->web.max_connections > 0 ? cfg->web.max_connections :
	    512),
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)(cfg->web.connection_timeout_s > 0 ?
	    cfg->web.connection_timeout_s : 30),
	    /* request line + headers must fit: larger gets 431 */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 << 10),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, w,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_END);
	if (!w->d) {
		rc = err_set(ND_EIO, "web: cannot start the HTTP server on %s",
		    addr);
		close(fd);
		w->listen_fd = -1;
		web_stop(w);
		return rc;
	}
	if (pthread_create(&w->watcher, NULL, watch, w) == 0)
		w->has_watcher = true;
	log_info(LOG_WEB, "listening port=%d threads=%u render_threads=%zu",
	    w->port, threads, w->n_workers);
	*out = w;
	return 0;
}

int
web_port(const struct web *w)
{
	return w->port;
}

const char *
web_url(const struct web *w)
{
	return w->url;
}

/* http://HOST:PORT for the bound socket; a wildcard address is shown as
 * the loopback one, which is what a browser on this machine can open. */
static void
set_url(struct web *w, const struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN] = "127.0.0.1";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		if (!IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		else
			snprintf(host, sizeof(host), "::1");
		snprintf(w->url, sizeof(w->url), "http://[%s]:%d", host, w->port);
		return;
	}
	{
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		if (s4->sin_addr.s_addr != htonl(INADDR_ANY))
			inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
	}
	snprintf(w->url, sizeof(w->url), "http://%s:%d", host, w->port);
}

void
web_stop(struct web *w)
{
	if (!w)
		return;
	if (w->d) {
		MHD_socket lfd = MHD_quiesce_daemon(w->d);

		if (lfd != MHD_INVALID_SOCKET)
			close(lfd);
		/* let requests in flight finish, for up to five seconds */
		for (int i = 0; i < 50; i++) {
			const union MHD_DaemonInfo *di = MHD_get_daemon_info(w->d,
			    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

			if (!di || di->num_connections == 0)
				break;
			usleep(100 * 1000);
		}
	}
	/* the pool finishes what is queued (so no connection stays
	 * suspended, which MHD_stop_daemon does not allow); later requests
	 * are rendered by the MHD thread itself */
	pthread_mutex_lock(&w->q_mu);
	w->q_stop = true;
	pthread_cond_broadcast(&w->q_cv);
	pthread_mutex_unlock(&w->q_mu);
	for (size_t i = 0; i < w->n_workers; i++)
		pthread_join(w->workers[i], NULL);
	free(w->workers);
	if (w->d)
		MHD_stop_daemon(w->d);
	if (w->has_watcher) {
		pthread_mutex_lock(&w->stop_mu);
		w->stopping = true;
		pthread_cond_signal(&w->stop_cv);
		pthread_mutex_unlock(&w->stop_mu);
		pthread_join(w->watcher, NULL);
	}
	cache_clear(w);
	if (w->access && w->access != stderr)
		fclose(w->access);
	pthread_rwlock_destroy(&w->mu);
	pthread_mutex_destroy(&w->stop_mu);
	pthread_cond_destroy(&w->stop_cv);
	pthread_mutex_destroy(&w->log_mu);
	pthread_mutex_destroy(&w->q_mu);
	pthread_cond_destroy(&w->q_cv);
	free(w);
}

/* ---- export: the same pages without HTTP ---- */

int
site_render_path(struct site *s, const char *path, struct buf *out,
    int *out_status, const char **out_ctype)
{
	struct web_req r = { 0 };
	const struct route *rt;

	arena_init(&r.a);
	page_init(&r.pg, &r.a, WEB_MAX_PAGE);
	r.site = s;
	r.path = path;
	rt = site_match(&r, "GET", path);
	site_handle(&r, rt);
	*out_status = r.status;
	*out_ctype = r.ctype ? r.ctype : "text/plain; charset=utf-8";
	buf_add(out, r.pg.b.ptr, r.pg.b.len);
	page_release(&r.pg);
	arena_release(&r.a);
	return buf_err(out);
}

int
web_site_start(struct web **out_web, struct site **out_site,
    const struct config *cfg, const char *db_path, const char *listen)
{
	struct site *s = NULL;
	struct web *w = NULL;
	int rc;

	*out_web = NULL;
	*out_site = NULL;
	if ((rc = site_new(&s, cfg, db_path)) < 0)
		return rc;
	if ((rc = web_start(&w, s, cfg, listen ? listen : cfg->web.listen)) < 0) {
		site_free(s);
		return rc;
	}
	printf("newsdesk: serving %s/\n", w->url);
	fflush(stdout);
	*out_web = w;
	*out_site = s;
	return 0;
}

void
web_site_stop(struct web *w, struct site *s)
{
	web_stop(w);
	site_free(s);
}
