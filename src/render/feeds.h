/*
 * feeds: the site's feeds out (RSS 2.0, Atom 1.0, JSON Feed 1.1) and its
 * sitemap. XML goes through libxml2's xmlTextWriter and JSON through
 * jansson, so every value is escaped by the writer; nothing here
 * concatenates markup. Photos become RSS enclosures + media:content, Atom
 * enclosure links and JSON Feed "image".
 */
#ifndef ND_RENDER_FEEDS_H
#define ND_RENDER_FEEDS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct buf;
struct item;

/* s with every byte that is not part of an XML 1.0 Char dropped (C0
 * controls but tab/LF/CR, U+FFFE/U+FFFF, surrogates, invalid UTF-8): what
 * any XML we write must go through, or readers drop the whole document.
 * Returns s itself when it is clean, else a copy in a; NULL for NULL. */
const char *render_xml_clean(struct arena *a, const char *s);

struct render_feed {
	const char *title;           /* desk name, or "desk: section" */
	const char *description;
	const char *language;
	const char *home_url;        /* absolute: the page the feed mirrors */
	const char *self_url;        /* absolute: the feed itself */
	const char *base_url;        /* absolute, no trailing slash: item URLs */
	const char *author;          /* feed-level author (the desk) */
	const struct item *items;
	size_t n_items;
	const char *const *links;    /* per item, its page (absolute); NULL
	                                (or a NULL entry): base/item/ID */
};

/* Each returns 0, or ND_ERR / ND_ETOOBIG (out's cap) with a message. */
int render_feed_rss(struct buf *out, const struct render_feed *f);
int render_feed_atom(struct buf *out, const struct render_feed *f);
int render_feed_json(struct buf *out, const struct render_feed *f);

struct render_sitemap_url {
	const char *loc;             /* absolute */
	int64_t lastmod;             /* 0 = unknown */
};

int render_sitemap(struct buf *out, const struct render_sitemap_url *urls,
    size_t n);
/* The same, or with is_index a sitemap index (<sitemapindex>, each loc a
 * sitemap). css_href, unless NULL, is named in an <?xml-stylesheet
 * type="text/css"?> instruction (allowed by the sitemap protocol) so a
 * browser shows the list as a table; it must be a URL without '"'. */
int render_sitemap_of(struct buf *out, const struct render_sitemap_url *urls,
    size_t n, bool is_index, const char *css_href);

#endif
