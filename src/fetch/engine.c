/*
 * engine: many HTTP GETs at once over libcurl's multi interface.
 *
 * The one design decision: redirects are followed here, not by libcurl
 * (no CURLOPT_FOLLOWLOCATION). Each hop is a new transfer that goes back
 * through the per-host queue, so politeness limits apply to the host it
 * lands on, the SSRF guard (CURLOPT_OPENSOCKETFUNCTION) sees every address
 * actually connected, and we know which hops were permanent (301/308) for
 * the URL-update rule.
 *
 * Scheduling: requests wait in one FIFO per host. A transfer starts when
 * fewer than `concurrency` run in total, fewer than `per_host` run to its
 * host and `host_spacing_ms` passed since the last start to that host. Hosts
 * are served round robin, so one slow host cannot hold the slots of others.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "fetch/fetch.h"
#include "core/banned.h"

struct host {
	char *name;
	int active;
	int64_t next_ms;          /* earliest start of the next transfer */
	size_t *q;                /* FIFO of job indexes */
	size_t qhead, qlen, qcap;
};

struct job {
	const struct fetch_req *req;
	char *url;                /* current hop */
	char *host_name;          /* of url, without brackets */
	size_t host;
	int hops;
	bool is_all_perm;         /* every hop so far was 301/308 */
	char *perm_url;
	long ms;
};

struct xfer {
	struct engine *e;
	struct job *job;
	CURL *easy;
	struct curl_slist *hdrs;
	struct buf body;
	size_t header_len;
	bool is_body_big, is_header_big;
	size_t slot;              /* index in engine.active */
	char blocked[128];
	char errbuf[CURL_ERROR_SIZE];
};

struct engine {
	const struct fetch_opts *o;
	struct fetch_allow *allow;
	CURLM *multi;
	struct host *hosts;
	size_t n_hosts, cap_hosts;
	struct job *jobs;
	size_t n_jobs;
	struct xfer **active;     /* transfers running */
	size_t n_active, cap_active;
	size_t n_left;            /* jobs without a result yet */
	size_t rr;                /* round-robin cursor over hosts */
	CURL **pool;              /* idle easy handles, reused */
	size_t n_pool, cap_pool;
	fetch_done_fn done;
	void *payload;
};

/* A result and the arena its strings live in. */
struct res_box {
	struct fetch_res res;
	struct arena a;
};

static const char *const err_names[FETCH_E_COUNT] = {
	"none", "http", "dns", "connect", "blocked", "timeout", "tls", "too big",
	"redirect", "parse", "store", "other",
};

const char *
fetch_err_name(enum fetch_err e)
{
	return (unsigned)e < FETCH_E_COUNT ? err_names[e] : "other";
}

void
fetch_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
fetch_opts_from_config(struct fetch_opts *o, const struct config *cfg,
    char *ua_buf, size_t ua_len)
{
	const char *contact = cfg->fetch.contact_url;

	memset(o, 0, sizeof(*o));
	o->concurrency = cfg->fetch.concurrency;
	o->per_host = cfg->fetch.per_host;
	o->host_spacing_ms = cfg->fetch.host_spacing_ms;
	o->connect_timeout_s = cfg->fetch.connect_timeout_s;
	o->timeout_s = cfg->fetch.timeout_s;
	o->low_speed_bytes = cfg->fetch.low_speed_bytes;
	o->low_speed_s = cfg->fetch.low_speed_s;
	o->max_body = (size_t)cfg->fetch.max_body_kb * 1024;
	o->max_header = (size_t)cfg->fetch.max_header_kb * 1024;
	o->max_redirects = cfg->fetch.max_redirects;
	o->allow_hosts = cfg->fetch.allow_hosts;
	o->ca_file = cfg->fetch.ca_file;
	if (contact && *contact)
		snprintf(ua_buf, ua_len, "newsdesk/%s (+%s)", ND_VERSION, contact);
	else
		snprintf(ua_buf, ua_len, "newsdesk/%s", ND_VERSION);
	o->user_agent = ua_buf;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
fetch_res_free(struct fetch_res *res)
{
	struct res_box *box = (struct res_box *)res;

	if (!res)
		return;
	free(res->body);
	arena_release(&box->a);
	free(box);
}

/* True for values safe to send back in a request header. */
static bool
is_header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* ---- hosts and queues ---- */

static size_t
host_find(struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->n_hosts; i++)
		if (strcmp(e->hosts[i].name, name) == 0)
			return i;
	e->hosts = xgrow(e->hosts, sizeof(*e->hosts), e->n_hosts + 1,
	    &e->cap_hosts);
	memset(&e->hosts[e->n_hosts], 0, sizeof(*e->hosts));
	e->hosts[e->n_hosts].name = xstrdup(name);
	return e->n_hosts++;
}

static void
host_push(struct host *h, size_t job)
{
	if (h->qhead && h->qhead == h->qlen)
		h->qhead = h->qlen = 0;
	h->q = xgrow(h->q, sizeof(*h->q), h->qlen + 1, &h->qcap);
	h->q[h->qlen++] = job;
}

/* Splits url into its lower-case host (brackets removed) after checking the
 * scheme; an error message in words otherwise. */
static const char *
url_host(const char *url, char **out_host)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	const char *why = NULL;

	*out_host = NULL;
	if (!u)
		return "out of memory";
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		why = "bad URL";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		why = "unsupported scheme (only http and https)";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
		why = "URL without a host";
		goto out;
	}
	{
		size_t n = strlen(host);
		char *h = host[0] == '[' && n > 2 ? xstrndup(host + 1, n - 2) :
		    xstrdup(host);
		for (char *p = h; *p; p++)
			*p = (char)str_tolower(*p);
		*out_host = h;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why;
}

/* ---- results ---- */

static struct res_box *
res_new(struct job *j)
{
	struct res_box *box = xcalloc(1, sizeof(*box));

	arena_init(&box->a);
	box->res.id = j->req->id;
	box->res.req = j->req;
	box->res.final_url = arena_strdup(&box->a, j->url);
	box->res.perm_url = j->perm_url ? arena_strdup(&box->a, j->perm_url) : NULL;
	box->res.redirects = j->hops;
	box->res.max_age = -1;
	box->res.ms = j->ms;
	return box;
}

static void
deliver(struct engine *e, struct res_box *box, struct job *j)
{
	free(j->url);
	j->url = NULL;
	free(j->host_name);
	j->host_name = NULL;
	free(j->perm_url);
	j->perm_url = NULL;
	e->n_left--;
	e->done(&box->res, e->payload);
}

static void
fail_job(struct engine *e, struct job *j, long status, enum fetch_err kind,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
fail_job(struct engine *e, struct job *j, long status, enum fetch_err kind,
    const char *fmt, ...)
{
	struct res_box *box = res_new(j);
	va_list ap;

	box->res.outcome = FETCH_FAILED;
	box->res.status = status;
	box->res.err = kind;
	va_start(ap, fmt);
	box->res.error = arena_vprintf(&box->a, fmt, ap);
	va_end(ap);
	deliver(e, box, j);
}

/* Queues job j for its current URL (the first hop or a redirect). */
static void
enqueue(struct engine *e, size_t ji)
{
	struct job *j = &e->jobs[ji];
	char *host = NULL;
	const char *why = url_host(j->url, &host);

	if (why) {
		fail_job(e, j, 0, j->hops ? FETCH_E_REDIRECT : FETCH_E_OTHER,
		    "%s%s", j->hops ? "redirect: " : "", why);
		return;
	}
	free(j->host_name);
	j->host_name = host;
	j->host = host_find(e, host);
	host_push(&e->hosts[j->host], ji);
}

/* ---- libcurl callbacks ---- */

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;

	/* Counted after decompression (libcurl decodes before calling us), so
	 * a small gzip bomb is cut off at the cap like any large body. */
	if (x->body.len + n > x->e->o->max_body) {
		x->is_body_big = true;
		return 0;
	}
	buf_add(&x->body, p, n);
	return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;

	(void)p;
	x->header_len += n;
	if (x->header_len > x->e->o->max_header) {
		x->is_header_big = true;
		return 0;
	}
	return n;
}

static curl_socket_t
on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct xfer *x = ud;
	const char *why;

	(void)purpose;
	if (!fetch_allow_match(x->e->allow, x->job->host_name, &addr->addr)) {
		why = fetch_addr_class(&addr->addr);
		if (why) {
			char ip[INET6_ADDRSTRLEN] = "?";
			const void *a = addr->family == AF_INET6 ?
			    (const void *)&((struct sockaddr_in6 *)(void *)&addr->addr)->sin6_addr :
			    (const void *)&((struct sockaddr_in *)(void *)&addr->addr)->sin_addr;

			inet_ntop(addr->family, a, ip, sizeof(ip));
			snprintf(x->blocked, sizeof(x->blocked),
			    "blocked address %s (%s)", ip, why);
			return CURL_SOCKET_BAD;
		}
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* ---- transfers ---- */

static void
start(struct engine *e, size_t ji)
{
	struct job *j = &e->jobs[ji];
	const struct fetch_opts *o = e->o;
	struct xfer *x = xcalloc(1, sizeof(*x));
	CURL *c;

	x->e = e;
	x->job = j;
	buf_init(&x->body, o->max_body + 1);
	if (e->n_pool) {
		c = e->pool[--e->n_pool];
		curl_easy_reset(c);
	} else {
		c = curl_easy_init();
		if (!c)
			abort();        /* only on OOM */
	}
	x->easy = c;
	curl_easy_setopt(c, CURLOPT_URL, j->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	/* A proxy would make the guard see the proxy's address only. */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	if (str_ncasecmp(j->url, "https:", 6) == 0) {
		/* HTTP/2 when the server offers it in ALPN; wait for a
		 * connection that may multiplex rather than open another. */
		curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
		curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
	} else {
		/* Plain http is HTTP/1.1. Saying so keeps libcurl from holding
		 * a transfer (connect timer running) until it learns whether
		 * the host's first connection multiplexes. */
		curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	}
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file && *o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(c, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)o->timeout_s);
	if (o->low_speed_s > 0 && o->low_speed_bytes > 0) {
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)o->low_speed_bytes);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)o->low_speed_s);
	}
	/* Refuses early a body announced too large (a compressed size never
	 * exceeds what it decompresses to); on_body counts the rest. */
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, x);

	if (o->accept && *o->accept && is_header_safe(o->accept)) {
		size_t len = strlen(o->accept) + 16;
		char *h = xmalloc(len);

		snprintf(h, len, "Accept: %s", o->accept);
		x->hdrs = curl_slist_append(NULL, h);
		free(h);
	} else {
		x->hdrs = curl_slist_append(NULL, "Accept: application/rss+xml, "
		    "application/atom+xml, application/feed+json, "
		    "application/json;q=0.9, application/xml;q=0.9, "
		    "text/xml;q=0.9, */*;q=0.8");
	}
	if (j->req->etag && *j->req->etag && is_header_safe(j->req->etag)) {
		char *h = NULL;
		size_t len = strlen(j->req->etag) + 32;

		h = xmalloc(len);
		snprintf(h, len, "If-None-Match: %s", j->req->etag);
		x->hdrs = curl_slist_append(x->hdrs, h);
		free(h);
	}
	if (j->req->last_modified && *j->req->last_modified &&
	    is_header_safe(j->req->last_modified)) {
		size_t len = strlen(j->req->last_modified) + 32;
		char *h = xmalloc(len);

		snprintf(h, len, "If-Modified-Since: %s", j->req->last_modified);
		x->hdrs = curl_slist_append(x->hdrs, h);
		free(h);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdrs);

	e->hosts[j->host].active++;
	e->hosts[j->host].next_ms = now_ms() + o->host_spacing_ms;
	e->active = xgrow(e->active, sizeof(*e->active), e->n_active + 1,
	    &e->cap_active);
	x->slot = e->n_active;
	e->active[e->n_active++] = x;
	log_debug(LOG_FETCH, "start id=%lld url=%s hop=%d", (long long)j->req->id,
	    j->url, j->hops);
	curl_multi_add_handle(e->multi, c);
}

/* Detaches x from the multi handle and frees it, keeping the easy handle
 * for reuse. */
static void
xfer_end(struct engine *e, struct xfer *x)
{
	curl_multi_remove_handle(e->multi, x->easy);
	e->hosts[x->job->host].active--;
	e->active[x->slot] = e->active[--e->n_active];
	e->active[x->slot]->slot = x->slot;
	e->pool = xgrow(e->pool, sizeof(*e->pool), e->n_pool + 1, &e->cap_pool);
	e->pool[e->n_pool++] = x->easy;
	curl_slist_free_all(x->hdrs);
	buf_release(&x->body);
	free(x);
}

static const char *
reason(long status)
{
	switch (status) {
	case 400: return "bad request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not found";
	case 405: return "method not allowed";
	case 406: return "not acceptable";
	case 408: return "request timeout";
	case 410: return "gone";
	case 429: return "too many requests";
	case 451: return "unavailable for legal reasons";
	case 500: return "internal server error";
	case 501: return "not implemented";
	case 502: return "bad gateway";
	case 503: return "service unavailable";
	case 504: return "gateway timeout";
	default:
		if (status >= 300 && status < 400)
			return "redirect without a usable Location";
		if (status >= 400 && status < 500)
			return "client error";
		return "server error";
	}
}

/* Copies response header name of x into the arena, or NULL. */
static const char *
header(struct res_box *box, CURL *c, const char *name)
{
	struct curl_header *h = NULL;

	if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	if (!h->value || !is_header_safe(h->value))
		return NULL;
	return arena_strdup(&box->a, h->value);
}

static void
fill_headers(struct res_box *box, CURL *c)
{
	struct fetch_res *r = &box->res;
	const char *v;

	r->etag = header(box, c, "ETag");
	r->last_modified = header(box, c, "Last-Modified");
	r->content_location = header(box, c, "Content-Location");
	r->content_language = header(box, c, "Content-Language");
	if ((v = header(box, c, "Cache-Control")))
		r->max_age = fetch_max_age_parse(v);
	if ((v = header(box, c, "Retry-After"))) {
		if (fetch_retry_after_parse(&r->retry_after, v, (int64_t)time(NULL)) < 0)
			r->retry_after = 0;
	}
	{
		char *ct = NULL;

		if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct &&
		    is_header_safe(ct))
			r->content_type = arena_strdup(&box->a, ct);
	}
}

/* Words for a libcurl failure of x. */
static void
fail_curl(struct engine *e, struct xfer *x, CURLcode cc, struct res_box *box)
{
	const struct fetch_opts *o = e->o;
	struct fetch_res *r = &box->res;
	struct arena *a = &box->a;
	long oserr = 0;
	curl_off_t connect_us = 0, total_us = 0;
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);

	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us);
	r->outcome = FETCH_FAILED;
	if (x->is_body_big) {
		r->err = FETCH_E_TOOBIG;
		r->error = arena_printf(a, "body exceeds %zu KiB", o->max_body / 1024);
		return;
	}
	if (x->is_header_big) {
		r->err = FETCH_E_TOOBIG;
		r->error = arena_printf(a, "headers exceed %zu KiB", o->max_header / 1024);
		return;
	}
	if (x->blocked[0]) {
		r->err = FETCH_E_BLOCKED;
		r->error = arena_strdup(a, x->blocked);
		return;
	}
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		r->err = FETCH_E_DNS;
		r->error = arena_printf(a, "could not resolve host %s", x->job->host_name);
		break;
	case CURLE_COULDNT_CONNECT:
		r->err = FETCH_E_CONNECT;
		if (oserr == ECONNREFUSED)
			r->error = "connection refused";
		else if (oserr == ENETUNREACH || oserr == EHOSTUNREACH)
			r->error = "host unreachable";
		else
			r->error = arena_printf(a, "could not connect: %s", detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		/* libcurl says which limit hit in its message only; its
		 * wording has been stable since 7.x. */
		r->err = FETCH_E_TIMEOUT;
		if (strncmp(x->errbuf, "Operation too slow", 18) == 0)
			r->error = arena_printf(a, "too slow: under %d bytes/s for %d s",
			    o->low_speed_bytes, o->low_speed_s);
		else if (strncmp(x->errbuf, "Resolving timed out", 19) == 0)
			r->error = arena_printf(a, "resolving %s timed out after %d s",
			    x->job->host_name, o->connect_timeout_s);
		else if (strncmp(x->errbuf, "Connection timed out", 20) == 0 ||
		    strncmp(x->errbuf, "Failed to connect", 17) == 0 ||
		    (connect_us == 0 && total_us < (curl_off_t)o->timeout_s * 1000000 - 100000))
			r->error = arena_printf(a, "connect timed out after %d s",
			    o->connect_timeout_s);
		else
			r->error = arena_printf(a, "timed out after %d s", o->timeout_s);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		r->err = FETCH_E_TOOBIG;
		r->error = arena_printf(a, "body exceeds %zu KiB", o->max_body / 1024);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		r->err = FETCH_E_TLS;
		r->error = arena_printf(a, "TLS: %s", detail);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		r->err = FETCH_E_OTHER;
		r->error = "unsupported scheme (only http and https)";
		break;
	case CURLE_GOT_NOTHING:
		r->err = FETCH_E_CONNECT;
		r->error = "empty reply from server";
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		r->err = FETCH_E_CONNECT;
		r->error = arena_printf(a, "connection broken: %s", detail);
		break;
	case CURLE_BAD_CONTENT_ENCODING:
		r->err = FETCH_E_OTHER;
		r->error = arena_printf(a, "bad content encoding: %s", detail);
		break;
	default:
		r->err = FETCH_E_OTHER;
		r->error = arena_strdup(a, detail);
		break;
	}
}

static void
finish(struct engine *e, struct xfer *x, CURLcode cc)
{
	struct job *j = x->job;
	size_t ji = (size_t)(j - e->jobs);
	long status = 0;
	curl_off_t total_us = 0;
	char *loc = NULL;
	struct res_box *box;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us);
	j->ms += (long)(total_us / 1000);

	if (cc == CURLE_OK && (status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308) &&
	    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc && *loc) {
		char *next = xstrdup(loc);

		xfer_end(e, x);
		if (j->hops >= e->o->max_redirects) {
			free(next);
			fail_job(e, j, status, FETCH_E_REDIRECT,
			    "too many redirects (%d)", e->o->max_redirects);
			return;
		}
		j->hops++;
		j->is_all_perm = j->is_all_perm && (status == 301 || status == 308);
		free(j->perm_url);
		j->perm_url = j->is_all_perm ? xstrdup(next) : NULL;
		log_debug(LOG_FETCH, "redirect id=%lld status=%ld to=%s",
		    (long long)j->req->id, status, next);
		free(j->url);
		j->url = next;
		enqueue(e, ji);
		return;
	}

	box = res_new(j);
	box->res.status = status;
	{
		long v = 0;

		curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &v);
		box->res.http_version = v == CURL_HTTP_VERSION_1_0 ? 10 :
		    v == CURL_HTTP_VERSION_1_1 ? 11 : v == CURL_HTTP_VERSION_2_0 ? 20 :
		    v == CURL_HTTP_VERSION_3 ? 30 : 0;
	}
	if (cc != CURLE_OK) {
		fail_curl(e, x, cc, box);
	} else {
		fill_headers(box, x->easy);
		if (status >= 200 && status < 300) {
			box->res.outcome = FETCH_OK;
			box->res.body = buf_detach(&x->body, &box->res.len);
		} else if (status == 304) {
			box->res.outcome = FETCH_NOT_MODIFIED;
		} else {
			box->res.outcome = FETCH_FAILED;
			box->res.err = FETCH_E_HTTP;
			if (box->res.retry_after && (status == 429 || status == 503))
				box->res.error = arena_printf(&box->a,
				    "http %ld (%s), retry after %lld s", status,
				    reason(status), (long long)(box->res.retry_after -
				    (int64_t)time(NULL)));
			else
				box->res.error = arena_printf(&box->a, "http %ld (%s)",
				    status, reason(status));
		}
	}
	log_debug(LOG_FETCH, "done id=%lld status=%ld bytes=%zu ms=%ld error=%s",
	    (long long)j->req->id, status, box->res.len, j->ms,
	    box->res.error ? box->res.error : "-");
	xfer_end(e, x);
	deliver(e, box, j);
}

/* Starts what the limits allow, round robin over the hosts. */
static void
start_ready(struct engine *e)
{
	const struct fetch_opts *o = e->o;
	int64_t now = now_ms();
	size_t n = e->n_hosts;

	if (o->may_start && !o->may_start(e->payload))
		return;
	for (size_t k = 0; k < n && e->n_active < (size_t)o->concurrency; k++) {
		size_t hi = (e->rr + k) % n;
		struct host *h = &e->hosts[hi];

		/* One start per host per pass keeps the round robin fair. */
		if (h->qhead < h->qlen && h->active < o->per_host &&
		    h->next_ms <= now) {
			start(e, h->q[h->qhead++]);
			e->rr = (hi + 1) % n;
		}
	}
}

/* How long until a job held back only by host spacing may start; -1 when
 * none is. */
static long
spacing_wait(struct engine *e)
{
	int64_t now = now_ms();
	long wait = -1;

	for (size_t i = 0; i < e->n_hosts; i++) {
		struct host *h = &e->hosts[i];

		if (h->qhead < h->qlen && h->active < e->o->per_host &&
		    h->next_ms > now) {
			long w = (long)(h->next_ms - now);
			if (wait < 0 || w < wait)
				wait = w;
		}
	}
	return wait;
}

static bool
any_startable(struct engine *e)
{
	if (e->n_active >= (size_t)e->o->concurrency)
		return false;
	if (e->o->may_start && !e->o->may_start(e->payload))
		return false;
	for (size_t i = 0; i < e->n_hosts; i++) {
		struct host *h = &e->hosts[i];
		if (h->qhead < h->qlen && h->active < e->o->per_host &&
		    h->next_ms <= now_ms())
			return true;
	}
	return false;
}

int
fetch_run(const struct fetch_opts *o, const struct fetch_req *reqs, size_t n,
    fetch_done_fn done, void *payload)
{
	struct engine e = { .o = o, .done = done, .payload = payload };
	int rc = 0;

	if (o->concurrency < 1 || o->per_host < 1)
		return err_set(ND_EINVAL, "fetch: concurrency and per_host must be >= 1");
	if ((rc = fetch_allow_new(&e.allow, o->allow_hosts)) < 0)
		return rc;
	if (!(e.multi = curl_multi_init())) {
		rc = err_set(ND_ERR, "fetch: cannot set up libcurl");
		goto out;
	}
	/* No CURLMOPT_MAX_HOST_CONNECTIONS: per_host is enforced on
	 * transfers above, and a second limit inside libcurl would queue a
	 * transfer behind a closing connection, where its connect timer
	 * runs out ("connect timed out") through no fault of the source. */
	curl_multi_setopt(e.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);

	e.jobs = xcalloc(n ? n : 1, sizeof(*e.jobs));
	e.n_jobs = n;
	e.n_left = n;
	for (size_t i = 0; i < n; i++) {
		e.jobs[i].req = &reqs[i];
		e.jobs[i].url = xstrdup(reqs[i].url ? reqs[i].url : "");
		e.jobs[i].is_all_perm = true;
		enqueue(&e, i);
	}

	while (e.n_left > 0) {
		int running = 0, left = 0;
		long wait_ms;
		CURLMsg *msg;

		if (o->stop && atomic_load(o->stop))
			break;
		start_ready(&e);
		curl_multi_perform(e.multi, &running);
		while ((msg = curl_multi_info_read(e.multi, &left))) {
			struct xfer *x = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			finish(&e, x, msg->data.result);
		}
		if (e.n_left == 0)
			break;
		if (any_startable(&e))
			continue;
		wait_ms = spacing_wait(&e);
		if (e.n_active == 0 && wait_ms < 0 &&
		    !(o->may_start && !o->may_start(payload))) {
			/* Nothing running and nothing startable: cannot happen
			 * unless the queues are inconsistent. */
			break;
		}
		if (wait_ms < 0 || wait_ms > 200)
			wait_ms = 200;  /* bounds the reaction time to stop */
		curl_multi_poll(e.multi, NULL, 0, (int)wait_ms, NULL);
	}

out:
	/* Stopped early: abort what is still in flight, without results. */
	for (size_t i = 0; i < e.n_hosts; i++) {
		free(e.hosts[i].name);
		free(e.hosts[i].q);
	}
	for (size_t i = 0; i < e.n_active; i++) {
		struct xfer *x = e.active[i];

		curl_multi_remove_handle(e.multi, x->easy);
		curl_easy_cleanup(x->easy);
		curl_slist_free_all(x->hdrs);
		buf_release(&x->body);
		free(x);
	}
	free(e.active);
	for (size_t i = 0; i < e.n_jobs; i++) {
		free(e.jobs[i].url);
		free(e.jobs[i].host_name);
		free(e.jobs[i].perm_url);
	}
	for (size_t i = 0; i < e.n_pool; i++)
		curl_easy_cleanup(e.pool[i]);
	free(e.pool);
	free(e.hosts);
	free(e.jobs);
	curl_multi_cleanup(e.multi);
	fetch_allow_free(e.allow);
	return rc;
}
