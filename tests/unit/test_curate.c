/*
 * Unit tests for curation in the store (issue 10): hide, retitle, pin,
 * re-file; what public lists, search and the change log see; and that
 * ingest updating an item keeps an editor's decisions.
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
#include "model/model.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

struct fixture {
	char dir[64], path[128];
	struct store *st;
	struct arena a;
	int64_t sec_a, sec_b, src;
};

static void
put(struct fixture *fx, const char *key, const char *title,
    const char *summary, int64_t t)
{
	struct item it = { 0 };

	it.dedup_key = key;
	it.guid = key;
	it.title = title;
	it.summary = summary;
	it.published = t;
	it.sort_time = t;
	/* a different fields hash for different text: an update */
	memset(it.fields_hash, (int)(strlen(summary) + 7 * strlen(title)),
	    ITEM_HASH_LEN);
	assert_int_equal(store_items_put(fx->st, fx->src, &it, 1, NULL), 0);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct source s = { 0 };

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-curate-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/store.db", fx->dir);
	if (store_open(&fx->st, fx->path, STORE_CREATE) < 0 ||
	    store_section_add(fx->st, "Alpha", NULL, &fx->sec_a) < 0 ||
	    store_section_add(fx->st, "Beta", NULL, &fx->sec_b) < 0)
		return -1;
	arena_init(&fx->a);
	s.url = "https://outlet.example/feed";
	s.title = "Outlet";
	s.section_id = fx->sec_a;
	s.is_enabled = true;
	if (store_source_add(fx->st, &s, &fx->src) < 0)
		return -1;
	put(fx, "k1", "Dam talks stall over drought clause", "Negotiators "
	    "paused.", 1800000000);
	put(fx, "k2", "Second report", "Other words.", 1800000100);
	put(fx, "k3", "Third report", "More words.", 1800000200);
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

static size_t
n_list(struct fixture *fx, int64_t section, bool with_hidden)
{
	struct store_item_query q = { .section_id = section,
		.with_hidden = with_hidden };
	struct item *v;
	size_t n, c;

	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(store_item_count(fx->st, &q, &c), 0);
	assert_int_equal(n, c);
	return n;
}

static size_t
n_search(struct fixture *fx, const char *q)
{
	struct store_search_opts o = { .limit = 10 };
	struct store_hit *h;
	size_t n, total;

	assert_int_equal(store_search(fx->st, &fx->a, q, &o, &h, &n, &total,
	    NULL), 0);
	return n;
}

static int64_t
id_of(struct fixture *fx, const char *title)
{
	struct store_item_query q = { .with_hidden = true };
	struct item *v;
	size_t n;

	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].original_title ? v[i].original_title :
		    v[i].title, title) == 0)
			return v[i].id;
	fail_msg("no item %s", title);
	return 0;
}

static void
test_hide(void **state)
{
	struct fixture *fx = *state;
	int64_t id = id_of(fx, "Dam talks stall over drought clause");
	struct store_item_edit e = { .op = STORE_ITEM_HIDE, .id = id };
	struct item *it;

	assert_int_equal(n_list(fx, 0, false), 3);
	assert_int_equal(n_search(fx, "drought"), 1);
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(n_list(fx, 0, false), 2);
	assert_int_equal(n_list(fx, fx->sec_a, false), 2);
	assert_int_equal(n_list(fx, 0, true), 3);
	assert_int_equal(n_search(fx, "drought"), 0);
	assert_int_equal(store_item_get(fx->st, &fx->a, id, &it), 0);
	assert_true(it->is_hidden);
	/* ingest updating the item keeps it hidden and out of the index */
	put(fx, "k1", "Dam talks stall over drought clause", "Negotiators "
	    "paused again, longer.", 1800000000);
	assert_int_equal(n_list(fx, 0, false), 2);
	assert_int_equal(n_search(fx, "drought"), 0);
	assert_int_equal(n_search(fx, "longer"), 0);
	e.op = STORE_ITEM_UNHIDE;
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(n_list(fx, 0, false), 3);
	assert_int_equal(n_search(fx, "drought"), 1);
	assert_int_equal(n_search(fx, "longer"), 1);
	e.id = 999999;
	assert_int_equal(store_item_edit(fx->st, &e), ND_ENOTFOUND);
}

static void
test_retitle_pin_section(void **state)
{
	struct fixture *fx = *state;
	int64_t id = id_of(fx, "Second report");
	struct store_item_edit e = { .op = STORE_ITEM_RETITLE, .id = id,
		.title = "The desk's headline" };
	struct store_cursor cur = { 0 };
	struct store_change *ch;
	struct item *it, *pins;
	size_t n;
	bool all;

	/* position a change cursor, as a web node's watcher does */
	assert_int_equal(store_changes_since(fx->st, &fx->a, &cur, 100, &ch,
	    &n, &all), 0);
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(store_item_get(fx->st, &fx->a, id, &it), 0);
	assert_string_equal(it->title, "The desk's headline");
	assert_string_equal(it->original_title, "Second report");
	/* ingest keeps the desk's headline, and the outlet's moves on */
	put(fx, "k2", "Second report, updated", "Other words.", 1800000100);
	assert_int_equal(store_item_get(fx->st, &fx->a, id, &it), 0);
	assert_string_equal(it->title, "The desk's headline");
	assert_string_equal(it->original_title, "Second report, updated");
	e.title = "bad\nline";
	assert_int_equal(store_item_edit(fx->st, &e), ND_EINVAL);
	e.title = "";
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(store_item_get(fx->st, &fx->a, id, &it), 0);
	assert_string_equal(it->title, "Second report, updated");
	assert_null(it->original_title);
	/* pins */
	e = (struct store_item_edit){ .op = STORE_ITEM_PIN, .id = id,
		.now = 1800001000 };
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(store_item_pinned(fx->st, &fx->a, 5, &pins, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pins[0].id, id);
	/* re-filed from Alpha (its source's) to Beta */
	e = (struct store_item_edit){ .op = STORE_ITEM_SECTION, .id = id,
		.section_id = fx->sec_b };
	assert_int_equal(store_changes_since(fx->st, &fx->a, &cur, 100, &ch,
	    &n, &all), 0);
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(n_list(fx, fx->sec_a, false), 2);
	assert_int_equal(n_list(fx, fx->sec_b, false), 1);
	assert_int_equal(store_item_get(fx->st, &fx->a, id, &it), 0);
	assert_int_equal(it->section_id, fx->sec_b);
	/* the change log names both sections, so both pages are redone */
	assert_int_equal(store_changes_since(fx->st, &fx->a, &cur, 100, &ch,
	    &n, &all), 0);
	assert_false(all);
	{
		bool has_new = false, has_old = false;

		for (size_t i = 0; i < n; i++) {
			assert_int_equal(ch[i].item_id, id);
			has_new |= ch[i].section_id == fx->sec_b;
			has_old |= ch[i].old_section_id == fx->sec_a;
		}
		assert_true(has_new && has_old);
	}
	e.section_id = 424242;
	assert_int_equal(store_item_edit(fx->st, &e), ND_ENOTFOUND);
	e.section_id = 0;
	assert_int_equal(store_item_edit(fx->st, &e), 0);
	assert_int_equal(n_list(fx, fx->sec_a, false), 3);
	assert_int_equal(n_list(fx, fx->sec_b, false), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retitle_pin_section, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
