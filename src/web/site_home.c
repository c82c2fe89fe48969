/*
 * site_home: the front page: top stories (the stories ranked by coverage,
 * velocity and recency, pins first, each led by its best report with a
 * photo and followed by "More coverage: outlet, outlet"; before any story
 * exists, the newest items with a cached photo), the Headlines river (the
 * reports of the top stories left out, so each event shows once), the
 * sponsor slot and the feeds.
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define RIVER_N 12              /* the right column's Headlines */
#define LATEST_N 24             /* then "More headlines" under the top */
#define TOP_N 6
#define POSTS_LEAD 4            /* the desk's own posts, above the top */

/* Whether the item has a photo in the local cache (one the page can
 * show). */
static bool
has_photo(struct web_req *r, const struct item *it)
{
	struct view_photo ph;

	if ((!it->image_url || !*it->image_url) &&
	    (!it->image_thumb || !*it->image_thumb))
		return false;
	view_item_photo(&r->a, it, &ph);
	return ph.thumb != NULL;
}

/* used[] of an item a story above already shows (the fallback passes
 * of site_home mark their top items 1 to 3) */
#define USED_IN_STORY 4

static void
add_feeds(struct web_req *r, struct tmpl_obj *o)
{
	struct tmpl_obj *f = tmpl_set_obj(o, "feeds");

	tmpl_set_text(f, "rss", "/feed.xml");
	tmpl_set_text(f, "atom", "/atom.xml");
	tmpl_set_text(f, "json", "/feed.json");
}

/* Top stories from the stories; the reports they link to (the lead and
 * one per other outlet) are marked in used[] (by position in items) so
 * the river does not repeat them; an outlet's follow-ups stay in the
 * river. Returns how
 * many stories it added (0: none yet, the caller falls back). */
static size_t
top_stories(struct web_req *r, struct tmpl_list *top, const struct item *items,
    size_t n, unsigned char *used, time_t now)
{
	struct store_story_query q = { .limit = TOP_N };
	struct story *sv = NULL;
	size_t ns = 0, k = 0;

	if (store_story_list(r->st, &r->a, &q, (int64_t)now, &sv, &ns) < 0)
		return 0;
	for (size_t i = 0; i < ns; i++) {
		struct item *si = NULL;
		bool *shown;
		size_t nsi = 0;

		if (store_story_items(r->st, &r->a, sv[i].id, &si, &nsi) < 0 ||
		    nsi == 0)
			continue;
		web_dep_photos(r, si, nsi);
		shown = arena_zalloc(&r->a, nsi);
		view_story(tmpl_list_add(top), &r->a, &r->site->vs, &sv[i], si,
		    nsi, now, shown);
		for (size_t j = 0; j < nsi; j++)
			for (size_t x = 0; x < n && shown[j]; x++)
				if (items[x].id == si[j].id)
					used[x] = USED_IN_STORY;
		k++;
	}
	return k;
}

int
site_home(struct web_req *r)
{
	struct store_item_query q = { .limit = 80 };
	struct item *items = NULL;
	size_t n = 0, ntop = 0;
	struct tmpl_obj *o;
	struct tmpl_list *top, *river;
	unsigned char *used;         /* 1: a top story with a photo, 2: without,
	                              * 3: undated; USED_IN_STORY */
	int rc;

	if ((rc = store_item_list(r->st, &r->a, &q, &items, &n)) < 0)
		return rc;
	web_dep(r, DEP_ITEMS, 0);
	/* all 80, not only those shown: a photo cached for one of them can
	 * make it a top story */
	web_dep_photos(r, items, n);
	o = site_page_ctx(r, r->site->cfg->desk.name, NULL);
	tmpl_set_bool(o, "is_home", true);
	add_feeds(r, o);
	/* the desk's own posts lead the page (issue 10) */
	if ((rc = site_add_posts(r, o, 0, POSTS_LEAD)) < 0)
		return rc;
	top = tmpl_set_list(o, "top");
	river = tmpl_set_list(o, "river");
	used = arena_zalloc(&r->a, n + 1);
	/* items an editor pinned lead the front page (issue 10) */
	{
		struct item *pins = NULL;
		size_t np = 0;
		time_t now = time(NULL);

		if (store_item_pinned(r->st, &r->a, TOP_N, &pins, &np) == 0) {
			web_dep_photos(r, pins, np);
			for (size_t i = 0; i < np; i++) {
				struct tmpl_obj *e = tmpl_list_add(top);

				view_item(e, &r->a, &r->site->vs, &pins[i], false,
				    now);
				tmpl_set_bool(e, "is_pinned", true);
				for (size_t x = 0; x < n; x++)
					if (items[x].id == pins[i].id)
						used[x] = USED_IN_STORY;
			}
		}
	}
	if (top_stories(r, top, items, n, used, time(NULL)) > 0)
		ntop = TOP_N;
	/* Before any story exists: the newest items with a photo or a
	 * summary, one per outlet. */
	for (size_t pass = 0; pass < 3 && ntop < TOP_N; pass++) {
		/* undated items only when the newest are all undated (a
		 * desk of old feeds), rather than no top stories at all */
		if (pass == 2 && ntop >= 3)
			break;
		for (size_t i = 0; i < n && ntop < TOP_N; i++) {
			bool dup = false, good;

			if (used[i])
				continue;
			good = pass == 2 ? (items[i].summary && *items[i].summary)
			    : pass ? (items[i].summary && *items[i].summary &&
			    items[i].published != 0) :
			    (items[i].summary && *items[i].summary &&
			    has_photo(r, &items[i]) && items[i].published != 0);
			/* an item of unknown date is not presented as news
			 * (pass 2 aside) */
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
		const struct view_site *vs = &r->site->vs;

		/* The lead story (shown largest) is the newest with a photo;
		 * the others follow newest first. */
		for (size_t i = 0; i < n && lead == n; i++)
			if (used[i] == 1)
				lead = i;
		/* used[i] == USED_IN_STORY: shown in a story above */
		if (lead < n)
			view_item(tmpl_list_add(top), &r->a, vs, &items[lead],
			    false, now);
		for (size_t i = 0; i < n; i++)
			if (used[i] && used[i] != USED_IN_STORY && i != lead)
				view_item(tmpl_list_add(top), &r->a, vs,
				    &items[i], false, now);
		struct tmpl_list *latest = tmpl_set_list(o, "latest");

		size_t *first = site_copies_group(r, items, n);

		for (size_t i = 0; i < n && nriver < RIVER_N + LATEST_N; i++) {
			struct tmpl_obj *e;

			/* a copy of a report shown above or before: once,
			 * with its outlets (issue 9) */
			if (used[i] || first[i] != i)
				continue;
			e = tmpl_list_add(nriver < RIVER_N ? river : latest);
			view_item(e, &r->a, vs, &items[i], false, now);
			site_copies_also(r, e, items, n, first, i);
			nriver++;
		}
		tmpl_set_bool(o, "has_latest", nriver > RIVER_N);
		/* "all of the day's headlines": the newest day with items,
		 * which is not today when nothing came in yet today */
		if (n) {
			/* the archive's days are of the published date, else
			 * of when first seen (store_item_query) */
			int64_t t = items[0].published > 0 ?
			    items[0].published : items[0].first_seen;
			const char *day = view_day(&r->a, vs->tz, t, false);
			bool is_today = strcmp(day, view_day(&r->a, vs->tz, now,
			    false)) == 0;

			tmpl_set_text(o, "archive_path", arena_printf(&r->a,
			    "/archive/%s", day));
			tmpl_set_text(o, "archive_label", is_today ?
			    "All of today’s headlines" : arena_printf(&r->a,
			    "All headlines of %s", view_day(&r->a, vs->tz, t,
			    true)));
		}
	}
	site_add_outlets(r, o);
	tmpl_set_bool(o, "is_empty", n == 0);
	return site_render(r, "home", o);
}
