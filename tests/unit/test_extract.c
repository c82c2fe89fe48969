/*
 * test_extract: the article extractor (issue 12) on small pages written
 * for one rule each: what is kept and what is left out of the text, the
 * encoding order (BOM, header, meta, bytes), metadata from JSON-LD,
 * OpenGraph and meta tags, the "not an article" reasons, and the bounds
 * (10 MiB pages, 100k nested elements) that keep time and memory linear.
 * The quality on real pages is measured by the kit (bench/extract.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "extract/extract.h"
#include "core/banned.h"

/* Three paragraphs of prose: enough to be an article. */
#define PROSE                                                                  \
	"<p>The river rose by two metres overnight, and the town council "     \
	"met at dawn to decide whether the old bridge should close.</p>"       \
	"<p>Engineers said the piers, built in 1911, had held in worse "       \
	"floods, but the council, wary of the cost of a mistake, voted to "    \
	"close it anyway.</p>"                                                 \
	"<p>Traffic was sent over the northern bypass, which added, by most "  \
	"accounts, twenty minutes to the drive into the centre.</p>"

static struct extract *
run(struct arena *a, const char *html, const struct extract_opts *opts)
{
	struct extract *e = NULL;

	assert_int_equal(extract_page(&e, a, html, strlen(html), opts), 0);
	assert_non_null(e);
	return e;
}

static void
assert_has(const char *text, const char *needle)
{
	if (!text || !strstr(text, needle))
		fail_msg("'%s' not in text: %s", needle, text ? text : "(null)");
}

static void
assert_lacks(const char *text, const char *needle)
{
	if (text && strstr(text, needle))
		fail_msg("'%s' in text: %s", needle, text);
}

/* ---- what is kept ---- */

static void
main_text_without_boilerplate(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract *e;

	(void)state;
	e = run(&a,
	    "<html><head><title>Bridge closed | The Gazette</title></head><body>"
	    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
	    "<div class='sidebar'><p>Most read: a story about something else, "
	    "which is not this one, and never was.</p></div>"
	    "<article><h1>Bridge closed</h1>" PROSE
	    "<h2>What comes next</h2><p>A survey is due in spring, the council "
	    "said, and repairs, if any, would follow.</p>"
	    "<div class='share-bar'><a href='#'>Share on X</a></div></article>"
	    "<div id='comments'><p>Great article, thanks, I always said that "
	    "bridge was unsafe, and now we know.</p></div>"
	    "<footer><p>Copyright, contact, imprint and other things the site "
	    "says on every page.</p></footer></body></html>",
	    NULL);
	assert_int_equal(e->reason, EXTRACT_ARTICLE);
	assert_has(e->text, "The river rose by two metres overnight");
	assert_has(e->text, "twenty minutes to the drive");
	assert_has(e->text, "What comes next");
	assert_has(e->text, "A survey is due in spring");
	assert_lacks(e->text, "Bridge closed");   /* the headline */
	assert_lacks(e->text, "Most read");
	assert_lacks(e->text, "Share on");
	assert_lacks(e->text, "Great article");
	assert_lacks(e->text, "Copyright");
	assert_lacks(e->text, "Home");
	/* one block per line */
	assert_has(e->text, "centre.\nWhat comes next\nA survey");
	assert_int_equal(strlen(e->text), e->text_len);
	assert_string_equal(e->title, "Bridge closed");
	arena_release(&a);
}

static void
paragraphs_beside_the_article_join_it(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract *e;

	(void)state;
	/* the lead paragraph sits outside the box that holds the rest */
	e = run(&a,
	    "<html><body><div class='wrap'>"
	    "<div class='lead'>The lead paragraph of the story, set apart by "
	    "the designer, but still part of it, with a comma.</div>"
	    "<div class='body'>" PROSE PROSE "</div>"
	    "<ul class='links'><li><a href='/a'>Another story entirely</a></li>"
	    "<li><a href='/b'>And one more, unrelated</a></li></ul>"
	    "</div></body></html>",
	    NULL);
	assert_has(e->text, "The lead paragraph of the story");
	assert_has(e->text, "The river rose");
	assert_lacks(e->text, "Another story entirely");
	arena_release(&a);
}

static void
line_breaks_and_labels(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract *e;

	(void)state;
	e = run(&a,
	    "<html><body><article>" PROSE
	    "<p>Studies found it works (<ref-source kind='x'><a href='/r'>12"
	    "</a></ref-source>), twice.</p>"
	    "<p>First line of a poem, long enough to matter here<br>second line "
	    "of the poem, also long</p><p>Advertisement</p>"
	    "<p>\xc2\xa9 2024 The Gazette. All rights reserved.</p>"
	    "<h3>Related:</h3><ul class='related'><li><a href='/x'>Other "
	    "news</a></li></ul></article></body></html>",
	    NULL);
	assert_has(e->text, "matter here\nsecond line");
	/* an unknown element inside a sentence is inline */
	assert_has(e->text, "works (12), twice.");
	assert_lacks(e->text, "Advertisement");
	assert_lacks(e->text, "All rights reserved");
	assert_lacks(e->text, "Related");
	assert_lacks(e->text, "Other news");
	arena_release(&a);
}

/* ---- encodings ---- */

static void
encoding_order(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract_opts o = {0};
	struct extract *e;
	static const char body[] =
	    "<body><article><p>Caf\xe9 cr\xe8me, d\xe9j\xe0 vu, and a long "
	    "sentence, with commas, to make it a paragraph.</p></article></body>"
	    "</html>";
	char page[512];

	(void)state;
	/* no label, bytes not UTF-8: windows-1252 */
	snprintf(page, sizeof(page), "<html>%s", body);
	e = run(&a, page, NULL);
	assert_string_equal(e->encoding, "windows-1252");
	assert_has(e->text, "Caf\xc3\xa9 cr\xc3\xa8me");
	/* the header wins over meta */
	snprintf(page, sizeof(page),
	    "<html><head><meta charset='koi8-r'></head>%s", body);
	o.content_type = "text/html; charset=ISO-8859-1";
	e = run(&a, page, &o);
	assert_string_equal(e->encoding, "iso-8859-1");
	assert_has(e->text, "d\xc3\xa9j\xc3\xa0 vu");
	/* meta when there is no header */
	snprintf(page, sizeof(page),
	    "<html><head><meta http-equiv='Content-Type' "
	    "content='text/html; charset=windows-1252'></head>%s", body);
	e = run(&a, page, NULL);
	assert_string_equal(e->encoding, "windows-1252");
	assert_has(e->text, "Caf\xc3\xa9");
	/* labelled Latin-1, but the bytes are UTF-8: the bytes win */
	e = run(&a,
	    "<html><head><meta charset='iso-8859-1'></head><body><article>"
	    "<p>Caf\xc3\xa9 cr\xc3\xa8me, d\xc3\xa9j\xc3\xa0 vu, and a long "
	    "sentence, with commas, to make it a paragraph.</p></article>"
	    "</body></html>", NULL);
	assert_string_equal(e->encoding, "utf-8");
	assert_has(e->text, "Caf\xc3\xa9 cr\xc3\xa8me");
	arena_release(&a);
}

static void
encoding_bom_utf16(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract *e = NULL;
	const char *src = "<html><body><article><p>Unicode text in UTF-16, "
			  "with commas, long enough for a paragraph.</p>"
			  "</article></body></html>";
	size_t n = strlen(src);
	char *page = malloc(2 * n + 2);

	(void)state;
	page[0] = (char)0xff;
	page[1] = (char)0xfe;
	for (size_t i = 0; i < n; i++) {
		page[2 + 2 * i] = src[i];
		page[3 + 2 * i] = 0;
	}
	assert_int_equal(extract_page(&e, &a, page, 2 * n + 2, NULL), 0);
	assert_string_equal(e->encoding, "utf-16le");
	assert_has(e->text, "Unicode text in UTF-16");
	free(page);
	arena_release(&a);
}

/* ---- metadata ---- */

static void
metadata_sources(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract_opts o = {.url = "https://news.example/2024/05/bridge"};
	struct extract *e;

	(void)state;
	e = run(&a,
	    "<html lang='en-GB'><head><title>Bridge | Gazette</title>"
	    "<meta property='og:title' content='OG title'>"
	    "<meta property='og:image' content='/img/bridge.jpg'>"
	    "<meta name='author' content='Meta Author'>"
	    "<meta property='article:published_time' "
	    "content='2024-05-02T08:30:00+02:00'>"
	    "<script type='application/ld+json'>{\"@context\":"
	    "\"https://schema.org\",\"@graph\":[{\"@type\":\"NewsArticle\","
	    "\"headline\":\"The bridge is closed\",\"author\":[{\"@type\":"
	    "\"Person\",\"name\":\"Ann Writer\"}],\"datePublished\":"
	    "\"2024-05-02T06:30:00Z\"}]}</script></head><body><article>" PROSE
	    "</article></body></html>",
	    &o);
	assert_string_equal(e->title, "The bridge is closed");
	assert_string_equal(e->byline, "Ann Writer");
	assert_string_equal(e->date, "2024-05-02T06:30:00Z");
	assert_string_equal(e->lead_image, "https://news.example/img/bridge.jpg");
	assert_string_equal(e->lang, "en-GB");
	arena_release(&a);

	/* no JSON-LD: OpenGraph and meta; <title> loses the site name */
	e = run(&a,
	    "<html><head><title>The bridge over the river is closed | Gazette"
	    "</title><meta name='author' content='Meta Author'>"
	    "<meta property='og:locale' content='de_DE'>"
	    "<meta name='date' content='2024-05-02'></head><body><article>"
	    PROSE "</article></body></html>",
	    &o);
	assert_string_equal(e->title, "The bridge over the river is closed");
	assert_string_equal(e->byline, "Meta Author");
	assert_string_equal(e->date, "2024-05-02");
	assert_string_equal(e->lang, "de-DE");
	assert_null(e->lead_image);
	arena_release(&a);

	/* a date that is not a date is not reported */
	e = run(&a,
	    "<html><head><meta property='article:published_time' "
	    "content='yesterday'><meta property='og:image' "
	    "content='javascript:alert(1)'></head><body><article>" PROSE
	    "</article></body></html>",
	    &o);
	assert_null(e->date);
	assert_null(e->lead_image);
	arena_release(&a);
}

/* No machine-readable metadata: what the page shows, and the URL. */
static void
metadata_from_the_page(void **state)
{
	static const struct {
		const char *html, *url, *byline, *date;
	} cases[] = {
	    {"<div class='entry-meta'><span class='author'>Von Anna Muster"
	     "</span> <span class='date'>27. Januar 2022</span></div>",
	     NULL, "Anna Muster", "2022-01-27"},
	    {"<p class='byline'>By Jo Smith</p><p class='post-date'>Posted "
	     "March 3, 2021</p>", NULL, "Jo Smith", "2021-03-03"},
	    {"<div class='meta'>12.11.2019, 10:30 Uhr</div>"
	     "<a rel='author' href='/u/x'>Kim Lee</a>", NULL, "Kim Lee",
	     "2019-11-12"},
	    {"<div class='meta'>no date here</div>",
	     "https://x.example/2018/07/05/slug", NULL, "2018-07-05"},
	    {"<p class='author-bio'>Anna writes about rivers and has done "
	     "so since 1990.</p>", "https://x.example/2018/13/05/slug", NULL,
	     NULL},
	    /* ISO as written: the page's own day */
	    {"<time datetime='2022-05-03T00:30:00+02:00'>3 May</time>", NULL,
	     NULL, "2022-05-03T00:30:00+02:00"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a = ARENA_INIT;
		struct extract_opts o = {.url = cases[i].url};
		struct buf page = BUF_INIT(BUF_NOCAP);
		struct extract *e;

		buf_addf(&page, "<html><body><article>%s%s</article></body>"
				"</html>", cases[i].html, PROSE);
		e = run(&a, page.ptr, &o);
		if (cases[i].byline)
			assert_string_equal(e->byline, cases[i].byline);
		else
			assert_null(e->byline);
		if (cases[i].date)
			assert_string_equal(e->date, cases[i].date);
		else
			assert_null(e->date);
		/* the byline and date lines are not the article's text */
		assert_has(e->text, "The river rose");
		buf_release(&page);
		arena_release(&a);
	}
}

static void
jsonld_body_when_the_page_has_none(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract *e;
	struct buf page = BUF_INIT(BUF_NOCAP);

	(void)state;
	buf_adds(&page, "<html><head><script type='application/ld+json'>"
			"{\"@type\":\"NewsArticle\",\"articleBody\":\"");
	for (int i = 0; i < 10; i++)
		buf_adds(&page, "The text only a script renders, sentence "
				"after sentence. ");
	buf_adds(&page, "\"}</script></head><body><div id='app'>Loading"
			"</div></body></html>");
	e = run(&a, page.ptr, NULL);
	assert_int_equal(e->reason, EXTRACT_ARTICLE);
	assert_has(e->text, "The text only a script renders");
	buf_release(&page);
	arena_release(&a);
}

/* ---- not an article ---- */

static void
not_an_article(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract_opts o = {0};
	struct extract *e = NULL;
	struct buf page = BUF_INIT(BUF_NOCAP);
	static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";

	(void)state;
	assert_int_equal(extract_page(&e, &a, pdf, sizeof(pdf) - 1, NULL), 0);
	assert_int_equal(e->reason, EXTRACT_NOT_HTML);
	assert_null(e->text);
	assert_non_null(e->reason_msg);

	o.content_type = "application/pdf";
	e = run(&a, "<html><body>" PROSE "</body></html>", &o);
	assert_int_equal(e->reason, EXTRACT_NOT_HTML);

	e = run(&a,
	    "<html><head><title>Page not found | Gazette</title></head><body>"
	    "<h1>404</h1><p>Sorry, the page you were looking for does not "
	    "exist, or has moved.</p></body></html>",
	    NULL);
	assert_int_equal(e->reason, EXTRACT_NOT_FOUND);
	assert_null(e->text);
	/* a headline that says "not found" is not an error page */
	e = run(&a,
	    "<html><head><title>Missing hikers not found after three days of "
	    "searching | Gazette</title></head><body><article>"
	    "<p>Rescuers searched the ridge again on Sunday, with dogs and a "
	    "helicopter, but found no trace of the two hikers.</p></article>"
	    "</body></html>",
	    NULL);
	assert_int_equal(e->reason, EXTRACT_ARTICLE);

	e = run(&a,
	    "<html><head><script type='application/ld+json'>{\"@type\":"
	    "\"NewsArticle\",\"isAccessibleForFree\":false}</script></head>"
	    "<body><article><p>The first lines of the story, then the wall."
	    "</p><div class='paywall'>Subscribe to read on</div></article>"
	    "</body></html>",
	    NULL);
	assert_int_equal(e->reason, EXTRACT_WALL);
	assert_null(e->text);

	/* a front page: links and one-line teasers */
	buf_adds(&page, "<html><body>");
	for (int i = 0; i < 40; i++)
		buf_addf(&page, "<div class='teaser'><h3><a href='/s/%d'>Story "
				"number %d of today</a></h3><span>Short</span>"
				"</div>", i, i);
	buf_adds(&page, "</body></html>");
	e = run(&a, page.ptr, NULL);
	assert_int_not_equal(e->reason, EXTRACT_ARTICLE);
	assert_null(e->text);

	e = run(&a, "", NULL);
	assert_int_equal(e->reason, EXTRACT_EMPTY);
	assert_null(e->text);
	buf_release(&page);
	arena_release(&a);
}

/* ---- bounds ---- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bounds_size(void **state)
{
	struct arena a = ARENA_INIT;
	struct extract_opts o = {.max_bytes = 1000};
	struct extract *e = NULL;
	struct buf page = BUF_INIT(BUF_NOCAP);
	static const char par[] =
	    "<p>A paragraph of a very long article, word after word, "
	    "comma after comma, to fill ten mebibytes.</p>\n";

	(void)state;
	/* over the cap: ND_ETOOBIG with a message, not a crash */
	buf_adds(&page, "<html><body>");
	while (page.len < 2000)
		buf_adds(&page, par);
	assert_int_equal(extract_page(&e, &a, page.ptr, page.len, &o),
	    ND_ETOOBIG);
	assert_non_null(strstr(err_msg(), "exceeds"));
	/* the default cap is 10 MiB */
	while (page.len < EXTRACT_MAX_BYTES_DEFAULT - sizeof(par))
		buf_adds(&page, par);
	assert_int_equal(extract_page(&e, &a, page.ptr, page.len, NULL), 0);
	assert_int_equal(e->reason, EXTRACT_ARTICLE);
	/* the text is capped, at a line */
	assert_true(e->text_len <= EXTRACT_MAX_TEXT);
	assert_true(e->text_len > EXTRACT_MAX_TEXT / 2);
	assert_int_equal(e->text[e->text_len - 1], '.');
	arena_release(&a);
	buf_add(&page, par, 100);
	while (page.len <= EXTRACT_MAX_BYTES_DEFAULT)
		buf_adds(&page, par);
	assert_int_equal(extract_page(&e, &a, page.ptr, page.len, NULL),
	    ND_ETOOBIG);
	buf_release(&page);
	arena_release(&a);
}

/* Depth costs what breadth does: every walk is iterative, and libxml2
 * stops nesting at 256 levels. Compares 100k nested elements with 100k
 * siblings; a generous factor, so the test only fails on a blow-up. */
static void
bounds_nesting(void **state)
{
	static const char *const opens[] = {"<div>", "<b><i>", "<table><tr><td>",
					    "<div><span>x ", "<p>"};
	struct arena a = ARENA_INIT;
	struct extract *e = NULL;
	struct buf flat = BUF_INIT(BUF_NOCAP);
	double t0, flat_s;

	(void)state;
	buf_adds(&flat, "<html><body>");
	for (int i = 0; i < 100000; i++)
		buf_adds(&flat, "<div><p>Sibling text, with a comma.</p></div>");
	t0 = now_s();
	assert_int_equal(extract_page(&e, &a, flat.ptr, flat.len, NULL), 0);
	flat_s = now_s() - t0;
	arena_release(&a);
	for (size_t k = 0; k < sizeof(opens) / sizeof(opens[0]); k++) {
		struct buf deep = BUF_INIT(BUF_NOCAP);
		double s;

		buf_adds(&deep, "<html><body>");
		for (int i = 0; i < 100000; i++)
			buf_adds(&deep, opens[k]);
		buf_adds(&deep, "<p>The text at the bottom, with a comma, "
				"long enough.</p>");
		for (int i = 0; i < 100000; i++)
			buf_adds(&deep, "</div>");
		t0 = now_s();
		assert_int_equal(extract_page(&e, &a, deep.ptr, deep.len,
		    NULL), 0);
		s = now_s() - t0;
		if (s > 10 * flat_s + 1.0)
			fail_msg("nesting '%s': %.3f s vs %.3f s flat", opens[k],
			    s, flat_s);
		arena_release(&a);
		buf_release(&deep);
	}
	buf_release(&flat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(main_text_without_boilerplate),
		cmocka_unit_test(paragraphs_beside_the_article_join_it),
		cmocka_unit_test(line_breaks_and_labels),
		cmocka_unit_test(encoding_order),
		cmocka_unit_test(encoding_bom_utf16),
		cmocka_unit_test(metadata_sources),
		cmocka_unit_test(metadata_from_the_page),
		cmocka_unit_test(jsonld_body_when_the_page_has_none),
		cmocka_unit_test(not_an_article),
		cmocka_unit_test(bounds_size),
		cmocka_unit_test(bounds_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
