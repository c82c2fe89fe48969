/*
 * test_parse: the feed parser. Golden tests serialise every fixture in
 * tests/data/feeds/ with parse_feed_to_json() and compare the result with
 * tests/golden/feeds/NAME.json (what `newsdesk parse --json FILE` prints).
 * To regenerate the goldens on purpose, run with UPDATE_GOLDEN=1 and review
 * the diff:  UPDATE_GOLDEN=1 meson test -C build parse
 * Focused tests assert the properties that matter most: no file is read
 * through an external entity, entity bombs stay bounded, hostile HTML is
 * sanitized, limits hold, and truncated input never crashes.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "parse/parse.h"
#include "test_util.h"
#include "core/banned.h"

static const char *
src_dir(void)
{
	const char *s = getenv("NEWSDESK_SRC");
	return s ? s : ".";
}

/* Parses a fixture file; the feed lives in a. */
static struct feed *
parse_fixture(struct arena *a, const char *name, const struct parse_opts *opts)
{
	char path[4096];
	struct feed *f = NULL;
	char *data;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/tests/data/feeds/%s", src_dir(), name);
	data = test_read_file(path, &len);
	assert_non_null(data);
	assert_int_equal(parse_feed(&f, a, data, len, opts), 0);
	free(data);
	assert_non_null(f);
	return f;
}

static char *
to_json(const struct feed *f)
{
	struct buf b = BUF_INIT(BUF_NOCAP);

	assert_int_equal(parse_feed_to_json(&b, f), 0);
	buf_addc(&b, '\n');
	return buf_detach(&b, NULL);
}

/* --- golden files --- */

static void
test_golden(void **state)
{
	char dir[4096], gpath[4096];
	bool update =
	    getenv("UPDATE_GOLDEN") && *getenv("UPDATE_GOLDEN") == '1';
	struct dirent *de;
	DIR *d;
	int n = 0, failed = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/data/feeds", src_dir());
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct arena a = ARENA_INIT;
		const char *dot = strrchr(de->d_name, '.');
		char *got, *want;
		size_t wlen = 0;
		struct feed *f;

		if (de->d_name[0] == '.' || !dot)
			continue;
		f = parse_fixture(&a, de->d_name, NULL);
		got = to_json(f);
		snprintf(gpath, sizeof(gpath),
			 "%s/tests/golden/feeds/%.*s.json", src_dir(),
			 (int)(dot - de->d_name), de->d_name);
		if (update) {
			FILE *o = fopen(gpath, "wb");
			assert_non_null(o);
			fputs(got, o);
			fclose(o);
		} else {
			want = test_read_file(gpath, &wlen);
			if (!want || strcmp(want, got) != 0) {
				fprintf(stderr,
					"golden mismatch: %s\n  got:  %s",
					gpath, got);
				failed++;
			}
			free(want);
		}
		free(got);
		arena_release(&a);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
	assert_int_equal(failed, 0);
}

/* --- security --- */

static void
test_xxe_not_read(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "xxe.xml", NULL);
	char *json = to_json(f);

	(void)state;
	/* /etc/passwd always has a root line; /etc/hostname a name */
	assert_null(strstr(json, "root:"));
	assert_null(strstr(json, "/bin/"));
	assert_string_equal(f->head.title.value, "External entities");
	assert_int_equal(f->n_entries, 1);
	free(json);
	arena_release(&a);
}

static void
test_billion_laughs_bounded(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "billion-laughs.xml", NULL);

	(void)state;
	assert_true(f->bozo);
	assert_true(a.total < (8u << 20));
	/* the items after the bomb are still there */
	assert_int_equal(f->n_entries, 1);
	assert_string_equal(f->entries[0].title.value, "Still here");
	arena_release(&a);
}

static void
test_script_sanitized(void **state)
{
	struct arena a = ARENA_INIT;
	struct parse_opts opts = {.url = "http://tips.example.com/feed.xml"};
	struct feed *f = parse_fixture(&a, "rss-script.xml", &opts);
	const char *s;

	(void)state;
	assert_int_equal(f->n_entries, 1);
	s = f->entries[0].summary.value;
	assert_non_null(s);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "document.cookie"));
	assert_null(strstr(s, "onclick"));
	assert_null(strstr(s, "onerror"));
	assert_null(strstr(s, "javascript:"));
	assert_null(strstr(s, "<iframe"));
	assert_non_null(strstr(s, "Hello"));
	assert_non_null(strstr(s, "http://tips.example.com/ok"));
	arena_release(&a);
}

/* --- the data model --- */

static void
test_media_photo_caption_credit(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "rss20-media.xml", NULL);
	const struct feed_media *m;

	(void)state;
	assert_string_equal(f->version, "rss20");
	assert_int_equal(f->n_entries, 2);
	assert_int_equal(f->entries[0].n_media, 1);
	m = &f->entries[0].media[0];
	assert_string_equal(m->url, "https://img.example.com/parliament.jpg");
	assert_string_equal(m->medium, "image");
	assert_string_equal(
	    m->caption,
	    "Guards outside the parliament building in Baghdad on Monday.");
	assert_string_equal(m->credit, "AP Photo/Khalid Mohammed");
	assert_string_equal(m->thumbnail,
			    "https://img.example.com/parliament-t.jpg");
	assert_int_equal(m->width, 640);
	/* an image enclosure is a photo too; item-level media:* describe it */
	assert_int_equal(f->entries[1].n_media, 1);
	m = &f->entries[1].media[0];
	assert_string_equal(m->url, "https://img.example.com/papers.jpg");
	assert_string_equal(m->caption, "Newspapers on sale in Basra.");
	assert_string_equal(m->credit, "Reuters");
	assert_int_equal(f->head.ttl, 30);
	assert_int_equal(f->head.update_minutes, 30);
	/* guid isPermaLink="false" is never the link */
	assert_string_equal(f->entries[0].id, "wire-2007-07-10-001");
	assert_string_equal(
	    f->entries[0].link,
	    "https://wire.example.com/iraq/2007/07/10/parliament");
	assert_string_equal(f->entries[0].author, "Ali Reporter");
	assert_true(f->entries[0].published.is_set);
	arena_release(&a);
}

static void
test_atom_base_and_lang(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "atom10-xmlbase.xml", NULL);
	const struct feed_entry *e;

	(void)state;
	assert_string_equal(f->version, "atom10");
	assert_string_equal(f->head.link, "https://blog.example.org/buzz/");
	assert_string_equal(f->head.icon,
			    "https://blog.example.org/favicon.ico");
	e = &f->entries[0];
	assert_string_equal(
	    e->link, "https://blog.example.org/buzz/2007/07/talks-in-amman");
	assert_int_equal(e->n_enclosures, 1);
	assert_string_equal(e->enclosures[0].href,
			    "https://blog.example.org/buzz/2007/07/talks.mp3");
	assert_int_equal(e->n_content, 1);
	assert_string_equal(e->content[0].language, "fr");
	assert_string_equal(e->content[0].type, "application/xhtml+xml");
	assert_non_null(
	    strstr(e->content[0].value, "https://blog.example.org/buzz/amman"));
	assert_string_equal(e->title.language, "en");
	assert_non_null(e->source);
	assert_string_equal(e->source->title.value, "Other Feed");
	/* source children never leak into the entry */
	assert_string_equal(e->title.value, "Talks in <i>Amman</i>");
	arena_release(&a);
}

static void
test_arabic_windows_1256(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "rss-arabic-1256.xml", NULL);

	(void)state;
	assert_false(f->bozo);
	assert_string_equal(f->encoding, "windows-1256");
	assert_string_equal(f->head.title.value, "أخبار العراق");
	assert_string_equal(f->head.language, "ar");
	assert_int_equal(f->n_entries, 1);
	assert_string_equal(f->entries[0].author_detail->email,
			    "newsroom@arabic.example.com");
	assert_string_equal(f->entries[0].author_detail->name, "غرفة الأخبار");
	arena_release(&a);
}

static void
test_jsonfeed(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "jsonfeed11.json", NULL);

	(void)state;
	assert_string_equal(f->version, "jsonfeed11");
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->entries[0].id, "1001");
	assert_string_equal(f->entries[0].enclosures[0].length, "52000");
	assert_null(strstr(f->entries[0].content[0].value, "<script"));
	assert_string_equal(f->entries[1].content[0].type, "text/plain");
	arena_release(&a);
}

/* issue 13: a \u0000 escape (RFC 8259 allows it) keeps the feed; the NUL
 * is dropped from its string */
static void
issue_13_jsonfeed_nul(void **state)
{
	static const char doc[] = "{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"title\": \"A\\u0000B\", "
	    "\"items\": [{\"id\": \"1\", \"title\": \"x\\u0000y\", "
	    "\"content_text\": \"\\u0000\", \"tags\": [\"t\\u0000u\"]}, "
	    "{\"id\": \"2\\u0000\", \"title\": \"two\"}]}";
	struct arena a = ARENA_INIT;
	struct feed *f = NULL;

	(void)state;
	assert_int_equal(parse_feed(&f, &a, doc, sizeof(doc) - 1, NULL), 0);
	assert_false(f->bozo);
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->head.title.value, "AB");
	assert_string_equal(f->entries[0].title.value, "xy");
	assert_string_equal(f->entries[0].tags[0].term, "tu");
	assert_string_equal(f->entries[1].id, "2");
	arena_release(&a);
}

static void
test_illformed_recovers(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "illformed.xml", NULL);

	(void)state;
	assert_true(f->bozo);
	assert_non_null(f->bozo_exception);
	assert_string_equal(f->version, "rss20");
	/* HTML entities without a DTD are resolved; a stray & is kept */
	assert_string_equal(f->head.title.value,
			    "Broken & proud \xc2\xa0\xc3\xa9t\xc3\xa9 & more");
	/* an unclosed <b> in a title closes at </title>: the rest survives */
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->entries[0].title.value, "First <b>unclosed</b>");
	assert_string_equal(f->entries[0].link, "http://broken.example.com/1");
	assert_non_null(
	    strstr(f->entries[0].summary.value, "stray &amp; sign"));
	assert_string_equal(f->entries[1].title.value, "Second");
	arena_release(&a);
}

static void
test_rdf(void **state)
{
	struct arena a = ARENA_INIT;
	struct feed *f = parse_fixture(&a, "rdf-rss10.xml", NULL);

	(void)state;
	assert_string_equal(f->version, "rss10");
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->entries[0].id, "http://news.example.net/1");
	assert_int_equal(f->entries[0].n_authors, 2);
	assert_string_equal(f->entries[0].authors[1].name, "Ben Müller");
	assert_string_equal(f->entries[0].summary.value, "Kurzfassung");
	assert_string_equal(f->entries[0].content[0].value,
			    "<p>Volltext der <em>ersten</em> Meldung</p>");
	assert_string_equal(f->head.language, "de");
	arena_release(&a);
}

/* --- limits and robustness --- */

static void
test_limits(void **state)
{
	struct arena a = ARENA_INIT;
	struct parse_opts opts = {.max_bytes = 100};
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct feed *f = NULL;

	(void)state;
	buf_adds(&b, "<rss><channel>");
	for (int i = 0; i < 50; i++)
		buf_addf(&b, "<item><title>%d</title></item>", i);
	buf_adds(&b, "</channel></rss>");
	assert_int_equal(parse_feed(&f, &a, b.ptr, b.len, &opts), ND_ETOOBIG);
	opts.max_bytes = 0;
	opts.max_entries = 10;
	assert_int_equal(parse_feed(&f, &a, b.ptr, b.len, &opts), 0);
	assert_int_equal(f->n_entries, 10);
	assert_true(f->bozo);
	buf_release(&b);
	arena_release(&a);
}

static void
test_truncated_prefixes(void **state)
{
	char path[4096];
	size_t len = 0;
	char *data;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/feeds/atom10-xmlbase.xml",
		 src_dir());
	data = test_read_file(path, &len);
	assert_non_null(data);
	for (size_t n = 0; n <= len; n += 7) {
		struct arena a = ARENA_INIT;
		struct buf b = BUF_INIT(BUF_NOCAP);
		struct feed *f = NULL;

		assert_int_equal(parse_feed(&f, &a, data, n, NULL), 0);
		assert_int_equal(parse_feed_to_json(&b, f), 0);
		buf_release(&b);
		arena_release(&a);
	}
	free(data);
}

/* Inputs that once made a recovery step quadratic or libxml2 format a
 * message per byte: each must finish in well under a second. */
static void
test_adversarial_linear(void **state)
{
	static const char *const units[] = {
	    "<a x=\"", "</b>", "&zz;", "&", "<", "<a>", "&nbsp;", "<![CD"};

	(void)state;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		struct arena a = ARENA_INIT;
		struct buf b = BUF_INIT(BUF_NOCAP);
		struct feed *f = NULL;

		buf_adds(
		    &b,
		    "<!DOCTYPE rss [<!ENTITY e \"x\">]><rss><channel><title>");
		while (b.len < (1u << 20))
			buf_adds(&b, units[i]);
		buf_adds(&b, "</title><item><title>after</title></item></"
			     "channel></rss>");
		assert_int_equal(parse_feed(&f, &a, b.ptr, b.len, NULL), 0);
		assert_true(f->bozo || i == 6);
		buf_release(&b);
		arena_release(&a);
	}
}

static void
test_not_a_feed(void **state)
{
	static const char *const inputs[] = {
	    "",
	    " ",
	    "<",
	    "{",
	    "[1]",
	    "<html><body><p>hi</p></body></html>",
	    "{\"version\":1}",
	    "\xef\xbb\xbf",
	    "<?xml version=\"1.0\"?>"};
	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct arena a = ARENA_INIT;
		struct feed *f = NULL;

		assert_int_equal(
		    parse_feed(&f, &a, inputs[i], strlen(inputs[i]), NULL), 0);
		assert_int_equal(f->n_entries, 0);
		arena_release(&a);
	}
}

/* Channel Definition Format: HREF and LASTMOD attributes of CHANNEL and
 * ITEM, ABSTRACT as a plain-text description, a BASE attribute as the
 * base, LOGO's HREF. */
static void
test_cdf(void **state)
{
	static const char doc[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<CHANNEL HREF=\"http://cdf.example/\" BASE=\"http://cdf.example/"
	    "d/\" LASTMOD=\"2004-01-01T12:00\"><TITLE>Chan</TITLE>"
	    "<ABSTRACT>About &lt;b&gt;it</ABSTRACT>"
	    "<LOGO HREF=\"logo.gif\" STYLE=\"IMAGE\"/>"
	    "<ITEM HREF=\"one.html\" LASTMOD=\"2004-01-02T10:00\">"
	    "<TITLE>One</TITLE><ABSTRACT>First</ABSTRACT></ITEM>"
	    "<ITEM HREF=\"http://other.example/two\"><TITLE>Two</TITLE></ITEM>"
	    "</CHANNEL>";
	struct arena a = ARENA_INIT;
	struct feed *f = NULL;

	(void)state;
	assert_int_equal(parse_feed(&f, &a, doc, sizeof(doc) - 1, NULL), 0);
	assert_false(f->bozo);
	assert_string_equal(f->version, "rss");
	assert_string_equal(f->head.title.value, "Chan");
	assert_string_equal(f->head.link, "http://cdf.example/");
	assert_string_equal(f->head.subtitle.value, "About <b>it");
	assert_string_equal(f->head.subtitle.type, "text/plain");
	assert_string_equal(f->head.logo, "http://cdf.example/d/logo.gif");
	assert_true(f->head.updated.is_set);
	assert_int_equal(f->head.updated.t, 1072958400);
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->entries[0].link, "http://cdf.example/d/one.html");
	assert_int_equal(f->entries[0].n_links, 1);
	assert_string_equal(f->entries[0].summary.value, "First");
	assert_string_equal(f->entries[0].summary.type, "text/plain");
	assert_int_equal(f->entries[0].updated.t, 1073037600);
	assert_string_equal(f->entries[1].link, "http://other.example/two");
	arena_release(&a);
}

/* xml:base: relative (resolved against the outer base, in the end the
 * document's URL), unsafe (javascript:) or broken (an unclosed IPv6
 * bracket) bases are no base. */
static void
test_xml_base_forms(void **state)
{
	static const char *const bases[][2] = {
	    { "../rel/", "http://base.example/rel/e/1" },
	    { "/abs/", "http://base.example/abs/e/1" },
	    { "javascript:alert(1)//", "http://base.example/dir/e/1" },
	    { "http://[broken/", "http://base.example/dir/e/1" },
	    { "http://[::1]/v6/", "http://[::1]/v6/e/1" },
	    { "http://a]b/", "http://base.example/dir/e/1" },
	};
	struct parse_opts o = { .url = "http://base.example/dir/feed.xml" };

	(void)state;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		struct arena a = ARENA_INIT;
		struct feed *f = NULL;
		char *doc = arena_printf(&a, "<feed xmlns=\"http://www.w3.org/"
		    "2005/Atom\" xml:base=\"%s\"><title>t</title><entry>"
		    "<link href=\"e/1\"/></entry></feed>", bases[i][0]);

		assert_int_equal(parse_feed(&f, &a, doc, strlen(doc), &o), 0);
		assert_int_equal(f->n_entries, 1);
		if (!f->entries[0].link ||
		    strcmp(f->entries[0].link, bases[i][1]) != 0)
			fail_msg("base %s: link %s, want %s", bases[i][0],
			    f->entries[0].link ? f->entries[0].link : "(none)",
			    bases[i][1]);
		arena_release(&a);
	}
}

/* Numeric character references in their rarer spellings: upper-case X
 * (HTML's), references to C1 controls (windows-1252, like browsers), and
 * references to no character (U+FFFD, like HTML). */
static void
test_char_refs(void **state)
{
	static const char doc[] =
	    "<rss version=\"2.0\"><channel><title>a&#X41;&#x0042;&#0067;</title>"
	    "<item><title>&#x92;&#150;&#129;</title></item>"
	    "<item><title>x&#xD800;&#1114112;&#0;&#99999999999999;y</title>"
	    "</item><item><description>&lt;p&gt;a&amp;#x9F;&amp;#150;b"
	    "&amp;#xD800;&amp;#0;c&lt;/p&gt;</description>"
	    "</item></channel></rss>";
	struct arena a = ARENA_INIT;
	struct feed *f = NULL;

	(void)state;
	assert_int_equal(parse_feed(&f, &a, doc, sizeof(doc) - 1, NULL), 0);
	assert_true(f->bozo);
	assert_string_equal(f->head.title.value, "aABC");
	assert_int_equal(f->n_entries, 3);
	assert_string_equal(f->entries[0].title.value,
			    "\xe2\x80\x99\xe2\x80\x93\xc2\x81");
	/* the same in HTML content */
	assert_string_equal(f->entries[2].summary.value,
			    "<p>a\xc5\xb8\xe2\x80\x93" "b\xef\xbf\xbd"
			    "\xef\xbf\xbd" "c</p>");
	assert_string_equal(f->entries[1].title.value,
			    "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbdy");
	arena_release(&a);
}

/* A numeric reference without its ';' in an ill-formed feed, where the
 * XML parser cannot take it: in text (a plain title, escaped HTML, raw in
 * an HTML element) it stays as written and HTML reads it, so the HTML
 * value has the character; in a raw XHTML attribute value a decimal one is
 * the character, a hexadecimal one text (feedparser's reading). */
static void
test_char_refs_no_semicolon(void **state)
{
	static const char doc[] =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>"
	    "<entry><title type=\"text\">t &#65 x &#x41 y</title>"
	    "<summary type=\"html\">&lt;p&gt;s &amp;#65 x &amp;#x41g"
	    " &amp;#x z &amp;#66&lt;/p&gt;</summary>"
	    "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
	    "c &#65 x <a href=\"http://e.example/?a=&#65 b&amp;c=&#x41;"
	    "&amp;d=&#x42 e\">l</a></div></content></entry>"
	    "<entry><title type=\"html\">h &#65 x</title></entry></feed>";
	struct arena a = ARENA_INIT;
	struct feed *f = NULL;

	(void)state;
	assert_int_equal(parse_feed(&f, &a, doc, sizeof(doc) - 1, NULL), 0);
	assert_true(f->bozo);
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->entries[0].title.value, "t &#65 x &#x41 y");
	assert_string_equal(f->entries[0].summary.value,
	    "<p>s A x Ag &amp;#x z B</p>");
	assert_non_null(f->entries[0].n_content ? f->entries[0].content : NULL);
	assert_string_equal(f->entries[0].content[0].value,
	    "c &amp;#65 x <a href=\"http://e.example/?a=A%20b&amp;c=A&amp;"
	    "d=&amp;#x42%20e\">l</a>");
	assert_string_equal(f->entries[1].title.value, "h A x");
	arena_release(&a);
}

/* HTML entities without a DTD, stray ampersands, CDATA and declared
 * entities, each in the place it must (or must not) be rewritten. */
static void
test_entities(void **state)
{
	static const char doc[] =
	    "<!DOCTYPE rss [<!ENTITY me \"Jane\">]>"
	    "<rss version=\"2.0\"><channel><item>"
	    "<guid isPermaLink=\"false\">a&nbsp;b</guid>"
	    "<link>http://x.example/?a=1&b=2</link>"
	    "<author>&me;</author>"
	    "<enclosure url=\"http://x.example/e?a=1&b=2\" "
	    "type=\"audio/mpeg\"/>"
	    "</item><item>"
	    "<guid isPermaLink=\"false\"><![CDATA[a&nbsp;b]]></guid>"
	    "<comments>http://x.example/&copy;</comments>"
	    "</item></channel></rss>";
	struct arena a = ARENA_INIT;
	struct feed *f = NULL;

	(void)state;
	assert_int_equal(parse_feed(&f, &a, doc, sizeof(doc) - 1, NULL), 0);
	assert_int_equal(f->n_entries, 2);
	assert_string_equal(f->entries[0].id, "a\xc2\xa0"
					      "b");
	assert_string_equal(f->entries[0].link, "http://x.example/?a=1&b=2");
	assert_string_equal(f->entries[0].author, "Jane");
	assert_string_equal(f->entries[0].enclosures[0].href,
			    "http://x.example/e?a=1&b=2");
	assert_string_equal(f->entries[1].id, "a&nbsp;b");
	assert_string_equal(f->entries[1].comments,
			    "http://x.example/\xc2\xa9");
	arena_release(&a);
}

static void
test_rss_author_forms(void **state)
{
	static const struct {
		const char *in, *name, *email;
	} cases[] = {
	    {"Jane Doe (jane@example.com)", "Jane Doe", "jane@example.com"},
	    {"jane@example.com (Jane Doe)", "Jane Doe", "jane@example.com"},
	    {"Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com"},
	    {"jane@example.com", NULL, "jane@example.com"},
	    {"Jane Doe", "Jane Doe", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a = ARENA_INIT;
		struct buf b = BUF_INIT(BUF_NOCAP);
		struct feed *f = NULL;
		const struct feed_person *p;

		buf_adds(&b, "<rss version=\"2.0\"><channel><item><author>");
		for (const char *q = cases[i].in; *q; q++) {
			if (*q == '<')
				buf_adds(&b, "&lt;");
			else if (*q == '>')
				buf_adds(&b, "&gt;");
			else
				buf_addc(&b, *q);
		}
		buf_adds(&b, "</author></item></channel></rss>");
		assert_int_equal(parse_feed(&f, &a, b.ptr, b.len, NULL), 0);
		assert_int_equal(f->n_entries, 1);
		p = f->entries[0].author_detail;
		assert_non_null(p);
		if (cases[i].name)
			assert_string_equal(p->name, cases[i].name);
		else
			assert_null(p->name);
		if (cases[i].email)
			assert_string_equal(p->email, cases[i].email);
		else
			assert_null(p->email);
		assert_string_equal(f->entries[0].author, cases[i].in);
		buf_release(&b);
		arena_release(&a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden),
	    cmocka_unit_test(test_xxe_not_read),
	    cmocka_unit_test(test_billion_laughs_bounded),
	    cmocka_unit_test(test_script_sanitized),
	    cmocka_unit_test(test_media_photo_caption_credit),
	    cmocka_unit_test(test_atom_base_and_lang),
	    cmocka_unit_test(test_arabic_windows_1256),
	    cmocka_unit_test(test_jsonfeed),
	    cmocka_unit_test(test_illformed_recovers),
	    cmocka_unit_test(test_rdf),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_truncated_prefixes),
	    cmocka_unit_test(test_adversarial_linear),
	    cmocka_unit_test(test_not_a_feed),
	    cmocka_unit_test(issue_13_jsonfeed_nul),
	    cmocka_unit_test(test_entities),
	    cmocka_unit_test(test_char_refs),
	    cmocka_unit_test(test_char_refs_no_semicolon),
	    cmocka_unit_test(test_cdf),
	    cmocka_unit_test(test_xml_base_forms),
	    cmocka_unit_test(test_rss_author_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
