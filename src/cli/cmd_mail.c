/*
 * newsdesk mail: the mail queue by hand (issue 11). `mail send` drains
 * what is due (the same worker `newsdesk run` runs), `mail status` shows
 * the queue, failures by kind and the last error, `mail bounces PATH`
 * reads returned mail from an mbox file or a maildir and marks the
 * addresses. Reader addresses are never printed: subscribers are named
 * by id.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/str.h"
#include "fetch/fetch.h"
#include "mail/mail.h"
#include "store/store.h"
#include "core/banned.h"

static atomic_bool stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, true);
}

static const char *
utc(char out[32], int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!t) {
		snprintf(out, 32, "-");
		return out;
	}
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%SZ", &tm);
	return out;
}

static int
mail_send(struct cmd_ctx *ctx, struct store *st, int argc, char **argv)
{
	struct mail_env env;
	struct mail_run_stats total = { 0 };
	bool is_wait = false;
	long long max = 0;
	int rc;

	for (int i = 2; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--wait") == 0) {
			is_wait = true;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--max", &v)) < 0)
			return rc;
		if (!rc)
			return CMD_USAGE;
		if (parse_int(v, 1, 100000000, &max) < 0)
			return CMD_USAGE_MSG;
	}
	if ((rc = mail_env_init(&env, ctx->cfg, st)) < 0)
		return rc;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (;;) {
		struct mail_run_stats s;
		int64_t now = (int64_t)time(NULL);
		size_t expired = 0;

		if ((rc = store_sub_expire(st, now -
		    (int64_t)ctx->cfg->mail.pending_days * 86400, now,
		    &expired)) < 0)
			break;
		/* breaking-news alerts asked for and not queued yet */
		{
			size_t np = 0, nm = 0;

			if ((rc = mail_breaking_queue(&env, st, now, &np,
			    &nm)) < 0)
				break;
		}
		rc = mail_queue_run(&env, st, max ? (size_t)max - total.sent :
		    0, &stop_flag, &s);
		total.sent += s.sent;
		total.retried += s.retried;
		total.failed += s.failed;
		total.wait_until = s.wait_until;
		total.is_rate_limited = s.is_rate_limited;
		if (rc < 0 || atomic_load(&stop_flag) || !is_wait ||
		    s.wait_until == 0 || (max && total.sent >= (size_t)max))
			break;
		/* --wait: sleep to the next window or retry, a second at a
		 * time so a signal stops it promptly */
		while (!atomic_load(&stop_flag) &&
		    (int64_t)time(NULL) < s.wait_until)
			sleep(1);
	}
	{
		char t[32];

		printf("sent %zu, retried later %zu, failed %zu", total.sent,
		    total.retried, total.failed);
		if (total.wait_until)
			printf("; %s until %s", total.is_rate_limited ?
			    "rate limit or retries wait" : "next attempt",
			    utc(t, total.wait_until));
		printf("\n");
	}
	mail_env_release(&env);
	return rc;
}

static const char *
state_name(int s)
{
	switch (s) {
	case MAIL_QUEUED: return "queued";
	case MAIL_SENDING: return "sending";
	case MAIL_SENT: return "sent";
	case MAIL_FAILED: return "failed";
	}
	return "?";
}

static int
mail_status(struct cmd_ctx *ctx, struct store *st, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store_mail_status s;
	size_t subs[5];
	int64_t now = (int64_t)time(NULL);
	char t[32];
	int rc;

	if (argc > 2)
		return CMD_USAGE;
	if ((rc = store_mail_status(st, &a, now, &s)) < 0 ||
	    (rc = store_sub_counts(st, subs)) < 0)
		goto out;
	printf("subscribers: %zu active, %zu pending, %zu unsubscribed, "
	    "%zu bounced, %zu suppressed\n", subs[SUB_ACTIVE],
	    subs[SUB_PENDING], subs[SUB_UNSUBSCRIBED], subs[SUB_BOUNCED],
	    subs[SUB_SUPPRESSED]);
	printf("smtp: %s\n", ctx->cfg->mail.smtp_url &&
	    *ctx->cfg->mail.smtp_url ? ctx->cfg->mail.smtp_url :
	    "(not set: mail waits in the queue)");
	printf("queue:\n");
	if (s.n_rows == 0)
		printf("  (empty)\n");
	for (size_t i = 0; i < s.n_rows; i++)
		printf("  %-8s %-8s %zu\n", s.rows[i].kind,
		    state_name(s.rows[i].state), s.rows[i].n);
	printf("due now: %zu\n", s.due);
	if (s.next_attempt)
		printf("next retry: %s\n", utc(t, s.next_attempt));
	printf("failures by kind:");
	{
		bool any = false;

		for (size_t i = 0; i < s.n_rows; i++)
			if (s.rows[i].state == MAIL_FAILED) {
				printf(" %s %zu", s.rows[i].kind, s.rows[i].n);
				any = true;
			}
		printf("%s\n", any ? "" : " none");
	}
	if (s.last_error)
		printf("last error: %s (%s mail, SMTP code %d, %s)\n",
		    s.last_error, s.last_error_kind ? s.last_error_kind : "?",
		    s.last_code, utc(t, s.last_error_at));
	else
		printf("last error: none\n");
out:
	arena_release(&a);
	return rc;
}

struct bounce_run {
	struct store *st;
	const struct config *cfg;
	unsigned char key[32];
	size_t n, hard, soft, auto_replies, unsubscribes, unknown, other;
};

static const char *
kind_name(int k)
{
	switch (k) {
	case MAIL_BOUNCE_HARD: return "hard";
	case MAIL_BOUNCE_SOFT: return "soft";
	case MAIL_BOUNCE_AUTOREPLY: return "auto-reply";
	case MAIL_BOUNCE_UNSUBSCRIBE: return "unsubscribe";
	}
	return "not a bounce";
}

static int
one_bounce(const char *msg, size_t len, void *payload)
{
	struct bounce_run *br = payload;
	struct arena a = ARENA_INIT;
	struct mail_bounce b;
	int64_t id = 0, now = (int64_t)time(NULL);
	const char *via = NULL;
	int rc, status = -1;

	br->n++;
	if ((rc = mail_bounce_parse(&a, msg, len, &b)) < 0) {
		printf("message %zu: skipped: %s\n", br->n, err_msg());
		br->other++;
		goto out;
	}
	if (b.kind == MAIL_BOUNCE_NONE || b.kind == MAIL_BOUNCE_AUTOREPLY) {
		if (b.kind == MAIL_BOUNCE_AUTOREPLY)
			br->auto_replies++;
		else
			br->other++;
		printf("message %zu: %s: ignored\n", br->n, kind_name(b.kind));
		goto out;
	}
	if (b.verp && mail_verp_check(br->key, b.verp, &id) == 0) {
		via = "return path";
	} else if (b.kind != MAIL_BOUNCE_UNSUBSCRIBE && b.recipient) {
		struct subscriber *s = NULL;
		const char *norm = NULL, *why = NULL;

		/* no VERP (a relay rewrote it): the recipient the report
		 * names, if it is one of ours */
		if (mail_addr_normalize(&a, b.recipient, &norm, &why) == 0 &&
		    store_sub_get(br->st, &a, 0, norm, &s) == 0) {
			id = s->id;
			via = "recipient";
		}
	}
	if (!id) {
		printf("message %zu: %s: no subscriber found\n", br->n,
		    kind_name(b.kind));
		br->unknown++;
		goto out;
	}
	if (b.kind == MAIL_BOUNCE_UNSUBSCRIBE) {
		rc = store_sub_set_status(br->st, id, SUB_UNSUBSCRIBED);
		status = SUB_UNSUBSCRIBED;
		br->unsubscribes++;
	} else {
		rc = store_sub_bounce(br->st, id, b.kind == MAIL_BOUNCE_HARD,
		    SUB_BOUNCED, br->cfg->mail.soft_bounce_limit, b.status, now,
		    &status);
		if (b.kind == MAIL_BOUNCE_HARD)
			br->hard++;
		else
			br->soft++;
	}
	if (rc == ND_ENOTFOUND) {
		printf("message %zu: %s: subscriber %lld no longer exists\n",
		    br->n, kind_name(b.kind), (long long)id);
		br->unknown++;
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	printf("message %zu: %s%s%s: subscriber %lld (by %s) is now %s\n",
	    br->n, kind_name(b.kind), b.status ? " " : "",
	    b.status ? b.status : "", (long long)id, via,
	    status == SUB_ACTIVE ? "active (soft bounce counted)" :
	    status == SUB_BOUNCED ? "bounced (no more mail)" :
	    status == SUB_UNSUBSCRIBED ? "unsubscribed" :
	    status == SUB_SUPPRESSED ? "suppressed" : "pending");
out:
	arena_release(&a);
	return rc;
}

static int
mail_bounces(struct cmd_ctx *ctx, struct store *st, int argc, char **argv)
{
	struct bounce_run br = { .st = st, .cfg = ctx->cfg };
	int rc;

	if (argc != 3)
		return CMD_USAGE;
	if ((rc = store_mail_secret(st, br.key)) < 0)
		return rc;
	if ((rc = mail_mailbox_each(argv[2], one_bounce, &br)) < 0)
		return rc;
	printf("%zu messages: %zu hard, %zu soft, %zu unsubscribe, "
	    "%zu auto-replies, %zu without a subscriber, %zu not bounces\n",
	    br.n, br.hard, br.soft, br.unsubscribes, br.auto_replies,
	    br.unknown, br.other);
	return 0;
}

static int
mail_cmd(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *st = NULL;
	int rc;

	if (argc < 2)
		return CMD_USAGE;
	if (strcmp(argv[1], "send") != 0 && strcmp(argv[1], "status") != 0 &&
	    strcmp(argv[1], "bounces") != 0)
		return CMD_USAGE;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	fetch_global_init();
	if (strcmp(argv[1], "send") == 0)
		rc = mail_send(ctx, st, argc, argv);
	else if (strcmp(argv[1], "status") == 0)
		rc = mail_status(ctx, st, argc, argv);
	else
		rc = mail_bounces(ctx, st, argc, argv);
	store_close(st);
	return rc;
}

const struct cmd cmd_mail = {
	.name = "mail",
	.summary = "send queued mail, show the queue, read bounces",
	.usage =
	"usage: newsdesk mail send [--wait] [--max N]\n"
	"       newsdesk mail status\n"
	"       newsdesk mail bounces PATH\n"
	"\n"
	"send     sends the mail that is due (confirmations, digests) through\n"
	"         [mail] smtp_url, one at a time, within the [mail] per_minute,\n"
	"         per_hour and per_day windows; a temporary failure (4xx, no\n"
	"         connection) is retried later, a permanent one (5xx) fails\n"
	"         the mail and stops mail to that address. Also deletes\n"
	"         sign-ups left unconfirmed for [mail] pending_days.\n"
	"  --wait   keep going through rate windows and retries until the\n"
	"           queue is empty (SIGINT stops it)\n"
	"  --max N  send at most N mails\n"
	"status   subscribers by status, the queue by kind and state, what\n"
	"         is due, failures by kind and the last error\n"
	"bounces  reads an mbox file or a maildir (cur/ and new/) of mail\n"
	"         returned to the VERP address bounces+ID-MAC@DOMAIN: a hard\n"
	"         bounce (5.x.x) stops mail to the address at once, a soft one\n"
	"         (4.x.x) after [mail] soft_bounce_limit; auto-replies are\n"
	"         ignored; a reader's mail with the subject 'unsubscribe'\n"
	"         (the List-Unsubscribe mailto) unsubscribes them\n"
	"\n"
	"examples:\n"
	"  newsdesk mail send --wait\n"
	"  newsdesk mail status\n"
	"  newsdesk mail bounces /var/mail/bounces\n",
	.run = mail_cmd,
};
