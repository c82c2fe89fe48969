/*
 * photo: a desk photo's public variants with libvips (photo.h). The
 * decoder never sees bytes whose magic number is not JPEG, PNG or WebP,
 * and never decodes an image whose header claims more than the pixel cap
 * (libvips reads the header lazily, so the check costs nothing). Variants
 * are made from one upright, sRGB copy; "strip" on save drops every
 * metadata block, and the test reads the output bytes to prove it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <vips/vips.h>

#include "core/arena.h"
#include "core/err.h"
#include "render/photo.h"
#include "core/banned.h"

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_ok;

static void
vips_start(void)
{
	vips_ok = VIPS_INIT("newsdesk") == 0;
	if (vips_ok) {
		/* one request's photo at a time per thread; no disc cache of
		 * operations between unrelated uploads */
		vips_cache_set_max(0);
		vips_concurrency_set(1);
	}
}

const char *
render_photo_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

static int
vips_fail(const char *what)
{
	int rc = err_set(ND_EINVAL, "photo: %s: %s", what,
	    vips_error_buffer());

	vips_error_clear();
	return rc;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Drops the EXIF, XMP and ICC chunks of a WebP file in place and clears
 * their VP8X flags; returns the new length. libvips 8.14's webpsave
 * writes an EXIF chunk of its own even with "strip" (resolution and
 * size: nothing private, but a published copy carries no metadata at
 * all). Anything malformed is left as it is (it came from libwebp).
 */
static size_t
webp_strip(unsigned char *p, size_t len)
{
	size_t in = 12, out = 12;

	if (len < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4))
		return len;
	while (in + 8 <= len) {
		size_t n = le32(p + in + 4), whole = 8 + n + (n & 1);

		if (whole > len - in)
			return len;
		if (memcmp(p + in, "EXIF", 4) == 0 ||
		    memcmp(p + in, "XMP ", 4) == 0 ||
		    memcmp(p + in, "ICCP", 4) == 0) {
			in += whole;
			continue;
		}
		if (memcmp(p + in, "VP8X", 4) == 0 && n >= 1)
			p[in + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04);
		memmove(p + out, p + in, whole);
		in += whole;
		out += whole;
	}
	put_le32(p + 4, (uint32_t)(out - 8));
	return out;
}

/* in made upright, sRGB, 8-bit; *out is a new reference. */
static int
upright(VipsImage *in, VipsImage **out)
{
	VipsImage *rot = NULL, *rgb = NULL, *u8 = NULL;
	int rc = 0;

	if (vips_autorot(in, &rot, NULL))
		return vips_fail("rotate");
	if (vips_colourspace(rot, &rgb, VIPS_INTERPRETATION_sRGB, NULL)) {
		rc = vips_fail("convert to sRGB");
		goto out;
	}
	if (vips_cast_uchar(rgb, &u8, NULL)) {
		rc = vips_fail("convert to 8 bits");
		goto out;
	}
	*out = u8;
	u8 = NULL;
out:
	if (rot)
		g_object_unref(rot);
	if (rgb)
		g_object_unref(rgb);
	if (u8)
		g_object_unref(u8);
	return rc;
}

/* Encodes img as WebP and JPEG variants into out. */
static int
encode(struct arena *a, VipsImage *img, struct render_photo *out, int w)
{
	VipsImage *flat = NULL;
	void *buf = NULL;
	size_t len = 0;
	char url[160];
	int rc = 0;

	for (int k = 0; k < 2; k++) {
		struct photo *v = &out->variants[out->n_variants];
		bool is_webp = k == 0;
		int bad;

		if (is_webp) {
			bad = vips_webpsave_buffer(img, &buf, &len, "Q", 80,
			    "strip", TRUE, NULL);
		} else {
			VipsImage *src = img;

			if (vips_image_hasalpha(img)) {
				VipsArrayDouble *white =
				    vips_array_double_newv(1, 255.0);

				bad = vips_flatten(img, &flat, "background",
				    white, NULL);
				vips_area_unref(VIPS_AREA(white));
				if (bad) {
					rc = vips_fail("flatten");
					goto out;
				}
				src = flat;
			}
			bad = vips_jpegsave_buffer(src, &buf, &len, "Q", 82,
			    "strip", TRUE, "interlace", TRUE,
			    "optimize_coding", TRUE, NULL);
		}
		if (bad) {
			rc = vips_fail(is_webp ? "encode WebP" : "encode JPEG");
			goto out;
		}
		if (is_webp)
			len = webp_strip(buf, len);
		memset(v, 0, sizeof(*v));
		model_desk_photo_url(url, sizeof(url), out->desk.token, w,
		    is_webp ? "webp" : "jpg");
		v->url = arena_strdup(a, url);
		v->status = PHOTO_OK;
		v->type = is_webp ? "image/webp" : "image/jpeg";
		v->data = arena_memdup(a, buf, len);
		v->len = len;
		v->width = vips_image_get_width(img);
		v->height = vips_image_get_height(img);
		v->fetched = out->desk.created;
		g_free(buf);
		buf = NULL;
		out->n_variants++;
	}
out:
	g_free(buf);
	if (flat)
		g_object_unref(flat);
	return rc;
}

int
render_photo_make(struct arena *a, const void *data, size_t len,
    size_t max_bytes, int64_t created, struct render_photo *out)
{
	static const int widths[] = RENDER_PHOTO_WIDTHS;
	VipsImage *in = NULL, *up = NULL;
	unsigned char rnd[12];
	char token[sizeof(rnd) * 2 + 1];
	size_t nw = 0;
	int rc = 0, w, h;

	memset(out, 0, sizeof(*out));
	if (!max_bytes)
		max_bytes = RENDER_PHOTO_MAX_BYTES;
	if (len > max_bytes)
		return err_set(ND_ETOOBIG, "photo: %.1f MB is over the limit of "
		    "%.1f MB", (double)len / 1e6, (double)max_bytes / 1e6);
	if (!(out->type = render_photo_sniff(data, len)))
		return err_set(ND_EINVAL, "photo: not a JPEG, PNG or WebP image "
		    "(the type is read from the file's bytes, not its name)");
	pthread_once(&vips_once, vips_start);
	if (!vips_ok)
		return err_set(ND_ERR, "photo: libvips did not start");
	in = vips_image_new_from_buffer(data, len, "", "access",
	    VIPS_ACCESS_SEQUENTIAL, "fail", TRUE, NULL);
	if (!in)
		return vips_fail("cannot read the image");
	w = vips_image_get_width(in);
	h = vips_image_get_height(in);
	if (w > RENDER_PHOTO_MAX_SIDE || h > RENDER_PHOTO_MAX_SIDE ||
	    (size_t)w * (size_t)h > RENDER_PHOTO_MAX_PIXELS) {
		rc = err_set(ND_ETOOBIG, "photo: %d x %d pixels is over the "
		    "limit of %u megapixels (%d a side)", w, h,
		    RENDER_PHOTO_MAX_PIXELS / 1000000, RENDER_PHOTO_MAX_SIDE);
		goto out;
	}
	if (w < RENDER_PHOTO_MIN_SIDE || h < RENDER_PHOTO_MIN_SIDE) {
		rc = err_set(ND_EINVAL, "photo: %d x %d pixels is too small",
		    w, h);
		goto out;
	}
	/* the variants are resized several times from one decoded copy */
	g_object_unref(in);
	in = vips_image_new_from_buffer(data, len, "", "access",
	    VIPS_ACCESS_RANDOM, "fail", TRUE, NULL);
	if (!in) {
		rc = vips_fail("cannot read the image");
		goto out;
	}
	if ((rc = upright(in, &up)) < 0)
		goto out;
	out->width = w = vips_image_get_width(up);
	out->height = h = vips_image_get_height(up);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(token, sizeof(token), rnd, sizeof(rnd));
	out->desk.token = arena_strdup(a, token);
	out->desk.created = created;
	/* the standard widths below the photo's, then the photo's own width
	 * when it is below the largest standard one */
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		if (widths[i] < w && nw < DESK_PHOTO_MAX_WIDTHS)
			out->desk.widths[nw++] = widths[i];
	}
	if (nw < DESK_PHOTO_MAX_WIDTHS &&
	    w <= widths[sizeof(widths) / sizeof(widths[0]) - 1])
		out->desk.widths[nw++] = w;
	for (size_t i = 0; i < nw; i++) {
		int tw = out->desk.widths[i];
		VipsImage *sized = NULL;

		if (tw == w) {
			sized = up;
			g_object_ref(sized);
		} else if (vips_resize(up, &sized, (double)tw / w, NULL)) {
			rc = vips_fail("resize");
			goto out;
		}
		/* rounding may give one pixel more or less: the name is the
		 * width asked for, the row records the real size */
		rc = encode(a, sized, out, tw);
		if (i + 1 == nw) {
			out->desk.width = vips_image_get_width(sized);
			out->desk.height = vips_image_get_height(sized);
		}
		g_object_unref(sized);
		if (rc < 0)
			goto out;
	}
out:
	if (up)
		g_object_unref(up);
	if (in)
		g_object_unref(in);
	vips_thread_shutdown();
	return rc;
}

void
render_photo_srcsets(struct arena *a, const struct desk_photo *ph,
    const char **out_srcset_webp, const char **out_srcset_jpeg,
    const char **out_src, int *out_src_w, int *out_src_h)
{
	char webp[1024] = "", jpeg[1024] = "";
	size_t lw = 0, lj = 0;
	int best = 0;

	*out_src = NULL;
	for (size_t i = 0; i < DESK_PHOTO_MAX_WIDTHS && ph->widths[i]; i++) {
		char url[160], kw[PHOTO_KEY_LEN + 1], kj[PHOTO_KEY_LEN + 1];
		int w = ph->widths[i];

		model_desk_photo_url(url, sizeof(url), ph->token, w, "webp");
		model_photo_key(kw, url);
		model_desk_photo_url(url, sizeof(url), ph->token, w, "jpg");
		model_photo_key(kj, url);
		lw += (size_t)snprintf(webp + lw, sizeof(webp) - lw,
		    "%s/media/%s.webp %dw", lw ? ", " : "", kw, w);
		lj += (size_t)snprintf(jpeg + lj, sizeof(jpeg) - lj,
		    "%s/media/%s.jpg %dw", lj ? ", " : "", kj, w);
		if (lw >= sizeof(webp) || lj >= sizeof(jpeg))
			break;
		/* the fallback <img src>: 960 wide, else the largest below */
		if (!best || w <= 960) {
			best = w;
			*out_src = arena_printf(a, "/media/%s.jpg", kj);
		}
	}
	*out_srcset_webp = arena_strdup(a, webp);
	*out_srcset_jpeg = arena_strdup(a, jpeg);
	*out_src_w = best;
	*out_src_h = ph->width > 0 ? (int)((long long)ph->height * best /
	    ph->width) : 0;
}
