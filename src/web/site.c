/*
 * site: the public site's setup (theme, sponsor, the desk's zone) and what
 * every page handler shares: the page context, the error page, running a
 * handler with a store from the pool. The handlers are in site_<page>.c,
 * the route table in routes.c, the view models in render/view.c. Handlers
 * never see HTTP: the server caches, compresses and sends what they
 * render, and export writes it to files.
 *
 * Times are shown in the desk's zone ([desk] timezone), a struct tz read
 * once here and passed to the view models: the process's TZ is never set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/tz.h"
#include "core/xmalloc.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

/* ---- setup ---- */

int
site_new(struct site **out, const struct config *cfg, const char *db_path)
{
	struct site *s = xcalloc(1, sizeof(*s));
	struct buf b = BUF_INIT(1 << 20);
	const char *dir = cfg->web.theme_dir && *cfg->web.theme_dir ?
	    cfg->web.theme_dir : "theme";
	char *path = NULL;
	int rc;

	*out = NULL;
	arena_init(&s->a);
	pthread_mutex_init(&s->pool_mu, NULL);
	s->cfg = cfg;
	s->db_path = xstrdup(db_path);
	s->tz = tz_open(cfg->desk.timezone);
	if (cfg->desk.base_url && *cfg->desk.base_url)
		site_set_base_url(s, cfg->desk.base_url);
	else
		site_set_base_url(s, "http://127.0.0.1:8080");
	if ((rc = tmpl_set_load(&s->tmpl, dir)) < 0)
		goto out;
	{
		static const char *need[] = { "home", "list", "item", "search",
			"error" };

		for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (!tmpl_set_has(s->tmpl, need[i])) {
				rc = err_set(ND_ENOTFOUND,
				    "theme: %s/%s.html is missing", dir, need[i]);
				goto out;
			}
	}
	path = arena_printf(&s->a, "%s/site.css", dir);
	b.max = 1 << 20;
	if ((rc = buf_read_file(&b, path)) < 0)
		goto out;
	s->css = buf_detach(&b, &s->css_len);
	snprintf(s->css_hash, sizeof(s->css_hash), "%016llx",
	    (unsigned long long)str_hash(s->css, s->css_len));
	/* the theme's icon, optional: without it /favicon.* are 404 */
	path = arena_printf(&s->a, "%s/favicon.svg", dir);
	b.max = 1 << 16;
	if (access(path, F_OK) == 0) {
		if ((rc = buf_read_file(&b, path)) < 0)
			goto out;
		s->favicon_len = b.len;
		s->favicon = arena_strndup(&s->a, b.ptr, b.len);
		buf_reset(&b);
	}
	/* the sitemaps' look in a browser, optional like the icon */
	path = arena_printf(&s->a, "%s/sitemap.css", dir);
	b.max = 1 << 16;
	if (access(path, F_OK) == 0) {
		if ((rc = buf_read_file(&b, path)) < 0)
			goto out;
		s->sitemap_css_len = b.len;
		s->sitemap_css = arena_strndup(&s->a, b.ptr, b.len);
		s->sitemap_css_href = arena_printf(&s->a,
		    "/static/sitemap.css?v=%016llx", (unsigned long long)
		    str_hash(b.ptr, b.len));
		buf_reset(&b);
	}
	s->sponsor = HTML("");
	if (cfg->web.sponsor_html_file && *cfg->web.sponsor_html_file) {
		/* The operator's own HTML, still through the sanitizer: the
		 * slot must not be a way to put script on every page. */
		b.max = 1 << 16;
		if ((rc = buf_read_file(&b, cfg->web.sponsor_html_file)) < 0)
			goto out;
		s->sponsor = html_sanitize(&s->a, b.ptr, b.len);
	}
	s->vs = (struct view_site){
		.name = cfg->desk.name,
		.tagline = cfg->desk.tagline,
		.contact = cfg->desk.contact,
		.base_url = s->base_url,
		.language = cfg->desk.language,
		.sponsor = s->sponsor,
		.css_hash = s->css_hash,
		.tz = s->tz,
	};
	*out = s;
	s = NULL;
out:
	buf_release(&b);
	site_free(s);
	return rc;
}

void
site_free(struct site *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->pool_n; i++)
		store_close(s->pool[i]);
	free(s->pool);
	for (size_t i = 0; i < s->wpool_n; i++)
		store_close(s->wpool[i]);
	free(s->wpool);
	pthread_mutex_destroy(&s->pool_mu);
	tmpl_set_free(s->tmpl);
	tz_free(s->tz);
	free(s->css);
	free(s->db_path);
	free(s->base_url);
	arena_release(&s->a);
	free(s);
}

const char *
site_base_url(const struct site *s)
{
	return s->base_url;
}

void
site_set_base_url(struct site *s, const char *url)
{
	size_t n = strlen(url);

	while (n && url[n - 1] == '/')
		n--;
	free(s->base_url);
	s->base_url = xstrndup(url, n);
	s->vs.base_url = s->base_url;
}

/* ---- what every page shares ---- */

int
site_render(struct web_req *r, const char *tmpl, struct tmpl_obj *ctx)
{
	r->ctype = "text/html; charset=utf-8";
	return tmpl_render(&r->pg, r->site->tmpl, tmpl, ctx);
}

struct tmpl_obj *
site_page_ctx(struct web_req *r, const char *title, const char *current_slug)
{
	struct section *sv = NULL;
	size_t n = 0;
	time_t now = time(NULL);

	if (r->st && store_section_list(r->st, &r->a, &sv, &n) < 0)
		n = 0;
	/* the header shows today's date: a cached page goes stale at the
	 * desk's midnight even when nothing it lists changed */
	r->expires = view_next_midnight(r->site->tz, now);
	return view_page(&r->a, &r->site->vs, title, r->path, sv, n,
	    current_slug, now);
}

void
site_add_items(struct web_req *r, struct tmpl_list *l,
    const struct item *items, size_t n, bool full)
{
	time_t now = time(NULL);
	size_t *lead = site_copies_group(r, items, n);

	/* a report carried by several outlets once (issue 9) */
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *e;

		if (lead[i] != i)
			continue;
		e = tmpl_list_add(l);
		view_item(e, &r->a, &r->site->vs, &items[i], full, now);
		site_copies_also(r, e, items, n, lead, i);
	}
	web_dep_photos(r, items, n);
}

#define OUTLETS_N 10

static int
by_rate(const void *a, const void *b)
{
	const struct source *x = a, *y = b;

	if (x->items_per_day != y->items_per_day)
		return x->items_per_day < y->items_per_day ? 1 : -1;
	return x->n_items < y->n_items ? 1 : x->n_items > y->n_items ? -1 : 0;
}

void
site_add_outlets(struct web_req *r, struct tmpl_obj *o)
{
	struct source *srcs = NULL;
	size_t n = 0, k = 0;
	struct tmpl_list *l;

	if (store_source_list(r->st, &r->a, &srcs, &n) < 0 || n == 0)
		return;
	web_dep(r, DEP_ITEMS, 0);      /* the counts move with every item */
	qsort(srcs, n, sizeof(*srcs), by_rate);
	l = tmpl_set_list(o, "outlets");
	for (size_t i = 0; i < n && k < OUTLETS_N; i++) {
		struct tmpl_obj *e;

		if (srcs[i].n_items == 0)
			continue;
		e = tmpl_list_add(l);
		tmpl_set_text(e, "name", srcs[i].title && *srcs[i].title ?
		    srcs[i].title : srcs[i].url);
		tmpl_set_text(e, "path", arena_printf(&r->a, "/source/%lld",
		    (long long)srcs[i].id));
		tmpl_set_int(e, "n_items", srcs[i].n_items);
		k++;
	}
	tmpl_set_bool(o, "has_outlets", k > 0);
}

void
site_error(struct web_req *r, int status, const char *what)
{
	struct tmpl_obj *o;
	int rc = -1;

	r->status = status;
	buf_reset(&r->pg.b);
	if (r->st) {
		o = site_page_ctx(r, status == 404 ? "Page not found" :
		    status == 410 ? "Withdrawn" : "Something went wrong", NULL);
		tmpl_set_int(o, "status", status);
		tmpl_set_bool(o, "is_404", status == 404);
		tmpl_set_text(o, "what", what);
		rc = site_render(r, "error", o);
	}
	if (rc < 0) {
		/* no store or a broken theme: a plain page still answers */
		buf_reset(&r->pg.b);
		r->ctype = "text/plain; charset=utf-8";
		buf_addf(&r->pg.b, "%d %s\n", status, status == 404 ?
		    "not found" : "error");
	}
}

void
site_refuse(struct web_req *r, int status)
{
	buf_reset(&r->pg.b);
	r->status = status;
	r->ctype = "text/plain; charset=utf-8";
	buf_adds(&r->pg.b, status == 303 ? "see other\n" : status == 401 ?
	    "sign in first\n" : status == 403 ? "forbidden\n" : "error\n");
}

int
site_parse_id(const char *s, int64_t *out)
{
	long long v;

	/* Only the canonical decimal form ("12", not "012" or "+12"): one
	 * page has one URL, so one cache entry. */
	if (!s || !str_isdigit((unsigned char)s[0]) || s[0] == '0' ||
	    parse_int(s, 1, INT64_MAX, &v) < 0)
		return ND_EINVAL;
	*out = v;
	return 0;
}

int
site_req_section(struct web_req *r, struct section **out)
{
	*out = NULL;
	if (r->nargs < 1 || strncmp(r->path, "/section/", 9) != 0)
		return 0;
	return store_section_find(r->st, &r->a, r->args[0], out);
}

void
site_handle(struct web_req *r, const struct route *rt)
{
	int rc = 0;

	r->status = 200;
	if (rt) {
		r->route = rt;
		r->flags = rt->flags;
	}
	if (r->max_age == 0)
		r->max_age = 60;
	if ((rc = WEB_ROUTE_HAS_SESSION(rt) ? site_store_get_rw(r->site,
	    &r->st) : site_store_get(r->site, &r->st)) < 0) {
		log_error(LOG_WEB, "store open failed: %s", err_msg());
		r->st = NULL;
		site_error(r, 503, "The desk's store is not available.");
		return;
	}
	if (WEB_ROUTE_HAS_SESSION(rt)) {
		/* a desk page: who is asking, then the route's checks (the
		 * server left them to this thread, which has a store) */
		int st;

		desk_session_load(r);
		if ((st = web_route_check(rt, r)) != 0) {
			/* a form sent after the session ended: sign in
			 * again without losing what was typed */
			if (st == 401 && r->method == WEB_POST &&
			    r->accepts_html && desk_login_again(r) == 0)
				goto out;
			site_refuse(r, st);
			goto out;
		}
	}
	if (!rt)
		site_error(r, 404, "There is no page at this address.");
	else if ((rc = rt->fn(r)) < 0) {
		log_error(LOG_WEB, "render failed path=%s: %s", r->path,
		    err_msg());
		site_error(r, 500, "The page could not be built.");
	}
out:
	if (WEB_ROUTE_HAS_SESSION(rt))
		site_store_put_rw(r->site, r->st);
	else
		site_store_put(r->site, r->st);
	r->st = NULL;
}
