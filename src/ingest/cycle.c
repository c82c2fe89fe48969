/*
 * cycle: one fetch cycle over the due sources, and the long-running loop.
 *
 * The network runs on a second thread (fetch_run) and hands each finished
 * result over a queue to the calling thread, which alone uses the store:
 * parse, store the items and update the source inside one savepoint per
 * source (results that arrive together share the enclosing transaction).
 * So a slow parse or a busy disk never stalls transfers in flight, and
 * stopping between two results leaves nothing half-written.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "parse/parse.h"
#include "store/store.h"
#include "core/banned.h"

/* Results written in one transaction at most, and how long to wait for
 * more once one has arrived. */
#define BATCH_MAX 128
#define BATCH_WAIT_MS 100

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct fetch_res **v;
	size_t head, n, cap;
	atomic_size_t bytes;      /* body bytes waiting to be stored */
	bool is_done;             /* the network thread has finished */
};

/* Bodies waiting for the store beyond this hold back new transfers, so a
 * slow disk bounds memory instead of letting it grow with the cycle. */
#define QUEUE_MAX_BYTES (32u << 20)

struct net {
	const struct fetch_opts *o;
	const struct fetch_req *reqs;
	size_t n;
	struct queue *q;
	int rc;
	char msg[256];
};

static void
on_done(struct fetch_res *res, void *payload)
{
	struct queue *q = payload;

	pthread_mutex_lock(&q->mu);
	q->v = xgrow(q->v, sizeof(*q->v), q->n + 1, &q->cap);
	q->v[q->n++] = res;
	atomic_fetch_add(&q->bytes, res->len);
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static long
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long)((b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000);
}

static bool
may_start(void *payload)
{
	struct queue *q = payload;

	return atomic_load(&q->bytes) < QUEUE_MAX_BYTES;
}

static void *
net_main(void *p)
{
	struct net *net = p;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	net->rc = fetch_run(net->o, net->reqs, net->n, on_done, net->q);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info(LOG_FETCH, "network done transfers=%zu ms=%ld", net->n,
	    ms_between(&t0, &t1));
	if (net->rc < 0)
		snprintf(net->msg, sizeof(net->msg), "%s", err_msg());
	pthread_mutex_lock(&net->q->mu);
	net->q->is_done = true;
	pthread_cond_signal(&net->q->cv);
	pthread_mutex_unlock(&net->q->mu);
	return NULL;
}

/* The next result, or NULL once the network thread is done and the queue
 * is empty. */
static struct fetch_res *
queue_pop(struct queue *q)
{
	struct fetch_res *res = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->head == q->n && !q->is_done)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->head < q->n)
		res = q->v[q->head++];
	pthread_mutex_unlock(&q->mu);
	return res;
}

/* The next result if one arrives before deadline (CLOCK_MONOTONIC), else
 * NULL (also once the network thread is done and the queue is empty). */
static struct fetch_res *
queue_pop_until(struct queue *q, const struct timespec *deadline)
{
	struct fetch_res *res = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->head == q->n && !q->is_done &&
	    pthread_cond_timedwait(&q->cv, &q->mu, deadline) == 0)
		;
	if (q->head < q->n)
		res = q->v[q->head++];
	pthread_mutex_unlock(&q->mu);
	return res;
}

/* Writes src; when a confirmed redirect collides with another source's
 * URL, keeps the old URL rather than failing the whole update. */
static int
write_source(struct store *st, struct source *src, const char *old_url)
{
	int rc = store_source_update(st, src);

	if (rc < 0 && old_url && strcmp(old_url, src->url) != 0) {
		log_warn(LOG_FETCH, "redirect not applied source=%lld to=%s: %s",
		    (long long)src->id, src->url, err_msg());
		src->url = old_url;
		rc = store_source_update(st, src);
	}
	return rc;
}

/* Records a failure found after the transfer (parse, store) on src. */
static int
fail_after(struct store *st, struct source *src,
    const struct fetch_res *res, const struct fetch_sched *sched,
    enum fetch_err kind, const char *msg, int64_t now, struct arena *a,
    struct ingest_cycle_stats *stats)
{
	struct fetch_res r = *res;

	r.outcome = FETCH_FAILED;
	r.err = kind;
	r.error = arena_strdup(a, msg);
	r.perm_url = NULL;
	fetch_source_apply(src, &r, sched, 0, 0, now);
	stats->n_errors++;
	stats->errors_by_kind[kind]++;
	return store_source_update(st, src);
}

/* Applies one result: parse and store on 200, state only otherwise. */
static int
handle(struct store *st, struct source *src, const struct fetch_res *res,
    const struct fetch_sched *sched, int64_t now,
    struct ingest_cycle_stats *stats)
{
	struct arena a;
	struct feed *feed = NULL;
	struct ingest_result ir = { 0 };
	const char *old_url = src->url;
	bool was_enabled = src->is_enabled;
	uint64_t mark;
	int rc = 0;

	arena_init(&a);
	if (res->outcome != FETCH_OK) {
		fetch_source_apply(src, res, sched, 0, 0, now);
		if (res->outcome == FETCH_NOT_MODIFIED) {
			stats->n_not_modified++;
		} else {
			stats->n_errors++;
			stats->errors_by_kind[res->err]++;
			if (was_enabled && !src->is_enabled)
				stats->n_disabled++;
		}
		rc = write_source(st, src, old_url);
		goto out;
	}

	{
		struct ingest_doc doc = {
			.body = res->body,
			.len = res->len,
			.url = res->final_url,
			.content_type = res->content_type,
			.content_location = res->content_location,
			.content_language = res->content_language,
		};

		rc = ingest_parse(&feed, &a, &doc);
	}
	if (rc < 0) {
		/* "not a feed (...)" as it is; parse's own failures (too
		 * big) say where they came from. */
		char *m = rc == ND_EPARSE ? arena_strdup(&a, err_msg()) :
		    arena_printf(&a, "parse: %s", err_msg());
		rc = fail_after(st, src, res, sched, FETCH_E_PARSE, m, now, &a, stats);
		goto out;
	}
	if ((rc = store_begin(st)) < 0)
		goto store_failed;
	if ((rc = ingest_feed_put(st, &a, src, feed, now, &ir)) < 0) {
		store_rollback(st);
		goto store_failed;
	}
	fetch_source_apply(src, res, sched, ir.items.n_new, ir.floor_s, now);
	mark = ingest_stories_mark(st);
	if ((rc = write_source(st, src, old_url)) < 0) {
		store_rollback(st);
		goto store_failed;
	}
	ingest_stories_own_write(st, mark);
	if ((rc = store_commit(st)) < 0)
		goto store_failed;
	stats->n_fetched++;
	stats->n_new += ir.items.n_new;
	stats->n_updated += ir.items.n_updated;
	if (strcmp(old_url, src->url) != 0) {
		stats->n_redirect_moves++;
		log_info(LOG_FETCH, "moved source=%lld from=%s to=%s",
		    (long long)src->id, old_url, src->url);
	}
	goto out;

store_failed:
	{
		char *m = arena_printf(&a, "store: %s", err_msg());
		src->url = old_url;
		log_error(LOG_FETCH, "source=%lld %s", (long long)src->id, m);
		rc = fail_after(st, src, res, sched, FETCH_E_STORE, m, now, &a, stats);
	}
out:
	log_info(LOG_FETCH, "fetched source=%lld status=%ld http=%d bytes=%zu "
	    "ms=%ld new=%zu error=%s", (long long)src->id, res->status,
	    res->http_version, res->len, res->ms, ir.items.n_new,
	    src->last_error ? src->last_error : "-");
	arena_release(&a);
	return rc;
}

/* Hands back the leases of claimed sources that were not fetched (the
 * cycle stopped early, or the network failed): they are due again at
 * once, for this worker's next cycle or another's. */
static void
release_unfetched(struct store *st, struct source *srcs, const bool *is_done,
    size_t n, int64_t now)
{
	size_t n_back = 0;

	for (size_t i = 0; i < n; i++) {
		if (is_done[i])
			continue;
		srcs[i].next_fetch = now;
		if (store_source_update(st, &srcs[i]) < 0)
			log_error(LOG_FETCH, "source=%lld cannot hand back its "
			    "lease: %s", (long long)srcs[i].id, err_msg());
		else
			n_back++;
	}
	if (n_back)
		log_info(LOG_FETCH, "handed back sources=%zu", n_back);
}

int
ingest_cycle(struct store *st, const struct config *cfg,
    const struct ingest_cycle_opts *opts, struct ingest_cycle_stats *out)
{
	struct arena a;
	struct source *srcs = NULL;
	struct fetch_req *reqs = NULL;
	struct fetch_opts fo;
	struct fetch_sched sched = { cfg->fetch.min_interval_s,
		cfg->fetch.max_interval_s };
	struct queue q = { .mu = PTHREAD_MUTEX_INITIALIZER };
	pthread_condattr_t ca;
	struct net net = { 0 };
	struct ingest_progress prog = { 0 };
	uint64_t mark;
	pthread_t tid;
	char ua[256];
	size_t n = 0;
	int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
	int rc = 0, n_store_err = 0;
	struct fetch_res *res;
	struct timespec t0, t1;
	long handle_ms = 0;
	bool *is_done = NULL, is_claimed = false;

	memset(out, 0, sizeof(*out));
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q.cv, &ca);
	pthread_condattr_destroy(&ca);
	arena_init(&a);
	if (opts->source_id) {
		if ((rc = store_source_get(st, &a, opts->source_id, &srcs)) < 0)
			goto out;
		n = 1;
	} else if ((rc = store_source_claim(st, &a, now, opts->is_all,
	    INGEST_LEASE_S, 0, &srcs, &n)) < 0) {
		goto out;
	} else {
		is_claimed = true;
	}
	out->n_sources = n;
	prog.total = n;
	if (!n)
		goto photos;

	fetch_opts_from_config(&fo, cfg, ua, sizeof(ua));
	fo.stop = opts->stop;
	fo.may_start = may_start;
	reqs = arena_zalloc(&a, n * sizeof(*reqs));
	is_done = arena_zalloc(&a, n * sizeof(*is_done));
	for (size_t i = 0; i < n; i++) {
		reqs[i].id = (int64_t)i;
		reqs[i].url = srcs[i].url;
		reqs[i].etag = srcs[i].etag;
		reqs[i].last_modified = srcs[i].last_modified;
	}
	net = (struct net){ .o = &fo, .reqs = reqs, .n = n, .q = &q };
	if (pthread_create(&tid, NULL, net_main, &net) != 0) {
		rc = err_set(ND_ERR, "fetch: cannot start the network thread");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((res = queue_pop(&q))) {
		struct fetch_res *batch[BATCH_MAX];
		size_t nb = 1;
		bool is_tx;
		struct timespec h0, h1;

		/* Group commit: results arriving within BATCH_WAIT_MS of the
		 * first go into the same transaction (each source still in its
		 * own savepoint), so a busy cycle writes each b-tree page once
		 * per batch instead of once per source. A result waits at most
		 * that long before it is visible. */
		batch[0] = res;
		clock_gettime(CLOCK_MONOTONIC, &h0);
		h0.tv_nsec += BATCH_WAIT_MS * 1000000L;
		if (h0.tv_nsec >= 1000000000L) {
			h0.tv_sec++;
			h0.tv_nsec -= 1000000000L;
		}
		while (nb < BATCH_MAX && (res = queue_pop_until(&q, &h0)))
			batch[nb++] = res;
		clock_gettime(CLOCK_MONOTONIC, &h0);
		is_tx = store_begin(st) == 0;
		for (size_t i = 0; i < nb; i++) {
			struct source *src = &srcs[batch[i]->id];

			if (opts->stop && atomic_load(opts->stop))
				break;
			is_done[batch[i]->id] = true;
			if (handle(st, src, batch[i], &sched, now, out) < 0) {
				n_store_err++;
				log_error(LOG_FETCH, "source=%lld cannot record state: %s",
				    (long long)src->id, err_msg());
			}
			prog.done++;
		}
		if (is_tx && store_commit(st) < 0) {
			n_store_err += (int)nb;
			log_error(LOG_FETCH, "cannot commit %zu sources: %s", nb,
			    err_msg());
		}
		clock_gettime(CLOCK_MONOTONIC, &h1);
		handle_ms += ms_between(&h0, &h1);
		for (size_t i = 0; i < nb; i++) {
			atomic_fetch_sub(&q.bytes, batch[i]->len);
			fetch_res_free(batch[i]);
		}
		prog.n_errors = out->n_errors;
		if (opts->progress)
			opts->progress(&prog, opts->payload);
	}
	pthread_join(tid, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info(LOG_FETCH, "cycle sources=%zu ms=%ld store_ms=%ld", n,
	    ms_between(&t0, &t1), handle_ms);
	if (net.rc < 0)
		rc = err_set(net.rc, "%s", net.msg);
	else if (n_store_err && (size_t)n_store_err == prog.done)
		rc = err_set(ND_EIO, "fetch: could not record any result: %s",
		    err_msg());
	out->is_stopped = opts->stop && atomic_load(opts->stop);
	if (is_claimed)
		release_unfetched(st, srcs, is_done, n, now);
photos:
	/* Stories: everything this cycle stored (and anything an earlier
	 * run stored but did not get to), clustered in one order of the
	 * items themselves, after the fetches, whose order is the
	 * network's. A stopped cycle leaves its items queued for the next
	 * run's first cycle, so a stop is not held up by clustering. */
	if (!out->is_stopped &&
	    ingest_stories_settle(st, now, &out->n_clustered) < 0) {
		log_error(LOG_ANALYZE, "stories: %s", err_msg());
		if (rc == 0)
			rc = ND_EIO;
	}
	if (rc < 0 || out->is_stopped)
		goto out;
	/* photos and article texts do not move an item between stories:
	 * the next cycle's clusterer stays warm */
	mark = ingest_stories_mark(st);
	/* Item photos come after the feeds, a bounded number per cycle, so
	 * they never hold up a feed; a failure here is logged, not the
	 * cycle's. */
	{
		struct ingest_photo_stats ps;

		if (ingest_photos(st, cfg, now, opts->stop, &ps) < 0)
			log_error(LOG_FETCH, "photos: %s", err_msg());
		out->n_photos = ps.n_cached;
		out->n_photo_errors = ps.n_failed;
	}
	/* Then article pages for full text, on the same terms. */
	if (!(opts->stop && atomic_load(opts->stop))) {
		struct ingest_fulltext_stats fs;

		if (ingest_fulltext(st, cfg, now, opts->stop, &fs) < 0)
			log_error(LOG_FETCH, "full text: %s", err_msg());
		out->n_full_text = fs.n_text + fs.n_refreshed;
		out->n_full_text_robots = fs.n_robots;
		out->n_full_text_304 = fs.n_not_modified;
	}
	ingest_stories_own_write(st, mark);
out:
	free(q.v);
	pthread_cond_destroy(&q.cv);
	arena_release(&a);
	return rc;
}

/* ---- the loop ---- */

struct ingest_loop {
	char *db_path;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct config cfg;        /* [fetch]; [store] and [desk] for upkeep */
	atomic_bool stop;
};

struct ingest_loop *
ingest_loop_new(const char *db_path, const struct config *cfg)
{
	struct ingest_loop *l = xcalloc(1, sizeof(*l));

	l->db_path = xstrdup(db_path);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	cfg_copy_section(&l->cfg, cfg, "fetch");
	cfg_copy_section(&l->cfg, cfg, "store");   /* upkeep (issue 8) */
	cfg_copy_section(&l->cfg, cfg, "desk");
	atomic_init(&l->stop, false);
	return l;
}

void
ingest_loop_free(struct ingest_loop *l)
{
	if (!l)
		return;
	cfg_release(&l->cfg);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l->db_path);
	free(l);
}

void
ingest_loop_stop(struct ingest_loop *l)
{
	pthread_mutex_lock(&l->mu);
	atomic_store(&l->stop, true);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void
ingest_loop_set_config(struct ingest_loop *l, const struct config *cfg)
{
	pthread_mutex_lock(&l->mu);
	cfg_copy_section(&l->cfg, cfg, "fetch");
	cfg_copy_section(&l->cfg, cfg, "store");   /* upkeep (issue 8) */
	cfg_copy_section(&l->cfg, cfg, "desk");
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* The earliest next_fetch of an enabled source, or now + 60 when none. */
static int64_t
next_due(struct store *st, int64_t now)
{
	struct arena a;
	struct source *srcs = NULL;
	size_t n = 0;
	int64_t t = now + 60;

	arena_init(&a);
	if (store_source_list(st, &a, &srcs, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			if (srcs[i].is_enabled && srcs[i].next_fetch < t)
				t = srcs[i].next_fetch;
	}
	arena_release(&a);
	return t;
}

int
ingest_loop_run(struct ingest_loop *l)
{
	struct store *st = NULL;
	struct ingest_upkeep up;
	int rc;

	if ((rc = store_open(&st, l->db_path, 0)) < 0)
		return rc;
	ingest_upkeep_init(&up);
	log_info(LOG_FETCH, "loop started db=%s", l->db_path);
	while (!atomic_load(&l->stop)) {
		struct config cfg = { 0 };
		struct ingest_cycle_opts co = { .stop = &l->stop };
		struct ingest_cycle_stats stats;
		struct timespec until;
		int64_t now, due;

		pthread_mutex_lock(&l->mu);
		cfg_copy_section(&cfg, &l->cfg, "fetch");
		cfg_copy_section(&cfg, &l->cfg, "store");
		cfg_copy_section(&cfg, &l->cfg, "desk");
		pthread_mutex_unlock(&l->mu);
		/* the desk's scheduled posts (issue 10); `serve` and `run`
		 * with the site publish them within a second as well */
		if (store_post_publish_due(st, (int64_t)time(NULL), NULL) < 0)
			log_warn(LOG_FETCH, "publishing scheduled posts: %s",
			    err_msg());
		rc = ingest_cycle(st, &cfg, &co, &stats);
		if (rc < 0)
			log_error(LOG_FETCH, "cycle failed: %s", err_msg());
		else if (stats.n_sources)
			log_info(LOG_FETCH, "cycle sources=%zu fetched=%zu "
			    "not_modified=%zu errors=%zu new=%zu updated=%zu",
			    stats.n_sources, stats.n_fetched, stats.n_not_modified,
			    stats.n_errors, stats.n_new, stats.n_updated);

		now = (int64_t)time(NULL);
		due = next_due(st, now);
		if (due < now + 1)
			due = now + 1;
		/* Wake at least every minute: sources added by other
		 * processes become due without telling us. */
		if (due > now + 60)
			due = now + 60;
		/* the daily upkeep (issue 8), while no source is due */
		if (ingest_upkeep_run(&up, st, &cfg, due, &l->stop) < 0)
			log_error(LOG_STORE, "optimize: %s", err_msg());
		cfg_release(&cfg);
		now = (int64_t)time(NULL);
		if (due < now + 1)
			due = now + 1;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(due - now);
		pthread_mutex_lock(&l->mu);
		while (!atomic_load(&l->stop) &&
		    pthread_cond_timedwait(&l->cv, &l->mu, &until) == 0)
			;
		pthread_mutex_unlock(&l->mu);
	}
	ingest_upkeep_release(&up, st);
	log_info(LOG_FETCH, "loop stopped");
	ingest_stories_cache_release();
	ingest_sections_cache_release();
	store_close(st);
	return 0;
}
