/*
 * cluster: online story clustering with a time window, and near-duplicate
 * detection by one-permutation MinHash with LSH bands.
 *
 * Per document: words from core/text.c (the tokenizer search uses), title
 * words counted TITLE_W times, capitalized words (names, places) and
 * numbers boosted, weighted by TF-IDF (document frequencies in a fixed
 * table of counters), the VEC_K heaviest kept and normalized. A story is
 * the sum of its members' vectors, cut to its CENT_K heaviest terms.
 * Candidates come from a fixed-size term index (each bucket remembers the
 * last IDX_WAYS stories indexed under it), so the cost per document does
 * not grow with the number of stories; the best cosine wins if it clears
 * a threshold that rises with the time gap. All memory is fixed tables
 * plus the live stories, which leave when quiet for window_s.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/err.h"
#include "core/str.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "core/banned.h"

#define VEC_K 48
#define CENT_K 112
#define CENT_SLACK 32          /* a centroid grows this far past CENT_K
                                * before it is cut back, not cut at
                                * every add */
#define SEED_K 48              /* terms of a story's first reports */
#define SEED_N 8               /* ... the first this many, of its first day */
#define IDX_Q 16
#define TITLE_Q 8              /* headline terms also looked up */
#define TITLE_BITS 12          /* (outlet, headline) pairs remembered */
#define TITLE_BODY_BYTES 64    /* of summary and text, to tell pages apart */
#define SHORT_TERMS 16          /* fewer terms: a short document */
#define MIN_SHARED 2           /* words a document shares with its story */
#define CAND_MAX 24            /* candidate stories scored per document */
#define IDX_BITS 17
#define IDX_WAYS 8
#define DF_BITS 20             /* document-frequency counters */
#define MH_N 32                /* MinHash bins */
#define MH_ROWS 4              /* bins per LSH band */
#define MH_BANDS (MH_N / MH_ROWS)
#define MH_MIN_SHINGLES 4
#define LSH_BITS 16
#define RING_BITS 15           /* recent documents kept for near-dups */
#define DOC_TERMS_MAX 1024     /* distinct terms counted per document */
#define PHOTO_BITS 14          /* recent lead photos remembered */
#define TITLE_W 3.0f
#define SUMMARY_W 1.5f
#define ENTITY_W 1.6f

struct term {
	uint64_t h;
	float w;
};

_Static_assert(VEC_K >= IDX_Q + TITLE_Q, "the query is cut from vec");

struct story {
	int64_t id;
	int64_t first, last;
	uint64_t stamp;            /* last document that considered it */
	uint32_t cand_ix;          /* its candidate entry for that document */
	uint32_t gen;
	uint32_t n;
	/* when generation folded_gen of this slot was folded into another
	 * story: that one (slot + 1, 0 none) and its generation, so what
	 * still points at the folded story (a photo, a near-duplicate)
	 * finds where it went */
	uint32_t fold_slot, fold_gen, folded_gen;
	bool is_live;
	uint16_t nterm, nseed;
	float norm, seed_norm;
	struct term t[CENT_K + CENT_SLACK]; /* sorted by h */
	/* what the story's first day said (its members within
	 * span_grace_s of its first report), sorted by h */
	struct term seed[SEED_K];
};

struct idx_slot {
	uint32_t slot, gen;
};

struct ring_doc {
	int64_t idx;               /* -1: empty */
	int64_t time;
	uint32_t slot, gen;
	uint32_t sig[MH_N];
};

struct analyze {
	struct analyze_opts o;
	struct text_analyzer *ta;
	uint64_t *stop_h;          /* the stop words' hashes, STOP_SLOTS */
	struct termc {
		uint64_t key;          /* the word's hash, low bits TERMC_* */
		uint64_t h;            /* hash of its stem */
	} *termc;                  /* 1 << TERMC_BITS */
	int64_t next_story;
	uint64_t n_docs;
	size_t n_stories, n_dups;
	int64_t clock;             /* newest document time seen */

	uint32_t *df;              /* 1 << DF_BITS */
	struct idx_slot *idx;      /* (1 << IDX_BITS) * IDX_WAYS */
	uint8_t *idx_next;         /* round robin per bucket */
	struct lsh_ent {
		uint32_t at;           /* ring position + 1, 0 = empty */
		uint32_t key;
	} *lsh;
	uint64_t band_key[MH_BANDS]; /* this document's bands */
	size_t band_pos[MH_BANDS];
	struct ring_doc *ring;
	struct photo_ent {
		uint64_t key, source;
		int64_t time;
		uint32_t slot, gen;    /* slot + 1; 0 = empty */
	} *photos;

	struct story *st;          /* slots */
	size_t n_slots, cap_slots, n_live;
	uint32_t *free_slots;
	size_t n_free, cap_free;

	/* per-document scratch */
	struct term *tf;           /* open addressing, DOC_TERMS_MAX * 2 */
	uint16_t *tf_used;         /* the slots in use, DOC_TERMS_MAX */
	size_t n_tf;
	uint64_t title_h[TITLE_Q]; /* the headline's first terms */
	size_t n_title;
	struct title_ent {
		uint64_t key;          /* the outlet's and headline's hash */
		uint64_t body;         /* the summary's and text's */
		int64_t time;
	} *titles;                 /* 1 << TITLE_BITS */
	uint64_t shingle_prev[2];  /* last two token hashes */
	uint32_t sig[MH_N];
	size_t n_shingles;
	float field_w;
	const char *field;
	bool is_title_case;        /* every word capitalized: no names told */
	const char *title;         /* the document's title (is_title_case) */
	int64_t field_last_end;
};

/* English function words and the words every report uses: they say
 * nothing about which event a report tells. Stemmed like the text, into
 * a set per clusterer. (A longer list, with "can", "why", "may"...,
 * helped headlines by 0.005 and cost events as much on the kit's dev
 * set: not taken.) */
static const char *const stop_en[] = {
	"a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for",
	"from", "had", "has", "have", "he", "her", "his", "i", "in", "is", "it",
	"it", "its", "of", "on", "or", "said", "say", "she", "that", "the",
	"their", "they", "this", "to", "was", "we", "were", "which", "who",
	"will", "with", "would", "you", "not", "after", "also", "more", "new",
	"one", "than", "there", "about", "said", "year", "over", "up", "out",
};

#define STOP_SLOTS 512
#define TERMC_BITS 15          /* words whose stems are remembered */
#define TERMC_USED 1u          /* flags in termc.key's low bits */
#define TERMC_TERM 2u          /* a term: not a stop word, 2+ letters */
#define TERMC_NUM 4u           /* digits only */
#define TERMC_FLAGS 7u

void
analyze_opts_default(struct analyze_opts *out)
{
	out->window_s = 30 * 86400;
	out->threshold = 0.11;
	out->threshold_short = 0.04;
	out->decay_per_day = 0.0;
	out->span_per_day = 0.01;
	out->span_grace_s = 86400;
	out->dup_jaccard = 0.7;
	out->merge_threshold = 0.15;
	out->merge_span_s = 36 * 3600;
	out->seed_threshold = 0.05;
	out->max_live = 16384;
}

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A stop word, stemmed, into the set. */
static int
on_stop(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct analyze *an = payload;
	uint64_t h = str_hash(tok, len);
	size_t k = (size_t)mix64(h) & (STOP_SLOTS - 1);

	(void)start;
	(void)end;
	if (is_colocated)
		return 0;
	while (an->stop_h[k] && an->stop_h[k] != h)
		k = (k + 1) & (STOP_SLOTS - 1);
	an->stop_h[k] = h;
	return 0;
}

struct analyze *
analyze_new(const struct analyze_opts *opts, int64_t next_story)
{
	struct analyze *an = xcalloc(1, sizeof(*an));

	if (opts)
		an->o = *opts;
	else
		analyze_opts_default(&an->o);
	if (an->o.max_live < 16)
		an->o.max_live = 16;
	if (text_analyzer_new(&an->ta) < 0) {
		free(an);
		return NULL;
	}
	an->next_story = next_story > 0 ? next_story : 1;
	an->df = xcalloc((size_t)1 << DF_BITS, sizeof(*an->df));
	an->idx = xcalloc((size_t)IDX_WAYS << IDX_BITS, sizeof(*an->idx));
	an->idx_next = xcalloc((size_t)1 << IDX_BITS, 1);
	an->lsh = xcalloc((size_t)1 << LSH_BITS, sizeof(*an->lsh));
	an->ring = xcalloc((size_t)1 << RING_BITS, sizeof(*an->ring));
	for (size_t i = 0; i < (size_t)1 << RING_BITS; i++)
		an->ring[i].idx = -1;
	an->photos = xcalloc((size_t)1 << PHOTO_BITS, sizeof(*an->photos));
	an->tf = xcalloc(DOC_TERMS_MAX * 2, sizeof(*an->tf));
	an->tf_used = xcalloc(DOC_TERMS_MAX, sizeof(*an->tf_used));
	an->stop_h = xcalloc(STOP_SLOTS, sizeof(*an->stop_h));
	an->termc = xcalloc((size_t)1 << TERMC_BITS, sizeof(*an->termc));
	an->titles = xcalloc((size_t)1 << TITLE_BITS, sizeof(*an->titles));
	for (size_t i = 0; i < sizeof(stop_en) / sizeof(stop_en[0]); i++)
		(void)text_tokenize(an->ta, stop_en[i], strlen(stop_en[i]),
		    TEXT_STEM, on_stop, an);
	return an;
}

void
analyze_free(struct analyze *an)
{
	if (!an)
		return;
	text_analyzer_free(an->ta);
	free(an->stop_h);
	free(an->termc);
	free(an->titles);
	free(an->df);
	free(an->idx);
	free(an->idx_next);
	free(an->lsh);
	free(an->ring);
	free(an->photos);
	free(an->tf);
	free(an->tf_used);
	free(an->st);
	free(an->free_slots);
	free(an);
}

void
analyze_stats(const struct analyze *an, struct analyze_stats *out)
{
	out->n_docs = (size_t)an->n_docs;
	out->n_live = an->n_live;
	out->n_stories = an->n_stories;
	out->n_dups = an->n_dups;
	out->bytes = sizeof(*an) +
	    ((size_t)1 << DF_BITS) * sizeof(*an->df) +
	    ((size_t)IDX_WAYS << IDX_BITS) * sizeof(*an->idx) +
	    ((size_t)1 << IDX_BITS) +
	    ((size_t)1 << LSH_BITS) * sizeof(struct lsh_ent) +
	    ((size_t)1 << TERMC_BITS) * sizeof(struct termc) +
	    ((size_t)1 << TITLE_BITS) * sizeof(struct title_ent) +
	    STOP_SLOTS * sizeof(uint64_t) +
	    ((size_t)1 << RING_BITS) * sizeof(struct ring_doc) +
	    ((size_t)1 << PHOTO_BITS) * sizeof(struct photo_ent) +
	    DOC_TERMS_MAX * 2 * sizeof(struct term) +
	    an->cap_slots * sizeof(struct story) +
	    an->cap_free * sizeof(uint32_t);
}

/* ---- features ---- */

static uint64_t
hash_str(const char *s)
{
	return s && *s ? str_hash(s, strnlen(s, ANALYZE_FIELD_MAX)) | 1 : 0;
}

static bool
is_stop(const struct analyze *an, uint64_t h)
{
	for (size_t k = (size_t)mix64(h) & (STOP_SLOTS - 1); an->stop_h[k];
	    k = (k + 1) & (STOP_SLOTS - 1))
		if (an->stop_h[k] == h)
			return true;
	return false;
}

static void
tf_add(struct analyze *an, uint64_t h, float w)
{
	size_t mask = DOC_TERMS_MAX * 2 - 1;

	if (h == 0)
		h = 1;
	for (size_t i = (size_t)mix64(h) & mask;; i = (i + 1) & mask) {
		if (an->tf[i].h == h) {
			an->tf[i].w += w;
			return;
		}
		if (an->tf[i].h == 0) {
			if (an->n_tf >= DOC_TERMS_MAX)
				return;
			an->tf[i].h = h;
			an->tf[i].w = w;
			an->tf_used[an->n_tf++] = (uint16_t)i;
			return;
		}
	}
}

static void
shingle(struct analyze *an, uint64_t h)
{
	uint64_t *p = an->shingle_prev;

	if (p[0] && p[1]) {
		uint64_t s = mix64(p[0] * 31 + p[1] * 17 + h);
		uint32_t bin = (uint32_t)(s >> 59);   /* 32 bins */
		uint32_t v = (uint32_t)s;

		if (v < an->sig[bin])
			an->sig[bin] = v;
		an->n_shingles++;
	}
	p[0] = p[1];
	p[1] = h;
}

/* Is the word at start a capitalized one inside a sentence (a name)? */
static bool
is_entity(const char *s, size_t start)
{
	size_t i;

	if (!(s[start] >= 'A' && s[start] <= 'Z'))
		return false;
	if (start == 0)
		return false;
	for (i = start; i > 0; i--) {
		char c = s[i - 1];

		if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '(')
			continue;
		return !(c == '.' || c == '!' || c == '?' || c == '\n' ||
		    c == ':');
	}
	return false;
}

static inline size_t
termc_slot(uint64_t raw)
{
	return (size_t)(mix64(raw) >> (64 - TERMC_BITS));
}

/* The stem of one normalized word: the first token text_tokenize gives. */
struct stem_one {
	uint64_t h;
	size_t len;
	bool is_num, has;
};

static int
on_stem(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct stem_one *o = payload;

	(void)start;
	(void)end;
	if (is_colocated)
		return 0;
	o->h = str_hash(tok, len);
	o->len = len;
	o->is_num = len > 0;
	for (size_t i = 0; i < len; i++)
		if (!str_isdigit((unsigned char)tok[i]))
			o->is_num = false;
	o->has = true;
	return 1;
}

/* What a (case-folded, normalized) word is as a term: the hash of its
 * stem, whether it counts (not a stop word, two letters or more) and
 * whether it is a number. Stemming and the stop test run once per word
 * held in the table (1 << TERMC_BITS entries); news repeats its words. A
 * word whose normalized form holds a separator (the NFKC form of a vulgar
 * fraction) gets the stem of its first part. */
static const struct termc *
term_of(struct analyze *an, const char *word, size_t len)
{
	uint64_t raw = str_hash(word, len) & ~(uint64_t)TERMC_FLAGS;
	struct termc *e = &an->termc[termc_slot(raw)];
	char copy[TEXT_TOKEN_MAX * 4 + 1];
	struct stem_one o = { 0 };

	if ((e->key & ~(uint64_t)TERMC_FLAGS) == raw && (e->key & TERMC_USED))
		return e;
	/* word is the tokenizer's buffer, which the nested call reuses */
	if (len >= sizeof(copy))
		len = sizeof(copy) - 1;
	memcpy(copy, word, len);
	copy[len] = '\0';
	(void)text_tokenize(an->ta, copy, len, TEXT_STEM, on_stem, &o);
	if (!o.has) {
		o.h = str_hash(copy, len);
		o.len = len;
	}
	e->key = raw | TERMC_USED |
	    (o.len >= 2 && !is_stop(an, o.h) ? TERMC_TERM : 0) |
	    (o.is_num ? TERMC_NUM : 0);
	e->h = o.h;
	return e;
}

static int
on_token(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct analyze *an = payload;
	const struct termc *e;
	float w = an->field_w;

	(void)end;
	if (is_colocated)
		return 0;
	e = term_of(an, tok, len);
	shingle(an, e->h);
	if (!(e->key & TERMC_TERM))
		return 0;
	if ((e->key & TERMC_NUM) ||
	    (!an->is_title_case && is_entity(an->field, start)))
		w *= ENTITY_W;
	tf_add(an, e->h, w);
	return 0;
}

/* "Apple TV Update Adds Ability to Hide Channels": when most words of a
 * field start with a capital, capitals say nothing about names. */
static bool
is_title_case(const char *s, size_t len)
{
	size_t words = 0, caps = 0;

	for (size_t i = 0; i < len; i++) {
		if (!str_isalpha((unsigned char)s[i]) ||
		    (i > 0 && str_isalnum((unsigned char)s[i - 1])))
			continue;
		words++;
		caps += s[i] >= 'A' && s[i] <= 'Z';
	}
	return words >= 3 && caps * 10 > words * 6;
}

static void
field(struct analyze *an, const char *s, size_t max, float w)
{
	size_t len;

	if (!s || !*s)
		return;
	len = strnlen(s, max);
	len = text_utf8_trunc(s, len, max);
	an->field = s;
	an->is_title_case = s == an->title && is_title_case(s, len);
	an->field_w = w;
	an->shingle_prev[0] = an->shingle_prev[1] = 0;
	(void)text_tokenize(an->ta, s, len, 0, on_token, an);
}

static bool
heavier(const struct term *x, const struct term *y)
{
	return x->w != y->w ? x->w > y->w : x->h < y->h;
}

/* Moves the k heaviest terms of t[0..n) to its front, in no order
 * (quickselect; the tie-break on the hash keeps it deterministic). */
static void
top_k(struct term *t, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		struct term pivot = t[lo + (hi - lo) / 2], tmp;
		size_t i = lo, j = hi;

		while (i <= j) {
			while (heavier(&t[i], &pivot))
				i++;
			while (heavier(&pivot, &t[j]))
				j--;
			if (i <= j) {
				tmp = t[i];
				t[i] = t[j];
				t[j] = tmp;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k - 1 <= j)
			hi = j;
		else if (k - 1 >= i)
			lo = i;
		else
			return;
	}
}

/* Insertion sort: the arrays are at most VEC_K long. */
static void
sort_by_hash(struct term *t, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct term x = t[i];
		size_t j = i;

		for (; j > 0 && t[j - 1].h > x.h; j--)
			t[j] = t[j - 1];
		t[j] = x;
	}
}

/* Keeps the k heaviest of t[0..n) (sorted by hash) in hash order; returns
 * k. Ties at the cut go to the smaller hashes. */
static size_t
keep_heaviest(struct term *t, size_t n, size_t k)
{
	struct term w[(CENT_K + CENT_SLACK) * 2];
	float cut;
	size_t above = 0, out = 0, at_cut;

	memcpy(w, t, n * sizeof(*t));
	top_k(w, n, k);
	cut = w[0].w;
	for (size_t i = 1; i < k; i++)
		if (w[i].w < cut)
			cut = w[i].w;
	for (size_t i = 0; i < n; i++)
		above += t[i].w > cut;
	at_cut = k - above;
	for (size_t i = 0; i < n; i++) {
		if (t[i].w > cut || (t[i].w == cut && at_cut > 0)) {
			if (t[i].w == cut)
				at_cut--;
			t[out++] = t[i];
		}
	}
	return out;
}

/* A headline that names no event: a page's or a section's name ("English",
 * "ABC News", "Business News, Personal Finance and Money News"), an error
 * page's. Either it has fewer than two terms, or its outlet gave the same
 * headline to another document (another summary and text) within the
 * window. Remembers this one. */
static bool
title_is_generic(struct analyze *an, const struct analyze_doc *d,
    size_t n_terms)
{
	uint64_t src = hash_str(d->source), key, body;
	struct title_ent *e;
	bool is_generic = n_terms < 2;

	if (!src || !d->title || !*d->title)
		return is_generic;
	key = mix64(src) ^ str_hash(d->title, strnlen(d->title,
	    ANALYZE_FIELD_MAX));
	key |= 1;
	/* two pages differ in their first bytes */
	body = (d->summary ? mix64(str_hash(d->summary, strnlen(d->summary,
	    TITLE_BODY_BYTES))) : 0) ^ (d->text ? str_hash(d->text,
	    strnlen(d->text, TITLE_BODY_BYTES)) : 0);
	e = &an->titles[mix64(key) >> (64 - TITLE_BITS)];
	if (e->key == key && e->body != body &&
	    llabs(d->time - e->time) <= an->o.window_s)
		is_generic = true;
	e->key = key;
	e->body = body;
	e->time = d->time;
	return is_generic;
}

/* The document's vector into vec (sorted by hash); returns its length.
 * Also counts its terms into the document frequencies. */
static size_t
vectorize(struct analyze *an, const struct analyze_doc *d, struct term *vec)
{
	struct term all[DOC_TERMS_MAX];
	uint32_t *dfp[DOC_TERMS_MAX];
	size_t n = 0;
	double norm = 0, ndocs = (double)an->n_docs + 1;

	an->n_tf = 0;
	an->n_shingles = 0;
	for (size_t i = 0; i < MH_N; i++)
		an->sig[i] = UINT32_MAX;
	an->title = d->title;
	field(an, d->title, ANALYZE_FIELD_MAX, TITLE_W);
	an->n_title = 0;
	if (title_is_generic(an, d, an->n_tf)) {
		/* it weighs as text does, and stories are not looked up
		 * under it */
		for (size_t i = 0; i < an->n_tf; i++)
			an->tf[an->tf_used[i]].w /= TITLE_W;
	} else {
		for (size_t i = 0; i < an->n_tf && i < TITLE_Q; i++)
			an->title_h[an->n_title++] =
			    an->tf[an->tf_used[i]].h;
	}
	field(an, d->summary, ANALYZE_FIELD_MAX, SUMMARY_W);
	field(an, d->text, ANALYZE_TEXT_LEAD, 1.0f);
	/* The counters are a 4 MB table read at random: ask for all of
	 * this document's lines first, then use them (the loads overlap
	 * instead of waiting one after the other). */
	for (size_t i = 0; i < an->n_tf; i++) {
		struct term *t = &an->tf[an->tf_used[i]];

		dfp[i] = &an->df[mix64(t->h) >> (64 - DF_BITS)];
		__builtin_prefetch(dfp[i], 1);
	}
	for (size_t i = 0; i < an->n_tf; i++) {
		struct term *t = &an->tf[an->tf_used[i]];
		uint32_t *dfc = dfp[i];
		double idf;

		idf = log((ndocs + 1) / ((double)*dfc + 0.5));
		if (*dfc < UINT32_MAX)
			(*dfc)++;
		all[n].h = t->h;
		all[n].w = (float)((1 + log(t->w)) * idf);
		n++;
		t->h = 0;
		t->w = 0;
	}
	if (n > VEC_K) {
		top_k(all, n, VEC_K);
		n = VEC_K;
	}
	for (size_t i = 0; i < n; i++)
		norm += (double)all[i].w * all[i].w;
	norm = norm > 0 ? sqrt(norm) : 1;
	for (size_t i = 0; i < n; i++) {
		vec[i].h = all[i].h;
		vec[i].w = (float)(all[i].w / norm);
	}
	sort_by_hash(vec, n);
	return n;
}

/* ---- stories ---- */

static double
dot_n(const struct term *a, size_t na, const struct term *b, size_t nb,
    size_t *out_shared)
{
	double s = 0;
	size_t i = 0, j = 0, shared = 0;

	while (i < na && j < nb) {
		if (a[i].h == b[j].h) {
			s += (double)a[i++].w * b[j++].w;
			shared++;
		}
		else if (a[i].h < b[j].h)
			i++;
		else
			j++;
	}
	if (out_shared)
		*out_shared = shared;
	return s;
}

static double
dot(const struct term *a, size_t na, const struct term *b, size_t nb)
{
	return dot_n(a, na, b, nb, NULL);
}

/* dst (n terms, sorted by h) += v, cut to its cap heaviest when it holds
 * more than cap + slack; returns the new length and sets *norm. */
static uint16_t
vec_add(struct term *dst, size_t n, size_t cap, size_t slack,
    const struct term *v, size_t nv, float *norm)
{
	struct term m[(CENT_K + CENT_SLACK) * 2];
	size_t i = 0, j = 0, k = 0;
	double sq = 0;

	while (i < n || j < nv) {
		if (j >= nv || (i < n && dst[i].h < v[j].h))
			m[k++] = dst[i++];
		else if (i >= n || v[j].h < dst[i].h)
			m[k++] = v[j++];
		else {
			m[k] = dst[i++];
			m[k++].w += v[j++].w;
		}
	}
	if (k > cap + slack)
		k = keep_heaviest(m, k, cap);
	memcpy(dst, m, k * sizeof(m[0]));
	for (size_t x = 0; x < k; x++)
		sq += (double)m[x].w * m[x].w;
	*norm = (float)(sq > 0 ? sqrt(sq) : 1);
	return (uint16_t)k;
}

static void
story_learn(struct story *s, const struct term *v, size_t nv, bool is_seed)
{
	s->nterm = vec_add(s->t, s->nterm, CENT_K, CENT_SLACK, v, nv,
	    &s->norm);
	if (is_seed)
		s->nseed = vec_add(s->seed, s->nseed, SEED_K, 0, v, nv,
		    &s->seed_norm);
	s->n++;
}

/* Folds story b's centroid into a (the sum, cut to CENT_K). */
static void
story_absorb(struct story *a, const struct story *b)
{
	a->nterm = vec_add(a->t, a->nterm, CENT_K, CENT_SLACK, b->t, b->nterm,
	    &a->norm);
	a->nseed = vec_add(a->seed, a->nseed, SEED_K, 0, b->seed, b->nseed,
	    &a->seed_norm);
	a->n += b->n;
	if (b->first < a->first)
		a->first = b->first;
	if (b->last > a->last)
		a->last = b->last;
}

static void
story_drop(struct analyze *an, uint32_t slot)
{
	struct story *s = &an->st[slot];

	s->is_live = false;
	s->gen++;
	an->n_live--;
	an->free_slots = xgrow(an->free_slots, sizeof(*an->free_slots),
	    an->n_free + 1, &an->cap_free);
	an->free_slots[an->n_free++] = slot;
}

/* Stories quiet for longer than the window leave; when the cap is
 * reached, the window shrinks until an eighth of the slots is free. */
static void
evict(struct analyze *an)
{
	int64_t window = an->o.window_s;

	for (;;) {
		for (size_t i = 0; i < an->n_slots; i++)
			if (an->st[i].is_live &&
			    an->st[i].last < an->clock - window)
				story_drop(an, (uint32_t)i);
		if (an->n_live < an->o.max_live - an->o.max_live / 8 ||
		    window <= 0)
			return;
		window /= 2;
	}
}

static uint32_t
story_new(struct analyze *an, int64_t id, int64_t time)
{
	uint32_t slot;
	struct story *s;

	if (an->n_live >= an->o.max_live)
		evict(an);
	if (an->n_free) {
		slot = an->free_slots[--an->n_free];
	} else {
		an->st = xgrow(an->st, sizeof(*an->st), an->n_slots + 1,
		    &an->cap_slots);
		slot = (uint32_t)an->n_slots++;
		an->st[slot].gen = 0;
		an->st[slot].fold_slot = 0;
	}
	s = &an->st[slot];
	s->id = id;
	s->first = s->last = time;
	s->stamp = 0;
	s->n = 0;
	s->nterm = 0;
	s->nseed = 0;
	s->norm = 1;
	s->seed_norm = 1;
	s->is_live = true;
	an->n_live++;
	an->n_stories++;
	return slot;
}

static void
index_story(struct analyze *an, uint32_t slot, const struct term *q,
    size_t nq)
{
	for (size_t i = 0; i < nq; i++) {
		size_t b = (size_t)(mix64(q[i].h) >> (64 - IDX_BITS));
		struct idx_slot *ways = &an->idx[b * IDX_WAYS];
		bool has = false;

		for (size_t w = 0; w < IDX_WAYS; w++)
			if (ways[w].slot == slot + 1 &&
			    ways[w].gen == an->st[slot].gen)
				has = true;
		if (has)
			continue;
		ways[an->idx_next[b]].slot = slot + 1;
		ways[an->idx_next[b]].gen = an->st[slot].gen;
		an->idx_next[b] = (uint8_t)((an->idx_next[b] + 1) % IDX_WAYS);
	}
}

static int64_t
gap_of(const struct story *s, int64_t t)
{
	if (t > s->last)
		return t - s->last;
	if (t < s->first)
		return s->first - t;
	return 0;
}

/* How far past the grace period the story would stretch with a report
 * at t: a story is one event, not the whole thread of a beat. */
static double
span_over(const struct story *s, int64_t t, int64_t grace)
{
	int64_t first = t < s->first ? t : s->first;
	int64_t last = t > s->last ? t : s->last;

	return last - first > grace ? (double)(last - first - grace) : 0;
}

/* ---- near-duplicates ---- */

static void
densify(uint32_t *sig)
{
	/* One-permutation hashing leaves bins empty for short texts; each
	 * empty bin borrows the next filled one's value (rotation), so two
	 * equal texts still agree bin by bin. */
	for (size_t i = 0; i < MH_N; i++) {
		if (sig[i] != UINT32_MAX)
			continue;
		for (size_t k = 1; k < MH_N; k++) {
			uint32_t v = sig[(i + k) % MH_N];

			if (v != UINT32_MAX) {
				sig[i] = (uint32_t)mix64(v + k);
				break;
			}
		}
	}
}

/* The live story a reference (slot, gen) stands for now: that story, or
 * the one it was folded into (followed a few times), else UINT32_MAX. */
static uint32_t
live_slot(const struct analyze *an, uint32_t slot, uint32_t gen)
{
	for (int hops = 0; hops < 4; hops++) {
		const struct story *s = &an->st[slot];

		if (s->is_live && s->gen == gen)
			return slot;
		if (!s->fold_slot || s->folded_gen != gen)
			break;
		slot = s->fold_slot - 1;
		gen = s->fold_gen;
	}
	return UINT32_MAX;
}

static int
find_dup(struct analyze *an, int64_t time, int64_t *out_idx,
    uint32_t *out_slot)
{
	size_t ring_mask = ((size_t)1 << RING_BITS) - 1;

	for (size_t b = 0; b < MH_BANDS; b++) {
		uint64_t key = an->band_key[b];
		struct lsh_ent *e = &an->lsh[an->band_pos[b]];
		uint32_t r = e->at;
		struct ring_doc *rd;
		size_t same = 0;
		uint32_t live;

		if (!r || e->key != (uint32_t)key)
			continue;
		rd = &an->ring[(r - 1) & ring_mask];
		if (rd->idx < 0 || llabs(rd->time - time) > an->o.window_s)
			continue;
		for (size_t i = 0; i < MH_N; i++)
			same += rd->sig[i] == an->sig[i];
		if ((double)same / MH_N < an->o.dup_jaccard)
			continue;
		if (rd->slot == 0 || (live = live_slot(an, rd->slot - 1,
		    rd->gen)) == UINT32_MAX)
			continue;
		*out_idx = rd->idx;
		*out_slot = live;
		return 1;
	}
	return 0;
}

static void
remember(struct analyze *an, int64_t idx, int64_t time, uint32_t slot)
{
	size_t ring_mask = ((size_t)1 << RING_BITS) - 1;
	size_t at = (size_t)idx & ring_mask;
	struct ring_doc *rd = &an->ring[at];

	rd->idx = idx;
	rd->time = time;
	rd->slot = slot + 1;
	rd->gen = an->st[slot].gen;
	memcpy(rd->sig, an->sig, sizeof(rd->sig));
	for (size_t b = 0; b < MH_BANDS; b++) {
		an->lsh[an->band_pos[b]].at = (uint32_t)(at + 1);
		an->lsh[an->band_pos[b]].key = (uint32_t)an->band_key[b];
	}
}

/* ---- one photo, two outlets ---- */

/* The live story of another outlet's report with the same lead photo,
 * close in time. One outlet reusing a photo (its logo, a file picture)
 * proves nothing, so the outlet that first showed it with that story
 * cannot join through it. */
static bool
find_photo(struct analyze *an, uint64_t key, uint64_t source, int64_t t,
    uint32_t *out_slot)
{
	struct photo_ent *e = &an->photos[mix64(key) >> (64 - PHOTO_BITS)];
	uint32_t live;

	if (!key || e->key != key || !e->slot || e->source == source ||
	    llabs(e->time - t) > ANALYZE_PHOTO_WINDOW_S)
		return false;
	if ((live = live_slot(an, e->slot - 1, e->gen)) == UINT32_MAX)
		return false;
	*out_slot = live;
	return true;
}

static void
photo_remember(struct analyze *an, uint64_t key, uint64_t source, int64_t t,
    uint32_t slot)
{
	struct photo_ent *e = &an->photos[mix64(key) >> (64 - PHOTO_BITS)];

	if (!key)
		return;
	/* The outlet that first showed the photo for this story stays: it
	 * reusing the photo later proves nothing. */
	if (!(e->key == key && e->slot == slot + 1 &&
	    e->gen == an->st[slot].gen))
		e->source = source;
	e->key = key;
	e->time = t;
	e->slot = slot + 1;
	e->gen = an->st[slot].gen;
}

/* ---- stories that converge ---- */

/* Two stories the document matched whose centroids have become alike are
 * one event told twice (the first reports shared no words): the younger
 * (larger id) folds into the older, whose id stays. Returns best's slot
 * after the merges. */
static uint32_t
merge_matched(struct analyze *an, uint32_t best, const uint32_t *matched,
    size_t n_matched, const struct term *q, size_t nq,
    struct analyze_result *out)
{
	for (size_t i = 0; i < n_matched; i++) {
		struct story *a = &an->st[best], *b = &an->st[matched[i]];
		uint32_t keep = best, gone = matched[i];
		double cc;

		if (matched[i] == best || !b->is_live ||
		    out->n_merged >= ANALYZE_MERGED_MAX)
			continue;
		cc = dot(a->t, a->nterm, b->t, b->nterm) / a->norm / b->norm;
		if (cc < an->o.merge_threshold ||
		    llabs(a->first - b->first) > an->o.merge_span_s)
			continue;
		if (b->id < a->id) {
			keep = matched[i];
			gone = best;
		}
		{
			/* the survivor is found under the gone story's heaviest
			 * terms (its own index entries die with it) */
			struct term gq[CENT_K + CENT_SLACK];
			size_t ng = an->st[gone].nterm;

			memcpy(gq, an->st[gone].t, ng * sizeof(gq[0]));
			if (ng > IDX_Q) {
				top_k(gq, ng, IDX_Q);
				ng = IDX_Q;
			}
			story_absorb(&an->st[keep], &an->st[gone]);
			out->merged[out->n_merged++] = an->st[gone].id;
			an->st[gone].fold_slot = keep + 1;
			an->st[gone].fold_gen = an->st[keep].gen;
			an->st[gone].folded_gen = an->st[gone].gen;
			story_drop(an, gone);
			index_story(an, keep, gq, ng);
			index_story(an, keep, q, nq);
		}
		best = keep;
		out->story = an->st[keep].id;
	}
	return best;
}

/* ---- one document ---- */

/* The query is the document's IDX_Q heaviest terms, and its headline's
 * (TITLE_Q) too: the headline names the event, while the heaviest terms
 * of a page whose text lead is something else (a video box, another
 * report) may not. Returns the query's length. */
static size_t
title_query(const struct analyze *an, const struct term *vec, size_t nv,
    struct term *q, size_t nq)
{
	size_t base = nq;

	for (size_t t = 0; t < an->n_title; t++) {
		bool in_q = false;

		for (size_t i = 0; i < base && !in_q; i++)
			in_q = q[i].h == an->title_h[t];
		if (in_q)
			continue;
		for (size_t i = 0; i < nv; i++)
			if (vec[i].h == an->title_h[t]) {
				q[nq++] = vec[i];
				break;
			}
	}
	return nq;
}

void
analyze_add(struct analyze *an, const struct analyze_doc *d,
    struct analyze_result *out)
{
	struct term vec[VEC_K];
	struct term q[VEC_K];      /* top_k works in place: room for vec */
	size_t nv, nq;
	int64_t idx = (int64_t)an->n_docs;
	int64_t t = d->time;
	uint64_t photo = hash_str(d->photo), source = hash_str(d->source);
	uint32_t best = UINT32_MAX, dslot;
	double best_sim = 0;
	bool has_sig;
	uint32_t matched[CAND_MAX];
	size_t n_matched = 0;

	memset(out, 0, sizeof(*out));
	out->dup_of = -1;
	nv = vectorize(an, d, vec);
	an->n_docs++;
	if (t > an->clock)
		an->clock = t;
	if (an->n_docs % 256 == 0)
		evict(an);
	has_sig = an->n_shingles >= MH_MIN_SHINGLES;
	if (has_sig) {
		densify(an->sig);
		for (size_t b = 0; b < MH_BANDS; b++) {
			uint64_t key = str_hash(&an->sig[b * MH_ROWS],
			    MH_ROWS * sizeof(uint32_t)) ^ b;

			an->band_key[b] = key;
			an->band_pos[b] = (size_t)(mix64(key) >>
			    (64 - LSH_BITS));
			__builtin_prefetch(&an->lsh[an->band_pos[b]]);
		}
	}

	/* The query: the heaviest terms. */
	memcpy(q, vec, nv * sizeof(vec[0]));
	nq = nv < IDX_Q ? nv : IDX_Q;
	if (nv > IDX_Q)
		top_k(q, nv, IDX_Q);
	nq = title_query(an, vec, nv, q, nq);

	if (d->force_story > 0) {
		for (size_t i = 0; i < an->n_slots; i++)
			if (an->st[i].is_live && an->st[i].id == d->force_story)
				best = (uint32_t)i;
		if (best == UINT32_MAX) {
			best = story_new(an, d->force_story, t);
			out->is_new_story = true;
			if (d->force_story >= an->next_story)
				an->next_story = d->force_story + 1;
		}
	} else if (has_sig && find_dup(an, t, &out->dup_of, &dslot)) {
		best = dslot;
		best_sim = 1;
		an->n_dups++;
	} else if (find_photo(an, photo, source, t, &dslot)) {
		best = dslot;
		best_sim = dot(vec, nv, an->st[best].t, an->st[best].nterm) /
		    an->st[best].norm;
	} else {
		/* A headline alone is little evidence, and its cosine with a
		 * story is lower than an article's for the same match. */
		double base = nv < SHORT_TERMS ? an->o.threshold_short :
		    an->o.threshold;
		struct cand {
			uint32_t slot, hits;
		} cand[(IDX_Q + TITLE_Q) * IDX_WAYS];
		size_t nc = 0;

		/* Candidates: live stories indexed under the query's terms,
		 * counted by how many terms led to them; only the CAND_MAX
		 * with the most are scored (on a beat every story shares
		 * some words, and scoring them all cost more than the rest
		 * of the document). */
		struct idx_slot *qways[IDX_Q + TITLE_Q];

		for (size_t i = 0; i < nq; i++) {
			size_t b = (size_t)(mix64(q[i].h) >> (64 - IDX_BITS));

			qways[i] = &an->idx[b * IDX_WAYS];
			__builtin_prefetch(qways[i]);
		}
		for (size_t i = 0; i < nq; i++) {
			struct idx_slot *ways = qways[i];

			for (size_t w = 0; w < IDX_WAYS; w++) {
				struct story *s;

				if (!ways[w].slot)
					continue;
				s = &an->st[ways[w].slot - 1];
				if (!s->is_live || s->gen != ways[w].gen)
					continue;
				if (s->stamp == an->n_docs) {
					cand[s->cand_ix].hits++;
					continue;
				}
				s->stamp = an->n_docs;
				if (gap_of(s, t) > an->o.window_s) {
					s->cand_ix = (uint32_t)nc;
					cand[nc].slot = UINT32_MAX;
					cand[nc++].hits = 0;
					continue;
				}
				s->cand_ix = (uint32_t)nc;
				cand[nc].slot = ways[w].slot - 1;
				cand[nc++].hits = 1;
			}
		}
		if (nc > CAND_MAX) {
			/* Stable by first appearance: insertion sort on hits. */
			for (size_t i = 1; i < nc; i++) {
				struct cand x = cand[i];
				size_t j = i;

				for (; j > 0 && cand[j - 1].hits < x.hits; j--)
					cand[j] = cand[j - 1];
				cand[j] = x;
			}
			nc = CAND_MAX;
		}
		for (size_t c = 0; c < nc; c++) {
			struct story *s;
			double sim, need, over;
			size_t shared;

			if (cand[c].slot == UINT32_MAX)
				continue;
			s = &an->st[cand[c].slot];
			sim = dot_n(vec, nv, s->t, s->nterm, &shared) / s->norm;
			if (shared < MIN_SHARED)
				continue;
			over = span_over(s, t, an->o.span_grace_s);
			need = base + an->o.decay_per_day *
			    (double)gap_of(s, t) / 86400.0 +
			    an->o.span_per_day * over / 86400.0;
			if (sim < need)
				continue;
			/* stretching a story past its first day: the report
			 * must still tell what that day's reports told (a
			 * beat's next development shares the beat's words
			 * with the centroid, not the first reports' event) */
			if (an->o.seed_threshold > 0 && s->nseed && over > 0 &&
			    dot(vec, nv, s->seed, s->nseed) / s->seed_norm <
			    an->o.seed_threshold)
				continue;
			matched[n_matched++] = cand[c].slot;
			if (sim - need > best_sim) {
				best_sim = sim - need;
				best = cand[c].slot;
			}
		}
		if (best != UINT32_MAX)
			best_sim = dot(vec, nv, an->st[best].t,
			    an->st[best].nterm) / an->st[best].norm;
	}
	if (best == UINT32_MAX) {
		best = story_new(an, an->next_story++, t);
		out->is_new_story = true;
		best_sim = 0;
	}
	{
		struct story *s = &an->st[best];

		story_learn(s, vec, nv, s->n == 0 || (s->n < SEED_N &&
		    t >= s->first && t - s->first <= an->o.span_grace_s));
		if (t > s->last)
			s->last = t;
		if (t < s->first)
			s->first = t;
		index_story(an, best, q, nq);
		out->story = s->id;
		out->similarity = best_sim;
	}
	if (an->o.merge_threshold > 0 && nv < SHORT_TERMS)
		best = merge_matched(an, best, matched, n_matched, q, nq,
		    out);
	if (has_sig)
		remember(an, idx, t, best);
	photo_remember(an, photo, source, t, best);
}
