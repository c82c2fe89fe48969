/*
 * auth: passwords, sessions and sign-in throttling for the desk (see
 * auth.h for the rules). The one design decision: throttling state lives
 * in the store, keyed by a hash of the email (never an address), so it
 * holds across restarts and across web nodes sharing a store.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "model/model.h"
#include "store/store.h"
#include "core/banned.h"

#define PW_MAX 4096
#define EMAIL_MAX 320
#define GLOBAL_WINDOW_S 60
#define THROTTLE_FORGET_S 86400

void
auth_params_from_cfg(struct auth_params *p, const struct config *cfg)
{
	const struct cfg_desk *d = &cfg->desk;

	*p = (struct auth_params){
		.session_idle_s = d->session_idle_s,
		.session_max_s = d->session_max_s,
		.free_failures = d->login_free_failures,
		.max_wait_s = d->login_max_wait_s,
		.failures_per_min = d->login_failures_per_min,
		.password_min_len = (size_t)d->password_min_len,
		.ops = (unsigned long long)d->pwhash_ops,
		.mem = (size_t)d->pwhash_mem_mb << 20,
	};
}

int
auth_password_hash(char out[AUTH_HASH_MAX], const char *pw,
    const struct auth_params *p)
{
	size_t n = strlen(pw);

	if (sodium_init() < 0)
		return err_set(ND_ERR, "auth: libsodium cannot start");
	if (n > PW_MAX)
		return err_set(ND_EINVAL, "auth: password over %d bytes", PW_MAX);
	if (crypto_pwhash_str(out, pw, n, p->ops, p->mem) != 0)
		return err_set(ND_ENOMEM, "auth: argon2id: out of memory "
		    "(memlimit %zu MiB)", p->mem >> 20);
	return 0;
}

bool
auth_password_verify(const char *hash, const char *pw)
{
	size_t n = strlen(pw);

	if (sodium_init() < 0 || !hash || n > PW_MAX)
		return false;
	return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

const char *
auth_password_problem(const char *pw, const struct auth_params *p)
{
	size_t chars = 0, bytes = strlen(pw);

	for (const unsigned char *s = (const unsigned char *)pw; *s; s++)
		if ((*s & 0xc0) != 0x80)
			chars++;
	if (chars < p->password_min_len)
		return p->password_min_len == 12 ?
		    "Use at least 12 characters." :
		    "The password is too short.";
	if (bytes > PW_MAX)
		return "Use at most 4096 bytes.";
	for (const unsigned char *s = (const unsigned char *)pw; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return "Use no control characters.";
	return NULL;
}

const char *
auth_email_normalize(struct arena *a, const char *email)
{
	size_t b = 0, e, at = 0, n_at = 0;
	char *out;

	if (!email)
		return NULL;
	e = strlen(email);
	while (b < e && (email[b] == ' ' || email[b] == '\t'))
		b++;
	while (e > b && (email[e - 1] == ' ' || email[e - 1] == '\t' ||
	    email[e - 1] == '\r' || email[e - 1] == '\n'))
		e--;
	if (e - b < 3 || e - b > EMAIL_MAX)
		return NULL;
	out = arena_strndup(a, email + b, e - b);
	for (size_t i = 0; out[i]; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' ||
		    c == ',' || c == ';')
			return NULL;
		if (c == '@') {
			n_at++;
			at = i;
		}
		if (c >= 'A' && c <= 'Z')
			out[i] = (char)(c - 'A' + 'a');
	}
	if (n_at != 1 || at == 0 || out[at + 1] == '\0')
		return NULL;
	return out;
}

/* ---- tokens ---- */

int
auth_token_hash(unsigned char out[32], const char *token)
{
	unsigned char raw[32];
	size_t n = 0;

	if (!token || strlen(token) != AUTH_TOKEN_LEN || sodium_init() < 0 ||
	    sodium_base642bin(raw, sizeof(raw), token, AUTH_TOKEN_LEN, NULL, &n,
	    NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof(raw))
		return ND_EINVAL;
	crypto_generichash(out, 32, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int
auth_session_start(struct store *st, const struct auth_params *p,
    int64_t user_id, int64_t now, char out_token[AUTH_TOKEN_LEN + 1])
{
	unsigned char raw[32], h[32];

	if (sodium_init() < 0)
		return err_set(ND_ERR, "auth: libsodium cannot start");
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out_token, AUTH_TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_generichash(h, sizeof(h), raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return store_session_add(st, h, user_id, now, p->session_idle_s,
	    p->session_max_s);
}

int
auth_session_user(struct store *st, struct arena *a,
    const struct auth_params *p, const char *token, int64_t now,
    struct user **out)
{
	unsigned char h[32];

	*out = NULL;
	if (auth_token_hash(h, token) < 0)
		return err_set(ND_ENOTFOUND, "auth: no session");
	return store_session_user(st, a, h, now, p->session_idle_s,
	    p->session_max_s, AUTH_SESSION_TOUCH_S, out);
}

int
auth_logout(struct store *st, const char *token)
{
	unsigned char h[32];

	if (auth_token_hash(h, token) < 0)
		return 0;
	return store_session_remove(st, h);
}

/* ---- sign-in ---- */

/* A hash of a password nobody has, at the parameters of the first
 * sign-in, verified when the account is unknown or has no hash, so that
 * costs the same as a real one. */
static char dummy_hash[AUTH_HASH_MAX];
static bool has_dummy;
static pthread_mutex_t dummy_mu = PTHREAD_MUTEX_INITIALIZER;

static void
verify_dummy(const struct auth_params *p, const char *pw)
{
	bool is_ready;

	pthread_mutex_lock(&dummy_mu);
	if (!has_dummy) {
		unsigned char raw[16];
		char secret[33];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(secret, sizeof(secret), raw, sizeof(raw));
		has_dummy = auth_password_hash(dummy_hash, secret, p) == 0;
	}
	is_ready = has_dummy;
	pthread_mutex_unlock(&dummy_mu);
	/* dummy_hash is never written again once has_dummy is set */
	if (is_ready)
		(void)auth_password_verify(dummy_hash, pw);
}

static void
account_key(unsigned char key[STORE_THROTTLE_KEY], const char *email)
{
	static const unsigned char ctx[] = "newsdesk login throttle";

	crypto_generichash(key, STORE_THROTTLE_KEY,
	    (const unsigned char *)email, strlen(email), ctx, sizeof(ctx) - 1);
}

/* The wait after f failures: none up to free, then 2 s, 4 s, ... */
static int64_t
wait_after(const struct auth_params *p, int f)
{
	int64_t w = 1;

	if (f < p->free_failures)
		return 0;
	for (int i = p->free_failures; i <= f && w < p->max_wait_s; i++)
		w *= 2;
	return w < p->max_wait_s ? w : p->max_wait_s;
}

static int
record_failure(struct store *st, const struct auth_params *p,
    const unsigned char key[STORE_THROTTLE_KEY], struct store_throttle *t,
    int64_t now)
{
	static const unsigned char global[STORE_THROTTLE_KEY] = { 0 };
	struct store_throttle g;
	int rc;

	t->failures++;
	t->last_failure = now;
	t->locked_until = t->failures >= p->free_failures ?
	    now + wait_after(p, t->failures) : 0;
	if ((rc = store_throttle_put(st, key, t, now - THROTTLE_FORGET_S)) < 0)
		return rc;
	/* the global row: failures in the window that started at
	 * last_failure */
	if ((rc = store_throttle_get(st, global, &g)) < 0)
		return rc;
	if (now - g.last_failure >= GLOBAL_WINDOW_S || g.failures == 0) {
		g.failures = 1;
		g.last_failure = now;
		g.locked_until = 0;
	} else {
		g.failures++;
	}
	if (g.failures > p->failures_per_min) {
		g.locked_until = g.last_failure + GLOBAL_WINDOW_S;
		log_warn(LOG_WEB, "sign-in throttled for every account "
		    "failures=%d window_s=%d", g.failures, GLOBAL_WINDOW_S);
	}
	return store_throttle_put(st, global, &g, now - THROTTLE_FORGET_S);
}

int
auth_login(struct store *st, struct arena *a, const struct auth_params *p,
    const char *email, const char *pw, int64_t now, int *out_result,
    int64_t *out_wait, struct user **out_user,
    char out_token[AUTH_TOKEN_LEN + 1])
{
	static const unsigned char global[STORE_THROTTLE_KEY] = { 0 };
	unsigned char key[STORE_THROTTLE_KEY];
	struct store_throttle t, g;
	struct user *u = NULL;
	const char *norm, *hash = NULL;
	bool is_ok;
	int rc;

	*out_result = AUTH_WRONG;
	*out_wait = 0;
	*out_user = NULL;
	out_token[0] = '\0';
	if (sodium_init() < 0)
		return err_set(ND_ERR, "auth: libsodium cannot start");
	norm = auth_email_normalize(a, email);
	account_key(key, norm ? norm : "");
	if ((rc = store_throttle_get(st, global, &g)) < 0 ||
	    (rc = store_throttle_get(st, key, &t)) < 0)
		return rc;
	if (g.locked_until > now || t.locked_until > now) {
		*out_result = AUTH_THROTTLED;
		*out_wait = (g.locked_until > t.locked_until ? g.locked_until :
		    t.locked_until) - now;
		return 0;
	}
	if (norm && (rc = store_user_get(st, a, 0, norm, &u, &hash)) < 0 &&
	    rc != ND_ENOTFOUND)
		return rc;
	if (u && hash) {
		is_ok = auth_password_verify(hash, pw) && !u->is_disabled;
	} else {
		verify_dummy(p, pw);
		is_ok = false;
		u = NULL;
	}
	if (!is_ok) {
		if ((rc = record_failure(st, p, key, &t, now)) < 0)
			return rc;
		if (u)
			(void)store_audit_add(st, u->id, u->email,
			    "login.failed", u->email, u->is_disabled ?
			    "account disabled" : "password did not match", now);
		return 0;
	}
	if (t.failures) {
		t.failures = 0;
		if ((rc = store_throttle_put(st, key, &t,
		    now - THROTTLE_FORGET_S)) < 0)
			return rc;
	}
	if ((rc = auth_session_start(st, p, u->id, now, out_token)) < 0 ||
	    (rc = store_user_login(st, u->id, now)) < 0)
		return rc;
	(void)store_audit_add(st, u->id, u->email, "login", u->email, "", now);
	*out_result = AUTH_OK;
	*out_user = u;
	return 0;
}
