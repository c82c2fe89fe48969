/*
 * fuzz_mpstream: the multipart reader that drops oversized files as they
 * stream (form_stream.c), on arbitrary bytes: the first byte picks the
 * chunk size, the input then splits at its first NUL into a Content-Type
 * and a body. Properties: the kept body never grows past its cap; when
 * nothing was dropped, the kept body is the input (after the leading
 * CRLF); cut in chunks or whole, the reader keeps the same bytes; and
 * what it keeps parses (or is refused) like any body, within the limits,
 * with no file part over the file cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "web/web_int.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_body(const char *ctype, const char *body, size_t len, size_t chunk,
    struct web_mp_stream *s, struct buf *out)
{
	buf_init(out, 1 << 20);
	if (!web_mp_stream_init(s, ctype, 512, 4096, out))
		return;
	for (size_t i = 0; i < len; i += chunk)
		web_mp_stream_feed(s, out, body + i, len - i < chunk ? len - i :
		    chunk);
	web_mp_stream_finish(s, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct web_limits lim = { .max_body = 1 << 20,
		.max_fields = 16, .max_field = 4096, .max_file = 512,
		.max_query = 16, .max_cookies = 8 };
	struct web_mp_stream s1, s2;
	struct buf a, b;
	struct web_req r;
	char *buf;
	const char *nul, *body;
	size_t chunk, len;

	if (size < 2 || size > 65536)
		return 0;
	chunk = (size_t)data[0] % 97 + 1;
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	nul = memchr(buf, '\0', size - 1);
	if (!nul || nul == buf + size - 1) {
		free(buf);
		return 0;
	}
	body = nul + 1;
	len = (size_t)(buf + size - 1 - body);
	read_body(buf, body, len, chunk, &s1, &a);
	read_body(buf, body, len, len ? len : 1, &s2, &b);
	if (web_form_boundary(buf, (char[WEB_MP_BOUNDARY_MAX + 1]){ 0 },
	    WEB_MP_BOUNDARY_MAX + 1)) {
		if (a.len > (1u << 20))
			abort();
		/* the same bytes kept, however the body came */
		if (!buf_err(&a) && !buf_err(&b) && (a.len != b.len ||
		    memcmp(a.ptr, b.ptr, a.len) != 0 ||
		    s1.n_dropped != s2.n_dropped))
			abort();
		/* nothing dropped: the input itself */
		if (!buf_err(&a) && s1.n_dropped == 0 && (a.len != len + 2 ||
		    memcmp(a.ptr + 2, body, len) != 0))
			abort();
		/* against the whole-body parser with no file cap: the same
		 * fields, text byte for byte, each file kept whole or dropped
		 * (empty), and every file over the cap dropped */
		web_req_init(&r, NULL, WEB_POST, "/");
		if (!buf_err(&a)) {
			static const struct web_limits big = { .max_body = 1 << 20,
				.max_fields = 16, .max_field = 1 << 20,
				.max_file = 1 << 20 };
			struct web_param *f0 = NULL, *f1 = NULL;
			size_t n0 = 0, n1 = 0, over = 0;

			if (web_form_multipart(&r.a, buf, body, len, &big, &f0,
			    &n0) == 0) {
				for (size_t i = 0; i < n0; i++)
					over += f0[i].filename && f0[i].len > 512;
				if (over <= WEB_MP_MAX_DROPPED &&
				    s1.n_dropped < over)
					abort();
				if (web_form_multipart(&r.a, buf, a.ptr, a.len,
				    &big, &f1, &n1) != 0 || n1 != n0)
					abort();
				for (size_t i = 0; i < n0; i++) {
					if (strcmp(f0[i].name, f1[i].name) != 0)
						abort();
					if (f1[i].len == f0[i].len &&
					    memcmp(f0[i].value, f1[i].value,
					    f0[i].len) == 0)
						continue;
					/* only a file may differ: dropped */
					if (!f0[i].filename || f1[i].len != 0)
						abort();
				}
			}
		}
		web_req_release(&r);
		web_req_init(&r, NULL, WEB_POST, "/");
		if (!buf_err(&a) && web_form_parse(&r, buf, a.ptr, a.len,
		    &lim) == 0) {
			web_mp_stream_mark(&s1, &r);
			for (size_t i = 0; i < r.n_form; i++)
				if (r.form[i].filename && r.form[i].len >
				    lim.max_file)
					abort();
		}
		web_req_release(&r);
	}
	buf_release(&a);
	buf_release(&b);
	free(buf);
	return 0;
}
