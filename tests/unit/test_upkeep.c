/*
 * test_upkeep (issue 8): the daily schedule shared by the mail digest and
 * the search index upkeep (tz_daily_due, in a zone with DST), and the
 * store's task row: one holder at a time through a lease, done once per
 * day, taken over when the lease has expired, and the merge in steps on a
 * real store with several index segments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/tz.h"
#include "ingest/ingest.h"
#include "parse/parse.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

static void
daily_due(void **state)
{
	struct tz *tz = NULL;
	/* 2026-03-08 is the day New York springs forward (02:00 -> 03:00) */
	int64_t at4 = 1772956800;       /* 2026-03-08 04:00 EDT = 08:00 UTC */

	(void)state;
	assert_int_equal(tz_load(&tz, "America/New_York"), 0);
	assert_int_equal(tz_daily_at(tz, at4 + 3600, 4), at4);
	assert_int_equal(tz_daily_at(tz, at4 - 3 * 3600, 4), at4);
	/* before the hour: not due; at and after it: due once */
	assert_false(tz_daily_due(tz, at4 - 1, 4, 0));
	assert_true(tz_daily_due(tz, at4, 4, 0));
	assert_true(tz_daily_due(tz, at4 + 20 * 3600 - 1, 4, 0));
	assert_false(tz_daily_due(tz, at4 + 60, 4, at4 + 30));
	/* done yesterday: due again today */
	assert_true(tz_daily_due(tz, at4 + 60, 4, at4 - 86400 + 5));
	/* the next local day starts at 04:00 UTC (midnight EDT) */
	assert_false(tz_daily_due(tz, at4 + 20 * 3600, 4, at4 + 30));
	assert_int_equal(tz_daily_at(tz, at4 + 20 * 3600, 4), at4 + 86400);
	/* -1 is off */
	assert_false(tz_daily_due(tz, at4 + 60, -1, 0));
	tz_free(tz);
}

struct fixture {
	char dir[64], path[96];
	struct store *st;
	struct arena a;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-upkeep-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/t.db", fx->dir);
	if (store_open(&fx->st, fx->path, STORE_CREATE) < 0) {
		fprintf(stderr, "open: %s\n", err_msg());
		return -1;
	}
	arena_init(&fx->a);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	arena_release(&fx->a);
	test_db_remove(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
one_holder_once_a_day(void **state)
{
	struct fixture *fx = *state;
	enum store_upkeep_state s;
	const char *owner;
	int64_t last, until, due = 1000000;

	/* never done: A claims; B waits; A may renew */
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "A", due + 5,
	    due + 305, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_CLAIMED);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "B", due + 6,
	    due + 306, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_HELD);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "A", due + 7,
	    due + 307, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_CLAIMED);
	assert_int_equal(store_upkeep_get(fx->st, &fx->a, "optimize", &last,
	    &owner, &until), 0);
	assert_int_equal(last, 0);
	assert_string_equal(owner, "A");
	assert_int_equal(until, due + 307);
	/* only the holder releases */
	assert_int_equal(store_upkeep_release(fx->st, "optimize", "B", due + 8,
	    true), 0);
	assert_int_equal(store_upkeep_get(fx->st, &fx->a, "optimize", &last,
	    &owner, &until), 0);
	assert_string_equal(owner, "A");
	/* A is done: nobody claims it again that day, A neither */
	assert_int_equal(store_upkeep_release(fx->st, "optimize", "A", due + 9,
	    true), 0);
	assert_int_equal(store_upkeep_get(fx->st, &fx->a, "optimize", &last,
	    &owner, &until), 0);
	assert_int_equal(last, due + 9);
	assert_string_equal(owner, "");
	assert_int_equal(until, 0);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "B", due + 10,
	    due + 310, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_DONE);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "A", due + 10,
	    due + 310, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_DONE);
	/* the next day: B gets it, then dies; A takes over once B's lease
	 * has expired, not before */
	due += 86400;
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "B", due,
	    due + 300, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_CLAIMED);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "A", due + 299,
	    due + 599, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_HELD);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "A", due + 300,
	    due + 600, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_CLAIMED);
	/* given back undone: free for anyone, still due */
	assert_int_equal(store_upkeep_release(fx->st, "optimize", "A", due + 301,
	    false), 0);
	assert_int_equal(store_upkeep_claim(fx->st, "optimize", "B", due + 302,
	    due + 602, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_CLAIMED);
	/* tasks are separate rows */
	assert_int_equal(store_upkeep_claim(fx->st, "other", "A", due + 303,
	    due + 603, due, &s), 0);
	assert_int_equal(s, STORE_UPKEEP_CLAIMED);
}

/* Several ingests (one index segment each), then the merge in steps of
 * a few pages: more than one step, and it ends with one segment, as
 * store_search_optimize leaves it; searches find the same items. */
static void
merge_in_steps(void **state)
{
	struct fixture *fx = *state;
	size_t segs = 0, n_before = 0, n_after = 0;
	size_t total_before = 0, total_after = 0;
	struct store_search_opts opts = { .limit = 50 };
	struct store_hit *hits = NULL;
	bool is_done = false;
	int steps = 0;
	char xml[8192];

	for (int f = 0; f < 6; f++) {
		size_t len = (size_t)snprintf(xml, sizeof(xml),
		    "<rss version=\"2.0\"><channel><title>F%d</title>"
		    "<link>https://f%d.example/</link>", f, f);
		struct arena a;
		struct feed *feed = NULL;
		struct source src = { 0 };
		int64_t src_id = 0;

		for (int i = 0; i < 40; i++)
			len += (size_t)snprintf(xml + len, sizeof(xml) - len,
			    "<item><title>Reservoir %d %d level</title>"
			    "<link>https://f%d.example/%d</link></item>",
			    f, i, f, i);
		len += (size_t)snprintf(xml + len, sizeof(xml) - len,
		    "</channel></rss>");
		assert_true(len < sizeof(xml));
		arena_init(&a);
		assert_int_equal(parse_feed(&feed, &a, xml, len, NULL), 0);
		src.url = arena_printf(&a, "https://f%d.example/feed", f);
		src.title = src.url;
		src.is_enabled = true;
		assert_int_equal(store_source_add(fx->st, &src, &src_id), 0);
		assert_int_equal(ingest_feed_items(fx->st, src_id, feed,
		    1000000 + f, NULL), 0);
		arena_release(&a);
	}
	assert_int_equal(store_search_merge_step(fx->st, 0, &is_done, &segs),
	    0);
	assert_true(segs >= 3);
	assert_false(is_done);
	assert_int_equal(store_search(fx->st, &fx->a, "reservoir", &opts, &hits,
	    &n_before, &total_before, NULL), 0);
	while (!is_done && steps < 1000) {
		assert_int_equal(store_search_merge_step(fx->st, 2, &is_done,
		    &segs), 0);
		steps++;
	}
	assert_true(is_done);
	assert_true(steps > 1);
	assert_int_equal(segs, 1);
	assert_int_equal(store_search(fx->st, &fx->a, "reservoir", &opts, &hits,
	    &n_after, &total_after, NULL), 0);
	assert_int_equal(n_after, n_before);
	assert_int_equal(total_after, total_before);
	assert_int_equal(total_before, 240);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(daily_due),
		cmocka_unit_test_setup_teardown(one_holder_once_a_day, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(merge_in_steps, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
