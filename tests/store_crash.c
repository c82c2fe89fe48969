/*
 * store_crash: a kill -9 in the middle of ingest leaves the store
 * consistent, and every transaction that reported committed is there.
 *
 * A child process opens the store (creating and migrating it on the first
 * run) and ingests rounds: round r is one store_feed_put of ROUND new
 * entries plus UPDATES changed entries of round r-1. After each put returns
 * it writes r to a pipe. The parent kills the child with SIGKILL after a
 * random delay (so kills land in open, migration, inserts, index writes and
 * commits), then opens the store and checks: store_check passes; every
 * round holds 0 or ROUND items (never part of one); every round the child
 * reported holds ROUND; no guid is stored twice. The next child resumes at
 * the first unreported round, which completes any round that was cut off.
 *
 * ND_CRASH_ITERATIONS overrides the number of kills (default 30).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "parse/parse.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "../bench/ingest_synth.h"
#include "core/banned.h"

#define ROUND 200
#define UPDATES 50
#define T0 1700000000
#define MAX_ROUNDS 100000

static int64_t
open_source(struct store *st)
{
	struct source src = { 0 };
	int64_t id = 0;
	int rc;

	src.url = "https://wire.example/feed";
	src.is_enabled = true;
	rc = store_source_add(st, &src, &id);
	return (rc == 0 || rc == ND_EEXISTS) ? id : -1;
}

/* Round r's feed: its new entries, then changed copies of round r-1's. */
static struct feed *
round_feed(struct arena *a, int r)
{
	struct feed *f = synth_feed(a, "r", (size_t)r * ROUND, ROUND, T0,
	    (uint32_t)r + 1);
	struct feed *u;
	struct feed_entry *all;

	if (r == 0)
		return f;
	u = synth_feed(a, "r", (size_t)(r - 1) * ROUND, UPDATES, T0,
	    (uint32_t)r * 7919u);
	all = arena_alloc(a, (ROUND + UPDATES) * sizeof(*all));
	memcpy(all, f->entries, ROUND * sizeof(*all));
	memcpy(all + ROUND, u->entries, UPDATES * sizeof(*all));
	f->entries = all;
	f->n_entries = ROUND + UPDATES;
	return f;
}

static void
child(const char *path, int start, int fd)
{
	struct store *st = NULL;
	int64_t sid;

	if (store_open(&st, path, STORE_CREATE) < 0)
		_exit(3);
	if ((sid = open_source(st)) < 0)
		_exit(4);
	for (int r = start; r < MAX_ROUNDS; r++) {
		struct arena a = ARENA_INIT;

		if (ingest_feed_items(st, sid, round_feed(&a, r), (int64_t)time(NULL), NULL) < 0) {
			fprintf(stderr, "child: %s\n", err_msg());
			_exit(5);
		}
		arena_release(&a);
		if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(6);
	}
	_exit(0);
}

static size_t
round_count(struct store *st, struct arena *a, int r)
{
	struct store_item_query q = { 0 };
	struct item *v;
	size_t n;

	q.since = T0 + (int64_t)r * ROUND;
	q.until = T0 + (int64_t)r * ROUND + ROUND - 1;
	q.limit = 1000;
	assert_int_equal(store_item_list(st, a, &q, &v, &n), 0);
	return n;
}

static void
verify(const char *path, int from, int committed, int max_round)
{
	struct store *st = NULL;
	struct arena a = ARENA_INIT;

	/* A kill while the child created the store can fall between two
	 * migrations (each its own transaction): the file is then a whole
	 * store at an older version, which `newsdesk migrate` completes. */
	if (store_open(&st, path, STORE_MIGRATE) < 0)
		fail_msg("reopen: %s", err_msg());
	if (store_check(st) < 0)
		fail_msg("check: %s", err_msg());
	for (int r = from; r <= max_round; r++) {
		size_t n = round_count(st, &a, r);

		if (n != 0 && n != ROUND)
			fail_msg("round %d has %zu of %d items", r, n, ROUND);
		if (r <= committed && n != ROUND)
			fail_msg("committed round %d lost (%zu items)", r, n);
		if (r > committed + 1 && n != 0)
			fail_msg("round %d present before round %d was "
			    "reported", r, committed + 1);
	}
	arena_release(&a);
	store_close(st);
}

static void
no_duplicate_guids(const char *path, int n_rounds)
{
	struct store *st = NULL;
	struct arena a = ARENA_INIT;
	struct store_item_query q = { 0 };
	struct item *v;
	char *seen = calloc((size_t)n_rounds * ROUND, 1);
	size_t n, total = 0;

	assert_int_equal(store_open(&st, path, 0), 0);
	q.limit = 1000;
	do {
		assert_int_equal(store_item_list(st, &a, &q, &v, &n), 0);
		for (size_t i = 0; i < n; i++) {
			long long g;

			assert_int_equal(strncmp(v[i].guid, "r-", 2), 0);
			assert_int_equal(parse_int(v[i].guid + 2, 0,
			    (long long)n_rounds * ROUND - 1, &g), 0);
			if (seen[g])
				fail_msg("guid %s stored twice", v[i].guid);
			seen[g] = 1;
		}
		total += n;
		q.offset += n;
		arena_release(&a);
	} while (n > 0);
	assert_int_equal(total, (size_t)n_rounds * ROUND);
	free(seen);
	store_close(st);
}

static void
kill9_mid_ingest(void **state)
{
	char dir[] = "/tmp/nd-crash-XXXXXX", path[128], p[160];
	const char *env = getenv("ND_CRASH_ITERATIONS");
	long long iterations = 30;
	int committed = -1, max_round = 0, kills = 0;
	struct store *st = NULL;
	unsigned seed = (unsigned)time(NULL);

	(void)state;
	if (env && parse_int(env, 1, 100000, &iterations) < 0)
		iterations = 30;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/crash.db", dir);
	srand(seed);
	print_message("seed=%u iterations=%lld\n", seed, iterations);

	for (long long it = 0; it < iterations; it++) {
		int fds[2], r, status, start = committed + 1;
		pid_t pid;
		struct timespec d;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child(path, start, fds[1]);
		}
		close(fds[1]);
		/* 0-250 ms: one round takes a few tens of ms, so kills fall
		 * before, inside and between transactions. */
		d.tv_sec = 0;
		d.tv_nsec = (long)(rand() % 250000) * 1000;
		nanosleep(&d, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			fail_msg("child ended on its own: status %d", status);
		kills++;
		while (read(fds[0], &r, sizeof(r)) == (ssize_t)sizeof(r)) {
			assert_int_equal(r, committed + 1);
			committed = r;
		}
		close(fds[0]);
		if (committed + 1 > max_round)
			max_round = committed + 1;
		if (access(path, F_OK) == 0)
			verify(path, start > 2 ? start - 2 : 0, committed,
			    max_round);
	}
	print_message("kills=%d rounds_committed=%d\n", kills, committed + 1);

	/* The next ingest completes whatever was cut off. */
	assert_int_equal(store_open(&st, path, STORE_CREATE), 0);
	{
		int64_t sid = open_source(st);
		struct arena a = ARENA_INIT;
		struct item_put_stats s = { 0 };

		assert_true(sid > 0);
		assert_int_equal(ingest_feed_items(st, sid,
		    round_feed(&a, committed + 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(s.n_new + s.n_updated + s.n_unchanged,
		    committed + 1 == 0 ? ROUND : ROUND + UPDATES);
		arena_release(&a);
	}
	assert_int_equal(store_check(st), 0);
	store_close(st);
	verify(path, 0, committed + 1, max_round);
	no_duplicate_guids(path, committed + 2);

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill9_mid_ingest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
