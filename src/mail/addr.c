/*
 * addr: reader addresses, list names, link tokens and VERP return paths.
 *
 * An address is accepted when it looks deliverable, not when RFC 5322
 * allows it: quoted local parts, comments and IP-literal domains are
 * refused, because nobody signs up with them and each is a way to smuggle
 * characters into headers. Tokens are 32 random bytes; the store keeps
 * their BLAKE2b hash, so a copy of the store opens no one's preferences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "mail/mail.h"
#include "core/banned.h"

static bool
is_atext(int c)
{
	return str_isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

int
mail_addr_normalize(struct arena *a, const char *in, const char **out,
    const char **out_why)
{
	struct str s = str_trim(str_of(in ? in : ""));
	const char *at = NULL;
	char *v;
	size_t local_len;

	*out = NULL;
	*out_why = NULL;
	if (s.len == 0) {
		*out_why = "Enter your email address.";
		return ND_EINVAL;
	}
	if (s.len > MAIL_ADDR_MAX) {
		*out_why = "That address is too long.";
		return ND_EINVAL;
	}
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= ' ' || c >= 0x7f) {
			*out_why = "An address has no spaces or special "
			    "characters.";
			return ND_EINVAL;
		}
		if (c == '@') {
			if (at) {
				*out_why = "An address has only one @.";
				return ND_EINVAL;
			}
			at = s.p + i;
		}
	}
	if (!at || at == s.p || at == s.p + s.len - 1) {
		*out_why = "The address needs a name, an @ and a domain, like "
		    "name@example.org.";
		return ND_EINVAL;
	}
	local_len = (size_t)(at - s.p);
	if (local_len > 64) {
		*out_why = "The part before the @ is too long.";
		return ND_EINVAL;
	}
	/* dot-atom: atext runs separated by single dots */
	for (size_t i = 0; i < local_len; i++) {
		char c = s.p[i];

		if (c == '.' ? i == 0 || i + 1 == local_len || s.p[i + 1] == '.'
		    : !is_atext((unsigned char)c)) {
			*out_why = "The part before the @ has a character an "
			    "address cannot have.";
			return ND_EINVAL;
		}
	}
	{
		const char *d = at + 1, *end = s.p + s.len, *label = d;
		const char *last = d;
		size_t n_labels = 0;
		bool is_alpha_tld = true;

		for (const char *p = d; p <= end; p++) {
			if (p == end || *p == '.') {
				size_t n = (size_t)(p - label);

				if (n == 0 || n > 63 || label[0] == '-' ||
				    p[-1] == '-') {
					*out_why = "The domain after the @ is not "
					    "valid.";
					return ND_EINVAL;
				}
				is_alpha_tld = true;
				for (const char *q = label; q < p; q++)
					if (!str_isalpha((unsigned char)*q))
						is_alpha_tld = false;
				n_labels++;
				last = label;
				label = p + 1;
				continue;
			}
			if (!str_isalnum((unsigned char)*p) && *p != '-') {
				*out_why = "The domain after the @ has a "
				    "character a domain cannot have.";
				return ND_EINVAL;
			}
		}
		/* a TLD of letters (or an IDN's xn--): "name@localhost"
		 * and "name@10.0.0.1" are not addresses of readers */
		if (n_labels < 2 || (!is_alpha_tld &&
		    str_ncasecmp(last, "xn--", 4) != 0) ||
		    (size_t)(end - last) < 2) {
			*out_why = "The domain needs a dot and an ending, like "
			    "example.org.";
			return ND_EINVAL;
		}
	}
	v = arena_strndup(a, s.p, s.len);
	for (char *p = v; *p; p++)
		*p = (char)str_tolower((unsigned char)*p);
	*out = v;
	return 0;
}

const char *
mail_addr_bare(struct arena *a, const char *addr)
{
	const char *lt, *gt;

	if (!addr)
		return NULL;
	if ((lt = strrchr(addr, '<')) && (gt = strchr(lt, '>')) && gt > lt + 1)
		return arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
	{
		struct str s = str_trim(str_of(addr));

		return s.len ? arena_strndup(a, s.p, s.len) : NULL;
	}
}

const char *
mail_addr_domain(struct arena *a, const char *addr)
{
	const char *bare = mail_addr_bare(a, addr), *at;

	if (!bare || !(at = strrchr(bare, '@')) || !at[1])
		return NULL;
	return at + 1;
}

bool
mail_list_valid(const char *list)
{
	const char *slug;
	size_t n = 0;

	if (!list)
		return false;
	if (strcmp(list, "digest") == 0 || strcmp(list, "breaking") == 0)
		return true;
	if (strncmp(list, "section:", 8) == 0)
		slug = list + 8;
	else if (strncmp(list, "column:", 7) == 0)
		slug = list + 7;
	else
		return false;
	for (; slug[n]; n++)
		if (!str_isalnum((unsigned char)slug[n]) && slug[n] != '-' &&
		    slug[n] != '_')
			return false;
	return n > 0 && n <= 64;
}

void
mail_token_new(char out[MAIL_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, MAIL_TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
mail_token_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++)
		if (!str_isalnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_')
			return false;
	return n == MAIL_TOKEN_LEN;
}

void
mail_token_hash(const char *tok, char out[MAIL_HASH_LEN + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)tok,
	    strlen(tok), NULL, 0);
	sodium_bin2hex(out, MAIL_HASH_LEN + 1, h, sizeof(h));
}

static void
verp_mac(const unsigned char key[32], int64_t id, char out[17])
{
	unsigned char h[8];
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "verp:%lld", (long long)id);

	crypto_generichash(h, sizeof(h), (const unsigned char *)msg,
	    (size_t)n, key, 32);
	sodium_bin2hex(out, 17, h, sizeof(h));
}

void
mail_verp_local(const unsigned char key[32], int64_t id, char out[64])
{
	char mac[17];

	verp_mac(key, id, mac);
	snprintf(out, 64, "bounces+%lld-%s", (long long)id, mac);
}

int
mail_verp_check(const unsigned char key[32], const char *addr,
    int64_t *out_id)
{
	const char *p, *dash;
	char mac[17];
	long long id;
	char num[24];
	size_t n;

	*out_id = 0;
	if (!addr || !(p = strstr(addr, "bounces+")))
		return ND_EINVAL;
	p += 8;
	if (!(dash = strchr(p, '-')) || (n = (size_t)(dash - p)) == 0 ||
	    n >= sizeof(num))
		return ND_EINVAL;
	memcpy(num, p, n);
	num[n] = '\0';
	if (parse_int(num, 1, INT64_MAX, &id) < 0)
		return ND_EINVAL;
	verp_mac(key, id, mac);
	/* the MAC as sent is lower-case hex; some servers upper-case the
	 * local part */
	for (size_t i = 0; i < 16; i++)
		if (!dash[1 + i] || str_tolower((unsigned char)dash[1 + i]) !=
		    mac[i])
			return ND_EINVAL;
	*out_id = id;
	return 0;
}
