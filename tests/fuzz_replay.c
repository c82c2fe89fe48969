/*
 * fuzz_replay: runs a libFuzzer target over every file of
 * DIR/corpus and DIR/crashes, so the default build tests each fuzz target
 * against its seeds and every crash ever found. Exits non-zero if a file
 * cannot be read; a crash aborts the process (and fails the test).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (!d)
		return 0; /* a missing crashes/ folder is fine */
	while ((de = readdir(d))) {
		FILE *f;
		long n;
		uint8_t *data;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(f = fopen(path, "rb"))) {
			fprintf(stderr, "fuzz_replay: cannot open %s\n", path);
			closedir(d);
			return -1;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		data = malloc(n > 0 ? (size_t)n : 1);
		if (!data || (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n)) {
			fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
			fclose(f);
			free(data);
			closedir(d);
			return -1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(data, (size_t)n);
		free(data);
		(*count)++;
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	char path[4096];
	size_t count = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_replay DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/corpus", argv[1]);
	if (run_dir(path, &count) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/crashes", argv[1]);
	if (run_dir(path, &count) < 0)
		return 1;
	printf("replayed %zu inputs\n", count);
	return 0;
}
