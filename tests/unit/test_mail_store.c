/*
 * Unit tests for the mail part of the store (issue 11), on real SQLite
 * files: sign-up states and the quiet window, tokens (hash, kind, expiry,
 * single-use confirmation), the queue's claim/lease/outcome transitions
 * (a dead sender's mail comes back after its lease with the same
 * Message-ID), send windows, digests queued once per subscriber, bounces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "test_util.h"
#include "core/banned.h"

struct fixture {
	char dir[64];
	char path[128];
	struct store *st;
	struct arena a;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nd-mailstore-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/store.db", fx->dir);
	if (store_open(&fx->st, fx->path, STORE_CREATE) < 0) {
		fprintf(stderr, "open: %s\n", err_msg());
		return -1;
	}
	arena_init(&fx->a);
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

static const char *const digest_only[] = { "digest" };

static bool
signup(struct fixture *fx, const char *email, int64_t now, const char *msgid)
{
	struct store_signup s = { .email = email, .lists = digest_only,
		.n_lists = 1, .now = now, .quiet_s = 3600, .message_id = msgid };
	bool queued = false;

	assert_int_equal(store_sub_signup(fx->st, &s, &queued), 0);
	return queued;
}

static void
signup_states_and_quiet_window(void **state)
{
	struct fixture *fx = *state;
	struct subscriber *s = NULL;
	int64_t t = 1000000;

	assert_true(signup(fx, "a@example.org", t, "<1@d.example>"));
	/* again within the window: nothing queued (no list bombing) */
	assert_false(signup(fx, "a@example.org", t + 60, "<2@d.example>"));
	/* after it: a new confirmation */
	assert_true(signup(fx, "a@example.org", t + 3601, "<3@d.example>"));
	assert_int_equal(store_sub_get(fx->st, &fx->a, 0, "a@example.org", &s),
	    0);
	assert_int_equal(s->status, SUB_PENDING);
	assert_int_equal(s->n_lists, 1);
	assert_string_equal(s->lists[0], "digest");
	/* a suppressed address is never mailed again */
	assert_int_equal(store_sub_set_status(fx->st, s->id, SUB_SUPPRESSED), 0);
	assert_false(signup(fx, "a@example.org", t + 99999, "<4@d.example>"));
	assert_int_equal(store_sub_get(fx->st, &fx->a, s->id, NULL, &s), 0);
	assert_int_equal(s->status, SUB_SUPPRESSED);
	/* leaving does not turn a suppressed address into a left one */
	assert_int_equal(store_sub_set_lists(fx->st, s->id, NULL, 0), 0);
	assert_int_equal(store_sub_get(fx->st, &fx->a, s->id, NULL, &s), 0);
	assert_int_equal(s->status, SUB_SUPPRESSED);
	/* the same Message-ID twice is refused: it names one mail */
	{
		struct store_signup sg = { .email = "b@example.org",
			.lists = digest_only, .n_lists = 1, .now = t,
			.quiet_s = 3600, .message_id = "<1@d.example>" };
		bool q = true;

		assert_int_not_equal(store_sub_signup(fx->st, &sg, &q), 0);
		assert_false(q);
		assert_int_equal(store_sub_get(fx->st, &fx->a, 0,
		    "b@example.org", &s), ND_ENOTFOUND);
	}
}

static void
tokens(void **state)
{
	struct fixture *fx = *state;
	struct subscriber *s = NULL;
	int64_t id = 0, t = 2000000;
	const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";

	signup(fx, "c@example.org", t, "<c@d.example>");
	assert_int_equal(store_sub_get(fx->st, &fx->a, 0, "c@example.org", &s),
	    0);
	assert_int_equal(store_sub_token_add(fx->st, s->id, SUB_TOKEN_CONFIRM,
	    h1, t + 100), 0);
	assert_int_equal(store_sub_token_add(fx->st, s->id, SUB_TOKEN_MANAGE,
	    h2, t + 1000), 0);
	/* a token of one kind does not open the other */
	assert_int_equal(store_sub_token_find(fx->st, &fx->a, h1,
	    SUB_TOKEN_MANAGE, t, &s), ND_ENOTFOUND);
	/* expired */
	assert_int_equal(store_sub_confirm(fx->st, h1, t + 100, &id),
	    ND_ENOTFOUND);
	assert_int_equal(store_sub_confirm(fx->st, h1, t + 10, &id), 0);
	assert_int_equal(store_sub_get(fx->st, &fx->a, id, NULL, &s), 0);
	assert_int_equal(s->status, SUB_ACTIVE);
	assert_int_equal(s->confirmed_at, t + 10);
	/* single use */
	assert_int_equal(store_sub_confirm(fx->st, h1, t + 11, &id),
	    ND_ENOTFOUND);
	assert_int_equal(store_sub_token_find(fx->st, &fx->a, h2,
	    SUB_TOKEN_MANAGE, t + 11, &s), 0);
	assert_string_equal(s->email, "c@example.org");
	/* expiry sweeps tokens; an active subscriber stays */
	assert_int_equal(store_sub_expire(fx->st, t + 5000, t + 5000, NULL), 0);
	assert_int_equal(store_sub_token_find(fx->st, &fx->a, h2,
	    SUB_TOKEN_MANAGE, t + 11, &s), ND_ENOTFOUND);
	assert_int_equal(store_sub_get(fx->st, &fx->a, 0, "c@example.org", &s),
	    0);
}

static void
expire_pending(void **state)
{
	struct fixture *fx = *state;
	struct subscriber *s = NULL;
	size_t n = 0;

	signup(fx, "old@example.org", 100, "<old@d.example>");
	signup(fx, "new@example.org", 5000, "<new@d.example>");
	assert_int_equal(store_sub_expire(fx->st, 1000, 5000, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_sub_get(fx->st, &fx->a, 0, "old@example.org",
	    &s), ND_ENOTFOUND);
	assert_int_equal(store_sub_get(fx->st, &fx->a, 0, "new@example.org",
	    &s), 0);
}

static void
claim_lease_and_outcomes(void **state)
{
	struct fixture *fx = *state;
	struct mail_msg *m = NULL, *m2 = NULL;
	int64_t t = 3000000, wait = 0;

	signup(fx, "d@example.org", t, "<d@d.example>");
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t, 30, NULL, &m,
	    &wait), 0);
	assert_non_null(m);
	assert_string_equal(m->kind, "confirm");
	assert_string_equal(m->message_id, "<d@d.example>");
	assert_int_equal(m->attempts, 1);
	/* leased: nobody else gets it */
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 10, 30, NULL, &m2,
	    &wait), 0);
	assert_null(m2);
	assert_int_equal(wait, t + 30);
	/* the sender died: after the lease the same mail comes back */
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 31, 30, NULL, &m2,
	    &wait), 0);
	assert_non_null(m2);
	assert_int_equal(m2->id, m->id);
	assert_string_equal(m2->message_id, m->message_id);
	assert_int_equal(m2->attempts, 2);
	/* a temporary failure: queued again for later */
	assert_int_equal(store_mail_done(fx->st, m2->id, MAIL_QUEUED, t + 100,
	    "451 later", 451, t + 31), 0);
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 50, 30, NULL, &m,
	    &wait), 0);
	assert_null(m);
	assert_int_equal(wait, t + 100);
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 100, 30, NULL, &m,
	    &wait), 0);
	assert_non_null(m);
	/* sent: done; a late outcome of the dead sender changes nothing */
	assert_int_equal(store_mail_done(fx->st, m->id, MAIL_SENT, 0, NULL, 250,
	    t + 101), 0);
	assert_int_equal(store_mail_done(fx->st, m->id, MAIL_QUEUED, t + 200,
	    "late", 0, t + 102), 0);
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 999, 30, NULL, &m,
	    &wait), 0);
	assert_null(m);
	assert_int_equal(wait, 0);
	{
		struct store_mail_status s;

		assert_int_equal(store_mail_status(fx->st, &fx->a, t + 999, &s),
		    0);
		assert_int_equal(s.n_rows, 1);
		assert_int_equal(s.rows[0].state, MAIL_SENT);
		assert_string_equal(s.last_error, "451 later");
	}
}

/* n active subscribers of the digest list, and one digest queued */
static void
digest_to(struct fixture *fx, int n, int64_t t, size_t *out_n)
{
	int64_t cid = 0;

	for (int i = 0; i < n; i++) {
		char email[64], msgid[64], hash[65];
		struct subscriber *s = NULL;
		int64_t id;

		snprintf(email, sizeof(email), "r%d@example.org", i);
		snprintf(msgid, sizeof(msgid), "<c%d@d.example>", i);
		snprintf(hash, sizeof(hash), "%064d", i);
		signup(fx, email, t, msgid);
		assert_int_equal(store_sub_get(fx->st, &fx->a, 0, email, &s), 0);
		assert_int_equal(store_sub_token_add(fx->st, s->id,
		    SUB_TOKEN_CONFIRM, hash, t + 100), 0);
		assert_int_equal(store_sub_confirm(fx->st, hash, t, &id), 0);
	}
	assert_int_equal(store_mail_content_add(fx->st, "digest", "digest",
	    "Subject", "text", "<p>html</p>", t, &cid), 0);
	assert_int_equal(store_digest_enqueue(fx->st, cid, "digest",
	    "d.example", t, out_n), 0);
	/* the same content again: nobody gets it twice */
	{
		size_t again = 9;

		assert_int_equal(store_digest_enqueue(fx->st, cid, "digest",
		    "d.example", t, &again), 0);
		assert_int_equal(again, 0);
	}
}

static void
digests_and_send_windows(void **state)
{
	struct fixture *fx = *state;
	struct store_mail_limits lim = { .per_minute = 3 };
	struct mail_msg *m = NULL;
	int64_t t = 6000000 - 6000000 % 60, wait = 0, last = 0;
	size_t n = 0, claimed = 0;

	digest_to(fx, 5, t, &n);
	assert_int_equal(n, 5);
	assert_int_equal(store_digest_last(fx->st, "digest", &last), 0);
	assert_int_equal(last, t);
	assert_int_equal(store_list_count(fx->st, "digest", &n), 0);
	assert_int_equal(n, 5);
	/* drop the confirmations: only the digests */
	for (;;) {
		assert_int_equal(store_mail_claim(fx->st, &fx->a, t, 60, NULL, &m,
		    &wait), 0);
		if (!m || strcmp(m->kind, "digest") == 0)
			break;
		assert_int_equal(store_mail_done(fx->st, m->id, MAIL_SENT, 0,
		    NULL, 250, t), 0);
	}
	assert_non_null(m);
	assert_string_equal(m->subject, "Subject");
	assert_string_equal(m->html, "<p>html</p>");
	assert_int_equal(store_mail_done(fx->st, m->id, MAIL_SENT, 0, NULL, 250,
	    t), 0);
	/* a new minute: three, then the window is full until the next */
	for (;;) {
		assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 60, 60, &lim,
		    &m, &wait), 0);
		if (!m)
			break;
		claimed++;
		assert_int_equal(store_mail_done(fx->st, m->id, MAIL_SENT, 0,
		    NULL, 250, t + 60), 0);
	}
	assert_int_equal(claimed, 3);
	assert_int_equal(wait, t + 120);
	assert_int_equal(store_mail_claim(fx->st, &fx->a, t + 120, 60, &lim, &m,
	    &wait), 0);
	assert_non_null(m);
}

static void
bounces_and_leaving(void **state)
{
	struct fixture *fx = *state;
	struct mail_msg *m = NULL;
	int64_t t = 7000000, wait = 0;
	size_t n = 0;
	int status = -1;

	digest_to(fx, 2, t, &n);
	/* soft bounces count; the third stops the address */
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_sub_bounce(fx->st, 1, false, SUB_BOUNCED, 3,
		    "4.2.2", t, &status), 0);
	assert_int_equal(status, SUB_BOUNCED);
	/* hard: at once */
	assert_int_equal(store_sub_bounce(fx->st, 2, true, SUB_BOUNCED, 3,
	    "5.1.1", t, &status), 0);
	assert_int_equal(status, SUB_BOUNCED);
	assert_int_equal(store_sub_bounce(fx->st, 999, true, SUB_BOUNCED, 3,
	    "5.1.1", t, &status), ND_ENOTFOUND);
	/* their queued digests are dropped when claimed, not sent */
	for (;;) {
		assert_int_equal(store_mail_claim(fx->st, &fx->a, t, 60, NULL, &m,
		    &wait), 0);
		if (!m)
			break;
		assert_string_not_equal(m->kind, "digest");
		assert_int_equal(store_mail_done(fx->st, m->id, MAIL_SENT, 0,
		    NULL, 250, t), 0);
	}
}

/* Breaking-news alerts (issue 11): asked for once, queued once per post
 * to the breaking list's active subscribers only, and only once the post
 * is published. */
static void
breaking_alerts_once(void **state)
{
	struct fixture *fx = *state;
	static const char *const breaking[] = { "breaking" };
	static const char *const both[] = { "digest", "breaking" };
	struct store_signup s = { .lists = breaking, .n_lists = 1, .now = 100,
		.quiet_s = 1 };
	struct post p = { .kind = POST_ARTICLE, .status = POST_DRAFT,
		.headline = "Gates opened", .body = "x" };
	struct store_breaking b;
	struct subscriber *sub = NULL;
	int64_t *pending = NULL, post_id = 0;
	size_t n = 0, queued = 99;
	bool q;
	char email[64], msgid[64];

	/* three active on breaking (one also on the digest), one pending,
	 * one active on the digest only */
	for (int i = 0; i < 5; i++) {
		snprintf(email, sizeof(email), "r%d@example.org", i);
		snprintf(msgid, sizeof(msgid), "<c%d@desk.test>", i);
		s.email = email;
		s.message_id = msgid;
		s.lists = i == 4 ? digest_only : i == 1 ? both : breaking;
		s.n_lists = i == 1 ? 2 : 1;
		assert_int_equal(store_sub_signup(fx->st, &s, &q), 0);
		assert_int_equal(store_sub_get(fx->st, &fx->a, 0, email, &sub), 0);
		if (i != 3)
			assert_int_equal(store_sub_set_status(fx->st, sub->id,
			    SUB_ACTIVE), 0);
	}
	assert_int_equal(store_post_save(fx->st, &p, 100, &post_id), 0);
	assert_int_equal(store_breaking_request(fx->st, 424242, 0, 100, &b),
	    ND_ENOTFOUND);
	assert_int_equal(store_breaking_request(fx->st, post_id, 7, 110, &b),
	    0);
	assert_int_equal(b.requested_at, 110);
	assert_int_equal(b.queued_at, 0);
	/* again: the first request stands */
	assert_int_equal(store_breaking_request(fx->st, post_id, 8, 120, &b),
	    0);
	assert_int_equal(b.requested_at, 110);
	assert_int_equal(b.requested_by, 7);
	/* a draft is not pending */
	assert_int_equal(store_breaking_pending(fx->st, &fx->a, 0, &pending,
	    &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_post_publish(fx->st, post_id, 130, 130), 0);
	assert_int_equal(store_breaking_pending(fx->st, &fx->a, 0, &pending,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pending[0], post_id);
	assert_int_equal(store_breaking_enqueue(fx->st, post_id, "Breaking: x",
	    "text " "ND-TOKEN-8c1f0e", "<p>html</p>", "desk.test", 140,
	    &queued), 0);
	assert_int_equal(queued, 3);
	/* once: a second enqueue stores and queues nothing */
	queued = 99;
	assert_int_equal(store_breaking_enqueue(fx->st, post_id, "Breaking: x",
	    "text", "<p>html</p>", "desk.test", 150, &queued), ND_EEXISTS);
	assert_int_equal(queued, 0);
	assert_int_equal(store_breaking_get(fx->st, post_id, &b), 0);
	assert_int_equal(b.queued_at, 140);
	assert_int_equal(b.n_queued, 3);
	assert_int_equal(store_breaking_pending(fx->st, &fx->a, 0, &pending,
	    &n), 0);
	assert_int_equal(n, 0);
	/* never asked for: nothing */
	{
		int64_t other = 0;

		p.headline = "Another";
		assert_int_equal(store_post_save(fx->st, &p, 200, &other), 0);
		assert_int_equal(store_breaking_enqueue(fx->st, other, "s", "t",
		    "h", "desk.test", 210, &queued), ND_EEXISTS);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(signup_states_and_quiet_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(expire_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(claim_lease_and_outcomes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(digests_and_send_windows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(bounces_and_leaving, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(breaking_alerts_once, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
