/*
 * site_item: one item's page, with OpenGraph and JSON-LD NewsArticle and
 * more from the same outlet.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

static const char *
jsonld(struct web_req *r, const struct item *it)
{
	json_t *o = json_object(), *v;
	int64_t t = it->published;          /* none invented for undated */
	const char *base = r->site->base_url;
	char iso[32];
	char *s;
	const char *out;

	json_object_set_new(o, "@context", json_string("https://schema.org"));
	json_object_set_new(o, "@type", json_string("NewsArticle"));
	json_object_set_new(o, "headline", json_string(view_headline(&r->a,
	    it)));
	if (t) {
		view_iso_utc(iso, t);
		json_object_set_new(o, "datePublished", json_string(iso));
	}
	if (it->updated) {
		view_iso_utc(iso, it->updated);
		json_object_set_new(o, "dateModified", json_string(iso));
	}
	if (it->author && *it->author) {
		v = json_object();
		json_object_set_new(v, "@type", json_string("Person"));
		json_object_set_new(v, "name", json_string(it->author));
		json_object_set_new(o, "author", v);
	}
	if (it->source_title) {
		v = json_object();
		json_object_set_new(v, "@type", json_string("Organization"));
		json_object_set_new(v, "name", json_string(it->source_title));
		json_object_set_new(o, "publisher", v);
	}
	{
		struct view_photo ph;

		view_item_photo(&r->a, it, &ph);
		if (ph.image)
			json_object_set_new(o, "image", json_string(arena_printf(
			    &r->a, "%s%s", base, ph.image)));
	}
	if (it->url && html_url_is_safe(it->url))
		json_object_set_new(o, "url", json_string(it->url));
	json_object_set_new(o, "mainEntityOfPage", json_string(arena_printf(
	    &r->a, "%s/item/%lld", base, (long long)it->id)));
	if (view_lang(it->language))
		json_object_set_new(o, "inLanguage", json_string(it->language));
	/* json_string returns NULL (and set_new ignores it) for invalid
	 * UTF-8, which the store should not hold anyway */
	s = json_dumps(o, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(o);
	out = arena_strdup(&r->a, s ? s : "{}");
	free(s);
	return out;
}

/* The article text extraction stored (issue 12), as much as the source's
 * terms allow: its own setting, else the site's [web] item_text. The page
 * depends on the item (the text arriving) and on its source (the setting
 * changing), both recorded by site_item. */
static int
item_text(struct web_req *r, struct tmpl_obj *io, const struct item *it)
{
	const char *text = NULL;
	int show = SOURCE_SHOW_DEFAULT, rc;

	if ((rc = store_item_text_get(r->st, &r->a, it->id, &text, &show)) < 0)
		return rc == ND_ENOTFOUND ? 0 : rc;
	if (show == SOURCE_SHOW_DEFAULT) {
		const char *d = r->site->cfg ? r->site->cfg->web.item_text :
		    NULL;

		show = d && strcmp(d, "full") == 0 ? SOURCE_SHOW_FULL :
		    SOURCE_SHOW_EXCERPT;
	}
	view_item_text(io, &r->a, text, show == SOURCE_SHOW_FULL);
	return 0;
}

int
site_item(struct web_req *r)
{
	struct item *it = NULL;
	struct tmpl_obj *o, *io;
	int64_t id;
	int rc;

	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_item_get(r->st, &r->a, id, &it)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such story; it may have "
		    "expired from the desk.");
		return 0;
	}
	if (rc < 0)
		return rc;
	/* held off the beat, waiting for an editor (issue 9): never
	 * published, so it is not found (404); hidden by an editor (issue
	 * 10): withdrawn from the public site (410) */
	if (it->is_hidden && it->review == 1) {
		site_error(r, 404, "There is no such story; it may have "
		    "expired from the desk.");
		return 0;
	}
	if (it->is_hidden) {
		site_error(r, 410, "The desk has withdrawn this report.");
		return 0;
	}
	web_dep(r, DEP_ITEM, it->id);
	web_dep(r, DEP_SOURCE, it->source_id);     /* more from the outlet */
	web_dep_photos(r, it, 1);
	o = site_page_ctx(r, view_headline(&r->a, it), NULL);
	io = tmpl_set_obj(o, "item");
	view_item(io, &r->a, &r->site->vs, it, true, time(NULL));
	if ((rc = item_text(r, io, it)) < 0)
		return rc;
	/* the same report carried by other outlets (issue 9) */
	if ((rc = site_copies_item(r, io, it)) < 0)
		return rc;
	tmpl_set_html(o, "jsonld", html_json_script(&r->a, jsonld(r, it)));
	if (it->summary && *it->summary)
		tmpl_set_text(o, "description", render_plain(&r->a, it->summary,
		    200));
	{
		struct view_photo ph;
		struct html h;

		view_item_photo(&r->a, it, &ph);
		if (ph.image && (h = html_url(&r->a, arena_printf(&r->a, "%s%s",
		    r->site->base_url, ph.image))).len)
			tmpl_set_html(o, "og_image", h);
	}
	/* more from the same outlet */
	{
		struct store_item_query q = { .source_id = it->source_id,
			.limit = 6 };
		struct item *more = NULL;
		size_t n = 0, k = 0;
		struct tmpl_list *l = tmpl_set_list(o, "more");

		if (store_item_list(r->st, &r->a, &q, &more, &n) == 0) {
			for (size_t i = 0; i < n && k < 5; i++)
				if (more[i].id != it->id)
					more[k++] = more[i];
			site_add_items(r, l, more, k, false);
		}
		tmpl_set_bool(o, "has_more", tmpl_list_len(l) > 0);
	}
	return site_render(r, "item", o);
}
