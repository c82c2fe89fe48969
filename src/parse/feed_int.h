/*
 * feed_int: internals shared by the feed parser's files (feed.c,
 * feed_xml.c, feed_text.c, feed_jsonfeed.c). Nothing outside src/parse/
 * includes this.
 */
#ifndef ND_PARSE_FEED_INT_H
#define ND_PARSE_FEED_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "core/buf.h"
#include "parse/parse.h"

struct arena;

#define FEED_MAX_ENTRIES 10000
#define FEED_MAX_BYTES (32u << 20)
#define FEED_MAX_DEPTH 256 /* element nesting the walker follows */
#define FEED_MAX_LIST 1000 /* links, authors, enclosures... per object */
#define FEED_MAX_TAGS 256  /* tags per object (deduplicated) */
#define FEED_MAX_MEDIA 64  /* media per entry (deduplicated by URL) */

/* The base URI and language in effect for an element (xml:base, xml:lang
 * inherited down the tree). */
struct feed_scope {
	const char *base; /* absolute and safe, or NULL */
	const char *lang; /* NULL = none */
};

/* State of one parse_feed() call. */
struct feed_parser {
	struct arena *a;
	const struct parse_opts *opts;
	struct feed *f;
	bool is_atom;	/* Atom of any version: no HTML guessing */
	bool is_atom10; /* Atom 1.0: xhtml wrapper div is stripped */
	bool is_utf8;	/* decoded as UTF-8: undo double encoding */
	size_t max_entries;
	struct buf tmp; /* scratch for text gathering/serializing */
	/* namespace class cache: libxml2 shares one xmlNs per declaration */
	const xmlNs *ns_ptr[8];
	int ns_cls[8];
	unsigned ns_next;
};

/* Appends one zeroed element of size size to the arena array *arrp of *n
 * elements (capacity implied by *n) and returns it. */
void *feed_vec_push(struct arena *a, void *arrp, size_t *n, size_t size);

/* Text of el and its descendants (text and CDATA), trimmed, in the arena. */
const char *feed_node_text(struct feed_parser *p, const xmlNode *el);

/* True when el has an element among its children (markup, not only text). */
bool feed_has_element_child(const xmlNode *el);

/* Reads a text construct (title, summary, content, ...) from el.
 * deftype is the MIME type when el has no type attribute. */
void feed_text_read(struct feed_parser *p, struct feed_text *out, const xmlNode *el,
		    const struct feed_scope *sc, const char *deftype);

/* Sanitizes (unless opts->no_sanitize) an HTML value and resolves its
 * relative URLs against base. */
const char *feed_html_clean(struct feed_parser *p, const char *html, size_t len,
			    const char *base);

/* Resolves ref against base; absolute refs are kept exactly as written. */
const char *feed_resolve(struct feed_parser *p, const char *base,
			 const char *ref);

/* The code point of the HTML 4 named entity name[0..n), or 0. */
unsigned feed_html_entity(const char *name, size_t n);

/* True when s looks like HTML (a close tag or an entity reference). */
bool feed_looks_like_html(const char *s);

/* Fills f from a parsed XML document. */
void feed_xml_walk(struct feed_parser *p, xmlDoc *doc, const char *base,
		   const char *lang);

/* Fills f from JSON Feed bytes (UTF-8). */
void feed_jsonfeed_parse(struct feed_parser *p, const char *data, size_t len,
			 const char *base);

/* Parses a date string into d (raw always kept). */
void feed_date_set(struct feed_parser *p, struct feed_date *d, const char *raw);

/* Splits an RSS author string "Name (email)", "Name <email>", "email (Name)"
 * into a person. */
void feed_person_split(struct feed_parser *p, struct feed_person *out,
		       const char *s);

/* Sets bozo with a reason (the first reason is kept). */
void feed_bozo(struct feed_parser *p, const char *why);

#endif
