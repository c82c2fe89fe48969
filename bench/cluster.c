/*
 * bench_cluster: the story clusterer's cost per item as the number of
 * items (and of stories ever made) grows, and the memory it holds.
 *
 *     bench_cluster EVENTS.JSONL [N ...]
 *
 * Reads the clustering kit's events file (../shared/eval/clustering/dev/
 * events.jsonl) once, then for each N (default 10000 100000 1000000)
 * feeds N items to a fresh clusterer: the file repeated, each copy moved
 * 30 years later than the one before so copies never meet in a window
 * (the stories keep growing in number; only the window is live). Prints
 * per N the items per second (CPU time of analyze_add alone: no JSON, no
 * I/O), the microseconds per item over the first and the last tenth of
 * the run (flat cost: the last tenth is no slower than the first), the
 * stories made, the live ones and the bytes held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/xmalloc.h"
#include "core/banned.h"

struct doc {
	struct analyze_doc d;
	char *mem;
};

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int
main(int argc, char **argv)
{
	struct buf scratch = BUF_INIT(1u << 20);
	struct doc *docs = NULL;
	size_t n_docs = 0, cap = 0;
	static const size_t dflt[] = { 10000, 100000, 1000000 };
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	int64_t t_min = INT64_MAX, t_max = 0;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_cluster EVENTS.JSONL [N ...]\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 1;
	}
	while ((len = getline(&line, &lcap, f)) > 0) {
		struct analyze_kit_line kl;
		struct doc *d;

		while (len > 0 && line[len - 1] == '\n')
			len--;
		if (len == 0)
			continue;
		if (analyze_kit_parse(&kl, &scratch, line, (size_t)len,
		    ANALYZE_TEXT_LEAD) < 0) {
			fprintf(stderr, "%s: %s\n", argv[1], err_msg());
			return 1;
		}
		docs = xgrow(docs, sizeof(*docs), n_docs + 1, &cap);
		d = &docs[n_docs++];
		d->d = kl.doc;
		d->d.title = dup_or_null(kl.doc.title);
		d->d.summary = dup_or_null(kl.doc.summary);
		d->d.text = dup_or_null(kl.doc.text);
		d->d.source = dup_or_null(kl.doc.source);
		d->d.lang = dup_or_null(kl.doc.lang);
		if (d->d.time < t_min)
			t_min = d->d.time;
		if (d->d.time > t_max)
			t_max = d->d.time;
	}
	fclose(f);
	free(line);
	buf_release(&scratch);
	if (n_docs == 0) {
		fprintf(stderr, "%s: no items\n", argv[1]);
		return 1;
	}
	for (int k = 0; k < (argc > 2 ? argc - 2 : 3); k++) {
		size_t n = argc > 2 ? strtoull(argv[k + 2], NULL, 10) : dflt[k];
		struct analyze *an = analyze_new(NULL, 1);
		struct analyze_stats s;
		double t0, t_first = 0, t_last = 0, tenth0 = 0;
		int64_t shift = (t_max - t_min) + 30 * 86400;

		if (!an || n < 10)
			return 1;
		t0 = cpu_s();
		for (size_t i = 0; i < n; i++) {
			struct analyze_doc d = docs[i % n_docs].d;
			struct analyze_result r;

			d.time += (int64_t)(i / n_docs) * shift;
			if (i == n / 10)
				t_first = cpu_s() - t0;
			if (i == n - n / 10)
				tenth0 = cpu_s();
			analyze_add(an, &d, &r);
		}
		t_last = cpu_s() - tenth0;
		analyze_stats(an, &s);
		printf("cluster n=%zu items_per_s=%.0f us_per_item_first_tenth=%.2f "
		    "us_per_item_last_tenth=%.2f stories=%zu live=%zu dups=%zu "
		    "bytes=%zu\n", n, (double)n / (cpu_s() - t0),
		    t_first * 1e6 / (double)(n / 10), t_last * 1e6 /
		    (double)(n / 10), s.n_stories, s.n_live, s.n_dups, s.bytes);
		fflush(stdout);
		analyze_free(an);
	}
	for (size_t i = 0; i < n_docs; i++) {
		free((char *)docs[i].d.title);
		free((char *)docs[i].d.summary);
		free((char *)docs[i].d.text);
		free((char *)docs[i].d.source);
		free((char *)docs[i].d.lang);
	}
	free(docs);
	return 0;
}
