/*
 * fuzz_extract: extract_page on arbitrary bytes. The first byte picks the
 * options (a page URL, a Content-Type with or without a charset), the rest
 * is the page. Whatever the input, extraction must succeed and every
 * string in the result must be valid, NUL-terminated and as long as said.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "extract/extract.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
	    NULL, "text/html", "text/html; charset=iso-8859-1",
	    "text/html; charset=utf-16", "text/html; charset=\"shift_jis\"",
	    "text/html; charset=bogus", "application/pdf", "text/html; charset=gb2312"};
	struct arena a = ARENA_INIT;
	struct extract_opts opts = {0};
	struct extract *e = NULL;
	unsigned sel;

	if (size < 1 || size > (1u << 20))
		return 0;
	sel = data[0];
	data++;
	size--;
	if (sel & 1)
		opts.url = "https://example.com/news/2024/a.html";
	if (sel & 2)
		opts.content_language = "de-DE";
	opts.content_type = types[(sel >> 2) % (sizeof(types) / sizeof(types[0]))];
	if (extract_page(&e, &a, (const char *)data, size, &opts) != 0 || !e)
		abort();
	if (e->text && strlen(e->text) != e->text_len)
		abort();
	if (!e->text && e->reason == EXTRACT_ARTICLE)
		abort();
	arena_release(&a);
	return 0;
}
