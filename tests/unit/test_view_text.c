/* Unit tests for render/view_text: the article text on item pages
 * (issue 12), an excerpt or the whole, escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "core/banned.h"

#define PARAS "{{#article_paras}}[{{p}}]{{/article_paras}}" \
	"{{#article_cut}}+{{/article_cut}}{{#article_full}}F{{/article_full}}" \
	"{{#article_excerpt}}E{{/article_excerpt}}"

/* view_item_text(text, full) rendered through PARAS; NULL when it
 * returned false. */
static const char *
show(struct arena *a, const char *text, bool full)
{
	struct tmpl_obj *o = tmpl_obj_new(a);
	struct tmpl *t;
	struct page pg;
	const char *out;

	if (!view_item_text(o, a, text, full))
		return NULL;
	assert_int_equal(tmpl_parse(&t, a, "t", PARAS, strlen(PARAS)), 0);
	page_init(&pg, a, 1 << 20);
	assert_int_equal(tmpl_render_one(&pg, t, o), 0);
	out = arena_strdup(a, pg.b.ptr);
	page_release(&pg);
	return out;
}

static void
paragraphs(void **state)
{
	struct arena a = ARENA_INIT;
	const char *three = "  First one.\n\nSecond one.  \r\nThird one.\n";

	(void)state;
	assert_string_equal(show(&a, three, true),
	    "[First one.][Second one.][Third one.]F");
	assert_string_equal(show(&a, three, false),
	    "[First one.][Second one.]+E");
	assert_string_equal(show(&a, "Only one.", false), "[Only one.]E");
	assert_null(show(&a, NULL, true));
	assert_null(show(&a, "", false));
	assert_null(show(&a, " \n\n \t\n", true));
	/* the text is text: markup in it is escaped, in both forms */
	assert_string_equal(show(&a, "a <script>alert(1)</script> & b", true),
	    "[a &lt;script&gt;alert(1)&lt;/script&gt; &amp; b]F");
	arena_release(&a);
}

/* The last paragraph of an excerpt is cut at a word, within the
 * character budget, and never inside a UTF-8 sequence. */
static void
cut_at_a_word(void **state)
{
	struct arena a = ARENA_INIT;
	struct buf b = BUF_INIT(BUF_NOCAP);
	const char *out, *p;
	size_t n;

	(void)state;
	for (int i = 0; i < 300; i++)
		buf_adds(&b, i ? " word" : "word");
	out = show(&a, arena_strndup(&a, b.ptr, b.len), false);
	n = strlen(out);
	assert_true(n > 400 && n < VIEW_EXCERPT_CHARS + 16);
	assert_string_equal(out + n - strlen(" word …]+E"), " word …]+E");
	/* a short first paragraph leaves less for the second */
	buf_reset(&b);
	buf_adds(&b, "Short lead.\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&b, " mot");
	out = show(&a, arena_strndup(&a, b.ptr, b.len), false);
	assert_non_null(strstr(out, "[Short lead.][mot mot"));
	assert_true(strlen(out) < VIEW_EXCERPT_CHARS + 32);
	/* two bytes a character: the budget counts characters */
	buf_reset(&b);
	for (int i = 0; i < 400; i++)
		buf_adds(&b, "éé ");
	out = show(&a, arena_strndup(&a, b.ptr, b.len), false);
	assert_non_null((p = strstr(out, " …]")));
	assert_true((size_t)(p - out) > VIEW_EXCERPT_CHARS);   /* bytes */
	assert_memory_equal(p - 4, "éé", 4);
	/* one word longer than the budget: cut at a character */
	buf_reset(&b);
	for (int i = 0; i < 700; i++)
		buf_adds(&b, "é");
	out = show(&a, arena_strndup(&a, b.ptr, b.len), false);
	assert_int_equal(strlen(out), 1 + VIEW_EXCERPT_CHARS * 2 +
	    strlen(" …]+E"));
	/* the whole text is never cut */
	out = show(&a, arena_strndup(&a, b.ptr, b.len), true);
	assert_int_equal(strlen(out), 1 + 1400 + strlen("]F"));
	buf_release(&b);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paragraphs),
		cmocka_unit_test(cut_at_a_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
