/*
 * breaking: breaking-news alerts (issue 11). An editor asks for a post
 * to go out as breaking news (the desk's "Send as breaking news", `newsdesk
 * post add --breaking`, `post breaking ID`); the store keeps the request
 * (store_breaking_request). Once the post is published, the alert is
 * rendered once (theme/mail_breaking.html and a text part: the headline,
 * deck, byline, the first lines and a link to the post) and queued, in
 * one transaction, to every confirmed subscriber of the breaking list
 * (store_breaking_enqueue), which marks the post as sent: repeating the
 * action, or two senders at once, sends nothing more. The queue worker
 * delivers it like any mail (leases, send windows, List-Unsubscribe).
 */
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "mail/mail.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "core/banned.h"

#define LEAD_MAX 600             /* bytes of the post's first lines */

int
mail_breaking_build(struct mail_env *env, struct arena *a,
    const struct post *p, int64_t now, const char **out_subject,
    const char **out_text, const char **out_html)
{
	const struct cfg_desk *d = &env->cfg->desk;
	const char *name = d->name && *d->name ? d->name : "newsdesk";
	struct view_site vs = { .name = name, .tagline = d->tagline,
		.contact = d->contact, .base_url = env->base_url,
		.language = d->language, .sponsor = HTML(""), .css_hash = "",
		.tz = env->tz };
	struct tmpl_obj *o = tmpl_obj_new(a), *po;
	struct buf text = BUF_INIT(1 << 20);
	const char *path = view_post_path(a, p), *lead, *manage, *unsub;
	const char *day = view_day(a, env->tz, now, true);
	struct page pg;
	int rc;

	lead = p->body_html && *p->body_html ? render_plain(a, p->body_html,
	    LEAD_MAX) : NULL;
	manage = arena_printf(a, "%s/subscribe/manage?t=%s", env->base_url,
	    MAIL_TOKEN_MARKER);
	unsub = arena_printf(a, "%s/unsubscribe?t=%s", env->base_url,
	    MAIL_TOKEN_MARKER);
	*out_subject = arena_printf(a, "Breaking: %s", p->headline);
	buf_addf(&text, "%s\nBreaking news, %s\n\n%s\n", name, day,
	    p->headline);
	if (p->deck && *p->deck)
		buf_addf(&text, "%s\n", p->deck);
	buf_adds(&text, "\n");
	if (lead && *lead)
		buf_addf(&text, "%s\n\n", lead);
	buf_addf(&text, "Read the full report: %s%s\n\n", env->base_url, path);
	buf_addf(&text, "-- \nYou receive this because you subscribed to "
	    "breaking news from %s.\nChange what you receive: %s\n"
	    "Unsubscribe: %s\n", name, manage, unsub);
	if ((rc = buf_err(&text)) < 0)
		goto out;
	*out_text = arena_strndup(a, text.ptr, text.len);
	tmpl_set_text(o, "desk", name);
	tmpl_set_text(o, "lang", d->language && *d->language ? d->language :
	    "en");
	tmpl_set_text(o, "subject", *out_subject);
	tmpl_set_text(o, "day", day);
	tmpl_set_text(o, "base_url", env->base_url);
	tmpl_set_text(o, "manage_url", manage);
	tmpl_set_text(o, "unsubscribe_url", unsub);
	po = tmpl_set_obj(o, "post");
	view_post(po, a, &vs, p, false, (time_t)now);
	tmpl_set_text(po, "base_url", env->base_url);
	tmpl_set_text(po, "lead", lead);
	page_init(&pg, a, 4 << 20);
	if ((rc = tmpl_render(&pg, env->tmpl, "mail_breaking", o)) == 0)
		*out_html = arena_strndup(a, pg.b.ptr, pg.b.len);
	page_release(&pg);
out:
	buf_release(&text);
	return rc;
}

int
mail_breaking_queue(struct mail_env *env, struct store *st, int64_t now,
    size_t *out_posts, size_t *out_mails)
{
	struct arena a;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	*out_posts = 0;
	*out_mails = 0;
	arena_init(&a);
	if ((rc = store_breaking_pending(st, &a, 0, &ids, &n)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct post *p = NULL;
		const char *subject = NULL, *text = NULL, *html = NULL;
		size_t queued = 0;

		if ((rc = store_post_get(st, &a, ids[i], &p)) < 0 ||
		    (rc = mail_breaking_build(env, &a, p, now, &subject, &text,
		    &html)) < 0)
			goto out;
		rc = store_breaking_enqueue(st, p->id, subject, text, html,
		    env->domain, now, &queued);
		if (rc == ND_EEXISTS) {
			rc = 0;         /* another sender queued it meanwhile */
			continue;
		}
		if (rc < 0)
			goto out;
		(*out_posts)++;
		*out_mails += queued;
		log_info(LOG_MAIL, "breaking alert queued post=%lld "
		    "recipients=%zu", (long long)p->id, queued);
	}
out:
	arena_release(&a);
	return rc;
}
