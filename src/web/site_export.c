/*
 * site_export: the site without HTTP, for `newsdesk export`: every public
 * path, and one path rendered as the server would (the same route table
 * and handlers, run through the dispatcher as a GET).
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/xmalloc.h"
#include "model/model.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

int
site_render_path(struct site *s, const char *path, struct buf *out,
    int *out_status, const char **out_ctype)
{
	struct web_req r;
	const struct route *rt = NULL;
	const struct route *table;
	size_t n;

	web_req_init(&r, s, WEB_GET, path);
	table = site_routes(&n);
	if (web_dispatch(table, n, &r, &rt) != 0)
		rt = NULL;
	site_handle(&r, rt);
	*out_status = r.status;
	*out_ctype = r.ctype ? r.ctype : "text/plain; charset=utf-8";
	buf_add(out, r.pg.b.ptr, r.pg.b.len);
	web_req_release(&r);
	return buf_err(out);
}

struct day_set {
	char (*days)[11];
	size_t n, cap;
};

/* The desk's posts (issue 10): every published post, its writers' pages,
 * the columns with their feeds, /corrections. */
static int
export_posts(struct store *st, struct arena *a,
    int (*fn)(const char *path, void *payload), void *payload)
{
	struct store_post_query q = { .status = POST_PUBLISHED, .limit = 1000 };
	struct post *v = NULL;
	struct column *cv = NULL;
	size_t n = 0, nc = 0;
	const char **seen = NULL;
	size_t n_seen = 0, seen_cap = 0;
	int rc;

	if ((rc = store_post_list(st, a, &q, &v, &n)) < 0 ||
	    (rc = store_column_list(st, a, &cv, &nc)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = fn(view_post_path(a, &v[i]), payload)) < 0)
			return rc;
		for (size_t b = 0; b < v[i].n_bylines; b++) {
			bool dup = false;

			for (size_t k = 0; k < n_seen && !dup; k++)
				dup = strcmp(seen[k], v[i].bylines[b].slug) == 0;
			if (dup)
				continue;
			ARENA_GROW(a, seen, n_seen, n_seen + 1, seen_cap);
			seen[n_seen++] = v[i].bylines[b].slug;
			if ((rc = fn(arena_printf(a, "/byline/%s",
			    v[i].bylines[b].slug), payload)) < 0)
				return rc;
		}
	}
	for (size_t i = 0; i < nc; i++) {
		static const char *sub[] = { "", "/feed.xml", "/atom.xml",
			"/feed.json" };

		for (size_t k = 0; k < 4; k++)
			if ((rc = fn(arena_printf(a, "/column/%s%s", cv[i].slug,
			    sub[k]), payload)) < 0)
				return rc;
	}
	return fn("/corrections", payload);
}

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
	if (s->sitemap_css && (rc = fn("/static/sitemap.css", payload)) < 0)
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
			const char *d = view_day(&ia, s->tz, t, false);
			bool seen = false;

			rc = fn(arena_printf(&ia, "/item/%lld",
			    (long long)items[i].id), payload);
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
	if ((rc = export_posts(st, &a, fn, payload)) < 0)
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
