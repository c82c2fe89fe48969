/*
 * model: the few pure functions that belong to the nouns themselves.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "model/model.h"
#include "core/banned.h"

void
model_photo_key(char out[PHOTO_KEY_LEN + 1], const char *url)
{
	unsigned char h[PHOTO_KEY_LEN / 2];

	crypto_generichash(h, sizeof(h), (const unsigned char *)url,
	    url ? strlen(url) : 0, NULL, 0);
	sodium_bin2hex(out, PHOTO_KEY_LEN + 1, h, sizeof(h));
}

const char *
model_photo_ext(const char *type)
{
	static const char *const map[][2] = {
		{ "image/jpeg", "jpg" }, { "image/png", "png" },
		{ "image/gif", "gif" }, { "image/webp", "webp" },
	};

	for (size_t i = 0; type && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

static const char *const role_names[] = {
	[USER_ROLE_NONE] = "none",
	[USER_ROLE_WRITER] = "writer",
	[USER_ROLE_EDITOR] = "editor",
	[USER_ROLE_ADMIN] = "admin",
};

const char *
model_user_role_name(int role)
{
	if (role < 0 || (size_t)role >= sizeof(role_names) / sizeof(role_names[0]))
		return "none";
	return role_names[role];
}

int
model_user_role_parse(const char *name)
{
	for (int r = USER_ROLE_WRITER; r <= USER_ROLE_ADMIN; r++)
		if (name && strcmp(name, role_names[r]) == 0)
			return r;
	if (name && strcmp(name, "correspondent") == 0)
		return USER_ROLE_WRITER;
	return USER_ROLE_NONE;
}

void
model_desk_photo_url(char *out, size_t cap, const char *token, int width,
    const char *ext)
{
	snprintf(out, cap, "desk-photo:%s:%d.%s", token, width, ext);
}

void
model_slug(char *out, size_t max, const char *text)
{
	size_t n = 0;
	bool dash = false;

	for (const unsigned char *p = (const unsigned char *)text; p && *p;
	    p++) {
		unsigned char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0 && n + 1 < max)
				out[n++] = '-';
			dash = false;
			if (n < max)
				out[n++] = (char)c;
		} else {
			dash = true;
		}
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	if (n == 0) {
		unsigned char h[6];
		static const char hex[] = "0123456789abcdef";

		crypto_generichash(h, sizeof(h), (const unsigned char *)
		    (text ? text : ""), text ? strlen(text) : 0, NULL, 0);
		out[n++] = 'n';
		for (size_t i = 0; i < sizeof(h); i++) {
			out[n++] = hex[h[i] >> 4];
			out[n++] = hex[h[i] & 15];
		}
	}
	out[n] = '\0';
}

bool
model_post_may_edit(const struct post *p, int64_t user_id, int role)
{
	if (user_id == 0 || role >= USER_ROLE_EDITOR)
		return true;
	if (p->status != POST_DRAFT && p->status != POST_SUBMITTED)
		return false;
	if (p->created_by == user_id)
		return true;
	for (size_t i = 0; i < p->n_bylines; i++)
		if (p->bylines[i].user_id == user_id)
			return true;
	return false;
}
