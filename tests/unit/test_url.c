/* Unit tests for core/url: RFC 3986 section 5.4 examples, IRIs, odd bases,
 * canonical forms and scheme safety. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/url.h"
#include "core/banned.h"

struct pair {
	const char *in, *want;
};

struct triple {
	const char *base, *ref, *want;
};

#define RFC_BASE "http://a/b/c/d;p?q"

/* RFC 3986 section 5.4.1 */
static const struct pair rfc_normal[] = {
	{ "g:h", "g:h" },
	{ "g", "http://a/b/c/g" },
	{ "./g", "http://a/b/c/g" },
	{ "g/", "http://a/b/c/g/" },
	{ "/g", "http://a/g" },
	{ "//g", "http://g" },
	{ "?y", "http://a/b/c/d;p?y" },
	{ "g?y", "http://a/b/c/g?y" },
	{ "#s", "http://a/b/c/d;p?q#s" },
	{ "g#s", "http://a/b/c/g#s" },
	{ "g?y#s", "http://a/b/c/g?y#s" },
	{ ";x", "http://a/b/c/;x" },
	{ "g;x", "http://a/b/c/g;x" },
	{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
	{ "", "http://a/b/c/d;p?q" },
	{ ".", "http://a/b/c/" },
	{ "./", "http://a/b/c/" },
	{ "..", "http://a/b/" },
	{ "../", "http://a/b/" },
	{ "../g", "http://a/b/g" },
	{ "../..", "http://a/" },
	{ "../../", "http://a/" },
	{ "../../g", "http://a/g" },
};

/* RFC 3986 section 5.4.2 (strict parser) */
static const struct pair rfc_abnormal[] = {
	{ "../../../g", "http://a/g" },
	{ "../../../../g", "http://a/g" },
	{ "/./g", "http://a/g" },
	{ "/../g", "http://a/g" },
	{ "g.", "http://a/b/c/g." },
	{ ".g", "http://a/b/c/.g" },
	{ "g..", "http://a/b/c/g.." },
	{ "..g", "http://a/b/c/..g" },
	{ "./../g", "http://a/b/g" },
	{ "./g/.", "http://a/b/c/g/" },
	{ "g/./h", "http://a/b/c/g/h" },
	{ "g/../h", "http://a/b/c/h" },
	{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
	{ "g;x=1/../y", "http://a/b/c/y" },
	{ "g?y/./x", "http://a/b/c/g?y/./x" },
	{ "g?y/../x", "http://a/b/c/g?y/../x" },
	{ "g#s/./x", "http://a/b/c/g#s/./x" },
	{ "g#s/../x", "http://a/b/c/g#s/../x" },
	{ "http:g", "http:g" },
};

static const struct triple others[] = {
	/* base without a path */
	{ "http://example.com", "a", "http://example.com/a" },
	{ "http://example.com", "?q", "http://example.com?q" },
	{ "http://example.com", "#f", "http://example.com#f" },
	{ "http://example.com", "", "http://example.com" },
	/* network-path and absolute references */
	{ "https://a.org/x/y", "//cdn.net/i.png", "https://cdn.net/i.png" },
	{ "https://a.org/x/y", "HTTP://B.org/z", "HTTP://B.org/z" },
	{ "https://a.org/x/y", "mailto:a@b.c", "mailto:a@b.c" },
	{ "https://a.org/x/y", "/../../z", "https://a.org/z" },
	/* whitespace trimmed, newlines inside removed */
	{ "  http://a.org/x/y\n", "\t z \n", "http://a.org/x/z" },
	{ "http://a.org/", "pa\nge.html", "http://a.org/page.html" },
	/* query-only and fragment-only against a base with both */
	{ "http://a.org/p?x=1#top", "?y=2", "http://a.org/p?y=2" },
	{ "http://a.org/p?x=1#top", "#end", "http://a.org/p?x=1#end" },
	/* IRIs keep their characters */
	{ "http://例え.jp/ニュース/", "記事.html", "http://例え.jp/ニュース/記事.html" },
	{ "https://ελ.gr/α/β", "../γ?δ=ε", "https://ελ.gr/γ?δ=ε" },
	/* no base, or a relative one: ref as written (trimmed) */
	{ NULL, " /x ", "/x" },
	{ "/relative/base", "y", "y" },
	/* "1a:" is not a scheme, so this is a relative path */
	{ "http://a.org/d/", "1a:b", "http://a.org/d/1a:b" },
	/* a path that would read back as an authority */
	{ "foo:/a/b", "..//x", "foo:/.//x" },
	{ "file:///etc/hosts", "passwd", "file:///etc/passwd" },
};

static void
resolve_rfc_examples(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(rfc_normal) / sizeof(*rfc_normal); i++)
		assert_string_equal(url_resolve(&a, RFC_BASE, rfc_normal[i].in),
		    rfc_normal[i].want);
	for (size_t i = 0; i < sizeof(rfc_abnormal) / sizeof(*rfc_abnormal); i++)
		assert_string_equal(url_resolve(&a, RFC_BASE, rfc_abnormal[i].in),
		    rfc_abnormal[i].want);
	arena_release(&a);
}

static void
resolve_other_cases(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		assert_string_equal(url_resolve(&a, others[i].base, others[i].ref),
		    others[i].want);
	arena_release(&a);
}

static const struct pair canon[] = {
	{ "HTTP://Example.COM", "http://example.com/" },
	{ "http://example.com:80/a", "http://example.com/a" },
	{ "https://example.com:443/a", "https://example.com/a" },
	{ "http://example.com:443/a", "http://example.com:443/a" },
	{ "http://example.com:/a", "http://example.com/a" },
	{ "http://example.com:08080/a", "http://example.com:8080/a" },
	{ "http://example.com./a", "http://example.com/a" },
	{ "http://a.com/b/./c/../d", "http://a.com/b/d" },
	{ "http://a.com/%7Euser/%2e%2E/x", "http://a.com/x" },
	{ "http://a.com/%7euser/a%2fb%3a", "http://a.com/~user/a%2Fb%3A" },
	{ "http://a.com/p#section", "http://a.com/p" },
	{ "http://a.com/p?", "http://a.com/p" },
	{ "http://a.com/p?utm_source=x&id=5&UTM_Medium=y&fbclid=z",
	  "http://a.com/p?id=5" },
	{ "http://a.com/p?b=2&gclid=1&a=1&mc_cid=3&mc_eid=4",
	  "http://a.com/p?b=2&a=1" },
	{ "http://a.com/p?dclid=1&gbraid=1&wbraid=1&msclkid=1&yclid=1&_ga=1"
	  "&_gl=1&igshid=1&ref_src=twsrc", "http://a.com/p" },
	{ "http://a.com/p?%75tm_campaign=x&q=%41", "http://a.com/p?q=A" },
	{ "http://a.com/p?a=1&&b=2&", "http://a.com/p?a=1&b=2" },
	{ "http://a.com/p?ref=home", "http://a.com/p?ref=home" },
	{ "http://a.com/é?q=ü", "http://a.com/%C3%A9?q=%C3%BC" },
	{ "http://a.com/a b", "http://a.com/a%20b" },
	{ "http://a.com/100%", "http://a.com/100%25" },
	{ "http://a.com/%4%41", "http://a.com/%254A" },
	{ "http://user@A.com/", "http://user@a.com/" },
	{ "http://[::1]:80/x", "http://[::1]/x" },
	{ "  https://a.com/x  ", "https://a.com/x" },
	{ "https://a.com?utm_x=1#f", "https://a.com/" },
};

static const char *const not_canon[] = {
	"ftp://a.com/x", "mailto:a@b.c", "/relative", "a.com/x", "", "http:x",
	"http:///x", "http://a.com:99999/", "http://a.com:xx/", "javascript:x",
	"http://[::1/",
};

static void
canonical_forms(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(canon) / sizeof(*canon); i++)
		assert_string_equal(url_canonical(&a, canon[i].in), canon[i].want);
	for (size_t i = 0; i < sizeof(not_canon) / sizeof(*not_canon); i++)
		assert_null(url_canonical(&a, not_canon[i]));
	assert_null(url_canonical(&a, NULL));
	arena_release(&a);
}

static void
schemes_and_safety(void **state)
{
	static const struct {
		const char *url;
		const char *scheme;
		bool is_safe;
	} t[] = {
		{ "http://a", "http", true },
		{ "HTTPS://a", "https", true },
		{ "mailto:x@y", "mailto", true },
		{ "ftp://a/b", "ftp", true },
		{ "/rel", NULL, true },
		{ "rel/x:y", NULL, true },
		{ "javascript:alert(1)", "javascript", false },
		{ " JavaScript:alert(1)", "javascript", false },
		{ "java\tscript:alert(1)", "javascript", false },
		{ "java\nscript:alert(1)", "javascript", false },
		{ "\x01javascript:alert(1)", "javascript", false },
		{ "vbscript:x", "vbscript", false },
		{ "data:text/html,<script>", "data", false },
		{ "file:///etc/passwd", "file", false },
	};
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		const char *s = url_scheme(&a, t[i].url);

		if (t[i].scheme)
			assert_string_equal(s, t[i].scheme);
		else
			assert_null(s);
		assert_int_equal(url_is_safe(t[i].url), t[i].is_safe);
	}
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_rfc_examples),
		cmocka_unit_test(resolve_other_cases),
		cmocka_unit_test(canonical_forms),
		cmocka_unit_test(schemes_and_safety),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
