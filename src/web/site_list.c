/*
 * site_list: the paged item lists of one section and of one outlet
 * (theme/list.html, shared with the archive).
 */
#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define LIST_N 30

static void
add_feeds(struct web_req *r, struct tmpl_obj *o, const char *prefix)
{
	struct tmpl_obj *f = tmpl_set_obj(o, "feeds");

	tmpl_set_text(f, "rss", arena_printf(&r->a, "%s/feed.xml", prefix));
	tmpl_set_text(f, "atom", arena_printf(&r->a, "%s/atom.xml", prefix));
	tmpl_set_text(f, "json", arena_printf(&r->a, "%s/feed.json", prefix));
}

/* About an outlet: its site and feed, language and health (when it was
 * last fetched, how often it publishes). */
static void
add_about(struct web_req *r, struct tmpl_obj *o, const struct source *src)
{
	struct tmpl_obj *ab = tmpl_set_obj(o, "about");
	const struct view_site *vs = &r->site->vs;
	struct html h;

	if (src->site_url && (h = html_url(&r->a, src->site_url)).len) {
		tmpl_set_html(ab, "site_url", h);
		tmpl_set_text(ab, "site_label", src->site_url);
	}
	if ((h = html_url(&r->a, src->url)).len)
		tmpl_set_html(ab, "feed_url", h);
	if (src->description && *src->description)
		tmpl_set_text(ab, "description", src->description);
	if (view_lang(src->language))
		tmpl_set_text(ab, "language", src->language);
	tmpl_set_int(ab, "n_items", src->n_items);
	if (src->items_per_day > 0)
		tmpl_set_text(ab, "per_day", arena_printf(&r->a, "%.1f",
		    src->items_per_day));
	if (src->last_success)
		tmpl_set_text(ab, "last_fetch", view_desk_time(&r->a, vs->tz,
		    src->last_success));
	if (src->last_error && *src->last_error)
		tmpl_set_text(ab, "last_error", src->last_error);
	tmpl_set_bool(ab, "is_paused", !src->is_enabled);
}

static int
list_page(struct web_req *r, const char *title, const char *kicker,
    const char *slug, struct store_item_query *q, const char *feed_prefix,
    const struct source *src)
{
	struct item *items = NULL;
	size_t n = 0;
	long long page = web_query_int(r, "page", 1, 1000, 1);
	struct tmpl_obj *o;
	int rc;

	q->offset = (size_t)(page - 1) * q->limit;
	/* one more than shown, to know whether there is a next page */
	q->limit++;
	if ((rc = store_item_list(r->st, &r->a, q, &items, &n)) < 0)
		return rc;
	q->limit--;
	if (page > 1 && n == 0) {
		site_error(r, 404, "There is nothing on this page.");
		return 0;
	}
	o = site_page_ctx(r, title, slug);
	tmpl_set_text(o, "heading", title);
	tmpl_set_text(o, "kicker", kicker);
	if (feed_prefix)
		add_feeds(r, o, feed_prefix);
	if (src) {
		add_about(r, o, src);
		/* every entry is the outlet's: no need to say so on each */
		tmpl_set_bool(o, "hide_outlet", true);
	}
	/* a section's own posts lead its first page (issue 10) */
	if (slug && q->section_id && page == 1 &&
	    (rc = site_add_posts(r, o, q->section_id, 4)) < 0)
		return rc;
	site_add_outlets(r, o);
	site_add_items(r, tmpl_set_list(o, "items"), items,
	    n > q->limit ? q->limit : n, false);
	tmpl_set_bool(o, "is_empty", n == 0);
	if (page > 1)
		tmpl_set_text(o, "prev", page == 2 ? r->path : arena_printf(
		    &r->a, "%s?page=%lld", r->path, page - 1));
	if (n > q->limit)
		tmpl_set_text(o, "next", arena_printf(&r->a, "%s?page=%lld",
		    r->path, page + 1));
	return site_render(r, "list", o);
}

int
site_section(struct web_req *r)
{
	struct section *sec = NULL;
	struct store_item_query q = { .limit = LIST_N };
	int rc;

	if ((rc = site_req_section(r, &sec)) == ND_ENOTFOUND || (!rc && !sec)) {
		site_error(r, 404, "There is no such section.");
		return 0;
	}
	if (rc < 0)
		return rc;
	q.section_id = sec->id;
	web_dep(r, DEP_SECTION, sec->id);
	return list_page(r, sec->name, "Section", sec->slug, &q,
	    arena_printf(&r->a, "/section/%s", render_pct(&r->a, sec->slug)),
	    NULL);
}

int
site_source(struct web_req *r)
{
	struct source *src = NULL;
	struct store_item_query q = { .limit = LIST_N };
	int64_t id;
	int rc;

	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_source_get(r->st, &r->a, id, &src)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such outlet.");
		return 0;
	}
	if (rc < 0)
		return rc;
	q.source_id = id;
	web_dep(r, DEP_SOURCE, id);
	return list_page(r, src->title && *src->title ? src->title : src->url,
	    "Outlet", NULL, &q, NULL, src);
}
