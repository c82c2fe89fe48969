/*
 * fuzz_tmpl: parses the input as a template and renders it against a
 * fixed context holding hostile text, HTML, lists and objects. Asserts the
 * escaping invariant: a template without < or " never outputs one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "render/tmpl.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct tmpl *t;
	struct page pg;

	arena_init(&a);
	if (tmpl_parse(&t, &a, "fuzz", (const char *)data, size) == 0) {
		struct tmpl_obj *o = tmpl_obj_new(&a);
		struct tmpl_list *l = tmpl_set_list(o, "items");

		tmpl_set_text(o, "x", "<script>alert(1)</script>\"onx='");
		tmpl_set_html(o, "h", HTML("&amp;ok"));
		tmpl_set_int(o, "n", 42);
		tmpl_set_bool(o, "yes", true);
		tmpl_set_text(tmpl_set_obj(o, "o"), "x", "<script>");
		for (int i = 0; i < 3; i++)
			tmpl_set_text(tmpl_list_add(l), "x", "<script>");
		page_init(&pg, &a, 1 << 20);
		(void)tmpl_render_one(&pg, t, o);
		/* values are escaped: a template without < or " cannot
		 * produce one */
		if (!memchr(data, '<', size) && memchr(pg.b.ptr, '<', pg.b.len))
			abort();
		if (!memchr(data, '"', size) && memchr(pg.b.ptr, '"', pg.b.len))
			abort();
		page_release(&pg);
	}
	arena_release(&a);
	return 0;
}
