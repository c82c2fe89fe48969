/*
 * newsdesk digest send: builds a list's digest now (the top stories since
 * its last digest), queues it to every active subscriber of the list and
 * sends what is due, or with --dry-run prints the message one subscriber
 * would get and queues nothing. `newsdesk run` does the same each day at
 * [mail] digest_hour.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/cfg.h"
#include "core/err.h"
#include "fetch/fetch.h"
#include "mail/mail.h"
#include "store/store.h"
#include "core/banned.h"

static int
digest_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *list = "digest", *since_s = NULL;
	int64_t since = 0;
	bool is_dry = false, is_send = true;
	struct store *st = NULL;
	struct mail_env env;
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (argc < 2 || strcmp(argv[1], "send") != 0)
		return CMD_USAGE;
	for (int i = 2; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--dry-run") == 0) {
			is_dry = true;
			continue;
		}
		if (strcmp(argv[i], "--queue-only") == 0) {
			is_send = false;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--since", &v)) < 0)
			return rc;
		if (rc) {
			since_s = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--list", &v)) < 0)
			return rc;
		if (!rc)
			return CMD_USAGE;
		list = v;
	}
	if (!mail_list_valid(list)) {
		err_set(ND_EINVAL, "digest send: '%s' is not a list (digest, "
		    "breaking, section:SLUG, column:SLUG)", list);
		return CMD_USAGE_MSG;
	}
	if (since_s && cmd_parse_time(since_s, now, &since) < 0)
		return CMD_USAGE_MSG;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if ((rc = mail_env_init(&env, ctx->cfg, st)) < 0)
		goto out;
	rc = mail_digest_send(&env, st, list, since, now, is_dry, stdout,
	    &n);
	if (rc == 0 && !is_dry) {
		printf("digest (list %s): queued to %zu subscriber%s\n", list, n,
		    n == 1 ? "" : "s");
		if (is_send && ctx->cfg->mail.smtp_url &&
		    *ctx->cfg->mail.smtp_url) {
			struct mail_run_stats s;

			fetch_global_init();
			rc = mail_queue_run(&env, st, 0, NULL, &s);
			printf("sent %zu, retried later %zu, failed %zu\n", s.sent,
			    s.retried, s.failed);
		}
	}
	mail_env_release(&env);
out:
	store_close(st);
	return rc;
}

const struct cmd cmd_digest = {
	.name = "digest",
	.summary = "build and send a list's digest now",
	.usage =
	"usage: newsdesk digest send [--list LIST] [--since TIME] [--dry-run]\n"
	"                            [--queue-only]\n"
	"\n"
	"Builds the digest of LIST (default: digest; also section:SLUG,\n"
	"column:SLUG, breaking): the top stories since the list's last digest\n"
	"(the last day for the first one), as text and HTML. It is queued to\n"
	"every active subscriber of the list, once each, and the queue is then\n"
	"sent as by `newsdesk mail send`. With nothing new, nothing is sent.\n"
	"`newsdesk run` sends the daily digests at [mail] digest_hour.\n"
	"\n"
	"  --list LIST   the list (default digest)\n"
	"  --since TIME  stories since TIME (a date, or an age: 3h, 2d)\n"
	"                instead of since the last digest\n"
	"  --dry-run     print the message one subscriber would get; queue\n"
	"                nothing\n"
	"  --queue-only  queue it; leave the sending to `mail send` or `run`\n"
	"\n"
	"examples:\n"
	"  newsdesk digest send --dry-run > digest.eml\n"
	"  newsdesk digest send --list section:developments\n",
	.run = digest_cmd,
};
