/*
 * media: what a downloaded photo is, judged by its bytes alone: only JPEG,
 * PNG, GIF and WebP pass, with their type as sniffed here (a server's
 * Content-Type is never trusted: an HTML page or an SVG, which can carry
 * script, served as image/jpeg is refused). Pure; ingest/photos.c keeps
 * what passes in the store's photo cache.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "fetch/fetch.h"
#include "model/model.h"
#include "core/banned.h"

/* Larger is not a photo a page should show (and may be a decoder bomb). */
#define IMAGE_MAX_SIDE 20000

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	    (unsigned long)p[2] << 8 | p[3];
}

static unsigned long
le24(const unsigned char *p)
{
	return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* The frame header (SOFn) of a JPEG: walks the marker segments. */
static bool
jpeg_size(const unsigned char *p, size_t len, int *w, int *h)
{
	size_t i = 2;

	while (i + 4 <= len) {
		unsigned m, seg;

		if (p[i] != 0xFF)
			return false;
		m = p[i + 1];
		if (m == 0xFF) {          /* fill byte */
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
			i += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA)   /* end, or scan before a frame */
			return false;
		seg = be16(p + i + 2);
		if (seg < 2)
			return false;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) {
			if (i + 9 > len)
				return false;
			*h = (int)be16(p + i + 5);
			*w = (int)be16(p + i + 7);
			return true;
		}
		i += 2 + seg;
	}
	return false;
}

static bool
webp_size(const unsigned char *p, size_t len, int *w, int *h)
{
	if (len < 30)
		return false;
	if (memcmp(p + 12, "VP8 ", 4) == 0) {
		if (p[23] != 0x9d || p[24] != 0x01 || p[25] != 0x2a)
			return false;
		*w = (int)(le16(p + 26) & 0x3fff);
		*h = (int)(le16(p + 28) & 0x3fff);
		return true;
	}
	if (memcmp(p + 12, "VP8L", 4) == 0) {
		unsigned long b;

		if (p[20] != 0x2f)
			return false;
		b = (unsigned long)p[21] | (unsigned long)p[22] << 8 |
		    (unsigned long)p[23] << 16 | (unsigned long)p[24] << 24;
		*w = (int)(b & 0x3fff) + 1;
		*h = (int)((b >> 14) & 0x3fff) + 1;
		return true;
	}
	if (memcmp(p + 12, "VP8X", 4) == 0) {
		*w = (int)le24(p + 24) + 1;
		*h = (int)le24(p + 27) + 1;
		return true;
	}
	return false;
}

/* Case-insensitive search for needle in the first n bytes of p. */
static bool
has_text(const unsigned char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (str_ncasecmp((const char *)p + i, needle, k) == 0)
			return true;
	return false;
}

int
fetch_image_sniff(struct fetch_image *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	int w = 0, h = 0;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
		out->type = "image/png";
		ok = len >= 24 && memcmp(p + 12, "IHDR", 4) == 0;
		if (ok) {
			w = (int)(be32(p + 16) > IMAGE_MAX_SIDE ? 0 : be32(p + 16));
			h = (int)(be32(p + 20) > IMAGE_MAX_SIDE ? 0 : be32(p + 20));
		}
	} else if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
		out->type = "image/jpeg";
		ok = jpeg_size(p, len, &w, &h);
	} else if (len >= 10 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0)) {
		out->type = "image/gif";
		w = (int)le16(p + 6);
		h = (int)le16(p + 8);
		ok = true;
	} else if (len >= 16 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0) {
		out->type = "image/webp";
		ok = webp_size(p, len, &w, &h);
	} else {
		size_t n = len < 1024 ? len : 1024;

		if (has_text(p, n, "<svg"))
			return err_set(ND_EPARSE, "SVG is refused");
		for (size_t i = 0; i < n; i++) {
			if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
			    p[i] == '\n' || p[i] == 0xEF || p[i] == 0xBB ||
			    p[i] == 0xBF)
				continue;
			if (p[i] == '<')
				return err_set(ND_EPARSE,
				    "not an image (HTML or XML)");
			break;
		}
		return err_set(ND_EPARSE, "not an image (unknown format)");
	}
	if (!ok || w <= 0 || h <= 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
		return err_set(ND_EPARSE, "bad image header (%s)", out->type);
	out->ext = model_photo_ext(out->type);
	out->width = w;
	out->height = h;
	return 0;
}
