/* Unit tests for parse_date / parse_date_iso: one table row per form, with
 * the invalid ones that must not be guessed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "parse/parse.h"
#include "core/banned.h"

struct row {
	const char *in;
	const char *want;       /* NULL = ND_EPARSE */
};

static const struct row rows[] = {
	/* RFC 822 / 1123 and real-world variants */
	{ "Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 99 19:48:21 GMT", "1999-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 49 19:48:21 GMT", "2049-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 50 19:48:21 GMT", "1950-01-01T19:48:21Z" },
	{ "Fri, 01 Jan 104 00:00:00 GMT", "2004-01-01T00:00:00Z" },
	{ "01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Thu,  5 Apr 2012 10:00:00 GMT", "2012-04-05T10:00:00Z" },
	{ "Thu, 5 Apr 2012 1:00:00 GMT", "2012-04-05T01:00:00Z" },
	{ "Fri,24 Nov 2023 18:28:36 -0000", "2023-11-24T18:28:36Z" },
	{ "Thu, 01 Jan 2004 00:00 GMT", "2004-01-01T00:00:00Z" },
	{ "Thu, 01 Jan 2004", "2004-01-01T00:00:00Z" },
	{ "thu, 01 jan 2004 19:48:21 gmt", "2004-01-01T19:48:21Z" },
	{ "Thursday, 01 January 2004 19:48:21 UT", "2004-01-01T19:48:21Z" },
	{ "Thurs., 01 Sept. 2004 19:48:21 Z", "2004-09-01T19:48:21Z" },
	{ "Mon, 13 Feb, 2012 06:28:00 UTC", "2012-02-13T06:28:00Z" },
	{ "Thu, 01 Jan 0100 00:00:01 +0100", "0099-12-31T23:00:01Z" },
	{ "Tue, 10 Jun 2003 09:41:01.123 GMT", "2003-06-10T09:41:01Z" },
	{ "Tue, 10 Jun 2003 09:41:01 -0500 (CDT)", "2003-06-10T14:41:01Z" },
	{ "Tuesday, 10-Jun-03 09:41:01 GMT", "2003-06-10T09:41:01Z" },
	{ "Tue, 10 Jun 2003 12:35:9 GMT", "2003-06-10T12:35:09Z" },
	/* zones: names, numeric offsets, military letters (RFC 822 signs) */
	{ "Wed, 19 Feb 2012 22:40:00 -01:01", "2012-02-19T23:41:00Z" },
	{ "Wed, 19 Feb 2012 22:40:00 GMT-01:01", "2012-02-19T23:41:00Z" },
	{ "Wed, 19 Feb 2012 22:40:00 UTC+2", "2012-02-19T20:40:00Z" },
	{ "Wed, 19 Feb 2012 22:40:00 +0530", "2012-02-19T17:10:00Z" },
	{ "Wed, 19 Aug 2009 18:28:00 Etc/GMT", "2009-08-19T18:28:00Z" },
	{ "Thu, 30 Apr 2015 08:57:00 MET", "2015-04-30T07:57:00Z" },
	{ "Thu, 30 Apr 2015 08:57:00 MEST", "2015-04-30T06:57:00Z" },
	{ "Thu, 30 Apr 2015 08:57:00 CEST", "2015-04-30T06:57:00Z" },
	{ "Mon, 26 January 2004 16:31:00 AT", "2004-01-26T20:31:00Z" },
	{ "Mon, 26 January 2004 16:31:00 ET", "2004-01-26T21:31:00Z" },
	{ "Mon, 26 January 2004 16:31:00 CT", "2004-01-26T22:31:00Z" },
	{ "Mon, 26 January 2004 16:31:00 MT", "2004-01-26T23:31:00Z" },
	{ "Mon, 26 January 2004 16:31:00 PT", "2004-01-27T00:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 EST", "2004-01-26T21:31:00Z" },
	{ "Mon, 26 Jul 2004 16:31:00 EDT", "2004-07-26T20:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 CST", "2004-01-26T22:31:00Z" },
	{ "Mon, 26 Jul 2004 16:31:00 CDT", "2004-07-26T21:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 MST", "2004-01-26T23:31:00Z" },
	{ "Mon, 26 Jul 2004 16:31:00 MDT", "2004-07-26T22:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 PST", "2004-01-27T00:31:00Z" },
	{ "Mon, 26 Jul 2004 16:31:00 PDT", "2004-07-26T23:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 A", "2004-01-26T17:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 N", "2004-01-26T15:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 M", "2004-01-27T04:31:00Z" },
	{ "Mon, 26 Jan 2004 16:31:00 Y", "2004-01-26T04:31:00Z" },
	{ "Mon, 1 Jan 2018 00:00:00 +0000 GMT", "2018-01-01T00:00:00Z" },
	{ "Tue, 10 Jun 2003 09:41:01 -0500 EST", "2003-06-10T14:41:01Z" },
	{ "Tue, 10 Jun 2003 09:41:01 AKST", "2003-06-10T18:41:01Z" },
	{ "Tue, 10 Jun 2003 09:41:01 HST", "2003-06-10T19:41:01Z" },
	/* US style, am/pm, fillers */
	{ "Thu Aug 30 2012 17:26:16 +0200", "2012-08-30T15:26:16Z" },
	{ "Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33Z" },
	{ "Mon, 21 Jan 2008 8:56 am PST", "2008-01-21T16:56:00Z" },
	{ "Sun, 20 Apr 2014 12:19 am CEST", "2014-04-19T22:19:00Z" },
	{ "June 1st, 2004 at 9:41 pm EDT", "2004-06-02T01:41:00Z" },
	/* asctime */
	{ "Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z" },
	{ "Sun Jul 15 01:16:00 +0000 2012", "2012-07-15T01:16:00Z" },
	/* W3C-DTF / ISO 8601 / RFC 3339 */
	{ "2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31t10:14:55z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z" },
	{ "2003-12-31T18:14:55+08:00", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T18:14:55+0800", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T18:14:55+08", "2003-12-31T10:14:55Z" },
	{ "2007-04-23T23:25:47.538+10:00", "2007-04-23T13:25:47Z" },
	{ "2003-12-31T10:14:55,5Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14Z", "2003-12-31T10:14:00Z" },
	{ "2003-12-31", "2003-12-31T00:00:00Z" },
	{ "2003-12", "2003-12-01T00:00:00Z" },
	{ "2003", "2003-01-01T00:00:00Z" },
	{ "2004-02-28T18:14:55-08:00", "2004-02-29T02:14:55Z" },
	{ "2003-02-28T18:14:55-08:00", "2003-03-01T02:14:55Z" },
	{ "2000-02-28T18:14:55-08:00", "2000-02-29T02:14:55Z" },
	{ "2004-07-08 23:56:58 -00:20", "2004-07-09T00:16:58Z" },
	{ "2004-07-08 23:56:58", "2004-07-08T23:56:58Z" },
	{ "2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z" },
	{ "2004-07-08 23:56:58 GMT", "2004-07-08T23:56:58Z" },
	{ "2006-01-17T12:35:9+01:00", "2006-01-17T11:35:09Z" },
	{ "2003-012-31T10:14:55+00:00", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T24:00:00Z", "2004-01-01T00:00:00Z" },
	{ "2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z" },
	/* compact and truncated ISO 8601 */
	{ "20031231T101455Z", "2003-12-31T10:14:55Z" },
	{ "20031231T1014-0100", "2003-12-31T11:14:00Z" },
	{ "20031231", "2003-12-31T00:00:00Z" },
	{ "2003365", "2003-12-31T00:00:00Z" },
	{ "2004-366", "2004-12-31T00:00:00Z" },
	{ "031231", "2003-12-31T00:00:00Z" },
	{ "03-12-31", "2003-12-31T00:00:00Z" },
	{ "-0312", "2003-12-01T00:00:00Z" },
	{ "-03-12", "2003-12-01T00:00:00Z" },
	{ "03335", "2003-12-01T00:00:00Z" },
	{ "99365", "1999-12-31T00:00:00Z" },
	/* YYDDD that also reads as YYMM and a digit: ambiguous, no date */
	{ "22013", NULL },
	{ "99123", NULL },
	{ "2003-12-31T10:14:55.1234Z", "2003-12-31T10:14:55Z" },
	/* other numeric orders */
	{ "Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z" },
	{ "2020/1/10 14:33:00", "2020-01-10T14:33:00Z" },
	{ "28.05.2004 12:00", "2004-05-28T12:00:00Z" },
	/* localized: Greek, Hungarian, Korean, CJK, European languages */
	{ "Κυρ, 11 Ιούλ 2004 12:00:00 EST", "2004-07-11T17:00:00Z" },
	{ "Τρίτη, 3 Φεβρουαρίου 2004 08:00:00 +0200", "2004-02-03T06:00:00Z" },
	{ "2004-július-13T9:15-05:00", "2004-07-13T14:15:00Z" },
	{ "2004-május-13T09:15:00Z", "2004-05-13T09:15:00Z" },
	{ "2004-05-25 오후 11:23:17", "2004-05-25T14:23:17Z" },
	{ "2004-05-25 오전 12:23:17", "2004-05-24T15:23:17Z" },
	{ "2004년 05월 28일  01:31:15", "2004-05-27T16:31:15Z" },
	{ "2004年5月28日 12:00", "2004-05-28T12:00:00Z" },
	{ "Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40Z" },
	{ "mer, 16 nov 2022 00:38:15 +0100", "2022-11-15T23:38:15Z" },
	{ "Di, 12 Okt 2010 10:00:00 +0200", "2010-10-12T08:00:00Z" },
	{ "12. März 2010", "2010-03-12T00:00:00Z" },
	{ "mar, 11 ene 2004 10:00:00 +0100", "2004-01-11T09:00:00Z" },
	{ "10 de junio de 2004", "2004-06-10T00:00:00Z" },
	{ "1 août 2004", "2004-08-01T00:00:00Z" },
	/* invalid: never guessed */
	{ "", NULL },
	{ "   ", NULL },
	{ "Sun, 16 Dec 2012 1:2:3:4 GMT", NULL },
	{ "Sun, 16 zzz 2012 11:47:32 GMT", NULL },
	{ "Sun, Dec x 2012 11:47:32 GMT", NULL },
	{ "Sun, 16 Dec zz 11:47:32 GMT", NULL },
	{ "Sun, 16 Dec 2012 11:47:32 +zz:00", NULL },
	{ "Sun, 16 Dec 2012 11:47:32 +00:zz", NULL },
	{ "Sun, 99 Jun 2009 12:00:00 GMT", NULL },
	{ "Sun, 31 Dec 9999 23:59:59 -9999", NULL },
	{ "Mon, 30 Feb 2004 10:00:00 GMT", NULL },
	{ "Mon, 29 Feb 2003 10:00:00 GMT", NULL },
	{ "Mon, 12 Jan 2004 25:00:00 GMT", NULL },
	{ "Mon, 12 Jan 2004 10:00:00 XYZ", NULL },
	{ "9999-12-31T23:59:59-99:99", NULL },
	{ "2003-12-31T25:14:55Z", NULL },
	{ "2003-12-31T10:61:55Z", NULL },
	{ "2003-12-31T10:14:61Z", NULL },
	{ "2003-12-31T24:00:01Z", NULL },
	{ "2003-02-30", NULL },
	{ "2003-13-01", NULL },
	{ "2003-366", NULL },
	{ "013", NULL },
	{ "2013-01-27-01", NULL },
	{ "2013-01-28T11:30:00-06:00Textra", NULL },
	{ "2013-xx-27", NULL },
	{ "2013-01-28T09:xx:00Z", NULL },
	{ "2013-01-28T09:00:00+00:xx", NULL },
	{ "5/10/2008", NULL },                  /* M/D or D/M: ambiguous */
	{ "1577836800", NULL },                 /* a timestamp is not a date */
	{ "January 2004", NULL },               /* no day */
	{ "Sat, 01 Jui 2004", NULL },           /* juin or juillet */
	{ "2004-05-25 12:00 pm pm", NULL },
	{ "2004-05-25 13:00 pm", NULL },
	{ "today", NULL },
	{ "-2004-01-01", NULL },                /* 2005 BC, not 2004 */
	{ "Tue, 10 Jun 2003 09:41:01 GMT EST", NULL },         /* which? */
	{ "Tue, 10 Jun 2003 09:41:01 -0500 EST EST", NULL },
};

static void
table(void **state)
{
	char iso[32];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		int64_t t = 0;
		int rc = parse_date(&t, rows[i].in, strlen(rows[i].in));

		if (rows[i].want) {
			if (rc != 0)
				fail_msg("'%s': not parsed", rows[i].in);
			parse_date_iso(iso, t);
			if (strcmp(iso, rows[i].want) != 0)
				fail_msg("'%s': got %s, want %s", rows[i].in, iso,
				    rows[i].want);
		} else if (rc != ND_EPARSE) {
			parse_date_iso(iso, t);
			fail_msg("'%s': got %s (rc %d), want ND_EPARSE",
			    rows[i].in, iso, rc);
		}
	}
}

/* The string is read only within len: a valid prefix parses, and what
 * follows it does not count. */
static void
reads_only_len(void **state)
{
	static const char s[] = "2003-12-31T10:14:55Zgarbage";
	char iso[32];
	int64_t t;

	(void)state;
	assert_int_equal(parse_date(&t, s, 20), 0);
	parse_date_iso(iso, t);
	assert_string_equal(iso, "2003-12-31T10:14:55Z");
	assert_int_equal(parse_date(&t, s, 4), 0);
	parse_date_iso(iso, t);
	assert_string_equal(iso, "2003-01-01T00:00:00Z");
	assert_int_equal(parse_date(&t, s, 0), ND_EPARSE);
	assert_int_equal(parse_date(&t, s, sizeof(s) - 1), ND_EPARSE);
}

/* Every day from year 0 to 9999 round-trips through the ISO form, which
 * checks our civil-date arithmetic in both directions. */
static void
iso_round_trip(void **state)
{
	char iso[32];
	int64_t t, back;

	(void)state;
	parse_date_iso(iso, 0);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	parse_date_iso(iso, -1);
	assert_string_equal(iso, "1969-12-31T23:59:59Z");
	parse_date_iso(iso, 951782400);
	assert_string_equal(iso, "2000-02-29T00:00:00Z");
	for (t = -62167219200LL; t <= 253402300799LL; t += 86400 - 7) {
		parse_date_iso(iso, t);
		assert_int_equal(parse_date(&back, iso, strlen(iso)), 0);
		assert_int_equal(back, t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(reads_only_len),
		cmocka_unit_test(iso_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
