/*
 * msg: one outgoing message as bytes: headers through one door
 * (mail_header_set, which refuses CR and LF, so no value can add a
 * header), and a multipart/alternative body of text and HTML in UTF-8,
 * quoted-printable so every line stays under 78 characters whatever the
 * content. CRLF throughout, as SMTP wants it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "mail/mail.h"
#include "core/banned.h"

int
mail_header_set(struct buf *b, const char *name, const char *value)
{
	size_t col;
	const char *p;

	if (!name || !*name || !value)
		return err_set(ND_EINVAL, "mail: empty header");
	for (p = name; *p; p++)
		if (!str_isalnum((unsigned char)*p) && *p != '-')
			return err_set(ND_EINVAL, "mail: bad header name");
	for (p = value; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\0')
			return err_set(ND_EINVAL, "mail: %s: line break in a "
			    "header value", name);
	buf_adds(b, name);
	buf_adds(b, ": ");
	col = strlen(name) + 2;
	/* fold long values at their spaces (RFC 5322 2.2.3) */
	p = value;
	while (*p) {
		const char *sp = strchr(p + 1, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);

		if (col + n > 78 && col > strlen(name) + 2 && *p == ' ') {
			buf_adds(b, "\r\n");
			col = 0;
		}
		buf_add(b, p, n);
		col += n;
		p += n;
	}
	buf_adds(b, "\r\n");
	return buf_err(b);
}

void
mail_qp_encode(struct buf *out, const char *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		bool is_eol = c == '\n' || (c == '\r' && i + 1 < len &&
		    p[i + 1] == '\n');
		bool is_enc;

		if (is_eol) {
			if (c == '\r')
				i++;
			buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		/* space or tab before a line end must be encoded; so is a
		 * line that starts "From " (mbox) or "." */
		is_enc = c == '=' || c < 32 || c > 126 ||
		    ((c == ' ' || c == '\t') && (i + 1 == len ||
		    p[i + 1] == '\n' || p[i + 1] == '\r')) ||
		    (col == 0 && (c == '.' || (c == 'F' &&
		    len - i >= 5 && memcmp(p + i, "From ", 5) == 0)));
		if (c == '\t' && !is_enc)
			is_enc = false;
		if (col + (is_enc ? 3 : 1) > 75) {
			buf_adds(out, "=\r\n");
			col = 0;
		}
		if (is_enc) {
			buf_addc(out, '=');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
			col += 3;
		} else {
			buf_addc(out, (char)c);
			col++;
		}
	}
}

static bool
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 126 || (unsigned char)*s < 32)
			return false;
	return true;
}

/* RFC 2047 encoded words of at most 45 input bytes each, cut on UTF-8
 * boundaries, separated by spaces (where the header folds). */
static void
encode_words(struct buf *b, const char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		size_t n = len - i > 45 ? 45 : len - i;
		char enc[128];

		while (n < len - i && n > 0 &&
		    ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)s + i,
		    n, sodium_base64_VARIANT_ORIGINAL);
		if (i)
			buf_addc(b, ' ');
		buf_adds(b, "=?UTF-8?B?");
		buf_adds(b, enc);
		buf_adds(b, "?=");
		i += n;
	}
}

static int
add_encoded(struct buf *b, const char *name, const char *value)
{
	struct buf v = BUF_INIT(4096);
	int rc;

	if (strpbrk(value, "\r\n"))
		return err_set(ND_EINVAL, "mail: %s: line break in a header "
		    "value", name);
	if (is_ascii(value))
		return mail_header_set(b, name, value);
	encode_words(&v, value);
	rc = mail_header_set(b, name, v.ptr);
	buf_release(&v);
	return rc;
}

static void
add_part(struct buf *out, const char *boundary, const char *type,
    const char *body)
{
	buf_addf(out, "--%s\r\n", boundary);
	buf_addf(out, "Content-Type: %s; charset=utf-8\r\n", type);
	buf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	mail_qp_encode(out, body, strlen(body));
	buf_adds(out, "\r\n");
}

int
mail_message_build(struct buf *out, const struct mail_message *m)
{
	unsigned char rnd[12];
	char boundary[64], rhex[25], date[64];
	struct tm tm;
	time_t t = (time_t)m->date;
	int rc;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(rhex, sizeof(rhex), rnd, sizeof(rnd));
	snprintf(boundary, sizeof(boundary), "=_nd_%s", rhex);
	if ((rc = mail_header_set(out, "Date", date)) < 0 ||
	    (rc = mail_header_set(out, "From", m->from)) < 0 ||
	    (rc = mail_header_set(out, "To", m->to)) < 0 ||
	    (rc = add_encoded(out, "Subject", m->subject)) < 0 ||
	    (rc = mail_header_set(out, "Message-ID", m->message_id)) < 0 ||
	    (rc = mail_header_set(out, "MIME-Version", "1.0")) < 0)
		return rc;
	if (m->list_id && (rc = add_encoded(out, "List-Id", m->list_id)) < 0)
		return rc;
	if (m->unsub_url) {
		struct buf v = BUF_INIT(8192);

		buf_addf(&v, "<%s>", m->unsub_url);
		if (m->unsub_mailto)
			buf_addf(&v, ", <%s>", m->unsub_mailto);
		rc = mail_header_set(out, "List-Unsubscribe", v.ptr);
		buf_release(&v);
		if (rc < 0 || (rc = mail_header_set(out, "List-Unsubscribe-Post",
		    "List-Unsubscribe=One-Click")) < 0)
			return rc;
	}
	if (!m->html) {
		buf_adds(out, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		mail_qp_encode(out, m->text, strlen(m->text));
		buf_adds(out, "\r\n");
		return buf_err(out);
	}
	buf_addf(out, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"%s\"\r\n\r\n", boundary);
	add_part(out, boundary, "text/plain", m->text);
	add_part(out, boundary, "text/html", m->html);
	buf_addf(out, "--%s--\r\n", boundary);
	return buf_err(out);
}
