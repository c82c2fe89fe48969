/*
 * str: read-only slices and cursor functions for parsing.
 *
 * A struct str points into memory it does not own. Cursor functions take
 * the cursor by pointer and advance it only on success, so they chain:
 *     str_skip_ws(&cur); if (!str_take_until(&cur, ',', &tok)) ...
 * Numbers come from parse_int(), never atoi().
 */
#ifndef ND_CORE_STR_H
#define ND_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct str {
	const char *p;
	size_t len;
};

#define STR_LIT(lit) ((struct str){ "" lit "", sizeof(lit) - 1 })

static inline struct str
str_of(const char *s)
{
	return (struct str){ s, s ? strlen(s) : 0 };
}

static inline struct str
str_make(const char *p, size_t len)
{
	return (struct str){ p, len };
}

bool str_eq(struct str a, struct str b);
bool str_eq_lit(struct str a, const char *lit);       /* exact */
bool str_ieq(struct str a, const char *lit);          /* ASCII case-insensitive */
bool str_starts_with(struct str s, const char *prefix);
bool str_istarts_with(struct str s, const char *prefix);
/* Trims ASCII whitespace at both ends. */
struct str str_trim(struct str s);

/* Cursor functions: advance *cur on success. */
/* Skips ASCII whitespace; always succeeds (returns true). */
bool str_skip_ws(struct str *cur);
/* If *cur starts with c, consumes it. */
bool str_skip_char(struct str *cur, char c);
/* Takes everything up to (not including) the first c into *out and consumes
 * it and c. False if c does not occur. */
bool str_take_until(struct str *cur, char c, struct str *out);
/* Takes a run of characters for which fn is true (at least one). */
bool str_take_while(struct str *cur, int (*fn)(int), struct str *out);
/* Takes up to maxdigits decimal digits (at least one) as a number. */
bool str_take_uint(struct str *cur, unsigned maxdigits, uint64_t *out);

/*
 * Parses a whole NUL-terminated string as a decimal integer in [min, max].
 * Returns 0, or ND_EINVAL with a message naming what was wrong.
 */
int parse_int(const char *s, long long min, long long max, long long *out);

/* ASCII-only helpers that ignore the locale. */
static inline int str_isspace(int c)
{ return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static inline int str_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int str_isalpha(int c)
{ return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int str_isalnum(int c) { return str_isalpha(c) || str_isdigit(c); }
static inline int str_tolower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int str_toupper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
/* The value of a hex digit, -1 for anything else. */
static inline int str_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = str_tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* ASCII case-insensitive compare of NUL-terminated strings (0 = equal). */
int str_casecmp(const char *a, const char *b);
int str_ncasecmp(const char *a, const char *b, size_t n);

/* Writes the UTF-8 encoding of code point cp (at most U+10FFFF; surrogates
 * are encoded as they are) to out and returns its length, 1 to 4. out needs
 * room for 4 bytes; it is not NUL-terminated. The one UTF-8 encoder: parse,
 * text and buf_add_utf8 use it. */
size_t str_utf8_put(char *out, uint32_t cp);

/* 64-bit FNV-1a of len bytes: a fast, non-cryptographic hash for tables and
 * cache keys (never for anything an attacker could exploit by collisions
 * across trust boundaries). */
static inline uint64_t str_hash(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#endif
