/*
 * bounce: what a message that came back to our return path says. Pure:
 * bytes in, a struct mail_bounce out, in the caller's arena; fuzzed
 * (fuzz_bounce.c).
 *
 * In order: an RFC 3464 delivery status notification (multipart/report;
 * report-type=delivery-status: the per-recipient Action, Status and
 * Final-Recipient decide), then the common bounces that are not DSNs
 * (qmail, old Exim, Microsoft and Google text: the sender looks like a
 * mailer daemon or the subject like a failure, and the body carries an
 * enhanced status code or an SMTP reply), then a reader's "unsubscribe"
 * mail to the List-Unsubscribe mailto, then auto-replies (Auto-Submitted,
 * X-Autoreply, "Out of office"), which are never bounces. A DSN comes
 * with Auto-Submitted too (RFC 3834), which is why DSNs are looked at
 * first. A "delayed" DSN is a warning, not a bounce.
 *
 * The subscriber is named by the VERP address the notification was sent
 * to (To, Delivered-To, X-Original-To, Envelope-To, else anywhere in the
 * message); the caller checks its MAC. Limits: MAIL_BOUNCE_MAX bytes,
 * MAX_PARTS parts, MAX_DEPTH levels of nesting, MAX_HEADERS per block.
 */
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "mail/mail.h"
#include "core/banned.h"

#define MAX_HEADERS 256
#define MAX_PARTS 64
#define MAX_DEPTH 4
#define FIELD_MAX 1024

struct hdr {
	const char *name, *value;    /* unfolded, trimmed, NUL-terminated */
};

struct block {
	struct hdr h[MAX_HEADERS];
	size_t n;
	struct str body;
};

/* One line of cur (without its end); false at the end. */
static bool
take_line(struct str *cur, struct str *line)
{
	const char *nl;

	if (cur->len == 0)
		return false;
	nl = memchr(cur->p, '\n', cur->len);
	if (!nl) {
		*line = *cur;
		cur->p += cur->len;
		cur->len = 0;
	} else {
		line->p = cur->p;
		line->len = (size_t)(nl - cur->p);
		cur->len -= line->len + 1;
		cur->p = nl + 1;
	}
	if (line->len && line->p[line->len - 1] == '\r')
		line->len--;
	return true;
}

/* Splits s into header fields and body (after the first empty line). */
static void
parse_block(struct arena *a, struct str s, struct block *b)
{
	struct str cur = s, line;
	struct buf v = BUF_INIT(FIELD_MAX + 1);
	const char *name = NULL;

	b->n = 0;
	b->body = (struct str){ s.p + s.len, 0 };
	for (;;) {
		struct str save = cur;
		bool has = take_line(&cur, &line);
		bool is_cont = has && line.len &&
		    (line.p[0] == ' ' || line.p[0] == '\t');

		if (name && !is_cont) {
			if (b->n < MAX_HEADERS) {
				struct str t = str_trim(str_make(v.ptr, v.len));

				b->h[b->n].name = name;
				b->h[b->n].value = arena_strndup(a, t.p, t.len);
				b->n++;
			}
			name = NULL;
			buf_reset(&v);
		}
		if (!has)
			break;
		if (line.len == 0) {
			b->body = cur;
			break;
		}
		if (is_cont) {
			/* over the cap: the rest of the field is left out */
			if (name && v.len + line.len + 1 < FIELD_MAX) {
				buf_addc(&v, ' ');
				buf_add(&v, line.p, line.len);
			}
			continue;
		}
		{
			const char *colon = memchr(line.p, ':', line.len);

			if (!colon || colon == line.p) {
				/* not a header: the body starts here (a
				 * message without the empty line) */
				if (b->n == 0 && !name) {
					b->body = save;
					break;
				}
				continue;
			}
			size_t vl = line.len - (size_t)(colon + 1 - line.p);

			name = arena_strndup(a, line.p,
			    (size_t)(colon - line.p));
			buf_add(&v, colon + 1, vl < FIELD_MAX - 1 ? vl :
			    FIELD_MAX - 1);
		}
	}
	buf_release(&v);
}

static const char *
hget(const struct block *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (str_casecmp(b->h[i].name, name) == 0)
			return b->h[i].value;
	return NULL;
}

/* A parameter of a Content-Type value ("boundary"), unquoted. In a. */
static const char *
param(struct arena *a, const char *v, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = v; p && *p; p++) {
		if ((p == v || p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t') &&
		    str_ncasecmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *s = p + nl + 1, *e;

			if (*s == '"') {
				s++;
				e = strchr(s, '"');
				if (!e)
					e = s + strlen(s);
			} else {
				e = s + strcspn(s, "; \t");
			}
			return arena_strndup(a, s, (size_t)(e - s));
		}
	}
	return NULL;
}

static bool
ctype_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	return ct && str_ncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The decoded body of a part (base64, quoted-printable or as is). */
static struct str
decode(struct arena *a, const struct block *b)
{
	const char *cte = hget(b, "Content-Transfer-Encoding");

	if (cte && str_casecmp(cte, "base64") == 0) {
		unsigned char *out = arena_alloc(a, b->body.len / 4 * 3 + 4);
		size_t n = 0;

		if (sodium_base642bin(out, b->body.len / 4 * 3 + 4, b->body.p,
		    b->body.len, " \t\r\n", &n, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0 && n == 0)
			return b->body;
		return str_make((const char *)out, n);
	}
	if (cte && str_casecmp(cte, "quoted-printable") == 0) {
		char *out = arena_alloc(a, b->body.len + 1);
		size_t n = 0;

		for (size_t i = 0; i < b->body.len; i++) {
			char c = b->body.p[i];

			if (c == '=' && i + 1 < b->body.len &&
			    (b->body.p[i + 1] == '\n' || b->body.p[i + 1] ==
			    '\r')) {
				i++;
				if (b->body.p[i] == '\r' && i + 1 < b->body.len
				    && b->body.p[i + 1] == '\n')
					i++;
				continue;
			}
			if (c == '=' && i + 2 < b->body.len &&
			    str_hexval((unsigned char)b->body.p[i + 1]) >= 0 &&
			    str_hexval((unsigned char)b->body.p[i + 2]) >= 0) {
				out[n++] = (char)(str_hexval((unsigned char)
				    b->body.p[i + 1]) * 16 + str_hexval(
				    (unsigned char)b->body.p[i + 2]));
				i += 2;
				continue;
			}
			out[n++] = c;
		}
		return str_make(out, n);
	}
	return b->body;
}

struct walk {
	struct arena *a;
	struct str parts[MAX_PARTS];      /* leaf parts (headers + body) */
	const char *ctypes[MAX_PARTS];
	size_t n;
};

/* Collects the leaf parts of a multipart body, depth-first. */
static void
walk_multipart(struct walk *w, struct str body, const char *boundary,
    int depth)
{
	size_t bl = strlen(boundary);
	struct str cur = body, line;
	const char *start = NULL;

	if (depth > MAX_DEPTH || bl == 0 || bl > 200)
		return;
	for (;;) {
		const char *lp = cur.p;
		bool has = take_line(&cur, &line);
		bool is_delim = has && line.len >= bl + 2 && line.p[0] == '-' &&
		    line.p[1] == '-' && memcmp(line.p + 2, boundary, bl) == 0;

		if (!has || is_delim) {
			if (start && w->n < MAX_PARTS) {
				struct str part = str_make(start,
				    (size_t)(lp - start));
				struct block *b = arena_zalloc(w->a, sizeof(*b));
				const char *ct;

				parse_block(w->a, part, b);
				ct = hget(b, "Content-Type");
				if (ctype_is(ct, "multipart/alternative") ||
				    ctype_is(ct, "multipart/mixed") ||
				    ctype_is(ct, "multipart/related") ||
				    ctype_is(ct, "multipart/report")) {
					const char *bd = param(w->a, ct,
					    "boundary");

					if (bd)
						walk_multipart(w, b->body, bd,
						    depth + 1);
				} else {
					w->parts[w->n] = part;
					w->ctypes[w->n] = ct;
					w->n++;
				}
			}
			if (!has)
				break;
			/* the closing delimiter "--b--" ends it */
			if (line.len >= bl + 4 && line.p[bl + 2] == '-' &&
			    line.p[bl + 3] == '-')
				break;
			start = cur.p;
		}
	}
}

/* An enhanced status code "4.2.2" at s (class 2, 4 or 5). */
static size_t
status_at(const char *s, size_t len)
{
	size_t i = 0, d;

	if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return 0;
	i = 2;
	for (int part = 0; part < 2; part++) {
		for (d = 0; i < len && str_isdigit((unsigned char)s[i]) && d < 3;
		    d++)
			i++;
		if (d == 0)
			return 0;
		if (part == 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < len && (str_isdigit((unsigned char)s[i]) || s[i] == '.'))
		return 0;
	return i;
}

/* The first enhanced status code in text (not preceded by a digit or a
 * dot: "10.5.1.1" is not one), in a. */
static const char *
find_status(struct arena *a, struct str t)
{
	for (size_t i = 0; i + 5 <= t.len; i++) {
		size_t n;

		if (i && (str_isdigit((unsigned char)t.p[i - 1]) ||
		    t.p[i - 1] == '.'))
			continue;
		if ((n = status_at(t.p + i, t.len - i)))
			return arena_strndup(a, t.p + i, n);
	}
	return NULL;
}

/* The first SMTP reply code "550 " / "550-" / "452 " in text: 4 or 5. */
static int
find_reply_class(struct str t)
{
	for (size_t i = 0; i + 4 <= t.len; i++) {
		if (i && str_isalnum((unsigned char)t.p[i - 1]))
			continue;
		if ((t.p[i] == '4' || t.p[i] == '5') &&
		    str_isdigit((unsigned char)t.p[i + 1]) &&
		    str_isdigit((unsigned char)t.p[i + 2]) &&
		    (t.p[i + 3] == ' ' || t.p[i + 3] == '-') &&
		    (t.p[i + 1] <= '5'))
			return t.p[i] - '0';
	}
	return 0;
}

static bool
contains_ci(struct str t, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= t.len; i++)
		if (str_ncasecmp(t.p + i, needle, n) == 0)
			return true;
	return false;
}

/* The address of a DSN recipient field: "rfc822; a@b" -> "a@b". */
static const char *
dsn_addr(struct arena *a, const char *v)
{
	const char *semi;
	struct str s;

	if (!v)
		return NULL;
	semi = strchr(v, ';');
	s = str_trim(str_of(semi ? semi + 1 : v));
	if (s.len && s.p[0] == '<' && s.p[s.len - 1] == '>') {
		s.p++;
		s.len -= 2;
	}
	return s.len && s.len <= MAIL_ADDR_MAX ? arena_strndup(a, s.p, s.len) :
	    NULL;
}

/* The first "bounces+...@" local part in text, in a. */
static const char *
find_verp(struct arena *a, struct str t)
{
	for (size_t i = 0; i + 8 <= t.len; i++) {
		size_t j;

		if (str_ncasecmp(t.p + i, "bounces+", 8) != 0)
			continue;
		for (j = i + 8; j < t.len && j - i < 64 &&
		    (str_isalnum((unsigned char)t.p[j]) || t.p[j] == '-'); j++)
			;
		if (j < t.len && t.p[j] == '@' && j > i + 8)
			return arena_strndup(a, t.p + i, j - i);
	}
	return NULL;
}

/* The first address in text other than the VERP one and mailer daemons,
 * for bounces that only name the recipient in prose. */
static const char *
find_addr(struct arena *a, struct str t)
{
	for (size_t i = 1; i < t.len; i++) {
		size_t s, e;
		const char *v;

		if (t.p[i] != '@')
			continue;
		for (s = i; s > 0 && (str_isalnum((unsigned char)t.p[s - 1]) ||
		    strchr("._%+-", t.p[s - 1])); s--)
			;
		for (e = i + 1; e < t.len && (str_isalnum((unsigned char)
		    t.p[e]) || t.p[e] == '.' || t.p[e] == '-'); e++)
			;
		while (e > i + 1 && t.p[e - 1] == '.')
			e--;
		if (s == i || e == i + 1 || e - s > MAIL_ADDR_MAX)
			continue;
		v = arena_strndup(a, t.p + s, e - s);
		if (str_ncasecmp(v, "bounces+", 8) == 0 ||
		    str_ncasecmp(v, "mailer-daemon@", 14) == 0 ||
		    str_ncasecmp(v, "postmaster@", 11) == 0 ||
		    !strchr(v + (i - s) + 1, '.'))
			continue;
		return v;
	}
	return NULL;
}

static int
class_of(const char *status)
{
	return status && (status[0] == '4' || status[0] == '5') ?
	    status[0] - '0' : 0;
}

/* RFC 3464: the per-message fields, then one block of fields per
 * recipient, blocks separated by empty lines; the first recipient that
 * failed decides. */
static bool
parse_dsn(struct arena *a, struct str ds, struct mail_bounce *out)
{
	struct str cur = ds, line;
	bool is_any = false, is_end = false;

	while (!is_end) {
		const char *start = cur.p;
		struct block *b;
		const char *action, *status, *rcpt;
		size_t n = 0;

		/* one block: up to the next empty line */
		for (;;) {
			const char *lp = cur.p;

			if (!take_line(&cur, &line)) {
				is_end = true;
				n = (size_t)(lp - start);
				break;
			}
			if (line.len == 0) {
				n = (size_t)(lp - start);
				break;
			}
		}
		if (n == 0)
			continue;
		b = arena_zalloc(a, sizeof(*b));
		parse_block(a, str_make(start, n), b);
		action = hget(b, "Action");
		status = hget(b, "Status");
		rcpt = hget(b, "Final-Recipient");
		if (!rcpt)
			rcpt = hget(b, "Original-Recipient");
		if (!action || !rcpt)
			continue;
		is_any = true;
		if (str_casecmp(action, "failed") != 0)
			continue;       /* delayed, delivered, relayed */
		out->recipient = dsn_addr(a, rcpt);
		out->status = status ? find_status(a, str_of(status)) : NULL;
		out->diagnostic = hget(b, "Diagnostic-Code");
		if (!out->status && out->diagnostic)
			out->status = find_status(a, str_of(out->diagnostic));
		out->kind = class_of(out->status) == 4 ? MAIL_BOUNCE_SOFT :
		    MAIL_BOUNCE_HARD;
		if (!out->status && out->diagnostic &&
		    find_reply_class(str_of(out->diagnostic)) == 4)
			out->kind = MAIL_BOUNCE_SOFT;
		out->format = "dsn";
		return true;
	}
	if (is_any)
		out->format = "dsn";    /* a delay or success report */
	return is_any;
}

static bool
looks_like_daemon(const struct block *top)
{
	const char *from = hget(top, "From"), *subj = hget(top, "Subject");
	static const char *const froms[] = { "mailer-daemon", "postmaster",
		"mail delivery", "mailer daemon", NULL };
	static const char *const subjects[] = { "undeliver", "undelivered",
		"delivery status notification", "mail delivery failed",
		"failure notice", "returned mail", "delivery failure",
		"could not be delivered", "non-delivery", NULL };

	for (size_t i = 0; from && froms[i]; i++)
		if (contains_ci(str_of(from), froms[i]))
			return true;
	for (size_t i = 0; subj && subjects[i]; i++)
		if (contains_ci(str_of(subj), subjects[i]))
			return true;
	return hget(top, "X-Failed-Recipients") != NULL;
}

static bool
is_autoreply(const struct block *top)
{
	const char *as = hget(top, "Auto-Submitted");
	const char *prec = hget(top, "Precedence");
	const char *subj = hget(top, "Subject");
	static const char *const subjects[] = { "out of office",
		"automatic reply", "auto:", "autoreply", "auto-reply",
		"vacation", "abwesenheit", "absence", NULL };

	if (as && str_casecmp(as, "no") != 0)
		return true;
	if (hget(top, "X-Autoreply") || hget(top, "X-Autorespond") ||
	    hget(top, "X-Auto-Response-Suppress"))
		return true;
	if (prec && (str_casecmp(prec, "auto_reply") == 0 ||
	    str_casecmp(prec, "bulk") == 0 || str_casecmp(prec, "junk") == 0))
		return true;
	for (size_t i = 0; subj && subjects[i]; i++)
		if (contains_ci(str_of(subj), subjects[i]))
			return true;
	return false;
}

/* Classifies a bounce without a DSN from its text. */
static void
parse_text(struct arena *a, const struct block *top, struct str text,
    struct mail_bounce *out)
{
	const char *failed = hget(top, "X-Failed-Recipients");
	int cls;

	out->format = "text";
	out->status = find_status(a, text);
	cls = class_of(out->status);
	if (!cls)
		cls = find_reply_class(text);
	if (!cls) {
		if (contains_ci(text, "mailbox is full") ||
		    contains_ci(text, "over quota") ||
		    contains_ci(text, "quota exceeded") ||
		    contains_ci(text, "temporar") ||
		    contains_ci(text, "try again"))
			cls = 4;
		else if (contains_ci(text, "permanent") ||
		    contains_ci(text, "does not exist") ||
		    contains_ci(text, "user unknown") ||
		    contains_ci(text, "no such user") ||
		    contains_ci(text, "no mailbox"))
			cls = 5;
	}
	/* qmail and others without any code: a failure is a failure, but
	 * an unknown one only counts as soft */
	out->kind = cls == 5 ? MAIL_BOUNCE_HARD : MAIL_BOUNCE_SOFT;
	out->recipient = failed ? mail_addr_bare(a, failed) : find_addr(a,
	    text);
	if (out->recipient && strchr(out->recipient, ','))
		out->recipient = arena_strndup(a, out->recipient,
		    strcspn(out->recipient, ","));
}

int
mail_bounce_parse(struct arena *a, const char *msg, size_t len,
    struct mail_bounce *out)
{
	struct block *top;
	struct walk *w;
	const char *ct;
	struct str text = { "", 0 };
	static const char *const rcpt_headers[] = { "X-Original-To",
		"Delivered-To", "Envelope-To", "To", NULL };

	memset(out, 0, sizeof(*out));
	if (len > MAIL_BOUNCE_MAX)
		return err_set(ND_ETOOBIG, "mail: message over %u bytes",
		    MAIL_BOUNCE_MAX);
	top = arena_zalloc(a, sizeof(*top));
	parse_block(a, str_make(msg, len), top);
	for (size_t i = 0; rcpt_headers[i] && !out->verp; i++) {
		const char *v = hget(top, rcpt_headers[i]);

		if (v)
			out->verp = find_verp(a, str_of(v));
	}
	if (!out->verp)
		out->verp = find_verp(a, str_make(msg, len));

	w = arena_zalloc(a, sizeof(*w));
	w->a = a;
	ct = hget(top, "Content-Type");
	if (ct && str_ncasecmp(ct, "multipart/", 10) == 0) {
		const char *bd = param(a, ct, "boundary");

		if (bd)
			walk_multipart(w, top->body, bd, 0);
	}
	if (ctype_is(ct, "multipart/report")) {
		for (size_t i = 0; i < w->n; i++) {
			struct block *b;

			if (!ctype_is(w->ctypes[i], "message/delivery-status") &&
			    !ctype_is(w->ctypes[i],
			    "message/global-delivery-status"))
				continue;
			b = arena_zalloc(a, sizeof(*b));
			parse_block(a, w->parts[i], b);
			if (parse_dsn(a, decode(a, b), out))
				return 0;
		}
	}
	/* the human-readable text: the first text/plain part, or the body */
	for (size_t i = 0; i < w->n && !text.len; i++)
		if (!w->ctypes[i] || ctype_is(w->ctypes[i], "text/plain")) {
			struct block *b = arena_zalloc(a, sizeof(*b));

			parse_block(a, w->parts[i], b);
			text = decode(a, b);
		}
	if (!text.len && w->n == 0)
		text = decode(a, top);
	if (looks_like_daemon(top)) {
		parse_text(a, top, text, out);
		return 0;
	}
	{
		const char *subj = hget(top, "Subject");

		if (subj && out->verp && str_ncasecmp(str_trim(str_of(subj)).p,
		    "unsubscribe", 11) == 0) {
			out->kind = MAIL_BOUNCE_UNSUBSCRIBE;
			out->format = "unsubscribe";
			return 0;
		}
	}
	if (is_autoreply(top)) {
		out->kind = MAIL_BOUNCE_AUTOREPLY;
		out->format = "autoreply";
	}
	return 0;
}
