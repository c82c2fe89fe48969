/* Unit tests for desk photos (issue 10, render/photo.c): the type from
 * the bytes, size and pixel limits, EXIF rotation, and no metadata (EXIF
 * with GPS, XMP, IPTC) in any published copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <vips/vips.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "render/photo.h"
#include "core/banned.h"

/* bytes of the GPS latitude rationals: found nowhere in the output */
static const unsigned char gps_mark[] = { 0x00, 0x42, 0x42, 0x21 };

static void
be16(struct buf *b, unsigned v)
{
	buf_addc(b, (char)(v >> 8));
	buf_addc(b, (char)(v & 255));
}

static void
be32(struct buf *b, unsigned long v)
{
	be16(b, (unsigned)(v >> 16));
	be16(b, (unsigned)(v & 0xffff));
}

/* One IFD entry, big-endian. */
static void
ifd_entry(struct buf *b, unsigned tag, unsigned type, unsigned long count,
    unsigned long value)
{
	be16(b, tag);
	be16(b, type);
	be32(b, count);
	be32(b, value);
}

/* A w x h JPEG (a gradient, as libvips saves it) with an EXIF block
 * (orientation 6: rotate 90 degrees, and a GPS latitude), an XMP block
 * and an IPTC block spliced in after SOI. Caller frees with free(). */
static unsigned char *
jpeg_with_gps(int w, int h, size_t *out_len)
{
	VipsImage *img = NULL;
	void *jpg = NULL;
	size_t jl = 0;
	struct buf tiff = BUF_INIT(BUF_NOCAP), out = BUF_INIT(BUF_NOCAP);
	static const char xmp_ns[] = "http://ns.adobe.com/xap/1.0/";
	static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
	    "secret-xmp-marker GPSLatitude=33,18.5N</x:xmpmeta>";
	static const char iptc_caption[] = "secret-iptc-marker";

	assert_int_equal(vips_xyz(&img, w, h, NULL), 0);
	{
		VipsImage *u8 = NULL;

		assert_int_equal(vips_cast_uchar(img, &u8, NULL), 0);
		g_object_unref(img);
		img = u8;
	}
	assert_int_equal(vips_jpegsave_buffer(img, &jpg, &jl, NULL), 0);
	g_object_unref(img);
	/* TIFF: IFD0 (orientation, GPS pointer) at 8, GPS IFD at 38,
	 * latitude rationals at 68 */
	buf_add(&tiff, "MM\0\x2a", 4);
	be32(&tiff, 8);
	be16(&tiff, 2);
	ifd_entry(&tiff, 0x0112, 3, 1, 6ul << 16);
	ifd_entry(&tiff, 0x8825, 4, 1, 38);
	be32(&tiff, 0);
	be16(&tiff, 2);
	ifd_entry(&tiff, 0x0001, 2, 2, 0x4e000000ul);
	ifd_entry(&tiff, 0x0002, 5, 3, 68);
	be32(&tiff, 0);
	for (int i = 0; i < 3; i++) {
		buf_add(&tiff, gps_mark, sizeof(gps_mark));
		be32(&tiff, 1);
	}
	assert_int_equal(buf_err(&tiff), 0);

	buf_add(&out, "\xff\xd8", 2);
	buf_add(&out, "\xff\xe1", 2);
	be16(&out, (unsigned)(2 + 6 + tiff.len));
	buf_add(&out, "Exif\0\0", 6);
	buf_add(&out, tiff.ptr, tiff.len);
	buf_add(&out, "\xff\xe1", 2);
	be16(&out, (unsigned)(2 + sizeof(xmp_ns) + strlen(xmp)));
	buf_add(&out, xmp_ns, sizeof(xmp_ns));
	buf_add(&out, xmp, strlen(xmp));
	buf_add(&out, "\xff\xed", 2);
	be16(&out, (unsigned)(2 + 14 + 12 + 5 + strlen(iptc_caption)));
	buf_add(&out, "Photoshop 3.0\0", 14);
	buf_add(&out, "8BIM\x04\x04\0\0", 8);
	be32(&out, (unsigned long)(5 + strlen(iptc_caption)));
	buf_add(&out, "\x1c\x02\x78", 3);
	be16(&out, (unsigned)strlen(iptc_caption));
	buf_add(&out, iptc_caption, strlen(iptc_caption));
	buf_add(&out, (const char *)jpg + 2, jl - 2);
	assert_int_equal(buf_err(&out), 0);
	buf_release(&tiff);
	g_free(jpg);
	return (unsigned char *)buf_detach(&out, out_len);
}

static bool
has(const void *hay, size_t n, const void *needle, size_t m)
{
	const unsigned char *h = hay;

	for (size_t i = 0; m && i + m <= n; i++)
		if (memcmp(h + i, needle, m) == 0)
			return true;
	return false;
}

static void
issue_10_photo_strips_gps_and_rotates(void **state)
{
	struct arena a = ARENA_INIT;
	struct render_photo ph;
	size_t len = 0;
	unsigned char *jpg = jpeg_with_gps(640, 320, &len);
	VipsImage *check;

	(void)state;
	/* the input really carries what must go: libvips reads it back */
	check = vips_image_new_from_buffer(jpg, len, "", NULL);
	assert_non_null(check);
	assert_int_equal(vips_image_get_orientation(check), 6);
	if (vips_image_get_typeof(check, "exif-ifd3-GPSLatitude") == 0 ||
	    vips_image_get_typeof(check, VIPS_META_XMP_NAME) == 0 ||
	    vips_image_get_typeof(check, VIPS_META_IPTC_NAME) == 0)
		fail_msg("the test photo lacks its GPS, XMP or IPTC block");
	g_object_unref(check);

	assert_int_equal(render_photo_make(&a, jpg, len, 0, 77, &ph), 0);
	assert_string_equal(ph.type, "image/jpeg");
	/* rotated upright first: 640 x 320 with orientation 6 is 320 x 640 */
	assert_int_equal(ph.width, 320);
	assert_int_equal(ph.height, 640);
	assert_int_equal(ph.desk.widths[0], 320);
	assert_int_equal(ph.desk.widths[1], 0);
	assert_int_equal(ph.n_variants, 2);
	for (size_t i = 0; i < ph.n_variants; i++) {
		const struct photo *v = &ph.variants[i];
		VipsImage *o;

		assert_true(v->len > 100);
		static const struct { const char *what; size_t n; } marks[] = {
			{ "Exif", 4 }, { "EXIF", 4 }, { "XMP ", 4 },
			{ "ns.adobe.com", 12 }, { "Photoshop", 9 },
			{ "secret-", 7 }, { "\x00\x42\x42\x21", 4 },
		};

		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (has(v->data, v->len, marks[k].what, marks[k].n))
				fail_msg("variant %zu (%s) kept metadata: mark "
				    "%zu", i, v->type, k);
		o = vips_image_new_from_buffer(v->data, v->len, "", NULL);
		assert_non_null(o);
		assert_int_equal(vips_image_get_width(o), 320);
		assert_int_equal(vips_image_get_height(o), 640);
		assert_int_equal(vips_image_get_typeof(o, VIPS_META_EXIF_NAME), 0);
		assert_int_equal(vips_image_get_typeof(o, VIPS_META_XMP_NAME), 0);
		assert_int_equal(vips_image_get_typeof(o, VIPS_META_IPTC_NAME), 0);
		g_object_unref(o);
	}
	assert_string_equal(ph.variants[0].type, "image/webp");
	assert_string_equal(ph.variants[1].type, "image/jpeg");
	assert_true(has(ph.variants[0].data, 12, "WEBP", 4));
	free(jpg);
	arena_release(&a);
}

static void
issue_10_photo_widths_never_upscale(void **state)
{
	struct arena a = ARENA_INIT;
	struct render_photo ph;
	VipsImage *img = NULL, *u8 = NULL;
	void *png = NULL;
	size_t len = 0;
	const char *webp, *jpeg, *src;
	int sw, sh;

	(void)state;
	assert_int_equal(vips_xyz(&img, 2000, 1000, NULL), 0);
	assert_int_equal(vips_cast_uchar(img, &u8, NULL), 0);
	assert_int_equal(vips_pngsave_buffer(u8, &png, &len, NULL), 0);
	assert_int_equal(render_photo_make(&a, png, len, 0, 1, &ph), 0);
	assert_string_equal(ph.type, "image/png");
	assert_int_equal(ph.desk.widths[0], 480);
	assert_int_equal(ph.desk.widths[1], 960);
	assert_int_equal(ph.desk.widths[2], 1600);
	assert_int_equal(ph.desk.widths[3], 0);
	assert_int_equal(ph.n_variants, 6);
	assert_int_equal(ph.variants[4].width, 1600);
	assert_int_equal(ph.variants[4].height, 800);
	assert_int_equal(ph.desk.width, 1600);
	render_photo_srcsets(&a, &ph.desk, &webp, &jpeg, &src, &sw, &sh);
	assert_non_null(strstr(webp, ".webp 480w, /media/"));
	assert_non_null(strstr(jpeg, ".jpg 1600w"));
	assert_int_equal(sw, 960);
	assert_int_equal(sh, 480);
	assert_non_null(src);
	g_free(png);
	g_object_unref(img);
	g_object_unref(u8);
	arena_release(&a);
}

static void
png_chunk(struct buf *b, const char *type, const void *data, size_t n)
{
	uLong crc = crc32(0, (const Bytef *)type, 4);

	crc = crc32(crc, data, (uInt)n);
	be32(b, (unsigned long)n);
	buf_add(b, type, 4);
	buf_add(b, data, n);
	be32(b, crc);
}

static void
issue_10_photo_limits(void **state)
{
	struct arena a = ARENA_INIT;
	struct render_photo ph;
	struct buf b = BUF_INIT(BUF_NOCAP);
	unsigned char ihdr[13] = { 0 };
	size_t len = 0;
	unsigned char *jpg = jpeg_with_gps(64, 32, &len);

	(void)state;
	/* type from the bytes */
	assert_int_equal(render_photo_make(&a, "GIF89a\1\0\1\0", 10, 0, 1, &ph),
	    ND_EINVAL);
	assert_non_null(strstr(err_msg(), "not a JPEG, PNG or WebP"));
	assert_int_equal(render_photo_make(&a, "<svg onload=alert(1)>", 21, 0,
	    1, &ph), ND_EINVAL);
	/* bytes */
	assert_int_equal(render_photo_make(&a, jpg, len, len - 1, 1, &ph),
	    ND_ETOOBIG);
	assert_non_null(strstr(err_msg(), "over the limit"));
	/* a PNG whose header claims 20000 x 20000: refused before decoding */
	buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
	ihdr[0] = 0; ihdr[1] = 0; ihdr[2] = 0x4e; ihdr[3] = 0x20;
	ihdr[4] = 0; ihdr[5] = 0; ihdr[6] = 0x4e; ihdr[7] = 0x20;
	ihdr[8] = 8; ihdr[9] = 2;
	png_chunk(&b, "IHDR", ihdr, sizeof(ihdr));
	{
		unsigned char z[64];
		uLongf zn = sizeof(z);

		assert_int_equal(compress(z, &zn, (const Bytef *)"\0\0\0\0",
		    4), Z_OK);
		png_chunk(&b, "IDAT", z, zn);
	}
	png_chunk(&b, "IEND", "", 0);
	assert_int_equal(render_photo_make(&a, b.ptr, b.len, 0, 1, &ph),
	    ND_ETOOBIG);
	assert_non_null(strstr(err_msg(), "megapixels"));
	/* a JPEG cut short */
	assert_int_equal(render_photo_make(&a, jpg, len / 2, 0, 1, &ph) < 0,
	    1);
	buf_release(&b);
	free(jpg);
	arena_release(&a);
}

/* Prints how long a 5 MB photo takes to become its variants (the
 * issue's figure is measured end to end by tests/post.sh). */
static void
issue_10_photo_5mb_time(void **state)
{
	struct arena a = ARENA_INIT;
	struct render_photo ph;
	VipsImage *noise = NULL, *u8 = NULL, *rgb = NULL;
	void *jpg = NULL;
	size_t len = 0;
	struct timespec t0, t1;

	(void)state;
	assert_int_equal(vips_gaussnoise(&noise, 3000, 2000, "sigma", 25.0,
	    NULL), 0);
	assert_int_equal(vips_cast_uchar(noise, &u8, NULL), 0);
	assert_int_equal(vips_bandjoin_const1(u8, &rgb, 128, NULL), 0);
	{
		VipsImage *three = NULL;

		assert_int_equal(vips_bandjoin_const1(rgb, &three, 64, NULL), 0);
		g_object_unref(rgb);
		rgb = three;
	}
	assert_int_equal(vips_jpegsave_buffer(rgb, &jpg, &len, "Q", 92, NULL),
	    0);
	if (len < 4000000)
		fail_msg("the test photo is %zu bytes, not about 5 MB", len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(render_photo_make(&a, jpg, len, 0, 1, &ph), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("photo: %.1f MB %dx%d -> %zu variants in %.0f ms\n",
	    (double)len / 1e6, ph.width, ph.height, ph.n_variants,
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_int_equal(ph.n_variants, 6);
	g_free(jpg);
	g_object_unref(noise);
	g_object_unref(u8);
	g_object_unref(rgb);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_10_photo_strips_gps_and_rotates),
		cmocka_unit_test(issue_10_photo_widths_never_upscale),
		cmocka_unit_test(issue_10_photo_limits),
		cmocka_unit_test(issue_10_photo_5mb_time),
	};

	if (VIPS_INIT("test_photo"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
