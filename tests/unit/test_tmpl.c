/* Unit tests for render/tmpl: the template language and its escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "render/tmpl.h"
#include "core/banned.h"

static const char *
render(struct arena *a, const char *src, const struct tmpl_obj *o, int *rc)
{
	struct tmpl *t;
	struct page pg;
	const char *out;

	if ((*rc = tmpl_parse(&t, a, "t", src, strlen(src))) < 0)
		return NULL;
	page_init(&pg, a, 1 << 16);
	*rc = tmpl_render_one(&pg, t, o);
	out = arena_strdup(a, pg.b.ptr);
	page_release(&pg);
	return out;
}

static void
renders_table(void **state)
{
	struct arena a = ARENA_INIT;
	struct tmpl_obj *o = tmpl_obj_new(&a);
	struct tmpl_list *l = tmpl_set_list(o, "items");
	struct tmpl_obj *s = tmpl_set_obj(o, "site");
	static const struct { const char *src, *out; } cases[] = {
		{ "{{x}}", "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onx=&#39;" },
		{ "{{ x }}", "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onx=&#39;" },
		{ "{{h}}", "<b>bold</b>" },
		{ "{{n}}", "42" },
		{ "{{missing}}!", "!" },
		{ "{{#items}}[{{name}}]{{/items}}", "[a&amp;b][c]" },
		{ "{{#items}}{{n}}{{/items}}", "4242" },
		{ "{{^empty}}none{{/empty}}", "none" },
		{ "{{#empty}}some{{/empty}}", "" },
		{ "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", "Y" },
		{ "{{#site}}{{name}}{{/site}}|{{site.name}}", "Desk|Desk" },
		{ "a{{! comment }}b", "ab" },
		{ "{{#items}}{{#first}}*{{/first}}{{name}} {{/items}}",
		  "*a&amp;b c " },
	};
	int rc;

	(void)state;
	tmpl_set_text(o, "x", "<script>alert(1)</script>\"onx='");
	tmpl_set_html(o, "h", HTML("<b>bold</b>"));
	tmpl_set_int(o, "n", 42);
	tmpl_set_bool(o, "yes", true);
	tmpl_set_bool(o, "no", false);
	tmpl_set_list(o, "empty");
	tmpl_set_text(s, "name", "Desk");
	{
		struct tmpl_obj *e = tmpl_list_add(l);

		tmpl_set_text(e, "name", "a&b");
		tmpl_set_bool(e, "first", true);
		tmpl_set_text(tmpl_list_add(l), "name", "c");
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *out = render(&a, cases[i].src, o, &rc);

		assert_int_equal(rc, 0);
		assert_string_equal(out, cases[i].out);
	}
	arena_release(&a);
}

static void
rejects_bad_templates(void **state)
{
	static const char *bad[] = {
		"{{#a}}", "{{/a}}", "{{#a}}{{/b}}", "{{x", "{{}}", "{{a b}}",
		"{{#a}}\n\n{{#b}}{{/a}}",
	};
	struct arena a = ARENA_INIT;
	struct tmpl *t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tmpl_parse(&t, &a, "t", bad[i], strlen(bad[i])),
		    ND_EPARSE);
	assert_non_null(strstr(err_msg(), "t:3:"));
	arena_release(&a);
}

static void
partials_and_sets(void **state)
{
	struct arena a = ARENA_INIT;
	struct tmpl_set *set = tmpl_set_new();
	struct tmpl_obj *o = tmpl_obj_new(&a);
	struct page pg;

	(void)state;
	assert_int_equal(tmpl_set_add(set, "head", "<h1>{{t}}</h1>", 14), 0);
	assert_int_equal(tmpl_set_add(set, "page", "{{>head}}body", 13), 0);
	assert_int_equal(tmpl_set_add(set, "loop", "{{>loop}}", 9), 0);
	tmpl_set_text(o, "t", "<T>");
	page_init(&pg, &a, 1024);
	assert_int_equal(tmpl_render(&pg, set, "page", o), 0);
	assert_string_equal(pg.b.ptr, "<h1>&lt;T&gt;</h1>body");
	buf_reset(&pg.b);
	assert_int_equal(tmpl_render(&pg, set, "nope", o), ND_ENOTFOUND);
	assert_true(tmpl_render(&pg, set, "loop", o) < 0);   /* depth limit */
	page_release(&pg);
	/* the page cap is reported */
	page_init(&pg, &a, 4);
	assert_int_equal(tmpl_render(&pg, set, "page", o), ND_ETOOBIG);
	page_release(&pg);
	tmpl_set_free(set);
	arena_release(&a);
}

static void
loads_the_theme(void **state)
{
	struct tmpl_set *set = NULL;

	(void)state;
	assert_int_equal(tmpl_set_load(&set, "theme"), 0);
	assert_true(tmpl_set_has(set, "home"));
	assert_true(tmpl_set_has(set, "item"));
	tmpl_set_free(set);
	assert_int_equal(tmpl_set_load(&set, "/nonexistent"), ND_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renders_table),
		cmocka_unit_test(rejects_bad_templates),
		cmocka_unit_test(partials_and_sets),
		cmocka_unit_test(loads_the_theme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
