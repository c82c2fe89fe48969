/*
 * newsdesk fetch: one fetch cycle over the due sources (or all, or one),
 * with a progress bar on a terminal and a summary at the end. Failing
 * sources are part of the summary, not a failure of the command.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

/* Set by SIGINT/SIGTERM: the cycle stops between two sources. A lock-free
 * atomic is safe to store from a signal handler. */
static atomic_bool stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, true);
}

static void
progress(const struct ingest_progress *p, void *payload)
{
	enum { WIDTH = 30 };
	char bar[WIDTH + 1];
	size_t fill = p->total ? p->done * WIDTH / p->total : WIDTH;

	(void)payload;
	for (size_t i = 0; i < WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu sources, %zu errors", bar, p->done,
	    p->total, p->n_errors);
	if (p->done == p->total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static void
summary(const struct ingest_cycle_stats *s, double secs)
{
	bool is_first = true;

	printf("%zu sources in %.1f s: %zu fetched, %zu not modified, %zu errors; "
	    "%zu new items, %zu updated\n", s->n_sources, secs, s->n_fetched,
	    s->n_not_modified, s->n_errors, s->n_new, s->n_updated);
	if (s->n_errors) {
		fputs("errors:", stdout);
		for (int k = 1; k < FETCH_E_COUNT; k++) {
			if (!s->errors_by_kind[k])
				continue;
			printf("%s %s %zu", is_first ? "" : ",",
			    fetch_err_name((enum fetch_err)k), s->errors_by_kind[k]);
			is_first = false;
		}
		fputs(" (see `newsdesk source list`)\n", stdout);
	}
	if (s->n_disabled)
		printf("%zu sources disabled (410 gone)\n", s->n_disabled);
	if (s->n_redirect_moves)
		printf("%zu sources moved to their new URL (permanent redirect)\n",
		    s->n_redirect_moves);
	if (s->n_photos || s->n_photo_errors)
		printf("%zu photos cached, %zu refused or failed\n", s->n_photos,
		    s->n_photo_errors);
	if (s->n_full_text)
		printf("%zu article texts extracted\n", s->n_full_text);
	if (s->n_full_text_robots)
		printf("%zu article pages not fetched: robots.txt\n",
		    s->n_full_text_robots);
	if (s->n_full_text_304)
		printf("%zu article pages unchanged (304)\n", s->n_full_text_304);
	if (s->is_stopped)
		fputs("stopped before the end of the cycle\n", stdout);
}

static int
fetch_run_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *st = NULL;
	struct arena a;
	struct ingest_cycle_opts co = { 0 };
	struct ingest_cycle_stats stats;
	const char *source = NULL;
	bool is_quiet = false;
	struct timespec t0, t1;
	int rc;

	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--source", &source)) < 0)
			return rc;
		if (rc)
			continue;
		if (strcmp(argv[i], "--all") == 0)
			co.is_all = true;
		else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
			is_quiet = true;
		else
			return CMD_USAGE;
	}
	arena_init(&a);
	fetch_global_init();
	if ((rc = cmd_open_store(ctx, &st, false)) < 0 ||
	    (rc = cmd_beat_sync(ctx, st)) < 0)   /* issue 9 */
		goto out;
	if (source) {
		struct source *src = NULL;

		if ((rc = cmd_source_lookup(st, &a, source, &src)) < 0)
			goto out;
		co.source_id = src->id;
	}
	if (ctx->is_tty && !is_quiet)
		co.progress = progress;
	{
		struct sigaction sa = { .sa_handler = on_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		co.stop = &stop_flag;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ingest_cycle(st, ctx->cfg, &co, &stats);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc < 0)
		goto out;
	if (ctx->is_tty && !is_quiet && stats.is_stopped)
		fputs("\n", stderr);
	if (!is_quiet)
		summary(&stats, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (stats.is_stopped)
		rc = 130;       /* as a shell reports an interrupted command */
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_fetch = {
	.name = "fetch",
	.summary = "fetch the sources that are due, once",
	.usage =
	"usage: newsdesk fetch [--source ID|URL] [--all] [--quiet]\n"
	"\n"
	"Runs one fetch cycle: every enabled source whose next fetch time has\n"
	"come is fetched (conditional GET), parsed and stored, and its fetch\n"
	"state and next fetch time are updated. Limits, politeness and the\n"
	"address guard come from the [fetch] section of the configuration.\n"
	"\n"
	"  --source ID|URL  fetch only this source, due or not\n"
	"  --all            fetch every enabled source, due or not\n"
	"  --quiet, -q      no progress bar and no summary\n"
	"\n"
	"Prints a summary: sources fetched, not modified (304), errors by kind,\n"
	"new and updated items. Per-source errors are in `newsdesk source list`.\n"
	"\n"
	"examples:\n"
	"  newsdesk import-opml subscriptions.opml && newsdesk fetch\n"
	"  newsdesk fetch --source 12\n",
	.run = fetch_run_cmd,
};
