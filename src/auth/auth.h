/*
 * auth: the desk's accounts (issue 10). Passwords, sessions and sign-in
 * throttling, on top of the store; used by the desk's pages (web/) and
 * by `newsdesk user` (cli/). No HTTP here: a session is a token string,
 * and every function takes the time as an argument (tests inject it).
 *
 * - Passwords: argon2id via libsodium crypto_pwhash_str, at the
 *   parameters of [desk] pwhash_ops and pwhash_mem_mb (the hash string
 *   records them, so a hash keeps verifying after they change, and new
 *   ones take effect at each user's next password change).
 * - Sessions: a token is 32 random bytes in base64url (43 characters);
 *   the store keeps only its BLAKE2b hash, with the user, the start and
 *   the last use. It ends after session_idle_s unused or session_max_s
 *   after sign-in, at sign-out, and when the user is disabled or their
 *   password changes.
 * - Throttling, with no address stored: per account (a hash of the
 *   email, so an unknown email is throttled alike and reveals nothing),
 *   each failure past login_free_failures waits twice as long as the
 *   last (2 s, 4 s, ... up to login_max_wait_s); and over all accounts,
 *   more than login_failures_per_min failures in a minute stop every
 *   sign-in until the minute is over. A throttled attempt does not
 *   check the password at all (no argon2 work for an attacker to buy).
 */
#ifndef ND_AUTH_AUTH_H
#define ND_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct config;
struct store;
struct user;

#define AUTH_HASH_MAX 128        /* >= crypto_pwhash_STRBYTES */
#define AUTH_TOKEN_LEN 43        /* base64url of 32 bytes, no padding */
#define AUTH_SESSION_TOUCH_S 60  /* last use is written at most this often */

struct auth_params {
	int64_t session_idle_s, session_max_s;
	int free_failures;           /* per account, before waits */
	int64_t max_wait_s;
	int failures_per_min;        /* all accounts */
	size_t password_min_len;     /* characters (UTF-8 code points) */
	unsigned long long ops;      /* argon2id opslimit */
	size_t mem;                  /* argon2id memlimit, bytes */
};

/* The parameters of cfg's [desk] section. */
void auth_params_from_cfg(struct auth_params *p, const struct config *cfg);

/* An argon2id hash string of pw at p's cost into out. ND_ENOMEM when the
 * memory cannot be had, ND_EINVAL for a password over 4096 bytes. */
int auth_password_hash(char out[AUTH_HASH_MAX], const char *pw,
    const struct auth_params *p);
/* Whether pw matches hash (constant time in pw). */
bool auth_password_verify(const char *hash, const char *pw);
/* NULL when pw is acceptable as a new password, else why not (a
 * sentence for the form or the terminal). */
const char *auth_password_problem(const char *pw, const struct auth_params *p);

/* An email as the desk keeps it: trimmed, ASCII letters in lower case,
 * in a; NULL when it does not look like one (no '@', blanks, controls,
 * over 320 bytes). */
const char *auth_email_normalize(struct arena *a, const char *email);

enum auth_result {
	AUTH_OK = 0,
	AUTH_WRONG,                  /* no such user, disabled, or wrong
	                              * password: the same answer for all */
	AUTH_THROTTLED,              /* too many failures; *out_wait says
	                              * how long to wait */
};

/*
 * Signs email in with pw at now: checks the throttles, the password (an
 * unknown or disabled account costs the same argon2 work as a real one),
 * records the result (throttle state; the audit log for known accounts),
 * and on success starts a session: *out_user (in a) and out_token (the
 * cookie's value). *out_result says which; the return value is 0 or a
 * store error.
 */
int auth_login(struct store *st, struct arena *a, const struct auth_params *p,
    const char *email, const char *pw, int64_t now, int *out_result,
    int64_t *out_wait, struct user **out_user,
    char out_token[AUTH_TOKEN_LEN + 1]);

/* A new session of user_id (no password check: after auth_login, or for
 * tests); out_token gets its token. */
int auth_session_start(struct store *st, const struct auth_params *p,
    int64_t user_id, int64_t now, char out_token[AUTH_TOKEN_LEN + 1]);

/* The user of a session token at now (in a): ND_ENOTFOUND for a
 * malformed, unknown, expired or revoked token, or a disabled user. */
int auth_session_user(struct store *st, struct arena *a,
    const struct auth_params *p, const char *token, int64_t now,
    struct user **out);

/* The store's key of a token (its hash); ND_EINVAL when malformed. */
int auth_token_hash(unsigned char out[32], const char *token);

/* Ends the session of token (nothing when there is none). */
int auth_logout(struct store *st, const char *token);

#endif
