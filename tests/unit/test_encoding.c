/*
 * test_encoding: parse_doc_decode() and parse_decode().
 *
 * Two tables: files of the feed kit's encoding cases (dev/files/encoding,
 * expected values from dev/cases.json), and synthetic documents for BOMs,
 * UTF-16/32 without BOM, HTTP charset vs declaration and bogus labels.
 *
 * The kit is ../shared/eval/feeds, next to the checkout (tests run from the
 * source root), on every developer machine and in CI; NEWSDESK_EVAL
 * overrides its path. A missing kit or a missing file of it fails the test
 * with its path: a table that silently shrinks tests nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "parse/parse.h"
#include "parse/parse_int.h"
#include "test_util.h"
#include "core/banned.h"

struct file_case {
	const char *file;          /* under dev/files/encoding/ */
	const char *content_type;  /* HTTP header of the case, or NULL */
	const char *encoding;      /* expected encoding */
	int bozo;                  /* expected bozo (-1: not checked) */
	const char *snippet;       /* must occur in the output, or NULL */
};

static const struct file_case file_cases[] = {
	{ "bozo_bogus_encoding.xml", NULL, "utf-8", 1, "<rss>" },
	{ "bozo_invalid-bytes-with-bom.xml", NULL, "utf-8", 1,
	  "Valid UTF8: \xd1\xa8" },
	{ "demoronize-1.xml", NULL, "utf-8", 0,
	  "<description>don\xe2\x80\x99t</description>" },
	{ "euc-kr-item.xml", NULL, "euc-kr", 0,
	  "<description>\xeb\x85\x84</description>" },
	{ "http_application_atom_xml_charset.xml",
	  "application/atom+xml;charset='us-ascii'", "us-ascii", 0, NULL },
	{ "http_application_atom_xml_charset_overrides_encoding.xml",
	  "application/atom+xml; charset='us-ascii'", "us-ascii", 0, NULL },
	{ "http_application_atom_xml_encoding.xml", "application/atom+xml",
	  "iso-8859-1", 0, NULL },
	{ "http_application_atom_xml_gb2312_charset_overrides_encoding.xml",
	  "application/atom+xml; charset='gb2312'", "gb18030", 0, NULL },
	{ "http_application_rss_xml_charset_overrides_encoding.xml",
	  "application/rss+xml;charset= \"us-ascii\"", "us-ascii", 0, NULL },
	{ "http_application_xml_default.xml", "application/xml", "utf-8", 0,
	  NULL },
	{ "http_i18n.xml", "application/xml", "utf-8", 0,
	  "I\xc3\xb1t\xc3\xabrn\xc3\xa2ti\xc3\xb4n\xc3\xa0liz\xc3\xa6ti\xc3\xb8n" },
	{ "http_text_xml_charset_2.xml", "text/xml; charset=windows-1252",
	  "windows-1252", 0,
	  "This is a \xc2\xa3\xe2\x80\x9ctest.\xe2\x80\x9d" },
	{ "http_text_xml_charset_overrides_encoding.xml",
	  "text/xml;charset = us-ascii", "us-ascii", 0, NULL },
	{ "no_content_type_encoding.xml", NULL, "iso-8859-1", 0, NULL },
	{ "utf-16be-autodetect.xml", NULL, "utf-16be", 0, "<rss" },
	{ "utf-16le.xml", NULL, "utf-16le", 0, "<rss" },
	{ "utf-32be-bom.xml", NULL, "utf-32be", 0, "<rss>" },
	{ "utf-32be.xml", NULL, "utf-32be", 0, "<rss>" },
	{ "utf-32le-bom.xml", NULL, "utf-32le", 0, "<rss>" },
	{ "utf16.xml", NULL, "utf-16be", 0, "<rss" },
	/* byte 0x80 under code-page labels, some of which glibc spells
	 * otherwise */
	{ "x80/x80_437.xml", NULL, "437", -1, "<title>\xc3\x87</title>" },
	{ "x80/x80_855.xml", NULL, "855", -1, "<title>\xd1\x92</title>" },
	{ "x80/x80_cp1250.xml", NULL, "windows-1250", -1,
	  "<title>\xe2\x82\xac</title>" },
	{ "x80/x80_cp737.xml", NULL, "cp737", -1, "<title>\xce\x91</title>" },
	{ "x80/x80_csibm864.xml", NULL, "csibm864", -1,
	  "<title>\xc2\xb0</title>" },
	{ "x80/x80_ibm775.xml", NULL, "ibm775", -1, "<title>\xc4\x86</title>" },
	{ "x80/x80_koi8-r.xml", NULL, "koi8-r", -1,
	  "<title>\xe2\x94\x80</title>" },
	{ "x80/x80_maccyrillic.xml", NULL, "maccyrillic", -1,
	  "<title>\xd0\x90</title>" },
	{ "x80/x80_macroman.xml", NULL, "macroman", -1,
	  "<title>\xc3\x84</title>" },
	{ "x80/x80_windows_1251.xml", NULL, "windows-1251", -1,
	  "<title>\xd0\x82</title>" },
	{ "x80/x80_windows_1258.xml", NULL, "windows-1258", -1,
	  "<title>\xe2\x82\xac</title>" },
};

static const char *
kit_dir(void)
{
	const char *d = getenv("NEWSDESK_EVAL");

	return d ? d : "../shared/eval/feeds";
}

/* Output must not keep a declaration that would mislead libxml2. */
static void
assert_decl_utf8(const struct parse_doc *d)
{
	if (strncmp(d->utf8, "<?xml", 5) == 0 && strstr(d->utf8, "encoding=")) {
		const char *e = strstr(d->utf8, "encoding=");
		const char *end = strstr(d->utf8, "?>");

		if (end && e < end)
			assert_true(strncmp(e + 10, "utf-8", 5) == 0 ||
			    strncmp(e + 10, "UTF-8", 5) == 0);
	}
}

static void
test_kit_files(void **state)
{
	char path[1024];
	size_t done = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/dev/files/encoding", kit_dir());
	if (access(path, R_OK | X_OK) != 0)
		fail_msg("feed kit missing: %s: %s (the kit is "
		    "../shared/eval/feeds next to the checkout; NEWSDESK_EVAL "
		    "names another)", path, strerror(errno));
	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];
		struct parse_doc d;
		struct arena a;
		size_t len;
		char *data;

		snprintf(path, sizeof(path), "%s/dev/files/encoding/%s",
		    kit_dir(), c->file);
		if (!(data = test_read_file(path, &len)))
			fail_msg("feed kit file missing: %s", path);
		arena_init(&a);
		assert_int_equal(parse_doc_decode(&d, &a, data, len,
		    c->content_type), 0);
		if (strcmp(d.encoding, c->encoding) != 0 ||
		    (c->bozo >= 0 && d.bozo != (c->bozo == 1)) ||
		    (c->snippet && !strstr(d.utf8, c->snippet)))
			fail_msg("%s: encoding %s bozo %d (%s)", c->file,
			    d.encoding, d.bozo,
			    d.bozo_reason ? d.bozo_reason : "");
		assert_true(parse_utf8_is_valid(d.utf8, d.len));
		assert_int_equal(strlen(d.utf8), d.len);
		assert_decl_utf8(&d);
		arena_release(&a);
		free(data);
		done++;
	}
	assert_int_equal(done, sizeof(file_cases) / sizeof(file_cases[0]));
}

struct syn_case {
	const char *name;
	const char *data;
	size_t len;                /* 0 = strlen(data) */
	const char *content_type;
	const char *encoding;
	bool bozo;
	const char *expect;        /* whole output, or NULL */
	const char *snippet;       /* must occur, or NULL */
};

#define DECL(enc) "<?xml version=\"1.0\" encoding=\"" enc "\"?>"

static const struct syn_case syn_cases[] = {
	{ "plain utf-8", "<a>\xc3\xa9</a>", 0, NULL, "utf-8", false,
	  "<a>\xc3\xa9</a>", NULL },
	{ "empty", "", 0, NULL, "utf-8", false, "", NULL },
	{ "utf-8 bom", "\xef\xbb\xbf<a>x</a>", 0, NULL, "utf-8", false,
	  "<a>x</a>", NULL },
	{ "utf-8 bom beats declaration", "\xef\xbb\xbf" DECL("iso-8859-1")
	  "<a>\xc3\xa9</a>", 0, NULL, "utf-8", false,
	  DECL("utf-8") "<a>\xc3\xa9</a>", NULL },
	{ "utf-8 bom beats charset", "\xef\xbb\xbf<a>\xc3\xa9</a>", 0,
	  "text/xml; charset=iso-8859-1", "utf-8", false, "<a>\xc3\xa9</a>",
	  NULL },
	{ "utf-16le bom", "\xff\xfe<\0a\0>\0\xe9\0<\0/\0a\0>\0", 18, NULL,
	  "utf-16le", false, "<a>\xc3\xa9</a>", NULL },
	{ "utf-16be bom", "\xfe\xff\0<\0a\0>\x20\xac\0<\0/\0a\0>", 18, NULL,
	  "utf-16be", false, "<a>\xe2\x82\xac</a>", NULL },
	{ "utf-32le bom", "\xff\xfe\0\0<\0\0\0a\0\0\0>\0\0\0", 16, NULL,
	  "utf-32le", false, "<a>", NULL },
	{ "utf-16le no bom", "<\0?\0x\0m\0l\0 \0?\0>\0<\0a\0/\0>\0", 24, NULL,
	  "utf-16le", false, "<?xml ?><a/>", NULL },
	{ "utf-16be no bom, no declaration", "\0<\0a\0/\0>", 8, NULL,
	  "utf-16be", false, "<a/>", NULL },
	{ "utf-16 lone surrogate", "\xff\xfe<\0\x00\xd8>\0", 8, NULL,
	  "utf-16le", true, "<\xef\xbf\xbd>", NULL },
	{ "declaration", DECL("iso-8859-1") "<a>\xe9</a>", 0, NULL,
	  "iso-8859-1", false, DECL("utf-8") "<a>\xc3\xa9</a>", NULL },
	{ "declaration single quotes",
	  "<?xml version='1.0' encoding='windows-1252'?><a>\x80</a>", 0, NULL,
	  "windows-1252", false, NULL, "<a>\xe2\x82\xac</a>" },
	{ "charset beats declaration", DECL("utf-8") "<a>\xe9</a>", 0,
	  "application/rss+xml; charset=\"ISO-8859-1\"", "iso-8859-1", false,
	  DECL("utf-8") "<a>\xc3\xa9</a>", NULL },
	{ "charset, other params", "<a>\xe9</a>", 0,
	  "text/xml; format=flowed; Charset='latin1'; x=y", "iso-8859-1",
	  false, "<a>\xc3\xa9</a>", NULL },
	{ "text/* without charset is not us-ascii", "<a>\xc3\xa9</a>", 0,
	  "text/xml", "utf-8", false, "<a>\xc3\xa9</a>", NULL },
	{ "bogus declaration", DECL("x-bogus") "<a/>", 0, NULL, "utf-8", true,
	  DECL("utf-8") "<a/>", NULL },
	{ "bogus charset falls back to declaration", DECL("iso-8859-1")
	  "<a>\xe9</a>", 0, "text/xml; charset=nonsense", "iso-8859-1", true,
	  NULL, "<a>\xc3\xa9</a>" },
	/* fuzz_encoding crash-a75f7cb2: an empty value is rewritten once */
	{ "empty encoding value", DECL("") "<a/>", 0, NULL, "utf-8", true,
	  DECL("utf-8") "<a/>", NULL },
	{ "label with a slash", DECL("utf-8//IGNORE") "<a/>", 0, NULL, "utf-8",
	  true, NULL, "<a/>" },
	{ "us-ascii with utf-8 bytes", DECL("us-ascii") "<a>\xc3\xa9</a>", 0,
	  NULL, "utf-8", true, NULL, "<a>\xc3\xa9</a>" },
	{ "us-ascii with latin-1 bytes", DECL("us-ascii") "<a>\xe9</a>", 0,
	  NULL, "windows-1252", true, NULL, "<a>\xc3\xa9</a>" },
	{ "utf-8 that is latin-1", "<a>caf\xe9 \x93q\x94</a>", 0, NULL,
	  "windows-1252", true, "<a>caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d</a>",
	  NULL },
	{ "utf-8 with one bad byte", "<a>\xc3\xa9 \xff</a>", 0, NULL, "utf-8",
	  true, "<a>\xc3\xa9 \xef\xbf\xbd</a>", NULL },
	{ "overlong and surrogate", "<a>\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc0\xaf\xed\xa0\x80\xc3\xa9</a>", 0, NULL, "utf-8",
	  true, NULL, "\xef\xbf\xbd\xc3\xa9</a>" },
	{ "latin-1 with an accidental utf-8 sequence",
	  "<a>\xe9t\xe9 \xab\xa0" "dou\xe9\xa0\xbb</a>", 0, NULL, "windows-1252",
	  true, "<a>\xc3\xa9t\xc3\xa9 \xc2\xab\xc2\xa0" "dou\xc3\xa9\xc2\xa0\xc2\xbb</a>",
	  NULL },
	{ "truncated sequence at end", "<a>\xc3\xa9</a>\xe2\x82", 0, NULL,
	  "utf-8", true, NULL, "</a>\xef\xbf\xbd" },
	{ "c1 control in utf-8 is windows-1252", "<a>\xc2\x85\xc2\x81</a>", 0,
	  NULL, "utf-8", false, "<a>\xe2\x80\xa6\xc2\x81</a>", NULL },
	{ "gb2312 is gb18030", DECL("gb2312") "<a>\xc4\xea</a>", 0, NULL,
	  "gb18030", false, NULL, "<a>\xe5\xb9\xb4</a>" },
	{ "big5 bad byte keeps big5", DECL("big5") "<a>\xa6\x7e\xff</a>", 0,
	  NULL, "big5", true, NULL, "\xef\xbf\xbd" },
	{ "windows_1251 label", DECL("windows_1251") "<a>\xc0</a>", 0, NULL,
	  "windows-1251", false, NULL, "<a>\xd0\x90</a>" },
	{ "macgreek table", DECL("macgreek") "<a>\xa1</a>", 0, NULL,
	  "macgreek", false, NULL, "<a>\xce\x93</a>" },
	{ "maccentraleurope", DECL("maccentraleurope") "<a>\x80</a>", 0, NULL,
	  "maccentraleurope", false, NULL, "<a>\xc3\x84</a>" },
	{ "cp_is", DECL("cp_is") "<a>\x80</a>", 0, NULL, "cp-is", false, NULL,
	  "<a>\xc3\x87</a>" },
	{ "iso-8859-15 with year", DECL("ISO_8859-15:1998") "<a>\xa4</a>", 0,
	  NULL, "iso-8859-15", false, NULL, "<a>\xe2\x82\xac</a>" },
	{ "utf-16 label on a byte document", DECL("utf-16") "<a/>", 0, NULL,
	  "utf-8", true, DECL("utf-8") "<a/>", NULL },
	/* EBCDIC, from "<?xm" in code page 037 (XML 1.0 appendix F): the
	 * declaration says which code page ('[' and ']' differ in 500) */
	{ "ebcdic cp037", "Lo\xa7\x94\x93@\xa5\x85\x99\xa2\x89\x96\x95~\x7f\xf1K\xf0\x7f@\x85\x95\x83\x96\x84\x89\x95\x87~\x7f\x83\x97\xf0\xf3\xf7\x7fonL\x81nQ\xba\xbbLa\x81n", 0, NULL, "cp037", false, NULL,
	  "<a>\xc3\xa9[]</a>" },
	{ "ebcdic ibm500", "Lo\xa7\x94\x93@\xa5\x85\x99\xa2\x89\x96\x95~\x7f\xf1K\xf0\x7f@\x85\x95\x83\x96\x84\x89\x95\x87~\x7f\xc9\xc2\xd4\xf5\xf0\xf0\x7fonL\x81nQJZLa\x81n", 0, NULL, "ibm500", false, NULL,
	  "<a>\xc3\xa9[]</a>" },
	{ "ebcdic undeclared", "Lo\xa7\x94\x93@\xa5\x85\x99\xa2\x89\x96\x95~\x7f\xf1K\xf0\x7fonL\x81nQLa\x81n", 0, NULL, "cp037", true, NULL,
	  "<a>\xc3\xa9</a>" },
	{ "utf-32be no bom", "\0\0\0<\0\0\0a\0\0\0>\0\0\0\xe9", 16, NULL,
	  "utf-32be", false, NULL, "<a>\xc3\xa9" },
	{ "utf-16be no bom, utf-16 declared",
	  "\0<\0?\0x\0m\0l\0 \0e\0n\0c\0o\0d\0i\0n\0g\0=\0'\0u\0t\0f"
	  "\0-\0\x31\0\x36\0'\0?\0>\0<\0a\0/\0>", 58, NULL, "utf-16be", false,
	  NULL, "<a/>" },
	{ "cp1253 undefined byte falls back", DECL("windows-1253")
	  "<a>\xaa</a>", 0, NULL, "windows-1252", true, NULL,
	  "<a>\xc2\xaa</a>" },
};

static void
test_synthetic(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(syn_cases) / sizeof(syn_cases[0]); i++) {
		const struct syn_case *c = &syn_cases[i];
		size_t len = c->len ? c->len : strlen(c->data);
		struct parse_doc d;
		struct arena a;

		arena_init(&a);
		assert_int_equal(parse_doc_decode(&d, &a, c->data, len,
		    c->content_type), 0);
		if (strcmp(d.encoding, c->encoding) != 0 || d.bozo != c->bozo ||
		    (c->expect && strcmp(d.utf8, c->expect) != 0) ||
		    (c->snippet && !strstr(d.utf8, c->snippet)))
			fail_msg("%s: encoding %s bozo %d (%s) output [%s]",
			    c->name, d.encoding, d.bozo,
			    d.bozo_reason ? d.bozo_reason : "", d.utf8);
		assert_true(parse_utf8_is_valid(d.utf8, d.len));
		arena_release(&a);
	}
}

static void
test_null_and_short(void **state)
{
	struct parse_doc d;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(parse_doc_decode(&d, &a, NULL, 0, NULL), 0);
	assert_string_equal(d.utf8, "");
	for (size_t n = 0; n < 6; n++) {
		assert_int_equal(parse_doc_decode(&d, &a, "\xff\xfe\0\0<\0",
		    n, NULL), 0);
		assert_true(parse_utf8_is_valid(d.utf8, d.len));
	}
	arena_release(&a);
}

static void
test_charset_param(void **state)
{
	static const struct {
		const char *ct, *want;
	} t[] = {
		{ "text/xml; charset=utf-8", "utf-8" },
		{ "text/xml;charset='us-ascii'", "us-ascii" },
		{ "text/xml;charset= \"us-ascii\"", "us-ascii" },
		{ "text/xml;charset = us-ascii", "us-ascii" },
		{ "text/xml; CHARSET=Big5 ; q=1", "Big5" },
		{ "text/xml", NULL },
		{ "text/xml; charset=", NULL },
		{ "text/xml; format=flowed", NULL },
		{ NULL, NULL },
	};
	struct arena a;

	(void)state;
	arena_init(&a);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = parse_content_type_charset(&a, t[i].ct);

		if (!t[i].want)
			assert_null(got);
		else
			assert_string_equal(got, t[i].want);
	}
	arena_release(&a);
}

static void
test_parse_decode(void **state)
{
	struct arena a;
	char *out;
	size_t n;

	(void)state;
	arena_init(&a);
	assert_int_equal(parse_decode(&out, &n, &a, "caf\xe9", 4, "latin1"), 0);
	assert_string_equal(out, "caf\xc3\xa9");
	/* parse_decode is exact: Latin-1 0x80 stays U+0080 */
	assert_int_equal(parse_decode(&out, &n, &a, "\x80", 1, "iso-8859-1"),
	    0);
	assert_string_equal(out, "\xc2\x80");
	assert_int_equal(parse_decode(&out, &n, &a, "\x80", 1, "windows_1252"),
	    0);
	assert_string_equal(out, "\xe2\x82\xac");
	assert_int_equal(parse_decode(&out, &n, &a, "\x80", 1, "macroman"), 0);
	assert_string_equal(out, "\xc3\x84");
	assert_int_equal(parse_decode(&out, &n, &a, "\x80", 1, "macturkish"),
	    0);
	assert_string_equal(out, "\xc3\x84");
	assert_int_equal(parse_decode(&out, &n, &a, "\x80", 1, "csibm861"), 0);
	assert_string_equal(out, "\xc3\x87");
	assert_int_equal(parse_decode(&out, &n, &a, "\xfe\xff\0a", 4,
	    "utf-16"), 0);
	assert_string_equal(out, "a");
	assert_int_equal(parse_decode(&out, &n, &a, "a\0", 2, "utf-16le"), 0);
	assert_string_equal(out, "a");
	assert_int_equal(parse_decode(&out, &n, &a, "x", 1, "bogus"), ND_EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(parse_decode(&out, &n, &a, "a\xff", 2, "utf-8"),
	    ND_EPARSE);
	assert_string_equal(out, "a\xef\xbf\xbd");
	assert_int_equal(parse_decode(&out, &n, &a, "a\xe9", 2, "us-ascii"),
	    ND_EPARSE);
	assert_string_equal(out, "a\xef\xbf\xbd");
	assert_int_equal(parse_decode(&out, &n, &a, "\x81", 1, "cp1252"),
	    ND_EPARSE);
	assert_int_equal(parse_decode(&out, &n, &a, "\xc4\xea", 2, "GB2312"), 0);
	assert_string_equal(out, "\xe5\xb9\xb4");
	arena_release(&a);
}

/* fuzz_encoding crash-ddf2fbd0: in a multi-byte encoding every bad byte
 * becomes a 3-byte U+FFFD, more than the first output estimate. */
static void
test_replacement_growth(void **state)
{
	static char in[5000];
	struct arena a;
	char *out;
	size_t n;

	(void)state;
	memset(in, 0xff, sizeof(in));
	arena_init(&a);
	assert_int_equal(parse_decode(&out, &n, &a, in, sizeof(in),
	    "shift_jis"), ND_EPARSE);
	assert_int_equal(n, 3 * sizeof(in));
	assert_true(parse_utf8_is_valid(out, n));
	arena_release(&a);
}

/* issue 13: the declaration is found on the raw bytes whatever its
 * length: KOI8-R with blanks that push encoding="" past byte 512 (and
 * past 256 in UTF-16), and the rewritten declaration says utf-8. */
static void
issue_13_padded_declaration(void **state)
{
	static const char koi8[] = "\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2";
	static const char want[] = "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2"
	    "\xd0\xb5\xd1\x82 \xd0\xbc\xd0\xb8\xd1\x80"; /* Привет мир */
	static const size_t pads[] = { 0, 300, 600, 5000, 100000 };
	struct arena a;
	struct parse_doc d;

	(void)state;
	for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		struct buf b = BUF_INIT(1u << 20);
		char *u16;

		arena_init(&a);
		buf_add(&b, "<?xml version=\"1.0\"", 19);
		for (size_t k = 0; k < pads[i]; k++)
			buf_add(&b, " ", 1);
		buf_adds(&b, " encoding=\"KOI8-R\"?><rss><channel><title>");
		buf_adds(&b, koi8);
		buf_adds(&b, "</title></channel></rss>");
		assert_int_equal(buf_err(&b), 0);
		assert_int_equal(parse_doc_decode(&d, &a, b.ptr, b.len, NULL),
		    0);
		assert_string_equal(d.encoding, "koi8-r");
		assert_non_null(strstr(d.utf8, want));
		assert_non_null(strstr(d.utf8, "encoding=\"utf-8\""));
		assert_null(strstr(d.utf8, "KOI8"));
		/* the same in UTF-16LE without a BOM: the label must fit
		 * the layout, so it is refused, but it is found */
		u16 = arena_alloc(&a, 2 * b.len);
		for (size_t k = 0; k < b.len; k++) {
			u16[2 * k] = b.ptr[k] & 0x7f;
			u16[2 * k + 1] = 0;
		}
		assert_int_equal(parse_doc_decode(&d, &a, u16, 2 * b.len, NULL),
		    0);
		assert_true(d.bozo);
		assert_non_null(strstr(d.bozo_reason, "koi8-r"));
		buf_release(&b);
		arena_release(&a);
	}
}

static void
test_helpers(void **state)
{
	struct arena a;
	const char *s;
	size_t n;

	(void)state;
	arena_init(&a);
	assert_int_equal(parse_cp1252_char(0x92), 0x2019);
	assert_int_equal(parse_cp1252_char(0x81), 0x81);
	assert_int_equal(parse_cp1252_char(0xe9), 0xe9);
	assert_true(parse_utf8_is_valid("abc\xc3\xa9\xf0\x9f\x98\x80", 9));
	assert_false(parse_utf8_is_valid("\xc0\x80", 2));
	assert_false(parse_utf8_is_valid("\xed\xa0\x80", 3));
	assert_false(parse_utf8_is_valid("\xf4\x90\x80\x80", 4));
	assert_false(parse_utf8_is_valid("\xe2\x82", 2));
	/* "&#226;&#128;&#166;" resolved: U+00E2 U+0080 U+00A6 -> U+2026 */
	s = parse_utf8_undouble(&a, "\xc3\xa2\xc2\x80\xc2\xa6", 6, &n);
	assert_string_equal(s, "\xe2\x80\xa6");
	/* the same after C1 mapping: U+00E2 U+20AC U+00A6 */
	s = parse_utf8_undouble(&a, "\xc3\xa2\xe2\x82\xac\xc2\xa6", 7, &n);
	assert_string_equal(s, "\xe2\x80\xa6");
	/* real Latin-1 text stays */
	s = parse_utf8_undouble(&a, "caf\xc3\xa9", 5, &n);
	assert_string_equal(s, "caf\xc3\xa9");
	s = parse_utf8_undouble(&a, "plain", 5, &n);
	assert_string_equal(s, "plain");
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kit_files),
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_null_and_short),
		cmocka_unit_test(test_charset_param),
		cmocka_unit_test(test_parse_decode),
		cmocka_unit_test(test_replacement_growth),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(issue_13_padded_declaration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
