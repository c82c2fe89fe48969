/*
 * sanitize: untrusted HTML in, safe HTML out, by allow-list.
 *
 * libxml2's HTML parser (the one lxml-based sanitizers use) recovers the
 * markup the way browsers would and reports it as SAX events (no tree: that
 * halves the cost); we write back only what the tables below allow,
 * serialising ourselves so that every text and attribute byte passes
 * through one escaper. Nothing is copied through as written, so markup the
 * parser did not understand cannot reach the output as markup. The rules
 * are in docs/internals/sanitize.md.
 *
 * The fragment is parsed after a "<body>" prefix: without it libxml2 2.9
 * wraps leading text in an implied <p> (and with HTML_PARSE_NOIMPLIED it
 * nests later siblings inside the first element), which changes structure.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/url.h"
#include "parse/parse.h"
#include "parse/parse_int.h"
#include "core/banned.h"

#define SANITIZE_MAX_IN (16u << 20)   /* larger input is escaped as text */
#define SANITIZE_MAX_DEPTH 256      /* deeper content is dropped */
#define BODY_PREFIX "<body>"

enum el_kind {
	EL_UNWRAP = 0,   /* not listed: the tag goes, its content stays */
	EL_ALLOW,        /* kept with its allowed attributes */
	EL_VOID,         /* kept, has no content and no end tag */
	EL_DROP,         /* removed with everything inside */
	EL_VOID_DROP,    /* a void element that goes; libxml2 does not know
	                    all of them are empty (embed, source, ...) and may
	                    hang the following content under them, which is
	                    kept (and filtered) like unwrapped content */
};

/* Sorted by name in byte order (binary search). */
static const struct el {
	const char *name;
	enum el_kind kind;
} elements[] = {
	{ "a", EL_ALLOW },
	{ "abbr", EL_ALLOW },
	{ "acronym", EL_ALLOW },
	{ "address", EL_ALLOW },
	{ "applet", EL_DROP },
	{ "area", EL_VOID_DROP },
	{ "article", EL_ALLOW },
	{ "aside", EL_ALLOW },
	{ "audio", EL_DROP },
	{ "b", EL_ALLOW },
	{ "base", EL_VOID_DROP },
	{ "basefont", EL_VOID_DROP },
	{ "bdi", EL_ALLOW },
	{ "bdo", EL_ALLOW },
	{ "bgsound", EL_VOID_DROP },
	{ "big", EL_ALLOW },
	{ "blockquote", EL_ALLOW },
	{ "br", EL_VOID },
	{ "button", EL_DROP },
	{ "canvas", EL_DROP },
	{ "caption", EL_ALLOW },
	{ "cite", EL_ALLOW },
	{ "code", EL_ALLOW },
	{ "col", EL_VOID },
	{ "colgroup", EL_ALLOW },
	{ "datalist", EL_DROP },
	{ "dd", EL_ALLOW },
	{ "del", EL_ALLOW },
	{ "details", EL_ALLOW },
	{ "dfn", EL_ALLOW },
	{ "div", EL_ALLOW },
	{ "dl", EL_ALLOW },
	{ "dt", EL_ALLOW },
	{ "em", EL_ALLOW },
	{ "embed", EL_VOID_DROP },
	{ "figcaption", EL_ALLOW },
	{ "figure", EL_ALLOW },
	{ "footer", EL_ALLOW },
	{ "form", EL_DROP },
	{ "frame", EL_DROP },
	{ "frameset", EL_DROP },
	{ "h1", EL_ALLOW },
	{ "h2", EL_ALLOW },
	{ "h3", EL_ALLOW },
	{ "h4", EL_ALLOW },
	{ "h5", EL_ALLOW },
	{ "h6", EL_ALLOW },
	{ "header", EL_ALLOW },
	{ "hr", EL_VOID },
	{ "i", EL_ALLOW },
	{ "iframe", EL_DROP },
	{ "img", EL_VOID },
	{ "input", EL_VOID_DROP },
	{ "ins", EL_ALLOW },
	{ "isindex", EL_VOID_DROP },
	{ "kbd", EL_ALLOW },
	{ "keygen", EL_VOID_DROP },
	{ "li", EL_ALLOW },
	{ "link", EL_VOID_DROP },
	{ "mark", EL_ALLOW },
	{ "math", EL_DROP },
	{ "meta", EL_VOID_DROP },
	{ "noembed", EL_DROP },
	{ "noframes", EL_DROP },
	{ "noscript", EL_DROP },
	{ "object", EL_DROP },
	{ "ol", EL_ALLOW },
	{ "optgroup", EL_DROP },
	{ "option", EL_DROP },
	{ "output", EL_DROP },
	{ "p", EL_ALLOW },
	{ "param", EL_VOID_DROP },
	{ "plaintext", EL_DROP },
	{ "portal", EL_DROP },
	{ "pre", EL_ALLOW },
	{ "q", EL_ALLOW },
	{ "rp", EL_ALLOW },
	{ "rt", EL_ALLOW },
	{ "ruby", EL_ALLOW },
	{ "s", EL_ALLOW },
	{ "samp", EL_ALLOW },
	{ "script", EL_DROP },
	{ "section", EL_ALLOW },
	{ "select", EL_DROP },
	{ "slot", EL_DROP },
	{ "small", EL_ALLOW },
	{ "source", EL_VOID_DROP },
	{ "span", EL_ALLOW },
	{ "strike", EL_ALLOW },
	{ "strong", EL_ALLOW },
	{ "style", EL_DROP },
	{ "sub", EL_ALLOW },
	{ "summary", EL_ALLOW },
	{ "sup", EL_ALLOW },
	{ "svg", EL_DROP },
	{ "table", EL_ALLOW },
	{ "tbody", EL_ALLOW },
	{ "td", EL_ALLOW },
	{ "template", EL_DROP },
	{ "textarea", EL_DROP },
	{ "tfoot", EL_ALLOW },
	{ "th", EL_ALLOW },
	{ "thead", EL_ALLOW },
	{ "time", EL_ALLOW },
	{ "title", EL_DROP },
	{ "tr", EL_ALLOW },
	{ "track", EL_VOID_DROP },
	{ "tt", EL_ALLOW },
	{ "u", EL_ALLOW },
	{ "ul", EL_ALLOW },
	{ "var", EL_ALLOW },
	{ "video", EL_DROP },
	{ "wbr", EL_VOID },
	{ "xml", EL_DROP },
	{ "xmp", EL_DROP },
};

enum attr_kind {
	AT_TEXT = 1,     /* kept, escaped */
	AT_URL,          /* kept if its scheme is safe; relative ones resolved */
};

/* Sorted by name in byte order (binary search). No on*, style, class, id, name, target, srcset:
 * scripts, CSS, DOM clobbering, tab-nabbing. */
static const struct at {
	const char *name;
	enum attr_kind kind;
} attributes[] = {
	{ "abbr", AT_TEXT },
	{ "align", AT_TEXT },
	{ "alt", AT_TEXT },
	{ "border", AT_TEXT },
	{ "cellpadding", AT_TEXT },
	{ "cellspacing", AT_TEXT },
	{ "cite", AT_URL },
	{ "colspan", AT_TEXT },
	{ "datetime", AT_TEXT },
	{ "dir", AT_TEXT },
	{ "headers", AT_TEXT },
	{ "height", AT_TEXT },
	{ "href", AT_URL },
	{ "hreflang", AT_TEXT },
	{ "lang", AT_TEXT },
	{ "longdesc", AT_URL },
	{ "reversed", AT_TEXT },
	{ "rowspan", AT_TEXT },
	{ "scope", AT_TEXT },
	{ "span", AT_TEXT },
	{ "src", AT_URL },
	{ "start", AT_TEXT },
	{ "summary", AT_TEXT },
	{ "title", AT_TEXT },
	{ "type", AT_TEXT },
	{ "valign", AT_TEXT },
	{ "value", AT_TEXT },
	{ "width", AT_TEXT },
};

/* Binary search of a sorted name table; names differ in their first byte
 * often enough that comparing it first saves most strcmp calls. */
#define TABLE_FIND(table, key, out)                                            \
	do {                                                                   \
		size_t lo_ = 0, hi_ = sizeof(table) / sizeof(table[0]);        \
		(out) = NULL;                                                  \
		while (lo_ < hi_) {                                            \
			size_t mid_ = (lo_ + hi_) / 2;                         \
			const char *nm_ = table[mid_].name;                    \
			int d_ = (unsigned char)(key)[0] - (unsigned char)nm_[0]; \
			if (!d_)                                               \
				d_ = strcmp((key), nm_);                       \
			if (!d_) {                                             \
				(out) = &table[mid_];                          \
				break;                                         \
			}                                                      \
			if (d_ < 0)                                            \
				hi_ = mid_;                                    \
			else                                                   \
				lo_ = mid_ + 1;                                \
		}                                                              \
	} while (0)

static enum el_kind
el_kind(const xmlChar *name)
{
	const struct el *e;

	if (!name)
		return EL_DROP;
	TABLE_FIND(elements, (const char *)name, e);
	return e ? e->kind : EL_UNWRAP;
}

static enum attr_kind
at_kind(const xmlChar *name)
{
	const struct at *e;

	TABLE_FIND(attributes, (const char *)name, e);
	return e ? e->kind : 0;
}


/* Appends s[0..len) escaped for text (in_attr: also for a double-quoted
 * attribute value). */
static void
put_escaped(struct buf *out, const char *s, size_t len, bool in_attr)
{
	buf_add_escaped(out, s, len, in_attr ? BUF_ESC_ATTR : BUF_ESC_TEXT);
}

/* The scheme of a cleaned URL, or an empty slice for a relative one. An
 * ill-formed scheme ("1x:", "jav%20ascript:") makes a relative path, as in
 * browsers. */
static struct str
url_scheme_of(const char *u)
{
	size_t i = 0;

	if (!str_isalpha((unsigned char)u[0]))
		return str_make(u, 0);
	while (str_isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' ||
	    u[i] == '.')
		i++;
	return u[i] == ':' ? str_make(u, i) : str_make(u, 0);
}

static bool
scheme_is_safe(struct str scheme)
{
	return str_ieq(scheme, "http") || str_ieq(scheme, "https") ||
	    str_ieq(scheme, "mailto");
}

/*
 * Returns the URL to write for attribute value v, or NULL to drop the
 * attribute. Leading and trailing blanks and C0 controls go, and so does
 * every control character inside: browsers strip tabs and newlines anywhere
 * ("jav&#x09;ascript:" is javascript:), and a URL has no use for the rest.
 * Inner spaces become %20.
 */
static const char *
url_clean(struct arena *a, const char *v, const char *base)
{
	size_t len = strlen(v), n = 0;
	struct str scheme;
	char *u;

	while (len && (unsigned char)*v <= 0x20) {
		v++;
		len--;
	}
	while (len && (unsigned char)v[len - 1] <= 0x20)
		len--;
	u = arena_alloc(a, 3 * len + 1);
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			continue;
		/* an inner space is %20 to browsers anyway; encoding it keeps
		 * "jav ascript:" from reading as a scheme to any URL parser
		 * that skips blanks */
		if (v[i] == ' ') {
			memcpy(u + n, "%20", 3);
			n += 3;
			continue;
		}
		u[n++] = v[i];
	}
	u[n] = '\0';
	scheme = url_scheme_of(u);
	if (scheme.len)
		return scheme_is_safe(scheme) ? u : NULL;
	if (base) {
		const char *r = url_resolve(a, base, u);

		/* the base was checked, but resolution must not be trusted
		 * to have kept the result in a safe scheme either */
		scheme = url_scheme_of(r);
		if (!scheme.len || scheme_is_safe(scheme))
			return r;
	}
	return u;
}

/* State of one sanitization, the SAX callbacks' payload. */
struct san {
	struct arena *a;
	struct buf out;
	const char *base;       /* absolute http(s) base, or NULL */
	size_t drop;            /* > 0: inside a dropped element, this deep */
	struct open_el {
		const xmlChar *name;    /* in the parser's dictionary */
		enum el_kind kind;
	} *open;                /* the open elements we did not drop */
	size_t n_open, cap_open;
};

static void
put_open(struct san *s, const xmlChar *name, const xmlChar **attrs)
{
	buf_addc(&s->out, '<');
	buf_adds(&s->out, (const char *)name);
	for (size_t i = 0; attrs && attrs[i]; i += 2) {
		enum attr_kind k = at_kind(attrs[i]);
		const char *v = attrs[i + 1] ? (const char *)attrs[i + 1] : "";

		if (!k)
			continue;
		if (k == AT_URL && !(v = url_clean(s->a, v, s->base)))
			continue;
		buf_addc(&s->out, ' ');
		buf_adds(&s->out, (const char *)attrs[i]);
		buf_adds(&s->out, "=\"");
		put_escaped(&s->out, v, strlen(v), true);
		buf_addc(&s->out, '"');
	}
	buf_addc(&s->out, '>');
}

static void
put_close(struct san *s, const xmlChar *name)
{
	buf_adds(&s->out, "</");
	buf_adds(&s->out, (const char *)name);
	buf_addc(&s->out, '>');
}

/*
 * SAX callbacks. libxml2's HTML parser reports a balanced sequence: it
 * closes implied and unclosed elements itself, so an end event always
 * belongs to the latest start event. Hence a counter is enough inside a
 * dropped element, and we close from our own stack (names we wrote), so
 * our output stays balanced even if the parser's were not. Deeper than
 * SANITIZE_MAX_DEPTH everything is dropped, which bounds the stack.
 */
static void
on_start(void *ctx, const xmlChar *name, const xmlChar **attrs)
{
	struct san *s = ((htmlParserCtxtPtr)ctx)->_private;
	enum el_kind k;

	if (s->drop) {
		s->drop++;
		return;
	}
	k = el_kind(name);
	if (k == EL_DROP || s->n_open >= SANITIZE_MAX_DEPTH) {
		s->drop = 1;
		return;
	}
	ARENA_GROW(s->a, s->open, s->n_open, s->n_open + 1, s->cap_open);
	s->open[s->n_open].name = name;
	s->open[s->n_open++].kind = k;
	if (k == EL_ALLOW || k == EL_VOID)
		put_open(s, name, attrs);
}

static void
on_end(void *ctx, const xmlChar *name)
{
	struct san *s = ((htmlParserCtxtPtr)ctx)->_private;

	if (s->drop) {
		s->drop--;
		return;
	}
	if (!s->n_open)
		return;
	s->n_open--;
	if (s->open[s->n_open].kind == EL_ALLOW)
		put_close(s, s->open[s->n_open].name);
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct san *s = ((htmlParserCtxtPtr)ctx)->_private;

	if (!s->drop && len > 0)
		put_escaped(&s->out, (const char *)ch, (size_t)len, false);
}

/* True when base is an absolute http(s) URL, the only kind we resolve
 * against (CONTRACT.md: a base with an unsafe scheme is ignored). */
static bool
base_is_usable(const char *base)
{
	struct str scheme;

	if (!base || !*base)
		return false;
	scheme = url_scheme_of(base);
	return str_ieq(scheme, "http") || str_ieq(scheme, "https");
}

static void
parse_fragment(struct san *s, const char *in, size_t n)
{
	xmlCharEncodingHandlerPtr utf8;
	htmlParserCtxtPtr ctxt;
	htmlSAXHandler *sax;

	xmlInitParser();
	if (!(ctxt = htmlCreateMemoryParserCtxt(in, (int)n)))
		return;
	htmlCtxtUseOptions(ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
	/* Declared UTF-8 with a real handler installed, as htmlReadMemory
	 * does: then a <meta charset> in the fragment cannot switch the
	 * decoder halfway. */
	if ((utf8 = xmlFindCharEncodingHandler("UTF-8")))
		xmlSwitchToEncoding(ctxt, utf8);
	/* Only our callbacks: no tree is built (about half the cost), and
	 * comments, PIs and errors go nowhere. */
	sax = ctxt->sax;
	memset(sax, 0, sizeof(*sax));
	sax->startElement = on_start;
	sax->endElement = on_end;
	sax->characters = on_text;
	sax->ignorableWhitespace = on_text;
	sax->cdataBlock = NULL;       /* script/style bodies: in drop anyway */
	sax->initialized = 1;
	ctxt->_private = s;
	ctxt->userData = ctxt;
	htmlParseDocument(ctxt);
	/* close what the parser left open (it should leave nothing) */
	s->drop = 0;
	while (s->n_open)
		on_end(ctxt, NULL);
	htmlFreeParserCtxt(ctxt);
}

const char *
parse_sanitize_html(struct arena *a, const char *html, size_t len,
    const char *base)
{
	struct san s = { a, BUF_INIT(BUF_NOCAP), NULL, 0, NULL, 0, 0 };
	const char *res;
	char *in;
	size_t n;

	if (!html || !len)
		return arena_strdup(a, "");
	/* No markup and no references: already safe as HTML text ('>' and
	 * quotes are harmless outside a tag). */
	if (!memchr(html, '<', len) && !memchr(html, '&', len))
		return arena_strndup(a, html, len);
	if (len > SANITIZE_MAX_IN) {
		put_escaped(&s.out, html, len, false);
	} else {
		/* A '<' after the last '>' opens a tag or declaration that
		 * never closes ("Use <!DOCTYPE", "a <b"): it cannot be markup,
		 * so it is text, as in feed readers' SGML parsers (libxml2 would
		 * drop it). */
		const char *gt = memrchr(html, '>', len);
		size_t tail = gt ? (size_t)(gt - html) + 1 : 0, lts = 0;

		for (size_t i = tail; i < len; i++)
			lts += html[i] == '<';
		s.base = base_is_usable(base) ? base : NULL;
		n = sizeof(BODY_PREFIX) - 1 + len + 3 * lts;
		in = arena_alloc(a, n + 1);
		memcpy(in, BODY_PREFIX, sizeof(BODY_PREFIX) - 1);
		n = sizeof(BODY_PREFIX) - 1;
		memcpy(in + n, html, tail);
		n += tail;
		for (size_t i = tail; i < len; i++) {
			if (html[i] == '<') {
				memcpy(in + n, "&lt;", 4);
				n += 4;
			} else {
				in[n++] = html[i];
			}
		}
		in[n] = '\0';
		parse_fragment(&s, in, n);
	}
	res = buf_err(&s.out) ? "" : arena_strndup(a, s.out.ptr, s.out.len);
	buf_release(&s.out);
	return res;
}
