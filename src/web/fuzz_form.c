/*
 * fuzz_form: the request parsers on arbitrary bytes: the input is split at
 * its first NUL into a Content-Type and a body, which go through
 * web_form_parse (urlencoded or multipart by the type), and the whole
 * input through web_cookies_parse. Parsed fields must stay within the
 * limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "web/web_int.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct web_limits lim = { .max_body = 65536,
		.max_fields = 16, .max_field = 256, .max_file = 4096,
		.max_query = 16, .max_cookies = 8 };
	struct web_req r;
	struct web_param *c = NULL;
	size_t nc = 0;
	char *buf;
	const char *nul;

	if (size > 65536)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	web_req_init(&r, NULL, WEB_POST, "/");
	nul = memchr(buf, '\0', size);
	if (nul && web_form_parse(&r, buf, nul + 1, size - (size_t)(nul + 1 -
	    buf), &lim) == 0) {
		if (r.n_form > lim.max_fields)
			abort();
		for (size_t i = 0; i < r.n_form; i++)
			if (!r.form[i].name || r.form[i].len >
			    (r.form[i].filename ? lim.max_file : lim.max_field) ||
			    r.form[i].value[r.form[i].len] != '\0')
				abort();
	}
	if (web_cookies_parse(&r.a, buf, lim.max_cookies, &c, &nc) == 0 &&
	    nc > lim.max_cookies)
		abort();
	web_req_release(&r);
	free(buf);
	return 0;
}
