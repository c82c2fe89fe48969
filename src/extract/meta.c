/*
 * meta: title, byline, date, lead image and language of an article page.
 *
 * The content walk hands every <meta>, <title>, <link>, <script>, <time>,
 * <h1> and itemprop element it passes to meta_on_element, which keeps the
 * first candidate of each kind; meta_finish picks among them in a fixed
 * order of trust: JSON-LD and OpenGraph (written for machines), then meta
 * tags, then what the page shows. A date is kept only when parse_date
 * understands it; a title from <title> loses its " | Site" tail when the
 * h1 or og:title says the headline is shorter.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/url.h"
#include "extract/extract.h"
#include "extract/extract_int.h"
#include "parse/parse.h"
#include "core/banned.h"

#define META_MAX 1024        /* bytes kept of any one field */
#define LD_MAX (1u << 20)    /* JSON-LD block parsed, bytes */
#define LD_BLOCKS 8          /* JSON-LD blocks parsed per page */

char *
ex_squash(struct arena *a, const char *s, size_t len)
{
	char *o = arena_alloc(a, len + 1);
	size_t k = 0;
	bool sp = true;

	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || (c == 0xc2 && i + 1 < len &&
				  (unsigned char)s[i + 1] == 0xa0)) {
			if (c == 0xc2)
				i++;
			if (!sp)
				o[k++] = ' ';
			sp = true;
			continue;
		}
		o[k++] = (char)c;
		sp = false;
	}
	while (k && o[k - 1] == ' ')
		k--;
	o[k] = '\0';
	return o;
}

static const char *
keep(struct arena *a, const char *s)
{
	char *o;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n > META_MAX)
		n = META_MAX;
	o = ex_squash(a, s, n);
	return *o ? o : NULL;
}

const char *
meta_node_text(struct arena *a, xmlNode *root, size_t max)
{
	char buf[META_MAX + 1];
	size_t k = 0;
	xmlNode *n = root->children;

	/* iterative: no recursion on deep trees */
	while (n && n != root && k < max && k < META_MAX) {
		if (n->type == XML_TEXT_NODE && n->content) {
			size_t l = strlen((const char *)n->content);

			if (l > META_MAX - k)
				l = META_MAX - k;
			memcpy(buf + k, n->content, l);
			k += l;
			if (k < META_MAX)
				buf[k++] = ' ';
		}
		if (n->type == XML_ELEMENT_NODE && n->children &&
		    strcmp((const char *)n->name, "script") != 0 &&
		    strcmp((const char *)n->name, "style") != 0) {
			n = n->children;
			continue;
		}
		while (n != root && !n->next)
			n = n->parent;
		if (n == root)
			break;
		n = n->next;
	}
	/* do not cut a UTF-8 sequence in two */
	while (k && ((unsigned char)buf[k - 1] & 0xc0) == 0x80)
		k--;
	if (k && (unsigned char)buf[k - 1] >= 0xc0)
		k--;
	buf[k] = '\0';
	{
		char *o = ex_squash(a, buf, k);

		return *o ? o : NULL;
	}
}

/* ---- JSON-LD ------------------------------------------------------------- */

static bool
type_is_article(json_t *t)
{
	static const char *const kinds[] = {
	    "Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle",
	    "AnalysisNewsArticle", "OpinionNewsArticle", "Report",
	    "ScholarlyArticle", "TechArticle", "LiveBlogPosting", "WebPage",
	    "BackgroundNewsArticle", "Posting", "SocialMediaPosting",
	};

	if (json_is_array(t)) {
		size_t i;
		json_t *v;

		json_array_foreach(t, i, v)
			if (type_is_article(v))
				return true;
		return false;
	}
	if (!json_is_string(t))
		return false;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(json_string_value(t), kinds[i]) == 0)
			return true;
	return false;
}

static const char *
ld_name(json_t *v, int depth)
{
	if (depth > 3 || !v)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v))
		return json_array_size(v) ? ld_name(json_array_get(v, 0), depth + 1) :
					    NULL;
	if (json_is_object(v)) {
		json_t *n = json_object_get(v, "name");

		return json_is_string(n) ? json_string_value(n) : NULL;
	}
	return NULL;
}

static const char *
ld_url(json_t *v, int depth)
{
	if (depth > 3 || !v)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v))
		return json_array_size(v) ? ld_url(json_array_get(v, 0), depth + 1) :
					    NULL;
	if (json_is_object(v)) {
		json_t *n = json_object_get(v, "url");

		if (!n)
			n = json_object_get(v, "contentUrl");
		return json_is_string(n) ? json_string_value(n) : NULL;
	}
	return NULL;
}

static void
ld_object(struct meta *m, struct arena *a, json_t *o, int depth)
{
	json_t *t, *v;

	if (depth > 4)
		return;
	if (json_is_array(o)) {
		size_t i;

		json_array_foreach(o, i, v)
			if (i < 64)
				ld_object(m, a, v, depth + 1);
		return;
	}
	if (!json_is_object(o))
		return;
	if ((v = json_object_get(o, "@graph")))
		ld_object(m, a, v, depth + 1);
	t = json_object_get(o, "@type");
	if (!type_is_article(t))
		return;
	/* a WebPage only fills what an Article did not */
	if (!m->ld_type || strcmp(m->ld_type, "WebPage") == 0) {
		const char *ty = json_is_string(t) ? json_string_value(t) :
			"Article";
		bool is_page = strcmp(ty, "WebPage") == 0;

		if (!m->ld_type || !is_page)
			m->ld_type = arena_strdup(a, ty);
		if ((v = json_object_get(o, "headline")) && json_is_string(v) &&
		    (!m->ld_headline || !is_page))
			m->ld_headline = keep(a, json_string_value(v));
		if ((v = json_object_get(o, "author")) && (!m->ld_author || !is_page))
			m->ld_author = keep(a, ld_name(v, 0));
		if ((v = json_object_get(o, "datePublished")) &&
		    json_is_string(v) && (!m->ld_date || !is_page))
			m->ld_date = keep(a, json_string_value(v));
		if ((v = json_object_get(o, "image")) && (!m->ld_image || !is_page))
			m->ld_image = keep(a, ld_url(v, 0));
		if ((v = json_object_get(o, "articleBody")) && json_is_string(v) &&
		    !is_page)
			m->ld_body = arena_strdup(a, json_string_value(v));
		if ((v = json_object_get(o, "isAccessibleForFree")) &&
		    (json_is_false(v) ||
		     (json_is_string(v) &&
		      str_casecmp(json_string_value(v), "false") == 0)))
			m->ld_paywalled = true;
	}
}

static void
ld_script(struct meta *m, struct arena *a, xmlNode *n)
{
	xmlNode *c = n->children;
	json_t *j;
	const char *s;
	size_t len;

	if (m->n_ld >= LD_BLOCKS || !c || !c->content)
		return;
	m->n_ld++;
	s = (const char *)c->content;
	len = strlen(s);
	if (len > LD_MAX)
		return;
	j = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!j)
		return;
	ld_object(m, a, j, 0);
	json_decref(j);
}

/* ---- elements ------------------------------------------------------------ */

#define SET_ONCE(field, val)                                                   \
	do {                                                                   \
		if (!(field))                                                  \
			(field) = keep(a, (val));                              \
	} while (0)

void
meta_on_element(struct meta *m, struct arena *a, xmlNode *n, const char *tag)
{
	const char *k, *v;

	if (strcmp(tag, "meta") == 0) {
		if (!(v = ex_attr(n, "content")) || !*v)
			return;
		if (!(k = ex_attr(n, "property")) && !(k = ex_attr(n, "name")) &&
		    !(k = ex_attr(n, "itemprop")) &&
		    !(k = ex_attr(n, "http-equiv")))
			return;
		if (!str_casecmp(k, "og:title"))
			SET_ONCE(m->og_title, v);
		else if (!str_casecmp(k, "twitter:title"))
			SET_ONCE(m->tw_title, v);
		else if (!str_casecmp(k, "author") ||
			 !str_casecmp(k, "article:author") ||
			 !str_casecmp(k, "dc.creator") ||
			 !str_casecmp(k, "dcterms.creator") ||
			 !str_casecmp(k, "sailthru.author") ||
			 !str_casecmp(k, "parsely-author") ||
			 !str_casecmp(k, "byl")) {
			/* article:author is often a profile URL */
			if (!strstr(v, "://"))
				SET_ONCE(m->meta_author, v);
		} else if (!str_casecmp(k, "article:published_time") ||
			   !str_casecmp(k, "og:published_time") ||
			   !str_casecmp(k, "datePublished"))
			SET_ONCE(m->og_date, v);
		else if (!str_casecmp(k, "date") || !str_casecmp(k, "pubdate") ||
			 !str_casecmp(k, "publishdate") ||
			 !str_casecmp(k, "dc.date") ||
			 !str_casecmp(k, "dc.date.issued") ||
			 !str_casecmp(k, "dcterms.date") ||
			 !str_casecmp(k, "dcterms.created") ||
			 !str_casecmp(k, "sailthru.date") ||
			 !str_casecmp(k, "parsely-pub-date") ||
			 !str_casecmp(k, "publish-date") ||
			 !str_casecmp(k, "article.published") ||
			 !str_casecmp(k, "cxenseparse:recs:publishtime"))
			SET_ONCE(m->meta_date, v);
		else if (!str_casecmp(k, "og:image") ||
			 !str_casecmp(k, "og:image:url") ||
			 !str_casecmp(k, "og:image:secure_url"))
			SET_ONCE(m->og_image, v);
		else if (!str_casecmp(k, "twitter:image") ||
			 !str_casecmp(k, "twitter:image:src"))
			SET_ONCE(m->tw_image, v);
		else if (!str_casecmp(k, "og:locale"))
			SET_ONCE(m->og_locale, v);
		else if (!str_casecmp(k, "content-language") ||
			 !str_casecmp(k, "language") || !str_casecmp(k, "dc.language"))
			SET_ONCE(m->meta_lang, v);
		else if (!str_casecmp(k, "og:type"))
			SET_ONCE(m->og_type, v);
	} else if (strcmp(tag, "title") == 0) {
		if (!m->doc_title && n->parent &&
		    !strcmp((const char *)n->parent->name, "head"))
			m->doc_title = meta_node_text(a, n, META_MAX);
	} else if (strcmp(tag, "h1") == 0) {
		if (!m->h1)
			m->h1 = meta_node_text(a, n, META_MAX);
	} else if (strcmp(tag, "html") == 0) {
		if ((v = ex_attr(n, "lang")) || (v = ex_attr(n, "xml:lang")))
			SET_ONCE(m->html_lang, v);
	} else if (strcmp(tag, "link") == 0) {
		if ((v = ex_attr(n, "rel")) && !str_casecmp(v, "author") &&
		    (v = ex_attr(n, "title")))
			SET_ONCE(m->rel_author, v);
	} else if (strcmp(tag, "script") == 0) {
		if ((v = ex_attr(n, "type")) &&
		    !str_casecmp(v, "application/ld+json"))
			ld_script(m, a, n);
	} else if (strcmp(tag, "time") == 0) {
		if (!m->time_date && (v = ex_attr(n, "datetime")))
			m->time_date = keep(a, v);
	} else if ((v = ex_attr(n, "itemprop"))) {
		if (!strcmp(v, "author") && !m->byline_el)
			m->byline_el = meta_node_text(a, n, 200);
		else if (!strcmp(v, "datePublished") && !m->time_date &&
			 (k = ex_attr(n, "datetime")))
			m->time_date = keep(a, k);
	}
}

/* ---- resolving ----------------------------------------------------------- */

/* The headline: og:title, JSON-LD, twitter, then <title> cut at a site
 * separator, then h1. */
static const char *
pick_title(struct meta *m, struct arena *a)
{
	const char *t = m->ld_headline ? m->ld_headline :
			m->og_title ? m->og_title :
			m->tw_title ? m->tw_title : NULL;

	if (t)
		return t;
	if (m->doc_title) {
		static const char *const seps[] = {" | ", " - ", " – ", " — ",
						   " :: ", " » ", " · "};
		const char *best = NULL;

		if (m->h1 && strstr(m->doc_title, m->h1))
			return m->h1;
		for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
			const char *s = strstr(m->doc_title, seps[i]);

			if (s && (!best || s > best))
				best = s;
		}
		/* cut the site name only when enough headline remains */
		if (best && best - m->doc_title >= 15)
			return arena_strndup(a, m->doc_title,
			    (size_t)(best - m->doc_title));
		return m->doc_title;
	}
	return m->h1;
}

/* ISO 8601 as the contract takes it: YYYY-MM-DD, optionally [T ]HH:MM,
 * :SS, .fraction, Z or an offset. */
static bool
is_iso(const char *s)
{
	size_t i = 0;

#define D(k) str_isdigit((unsigned char)s[k])
	if (!(D(0) && D(1) && D(2) && D(3) && s[4] == '-' && D(5) && D(6) &&
	      s[7] == '-' && D(8) && D(9)))
		return false;
	i = 10;
	if (!s[i])
		return true;
	if ((s[i] != 'T' && s[i] != ' ') || !(D(i + 1) && D(i + 2)) ||
	    s[i + 3] != ':' || !(D(i + 4) && D(i + 5)))
		return false;
	i += 6;
	if (s[i] == ':') {
		if (!(D(i + 1) && D(i + 2)))
			return false;
		i += 3;
		if (s[i] == '.') {
			i++;
			if (!D(i))
				return false;
			while (D(i))
				i++;
		}
	}
	if (s[i] == 'Z')
		return !s[i + 1];
	if (s[i] == '+' || s[i] == '-') {
		if (!(D(i + 1) && D(i + 2)))
			return false;
		i += 3;
		if (s[i] == ':')
			i++;
		if (D(i) && D(i + 1))
			i += 2;
	}
	return !s[i];
#undef D
}

static const struct {
	const char *p;     /* prefix, lower case */
	int mon;
} months[] = {
	{"jan", 1}, {"j\xc3\xa4n", 1}, {"ene", 1}, {"gen", 1},
	{"feb", 2}, {"f\xc3\xa9v", 2}, {"fev", 2},
	{"mar", 3}, {"m\xc3\xa4r", 3}, {"mrz", 3},
	{"apr", 4}, {"avr", 4}, {"abr", 4},
	{"may", 5}, {"mai", 5}, {"mag", 5},
	{"jun", 6}, {"juin", 6}, {"giu", 6},
	{"jul", 7}, {"juil", 7}, {"lug", 7},
	{"aug", 8}, {"ao\xc3\xbb", 8}, {"ago", 8},
	{"sep", 9}, {"set", 9},
	{"oct", 10}, {"okt", 10}, {"ott", 10},
	{"nov", 11},
	{"dec", 12}, {"dez", 12}, {"d\xc3\xa9" "c", 12}, {"dic", 12},
};

static int
month_at(const char *s)
{
	int best = 0;
	size_t best_len = 0;

	for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
		size_t n = strlen(months[i].p);

		if (n > best_len && str_ncasecmp(s, months[i].p, n) == 0) {
			best = months[i].mon;
			best_len = n;
		}
	}
	/* "juillet" starts with "jui": "juin" and "juil" are both longer
	 * than "jun"/"jul", which it does not start with */
	return best;
}

static int
num_at(const char *s, int maxd, const char **end)
{
	int v = 0, k = 0;

	while (k < maxd && str_isdigit((unsigned char)s[k]))
		v = v * 10 + (s[k++] - '0');
	*end = s + k;
	return k ? v : -1;
}

/* The first date written in s as DD.MM.YYYY, YYYY-MM-DD, "D. Month YYYY",
 * "D Month YYYY" or "Month D, YYYY", as "YYYY-MM-DD" in out. */
static bool
scan_text_date(const char *s, char out[static 11])
{
	for (const char *p = s; *p; p++) {
		const char *e, *q;
		int d = -1, mo = -1, y = -1;

		if (p > s && str_isalnum((unsigned char)p[-1]))
			continue;
		if (str_isdigit((unsigned char)*p)) {
			int a = num_at(p, 4, &e);

			if (e - p == 4 && *e == '-') {          /* YYYY-MM-DD */
				y = a;
				mo = num_at(e + 1, 2, &q);
				if (*q == '-')
					d = num_at(q + 1, 2, &q);
			} else if (e - p <= 2 && *e == '.') {
				q = e + 1;
				while (*q == ' ')
					q++;
				if (str_isdigit((unsigned char)*q)) { /* D.M.Y */
					mo = num_at(q, 2, &q);
					if (*q == '.') {
						d = a;
						y = num_at(q + 1, 4, &e);
						if (e - (q + 1) != 4)
							y = -1;
					}
				} else if ((mo = month_at(q))) {    /* D. Month Y */
					d = a;
					while (str_isalpha((unsigned char)*q) ||
					       (unsigned char)*q >= 0x80 || *q == '.')
						q++;
					while (*q == ' ')
						q++;
					y = num_at(q, 4, &e);
					if (e - q != 4)
						y = -1;
				}
			} else if (e - p <= 2 && *e == ' ' &&
				   (mo = month_at(e + 1))) {           /* D Month Y */
				d = a;
				q = e + 1;
				while (str_isalpha((unsigned char)*q) ||
				       (unsigned char)*q >= 0x80 || *q == '.')
					q++;
				while (*q == ' ')
					q++;
				y = num_at(q, 4, &e);
				if (e - q != 4)
					y = -1;
			}
		} else if (str_isalpha((unsigned char)*p) && (mo = month_at(p))) {
			q = p;                                      /* Month D, Y */
			while (str_isalpha((unsigned char)*q) || *q == '.')
				q++;
			while (*q == ' ')
				q++;
			d = num_at(q, 2, &q);
			if (*q == ',')
				q++;
			while (*q == ' ')
				q++;
			y = num_at(q, 4, &e);
			if (e - q != 4)
				y = -1;
		}
		if (y >= 1990 && y <= 2100 && mo >= 1 && mo <= 12 && d >= 1 &&
		    d <= 31) {
			int64_t t;

			snprintf(out, 11, "%04d-%02d-%02d", y, mo, d);
			if (parse_date(&t, out, 10) == 0)
				return true;
		}
	}
	return false;
}

/* A date in the page's URL: /2019/10/19/ or /2019-10-19. */
static bool
url_date(const char *url, char out[static 11])
{
	for (const char *p = url ? strchr(url, '/') : NULL; p && *p; p++) {
		const char *e, *q;
		int y, mo, d;
		int64_t t;

		if (*p != '/')
			continue;
		y = num_at(p + 1, 4, &e);
		if (e - (p + 1) != 4 || (*e != '/' && *e != '-'))
			continue;
		mo = num_at(e + 1, 2, &q);
		if (q - (e + 1) != 2 || *q != *e)
			continue;
		d = num_at(q + 1, 2, &e);
		if (e - (q + 1) != 2 || str_isdigit((unsigned char)*e))
			continue;
		if (y < 1990 || y > 2100)
			continue;
		snprintf(out, 11, "%04d-%02d-%02d", y, mo, d);
		if (parse_date(&t, out, 10) == 0)
			return true;
	}
	return false;
}

void
meta_on_date_text(struct meta *m, struct arena *a, xmlNode *n)
{
	const char *t;
	char d[11];

	/* each try reads up to 200 bytes of text: a page of a thousand
	 * "post-meta" blocks without a date costs 16 tries */
	if (m->text_date || m->n_date_tries >= 16)
		return;
	m->n_date_tries++;
	if (!(t = meta_node_text(a, n, 200)))
		return;
	if (scan_text_date(t, d))
		m->text_date = arena_strdup(a, d);
}

void
meta_on_byline(struct meta *m, struct arena *a, xmlNode *n, const char **slot)
{
	static const char *const by[] = {
	    "by ", "von ", "par ", "por ", "di ", "door ", "autor: ",
	    "author: ", "autorin: ", "text: ", "written by ",
	};
	const char *t;
	size_t len;

	if (*slot || m->n_byline_tries >= 16)
		return;
	m->n_byline_tries++;
	if (!(t = meta_node_text(a, n, 120)))
		return;
	for (size_t i = 0; i < sizeof(by) / sizeof(by[0]); i++) {
		size_t k = strlen(by[i]);

		if (str_ncasecmp(t, by[i], k) == 0) {
			t += k;
			break;
		}
	}
	len = strlen(t);
	/* a name, not a paragraph about the author */
	if (len < 3 || len > 80 || strchr(t, '@'))
		return;
	*slot = t;
}

static const char *
pick_date(struct meta *m, struct arena *a, int64_t *out_t, const char *url)
{
	char ud[11] = "";
	const char *c[] = {m->ld_date, m->og_date, m->meta_date, m->time_date,
			   m->text_date, url_date(url, ud) ? ud : NULL};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int64_t t;
		char iso[32];

		if (!c[i])
			continue;
		if (parse_date(&t, c[i], strlen(c[i])) == 0) {
			*out_t = t;
			/* as written, when it is ISO already: the page's own
			 * offset keeps the page's own day */
			if (is_iso(c[i]))
				return arena_strdup(a, c[i]);
			parse_date_iso(iso, t);
			return arena_strdup(a, iso);
		}
		/* "YYYY-MM-DD" alone, or with garbage after */
		if (strlen(c[i]) >= 10 && str_isdigit((unsigned char)c[i][0]) &&
		    c[i][4] == '-' && c[i][7] == '-') {
			char d[11];

			memcpy(d, c[i], 10);
			d[10] = '\0';
			if (parse_date(&t, d, 10) == 0) {
				*out_t = t;
				return arena_strdup(a, d);
			}
		}
	}
	return NULL;
}

static const char *
pick_lang(struct meta *m, struct arena *a, const char *content_language)
{
	const char *c[] = {m->html_lang, m->meta_lang, m->og_locale,
			   content_language};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char o[36];
		size_t k = 0;
		const char *s = c[i];

		if (!s)
			continue;
		while (*s == ' ')
			s++;
		/* the first tag of a list, '_' as '-' (og:locale en_US) */
		for (; *s && *s != ',' && *s != ';' && *s != ' ' && k + 1 < sizeof(o);
		     s++) {
			if (!str_isalnum((unsigned char)*s) && *s != '-' && *s != '_')
				break;
			o[k++] = *s == '_' ? '-' : *s;
		}
		o[k] = '\0';
		if (k >= 2 && str_isalpha((unsigned char)o[0]) &&
		    str_isalpha((unsigned char)o[1]) && (k == 2 || o[2] == '-' ||
			str_isalpha((unsigned char)o[2]))) {
			o[0] = (char)str_tolower((unsigned char)o[0]);
			o[1] = (char)str_tolower((unsigned char)o[1]);
			return arena_strdup(a, o);
		}
	}
	return NULL;
}

static const char *
pick_image(struct meta *m, struct arena *a, const char *url)
{
	const char *c[] = {m->og_image, m->ld_image, m->tw_image};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *abs, *sch;

		if (!c[i])
			continue;
		abs = url_resolve(a, url, c[i]);
		sch = url_scheme(a, abs);
		if (sch && (!strcmp(sch, "http") || !strcmp(sch, "https")))
			return abs;
	}
	return NULL;
}

void
meta_finish(struct meta *m, struct arena *a, struct extract *e,
    const char *url, const char *content_language)
{
	const char *by;

	e->title = pick_title(m, a);
	by = m->ld_author ? m->ld_author : m->meta_author ? m->meta_author :
	     m->byline_el ? m->byline_el : m->byline_hint ? m->byline_hint :
	     m->rel_author_text ? m->rel_author_text : m->rel_author;
	e->byline = by;
	e->date = pick_date(m, a, &e->date_t, url);
	e->lead_image = pick_image(m, a, url);
	e->lang = pick_lang(m, a, content_language);
}
