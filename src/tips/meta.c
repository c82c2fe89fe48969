/*
 * meta: what an attachment tells about whoever made it (tips_meta_scan).
 * A source may not know that a phone photo carries the place it was taken
 * or that a PDF names its author; the editors must, before they publish
 * or forward it. We only read and report; the bytes stay as sent (they
 * may be evidence), and stripping is the editors' decision.
 *
 * Own small scans rather than libvips: vips reads EXIF and XMP of images
 * but not PDF Info dictionaries or Office properties, and these walks are
 * a few bounded loops over hostile bytes (fuzz_tips.c):
 *  - JPEG: the marker segments before the scan: APP1 Exif (and its TIFF
 *    IFD0: camera, software, the GPS IFD pointer), APP1 XMP, APP13
 *    Photoshop/IPTC, COM comments.
 *  - PNG: eXIf, iTXt/tEXt/zTXt (XMP or named text), tIME chunks.
 *  - PDF: /Author /Creator /Producer /Title /Subject /Keywords and the
 *    dates as literal or hex strings anywhere in the file (a compressed
 *    object stream can hide them: the note says so), an XMP packet.
 *  - Office Open XML and OpenDocument (zip): docProps/core.xml, app.xml,
 *    custom.xml, meta.xml and comments by their local file headers; the
 *    creator and last editor read from core.xml (inflated, capped).
 */
#include <string.h>

#include <zlib.h>

#include "core/arena.h"
#include "tips/tips.h"
#include "core/banned.h"

#define MAX_NOTES 32
#define MAX_VALUE 200               /* bytes of a value shown */
#define MAX_CORE_XML (256u << 10)   /* core.xml inflated */

struct scan {
	struct tips_meta *m;
	struct arena *a;
	size_t cap;
};

static void
note(struct scan *s, const char *text)
{
	if (s->m->n_notes == MAX_NOTES)
		return;
	ARENA_GROW(s->a, s->m->notes, s->m->n_notes, s->m->n_notes + 1, s->cap);
	s->m->notes[s->m->n_notes++] = text;
}

/* A value to show: printable ASCII and UTF-8 kept, controls become '?',
 * cut at MAX_VALUE. */
static const char *
value(struct arena *a, const unsigned char *p, size_t n)
{
	char *v;
	size_t o = 0;

	if (n > MAX_VALUE)
		n = MAX_VALUE;
	v = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			break;
		v[o++] = p[i] < 0x20 || p[i] == 0x7f ? '?' : (char)p[i];
	}
	v[o] = '\0';
	return v;
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	    (unsigned long)p[2] << 8 | p[3];
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

static unsigned long
le32(const unsigned char *p)
{
	return (unsigned long)p[3] << 24 | (unsigned long)p[2] << 16 |
	    (unsigned long)p[1] << 8 | p[0];
}

static const unsigned char *
find(const unsigned char *p, size_t len, const char *needle, size_t from)
{
	size_t nl = strlen(needle);

	if (from >= len || len - from < nl)
		return NULL;
	return memmem(p + from, len - from, needle, nl);
}

/* ---- EXIF (a TIFF structure), shared by JPEG and PNG ---- */

static void
tiff(struct scan *s, const unsigned char *t, size_t tl)
{
	bool le;
	unsigned long ifd;
	unsigned n;

	s->m->has_exif = true;
	if (tl < 8)
		goto plain;
	if (t[0] == 'I' && t[1] == 'I')
		le = true;
	else if (t[0] == 'M' && t[1] == 'M')
		le = false;
	else
		goto plain;
	ifd = le ? le32(t + 4) : be32(t + 4);
	if (ifd > tl - 2)
		goto plain;
	n = le ? le16(t + ifd) : be16(t + ifd);
	note(s, "EXIF data present (camera settings, dates, possibly the "
	    "device's serial number)");
	for (unsigned i = 0; i < n && i < 512; i++) {
		const unsigned char *e;
		unsigned tag, type;
		unsigned long count, off;

		if (ifd + 2 + (unsigned long)(i + 1) * 12 > tl)
			break;
		e = t + ifd + 2 + i * 12;
		tag = le ? le16(e) : be16(e);
		type = le ? le16(e + 2) : be16(e + 2);
		count = le ? le32(e + 4) : be32(e + 4);
		off = le ? le32(e + 8) : be32(e + 8);
		if (tag == 0x8825) {
			unsigned gn = 0;

			if (off <= tl - 2 && off < tl)
				gn = le ? le16(t + off) : be16(t + off);
			s->m->has_gps = true;
			note(s, gn ? arena_printf(s->a, "GPS location present "
			    "(%u GPS fields): it can say where the photo was "
			    "taken", gn) : "GPS block present (empty)");
		} else if ((tag == 0x010f || tag == 0x0110 || tag == 0x0131 ||
		    tag == 0x013b || tag == 0x8298) && type == 2 && count) {
			const char *what = tag == 0x010f ? "camera make" :
			    tag == 0x0110 ? "camera model" : tag == 0x0131 ?
			    "software" : tag == 0x013b ? "artist" : "copyright";
			const unsigned char *v;

			if (count <= 4)
				v = e + 8;
			else if (off < tl && count <= tl - off)
				v = t + off;
			else
				continue;
			if (tag == 0x013b)
				s->m->has_author = true;
			note(s, arena_printf(s->a, "EXIF %s: %s", what,
			    value(s->a, v, count)));
		}
	}
	return;
plain:
	note(s, "EXIF data present (unreadable)");
}

/* ---- JPEG ---- */

static void
jpeg(struct scan *s, const unsigned char *p, size_t len)
{
	size_t i = 2;

	s->m->kind = "JPEG image";
	while (i + 4 <= len) {
		unsigned m, seg;
		const unsigned char *d;
		size_t dl;

		if (p[i] != 0xff)
			break;
		m = p[i + 1];
		if (m == 0xff) {             /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd9 || m == 0xda)  /* end, or the scan: no more */
			break;
		if ((m >= 0xd0 && m <= 0xd7) || m == 0x01) {
			i += 2;
			continue;
		}
		seg = be16(p + i + 2);
		if (seg < 2 || seg > len - i - 2)
			break;
		d = p + i + 4;
		dl = seg - 2;
		if (m == 0xe1 && dl >= 6 && memcmp(d, "Exif\0\0", 6) == 0)
			tiff(s, d + 6, dl - 6);
		else if (m == 0xe1 && dl >= 28 &&
		    memcmp(d, "http://ns.adobe.com/xap/1.0/", 28) == 0) {
			s->m->has_xmp = true;
			note(s, "XMP metadata present (may name the author, "
			    "the editing software, places and dates)");
		} else if (m == 0xed && dl >= 13 &&
		    memcmp(d, "Photoshop 3.0", 13) == 0)
			note(s, "IPTC/Photoshop metadata present (captions, "
			    "bylines, places)");
		else if (m == 0xfe)
			note(s, arena_printf(s->a, "comment: %s",
			    value(s->a, d, dl)));
		i += 2 + seg;
	}
}

/* ---- PNG ---- */

static void
png(struct scan *s, const unsigned char *p, size_t len)
{
	size_t i = 8;

	s->m->kind = "PNG image";
	while (i + 12 <= len) {
		unsigned long n = be32(p + i);
		const unsigned char *type = p + i + 4, *d = p + i + 8;

		if (n > len - i - 12)
			break;
		if (memcmp(type, "eXIf", 4) == 0) {
			tiff(s, d, n);
		} else if (memcmp(type, "tEXt", 4) == 0 ||
		    memcmp(type, "zTXt", 4) == 0 ||
		    memcmp(type, "iTXt", 4) == 0) {
			size_t kl = strnlen((const char *)d, n < 80 ? n : 80);

			if (kl == 17 && memcmp(d, "XML:com.adobe.xmp", 17) == 0) {
				s->m->has_xmp = true;
				note(s, "XMP metadata present (may name the "
				    "author, the editing software, places and "
				    "dates)");
			} else {
				if (kl == 6 && memcmp(d, "Author", 6) == 0)
					s->m->has_author = true;
				note(s, arena_printf(s->a, "text chunk '%s'",
				    value(s->a, d, kl)));
			}
		} else if (memcmp(type, "tIME", 4) == 0) {
			note(s, "last-modified time chunk present");
		} else if (memcmp(type, "IEND", 4) == 0) {
			break;
		}
		i += 12 + n;
	}
}

/* ---- PDF ---- */

/* The string after a PDF key (at q, after the name): (literal) or <hex>,
 * UTF-16BE with a BOM shown by its low bytes. NULL if neither. */
static const char *
pdf_string(struct arena *a, const unsigned char *q, const unsigned char *end)
{
	unsigned char raw[MAX_VALUE * 2];
	size_t n = 0;

	while (q < end && (*q == ' ' || *q == '\r' || *q == '\n' || *q == '\t'))
		q++;
	if (q >= end)
		return NULL;
	if (*q == '(') {
		int depth = 1;

		for (q++; q < end && n < sizeof(raw); q++) {
			if (*q == '\\' && q + 1 < end) {
				q++;
				raw[n++] = *q == 'n' ? ' ' : *q;
				continue;
			}
			if (*q == '(')
				depth++;
			else if (*q == ')' && --depth == 0)
				break;
			raw[n++] = *q;
		}
	} else if (*q == '<' && q + 1 < end && q[1] != '<') {
		int hi = -1;

		for (q++; q < end && *q != '>' && n < sizeof(raw); q++) {
			int v = *q >= '0' && *q <= '9' ? *q - '0' :
			    *q >= 'a' && *q <= 'f' ? *q - 'a' + 10 :
			    *q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;

			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				raw[n++] = (unsigned char)(hi << 4 | v);
				hi = -1;
			}
		}
	} else {
		return NULL;
	}
	if (n >= 2 && raw[0] == 0xfe && raw[1] == 0xff) {
		size_t o = 0;

		for (size_t i = 3; i < n; i += 2)
			raw[o++] = raw[i - 1] ? '?' : raw[i];
		n = o;
	}
	return value(a, raw, n);
}

static void
pdf(struct scan *s, const unsigned char *p, size_t len)
{
	static const char *const keys[] = { "/Author", "/Creator",
	    "/Producer", "/Title", "/Subject", "/Keywords", "/CreationDate",
	    "/ModDate", NULL };
	bool any = false;

	s->m->kind = "PDF document";
	for (size_t k = 0; keys[k]; k++) {
		const unsigned char *q;
		size_t from = 0;
		int shown = 0;

		while (shown < 3 && (q = find(p, len, keys[k], from))) {
			const char *v;
			const unsigned char *after = q + strlen(keys[k]);

			from = (size_t)(after - p);
			/* "/Author" must end there: not "/Authority" */
			if (after < p + len && ((*after >= 'a' && *after <= 'z') ||
			    (*after >= 'A' && *after <= 'Z')))
				continue;
			if (!(v = pdf_string(s->a, after, p + len)))
				continue;
			if (k == 0)
				s->m->has_author = true;
			note(s, arena_printf(s->a, "PDF %s: %s", keys[k] + 1, v));
			any = true;
			shown++;
		}
	}
	if (find(p, len, "<x:xmpmeta", 0) || find(p, len, "<?xpacket", 0)) {
		s->m->has_xmp = true;
		note(s, "XMP metadata packet present");
		any = true;
	}
	if (find(p, len, "/ObjStm", 0))
		note(s, "compressed object streams present: more metadata may "
		    "be inside them than listed here");
	if (!any)
		note(s, "no document information found in plain text");
}

/* ---- zip (Office Open XML, OpenDocument) ---- */

/* The text of the first <tag>...</tag> in xml, or NULL. */
static const char *
xml_elem(struct arena *a, const unsigned char *x, size_t xl, const char *tag)
{
	const char *open = arena_printf(a, "<%s", tag);
	const char *close = arena_printf(a, "</%s>", tag);
	const unsigned char *b = find(x, xl, open, 0), *gt, *e;

	if (!b)
		return NULL;
	if (!(gt = memchr(b, '>', xl - (size_t)(b - x))) || gt[-1] == '/')
		return NULL;
	gt++;
	if (!(e = find(x, xl, close, (size_t)(gt - x))))
		return NULL;
	return value(a, gt, (size_t)(e - gt));
}

static void
core_xml(struct scan *s, const unsigned char *d, size_t dl, unsigned method)
{
	unsigned char *x = NULL;
	size_t xl = 0;
	const char *v;

	if (method == 0) {
		x = (unsigned char *)(uintptr_t)d;
		xl = dl;
	} else if (method == 8) {
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, -15) != Z_OK)
			return;
		x = arena_alloc(s->a, MAX_CORE_XML);
		z.next_in = (unsigned char *)(uintptr_t)d;
		z.avail_in = (uInt)dl;
		z.next_out = x;
		z.avail_out = MAX_CORE_XML;
		(void)inflate(&z, Z_FINISH);
		xl = MAX_CORE_XML - z.avail_out;
		inflateEnd(&z);
	}
	if (!x || !xl)
		return;
	if ((v = xml_elem(s->a, x, xl, "dc:creator")) && *v) {
		s->m->has_author = true;
		note(s, arena_printf(s->a, "author (dc:creator): %s", v));
	}
	if ((v = xml_elem(s->a, x, xl, "cp:lastModifiedBy")) && *v) {
		s->m->has_author = true;
		note(s, arena_printf(s->a, "last modified by: %s", v));
	}
	if ((v = xml_elem(s->a, x, xl, "meta:initial-creator")) && *v) {
		s->m->has_author = true;
		note(s, arena_printf(s->a, "initial creator: %s", v));
	}
}

static void
zip(struct scan *s, const unsigned char *p, size_t len)
{
	size_t i = 0;
	int n = 0;

	s->m->kind = "zip archive";
	while (i + 30 <= len && n < 4096) {
		const unsigned char *h = p + i, *name;
		unsigned method, nl, xl, flags;
		unsigned long csize;
		size_t data;

		if (memcmp(h, "PK\3\4", 4) != 0)
			break;
		n++;
		flags = le16(h + 6);
		method = le16(h + 8);
		csize = le32(h + 18);
		nl = le16(h + 26);
		xl = le16(h + 28);
		if (30 + (size_t)nl + xl > len - i)
			break;
		name = h + 30;
		data = i + 30 + nl + xl;
#define IS(lit) (nl == sizeof(lit) - 1 && memcmp(name, lit, nl) == 0)
		if (IS("[Content_Types].xml"))
			s->m->kind = "Office document";
		else if (IS("mimetype"))
			s->m->kind = "OpenDocument file";
		if (IS("docProps/core.xml") || IS("meta.xml")) {
			note(s, IS("meta.xml") ? "document properties present "
			    "(meta.xml: creator, dates, editing time)" :
			    "core properties present (docProps/core.xml: "
			    "author, last editor, dates)");
			if (!(flags & 8) && csize <= len - data)
				core_xml(s, p + data, csize, method);
		} else if (IS("docProps/app.xml")) {
			note(s, "application properties present "
			    "(docProps/app.xml: company, template, editing "
			    "time)");
		} else if (IS("docProps/custom.xml")) {
			note(s, "custom properties present (docProps/custom.xml)");
		} else if (IS("word/comments.xml") || IS("xl/comments1.xml")) {
			note(s, "comments present (they carry their authors' "
			    "names)");
		} else if (IS("word/people.xml")) {
			note(s, "tracked-changes authors present (word/people.xml)");
		}
#undef IS
		/* without sizes in the header (a data descriptor follows the
		 * data), the next header is found by its signature */
		if (flags & 8) {
			const unsigned char *next = find(p, len, "PK\3\4", data);

			if (!next)
				break;
			i = (size_t)(next - p);
		} else {
			if (csize > len - data)
				break;
			i = data + csize;
		}
	}
}

void
tips_meta_scan(struct tips_meta *out, struct arena *a,
    const unsigned char *p, size_t len)
{
	struct scan s = { out, a, 0 };

	memset(out, 0, sizeof(*out));
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		jpeg(&s, p, len);
	else if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		png(&s, p, len);
	else if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		pdf(&s, p, len);
	else if (len >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		zip(&s, p, len);
	if (out->kind && !out->n_notes)
		note(&s, "no metadata found");
}
