/*
 * robots: the Robots Exclusion Protocol (RFC 9309) for article pages
 * (issue 12). Pure: the text of a robots.txt in, a verdict per path out.
 *
 * The rules that matter, from the RFC:
 *  - groups are one or more user-agent lines and the rules after them; a
 *    crawler obeys the groups whose user-agent is its product token
 *    (case-insensitive), merged, else the "*" groups merged, else nothing
 *    (all allowed). Rules before any user-agent line belong to no group.
 *  - allow and disallow patterns match from the start of the path (with
 *    the query); '*' matches any run of characters, a final '$' the end.
 *    The longest matching pattern (in octets) decides; between an allow
 *    and a disallow of the same length, allow wins. An empty disallow is
 *    no rule. "/robots.txt" itself is always allowed.
 *  - patterns and paths are compared after the same percent-encoding
 *    normalization (%xx of an unreserved character decoded, other escapes
 *    upper-cased, bytes above 0x7f encoded).
 *  - at least 500 KiB are parsed; we parse exactly that much.
 * What a failed fetch of robots.txt means (4xx: allow all; 5xx or no
 * answer: disallow all) is the caller's (ingest/robots.c).
 */
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "fetch/fetch.h"
#include "core/banned.h"

#define MAX_PARSE (500u << 10)
#define MAX_RULES 4096
#define MAX_PATTERN 2048

struct robots_rule {
	const char *pat;             /* normalized */
	size_t len;
	bool is_allow;
};

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool
unreserved(int c)
{
	return str_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* The normalized form of s[0..n) (see the top), in a. */
static char *
normalize(struct arena *a, const char *s, size_t n, size_t *out_len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *o = arena_alloc(a, n * 3 + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			int v = hexval(s[i + 1]) << 4 | hexval(s[i + 2]);

			if (unreserved(v)) {
				o[k++] = (char)v;
			} else {
				o[k++] = '%';
				o[k++] = hex[v >> 4];
				o[k++] = hex[v & 15];
			}
			i += 2;
		} else if (c > 0x7f) {
			o[k++] = '%';
			o[k++] = hex[c >> 4];
			o[k++] = hex[c & 15];
		} else {
			o[k++] = (char)c;
		}
	}
	o[k] = '\0';
	*out_len = k;
	return o;
}

/* Does pattern p[0..pn) match the start of s[0..sn)? '*' any run, a
 * final '$' the end. Iterative with one backtrack point per '*' (the
 * classic wildcard walk), so hostile patterns stay linear-ish. */
static bool
match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t i = 0, j = 0, star = (size_t)-1, mark = 0;
	bool anchored = pn && p[pn - 1] == '$';

	if (anchored)
		pn--;
	for (;;) {
		if (i == pn) {
			if (!anchored || j == sn)
				return true;
			/* '$' wants the end: let the last '*' eat more */
		} else if (p[i] == '*') {
			star = ++i;
			mark = j;
			continue;
		} else if (j < sn && p[i] == s[j]) {
			i++;
			j++;
			continue;
		}
		if (star == (size_t)-1 || mark >= sn)
			return false;
		i = star;
		j = ++mark;
	}
}

/* The line's key ("user-agent", "allow", "disallow") and its value,
 * comment and blanks trimmed. false for a line without a colon. */
static bool
split(struct str line, struct str *key, struct str *val)
{
	const char *hash = memchr(line.p, '#', line.len);
	const char *colon;

	if (hash)
		line.len = (size_t)(hash - line.p);
	if (!(colon = memchr(line.p, ':', line.len)))
		return false;
	*key = str_trim((struct str){ line.p, (size_t)(colon - line.p) });
	*val = str_trim((struct str){ colon + 1,
	    line.len - (size_t)(colon - line.p) - 1 });
	return true;
}

/* Does a user-agent value name product (its first token, up to '/' or a
 * blank, case-insensitive)? */
static bool
names(struct str v, const char *product)
{
	size_t n = 0;

	while (n < v.len && v.p[n] != '/' && v.p[n] != ' ' && v.p[n] != '\t')
		n++;
	return n == strlen(product) && str_ncasecmp(v.p, product, n) == 0;
}

void
fetch_robots_set(struct fetch_robots *out, bool is_allow_all)
{
	memset(out, 0, sizeof(*out));
	out->is_allow_all = is_allow_all;
	out->is_disallow_all = !is_allow_all;
}

int
fetch_robots_parse(struct fetch_robots *out, struct arena *a,
    const char *txt, size_t len, const char *product)
{
	/* two passes' worth of state: the rules of our groups and of "*" */
	struct robots_rule *mine = NULL, *star = NULL;
	size_t n_mine = 0, n_star = 0, cap_mine = 0, cap_star = 0;
	bool has_mine = false, in_mine = false, in_star = false;
	bool after_rules = true;     /* the next user-agent starts a group */
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len > MAX_PARSE)
		len = MAX_PARSE;
	if (len >= 3 && memcmp(txt, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		const char *nl = memchr(txt + i, '\n', len - i);
		const char *cr = memchr(txt + i, '\r', (nl ? (size_t)(nl - txt) :
		    len) - i);
		size_t end = cr ? (size_t)(cr - txt) : nl ? (size_t)(nl - txt) :
		    len;
		struct str key, val;

		if (split((struct str){ txt + i, end - i }, &key, &val)) {
			if (str_ieq(key, "user-agent")) {
				if (after_rules) {
					in_mine = in_star = false;
					after_rules = false;
				}
				if (val.len == 1 && val.p[0] == '*')
					in_star = true;
				else if (names(val, product))
					in_mine = has_mine = true;
			} else if (str_ieq(key, "allow") ||
			    str_ieq(key, "disallow")) {
				bool is_allow = str_ieq(key, "allow");

				after_rules = true;
				if (val.len && val.len <= MAX_PATTERN &&
				    (in_mine || in_star)) {
					struct robots_rule r;

					r.pat = normalize(a, val.p, val.len,
					    &r.len);
					r.is_allow = is_allow;
					if (in_mine && n_mine < MAX_RULES) {
						ARENA_GROW(a, mine, n_mine,
						    n_mine + 1, cap_mine);
						mine[n_mine++] = r;
					}
					if (in_star && n_star < MAX_RULES) {
						ARENA_GROW(a, star, n_star,
						    n_star + 1, cap_star);
						star[n_star++] = r;
					}
				}
			} else if (!str_ieq(key, "sitemap")) {
				/* another record (crawl-delay, ...) ends
				 * nothing, but neither starts a group */
			}
		}
		i = (cr && cr + 1 < txt + len && cr[1] == '\n') ? end + 2 :
		    end + 1;
	}
	if (has_mine) {
		out->rules = mine;
		out->n = n_mine;
	} else {
		out->rules = star;
		out->n = n_star;
	}
	out->is_allow_all = out->n == 0;
	return 0;
}

bool
fetch_robots_allows(const struct fetch_robots *r, struct arena *a,
    const char *path)
{
	size_t plen, best = 0;
	bool has_best = false, verdict = true;
	const char *p;

	if (r->is_disallow_all)
		return strcmp(path, "/robots.txt") == 0;
	if (r->is_allow_all || strcmp(path, "/robots.txt") == 0)
		return true;
	p = normalize(a, path, strlen(path), &plen);
	for (size_t i = 0; i < r->n; i++) {
		const struct robots_rule *rule = &r->rules[i];

		if (!match(rule->pat, rule->len, p, plen))
			continue;
		if (!has_best || rule->len > best ||
		    (rule->len == best && rule->is_allow)) {
			best = rule->len;
			verdict = rule->is_allow;
			has_best = true;
		}
	}
	return verdict;
}
