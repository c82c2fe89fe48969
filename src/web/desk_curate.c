/*
 * desk_curate: the editors' hand on what is gathered (issue 10).
 * /desk/items lists recent items (filters: section, outlet, words) and
 * the review lists (items ingest held as off the beat, issue 9;
 * hidden, pinned, stories);
 * /desk/item/ID pins, hides, retitles and re-files one item;
 * /desk/story/ID pins, retitles, merges and splits a story. Every action
 * goes to the audit log, and through the store's change log (store.h,
 * curation) the public pages that show the item change at once; nothing
 * here touches the page cache.
 */
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "model/model.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define LIST_N 50
#define SCAN_N 1000              /* the hidden list looks this far back */

/* One item as the desk lists it. */
static void
desk_item(struct web_req *r, struct tmpl_obj *e, const struct item *it,
    const struct section *sv, size_t ns, time_t now)
{
	view_item(e, &r->a, &r->site->vs, it, false, now);
	tmpl_set_text(e, "edit_path", arena_printf(&r->a, "/desk/item/%lld",
	    (long long)it->id));
	tmpl_set_bool(e, "is_hidden", it->is_hidden);
	tmpl_set_bool(e, "is_pinned", it->pinned_at > 0);
	tmpl_set_bool(e, "is_refiled", it->editor_section_id != 0 &&
	    !it->is_section_auto);
	tmpl_set_bool(e, "is_section_auto", it->is_section_auto);
	tmpl_set_bool(e, "is_review", it->review == 1);
	tmpl_set_text(e, "section", "none");
	for (size_t i = 0; i < ns; i++)
		if (sv[i].id == it->section_id)
			tmpl_set_text(e, "section", sv[i].name);
}

static void
add_sections(struct web_req *r, struct tmpl_obj *o, const struct section *sv,
    size_t ns, int64_t current, const char *key)
{
	struct tmpl_list *l = tmpl_set_list(o, key);

	for (size_t i = 0; i < ns; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);

		tmpl_set_int(e, "id", sv[i].id);
		tmpl_set_text(e, "slug", sv[i].slug);
		tmpl_set_text(e, "name", sv[i].name);
		tmpl_set_bool(e, "is_current", sv[i].id == current);
	}
}

static int
list_stories(struct web_req *r, struct tmpl_obj *o)
{
	struct store_story_query q = { .limit = LIST_N };
	struct story *sv = NULL;
	struct tmpl_list *l = tmpl_set_list(o, "stories");
	size_t n = 0;
	time_t now = time(NULL);
	int rc;

	if ((rc = store_story_list(r->st, &r->a, &q, (int64_t)now, &sv,
	    &n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);

		tmpl_set_text(e, "path", arena_printf(&r->a, "/desk/story/%lld",
		    (long long)sv[i].id));
		tmpl_set_text(e, "title", sv[i].editor_title ?
		    sv[i].editor_title : sv[i].title && *sv[i].title ?
		    sv[i].title : "A story");
		tmpl_set_int(e, "n_items", (long long)sv[i].n_items);
		tmpl_set_int(e, "n_outlets", (long long)sv[i].n_outlets);
		tmpl_set_bool(e, "is_pinned", sv[i].is_pinned);
		tmpl_set_text(e, "age", view_age(&r->a, r->site->tz,
		    sv[i].last_seen, now));
	}
	return 0;
}

int
desk_items(struct web_req *r)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Items", "items");
	struct tmpl_list *l = tmpl_set_list(o, "items");
	struct section *sv = NULL, *sec = NULL;
	struct item *items = NULL;
	struct store_item_query q = { .limit = LIST_N, .with_hidden = true };
	const char *view = web_query(r, "view"), *words = web_query(r, "q");
	const char *slug = web_query(r, "section");
	long long src = web_query_int(r, "source", 1, INT64_MAX, 0);
	long long page = web_query_int(r, "page", 1, 100, 1);
	size_t ns = 0, n = 0, shown = 0;
	time_t now = time(NULL);
	int rc;

	if ((rc = store_section_list(r->st, &r->a, &sv, &ns)) < 0)
		return rc;
	if (slug && (rc = store_section_find(r->st, &r->a, slug, &sec)) < 0 &&
	    rc != ND_ENOTFOUND)
		return rc;
	add_sections(r, o, sv, ns, sec ? sec->id : 0, "sections");
	tmpl_set_text(o, "q", words);
	tmpl_set_int(o, "source", src);
	if (!view)
		view = "recent";
	tmpl_set_bool(o, arena_printf(&r->a, "view_%s", strcmp(view,
	    "review") == 0 || strcmp(view, "hidden") == 0 ||
	    strcmp(view, "pinned") == 0 || strcmp(view, "stories") == 0 ?
	    view : "recent"), true);
	if (strcmp(view, "stories") == 0) {
		if ((rc = list_stories(r, o)) < 0)
			return rc;
		return desk_render(r, "desk_items", o);
	}
	if (words && strlen(words) <= 500) {
		struct store_search_opts so = { .limit = LIST_N,
			.section_id = sec ? sec->id : 0, .source_id = src };
		struct store_hit *hits = NULL;
		size_t total = 0;

		if ((rc = store_search(r->st, &r->a, words, &so, &hits, &n,
		    &total, NULL)) < 0 && rc != ND_EINVAL)
			return rc;
		for (size_t i = 0; i < n; i++)
			desk_item(r, tmpl_list_add(l), &hits[i].item, sv, ns,
			    now);
		tmpl_set_bool(o, "has_items", n > 0);
		return desk_render(r, "desk_items", o);
	}
	if (strcmp(view, "pinned") == 0) {
		if ((rc = store_item_pinned(r->st, &r->a, LIST_N, &items,
		    &n)) < 0)
			return rc;
	} else if (strcmp(view, "review") == 0) {
		/* what ingest held back as off the beat (issue 9) */
		if ((rc = store_review_list(r->st, &r->a, LIST_N, &items,
		    &n)) < 0)
			return rc;
	} else if (strcmp(view, "hidden") == 0) {
		/* hidden: a scan of the newest SCAN_N */
		q.limit = SCAN_N;
		if ((rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			bool keep = items[i].is_hidden;

			if (keep && shown < LIST_N)
				items[shown++] = items[i];
		}
		n = shown;
	} else {
		q.section_id = sec ? sec->id : 0;
		q.source_id = src;
		q.offset = (size_t)(page - 1) * LIST_N;
		if ((rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
			return rc;
		if (n == LIST_N)
			tmpl_set_text(o, "next", arena_printf(&r->a,
			    "/desk/items?page=%lld%s%s%s", page + 1,
			    sec ? "&section=" : "", sec ?
			    render_pct(&r->a, sec->slug) : "", src ?
			    arena_printf(&r->a, "&source=%lld", src) : ""));
	}
	for (size_t i = 0; i < n; i++)
		desk_item(r, tmpl_list_add(l), &items[i], sv, ns, now);
	tmpl_set_bool(o, "has_items", n > 0);
	return desk_render(r, "desk_items", o);
}

/* ---- one item ---- */

static int
item_page(struct web_req *r, const struct item *it, struct tmpl_obj *o,
    int status)
{
	struct section *sv = NULL;
	size_t ns = 0;
	int rc;

	if ((rc = store_section_list(r->st, &r->a, &sv, &ns)) < 0)
		return rc;
	desk_item(r, tmpl_set_obj(o, "item"), it, sv, ns, time(NULL));
	add_sections(r, o, sv, ns, it->is_section_auto ? 0 :
	    it->editor_section_id, "sections");
	tmpl_set_text(o, "outlet_title", it->original_title ?
	    it->original_title : it->title);
	tmpl_set_text(o, "action_path", arena_printf(&r->a, "/desk/item/%lld",
	    (long long)it->id));
	r->status = status;
	return desk_render(r, "desk_item", o);
}

int
desk_item_edit(struct web_req *r)
{
	struct store_item_edit e = { 0 };
	struct item *it = NULL;
	struct tmpl_obj *o;
	const char *action = web_form(r, "action"), *detail = "", *note;
	int64_t id;
	int rc;

	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_item_get(r->st, &r->a, id, &it)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such item.");
		return 0;
	}
	if (rc < 0)
		return rc;
	o = desk_page_ctx(r, "Item", "items");
	tmpl_set_text(o, "title_typed", it->original_title ? it->title : "");
	if (r->method != WEB_POST)
		return item_page(r, it, o, 200);
	e.id = id;
	e.now = (int64_t)time(NULL);
	if (!action)
		action = "";
	if (strcmp(action, "pin") == 0) {
		e.op = STORE_ITEM_PIN;
		note = "Pinned to the front page.";
	} else if (strcmp(action, "unpin") == 0) {
		e.op = STORE_ITEM_UNPIN;
		note = "Unpinned.";
	} else if (strcmp(action, "hide") == 0) {
		e.op = STORE_ITEM_HIDE;
		note = "Hidden from every public page.";
	} else if (strcmp(action, "unhide") == 0) {
		e.op = STORE_ITEM_UNHIDE;
		note = "Shown again.";
	} else if (strcmp(action, "retitle") == 0) {
		const char *t = desk_form_text(r, "title");

		tmpl_set_text(o, "title_typed", t);
		if (strlen(t) > 300) {
			desk_field_error(r, o, "title", "A headline has at most "
			    "300 bytes.");
			return item_page(r, it, o, 400);
		}
		for (const char *p = t; *p; p++)
			if ((unsigned char)*p < 0x20) {
				desk_field_error(r, o, "title", "A headline is "
				    "one line.");
				return item_page(r, it, o, 400);
			}
		e.op = STORE_ITEM_RETITLE;
		e.title = detail = t;
		note = *t ? "Retitled." : "The outlet's headline is back.";
	} else if (strcmp(action, "section") == 0) {
		const char *s = web_form(r, "section_id");

		e.op = STORE_ITEM_SECTION;
		if (s && *s && strcmp(s, "0") != 0 &&
		    site_parse_id(s, &e.section_id) < 0) {
			desk_field_error(r, o, "section", "Choose a section.");
			return item_page(r, it, o, 400);
		}
		detail = s ? s : "";
		note = "Filed.";
	} else {
		tmpl_set_text(o, "error", "Unknown action.");
		return item_page(r, it, o, 400);
	}
	if ((rc = store_item_edit(r->st, &e)) == ND_ENOTFOUND &&
	    e.op == STORE_ITEM_SECTION) {
		desk_field_error(r, o, "section", "There is no such section.");
		return item_page(r, it, o, 400);
	}
	if (rc < 0)
		return rc;
	(void)desk_audit(r, arena_printf(&r->a, "item.%s", action),
	    arena_printf(&r->a, "item %lld", (long long)id), detail);
	return desk_redirect(r, arena_printf(&r->a, "/desk/item/%lld",
	    (long long)id), note);
}

/* ---- one story ---- */

static int
story_page(struct web_req *r, int64_t id, struct tmpl_obj *o, int status)
{
	struct story *s = NULL;
	struct item *items = NULL;
	struct tmpl_list *l;
	size_t n = 0;
	time_t now = time(NULL);
	int rc;

	if ((rc = store_story_get(r->st, &r->a, id, &s)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such story.");
		return 0;
	}
	if (rc < 0 || (rc = store_story_items(r->st, &r->a, id, &items,
	    &n)) < 0)
		return rc;
	tmpl_set_int(o, "id", s->id);
	tmpl_set_text(o, "title", s->editor_title ? s->editor_title :
	    s->title);
	tmpl_set_text(o, "algorithm_title", s->title);
	tmpl_set_bool(o, "is_retitled", s->editor_title != NULL);
	tmpl_set_bool(o, "is_pinned", s->is_pinned);
	tmpl_set_int(o, "merged_into", s->merged_into);
	tmpl_set_text(o, "public_path", arena_printf(&r->a, "/story/%lld",
	    (long long)s->id));
	tmpl_set_text(o, "action_path", arena_printf(&r->a,
	    "/desk/story/%lld", (long long)s->id));
	l = tmpl_set_list(o, "items");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);

		view_item(e, &r->a, &r->site->vs, &items[i], false, now);
		tmpl_set_text(e, "edit_path", arena_printf(&r->a,
		    "/desk/item/%lld", (long long)items[i].id));
	}
	r->status = status;
	return desk_render(r, "desk_story", o);
}

int
desk_story_edit(struct web_req *r)
{
	struct store_story_edit e = { 0 };
	struct tmpl_obj *o;
	const char *action = web_form(r, "action"), *detail = "", *note;
	int64_t id, res = 0;
	int rc;

	if (site_parse_id(r->args[0], &id) < 0) {
		site_error(r, 404, "There is no such story.");
		return 0;
	}
	o = desk_page_ctx(r, "Story", "items");
	if (r->method != WEB_POST)
		return story_page(r, id, o, 200);
	e.id = id;
	if (!action)
		action = "";
	if (strcmp(action, "pin") == 0 || strcmp(action, "unpin") == 0) {
		e.op = action[0] == 'p' ? STORE_STORY_PIN : STORE_STORY_UNPIN;
		note = action[0] == 'p' ? "Pinned." : "Unpinned.";
	} else if (strcmp(action, "retitle") == 0) {
		const char *t = desk_form_text(r, "title");

		tmpl_set_text(o, "title_typed", t);
		if (strlen(t) > 300) {
			desk_field_error(r, o, "title", "A headline has at most "
			    "300 bytes.");
			return story_page(r, id, o, 400);
		}
		e.op = STORE_STORY_RETITLE;
		e.title = detail = t;
		note = "Retitled.";
	} else if (strcmp(action, "merge") == 0) {
		const char *other = desk_form_text(r, "other");

		tmpl_set_text(o, "other_typed", other);
		if (site_parse_id(other, &e.other) < 0 || e.other == id) {
			desk_field_error(r, o, "other", "Give the number of "
			    "another story.");
			return story_page(r, id, o, 400);
		}
		e.op = STORE_STORY_MERGE;
		detail = arena_printf(&r->a, "into story %lld",
		    (long long)e.other);
		note = "Merged.";
	} else if (strcmp(action, "split") == 0) {
		if (site_parse_id(web_form(r, "item_id"), &e.item_id) < 0) {
			tmpl_set_text(o, "error", "Choose a report to split "
			    "off.");
			return story_page(r, id, o, 400);
		}
		e.op = STORE_STORY_SPLIT;
		e.id = 0;
		detail = arena_printf(&r->a, "item %lld", (long long)e.item_id);
		note = "Split into a story of its own.";
	} else {
		tmpl_set_text(o, "error", "Unknown action.");
		return story_page(r, id, o, 400);
	}
	if ((rc = store_story_curate(r->st, &e, &res)) == ND_ENOTFOUND ||
	    rc == ND_EINVAL) {
		if (e.op == STORE_STORY_MERGE)
			desk_field_error(r, o, "other", "There is no such "
			    "story.");
		else
			tmpl_set_text(o, "error", "There is no such story or "
			    "report.");
		return story_page(r, id, o, 400);
	}
	if (rc < 0)
		return rc;
	(void)desk_audit(r, arena_printf(&r->a, "story.%s", action),
	    arena_printf(&r->a, "story %lld", (long long)id), detail);
	return desk_redirect(r, arena_printf(&r->a, "/desk/story/%lld",
	    (long long)(e.op == STORE_STORY_MERGE ? e.other :
	    e.op == STORE_STORY_SPLIT && res ? res : id)), note);
}
