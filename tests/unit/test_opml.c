/* Unit tests for parse_opml: folders, attributes, hostile and broken input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "parse/parse.h"
#include "test_util.h"
#include "core/banned.h"

static int
parse(struct arena *a, struct opml **o, const char *text)
{
	return parse_opml(o, a, text, strlen(text));
}

static void
folders_become_folder_of_feeds(void **state)
{
	struct arena a = ARENA_INIT;
	struct opml *o;

	(void)state;
	assert_int_equal(parse(&a, &o,
	    "<?xml version=\"1.0\"?>\n"
	    "<opml version=\"2.0\"><head><title> Beat &amp; sources </title></head><body>\n"
	    " <outline text=\"Loose\" type=\"rss\" xmlUrl=\"https://a.example/feed\"/>\n"
	    " <outline text=\"Developments\">\n"
	    "  <outline text=\"Herald\" title=\"The Herald\" type=\"rss\"\n"
	    "    xmlUrl=\" https://h.example/rss \" htmlUrl=\"https://h.example/\" language=\"en\"/>\n"
	    "  <outline text=\"Sub\"><outline title=\"Deep\" xmlUrl=\"https://d.example/x\"/></outline>\n"
	    " </outline>\n"
	    " <outline text=\"Empty folder\"/>\n"
	    " <outline text=\"no url\" xmlUrl=\"  \"/>\n"
	    "</body></opml>"), 0);
	assert_false(o->bozo);
	assert_string_equal(o->title, "Beat & sources");
	assert_int_equal(o->n_outlines, 3);
	assert_string_equal(o->outlines[0].xml_url, "https://a.example/feed");
	assert_null(o->outlines[0].folder);
	assert_string_equal(o->outlines[1].title, "Herald");
	assert_string_equal(o->outlines[1].xml_url, "https://h.example/rss");
	assert_string_equal(o->outlines[1].html_url, "https://h.example/");
	assert_string_equal(o->outlines[1].language, "en");
	assert_string_equal(o->outlines[1].folder, "Developments");
	/* Nested folders: the top-level folder is the section. */
	assert_string_equal(o->outlines[2].title, "Deep");
	assert_string_equal(o->outlines[2].folder, "Developments");
	arena_release(&a);
}

static void
utf8_titles_survive(void **state)
{
	struct arena a = ARENA_INIT;
	struct opml *o;

	(void)state;
	assert_int_equal(parse(&a, &o,
	    "<opml version=\"1.0\"><body><outline text=\"الصحافة\">"
	    "<outline text=\"صحيفة الميرال\" xmlUrl=\"https://almiral.example/rss\"/>"
	    "</outline></body></opml>"), 0);
	assert_int_equal(o->n_outlines, 1);
	assert_string_equal(o->outlines[0].folder, "الصحافة");
	assert_string_equal(o->outlines[0].title, "صحيفة الميرال");
	arena_release(&a);
}

static void
entities_are_refused(void **state)
{
	struct arena a = ARENA_INIT;
	struct opml *o;

	(void)state;
	assert_int_equal(parse(&a, &o,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE opml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n"
	    "<opml><body><outline text=\"&b;\" xmlUrl=\"https://x.example/\"/></body></opml>"),
	    ND_EPARSE);
	assert_non_null(strstr(err_msg(), "entity"));
	assert_int_equal(parse(&a, &o,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE opml SYSTEM \"http://evil.example/x.dtd\">\n"
	    "<opml><body><outline text=\"x\" xmlUrl=\"https://x.example/\"/></body></opml>"),
	    0);
	assert_int_equal(o->n_outlines, 1);
	arena_release(&a);
}

static void
broken_input(void **state)
{
	struct arena a = ARENA_INIT;
	struct opml *o;

	(void)state;
	assert_int_equal(parse(&a, &o, ""), ND_EPARSE);
	assert_int_equal(parse(&a, &o, "<rss><channel/></rss>"), ND_EPARSE);
	assert_non_null(strstr(err_msg(), "<opml>"));
	/* Recoverable: unclosed elements. */
	assert_int_equal(parse(&a, &o,
	    "<opml><body><outline text=\"F\"><outline text=\"x\" xmlUrl=\"https://x.example/\">"),
	    0);
	assert_true(o->bozo);
	assert_non_null(o->bozo_exception);
	assert_int_equal(o->n_outlines, 1);
	assert_string_equal(o->outlines[0].folder, "F");
	arena_release(&a);
}

static void
depth_is_bounded(void **state)
{
	struct arena a = ARENA_INIT;
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct opml *o;

	(void)state;
	buf_adds(&b, "<opml><body>");
	for (int i = 0; i < 100; i++)
		buf_adds(&b, "<outline text=\"f\">");
	buf_adds(&b, "<outline text=\"x\" xmlUrl=\"https://x.example/\"/>");
	for (int i = 0; i < 100; i++)
		buf_adds(&b, "</outline>");
	buf_adds(&b, "<outline text=\"y\" xmlUrl=\"https://y.example/\"/></body></opml>");
	assert_int_equal(parse_opml(&o, &a, b.ptr, b.len), 0);
	assert_true(o->bozo);
	assert_int_equal(o->n_outlines, 1);
	assert_string_equal(o->outlines[0].xml_url, "https://y.example/");
	buf_release(&b);
	arena_release(&a);
}

static void
demo_sources_parse(void **state)
{
	struct arena a = ARENA_INIT;
	struct opml *o;
	size_t n;
	char *data = test_read_file("demo/sources.opml", &n);

	(void)state;
	assert_non_null(data);   /* tests run from the source root */
	assert_int_equal(parse_opml(&o, &a, data, n), 0);
	assert_false(o->bozo);
	assert_true(o->n_outlines >= 6);
	for (size_t i = 0; i < o->n_outlines; i++)
		assert_non_null(o->outlines[i].folder);
	arena_release(&a);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folders_become_folder_of_feeds),
		cmocka_unit_test(utf8_titles_survive),
		cmocka_unit_test(entities_are_refused),
		cmocka_unit_test(broken_input),
		cmocka_unit_test(depth_is_bounded),
		cmocka_unit_test(demo_sources_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
