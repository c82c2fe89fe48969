/*
 * fuzz_encoding: parse_doc_decode() and parse_decode() on arbitrary bytes.
 * Besides memory errors, aborts when the output is not valid UTF-8, not
 * NUL-terminated at len, has no encoding name, or keeps an XML declaration
 * naming an encoding other than utf-8.
 *
 * The first byte picks a Content-Type (and a label for parse_decode).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "parse/parse.h"
#include "parse/parse_int.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_decl(const char *s, size_t len)
{
	const char *e, *end;

	/* libxml2 reads a declaration only as "<?xml" and a blank */
	if (len < 6 || memcmp(s, "<?xml", 5) != 0 ||
	    (s[5] != ' ' && s[5] != '\t' && s[5] != '\r' && s[5] != '\n'))
		return;
	end = memchr(s, '>', len);
	e = strstr(s, "encoding");
	if (!end || !e || e > end)
		return;
	/* encoding = "value" (XML's Eq: blanks, '=', blanks): the value must
	 * be utf-8 */
	e += 8;
	while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n')
		e++;
	if (*e++ != '=')
		return;
	while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n')
		e++;
	/* only a quoted value closed inside the declaration is a value */
	if ((*e != '"' && *e != '\'') || !memchr(e + 1, *e, (size_t)(end - e)))
		return;
	if (strncasecmp(e + 1, "utf-8", 5) != 0 &&
	    strncasecmp(e + 1, "utf8", 4) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		NULL, "application/xml", "text/xml; charset=utf-8",
		"text/xml; charset='iso-8859-1'", "text/xml; charset=\"utf-16\"",
		"text/xml; charset=windows_1251", "text/xml; charset=gb2312",
		"text/xml; charset=bogus",
	};
	static const char *const labels[] = {
		"utf-8", "iso-8859-1", "utf-16", "windows_1252", "macgreek",
		"shift_jis", "us-ascii", "utf-32",
	};
	struct parse_doc d;
	struct arena a;
	char *out;
	size_t n;

	if (size < 1)
		return 0;
	arena_init(&a);
	if (parse_doc_decode(&d, &a, (const char *)data + 1, size - 1,
	    types[data[0] & 7]) != 0)
		abort();
	if (!d.utf8 || !d.encoding || d.utf8[d.len] != '\0' ||
	    !parse_utf8_is_valid(d.utf8, d.len) || (d.bozo && !d.bozo_reason))
		abort();
	check_decl(d.utf8, d.len);
	(void)parse_decode(&out, &n, &a, (const char *)data + 1, size - 1,
	    labels[(data[0] >> 3) & 7]);
	if (!out || out[n] != '\0' || !parse_utf8_is_valid(out, n))
		abort();
	arena_release(&a);
	return 0;
}
