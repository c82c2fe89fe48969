/*
 * fuzz_date: parse_date on arbitrary bytes (not NUL-terminated: the input
 * is copied to an exact-size buffer so ASan sees any read past len). A
 * parsed date must print as ISO and read back as the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, iso[32];
	int64_t t, t2;

	if (size > 1024)
		return 0;
	if (!(s = malloc(size ? size : 1)))
		return 0;
	memcpy(s, data, size);
	if (parse_date(&t, s, size) == 0) {
		parse_date_iso(iso, t);
		if (strlen(iso) != 20 || parse_date(&t2, iso, 20) != 0 || t2 != t)
			abort();
	}
	free(s);
	return 0;
}
