/*
 * feed_text: text out of the DOM. Plain values (links, names, dates) are
 * the element's text; text constructs (title, summary, content, rights...)
 * also get a MIME type, the xml:lang and xml:base in effect, and a value
 * that is plain text for text/plain and HTML for the markup types.
 *
 * How a value is found, in the order feedparser established and the
 * contract follows: base64 (Atom 0.3 mode="base64", or a non-text, non-XML
 * MIME type) is decoded; inline child elements are serialized as HTML (the
 * type becomes application/xhtml+xml, except for a lone wrapping <div>
 * around escaped markup, which is unwrapped); for Atom 1.0 type="xhtml" the
 * wrapping div is dropped; otherwise the text is taken as it is (escaped
 * markup was unescaped once by the XML parser, CDATA is kept as is).
 * HTML values are sanitized with their relative URLs resolved.
 */
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "parse/feed_int.h"
#include "parse/parse.h"
#include "parse/parse_int.h"
#include "core/banned.h"

/* The text and CDATA children of el appended to b. Text inside child
 * elements is not the element's value (<category>News<image>...</image>
 * </category> is the category "News"), as feedparser has it. */
static void
gather(struct buf *b, const xmlNode *el)
{
	for (const xmlNode *c = el->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) &&
		    c->content)
			buf_adds(b, (const char *)c->content);
}

/* C1 controls from character references (&#150;) are windows-1252
 * characters in practice, as the decoder already does for raw bytes. */
static bool
has_c1(const char *s, size_t len)
{
	const char *q = s, *end = s + len;

	while (q < end && (q = memchr(q, 0xc2, (size_t)(end - q)))) {
		if (q + 1 < end && (unsigned char)q[1] >= 0x80 &&
		    (unsigned char)q[1] <= 0x9f)
			return true;
		q++;
	}
	return false;
}

static const char *
fix_c1(struct feed_parser *p, const char *s, size_t len, size_t *out_len)
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	const char *res;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			buf_add_utf8(&b,
				     parse_cp1252_char((unsigned char)s[i + 1]));
			i++;
		} else {
			buf_addc(&b, (char)c);
		}
	}
	res = arena_strndup(p->a, b.ptr, b.len);
	*out_len = b.len;
	buf_release(&b);
	return res;
}

static bool
has_high(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Length of the Unicode space (no-break space, ideographic space, ...) at
 * s, or 0. Values are trimmed of these too, as feedparser's str.strip()
 * does: a title ending in &nbsp; ends before it. */
static size_t
uspace_at(const unsigned char *s, size_t left)
{
	if (left >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (left >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;
	if (left >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 ||
	     s[2] == 0xaf))
		return 3;
	if (left >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;
	if (left >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

static struct str
trim_unicode(struct str t)
{
	const unsigned char *s = (const unsigned char *)t.p;
	size_t k;

	for (;;) {
		if ((k = uspace_at(s, t.len))) {
			s += k;
			t.len -= k;
		} else if (t.len && str_isspace(*s)) {
			s++;
			t.len--;
		} else {
			break;
		}
	}
	t.p = (const char *)s;
	for (;;) {
		if (t.len >= 2 && uspace_at(s + t.len - 2, 2) == 2)
			t.len -= 2;
		else if (t.len >= 3 && uspace_at(s + t.len - 3, 3) == 3)
			t.len -= 3;
		else if (t.len && str_isspace(s[t.len - 1]))
			t.len--;
		else
			break;
	}
	return t;
}

/* The final form of a value: trimmed, C1 mapped, double UTF-8 undone, in
 * the arena. */
static const char *
finish(struct feed_parser *p, const char *s, size_t len)
{
	struct str t = str_trim(str_make(s, len));
	const char *r;
	size_t n;

	if (!has_high(t.p, t.len))
		return arena_strndup(p->a, t.p, t.len);
	t = trim_unicode(t);
	if (has_c1(t.p, t.len)) {
		r = fix_c1(p, t.p, t.len, &n);
	} else {
		r = arena_strndup(p->a, t.p, t.len);
		n = t.len;
	}
	if (p->is_utf8)
		r = parse_utf8_undouble(p->a, r, n, &n);
	return r;
}

const char *
feed_node_text(struct feed_parser *p, const xmlNode *el)
{
	const xmlNode *c = el->children;

	/* the common case: one text node */
	if (!c)
		return "";
	if (!c->next &&
	    (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
	    c->content)
		return finish(p, (const char *)c->content,
			      strlen((const char *)c->content));
	buf_reset(&p->tmp);
	gather(&p->tmp, el);
	return finish(p, p->tmp.ptr, p->tmp.len);
}

/* --- serializing inline markup --- */

static void
esc(struct buf *b, const char *s, bool is_attr)
{
	buf_add_escaped(b, s, strlen(s), is_attr ? BUF_ESC_ATTR : BUF_ESC_TEXT);
}

static bool
is_void(const char *name)
{
	static const char *const voids[] = {
	    "area",  "base", "br",   "col",   "embed",	"hr",	 "img",
	    "input", "link", "meta", "param", "source", "track", "wbr"};

	for (size_t i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
		if (str_casecmp(name, voids[i]) == 0)
			return true;
	return false;
}

static void serialize_children(struct buf *b, const xmlNode *el, int depth);

static void
serialize(struct buf *b, const xmlNode *n, int depth)
{
	const char *name = (const char *)n->name;

	buf_addc(b, '<');
	buf_adds(b, name);
	for (const xmlAttr *at = n->properties; at; at = at->next) {
		buf_addc(b, ' ');
		if (at->ns && at->ns->prefix) {
			buf_adds(b, (const char *)at->ns->prefix);
			buf_addc(b, ':');
		}
		buf_adds(b, (const char *)at->name);
		buf_adds(b, "=\"");
		for (const xmlNode *v = at->children; v; v = v->next)
			if (v->content)
				esc(b, (const char *)v->content, true);
		buf_addc(b, '"');
	}
	if (!n->children && is_void(name)) {
		buf_adds(b, " />");
		return;
	}
	buf_addc(b, '>');
	if (depth < FEED_MAX_DEPTH)
		serialize_children(b, n, depth + 1);
	buf_adds(b, "</");
	buf_adds(b, name);
	buf_addc(b, '>');
}

static void
serialize_children(struct buf *b, const xmlNode *el, int depth)
{
	for (const xmlNode *c = el->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				esc(b, (const char *)c->content, false);
		} else if (c->type == XML_ELEMENT_NODE) {
			serialize(b, c, depth);
		}
	}
}

bool
feed_has_element_child(const xmlNode *el)
{
	for (const xmlNode *c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

static bool
is_blank(const xmlNode *t)
{
	const char *s = (const char *)t->content;

	if (!s)
		return true;
	for (; *s; s++)
		if (!str_isspace((unsigned char)*s))
			return false;
	return true;
}

/* The only child element when el holds exactly one element named div and
 * otherwise only whitespace, else NULL. */
static const xmlNode *
lone_div(const xmlNode *el)
{
	const xmlNode *div = NULL;

	for (const xmlNode *c = el->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (div || strcmp((const char *)c->name, "div") != 0)
				return NULL;
			div = c;
		} else if ((c->type == XML_TEXT_NODE ||
			    c->type == XML_CDATA_SECTION_NODE) &&
			   !is_blank(c)) {
			return NULL;
		}
	}
	return div;
}

/* --- base64 --- */

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes base64 text; NULL when it is not base64 or not UTF-8 text. */
static const char *
b64_decode(struct feed_parser *p, const char *s)
{
	size_t len = strlen(s), n = 0;
	char *out = arena_alloc(p->a, len / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0;

	for (; *s; s++) {
		int v;

		if (str_isspace((unsigned char)*s))
			continue;
		if (*s == '=')
			break;
		if ((v = b64val((unsigned char)*s)) < 0)
			return NULL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	if (!parse_utf8_is_valid(out, n) || memchr(out, '\0', n))
		return NULL;
	return out;
}

/* --- HTML guessing --- */

static bool
acceptable_tag(const char *name, size_t n)
{
	static const char *const tags[] = {"a",		 "abbr",
					   "acronym",	 "address",
					   "area",	 "article",
					   "aside",	 "audio",
					   "b",		 "big",
					   "blockquote", "br",
					   "button",	 "canvas",
					   "caption",	 "center",
					   "cite",	 "code",
					   "col",	 "colgroup",
					   "command",	 "datagrid",
					   "datalist",	 "dd",
					   "del",	 "details",
					   "dfn",	 "dialog",
					   "dir",	 "div",
					   "dl",	 "dt",
					   "em",	 "event-source",
					   "fieldset",	 "figcaption",
					   "figure",	 "font",
					   "footer",	 "form",
					   "h1",	 "h2",
					   "h3",	 "h4",
					   "h5",	 "h6",
					   "header",	 "hr",
					   "i",		 "img",
					   "input",	 "ins",
					   "kbd",	 "keygen",
					   "label",	 "legend",
					   "li",	 "m",
					   "map",	 "menu",
					   "meter",	 "multicol",
					   "nav",	 "nextid",
					   "noscript",	 "ol",
					   "optgroup",	 "option",
					   "output",	 "p",
					   "pre",	 "progress",
					   "q",		 "s",
					   "samp",	 "section",
					   "select",	 "small",
					   "sound",	 "source",
					   "spacer",	 "span",
					   "strike",	 "strong",
					   "sub",	 "sup",
					   "table",	 "tbody",
					   "td",	 "textarea",
					   "tfoot",	 "th",
					   "thead",	 "time",
					   "tr",	 "tt",
					   "u",		 "ul",
					   "var",	 "video"};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i]) == n && str_ncasecmp(name, tags[i], n) == 0)
			return true;
	return false;
}

static bool
is_word(int c)
{
	return str_isalnum(c) || c == '_';
}

bool
feed_looks_like_html(const char *s)
{
	bool cue = false;

	/* a close tag or an entity reference is needed, and every tag must be
	 * an ordinary HTML one and every entity an HTML one */
	for (const char *q = s; (q = strpbrk(q, "<&")); q++) {
		const char *w = q + 1;
		size_t n;

		if (*q == '<') {
			bool is_close = *w == '/';

			if (is_close)
				w++;
			for (n = 0; is_word((unsigned char)w[n]); n++)
				;
			if (!n)
				continue;
			if (!acceptable_tag(w, n))
				return false;
			if (is_close && w[n] == '>')
				cue = true;
		} else {
			bool is_num = *w == '#';

			if (is_num)
				w++;
			for (n = 0; is_word((unsigned char)w[n]); n++)
				;
			if (!n || w[n] != ';')
				continue;
			cue = true;
			if (is_num)
				continue;
			if (!feed_html_entity(w, n) &&
			    !(n == 4 && memcmp(w, "apos", 4) == 0))
				return false;
		}
	}
	return cue;
}

/* --- text constructs --- */

static const char *
map_type(const char *t)
{
	if (str_casecmp(t, "text") == 0 || str_casecmp(t, "plain") == 0)
		return "text/plain";
	if (str_casecmp(t, "html") == 0)
		return "text/html";
	if (str_casecmp(t, "xhtml") == 0)
		return "application/xhtml+xml";
	return t;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && str_casecmp(s + n - m, suffix) == 0;
}

static bool
is_html_type(const char *t)
{
	return str_casecmp(t, "text/html") == 0 ||
	       str_casecmp(t, "application/xhtml+xml") == 0;
}

const char *
feed_html_clean(struct feed_parser *p, const char *html, size_t len,
		const char *base)
{
	if (p->opts->no_sanitize)
		return html;
	return parse_sanitize_html(p->a, html, len, base);
}

static const char *
attr(const xmlNode *el, const char *name)
{
	for (const xmlAttr *at = el->properties; at; at = at->next) {
		if (!at->ns && str_casecmp((const char *)at->name, name) == 0) {
			const xmlNode *v = at->children;
			return v && v->content ? (const char *)v->content : "";
		}
	}
	return NULL;
}

void
feed_text_read(struct feed_parser *p, struct feed_text *out, const xmlNode *el,
	       const struct feed_scope *sc, const char *deftype)
{
	const char *type = attr(el, "type"), *mode = attr(el, "mode");
	const char *value = NULL;
	bool is_b64;

	if (type) {
		char *t = arena_strdup(p->a, str_trim(str_of(type)).p);

		/* MIME types compare without case (feedparser lowers them) */
		for (char *q = t; *q; q++)
			*q = (char)str_tolower((unsigned char)*q);
		t[str_trim(str_of(t)).len] = '\0';
		type = map_type(t);
	} else {
		type = deftype;
	}
	is_b64 = (mode && strcmp(mode, "base64") == 0) ||
		 !(str_istarts_with(str_of(type), "text/") ||
		   ends_with(type, "+xml") || ends_with(type, "/xml"));

	if (is_b64) {
		const char *raw = feed_node_text(p, el);
		value = b64_decode(p, raw);
		if (!value)
			value = raw;
	} else if (feed_has_element_child(el)) {
		const xmlNode *div = lone_div(el);

		if (div && !ends_with(type, "xml") && !feed_has_element_child(div)) {
			/* <content type="html"><div>escaped markup</div> */
			value = feed_node_text(p, div);
		} else {
			const xmlNode *from = el;

			/* markup in an element that said it holds escaped HTML
			 * or text is XHTML after all; a wrapping div there is
			 * dropped (TypePad writes them), as is Atom 1.0's xhtml
			 * div */
			if (!ends_with(type, "xml")) {
				type = "application/xhtml+xml";
				if (div)
					from = div;
			}
			if (p->is_atom10 && div &&
			    strcmp(type, "application/xhtml+xml") == 0)
				from = div;
			buf_reset(&p->tmp);
			serialize_children(&p->tmp, from, 0);
			value = finish(p, p->tmp.ptr, p->tmp.len);
		}
	} else {
		value = feed_node_text(p, el);
	}

	if (!p->is_atom && strcmp(type, "text/plain") == 0 &&
	    feed_looks_like_html(value))
		type = "text/html";
	if (is_html_type(type) && *value)
		value = feed_html_clean(p, value, strlen(value), sc->base);

	out->value = value;
	out->type = type;
	out->base = sc->base;
	out->language = sc->lang;
}
