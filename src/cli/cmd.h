/*
 * cmd: the subcommand table. Each subcommand is a cmd_<name>.c exporting
 * `const struct cmd cmd_<name>`, listed once in main.c.
 *
 * run() gets argv with argv[0] = the command name and the global options
 * (--db, --config) already removed. It returns 0, a negative ND_E* code
 * after err_set() (main prints "newsdesk: <message>" and exits 1), or
 * CMD_USAGE (main prints the usage and exits 2).
 */
#ifndef ND_CLI_CMD_H
#define ND_CLI_CMD_H

#include <stdbool.h>

struct config;
struct store;

#define CMD_USAGE (-100)

struct cmd_ctx {
	const char *db_path;      /* --db, NEWSDESK_DB, [store] path, or default */
	const char *config_path;  /* --config or NEWSDESK_CONFIG, or NULL */
	struct config *cfg;       /* loaded before run (defaults when no file) */
	bool is_tty;              /* stderr is a terminal: progress bars allowed */
};

struct cmd {
	const char *name;
	const char *summary;      /* one line for `newsdesk help` */
	const char *usage;        /* full --help text: synopsis, options, examples */
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv);
};

/* True if argv has -h or --help; the command then prints its usage. */
bool cmd_wants_help(int argc, char **argv);

/* Opens the store at ctx->db_path (creating and migrating it when
 * create is true, else ND_ENOTFOUND with a hint to run `newsdesk init`). */
int cmd_open_store(struct cmd_ctx *ctx, struct store **out, bool create);

#endif
