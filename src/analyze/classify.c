/*
 * classify: sections by multinomial naive Bayes over the words the
 * clusterer uses (core/text.c, stemmed; title counted twice, the lead of
 * the text), hashed into NB_BUCKETS per section. Trained from items the
 * desk has filed; an item can be "taken out" of the model again
 * (analyze_nb_forget), which is how an editor's correction retrains it and
 * how the kit is scored leave-one-out on labelled data.
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

#define NB_BUCKETS (1u << 17)
#define NB_TEXT_LEAD 4000          /* bytes of text read */
#define NB_TF_CAP 3.0f             /* one word's count in a document */
#define NB_ALPHA 0.05              /* additive smoothing */
#define NB_FEATURES_MAX 2048

struct nb_feat {
	uint32_t b;
	float w;
};

struct analyze_nb {
	struct text_analyzer *ta;
	size_t n_classes;
	char *names[ANALYZE_NB_MAX_CLASSES];
	float *counts[ANALYZE_NB_MAX_CLASSES];   /* NB_BUCKETS each */
	double total[ANALYZE_NB_MAX_CLASSES];
	double docs[ANALYZE_NB_MAX_CLASSES];
	double n_docs;
	/* scratch: the features of one document */
	struct nb_feat f[NB_FEATURES_MAX];
	size_t nf;
	float fw;
};

struct analyze_nb *
analyze_nb_new(void)
{
	struct analyze_nb *nb = xcalloc(1, sizeof(*nb));

	if (text_analyzer_new(&nb->ta) < 0) {
		free(nb);
		return NULL;
	}
	return nb;
}

void
analyze_nb_free(struct analyze_nb *nb)
{
	if (!nb)
		return;
	for (size_t c = 0; c < nb->n_classes; c++) {
		free(nb->names[c]);
		free(nb->counts[c]);
	}
	text_analyzer_free(nb->ta);
	free(nb);
}

static int
on_word(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct analyze_nb *nb = payload;
	uint32_t b;

	(void)start;
	(void)end;
	if (is_colocated || len < 2)
		return 0;
	b = (uint32_t)(str_hash(tok, len) % NB_BUCKETS);
	for (size_t i = 0; i < nb->nf; i++)
		if (nb->f[i].b == b) {
			nb->f[i].w += nb->fw;
			return 0;
		}
	if (nb->nf < NB_FEATURES_MAX) {
		nb->f[nb->nf].b = b;
		nb->f[nb->nf++].w = nb->fw;
	}
	return 0;
}

static void
features(struct analyze_nb *nb, const struct analyze_doc *d)
{
	const char *fields[3] = { d->title, d->summary, d->text };
	const float w[3] = { 2.0f, 1.0f, 1.0f };

	nb->nf = 0;
	for (int k = 0; k < 3; k++) {
		size_t len;

		if (!fields[k] || !*fields[k])
			continue;
		len = strnlen(fields[k], k == 2 ? NB_TEXT_LEAD :
		    ANALYZE_FIELD_MAX);
		len = text_utf8_trunc(fields[k], len, k == 2 ? NB_TEXT_LEAD :
		    ANALYZE_FIELD_MAX);
		nb->fw = w[k];
		(void)text_tokenize(nb->ta, fields[k], len, TEXT_STEM, on_word,
		    nb);
	}
	for (size_t i = 0; i < nb->nf; i++)
		if (nb->f[i].w > NB_TF_CAP)
			nb->f[i].w = NB_TF_CAP;
}

static int
class_of(struct analyze_nb *nb, const char *name, bool is_add)
{
	for (size_t c = 0; c < nb->n_classes; c++)
		if (strcmp(nb->names[c], name) == 0)
			return (int)c;
	if (!is_add)
		return ND_ENOTFOUND;
	if (nb->n_classes >= ANALYZE_NB_MAX_CLASSES)
		return err_set(ND_ETOOBIG, "classify: more than %d sections",
		    ANALYZE_NB_MAX_CLASSES);
	nb->names[nb->n_classes] = xstrndup(name, strnlen(name, 256));
	nb->counts[nb->n_classes] = xcalloc(NB_BUCKETS, sizeof(float));
	return (int)nb->n_classes++;
}

static int
learn(struct analyze_nb *nb, const struct analyze_doc *d, const char *section,
    float sign)
{
	int c;

	if (!section || !*section)
		return err_set(ND_EINVAL, "classify: no section");
	if ((c = class_of(nb, section, sign > 0)) < 0)
		return c;
	features(nb, d);
	for (size_t i = 0; i < nb->nf; i++) {
		nb->counts[c][nb->f[i].b] += sign * nb->f[i].w;
		if (nb->counts[c][nb->f[i].b] < 0)
			nb->counts[c][nb->f[i].b] = 0;
		nb->total[c] += sign * nb->f[i].w;
	}
	nb->docs[c] += sign;
	nb->n_docs += sign;
	return 0;
}

int
analyze_nb_learn(struct analyze_nb *nb, const struct analyze_doc *d,
    const char *section)
{
	return learn(nb, d, section, 1.0f);
}

int
analyze_nb_forget(struct analyze_nb *nb, const struct analyze_doc *d,
    const char *section)
{
	return learn(nb, d, section, -1.0f);
}

const char *
analyze_nb_predict(struct analyze_nb *nb, const struct analyze_doc *d,
    double *out_margin)
{
	double best = -INFINITY, second = -INFINITY;
	int best_c = -1;

	if (out_margin)
		*out_margin = 0;
	if (nb->n_classes == 0 || nb->n_docs <= 0)
		return NULL;
	features(nb, d);
	for (size_t c = 0; c < nb->n_classes; c++) {
		double s, denom;

		if (nb->docs[c] <= 0)
			continue;
		s = log(nb->docs[c] / nb->n_docs);
		denom = log(nb->total[c] + NB_ALPHA * NB_BUCKETS);
		for (size_t i = 0; i < nb->nf; i++)
			s += nb->f[i].w * (log(nb->counts[c][nb->f[i].b] +
			    NB_ALPHA) - denom);
		if (s > best) {
			second = best;
			best = s;
			best_c = (int)c;
		} else if (s > second) {
			second = s;
		}
	}
	if (best_c < 0)
		return NULL;
	if (out_margin)
		*out_margin = isfinite(second) ? best - second : INFINITY;
	return nb->names[best_c];
}

size_t
analyze_nb_classes(const struct analyze_nb *nb)
{
	size_t n = 0;

	for (size_t c = 0; c < nb->n_classes; c++)
		n += nb->docs[c] > 0;
	return n;
}
