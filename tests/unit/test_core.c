/* Unit tests for core: buf, str, arena, err, parse_int. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/banned.h"

static void
buf_appends_and_caps(void **state)
{
	struct buf b = BUF_INIT(10);

	(void)state;
	assert_string_equal(b.ptr, "");
	buf_adds(&b, "hello");
	buf_addf(&b, "%d", 42);
	assert_string_equal(b.ptr, "hello42");
	assert_int_equal(buf_err(&b), 0);
	buf_adds(&b, "toolong");        /* would make 14 > 10 */
	assert_int_equal(buf_err(&b), ND_ETOOBIG);
	buf_adds(&b, "x");              /* sticky: still a no-op */
	assert_string_equal(b.ptr, "hello42");
	buf_release(&b);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
}

static void
buf_detach_owns(void **state)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	size_t len;
	char *p;

	(void)state;
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'a');
	buf_add(&b, "\0z", 2);
	p = buf_detach(&b, &len);
	assert_int_equal(len, 1002);
	assert_int_equal(p[1000], '\0');
	assert_int_equal(p[1001], 'z');
	assert_int_equal(b.len, 0);
	free(p);
	p = buf_detach(&b, NULL);       /* empty buffer still gives a string */
	assert_string_equal(p, "");
	free(p);
}

static void
str_cursors_chain(void **state)
{
	struct str cur = str_of("  key=value, next"), k, v;
	uint64_t n;

	(void)state;
	str_skip_ws(&cur);
	assert_true(str_take_until(&cur, '=', &k));
	assert_true(str_eq_lit(k, "key"));
	assert_true(str_take_until(&cur, ',', &v));
	assert_true(str_eq_lit(v, "value"));
	assert_false(str_take_until(&cur, ';', &v));
	assert_true(str_eq_lit(cur, " next")); /* unchanged on failure */
	cur = str_of("2024x");
	assert_true(str_take_uint(&cur, 4, &n));
	assert_int_equal(n, 2024);
	assert_true(str_ieq(str_of("HeLLo"), "hello"));
	assert_true(str_eq_lit(str_trim(str_of("\t a b \n")), "a b"));
}

static void
parse_int_table(void **state)
{
	static const struct { const char *in; long long min, max, want; int rc; } t[] = {
		{ "42", 0, 100, 42, 0 },
		{ "-5", -10, 10, -5, 0 },
		{ "101", 0, 100, 0, ND_EINVAL },
		{ "12abc", 0, 100, 0, ND_EINVAL },
		{ "", 0, 100, 0, ND_EINVAL },
		{ " 7", 0, 100, 0, ND_EINVAL },
		{ "99999999999999999999999", 0, 100, 0, ND_EINVAL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long long v = -1;
		int rc = parse_int(t[i].in, t[i].min, t[i].max, &v);
		assert_int_equal(rc, t[i].rc);
		if (!rc)
			assert_int_equal(v, t[i].want);
	}
}

static int deferred;
static void defer_fn(void *p) { deferred += *(int *)p; }

static void
arena_allocates_and_defers(void **state)
{
	struct arena a;
	int three = 3;
	char *big, *s;
	int *arr = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	arena_init(&a);
	s = arena_printf(&a, "%s-%d", "x", 7);
	assert_string_equal(s, "x-7");
	big = arena_alloc(&a, 100000);  /* bigger than a block */
	memset(big, 1, 100000);
	for (int i = 0; i < 100; i++) {
		ARENA_GROW(&a, arr, n, n + 1, cap);
		arr[n++] = i;
	}
	assert_int_equal(arr[99], 99);
	assert_int_equal((uintptr_t)arena_alloc(&a, 3) % 16, 0);
	arena_defer(&a, defer_fn, &three);
	arena_release(&a);
	assert_int_equal(deferred, 3);
}

static void
utf8_put_table(void **state)
{
	static const struct {
		uint32_t cp;
		const char *want;
	} t[] = {
		{ 0x00, "\x00" },
		{ 0x41, "A" },
		{ 0x7f, "\x7f" },
		{ 0x80, "\xc2\x80" },
		{ 0xe9, "\xc3\xa9" },
		{ 0x7ff, "\xdf\xbf" },
		{ 0x800, "\xe0\xa0\x80" },
		{ 0x20ac, "\xe2\x82\xac" },
		{ 0xfffd, "\xef\xbf\xbd" },
		{ 0xffff, "\xef\xbf\xbf" },
		{ 0x10000, "\xf0\x90\x80\x80" },
		{ 0x1f600, "\xf0\x9f\x98\x80" },
		{ 0x10ffff, "\xf4\x8f\xbf\xbf" },
	};
	struct buf b = BUF_INIT(BUF_NOCAP), want = BUF_INIT(BUF_NOCAP);

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[4];
		size_t wlen = t[i].cp ? strlen(t[i].want) : 1;
		size_t n = str_utf8_put(out, t[i].cp);

		if (n != wlen || memcmp(out, t[i].want, n) != 0)
			fail_msg("U+%04X: %zu bytes", (unsigned)t[i].cp, n);
		buf_add_utf8(&b, t[i].cp);
		buf_add(&want, t[i].want, wlen);
	}
	assert_int_equal(b.len, want.len);
	assert_memory_equal(b.ptr, want.ptr, b.len);
	buf_release(&b);
	buf_release(&want);
}

static void
err_returns_code(void **state)
{
	(void)state;
	assert_int_equal(err_set(ND_ENOTFOUND, "store: source %d not found", 9),
	    ND_ENOTFOUND);
	assert_string_equal(err_msg(), "store: source 9 not found");
	assert_int_equal(log_configure("info,fetch:debug"), 0);
	assert_int_equal(log_level_of(LOG_FETCH), LOG_DEBUG);
	assert_int_equal(log_level_of(LOG_STORE), LOG_INFO);
	assert_int_equal(log_configure("loud"), ND_EINVAL);
	/* a bad spec changes nothing */
	assert_int_equal(log_configure("error,fetch:loud"), ND_EINVAL);
	assert_int_equal(log_level_of(LOG_FETCH), LOG_DEBUG);
	assert_int_equal(log_level_of(LOG_STORE), LOG_INFO);
}

/* What a web or fetch thread does while SIGHUP reloads the levels: test
 * levels (every log macro reads one) and use empty buffers (they share
 * buf_empty). The levels chosen keep the lines unwritten, so a TSan report
 * is not lost among them. The TSan build (make test) fails this on a data
 * race. */
static void *
logging_thread(void *payload)
{
	(void)payload;
	for (int i = 0; i < 2000; i++) {
		struct buf b = BUF_INIT(BUF_NOCAP);

		buf_reset(&b);
		log_debug(LOG_WEB, "never at these levels i=%d", i);
		log_error(LOG_FETCH, "never either i=%d", i);
		buf_release(&b);
	}
	return NULL;
}

static void
log_levels_race_free(void **state)
{
	pthread_t t[2];

	(void)state;
	assert_int_equal(log_configure("off"), 0);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, logging_thread,
		    NULL), 0);
	for (int i = 0; i < 500; i++)
		assert_int_equal(log_configure(i % 2 ? "off" :
		    "warn,fetch:off"), 0);
	for (size_t i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(log_level_of(LOG_WEB), LOG_OFF);
	assert_int_equal(log_configure("warn"), 0);
}

/*
 * review_log_c1_controls: log lines carried feed-supplied URLs with C1
 * controls (U+009B is CSI, which terminals obey like ESC [) and raw
 * non-UTF-8 bytes unescaped, and a backslash made "\x0a" in a value look
 * like an escaped newline.
 */
static void
review_log_c1_controls(void **state)
{
	static const struct {
		const char *in;
		bool is_field;
		const char *want;
	} cases[] = {
		{ "a\x1b[31mb", false, "a\\x1b[31mb" },
		{ "u\xc2\x9b" "31m", false, "u\\xc2\\x9b31m" },
		{ "raw\x9b" "x\xff", false, "raw\\x9bx\\xff" },
		{ "cut\xe2\x80", false, "cut\\xe2\\x80" },
		{ "back\\x0a", false, "back\\x5cx0a" },
		{ "caf\xc3\xa9 \xc2\xa0\xe6\x97\xa5\xf0\x9f\x98\x80", false,
		    "caf\xc3\xa9 \xc2\xa0\xe6\x97\xa5\xf0\x9f\x98\x80" },
		{ "a b", true, "a\\x20b" },
		{ "a b", false, "a b" },
	};
	char out[64], path[] = "/tmp/nd-log-XXXXXX", got[512];
	int fd, saved;
	size_t n;
	FILE *f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = 0;
		log_escape(out, &n, sizeof(out), cases[i].in, cases[i].is_field);
		out[n] = '\0';
		assert_string_equal(out, cases[i].want);
	}
	/* the cap holds whatever the input */
	n = 0;
	log_escape(out, &n, sizeof(out), "\x01\x01\x01\x01\x01\x01\x01\x01"
	    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01", false);
	assert_true(n + 12 <= sizeof(out));
	/* and log_write uses it for the whole line */
	assert_true((fd = mkstemp(path)) >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	log_write(LOG_ERROR, LOG_FETCH, "photo url=%s", "http://x/\xc2\x9b" "2J\n");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_non_null(f = fopen(path, "rb"));
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	unlink(path);
	assert_non_null(strstr(got, " error fetch photo url=http://x/\\xc2\\x9b2J\\x0a\n"));
}

/* Wrapping the current message in a new one keeps it: err_set reads its
 * arguments before it writes (the CLI and ingest do "%s: %s", path,
 * err_msg()). */
static void
err_wraps_its_own_message(void **state)
{
	(void)state;
	err_set(ND_EPARSE, "not a feed (%s)", "no root element");
	assert_int_equal(err_set(ND_EPARSE, "%s: %s", "page.xml", err_msg()),
	    ND_EPARSE);
	assert_string_equal(err_msg(), "page.xml: not a feed (no root element)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_wraps_its_own_message),
		cmocka_unit_test(buf_appends_and_caps),
		cmocka_unit_test(buf_detach_owns),
		cmocka_unit_test(str_cursors_chain),
		cmocka_unit_test(parse_int_table),
		cmocka_unit_test(arena_allocates_and_defers),
		cmocka_unit_test(utf8_put_table),
		cmocka_unit_test(err_returns_code),
		cmocka_unit_test(review_log_c1_controls),
		cmocka_unit_test(log_levels_race_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
