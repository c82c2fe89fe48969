/*
 * Unit tests for the SQLite store: real files in a temporary directory.
 * Feeds are built by hand so these tests do not depend on the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "core/arena.h"
#include "core/err.h"
#include "parse/parse.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
	struct arena a;
	int64_t src1, src2, sec1;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-store-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/store.db", fx->dir);
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

/* ---- building feeds by hand ---- */

struct ent {
	const char *id, *link, *title, *summary, *content;
	int64_t published;
};

static struct feed *
make_feed(struct arena *a, const struct ent *e, size_t n)
{
	struct feed *f = arena_zalloc(a, sizeof(*f));

	f->entries = arena_zalloc(a, n * sizeof(*f->entries));
	f->n_entries = n;
	for (size_t i = 0; i < n; i++) {
		struct feed_entry *x = &f->entries[i];

		x->id = e[i].id;
		x->link = e[i].link;
		x->title.value = e[i].title;
		x->title.type = "text/plain";
		x->summary.value = e[i].summary;
		x->summary.type = "text/html";
		if (e[i].content) {
			x->content = arena_zalloc(a, sizeof(*x->content));
			x->content->value = e[i].content;
			x->content->type = "text/html";
			x->n_content = 1;
		}
		if (e[i].published) {
			x->published.t = e[i].published;
			x->published.is_set = true;
		}
	}
	return f;
}

static int64_t
add_source(struct store *st, const char *url, int64_t section_id)
{
	struct source s = { 0 };
	int64_t id = 0;

	s.url = url;
	s.title = url;
	s.section_id = section_id;
	s.is_enabled = true;
	assert_int_equal(store_source_add(st, &s, &id), 0);
	return id;
}

static size_t
count_items(struct fixture *fx, int64_t source_id)
{
	struct store_item_query q = { 0 };
	struct item *v;
	size_t n;

	q.source_id = source_id;
	q.limit = 1000;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	return n;
}

/* ---- open and migrations ---- */

static void
open_migrates_once(void **state)
{
	struct fixture *fx = *state;
	struct store *st2 = NULL, *ro = NULL;
	char missing[160];
	/* 2 and later: every migration appended since (media, ...) */
	int latest = store_schema_version(fx->st);

	assert_true(latest >= 2);
	/* A second open of a current store is a no-op migration. */
	assert_int_equal(store_open(&st2, fx->path, 0), 0);
	assert_int_equal(store_schema_version(st2), latest);
	assert_int_equal(store_check(st2), 0);
	store_close(st2);
	assert_int_equal(store_open(&ro, fx->path, STORE_READONLY), 0);
	assert_int_equal(store_schema_version(ro), latest);
	store_close(ro);

	snprintf(missing, sizeof(missing), "%s/none.db", fx->dir);
	assert_int_equal(store_open(&st2, missing, 0), ND_ENOTFOUND);
	assert_null(st2);
	assert_int_equal(store_open(&st2, "postgres://x/y", 0), ND_EINVAL);
	assert_int_equal(store_check(fx->st), 0);
}

/* A file written by a newer program is refused, not "migrated". (The test
 * speaks SQL itself to fake that file.) */
static void
open_refuses_newer_schema(void **state)
{
	struct fixture *fx = *state;
	struct store *st2 = NULL;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&st2, fx->path, 0), ND_EIO);
	assert_non_null(strstr(err_msg(), "newer"));
	assert_int_equal(store_open(&st2, fx->path, STORE_READONLY), ND_EIO);
}

/* Only init (STORE_CREATE) and migrate (STORE_MIGRATE) change the
 * schema: a worker or web node opening an old store is told to migrate,
 * and nothing is written. (An empty SQLite file is a store at version 0.) */
static void
open_migrates_only_when_asked(void **state)
{
	struct fixture *fx = *state;
	struct store *st2 = NULL;
	sqlite3 *db = NULL;
	char old[512];
	int v = -1;

	snprintf(old, sizeof(old), "%s/old.db", fx->dir);
	assert_int_equal(sqlite3_open(old, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&st2, old, 0), ND_EIO);
	assert_non_null(strstr(err_msg(), "newsdesk migrate"));
	assert_null(st2);
	assert_int_equal(store_open(&st2, old, STORE_READONLY), ND_EIO);
	assert_int_equal(store_open(&st2, old, STORE_READONLY | STORE_MIGRATE),
	    ND_EINVAL);
	/* still version 0: the refused opens wrote nothing */
	assert_int_equal(sqlite3_open(old, &db), SQLITE_OK);
	{
		sqlite3_stmt *stmt = NULL;

		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version",
		    -1, &stmt, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
		v = sqlite3_column_int(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	assert_int_equal(v, 0);
	assert_int_equal(store_open(&st2, old, STORE_MIGRATE), 0);
	assert_int_equal(store_schema_version(st2), store_schema_version(fx->st));
	store_close(st2);
	assert_int_equal(store_open(&st2, old, 0), 0);
	store_close(st2);
}

/* ---- sections ---- */

static void
sections_crud(void **state)
{
	struct fixture *fx = *state;
	struct section *v = NULL, *s = NULL;
	int64_t id1, id2, id3;
	size_t n;

	assert_int_equal(store_section_add(fx->st, "Developments", NULL, &id1),
	    0);
	assert_int_equal(store_section_add(fx->st, "Diplomatic Buzz!", NULL,
	    &id2), 0);
	assert_int_equal(store_section_add(fx->st, "Other", "developments",
	    &id3), ND_EEXISTS);
	assert_int_equal(store_section_add(fx->st, "", NULL, &id3), ND_EINVAL);
	assert_int_equal(store_section_list(fx->st, &fx->a, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].slug, "developments");
	assert_string_equal(v[1].slug, "diplomatic-buzz");
	assert_true(v[0].position < v[1].position);

	assert_int_equal(store_section_find(fx->st, &fx->a, "diplomatic-buzz",
	    &s), 0);
	assert_int_equal(s->id, id2);
	assert_int_equal(store_section_find(fx->st, &fx->a, "Developments",
	    &s), 0);
	assert_int_equal(s->id, id1);
	assert_int_equal(store_section_find(fx->st, &fx->a, "nope", &s),
	    ND_ENOTFOUND);

	/* A source in a removed section keeps existing, without section. */
	fx->src1 = add_source(fx->st, "https://a.example/feed", id2);
	assert_int_equal(store_section_remove(fx->st, id2), 0);
	assert_int_equal(store_section_remove(fx->st, id2), ND_ENOTFOUND);
	{
		struct source *src;

		assert_int_equal(store_source_get(fx->st, &fx->a, fx->src1,
		    &src), 0);
		assert_int_equal(src->section_id, 0);
		assert_null(src->section_slug);
	}
	assert_int_equal(store_check(fx->st), 0);
}

/* ---- sources ---- */

static void
sources_crud_and_fetch_state(void **state)
{
	struct fixture *fx = *state;
	struct source s = { 0 }, *got = NULL, *v = NULL;
	int64_t sec, id, id2 = 0;
	size_t n;

	assert_int_equal(store_section_add(fx->st, "News", NULL, &sec), 0);
	s.url = "https://example.org/rss";
	s.title = "Example";
	s.site_url = "https://example.org/";
	s.language = "ar";
	s.section_id = sec;
	s.is_enabled = true;
	assert_int_equal(store_source_add(fx->st, &s, &id), 0);
	assert_int_equal(store_source_add(fx->st, &s, &id2), ND_EEXISTS);
	assert_int_equal(id2, id);
	s.url = NULL;
	assert_int_equal(store_source_add(fx->st, &s, &id2), ND_EINVAL);
	s.url = "https://example.org/other";
	s.section_id = 4242;                    /* no such section */
	assert_int_equal(store_source_add(fx->st, &s, &id2), ND_EINVAL);
	s.section_id = sec;

	assert_int_equal(store_source_get(fx->st, &fx->a, id, &got), 0);
	assert_string_equal(got->url, "https://example.org/rss");
	assert_string_equal(got->title, "Example");
	assert_string_equal(got->language, "ar");
	assert_string_equal(got->section_slug, "news");
	assert_true(got->is_enabled);
	assert_null(got->etag);
	assert_null(got->last_error);
	assert_int_equal(got->n_items, 0);

	/* Fetch state round trip. */
	got->etag = "\"abc\"";
	got->last_modified = "Sun, 29 Nov 2026 10:00:00 GMT";
	got->last_status = 304;
	got->last_error = "timeout";
	got->error_count = 3;
	got->last_fetch = 1000;
	got->last_success = 900;
	got->next_fetch = 2000;
	got->interval_s = 1800;
	got->avg_ms = 123.5;
	got->redirect_url = "https://example.org/new-rss";
	got->redirect_seen = 2;
	got->title = "Renamed";
	assert_int_equal(store_source_update(fx->st, got), 0);
	assert_int_equal(store_source_find_url(fx->st, &fx->a,
	    "https://example.org/rss", &got), 0);
	assert_string_equal(got->etag, "\"abc\"");
	assert_string_equal(got->last_modified,
	    "Sun, 29 Nov 2026 10:00:00 GMT");
	assert_int_equal(got->last_status, 304);
	assert_string_equal(got->last_error, "timeout");
	assert_int_equal(got->error_count, 3);
	assert_int_equal(got->last_fetch, 1000);
	assert_int_equal(got->last_success, 900);
	assert_int_equal(got->next_fetch, 2000);
	assert_int_equal(got->interval_s, 1800);
	assert_true(got->avg_ms > 123.4 && got->avg_ms < 123.6);
	assert_string_equal(got->redirect_url, "https://example.org/new-rss");
	assert_int_equal(got->redirect_seen, 2);
	assert_string_equal(got->title, "Renamed");
	/* Clearing the error goes back to NULL. */
	got->last_error = NULL;
	assert_int_equal(store_source_update(fx->st, got), 0);
	assert_int_equal(store_source_get(fx->st, &fx->a, id, &got), 0);
	assert_null(got->last_error);

	/* Moving onto another source's URL is refused. */
	id2 = add_source(fx->st, "https://other.example/feed", 0);
	assert_int_equal(store_source_get(fx->st, &fx->a, id2, &got), 0);
	got->url = "https://example.org/rss";
	assert_int_equal(store_source_update(fx->st, got), ND_EEXISTS);
	got->id = 9999;
	got->url = "https://x.example/";
	assert_int_equal(store_source_update(fx->st, got), ND_ENOTFOUND);

	assert_int_equal(store_source_list(fx->st, &fx->a, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_source_get(fx->st, &fx->a, 9999, &got),
	    ND_ENOTFOUND);
	assert_int_equal(store_source_find_url(fx->st, &fx->a, "https://no/",
	    &got), ND_ENOTFOUND);
	assert_int_equal(store_source_remove(fx->st, id2), 0);
	assert_int_equal(store_source_remove(fx->st, id2), ND_ENOTFOUND);
	assert_int_equal(store_source_list(fx->st, &fx->a, &v, &n), 0);
	assert_int_equal(n, 1);
}

static void
sources_due(void **state)
{
	struct fixture *fx = *state;
	struct source s = { 0 }, *v = NULL;
	int64_t id;
	size_t n;

	s.is_enabled = true;
	s.url = "https://a/"; s.next_fetch = 100;
	assert_int_equal(store_source_add(fx->st, &s, &id), 0);
	s.url = "https://b/"; s.next_fetch = 200;
	assert_int_equal(store_source_add(fx->st, &s, &id), 0);
	s.url = "https://c/"; s.next_fetch = 50; s.is_enabled = false;
	assert_int_equal(store_source_add(fx->st, &s, &id), 0);

	assert_int_equal(store_source_due(fx->st, &fx->a, 150, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].url, "https://a/");
	assert_int_equal(store_source_due(fx->st, &fx->a, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_source_due(fx->st, &fx->a, -1, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].url, "https://a/");  /* soonest first */
	assert_string_equal(v[1].url, "https://b/");

	/* Claims lease what they return: a second worker gets the rest. */
	assert_int_equal(store_source_claim(fx->st, &fx->a, 300, false, 60, 1, &v,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].url, "https://a/");
	assert_int_equal(v[0].next_fetch, 360);
	assert_int_equal(store_source_claim(fx->st, &fx->a, 300, false, 60, 0, &v,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].url, "https://b/");
	assert_int_equal(store_source_claim(fx->st, &fx->a, 300, false, 60, 0, &v,
	    &n), 0);
	assert_int_equal(n, 0);
	/* The lease runs out. */
	assert_int_equal(store_source_claim(fx->st, &fx->a, 360, false, 60, 0, &v,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_source_get(fx->st, &fx->a, v[0].id, &v), 0);
	assert_int_equal(v->next_fetch, 420);
}

/* ---- ingest ---- */

static void
feed_put_counts_and_updates(void **state)
{
	struct fixture *fx = *state;
	struct ent e[] = {
		{ "id-1", "https://n.example/1", "One", "<p>first</p>", NULL, 1000 },
		{ "id-2", "https://n.example/2", "Two", "second", NULL, 2000 },
		{ "id-3", "https://n.example/3", "Three", "third", "<p>body</p>", 3000 },
	};
	struct item_put_stats s = { 0 };
	struct item *v;
	size_t n;

	fx->src1 = add_source(fx->st, "https://n.example/feed", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, e, 3), (int64_t)time(NULL), &s), 0);
	assert_int_equal(s.n_new, 3);
	assert_int_equal(s.n_updated, 0);
	assert_int_equal(s.n_unchanged, 0);

	memset(&s, 0, sizeof(s));
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, e, 3), (int64_t)time(NULL), &s), 0);
	assert_int_equal(s.n_new, 0);
	assert_int_equal(s.n_unchanged, 3);

	/* Stats add up across calls. */
	e[1].title = "Two (corrected)";
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, e, 3), (int64_t)time(NULL), &s), 0);
	assert_int_equal(s.n_updated, 1);
	assert_int_equal(s.n_unchanged, 5);
	assert_int_equal(count_items(fx, fx->src1), 3);

	assert_int_equal(store_item_list(fx->st, &fx->a, NULL, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].title, "Three");      /* newest first */
	assert_string_equal(v[0].content, "<p>body</p>");
	assert_string_equal(v[1].title, "Two (corrected)");
	assert_int_equal(v[1].published, 2000);
	assert_true(v[1].first_seen > 0);
	assert_string_equal(v[1].source_title, "https://n.example/feed");

	{
		struct item *it;

		assert_int_equal(store_item_get(fx->st, &fx->a, v[2].id, &it), 0);
		assert_string_equal(it->guid, "id-1");
		assert_string_equal(it->summary, "<p>first</p>");
		assert_int_equal(store_item_get(fx->st, &fx->a, 424242, &it),
		    ND_ENOTFOUND);
	}
	/* Unknown source. */
	assert_int_equal(ingest_feed_items(fx->st, 777, make_feed(&fx->a, e, 1), (int64_t)time(NULL),
	    NULL), ND_ENOTFOUND);
	assert_int_equal(store_check(fx->st), 0);
}

static void
dedup_keys(void **state)
{
	struct fixture *fx = *state;
	struct item_put_stats s = { 0 };
	int64_t other;

	fx->src1 = add_source(fx->st, "https://d.example/feed", 0);
	other = add_source(fx->st, "https://e.example/feed", 0);
	{
		/* By guid: a changed URL is the same item, updated. */
		struct ent a[] = { { "g1", "https://d.example/a", "A", "x", NULL, 0 } };
		struct ent b[] = { { "g1", "https://d.example/a2", "A", "x", NULL, 0 } };

		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, a, 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, b, 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(s.n_new, 1);
		assert_int_equal(s.n_updated, 1);
	}
	{
		/* No guid: canonical URL, so tracking parameters, fragments and
		 * host case do not make a new item. */
		struct ent a[] = { { NULL, "https://D.example/story?id=5&utm_source=tw#top",
			"S", "y", NULL, 0 } };
		struct ent b[] = { { NULL, "https://d.example/story?id=5&fbclid=abc",
			"S", "y", NULL, 0 } };
		struct ent c[] = { { NULL, "https://d.example/story?id=6", "S",
			"y", NULL, 0 } };

		memset(&s, 0, sizeof(s));
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, a, 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, b, 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(s.n_new, 1);
		assert_int_equal(s.n_updated, 1);       /* url field changed */
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, c, 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(s.n_new, 2);
	}
	{
		/* Neither guid nor link: the content hash. */
		struct ent a[] = { { NULL, NULL, "Bare", "same text", NULL, 0 },
			{ NULL, NULL, "Bare", "same text", NULL, 0 },
			{ NULL, NULL, "Bare", "other text", NULL, 0 },
			{ NULL, NULL, NULL, NULL, NULL, 0 } };  /* empty: skipped */

		memset(&s, 0, sizeof(s));
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, a, 4), (int64_t)time(NULL), &s), 0);
		assert_int_equal(s.n_new, 2);
		assert_int_equal(s.n_unchanged, 1);
	}
	assert_int_equal(count_items(fx, fx->src1), 5);
	{
		/* De-duplication is per source: the same guid elsewhere is new. */
		struct ent a[] = { { "g1", "https://d.example/a", "A", "x", NULL, 0 } };

		memset(&s, 0, sizeof(s));
		assert_int_equal(ingest_feed_items(fx->st, other,
		    make_feed(&fx->a, a, 1), (int64_t)time(NULL), &s), 0);
		assert_int_equal(s.n_new, 1);
	}
	{
		struct store_item_query q = { 0 };
		struct item *v;
		size_t n;

		q.source_id = fx->src1;
		assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
		for (size_t i = 0; i < n; i++)
			if (v[i].url && strstr(v[i].url, "id=5"))
				assert_string_equal(v[i].canonical_url,
				    "https://d.example/story?id=5");
	}
	assert_int_equal(store_check(fx->st), 0);
}

static void
field_caps_and_lead_image(void **state)
{
	struct fixture *fx = *state;
	struct feed *f;
	struct item *v;
	struct feed_media m[2];
	char *big;
	size_t n;
	struct ent e[] = { { "big", "https://i.example/1", NULL, "s", NULL, 0 },
		{ "enc", "https://i.example/2", "Enc", "s", NULL, 0 } };

	/* A 100 KB title of 2-byte letters is cut to the cap on a character
	 * boundary. */
	big = arena_alloc(&fx->a, 100001);
	for (size_t i = 0; i < 100000; i += 2)
		memcpy(big + i, "\xd8\xa8", 2);
	big[100000] = '\0';
	e[0].title = big;
	f = make_feed(&fx->a, e, 2);
	memset(m, 0, sizeof(m));
	m[0].url = "https://i.example/clip.mp4";
	m[0].medium = "video";
	m[0].thumbnail = "https://i.example/poster.jpg";
	m[1].url = "https://i.example/photo.JPG?w=800";
	m[1].caption = "Crowds in Tahrir Square";
	m[1].credit = "AFP";
	m[1].thumbnail = "https://i.example/thumb.jpg";
	f->entries[0].media = m;
	f->entries[0].n_media = 2;
	f->entries[1].enclosures = arena_zalloc(&fx->a,
	    2 * sizeof(struct feed_enclosure));
	f->entries[1].enclosures[0].href = "https://i.example/a.mp3";
	f->entries[1].enclosures[0].type = "audio/mpeg";
	f->entries[1].enclosures[1].href = "https://i.example/b.png";
	f->entries[1].enclosures[1].type = "image/png";
	f->entries[1].n_enclosures = 2;

	fx->src1 = add_source(fx->st, "https://i.example/feed", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1, f, (int64_t)time(NULL), NULL), 0);
	assert_int_equal(store_item_list(fx->st, &fx->a, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].guid, "big") == 0) {
			assert_int_equal(strlen(v[i].title), 2048);
			assert_string_equal(v[i].image_url,
			    "https://i.example/photo.JPG?w=800");
			assert_string_equal(v[i].image_caption,
			    "Crowds in Tahrir Square");
			assert_string_equal(v[i].image_credit, "AFP");
			assert_string_equal(v[i].image_thumb,
			    "https://i.example/thumb.jpg");
		} else {
			assert_string_equal(v[i].image_url,
			    "https://i.example/b.png");
			assert_null(v[i].image_caption);
		}
	}
}

static void
item_list_filters(void **state)
{
	struct fixture *fx = *state;
	struct store_item_query q = { 0 };
	struct item *v;
	int64_t sec, now = (int64_t)time(NULL);
	size_t n;
	struct ent a[] = { { "a1", NULL, "A1", "s", NULL, 1000 },
		{ "a2", NULL, "A2", "s", NULL, 2000 },
		{ "a3", NULL, "A3", "s", NULL, 3000 } };
	struct ent b[] = { { "b1", NULL, "B1", "s", NULL, 1500 },
		{ "b2", NULL, "B2", "s", NULL, now + 10 * 86400 } }; /* future */

	assert_int_equal(store_section_add(fx->st, "World", NULL, &sec), 0);
	fx->src1 = add_source(fx->st, "https://a.example/", sec);
	fx->src2 = add_source(fx->st, "https://b.example/", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1, make_feed(&fx->a, a, 3), (int64_t)time(NULL),
	    NULL), 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src2, make_feed(&fx->a, b, 2), (int64_t)time(NULL),
	    NULL), 0);

	/* A date far in the future sorts as first seen (now): on top, but
	 * not pinned there for ten days. Its published date is kept. */
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].title, "B2");
	assert_int_equal(v[0].published, now + 10 * 86400);
	assert_string_equal(v[1].title, "A3");
	assert_string_equal(v[2].title, "A2");
	assert_string_equal(v[3].title, "B1");
	assert_string_equal(v[4].title, "A1");

	q.section_id = sec;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 3);
	q.section_id = 0;
	q.source_id = fx->src2;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 2);
	q.source_id = 0;
	q.since = 1500;
	q.until = 2000;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].title, "A2");
	assert_string_equal(v[1].title, "B1");
	{
		size_t count;

		assert_int_equal(store_item_count(fx->st, &q, &count), 0);
		assert_int_equal(count, 2);
		assert_int_equal(store_item_count(fx->st, NULL, &count), 0);
		assert_int_equal(count, 5);
		q.section_id = sec;
		assert_int_equal(store_item_count(fx->st, &q, &count), 0);
		assert_int_equal(count, 1);
	}
	/* Paging. */
	memset(&q, 0, sizeof(q));
	q.limit = 2;
	q.offset = 2;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].title, "A2");
	assert_string_equal(v[1].title, "B1");
	q.offset = 4;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 1);
	{
		struct source *src;

		assert_int_equal(store_source_get(fx->st, &fx->a, fx->src1,
		    &src), 0);
		assert_int_equal(src->n_items, 3);
	}
}

/* ---- search ---- */

static void
search_fixture(struct fixture *fx)
{
	struct ent a[] = {
		{ "s1", NULL, "Election results announced",
		  "<p>The <b>election</b> commission spoke.</p>", NULL, 1000 },
		{ "s2", NULL, "كَتَبَ الوزير رسالة", "نص عربي", NULL, 2000 },
		{ "s3", NULL, "انفجار ببغداد", "<p>وقع انفجار في العاصمة</p>",
		  "<div>تفاصيل أخرى عن مستشفى المدينة</div>", 3000 },
		{ "s4", NULL, "Weather", "Sunny in Basra, no elections today",
		  NULL, 4000 },
	};
	struct ent b[] = {
		{ "t1", NULL, "Election day in Mosul", "voting", NULL, 5000 },
	};
	int64_t sec;

	assert_int_equal(store_section_add(fx->st, "Politics", NULL, &sec), 0);
	fx->sec1 = sec;
	fx->src1 = add_source(fx->st, "https://s.example/", 0);
	fx->src2 = add_source(fx->st, "https://t.example/", sec);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1, make_feed(&fx->a, a, 4), (int64_t)time(NULL),
	    NULL), 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src2, make_feed(&fx->a, b, 1), (int64_t)time(NULL),
	    NULL), 0);
}

static size_t
search_n(struct fixture *fx, const char *q, struct store_hit **hits)
{
	struct store_hit *v = NULL;
	size_t n = 0, total = 0;

	assert_int_equal(store_search(fx->st, &fx->a, q, NULL, &v, &n, &total,
	    NULL), 0);
	assert_int_equal(n, total);
	if (hits)
		*hits = v;
	return total;
}

/* issue 8: an exact title match outranks a newer, longer text that
 * mentions the words in passing; stop words need not be in the title. */
static void
issue_8_search_title_match_first(void **state)
{
	struct fixture *fx = *state;
	struct store_hit *h;
	struct ent e[] = {
		{ "p1", NULL, "Podcast 600: big game pass",
		  "Breakpoint, new monsters and the curious case of the "
		  "reviews, the weirdest direct, the arcade, car updates", NULL,
		  1500000000 + 86400 * 900 },
		{ "a1", NULL, "The Curious Case of the Curious Case",
		  "The curious case", NULL, 1500000000 },
		{ "x1", NULL, "Other news", "A curious thing, a case", NULL,
		  1500000000 + 86400 * 950 },
		{ "x2", NULL, "The weather", "of the day", NULL, 1500000000 },
		{ "x3", NULL, "The market", "of the week", NULL, 1500000000 },
	};

	fx->src1 = add_source(fx->st, "https://c.example/", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1, make_feed(&fx->a,
	    e, 5), (int64_t)time(NULL), NULL), 0);
	assert_int_equal(search_n(fx, "curious case", &h), 3);
	assert_string_equal(h[0].item.guid, "a1");
	/* the stop words of a phrase still match, not rank */
	assert_int_equal(search_n(fx, "the curious case", &h), 2);
	assert_string_equal(h[0].item.guid, "a1");
}

static void
search_english_and_arabic(void **state)
{
	struct fixture *fx = *state;
	struct store_hit *h;

	search_fixture(fx);
	/* English stemming both ways; HTML tags are not indexed. */
	assert_int_equal(search_n(fx, "elections", &h), 3);
	assert_string_equal(h[0].item.title, "Election results announced");
	assert_int_equal(search_n(fx, "ELECTION", NULL), 3);
	assert_int_equal(search_n(fx, "commission", NULL), 1);
	assert_int_equal(search_n(fx, "b", NULL), 0);   /* the <b> tag */
	assert_int_equal(search_n(fx, "p", NULL), 0);
	/* AND semantics. */
	assert_int_equal(search_n(fx, "election mosul", &h), 1);
	assert_string_equal(h[0].item.title, "Election day in Mosul");
	assert_int_equal(search_n(fx, "election nowhere", NULL), 0);

	/* Arabic: diacritics, prefixes, letter variants, stems. */
	assert_int_equal(search_n(fx, "كتب", &h), 1);
	assert_string_equal(h[0].item.guid, "s2");
	assert_int_equal(search_n(fx, "كَتَبَ", NULL), 1);
	assert_int_equal(search_n(fx, "بغداد", &h), 1);
	assert_string_equal(h[0].item.guid, "s3");
	assert_int_equal(search_n(fx, "ببغداد", NULL), 1);
	assert_int_equal(search_n(fx, "وزير", NULL), 1);        /* الوزير */
	assert_int_equal(search_n(fx, "الوزير", NULL), 1);
	assert_int_equal(search_n(fx, "مستشفي", NULL), 1);       /* ى / ي */
	assert_int_equal(search_n(fx, "تفاصيل", NULL), 1);       /* content */
	assert_int_equal(search_n(fx, "اخرى", NULL), 1);         /* أخرى */
}

static void
search_snippets_filters_paging(void **state)
{
	struct fixture *fx = *state;
	struct store_search_opts o = { 0 };
	struct store_hit *h;
	size_t n, total;

	search_fixture(fx);
	assert_int_equal(search_n(fx, "commission", &h), 1);
	assert_non_null(strstr(h[0].snippet, "\x02" "commission" "\x03"));
	assert_null(strchr(h[0].snippet, '<'));
	assert_true(h[0].rank < 0);                 /* bm25: lower is better */
	assert_int_equal(search_n(fx, "بغداد", &h), 1);
	assert_non_null(strstr(h[0].snippet, "\x02" "ببغداد" "\x03"));

	/* Filters. */
	o.source_id = fx->src2;
	assert_int_equal(store_search(fx->st, &fx->a, "election", &o, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(total, 1);
	memset(&o, 0, sizeof(o));
	o.section_id = fx->sec1;
	assert_int_equal(store_search(fx->st, &fx->a, "election", &o, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(total, 1);
	assert_int_equal(h[0].item.section_id, fx->sec1);
	memset(&o, 0, sizeof(o));
	o.since = 1001;
	o.until = 4000;
	assert_int_equal(store_search(fx->st, &fx->a, "election", &o, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(total, 1);
	assert_string_equal(h[0].item.title, "Weather");

	/* Paging: the total stays, the page moves. */
	memset(&o, 0, sizeof(o));
	o.limit = 2;
	assert_int_equal(store_search(fx->st, &fx->a, "election", &o, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 3);
	o.offset = 2;
	assert_int_equal(store_search(fx->st, &fx->a, "election", &o, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 3);
	o.offset = 10;
	assert_int_equal(store_search(fx->st, &fx->a, "election", &o, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, 3);
}

static void
search_hostile_queries(void **state)
{
	static const char *const hostile[] = {
		"\"", "\"\"", "*", "election*", "NEAR(", "NEAR(election weather)",
		"OR", "election OR weather", "AND", "NOT election", "(", ")",
		"\"unbalanced", "title:election", "{title}: x", "^election",
		"election\" OR \"weather", "-", "+", ":", "'", "''; DROP TABLE items; --",
		"\x01\x02\x03", "\xff\xfe", "ـ", "election NEAR/2 weather",
	};
	struct fixture *fx = *state;
	struct store_hit *h;
	size_t n, total;
	char *many, *one;

	search_fixture(fx);
	/* 50 000 words (only the first 32 count), and one 100 KB word. */
	many = arena_alloc(&fx->a, 100001);
	one = arena_alloc(&fx->a, 100001);
	for (size_t i = 0; i < 100000; i += 2)
		memcpy(many + i, "a ", 2);
	memset(one, 'e', 100000);
	many[100000] = one[100000] = '\0';
	assert_int_equal(store_search(fx->st, &fx->a, many, NULL, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(total, 0);
	assert_int_equal(store_search(fx->st, &fx->a, one, NULL, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(total, 0);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		int rc = store_search(fx->st, &fx->a, hostile[i], NULL, &h, &n,
		    &total, NULL);

		if (rc != 0)
			fail_msg("query %zu: %s", i, err_msg());
	}
	/* Operators are words, not syntax: "election OR weather" means
	 * all three words (and "or" is in no document). */
	assert_int_equal(search_n(fx, "election OR weather", NULL), 0);
	/* election* is the word election, not a prefix query. */
	assert_int_equal(search_n(fx, "election*", NULL), 3);
	assert_int_equal(search_n(fx, "\"election", NULL), 3);
	assert_int_equal(search_n(fx, "title:election", NULL), 0);
	assert_int_equal(search_n(fx, "''; DROP TABLE items; --", NULL), 0);
	assert_int_equal(search_n(fx, "election", NULL), 3);
	/* Empty queries are an error. */
	assert_int_equal(store_search(fx->st, &fx->a, "", NULL, &h, &n, &total, NULL),
	    ND_EINVAL);
	assert_int_equal(store_search(fx->st, &fx->a, "  \t", NULL, &h, &n,
	    &total, NULL), ND_EINVAL);
	assert_int_equal(store_check(fx->st), 0);
}

/* Equal relevance: the newer item (by date, not by insertion) comes first. */
static void
search_newer_wins_among_equal(void **state)
{
	struct fixture *fx = *state;
	struct ent e[] = {
		{ "n1", NULL, "Dam talks resume", "<p>Talks on the dam.</p>",
		  NULL, 1000 },
		{ "n2", NULL, "Dam talks resume", "<p>Talks on the dam.</p>",
		  NULL, 3000 },
		{ "n3", NULL, "Dam talks resume", "<p>Talks on the dam.</p>",
		  NULL, 2000 },
	};
	struct store_hit *h;
	int64_t src = add_source(fx->st, "https://n.example/", 0);

	assert_int_equal(ingest_feed_items(fx->st, src, make_feed(&fx->a, e, 3), (int64_t)time(NULL),
	    NULL), 0);
	assert_int_equal(search_n(fx, "dam talks", &h), 3);
	assert_string_equal(h[0].item.guid, "n2");
	assert_string_equal(h[1].item.guid, "n3");
	assert_string_equal(h[2].item.guid, "n1");
	assert_true(h[0].rank < h[1].rank && h[1].rank < h[2].rank);
}

/* More matches than the count cap: the total stops there and says so, the
 * page holds the newest, and paging ends with the ranked window. */
static void
search_total_capped(void **state)
{
	struct fixture *fx = *state;
	size_t n_ent = STORE_SEARCH_COUNT_CAP + 50, n, total;
	struct ent *e = arena_zalloc(&fx->a, n_ent * sizeof(*e));
	struct store_search_opts o = { 0 };
	int64_t src = add_source(fx->st, "https://c.example/", 0);
	int64_t other = add_source(fx->st, "https://d.example/", 0);
	struct store_hit *h;
	bool is_capped;

	for (size_t i = 0; i < n_ent; i++) {
		e[i].id = arena_printf(&fx->a, "c%zu", i);
		/* same length either way: equal bm25 for "common" */
		e[i].title = "Common word";
		e[i].summary = i % 1000 == 7 ? "A rare." : "A summary.";
		e[i].published = 100000 + (int64_t)i;
	}
	assert_int_equal(ingest_feed_items(fx->st, src, make_feed(&fx->a, e,
	    n_ent), (int64_t)time(NULL), NULL), 0);

	assert_int_equal(store_search(fx->st, &fx->a, "common", NULL, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(total, STORE_SEARCH_COUNT_CAP);
	assert_true(is_capped);
	assert_int_equal(n, 20);
	/* equal relevance in the newest window: newest first */
	assert_int_equal(h[0].item.published, 100000 + (int64_t)n_ent - 1);
	/* exact below the cap */
	assert_int_equal(store_search(fx->st, &fx->a, "common rare", NULL, &h,
	    &n, &total, &is_capped), 0);
	assert_int_equal(total, 11);
	assert_false(is_capped);
	assert_int_equal(h[0].item.published, 100000 + 10007);
	/* filtered counts are capped too, and filters still apply */
	o.source_id = src;
	assert_int_equal(store_search(fx->st, &fx->a, "common", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(total, STORE_SEARCH_COUNT_CAP);
	assert_true(is_capped);
	o.source_id = other;
	assert_int_equal(store_search(fx->st, &fx->a, "common", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(total, 0);
	assert_false(is_capped);
	memset(&o, 0, sizeof(o));
	o.until = 100000 + 99;          /* the oldest 100, past the window */
	assert_int_equal(store_search(fx->st, &fx->a, "common", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(total, 100);
	assert_false(is_capped);
	assert_int_equal(h[0].item.published, 100000 + 99);
	/* the last page of the window, then nothing */
	memset(&o, 0, sizeof(o));
	o.limit = 20;
	o.offset = STORE_SEARCH_WINDOW - 20;
	assert_int_equal(store_search(fx->st, &fx->a, "common", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(n, 20);
	assert_int_equal(h[19].item.published, 100000 + (int64_t)n_ent -
	    STORE_SEARCH_WINDOW);
	o.offset = STORE_SEARCH_WINDOW;
	assert_int_equal(store_search(fx->st, &fx->a, "common", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(n, 0);
	assert_int_equal(total, STORE_SEARCH_COUNT_CAP);
}

/* More matches than the ranked window, so the count runs: a date range
 * with bounds within a day (counted from the index over whole days, less
 * the edge days' matches outside the bounds) counts what a scan does. */
static void
search_count_edges_match_a_scan(void **state)
{
	struct fixture *fx = *state;
	enum { N = 2 * STORE_SEARCH_WINDOW + 400 };
	struct ent *e = arena_zalloc(&fx->a, N * sizeof(*e));
	int64_t *t = arena_zalloc(&fx->a, N * sizeof(*t)), src;
	struct store_search_opts o;
	struct store_hit *h;
	uint32_t r = 777;
	size_t n, total;
	bool is_capped;

	src = add_source(fx->st, "https://edge.example/", 0);
	for (size_t i = 0; i < N; i++) {
		r = r * 1103515245 + 12345;
		/* ten days from 2021-03-01 */
		t[i] = 1614556800 + (int64_t)(r % (10u * 86400));
		e[i].id = arena_printf(&fx->a, "g%zu", i);
		e[i].title = "Edge count";
		e[i].published = t[i];
	}
	assert_int_equal(ingest_feed_items(fx->st, src, make_feed(&fx->a, e,
	    N), (int64_t)time(NULL), NULL), 0);
	for (int q = 0; q < 60; q++) {
		size_t want = 0;

		memset(&o, 0, sizeof(o));
		r = r * 1103515245 + 12345;
		o.since = 1614556800 + (int64_t)(r % (4u * 86400));
		r = r * 1103515245 + 12345;
		o.until = o.since + (int64_t)(r % (6u * 86400));
		if (q % 3 == 1)
			o.since = 0;
		if (q % 3 == 2)
			o.until = 0;
		for (size_t i = 0; i < N; i++)
			if ((!o.since || t[i] >= o.since) &&
			    (!o.until || t[i] <= o.until))
				want++;
		assert_int_equal(store_search(fx->st, &fx->a, "edge", &o, &h,
		    &n, &total, &is_capped), 0);
		if (total != want)
			fail_msg("query %d: since %lld until %lld: %zu, want "
			    "%zu", q, (long long)o.since, (long long)o.until,
			    total, want);
		assert_false(is_capped);
		assert_int_equal(n, want < 20 ? want : 20);
	}
}

/* Merging the index into one segment changes no result. */
static void
search_optimize_same_results(void **state)
{
	struct fixture *fx = *state;
	int64_t src = add_source(fx->st, "https://opt.example/", 0);
	struct store_hit *h0, *h1;
	size_t n0, n1, t0, t1, before, after;

	for (int k = 0; k < 6; k++) {
		struct ent *e = arena_zalloc(&fx->a, 30 * sizeof(*e));

		for (size_t i = 0; i < 30; i++) {
			e[i].id = arena_printf(&fx->a, "o%d-%zu", k, i);
			e[i].title = i % 3 ? "Merge segment news" : "Other news";
			e[i].summary = arena_printf(&fx->a, "Summary %zu of "
			    "merge batch %d.", i, k);
			e[i].published = 1600000000 + k * 1000 + (int64_t)i;
		}
		assert_int_equal(ingest_feed_items(fx->st, src, make_feed(
		    &fx->a, e, 30), (int64_t)time(NULL), NULL), 0);
	}
	assert_int_equal(store_search(fx->st, &fx->a, "merge news", NULL, &h0,
	    &n0, &t0, NULL), 0);
	assert_int_equal(store_search_optimize(fx->st, &before, &after), 0);
	assert_true(before > 1);
	assert_int_equal(after, 1);
	assert_int_equal(store_search(fx->st, &fx->a, "merge news", NULL, &h1,
	    &n1, &t1, NULL), 0);
	assert_int_equal(t0, 180);
	assert_int_equal(t1, t0);
	assert_int_equal(n1, n0);
	for (size_t i = 0; i < n0; i++) {
		assert_int_equal(h1[i].item.id, h0[i].item.id);
		assert_string_equal(h1[i].snippet, h0[i].snippet);
	}
	/* again: nothing to merge */
	assert_int_equal(store_search_optimize(fx->st, &before, &after), 0);
	assert_int_equal(before, 1);
	assert_int_equal(after, 1);
}

/* Filters are index tokens (source, year/month/day) plus exact checks:
 * every date range and filter gives what a plain scan gives. */
static void
search_filters_match_a_scan(void **state)
{
	struct fixture *fx = *state;
	enum { N = 240 };
	struct ent *e = arena_zalloc(&fx->a, N * sizeof(*e));
	int64_t t[N], src[3], sec, lo, hi;
	struct store_search_opts o;
	struct store_hit *h;
	uint32_t r = 12345;
	size_t n, total;
	bool is_capped;

	assert_int_equal(store_section_add(fx->st, "World", NULL, &sec), 0);
	src[0] = add_source(fx->st, "https://f0.example/", sec);
	src[1] = add_source(fx->st, "https://f1.example/", sec);
	src[2] = add_source(fx->st, "https://f2.example/", 0);
	for (size_t i = 0; i < N; i++) {
		r = r * 1103515245 + 12345;
		/* 2019-06-01 .. ~2022-06, and a few on exact day, month and
		 * year boundaries */
		t[i] = i % 10 == 0 ? 1577836800 + (int64_t)(i / 10) * 2678400 :
		    1559347200 + (int64_t)(r % (3u * 365 * 86400));
		e[i].id = arena_printf(&fx->a, "f%zu", i);
		/* a word that looks like a filter token must not act as one */
		e[i].title = arena_printf(&fx->a, "Filter test s%lld y2020",
		    (long long)src[(i + 1) % 3]);
		e[i].published = t[i];
	}
	for (int k = 0; k < 3; k++) {
		struct ent *part = arena_zalloc(&fx->a, N * sizeof(*part));
		size_t m = 0;

		for (size_t i = k; i < N; i += 3)
			part[m++] = e[i];
		assert_int_equal(ingest_feed_items(fx->st, src[k], make_feed(&fx->a,
		    part, m), (int64_t)time(NULL), NULL), 0);
	}
	for (int q = 0; q < 200; q++) {
		size_t want = 0;

		memset(&o, 0, sizeof(o));
		r = r * 1103515245 + 12345;
		lo = 1559347200 + (int64_t)(r % (3u * 365 * 86400));
		r = r * 1103515245 + 12345;
		hi = lo + (int64_t)(r % (500u * 86400));
		if (q % 4 == 0) {                       /* whole days */
			lo -= lo % 86400;
			hi += 86399 - hi % 86400;
		}
		if (q % 7 == 1)
			lo = 1577836800;                /* 2020-01-01 00:00 */
		if (q % 7 == 2)
			hi = 1609459199;                /* 2020-12-31 23:59:59 */
		o.since = q % 5 == 3 ? 0 : lo;
		o.until = q % 5 == 4 ? 0 : hi;
		if (q % 3 == 1)
			o.source_id = src[q % 3];
		else if (q % 3 == 2)
			o.section_id = sec;
		o.limit = 1000;
		for (size_t i = 0; i < N; i++)
			if ((!o.since || t[i] >= o.since) &&
			    (!o.until || t[i] <= o.until) &&
			    (!o.source_id || o.source_id == src[i % 3]) &&
			    (!o.section_id || i % 3 != 2))
				want++;
		assert_int_equal(store_search(fx->st, &fx->a, "filter test", &o,
		    &h, &n, &total, &is_capped), 0);
		if (total != want)
			fail_msg("query %d: since %lld until %lld source %lld "
			    "section %lld: %zu, want %zu", q, (long long)o.since,
			    (long long)o.until, (long long)o.source_id,
			    (long long)o.section_id, total, want);
		assert_int_equal(n, want);
		for (size_t i = 0; i < n; i++)
			assert_true((!o.since || h[i].item.published >= o.since) &&
			    (!o.until || h[i].item.published <= o.until));
	}
	/* a section without sources, an empty range */
	memset(&o, 0, sizeof(o));
	assert_int_equal(store_section_add(fx->st, "Empty", NULL, &sec), 0);
	o.section_id = sec;
	assert_int_equal(store_search(fx->st, &fx->a, "filter", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(total, 0);
	memset(&o, 0, sizeof(o));
	o.since = 1600000000;
	o.until = 1500000000;
	assert_int_equal(store_search(fx->st, &fx->a, "filter", &o, &h, &n,
	    &total, &is_capped), 0);
	assert_int_equal(total, 0);
	assert_int_equal(store_check(fx->st), 0);
}

static void
remove_source_cascades(void **state)
{
	struct fixture *fx = *state;

	search_fixture(fx);
	assert_int_equal(search_n(fx, "election", NULL), 3);
	assert_int_equal(store_source_remove(fx->st, fx->src1), 0);
	assert_int_equal(search_n(fx, "election", NULL), 1);
	assert_int_equal(count_items(fx, fx->src1), 0);
	assert_int_equal(store_check(fx->st), 0);
}

static void
transactions_nest(void **state)
{
	struct fixture *fx = *state;
	int64_t id;
	size_t n;
	struct section *v;

	assert_int_equal(store_begin(fx->st), 0);
	assert_int_equal(store_section_add(fx->st, "Kept", NULL, &id), 0);
	assert_int_equal(store_begin(fx->st), 0);
	assert_int_equal(store_section_add(fx->st, "Dropped", NULL, &id), 0);
	assert_int_equal(store_rollback(fx->st), 0);
	/* store_feed_put inside an outer transaction joins it. */
	{
		struct ent e[] = { { "x", NULL, "X", "x", NULL, 0 } };

		fx->src1 = add_source(fx->st, "https://tx.example/", 0);
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, e, 1), (int64_t)time(NULL), NULL), 0);
	}
	assert_int_equal(store_commit(fx->st), 0);
	assert_int_equal(store_commit(fx->st), ND_EINVAL);
	assert_int_equal(store_section_list(fx->st, &fx->a, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Kept");
	assert_int_equal(count_items(fx, fx->src1), 1);

	/* An outer rollback undoes everything, including a feed put. */
	assert_int_equal(store_begin(fx->st), 0);
	{
		struct ent e[] = { { "y", NULL, "Y", "y", NULL, 0 } };

		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, e, 1), (int64_t)time(NULL), NULL), 0);
	}
	assert_int_equal(store_rollback(fx->st), 0);
	assert_int_equal(count_items(fx, fx->src1), 1);
	assert_int_equal(store_check(fx->st), 0);
}

/* Pages are cached until store_data_version changes: it must change with
 * what pages show and not with the fetcher's fetch state. Checked on the
 * writing connection and on a second one, as the web server reads it. */
static void
content_version_ignores_fetch_state(void **state)
{
	struct fixture *fx = *state;
	struct store *other = NULL;
	struct source *src = NULL;
	struct photo m = { 0 };
	uint64_t v0, v1, w0, w1;
	int64_t sec = 0;

	assert_int_equal(store_open(&other, fx->path, 0), 0);
	fx->src1 = add_source(fx->st, "https://a.example/feed", 0);
	assert_int_equal(store_data_version(fx->st, &v0), 0);
	assert_int_equal(store_data_version(other, &w0), 0);
	assert_true(v0 == w0);

	/* fetch state only: unchanged */
	assert_int_equal(store_source_get(fx->st, &fx->a, fx->src1, &src), 0);
	src->last_status = 304;
	src->next_fetch = 12345;
	src->last_fetch = 12000;
	src->etag = "\"abc\"";
	src->last_modified = "Sun, 29 Nov 2026 12:00:00 GMT";
	src->error_count = 2;
	src->last_error = "timeout";
	assert_int_equal(store_source_update(fx->st, src), 0);
	assert_int_equal(store_data_version(fx->st, &v1), 0);
	assert_int_equal(store_data_version(other, &w1), 0);
	assert_true(v1 == v0);
	assert_true(w1 == w0);

	/* an unchanged re-ingest writes nothing; a new item counts */
	{
		struct ent e[] = { { "a1", NULL, "A1", "one", NULL, 0 } };

		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, e, 1), (int64_t)time(NULL), NULL), 0);
		assert_int_equal(store_data_version(fx->st, &v1), 0);
		assert_int_equal(store_data_version(other, &w1), 0);
		assert_true(v1 != v0);
		assert_true(w1 != w0);
		v0 = v1;
		w0 = w1;
		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, e, 1), (int64_t)time(NULL), NULL), 0);
		assert_int_equal(store_data_version(other, &w1), 0);
		assert_true(w1 == w0);
	}

	/* renaming the source */
	src->title = "A renamed";
	assert_int_equal(store_source_update(fx->st, src), 0);
	assert_int_equal(store_data_version(fx->st, &v1), 0);
	assert_int_equal(store_data_version(other, &w1), 0);
	assert_true(v1 != v0);
	assert_true(w1 != w0);
	v0 = v1;
	w0 = w1;

	/* a new section */
	assert_int_equal(store_section_add(fx->st, "World", NULL, &sec), 0);
	assert_int_equal(store_data_version(fx->st, &v1), 0);
	assert_int_equal(store_data_version(other, &w1), 0);
	assert_true(v1 != v0);
	assert_true(w1 != w0);
	v0 = v1;
	w0 = w1;

	/* a failed photo is not shown: unchanged; a cached one counts */
	m.url = "https://a.example/p.jpg";
	m.status = PHOTO_FAILED;
	m.error = "timeout";
	assert_int_equal(store_media_put(fx->st, &m), 0);
	assert_int_equal(store_data_version(other, &w1), 0);
	assert_true(w1 == w0);
	m.status = PHOTO_OK;
	m.type = "image/jpeg";
	m.data = "\xff\xd8\xff";
	m.len = 3;
	assert_int_equal(store_media_put(fx->st, &m), 0);
	assert_int_equal(store_data_version(fx->st, &v1), 0);
	assert_int_equal(store_data_version(other, &w1), 0);
	assert_true(v1 != v0);
	assert_true(w1 != w0);
	store_close(other);
}

/* Item reads carry their cached photos (one query, no lookup per item):
 * lists (also with a filter that sorts), get and search hits. */
static void
items_carry_cached_photos(void **state)
{
	struct fixture *fx = *state;
	struct store_item_query q = { 0 };
	struct item *v, *it;
	struct store_hit *h;
	struct photo m = { 0 };
	struct feed *f;
	struct feed_media md[1];
	char key[PHOTO_KEY_LEN + 1], tkey[PHOTO_KEY_LEN + 1];
	size_t n, total;
	struct ent e[] = {
		{ "p", "https://i.example/p", "Photo story", "s", NULL, 0 },
		{ "q", "https://i.example/q", "Plain story", "s", NULL, 0 } };

	fx->sec1 = 0;
	assert_int_equal(store_section_add(fx->st, "World", NULL, &fx->sec1),
	    0);
	fx->src1 = add_source(fx->st, "https://i.example/feed", fx->sec1);
	f = make_feed(&fx->a, e, 2);
	memset(md, 0, sizeof(md));
	md[0].url = "https://i.example/photo.jpg";
	md[0].medium = "image";
	md[0].thumbnail = "https://i.example/thumb.png";
	f->entries[0].media = md;
	f->entries[0].n_media = 1;
	assert_int_equal(ingest_feed_items(fx->st, fx->src1, f, (int64_t)time(NULL), NULL), 0);

	/* nothing cached yet; a failure is not a photo */
	m.url = "https://i.example/thumb.png";
	m.status = PHOTO_FAILED;
	m.error = "timeout";
	assert_int_equal(store_media_put(fx->st, &m), 0);
	assert_int_equal(store_item_list(fx->st, &fx->a, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_null(v[i].image_media.key);
		assert_null(v[i].thumb_media.key);
	}

	memset(&m, 0, sizeof(m));
	m.url = "https://i.example/photo.jpg";
	m.status = PHOTO_OK;
	m.type = "image/jpeg";
	m.data = "\xff\xd8\xff";
	m.len = 3;
	m.width = 640;
	m.height = 480;
	assert_int_equal(store_media_put(fx->st, &m), 0);
	model_photo_key(key, m.url);
	model_photo_key(tkey, "https://i.example/thumb.png");

	q.section_id = fx->sec1;
	assert_int_equal(store_item_list(fx->st, &fx->a, &q, &v, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_null(v[i].thumb_media.key);
		if (strcmp(v[i].guid, "p") != 0) {
			assert_null(v[i].image_media.key);
			continue;
		}
		assert_string_equal(v[i].image_media.key, key);
		assert_string_equal(v[i].image_media.type, "image/jpeg");
		assert_int_equal(v[i].image_media.width, 640);
		assert_int_equal(v[i].image_media.height, 480);
		assert_int_equal(store_item_get(fx->st, &fx->a, v[i].id, &it),
		    0);
		assert_string_equal(it->image_media.key, key);
		assert_null(it->thumb_media.key);
	}

	/* the thumbnail cached too, after the failure */
	memset(&m, 0, sizeof(m));
	m.url = "https://i.example/thumb.png";
	m.status = PHOTO_OK;
	m.type = "image/png";
	m.data = "\x89PNG";
	m.len = 4;
	m.width = 64;
	m.height = 48;
	assert_int_equal(store_media_put(fx->st, &m), 0);
	assert_int_equal(store_search(fx->st, &fx->a, "photo", NULL, &h, &n,
	    &total, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].item.image_media.key, key);
	assert_string_equal(h[0].item.thumb_media.key, tkey);
	assert_string_equal(h[0].item.thumb_media.type, "image/png");
	assert_int_equal(h[0].item.thumb_media.width, 64);
	assert_int_equal(h[0].item.thumb_media.height, 48);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)


/* ---- stories (issue 9) ---- */

static int64_t
story_of(struct fixture *fx, int64_t story_id_hint, const char *title)
{
	struct story *v;
	size_t n;

	(void)story_id_hint;
	assert_int_equal(store_story_list(fx->st, &fx->a, NULL, 0, &v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct item *items;
		size_t ni;

		assert_int_equal(store_story_items(fx->st, &fx->a, v[i].id,
		    &items, &ni), 0);
		for (size_t k = 0; k < ni; k++)
			if (strcmp(items[k].title, title) == 0)
				return v[i].id;
	}
	return 0;
}

/* Ingest clusters what it stores: two outlets' reports of one event share
 * a story across two ingest calls (the second warms up from the store),
 * another event gets its own; an editor's split, merge, pin and retitle
 * hold, and a later ingest of the same items does not undo them. */
static void
issue_9_stories_at_ingest(void **state)
{
	struct fixture *fx = *state;
	const char *dam = "<p>The reservoir behind the Tessen dam rose four "
	    "metres in five days, the river authority said, and flows at the "
	    "Nuwayra gauge fell by a quarter.</p>";
	struct ent a[] = {
		{ "a1", "https://a.example/1", "Tessen reservoir rises four metres",
		  dam, NULL, 1000000 },
		{ "a2", "https://a.example/2", "Cup final ends goalless after "
		  "extra time", "<p>The northern league cup final ended without "
		  "goals in the capital stadium.</p>", NULL, 1001000 },
	};
	struct ent b[] = {
		{ "b1", "https://b.example/1", "Tessen dam filling speeds up",
		  dam, NULL, 1002000 },
	};
	int64_t s_dam, s_cup, s_split, got;
	struct store_story_edit e = { 0 };
	struct story *st, *v;
	struct item *items;
	size_t n;

	fx->src1 = add_source(fx->st, "https://a.example/feed", 0);
	fx->src2 = add_source(fx->st, "https://b.example/feed", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, a, 2), 1003000, NULL), 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src2,
	    make_feed(&fx->a, b, 1), 1003000, NULL), 0);
	s_dam = story_of(fx, 0, "Tessen reservoir rises four metres");
	s_cup = story_of(fx, 0, "Cup final ends goalless after extra time");
	assert_true(s_dam > 0 && s_cup > 0 && s_dam != s_cup);
	assert_int_equal(story_of(fx, 0, "Tessen dam filling speeds up"), s_dam);
	assert_int_equal(store_story_get(fx->st, &fx->a, s_dam, &st), 0);
	assert_int_equal(st->n_items, 2);
	assert_int_equal(st->n_outlets, 2);
	assert_string_equal(st->title, "Tessen reservoir rises four metres");
	/* Ranked: the story with two outlets first. */
	assert_int_equal(store_story_list(fx->st, &fx->a, NULL, 1003000, &v,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, s_dam);

	/* Split the second outlet's report out; pin and retitle the cup. */
	assert_int_equal(store_story_items(fx->st, &fx->a, s_dam, &items, &n), 0);
	assert_int_equal(n, 2);
	e.op = STORE_STORY_SPLIT;
	e.item_id = items[1].id;
	assert_int_equal(store_story_edit(fx->st, &e, &s_split), 0);
	assert_true(s_split != s_dam && s_split != s_cup);
	e.op = STORE_STORY_PIN;
	e.id = s_cup;
	assert_int_equal(store_story_edit(fx->st, &e, NULL), 0);
	e.op = STORE_STORY_RETITLE;
	e.title = "The cup final";
	assert_int_equal(store_story_edit(fx->st, &e, NULL), 0);
	assert_int_equal(store_story_list(fx->st, &fx->a, NULL, 1003000, &v,
	    &n), 0);
	assert_int_equal(v[0].id, s_cup);               /* pinned on top */
	assert_string_equal(v[0].editor_title, "The cup final");

	/* The same feeds again, one headline changed: nothing moves back. */
	b[0].title = "Tessen dam filling speeds up, officials say";
	assert_int_equal(ingest_feed_items(fx->st, fx->src2,
	    make_feed(&fx->a, b, 1), 1004000, NULL), 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, a, 2), 1004000, NULL), 0);
	assert_int_equal(story_of(fx, 0,
	    "Tessen dam filling speeds up, officials say"), s_split);

	/* Merge the split story back into the cup story (an editor may): a
	 * merged story is gone from lists and its items follow. */
	e.op = STORE_STORY_MERGE;
	e.id = s_split;
	e.other = s_cup;
	assert_int_equal(store_story_edit(fx->st, &e, &got), 0);
	assert_int_equal(got, s_cup);
	assert_int_equal(story_of(fx, 0,
	    "Tessen dam filling speeds up, officials say"), s_cup);
	e.id = s_cup;
	assert_int_equal(store_story_edit(fx->st, &e, NULL), ND_EINVAL);
	e.id = 999999;
	assert_int_equal(store_story_edit(fx->st, &e, NULL), ND_ENOTFOUND);
	assert_int_equal(store_check(fx->st), 0);
}

/* Two stories a later headline shows to be one event are folded at
 * ingest: the younger's items move to the older, which alone is listed;
 * a story an editor pinned is never folded. */
static void
issue_9_stories_fold_at_ingest(void **state)
{
	struct fixture *fx = *state;
	struct ent a[] = {
		{ "f1", "https://f.example/1", "Leaders pledge to stop calling "
		  "little girls bossy", NULL, NULL, 1000000 },
		{ "f2", "https://f.example/2", "Beyonce joins celebrities in "
		  "empowerment campaign", NULL, NULL, 1000060 },
	};
	struct ent b[] = {
		{ "g1", "https://g.example/1", "Beyonce joins campaign to stop "
		  "calling girls bossy", NULL, NULL, 1000120 },
	};
	struct store_story_edit e = { 0 };
	struct story_fold f;
	int64_t s_first, s_second;
	struct story *v, *st;
	size_t n;

	fx->src1 = add_source(fx->st, "https://f.example/feed", 0);
	fx->src2 = add_source(fx->st, "https://g.example/feed", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, a, 2), 1000200, NULL), 0);
	s_first = story_of(fx, 0, a[0].title);
	s_second = story_of(fx, 0, a[1].title);
	assert_true(s_first > 0 && s_second > 0 && s_first != s_second);
	assert_int_equal(ingest_feed_items(fx->st, fx->src2,
	    make_feed(&fx->a, b, 1), 1000200, NULL), 0);
	assert_int_equal(story_of(fx, 0, b[0].title), s_first);
	assert_int_equal(story_of(fx, 0, a[1].title), s_first);
	assert_int_equal(store_story_list(fx->st, &fx->a, NULL, 1000200, &v,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_story_get(fx->st, &fx->a, s_first, &st), 0);
	assert_int_equal(st->n_items, 3);
	assert_int_equal(store_story_get(fx->st, &fx->a, s_second, &st), 0);
	assert_int_equal(st->merged_into, s_first);

	/* A pinned story stays whole; a fold into or from it is skipped. */
	{
		struct ent c[] = {
			{ "h1", "https://f.example/3", "Harbour strike enters "
			  "second week", NULL, NULL, 1000300 },
		};
		int64_t s_strike;

		assert_int_equal(ingest_feed_items(fx->st, fx->src1,
		    make_feed(&fx->a, c, 1), 1000400, NULL), 0);
		s_strike = story_of(fx, 0, c[0].title);
		assert_true(s_strike > 0 && s_strike != s_first);
		e.op = STORE_STORY_PIN;
		e.id = s_strike;
		assert_int_equal(store_story_edit(fx->st, &e, NULL), 0);
		f.from = s_strike;
		f.into = s_first;
		assert_int_equal(store_story_fold(fx->st, &f, 1), 0);
		assert_int_equal(story_of(fx, 0, c[0].title), s_strike);
		f.from = 0;
		assert_int_equal(store_story_fold(fx->st, &f, 1), ND_EINVAL);
	}
	assert_int_equal(store_check(fx->st), 0);
}

/* Stories close when quiet for longer than the window; a pinned one
 * stays open. */
static void
issue_9_stories_close_when_quiet(void **state)
{
	struct fixture *fx = *state;
	struct ent a[] = {
		{ "q1", "https://q.example/1", "Old report on the harbour strike",
		  "<p>Dock workers walked out.</p>", NULL, 1000000 },
	};
	struct ent b[] = {
		{ "q2", "https://q.example/2", "Parliament passes the budget",
		  "<p>The vote was close.</p>", NULL, 1000000 + 30 * 86400 },
	};
	struct store_story_query q = { .is_open_only = true };
	struct story *v;
	size_t n;

	fx->src1 = add_source(fx->st, "https://q.example/feed", 0);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, a, 1), 1000100, NULL), 0);
	assert_int_equal(store_story_list(fx->st, &fx->a, &q, 0, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ingest_feed_items(fx->st, fx->src1,
	    make_feed(&fx->a, b, 1), 1000000 + 30 * 86400 + 100, NULL), 0);
	assert_int_equal(store_story_list(fx->st, &fx->a, &q, 0, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].title, "Parliament passes the budget");
	q.is_open_only = false;
	assert_int_equal(store_story_list(fx->st, &fx->a, &q, 0, &v, &n), 0);
	assert_int_equal(n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(open_migrates_once),
		T(open_refuses_newer_schema),
		T(open_migrates_only_when_asked),
		T(sections_crud),
		T(sources_crud_and_fetch_state),
		T(sources_due),
		T(feed_put_counts_and_updates),
		T(issue_9_stories_at_ingest),
		T(issue_9_stories_close_when_quiet),
		T(issue_9_stories_fold_at_ingest),
		T(dedup_keys),
		T(field_caps_and_lead_image),
		T(item_list_filters),
		T(search_english_and_arabic),
		T(issue_8_search_title_match_first),
		T(search_snippets_filters_paging),
		T(search_hostile_queries),
		T(search_newer_wins_among_equal),
		T(search_total_capped),
		T(search_count_edges_match_a_scan),
		T(search_optimize_same_results),
		T(search_filters_match_a_scan),
		T(remove_source_cascades),
		T(transactions_nest),
		T(content_version_ignores_fetch_state),
		T(items_carry_cached_photos),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
