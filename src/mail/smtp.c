/*
 * smtp: delivery through libcurl's SMTP. One easy handle is kept for a
 * whole run, so its connection (and TLS session) is reused from one mail
 * to the next. smtp:// upgrades with STARTTLS when the server offers it
 * (CURLUSESSL_TRY), smtps:// is TLS from the start; certificates are
 * always verified.
 *
 * What counts as what: a reply code 5xx (at MAIL, RCPT or DATA) is
 * permanent; 4xx, no connection, a timeout or a dropped connection is
 * temporary. libcurl reports the last reply code (CURLINFO_RESPONSE_CODE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/xmalloc.h"
#include "mail/mail.h"
#include "core/banned.h"

struct mail_smtp {
	CURL *curl;
	char *url;
	char *user, *password;
	char *ca_file;               /* NULL: the system's CAs */
	char errbuf[CURL_ERROR_SIZE];
};

struct upload {
	const char *p;
	size_t len, off;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *payload)
{
	struct upload *u = payload;
	size_t n = size * nmemb;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(dst, u->p + u->off, n);
	u->off += n;
	return n;
}

int
mail_smtp_new(struct mail_smtp **out, const struct config *cfg)
{
	struct mail_smtp *s;
	struct buf pw = BUF_INIT(4096);
	int rc;

	*out = NULL;
	if (!cfg->mail.smtp_url || !*cfg->mail.smtp_url)
		return err_set(ND_EINVAL, "mail: [mail] smtp_url is not set");
	s = xcalloc(1, sizeof(*s));
	s->url = xstrdup(cfg->mail.smtp_url);
	if (cfg->mail.ca_file && *cfg->mail.ca_file)
		s->ca_file = xstrdup(cfg->mail.ca_file);
	if (cfg->mail.user && *cfg->mail.user) {
		s->user = xstrdup(cfg->mail.user);
		if (cfg->mail.password_file && *cfg->mail.password_file) {
			size_t n;

			if ((rc = buf_read_file(&pw, cfg->mail.password_file))
			    < 0) {
				buf_release(&pw);
				mail_smtp_free(s);
				return rc;
			}
			n = strcspn(pw.ptr, "\r\n");
			s->password = xstrndup(pw.ptr, n);
			sodium_memzero(pw.ptr, pw.len);
		}
	}
	buf_release(&pw);
	if (!(s->curl = curl_easy_init())) {
		mail_smtp_free(s);
		return err_set(ND_ENOMEM, "mail: cannot start curl");
	}
	*out = s;
	return 0;
}

void
mail_smtp_free(struct mail_smtp *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	if (s->password) {
		memset(s->password, 0, strlen(s->password));
		free(s->password);
	}
	free(s->user);
	free(s->ca_file);
	free(s->url);
	free(s);
}

int
mail_smtp_send(struct mail_smtp *s, const char *return_path,
    const char *rcpt, const char *msg, size_t len, int *out_code,
    char *out_err, size_t err_len)
{
	struct curl_slist *to = NULL;
	struct upload u = { msg, len, 0 };
	char from[512], rc_to[512];
	long code = 0;
	CURLcode cc;
	CURL *c = s->curl;

	*out_code = 0;
	if (out_err && err_len)
		out_err[0] = '\0';
	snprintf(from, sizeof(from), "<%s>", return_path);
	snprintf(rc_to, sizeof(rc_to), "<%s>", rcpt);
	if (!(to = curl_slist_append(NULL, rc_to)))
		return MAIL_SEND_TEMP;
	/* the same handle each time: options persist, the connection is
	 * kept between transfers */
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (s->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
	if (s->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		if (s->password)
			curl_easy_setopt(c, CURLOPT_PASSWORD, s->password);
	}
	s->errbuf[0] = '\0';
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(to);
	*out_code = (int)code;
	if (cc == CURLE_OK && (code == 0 || (code >= 200 && code < 300)))
		return MAIL_SEND_OK;
	if (out_err && err_len)
		snprintf(out_err, err_len, "%s%s%s", curl_easy_strerror(cc),
		    s->errbuf[0] ? ": " : "", s->errbuf);
	if (cc == CURLE_OK && out_err && err_len)
		snprintf(out_err, err_len, "server replied %ld", code);
	/* a refusal of the recipient or of the message is the address's;
	 * one of our login or our sender is ours, and is retried */
	if (code >= 500 && code < 600 && cc != CURLE_LOGIN_DENIED &&
	    !strstr(s->errbuf, "MAIL failed"))
		return MAIL_SEND_PERM;
	return MAIL_SEND_TEMP;
}
