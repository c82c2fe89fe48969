/*
 * The photo cache: fetch_image_sniff (which bytes count as a photo) and the
 * store's media calls on a real SQLite file. The whole path over HTTP is
 * tests/media.sh.
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

#include "core/arena.h"
#include "core/err.h"
#include "fetch/fetch.h"
#include "parse/parse.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

/* ---- sniffing ---- */

#define B(lit) lit, sizeof(lit) - 1

static const struct {
	const char *name;
	const char *data;
	size_t len;
	int rc;
	const char *type;     /* or the error message when rc < 0 */
	int w, h;
} sniff_cases[] = {
	{ "png", B("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0"
	    "\x08\x02\0\0\0"), 0, "image/png", 640, 480 },
	{ "png without IHDR", B("\x89PNG\r\n\x1a\n\0\0\0\x0dIDAT\0\0\x02\x80"
	    "\0\0\x01\xe0"), ND_EPARSE, "bad image header (image/png)", 0, 0 },
	{ "png of zero width", B("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\0"
	    "\0\0\x01\xe0"), ND_EPARSE, "bad image header (image/png)", 0, 0 },
	{ "jpeg (APP0 then SOF0)", B("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0"
	    "\0\x01\0\x01\0\0\xff\xc0\0\x11\x08\x01\x2c\x01\x90\x03\x01\x22\0"),
	    0, "image/jpeg", 400, 300 },
	{ "progressive jpeg (SOF2)", B("\xff\xd8\xff\xc2\0\x11\x08\0\x10\0\x20"
	    "\x03"), 0, "image/jpeg", 32, 16 },
	{ "jpeg without a frame", B("\xff\xd8\xff\xe0\0\x04\0\0\xff\xd9"),
	    ND_EPARSE, "bad image header (image/jpeg)", 0, 0 },
	{ "gif89a", B("GIF89a\x0a\0\x05\0\x80\0\0"), 0, "image/gif", 10, 5 },
	{ "gif87a", B("GIF87a\x01\0\x01\0\0\0\0"), 0, "image/gif", 1, 1 },
	{ "webp lossy", B("RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a"
	    "\x80\x02\xe0\x01"), 0, "image/webp", 640, 480 },
	{ "webp lossless", B("RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f\x3f\xc0\x03"
	    "\0\0\0\0\0\0\0\0"), 0, "image/webp", 64, 16 },
	{ "webp extended", B("RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0\x7f\x02\0"
	    "\xdf\x01\0"), 0, "image/webp", 640, 480 },
	{ "svg", B("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/"
	    "2000/svg\"><script>alert(1)</script></svg>"), ND_EPARSE,
	    "SVG is refused", 0, 0 },
	{ "svg without a prolog", B("  <SVG onload=alert(1)>"), ND_EPARSE,
	    "SVG is refused", 0, 0 },
	{ "html sent as image/jpeg", B("\xef\xbb\xbf\n<!doctype html><p>hi"),
	    ND_EPARSE, "not an image (HTML or XML)", 0, 0 },
	{ "text", B("hello"), ND_EPARSE, "not an image (unknown format)", 0, 0 },
	{ "empty", "", 0, ND_EPARSE, "not an image (unknown format)", 0, 0 },
	{ "bmp", B("BM\x36\0\0\0\0\0\0\0\x36\0\0\0"), ND_EPARSE,
	    "not an image (unknown format)", 0, 0 },
	{ "truncated png", B("\x89PNG\r\n\x1a\n"), ND_EPARSE,
	    "bad image header (image/png)", 0, 0 },
};

static void
sniff_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sniff_cases) / sizeof(sniff_cases[0]);
	    i++) {
		struct fetch_image img;
		int rc = fetch_image_sniff(&img, sniff_cases[i].data,
		    sniff_cases[i].len);

		if (rc != sniff_cases[i].rc)
			fail_msg("%s: rc %d, want %d (%s)", sniff_cases[i].name,
			    rc, sniff_cases[i].rc, err_msg());
		if (rc < 0) {
			if (strcmp(err_msg(), sniff_cases[i].type) != 0)
				fail_msg("%s: message %s", sniff_cases[i].name,
				    err_msg());
			continue;
		}
		if (strcmp(img.type, sniff_cases[i].type) != 0 ||
		    img.width != sniff_cases[i].w ||
		    img.height != sniff_cases[i].h)
			fail_msg("%s: %s %dx%d", sniff_cases[i].name, img.type,
			    img.width, img.height);
		assert_string_equal(img.ext, model_photo_ext(img.type));
	}
	assert_null(model_photo_ext("image/svg+xml"));
}

/* ---- the store ---- */

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
	struct arena a;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-media-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/store.db", fx->dir);
	if (store_open(&fx->st, fx->path, STORE_CREATE) < 0)
		return -1;
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

static const char feed_xml[] =
	"<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">"
	"<channel><title>t</title>"
	"<item><guid>1</guid><title>old</title>"
	"<pubDate>Sun, 29 Nov 2026 08:00:00 GMT</pubDate>"
	"<media:content url=\"http://p.example/old.jpg\" medium=\"image\"/>"
	"</item>"
	"<item><guid>2</guid><title>new</title>"
	"<pubDate>Sun, 29 Nov 2026 09:00:00 GMT</pubDate>"
	"<media:content url=\"http://p.example/new.jpg\" medium=\"image\"/>"
	"<media:thumbnail url=\"http://p.example/new-t.jpg\"/></item>"
	"<item><guid>3</guid><title>ftp</title>"
	"<pubDate>Sun, 29 Nov 2026 10:00:00 GMT</pubDate>"
	"<media:content url=\"ftp://p.example/x.jpg\" medium=\"image\"/></item>"
	"<item><guid>4</guid><title>none</title></item>"
	"</channel></rss>";

static void
media_put_get_pending(void **state)
{
	struct fixture *fx = *state;
	struct feed *f = NULL;
	struct item_put_stats ist = { 0 };
	struct source src = { .url = "http://p.example/feed" };
	int64_t sid;
	const char **urls = NULL;
	size_t n = 0, ok = 0, bad = 0;
	char key[PHOTO_KEY_LEN + 1], key2[PHOTO_KEY_LEN + 1];
	struct photo *m = NULL;
	static const char png[] = "\x89PNG fake bytes\0with a NUL";

	assert_int_equal(store_source_add(fx->st, &src, &sid), 0);
	assert_int_equal(parse_feed(&f, &fx->a, feed_xml, sizeof(feed_xml) - 1,
	    &(struct parse_opts){ 0 }), 0);
	assert_int_equal(ingest_feed_items(fx->st, sid, f, (int64_t)time(NULL), &ist), 0);
	assert_int_equal(ist.n_new, 4);

	/* newest item first, lead image before thumbnail, no ftp: */
	assert_int_equal(store_media_pending(fx->st, &fx->a, 1000, 100, 10,
	    &urls, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(urls[0], "http://p.example/new.jpg");
	assert_string_equal(urls[1], "http://p.example/new-t.jpg");
	assert_string_equal(urls[2], "http://p.example/old.jpg");
	assert_int_equal(store_media_pending(fx->st, &fx->a, 1000, 100, 1,
	    &urls, &n), 0);
	assert_int_equal(n, 1);
	/* only the newest `recent` items are looked at */
	assert_int_equal(store_media_pending(fx->st, &fx->a, 1000, 1, 10,
	    &urls, &n), 0);
	assert_int_equal(n, 0);   /* the newest (by date) has no photo */

	/* an image: bytes kept exactly (NULs too), keyed by the URL's hash */
	assert_int_equal(store_media_put(fx->st, &(struct photo){
	    .url = "http://p.example/new.jpg", .status = PHOTO_OK,
	    .type = "image/png", .data = png, .len = sizeof(png) - 1,
	    .width = 3, .height = 2, .fetched = 1000 }), 0);
	model_photo_key(key, "http://p.example/new.jpg");
	assert_int_equal(strlen(key), 32);
	assert_int_equal(store_media_get(fx->st, &fx->a, key, true, &m), 0);
	assert_int_equal(m->status, PHOTO_OK);
	assert_string_equal(m->type, "image/png");
	assert_int_equal(m->len, sizeof(png) - 1);
	assert_memory_equal(m->data, png, sizeof(png) - 1);
	assert_int_equal(m->width, 3);
	assert_int_equal(store_media_get(fx->st, &fx->a, key, false, &m), 0);
	assert_null(m->data);
	assert_int_equal(m->len, sizeof(png) - 1);
	assert_int_equal(store_media_get(fx->st, &fx->a, "00", false, &m),
	    ND_ENOTFOUND);

	/* a failure never replaces an image */
	assert_int_equal(store_media_put(fx->st, &(struct photo){
	    .url = "http://p.example/new.jpg", .status = PHOTO_FAILED,
	    .error = "timed out", .attempts = 1, .fetched = 2000 }), 0);
	assert_int_equal(store_media_get(fx->st, &fx->a, key, false, &m), 0);
	assert_int_equal(m->status, PHOTO_OK);

	/* a transient failure is retried after next_try, up to the maximum
	 * number of attempts; a permanent one never */
	assert_int_equal(store_media_put(fx->st, &(struct photo){
	    .url = "http://p.example/new-t.jpg", .status = PHOTO_FAILED,
	    .error = "timed out after 30 s", .attempts = 1, .fetched = 1000,
	    .next_try = 4600 }), 0);
	assert_int_equal(store_media_put(fx->st, &(struct photo){
	    .url = "http://p.example/old.jpg", .status = PHOTO_FAILED,
	    .error = "SVG is refused", .attempts = PHOTO_MAX_ATTEMPTS,
	    .fetched = 1000 }), 0);
	assert_int_equal(store_media_pending(fx->st, &fx->a, 2000, 100, 10,
	    &urls, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_media_pending(fx->st, &fx->a, 5000, 100, 10,
	    &urls, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(urls[0], "http://p.example/new-t.jpg");
	for (int i = 0; i < PHOTO_MAX_ATTEMPTS; i++)
		assert_int_equal(store_media_put(fx->st, &(struct photo){
		    .url = "http://p.example/new-t.jpg",
		    .status = PHOTO_FAILED, .error = "timed out",
		    .attempts = 1, .fetched = 5000, .next_try = 5001 }), 0);
	assert_int_equal(store_media_pending(fx->st, &fx->a, 99999, 100, 10,
	    &urls, &n), 0);
	assert_int_equal(n, 0);
	model_photo_key(key2, "http://p.example/new-t.jpg");
	assert_int_equal(store_media_get(fx->st, &fx->a, key2, false, &m), 0);
	assert_int_equal(m->status, PHOTO_FAILED);
	assert_string_equal(m->error, "timed out");
	assert_true(m->attempts >= PHOTO_MAX_ATTEMPTS);

	assert_int_equal(store_media_count(fx->st, &ok, &bad), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(bad, 2);
	/* an image needs bytes and a type */
	assert_int_equal(store_media_put(fx->st, &(struct photo){
	    .url = "http://p.example/z.jpg", .status = PHOTO_OK }),
	    ND_EINVAL);
	assert_int_equal(store_check(fx->st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff_table),
		cmocka_unit_test_setup_teardown(media_put_get_pending, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
