/*
 * policy: what an entry of a parsed feed becomes in the desk's model, and
 * the rules the store then applies without knowing them.
 *
 *   - Fields: trimmed, blank = absent, cut to the ITEM_MAX_* caps on a
 *     UTF-8 boundary. Author, caption and credit are one line of plain
 *     text, like the headline. The link is the entry's link, else its first
 *     alternate link; the body is the first HTML content, else the first.
 *   - The lead photo: the first image among the entry's media, else the
 *     first media thumbnail (a video's poster frame), else an image
 *     enclosure.
 *   - De-duplication within a source, on one key chosen by precedence: the
 *     entry id (guid), else the canonical URL, else a hash of title +
 *     summary + content. A second hash over every stored field tells an
 *     unchanged entry (the store writes nothing) from an updated one.
 *   - Headline: plain text, once, here: whatever the feed says the
 *     title's type is, tags are dropped, entities decoded (outlets
 *     double-encode: "&amp;#8216;" in JSON Feed, "&lt;b&gt;" in Atom
 *     type="html") and whitespace collapsed; pages, feeds out, search and
 *     the CLI show it as it is. An entry without a title gets the first
 *     sentence of its text, cut at a word boundary, and is marked derived.
 *   - Sort time: the published date (else the updated date) unless it is
 *     missing or more than a day in the future, where a wrong clock would
 *     pin the item on top; then the time the desk first saw it (0 here).
 *     ingest_items_date_undated() then keeps undated entries below the
 *     dated ones of the same fetch, and a new source's undated back
 *     catalogue off the top.
 * Rules and reasons: docs/internals/store.md ("De-duplication").
 */
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/text.h"
#include "core/url.h"
#include "ingest/ingest.h"
#include "model/model.h"
#include "parse/parse.h"
#include "core/banned.h"

/* A published date further ahead than this is not believed. */
#define FUTURE_SLACK_S 86400
/* A derived headline is cut (at a word boundary) near this many bytes. */
#define DERIVED_TITLE_MAX 120
/* Undated entries of a source's first fetch are its back catalogue: they
 * sort this far behind the time they were first seen. */
#define BACKLOG_AGE_S (7 * 86400)

/* NULL for absent or blank, else s trimmed and cut to max bytes. */
static const char *
field(struct arena *a, const char *s, size_t max)
{
	struct str t;

	if (!s)
		return NULL;
	t = str_trim(str_of(s));
	if (t.len == 0)
		return NULL;
	t.len = text_utf8_trunc(t.p, t.len, max);
	if (t.p == s && t.len == strlen(s))
		return s;
	return arena_strndup(a, t.p, t.len);
}

/* s as one line of plain text (tags dropped, entities decoded, whitespace
 * collapsed), cut to max bytes; NULL when nothing is left. */
static const char *
plain(struct arena *a, const char *s, size_t max)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	const char *r = NULL;

	if (!s || !*s)
		return NULL;
	text_strip_html(&b, s, strlen(s));
	if (buf_err(&b) == 0 && b.len)
		r = field(a, b.ptr, max);
	if (r == b.ptr)
		r = arena_strndup(a, b.ptr, b.len);
	buf_release(&b);
	return r;
}

const char *
ingest_headline(struct arena *a, const char *title)
{
	return plain(a, title, ITEM_MAX_TITLE);
}

static bool
is_sentence_end(const char *s, size_t i, size_t len)
{
	/* ". " "! " "? " and the Arabic question mark; a full stop within
	 * the first 16 bytes ("Dr. ", "U.S. ") or after a single capital
	 * ("J. Smith") does not end one, nor one inside a number ("3.5") */
	if (s[i] == '.' && (i < 16 || (s[i - 1] >= 'A' && s[i - 1] <= 'Z' &&
	    s[i - 2] == ' ')))
		return false;
	if (s[i] == '.' || s[i] == '!' || s[i] == '?')
		return i + 1 == len || s[i + 1] == ' ';
	return i + 1 < len && (unsigned char)s[i] == 0xD8 &&
	    (unsigned char)s[i + 1] == 0x9F;            /* U+061F */
}

const char *
ingest_headline_derive(struct arena *a, const char *html)
{
	const char *t = plain(a, html, ITEM_MAX_SUMMARY);
	size_t len, cut;

	if (!t)
		return NULL;
	len = strlen(t);
	for (size_t i = 0; i < len && i < DERIVED_TITLE_MAX; i++) {
		if (is_sentence_end(t, i, len)) {
			len = i + ((unsigned char)t[i] == 0xD8 ? 2 : 1);
			/* a question or exclamation keeps its mark; a full
			 * stop is not part of a headline */
			if (t[i] == '.')
				len--;
			break;
		}
	}
	if (len <= DERIVED_TITLE_MAX)
		return arena_strndup(a, t, len);
	cut = text_utf8_trunc(t, len, DERIVED_TITLE_MAX);
	for (size_t k = cut; k > DERIVED_TITLE_MAX / 2; k--) {
		if (t[k] == ' ') {
			cut = k;
			break;
		}
	}
	while (cut > 0 && (t[cut - 1] == ',' || t[cut - 1] == ';' ||
	    t[cut - 1] == ':' || t[cut - 1] == ' '))
		cut--;
	return arena_printf(a, "%.*s\xe2\x80\xa6", (int)cut, t);
}

static const char *
entry_link(const struct feed_entry *e)
{
	if (e->link && *e->link)
		return e->link;
	for (size_t i = 0; i < e->n_links; i++) {
		const struct feed_link *l = &e->links[i];

		if (l->href && *l->href && (!l->rel || !strcmp(l->rel,
		    "alternate")))
			return l->href;
	}
	return NULL;
}

static const char *
entry_content(const struct feed_entry *e)
{
	const char *first = NULL;

	for (size_t i = 0; i < e->n_content; i++) {
		const struct feed_text *t = &e->content[i];

		if (!t->value || !*t->value)
			continue;
		if (t->type && strstr(t->type, "html"))
			return t->value;
		if (!first)
			first = t->value;
	}
	return first;
}

static const char *
entry_tags(struct arena *a, const struct feed_entry *e)
{
	struct buf b = BUF_INIT(ITEM_MAX_TAGS);
	const char *r;

	for (size_t i = 0; i < e->n_tags; i++) {
		const char *t = e->tags[i].term && *e->tags[i].term ?
		    e->tags[i].term : e->tags[i].label;
		struct str s = str_trim(str_of(t));

		if (s.len == 0)
			continue;
		if (b.len)
			buf_adds(&b, ", ");
		buf_add(&b, s.p, s.len);
		if (buf_err(&b) < 0)
			break;
	}
	r = b.len ? arena_strndup(a, b.ptr, text_utf8_trunc(b.ptr, b.len,
	    b.len)) : NULL;
	buf_release(&b);
	return r;
}

static bool
ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && str_ncasecmp(s + n - m, suffix, m) == 0;
}

static bool
media_is_image(const struct feed_media *m)
{
	static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".gif",
		".webp", ".avif" };
	const char *q;
	size_t n;

	if (!m->url || !*m->url)
		return false;
	if (m->medium)
		return strcmp(m->medium, "image") == 0;
	if (m->type)
		return strncmp(m->type, "image/", 6) == 0;
	/* Neither said: judge by the extension, ignoring a query string. */
	q = strchr(m->url, '?');
	n = q ? (size_t)(q - m->url) : strlen(m->url);
	if (n >= 512)
		return false;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (ends_with_ci(m->url, n, ext[i]))
			return true;
	return false;
}

static void
pick_image(struct arena *a, const struct feed_entry *e, struct item *it)
{
	const struct feed_media *m = NULL, *thumb = NULL;

	for (size_t i = 0; i < e->n_media && !m; i++) {
		if (media_is_image(&e->media[i]))
			m = &e->media[i];
		else if (!thumb && e->media[i].thumbnail &&
		    *e->media[i].thumbnail)
			thumb = &e->media[i];
	}
	if (m || thumb) {
		const struct feed_media *x = m ? m : thumb;

		it->image_url = field(a, m ? m->url : thumb->thumbnail,
		    ITEM_MAX_URL);
		it->image_caption = plain(a, x->caption && *x->caption ?
		    x->caption : x->title, ITEM_MAX_SHORT);
		it->image_credit = plain(a, x->credit, ITEM_MAX_SHORT);
		it->image_thumb = field(a, x->thumbnail, ITEM_MAX_URL);
		return;
	}
	for (size_t i = 0; i < e->n_enclosures; i++) {
		const struct feed_enclosure *en = &e->enclosures[i];

		if (en->href && *en->href && en->type &&
		    strncmp(en->type, "image/", 6) == 0) {
			it->image_url = field(a, en->href, ITEM_MAX_URL);
			return;
		}
	}
}

/* Hashes s with its length, so ("ab","c") and ("a","bc") differ and NULL
 * differs from "". */
static void
hash_str(crypto_generichash_state *h, const char *s)
{
	unsigned char len[9] = { 0 };
	uint64_t n;

	if (!s) {
		crypto_generichash_update(h, len, 1);
		return;
	}
	n = strlen(s);
	len[0] = 1;
	for (int i = 0; i < 8; i++)
		len[1 + i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof(len));
	crypto_generichash_update(h, (const unsigned char *)s, n);
}

static void
hash_int(crypto_generichash_state *h, int64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (8 * i));
	crypto_generichash_update(h, b, sizeof(b));
}

static void
hash_item(struct item *it)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, ITEM_HASH_LEN);
	hash_str(&h, it->title);
	hash_str(&h, it->summary);
	hash_str(&h, it->content);
	crypto_generichash_final(&h, it->content_hash, ITEM_HASH_LEN);

	crypto_generichash_init(&h, NULL, 0, ITEM_HASH_LEN);
	hash_str(&h, it->guid);
	hash_str(&h, it->url);
	hash_str(&h, it->canonical_url);
	crypto_generichash_update(&h, it->content_hash, ITEM_HASH_LEN);
	hash_str(&h, it->author);
	hash_str(&h, it->language);
	hash_str(&h, it->tags);
	hash_int(&h, it->published);
	hash_int(&h, it->updated);
	hash_int(&h, it->is_title_derived);
	hash_str(&h, it->image_url);
	hash_str(&h, it->image_caption);
	hash_str(&h, it->image_credit);
	hash_str(&h, it->image_thumb);
	crypto_generichash_final(&h, it->fields_hash, ITEM_HASH_LEN);
}

bool
ingest_item_from_entry(struct item *it, struct arena *a,
    const struct feed *f, const struct feed_entry *e, int64_t now)
{
	char hex[2 * ITEM_HASH_LEN + 1];

	memset(it, 0, sizeof(*it));
	it->guid = field(a, e->id, ITEM_MAX_GUID);
	it->url = field(a, entry_link(e), ITEM_MAX_URL);
	if (it->url) {
		const char *c = url_canonical(a, it->url);

		it->canonical_url = c ? field(a, c, ITEM_MAX_URL) : NULL;
	}
	it->title = ingest_headline(a, e->title.value);
	it->summary = field(a, e->summary.value, ITEM_MAX_SUMMARY);
	it->content = field(a, entry_content(e), ITEM_MAX_CONTENT);
	if (!it->guid && !it->url && !it->title && !it->summary &&
	    !it->content)
		return false;
	if (!it->title) {
		it->title = ingest_headline_derive(a, it->summary ?
		    it->summary : it->content);
		/* nothing to read either: the link says what it is */
		if (!it->title && it->url)
			it->title = it->url;
		else if (!it->title && it->guid && (str_ncasecmp(it->guid,
		    "http://", 7) == 0 || str_ncasecmp(it->guid, "https://",
		    8) == 0))
			it->title = it->guid;
		it->is_title_derived = it->title != NULL;
	}
	/* names are one line of plain text too ("Staff,\n\t\tGlenn") */
	it->author = plain(a, e->author ? e->author : e->author_detail ?
	    e->author_detail->name : NULL, ITEM_MAX_SHORT);
	it->language = field(a, e->language ? e->language : f->head.language,
	    ITEM_MAX_LANGUAGE);
	it->tags = entry_tags(a, e);
	if (e->published.is_set)
		it->published = e->published.t;
	else if (e->updated.is_set)
		it->published = e->updated.t;
	if (e->updated.is_set)
		it->updated = e->updated.t;
	pick_image(a, e, it);
	hash_item(it);
	if (it->guid) {
		it->dedup_key = arena_printf(a, "g:%s", it->guid);
	} else if (it->canonical_url || it->url) {
		it->dedup_key = arena_printf(a, "u:%s", it->canonical_url ?
		    it->canonical_url : it->url);
	} else {
		sodium_bin2hex(hex, sizeof(hex), it->content_hash,
		    ITEM_HASH_LEN);
		it->dedup_key = arena_printf(a, "h:%s", hex);
	}
	it->sort_time = it->published > 0 &&
	    it->published <= now + FUTURE_SLACK_S ? it->published : 0;
	return true;
}

void
ingest_items_date_undated(struct item *items, size_t n, int64_t now,
    bool is_first_fetch)
{
	int64_t oldest = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].sort_time > 0 && (!oldest ||
		    items[i].sort_time < oldest))
			oldest = items[i].sort_time;
	if (!oldest && !is_first_fetch)
		return;         /* nothing dated: first seen it is (the store) */
	if (!oldest || oldest > now)
		oldest = now;
	if (is_first_fetch && oldest > now - BACKLOG_AGE_S)
		oldest = now - BACKLOG_AGE_S;
	/* one second apart, in feed order (newest first, as feeds list) */
	for (size_t i = 0; i < n; i++)
		if (items[i].sort_time == 0 && items[i].published == 0)
			items[i].sort_time = oldest - (int64_t)++k;
}
