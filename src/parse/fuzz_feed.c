/*
 * fuzz_feed: parse_feed and parse_feed_to_json on arbitrary bytes. The first
 * byte picks the options (a document URL, a Content-Type charset, no
 * sanitizing) so the base-URI and encoding paths are reached too; the rest
 * is the document. Whatever the input, parsing must succeed (ill-formed
 * input is bozo, never an error) and the JSON writer must accept the result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "parse/parse.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
	    NULL,
	    "application/rss+xml",
	    "text/xml; charset=iso-8859-1",
	    "application/atom+xml; charset=utf-16",
	    "text/html; charset=\"windows-1256\"",
	    "application/xml; charset=bogus"};
	struct arena a = ARENA_INIT;
	struct parse_opts opts = {0};
	struct buf out = BUF_INIT(BUF_NOCAP);
	struct feed *f = NULL;
	unsigned sel;

	if (size < 1 || size > (1u << 20))
		return 0;
	sel = data[0];
	data++;
	size--;
	if (sel & 1)
		opts.url = "http://example.com/feeds/a/feed.xml";
	if (sel & 2)
		opts.content_location = "../b/";
	if (sel & 4)
		opts.content_language = "en_US";
	opts.content_type =
	    types[(sel >> 3) % (sizeof(types) / sizeof(types[0]))];
	opts.no_sanitize = (sel & 0x80) != 0;
	opts.max_entries = 200;

	if (parse_feed(&f, &a, (const char *)data, size, &opts) != 0 || !f)
		abort();
	if (parse_feed_to_json(&out, f) != 0)
		abort();
	buf_release(&out);
	arena_release(&a);
	return 0;
}
