/*
 * fuzz_opml: parse_opml on arbitrary bytes. Either it fails with a code or
 * every outline it returns has a feed URL, and nothing crashes or leaks.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "parse/parse.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct opml *o = NULL;

	if (parse_opml(&o, &a, (const char *)data, size) == 0) {
		assert(o);
		for (size_t i = 0; i < o->n_outlines; i++)
			assert(o->outlines[i].xml_url && *o->outlines[i].xml_url);
	}
	arena_release(&a);
	err_clear();
	return 0;
}
