/*
 * site_misc: the small fixed answers: /healthz, /robots.txt, the theme's
 * CSS (the site's and the sitemaps') and icon.
 */
#include <stdint.h>

#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

int
site_healthz(struct web_req *r)
{
	uint64_t v;

	r->ctype = "text/plain; charset=utf-8";
	if (store_data_version(r->st, &v) < 0) {
		r->status = 503;
		buf_adds(&r->pg.b, "store unavailable\n");
		return 0;
	}
	buf_adds(&r->pg.b, "ok\n");
	return 0;
}

int
site_robots(struct web_req *r)
{
	r->ctype = "text/plain; charset=utf-8";
	/* A search is a page readers share and find (issue 8: Lighthouse's
	 * "blocked from indexing"); crawlers are kept off its paging, the
	 * endless part. */
	buf_addf(&r->pg.b, "User-agent: *\nDisallow: /search?*page=\n\n"
	    "Sitemap: %s/sitemap.xml\n", r->site->base_url);
	return 0;
}

/* /favicon.svg, and /favicon.ico for browsers that ask without looking at
 * the page's <link rel="icon"> (an SVG under that name: they sniff). */
int
site_favicon(struct web_req *r)
{
	if (!r->site->favicon)
		return WEB_DECLINE;
	r->ctype = "image/svg+xml";
	buf_add(&r->pg.b, r->site->favicon, r->site->favicon_len);
	r->max_age = 86400;
	return 0;
}

int
site_css(struct web_req *r)
{
	r->ctype = "text/css; charset=utf-8";
	buf_add(&r->pg.b, r->site->css, r->site->css_len);
	r->max_age = 31536000;
	return 0;
}

/* The theme's sitemap.css: what a browser shows of the sitemaps (they
 * name it in an <?xml-stylesheet?>). Styling XML with CSS needs nothing
 * of the CSP but style-src 'self', which every answer already has. */
int
site_sitemap_css(struct web_req *r)
{
	if (!r->site->sitemap_css)
		return WEB_DECLINE;
	r->ctype = "text/css; charset=utf-8";
	buf_add(&r->pg.b, r->site->sitemap_css, r->site->sitemap_css_len);
	r->max_age = 31536000;
	return 0;
}
