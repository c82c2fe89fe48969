/*
 * fuzz_photo: render_photo_make() (an uploaded desk photo: magic bytes,
 * caps, then libvips) on arbitrary bytes, with a small byte cap so the
 * fuzzer explores headers rather than big images. Besides memory errors,
 * aborts when a result breaks the promise: variants come in WebP/JPEG
 * pairs, are never wider than the photo, and carry no EXIF or XMP.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "render/photo.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
has(const void *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp((const char *)hay + i, needle, m) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct render_photo ph;

	if (render_photo_make(&a, data, size, 1 << 20, 1, &ph) == 0) {
		if (ph.n_variants == 0 || ph.n_variants % 2)
			abort();
		for (size_t i = 0; i < ph.n_variants; i++) {
			const struct photo *v = &ph.variants[i];

			if (v->width > ph.width + 1 || !v->len ||
			    has(v->data, v->len, "Exif") ||
			    has(v->data, v->len, "EXIF") ||
			    has(v->data, v->len, "XMP "))
				abort();
		}
	}
	arena_release(&a);
	return 0;
}
