/*
 * fuzz_url: url_resolve, url_canonical and url_is_safe on arbitrary bytes.
 * The input is split at its first NUL into a base and a reference; the
 * results are checked for invariants that must hold for any input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/url.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	char *buf;
	const char *base, *ref, *r, *c, *c2;
	size_t blen;

	if (size > 4096)
		return 0;
	buf = arena_alloc(&a, size + 2);
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	base = buf;
	blen = strlen(base);
	ref = blen < size ? buf + blen + 1 : "";

	r = url_resolve(&a, base, ref);
	if (!r)
		abort();
	(void)url_resolve(&a, NULL, ref);
	(void)url_is_safe(ref);
	(void)url_scheme(&a, ref);
	c = url_canonical(&a, r);
	/* The canonical form is a fixed point. */
	if (c) {
		c2 = url_canonical(&a, c);
		if (!c2 || strcmp(c, c2) != 0)
			abort();
	}
	(void)url_canonical(&a, base);
	arena_release(&a);
	return 0;
}
