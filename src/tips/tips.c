/*
 * tips: payloads, sealing and receipts (tips.h). The payload format is
 * "NDT1" then records of a tag byte, a big-endian 32-bit length and the
 * bytes; each tag at most once, in any order. It is ours, but anyone who
 * knows the desk's public key can seal anything, so decode treats it as
 * hostile (fuzz_tips.c).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/xmalloc.h"
#include "tips/tips.h"
#include "core/banned.h"

#define MAGIC "NDT1"
#define MAGIC_LEN 4

enum {
	TAG_FROM = 1,
	TAG_MESSAGE,
	TAG_CONTACT,
	TAG_FILE_NAME,
	TAG_FILE_TYPE,
	TAG_FILE,
	TAG_N
};

/* the code alphabet: no 0 1 l o, which read alike */
static const char code_alpha[] = "abcdefghijkmnpqrstuvwxyz23456789";

static int
init(void)
{
	if (sodium_init() < 0)
		return err_set(ND_ERR, "tips: libsodium cannot start");
	return 0;
}

int
tips_key_parse(unsigned char out[TIPS_KEY_BYTES], const char *b64)
{
	size_t n = 0;

	if (init() < 0)
		return ND_ERR;
	if (!b64 || sodium_base642bin(out, TIPS_KEY_BYTES, b64, strlen(b64),
	    " \t\r\n", &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != TIPS_KEY_BYTES)
		return err_set(ND_EINVAL, "tips: not a base64 key of %d bytes",
		    TIPS_KEY_BYTES);
	return 0;
}

void
tips_key_format(char out[TIPS_KEY_B64], const unsigned char key[TIPS_KEY_BYTES])
{
	sodium_bin2base64(out, TIPS_KEY_B64, key, TIPS_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
}

int
tips_keypair(unsigned char pk[TIPS_KEY_BYTES], unsigned char sk[TIPS_KEY_BYTES])
{
	if (init() < 0 || crypto_box_keypair(pk, sk) != 0)
		return err_set(ND_ERR, "tips: cannot make a key pair");
	return 0;
}

static void
put_rec(struct buf *b, int tag, const void *p, size_t len)
{
	unsigned char h[5] = { (unsigned char)tag, (unsigned char)(len >> 24),
	    (unsigned char)(len >> 16), (unsigned char)(len >> 8),
	    (unsigned char)len };

	buf_add(b, h, sizeof(h));
	buf_add(b, p, len);
}

int
tips_payload_encode(struct buf *b, const struct tips_payload *p)
{
	unsigned char from = (unsigned char)p->from;
	size_t mlen = p->message ? strlen(p->message) : 0;
	size_t clen = p->contact ? strlen(p->contact) : 0;

	if (p->from != TIPS_FROM_SOURCE && p->from != TIPS_FROM_DESK)
		return err_set(ND_EINVAL, "tips: bad sender");
	if (mlen > TIPS_MAX_MESSAGE || clen > TIPS_MAX_CONTACT ||
	    p->file_len > TIPS_MAX_FILE ||
	    (p->file_name && strlen(p->file_name) > TIPS_MAX_NAME) ||
	    (p->file_type && strlen(p->file_type) > TIPS_MAX_TYPE))
		return err_set(ND_ETOOBIG, "tips: a field is over its cap");
	buf_add(b, MAGIC, MAGIC_LEN);
	put_rec(b, TAG_FROM, &from, 1);
	put_rec(b, TAG_MESSAGE, p->message ? p->message : "", mlen);
	put_rec(b, TAG_CONTACT, p->contact ? p->contact : "", clen);
	if (p->file) {
		const char *name = p->file_name ? p->file_name : "";
		const char *type = p->file_type ? p->file_type : "";

		put_rec(b, TAG_FILE_NAME, name, strlen(name));
		put_rec(b, TAG_FILE_TYPE, type, strlen(type));
		put_rec(b, TAG_FILE, p->file, p->file_len);
	}
	return buf_err(b);
}

int
tips_payload_decode(struct tips_payload *out, struct arena *a,
    const unsigned char *p, size_t len)
{
	static const size_t caps[TAG_N] = {
		[TAG_FROM] = 1, [TAG_MESSAGE] = TIPS_MAX_MESSAGE,
		[TAG_CONTACT] = TIPS_MAX_CONTACT,
		[TAG_FILE_NAME] = TIPS_MAX_NAME,
		[TAG_FILE_TYPE] = TIPS_MAX_TYPE, [TAG_FILE] = TIPS_MAX_FILE,
	};
	bool seen[TAG_N] = { false };
	size_t i = MAGIC_LEN;

	memset(out, 0, sizeof(*out));
	if (len < MAGIC_LEN || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return err_set(ND_EPARSE, "tips: not a tip payload");
	while (i < len) {
		unsigned tag;
		size_t n;
		char *s;

		if (len - i < 5)
			return err_set(ND_EPARSE, "tips: payload cut short");
		tag = p[i];
		n = (size_t)p[i + 1] << 24 | (size_t)p[i + 2] << 16 |
		    (size_t)p[i + 3] << 8 | p[i + 4];
		i += 5;
		if (tag == 0 || tag >= TAG_N || seen[tag] || n > caps[tag] ||
		    n > len - i)
			return err_set(ND_EPARSE, "tips: bad payload record");
		seen[tag] = true;
		if (tag == TAG_FILE) {
			/* an empty file is still a file: one byte of room,
			 * none read (p + i may be the end) */
			unsigned char *f = arena_alloc(a, n ? n : 1);

			if (n)
				memcpy(f, p + i, n);
			out->file = f;
			out->file_len = n;
		} else if (tag == TAG_FROM) {
			if (n != 1 || (p[i] != TIPS_FROM_SOURCE &&
			    p[i] != TIPS_FROM_DESK))
				return err_set(ND_EPARSE, "tips: bad sender");
			out->from = p[i];
		} else {
			s = arena_strndup(a, (const char *)p + i, n);
			if (tag == TAG_MESSAGE)
				out->message = s;
			else if (tag == TAG_CONTACT)
				out->contact = s;
			else if (tag == TAG_FILE_NAME)
				out->file_name = s;
			else
				out->file_type = s;
		}
		i += n;
	}
	if (!seen[TAG_FROM] || !seen[TAG_MESSAGE])
		return err_set(ND_EPARSE, "tips: payload without sender or "
		    "message");
	if (seen[TAG_FILE] != (seen[TAG_FILE_NAME] && seen[TAG_FILE_TYPE]))
		return err_set(ND_EPARSE, "tips: attachment half described");
	if (!out->contact)
		out->contact = "";
	return 0;
}

int
tips_seal(unsigned char **out, size_t *out_len, const struct tips_payload *p,
    const unsigned char pk[TIPS_KEY_BYTES])
{
	struct buf b = BUF_INIT(BUF_NOCAP);
	unsigned char *sealed = NULL;
	size_t padded = 0, plen, need;
	int rc;

	*out = NULL;
	*out_len = 0;
	if ((rc = init()) < 0)
		return rc;
	/* one allocation for the plaintext and its padding, so no realloc
	 * leaves a copy of it in freed memory */
	need = MAGIC_LEN + 6 * 5 + 1 + (p->message ? strlen(p->message) : 0) +
	    (p->contact ? strlen(p->contact) : 0) +
	    (p->file_name ? strlen(p->file_name) : 0) +
	    (p->file_type ? strlen(p->file_type) : 0) + p->file_len +
	    TIPS_PAD_BLOCK;
	if (!buf_grow(&b, need)) {
		rc = err_set(ND_ENOMEM, "tips: no memory to seal");
		goto out;
	}
	if ((rc = tips_payload_encode(&b, p)) < 0)
		goto out;
	plen = b.len;
	if (sodium_pad(&padded, (unsigned char *)b.ptr, plen, TIPS_PAD_BLOCK,
	    b.alloc) != 0) {
		rc = err_set(ND_ERR, "tips: cannot pad");
		goto out;
	}
	sealed = xmalloc(padded + crypto_box_SEALBYTES);
	if (crypto_box_seal(sealed, (unsigned char *)b.ptr, padded, pk) != 0) {
		free(sealed);
		rc = err_set(ND_ERR, "tips: cannot seal");
		goto out;
	}
	*out = sealed;
	*out_len = padded + crypto_box_SEALBYTES;
	rc = 0;
out:
	/* the plaintext never lingers in freed memory */
	if (b.alloc)
		sodium_memzero(b.ptr, b.alloc);
	buf_release(&b);
	return rc;
}

int
tips_open(struct tips_payload *out, struct arena *a,
    const unsigned char *sealed, size_t len,
    const unsigned char pk[TIPS_KEY_BYTES],
    const unsigned char sk[TIPS_KEY_BYTES])
{
	unsigned char *plain;
	size_t plen, unpadded = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = init()) < 0)
		return rc;
	if (len < crypto_box_SEALBYTES)
		return err_set(ND_EAUTH, "tips: sealed box too short");
	plen = len - crypto_box_SEALBYTES;
	if (!(plain = sodium_malloc(plen ? plen : 1)))
		return err_set(ND_ENOMEM, "tips: no memory to open");
	if (crypto_box_seal_open(plain, sealed, len, pk, sk) != 0) {
		rc = err_set(ND_EAUTH, "tips: cannot open: not sealed to "
		    "this key");
		goto out;
	}
	if (sodium_unpad(&unpadded, plain, plen, TIPS_PAD_BLOCK) != 0) {
		rc = err_set(ND_EPARSE, "tips: bad padding");
		goto out;
	}
	rc = tips_payload_decode(out, a, plain, unpadded);
out:
	sodium_free(plain);          /* wipes it */
	return rc;
}

/* ---- receipts ---- */

void
tips_code_new(char out[TIPS_CODE_BUF])
{
	size_t o = 0;

	(void)init();
	for (size_t i = 0; i < TIPS_CODE_CHARS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = code_alpha[randombytes_uniform(32)];
	}
	out[o] = '\0';
}

#define KDF_CTX "ndtipsrc"          /* crypto_kdf context: 8 bytes */

int
tips_code_derive(struct tips_receipt *out, const char *code,
    const unsigned char desk_pk[TIPS_KEY_BYTES])
{
	static const char salt_label[] = "newsdesk tips receipt v1";
	char norm[TIPS_CODE_CHARS];
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char master[crypto_kdf_KEYBYTES];
	unsigned char seed[crypto_box_SEEDBYTES];
	crypto_generichash_state h;
	size_t n = 0;
	int rc = 0;

	if ((rc = init()) < 0)
		return rc;
	for (const char *p = code; p && *p; p++) {
		char c = *p;

		if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!memchr(code_alpha, c, 32) || c == '\0' ||
		    n == TIPS_CODE_CHARS) {
			sodium_memzero(norm, sizeof(norm));
			return err_set(ND_EINVAL, "tips: not a code phrase");
		}
		norm[n++] = c;
	}
	if (n != TIPS_CODE_CHARS) {
		sodium_memzero(norm, sizeof(norm));
		return err_set(ND_EINVAL, "tips: not a code phrase");
	}
	crypto_generichash_init(&h, NULL, 0, sizeof(salt));
	crypto_generichash_update(&h, (const unsigned char *)salt_label,
	    sizeof(salt_label) - 1);
	crypto_generichash_update(&h, desk_pk, TIPS_KEY_BYTES);
	crypto_generichash_final(&h, salt, sizeof(salt));
	if (crypto_pwhash(master, sizeof(master), norm, n, salt,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = err_set(ND_ENOMEM, "tips: argon2id: out of memory");
		goto out;
	}
	crypto_kdf_derive_from_key(out->lookup, sizeof(out->lookup), 1,
	    KDF_CTX, master);
	crypto_kdf_derive_from_key(seed, sizeof(seed), 2, KDF_CTX, master);
	crypto_box_seed_keypair(out->pk, out->sk, seed);
out:
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(master, sizeof(master));
	sodium_memzero(seed, sizeof(seed));
	return rc;
}
