/*
 * feed_jsonfeed: JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1)
 * into struct feed, with jansson. The mapping is CONTRACT.md section 10:
 * the same fields RSS and Atom fill, so nothing downstream knows which
 * format a feed came in. Invalid JSON is bozo with nothing recovered.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/str.h"
#include "parse/feed_int.h"
#include "parse/parse.h"
#include "core/banned.h"

/* A JSON string, trimmed, copied into the arena without the NULs that a
 * \u0000 escape puts in it (RFC 8259 allows it; one used to reject the
 * whole feed, and kept it would cut the C string short). */
static const char *
jcopy(struct feed_parser *p, const json_t *v)
{
	struct str t = str_trim(
	    str_make(json_string_value(v), json_string_length(v)));
	char *o = arena_alloc(p->a, t.len + 1);
	size_t n = 0;

	for (size_t i = 0; i < t.len; i++)
		if (t.p[i])
			o[n++] = t.p[i];
	o[n] = '\0';
	return o;
}

/* A string member, trimmed, copied into the arena; numbers become strings
 * (ids are often numbers). NULL when absent or of another type. */
static const char *
jstr(struct feed_parser *p, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return jcopy(p, v);
	if (json_is_integer(v))
		return arena_printf(p->a, "%lld",
				    (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(p->a, "%.17g", json_real_value(v));
	return NULL;
}

static const char *
jurl(struct feed_parser *p, const json_t *o, const char *key, const char *base)
{
	const char *u = jstr(p, o, key);

	return u && *u ? feed_resolve(p, base, u) : NULL;
}

static void
set_text(struct feed_parser *p, struct feed_text *t, const char *value,
	 const char *type, const char *base, const char *lang)
{
	if (!value)
		return;
	if (strcmp(type, "text/html") == 0 && *value)
		value = feed_html_clean(p, value, strlen(value), base);
	t->value = value;
	t->type = type;
	t->base = base;
	t->language = lang;
}

static void
add_link(struct feed_parser *p, struct feed_link **links, size_t *n,
	 const char *href, const char *rel, const char *type)
{
	struct feed_link *l;

	if (!href || *n >= FEED_MAX_LIST)
		return;
	l = feed_vec_push(p->a, links, n, sizeof(*l));
	l->href = href;
	l->rel = rel;
	l->type = type;
}

/* authors (1.1) or author (1.0) */
static void
read_authors(struct feed_parser *p, const json_t *o, const char **author,
	     struct feed_person **detail, struct feed_person **list, size_t *n,
	     const char *base)
{
	const json_t *arr = json_object_get(o, "authors"), *one;
	size_t i, count = 0;

	if (!json_is_array(arr)) {
		one = json_object_get(o, "author");
		if (!json_is_object(one))
			return;
		arr = NULL;
		count = 1;
	} else {
		count = json_array_size(arr);
		one = NULL;
	}
	for (i = 0; i < count && *n < FEED_MAX_LIST; i++) {
		const json_t *a = arr ? json_array_get(arr, i) : one;
		struct feed_person *pr;

		if (!json_is_object(a))
			continue;
		pr = feed_vec_push(p->a, list, n, sizeof(*pr));
		pr->name = jstr(p, a, "name");
		pr->href = jurl(p, a, "url", base);
		if (*n == 1) {
			*detail = pr;
			*author = pr->name;
		}
	}
}

static void
read_item(struct feed_parser *p, struct feed_entry *e, const json_t *it,
	  const char *base, const char *lang)
{
	const json_t *tags = json_object_get(it, "tags");
	const json_t *att = json_object_get(it, "attachments");
	const char *s, *ilang = jstr(p, it, "language");
	struct feed_text *t;
	size_t i;

	if (ilang && *ilang) {
		e->language = ilang;
		lang = ilang;
	}
	e->id = jstr(p, it, "id");
	if ((s = jurl(p, it, "url", base))) {
		e->link = s;
		add_link(p, &e->links, &e->n_links, s, "alternate",
			 "text/html");
	}
	add_link(p, &e->links, &e->n_links, jurl(p, it, "external_url", base),
		 "related", NULL);
	set_text(p, &e->title, jstr(p, it, "title"), "text/plain", base, lang);
	set_text(p, &e->summary, jstr(p, it, "summary"), "text/plain", base,
		 lang);
	if ((s = jstr(p, it, "content_html"))) {
		t = feed_vec_push(p->a, &e->content, &e->n_content, sizeof(*t));
		set_text(p, t, s, "text/html", base, lang);
	}
	if ((s = jstr(p, it, "content_text"))) {
		t = feed_vec_push(p->a, &e->content, &e->n_content, sizeof(*t));
		set_text(p, t, s, "text/plain", base, lang);
	}
	if (!e->summary.value && e->n_content)
		e->summary = e->content[0];
	if ((s = jstr(p, it, "date_published")))
		feed_date_set(p, &e->published, s);
	if ((s = jstr(p, it, "date_modified")))
		feed_date_set(p, &e->updated, s);
	read_authors(p, it, &e->author, &e->author_detail, &e->authors,
		     &e->n_authors, base);
	for (i = 0; json_is_array(tags) && i < json_array_size(tags) &&
		    e->n_tags < FEED_MAX_LIST;
	     i++) {
		const json_t *tv = json_array_get(tags, i);
		struct feed_tag *tg;

		if (!json_is_string(tv))
			continue;
		tg = feed_vec_push(p->a, &e->tags, &e->n_tags, sizeof(*tg));
		tg->term = jcopy(p, tv);
	}
	for (i = 0; json_is_array(att) && i < json_array_size(att) &&
		    e->n_enclosures < FEED_MAX_LIST;
	     i++) {
		const json_t *av = json_array_get(att, i);
		struct feed_enclosure *enc;
		const char *url =
		    json_is_object(av) ? jurl(p, av, "url", base) : NULL;

		if (!url)
			continue;
		enc = feed_vec_push(p->a, &e->enclosures, &e->n_enclosures,
				    sizeof(*enc));
		enc->href = url;
		enc->type = jstr(p, av, "mime_type");
		enc->length = jstr(p, av, "size_in_bytes");
		add_link(p, &e->links, &e->n_links, url, "enclosure",
			 enc->type);
		e->links[e->n_links - 1].length = enc->length;
		if (enc->type &&
		    str_istarts_with(str_of(enc->type), "image/")) {
			struct feed_media *m = feed_vec_push(
			    p->a, &e->media, &e->n_media, sizeof(*m));
			m->url = url;
			m->type = enc->type;
			m->medium = "image";
			m->title = jstr(p, av, "title");
		}
	}
	/* the item's lead image */
	if ((s = jurl(p, it, "image", base)) && e->n_media < FEED_MAX_LIST) {
		struct feed_media *m =
		    feed_vec_push(p->a, &e->media, &e->n_media, sizeof(*m));
		m->url = s;
		m->medium = "image";
		m->thumbnail = jurl(p, it, "banner_image", base);
	}
}

void
feed_jsonfeed_parse(struct feed_parser *p, const char *data, size_t len,
		    const char *base)
{
	struct feed *f = p->f;
	struct feed_head *h = &f->head;
	json_error_t jerr;
	json_t *root, *items;
	const char *v, *s, *lang;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	f->encoding = "utf-8";
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES |
	    JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
	if (!root) {
		feed_bozo(p, arena_printf(p->a, "invalid JSON: line %d: %s",
					  jerr.line, jerr.text));
		return;
	}
	if (!json_is_object(root)) {
		feed_bozo(p, "invalid JSON Feed: not an object");
		goto out;
	}
	v = jstr(p, root, "version");
	if (v && strstr(v, "jsonfeed.org/version/1.1"))
		f->version = "jsonfeed11";
	else if (v && strstr(v, "jsonfeed.org/version/1"))
		f->version = "jsonfeed10";
	else
		feed_bozo(p, "not a JSON Feed: no jsonfeed.org version");

	lang = jstr(p, root, "language");
	if (lang && !*lang)
		lang = NULL;
	if (!lang && p->opts->content_language && *p->opts->content_language)
		lang = p->opts->content_language;
	h->language = lang;
	set_text(p, &h->title, jstr(p, root, "title"), "text/plain", base,
		 lang);
	set_text(p, &h->subtitle, jstr(p, root, "description"), "text/plain",
		 base, lang);
	if ((s = jurl(p, root, "home_page_url", base))) {
		h->link = s;
		add_link(p, &h->links, &h->n_links, s, "alternate",
			 "text/html");
	}
	add_link(p, &h->links, &h->n_links, jurl(p, root, "feed_url", base),
		 "self", "application/feed+json");
	if ((s = jurl(p, root, "icon", base))) {
		h->image = arena_zalloc(p->a, sizeof(*h->image));
		h->image->href = s;
		h->icon = s;
	}
	if ((s = jurl(p, root, "favicon", base)) && !h->icon)
		h->icon = s;
	read_authors(p, root, &h->author, &h->author_detail, &h->authors,
		     &h->n_authors, base);

	items = json_object_get(root, "items");
	for (size_t i = 0; json_is_array(items) && i < json_array_size(items);
	     i++) {
		const json_t *it = json_array_get(items, i);
		struct feed_entry *e;

		if (!json_is_object(it))
			continue;
		if (f->n_entries >= p->max_entries) {
			feed_bozo(p, "too many entries: the rest were dropped");
			break;
		}
		e = feed_vec_push(p->a, &f->entries, &f->n_entries, sizeof(*e));
		read_item(p, e, it, base, lang);
	}
out:
	json_decref(root);
}
