/*
 * newsdesk run: the long-running process. The fetch loop runs on its own
 * thread with its own store handle (ingest_loop_run), so a web server can
 * share the process; this thread only waits for signals: SIGTERM and SIGINT
 * stop the loop between two sources (each source is one store transaction,
 * so nothing is left half-written), SIGHUP reloads the configuration.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "mail/mail.h"
#include "store/store.h"
#include "web/web.h"
#include "core/banned.h"

struct loop_thread {
	struct ingest_loop *loop;
	int rc;
	char msg[256];
	atomic_bool is_done;
};

static void *
loop_main(void *p)
{
	struct loop_thread *t = p;

	t->rc = ingest_loop_run(t->loop);
	if (t->rc < 0)
		snprintf(t->msg, sizeof(t->msg), "%s", err_msg());
	atomic_store(&t->is_done, true);
	return NULL;
}

/* The mail loop (issue 11): the daily digests at [mail] digest_hour and
 * the queue, on its own thread and store handle. Off when [mail] from or
 * [desk] base_url is not set. */
struct mail_thread {
	const char *db_path;
	const struct config *cfg;
	atomic_bool stop;
	bool is_started;
	pthread_t tid;
};

static void *
mail_main(void *p)
{
	struct mail_thread *m = p;
	struct store *st = NULL;
	struct mail_env env;

	if (store_open(&st, m->db_path, 0) < 0 ||
	    mail_env_init(&env, m->cfg, st) < 0) {
		log_warn(LOG_MAIL, "mail loop off: %s", err_msg());
		store_close(st);
		return NULL;
	}
	while (!atomic_load(&m->stop)) {
		struct mail_run_stats s;
		int64_t now = (int64_t)time(NULL);

		if (mail_tick(&env, st, now, &m->stop, &s) < 0)
			log_error(LOG_MAIL, "mail loop: %s", err_msg());
		/* a round every 15 s: new confirmations go out quickly */
		for (int i = 0; i < 15 && !atomic_load(&m->stop); i++)
			sleep(1);
	}
	mail_env_release(&env);
	store_close(st);
	return NULL;
}

static void
reload(struct cmd_ctx *ctx, struct ingest_loop *loop)
{
	struct config cfg;
	int rc = 0;

	cfg_init(&cfg);
	if (ctx->config_path)
		rc = cfg_load(&cfg, ctx->config_path);
	if (rc < 0) {
		log_error(LOG_MAIN, "reload failed, keeping the old configuration: %s",
		    err_msg());
	} else {
		if (cfg.log.level && *cfg.log.level)
			log_configure(cfg.log.level);
		ingest_loop_set_config(loop, &cfg);
		log_info(LOG_MAIN, "configuration reloaded path=%s",
		    ctx->config_path ? ctx->config_path : "(defaults)");
	}
	cfg_release(&cfg);
}

static int
run_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *st = NULL;
	struct loop_thread t = { 0 };
	pthread_t tid;
	sigset_t set, old;
	int rc;
	/* the public site, served from the same process (issue 4) */
	const char *listen = NULL;
	bool no_web = false;
	struct web *web = NULL;
	struct site *site = NULL;
	struct mail_thread mt = { .db_path = ctx->db_path, .cfg = ctx->cfg };

	for (int i = 1; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--no-web") == 0) {
			no_web = true;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--listen", &v)) < 0)
			return rc;
		if (!rc)
			return CMD_USAGE;
		listen = v;
	}
	/* Fail early, with the usual hint, when there is no store. */
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	rc = cmd_beat_sync(ctx, st);   /* issue 9: [desk] beat */
	store_close(st);
	if (rc < 0)
		return rc;
	fetch_global_init();

	/* Signals are taken synchronously by this thread only: block them
	 * before any other thread exists, so all inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);

	/* The site first, so a bad theme stops the command before the
	 * fetch thread starts. */
	if (!no_web && (rc = web_site_start(&web, &site, ctx->cfg, ctx->db_path,
	    listen)) < 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	t.loop = ingest_loop_new(ctx->db_path, ctx->cfg);
	atomic_init(&t.is_done, false);
	if (pthread_create(&tid, NULL, loop_main, &t) != 0) {
		ingest_loop_free(t.loop);
		web_site_stop(web, site);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return err_set(ND_ERR, "run: cannot start the fetch thread");
	}
	if (ctx->cfg->mail.from && *ctx->cfg->mail.from)
		mt.is_started = pthread_create(&mt.tid, NULL, mail_main,
		    &mt) == 0;
	log_info(LOG_MAIN, "running db=%s pid=%ld", ctx->db_path, (long)getpid());
	for (;;) {
		struct timespec tick = { 1, 0 };
		int sig = sigtimedwait(&set, NULL, &tick);

		if (atomic_load(&t.is_done))
			break;
		if (sig == SIGHUP) {
			reload(ctx, t.loop);
		} else if (sig == SIGINT || sig == SIGTERM) {
			log_info(LOG_MAIN, "stopping signal=%d", sig);
			ingest_loop_stop(t.loop);
			break;
		}
	}
	pthread_join(tid, NULL);
	atomic_store(&mt.stop, true);
	if (mt.is_started)
		pthread_join(mt.tid, NULL);
	web_site_stop(web, site);
	ingest_loop_free(t.loop);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (t.rc < 0)
		return err_set(t.rc, "%s", t.msg);
	return 0;
}

const struct cmd cmd_run = {
	.name = "run",
	.summary = "fetch sources on schedule and serve the site until stopped",
	.usage =
	"usage: newsdesk run [--listen ADDR:PORT] [--no-web]\n"
	"\n"
	"Runs until stopped, fetching each source when it is due (see `newsdesk\n"
	"fetch` for what a fetch does) and serving the public site (see\n"
	"`newsdesk serve`; --listen as there, port 0 picks a free port; the URL\n"
	"is printed). SIGTERM or SIGINT stop it cleanly between two sources;\n"
	"SIGHUP reloads the configuration file (not the web server's).\n"
	"With [mail] from set, it also sends the mail queue and each list's\n"
	"daily digest at [mail] digest_hour in the desk's time zone.\n"
	"Once a day at [store] optimize_hour (default 4, the desk's time zone;\n"
	"-1 never) it merges the search index as `newsdesk optimize` does, in\n"
	"short steps while no source is due.\n"
	"\n"
	"  --listen ADDR:PORT  where to serve (default: [web] listen)\n"
	"  --no-web            fetch only\n",
	.run = run_cmd,
};
