/* Unit tests for render/html: the escapers and the page sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/tz.h"
#include "model/model.h"
#include "render/feeds.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "core/banned.h"

static void
text_escapes_all_five(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" },
		{ "<script>alert(1)</script>",
		  "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\"onx='y'", "&#34;onx=&#39;y&#39;" },
		{ "a & b", "a &amp; b" },
		{ "", "" },
		{ "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a", "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a" },
	};
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct html h = html_text(&a, cases[i].in);

		assert_string_equal(h.p, cases[i].out);
		assert_int_equal(h.len, strlen(cases[i].out));
	}
	assert_int_equal(html_text(&a, NULL).len, 0);
	arena_release(&a);
}

static void
url_allows_only_safe_schemes(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "https://example.com/a?b=1&c=2",
		  "https://example.com/a?b=1&amp;c=2" },
		{ "http://x/\"onx=1", "http://x/&#34;onx=1" },
		{ "HTTPS://X/", "HTTPS://X/" },
		{ "mailto:desk@example.com", "mailto:desk@example.com" },
		{ "/item/1", "/item/1" },
		{ "javascript:alert(1)", "" },
		{ "JavaScript:alert(1)", "" },
		{ " javascript:alert(1)", "" },
		{ "java\nscript:alert(1)", "" },
		{ "java\tscript:alert(1)", "" },
		{ "data:text/html,<script>", "" },
		{ "vbscript:x", "" },
		{ "http://x/a b\r\nSet-Cookie: x",
		  "http://x/a%20b%0D%0ASet-Cookie:%20x" },
		{ "http://x/a b", "http://x/a%20b" },
		{ "", "" },
	};
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct html h = html_url(&a, cases[i].in);

		assert_string_equal(h.p, cases[i].out);
	}
	assert_int_equal(html_url(&a, NULL).len, 0);
	arena_release(&a);
}

static void
pct_and_plain(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	assert_string_equal(render_pct(&a, "a b&c/\xc3\xa9"), "a%20b%26c%2F%C3%A9");
	assert_string_equal(render_plain(&a, "<p>Hello &amp; <b>world</b></p>",
	    100), "Hello & world");
	assert_string_equal(render_plain(&a, "&lt;script&gt; &#65;&#x42;", 100),
	    "<script> AB");
	assert_string_equal(render_plain(&a, "one two three four", 7),
	    "one two\xe2\x80\xa6");
	arena_release(&a);
}

static void
snippet_and_json(void **state)
{
	struct arena a = ARENA_INIT;

	(void)state;
	assert_string_equal(html_snippet(&a, "a \x02<b>\x03 c").p,
	    "a <mark>&lt;b&gt;</mark> c");
	assert_string_equal(html_snippet(&a, "\x02open").p, "<mark>open</mark>");
	assert_string_equal(html_snippet(&a, "stray\x03 end").p, "stray end");
	assert_string_equal(html_json_script(&a,
	    "{\"a\":\"</script><!--&\"}").p,
	    "{\"a\":\"\\u003c/script\\u003e\\u003c!--\\u0026\"}");
	assert_string_equal(html_json_script(&a, "\"\xe2\x80\xa8\"").p,
	    "\"\\u2028\"");
	arena_release(&a);
}

static void
page_sink(void **state)
{
	struct arena a = ARENA_INIT;
	struct page pg;

	(void)state;
	page_init(&pg, &a, 1024);
	page_html(&pg, HTML("<p>"));
	page_text(&pg, "<x>");
	page_int(&pg, -42);
	page_html(&pg, HTML("</p>"));
	assert_string_equal(pg.b.ptr, "<p>&lt;x&gt;-42</p>");
	page_release(&pg);
	arena_release(&a);
}

/*
 * review_feed_item_html_cap: markup grows about fourfold when escaped for
 * XML or JSON, so 50 items with the store's largest summaries (64 KiB of
 * "<b></b>") made the site's feeds exceed the page cap (8 MiB): one outlet
 * could make /feed.json answer 500. Each feed must fit.
 */
static void
review_feed_item_html_cap(void **state)
{
	static struct item items[50];
	size_t len = 64 << 10;
	char *big = malloc(len + 1);
	struct render_feed f = { .title = "t", .home_url = "http://d/",
		.self_url = "http://d/feed", .base_url = "http://d",
		.items = items, .n_items = 50 };
	int (*const render[])(struct buf *, const struct render_feed *) = {
		render_feed_rss, render_feed_atom, render_feed_json };

	(void)state;
	for (size_t i = 0; i + 7 <= len; i += 7)
		memcpy(big + i, "<b></b>", 7);
	big[len - len % 7] = '\0';
	for (size_t i = 0; i < 50; i++) {
		items[i].id = (int64_t)i + 1;
		items[i].title = "title";
		items[i].summary = big;
		items[i].published = 1700000000;
	}
	for (size_t k = 0; k < 3; k++) {
		struct buf out = BUF_INIT(8 << 20);   /* WEB_MAX_PAGE */

		assert_int_equal(render[k](&out, &f), 0);
		assert_true(out.len > 50 * 1000);
		buf_release(&out);
	}
	free(big);
}

/*
 * review_feed_xml_chars: U+FFFE and U+FFFF (which a JSON Feed can carry as
 * \ufffe) and bytes that are not UTF-8 went into the RSS and Atom feeds as
 * they were, so the site's feeds were not well-formed XML and readers
 * dropped them whole.
 */
static void
review_feed_xml_chars(void **state)
{
	struct item it = { .id = 1, .published = 1700000000,
		.title = "a\xef\xbf\xbe" "b\xef\xbf\xbf" "c\xff" "d\xc0\xaf" "e"
		    "\xed\xa0\x80" "f\x01g\xe2\x82" "h \xc3\xa9\xf0\x9f\x98\x80",
		.summary = "<p>s\xef\xbf\xbe</p>", .author = "x\xef\xbf\xbf",
		.tags = "t\xef\xbf\xbe" };
	struct render_feed f = { .title = "t", .home_url = "http://d/",
		.self_url = "http://d/feed", .base_url = "http://d",
		.items = &it, .n_items = 1 };
	int (*const render[])(struct buf *, const struct render_feed *) = {
		render_feed_rss, render_feed_atom };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct buf out = BUF_INIT(1 << 20);
		xmlDocPtr doc;

		assert_int_equal(render[k](&out, &f), 0);
		doc = xmlReadMemory(out.ptr, (int)out.len, NULL, NULL,
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		assert_non_null(doc);
		xmlFreeDoc(doc);
		assert_non_null(strstr(out.ptr, "abcdefgh \xc3\xa9\xf0\x9f\x98\x80"));
		buf_release(&out);
	}
}

/* Renders the item keys named in src for it (view_item, full page). */
static const char *
render_item(struct arena *a, const struct item *it, time_t now,
    const char *src)
{
	struct tz *tz = tz_utc();
	struct view_site vs = { .name = "D", .tagline = "", .base_url =
		"http://d.example", .css_hash = "0", .tz = tz };
	struct tmpl_obj *o = tmpl_obj_new(a);
	struct tmpl *t = NULL;
	struct page pg;
	const char *out;

	view_item(o, a, &vs, it, true, now);
	assert_int_equal(tmpl_parse(&t, a, "t", src, strlen(src)), 0);
	page_init(&pg, a, 1 << 16);
	assert_int_equal(tmpl_render_one(&pg, t, o), 0);
	out = arena_strndup(a, pg.b.ptr, pg.b.len);
	page_release(&pg);
	tz_free(tz);
	return out;
}

/* issue 8: a date is shown once, in the desk's format (a time for today,
 * the date before); an undated item shows none (no "just now"); an item
 * page speaks Arabic for an Arabic item; no "(untitled)". */
static void
issue_8_view_item_dates_and_labels(void **state)
{
	struct arena a = ARENA_INIT;
	struct item it = { .id = 7, .source_title = "Herald", .title = "T",
		.published = 1764400000, .first_seen = 1764400000 };
	const char *keys = "[{{when}}|{{time}}|{{age_recent}}|{{l_by}}|"
	    "{{l_more_from}}|{{l_arrow}}|{{title}}]";

	(void)state;
	/* 2025-11-29 07:06:40 UTC, seen 10 minutes later the same day */
	assert_string_equal(render_item(&a, &it, 1764400600, keys),
	    "[07:06 AM UTC, 10 min ago|11/29/2025 07:06 AM UTC|10 min ago|By|"
	    "More from|→|T]");
	/* two days later: the date alone in lists */
	assert_string_equal(render_item(&a, &it, 1764400000 + 2 * 86400,
	    "{{when}}"), "11/29/2025");
	/* undated: sorted by first seen, never shown as published then */
	it.published = 0;
	assert_string_equal(render_item(&a, &it, 1764400030, keys),
	    "[|||By|More from|→|T]");
	it.title = NULL;
	it.language = "ar";
	assert_string_equal(render_item(&a, &it, 1764400030, keys),
	    "[|||بقلم|المزيد من|←|A report from Herald]");
	/* the words around the outlet's article text too (issue 12) */
	keys = "[{{l_article_full}}|{{l_article_excerpt}}|{{l_read_it_at}}|"
	    "{{l_continue_at}}]";
	assert_string_equal(render_item(&a, &it, 1764400030, keys),
	    "[المقال كما نشره|من المقال كما نشره|اقرأه في|تابع القراءة في]");
	it.language = "en";
	assert_string_equal(render_item(&a, &it, 1764400030, keys),
	    "[The article, as published by|From the article, as published by|"
	    "Read it at|Continue reading at]");
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_all_five),
		cmocka_unit_test(issue_8_view_item_dates_and_labels),
		cmocka_unit_test(url_allows_only_safe_schemes),
		cmocka_unit_test(pct_and_plain),
		cmocka_unit_test(snippet_and_json),
		cmocka_unit_test(page_sink),
		cmocka_unit_test(review_feed_item_html_cap),
		cmocka_unit_test(review_feed_xml_chars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
