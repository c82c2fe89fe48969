/*
 * cache: rendered pages kept as prebuilt MHD responses (identity, gzip,
 * brotli, 304), so a hit is a hash lookup and MHD_queue_response under a
 * read lock. Responses are reference-counted by MHD, so replacing an
 * entry while a connection still sends it is safe.
 *
 * Invalidation is by what changed: each entry keeps the sorted list of
 * what its page shows (web_dep: home, section:N, source:N, item:N, a day,
 * a photo), and the watcher (watch.c) marks stale the entries that
 * depend on what the store says changed; a render in flight when a change
 * arrives is checked against the last CACHE_RING change sets when it is
 * put in. Changes that touch every page (sections, an outlet's name) bump
 * the generation, which drops all. Pages with relative ages also expire
 * after a minute, pages showing today's date at the desk's midnight.
 * Photos (/media/KEY.EXT) and the theme never go stale; photos are kept
 * in a part of their own with its own caps, so photos and pages never
 * push each other out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "web/http_int.h"
#include "core/banned.h"

#define CACHE_MAX_BYTES (512u << 20)
#define CACHE_MAX_QUERY 2000   /* search pages: evicted alone when full */
#define MEDIA_MAX_BYTES (64u << 20)  /* photos: a part of their own */
#define MEDIA_MAX_ENTRIES 4096
#define AGE_TTL 60             /* seconds a page with relative ages lives */
#define MIN_COMPRESS 256

static uint64_t
hash_key(const char *s)
{
	return str_hash(s, strlen(s));
}

char *
web_cache_key(const char *path, const struct route *rt,
    const char *(*get)(void *payload, const char *name), void *payload)
{
	struct buf b = BUF_INIT(4096);
	bool has_q = false;

	if (!rt || !(rt->flags & (ROUTE_CACHE | ROUTE_STATIC | ROUTE_QUERY |
	    ROUTE_MEDIA)) || (rt->flags & (ROUTE_LOGIN | ROUTE_CSRF)))
		return NULL;
	buf_adds(&b, path);
	for (const struct route_key *k = rt->keys; k && k->name; k++) {
		const char *v = get(payload, k->name);
		long long n;

		if (!v || !*v)
			continue;
		if (k->max > 0 && parse_int(v, k->min, k->max, &n) < 0)
			continue;   /* the handler uses its default */
		buf_addc(&b, has_q ? '&' : '?');
		has_q = true;
		buf_adds(&b, k->name);
		buf_addc(&b, '=');
		if (k->max > 0) {
			buf_addf(&b, "%lld", n);
			continue;
		}
		for (; *v; v++) {      /* & and = cannot be confused */
			if (*v == '&' || *v == '=' || *v == '%') {
				static const char hex[] = "0123456789ABCDEF";

				buf_addc(&b, '%');
				buf_addc(&b, hex[(unsigned char)*v >> 4]);
				buf_addc(&b, hex[*v & 15]);
			} else {
				buf_addc(&b, *v);
			}
		}
	}
	if (buf_err(&b)) {      /* too long to be worth caching */
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

struct centry **
cache_slot(struct web *w, const char *key)
{
	struct centry **pp = &w->buckets[hash_key(key) % CACHE_NBUCKETS];

	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->key, key) == 0)
			return pp;
	return pp;
}

void
cache_entry_free(struct centry *e)
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
	free(e->deps);
	free(e->key);
	free(e);
}

void
cache_clear(struct web *w)
{
	for (size_t i = 0; i < CACHE_NBUCKETS; i++) {
		struct centry *e = w->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			cache_entry_free(e);
		}
		w->buckets[i] = NULL;
	}
	w->n_entries = w->n_bytes = w->n_query = 0;
	w->n_media = w->media_bytes = 0;
	for (size_t i = 0; i < CACHE_RING; i++) {
		free(w->ring[i].keys);
		memset(&w->ring[i], 0, sizeof(w->ring[i]));
	}
}

static void
http_date(char out[40], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
set_render_id(struct web *w, struct centry *e)
{
	char id[32];
	struct MHD_Response *v[4] = { e->plain, e->gz, e->br, e->not_modified };

	/* which render made this answer: tests and operators can tell a
	 * cache hit from a fresh render */
	snprintf(id, sizeof(id), "%llu", (unsigned long long)
	    atomic_fetch_add(&w->renders, 1) + 1);
	for (int i = 0; i < 4; i++)
		if (v[i])
			(void)web_header_set(v[i], "X-Render-Id", id);
}

struct centry *
cache_entry_new(struct web *w, const char *key, const struct web_req *r,
    uint64_t gen, const char *old_etag, const char *old_lm)
{
	struct centry *e = xcalloc(1, sizeof(*e));
	const char *body = r->pg.b.ptr;
	size_t len = r->pg.b.len, zlen = 0, blen = 0;
	char ccb[64];
	const char *cc = web_cache_control(r, ccb, sizeof(ccb));
	char *z = NULL, *br = NULL;
	bool is_query = (r->flags & ROUTE_QUERY) != 0;

	e->key = xstrdup(key);
	e->gen = gen;
	if (r->flags & ROUTE_MEDIA) {
		/* The photo as it was: its ETag is its key (site_media), no
		 * Last-Modified, no compressed forms. */
		e->part = PART_MEDIA;
		e->is_static = true;
		snprintf(e->etag, sizeof(e->etag), "%s", r->etag ? r->etag :
		    "");
		e->plain = web_response(body, len, false, r->ctype, cc,
		    r->etag, NULL, NULL);
		e->not_modified = web_response("", 0, false, r->ctype, cc,
		    r->etag, NULL, NULL);
		e->bytes = len + strlen(key) + sizeof(*e);
		return e;
	}
	e->part = is_query ? PART_QUERY : PART_PAGE;
	e->is_static = (r->flags & ROUTE_STATIC) != 0;
	if (r->n_deps) {
		e->deps = xmalloc(r->n_deps * sizeof(*e->deps));
		memcpy(e->deps, r->deps, r->n_deps * sizeof(*e->deps));
		qsort(e->deps, r->n_deps, sizeof(*e->deps), cmp_u64);
		e->n_deps = r->n_deps;
	}
	e->has_all_deps = r->has_all_deps;
	e->expires = (r->flags & ROUTE_AGES) ? time(NULL) + AGE_TTL : 0;
	if (r->expires > 0 && (!e->expires || r->expires < e->expires))
		e->expires = (time_t)r->expires;
	snprintf(e->etag, sizeof(e->etag), "\"%016llx\"",
	    (unsigned long long)str_hash(body, len));
	/* The same bytes keep their Last-Modified across re-renders. */
	if (old_etag && old_lm && strcmp(old_etag, e->etag) == 0)
		snprintf(e->last_modified, sizeof(e->last_modified), "%s", old_lm);
	else
		http_date(e->last_modified, time(NULL));
	e->plain = web_response(body, len, false, r->ctype, cc, e->etag,
	    e->last_modified, NULL);
	if (len >= MIN_COMPRESS) {
		/* Pages most readers will fetch get the smallest encodings;
		 * a search page, likely asked for once, gets fast ones
		 * (brotli 11 costs milliseconds, more than the search). */
		if ((z = web_gzip(body, len, is_query ? 5 : 9, &zlen)))
			e->gz = web_response(z, zlen, true, r->ctype, cc,
			    e->etag, e->last_modified, "gzip");
		if ((br = web_brotli(body, len, is_query ? 4 :
		    len > (256 << 10) ? 9 : 11, &blen)))
			e->br = web_response(br, blen, true, r->ctype, cc,
			    e->etag, e->last_modified, "br");
	}
	e->not_modified = web_response("", 0, false, r->ctype, cc, e->etag,
	    e->last_modified, NULL);
	set_render_id(w, e);
	e->bytes = len + zlen + blen + strlen(key) + sizeof(*e) +
	    e->n_deps * sizeof(*e->deps);
	return e;
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
 * (second chance). Caller holds the write lock.
 */
static void
cache_sweep(struct web *w, unsigned parts, bool is_all)
{
	for (size_t i = 0; i < CACHE_NBUCKETS; i++) {
		struct centry **pp = &w->buckets[i];

		while (*pp) {
			struct centry *e = *pp;

			if ((e->part & parts) && (!atomic_exchange(&e->was_hit,
			    false) || is_all)) {
				*pp = e->next;
				cache_count(w, e, false);
				cache_entry_free(e);
			} else {
				pp = &e->next;
			}
		}
	}
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
 * part goes. Caller holds the write lock.
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

/* Whether e depends on one of keys (both sorted). */
static bool
depends_on(const struct centry *e, const uint64_t *keys, size_t n)
{
	size_t i = 0, k = 0;

	if (e->is_static || !n)
		return false;
	if (e->has_all_deps)
		return true;
	while (i < e->n_deps && k < n) {
		if (e->deps[i] == keys[k])
			return true;
		if (e->deps[i] < keys[k])
			i++;
		else
			k++;
	}
	return false;
}

void
cache_put(struct web *w, struct centry *ne, uint64_t epoch0)
{
	struct centry **pp;
	uint64_t now_epoch;

	pthread_rwlock_wrlock(&w->mu);
	/* changes that came while it rendered (it may have read the store
	 * before them) */
	now_epoch = atomic_load(&w->epoch);
	if (now_epoch != epoch0 && !ne->is_static) {
		if (now_epoch - epoch0 > CACHE_RING)
			atomic_store(&ne->is_stale, true);
		for (uint64_t e = epoch0 + 1; e <= now_epoch &&
		    now_epoch - epoch0 <= CACHE_RING; e++) {
			const struct change_set *cs = &w->ring[e % CACHE_RING];

			if (cs->epoch != e || depends_on(ne, cs->keys, cs->n)) {
				atomic_store(&ne->is_stale, true);
				break;
			}
		}
	}
	make_room(w, ne);
	pp = cache_slot(w, ne->key);
	if (*pp) {
		struct centry *old = *pp;

		ne->next = old->next;
		cache_count(w, old, false);
		cache_entry_free(old);
	}
	*pp = ne;
	cache_count(w, ne, true);
	pthread_rwlock_unlock(&w->mu);
}

bool
cache_fresh(struct web *w, const struct centry *e, time_t now)
{
	/* the theme until restart; a photo's bytes never change */
	if (!e->is_static && (e->gen != atomic_load(&w->gen) ||
	    atomic_load(&e->is_stale)))
		return false;
	return !e->expires || now < e->expires;
}

void
cache_invalidate(struct web *w, uint64_t *keys, size_t n)
{
	uint64_t ep;
	struct change_set *cs;

	qsort(keys, n, sizeof(*keys), cmp_u64);
	pthread_rwlock_wrlock(&w->mu);
	ep = atomic_load(&w->epoch) + 1;
	cs = &w->ring[ep % CACHE_RING];
	free(cs->keys);
	cs->keys = keys;
	cs->n = n;
	cs->epoch = ep;
	atomic_store(&w->epoch, ep);
	pthread_rwlock_unlock(&w->mu);
	/* marking is atomic: hits go on meanwhile */
	pthread_rwlock_rdlock(&w->mu);
	for (size_t i = 0; i < CACHE_NBUCKETS; i++)
		for (struct centry *e = w->buckets[i]; e; e = e->next)
			if (depends_on(e, keys, n))
				atomic_store(&e->is_stale, true);
	pthread_rwlock_unlock(&w->mu);
}

void
cache_invalidate_all(struct web *w)
{
	/* entries carry the generation they were rendered in, taken before
	 * the render read the store, so a render in flight is stale too */
	atomic_fetch_add(&w->gen, 1);
}

static bool
etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	return strstr(inm, etag) != NULL;
}

enum MHD_Result
cache_queue(struct MHD_Connection *c, const struct centry *e, int enc,
    int *out_status)
{
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-None-Match");
	const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-Modified-Since");
	struct MHD_Response *resp = e->plain;

	if ((e->etag[0] && etag_matches(inm, e->etag)) || (!inm && ims &&
	    e->last_modified[0] && strcmp(ims, e->last_modified) == 0)) {
		*out_status = 304;
		return MHD_queue_response(c, 304, e->not_modified);
	}
	if ((enc & 2) && e->br)
		resp = e->br;
	else if ((enc & 1) && e->gz)
		resp = e->gz;
	*out_status = 200;
	return MHD_queue_response(c, 200, resp);
}

void
cache_drop(struct web *w, const char *key)
{
	struct centry **pp, *e;

	pthread_rwlock_wrlock(&w->mu);
	pp = cache_slot(w, key);
	if ((e = *pp)) {
		*pp = e->next;
		cache_count(w, e, false);
		cache_entry_free(e);
	}
	pthread_rwlock_unlock(&w->mu);
}
