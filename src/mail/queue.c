/*
 * queue: the sender. One mail at a time: claim (the store leases the row
 * and counts the send windows), render with fresh tokens, send over SMTP,
 * record the outcome. The only state is the store's, so any number of
 * senders (processes, machines) can drain one queue, and a sender killed
 * between "sent" and "recorded" leaves exactly that mail to be sent again
 * with the same Message-ID.
 *
 * Tokens: each mail carries a manage token (preferences, unsubscribe,
 * valid a year) and a confirmation mail a confirm token (two days). They
 * are made here, at send time, and only their hashes are stored: nothing
 * on disk opens a reader's preferences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tz.h"
#include "core/xmalloc.h"
#include "mail/mail.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "core/banned.h"

#define MANAGE_TTL (365 * 86400)
#define CONFIRM_TTL (2 * 86400)

int
mail_env_init(struct mail_env *env, const struct config *cfg,
    struct store *st)
{
	struct arena a;
	const char *dom, *dir;
	int rc;

	memset(env, 0, sizeof(*env));
	env->cfg = cfg;
	if (!cfg->mail.from || !*cfg->mail.from)
		return err_set(ND_EINVAL, "mail: [mail] from is not set (the "
		    "address mail comes from)");
	if (!cfg->desk.base_url || !*cfg->desk.base_url)
		return err_set(ND_EINVAL, "mail: [desk] base_url is not set "
		    "(the site's public URL, for the links in mail)");
	arena_init(&a);
	dom = mail_addr_domain(&a, cfg->mail.from);
	if (!dom) {
		arena_release(&a);
		return err_set(ND_EINVAL, "mail: [mail] from: '%s' has no "
		    "domain", cfg->mail.from);
	}
	{
		size_t n = strlen(cfg->desk.base_url);

		while (n && cfg->desk.base_url[n - 1] == '/')
			n--;
		env->base_url = xstrndup(cfg->desk.base_url, n);
	}
	env->from = cfg->mail.from;
	env->domain = xstrdup(dom);
	env->bounce_domain = xstrdup(cfg->mail.bounce_domain &&
	    *cfg->mail.bounce_domain ? cfg->mail.bounce_domain : dom);
	arena_release(&a);
	env->tz = tz_open(cfg->desk.timezone);
	dir = cfg->web.theme_dir && *cfg->web.theme_dir ? cfg->web.theme_dir :
	    "theme";
	if ((rc = tmpl_set_load(&env->tmpl, dir)) < 0)
		goto fail;
	if (!tmpl_set_has(env->tmpl, "mail_digest") ||
	    !tmpl_set_has(env->tmpl, "mail_confirm") ||
	    !tmpl_set_has(env->tmpl, "mail_breaking")) {
		rc = err_set(ND_ENOTFOUND, "theme: %s/mail_digest.html, "
		    "mail_confirm.html or mail_breaking.html is missing", dir);
		goto fail;
	}
	if ((rc = store_mail_secret(st, env->key)) < 0)
		goto fail;
	return 0;
fail:
	mail_env_release(env);
	return rc;
}

void
mail_env_release(struct mail_env *env)
{
	free((char *)env->base_url);
	free((char *)env->domain);
	free((char *)env->bounce_domain);
	tz_free(env->tz);
	tmpl_set_free(env->tmpl);
	memset(env, 0, sizeof(*env));
}

const char *
mail_message_id(struct arena *a, const struct mail_env *env)
{
	char tok[MAIL_TOKEN_LEN + 1];

	mail_token_new(tok);
	return arena_printf(a, "<%.24s@%s>", tok, env->domain);
}

/* A new token of kind for the subscriber, its hash stored. */
static int
token_for(struct store *st, int64_t sub_id, int kind, int64_t ttl,
    char tok[MAIL_TOKEN_LEN + 1])
{
	char hash[MAIL_HASH_LEN + 1];

	mail_token_new(tok);
	mail_token_hash(tok, hash);
	return store_sub_token_add(st, sub_id, kind, hash,
	    (int64_t)time(NULL) + ttl);
}

/* Replaces every MAIL_TOKEN_MARKER in s by tok. In a. */
static const char *
with_token(struct arena *a, const char *s, const char *tok)
{
	struct buf b = BUF_INIT(16 << 20);
	size_t ml = strlen(MAIL_TOKEN_MARKER);
	const char *p = s, *q;
	char *out;

	while ((q = strstr(p, MAIL_TOKEN_MARKER))) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, tok);
		p = q + ml;
	}
	buf_adds(&b, p);
	out = arena_strndup(a, b.ptr, b.len);
	buf_release(&b);
	return out;
}

static const char *
desk_name(const struct mail_env *env)
{
	return env->cfg->desk.name && *env->cfg->desk.name ?
	    env->cfg->desk.name : "newsdesk";
}

/* The confirmation and the "already subscribed" notice. */
static int
render_personal(struct mail_env *env, struct arena *a,
    const struct mail_msg *m, const char *confirm_tok, const char *manage_tok,
    const char **out_subject, const char **out_text, const char **out_html)
{
	struct tmpl_obj *o = tmpl_obj_new(a);
	struct page pg;
	const char *manage = arena_printf(a, "%s/subscribe/manage?t=%s",
	    env->base_url, manage_tok);
	const char *confirm = confirm_tok ? arena_printf(a,
	    "%s/subscribe/confirm?t=%s", env->base_url, confirm_tok) : NULL;
	const char *name = desk_name(env);
	int rc;

	tmpl_set_text(o, "desk", name);
	tmpl_set_text(o, "base_url", env->base_url);
	tmpl_set_text(o, "manage_url", manage);
	tmpl_set_text(o, "confirm_url", confirm);
	tmpl_set_bool(o, "is_confirm", confirm != NULL);
	if (confirm) {
		*out_subject = arena_printf(a, "Confirm your subscription to %s",
		    name);
		*out_text = arena_printf(a,
		    "Someone, we hope you, asked for email from %s at this "
		    "address.\n\nTo confirm, open this link and press the "
		    "button on the page:\n%s\n\nIf it was not you, ignore this "
		    "mail: without a confirmation nothing more is sent, and the "
		    "sign-up is deleted after a few days. The link works for "
		    "two days.\n\n-- \n%s\n%s\n", name, confirm, name,
		    env->base_url);
	} else {
		*out_subject = arena_printf(a, "Your subscription to %s", name);
		*out_text = arena_printf(a,
		    "Someone, we hope you, entered this address to sign up for "
		    "email from %s. It is already subscribed.\n\nTo change "
		    "what you receive, or to leave, use this page:\n%s\n\n"
		    "-- \n%s\n%s\n", name, manage, name, env->base_url);
	}
	tmpl_set_text(o, "subject", *out_subject);
	page_init(&pg, a, 1 << 20);
	if ((rc = tmpl_render(&pg, env->tmpl, "mail_confirm", o)) < 0) {
		page_release(&pg);
		return rc;
	}
	*out_html = arena_strndup(a, pg.b.ptr, pg.b.len);
	page_release(&pg);
	(void)m;
	return 0;
}

int
mail_render(struct mail_env *env, struct store *st, struct arena *a,
    const struct mail_msg *m, struct buf *out)
{
	char manage[MAIL_TOKEN_LEN + 1], confirm[MAIL_TOKEN_LEN + 1];
	struct mail_message mm = { 0 };
	char verp[64];
	int rc;

	if ((rc = token_for(st, m->subscriber_id, SUB_TOKEN_MANAGE, MANAGE_TTL,
	    manage)) < 0)
		return rc;
	mm.from = env->from;
	mm.to = m->email;
	mm.message_id = m->message_id;
	mm.date = (int64_t)time(NULL);
	mm.unsub_url = arena_printf(a, "%s/unsubscribe?t=%s", env->base_url,
	    manage);
	mail_verp_local(env->key, m->subscriber_id, verp);
	mm.unsub_mailto = arena_printf(a, "mailto:%s@%s?subject=unsubscribe",
	    verp, env->bounce_domain);
	mm.list_id = arena_printf(a, "%s <%s.%s>", desk_name(env),
	    strcmp(m->kind, "breaking") == 0 ? "breaking" :
	    m->content_id ? "digest" : "account", env->domain);
	if (strcmp(m->kind, "digest") == 0 ||
	    strcmp(m->kind, "breaking") == 0) {
		if (!m->text || !m->html || !m->subject)
			return err_set(ND_EINVAL, "mail: digest %lld has no "
			    "content", (long long)m->id);
		mm.subject = m->subject;
		mm.text = with_token(a, m->text, manage);
		mm.html = with_token(a, m->html, manage);
	} else {
		bool is_confirm = strcmp(m->kind, "confirm") == 0;

		if (is_confirm && (rc = token_for(st, m->subscriber_id,
		    SUB_TOKEN_CONFIRM, CONFIRM_TTL, confirm)) < 0)
			return rc;
		/* a mail that only confirms needs no unsubscribe: there is
		 * nothing to leave yet; the header still lets a client
		 * offer "this is not me" */
		if ((rc = render_personal(env, a, m, is_confirm ? confirm :
		    NULL, manage, &mm.subject, &mm.text, &mm.html)) < 0)
			return rc;
	}
	return mail_message_build(out, &mm);
}

int
mail_queue_run(struct mail_env *env, struct store *st, size_t max,
    const atomic_bool *stop, struct mail_run_stats *out)
{
	const struct cfg_mail *mc = &env->cfg->mail;
	struct store_mail_limits lim = { mc->per_minute, mc->per_hour,
		mc->per_day };
	struct mail_smtp *smtp = NULL;
	struct buf msg = BUF_INIT(32 << 20);
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* not configured: every mail waits, untouched */
	if (!mc->smtp_url || !*mc->smtp_url)
		return err_set(ND_EINVAL, "mail: [mail] smtp_url is not set; "
		    "mail waits in the queue");
	for (;;) {
		struct arena a;
		struct mail_msg *m = NULL;
		int64_t now = (int64_t)time(NULL), wait = 0;
		char err[512], verp[64];
		int code = 0, res;

		if ((stop && atomic_load(stop)) || (max && out->sent >= max))
			break;
		arena_init(&a);
		if ((rc = store_mail_claim(st, &a, now, mc->lease_s, &lim, &m,
		    &wait)) < 0) {
			arena_release(&a);
			break;
		}
		if (!m) {
			out->wait_until = wait;
			out->is_rate_limited = wait > now;
			arena_release(&a);
			break;
		}
		buf_reset(&msg);
		if ((rc = mail_render(env, st, &a, m, &msg)) < 0) {
			log_error(LOG_MAIL, "render failed id=%lld: %s",
			    (long long)m->id, err_msg());
			rc = store_mail_done(st, m->id, MAIL_FAILED, 0,
			    err_msg(), 0, now);
			out->failed++;
			arena_release(&a);
			if (rc < 0)
				break;
			continue;
		}
		if (!smtp && (rc = mail_smtp_new(&smtp, env->cfg)) < 0) {
			/* not configured: the mail waits, leased */
			(void)store_mail_done(st, m->id, MAIL_QUEUED, now,
			    err_msg(), 0, now);
			arena_release(&a);
			break;
		}
		mail_verp_local(env->key, m->subscriber_id, verp);
		res = mail_smtp_send(smtp, arena_printf(&a, "%s@%s", verp,
		    env->bounce_domain), m->email, msg.ptr, msg.len, &code,
		    err, sizeof(err));
		now = (int64_t)time(NULL);
		if (res == MAIL_SEND_OK) {
			rc = store_mail_done(st, m->id, MAIL_SENT, 0, NULL,
			    code, now);
			out->sent++;
			log_info(LOG_MAIL, "sent id=%lld kind=%s",
			    (long long)m->id, m->kind);
		} else if (res == MAIL_SEND_PERM) {
			rc = store_mail_done(st, m->id, MAIL_FAILED, 0, err,
			    code, now);
			if (rc == 0)
				rc = store_sub_bounce(st, m->subscriber_id,
				    true, SUB_SUPPRESSED, mc->soft_bounce_limit,
				    arena_printf(&a, "smtp %d", code), now,
				    NULL);
			out->failed++;
			log_warn(LOG_MAIL, "refused id=%lld code=%d: %s",
			    (long long)m->id, code, err);
		} else {
			bool is_last = m->attempts >= mc->max_attempts;
			int shift = m->attempts - 1 < 16 ? m->attempts - 1 : 16;
			int64_t next = now + ((int64_t)mc->retry_s << shift);

			rc = store_mail_done(st, m->id, is_last ? MAIL_FAILED :
			    MAIL_QUEUED, next, err, code, now);
			if (is_last)
				out->failed++;
			else
				out->retried++;
			log_warn(LOG_MAIL, "temporary failure id=%lld code=%d "
			    "attempt=%d: %s", (long long)m->id, code,
			    m->attempts, err);
			/* not this recipient's problem (no connection, a
			 * refused login, our sender refused): every other
			 * mail would fail the same way, so the run stops
			 * without spending their attempts */
			if (code == 0 || !strstr(err, "RCPT failed")) {
				out->wait_until = next;
				arena_release(&a);
				break;
			}
		}
		arena_release(&a);
		if (rc < 0)
			break;
	}
	buf_release(&msg);
	mail_smtp_free(smtp);
	return rc;
}
