/*
 * model: the few pure functions that belong to the nouns themselves.
 */
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
