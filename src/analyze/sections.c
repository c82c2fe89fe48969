/*
 * sections: where an item goes and whether it is on the beat (issue 9).
 * One decision for ingest and for `newsdesk classify` alike:
 *
 *   1. the desk's rules: an outlet's rule (the item's source) wins, then a
 *      feed category's, then words (the section whose words occur most in
 *      the headline, summary and lead; the headline counts twice);
 *   2. else the classifier (classify.c, naive Bayes) learned from the
 *      items the desk filed, once it knows two sections.
 *
 * The beat's relevance is the desk's profile words and names occurring
 * in the item (headline twice) plus what a second naive Bayes learned
 * from items the desk kept and hid (its log-odds, capped); an item is on
 * the beat when the score reaches ANALYZE_RELEVANCE_MIN, or when the desk
 * gave no profile and nothing was learned yet.
 *
 * Words and names are matched as the stemmed tokens the clusterer uses,
 * so "elections" matches the rule "election" and "Gaza City" is a phrase
 * of two tokens.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/analyze.h"
#include "core/err.h"
#include "core/str.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "core/banned.h"

#define PHRASE_MAX 8                /* tokens in one rule's words */
#define DOC_TOKENS_MAX 2048         /* tokens of one item read */
#define SEC_TEXT_LEAD 2000          /* bytes of text read for rules */
#define LEARNED_CAP 3.0             /* the beat model's say, either way */

struct rule {
	int kind;
	char *section;               /* NULL: the beat */
	char *value;                 /* SOURCE, CATEGORY: as given */
	uint64_t tok[PHRASE_MAX];    /* WORD, BEAT: stemmed tokens */
	size_t n_tok;
};

struct analyze_sections {
	struct text_analyzer *ta;
	struct analyze_nb *nb, *beat;
	size_t n_kept, n_hidden;
	struct rule *rules;
	size_t n_rules, cap_rules, n_beat, n_words;
	/* scratch */
	uint64_t tok[DOC_TOKENS_MAX];
	size_t n_tok;
	size_t title_end;            /* tokens [0, title_end) are the title */
};

struct analyze_sections *
analyze_sections_new(void)
{
	struct analyze_sections *s = xcalloc(1, sizeof(*s));

	if (text_analyzer_new(&s->ta) < 0 || !(s->nb = analyze_nb_new()) ||
	    !(s->beat = analyze_nb_new())) {
		analyze_sections_free(s);
		return NULL;
	}
	return s;
}

void
analyze_sections_free(struct analyze_sections *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_rules; i++) {
		free(s->rules[i].section);
		free(s->rules[i].value);
	}
	free(s->rules);
	analyze_nb_free(s->nb);
	analyze_nb_free(s->beat);
	if (s->ta)
		text_analyzer_free(s->ta);
	free(s);
}

static int
on_tok(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct analyze_sections *s = payload;

	(void)start;
	(void)end;
	if (is_colocated || len == 0)
		return 0;
	if (s->n_tok >= DOC_TOKENS_MAX)
		return 1;
	s->tok[s->n_tok++] = str_hash(tok, len);
	return 0;
}

static void
tokens(struct analyze_sections *s, const char *str, size_t max)
{
	size_t len;

	if (!str || !*str || s->n_tok >= DOC_TOKENS_MAX)
		return;
	len = text_utf8_trunc(str, strnlen(str, max), max);
	(void)text_tokenize(s->ta, str, len, TEXT_STEM, on_tok, s);
}

int
analyze_sections_rule(struct analyze_sections *s, const char *section,
    int kind, const char *value)
{
	struct rule r = { .kind = kind };

	if (!value || !*value)
		return err_set(ND_EINVAL, "sections: a rule without a value");
	if ((kind == ANALYZE_RULE_BEAT) != (section == NULL))
		return err_set(ND_EINVAL, "sections: a beat word has no "
		    "section, any other rule has one");
	switch (kind) {
	case ANALYZE_RULE_WORD:
	case ANALYZE_RULE_BEAT:
		s->n_tok = 0;
		tokens(s, value, ANALYZE_FIELD_MAX);
		if (s->n_tok == 0 || s->n_tok > PHRASE_MAX)
			return err_set(ND_EINVAL, "sections: '%s' is not 1 to "
			    "%d words", value, PHRASE_MAX);
		memcpy(r.tok, s->tok, s->n_tok * sizeof(r.tok[0]));
		r.n_tok = s->n_tok;
		break;
	case ANALYZE_RULE_SOURCE:
	case ANALYZE_RULE_CATEGORY:
		r.value = xstrndup(value, strnlen(value, ANALYZE_FIELD_MAX));
		break;
	default:
		return err_set(ND_EINVAL, "sections: unknown rule kind %d", kind);
	}
	if (section)
		r.section = xstrndup(section, strnlen(section, 256));
	s->rules = xgrow(s->rules, sizeof(*s->rules), s->n_rules + 1,
	    &s->cap_rules);
	s->rules[s->n_rules++] = r;
	s->n_beat += kind == ANALYZE_RULE_BEAT;
	s->n_words += kind == ANALYZE_RULE_WORD || kind == ANALYZE_RULE_BEAT;
	return 0;
}

int
analyze_sections_learn(struct analyze_sections *s,
    const struct analyze_doc *d, const char *section)
{
	return analyze_nb_learn(s->nb, d, section);
}

int
analyze_sections_forget(struct analyze_sections *s,
    const struct analyze_doc *d, const char *section)
{
	return analyze_nb_forget(s->nb, d, section);
}

int
analyze_sections_learn_beat(struct analyze_sections *s,
    const struct analyze_doc *d, bool is_kept)
{
	int rc = analyze_nb_learn(s->beat, d, is_kept ? "kept" : "hidden");

	if (rc == 0) {
		s->n_kept += is_kept;
		s->n_hidden += !is_kept;
	}
	return rc;
}

bool
analyze_sections_reads_text(const struct analyze_sections *s)
{
	return s->n_words > 0 || analyze_nb_classes(s->nb) >= 2 ||
	    (s->n_kept > 0 && s->n_hidden > 0);
}

/* Occurrences of r's phrase in the document's tokens (the title's
 * twice). */
static double
phrase_hits(const struct analyze_sections *s, const struct rule *r)
{
	double hits = 0;

	if (r->n_tok == 0 || s->n_tok < r->n_tok)
		return 0;
	for (size_t i = 0; i + r->n_tok <= s->n_tok; i++) {
		size_t k = 0;

		while (k < r->n_tok && s->tok[i + k] == r->tok[k])
			k++;
		if (k == r->n_tok)
			hits += i < s->title_end ? 2 : 1;
	}
	return hits;
}

static bool
has_tag(const char *const *tags, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (tags[i] && strcasecmp(tags[i], value) == 0)
			return true;
	return false;
}

void
analyze_sections_decide(struct analyze_sections *s,
    const struct analyze_doc *d, const char *const *tags, size_t n_tags,
    struct analyze_section_result *out)
{
	const struct rule *by_source = NULL, *by_tag = NULL;
	const char *best = NULL;
	double best_hits = 0, beat = 0;

	memset(out, 0, sizeof(*out));
	s->n_tok = 0;
	s->title_end = 0;
	/* words are read only when a rule matches words */
	if (s->n_words) {
		tokens(s, d->title, ANALYZE_FIELD_MAX);
		s->title_end = s->n_tok;
		tokens(s, d->summary, ANALYZE_FIELD_MAX);
		tokens(s, d->text, SEC_TEXT_LEAD);
	}
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		switch (r->kind) {
		case ANALYZE_RULE_SOURCE:
			if (!by_source && d->source &&
			    strcmp(d->source, r->value) == 0)
				by_source = r;
			break;
		case ANALYZE_RULE_CATEGORY:
			if (!by_tag && has_tag(tags, n_tags, r->value))
				by_tag = r;
			break;
		case ANALYZE_RULE_BEAT:
			beat += phrase_hits(s, r);
			break;
		default: {
			/* one section's words add up; ties: the first rule */
			double h = phrase_hits(s, r);

			for (size_t j = 0; j < i && h > 0; j++)
				if (s->rules[j].kind == ANALYZE_RULE_WORD &&
				    strcmp(s->rules[j].section, r->section) == 0)
					h = 0; /* counted with its first rule */
			for (size_t j = i + 1; h > 0 && j < s->n_rules; j++)
				if (s->rules[j].kind == ANALYZE_RULE_WORD &&
				    strcmp(s->rules[j].section, r->section) == 0)
					h += phrase_hits(s, &s->rules[j]);
			if (h > best_hits) {
				best_hits = h;
				best = r->section;
			}
		}
		}
	}
	if (by_source)
		best = by_source->section;
	else if (by_tag)
		best = by_tag->section;
	if (best) {
		out->section = best;
		out->is_rule = true;
		out->margin = INFINITY;
	} else if (analyze_nb_classes(s->nb) >= 2) {
		out->section = analyze_nb_predict(s->nb, d, &out->margin);
	}
	/* the beat */
	out->relevance = beat;
	if (s->n_kept > 0 && s->n_hidden > 0) {
		double m = 0;
		const char *c = analyze_nb_predict(s->beat, d, &m);

		if (!isfinite(m) || m > LEARNED_CAP)
			m = LEARNED_CAP;
		out->relevance += c && strcmp(c, "kept") == 0 ? m : -m;
	}
	out->is_relevant = (s->n_beat == 0 && (s->n_kept == 0 ||
	    s->n_hidden == 0)) || out->relevance >= ANALYZE_RELEVANCE_MIN;
}
