/*
 * serve: the public site over HTTP until SIGINT or SIGTERM, then a
 * graceful stop (no new connections, requests in flight finish).
 * The signals are blocked before any thread starts and taken with
 * sigwait, so no handler runs in a server thread.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/cfg.h"
#include "core/err.h"
#include "store/store.h"
#include "web/web.h"
#include "core/banned.h"

static int
serve_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *listen = ctx->cfg->web.listen;
	struct store *st = NULL;
	struct site *site = NULL;
	struct web *w = NULL;
	sigset_t set;
	int rc, sig = 0;

	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((rc = cmd_opt(argc, argv, &i, "--listen", &v)) < 0)
			return rc;
		if (rc) {
			listen = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--theme", &v)) < 0)
			return rc;
		if (rc) {
			if ((rc = cfg_set(ctx->cfg, "web", "theme_dir", v)) < 0)
				return rc;
			continue;
		}
		return CMD_USAGE;
	}
	/* a clear error now rather than a 503 on every page */
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	store_close(st);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = web_site_start(&w, &site, ctx->cfg, ctx->db_path, listen)) < 0)
		return rc;
	sigwait(&set, &sig);
	fprintf(stderr, "newsdesk: %s, stopping\n", sig == SIGINT ? "interrupted" :
	    "terminated");
	web_site_stop(w, site);
	return 0;
}

const struct cmd cmd_serve = {
	.name = "serve",
	.summary = "serve the public site over HTTP",
	.usage =
	    "usage: newsdesk serve [--listen ADDR:PORT] [--theme DIR]\n"
	    "\n"
	    "Serves the desk's public site (pages, search, feeds) from the store\n"
	    "until interrupted. Pages are rendered once per change of the data\n"
	    "and served from memory.\n"
	    "\n"
	    "  --listen ADDR:PORT  address to listen on (default: [web] listen,\n"
	    "                      127.0.0.1:8080); port 0 picks a free port\n"
	    "  --theme DIR         templates and CSS (default: [web] theme_dir)\n"
	    "\n"
	    "The URL is printed on stdout once the server listens:\n"
	    "  newsdesk serve --listen 127.0.0.1:0\n"
	    "  newsdesk: serving http://127.0.0.1:41234/\n",
	.run = serve_run,
};
