/*
 * url: RFC 3986 reference resolution and canonicalization, see url.h and
 * docs/internals/url.md.
 *
 * Everything works on bytes: a URL is split into its five components as
 * slices of one cleaned copy (RFC 3986 appendix B), and results are written
 * once into an arena buffer whose size is bounded up front, so there is no
 * growing and no intermediate allocation per component. Non-ASCII bytes are
 * never interpreted, which is what lets IRIs pass through unchanged.
 */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/url.h"
#include "core/banned.h"

/* The components of a reference; a slice with p == NULL is undefined (not
 * the same as present and empty: "http://a/?" has an empty query). */
struct parts {
	struct str scheme;
	struct str authority;
	struct str path;        /* always defined, may be empty */
	struct str query;
	struct str fragment;
};

/* A bounded output buffer in the arena; cap is computed by the caller. */
struct sink {
	char *p;
	size_t len;
};

static void
put(struct sink *o, const char *s, size_t n)
{
	if (n) {
		memcpy(o->p + o->len, s, n);
		o->len += n;
	}
}

static void
puts_str(struct sink *o, struct str s)
{
	put(o, s.p, s.len);
}

static void
putc_(struct sink *o, char c)
{
	o->p[o->len++] = c;
}

static int
is_scheme_char(int c)
{
	return str_isalnum(c) || c == '+' || c == '-' || c == '.';
}

/* Leading and trailing whitespace and C0 controls go, and so do tabs and
 * newlines anywhere (a URL wrapped across lines in a feed, and the
 * "java\tscript:" trick that browsers also undo). */
static int
is_trim(int c)
{
	return c <= 0x20;
}

static struct str
clean(struct arena *a, const char *s)
{
	size_t len = s ? strlen(s) : 0, n = 0;
	const char *b = s;
	char *out;

	while (len && is_trim((unsigned char)b[0])) {
		b++;
		len--;
	}
	while (len && is_trim((unsigned char)b[len - 1]))
		len--;
	out = arena_alloc(a, len + 1);
	for (size_t i = 0; i < len; i++)
		if (b[i] != '\t' && b[i] != '\n' && b[i] != '\r')
			out[n++] = b[i];
	out[n] = '\0';
	return str_make(out, n);
}

/* RFC 3986 appendix B, except that a scheme must be well-formed
 * (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )): "1a:b" or "a b:c" are
 * relative paths, as browsers treat them. */
static void
split(struct parts *pt, struct str s)
{
	size_t i = 0, j, len = s.len;
	const char *p = s.p;

	memset(pt, 0, sizeof(*pt));
	if (len && str_isalpha((unsigned char)p[0])) {
		for (j = 1; j < len && is_scheme_char((unsigned char)p[j]); j++)
			;
		if (j < len && p[j] == ':') {
			pt->scheme = str_make(p, j);
			i = j + 1;
		}
	}
	if (len - i >= 2 && p[i] == '/' && p[i + 1] == '/') {
		i += 2;
		j = i;
		while (j < len && p[j] != '/' && p[j] != '?' && p[j] != '#')
			j++;
		pt->authority = str_make(p + i, j - i);
		i = j;
	}
	for (j = i; j < len && p[j] != '?' && p[j] != '#'; j++)
		;
	pt->path = str_make(p + i, j - i);
	i = j;
	if (i < len && p[i] == '?') {
		for (j = ++i; j < len && p[j] != '#'; j++)
			;
		pt->query = str_make(p + i, j - i);
		i = j;
	}
	if (i < len && p[i] == '#') {
		i++;
		pt->fragment = str_make(p + i, len - i);
	}
}

/* Drops the last segment and its preceding "/" from the output. */
static void
pop_segment(struct sink *o)
{
	while (o->len && o->p[o->len - 1] != '/')
		o->len--;
	if (o->len)
		o->len--;
}

static bool
rest_is(const char *p, size_t n, const char *lit, size_t lit_len, bool whole)
{
	return whole ? n == lit_len && memcmp(p, lit, n) == 0
	    : n >= lit_len && memcmp(p, lit, lit_len) == 0;
}

/* RFC 3986 section 5.2.4, appending to o. The output is never longer than
 * the input. */
static void
remove_dots(struct sink *o, const char *in, size_t len)
{
	size_t start = o->len, i = 0;

	while (i < len) {
		const char *p = in + i;
		size_t n = len - i, j;

		if (rest_is(p, n, "../", 3, false)) {
			i += 3;
		} else if (rest_is(p, n, "./", 2, false)) {
			i += 2;
		} else if (rest_is(p, n, "/./", 3, false)) {
			i += 2;
		} else if (rest_is(p, n, "/.", 2, true)) {
			putc_(o, '/');
			i += 2;
		} else if (rest_is(p, n, "/../", 4, false)) {
			i += 3;
			if (o->len > start)
				pop_segment(o);
		} else if (rest_is(p, n, "/..", 3, true)) {
			if (o->len > start)
				pop_segment(o);
			putc_(o, '/');
			i += 3;
		} else if (rest_is(p, n, ".", 1, true) ||
		    rest_is(p, n, "..", 2, true)) {
			i += n;
		} else {
			j = i + (p[0] == '/');
			while (j < len && in[j] != '/')
				j++;
			put(o, p, j - i);
			i = j;
		}
	}
}

/* Writes a recomposed reference (RFC 3986 section 5.3); path is already
 * written by the caller between head and tail, so this is in two parts. */
static void
put_head(struct sink *o, const struct parts *t)
{
	if (t->scheme.p) {
		puts_str(o, t->scheme);
		putc_(o, ':');
	}
	if (t->authority.p) {
		put(o, "//", 2);
		puts_str(o, t->authority);
	}
}

static void
put_tail(struct sink *o, const struct parts *t)
{
	if (t->query.p) {
		putc_(o, '?');
		puts_str(o, t->query);
	}
	if (t->fragment.p) {
		putc_(o, '#');
		puts_str(o, t->fragment);
	}
}

const char *
url_resolve(struct arena *a, const char *base, const char *ref)
{
	struct str r = clean(a, ref), b;
	struct parts rp, bp, t;
	struct sink o;
	size_t path_at, cap;

	if (!base)
		return r.p;
	b = clean(a, base);
	split(&bp, b);
	if (!bp.scheme.p)
		return r.p;
	split(&rp, r);

	/* Merging can at most concatenate the base and the reference, plus
	 * the "/" of a base without a path and a "/." guard (below). */
	cap = b.len + r.len + 8;
	o.p = arena_alloc(a, cap);
	o.len = 0;

	t = rp;
	if (!rp.scheme.p) {
		t.scheme = bp.scheme;
		if (!rp.authority.p) {
			t.authority = bp.authority;
			if (rp.path.len == 0) {
				t.path = bp.path;
				if (!rp.query.p)
					t.query = bp.query;
			}
		}
	}
	put_head(&o, &t);
	path_at = o.len;
	if (rp.scheme.p || rp.authority.p ||
	    (rp.path.len && rp.path.p[0] == '/')) {
		remove_dots(&o, rp.path.p, rp.path.len);
	} else if (rp.path.len == 0) {
		puts_str(&o, bp.path);
	} else {
		/* Merge (section 5.2.3) into a scratch copy, then remove the
		 * dot segments from it into the output. */
		char *m = arena_alloc(a, bp.path.len + rp.path.len + 2);
		size_t mlen = 0, keep = bp.path.len;

		if (bp.authority.p && bp.path.len == 0) {
			m[mlen++] = '/';
		} else {
			while (keep && bp.path.p[keep - 1] != '/')
				keep--;
			memcpy(m, bp.path.p, keep);
			mlen = keep;
		}
		memcpy(m + mlen, rp.path.p, rp.path.len);
		mlen += rp.path.len;
		remove_dots(&o, m, mlen);
	}
	/* Without an authority, a path starting with "//" would read back as
	 * one; "/." keeps it a path (the WHATWG URL standard does the same). */
	if (!t.authority.p && o.len - path_at >= 2 && o.p[path_at] == '/' &&
	    o.p[path_at + 1] == '/') {
		memmove(o.p + path_at + 2, o.p + path_at, o.len - path_at);
		memcpy(o.p + path_at, "/.", 2);
		o.len += 2;
	}
	put_tail(&o, &t);
	o.p[o.len] = '\0';
	return o.p;
}

const char *
url_scheme(struct arena *a, const char *url)
{
	struct str s = clean(a, url);
	struct parts pt;
	char *out;

	split(&pt, s);
	if (!pt.scheme.p)
		return NULL;
	out = arena_strndup(a, pt.scheme.p, pt.scheme.len);
	for (char *c = out; *c; c++)
		*c = (char)str_tolower((unsigned char)*c);
	return out;
}

bool
url_is_safe(const char *url)
{
	static const char *const safe[] = { "http", "https", "mailto", "ftp" };
	struct arena a;
	const char *scheme;
	bool ok = false;

	arena_init(&a);
	scheme = url_scheme(&a, url);
	if (!scheme) {
		ok = true;
	} else {
		for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
			if (strcmp(scheme, safe[i]) == 0)
				ok = true;
	}
	arena_release(&a);
	return ok;
}

/* -- canonical form -- */

static int
is_unreserved(int c)
{
	return str_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Bytes a browser percent-encodes in a path or query: controls, space,
 * a few delimiters and everything non-ASCII. Encoding them makes the IRI
 * and URI spellings of one address compare equal. */
static int
needs_pct(int c)
{
	return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' ||
	    c == '`' || c == '{' || c == '}';
}

/* Normalizes percent-encoding (section 6.2.2.2): %XX of an unreserved
 * character is decoded, other %xx upper-cased, bytes a browser would
 * encode are encoded. A '%' not followed by two hex digits is a literal
 * one and becomes "%25": left alone, "%4%41" would turn into "%4A" and the
 * canonical form would not be a fixed point. Writes at most 3 * len bytes. */
static void
put_pct_norm(struct sink *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i], hi, lo;

		if (c == '%' && i + 2 < len &&
		    (hi = str_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = str_hexval((unsigned char)s[i + 2])) >= 0) {
			int d = hi * 16 + lo;

			if (is_unreserved(d)) {
				putc_(o, (char)d);
			} else {
				putc_(o, '%');
				putc_(o, hex[hi]);
				putc_(o, hex[lo]);
			}
			i += 2;
		} else if (needs_pct(c) || c == '%') {
			putc_(o, '%');
			putc_(o, hex[c >> 4]);
			putc_(o, hex[c & 15]);
		} else {
			putc_(o, (char)c);
		}
	}
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Query parameters that only say where a click came from. Compared
 * case-insensitively on the decoded name; utm_* is a prefix. */
static const char *const tracking_params[] = {
	"fbclid", "gclid", "dclid", "gbraid", "wbraid", "gclsrc", "msclkid",
	"mc_cid", "mc_eid", "yclid", "_ga", "_gl", "igshid", "ref_src",
	"ref_url", "_hsenc", "_hsmi", "mkt_tok", "twclid", "ttclid",
	"li_fat_id", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid",
	"vero_conv", "vero_id", "wickedid", "cmpid", "ocid", "sr_share",
};

static bool
is_tracking(const char *name, size_t len)
{
	struct str s = str_make(name, len);

	if (str_istarts_with(s, "utm_"))
		return true;
	for (size_t i = 0; i < NELEM(tracking_params); i++)
		if (str_ieq(s, tracking_params[i]))
			return true;
	return false;
}

static bool
is_default_port(struct str scheme, struct str port)
{
	unsigned long v = 0;

	for (size_t i = 0; i < port.len; i++)
		v = v * 10 + (unsigned)(port.p[i] - '0');
	return (v == 80 && scheme.len == 4) || (v == 443 && scheme.len == 5);
}

const char *
url_canonical(struct arena *a, const char *url)
{
	struct str s = clean(a, url), host;
	struct str userinfo = { NULL, 0 }, port = { NULL, 0 };
	struct parts pt;
	struct sink o, tmp;
	size_t at, i;

	split(&pt, s);
	if (!pt.scheme.p || !(str_ieq(pt.scheme, "http") ||
	    str_ieq(pt.scheme, "https")) || !pt.authority.p)
		return NULL;

	/* authority = [ userinfo "@" ] host [ ":" port ] */
	host = pt.authority;
	for (at = host.len; at > 0 && host.p[at - 1] != '@'; at--)
		;
	if (at) {
		userinfo = str_make(host.p, at - 1);
		host = str_make(host.p + at, host.len - at);
	}
	if (host.len && host.p[0] == '[') {
		const char *rb = memchr(host.p, ']', host.len);

		if (!rb)
			return NULL;
		i = (size_t)(rb - host.p) + 1;
	} else {
		const char *colon = memchr(host.p, ':', host.len);

		i = colon ? (size_t)(colon - host.p) : host.len;
	}
	if (i < host.len) {
		if (host.p[i] != ':')
			return NULL;
		port = str_make(host.p + i + 1, host.len - i - 1);
		host.len = i;
		for (size_t k = 0; k < port.len; k++)
			if (!str_isdigit((unsigned char)port.p[k]))
				return NULL;
		/* Leading zeros are not part of the port's value. */
		while (port.len > 1 && port.p[0] == '0') {
			port.p++;
			port.len--;
		}
		if (port.len > 5 ||
		    (port.len == 5 && memcmp(port.p, "65535", 5) > 0))
			return NULL;
	}
	/* "example.com." names the same host as "example.com". */
	while (host.len > 1 && host.p[host.len - 1] == '.')
		host.len--;
	if (host.len == 0)
		return NULL;

	o.p = arena_alloc(a, 3 * s.len + 16);
	o.len = 0;
	put(&o, pt.scheme.len == 4 ? "http://" : "https://", pt.scheme.len + 3);
	if (userinfo.p) {
		puts_str(&o, userinfo);
		putc_(&o, '@');
	}
	for (i = 0; i < host.len; i++)
		putc_(&o, (char)str_tolower((unsigned char)host.p[i]));
	if (port.len && !is_default_port(pt.scheme, port)) {
		putc_(&o, ':');
		puts_str(&o, port);
	}

	/* Percent-normalize before removing dot segments, so "%2E%2E" counts
	 * as "..". */
	tmp.p = arena_alloc(a, 3 * (pt.path.len + pt.query.len) + 2);
	tmp.len = 0;
	put_pct_norm(&tmp, pt.path.p, pt.path.len);
	if (tmp.len == 0)
		putc_(&o, '/');
	else
		remove_dots(&o, tmp.p, tmp.len);

	if (pt.query.p) {
		size_t qstart = o.len, j;

		putc_(&o, '?');
		for (i = 0; i <= pt.query.len; i = j + 1) {
			size_t name_len, before = o.len;

			j = i;
			while (j < pt.query.len && pt.query.p[j] != '&')
				j++;
			if (j == i)
				continue;       /* "a=1&&b=2" */
			if (o.len > qstart + 1)
				putc_(&o, '&');
			tmp.len = 0;
			put_pct_norm(&tmp, pt.query.p + i, j - i);
			for (name_len = 0; name_len < tmp.len &&
			    tmp.p[name_len] != '='; name_len++)
				;
			if (is_tracking(tmp.p, name_len))
				o.len = before;
			else
				put(&o, tmp.p, tmp.len);
		}
		if (o.len == qstart + 1)
			o.len = qstart;
	}
	o.p[o.len] = '\0';
	return o.p;
}
