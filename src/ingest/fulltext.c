/*
 * fulltext: the article behind an item, for search, stories and roundups
 * (issue 12).
 *
 * After the feeds (and photos) of a cycle, the article pages of the newest
 * items that want full text go through the same engine as feeds (SSRF
 * guard, allow_hosts, per-host politeness, timeouts), are reduced to their
 * main text by extract_page (the code `newsdesk extract` runs), and the
 * text, or why there is none, is stored. Which items: a source's
 * full_text says always, never, or auto (when the feed's own text is
 * short). A page that is not an article is recorded and not asked for
 * again; a failed fetch is retried later, a few times.
 */
#include <string.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "extract/extract.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "model/model.h"
#include "store/store.h"
#include "core/banned.h"

/* A failed fetch is tried again this much later. */
#define RETRY_S 3600
/* Items looked at, newest first (bounded work per cycle). */
#define RECENT_ITEMS 1000

struct ft_run {
	struct store *st;
	int64_t now;
	struct ingest_fulltext_stats *stats;
	int rc;                   /* the first store error */
};

/* Called by the engine on this thread (fetch_run is synchronous): each
 * page is extracted in its own arena and stored in its own small
 * transaction, and its body freed at once, so memory stays at about
 * concurrency x the page cap. */
static void
on_page(struct fetch_res *res, void *payload)
{
	struct ft_run *fr = payload;
	struct arena a = ARENA_INIT;
	struct extract_opts eo = {0};
	struct extract *e = NULL;
	const char *reason = NULL;
	int state, rc;
	int64_t next = 0;

	fr->stats->n_tried++;
	if (res->outcome == FETCH_OK) {
		eo.url = res->final_url ? res->final_url : res->req->url;
		eo.content_type = res->content_type;
		if (extract_page(&e, &a, res->body, res->len, &eo) < 0) {
			state = ITEM_FULL_TEXT_NOT_ARTICLE;
			reason = err_msg();
		} else if (e->reason != EXTRACT_ARTICLE) {
			state = ITEM_FULL_TEXT_NOT_ARTICLE;
			reason = extract_reason_name(e->reason);
		} else {
			state = ITEM_FULL_TEXT_OK;
		}
	} else {
		reason = res->error ? res->error : "failed";
		if (res->outcome == FETCH_NOT_MODIFIED)
			reason = "http 304 without a cached copy";
		/* a permanent failure is recorded as such: not again */
		state = fetch_res_is_permanent(res) ? ITEM_FULL_TEXT_NOT_ARTICLE :
					    ITEM_FULL_TEXT_FAILED;
		next = fr->now + RETRY_S;
	}
	if (state == ITEM_FULL_TEXT_OK)
		fr->stats->n_text++;
	else if (state == ITEM_FULL_TEXT_NOT_ARTICLE)
		fr->stats->n_not_article++;
	else
		fr->stats->n_failed++;
	if ((rc = store_fulltext_put(fr->st, res->req->id, state,
	    state == ITEM_FULL_TEXT_OK ? e->text : NULL, reason, next)) < 0 &&
	    fr->rc == 0)
		fr->rc = rc;
	log_info(LOG_FETCH, "article item=%lld url=%s status=%ld bytes=%zu "
	    "ms=%ld text=%zu reason=%s", (long long)res->req->id, res->req->url,
	    res->status, res->len, res->ms,
	    state == ITEM_FULL_TEXT_OK ? e->text_len : 0,
	    reason ? reason : "-");
	arena_release(&a);
	fetch_res_free(res);
}

int
ingest_fulltext(struct store *st, const struct config *cfg, int64_t now,
    atomic_bool *stop, struct ingest_fulltext_stats *out)
{
	struct arena a;
	struct fulltext_job *jobs = NULL;
	struct fetch_req *reqs;
	struct fetch_opts fo;
	struct ft_run fr = { .st = st, .now = now, .stats = out };
	char ua[256];
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (cfg->fetch.max_articles_per_cycle <= 0)
		return 0;
	arena_init(&a);
	if ((rc = store_fulltext_pending(st, &a, now, RECENT_ITEMS,
	    (size_t)cfg->fetch.max_articles_per_cycle,
	    (size_t)cfg->fetch.full_text_short, &jobs, &n)) < 0 || !n)
		goto out;
	reqs = arena_zalloc(&a, n * sizeof(*reqs));
	for (size_t i = 0; i < n; i++) {
		reqs[i].id = jobs[i].item_id;
		reqs[i].url = jobs[i].url;
	}
	fetch_opts_from_config(&fo, cfg, ua, sizeof(ua));
	fo.max_body = EXTRACT_MAX_BYTES_DEFAULT;
	fo.stop = stop;
	fo.accept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1";
	if ((rc = fetch_run(&fo, reqs, n, on_page, &fr)) == 0)
		rc = fr.rc;
	log_info(LOG_FETCH, "articles tried=%zu text=%zu not_article=%zu "
	    "failed=%zu", out->n_tried, out->n_text, out->n_not_article,
	    out->n_failed);
out:
	arena_release(&a);
	return rc;
}
