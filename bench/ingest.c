/*
 * bench_ingest: store_feed_put throughput, including de-duplication,
 * HTML stripping and FTS5 indexing, on a fresh store and on a re-ingest of
 * the same entries (all unchanged), plus search latency.
 *
 *     bench_ingest [N_ITEMS [FEED_SIZE [DB_PATH]]]
 *
 * Defaults: 20000 items in feeds of 50 entries, a temporary file that is
 * removed afterwards. Prints one key=value line per phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "parse/parse.h"
#include "store/store.h"
#include "ingest_synth.h"
#include "core/banned.h"

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: less at the mercy of a busy machine than the
 * wall clock, and what the store itself costs. */
static double
cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int
ingest(struct store *st, int64_t src, size_t n_items, size_t feed_size,
    struct store_ingest_stats *stats, double *out_s, double *out_cpu)
{
	double total = 0, cpu = 0;
	int rc = 0;

	for (size_t first = 0; first < n_items && rc == 0; first += feed_size) {
		struct arena a = ARENA_INIT;
		size_t n = n_items - first < feed_size ? n_items - first :
		    feed_size;
		struct feed *f;
		double t, c;

		/* Generating the feed is not what we measure. */
		f = synth_feed(&a, "bench", first, n, 1700000000,
		    (uint32_t)(first + 1));
		t = now_s();
		c = cpu_s();
		rc = store_feed_put(st, src, f, stats);
		total += now_s() - t;
		cpu += cpu_s() - c;
		arena_release(&a);
	}
	*out_s = total;
	*out_cpu = cpu;
	return rc;
}

int
main(int argc, char **argv)
{
	static const char *const queries[] = { "election", "بغداد", "كتب",
		"government ministry", "الانتخابات", "ceasefire talks" };
	char dir[] = "/tmp/nd-bench-XXXXXX", path[256];
	long long n_items = 20000, feed_size = 50;
	struct store_ingest_stats s1 = { 0 }, s2 = { 0 };
	struct store_source src = { 0 };
	struct store *st = NULL;
	bool is_temp = argc < 4;
	struct stat sb;
	double t1, t2, c1, c2, t;
	int64_t sid;
	int rc = 1;

	if ((argc > 1 && parse_int(argv[1], 1, 10000000, &n_items) < 0) ||
	    (argc > 2 && parse_int(argv[2], 1, 100000, &feed_size) < 0)) {
		fprintf(stderr, "bench_ingest: %s\n", err_msg());
		return 2;
	}
	if (is_temp) {
		if (!mkdtemp(dir))
			return 1;
		snprintf(path, sizeof(path), "%s/bench.db", dir);
	} else {
		snprintf(path, sizeof(path), "%s", argv[3]);
	}
	if (store_open(&st, path, STORE_CREATE) < 0)
		goto fail;
	src.url = "https://wire.example/feed";
	src.is_enabled = true;
	if (store_source_add(st, &src, &sid) < 0 &&
	    store_source_add(st, &src, &sid) != ND_EEXISTS)
		goto fail;

	if (ingest(st, sid, (size_t)n_items, (size_t)feed_size, &s1, &t1,
	    &c1) < 0)
		goto fail;
	printf("phase=fresh items=%lld feed_size=%lld new=%zu updated=%zu "
	    "unchanged=%zu seconds=%.3f items_per_s=%.0f cpu_s=%.3f "
	    "items_per_cpu_s=%.0f\n", n_items, feed_size, s1.n_new,
	    s1.n_updated, s1.n_unchanged, t1, (double)n_items / t1, c1,
	    (double)n_items / c1);
	if (ingest(st, sid, (size_t)n_items, (size_t)feed_size, &s2, &t2,
	    &c2) < 0)
		goto fail;
	printf("phase=reingest items=%lld feed_size=%lld new=%zu updated=%zu "
	    "unchanged=%zu seconds=%.3f items_per_s=%.0f cpu_s=%.3f "
	    "items_per_cpu_s=%.0f\n", n_items, feed_size, s2.n_new,
	    s2.n_updated, s2.n_unchanged, t2, (double)n_items / t2, c2,
	    (double)n_items / c2);

	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		struct arena a = ARENA_INIT;
		struct store_hit *h;
		size_t n, total = 0;
		int reps = 20;

		double c = cpu_s();

		t = now_s();
		for (int r = 0; r < reps; r++) {
			if (store_search(st, &a, queries[q], NULL, &h, &n,
			    &total) < 0)
				goto fail;
		}
		t = now_s() - t;
		c = cpu_s() - c;
		printf("phase=search query=\"%s\" total=%zu ms=%.2f cpu_ms=%.2f\n",
		    queries[q], total, t * 1000 / reps, c * 1000 / reps);
		arena_release(&a);
	}
	store_close(st);                /* checkpoints the WAL into the file */
	st = NULL;
	if (stat(path, &sb) == 0)
		printf("phase=size bytes=%lld bytes_per_item=%.0f\n",
		    (long long)sb.st_size, (double)sb.st_size / (double)n_items);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "bench_ingest: %s\n", err_msg());
out:
	store_close(st);
	if (is_temp) {
		char p[300];

		unlink(path);
		snprintf(p, sizeof(p), "%s-wal", path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", path);
		unlink(p);
		rmdir(dir);
	}
	return rc;
}
