/*
 * fetch: the only network client of newsdesk (libcurl multi).
 *
 * Three layers, so each can be tested alone:
 *   - the engine, fetch_run(): a list of requests in, one result per request
 *     out through a callback. Pure network: concurrency, per-host politeness,
 *     conditional GET, redirects followed by hand (so the SSRF guard and the
 *     redirect accounting see every hop), limits. It never touches the store.
 *   - pure helpers: the address classifier behind the SSRF guard, the
 *     scheduling math (adaptive interval, backoff, Retry-After).
 *   - the source state machine, fetch_source_apply(): what one result
 *     means for a source's validators, interval, backoff and redirects
 *     (on the model's struct source; fetch never includes the store).
 * The fetch cycle that ties them to the store is ingest's (ingest/cycle.c).
 * See docs/internals/fetch.md for the formulas and limits.
 */
#ifndef ND_FETCH_FETCH_H
#define ND_FETCH_FETCH_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct sockaddr;
struct source;

/* ---- the engine ---- */

/* Kinds of failure, for summaries ("errors by kind"). */
enum fetch_err {
	FETCH_E_NONE,
	FETCH_E_HTTP,      /* an HTTP status other than 2xx/304 */
	FETCH_E_DNS,
	FETCH_E_CONNECT,   /* refused, unreachable, reset */
	FETCH_E_BLOCKED,   /* SSRF guard */
	FETCH_E_TIMEOUT,   /* connect, total or low-speed */
	FETCH_E_TLS,
	FETCH_E_TOOBIG,    /* body or headers over the cap */
	FETCH_E_REDIRECT,  /* too many, loop, bad target */
	FETCH_E_PARSE,     /* set by ingest: not a feed */
	FETCH_E_STORE,     /* set by ingest: the store refused it */
	FETCH_E_OTHER,
	FETCH_E_COUNT
};

/* "http", "dns", "connect", ... */
const char *fetch_err_name(enum fetch_err e);

struct fetch_opts {
	int concurrency;          /* transfers at once */
	int per_host;             /* transfers at once to one host */
	int host_spacing_ms;      /* minimum gap between starts to one host */
	int connect_timeout_s;
	int timeout_s;            /* whole transfer, per hop */
	int low_speed_bytes;      /* abort below this many bytes/s ... */
	int low_speed_s;          /* ... for this long (0 = off) */
	size_t max_body;          /* bytes, after decompression */
	size_t max_header;        /* bytes of response headers */
	int max_redirects;
	const char *allow_hosts;  /* names, addresses or CIDR nets; borrowed */
	const char *user_agent;   /* borrowed */
	const char *ca_file;      /* CA bundle (PEM), NULL or "" = system's */
	/* Checked between transfers; when set, fetch_run aborts what is in
	 * flight (no result for those) and returns. May be NULL. */
	atomic_bool *stop;
	/* Back-pressure: when set and it returns false, no new transfer
	 * starts (those in flight go on); asked again within 200 ms. Called
	 * on the engine's thread with the payload of fetch_run. */
	bool (*may_start)(void *payload);
	/* The Accept header; NULL = feed types (borrowed). */
	const char *accept;
};

/* Fills o from cfg->fetch. user_agent points into ua_buf (at least 256
 * bytes); cfg must outlive o. */
void fetch_opts_from_config(struct fetch_opts *o, const struct config *cfg,
    char *ua_buf, size_t ua_len);

struct fetch_req {
	int64_t id;               /* the caller's key, echoed in the result */
	const char *url;
	const char *etag;         /* for If-None-Match, or NULL */
	const char *last_modified;/* for If-Modified-Since, or NULL */
};

enum fetch_outcome {
	FETCH_OK,                 /* 2xx with a body */
	FETCH_NOT_MODIFIED,       /* 304 */
	FETCH_FAILED,             /* see err and error */
};

struct fetch_res {
	int64_t id;
	const struct fetch_req *req;
	enum fetch_outcome outcome;
	long status;              /* last HTTP status, 0 when none */
	enum fetch_err err;
	const char *error;        /* words, e.g. "timed out after 30 s"; NULL when ok */
	char *body;               /* FETCH_OK: the decoded body, NUL-terminated */
	size_t len;
	const char *final_url;    /* URL of the last hop */
	const char *perm_url;     /* where a chain of only permanent redirects
	                           * (301/308) led, or NULL */
	int redirects;            /* hops followed */
	const char *etag, *last_modified, *content_type;
	const char *content_location, *content_language;
	int64_t retry_after;      /* absolute time from Retry-After, 0 = none */
	int max_age;              /* Cache-Control max-age, -1 = none */
	long ms;                  /* wall time of all hops */
	int http_version;         /* of the last hop: 10, 11, 20, 30; 0 = none */
};

/* True for a failure that asking again will not cure: too big, blocked
 * by the guard, a bad redirect, or a 4xx other than 408 and 429. For
 * callers that remember failures (photos, article pages). */
bool fetch_res_is_permanent(const struct fetch_res *res);

/* Frees a result handed to a fetch_done_fn. NULL-safe. */
void fetch_res_free(struct fetch_res *res);

/* Called once per finished request, on the thread running fetch_run. The
 * callee owns res and frees it with fetch_res_free (possibly later, on
 * another thread). */
typedef void (*fetch_done_fn)(struct fetch_res *res, void *payload);

/*
 * Fetches every request in reqs (borrowed until fetch_run returns), calling
 * done for each as it finishes. A failing request is a result, not an error:
 * fetch_run returns 0, or ND_EINVAL for bad options (allow_hosts), ND_ERR
 * when libcurl cannot be set up. Thread-safe (one engine per call), provided
 * curl_global_init has run (fetch_global_init).
 */
int fetch_run(const struct fetch_opts *o, const struct fetch_req *reqs,
    size_t n, fetch_done_fn done, void *payload);

/* curl_global_init; call once from the main thread before any thread. */
void fetch_global_init(void);

/* ---- the SSRF guard ---- */

/*
 * Why connecting to sa is refused by default: "loopback", "private",
 * "link-local", "multicast", "unspecified", "shared (CGNAT)", "reserved",
 * "broadcast", "documentation" (IPv4-mapped and NAT64 IPv6 addresses are
 * judged by the IPv4 address inside), or NULL for a public address.
 */
const char *fetch_addr_class(const struct sockaddr *sa);

/* The same for an address literal; "invalid" when it is not one. */
const char *fetch_addr_class_str(const char *addr);

struct fetch_allow;

/* Parses a list of host names, addresses and CIDR nets separated by commas
 * or spaces. ND_EINVAL for a malformed net. Free with fetch_allow_free. */
int fetch_allow_new(struct fetch_allow **out, const char *list);
void fetch_allow_free(struct fetch_allow *al);
/* True when host (as written in the URL, without brackets) or the address
 * is listed. host or sa may be NULL. */
bool fetch_allow_match(const struct fetch_allow *al, const char *host,
    const struct sockaddr *sa);

/* ---- scheduling math (pure; times in seconds) ---- */

struct fetch_sched {
	int min_interval_s, max_interval_s;
};

/*
 * The next polling interval after a successful fetch (200 or 304) that
 * brought n_new new items: cur * max(1/4, 3/2 / (1 + n_new)), so a quiet
 * source slows down by half again each time and a busy one speeds up,
 * clamped to [min, max]; then raised to floor_s (ttl, sy:updatePeriod,
 * max-age) but never above max. cur 0 means a new source.
 */
int fetch_sched_interval(const struct fetch_sched *s, int cur, size_t n_new,
    int floor_s);

/*
 * Delay before retrying after the n-th consecutive error (n >= 1):
 * min(max, min * 2^(n-1)), times a jitter factor 1/2 + u/2 (u in [0,1)), so
 * sources failing together do not retry together.
 */
int fetch_sched_backoff(const struct fetch_sched *s, int n_errors, double u);

/* Spreads an interval by +-10% (u in [0,1)). */
int fetch_sched_jitter(int interval, double u);

/* Parses a Retry-After value (delta seconds or an HTTP date) into an
 * absolute time; ND_EPARSE when it is neither. */
int fetch_retry_after_parse(int64_t *out, const char *value, int64_t now);

/* Parses max-age from a Cache-Control value; -1 when absent. no-cache and
 * no-store give 0. */
int fetch_max_age_parse(const char *value);

/* A uniform double in [0,1) (thread-safe, not cryptographic). */
double fetch_random(void);

/* ---- the source state machine (state.c) ---- */

/*
 * Applies one engine result to a source (the state machine: conditional
 * GET validators, permanent-redirect confirmation, 410, Retry-After, backoff
 * and adaptive interval). n_new is the number of new items stored (0 for
 * a 304). Changes src in place; strings point into res or stay as they
 * were, so the caller writes src before freeing res. Exposed for tests.
 */
void fetch_source_apply(struct source *src, const struct fetch_res *res,
    const struct fetch_sched *s, size_t n_new, int floor_s, int64_t now);

/* ---- item photos (media.c) ---- */

/* What fetch_image_sniff found. */
struct fetch_image {
	const char *type;         /* "image/jpeg", "image/png", "image/gif",
	                           * "image/webp" (static strings) */
	const char *ext;          /* "jpg", "png", "gif", "webp" */
	int width, height;        /* pixels, from the header */
};

/*
 * Decides from its bytes alone (never from a Content-Type) whether data is
 * a JPEG, PNG, GIF or WebP image, and reads its size in pixels from the
 * header. Everything else is refused with ND_EPARSE and a message: "SVG is
 * refused" (an SVG can carry script), "not an image (HTML or XML)", "not an
 * image (unknown format)", "bad image header". Pure; thread-safe.
 */
int fetch_image_sniff(struct fetch_image *out, const void *data, size_t len);

/* ---- robots.txt (robots.c, issue 12) ---- */

struct arena;
struct robots_rule;

/* What one robots.txt says to one crawler: the rules of the groups that
 * name it (else of "*"), or allow/disallow everything. */
struct fetch_robots {
	const struct robots_rule *rules;
	size_t n;
	bool is_allow_all, is_disallow_all;
};

/*
 * Parses the first 500 KiB of a robots.txt (RFC 9309) for the crawler
 * whose product token is product ("newsdesk"): its groups merged, else
 * the "*" groups merged, else allow all. Never fails on content (0); the
 * rules live in a. Pure; thread-safe.
 */
int fetch_robots_parse(struct fetch_robots *out, struct arena *a,
    const char *txt, size_t len, const char *product);
/* Allow everything (is_allow_all) or nothing but /robots.txt. */
void fetch_robots_set(struct fetch_robots *out, bool is_allow_all);
/* May path (the URL's path and query, from '/') be fetched? The longest
 * matching rule decides, allow on a tie; no match allows. Scratch in a. */
bool fetch_robots_allows(const struct fetch_robots *r, struct arena *a,
    const char *path);

/* Times a redirect must be seen in a row before the URL is updated. */
#define FETCH_REDIRECT_CONFIRM 3

#endif
