/*
 * form: what a client sends besides the path, parsed without HTTP: query
 * strings and urlencoded bodies, multipart/form-data bodies, Cookie
 * headers. Pure functions over complete buffers (the server collects a
 * body up to its cap first), so they are unit-tested and fuzzed alone.
 *
 * Every count and size is capped by the caller's limits, and the answer to
 * a request over a limit is an HTTP status (413 for sizes, 400 for counts
 * and malformed input), which the server sends before any handler runs.
 *
 * Also the checks of the request target and field names that the server
 * makes before MHD's parse is trusted (web_target_check, web_target_path,
 * web_field_name_ok; issue 13), pure too and fuzzed by fuzz_head.
 */
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/str.h"
#include "web/http_int.h"
#include "web/web_int.h"
#include "core/banned.h"

/* Decodes %XX and '+' of p[0..len) into a (NUL-terminated). -1 on a bad
 * escape. */
static int
pct_decode(struct arena *a, const char *p, size_t len, const char **out,
    size_t *out_len)
{
	char *d = arena_alloc(a, len + 1);
	size_t j = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '%') {
			int hi, lo;

			if (i + 2 >= len || (hi = str_hexval((unsigned char)p[i + 1])) < 0 ||
			    (lo = str_hexval((unsigned char)p[i + 2])) < 0)
				return -1;
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (p[i] == '+') {
			d[j++] = ' ';
		} else {
			d[j++] = p[i];
		}
	}
	d[j] = '\0';
	*out = d;
	*out_len = j;
	return 0;
}

int
web_form_urlencoded(struct arena *a, const char *p, size_t len,
    size_t max_n, size_t max_value, struct web_param **out, size_t *out_n)
{
	struct web_param *v = NULL;
	size_t n = 0, cap = 0;
	struct str cur = str_make(p, len), pair;

	*out = NULL;
	*out_n = 0;
	while (cur.len) {
		const char *eq;
		struct web_param *f;
		size_t nlen, vlen;

		if (!str_take_until(&cur, '&', &pair)) {
			pair = cur;
			cur.len = 0;
		}
		if (!pair.len)
			continue;
		if (n == max_n)
			return 400;
		eq = memchr(pair.p, '=', pair.len);
		nlen = eq ? (size_t)(eq - pair.p) : pair.len;
		vlen = eq ? pair.len - nlen - 1 : 0;
		/* an encoded value is at least as long as the decoded one:
		 * decode only what can fit (3 bytes per escaped byte) */
		if (vlen > max_value * 3 || nlen > 1024)
			return 413;
		ARENA_GROW(a, v, n, n + 1, cap);
		f = &v[n];
		memset(f, 0, sizeof(*f));
		if (pct_decode(a, pair.p, nlen, &f->name, &(size_t){ 0 }) < 0 ||
		    pct_decode(a, eq ? eq + 1 : "", vlen, &f->value, &f->len) < 0)
			return 400;
		if (f->len > max_value)
			return 413;
		n++;
	}
	*out = v;
	*out_n = n;
	return 0;
}

/* The value of parameter name in a header value like
 * `form-data; name="x"; filename="y"` or `multipart/form-data;
 * boundary=z`: quoted (with \" escapes) or a token. NULL when absent. */
static const char *
header_param(struct arena *a, struct str h, const char *name)
{
	size_t nl = strlen(name);

	while (h.len) {
		struct str part;
		const char *eq;

		/* split at ';' outside quotes */
		{
			size_t i = 0;
			bool in_q = false;

			for (; i < h.len; i++) {
				if (h.p[i] == '"' && (i == 0 || h.p[i - 1] != '\\'))
					in_q = !in_q;
				else if (h.p[i] == ';' && !in_q)
					break;
			}
			part = str_trim(str_make(h.p, i));
			h = i < h.len ? str_make(h.p + i + 1, h.len - i - 1) :
			    str_make("", 0);
		}
		eq = memchr(part.p, '=', part.len);
		if (!eq || (size_t)(eq - part.p) != nl ||
		    str_ncasecmp(part.p, name, nl) != 0)
			continue;
		part = str_make(eq + 1, part.len - nl - 1);
		if (part.len >= 2 && part.p[0] == '"' &&
		    part.p[part.len - 1] == '"') {
			char *d = arena_alloc(a, part.len);
			size_t j = 0;

			for (size_t i = 1; i + 1 < part.len; i++) {
				if (part.p[i] == '\\' && i + 2 < part.len)
					i++;
				d[j++] = part.p[i];
			}
			d[j] = '\0';
			return d;
		}
		return arena_strndup(a, part.p, part.len);
	}
	return NULL;
}

/* One part's headers (up to the blank line): name, filename, type. */
static int
part_headers(struct arena *a, struct str h, struct web_param *f)
{
	bool has_disp = false;

	while (h.len) {
		struct str line, name;
		const char *colon;

		if (!str_take_until(&h, '\n', &line)) {
			line = h;
			h.len = 0;
		}
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (!line.len)
			continue;
		colon = memchr(line.p, ':', line.len);
		if (!colon)
			return 400;
		name = str_trim(str_make(line.p, (size_t)(colon - line.p)));
		line = str_trim(str_make(colon + 1, line.len -
		    (size_t)(colon - line.p) - 1));
		if (str_ieq(name, "Content-Disposition")) {
			if (!str_istarts_with(line, "form-data"))
				return 400;
			f->name = header_param(a, line, "name");
			f->filename = header_param(a, line, "filename");
			has_disp = true;
		} else if (str_ieq(name, "Content-Type")) {
			f->ctype = arena_strndup(a, line.p, line.len);
		}
	}
	return has_disp && f->name ? 0 : 400;
}

int
web_form_multipart(struct arena *a, const char *ctype, const char *p,
    size_t len, const struct web_limits *lim, struct web_param **out,
    size_t *out_n)
{
	const char *boundary = header_param(a, str_of(ctype), "boundary");
	struct web_param *v = NULL;
	size_t n = 0, cap = 0, blen;
	char *delim;                 /* "\r\n--boundary" */
	const char *cur, *end = p + len;

	*out = NULL;
	*out_n = 0;
	/* RFC 2046: 1 to 70 characters */
	if (!boundary || !*boundary || strlen(boundary) > 70)
		return 400;
	delim = arena_printf(a, "\r\n--%s", boundary);
	blen = strlen(delim);
	/* the body starts with the first delimiter (no CRLF before it), or
	 * a preamble and then "\r\n--boundary" */
	if (len >= blen - 2 && memcmp(p, delim + 2, blen - 2) == 0)
		cur = p + blen - 2;
	else {
		const char *m = memmem(p, len, delim, blen);

		if (!m)
			return 400;
		cur = m + blen;
	}
	for (;;) {
		const char *hend, *next;
		struct web_param *f;
		size_t dlen, cap_one;

		/* after a delimiter: "--" ends the body, else CRLF */
		if (end - cur >= 2 && cur[0] == '-' && cur[1] == '-')
			break;
		while (cur < end && (*cur == ' ' || *cur == '\t'))
			cur++;
		if (end - cur < 2 || cur[0] != '\r' || cur[1] != '\n')
			return 400;
		cur += 2;
		if (n == lim->max_fields)
			return 400;
		/* the headers end at an empty line, which may be the very
		 * next one: "\r\n\r\n" counting the CRLF after the delimiter
		 * (a part with no headers; the streaming reader, form_stream.c,
		 * reads it so too) */
		hend = memmem(cur - 2, (size_t)(end - cur) + 2, "\r\n\r\n", 4);
		if (!hend || hend - cur > 8192)
			return 400;
		ARENA_GROW(a, v, n, n + 1, cap);
		f = &v[n];
		memset(f, 0, sizeof(*f));
		{
			int rc = part_headers(a, str_make(cur, hend > cur ?
			    (size_t)(hend - cur) : 0), f);

			if (rc)
				return rc;
		}
		cur = hend + 4;
		next = memmem(cur, (size_t)(end - cur), delim, blen);
		if (!next)
			return 400;
		dlen = (size_t)(next - cur);
		cap_one = f->filename ? lim->max_file : lim->max_field;
		if (dlen > cap_one)
			return 413;
		{
			char *d = arena_alloc(a, dlen + 1);

			memcpy(d, cur, dlen);
			d[dlen] = '\0';
			f->value = d;
			f->len = dlen;
		}
		n++;
		cur = next + blen;
	}
	*out = v;
	*out_n = n;
	return 0;
}

bool
web_form_boundary(const char *ctype, char *out, size_t cap)
{
	struct arena a;
	const char *b;
	bool ok;

	arena_init(&a);
	b = ctype ? header_param(&a, str_of(ctype), "boundary") : NULL;
	ok = b && *b && strlen(b) <= WEB_MP_BOUNDARY_MAX && strlen(b) < cap;
	if (ok)
		memcpy(out, b, strlen(b) + 1);
	arena_release(&a);
	return ok;
}

bool
web_form_part_file(const char *h, size_t len, char *name, size_t cap)
{
	struct arena a;
	struct web_param f = { 0 };
	bool is_file;

	arena_init(&a);
	is_file = part_headers(&a, str_make(h, len), &f) == 0 && f.filename;
	if (cap) {
		size_t n = f.name ? strlen(f.name) : 0;

		if (n >= cap)
			n = cap - 1;
		memcpy(name, f.name ? f.name : "", n);
		name[n] = '\0';
	}
	arena_release(&a);
	return is_file;
}

int
web_form_parse(struct web_req *r, const char *ctype, const char *body,
    size_t len, const struct web_limits *lim)
{
	struct str t;
	const char *semi;

	if (len > lim->max_body)
		return 413;
	if (!ctype) {
		/* no type and no body: an empty form */
		return len ? 415 : 0;
	}
	semi = strchr(ctype, ';');
	t = str_trim(str_make(ctype, semi ? (size_t)(semi - ctype) :
	    strlen(ctype)));
	if (str_ieq(t, "application/x-www-form-urlencoded"))
		return web_form_urlencoded(&r->a, body, len, lim->max_fields,
		    lim->max_field, &r->form, &r->n_form);
	if (str_ieq(t, "multipart/form-data"))
		return web_form_multipart(&r->a, ctype, body, len, lim,
		    &r->form, &r->n_form);
	return 415;
}

int
web_cookies_parse(struct arena *a, const char *header, size_t max_n,
    struct web_param **out, size_t *out_n)
{
	struct web_param *v = NULL;
	size_t n = 0, cap = 0;
	struct str cur = str_of(header), pair;

	*out = NULL;
	*out_n = 0;
	while (cur.len) {
		const char *eq;
		struct str name, val;

		if (!str_take_until(&cur, ';', &pair)) {
			pair = cur;
			cur.len = 0;
		}
		pair = str_trim(pair);
		eq = memchr(pair.p, '=', pair.len);
		if (!eq)
			continue;
		name = str_trim(str_make(pair.p, (size_t)(eq - pair.p)));
		val = str_trim(str_make(eq + 1, pair.len -
		    (size_t)(eq - pair.p) - 1));
		if (!name.len)
			continue;
		/* RFC 6265: a value may be in double quotes */
		if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"')
			val = str_make(val.p + 1, val.len - 2);
		if (n == max_n)
			return 400;
		ARENA_GROW(a, v, n, n + 1, cap);
		v[n] = (struct web_param){
			.name = arena_strndup(a, name.p, name.len),
			.value = arena_strndup(a, val.p, val.len),
			.len = val.len,
		};
		n++;
	}
	*out = v;
	*out_n = n;
	return 0;
}

/* ---- the request target and field names (issue 13) ---- */

int
web_target_check(const char *target, size_t max_len, size_t max_query)
{
	const char *q = strchr(target, '?');

	if (strlen(target) > max_len)
		return 414;
	if (q) {
		size_t n = 1;

		for (const char *p = q + 1; *p; p++)
			if (*p == '&' && ++n > max_query)
				return 414;
	}
	/* an encoded NUL would cut the decoded path (or a parameter) short:
	 * /item/1%00 served item 1, /static/site.css%00.html the CSS */
	for (const char *p = target; (p = strchr(p, '%')); p++)
		if (p[1] == '0' && p[2] == '0')
			return 400;
	return 0;
}

const char *
web_target_path(const char *target)
{
	const char *p;

	if (target[0] == '/')
		return target;
	if (strncasecmp(target, "http://", 7) == 0)
		p = target + 7;
	else if (strncasecmp(target, "https://", 8) == 0)
		p = target + 8;
	else
		return NULL;
	p += strcspn(p, "/?#");
	return *p == '/' ? p : *p ? NULL : "/";
}

bool
web_field_name_ok(const char *name, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') ||
		    (ch && strchr("!#$%&'*+-.^_`|~", ch))))
			return false;
	}
	return true;
}
