/*
 * fuzz_addr: what a reader types in the sign-up form, and a VERP address
 * from a bounce: mail_addr_normalize and mail_verp_check on arbitrary
 * bytes. An accepted address must be one that can go into a header
 * (no CR, LF or space) and must normalize to itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "mail/mail.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[32] = { 7 };
	struct arena a;
	const char *out = NULL, *why = NULL, *again = NULL;
	char *s;
	int64_t id;

	if (size > 4096)
		return 0;
	arena_init(&a);
	s = arena_strndup(&a, (const char *)data, size);
	if (mail_addr_normalize(&a, s, &out, &why) == 0) {
		if (strpbrk(out, "\r\n \t<>\"") || strlen(out) > MAIL_ADDR_MAX)
			abort();
		if (mail_addr_normalize(&a, out, &again, &why) != 0 ||
		    strcmp(out, again) != 0)
			abort();
	} else if (!why) {
		abort();
	}
	(void)mail_verp_check(key, s, &id);
	(void)mail_addr_domain(&a, s);
	arena_release(&a);
	return 0;
}
