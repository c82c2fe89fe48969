/*
 * newsdesk config: check a configuration file, print the configuration in
 * effect (or the defaults), print the reference of every key. Everything
 * comes from the one table in core/cfg.c, so this command cannot disagree
 * with the loader.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/banned.h"

static int
config_check(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config cfg;
	const char *path = argc > 2 ? argv[2] : ctx->config_path;
	int rc;

	if (argc > 3)
		return CMD_USAGE;
	if (!path)
		return err_set(ND_EINVAL, "config check: no file given (and "
		    "neither --config nor NEWSDESK_CONFIG is set)");
	cfg_init(&cfg);
	rc = cfg_load(&cfg, path);
	cfg_release(&cfg);
	if (rc < 0)
		return rc;
	printf("%s: ok\n", path);
	return 0;
}

static int
config_dump(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config cfg;
	struct buf out = BUF_INIT(BUF_NOCAP);
	bool defaults = false;
	int rc = 0;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--defaults") == 0)
			defaults = true;
		else
			return CMD_USAGE;
	}
	cfg_init(&cfg);
	if (!defaults && ctx->config_path)
		rc = cfg_load(&cfg, ctx->config_path);
	if (rc == 0) {
		cfg_dump(&cfg, &out);
		fwrite(out.ptr, 1, out.len, stdout);
	}
	cfg_release(&cfg);
	buf_release(&out);
	return rc;
}

static int
config_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return CMD_USAGE;
	if (strcmp(argv[1], "check") == 0)
		return config_check(ctx, argc, argv);
	if (strcmp(argv[1], "dump") == 0)
		return config_dump(ctx, argc, argv);
	if (strcmp(argv[1], "doc") == 0 && argc == 2) {
		struct buf out = BUF_INIT(BUF_NOCAP);

		cfg_doc_markdown(&out);
		fwrite(out.ptr, 1, out.len, stdout);
		buf_release(&out);
		return 0;
	}
	return CMD_USAGE;
}

const struct cmd cmd_config = {
	.name = "config",
	.summary = "check a configuration file, print the settings or their reference",
	.usage =
	    "usage: newsdesk config check [FILE]\n"
	    "       newsdesk config dump [--defaults]\n"
	    "       newsdesk config doc\n"
	    "\n"
	    "check   load FILE (default: --config or $NEWSDESK_CONFIG) and report\n"
	    "        the first problem as FILE:LINE: message; exit 1 if there is one\n"
	    "dump    print the settings in effect (defaults overridden by the\n"
	    "        configuration file) as an INI file with a comment per key;\n"
	    "        --defaults ignores any configuration file\n"
	    "doc     print the reference of every key as Markdown (docs/config.md)\n"
	    "\n"
	    "Settings apply in this order: defaults, then the file, then the\n"
	    "command line and environment (--db, NEWSDESK_DB).\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk config dump --defaults > newsdesk.ini\n"
	    "  newsdesk config check newsdesk.ini\n"
	    "  NEWSDESK_CONFIG=newsdesk.ini newsdesk config dump\n"
	    "  newsdesk config doc > docs/config.md\n",
	.run = config_run,
	.flags = CMD_NO_CONFIG,
};
