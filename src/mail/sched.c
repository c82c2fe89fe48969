/*
 * sched: the daily digest's clock and one round of the mail loop, for
 * `newsdesk run`. The schedule lives in the store (digest_runs): the
 * digest of a list is due once its hour has passed today and it has not
 * been queued since, so any number of restarts send it once a day.
 */
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/tz.h"
#include "mail/mail.h"
#include "store/store.h"
#include "core/banned.h"

bool
mail_digest_due(const struct mail_env *env, struct store *st,
    const char *list, int64_t now)
{
	int hour = env->cfg->mail.digest_hour;
	int64_t last = 0;

	if (!tz_daily_due(env->tz, now, hour, 0))
		return false;
	if (store_digest_last(st, list, &last) < 0)
		return false;
	return tz_daily_due(env->tz, now, hour, last);
}

static int
digest_if_due(struct mail_env *env, struct store *st, const char *list,
    int64_t now)
{
	size_t n = 0, queued = 0;
	int rc;

	if (!mail_digest_due(env, st, list, now))
		return 0;
	if ((rc = store_list_count(st, list, &n)) < 0 || n == 0)
		return rc;
	if ((rc = mail_digest_send(env, st, list, 0, now, false, NULL,
	    &queued))
	    < 0)
		return rc;
	log_info(LOG_MAIL, "digest queued list=%s recipients=%zu", list,
	    queued);
	return 0;
}

int
mail_tick(struct mail_env *env, struct store *st, int64_t now,
    const atomic_bool *stop, struct mail_run_stats *out)
{
	struct arena a;
	struct section *secs = NULL;
	size_t n = 0, expired = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_sub_expire(st, now -
	    (int64_t)env->cfg->mail.pending_days * 86400, now, &expired)) < 0)
		return rc;
	if (expired)
		log_info(LOG_MAIL, "expired unconfirmed sign-ups n=%zu",
		    expired);
	/* breaking-news alerts asked for since the last round (or whose
	 * post has gone live since), before any digest */
	{
		size_t np = 0, nm = 0;

		if ((rc = mail_breaking_queue(env, st, now, &np, &nm)) < 0)
			return rc;
	}
	if ((rc = digest_if_due(env, st, "digest", now)) < 0)
		return rc;
	arena_init(&a);
	if ((rc = store_section_list(st, &a, &secs, &n)) == 0)
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = digest_if_due(env, st, arena_printf(&a,
			    "section:%s", secs[i].slug), now);
	arena_release(&a);
	if (rc < 0)
		return rc;
	if (!env->cfg->mail.smtp_url || !*env->cfg->mail.smtp_url)
		return 0;
	return mail_queue_run(env, st, 0, stop, out);
}
