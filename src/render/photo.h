/*
 * photo: a desk photo's public copies, made from the bytes an editor
 * uploaded (issue 10). Pure: bytes in, encoded variants out, in the
 * caller's arena; the caller stores them (store_desk_photo_put).
 *
 * The type is read from the bytes (magic numbers: JPEG, PNG, WebP only),
 * never from a name. libvips does the work: auto-rotate by the EXIF
 * orientation first, convert to sRGB, resize to each of
 * RENDER_PHOTO_WIDTHS narrower than the photo (never upscaled; the
 * photo's own width when it is narrower than the largest), and encode
 * WebP plus a JPEG fallback with every piece of metadata stripped (EXIF
 * with GPS, XMP, IPTC, ICC, comments). The original is the caller's to
 * keep private.
 */
#ifndef ND_RENDER_PHOTO_H
#define ND_RENDER_PHOTO_H

#include <stddef.h>

#include "model/model.h"

struct arena;

#define RENDER_PHOTO_MAX_BYTES (20u << 20)   /* an upload */
#define RENDER_PHOTO_MAX_PIXELS (50u * 1000 * 1000)
#define RENDER_PHOTO_MAX_SIDE 16000
#define RENDER_PHOTO_MIN_SIDE 16
/* the widths made, ascending (DESK_PHOTO_MAX_WIDTHS at most) */
#define RENDER_PHOTO_WIDTHS { 480, 960, 1600 }

struct render_photo {
	const char *type;            /* the upload's sniffed type */
	int width, height;           /* upright, before resizing */
	struct desk_photo desk;      /* token (random), width/height of the
	                                largest variant, widths */
	struct photo variants[2 * DESK_PHOTO_MAX_WIDTHS]; /* WebP and JPEG per
	                                width: url, type, data, len, sizes */
	size_t n_variants;
};

/* "image/jpeg", "image/png" or "image/webp" when the bytes start like
 * one, else NULL. */
const char *render_photo_sniff(const void *data, size_t len);

/*
 * Makes the public variants of an uploaded photo into *out (bytes and
 * strings in a); created is the time to record. ND_ETOOBIG over max_bytes
 * (0 = RENDER_PHOTO_MAX_BYTES) or RENDER_PHOTO_MAX_PIXELS; ND_EINVAL for
 * another type or bytes libvips cannot decode; each with a message a
 * person can act on. Thread-safe (initializes libvips once).
 */
int render_photo_make(struct arena *a, const void *data, size_t len,
    size_t max_bytes, int64_t created, struct render_photo *out);

/* For a desk photo: fills srcset_webp / srcset_jpeg ("/media/K.webp 480w,
 * ...") and src (the JPEG at 960 or the largest below) in a, so pages show
 * <picture> with a WebP source and a JPEG <img>. */
void render_photo_srcsets(struct arena *a, const struct desk_photo *ph,
    const char **out_srcset_webp, const char **out_srcset_jpeg,
    const char **out_src, int *out_src_w, int *out_src_h);

#endif
