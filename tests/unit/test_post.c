/* Unit tests for the desk's posts (issue 10): Markdown bodies through
 * cmark and the sanitizer (XSS vectors), and the store's posts, revisions,
 * corrections, scheduling, columns and change log. */
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
#include "render/html.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

/* ---- Markdown ---- */

static void
issue_10_markdown_xss_vectors(void **state)
{
	static const char *const vectors[] = {
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[click](javascript:alert(1))",
		"[click](JaVaScRiPt:alert(1))",
		"[click](java\tscript:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](vbscript:msgbox)",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<iframe src=\"https://evil.example/\"></iframe>",
		"<div onmouseover=\"alert(1)\">hover</div>",
		"<svg><script>alert(1)</script></svg>",
		"![img](https://evil.example/track.gif)",
		"<style>body{display:none}</style>",
		"<form action=/x><input name=a></form>",
		"<<script>script>alert(1)<</script>/script>",
		"`<script>` in code is text",
		"<a href=\"https://ok.example/\" style=\"x\" onclick=\"y\">z</a>",
	};
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct html h;
		const char *p;

		assert_int_equal(render_markdown(&a, vectors[i],
		    strlen(vectors[i]), &h), 0);
		p = h.p;
		if (strstr(p, "<script") || strstr(p, "<img") ||
		    strstr(p, "<iframe") || strstr(p, "<style") ||
		    strstr(p, "<form") || strstr(p, "<input") ||
		    strstr(p, "<svg") || strstr(p, "onerror") ||
		    strstr(p, "onclick") || strstr(p, "onmouseover") ||
		    strstr(p, "style=") || strstr(p, "avascript:") ||
		    strstr(p, "vbscript:") || strstr(p, "data:text"))
			fail_msg("vector %zu survived: %s -> %s", i, vectors[i],
			    p);
	}
	arena_release(&a);
}

static void
issue_10_markdown_renders(void **state)
{
	static const char md[] =
	    "BAGHDAD \xe2\x80\x94 The **minister** said \"no\".\n\n"
	    "> A quote from the text.\n\n"
	    "- one\n- two\n\n"
	    "[the report](https://example.org/report?a=1&b=2)\n";
	struct arena a = ARENA_INIT;
	struct html h;

	(void)state;
	assert_int_equal(render_markdown(&a, md, strlen(md), &h), 0);
	assert_non_null(strstr(h.p, "<strong>minister</strong>"));
	assert_non_null(strstr(h.p, "<blockquote>"));
	assert_non_null(strstr(h.p, "<li>one</li>"));
	assert_non_null(strstr(h.p, "href=\"https://example.org/report?a=1&amp;b=2\""));
	/* smart quotes */
	assert_non_null(strstr(h.p, "\xe2\x80\x9cno\xe2\x80\x9d"));
	arena_release(&a);
}

static void
issue_10_slugs(void **state)
{
	char s[121];

	(void)state;
	model_slug(s, 120, "Talks Resume in Geneva: What's Next?");
	assert_string_equal(s, "talks-resume-in-geneva-what-s-next");
	model_slug(s, 120, "  --Hello--  ");
	assert_string_equal(s, "hello");
	model_slug(s, 120, "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a");
	assert_int_equal(s[0], 'n');
	assert_int_equal(strlen(s), 13);
}

/* ---- the store ---- */

struct fixture {
	char dir[64], path[128];
	struct store *st;
	struct arena a;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-post-XXXXXX");
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

static void
issue_10_post_save_revise_publish_correct(void **state)
{
	struct fixture *fx = *state;
	struct post_byline by[2] = {
		{ .user_id = 7, .name = "Leila Haddad" },
		{ .name = "Staff Writer" },
	};
	struct post p = {
		.kind = POST_ARTICLE, .status = POST_DRAFT,
		.headline = "Talks resume", .deck = "A deck",
		.body = "Body *one*", .body_html = "<p>Body <em>one</em></p>",
		.dateline = "GENEVA", .bylines = by, .n_bylines = 2,
		.tags = "talks, geneva",
	};
	struct post *got = NULL, *list = NULL;
	struct store_revision *rev = NULL;
	struct store_correction *cor = NULL;
	struct post_byline *b = NULL;
	size_t n = 0;
	int64_t id = 0, cid = 0, sid = 0;
	struct store_post_query q = { .status = POST_PUBLISHED };

	assert_int_equal(store_section_add(fx->st, "Developments", NULL, &sid),
	    0);
	p.section_id = sid;
	assert_int_equal(store_post_save(fx->st, &p, 1000, &id), 0);
	assert_true(id > 0);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	assert_string_equal(got->slug, "talks-resume");
	assert_string_equal(got->headline, "Talks resume");
	{
		/* one-line fields keep no line break (a headline is a mail
		 * Subject, where one is refused) */
		struct post q2 = p;
		struct post *g2 = NULL;
		int64_t id2 = 0;

		q2.headline = "Talks\r\nBcc: x@evil.example";
		q2.deck = "Two\nlines\tand a tab";
		assert_int_equal(store_post_save(fx->st, &q2, 1000, &id2), 0);
		assert_int_equal(store_post_get(fx->st, &fx->a, id2, &g2), 0);
		assert_string_equal(g2->headline, "Talks  Bcc: x@evil.example");
		assert_string_equal(g2->deck, "Two lines and a tab");
	}
	assert_string_equal(got->section_slug, "developments");
	assert_int_equal(got->n_bylines, 2);
	assert_int_equal(got->bylines[0].user_id, 7);
	assert_string_equal(got->bylines[0].slug, "leila-haddad");
	assert_int_equal(got->created, 1000);
	/* a draft is not public, and corrections need a published post */
	assert_int_equal(store_post_list(fx->st, &fx->a, &q, &list, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_post_correct(fx->st, id, "x", 0, 1001, &cid),
	    ND_EINVAL);

	/* an edit keeps the version it replaces */
	p.id = id;
	p.headline = "Talks resume in Geneva";
	{
		/* an editor (the store checks who may change a post) */
		struct user ed = { .email = "ed@desk.example", .name = "Ed",
			.role = USER_ROLE_EDITOR };

		assert_int_equal(store_user_add(fx->st, &ed, "h", 1,
		    &p.edited_by), 0);
	}
	assert_int_equal(store_post_save(fx->st, &p, 1100, NULL), 0);
	assert_int_equal(store_post_revisions(fx->st, &fx->a, id, &rev, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rev[0].headline, "Talks resume");
	assert_int_equal(rev[0].user_id, p.edited_by);
	assert_int_equal(rev[0].time, 1100);

	/* scheduled: not before its time */
	assert_int_equal(store_post_publish(fx->st, id, 5000, 1200), 0);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	assert_int_equal(got->status, POST_SCHEDULED);
	assert_int_equal(store_post_publish_due(fx->st, 4999, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_post_publish_due(fx->st, 5001, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	assert_int_equal(got->status, POST_PUBLISHED);
	assert_int_equal(got->published_at, 5000);
	assert_int_equal(got->updated_at, 0);
	assert_int_equal(store_post_list(fx->st, &fx->a, &q, &list, &n), 0);
	assert_int_equal(n, 1);

	/* corrections are appended, shown, never removed */
	assert_int_equal(store_post_correct(fx->st, id, "An earlier version "
	    "misspelled the minister's name.", 0, 6000, &cid), 0);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	assert_int_equal(got->n_corrections, 1);
	assert_int_equal(got->corrections[0].time, 6000);
	assert_int_equal(got->updated_at, 6000);
	assert_int_equal(store_correction_list(fx->st, &fx->a, 0, &cor, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cor[0].post_id, id);
	assert_int_equal(store_byline_find(fx->st, &fx->a, "leila-haddad", &b),
	    0);
	assert_string_equal(b->name, "Leila Haddad");
	assert_int_equal(store_byline_find(fx->st, &fx->a, "nobody", &b),
	    ND_ENOTFOUND);
	q.byline_slug = "staff-writer";
	assert_int_equal(store_post_list(fx->st, &fx->a, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	q.byline_slug = "leila";
	assert_int_equal(store_post_list(fx->st, &fx->a, &q, &list, &n), 0);
	assert_int_equal(n, 0);
}

static void
issue_10_post_limits(void **state)
{
	struct fixture *fx = *state;
	struct post p = { .kind = POST_ARTICLE, .status = POST_DRAFT };
	char *big = malloc(POST_MAX_HEADLINE + 2);
	int64_t id;

	memset(big, 'x', POST_MAX_HEADLINE + 1);
	big[POST_MAX_HEADLINE + 1] = '\0';
	assert_int_equal(store_post_save(fx->st, &p, 1, &id), ND_EINVAL);
	p.headline = big;
	assert_int_equal(store_post_save(fx->st, &p, 1, &id), ND_EINVAL);
	p.headline = "ok";
	p.id = 424242;
	assert_int_equal(store_post_save(fx->st, &p, 1, &id), ND_ENOTFOUND);
	assert_int_equal(store_post_publish(fx->st, 424242, 0, 1),
	    ND_ENOTFOUND);
	free(big);
}

/* A writer changes only the drafts they wrote or that carry their
 * byline; an editor any post; the command line (edited_by 0) any. The
 * store refuses (ND_EAUTH) whatever the front end checked. */
static void
issue_10_post_ownership(void **state)
{
	struct fixture *fx = *state;
	struct user wa = { .email = "a@desk.example", .name = "Writer A",
		.role = USER_ROLE_WRITER };
	struct user wb = { .email = "b@desk.example", .name = "Writer B",
		.role = USER_ROLE_WRITER };
	struct user ed = { .email = "e@desk.example", .name = "Editor",
		.role = USER_ROLE_EDITOR };
	struct post_byline by = { .name = "Writer B" };
	struct post p = { .kind = POST_ARTICLE, .status = POST_DRAFT,
		.headline = "A's draft", .body = "x" }, *got = NULL;
	int64_t a_id, b_id, e_id, id;

	assert_int_equal(store_user_add(fx->st, &wa, "h", 1, &a_id), 0);
	assert_int_equal(store_user_add(fx->st, &wb, "h", 1, &b_id), 0);
	assert_int_equal(store_user_add(fx->st, &ed, "h", 1, &e_id), 0);
	p.edited_by = a_id;
	assert_int_equal(store_post_save(fx->st, &p, 10, &id), 0);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	assert_int_equal(got->created_by, a_id);
	assert_true(model_post_may_edit(got, a_id, USER_ROLE_WRITER));
	assert_false(model_post_may_edit(got, b_id, USER_ROLE_WRITER));
	assert_true(model_post_may_edit(got, e_id, USER_ROLE_EDITOR));
	p.id = id;
	p.headline = "B took it";
	p.edited_by = b_id;
	assert_int_equal(store_post_save(fx->st, &p, 11, NULL), ND_EAUTH);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	assert_string_equal(got->headline, "A's draft");
	p.edited_by = a_id;
	p.headline = "A's draft, again";
	assert_int_equal(store_post_save(fx->st, &p, 12, NULL), 0);
	/* the editor adds B's byline: B may edit it now */
	by.user_id = b_id;
	p.bylines = &by;
	p.n_bylines = 1;
	p.edited_by = e_id;
	assert_int_equal(store_post_save(fx->st, &p, 13, NULL), 0);
	p.edited_by = b_id;
	p.headline = "Co-written";
	assert_int_equal(store_post_save(fx->st, &p, 14, NULL), 0);
	/* published: no writer changes it, even their own */
	assert_int_equal(store_post_publish(fx->st, id, 15, 15), 0);
	assert_int_equal(store_post_get(fx->st, &fx->a, id, &got), 0);
	p.status = POST_PUBLISHED;
	p.published_at = got->published_at;
	p.edited_by = a_id;
	assert_int_equal(store_post_save(fx->st, &p, 16, NULL), ND_EAUTH);
	p.edited_by = e_id;
	assert_int_equal(store_post_save(fx->st, &p, 17, NULL), 0);
	p.edited_by = 0;             /* the command line */
	assert_int_equal(store_post_save(fx->st, &p, 18, NULL), 0);
}

static void
issue_10_columns_and_change_log(void **state)
{
	struct fixture *fx = *state;
	struct column c = { .name = "Diplomatic Buzz" }, *got = NULL;
	struct store_cursor cur = { 0 };
	struct store_change *ch = NULL;
	struct post p = {
		.kind = POST_COLUMN, .status = POST_DRAFT, .headline = "Buzz",
	};
	size_t n = 0;
	bool all = false;
	int64_t cid = 0, id = 0;

	assert_int_equal(store_column_add(fx->st, &c, &cid), 0);
	assert_int_equal(store_column_add(fx->st, &c, NULL), ND_EEXISTS);
	c.slug = "Bad Slug";
	assert_int_equal(store_column_add(fx->st, &c, NULL), ND_EINVAL);
	assert_int_equal(store_column_find(fx->st, &fx->a, "diplomatic-buzz",
	    &got), 0);
	assert_int_equal(got->id, cid);

	assert_int_equal(store_changes_since(fx->st, &fx->a, &cur, 100, &ch,
	    &n, &all), 0);
	/* a draft changes nothing public */
	p.column_id = cid;
	assert_int_equal(store_post_save(fx->st, &p, 10, &id), 0);
	all = false;
	assert_int_equal(store_changes_since(fx->st, &fx->a, &cur, 100, &ch,
	    &n, &all), 0);
	assert_false(all);
	assert_int_equal(n, 0);
	/* publishing is one post change */
	assert_int_equal(store_post_publish(fx->st, id, 0, 20), 0);
	assert_int_equal(store_changes_since(fx->st, &fx->a, &cur, 100, &ch,
	    &n, &all), 0);
	assert_false(all);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].kind, STORE_CHANGE_POST);
	assert_int_equal(ch[0].item_id, id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_10_markdown_xss_vectors),
		cmocka_unit_test(issue_10_markdown_renders),
		cmocka_unit_test(issue_10_slugs),
		cmocka_unit_test_setup_teardown(
		    issue_10_post_save_revise_publish_correct, setup, teardown),
		cmocka_unit_test_setup_teardown(issue_10_post_ownership, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(issue_10_post_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(issue_10_columns_and_change_log,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
