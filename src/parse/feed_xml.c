/*
 * feed_xml: walks the libxml2 tree of an RSS, RDF or Atom document and fills
 * struct feed.
 *
 * Elements are identified by (namespace class, local name). Namespaces are
 * classed as feedparser does: no namespace, the RSS 0.9/1.0/UserLand ones,
 * both Atom ones and any unknown default namespace are "the feed's own",
 * so RSS with atom:link and Atom without a namespace both work; DC, content,
 * Media RSS, syndication and XHTML have their own class; unknown prefixed
 * namespaces are ignored. Only the children of the channel/feed, of items
 * and of their sub-objects are looked at, so image/textinput/source
 * children never leak into the feed or entry whatever their order.
 * xml:base and xml:lang are carried down as a struct feed_scope.
 */
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/url.h"
#include "parse/feed_int.h"
#include "parse/parse.h"
#include "core/banned.h"

enum ns_class {
	NS_FEED,
	NS_DC,
	NS_DCTERMS,
	NS_CONTENT,
	NS_MEDIA,
	NS_SY,
	NS_XHTML,
	NS_RDF,
	NS_ADMIN,
	NS_OTHER
};

static const struct {
	const char *uri;
	enum ns_class cls;
} known_ns[] = {
    {"http://purl.org/rss/1.0/", NS_FEED},
    {"http://my.netscape.com/rdf/simple/0.9/", NS_FEED},
    {"http://purl.org/atom/ns#", NS_FEED},
    {"http://www.w3.org/2005/Atom", NS_FEED},
    {"http://purl.org/rss/1.0/modules/rss091#", NS_FEED},
    {"http://purl.org/dc/elements/1.1/", NS_DC},
    {"http://purl.org/dc/terms/", NS_DCTERMS},
    {"http://purl.org/rss/1.0/modules/content/", NS_CONTENT},
    {"http://search.yahoo.com/mrss/", NS_MEDIA},
    {"http://search.yahoo.com/mrss", NS_MEDIA},
    {"http://purl.org/rss/1.0/modules/syndication/", NS_SY},
    {"http://www.w3.org/1999/xhtml", NS_XHTML},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF},
    {"http://webns.net/mvcb/", NS_ADMIN},
};

static enum ns_class
ns_class(struct feed_parser *p, const xmlNode *n)
{
	const xmlNs *ns = n->ns;
	const char *uri;
	enum ns_class cls = NS_OTHER;

	if (!ns || !ns->href)
		return NS_FEED;
	for (unsigned i = 0; i < 8; i++)
		if (p->ns_ptr[i] == ns)
			return (enum ns_class)p->ns_cls[i];
	uri = (const char *)ns->href;
	for (size_t i = 0; i < sizeof(known_ns) / sizeof(known_ns[0]); i++) {
		if (str_casecmp(uri, known_ns[i].uri) == 0) {
			cls = known_ns[i].cls;
			goto found;
		}
	}
	if (strstr(uri, "backend.userland.com/rss") ||
	    strstr(uri, "blogs.law.harvard.edu/tech/rss") || !ns->prefix)
		cls = NS_FEED;
found:
	p->ns_ptr[p->ns_next] = ns;
	p->ns_cls[p->ns_next] = cls;
	p->ns_next = (p->ns_next + 1) & 7;
	return cls;
}

enum elem {
	E_NONE,
	E_TITLE,
	E_SUBTITLE,
	E_DESCRIPTION,
	E_SUMMARY,
	E_RIGHTS,
	E_CONTENT,
	E_CONTENT_ENCODED,
	E_BODY,
	E_LINK,
	E_ID,
	E_GUID,
	E_UPDATED,
	E_PUBLISHED,
	E_LANGUAGE,
	E_AUTHOR,
	E_DC_CREATOR,
	E_CONTRIBUTOR,
	E_DC_CONTRIBUTOR,
	E_IMAGE,
	E_ICON,
	E_LOGO,
	E_GENERATOR,
	E_CATEGORY,
	E_TAGS,
	E_ENCLOSURE,
	E_SOURCE,
	E_COMMENTS,
	E_ITEM,
	E_CHANNEL,
	E_TTL,
	E_SY_PERIOD,
	E_SY_FREQ,
	E_MEDIA_CONTENT,
	E_MEDIA_GROUP,
	E_MEDIA_THUMBNAIL,
	E_MEDIA_TITLE,
	E_MEDIA_DESCRIPTION,
	E_MEDIA_CREDIT,
	E_NAME,
	E_EMAIL,
	E_URI,
	E_URL,
	E_GENERATOR_AGENT,
	E_ABSTRACT,
};

struct elem_name {
	const char *name;
	enum elem id;
};

static const struct elem_name feed_elems[] = {
    {"title", E_TITLE},
    {"link", E_LINK},
    {"description", E_DESCRIPTION},
    {"abstract", E_ABSTRACT},        /* CDF: a plain-text description */
    {"item", E_ITEM},
    {"entry", E_ITEM},
    {"guid", E_GUID},
    {"pubDate", E_PUBLISHED},
    {"updated", E_UPDATED},
    {"id", E_ID},
    {"summary", E_SUMMARY},
    {"content", E_CONTENT},
    {"published", E_PUBLISHED},
    {"author", E_AUTHOR},
    {"category", E_CATEGORY},
    {"enclosure", E_ENCLOSURE},
    {"comments", E_COMMENTS},
    {"channel", E_CHANNEL},
    {"subtitle", E_SUBTITLE},
    {"tagline", E_SUBTITLE},
    {"rights", E_RIGHTS},
    {"copyright", E_RIGHTS},
    {"lastBuildDate", E_UPDATED},
    {"modified", E_UPDATED},
    {"issued", E_PUBLISHED},
    {"language", E_LANGUAGE},
    {"managingEditor", E_AUTHOR},
    {"contributor", E_CONTRIBUTOR},
    {"image", E_IMAGE},
    {"icon", E_ICON},
    {"logo", E_LOGO},
    {"generator", E_GENERATOR},
    {"source", E_SOURCE},
    {"ttl", E_TTL},
    {"fullitem", E_CONTENT_ENCODED},
    {"body", E_BODY},
    {"tags", E_TAGS},
    {"name", E_NAME},
    {"email", E_EMAIL},
    {"uri", E_URI},
    {"url", E_URL},
    {"homepage", E_URI},
    {"lastbuilddate", E_UPDATED},
    {"pubdate", E_PUBLISHED},
    {"managingeditor", E_AUTHOR},
};

/* An undeclared prefix leaves libxml2 with no namespace and the whole
 * "dc:title" as name; the usual prefixes are recognised by name then. */
static enum ns_class
prefix_class(const char **name)
{
	static const struct {
		const char *prefix;
		enum ns_class cls;
	} prefixes[] = {
	    {"dc", NS_DC},	     {"dcterms", NS_DCTERMS},
	    {"content", NS_CONTENT}, {"media", NS_MEDIA},
	    {"sy", NS_SY},	     {"xhtml", NS_XHTML},
	    {"rdf", NS_RDF},	     {"admin", NS_ADMIN},
	    {"atom", NS_FEED},	     {"atom10", NS_FEED},
	    {"atom03", NS_FEED},
	};
	const char *colon = strchr(*name, ':');

	if (!colon)
		return NS_FEED;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i].prefix);

		if ((size_t)(colon - *name) == n &&
		    memcmp(*name, prefixes[i].prefix, n) == 0) {
			*name = colon + 1;
			return prefixes[i].cls;
		}
	}
	return NS_OTHER;
}

static enum elem
elem_of(struct feed_parser *p, const xmlNode *n)
{
	const char *name = (const char *)n->name;
	enum ns_class cls = n->ns ? ns_class(p, n) : prefix_class(&name);

	switch (cls) {
	case NS_FEED:
		for (size_t i = 0;
		     i < sizeof(feed_elems) / sizeof(feed_elems[0]); i++)
			if (str_tolower((unsigned char)name[0]) ==
				str_tolower(
				    (unsigned char)feed_elems[i].name[0]) &&
			    str_casecmp(name, feed_elems[i].name) == 0)
				return feed_elems[i].id;
		return E_NONE;
	case NS_DC:
		if (str_casecmp(name, "title") == 0)
			return E_TITLE;
		if (str_casecmp(name, "creator") == 0 ||
		    str_casecmp(name, "author") == 0)
			return E_DC_CREATOR;
		if (str_casecmp(name, "date") == 0)
			return E_UPDATED;
		if (str_casecmp(name, "description") == 0)
			return E_DESCRIPTION;
		if (str_casecmp(name, "language") == 0)
			return E_LANGUAGE;
		if (str_casecmp(name, "rights") == 0)
			return E_RIGHTS;
		if (str_casecmp(name, "subject") == 0)
			return E_CATEGORY;
		if (str_casecmp(name, "contributor") == 0)
			return E_DC_CONTRIBUTOR;
		return E_NONE;
	case NS_DCTERMS:
		if (str_casecmp(name, "modified") == 0)
			return E_UPDATED;
		if (str_casecmp(name, "issued") == 0)
			return E_PUBLISHED;
		return E_NONE;
	case NS_CONTENT:
		return str_casecmp(name, "encoded") == 0 ? E_CONTENT_ENCODED
							 : E_NONE;
	case NS_XHTML:
		return str_casecmp(name, "body") == 0 ? E_BODY : E_NONE;
	case NS_SY:
		if (str_casecmp(name, "updatePeriod") == 0)
			return E_SY_PERIOD;
		if (str_casecmp(name, "updateFrequency") == 0)
			return E_SY_FREQ;
		return E_NONE;
	case NS_MEDIA:
		if (str_casecmp(name, "content") == 0)
			return E_MEDIA_CONTENT;
		if (str_casecmp(name, "group") == 0)
			return E_MEDIA_GROUP;
		if (str_casecmp(name, "thumbnail") == 0)
			return E_MEDIA_THUMBNAIL;
		if (str_casecmp(name, "title") == 0)
			return E_MEDIA_TITLE;
		if (str_casecmp(name, "description") == 0)
			return E_MEDIA_DESCRIPTION;
		if (str_casecmp(name, "credit") == 0)
			return E_MEDIA_CREDIT;
		return E_NONE;
	case NS_ADMIN:
		return str_casecmp(name, "generatorAgent") == 0
			   ? E_GENERATOR_AGENT
			   : E_NONE;
	case NS_RDF:
	case NS_OTHER:
		break;
	}
	return E_NONE;
}

/* An attribute without namespace (or with the given one), or NULL. */
static const char *
attr(const xmlNode *el, const char *name)
{
	for (const xmlAttr *at = el->properties; at; at = at->next) {
		if (str_casecmp((const char *)at->name, name) == 0 &&
		    (!at->ns || !at->ns->prefix ||
		     strcmp((const char *)at->ns->prefix, "xml") != 0)) {
			const xmlNode *v = at->children;
			return v && v->content ? (const char *)v->content : "";
		}
	}
	return NULL;
}

/* An attribute as an arena string, trimmed and lower-cased (for rel and
 * type values, which compare without case), or NULL. */
static const char *
attr_lower(struct feed_parser *p, const xmlNode *el, const char *name)
{
	const char *v = attr(el, name);
	struct str t;
	char *r;

	if (!v)
		return NULL;
	t = str_trim(str_of(v));
	r = arena_strndup(p->a, t.p, t.len);
	for (char *q = r; *q; q++)
		*q = (char)str_tolower((unsigned char)*q);
	return r;
}

/* An attribute as an arena string, trimmed, or NULL. */
static const char *
attr_dup(struct feed_parser *p, const xmlNode *el, const char *name)
{
	const char *v = attr(el, name);
	struct str t;

	if (!v)
		return NULL;
	t = str_trim(str_of(v));
	return arena_strndup(p->a, t.p, t.len);
}

/*
 * False for a base no URL can be resolved against: an authority with an
 * unbalanced '[' or ']' (a broken IPv6 literal, which Python's urljoin
 * refuses, so feedparser keeps the outer base).
 */
static bool
base_is_valid(const char *b)
{
	const char *q = strstr(b, "://"), *end, *open, *close;

	if (!q)
		return true;
	q += 3;
	end = q + strcspn(q, "/?#");
	open = memchr(q, '[', (size_t)(end - q));
	close = memchr(q, ']', (size_t)(end - q));
	if (!open && !close)
		return true;
	return open && close && open < close &&
	    (close + 1 == end || close[1] == ':');
}

static void
scope_base(struct feed_parser *p, struct feed_scope *out,
	   const struct feed_scope *in, const char *v)
{
	const char *b = feed_resolve(p, in->base, arena_strdup(p->a, v));

	/* an unsafe base (javascript:) or a broken one is no base */
	if (b && url_is_safe(b) && base_is_valid(b))
		out->base = b;
}

static void
scope_enter(struct feed_parser *p, struct feed_scope *out,
	    const struct feed_scope *in, const xmlNode *el)
{
	bool has_xml_base = false;
	const char *plain_base;

	*out = *in;
	for (const xmlAttr *at = el->properties; at; at = at->next) {
		const char *v;

		if (!at->ns || !at->ns->href ||
		    strcmp((const char *)at->ns->href,
			   "http://www.w3.org/XML/1998/namespace") != 0)
			continue;
		v = at->children && at->children->content
			? (const char *)at->children->content
			: "";
		if (strcmp((const char *)at->name, "base") == 0) {
			scope_base(p, out, in, v);
			has_xml_base = true;
		} else if (strcmp((const char *)at->name, "lang") == 0) {
			if (!*v) {
				out->lang = NULL;
			} else {
				char *l = arena_strdup(p->a, v);
				for (char *q = l; *q; q++)
					if (*q == '_')
						*q = '-';
				out->lang = l;
			}
		}
	}
	/* A plain BASE attribute (CDF's) is a base too, as feedparser has
	 * it, when there is no xml:base. */
	if (!has_xml_base && (plain_base = attr(el, "base")))
		scope_base(p, out, in, plain_base);
}

/* --- objects --- */

static const char *
resolved_text(struct feed_parser *p, const xmlNode *el,
	      const struct feed_scope *sc)
{
	const char *t = feed_node_text(p, el);

	return *t ? feed_resolve(p, sc->base, t) : t;
}

static bool
is_web_url(const char *s)
{
	return s && (str_istarts_with(str_of(s), "http://") ||
		     str_istarts_with(str_of(s), "https://"));
}

static bool
is_html_mime(const char *t)
{
	return t && (str_casecmp(t, "text/html") == 0 ||
		     str_casecmp(t, "application/xhtml+xml") == 0);
}

/* The entry's media object for url: the one already there (an enclosure
 * and a media:content often name the same photo), else a new one; NULL
 * when the list is full. */
static struct feed_media *
media_for(struct feed_parser *p, struct feed_entry *e, const char *url)
{
	struct feed_media *m;

	for (size_t i = 0; i < e->n_media; i++)
		if (e->media[i].url && strcmp(e->media[i].url, url) == 0)
			return &e->media[i];
	if (e->n_media >= FEED_MAX_MEDIA)
		return NULL;
	m = feed_vec_push(p->a, &e->media, &e->n_media, sizeof(*m));
	m->url = url;
	return m;
}

static void
add_enclosure(struct feed_parser *p, struct feed_entry *e, const char *href,
	      const char *length, const char *type)
{
	struct feed_enclosure *enc;

	if (!e || e->n_enclosures >= FEED_MAX_LIST)
		return;
	enc =
	    feed_vec_push(p->a, &e->enclosures, &e->n_enclosures, sizeof(*enc));
	enc->href = href;
	enc->length = length;
	enc->type = type;
	if (href && type && str_istarts_with(str_of(type), "image/")) {
		struct feed_media *m = media_for(p, e, href);

		if (m) {
			if (!m->type)
				m->type = type;
			if (!m->medium)
				m->medium = "image";
		}
	}
}

/* An Atom link (href attribute) or an RSS link (text). */
static void
read_link(struct feed_parser *p, struct feed_link **links, size_t *n_links,
	  const char **link, struct feed_entry *e, const xmlNode *el,
	  const struct feed_scope *sc)
{
	const char *href = attr(el, "href");
	struct feed_link *l;

	if (!href)
		href = attr(el, "url");
	if (!href)
		href = attr(el, "uri");
	if (href) {
		struct str t = str_trim(str_of(href));
		href =
		    feed_resolve(p, sc->base, arena_strndup(p->a, t.p, t.len));
	} else {
		href = resolved_text(p, el, sc);
	}
	/* a link to nowhere is no link (Atom <link rel="enclosure"/>) */
	if (!*href || *n_links >= FEED_MAX_LIST)
		return;
	l = feed_vec_push(p->a, links, n_links, sizeof(*l));
	l->href = *href ? href : NULL;
	l->rel = attr_lower(p, el, "rel");
	if (!l->rel || !*l->rel)
		l->rel = "alternate";
	l->type = attr_lower(p, el, "type");
	if (!l->type)
		l->type = strcmp(l->rel, "self") == 0 ? "application/atom+xml"
						      : "text/html";
	l->title = attr_dup(p, el, "title");
	l->hreflang = attr_dup(p, el, "hreflang");
	l->length = attr_dup(p, el, "length");
	/* the first alternate HTML link is the link */
	if (strcmp(l->rel, "alternate") == 0 && is_html_mime(l->type) &&
	    *href && (!*link || !**link))
		*link = href;
	if (strcmp(l->rel, "enclosure") == 0 && e && l->href)
		add_enclosure(p, e, l->href, l->length, l->type);
}

/*
 * Channel Definition Format: a CHANNEL or ITEM element says its link in an
 * HREF attribute and its date in LASTMOD (feedparser reads both on any
 * channel or item; later elements still overwrite them).
 */
static void
read_cdf_attrs(struct feed_parser *p, struct feed_link **links,
	       size_t *n_links, const char **link, struct feed_date *updated,
	       const xmlNode *el, const struct feed_scope *sc)
{
	const char *href = attr_dup(p, el, "href");
	const char *lastmod = attr_dup(p, el, "lastmod");
	struct feed_link *l;

	if (lastmod && *lastmod)
		feed_date_set(p, updated, lastmod);
	if (!href || !*href || *n_links >= FEED_MAX_LIST)
		return;
	href = feed_resolve(p, sc->base, href);
	if (!href || !*href)
		return;
	l = feed_vec_push(p->a, links, n_links, sizeof(*l));
	l->href = href;
	l->rel = "alternate";
	l->type = "text/html";
	if (!*link || !**link)
		*link = href;
}

static void
add_tag(struct feed_parser *p, struct feed_tag **tags, size_t *n, const char *term,
	const char *scheme, const char *label)
{
	struct feed_tag *t;

	if ((!term || !*term) && !scheme && !label)
		return;
	if (term && !*term)
		term = NULL;
	for (size_t i = 0; i < *n; i++) {
		const struct feed_tag *o = &(*tags)[i];
		if ((o->term == term ||
		     (o->term && term && !strcmp(o->term, term))) &&
		    (o->scheme == scheme ||
		     (o->scheme && scheme && !strcmp(o->scheme, scheme))) &&
		    (o->label == label ||
		     (o->label && label && !strcmp(o->label, label))))
			return;
	}
	if (*n >= FEED_MAX_TAGS)
		return;
	t = feed_vec_push(p->a, tags, n, sizeof(*t));
	t->term = term;
	t->scheme = scheme;
	t->label = label;
}

static void
read_category(struct feed_parser *p, struct feed_tag **tags, size_t *n,
	      const xmlNode *el)
{
	const char *term = attr_dup(p, el, "term");
	const char *scheme = attr_dup(p, el, "scheme");
	const char *text = feed_node_text(p, el);

	if (!scheme)
		scheme = attr_dup(p, el, "domain");
	if (!term || !*term)
		term = *text ? text : term;
	add_tag(p, tags, n, term, scheme, attr_dup(p, el, "label"));
}

static void
read_tags(struct feed_parser *p, struct feed_tag **tags, size_t *n,
	  const xmlNode *el)
{
	const char *s = feed_node_text(p, el), *comma;

	while (*s) {
		struct str t;

		comma = strchr(s, ',');
		t = str_trim(
		    str_make(s, comma ? (size_t)(comma - s) : strlen(s)));
		if (t.len)
			add_tag(p, tags, n, arena_strndup(p->a, t.p, t.len),
				NULL, NULL);
		if (!comma)
			break;
		s = comma + 1;
	}
}

/* Atom person construct: name, email, uri children. */
static void
read_person(struct feed_parser *p, struct feed_person *pr, const xmlNode *el,
	    const struct feed_scope *sc)
{
	for (const xmlNode *c = el->children; c; c = c->next) {
		struct feed_scope cs;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		switch (elem_of(p, c)) {
		case E_NAME:
			pr->name = feed_node_text(p, c);
			break;
		case E_EMAIL:
			pr->email = feed_node_text(p, c);
			break;
		case E_URI:
		case E_URL:
			scope_enter(p, &cs, sc, c);
			pr->href = resolved_text(p, c, &cs);
			break;
		default:
			break;
		}
	}
}

static const char *
person_display(struct feed_parser *p, const struct feed_person *pr)
{
	if (pr->name && *pr->name && pr->email && *pr->email)
		return arena_printf(p->a, "%s (%s)", pr->name, pr->email);
	if (pr->name && *pr->name)
		return pr->name;
	if (pr->email && *pr->email)
		return pr->email;
	return NULL;
}

/* author, managingEditor, dc:creator: Atom person or RSS text. */
static void
read_author(struct feed_parser *p, const char **author, struct feed_person **detail,
	    struct feed_person **list, size_t *n, const xmlNode *el,
	    const struct feed_scope *sc)
{
	struct feed_person *pr;
	const char *display;

	if (*n >= FEED_MAX_LIST)
		return;
	pr = feed_vec_push(p->a, list, n, sizeof(*pr));
	if (feed_has_element_child(el)) {
		read_person(p, pr, el, sc);
		display = person_display(p, pr);
	} else {
		display = feed_node_text(p, el);
		feed_person_split(p, pr, display);
		if (!*display)
			display = NULL;
	}
	/* author/author_detail describe the first author */
	if (*n == 1) {
		if (display)
			*author = display;
		*detail = pr;
	}
}

static void
read_contributor(struct feed_parser *p, struct feed_person **list, size_t *n,
		 const xmlNode *el, const struct feed_scope *sc, bool is_dc)
{
	struct feed_person *pr;

	if (*n >= FEED_MAX_LIST)
		return;
	pr = feed_vec_push(p->a, list, n, sizeof(*pr));
	if (is_dc || !feed_has_element_child(el))
		pr->name = feed_node_text(p, el);
	else
		read_person(p, pr, el, sc);
}

static void
read_generator(struct feed_parser *p, struct feed_head *h, const xmlNode *el,
	       const struct feed_scope *sc)
{
	struct feed_generator *g = arena_zalloc(p->a, sizeof(*g));
	const char *href = attr_dup(p, el, "uri");

	if (!href)
		href = attr_dup(p, el, "url");
	if (!href)
		href = attr_dup(p, el, "href");
	g->href = href ? feed_resolve(p, sc->base, href) : NULL;
	g->version = attr_dup(p, el, "version");
	g->name = feed_node_text(p, el);
	h->generator = g->name;
	h->generator_detail = g;
}

static void
read_image(struct feed_parser *p, struct feed_head *h, const xmlNode *el,
	   const struct feed_scope *sc)
{
	struct feed_image *im = arena_zalloc(p->a, sizeof(*im));

	for (const xmlNode *c = el->children; c; c = c->next) {
		struct feed_scope cs;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		scope_enter(p, &cs, sc, c);
		switch (elem_of(p, c)) {
		case E_URL:
		case E_URI:
			im->href = resolved_text(p, c, &cs);
			break;
		case E_TITLE:
			im->title = feed_node_text(p, c);
			break;
		case E_LINK:
			im->link = resolved_text(p, c, &cs);
			break;
		default:
			if (strcmp((const char *)c->name, "href") == 0)
				im->href = resolved_text(p, c, &cs);
			break;
		}
	}
	h->image = im;
}

static int
read_int(struct feed_parser *p, const xmlNode *el, int max)
{
	long long v;

	if (parse_int(feed_node_text(p, el), 0, max, &v) < 0)
		return 0;
	return (int)v;
}

static int
period_minutes(const char *s)
{
	if (strcmp(s, "hourly") == 0)
		return 60;
	if (strcmp(s, "daily") == 0)
		return 60 * 24;
	if (strcmp(s, "weekly") == 0)
		return 60 * 24 * 7;
	if (strcmp(s, "monthly") == 0)
		return 60 * 24 * 30;
	if (strcmp(s, "yearly") == 0)
		return 60 * 24 * 365;
	return 0;
}

/* --- Media RSS --- */

struct media_extra {
	const char *title, *caption, *credit, *thumbnail;
};

static void
read_media_extra(struct feed_parser *p, struct media_extra *x, enum elem id,
		 const xmlNode *el, const struct feed_scope *sc)
{
	const char *u;

	switch (id) {
	case E_MEDIA_TITLE:
		x->title = feed_node_text(p, el);
		break;
	case E_MEDIA_DESCRIPTION:
		x->caption = feed_node_text(p, el);
		break;
	case E_MEDIA_CREDIT:
		if (!x->credit)
			x->credit = feed_node_text(p, el);
		break;
	case E_MEDIA_THUMBNAIL:
		if (!x->thumbnail && (u = attr_dup(p, el, "url")) && *u)
			x->thumbnail = feed_resolve(p, sc->base, u);
		break;
	default:
		break;
	}
}

static void
media_fill(struct feed_media *m, const struct media_extra *x)
{
	if (!m->title)
		m->title = x->title;
	if (!m->caption)
		m->caption = x->caption;
	if (!m->credit)
		m->credit = x->credit;
	if (!m->thumbnail)
		m->thumbnail = x->thumbnail;
}

static void
read_media_content(struct feed_parser *p, struct feed_entry *e,
		   const xmlNode *el, const struct feed_scope *sc)
{
	struct feed_media *m;
	struct media_extra x = {0};
	const char *url = attr_dup(p, el, "url"), *t;
	long long v;

	if (!url || !*url ||
	    !(m = media_for(p, e, feed_resolve(p, sc->base, url))))
		return;
	if ((t = attr_dup(p, el, "type")))
		m->type = t;
	if ((t = attr_dup(p, el, "medium")))
		m->medium = t;
	if (!m->medium && m->type &&
	    str_istarts_with(str_of(m->type), "image/"))
		m->medium = "image";
	if (attr(el, "width") &&
	    parse_int(attr(el, "width"), 0, 100000, &v) == 0)
		m->width = (int)v;
	if (attr(el, "height") &&
	    parse_int(attr(el, "height"), 0, 100000, &v) == 0)
		m->height = (int)v;
	for (const xmlNode *c = el->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			read_media_extra(p, &x, elem_of(p, c), c, sc);
	media_fill(m, &x);
}

static void
read_media_group(struct feed_parser *p, struct feed_entry *e, const xmlNode *el,
		 const struct feed_scope *sc)
{
	struct media_extra x = {0};
	size_t first = e->n_media;

	for (const xmlNode *c = el->children; c; c = c->next) {
		enum elem id;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		id = elem_of(p, c);
		if (id == E_MEDIA_CONTENT)
			read_media_content(p, e, c, sc);
		else
			read_media_extra(p, &x, id, c, sc);
	}
	for (size_t i = first; i < e->n_media; i++)
		media_fill(&e->media[i], &x);
}

/* --- feed and entries --- */

static void walk_head(struct feed_parser *p, struct feed_head *h,
		      const xmlNode *el, const struct feed_scope *sc,
		      bool is_source, int depth);

static void
text_or_content(struct feed_parser *p, struct feed_entry *e, const xmlNode *el,
		const struct feed_scope *sc, const char *deftype,
		bool is_summary)
{
	struct feed_text *t;

	/* a second summary/description, before any content, is content */
	if (is_summary && (!e->summary.value || e->n_content)) {
		feed_text_read(p, &e->summary, el, sc, deftype);
		return;
	}
	if (e->n_content >= FEED_MAX_LIST)
		return;
	/* (feedparser reads a second description as content of type
	 * text/plain unless it says otherwise; HTML guessing still applies) */
	if (is_summary)
		deftype = "text/plain";
	t = feed_vec_push(p->a, &e->content, &e->n_content, sizeof(*t));
	feed_text_read(p, t, el, sc, deftype);
}

static void
read_rss_source(struct feed_parser *p, struct feed_entry *e, const xmlNode *el,
		const struct feed_scope *sc)
{
	struct feed_head *s = arena_zalloc(p->a, sizeof(*s));
	const char *url = attr_dup(p, el, "url");

	s->href = url ? feed_resolve(p, sc->base, url) : NULL;
	s->title.value = feed_node_text(p, el);
	s->title.type = "text/plain";
	s->title.base = sc->base;
	s->title.language = sc->lang;
	if (!*s->title.value)
		s->title.value = NULL;
	e->source = s;
}

static void
walk_entry(struct feed_parser *p, struct feed_entry *e, const xmlNode *el,
	   const struct feed_scope *esc)
{
	struct media_extra x = {0};
	const char *about = NULL;
	bool link_from_guid = false;

	for (const xmlAttr *at = el->properties; at; at = at->next)
		if (strcmp((const char *)at->name, "about") == 0 && at->ns &&
		    at->children && at->children->content)
			about = (const char *)at->children->content;
	if (about)
		e->id = arena_strdup(p->a, about);
	read_cdf_attrs(p, &e->links, &e->n_links, &e->link, &e->updated, el,
		       esc);

	for (const xmlNode *c = el->children; c; c = c->next) {
		struct feed_scope sc;
		enum elem id;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((id = elem_of(p, c)) == E_NONE)
			continue;
		scope_enter(p, &sc, esc, c);
		switch (id) {
		case E_TITLE:
			/* the first non-empty title wins (title, then dc:title)
			 */
			if (!e->title.value || !*e->title.value)
				feed_text_read(p, &e->title, c, &sc,
					       "text/plain");
			break;
		case E_DESCRIPTION:
			text_or_content(p, e, c, &sc, "text/html", true);
			break;
		case E_ABSTRACT:
			text_or_content(p, e, c, &sc, "text/plain", true);
			break;
		case E_SUMMARY:
			text_or_content(p, e, c, &sc, "text/plain", true);
			break;
		case E_SUBTITLE:
			break;
		case E_CONTENT:
			text_or_content(p, e, c, &sc, "text/plain", false);
			break;
		case E_CONTENT_ENCODED:
			text_or_content(p, e, c, &sc, "text/html", false);
			break;
		case E_BODY:
			text_or_content(p, e, c, &sc, "application/xhtml+xml",
					false);
			break;
		case E_RIGHTS:
			feed_text_read(p, &e->rights, c, &sc, "text/plain");
			break;
		case E_LINK: {
			const char *before = e->link;

			/* a <link> after a permalink guid still is the link */
			if (link_from_guid)
				e->link = NULL;
			read_link(p, &e->links, &e->n_links, &e->link, e, c,
				  &sc);
			if (e->link)
				link_from_guid = false;
			else
				e->link = before;
			break;
		}
		case E_ID:
			e->id = resolved_text(p, c, &sc);
			break;
		case E_GUID: {
			const char *pl = attr(c, "isPermaLink");
			bool is_link = !pl || strcmp(pl, "true") == 0;

			e->id = is_link ? resolved_text(p, c, &sc)
					: feed_node_text(p, c);
			if (is_link && *e->id && (!e->link || link_from_guid)) {
				e->link = e->id;
				link_from_guid = true;
			}
			break;
		}
		case E_UPDATED:
			feed_date_set(p, &e->updated, feed_node_text(p, c));
			break;
		case E_PUBLISHED:
			feed_date_set(p, &e->published, feed_node_text(p, c));
			break;
		case E_LANGUAGE:
			e->language = feed_node_text(p, c);
			break;
		case E_AUTHOR:
		case E_DC_CREATOR:
			read_author(p, &e->author, &e->author_detail,
				    &e->authors, &e->n_authors, c, &sc);
			break;
		case E_CONTRIBUTOR:
		case E_DC_CONTRIBUTOR:
			read_contributor(p, &e->contributors,
					 &e->n_contributors, c, &sc,
					 id == E_DC_CONTRIBUTOR);
			break;
		case E_CATEGORY:
			read_category(p, &e->tags, &e->n_tags, c);
			break;
		case E_TAGS:
			read_tags(p, &e->tags, &e->n_tags, c);
			break;
		case E_ENCLOSURE: {
			const char *href = attr_dup(p, c, "url");
			struct feed_link *l;

			if (!href)
				href = attr_dup(p, c, "href");
			if (href)
				href = feed_resolve(p, sc.base, href);
			if (e->n_links < FEED_MAX_LIST) {
				l = feed_vec_push(p->a, &e->links, &e->n_links,
						  sizeof(*l));
				l->rel = "enclosure";
				l->href = href;
				l->length = attr_dup(p, c, "length");
				l->type = attr_lower(p, c, "type");
				add_enclosure(p, e, href, l->length, l->type);
			}
			break;
		}
		case E_SOURCE:
			if (feed_has_element_child(c)) {
				e->source =
				    arena_zalloc(p->a, sizeof(*e->source));
				walk_head(p, e->source, c, &sc, true, 1);
			} else {
				read_rss_source(p, e, c, &sc);
			}
			break;
		case E_COMMENTS:
			e->comments = resolved_text(p, c, &sc);
			break;
		case E_MEDIA_CONTENT:
			read_media_content(p, e, c, &sc);
			break;
		case E_MEDIA_GROUP:
			read_media_group(p, e, c, &sc);
			break;
		case E_MEDIA_THUMBNAIL:
		case E_MEDIA_TITLE:
		case E_MEDIA_DESCRIPTION:
		case E_MEDIA_CREDIT:
			read_media_extra(p, &x, id, c, &sc);
			break;
		default:
			break;
		}
	}

	/* item-level media:* describe the item's media */
	for (size_t i = 0; i < e->n_media; i++)
		media_fill(&e->media[i], &x);
	if (!e->n_media && x.thumbnail && *x.thumbnail) {
		struct feed_media *m = media_for(p, e, x.thumbnail);

		m->medium = "image";
		media_fill(m, &x);
	}
	/* an Atom entry without an alternate link is reachable at its id
	 * when that is a web address (feedparser treats ids as permalinks) */
	if (!e->link && p->is_atom && is_web_url(e->id))
		e->link = e->id;
	/* full content alone also serves as the summary */
	if (!e->summary.value && e->n_content) {
		const char *t = e->content[0].type;
		if (strcmp(t, "text/plain") == 0 || is_html_mime(t))
			e->summary = e->content[0];
	}
}

static void
add_entry(struct feed_parser *p, const xmlNode *el, const struct feed_scope *sc)
{
	struct feed *f = p->f;
	struct feed_entry *e;

	if (f->n_entries >= p->max_entries) {
		feed_bozo(p, "too many entries: the rest were dropped");
		return;
	}
	e = feed_vec_push(p->a, &f->entries, &f->n_entries, sizeof(*e));
	walk_entry(p, e, el, sc);
}

/* Items inside elements the walker does not know, which is what recovery
 * makes of an unclosed <itunes:category> before the items. */
static void
find_items(struct feed_parser *p, const xmlNode *el,
	   const struct feed_scope *psc, int depth)
{
	for (const xmlNode *c = el->children; c; c = c->next) {
		struct feed_scope sc;

		if (c->type != XML_ELEMENT_NODE || !c->children)
			continue;
		scope_enter(p, &sc, psc, c);
		if (elem_of(p, c) == E_ITEM)
			add_entry(p, c, &sc);
		else if (depth < 8)
			find_items(p, c, &sc, depth + 1);
	}
}

static void
walk_head(struct feed_parser *p, struct feed_head *h, const xmlNode *el,
	  const struct feed_scope *hsc, bool is_source, int depth)
{
	int period = 0, freq = 0;

	if (!is_source && str_casecmp((const char *)el->name, "channel") == 0)
		read_cdf_attrs(p, &h->links, &h->n_links, &h->link,
			       &h->updated, el, hsc);
	for (const xmlNode *c = el->children; c; c = c->next) {
		struct feed_scope sc;
		enum elem id;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((id = elem_of(p, c)) == E_NONE) {
			if (!is_source && p->f->bozo && c->children) {
				scope_enter(p, &sc, hsc, c);
				find_items(p, c, &sc, 0);
			}
			continue;
		}
		scope_enter(p, &sc, hsc, c);
		switch (id) {
		case E_TITLE:
			if (!h->title.value || !*h->title.value)
				feed_text_read(p, &h->title, c, &sc,
					       "text/plain");
			break;
		case E_SUBTITLE:
			feed_text_read(p, &h->subtitle, c, &sc, "text/plain");
			break;
		case E_DESCRIPTION:
			feed_text_read(p, &h->subtitle, c, &sc, "text/html");
			break;
		case E_ABSTRACT:
			feed_text_read(p, &h->subtitle, c, &sc, "text/plain");
			break;
		case E_RIGHTS:
			feed_text_read(p, &h->rights, c, &sc, "text/plain");
			break;
		case E_LINK:
			read_link(p, &h->links, &h->n_links, &h->link, NULL, c,
				  &sc);
			break;
		case E_ID:
			h->id = resolved_text(p, c, &sc);
			break;
		case E_UPDATED:
			feed_date_set(p, &h->updated, feed_node_text(p, c));
			break;
		case E_PUBLISHED:
			feed_date_set(p, &h->published, feed_node_text(p, c));
			break;
		case E_LANGUAGE:
			h->language = feed_node_text(p, c);
			break;
		case E_AUTHOR:
		case E_DC_CREATOR:
			read_author(p, &h->author, &h->author_detail,
				    &h->authors, &h->n_authors, c, &sc);
			break;
		case E_CONTRIBUTOR:
		case E_DC_CONTRIBUTOR:
			read_contributor(p, &h->contributors,
					 &h->n_contributors, c, &sc,
					 id == E_DC_CONTRIBUTOR);
			break;
		case E_IMAGE:
			read_image(p, h, c, &sc);
			break;
		case E_ICON:
			h->icon = resolved_text(p, c, &sc);
			break;
		case E_LOGO: {
			const char *href = attr_dup(p, c, "href");

			h->logo = resolved_text(p, c, &sc);
			/* CDF: <LOGO HREF="..."/> */
			if (!*h->logo && href && *href)
				h->logo = feed_resolve(p, sc.base, href);
			break;
		}
		case E_GENERATOR:
			read_generator(p, h, c, &sc);
			break;
		case E_GENERATOR_AGENT: {
			/* <admin:generatorAgent rdf:resource="URL"/> */
			const char *res = NULL;

			for (const xmlAttr *at = c->properties; at;
			     at = at->next)
				if (strcmp((const char *)at->name,
					   "resource") == 0 &&
				    at->children && at->children->content)
					res =
					    (const char *)at->children->content;
			if (res) {
				h->generator_detail = arena_zalloc(
				    p->a, sizeof(*h->generator_detail));
				h->generator_detail->href = feed_resolve(
				    p, sc.base, arena_strdup(p->a, res));
				h->generator = h->generator_detail->href;
			}
			break;
		}
		case E_CATEGORY:
			read_category(p, &h->tags, &h->n_tags, c);
			break;
		case E_TAGS:
			read_tags(p, &h->tags, &h->n_tags, c);
			break;
		case E_TTL:
			h->ttl = read_int(p, c, 1000000);
			break;
		case E_SY_PERIOD:
			period = period_minutes(feed_node_text(p, c));
			break;
		case E_SY_FREQ:
			freq = read_int(p, c, 1000000);
			break;
		case E_ITEM:
			if (!is_source)
				add_entry(p, c, &sc);
			break;
		case E_CHANNEL:
			if (depth < 8)
				walk_head(p, h, c, &sc, is_source, depth + 1);
			break;
		default:
			break;
		}
	}
	if (period)
		h->update_minutes = period / (freq > 0 ? freq : 1);
	if (!h->link && p->is_atom && !is_source && is_web_url(h->id))
		h->link = h->id;
}

/* --- version detection --- */

static const char *
rss_version(const xmlNode *root, const xmlDoc *doc)
{
	const char *v = attr(root, "version");

	if (!v)
		return "rss";
	if (strcmp(v, "0.91") == 0) {
		/* Netscape's 0.91 names its DTD in the DOCTYPE */
		const xmlDtd *dtd = doc->intSubset;
		if (dtd &&
		    ((dtd->SystemID &&
		      strstr((const char *)dtd->SystemID, "netscape")) ||
		     (dtd->ExternalID &&
		      strstr((const char *)dtd->ExternalID, "Netscape"))))
			return "rss091n";
		return "rss091u";
	}
	if (strcmp(v, "0.92") == 0)
		return "rss092";
	if (strcmp(v, "0.93") == 0)
		return "rss093";
	if (strcmp(v, "0.94") == 0)
		return "rss094";
	if (strncmp(v, "2.", 2) == 0)
		return "rss20";
	return "rss";
}

static const char *
atom_version(const xmlNode *root)
{
	const char *v;

	if (root->ns && root->ns->href &&
	    strcmp((const char *)root->ns->href,
		   "http://www.w3.org/2005/Atom") == 0)
		return "atom10";
	v = attr(root, "version");
	if (v && strcmp(v, "0.3") == 0)
		return "atom03";
	if (v && strcmp(v, "0.2") == 0)
		return "atom02";
	if (v && strcmp(v, "0.1") == 0)
		return "atom01";
	return "atom";
}

/* RSS 1.0 and 0.90 are told apart by the namespace of their channel. */
static const char *
rdf_version(const xmlNode *root)
{
	for (const xmlNode *c = root->children; c; c = c->next) {
		const char *uri;

		if (c->type != XML_ELEMENT_NODE || !c->ns || !c->ns->href)
			continue;
		uri = (const char *)c->ns->href;
		if (strcmp(uri, "http://purl.org/rss/1.0/") == 0)
			return "rss10";
		if (strcmp(uri, "http://my.netscape.com/rdf/simple/0.9/") == 0)
			return "rss090";
	}
	for (const xmlNs *ns = root->nsDef; ns; ns = ns->next) {
		if (ns->href && strcmp((const char *)ns->href,
				       "http://purl.org/rss/1.0/") == 0)
			return "rss10";
		if (ns->href &&
		    strcmp((const char *)ns->href,
			   "http://my.netscape.com/rdf/simple/0.9/") == 0)
			return "rss090";
	}
	return "rss";
}

/* The element to treat as the feed: the root, or for documents wrapped in
 * something else, the first rss/RDF/feed/channel element below it. */
static const xmlNode *
find_feed(const xmlNode *n, int depth)
{
	for (; n; n = n->next) {
		const char *name;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)n->name;
		if (!str_casecmp(name, "rss") || !str_casecmp(name, "RDF") ||
		    !str_casecmp(name, "feed") || !str_casecmp(name, "channel"))
			return n;
		if (depth < 4) {
			const xmlNode *r = find_feed(n->children, depth + 1);
			if (r)
				return r;
		}
	}
	return NULL;
}

void
feed_xml_walk(struct feed_parser *p, xmlDoc *doc, const char *base,
	      const char *lang)
{
	struct feed *f = p->f;
	const xmlNode *root = xmlDocGetRootElement(doc), *top;
	struct feed_scope sc0 = {base, lang}, sc;
	const char *name;

	top = find_feed(root, 0);
	if (!top) {
		f->version = "";
		top = root;
	}
	name = (const char *)top->name;
	if (str_casecmp(name, "rss") == 0) {
		f->version = rss_version(top, doc);
	} else if (str_casecmp(name, "RDF") == 0) {
		f->version = rdf_version(top);
	} else if (str_casecmp(name, "feed") == 0) {
		f->version = atom_version(top);
		p->is_atom = true;
		p->is_atom10 = strcmp(f->version, "atom10") == 0;
	} else if (str_casecmp(name, "channel") == 0) {
		f->version = "rss";
	}

	scope_enter(p, &sc, &sc0, top);
	walk_head(p, &f->head, top, &sc, false, 0);
	/* language: <language>/dc:language, else the root's xml:lang, else
	 * Content-Language */
	if (!f->head.language && sc.lang)
		f->head.language = sc.lang;
}
