/*
 * fuzz_tz: tz_parse on arbitrary bytes (a TZif file and its footer), then
 * conversions at a few instants, which must stay within a day of UTC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "core/tz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t at[] = { -5000000000LL, -1, 0, 1173596400,
		2000000000, 4118083200LL, 253402300799LL };
	struct tz *tz = NULL;

	if (tz_parse(&tz, "fuzz", data, size) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct tm tm;
		const char *abbr = NULL;

		tz_local(tz, at[i], &tm, &abbr);
		if (!abbr || tm.tm_gmtoff <= -86400 || tm.tm_gmtoff >= 86400)
			abort();
		(void)tz_mktime(tz, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	tz_free(tz);
	return 0;
}
