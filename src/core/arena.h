/*
 * arena: one allocator per unit of work (a parse, a request, a command).
 *
 * Nothing allocated from an arena is freed on its own; arena_release() frees
 * everything at once and runs the arena_defer() callbacks in reverse order.
 * Built with -Darena_debug=true, every allocation is its own malloc, so ASan
 * and valgrind see overruns and leaks.
 * An arena is not thread-safe; use one per thread.
 */
#ifndef ND_CORE_ARENA_H
#define ND_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena_defer;

struct arena {
	struct arena_block *head;   /* current block (debug: list of allocations) */
	struct arena_defer *defers;
	size_t total;               /* bytes handed out, for accounting */
};

#define ARENA_INIT { NULL, NULL, 0 }

void arena_init(struct arena *a);
/* Frees every allocation and runs deferred callbacks; a is empty again. */
void arena_release(struct arena *a);

/* Never returns NULL (aborts on OOM). Memory is aligned for any type. */
void *arena_alloc(struct arena *a, size_t n);
/* Zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);
/* Resizes an arena allocation of old_n bytes to new_n (copying); the old one
 * stays allocated until release. p may be NULL. */
void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n);
char *arena_strdup(struct arena *a, const char *s);
/* Copies n bytes and adds a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Runs fn(ptr) at arena_release, for non-memory resources. */
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr);

/* Grows an array in the arena to hold at least need elements of size size;
 * *cap is updated. */
#define ARENA_GROW(a, arr, n, need, cap)                                       \
	do {                                                                   \
		if ((need) > (cap)) {                                          \
			size_t nc_ = (cap) ? (cap) * 2 : 4;                    \
			while (nc_ < (need))                                   \
				nc_ *= 2;                                      \
			(arr) = arena_realloc((a), (arr), (n) * sizeof(*(arr)),  \
			    nc_ * sizeof(*(arr)));                             \
			(cap) = nc_;                                           \
		}                                                              \
	} while (0)

#endif
