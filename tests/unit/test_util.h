/* Helpers shared by the unit tests. */
#ifndef ND_TESTS_TEST_UTIL_H
#define ND_TESTS_TEST_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>   /* free() for the caller */
#include <unistd.h>

#include "core/buf.h"
#include "store/store.h"

/* The whole file at path, malloc'd and NUL-terminated (free with free());
 * NULL when it cannot be read. */
static inline char *
test_read_file(const char *path, size_t *out_len)
{
	struct buf b = BUF_INIT(BUF_NOCAP);

	if (buf_read_file(&b, path) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, out_len);
}

/* Removes a test's store: the file and its -wal and -shm. */
static inline void
test_db_remove(const char *path)
{
	store_remove(path);
}

#endif
