/*
 * html: see html.h. The escapers are the only way raw bytes become a
 * struct html; keep them small and obviously right.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/text.h"
#include "render/html.h"
#include "core/banned.h"

struct html
html_textn(struct arena *a, const char *raw, size_t len)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct html h;

	if (!raw || !len)
		return HTML("");
	buf_add_escaped(&b, raw, len, BUF_ESC_ALL);
	h.p = arena_strndup(a, b.ptr, b.len);
	h.len = b.len;
	buf_release(&b);
	return h;
}

struct html
html_text(struct arena *a, const char *raw)
{
	return html_textn(a, raw, raw ? strlen(raw) : 0);
}

bool
html_url_is_safe(const char *url)
{
	size_t i;

	if (!url)
		return false;
	while (*url == ' ' || *url == '\t')
		url++;
	if (!*url)
		return false;
	/* Find a scheme: letters, digits, + - . before the first ':' that
	 * comes before any / ? #. Browsers strip tabs and newlines inside
	 * the scheme ("java\nscript:"), so any control character makes the
	 * URL unsafe here. */
	for (i = 0; url[i]; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == ':')
			break;
		if (c == '/' || c == '?' || c == '#')
			return true;    /* relative reference */
	}
	if (!url[i])
		return true;            /* relative, no colon at all */
	return (i == 4 && str_ncasecmp(url, "http", 4) == 0) ||
	    (i == 5 && str_ncasecmp(url, "https", 5) == 0) ||
	    (i == 6 && str_ncasecmp(url, "mailto", 6) == 0);
}

struct html
html_url(struct arena *a, const char *url)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct html h;
	const char *s;

	if (!html_url_is_safe(url))
		return HTML("");
	while (*url == ' ' || *url == '\t')
		url++;
	for (s = url; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f)
			buf_addf(&b, "%%%02X", c);
		else
			buf_addc(&b, (char)c);
	}
	h = html_textn(a, b.ptr, b.len);
	buf_release(&b);
	return h;
}

struct html
html_snippet(struct arena *a, const char *snippet)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	const char *s = snippet, *run;
	bool open = false;
	struct html h;

	if (!snippet)
		return HTML("");
	for (run = s; ; s++) {
		if (*s == '\x02' || *s == '\x03' || *s == '\0') {
			h = html_textn(a, run, (size_t)(s - run));
			buf_add(&b, h.p, h.len);
			if (*s == '\x02' && !open) {
				buf_adds(&b, "<mark>");
				open = true;
			} else if (*s == '\x03' && open) {
				buf_adds(&b, "</mark>");
				open = false;
			}
			if (!*s)
				break;
			run = s + 1;
		}
	}
	if (open)
		buf_adds(&b, "</mark>");
	h.p = arena_strndup(a, b.ptr, b.len);
	h.len = b.len;
	buf_release(&b);
	return h;
}

struct html
html_json_script(struct arena *a, const char *json)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct html h;
	const char *s;

	if (!json)
		return HTML("");
	for (s = json; *s; s++) {
		if (*s == '<')
			buf_adds(&b, "\\u003c");
		else if (*s == '>')
			buf_adds(&b, "\\u003e");
		else if (*s == '&')
			buf_adds(&b, "\\u0026");
		else if (strncmp(s, "\xe2\x80\xa8", 3) == 0) {
			buf_adds(&b, "\\u2028");
			s += 2;
		} else if (strncmp(s, "\xe2\x80\xa9", 3) == 0) {
			buf_adds(&b, "\\u2029");
			s += 2;
		} else
			buf_addc(&b, *s);
	}
	h.p = arena_strndup(a, b.ptr, b.len);
	h.len = b.len;
	buf_release(&b);
	return h;
}

const char *
render_pct(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	const unsigned char *p;
	char *out, *o;

	if (!s)
		return "";
	for (p = (const unsigned char *)s; *p; p++)
		n += (str_isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') ? 1 : 3;
	o = out = arena_alloc(a, n + 1);
	for (p = (const unsigned char *)s; *p; p++) {
		if (str_isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* One flattening rule for the whole desk (core/text.c: inline tags
 * separate nothing, blocks do, every entity decoded), then a cut near a
 * word boundary. */
const char *
render_plain(struct arena *a, const char *html, size_t max)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	const char *out;

	if (!html)
		return "";
	text_strip_html(&b, html, strlen(html));
	if (b.len > max) {
		size_t cut = text_utf8_trunc(b.ptr, b.len, max);

		/* back up to a word boundary when one is near */
		for (size_t k = cut; k > 0 && cut - k < 24; k--) {
			if (b.ptr[k] == ' ') {
				cut = k;
				break;
			}
		}
		while (cut > 0 && (b.ptr[cut - 1] == ' ' ||
		    b.ptr[cut - 1] == ',' || b.ptr[cut - 1] == ';'))
			cut--;
		buf_truncate(&b, cut);
		buf_adds(&b, "\xe2\x80\xa6");
	}
	out = buf_err(&b) < 0 ? "" : arena_strndup(a, b.ptr, b.len);
	buf_release(&b);
	return out;
}

void
page_init(struct page *pg, struct arena *a, size_t max)
{
	buf_init(&pg->b, max);
	pg->a = a;
}

void
page_release(struct page *pg)
{
	buf_release(&pg->b);
}

void
page_html(struct page *pg, struct html h)
{
	buf_add(&pg->b, h.p, h.len);
}

void
page_text(struct page *pg, const char *raw)
{
	struct html h = html_text(pg->a, raw);

	buf_add(&pg->b, h.p, h.len);
}

void
page_int(struct page *pg, long long v)
{
	buf_addf(&pg->b, "%lld", v);
}
