/*
 * mail: readers' email (issue 11): addresses and tokens, the messages we
 * send (MIME, List-Unsubscribe, VERP), delivery over SMTP (libcurl), the
 * queue worker, the daily digest, and the parser of bounces.
 *
 * Design: the store's mail queue is the only way out. Every mail is a
 * queue row with a fixed Message-ID, claimed with a lease, sent, and
 * marked; the sender keeps no state of its own, so a killed process
 * loses at most the one mail in flight (sent again, same Message-ID,
 * once its lease runs out) and sends nothing else twice. Tokens in links
 * are made when their mail is sent; the store keeps only their hashes.
 *
 * The parsers here (mail_addr_normalize, mail_bounce_parse) are pure:
 * memory in, structs out, in the caller's arena, fuzzed.
 */
#ifndef ND_MAIL_MAIL_H
#define ND_MAIL_MAIL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct arena;
struct buf;
struct config;
struct store;
struct tmpl_set;
struct tz;

/* ---- addresses, lists, tokens (addr.c) ---- */

#define MAIL_ADDR_MAX 254

/*
 * The address as we store it: trimmed, the domain lower-cased (and the
 * local part, as nearly every provider treats it). 0, or ND_EINVAL with
 * *out_why (static, for the reader: "The address needs an @ and a domain")
 * when it is not a deliverable-looking address: length, one @, dot-atom
 * local part, a domain of LDH labels with a dot and a letter TLD, no
 * control characters or spaces. In a.
 */
int mail_addr_normalize(struct arena *a, const char *in, const char **out,
    const char **out_why);
/* The domain of an address ("Name <a@b.example>" too), or NULL. In a. */
const char *mail_addr_domain(struct arena *a, const char *addr);
/* The bare address of "Name <a@b>" or "a@b", or NULL. In a. */
const char *mail_addr_bare(struct arena *a, const char *addr);

/* "digest", "breaking", "section:SLUG", "column:SLUG" (slug: [a-z0-9-],
 * at most 64). */
bool mail_list_valid(const char *list);

#define MAIL_TOKEN_LEN 43            /* 32 random bytes, base64url */
#define MAIL_HASH_LEN 64             /* hex BLAKE2b-256 */
/* A new random token, NUL-terminated. */
void mail_token_new(char out[MAIL_TOKEN_LEN + 1]);
/* Whether s has a token's shape (length and alphabet). */
bool mail_token_ok(const char *s);
/* The hash the store keeps of a token. */
void mail_token_hash(const char *tok, char out[MAIL_HASH_LEN + 1]);

/* The VERP local part "bounces+ID-MAC" of subscriber id under the desk's
 * mail secret (MAC: 16 hex of keyed BLAKE2b), in out. */
void mail_verp_local(const unsigned char key[32], int64_t id,
    char out[64]);
/* The subscriber of a VERP address ("bounces+ID-MAC@domain" or its local
 * part), when the MAC is right; else ND_EINVAL. */
int mail_verp_check(const unsigned char key[32], const char *addr,
    int64_t *out_id);

/* ---- one message (msg.c) ---- */

struct mail_message {
	const char *from;            /* "Name <a@b>" or "a@b" */
	const char *to;
	const char *subject;         /* UTF-8; encoded (RFC 2047) if needed */
	const char *message_id;      /* "<...@...>" */
	int64_t date;
	const char *list_id;         /* "Name <digest.example.org>", or NULL */
	const char *unsub_url;       /* https://.../unsubscribe?t=... */
	const char *unsub_mailto;    /* mailto:...?subject=unsubscribe */
	const char *text;            /* UTF-8 plain text */
	const char *html;            /* UTF-8 HTML, NULL: text only */
};

/*
 * Appends header "Name: value" + CRLF to b; ND_EINVAL for a CR or LF in
 * the value or a name that is not a token (no header injection).
 */
int mail_header_set(struct buf *b, const char *name, const char *value);
/*
 * The whole RFC 5322 message: headers (Date, From, To, Subject,
 * Message-ID, MIME-Version, List-Unsubscribe and List-Unsubscribe-Post
 * when unsub_url is set, List-Id) and a multipart/alternative body of
 * text/plain and text/html (UTF-8, quoted-printable), CRLF line ends.
 * ND_EINVAL for a header value with CR/LF.
 */
int mail_message_build(struct buf *out, const struct mail_message *m);
/* Quoted-printable (RFC 2045) of p, CRLF line ends, lines <= 76. */
void mail_qp_encode(struct buf *out, const char *p, size_t len);

/* ---- SMTP (smtp.c) ---- */

struct mail_smtp;

enum mail_send_result {
	MAIL_SEND_OK = 0,
	MAIL_SEND_TEMP = 1,          /* 4xx, no connection, timeout: retry */
	MAIL_SEND_PERM = 2,          /* 5xx: the address is refused */
};

/* A connection to [mail] smtp_url, made on the first send and kept for
 * the next ones. ND_EINVAL without smtp_url or from. */
int mail_smtp_new(struct mail_smtp **out, const struct config *cfg);
void mail_smtp_free(struct mail_smtp *s);
/*
 * Sends msg (a whole message) from the return path to rcpt. Returns the
 * result; *out_code is the server's last reply code (0: none) and
 * out_err (may be NULL) gets a one-line reason.
 */
int mail_smtp_send(struct mail_smtp *s, const char *return_path,
    const char *rcpt, const char *msg, size_t len, int *out_code,
    char *out_err, size_t err_len);

/* ---- what every mail needs of the desk ---- */

struct mail_env {
	const struct config *cfg;
	const char *base_url;        /* the site, no trailing slash */
	const char *from;            /* [mail] from */
	const char *domain;          /* Message-IDs */
	const char *bounce_domain;   /* VERP */
	struct tz *tz;
	struct tmpl_set *tmpl;       /* the theme (mail_*.html) */
	unsigned char key[32];       /* the store's mail secret */
};

/* Fills env from the configuration and the store; ND_EINVAL with a clear
 * message when [mail] from or a base URL is missing. Caller frees with
 * mail_env_release. */
int mail_env_init(struct mail_env *env, const struct config *cfg,
    struct store *st);
void mail_env_release(struct mail_env *env);
/* A new Message-ID "<random@domain>", in a. */
const char *mail_message_id(struct arena *a, const struct mail_env *env);

/* ---- the queue worker (queue.c) ---- */

struct mail_run_stats {
	size_t sent, retried, failed, dropped;
	int64_t wait_until;          /* rate window or retry: next try (0:
	                              * queue empty) */
	bool is_rate_limited;
};

/*
 * Sends due mail one at a time until none is due (or max sent, 0 = no
 * limit, or *stop becomes true): claim, render (fresh tokens whose hashes
 * go to the store), send, mark. A temporary failure is retried later
 * ([mail] retry_s, doubling, up to max_attempts); a permanent one fails
 * the mail and suppresses the address. Store errors stop the run
 * (returned); SMTP errors do not.
 */
int mail_queue_run(struct mail_env *env, struct store *st, size_t max,
    const atomic_bool *stop, struct mail_run_stats *out);

/* Renders the mail of one claimed queue row into out (for dry runs and
 * the worker). Tokens are made and their hashes stored. */
struct mail_msg;
int mail_render(struct mail_env *env, struct store *st, struct arena *a,
    const struct mail_msg *m, struct buf *out);

/* ---- digests (digest.c) ---- */

/* What a digest shows: filled by mail_digest_gather. */
struct mail_digest {
	const char *list;
	int64_t since, now;
	const char *subject;
	const char *text;            /* with the token marker */
	const char *html;
	size_t n_stories;
	size_t n_posts;              /* the desk's own posts (none yet) */
};

/* The marker replaced by each recipient's manage token when sent. */
#define MAIL_TOKEN_MARKER "ND-TOKEN-8c1f0e"

/*
 * Builds the digest of list: the top stories since `since`, or with since
 * 0 since the list's last digest (the last day for the first), as text
 * and HTML (theme/mail_digest.html). n_stories 0 means there is nothing
 * to send. In a.
 */
int mail_digest_build(struct mail_env *env, struct store *st,
    struct arena *a, const char *list, int64_t since, int64_t now,
    struct mail_digest *out);
/*
 * Builds and queues the digest of list to its active subscribers
 * (dry_run: prints the message one subscriber would get to out, queues
 * nothing). *out_n is how many were queued.
 */
int mail_digest_send(struct mail_env *env, struct store *st, const char *list,
    int64_t since, int64_t now, bool dry_run, FILE *out, size_t *out_n);
/* The time of the next daily digest after now: [mail] digest_hour in the
 * desk's zone; 0 when off. */
int64_t mail_digest_next(const struct mail_env *env, int64_t now);

/* ---- breaking-news alerts (breaking.c) ---- */

struct post;
/* The alert of post p as text and HTML (theme/mail_breaking.html), with
 * the token marker where each recipient's manage token goes. In a. */
int mail_breaking_build(struct mail_env *env, struct arena *a,
    const struct post *p, int64_t now, const char **out_subject,
    const char **out_text, const char **out_html);
/*
 * Queues the alert of every post asked to go out as breaking news that is
 * published and not sent yet (store_breaking_pending), once each: one
 * mail per confirmed subscriber of the breaking list. *out_posts and
 * *out_mails say how many.
 */
int mail_breaking_queue(struct mail_env *env, struct store *st, int64_t now,
    size_t *out_posts, size_t *out_mails);

/* ---- the schedule (sched.c): what `newsdesk run` does for mail ---- */

/*
 * Whether list's daily digest is due at now: past today's [mail]
 * digest_hour in the desk's zone, and not sent since then (so a restart
 * after the hour sends it once, and a desk that was down at the hour
 * still sends that day's).
 */
bool mail_digest_due(const struct mail_env *env, struct store *st,
    const char *list, int64_t now);
/*
 * One round of the mail loop: expires old sign-ups, queues every due
 * digest ("digest" and each section's list with subscribers), then sends
 * what is due (mail_queue_run, stopping when *stop becomes true).
 */
int mail_tick(struct mail_env *env, struct store *st, int64_t now,
    const atomic_bool *stop, struct mail_run_stats *out);

/* ---- bounces (bounce.c: pure) ---- */

enum mail_bounce_kind {
	MAIL_BOUNCE_NONE = 0,        /* not a bounce (or not understood) */
	MAIL_BOUNCE_HARD,            /* 5.x.x: the address does not work */
	MAIL_BOUNCE_SOFT,            /* 4.x.x: full mailbox, greylisting */
	MAIL_BOUNCE_AUTOREPLY,       /* vacation, Auto-Submitted: ignored */
	MAIL_BOUNCE_UNSUBSCRIBE,     /* a reader's mail to the
	                              * List-Unsubscribe mailto */
};

struct mail_bounce {
	int kind;                    /* enum mail_bounce_kind */
	const char *verp;            /* the bounces+ID-MAC local part found
	                              * in To/Delivered-To/X-Original-To, or
	                              * NULL */
	const char *recipient;       /* Final-Recipient / Original-Recipient
	                              * or the address a plain bounce names */
	const char *status;          /* "5.1.1" */
	const char *diagnostic;      /* the server's words, one line */
	const char *format;          /* "dsn" (RFC 3464), "text", "autoreply",
	                              * "unsubscribe" */
};

/* Caps on what one message may be (a mailbox is split by the caller). */
#define MAIL_BOUNCE_MAX (4u << 20)

/*
 * Reads one message (headers and body, any line ends): an RFC 3464
 * multipart/report DSN, a common non-standard bounce (Exim, qmail,
 * Postfix without DSN, Microsoft text), or an auto-reply. Everything in
 * a. Returns 0 (kind NONE when it is none of them), ND_ETOOBIG over
 * MAIL_BOUNCE_MAX.
 */
int mail_bounce_parse(struct arena *a, const char *msg, size_t len,
    struct mail_bounce *out);

/*
 * Calls fn for each message of a mailbox: an mbox file ("From " lines,
 * ">From " unescaped) or a maildir (cur/ and new/). ND_ENOTFOUND,
 * ND_EIO. fn returning < 0 stops with that code.
 */
int mail_mailbox_each(const char *path,
    int (*fn)(const char *msg, size_t len, void *payload), void *payload);

#endif
