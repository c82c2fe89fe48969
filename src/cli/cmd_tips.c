/*
 * newsdesk tips: the editors' side of the tips inbox (issue 11).
 *
 *   keygen SECRET_FILE   a key pair: the secret key into a new 0600 file,
 *                        the public key printed for [tips] public_key
 *   list                 threads: ids, days, counts, sealed sizes
 *   open --key F [ID]    decrypts and shows messages and attachments, and
 *                        what metadata each attachment carries
 *   reply ID --key F --message-file F
 *                        a reply the source reads with their code phrase
 *
 * The server holds only the public key; the secret key lives with the
 * editors, in the file keygen wrote. Nothing here prints a plaintext
 * unless the key opened it.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "tips/tips.h"
#include "core/banned.h"

#define KEY_FILE_HEAD "# newsdesk tips secret key: keep it offline, never on the server\n"

/* The desk's key pair from a secret key file (keygen's format: comment
 * lines, then the base64 secret key). */
static int
key_load(const char *path, unsigned char pk[TIPS_KEY_BYTES],
    unsigned char sk[TIPS_KEY_BYTES])
{
	struct buf b = BUF_INIT(4096);
	char *line, *save = NULL;
	int rc;
	struct stat sb;

	if ((rc = buf_read_file(&b, path)) < 0)
		goto out;
	if (stat(path, &sb) == 0 && (sb.st_mode & 077))
		fprintf(stderr, "newsdesk: warning: %s can be read by others "
		    "(chmod 600 it)\n", path);
	rc = err_set(ND_EINVAL, "%s: no secret key in it", path);
	for (line = strtok_r(b.ptr, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || !*line)
			continue;
		if (tips_key_parse(sk, line) < 0) {
			rc = err_set(ND_EINVAL, "%s: not a tips secret key",
			    path);
			break;
		}
		crypto_scalarmult_base(pk, sk);
		rc = 0;
		break;
	}
out:
	if (b.alloc)
		sodium_memzero(b.ptr, b.alloc);
	buf_release(&b);
	return rc;
}

static void
today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static int
keygen_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	unsigned char pk[TIPS_KEY_BYTES], sk[TIPS_KEY_BYTES];
	char pk64[TIPS_KEY_B64], sk64[TIPS_KEY_B64];
	FILE *f;
	int fd, rc;

	(void)ctx;
	if (argc != 3)
		return CMD_USAGE;
	if ((rc = tips_keypair(pk, sk)) < 0)
		return rc;
	/* O_EXCL: an existing key (perhaps the only copy) is never
	 * overwritten */
	fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? err_set(ND_EEXISTS, "%s exists: not "
		    "overwriting a key", argv[2]) : err_set(ND_EIO, "%s: %s",
		    argv[2], strerror(errno));
		goto out;
	}
	tips_key_format(sk64, sk);
	tips_key_format(pk64, pk);
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		rc = err_set(ND_EIO, "%s: %s", argv[2], strerror(errno));
		goto out;
	}
	fprintf(f, "%s# public key: %s\n%s\n", KEY_FILE_HEAD, pk64, sk64);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		rc = err_set(ND_EIO, "%s: %s", argv[2], strerror(errno));
		goto out;
	}
	fclose(f);
	printf("%s\n", pk64);
	fprintf(stderr, "newsdesk: secret key written to %s (mode 0600); keep "
	    "it off the server.\nPut the public key in the server's "
	    "configuration:\n\n[tips]\npublic_key = %s\n", argv[2], pk64);
	rc = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(sk64, sizeof(sk64));
	return rc;
}

static int
list_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct tip_thread *v = NULL;
	size_t n = 0;
	bool json = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return CMD_USAGE;
	}
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if ((rc = store_tip_list(st, &a, &v, &n)) < 0)
		goto out;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, "
			    "s:I, s:I, s:I}", "id", v[i].id, "first_day",
			    v[i].day, "last_day", v[i].last_day, "messages",
			    (json_int_t)v[i].n_msgs, "replies",
			    (json_int_t)v[i].n_replies, "sealed_bytes",
			    (json_int_t)v[i].bytes));
		rc = cmd_json_print(arr);
		goto out;
	}
	if (n)
		printf("%-20s  %-10s  %-10s  %4s  %7s  %10s\n", "id", "first",
		    "last", "msgs", "replies", "sealed");
	for (size_t i = 0; i < n; i++)
		printf("%-20s  %-10s  %-10s  %4zu  %7zu  %10lld\n", v[i].id,
		    v[i].day, v[i].last_day, v[i].n_msgs, v[i].n_replies,
		    (long long)v[i].bytes);
	if (!n)
		printf("no tips\n");
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

/* A file name safe to create in the output directory: the source's name
 * with anything but letters, digits, dot, dash and underscore replaced,
 * no leading dot, at most 100 bytes. */
static const char *
safe_name(struct arena *a, const char *name)
{
	size_t n = strlen(name);
	char *s;

	if (n > 100)
		n = 100;
	s = arena_alloc(a, n + 2);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		s[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_' ? c : '_';
	}
	s[n] = '\0';
	if (!n || s[0] == '.')
		s = arena_printf(a, "_%s", s);
	return s;
}

/* Writes an attachment to dir/<thread>-<msg>-<name>, never over a file. */
static int
save(struct arena *a, const char *dir, const char *thread, int64_t msg,
    const struct tips_payload *p, const char **out_path)
{
	const char *path = arena_printf(a, "%s/%s-%lld-%s", dir, thread,
	    (long long)msg, safe_name(a, p->file_name));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		return err_set(ND_EIO, "%s: %s", path, strerror(errno));
	while (off < p->file_len) {
		ssize_t w = write(fd, p->file + off, p->file_len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return err_set(ND_EIO, "%s: %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	if (close(fd) != 0)
		return err_set(ND_EIO, "%s: %s", path, strerror(errno));
	*out_path = path;
	return 0;
}

static void
print_block(const char *label, const char *text)
{
	const char *p = text, *nl;

	printf("%s", label);
	for (;;) {
		char *line;
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		line = xmalloc(n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		printf("  ");
		cmd_print_text(line);
		putchar('\n');
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Opens and shows (or adds to arr) every message of thread id. */
static int
open_thread(struct store *st, struct arena *a, const char *id,
    const unsigned char *pk, const unsigned char *sk, const char *dir,
    json_t *arr)
{
	struct tip_thread *t;
	struct tip_msg *m;
	size_t n;
	json_t *jt = NULL, *jm = NULL;
	int rc;

	if ((rc = store_tip_get(st, a, id, &t, &m, &n)) < 0)
		return rc;
	if (arr) {
		jt = json_pack("{s:s, s:s, s:s}", "id", t->id, "first_day",
		    t->day, "last_day", t->last_day);
		jm = json_array();
		json_object_set_new(jt, "messages", jm);
		json_array_append_new(arr, jt);
	} else {
		printf("== tip %s (first %s, last %s, %zu message%s)\n", t->id,
		    t->day, t->last_day, n, n == 1 ? "" : "s");
	}
	for (size_t i = 0; i < n; i++) {
		struct tips_payload p;
		struct tips_meta meta;
		const char *saved = NULL;
		const char *from;

		if ((rc = tips_open(&p, a, m[i].sealed, m[i].sealed_len, pk,
		    sk)) < 0)
			return err_set(rc, "tip %s message %lld: %s", t->id,
			    (long long)m[i].id, err_msg());
		from = p.from == TIPS_FROM_DESK ? "desk" : "source";
		if (p.file) {
			tips_meta_scan(&meta, a, p.file, p.file_len);
			if (dir && (rc = save(a, dir, t->id, m[i].id, &p,
			    &saved)) < 0)
				return rc;
		}
		if (arr) {
			json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
			    (json_int_t)m[i].id, "day", m[i].day, "from", from,
			    "message", p.message, "contact", p.contact);

			if (p.file) {
				json_t *notes = json_array(), *f;

				for (size_t k = 0; k < meta.n_notes; k++)
					json_array_append_new(notes,
					    json_string(meta.notes[k]));
				f = json_pack("{s:s, s:s, s:I, s:{s:s?, s:b, "
				    "s:b, s:b, s:b, s:o}}", "name", p.file_name,
				    "type", p.file_type, "size",
				    (json_int_t)p.file_len, "metadata", "kind",
				    meta.kind, "exif", meta.has_exif, "gps",
				    meta.has_gps, "xmp", meta.has_xmp, "author",
				    meta.has_author, "notes", notes);
				if (saved)
					json_object_set_new(f, "saved_to",
					    json_string(saved));
				json_object_set_new(o, "attachment", f);
			}
			json_array_append_new(jm, o);
			continue;
		}
		printf("\n-- message %lld, %s, from the %s\n",
		    (long long)m[i].id, m[i].day, from);
		print_block("message:\n", p.message);
		if (*p.contact)
			print_block("contact:\n", p.contact);
		if (p.file) {
			printf("attachment: ");
			cmd_print_text(p.file_name);
			printf(" (");
			cmd_print_text(p.file_type);
			printf(", %zu bytes)%s", p.file_len, saved ? "" :
			    " - not saved: use --out DIR");
			putchar('\n');
			if (saved)
				printf("  saved to %s\n", saved);
			printf("  metadata (%s):\n", meta.kind ? meta.kind :
			    "format not checked: look at it before you forward "
			    "it");
			for (size_t k = 0; k < meta.n_notes; k++) {
				printf("    - ");
				cmd_print_text(meta.notes[k]);
				putchar('\n');
			}
			printf("  the bytes are as the source sent them: strip "
			    "what is listed before publishing\n");
		}
	}
	if (!arr)
		putchar('\n');
	return 0;
}

static int
open_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	unsigned char pk[TIPS_KEY_BYTES], sk[TIPS_KEY_BYTES];
	const char *key = NULL, *dir = NULL, *id = NULL;
	json_t *arr = NULL;
	bool json = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--key", &key)) ||
		    (rc = cmd_opt(argc, argv, &i, "--out", &dir))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return CMD_USAGE;
	}
	if (!key)
		return CMD_USAGE;
	if ((rc = key_load(key, pk, sk)) < 0)
		return rc;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		goto out;
	if (json)
		arr = json_array();
	if (id) {
		rc = open_thread(st, &a, id, pk, sk, dir, arr);
	} else {
		struct tip_thread *v = NULL;
		size_t n = 0;

		if ((rc = store_tip_list(st, &a, &v, &n)) < 0)
			goto out;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = open_thread(st, &a, v[i].id, pk, sk, dir, arr);
		if (!n && !json)
			printf("no tips\n");
	}
	if (rc == 0 && arr) {
		rc = cmd_json_print(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	sodium_memzero(sk, sizeof(sk));
	store_close(st);
	/* plaintexts were in the arena */
	arena_release(&a);
	return rc;
}

static int
reply_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	unsigned char pk[TIPS_KEY_BYTES], sk[TIPS_KEY_BYTES];
	const char *key = NULL, *file = NULL, *id = NULL;
	struct buf text = BUF_INIT(TIPS_MAX_MESSAGE);
	struct tip_thread *t;
	struct tip_msg *msgs, m = { 0 };
	struct tips_payload p = { 0 };
	unsigned char *to_source = NULL, *to_desk = NULL;
	size_t n, ls = 0, ld = 0;
	char day[16];
	int rc;

	for (int i = 2; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--key", &key)) ||
		    (rc = cmd_opt(argc, argv, &i, "--message-file", &file))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return CMD_USAGE;
	}
	if (!key || !file || !id)
		return CMD_USAGE;
	if ((rc = key_load(key, pk, sk)) < 0)
		return rc;
	if ((rc = buf_read_file(&text, file)) < 0)
		goto out;
	if (memchr(text.ptr, '\0', text.len)) {
		rc = err_set(ND_EINVAL, "%s: a NUL byte in the message", file);
		goto out;
	}
	if ((rc = cmd_open_store(ctx, &st, false)) < 0 ||
	    (rc = store_tip_get(st, &a, id, &t, &msgs, &n)) < 0)
		goto out;
	if (!t->reply_pk || t->reply_pk_len != TIPS_KEY_BYTES) {
		rc = err_set(ND_EINVAL, "tip %s has no receipt to reply to", id);
		goto out;
	}
	/* the key must open this thread: a reply from the wrong desk key
	 * would be a copy the editors cannot read back */
	if (n && (rc = tips_open(&p, &a, msgs[0].sealed, msgs[0].sealed_len,
	    pk, sk)) < 0) {
		rc = err_set(rc, "tip %s: %s", id, err_msg());
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.from = TIPS_FROM_DESK;
	p.message = text.ptr;
	p.contact = "";
	if ((rc = tips_seal(&to_source, &ls, &p, t->reply_pk)) < 0 ||
	    (rc = tips_seal(&to_desk, &ld, &p, pk)) < 0)
		goto out;
	today(day);
	m.day = day;
	m.sealed = to_desk;
	m.sealed_len = ld;
	m.for_source = to_source;
	m.for_source_len = ls;
	if ((rc = store_tip_msg_add(st, id, &m)) < 0)
		goto out;
	printf("reply sealed for the source of tip %s (%zu bytes); they read "
	    "it on /tips/reply with their code phrase\n", id, ls);
out:
	free(to_source);
	free(to_desk);
	if (text.alloc)
		sodium_memzero(text.ptr, text.alloc);
	buf_release(&text);
	sodium_memzero(sk, sizeof(sk));
	store_close(st);
	arena_release(&a);
	return rc;
}

static int
tips_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return CMD_USAGE;
	if (strcmp(argv[1], "keygen") == 0)
		return keygen_run(ctx, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return list_run(ctx, argc, argv);
	if (strcmp(argv[1], "open") == 0)
		return open_run(ctx, argc, argv);
	if (strcmp(argv[1], "reply") == 0)
		return reply_run(ctx, argc, argv);
	return CMD_USAGE;
}

const struct cmd cmd_tips = {
	.name = "tips",
	.summary = "the tips inbox: keys, list, open (decrypt), reply",
	.usage =
	    "usage: newsdesk tips keygen SECRET_FILE\n"
	    "       newsdesk tips list [--json]\n"
	    "       newsdesk tips open --key SECRET_FILE [--json] [--out DIR] [ID]\n"
	    "       newsdesk tips reply ID --key SECRET_FILE --message-file FILE\n"
	    "\n"
	    "Tips sent on /tips are sealed (libsodium crypto_box_seal) to the desk's\n"
	    "public key, [tips] public_key, before they are stored; the server never\n"
	    "holds the secret key, so only these commands, run with it, can read\n"
	    "them.\n"
	    "\n"
	    "  keygen   makes a key pair: writes the secret key to SECRET_FILE (mode\n"
	    "           0600; an existing file is never overwritten) and prints the\n"
	    "           public key for [tips] public_key. Keep SECRET_FILE off the\n"
	    "           server.\n"
	    "  list     threads: id, first and last day, messages, replies, sealed\n"
	    "           bytes. Nothing sealed is shown.\n"
	    "  open     decrypts every thread (or thread ID): each message, the way\n"
	    "           to reach the source, each attachment's name, type and size,\n"
	    "           and the metadata it carries (EXIF, GPS, XMP in photos; PDF\n"
	    "           author, creator, producer; Office document properties).\n"
	    "           Attachments are written to DIR with --out (never over a\n"
	    "           file), with their bytes as sent.\n"
	    "  reply    seals the text of FILE for the source of thread ID: they read\n"
	    "           it on /tips/reply with their code phrase, and can answer.\n"
	    "           A copy sealed to the desk's key shows in `tips open`.\n"
	    "\n"
	    "options:\n"
	    "  --key FILE           the secret key file keygen wrote\n"
	    "  --json               JSON: list: an array of {id, first_day,\n"
	    "                       last_day, messages, replies, sealed_bytes}; open:\n"
	    "                       an array of threads {id, first_day, last_day,\n"
	    "                       messages: [{id, day, from, message, contact,\n"
	    "                       attachment: {name, type, size, saved_to,\n"
	    "                       metadata: {kind, exif, gps, xmp, author,\n"
	    "                       notes}}}]}\n"
	    "  --out DIR            write attachments into DIR\n"
	    "  --message-file FILE  the reply's text (\"-\": standard input)\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk tips keygen ~/desk-tips.key\n"
	    "  newsdesk tips list\n"
	    "  newsdesk tips open --key ~/desk-tips.key --out ~/tips-files\n"
	    "  newsdesk tips reply k3m9x2p7qw4z8h5n6r2t --key ~/desk-tips.key --message-file r.txt\n",
	.run = tips_run,
};
