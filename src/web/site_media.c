/*
 * site_media: the photo cache on the public site.
 *
 * Pages show an item's photo only from the store's photo cache, at
 * /media/KEY.EXT on this site, so a page never makes the reader's browser
 * ask an outlet's server for anything (the CSP says img-src 'self'). A
 * photo the fetcher has not cached (yet) is simply not shown: no <img>, so
 * no broken image either. The key is a hash of the photo's URL and the
 * bytes of a key never change, so the answer is cacheable for a year and
 * its ETag is the key itself; the type sent is the one sniffed from the
 * bytes when they were fetched, never what the outlet claimed. The server
 * keeps what this returns in its cache (server.c, ROUTE_MEDIA), so the
 * store is read once per photo, not once per request.
 */
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "render/html.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

static bool
is_key(const char *s, size_t n)
{
	if (n != PHOTO_KEY_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int
site_media(struct web_req *r)
{
	const char *file = r->args[0], *dot = strchr(file, '.');
	const char *inm;
	struct photo *m = NULL;
	char key[PHOTO_KEY_LEN + 1];
	int rc;

	if (!dot || !is_key(file, (size_t)(dot - file))) {
		site_error(r, 404, "There is no such photo.");
		return 0;
	}
	memcpy(key, file, PHOTO_KEY_LEN);
	key[PHOTO_KEY_LEN] = '\0';
	r->etag = arena_printf(&r->a, "\"%s\"", key);
	inm = r->if_none_match;
	if (inm && strstr(inm, r->etag)) {
		/* The bytes of a key never change: no need to read them. */
		r->status = 304;
		return 0;
	}
	if ((rc = store_media_get(r->st, &r->a, key, true, &m)) == ND_ENOTFOUND ||
	    (rc == 0 && (m->status != PHOTO_OK || !m->len ||
	    !model_photo_ext(m->type) || strcmp(dot + 1, model_photo_ext(m->type)) != 0))) {
		r->etag = NULL;
		site_error(r, 404, "There is no such photo.");
		return 0;
	}
	if (rc < 0)
		return rc;
	r->ctype = model_photo_ext(m->type) ? m->type : "application/octet-stream";
	buf_add(&r->pg.b, m->data, m->len);
	return buf_err(&r->pg.b);
}
