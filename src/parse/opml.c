/*
 * opml: a subscription list in, a flat list of feeds out.
 *
 * Folders are flattened: each feed records the title of its top-level
 * folder, because that is what becomes a section on import (sections are
 * flat; deeper folders only organise a reader's sidebar). An outline is a
 * feed when it has a non-empty xmlUrl, whatever its type attribute says; an
 * outline without one is a folder.
 *
 * libxml2 is used with the network off, no DTD loading and no entity
 * substitution; a document that declares entities is refused outright, so
 * no expansion can happen. Input size, outline count and depth are bounded.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "parse/parse.h"
#include "core/banned.h"

#define OPML_MAX_BYTES (16u << 20)
#define OPML_MAX_OUTLINES 50000
#define OPML_MAX_DEPTH 32

struct walk {
	struct arena *a;
	struct opml *o;
	size_t cap;
	bool truncated;          /* count or depth limit hit */
};

/* An attribute's value, whitespace-trimmed, in the arena; NULL when the
 * attribute is absent or blank. */
static const char *
attr(struct arena *a, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	struct str s;
	const char *out = NULL;

	if (!v)
		return NULL;
	s = str_trim(str_of((const char *)v));
	if (s.len)
		out = arena_strndup(a, s.p, s.len);
	xmlFree(v);
	return out;
}

static bool
is_outline(xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)"outline") == 0;
}

static void
walk_outlines(struct walk *w, xmlNode *parent, const char *folder, int depth)
{
	for (xmlNode *n = parent->children; n; n = n->next) {
		const char *url, *title;

		if (!is_outline(n))
			continue;
		if (depth >= OPML_MAX_DEPTH) {
			w->truncated = true;
			return;
		}
		title = attr(w->a, n, "text");
		if (!title)
			title = attr(w->a, n, "title");
		url = attr(w->a, n, "xmlUrl");
		if (!url)
			url = attr(w->a, n, "xmlurl"); /* seen in the wild */
		if (url) {
			struct opml_outline *ol;

			if (w->o->n_outlines >= OPML_MAX_OUTLINES) {
				w->truncated = true;
				return;
			}
			ARENA_GROW(w->a, w->o->outlines, w->o->n_outlines,
			    w->o->n_outlines + 1, w->cap);
			ol = &w->o->outlines[w->o->n_outlines++];
			memset(ol, 0, sizeof(*ol));
			ol->xml_url = url;
			ol->title = title;
			ol->html_url = attr(w->a, n, "htmlUrl");
			ol->language = attr(w->a, n, "language");
			ol->folder = folder;
			/* A feed's children (rare) stay in the feed's folder. */
			walk_outlines(w, n, folder, depth + 1);
		} else {
			walk_outlines(w, n, folder ? folder : title, depth + 1);
		}
	}
}

static xmlNode *
child(xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, (const xmlChar *)name) == 0)
			return n;
	return NULL;
}

static void
free_doc(void *doc)
{
	xmlFreeDoc(doc);
}

int
parse_opml(struct opml **out, struct arena *a, const char *data, size_t len)
{
	const int base = XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	struct walk w = { 0 };
	struct opml *o;
	xmlDoc *doc;
	xmlNode *root, *head, *body, *title;
	bool bozo = false;
	const char *why = NULL;

	*out = NULL;
	if (len > OPML_MAX_BYTES)
		return err_set(ND_ETOOBIG, "opml: larger than %u bytes",
		    OPML_MAX_BYTES);
	if (len > 0x7fffffff)
		return err_set(ND_ETOOBIG, "opml: too large");
	doc = xmlReadMemory(data, (int)len, NULL, NULL, base);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		why = arena_printf(a, "not well-formed XML (line %d)",
		    e ? e->line : 0);
		bozo = true;
		doc = xmlReadMemory(data, (int)len, NULL, NULL,
		    base | XML_PARSE_RECOVER);
	}
	if (!doc)
		return err_set(ND_EPARSE, "opml: %s", why);
	arena_defer(a, free_doc, doc);
	if (doc->intSubset && doc->intSubset->entities)
		return err_set(ND_EPARSE, "opml: entity declarations are not "
		    "allowed");
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *)"opml") != 0)
		return err_set(ND_EPARSE, "opml: the root element is not <opml>");

	o = arena_zalloc(a, sizeof(*o));
	head = child(root, "head");
	if ((title = child(head, "title"))) {
		xmlChar *t = xmlNodeGetContent(title);

		if (t) {
			struct str s = str_trim(str_of((const char *)t));

			o->title = arena_strndup(a, s.p, s.len);
			xmlFree(t);
		}
	}
	if (!(body = child(root, "body"))) {
		bozo = true;
		why = why ? why : "no <body>";
	} else {
		w.a = a;
		w.o = o;
		walk_outlines(&w, body, NULL, 0);
		if (w.truncated && !why) {
			bozo = true;
			why = arena_printf(a, "more than %d outlines or deeper than "
			    "%d levels; the rest was ignored", OPML_MAX_OUTLINES,
			    OPML_MAX_DEPTH);
		}
	}
	o->bozo = bozo;
	o->bozo_exception = why;
	*out = o;
	return 0;
}
