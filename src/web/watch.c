/*
 * watch: a thread that polls the store four times a second and tells the
 * page cache what changed. The cheap check is store_data_version (a read
 * of PRAGMA data_version, plus a counter when that moved); only when it
 * moved does it ask the store what changed (store_changes_since) and turn
 * that into the dependency keys pages record (web_dep): the item, its
 * outlet, its section, its day(s), "any item", a photo. Everything goes
 * through the store, so a second web node on the same store sees the same
 * changes: no signal between processes is needed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "web/http_int.h"
#include "core/banned.h"

#define MAX_CHANGES 4096         /* more at once: everything changed */

static int64_t
day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

/* The dependency keys of changes; caller frees. */
static uint64_t *
keys_of(const struct store_change *ch, size_t n, size_t *out_n)
{
	uint64_t *k = xmalloc((n * 7 + 1) * sizeof(*k));
	size_t nk = 0;

	for (size_t i = 0; i < n; i++) {
		const struct store_change *c = &ch[i];

		if (c->kind == STORE_CHANGE_POST) {
			/* pages listing posts, and the post's own */
			/* item_id 0: a column, which post pages name too */
			k[nk++] = web_dep_key(DEP_POSTS, 0);
			k[nk++] = web_dep_key(DEP_POST, c->item_id);
			continue;
		}
		if (c->kind == STORE_CHANGE_SOURCE) {
			/* its items' pages (issue 12: show_text) */
			k[nk++] = web_dep_key(DEP_SOURCE, c->source_id);
			continue;
		}
		if (c->kind == STORE_CHANGE_PHOTO) {
			if (c->photo_key)
				k[nk++] = web_dep_key(DEP_MEDIA, (int64_t)str_hash(
				    c->photo_key, strlen(c->photo_key)));
			continue;
		}
		k[nk++] = web_dep_key(DEP_ITEMS, 0);
		k[nk++] = web_dep_key(DEP_ITEM, c->item_id);
		k[nk++] = web_dep_key(DEP_SOURCE, c->source_id);
		if (c->section_id)
			k[nk++] = web_dep_key(DEP_SECTION, c->section_id);
		if (c->old_section_id)
			k[nk++] = web_dep_key(DEP_SECTION, c->old_section_id);
		k[nk++] = web_dep_key(DEP_DAY, day_of(c->time));
		if (day_of(c->old_time) != day_of(c->time))
			k[nk++] = web_dep_key(DEP_DAY, day_of(c->old_time));
	}
	*out_n = nk;
	return k;
}

/* Scheduled posts whose time has come go live (issue 10): checked every
 * POST_DUE_EVERY polls on a writable handle of the watcher's own (the
 * pool's may be read-only); the change it writes reaches the cache like
 * any other, through the change log. */
#define POST_DUE_EVERY 4

static void
publish_due(struct web *w, struct store **wst)
{
	size_t n = 0;

	if (!*wst && store_open(wst, w->s->db_path, 0) < 0) {
		*wst = NULL;
		return;
	}
	if (store_post_publish_due(*wst, (int64_t)time(NULL), &n) < 0) {
		log_warn(LOG_WEB, "publishing scheduled posts: %s", err_msg());
		store_close(*wst);
		*wst = NULL;
	} else if (n) {
		log_info(LOG_WEB, "published scheduled posts n=%zu", n);
	}
}

/* Asks the store what changed and invalidates what depends on it. */
static int
apply_changes(struct web *w, struct store *st, struct store_cursor *cur)
{
	struct arena a;
	struct store_change *ch = NULL;
	size_t n = 0;
	bool all = false;
	int rc;

	arena_init(&a);
	rc = store_changes_since(st, &a, cur, MAX_CHANGES, &ch, &n, &all);
	if (rc < 0 || all) {
		cache_invalidate_all(w);
	} else if (n) {
		size_t nk = 0;
		uint64_t *keys = keys_of(ch, n, &nk);

		log_debug(LOG_WEB, "changes n=%zu keys=%zu", n, nk);
		cache_invalidate(w, keys, nk);   /* takes keys */
	}
	arena_release(&a);
	return rc;
}

/* One poll: when the store's data version moved (or at the first poll),
 * what changed is invalidated. */
static void
poll_once(struct web *w)
{
	uint64_t v;

	if (!w->watch_st && site_store_get(w->s, &w->watch_st) < 0)
		w->watch_st = NULL;
	if (w->watch_st && store_data_version(w->watch_st, &v) == 0) {
		/* the first poll positions the cursor (and drops what was
		 * rendered before it: nothing, when web_watch_prime took it) */
		if ((!w->watch_has_last || v != w->watch_last) &&
		    apply_changes(w, w->watch_st, &w->watch_cur) < 0) {
			log_warn(LOG_WEB, "reading changes: %s", err_msg());
			store_close(w->watch_st);
			w->watch_st = NULL;
			w->watch_cur.is_set = false;
		} else {
			w->watch_last = v;
			w->watch_has_last = true;
		}
	} else if (w->watch_st) {
		/* a broken handle: drop it and invalidate, to be safe */
		store_close(w->watch_st);
		w->watch_st = NULL;
		w->watch_cur.is_set = false;
		w->watch_has_last = false;
		cache_invalidate_all(w);
	}
}

void
web_watch_prime(struct web *w)
{
	poll_once(w);
}

void *
web_watch(void *arg)
{
	struct web *w = arg;
	struct store *wst = NULL;    /* writable: scheduled posts */
	unsigned polls = 0;

	pthread_mutex_lock(&w->stop_mu);
	while (!w->stopping) {
		struct timespec ts;

		pthread_mutex_unlock(&w->stop_mu);
		if (polls++ % POST_DUE_EVERY == 0)
			publish_due(w, &wst);
		poll_once(w);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&w->stop_mu);
		if (!w->stopping)
			pthread_cond_timedwait(&w->stop_cv, &w->stop_mu, &ts);
	}
	pthread_mutex_unlock(&w->stop_mu);
	store_close(w->watch_st);
	w->watch_st = NULL;
	store_close(wst);
	return NULL;
}
