/* Unit tests for fetch/robots.c (issue 12): RFC 9309 groups, longest
 * match, allow on ties, wildcards and '$', percent-encoding, odd files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "fetch/fetch.h"
#include "core/banned.h"

struct probe {
	const char *path;
	bool allowed;
};

struct ccase {
	const char *name;
	const char *txt;
	struct probe probes[8];
};

static const struct ccase cases[] = {
	{ "empty file allows all", "", {
		{ "/", true }, { "/any/thing", true }, { NULL, false } } },
	{ "our group over *",
	  "User-agent: *\nDisallow: /\n\nUser-agent: newsdesk\nDisallow: /private/\n", {
		{ "/news/a.html", true }, { "/private/b.html", false },
		{ NULL, false } } },
	{ "* when no group names us",
	  "User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n", {
		{ "/news/a.html", true }, { "/tmp/x", false }, { NULL, false } } },
	{ "product token case-insensitive, version ignored",
	  "User-Agent: NewsDesk/1.0\nDisallow: /x\n", {
		{ "/x/1", false }, { "/y", true }, { NULL, false } } },
	{ "groups naming us are merged",
	  "User-agent: newsdesk\nDisallow: /a\n\nUser-agent: newsdesk\nDisallow: /b\n", {
		{ "/a1", false }, { "/b1", false }, { "/c", true }, { NULL, false } } },
	{ "several user-agents share a group",
	  "User-agent: foo\nUser-agent: newsdesk\nDisallow: /shared\n", {
		{ "/shared/1", false }, { "/other", true }, { NULL, false } } },
	{ "longest match wins (RFC 9309 2.2.2)",
	  "User-agent: *\nDisallow: /private/\nAllow: /private/ok.html\n", {
		{ "/private/ok.html", true }, { "/private/no.html", false },
		{ NULL, false } } },
	{ "allow wins a tie",
	  "User-agent: *\nDisallow: /page\nAllow: /page\n", {
		{ "/page", true }, { NULL, false } } },
	{ "wildcards and end anchor",
	  "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\n", {
		{ "/doc/a.pdf", false }, { "/doc/a.pdf?x=1", true },
		{ "/a?print=1", false }, { "/a?p=1", true }, { NULL, false } } },
	{ "empty disallow is no rule",
	  "User-agent: *\nDisallow:\n", {
		{ "/anything", true }, { NULL, false } } },
	{ "rules before any user-agent belong to nobody",
	  "Disallow: /\nUser-agent: *\nDisallow: /x\n", {
		{ "/", true }, { "/x", false }, { NULL, false } } },
	{ "comments, CRLF, BOM, blanks and unknown lines",
	  "\xef\xbb\xbfUser-agent: * # everyone\r\nCrawl-delay: 5\r\n"
	  "Disallow:   /secret   # not here\r\nSitemap: http://x/s.xml\r\n", {
		{ "/secret/1", false }, { "/public", true }, { NULL, false } } },
	{ "percent-encoding is normalized",
	  "User-agent: *\nDisallow: /%7ejoe/\nDisallow: /caf%C3%A9\n", {
		{ "/~joe/index.html", false }, { "/%7Ejoe/x", false },
		{ "/caf\xc3\xa9/menu", false }, { "/cafe", true },
		{ NULL, false } } },
	{ "robots.txt itself is always allowed",
	  "User-agent: *\nDisallow: /\n", {
		{ "/robots.txt", true }, { "/", false }, { "/a", false },
		{ NULL, false } } },
	{ "a new group after rules",
	  "User-agent: newsdesk\nAllow: /\nUser-agent: *\nDisallow: /\n", {
		{ "/a", true }, { NULL, false } } },
};

static void
table(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct arena a = ARENA_INIT;
		struct fetch_robots r;

		assert_int_equal(fetch_robots_parse(&r, &a, cases[c].txt,
		    strlen(cases[c].txt), "newsdesk"), 0);
		for (const struct probe *p = cases[c].probes; p->path; p++) {
			bool got = fetch_robots_allows(&r, &a, p->path);

			if (got != p->allowed)
				fail_msg("%s: %s: got %d", cases[c].name,
				    p->path, got);
		}
		arena_release(&a);
	}
}

static void
set_all(void **state)
{
	struct arena a = ARENA_INIT;
	struct fetch_robots r;

	(void)state;
	fetch_robots_set(&r, false);
	assert_false(fetch_robots_allows(&r, &a, "/"));
	assert_true(fetch_robots_allows(&r, &a, "/robots.txt"));
	fetch_robots_set(&r, true);
	assert_true(fetch_robots_allows(&r, &a, "/x"));
	arena_release(&a);
}

static void
bounded(void **state)
{
	/* a huge file: only the first 500 KiB count */
	size_t n = 600u << 10;
	char *big = malloc(n + 64);
	struct arena a = ARENA_INIT;
	struct fetch_robots r;
	size_t off = 0;

	(void)state;
	assert_non_null(big);
	off += (size_t)snprintf(big, 64, "User-agent: *\nDisallow: /a\n");
	memset(big + off, '#', n - off);
	memcpy(big + n - 20, "\nDisallow: /b\n", 14);
	assert_int_equal(fetch_robots_parse(&r, &a, big, n - 6, "newsdesk"), 0);
	assert_false(fetch_robots_allows(&r, &a, "/a"));
	assert_true(fetch_robots_allows(&r, &a, "/b"));
	/* a pattern of stars against a long path stays quick */
	{
		char pat[600], txt[700], path[4000];

		memset(pat, '*', sizeof(pat) - 2);
		pat[sizeof(pat) - 2] = 'z';
		pat[sizeof(pat) - 1] = '\0';
		snprintf(txt, sizeof(txt), "User-agent: *\nDisallow: /%s$\n", pat);
		memset(path, 'a', sizeof(path) - 1);
		path[0] = '/';
		path[sizeof(path) - 1] = '\0';
		assert_int_equal(fetch_robots_parse(&r, &a, txt, strlen(txt),
		    "newsdesk"), 0);
		assert_true(fetch_robots_allows(&r, &a, path));
	}
	arena_release(&a);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(set_all),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
