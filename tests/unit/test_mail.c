/* Unit tests for the mail module (issue 11): addresses, lists, tokens,
 * VERP, quoted-printable, headers, whole messages, and bounces from
 * realistic DSN samples (tests/data/dsn: Postfix, Exim, Gmail,
 * Microsoft, qmail, a delay warning, an auto-reply, an unsubscribe). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "mail/mail.h"
#include "test_util.h"
#include "core/banned.h"

static void
addresses(void **state)
{
	static const struct {
		const char *in, *out;     /* out NULL: refused */
	} cases[] = {
		{ "reader@example.org", "reader@example.org" },
		{ "  Reader.Name+news@Example.ORG ", "reader.name+news@example.org" },
		{ "a_b-c@sub.domain.example.co", "a_b-c@sub.domain.example.co" },
		{ "x@xn--mgbh0fb.xn--kgbechtv", "x@xn--mgbh0fb.xn--kgbechtv" },
		{ "", NULL },
		{ "reader", NULL },
		{ "reader@", NULL },
		{ "@example.org", NULL },
		{ "a@@example.org", NULL },
		{ "a@b@example.org", NULL },
		{ "reader@localhost", NULL },
		{ "reader@10.0.0.1", NULL },
		{ "reader@example.c", NULL },
		{ "re ader@example.org", NULL },
		{ "reader@exa mple.org", NULL },
		{ "reader@example.org\r\nBcc: victim@example.org", NULL },
		{ "\"quoted\"@example.org", NULL },
		{ ".dot@example.org", NULL },
		{ "dot.@example.org", NULL },
		{ "do..t@example.org", NULL },
		{ "reader@-bad.example.org", NULL },
		{ "reader@bad-.example.org", NULL },
		{ "reader@exa_mple.org", NULL },
		{ "réader@example.org", NULL },
		{ "reader@example..org", NULL },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "@example.org", NULL },  /* 65 before the @ */
	};
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *out = NULL, *why = NULL;
		int rc = mail_addr_normalize(&a, cases[i].in, &out, &why);

		if (cases[i].out) {
			if (rc != 0)
				fail_msg("%s refused: %s", cases[i].in, why);
			assert_string_equal(out, cases[i].out);
		} else {
			if (rc == 0)
				fail_msg("%s accepted as %s", cases[i].in, out);
			assert_non_null(why);
		}
	}
	assert_string_equal(mail_addr_domain(&a, "The Desk <news@Desk.example>"),
	    "Desk.example");
	assert_string_equal(mail_addr_bare(&a, "The Desk <news@desk.example>"),
	    "news@desk.example");
	arena_release(&a);
}

static void
lists(void **state)
{
	(void)state;
	assert_true(mail_list_valid("digest"));
	assert_true(mail_list_valid("breaking"));
	assert_true(mail_list_valid("section:developments"));
	assert_true(mail_list_valid("column:diplomatic-buzz"));
	assert_false(mail_list_valid("section:"));
	assert_false(mail_list_valid("section:a b"));
	assert_false(mail_list_valid("section:<x>"));
	assert_false(mail_list_valid("everything"));
	assert_false(mail_list_valid(NULL));
}

static void
tokens_and_verp(void **state)
{
	char t1[MAIL_TOKEN_LEN + 1], t2[MAIL_TOKEN_LEN + 1];
	char h1[MAIL_HASH_LEN + 1], h2[MAIL_HASH_LEN + 1], local[64];
	unsigned char key[32] = { 1, 2, 3 }, other[32] = { 9 };
	int64_t id = 0;

	(void)state;
	mail_token_new(t1);
	mail_token_new(t2);
	assert_true(mail_token_ok(t1));
	assert_string_not_equal(t1, t2);
	assert_false(mail_token_ok("short"));
	assert_false(mail_token_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa<"));
	mail_token_hash(t1, h1);
	mail_token_hash(t1, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), MAIL_HASH_LEN);
	mail_verp_local(key, 1234, local);
	assert_int_equal(strncmp(local, "bounces+1234-", 13), 0);
	assert_int_equal(mail_verp_check(key, local, &id), 0);
	assert_int_equal(id, 1234);
	/* the MAC: another key, another id, a changed digit fail */
	assert_int_not_equal(mail_verp_check(other, local, &id), 0);
	local[9] = '5';                /* bounces+1534-... */
	assert_int_not_equal(mail_verp_check(key, local, &id), 0);
	assert_int_not_equal(mail_verp_check(key, "bounces+x-00", &id), 0);
}

static void
quoted_printable(void **state)
{
	struct buf b = BUF_INIT(0);
	const char *in = "Caf\xc3\xa9 = 100%\nFrom here\n.dot\ntrailing \n"
	    "a very long line that goes on and on and on and on and on and on "
	    "and on and on and on and on and on\n";
	const char *p;

	(void)state;
	mail_qp_encode(&b, in, strlen(in));
	assert_non_null(strstr(b.ptr, "Caf=C3=A9 =3D 100%\r\n"));
	assert_non_null(strstr(b.ptr, "=46rom here\r\n"));
	assert_non_null(strstr(b.ptr, "=2Edot\r\n"));
	assert_non_null(strstr(b.ptr, "trailing=20\r\n"));
	/* no line over 76 characters */
	for (p = b.ptr; *p;) {
		const char *e = strstr(p, "\r\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);

		assert_true(n <= 76);
		p += n + (e ? 2 : 0);
	}
	buf_release(&b);
}

static void
headers_refuse_injection(void **state)
{
	struct buf b = BUF_INIT(0);

	(void)state;
	assert_int_equal(mail_header_set(&b, "Subject", "ok"), 0);
	assert_int_equal(mail_header_set(&b, "Subject", "x\r\nBcc: a@b.example"),
	    ND_EINVAL);
	assert_int_equal(mail_header_set(&b, "Subject", "x\nBcc: a@b.example"),
	    ND_EINVAL);
	assert_int_equal(mail_header_set(&b, "Bad Name", "x"), ND_EINVAL);
	buf_release(&b);
}

static void
message_has_what_every_mail_needs(void **state)
{
	struct buf b = BUF_INIT(0);
	struct mail_message m = {
		.from = "The Desk <news@desk.example>",
		.to = "reader@example.org",
		.subject = "Résumé of the day",
		.message_id = "<abc.1@desk.example>",
		.date = 1796630400,
		.list_id = "The Desk <digest.desk.example>",
		.unsub_url = "https://desk.example/unsubscribe?t=TOKEN",
		.unsub_mailto = "mailto:bounces+1-00@desk.example?subject=unsubscribe",
		.text = "Hello\n",
		.html = "<p>Hello</p>\n",
	};

	(void)state;
	if (mail_message_build(&b, &m) != 0)
		fail_msg("build: %s", err_msg());
	assert_non_null(strstr(b.ptr, "Date: "));
	assert_non_null(strstr(b.ptr, "Message-ID: <abc.1@desk.example>\r\n"));
	assert_non_null(strstr(b.ptr, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(b.ptr, "List-Unsubscribe: "
	    "<https://desk.example/unsubscribe?t=TOKEN>,\r\n <mailto:"));
	assert_non_null(strstr(b.ptr, "List-Unsubscribe-Post: "
	    "List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(b.ptr, "Content-Type: multipart/alternative;"));
	assert_non_null(strstr(b.ptr, "Content-Type: text/plain; charset=utf-8"));
	assert_non_null(strstr(b.ptr, "Content-Type: text/html; charset=utf-8"));
	assert_non_null(strstr(b.ptr, "Content-Transfer-Encoding: "
	    "quoted-printable"));
	/* no bare LF anywhere */
	for (size_t i = 0; i < b.len; i++)
		if (b.ptr[i] == '\n')
			assert_true(i > 0 && b.ptr[i - 1] == '\r');
	buf_reset(&b);
	m.subject = "x\r\nBcc: victim@example.org";
	assert_int_equal(mail_message_build(&b, &m), ND_EINVAL);
	buf_release(&b);
}

static void
bounces_from_samples(void **state)
{
	static const struct {
		const char *file;
		int kind;
		const char *status, *recipient, *verp, *format;
	} cases[] = {
		{ "postfix-user-unknown.eml", MAIL_BOUNCE_HARD, "5.1.1",
		  "gone@reader.example", "bounces+42-0123456789abcdef", "dsn" },
		{ "postfix-mailbox-full.eml", MAIL_BOUNCE_SOFT, "4.2.2",
		  "full@reader.example", "bounces+43-fedcba9876543210", "dsn" },
		{ "postfix-delayed.eml", MAIL_BOUNCE_NONE, NULL, NULL,
		  "bounces+47-1111222233334444", "dsn" },
		{ "exim-permanent.eml", MAIL_BOUNCE_HARD, "5.1.1",
		  "nobody@isp.example", "bounces+44-00112233aabbccdd", "text" },
		{ "gmail-nosuchuser.eml", MAIL_BOUNCE_HARD, "5.1.1",
		  "no.such.reader@gmail.com", "bounces+45-99887766554433aa",
		  "dsn" },
		{ "microsoft-ndr.eml", MAIL_BOUNCE_HARD, "5.5.0",
		  "closed.account@outlook.com", "bounces+46-a0a1a2a3a4a5a6a7",
		  "dsn" },
		{ "qmail-failure.eml", MAIL_BOUNCE_HARD, "5.1.1",
		  "someone@old.example", "bounces+48-5555666677778888", "text" },
		{ "vacation-autoreply.eml", MAIL_BOUNCE_AUTOREPLY, NULL, NULL,
		  "bounces+49-9999aaaabbbbcccc", "autoreply" },
		{ "unsubscribe-mailto.eml", MAIL_BOUNCE_UNSUBSCRIBE, NULL, NULL,
		  "bounces+50-0000111122223333", "unsubscribe" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a = ARENA_INIT;
		struct mail_bounce b;
		char path[512];
		size_t len = 0;
		char *msg;

		snprintf(path, sizeof(path), "tests/data/dsn/%s", cases[i].file);
		msg = test_read_file(path, &len);
		if (!msg)
			fail_msg("missing fixture %s", path);
		assert_int_equal(mail_bounce_parse(&a, msg, len, &b), 0);
		if (b.kind != cases[i].kind)
			fail_msg("%s: kind %d, expected %d", cases[i].file, b.kind,
			    cases[i].kind);
		if (cases[i].status)
			assert_string_equal(b.status, cases[i].status);
		if (cases[i].recipient)
			assert_string_equal(b.recipient, cases[i].recipient);
		assert_non_null(b.verp);
		assert_string_equal(b.verp, cases[i].verp);
		assert_non_null(b.format);
		assert_string_equal(b.format, cases[i].format);
		/* CRLF line ends give the same result */
		{
			struct buf crlf = BUF_INIT(0);
			struct mail_bounce b2;

			for (size_t k = 0; k < len; k++) {
				if (msg[k] == '\n')
					buf_addc(&crlf, '\r');
				buf_addc(&crlf, msg[k]);
			}
			assert_int_equal(mail_bounce_parse(&a, crlf.ptr, crlf.len,
			    &b2), 0);
			assert_int_equal(b2.kind, b.kind);
			buf_release(&crlf);
		}
		free(msg);
		arena_release(&a);
	}
}

static void
not_bounces(void **state)
{
	static const char *const msgs[] = {
		"",
		"From: a@b.example\nSubject: hello\n\nJust a letter. 550 words.\n",
		"no headers at all",
		"Content-Type: multipart/report; boundary=\"\"\n\n--\n",
		"Content-Type: multipart/report; report-type=delivery-status; "
		"boundary=x\n\n--x\nContent-Type: message/delivery-status\n\n"
		"Final-Recipient: rfc822; a@b.example\n--x--\n",
	};
	struct arena a = ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct mail_bounce b;

		assert_int_equal(mail_bounce_parse(&a, msgs[i], strlen(msgs[i]),
		    &b), 0);
		assert_int_equal(b.kind, MAIL_BOUNCE_NONE);
	}
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses),
		cmocka_unit_test(lists),
		cmocka_unit_test(tokens_and_verp),
		cmocka_unit_test(quoted_printable),
		cmocka_unit_test(headers_refuse_injection),
		cmocka_unit_test(message_has_what_every_mail_needs),
		cmocka_unit_test(bounces_from_samples),
		cmocka_unit_test(not_bounces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
