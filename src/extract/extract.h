/*
 * extract: the main content of an article page, and its metadata.
 *
 * Pure: the page's bytes, its URL and two HTTP headers in, a struct extract
 * out, everything in the caller's arena. No network, no store, no printing,
 * no globals changed after start-up, so ingest, `newsdesk extract`, the
 * benches and the fuzzer all run the same code.
 *
 * The page is decoded to UTF-8 (BOM, Content-Type charset, <meta> charset,
 * then the bytes themselves; parse_decode does the conversion), parsed with
 * libxml2's HTML parser, and the main content found by scoring blocks of
 * text (length, commas, link density, class/id hints) and their ancestors;
 * see docs/internals/extract.md. General rules only, never per site.
 */
#ifndef ND_EXTRACT_EXTRACT_H
#define ND_EXTRACT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

/* Why a page yielded no text. */
enum extract_reason {
	EXTRACT_ARTICLE = 0,   /* text found */
	EXTRACT_NOT_HTML,      /* a PDF, an image, binary data */
	EXTRACT_INDEX,         /* a list of links to other pages (a front or
	                          section page) */
	EXTRACT_WALL,          /* a paywall, login or consent wall */
	EXTRACT_NOT_FOUND,     /* a "page not found" dressed as a 200 */
	EXTRACT_EMPTY,         /* no block of text long enough */
};

#define EXTRACT_MAX_BYTES_DEFAULT (10u << 20)   /* 10 MiB */
#define EXTRACT_MAX_TEXT (2u << 20)             /* text kept, bytes */

struct extract_opts {
	const char *url;              /* the page's URL: base for lead_image */
	const char *content_type;     /* HTTP Content-Type (charset honoured),
	                                 or NULL */
	const char *content_language; /* HTTP Content-Language, or NULL */
	size_t max_bytes;             /* 0 = EXTRACT_MAX_BYTES_DEFAULT */
};

struct extract {
	const char *text;         /* main text, one block per line; NULL when
	                             reason != EXTRACT_ARTICLE */
	size_t text_len;
	size_t n_blocks;          /* lines of text */
	const char *title;        /* each NULL when unknown */
	const char *byline;
	const char *date;         /* "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" */
	int64_t date_t;           /* seconds since the epoch, 0 when unknown */
	const char *lead_image;   /* absolute http(s) URL */
	const char *lang;         /* BCP 47 as the page says it ("en", "de-DE") */
	const char *encoding;     /* what the bytes were decoded from */
	enum extract_reason reason;
	const char *reason_msg;   /* one line saying why, when not an article */
};

/*
 * Extracts the article from a page. *out and everything it points to live
 * in a. Returns 0 (also when the page is not an article: see reason), or
 * ND_ETOOBIG when len exceeds opts->max_bytes. Time and memory are linear
 * in the input whatever its nesting. Thread-safe.
 */
int extract_page(struct extract **out, struct arena *a, const char *data,
    size_t len, const struct extract_opts *opts);

/* "article", "not-html", "index", "wall", "not-found", "empty". */
const char *extract_reason_name(enum extract_reason r);

#endif
