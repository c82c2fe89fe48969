/*
 * store_post: the backend-neutral side of the desk's posts, columns and
 * desk photos (issue 10): argument checks, then the backend's operation
 * of the same name (store_backend.h). Contracts are in store.h.
 */
#include "core/err.h"
#include "store/store_backend.h"
#include "core/banned.h"

int
store_post_save(struct store *st, const struct post *p, int64_t now,
    int64_t *out_id)
{
	return st->ops->post_save(st, p, now, out_id);
}

int
store_post_get(struct store *st, struct arena *a, int64_t id,
    struct post **out)
{
	return st->ops->post_get(st, a, id, out);
}

int
store_post_list(struct store *st, struct arena *a,
    const struct store_post_query *q, struct post **out, size_t *out_n)
{
	*out = NULL;
	*out_n = 0;
	return st->ops->post_list(st, a, q, out, out_n);
}

int
store_post_publish(struct store *st, int64_t id, int64_t at, int64_t now)
{
	return st->ops->post_publish(st, id, at, now);
}

int
store_post_set_status(struct store *st, int64_t id, int status)
{
	return st->ops->post_set_status(st, id, status);
}

int
store_post_publish_due(struct store *st, int64_t now, size_t *out_n)
{
	if (out_n)
		*out_n = 0;
	return st->ops->post_publish_due(st, now, out_n);
}

int
store_post_correct(struct store *st, int64_t id, const char *note,
    int64_t user_id, int64_t now, int64_t *out_id)
{
	return st->ops->post_correct(st, id, note, user_id, now, out_id);
}

int
store_correction_list(struct store *st, struct arena *a, size_t limit,
    struct store_correction **out, size_t *out_n)
{
	*out = NULL;
	*out_n = 0;
	return st->ops->correction_list(st, a, limit, out, out_n);
}

int
store_post_revisions(struct store *st, struct arena *a, int64_t id,
    struct store_revision **out, size_t *out_n)
{
	*out = NULL;
	*out_n = 0;
	return st->ops->post_revisions(st, a, id, out, out_n);
}

int
store_byline_find(struct store *st, struct arena *a, const char *slug,
    struct post_byline **out)
{
	return st->ops->byline_find(st, a, slug, out);
}

int
store_column_add(struct store *st, const struct column *c, int64_t *out_id)
{
	return st->ops->column_add(st, c, out_id);
}

int
store_column_list(struct store *st, struct arena *a, struct column **out,
    size_t *out_n)
{
	*out = NULL;
	*out_n = 0;
	return st->ops->column_list(st, a, out, out_n);
}

int
store_column_find(struct store *st, struct arena *a, const char *key,
    struct column **out)
{
	return st->ops->column_find(st, a, key, out);
}

int
store_desk_photo_put(struct store *st, const struct desk_photo *ph,
    const void *original, size_t original_len, const char *original_type,
    const struct photo *variants, size_t n_variants, int64_t *out_id)
{
	return st->ops->desk_photo_put(st, ph, original, original_len,
	    original_type, variants, n_variants, out_id);
}

int
store_desk_photo_get(struct store *st, struct arena *a, int64_t id,
    struct desk_photo **out)
{
	return st->ops->desk_photo_get(st, a, id, out);
}
