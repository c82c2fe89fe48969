/*
 * text: see text.h. Words are normalized on UTF-32 code points between
 * utf8proc's decomposition and recomposition: NFKC decomposition splits
 * أ into ا + U+0654, so dropping the hamza/madda marks there unifies the
 * alef, waw and yeh variants without a table of composed letters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "core/banned.h"

#define NORM_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |     \
	UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

/*
 * The stems of one word: s0 = stem(w); s1 = stem(s0) when it differs;
 * s2 = stem(w minus a proclitic) when that applies and differs from both.
 * A zero length means absent.
 */
struct stems {
	char s0[TEXT_TOKEN_MAX + 1], s1[TEXT_TOKEN_MAX + 1],
	    s2[TEXT_TOKEN_MAX + 1];
	size_t n0, n1, n2;
};

struct cache_slot;

struct text_analyzer {
	struct sb_stemmer *arabic, *english;
	utf8proc_int32_t *cps;       /* scratch code points (+1 for reencode) */
	size_t cps_cap;
	char word[TEXT_TOKEN_MAX + 1];
	struct stems stems;
	struct cache_slot *cache;       /* CACHE_SLOTS, allocated on first use */
};

int
text_analyzer_new(struct text_analyzer **out)
{
	struct text_analyzer *ta = xcalloc(1, sizeof(*ta));

	ta->arabic = sb_stemmer_new("arabic", "UTF_8");
	ta->english = sb_stemmer_new("english", "UTF_8");
	if (!ta->arabic || !ta->english) {
		text_analyzer_free(ta);
		*out = NULL;
		return err_set(ND_ERR, "text: cannot create snowball stemmers");
	}
	*out = ta;
	return 0;
}

void
text_analyzer_free(struct text_analyzer *ta)
{
	if (!ta)
		return;
	if (ta->arabic)
		sb_stemmer_delete(ta->arabic);
	if (ta->english)
		sb_stemmer_delete(ta->english);
	free(ta->cps);
	free(ta->cache);
	free(ta);
}

/* The Arabic rules that apply to single code points; 0 drops it. */
static utf8proc_int32_t
map_cp(utf8proc_int32_t c)
{
	if (c < 0x0600) {
		return c;
	} else if ((c >= 0x064B && c <= 0x0655) || c == 0x0670 ||
	    c == 0x0640) {
		/* harakat, hamza/madda marks, superscript alef, tatweel */
		return 0;
	}
	switch (c) {
	case 0x0622: case 0x0623: case 0x0625: case 0x0671:
		return 0x0627;                  /* alef variants -> ا */
	case 0x0649: case 0x06CC: case 0x0626:
		return 0x064A;                  /* ى ی ئ -> ي */
	case 0x0629:
		return 0x0647;                  /* ة -> ه */
	case 0x0624:
		return 0x0648;                  /* ؤ -> و */
	case 0x06A9:
		return 0x0643;                  /* ک -> ك */
	default:
		break;
	}
	if (c >= 0x0660 && c <= 0x0669)
		return '0' + (c - 0x0660);      /* Arabic-Indic digits */
	if (c >= 0x06F0 && c <= 0x06F9)
		return '0' + (c - 0x06F0);      /* Extended (Persian) digits */
	return c;
}

/*
 * Normalizes s into *cps (grown as needed) and re-encodes it in place as
 * UTF-8; returns the byte length (the bytes start at (char *)*cps) or a
 * negative utf8proc error.
 */
static utf8proc_ssize_t
normalize_cps(utf8proc_int32_t **cps, size_t *cap, const char *s, size_t len)
{
	utf8proc_ssize_t n, i, j;

	if (len > (size_t)INT32_MAX / 8)
		return UTF8PROC_ERROR_OVERFLOW;
	for (;;) {
		n = utf8proc_decompose((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)len, *cps, (utf8proc_ssize_t)*cap,
		    NORM_OPTS);
		if (n < 0)
			return n;
		if ((size_t)n <= *cap && *cps)
			break;
		*cap = (size_t)n + 16;
		/* +1: utf8proc_reencode needs one spare byte for the NUL */
		*cps = xrealloc(*cps, (*cap + 1) * sizeof(**cps));
	}
	for (i = j = 0; i < n; i++) {
		utf8proc_int32_t c = map_cp((*cps)[i]);

		if (c)
			(*cps)[j++] = c;
	}
	return utf8proc_reencode(*cps, j, NORM_OPTS);
}

int
text_normalize(struct buf *out, const char *s, size_t len)
{
	utf8proc_int32_t *cps = NULL;
	size_t cap = 0;
	utf8proc_ssize_t n;

	n = normalize_cps(&cps, &cap, s, len);
	if (n < 0) {
		free(cps);
		return err_set(ND_EINVAL, "text: %s", utf8proc_errmsg(n));
	}
	buf_add(out, cps ? (const char *)cps : "", (size_t)n);
	free(cps);
	return buf_err(out);
}

static bool
is_word_cp(utf8proc_int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
	if (c == 0x200C || c == 0x200D)         /* ZWNJ, ZWJ inside words */
		return true;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

enum script { SCRIPT_OTHER, SCRIPT_LATIN, SCRIPT_ARABIC, SCRIPT_DIGITS };

static enum script
script_of(const char *w, size_t len)
{
	bool has_latin = false, has_other = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)w[i];

		if (b >= 0xD8 && b <= 0xDB)     /* U+0600-U+06FF */
			return SCRIPT_ARABIC;
		if ((b >= 'a' && b <= 'z') || (b >= 0xC3 && b <= 0xC9))
			has_latin = true;       /* ASCII, U+00C0-U+024F */
		else if (b >= 0x80 && b < 0xC0)
			continue;
		else if (!(b >= '0' && b <= '9'))
			has_other = true;
	}
	if (has_latin)
		return SCRIPT_LATIN;
	return has_other ? SCRIPT_OTHER : SCRIPT_DIGITS;
}

/* Stems w into dst (TEXT_TOKEN_MAX + 1 bytes); returns the length. */
static size_t
stem_into(struct sb_stemmer *sb, char *dst, const char *w, size_t len)
{
	const sb_symbol *r;
	size_t n;

	r = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)len);
	if (!r) {                               /* out of memory: keep w */
		memmove(dst, w, len);
		return len;
	}
	n = (size_t)sb_stemmer_length(sb);
	if (n > TEXT_TOKEN_MAX)
		n = TEXT_TOKEN_MAX;
	memcpy(dst, r, n);
	dst[n] = '\0';
	return n;
}

static size_t
utf8_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* The one-letter Arabic proclitics: ب ل ك و ف (2 bytes each in UTF-8). */
static bool
has_proclitic(const char *w, size_t len)
{
	static const char *const pre[] = { "\xd8\xa8", "\xd9\x84", "\xd9\x83",
		"\xd9\x88", "\xd9\x81" };

	if (len < 2)
		return false;
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (memcmp(w, pre[i], 2) == 0)
			return true;
	return false;
}

static bool
same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && memcmp(a, b, na) == 0;
}

static void
stem_word(struct text_analyzer *ta, const char *w, size_t len, enum script sc,
    struct stems *out)
{
	struct sb_stemmer *sb = sc == SCRIPT_ARABIC ? ta->arabic : ta->english;

	out->n0 = stem_into(sb, out->s0, w, len);
	out->n1 = stem_into(sb, out->s1, out->s0, out->n0);
	if (same(out->s1, out->n1, out->s0, out->n0))
		out->n1 = 0;
	out->n2 = 0;
	if (sc == SCRIPT_ARABIC && has_proclitic(w, len) &&
	    utf8_count(w + 2, len - 2) >= 3) {
		out->n2 = stem_into(sb, out->s2, w + 2, len - 2);
		if (same(out->s2, out->n2, out->s0, out->n0) ||
		    same(out->s2, out->n2, out->s1, out->n1))
			out->n2 = 0;
	}
}

/*
 * Stemming is most of the cost of indexing (Snowball runs per word, up to
 * three times), and news text repeats its words, so the stems of recent
 * short words are kept in a direct-mapped cache.
 */
#define CACHE_SLOTS 16384
#define CACHE_WORD 48

struct cache_slot {
	uint8_t wlen, n0, n1, n2;       /* wlen 0 = empty slot */
	char w[CACHE_WORD], s0[CACHE_WORD], s1[CACHE_WORD], s2[CACHE_WORD];
};

static void
stems_cached(struct text_analyzer *ta, const char *w, size_t len,
    enum script sc, struct stems *out)
{
	struct cache_slot *c;

	if (len >= CACHE_WORD) {
		stem_word(ta, w, len, sc, out);
		return;
	}
	if (!ta->cache)
		ta->cache = xcalloc(CACHE_SLOTS, sizeof(*ta->cache));
	c = &ta->cache[(uint32_t)str_hash(w, len) % CACHE_SLOTS];
	if (c->wlen == len && memcmp(c->w, w, len) == 0) {
		memcpy(out->s0, c->s0, c->n0);
		memcpy(out->s1, c->s1, c->n1);
		memcpy(out->s2, c->s2, c->n2);
		out->n0 = c->n0;
		out->n1 = c->n1;
		out->n2 = c->n2;
		return;
	}
	stem_word(ta, w, len, sc, out);
	/* Stems are never longer than the word, so they fit when w does. */
	if (out->n0 < CACHE_WORD && out->n1 < CACHE_WORD &&
	    out->n2 < CACHE_WORD) {
		c->wlen = (uint8_t)len;
		memcpy(c->w, w, len);
		memcpy(c->s0, out->s0, out->n0);
		memcpy(c->s1, out->s1, out->n1);
		memcpy(c->s2, out->s2, out->n2);
		c->n0 = (uint8_t)out->n0;
		c->n1 = (uint8_t)out->n1;
		c->n2 = (uint8_t)out->n2;
	}
}

/*
 * Normalizes a word made only of basic Arabic letters, marks and digits
 * (U+0621-U+0671) without utf8proc: none of them has a compatibility
 * decomposition or case, and map_cp already gives what decomposing the
 * hamza letters and dropping the marks would. Returns false for any other
 * character (the caller then takes the general path).
 */
static bool
arabic_fast(const char *s, size_t len, char *out, size_t *out_len)
{
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char b0 = (unsigned char)s[i], b1;
		utf8proc_int32_t c;

		if (b0 < 0xD8 || b0 > 0xD9 || i + 1 >= len)
			return false;
		b1 = (unsigned char)s[i + 1];
		if ((b1 & 0xC0) != 0x80)
			return false;
		c = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
		if (c < 0x0621 || c > 0x0671)
			return false;
		i += 2;
		c = map_cp(c);
		if (c == 0)
			continue;
		/* room for two bytes: map_cp gives code points below U+0800 */
		if (o + 2 > TEXT_TOKEN_MAX)
			return false;
		o += str_utf8_put(out + o, (uint32_t)c);
	}
	*out_len = o;
	return true;
}

/*
 * The bytes of the definite article at the start of a normalized Arabic
 * word: ال, or وال فال بال كال (a proclitic and the article), or لل (ل +
 * ال); 0 when there is none or fewer than 2 letters would be left. The
 * stemmer keeps the article on short words (السد stays السد), so without
 * this السد and سد never meet. Index and query both strip it.
 */
static size_t
article_len(const char *w, size_t len)
{
	static const char *const art[] = { "\xd9\x88\xd8\xa7\xd9\x84",
		"\xd9\x81\xd8\xa7\xd9\x84", "\xd8\xa8\xd8\xa7\xd9\x84",
		"\xd9\x83\xd8\xa7\xd9\x84", "\xd8\xa7\xd9\x84",
		"\xd9\x84\xd9\x84" };

	for (size_t i = 0; i < sizeof(art) / sizeof(art[0]); i++) {
		size_t n = strlen(art[i]);

		if (len > n && memcmp(w, art[i], n) == 0 &&
		    utf8_count(w + n, len - n) >= 2)
			return n;
	}
	return 0;
}

/* The word normalized in ta->word[0..len): stemmed as flags ask, then to
 * fn. */
static int
emit_normal(struct text_analyzer *ta, size_t len, size_t start, size_t end,
    int flags, text_token_fn fn, void *payload)
{
	struct stems *sm = &ta->stems;
	enum script sc;
	int rc;

	ta->word[len] = '\0';
	if (!(flags & TEXT_STEM))
		return fn(ta->word, len, start, end, false, payload);
	sc = script_of(ta->word, len);
	if (sc == SCRIPT_OTHER || sc == SCRIPT_DIGITS)
		return fn(ta->word, len, start, end, false, payload);

	if (sc == SCRIPT_ARABIC) {
		size_t n = article_len(ta->word, len);

		memmove(ta->word, ta->word + n, len - n + 1);
		len -= n;
	}
	stems_cached(ta, ta->word, len, sc, sm);
	if ((rc = fn(sm->s0, sm->n0, start, end, false, payload)) != 0)
		return rc;
	if ((flags & TEXT_EXPAND) && sm->n1 &&
	    (rc = fn(sm->s1, sm->n1, start, end, true, payload)) != 0)
		return rc;
	if ((flags & TEXT_PREFIXES) && sm->n2 &&
	    (rc = fn(sm->s2, sm->n2, start, end, true, payload)) != 0)
		return rc;
	return 0;
}

/* A word with a byte past ASCII (text_tokenize folds ASCII words
 * itself): normalized, then emit_normal. */
static int
emit_word(struct text_analyzer *ta, const char *src, size_t start, size_t end,
    int flags, text_token_fn fn, void *payload)
{
	const char *raw = src + start;
	size_t rawlen = end - start, len = 0;

	if (rawlen > 4 * TEXT_TOKEN_MAX)
		return 0;
	if (!arabic_fast(raw, rawlen, ta->word, &len)) {
		utf8proc_ssize_t n = normalize_cps(&ta->cps, &ta->cps_cap, raw,
		    rawlen);

		if (n <= 0 || n > TEXT_TOKEN_MAX)
			return 0;
		len = (size_t)n;
		memcpy(ta->word, ta->cps, len);
	}
	if (len == 0)
		return 0;
	return emit_normal(ta, len, start, end, flags, fn, payload);
}

int
text_tokenize(struct text_analyzer *ta, const char *s, size_t len, int flags,
    text_token_fn fn, void *payload)
{
	size_t i = 0, start = 0;
	bool in_word = false;
	int rc;

	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n;

		if ((unsigned char)s[i] < 0x80) {
			/* ASCII, most of the bytes of most text: no decoding */
			c = (unsigned char)s[i];
			n = 1;
			if (!in_word && is_word_cp(c)) {
				/* A word of ASCII letters and digits, read and
				 * case-folded in one pass (emit_word would scan
				 * it twice more); one that goes on past ASCII
				 * takes the general path from its start. */
				size_t j = i, k = 0;

				for (; j < len && (unsigned char)s[j] < 0x80 &&
				    is_word_cp((unsigned char)s[j]); j++, k++)
					if (k < TEXT_TOKEN_MAX)
						ta->word[k] = (s[j] >= 'A' &&
						    s[j] <= 'Z') ? s[j] + 32 : s[j];
				if (j < len && (unsigned char)s[j] >= 0x80) {
					in_word = true;
					start = i;
					i = j;
					continue;
				}
				if (k <= TEXT_TOKEN_MAX && (rc = emit_normal(ta,
				    k, i, j, flags, fn, payload)) != 0)
					return rc;
				i = j;
				continue;
			}
		} else {
			n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			    (utf8proc_ssize_t)(len - i), &c);
			if (n <= 0) {           /* invalid byte: a separator */
				c = -1;
				n = 1;
			}
		}
		if (c >= 0 && is_word_cp(c)) {
			if (!in_word) {
				in_word = true;
				start = i;
			}
		} else if (in_word) {
			in_word = false;
			if ((rc = emit_word(ta, s, start, i, flags, fn,
			    payload)) != 0)
				return rc;
		}
		i += (size_t)n;
	}
	if (in_word)
		return emit_word(ta, s, start, len, flags, fn, payload);
	return 0;
}

size_t
text_utf8_trunc(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* ---- HTML to text ---- */

struct strip {
	struct buf *out;
	bool pending_space;
	const char *pending_mark;    /* "; " or ". " before the next text,
	                              * unless the text before ends in a mark */
};

static void
put_space(struct strip *st)
{
	st->pending_space = true;
}

/* Whether the output so far ends in a letter or digit (any non-ASCII
 * byte counts as a letter: marks are what matters here). */
static bool
ends_in_word(const struct buf *b)
{
	unsigned char c = b->len ? (unsigned char)b->ptr[b->len - 1] : 0;

	return c >= 0x80 || str_isalnum(c);
}

static void
put_bytes(struct strip *st, const char *p, size_t n)
{
	if (st->pending_mark && ends_in_word(st->out))
		buf_adds(st->out, st->pending_mark);
	else if ((st->pending_space || st->pending_mark) && st->out->len > 0)
		buf_addc(st->out, ' ');
	st->pending_space = false;
	st->pending_mark = NULL;
	buf_add(st->out, p, n);
}

static void
put_cp(struct strip *st, uint32_t c)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t n;

	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c == 0xA0 || c == '\t' || c == '\n' || c == '\r' || c == ' ') {
		put_space(st);
		return;
	}
	if (c < 0x20 || c == 0x7F)              /* other controls: drop */
		return;
	n = utf8proc_encode_char((utf8proc_int32_t)c, tmp);
	put_bytes(st, (const char *)tmp, (size_t)n);
}

static const struct {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xA0 }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "hellip", 0x2026 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "laquo", 0xAB }, { "raquo", 0xBB }, { "copy", 0xA9 },
	{ "reg", 0xAE }, { "middot", 0xB7 }, { "bull", 0x2022 },
	{ "zwnj", 0x200C }, { "zwj", 0x200D }, { "shy", 0xAD },
};

/* Decodes the entity at s[0] == '&'; returns the bytes consumed (0 when it
 * is not an entity). */
static size_t
entity(const char *s, size_t len, uint32_t *out)
{
	size_t i = 1, k;
	uint32_t v = 0;

	if (len > 2 && s[1] == '#') {
		bool hex = len > 3 && (s[2] == 'x' || s[2] == 'X');

		i = hex ? 3 : 2;
		k = i;
		for (; i < len && i < k + 8; i++) {
			char c = s[i];
			int d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == k)
			return 0;
		*out = v;
		return (i < len && s[i] == ';') ? i + 1 : i;
	}
	for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		size_t n = strlen(entities[k].name);

		if (len >= n + 2 && memcmp(s + 1, entities[k].name, n) == 0 &&
		    s[n + 1] == ';') {
			*out = entities[k].cp;
			return n + 2;
		}
	}
	return 0;
}

static bool
name_is(const char *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	if (n != m)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != lit[i])
			return false;
	}
	return true;
}

/* Inline elements do not separate words: "hel<b>lo</b>" is "hello". */
static bool
is_inline(const char *p, size_t n)
{
	static const char *const names[] = { "a", "b", "i", "u", "s", "em",
		"strong", "span", "small", "sub", "sup", "abbr", "cite", "code",
		"q", "mark", "font", "time", "bdi", "bdo", "wbr", "ins", "del",
		"tt", "var", "kbd", "dfn" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (name_is(p, n, names[i]))
			return true;
	return false;
}

/* Finds the case-insensitive needle in s; returns its offset or len. */
static size_t
find_ci(const char *s, size_t len, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= len; i++)
		if (name_is(s + i, m, needle))
			return i;
	return len;
}

int
text_strip_html(struct buf *out, const char *html, size_t len)
{
	struct strip st = { out, false, NULL };
	size_t i = 0;

	while (i < len) {
		char c = html[i];

		if (c == '<' && i + 1 < len && (str_isalpha(html[i + 1]) ||
		    html[i + 1] == '/' || html[i + 1] == '!' ||
		    html[i + 1] == '?')) {
			size_t j = i + 1, ns, ne;
			char q = 0;

			if (len - i >= 4 && memcmp(html + i, "<!--", 4) == 0) {
				size_t e = i + 4;

				while (e + 3 <= len && memcmp(html + e, "-->", 3))
					e++;
				i = e + 3 <= len ? e + 3 : len;
				put_space(&st);
				continue;
			}
			if (html[j] == '/')
				j++;
			ns = j;
			while (j < len && (str_isalpha(html[j]) ||
			    (html[j] >= '0' && html[j] <= '9')))
				j++;
			ne = j;
			for (; j < len; j++) {
				if (q) {
					if (html[j] == q)
						q = 0;
				} else if (html[j] == '"' || html[j] == '\'') {
					q = html[j];
				} else if (html[j] == '>') {
					break;
				}
			}
			if (j >= len)           /* unterminated tag: drop the rest */
				break;
			i = j + 1;
			if (html[ns - 1] != '/' && (name_is(html + ns, ne - ns,
			    "script") || name_is(html + ns, ne - ns, "style"))) {
				const char *close = name_is(html + ns, ne - ns,
				    "script") ? "</script" : "</style";
				size_t e = find_ci(html + i, len - i, close);

				i += e;
				if (i < len) {
					while (i < len && html[i] != '>')
						i++;
					i += i < len;
				}
				put_space(&st);
				continue;
			}
			if (name_is(html + ns, ne - ns, "li") ||
			    name_is(html + ns, ne - ns, "dt") ||
			    name_is(html + ns, ne - ns, "dd"))
				st.pending_mark = "; ";  /* items stay apart */
			else if (ne - ns == 2 && str_tolower(html[ns]) == 'h' &&
			    html[ns + 1] >= '1' && html[ns + 1] <= '6')
				st.pending_mark = ". ";  /* a heading ends */
			else if (!is_inline(html + ns, ne - ns))
				put_space(&st);
			continue;
		}
		if (c == '&') {
			uint32_t cp;
			size_t n = entity(html + i, len - i, &cp);

			if (n) {
				put_cp(&st, cp);
				i += n;
				continue;
			}
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			put_space(&st);
			i++;
			continue;
		}
		if ((unsigned char)c < 0x20 || c == 0x7F) {
			i++;
			continue;
		}
		{
			size_t j = i + 1;

			while (j < len && html[j] != '<' && html[j] != '&' &&
			    (unsigned char)html[j] > ' ' && html[j] != 0x7F)
				j++;
			put_bytes(&st, html + i, j - i);
			i = j;
		}
	}
	return buf_err(out);
}
