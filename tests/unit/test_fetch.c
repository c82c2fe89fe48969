/*
 * Unit tests for fetch (issue 3): the address classifier and allow list,
 * the scheduling math, Retry-After and max-age parsing, and the engine
 * against the nd-fixture server on 127.0.0.1 (started here).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/str.h"
#include "fetch/fetch.h"
#include "store/store.h"
#include "core/banned.h"

/* ---- the classifier ---- */

static void
addr_class_table(void **state)
{
	static const struct { const char *addr, *want; } cases[] = {
		{ "93.184.216.34", NULL },
		{ "8.8.8.8", NULL },
		{ "127.0.0.1", "loopback" },
		{ "127.0.0.2", "loopback" },
		{ "127.255.255.254", "loopback" },
		{ "10.0.0.1", "private" },
		{ "10.255.255.255", "private" },
		{ "172.16.0.1", "private" },
		{ "172.31.255.255", "private" },
		{ "172.32.0.1", NULL },
		{ "172.15.255.255", NULL },
		{ "192.168.1.1", "private" },
		{ "192.169.0.1", NULL },
		{ "169.254.169.254", "link-local" },
		{ "100.64.0.1", "shared (CGNAT)" },
		{ "100.127.255.255", "shared (CGNAT)" },
		{ "100.128.0.1", NULL },
		{ "0.0.0.0", "unspecified" },
		{ "0.1.2.3", "unspecified" },
		{ "224.0.0.1", "multicast" },
		{ "239.255.255.250", "multicast" },
		{ "255.255.255.255", "broadcast" },
		{ "240.0.0.1", "reserved" },
		{ "198.18.0.1", "reserved" },
		{ "192.0.2.10", "documentation" },
		{ "::", "unspecified" },
		{ "::1", "loopback" },
		{ "::ffff:127.0.0.1", "loopback" },
		{ "::ffff:10.1.2.3", "private" },
		{ "::ffff:93.184.216.34", NULL },
		{ "64:ff9b::a00:1", "private" },          /* NAT64 of 10.0.0.1 */
		{ "2002:7f00:1::", "loopback" },           /* 6to4 of 127.0.0.1 */
		{ "fc00::1", "private" },
		{ "fd12:3456::1", "private" },
		{ "fe80::1", "link-local" },
		{ "febf::1", "link-local" },
		{ "ff02::1", "multicast" },
		{ "2001:db8::1", "documentation" },
		{ "2606:2800:220:1:248:1893:25c8:1946", NULL },
		{ "not-an-address", "invalid" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = fetch_addr_class_str(cases[i].addr);

		if (!cases[i].want) {
			if (got)
				fail_msg("%s: got %s, want public", cases[i].addr, got);
		} else if (!got || strcmp(got, cases[i].want) != 0) {
			fail_msg("%s: got %s, want %s", cases[i].addr,
			    got ? got : "public", cases[i].want);
		}
	}
}

static void
allow_list(void **state)
{
	struct fetch_allow *al = NULL;
	struct sockaddr_in in = { .sin_family = AF_INET };

	(void)state;
	assert_int_equal(fetch_allow_new(&al, "127.0.0.1, intranet.example "
	    "10.1.0.0/16,[::1]"), 0);
	in.sin_addr.s_addr = htonl(0x7f000001);
	assert_true(fetch_allow_match(al, "127.0.0.1", (struct sockaddr *)&in));
	in.sin_addr.s_addr = htonl(0x7f000002);
	assert_false(fetch_allow_match(al, "127.0.0.2", (struct sockaddr *)&in));
	assert_true(fetch_allow_match(al, "INTRANET.example", (struct sockaddr *)&in));
	in.sin_addr.s_addr = htonl(0x0a01ff01);
	assert_true(fetch_allow_match(al, "x.example", (struct sockaddr *)&in));
	in.sin_addr.s_addr = htonl(0x0a020001);
	assert_false(fetch_allow_match(al, "x.example", (struct sockaddr *)&in));
	fetch_allow_free(al);

	assert_int_equal(fetch_allow_new(&al, "10.0.0.0/99"), ND_EINVAL);
	assert_null(al);
	assert_int_equal(fetch_allow_new(&al, ""), 0);
	assert_false(fetch_allow_match(al, "localhost", NULL));
	fetch_allow_free(al);
}

/* ---- scheduling ---- */

static void
sched_interval_table(void **state)
{
	static const struct fetch_sched s = { 300, 86400 };
	static const struct { int cur; size_t n_new; int floor_s, want; } cases[] = {
		{ 0, 0, 0, 3600 },          /* new source */
		{ 0, 20, 0, 3600 },
		{ 3600, 0, 0, 5400 },       /* quiet: x1.5 */
		{ 3600, 1, 0, 2700 },       /* one item: x0.75 */
		{ 3600, 2, 0, 1800 },       /* two: x0.5 */
		{ 3600, 5, 0, 900 },        /* busy: x0.25 at most */
		{ 3600, 50, 0, 900 },
		{ 400, 50, 0, 300 },        /* min */
		{ 80000, 0, 0, 86400 },     /* max */
		{ 900, 5, 3600, 3600 },     /* ttl floor */
		{ 900, 5, 999999, 86400 },  /* floor never above max */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = fetch_sched_interval(&s, cases[i].cur, cases[i].n_new,
		    cases[i].floor_s);
		if (got != cases[i].want)
			fail_msg("case %zu: got %d want %d", i, got, cases[i].want);
	}
}

static void
sched_backoff_table(void **state)
{
	static const struct fetch_sched s = { 300, 86400 };

	(void)state;
	assert_int_equal(fetch_sched_backoff(&s, 1, 0.0), 150);
	assert_int_equal(fetch_sched_backoff(&s, 1, 0.999999), 299);
	assert_int_equal(fetch_sched_backoff(&s, 2, 0.0), 300);
	assert_int_equal(fetch_sched_backoff(&s, 3, 0.0), 600);
	assert_int_equal(fetch_sched_backoff(&s, 9, 0.0), 38400);
	assert_int_equal(fetch_sched_backoff(&s, 10, 0.0), 43200);   /* capped */
	assert_int_equal(fetch_sched_backoff(&s, 1000, 0.0), 43200);
	for (int n = 1; n < 40; n++) {
		int b = fetch_sched_backoff(&s, n, fetch_random());
		assert_true(b >= 150 && b <= 86400);
	}
	assert_int_equal(fetch_sched_jitter(1000, 0.0), 900);
	assert_int_equal(fetch_sched_jitter(1000, 0.5), 1000);
	for (int i = 0; i < 1000; i++) {
		double u = fetch_random();
		assert_true(u >= 0 && u < 1);
	}
}

static void
retry_after_table(void **state)
{
	int64_t now = 1700000000, t = 0;

	(void)state;
	assert_int_equal(fetch_retry_after_parse(&t, "120", now), 0);
	assert_int_equal(t, now + 120);
	assert_int_equal(fetch_retry_after_parse(&t, " 0 ", now), 0);
	assert_int_equal(t, now);
	/* 1700000000 is Tue, 14 Nov 2023 22:13:20 GMT */
	assert_int_equal(fetch_retry_after_parse(&t,
	    "Tue, 14 Nov 2023 22:23:20 GMT", now), 0);
	assert_int_equal(t, now + 600);
	assert_int_equal(fetch_retry_after_parse(&t,
	    "Tuesday, 14-Nov-23 22:23:20 GMT", now), 0);
	assert_int_equal(t, now + 600);
	assert_int_equal(fetch_retry_after_parse(&t,
	    "Tue Nov 14 22:23:20 2023", now), 0);
	assert_int_equal(t, now + 600);
	/* A date in the past means now. */
	assert_int_equal(fetch_retry_after_parse(&t,
	    "Tue, 14 Nov 2000 22:23:20 GMT", now), 0);
	assert_int_equal(t, now);
	assert_int_equal(fetch_retry_after_parse(&t, "soon", now), ND_EPARSE);
	assert_int_equal(fetch_retry_after_parse(&t, "", now), ND_EPARSE);
	assert_int_equal(fetch_retry_after_parse(&t, "-5", now), ND_EPARSE);
	assert_int_equal(fetch_retry_after_parse(&t, "12abc", now), ND_EPARSE);

	assert_int_equal(fetch_max_age_parse("max-age=600"), 600);
	assert_int_equal(fetch_max_age_parse("public, max-age=60, must-revalidate"), 60);
	assert_int_equal(fetch_max_age_parse("no-cache"), 0);
	assert_int_equal(fetch_max_age_parse("public"), -1);
	assert_int_equal(fetch_max_age_parse(""), -1);
}

/* ---- the engine, against nd-fixture ---- */

static pid_t fixture_pid;
static int fixture_port;
static char tmpdir[] = "/tmp/nd-test-fetch-XXXXXX";

static int
fixture_start(void **state)
{
	const char *build = getenv("NEWSDESK_BUILD");
	char bin[4096], portfile[4096];

	(void)state;
	snprintf(bin, sizeof(bin), "%s/src/fetch/nd-fixture", build ? build : "build");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(portfile, sizeof(portfile), "%s/port", tmpdir);
	fixture_pid = fork();
	if (fixture_pid == 0) {
		/* The server goes when the test goes, even if it crashes. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(bin, bin, "--listen", "127.0.0.1", "--port-file", portfile,
		    "--bomb-mb", "100", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(portfile, "r");

		if (f) {
			int ok = fscanf(f, "%d", &fixture_port);
			fclose(f);
			if (ok == 1)
				break;
		}
		usleep(50000);
	}
	if (!fixture_port) {
		fprintf(stderr, "cannot start %s\n", bin);
		return -1;
	}
	fetch_global_init();
	return 0;
}

static int
fixture_stop(void **state)
{
	char path[4096];

	(void)state;
	if (fixture_pid > 0) {
		kill(fixture_pid, SIGTERM);
		waitpid(fixture_pid, NULL, 0);
	}
	snprintf(path, sizeof(path), "%s/port", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

#define MAX_REQS 64

struct collect {
	struct fetch_res *res[MAX_REQS];
	size_t n;
};

static void
on_done(struct fetch_res *res, void *payload)
{
	struct collect *c = payload;

	assert_true(res->id >= 0 && res->id < MAX_REQS);
	assert_null(c->res[res->id]);
	c->res[res->id] = res;
	c->n++;
}

static void
opts_default(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->concurrency = 16;
	o->per_host = 16;
	o->connect_timeout_s = 2;
	o->timeout_s = 10;
	o->low_speed_bytes = 0;
	o->low_speed_s = 0;
	o->max_body = 64 * 1024;
	o->max_header = 64 * 1024;
	o->max_redirects = 5;
	o->allow_hosts = "127.0.0.1";
	o->user_agent = "newsdesk-test";
}

static char *
url(const char *path)
{
	char *u = malloc(256);

	if (strncmp(path, "http", 4) == 0 || strncmp(path, "ftp", 3) == 0)
		snprintf(u, 256, "%s", path);
	else
		snprintf(u, 256, "http://127.0.0.1:%d%s", fixture_port, path);
	return u;
}

/* Runs a batch of {path, etag, last_modified}. */
static void
run_batch(struct collect *c, const struct fetch_opts *o,
    const char *const (*paths)[3], size_t n)
{
	struct fetch_req reqs[MAX_REQS];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		reqs[i] = (struct fetch_req){ .id = (int64_t)i, .url = url(paths[i][0]),
		    .etag = paths[i][1], .last_modified = paths[i][2] };
	}
	assert_int_equal(fetch_run(o, reqs, n, on_done, c), 0);
	assert_int_equal(c->n, n);      /* every request has a result */
	for (size_t i = 0; i < n; i++)
		free((char *)reqs[i].url);
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < MAX_REQS; i++)
		fetch_res_free(c->res[i]);
}

static void
expect_error(const struct fetch_res *r, enum fetch_err kind, const char *text)
{
	if (r->outcome != FETCH_FAILED || !r->error || strcmp(r->error, text) != 0 ||
	    r->err != kind)
		fail_msg("%s: outcome %d kind %s error '%s', want %s '%s'",
		    r->final_url, r->outcome, fetch_err_name(r->err),
		    r->error ? r->error : "(null)", fetch_err_name(kind), text);
}

static void
issue_3_engine_cases(void **state)
{
	static const char *const paths[][3] = {
		/* 0 */ { "/feed/1", NULL, NULL },
		/* 1 */ { "/feed/2", "\"feed-2-v1\"", NULL },
		/* 2 */ { "/lm/3", NULL, "Mon, 02 Nov 2026 10:00:00 GMT" },
		/* 3 */ { "/r/301/2/feed/4", NULL, NULL },
		/* 4 */ { "/r/302/0/feed/5", NULL, NULL },
		/* 5 */ { "/r/308/0/r/307/0/feed/6", NULL, NULL },
		/* 6 */ { "/loop", NULL, NULL },
		/* 7 */ { "/status/404", NULL, NULL },
		/* 8 */ { "/status/410", NULL, NULL },
		/* 9 */ { "/retry/429/secs/120", NULL, NULL },
		/* 10 */ { "/retry/503/date/300", NULL, NULL },
		/* 11 */ { "/status/500", NULL, NULL },
		/* 12 */ { "/endless", NULL, NULL },
		/* 13 */ { "/bomb", NULL, NULL },
		/* 14 */ { "/bigheader", NULL, NULL },
		/* 15 */ { "/to/302/127.0.0.2/feed/7", NULL, NULL },
		/* 16 */ { "http://127.0.0.2:9/feed/8", NULL, NULL },
		/* 17 */ { "http://127.0.0.1:1/feed/9", NULL, NULL },
		/* 18 */ { "/gzip/9", NULL, NULL },
		/* 19 */ { "/charset-lie", NULL, NULL },
		/* 20 */ { "ftp://127.0.0.1/feed", NULL, NULL },
		/* 21 */ { "/etag/10", "\"feed-10-v1\"", NULL },
		/* 22 */ { "/feed/11", "\"feed-11-v0\"", NULL },   /* stale etag */
		/* 23 */ { "/r/301/9/feed/1", NULL, NULL },        /* 10 hops */
		/* 24 */ { "/to/301/localhost/feed/1", NULL, NULL },
		/* 25 */ { "/cache/12?max_age=7200", NULL, NULL },
	};
	struct fetch_opts o;
	struct collect c;
	struct fetch_res **r = c.res;
	char want[256];
	int64_t now = (int64_t)time(NULL);

	(void)state;
	opts_default(&o);
	run_batch(&c, &o, paths, sizeof(paths) / sizeof(paths[0]));

	assert_int_equal(r[0]->outcome, FETCH_OK);
	assert_int_equal(r[0]->status, 200);
	assert_string_equal(r[0]->etag, "\"feed-1-v1\"");
	assert_string_equal(r[0]->last_modified, "Mon, 02 Nov 2026 10:00:00 GMT");
	assert_non_null(strstr(r[0]->body, "Fixture feed 1"));
	assert_non_null(strstr(r[0]->content_type, "rss"));
	assert_null(r[0]->error);
	assert_null(r[0]->perm_url);

	assert_int_equal(r[1]->outcome, FETCH_NOT_MODIFIED);
	assert_int_equal(r[1]->status, 304);
	assert_int_equal(r[2]->outcome, FETCH_NOT_MODIFIED);
	assert_int_equal(r[21]->outcome, FETCH_NOT_MODIFIED);
	assert_int_equal(r[22]->outcome, FETCH_OK);

	assert_int_equal(r[3]->outcome, FETCH_OK);
	assert_int_equal(r[3]->redirects, 3);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/feed/4", fixture_port);
	assert_string_equal(r[3]->perm_url, want);
	assert_string_equal(r[3]->final_url, want);
	assert_int_equal(r[4]->outcome, FETCH_OK);
	assert_null(r[4]->perm_url);                /* temporary */
	assert_int_equal(r[5]->outcome, FETCH_OK);
	assert_null(r[5]->perm_url);                /* 308 then 307 */

	expect_error(r[6], FETCH_E_REDIRECT, "too many redirects (5)");
	expect_error(r[23], FETCH_E_REDIRECT, "too many redirects (5)");
	expect_error(r[7], FETCH_E_HTTP, "http 404 (not found)");
	expect_error(r[8], FETCH_E_HTTP, "http 410 (gone)");
	assert_int_equal(r[8]->status, 410);
	assert_int_equal(r[9]->status, 429);
	assert_true(r[9]->retry_after >= now + 119 && r[9]->retry_after <= now + 125);
	assert_non_null(strstr(r[9]->error, "http 429 (too many requests), retry after"));
	assert_int_equal(r[10]->status, 503);
	assert_true(r[10]->retry_after >= now + 298 && r[10]->retry_after <= now + 305);
	expect_error(r[11], FETCH_E_HTTP, "http 500 (internal server error)");
	expect_error(r[12], FETCH_E_TOOBIG, "body exceeds 64 KiB");
	expect_error(r[13], FETCH_E_TOOBIG, "body exceeds 64 KiB");
	expect_error(r[14], FETCH_E_TOOBIG, "headers exceed 64 KiB");
	expect_error(r[15], FETCH_E_BLOCKED, "blocked address 127.0.0.2 (loopback)");
	expect_error(r[16], FETCH_E_BLOCKED, "blocked address 127.0.0.2 (loopback)");
	expect_error(r[17], FETCH_E_CONNECT, "connection refused");
	assert_int_equal(r[18]->outcome, FETCH_OK);
	assert_non_null(strstr(r[18]->body, "Fixture feed 9"));
	assert_int_equal(r[19]->outcome, FETCH_OK);
	expect_error(r[20], FETCH_E_OTHER, "unsupported scheme (only http and https)");
	/* An allowed address is allowed under any name (localhost is
	 * 127.0.0.1 here). */
	assert_int_equal(r[24]->outcome, FETCH_OK);
	assert_int_equal(r[25]->outcome, FETCH_OK);
	assert_int_equal(r[25]->max_age, 7200);
	collect_free(&c);
}

static void
issue_3_engine_timeouts(void **state)
{
	static const char *const paths[][3] = {
		{ "/stall", NULL, NULL },
		{ "/slow", NULL, NULL },
		{ "/feed/1", NULL, NULL },
	};
	struct fetch_opts o;
	struct collect c;
	struct timespec t0, t1;

	(void)state;
	opts_default(&o);
	o.timeout_s = 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_batch(&c, &o, paths, 3);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	expect_error(c.res[0], FETCH_E_TIMEOUT, "timed out after 2 s");
	expect_error(c.res[1], FETCH_E_TIMEOUT, "timed out after 2 s");
	assert_int_equal(c.res[2]->outcome, FETCH_OK);
	/* The good feed was not held up by the stalled ones. */
	assert_true(c.res[2]->ms < 1900);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	collect_free(&c);

	opts_default(&o);
	o.low_speed_bytes = 100;
	o.low_speed_s = 1;
	run_batch(&c, &o, paths, 2);
	/* The stalled one is usually caught by the low-speed check too, but
	 * on a loaded machine libcurl may only see the total timeout. */
	assert_int_equal(c.res[0]->err, FETCH_E_TIMEOUT);
	expect_error(c.res[1], FETCH_E_TIMEOUT, "too slow: under 100 bytes/s for 1 s");
	collect_free(&c);
}

static void
issue_3_engine_host_spacing(void **state)
{
	static const char *const paths[][3] = {
		{ "/feed/1", NULL, NULL }, { "/feed/2", NULL, NULL },
		{ "/feed/3", NULL, NULL }, { "/feed/4", NULL, NULL },
		{ "/feed/5", NULL, NULL },
	};
	struct fetch_opts o;
	struct collect c;
	struct timespec t0, t1;
	long ms;

	(void)state;
	opts_default(&o);
	o.per_host = 1;
	o.host_spacing_ms = 150;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_batch(&c, &o, paths, 5);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* The engine keeps time in whole milliseconds, truncated, so each of
	 * the four gaps may be up to 1 ms short of the spacing. */
	assert_true(ms >= 4 * (150 - 1));
	assert_true(ms < 10000);    /* loose: shared CI machines */
	for (int i = 0; i < 5; i++)
		assert_int_equal(c.res[i]->outcome, FETCH_OK);
	collect_free(&c);
}

static void
issue_3_engine_stop(void **state)
{
	static const char *const paths[][3] = {
		{ "/stall", NULL, NULL }, { "/stall", NULL, NULL },
	};
	struct fetch_opts o;
	struct fetch_req reqs[2];
	struct collect c = { 0 };
	atomic_bool stop = true;

	(void)state;
	opts_default(&o);
	o.stop = &stop;
	for (int i = 0; i < 2; i++)
		reqs[i] = (struct fetch_req){ .id = i, .url = url(paths[i][0]) };
	assert_int_equal(fetch_run(&o, reqs, 2, on_done, &c), 0);
	assert_int_equal(c.n, 0);
	for (int i = 0; i < 2; i++)
		free((char *)reqs[i].url);
}

/* ---- the source state machine ---- */

static struct fetch_res *
fake_res(enum fetch_outcome out, long status, enum fetch_err err,
    const char *error)
{
	static struct fetch_res r;
	static struct fetch_req req = { 1, "http://a.example/feed", NULL, NULL };

	memset(&r, 0, sizeof(r));
	r.req = &req;
	r.outcome = out;
	r.status = status;
	r.err = err;
	r.error = error;
	r.final_url = req.url;
	r.max_age = -1;
	r.ms = 100;
	return &r;
}

static void
issue_3_source_state(void **state)
{
	static const struct fetch_sched s = { 300, 86400 };
	struct source src = { .id = 1, .url = "http://a.example/feed",
	    .is_enabled = true };
	struct fetch_res *r;
	int64_t now = 1700000000;

	(void)state;
	/* Success: validators kept, interval set, next fetch in the future. */
	r = fake_res(FETCH_OK, 200, FETCH_E_NONE, NULL);
	r->etag = "\"e1\"";
	r->last_modified = "Mon, 02 Nov 2026 10:00:00 GMT";
	fetch_source_apply(&src, r, &s, 20, 0, now);
	assert_string_equal(src.etag, "\"e1\"");
	assert_int_equal(src.last_status, 200);
	assert_null(src.last_error);
	assert_int_equal(src.error_count, 0);
	assert_int_equal(src.last_success, now);
	assert_int_equal(src.interval_s, 3600);
	assert_true(src.next_fetch >= now + 3240 && src.next_fetch <= now + 3960);
	assert_true(src.avg_ms > 99 && src.avg_ms < 101);

	/* Errors: counted, backoff grows, the interval is kept. */
	r = fake_res(FETCH_FAILED, 500, FETCH_E_HTTP, "http 500 (internal server error)");
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_int_equal(src.error_count, 1);
	assert_string_equal(src.last_error, "http 500 (internal server error)");
	assert_int_equal(src.last_success, now);
	assert_true(src.next_fetch >= now + 150 && src.next_fetch < now + 300);
	fetch_source_apply(&src, r, &s, 0, 0, now);
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_int_equal(src.error_count, 3);
	assert_true(src.next_fetch >= now + 600 && src.next_fetch < now + 1200);
	assert_int_equal(src.interval_s, 3600);

	/* Retry-After wins over the backoff. */
	r = fake_res(FETCH_FAILED, 429, FETCH_E_HTTP, "http 429 (too many requests)");
	r->retry_after = now + 5000;
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_int_equal(src.next_fetch, now + 5000);
	assert_int_equal(src.error_count, 4);

	/* 304: a success without new items; the error is cleared. */
	r = fake_res(FETCH_NOT_MODIFIED, 304, FETCH_E_NONE, NULL);
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_int_equal(src.error_count, 0);
	assert_null(src.last_error);
	assert_int_equal(src.interval_s, 5400);
	assert_string_equal(src.etag, "\"e1\"");   /* kept on 304 */

	/* Permanent redirect: URL updated on the third time in a row. */
	for (int i = 1; i <= FETCH_REDIRECT_CONFIRM; i++) {
		r = fake_res(FETCH_OK, 200, FETCH_E_NONE, NULL);
		r->perm_url = "http://b.example/feed";
		r->final_url = r->perm_url;
		fetch_source_apply(&src, r, &s, 0, 0, now);
		if (i < FETCH_REDIRECT_CONFIRM) {
			assert_string_equal(src.url, "http://a.example/feed");
			assert_string_equal(src.redirect_url, "http://b.example/feed");
			assert_int_equal(src.redirect_seen, i);
		}
	}
	assert_string_equal(src.url, "http://b.example/feed");
	assert_null(src.redirect_url);
	assert_int_equal(src.redirect_seen, 0);

	/* A permanent redirect not seen consistently is forgotten. */
	r = fake_res(FETCH_OK, 200, FETCH_E_NONE, NULL);
	r->perm_url = "http://c.example/feed";
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_int_equal(src.redirect_seen, 1);
	r = fake_res(FETCH_OK, 200, FETCH_E_NONE, NULL);
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_null(src.redirect_url);
	assert_int_equal(src.redirect_seen, 0);
	assert_string_equal(src.url, "http://b.example/feed");

	/* ttl as a floor. */
	r = fake_res(FETCH_OK, 200, FETCH_E_NONE, NULL);
	fetch_source_apply(&src, r, &s, 50, 80000, now);
	assert_int_equal(src.interval_s, 80000);

	/* 410 disables. */
	r = fake_res(FETCH_FAILED, 410, FETCH_E_HTTP, "http 410 (gone)");
	fetch_source_apply(&src, r, &s, 0, 0, now);
	assert_false(src.is_enabled);
	assert_string_equal(src.last_error, "http 410 (gone): source disabled");
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(addr_class_table),
		cmocka_unit_test(allow_list),
		cmocka_unit_test(sched_interval_table),
		cmocka_unit_test(sched_backoff_table),
		cmocka_unit_test(retry_after_table),
		cmocka_unit_test(issue_3_source_state),
	};
	const struct CMUnitTest net[] = {
		cmocka_unit_test(issue_3_engine_cases),
		cmocka_unit_test(issue_3_engine_timeouts),
		cmocka_unit_test(issue_3_engine_host_spacing),
		cmocka_unit_test(issue_3_engine_stop),
	};
	int rc = cmocka_run_group_tests_name("fetch_pure", pure, NULL, NULL);

	rc |= cmocka_run_group_tests_name("fetch_engine", net, fixture_start,
	    fixture_stop);
	return rc;
}
