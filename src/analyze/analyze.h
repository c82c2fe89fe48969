/*
 * analyze: story clustering and near-duplicates. Pure: documents in,
 * assignments out; no store, no network, no configuration globals. Ingest
 * (and `newsdesk cluster`, the benches, the tests) hand it one document at
 * a time and store what it returns.
 *
 * The one design decision: clustering is *online* and its memory is a
 * *time window*. Each document either joins a live story (the best cosine
 * match of its TF-IDF vector against the stories' centroids, found through
 * a fixed-size term index, never by scanning) or starts one; stories that
 * have been quiet for longer than the window leave memory. Everything is
 * a function of the documents in the order they were added, so the same
 * documents in the same order give the same stories however the caller
 * batches them. docs/internals/analyze.md has the features and thresholds.
 */
#ifndef ND_ANALYZE_ANALYZE_H
#define ND_ANALYZE_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct analyze;
struct text_analyzer;

/* Knobs; analyze_opts_default() gives the tuned values. General
 * thresholds only: nothing here knows an outlet or a data set. */
struct analyze_opts {
	int64_t window_s;      /* a story quiet this long leaves memory */
	double threshold;      /* cosine needed to join a story */
	double threshold_short; /* the same for a document of few words */
	double decay_per_day;  /* threshold rises this much per day of gap */
	double span_per_day;   /* and this much per day the story would last
	                        * beyond span_grace_s */
	int64_t span_grace_s;
	double dup_jaccard;    /* estimated shingle Jaccard for a near-duplicate */
	size_t max_live;       /* cap on stories in memory (oldest go first) */
	double merge_threshold; /* centroid cosine at which two stories a
	                        * short document matches become one (0:
	                        * never) */
	double seed_threshold; /* cosine with the story's first day needed to
	                        * stretch it past span_grace_s (0: none) */
	int64_t merge_span_s;  /* ... when they began at most this far apart:
	                        * one event told twice starts twice at about
	                        * the same time; a beat's stories weeks apart
	                        * share its words without being one event */
};

void analyze_opts_default(struct analyze_opts *out);

/* One document. Strings are borrowed for the call; text is plain text
 * (callers strip HTML first; core/text.h text_strip_html). Any may be
 * NULL. */
struct analyze_doc {
	int64_t time;          /* seconds since the epoch (published) */
	const char *source;    /* outlet: a name or URL */
	const char *lang;      /* "en", "ar", ... */
	const char *title;
	const char *summary;
	const char *text;
	/* The lead photo's URL (or any stable key of it): two outlets showing
	 * the same photo within ANALYZE_PHOTO_WINDOW_S report the same event,
	 * whatever their language. NULL: none. */
	const char *photo;
	/* An editor's decision: when non-zero the document goes to this story
	 * (created if unknown) whatever the similarity says, and the story
	 * learns from it. Also how a caller warms the window up again from
	 * stored assignments. */
	int64_t force_story;
};

#define ANALYZE_MERGED_MAX 4

struct analyze_result {
	int64_t story;         /* the story the document joined */
	bool is_new_story;     /* it started that story */
	double similarity;     /* cosine with the story it joined (0 if new) */
	/* A near-duplicate: the index (0-based count of analyze_add calls) of
	 * an earlier document in the window with (estimated) the same shingles
	 * (wire copy, re-posts); -1 when none. */
	int64_t dup_of;
	/* Stories this document showed to be one event with story: they
	 * are folded into it and their ids are not handed out again. */
	int64_t merged[ANALYZE_MERGED_MAX];
	size_t n_merged;
};

/*
 * A clusterer. next_story is the first story id handed out (stores pass
 * one above their largest id). Caller frees with analyze_free(). Returns
 * NULL only when the stemmers cannot be created (err_set then). Not
 * thread-safe: one per thread.
 */
struct analyze *analyze_new(const struct analyze_opts *opts,
    int64_t next_story);
void analyze_free(struct analyze *an);

/* Adds one document and says where it went. Never fails: every size is
 * capped inside (the lead of text is used, ANALYZE_TEXT_LEAD bytes). */
void analyze_add(struct analyze *an, const struct analyze_doc *doc,
    struct analyze_result *out);

/* How close in time two reports with one photo must be to be one event
 * (the same wire photo is reused for other events on other days). */
#define ANALYZE_PHOTO_WINDOW_S (12 * 3600)

/* Bytes of text read per document (title and summary are read whole up
 * to ANALYZE_FIELD_MAX). The lead of a report names its event. */
#define ANALYZE_TEXT_LEAD 600
#define ANALYZE_FIELD_MAX 4096

/* What is in memory, for benches and tests. */
struct analyze_stats {
	size_t n_docs;         /* documents added */
	size_t n_live;         /* stories in the window */
	size_t n_stories;      /* stories started */
	size_t n_dups;         /* near-duplicates found */
	size_t bytes;          /* memory held (fixed tables + live stories) */
};

void analyze_stats(const struct analyze *an, struct analyze_stats *out);

/* ---- sections (classify.c): multinomial naive Bayes ---- */

#define ANALYZE_NB_MAX_CLASSES 64

struct analyze_nb;

/* An empty model (NULL when the stemmers cannot be created). Not
 * thread-safe. Free with analyze_nb_free (NULL-safe). */
struct analyze_nb *analyze_nb_new(void);
void analyze_nb_free(struct analyze_nb *nb);
/* Learns that d is filed under section (a name; new names add a class).
 * ND_EINVAL without a section, ND_ETOOBIG past ANALYZE_NB_MAX_CLASSES. */
int analyze_nb_learn(struct analyze_nb *nb, const struct analyze_doc *d,
    const char *section);
/* Takes a learned d out again (an editor moved it; leave-one-out).
 * ND_ENOTFOUND for a section never learned. */
int analyze_nb_forget(struct analyze_nb *nb, const struct analyze_doc *d,
    const char *section);
/* The likeliest section (borrowed from nb), NULL before any learning;
 * *out_margin (may be NULL): log-odds over the runner-up. */
const char *analyze_nb_predict(struct analyze_nb *nb,
    const struct analyze_doc *d, double *out_margin);

/* The number of sections learned (with a document left in them). */
size_t analyze_nb_classes(const struct analyze_nb *nb);

/* ---- sections and the beat (sections.c): one decision for ingest and
 * `newsdesk classify` ---- */

enum analyze_rule_kind {       /* the same numbers as the store's */
	ANALYZE_RULE_WORD = 1,       /* words or a name in the item */
	ANALYZE_RULE_SOURCE = 2,     /* the item's source (doc->source) */
	ANALYZE_RULE_CATEGORY = 3,   /* one of the feed's categories */
	ANALYZE_RULE_BEAT = 4,       /* the beat's profile (no section) */
};

/* Relevance an item needs to be on the beat (a profile word in the
 * headline counts 2, elsewhere 1; the learned model adds up to 3 either
 * way). */
#define ANALYZE_RELEVANCE_MIN 1.0

struct analyze_sections;

struct analyze_sections *analyze_sections_new(void);
void analyze_sections_free(struct analyze_sections *s);
/* A desk's rule; section NULL only for ANALYZE_RULE_BEAT. ND_EINVAL for
 * words that are not 1 to 8 tokens. */
int analyze_sections_rule(struct analyze_sections *s, const char *section,
    int kind, const char *value);
/* The classifier learns (or forgets: leave-one-out, an editor's move)
 * that d is filed under section. */
int analyze_sections_learn(struct analyze_sections *s,
    const struct analyze_doc *d, const char *section);
int analyze_sections_forget(struct analyze_sections *s,
    const struct analyze_doc *d, const char *section);
/* False when no rule reads words and nothing was learned: a decision
 * then needs only the source and the categories (callers skip preparing
 * the text). */
bool analyze_sections_reads_text(const struct analyze_sections *s);
/* The beat's model learns that an editor kept (or hid) d. */
int analyze_sections_learn_beat(struct analyze_sections *s,
    const struct analyze_doc *d, bool is_kept);

struct analyze_section_result {
	const char *section;         /* borrowed from s; NULL: none */
	bool is_rule;                /* a desk's rule said so */
	double margin;               /* the classifier's log-odds (rules: inf) */
	double relevance;            /* to the beat */
	bool is_relevant;
};

/* Where d goes and whether it is on the beat; tags are the feed's
 * categories. The result is valid until the next call. */
void analyze_sections_decide(struct analyze_sections *s,
    const struct analyze_doc *d, const char *const *tags, size_t n_tags,
    struct analyze_section_result *out);

/* ---- the clustering kit's line format (kit.c) ---- */

/*
 * One line of the kit's JSONL (../shared/eval/clustering): an object with
 * string fields id, time (ISO 8601 UTC), source, title, summary, text,
 * lang (and section, for labelled sets). A small scanner, not a general
 * JSON parser: it decodes only those fields (escapes included; text only
 * up to text_max bytes, the rest skipped: ANALYZE_TEXT_LEAD for the
 * clusterer) and skips any other value. Strings point into scratch,
 * which the call resets and fills (its cap bounds the memory); *out is
 * valid until the next call with the same scratch. Returns 0, or
 * ND_EPARSE with a message for a line that is not such an object.
 */
struct buf;

struct analyze_kit_line {
	const char *id;
	const char *section;   /* labelled sets only */
	struct analyze_doc doc;
};

int analyze_kit_parse(struct analyze_kit_line *out, struct buf *scratch,
    const char *line, size_t len, size_t text_max);

#endif
