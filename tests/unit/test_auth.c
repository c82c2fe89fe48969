/*
 * Unit tests for auth/ (issue 10): argon2id parameters, session expiry
 * (idle and absolute, with injected time), revocation, sign-in
 * throttling per account and overall. A real store in a temporary
 * directory; the argon2 cost is lowered for the tests that sign in many
 * times, and the default parameters are checked on their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "model/model.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

#define T0 1800000000

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
	struct arena a;
	struct auth_params p;
	int64_t uid;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct config cfg;
	struct user u = { .email = "ed@desk.example", .name = "Ed",
		.role = USER_ROLE_EDITOR };
	char h[AUTH_HASH_MAX];

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-auth-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/store.db", fx->dir);
	if (store_open(&fx->st, fx->path, STORE_CREATE) < 0)
		return -1;
	arena_init(&fx->a);
	cfg_init(&cfg);
	auth_params_from_cfg(&fx->p, &cfg);
	cfg_release(&cfg);
	/* cheap hashes: these tests sign in dozens of times */
	fx->p.ops = 1;
	fx->p.mem = 8u << 20;
	if (auth_password_hash(h, "correct horse battery", &fx->p) < 0 ||
	    store_user_add(fx->st, &u, h, T0, &fx->uid) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	arena_release(&fx->a);
	test_db_remove(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* The defaults: argon2id at 3 passes and 128 MiB, as the hash string
 * records, and the string verifies the password and nothing else. */
static void
test_argon2id_params(void **state)
{
	struct config cfg;
	struct auth_params p;
	char h[AUTH_HASH_MAX];

	(void)state;
	cfg_init(&cfg);
	auth_params_from_cfg(&p, &cfg);
	cfg_release(&cfg);
	assert_int_equal(p.ops, 3);
	assert_int_equal(p.mem, 128u << 20);
	assert_true(p.ops >= crypto_pwhash_OPSLIMIT_INTERACTIVE);
	assert_true(p.mem >= crypto_pwhash_MEMLIMIT_INTERACTIVE);
	assert_int_equal(auth_password_hash(h, "correct horse battery", &p), 0);
	assert_non_null(strstr(h, "$argon2id$v=19$m=131072,t=3,p=1$"));
	assert_int_equal(crypto_pwhash_str_needs_rehash(h, p.ops, p.mem), 0);
	{
		/* the cost of a sign-in at these parameters (issue 10's
		 * figure): one verify, timed */
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_true(auth_password_verify(h, "correct horse battery"));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		print_message("argon2id verify at t=3 m=128MiB: %.0f ms\n",
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	assert_false(auth_password_verify(h, "correct horse batterY"));
	assert_false(auth_password_verify(h, ""));
	/* two hashes of one password differ (a random salt each) */
	{
		char h2[AUTH_HASH_MAX];

		p.ops = 1;
		p.mem = 8u << 20;
		assert_int_equal(auth_password_hash(h2, "correct horse battery",
		    &p), 0);
		assert_string_not_equal(h, h2);
		assert_true(auth_password_verify(h2, "correct horse battery"));
	}
}

static void
test_password_policy(void **state)
{
	struct fixture *fx = *state;

	assert_non_null(auth_password_problem("short", &fx->p));
	assert_non_null(auth_password_problem("elevenchars", &fx->p));
	assert_null(auth_password_problem("twelve chars", &fx->p));
	/* characters, not bytes: 12 Arabic letters are enough */
	assert_null(auth_password_problem("كلمةسرطويلةج", &fx->p));
	assert_non_null(auth_password_problem("كلمةسر", &fx->p));
	assert_non_null(auth_password_problem("twelve\x01chars!", &fx->p));
	assert_string_equal(auth_email_normalize(&fx->a, "  Ed@Desk.Example "),
	    "ed@desk.example");
	assert_null(auth_email_normalize(&fx->a, "nobody"));
	assert_null(auth_email_normalize(&fx->a, "a@b@c"));
	assert_null(auth_email_normalize(&fx->a, "a b@c"));
	assert_null(auth_email_normalize(&fx->a, "@desk"));
}

static int
login(struct fixture *fx, const char *email, const char *pw, int64_t now,
    char tok[AUTH_TOKEN_LEN + 1], int64_t *wait)
{
	struct user *u;
	int res;
	int64_t w;

	assert_int_equal(auth_login(fx->st, &fx->a, &fx->p, email, pw, now,
	    &res, &w, &u, tok), 0);
	if (wait)
		*wait = w;
	if (res == AUTH_OK) {
		assert_non_null(u);
		assert_int_equal(u->id, fx->uid);
		assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
	} else {
		assert_null(u);
		assert_string_equal(tok, "");
	}
	return res;
}

static bool
alive(struct fixture *fx, const char *tok, int64_t now)
{
	struct user *u;
	int rc = auth_session_user(fx->st, &fx->a, &fx->p, tok, now, &u);

	if (rc == 0) {
		assert_non_null(u);
		return true;
	}
	assert_int_equal(rc, ND_ENOTFOUND);
	assert_null(u);
	return false;
}

static void
test_session_expiry(void **state)
{
	struct fixture *fx = *state;
	char tok[AUTH_TOKEN_LEN + 1];
	int64_t t;

	fx->p.session_idle_s = 3600;
	fx->p.session_max_s = 4 * 3600;
	assert_int_equal(login(fx, "ED@desk.example", "correct horse battery",
	    T0, tok, NULL), AUTH_OK);
	assert_true(alive(fx, tok, T0));
	/* idle: used within the hour it stays; an hour and a second later,
	 * gone for good */
	assert_true(alive(fx, tok, T0 + 3600));
	assert_false(alive(fx, tok, T0 + 3600 + AUTH_SESSION_TOUCH_S + 3601));
	assert_false(alive(fx, tok, T0 + 3600));  /* removed, not just late */
	/* absolute: used every 50 minutes, it still ends 4 hours in */
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0, tok, NULL), AUTH_OK);
	for (t = T0; t <= T0 + 4 * 3600; t += 3000)
		assert_true(alive(fx, tok, t));
	assert_false(alive(fx, tok, T0 + 4 * 3600 + 1));
	/* malformed or unknown tokens */
	assert_false(alive(fx, "", T0));
	assert_false(alive(fx, "not-a-token", T0));
	assert_false(alive(fx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", T0));
	/* the store keeps the hash, not the token */
	{
		unsigned char h[32];

		assert_int_equal(login(fx, "ed@desk.example",
		    "correct horse battery", T0, tok, NULL), AUTH_OK);
		assert_int_equal(auth_token_hash(h, tok), 0);
		assert_int_equal(store_session_remove(fx->st, h), 0);
		assert_false(alive(fx, tok, T0));
	}
}

static void
test_session_revoked(void **state)
{
	struct fixture *fx = *state;
	char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1], c[AUTH_TOKEN_LEN + 1];
	char h[AUTH_HASH_MAX];
	unsigned char keep[32];
	struct user *u;

	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0, a, NULL), AUTH_OK);
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0, b, NULL), AUTH_OK);
	assert_string_not_equal(a, b);      /* a new id at each sign-in */
	/* logout ends one */
	assert_int_equal(auth_logout(fx->st, a), 0);
	assert_false(alive(fx, a, T0));
	assert_true(alive(fx, b, T0));
	/* a password change keeps the session that made it, ends others */
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0, c, NULL), AUTH_OK);
	assert_int_equal(store_user_get(fx->st, &fx->a, fx->uid, NULL, &u,
	    NULL), 0);
	assert_int_equal(auth_password_hash(h, "a new long password", &fx->p),
	    0);
	assert_int_equal(auth_token_hash(keep, c), 0);
	assert_int_equal(store_user_update(fx->st, u, h, T0 + 5, keep), 0);
	assert_false(alive(fx, b, T0 + 5));
	assert_true(alive(fx, c, T0 + 5));
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0 + 6, a, NULL), AUTH_WRONG);
	/* disabling ends all, and signs nobody in */
	u->is_disabled = true;
	assert_int_equal(store_user_update(fx->st, u, NULL, T0 + 7, keep), 0);
	assert_false(alive(fx, c, T0 + 7));
	assert_int_equal(login(fx, "ed@desk.example", "a new long password",
	    T0 + 8, a, NULL), AUTH_WRONG);
}

static void
test_throttle_account(void **state)
{
	struct fixture *fx = *state;
	char tok[AUTH_TOKEN_LEN + 1];
	int64_t w = 0, t = T0;

	fx->p.free_failures = 5;
	fx->p.max_wait_s = 900;
	for (int i = 0; i < 4; i++)
		assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok,
		    NULL), AUTH_WRONG);
	/* the fifth failure starts the waits */
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, NULL),
	    AUTH_WRONG);
	/* throttled: even the right password is not checked */
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    t, tok, &w), AUTH_THROTTLED);
	assert_int_equal(w, 2);
	/* other accounts are not affected */
	assert_int_equal(login(fx, "someone@desk.example", "x", t, tok, NULL),
	    AUTH_WRONG);
	/* each further failure doubles the wait */
	t += 2;
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, NULL),
	    AUTH_WRONG);
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, &w),
	    AUTH_THROTTLED);
	assert_int_equal(w, 4);
	t += 4;
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, NULL),
	    AUTH_WRONG);
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, &w),
	    AUTH_THROTTLED);
	assert_int_equal(w, 8);
	/* capped */
	for (int i = 0; i < 20; i++) {
		t += 1000;
		assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok,
		    NULL), AUTH_WRONG);
	}
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, &w),
	    AUTH_THROTTLED);
	assert_int_equal(w, 900);
	/* after the wait, the right password works and clears the count */
	t += 900;
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    t, tok, NULL), AUTH_OK);
	assert_int_equal(login(fx, "ed@desk.example", "wrong", t, tok, NULL),
	    AUTH_WRONG);
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    t, tok, NULL), AUTH_OK);
	/* an unknown account is throttled alike (nothing tells them apart) */
	for (int i = 0; i < 5; i++)
		assert_int_equal(login(fx, "ghost@desk.example", "x", t + 5000,
		    tok, NULL), AUTH_WRONG);
	assert_int_equal(login(fx, "ghost@desk.example", "x", t + 5000, tok,
	    &w), AUTH_THROTTLED);
	assert_int_equal(w, 2);
}

static void
test_throttle_global(void **state)
{
	struct fixture *fx = *state;
	char tok[AUTH_TOKEN_LEN + 1], email[64];
	int64_t w = 0;

	fx->p.failures_per_min = 10;
	/* ten failures on ten accounts in one minute: still open */
	for (int i = 0; i < 10; i++) {
		snprintf(email, sizeof(email), "u%d@desk.example", i);
		assert_int_equal(login(fx, email, "x", T0 + i, tok, NULL),
		    AUTH_WRONG);
	}
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0 + 10, tok, NULL), AUTH_OK);
	/* the eleventh closes every account until the minute is over */
	assert_int_equal(login(fx, "u99@desk.example", "x", T0 + 11, tok,
	    NULL), AUTH_WRONG);
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0 + 12, tok, &w), AUTH_THROTTLED);
	assert_int_equal(w, 48);
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0 + 60, tok, NULL), AUTH_OK);
}

static void
test_audit_log(void **state)
{
	struct fixture *fx = *state;
	char tok[AUTH_TOKEN_LEN + 1];
	struct audit_entry *v;
	size_t n;

	assert_int_equal(login(fx, "ed@desk.example", "wrong", T0, tok, NULL),
	    AUTH_WRONG);
	assert_int_equal(login(fx, "ed@desk.example", "correct horse battery",
	    T0 + 1, tok, NULL), AUTH_OK);
	assert_int_equal(store_audit_add(fx->st, fx->uid, "ed@desk.example",
	    "item.hide", "item 7", "off topic", T0 + 2), 0);
	assert_int_equal(store_audit_list(fx->st, &fx->a, 0, 0, NULL, &v, &n),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].action, "item.hide");
	assert_string_equal(v[0].target, "item 7");
	assert_string_equal(v[0].detail, "off topic");
	assert_int_equal(v[0].at, T0 + 2);
	assert_string_equal(v[1].action, "login");
	assert_string_equal(v[2].action, "login.failed");
	assert_int_equal(store_audit_list(fx->st, &fx->a, 0, 0, "login", &v,
	    &n), 0);
	assert_int_equal(n, 2);
	/* the password never reaches the log */
	assert_int_equal(store_audit_list(fx->st, &fx->a, 10, 0, NULL, &v, &n),
	    0);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(v[i].detail, "correct horse"));
		assert_null(strstr(v[i].target, "correct horse"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argon2id_params),
		cmocka_unit_test_setup_teardown(test_password_policy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_session_revoked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_throttle_account, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_throttle_global, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_log, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
