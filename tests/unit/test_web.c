/*
 * Unit and HTTP tests for the web layer's request handling: form parsing
 * (urlencoded, multipart, limits), cookies, the cache key of a route, the
 * dispatcher walked over a route table x user role x method x CSRF token,
 * and then the same over real HTTP on 127.0.0.1: a server started with a
 * test-only route table (web_start_routes), so no fake route ships on
 * the public site.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/log.h"
#include "model/model.h"
#include "store/store.h"
#include "web/http_int.h"
#include "web/web_int.h"
#include "core/banned.h"

static const struct web_limits lim = {
	.max_body = 4096, .max_fields = 4, .max_field = 16, .max_file = 64,
	.max_query = 8, .max_cookies = 3,
};

/* ---- forms ---- */

static void
urlencoded(void **state)
{
	struct arena a = ARENA_INIT;
	struct web_param *f;
	size_t n;
	static const char *big = "v=12345678901234567";   /* 17 > 16 */

	(void)state;
	assert_int_equal(web_form_urlencoded(&a, "a=1&b=x+y%21&&c&d=%00z", 22,
	    8, 16, &f, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(f[0].name, "a");
	assert_string_equal(f[0].value, "1");
	assert_string_equal(f[1].value, "x y!");
	assert_string_equal(f[2].name, "c");
	assert_string_equal(f[2].value, "");
	assert_int_equal(f[3].len, 2);           /* NUL kept, counted */
	assert_int_equal(f[3].value[1], 'z');
	/* limits and malformed input */
	assert_int_equal(web_form_urlencoded(&a, "a=1&b=2&c=3", 11, 2, 16,
	    &f, &n), 400);
	assert_int_equal(web_form_urlencoded(&a, big, strlen(big), 8, 16, &f,
	    &n), 413);
	assert_int_equal(web_form_urlencoded(&a, "a=%4", 4, 8, 16, &f, &n), 400);
	assert_int_equal(web_form_urlencoded(&a, "a=%zz", 5, 8, 16, &f, &n),
	    400);
	arena_release(&a);
}

#define CT "multipart/form-data; boundary=XyZ"

static void
multipart(void **state)
{
	static const char body[] =
	    "preamble\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
	    "Hello\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"photo\"; "
	    "filename=\"a \\\"b\\\".jpg\"\r\n"
	    "Content-Type: image/jpeg\r\n\r\n"
	    "\xff\xd8\0\r\n--Xy not yet\r\n"
	    "--XyZ--\r\n";
	struct arena a = ARENA_INIT;
	struct web_param *f;
	size_t n;
	struct web_limits l = lim;

	(void)state;
	assert_int_equal(web_form_multipart(&a, CT, body, sizeof(body) - 1, &l,
	    &f, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].name, "title");
	assert_string_equal(f[0].value, "Hello");
	assert_null(f[0].filename);
	assert_string_equal(f[1].name, "photo");
	assert_string_equal(f[1].filename, "a \"b\".jpg");
	assert_string_equal(f[1].ctype, "image/jpeg");
	assert_int_equal(f[1].len, 17);
	assert_memory_equal(f[1].value, "\xff\xd8\0\r\n--Xy not yet", 17);
	/* a quoted boundary */
	assert_int_equal(web_form_multipart(&a,
	    "multipart/form-data; charset=x; boundary=\"XyZ\"", body,
	    sizeof(body) - 1, &l, &f, &n), 0);
	/* no boundary, an unterminated body, a part without a name */
	assert_int_equal(web_form_multipart(&a, "multipart/form-data", body,
	    sizeof(body) - 1, &l, &f, &n), 400);
	assert_int_equal(web_form_multipart(&a, CT, body, 60, &l, &f, &n), 400);
	{
		static const char noname[] = "--XyZ\r\nContent-Disposition: "
		    "form-data\r\n\r\nx\r\n--XyZ--";

		assert_int_equal(web_form_multipart(&a, CT, noname,
		    sizeof(noname) - 1, &l, &f, &n), 400);
	}
	{
		/* a part with no headers (the empty line right after the
		 * delimiter) has none: headers further down its content are
		 * content, as the streaming reader reads them (fuzz_mpstream
		 * found the two disagreeing) */
		static const char bare[] = "--XyZ\r\n\r\nX-Note: 1\r\nContent-Disposition: "
		    "form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n"
		    "y\r\n--XyZ--";

		assert_int_equal(web_form_multipart(&a, CT, bare,
		    sizeof(bare) - 1, &l, &f, &n), 400);
	}
	/* a field over max_field, a file over max_file, too many parts */
	l.max_field = 4;
	assert_int_equal(web_form_multipart(&a, CT, body, sizeof(body) - 1, &l,
	    &f, &n), 413);
	l = lim;
	l.max_file = 10;
	assert_int_equal(web_form_multipart(&a, CT, body, sizeof(body) - 1, &l,
	    &f, &n), 413);
	l = lim;
	l.max_fields = 1;
	assert_int_equal(web_form_multipart(&a, CT, body, sizeof(body) - 1, &l,
	    &f, &n), 400);
	arena_release(&a);
}

static void
form_parse_by_type(void **state)
{
	struct web_req r;

	(void)state;
	web_req_init(&r, NULL, WEB_POST, "/x");
	assert_int_equal(web_form_parse(&r, "text/plain", "a", 1, &lim), 415);
	assert_int_equal(web_form_parse(&r, NULL, "a", 1, &lim), 415);
	assert_int_equal(web_form_parse(&r, NULL, "", 0, &lim), 0);
	{
		char big[5000];

		memset(big, 'a', sizeof(big));
		assert_int_equal(web_form_parse(&r,
		    "application/x-www-form-urlencoded", big, sizeof(big), &lim),
		    413);
	}
	assert_int_equal(web_form_parse(&r,
	    "Application/X-WWW-Form-Urlencoded; charset=utf-8", "k=v", 3, &lim),
	    0);
	assert_string_equal(web_form(&r, "k"), "v");
	assert_null(web_form(&r, "nope"));
	web_req_release(&r);
}

static void
cookies(void **state)
{
	struct arena a = ARENA_INIT;
	struct web_param *c;
	size_t n;

	(void)state;
	assert_int_equal(web_cookies_parse(&a, " a=1;b = two ; junk; c=\"q\";"
	    " =x", 8, &c, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].name, "a");
	assert_string_equal(c[0].value, "1");
	assert_string_equal(c[1].name, "b");
	assert_string_equal(c[1].value, "two");
	assert_string_equal(c[2].value, "q");
	assert_int_equal(web_cookies_parse(&a, "a=1; b=2; c=3; d=4", 3, &c, &n),
	    400);
	assert_int_equal(web_cookies_parse(&a, "", 3, &c, &n), 0);
	assert_int_equal(n, 0);
	arena_release(&a);
}

/* ---- the dispatcher ---- */

static int
h_ok(struct web_req *r)
{
	r->ctype = "text/plain; charset=utf-8";
	buf_adds(&r->pg.b, "ok\n");
	return 0;
}

static int
h_echo(struct web_req *r)
{
	r->ctype = "text/plain; charset=utf-8";
	buf_addf(&r->pg.b, "%s\n", r->method == WEB_POST ? "POST" : "GET");
	for (size_t i = 0; i < r->n_form; i++) {
		if (r->form[i].filename)
			buf_addf(&r->pg.b, "file %s %s %zu\n", r->form[i].name,
			    r->form[i].filename, r->form[i].len);
		else
			buf_addf(&r->pg.b, "%s=%s\n", r->form[i].name,
			    r->form[i].value);
	}
	return 0;
}

static int
h_token(struct web_req *r)
{
	r->ctype = "text/plain; charset=utf-8";
	buf_adds(&r->pg.b, web_csrf_token(r));
	return 0;
}

static const struct route_key keys_t[] = {
	{ "page", 2, 10 }, { "q", 0, 0 }, { NULL, 0, 0 },
};

static const struct route table[] = {
	{ "/pub",        h_ok,    WEB_GET, ROUTE_CACHE, 0, keys_t },
	{ "/post",       h_echo,  WEB_POST, 0, 0, NULL },
	{ "/both/{x}",   h_echo,  WEB_GET | WEB_POST, 0, 0, NULL },
	{ "/csrf",       h_echo,  WEB_POST, ROUTE_CSRF, 0, NULL },
	{ "/token",      h_token, WEB_GET, 0, 0, NULL },
	{ "/desk/edit",  h_echo,  WEB_GET | WEB_POST, ROUTE_LOGIN | ROUTE_CSRF,
	  USER_ROLE_EDITOR, NULL },
	{ "/desk/admin", h_ok,    WEB_GET, ROUTE_LOGIN, USER_ROLE_ADMIN, NULL },
	{ "/desk/any",   h_ok,    WEB_GET, ROUTE_LOGIN, USER_ROLE_NONE, NULL },
};
#define NT (sizeof(table) / sizeof(table[0]))

#define TOKEN "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"   /* 43 */

/* What the dispatcher must answer, from the table's words. */
static int
expected(const struct route *rt, const struct user *u, unsigned m,
    int csrf, bool html)
{
	unsigned want = m == WEB_HEAD ? WEB_GET : m;

	if (!(rt->methods & want))
		return 405;
	if (rt->flags & ROUTE_LOGIN) {
		if (!u)
			return html && m != WEB_POST ? 303 : 401;
		if (u->role < rt->role)
			return 403;
	}
	if ((rt->flags & ROUTE_CSRF) && m == WEB_POST && csrf != 2)
		return 403;
	return 0;
}

static void
dispatcher_walk(void **state)
{
	static const struct user users[] = {
		{ .id = 1, .email = "c@x", .name = "C",
		  .role = USER_ROLE_CORRESPONDENT },
		{ .id = 2, .email = "e@x", .name = "E", .role = USER_ROLE_EDITOR },
		{ .id = 3, .email = "a@x", .name = "A", .role = USER_ROLE_ADMIN },
	};
	static const unsigned methods[] = { WEB_GET, WEB_HEAD, WEB_POST };
	size_t n_checked = 0;

	(void)state;
	for (size_t t = 0; t < NT; t++)
	for (int ui = -1; ui < 3; ui++)
	for (size_t mi = 0; mi < 3; mi++)
	for (int csrf = 0; csrf < 3; csrf++)      /* none, wrong, right */
	for (int html = 0; html < 2; html++) {
		struct web_req r;
		const struct route *rt = NULL;
		char path[64];
		int got, want;
		struct web_param ck = { .name = WEB_CSRF_COOKIE, .value = TOKEN,
			.len = 43 };
		struct web_param fv = { .name = WEB_CSRF_FIELD,
			.value = csrf == 2 ? TOKEN :
			    "0123456789abcdefghijklmnopqrstuvwxyzABCDEX",
			.len = 43 };

		snprintf(path, sizeof(path), "%s", table[t].pattern);
		if (strstr(path, "{x}"))
			memcpy(strstr(path, "{x}"), "abc", 3);
		web_req_init(&r, NULL, methods[mi], path);
		r.user = ui < 0 ? NULL : &users[ui];
		r.accepts_html = html;
		r.cookies = &ck;
		r.n_cookies = 1;
		if (csrf) {
			r.form = &fv;
			r.n_form = 1;
		}
		got = web_dispatch(table, NT, &r, &rt);
		want = expected(&table[t], r.user, methods[mi], csrf, html);
		if (got != want)
			fail_msg("%s %s user=%d csrf=%d html=%d: got %d, want %d",
			    methods[mi] == WEB_POST ? "POST" : "GET", path, ui,
			    csrf, html, got, want);
		if (got == 405)
			assert_non_null(r.allow);
		if (got == 303)
			assert_string_equal(r.location, arena_printf(&r.a,
			    "/desk/login?next=%s", strcmp(path, "/desk/edit") == 0 ?
			    "%2Fdesk%2Fedit" : strcmp(path, "/desk/admin") == 0 ?
			    "%2Fdesk%2Fadmin" : "%2Fdesk%2Fany"));
		if (got == 0)
			assert_ptr_equal(rt, &table[t]);
		web_req_release(&r);
		n_checked++;
	}
	print_message("%zu dispatcher cases\n", n_checked);
	/* a few by hand, independent of the oracle above */
	{
		struct web_req r;
		const struct route *rt;

		web_req_init(&r, NULL, WEB_POST, "/pub");
		assert_int_equal(web_dispatch(table, NT, &r, &rt), 405);
		assert_string_equal(r.allow, "GET, HEAD");
		web_req_release(&r);
		web_req_init(&r, NULL, WEB_GET, "/post");
		assert_int_equal(web_dispatch(table, NT, &r, &rt), 405);
		assert_string_equal(r.allow, "POST");
		web_req_release(&r);
		web_req_init(&r, NULL, WEB_HEAD, "/both/x");
		assert_int_equal(web_dispatch(table, NT, &r, &rt), 0);
		assert_string_equal(r.args[0], "x");
		web_req_release(&r);
		web_req_init(&r, NULL, WEB_GET, "/nope");
		assert_int_equal(web_dispatch(table, NT, &r, &rt), 404);
		web_req_release(&r);
		web_req_init(&r, NULL, WEB_POST, "/csrf");
		assert_int_equal(web_dispatch(table, NT, &r, &rt), 403);
		web_req_release(&r);
	}
}

static const char *
fake_query(void *payload, const char *name)
{
	const char *const *kv = payload;

	for (; kv[0]; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

static void
cache_keys(void **state)
{
	static const char *q1[] = { "q", "a&b=c%", "page", "02", "x", "y", NULL };
	static const char *q2[] = { "page", "1", NULL };
	static const char *q3[] = { "page", "11", "q", "", NULL };
	char *k;

	(void)state;
	k = web_cache_key("/pub", &table[0], fake_query, q1);
	assert_string_equal(k, "/pub?page=2&q=a%26b%3Dc%25");
	free(k);
	/* page 1, out of range, empty: the page without them */
	k = web_cache_key("/pub", &table[0], fake_query, q2);
	assert_string_equal(k, "/pub");
	free(k);
	k = web_cache_key("/pub", &table[0], fake_query, q3);
	assert_string_equal(k, "/pub");
	free(k);
	/* uncached and login routes have no key */
	assert_null(web_cache_key("/post", &table[1], fake_query, q2));
	assert_null(web_cache_key("/desk/admin", &table[6], fake_query, q2));
	assert_null(web_cache_key("/x", NULL, fake_query, q2));
}

/* ---- over HTTP ---- */

static struct {
	char dir[64];
	struct config cfg;
	struct site *site;
	struct web *web;
	int port;
} H;

static int
http_setup(void **state)
{
	struct store *st = NULL;
	char db[128];

	(void)state;
	snprintf(H.dir, sizeof(H.dir), "/tmp/nd-test-web-XXXXXX");
	if (!mkdtemp(H.dir))
		return -1;
	snprintf(db, sizeof(db), "%s/t.db", H.dir);
	if (store_open(&st, db, STORE_CREATE) < 0)
		return -1;
	store_close(st);
	cfg_init(&H.cfg);
	if (site_new(&H.site, &H.cfg, db) < 0)
		return -1;
	if (web_start_routes(&H.web, H.site, &H.cfg, "127.0.0.1:0", table,
	    NT) < 0)
		return -1;
	H.port = web_port(H.web);
	return 0;
}

static int
http_teardown(void **state)
{
	char p[160];

	(void)state;
	web_site_stop(H.web, H.site);
	cfg_release(&H.cfg);
	snprintf(p, sizeof(p), "%s/t.db", H.dir);
	store_remove(p);
	rmdir(H.dir);
	return 0;
}

/* Sends req (with Connection: close) and returns the whole answer. */
static char *
http(const char *req, size_t len, int *out_status)
{
	struct sockaddr_in sa = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct buf b = BUF_INIT(1 << 20);
	char chunk[4096];
	ssize_t n;
	size_t off = 0;

	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)H.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* send while reading: the server may answer (413) and close
	 * before the body is all sent, and the answer must not be lost */
	while (off < len) {
		struct pollfd pfd = { fd, POLLIN | POLLOUT, 0 };

		if (poll(&pfd, 1, 5000) <= 0)
			break;
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			break;
		n = send(fd, req + off, len - off > 65536 ? 65536 : len - off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	*out_status = 0;
	if (b.len > 12 && strncmp(b.ptr, "HTTP/1.1 ", 9) == 0)
		*out_status = (int)strtol(b.ptr + 9, NULL, 10);
	return buf_detach(&b, NULL);
}

static char *
http_lit(const char *req, int *out_status)
{
	return http(req, strlen(req), out_status);
}

static char *
post(const char *path, const char *ctype, const char *extra,
    const char *body, size_t len, int *out_status)
{
	struct buf b = BUF_INIT(0);
	char *out;

	buf_addf(&b, "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", path, ctype,
	    len, extra ? extra : "");
	buf_add(&b, body, len);
	out = http(b.ptr, b.len, out_status);
	buf_release(&b);
	return out;
}

#define FORM "application/x-www-form-urlencoded"

static void
http_methods_and_forms(void **state)
{
	int st;
	char *r;

	(void)state;
	/* POST on a POST route; 405 with Allow elsewhere */
	r = post("/post", FORM, NULL, "a=1&b=x+y", 9, &st);
	assert_int_equal(st, 200);
	assert_non_null(strstr(r, "POST\na=1\nb=x y\n"));
	free(r);
	r = post("/pub", FORM, NULL, "a=1", 3, &st);
	assert_int_equal(st, 405);
	assert_non_null(strstr(r, "Allow: GET, HEAD\r\n"));
	free(r);
	r = http_lit("GET /post HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &st);
	assert_int_equal(st, 405);
	assert_non_null(strstr(r, "Allow: POST\r\n"));
	free(r);
	r = http_lit("PUT /post HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &st);
	assert_int_equal(st, 405);
	free(r);
	r = post("/both/z", FORM, NULL, "k=v", 3, &st);
	assert_int_equal(st, 200);
	free(r);
	r = post("/nope", FORM, NULL, "k=v", 3, &st);
	assert_int_equal(st, 404);
	free(r);
	/* multipart with a file */
	{
		static const char body[] = "--B\r\nContent-Disposition: form-data; "
		    "name=\"t\"\r\n\r\nhi\r\n--B\r\nContent-Disposition: form-data; "
		    "name=\"f\"; filename=\"x.jpg\"\r\nContent-Type: image/jpeg"
		    "\r\n\r\n\xff\xd8\xff\xe0\0\0\r\n--B--\r\n";

		r = post("/post", "multipart/form-data; boundary=B", NULL, body,
		    sizeof(body) - 1, &st);
		assert_int_equal(st, 200);
		assert_non_null(strstr(r, "t=hi\nfile f x.jpg 6\n"));
		free(r);
	}
	/* limits: a body over the cap (said by Content-Length, and sent
	 * chunked), too many fields, a field too long, a bad type, a bad
	 * form */
	{
		size_t big = (8u << 20) + 1;
		char *body = malloc(big);

		memset(body, 'a', big);
		memcpy(body, "a=", 2);
		r = post("/post", FORM, NULL, body, big, &st);
		assert_int_equal(st, 413);
		free(r);
		free(body);
	}
	{
		struct buf b = BUF_INIT(0);
		char chunk[70000];

		memset(chunk, 'a', sizeof(chunk));
		buf_adds(&b, "POST /post HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		    "Content-Type: " FORM "\r\nTransfer-Encoding: chunked\r\n\r\n");
		for (int i = 0; i < 130; i++) {
			buf_addf(&b, "%zx\r\n", sizeof(chunk));
			buf_add(&b, chunk, sizeof(chunk));
			buf_adds(&b, "\r\n");
		}
		buf_adds(&b, "0\r\n\r\n");
		r = http(b.ptr, b.len, &st);
		assert_int_equal(st, 413);
		free(r);
		buf_release(&b);
	}
	{
		struct buf b = BUF_INIT(0);

		for (int i = 0; i < 65; i++)
			buf_addf(&b, "%sf%d=1", i ? "&" : "", i);
		r = post("/post", FORM, NULL, b.ptr, b.len, &st);
		assert_int_equal(st, 400);
		free(r);
		buf_reset(&b);
		buf_adds(&b, "f=");
		for (int i = 0; i < (64 << 10) + 1; i++)
			buf_addc(&b, 'x');
		r = post("/post", FORM, NULL, b.ptr, b.len, &st);
		assert_int_equal(st, 413);
		free(r);
		buf_release(&b);
	}
	r = post("/post", "text/plain", NULL, "hello", 5, &st);
	assert_int_equal(st, 415);
	free(r);
	r = post("/post", FORM, NULL, "a=%zz", 5, &st);
	assert_int_equal(st, 400);
	free(r);
	r = post("/post", "multipart/form-data; boundary=B", NULL, "junk", 4,
	    &st);
	assert_int_equal(st, 400);
	free(r);
	/* the server still answers */
	r = http_lit("GET /pub HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &st);
	assert_int_equal(st, 200);
	free(r);
}

static void
http_csrf_and_login(void **state)
{
	int st;
	char *r, *tok, *e;
	char cookie[128], body[128];

	(void)state;
	/* a form page hands out the token and sets the cookie */
	r = http_lit("GET /token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &st);
	assert_int_equal(st, 200);
	assert_non_null(strstr(r, "Set-Cookie: nd_csrf="));
	assert_non_null(strstr(r, "HttpOnly; SameSite=Strict"));
	assert_non_null(strstr(r, "Cache-Control: no-store"));
	tok = strstr(r, "\r\n\r\n") + 4;
	assert_int_equal(strlen(tok), 43);
	snprintf(cookie, sizeof(cookie), "Cookie: other=1; nd_csrf=%s\r\n", tok);
	snprintf(body, sizeof(body), "csrf_token=%s&x=1", tok);
	/* right token: passes */
	e = post("/csrf", FORM, cookie, body, strlen(body), &st);
	assert_int_equal(st, 200);
	assert_non_null(strstr(e, "x=1"));
	free(e);
	/* missing field, missing cookie, wrong token: 403 */
	e = post("/csrf", FORM, cookie, "x=1", 3, &st);
	assert_int_equal(st, 403);
	free(e);
	e = post("/csrf", FORM, NULL, body, strlen(body), &st);
	assert_int_equal(st, 403);
	free(e);
	body[15] = body[15] == 'A' ? 'B' : 'A';
	e = post("/csrf", FORM, cookie, body, strlen(body), &st);
	assert_int_equal(st, 403);
	free(e);
	free(r);
	/* login: nobody signs in yet, so a browser is sent to the login
	 * page and a script is told 401, for GET and POST */
	r = http_lit("GET /desk/admin HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n"
	    "Connection: close\r\n\r\n", &st);
	assert_int_equal(st, 303);
	assert_non_null(strstr(r, "Location: /desk/login?next=%2Fdesk%2Fadmin"));
	free(r);
	r = http_lit("GET /desk/admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "\r\n", &st);
	assert_int_equal(st, 401);
	free(r);
	r = post("/desk/edit", FORM, NULL, "a=1", 3, &st);
	assert_int_equal(st, 401);
	free(r);
}

/* issue 13: the target and field-name checks made before MHD's parse of
 * them is trusted */
static void
issue_13_target_checks(void **state)
{
	static const struct { const char *t; int want; } targets[] = {
		{ "/", 0 }, { "/item/1", 0 }, { "/search?q=a&page=2", 0 },
		{ "/?a&b&c&d", 0 }, { "/?a&b&c&d&e", 414 }, { "/?&&&&", 414 },
		{ "/item/1%00", 400 }, { "/s.css%00.html", 400 },
		{ "/search?q=a%00b", 400 }, { "/a%0", 0 }, { "/a%01", 0 },
		{ "/0123456789012345678", 0 }, { "/01234567890123456789", 414 },
	};
	static const struct { const char *t, *path; } paths[] = {
		{ "/x", "/x" }, { "http://h/x/y", "/x/y" }, { "HTTP://h:80", "/" },
		{ "https://h/", "/" }, { "http://h?x", NULL }, { "ftp://h/x", NULL },
		{ "*", NULL }, { "x/y", NULL }, { "http:/x", NULL },
	};
	static const struct { const char *n; bool ok; } names[] = {
		{ "Host", true }, { "X-A_b.c~", true }, { "", false },
		{ "Transfer-Encoding ", false }, { "X\tA", false },
		{ "A:B", false }, { "X-A\x80", false }, { "A B", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (web_target_check(targets[i].t, 20, 4) != targets[i].want)
			fail_msg("target %s: want %d", targets[i].t,
			    targets[i].want);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *p = web_target_path(paths[i].t);

		if (paths[i].path)
			assert_string_equal(p ? p : "(null)", paths[i].path);
		else if (p)
			fail_msg("target %s: path %s, want none", paths[i].t, p);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (web_field_name_ok(names[i].n, strlen(names[i].n)) !=
		    names[i].ok)
			fail_msg("field name '%s'", names[i].n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urlencoded),
		cmocka_unit_test(multipart),
		cmocka_unit_test(form_parse_by_type),
		cmocka_unit_test(cookies),
		cmocka_unit_test(issue_13_target_checks),
		cmocka_unit_test(dispatcher_walk),
		cmocka_unit_test(cache_keys),
	};
	const struct CMUnitTest http_tests[] = {
		cmocka_unit_test(http_methods_and_forms),
		cmocka_unit_test(http_csrf_and_login),
	};
	int rc;

	log_levels[LOG_WEB] = LOG_WARN;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc | cmocka_run_group_tests(http_tests, http_setup,
	    http_teardown);
}
