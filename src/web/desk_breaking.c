/*
 * desk_breaking: breaking-news alerts from the desk (issue 11). An editor
 * ticks "Send as breaking news" when publishing a post (the edit form or
 * its publish form), or presses the button of a published post
 * (POST /desk/post/{id}/breaking). The store keeps the request, once
 * (store_breaking_request); when the post is published and mail is set
 * up, the alert is rendered and queued at once (mail_breaking_queue: one
 * mail per confirmed subscriber of the breaking list, marked sent in the
 * same transaction), else the mail loop of `newsdesk run` queues it on
 * its next round. Asking again sends nothing more. Every request is in
 * the audit log (post.breaking).
 */
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "mail/mail.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

const char *
desk_breaking_ask(struct web_req *r, const struct post *p)
{
	struct store_breaking b;
	struct mail_env env;
	int64_t now = (int64_t)time(NULL);
	size_t np = 0, nm = 0;

	if (store_breaking_get(r->st, p->id, &b) < 0)
		return "The breaking alert could not be read; try again.";
	if (b.queued_at)
		return arena_printf(&r->a, "This post went out as breaking "
		    "news already (%zu subscribers); it is not sent again.",
		    b.n_queued);
	if (!b.requested_at) {
		if (store_breaking_request(r->st, p->id, r->user ?
		    r->user->id : 0, now, &b) < 0)
			return "The breaking alert could not be recorded; try "
			    "again.";
		(void)desk_audit(r, "post.breaking", arena_printf(&r->a,
		    "post %lld", (long long)p->id), p->headline);
	}
	if (p->status != POST_PUBLISHED)
		return "The breaking alert goes out when the post is "
		    "published.";
	if (mail_env_init(&env, r->site->cfg, r->st) < 0) {
		log_warn(LOG_WEB, "breaking alert of post %lld waits: %s",
		    (long long)p->id, err_msg());
		return arena_printf(&r->a, "The breaking alert waits: mail is "
		    "not set up (%s).", err_msg());
	}
	if (mail_breaking_queue(&env, r->st, now, &np, &nm) < 0) {
		log_error(LOG_WEB, "breaking alert of post %lld: %s",
		    (long long)p->id, err_msg());
		mail_env_release(&env);
		return "The breaking alert waits for the mail loop.";
	}
	mail_env_release(&env);
	if (store_breaking_get(r->st, p->id, &b) < 0 || !b.queued_at)
		return "The breaking alert waits for the mail loop.";
	return arena_printf(&r->a, "Breaking alert queued for %zu "
	    "subscriber%s.", b.n_queued, b.n_queued == 1 ? "" : "s");
}

void
desk_breaking_show(struct web_req *r, struct tmpl_obj *o, int64_t id)
{
	struct store_breaking b;
	size_t n = 0;

	if (store_list_count(r->st, "breaking", &n) == 0)
		tmpl_set_int(o, "n_breaking", (long long)n);
	if (!id || store_breaking_get(r->st, id, &b) < 0 || !b.requested_at)
		return;
	{
		struct tmpl_obj *x = tmpl_set_obj(o, "breaking");

		tmpl_set_bool(x, "is_sent", b.queued_at != 0);
		tmpl_set_bool(x, "is_waiting", b.queued_at == 0);
		tmpl_set_text(x, "when", view_desk_time(&r->a, r->site->tz,
		    b.queued_at ? b.queued_at : b.requested_at));
		tmpl_set_int(x, "n", (long long)b.n_queued);
	}
}

int
desk_post_breaking(struct web_req *r)
{
	struct post *p = NULL;
	const char *note;
	int64_t id;
	int rc;

	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_post_get(r->st, &r->a, id, &p)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such post.");
		return 0;
	}
	if (rc < 0)
		return rc;
	/* says what: an empty form sends nothing */
	{
		const char *action = web_form(r, "action");

		if (!action || strcmp(action, "breaking") != 0) {
			site_error(r, 400, "Say that the post goes out as "
			    "breaking news (the button of the post's page).");
			return 0;
		}
	}
	if (p->status != POST_PUBLISHED) {
		site_error(r, 400, "Only a published post goes out as breaking "
		    "news now; tick \"Send as breaking news\" when you publish "
		    "it.");
		return 0;
	}
	note = desk_breaking_ask(r, p);
	return desk_redirect(r, arena_printf(&r->a, "/desk/post/%lld",
	    (long long)id), note);
}
