/*
 * tips: what a reader sends the desk, sealed so that only the editors can
 * read it (issue 11). Pure: memory in, memory out; no store, no network,
 * no files. The web handlers (web/site_tips.c) seal what a source sends,
 * the CLI (cli/cmd_tips.c) opens it with the editors' secret key.
 *
 * Three pieces:
 *  - the payload: one message of a thread (who wrote it, the text, a way
 *    to be reached, an attachment with its original bytes), encoded in a
 *    small tagged format, padded (sodium_pad) so a sealed size says little
 *    about the text, and sealed with crypto_box_seal to a public key.
 *  - the receipt: a random code phrase the source keeps. argon2id
 *    (crypto_pwhash) turns it into a master key, from which two subkeys
 *    come (crypto_kdf): a lookup tag (the only trace of the phrase in the
 *    store) and the seed of the thread's key pair. Editors' replies are
 *    sealed to that thread's public key; its secret key is never stored
 *    anywhere, it is derived again from the phrase when the source comes
 *    back. So the store alone (or whoever copies it) can read neither a
 *    tip nor a reply.
 *  - the metadata scan: what an attachment says about whoever made it
 *    (EXIF, GPS, XMP in photos; the Info dictionary of a PDF; the
 *    document properties of an Office file), so the editors know before
 *    they publish or forward it. The bytes themselves are kept as sent:
 *    they may be evidence.
 */
#ifndef ND_TIPS_TIPS_H
#define ND_TIPS_TIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

#define TIPS_KEY_BYTES 32            /* crypto_box public and secret keys */
#define TIPS_KEY_B64 45              /* base64 of a key, with NUL */
#define TIPS_LOOKUP_BYTES 32
#define TIPS_MAX_MESSAGE (64u << 10) /* bytes of text in one message */
#define TIPS_MAX_CONTACT 1024
#define TIPS_MAX_NAME 255            /* attachment file name */
#define TIPS_MAX_TYPE 255            /* attachment media type */
#define TIPS_MAX_FILE (6u << 20)     /* one attachment */
#define TIPS_PAD_BLOCK 4096          /* sealed sizes are multiples of it */

enum tips_from {
	TIPS_FROM_SOURCE = 1,        /* the reader who sent the tip */
	TIPS_FROM_DESK = 2,          /* an editor's reply */
};

/* One message. Strings are NUL-terminated UTF-8 (not checked: shown
 * escaped); file is NULL when there is no attachment. */
struct tips_payload {
	int from;                    /* enum tips_from */
	const char *message;
	const char *contact;         /* "" when none */
	const char *file_name;       /* NULL when no attachment */
	const char *file_type;
	const unsigned char *file;
	size_t file_len;
};

/* Parses a base64 (standard alphabet, padded) key of TIPS_KEY_BYTES.
 * ND_EINVAL otherwise. */
int tips_key_parse(unsigned char out[TIPS_KEY_BYTES], const char *b64);
/* The base64 text of a key into out. */
void tips_key_format(char out[TIPS_KEY_B64],
    const unsigned char key[TIPS_KEY_BYTES]);
/* A new key pair for the desk (crypto_box_keypair). 0 or ND_ERR. */
int tips_keypair(unsigned char pk[TIPS_KEY_BYTES],
    unsigned char sk[TIPS_KEY_BYTES]);

/* The payload's bytes before sealing (unpadded) into b (capped by its
 * owner). ND_ETOOBIG for a field over its cap, ND_EINVAL for a bad
 * from. */
int tips_payload_encode(struct buf *b, const struct tips_payload *p);
/* Reads what tips_payload_encode wrote; strings and file in a. ND_EPARSE
 * for anything else. For hostile input: anyone can seal to the desk's
 * public key. */
int tips_payload_decode(struct tips_payload *out, struct arena *a,
    const unsigned char *p, size_t len);

/*
 * Encodes p, pads it and seals it to pk. *out is malloc'ed (caller
 * frees); the plaintext is wiped before return. ND_ETOOBIG, ND_EINVAL
 * (as encode), ND_ERR.
 */
int tips_seal(unsigned char **out, size_t *out_len,
    const struct tips_payload *p, const unsigned char pk[TIPS_KEY_BYTES]);
/* Opens a sealed payload with the key pair; ND_EAUTH when it was not
 * sealed to pk (a wrong key) or was altered, ND_EPARSE when the
 * plaintext is not a payload. The payload lives in a. */
int tips_open(struct tips_payload *out, struct arena *a,
    const unsigned char *sealed, size_t len,
    const unsigned char pk[TIPS_KEY_BYTES],
    const unsigned char sk[TIPS_KEY_BYTES]);

/* ---- receipts ---- */

/*
 * A code phrase: 28 characters from a 32-letter alphabet without 0, 1,
 * l and o, in seven groups of four ("k7fq-..."), 140 random bits. Chosen
 * over words from a list: the entropy is exact, there is no list to vet
 * for ambiguous or offensive words, and reading it back forgives case,
 * spaces and dashes. A source is told to write it down.
 */
#define TIPS_CODE_CHARS 28
#define TIPS_CODE_BUF (TIPS_CODE_CHARS + TIPS_CODE_CHARS / 4)
void tips_code_new(char out[TIPS_CODE_BUF]);

/* What a code phrase gives (tips_code_derive). */
struct tips_receipt {
	unsigned char lookup[TIPS_LOOKUP_BYTES]; /* stored: finds the thread */
	unsigned char pk[TIPS_KEY_BYTES];        /* stored: replies seal to it */
	unsigned char sk[TIPS_KEY_BYTES];        /* never stored */
};

/*
 * Derives the receipt of code for the desk whose public key is desk_pk
 * (the salt: a phrase means nothing to another desk). Slow on purpose
 * (argon2id, libsodium's interactive limits: about 64 MiB and a tenth
 * of a second). ND_EINVAL when code is not a code phrase (after case
 * folding and dropping blanks and dashes), ND_ENOMEM when argon2 cannot
 * get its memory. Wipe the result (sodium_memzero) when done.
 */
int tips_code_derive(struct tips_receipt *out, const char *code,
    const unsigned char desk_pk[TIPS_KEY_BYTES]);

/* ---- what an attachment says about its maker ---- */

struct tips_meta {
	const char *kind;            /* "JPEG image", "PNG image", "PDF
	                                document", "Office document (zip)",
	                                or NULL: a format not checked */
	const char **notes;          /* one finding per line, plain text */
	size_t n_notes;
	bool has_exif, has_gps, has_xmp, has_author;
};

/* Scans an attachment's bytes (bounded work; never fails: at worst it
 * says nothing). Everything in a. */
void tips_meta_scan(struct tips_meta *out, struct arena *a,
    const unsigned char *p, size_t len);

#endif
