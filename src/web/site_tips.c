/*
 * site_tips: the tips inbox (issue 11). /tips takes a message, a way to
 * be reached and a file, seals them at once to the editors' public key
 * ([tips] public_key, tips/tips.h) and stores only the sealed bytes; the
 * source gets a code phrase, with which /tips/reply shows the editors'
 * replies (sealed to a key only that phrase derives) and takes answers.
 *
 * What the server keeps of a source: nothing but the sealed bytes and the
 * day. The routes are ROUTE_NOLOG | ROUTE_PRIVATE (routes.c): no access-log
 * line, refused or not; Cache-Control no-store; Referrer-Policy
 * no-referrer; no cookie; the request body wiped when done (server.c).
 * The client's address is used for one thing, the rate limit below, as a
 * keyed hash in memory.
 *
 * The form token. These pages work without cookies (a source may block
 * them, and a cookie is a trace on their device), so the double-submit
 * CSRF cookie of dispatch.c cannot be used. The form carries instead a
 * token of its own: the time it was served and an HMAC of that time
 * under a random key this process made at start (never stored). A POST
 * must bring a token this process issued within [tips] form_max_age_s.
 * What that buys: a cookieless form has no ambient authority for a
 * cross-site request to abuse (a forged POST is no more than the
 * attacker posting a tip themselves), so the token is about freshness:
 * blind cross-site posts and canned replays of an old form are refused,
 * and a script must fetch the form first, which the rate limit counts.
 * The costs, said plainly: a form served before a restart, or by
 * another web node, is refused (the page then keeps the text and asks to
 * send again); several nodes would need sticky routing for /tips.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "tips/tips.h"
#include "web/web_int.h"
#include "core/banned.h"

#define TOKEN_FIELD "form_token"
#define RATE_SLOTS 4096              /* addresses tracked at once */
#define RATE_WINDOW 3600
#define THREAD_ID_CHARS 20           /* 100 random bits */

/* ---- per-process secrets: the token key and the rate-limit hash key ---- */

static pthread_once_t keys_once = PTHREAD_ONCE_INIT;
static unsigned char token_key[crypto_auth_hmacsha256_KEYBYTES];
static unsigned char rate_key[crypto_shorthash_KEYBYTES];
static bool keys_ok;

static void
keys_init(void)
{
	if (sodium_init() < 0)
		return;
	crypto_auth_hmacsha256_keygen(token_key);
	crypto_shorthash_keygen(rate_key);
	keys_ok = true;
}

static bool
keys_ready(void)
{
	pthread_once(&keys_once, keys_init);
	return keys_ok;
}

/* ---- the form token ---- */

static void
token_mac(char out[64], long long ts, const char *path)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state h;
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "newsdesk-tips-form|%lld|", ts);

	crypto_auth_hmacsha256_init(&h, token_key, sizeof(token_key));
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)msg,
	    (unsigned long long)n);
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)path,
	    strlen(path));
	crypto_auth_hmacsha256_final(&h, mac);
	sodium_bin2base64(out, 64, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A token for a form that posts to path: "TIME.MAC". */
static const char *
token_new(struct web_req *r, const char *path)
{
	long long ts = (long long)time(NULL);
	char mac[64];

	if (!keys_ready())
		return "";
	token_mac(mac, ts, path);
	return arena_printf(&r->a, "%lld.%s", ts, mac);
}

/* true when the POST carries a token this process issued for its path
 * within max_age seconds. */
static bool
token_ok(const struct web_req *r, const char *path, int max_age)
{
	const char *t = web_form(r, TOKEN_FIELD), *dot;
	char mac[64], ts_text[24];
	long long ts, now = (long long)time(NULL);
	size_t n;

	if (!t || !keys_ready() || !(dot = strchr(t, '.')))
		return false;
	n = (size_t)(dot - t);
	if (n == 0 || n >= sizeof(ts_text))
		return false;
	memcpy(ts_text, t, n);
	ts_text[n] = '\0';
	if (parse_int(ts_text, 0, INT64_MAX / 2, &ts) < 0)
		return false;
	token_mac(mac, ts, path);
	if (strlen(dot + 1) != strlen(mac) ||
	    sodium_memcmp(dot + 1, mac, strlen(mac)) != 0)
		return false;
	/* a minute of clock skew forgiven; older than max_age refused */
	return ts <= now + 60 && now - ts <= max_age;
}

/* ---- the rate limit ---- */

/*
 * Per client address, in memory only: a slot holds a keyed hash of the
 * address (SipHash under rate_key, random per process: the table cannot
 * be reversed into addresses even from a core dump without the key, and
 * no two processes share it) and the count in the current hour. An IPv6
 * client is counted by its /64, which one host usually has to itself.
 * A full table reuses the slot whose window is oldest. Behind a reverse
 * proxy every client is the proxy: the limit then counts everyone.
 */
struct rate_slot {
	uint64_t tag;
	int64_t start;
	int count;
};

static pthread_mutex_t rate_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rate_slot rate_tab[RATE_SLOTS];

/* true when the client may send one more (and counts it). */
static bool
rate_take(const struct web_req *r, int per_hour)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t tag;
	size_t i0, best = 0;
	int64_t now = (int64_t)time(NULL), oldest = INT64_MAX;
	bool ok = true;

	if (!keys_ready())
		return false;
	crypto_shorthash(h, r->peer, r->peer_len == 16 ? 8 : r->peer_len,
	    rate_key);
	memcpy(&tag, h, sizeof(tag));
	tag |= 1;                    /* 0 marks a free slot */
	i0 = (size_t)(tag % RATE_SLOTS);
	pthread_mutex_lock(&rate_mu);
	/* this address's slot among 16 probes; else a free or expired
	 * one; else the one whose window is oldest */
	for (size_t k = 0, have = 0; k < 16; k++) {
		size_t i = (i0 + k) % RATE_SLOTS;
		struct rate_slot *s = &rate_tab[i];

		if (s->tag == tag) {
			best = i;
			break;
		}
		if (have < 2 && (s->tag == 0 || now - s->start >= RATE_WINDOW)) {
			best = i;
			have = 2;
		} else if (have < 2 && s->start < oldest) {
			best = i;
			oldest = s->start;
			have = 1;
		}
	}
	{
		struct rate_slot *s = &rate_tab[best];

		if (s->tag != tag || now - s->start >= RATE_WINDOW) {
			s->tag = tag;
			s->start = now;
			s->count = 0;
		}
		if (s->count >= per_hour)
			ok = false;
		else
			s->count++;
	}
	pthread_mutex_unlock(&rate_mu);
	sodium_memzero(h, sizeof(h));
	return ok;
}

/* ---- the slow hash ---- */

/*
 * A code phrase costs an argon2id run (about 64 MiB for a tenth of a
 * second). The rate limit bounds it per address; this bounds it for the
 * process: at most DERIVE_MAX at once, so many addresses together cannot
 * take all the render threads' memory. The others wait their turn.
 */
#define DERIVE_MAX 2

static pthread_mutex_t derive_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t derive_cv = PTHREAD_COND_INITIALIZER;
static int derive_n;

static int
derive(struct tips_receipt *out, const char *code,
    const unsigned char pk[TIPS_KEY_BYTES])
{
	int rc;

	pthread_mutex_lock(&derive_mu);
	while (derive_n >= DERIVE_MAX)
		pthread_cond_wait(&derive_cv, &derive_mu);
	derive_n++;
	pthread_mutex_unlock(&derive_mu);
	rc = tips_code_derive(out, code, pk);
	pthread_mutex_lock(&derive_mu);
	derive_n--;
	pthread_cond_signal(&derive_cv);
	pthread_mutex_unlock(&derive_mu);
	return rc;
}

/* ---- writing ---- */

/* The site's pool holds read-only handles; a tip is rare, so it opens a
 * writable handle of its own for the one write. */
static int
write_thread(struct web_req *r, const struct tip_thread *t,
    const struct tip_msg *m, const char *reply_to)
{
	struct store *w = NULL;
	int rc;

	if ((rc = store_open(&w, r->site->db_path, 0)) < 0)
		return rc;
	rc = reply_to ? store_tip_msg_add(w, reply_to, m) :
	    store_tip_thread_add(w, t, m);
	store_close(w);
	return rc;
}

/* ---- pages ---- */

static void
today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The context of both pages: the limits and what is protected. */
static struct tmpl_obj *
ctx(struct web_req *r, const char *title)
{
	const struct config *cfg = r->site->cfg;
	struct tmpl_obj *o = site_page_ctx(r, title, NULL);

	tmpl_set_bool(o, "is_open", cfg->tips.public_key &&
	    *cfg->tips.public_key);
	tmpl_set_text(o, "max_file", arena_printf(&r->a, "%d %s",
	    cfg->tips.max_file_kb >= 1024 ? cfg->tips.max_file_kb / 1024 :
	    cfg->tips.max_file_kb, cfg->tips.max_file_kb >= 1024 ? "MiB" :
	    "KiB"));
	tmpl_set_int(o, "max_age_min", cfg->tips.form_max_age_s / 60);
	tmpl_set_int(o, "rate", cfg->tips.rate_per_hour);
	return o;
}

/* Wipes what the source sent (the arena copies) once it is sealed. */
static void
wipe_form(struct web_req *r)
{
	for (size_t i = 0; i < r->n_form; i++)
		if (r->form[i].value && r->form[i].len)
			sodium_memzero((void *)(uintptr_t)r->form[i].value,
			    r->form[i].len);
}

/* The tips form (again, with what was typed when refill is set). */
static int
form_page(struct web_req *r, int status, const char *error, bool refill)
{
	struct tmpl_obj *o = ctx(r, "Send the desk a tip");

	r->status = status;
	tmpl_set_text(o, "token", token_new(r, "/tips"));
	tmpl_set_text(o, "error", error);
	if (refill) {
		tmpl_set_text(o, "message", web_form(r, "message"));
		tmpl_set_text(o, "contact", web_form(r, "contact"));
	}
	return site_render(r, "tips", o);
}

static const char *
key_of(struct web_req *r, unsigned char pk[TIPS_KEY_BYTES])
{
	const char *k = r->site->cfg->tips.public_key;

	if (!k || !*k || tips_key_parse(pk, k) < 0)
		return NULL;
	return k;
}

/* A random thread id from the code alphabet (not a counter: ids say
 * nothing of how many tips came before). */
static const char *
thread_id(struct web_req *r)
{
	static const char alpha[] = "abcdefghijkmnpqrstuvwxyz23456789";
	char *s = arena_alloc(&r->a, THREAD_ID_CHARS + 1);

	for (size_t i = 0; i < THREAD_ID_CHARS; i++)
		s[i] = alpha[randombytes_uniform(32)];
	s[THREAD_ID_CHARS] = '\0';
	return s;
}

static int
submit(struct web_req *r)
{
	const struct config *cfg = r->site->cfg;
	unsigned char pk[TIPS_KEY_BYTES];
	const struct web_param *file = web_form_param(r, "file");
	const char *message = web_form(r, "message");
	const char *contact = web_form(r, "contact");
	struct tips_payload p = { 0 };
	struct tips_receipt rc_keys;
	struct tip_thread t = { 0 };
	struct tip_msg m = { 0 };
	unsigned char *sealed = NULL;
	size_t sealed_len = 0;
	char code[TIPS_CODE_BUF], day[16];
	struct tmpl_obj *o;
	bool has_file;
	int rc;

	if (!key_of(r, pk))
		return form_page(r, 503, NULL, false);
	if (!rate_take(r, cfg->tips.rate_per_hour)) {
		r->status = 429;
		o = ctx(r, "Too many tips from your connection");
		tmpl_set_bool(o, "is_limited", true);
		return site_render(r, "tips", o);
	}
	if (!token_ok(r, "/tips", cfg->tips.form_max_age_s))
		return form_page(r, 403, "This form is too old or did not come "
		    "from this site, so nothing was stored. Your text is below: "
		    "send it again (choose the file again too).", true);
	has_file = file && file->filename && *file->filename;
	if ((!message || !*message) && !has_file)
		return form_page(r, 400, "Write a message or attach a file.",
		    true);
	if (contact && strlen(contact) > TIPS_MAX_CONTACT)
		return form_page(r, 413, "The way to reach you is too long "
		    "(1,024 characters at most). Nothing was stored.", true);
	if (message && strlen(message) > TIPS_MAX_MESSAGE)
		return form_page(r, 413, "The message is too long (64 KiB at "
		    "most). Nothing was stored.", true);
	if (has_file && file->len > (size_t)cfg->tips.max_file_kb * 1024)
		return form_page(r, 413, arena_printf(&r->a, "The file is "
		    "%.1f MiB; the limit is %.1f MiB. Nothing was stored: make "
		    "it smaller or split it, and send it again.",
		    (double)file->len / (1 << 20),
		    (double)cfg->tips.max_file_kb / 1024), true);
	p.from = TIPS_FROM_SOURCE;
	p.message = message ? message : "";
	p.contact = contact ? contact : "";
	if (has_file) {
		p.file_name = strlen(file->filename) > TIPS_MAX_NAME ?
		    arena_strndup(&r->a, file->filename, TIPS_MAX_NAME) :
		    file->filename;
		p.file_type = file->ctype && strlen(file->ctype) <=
		    TIPS_MAX_TYPE ? file->ctype : "application/octet-stream";
		p.file = (const unsigned char *)file->value;
		p.file_len = file->len;
	}
	/* the receipt first: its derivation is the slow part */
	tips_code_new(code);
	if ((rc = derive(&rc_keys, code, pk)) < 0)
		goto out;
	if ((rc = tips_seal(&sealed, &sealed_len, &p, pk)) < 0)
		goto out;
	today(day);
	t.id = thread_id(r);
	t.day = day;
	t.lookup = rc_keys.lookup;
	t.lookup_len = sizeof(rc_keys.lookup);
	t.reply_pk = rc_keys.pk;
	t.reply_pk_len = sizeof(rc_keys.pk);
	m.day = day;
	m.sealed = sealed;
	m.sealed_len = sealed_len;
	if ((rc = write_thread(r, &t, &m, NULL)) < 0)
		goto out;
	o = ctx(r, "Your tip reached the desk");
	tmpl_set_bool(o, "is_sent", true);
	tmpl_set_text(o, "code", code);
	tmpl_set_text(o, "reply_token", token_new(r, "/tips/reply"));
	r->status = 200;
	rc = site_render(r, "tips", o);
out:
	wipe_form(r);
	sodium_memzero(&rc_keys, sizeof(rc_keys));
	sodium_memzero(code, sizeof(code));
	free(sealed);
	return rc;
}

int
site_tips(struct web_req *r)
{
	if (r->method == WEB_POST)
		return submit(r);
	return form_page(r, 200, NULL, false);
}

/* ---- /tips/reply: the source comes back with the code phrase ---- */

static int
reply_form(struct web_req *r, int status, const char *error)
{
	struct tmpl_obj *o = ctx(r, "Replies from the desk");

	r->status = status;
	tmpl_set_text(o, "token", token_new(r, "/tips/reply"));
	tmpl_set_text(o, "error", error);
	return site_render(r, "tips_reply", o);
}

int
site_tips_reply(struct web_req *r)
{
	const struct config *cfg = r->site->cfg;
	unsigned char pk[TIPS_KEY_BYTES];
	const char *code = web_form(r, "code");
	const char *answer = web_form(r, "message");
	const char *id = NULL;
	struct tips_receipt keys;
	struct tip_thread *t;
	struct tip_msg *msgs;
	size_t n;
	struct tmpl_obj *o;
	struct tmpl_list *l;
	bool sent = false;
	int rc = 0;

	memset(&keys, 0, sizeof(keys));
	if (r->method != WEB_POST)
		return reply_form(r, key_of(r, pk) ? 200 : 503, NULL);
	if (!key_of(r, pk))
		return reply_form(r, 503, NULL);
	/* each try costs an argon2id run: counted like a tip */
	if (!rate_take(r, cfg->tips.rate_per_hour)) {
		r->status = 429;
		o = ctx(r, "Too many tries from your connection");
		tmpl_set_bool(o, "is_limited", true);
		return site_render(r, "tips_reply", o);
	}
	if (!token_ok(r, "/tips/reply", cfg->tips.form_max_age_s))
		return reply_form(r, 403, "This form is too old or did not come "
		    "from this site. Enter your code phrase again.");
	if (!code || derive(&keys, code, pk) < 0 ||
	    (rc = store_tip_find(r->st, &r->a, keys.lookup,
	    sizeof(keys.lookup), &id)) == ND_ENOTFOUND) {
		rc = reply_form(r, 404, "No tip matches that code phrase. "
		    "Check it and try again.");
		goto out;
	}
	if (rc < 0)
		goto out;
	if (answer && *answer) {
		struct tips_payload p = { .from = TIPS_FROM_SOURCE,
		    .message = answer, .contact = "" };
		struct tip_msg m = { 0 };
		unsigned char *sealed = NULL;
		char day[16];

		if (strlen(answer) > TIPS_MAX_MESSAGE) {
			rc = reply_form(r, 413, "The answer is too long (64 KiB "
			    "at most). Nothing was stored.");
			goto out;
		}
		if ((rc = tips_seal(&sealed, &m.sealed_len, &p, pk)) < 0)
			goto out;
		today(day);
		m.day = day;
		m.sealed = sealed;
		rc = write_thread(r, NULL, &m, id);
		free(sealed);
		if (rc < 0)
			goto out;
		sent = true;
	}
	if ((rc = store_tip_get(r->st, &r->a, id, &t, &msgs, &n)) < 0)
		goto out;
	o = ctx(r, "Replies from the desk");
	tmpl_set_bool(o, "is_thread", true);
	tmpl_set_bool(o, "was_sent", sent);
	tmpl_set_text(o, "code", code);
	tmpl_set_text(o, "token", token_new(r, "/tips/reply"));
	tmpl_set_text(o, "first_day", t->day);
	l = tmpl_set_list(o, "replies");
	for (size_t i = 0; i < n; i++) {
		struct tips_payload p;
		struct tmpl_obj *e;

		if (!msgs[i].for_source)
			continue;
		if (tips_open(&p, &r->a, msgs[i].for_source,
		    msgs[i].for_source_len, keys.pk, keys.sk) < 0)
			continue;    /* not for this key: never shown */
		e = tmpl_list_add(l);
		tmpl_set_text(e, "day", msgs[i].day);
		tmpl_set_text(e, "message", p.message);
	}
	tmpl_set_bool(o, "has_replies", tmpl_list_len(l) > 0);
	r->status = 200;
	rc = site_render(r, "tips_reply", o);
out:
	wipe_form(r);
	sodium_memzero(&keys, sizeof(keys));
	return rc;
}
