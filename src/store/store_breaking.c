/*
 * store_breaking: the backend-neutral side of breaking-news alerts
 * (issue 11): argument checks, then the backend's operation of the same
 * name (store_backend.h). Contracts are in store.h.
 */
#include <string.h>

#include "core/err.h"
#include "store/store_backend.h"
#include "core/banned.h"

int
store_breaking_request(struct store *st, int64_t post_id, int64_t user_id,
    int64_t now, struct store_breaking *out)
{
	struct store_breaking tmp;

	if (post_id <= 0)
		return err_set(ND_ENOTFOUND, "store: no post %lld",
		    (long long)post_id);
	return st->ops->breaking_request(st, post_id, user_id, now,
	    out ? out : &tmp);
}

int
store_breaking_get(struct store *st, int64_t post_id,
    struct store_breaking *out)
{
	memset(out, 0, sizeof(*out));
	out->post_id = post_id;
	return st->ops->breaking_get(st, post_id, out);
}

int
store_breaking_pending(struct store *st, struct arena *a, size_t max,
    int64_t **out, size_t *out_n)
{
	*out = NULL;
	*out_n = 0;
	return st->ops->breaking_pending(st, a, max ? max : 100, out, out_n);
}

int
store_breaking_enqueue(struct store *st, int64_t post_id, const char *subject,
    const char *text, const char *html, const char *msgid_domain,
    int64_t now, size_t *out_n)
{
	*out_n = 0;
	if (!subject || !text || !html || !msgid_domain)
		return err_set(ND_EINVAL, "store: a breaking alert needs its "
		    "subject, text, HTML and a Message-ID domain");
	return st->ops->breaking_enqueue(st, post_id, subject, text, html,
	    msgid_domain, now, out_n);
}
