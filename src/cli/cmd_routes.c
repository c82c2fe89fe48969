/*
 * newsdesk routes: the web route table, one line per route (methods,
 * pattern, flags, least role), so tests can walk every route (issue 10:
 * a new route cannot escape the role × method walk).
 */
#include <stdio.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "web/web.h"
#include "core/banned.h"

static int
routes_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct buf b = BUF_INIT(1 << 20);

	(void)ctx;
	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	web_routes_write(&b);
	fwrite(b.ptr, 1, b.len, stdout);
	buf_release(&b);
	return 0;
}

const struct cmd cmd_routes = {
	.name = "routes",
	.summary = "print the web route table (methods, path, flags, role)",
	.usage =
	    "usage: newsdesk routes\n"
	    "\n"
	    "Prints every route of the web server, one a line:\n"
	    "METHODS PATTERN FLAGS ROLE, e.g.\n"
	    "  GET,POST /desk/users login,csrf admin\n"
	    "Flags: cache, ages, static, nolog, query, media (public pages),\n"
	    "login (needs a signed-in user of at least ROLE), csrf (a POST\n"
	    "needs the form's token), session (reads the desk session),\n"
    "private (a reader's secrets: /tips, with its own form token).\n"
	    "For tests that walk every route; \"-\" means none.\n",
	.run = routes_run,
};
