/*
 * site_subscribe: email sign-up and its consent pages (issue 11).
 *
 *   /subscribe            GET: the form (the footer's small GET form
 *                         lands here with ?email=); POST: a sign-up
 *   /subscribe/confirm    GET: a page with a button; POST: confirms
 *   /subscribe/manage     GET: the reader's lists; POST: saves or leaves
 *   /unsubscribe          GET: a page with a button; POST: unsubscribes
 *                         (RFC 8058 one-click: no CSRF, no page needed)
 *
 * Every link carries a token (?t=) that the store knows only by its hash.
 * GETs change nothing (mail scanners follow links); every POST but the
 * one-click unsubscribe carries the CSRF token, which the dispatcher
 * checks. The sign-up answers the same whatever the address's state, so
 * the form tells nobody who subscribes. Abuse: a honeypot field, rate
 * limits per address (by a keyed hash, in memory only) and overall, and
 * the store mails one address at most once per [mail] quiet_s.
 *
 * The read-only store of the pool serves GETs; a POST opens its own
 * writable handle (they are rare).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "mail/mail.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

#define MAX_LISTS 64
#define HONEYPOT "website"

/* ---- rate limits (in memory, per process) ---- */

#define RL_SLOTS 4096

struct rl_slot {
	uint64_t key;                /* keyed hash of the address; 0 = free */
	int64_t start;               /* the hour it counts */
	int n;
};

static struct {
	pthread_mutex_t mu;
	unsigned char key[crypto_shorthash_KEYBYTES];
	bool has_key;
	struct rl_slot slots[RL_SLOTS];
	int64_t minute;
	int n_minute;
} rl = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Counts one sign-up. *out_overall: the overall window is full (answer
 * "busy"); *out_address: this address's is (answer as usual, mail
 * nothing). */
static void
rate_take(const char *email, int per_address, int per_minute,
    bool *out_overall, bool *out_address)
{
	int64_t now = (int64_t)time(NULL);
	uint64_t h;
	size_t i;

	*out_overall = *out_address = false;
	pthread_mutex_lock(&rl.mu);
	if (!rl.has_key) {
		crypto_shorthash_keygen(rl.key);
		rl.has_key = true;
	}
	if (rl.minute != now / 60) {
		rl.minute = now / 60;
		rl.n_minute = 0;
	}
	if (rl.n_minute >= per_minute) {
		*out_overall = true;
		pthread_mutex_unlock(&rl.mu);
		return;
	}
	rl.n_minute++;
	crypto_shorthash((unsigned char *)&h, (const unsigned char *)email,
	    strlen(email), rl.key);
	h |= 1;
	/* open addressing over a few slots; a stale or the oldest slot is
	 * taken over, so the table never grows */
	{
		size_t best = h % RL_SLOTS;
		int64_t hour = now / 3600;

		for (size_t k = 0; k < 8; k++) {
			i = (h + k) % RL_SLOTS;
			if (rl.slots[i].key == h) {
				best = i;
				break;
			}
			if (rl.slots[i].key == 0 || rl.slots[i].start != hour)
				best = i;
		}
		i = best;
		if (rl.slots[i].key != h || rl.slots[i].start != hour) {
			rl.slots[i].key = h;
			rl.slots[i].start = hour;
			rl.slots[i].n = 0;
		}
		if (rl.slots[i].n >= per_address)
			*out_address = true;
		else
			rl.slots[i].n++;
	}
	pthread_mutex_unlock(&rl.mu);
}

/* ---- helpers ---- */

static int
writable(struct web_req *r, struct store **out)
{
	return store_open(out, r->site->db_path, 0);
}

static struct tmpl_obj *
ctx(struct web_req *r, const char *title)
{
	struct tmpl_obj *o = site_page_ctx(r, title, NULL);

	tmpl_set_bool(o, "is_subscribe", true);
	return o;
}

static bool
has_list(const char *const *lists, size_t n, const char *l)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lists[i], l) == 0)
			return true;
	return false;
}

/* The lists a reader can choose, with those in chosen checked. */
static void
add_choices(struct web_req *r, struct tmpl_obj *o, const char *const *chosen,
    size_t n_chosen, bool is_default)
{
	struct tmpl_list *l = tmpl_set_list(o, "lists");
	struct section *secs = NULL;
	struct column *cols = NULL;
	size_t n = 0;
	static const struct {
		const char *id, *name, *about;
	} fixed[] = {
		{ "digest", "Daily digest", "The top stories of the day, "
		  "each morning." },
		{ "breaking", "Breaking news", "Only when something big "
		  "happens." },
	};

	for (size_t i = 0; i < 2; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);

		tmpl_set_text(e, "id", fixed[i].id);
		tmpl_set_text(e, "name", fixed[i].name);
		tmpl_set_text(e, "about", fixed[i].about);
		tmpl_set_text(e, "html_id", arena_printf(&r->a, "list-%zu", i));
		tmpl_set_bool(e, "is_checked", has_list(chosen, n_chosen,
		    fixed[i].id) || (is_default && i == 0));
	}
	if (r->st && store_section_list(r->st, &r->a, &secs, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);
		const char *id = arena_printf(&r->a, "section:%s", secs[i].slug);

		tmpl_set_text(e, "id", id);
		tmpl_set_text(e, "name", arena_printf(&r->a, "Daily digest: %s",
		    secs[i].name));
		tmpl_set_text(e, "html_id", arena_printf(&r->a, "list-s%zu", i));
		tmpl_set_bool(e, "is_checked", has_list(chosen, n_chosen, id));
	}
	/* each of the desk's columns: its posts as they are published */
	if (r->st && store_column_list(r->st, &r->a, &cols, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *e = tmpl_list_add(l);
		const char *id = arena_printf(&r->a, "column:%s", cols[i].slug);

		tmpl_set_text(e, "id", id);
		tmpl_set_text(e, "name", arena_printf(&r->a, "Column: %s",
		    cols[i].name));
		tmpl_set_text(e, "about", cols[i].description);
		tmpl_set_text(e, "html_id", arena_printf(&r->a, "list-c%zu", i));
		tmpl_set_bool(e, "is_checked", has_list(chosen, n_chosen, id));
	}
}

/* The lists named in the form (every "list" or "list[]" field), validated
 * against what add_choices offers. */
static size_t
form_lists(struct web_req *r, const char **out, size_t max)
{
	struct section *secs = NULL;
	struct column *cols = NULL;
	size_t n = 0, n_secs = 0, n_cols = 0;

	if (r->st && store_section_list(r->st, &r->a, &secs, &n_secs) < 0)
		n_secs = 0;
	if (r->st && store_column_list(r->st, &r->a, &cols, &n_cols) < 0)
		n_cols = 0;
	for (size_t i = 0; i < r->n_form && n < max; i++) {
		const char *v = r->form[i].value;
		bool ok;

		/* "list[]": html-validate's rule for repeated names */
		if ((strcmp(r->form[i].name, "list") != 0 &&
		    strcmp(r->form[i].name, "list[]") != 0) ||
		    !mail_list_valid(v) || has_list(out, n, v))
			continue;
		ok = strcmp(v, "digest") == 0 || strcmp(v, "breaking") == 0;
		for (size_t k = 0; !ok && k < n_secs; k++)
			ok = strncmp(v, "section:", 8) == 0 &&
			    strcmp(v + 8, secs[k].slug) == 0;
		for (size_t k = 0; !ok && k < n_cols; k++)
			ok = strncmp(v, "column:", 7) == 0 &&
			    strcmp(v + 7, cols[k].slug) == 0;
		if (ok)
			out[n++] = v;
	}
	return n;
}

static int
render_form(struct web_req *r, const char *email, const char *email_error,
    const char *lists_error, const char *const *chosen, size_t n_chosen,
    bool is_default)
{
	struct tmpl_obj *o = ctx(r, "Sign up for emails");

	tmpl_set_bool(o, "is_form", true);
	tmpl_set_text(o, "email", email);
	tmpl_set_text(o, "email_error", email_error);
	tmpl_set_text(o, "lists_error", lists_error);
	tmpl_set_text(o, "csrf", web_csrf_token(r));
	add_choices(r, o, chosen, n_chosen, is_default);
	return site_render(r, "subscribe", o);
}

static int
render_state(struct web_req *r, int status, const char *title,
    const char *flag)
{
	struct tmpl_obj *o = ctx(r, title);

	r->status = status;
	tmpl_set_bool(o, flag, true);
	return site_render(r, "subscribe", o);
}

static const char *
token_arg(struct web_req *r)
{
	const char *t = r->method == WEB_POST && web_form(r, "t") ?
	    web_form(r, "t") : web_query(r, "t");

	return mail_token_ok(t) ? t : NULL;
}

/* ---- /subscribe ---- */

int
site_subscribe(struct web_req *r)
{
	const struct cfg_mail *mc = &r->site->cfg->mail;
	const char *lists[MAX_LISTS];
	const char *email = NULL, *why = NULL, *typed;
	size_t n;
	bool is_busy, is_quiet, is_queued = false;
	struct store *w = NULL;
	int rc;

	if (r->method != WEB_POST) {
		const char *e = web_query(r, "email");

		/* the footer's form brings the address; keep it short */
		if (e && strlen(e) > MAIL_ADDR_MAX)
			e = NULL;
		return render_form(r, e, NULL, NULL, NULL, 0, true);
	}
	typed = web_form(r, "email");
	n = form_lists(r, lists, MAX_LISTS);
	/* a bot that fills every field: answered as a person, mailed
	 * nothing */
	if (web_form(r, HONEYPOT) && *web_form(r, HONEYPOT))
		return render_state(r, 200, "Check your inbox", "is_sent");
	if (mail_addr_normalize(&r->a, typed, &email, &why) < 0 || n == 0) {
		r->status = 400;
		return render_form(r, typed && strlen(typed) <= 1024 ? typed :
		    NULL, email ? NULL : why, n ? NULL :
		    "Choose at least one list.", lists, n, false);
	}
	rate_take(email, mc->signup_per_address, mc->signup_per_minute,
	    &is_busy, &is_quiet);
	if (is_busy)
		return render_state(r, 429, "Too many sign-ups", "is_busy");
	if (!is_quiet) {
		char tok[MAIL_TOKEN_LEN + 1];
		const char *dom = mail_addr_domain(&r->a, mc->from);
		struct store_signup s = {
			.email = email, .lists = lists, .n_lists = n,
			.now = (int64_t)time(NULL), .quiet_s = mc->quiet_s,
		};

		mail_token_new(tok);
		s.message_id = arena_printf(&r->a, "<%.24s@%s>", tok,
		    dom ? dom : "localhost");
		if ((rc = writable(r, &w)) < 0 ||
		    (rc = store_sub_signup(w, &s, &is_queued)) < 0) {
			store_close(w);
			return rc;
		}
		store_close(w);
	}
	log_info(LOG_MAIL, "sign-up lists=%zu", n);
	return render_state(r, 200, "Check your inbox", "is_sent");
}

/* ---- /subscribe/confirm ---- */

int
site_subscribe_confirm(struct web_req *r)
{
	const char *t = token_arg(r);
	char hash[MAIL_HASH_LEN + 1];
	int64_t now = (int64_t)time(NULL), id = 0;
	struct store *w = NULL;
	int rc;

	if (!t)
		return render_state(r, 404, "This link does not work",
		    "is_bad_link");
	mail_token_hash(t, hash);
	if (r->method != WEB_POST) {
		struct subscriber *s = NULL;
		struct tmpl_obj *o;

		rc = store_sub_token_find(r->st, &r->a, hash, SUB_TOKEN_CONFIRM,
		    now, &s);
		if (rc == ND_ENOTFOUND)
			return render_state(r, 404, "This link does not work",
			    "is_bad_link");
		if (rc < 0)
			return rc;
		o = ctx(r, "Confirm your subscription");
		tmpl_set_bool(o, "is_confirm_ask", true);
		tmpl_set_text(o, "token", t);
		tmpl_set_text(o, "csrf", web_csrf_token(r));
		return site_render(r, "subscribe", o);
	}
	if ((rc = writable(r, &w)) < 0)
		return rc;
	rc = store_sub_confirm(w, hash, now, &id);
	if (rc == 0) {
		char mt[MAIL_TOKEN_LEN + 1], mh[MAIL_HASH_LEN + 1];
		struct tmpl_obj *o;

		/* the page links to the reader's preferences */
		mail_token_new(mt);
		mail_token_hash(mt, mh);
		if ((rc = store_sub_token_add(w, id, SUB_TOKEN_MANAGE, mh,
		    now + 365 * 86400)) == 0) {
			o = ctx(r, "You are subscribed");
			tmpl_set_bool(o, "is_confirmed", true);
			tmpl_set_text(o, "manage_path", arena_printf(&r->a,
			    "/subscribe/manage?t=%s", mt));
			rc = site_render(r, "subscribe", o);
		}
		log_info(LOG_MAIL, "confirmed subscriber=%lld", (long long)id);
	} else if (rc == ND_ENOTFOUND) {
		rc = render_state(r, 404, "This link does not work",
		    "is_bad_link");
	}
	store_close(w);
	return rc;
}

/* ---- /subscribe/manage ---- */

int
site_subscribe_manage(struct web_req *r)
{
	const char *t = token_arg(r);
	char hash[MAIL_HASH_LEN + 1];
	int64_t now = (int64_t)time(NULL);
	struct subscriber *s = NULL;
	struct store *w = NULL;
	struct tmpl_obj *o;
	int rc;

	if (!t)
		return render_state(r, 404, "This link does not work",
		    "is_bad_link");
	mail_token_hash(t, hash);
	if (r->method == WEB_POST && (rc = writable(r, &w)) < 0)
		return rc;
	rc = store_sub_token_find(w ? w : r->st, &r->a, hash, SUB_TOKEN_MANAGE,
	    now, &s);
	if (rc == ND_ENOTFOUND) {
		rc = render_state(r, 404, "This link does not work",
		    "is_bad_link");
		goto out;
	}
	if (rc < 0)
		goto out;
	if (w) {
		const char *lists[MAX_LISTS];
		size_t n = form_lists(r, lists, MAX_LISTS);
		const char *action = web_form(r, "action");

		if (action && strcmp(action, "leave") == 0)
			n = 0;
		if ((rc = store_sub_set_lists(w, s->id, lists, n)) < 0)
			goto out;
		/* the token proves the mailbox: a reader who left may come
		 * back here; a bounced address stays stopped */
		if (n > 0 && s->status == SUB_UNSUBSCRIBED && s->confirmed_at &&
		    (rc = store_sub_set_status(w, s->id, SUB_ACTIVE)) < 0)
			goto out;
		if ((rc = store_sub_token_find(w, &r->a, hash, SUB_TOKEN_MANAGE,
		    now, &s)) < 0)
			goto out;
	}
	o = ctx(r, "Your email subscriptions");
	tmpl_set_bool(o, "is_manage", true);
	tmpl_set_bool(o, "is_saved", w != NULL);
	tmpl_set_bool(o, "is_active", s->status == SUB_ACTIVE);
	tmpl_set_bool(o, "is_left", s->status == SUB_UNSUBSCRIBED);
	tmpl_set_bool(o, "is_stopped", s->status == SUB_BOUNCED ||
	    s->status == SUB_SUPPRESSED);
	tmpl_set_bool(o, "is_pending", s->status == SUB_PENDING);
	tmpl_set_text(o, "email", s->email);
	tmpl_set_text(o, "token", t);
	tmpl_set_text(o, "csrf", web_csrf_token(r));
	add_choices(r, o, s->lists, s->status == SUB_UNSUBSCRIBED ? 0 :
	    s->n_lists, false);
	rc = site_render(r, "subscribe", o);
out:
	store_close(w);
	return rc;
}

/* ---- /unsubscribe ---- */

int
site_unsubscribe(struct web_req *r)
{
	const char *t = web_query(r, "t");
	char hash[MAIL_HASH_LEN + 1];
	int64_t now = (int64_t)time(NULL);
	struct subscriber *s = NULL;
	struct store *w = NULL;
	int rc;

	/* RFC 8058: the token is in the URL the mail gave; the body is
	 * List-Unsubscribe=One-Click */
	if (!mail_token_ok(t))
		t = token_arg(r);
	if (!t)
		return render_state(r, 404, "This link does not work",
		    "is_bad_link");
	mail_token_hash(t, hash);
	if (r->method != WEB_POST) {
		struct tmpl_obj *o;

		rc = store_sub_token_find(r->st, &r->a, hash, SUB_TOKEN_MANAGE,
		    now, &s);
		if (rc == ND_ENOTFOUND)
			return render_state(r, 404, "This link does not work",
			    "is_bad_link");
		if (rc < 0)
			return rc;
		o = ctx(r, "Unsubscribe");
		tmpl_set_bool(o, "is_unsub_ask", true);
		tmpl_set_text(o, "token", t);
		tmpl_set_text(o, "email", s->email);
		return site_render(r, "subscribe", o);
	}
	if ((rc = writable(r, &w)) < 0)
		return rc;
	rc = store_sub_token_find(w, &r->a, hash, SUB_TOKEN_MANAGE, now, &s);
	if (rc == ND_ENOTFOUND) {
		rc = render_state(r, 404, "This link does not work",
		    "is_bad_link");
	} else if (rc == 0 && (rc = store_sub_set_lists(w, s->id, NULL, 0)) ==
	    0) {
		struct tmpl_obj *o = ctx(r, "You are unsubscribed");

		log_info(LOG_MAIL, "unsubscribed subscriber=%lld one_click=%d",
		    (long long)s->id, web_form(r, "List-Unsubscribe") != NULL);
		tmpl_set_bool(o, "is_unsubscribed", true);
		tmpl_set_text(o, "manage_path", arena_printf(&r->a,
		    "/subscribe/manage?t=%s", t));
		rc = site_render(r, "subscribe", o);
	}
	store_close(w);
	return rc;
}
