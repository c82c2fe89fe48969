/*
 * fuzz_replay: runs a libFuzzer target over every file of DIR/corpus and
 * DIR/crashes, so the default build tests each fuzz target against its
 * seeds and every crash ever found. A crash aborts the process (and fails
 * the test).
 *
 * A replay that runs nothing proves nothing, so it fails: DIR/corpus must
 * exist and hold at least one input. DIR/crashes may be missing or empty
 * (a target nobody has crashed yet), but if it exists it must be readable.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xmalloc.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replays every file of dir; adds how many to *count. Returns 0, 1 when
 * dir does not exist, or -1 after printing why it failed. */
static int
run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (!d) {
		if (errno == ENOENT)
			return 1;
		fprintf(stderr, "fuzz_replay: cannot open %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		struct buf b = BUF_INIT(BUF_NOCAP);
		uint8_t *data;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (buf_read_file(&b, path) < 0) {
			fprintf(stderr, "fuzz_replay: %s\n", err_msg());
			buf_release(&b);
			closedir(d);
			return -1;
		}
		/* An exact-size copy, as libFuzzer passes it: ASan then sees
		 * a read past the end (buf's NUL would hide one). */
		data = xmalloc(b.len ? b.len : 1);
		memcpy(data, b.ptr, b.len);
		LLVMFuzzerTestOneInput(data, b.len);
		free(data);
		buf_release(&b);
		(*count)++;
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	char path[4096];
	size_t n_corpus = 0, n_crashes = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_replay DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/corpus", argv[1]);
	if ((rc = run_dir(path, &n_corpus)) < 0)
		return 1;
	if (rc > 0 || n_corpus == 0) {
		fprintf(stderr, "fuzz_replay: %s: %s: a target needs a seed "
		    "corpus (tests/fuzz/<target>/corpus, see STYLE.md section "
		    "12)\n", path, rc > 0 ? "missing" : "empty");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/crashes", argv[1]);
	if (run_dir(path, &n_crashes) < 0)
		return 1;
	printf("replayed %zu inputs (%zu corpus, %zu crashes)\n",
	    n_corpus + n_crashes, n_corpus, n_crashes);
	return 0;
}
