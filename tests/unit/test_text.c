/* Unit tests for core/text: normalization, tokenizing, stemming, HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/text.h"
#include "core/banned.h"

static void
normalize_table(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Hello", "hello" },
		{ "STRASSE", "strasse" },
		{ "Straße", "strasse" },                     /* full case fold */
		{ "\xef\xbc\xa1\xef\xbc\xa2", "ab" },        /* fullwidth AB */
		{ "كَتَبَ", "كتب" },                           /* harakat */
		{ "مُحَمَّدٌ", "محمد" },                          /* shadda, tanwin */
		{ "كتـــاب", "كتاب" },                         /* tatweel */
		{ "هٰذا", "هذا" },                             /* superscript alef */
		{ "أحمد", "احمد" },
		{ "إسلام", "اسلام" },
		{ "آمن", "امن" },
		{ "ٱلله", "الله" },                           /* alef wasla */
		{ "مستشفى", "مستشفي" },                       /* alef maqsura */
		{ "مدرسة", "مدرسه" },                         /* teh marbuta */
		{ "مؤتمر", "موتمر" },
		{ "رئيس", "رييس" },
		{ "٢٠٢٤", "2024" },
		{ "\xef\xbb\xbb", "\xd9\x84\xd8\xa7" },      /* lam-alef ligature */
	};
	struct buf b = BUF_INIT(BUF_NOCAP);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		assert_int_equal(text_normalize(&b, cases[i].in,
		    strlen(cases[i].in)), 0);
		assert_string_equal(b.ptr, cases[i].out);
	}
	buf_release(&b);
}

struct toks {
	struct buf b;
	int n;
};

static int
collect(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct toks *t = payload;

	(void)start;
	(void)end;
	if (t->b.len)
		buf_addc(&t->b, is_colocated ? '|' : ' ');
	buf_add(&t->b, tok, len);
	t->n++;
	return 0;
}

static const char *
tokens(struct text_analyzer *ta, struct toks *t, const char *s, int flags)
{
	buf_reset(&t->b);
	t->n = 0;
	assert_int_equal(text_tokenize(ta, s, strlen(s), flags, collect, t), 0);
	return t->b.ptr;
}

static void
tokenize_and_stem(void **state)
{
	struct text_analyzer *ta = NULL;
	struct toks t = { BUF_INIT(BUF_NOCAP), 0 };

	(void)state;
	assert_int_equal(text_analyzer_new(&ta), 0);
	assert_string_equal(tokens(ta, &t, "Hello, World! it's 2024", 0),
	    "hello world it s 2024");
	assert_string_equal(tokens(ta, &t, "Elections RUNNING", TEXT_STEM),
	    "elect run");
	/* Same stem with and without diacritics. */
	assert_string_equal(tokens(ta, &t, "كَتَبَ", TEXT_QUERY),
	    tokens(ta, &t, "كتب", TEXT_QUERY));
	/* ب + بغداد: the prefix variant meets the query's stem. */
	tokens(ta, &t, "ببغداد", TEXT_INDEX);
	assert_non_null(strstr(t.b.ptr, "|غداد"));
	assert_string_equal(tokens(ta, &t, "بغداد", TEXT_QUERY), "غداد");
	/* issue 8: the definite article, alone or after a proclitic, is
	 * dropped the same way at index and query time */
	assert_string_equal(tokens(ta, &t, "السد", TEXT_QUERY), "سد");
	assert_string_equal(tokens(ta, &t, "الخزان", TEXT_QUERY),
	    tokens(ta, &t, "خزان", TEXT_QUERY));
	assert_string_equal(tokens(ta, &t, "والخزان", TEXT_QUERY),
	    tokens(ta, &t, "خزان", TEXT_QUERY));
	tokens(ta, &t, "السد", TEXT_INDEX);
	assert_non_null(strstr(t.b.ptr, "سد"));
	assert_string_equal(tokens(ta, &t, "ال", TEXT_QUERY), "ال");
	/* Queries never get prefix variants. */
	assert_null(strchr(tokens(ta, &t, "ببغداد", TEXT_QUERY), ' '));
	/* Punctuation, quotes and FTS5 syntax are not words. */
	assert_string_equal(tokens(ta, &t, "\"*(^:-) NEAR(", 0), "near");
	assert_int_equal(t.n, 1);
	/* Invalid UTF-8 separates words instead of failing. */
	assert_string_equal(tokens(ta, &t, "ab\xff\xfe" "cd", 0), "ab cd");
	/* Over-long words are skipped. */
	{
		char big[600];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		tokens(ta, &t, big, 0);
		assert_int_equal(t.n, 0);
	}
	buf_release(&t.b);
	text_analyzer_free(ta);
}

/* The tokenizer's shortcut for plain Arabic words agrees with the general
 * path (text_normalize). */
static void
arabic_fast_path_agrees(void **state)
{
	static const char *const words[] = { "كَتَبَ", "أحمد", "إسلام", "آمن",
		"ٱلله", "مستشفى", "مدرسة", "مؤتمر", "رئيس", "كتـــاب", "هٰذا",
		"٢٠٢٤", "ءامن", "ٹ", "ﻻ", "گچپژ", "بِسْمِ" };
	struct text_analyzer *ta = NULL;
	struct toks t = { BUF_INIT(BUF_NOCAP), 0 };
	struct buf b = BUF_INIT(BUF_NOCAP);

	(void)state;
	assert_int_equal(text_analyzer_new(&ta), 0);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		buf_reset(&b);
		assert_int_equal(text_normalize(&b, words[i], strlen(words[i])),
		    0);
		assert_string_equal(tokens(ta, &t, words[i], 0), b.ptr);
	}
	buf_release(&b);
	buf_release(&t.b);
	text_analyzer_free(ta);
}

static int
stop_at_two(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	int *n = payload;

	(void)tok; (void)len; (void)start; (void)end; (void)is_colocated;
	return ++*n == 2 ? 7 : 0;
}

static void
tokenize_offsets_and_stop(void **state)
{
	struct text_analyzer *ta = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(text_analyzer_new(&ta), 0);
	assert_int_equal(text_tokenize(ta, "a b c d", 7, 0, stop_at_two, &n), 7);
	assert_int_equal(n, 2);
	text_analyzer_free(ta);
}

static void
strip_html_table(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "<p>One</p><p>Two</p>", "One Two" },
		{ "hel<b>lo</b> wor<i>ld</i>", "hello world" },
		{ "a<br>b<br/>c", "a b c" },
		{ "x<script>alert('<p>')</script>y", "x y" },
		{ "x<style>p{}</style>y", "x y" },
		{ "a<!-- <p>hidden</p> -->b", "a b" },
		{ "Tom &amp; Jerry &lt;3 &quot;q&quot; &#65;&#x42;", "Tom & Jerry <3 \"q\" AB" },
		{ "a&nbsp;b", "a b" },
		{ "&unknown; & done", "&unknown; & done" },
		{ "  lots \n\t of   space  ", "lots of space" },
		{ "<a href=\"x>y\">link</a> after", "link after" },
		{ "1 < 2 and 3 > 2", "1 < 2 and 3 > 2" },
		{ "cut <img src=", "cut" },
		{ "&#0;&#xD800;", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "<p>بغداد</p>", "بغداد" },
		/* issue 8: inline vs block when flattening summaries */
		{ "a <a href=\"/s\">socialist</a>.", "a socialist." },
		{ "<ul><li>One</li><li>Two.</li><li>Three</li></ul>after",
		  "One; Two. Three; after" },
		{ "<h2>Head</h2><p>Body</p>", "Head. Body" },
	};
	struct buf b = BUF_INIT(BUF_NOCAP);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		assert_int_equal(text_strip_html(&b, cases[i].in,
		    strlen(cases[i].in)), 0);
		assert_string_equal(b.ptr, cases[i].out);
	}
	buf_release(&b);
}

static void
utf8_trunc_keeps_characters(void **state)
{
	const char *s = "ab\xd8\xa8\xd8\xba";           /* ab + 2 Arabic letters */

	(void)state;
	assert_int_equal(text_utf8_trunc(s, 6, 10), 6);
	assert_int_equal(text_utf8_trunc(s, 6, 5), 4);
	assert_int_equal(text_utf8_trunc(s, 6, 3), 2);
	assert_int_equal(text_utf8_trunc(s, 6, 0), 0);
}

static int
offsets(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct buf *b = payload;

	(void)is_colocated;
	buf_addf(b, "%.*s@%zu-%zu ", (int)len, tok, start, end);
	return 0;
}

/* ASCII words are read and folded in one pass; the edges of that
 * shortcut: a word that goes on past ASCII (either way round), one that
 * ends at non-ASCII punctuation, the length limit, and the offsets. */
static void
ascii_words_one_pass(void **state)
{
	struct text_analyzer *ta = NULL;
	struct toks t = { BUF_INIT(BUF_NOCAP), 0 };
	struct buf b = BUF_INIT(BUF_NOCAP);
	char w[TEXT_TOKEN_MAX + 8];

	(void)state;
	assert_int_equal(text_analyzer_new(&ta), 0);
	assert_string_equal(tokens(ta, &t, "Caf\xc3\xa9 NA\xc3\x8fVE \xc3\x89" "cole",
	    0), "caf\xc3\xa9 na\xc3\xafve \xc3\xa9" "cole");
	assert_string_equal(tokens(ta, &t, "dam\xe2\x80\x99s Tessen\xe2\x80\x94"
	    "Korvia", 0), "dam s tessen korvia");
	assert_string_equal(tokens(ta, &t, "R2D2 x9", 0), "r2d2 x9");
	/* TEXT_TOKEN_MAX letters are a word, one more is skipped */
	memset(w, 'A', TEXT_TOKEN_MAX);
	memcpy(w + TEXT_TOKEN_MAX, " ok", 4);
	tokens(ta, &t, w, 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(strlen(t.b.ptr), TEXT_TOKEN_MAX + 3);
	memset(w, 'A', TEXT_TOKEN_MAX + 1);
	memcpy(w + TEXT_TOKEN_MAX + 1, " ok", 4);
	assert_string_equal(tokens(ta, &t, w, 0), "ok");
	/* offsets are the raw word's bytes */
	assert_int_equal(text_tokenize(ta, "The Dam, caf\xc3\xa9!", 15, 0,
	    offsets, &b), 0);
	assert_string_equal(b.ptr, "the@0-3 dam@4-7 caf\xc3\xa9@9-14 ");
	buf_release(&b);
	buf_release(&t.b);
	text_analyzer_free(ta);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_table),
		cmocka_unit_test(tokenize_and_stem),
		cmocka_unit_test(tokenize_offsets_and_stop),
		cmocka_unit_test(ascii_words_one_pass),
		cmocka_unit_test(arabic_fast_path_agrees),
		cmocka_unit_test(strip_html_table),
		cmocka_unit_test(utf8_trunc_keeps_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
