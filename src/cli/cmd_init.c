/*
 * newsdesk init: creates the store, or migrates an existing one to the
 * current schema. Running it again is harmless, so scripts call it freely.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "core/err.h"
#include "store/store.h"
#include "core/banned.h"

static int
init_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *st = NULL;
	struct stat sb;
	bool existed;
	int rc;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	existed = stat(ctx->db_path, &sb) == 0;
	if ((rc = cmd_open_store(ctx, &st, true)) < 0)
		return rc;
	printf("%s store %s (schema version %d)\n",
	    existed ? "checked" : "created", ctx->db_path,
	    store_schema_version(st));
	store_close(st);
	return 0;
}

const struct cmd cmd_init = {
	.name = "init",
	.summary = "create the store (or bring an existing one up to date)",
	.usage =
	    "usage: newsdesk [--db PATH] init\n"
	    "\n"
	    "Creates the store at PATH (default: $NEWSDESK_DB, [store] path in the\n"
	    "configuration, ./newsdesk.db) with the current schema. On an existing\n"
	    "store it only applies pending migrations, so it is safe to run twice.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk init\n"
	    "  newsdesk --db /var/lib/newsdesk/desk.db init\n",
	.run = init_run,
};
