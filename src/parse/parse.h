/*
 * parse: feed bytes in, a struct feed out. Pure functions: no network, no
 * files, no globals, no printing.
 *
 * Supports RSS 0.90-0.94 and 2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0, JSON Feed
 * 1.0 and 1.1, detected from the content. Everything the result points to
 * lives in the arena passed in; strings are NUL-terminated UTF-8 and NULL
 * means absent (an element present but empty gives ""). Field names follow
 * ../shared/eval/feeds/CONTRACT.md (feedparser's normalized names).
 *
 * Ill-formed input never fails: what can be recovered is returned with
 * bozo set and bozo_exception saying why. External entities, DTD loading and
 * entity expansion are refused; sizes, depth and counts are bounded.
 * HTML-typed values are sanitized (allow-list) with relative URLs resolved.
 */
#ifndef ND_PARSE_PARSE_H
#define ND_PARSE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

/* A text construct: title, subtitle, summary, rights, content. */
struct feed_text {
	const char *value;      /* NULL = absent */
	const char *type;       /* "text/plain", "text/html", "application/xhtml+xml", ... */
	const char *language;   /* xml:lang in effect, or NULL */
	const char *base;       /* base URI in effect, or NULL */
};

struct feed_person {
	const char *name, *email, *href;
};

struct feed_link {
	const char *rel, *type, *href, *title, *hreflang, *length;
};

struct feed_tag {
	const char *term, *scheme, *label;
};

struct feed_enclosure {
	const char *href, *length, *type;
};

/* A photo or other media object (Media RSS, enclosures of type image/...,
 * JSON Feed image / attachments). */
struct feed_media {
	const char *url;
	const char *type;        /* MIME type when known */
	const char *medium;      /* "image", "video", ... when known */
	const char *title;       /* media:title */
	const char *caption;     /* media:description / caption text */
	const char *credit;      /* media:credit (agency or photographer) */
	const char *thumbnail;   /* media:thumbnail url */
	int width, height;       /* 0 when unknown */
};

/* A date: t is seconds since the epoch (UTC) when is_set; raw keeps the text
 * as written whenever an element was present (also when unparseable). */
struct feed_date {
	int64_t t;
	bool is_set;
	const char *raw;
};

struct feed_generator {
	const char *name, *href, *version;
};

struct feed_image {
	const char *href, *title, *link;
};

/* Channel-level data; also used for an entry's Atom <source>. */
struct feed_head {
	struct feed_text title, subtitle, rights;
	const char *link;             /* href of the first alternate link */
	struct feed_link *links;
	size_t n_links;
	const char *id;
	struct feed_date updated, published;
	const char *language;
	const char *author;           /* display form */
	struct feed_person *author_detail; /* first author, or NULL */
	struct feed_person *authors;
	size_t n_authors;
	struct feed_person *contributors;
	size_t n_contributors;
	struct feed_image *image;          /* NULL when absent */
	const char *icon, *logo;
	const char *generator;
	struct feed_generator *generator_detail;
	struct feed_tag *tags;
	size_t n_tags;
	const char *href;             /* RSS <source url="..."> only */
	int ttl;                      /* RSS <ttl> minutes, 0 when absent */
	int update_minutes;           /* sy:updatePeriod x sy:updateFrequency, 0 when absent */
};

struct feed_entry {
	const char *id;
	struct feed_text title;
	const char *link;
	struct feed_link *links;
	size_t n_links;
	struct feed_text summary;
	struct feed_text *content;
	size_t n_content;
	struct feed_date published, updated;
	const char *author;
	struct feed_person *author_detail;
	struct feed_person *authors;
	size_t n_authors;
	struct feed_person *contributors;
	size_t n_contributors;
	struct feed_tag *tags;
	size_t n_tags;
	struct feed_enclosure *enclosures;
	size_t n_enclosures;
	struct feed_media *media;
	size_t n_media;
	struct feed_head *source;     /* Atom <source> or RSS <source>, or NULL */
	const char *comments;
	struct feed_text rights;
	const char *language;
};

struct feed {
	bool bozo;
	const char *bozo_exception;   /* why, when bozo */
	const char *version;          /* "rss20", "atom10", "jsonfeed11", ... or "" */
	const char *encoding;         /* encoding used to decode, lower-case */
	struct feed_head head;
	struct feed_entry *entries;
	size_t n_entries;
};

struct parse_opts {
	const char *url;              /* document URL: base for relative URIs */
	const char *content_type;     /* HTTP Content-Type (charset honoured) */
	const char *content_location; /* HTTP Content-Location */
	const char *content_language; /* HTTP Content-Language */
	size_t max_entries;           /* 0 = default (10000) */
	size_t max_bytes;             /* 0 = default (32 MiB); larger input is ND_ETOOBIG */
	bool no_sanitize;             /* keep HTML as the feed wrote it (tests only) */
};

/*
 * Parses a feed. *out lives in a. Returns 0 (also for ill-formed input,
 * with bozo set), ND_ETOOBIG when len exceeds opts->max_bytes. Thread-safe.
 */
int parse_feed(struct feed **out, struct arena *a, const char *data, size_t len,
    const struct parse_opts *opts);

/* Writes f as the JSON object of CONTRACT.md (one line, no newline). */
int parse_feed_to_json(struct buf *out, const struct feed *f);

/*
 * Parses a date in any form feeds use (RFC 822 and variants, W3C-DTF/ISO
 * 8601/RFC 3339, asctime, localized month names, ...) to seconds since the
 * epoch, UTC. Returns 0, or ND_EPARSE when the string is not a date or an
 * invalid one (25:00, day 99). Never guesses.
 */
int parse_date(int64_t *out, const char *s, size_t len);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void parse_date_iso(char out[static 32], int64_t t);

/*
 * Sanitizes untrusted HTML by an allow-list: no script/style/iframe/object/
 * embed/form, no on* or style attributes, no javascript:/vbscript:/data:
 * URLs; relative URLs in href/src/... resolved against base (may be NULL).
 * Returns a string in a (never NULL).
 */
const char *parse_sanitize_html(struct arena *a, const char *html, size_t len,
    const char *base);

/* What parse_sanitize_html_opts does besides the sanitizing. */
enum {
	PARSE_SAN_NO_IMAGES = 1 << 0,   /* <img> goes too */
	PARSE_SAN_REPAIR = 1 << 1,      /* valid HTML out: content-model
	                                   wrappers (tbody, tr, li) added,
	                                   presentational attributes and empty
	                                   links and headings dropped, no
	                                   blanks at line ends, no raw '>' */
};
const char *parse_sanitize_html_opts(struct arena *a, const char *html,
    size_t len, const char *base, unsigned flags);

/*
 * Converts bytes in the named encoding to UTF-8 (aliases such as
 * windows_1252, macroman, cp_is are understood). *out lives in a.
 * Returns 0, ND_EINVAL for an unknown encoding, ND_EPARSE when the bytes are
 * invalid in that encoding (*out then holds a best-effort conversion).
 */
int parse_decode(char **out, size_t *out_len, struct arena *a, const char *data,
    size_t len, const char *encoding);

/* OPML: an outline of feed subscriptions. */
struct opml_outline {
	const char *title;      /* text or title attribute */
	const char *xml_url;    /* xmlUrl; NULL for a folder */
	const char *html_url;   /* htmlUrl */
	const char *folder;     /* title of the enclosing folder, or NULL */
	const char *language;
};

struct opml {
	const char *title;
	struct opml_outline *outlines;   /* feeds only, folders flattened */
	size_t n_outlines;
	bool bozo;
	const char *bozo_exception;
};

/* Parses OPML. Returns 0, or ND_EPARSE when nothing could be recovered. */
int parse_opml(struct opml **out, struct arena *a, const char *data, size_t len);

#endif
