/*
 * encoding: finds a document's character encoding and converts it to UTF-8.
 *
 * The common cases never touch iconv: UTF-8 (most feeds) is validated in
 * place with an ASCII-at-a-time loop and copied once; US-ASCII, ISO-8859-1
 * and windows-1252 are decoded by table. Everything else goes through glibc
 * iconv, opened per document (iconv_open costs ~1 us once glibc has loaded
 * the gconv module, which is nothing next to parsing the document). Labels
 * glibc does not know (windows_1252, macroman, cp_is, ...) go through an
 * alias table first; Mac Greek and Mac Turkish, which glibc lacks, have
 * built-in tables.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "parse/parse.h"
#include "parse/parse_int.h"
#include "core/banned.h"

#define LABEL_MAX 48             /* longer labels are not encodings */
#define PROLOG_MAX 256           /* first buffer for a wide <?xml ...?> */

enum enc_kind {
	ENC_UTF8,
	ENC_ASCII,
	ENC_LATIN1,
	ENC_CP1252,
	ENC_TABLE,               /* single-byte, built-in table */
	ENC_UTF16,               /* endianness from BOM or layout */
	ENC_UTF16LE,
	ENC_UTF16BE,
	ENC_UTF32,
	ENC_UTF32LE,
	ENC_UTF32BE,
	ENC_ICONV,
};

/* What a label resolved to. */
struct enc {
	enum enc_kind kind;
	const char *name;        /* reported name; NULL = the normalised label */
	const char *iconv_name;  /* ENC_ICONV: name glibc knows */
	const uint16_t *table;   /* ENC_TABLE: 0x80..0xFF */
};

/* Byte layout of the first characters, sniffed from the bytes. */
enum layout {
	LAY_8BIT,
	LAY_UTF16LE,
	LAY_UTF16BE,
	LAY_UTF32LE,
	LAY_UTF32BE,
};

/* windows-1252 0x80..0x9F; the five undefined bytes map to themselves. */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* Apple's Mac OS Greek and Turkish, 0x80..0xFF (glibc has neither). */
static const uint16_t mac_greek[128] = {
	0x00c4, 0x00b9, 0x00b2, 0x00c9, 0x00b3, 0x00d6, 0x00dc, 0x0385,
	0x00e0, 0x00e2, 0x00e4, 0x0384, 0x00a8, 0x00e7, 0x00e9, 0x00e8,
	0x00ea, 0x00eb, 0x00a3, 0x2122, 0x00ee, 0x00ef, 0x2022, 0x00bd,
	0x2030, 0x00f4, 0x00f6, 0x00a6, 0x20ac, 0x00f9, 0x00fb, 0x00fc,
	0x2020, 0x0393, 0x0394, 0x0398, 0x039b, 0x039e, 0x03a0, 0x00df,
	0x00ae, 0x00a9, 0x03a3, 0x03aa, 0x00a7, 0x2260, 0x00b0, 0x00b7,
	0x0391, 0x00b1, 0x2264, 0x2265, 0x00a5, 0x0392, 0x0395, 0x0396,
	0x0397, 0x0399, 0x039a, 0x039c, 0x03a6, 0x03ab, 0x03a8, 0x03a9,
	0x03ac, 0x039d, 0x00ac, 0x039f, 0x03a1, 0x2248, 0x03a4, 0x00ab,
	0x00bb, 0x2026, 0x00a0, 0x03a5, 0x03a7, 0x0386, 0x0388, 0x0153,
	0x2013, 0x2015, 0x201c, 0x201d, 0x2018, 0x2019, 0x00f7, 0x0389,
	0x038a, 0x038c, 0x038e, 0x03ad, 0x03ae, 0x03af, 0x03cc, 0x038f,
	0x03cd, 0x03b1, 0x03b2, 0x03c8, 0x03b4, 0x03b5, 0x03c6, 0x03b3,
	0x03b7, 0x03b9, 0x03be, 0x03ba, 0x03bb, 0x03bc, 0x03bd, 0x03bf,
	0x03c0, 0x03ce, 0x03c1, 0x03c3, 0x03c4, 0x03b8, 0x03c9, 0x03c2,
	0x03c7, 0x03c5, 0x03b6, 0x03ca, 0x03cb, 0x0390, 0x03b0, 0x00ad,
};

static const uint16_t mac_turkish[128] = {
	0x00c4, 0x00c5, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00dc, 0x00e1,
	0x00e0, 0x00e2, 0x00e4, 0x00e3, 0x00e5, 0x00e7, 0x00e9, 0x00e8,
	0x00ea, 0x00eb, 0x00ed, 0x00ec, 0x00ee, 0x00ef, 0x00f1, 0x00f3,
	0x00f2, 0x00f4, 0x00f6, 0x00f5, 0x00fa, 0x00f9, 0x00fb, 0x00fc,
	0x2020, 0x00b0, 0x00a2, 0x00a3, 0x00a7, 0x2022, 0x00b6, 0x00df,
	0x00ae, 0x00a9, 0x2122, 0x00b4, 0x00a8, 0x2260, 0x00c6, 0x00d8,
	0x221e, 0x00b1, 0x2264, 0x2265, 0x00a5, 0x00b5, 0x2202, 0x2211,
	0x220f, 0x03c0, 0x222b, 0x00aa, 0x00ba, 0x03a9, 0x00e6, 0x00f8,
	0x00bf, 0x00a1, 0x00ac, 0x221a, 0x0192, 0x2248, 0x2206, 0x00ab,
	0x00bb, 0x2026, 0x00a0, 0x00c0, 0x00c3, 0x00d5, 0x0152, 0x0153,
	0x2013, 0x2014, 0x201c, 0x201d, 0x2018, 0x2019, 0x00f7, 0x25ca,
	0x00ff, 0x0178, 0x011e, 0x011f, 0x0130, 0x0131, 0x015e, 0x015f,
	0x2021, 0x00b7, 0x201a, 0x201e, 0x2030, 0x00c2, 0x00ca, 0x00c1,
	0x00cb, 0x00c8, 0x00cd, 0x00ce, 0x00cf, 0x00cc, 0x00d3, 0x00d4,
	0xf8ff, 0x00d2, 0x00da, 0x00db, 0x00d9, 0xf8a0, 0x02c6, 0x02dc,
	0x00af, 0x02d8, 0x02d9, 0x02da, 0x00b8, 0x02dd, 0x02db, 0x02c7,
};

/*
 * Labels, normalised (lower case, '_' -> '-'), that need more than being
 * passed to iconv: built-in decoders, names glibc rejects, and the names we
 * report. Anything else is tried with iconv as written.
 */
static const struct alias {
	const char *label;
	enum enc_kind kind;
	const char *name;        /* reported; NULL = the label */
	const char *iconv_name;
} aliases[] = {
	{ "utf-8", ENC_UTF8, "utf-8", NULL },
	{ "utf8", ENC_UTF8, "utf-8", NULL },
	{ "unicode-1-1-utf-8", ENC_UTF8, "utf-8", NULL },
	{ "x-unicode20utf8", ENC_UTF8, "utf-8", NULL },
	{ "us-ascii", ENC_ASCII, "us-ascii", NULL },
	{ "ascii", ENC_ASCII, "us-ascii", NULL },
	{ "ansi-x3.4-1968", ENC_ASCII, "us-ascii", NULL },
	{ "iso646-us", ENC_ASCII, "us-ascii", NULL },
	{ "iso-ir-6", ENC_ASCII, "us-ascii", NULL },
	{ "csascii", ENC_ASCII, "us-ascii", NULL },
	{ "cp367", ENC_ASCII, "us-ascii", NULL },
	{ "ibm367", ENC_ASCII, "us-ascii", NULL },
	{ "us", ENC_ASCII, "us-ascii", NULL },
	{ "646", ENC_ASCII, "us-ascii", NULL },
	{ "iso-8859-1", ENC_LATIN1, "iso-8859-1", NULL },
	{ "iso8859-1", ENC_LATIN1, "iso-8859-1", NULL },
	{ "latin1", ENC_LATIN1, "iso-8859-1", NULL },
	{ "latin-1", ENC_LATIN1, "iso-8859-1", NULL },
	{ "latin", ENC_LATIN1, "iso-8859-1", NULL },
	{ "l1", ENC_LATIN1, "iso-8859-1", NULL },
	{ "iso-ir-100", ENC_LATIN1, "iso-8859-1", NULL },
	{ "csisolatin1", ENC_LATIN1, "iso-8859-1", NULL },
	{ "cp819", ENC_LATIN1, "iso-8859-1", NULL },
	{ "ibm819", ENC_LATIN1, "iso-8859-1", NULL },
	{ "8859", ENC_LATIN1, "iso-8859-1", NULL },
	{ "iso8859", ENC_LATIN1, "iso-8859-1", NULL },
	{ "windows-1252", ENC_CP1252, "windows-1252", NULL },
	{ "utf-16", ENC_UTF16, "utf-16", NULL },
	{ "utf16", ENC_UTF16, "utf-16", NULL },
	{ "ucs-2", ENC_UTF16, "utf-16", NULL },
	{ "iso-10646-ucs-2", ENC_UTF16, "utf-16", NULL },
	{ "csunicode", ENC_UTF16, "utf-16", NULL },
	{ "unicode", ENC_UTF16, "utf-16", NULL },
	{ "utf-16le", ENC_UTF16LE, "utf-16le", NULL },
	{ "utf16le", ENC_UTF16LE, "utf-16le", NULL },
	{ "ucs-2le", ENC_UTF16LE, "utf-16le", NULL },
	{ "unicodelittleunmarked", ENC_UTF16LE, "utf-16le", NULL },
	{ "utf-16be", ENC_UTF16BE, "utf-16be", NULL },
	{ "utf16be", ENC_UTF16BE, "utf-16be", NULL },
	{ "ucs-2be", ENC_UTF16BE, "utf-16be", NULL },
	{ "unicodebigunmarked", ENC_UTF16BE, "utf-16be", NULL },
	{ "utf-32", ENC_UTF32, "utf-32", NULL },
	{ "utf32", ENC_UTF32, "utf-32", NULL },
	{ "ucs-4", ENC_UTF32, "utf-32", NULL },
	{ "iso-10646-ucs-4", ENC_UTF32, "utf-32", NULL },
	{ "utf-32le", ENC_UTF32LE, "utf-32le", NULL },
	{ "utf32le", ENC_UTF32LE, "utf-32le", NULL },
	{ "ucs-4le", ENC_UTF32LE, "utf-32le", NULL },
	{ "utf-32be", ENC_UTF32BE, "utf-32be", NULL },
	{ "utf32be", ENC_UTF32BE, "utf-32be", NULL },
	{ "ucs-4be", ENC_UTF32BE, "utf-32be", NULL },
	/* Chinese: gb2312 is read as its superset gb18030 (CONTRACT.md). */
	{ "gb2312", ENC_ICONV, "gb18030", "GB18030" },
	{ "gb-2312", ENC_ICONV, "gb18030", "GB18030" },
	{ "gb2312-80", ENC_ICONV, "gb18030", "GB18030" },
	{ "csgb2312", ENC_ICONV, "gb18030", "GB18030" },
	{ "euc-cn", ENC_ICONV, "gb18030", "GB18030" },
	{ "x-euc-cn", ENC_ICONV, "gb18030", "GB18030" },
	{ "chinese", ENC_ICONV, "gb18030", "GB18030" },
	{ "gb18030", ENC_ICONV, "gb18030", "GB18030" },
	{ "gbk", ENC_ICONV, "gbk", "GBK" },
	{ "x-gbk", ENC_ICONV, "gbk", "GBK" },
	{ "cp936", ENC_ICONV, "gbk", "GBK" },
	{ "windows-936", ENC_ICONV, "gbk", "GBK" },
	{ "ms936", ENC_ICONV, "gbk", "GBK" },
	{ "big5", ENC_ICONV, "big5", "BIG5" },
	{ "csbig5", ENC_ICONV, "big5", "BIG5" },
	{ "cn-big5", ENC_ICONV, "big5", "BIG5" },
	{ "x-x-big5", ENC_ICONV, "big5", "BIG5" },
	{ "big5-tw", ENC_ICONV, "big5", "BIG5" },
	{ "cp950", ENC_ICONV, "big5", "BIG5" },
	{ "euc-kr", ENC_ICONV, "euc-kr", "EUC-KR" },
	{ "ks-c-5601-1987", ENC_ICONV, "cp949", "CP949" },
	{ "ks-c-5601", ENC_ICONV, "cp949", "CP949" },
	{ "ksc5601", ENC_ICONV, "cp949", "CP949" },
	{ "windows-949", ENC_ICONV, "cp949", "CP949" },
	{ "uhc", ENC_ICONV, "cp949", "CP949" },
	{ "shift-jis", ENC_ICONV, "shift-jis", "SHIFT_JIS" },
	{ "sjis", ENC_ICONV, "shift-jis", "SHIFT_JIS" },
	{ "x-sjis", ENC_ICONV, "shift-jis", "SHIFT_JIS" },
	{ "csshiftjis", ENC_ICONV, "shift-jis", "SHIFT_JIS" },
	{ "ms-kanji", ENC_ICONV, "cp932", "CP932" },
	{ "mskanji", ENC_ICONV, "cp932", "CP932" },
	{ "ms932", ENC_ICONV, "cp932", "CP932" },
	{ "windows-31j", ENC_ICONV, "cp932", "CP932" },
	/* Mac code pages under Python's names, which glibc spells otherwise. */
	{ "macroman", ENC_ICONV, NULL, "MACINTOSH" },
	{ "mac-roman", ENC_ICONV, NULL, "MACINTOSH" },
	{ "x-mac-roman", ENC_ICONV, NULL, "MACINTOSH" },
	{ "maccentraleurope", ENC_ICONV, NULL, "MAC-CENTRALEUROPE" },
	{ "mac-centeuro", ENC_ICONV, NULL, "MAC-CENTRALEUROPE" },
	{ "maclatin2", ENC_ICONV, NULL, "MAC-CENTRALEUROPE" },
	{ "mac-latin2", ENC_ICONV, NULL, "MAC-CENTRALEUROPE" },
	{ "x-mac-ce", ENC_ICONV, NULL, "MAC-CENTRALEUROPE" },
	{ "maciceland", ENC_ICONV, NULL, "MAC-IS" },
	{ "mac-iceland", ENC_ICONV, NULL, "MAC-IS" },
	{ "x-mac-icelandic", ENC_ICONV, NULL, "MAC-IS" },
	{ "x-mac-cyrillic", ENC_ICONV, NULL, "MAC-CYRILLIC" },
	{ "macgreek", ENC_TABLE, NULL, NULL },
	{ "mac-greek", ENC_TABLE, NULL, NULL },
	{ "x-mac-greek", ENC_TABLE, NULL, NULL },
	{ "macturkish", ENC_TABLE, NULL, NULL },
	{ "mac-turkish", ENC_TABLE, NULL, NULL },
	{ "x-mac-turkish", ENC_TABLE, NULL, NULL },
	/* IBM and other code pages under Python aliases glibc lacks. */
	{ "cp-is", ENC_ICONV, NULL, "IBM861" },
	{ "csibm861", ENC_ICONV, NULL, "IBM861" },
	{ "csibm858", ENC_ICONV, NULL, "IBM858" },
	{ "cp1125", ENC_ICONV, NULL, "CP1125" },
	{ "cp866u", ENC_ICONV, NULL, "CP1125" },
	{ "ibm1125", ENC_ICONV, NULL, "CP1125" },
	{ "1125", ENC_ICONV, NULL, "CP1125" },
	{ "ptcp154", ENC_ICONV, NULL, "PT154" },
	{ "cp154", ENC_ICONV, NULL, "PT154" },
	{ "csptcp154", ENC_ICONV, NULL, "PT154" },
	{ "cyrillic-asian", ENC_ICONV, NULL, "PT154" },
	{ "kz1048", ENC_ICONV, NULL, "RK1048" },
	{ "kz-1048", ENC_ICONV, NULL, "RK1048" },
	{ "strk1048-2002", ENC_ICONV, NULL, "RK1048" },
	{ "hp-roman8", ENC_ICONV, NULL, "HP-ROMAN8" },
	{ "cp1051", ENC_ICONV, NULL, "HP-ROMAN8" },
	{ "ibm1051", ENC_ICONV, NULL, "HP-ROMAN8" },
	{ "tis620", ENC_ICONV, NULL, "TIS-620" },
	{ "tis-620-0", ENC_ICONV, NULL, "TIS-620" },
	{ "tis-620-2529-0", ENC_ICONV, NULL, "TIS-620" },
	{ "tis-620-2529-1", ENC_ICONV, NULL, "TIS-620" },
	{ "iso-ir-166", ENC_ICONV, NULL, "TIS-620" },
	{ "thai", ENC_ICONV, NULL, "ISO-8859-11" },
	{ "l9", ENC_ICONV, NULL, "ISO-8859-15" },
	{ "elot-928", ENC_ICONV, NULL, "ISO-8859-7" },
	{ "ibm039", ENC_ICONV, NULL, "IBM037" },
	{ "037", ENC_ICONV, NULL, "IBM037" },
	{ "273", ENC_ICONV, NULL, "IBM273" },
	{ "1140", ENC_ICONV, NULL, "IBM1140" },
	{ "775", ENC_ICONV, NULL, "IBM775" },
};

/* ---- UTF-8 ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (n > 0 bytes left), or 0. */
static inline size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;

		return n >= 3 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

		return n >= 4 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* Skips a run of ASCII bytes, eight at a time. */
static size_t
ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

/* Index after the invalid sequence at i: the bad byte and the continuation
 * bytes after it, so that one broken character counts (and is replaced)
 * once. */
static size_t
skip_invalid(const unsigned char *p, size_t n, size_t i)
{
	i++;
	while (i < n && (p[i] & 0xc0) == 0x80)
		i++;
	return i;
}

struct utf8_stats {
	size_t n_invalid;        /* invalid sequences (see skip_invalid) */
	size_t n_multi;          /* valid multi-byte sequences */
	size_t n_c1;             /* U+0080..U+009F */
};

/* One pass over the bytes; the hot loop for every UTF-8 document, so the
 * common cases (ASCII eight at a time, two- and three-byte sequences) are
 * inline and only the rest calls utf8_seq. */
static void
utf8_scan(struct utf8_stats *st, const unsigned char *p, size_t n)
{
	size_t i = 0;

	memset(st, 0, sizeof(*st));
	while (i < n) {
		unsigned char c = p[i];
		size_t k;

		if (c < 0x80) {
			i++;
			while (i + 16 <= n) {
				uint64_t w0, w1;

				memcpy(&w0, p + i, 8);
				memcpy(&w1, p + i + 8, 8);
				if ((w0 | w1) & UINT64_C(0x8080808080808080))
					break;
				i += 16;
			}
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf && i + 1 < n &&
		    (p[i + 1] & 0xc0) == 0x80) {
			st->n_multi++;
			st->n_c1 += c == 0xc2 && p[i + 1] < 0xa0;
			i += 2;
			continue;
		}
		if (c >= 0xe1 && c <= 0xec && i + 2 < n &&
		    (p[i + 1] & 0xc0) == 0x80 && (p[i + 2] & 0xc0) == 0x80) {
			st->n_multi++;
			i += 3;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i)) == 0) {
			st->n_invalid++;
			i = skip_invalid(p, n, i);
			continue;
		}
		st->n_multi++;
		i += k;
	}
}

bool
parse_utf8_is_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			while (i + 16 <= len) {
				uint64_t w0, w1;

				memcpy(&w0, p + i, 8);
				memcpy(&w1, p + i + 8, 8);
				if ((w0 | w1) & UINT64_C(0x8080808080808080))
					break;
				i += 16;
			}
			continue;
		}
		if ((k = utf8_seq(p + i, len - i)) == 0)
			return false;
		i += k;
	}
	return true;
}

static uint32_t
utf8_get(const unsigned char *p, size_t k)
{
	switch (k) {
	case 1:
		return p[0];
	case 2:
		return (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	case 3:
		return (uint32_t)(p[0] & 0x0f) << 12 |
		    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	default:
		return (uint32_t)(p[0] & 0x07) << 18 |
		    (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
	}
}

/* Copies UTF-8 with U+FFFD for each invalid sequence.
 * Returns a malloc'd buffer of *out_len bytes. */
static char *
utf8_repair(const unsigned char *p, size_t n, size_t n_invalid, size_t *out_len)
{
	char *o = xmalloc(n + 2 * n_invalid + 1);
	size_t i = 0, len = 0;

	while (i < n) {
		size_t k = utf8_seq(p + i, n - i);

		if (k == 0) {
			len += str_utf8_put(o + len, 0xfffd);
			i = skip_invalid(p, n, i);
		} else {
			memcpy(o + len, p + i, k);
			len += k;
			i += k;
		}
	}
	*out_len = len;
	return o;
}

uint32_t
parse_cp1252_char(uint32_t c)
{
	return c >= 0x80 && c <= 0x9f ? cp1252_c1[c - 0x80] : c;
}

const char *
parse_utf8_undouble(struct arena *a, const char *s, size_t len,
    size_t *out_len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *bytes;
	size_t i = 0, n = 0, k;
	bool has_high = false;

	*out_len = len;
	if (ascii_run(p, len) == len)
		return s;
	bytes = arena_alloc(a, len + 1);
	while (i < len) {
		uint32_t c;

		if ((k = utf8_seq(p + i, len - i)) == 0)
			return s;
		c = utf8_get(p + i, k);
		i += k;
		if (c >= 0x100) {
			/* a windows-1252 character stands for its byte */
			uint32_t b = 0;

			for (unsigned j = 0; j < 32; j++)
				if (cp1252_c1[j] == c)
					b = 0x80 + j;
			if (!b)
				return s;
			c = b;
		}
		if (c >= 0x80)
			has_high = true;
		bytes[n++] = (unsigned char)c;
	}
	if (!has_high || !parse_utf8_is_valid((const char *)bytes, n))
		return s;
	bytes[n] = '\0';
	*out_len = n;
	return (const char *)bytes;
}

/* ---- labels ------------------------------------------------------------ */

/* Lower-cases, maps '_' to '-', strips quotes and blanks. Returns false for
 * something that cannot be an encoding label. */
static bool
label_normalize(char out[static LABEL_MAX + 1], struct str s)
{
	size_t n = 0;

	s = str_trim(s);
	while (s.len && (s.p[0] == '"' || s.p[0] == '\'')) {
		s.p++;
		s.len--;
	}
	while (s.len && (s.p[s.len - 1] == '"' || s.p[s.len - 1] == '\''))
		s.len--;
	s = str_trim(s);
	if (s.len == 0 || s.len > LABEL_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		int c = str_tolower((unsigned char)s.p[i]);

		if (c == '_')
			c = '-';
		/* iconv reads "//" as options and '/' never occurs in a
		 * charset name; keep to the characters IANA names use */
		if (!str_isalnum(c) && c != '-' && c != '.' && c != ':' &&
		    c != '(' && c != ')' && c != '+')
			return false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return true;
}

static bool
all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!str_isdigit((unsigned char)*s))
			return false;
	return true;
}

/* True for encodings where a byte is not a character (CJK multi-byte,
 * stateful ISO-2022): a bad sequence there gets U+FFFD rather than sending
 * the whole document to windows-1252. */
static bool
is_multibyte(const char *name)
{
	static const char *const pre[] = {
		"gb", "big5", "euc", "shift", "sjis", "cp932", "cp936", "cp949",
		"cp950", "iso-2022", "ms932", "windows-31j", "uhc", "johab",
		"hz", "utf-7", "cp1361", "ks-c", "ksc",
	};

	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (strncmp(name, pre[i], strlen(pre[i])) == 0)
			return true;
	return false;
}

static bool
iconv_knows(const char *name)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

/*
 * Resolves a label. *e->name points into a (or is static). Returns false
 * for a label no decoder here knows.
 */
static bool
enc_lookup(struct enc *e, struct arena *a, struct str label)
{
	char norm[LABEL_MAX + 1], buf[LABEL_MAX + 16];
	const char *digits = NULL;

	memset(e, 0, sizeof(*e));
	if (!label_normalize(norm, label))
		return false;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(norm, aliases[i].label) != 0)
			continue;
		e->kind = aliases[i].kind;
		e->name = aliases[i].name ? aliases[i].name :
		    arena_strdup(a, norm);
		e->iconv_name = aliases[i].iconv_name;
		if (e->kind == ENC_TABLE)
			e->table = strstr(norm, "greek") ? mac_greek : mac_turkish;
		return true;
	}

	/* windows-125x under its many spellings; 1252 is built in */
	if (strncmp(norm, "windows-", 8) == 0)
		digits = norm + 8;
	else if (strncmp(norm, "x-cp", 4) == 0)
		digits = norm + 4;
	else if (strncmp(norm, "cp", 2) == 0)
		digits = norm + 2;
	else if (strncmp(norm, "win", 3) == 0)
		digits = norm + 3 + (norm[3] == '-');
	else if (all_digits(norm))
		digits = norm;
	if (digits && strlen(digits) == 4 && strncmp(digits, "125", 3) == 0 &&
	    digits[3] >= '0' && digits[3] <= '8') {
		e->name = arena_printf(a, "windows-%s", digits);
		if (digits[3] == '2') {
			e->kind = ENC_CP1252;
		} else {
			e->kind = ENC_ICONV;
			e->iconv_name = arena_printf(a, "CP%s", digits);
		}
		return true;
	}

	/* iso-8859-N in any spelling, with or without a year suffix */
	if (strncmp(norm, "iso", 3) == 0) {
		const char *p = norm + 3;
		unsigned part = 0;
		int nd = 0;

		if (*p == '-')
			p++;
		if (strncmp(p, "8859", 4) == 0) {
			p += 4;
			if (*p == '-')
				p++;
			while (str_isdigit((unsigned char)*p) && nd < 2)
				part = part * 10 + (unsigned)(*p++ - '0'), nd++;
			if (nd && part >= 1 && part <= 16 &&
			    (*p == '\0' || *p == '-' || *p == ':')) {
				e->name = arena_printf(a, "iso-8859-%u", part);
				if (part == 1) {
					e->kind = ENC_LATIN1;
				} else {
					e->kind = ENC_ICONV;
					e->iconv_name = arena_printf(a,
					    "ISO-8859-%u", part);
				}
				return iconv_knows(e->iconv_name ?
				    e->iconv_name : "ISO-8859-1");
			}
		}
	}

	/* anything else: iconv as written, then bare numbers as code pages */
	e->kind = ENC_ICONV;
	e->name = arena_strdup(a, norm);
	if (iconv_knows(norm)) {
		e->iconv_name = e->name;
		return true;
	}
	if (all_digits(norm)) {
		snprintf(buf, sizeof(buf), "CP%s", norm);
		if (iconv_knows(buf)) {
			e->iconv_name = arena_strdup(a, buf);
			return true;
		}
	}
	return false;
}

/* Unit width of an encoding: 1 for byte-based, 2 UTF-16, 4 UTF-32. */
static int
enc_width(enum enc_kind k)
{
	switch (k) {
	case ENC_UTF16:
	case ENC_UTF16LE:
	case ENC_UTF16BE:
		return 2;
	case ENC_UTF32:
	case ENC_UTF32LE:
	case ENC_UTF32BE:
		return 4;
	default:
		return 1;
	}
}

static int
layout_width(enum layout l)
{
	return l == LAY_8BIT ? 1 : l <= LAY_UTF16BE ? 2 : 4;
}

/* The encoding a layout implies. */
static void
enc_from_layout(struct enc *e, enum layout l)
{
	static const struct {
		enum enc_kind kind;
		const char *name;
	} map[] = {
		[LAY_8BIT] = { ENC_UTF8, "utf-8" },
		[LAY_UTF16LE] = { ENC_UTF16LE, "utf-16le" },
		[LAY_UTF16BE] = { ENC_UTF16BE, "utf-16be" },
		[LAY_UTF32LE] = { ENC_UTF32LE, "utf-32le" },
		[LAY_UTF32BE] = { ENC_UTF32BE, "utf-32be" },
	};

	memset(e, 0, sizeof(*e));
	e->kind = map[l].kind;
	e->name = map[l].name;
}

/* ---- sniffing ---------------------------------------------------------- */

static size_t
bom_detect(struct enc *e, const unsigned char *p, size_t n)
{
	enum layout l;
	size_t skip;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		l = LAY_8BIT;
		skip = 3;
	} else if (n >= 4 && p[0] == 0xff && p[1] == 0xfe && p[2] == 0 &&
	    p[3] == 0) {
		l = LAY_UTF32LE;
		skip = 4;
	} else if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xfe &&
	    p[3] == 0xff) {
		l = LAY_UTF32BE;
		skip = 4;
	} else if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		l = LAY_UTF16LE;
		skip = 2;
	} else if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		l = LAY_UTF16BE;
		skip = 2;
	} else {
		return 0;
	}
	enc_from_layout(e, l);
	return skip;
}

/* UTF-16/32 without a BOM, recognised from an ASCII first character ('<'
 * or a blank) written in 2 or 4 bytes (RFC 7303, XML 1.0 appendix F). */
static enum layout
layout_sniff(const unsigned char *p, size_t n)
{
	if (n < 4)
		return LAY_8BIT;
	if (!p[0] && !p[1] && !p[2] && p[3] && p[3] < 0x80)
		return LAY_UTF32BE;
	if (p[0] && p[0] < 0x80 && !p[1] && !p[2] && !p[3])
		return LAY_UTF32LE;
	if (!p[0] && p[1] && p[1] < 0x80 && !p[2] && p[3] && p[3] < 0x80)
		return LAY_UTF16BE;
	if (p[0] && p[0] < 0x80 && !p[1] && p[2] && p[2] < 0x80 && !p[3])
		return LAY_UTF16LE;
	return LAY_8BIT;
}

/* Reads the start of the document as ASCII in layout l, up to the first
 * '>' or non-ASCII character, into a (the whole XML declaration, however
 * many blanks pad it: a KOI8-R feed whose encoding="" came after byte 512
 * was decoded as windows-1252). */
static struct str
prolog_ascii(struct arena *a, const unsigned char *p, size_t n, enum layout l)
{
	size_t w = (size_t)layout_width(l), len = 0, cap = 0;
	char *out = NULL;

	for (size_t i = 0; i + w <= n; i += w) {
		uint32_t c;

		switch (l) {
		case LAY_UTF16LE:
			c = p[i] | (uint32_t)p[i + 1] << 8;
			break;
		case LAY_UTF16BE:
			c = (uint32_t)p[i] << 8 | p[i + 1];
			break;
		case LAY_UTF32LE:
			c = p[i] | (uint32_t)p[i + 1] << 8 |
			    (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
			break;
		case LAY_UTF32BE:
			c = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
			    (uint32_t)p[i + 2] << 8 | p[i + 3];
			break;
		default:
			c = p[i];
			break;
		}
		if (c == 0 || c >= 0x80)
			break;
		if (l == LAY_8BIT) {
			/* the bytes are the text: no copy */
			len++;
			if (c == '>')
				break;
			continue;
		}
		if (len == cap) {
			size_t ncap = cap ? 2 * cap : PROLOG_MAX;
			char *grown = arena_alloc(a, ncap);

			if (len)
				memcpy(grown, out, len);
			out = grown;
			cap = ncap;
		}
		out[len++] = (char)c;
		if (c == '>')
			break;
	}
	if (l == LAY_8BIT)
		return str_make((const char *)p, len);
	return str_make(out ? out : "", len);
}

static char *iconv_decode(const char *from, const char *p, size_t n,
    size_t unit, bool replace, size_t *out_len, bool *had_bad);

/* "<?xm" in EBCDIC (XML 1.0 appendix F): the declaration, read as code
 * page 037 (its characters are the same in every EBCDIC code page), names
 * the one the document is in. */
static bool
is_ebcdic(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 0x4c && p[1] == 0x6f && p[2] == 0xa7 &&
	    p[3] == 0x94;
}

static struct str
ebcdic_prolog(struct arena *a, const unsigned char *p, size_t n)
{
	size_t len = 0, k;
	bool bad;
	char *u = iconv_decode("CP037", (const char *)p,
	    n < 4 * PROLOG_MAX ? n : 4 * PROLOG_MAX, 1, true, &len, &bad);
	char *out;

	if (!u)
		return str_make("", 0);
	for (k = 0; k < len && u[k] != '>'; k++)
		;
	k = k < len ? k + 1 : len;
	out = arena_strndup(a, u, k);
	free(u);
	return str_make(out, k);
}

/*
 * Finds the value of encoding="..." in an XML declaration at the start of
 * s (after blanks): *out_val is the value, p NULL when there is none.
 * Returns false when s has no XML declaration. Lenient like feedparser's
 * regular expression: "encoding" is found wherever it is in the
 * declaration, even after a malformed version (libxml2 in recovery mode
 * still reads it there).
 */
static bool
xml_decl_encoding(struct str s, struct str *out_val)
{
	struct str cur = s, decl;

	out_val->p = NULL;
	out_val->len = 0;
	str_skip_ws(&cur);
	if (!str_starts_with(cur, "<?xml") || cur.len < 6 ||
	    !str_isspace((unsigned char)cur.p[5]))
		return false;
	decl = str_make(cur.p + 5, cur.len - 5);
	for (size_t i = 0; i < decl.len; i++)
		if (decl.p[i] == '>') {
			decl.len = i;
			break;
		}
	for (size_t i = 0; i + 8 <= decl.len; i++) {
		struct str c = str_make(decl.p + i + 8, decl.len - i - 8), val;
		char q;

		if (memcmp(decl.p + i, "encoding", 8) != 0)
			continue;
		str_skip_ws(&c);
		if (!str_skip_char(&c, '='))
			continue;
		str_skip_ws(&c);
		if (!c.len || (c.p[0] != '"' && c.p[0] != '\''))
			continue;
		q = c.p[0];
		c.p++;
		c.len--;
		if (!str_take_until(&c, q, &val))
			continue;
		*out_val = val;
		break;
	}
	return true;
}

const char *
parse_content_type_charset(struct arena *a, const char *ct)
{
	struct str cur = str_of(ct), param;

	if (!ct)
		return NULL;
	/* skip the media type */
	if (!str_take_until(&cur, ';', &param))
		return NULL;
	while (cur.len) {
		struct str name, val;

		if (!str_take_until(&cur, ';', &param)) {
			param = cur;
			cur.len = 0;
		}
		if (!str_take_until(&param, '=', &name))
			continue;
		if (!str_ieq(str_trim(name), "charset"))
			continue;
		val = str_trim(param);
		if (val.len >= 2 && (val.p[0] == '"' || val.p[0] == '\'') &&
		    val.p[val.len - 1] == val.p[0]) {
			val.p++;
			val.len -= 2;
		}
		val = str_trim(val);
		return val.len ? arena_strndup(a, val.p, val.len) : NULL;
	}
	return NULL;
}

/* ---- decoders ---------------------------------------------------------- */

/* Single-byte decoding. table gives 0x80..0xFF (NULL = Latin-1); a 0 entry
 * is an undefined byte: with strict, decoding fails, else it becomes U+FFFD.
 * Returns a malloc'd buffer, or NULL when strict and a byte is undefined. */
static char *
sb_decode(const unsigned char *p, size_t n, const uint16_t *table,
    bool strict, size_t *out_len, bool *had_bad)
{
	size_t size = 0, len = 0;
	char tmp[4];
	char *o;

	*had_bad = false;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = p[i] < 0x80 || !table ? p[i] : table[p[i] - 0x80];

		if (!c && p[i]) {
			if (strict)
				return NULL;
			*had_bad = true;
			c = 0xfffd;
		}
		size += str_utf8_put(tmp, c);
	}
	o = xmalloc(size + 1);
	for (size_t i = 0; i < n; i++) {
		uint32_t c;

		if (p[i] < 0x80) {
			o[len++] = (char)p[i];
			continue;
		}
		c = !table ? p[i] : table[p[i] - 0x80];
		len += str_utf8_put(o + len, c ? c : 0xfffd);
	}
	*out_len = len;
	return o;
}

/* windows-1252 0x80..0xFF; the five undefined bytes kept as C1 controls */
static const uint16_t cp1252_lenient[128] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
	0x00a0, 0x00a1, 0x00a2, 0x00a3, 0x00a4, 0x00a5, 0x00a6, 0x00a7,
	0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af,
	0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7,
	0x00b8, 0x00b9, 0x00ba, 0x00bb, 0x00bc, 0x00bd, 0x00be, 0x00bf,
	0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
	0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf,
	0x00d0, 0x00d1, 0x00d2, 0x00d3, 0x00d4, 0x00d5, 0x00d6, 0x00d7,
	0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df,
	0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7,
	0x00e8, 0x00e9, 0x00ea, 0x00eb, 0x00ec, 0x00ed, 0x00ee, 0x00ef,
	0x00f0, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7,
	0x00f8, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x00fd, 0x00fe, 0x00ff,
};


/* The same with windows-1252's five undefined bytes (0x81 0x8D 0x8F 0x90
 * 0x9D) marked 0, so sb_decode reports them; built once from the above. */
static uint16_t cp1252_strict[128];
static pthread_once_t cp1252_once = PTHREAD_ONCE_INIT;

static void
cp1252_strict_init(void)
{
	memcpy(cp1252_strict, cp1252_lenient, sizeof(cp1252_strict));
	for (size_t i = 0; i < 0x20; i++)  /* C1 range only */
		if (cp1252_strict[i] == 0x80 + i)
			cp1252_strict[i] = 0;
}

static const uint16_t *
cp1252_table(bool strict)
{
	if (!strict)
		return cp1252_lenient;
	pthread_once(&cp1252_once, cp1252_strict_init);
	return cp1252_strict;
}

/*
 * Converts with iconv. unit is the number of bytes skipped after a bad
 * sequence when replace is set (then U+FFFD is written for it); without
 * replace the first bad sequence fails the conversion (NULL). *had_bad says
 * whether any was met. Returns a malloc'd buffer.
 */
static char *
iconv_decode(const char *from, const char *p, size_t n, size_t unit,
    bool replace, size_t *out_len, bool *had_bad)
{
	iconv_t cd = iconv_open("UTF-8", from);
	size_t cap = n + n / 2 + 64, len = 0, left = n;
	char *in = (char *)p, *o;

	*had_bad = false;
	if (cd == (iconv_t)-1)
		return NULL;
	o = xmalloc(cap);
	for (;;) {
		char *op;
		size_t room, r;

		/* keep 4 bytes back for a U+FFFD and the NUL; each bad byte
		 * can turn into 3 output bytes, more than cap allowed for */
		if (cap - len < 64) {
			cap *= 2;
			o = xrealloc(o, cap);
		}
		op = o + len;
		room = cap - len - 4;

		r = iconv(cd, left ? &in : NULL, &left, &op, &room);
		len = (size_t)(op - o);
		if (r != (size_t)-1 && left == 0)
			break;
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG) {
			cap = cap * 2;
			o = xrealloc(o, cap);
			continue;
		}
		*had_bad = true;
		if (!replace || (errno != EILSEQ && errno != EINVAL)) {
			free(o);
			iconv_close(cd);
			return NULL;
		}
		len += str_utf8_put(o + len, 0xfffd);
		unit = unit < left ? unit : left;
		in += unit;
		left -= unit;
		iconv(cd, NULL, NULL, NULL, NULL);
		if (left == 0)
			break;
	}
	iconv_close(cd);
	/* glibc's UTF-8 encoder writes whatever its decoders give, and some
	 * (UCS-4 under a label like "++ucs-4++") give values past U+10FFFF:
	 * 5- and 6-byte forms. Those become U+FFFD (found by
	 * fuzz_encoding, tests/fuzz/encoding/crashes). */
	if (!parse_utf8_is_valid(o, len)) {
		struct utf8_stats st;
		char *r;

		utf8_scan(&st, (const unsigned char *)o, len);
		r = utf8_repair((const unsigned char *)o, len, st.n_invalid,
		    &len);
		free(o);
		o = r;
		*had_bad = true;
	}
	*out_len = len;
	return o;
}

/*
 * UTF-16/32 by hand: glibc iconv, after a lone surrogate, reports the
 * character after it as the bad one, so its recovery loses a character.
 * Unpaired surrogates, values above U+10FFFF and a truncated last unit
 * become U+FFFD (*had_bad set). Returns a malloc'd buffer.
 */
static char *
wide_decode(const unsigned char *p, size_t n, int width, bool big,
    size_t *out_len, bool *had_bad)
{
	size_t w = (size_t)width, len = 0, i = 0;
	char *o = xmalloc(n / w * (w == 2 ? 3 : 4) + 3 + 1);

	*had_bad = false;
	while (i + w <= n) {
		uint32_t c;

		if (w == 2)
			c = big ? (uint32_t)p[i] << 8 | p[i + 1] :
			    p[i] | (uint32_t)p[i + 1] << 8;
		else
			c = big ? (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
			    (uint32_t)p[i + 2] << 8 | p[i + 3] :
			    p[i] | (uint32_t)p[i + 1] << 8 |
			    (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		i += w;
		if (w == 2 && c >= 0xd800 && c <= 0xdbff && i + 2 <= n) {
			uint32_t lo = big ? (uint32_t)p[i] << 8 | p[i + 1] :
			    p[i] | (uint32_t)p[i + 1] << 8;

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			}
		}
		if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
			c = 0xfffd;
			*had_bad = true;
		}
		len += str_utf8_put(o + len, c);
	}
	if (i < n) {
		len += str_utf8_put(o + len, 0xfffd);
		*had_bad = true;
	}
	*out_len = len;
	return o;
}

/* ---- output ------------------------------------------------------------ */

/*
 * Copies UTF-8 src into the arena as the final document: C1 controls become
 * windows-1252 characters and the XML declaration's encoding, if it names
 * anything but UTF-8, becomes "utf-8".
 */
static void
doc_finish(struct parse_doc *d, struct arena *a, const char *src, size_t n)
{
	const unsigned char *p = (const unsigned char *)src;
	struct str val;
	size_t val_off = 0, val_len = 0, c1 = 0, len = 0, i = 0;
	bool rewrite = false;
	char *o;

	if (n == 0) {
		d->utf8 = arena_strdup(a, "");
		d->len = 0;
		return;
	}
	/* the whole declaration, whatever its length (xml_decl_encoding
	 * stops at its '>') */
	if (xml_decl_encoding(str_make(src, n), &val) &&
	    val.p && !str_ieq(val, "utf-8") && !str_ieq(val, "utf8")) {
		rewrite = true;
		val_off = (size_t)(val.p - src);
		val_len = val.len;
	}
	for (const unsigned char *q = p; (q = memchr(q, 0xc2, n - (size_t)(q - p)));
	    q++)
		if ((size_t)(q - p) + 1 < n && q[1] >= 0x80 && q[1] < 0xa0)
			c1++;
	if (!rewrite && !c1) {
		d->utf8 = arena_alloc(a, n + 1);
		memcpy(d->utf8, src, n);
		d->utf8[n] = '\0';
		d->len = n;
		return;
	}
	o = arena_alloc(a, n + c1 + 8);
	while (i < n) {
		const unsigned char *q;
		size_t k;

		if (rewrite && i == val_off) {
			/* once: an empty value leaves i where it is */
			memcpy(o + len, "utf-8", 5);
			len += 5;
			i += val_len;
			rewrite = false;
			continue;
		}
		/* copy up to the next C1 or the declaration's value */
		k = n - i;
		if (rewrite && i < val_off)
			k = val_off - i;
		q = c1 ? memchr(p + i, 0xc2, k) : NULL;
		while (q && !((size_t)(q - p) + 1 < n && q[1] >= 0x80 &&
		    q[1] < 0xa0))
			q = memchr(q + 1, 0xc2, k - (size_t)(q + 1 - (p + i)));
		if (!q) {
			memcpy(o + len, p + i, k);
			len += k;
			i += k;
			continue;
		}
		memcpy(o + len, p + i, (size_t)(q - (p + i)));
		len += (size_t)(q - (p + i));
		len += str_utf8_put(o + len, parse_cp1252_char(q[1]));
		i = (size_t)(q - p) + 2;
	}
	o[len] = '\0';
	d->utf8 = o;
	d->len = len;
}

static void
doc_bozo(struct parse_doc *d, const char *why)
{
	if (!d->bozo) {
		d->bozo = true;
		d->bozo_reason = why;
	}
}

/* Decodes as UTF-8: valid as is; else windows-1252 when it holds more
 * invalid bytes than valid multi-byte sequences (Latin-1 text makes a valid
 * sequence only by accident: "\xe9\xa0\xbb" is e-acute, nbsp, guillemet);
 * else with U+FFFD for the bad bytes. */
static void
decode_utf8(struct parse_doc *d, struct arena *a, const unsigned char *p,
    size_t n)
{
	struct utf8_stats st;
	size_t len;
	char *o;
	bool bad;

	utf8_scan(&st, p, n);
	if (!st.n_invalid) {
		doc_finish(d, a, (const char *)p, n);
		return;
	}
	if (st.n_invalid > st.n_multi) {
		doc_bozo(d, arena_printf(a, "document is not valid %s; decoded "
		    "as windows-1252", d->encoding));
		d->encoding = "windows-1252";
		o = sb_decode(p, n, cp1252_table(false), false, &len, &bad);
	} else {
		doc_bozo(d, arena_printf(a, "invalid %s byte sequences "
		    "replaced", d->encoding));
		o = utf8_repair(p, n, st.n_invalid, &len);
	}
	doc_finish(d, a, o, len);
	free(o);
}

/* Decodes with e; false when the bytes are not valid in it (nothing done). */
static bool
decode_with(struct parse_doc *d, struct arena *a, const struct enc *e,
    const unsigned char *p, size_t n, bool replace)
{
	char *o = NULL;
	size_t len = 0;
	bool bad = false;

	switch (e->kind) {
	case ENC_UTF8:
		decode_utf8(d, a, p, n);
		return true;
	case ENC_ASCII:
		if (ascii_run(p, n) != n)
			return false;
		doc_finish(d, a, (const char *)p, n);
		return true;
	case ENC_LATIN1:
		/* Latin-1 C1 controls are windows-1252 in practice, which
		 * doc_finish would do anyway; decode them so directly */
		o = sb_decode(p, n, cp1252_table(false), false, &len, &bad);
		break;
	case ENC_CP1252:
		o = sb_decode(p, n, cp1252_table(!replace), false, &len, &bad);
		if (!o)
			return false;
		break;
	case ENC_TABLE:
		o = sb_decode(p, n, e->table, !replace, &len, &bad);
		if (!o)
			return false;
		break;
	case ENC_UTF16LE:
	case ENC_UTF16BE:
	case ENC_UTF32LE:
	case ENC_UTF32BE:
		o = wide_decode(p, n, enc_width(e->kind),
		    e->kind == ENC_UTF16BE || e->kind == ENC_UTF32BE, &len, &bad);
		break;
	case ENC_ICONV:
		replace = replace || is_multibyte(e->name);
		o = iconv_decode(e->iconv_name, (const char *)p, n, 1, replace,
		    &len, &bad);
		break;
	default:
		return false;
	}
	if (!o)
		return false;
	if (bad)
		doc_bozo(d, arena_printf(a, "invalid %s byte sequences "
		    "replaced", e->name));
	doc_finish(d, a, o, len);
	free(o);
	return true;
}

/* Makes a generic utf-16/utf-32 label specific, or reports that the label
 * cannot describe bytes laid out as l. */
static bool
enc_fit_layout(struct enc *e, enum layout l)
{
	int w = enc_width(e->kind);

	if (w != layout_width(l))
		return false;
	if (w == 1)
		return true;
	/* a UTF-16/32 document is read in the byte order it is written in,
	 * whatever its label says */
	enc_from_layout(e, l);
	return true;
}

int
parse_doc_decode(struct parse_doc *out, struct arena *a, const char *data,
    size_t len, const char *content_type)
{
	const unsigned char *p = (const unsigned char *)data;
	struct str prolog;
	struct enc e;
	enum layout l;
	size_t skip;
	bool chosen = false;

	memset(out, 0, sizeof(*out));
	if (!data)
		len = 0;
	if ((skip = bom_detect(&e, p, len)) > 0) {
		chosen = true;
		p += skip;
		len -= skip;
	} else {
		const char *cs = parse_content_type_charset(a, content_type);
		struct str decl;

		l = layout_sniff(p, len);
		if (cs) {
			if (!enc_lookup(&e, a, str_of(cs)))
				doc_bozo(out, arena_printf(a, "unknown encoding "
				    "'%s' in content-type", cs));
			else if (!enc_fit_layout(&e, l))
				doc_bozo(out, arena_printf(a, "content-type "
				    "charset '%s' does not fit the document",
				    cs));
			else
				chosen = true;
		}
		prolog = is_ebcdic(p, len) ? ebcdic_prolog(a, p, len) :
		    prolog_ascii(a, p, len, l);
		if (!chosen && xml_decl_encoding(prolog, &decl) &&
		    decl.p) {
			if (!enc_lookup(&e, a, decl))
				doc_bozo(out, arena_printf(a, "unknown encoding "
				    "'%.*s' in xml declaration",
				    (int)(decl.len < 64 ? decl.len : 64),
				    decl.p));
			else if (!enc_fit_layout(&e, l))
				doc_bozo(out, arena_printf(a, "declared "
				    "encoding '%s' does not fit the document",
				    e.name));
			else
				chosen = true;
		}
		if (!chosen && is_ebcdic(p, len)) {
			/* as feedparser: EBCDIC must say which */
			doc_bozo(out, "EBCDIC document without an encoding "
			    "declaration: read as cp037");
			chosen = enc_lookup(&e, a, str_of("cp037"));
		}
		if (!chosen)
			enc_from_layout(&e, l);
	}
	out->encoding = e.name;
	if (decode_with(out, a, &e, p, len, false))
		return 0;

	/* the chosen encoding cannot decode the bytes: UTF-8, windows-1252 */
	doc_bozo(out, arena_printf(a, "document is not valid %s", e.name));
	if (parse_utf8_is_valid((const char *)p, len)) {
		out->encoding = "utf-8";
		doc_finish(out, a, (const char *)p, len);
	} else {
		size_t n;
		bool bad;
		char *o = sb_decode(p, len, cp1252_table(false), false, &n,
		    &bad);

		out->encoding = "windows-1252";
		doc_finish(out, a, o, n);
		free(o);
	}
	return 0;
}

/* ---- parse_decode ------------------------------------------------------ */

int
parse_decode(char **out, size_t *out_len, struct arena *a, const char *data,
    size_t len, const char *encoding)
{
	const unsigned char *p = (const unsigned char *)data;
	struct enc e;
	size_t n = 0, skip = 0;
	char *o = NULL;
	bool bad = false;

	*out = arena_strdup(a, "");
	*out_len = 0;
	if (!data)
		len = 0;
	if (!encoding || !enc_lookup(&e, a, str_of(encoding)))
		return err_set(ND_EINVAL, "decode: unknown encoding '%s'",
		    encoding ? encoding : "(null)");
	/* a generic utf-16/32 label takes its byte order from a BOM, else
	 * big-endian (RFC 2781) */
	if (e.kind == ENC_UTF16 || e.kind == ENC_UTF32) {
		struct enc b;

		skip = bom_detect(&b, p, len);
		if (skip && enc_width(b.kind) == enc_width(e.kind)) {
			e = b;
		} else {
			skip = 0;
			enc_from_layout(&e, e.kind == ENC_UTF16 ? LAY_UTF16BE :
			    LAY_UTF32BE);
		}
		p += skip;
		len -= skip;
	}
	switch (e.kind) {
	case ENC_UTF8: {
		struct utf8_stats st;

		utf8_scan(&st, p, len);
		bad = st.n_invalid > 0;
		o = utf8_repair(p, len, st.n_invalid, &n);
		break;
	}
	case ENC_ASCII:
		/* every non-ASCII byte is an error */
		o = xmalloc(3 * len + 1);
		for (size_t i = 0; i < len; i++) {
			if (p[i] < 0x80) {
				o[n++] = (char)p[i];
			} else {
				n += str_utf8_put(o + n, 0xfffd);
				bad = true;
			}
		}
		break;
	case ENC_LATIN1:
		o = sb_decode(p, len, NULL, false, &n, &bad);
		break;
	default:
		if (e.kind == ENC_CP1252 || e.kind == ENC_TABLE) {
			o = sb_decode(p, len, e.kind == ENC_CP1252 ?
			    cp1252_table(true) : e.table, false, &n, &bad);
		} else if (e.kind == ENC_ICONV) {
			o = iconv_decode(e.iconv_name, (const char *)p, len, 1,
			    true, &n, &bad);
		} else {
			o = wide_decode(p, len, enc_width(e.kind),
			    e.kind == ENC_UTF16BE || e.kind == ENC_UTF32BE, &n,
			    &bad);
		}
		break;
	}
	if (o) {
		*out = arena_strndup(a, o, n);
		*out_len = n;
		free(o);
	}
	if (!o || bad)
		return err_set(ND_EPARSE, "decode: invalid %s input", e.name);
	return 0;
}
