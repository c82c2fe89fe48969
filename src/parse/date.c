/*
 * date: the dates feeds write, to seconds since the epoch (UTC).
 *
 * Two readers, tried in order. iso() is a strict character-level reader for
 * ISO 8601 / W3C-DTF / RFC 3339 and their compact and truncated forms: the
 * whole string must be one of them. Everything else goes to words(), which
 * splits the string into numbers, words and punctuation and fills in year,
 * month, day, time and zone from what each token can only be: a month name
 * (English and eight other languages, matched by unambiguous prefix after
 * folding case and accents), "16:31:00", "+0200", "EST", "2004년" and so on.
 * A token that fits nowhere makes the date invalid: we never guess, so
 * "Sun, 16 zzz 2012" and "25:00" are ND_EPARSE rather than a nearby date.
 *
 * The arithmetic is our own (days_from_civil below): no timegm, no locale,
 * no allocation, and the input is read only within len.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/tz.h"
#include "parse/parse.h"
#include "core/banned.h"

#define MAX_TOKENS 48
#define MAX_WORD 32     /* bytes of a folded word; longer words match nothing */

/* -- calendar -- */

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dim[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

void
parse_date_iso(char out[static 32], int64_t t)
{
	int64_t days = t / 86400, secs = t % 86400, y;
	int m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	tz_civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y,
	    m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* The parts of a date as written; -1 = not given. */
struct fields {
	int64_t year;
	int mon, day;
	int hour, min, sec;
	int off;                /* minutes east of UTC */
	bool has_off;
};

#define FIELDS_INIT { -1, -1, -1, -1, -1, -1, 0, false }

/* RFC 2822 section 4.3: two-digit years below 50 are 20xx, others 19xx;
 * three-digit years are 1900 + n. */
static int64_t
widen_year(int64_t y, size_t ndigits)
{
	if (ndigits == 2)
		return y < 50 ? 2000 + y : 1900 + y;
	if (ndigits == 3)
		return 1900 + y;
	return y;
}

/* Checks the fields and turns them into seconds since the epoch. A missing
 * time is midnight; a missing zone is UTC. */
static int
finish(int64_t *out, const struct fields *f)
{
	int hour = f->hour < 0 ? 0 : f->hour, min = f->min < 0 ? 0 : f->min;
	int sec = f->sec < 0 ? 0 : f->sec;
	int64_t t;

	if (f->year < 0 || f->year > 9999 || f->mon < 1 || f->mon > 12 ||
	    f->day < 1 || f->day > days_in_month(f->year, f->mon))
		return ND_EPARSE;
	/* 24:00:00 is the end of the day (ISO 8601); 60 is a leap second. */
	if (hour > 24 || min > 59 || sec > 60 ||
	    (hour == 24 && (min || sec)))
		return ND_EPARSE;
	if (f->off <= -24 * 60 || f->off >= 24 * 60)
		return ND_EPARSE;
	t = tz_days_from_civil(f->year, f->mon, f->day) * 86400 + hour * 3600 +
	    min * 60 + sec - (int64_t)f->off * 60;
	/* Keep results printable as YYYY (0000-01-01 .. 9999-12-31). */
	if (t < -62167219200LL || t > 253402300799LL)
		return ND_EPARSE;
	*out = t;
	return 0;
}

/* -- ISO 8601 / W3C-DTF / RFC 3339 -- */

struct cur {
	const char *p;
	size_t i, n;
};

static size_t
digit_run(const struct cur *c)
{
	size_t k = c->i;

	while (k < c->n && str_isdigit((unsigned char)c->p[k]))
		k++;
	return k - c->i;
}

/* Takes exactly n digits. */
static bool
take_digits(struct cur *c, size_t n, int *out)
{
	int v = 0;

	if (c->n - c->i < n)
		return false;
	for (size_t k = 0; k < n; k++) {
		int ch = (unsigned char)c->p[c->i + k];

		if (!str_isdigit(ch))
			return false;
		v = v * 10 + (ch - '0');
	}
	c->i += n;
	*out = v;
	return true;
}

static bool
take_char(struct cur *c, char ch)
{
	if (c->i < c->n && c->p[c->i] == ch) {
		c->i++;
		return true;
	}
	return false;
}

/* Sets month and day from an ordinal day of the year. */
static bool
from_ordinal(struct fields *f, int ord)
{
	if (ord < 1 || ord > (is_leap(f->year) ? 366 : 365))
		return false;
	f->mon = 1;
	while (ord > days_in_month(f->year, f->mon))
		ord -= days_in_month(f->year, f->mon++);
	f->day = ord;
	return true;
}

/* The date part: YYYY-MM-DD YYYYMMDD YYYY-MM YYYY YYYY-DDD YYYYDDD and the
 * truncated forms of ISO 8601:1988 (YYMMDD YY-MM-DD YYDDD -YYMM -YY-MM -YY,
 * with the two-digit-year rule). "YYYY-0MM-DD" (a month with a leading zero,
 * seen in the wild) is read as a month, since an ordinal day is never
 * followed by "-DD". */
static bool
iso_date(struct cur *c, struct fields *f)
{
	size_t run = digit_run(c);
	int y = 0, v = 0, ord = 0;

	f->mon = f->day = 1;
	if (run == 0 && take_char(c, '-')) {
		if (digit_run(c) != 2 && digit_run(c) != 4)
			return false;
		take_digits(c, 2, &y);
		f->year = widen_year(y, 2);
		if (c->i == c->n || c->p[c->i] == 'T')
			return true;
		take_char(c, '-');
		return take_digits(c, 2, &f->mon) && digit_run(c) == 0;
	}
	switch (run) {
	case 8:
		take_digits(c, 4, &y);
		f->year = y;
		take_digits(c, 2, &f->mon);
		take_digits(c, 2, &f->day);
		return true;
	case 7:
		take_digits(c, 4, &y);
		f->year = y;
		take_digits(c, 3, &ord);
		return from_ordinal(f, ord);
	case 6:
		take_digits(c, 2, &y);
		f->year = widen_year(y, 2);
		take_digits(c, 2, &f->mon);
		take_digits(c, 2, &f->day);
		return true;
	case 5:
		/* YYDDD, unless it also reads as a year, a month and a stray
		 * digit (YYMMD: "22013"): an ambiguous number is no date. */
		if ((c->p[c->i + 2] == '0' && c->p[c->i + 3] != '0') ||
		    (c->p[c->i + 2] == '1' && c->p[c->i + 3] <= '2'))
			return false;
		take_digits(c, 2, &y);
		f->year = widen_year(y, 2);
		take_digits(c, 3, &ord);
		return from_ordinal(f, ord);
	case 4:
		take_digits(c, 4, &y);
		f->year = y;
		if (!take_char(c, '-'))
			return true;
		run = digit_run(c);
		if (run == 2) {
			take_digits(c, 2, &f->mon);
		} else if (run == 3 && c->p[c->i] == '0' && c->i + 3 < c->n &&
		    c->p[c->i + 3] == '-') {
			take_digits(c, 3, &f->mon);
		} else if (run == 3) {
			take_digits(c, 3, &ord);
			return from_ordinal(f, ord);
		} else {
			return false;
		}
		if (!take_char(c, '-'))
			return true;
		return digit_run(c) == 2 && take_digits(c, 2, &f->day);
	case 2:
		take_digits(c, 2, &y);
		f->year = widen_year(y, 2);
		if (!take_char(c, '-'))
			return false;
		if (digit_run(c) == 3) {
			take_digits(c, 3, &ord);
			return from_ordinal(f, ord);
		}
		if (!take_digits(c, 2, &f->mon) || !take_char(c, '-'))
			return false;
		return digit_run(c) == 2 && take_digits(c, 2, &v) &&
		    (f->day = v, true);
	default:
		return false;
	}
}

/* Z, +hh, +hhmm, +hh:mm (also with '-'). */
static bool
iso_zone(struct cur *c, struct fields *f)
{
	int sign, h, m = 0;

	if (take_char(c, 'Z') || take_char(c, 'z')) {
		f->has_off = true;
		return true;
	}
	if (c->i >= c->n || (c->p[c->i] != '+' && c->p[c->i] != '-'))
		return false;
	sign = c->p[c->i++] == '-' ? -1 : 1;
	if (!take_digits(c, 2, &h))
		return false;
	if (take_char(c, ':')) {
		if (!take_digits(c, 2, &m))
			return false;
	} else if (digit_run(c) == 2) {
		take_digits(c, 2, &m);
	}
	if (h > 23 || m > 59)
		return false;
	f->off = sign * (h * 60 + m);
	f->has_off = true;
	return true;
}

static bool
iso_time(struct cur *c, struct fields *f)
{
	size_t run = digit_run(c);

	if (run == 2 && c->i + 2 < c->n && c->p[c->i + 2] == ':') {
		take_digits(c, 2, &f->hour);
		take_char(c, ':');
		if (!take_digits(c, 2, &f->min) || digit_run(c))
			return false;
		if (take_char(c, ':') &&
		    (!take_digits(c, 2, &f->sec) || digit_run(c)))
			return false;
	} else if (run == 2 || run == 4 || run == 6) {
		take_digits(c, 2, &f->hour);
		if (run >= 4)
			take_digits(c, 2, &f->min);
		if (run == 6)
			take_digits(c, 2, &f->sec);
	} else {
		return false;
	}
	/* Fractions of a second are dropped. */
	if (c->i + 1 < c->n && (c->p[c->i] == '.' || c->p[c->i] == ',') &&
	    str_isdigit((unsigned char)c->p[c->i + 1])) {
		c->i++;
		c->i += digit_run(c);
	}
	while (c->i < c->n && c->p[c->i] == ' ')
		c->i++;
	if (c->i < c->n && !iso_zone(c, f))
		return false;
	return true;
}

static int
iso(int64_t *out, const char *s, size_t len)
{
	struct fields f = FIELDS_INIT;
	struct cur c = { s, 0, len };

	if (!iso_date(&c, &f))
		return ND_EPARSE;
	if (c.i < c.n) {
		if (c.p[c.i] == 'T' || c.p[c.i] == 't') {
			c.i++;
		} else if (c.p[c.i] == ' ') {
			while (c.i < c.n && c.p[c.i] == ' ')
				c.i++;
		} else {
			return ND_EPARSE;
		}
		if (!iso_time(&c, &f))
			return ND_EPARSE;
	}
	if (c.i != c.n)
		return ND_EPARSE;
	return finish(out, &f);
}

/* -- words: RFC 822 and everything else -- */

enum tok_kind { TOK_NUM, TOK_WORD, TOK_PUNCT };

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t len;             /* bytes (digits for a number) */
	int64_t val;            /* TOK_NUM */
	bool is_glued;          /* no space before it */
};

/* ASCII letters and any byte of a UTF-8 multibyte sequence make words,
 * except U+00A0 (no-break space), which separates like a space. */
static bool
is_nbsp(const char *s, size_t i, size_t len)
{
	return i + 1 < len && (unsigned char)s[i] == 0xc2 &&
	    (unsigned char)s[i + 1] == 0xa0;
}

static bool
is_word_byte(const char *s, size_t i, size_t len)
{
	int c = (unsigned char)s[i];

	return str_isalpha(c) || (c >= 0x80 && !is_nbsp(s, i, len));
}

/* Splits s into tokens; (comments) are dropped. False if there are too
 * many or a number is too long to be part of a date. */
static bool
tokenize(struct tok *t, size_t *out_n, const char *s, size_t len)
{
	size_t i = 0, n = 0;
	bool glued = false;

	while (i < len) {
		int c = (unsigned char)s[i];
		size_t j = i;

		if (str_isspace(c) || is_nbsp(s, i, len)) {
			i += c == ' ' || str_isspace(c) ? 1 : 2;
			glued = false;
			continue;
		}
		if (c == '(') {
			int depth = 0;

			do {
				if (s[j] == '(')
					depth++;
				else if (s[j] == ')')
					depth--;
				j++;
			} while (j < len && depth > 0);
			i = j;
			glued = false;
			continue;
		}
		if (n == MAX_TOKENS)
			return false;
		t[n].p = s + i;
		t[n].is_glued = glued && n > 0;
		if (str_isdigit(c)) {
			int64_t v = 0;

			while (j < len && str_isdigit((unsigned char)s[j])) {
				if (j - i >= 9)
					return false;
				v = v * 10 + (s[j] - '0');
				j++;
			}
			t[n].kind = TOK_NUM;
			t[n].val = v;
		} else if (is_word_byte(s, i, len)) {
			while (j < len && is_word_byte(s, j, len))
				j++;
			t[n].kind = TOK_WORD;
		} else {
			j++;
			t[n].kind = TOK_PUNCT;
		}
		t[n].len = j - i;
		n++;
		i = j;
		glued = true;
	}
	*out_n = n;
	return true;
}

/* Lower-case, no accents: Latin-1 letters and Hungarian ő ű become their
 * ASCII base letter, Greek loses tonos and dialytika and final sigma. */
static uint32_t
fold_cp(uint32_t cp)
{
	/* U+00C0..U+00FF; '?' where there is no base letter. */
	static const char latin1[] =
	    "aaaaaaaceeeeiiii" "dnooooo?ouuuuyts"
	    "aaaaaaaceeeeiiii" "dnooooo?ouuuuyty";

	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xc0 && cp <= 0xff)
		return (unsigned char)latin1[cp - 0xc0];
	if (cp == 0x150 || cp == 0x151)
		return 'o';
	if (cp == 0x170 || cp == 0x171)
		return 'u';
	if (cp >= 0x391 && cp <= 0x3a9)
		cp += 0x20;
	switch (cp) {
	case 0x386: case 0x3ac: return 0x3b1;             /* alpha */
	case 0x388: case 0x3ad: return 0x3b5;             /* epsilon */
	case 0x389: case 0x3ae: return 0x3b7;             /* eta */
	case 0x38a: case 0x3af: case 0x390: case 0x3ca:
	case 0x3aa: return 0x3b9;                         /* iota */
	case 0x38c: case 0x3cc: return 0x3bf;             /* omicron */
	case 0x38e: case 0x3cd: case 0x3b0: case 0x3cb:
	case 0x3ab: return 0x3c5;                         /* upsilon */
	case 0x38f: case 0x3ce: return 0x3c9;             /* omega */
	case 0x3c2: return 0x3c3;                         /* final sigma */
	default: return cp;
	}
}

/* Folds a word into out (NUL-terminated) and returns its length in
 * characters, or 0 when it does not fit. Bytes of other scripts are
 * copied as they are. */
static size_t
fold(char out[MAX_WORD + 1], const char *s, size_t len)
{
	size_t i = 0, o = 0, nchars = 0;

	while (i < len) {
		int c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			cp = (uint32_t)c;
			n = 1;
		} else if ((c & 0xe0) == 0xc0 && i + 1 < len) {
			cp = ((uint32_t)(c & 0x1f) << 6) | (s[i + 1] & 0x3f);
			n = 2;
		} else {
			n = (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
			if (n > len - i)
				n = len - i;
			if (o + n > MAX_WORD)
				return 0;
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
			nchars++;
			continue;
		}
		/* room for two bytes: fold_cp gives code points below U+0800 */
		if (o + 2 > MAX_WORD)
			return 0;
		o += str_utf8_put(out + o, fold_cp(cp));
		i += n;
		nchars++;
	}
	out[o] = '\0';
	return nchars;
}

struct name {
	const char *s;  /* folded */
	size_t len;     /* bytes */
	int v;
};

#define N(s, v) { s, sizeof(s) - 1, v }

/* Month names, full and folded; a word names a month when it is a prefix
 * of at least three characters of names that all mean the same month.
 * English, German, French, Spanish, Italian, Portuguese, Dutch, Hungarian
 * and Greek (nominative and genitive). */
static const struct name months[] = {
	N("january", 1), N("february", 2), N("march", 3), N("april", 4),
	N("may", 5), N("june", 6), N("july", 7), N("august", 8),
	N("september", 9), N("october", 10), N("november", 11),
	N("december", 12),
	N("januar", 1), N("janner", 1), N("februar", 2), N("marz", 3),
	N("mai", 5), N("juni", 6), N("juli", 7), N("oktober", 10),
	N("dezember", 12),
	N("janvier", 1), N("fevrier", 2), N("mars", 3), N("avril", 4),
	N("juin", 6), N("juillet", 7), N("aout", 8), N("septembre", 9),
	N("octobre", 10), N("novembre", 11), N("decembre", 12),
	N("enero", 1), N("febrero", 2), N("marzo", 3), N("abril", 4),
	N("mayo", 5), N("junio", 6), N("julio", 7), N("agosto", 8),
	N("septiembre", 9), N("setiembre", 9), N("octubre", 10),
	N("noviembre", 11), N("diciembre", 12),
	N("gennaio", 1), N("febbraio", 2), N("aprile", 4), N("maggio", 5),
	N("giugno", 6), N("luglio", 7), N("settembre", 9), N("ottobre", 10),
	N("dicembre", 12),
	N("janeiro", 1), N("fevereiro", 2), N("marco", 3), N("maio", 5),
	N("junho", 6), N("julho", 7), N("setembro", 9), N("outubro", 10),
	N("novembro", 11), N("dezembro", 12),
	N("januari", 1), N("februari", 2), N("maart", 3), N("mrt", 3),
	N("mei", 5), N("augustus", 8),
	N("marcius", 3), N("aprilis", 4), N("majus", 5), N("junius", 6),
	N("julius", 7), N("augusztus", 8), N("szeptember", 9),
	N("ιανουαριος", 1), N("φεβρουαριος", 2), N("μαρτιος", 3),
	N("απριλιος", 4), N("μαιος", 5), N("ιουνιος", 6), N("ιουλιος", 7),
	N("αυγουστος", 8), N("σεπτεμβριος", 9), N("οκτωβριος", 10),
	N("νοεμβριος", 11), N("δεκεμβριος", 12),
	N("ιανουαριου", 1), N("φεβρουαριου", 2), N("μαρτιου", 3),
	N("απριλιου", 4), N("μαιου", 5), N("ιουνιου", 6), N("ιουλιου", 7),
	N("αυγουστου", 8), N("σεπτεμβριου", 9), N("οκτωβριου", 10),
	N("νοεμβριου", 11), N("δεκεμβριου", 12),
};

/* Weekday names are recognised only to be skipped (a wrong weekday is
 * common and never overrides the date); prefixes of two characters or
 * more. */
static const struct name weekdays[] = {
	N("sunday", 0), N("monday", 1), N("tuesday", 2), N("wednesday", 3),
	N("thursday", 4), N("friday", 5), N("saturday", 6),
	N("sonntag", 0), N("montag", 1), N("dienstag", 2), N("mittwoch", 3),
	N("donnerstag", 4), N("freitag", 5), N("samstag", 6),
	N("sonnabend", 6),
	N("dimanche", 0), N("lundi", 1), N("mardi", 2), N("mercredi", 3),
	N("jeudi", 4), N("vendredi", 5), N("samedi", 6),
	N("domingo", 0), N("lunes", 1), N("martes", 2), N("miercoles", 3),
	N("jueves", 4), N("viernes", 5), N("sabado", 6),
	N("domenica", 0), N("lunedi", 1), N("martedi", 2),
	N("mercoledi", 3), N("giovedi", 4), N("venerdi", 5),
	N("zondag", 0), N("maandag", 1), N("dinsdag", 2), N("woensdag", 3),
	N("donderdag", 4), N("vrijdag", 5), N("zaterdag", 6),
	N("domingo", 0), N("segunda", 1), N("terca", 2), N("quarta", 3),
	N("quinta", 4), N("sexta", 5), N("sabado", 6),
	N("vasarnap", 0), N("hetfo", 1), N("kedd", 2), N("szerda", 3),
	N("csutortok", 4), N("pentek", 5), N("szombat", 6),
	N("κυριακη", 0), N("δευτερα", 1), N("τριτη", 2), N("τεταρτη", 3),
	N("πεμπτη", 4), N("παρασκευη", 5), N("σαββατο", 6),
};

/* Zone names, in minutes east of UTC. North American names win over the
 * rarer zones that share them (CST is not China here). The single letters
 * are RFC 822's military zones with RFC 822's signs (A = -1 ... M = -12,
 * N = +1 ... Y = +12), as feed readers have always read them. */
static const struct name zones[] = {
	N("ut", 0), N("utc", 0), N("gmt", 0), N("z", 0), N("wet", 0),
	N("west", 60), N("bst", 60), N("cet", 60), N("met", 60),
	N("mez", 60), N("cest", 120), N("mest", 120), N("mesz", 120),
	N("eet", 120), N("eest", 180), N("msk", 180), N("hkt", 480),
	N("sgt", 480), N("awst", 480), N("jst", 540), N("kst", 540),
	N("acst", 570), N("aest", 600), N("aedt", 660), N("nzst", 720),
	N("nzdt", 780),
	N("at", -240), N("ast", -240), N("adt", -180),
	N("et", -300), N("est", -300), N("edt", -240),
	N("ct", -360), N("cst", -360), N("cdt", -300),
	N("mt", -420), N("mst", -420), N("mdt", -360),
	N("pt", -480), N("pst", -480), N("pdt", -420),
	N("akst", -540), N("akdt", -480), N("hst", -600),
	N("nst", -210), N("ndt", -150),
	N("hdt", -540), N("hast", -600), N("hadt", -540), N("sst", -660),
	N("chst", 600), N("brt", -180), N("brst", -120), N("art", -180),
	N("wat", 60), N("cat", 120), N("eat", 180), N("sast", 120),
	N("ict", 420), N("wib", 420), N("pht", 480), N("acdt", 630),
	N("a", -60), N("b", -120), N("c", -180), N("d", -240),
	N("e", -300), N("f", -360), N("g", -420), N("h", -480),
	N("i", -540), N("k", -600), N("l", -660), N("m", -720),
	N("n", 60), N("o", 120), N("p", 180), N("q", 240), N("r", 300),
	N("s", 360), N("t", 420), N("u", 480), N("v", 540), N("w", 600),
	N("x", 660), N("y", 720),
};

/* Words that join the parts of a date and mean nothing on their own:
 * "10 de junio de 2004", "June 10, 2004 at 9:41", "1st". */
static const struct name fillers[] = {
	N("de", 0), N("del", 0), N("of", 0), N("the", 0), N("at", 0),
	N("um", 0), N("le", 0), N("den", 0), N("der", 0), N("st", 0),
	N("nd", 0), N("rd", 0), N("th", 0), N("er", 0),
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Looks w (folded, wlen bytes, nchars characters) up by prefix: -1 when
 * nothing or more than one value matches. Comparing the first byte inline
 * before memcmp keeps a lookup at a few ns: this runs for every word. */
static int
prefix_lookup(const struct name *tab, size_t n, const char *w, size_t wlen,
    size_t nchars, size_t min_chars)
{
	int v = -1;

	if (nchars < min_chars)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (tab[i].s[0] != w[0] || tab[i].len < wlen ||
		    memcmp(tab[i].s, w, wlen) != 0)
			continue;
		if (v >= 0 && v != tab[i].v)
			return -1;
		v = tab[i].v;
	}
	return v;
}

/* Month lookup. The twelve English abbreviations, by far the most common
 * month words, are tried first: the full table would give each of them the
 * same answer (no name in another language starting with "jan" ... "dec"
 * means another month), at ten times the cost. */
static int
month_lookup(const char *w, size_t wlen, size_t nchars)
{
	static const char abbr[] = "janfebmaraprmayjunjulaugsepoctnovdec";

	if (wlen == 3)
		for (int m = 0; m < 12; m++)
			if (memcmp(abbr + 3 * m, w, 3) == 0)
				return m + 1;
	return prefix_lookup(months, NELEM(months), w, wlen, nchars, 3);
}

/* Weekdays are only skipped, so any match will do ("di" is Dienstag,
 * dimanche and dinsdag). */
static bool
is_weekday(const char *w, size_t wlen, size_t nchars)
{
	if (nchars < 2)
		return false;
	for (size_t i = 0; i < NELEM(weekdays); i++)
		if (weekdays[i].s[0] == w[0] && weekdays[i].len >= wlen &&
		    memcmp(weekdays[i].s, w, wlen) == 0)
			return true;
	return false;
}

static bool
exact_lookup(const struct name *tab, size_t n, const char *w, size_t wlen,
    int *out)
{
	for (size_t i = 0; i < n; i++) {
		if (tab[i].len == wlen && tab[i].s[0] == w[0] &&
		    memcmp(tab[i].s, w, wlen) == 0) {
			*out = tab[i].v;
			return true;
		}
	}
	return false;
}

static bool
is_filler(const char *w, size_t wlen)
{
	int v;

	return exact_lookup(fillers, NELEM(fillers), w, wlen, &v);
}

/* Korean (hangul) and CJK (han) unit words: year, month, day markers and
 * the morning/afternoon markers. A date written with hangul is a Korean
 * one, and is in KST when it names no zone. */
enum cjk { CJK_NONE, CJK_YEAR, CJK_MONTH, CJK_DAY, CJK_AM, CJK_PM };

static enum cjk
cjk_word(const char *w, bool *is_hangul)
{
	static const struct {
		const char *s;
		enum cjk v;
		bool is_hangul;
	} t[] = {
		{ "\xeb\x85\x84", CJK_YEAR, true },                 /* 년 */
		{ "\xec\x9b\x94", CJK_MONTH, true },                /* 월 */
		{ "\xec\x9d\xbc", CJK_DAY, true },                  /* 일 */
		{ "\xec\x98\xa4\xec\xa0\x84", CJK_AM, true },       /* 오전 */
		{ "\xec\x98\xa4\xed\x9b\x84", CJK_PM, true },       /* 오후 */
		{ "\xe5\xb9\xb4", CJK_YEAR, false },                /* 年 */
		{ "\xe6\x9c\x88", CJK_MONTH, false },               /* 月 */
		{ "\xe6\x97\xa5", CJK_DAY, false },                 /* 日 */
		{ "\xe5\x8d\x88\xe5\x89\x8d", CJK_AM, false },      /* 午前 */
		{ "\xe5\x8d\x88\xe5\xbe\x8c", CJK_PM, false },      /* 午後 */
		{ "\xe4\xb8\x8a\xe5\x8d\x88", CJK_AM, false },      /* 上午 */
		{ "\xe4\xb8\x8b\xe5\x8d\x88", CJK_PM, false },      /* 下午 */
	};

	if ((unsigned char)w[0] < 0xe0)
		return CJK_NONE;
	for (size_t i = 0; i < NELEM(t); i++) {
		if (strcmp(t[i].s, w) == 0) {
			*is_hangul = t[i].is_hangul;
			return t[i].v;
		}
	}
	return CJK_NONE;
}

struct wstate {
	struct fields f;
	int meridiem;           /* 0, or 1 = am, 2 = pm */
	bool has_zone_word;     /* the zone so far is a name (GMT-01:01) */
	bool has_name_after_off;
	bool is_hangul;
	const struct tok *t;
	size_t n, i;
};

static bool
tok_is(const struct wstate *w, size_t i, char c)
{
	return i < w->n && w->t[i].kind == TOK_PUNCT && w->t[i].p[0] == c;
}

static bool
tok_num(const struct wstate *w, size_t i)
{
	return i < w->n && w->t[i].kind == TOK_NUM;
}

static bool
date_done(const struct wstate *w)
{
	return w->f.year >= 0 && w->f.mon >= 0 && w->f.day >= 0;
}

static int
word_month(const struct tok *t)
{
	char key[MAX_WORD + 1];
	size_t nchars = fold(key, t->p, t->len);

	if (nchars == 0)
		return -1;      /* too long: key is not even terminated */
	return month_lookup(key, strlen(key), nchars);
}

/* hh:mm[:ss[.frac]] starting at token i (a number followed by ':'). */
static bool
take_time(struct wstate *w)
{
	const struct tok *t = w->t;
	size_t i = w->i;

	if (w->f.hour >= 0 || t[i].len > 2)
		return false;
	w->f.hour = (int)t[i].val;
	i += 2;
	/* One-digit minutes and seconds ("12:35:9") occur in real feeds. */
	if (!tok_num(w, i) || t[i].len > 2)
		return false;
	w->f.min = (int)t[i++].val;
	if (tok_is(w, i, ':')) {
		if (!tok_num(w, i + 1) || t[i + 1].len > 2)
			return false;
		w->f.sec = (int)t[i + 1].val;
		i += 2;
		if (tok_is(w, i, '.') && t[i].is_glued && tok_num(w, i + 1) &&
		    t[i + 1].is_glued)
			i += 2;
	}
	if (tok_is(w, i, ':'))
		return false;   /* "1:2:3:4" */
	w->i = i;
	return true;
}

/* +hhmm, +hh, +hh:mm at token i (the sign). */
static bool
take_offset(struct wstate *w)
{
	const struct tok *t = w->t;
	size_t i = w->i;
	int sign = t[i].p[0] == '-' ? -1 : 1, h, m = 0;

	if (w->f.has_off && !w->has_zone_word)
		return false;
	i++;
	if (!tok_num(w, i))
		return false;
	if (t[i].len == 4) {
		h = (int)(t[i].val / 100);
		m = (int)(t[i].val % 100);
		i++;
	} else if (t[i].len <= 2) {
		h = (int)t[i].val;
		i++;
		if (tok_is(w, i, ':')) {
			if (!tok_num(w, i + 1) || t[i + 1].len != 2)
				return false;
			m = (int)t[i + 1].val;
			i += 2;
		}
	} else {
		return false;
	}
	if (h > 23 || m > 59)
		return false;
	/* "GMT-01:01" is an offset from GMT, i.e. the offset itself. */
	w->f.off += sign * (h * 60 + m);
	w->f.has_off = true;
	w->has_zone_word = false;
	w->i = i;
	return true;
}

/* A numeric date starting with a four-digit year: 2006/09/15, 2004-05-25,
 * 2004-július-13, 2004.05.28; or a day-first dotted one: 28.05.2004
 * (dots are the European order; slashes are ambiguous and refused). */
static bool
take_numeric_date(struct wstate *w)
{
	const struct tok *t = w->t;
	size_t i = w->i;
	char sep;
	int mon;

	if (w->f.year >= 0 || w->f.mon >= 0 || w->f.day >= 0 || i + 4 >= w->n ||
	    t[i + 1].kind != TOK_PUNCT || t[i + 3].kind != TOK_PUNCT ||
	    t[i + 1].p[0] != t[i + 3].p[0] || !tok_num(w, i + 4))
		return false;
	sep = t[i + 1].p[0];
	if (sep != '-' && sep != '/' && sep != '.')
		return false;
	if (t[i].len == 4) {
		if (tok_num(w, i + 2) && t[i + 2].len <= 3)
			mon = (int)t[i + 2].val;
		else if (t[i + 2].kind == TOK_WORD &&
		    (mon = word_month(&t[i + 2])) > 0)
			;
		else
			return false;
		if (t[i + 4].len > 2)
			return false;
		w->f.year = t[i].val;
		w->f.mon = mon;
		w->f.day = (int)t[i + 4].val;
	} else if (sep == '.' && t[i].len <= 2 && tok_num(w, i + 2) &&
	    t[i + 2].len <= 2 && t[i + 4].len == 4) {
		w->f.day = (int)t[i].val;
		w->f.mon = (int)t[i + 2].val;
		w->f.year = t[i + 4].val;
	} else {
		return false;
	}
	w->i = i + 5;
	return true;
}

static bool
take_number(struct wstate *w)
{
	const struct tok *t = w->t;
	size_t i = w->i;
	char key[MAX_WORD + 1];
	bool is_hangul = false;

	/* 2004년 05월 28일, 2004年5月28日 */
	if (i + 1 < w->n && t[i + 1].kind == TOK_WORD && t[i + 1].is_glued &&
	    fold(key, t[i + 1].p, t[i + 1].len)) {
		enum cjk u = cjk_word(key, &is_hangul);

		if (u == CJK_YEAR || u == CJK_MONTH || u == CJK_DAY) {
			w->is_hangul |= is_hangul;
			if (u == CJK_YEAR && w->f.year < 0)
				w->f.year = widen_year(t[i].val, t[i].len);
			else if (u == CJK_MONTH && w->f.mon < 0 && t[i].len < 3)
				w->f.mon = (int)t[i].val;
			else if (u == CJK_DAY && w->f.day < 0 && t[i].len < 3)
				w->f.day = (int)t[i].val;
			else
				return false;
			w->i = i + 2;
			return true;
		}
	}
	if (tok_is(w, i + 1, ':'))
		return take_time(w);
	if (take_numeric_date(w))
		return true;
	if (t[i].len == 4 && w->f.year < 0) {
		w->f.year = t[i].val;
	} else if (t[i].len <= 2 && w->f.day < 0) {
		w->f.day = (int)t[i].val;
	} else if (t[i].len <= 3 && w->f.year < 0 && w->f.day >= 0 &&
	    w->f.mon >= 0) {
		w->f.year = widen_year(t[i].val, t[i].len);
	} else {
		return false;
	}
	w->i = i + 1;
	return true;
}

static bool
take_word(struct wstate *w)
{
	const struct tok *t = w->t;
	size_t i = w->i, nchars, klen;
	char key[MAX_WORD + 1];
	bool is_hangul = false, nothing_yet;
	enum cjk u;
	int v;

	nchars = fold(key, t[i].p, t[i].len);
	if (nchars == 0)
		return false;
	klen = strlen(key);
	nothing_yet = w->f.year < 0 && w->f.mon < 0 && w->f.day < 0 &&
	    w->f.hour < 0;
	w->i = i + 1;

	/* A leading word followed by a comma is the weekday, even when it
	 * could be a month ("mar, 11 ene 2004" is a Tuesday in Spanish). */
	if (nothing_yet && (tok_is(w, i + 1, ',') || (tok_is(w, i + 1, '.') &&
	    tok_is(w, i + 2, ','))) && is_weekday(key, klen, nchars))
		return true;
	if (w->f.mon < 0 && (v = month_lookup(key, klen, nchars)) > 0) {
		w->f.mon = v;
		return true;
	}
	if (nothing_yet && is_weekday(key, klen, nchars))
		return true;
	if ((u = cjk_word(key, &is_hangul)) == CJK_AM || u == CJK_PM) {
		if (w->meridiem)
			return false;
		w->meridiem = u == CJK_AM ? 1 : 2;
		w->is_hangul |= is_hangul;
		return true;
	}
	if (w->f.hour >= 0 && !w->meridiem &&
	    (strcmp(key, "am") == 0 || strcmp(key, "pm") == 0)) {
		w->meridiem = key[0] == 'a' ? 1 : 2;
		return true;
	}
	/* "2004-07-13T9:15", and fillers such as "at" before the time. */
	if (w->f.hour < 0 && tok_num(w, i + 1) &&
	    (strcmp(key, "t") == 0 || is_filler(key, klen)))
		return true;
	if (w->f.hour < 0 && is_filler(key, klen))
		return true;
	/* "Etc/GMT" */
	if (strcmp(key, "etc") == 0 && tok_is(w, i + 1, '/') &&
	    i + 2 < w->n && t[i + 2].kind == TOK_WORD) {
		w->i = i + 2;
		return true;
	}
	/* A zone name comes after the time, or last. */
	if ((w->f.hour >= 0 || i + 1 == w->n) && date_done(w) &&
	    exact_lookup(zones, NELEM(zones), key, klen, &v)) {
		if (!w->f.has_off) {
			w->f.off = v;
			w->f.has_off = true;
			w->has_zone_word = true;
			return true;
		}
		/* "-0500 EST": the numeric offset says it exactly, the name
		 * after it only repeats it. */
		if (!w->has_zone_word && !w->has_name_after_off) {
			w->has_name_after_off = true;
			return true;
		}
	}
	return false;
}

static int
words(int64_t *out, const char *s, size_t len)
{
	struct tok toks[MAX_TOKENS];
	struct wstate w = { FIELDS_INIT, 0, false, false, false, toks, 0, 0 };

	if (!tokenize(toks, &w.n, s, len))
		return ND_EPARSE;
	while (w.i < w.n) {
		const struct tok *t = &toks[w.i];
		bool ok = false;

		switch (t->kind) {
		case TOK_NUM:
			ok = take_number(&w);
			break;
		case TOK_WORD:
			ok = take_word(&w);
			break;
		case TOK_PUNCT:
			switch (t->p[0]) {
			case ',':
			case '.':
				w.i++;
				ok = true;
				break;
			case '+':
			case '-':
				/* An offset qualifies a time: after a
				 * date alone, "-01" is a stray part. */
				if (tok_num(&w, w.i + 1) && (w.f.hour >= 0 ||
				    w.has_zone_word)) {
					ok = take_offset(&w);
				} else if (t->p[0] == '-' && !date_done(&w) &&
				    w.i > 0) {
					w.i++;  /* "06-Nov-94" */
					ok = true;
				}
				break;
			default:
				break;
			}
			break;
		}
		if (!ok)
			return ND_EPARSE;
	}
	if (w.meridiem) {
		if (w.f.hour < 1 || w.f.hour > 12)
			return ND_EPARSE;
		w.f.hour = w.f.hour % 12 + (w.meridiem == 2 ? 12 : 0);
	}
	if (w.is_hangul && !w.f.has_off)
		w.f.off = 9 * 60;
	return finish(out, &w.f);
}

int
parse_date(int64_t *out, const char *s, size_t len)
{
	struct str d = str_trim(str_make(s, len));

	if (d.len == 0)
		return ND_EPARSE;
	if ((str_isdigit((unsigned char)d.p[0]) || d.p[0] == '-') &&
	    iso(out, d.p, d.len) == 0)
		return 0;
	return words(out, d.p, d.len);
}
