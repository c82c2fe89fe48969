/*
 * arena: see arena.h. Blocks of 16 KiB (or the size of a large request)
 * chained in a list; allocation is a pointer bump. In debug builds
 * (ARENA_DEBUG) each allocation is a separate malloc'd block.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/xmalloc.h"
#include "core/banned.h"

#define BLOCK_SIZE (16 * 1024)
#define ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(ALIGN) unsigned char data[];
};

struct arena_defer {
	struct arena_defer *next;
	void (*fn)(void *);
	void *ptr;
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->defers = NULL;
	a->total = 0;
}

void
arena_release(struct arena *a)
{
	struct arena_defer *d = a->defers;
	struct arena_block *b = a->head;

	/* Deferred callbacks first: they may still look at arena memory. */
	a->defers = NULL;
	while (d) {
		struct arena_defer *next = d->next;
		d->fn(d->ptr);
		d = next;
	}
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

static struct arena_block *
block_new(size_t cap)
{
	struct arena_block *b;

	if (cap > SIZE_MAX - sizeof(*b))
		abort();
	b = xmalloc(sizeof(*b) + cap);
	b->next = NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (need < n)
		abort();
	a->total += need;
#ifdef ARENA_DEBUG
	b = block_new(n);
	b->next = a->head;
	a->head = b;
	return b->data;
#else
	if (!b || b->cap - b->used < need) {
		if (need > BLOCK_SIZE / 4) {
			/* A big allocation gets its own block, linked behind the
			 * current one so the current one keeps filling. */
			struct arena_block *big = block_new(need);
			if (b) {
				big->next = b->next;
				b->next = big;
			} else {
				a->head = big;
			}
			big->used = need;
			return big->data;
		}
		b = block_new(BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
#endif
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n)
{
	void *q = arena_alloc(a, new_n);

	if (p && old_n)
		memcpy(q, p, old_n < new_n ? old_n : new_n);
	return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *
arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);

	if (n)
		memcpy(q, p, n);
	return q;
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *ptr)
{
	struct arena_defer *d = arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->ptr = ptr;
	d->next = a->defers;
	a->defers = d;
}
