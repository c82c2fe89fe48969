/*
 * html_sanitize: the door from untrusted HTML to struct html, kept apart
 * from html.c so that the escapers link without the parser.
 */
#include <string.h>

#include "core/arena.h"
#include "parse/parse.h"
#include "render/html.h"
#include "core/banned.h"

/* What the site shows is re-sanitized at render with PARSE_SAN_REPAIR:
 * the store keeps what the outlet sent (sanitized), the page gets valid
 * HTML. */
static struct html
sanitize(struct arena *a, const char *untrusted, size_t len, unsigned flags)
{
	const char *s;

	if (!untrusted || !len)
		return HTML("");
	s = parse_sanitize_html_opts(a, untrusted, len, NULL,
	    PARSE_SAN_REPAIR | flags);
	return (struct html){ s, strlen(s) };
}

struct html
html_sanitize(struct arena *a, const char *untrusted, size_t len)
{
	return sanitize(a, untrusted, len, 0);
}

struct html
html_sanitize_no_images(struct arena *a, const char *untrusted, size_t len)
{
	return sanitize(a, untrusted, len, PARSE_SAN_NO_IMAGES);
}
