/*
 * fuzz_sanitize: parse_sanitize_html() on arbitrary bytes. Besides memory
 * errors, aborts when the output breaks the sanitizer's promise: a tag that
 * is not on the allow-list, an on* / style attribute, a URL attribute whose
 * value (as a browser decodes it) has a scheme other than http, https or
 * mailto, or markup characters where the serializer never writes them.
 *
 * The first byte picks the base URL (none, http, an unsafe one) and, with
 * bit 2, the site's mode (PARSE_SAN_REPAIR | PARSE_SAN_NO_IMAGES), whose
 * output must also be balanced: every end tag closes the latest open
 * element and none is left open (its start tags are rewritten in place).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "parse/parse.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed_tags[] = {
	"a", "abbr", "acronym", "address", "article", "aside", "b", "bdi",
	"bdo", "big", "blockquote", "br", "caption", "cite", "code", "col",
	"colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
	"figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
	"header", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
	"pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span",
	"strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
	"tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
};

static bool
name_in(const char *p, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], p, n) == 0)
			return true;
	return false;
}

/* The value a browser sees: our five entities decoded, then the blanks
 * and controls URL parsers ignore removed. */
static bool
url_is_bad(const char *v, size_t n)
{
	char buf[64];
	size_t len = 0, i = 0;

	while (i < n && len < sizeof(buf) - 1) {
		static const struct {
			const char *ent;
			char c;
		} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
			     { "&quot;", '"' } };
		char c = v[i++];

		if (c == '&')
			for (size_t k = 0; k < 4; k++) {
				size_t el = strlen(ents[k].ent);

				if (i - 1 + el <= n &&
				    memcmp(v + i - 1, ents[k].ent, el) == 0) {
					c = ents[k].c;
					i += el - 1;
					break;
				}
			}
		if ((unsigned char)c <= 0x20 || c == 0x7f)
			continue;
		buf[len++] = (char)str_tolower((unsigned char)c);
	}
	buf[len] = '\0';
	return strncmp(buf, "javascript:", 11) == 0 ||
	    strncmp(buf, "vbscript:", 9) == 0 || strncmp(buf, "data:", 5) == 0 ||
	    strncmp(buf, "livescript:", 11) == 0;
}

static void
check(const char *out)
{
	const char *p = out;

	while ((p = strchr(p, '<'))) {
		const char *name;
		size_t n = 0;

		p++;
		if (*p == '/')
			p++;
		name = p;
		while (str_isalnum((unsigned char)p[n]))
			n++;
		if (!name_in(name, n, allowed_tags,
		    sizeof(allowed_tags) / sizeof(allowed_tags[0])))
			abort();
		p += n;
		/* attributes: ' name="value"' until '>' */
		while (*p == ' ') {
			const char *an = ++p, *v;
			size_t al = 0, vl;

			while (str_isalpha((unsigned char)an[al]))
				al++;
			if (al == 0 || an[al] != '=' || an[al + 1] != '"')
				abort();
			if (str_ncasecmp(an, "on", 2) == 0 ||
			    (al == 5 && str_ncasecmp(an, "style", 5) == 0))
				abort();
			v = an + al + 2;
			for (vl = 0; v[vl] && v[vl] != '"'; vl++)
				if (v[vl] == '<' || v[vl] == '>')
					abort();
			if (!v[vl])
				abort();
			if (((al == 4 && memcmp(an, "href", 4) == 0) ||
			    (al == 3 && memcmp(an, "src", 3) == 0) ||
			    (al == 4 && memcmp(an, "cite", 4) == 0) ||
			    (al == 8 && memcmp(an, "longdesc", 8) == 0)) &&
			    url_is_bad(v, vl))
				abort();
			p = v + vl + 1;
		}
		if (*p != '>')
			abort();
	}
	/* text never holds a raw '<' (checked above: every '<' was a tag) */
}

static void
check_balanced(const char *out)
{
	static const char *const voids[] = { "br", "col", "hr", "img", "wbr" };
	struct {
		const char *p;
		size_t n;
	} open[300];
	size_t depth = 0;
	const char *p = out;

	while ((p = strchr(p, '<'))) {
		bool end = p[1] == '/';
		const char *name = p + 1 + end;
		size_t n = 0;

		while (str_isalnum((unsigned char)name[n]))
			n++;
		p = name + n;
		if (end) {
			if (!depth || open[depth - 1].n != n ||
			    memcmp(open[depth - 1].p, name, n) != 0)
				abort();
			depth--;
		} else if (!name_in(name, n, voids,
		    sizeof(voids) / sizeof(voids[0]))) {
			if (depth == sizeof(open) / sizeof(open[0]))
				abort();
			open[depth].p = name;
			open[depth++].n = n;
		}
	}
	if (depth)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bases[] = {
		NULL, "http://example.com/dir/page", "javascript:alert(1)//",
		"https://x.test/a/b?c#d",
	};
	struct arena a;
	const char *out;

	if (size < 1)
		return 0;
	arena_init(&a);
	if (data[0] & 4) {
		out = parse_sanitize_html_opts(&a, (const char *)data + 1,
		    size - 1, bases[data[0] & 3],
		    PARSE_SAN_REPAIR | PARSE_SAN_NO_IMAGES);
		check(out);
		check_balanced(out);
		if (strstr(out, "<img"))
			abort();
	} else {
		out = parse_sanitize_html(&a, (const char *)data + 1, size - 1,
		    bases[data[0] & 3]);
		/* the fast path returns the input, which has no '<' then */
		check(out);
	}
	arena_release(&a);
	return 0;
}
