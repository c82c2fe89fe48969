/*
 * html_sanitize: the door from untrusted HTML to struct html, kept apart
 * from html.c so that the escapers link without the parser.
 */
#include <string.h>

#include "core/arena.h"
#include "parse/parse.h"
#include "render/html.h"
#include "core/banned.h"

struct html
html_sanitize(struct arena *a, const char *untrusted, size_t len)
{
	const char *s;

	if (!untrusted || !len)
		return HTML("");
	s = parse_sanitize_html(a, untrusted, len, NULL);
	return (struct html){ s, strlen(s) };
}

/*
 * The sanitizer writes every attribute value double-quoted with & < > "
 * escaped, and every '<' of text as &lt;, so in its output a literal '<'
 * always opens a tag and the next '>' closes it: dropping "<img ...>" whole
 * leaves well-formed, still sanitized HTML (img is a void element: no end
 * tag to drop).
 */
struct html
html_sanitize_no_images(struct arena *a, const char *untrusted, size_t len)
{
	struct html h = html_sanitize(a, untrusted, len);
	const char *p = h.p, *end = h.p + h.len;
	char *out, *o;

	if (!h.len || !memmem(h.p, h.len, "<img", 4))
		return h;
	o = out = arena_alloc(a, h.len + 1);
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p)), *gt;

		if (!lt) {
			memcpy(o, p, (size_t)(end - p));
			o += end - p;
			break;
		}
		memcpy(o, p, (size_t)(lt - p));
		o += lt - p;
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt)
			break;          /* cannot happen: the sanitizer closes tags */
		if (end - lt > 4 && memcmp(lt, "<img", 4) == 0 &&
		    (lt[4] == ' ' || lt[4] == '>' || lt[4] == '/')) {
			p = gt + 1;
			continue;
		}
		memcpy(o, lt, (size_t)(gt + 1 - lt));
		o += gt + 1 - lt;
		p = gt + 1;
	}
	*o = '\0';
	return (struct html){ out, (size_t)(o - out) };
}
