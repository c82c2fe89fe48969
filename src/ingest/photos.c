/*
 * photos: item photos into the store's photo cache, so the public pages
 * never make a reader's browser ask an outlet's server for anything.
 *
 * After the feeds of a cycle, the photos of the newest items that are not
 * cached yet go through the same engine as feeds (SSRF guard, allow_hosts,
 * per-host politeness, timeouts), with their own size cap. What comes back
 * is judged by its bytes alone (fetch_image_sniff). Refusals are recorded
 * too, so they are not fetched again.
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "model/model.h"
#include "store/store.h"
#include "core/banned.h"

/* A transient failure (timeout, 5xx, connection) is retried this much
 * later, up to PHOTO_MAX_ATTEMPTS attempts in all. */
#define RETRY_S 3600
/* Photos are looked for among this many of the newest items. */
#define RECENT_ITEMS 1000

struct photo_run {
	struct store *st;
	int64_t now;
	struct ingest_photo_stats *stats;
	int rc;                   /* the first store error */
};

/* Called by the engine on this thread (fetch_run is synchronous), so the
 * store is used by the thread that owns it; each photo is its own small
 * transaction and its body is freed at once, so memory stays at about
 * concurrency x max_image_kb. */
static void
on_photo(struct fetch_res *res, void *payload)
{
	struct photo_run *pr = payload;
	struct photo m = { 0 };
	struct fetch_image img;
	char msg[300];
	int rc;

	m.url = res->req->url;
	m.fetched = pr->now;
	if (res->outcome == FETCH_OK) {
		if (fetch_image_sniff(&img, res->body, res->len) == 0) {
			m.status = PHOTO_OK;
			m.type = img.type;
			m.data = res->body;
			m.len = res->len;
			m.width = img.width;
			m.height = img.height;
		} else {
			m.status = PHOTO_FAILED;
			snprintf(msg, sizeof(msg), "%s", err_msg());
			m.error = msg;
			m.attempts = PHOTO_MAX_ATTEMPTS;
		}
	} else {
		m.status = PHOTO_FAILED;
		m.error = res->error ? res->error : "failed";
		if (res->outcome == FETCH_NOT_MODIFIED)
			m.error = "http 304 without a cached copy";
		m.attempts = fetch_res_is_permanent(res) ? PHOTO_MAX_ATTEMPTS : 1;
		m.next_try = pr->now + RETRY_S;
	}
	pr->stats->n_tried++;
	if (m.status == PHOTO_OK)
		pr->stats->n_cached++;
	else
		pr->stats->n_failed++;
	if ((rc = store_media_put(pr->st, &m)) < 0 && pr->rc == 0)
		pr->rc = rc;
	log_info(LOG_FETCH, "photo url=%s status=%ld bytes=%zu ms=%ld type=%s "
	    "size=%dx%d error=%s", m.url, res->status, res->len, res->ms,
	    m.status == PHOTO_OK ? m.type : "-", m.width, m.height,
	    m.status == PHOTO_OK ? "-" : m.error);
	fetch_res_free(res);
}

int
ingest_photos(struct store *st, const struct config *cfg, int64_t now,
    atomic_bool *stop, struct ingest_photo_stats *out)
{
	struct arena a;
	const char **urls = NULL;
	struct fetch_req *reqs;
	struct fetch_opts fo;
	struct photo_run pr = { .st = st, .now = now, .stats = out };
	char ua[256];
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (cfg->fetch.max_images_per_cycle <= 0)
		return 0;
	arena_init(&a);
	if ((rc = store_media_pending(st, &a, now, RECENT_ITEMS,
	    (size_t)cfg->fetch.max_images_per_cycle, &urls, &n)) < 0 || !n)
		goto out;
	reqs = arena_zalloc(&a, n * sizeof(*reqs));
	for (size_t i = 0; i < n; i++) {
		reqs[i].id = (int64_t)i;
		reqs[i].url = urls[i];
	}
	fetch_opts_from_config(&fo, cfg, ua, sizeof(ua));
	fo.max_body = (size_t)cfg->fetch.max_image_kb * 1024;
	fo.stop = stop;
	fo.accept = "image/webp, image/jpeg, image/png, image/gif;q=0.9, "
	    "*/*;q=0.1";
	if ((rc = fetch_run(&fo, reqs, n, on_photo, &pr)) == 0)
		rc = pr.rc;
	log_info(LOG_FETCH, "photos tried=%zu cached=%zu failed=%zu",
	    out->n_tried, out->n_cached, out->n_failed);
out:
	arena_release(&a);
	return rc;
}
