/*
 * fuzz_bounce: mail_bounce_parse on arbitrary bytes (a bounce is written
 * by whoever's server answers): no crash, no read past the input, and a
 * result that is one of the kinds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "mail/mail.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct mail_bounce b;

	arena_init(&a);
	if (mail_bounce_parse(&a, (const char *)data, size, &b) == 0 &&
	    (b.kind < MAIL_BOUNCE_NONE || b.kind > MAIL_BOUNCE_UNSUBSCRIBE))
		abort();
	arena_release(&a);
	return 0;
}
