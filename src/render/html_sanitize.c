/*
 * html_sanitize: the door from untrusted HTML to struct html, kept apart
 * from html.c so that the escapers link without the parser.
 */
#include <string.h>

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
