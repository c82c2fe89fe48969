/*
 * site_pool: store handles for the site's threads. A struct store is used
 * by one thread at a time, so a render takes one from the pool and puts it
 * back; the pool grows to the number of threads that render at once and
 * is closed with the site.
 */
#include <pthread.h>
#include <stdlib.h>

#include "core/xmalloc.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

int
site_store_get(struct site *s, struct store **out)
{
	int rc;

	pthread_mutex_lock(&s->pool_mu);
	if (s->pool_n) {
		*out = s->pool[--s->pool_n];
		pthread_mutex_unlock(&s->pool_mu);
		return 0;
	}
	pthread_mutex_unlock(&s->pool_mu);
	if ((rc = store_open(out, s->db_path, STORE_READONLY)) < 0)
		rc = store_open(out, s->db_path, 0);
	return rc;
}

void
site_store_put(struct site *s, struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&s->pool_mu);
	s->pool = xgrow(s->pool, sizeof(*s->pool), s->pool_n + 1, &s->pool_cap);
	s->pool[s->pool_n++] = st;
	pthread_mutex_unlock(&s->pool_mu);
}

int
site_store_get_rw(struct site *s, struct store **out)
{
	pthread_mutex_lock(&s->pool_mu);
	if (s->wpool_n) {
		*out = s->wpool[--s->wpool_n];
		pthread_mutex_unlock(&s->pool_mu);
		return 0;
	}
	pthread_mutex_unlock(&s->pool_mu);
	return store_open(out, s->db_path, 0);
}

void
site_store_put_rw(struct site *s, struct store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&s->pool_mu);
	s->wpool = xgrow(s->wpool, sizeof(*s->wpool), s->wpool_n + 1,
	    &s->wpool_cap);
	s->wpool[s->wpool_n++] = st;
	pthread_mutex_unlock(&s->pool_mu);
}
