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
 *
 * robots.txt is honoured (ingest/robots.c): a page it disallows is not
 * fetched, and is tried again after a day (the rules may change), a few
 * times. With [fetch] article_refresh_s, a page whose text is stored is
 * fetched again after that long, with its validators (If-None-Match,
 * If-Modified-Since): a 304 keeps the text, a new article replaces it, and
 * anything else (a failure, a page that is no longer an article) keeps
 * the text too: a good text is never lost to a bad day.
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
/* A page robots.txt disallows is asked about again this much later. */
#define ROBOTS_RETRY_S (24 * 3600)
/* Items looked at, newest first (bounded work per cycle). */
#define RECENT_ITEMS 1000

struct ft_run {
	struct store *st;
	const struct fulltext_job *jobs;  /* by request id order: reqs[i] */
	const struct fetch_req *reqs;
	int64_t now;
	struct ingest_fulltext_stats *stats;
	int rc;                   /* the first store error */
};

/* Called by the engine on this thread (fetch_run is synchronous): each
 * page is extracted in its own arena and stored in its own small
 * transaction, and its body freed at once, so memory stays at about
 * concurrency x the page cap. */
static void
count(struct ft_run *fr, int state)
{
	if (state == ITEM_FULL_TEXT_OK)
		fr->stats->n_text++;
	else if (state == ITEM_FULL_TEXT_NOT_ARTICLE)
		fr->stats->n_not_article++;
	else
		fr->stats->n_failed++;
}

static void
keep_rc(struct ft_run *fr, int rc)
{
	if (rc < 0 && fr->rc == 0)
		fr->rc = rc;
}

/* A refresh of a stored text (a conditional GET): only a new article
 * replaces it; whatever else comes keeps it, and the page is asked for
 * again after the next refresh interval. */
static void
on_refresh(struct ft_run *fr, struct fetch_res *res,
    const struct fulltext_job *job, struct arena *a)
{
	struct extract_opts eo = {0};
	struct extract *e = NULL;
	const char *what = "kept";

	if (res->outcome == FETCH_NOT_MODIFIED) {
		fr->stats->n_not_modified++;
		what = "not-modified";
		keep_rc(fr, store_fulltext_seen(fr->st, job->item_id, job->etag,
		    job->last_modified, fr->now));
	} else if (res->outcome == FETCH_OK) {
		eo.url = res->final_url ? res->final_url : res->req->url;
		eo.content_type = res->content_type;
		if (extract_page(&e, a, res->body, res->len, &eo) == 0 &&
		    e->reason == EXTRACT_ARTICLE) {
			fr->stats->n_refreshed++;
			what = "refreshed";
			keep_rc(fr, store_fulltext_put(fr->st, job->item_id,
			    ITEM_FULL_TEXT_OK, e->text, NULL, 0));
		}
		keep_rc(fr, store_fulltext_seen(fr->st, job->item_id, res->etag,
		    res->last_modified, fr->now));
	} else {
		fr->stats->n_failed++;
		keep_rc(fr, store_fulltext_seen(fr->st, job->item_id, job->etag,
		    job->last_modified, fr->now));
	}
	log_info(LOG_FETCH, "article refresh item=%lld url=%s status=%ld "
	    "bytes=%zu ms=%ld result=%s", (long long)job->item_id,
	    res->req->url, res->status, res->len, res->ms, what);
}

/* Called by the engine on this thread (fetch_run is synchronous): each
 * page is extracted in its own arena and stored in its own small
 * transaction, and its body freed at once, so memory stays at about
 * concurrency x the page cap. */
static void
on_page(struct fetch_res *res, void *payload)
{
	struct ft_run *fr = payload;
	const struct fulltext_job *job = &fr->jobs[res->req - fr->reqs];
	struct arena a = ARENA_INIT;
	struct extract_opts eo = {0};
	struct extract *e = NULL;
	const char *reason = NULL;
	int state;
	int64_t next = 0;

	fr->stats->n_tried++;
	if (job->is_refresh) {
		on_refresh(fr, res, job, &a);
		goto out;
	}
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
	count(fr, state);
	keep_rc(fr, store_fulltext_put(fr->st, res->req->id, state,
	    state == ITEM_FULL_TEXT_OK ? e->text : NULL, reason, next));
	/* the validators of a page whose text is kept, for a refresh */
	if (state == ITEM_FULL_TEXT_OK)
		keep_rc(fr, store_fulltext_seen(fr->st, res->req->id, res->etag,
		    res->last_modified, fr->now));
	log_info(LOG_FETCH, "article item=%lld url=%s status=%ld bytes=%zu "
	    "ms=%ld text=%zu reason=%s", (long long)res->req->id, res->req->url,
	    res->status, res->len, res->ms,
	    state == ITEM_FULL_TEXT_OK ? e->text_len : 0,
	    reason ? reason : "-");
out:
	arena_release(&a);
	fetch_res_free(res);
}

int
ingest_fulltext(struct store *st, const struct config *cfg, int64_t now,
    atomic_bool *stop, struct ingest_fulltext_stats *out)
{
	struct arena a;
	struct fulltext_job *jobs = NULL, *more = NULL, *go;
	struct fetch_req *reqs;
	const char **urls;
	const char **why;
	bool *ok;
	size_t n_more = 0, n_go = 0;
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
	    (size_t)cfg->fetch.full_text_short, &jobs, &n)) < 0)
		goto out;
	/* new pages first; what the cycle's budget leaves goes to refreshes */
	if (cfg->fetch.article_refresh_s > 0 &&
	    n < (size_t)cfg->fetch.max_articles_per_cycle &&
	    (rc = store_fulltext_refresh_due(st, &a, now -
	    cfg->fetch.article_refresh_s, RECENT_ITEMS,
	    (size_t)cfg->fetch.max_articles_per_cycle - n, &more, &n_more)) < 0)
		goto out;
	if (!n && !n_more)
		goto out;
	fetch_opts_from_config(&fo, cfg, ua, sizeof(ua));
	fo.max_body = EXTRACT_MAX_BYTES_DEFAULT;
	fo.stop = stop;
	fo.accept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1";
	/* robots.txt first: a disallowed page is not asked for */
	urls = arena_zalloc(&a, (n + n_more) * sizeof(*urls));
	why = arena_zalloc(&a, (n + n_more) * sizeof(*why));
	ok = arena_zalloc(&a, (n + n_more) * sizeof(*ok));
	for (size_t i = 0; i < n + n_more; i++)
		urls[i] = i < n ? jobs[i].url : more[i - n].url;
	if ((rc = ingest_robots_check(st, &fo, urls, n + n_more, now, ok,
	    why)) < 0)
		goto out;
	go = arena_zalloc(&a, (n + n_more) * sizeof(*go));
	reqs = arena_zalloc(&a, (n + n_more) * sizeof(*reqs));
	for (size_t i = 0; i < n + n_more; i++) {
		const struct fulltext_job *j = i < n ? &jobs[i] : &more[i - n];

		if (!ok[i]) {
			out->n_robots++;
			log_info(LOG_FETCH, "article item=%lld url=%s skipped=%s",
			    (long long)j->item_id, j->url, why[i]);
			/* a refresh keeps its text and waits another interval */
			rc = j->is_refresh ? store_fulltext_seen(st, j->item_id,
			    j->etag, j->last_modified, now) :
			    store_fulltext_put(st, j->item_id,
			    ITEM_FULL_TEXT_FAILED, NULL, why[i],
			    now + ROBOTS_RETRY_S);
			if (rc < 0)
				goto out;
			continue;
		}
		go[n_go] = *j;
		reqs[n_go].id = j->item_id;
		reqs[n_go].url = j->url;
		reqs[n_go].etag = j->etag && *j->etag ? j->etag : NULL;
		reqs[n_go].last_modified = j->last_modified &&
		    *j->last_modified ? j->last_modified : NULL;
		n_go++;
	}
	fr.jobs = go;
	fr.reqs = reqs;
	if (n_go && (rc = fetch_run(&fo, reqs, n_go, on_page, &fr)) == 0)
		rc = fr.rc;
	log_info(LOG_FETCH, "articles tried=%zu text=%zu not_article=%zu "
	    "failed=%zu robots=%zu not_modified=%zu refreshed=%zu",
	    out->n_tried, out->n_text, out->n_not_article, out->n_failed,
	    out->n_robots, out->n_not_modified, out->n_refreshed);
out:
	arena_release(&a);
	return rc;
}
