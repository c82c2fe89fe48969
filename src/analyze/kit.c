/*
 * kit: the clustering kit's JSONL lines to analyze_doc. A scanner for one
 * flat object, not a general JSON parser: the kit's lines are up to
 * megabytes of article text, and only the lead of the text is used, so
 * the rest of a long string is skipped with memchr instead of decoded
 * (jansson would decode and allocate all of it; at 100k lines that alone
 * was slower than the clustering).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/tz.h"
#include "core/banned.h"

#define KIT_MAX_DEPTH 64

struct cur {
	const char *p, *end;
};

static void
skip_ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int h = str_hexval((unsigned char)p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return 0;
}

/* Whether p[0..n) holds a byte below 0x20 (JSON forbids them raw in a
 * string): eight bytes at a time, (x - 0x20..) & ~x & 0x80.. is nonzero
 * exactly when some byte of x is below 0x20. */
static bool
has_control(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, p + i, 8);
		if ((x - ones * 0x20) & ~x & (ones * 0x80))
			return true;
	}
	for (; i < n; i++)
		if ((unsigned char)p[i] < 0x20)
			return true;
	return false;
}

/* At the opening quote. Appends at most cap decoded bytes to out (NULL:
 * decode nothing) and moves past the closing quote. */
static int
string(struct cur *c, struct buf *out, size_t cap)
{
	size_t start = out ? out->len : 0;
	/* the next '"' and '\\' at or after c->p (NULL: none), found with
	 * memchr once each and again only when c->p passes them */
	const char *quote = NULL, *bslash = NULL;
	bool has_quote = false, has_bslash = false;

	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	for (;;) {
		const char *q;
		size_t run;

		if (out && out->len - start >= cap) {
			/* Past the cap: find the end without decoding. */
			for (;;) {
				q = memchr(c->p, '"', (size_t)(c->end - c->p));
				if (!q)
					return -1;
				/* Count the backslashes before the quote. */
				size_t bs = 0;
				while (q - bs > c->p && q[-1 - (ptrdiff_t)bs] == '\\')
					bs++;
				c->p = q + 1;
				if (bs % 2 == 0)
					return 0;
			}
		}
		/* Decoded up to the cap (the rest is skipped above). */
		const char *stop = c->end;

		if (out && (size_t)(c->end - c->p) > cap - (out->len - start))
			stop = c->p + (cap - (out->len - start));
		if (!has_quote || (quote && quote < c->p)) {
			quote = memchr(c->p, '"', (size_t)(c->end - c->p));
			has_quote = true;
		}
		if (!has_bslash || (bslash && bslash < c->p)) {
			bslash = memchr(c->p, '\\', (size_t)(c->end - c->p));
			has_bslash = true;
		}
		q = stop;
		if (quote && quote < q)
			q = quote;
		if (bslash && bslash < q)
			q = bslash;
		if (has_control(c->p, (size_t)(q - c->p)))
			return -1;
		if (q >= c->end)
			return -1;
		run = (size_t)(q - c->p);
		if (out)
			buf_add(out, c->p, run);
		if (q == stop) {
			c->p = q;
			continue;
		}
		c->p = q + 1;
		if (*q == '"')
			return 0;
		if (c->p >= c->end)
			return -1;
		char e = *c->p++;
		char ch;
		switch (e) {
		case '"': ch = '"'; break;
		case '\\': ch = '\\'; break;
		case '/': ch = '/'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'u': {
			uint32_t cp, lo;

			if (c->end - c->p < 4 || hex4(c->p, &cp) < 0)
				return -1;
			c->p += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && c->end - c->p >= 6 &&
			    c->p[0] == '\\' && c->p[1] == 'u' &&
			    hex4(c->p + 2, &lo) == 0 && lo >= 0xDC00 &&
			    lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				c->p += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			if (out)
				buf_add_utf8(out, cp);
			continue;
		}
		default:
			return -1;
		}
		if (out)
			buf_addc(out, ch);
	}
}

/* Skips any JSON value (nested ones by depth). */
static int
skip_value(struct cur *c)
{
	int depth = 0;

	do {
		skip_ws(c);
		if (c->p >= c->end)
			return -1;
		switch (*c->p) {
		case '"':
			if (string(c, NULL, 0) < 0)
				return -1;
			break;
		case '{':
		case '[':
			if (++depth > KIT_MAX_DEPTH)
				return -1;
			c->p++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return -1;
			depth--;
			c->p++;
			break;
		case ',':
		case ':':
			if (depth == 0)
				return -1;
			c->p++;
			break;
		default:
			if (!(str_isalnum((unsigned char)*c->p) || *c->p == '-' ||
			    *c->p == '+' || *c->p == '.'))
				return -1;
			while (c->p < c->end && (str_isalnum((unsigned char)*c->p) ||
			    *c->p == '-' || *c->p == '+' || *c->p == '.'))
				c->p++;
			break;
		}
	} while (depth > 0);
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS" with anything after (Z, fraction) taken as UTC,
 * or ISO 8601's expanded year "+YYYYYY-..." (5 or 6 digits: the benches
 * run the kit's files far into the future); 0 when it is not a time. */
static int64_t
iso_time(const char *s)
{
	long long v[6] = { 0 };
	const char seps[] = "--T::";
	size_t len = strlen(s);
	int year_digits = 4;

	if (s[0] == '+') {
		s++;
		len--;
		while (year_digits < 6 && (size_t)year_digits < len &&
		    str_isdigit((unsigned char)s[year_digits]))
			year_digits++;
		if (year_digits == 4)
			return 0;
	}
	if (len < 10)
		return 0;
	for (int f = 0, i = 0; f < 6; f++) {
		int nd = f == 0 ? year_digits : 2;

		if (f >= 3 && (size_t)i >= len)
			break;
		for (int k = 0; k < nd; k++, i++) {
			if ((size_t)i >= len || !str_isdigit((unsigned char)s[i]))
				return 0;
			v[f] = v[f] * 10 + (s[i] - '0');
		}
		if (f < 5 && (size_t)i < len) {
			if (s[i] != seps[f] && !(f == 2 && s[i] == ' '))
				break;
			i++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return 0;
	return tz_days_from_civil(v[0], (int)v[1], (int)v[2]) * 86400 +
	    v[3] * 3600 + v[4] * 60 + v[5];
}

enum { F_ID, F_TIME, F_SOURCE, F_LANG, F_TITLE, F_SUMMARY, F_TEXT, F_SECTION,
	F_N };

static const struct {
	const char *name;
	size_t cap;
} fields[F_N] = {
	[F_ID] = { "id", 1024 },
	[F_TIME] = { "time", 64 },
	[F_SOURCE] = { "source", 1024 },
	[F_LANG] = { "lang", 64 },
	[F_TITLE] = { "title", ANALYZE_FIELD_MAX },
	[F_SUMMARY] = { "summary", ANALYZE_FIELD_MAX },
	[F_TEXT] = { "text", 0 },              /* the caller's text_max */
	[F_SECTION] = { "section", 256 },
};

int
analyze_kit_parse(struct analyze_kit_line *out, struct buf *scratch,
    const char *line, size_t len, size_t text_max)
{
	struct cur c = { line, line + len };
	size_t off[F_N];
	bool seen[F_N] = { false };
	/* a key is at most 15 bytes (longer: no field of ours), read into
	 * the scratch buffer past its last field and taken off again */
	const size_t key_max = 15;

	memset(out, 0, sizeof(*out));
	buf_reset(scratch);
	skip_ws(&c);
	if (c.p >= c.end || *c.p != '{')
		return err_set(ND_EPARSE, "kit: line is not a JSON object");
	c.p++;
	skip_ws(&c);
	if (c.p < c.end && *c.p == '}') {
		c.p++;
		goto done;
	}
	for (;;) {
		size_t key_at = scratch->len, key_len;
		int f;

		skip_ws(&c);
		if (string(&c, scratch, key_max) < 0)
			return err_set(ND_EPARSE, "kit: bad key at byte %zu",
			    (size_t)(c.p - line));
		key_len = scratch->len - key_at;
		skip_ws(&c);
		if (c.p >= c.end || *c.p != ':')
			return err_set(ND_EPARSE, "kit: missing ':' at byte %zu",
			    (size_t)(c.p - line));
		c.p++;
		skip_ws(&c);
		for (f = 0; f < F_N; f++)
			if (!buf_err(scratch) &&
			    strlen(fields[f].name) == key_len &&
			    memcmp(scratch->ptr + key_at, fields[f].name,
			    key_len) == 0)
				break;
		buf_truncate(scratch, key_at);
		if (f < F_N && c.p < c.end && *c.p == '"') {
			off[f] = scratch->len;
			if (string(&c, scratch, f == F_TEXT ? text_max :
			    fields[f].cap) < 0)
				return err_set(ND_EPARSE, "kit: bad string in %s",
				    fields[f].name);
			buf_addc(scratch, '\0');
			seen[f] = true;
		} else if (skip_value(&c) < 0) {
			return err_set(ND_EPARSE, "kit: bad value at byte %zu",
			    (size_t)(c.p - line));
		}
		skip_ws(&c);
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		if (c.p < c.end && *c.p == '}') {
			c.p++;
			break;
		}
		return err_set(ND_EPARSE, "kit: expected ',' or '}' at byte %zu",
		    (size_t)(c.p - line));
	}
done:
	skip_ws(&c);
	if (c.p != c.end)
		return err_set(ND_EPARSE, "kit: trailing bytes after the object");
	if (buf_err(scratch) < 0)
		return err_set(ND_ETOOBIG, "kit: line too large");
	const char *v[F_N];
	for (int f = 0; f < F_N; f++)
		v[f] = seen[f] ? scratch->ptr + off[f] : NULL;
	out->id = v[F_ID];
	out->doc.time = v[F_TIME] ? iso_time(v[F_TIME]) : 0;
	out->doc.source = v[F_SOURCE];
	out->doc.lang = v[F_LANG];
	out->doc.title = v[F_TITLE];
	out->doc.summary = v[F_SUMMARY];
	out->doc.text = v[F_TEXT];
	out->section = v[F_SECTION];
	return 0;
}
