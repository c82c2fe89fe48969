/*
 * buf: a growable byte buffer for building strings, with a cap.
 *
 * Invariants: ptr is never NULL (it starts at a shared empty string), the
 * contents are always NUL-terminated and may hold NULs. Every buffer fed from
 * outside gets a cap. Errors are sticky: after the first failure (the cap
 * would be exceeded) every later append is a no-op and buf_err() reports
 * ND_ETOOBIG, so a sequence of appends is checked once at the end.
 */
#ifndef ND_CORE_BUF_H
#define ND_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern char buf_empty[];

struct buf {
	char *ptr;
	size_t len;
	size_t alloc;   /* 0 while ptr is buf_empty */
	size_t max;     /* cap on len; 0 = no cap */
	int err;        /* 0 or the first error */
};

#define BUF_INIT(maxlen) { buf_empty, 0, 0, (maxlen), 0 }
#define BUF_NOCAP 0

void buf_init(struct buf *b, size_t max);
/* Frees the contents; b is an empty buffer with the same cap again. */
void buf_release(struct buf *b);
/* Empties without freeing. Clears the error too. */
void buf_reset(struct buf *b);
/* Makes room for n more bytes; false (and the error set) if over the cap. */
bool buf_grow(struct buf *b, size_t n);

void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
/* Appends code point cp as UTF-8 (str_utf8_put). */
void buf_add_utf8(struct buf *b, uint32_t cp);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* What buf_add_escaped escapes besides & < and >. */
enum buf_esc {
	BUF_ESC_TEXT = 0,    /* element content */
	BUF_ESC_ATTR = 1,    /* also ", for a double-quoted attribute value */
	BUF_ESC_ALL = 2,     /* also " and ': safe in text and any attribute */
};

/* Appends s[0..len) escaped for HTML/XML. NUL bytes are dropped. The one
 * escaper of the project: the sanitizer, the feed parser and the renderer
 * all call it. */
void buf_add_escaped(struct buf *b, const char *s, size_t len,
    enum buf_esc mode);

/*
 * Appends the contents of the file at path ("-" = standard input), within
 * the buffer's cap. Returns 0, ND_ENOTFOUND (no such file), ND_EIO, or
 * ND_ETOOBIG (larger than the cap), with "PATH: reason" in err_msg().
 */
int buf_read_file(struct buf *b, const char *path);

/* Shortens to len (no-op if len >= b->len). */
void buf_truncate(struct buf *b, size_t len);

/* 0 or the sticky error (ND_ETOOBIG). */
static inline int
buf_err(const struct buf *b)
{
	return b->err;
}

/* Hands the malloc'd contents to the caller (free with free()); the buffer
 * is empty again. Never NULL. *out_len may be NULL. */
char *buf_detach(struct buf *b, size_t *out_len);

#endif
