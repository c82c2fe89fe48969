/* issue 10: the desk's forms for posts, through the real route table,
 * dispatcher (login, role, CSRF) and handlers on a real store, with a
 * signed-in user set on the request as the session code does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <time.h>
#include <vips/vips.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "store/store.h"
#include "web/web.h"
#include "web/web_int.h"
#include "test_util.h"
#include "core/banned.h"

#define TOKEN "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"   /* 43 */

static struct {
	char dir[64], db[128];
	struct config cfg;
	struct site *site;
	char writer_tok[AUTH_TOKEN_LEN + 1], editor_tok[AUTH_TOKEN_LEN + 1];
} H;

/* Who sends a request: its session token (signed in through the real
 * session code), by the user's name. */
static struct user writer = { .email = "w@desk.example",
	.name = "Wren Writer", .role = USER_ROLE_WRITER };
static struct user editor = { .email = "e@desk.example",
	.name = "Eda Editor", .role = USER_ROLE_EDITOR };

struct answer {
	int status;
	char *body;
	char location[256];
};

/* One request through the dispatcher and the handler. ctype and body for
 * a POST; with_csrf sends the token as cookie and field. */
static void
req(struct answer *out, const struct user *u, unsigned method,
    const char *path, const char *ctype, const char *body, size_t len)
{
	static const struct web_limits lim = WEB_LIMITS_DEFAULT;
	struct web_req r;
	const struct route *table, *rt = NULL;
	size_t n;
	int st;

	memset(out, 0, sizeof(*out));
	web_req_init(&r, H.site, method, path);
	r.accepts_html = true;
	assert_int_equal(web_cookies_parse(&r.a, "nd_csrf=" TOKEN, 8,
	    &r.cookies, &r.n_cookies), 0);
	if (u) {
		/* the session cookie of the user */
		struct web_param *c = arena_zalloc(&r.a, (r.n_cookies + 1) *
		    sizeof(*c));

		memcpy(c, r.cookies, r.n_cookies * sizeof(*c));
		c[r.n_cookies].name = DESK_SESSION_COOKIE;
		c[r.n_cookies].value = u == &writer ? H.writer_tok :
		    H.editor_tok;
		c[r.n_cookies].len = AUTH_TOKEN_LEN;
		r.cookies = c;
		r.n_cookies++;
	}
	if (body)
		assert_int_equal(web_form_parse(&r, ctype, body, len, &lim), 0);
	{
		/* the path's query, as the server splits it */
		char *q = strchr(path, '?');

		if (q) {
			r.path = arena_strndup(&r.a, path, (size_t)(q - path));
			assert_int_equal(web_form_urlencoded(&r.a, q + 1,
			    strlen(q + 1), 64, 4096, &r.query, &r.n_query), 0);
		}
	}
	/* as the server does: a desk route's checks run in site_handle,
	 * after the session is loaded */
	table = site_routes(&n);
	st = web_route_find(table, n, &r, &rt);
	if (st) {
		out->status = st;
	} else {
		site_handle(&r, rt);
		out->status = r.status;
	}
	if (r.location)
		snprintf(out->location, sizeof(out->location), "%s", r.location);
	out->body = malloc(r.pg.b.len + 1);
	memcpy(out->body, r.pg.b.ptr, r.pg.b.len);
	out->body[r.pg.b.len] = '\0';
	web_req_release(&r);
}

static void
post_form(struct answer *out, const struct user *u, const char *path,
    const char *form)
{
	char *b = malloc(strlen(form) + 64);

	snprintf(b, strlen(form) + 64, "csrf_token=" TOKEN "&%s", form);
	req(out, u, WEB_POST, path, "application/x-www-form-urlencoded", b,
	    strlen(b));
	free(b);
}

/* A multipart body with the text fields and one file. */
static void
post_multipart(struct answer *out, const struct user *u, const char *path,
    const char *const *fields, const void *file, size_t file_len)
{
	struct buf b = BUF_INIT(BUF_NOCAP);

	buf_addf(&b, "--XB\r\nContent-Disposition: form-data; "
	    "name=\"csrf_token\"\r\n\r\n%s\r\n", TOKEN);
	for (size_t i = 0; fields[i]; i += 2)
		buf_addf(&b, "--XB\r\nContent-Disposition: form-data; "
		    "name=\"%s\"\r\n\r\n%s\r\n", fields[i], fields[i + 1]);
	buf_addf(&b, "--XB\r\nContent-Disposition: form-data; name=\"photo\"; "
	    "filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
	buf_add(&b, file, file_len);
	buf_addf(&b, "\r\n--XB--\r\n");
	assert_int_equal(buf_err(&b), 0);
	req(out, u, WEB_POST, path, "multipart/form-data; boundary=XB", b.ptr,
	    b.len);
	buf_release(&b);
}

static void
answer_free(struct answer *a)
{
	free(a->body);
	a->body = NULL;
}

static struct post *
stored(struct arena *a, int64_t id)
{
	struct store *st = NULL;
	struct post *p = NULL;

	assert_int_equal(store_open(&st, H.db, 0), 0);
	assert_int_equal(store_post_get(st, a, id, &p), 0);
	store_close(st);
	return p;
}

static int
setup(void **state)
{
	struct store *st = NULL;

	(void)state;
	snprintf(H.dir, sizeof(H.dir), "/tmp/nd-desk-post-XXXXXX");
	if (!mkdtemp(H.dir))
		return -1;
	snprintf(H.db, sizeof(H.db), "%s/t.db", H.dir);
	cfg_init(&H.cfg);
	if (store_open(&st, H.db, STORE_CREATE) < 0 ||
	    store_section_add(st, "Diplomacy", NULL, NULL) < 0)
		return -1;
	{
		struct auth_params p;
		int64_t now = (int64_t)time(NULL);

		auth_params_from_cfg(&p, &H.cfg);
		/* the password hash is never checked here: sessions are
		 * started directly, as after a sign-in */
		if (store_user_add(st, &writer, "unused", now, &writer.id) < 0 ||
		    store_user_add(st, &editor, "unused", now, &editor.id) < 0 ||
		    auth_session_start(st, &p, writer.id, now,
		    H.writer_tok) < 0 ||
		    auth_session_start(st, &p, editor.id, now,
		    H.editor_tok) < 0) {
			fprintf(stderr, "users: %s\n", err_msg());
			return -1;
		}
	}
	store_close(st);
	if (site_new(&H.site, &H.cfg, H.db) < 0) {
		fprintf(stderr, "site: %s\n", err_msg());
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{

	(void)state;
	site_free(H.site);
	cfg_release(&H.cfg);
	test_db_remove(H.db);
	rmdir(H.dir);
	return 0;
}

static void
issue_10_desk_post_forms(void **state)
{
	struct arena a = ARENA_INIT;
	struct answer r;
	struct post *p;
	size_t jl = 0;
	char *jpg;
	FILE *f;

	(void)state;
	/* the new form, with the writer's name as the byline */
	req(&r, &writer, WEB_GET, "/desk/posts/new", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"csrf_token\" value=\"" TOKEN));
	assert_non_null(strstr(r.body, ">Wren Writer</textarea>"));
	assert_null(strstr(r.body, "value=\"publish\""));
	answer_free(&r);
	/* no session, no CSRF token: refused before the handler */
	req(&r, NULL, WEB_GET, "/desk/posts", NULL, NULL, 0);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(r.location, "/desk/login"));
	answer_free(&r);
	req(&r, &writer, WEB_POST, "/desk/posts/new",
	    "application/x-www-form-urlencoded", "headline=x", 10);
	assert_int_equal(r.status, 403);
	answer_free(&r);

	/* a bad field: the form comes back, message beside it, text kept */
	post_form(&r, &writer, "/desk/posts/new", "headline=&deck=Kept+deck"
	    "&body=Kept+%3Cb%3Ebody%3C%2Fb%3E&action=save");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "A post needs a headline."));
	assert_non_null(strstr(r.body, "value=\"Kept deck\""));
	assert_non_null(strstr(r.body, ">Kept &lt;b&gt;body&lt;/b&gt;</textarea>"));
	answer_free(&r);

	/* saved as a draft */
	post_form(&r, &writer, "/desk/posts/new", "headline=Talks+resume"
	    "&deck=A+deck&body=The+**talks**.&bylines=Wren+Writer"
	    "&section=diplomacy&dateline=GENEVA&action=save");
	assert_int_equal(r.status, 303);
	assert_string_equal(r.location, "/desk/post/1?saved=1");
	answer_free(&r);
	p = stored(&a, 1);
	assert_int_equal(p->status, POST_DRAFT);
	assert_string_equal(p->headline, "Talks resume");
	assert_non_null(strstr(p->body_html, "<p>The <strong>talks</strong>.</p>"));
	assert_int_equal(p->n_bylines, 1);
	assert_int_equal(p->bylines[0].user_id, writer.id);
	assert_string_equal(p->section_slug, "diplomacy");

	/* a writer cannot publish: not by the button, not by the route */
	post_form(&r, &writer, "/desk/post/1", "headline=Talks+resume"
	    "&action=publish");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "Only an editor publishes."));
	answer_free(&r);
	post_form(&r, &writer, "/desk/post/1/publish", "action=publish");
	assert_int_equal(r.status, 403);
	answer_free(&r);
	assert_int_equal(stored(&a, 1)->status, POST_DRAFT);
	/* the writer submits it */
	post_form(&r, &writer, "/desk/post/1", "headline=Talks+resume"
	    "&body=The+**talks**.&bylines=Wren+Writer&action=submit");
	assert_int_equal(r.status, 303);
	answer_free(&r);
	assert_int_equal(stored(&a, 1)->status, POST_SUBMITTED);

	/* a refused photo: the text is saved, the form says why */
	{
		const char *fields[] = { "headline", "Talks resume, edited",
			"body", "Edited body.", "credit", "AFP", "caption",
			"Delegates", "action", "save", NULL };

		post_multipart(&r, &editor, "/desk/post/1", fields,
		    "GIF89a\1\0\1\0\0\0", 12);
	}
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "not a JPEG, PNG or WebP"));
	assert_non_null(strstr(r.body, "The text was saved as a draft"));
	answer_free(&r);
	p = stored(&a, 1);
	assert_string_equal(p->headline, "Talks resume, edited");
	assert_int_equal(p->photo_id, 0);

	/* a real photo with caption and credit, published by the editor */
	f = fopen("demo/photos/conference.jpg", "rb");
	if (!f)
		fail_msg("missing fixture demo/photos/conference.jpg");
	jpg = malloc(1 << 20);
	jl = fread(jpg, 1, 1 << 20, f);
	fclose(f);
	{
		const char *fields[] = { "headline", "Talks resume in Geneva",
			"body", "The talks resumed.", "bylines", "Wren Writer",
			"credit", "Photo: AFP", "caption", "Delegates arrive.",
			"section", "diplomacy", "action", "publish", NULL };

		post_multipart(&r, &editor, "/desk/post/1", fields, jpg, jl);
	}
	assert_int_equal(r.status, 303);
	answer_free(&r);
	free(jpg);
	p = stored(&a, 1);
	assert_int_equal(p->status, POST_PUBLISHED);
	assert_true(p->photo_id > 0);
	assert_string_equal(p->photo_credit, "Photo: AFP");
	assert_true(p->photo.widths[0] > 0);

	/* the edit page shows the revisions; the preview renders */
	req(&r, &editor, WEB_GET, "/desk/post/1?saved=1", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Earlier versions"));
	assert_non_null(strstr(r.body, "Saved."));
	answer_free(&r);
	req(&r, &writer, WEB_GET, "/desk/post/1/preview", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Preview (published)"));
	assert_non_null(strstr(r.body, "<picture>"));
	answer_free(&r);
	/* a writer cannot change it now */
	post_form(&r, &writer, "/desk/post/1", "headline=Mine&action=save");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "Only an editor changes a published"));
	answer_free(&r);

	/* corrections: empty refused beside the field, then appended */
	post_form(&r, &editor, "/desk/post/1/correct", "note=");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "Say what was wrong"));
	answer_free(&r);
	post_form(&r, &editor, "/desk/post/1/correct",
	    "note=The+minister%27s+name+was+misspelled.");
	assert_int_equal(r.status, 303);
	answer_free(&r);
	assert_int_equal(stored(&a, 1)->n_corrections, 1);

	/* scheduling needs a time in the future */
	post_form(&r, &editor, "/desk/posts/new", "headline=Later"
	    "&action=schedule&publish_at=2001-01-01T10:00");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "That time has passed"));
	answer_free(&r);
	post_form(&r, &editor, "/desk/posts/new", "headline=Later"
	    "&action=schedule&publish_at=2199-01-01T10:00");
	assert_int_equal(r.status, 303);
	answer_free(&r);
	assert_int_equal(stored(&a, 2)->status, POST_SCHEDULED);

	/* the list by status */
	req(&r, &writer, WEB_GET, "/desk/posts?status=scheduled", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">Later</a>"));
	assert_null(strstr(r.body, "Talks resume in Geneva</a>"));
	answer_free(&r);
	arena_release(&a);
}

/* The issue's figure: a 5 MB photo from the form's POST to a published
 * post (resize, strip, encode, store, publish), through the handlers. */
static void
issue_10_desk_5mb_photo_to_published(void **state)
{
	struct arena a = ARENA_INIT;
	VipsImage *noise = NULL, *u8 = NULL, *b1 = NULL, *rgb = NULL;
	void *jpg = NULL;
	size_t len = 0;
	struct answer r;
	struct timespec t0, t1;
	const char *fields[] = { "headline", "Five megabytes", "body", "Body.",
		"credit", "Photo: Desk", "caption", "Noise.", "action", "publish",
		NULL };
	struct post *p;

	(void)state;
	assert_int_equal(VIPS_INIT("test_desk_post"), 0);
	assert_int_equal(vips_gaussnoise(&noise, 3000, 2000, "sigma", 25.0,
	    NULL), 0);
	assert_int_equal(vips_cast_uchar(noise, &u8, NULL), 0);
	assert_int_equal(vips_bandjoin_const1(u8, &b1, 128, NULL), 0);
	assert_int_equal(vips_bandjoin_const1(b1, &rgb, 64, NULL), 0);
	assert_int_equal(vips_jpegsave_buffer(rgb, &jpg, &len, "Q", 92, NULL),
	    0);
	if (len < 4500000 || len > 7500000)
		fail_msg("the test photo is %zu bytes, not about 5 MB", len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	post_multipart(&r, &editor, "/desk/posts/new", fields, jpg, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(r.status, 303);
	answer_free(&r);
	p = stored(&a, 1);
	assert_int_equal(p->status, POST_PUBLISHED);
	assert_int_equal(p->photo.widths[2], 1600);
	printf("desk: %.1f MB photo, form POST to published in %.0f ms\n",
	    (double)len / 1e6, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	g_free(jpg);
	g_object_unref(noise);
	g_object_unref(u8);
	g_object_unref(b1);
	g_object_unref(rgb);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(issue_10_desk_post_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    issue_10_desk_5mb_photo_to_published, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
