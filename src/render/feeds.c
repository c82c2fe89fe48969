/*
 * feeds: see feeds.h. Strings from the store are cleaned of what XML 1.0
 * forbids (control characters, U+FFFE, U+FFFF, bytes that are not UTF-8)
 * before they reach the writer (the writer escapes markup but would emit
 * those bytes as they are, making the feed ill-formed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/text.h"
#include "render/feeds.h"
#include "render/view.h"
#include "render/html.h"
#include "model/model.h"
#include "core/banned.h"

#define RSS_NS_ATOM "http://www.w3.org/2005/Atom"
#define RSS_NS_MEDIA "http://search.yahoo.com/mrss/"
#define RSS_NS_DC "http://purl.org/dc/elements/1.1/"

/* Length of the UTF-8 sequence at s when it is an XML 1.0 Char; 0 for C0
 * controls but tab, LF and CR, U+FFFE, U+FFFF, surrogates and anything
 * that is not UTF-8 (overlong, truncated, stray bytes), which would all
 * make the feed ill-formed: a reader then drops the whole feed. The NUL
 * after s fails the continuation test, so s is never read past it. */
static size_t
xml_char_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' ||
		    s[0] == '\r' ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

const char *
render_xml_clean(struct arena *a, const char *s)
{
	const unsigned char *p;
	size_t len, k;
	char *out, *o;

	if (!s)
		return NULL;
	for (p = (const unsigned char *)s; *p && (k = xml_char_len(p)); p += k)
		;
	if (!*p)
		return s;
	len = strlen(s);
	o = out = arena_alloc(a, len + 1);
	for (p = (const unsigned char *)s; *p;) {
		if ((k = xml_char_len(p))) {
			memcpy(o, p, k);
			o += k;
			p += k;
		} else {
			p++;
		}
	}
	*o = '\0';
	return out;
}

/*
 * The HTML of one item in a feed is cut to this many bytes. Escaped for
 * XML or JSON, markup grows up to about four times ("<b></b>" is 27 bytes
 * as JSON), so the store's 64 KiB summaries of 50 items could exceed the
 * page cap and one outlet could make the site's feeds fail; 16 KiB each
 * always fits, and a reader follows the link for the rest.
 */
#define FEED_ITEM_HTML_MAX (16u << 10)

/* Feed HTML is sanitized when stored; sanitize again on the way out so a
 * store written by an older or foreign version cannot send script to
 * feed readers. The cut comes before sanitizing, which closes what it
 * leaves open. */
static const char *
safe_html(struct arena *a, const char *s)
{
	struct html h;

	if (!s || !*s)
		return NULL;
	h = html_sanitize(a, s, text_utf8_trunc(s, strlen(s),
	    FEED_ITEM_HTML_MAX));
	return h.p;
}

/* Only URLs a reader may follow go into a feed. */
static const char *
safe_url(const char *u)
{
	return u && *u && html_url_is_safe(u) && strpbrk(u, ":") &&
	    !strpbrk(u, " \t\r\n") ? u : NULL;
}

static void
rfc822(char out[64], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	gmtime_r(&tt, &tm);
	snprintf(out, 64, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, mons[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
rfc3339(char out[64], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 64, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t
item_time(const struct item *it)
{
	return it->published ? it->published : it->first_seen;
}

static const char *
image_type(const char *url)
{
	const char *dot = strrchr(url, '.');

	if (!dot)
		return "image/jpeg";
	if (strncmp(dot, ".png", 4) == 0)
		return "image/png";
	if (strncmp(dot, ".gif", 4) == 0)
		return "image/gif";
	if (strncmp(dot, ".webp", 5) == 0)
		return "image/webp";
	return "image/jpeg";
}

struct xw {
	xmlBufferPtr xb;
	xmlTextWriterPtr w;
	struct arena a;
	int rc;
};

static int
xw_open(struct xw *x)
{
	arena_init(&x->a);
	x->rc = 0;
	x->xb = xmlBufferCreate();
	x->w = x->xb ? xmlNewTextWriterMemory(x->xb, 0) : NULL;
	if (!x->w)
		return err_set(ND_ERR, "feeds: cannot create the XML writer");
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST " ");
	if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
		x->rc = -1;
	return 0;
}

static int
xw_close(struct xw *x, struct buf *out)
{
	int rc = 0;

	if (x->w && xmlTextWriterEndDocument(x->w) < 0)
		x->rc = -1;
	if (x->w)
		xmlFreeTextWriter(x->w);
	if (x->rc < 0)
		rc = err_set(ND_ERR, "feeds: XML writer failed");
	else if (x->xb)
		buf_add(out, xmlBufferContent(x->xb), (size_t)xmlBufferLength(x->xb));
	if (x->xb)
		xmlBufferFree(x->xb);
	arena_release(&x->a);
	if (!rc && (rc = buf_err(out)) < 0)
		rc = err_set(rc, "feeds: larger than %zu bytes", out->max);
	return rc;
}

static void
el(struct xw *x, const char *name, const char *text)
{
	if (!text)
		return;
	if (xmlTextWriterWriteElement(x->w, BAD_CAST name,
	    BAD_CAST render_xml_clean(&x->a, text)) < 0)
		x->rc = -1;
}

static void
start(struct xw *x, const char *name)
{
	if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->rc = -1;
}

static void
end(struct xw *x)
{
	if (xmlTextWriterEndElement(x->w) < 0)
		x->rc = -1;
}

static void
attr(struct xw *x, const char *name, const char *value)
{
	if (!value)
		return;
	if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name,
	    BAD_CAST render_xml_clean(&x->a, value)) < 0)
		x->rc = -1;
}

static const char *
item_url(struct arena *a, const struct render_feed *f,
    const struct item *it)
{
	/* the desk's posts have their own pages (issue 10) */
	if (f->links && it >= f->items && it < f->items + f->n_items &&
	    f->links[it - f->items])
		return arena_strdup(a, f->links[it - f->items]);
	return arena_printf(a, "%s/item/%lld", f->base_url, (long long)it->id);
}

/* Splits "a, b, c" and calls fn for each non-empty tag. */
static void
each_tag(struct arena *a, const char *tags, void (*fn)(void *, const char *),
    void *payload)
{
	const char *p = tags;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		while (n && (*p == ' '))
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n)
			fn(payload, arena_strndup(a, p, n));
		p = c ? c + 1 : NULL;
	}
}

static void
rss_cat(void *payload, const char *tag)
{
	el(payload, "category", tag);
}

int
render_feed_rss(struct buf *out, const struct render_feed *f)
{
	struct xw x;
	char date[64];
	int rc;

	if ((rc = xw_open(&x)) < 0)
		return rc;
	start(&x, "rss");
	attr(&x, "version", "2.0");
	attr(&x, "xmlns:atom", RSS_NS_ATOM);
	attr(&x, "xmlns:media", RSS_NS_MEDIA);
	attr(&x, "xmlns:dc", RSS_NS_DC);
	start(&x, "channel");
	el(&x, "title", f->title);
	el(&x, "link", f->home_url);
	/* RSS readers take description as HTML: the tagline is text */
	el(&x, "description", html_text(&x.a, f->description &&
	    *f->description ? f->description : f->title).p);
	el(&x, "language", f->language);
	if (f->n_items) {
		rfc822(date, item_time(&f->items[0]));
		el(&x, "lastBuildDate", date);
	}
	el(&x, "generator", "newsdesk");
	start(&x, "atom:link");
	attr(&x, "href", f->self_url);
	attr(&x, "rel", "self");
	attr(&x, "type", "application/rss+xml");
	end(&x);
	for (size_t i = 0; i < f->n_items; i++) {
		const struct item *it = &f->items[i];
		const char *url = item_url(&x.a, f, it);
		const char *img = safe_url(it->image_url);

		start(&x, "item");
		el(&x, "title", view_headline(&x.a, it));
		el(&x, "link", url);
		start(&x, "guid");
		attr(&x, "isPermaLink", "true");
		if (xmlTextWriterWriteString(x.w, BAD_CAST url) < 0)
			x.rc = -1;
		end(&x);
		if (it->summary && *it->summary)
			el(&x, "description", safe_html(&x.a, it->summary));
		/* an undated item gets no invented date */
		if (it->published) {
			rfc822(date, it->published);
			el(&x, "pubDate", date);
		}
		if (it->author && *it->author)
			el(&x, "dc:creator", it->author);
		if (it->source_title && safe_url(it->url)) {
			start(&x, "source");
			attr(&x, "url", safe_url(it->url));
			if (xmlTextWriterWriteString(x.w,
			    BAD_CAST render_xml_clean(&x.a, it->source_title)) < 0)
				x.rc = -1;
			end(&x);
		}
		each_tag(&x.a, it->tags, rss_cat, &x);
		if (img) {
			start(&x, "enclosure");
			attr(&x, "url", img);
			attr(&x, "length", "0");
			attr(&x, "type", image_type(img));
			end(&x);
			start(&x, "media:content");
			attr(&x, "url", img);
			attr(&x, "medium", "image");
			attr(&x, "type", image_type(img));
			if (it->image_caption && *it->image_caption) {
				start(&x, "media:description");
				attr(&x, "type", "plain");
				if (xmlTextWriterWriteString(x.w, BAD_CAST render_xml_clean(
				    &x.a, it->image_caption)) < 0)
					x.rc = -1;
				end(&x);
			}
			if (it->image_credit && *it->image_credit)
				el(&x, "media:credit", it->image_credit);
			end(&x);
		}
		end(&x);
	}
	end(&x);
	end(&x);
	return xw_close(&x, out);
}

static void
atom_cat(void *payload, const char *tag)
{
	struct xw *x = payload;

	start(x, "category");
	attr(x, "term", tag);
	end(x);
}

static void
atom_link(struct xw *x, const char *rel, const char *href, const char *type)
{
	if (!href)
		return;
	start(x, "link");
	attr(x, "rel", rel);
	attr(x, "href", href);
	attr(x, "type", type);
	end(x);
}

int
render_feed_atom(struct buf *out, const struct render_feed *f)
{
	struct xw x;
	char date[64];
	int rc;

	if ((rc = xw_open(&x)) < 0)
		return rc;
	start(&x, "feed");
	attr(&x, "xmlns", "http://www.w3.org/2005/Atom");
	attr(&x, "xmlns:media", RSS_NS_MEDIA);
	if (f->language)
		attr(&x, "xml:lang", f->language);
	el(&x, "title", f->title);
	if (f->description && *f->description)
		el(&x, "subtitle", f->description);
	el(&x, "id", f->self_url);
	rfc3339(date, f->n_items ? item_time(&f->items[0]) : 0);
	el(&x, "updated", date);
	atom_link(&x, "self", f->self_url, "application/atom+xml");
	atom_link(&x, "alternate", f->home_url, "text/html");
	start(&x, "author");
	el(&x, "name", f->author ? f->author : f->title);
	end(&x);
	el(&x, "generator", "newsdesk");
	for (size_t i = 0; i < f->n_items; i++) {
		const struct item *it = &f->items[i];
		const char *url = item_url(&x.a, f, it);
		const char *img = safe_url(it->image_url);

		start(&x, "entry");
		start(&x, "title");
		attr(&x, "type", "text");
		if (xmlTextWriterWriteString(x.w, BAD_CAST render_xml_clean(&x.a,
		    view_headline(&x.a, it))) < 0)
			x.rc = -1;
		end(&x);
		el(&x, "id", url);
		atom_link(&x, "alternate", url, "text/html");
		atom_link(&x, "related", safe_url(it->url), NULL);
		rfc3339(date, it->updated ? it->updated : item_time(it));
		el(&x, "updated", date);
		if (it->published) {
			rfc3339(date, it->published);
			el(&x, "published", date);
		}
		if (it->author && *it->author) {
			start(&x, "author");
			el(&x, "name", it->author);
			end(&x);
		}
		if (it->summary && *it->summary) {
			start(&x, "summary");
			attr(&x, "type", "html");
			if (xmlTextWriterWriteString(x.w, BAD_CAST render_xml_clean(&x.a,
			    safe_html(&x.a, it->summary))) < 0)
				x.rc = -1;
			end(&x);
		}
		each_tag(&x.a, it->tags, atom_cat, &x);
		if (img) {
			start(&x, "link");
			attr(&x, "rel", "enclosure");
			attr(&x, "href", img);
			attr(&x, "type", image_type(img));
			end(&x);
			start(&x, "media:content");
			attr(&x, "url", img);
			attr(&x, "medium", "image");
			if (it->image_caption && *it->image_caption)
				el(&x, "media:description", it->image_caption);
			if (it->image_credit && *it->image_credit)
				el(&x, "media:credit", it->image_credit);
			end(&x);
		}
		end(&x);
	}
	end(&x);
	return xw_close(&x, out);
}

static void
jset_str(json_t *o, const char *key, const char *v)
{
	json_t *s;

	if (!v || !*v)
		return;
	/* NULL for invalid UTF-8: then the field is left out */
	if ((s = json_string(v)))
		json_object_set_new(o, key, s);
}

static void
json_tag(void *payload, const char *tag)
{
	json_t *s = json_string(tag);

	if (s)
		json_array_append_new(payload, s);
}

int
render_feed_json(struct buf *out, const struct render_feed *f)
{
	json_t *root = json_object(), *items = json_array();
	struct arena a = ARENA_INIT;
	char date[64], *s;

	arena_init(&a);
	jset_str(root, "version", "https://jsonfeed.org/version/1.1");
	jset_str(root, "title", f->title);
	jset_str(root, "home_page_url", f->home_url);
	jset_str(root, "feed_url", f->self_url);
	jset_str(root, "description", f->description);
	jset_str(root, "language", f->language);
	for (size_t i = 0; i < f->n_items; i++) {
		const struct item *it = &f->items[i];
		json_t *o = json_object();
		const char *url = item_url(&a, f, it);

		jset_str(o, "id", url);
		jset_str(o, "url", url);
		jset_str(o, "external_url", safe_url(it->url));
		jset_str(o, "title", view_headline(&a, it));
		if (it->summary && *it->summary) {
			jset_str(o, "content_html", safe_html(&a, it->summary));
			jset_str(o, "summary", render_plain(&a, it->summary, 300));
		} else {
			jset_str(o, "content_text", "");
		}
		jset_str(o, "image", safe_url(it->image_url));
		if (it->published) {
			rfc3339(date, it->published);
			jset_str(o, "date_published", date);
		}
		if (it->updated) {
			rfc3339(date, it->updated);
			jset_str(o, "date_modified", date);
		}
		if (it->author && *it->author) {
			json_t *au = json_array(), *p = json_object();

			jset_str(p, "name", it->author);
			json_array_append_new(au, p);
			json_object_set_new(o, "authors", au);
		}
		if (it->tags && *it->tags) {
			json_t *tags = json_array();

			each_tag(&a, it->tags, json_tag, tags);
			json_object_set_new(o, "tags", tags);
		}
		jset_str(o, "language", it->language);
		json_array_append_new(items, o);
	}
	json_object_set_new(root, "items", items);
	s = json_dumps(root, JSON_INDENT(1) | JSON_ESCAPE_SLASH);
	json_decref(root);
	arena_release(&a);
	if (!s)
		return err_set(ND_ERR, "feeds: cannot encode the JSON feed");
	/* < > & as \u escapes: still the same JSON, but no markup-looking
	 * bytes, whatever a client sniffs the document as */
	{
		struct arena ea = ARENA_INIT;
		struct html h;

		arena_init(&ea);
		h = html_json_script(&ea, s);
		buf_add(out, h.p, h.len);
		arena_release(&ea);
	}
	buf_addc(out, '\n');
	free(s);
	if (buf_err(out) < 0)
		return err_set(buf_err(out), "feeds: larger than %zu bytes",
		    out->max);
	return 0;
}

int
render_sitemap(struct buf *out, const struct render_sitemap_url *urls,
    size_t n)
{
	return render_sitemap_of(out, urls, n, false, NULL);
}

int
render_sitemap_of(struct buf *out, const struct render_sitemap_url *urls,
    size_t n, bool is_index, const char *css_href)
{
	struct xw x;
	char date[64];
	int rc;

	if ((rc = xw_open(&x)) < 0)
		return rc;
	/* CSS, not XSLT: Chromium deprecated XSLT (a red banner on every
	 * page that uses it, then removal), and XSLT would need script-src
	 * in the CSP. CSS styles the XML under the CSP every answer has. */
	if (css_href && !strchr(css_href, '"') && xmlTextWriterWriteFormatPI(
	    x.w, BAD_CAST "xml-stylesheet", "type=\"text/css\" href=\"%s\"",
	    css_href) < 0)
		x.rc = -1;
	start(&x, is_index ? "sitemapindex" : "urlset");
	attr(&x, "xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9");
	for (size_t i = 0; i < n; i++) {
		start(&x, is_index ? "sitemap" : "url");
		el(&x, "loc", urls[i].loc);
		if (urls[i].lastmod) {
			rfc3339(date, urls[i].lastmod);
			el(&x, "lastmod", date);
		}
		end(&x);
	}
	end(&x);
	return xw_close(&x, out);
}
