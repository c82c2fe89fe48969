/*
 * site_search: /search?q=&section=&source=&from=&to=&page=, full-text
 * search (store_search, bounded work) with filters and paging links that
 * keep them. Cached per query (routes.c keys), in the cache's own part.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define SEARCH_N 20

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

int
site_search(struct web_req *r)
{
	const char *q = web_query(r, "q");
	const char *section = web_query(r, "section");
	const char *from = web_query(r, "from"), *to = web_query(r, "to");
	long long page = web_query_int(r, "page", 1, 100, 1);
	long long source = web_query_int(r, "source", 1, INT64_MAX, 0);
	long long before = web_query_int(r, "before", 1, INT64_MAX, 0);
	struct store_search_opts so = { .limit = SEARCH_N };
	struct store_hit *hits = NULL;
	size_t n = 0, total = 0;
	bool is_capped = false;
	struct tmpl_obj *o;
	struct buf qs = BUF_INIT(4096);
	int rc = 0;

	web_dep(r, DEP_ITEMS, 0);
	o = site_page_ctx(r, q ? arena_printf(&r->a, "%s \xe2\x80\x94 search",
	    q) : "Search", NULL);
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
	so.before_id = before;
	{
		int64_t s0, s1;

		if (from && view_parse_day(r->site->tz, from, &s0, &s1))
			so.since = s0;
		if (to && view_parse_day(r->site->tz, to, &s0, &s1))
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
		struct tmpl_list *l;
		time_t now = time(NULL);

		struct store_search_result res;
		const char *older_base;

		so.offset = (size_t)(page - 1) * SEARCH_N;
		rc = store_search_ex(r->st, &r->a, q, &so, &res);
		hits = res.hits;
		n = res.n;
		total = res.total;
		is_capped = res.is_capped;
		if (rc == ND_EINVAL) {
			rc = 0;
			n = total = 0;
		}
		if (rc < 0)
			goto out;
		l = tmpl_set_list(o, "hits");
		for (size_t i = 0; i < n; i++) {
			struct tmpl_obj *e = tmpl_list_add(l);

			view_item(e, &r->a, &r->site->vs, &hits[i].item, false,
			    now);
			web_dep_photos(r, &hits[i].item, 1);
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
		older_base = arena_strndup(&r->a, qs.ptr, qs.len);
		if (before)
			buf_addf(&qs, "&before=%lld", before);
		if (page > 1)
			tmpl_set_text(o, "prev", arena_printf(&r->a, "%s&page=%lld",
			    qs.ptr, page - 1));
		/* Only the newest STORE_SEARCH_WINDOW matches are ranked. */
		if ((size_t)page * SEARCH_N < total &&
		    (size_t)page * SEARCH_N < STORE_SEARCH_WINDOW && page < 100)
			tmpl_set_text(o, "next", arena_printf(&r->a, "%s&page=%lld",
			    qs.ptr, page + 1));
		/* Past the ranked window, the older matches are the next
		 * window: the same search before its smallest id. */
		if (total > STORE_SEARCH_WINDOW && res.window_min_id > 0)
			tmpl_set_text(o, "older", arena_printf(&r->a,
			    "%s&before=%lld", older_base,
			    (long long)res.window_min_id));
		if (n)
			tmpl_set_text(o, "range", arena_printf(&r->a,
			    "%zu\xe2\x80\x93%zu of %s%s", so.offset + 1,
			    so.offset + n, group_digits(&r->a, total),
			    is_capped ? "+" : ""));
	}
	site_add_outlets(r, o);
	rc = site_render(r, "search", o);
out:
	buf_release(&qs);
	return rc;
}
