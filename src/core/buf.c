/* buf: see buf.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "core/banned.h"

char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
	b->err = 0;
}

void
buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->ptr);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
	/* buf_empty is shared by every thread's empty buffers and always
	 * holds its NUL: writing it, even the same byte, would be a race. */
	if (b->alloc)
		b->ptr[0] = '\0';
}

bool
buf_grow(struct buf *b, size_t n)
{
	size_t need;

	if (b->err)
		return false;
	if (n > SIZE_MAX / 2 - b->len - 1 || (b->max && b->len + n > b->max)) {
		b->err = ND_ETOOBIG;
		return false;
	}
	need = b->len + n + 1;
	if (need <= b->alloc)
		return true;
	if (!b->alloc) {
		size_t cap = need < 64 ? 64 : need;
		b->ptr = xmalloc(cap);
		b->ptr[0] = '\0';
		b->alloc = cap;
		return true;
	}
	size_t cap = b->alloc;
	while (cap < need)
		cap = cap + cap / 2 + 64;
	b->ptr = xrealloc(b->ptr, cap);
	b->alloc = cap;
	return true;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (!buf_grow(b, n))
		return;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_add_utf8(struct buf *b, uint32_t cp)
{
	char u[4];

	buf_add(b, u, str_utf8_put(u, cp));
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->err)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !buf_grow(b, (size_t)n))
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

char *
buf_detach(struct buf *b, size_t *out_len)
{
	char *p;

	if (out_len)
		*out_len = b->len;
	if (!b->alloc) {
		p = xmalloc(1);
		p[0] = '\0';
	} else {
		p = b->ptr;
	}
	buf_init(b, b->max);
	return p;
}

void
buf_add_escaped(struct buf *b, const char *s, size_t len, enum buf_esc mode)
{
	size_t run = 0, i;

	for (i = 0; i < len; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"':
			rep = mode == BUF_ESC_ATTR ? "&quot;" :
			    mode == BUF_ESC_ALL ? "&#34;" : NULL;
			break;
		case '\'': rep = mode == BUF_ESC_ALL ? "&#39;" : NULL; break;
		case '\0': rep = ""; break;
		default: rep = NULL;
		}
		if (!rep)
			continue;
		buf_add(b, s + run, i - run);
		buf_adds(b, rep);
		run = i + 1;
	}
	buf_add(b, s + run, i - run);
}

int
buf_read_file(struct buf *b, const char *path)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return err_set(errno == ENOENT ? ND_ENOTFOUND : ND_EIO, "%s: %s",
		    path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !buf_err(b))
		buf_add(b, chunk, n);
	if (ferror(f))
		rc = err_set(ND_EIO, "%s: read error: %s", path, strerror(errno));
	else if (buf_err(b))
		rc = err_set(ND_ETOOBIG, "%s: larger than %zu bytes", path, b->max);
	if (!is_stdin)
		fclose(f);
	return rc;
}
