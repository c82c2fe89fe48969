/*
 * fuzz_tips: the two readers of hostile bytes in tips/: the payload
 * decoder (anyone can seal a box to the desk's public key, so what opens
 * is not trusted) and the attachment metadata scan. The first input byte
 * picks which. The input is copied to an exact-size buffer so ASan sees
 * any read past len.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "tips/tips.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	unsigned char *p;

	if (size < 1 || size > (8u << 20))
		return 0;
	if (!(p = malloc(size - 1 ? size - 1 : 1)))
		return 0;
	memcpy(p, data + 1, size - 1);
	arena_init(&a);
	if (data[0] & 1) {
		struct tips_meta m;

		tips_meta_scan(&m, &a, p, size - 1);
		for (size_t i = 0; i < m.n_notes; i++)
			if (!m.notes[i])
				abort();
	} else {
		struct tips_payload t;

		if (tips_payload_decode(&t, &a, p, size - 1) == 0 &&
		    (!t.message || !t.contact || (t.file &&
		    (!t.file_name || !t.file_type))))
			abort();
	}
	arena_release(&a);
	free(p);
	return 0;
}
