/*
 * server: the HTTP core (libmicrohttpd). Turns a connection into a
 * struct web_req (method, path, query, form, cookies), dispatches it
 * through the route table (dispatch.c: methods, login, role, CSRF), and
 * answers from the page cache (cache.c) or hands it to the render pool.
 *
 * Threads: MHD's pool (one thread per CPU) only answers from the cache
 * and refuses what must be refused. A miss becomes a job for the render
 * pool (two threads per CPU): the connection is suspended, a worker
 * renders (and fills the cache), resumes it, and MHD calls the handler
 * again, which sends the answer. So a slow render never holds an MHD
 * thread, and cache hits on every connection go on while a search runs.
 *
 * Bodies: only POST routes take one, up to the limits in struct
 * web_limits; it is collected whole, then parsed (form.c). A size over a
 * cap is answered 413 at once when Content-Length says so (a chunked body
 * over it is dropped as it comes, as MHD answers only after the body),
 * a type other than a form 415, a malformed form 400; no handler runs.
 *
 * The front door (issue 13): every request is checked before a route is
 * looked at. The raw target (uri_check, MHD's URI log callback, which
 * sees it before MHD splits the query): too many parameters or too long
 * is 414, an encoded NUL 400. The headers (head_check): a field name
 * that is not a token (space before the colon, obs-fold), two
 * Content-Length or Host fields, Content-Length with Transfer-Encoding,
 * HTTP/1.1 without Host, Transfer-Encoding in HTTP/1.0: 400; a coding
 * other than chunked 501; a head over HEAD_MAX bytes or HEAD_MAX_FIELDS
 * fields 431. Refusals of the grammar close the connection, as the next
 * request's start is unknown.
 * Slow heads: a guard thread closes a connection whose head has not come
 * whole within [web] head_timeout_s of its start or of its previous
 * answer (408), and MHD's per-address limit keeps one client from taking
 * every connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "web/http_int.h"
#include "core/banned.h"

#define MAX_PATH 2048
#define MIN_COMPRESS 256
#define MEDIA_MAX_ONE (4u << 20)     /* larger photos are read per request */
#define DRAIN_MAX (64u << 20)        /* an oversized chunked body read */
#define MAX_TARGET 8192              /* request target, query included */
#define HEAD_MAX (32u << 10)         /* request line and header fields */
#define HEAD_MAX_FIELDS 100
/* MHD's per-connection pool holds the head, the parsed fields and the
 * answer's headers. Twice HEAD_MAX, so a head just under the limit
 * still leaves room for the answer (with 32 KiB, a 32,000-byte header
 * was closed without any status); MHD itself answers 431 beyond it. */
#define POOL_SIZE (2 * HEAD_MAX + (16u << 10))

/* img-src 'self': photos come from the local cache (site_media.c), so a
 * page makes no request to any other site. */
/* connect-src 'self': pages run no script, but Lighthouse (and other
 * auditors) fetch robots.txt from inside the page. */
#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; " \
	"connect-src 'self'; form-action 'self'; base-uri 'none'; " \
	"frame-ancestors 'none'"

/* ---- headers: the one door, which refuses CR and LF ---- */

int
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

struct MHD_Response *
web_response(const char *body, size_t len, bool must_free, const char *ctype,
    const char *cc, const char *etag, const char *lm, const char *encoding)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len,
	    (void *)(uintptr_t)body, must_free ? MHD_RESPMEM_MUST_FREE :
	    MHD_RESPMEM_MUST_COPY);

	if (!resp)
		return NULL;
	common_headers(resp, ctype ? ctype : "text/plain; charset=utf-8", cc);
	if (etag)
		(void)web_header_set(resp, "ETag", etag);
	if (lm && *lm)
		(void)web_header_set(resp, "Last-Modified", lm);
	if (encoding)
		(void)web_header_set(resp, "Content-Encoding", encoding);
	return resp;
}

const char *
web_cache_control(const struct web_req *r, char *buf, size_t cap)
{
	if (r->flags & ROUTE_PRIVATE)
		return "no-store";
	if ((r->flags & ROUTE_STATIC) || ((r->flags & ROUTE_MEDIA) &&
	    (r->status == 200 || r->status == 304)))
		return "public, max-age=31536000, immutable";
	if (r->status >= 500 || r->method == WEB_POST || r->set_cookie ||
	    (r->flags & (ROUTE_LOGIN | ROUTE_SESSION)))
		return "no-store";
	if (!(r->flags & (ROUTE_CACHE | ROUTE_STATIC)))
		return "private, max-age=0";
	snprintf(buf, cap, "public, max-age=%d", r->max_age > 0 ? r->max_age : 60);
	return buf;
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

/* A short plain-text answer (refusals, redirects). */
static enum MHD_Result
simple(struct MHD_Connection *c, int status, const char *text,
    const char *allow, const char *location)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	/* A head over the limit may have filled nearly all of MHD's pool,
	 * where the answer's headers are written too: the fewer, the
	 * smaller the band of head sizes (just under the pool) where no
	 * answer fits and MHD can only close the connection. */
	if (status == 431) {
		resp = MHD_create_response_from_buffer(strlen(text),
		    (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
		(void)web_header_set(resp, "Content-Type", "text/plain");
	} else {
		resp = web_response(text, strlen(text), false,
		    "text/plain; charset=utf-8", "no-store", NULL, NULL, NULL);
	}
	if (!resp)
		return MHD_NO;
	if (allow)
		(void)web_header_set(resp, "Allow", allow);
	if (location)
		(void)web_header_set(resp, "Location", location);
	/* after a malformed or oversized request, where the next one would
	 * start is not known: MHD closes the connection once this is sent */
	if (status == 400 || status == 408 || status == 413 || status == 414 ||
	    status == 431 || status == 501)
		(void)web_header_set(resp, "Connection", "close");
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static const char *
status_text(int status)
{
	switch (status) {
	case 303: return "see other\n";
	case 400: return "bad request\n";
	case 401: return "sign in first\n";
	case 403: return "forbidden\n";
	case 404: return "not found\n";
	case 405: return "method not allowed\n";
	case 408: return "request timeout\n";
	case 413: return "request body too large\n";
	case 414: return "uri too long\n";
	case 415: return "unsupported form type\n";
	case 431: return "request header fields too large\n";
	case 501: return "transfer coding not implemented\n";
	default: return "error\n";
	}
}

/* The flags of the route path would take (any method), 0 for none. */
static unsigned
path_flags(struct web *w, const char *path)
{
	struct web_req probe;
	const struct route *rt = NULL;
	unsigned flags = 0;

	if (!path || *path != '/')
		return 0;
	web_req_init(&probe, w->s, WEB_GET, path);
	probe.method = WEB_POST;
	if (web_route_find(w->routes, w->n_routes, &probe, &rt) != 0) {
		probe.method = WEB_GET;
		(void)web_route_find(w->routes, w->n_routes, &probe, &rt);
	}
	if (rt)
		flags = rt->flags;
	web_req_release(&probe);
	return flags;
}

/* What a reader sending a tip sees when the request is over the server's
 * cap: a page that says what happened, not a line of plain text. */
static const char private_413[] =
	"<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">"
	"<meta name=\"viewport\" content=\"width=device-width\">"
	"<title>Too large: nothing was stored</title>"
	"<h1>Too large: nothing was stored</h1>"
	"<p>What you sent was larger than 8 MiB, the most this server "
	"accepts in one request, so it was discarded unread and nothing was "
	"stored.</p><p>Make the file smaller (or split it) and send it "
	"again from the <a href=\"/tips\">tips form</a>.</p>\n";

static enum MHD_Result
refuse(struct web *w, struct MHD_Connection *c, const char *method,
    const char *path, int status, const char *allow, const char *location,
    double t0)
{
	unsigned flags = path_flags(w, path);

	/* a NOLOG route leaves no line, refused or not: the tips pages must
	 * not show in the access log at all (issue 11) */
	if (!(flags & ROUTE_NOLOG))
		access_log(w, method, path, status, now_ms() - t0);
	if (status == 413 && (flags & ROUTE_PRIVATE)) {
		struct MHD_Response *resp = web_response(private_413,
		    sizeof(private_413) - 1, false, "text/html; charset=utf-8",
		    "no-store", NULL, NULL, NULL);
		enum MHD_Result ret;

		if (!resp)
			return MHD_NO;
		(void)web_header_set(resp, "Connection", "close");
		ret = MHD_queue_response(c, 413, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	return simple(c, status, status_text(status), allow, location);
}

/* ---- the request as handlers see it ---- */

static unsigned
method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return WEB_GET;
	if (strcmp(m, "HEAD") == 0)
		return WEB_HEAD;
	if (strcmp(m, "POST") == 0)
		return WEB_POST;
	return 0;
}

/* The path without trailing slashes into out (MAX_PATH + 1): 0, 414 when
 * it is too long, 400 when it is neither a path nor an http(s) URL. An
 * absolute-form target (http://host/path, RFC 9112 3.2.2, what a proxy
 * may send) is served by its path; the authority is not checked, as Host
 * is not. */
static int
clean_path(const char *url, char *out)
{
	size_t plen;

	if (!(url = web_target_path(url)))
		return 400;
	plen = strlen(url);
	if (plen > MAX_PATH)
		return 414;
	memcpy(out, url, plen + 1);
	while (plen > 1 && out[plen - 1] == '/')
		out[--plen] = '\0';
	return 0;
}

struct qcopy {
	struct web_req *r;
	size_t cap, max;
	bool is_over;
};

static enum MHD_Result
copy_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct qcopy *q = cls;
	struct web_req *r = q->r;

	(void)kind;
	if (r->n_query == q->max) {
		q->is_over = true;
		return MHD_NO;
	}
	ARENA_GROW(&r->a, r->query, r->n_query, r->n_query + 1, q->cap);
	r->query[r->n_query++] = (struct web_param){
		.name = arena_strdup(&r->a, key),
		.value = arena_strdup(&r->a, value ? value : ""),
		.len = value ? strlen(value) : 0,
	};
	return MHD_YES;
}

/* Copies what handlers may read from c into r (query, cookies, a few
 * headers). 0, or 400 when the client sent more than the limits. */
static int
req_fill(struct web *w, struct web_req *r, struct MHD_Connection *c)
{
	struct qcopy q = { r, 0, w->limits.max_query, false };
	const char *v;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, copy_arg, &q);
	if (q.is_over)
		return 400;
	if ((v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie")) &&
	    web_cookies_parse(&r->a, v, w->limits.max_cookies, &r->cookies,
	    &r->n_cookies) != 0)
		return 400;
	if ((v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-None-Match")))
		r->if_none_match = arena_strdup(&r->a, v);
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	r->accepts_html = v && strstr(v, "text/html");
	{
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const struct sockaddr *sa = ci ? ci->client_addr : NULL;

		if (sa && sa->sa_family == AF_INET) {
			memcpy(r->peer, &((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, 4);
			r->peer_len = 4;
		} else if (sa && sa->sa_family == AF_INET6) {
			memcpy(r->peer, &((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, 16);
			r->peer_len = 16;
		}
	}
	return 0;
}

/* ---- the render pool ---- */

/*
 * A request that needs rendering (a cache miss, a search, a POST) becomes
 * a job: the connection is suspended, a worker renders (and fills the
 * cache), resumes it, and MHD calls the handler again, which sends the
 * answer.
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
	double t0;
	bool is_done;
	bool is_cached;              /* the answer is in the cache under key */
	struct MHD_Response *resp;   /* else: a one-off response */
	int status;
	/* POST: the body, collected up to the cap */
	struct buf body;
	char *ctype;
	bool is_posting, is_refused, is_too_big;
	size_t drained;              /* body bytes read, kept or not */
	/* a desk form's multipart body, read as it comes: an oversized
	 * file is dropped, the text kept (form_stream.c); NULL otherwise */
	struct web_mp_stream *mp;
};

static char get_call;            /* *con_cls of a GET between two calls */

static void
job_free(struct job *j)
{
	if (!j)
		return;
	if (j->resp)
		MHD_destroy_response(j->resp);
	free(j->key);
	free(j->ctype);
	free(j->mp);
	/* a tip's plaintext does not stay behind in freed memory */
	if ((j->r.flags & ROUTE_PRIVATE) && j->body.alloc)
		explicit_bzero(j->body.ptr, j->body.alloc);
	buf_release(&j->body);
	web_req_release(&j->r);
	free(j);
}

static struct job *
job_new(struct web *w, struct MHD_Connection *c, const char *path,
    unsigned method, char *key, int enc, double t0)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->c = c;
	snprintf(j->path, sizeof(j->path), "%s", path);
	snprintf(j->method, sizeof(j->method), "%s", method == WEB_HEAD ?
	    "HEAD" : method == WEB_POST ? "POST" : "GET");
	j->key = key;
	j->enc = enc;
	j->t0 = t0;
	buf_init(&j->body, w->limits.max_body);
	web_req_init(&j->r, w->s, method, j->path);
	if (web_route_find(w->routes, w->n_routes, &j->r, &j->rt) != 0)
		j->rt = NULL;
	return j;
}

/* Renders j: into the cache for cached routes, else a one-off response. */
static void
job_run(struct web *w, struct job *j)
{
	struct web_req *r = &j->r;

	if (j->key) {
		struct centry *e;
		char old_etag[40] = "", old_lm[40] = "";
		/* taken before the render reads the store: a change that
		 * comes meanwhile makes the entry stale (cache_put) */
		uint64_t gen = atomic_load(&w->gen);
		uint64_t epoch0 = atomic_load(&w->epoch);
		bool is_fresh;

		/* another worker may have rendered it while this one waited */
		pthread_rwlock_rdlock(&w->mu);
		e = *cache_slot(w, j->key);
		is_fresh = e && cache_fresh(w, e, time(NULL));
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
		/* a photo too large to keep is read per request; an answer
		 * that sets a cookie is someone's own */
		if (r->status == 200 && !r->set_cookie &&
		    !((r->flags & ROUTE_MEDIA) && r->pg.b.len > MEDIA_MAX_ONE)) {
			cache_put(w, cache_entry_new(w, j->key, r, gen,
			    old_etag[0] ? old_etag : NULL, old_lm), epoch0);
			j->is_cached = true;
			return;
		}
	} else {
		site_handle(r, j->rt);
	}
	if (r->flags & ROUTE_PRIVATE)
		r->set_cookie = NULL;    /* no cookie on a private page */
	{
		char ccb[64];
		const char *cc = web_cache_control(r, ccb, sizeof(ccb));
		char *z = NULL;
		size_t zlen = 0;

		j->status = r->status ? r->status : 200;
		/* photos are compressed already */
		if ((j->enc & 1) && r->pg.b.len >= MIN_COMPRESS &&
		    r->method != WEB_HEAD && !(r->flags & ROUTE_MEDIA))
			z = web_gzip(r->pg.b.ptr, r->pg.b.len, 5, &zlen);
		if (z)
			j->resp = web_response(z, zlen, true, r->ctype, cc, NULL,
			    NULL, "gzip");
		else
			j->resp = web_response(r->pg.b.ptr, r->pg.b.len, false,
			    r->ctype, cc, NULL, NULL, NULL);
		if (!j->resp) {
			free(z);
			return;
		}
		if (r->location)
			(void)web_header_set(j->resp, "Location", r->location);
		if (r->etag)
			(void)web_header_set(j->resp, "ETag", r->etag);
		if (r->set_cookie)
			(void)web_header_set(j->resp, "Set-Cookie",
			    r->set_cookie);
		if (r->flags & ROUTE_PRIVATE) {
			MHD_del_response_header(j->resp, "Referrer-Policy",
			    "strict-origin-when-cross-origin");
			(void)web_header_set(j->resp, "Referrer-Policy",
			    "no-referrer");
		}
		if (r->set_cookie2)
			(void)web_header_set(j->resp, "Set-Cookie",
			    r->set_cookie2);
	}
}

/* Sends what job_run prepared. Called from the handler. */
static enum MHD_Result
job_answer(struct web *w, struct job *j)
{
	enum MHD_Result ret = MHD_NO;
	int status = 0;

	if (j->is_cached) {
		struct centry *e;

		pthread_rwlock_rdlock(&w->mu);
		e = *cache_slot(w, j->key);
		/* any entry will do, even one replaced since: it is newer */
		if (e)
			ret = cache_queue(j->c, e, j->enc, &status);
		pthread_rwlock_unlock(&w->mu);
		if (!e) {
			/* the cache was cleared meanwhile: render here */
			j->is_cached = false;
			free(j->key);
			j->key = NULL;
			page_release(&j->r.pg);
			page_init(&j->r.pg, &j->r.a, WEB_MAX_PAGE);
			j->r.n_deps = 0;
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
			 * request try again; when the page is gone (an item
			 * an editor hid: 410), the stale copy goes too, or
			 * it would be served on every refresh that follows */
			if (!j->is_cached && (j->status == 404 ||
			    j->status == 410)) {
				cache_drop(w, j->key);
			} else if (!j->is_cached) {
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

/* Renders j in the pool, or here when the pool is stopping. */
static enum MHD_Result
job_start(struct web *w, struct job *j)
{
	if (job_push(w, j))
		return MHD_YES;
	job_run(w, j);
	j->is_done = true;
	return job_answer(w, j);
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
		struct job *j = job_new(w, NULL, path, WEB_GET, xstrdup(e->key),
		    0, 0);

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

/* ---- the front door: the target, the head, slow heads ---- */

/*
 * Slow heads. MHD's idle timeout starts again with every byte, so a
 * client sending one byte a second holds a connection for ever. Each
 * connection gets a guard (MHD's connection notifications) with a
 * deadline for a whole head: head_timeout after it opened, or after its
 * previous answer; none while a request is being served. The guard
 * thread answers 408 to a connection past it whose request line has come
 * (one that sent nothing or only part of a line, such as a browser's
 * preconnection or an idle keep-alive one, is closed silently: browsers
 * may take a 408 there for the answer to their next request) and shuts
 * the socket down, which MHD sees as the client going away. MHD closes
 * the socket only after its CLOSED notification, which unlinks the guard
 * under g_mu, so the guard thread never touches a socket that is not
 * this connection's.
 */
struct guard {
	struct guard *prev, *next;
	MHD_socket fd;
	_Atomic long long deadline;  /* ms (now_ms), 0 while a request runs */
	atomic_bool has_line;        /* this request's line has come */
	bool is_cut;
};

#define TIMEOUT_408 "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\n" \
	"\r\nrequest timeout\n"

static struct guard *
guard_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static char uri_414, uri_400;    /* *con_cls of a target uri_check refused */
static char mhd_answered;        /* *con_cls when MHD has queued its answer */

/*
 * MHD's URI log callback: the raw target, before MHD splits the query
 * into its per-connection pool (which it cannot answer from when the
 * pool runs out: 471 parameters hung the connection). A target over
 * MAX_TARGET or with more parameters than the limit is 414, an encoded
 * NUL (which would cut the path short: /item/1%00) 400; the verdict is
 * the request's *con_cls, and the query of a refused target is cut here,
 * in MHD's read buffer (writable: MHD NUL-terminates its parts in place),
 * so MHD never parses it.
 */
static void *
uri_check(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct web *w = cls;
	struct guard *g = guard_of(c);
	char *q = strchr(uri, '?');
	void *verdict = NULL;

	if (g)
		atomic_store(&g->has_line, true);
	switch (web_target_check(uri, MAX_TARGET, w->limits.max_query)) {
	case 414:
		verdict = &uri_414;
		break;
	case 400:
		verdict = &uri_400;
		break;
	default:
		break;
	}
	if (verdict && q)
		((char *)(uintptr_t)q)[1] = '\0';
	return verdict;
}

struct hscan {
	size_t n, bytes, n_cl, n_host, n_te;
	bool is_bad;
};

static enum MHD_Result
scan_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hscan *h = cls;
	size_t klen = strlen(key);
	uintptr_t k = (uintptr_t)key, v = (uintptr_t)value;

	(void)kind;
	h->n++;
	h->bytes += klen + (value ? strlen(value) : 0) + 4;
	if (!web_field_name_ok(key, klen))
		h->is_bad = true;
	/* obs-fold (RFC 9112 5.2: a server must reject it or unfold it):
	 * MHD 0.9.75 appends a continuation line to the field *name*, which
	 * it copies elsewhere in its pool, so "Transfer-Encoding:\r\n
	 * chunked" becomes a field "Transfer-Encodingchunked". An unfolded
	 * field's value follows its name on the same line of the read
	 * buffer: name, NUL (the colon), blanks, value. */
	if (!value || v <= k + klen || v - (k + klen) > 256)
		h->is_bad = true;
	else
		for (const char *p = key + klen + 1; p < value; p++)
			if (*p != ' ' && *p != '\t')
				h->is_bad = true;
	if (strcasecmp(key, "Content-Length") == 0)
		h->n_cl++;
	else if (strcasecmp(key, "Host") == 0)
		h->n_host++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		h->n_te++;
	return MHD_YES;
}

/*
 * The head of a request, before anything else looks at it (RFC 9112
 * 6.3: a message whose length is ambiguous must be refused, not
 * guessed). 0; 400, 431 or 501; or -1 when MHD has answered already
 * (a Content-Length that is not a number: MHD queues 400 or 413 itself,
 * and a second answer would send a second status line).
 */
static int
head_check(struct MHD_Connection *c, const char *method, const char *url,
    const char *version)
{
	struct hscan h = { 0 };
	const char *v;

	MHD_get_connection_values(c, MHD_HEADER_KIND, scan_field, &h);
	if ((v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Content-Length"))) {
		size_t nd = strspn(v, "0123456789"), z = strspn(v, "0");

		/* not a number: MHD's 400; over 2^64 - 1: MHD's 413 */
		if (!*v || v[nd] || nd - z > 20 || (nd - z == 20 &&
		    strcmp(v + z, "18446744073709551615") > 0))
			return -1;
	}
	if (h.n > HEAD_MAX_FIELDS || strlen(method) + strlen(url) +
	    strlen(version) + 4 + h.bytes + 2 > HEAD_MAX)
		return 431;
	if (h.is_bad || h.n_cl > 1 || h.n_host > 1 || h.n_te > 1 ||
	    (h.n_cl && h.n_te))
		return 400;
	if (!h.n_host && strcmp(version, "HTTP/1.1") == 0)
		return 400;
	/* RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 is a faulty framing */
	if (h.n_te && strcmp(version, "HTTP/1.1") != 0)
		return 400;
	if ((v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Transfer-Encoding")) && strcasecmp(v, "chunked") != 0)
		return 501;
	return 0;
}

static void
notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct web *w = cls;
	struct guard *g;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);

		g = xcalloc(1, sizeof(*g));
		g->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
		atomic_store(&g->deadline, (long long)now_ms() +
		    w->head_timeout_ms);
		pthread_mutex_lock(&w->g_mu);
		g->next = w->g_head;
		if (w->g_head)
			w->g_head->prev = g;
		w->g_head = g;
		pthread_mutex_unlock(&w->g_mu);
		*socket_context = g;
		return;
	}
	if (!(g = *socket_context))
		return;
	pthread_mutex_lock(&w->g_mu);
	if (g->prev)
		g->prev->next = g->next;
	else
		w->g_head = g->next;
	if (g->next)
		g->next->prev = g->prev;
	pthread_mutex_unlock(&w->g_mu);
	free(g);
	*socket_context = NULL;
}

static void *
guard_run(void *arg)
{
	struct web *w = arg;

	pthread_mutex_lock(&w->g_mu);
	while (!w->g_stop) {
		struct timespec ts;
		long long now;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->g_cv, &w->g_mu, &ts);
		now = (long long)now_ms();
		for (struct guard *g = w->g_head; g; g = g->next) {
			long long d = atomic_load(&g->deadline);

			if (g->is_cut || d == 0 || now < d ||
			    g->fd == MHD_INVALID_SOCKET)
				continue;
			if (atomic_load(&g->has_line))
				(void)send(g->fd, TIMEOUT_408,
				    sizeof(TIMEOUT_408) - 1,
				    MSG_DONTWAIT | MSG_NOSIGNAL);
			shutdown(g->fd, SHUT_RDWR);
			g->is_cut = true;
		}
	}
	pthread_mutex_unlock(&w->g_mu);
	return NULL;
}

/* ---- the handler ---- */

static const char *
query_of(void *payload, const char *name)
{
	return MHD_lookup_connection_value(payload, MHD_GET_ARGUMENT_KIND,
	    name);
}

/*
 * The first call (headers only): refuses what must be refused at once
 * (an unknown method or one the route does not take, a body where none
 * is taken or one over the cap, a type that is not a form), and for a
 * POST starts collecting the body. Answering a GET on this call would
 * make MHD close the connection (it cannot skip a body it has not read),
 * so a GET is answered on the second call, with keep-alive intact.
 */
static enum MHD_Result
first_call(struct web *w, struct MHD_Connection *c, const char *url,
    const char *method, void **con_cls, double t0)
{
	unsigned m = method_of(method);
	char path[MAX_PATH + 1];
	struct web_req probe;
	const struct route *rt = NULL;
	const char *cl, *ctype;
	long long clen = -1;
	bool has_body, is_streamed;
	int st;
	struct job *j;

	if (!m) {
		/* the Allow of the path when there is one */
		const char *allow = "GET, HEAD";

		if (clean_path(url, path) == 0) {
			web_req_init(&probe, w->s, WEB_GET, path);
			probe.method = 0;
			if (web_route_find(w->routes, w->n_routes, &probe,
			    &rt) == 405)
				allow = probe.allow;
			web_req_release(&probe);
		}
		return refuse(w, c, method, url, 405, allow, NULL, t0);
	}
	if ((st = clean_path(url, path)) != 0)
		return refuse(w, c, method, "-", st, NULL, NULL, t0);
	web_req_init(&probe, w->s, m, path);
	st = web_route_find(w->routes, w->n_routes, &probe, &rt);
	if (st == 405) {
		enum MHD_Result ret = refuse(w, c, method, path, 405,
		    probe.allow, NULL, t0);

		web_req_release(&probe);
		return ret;
	}
	web_req_release(&probe);
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	if (cl && parse_int(cl, 0, INT64_MAX, &clen) < 0)
		return refuse(w, c, method, path, 400, NULL, NULL, t0);
	has_body = clen > 0 || MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Transfer-Encoding");
	if (m != WEB_POST) {
		if (has_body)
			return refuse(w, c, method, path, 413, NULL, NULL, t0);
		*con_cls = &get_call;
		return MHD_YES;
	}
	if (st == 404)
		return refuse(w, c, method, path, 404, NULL, NULL, t0);
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	/* a desk form with files is read as it comes, up to max_request: a
	 * photo over the cap is dropped, not the form's text (issue 10) */
	is_streamed = rt && WEB_ROUTE_HAS_SESSION(rt) &&
	    !(rt->flags & ROUTE_PRIVATE) && ctype &&
	    str_istarts_with(str_of(ctype), "multipart/form-data");
	if (clen > 0 && (unsigned long long)clen > (is_streamed ?
	    w->limits.max_request : w->limits.max_body))
		return refuse(w, c, method, path, 413, NULL, NULL, t0);
	if (has_body || ctype) {
		struct str t = str_of(ctype);
		const char *semi = ctype ? strchr(ctype, ';') : NULL;

		if (semi)
			t.len = (size_t)(semi - ctype);
		t = str_trim(t);
		if (!str_ieq(t, "application/x-www-form-urlencoded") &&
		    !str_ieq(t, "multipart/form-data"))
			return refuse(w, c, method, path, 415, NULL, NULL, t0);
	}
	j = job_new(w, c, path, m, NULL, 0, t0);
	if (is_streamed) {
		j->mp = xcalloc(1, sizeof(*j->mp));
		/* the kept body: the text, files up to their cap, and one
		 * file's worth more while a part is being judged; what is left
		 * after the body is capped by max_body again (form.c) */
		buf_init(&j->body, w->limits.max_body + w->limits.max_file +
		    (64u << 10));
		if (!web_mp_stream_init(j->mp, ctype, w->limits.max_file,
		    w->limits.max_body, &j->body)) {
			free(j->mp);
			j->mp = NULL;
			buf_release(&j->body);
			buf_init(&j->body, w->limits.max_body);
		}
	}
	/* a private body in one allocation: no realloc leaves a copy of a
	 * tip in freed memory (job_free wipes the one) */
	if ((j->r.flags & ROUTE_PRIVATE) && clen > 0)
		(void)buf_grow(&j->body, (size_t)clen);
	j->ctype = ctype ? xstrdup(ctype) : NULL;
	j->enc = web_accept_encoding(MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "Accept-Encoding"));
	j->is_posting = true;
	*con_cls = j;
	if ((st = req_fill(w, &j->r, c)) != 0) {
		j->is_refused = true;
		return refuse(w, c, method, path, st, NULL, NULL, t0);
	}
	return MHD_YES;
}

/* A POST whose body has all come: the form, the route's checks, then
 * the handler in the pool. */
static enum MHD_Result
post_ready(struct web *w, struct job *j)
{
	int st;

	j->is_posting = false;
	if (j->mp)
		web_mp_stream_finish(j->mp, &j->body);
	/* a desk route's checks need the session: site_handle runs them */
	if ((st = web_form_parse(&j->r, j->ctype, j->body.ptr, j->body.len,
	    &w->limits)) == 0 && j->mp)
		web_mp_stream_mark(j->mp, &j->r);
	if (st != 0 ||
	    (!WEB_ROUTE_HAS_SESSION(j->rt) &&
	    (st = web_route_check(j->rt, &j->r)) != 0)) {
		j->is_refused = true;
		return refuse(w, j->c, j->method, j->path, st, NULL,
		    j->r.location, j->t0);
	}
	return job_start(w, j);
}

/* The second call of a GET or HEAD: from the cache, else a job. */
static enum MHD_Result
get_ready(struct web *w, struct MHD_Connection *c, const char *url,
    const char *method, void **con_cls, double t0)
{
	unsigned m = method_of(method);
	char path[MAX_PATH + 1];
	struct web_req probe;
	const struct route *rt = NULL;
	struct job *j;
	char *key;
	int enc, st, status = 0;
	enum MHD_Result ret;

	if ((st = clean_path(url, path)) != 0)
		return refuse(w, c, method, "-", st, NULL, NULL, t0);
	if (MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL) >
	    (int)w->limits.max_query)
		return refuse(w, c, method, path, 414, NULL, NULL, t0);
	/* the fast path: a fresh cached page, no allocation but the key */
	web_req_init(&probe, w->s, m, path);
	if (web_route_find(w->routes, w->n_routes, &probe, &rt) != 0)
		rt = NULL;
	web_req_release(&probe);
	enc = web_accept_encoding(MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "Accept-Encoding"));
	key = web_cache_key(path, rt, query_of, c);
	if (key) {
		struct centry *e;
		time_t now = time(NULL);

		pthread_rwlock_rdlock(&w->mu);
		e = *cache_slot(w, key);
		if (e && (cache_fresh(w, e, now) || serve_stale(w, e, path,
		    now))) {
			atomic_store_explicit(&e->was_hit, true,
			    memory_order_relaxed);
			ret = cache_queue(c, e, enc, &status);
			pthread_rwlock_unlock(&w->mu);
			free(key);
			if (!(rt->flags & ROUTE_NOLOG))
				access_log(w, method, path, status, now_ms() - t0);
			return ret;
		}
		pthread_rwlock_unlock(&w->mu);
	}
	/* a job: render in the pool (or here, when stopping) */
	j = job_new(w, c, path, m, key, enc, t0);
	*con_cls = j;
	if ((st = req_fill(w, &j->r, c)) != 0 ||
	    (j->rt && !WEB_ROUTE_HAS_SESSION(j->rt) &&
	    (st = web_route_check(j->rt, &j->r)) != 0)) {
		j->is_refused = true;
		return refuse(w, c, method, path, st, NULL, j->r.location, t0);
	}
	return job_start(w, j);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct web *w = cls;
	struct job *j;
	double t0 = now_ms();

	if (*con_cls == NULL || *con_cls == &uri_414 || *con_cls == &uri_400) {
		struct guard *g = guard_of(c);
		int st;

		if (g)
			atomic_store(&g->deadline, 0);
		if (*con_cls != NULL) {
			st = *con_cls == &uri_414 ? 414 : 400;
			*con_cls = NULL;
			return refuse(w, c, method, "-", st, NULL, NULL, t0);
		}
		if ((st = head_check(c, method, url, version)) != 0) {
			if (st < 0) {
				*con_cls = &mhd_answered;
				return MHD_YES;
			}
			return refuse(w, c, method, "-", st, NULL, NULL, t0);
		}
		return first_call(w, c, url, method, con_cls, t0);
	}
	if (*con_cls == &mhd_answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*con_cls == &get_call) {
		if (*upload_data_size) {
			*upload_data_size = 0;  /* cannot happen: refused */
			return MHD_YES;
		}
		return get_ready(w, c, url, method, con_cls, t0);
	}
	j = *con_cls;
	if (j->is_refused) {
		*upload_data_size = 0;      /* the rest is discarded */
		return MHD_YES;
	}
	if (j->is_posting) {
		if (*upload_data_size) {
			/* Over the cap while it streams (chunked): MHD can
			 * only answer once the body is read, so the rest is
			 * read and dropped (up to DRAIN_MAX, then the
			 * connection is closed), and 413 is the answer. */
			if (!j->is_too_big && j->mp)
				web_mp_stream_feed(j->mp, &j->body, upload_data,
				    *upload_data_size);
			else if (!j->is_too_big)
				buf_add(&j->body, upload_data,
				    *upload_data_size);
			if (buf_err(&j->body) && !j->is_too_big) {
				j->is_too_big = true;
				buf_release(&j->body);
			}
			j->drained += *upload_data_size;
			*upload_data_size = 0;
			/* the hard cap of a streamed form (chunked: no
			 * Content-Length said so at the start) */
			if (j->mp && !j->is_too_big &&
			    j->drained > w->limits.max_request) {
				j->is_too_big = true;
				buf_release(&j->body);
			}
			return j->drained > DRAIN_MAX ? MHD_NO : MHD_YES;
		}
		if (j->is_too_big) {
			j->is_posting = false;
			j->is_refused = true;
			return refuse(w, c, j->method, j->path, 413, NULL, NULL,
			    j->t0);
		}
		return post_ready(w, j);
	}
	/* resumed: the render pool has done this request */
	return j->is_done ? job_answer(w, j) : MHD_YES;
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
	struct web *w = cls;
	struct guard *g = guard_of(c);

	(void)toe;
	if (g) {
		atomic_store(&g->has_line, false);
		atomic_store(&g->deadline, (long long)now_ms() +
		    w->head_timeout_ms);
	}
	if (*con_cls && *con_cls != &get_call && *con_cls != &uri_414 &&
	    *con_cls != &uri_400 && *con_cls != &mhd_answered)
		job_free(*con_cls);
	*con_cls = NULL;
}

int
web_start(struct web **out, struct site *s, const struct config *cfg,
    const char *addr)
{
	const struct route *rt;
	size_t n;

	rt = site_routes(&n);
	return web_start_routes(out, s, cfg, addr, rt, n);
}

int
web_start_routes(struct web **out, struct site *s, const struct config *cfg,
    const char *addr, const struct route *routes, size_t n_routes)
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
	w->routes = routes;
	w->n_routes = n_routes;
	w->limits = (struct web_limits)WEB_LIMITS_DEFAULT;
	w->listen_fd = fd;
	pthread_rwlock_init(&w->mu, NULL);
	pthread_mutex_init(&w->stop_mu, NULL);
	pthread_cond_init(&w->stop_cv, NULL);
	pthread_mutex_init(&w->log_mu, NULL);
	pthread_mutex_init(&w->q_mu, NULL);
	pthread_cond_init(&w->q_cv, NULL);
	pthread_mutex_init(&w->g_mu, NULL);
	pthread_cond_init(&w->g_cv, NULL);
	w->head_timeout_ms = 1000 * (cfg->web.head_timeout_s > 0 ?
	    cfg->web.head_timeout_s : 10);
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
	/* the watcher's first poll, before anything is rendered */
	web_watch_prime(w);
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
	    /* the head and its answer; head_check says 431 past HEAD_MAX */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_SIZE,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, w,
	    MHD_OPTION_NOTIFY_CONNECTION, notify_conn, w,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_check, w,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)(cfg->web.max_connections_per_ip > 0 ?
	    cfg->web.max_connections_per_ip : 0),
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
	if (pthread_create(&w->watcher, NULL, web_watch, w) == 0)
		w->has_watcher = true;
	if (pthread_create(&w->guard, NULL, guard_run, w) == 0)
		w->has_guard = true;
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
	if (w->has_guard) {
		pthread_mutex_lock(&w->g_mu);
		w->g_stop = true;
		pthread_cond_signal(&w->g_cv);
		pthread_mutex_unlock(&w->g_mu);
		pthread_join(w->guard, NULL);
	}
	if (w->has_watcher) {
		pthread_mutex_lock(&w->stop_mu);
		w->stopping = true;
		pthread_cond_signal(&w->stop_cv);
		pthread_mutex_unlock(&w->stop_mu);
		pthread_join(w->watcher, NULL);
	}
	store_close(w->watch_st);    /* primed, when the thread never ran */
	cache_clear(w);
	if (w->access && w->access != stderr)
		fclose(w->access);
	pthread_rwlock_destroy(&w->mu);
	pthread_mutex_destroy(&w->stop_mu);
	pthread_cond_destroy(&w->stop_cv);
	pthread_mutex_destroy(&w->log_mu);
	pthread_mutex_destroy(&w->q_mu);
	pthread_cond_destroy(&w->q_cv);
	pthread_mutex_destroy(&w->g_mu);
	pthread_cond_destroy(&w->g_cv);
	free(w);
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
