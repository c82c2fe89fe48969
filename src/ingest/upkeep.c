/*
 * upkeep: the daily jobs of `newsdesk run` that keep the store fast, run
 * by the fetch loop between two cycles (issue 8). Today one: merging the
 * search index into one segment, as `newsdesk optimize` does, at
 * [store] optimize_hour in the desk's time zone. Ingest leaves the index
 * in many segments and a search looks each word up once per segment.
 *
 * The merge is done in steps (store_search_merge_step, each its own short
 * transaction) while no source is due, so it never holds up a fetch by
 * more than one step; a large index takes several cycles. The store
 * keeps when it was last done and which process is doing it (a lease it
 * renews on every step), so a second `run` on the same store waits, a
 * restart does not do it twice on one day, and a process that died
 * mid-merge is taken over once its lease expires (the merge's progress
 * is in the index itself).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tz.h"
#include "core/xmalloc.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

#define TASK "optimize"
#define LEASE_S 300
/* pages written per step: about 4 MiB, some tens of milliseconds */
#define STEP_PAGES 1000

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
ingest_upkeep_init(struct ingest_upkeep *u)
{
	char host[64] = "";

	memset(u, 0, sizeof(*u));
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "?");
	snprintf(u->owner, sizeof(u->owner), "run pid=%ld host=%s t=%lld",
	    (long)getpid(), host, (long long)time(NULL));
}

void
ingest_upkeep_release(struct ingest_upkeep *u, struct store *st)
{
	if (u->is_running && st &&
	    store_upkeep_release(st, TASK, u->owner, (int64_t)time(NULL),
	    false) < 0)
		log_warn(LOG_STORE, "optimize: giving the task back: %s",
		    err_msg());
	u->is_running = false;
	tz_free(u->tz);
	free(u->tz_name);
	u->tz = NULL;
	u->tz_name = NULL;
}

/* The desk's zone, opened again only when [desk] timezone changes. */
static const struct tz *
desk_tz(struct ingest_upkeep *u, const struct config *cfg)
{
	const char *name = cfg->desk.timezone ? cfg->desk.timezone : "";

	if (!u->tz || strcmp(u->tz_name, name) != 0) {
		tz_free(u->tz);
		free(u->tz_name);
		u->tz = tz_open(name);
		u->tz_name = xstrdup(name);
	}
	return u->tz;
}

/* Claims the day's merge if it is due and free. 1 when this process now
 * does it, 0 when not, or an error. */
static int
start(struct ingest_upkeep *u, struct store *st, int64_t now, int64_t due_at,
    int hour)
{
	enum store_upkeep_state state;
	struct arena a;
	const char *owner = "";
	int64_t last = 0, until = 0;
	int rc;

	if ((rc = store_upkeep_claim(st, TASK, u->owner, now, now + LEASE_S,
	    due_at, &state)) < 0)
		return rc;
	if (state == STORE_UPKEEP_DONE) {
		u->done_for = due_at;
		return 0;
	}
	if (state == STORE_UPKEEP_HELD) {
		if (u->held_logged != due_at) {
			arena_init(&a);
			if (store_upkeep_get(st, &a, TASK, &last, &owner,
			    &until) == 0)
				log_info(LOG_STORE, "optimize: another process "
				    "is merging the search index, waiting "
				    "owner=\"%s\" lease_s=%lld", owner,
				    (long long)(until - now));
			arena_release(&a);
			u->held_logged = due_at;
		}
		return 0;
	}
	u->is_running = true;
	u->steps = 0;
	u->max_step_ms = 0;
	u->started_ms = now_ms();
	if ((rc = store_search_merge_step(st, 0, &(bool){ false },
	    &u->before)) < 0)
		return rc;
	log_info(LOG_STORE, "optimize started segments=%zu hour=%d",
	    u->before, hour);
	return 1;
}

int
ingest_upkeep_run(struct ingest_upkeep *u, struct store *st,
    const struct config *cfg, int64_t until, const atomic_bool *stop)
{
	int hour = cfg->store.optimize_hour;
	int64_t now = (int64_t)time(NULL), due_at;
	const struct tz *tz;
	int rc;

	if (hour < 0 && !u->is_running)
		return 0;
	tz = desk_tz(u, cfg);
	due_at = tz_daily_at(tz, now, hour < 0 ? 0 : hour);
	if (!u->is_running) {
		if (!tz_daily_due(tz, now, hour, 0))
			return 0;
		/* done today (by this process or another): no store write
		 * each cycle until tomorrow's hour */
		if (u->done_for != due_at &&
		    (rc = start(u, st, now, due_at, hour)) < 0)
			return rc;
		if (u->done_for == due_at)
			log_debug(LOG_STORE, "optimize: done today, next at "
			    "hour=%d", hour);
		if (!u->is_running)
			return 0;
	}
	do {
		bool is_done = false;
		size_t after = 0;
		int64_t t0 = now_ms();

		if ((rc = store_search_merge_step(st, STEP_PAGES, &is_done,
		    &after)) < 0)
			return rc;
		u->steps++;
		if (now_ms() - t0 > u->max_step_ms)
			u->max_step_ms = now_ms() - t0;
		now = (int64_t)time(NULL);
		if (is_done) {
			if ((rc = store_upkeep_release(st, TASK, u->owner, now,
			    true)) < 0)
				return rc;
			u->is_running = false;
			u->done_for = due_at;
			log_info(LOG_STORE, "search index optimized "
			    "segments=%zu->%zu steps=%d ms=%lld "
			    "max_step_ms=%lld", u->before, after, u->steps,
			    (long long)(now_ms() - u->started_ms),
			    (long long)u->max_step_ms);
			return 0;
		}
		/* renew the lease: this process is still at it */
		{
			enum store_upkeep_state state;

			if ((rc = store_upkeep_claim(st, TASK, u->owner, now,
			    now + LEASE_S, INT64_MAX, &state)) < 0)
				return rc;
			if (state != STORE_UPKEEP_CLAIMED) {
				/* our lease expired and another process took
				 * the task over: it goes on from here */
				u->is_running = false;
				log_warn(LOG_STORE, "optimize: lease lost after "
				    "steps=%d", u->steps);
				return 0;
			}
		}
	} while (now < until && !atomic_load(stop));
	return 0;
}
