/*
 * fuzz_markdown: render_markdown() (a desk post's body: cmark, then the
 * sanitizer) on arbitrary bytes. Besides memory errors, aborts when the
 * output carries what no post may: a script, style, iframe, form, object,
 * embed or img element, an on* attribute, or a javascript:/vbscript:/data:
 * URL in an href, inside a tag (text may name them: it is escaped).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "render/html.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether needle is in one of html's tags (between '<' and '>'), outside
 * its quoted attribute values: the text between tags and inside values
 * is escaped, so "onclick=" there is words, not an attribute (a post may
 * say it, or a link's title). */
static bool
in_tags_ci(const char *html, const char *needle)
{
	size_t n = strlen(needle);
	bool in_tag = false;
	char quote = 0;

	for (const char *p = html; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		/* "<script": a '<' outside a value always opens a tag */
		if ((in_tag || *needle == '<') && strncasecmp(p, needle, n) == 0)
			return true;
		if (*p == '<')
			in_tag = true;
		else if (*p == '>')
			in_tag = false;
		else if (in_tag && (*p == '"' || *p == '\''))
			quote = *p;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bad[] = {
		"<script", "<style", "<iframe", "<form", "<object", "<embed",
		"<img", "<svg", "href=\"javascript:", "href=\"vbscript:",
		"href=\"data:", " onerror=", " onload=", " onclick=",
		" style=",
	};
	struct arena a = ARENA_INIT;
	struct html h;
	char *md = malloc(size + 1);

	if (!md)
		return 0;
	memcpy(md, data, size);
	md[size] = '\0';
	if (render_markdown(&a, md, size, &h) == 0)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (in_tags_ci(h.p, bad[i]))
				abort();
	free(md);
	arena_release(&a);
	return 0;
}
