/*
 * extract_int: internals shared by the files of the extract module. Nothing
 * outside src/extract/ includes this.
 */
#ifndef ND_EXTRACT_EXTRACT_INT_H
#define ND_EXTRACT_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

struct arena;
struct buf;
struct extract;

/* Metadata candidates, collected while the content walk passes the
 * elements that carry them (meta.c), resolved at the end. */
struct meta {
	const char *og_title, *tw_title, *doc_title, *ld_headline, *h1;
	const char *meta_author, *ld_author, *rel_author, *byline_el;
	const char *byline_hint, *rel_author_text;
	int n_byline_tries;
	const char *og_date, *ld_date, *meta_date, *time_date, *text_date;
	const char *og_image, *tw_image, *ld_image;
	const char *html_lang, *meta_lang, *og_locale;
	const char *og_type, *ld_type;
	const char *ld_body;      /* JSON-LD articleBody, for the cross-check */
	bool ld_paywalled;        /* isAccessibleForFree: false */
	int n_ld;                 /* JSON-LD blocks seen (capped) */
	int n_date_tries;         /* meta_on_date_text calls (capped) */
};

/* meta.c: called by the walk on the elements named */
void meta_on_element(struct meta *m, struct arena *a, xmlNode *n,
    const char *tag);
/* n's class or id says it holds a date: the first date in its text. */
void meta_on_date_text(struct meta *m, struct arena *a, xmlNode *n);
/* n's class says it names the author (or it is <a rel=author>): its
 * short text, without "By", into *slot. */
void meta_on_byline(struct meta *m, struct arena *a, xmlNode *n,
    const char **slot);
/* Resolves the candidates into e (title, byline, date, image, lang). */
void meta_finish(struct meta *m, struct arena *a, struct extract *e,
    const char *url, const char *content_language);

/* Visible text of n's subtree, whitespace collapsed and trimmed, capped at
 * max bytes; NULL when empty. */
const char *meta_node_text(struct arena *a, xmlNode *n, size_t max);

/* An attribute's value (borrowed from the tree) or NULL. Faster than
 * xmlGetProp, which copies. */
const char *ex_attr(xmlNode *n, const char *name);

/* Collapses white space (ASCII and U+00A0) in s to single spaces and trims;
 * in a. */
char *ex_squash(struct arena *a, const char *s, size_t len);

#endif
