/*
 * fuzz_head: the checks the server makes on a request's target and field
 * names before it trusts libmicrohttpd's parse of them (issue 13), and the
 * Accept-Encoding reader, on arbitrary bytes. Aborts when a target is
 * let through over a limit or with an encoded NUL, when the path of a
 * target is not a '/'-led suffix of it, or when a name with a blank,
 * colon or control passes as a field name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/http_int.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	const char *path, *q;
	size_t len, n = 1;
	int st;

	if (size > 65536)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	st = web_target_check(s, 4096, 16);
	if (st != 0 && st != 400 && st != 414)
		abort();
	if ((q = strchr(s, '?')))
		for (const char *p = q + 1; *p; p++)
			n += *p == '&';
	if (st == 0 && (len > 4096 || n > 16 || strstr(s, "%00")))
		abort();
	if ((path = web_target_path(s)) && (path[0] != '/' ||
	    (path != s && strcmp(path, "/") != 0 &&
	    (path < s || path > s + len))))
		abort();
	if (web_field_name_ok(s, size) && (size == 0 ||
	    memchr(s, ' ', size) || memchr(s, ':', size) ||
	    memchr(s, '\t', size) || memchr(s, '\0', size) ||
	    memchr(s, '\r', size) || memchr(s, '\n', size)))
		abort();
	st = web_accept_encoding(s);
	if (st < 0 || st > 3)
		abort();
	free(s);
	return 0;
}
