/*
 * sched: when to fetch a source next. Pure arithmetic, so it is tested by
 * tables; the formulas are in fetch.h and docs/internals/fetch.md.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "core/err.h"
#include "core/str.h"
#include "fetch/fetch.h"
#include "core/banned.h"

/* A source that says nothing about itself starts at one hour. */
#define FIRST_INTERVAL_S 3600

static int
clamp(long long v, int lo, int hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return (int)v;
}

int
fetch_sched_interval(const struct fetch_sched *s, int cur, size_t n_new,
    int floor_s)
{
	int lo = s->min_interval_s, hi = s->max_interval_s;
	double f;
	long long next;

	if (hi < lo)
		hi = lo;
	if (cur <= 0) {
		next = FIRST_INTERVAL_S;
	} else {
		/* Aim at about one new item per fetch: a fetch that found
		 * nothing waits half as long again, one that found one item
		 * shortens a little (3/4), many items shorten by up to 4x. */
		f = 1.5 / (1.0 + (double)n_new);
		if (f < 0.25)
			f = 0.25;
		next = (long long)((double)cur * f + 0.5);
	}
	next = clamp(next, lo, hi);
	/* The publisher's own hint (ttl, sy:updatePeriod, max-age) is a floor:
	 * polling more often than it asks is impolite and useless. */
	if (floor_s > next)
		next = floor_s;
	return clamp(next, lo, hi);
}

int
fetch_sched_backoff(const struct fetch_sched *s, int n_errors, double u)
{
	long long d = s->min_interval_s > 0 ? s->min_interval_s : 60;
	int hi = s->max_interval_s > 0 ? s->max_interval_s : 86400;

	for (int i = 1; i < n_errors && d < hi; i++)
		d *= 2;
	if (d > hi)
		d = hi;
	if (u < 0)
		u = 0;
	if (u >= 1)
		u = 0.999999;
	/* "Equal jitter": half fixed, half random. */
	d = (long long)((double)d * (0.5 + u / 2));
	return d < 1 ? 1 : (int)d;
}

int
fetch_sched_jitter(int interval, double u)
{
	long long d = (long long)((double)interval * (0.9 + 0.2 * u) + 0.5);

	return d < 1 ? 1 : (int)(d > 0x7fffffff ? 0x7fffffff : d);
}

int
fetch_retry_after_parse(int64_t *out, const char *value, int64_t now)
{
	struct str v = str_trim(str_of(value));
	char tmp[128];
	time_t t;
	long long secs;

	if (!v.len || v.len >= sizeof(tmp))
		return err_set(ND_EPARSE, "fetch: bad Retry-After");
	memcpy(tmp, v.p, v.len);
	tmp[v.len] = '\0';
	if (str_isdigit((unsigned char)tmp[0])) {
		if (parse_int(tmp, 0, 100LL * 365 * 86400, &secs) < 0)
			return err_set(ND_EPARSE, "fetch: bad Retry-After '%s'", tmp);
		*out = now + secs;
		return 0;
	}
	/* curl_getdate understands the three HTTP date forms (RFC 9110). */
	t = curl_getdate(tmp, NULL);
	if (t == (time_t)-1)
		return err_set(ND_EPARSE, "fetch: bad Retry-After '%s'", tmp);
	*out = t < now ? now : (int64_t)t;
	return 0;
}

int
fetch_max_age_parse(const char *value)
{
	struct str cur = str_of(value), tok;
	int age = -1;

	while (cur.len) {
		if (!str_take_until(&cur, ',', &tok)) {
			tok = cur;
			cur.len = 0;
		}
		tok = str_trim(tok);
		if (str_ieq(tok, "no-cache") || str_ieq(tok, "no-store"))
			return 0;
		if (str_istarts_with(tok, "max-age=")) {
			struct str num = str_make(tok.p + 8, tok.len - 8);
			uint64_t n;

			if (str_skip_char(&num, '"'), str_take_uint(&num, 10, &n))
				age = n > 0x7fffffff ? 0x7fffffff : (int)n;
		}
	}
	return age;
}

double
fetch_random(void)
{
	/* splitmix64 over a shared counter seeded from the clock: good enough
	 * for jitter, and safe from several threads. */
	static atomic_uint_fast64_t state;
	uint64_t z;

	if (atomic_load(&state) == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint_fast64_t zero = 0;
		atomic_compare_exchange_strong(&state, &zero,
		    (uint64_t)ts.tv_sec * 1000000007u + (uint64_t)ts.tv_nsec);
	}
	z = atomic_fetch_add(&state, 0x9e3779b97f4a7c15ULL) + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}
