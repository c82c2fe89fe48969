/*
 * bench_extract: article extraction throughput in pages per CPU second,
 * next to libxml2's bare HTML parse of the same pages (issue 12).
 *
 * Loads every page of the extraction kit's html/ directory (gzip'd, read
 * with zlib) into memory first, then, for ROUNDS rounds, times with
 * getrusage (user + system CPU, this process only):
 *   parse    htmlReadMemory + xmlFreeDoc, nothing else (the floor)
 *   extract  extract_page, what ingest and `newsdesk extract` run
 * and prints the best round of each, and the peak RSS after the first and
 * after the last round: when memory is flat the two are equal.
 *
 * usage: bench_extract [HTML_DIR] [ROUNDS]
 *   default HTML_DIR: ../shared/eval/extraction/dev/html
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <libxml/HTMLparser.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "extract/extract.h"
#include "core/banned.h"

struct page {
	char *data;
	size_t len;
};

static double
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long
peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int
load_gz(const char *path, struct page *out)
{
	gzFile f = gzopen(path, "rb");
	struct buf b = BUF_INIT(64u << 20);
	char chunk[65536];
	int n;

	if (!f)
		return -1;
	while ((n = gzread(f, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	gzclose(f);
	if (n < 0 || buf_err(&b) < 0) {
		buf_release(&b);
		return -1;
	}
	out->data = buf_detach(&b, &out->len);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/eval/extraction/dev/html";
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
	struct page *pages = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0, bytes = 0, chars = 0;
	double best_parse = 1e9, best_extract = 1e9;
	long rss_first = 0;
	struct dirent *de;
	DIR *d;

	if (rounds < 1)
		rounds = 1;
	if (!(d = opendir(dir))) {
		fprintf(stderr, "bench_extract: cannot open %s\n", dir);
		return 1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 4 || strcmp(de->d_name + l - 3, ".gz") != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				return 1;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	pages = calloc(n ? n : 1, sizeof(*pages));
	for (size_t i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (load_gz(path, &pages[i]) < 0) {
			fprintf(stderr, "bench_extract: cannot read %s\n", path);
			return 1;
		}
		bytes += pages[i].len;
	}
	if (!n) {
		fprintf(stderr, "bench_extract: no *.gz pages in %s\n", dir);
		return 1;
	}
	xmlInitParser();
	for (int r = 0; r < rounds; r++) {
		double t0 = cpu_now(), t;

		for (size_t i = 0; i < n; i++) {
			htmlDocPtr doc = htmlReadMemory(pages[i].data,
			    (int)pages[i].len, NULL, NULL,
			    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
			    HTML_PARSE_COMPACT);
			xmlFreeDoc(doc);
		}
		t = cpu_now() - t0;
		if (t < best_parse)
			best_parse = t;
		t0 = cpu_now();
		chars = 0;
		for (size_t i = 0; i < n; i++) {
			struct arena a = ARENA_INIT;
			struct extract *e;

			if (extract_page(&e, &a, pages[i].data, pages[i].len,
			    NULL) == 0)
				chars += e->text_len;
			arena_release(&a);
		}
		t = cpu_now() - t0;
		if (t < best_extract)
			best_extract = t;
		if (r == 0)
			rss_first = peak_rss_kb();
	}
	printf("pages %zu, %.1f MB, %d rounds (best round shown)\n", n,
	    (double)bytes / 1e6, rounds);
	printf("libxml2 parse only: %.3f cpu s, %.0f pages/cpu-s\n", best_parse,
	    (double)n / best_parse);
	printf("extract_page:       %.3f cpu s, %.0f pages/cpu-s (%.0f%% of the "
	       "parse-only rate), %zu bytes of text\n",
	    best_extract, (double)n / best_extract,
	    100.0 * best_parse / best_extract, chars);
	printf("peak rss: %ld KB after round 1, %ld KB after round %d\n",
	    rss_first, peak_rss_kb(), rounds);
	for (size_t i = 0; i < n; i++) {
		free(pages[i].data);
		free(names[i]);
	}
	free(pages);
	free(names);
	return 0;
}
