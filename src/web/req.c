/*
 * req: the request as handlers see it (struct web_req in web_int.h):
 * parameters, cookies and what the page depends on. No HTTP here: the
 * server fills a web_req from libmicrohttpd, export and tests fill it by
 * hand.
 */
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "model/model.h"
#include "web/web_int.h"
#include "core/banned.h"

void
web_req_init(struct web_req *r, struct site *s, unsigned method,
    const char *path)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->a);
	page_init(&r->pg, &r->a, WEB_MAX_PAGE);
	r->site = s;
	r->method = method;
	r->path = path;
}

void
web_req_release(struct web_req *r)
{
	page_release(&r->pg);
	arena_release(&r->a);
}

static const struct web_param *
find(const struct web_param *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].name && strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

const char *
web_query(const struct web_req *r, const char *name)
{
	const struct web_param *p = find(r->query, r->n_query, name);

	return p && p->value && *p->value ? p->value : NULL;
}

long long
web_query_int(const struct web_req *r, const char *name, long long min,
    long long max, long long def)
{
	const char *v = web_query(r, name);
	long long n;

	if (!v || parse_int(v, min, max, &n) < 0)
		return def;
	return n;
}

const struct web_param *
web_form_param(const struct web_req *r, const char *name)
{
	return find(r->form, r->n_form, name);
}

const char *
web_form(const struct web_req *r, const char *name)
{
	const struct web_param *p = find(r->form, r->n_form, name);

	return p ? p->value : NULL;
}

const char *
web_cookie(const struct web_req *r, const char *name)
{
	const struct web_param *p = find(r->cookies, r->n_cookies, name);

	return p ? p->value : NULL;
}

uint64_t
web_dep_key(enum web_dep_kind kind, int64_t id)
{
	return (uint64_t)kind << 56 | ((uint64_t)id & 0x00FFFFFFFFFFFFFFull);
}

void
web_dep(struct web_req *r, enum web_dep_kind kind, int64_t id)
{
	uint64_t k = web_dep_key(kind, id);

	for (size_t i = 0; i < r->n_deps; i++)
		if (r->deps[i] == k)
			return;
	if (r->n_deps == WEB_MAX_DEPS) {
		/* more than a page can name: any change invalidates it */
		r->has_all_deps = true;
		return;
	}
	r->deps[r->n_deps++] = k;
}

void
web_dep_photos(struct web_req *r, const struct item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *u[2] = { items[i].image_url, items[i].image_thumb };

		for (int k = 0; k < 2; k++) {
			char key[PHOTO_KEY_LEN + 1];

			if (!u[k] || !*u[k])
				continue;
			model_photo_key(key, u[k]);
			web_dep(r, DEP_MEDIA, (int64_t)str_hash(key,
			    PHOTO_KEY_LEN));
		}
	}
}
