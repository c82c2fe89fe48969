/*
 * site: the public pages. Each handler reads the store, builds a template
 * context (values are TEXT or HTML, see render/tmpl.h) and renders one
 * theme template into r->pg. Handlers never see HTTP: server.c caches,
 * compresses and sends what they render, and export writes it to files.
 *
 * Times are shown in the desk's zone (TZ is set once in site_new, before
 * any thread starts, so localtime_r is safe afterwards).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define RIVER_N 30
#define TOP_N 6
#define LIST_N 30
#define SEARCH_N 20
#define ARCHIVE_N 200

static int site_home(struct web_req *r);
static int site_section(struct web_req *r);
static int site_source(struct web_req *r);
static int site_archive(struct web_req *r);
static int site_archive_today(struct web_req *r);
static int site_item(struct web_req *r);
static int site_search(struct web_req *r);
static int site_healthz(struct web_req *r);
static int site_robots(struct web_req *r);
static int site_css(struct web_req *r);

static const struct route routes[] = {
	{ "GET", "/",                          site_home,     ROUTE_CACHE | ROUTE_AGES },
	{ "GET", "/section/{slug}",            site_section,  ROUTE_CACHE | ROUTE_AGES },
	{ "GET", "/section/{slug}/feed.xml",   site_feed_rss, ROUTE_CACHE },
	{ "GET", "/section/{slug}/atom.xml",   site_feed_atom, ROUTE_CACHE },
	{ "GET", "/section/{slug}/feed.json",  site_feed_json, ROUTE_CACHE },
	{ "GET", "/source/{id}",               site_source,   ROUTE_CACHE | ROUTE_AGES },
	{ "GET", "/archive",                   site_archive_today, ROUTE_CACHE | ROUTE_AGES },
	{ "GET", "/archive/{date}",            site_archive,  ROUTE_CACHE },
	{ "GET", "/item/{id}",                 site_item,     ROUTE_CACHE | ROUTE_AGES },
	{ "GET", "/search",                    site_search,   ROUTE_QUERY },
	{ "GET", "/feed.xml",                  site_feed_rss, ROUTE_CACHE },
	{ "GET", "/atom.xml",                  site_feed_atom, ROUTE_CACHE },
	{ "GET", "/feed.json",                 site_feed_json, ROUTE_CACHE },
	{ "GET", "/sitemap.xml",               site_sitemap,  ROUTE_CACHE },
	{ "GET", "/robots.txt",                site_robots,   ROUTE_CACHE },
	{ "GET", "/static/site.css",           site_css,      ROUTE_STATIC },
	{ "GET", "/media/{file}",              site_media,    ROUTE_MEDIA },
	{ "GET", "/healthz",                   site_healthz,  ROUTE_NOLOG },
};

const struct route *
site_routes(size_t *out_n)
{
	*out_n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* Matches path against pattern segment by segment; {x} takes one
 * non-empty segment. */
static bool
match(const char *pattern, const char *path, struct web_req *r)
{
	const char *p = pattern, *q = path;

	r->nargs = 0;
	while (*p && *q) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *qe = strchr(q, '/');
			size_t n = qe ? (size_t)(qe - q) : strlen(q);

			if (!pe || !n || r->nargs == WEB_MAX_ARGS)
				return false;
			r->args[r->nargs++] = arena_strndup(&r->a, q, n);
			p = pe + 1;
			q += n;
			continue;
		}
		if (*p != *q)
			return false;
		p++;
		q++;
	}
	return *p == '\0' && *q == '\0';
}

const struct route *
site_match(struct web_req *r, const char *method, const char *path)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (match(routes[i].pattern, path, r) &&
		    (strcmp(method, routes[i].method) == 0 ||
		    (strcmp(method, "HEAD") == 0 &&
		    strcmp(routes[i].method, "GET") == 0)))
			return &routes[i];
	r->nargs = 0;
	return NULL;
}

/* ---- the store pool ---- */

int
site_store_get(struct site *s, struct store **out)
{
	int rc;

	pthread_mutex_lock(&s->pool_mu);
	if (s->pool_n) {
		*out = s->pool[--s->pool_n];
		pthread_mutex_unlock(&s->pool_mu);
		return 0;
	}
	pthread_mutex_unlock(&s->pool_mu);
	if ((rc = store_open(out, s->db_path, STORE_READONLY)) < 0)
		rc = store_open(out, s->db_path, 0);
	return rc;
}

void
site_store_put(struct site *s, struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&s->pool_mu);
	s->pool = xgrow(s->pool, sizeof(*s->pool), s->pool_n + 1, &s->pool_cap);
	s->pool[s->pool_n++] = st;
	pthread_mutex_unlock(&s->pool_mu);
}

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
	if (cfg->desk.timezone && *cfg->desk.timezone) {
		setenv("TZ", cfg->desk.timezone, 1);
		tzset();
	}
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
	s->sponsor = HTML("");
	if (cfg->web.sponsor_html_file && *cfg->web.sponsor_html_file) {
		/* The operator's own HTML, still through the sanitizer: the
		 * slot must not be a way to put script on every page. */
		b.max = 1 << 16;
		if ((rc = buf_read_file(&b, cfg->web.sponsor_html_file)) < 0)
			goto out;
		s->sponsor = html_sanitize(&s->a, b.ptr, b.len);
	}
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
	pthread_mutex_destroy(&s->pool_mu);
	tmpl_set_free(s->tmpl);
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
}

/* ---- helpers ---- */

const char *
web_query(struct web_req *r, const char *key)
{
	const char *v;

	if (!r->conn)
		return NULL;
	v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
	return v && *v ? v : NULL;
}

static long long
query_int(struct web_req *r, const char *key, long long min, long long max,
    long long def)
{
	const char *v = web_query(r, key);
	long long n;

	if (!v || parse_int(v, min, max, &n) < 0)
		return def;
	return n;
}

/* "EDT" -> "ET": US zones are written without standard/daylight. */
static void
zone_short(char *out, size_t cap, const char *zone)
{
	if (zone && strlen(zone) == 3 && zone[2] == 'T' &&
	    (zone[1] == 'S' || zone[1] == 'D') && str_isalpha(zone[0]))
		snprintf(out, cap, "%cT", zone[0]);
	else
		snprintf(out, cap, "%s", zone ? zone : "");
}

static const char *
desk_time(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char day[64], zone[16];

	if (!t || !localtime_r(&tt, &tm))
		return NULL;
	strftime(day, sizeof(day), "%m/%d/%Y %I:%M %p", &tm);
	zone_short(zone, sizeof(zone), tm.tm_zone);
	return arena_printf(a, "%s %s", day, zone);
}

static void
iso_utc(char out[static 32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		tm = (struct tm){ .tm_year = 70, .tm_mday = 1 };
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *
iso_time(struct arena *a, int64_t t)
{
	char out[32];

	if (!t)
		return NULL;
	iso_utc(out, t);
	return arena_strdup(a, out);
}

static const char *
age_of(struct arena *a, int64_t t, time_t now)
{
	long long d = (long long)now - (long long)t;
	time_t tt = (time_t)t;
	struct tm tm;
	char out[32];

	if (!t)
		return NULL;
	if (d < 60)
		return "just now";
	if (d < 3600)
		return arena_printf(a, "%lld min ago", d / 60);
	if (d < 86400)
		return d < 7200 ? "1 hour ago" :
		    arena_printf(a, "%lld hours ago", d / 3600);
	if (d < 7 * 86400)
		return d < 2 * 86400 ? "yesterday" :
		    arena_printf(a, "%lld days ago", d / 86400);
	if (!localtime_r(&tt, &tm))
		return NULL;
	strftime(out, sizeof(out), "%b %d, %Y", &tm);
	return arena_strdup(a, out);
}

/* Right-to-left by language tag, else by the first strong letter. */
static bool
is_rtl(const char *lang, const char *text)
{
	static const char *rtl[] = { "ar", "fa", "he", "iw", "ur", "ps",
		"yi", "ckb", "dv", "sd", "ug" };
	const unsigned char *s;

	if (lang && *lang) {
		for (size_t i = 0; i < sizeof(rtl) / sizeof(rtl[0]); i++) {
			size_t n = strlen(rtl[i]);

			if (str_ncasecmp(lang, rtl[i], n) == 0 &&
			    (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
				return true;
		}
		return false;
	}
	for (s = (const unsigned char *)(text ? text : ""); *s; s++) {
		if (str_isalpha(*s))
			return false;
		/* U+0590..U+08FF: Hebrew, Arabic, Syriac, Thaana, ... */
		if (*s >= 0xD6 && *s <= 0xDF)
			return true;
		if (*s == 0xE0 && (s[1] == 0xA0 || s[1] == 0xA1 || s[1] == 0xA2 ||
		    s[1] == 0xA3))
			return true;
	}
	return false;
}

static const char *
lang_of(const char *lang)
{
	size_t n;

	if (!lang)
		return NULL;
	/* a BCP 47 tag: letters, digits and '-' only (it goes in lang="") */
	for (n = 0; lang[n]; n++)
		if (!str_isalnum((unsigned char)lang[n]) && lang[n] != '-' &&
		    lang[n] != '_')
			return NULL;
	return n && n < 36 ? lang : NULL;
}

static const char *
item_path(struct arena *a, int64_t id)
{
	return arena_printf(a, "/item/%lld", (long long)id);
}

static void
set_url(struct tmpl_obj *o, struct arena *a, const char *key, const char *url)
{
	struct html h = html_url(a, url);

	if (h.len)
		tmpl_set_html(o, key, h);
}

static void
fill_item(struct web_req *r, struct tmpl_obj *o, const struct item *it,
    bool full, time_t now)
{
	struct arena *a = &r->a;
	int64_t t = it->published ? it->published : it->first_seen;
	const char *lang = lang_of(it->language);
	bool rtl = is_rtl(it->language, it->title);
	struct site_photo ph;

	tmpl_set_int(o, "id", it->id);
	tmpl_set_text(o, "path", item_path(a, it->id));
	tmpl_set_text(o, "title", it->title && *it->title ? it->title :
	    "(untitled)");
	tmpl_set_text(o, "outlet", it->source_title && *it->source_title ?
	    it->source_title : "Unknown outlet");
	tmpl_set_text(o, "outlet_path", arena_printf(a, "/source/%lld",
	    (long long)it->source_id));
	set_url(o, a, "link", it->url);
	tmpl_set_text(o, "time", desk_time(a, t));
	tmpl_set_text(o, "time_iso", iso_time(a, t));
	tmpl_set_text(o, "age", age_of(a, t, now));
	if (lang)
		tmpl_set_text(o, "lang", lang);
	tmpl_set_text(o, "dir", rtl ? "rtl" : "ltr");
	tmpl_set_bool(o, "is_rtl", rtl);
	if (it->author && *it->author)
		tmpl_set_text(o, "author", it->author);
	/* Photos only from the local cache: never another site's URL in an
	 * <img> (site_media.c). */
	site_item_photo(r, it, &ph);
	if (ph.thumb) {
		tmpl_set_text(o, "thumb", ph.thumb);
		if (ph.thumb_w > 0 && ph.thumb_h > 0) {
			tmpl_set_int(o, "thumb_w", ph.thumb_w);
			tmpl_set_int(o, "thumb_h", ph.thumb_h);
		}
	}
	if (it->summary && *it->summary)
		tmpl_set_text(o, "summary_text", render_plain(a, it->summary,
		    full ? 400 : 260));
	if (!full)
		return;
	if (ph.image) {
		tmpl_set_text(o, "image", ph.image);
		if (ph.image_w > 0 && ph.image_h > 0) {
			tmpl_set_int(o, "image_w", ph.image_w);
			tmpl_set_int(o, "image_h", ph.image_h);
		}
	}
	if (it->image_caption && *it->image_caption)
		tmpl_set_text(o, "caption", it->image_caption);
	if (it->image_credit && *it->image_credit)
		tmpl_set_text(o, "credit", it->image_credit);
	/* The store keeps sanitized HTML; sanitize again anyway (cheap, as
	 * the page is rendered once per change), so a store written by an
	 * older or foreign version cannot put script on the page. */
	if (it->content && *it->content)
		tmpl_set_html(o, "body", html_sanitize_no_images(a, it->content,
		    strlen(it->content)));
	else if (it->summary && *it->summary)
		tmpl_set_html(o, "body", html_sanitize_no_images(a, it->summary,
		    strlen(it->summary)));
	if (it->tags && *it->tags) {
		struct tmpl_list *l = tmpl_set_list(o, "tags");
		struct str cur = str_of(it->tags), tok;

		tmpl_set_bool(o, "has_tags", true);

		while (cur.len) {
			if (!str_take_until(&cur, ',', &tok)) {
				tok = cur;
				cur.len = 0;
			}
			tok = str_trim(tok);
			if (tok.len)
				tmpl_set_text(tmpl_list_add(l), "tag",
				    arena_strndup(a, tok.p, tok.len));
		}
	}
}

/* The context every page shares: site, sections, sponsor, CSS. */
static struct tmpl_obj *
page_ctx(struct web_req *r, const char *title, const char *current_slug)
{
	struct site *s = r->site;
	const struct config *cfg = s->cfg;
	struct tmpl_obj *o = tmpl_obj_new(&r->a);
	struct tmpl_obj *site = tmpl_set_obj(o, "site");
	struct tmpl_list *secs = tmpl_set_list(o, "sections");
	struct section *sv = NULL;
	size_t n = 0;
	time_t now = time(NULL);
	struct tm tm;
	char date[64];

	tmpl_set_text(site, "name", cfg->desk.name);
	tmpl_set_text(site, "tagline", cfg->desk.tagline);
	if (cfg->desk.contact && *cfg->desk.contact)
		tmpl_set_text(site, "contact", cfg->desk.contact);
	tmpl_set_text(site, "base_url", s->base_url);
	tmpl_set_text(site, "lang", lang_of(cfg->desk.language) ?
	    cfg->desk.language : "en");
	tmpl_set_text(site, "dir", is_rtl(cfg->desk.language, NULL) ? "rtl" :
	    "ltr");
	if (localtime_r(&now, &tm)) {
		strftime(date, sizeof(date), "%A, %B %d, %Y", &tm);
		tmpl_set_text(site, "today", arena_strdup(&r->a, date));
		tmpl_set_int(site, "year", tm.tm_year + 1900);
	}
	if (s->sponsor.len)
		tmpl_set_html(o, "sponsor", s->sponsor);
	tmpl_set_text(o, "css", arena_printf(&r->a, "/static/site.css?v=%s",
	    s->css_hash));
	tmpl_set_text(o, "title", title);
	/* the path as requested may hold anything: html_url percent-encodes
	 * controls and spaces */
	set_url(o, &r->a, "canonical", arena_printf(&r->a, "%s%s",
	    s->base_url, strcmp(r->path, "/") == 0 ? "/" : r->path));
	if (store_section_list(r->st, &r->a, &sv, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			struct tmpl_obj *e = tmpl_list_add(secs);

			tmpl_set_text(e, "name", sv[i].name);
			tmpl_set_text(e, "path", arena_printf(&r->a,
			    "/section/%s", render_pct(&r->a, sv[i].slug)));
			tmpl_set_text(e, "slug", sv[i].slug);
			tmpl_set_bool(e, "is_current", current_slug &&
			    strcmp(current_slug, sv[i].slug) == 0);
		}
	}
	return o;
}

static int
render(struct web_req *r, const char *tmpl, struct tmpl_obj *ctx)
{
	r->ctype = "text/html; charset=utf-8";
	return tmpl_render(&r->pg, r->site->tmpl, tmpl, ctx);
}

void
site_error(struct web_req *r, int status, const char *what)
{
	struct tmpl_obj *o;
	int rc = -1;

	r->status = status;
	buf_reset(&r->pg.b);
	if (r->st) {
		o = page_ctx(r, status == 404 ? "Page not found" :
		    "Something went wrong", NULL);
		tmpl_set_int(o, "status", status);
		tmpl_set_bool(o, "is_404", status == 404);
		tmpl_set_text(o, "what", what);
		rc = render(r, "error", o);
	}
	if (rc < 0) {
		/* no store or a broken theme: a plain page still answers */
		buf_reset(&r->pg.b);
		r->ctype = "text/plain; charset=utf-8";
		buf_addf(&r->pg.b, "%d %s\n", status, status == 404 ?
		    "not found" : "error");
	}
}

static void
add_items(struct web_req *r, struct tmpl_list *l, struct item *items,
    size_t n, bool full)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < n; i++)
		fill_item(r, tmpl_list_add(l), &items[i], full, now);
}

static void
add_feeds(struct web_req *r, struct tmpl_obj *o, const char *prefix)
{
	struct tmpl_obj *f = tmpl_set_obj(o, "feeds");

	tmpl_set_text(f, "rss", arena_printf(&r->a, "%s/feed.xml", prefix));
	tmpl_set_text(f, "atom", arena_printf(&r->a, "%s/atom.xml", prefix));
	tmpl_set_text(f, "json", arena_printf(&r->a, "%s/feed.json", prefix));
}

/* ---- pages ---- */

/* Whether the item has a photo in the local cache (one the page can
 * show). */
static bool
has_photo(struct web_req *r, const struct item *it)
{
	struct site_photo ph;

	if ((!it->image_url || !*it->image_url) &&
	    (!it->image_thumb || !*it->image_thumb))
		return false;
	site_item_photo(r, it, &ph);
	return ph.thumb != NULL;
}

static int
site_home(struct web_req *r)
{
	struct store_item_query q = { .limit = 80 };
	struct item *items = NULL;
	size_t n = 0, ntop = 0;
	struct tmpl_obj *o;
	struct tmpl_list *top, *river;
	unsigned char *used;         /* 1: a top story with a photo, 2: without */
	int rc;

	if ((rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
		return rc;
	o = page_ctx(r, r->site->cfg->desk.name, NULL);
	tmpl_set_bool(o, "is_home", true);
	add_feeds(r, o, "");
	top = tmpl_set_list(o, "top");
	river = tmpl_set_list(o, "river");
	used = arena_zalloc(&r->a, n + 1);
	/* Top stories: the newest items with a photo or a summary, one per
	 * outlet, until story clustering ranks by coverage. */
	for (size_t pass = 0; pass < 2 && ntop < TOP_N; pass++) {
		for (size_t i = 0; i < n && ntop < TOP_N; i++) {
			bool dup = false, good;

			if (used[i])
				continue;
			good = pass ? (items[i].summary && *items[i].summary) :
			    (items[i].summary && *items[i].summary &&
			    has_photo(r, &items[i]));
			for (size_t k = 0; k < n && !dup; k++)
				dup = used[k] && items[k].source_id ==
				    items[i].source_id;
			if (!good || dup)
				continue;
			used[i] = (unsigned char)(pass + 1);
			ntop++;
		}
	}
	{
		time_t now = time(NULL);
		size_t nriver = 0, lead = n;

		/* The lead story (shown largest) is the newest with a photo;
		 * the others follow newest first. */
		for (size_t i = 0; i < n && lead == n; i++)
			if (used[i] == 1)
				lead = i;
		if (lead < n)
			fill_item(r, tmpl_list_add(top), &items[lead], false,
			    now);
		for (size_t i = 0; i < n; i++)
			if (used[i] && i != lead)
				fill_item(r, tmpl_list_add(top), &items[i],
				    false, now);
		for (size_t i = 0; i < n && nriver < RIVER_N; i++) {
			if (used[i])
				continue;
			fill_item(r, tmpl_list_add(river), &items[i], false,
			    now);
			nriver++;
		}
	}
	tmpl_set_bool(o, "is_empty", n == 0);
	return render(r, "home", o);
}

static int
list_page(struct web_req *r, const char *title, const char *kicker,
    const char *slug, struct store_item_query *q, const char *feed_prefix,
    bool paged)
{
	struct item *items = NULL;
	size_t n = 0;
	long long page = paged ? query_int(r, "page", 1, 1000, 1) : 1;
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
	o = page_ctx(r, title, slug);
	tmpl_set_text(o, "heading", title);
	tmpl_set_text(o, "kicker", kicker);
	if (feed_prefix)
		add_feeds(r, o, feed_prefix);
	add_items(r, tmpl_set_list(o, "items"), items,
	    n > q->limit ? q->limit : n, false);
	tmpl_set_bool(o, "is_empty", n == 0);
	if (page > 1)
		tmpl_set_text(o, "prev", page == 2 ? r->path : arena_printf(
		    &r->a, "%s?page=%lld", r->path, page - 1));
	if (n > q->limit)
		tmpl_set_text(o, "next", arena_printf(&r->a, "%s?page=%lld",
		    r->path, page + 1));
	return render(r, "list", o);
}

int
site_req_section(struct web_req *r, struct section **out)
{
	*out = NULL;
	if (r->nargs < 1 || strncmp(r->path, "/section/", 9) != 0)
		return 0;
	return store_section_find(r->st, &r->a, r->args[0], out);
}

static int
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
	return list_page(r, sec->name, "Section", sec->slug, &q,
	    arena_printf(&r->a, "/section/%s", render_pct(&r->a, sec->slug)),
	    true);
}

static int
parse_id(const char *s, int64_t *out)
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

static int
site_source(struct web_req *r)
{
	struct source *src = NULL;
	struct store_item_query q = { .limit = LIST_N };
	int64_t id;
	int rc;

	if (parse_id(r->args[0], &id) < 0 ||
	    (rc = store_source_get(r->st, &r->a, id, &src)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such outlet.");
		return 0;
	}
	if (rc < 0)
		return rc;
	q.source_id = id;
	return list_page(r, src->title && *src->title ? src->title : src->url,
	    "Outlet", NULL, &q, NULL, true);
}

/* Parses YYYY-MM-DD into the desk-zone day [since, until). */
static bool
parse_day(const char *s, int64_t *since, int64_t *until)
{
	struct str cur = str_of(s);
	uint64_t y, m, d;
	struct tm tm = { 0 };

	if (!s || strlen(s) != 10 || !str_take_uint(&cur, 4, &y) ||
	    !str_skip_char(&cur, '-') || !str_take_uint(&cur, 2, &m) ||
	    !str_skip_char(&cur, '-') || !str_take_uint(&cur, 2, &d) ||
	    cur.len || y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_isdst = -1;
	*since = mktime(&tm);
	if (tm.tm_mday != (int)d)
		return false;   /* Feb 31 */
	tm = (struct tm){ 0 };
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d + 1;
	tm.tm_isdst = -1;
	*until = mktime(&tm);
	return *since != -1 && *until != -1;
}

/* The desk-zone day of t: "2007-05-28", or "Monday, May 28, 2007". */
static const char *
day_of(struct arena *a, int64_t t, bool is_long)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char out[64];

	if (!localtime_r(&tt, &tm))
		return NULL;
	if (is_long)
		strftime(out, sizeof(out), "%A, %B %d, %Y", &tm);
	else
		strftime(out, sizeof(out), "%Y-%m-%d", &tm);
	return arena_strdup(a, out);
}

static int
site_archive(struct web_req *r)
{
	struct store_item_query q = { .limit = ARCHIVE_N };
	long long page = query_int(r, "page", 1, 1000, 1);
	int64_t since, until;
	struct item *items = NULL;
	size_t n = 0;
	struct tmpl_obj *o;
	int rc;

	if (!parse_day(r->args[0], &since, &until)) {
		site_error(r, 404, "Archive dates look like 2007-05-28.");
		return 0;
	}
	q.since = since;
	q.until = until - 1;
	/* a busy day has more than a page: one more than shown says so */
	q.offset = (size_t)(page - 1) * ARCHIVE_N;
	q.limit = ARCHIVE_N + 1;
	if ((rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
		return rc;
	if (page > 1 && n == 0) {
		site_error(r, 404, "There is nothing on this page.");
		return 0;
	}
	o = page_ctx(r, day_of(&r->a, since, true), NULL);
	tmpl_set_text(o, "heading", day_of(&r->a, since, true));
	tmpl_set_text(o, "kicker", page > 1 ? arena_printf(&r->a,
	    "Archive, page %lld", page) : "Archive");
	add_items(r, tmpl_set_list(o, "items"), items,
	    n > ARCHIVE_N ? ARCHIVE_N : n, false);
	tmpl_set_bool(o, "is_empty", n == 0);
	if (n > ARCHIVE_N)
		tmpl_set_text(o, "more_link", arena_printf(&r->a,
		    "%s?page=%lld", r->path, page + 1));
	/* prev: the newest earlier day that has items (skipping empty
	 * days); next: the following day, when anything came after */
	{
		struct store_item_query pq = { .until = since - 1, .limit = 1 };
		struct store_item_query nq = { .since = until, .limit = 1 };
		struct item *pi = NULL, *ni = NULL;
		size_t pn = 0, nn = 0;

		if (store_item_list(r->st, &r->a, &pq, &pi, &pn) == 0 && pn)
			tmpl_set_text(o, "prev", arena_printf(&r->a,
			    "/archive/%s", day_of(&r->a, pi[0].published ?
			    pi[0].published : pi[0].first_seen, false)));
		if (store_item_list(r->st, &r->a, &nq, &ni, &nn) == 0 && nn)
			tmpl_set_text(o, "next", arena_printf(&r->a,
			    "/archive/%s", day_of(&r->a, until + 43200, false)));
	}
	/* past days do not change often, but items can still arrive late */
	r->max_age = 300;
	return render(r, "list", o);
}

static int
site_archive_today(struct web_req *r)
{
	const char *today = day_of(&r->a, time(NULL), false);

	r->args[0] = today;
	r->nargs = 1;
	return site_archive(r);
}

static const char *
jsonld(struct web_req *r, const struct item *it)
{
	json_t *o = json_object(), *v;
	int64_t t = it->published ? it->published : it->first_seen;
	char iso[32];
	char *s;
	const char *out;

	json_object_set_new(o, "@context", json_string("https://schema.org"));
	json_object_set_new(o, "@type", json_string("NewsArticle"));
	if (it->title)
		json_object_set_new(o, "headline", json_string(it->title));
	if (t) {
		iso_utc(iso, t);
		json_object_set_new(o, "datePublished", json_string(iso));
	}
	if (it->updated) {
		iso_utc(iso, it->updated);
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
		struct site_photo ph;

		site_item_photo(r, it, &ph);
		if (ph.image)
			json_object_set_new(o, "image", json_string(arena_printf(
			    &r->a, "%s%s", r->site->base_url, ph.image)));
	}
	if (it->url && html_url_is_safe(it->url))
		json_object_set_new(o, "url", json_string(it->url));
	json_object_set_new(o, "mainEntityOfPage", json_string(arena_printf(
	    &r->a, "%s/item/%lld", r->site->base_url, (long long)it->id)));
	if (lang_of(it->language))
		json_object_set_new(o, "inLanguage", json_string(it->language));
	/* json_string returns NULL (and set_new ignores it) for invalid
	 * UTF-8, which the store should not hold anyway */
	s = json_dumps(o, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(o);
	out = arena_strdup(&r->a, s ? s : "{}");
	free(s);
	return out;
}

static int
site_item(struct web_req *r)
{
	struct item *it = NULL;
	struct tmpl_obj *o, *io;
	int64_t id;
	int rc;

	if (parse_id(r->args[0], &id) < 0 ||
	    (rc = store_item_get(r->st, &r->a, id, &it)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such story; it may have "
		    "expired from the desk.");
		return 0;
	}
	if (rc < 0)
		return rc;
	o = page_ctx(r, it->title && *it->title ? it->title : "(untitled)",
	    NULL);
	io = tmpl_set_obj(o, "item");
	fill_item(r, io, it, true, time(NULL));
	tmpl_set_html(o, "jsonld", html_json_script(&r->a, jsonld(r, it)));
	if (it->summary && *it->summary)
		tmpl_set_text(o, "description", render_plain(&r->a, it->summary,
		    200));
	{
		struct site_photo ph;

		site_item_photo(r, it, &ph);
		if (ph.image)
			set_url(o, &r->a, "og_image", arena_printf(&r->a, "%s%s",
			    r->site->base_url, ph.image));
	}
	/* more from the same outlet */
	{
		struct store_item_query q = { .source_id = it->source_id,
			.limit = 6 };
		struct item *more = NULL;
		size_t n = 0;
		struct tmpl_list *l = tmpl_set_list(o, "more");
		time_t now = time(NULL);

		if (store_item_list(r->st, &r->a, &q, &more, &n) == 0)
			for (size_t i = 0; i < n && tmpl_list_len(l) < 5; i++)
				if (more[i].id != it->id)
					fill_item(r, tmpl_list_add(l), &more[i],
					    false, now);
		tmpl_set_bool(o, "has_more", tmpl_list_len(l) > 0);
	}
	return render(r, "item", o);
}

/* n with thousands separators ("10,000"), in a. */
static const char *
group_digits(struct arena *a, size_t n)
{
	char d[32], *out;
	int len = snprintf(d, sizeof(d), "%zu", n), j = 0;

	out = arena_alloc(a, (size_t)len + (size_t)len / 3 + 1);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = d[i];
	}
	out[j] = '\0';
	return out;
}

static int
site_search(struct web_req *r)
{
	const char *q = web_query(r, "q");
	const char *section = web_query(r, "section");
	const char *from = web_query(r, "from"), *to = web_query(r, "to");
	long long page = query_int(r, "page", 1, 100, 1);
	long long source = query_int(r, "source", 1, INT64_MAX, 0);
	struct store_search_opts so = { .limit = SEARCH_N };
	struct store_hit *hits = NULL;
	size_t n = 0, total = 0;
	bool is_capped = false;
	struct tmpl_obj *o;
	struct buf qs = BUF_INIT(4096);
	int rc = 0;

	o = page_ctx(r, q ? arena_printf(&r->a, "%s \xe2\x80\x94 search", q) :
	    "Search", NULL);
	tmpl_set_text(o, "q", q);
	tmpl_set_text(o, "from", from);
	tmpl_set_text(o, "to", to);
	r->max_age = 60;
	if (section) {
		struct section *sec = NULL;

		if (store_section_find(r->st, &r->a, section, &sec) == 0) {
			so.section_id = sec->id;
			tmpl_set_text(o, "section", sec->slug);
		}
	}
	if (source) {
		so.source_id = source;
		tmpl_set_int(o, "source", source);
	}
	{
		int64_t s0, s1;

		if (from && parse_day(from, &s0, &s1))
			so.since = s0;
		if (to && parse_day(to, &s0, &s1))
			so.until = s1 - 1;
	}
	/* sections list for the filter: mark the chosen one */
	{
		struct section *sv = NULL;
		size_t ns = 0;
		struct tmpl_list *l = tmpl_set_list(o, "filter_sections");

		if (store_section_list(r->st, &r->a, &sv, &ns) == 0)
			for (size_t i = 0; i < ns; i++) {
				struct tmpl_obj *e = tmpl_list_add(l);

				tmpl_set_text(e, "name", sv[i].name);
				tmpl_set_text(e, "slug", sv[i].slug);
				tmpl_set_bool(e, "is_selected",
				    so.section_id == sv[i].id);
			}
	}
	if (q && strlen(q) > 500)
		q = arena_strndup(&r->a, q, 500);
	if (q) {
		so.offset = (size_t)(page - 1) * SEARCH_N;
		rc = store_search(r->st, &r->a, q, &so, &hits, &n, &total,
		    &is_capped);
		if (rc == ND_EINVAL) {
			rc = 0;
			n = total = 0;
		}
		if (rc < 0)
			goto out;
		struct tmpl_list *l = tmpl_set_list(o, "hits");
		time_t now = time(NULL);

		for (size_t i = 0; i < n; i++) {
			struct tmpl_obj *e = tmpl_list_add(l);

			fill_item(r, e, &hits[i].item, false, now);
			if (hits[i].snippet && *hits[i].snippet)
				tmpl_set_html(e, "snippet", html_snippet(&r->a,
				    hits[i].snippet));
		}
		tmpl_set_bool(o, "has_query", true);
		tmpl_set_int(o, "total", (long long)total);
		tmpl_set_bool(o, "is_empty", total == 0);
		tmpl_set_bool(o, "is_one", total == 1);
		/* paging links keep the filters */
		buf_addf(&qs, "/search?q=%s", render_pct(&r->a, q));
		if (so.section_id && section)
			buf_addf(&qs, "&section=%s", render_pct(&r->a, section));
		if (source)
			buf_addf(&qs, "&source=%lld", source);
		if (from)
			buf_addf(&qs, "&from=%s", render_pct(&r->a, from));
		if (to)
			buf_addf(&qs, "&to=%s", render_pct(&r->a, to));
		if (page > 1)
			tmpl_set_text(o, "prev", arena_printf(&r->a, "%s&page=%lld",
			    qs.ptr, page - 1));
		/* Only the newest STORE_SEARCH_WINDOW matches are ranked. */
		if ((size_t)page * SEARCH_N < total &&
		    (size_t)page * SEARCH_N < STORE_SEARCH_WINDOW && page < 100)
			tmpl_set_text(o, "next", arena_printf(&r->a, "%s&page=%lld",
			    qs.ptr, page + 1));
		if (n)
			tmpl_set_text(o, "range", arena_printf(&r->a,
			    "%zu\xe2\x80\x93%zu of %s%s", so.offset + 1,
			    so.offset + n, group_digits(&r->a, total),
			    is_capped ? "+" : ""));
	}
	rc = render(r, "search", o);
out:
	buf_release(&qs);
	return rc;
}

static int
site_healthz(struct web_req *r)
{
	uint64_t v;
	int rc;

	r->ctype = "text/plain; charset=utf-8";
	if ((rc = store_data_version(r->st, &v)) < 0) {
		r->status = 503;
		buf_adds(&r->pg.b, "store unavailable\n");
		return 0;
	}
	buf_adds(&r->pg.b, "ok\n");
	return 0;
}

static int
site_robots(struct web_req *r)
{
	r->ctype = "text/plain; charset=utf-8";
	buf_addf(&r->pg.b, "User-agent: *\nDisallow: /search\n\nSitemap: %s/sitemap.xml\n",
	    r->site->base_url);
	return 0;
}

static int
site_css(struct web_req *r)
{
	r->ctype = "text/css; charset=utf-8";
	buf_add(&r->pg.b, r->site->css, r->site->css_len);
	r->max_age = 31536000;
	return 0;
}

void
site_handle(struct web_req *r, const struct route *rt)
{
	int rc = 0;

	r->status = 200;
	r->flags = rt ? rt->flags : 0;
	if (r->max_age == 0)
		r->max_age = 60;
	if ((rc = site_store_get(r->site, &r->st)) < 0) {
		log_error(LOG_WEB, "store open failed: %s", err_msg());
		r->st = NULL;
		site_error(r, 503, "The desk's store is not available.");
		return;
	}
	if (!rt)
		site_error(r, 404, "There is no page at this address.");
	else if ((rc = rt->fn(r)) < 0) {
		log_error(LOG_WEB, "render failed path=%s: %s", r->path,
		    err_msg());
		site_error(r, 500, "The page could not be built.");
	}
	site_store_put(r->site, r->st);
	r->st = NULL;
}

/* ---- export ---- */

struct day_set {
	char (*days)[11];
	size_t n, cap;
};

int
site_each_path(struct site *s, int (*fn)(const char *path, void *payload),
    void *payload)
{
	static const char *fixed[] = { "/", "/feed.xml", "/atom.xml",
		"/feed.json", "/sitemap.xml", "/robots.txt", "/static/site.css" };
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct section *sv = NULL;
	struct source *src = NULL;
	size_t ns = 0, nsrc = 0;
	struct day_set days = { 0 };
	int rc;

	arena_init(&a);
	if ((rc = site_store_get(s, &st)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if ((rc = fn(fixed[i], payload)) < 0)
			goto out;
	if ((rc = store_section_list(st, &a, &sv, &ns)) < 0)
		goto out;
	for (size_t i = 0; i < ns; i++) {
		static const char *sub[] = { "", "/feed.xml", "/atom.xml",
			"/feed.json" };

		for (size_t k = 0; k < 4; k++)
			if ((rc = fn(arena_printf(&a, "/section/%s%s",
			    sv[i].slug, sub[k]), payload)) < 0)
				goto out;
	}
	if ((rc = store_source_list(st, &a, &src, &nsrc)) < 0)
		goto out;
	for (size_t i = 0; i < nsrc; i++)
		if ((rc = fn(arena_printf(&a, "/source/%lld",
		    (long long)src[i].id), payload)) < 0)
			goto out;
	for (size_t off = 0;; off += 500) {
		struct store_item_query q = { .limit = 500, .offset = off };
		struct item *items = NULL;
		size_t n = 0;
		struct arena ia = ARENA_INIT;

		arena_init(&ia);
		if ((rc = store_item_list(st, &ia, &q, &items, &n)) < 0) {
			arena_release(&ia);
			goto out;
		}
		for (size_t i = 0; i < n && rc >= 0; i++) {
			int64_t t = items[i].published ? items[i].published :
			    items[i].first_seen;
			const char *d = day_of(&ia, t, false);
			bool seen = false;

			rc = fn(item_path(&ia, items[i].id), payload);
			for (size_t k = 0; d && k < days.n && !seen; k++)
				seen = strcmp(days.days[k], d) == 0;
			if (d && !seen && strlen(d) == 10) {
				days.days = xgrow(days.days, sizeof(*days.days),
				    days.n + 1, &days.cap);
				memcpy(days.days[days.n++], d, 11);
			}
		}
		arena_release(&ia);
		if (rc < 0)
			goto out;
		if (n < 500)
			break;
	}
	for (size_t k = 0; k < days.n; k++)
		if ((rc = fn(arena_printf(&a, "/archive/%s", days.days[k]),
		    payload)) < 0)
			goto out;
	{
		struct photo *mv = NULL;
		size_t nm = 0;

		if ((rc = store_media_list_ok(st, &a, &mv, &nm)) < 0)
			goto out;
		for (size_t i = 0; i < nm; i++) {
			const char *ext = model_photo_ext(mv[i].type);

			if ((rc = fn(arena_printf(&a, "/media/%s.%s", mv[i].key,
			    ext), payload)) < 0)
				goto out;
		}
	}
out:
	free(days.days);
	site_store_put(s, st);
	arena_release(&a);
	return rc;
}
