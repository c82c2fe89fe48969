/*
 * robots: may the desk fetch this article page? (issue 12). robots.txt is
 * fetched once per origin (scheme, host and port) through the same engine
 * as the pages (guard, allow_hosts, politeness), kept in the store with an
 * expiry, so every worker and every run shares it, and parsed by the pure
 * fetch_robots_parse (fetch/robots.c) for our product token, "newsdesk".
 *
 * What an answer means (RFC 9309 2.3.1):
 *  - 2xx: its rules; kept ROBOTS_TTL (the RFC's 24 hours at most);
 *  - 4xx (404, 403, 410...): "unavailable": everything may be fetched;
 *    kept ROBOTS_TTL;
 *  - 5xx, or no answer (DNS, connect, timeout, too big, blocked):
 *    "unreachable": nothing may be fetched for now; asked again after
 *    ROBOTS_RETRY. (The RFC lets a crawler fall back to a cached copy or
 *    to no rules after 30 days of this; we stay on the safe side.)
 * Feeds are not subject to it: they are published for machines to fetch.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

#define ROBOTS_TTL (24 * 3600)
#define ROBOTS_RETRY 3600
#define ROBOTS_MAX_BODY (512u << 10)
#define ROBOTS_PRODUCT "newsdesk"

/* The origin of url ("https://host:port", lower case, no user info) and
 * where its path starts; NULL when url is not http(s). In a. */
static const char *
origin_of(struct arena *a, const char *url, const char **out_path)
{
	const char *p = strstr(url, "://"), *auth, *end, *at;
	char *o;
	size_t sl, n;

	if (!p)
		return NULL;
	sl = (size_t)(p - url);
	if (!((sl == 4 && str_ncasecmp(url, "http", 4) == 0) ||
	    (sl == 5 && str_ncasecmp(url, "https", 5) == 0)))
		return NULL;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	if ((at = memchr(auth, '@', (size_t)(end - auth))))
		auth = at + 1;
	if (end == auth)
		return NULL;
	n = sl + 3 + (size_t)(end - auth);
	o = arena_alloc(a, n + 1);
	memcpy(o, url, sl);
	memcpy(o + sl, "://", 3);
	memcpy(o + sl + 3, auth, (size_t)(end - auth));
	o[n] = '\0';
	for (char *q = o; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	if (*end == '/') {
		*out_path = arena_strndup(a, end, strcspn(end, "#"));
	} else if (*end == '?') {
		*out_path = arena_printf(a, "/%.*s", (int)strcspn(end, "#"), end);
	} else {
		*out_path = "/";
	}
	return o;
}

struct rb_run {
	struct store *st;
	struct arena *a;
	int64_t now;
	const char **origins;
	int rc;
};

static void
on_robots(struct fetch_res *res, void *payload)
{
	struct rb_run *rr = payload;
	struct store_robots r = { 0 };
	int rc;

	r.origin = rr->origins[res->req->id];
	if (res->outcome == FETCH_OK) {
		r.status = res->status ? (int)res->status : 200;
		r.body = res->body;
		r.len = res->len;
		r.expires = rr->now + ROBOTS_TTL;
	} else if (res->status >= 400 && res->status < 500) {
		r.status = (int)res->status;
		r.expires = rr->now + ROBOTS_TTL;
	} else {
		r.status = (int)res->status;  /* 5xx, or 0: no answer */
		r.expires = rr->now + ROBOTS_RETRY;
	}
	log_info(LOG_FETCH, "robots origin=%s status=%ld bytes=%zu error=%s",
	    r.origin, res->status, res->len, res->error ? res->error : "-");
	if ((rc = store_robots_put(rr->st, &r)) < 0 && rr->rc == 0)
		rr->rc = rc;
	fetch_res_free(res);
}

/* The rules of a stored answer. */
static void
rules_of(struct fetch_robots *out, struct arena *a, const struct store_robots *r)
{
	if (r->status >= 200 && r->status < 300)
		(void)fetch_robots_parse(out, a, r->body ? r->body : "",
		    r->len, ROBOTS_PRODUCT);
	else
		fetch_robots_set(out, r->status >= 400 && r->status < 500);
}

int
ingest_robots_check(struct store *st, const struct fetch_opts *fo,
    const char *const *urls, size_t n, int64_t now, bool *out_allowed,
    const char **out_reason)
{
	struct arena a;
	const char **origins, **paths, **want;
	struct store_robots **got;
	struct fetch_req *reqs;
	size_t n_want = 0;
	int rc = 0;

	arena_init(&a);
	origins = arena_zalloc(&a, (n ? n : 1) * sizeof(*origins));
	paths = arena_zalloc(&a, (n ? n : 1) * sizeof(*paths));
	got = arena_zalloc(&a, (n ? n : 1) * sizeof(*got));
	want = arena_zalloc(&a, (n ? n : 1) * sizeof(*want));
	/* which origins have no fresh answer in the store: each asked once */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		out_allowed[i] = true;
		out_reason[i] = NULL;
		if (!(origins[i] = origin_of(&a, urls[i], &paths[i])))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			if (origins[k] && strcmp(origins[k], origins[i]) == 0)
				seen = true;
		if (seen)
			continue;
		rc = store_robots_get(st, &a, origins[i], &got[i]);
		if (rc == ND_ENOTFOUND || (rc == 0 && got[i]->expires <= now)) {
			want[n_want++] = origins[i];
			rc = 0;
		} else if (rc < 0) {
			goto out;
		}
	}
	if (n_want) {
		struct fetch_opts ro = *fo;
		struct rb_run rr = { st, &a, now, want, 0 };

		reqs = arena_zalloc(&a, n_want * sizeof(*reqs));
		for (size_t k = 0; k < n_want; k++) {
			reqs[k].id = (int64_t)k;
			reqs[k].url = arena_printf(&a, "%s/robots.txt", want[k]);
		}
		ro.max_body = ROBOTS_MAX_BODY;
		ro.accept = "text/plain, */*;q=0.1";
		if ((rc = fetch_run(&ro, reqs, n_want, on_robots, &rr)) == 0)
			rc = rr.rc;
		if (rc < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct store_robots *r = NULL;
		struct fetch_robots rules;

		if (!origins[i])
			continue;
		if (store_robots_get(st, &a, origins[i], &r) < 0 || !r) {
			/* stopped before it came: not this cycle */
			out_allowed[i] = false;
			out_reason[i] = "robots.txt not fetched yet";
			continue;
		}
		rules_of(&rules, &a, r);
		if (!fetch_robots_allows(&rules, &a, paths[i])) {
			out_allowed[i] = false;
			out_reason[i] = rules.is_disallow_all ?
			    "robots.txt unreachable: nothing fetched for now" :
			    "disallowed by robots.txt";
		}
	}
out:
	arena_release(&a);
	return rc;
}
