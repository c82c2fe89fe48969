/*
 * html: the safe-HTML type. A struct html holds bytes that are safe to send
 * as HTML; it can only come from HTML("...") literals, the escapers here or
 * the sanitizer. There is no printf-style HTML writer: raw strings go
 * through html_text (which escapes & < > " ' so one escaper covers text and
 * double-quoted attributes), URLs through html_url (http, https, mailto and
 * relative only) and feed HTML through html_sanitize.
 *
 * struct page is the sink pages are written into: page_html() appends safe
 * HTML, page_text() escapes raw text, page_int() writes a number.
 */
#ifndef ND_RENDER_HTML_H
#define ND_RENDER_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct arena;

struct html {
	const char *p;
	size_t len;
};

/* String literals only: the "" around lit makes anything else a compile
 * error. */
#define HTML(lit) ((struct html){ "" lit "", sizeof(lit) - 1 })

/* Escapes & < > " ' in raw (NULL gives ""). Result lives in a. */
struct html html_text(struct arena *a, const char *raw);
struct html html_textn(struct arena *a, const char *raw, size_t len);

/* raw if it is an http, https or mailto URL, or a relative reference that
 * cannot be mistaken for a scheme, then escaped; "" for anything else
 * (javascript:, data:, ...). Control characters and spaces are
 * percent-encoded, so a URL can never break out of an attribute or a
 * header. */
struct html html_url(struct arena *a, const char *url);
/* The same check without escaping: true when html_url would keep url. */
bool html_url_is_safe(const char *url);

/*
 * Sanitizes untrusted HTML by an allow-list (parse_sanitize_html: no
 * script/style/iframe/form, no on* or style attributes, no javascript:
 * URLs). Use it for everything that came from a feed, an article page or a
 * form, even when the store says it was sanitized on the way in.
 */
struct html html_sanitize(struct arena *a, const char *untrusted, size_t len);

/*
 * html_sanitize, then without any <img>: for bodies of items shown on the
 * public site, whose pages load no image from another site (their photos
 * come from the local cache, see web/site_media.c).
 */
struct html html_sanitize_no_images(struct arena *a, const char *untrusted,
    size_t len);

/* The HTML of a desk post's Markdown body (render/markdown.c): cmark in
 * safe mode (no raw HTML, no unsafe links), then html_sanitize without
 * images. In a. ND_ENOMEM. */
int render_markdown(struct arena *a, const char *md, size_t len,
    struct html *out);

/* A search snippet: plain text with matches between \x02 and \x03, escaped,
 * with the matches in <mark>. */
struct html html_snippet(struct arena *a, const char *snippet);

/* JSON text made safe inside <script type="application/ld+json">: < > &
 * and U+2028/2029 become \u escapes (valid JSON, cannot close the
 * element). json must come from jansson. */
struct html html_json_script(struct arena *a, const char *json);

/* Percent-encodes s for a URL path segment or query value (everything but
 * unreserved characters). Result lives in a; plain text, still to be
 * escaped when written into HTML. */
const char *render_pct(struct arena *a, const char *s);

/* Plain text from HTML: tags dropped, the common entities decoded, runs of
 * whitespace collapsed, cut at about max bytes on a UTF-8 boundary with
 * an ellipsis. For summaries in lists, meta descriptions and feeds. */
const char *render_plain(struct arena *a, const char *html, size_t max);

/* ---- the page sink ---- */
struct page {
	struct buf b;
	struct arena *a;
};

void page_init(struct page *pg, struct arena *a, size_t max);
void page_release(struct page *pg);
void page_html(struct page *pg, struct html h);
void page_text(struct page *pg, const char *raw);
void page_int(struct page *pg, long long v);

#endif
