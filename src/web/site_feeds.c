/*
 * site_feeds: the feeds and the sitemap as routes; the XML and JSON are
 * written by render/feeds.c.
 */
#include <string.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/str.h"
#include "render/feeds.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define FEED_N 50
#define SITEMAP_ITEMS 5000
#define SITEMAP_POSTS 1000       /* in the pages part */

int
site_feed_send(struct web_req *r, enum site_feed_kind k, const char *title,
    const char *home_url, struct item *items, size_t n)
{
	return site_feed_send_links(r, k, title, home_url, items, NULL, n);
}

int
site_feed_send_links(struct web_req *r, enum site_feed_kind k,
    const char *title, const char *home_url, struct item *items,
    const char **links, size_t n)
{
	const struct config *cfg = r->site->cfg;
	const char *base = r->site->base_url;
	struct render_feed f = { 0 };

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
	f.title = title;
	f.description = cfg->desk.tagline;
	f.language = cfg->desk.language;
	f.home_url = home_url;
	f.self_url = arena_printf(&r->a, "%s%s", base, r->path);
	f.base_url = base;
	f.author = cfg->desk.name;
	f.items = items;
	f.n_items = n;
	f.links = links;
	switch (k) {
	case SITE_FEED_RSS:
		r->ctype = "application/rss+xml; charset=utf-8";
		return render_feed_rss(&r->pg.b, &f);
	case SITE_FEED_ATOM:
		r->ctype = "application/atom+xml; charset=utf-8";
		return render_feed_atom(&r->pg.b, &f);
	case SITE_FEED_JSON:
		r->ctype = "application/feed+json; charset=utf-8";
		return render_feed_json(&r->pg.b, &f);
	}
	return ND_ERR;
}

static int
feed(struct web_req *r, enum site_feed_kind k)
{
	const struct config *cfg = r->site->cfg;
	const char *base = r->site->base_url;
	struct section *sec = NULL;
	struct store_item_query q = { .limit = FEED_N };
	struct item *items = NULL;
	size_t n = 0;
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
	{
		/* the desk's own posts, by time among the items (issue 10) */
		struct item *all = NULL;
		const char **links = NULL;
		size_t na = 0;

		if ((rc = site_feed_merge_posts(r, sec ? sec->id : 0, 0, items,
		    n, FEED_N, &all, &links, &na)) < 0)
			return rc;
		return site_feed_send_links(r, k, sec ? arena_printf(&r->a,
		    "%s: %s", cfg->desk.name, sec->name) : cfg->desk.name, sec ?
		    arena_printf(&r->a, "%s/section/%s", base, render_pct(&r->a,
		    sec->slug)) : arena_printf(&r->a, "%s/", base), all, links,
		    na);
	}
}

int
site_feed_rss(struct web_req *r)
{
	return feed(r, SITE_FEED_RSS);
}

int
site_feed_atom(struct web_req *r)
{
	return feed(r, SITE_FEED_ATOM);
}

int
site_feed_json(struct web_req *r)
{
	return feed(r, SITE_FEED_JSON);
}

/* Items in sort order from offset, up to max, read in pages of the
 * store's limit (1000). */
static int
items_from(struct web_req *r, size_t offset, size_t max, struct item **out,
    size_t *out_n)
{
	struct item *all = arena_zalloc(&r->a, max * sizeof(*all));
	size_t n = 0;
	int rc;

	while (n < max) {
		struct store_item_query q = { .offset = offset + n,
			.limit = max - n < 1000 ? max - n : 1000 };
		struct item *v = NULL;
		size_t k = 0;

		if ((rc = store_item_list(r->st, &r->a, &q, &v, &k)) < 0)
			return rc;
		memcpy(all + n, v, k * sizeof(*v));
		n += k;
		if (k < q.limit)
			break;
	}
	*out = all;
	*out_n = n;
	return 0;
}

static int64_t
lastmod(const struct item *it)
{
	return it->updated ? it->updated : it->published ? it->published :
	    it->first_seen;
}

/* A urlset: the front page and sections when with_pages, then max items
 * from offset. */
static int
sitemap_part(struct web_req *r, bool with_pages, size_t offset, size_t max)
{
	const char *base = r->site->base_url;
	struct section *sv = NULL;
	struct item *items = NULL, *newest = NULL;
	size_t ns = 0, n = 0, nn = 0, k = 0;
	struct render_sitemap_url *urls;
	int rc;

	if (with_pages) {
		struct store_item_query q = { .limit = 1 };

		if ((rc = store_section_list(r->st, &r->a, &sv, &ns)) < 0 ||
		    (rc = store_item_list(r->st, &r->a, &q, &newest, &nn)) < 0)
			return rc;
	}
	if (max && (rc = items_from(r, offset, max, &items, &n)) < 0)
		return rc;
	if (max && n == 0 && offset > 0)
		return WEB_DECLINE;
	urls = arena_zalloc(&r->a, (ns + n + 1) * sizeof(*urls));
	if (with_pages) {
		urls[k].loc = arena_printf(&r->a, "%s/", base);
		urls[k++].lastmod = nn ? lastmod(&newest[0]) : 0;
		for (size_t i = 0; i < ns; i++)
			urls[k++].loc = arena_printf(&r->a, "%s/section/%s",
			    base, render_pct(&r->a, sv[i].slug));
	}
	for (size_t i = 0; i < n; i++) {
		urls[k].loc = arena_printf(&r->a, "%s/item/%lld", base,
		    (long long)items[i].id);
		urls[k++].lastmod = lastmod(&items[i]);
	}
	if (with_pages) {
		/* the desk's posts, bylines, columns (issue 10) */
		struct render_sitemap_url *pu = NULL, *all;
		size_t np = 0;

		if ((rc = site_sitemap_posts(r, SITEMAP_POSTS, &pu, &np)) < 0)
			return rc;
		all = arena_zalloc(&r->a, (k + np + 1) * sizeof(*all));
		memcpy(all, urls, k * sizeof(*all));
		memcpy(all + k, pu, np * sizeof(*all));
		urls = all;
		k += np;
	}
	return render_sitemap_of(&r->pg.b, urls, k, false,
	    r->site->sitemap_css_href);
}

/*
 * /sitemap.xml: the front page, the sections and every item while there
 * are at most SITEMAP_ITEMS; past that a sitemap index of /sitemap/pages.xml
 * (front page and sections) and /sitemap/items-N.xml (SITEMAP_ITEMS items
 * each, newest first), so no item is left out of every sitemap.
 */
int
site_sitemap(struct web_req *r)
{
	const char *base = r->site->base_url;
	struct store_item_query cq = { 0 };
	size_t total = 0;
	int rc;

	if ((rc = store_item_count(r->st, &cq, &total)) < 0)
		return rc;
	web_dep(r, DEP_ITEMS, 0);
	r->ctype = "application/xml; charset=utf-8";
	if (total > SITEMAP_ITEMS) {
		size_t parts = (total + SITEMAP_ITEMS - 1) / SITEMAP_ITEMS;
		struct render_sitemap_url *urls = arena_zalloc(&r->a,
		    (parts + 1) * sizeof(*urls));

		urls[0].loc = arena_printf(&r->a, "%s/sitemap/pages.xml", base);
		for (size_t i = 0; i < parts; i++)
			urls[1 + i].loc = arena_printf(&r->a,
			    "%s/sitemap/items-%zu.xml", base, i + 1);
		return render_sitemap_of(&r->pg.b, urls, parts + 1, true,
		    r->site->sitemap_css_href);
	}
	return sitemap_part(r, true, 0, total);
}

/* /sitemap/pages.xml and /sitemap/items-N.xml of the index. */
int
site_sitemap_part(struct web_req *r)
{
	const char *f = r->args[0];
	long long n;

	web_dep(r, DEP_ITEMS, 0);
	r->ctype = "application/xml; charset=utf-8";
	if (strcmp(f, "pages.xml") == 0)
		return sitemap_part(r, true, 0, 0);
	if (strncmp(f, "items-", 6) == 0 && strlen(f) > 10 &&
	    strcmp(f + strlen(f) - 4, ".xml") == 0) {
		char num[24];
		size_t len = strlen(f) - 10;

		if (len < sizeof(num)) {
			memcpy(num, f + 6, len);
			num[len] = '\0';
			if (parse_int(num, 1, 1000000, &n) == 0)
				return sitemap_part(r, false,
				    (size_t)(n - 1) * SITEMAP_ITEMS,
				    SITEMAP_ITEMS);
		}
	}
	return WEB_DECLINE;
}
