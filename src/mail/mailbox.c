/*
 * mailbox: the messages of an mbox file or a maildir, one at a time, for
 * `newsdesk mail bounces`. mbox messages start at a "From " line (after
 * an empty line or at the start), and ">From " quoting is undone; a
 * maildir's messages are the files of cur/ and new/. Each message is
 * capped at MAIL_BOUNCE_MAX (a longer one is cut: its headers and status
 * come first).
 */
#include <dirent.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/err.h"
#include "mail/mail.h"
#include "core/banned.h"

static int
each_mbox(const char *path,
    int (*fn)(const char *msg, size_t len, void *payload), void *payload)
{
	FILE *f = fopen(path, "rb");
	struct buf msg = BUF_INIT(MAIL_BOUNCE_MAX);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool has_msg = false, was_empty = true;
	int rc = 0;

	if (!f)
		return err_set(ND_ENOTFOUND, "mail: %s: cannot open", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (was_empty && n >= 5 && memcmp(line, "From ", 5) == 0) {
			if (has_msg && (rc = fn(msg.ptr, msg.len, payload)) < 0)
				goto out;
			buf_reset(&msg);
			has_msg = true;
			was_empty = false;
			continue;
		}
		was_empty = (n == 1 && line[0] == '\n') ||
		    (n == 2 && line[0] == '\r' && line[1] == '\n');
		if (!has_msg)
			continue;
		/* mboxrd: one '>' less before "From " */
		if (n >= 6 && line[0] == '>') {
			size_t k = 0;

			while (k < (size_t)n && line[k] == '>')
				k++;
			if ((size_t)n - k >= 5 &&
			    memcmp(line + k, "From ", 5) == 0) {
				buf_add(&msg, line + 1, (size_t)n - 1);
				continue;
			}
		}
		if (msg.len + (size_t)n <= MAIL_BOUNCE_MAX)
			buf_add(&msg, line, (size_t)n);
	}
	if (ferror(f))
		rc = err_set(ND_EIO, "mail: %s: read error", path);
	else if (has_msg)
		rc = fn(msg.ptr, msg.len, payload);
out:
	free(line);
	buf_release(&msg);
	fclose(f);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
each_maildir(const char *path,
    int (*fn)(const char *msg, size_t len, void *payload), void *payload)
{
	static const char *const subs[] = { "cur", "new" };
	struct buf msg = BUF_INIT(MAIL_BOUNCE_MAX);
	int rc = 0;

	for (size_t s = 0; s < 2 && rc == 0; s++) {
		char dir[4096];
		DIR *d;
		struct dirent *e;
		char **names = NULL;
		size_t n = 0, cap = 0;

		snprintf(dir, sizeof(dir), "%s/%s", path, subs[s]);
		if (!(d = opendir(dir)))
			continue;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				names = realloc(names, cap * sizeof(*names));
				if (!names)
					abort();
			}
			names[n++] = strdup(e->d_name);
		}
		closedir(d);
		if (n)          /* qsort's base may not be NULL */
			qsort(names, n, sizeof(*names), by_name);
		for (size_t i = 0; i < n; i++) {
			char file[8192];

			if (rc == 0) {
				snprintf(file, sizeof(file), "%s/%s", dir,
				    names[i]);
				buf_reset(&msg);
				/* too big: the message is skipped */
				if (buf_read_file(&msg, file) == 0)
					rc = fn(msg.ptr, msg.len, payload);
			}
			free(names[i]);
		}
		free(names);
	}
	buf_release(&msg);
	return rc;
}

int
mail_mailbox_each(const char *path,
    int (*fn)(const char *msg, size_t len, void *payload), void *payload)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return err_set(ND_ENOTFOUND, "mail: %s: no such file or "
		    "directory", path);
	if (S_ISDIR(sb.st_mode)) {
		char cur[4096];
		struct stat cs;

		snprintf(cur, sizeof(cur), "%s/cur", path);
		if (stat(cur, &cs) != 0) {
			snprintf(cur, sizeof(cur), "%s/new", path);
			if (stat(cur, &cs) != 0)
				return err_set(ND_EINVAL, "mail: %s: a "
				    "directory but not a maildir (no cur/ or "
				    "new/)", path);
		}
		return each_maildir(path, fn, payload);
	}
	return each_mbox(path, fn, payload);
}
