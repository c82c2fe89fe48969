/*
 * compress: gzip and brotli forms of a page, made once when it is cached,
 * and the client's Accept-Encoding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/encode.h>
#include <zlib.h>

#include "core/str.h"
#include "core/xmalloc.h"
#include "web/http_int.h"
#include "core/banned.h"

char *
web_gzip(const char *p, size_t len, int level, size_t *out_len)
{
	z_stream z = { 0 };
	size_t cap;
	char *out;

	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, len) + 64;
	out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

char *
web_brotli(const char *p, size_t len, int quality, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	char *out;

	if (!cap)
		return NULL;
	out = xmalloc(cap);
	*out_len = cap;
	if (!BrotliEncoderCompress(quality, 22, BROTLI_MODE_TEXT, len,
	    (const uint8_t *)p, out_len, (uint8_t *)out)) {
		free(out);
		return NULL;
	}
	return out;
}

int
web_accept_encoding(const char *ae)
{
	struct str cur, tok;
	int enc = 0;

	if (!ae)
		return 0;
	cur = str_of(ae);
	while (cur.len) {
		struct str name, params;
		const char *semi;

		if (!str_take_until(&cur, ',', &tok)) {
			tok = cur;
			cur.len = 0;
		}
		tok = str_trim(tok);
		semi = memchr(tok.p, ';', tok.len);
		name = str_trim(str_make(tok.p, semi ? (size_t)(semi - tok.p) :
		    tok.len));
		params = semi ? str_make(semi, tok.len - (size_t)(semi - tok.p)) :
		    str_make("", 0);
		if (params.len && memmem(params.p, params.len, "q=0", 3) &&
		    !memmem(params.p, params.len, "q=0.", 4))
			continue;
		if (str_ieq(name, "gzip"))
			enc |= 1;
		else if (str_ieq(name, "br"))
			enc |= 2;
	}
	return enc;
}
