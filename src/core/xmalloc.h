/*
 * xmalloc: allocation that aborts on failure. Every size that outside input
 * controls is capped before it reaches an allocator, so running out of memory
 * here is a machine problem, not an attack.
 */
#ifndef ND_CORE_XMALLOC_H
#define ND_CORE_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array: returns p resized to at least need elements of size size,
 * updating *cap (doubling). */
void *xgrow(void *p, size_t size, size_t need, size_t *cap);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
