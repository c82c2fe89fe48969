/*
 * newsdesk: the command-line front end. Finds the subcommand in the table,
 * strips the global options, loads the configuration and runs it. Only this
 * file may exit the process on an error (after printing one clear line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cli/cmd.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/banned.h"

extern const struct cmd cmd_help;
extern const struct cmd cmd_init;
extern const struct cmd cmd_optimize;
extern const struct cmd cmd_migrate;
extern const struct cmd cmd_section;
extern const struct cmd cmd_source;
extern const struct cmd cmd_import_opml;
extern const struct cmd cmd_export_opml;
extern const struct cmd cmd_ingest;
extern const struct cmd cmd_items;
extern const struct cmd cmd_fetch;
extern const struct cmd cmd_run;
extern const struct cmd cmd_search;
extern const struct cmd cmd_config;
extern const struct cmd cmd_parse;
extern const struct cmd cmd_extract;
extern const struct cmd cmd_parse_date;
extern const struct cmd cmd_serve;
extern const struct cmd cmd_export;
extern const struct cmd cmd_cluster;
extern const struct cmd cmd_classify;
extern const struct cmd cmd_stories;
extern const struct cmd cmd_story;
extern const struct cmd cmd_tips;
extern const struct cmd cmd_user;
extern const struct cmd cmd_item;
extern const struct cmd cmd_routes;
extern const struct cmd cmd_mail;
extern const struct cmd cmd_digest;
/* the desk's posts (issue 10) */
extern const struct cmd cmd_post;
extern const struct cmd cmd_column;
extern const struct cmd cmd_review;

/* In the order `newsdesk help` lists them. */
static const struct cmd *const commands[] = {
	&cmd_help,
	&cmd_init,
	&cmd_migrate,
	&cmd_optimize,
	&cmd_section,
	&cmd_source,
	&cmd_import_opml,
	&cmd_export_opml,
	&cmd_ingest,
	&cmd_fetch,
	&cmd_run,
	&cmd_items,
	&cmd_search,
	&cmd_config,
	&cmd_parse,
	&cmd_extract,
	&cmd_parse_date,
	&cmd_serve,
	&cmd_export,
	&cmd_mail,
	&cmd_digest,
	&cmd_stories,
	&cmd_story,
	&cmd_tips,
	&cmd_user,
	&cmd_item,
	&cmd_review,
	&cmd_routes,
	&cmd_cluster,
	&cmd_classify,
	/* the desk's posts (issue 10) */
	&cmd_post,
	&cmd_column,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: newsdesk [--db PATH] [--config FILE] COMMAND [ARGS]\n\n"
	    "newsdesk gathers a beat's news from feeds into a store and publishes it.\n\n"
	    "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nglobal options:\n"
	    "  --db PATH       the store (default: $NEWSDESK_DB, [store] path, ./newsdesk.db)\n"
	    "  --config FILE   configuration file (default: $NEWSDESK_CONFIG)\n"
	    "\n`newsdesk COMMAND --help` describes one command.\n");
}

static int
help_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc > 1) {
		for (size_t i = 0; i < NCOMMANDS; i++) {
			if (strcmp(commands[i]->name, argv[1]) == 0) {
				fputs(commands[i]->usage, stdout);
				return 0;
			}
		}
		return err_set(ND_ENOTFOUND, "help: no command '%s'", argv[1]);
	}
	usage_all(stdout);
	return 0;
}

const struct cmd cmd_help = {
	.name = "help",
	.summary = "list the commands, or describe one",
	.usage = "usage: newsdesk help [COMMAND]\n",
	.run = help_run,
	.flags = CMD_NO_CONFIG,
};

bool
cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

/* Removes "--name VALUE" / "--name=VALUE" from argv (before any "--"),
 * returning VALUE or NULL. */
static const char *
take_global(int *argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	const char *val = NULL;

	for (int i = 1; i < *argc; i++) {
		int drop = 0;

		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], name) == 0) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "newsdesk: %s needs a value\n", name);
				exit(2);
			}
			val = argv[i + 1];
			drop = 2;
		} else if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
			val = argv[i] + n + 1;
			drop = 1;
		}
		if (drop) {
			memmove(&argv[i], &argv[i + drop],
			    (size_t)(*argc - i - drop + 1) * sizeof(*argv));
			*argc -= drop;
			i--;
		}
	}
	return val;
}

/* An empty variable counts as unset. */
static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * Precedence: defaults < configuration file < environment/command line.
 * A --config or NEWSDESK_CONFIG that names a missing file is an error: the
 * operator asked for it, and running on defaults instead would surprise.
 */
static int
load_config(struct cmd_ctx *ctx, struct config *cfg, const struct cmd *cmd)
{
	int rc;

	if (ctx->config_path && !(cmd->flags & CMD_NO_CONFIG)) {
		if ((rc = cfg_load(cfg, ctx->config_path)) < 0)
			return rc;
	}
	if ((rc = log_configure(cfg->log.level)) < 0)
		return rc;
	if (!ctx->db_path)
		ctx->db_path = cfg->store.path;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	struct config cfg;
	const struct cmd *cmd = NULL;
	int rc;

	/* libxml2's first initialisation is not thread-safe (2.9): do it
	 * before any command starts threads (fetch loop, web server). */
	xmlInitParser();
	ctx.db_path = take_global(&argc, argv, "--db");
	ctx.config_path = take_global(&argc, argv, "--config");
	if (!ctx.db_path)
		ctx.db_path = env_nonempty("NEWSDESK_DB");
	if (!ctx.config_path)
		ctx.config_path = env_nonempty("NEWSDESK_CONFIG");
	ctx.is_tty = isatty(STDERR_FILENO);

	if (argc < 2) {
		usage_all(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_all(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("newsdesk %s\n", ND_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, argv[1]) == 0)
			cmd = commands[i];
	if (!cmd) {
		fprintf(stderr, "newsdesk: unknown command '%s' (see `newsdesk help`)\n",
		    argv[1]);
		return 2;
	}
	if (cmd_wants_help(argc - 1, argv + 1)) {
		fputs(cmd->usage, stdout);
		return 0;
	}
	cfg_init(&cfg);
	ctx.cfg = &cfg;
	if ((rc = load_config(&ctx, &cfg, cmd)) == 0)
		rc = cmd->run(&ctx, argc - 1, argv + 1);
	cfg_release(&cfg);
	if (rc == CMD_USAGE) {
		fputs(cmd->usage, stderr);
		return 2;
	}
	if (rc == CMD_USAGE_MSG) {
		char msg[4096];

		fprintf(stderr, "newsdesk: %s (see `newsdesk %s --help`)\n",
		    cmd_escape(msg, sizeof(msg), err_msg()), cmd->name);
		return 2;
	}
	if (rc < 0) {
		char msg[4096];

		/* the message may quote a URL or name from outside */
		fprintf(stderr, "newsdesk: %s\n", *err_msg() ? cmd_escape(msg,
		    sizeof(msg), err_msg()) : err_name(rc));
		return 1;
	}
	return rc;
}
