/*
 * site_archive: one day of items in the desk's zone (/archive/YYYY-MM-DD,
 * /archive for today), with links to the previous day that has items and
 * to the next one.
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define ARCHIVE_N 200
#define DAY_DEPS_MAX 62          /* prev link further back: any item */

static int
floor_day(int64_t t)
{
	return (int)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

int
site_archive(struct web_req *r)
{
	const struct tz *tz = r->site->tz;
	struct store_item_query q = { .limit = ARCHIVE_N };
	long long page = web_query_int(r, "page", 1, 1000, 1);
	int64_t since, until, prev_t = 0;
	struct item *items = NULL;
	size_t n = 0;
	struct tmpl_obj *o;
	bool has_next = false;
	int rc;

	if (!view_parse_day(tz, r->args[0], &since, &until)) {
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
	o = site_page_ctx(r, view_day(&r->a, tz, since, true), NULL);
	tmpl_set_text(o, "heading", view_day(&r->a, tz, since, true));
	tmpl_set_text(o, "kicker", page > 1 ? arena_printf(&r->a,
	    "Archive, page %lld", page) : "Archive");
	site_add_items(r, tmpl_set_list(o, "items"), items,
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

		if (store_item_list(r->st, &r->a, &pq, &pi, &pn) == 0 && pn) {
			prev_t = pi[0].published ? pi[0].published :
			    pi[0].first_seen;
			tmpl_set_text(o, "prev", arena_printf(&r->a,
			    "/archive/%s", view_day(&r->a, tz, prev_t, false)));
		}
		if (store_item_list(r->st, &r->a, &nq, &ni, &nn) == 0 && nn) {
			has_next = true;
			tmpl_set_text(o, "next", arena_printf(&r->a,
			    "/archive/%s", view_day(&r->a, tz, until + 43200,
			    false)));
		}
	}
	/* What this page shows: the items of its UTC days, and of the days
	 * back to the previous one with items (a late item there moves the
	 * prev link); with no next link yet, any new item may add one. */
	{
		int d0 = floor_day(prev_t && prev_t < since ? prev_t : since);
		int d1 = floor_day(until - 1);

		if (!has_next || d1 - d0 > DAY_DEPS_MAX || !prev_t)
			web_dep(r, DEP_ITEMS, 0);
		else
			for (int d = d0; d <= d1; d++)
				web_dep(r, DEP_DAY, d);
		if (!prev_t || !has_next)
			for (int d = floor_day(since); d <= d1; d++)
				web_dep(r, DEP_DAY, d);
	}
	/* past days do not change often, but items can still arrive late */
	r->max_age = 300;
	return site_render(r, "list", o);
}

int
site_archive_today(struct web_req *r)
{
	const char *today = view_day(&r->a, r->site->tz, time(NULL), false);
	struct store_item_query q = { .until = view_next_midnight(r->site->tz,
		time(NULL)) - 1, .limit = 1 };
	struct item *it = NULL;
	size_t n = 0;

	/* nothing yet today: the latest day that has items, not "nothing
	 * here" (the page depends on every item: see site_archive) */
	if (store_item_list(r->st, &r->a, &q, &it, &n) == 0 && n) {
		const char *day = view_day(&r->a, r->site->tz, it[0].published ?
		    it[0].published : it[0].first_seen, false);

		if (strcmp(day, today) < 0)
			today = day;
	}
	web_dep(r, DEP_ITEMS, 0);
	r->args[0] = today;
	r->nargs = 1;
	return site_archive(r);
}
