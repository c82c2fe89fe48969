/*
 * newsdesk user: the desk's accounts (issue 10): add, list, disable,
 * passwd, role. Passwords come from a file (--password-file, its first
 * line) or from the terminal without echo, never from the command line
 * (which other users of the machine can read in ps). Every change is in
 * the audit log as done by "cli".
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/auth.h"
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "model/model.h"
#include "store/store.h"
#include "core/banned.h"

#define PW_CAP 4200

/* The first line of path (without its newline) into pw. */
static int
read_password_file(const char *path, char pw[PW_CAP])
{
	struct buf b = BUF_INIT(1 << 16);
	size_t n;
	int rc;

	if ((rc = buf_read_file(&b, path)) < 0)
		return rc;
	n = strcspn(b.ptr, "\r\n");
	if (n >= PW_CAP) {
		buf_release(&b);
		return err_set(ND_EINVAL, "%s: the password is too long", path);
	}
	memcpy(pw, b.ptr, n);
	pw[n] = '\0';
	sodium_memzero(b.ptr, b.len);
	buf_release(&b);
	return 0;
}

/* Reads a line from the terminal with echo off. */
static int
read_tty_line(const char *prompt, char pw[PW_CAP])
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	size_t n;
	int rc = 0;

	if (!tty)
		return err_set(ND_EINVAL, "no terminal to read a password from "
		    "(use --password-file FILE)");
	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) != 0) {
		fclose(tty);
		return err_set(ND_EIO, "terminal: %s", strerror(errno));
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	(void)tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (!fgets(pw, PW_CAP, tty))
		rc = err_set(ND_EINVAL, "no password given");
	(void)tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", tty);
	fclose(tty);
	if (rc == 0) {
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
	}
	return rc;
}

/* A new password: from the file, or typed twice; checked against the
 * policy and hashed into hash. */
static int
new_password(const struct auth_params *p, const char *file,
    char hash[AUTH_HASH_MAX])
{
	char pw[PW_CAP], again[PW_CAP];
	const char *why;
	int rc;

	if (file)
		rc = read_password_file(file, pw);
	else if ((rc = read_tty_line("New password: ", pw)) == 0 &&
	    (rc = read_tty_line("Again: ", again)) == 0 &&
	    strcmp(pw, again) != 0)
		rc = err_set(ND_EINVAL, "the two passwords differ");
	sodium_memzero(again, sizeof(again));
	if (rc < 0)
		goto out;
	if ((why = auth_password_problem(pw, p))) {
		rc = err_set(ND_EINVAL, "password refused: %s", why);
		goto out;
	}
	rc = auth_password_hash(hash, pw, p);
out:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static json_t *
user_json(const struct user *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "email", json_string(u->email));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "role", json_string(model_user_role_name(
	    u->role)));
	json_object_set_new(o, "disabled", json_boolean(u->is_disabled));
	json_object_set_new(o, "created", json_integer(u->created));
	json_object_set_new(o, "password_changed_at",
	    json_integer(u->password_changed_at));
	json_object_set_new(o, "last_login", json_integer(u->last_login));
	json_object_set_new(o, "sessions", json_integer((json_int_t)
	    u->n_sessions));
	return o;
}

static int
find(struct store *st, struct arena *a, const char *email, struct user **out)
{
	const char *norm = auth_email_normalize(a, email);
	int rc;

	if (!norm)
		return err_set(ND_EINVAL, "'%s' is not an email address", email);
	if ((rc = store_user_get(st, a, 0, norm, out, NULL)) == ND_ENOTFOUND)
		return err_set(rc, "no user %s", norm);
	return rc;
}

static int
user_add(struct cmd_ctx *ctx, struct store **st, struct arena *a, int argc,
    char **argv)
{
	struct auth_params p;
	struct user u = { .role = USER_ROLE_NONE };
	const char *name = NULL, *role = NULL, *file = NULL, *email = NULL;
	char hash[AUTH_HASH_MAX];
	int64_t id = 0, now = (int64_t)time(NULL);
	int rc;

	for (int i = 2; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--name", &name)) ||
		    (rc = cmd_opt(argc, argv, &i, "--role", &role)) ||
		    (rc = cmd_opt(argc, argv, &i, "--password-file", &file))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (argv[i][0] == '-' || email)
			return CMD_USAGE;
		email = argv[i];
	}
	if (!email || !name || !role)
		return CMD_USAGE;
	if (!(u.email = auth_email_normalize(a, email)))
		return err_set(ND_EINVAL, "'%s' is not an email address", email);
	u.name = name;
	if ((u.role = model_user_role_parse(role)) == USER_ROLE_NONE) {
		err_set(ND_EINVAL, "--role: '%s' is not writer, editor or admin",
		    role);
		return CMD_USAGE_MSG;
	}
	auth_params_from_cfg(&p, ctx->cfg);
	if ((rc = new_password(&p, file, hash)) < 0)
		return rc;
	if ((rc = cmd_open_store(ctx, st, false)) < 0 ||
	    (rc = store_user_add(*st, &u, hash, now, &id)) < 0)
		return rc;
	(void)store_audit_add(*st, 0, "cli", "user.add", u.email,
	    model_user_role_name(u.role), now);
	printf("added user %lld %s (%s)\n", (long long)id, u.email,
	    model_user_role_name(u.role));
	return 0;
}

static int
user_list(struct cmd_ctx *ctx, struct store **st, struct arena *a, int argc,
    char **argv)
{
	struct user *v;
	size_t n;
	bool json = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return CMD_USAGE;
	}
	if ((rc = cmd_open_store(ctx, st, false)) < 0 ||
	    (rc = store_user_list(*st, a, &v, &n)) < 0)
		return rc;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, user_json(&v[i]));
		return cmd_json_print(arr);
	}
	for (size_t i = 0; i < n; i++) {
		char t[32];

		cmd_time_short(t, v[i].last_login);
		printf("%5lld  %-6s  %-8s  last login %s  %zu sessions  ",
		    (long long)v[i].id, model_user_role_name(v[i].role),
		    v[i].is_disabled ? "disabled" : "active", t,
		    v[i].n_sessions);
		cmd_print_text(v[i].email);
		printf("  ");
		cmd_print_text(v[i].name);
		putchar('\n');
	}
	if (n == 0)
		printf("no users (add one with `newsdesk user add`)\n");
	return 0;
}

/* disable, enable, passwd, role: one user by email */
static int
user_change(struct cmd_ctx *ctx, struct store **st, struct arena *a,
    int argc, char **argv)
{
	const char *verb = argv[1], *file = NULL, *email = NULL, *role = NULL;
	struct auth_params p;
	struct user *u;
	char hash[AUTH_HASH_MAX];
	int64_t now = (int64_t)time(NULL);
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(verb, "passwd") == 0 && (rc = cmd_opt(argc, argv, &i,
		    "--password-file", &file))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (argv[i][0] == '-')
			return CMD_USAGE;
		if (!email)
			email = argv[i];
		else if (strcmp(verb, "role") == 0 && !role)
			role = argv[i];
		else
			return CMD_USAGE;
	}
	if (!email || (strcmp(verb, "role") == 0) != (role != NULL))
		return CMD_USAGE;
	auth_params_from_cfg(&p, ctx->cfg);
	if ((rc = cmd_open_store(ctx, st, false)) < 0 ||
	    (rc = find(*st, a, email, &u)) < 0)
		return rc;
	if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
		u->is_disabled = verb[0] == 'd';
		if ((rc = store_user_update(*st, u, NULL, now, NULL)) < 0)
			return rc;
		(void)store_audit_add(*st, 0, "cli", u->is_disabled ?
		    "user.disable" : "user.enable", u->email, "", now);
		printf("%s %s%s\n", u->is_disabled ? "disabled" : "enabled",
		    u->email, u->is_disabled ? "; every session ended" : "");
		return 0;
	}
	if (strcmp(verb, "role") == 0) {
		if ((u->role = model_user_role_parse(role)) == USER_ROLE_NONE) {
			err_set(ND_EINVAL, "'%s' is not writer, editor or admin",
			    role);
			return CMD_USAGE_MSG;
		}
		if ((rc = store_user_update(*st, u, NULL, now, NULL)) < 0)
			return rc;
		(void)store_audit_add(*st, 0, "cli", "user.role", u->email,
		    model_user_role_name(u->role), now);
		printf("%s is now %s\n", u->email, model_user_role_name(u->role));
		return 0;
	}
	if ((rc = new_password(&p, file, hash)) < 0 ||
	    (rc = store_user_update(*st, u, hash, now, NULL)) < 0)
		return rc;
	(void)store_audit_add(*st, 0, "cli", "user.passwd", u->email, "", now);
	printf("new password for %s; every session ended\n", u->email);
	return 0;
}

static int
user_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	const char *verb = argc > 1 ? argv[1] : NULL;
	int rc;

	if (!verb)
		return CMD_USAGE;
	if (strcmp(verb, "add") == 0)
		rc = user_add(ctx, &st, &a, argc, argv);
	else if (strcmp(verb, "list") == 0)
		rc = user_list(ctx, &st, &a, argc, argv);
	else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0 ||
	    strcmp(verb, "passwd") == 0 || strcmp(verb, "role") == 0)
		rc = user_change(ctx, &st, &a, argc, argv);
	else
		rc = CMD_USAGE;
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_user = {
	.name = "user",
	.summary = "the desk's accounts: add, list, disable, passwd, role",
	.usage =
	    "usage: newsdesk user add EMAIL --name NAME --role ROLE "
	    "[--password-file FILE]\n"
	    "       newsdesk user list [--json]\n"
	    "       newsdesk user disable|enable EMAIL\n"
	    "       newsdesk user passwd EMAIL [--password-file FILE]\n"
	    "       newsdesk user role EMAIL ROLE\n"
	    "\n"
	    "Accounts of the editors' desk (/desk/). Roles, each with what the\n"
	    "one before may do: writer (drafts), editor (publishes, curates,\n"
	    "corrects), admin (users, settings).\n"
	    "\n"
	    "The password is read from the terminal without echo (typed twice),\n"
	    "or from the first line of FILE; it must have at least [desk]\n"
	    "password_min_len characters (12). It is stored as an argon2id hash.\n"
	    "disable and passwd end every session of the user at once; a\n"
	    "disabled user cannot sign in until `enable`. Every change is\n"
	    "written to the audit log (/desk/audit).\n"
	    "\n"
	    "options:\n"
	    "  --name NAME           the name shown on the desk and in bylines\n"
	    "  --role ROLE           writer, editor or admin\n"
	    "  --password-file FILE  read the password from FILE\n"
	    "  --json                list: an array of objects: id, email, name,\n"
	    "                        role, disabled, created, password_changed_at,\n"
	    "                        last_login, sessions\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk user add ed@desk.example --name 'Ed Ward' --role editor\n"
	    "  newsdesk user passwd ed@desk.example --password-file pw.txt\n"
	    "  newsdesk user disable ed@desk.example\n",
	.run = user_run,
};
