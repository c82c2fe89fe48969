/*
 * ingest_synth: synthetic feeds for the ingest benchmark and the store
 * crash test. Deterministic for a given seed; realistic sizes (titles of
 * ~10 words, summaries of ~60, bodies of ~600 in HTML), one entry in four
 * in Arabic, each with a guid, a tracking-tagged link, tags and a photo.
 */
#ifndef ND_BENCH_INGEST_SYNTH_H
#define ND_BENCH_INGEST_SYNTH_H

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

#endif
