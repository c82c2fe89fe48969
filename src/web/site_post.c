/*
 * site_post: the desk's own posts on the public site (issue 10): a post's
 * page (with JSON-LD NewsArticle: authors as Persons, dateModified after
 * an edit, corrections as CorrectionComments), byline pages, column pages
 * and their feeds, /corrections, and the block of posts that leads the
 * home page and the section pages. Only published posts are public: a
 * draft or a scheduled post is "no such page" here (the desk previews
 * them). Pages depend on DEP_POSTS (any published post) or DEP_POST (one),
 * so publishing invalidates those and nothing else.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "render/feeds.h"
#include "render/html.h"
#include "render/photo.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define POSTS_LEAD 4             /* posts leading the home and section pages */
#define POSTS_PAGE 100           /* a byline's or column's page */
#define POSTS_FEED 20

int
site_add_posts(struct web_req *r, struct tmpl_obj *o, int64_t section_id,
    size_t max)
{
	struct store_post_query q = { .status = POST_PUBLISHED,
		.section_id = section_id, .limit = max };
	struct post *v = NULL;
	size_t n = 0;
	struct tmpl_list *l;
	time_t now = time(NULL);
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_post_list(r->st, &r->a, &q, &v, &n)) < 0)
		return rc;
	l = tmpl_set_list(o, "posts");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *x = tmpl_list_add(l);

		view_post(x, &r->a, &r->site->vs, &v[i], false, now);
		tmpl_set_bool(x, "is_lead", i == 0);
	}
	tmpl_set_bool(o, "has_posts", n > 0);
	return 0;
}

static const char *
jsonld(struct web_req *r, const struct post *p, const char *path)
{
	const char *base = r->site->base_url;
	json_t *o = json_object(), *authors = json_array(), *cor = json_array();
	char iso[32];
	char *s;
	const char *out;

	json_object_set_new(o, "@context", json_string("https://schema.org"));
	json_object_set_new(o, "@type", json_string("NewsArticle"));
	json_object_set_new(o, "headline", json_string(p->headline));
	if (p->deck && *p->deck)
		json_object_set_new(o, "description", json_string(p->deck));
	if (p->published_at) {
		view_iso_utc(iso, p->published_at);
		json_object_set_new(o, "datePublished", json_string(iso));
	}
	view_iso_utc(iso, p->updated_at > p->published_at ? p->updated_at :
	    p->published_at);
	json_object_set_new(o, "dateModified", json_string(iso));
	for (size_t i = 0; i < p->n_bylines; i++) {
		json_t *a = json_object();

		json_object_set_new(a, "@type", json_string("Person"));
		json_object_set_new(a, "name", json_string(p->bylines[i].name));
		json_object_set_new(a, "url", json_string(arena_printf(&r->a,
		    "%s/byline/%s", base, render_pct(&r->a,
		    p->bylines[i].slug))));
		json_array_append_new(authors, a);
	}
	if (p->n_bylines)
		json_object_set_new(o, "author", authors);
	else
		json_decref(authors);
	{
		json_t *pub = json_object();

		json_object_set_new(pub, "@type", json_string("Organization"));
		json_object_set_new(pub, "name",
		    json_string(r->site->cfg->desk.name));
		json_object_set_new(o, "publisher", pub);
	}
	if (p->dateline && *p->dateline)
		json_object_set_new(o, "dateline", json_string(p->dateline));
	if (p->section_name)
		json_object_set_new(o, "articleSection",
		    json_string(p->section_name));
	if (p->photo_id && p->photo.token) {
		const char *webp, *jpeg, *src;
		int w, h;

		render_photo_srcsets(&r->a, &p->photo, &webp, &jpeg, &src, &w,
		    &h);
		if (src)
			json_object_set_new(o, "image", json_string(arena_printf(
			    &r->a, "%s%s", base, src)));
	}
	for (size_t i = 0; i < p->n_corrections; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "@type", json_string("CorrectionComment"));
		json_object_set_new(c, "text",
		    json_string(p->corrections[i].note));
		view_iso_utc(iso, p->corrections[i].time);
		json_object_set_new(c, "datePublished", json_string(iso));
		json_array_append_new(cor, c);
	}
	if (p->n_corrections)
		json_object_set_new(o, "correction", cor);
	else
		json_decref(cor);
	json_object_set_new(o, "mainEntityOfPage", json_string(arena_printf(
	    &r->a, "%s%s", base, path)));
	json_object_set_new(o, "url", json_string(arena_printf(&r->a, "%s%s",
	    base, path)));
	s = json_dumps(o, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(o);
	out = arena_strdup(&r->a, s ? s : "{}");
	free(s);
	return out;
}

/* The published post of r->args[0], or NULL after a 404 page. */
static int
published(struct web_req *r, struct post **out)
{
	int64_t id;
	int rc;

	*out = NULL;
	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_post_get(r->st, &r->a, id, out)) == ND_ENOTFOUND ||
	    (rc == 0 && (*out)->status != POST_PUBLISHED)) {
		/* a draft or scheduled post is not public yet; it becomes
		 * visible when published, which invalidates DEP_POST */
		web_dep(r, DEP_POST, id);
		*out = NULL;
		site_error(r, 404, "There is no such post.");
		return 0;
	}
	return rc;
}

int
site_post(struct web_req *r)
{
	struct post *p = NULL;
	struct tmpl_obj *o, *po;
	const char *path;
	int rc;

	if ((rc = published(r, &p)) < 0 || !p)
		return rc;
	web_dep(r, DEP_POST, p->id);
	web_dep(r, DEP_POST, 0);     /* columns (their names) */
	path = view_post_path(&r->a, p);
	if (r->nargs < 2 || strcmp(r->path, path) != 0) {
		/* /post/12 or an old slug: the one address of the post */
		r->status = 301;
		r->location = path;
		return 0;
	}
	o = site_page_ctx(r, p->headline, p->section_slug);
	po = tmpl_set_obj(o, "post");
	view_post(po, &r->a, &r->site->vs, p, true, time(NULL));
	tmpl_set_html(o, "jsonld", html_json_script(&r->a, jsonld(r, p,
	    path)));
	tmpl_set_bool(o, "is_article", true);
	if (p->deck && *p->deck)
		tmpl_set_text(o, "description", p->deck);
	if (p->photo_id && p->photo.token) {
		const char *webp, *jpeg, *src;
		int w, h;
		struct html hu;

		render_photo_srcsets(&r->a, &p->photo, &webp, &jpeg, &src, &w,
		    &h);
		if (src && (hu = html_url(&r->a, arena_printf(&r->a, "%s%s",
		    r->site->base_url, src))).len)
			tmpl_set_html(o, "og_image", hu);
	}
	return site_render(r, "post", o);
}

/* A list page of posts (a byline's, a column's). */
static int
post_list_page(struct web_req *r, const char *kicker, const char *heading,
    const char *description, const struct store_post_query *q,
    const char *feed_prefix)
{
	struct post *v = NULL;
	size_t n = 0;
	struct tmpl_obj *o;
	struct tmpl_list *l;
	time_t now = time(NULL);
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_post_list(r->st, &r->a, q, &v, &n)) < 0)
		return rc;
	o = site_page_ctx(r, heading, NULL);
	tmpl_set_text(o, "kicker", kicker);
	tmpl_set_text(o, "heading", heading);
	tmpl_set_text(o, "intro", description);
	if (description)
		tmpl_set_text(o, "description", description);
	if (feed_prefix) {
		struct tmpl_obj *f = tmpl_set_obj(o, "feeds");

		tmpl_set_text(f, "rss", arena_printf(&r->a, "%s/feed.xml",
		    feed_prefix));
		tmpl_set_text(f, "atom", arena_printf(&r->a, "%s/atom.xml",
		    feed_prefix));
		tmpl_set_text(f, "json", arena_printf(&r->a, "%s/feed.json",
		    feed_prefix));
	}
	l = tmpl_set_list(o, "posts");
	for (size_t i = 0; i < n; i++)
		view_post(tmpl_list_add(l), &r->a, &r->site->vs, &v[i], false,
		    now);
	tmpl_set_bool(o, "is_empty", n == 0);
	return site_render(r, "posts", o);
}

int
site_byline(struct web_req *r)
{
	struct post_byline *b = NULL;
	struct store_post_query q = { .status = POST_PUBLISHED,
		.limit = POSTS_PAGE };
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_byline_find(r->st, &r->a, r->args[0], &b)) ==
	    ND_ENOTFOUND) {
		site_error(r, 404, "No one by that name writes for the desk.");
		return 0;
	}
	if (rc < 0)
		return rc;
	q.byline_slug = b->slug;
	return post_list_page(r, "Byline", b->name, NULL, &q, NULL);
}

static int
column_of(struct web_req *r, struct column **out)
{
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_column_find(r->st, &r->a, r->args[0], out)) ==
	    ND_ENOTFOUND || (rc == 0 && strcmp((*out)->slug, r->args[0]))) {
		site_error(r, 404, "There is no such column.");
		*out = NULL;
		return 0;
	}
	return rc;
}

int
site_column(struct web_req *r)
{
	struct column *c = NULL;
	struct store_post_query q = { .status = POST_PUBLISHED,
		.limit = POSTS_PAGE };
	int rc;

	if ((rc = column_of(r, &c)) < 0 || !c)
		return rc;
	q.column_id = c->id;
	return post_list_page(r, "Column", c->name, c->description, &q,
	    arena_printf(&r->a, "/column/%s", render_pct(&r->a, c->slug)));
}

/* Posts as feed entries: the link is the post's page, the author its
 * bylines, the summary its deck, the content its body, the photo its
 * JPEG. links[i] is entry i's page (absolute). */
void
site_posts_as_items(struct web_req *r, const struct post *v, size_t n,
    struct item *out, const char **links)
{
	const char *base = r->site->base_url;

	for (size_t i = 0; i < n; i++) {
		const struct post *p = &v[i];
		struct item *it = &out[i];
		char *names = NULL;

		memset(it, 0, sizeof(*it));
		it->id = p->id;
		links[i] = arena_printf(&r->a, "%s%s", base,
		    view_post_path(&r->a, p));
		it->title = p->headline;
		it->summary = p->deck && *p->deck ? html_text(&r->a,
		    p->deck).p : NULL;
		it->content = p->body_html;
		for (size_t k = 0; k < p->n_bylines; k++)
			names = names ? arena_printf(&r->a, "%s, %s", names,
			    p->bylines[k].name) : arena_strdup(&r->a,
			    p->bylines[k].name);
		it->author = names;
		it->tags = p->tags;
		it->published = p->published_at;
		it->updated = p->updated_at > p->published_at ? p->updated_at :
		    0;
		it->sort_time = p->published_at;
		it->first_seen = p->published_at;
		if (p->photo_id && p->photo.token) {
			const char *webp, *jpeg, *src;
			int w, h;

			render_photo_srcsets(&r->a, &p->photo, &webp, &jpeg,
			    &src, &w, &h);
			if (src)
				it->image_url = arena_printf(&r->a, "%s%s", base,
				    src);
			it->image_caption = p->photo_caption;
			it->image_credit = p->photo_credit;
		}
	}
}

/*
 * Merges the newest published posts (of section_id, or of column_id, 0 =
 * any) into items (newest first), keeping at most max entries. Returns the
 * merged list and its links (NULL for an item: its /item/ page) in a.
 */
int
site_feed_merge_posts(struct web_req *r, int64_t section_id,
    int64_t column_id, struct item *items, size_t n, size_t max,
    struct item **out, const char ***out_links, size_t *out_n)
{
	struct store_post_query q = { .status = POST_PUBLISHED,
		.section_id = section_id, .column_id = column_id,
		.limit = POSTS_FEED };
	struct post *v = NULL;
	size_t np = 0, i = 0, j = 0, k = 0;
	struct item *pi, *all;
	const char **plinks, **links;
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_post_list(r->st, &r->a, &q, &v, &np)) < 0)
		return rc;
	pi = arena_zalloc(&r->a, (np + 1) * sizeof(*pi));
	plinks = arena_zalloc(&r->a, (np + 1) * sizeof(*plinks));
	site_posts_as_items(r, v, np, pi, plinks);
	all = arena_zalloc(&r->a, (n + np + 1) * sizeof(*all));
	links = arena_zalloc(&r->a, (n + np + 1) * sizeof(*links));
	while (k < max && (i < n || j < np)) {
		int64_t ti = i < n ? (items[i].published ? items[i].published :
		    items[i].first_seen) : 0;

		if (j < np && (i >= n || pi[j].published >= ti)) {
			links[k] = plinks[j];
			all[k++] = pi[j++];
		} else {
			links[k] = NULL;
			all[k++] = items[i++];
		}
	}
	*out = all;
	*out_links = links;
	*out_n = k;
	return 0;
}

static int
column_feed(struct web_req *r, enum site_feed_kind k)
{
	struct column *c = NULL;
	struct item *all = NULL;
	const char **links = NULL;
	size_t n = 0;
	int rc;

	if ((rc = column_of(r, &c)) < 0 || !c)
		return rc;
	if ((rc = site_feed_merge_posts(r, 0, c->id, NULL, 0, POSTS_FEED, &all,
	    &links, &n)) < 0)
		return rc;
	return site_feed_send_links(r, k, arena_printf(&r->a, "%s: %s",
	    r->site->cfg->desk.name, c->name), arena_printf(&r->a,
	    "%s/column/%s", r->site->base_url, render_pct(&r->a, c->slug)),
	    all, links, n);
}

int
site_column_rss(struct web_req *r)
{
	return column_feed(r, SITE_FEED_RSS);
}

int
site_column_atom(struct web_req *r)
{
	return column_feed(r, SITE_FEED_ATOM);
}

int
site_column_json(struct web_req *r)
{
	return column_feed(r, SITE_FEED_JSON);
}

int
site_corrections(struct web_req *r)
{
	struct store_correction *v = NULL;
	size_t n = 0;
	struct tmpl_obj *o;
	struct tmpl_list *l;
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_correction_list(r->st, &r->a, 0, &v, &n)) < 0)
		return rc;
	o = site_page_ctx(r, "Corrections", NULL);
	l = tmpl_set_list(o, "corrections");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *x = tmpl_list_add(l);
		struct post p = { .id = v[i].post_id, .slug = v[i].post_slug };

		tmpl_set_text(x, "date", view_date_short(&r->a, r->site->tz,
		    v[i].c.time));
		tmpl_set_text(x, "time_iso", view_iso_time(&r->a, v[i].c.time));
		tmpl_set_text(x, "note", v[i].c.note);
		tmpl_set_text(x, "headline", v[i].post_headline);
		tmpl_set_text(x, "path", view_post_path(&r->a, &p));
	}
	tmpl_set_bool(o, "is_empty", n == 0);
	return site_render(r, "corrections", o);
}

/* The sitemap's entries for published posts (newest first, at most max),
 * byline and column pages. In a. */
int
site_sitemap_posts(struct web_req *r, size_t max,
    struct render_sitemap_url **out, size_t *out_n)
{
	struct store_post_query q = { .status = POST_PUBLISHED, .limit = max };
	struct post *v = NULL;
	struct column *cv = NULL;
	size_t n = 0, nc = 0, k = 0;
	struct render_sitemap_url *u;
	const char *base = r->site->base_url;
	int rc;

	web_dep(r, DEP_POSTS, 0);
	if ((rc = store_post_list(r->st, &r->a, &q, &v, &n)) < 0 ||
	    (rc = store_column_list(r->st, &r->a, &cv, &nc)) < 0)
		return rc;
	u = arena_zalloc(&r->a, (n * (1 + POST_MAX_BYLINES) + nc + 2) *
	    sizeof(*u));
	for (size_t i = 0; i < n; i++) {
		u[k].loc = arena_printf(&r->a, "%s%s", base,
		    view_post_path(&r->a, &v[i]));
		u[k++].lastmod = v[i].updated_at > v[i].published_at ?
		    v[i].updated_at : v[i].published_at;
	}
	/* byline pages, once each */
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < v[i].n_bylines; b++) {
			const char *loc = arena_printf(&r->a, "%s/byline/%s", base,
			    render_pct(&r->a, v[i].bylines[b].slug));
			bool seen = false;

			for (size_t x = n; x < k && !seen; x++)
				seen = strcmp(u[x].loc, loc) == 0;
			if (!seen)
				u[k++].loc = loc;
		}
	for (size_t i = 0; i < nc; i++)
		u[k++].loc = arena_printf(&r->a, "%s/column/%s", base,
		    render_pct(&r->a, cv[i].slug));
	if (n)
		u[k++].loc = arena_printf(&r->a, "%s/corrections", base);
	*out = u;
	*out_n = k;
	return 0;
}
