/*
 * newsdesk init: creates the store, or migrates an existing one to the
 * current schema. Running it again is harmless, so scripts call it freely.
 * newsdesk migrate: only the migration, of a store that must exist. These
 * two are the only commands that change the schema: every other opener
 * refuses a store whose schema is not its own.
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

static int
migrate_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *st = NULL;
	int rc;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	rc = store_open(&st, ctx->db_path, STORE_MIGRATE);
	if (rc == ND_ENOTFOUND)
		return err_set(rc, "no store at %s (create it with `newsdesk "
		    "init`)", ctx->db_path);
	if (rc < 0)
		return rc;
	printf("store %s is at schema version %d\n", ctx->db_path,
	    store_schema_version(st));
	store_close(st);
	return 0;
}

const struct cmd cmd_migrate = {
	.name = "migrate",
	.summary = "bring an existing store's schema up to date",
	.usage =
	    "usage: newsdesk [--db PATH] migrate\n"
	    "\n"
	    "Applies the pending schema migrations of the store at PATH, each in\n"
	    "its own transaction (a crash leaves the store at one version or the\n"
	    "next). Every other command, and every web node, refuses a store\n"
	    "whose schema is older or newer than its own: upgrading is this one\n"
	    "explicit step. Stop the workers first, run it once, then start the\n"
	    "new version everywhere.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk migrate\n"
	    "  newsdesk --db /var/lib/newsdesk/desk.db migrate\n",
	.run = migrate_run,
};
