/*
 * cmd: the subcommand table. Each subcommand is a cmd_<name>.c exporting
 * `const struct cmd cmd_<name>`, listed once in main.c.
 *
 * run() gets argv with argv[0] = the command name and the global options
 * (--db, --config) already removed. It returns 0, a negative ND_E* code
 * after err_set() (main prints "newsdesk: <message>" and exits 1), or
 * CMD_USAGE (main prints the usage and exits 2), or CMD_USAGE_MSG after
 * err_set() for a usage error that one line explains (a bad option value,
 * no words to search: main prints "newsdesk: <message>" and where the
 * usage is, and exits 2).
 */
#ifndef ND_CLI_CMD_H
#define ND_CLI_CMD_H

#include <stdbool.h>
#include <stdint.h>

struct config;
struct store;

#define CMD_USAGE (-100)
#define CMD_USAGE_MSG (-101)

/* struct cmd flags */
enum {
	CMD_NO_CONFIG = 1 << 0,   /* main does not load the configuration file
	                           * (the command reads it itself: `config`) */
};

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
	int flags;                /* CMD_* */
};

/* True if argv has -h or --help; the command then prints its usage. */
bool cmd_wants_help(int argc, char **argv);

/*
 * Option scanning inside run(): at argv[*i], matches "--name VALUE" (then
 * *i is advanced past VALUE) or "--name=VALUE". Returns 1 and sets *out on a
 * match, 0 when argv[*i] is something else, CMD_USAGE_MSG (message set)
 * when the value is missing.
 */
int cmd_opt(int argc, char **argv, int *i, const char *name, const char **out);

/* Parses a time for --since/--until: an ISO 8601 date or date-time
 * ("2026-11-20", "2026-11-20T08:00:00Z") or an age before now such as
 * "90m", "3h", "2d", "1w". ND_EINVAL with a message otherwise. */
int cmd_parse_time(const char *s, int64_t now, int64_t *out);

/* Opens the store at ctx->db_path (creating and migrating it when
 * create is true, else ND_ENOTFOUND with a hint to run `newsdesk init`). */
int cmd_open_store(struct cmd_ctx *ctx, struct store **out, bool create);

/* ---- helpers shared by the store commands (cmd_common.c) ---- */
struct arena;
struct item;
struct source;

/* Finds a section by slug or name, else creates it with that name (slug
 * derived). *out_created says which; it may be NULL. */
int cmd_section_ensure(struct store *st, struct arena *a, const char *name,
    int64_t *out_id, bool *out_created);

/* A source by numeric id or by URL; ND_ENOTFOUND with a message. */
int cmd_source_lookup(struct store *st, struct arena *a, const char *key,
    struct source **out);

/* "YYYY-MM-DD HH:MM" in UTC, or "-" for 0. */
void cmd_time_short(char out[static 32], int64_t t);
/* "YYYY-MM-DDTHH:MM:SSZ", or "" for 0. */
void cmd_time_iso(char out[static 32], int64_t t);

/* Prints s in exactly width terminal columns: cut (at a character, never
 * inside one) or padded with spaces. Counts display width, so Arabic with
 * diacritics and CJK line up too. Control characters are dropped. A
 * negative width prints all of s without padding. */
void cmd_print_cell(const char *s, int width);
/* Prints s with control characters (C0, C1, DEL) dropped: text from feeds
 * must not drive the terminal. */
void cmd_print_text(const char *s);
/* s for a message on stderr: control characters (C0, C1, DEL), backslash
 * and bytes that are not UTF-8 as \xNN (log_escape), cut to fit buf.
 * Returns buf. For error messages, which may quote a URL or name from a
 * feed or an OPML file. */
const char *cmd_escape(char *buf, size_t cap, const char *s);

/* Prints a search snippet, its matches (between \x02 and \x03) shown in
 * bold when is_tty, else between [ and ]. Control characters are dropped
 * and newlines and tabs become spaces. */
void cmd_print_snippet(const char *snippet, bool is_tty);

/* An item as a JSON object (jansson; caller owns the reference). */
struct json_t;
struct json_t *cmd_item_json(const struct item *it);

/* Writes a JSON value to stdout, one document followed by a newline, and
 * drops the reference. */
int cmd_json_print(struct json_t *v);

/* A one-line human status of a source: "ok", "new", "failing", "disabled". */
const char *cmd_source_status(const struct source *src);

/* cmd_rule.c (issue 9): `section rule ...` and `review profile ...` */
int cmd_section_rule(struct cmd_ctx *ctx, int argc, char **argv);
struct arena;
int cmd_review_profile(struct store *st, struct arena *a, int argc,
    char **argv);
/* Adds [desk] beat's words to the store's profile (the commands that
 * ingest call it after opening the store). */
int cmd_beat_sync(struct cmd_ctx *ctx, struct store *st);

#endif
