/*
 * store_post: the backend-neutral side of the desk's posts, columns and
 * desk photos (issue 10): argument checks, then the backend's operation
 * of the same name (store_backend.h). Contracts are in store.h.
 */
#include "core/arena.h"
#include "core/err.h"
#include "store/store_backend.h"
#include "core/banned.h"

/* s with every control character (a line break, a tab) made a space, or
 * s itself when it has none. */
static const char *
one_line(struct arena *a, const char *s)
{
	char *c;

	if (!s)
		return s;
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			goto copy;
	return s;
copy:
	c = arena_strdup(a, s);
	for (char *q = c; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = ' ';
	return c;
}

int
store_post_save(struct store *st, const struct post *p, int64_t now,
    int64_t *out_id)
{
	/* The one-line fields hold one line, whoever sends them (a form
	 * field, the command line): a headline becomes a mail's Subject,
	 * where a line break is refused, and every page's title. */
	struct arena a = ARENA_INIT;
	struct post t = *p;
	int rc;

	t.headline = one_line(&a, p->headline);
	t.deck = one_line(&a, p->deck);
	t.dateline = one_line(&a, p->dateline);
	t.photo_caption = one_line(&a, p->photo_caption);
	t.photo_credit = one_line(&a, p->photo_credit);
	rc = st->ops->post_save(st, &t, now, out_id);
	arena_release(&a);
	return rc;
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
