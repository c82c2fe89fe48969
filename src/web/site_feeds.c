/*
 * site_feeds: the feeds and the sitemap as routes; the XML and JSON are
 * written by render/feeds.c.
 */
#include <string.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "render/feeds.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define FEED_N 50
#define SITEMAP_ITEMS 5000

enum kind { K_RSS, K_ATOM, K_JSON };

static int
feed(struct web_req *r, enum kind k)
{
	const struct config *cfg = r->site->cfg;
	const char *base = r->site->base_url;
	struct section *sec = NULL;
	struct store_item_query q = { .limit = FEED_N };
	struct item *items = NULL;
	size_t n = 0;
	struct render_feed f = { 0 };
	int rc;

	if ((rc = site_req_section(r, &sec)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such section.");
		return 0;
	}
	if (rc < 0)
		return rc;
	if (sec)
		q.section_id = sec->id;
	if ((rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
		return rc;
	web_dep(r, sec ? DEP_SECTION : DEP_ITEMS, sec ? sec->id : 0);
	web_dep_photos(r, items, n);
	/* A photo the desk has cached is given as its own copy, so a
	 * subscriber's reader need not ask the outlet either; the others
	 * keep the outlet's URL (a feed is not a page: nothing loads it
	 * in the desk's name). */
	for (size_t i = 0; i < n; i++) {
		struct view_photo ph;

		view_item_photo(&r->a, &items[i], &ph);
		if (ph.image)
			items[i].image_url = arena_printf(&r->a, "%s%s", base,
			    ph.image);
		if (ph.thumb && items[i].image_thumb)
			items[i].image_thumb = arena_printf(&r->a, "%s%s", base,
			    ph.thumb);
	}
	f.title = sec ? arena_printf(&r->a, "%s: %s", cfg->desk.name,
	    sec->name) : cfg->desk.name;
	f.description = cfg->desk.tagline;
	f.language = cfg->desk.language;
	f.home_url = sec ? arena_printf(&r->a, "%s/section/%s", base,
	    render_pct(&r->a, sec->slug)) : arena_printf(&r->a, "%s/", base);
	f.self_url = arena_printf(&r->a, "%s%s", base, r->path);
	f.base_url = base;
	f.author = cfg->desk.name;
	f.items = items;
	f.n_items = n;
	switch (k) {
	case K_RSS:
		r->ctype = "application/rss+xml; charset=utf-8";
		return render_feed_rss(&r->pg.b, &f);
	case K_ATOM:
		r->ctype = "application/atom+xml; charset=utf-8";
		return render_feed_atom(&r->pg.b, &f);
	case K_JSON:
		r->ctype = "application/feed+json; charset=utf-8";
		return render_feed_json(&r->pg.b, &f);
	}
	return ND_ERR;
}

int
site_feed_rss(struct web_req *r)
{
	return feed(r, K_RSS);
}

int
site_feed_atom(struct web_req *r)
{
	return feed(r, K_ATOM);
}

int
site_feed_json(struct web_req *r)
{
	return feed(r, K_JSON);
}

int
site_sitemap(struct web_req *r)
{
	const char *base = r->site->base_url;
	struct section *sv = NULL;
	struct item *items = NULL;
	struct store_item_query q = { .limit = SITEMAP_ITEMS };
	size_t ns = 0, n = 0, k = 0;
	struct render_sitemap_url *urls;
	int rc;

	if ((rc = store_section_list(r->st, &r->a, &sv, &ns)) < 0 ||
	    (rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
		return rc;
	web_dep(r, DEP_ITEMS, 0);
	urls = arena_zalloc(&r->a, (ns + n + 1) * sizeof(*urls));
	urls[k].loc = arena_printf(&r->a, "%s/", base);
	urls[k++].lastmod = n ? (items[0].published ? items[0].published :
	    items[0].first_seen) : 0;
	for (size_t i = 0; i < ns; i++)
		urls[k++].loc = arena_printf(&r->a, "%s/section/%s", base,
		    render_pct(&r->a, sv[i].slug));
	for (size_t i = 0; i < n; i++) {
		urls[k].loc = arena_printf(&r->a, "%s/item/%lld", base,
		    (long long)items[i].id);
		urls[k++].lastmod = items[i].updated ? items[i].updated :
		    items[i].published ? items[i].published :
		    items[i].first_seen;
	}
	r->ctype = "application/xml; charset=utf-8";
	return render_sitemap(&r->pg.b, urls, k);
}
