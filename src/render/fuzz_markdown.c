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

/* Whether needle is in one of html's tags (between '<' and '>'): the
 * text between tags is escaped, so "onclick=" there is words, not an
 * attribute (a post may say it). */
static bool
in_tags_ci(const char *html, const char *needle)
{
	size_t n = strlen(needle);
	const char *tag = NULL;

	for (const char *p = html; *p; p++) {
		if (*p == '<')
			tag = p;
		else if (*p == '>')
			tag = NULL;
		if (tag && strncasecmp(p, needle, n) == 0)
			return true;
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
