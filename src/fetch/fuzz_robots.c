/*
 * fuzz_robots: fetch_robots_parse on arbitrary bytes (copied to an
 * exact-size buffer so ASan sees any read past len), then a few paths
 * asked; the first line of the input, when it starts with '/', is asked
 * too. Invariants: /robots.txt is always allowed; an empty file allows
 * everything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "fetch/fetch.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/", "/a", "/private/x.html",
	    "/a?b=c", "/%7Euser/", "/caf\xc3\xa9", "/x*y$", NULL };
	struct fetch_robots r;
	struct arena a;
	char *s;

	if (size > (1u << 20) || !(s = malloc(size ? size : 1)))
		return 0;
	memcpy(s, data, size);
	arena_init(&a);
	if (fetch_robots_parse(&r, &a, s, size, "newsdesk") != 0)
		abort();
	if (!fetch_robots_allows(&r, &a, "/robots.txt"))
		abort();
	if (size == 0 && !r.is_allow_all)
		abort();
	for (size_t i = 0; paths[i]; i++)
		(void)fetch_robots_allows(&r, &a, paths[i]);
	if (size && s[0] == '/') {
		char *nl = memchr(s, '\n', size);
		char *p = strndup(s, nl ? (size_t)(nl - s) : size);

		if (p)
			(void)fetch_robots_allows(&r, &a, p);
		free(p);
	}
	arena_release(&a);
	free(s);
	return 0;
}
