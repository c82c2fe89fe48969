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
#include <stddef.h>
#include <stdio.h>
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
	unsigned flags;         /* PARSE_SAN_* */
	size_t drop;            /* > 0: inside a dropped element, this deep */
	struct open_el {
		const char *name;       /* as written ("tt" is written "code") */
		enum el_kind kind;
		bool synth;             /* a wrapper PARSE_SAN_REPAIR opened */
		bool drop_empty;        /* removed if it ends up empty */
		size_t at, body;        /* out.len before and after the start
		                           tag */
		unsigned count;         /* table: rows; tr: cells */
	} *open;                /* the open elements we did not drop */
	size_t n_open, cap_open;
};

static bool
name_is(const char *name, const char *want)
{
	return name && strcmp(name, want) == 0;
}

static bool
is_heading(const char *n)
{
	return n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2];
}

/* The nearest open element we wrote (unwrapped ones are not in the
 * output), or NULL. */
static struct open_el *
out_parent(struct san *s)
{
	for (size_t i = s->n_open; i-- > 0;)
		if (s->open[i].kind == EL_ALLOW)
			return &s->open[i];
	return NULL;
}

static struct open_el *
nearest(struct san *s, const char *name)
{
	for (size_t i = s->n_open; i-- > 0;) {
		if (name_is(s->open[i].name, name))
			return &s->open[i];
		if (name_is(s->open[i].name, "table"))
			break;          /* a cell's row or table, not an outer one */
	}
	return NULL;
}

/*
 * PARSE_SAN_REPAIR: which attributes are valid HTML on which element. The
 * presentational ones of HTML 4 (align, border, cellpadding, width on a
 * cell...) go: the site's style sheet lays content out, and they make
 * the page invalid.
 */
static bool
attr_fits(const char *el, const char *at)
{
	static const struct {
		const char *at, *els;   /* els: " a b " where it is valid */
	} only[] = {
		{ "abbr", " th " }, { "scope", " th " },
		{ "headers", " td th " }, { "colspan", " td th " },
		{ "rowspan", " td th " }, { "span", " col colgroup " },
		{ "start", " ol " }, { "reversed", " ol " }, { "type", " ol " },
		{ "value", " li " }, { "cite", " blockquote q del ins " },
		{ "datetime", " time del ins " }, { "hreflang", " a " },
		{ "href", " a " }, { "src", " img " }, { "alt", " img " },
		{ "width", " img " }, { "height", " img " },
	};
	size_t n = strlen(el);

	if (!strcmp(at, "title") || !strcmp(at, "lang") || !strcmp(at, "dir"))
		return true;
	for (size_t i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
		const char *p;

		if (strcmp(at, only[i].at) != 0)
			continue;
		for (p = only[i].els; (p = strstr(p, el)); p += n)
			if (p[-1] == ' ' && p[n] == ' ')
				return true;
		return false;
	}
	return false;           /* align, border, cellpadding, summary, ... */
}

static bool
scope_is_valid(const char *v)
{
	return !strcmp(v, "row") || !strcmp(v, "col") ||
	    !strcmp(v, "rowgroup") || !strcmp(v, "colgroup");
}

static void
put_open(struct san *s, const char *name, const xmlChar **attrs)
{
	bool repair = s->flags & PARSE_SAN_REPAIR, scope = false;

	buf_addc(&s->out, '<');
	buf_adds(&s->out, name);
	for (size_t i = 0; attrs && attrs[i]; i += 2) {
		const char *at = (const char *)attrs[i];
		enum attr_kind k = at_kind(attrs[i]);
		const char *v = attrs[i + 1] ? (const char *)attrs[i + 1] : "";

		if (!k || (repair && !attr_fits(name, at)))
			continue;
		if (repair && !strcmp(at, "scope")) {
			if (scope || !scope_is_valid(v))
				continue;
			scope = true;
		}
		if (k == AT_URL && !(v = url_clean(s->a, v, s->base)))
			continue;
		buf_addc(&s->out, ' ');
		buf_adds(&s->out, at);
		buf_adds(&s->out, "=\"");
		put_escaped(&s->out, v, strlen(v), true);
		buf_addc(&s->out, '"');
	}
	if (repair && name_is(name, "th") && !scope) {
		/* a header cell says what it heads: the first row's (or the
		 * head's) head columns, a later row's first cell its row */
		struct open_el *tr = nearest(s, "tr"), *t = nearest(s, "table");
		bool col = nearest(s, "thead") || !t || t->count <= 1 ||
		    (tr && tr->count > 1);

		buf_adds(&s->out, col ? " scope=\"col\"" : " scope=\"row\"");
	}
	buf_addc(&s->out, '>');
}

static void
put_close(struct san *s, const char *name)
{
	buf_adds(&s->out, "</");
	buf_adds(&s->out, name);
	buf_addc(&s->out, '>');
}

static void
push(struct san *s, const char *name, enum el_kind k, bool synth,
    const xmlChar **attrs)
{
	struct open_el *e, *t;

	ARENA_GROW(s->a, s->open, s->n_open, s->n_open + 1, s->cap_open);
	e = &s->open[s->n_open++];
	*e = (struct open_el){ .name = name, .kind = k, .synth = synth,
	    .at = s->out.len };
	if (k != EL_ALLOW && k != EL_VOID)
		return;
	if (s->flags & PARSE_SAN_REPAIR) {
		/* a link or heading with nothing in it says nothing */
		e->drop_empty = name_is(name, "a") || is_heading(name);
		if (name_is(name, "tr") && (t = nearest(s, "table")))
			t->count++;
		else if ((name_is(name, "td") || name_is(name, "th")) &&
		    (t = nearest(s, "tr")))
			t->count++;
	}
	put_open(s, name, attrs);
	e->body = s->out.len;
}

/* Closes the innermost open element. */
static void
pop(struct san *s)
{
	struct open_el *e = &s->open[--s->n_open];

	if (e->kind != EL_ALLOW)
		return;
	if (e->drop_empty) {
		bool blank = true, any = false;    /* any: white space */

		/* blank: nothing but white space and tags other than <img> */
		for (size_t i = e->body; i < s->out.len && blank; i++) {
			const unsigned char *c = (const unsigned char *)s->out.ptr;
			const char *gt;

			if (c[i] == '<') {
				if (i + 4 < s->out.len && !memcmp(c + i, "<img", 4))
					blank = false;
				else if ((gt = memchr(c + i, '>', s->out.len - i)))
					i = (size_t)(gt - s->out.ptr);
			} else if (c[i] == 0xc2 && i + 1 < s->out.len &&
			    c[i + 1] == 0xa0) {
				i++;    /* a no-break space (U+00A0) is blank too */
				any = true;
			} else {
				blank = str_isspace(c[i]);
				any = true;
			}
		}
		if (blank) {
			s->out.len = e->at;
			if (any)
				buf_addc(&s->out, ' ');
			return;
		}
	}
	put_close(s, e->name);
}

/*
 * PARSE_SAN_REPAIR: the output is valid HTML where outlets' markup is not
 * (html-validate on 3,290 real items). Wrappers the content model needs
 * are opened (a row outside a table body, a cell outside a row, a list
 * inside a list without its item) and closed before anything that does
 * not belong in them; deprecated elements get their modern names, and
 * big goes (returns NULL: unwrap).
 */
static const char *
repair_name(const char *n)
{
	if (!strcmp(n, "tt"))
		return "code";
	if (!strcmp(n, "strike"))
		return "s";
	if (!strcmp(n, "acronym"))
		return "abbr";
	if (!strcmp(n, "big"))
		return NULL;
	if (!strcmp(n, "tfoot"))
		return "tbody";      /* a foot before the body is invalid; in
	                                the source's order it is a body */
	return n;
}

static bool
synth_takes(const char *wrapper, const char *child)
{
	if (!strcmp(wrapper, "tbody"))
		return child && !strcmp(child, "tr");
	if (!strcmp(wrapper, "tr"))
		return child && (!strcmp(child, "td") || !strcmp(child, "th"));
	if (!strcmp(wrapper, "dl"))
		return child && (!strcmp(child, "dt") || !strcmp(child, "dd"));
	if (!strcmp(wrapper, "dd"))
		return !child || (strcmp(child, "dt") != 0 &&
		    strcmp(child, "dd") != 0);
	if (!strcmp(wrapper, "figure"))
		return false;           /* it holds the one caption */
	if (!strcmp(wrapper, "ul"))
		return child && !strcmp(child, "li");
	return !child || strcmp(child, "li") != 0;  /* li */
}

static bool
is_block(const char *n)
{
	static const char blocks[] = " address article aside blockquote "
	    "details dl div figure figcaption footer header hr ol p pre "
	    "section table ul ";
	size_t len = strlen(n);
	const char *p;

	if (is_heading(n))
		return true;
	for (p = blocks; (p = strstr(p, n)); p += len)
		if (p[-1] == ' ' && p[len] == ' ')
			return true;
	return false;
}

/*
 * Rewrites the start tag of open element i, already written: "<p" becomes
 * "<div" (name: the new name, attributes kept), or the whole tag goes
 * (name NULL: the element is unwrapped). Its content is still to come, so
 * only the offsets of it and the elements inside it move.
 */
static void
retag(struct san *s, size_t i, const char *name)
{
	struct open_el *e = &s->open[i];
	size_t from = e->at + 1, old = strlen(e->name), new = 0;
	ptrdiff_t d;

	if (!name) {
		from = e->at;
		old = e->body - e->at;
	} else {
		new = strlen(name);
	}
	d = (ptrdiff_t)new - (ptrdiff_t)old;
	if (d > 0 && (buf_add(&s->out, "    ", (size_t)d), buf_err(&s->out)))
		return;
	memmove(s->out.ptr + from + new, s->out.ptr + from + old,
	    s->out.len - (d > 0 ? (size_t)d : 0) - (from + old));
	if (d < 0)
		s->out.len -= (size_t)-d;
	if (name) {
		memcpy(s->out.ptr + from, name, new);
		e->name = name;
	} else {
		e->kind = EL_UNWRAP;
	}
	e->body = (size_t)((ptrdiff_t)e->body + d);
	for (size_t j = i + 1; j < s->n_open; j++) {
		s->open[j].at = (size_t)((ptrdiff_t)s->open[j].at + d);
		s->open[j].body = (size_t)((ptrdiff_t)s->open[j].body + d);
	}
}

/*
 * A block where the parser left phrasing content open (a heading in a
 * link in a paragraph, a div in a span): a paragraph or span around it
 * becomes a <div>, other phrasing around it (b, em, code...) goes, as
 * blocks may not be in them; links are transparent and stay. Up to the
 * nearest element that takes blocks.
 */
static void
repair_block_in_phrasing(struct san *s)
{
	for (size_t i = s->n_open; i-- > 0;) {
		struct open_el *e = &s->open[i];

		if (e->kind != EL_ALLOW || name_is(e->name, "a"))
			continue;
		if (name_is(e->name, "p") || name_is(e->name, "span"))
			retag(s, i, "div");
		else if (is_block(e->name) || is_heading(e->name) ||
		    name_is(e->name, "li") || name_is(e->name, "td") ||
		    name_is(e->name, "th") || name_is(e->name, "dd") ||
		    name_is(e->name, "dt") || name_is(e->name, "caption") ||
		    name_is(e->name, "details") || name_is(e->name, "summary") ||
		    name_is(e->name, "ins") || name_is(e->name, "del"))
			return;
		else
			retag(s, i, NULL);
	}
}

/* Before child (an element name, or NULL for text) is written. */
static void
repair_before(struct san *s, const char *child)
{
	struct open_el *p;
	const char *pn;

	while (s->n_open && s->open[s->n_open - 1].synth &&
	    !synth_takes(s->open[s->n_open - 1].name, child))
		pop(s);
	if (child && is_block(child))
		repair_block_in_phrasing(s);
	p = out_parent(s);
	pn = p ? p->name : "";      /* the fragment's top takes flow content */
	if (!child) {
		if (name_is(pn, "ul") || name_is(pn, "ol"))
			push(s, "li", EL_ALLOW, true, NULL);
		else if (name_is(pn, "dl"))
			push(s, "dd", EL_ALLOW, true, NULL);
		return;
	}
	if (name_is(pn, "dl") && strcmp(child, "dt") != 0 &&
	    strcmp(child, "dd") != 0 && strcmp(child, "div") != 0) {
		push(s, "dd", EL_ALLOW, true, NULL);
		return;
	}
	if (name_is(pn, "ul") || name_is(pn, "ol")) {
		if (strcmp(child, "li") != 0)
			push(s, "li", EL_ALLOW, true, NULL);
		return;
	}
	if ((!strcmp(child, "dt") || !strcmp(child, "dd")) &&
	    !name_is(pn, "dl") && !(name_is(pn, "div") && p > s->open &&
	    name_is(p[-1].name, "dl"))) {
		push(s, "dl", EL_ALLOW, true, NULL);
	} else if (!strcmp(child, "figcaption") && !name_is(pn, "figure")) {
		push(s, "figure", EL_ALLOW, true, NULL);
	} else if (!strcmp(child, "li") && !name_is(pn, "ul") &&
	    !name_is(pn, "ol") && !name_is(pn, "menu")) {
		push(s, "ul", EL_ALLOW, true, NULL);
	} else if (!strcmp(child, "tr") && name_is(pn, "table")) {
		push(s, "tbody", EL_ALLOW, true, NULL);
	} else if (!strcmp(child, "td") || !strcmp(child, "th")) {
		if (name_is(pn, "table"))
			push(s, "tbody", EL_ALLOW, true, NULL);
		if (name_is(pn, "table") || name_is(pn, "tbody") ||
		    name_is(pn, "thead") || name_is(pn, "tfoot"))
			push(s, "tr", EL_ALLOW, true, NULL);
	}
}

/* Text, escaped; with PARSE_SAN_REPAIR no blanks end a line (they
 * show nowhere, not even in <pre>) and text directly in a list gets its
 * item. */
static void
put_text(struct san *s, const char *p, size_t len)
{
	const char *nl;

	if (!(s->flags & PARSE_SAN_REPAIR)) {
		put_escaped(&s->out, p, len, false);
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (!str_isspace((unsigned char)p[i])) {
			repair_before(s, NULL);
			break;
		}
	while (len && (nl = memchr(p, '\n', len))) {
		put_escaped(&s->out, p, (size_t)(nl - p), false);
		while (s->out.len && (s->out.ptr[s->out.len - 1] == ' ' ||
		    s->out.ptr[s->out.len - 1] == '\t'))
			s->out.len--;
		buf_addc(&s->out, '\n');
		len -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	put_escaped(&s->out, p, len, false);
}

/*
 * SAX callbacks. libxml2's HTML parser reports a balanced sequence: it
 * closes implied and unclosed elements itself, so an end event always
 * belongs to the latest start event. Hence a counter is enough inside a
 * dropped element, and we close from our own stack (names we wrote), so
 * our output stays balanced even if the parser's were not. Deeper than
 * SANITIZE_MAX_DEPTH everything is dropped, which bounds the stack.
 */
/* A heading takes phrasing content only: a div, paragraph or section in
 * one (a heading laid out with boxes) is unwrapped, its content kept. */
static bool
in_heading_unwraps(struct san *s, const char *child)
{
	static const char *const generic[] = { "div", "p", "section", "article",
	    "header", "footer", "aside", "address", "figure", "blockquote",
	    "h1", "h2", "h3", "h4", "h5", "h6" };
	size_t i;

	for (i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		if (!strcmp(child, generic[i]))
			break;
	if (i == sizeof(generic) / sizeof(generic[0]))
		return false;
	for (i = s->n_open; i-- > 0;)
		if (s->open[i].kind == EL_ALLOW && is_heading(s->open[i].name))
			return true;
	return false;
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar **attrs)
{
	struct san *s = ((htmlParserCtxtPtr)ctx)->_private;
	const char *nm = (const char *)name;
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
	if ((s->flags & PARSE_SAN_NO_IMAGES) && k == EL_VOID &&
	    name_is(nm, "img"))
		k = EL_VOID_DROP;
	if ((s->flags & PARSE_SAN_REPAIR) && (k == EL_ALLOW || k == EL_VOID)) {
		if (!(nm = repair_name(nm)) || in_heading_unwraps(s, nm)) {
			nm = (const char *)name;
			k = EL_UNWRAP;
		} else {
			repair_before(s, nm);
		}
	}
	push(s, nm, k, false, attrs);
}

static void
on_end(void *ctx, const xmlChar *name)
{
	struct san *s = ((htmlParserCtxtPtr)ctx)->_private;

	if (s->drop) {
		s->drop--;
		return;
	}
	/* the parser's events are balanced: this ends the innermost element
	 * it started, inside any wrappers we opened */
	while (s->n_open && s->open[s->n_open - 1].synth)
		pop(s);
	if (s->n_open)
		pop(s);
}

/* True when t holds a C1 control (U+0080-U+009F). */
static bool
has_c1(const char *t, size_t len)
{
	for (const char *q = t, *end = t + len;
	    (q = memchr(q, 0xc2, (size_t)(end - q))); q++)
		if (q + 1 < end && (unsigned char)q[1] >= 0x80 &&
		    (unsigned char)q[1] <= 0x9f)
			return true;
	return false;
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct san *s = ((htmlParserCtxtPtr)ctx)->_private;
	const char *t = (const char *)ch;

	if (s->drop || len <= 0)
		return;
	/* A C1 control here comes from a character reference (the decoder
	 * maps raw bytes already): "&#150;" means windows-1252's dash, as
	 * browsers and feedparser read it. */
	if (has_c1(t, (size_t)len)) {
		struct buf b = BUF_INIT(BUF_NOCAP);

		for (int i = 0; i < len; i++) {
			unsigned char c = (unsigned char)t[i];

			if (c == 0xc2 && i + 1 < len &&
			    (unsigned char)t[i + 1] >= 0x80 &&
			    (unsigned char)t[i + 1] <= 0x9f)
				buf_add_utf8(&b, parse_cp1252_char(
				    (unsigned char)t[++i]));
			else
				buf_addc(&b, (char)c);
		}
		if (buf_err(&b) == 0)
			put_text(s, b.ptr, b.len);
		buf_release(&b);
		return;
	}
	put_text(s, t, (size_t)len);
}

/*
 * Numeric character references, as HTML reads them (the "numeric
 * character reference" states of HTML 5, 13.2.5.72-80) and as the
 * Universal Feed Parser's output reads, where libxml2 differs:
 * - "&#" or "&#x" without a digit is no reference: the text stays as
 *   written ("&# 1", "&#x;"); libxml2 drops the "&#x".
 * - a reference to no character (0, a surrogate, past U+10FFFF), with or
 *   without its ';', is U+FFFD; libxml2 drops it.
 * - a C1 reference (&#128; to &#159;) is the windows-1252 character, in
 *   attributes too (the text already gets it in on_text).
 * - the ';' may be missing ("&#65 x", "&#x41g", "&#65" at the end): the
 *   digits end the reference, in text and in attributes, as libxml2 and
 *   HTML read it; feedparser keeps the characters, which is the same
 *   HTML. One exception, feedparser's: a hexadecimal reference without
 *   its ';' inside an attribute value stays text ("?q=&#x41 y"), where
 *   its SGML parser knows only decimal ones.
 * Returns what to write for the reference at p[0] == '&' (in out, at most
 * 16 bytes), and its length in *out_n; 0 when it is fine as written.
 */
static size_t
num_ref_fix(const char *p, const char *end, bool in_attr, char *out,
    size_t *out_n)
{
	const char *q = p + 2, *d0;
	bool is_hex = false, is_big = false, has_semi;
	uint32_t cp = 0;

	if (end - p < 2 || p[1] != '#')
		return 0;
	if (q < end && (*q == 'x' || *q == 'X')) {
		is_hex = true;
		q++;
	}
	for (d0 = q; q < end; q++) {
		int d;

		if (*q >= '0' && *q <= '9')
			d = *q - '0';
		else if (is_hex && *q >= 'a' && *q <= 'f')
			d = *q - 'a' + 10;
		else if (is_hex && *q >= 'A' && *q <= 'F')
			d = *q - 'A' + 10;
		else
			break;
		if (cp > 0x10ffff)
			is_big = true;
		else
			cp = cp * (is_hex ? 16 : 10) + (uint32_t)d;
	}
	if (q == d0 || (is_hex && in_attr && (q >= end || *q != ';'))) {
		*out_n = 1;             /* the '&' alone: the rest is text */
		memcpy(out, "&amp;", 6);
		return 5;
	}
	has_semi = q < end && *q == ';';
	*out_n = (size_t)(q + has_semi - p);
	if (is_big || cp == 0 || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	else if (cp >= 0x80 && cp <= 0x9f)
		cp = parse_cp1252_char(cp);
	else if (has_semi)
		return 0;
	return (size_t)snprintf(out, 16, "&#x%X;", (unsigned)cp);
}

/* html with numeric references rewritten as num_ref_fix says, or NULL
 * when none needs it. Attribute values are told from text by following
 * tags and their quotes, as far as a reference's reading needs it. */
static const char *
fix_num_refs(struct arena *a, const char *html, size_t len, size_t *out_len)
{
	const char *end = html + len, *q = html, *run = html;
	struct buf b = BUF_INIT(BUF_NOCAP);
	const char *res = NULL;
	bool in_tag = false;
	char quote = 0;
	char rep[16];
	size_t n, rn;

	if (!memmem(html, len, "&#", 2))
		return NULL;
	for (; q < end; q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
		} else if (in_tag) {
			if (*q == '"' || *q == '\'')
				quote = *q;
			else if (*q == '>')
				in_tag = false;
		} else if (*q == '<' && q + 1 < end &&
		    (((q[1] | 0x20) >= 'a' && (q[1] | 0x20) <= 'z') ||
		    q[1] == '/' || q[1] == '!' || q[1] == '?')) {
			in_tag = true;
		}
		if (*q != '&' || !(rn = num_ref_fix(q, end, in_tag, rep, &n)))
			continue;
		buf_add(&b, run, (size_t)(q - run));
		buf_add(&b, rep, rn);
		q += n - 1;
		run = q + 1;
	}
	if (run != html) {
		buf_add(&b, run, (size_t)(end - run));
		if (buf_err(&b) == 0) {
			res = arena_strndup(a, b.ptr, b.len);
			*out_len = b.len;
		}
	}
	buf_release(&b);
	return res;
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
	return parse_sanitize_html_opts(a, html, len, base, 0);
}

const char *
parse_sanitize_html_opts(struct arena *a, const char *html, size_t len,
    const char *base, unsigned flags)
{
	struct san s = { .a = a, .out = BUF_INIT(BUF_NOCAP), .flags = flags };
	const char *res;
	char *in;
	size_t n;

	if (!html || !len)
		return arena_strdup(a, "");
	/* No markup and no references: already safe as HTML text ('>' and
	 * quotes are harmless outside a tag). */
	if (!memchr(html, '<', len) && !memchr(html, '&', len) &&
	    !(flags & PARSE_SAN_REPAIR))
		return arena_strndup(a, html, len);
	if (len <= SANITIZE_MAX_IN) {
		size_t fixed_len = 0;
		const char *fixed = fix_num_refs(a, html, len, &fixed_len);

		if (fixed) {
			html = fixed;
			len = fixed_len;
		}
	}
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
	if (flags & PARSE_SAN_REPAIR)
		while (s.out.len && str_isspace((unsigned char)s.out.ptr[s.out.len - 1]))
			s.out.len--;
	res = buf_err(&s.out) ? "" : arena_strndup(a, s.out.ptr, s.out.len);
	buf_release(&s.out);
	return res;
}
