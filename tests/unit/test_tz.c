/*
 * Unit tests for core/tz: the TZif reader against glibc's localtime_r,
 * with TZ set in this test process only, over 1970-2040 and around every
 * transition, for zones with DST (America/New_York), without DST now but
 * with it in the past (Asia/Baghdad), with a half-hour DST shift
 * (Australia/Lord_Howe) and UTC; the inverse (tz_mktime) against mktime;
 * and names and files that must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/tz.h"
#include "core/banned.h"

#define T1970 0LL
#define T2040 2208988800LL

static int n_checked;

static void
same_as_libc(const struct tz *tz, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm want, got;
	const char *abbr = NULL;

	assert_non_null(localtime_r(&tt, &want));
	tz_local(tz, t, &got, &abbr);
	if (want.tm_year != got.tm_year || want.tm_mon != got.tm_mon ||
	    want.tm_mday != got.tm_mday || want.tm_hour != got.tm_hour ||
	    want.tm_min != got.tm_min || want.tm_sec != got.tm_sec ||
	    want.tm_wday != got.tm_wday || want.tm_yday != got.tm_yday ||
	    want.tm_isdst != got.tm_isdst || want.tm_gmtoff != got.tm_gmtoff ||
	    strcmp(want.tm_zone, abbr) != 0) {
		char w[64], g[64];

		strftime(w, sizeof(w), "%F %T %Z %z wd%w yd%j", &want);
		strftime(g, sizeof(g), "%F %T %Z %z wd%w yd%j", &got);
		fail_msg("%s t=%lld: libc %s dst=%d, tz %s dst=%d", tz_name(tz),
		    (long long)t, w, want.tm_isdst, g, got.tm_isdst);
	}
	n_checked++;
}

static void
zone_matches_libc(const char *name)
{
	struct tz *tz = NULL;
	int64_t prev_off = -1;

	assert_int_equal(tz_load(&tz, name), 0);
	setenv("TZ", name, 1);
	tzset();
	n_checked = 0;
	/* an odd step reaches every hour, minute and weekday */
	for (int64_t t = T1970; t < T2040; t += 3607)
		same_as_libc(tz, t);
	/* every change of offset (found by libc, so the table and the
	 * footer rule are both tested), and the seconds around it */
	for (int64_t t = T1970; t < T2040; t += 1800) {
		time_t tt = (time_t)t;
		struct tm tm;

		localtime_r(&tt, &tm);
		if (prev_off != -1 && tm.tm_gmtoff != prev_off) {
			/* find the exact second by bisection */
			int64_t lo = t - 1800, hi = t;

			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;
				time_t mt = (time_t)mid;
				struct tm m;

				localtime_r(&mt, &m);
				if (m.tm_gmtoff == prev_off)
					lo = mid;
				else
					hi = mid;
			}
			for (int64_t d = -2; d <= 2; d++)
				same_as_libc(tz, hi + d);
		}
		prev_off = tm.tm_gmtoff;
	}
	/* local midnights back to UTC, as mktime does (the archive's days) */
	for (int64_t day = 0; day < 25567; day += 13) {
		int64_t y;
		int mon, mday;
		struct tm tm = { 0 };

		tz_civil_from_days(day, &y, &mon, &mday);
		tm.tm_year = (int)y - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = mday;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		assert_int_equal((int64_t)mktime(&tm), tz_mktime(tz, (int)y, mon,
		    mday, 12, 0, 0));
	}
	print_message("%s: %d instants\n", name, n_checked);
	unsetenv("TZ");
	tzset();
	tz_free(tz);
}

static void
new_york(void **state)
{
	(void)state;
	zone_matches_libc("America/New_York");
}

static void
baghdad(void **state)
{
	(void)state;
	zone_matches_libc("Asia/Baghdad");
}

static void
lord_howe(void **state)
{
	(void)state;
	zone_matches_libc("Australia/Lord_Howe");
}

static void
utc(void **state)
{
	(void)state;
	zone_matches_libc("UTC");
	zone_matches_libc("Europe/London");
	zone_matches_libc("Asia/Kolkata");
	zone_matches_libc("America/Sao_Paulo");
}

static void
dst_edges_new_york(void **state)
{
	struct tz *tz = NULL;
	struct tm tm;
	const char *abbr;

	(void)state;
	assert_int_equal(tz_load(&tz, "America/New_York"), 0);
	/* 2007-03-11 07:00:00 UTC: 02:00 EST becomes 03:00 EDT */
	tz_local(tz, 1173596399, &tm, &abbr);
	assert_string_equal(abbr, "EST");
	assert_int_equal(tm.tm_hour, 1);
	tz_local(tz, 1173596400, &tm, &abbr);
	assert_string_equal(abbr, "EDT");
	assert_int_equal(tm.tm_hour, 3);
	/* a time in the gap is counted from before it; an ambiguous one
	 * is the first */
	assert_int_equal(tz_mktime(tz, 2007, 3, 11, 2, 30, 0), 1173598200);
	assert_int_equal(tz_mktime(tz, 2007, 11, 4, 1, 30, 0), 1194154200);
	/* far past the table: the footer's rule (2100-07-01 is EDT) */
	tz_local(tz, 4118083200LL, &tm, &abbr);
	assert_string_equal(abbr, "EDT");
	tz_free(tz);
}

static void
refuses_bad_names_and_files(void **state)
{
	static const char *bad[] = { "", "/etc/passwd", "../etc/passwd",
		"America/../../etc/passwd", "Foo Bar", "a\nb", "x;y",
		"America/New_York\\" };
	/* a header that says nothing: no types, no characters */
	static const char *junk[] = { "", "TZif", ("TZif2\0\0\0\0\0\0\0\0\0"
		"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
		"\0\0\0") };
	struct tz *tz = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tz_load(&tz, bad[i]), ND_EINVAL);
		assert_null(tz);
	}
	assert_int_equal(tz_load(&tz, "No/Such_Zone"), ND_ENOTFOUND);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_int_equal(tz_parse(&tz, "junk", junk[i],
		    strlen(junk[i]) + (i == 2 ? 48 : 0)), ND_EPARSE);
	/* a bad name falls back to UTC */
	tz = tz_open("../nope");
	assert_string_equal(tz_name(tz), "UTC");
	tz_free(tz);
}

static void
civil_days_round_trip(void **state)
{
	(void)state;
	for (int64_t d = -800000; d < 800000; d += 17) {
		int64_t y;
		int m, md;

		tz_civil_from_days(d, &y, &m, &md);
		assert_int_equal(tz_days_from_civil(y, m, md), d);
	}
	assert_int_equal(tz_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tz_days_from_civil(1999, 15, 1), 11017);   /* mon 15 */
	assert_int_equal(tz_days_from_civil(2000, 2, 30), 11017);   /* Feb 30 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_york),
		cmocka_unit_test(baghdad),
		cmocka_unit_test(lord_howe),
		cmocka_unit_test(utc),
		cmocka_unit_test(dst_edges_new_york),
		cmocka_unit_test(refuses_bad_names_and_files),
		cmocka_unit_test(civil_days_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
