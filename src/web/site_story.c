/*
 * site_story: one story's page (/story/ID: the headline, who reported
 * first, photos, every report grouped by outlet) and its feeds, so a
 * reader can follow one story. A story page depends on each of its items
 * (an update shows) and on items in general (a new report may join it);
 * it shows ages, so an editor's merge or retitle shows within a minute
 * too.
 */
#include <time.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "render/feeds.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define STORY_FEED_N 50

/* The story of r->args[0] with its reports, oldest first; 0 after a 404
 * page when there is none (*out NULL), or a store error. A merged story
 * answers with the story that absorbed it. */
static int
load(struct web_req *r, struct story **out, struct item **items, size_t *n)
{
	int64_t id;
	int rc;

	*out = NULL;
	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_story_get(r->st, &r->a, id, out)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such story; it may have "
		    "expired from the desk.");
		*out = NULL;
		return 0;
	}
	if (rc < 0)
		return rc;
	if ((*out)->merged_into &&
	    (rc = store_story_get(r->st, &r->a, (*out)->merged_into, out)) < 0)
		return rc;
	if ((rc = store_story_items(r->st, &r->a, (*out)->id, items, n)) < 0)
		return rc;
	web_dep(r, DEP_ITEMS, 0);
	for (size_t i = 0; i < *n; i++)
		web_dep(r, DEP_ITEM, (*items)[i].id);
	web_dep_photos(r, *items, *n);
	return 0;
}

/* As view_story shows it: the editor's title, else the lead report's. */
static const char *
headline(struct web_req *r, const struct story *s, const struct item *items,
    size_t n)
{
	size_t lead;

	if (s->editor_title && *s->editor_title)
		return s->editor_title;
	lead = view_story_lead(&r->a, items, n);
	if (n)
		return view_headline(&r->a, &items[lead]);
	return s->title && *s->title ? s->title : "A story";
}

int
site_story(struct web_req *r)
{
	struct story *s;
	struct item *items = NULL;
	struct tmpl_obj *o, *so;
	size_t n = 0;
	time_t now = time(NULL);
	int rc;

	if ((rc = load(r, &s, &items, &n)) < 0 || !s)
		return rc;
	o = site_page_ctx(r, headline(r, s, items, n), NULL);
	so = tmpl_set_obj(o, "story");
	view_story(so, &r->a, &r->site->vs, s, items, n, now, NULL);
	view_story_timeline(so, &r->a, &r->site->vs, items, n, now);
	/* An undated report is never presented as published at some time
	 * (the time the desk first saw it is not when it was reported). */
	if (n && items[0].published) {
		tmpl_set_text(so, "first_time", view_desk_time(&r->a,
		    r->site->vs.tz, items[0].published));
		tmpl_set_text(so, "first_time_iso", view_iso_time(&r->a,
		    items[0].published));
	}
	return site_render(r, "story", o);
}

static int
feed(struct web_req *r, enum site_feed_kind k)
{
	const char *base = r->site->base_url;
	struct story *s;
	struct item *items = NULL, *v;
	size_t n = 0, m;
	int rc;

	if ((rc = load(r, &s, &items, &n)) < 0 || !s)
		return rc;
	/* Newest first, at most STORY_FEED_N. */
	m = n < STORY_FEED_N ? n : STORY_FEED_N;
	v = arena_zalloc(&r->a, (m ? m : 1) * sizeof(*v));
	for (size_t i = 0; i < m; i++)
		v[i] = items[n - 1 - i];
	return site_feed_send(r, k, arena_printf(&r->a, "%s: %s",
	    r->site->cfg->desk.name, headline(r, s, items, n)),
	    arena_printf(&r->a, "%s/story/%lld", base, (long long)s->id), v, m);
}

int
site_story_rss(struct web_req *r)
{
	return feed(r, SITE_FEED_RSS);
}

int
site_story_atom(struct web_req *r)
{
	return feed(r, SITE_FEED_ATOM);
}

int
site_story_json(struct web_req *r)
{
	return feed(r, SITE_FEED_JSON);
}
