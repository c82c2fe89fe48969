/*
 * site_copies: near-duplicates on the public pages (issue 9). Wire copy
 * carried by several outlets (ingest marks each copy with the first
 * copy's id, items.dup_of) is shown once in a list, under the first of
 * its copies the list holds, with "Also carried by: Outlet, Outlet"
 * linking the others; the item page names the other copies the same way.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define COPIES_MAX 20            /* copies named on an item page */

static int64_t
root_of(const struct item *it)
{
	return it->dup_of ? it->dup_of : it->id;
}

size_t *
site_copies_group(struct web_req *r, const struct item *v, size_t n)
{
	size_t *lead = arena_alloc(&r->a, (n ? n : 1) * sizeof(*lead));

	for (size_t i = 0; i < n; i++) {
		int64_t root = root_of(&v[i]);

		lead[i] = i;
		/* only items that are, or have, copies need the scan */
		for (size_t j = 0; j < i && (v[i].dup_of || root == v[i].id);
		    j++)
			if (lead[j] == j && root_of(&v[j]) == root) {
				lead[i] = j;
				break;
			}
	}
	return lead;
}

static void
add_also(struct web_req *r, struct tmpl_obj *e, struct tmpl_list **l,
    const struct item *it)
{
	struct tmpl_obj *c;

	if (!*l)
		*l = tmpl_set_list(e, "also");
	c = tmpl_list_add(*l);
	tmpl_set_text(c, "sep", tmpl_list_len(*l) > 1 ? ", " : "");
	tmpl_set_text(c, "path", arena_printf(&r->a, "/item/%lld",
	    (long long)it->id));
	tmpl_set_text(c, "outlet", it->source_title && *it->source_title ?
	    it->source_title : "an outlet");
}

void
site_copies_also(struct web_req *r, struct tmpl_obj *e, const struct item *v,
    size_t n, const size_t *lead, size_t i)
{
	struct tmpl_list *l = NULL;

	for (size_t j = i + 1; j < n; j++)
		if (lead[j] == i && v[j].source_id != v[i].source_id)
			add_also(r, e, &l, &v[j]);
	tmpl_set_bool(e, "has_also", l != NULL);
}

int
site_copies_item(struct web_req *r, struct tmpl_obj *e, const struct item *it)
{
	struct item *v = NULL;
	struct tmpl_list *l = NULL;
	size_t n = 0;
	int rc;

	if ((rc = store_item_copies(r->st, &r->a, it->id, COPIES_MAX, &v,
	    &n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		web_dep(r, DEP_ITEM, v[i].id);
		if (v[i].source_id != it->source_id)
			add_also(r, e, &l, &v[i]);
	}
	tmpl_set_bool(e, "has_also", l != NULL);
	return 0;
}
