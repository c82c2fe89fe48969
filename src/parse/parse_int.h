/*
 * parse_int: internals shared by the files of the parse module. Nothing
 * outside src/parse/ includes this. Each area keeps its declarations in its
 * own marked block.
 */
#ifndef ND_PARSE_PARSE_INT_H
#define ND_PARSE_PARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* ---- encodings (encoding.c) -------------------------------------------- */

/*
 * A whole document converted to UTF-8.
 *
 * The encoding is chosen as CONTRACT.md section 3 says (RFC 7303 order): a
 * byte-order mark wins; else the charset parameter of the Content-Type;
 * else the encoding of the XML declaration; else UTF-16/32 sniffed from the
 * first bytes ("<?" or "<" in UTF-16/32); else UTF-8. gb2312 is decoded as,
 * and reported as, gb18030. A label that cannot apply to the bytes (a
 * single-byte charset on a document laid out in UTF-16, "utf-16" on one
 * laid out in bytes) is ignored and sets bozo.
 *
 * If the chosen encoding cannot decode the bytes, or its label is unknown,
 * bozo is set and the document is decoded as UTF-8 if it is valid UTF-8,
 * else as windows-1252; documents in UTF-16/32 or a multi-byte CJK encoding
 * keep their encoding and get U+FFFD for the bad sequences instead (one bad
 * byte should not turn a whole Chinese feed into mojibake). A document
 * chosen as UTF-8 that holds invalid sequences gets U+FFFD for them, or,
 * when it holds more invalid bytes than valid multi-byte sequences (Latin-1
 * labelled or defaulted as UTF-8), is decoded as windows-1252; both set
 * bozo.
 *
 * Two rewrites make the output ready for libxml2 and for readers:
 *  - The BOM is dropped, and the XML declaration's encoding value, if it
 *    says anything but utf-8, is rewritten to "utf-8". So the caller may
 *    parse utf8 with xmlReadMemory(..., "UTF-8", opts) and no declared or
 *    bogus label can make libxml2 re-decode or reject it. (Checked with
 *    libxml2 2.9.14: passing "UTF-8" alone overrides a declared iso-8859-1
 *    or utf-16, but fails with "Unsupported encoding" on a bogus label;
 *    XML_PARSE_IGNORE_ENC also works. The rewrite makes either unnecessary;
 *    passing "UTF-8" and XML_PARSE_IGNORE_ENC as well costs nothing.)
 *  - C1 controls U+0080..U+009F, which in feeds are always windows-1252
 *    bytes mislabelled as Latin-1 or UTF-8 ("don\xc2\x92t"), become the
 *    windows-1252 characters (U+2019 there), as feedparser does. The five
 *    code points windows-1252 leaves undefined stay as they are.
 *
 * The output is valid UTF-8 (it may contain U+0000 when the input did).
 */
struct parse_doc {
	char *utf8;                /* NUL-terminated, in the arena */
	size_t len;                /* bytes, without the NUL */
	const char *encoding;      /* lower-case name actually used ("utf-8",
	                              "windows-1252", "utf-16le", ...) */
	bool bozo;                 /* the bytes or labels had to be repaired */
	const char *bozo_reason;   /* why, when bozo (static or in the arena) */
};

/*
 * Decodes a whole document to UTF-8. content_type is the HTTP Content-Type
 * (may be NULL). Everything *out points to lives in a. Returns 0 (ill-formed
 * input is reported through bozo, never as an error). Thread-safe.
 */
int parse_doc_decode(struct parse_doc *out, struct arena *a, const char *data,
    size_t len, const char *content_type);

/* The charset parameter of a Content-Type value, unquoted, in a; NULL when
 * there is none. */
const char *parse_content_type_charset(struct arena *a, const char *ct);

/* The character windows-1252 gives byte c (0x80..0x9F); other values and the
 * five undefined bytes are returned unchanged. For mapping "&#146;" style
 * character references the way feedparser does. */
uint32_t parse_cp1252_char(uint32_t c);

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF). Fast on ASCII. */
bool parse_utf8_is_valid(const char *s, size_t len);

/*
 * Undoes double encoding: text whose characters are all below U+0100 (or
 * windows-1252 characters) and which, read as bytes, is valid UTF-8 with at
 * least one multi-byte sequence ("\u00e2\u0080\u00a6" -> U+2026), the
 * result of UTF-8 read as Latin-1 and encoded again. Returns the repaired
 * text in a, or s itself when the rule does not apply. feedparser applies
 * this to text in documents decoded as UTF-8.
 */
const char *parse_utf8_undouble(struct arena *a, const char *s, size_t len,
    size_t *out_len);

/* ---- end encodings ----------------------------------------------------- */

/* ---- feed parser (feed.c, feed_xml.c, feed_text.c, ...) --------------- */

/* The feed parser's internals are declared in feed_int.h, not here: they
 * use libxml2's tree types, which the other areas need not include. */

/* ---- end feed parser --------------------------------------------------- */

#endif
