/*
 * tz: a TZif reader (RFC 8536) and the POSIX TZ rules of its footer, so
 * times are shown in the desk's zone without setenv("TZ") (see tz.h).
 *
 * Only the version 2+ part of a file is used (64-bit times); a version 1
 * file (32-bit only) is read as it is. What the file says is checked
 * before it is used: counts against the data's length, type indices
 * against the type count, abbreviation indices against the characters,
 * transitions in increasing order. Times before the first transition use
 * the first standard-time type, as glibc does.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/tz.h"
#include "core/xmalloc.h"
#include "core/banned.h"

#define ZONEINFO "/usr/share/zoneinfo"
#define MAX_NAME 255
#define ABBR_MAX 16

struct tz_type {
	int32_t utoff;           /* seconds east of UTC */
	bool is_dst;
	uint8_t abbr;            /* index into abbrs */
};

/* One end of a POSIX daylight-saving rule. */
struct tz_when {
	char kind;               /* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' */
	int a, b, c;             /* J/N: day; M: month, week, weekday */
	int32_t time;            /* local time of day, seconds (may be < 0) */
};

struct tz_rule {
	int32_t std_off, dst_off;    /* seconds east of UTC */
	char std_abbr[ABBR_MAX], dst_abbr[ABBR_MAX];
	bool has_dst;
	struct tz_when start, end;
};

struct tz {
	char name[MAX_NAME + 1];
	int64_t *trans;
	uint8_t *idx;
	size_t n_trans;
	struct tz_type *types;
	size_t n_types;
	char *abbrs;             /* NUL-terminated strings */
	size_t abbrs_len;
	struct tz_rule rule;
	bool has_rule;
};

/* ---- civil dates (H. Hinnant's algorithms) ---- */

int64_t
tz_days_from_civil(int64_t y, int mon, int mday)
{
	int64_t era, yoe, doy, doe, m = mon;

	/* normalize the month first, so mon 13 is January next year */
	y += (m - 1) >= 0 ? (m - 1) / 12 : -((12 - m) / 12);
	m = ((m - 1) % 12 + 12) % 12 + 1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + mday - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tz_civil_from_days(int64_t z, int64_t *out_y, int *out_mon, int *out_mday)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*out_y = y + (m <= 2);
	*out_mon = (int)m;
	*out_mday = (int)d;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Fills the calendar fields of *tm from local seconds since the epoch. */
static void
fill_tm(struct tm *tm, int64_t local)
{
	int64_t days = floor_div(local, 86400), secs = local - days * 86400;
	int64_t y;
	int mon, mday;

	tz_civil_from_days(days, &y, &mon, &mday);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = mon - 1;
	tm->tm_mday = mday;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)(((days % 7) + 11) % 7);   /* 1970-01-01: Thursday */
	tm->tm_yday = (int)(days - tz_days_from_civil(y, 1, 1));
}

/* ---- POSIX TZ strings ("EST5EDT,M3.2.0,M11.1.0") ---- */

static bool
p_abbr(const char **s, char out[ABBR_MAX])
{
	const char *p = *s;
	size_t n = 0;

	if (*p == '<') {
		p++;
		while (*p && *p != '>') {
			if (n + 1 >= ABBR_MAX)
				return false;
			out[n++] = *p++;
		}
		if (*p != '>')
			return false;
		p++;
	} else {
		while (str_isalpha((unsigned char)*p)) {
			if (n + 1 >= ABBR_MAX)
				return false;
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	*s = p;
	return n >= 1;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 extension). */
static bool
p_hms(const char **s, int32_t *out)
{
	const char *p = *s;
	int sign = 1, part = 0;
	int32_t v[3] = { 0, 0, 0 };

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (;;) {
		int digits = 0;

		while (str_isdigit((unsigned char)*p) && digits < 3) {
			v[part] = v[part] * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || (part == 0 && v[0] > 167) ||
		    (part > 0 && v[part] > 59))
			return false;
		if (*p != ':' || part == 2)
			break;
		p++;
		part++;
	}
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	*s = p;
	return true;
}

static bool
p_num(const char **s, int min, int max, int *out)
{
	const char *p = *s;
	int v = 0, digits = 0;

	while (str_isdigit((unsigned char)*p) && digits < 4) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || v < min || v > max)
		return false;
	*out = v;
	*s = p;
	return true;
}

static bool
p_when(const char **s, struct tz_when *w)
{
	const char *p = *s;

	w->time = 7200;
	if (*p == 'J') {
		p++;
		w->kind = 'J';
		if (!p_num(&p, 1, 365, &w->a))
			return false;
	} else if (*p == 'M') {
		p++;
		w->kind = 'M';
		if (!p_num(&p, 1, 12, &w->a) || *p++ != '.' ||
		    !p_num(&p, 1, 5, &w->b) || *p++ != '.' ||
		    !p_num(&p, 0, 6, &w->c))
			return false;
	} else {
		w->kind = 'N';
		if (!p_num(&p, 0, 365, &w->a))
			return false;
	}
	if (*p == '/') {
		p++;
		if (!p_hms(&p, &w->time))
			return false;
	}
	*s = p;
	return true;
}

static bool
parse_rule(const char *s, struct tz_rule *r)
{
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (!p_abbr(&s, r->std_abbr) || !p_hms(&s, &off))
		return false;
	r->std_off = -off;       /* POSIX counts west of UTC */
	/* p_hms takes RFC 8536's 167 hours, which are for transition
	 * times; an offset is within a day of UTC (POSIX: 0 to 24 hours;
	 * found by fuzz_tz, tests/fuzz/tz/crashes) */
	if (r->std_off <= -86400 || r->std_off >= 86400)
		return false;
	if (!*s)
		return true;
	if (!p_abbr(&s, r->dst_abbr))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (!p_hms(&s, &off))
			return false;
		r->dst_off = -off;
	}
	if (r->dst_off <= -86400 || r->dst_off >= 86400)
		return false;
	if (!*s) {
		/* no dates: the US rules, as POSIX implementations assume */
		r->start = (struct tz_when){ 'M', 3, 2, 0, 7200 };
		r->end = (struct tz_when){ 'M', 11, 1, 0, 7200 };
		return true;
	}
	if (*s++ != ',' || !p_when(&s, &r->start) || *s++ != ',' ||
	    !p_when(&s, &r->end))
		return false;
	return *s == '\0';
}

/* Seconds from the epoch to local midnight of the rule's day in year y
 * (local = as if UTC). */
static int64_t
when_day(const struct tz_when *w, int64_t y)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1);

	switch (w->kind) {
	case 'J':
		return (jan1 + w->a - 1 + (is_leap(y) && w->a >= 60)) * 86400;
	case 'N':
		return (jan1 + w->a) * 86400;
	default: {
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31,
			30, 31, 30, 31 };
		int64_t first = tz_days_from_civil(y, w->a, 1);
		int wday1 = (int)(((first % 7) + 11) % 7);
		int dim = mdays[w->a - 1] + (w->a == 2 && is_leap(y));
		int day = 1 + (w->c - wday1 + 7) % 7 + (w->b - 1) * 7;

		while (day > dim)
			day -= 7;
		return (first + day - 1) * 86400;
	}
	}
}

/* Whether t is in daylight time under r (glibc's choice of year: the
 * UTC year of t). */
static bool
rule_is_dst(const struct tz_rule *r, int64_t t)
{
	int64_t y, start, end;
	int mon, mday;

	if (!r->has_dst)
		return false;
	tz_civil_from_days(floor_div(t, 86400), &y, &mon, &mday);
	start = when_day(&r->start, y) + r->start.time - r->std_off;
	end = when_day(&r->end, y) + r->end.time - r->dst_off;
	if (start > end)         /* southern hemisphere */
		return t < end || t >= start;
	return t >= start && t < end;
}

/* ---- TZif ---- */

struct rd {
	const unsigned char *p;
	size_t len, off;
};

static bool
rd_need(const struct rd *r, size_t n)
{
	return r->len - r->off >= n;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
	int version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static bool
read_hdr(struct rd *r, struct hdr *h)
{
	const unsigned char *p;

	if (!rd_need(r, 44))
		return false;
	p = r->p + r->off;
	if (memcmp(p, "TZif", 4) != 0)
		return false;
	h->version = p[4] ? p[4] - '0' : 1;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	r->off += 44;
	/* RFC 8536 3.1 */
	if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0 ||
	    (h->isutcnt && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt && h->isstdcnt != h->typecnt) ||
	    h->timecnt > 100000 || h->leapcnt > 100000 || h->charcnt > 65536)
		return false;
	return true;
}

static size_t
block_len(const struct hdr *h, size_t tsize)
{
	return (size_t)h->timecnt * tsize + h->timecnt + (size_t)h->typecnt * 6 +
	    h->charcnt + (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
	    h->isutcnt;
}

static int
read_block(struct tz *tz, struct rd *r, const struct hdr *h, size_t tsize)
{
	const unsigned char *p;

	if (!rd_need(r, block_len(h, tsize)))
		return err_set(ND_EPARSE, "tz: %s: truncated", tz->name);
	p = r->p + r->off;
	tz->n_trans = h->timecnt;
	tz->trans = xcalloc(h->timecnt + 1, sizeof(*tz->trans));
	tz->idx = xcalloc(h->timecnt + 1, 1);
	for (size_t i = 0; i < h->timecnt; i++, p += tsize) {
		tz->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
		if (i && tz->trans[i] <= tz->trans[i - 1])
			return err_set(ND_EPARSE, "tz: %s: transitions out of "
			    "order", tz->name);
	}
	for (size_t i = 0; i < h->timecnt; i++, p++) {
		if (*p >= h->typecnt)
			return err_set(ND_EPARSE, "tz: %s: bad type index",
			    tz->name);
		tz->idx[i] = *p;
	}
	tz->n_types = h->typecnt;
	tz->types = xcalloc(h->typecnt, sizeof(*tz->types));
	for (size_t i = 0; i < h->typecnt; i++, p += 6) {
		int32_t off = (int32_t)be32(p);

		/* -89999..93599 would do; a day either way is plenty */
		if (off <= -86400 || off >= 86400 || p[4] > 1 ||
		    p[5] >= h->charcnt)
			return err_set(ND_EPARSE, "tz: %s: bad time type",
			    tz->name);
		tz->types[i] = (struct tz_type){ off, p[4] == 1, p[5] };
	}
	tz->abbrs_len = h->charcnt;
	tz->abbrs = xmalloc(h->charcnt + 1);
	memcpy(tz->abbrs, p, h->charcnt);
	tz->abbrs[h->charcnt] = '\0';  /* the last one may lack its NUL */
	r->off += block_len(h, tsize);
	return 0;
}

static void
tz_clear(struct tz *tz)
{
	free(tz->trans);
	free(tz->idx);
	free(tz->types);
	free(tz->abbrs);
	tz->trans = NULL;
	tz->idx = NULL;
	tz->types = NULL;
	tz->abbrs = NULL;
	tz->n_trans = tz->n_types = tz->abbrs_len = 0;
}

int
tz_parse(struct tz **out, const char *name, const void *data, size_t len)
{
	struct tz *tz = xcalloc(1, sizeof(*tz));
	struct rd r = { data, len, 0 };
	struct hdr h;
	int rc;

	*out = NULL;
	snprintf(tz->name, sizeof(tz->name), "%s", name ? name : "");
	if (len > TZ_MAX_FILE || !read_hdr(&r, &h)) {
		rc = err_set(ND_EPARSE, "tz: %s: not a TZif file", tz->name);
		goto fail;
	}
	if (h.version >= 2) {
		/* skip the 32-bit block; the 64-bit one follows */
		if (!rd_need(&r, block_len(&h, 4))) {
			rc = err_set(ND_EPARSE, "tz: %s: truncated", tz->name);
			goto fail;
		}
		r.off += block_len(&h, 4);
		if (!read_hdr(&r, &h)) {
			rc = err_set(ND_EPARSE, "tz: %s: bad second header",
			    tz->name);
			goto fail;
		}
		if ((rc = read_block(tz, &r, &h, 8)) < 0)
			goto fail;
		/* the footer: "\n" POSIX-TZ "\n" */
		if (rd_need(&r, 2) && r.p[r.off] == '\n') {
			const char *f = (const char *)r.p + r.off + 1;
			const char *nl = memchr(f, '\n', len - r.off - 1);
			char spec[128];

			if (nl && (size_t)(nl - f) < sizeof(spec) && nl > f) {
				memcpy(spec, f, (size_t)(nl - f));
				spec[nl - f] = '\0';
				tz->has_rule = parse_rule(spec, &tz->rule);
				if (!tz->has_rule)
					log_warn(LOG_MAIN, "tz: %s: footer not "
					    "understood, using the last "
					    "transition", tz->name);
			}
		}
	} else if ((rc = read_block(tz, &r, &h, 4)) < 0) {
		goto fail;
	}
	*out = tz;
	return 0;
fail:
	tz_free(tz);
	return rc;
}

static bool
is_zone_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > MAX_NAME || name[0] == '/' || strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!str_isalnum((unsigned char)*p) && !strchr("_+-/", *p))
			return false;
	return true;
}

int
tz_load(struct tz **out, const char *name)
{
	struct buf b = BUF_INIT(TZ_MAX_FILE);
	char path[sizeof(ZONEINFO) + MAX_NAME + 2];
	int rc;

	*out = NULL;
	if (!name || !is_zone_name(name))
		return err_set(ND_EINVAL, "tz: '%s' is not a time zone name",
		    name ? name : "");
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
		/* no file needed (minimal containers have none) */
		*out = tz_utc();
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", ZONEINFO, name);
	if ((rc = buf_read_file(&b, path)) < 0) {
		buf_release(&b);
		return rc == ND_ETOOBIG ? err_set(ND_EPARSE, "tz: %s: too large",
		    name) : err_set(ND_ENOTFOUND, "tz: no time zone %s", name);
	}
	rc = tz_parse(out, name, b.ptr, b.len);
	buf_release(&b);
	return rc;
}

struct tz *
tz_utc(void)
{
	struct tz *tz = xcalloc(1, sizeof(*tz));

	snprintf(tz->name, sizeof(tz->name), "UTC");
	tz->has_rule = true;
	snprintf(tz->rule.std_abbr, ABBR_MAX, "UTC");
	return tz;
}

struct tz *
tz_open(const char *name)
{
	struct tz *tz = NULL;

	if (!name || !*name)
		return tz_utc();
	if (tz_load(&tz, name) < 0) {
		log_warn(LOG_MAIN, "%s; showing times in UTC", err_msg());
		return tz_utc();
	}
	return tz;
}

void
tz_free(struct tz *tz)
{
	if (!tz)
		return;
	tz_clear(tz);
	free(tz);
}

const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

/* The offset, DST flag and abbreviation in effect at t. */
static void
lookup(const struct tz *tz, int64_t t, int32_t *off, bool *is_dst,
    const char **abbr)
{
	const struct tz_type *ty;
	size_t lo, hi;

	if ((tz->n_trans == 0 && tz->has_rule) || (tz->n_trans &&
	    t >= tz->trans[tz->n_trans - 1] && tz->has_rule)) {
		bool d = rule_is_dst(&tz->rule, t);

		*off = d ? tz->rule.dst_off : tz->rule.std_off;
		*is_dst = d;
		*abbr = d ? tz->rule.dst_abbr : tz->rule.std_abbr;
		return;
	}
	if (tz->n_trans == 0 || t < tz->trans[0]) {
		size_t i = 0;

		while (i < tz->n_types && tz->types[i].is_dst)
			i++;
		ty = &tz->types[i < tz->n_types ? i : 0];
	} else {
		/* the last transition at or before t */
		lo = 0;
		hi = tz->n_trans;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (tz->trans[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		ty = &tz->types[tz->idx[lo]];
	}
	*off = ty->utoff;
	*is_dst = ty->is_dst;
	*abbr = tz->abbrs + ty->abbr;
}

void
tz_local(const struct tz *tz, int64_t t, struct tm *out, const char **out_abbr)
{
	int32_t off = 0;
	bool is_dst = false;
	const char *abbr = "UTC";

	if (tz)
		lookup(tz, t, &off, &is_dst, &abbr);
	memset(out, 0, sizeof(*out));
	fill_tm(out, t + off);
	out->tm_isdst = is_dst;
	out->tm_gmtoff = off;
	out->tm_zone = abbr;
	if (out_abbr)
		*out_abbr = abbr;
}

static int32_t
offset_at(const struct tz *tz, int64_t t)
{
	int32_t off = 0;
	bool d;
	const char *a;

	if (tz)
		lookup(tz, t, &off, &d, &a);
	return off;
}

int64_t
tz_mktime(const struct tz *tz, int year, int mon, int mday, int hour,
    int min, int sec)
{
	int64_t local = tz_days_from_civil(year, mon, mday) * 86400 +
	    (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
	/* the offsets a day before and after cover any transition */
	int32_t o1 = offset_at(tz, local - 86400), o2 = offset_at(tz,
	    local + 86400);
	int64_t t1 = local - o1, t2 = local - o2;
	bool ok1 = offset_at(tz, t1) == o1, ok2 = offset_at(tz, t2) == o2;

	if (ok1 && ok2)
		return t1 < t2 ? t1 : t2;
	if (ok1)
		return t1;
	if (ok2)
		return t2;
	return t1;               /* in a gap: counted from before it */
}

int64_t
tz_daily_at(const struct tz *tz, int64_t t, int hour)
{
	struct tm tm;

	tz_local(tz, t, &tm, NULL);
	return tz_mktime(tz, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    hour, 0, 0);
}

bool
tz_daily_due(const struct tz *tz, int64_t t, int hour, int64_t last)
{
	int64_t at;

	if (hour < 0)
		return false;
	at = tz_daily_at(tz, t, hour);
	return t >= at && last < at;
}
