/*
 * fuzz_image: fetch_image_sniff on arbitrary bytes (copied to an exact-size
 * buffer so ASan sees any read past len). Whatever it accepts must have a
 * known type, its extension and a size within the limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch.h"
#include "model/model.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fetch_image img;
	unsigned char *p;

	if (size > 65536)
		return 0;
	if (!(p = malloc(size ? size : 1)))
		return 0;
	memcpy(p, data, size);
	if (fetch_image_sniff(&img, p, size) == 0 &&
	    (!img.type || !img.ext || strcmp(model_photo_ext(img.type),
	    img.ext) != 0 || img.width < 1 || img.height < 1 ||
	    img.width > 20000 || img.height > 20000))
		abort();
	free(p);
	return 0;
}
