/*
 * text: word analysis for search and analysis: HTML to plain text, word
 * splitting, normalization (NFKC, case fold, Arabic letter variants and
 * diacritics) and stemming (Snowball English and Arabic).
 *
 * The one rule a reader needs: indexing and querying must run the same
 * analysis, so the store's FTS5 tokenizer and every consumer of "words"
 * (clustering, relevance) call text_tokenize() with the flags below instead
 * of splitting text themselves. The rules are listed in
 * docs/internals/store.md ("Tokenizer").
 */
#ifndef ND_CORE_TEXT_H
#define ND_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct text_analyzer;

enum {
	TEXT_STEM = 1 << 0,      /* stem: Arabic script -> Arabic, Latin -> English */
	/* Also emit stem(stem(w)) when it differs, as a colocated token.
	 * Snowball Arabic is not idempotent (الوزير -> وزير -> زير); giving both
	 * forms at index and query time makes the two meet. */
	TEXT_EXPAND = 1 << 1,
	/* Arabic only: also emit stem(w minus a leading ب ل ك و ف) when the
	 * rest has at least 3 letters, as a colocated token (ببغداد -> بغداد).
	 * Meant for indexing, not for queries. */
	TEXT_PREFIXES = 1 << 2,
	TEXT_INDEX = TEXT_STEM | TEXT_EXPAND | TEXT_PREFIXES,
	TEXT_QUERY = TEXT_STEM | TEXT_EXPAND,
};

/* Longest normalized token kept, in bytes; longer words are skipped. */
#define TEXT_TOKEN_MAX 128

/*
 * Called once per token. tok (len bytes, not NUL-terminated) is borrowed
 * until the callback returns. start/end are byte offsets of the word in the
 * input; is_colocated says the token is an alternative form of the previous
 * one (same position). A non-zero return stops text_tokenize, which returns
 * it.
 */
typedef int (*text_token_fn)(const char *tok, size_t len, size_t start,
    size_t end, bool is_colocated, void *payload);

/*
 * An analyzer holds the stemmers and scratch space. Not thread-safe: use
 * one per thread (or per SQLite connection). Returns 0 or ND_ERR when a
 * stemmer cannot be created. Caller frees with text_analyzer_free().
 */
int text_analyzer_new(struct text_analyzer **out);
void text_analyzer_free(struct text_analyzer *ta);

/*
 * Splits s (len bytes of UTF-8; invalid bytes separate words) into words
 * (runs of letters, marks and digits), normalizes each and, with flags,
 * stems it and adds variants. Stemming an Arabic word first drops its
 * definite article (ال, وال فال بال كال, لل) when 2 letters remain, so
 * السد and سد are one word. Returns 0 or the callback's non-zero value.
 */
int text_tokenize(struct text_analyzer *ta, const char *s, size_t len,
    int flags, text_token_fn fn, void *payload);

/*
 * Normalizes one string (no splitting, no stemming) and appends it to out:
 * NFKC and Unicode case folding; default-ignorable characters dropped;
 * Arabic harakat U+064B-U+0652, superscript alef U+0670, tatweel U+0640
 * and hamza marks U+0653-U+0655 removed; أ إ آ ٱ -> ا, ى ی -> ي, ة -> ه,
 * ؤ -> و, ئ -> ي, ک -> ك; Arabic-Indic digits -> ASCII digits.
 * Returns 0, ND_EINVAL for invalid UTF-8, or out's error.
 */
int text_normalize(struct buf *out, const char *s, size_t len);

/*
 * Appends the text of an HTML fragment to out: tags removed (the contents
 * of script, style and comments dropped), entities decoded, block-level
 * tags and runs of whitespace turned into one space, ends trimmed. Inline
 * tags separate nothing ("<a>x</a>." is "x."); list items are joined with
 * "; " and a heading ends with ". " unless their text ends in a mark.
 * Plain text passes through (with & entities decoded). Returns out's error.
 */
int text_strip_html(struct buf *out, const char *html, size_t len);

/* Truncates s to at most max bytes on a UTF-8 character boundary; returns
 * the new length. */
size_t text_utf8_trunc(const char *s, size_t len, size_t max);

#endif
