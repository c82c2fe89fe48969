/* str: see str.h. */
#include <errno.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/str.h"
#include "core/banned.h"

bool
str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
str_eq_lit(struct str a, const char *lit)
{
	return str_eq(a, str_of(lit));
}

bool
str_ieq(struct str a, const char *lit)
{
	size_t n = strlen(lit);

	return a.len == n && str_ncasecmp(a.p, lit, n) == 0;
}

bool
str_starts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

bool
str_istarts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && str_ncasecmp(s.p, prefix, n) == 0;
}

struct str
str_trim(struct str s)
{
	while (s.len && str_isspace((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && str_isspace((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

bool
str_skip_ws(struct str *cur)
{
	while (cur->len && str_isspace((unsigned char)cur->p[0])) {
		cur->p++;
		cur->len--;
	}
	return true;
}

bool
str_skip_char(struct str *cur, char c)
{
	if (!cur->len || cur->p[0] != c)
		return false;
	cur->p++;
	cur->len--;
	return true;
}

bool
str_take_until(struct str *cur, char c, struct str *out)
{
	const char *q = cur->len ? memchr(cur->p, c, cur->len) : NULL;

	if (!q)
		return false;
	out->p = cur->p;
	out->len = (size_t)(q - cur->p);
	cur->len -= out->len + 1;
	cur->p = q + 1;
	return true;
}

bool
str_take_while(struct str *cur, int (*fn)(int), struct str *out)
{
	size_t i = 0;

	while (i < cur->len && fn((unsigned char)cur->p[i]))
		i++;
	if (!i)
		return false;
	out->p = cur->p;
	out->len = i;
	cur->p += i;
	cur->len -= i;
	return true;
}

bool
str_take_uint(struct str *cur, unsigned maxdigits, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < cur->len && i < maxdigits && str_isdigit((unsigned char)cur->p[i])) {
		v = v * 10 + (uint64_t)(cur->p[i] - '0');
		i++;
	}
	if (!i)
		return false;
	*out = v;
	cur->p += i;
	cur->len -= i;
	return true;
}

int
parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return err_set(ND_EINVAL, "empty number");
	if (str_isspace((unsigned char)*s))
		return err_set(ND_EINVAL, "'%s' is not a number", s);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return err_set(ND_EINVAL, "'%s' is not a number", s);
	if (errno == ERANGE || v < min || v > max)
		return err_set(ND_EINVAL, "%s is out of range (%lld to %lld)", s, min, max);
	*out = v;
	return 0;
}

int
str_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = str_tolower((unsigned char)a[i]);
		int cb = str_tolower((unsigned char)b[i]);
		if (ca != cb)
			return ca - cb;
		if (!ca)
			return 0;
	}
	return 0;
}

size_t
str_utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
str_casecmp(const char *a, const char *b)
{
	return str_ncasecmp(a, b, SIZE_MAX);
}
