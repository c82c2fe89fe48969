/*
 * bench_ingest: store_feed_put throughput, including de-duplication,
 * HTML stripping and FTS5 indexing, on a fresh store and on a re-ingest of
 * the same entries (all unchanged), plus search latency.
 *
 *     bench_ingest [N_ITEMS [FEED_SIZE [DB_PATH]]]
 *     bench_ingest --small N_ITEMS DB_PATH
 *     bench_ingest --search DB_PATH [REPS]
 *     bench_ingest --sql DB_PATH SQL
 *
 * The first form: article-sized entries (~5 KB), 20000 items in feeds of
 * 50 by default, a temporary file that is removed afterwards. --small
 * builds a large store quickly: feed-sized entries (title ~70 bytes,
 * summary ~300, a body for one in ten, a quarter Arabic; ingest_synth.h)
 * spread over one year up to now, from 200 sources in 8 sections, in
 * insertion order = time order; the store is kept. --search runs the query
 * mix (common, medium and rare words, English and Arabic, with and without
 * filters) on a store made by --small and prints latency percentiles per
 * class and over all, plus the home-page list, and the query plans of the
 * hot statements. --sql times one statement (the nd tokenizer is loaded).
 * Prints one key=value line per phase.
 */
#include <math.h>
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
#include "ingest/ingest.h"
#include "store/store.h"
#include "store/sqlite/sqlite_int.h" /* SQ(st)->db, for EXPLAIN QUERY PLAN */
#include "ingest_synth.h"
#include "core/banned.h"

#define SMALL_SOURCES  200
#define SMALL_SECTIONS 8
#define SMALL_SPAN     (365 * 86400LL)

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
    struct item_put_stats *stats, double *out_s, double *out_cpu)
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
		rc = ingest_feed_items(st, src, f, (int64_t)time(NULL), stats);
		total += now_s() - t;
		cpu += cpu_s() - c;
		arena_release(&a);
	}
	*out_s = total;
	*out_cpu = cpu;
	return rc;
}

static void
print_size(const char *path, long long n_items)
{
	struct stat sb;

	if (stat(path, &sb) == 0)
		printf("phase=size bytes=%lld mib=%.0f bytes_per_item=%.0f\n",
		    (long long)sb.st_size, (double)sb.st_size / 1048576.0,
		    (double)sb.st_size / (double)n_items);
}

/* ---- --small: a large store of feed-sized entries ---- */

static int
small_run(long long n_items, const char *path)
{
	struct item_put_stats s = { 0 };
	struct store *st = NULL;
	int64_t src[SMALL_SOURCES], sec[SMALL_SECTIONS];
	int64_t t0 = (int64_t)time(NULL) - SMALL_SPAN;
	int64_t step = SMALL_SPAN / n_items > 0 ? SMALL_SPAN / n_items : 1;
	size_t feed_size = 100;
	double t, c, gen = 0;
	int rc;

	if ((rc = store_open(&st, path, STORE_CREATE)) < 0)
		goto out;
	for (int i = 0; i < SMALL_SECTIONS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "Section %d", i + 1);
		if ((rc = store_section_add(st, name, NULL, &sec[i])) < 0)
			goto out;
	}
	for (int i = 0; i < SMALL_SOURCES; i++) {
		struct source so = { 0 };
		char url[64], title[32];

		snprintf(url, sizeof(url), "https://wire%d.example/feed", i);
		snprintf(title, sizeof(title), "Wire %d", i);
		so.url = url;
		so.title = title;
		so.is_enabled = true;
		/* one source in nine has no section */
		so.section_id = i % 9 ? sec[i % 9 - 1] : 0;
		if ((rc = store_source_add(st, &so, &src[i])) < 0)
			goto out;
	}
	t = now_s();
	c = cpu_s();
	/* Consecutive feeds go to different sources, entries stay in time
	 * order, so ids grow with publication time as in a live store. */
	for (size_t first = 0; first < (size_t)n_items; first += feed_size) {
		struct arena a = ARENA_INIT;
		size_t n = (size_t)n_items - first < feed_size ?
		    (size_t)n_items - first : feed_size;
		double g = now_s();
		struct feed *f = synth_feed_small(&a, "w", first, n, t0, step,
		    (uint32_t)(first + 1));

		gen += now_s() - g;
		rc = ingest_feed_items(st, src[(first / feed_size) %
		    SMALL_SOURCES], f, (int64_t)time(NULL), &s);
		arena_release(&a);
		if (rc < 0)
			goto out;
		if (first % 100000 == 0 && first)
			fprintf(stderr, "bench_ingest: %zu items, %.0f s\n",
			    first, now_s() - t);
	}
	t = now_s() - t;
	c = cpu_s() - c;
	printf("phase=small items=%lld new=%zu seconds=%.1f gen_seconds=%.1f "
	    "items_per_s=%.0f cpu_s=%.1f\n", n_items, s.n_new, t, gen,
	    (double)n_items / (t - gen), c);
	store_close(st);                /* checkpoints the WAL into the file */
	st = NULL;
	print_size(path, n_items);
out:
	if (rc < 0)
		fprintf(stderr, "bench_ingest: %s\n", err_msg());
	store_close(st);
	return rc < 0 ? 1 : 0;
}

/* ---- --search: latency of a query mix ---- */

struct bq {
	const char *class;
	const char *q;
	int64_t source_id, section_id, since, until;
};

static int
dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)ceil(p / 100.0 * (double)n);

	return v[i ? i - 1 : 0];
}

static void
print_pcts(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	printf("phase=latency class=%s n=%zu p50_ms=%.2f p95_ms=%.2f "
	    "p99_ms=%.2f max_ms=%.2f\n", what, n, pct(v, n, 50), pct(v, n, 95),
	    pct(v, n, 99), v[n - 1]);
}

static void
explain(struct store *st, const char *what, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		printf("plan=%s error=\"%s\"\n", what, sqlite3_errmsg(SQ(st)->db));
		return;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW)
		printf("plan=%s step=\"%s\"\n", what,
		    (const char *)sqlite3_column_text(stmt, 3));
	sqlite3_finalize(stmt);
}

static int
search_run(const char *path, long long reps)
{
	char w[6][64];
	int64_t now = (int64_t)time(NULL);
	struct bq qs[] = {
		{ "common", "election", 0, 0, 0, 0 },
		{ "common", "police", 0, 0, 0, 0 },
		{ "common", "government ministry", 0, 0, 0, 0 },
		{ "common", "ceasefire talks agreement", 0, 0, 0, 0 },
		{ "common-ar", "بغداد", 0, 0, 0, 0 },
		{ "common-ar", "الحكومة وزير", 0, 0, 0, 0 },
		{ "medium", synth_word(w[0], 300, false), 0, 0, 0, 0 },
		{ "medium", synth_word(w[1], 300, true), 0, 0, 0, 0 },
		{ "rare", synth_word(w[2], 20000, false), 0, 0, 0, 0 },
		{ "rare", synth_word(w[3], 150000, false), 0, 0, 0, 0 },
		{ "rare", synth_word(w[4], 50000, true), 0, 0, 0, 0 },
		{ "rare", "nosuchword", 0, 0, 0, 0 },
		{ "filtered", "election", 0, 3, 0, 0 },
		{ "filtered", "election", 18, 0, 0, 0 },
		{ "filtered", "election", 0, 0, now - 7 * 86400, 0 },
		{ "filtered", "election", 0, 0, now - 200 * 86400,
		  now - 170 * 86400 },
		/* whole UTC days, as the site's from/to give */
		{ "filtered", "election", 0, 0, (now / 86400 - 200) * 86400,
		  (now / 86400 - 170) * 86400 + 86399 },
		{ "filtered", "بغداد", 0, 5, 0, 0 },
		{ "filtered", synth_word(w[5], 2000, false), 0, 2, 0, 0 },
	};
	size_t nq = sizeof(qs) / sizeof(qs[0]);
	double *all = calloc(nq * (size_t)reps, sizeof(double));
	double *cls = calloc(nq * (size_t)reps, sizeof(double));
	double *lst = calloc((size_t)reps, sizeof(double));
	/* CPU time too: on a shared machine the wall time also holds the
	 * time other processes had the core */
	double *allc = calloc(nq * (size_t)reps, sizeof(double));
	const char *classes[] = { "common", "common-ar", "medium", "rare",
		"filtered" };
	struct store *st = NULL;
	size_t n_all = 0;
	int rc;

	if ((rc = store_open(&st, path, 0)) < 0)
		goto out;
	{
		/* the segments each word is looked up in (newsdesk optimize
		 * merges them) */
		sqlite3_stmt *seg = NULL;

		if (sqlite3_prepare_v2(SQ(st)->db, "SELECT count(DISTINCT "
		    "segid) FROM item_fts_idx", -1, &seg, NULL) == SQLITE_OK &&
		    sqlite3_step(seg) == SQLITE_ROW)
			printf("phase=index segments=%lld\n",
			    (long long)sqlite3_column_int64(seg, 0));
		sqlite3_finalize(seg);
	}
	explain(st, "search", "EXPLAIN QUERY PLAN SELECT item_fts.rowid, "
	    "bm25(item_fts, 10.0, 4.0, 1.0, 0.0), i.sort_time FROM item_fts "
	    "JOIN items i ON i.id = item_fts.rowid WHERE item_fts MATCH "
	    "'{title summary content} : (\"election\") AND meta : \"s18\"' "
	    "AND (?2 = 0 OR i.source_id = ?2) AND (?3 = 0 OR i.source_id IN "
	    "(SELECT id FROM sources WHERE section_id = ?3)) "
	    "ORDER BY item_fts.rowid DESC LIMIT 1000");
	/* the statements of store_item_list (store_item.c item_query) */
	explain(st, "home", "EXPLAIN QUERY PLAN SELECT " ITEM_COLS " FROM "
	    "(SELECT id FROM (SELECT i.id FROM items i "
	    "JOIN sources s ON s.id = i.source_id WHERE 1 "
	    "ORDER BY i.sort_time DESC, i.id DESC LIMIT ?5 OFFSET ?6) LIMIT 1000) AS page "
	    "JOIN items i ON i.id = page.id JOIN sources s ON s.id = "
	    "i.source_id" ITEM_MEDIA_JOIN "ORDER BY i.sort_time DESC, i.id DESC");
	explain(st, "section", "EXPLAIN QUERY PLAN SELECT " ITEM_COLS " FROM "
	    "(SELECT id FROM (SELECT i.id FROM items i "
	    "JOIN sources s ON s.id = i.source_id WHERE 1 AND "
	    "s.section_id = ?2 ORDER BY i.sort_time DESC, i.id DESC "
	    "LIMIT ?5 OFFSET ?6) LIMIT 1000) AS page "
	    "JOIN items i ON i.id = page.id JOIN sources s ON s.id = "
	    "i.source_id" ITEM_MEDIA_JOIN "ORDER BY i.sort_time DESC, i.id DESC");
	explain(st, "item", "EXPLAIN QUERY PLAN SELECT " ITEM_COLS " FROM "
	    "items i JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE i.id = ?1");
	explain(st, "hit", "EXPLAIN QUERY PLAN SELECT " ITEM_COLS " FROM "
	    "item_fts JOIN items i ON i.id = item_fts.rowid "
	    "JOIN sources s ON s.id = i.source_id" ITEM_MEDIA_JOIN
	    "WHERE item_fts MATCH ?1 AND item_fts.rowid = ?2");
	for (size_t k = 0; k < nq; k++) {
		struct store_search_opts o = { qs[k].source_id,
			qs[k].section_id, qs[k].since, qs[k].until, 20, 0, 0 };
		size_t n = 0, total = 0;
		bool is_capped = false;
		double sum = 0, mx = 0;

		for (long long r = -1; r < reps; r++) {
			struct arena a = ARENA_INIT;
			struct store_hit *h;
			double t = now_s(), c = cpu_s();

			rc = store_search(st, &a, qs[k].q, &o, &h, &n, &total,
			    &is_capped);
			t = (now_s() - t) * 1000;
			c = (cpu_s() - c) * 1000;
			arena_release(&a);
			if (rc < 0)
				goto out;
			if (r < 0)
				continue;       /* the first one warms up */
			allc[n_all] = c;
			all[n_all++] = t;
			sum += t;
			if (t > mx)
				mx = t;
		}
		printf("phase=search class=%s query=\"%s\" source=%lld "
		    "section=%lld since=%lld until=%lld hits=%zu total=%zu%s "
		    "mean_ms=%.2f max_ms=%.2f\n", qs[k].class, qs[k].q,
		    (long long)qs[k].source_id, (long long)qs[k].section_id,
		    (long long)qs[k].since, (long long)qs[k].until, n, total,
		    is_capped ? "+" : "", sum / (double)reps, mx);
	}
	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		size_t nc = 0, j = 0;

		for (size_t k = 0; k < nq; k++)
			for (long long r = 0; r < reps; r++, j++)
				if (strcmp(qs[k].class, classes[c]) == 0)
					cls[nc++] = all[j];
		print_pcts(classes[c], cls, nc);
	}
	print_pcts("all", all, n_all);
	{
		char nm[32];

		for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]);
		    c++) {
			size_t nc = 0, j = 0;

			for (size_t k = 0; k < nq; k++)
				for (long long r = 0; r < reps; r++, j++)
					if (strcmp(qs[k].class,
					    classes[c]) == 0)
						cls[nc++] = allc[j];
			snprintf(nm, sizeof(nm), "%s_cpu", classes[c]);
			print_pcts(nm, cls, nc);
		}
	}
	print_pcts("all_cpu", allc, n_all);
	/* The home page's list (the newest 80), then a section page's and a
	 * source page's. */
	for (int kind = 0; kind < 3; kind++) {
		for (long long r = -1; r < reps; r++) {
			struct store_item_query q = { .limit = 80 };
			struct arena a = ARENA_INIT;
			struct item *v;
			size_t n;
			double t;

			if (kind == 1)
				q.section_id = 3;
			if (kind == 2)
				q.source_id = 18;
			t = now_s();
			rc = store_item_list(st, &a, &q, &v, &n);
			t = (now_s() - t) * 1000;
			arena_release(&a);
			if (rc < 0)
				goto out;
			if (r >= 0)
				lst[r] = t;
		}
		print_pcts(kind == 0 ? "home_list" : kind == 1 ?
		    "section_list" : "source_list", lst, (size_t)reps);
	}
out:
	if (rc < 0)
		fprintf(stderr, "bench_ingest: %s\n", err_msg());
	store_close(st);
	free(all);
	free(allc);
	free(cls);
	free(lst);
	return rc < 0 ? 1 : 0;
}

/* ---- --sql: time one statement on the store (with the nd tokenizer) ---- */

static int
sql_run(const char *path, const char *sql)
{
	struct store *st = NULL;
	sqlite3_stmt *stmt = NULL;
	long long rows = 0;
	double t;
	int rc;

	if ((rc = store_open(&st, path, 0)) < 0)
		goto out;
	t = now_s();
	if (sqlite3_prepare_v2(SQ(st)->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		rc = store_db_err(st, "prepare");
		goto out;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (rows++ < 5)
			printf("row=\"%s\"\n", (const char *)
			    sqlite3_column_text(stmt, 0));
	}
	printf("phase=sql rows=%lld ms=%.2f\n", rows, (now_s() - t) * 1000);
out:
	if (rc < 0)
		fprintf(stderr, "bench_ingest: %s\n", err_msg());
	sqlite3_finalize(stmt);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	static const char *const queries[] = { "election", "بغداد", "كتب",
		"government ministry", "الانتخابات", "ceasefire talks" };
	char dir[] = "/tmp/nd-bench-XXXXXX", path[256];
	long long n_items = 20000, feed_size = 50;
	struct item_put_stats s1 = { 0 }, s2 = { 0 };
	struct source src = { 0 };
	struct store *st = NULL;
	bool is_temp = argc < 4;
	double t1, t2, c1, c2, t;
	int64_t sid;
	int rc = 1;

	if (argc > 1 && strcmp(argv[1], "--small") == 0) {
		if (argc != 4 || parse_int(argv[2], 1, 100000000,
		    &n_items) < 0) {
			fprintf(stderr, "usage: bench_ingest --small N_ITEMS "
			    "DB_PATH\n");
			return 2;
		}
		return small_run(n_items, argv[3]);
	}
	if (argc == 4 && strcmp(argv[1], "--sql") == 0)
		return sql_run(argv[2], argv[3]);
	if (argc > 1 && strcmp(argv[1], "--search") == 0) {
		long long reps = 20;

		if (argc < 3 || (argc > 3 && parse_int(argv[3], 1, 100000,
		    &reps) < 0)) {
			fprintf(stderr, "usage: bench_ingest --search DB_PATH "
			    "[REPS]\n");
			return 2;
		}
		return search_run(argv[2], reps);
	}
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
		bool is_capped = false;
		int reps = 20;

		double c = cpu_s();

		t = now_s();
		for (int r = 0; r < reps; r++) {
			if (store_search(st, &a, queries[q], NULL, &h, &n,
			    &total, &is_capped) < 0)
				goto fail;
		}
		t = now_s() - t;
		c = cpu_s() - c;
		printf("phase=search query=\"%s\" total=%zu%s ms=%.2f "
		    "cpu_ms=%.2f\n", queries[q], total, is_capped ? "+" : "",
		    t * 1000 / reps, c * 1000 / reps);
		arena_release(&a);
	}
	store_close(st);                /* checkpoints the WAL into the file */
	st = NULL;
	print_size(path, n_items);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "bench_ingest: %s\n", err_msg());
out:
	store_close(st);
	if (is_temp) {
		store_remove(path);
		rmdir(dir);
	}
	return rc;
}
