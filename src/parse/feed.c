/*
 * feed: parse_feed(), the entry point of the feed parser.
 *
 * The document is first made into UTF-8 (parse_doc_decode), then HTML named
 * entities that no DTD declares (&nbsp; &eacute; ...) are rewritten as
 * character references, and libxml2 builds a DOM in recover mode with the
 * network, DTD loading and external entities refused. feed_xml.c walks that
 * tree. JSON Feed is recognised by its first byte and goes to
 * feed_jsonfeed.c. Everything the result points to is copied into the
 * caller's arena; the libxml2 document is freed before returning.
 *
 * Design decision: a DOM rather than SAX. Feeds are small (capped by
 * max_bytes) and libxml2's tree costs about as much as its tokenizer, while
 * the tree makes "children of image/source never leak into the feed"
 * structural instead of a pile of in_* flags.
 */
#include <pthread.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/url.h"
#include "parse/feed_int.h"
#include "parse/parse.h"
#include "parse/parse_int.h"
#include "core/banned.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* Feeds never get to read files or the network through entities or DTDs:
 * every external resource load fails. This is process-wide in libxml2; no
 * part of newsdesk wants libxml2 to load external resources. */
static xmlParserInputPtr
refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
xml_setup(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(refuse_loader);
}

void *
feed_vec_push(struct arena *a, void *arrp, size_t *n, size_t size)
{
	char **arr = arrp;
	size_t cnt = *n;

	/* capacity is implied by the count: 4, 8, 16, ... */
	if (cnt == 0 || (cnt >= 4 && (cnt & (cnt - 1)) == 0)) {
		size_t cap = cnt ? cnt * 2 : 4;
		*arr = arena_realloc(a, *arr, cnt * size, cap * size);
	}
	memset(*arr + cnt * size, 0, size);
	*n = cnt + 1;
	return *arr + cnt * size;
}

void
feed_bozo(struct feed_parser *p, const char *why)
{
	if (!p->f->bozo) {
		p->f->bozo = true;
		p->f->bozo_exception = why;
	}
}

static bool
has_scheme(const char *s)
{
	const char *q = s;

	if (!str_isalpha((unsigned char)*q))
		return false;
	while (str_isalnum((unsigned char)*q) || *q == '+' || *q == '-' ||
	       *q == '.')
		q++;
	return *q == ':';
}

const char *
feed_resolve(struct feed_parser *p, const char *base, const char *ref)
{
	if (!ref)
		return NULL;
	/* As written when absolute: ids and links compare byte for byte. */
	if (!base || !*base || has_scheme(ref))
		return ref;
	return url_resolve(p->a, base, ref);
}

void
feed_date_set(struct feed_parser *p, struct feed_date *d, const char *raw)
{
	int64_t t;

	d->raw = raw;
	d->is_set = false;
	d->t = 0;
	if (raw && *raw && parse_date(&t, raw, strlen(raw)) == 0) {
		d->t = t;
		d->is_set = true;
	}
}

/* An e-mail address in s, as feedparser's RSS author heuristic finds it:
 * a run of [A-Za-z0-9_.+-] then @ then a dotted host. Returns the start and
 * sets *out_len, or NULL. */
static const char *
find_email(const char *s, size_t *out_len)
{
	const char *at = s;

	while ((at = strchr(at, '@'))) {
		const char *b = at, *e = at + 1;
		int dots = 0;

		while (b > s && (str_isalnum((unsigned char)b[-1]) ||
				 strchr("_-.+", b[-1])))
			b--;
		while (str_isalnum((unsigned char)*e) || *e == '-' ||
		       *e == '.') {
			if (*e == '.')
				dots++;
			e++;
		}
		while (e > at + 1 && e[-1] == '.') {
			e--;
			dots--;
		}
		if (b < at && dots > 0) {
			*out_len = (size_t)(e - b);
			return b;
		}
		at++;
	}
	return NULL;
}

void
feed_person_split(struct feed_parser *p, struct feed_person *out, const char *s)
{
	const char *em;
	size_t emlen = 0;
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct str name;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return;
	if (!(em = find_email(s, &emlen))) {
		out->name = s;
		return;
	}
	out->email = arena_strndup(p->a, em, emlen);
	/* the name is what is left once the address and its brackets go */
	buf_add(&b, s, (size_t)(em - s));
	buf_adds(&b, em + emlen);
	name = str_trim(str_make(b.ptr, b.len));
	for (;;) {
		if (name.len >= 2 &&
		    ((name.p[0] == '(' && name.p[name.len - 1] == ')') ||
		     (name.p[0] == '<' && name.p[name.len - 1] == '>'))) {
			name = str_trim(str_make(name.p + 1, name.len - 2));
			continue;
		}
		if (name.len >= 2 && name.p[name.len - 2] == '(' &&
		    name.p[name.len - 1] == ')') {
			name = str_trim(str_make(name.p, name.len - 2));
			continue;
		}
		if (name.len >= 2 && name.p[name.len - 2] == '<' &&
		    name.p[name.len - 1] == '>') {
			name = str_trim(str_make(name.p, name.len - 2));
			continue;
		}
		break;
	}
	if (name.len && name.p[0] == '(') {
		name.p++;
		name.len--;
	}
	if (name.len && name.p[name.len - 1] == ')')
		name.len--;
	name = str_trim(name);
	if (name.len)
		out->name = arena_strndup(p->a, name.p, name.len);
	buf_release(&b);
}

/* --- HTML entities without a DTD --- */

/* libxml2's htmlEntityLookup() is a linear scan of its 253 HTML 4
 * entities; feeds full of &nbsp; (or an attacker's millions of unknown
 * names) want better. The table is built once from libxml2's own (it has
 * one name per character) and searched by binary search. */
struct html_ent {
	const char *name;
	unsigned value;
};

static struct html_ent html_ents[300];
static size_t n_html_ents;
static pthread_once_t ents_once = PTHREAD_ONCE_INIT;

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct html_ent *)a)->name,
		      ((const struct html_ent *)b)->name);
}

static void
ents_setup(void)
{
	for (unsigned c = 1; c < 0x2700 && n_html_ents < 300; c++) {
		const htmlEntityDesc *d = htmlEntityValueLookup(c);

		if (d && d->value == c) {
			html_ents[n_html_ents].name = d->name;
			html_ents[n_html_ents].value = c;
			n_html_ents++;
		}
	}
	qsort(html_ents, n_html_ents, sizeof(html_ents[0]), ent_cmp);
}

unsigned
feed_html_entity(const char *name, size_t n)
{
	size_t lo = 0, hi;

	pthread_once(&ents_once, ents_setup);
	hi = n_html_ents;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(name, html_ents[mid].name, n);

		if (c == 0 && html_ents[mid].name[n] != '\0')
			c = -1;
		if (c == 0)
			return html_ents[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static bool
is_name_char(int c)
{
	return str_isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' ||
	       c >= 0x80;
}

/* What the prolog declares: an external DTD, and the general entities of
 * the internal subset (which libxml2 expands itself). */
#define PROLOG_MAX_NAMES 256

struct prolog {
	bool has_external;
	size_t n_names; /* general entities declared in the subset */
	struct str names[PROLOG_MAX_NAMES];
};

static void
scan_prolog(struct prolog *pr, const char *s, size_t len)
{
	const char *end = s + len, *d, *q;

	memset(pr, 0, sizeof(*pr));
	/* the DOCTYPE comes before the root, normally within the first KiB or
	 * so, but comments may push it down: look up to the first element */
	for (q = s; q < end && (q = memchr(q, '<', (size_t)(end - q))); q++) {
		if (q + 1 < end &&
		    (str_isalpha((unsigned char)q[1]) || q[1] == '_'))
			return;
		if ((size_t)(end - q) >= 9 && memcmp(q, "<!DOCTYPE", 9) == 0)
			break;
	}
	if (!q || q >= end)
		return;
	d = q + 9;
	for (q = d; q < end && *q != '[' && *q != '>'; q++)
		;
	if ((q - d >= 6 && memmem(d, (size_t)(q - d), "SYSTEM", 6)) ||
	    (q - d >= 6 && memmem(d, (size_t)(q - d), "PUBLIC", 6)))
		pr->has_external = true;
	if (q < end && *q == '[') {
		const char *e = memmem(q, (size_t)(end - q), "]>", 2);

		if (!e) {
			e = memchr(q, ']', (size_t)(end - q));
			if (!e)
				e = end;
		}
		/* collect the names once: looking them up per reference in the
		 * subset text would be quadratic */
		while (q < e && pr->n_names < PROLOG_MAX_NAMES &&
		       (q = memmem(q, (size_t)(e - q), "<!ENTITY", 8))) {
			const char *name;

			q += 8;
			while (q < e && str_isspace((unsigned char)*q))
				q++;
			name = q;
			while (q < e && is_name_char((unsigned char)*q))
				q++;
			if (q > name)
				pr->names[pr->n_names++] =
				    str_make(name, (size_t)(q - name));
		}
	}
}

static bool
declared(const struct prolog *pr, const char *name, size_t n)
{
	for (size_t i = 0; i < pr->n_names; i++)
		if (pr->names[i].len == n &&
		    memcmp(pr->names[i].p, name, n) == 0)
			return true;
	return false;
}

/* The character of one of XML's five predefined entities, or 0. */
static int
predefined(const char *name, size_t n)
{
	if (n == 2 && memcmp(name, "lt", 2) == 0)
		return '<';
	if (n == 2 && memcmp(name, "gt", 2) == 0)
		return '>';
	if (n == 3 && memcmp(name, "amp", 3) == 0)
		return '&';
	if (n == 4 && memcmp(name, "quot", 4) == 0)
		return '"';
	if (n == 4 && memcmp(name, "apos", 4) == 0)
		return '\'';
	return 0;
}

/*
 * The character a numeric reference at s[0] == '&' stands for, for one XML
 * cannot take as written: an upper-case "&#X41;" (HTML's spelling) is the
 * same character, a reference to no character (0, a surrogate, past
 * U+10FFFF, a noncharacter U+FFFE/U+FFFF) is U+FFFD as in HTML, and a C0
 * control XML forbids is dropped (0). Sets *out_len to the reference's
 * length. Returns -1 when s holds no complete numeric reference; with
 * is_loose, a decimal one may lack its ';' (feedparser's SGML parser reads
 * "&#65 x" in an attribute value as "A x"; a hexadecimal one it leaves as
 * text).
 */
static long
num_ref_of(const char *s, const char *end, bool is_loose, size_t *out_len)
{
	const char *q = s + 2, *digits;
	bool is_hex = false;
	uint32_t cp = 0;
	bool is_big = false;

	if (end - s < 4 || s[1] != '#')
		return -1;
	if (*q == 'x' || *q == 'X') {
		is_hex = true;
		q++;
	}
	digits = q;
	for (; q < end; q++) {
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
	if (q == digits)
		return -1;
	if (q < end && *q == ';')
		q++;
	else if (!is_loose || is_hex)
		return -1;
	*out_len = (size_t)(q - s);
	if (is_big || cp == 0 || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0xfffd;
	if (cp < 0x20 && cp != 0x9 && cp != 0xa && cp != 0xd)
		return 0;
	return (long)cp;
}

static long
num_ref(const char *s, const char *end, size_t *out_len)
{
	return num_ref_of(s, end, false, out_len);
}

/* Classifies the reference at s[0] == '&': 0 = fine for XML as it is,
 * 1 = needs rewriting, 2 = a predefined entity to write as a character
 * reference (all_named), 3 = a numeric reference to write another way
 * (num_ref). *out_nlen gets the name length (0 if none), for 3 the
 * reference's length. */
static int
ref_kind(const struct prolog *pr, const char *s, const char *end,
	 size_t *out_nlen, bool all_named)
{
	const char *q = s + 1;
	size_t n;

	*out_nlen = 0;
	if (q < end && *q == '#') {
		long cp = num_ref(s, end, &n);

		if (cp < 0)
			return 1;
		if (s[2] == 'X' || cp == 0 || cp == 0xfffd) {
			*out_nlen = n;
			return 3;
		}
		return 0;
	}
	while (q < end && is_name_char((unsigned char)*q))
		q++;
	n = (size_t)(q - s - 1);
	*out_nlen = n;
	if (n == 0 || q >= end || *q != ';')
		return 1;
	if (predefined(s + 1, n))
		return all_named ? 2 : 0;
	return declared(pr, s + 1, n) ? 0 : 1;
}

/* Skips a construct starting at s ("<!--", "<![CDATA[", "<?", "<!DOCTYPE")
 * and returns the end of it, or NULL when s starts none of them. */
static const char *
skip_special(const char *s, const char *end)
{
	size_t left = (size_t)(end - s);
	const char *e;

	if (left >= 4 && memcmp(s, "<!--", 4) == 0) {
		e = memmem(s + 4, left - 4, "-->", 3);
		return e ? e + 3 : end;
	}
	if (left >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
		e = memmem(s + 9, left - 9, "]]>", 3);
		return e ? e + 3 : end;
	}
	if (left >= 2 && s[1] == '?') {
		e = memmem(s + 2, left - 2, "?>", 2);
		return e ? e + 2 : end;
	}
	if (left >= 9 && memcmp(s, "<!DOCTYPE", 9) == 0) {
		const char *q = s + 9;
		while (q < end && *q != '[' && *q != '>')
			q++;
		if (q < end && *q == '[') {
			e = memmem(q, (size_t)(end - q), "]>", 2);
			if (!e)
				e = memmem(q, (size_t)(end - q), "]", 1);
			return e ? e + 1 : end;
		}
		return q;
	}
	return NULL;
}

/*
 * Rewrites references XML cannot resolve: HTML named entities become
 * numeric references, unknown names and stray '&' become "&amp;" so the
 * text survives as written. Comments, CDATA, PIs and the DOCTYPE are copied
 * unchanged. Returns NULL when nothing needs rewriting (the common case,
 * found with one memchr pass).
 */
static char *
fix_entities(struct feed_parser *p, const char *s, size_t len, size_t *out_len,
	     bool all_named)
{
	const char *end = s + len, *q = s, *run;
	struct prolog pr;
	struct buf b = BUF_INIT(BUF_NOCAP);
	bool need = false;
	size_t n_html = 0, n_other = 0, n_pre = 0, n_num = 0;
	bool in_tag = false;
	char quote = 0;
	int kind;
	size_t n;
	char *res;

	scan_prolog(&pr, s, len);
	while ((q = memchr(q, '&', (size_t)(end - q)))) {
		if (ref_kind(&pr, q, end, &n, all_named)) {
			need = true;
			break;
		}
		q++;
	}
	if (!need)
		return NULL;

	buf_grow(&b, len + len / 8 + 64);
	run = s;
	q = s;
	while (q < end) {
		const char *e;

		/* attribute values are followed (in_tag, quote) for the one
		 * reference read differently there: "&#65 x" */
		if (*q != '&') {
			if (quote) {
				if (*q == quote)
					quote = 0;
			} else if (in_tag) {
				if (*q == '"' || *q == '\'')
					quote = *q;
				else if (*q == '>')
					in_tag = false;
			} else if (*q == '<') {
				if ((e = skip_special(q, end))) {
					q = e;
					continue;
				}
				in_tag = true;
			}
			q++;
			continue;
		}
		if (!(kind = ref_kind(&pr, q, end, &n, all_named))) {
			q++;
			continue;
		}
		buf_add(&b, run, (size_t)(q - run));
		if (kind == 3) {
			long cp = num_ref(q, end, &n);

			if (cp > 0)
				buf_addf(&b, "&#%ld;", cp);
			n_num++;
			q += n;
			run = q;
			continue;
		}
		if (kind == 2) {
			buf_addf(&b, "&#%d;", predefined(q + 1, n));
			n_pre++;
			q += n + 2;
			run = q;
			continue;
		}
		if (n > 0 && q + 1 + n < end && q[1 + n] == ';') {
			unsigned cp = feed_html_entity(q + 1, n);

			if (cp) {
				buf_addf(&b, "&#%u;", cp);
				n_html++;
				q += n + 2;
				run = q;
				continue;
			}
		}
		if (quote && q[1] == '#') {
			long cp = num_ref_of(q, end, true, &n);

			if (cp >= 0) {
				if (cp > 0)
					buf_addf(&b, "&#%ld;", cp);
				n_num++;
				q += n;
				run = q;
				continue;
			}
		}
		n_other++;
		buf_adds(&b, "&amp;");
		q++;
		run = q;
	}
	buf_add(&b, run, (size_t)(end - run));
	if (!n_html && !n_other && !n_pre && !n_num) {
		/* the '&' was in a comment or CDATA section */
		buf_release(&b);
		return NULL;
	}
	if (n_other)
		feed_bozo(p, "not well-formed: undefined entity or stray '&'");
	else if (n_num)
		feed_bozo(p, "not well-formed: character reference to no "
			  "character or in upper case");
	else if (!pr.has_external)
		feed_bozo(p,
			  "undefined entity: HTML entity used without a DTD");
	res = arena_memdup(p->a, b.ptr, b.len + 1);
	*out_len = b.len;
	buf_release(&b);
	return res;
}

/* --- XML --- */

/* What one libxml2 parse reported. */
struct xml_errors {
	struct feed_parser *p;
	size_t n;	   /* errors and warnings seen */
	bool has_undef_ns; /* an undeclared namespace prefix */
	const char *first; /* the first error's message, in the arena */
};

static const char *
error_text(struct feed_parser *p, const xmlError *e)
{
	const char *msg = e->message;
	size_t n;

	if (!msg)
		return "not well-formed XML";
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	return arena_printf(p->a, "not well-formed XML: line %d: %.*s", e->line,
			    (int)n, msg);
}

/* --- tag balancing for ill-formed documents --- */

struct open_tag {
	const char *name;
	size_t len;
};

static bool
is_tag_start(int c)
{
	return str_isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

/* The end of the tag starting at s ('<'): the byte after its '>', honouring
 * quoted attribute values. A tag cut short by another '<' ends there, so
 * every byte is looked at a bounded number of times whatever the input. */
static const char *
tag_end(const char *s, const char *end)
{
	char quote = 0;
	const char *q;

	for (q = s + 1; q < end && *q != '<'; q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
		} else if (*q == '"' || *q == '\'') {
			quote = *q;
		} else if (*q == '>') {
			return q + 1;
		}
	}
	return q;
}

/*
 * Rewrites an ill-formed document so its tags nest: an end tag closes the
 * elements opened after its start tag (the unclosed <br> or <p> in an RSS
 * description), an end tag without a start tag is dropped, a '<' that
 * starts no tag becomes "&lt;", and what is open at the end is closed.
 * libxml2's own recovery instead pops one element per end tag whatever its
 * name, so one unclosed <b> in a title swallows the rest of the feed.
 */
static char *
balance_tags(struct feed_parser *p, const char *s, size_t len, size_t *out_len)
{
	const char *end = s + len, *q = s, *run = s;
	struct buf b = BUF_INIT(BUF_NOCAP);
	struct open_tag *stack = NULL;
	size_t depth = 0;
	char *res;

	buf_grow(&b, len + 256);
	while (q < end && (q = memchr(q, '<', (size_t)(end - q)))) {
		const char *e, *name;
		size_t n;

		if ((e = skip_special(q, end))) {
			q = e;
			continue;
		}
		if (q + 1 < end && q[1] == '/') {
			size_t i;

			name = q + 2;
			for (n = 0; name + n < end &&
				    is_name_char((unsigned char)name[n]);
			     n++)
				;
			e = tag_end(q, end);
			/* only the innermost levels are searched: a stray end
			 * tag costs a bounded amount, not the whole stack */
			for (i = depth; i > 0 && depth - i < 64; i--)
				if (stack[i - 1].len == n &&
				    memcmp(stack[i - 1].name, name, n) == 0)
					break;
			buf_add(&b, run, (size_t)(q - run));
			if (i > 0 && depth - i < 64) {
				while (depth > i) {
					depth--;
					buf_adds(&b, "</");
					buf_add(&b, stack[depth].name,
						stack[depth].len);
					buf_addc(&b, '>');
				}
				depth--;
				buf_add(&b, q, (size_t)(e - q));
			}
			run = q = e;
			continue;
		}
		if (q + 1 < end && (q[1] == '!' || q[1] == '?')) {
			/* a declaration cut short (<![CD at the end): dropped
			 */
			buf_add(&b, run, (size_t)(q - run));
			e = memchr(q, '>', (size_t)(end - q));
			run = q = e ? e + 1 : end;
			continue;
		}
		if (q + 1 >= end || !is_tag_start((unsigned char)q[1])) {
			buf_add(&b, run, (size_t)(q - run));
			buf_adds(&b, "&lt;");
			run = ++q;
			continue;
		}
		name = q + 1;
		for (n = 0;
		     name + n < end && is_name_char((unsigned char)name[n]);
		     n++)
			;
		e = tag_end(q, end);
		if (!(e - q >= 2 && e[-1] == '>' && e[-2] == '/')) {
			struct open_tag *t =
			    feed_vec_push(p->a, &stack, &depth, sizeof(*t));
			t->name = name;
			t->len = n;
		}
		q = e;
	}
	buf_add(&b, run, (size_t)(end - run));
	while (depth > 0) {
		depth--;
		buf_adds(&b, "</");
		buf_add(&b, stack[depth].name, stack[depth].len);
		buf_addc(&b, '>');
	}
	res = arena_memdup(p->a, b.ptr, b.len + 1);
	*out_len = b.len;
	buf_release(&b);
	return res;
}

/* A copy of data with its DOCTYPE (and internal subset) turned into
 * spaces, or NULL when there is none. */
static char *
blank_doctype(struct feed_parser *p, const char *data, size_t len)
{
	const char *end = data + len, *d, *e;
	char *copy;

	if (!(d = memmem(data, len, "<!DOCTYPE", 9)))
		return NULL;
	if (!(e = skip_special(d, end)))
		return NULL;
	if (e < end && *e == '>')
		e++;
	copy = arena_memdup(p->a, data, len + 1);
	memset(copy + (d - data), ' ', (size_t)(e - d));
	return copy;
}

#define FEED_MAX_XML_ERRORS 1000

/* libxml2 formats a message for every error, also when nobody prints it,
 * so a document of nothing but errors costs microseconds per byte. Past
 * FEED_MAX_XML_ERRORS the parse stops: what came before is kept. The first
 * error is kept as the reason (later ones are mostly its consequences). */
static void
on_xml_error(void *payload, xmlErrorPtr error)
{
	xmlParserCtxtPtr ctxt = payload;
	struct xml_errors *xe = ctxt->_private;

	if (!xe)
		return;
	if (error->level >= XML_ERR_ERROR && !xe->first)
		xe->first = error_text(xe->p, error);
	/* expat, and so feedparser, rejects undeclared prefixes; libxml2
	 * only notes them (and also complains of namespace URIs with spaces,
	 * which nobody else minds) */
	if (error->code == XML_NS_ERR_UNDEFINED_NAMESPACE)
		xe->has_undef_ns = true;
	if (++xe->n >= FEED_MAX_XML_ERRORS)
		xmlStopParser(ctxt);
}

/* One libxml2 parse; *ctxt_out is the context (for its error state). */
static xmlDocPtr
read_doc(xmlParserCtxtPtr *ctxt_out, const char *data, size_t len,
	 struct xml_errors *xe)
{
	/* NOENT substitutes internal entities (libxml2 bounds their expansion
	 * unless XML_PARSE_HUGE is given, which it never is here); external
	 * ones go through refuse_loader. No DTDLOAD, no XINCLUDE. */
	int options = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOENT |
		      XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		      XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
		      XML_PARSE_IGNORE_ENC;
	xmlParserCtxtPtr ctxt;

	if (len > INT32_MAX)
		len = INT32_MAX;
	*ctxt_out = ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return NULL;
	ctxt->_private = xe;
	ctxt->sax->serror = on_xml_error;
	return xmlCtxtReadMemory(ctxt, data, (int)len, NULL, "UTF-8", options);
}

static void
parse_xml(struct feed_parser *p, const char *data, size_t len, const char *base,
	  const char *lang)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	char *fixed;
	size_t flen = 0;
	struct xml_errors xe = {.p = p}, xe2 = {.p = p};
	bool is_wf;
	int code;

	/* whitespace before the XML declaration is a common slip that makes
	 * libxml2 give up on the whole document */
	while (len > 1 && str_isspace((unsigned char)*data)) {
		data++;
		len--;
	}
	if ((fixed = fix_entities(p, data, len, &flen, false))) {
		data = fixed;
		len = flen;
	}
	doc = read_doc(&ctxt, data, len, &xe);
	if (!ctxt) {
		feed_bozo(p, "out of memory");
		return;
	}
	is_wf = ctxt->wellFormed && doc;
	code = ctxt->lastError.code;
	if (!is_wf || xe.has_undef_ns) {
		is_wf = false;
		feed_bozo(p, xe.first ? xe.first
				      : error_text(p, &ctxt->lastError));
	}
	if (!is_wf) {
		/*
		 * Second chance for ill-formed documents. Once libxml2 has seen
		 * an error it drops entity references (&amp; &lt; ...) from the
		 * text it recovers, so they are written as character
		 * references, which it keeps. An entity bomb stops it where it
		 * goes off, so then the internal subset goes too: the
		 * references stay as text and the items after them are kept.
		 */
		const char *src = data;
		char *again;

		if (code == XML_ERR_ENTITY_LOOP) {
			char *copy = blank_doctype(p, data, len);
			if (copy)
				src = copy;
		}
		if ((again = fix_entities(p, src, len, &flen, true))) {
			src = again;
			len = flen;
		}
		if (code != XML_ERR_ENTITY_LOOP && code != XML_ERR_DOCUMENT_END)
			src = balance_tags(p, src, len, &len);
		if (src != data) {
			xmlFreeDoc(doc);
			xmlFreeParserCtxt(ctxt);
			doc = read_doc(&ctxt, src, len, &xe2);
			if (!ctxt)
				return;
		}
	}
	if (doc && xmlDocGetRootElement(doc))
		feed_xml_walk(p, doc, base, lang);
	else
		feed_bozo(p, "no root element");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
}

static bool
looks_like_json(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && str_isspace((unsigned char)s[i]))
		i++;
	return i < len && s[i] == '{';
}

int
parse_feed(struct feed **out, struct arena *a, const char *data, size_t len,
	   const struct parse_opts *opts)
{
	static const struct parse_opts no_opts;
	struct feed_parser p = {0};
	struct feed *f;
	const char *base = NULL, *lang = NULL;
	size_t max_bytes;

	if (!opts)
		opts = &no_opts;
	max_bytes = opts->max_bytes ? opts->max_bytes : FEED_MAX_BYTES;
	if (len > max_bytes)
		return err_set(ND_ETOOBIG,
			       "parse: feed of %zu bytes exceeds %zu", len,
			       max_bytes);
	pthread_once(&xml_once, xml_setup);

	f = arena_zalloc(a, sizeof(*f));
	f->version = "";
	f->encoding = "utf-8";
	p.a = a;
	p.opts = opts;
	p.f = f;
	p.max_entries =
	    opts->max_entries ? opts->max_entries : FEED_MAX_ENTRIES;
	buf_init(&p.tmp, BUF_NOCAP);

	/* document base: Content-Location (itself relative to the URL), else
	 * the URL; an unsafe scheme is no base at all */
	if (opts->url && *opts->url && url_is_safe(opts->url))
		base = opts->url;
	if (opts->content_location && *opts->content_location) {
		const char *cl = feed_resolve(&p, base, opts->content_location);
		if (url_is_safe(cl))
			base = cl;
	}
	if (opts->content_language && *opts->content_language)
		lang = opts->content_language;

	if (looks_like_json(data, len)) {
		feed_jsonfeed_parse(&p, data, len, base);
	} else {
		struct parse_doc doc = {0};

		parse_doc_decode(&doc, a, data, len, opts->content_type);
		if (doc.encoding)
			f->encoding = doc.encoding;
		if (doc.bozo)
			feed_bozo(
			    &p, doc.bozo_reason
				    ? doc.bozo_reason
				    : "document is not valid in its encoding");
		p.is_utf8 = strcmp(f->encoding, "utf-8") == 0;
		parse_xml(&p, doc.utf8, doc.len, base, lang);
	}
	buf_release(&p.tmp);
	*out = f;
	return 0;
}
