/*
 * newsdesk cluster: runs the story clusterer (analyze/, the very code and
 * thresholds ingest uses) over a JSONL file of the clustering kit and
 * prints one {"id", "story"} line per item, in input order. --stats adds a
 * line to stderr with counts, memory and throughput.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze.h"
#include "cli/cmd.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

/* A kit line holds one article; longer lines are refused. */
#define CLUSTER_MAX_LINE (64u << 20)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A number in [min, max] for the tuning options. */
static int
opt_num(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		return err_set(ND_EINVAL, "cluster: '%s': want a number from %g "
		    "to %g", s, min, max);
	*out = v;
	return 0;
}

/* Stories folded into others (analyze_result.merged): old id -> the
 * story that took it. Open addressing, grows; holds merges only. */
struct alias_map {
	struct alias {
		int64_t from, to;
	} *e;
	size_t n, cap;
};

static void
alias_put(struct alias_map *m, int64_t from, int64_t to)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct alias_map g = { 0 };

		g.cap = m->cap ? m->cap * 2 : 256;
		g.e = calloc(g.cap, sizeof(*g.e));
		if (!g.e)
			abort();
		for (size_t i = 0; i < m->cap; i++)
			if (m->e[i].from)
				alias_put(&g, m->e[i].from, m->e[i].to);
		free(m->e);
		*m = g;
	}
	for (size_t k = (uint64_t)from * 0x9E3779B97F4A7C15ULL % m->cap;;
	    k = (k + 1) % m->cap) {
		if (!m->e[k].from || m->e[k].from == from) {
			m->n += !m->e[k].from;
			m->e[k].from = from;
			m->e[k].to = to;
			return;
		}
	}
}

/* A story id in decimal (printf is a tenth of the command's time). */
static void
add_id(struct buf *b, int64_t v)
{
	char d[24];
	size_t n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[sizeof(d) - 1 - n++] = '-';
	buf_add(b, d + sizeof(d) - n, n);
}

/* s as a JSON string (null for NULL). */
static void
add_json_str(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c < 0x20)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

/* Where story id ended up (merges followed). */
static int64_t
alias_get(const struct alias_map *m, int64_t id)
{
	for (size_t hop = 0; m->cap && hop < m->n + 1; hop++) {
		size_t k = (uint64_t)id * 0x9E3779B97F4A7C15ULL % m->cap;
		bool is_found = false;

		for (; m->e[k].from; k = (k + 1) % m->cap)
			if (m->e[k].from == id) {
				is_found = true;
				break;
			}
		if (!is_found)
			break;
		id = m->e[k].to;
	}
	return id;
}

static int
cluster_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct buf scratch = BUF_INIT(1u << 20);
	struct buf out = BUF_INIT(BUF_NOCAP);
	struct analyze *an = NULL;
	const char *path = NULL, *thr = NULL, *decay = NULL, *window = NULL,
	    *span = NULL, *thr_short = NULL, *merge = NULL, *seed = NULL;
	struct analyze_opts o;
	bool is_stats = false;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	FILE *f = NULL, *spool = NULL;
	struct alias_map aliases = { 0 };
	double t0;
	int rc = 0;

	(void)ctx;
	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--jsonl", &path)) ||
		    (rc = cmd_opt(argc, argv, &i, "--threshold", &thr)) ||
		    (rc = cmd_opt(argc, argv, &i, "--decay", &decay)) ||
		    (rc = cmd_opt(argc, argv, &i, "--window", &window)) ||
		    (rc = cmd_opt(argc, argv, &i, "--span", &span)) ||
		    (rc = cmd_opt(argc, argv, &i, "--merge", &merge)) ||
		    (rc = cmd_opt(argc, argv, &i, "--seed", &seed)) ||
		    (rc = cmd_opt(argc, argv, &i, "--threshold-short",
		    &thr_short))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (strcmp(argv[i], "--stats") == 0)
			is_stats = true;
		else
			return CMD_USAGE;
	}
	rc = 0;
	if (!path)
		return CMD_USAGE;
	analyze_opts_default(&o);
	if ((thr && (rc = opt_num(thr, 0, 1, &o.threshold)) < 0) ||
	    (decay && (rc = opt_num(decay, 0, 1, &o.decay_per_day)) < 0) ||
	    (span && (rc = opt_num(span, 0, 1, &o.span_per_day)) < 0) ||
	    (thr_short && (rc = opt_num(thr_short, 0, 1,
	    &o.threshold_short)) < 0) ||
	    (merge && (rc = opt_num(merge, 0, 1, &o.merge_threshold)) < 0) ||
	    (seed && (rc = opt_num(seed, 0, 1, &o.seed_threshold)) < 0))
		return rc;
	if (window) {
		double d;

		if ((rc = opt_num(window, 0, 365, &d)) < 0)
			return rc;
		o.window_s = (int64_t)(d * 86400);
	}
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if (!(f = fopen(path, "r")))
		return err_set(ND_EIO, "cluster: %s: %s", path, strerror(errno));
	if (!(an = analyze_new(&o, 1))) {
		rc = ND_ERR;
		goto out;
	}
	t0 = now_s();
	if (!(spool = tmpfile())) {
		rc = err_set(ND_EIO, "cluster: temporary file: %s",
		    strerror(errno));
		goto out;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		struct analyze_kit_line kl;
		struct analyze_result r;

		lineno++;
		if ((size_t)len > CLUSTER_MAX_LINE) {
			rc = err_set(ND_ETOOBIG, "cluster: %s:%zu: line over %u "
			    "bytes", path, lineno, CLUSTER_MAX_LINE);
			goto out;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if ((rc = analyze_kit_parse(&kl, &scratch, line,
		    (size_t)len, ANALYZE_TEXT_LEAD)) < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", err_msg());
			rc = err_set(rc, "cluster: %s:%zu: %s", path, lineno, why);
			goto out;
		}
		analyze_add(an, &kl.doc, &r);
		for (size_t m = 0; m < r.n_merged; m++)
			alias_put(&aliases, r.merged[m], r.story);
		add_id(&out, r.story);
		buf_addc(&out, '\t');
		add_json_str(&out, kl.id);
		buf_addc(&out, '\n');
		if (out.len > (1u << 16)) {
			fwrite(out.ptr, 1, out.len, spool);
			buf_reset(&out);
		}
	}
	fwrite(out.ptr, 1, out.len, spool);
	buf_reset(&out);
	/* The stories as they ended: an item of a story folded into another
	 * is printed with the one that took it (as the store shows it). */
	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0) {
		rc = err_set(ND_EIO, "cluster: temporary file: %s",
		    strerror(errno));
		goto out;
	}
	while ((len = getline(&line, &cap, spool)) > 0) {
		char *tab = memchr(line, '\t', (size_t)len), *end;
		long long story = strtoll(line, &end, 10);

		if (!tab || end != tab)
			continue;
		buf_adds(&out, "{\"id\":");
		buf_add(&out, tab + 1, (size_t)(line + len - tab - 2));
		buf_adds(&out, ",\"story\":");
		add_id(&out, alias_get(&aliases, story));
		buf_adds(&out, "}\n");
		if (out.len > (1u << 16)) {
			fwrite(out.ptr, 1, out.len, stdout);
			buf_reset(&out);
		}
	}
	fwrite(out.ptr, 1, out.len, stdout);
	if (is_stats) {
		struct analyze_stats s;
		double dt = now_s() - t0;

		analyze_stats(an, &s);
		fprintf(stderr, "cluster: items %zu stories %zu live %zu dups %zu "
		    "bytes %zu seconds %.3f items_per_s %.0f\n", s.n_docs,
		    s.n_stories, s.n_live, s.n_dups, s.bytes, dt,
		    dt > 0 ? (double)s.n_docs / dt : 0.0);
	}
out:
	if (f && f != stdin)
		fclose(f);
	if (spool)
		fclose(spool);
	free(aliases.e);
	free(line);
	analyze_free(an);
	buf_release(&scratch);
	buf_release(&out);
	return rc;
}

const struct cmd cmd_cluster = {
	.name = "cluster",
	.summary = "group the items of a JSONL file into stories (the clustering kit)",
	.usage =
	    "usage: newsdesk cluster --jsonl FILE [--stats] [--threshold X] [--decay X]\n"
	    "                        [--window DAYS] [--span X]\n"
	    "                        [--threshold-short X] [--merge X]\n"
	    "\n"
	    "Runs the story clusterer that ingest runs (same features, same\n"
	    "thresholds) over FILE, one JSON object per line with id, time (ISO\n"
	    "8601 UTC), source, title, summary, text and lang, in the order given\n"
	    "(the kit sorts by time), and prints one line per item:\n"
	    "{\"id\": ID, \"story\": N}, N the story the item is in at the end\n"
	    "(stories found to be one are folded, as ingest records them). FILE\n"
	    "may be - for standard input.\n"
	    "\n"
	    "options:\n"
	    "  --jsonl FILE  the items\n"
	    "  --stats       counts, memory held and items per second on stderr\n"
	    "\n"
	    "tuning (the defaults are what ingest uses; for experiments on the kit):\n"
	    "  --threshold X  cosine needed to join a story\n"
	    "  --decay X      added to the threshold per day of time gap\n"
	    "  --window D     days a quiet story stays in memory\n"
	    "  --span X       added per day a story would last beyond a day\n"
	    "  --threshold-short X  the threshold for a document of few words\n"
	    "  --merge X      centroid cosine at which two stories a short document\n"
	    "                 matches become one (0: never)\n"
	    "  --seed X       cosine with a story's first-day reports a report needs\n"
	    "                 to stretch the story past its first day (0: none)\n"
	    "\n"
	    "example:\n"
	    "  newsdesk cluster --jsonl ../shared/eval/clustering/dev/events.jsonl\n",
	.run = cluster_run,
};
