/*
 * state: what one fetch result does to a source's fetch state. Kept apart
 * from the store and the network so the rules (validators, redirect
 * confirmation, 410, Retry-After, backoff, adaptive interval) are tested on
 * plain structs.
 */
#include <string.h>

#include "fetch/fetch.h"
#include "model/model.h"
#include "core/banned.h"

/* Retry-After is honoured up to a week; beyond that a hostile or broken
 * server could park a source for ever. */
#define RETRY_AFTER_MAX_S (7 * 86400)

void
fetch_source_apply(struct source *src, const struct fetch_res *res,
    const struct fetch_sched *s, size_t n_new, int floor_s, int64_t now)
{
	double ms = (double)res->ms;

	src->last_fetch = now;
	src->last_status = (int)res->status;
	/* Exponentially weighted, so one slow answer does not dominate. */
	src->avg_ms = src->avg_ms > 0 ? 0.8 * src->avg_ms + 0.2 * ms : ms;

	if (res->outcome == FETCH_FAILED) {
		src->error_count++;
		src->last_error = res->error ? res->error : "failed";
		if (res->status == 410) {
			/* Gone for good: stop polling until an operator
			 * re-enables the source. */
			src->is_enabled = false;
			src->last_error = "http 410 (gone): source disabled";
		}
		if (res->retry_after > now) {
			int64_t t = res->retry_after;

			if (t > now + RETRY_AFTER_MAX_S)
				t = now + RETRY_AFTER_MAX_S;
			src->next_fetch = t;
		} else {
			src->next_fetch = now + fetch_sched_backoff(s,
			    src->error_count, fetch_random());
		}
		return;
	}

	src->last_error = NULL;
	src->error_count = 0;
	src->last_success = now;
	if (res->outcome == FETCH_OK) {
		src->etag = res->etag;
		src->last_modified = res->last_modified;
	} else {
		/* A 304 may refresh the validators; else keep the ones sent. */
		if (res->etag)
			src->etag = res->etag;
		if (res->last_modified)
			src->last_modified = res->last_modified;
	}

	/* Permanent redirects move the source only when seen on
	 * FETCH_REDIRECT_CONFIRM fetches in a row: a misconfigured server
	 * for an afternoon must not lose us the feed's real address. */
	if (res->perm_url && strcmp(res->perm_url, src->url) != 0) {
		if (src->redirect_url && strcmp(src->redirect_url, res->perm_url) == 0)
			src->redirect_seen++;
		else {
			src->redirect_url = res->perm_url;
			src->redirect_seen = 1;
		}
		if (src->redirect_seen >= FETCH_REDIRECT_CONFIRM) {
			src->url = res->perm_url;
			src->redirect_url = NULL;
			src->redirect_seen = 0;
		}
	} else {
		src->redirect_url = NULL;
		src->redirect_seen = 0;
	}

	if (res->max_age > floor_s)
		floor_s = res->max_age;
	src->interval_s = fetch_sched_interval(s, src->interval_s, n_new, floor_s);
	src->next_fetch = now + fetch_sched_jitter(src->interval_s, fetch_random());
}

bool
fetch_res_is_permanent(const struct fetch_res *res)
{
	switch (res->err) {
	case FETCH_E_TOOBIG:
	case FETCH_E_BLOCKED:
	case FETCH_E_REDIRECT:
		return true;
	case FETCH_E_HTTP:
		return res->status >= 400 && res->status < 500 &&
		    res->status != 408 && res->status != 429;
	default:
		return false;
	}
}
