/*
 * sections: the ingest stage after stories (issue 9). Each new or changed
 * item of a source with no section of its own is filed under a section
 * (analyze/sections.c: the desk's rules, then the classifier learned from
 * the desk's filings), and every item gets its relevance to the beat; an
 * item below the threshold is held for the review list. The store never
 * lets this overwrite an editor's filing or verdict.
 *
 * The model is trained from the store's labels (the newest
 * INGEST_SECTIONS_LABELS filings, kept and hidden items of each kind)
 * and kept per thread while the labels' signature is unchanged: an
 * editor's filing, keep or hide (or a new rule) makes the next batch
 * retrain, so a correction counts from the next fetch on.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/text.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

#define SEC_HTML_LEAD (16u << 10)
#define SEC_TAGS_MAX 32

struct ingest_sections {
	struct analyze_sections *sx;
	struct buf summary, text;
	/* Items decided by this model, by hash of (source, dedup key), with
	 * a hash of what it read: an unchanged item seen again (every poll
	 * of a feed lists it) is not decided and written again.
	 * Direct-mapped: a forgotten item is only decided again. */
	struct sec_seen {
		uint64_t key, sig;
	} *seen;
};

#define SEC_SEEN_SLOTS (1u << 16)

static uint64_t
hash_s(const char *s)
{
	return str_hash(s ? s : "", s ? strlen(s) : 0);
}

static _Thread_local struct {
	struct store *st;
	struct ingest_sections *s;
	uint64_t version;            /* the labels' signature it learned */
	uint64_t data_version;       /* the store's content version after
	                              * our last batch: unchanged, so are
	                              * the labels */
} cache;

static void
plain(struct buf *out, const char *html)
{
	buf_reset(out);
	if (html)
		(void)text_strip_html(out, html, strnlen(html, SEC_HTML_LEAD));
}

static void
doc_of(struct ingest_sections *s, struct analyze_doc *d, const char *title,
    const char *summary, const char *content)
{
	memset(d, 0, sizeof(*d));
	plain(&s->summary, summary);
	plain(&s->text, content);
	d->title = title;
	d->summary = buf_err(&s->summary) ? NULL : s->summary.ptr;
	d->text = buf_err(&s->text) ? NULL : s->text.ptr;
}

static void
sections_free(struct ingest_sections *s)
{
	if (!s)
		return;
	analyze_sections_free(s->sx);
	free(s->seen);
	buf_release(&s->summary);
	buf_release(&s->text);
	free(s);
}

void
ingest_sections_cache_release(void)
{
	sections_free(cache.s);
	cache.s = NULL;
	cache.st = NULL;
}

static pthread_once_t atexit_once = PTHREAD_ONCE_INIT;

static void
release_at_exit(void)
{
	ingest_sections_cache_release();
}

static void
register_atexit(void)
{
	atexit(release_at_exit);
}

/* A model trained from st's rules and labels. */
static int
sections_open(struct ingest_sections **out, struct store *st)
{
	struct ingest_sections *s = calloc(1, sizeof(*s));
	struct arena a = ARENA_INIT;
	struct store_rule *rules;
	struct store_label *lab;
	size_t n_rules, n_lab;
	int rc;

	*out = NULL;
	if (!s)
		return err_set(ND_ENOMEM, "ingest: out of memory");
	buf_init(&s->summary, SEC_HTML_LEAD);
	buf_init(&s->text, SEC_HTML_LEAD);
	if (!(s->seen = calloc(SEC_SEEN_SLOTS, sizeof(*s->seen)))) {
		rc = err_set(ND_ENOMEM, "ingest: out of memory");
		goto fail;
	}
	if (!(s->sx = analyze_sections_new())) {
		rc = ND_ERR;
		goto fail;
	}
	if ((rc = store_rule_list(st, &a, &rules, &n_rules)) < 0 ||
	    (rc = store_labels(st, &a, INGEST_SECTIONS_LABELS, &lab,
	    &n_lab)) < 0)
		goto fail;
	for (size_t i = 0; i < n_rules; i++) {
		char sec[32];

		snprintf(sec, sizeof(sec), "%lld",
		    (long long)rules[i].section_id);
		/* a rule the analyzer cannot use (too many words) is
		 * skipped, not fatal for ingest */
		if (analyze_sections_rule(s->sx, rules[i].kind ==
		    STORE_RULE_BEAT ? NULL : sec, rules[i].kind,
		    rules[i].value) < 0)
			log_warn(LOG_ANALYZE, "rule skipped id=%lld: %s",
			    (long long)rules[i].id, err_msg());
	}
	for (size_t i = 0; i < n_lab; i++) {
		struct analyze_doc d;
		char sec[32];

		doc_of(s, &d, lab[i].title, lab[i].summary, lab[i].content);
		if (lab[i].label == STORE_LABEL_SECTION) {
			snprintf(sec, sizeof(sec), "%lld",
			    (long long)lab[i].section_id);
			rc = analyze_sections_learn(s->sx, &d, sec);
		} else {
			rc = analyze_sections_learn_beat(s->sx, &d,
			    lab[i].label == STORE_LABEL_KEPT);
		}
		if (rc < 0)
			goto fail;
	}
	arena_release(&a);
	*out = s;
	return 0;
fail:
	arena_release(&a);
	sections_free(s);
	return rc;
}

/* Splits "a, b, c" (the model's tags) into v, in a. */
static size_t
split_tags(struct arena *a, const char *tags, const char **v, size_t max)
{
	size_t n = 0;

	while (tags && *tags && n < max) {
		const char *end = strstr(tags, ", ");
		size_t len = end ? (size_t)(end - tags) : strlen(tags);

		if (len)
			v[n++] = arena_strndup(a, tags, len);
		tags = end ? end + 2 : NULL;
	}
	return n;
}

int
ingest_sections_put(struct store *st, int64_t source_id,
    const struct item *items, size_t n)
{
	struct arena a = ARENA_INIT;
	struct store_item_class *v;
	struct ingest_sections *s;
	struct source *src = NULL;
	uint64_t version = 0;
	char source[32];
	size_t k = 0;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = store_data_version(st, &version)) < 0)
		return rc;
	if (cache.s && cache.st == st && cache.data_version == version)
		version = cache.version;
	else if ((rc = store_labels_version(st, &version)) < 0)
		return rc;
	if (!cache.s || cache.st != st || cache.version != version) {
		ingest_sections_cache_release();
		if ((rc = sections_open(&cache.s, st)) < 0)
			return rc;
		cache.st = st;
		cache.version = version;
		pthread_once(&atexit_once, register_atexit);
	}
	s = cache.s;
	snprintf(source, sizeof(source), "%lld", (long long)source_id);
	v = arena_alloc(&a, n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const struct item *it = &items[i];
		const char *tags[SEC_TAGS_MAX];
		size_t n_tags;
		struct analyze_section_result r;
		struct analyze_doc d;
		uint64_t key = str_hash(&source_id, sizeof(source_id)) ^
		    (hash_s(it->dedup_key) * 0x9E3779B97F4A7C15ULL);
		/* the policy's hash of every stored field (tags included) */
		uint64_t sig = str_hash(it->fields_hash,
		    sizeof(it->fields_hash));
		struct sec_seen *e = &s->seen[key % SEC_SEEN_SLOTS];

		if (e->key == key && e->sig == sig)
			continue;
		e->key = key;
		e->sig = sig;
		/* the source, once per batch with anything to decide */
		if (!src && (rc = store_source_get(st, &a, source_id,
		    &src)) < 0)
			goto out;
		n_tags = split_tags(&a, it->tags, tags, SEC_TAGS_MAX);
		if (analyze_sections_reads_text(s->sx))
			doc_of(s, &d, it->title, it->summary, it->content);
		else
			doc_of(s, &d, it->title, NULL, NULL);
		d.source = source;
		d.lang = it->language;
		analyze_sections_decide(s->sx, &d, tags, n_tags, &r);
		memset(&v[k], 0, sizeof(v[k]));
		v[k].source_id = source_id;
		v[k].dedup_key = it->dedup_key;
		/* an outlet's section stays the item's */
		if (src->section_id == 0 && r.section)
			v[k].section_id = strtoll(r.section, NULL, 10);
		v[k].relevance = r.relevance;
		v[k++].is_review = !r.is_relevant;
	}
	rc = store_items_classify(st, v, k);
out:
	arena_release(&a);
	if (rc < 0)
		ingest_sections_cache_release();   /* its seen list is wrong */
	else if (store_data_version(st, &cache.data_version) < 0)
		cache.data_version = 0;
	return rc;
}

int
ingest_sections_model(struct store *st, struct analyze_sections **out)
{
	struct ingest_sections *s;
	int rc;

	*out = NULL;
	if ((rc = sections_open(&s, st)) < 0)
		return rc;
	*out = s->sx;
	s->sx = NULL;
	sections_free(s);
	return 0;
}
