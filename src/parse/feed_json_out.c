/*
 * feed_json_out: struct feed as the JSON object of CONTRACT.md, built with
 * jansson (the project's one JSON writer). Absent values are omitted, never
 * written as null; key order follows the contract tables so goldens read
 * well. Beyond the contract, entries carry "media" and the feed "ttl" and
 * "update_minutes" when set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "parse/parse.h"
#include "core/banned.h"

/* A JSON string; bytes that are not UTF-8 (never expected: the parser
 * outputs UTF-8) become '?' rather than failing the whole object. */
static json_t *
jstr(const char *s)
{
	json_t *v = json_string(s);
	char *copy;
	size_t n;

	if (v)
		return v;
	n = strlen(s);
	if (!(copy = malloc(n + 1)))
		return json_string("");
	for (size_t i = 0; i <= n; i++)
		copy[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
	v = json_string(copy);
	free(copy);
	return v ? v : json_string("");
}

static void
put_s(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, jstr(s));
}

static void
put_text(json_t *o, const char *key, const struct feed_text *t)
{
	json_t *d;
	char dkey[64];

	if (!t->value)
		return;
	put_s(o, key, t->value);
	d = json_object();
	put_s(d, "type", t->type);
	put_s(d, "language", t->language);
	put_s(d, "base", t->base);
	put_s(d, "value", t->value);
	snprintf(dkey, sizeof(dkey), "%s_detail", key);
	json_object_set_new(o, dkey, d);
}

static json_t *
text_detail(const struct feed_text *t)
{
	json_t *d = json_object();

	put_s(d, "type", t->type);
	put_s(d, "language", t->language);
	put_s(d, "base", t->base);
	put_s(d, "value", t->value ? t->value : "");
	return d;
}

static void
put_date(json_t *o, const char *key, const struct feed_date *d)
{
	char iso[32], rkey[64];

	if (d->is_set) {
		parse_date_iso(iso, d->t);
		put_s(o, key, iso);
	}
	if (d->raw) {
		snprintf(rkey, sizeof(rkey), "%s_raw", key);
		put_s(o, rkey, d->raw);
	}
}

static json_t *
person(const struct feed_person *p)
{
	json_t *o = json_object();

	put_s(o, "name", p->name);
	put_s(o, "email", p->email);
	put_s(o, "href", p->href);
	return o;
}

static void
put_persons(json_t *o, const char *key, const struct feed_person *ps, size_t n)
{
	json_t *arr;

	if (!n)
		return;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, person(&ps[i]));
	json_object_set_new(o, key, arr);
}

static void
put_links(json_t *o, const struct feed_link *ls, size_t n)
{
	json_t *arr;

	if (!n)
		return;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *l = json_object();

		put_s(l, "rel", ls[i].rel);
		put_s(l, "type", ls[i].type);
		put_s(l, "href", ls[i].href);
		put_s(l, "title", ls[i].title);
		put_s(l, "hreflang", ls[i].hreflang);
		put_s(l, "length", ls[i].length);
		json_array_append_new(arr, l);
	}
	json_object_set_new(o, "links", arr);
}

static void
put_tags(json_t *o, const struct feed_tag *ts, size_t n)
{
	json_t *arr;

	if (!n)
		return;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_object();

		put_s(t, "term", ts[i].term);
		put_s(t, "scheme", ts[i].scheme);
		put_s(t, "label", ts[i].label);
		json_array_append_new(arr, t);
	}
	json_object_set_new(o, "tags", arr);
}

static json_t *
head_json(const struct feed_head *h)
{
	json_t *o = json_object();

	put_text(o, "title", &h->title);
	put_s(o, "link", h->link);
	put_links(o, h->links, h->n_links);
	put_text(o, "subtitle", &h->subtitle);
	put_s(o, "id", h->id);
	put_date(o, "updated", &h->updated);
	put_date(o, "published", &h->published);
	put_s(o, "language", h->language);
	put_s(o, "author", h->author);
	if (h->author_detail)
		json_object_set_new(o, "author_detail",
				    person(h->author_detail));
	put_persons(o, "authors", h->authors, h->n_authors);
	put_persons(o, "contributors", h->contributors, h->n_contributors);
	if (h->image) {
		json_t *im = json_object();

		put_s(im, "href", h->image->href);
		put_s(im, "title", h->image->title);
		put_s(im, "link", h->image->link);
		json_object_set_new(o, "image", im);
	}
	put_s(o, "icon", h->icon);
	put_s(o, "logo", h->logo);
	put_s(o, "generator", h->generator);
	if (h->generator_detail) {
		json_t *g = json_object();

		put_s(g, "name", h->generator_detail->name);
		put_s(g, "href", h->generator_detail->href);
		put_s(g, "version", h->generator_detail->version);
		json_object_set_new(o, "generator_detail", g);
	}
	put_text(o, "rights", &h->rights);
	put_tags(o, h->tags, h->n_tags);
	put_s(o, "href", h->href);
	if (h->ttl)
		json_object_set_new(o, "ttl", json_integer(h->ttl));
	if (h->update_minutes)
		json_object_set_new(o, "update_minutes",
				    json_integer(h->update_minutes));
	return o;
}

static json_t *
media_json(const struct feed_media *m)
{
	json_t *o = json_object();

	put_s(o, "url", m->url);
	put_s(o, "type", m->type);
	put_s(o, "medium", m->medium);
	put_s(o, "title", m->title);
	put_s(o, "caption", m->caption);
	put_s(o, "credit", m->credit);
	put_s(o, "thumbnail", m->thumbnail);
	if (m->width)
		json_object_set_new(o, "width", json_integer(m->width));
	if (m->height)
		json_object_set_new(o, "height", json_integer(m->height));
	return o;
}

static json_t *
entry_json(const struct feed_entry *e)
{
	json_t *o = json_object(), *arr;

	put_s(o, "id", e->id);
	put_text(o, "title", &e->title);
	put_s(o, "link", e->link);
	put_links(o, e->links, e->n_links);
	put_text(o, "summary", &e->summary);
	if (e->n_content) {
		arr = json_array();
		for (size_t i = 0; i < e->n_content; i++)
			json_array_append_new(arr, text_detail(&e->content[i]));
		json_object_set_new(o, "content", arr);
	}
	put_date(o, "published", &e->published);
	put_date(o, "updated", &e->updated);
	put_s(o, "author", e->author);
	if (e->author_detail)
		json_object_set_new(o, "author_detail",
				    person(e->author_detail));
	put_persons(o, "authors", e->authors, e->n_authors);
	put_persons(o, "contributors", e->contributors, e->n_contributors);
	put_tags(o, e->tags, e->n_tags);
	if (e->n_enclosures) {
		arr = json_array();
		for (size_t i = 0; i < e->n_enclosures; i++) {
			json_t *x = json_object();

			put_s(x, "href", e->enclosures[i].href);
			put_s(x, "length", e->enclosures[i].length);
			put_s(x, "type", e->enclosures[i].type);
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "enclosures", arr);
	}
	if (e->source)
		json_object_set_new(o, "source", head_json(e->source));
	put_s(o, "comments", e->comments);
	put_text(o, "rights", &e->rights);
	put_s(o, "language", e->language);
	if (e->n_media) {
		arr = json_array();
		for (size_t i = 0; i < e->n_media; i++)
			json_array_append_new(arr, media_json(&e->media[i]));
		json_object_set_new(o, "media", arr);
	}
	return o;
}

static int
dump_cb(const char *s, size_t n, void *payload)
{
	buf_add(payload, s, n);
	return 0;
}

int
parse_feed_to_json(struct buf *out, const struct feed *f)
{
	json_t *o = json_object(), *arr = json_array();
	int rc;

	json_object_set_new(o, "bozo", json_boolean(f->bozo));
	if (f->bozo && f->bozo_exception)
		put_s(o, "bozo_exception", f->bozo_exception);
	put_s(o, "version", f->version ? f->version : "");
	put_s(o, "encoding", f->encoding ? f->encoding : "");
	json_object_set_new(o, "feed", head_json(&f->head));
	for (size_t i = 0; i < f->n_entries; i++)
		json_array_append_new(arr, entry_json(&f->entries[i]));
	json_object_set_new(o, "entries", arr);
	rc = json_dump_callback(o, dump_cb, out, JSON_COMPACT);
	json_decref(o);
	if (rc < 0)
		return err_set(ND_ERR, "parse: cannot write JSON");
	return buf_err(out);
}
