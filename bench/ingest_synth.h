/*
 * ingest_synth: synthetic feeds for the ingest benchmark and the store
 * crash test. Deterministic for a given seed; realistic sizes (titles of
 * ~10 words, summaries of ~60, bodies of ~600 in HTML), one entry in four
 * in Arabic, each with a guid, a tracking-tagged link, tags and a photo.
 */
#ifndef ND_BENCH_INGEST_SYNTH_H
#define ND_BENCH_INGEST_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct feed;

/*
 * A feed of n entries in a. Entry i has guid "<prefix>-<first + i>" and
 * published = t0 + first + i. seed varies the text: the same seed gives
 * the same feed.
 */
struct feed *synth_feed(struct arena *a, const char *prefix, size_t first,
    size_t n, int64_t t0, uint32_t seed);

/*
 * Feed-sized entries, as most feeds carry them: a title of ~70 bytes, a
 * summary of ~300, a body for one entry in ten only, one in four in Arabic,
 * a photo for one in two. Besides the common words, each text draws words
 * from a synthetic vocabulary of SYNTH_VOCAB words with a Zipf-like
 * frequency (word k about 1/k), so there are words of every rarity; see
 * synth_word(). Entry i is published at t0 + (first + i) * step.
 */
struct feed *synth_feed_small(struct arena *a, const char *prefix,
    size_t first, size_t n, int64_t t0, int64_t step, uint32_t seed);

#define SYNTH_VOCAB 200000

/* Writes synthetic word k (0 <= k < SYNTH_VOCAB), Latin or Arabic, into
 * out (at least 64 bytes) and returns it. */
char *synth_word(char *out, uint32_t k, bool arabic);

#endif
