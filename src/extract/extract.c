/*
 * extract: decoding, the HTML parse, the scoring walk and the text writer.
 *
 * One decision shapes this file: everything is done in two iterative walks
 * over libxml2's tree (no recursion, so a page of 100k nested elements costs
 * what a flat one does). The first walk drops what is never content
 * (scripts, navigation, forms, elements whose class or id says "sidebar" or
 * "comment"), sums text and link text bottom-up and gives every block with
 * enough text of its own a score, which its three nearest ancestors share
 * (the Readability idea). The best ancestor, corrected for link density,
 * is the article; siblings that look like it join it. The second walk
 * writes the text of what was chosen, leaving out link lists, short
 * fragments and what the class/id hints call boilerplate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "extract/extract.h"
#include "extract/extract_int.h"
#include "parse/parse.h"
#include "core/banned.h"

/* ---- tags ---------------------------------------------------------------- */

enum tag {
	T_OTHER = 0,
	T_A, T_ADDRESS, T_ARTICLE, T_ASIDE, T_AUDIO, T_B, T_BLOCKQUOTE,
	T_BODY, T_BR, T_BUTTON, T_CANVAS, T_CAPTION, T_CENTER, T_CODE, T_DD,
	T_DETAILS, T_DIALOG, T_DIV, T_DL, T_DT, T_EM, T_EMBED, T_FIELDSET,
	T_FIGCAPTION, T_FIGURE, T_FONT, T_FOOTER, T_FORM, T_H1, T_H2, T_H3,
	T_H4, T_H5, T_H6, T_HEAD, T_HEADER, T_HR, T_HTML, T_I, T_IFRAME, T_IMG,
	T_INPUT, T_LABEL, T_LI, T_LINK, T_MAIN, T_MAP, T_MENU, T_META, T_NAV,
	T_NOSCRIPT, T_OBJECT, T_OL, T_OPTION, T_P, T_PICTURE, T_PRE, T_Q, T_S,
	T_SCRIPT, T_SECTION, T_SELECT, T_SMALL, T_SOURCE, T_SPAN, T_STRONG,
	T_STYLE, T_SUB, T_SUP, T_SVG, T_TABLE, T_TBODY, T_TD, T_TEMPLATE,
	T_TEXTAREA, T_TFOOT, T_TH, T_THEAD, T_TIME, T_TITLE, T_TR, T_U, T_UL,
	T_VIDEO, T_ABBR, T_CITE, T_MARK, T_DEL, T_INS, T_KBD, T_TT, T_BIG,
	T_WBR,
	T__COUNT
};

static const struct {
	const char *name;
	enum tag tag;
} tag_names[] = {
	/* sorted by name for bsearch */
	{"a", T_A}, {"abbr", T_ABBR}, {"address", T_ADDRESS},
	{"article", T_ARTICLE}, {"aside", T_ASIDE}, {"audio", T_AUDIO},
	{"b", T_B}, {"big", T_BIG}, {"blockquote", T_BLOCKQUOTE},
	{"body", T_BODY}, {"br", T_BR}, {"button", T_BUTTON},
	{"canvas", T_CANVAS}, {"caption", T_CAPTION}, {"center", T_CENTER},
	{"cite", T_CITE}, {"code", T_CODE}, {"dd", T_DD}, {"del", T_DEL},
	{"details", T_DETAILS}, {"dialog", T_DIALOG}, {"div", T_DIV},
	{"dl", T_DL}, {"dt", T_DT}, {"em", T_EM}, {"embed", T_EMBED},
	{"fieldset", T_FIELDSET}, {"figcaption", T_FIGCAPTION},
	{"figure", T_FIGURE}, {"font", T_FONT}, {"footer", T_FOOTER},
	{"form", T_FORM}, {"h1", T_H1}, {"h2", T_H2}, {"h3", T_H3},
	{"h4", T_H4}, {"h5", T_H5}, {"h6", T_H6}, {"head", T_HEAD},
	{"header", T_HEADER}, {"hr", T_HR}, {"html", T_HTML}, {"i", T_I},
	{"iframe", T_IFRAME}, {"img", T_IMG}, {"input", T_INPUT},
	{"ins", T_INS}, {"kbd", T_KBD}, {"label", T_LABEL}, {"li", T_LI},
	{"link", T_LINK}, {"main", T_MAIN}, {"map", T_MAP}, {"mark", T_MARK},
	{"menu", T_MENU}, {"meta", T_META}, {"nav", T_NAV},
	{"noscript", T_NOSCRIPT}, {"object", T_OBJECT}, {"ol", T_OL},
	{"option", T_OPTION}, {"p", T_P}, {"picture", T_PICTURE},
	{"pre", T_PRE}, {"q", T_Q}, {"s", T_S}, {"script", T_SCRIPT},
	{"section", T_SECTION}, {"select", T_SELECT}, {"small", T_SMALL},
	{"source", T_SOURCE}, {"span", T_SPAN}, {"strong", T_STRONG},
	{"style", T_STYLE}, {"sub", T_SUB}, {"sup", T_SUP}, {"svg", T_SVG},
	{"table", T_TABLE}, {"tbody", T_TBODY}, {"td", T_TD},
	{"template", T_TEMPLATE}, {"textarea", T_TEXTAREA},
	{"tfoot", T_TFOOT}, {"th", T_TH}, {"thead", T_THEAD},
	{"time", T_TIME}, {"title", T_TITLE}, {"tr", T_TR}, {"tt", T_TT},
	{"u", T_U}, {"ul", T_UL}, {"video", T_VIDEO}, {"wbr", T_WBR},
};

static int
tag_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

static enum tag
tag_of(const xmlChar *name)
{
	const void *hit;

	if (!name)
		return T_OTHER;
	hit = bsearch(name, tag_names, sizeof(tag_names) / sizeof(tag_names[0]),
	    sizeof(tag_names[0]), tag_cmp);
	return hit ? ((const __typeof__(tag_names[0]) *)hit)->tag : T_OTHER;
}

/* Elements whose text runs on with their neighbours'. Everything else
 * breaks the line. */
static bool
is_inline(enum tag t)
{
	switch (t) {
	case T_A: case T_ABBR: case T_B: case T_BIG: case T_CITE: case T_CODE:
	case T_DEL: case T_EM: case T_FONT: case T_I: case T_INS: case T_KBD:
	case T_LABEL: case T_MARK: case T_Q: case T_S: case T_SMALL:
	case T_SPAN: case T_STRONG: case T_SUB: case T_SUP: case T_TIME:
	case T_TT: case T_U: case T_IMG: case T_PICTURE: case T_WBR:
	case T_OTHER:
		return true;
	default:
		return false;
	}
}

/* Never content, whatever the page says about them. */
static bool
is_dropped_tag(enum tag t)
{
	switch (t) {
	case T_SCRIPT: case T_STYLE: case T_TEMPLATE:
	case T_SVG: case T_IFRAME: case T_BUTTON: case T_SELECT:
	case T_TEXTAREA: case T_INPUT: case T_OBJECT: case T_EMBED: case T_CANVAS:
	case T_AUDIO: case T_VIDEO: case T_MAP: case T_DIALOG:
	case T_TITLE: case T_META: case T_LINK: case T_OPTION: case T_MENU:
	case T_FIELDSET: case T_SOURCE:
		return true;
	default:
		return false;
	}
}

/* ---- class and id hints -------------------------------------------------- */

/* Words in class or id that mark what is not the article. A hint that also
 * matches a positive word ("article-sidebar" vs "main-content") is weighed
 * by the score, not dropped. */
/* Reader comments: junk unless they are most of the page. */
static const char *const neg_comments[] = {
	"comment", "disqus", "replies", "kommentar", "respond", "discussion",
};
static const char *const neg_strong[] = {
	"comment", "sidebar", "side-bar", "share", "social", "related",
	"newsletter", "cookie", "consent", "gdpr", "popup", "modal",
	"breadcrumb", "pagination", "pager", "disqus", "outbrain", "taboola",
	"recommend", "skip-link", "skiplink", "author-bio", "byline",
	"dateline", "toolbar", "tagcloud", "rating", "more-stories",
	"most-read", "most-popular", "trending", "read-more", "readmore",
	"paywall", "caption", "credit", "timestamp", "post-date",
	"entry-date", "navig", "crumb", "shoutbox", "combx", "replies",
	"sharing", "follow-us", "kommentar", "werbung", "anzeige", "teilen",
	"subscribe", "signup", "sign-up", "newsletter", "print-only",
	"login", "footer", "navbar", "menu", "masthead",
};
/* Weak hints: junk when the element is not a large part of the page
 * (a page wrapper called "has-advert-rail" is not an advert). */
static const char *const neg_weak[] = {
	"promo", "sponsor", "advert", "banner", "jump",
	"meta", "tags", "overlay", "community", "remark", "rss",
	"skyscraper", "supplement", "ad-slot", "adslot", "ad-container",
	"ad-wrapper", "ads-", "-ads", "dfp", "googlead", "header", "rail",
	"published", "aside",
};
static const char *const pos_words[] = {
	"article", "content", "entry", "post", "story", "text", "body",
	"main", "blog", "artikel", "inhalt", "hentry", "page",
};
/* The standfirst: a summary set apart from the body, often above it. */
static const char *const lead_words[] = {
	"intro", "lead", "teaser", "abstract", "perex", "standfirst",
	"summary", "excerpt",
};
/* Only these make a block that matched a negative word stay. */
static const char *const strong_pos[] = {
	"article-body", "articlebody", "article-content", "article__body",
	"entry-content", "post-content", "post-body", "story-body",
	"article-text", "articletext", "story-content", "post-entry",
	"main-content", "maincontent", "article_body", "content-body",
	"body-text", "bodytext", "entry-body", "postbody", "textbody",
	"article-main", "story__body", "content__body", "rich-text", "prose",
};

static bool
any_in(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(s, words[i]))
			return true;
	return false;
}

#define COUNT(x) (sizeof(x) / sizeof((x)[0]))

/* class and id, lower-cased and joined, into out (cap bytes); false when
 * the element has neither. */
static bool
hint_of(xmlNode *n, char *out, size_t cap)
{
	size_t k = 0;

	for (xmlAttr *at = n->properties; at; at = at->next) {
		const char *nm = (const char *)at->name;
		xmlNode *v;

		if (strcmp(nm, "class") != 0 && strcmp(nm, "id") != 0 &&
		    strcmp(nm, "itemprop") != 0 && strcmp(nm, "role") != 0)
			continue;
		for (v = at->children; v; v = v->next) {
			const char *s = (const char *)v->content;

			if (v->type != XML_TEXT_NODE || !s)
				continue;
			if (k && k + 1 < cap)
				out[k++] = ' ';
			for (; *s && k + 1 < cap; s++)
				out[k++] = (char)str_tolower((unsigned char)*s);
		}
	}
	out[k] = '\0';
	return k > 0;
}

const char *
ex_attr(xmlNode *n, const char *name)
{
	for (xmlAttr *at = n->properties; at; at = at->next) {
		if (str_casecmp((const char *)at->name, name) != 0)
			continue;
		if (at->children && at->children->type == XML_TEXT_NODE &&
		    !at->children->next)
			return (const char *)at->children->content;
		return "";
	}
	return NULL;
}

/* ---- the scoring walk ---------------------------------------------------- */

enum {
	NI_DROP = 1 << 0,     /* not content (never set on a node with ni) */
	NI_CAND = 1 << 1,     /* received a paragraph's score */
	NI_NEG = 1 << 2,      /* class/id negative (not strong enough to drop) */
	NI_POS = 1 << 3,
	NI_STRONG = 1 << 4,   /* strong negative hint: always junk */
	NI_JUNK = 1 << 5,     /* decided after the walk: not content */
	NI_WRITTEN = 1 << 7,  /* written as a part of the article */
	NI_UNLESS_BIG = 1 << 6, /* comments, <nav>, <aside>...: junk unless
	                         * most of the page */
};

/* What the walk learns about one element kept (node->_private). */
struct ni {
	uint32_t text;     /* characters of text below, white space runs as 1 */
	uint32_t link;     /* of which inside <a> */
	uint32_t own;      /* inline text of this block (not in child blocks) */
	uint32_t own_link;
	uint32_t commas;   /* in own */
	uint32_t n_par;    /* paragraphs below (blocks with own >= PAR_MIN) */
	uint32_t n_img;
	uint32_t n_li;
	uint32_t out_at;   /* where its text starts in the output */
	uint32_t order;    /* position in document order */
	float score;
	float weight;      /* class/id weight */
	uint8_t tag;
	uint8_t flags;
};

#define PAR_MIN 25          /* characters that make a block a paragraph */
#define MAX_CANDS 4096
#define MAX_NEGS 4096
#define MAX_LEADS 32
#define MAX_PARS 65536
#define MAX_UP 256          /* ancestors looked at for a junk one */
#define JUNK_PENALTY 0.25f
#define WEIGHT_FULL_AT 200.0f /* characters for the full class weight */
#define TAIL_SHORT 15       /* bytes: a shorter last line is no sentence */  /* weight of a paragraph inside junk */

struct walk {
	struct arena *a;
	struct meta *m;
	xmlNode **cands;
	size_t n_cands, cap_cands;
	xmlNode **negs;
	size_t n_negs, cap_negs;
	xmlNode **pars;
	size_t n_pars, cap_pars;
	xmlNode *leads[MAX_LEADS];
	size_t n_leads;
	uint32_t n_elems;
	uint32_t body_text, body_link;
	uint32_t n_par_total;
	bool wall_hint;
	bool not_found_hint;
};

static inline struct ni *
ni_of(xmlNode *n)
{
	return n && n->type == XML_ELEMENT_NODE ? (struct ni *)n->_private :
						  NULL;
}

static bool
is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Characters of s with white space runs counted as one, and commas
 * (ASCII, fullwidth, ideographic). */
static void
count_text(const unsigned char *s, uint32_t *out_chars, uint32_t *out_commas)
{
	uint32_t c = 0, k = 0;
	bool sp = true;

	for (; *s; s++) {
		if (is_space_byte(*s)) {
			if (!sp)
				c++;
			sp = true;
			continue;
		}
		/* U+00A0 is space too */
		if (s[0] == 0xc2 && s[1] == 0xa0) {
			if (!sp)
				c++;
			sp = true;
			s++;
			continue;
		}
		sp = false;
		if ((*s & 0xc0) != 0x80)
			c++;
		if (*s == ',')
			k++;
		else if (s[0] == 0xef && s[1] == 0xbc && s[2] == 0x8c)
			k++;
		else if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x81)
			k++;
	}
	*out_chars = c;
	*out_commas = k;
}

static float
tag_base(enum tag t)
{
	switch (t) {
	case T_DIV: case T_ARTICLE: case T_MAIN: case T_SECTION:
		return 5;
	case T_PRE: case T_TD: case T_BLOCKQUOTE:
		return 3;
	case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD:
	case T_DT: case T_LI: case T_FORM:
		return -3;
	case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
	case T_TH: case T_HEADER:
		return -5;
	default:
		return 0;
	}
}

static void
add_cand(struct walk *w, xmlNode *n, struct ni *x)
{
	if (x->flags & NI_CAND)
		return;
	x->flags |= NI_CAND;
	/* a class name is a hint, not content: a small block called "text"
	 * must not outweigh the article next to it */
	x->score += tag_base((enum tag)x->tag) +
	    x->weight * fminf(1.0f, (float)x->text / WEIGHT_FULL_AT);
	if (w->n_cands >= MAX_CANDS)
		return;
	ARENA_GROW(w->a, w->cands, w->n_cands, w->n_cands + 1, w->cap_cands);
	w->cands[w->n_cands++] = n;
}

static bool
style_hidden(const char *st)
{
	char buf[128];
	size_t k = 0;

	for (; *st && k + 1 < sizeof(buf); st++)
		if (!is_space_byte((unsigned char)*st))
			buf[k++] = (char)str_tolower((unsigned char)*st);
	buf[k] = '\0';
	return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

/* Called before descending into element n: false drops its subtree. */
static bool
enter(struct walk *w, xmlNode *n)
{
	enum tag t = tag_of(n->name);
	struct ni *x;
	char hint[256];
	const char *v;

	n->_private = NULL;
	w->n_elems++;
	switch (t) {
	case T_META: case T_TITLE: case T_LINK: case T_SCRIPT: case T_HTML:
	case T_TIME: case T_H1: case T_IMG:
		meta_on_element(w->m, w->a, n, (const char *)n->name);
		break;
	default:
		if (n->properties && (v = ex_attr(n, "itemprop")) &&
		    (strcmp(v, "author") == 0 || strcmp(v, "datePublished") == 0))
			meta_on_element(w->m, w->a, n, (const char *)n->name);
		break;
	}
	if (t == T_A && !w->m->rel_author_text && (v = ex_attr(n, "rel")) &&
	    str_casecmp(v, "author") == 0)
		meta_on_byline(w->m, w->a, n, &w->m->rel_author_text);
	if (is_dropped_tag(t))
		return false;
	x = arena_zalloc(w->a, sizeof(*x));
	x->tag = (uint8_t)t;
	x->order = w->n_elems;
	if (n->properties && t != T_BODY && t != T_HTML) {
		if (ex_attr(n, "hidden") ||
		    ((v = ex_attr(n, "aria-hidden")) && strcmp(v, "true") == 0) ||
		    ((v = ex_attr(n, "style")) && style_hidden(v)))
			return false;
		if (hint_of(n, hint, sizeof(hint))) {
			bool strong = any_in(hint, neg_strong, COUNT(neg_strong));
			bool weak = any_in(hint, neg_weak, COUNT(neg_weak));
			bool pos = any_in(hint, pos_words, COUNT(pos_words));

			if (strstr(hint, "paywall") || strstr(hint, "regwall"))
				w->wall_hint = true;
			if (!w->m->byline_hint && !strstr(hint, "comment") &&
			    !strstr(hint, "bio") && (strstr(hint, "author") ||
			    strstr(hint, "byline") || strstr(hint, "autor") ||
			    strstr(hint, "verfasser")))
				meta_on_byline(w->m, w->a, n, &w->m->byline_hint);
			if (!w->m->text_date && (strstr(hint, "date") ||
			    strstr(hint, "datum") || strstr(hint, "time") ||
			    strstr(hint, "publish") || strstr(hint, "posted") ||
			    strstr(hint, "byline") || strstr(hint, "meta")))
				meta_on_date_text(w->m, w->a, n);
			if ((strong || weak) &&
			    any_in(hint, strong_pos, COUNT(strong_pos)))
				strong = weak = false, pos = true;
			if (t == T_ARTICLE || t == T_MAIN || t == T_BODY ||
			    t == T_HTML)
				strong = weak = false;
			if (strong && !pos)
				x->flags |= NI_STRONG;
			if (any_in(hint, neg_comments, COUNT(neg_comments)) &&
			    (strong || weak))
				x->flags |= NI_UNLESS_BIG;
			if (strong || weak) {
				x->flags |= NI_NEG;
				x->weight -= 25;
				if (w->n_negs < MAX_NEGS) {
					ARENA_GROW(w->a, w->negs, w->n_negs,
					    w->n_negs + 1, w->cap_negs);
					w->negs[w->n_negs++] = n;
				}
			}
			if (pos)
				x->flags |= NI_POS, x->weight += 25;
			if (w->n_leads < MAX_LEADS &&
			    any_in(hint, lead_words, COUNT(lead_words)))
				w->leads[w->n_leads++] = n;
		}
	}
	if (t == T_FORM || t == T_NAV || t == T_ASIDE || t == T_FOOTER ||
	    t == T_NOSCRIPT) {
		/* Junk, unless most of the page's text is inside: a form
		 * around the whole page (ASP.NET), or an unclosed <aside>
		 * or <noscript> the parser let swallow the article. */
		x->flags |= NI_UNLESS_BIG;
		if (!(x->flags & NI_NEG) && w->n_negs < MAX_NEGS) {
			x->flags |= NI_NEG;
			ARENA_GROW(w->a, w->negs, w->n_negs, w->n_negs + 1,
			    w->cap_negs);
			w->negs[w->n_negs++] = n;
		}
	}
	n->_private = x;
	return true;
}

/* Called after n's children: sums into the parent, scores paragraphs. */
static void
leave(struct walk *w, xmlNode *n)
{
	struct ni *x = ni_of(n), *p;
	enum tag t;

	if (!x)
		return;
	t = (enum tag)x->tag;
	if (t == T_IMG)
		x->n_img++;
	if (t == T_LI)
		x->n_li++;
	if (!is_inline(t) && x->own >= PAR_MIN) {
		x->n_par++;
		w->n_par_total++;
		if (w->n_pars < MAX_PARS) {
			ARENA_GROW(w->a, w->pars, w->n_pars, w->n_pars + 1,
			    w->cap_pars);
			w->pars[w->n_pars++] = n;
		}
	}
	p = ni_of(n->parent);
	if (!p)
		return;
	p->text += x->text;
	p->link += t == T_A ? x->text : x->link;
	p->n_par += x->n_par;
	p->n_img += x->n_img;
	p->n_li += x->n_li;
	if (is_inline(t)) {
		p->own += x->own;
		p->own_link += t == T_A ? x->own : x->own_link;
		p->commas += x->commas;
	}
}

static void
on_text(xmlNode *n)
{
	struct ni *p = ni_of(n->parent);
	uint32_t c, k;

	if (!p || !n->content)
		return;
	count_text(n->content, &c, &k);
	p->text += c;
	p->own += c;
	p->commas += k;
}

static void
walk_tree(struct walk *w, xmlNode *root)
{
	xmlNode *n = root;

	while (n) {
		bool down = false;

		if (n->type == XML_ELEMENT_NODE)
			down = enter(w, n);
		else if (n->type == XML_TEXT_NODE ||
			 n->type == XML_CDATA_SECTION_NODE)
			on_text(n);
		if (down && n->children) {
			n = n->children;
			continue;
		}
		if (down)
			leave(w, n);
		while (n != root && !n->next) {
			n = n->parent;
			leave(w, n);
		}
		if (n == root)
			break;
		n = n->next;
	}
}

/* ---- scoring ------------------------------------------------------------ */

static float
ld_of(const struct ni *x)
{
	return x->text ? (float)x->link / (float)x->text : 0;
}

/* Decides which negatively hinted elements are junk: a strong hint always
 * (unless the element holds most of the page's text), a weak one or a form
 * only when it is a small part of the page. */
static void
mark_junk(struct walk *w, xmlNode *root)
{
	struct ni *r = ni_of(root);
	uint32_t total = r ? r->text : 0;

	for (size_t i = 0; i < w->n_negs; i++) {
		struct ni *x = ni_of(w->negs[i]);
		bool big = (float)x->text > 0.4f * (float)total;

		if (!big)
			x->flags |= NI_JUNK;
	}
}

static bool
under_junk(xmlNode *n)
{
	for (int k = 0; n && k < MAX_UP; k++, n = n->parent) {
		struct ni *x = ni_of(n);

		if (x && (x->flags & NI_JUNK))
			return true;
	}
	return false;
}

/* Each paragraph outside junk gives its score to its three nearest
 * ancestors: all of it, a half, a sixth. */
static void
score_paragraphs(struct walk *w)
{
	for (size_t i = 0; i < w->n_pars; i++) {
		xmlNode *n = w->pars[i], *anc;
		struct ni *x = ni_of(n);
		float s, ld;

		s = 1.0f + (float)x->commas +
		    fminf(floorf((float)x->own / 100.0f), 3.0f);
		ld = (float)x->own_link / (float)x->own;
		s *= 1.0f - ld;
		/* a hint can be wrong (a wrapper called "has-sidebar"): junk
		 * only weakens, and the article found inside it clears it */
		if (under_junk(n))
			s *= JUNK_PENALTY;
		anc = n->parent;
		for (int level = 0; anc && level < 3; level++, anc = anc->parent) {
			struct ni *y = ni_of(anc);

			if (!y)
				break;
			add_cand(w, anc, y);
			y->score += level == 0 ? s : level == 1 ? s / 2 : s / 6;
		}
	}
}

/* ---- choosing the article ----------------------------------------------- */

static float
final_score(xmlNode *n)
{
	struct ni *x = ni_of(n);

	return x->score * (1.0f - ld_of(x));
}

static bool
is_ancestor(xmlNode *anc, xmlNode *n)
{
	for (; n; n = n->parent)
		if (n == anc)
			return true;
	return false;
}

static xmlNode *
choose_top(struct walk *w)
{
	xmlNode *top = NULL;
	float best = 0;

	for (size_t i = 0; i < w->n_cands; i++) {
		float s = final_score(w->cands[i]);

		if (!top || s > best)
			top = w->cands[i], best = s;
	}
	if (!top)
		return NULL;
	/* Several nearly as good candidates below one ancestor: the article
	 * is split into sections, take the ancestor. */
	{
		xmlNode *alt[8];
		size_t n_alt = 0;

		for (size_t i = 0; i < w->n_cands && n_alt < 8; i++) {
			xmlNode *c = w->cands[i];

			if (c != top && final_score(c) >= best * 0.75f &&
			    !is_ancestor(c, top) && !is_ancestor(top, c))
				alt[n_alt++] = c;
		}
		if (n_alt >= 2) {
			for (xmlNode *p = top->parent; p && ni_of(p); p = p->parent) {
				size_t in = 0;

				if (((struct ni *)ni_of(p))->tag == T_BODY)
					break;
				for (size_t i = 0; i < n_alt; i++)
					in += is_ancestor(p, alt[i]);
				if (in >= 2) {
					top = p;
					break;
				}
			}
		}
	}
	/* A parent whose score keeps rising holds more of the article. */
	{
		float last = final_score(top);
		xmlNode *p = top->parent;

		while (p && ni_of(p) && ni_of(p)->tag != T_BODY) {
			struct ni *y = ni_of(p);

			if (!(y->flags & NI_CAND))
				break;
			if (final_score(p) > last) {
				top = p;
				last = final_score(p);
				p = p->parent;
				continue;
			}
			break;
		}
	}
	/* What holds the article is not junk, whatever its class says. */
	{
		xmlNode *p = top;

		for (int k = 0; p && k < MAX_UP; k++, p = p->parent)
			if (ni_of(p))
				ni_of(p)->flags &= (uint8_t)~NI_JUNK;
	}
	/* Inside the article, what holds most of it is not junk either (a
	 * body wrapped in "banners-content") */
	for (size_t i = 0; i < w->n_negs; i++) {
		struct ni *x = ni_of(w->negs[i]);

		if ((x->flags & NI_JUNK) &&
		    (float)x->text > 0.5f * (float)ni_of(top)->text &&
		    is_ancestor(top, w->negs[i]))
			x->flags &= (uint8_t)~NI_JUNK;
	}
	/* The only child of its parent: the parent is the same block. */
	while (top->parent && ni_of(top->parent) && ni_of(top->parent)->tag != T_BODY) {
		xmlNode *c;
		int k = 0;

		for (c = top->parent->children; c; c = c->next)
			if (ni_of(c))
				k++;
		if (k != 1)
			break;
		top = top->parent;
	}
	return top;
}

/* ---- writing the text --------------------------------------------------- */

struct out {
	struct buf b;
	bool sp;          /* last byte written was a space or a line break */
	bool nl;          /* last byte written was a line break */
	bool label_open;  /* a heading or label ends the text so far ... */
	size_t label_at;  /* ... starting here: dropped if junk follows */
};

static void
out_break(struct out *o)
{
	if (o->b.len && !o->nl) {
		/* trim a trailing space before the break */
		if (o->b.len && o->b.ptr[o->b.len - 1] == ' ')
			buf_truncate(&o->b, o->b.len - 1);
		buf_addc(&o->b, '\n');
	}
	o->nl = o->sp = true;
}

static void
out_text(struct out *o, const unsigned char *s)
{
	for (; *s; s++) {
		if (is_space_byte(*s) || (s[0] == 0xc2 && s[1] == 0xa0)) {
			if (*s == 0xc2)
				s++;
			if (!o->sp)
				buf_addc(&o->b, ' ');
			o->sp = true;
			continue;
		}
		buf_addc(&o->b, (char)*s);
		o->sp = o->nl = false;
		o->label_open = false;
	}
}

static bool
is_heading(enum tag t)
{
	return t == T_H2 || t == T_H3 || t == T_H4 || t == T_H5 || t == T_H6;
}

/* After a block's text: a heading, or a short line ending in ':', only
 * introduces what follows; if what follows is boilerplate ("Related:",
 * "More on this topic"), it goes too. */
static void
on_block_end(struct out *o, struct ni *x)
{
	size_t at = x->out_at, n;
	const char *p;

	if (at >= o->b.len)
		return;
	p = o->b.ptr + at;
	n = o->b.len - at;
	while (n && (p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	if (!n)
		return;
	if (is_heading((enum tag)x->tag) || (n < 60 && p[n - 1] == ':')) {
		o->label_open = true;
		o->label_at = at;
	}
}

static void
on_junk(struct out *o, struct ni *x)
{
	if (o->label_open && x->text > 0 &&
	    ((x->flags & NI_JUNK) || ld_of(x) > 0.5f)) {
		buf_truncate(&o->b, o->label_at);
		o->label_open = false;
		o->nl = o->sp = true;
		if (o->b.len && o->b.ptr[o->b.len - 1] != '\n')
			o->nl = false;
	}
}

/* Is element n, inside the article, boilerplate to leave out? */
static bool
is_junk(xmlNode *n, struct ni *x)
{
	enum tag t = (enum tag)x->tag;
	float ld = ld_of(x);

	if (t == T_H1 || t == T_FIGCAPTION || t == T_HEADER)
		return true;
	if (x->text == 0)
		return true;
	if (x->flags & NI_JUNK)
		return true;
	switch (t) {
	case T_P: case T_PRE: case T_BLOCKQUOTE:
		return ld > 0.6f && x->text < 200;
	case T_LI: case T_DT: case T_DD: case T_H2: case T_H3: case T_H4:
	case T_H5: case T_H6:
		return false;
	case T_UL: case T_OL: case T_DL:
		return ld > 0.5f;
	case T_OTHER:
		/* an unknown element inside a sentence (a custom element
		 * around a reference link) is inline; one that holds blocks
		 * is a container */
		if (x->n_par == 0 && x->text < 100)
			return false;
		/* fall through */
	case T_DIV: case T_SECTION: case T_TABLE: case T_FIGURE:
	case T_ARTICLE: case T_TBODY: case T_TR: case T_TD: case T_CENTER:
		if (x->n_par == 0 && ld > 0.5f)
			return true;
		if (ld > 0.33f && x->weight < 25 && x->n_par <= 2)
			return true;
		if (ld > 0.6f)
			return true;
		if (x->n_li > x->n_par * 2 + 3 && ld > 0.2f)
			return true;
		return false;
	default:
		return false;
	}
}

static void
write_node(struct out *o, xmlNode *root, bool root_checked)
{
	xmlNode *n = root;

	while (n) {
		bool down = false;
		struct ni *x = ni_of(n);

		if (n->type == XML_ELEMENT_NODE && x) {
			enum tag t = (enum tag)x->tag;

			if (n == root && root_checked)
				down = true;
			else
				down = !is_junk(n, x);
			if (!down)
				on_junk(o, x);
			if (down && !is_inline(t))
				out_break(o);
			x->out_at = (uint32_t)o->b.len;
			if (t == T_BR)
				out_break(o);
		} else if (n->type == XML_TEXT_NODE && n->content) {
			out_text(o, n->content);
		}
		if (down && n->children) {
			n = n->children;
			continue;
		}
		if (down && ni_of(n) && !is_inline((enum tag)ni_of(n)->tag)) {
			out_break(o);
			on_block_end(o, ni_of(n));
		}
		while (n != root && !n->next) {
			n = n->parent;
			if (ni_of(n) && !is_inline((enum tag)ni_of(n)->tag)) {
				out_break(o);
				on_block_end(o, ni_of(n));
			}
		}
		if (n == root)
			break;
		n = n->next;
	}
}

/* A copyright or rights line: the site's, not the article's. */
static bool
is_legal_line(const char *p, size_t n)
{
	static const char *const marks[] = {
	    "\xc2\xa9", "all rights reserved", "alle rechte vorbehalten",
	    "tous droits r\xc3\xa9serv\xc3\xa9s", "todos los derechos reservados",
	};
	char low[300];

	for (size_t i = 0; i < n && i < sizeof(low) - 1; i++)
		low[i] = (char)str_tolower((unsigned char)p[i]);
	low[n < sizeof(low) - 1 ? n : sizeof(low) - 1] = '\0';
	for (size_t i = 0; i < COUNT(marks); i++)
		if (strstr(low, marks[i]))
			return true;
	return false;
}

/* A line that is only an ad label or a "read more": page furniture. */
static bool
is_label_line(const char *p, size_t n)
{
	static const char *const labels[] = {
	    "advertisement", "advert", "ad", "ads", "anzeige", "werbung",
	    "publicit\xc3\xa9", "publicidad", "pubblicit\xc3\xa0",
	    "sponsored", "continue reading", "read more", "weiterlesen",
	    "mehr lesen", "lire la suite", "leer m\xc3\xa1s",
	    "this slideshow requires javascript", "comments", "kommentare",
	    "share", "teilen", "tweet",
	};

	while (n && (p[n - 1] == '.' || p[n - 1] == ':' || p[n - 1] == ' '))
		n--;
	if (n > 40)
		return false;
	for (size_t i = 0; i < COUNT(labels); i++)
		if (strlen(labels[i]) == n && str_ncasecmp(p, labels[i], n) == 0)
			return true;
	return false;
}

/* A line that is only a date or a time ("23.10.2018", "19:49"). */
static bool
is_date_line(const char *p, size_t n)
{
	size_t digits = 0, seps = 0;

	if (n > 24)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (str_isdigit((unsigned char)p[i]))
			digits++;
		else if (strchr(".:/", p[i]))
			seps++;
		else if (!strchr(" -,", p[i]))
			return false;
	}
	/* "5040" in a table is a number, "19:49" a time */
	return digits >= 4 && seps >= 1;
}

/* A short line that asks the reader to do something else: subscribe,
 * follow, download the app; or credits a picture. */
static bool
is_promo_line(const char *p, size_t n)
{
	static const char *const words[] = {
	    "newsletter", "subscribe", "abonnier", "sign up", "telegram",
	    "whatsapp", "follow us", "folgen sie", "folge uns", "app store",
	    "google play", "getty images", "titelbild", "beitragsbild",
	    ("cr\xc3\xa9" "dits photo"), "photo credit", "bildquelle",
	    "foto:", "photo:", "bild:",
	};
	char low[160];

	if (n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)str_tolower((unsigned char)p[i]);
	low[n] = '\0';
	for (size_t i = 0; i < COUNT(words); i++)
		if (strstr(low, words[i]))
			return true;
	return false;
}

/* Drops empty lines, the site's rights lines, ad labels, bare dates and
 * calls to subscribe; trims. */
static char *
tidy_lines(struct arena *a, const char *s, size_t len, size_t *out_len,
    size_t *out_lines)
{
	char *o = arena_alloc(a, len + 1);
	size_t k = 0, lines = 0;
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		if (!e)
			e = end;
		n = (size_t)(e - p);
		while (n && p[0] == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n && n < 300 && (is_legal_line(p, n) || is_label_line(p, n) ||
		    is_date_line(p, n) || is_promo_line(p, n)))
			n = 0;
		if (n) {
			if (k)
				o[k++] = '\n';
			memcpy(o + k, p, n);
			k += n;
			lines++;
		}
		p = e + 1;
	}
	/* The article ends with its last sentence: short lines after it
	 * without one are the page's (a label, a name, "Show sources"). */
	while (k && lines > 1) {
		char *nl = memrchr(o, '\n', k);
		size_t start = nl ? (size_t)(nl - o) + 1 : 0;
		char c = o[k - 1];

		if (k - start >= TAIL_SHORT || c == '.' || c == '!' || c == '?' ||
		    c == '"' || c == ')' || (unsigned char)c >= 0x80)
			break;
		k = start ? start - 1 : 0;
		lines--;
	}
	o[k] = '\0';
	*out_len = k;
	*out_lines = lines;
	return o;
}

/* Plain text from elsewhere (JSON-LD): spaces collapsed within lines,
 * empty lines dropped. */
static const char *
tidy_text(struct arena *a, const char *s, size_t len, size_t *out_len,
    size_t *out_lines)
{
	struct out o = {BUF_INIT(EXTRACT_MAX_TEXT), true, true, false, 0};
	const char *p = s, *end = s + len;
	char *res;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line;

		if (!nl)
			nl = end;
		line = arena_strndup(a, p, (size_t)(nl - p));
		out_text(&o, (const unsigned char *)line);
		out_break(&o);
		p = nl + 1;
	}
	res = tidy_lines(a, o.b.ptr, o.b.len, out_len, out_lines);
	buf_release(&o.b);
	return res;
}

/* Is a lead (standfirst) that precedes the article, near it and not in
 * comments or navigation, to be written before it? */
static bool
lead_fits(xmlNode *l, xmlNode *top)
{
	struct ni *y = ni_of(l);
	xmlNode *anc = top->parent;
	int k;

	if (!y || y->text < 40 || ld_of(y) > 0.3f ||
	    y->order >= ni_of(top)->order || is_ancestor(l, top))
		return false;
	for (k = 0; anc && ni_of(anc) && k < 4; k++, anc = anc->parent)
		if (is_ancestor(anc, l))
			break;
	if (!anc || !ni_of(anc) || k == 4)
		return false;
	for (xmlNode *p = l; p && p != anc; p = p->parent) {
		struct ni *z = ni_of(p);

		if (!z || (z->flags & (NI_WRITTEN | NI_UNLESS_BIG | NI_STRONG)))
			return false;
	}
	return true;
}

static const char *
write_article(struct arena *a, struct walk *w, xmlNode *top, size_t *out_len,
    size_t *out_lines)
{
	struct out o = {BUF_INIT(EXTRACT_MAX_TEXT), true, true, false, 0};
	struct out lead = {BUF_INIT(EXTRACT_MAX_TEXT), true, true, false, 0};
	struct ni *tx = ni_of(top);
	float top_score = final_score(top);
	float thresh = fmaxf(10.0f, top_score * 0.2f);
	const char *top_class = ex_attr(top, "class");
	char *res;

	if (top->parent && ni_of(top->parent) && tx->tag != T_BODY) {
		for (xmlNode *s = top->parent->children; s; s = s->next) {
			struct ni *y = ni_of(s);
			bool take = false;

			if (s == top) {
				write_node(&o, s, true);
				y->flags |= NI_WRITTEN;
				continue;
			}
			if (!y || is_junk(s, y))
				continue;
			if (y->flags & NI_CAND) {
				float bonus = 0;
				const char *c = ex_attr(s, "class");

				if (top_class && c && *c && strcmp(c, top_class) == 0)
					bonus = top_score * 0.2f;
				take = final_score(s) + bonus >= thresh;
			}
			/* a paragraph next to the article is part of it */
			if (!take && (y->tag == T_P || y->own >= PAR_MIN)) {
				float ld = ld_of(y);

				take = (y->text > 80 && ld < 0.25f) ||
				       (y->text > 0 && y->text <= 80 && ld == 0 &&
					y->n_par > 0);
			}
			if (take) {
				write_node(&o, s, true);
				y->flags |= NI_WRITTEN;
			}
		}
	} else {
		write_node(&o, top, true);
		tx->flags |= NI_WRITTEN;
	}
	for (size_t i = 0; i < w->n_leads; i++) {
		if (!lead_fits(w->leads[i], top))
			continue;
		{
			size_t at = lead.b.len, n;

			write_node(&lead, w->leads[i], true);
			n = lead.b.len;
			while (n > at && (lead.b.ptr[n - 1] == '\n' ||
					  lead.b.ptr[n - 1] == ' '))
				n--;
			/* a lead is sentences; a deck ("Jury out in 15
			 * minutes") is a second headline */
			if (n == at || !strchr(".!?\"\xe2", lead.b.ptr[n - 1]) ||
			    ((unsigned char)lead.b.ptr[n - 1] >= 0x80 &&
			     !(n - at >= 3 &&
			       memcmp(lead.b.ptr + n - 3, "\xe2\x80\xa6", 3) == 0))) {
				buf_truncate(&lead.b, at);
				lead.nl = lead.sp = true;
				continue;
			}
			out_break(&lead);
		}
		ni_of(w->leads[i])->flags |= NI_WRITTEN;
	}
	if (lead.b.len && !buf_err(&lead.b)) {
		buf_add(&lead.b, o.b.ptr, o.b.len);
		if (o.label_open)
			o.label_at += lead.b.len - o.b.len;
		buf_release(&o.b);
		o.b = lead.b;
		lead.b = (struct buf)BUF_INIT(0);
	}
	buf_release(&lead.b);
	if (o.label_open)   /* a heading with nothing after it */
		buf_truncate(&o.b, o.label_at);
	if (buf_err(&o.b) < 0) {
		/* over EXTRACT_MAX_TEXT: keep the whole lines that fit */
		const char *nl = memrchr(o.b.ptr, '\n', o.b.len);

		buf_truncate(&o.b, nl ? (size_t)(nl - o.b.ptr) : 0);
	}
	res = tidy_lines(a, o.b.ptr, o.b.len, out_len, out_lines);
	buf_release(&o.b);
	return res;
}

/* ---- decoding ------------------------------------------------------------ */

/* Counts valid multi-byte sequences and invalid bytes of UTF-8. */
static void
utf8_stats(const unsigned char *p, size_t n, size_t *out_multi,
    size_t *out_bad)
{
	size_t multi = 0, bad = 0;

	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		k = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (c > 0xf4)
			k = 0;
		if (!k || i + k > n) {
			bad++;
			i++;
			continue;
		}
		cp = k == 2 ? c & 0x1f : k == 3 ? c & 0x0f : c & 0x07;
		for (size_t j = 1; j < k; j++) {
			if ((p[i + j] & 0xc0) != 0x80) {
				k = 0;
				break;
			}
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if (!k || (k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
		    (k == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
			bad++;
			i++;
			continue;
		}
		multi++;
		i += k;
	}
	*out_multi = multi;
	*out_bad = bad;
}

/* The charset=... value at s (after "charset"), into out. */
static bool
take_charset(const char *s, const char *end, char *out, size_t cap)
{
	size_t k = 0;

	while (s < end && (*s == ' ' || *s == '='))
		s++;
	while (s < end && (*s == '"' || *s == '\''))
		s++;
	while (s < end && k + 1 < cap &&
	       (str_isalnum((unsigned char)*s) || *s == '-' || *s == '_' ||
		*s == '.' || *s == ':'))
		out[k++] = (char)str_tolower((unsigned char)*s++);
	out[k] = '\0';
	return k > 0;
}

/* The charset a <meta> in the first 64 KiB declares, or false. */
static bool
meta_charset(const char *p, size_t n, char *out, size_t cap)
{
	const char *end = p + (n < 65536 ? n : 65536);

	for (const char *s = p; s < end;) {
		const char *m = memchr(s, '<', (size_t)(end - s));
		const char *gt;

		if (!m)
			break;
		s = m + 1;
		if (end - s < 5 || str_ncasecmp(s, "meta", 4) != 0)
			continue;
		gt = memchr(s, '>', (size_t)(end - s));
		if (!gt)
			break;
		for (const char *c = s; c + 7 < gt; c++)
			if (str_ncasecmp(c, "charset", 7) == 0 &&
			    take_charset(c + 7, gt, out, cap))
				return true;
		s = gt;
	}
	return false;
}

static bool
is_single_byte(const char *cs)
{
	return strncmp(cs, "iso-8859", 8) == 0 || strncmp(cs, "windows-", 8) == 0 ||
	       strncmp(cs, "latin", 5) == 0 || strcmp(cs, "us-ascii") == 0 ||
	       strcmp(cs, "ascii") == 0 || strncmp(cs, "cp125", 5) == 0 ||
	       strncmp(cs, "iso8859", 7) == 0;
}

/* BOM, Content-Type, <meta>, then the bytes: the encoding of the page, and
 * the page in UTF-8. */
static void
decode_page(struct arena *a, const char *data, size_t len,
    const char *content_type, char **out, size_t *out_len,
    const char **out_enc)
{
	const unsigned char *p = (const unsigned char *)data;
	char cs[48] = "";
	size_t multi, bad;
	const char *enc = NULL;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		data += 3, len -= 3;
		enc = "utf-8";
	} else if (len >= 2 && ((p[0] == 0xfe && p[1] == 0xff) ||
				 (p[0] == 0xff && p[1] == 0xfe))) {
		enc = p[0] == 0xfe ? "utf-16be" : "utf-16le";
		data += 2, len -= 2;
	}
	if (!enc && content_type) {
		const char *c = strstr(content_type, "charset");

		if (!c)
			c = strstr(content_type, "CHARSET");
		if (c && take_charset(c + 7, c + strlen(c), cs, sizeof(cs)))
			enc = cs;
	}
	if (!enc && meta_charset(data, len, cs, sizeof(cs)))
		enc = cs;
	if (!enc || strcmp(enc, "utf-8") == 0 || strcmp(enc, "utf8") == 0 ||
	    is_single_byte(enc)) {
		/* Labels lie: valid UTF-8 with non-ASCII text is UTF-8, and a
		 * page labelled UTF-8 with more bad bytes than good sequences
		 * is windows-1252. */
		utf8_stats((const unsigned char *)data, len, &multi, &bad);
		if (!enc)
			enc = bad == 0 || multi > bad * 4 ? "utf-8" :
							     "windows-1252";
		else if (is_single_byte(enc) && bad == 0 && multi > 0)
			enc = "utf-8";
		else if (strncmp(enc, "utf", 3) == 0 && bad > multi)
			enc = "windows-1252";
		if (strncmp(enc, "utf", 3) == 0 && bad == 0) {
			*out = (char *)data;   /* already what we need */
			*out_len = len;
			*out_enc = "utf-8";
			return;
		}
	}
	if (parse_decode(out, out_len, a, data, len, enc) == ND_EINVAL) {
		/* unknown label: the bytes decide */
		utf8_stats((const unsigned char *)data, len, &multi, &bad);
		enc = bad == 0 || multi > bad * 4 ? "utf-8" : "windows-1252";
		(void)parse_decode(out, out_len, a, data, len, enc);
	}
	err_clear();
	*out_enc = arena_strdup(a, enc);
}

/* ---- not an article ------------------------------------------------------ */

static bool
sniff_binary(const char *data, size_t len, const char *ct)
{
	size_t nul = 0, n = len < 1024 ? len : 1024;

	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
		return true;
	if (ct && (str_istarts_with(str_of(ct), "application/pdf") ||
		   str_istarts_with(str_of(ct), "image/") ||
		   str_istarts_with(str_of(ct), "video/") ||
		   str_istarts_with(str_of(ct), "audio/") ||
		   str_istarts_with(str_of(ct), "application/zip") ||
		   str_istarts_with(str_of(ct), "application/octet-stream")))
		return true;
	for (size_t i = 0; i < n; i++)
		nul += data[i] == '\0';
	/* UTF-16 has NULs in every other byte of ASCII; a BOM says so */
	if (len >= 2 && ((unsigned char)data[0] == 0xff ||
			 (unsigned char)data[0] == 0xfe))
		return false;
	return nul > 8;
}

static bool
ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	for (; *hay; hay++)
		if (str_ncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* The title of an error page: "404", "Page not found" in a few
 * languages, or a short title that is only "Not found". A headline such
 * as "Missing hiker not found after three days" is not one. */
static bool
looks_not_found(const char *title)
{
	static const char *const phrases[] = {
	    "page not found", "seite nicht gefunden", "page introuvable",
	    "p\xc3\xa1gina no encontrada", "pagina non trovata",
	    "pagina niet gevonden", "file not found", "error 404",
	    "fehler 404", "erreur 404",
	};
	static const char *const short_words[] = {
	    "404", "not found", "nicht gefunden", "introuvable",
	};

	if (!title)
		return false;
	for (size_t i = 0; i < COUNT(phrases); i++)
		if (ci_contains(title, phrases[i]))
			return true;
	if (strlen(title) > 40)
		return false;
	for (size_t i = 0; i < COUNT(short_words); i++)
		if (ci_contains(title, short_words[i]))
			return true;
	return false;
}

/* The cross-check with JSON-LD's articleBody: when the page's text (or a
 * script that renders it) is missing from the HTML, the text we found is
 * much shorter than what the publisher says the article holds. Plain text
 * only: a body holding markup is not trusted. */
static void
use_ld_body(struct arena *a, struct extract *e, const struct meta *m)
{
	size_t n;

	if (!m->ld_body)
		return;
	n = strlen(m->ld_body);
	if (n < 200 || n > EXTRACT_MAX_TEXT || (double)e->text_len >= 0.5 * (double)n)
		return;
	if (strstr(m->ld_body, "</") || strstr(m->ld_body, "<p"))
		return;
	e->text = tidy_text(a, m->ld_body, n, &e->text_len, &e->n_blocks);
}

/* ---- entry --------------------------------------------------------------- */

const char *
extract_reason_name(enum extract_reason r)
{
	switch (r) {
	case EXTRACT_ARTICLE: return "article";
	case EXTRACT_NOT_HTML: return "not-html";
	case EXTRACT_INDEX: return "index";
	case EXTRACT_WALL: return "wall";
	case EXTRACT_NOT_FOUND: return "not-found";
	case EXTRACT_EMPTY: return "empty";
	}
	return "?";
}

static void
free_doc(void *p)
{
	xmlFreeDoc(p);
}

static void
no_article(struct extract *e, enum extract_reason r, const char *msg)
{
	e->text = NULL;
	e->text_len = 0;
	e->n_blocks = 0;
	e->reason = r;
	e->reason_msg = msg;
}

int
extract_page(struct extract **out, struct arena *a, const char *data,
    size_t len, const struct extract_opts *opts)
{
	struct extract_opts dflt = {0};
	struct extract *e = arena_zalloc(a, sizeof(*e));
	struct meta m = {0};
	struct walk w = {0};
	size_t max, ulen = 0;
	char *utf8 = NULL;
	htmlDocPtr doc;
	xmlNode *root, *top;

	*out = e;
	if (!opts)
		opts = &dflt;
	max = opts->max_bytes ? opts->max_bytes : EXTRACT_MAX_BYTES_DEFAULT;
	if (!data)
		len = 0;
	if (len > max)
		return err_set(ND_ETOOBIG, "extract: page of %zu bytes exceeds %zu",
		    len, max);
	if (sniff_binary(data, len, opts->content_type)) {
		no_article(e, EXTRACT_NOT_HTML, "not an HTML page");
		return 0;
	}
	decode_page(a, data ? data : "", len, opts->content_type, &utf8, &ulen,
	    &e->encoding);
	if (ulen > INT32_MAX)
		return err_set(ND_ETOOBIG, "extract: page too big");
	/* libxml2 is told the bytes are UTF-8, so no <meta charset> inside
	 * can make it decode them again. */
	doc = htmlReadMemory(ulen ? utf8 : " ", ulen ? (int)ulen : 1, opts->url,
	    "UTF-8", HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (!doc || !(root = xmlDocGetRootElement(doc))) {
		if (doc)
			xmlFreeDoc(doc);
		no_article(e, EXTRACT_EMPTY, "no HTML element in the page");
		meta_finish(&m, a, e, opts->url, opts->content_language);
		return 0;
	}
	arena_defer(a, free_doc, doc);
	w.a = a;
	w.m = &m;
	walk_tree(&w, root);
	mark_junk(&w, root);
	score_paragraphs(&w);
	meta_finish(&m, a, e, opts->url, opts->content_language);

	top = choose_top(&w);
	if (!top) {
		no_article(e, EXTRACT_EMPTY, "no block of text long enough");
		e->text = "";
		use_ld_body(a, e, &m);
		if (e->text_len)
			e->reason = EXTRACT_ARTICLE, e->reason_msg = NULL;
		else
			e->text = NULL;
		return 0;
	}
	e->text = write_article(a, &w, top, &e->text_len, &e->n_blocks);
	e->reason = EXTRACT_ARTICLE;
	use_ld_body(a, e, &m);
	{
		struct ni *r = ni_of(root);
		float page_ld = r && r->text ? (float)r->link / (float)r->text : 0;

		if (e->text_len < 1500 && looks_not_found(e->title))
			no_article(e, EXTRACT_NOT_FOUND,
			    "the page says it was not found");
		else if (e->text_len < 200 && (w.wall_hint || m.ld_paywalled))
			no_article(e, EXTRACT_WALL,
			    "a paywall or consent wall hides the text");
		else if (e->text_len < 300 && page_ld > 0.6f)
			no_article(e, EXTRACT_INDEX,
			    "a page of links, not an article");
		else if (e->text_len == 0)
			no_article(e, EXTRACT_EMPTY,
			    "no block of text long enough");
	}
	return 0;
}
