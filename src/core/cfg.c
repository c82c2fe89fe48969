/*
 * cfg: the configuration table and its loader.
 *
 * The table below is the only place that knows an option: its section, key,
 * type, bounds, default and doc line, and where it lives in struct config.
 * Defaults are written as text and go through the same validation as a
 * file's values, so a bad default fails the first cfg_init (an assert), and
 * `config dump --defaults` always produces a file that loads again.
 *
 * Sections are tabled too, with where their struct lies in struct config:
 * copying and freeing walk the two tables, so no option is copied or freed
 * by hand (a string missed there would leak or be freed twice).
 *
 * inih does the INI syntax; we feed it lines from memory through our own
 * reader so we always know the current line number (the library is built
 * without INI_HANDLER_LINENO) and can reject lines too long for its buffer
 * instead of letting it split them silently.
 */
#include <assert.h>
#include <errno.h>
#include <ini.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "core/banned.h"

enum cfg_type { CFG_T_STRING, CFG_T_INT, CFG_T_BOOL, CFG_T_LIST };

struct cfg_opt {
	const char *section;
	const char *key;
	enum cfg_type type;
	size_t off;             /* offsetof(struct config, field) */
	long long min, max;     /* INT: bounds; STRING/LIST: max length */
	const char *def;        /* default, as it would be written in a file */
	int (*check)(const char *value); /* extra validation, or NULL */
	const char *doc;
};

#define CFG_INT(sec, key, field, def, lo, hi, doc)                             \
	{ sec, key, CFG_T_INT, offsetof(struct config, field), lo, hi, #def,   \
	  NULL, doc }
#define CFG_BOOL(sec, key, field, def, doc)                                    \
	{ sec, key, CFG_T_BOOL, offsetof(struct config, field), 0, 1,          \
	  def ? "true" : "false", NULL, doc }
#define CFG_STR(sec, key, field, def, maxlen, check, doc)                      \
	{ sec, key, CFG_T_STRING, offsetof(struct config, field), 0, maxlen,   \
	  def, check, doc }
#define CFG_LIST(sec, key, field, def, maxlen, doc)                            \
	{ sec, key, CFG_T_LIST, offsetof(struct config, field), 0, maxlen,     \
	  def, NULL, doc }

static int check_nonempty(const char *v);
static int check_timezone(const char *v);
static int check_http_url(const char *v);
static int check_contact_url(const char *v);
static int check_language(const char *v);
static int check_listen(const char *v);
static int check_log_level(const char *v);
static int check_box_key(const char *v);
static int check_smtp_url(const char *v);
static int check_item_text(const char *v);

struct cfg_section {
	const char *name, *doc;
	size_t off, size;       /* the section's struct in struct config */
};

#define CFG_SECTION(name, doc)                                                 \
	{ #name, doc, offsetof(struct config, name),                           \
	  sizeof(((struct config *)0)->name) }

static const struct cfg_section sections[] = {
	CFG_SECTION(desk, "What the site is called and how it presents "
	    "itself."),
	CFG_SECTION(store, "Where the data lives."),
	CFG_SECTION(fetch, "How sources are polled: concurrency, politeness "
	    "and the limits that keep a hostile or broken server from hurting "
	    "us."),
	CFG_SECTION(web, "The built-in web server."),
	CFG_SECTION(log, "Diagnostics on stderr."),
	CFG_SECTION(tips, "The tips inbox (/tips): sealed to the editors' key."),
	CFG_SECTION(mail, "Email: sign-ups, daily digests and their delivery "
	    "over SMTP (issue 11)."),
};

/* A section struct added to struct config must be added above, or it would
 * be neither copied nor freed. */
_Static_assert(sizeof(struct config) == sizeof(struct cfg_desk) +
    sizeof(struct cfg_store) + sizeof(struct cfg_fetch) +
    sizeof(struct cfg_web) + sizeof(struct cfg_log) +
    sizeof(struct cfg_tips) + sizeof(struct cfg_mail),
    "struct config has a section that sections[] does not list");

static const struct cfg_opt opts[] = {
	CFG_STR("desk", "name", desk.name, "The Meridian Desk", 200,
	    check_nonempty, "Masthead: the desk's name as shown on every page, "
	    "feed and email."),
	CFG_STR("desk", "tagline", desk.tagline,
	    "Every report on one story, in one place", 300, NULL,
	    "One line under the masthead."),
	CFG_STR("desk", "contact", desk.contact, "", 300, NULL,
	    "Contact line or address shown in the footer (empty = none)."),
	CFG_STR("desk", "timezone", desk.timezone, "America/New_York", 64,
	    check_timezone, "IANA time zone used to show dates and times "
	    "(\"UTC\", \"Asia/Baghdad\", ...)."),
	CFG_STR("desk", "base_url", desk.base_url, "", 500, check_http_url,
	    "Public URL of the site, used for absolute links in feeds and "
	    "emails (empty = derived from the request)."),
	CFG_STR("desk", "language", desk.language, "en", 35, check_language,
	    "Default language of the desk, as a BCP 47 tag (\"en\", \"ar\")."),
	/* the desk's accounts (issue 10, auth/) */
	CFG_INT("desk", "session_idle_s", desk.session_idle_s, 28800, 300,
	    2592000, "A desk session ends after this many seconds without a "
	    "request."),
	CFG_INT("desk", "session_max_s", desk.session_max_s, 604800, 600,
	    7776000, "A desk session ends this many seconds after sign-in, "
	    "however busy."),
	CFG_INT("desk", "login_free_failures", desk.login_free_failures, 5, 1,
	    100, "Wrong passwords for one account before each further attempt "
	    "waits (doubling from 2 s)."),
	CFG_INT("desk", "login_max_wait_s", desk.login_max_wait_s, 900, 1,
	    86400, "The longest wait an account's failures impose."),
	CFG_INT("desk", "login_failures_per_min", desk.login_failures_per_min,
	    60, 1, 100000, "Failed sign-ins per minute over all accounts; "
	    "past it, every sign-in waits for the next minute."),
	CFG_INT("desk", "password_min_len", desk.password_min_len, 12, 8, 1024,
	    "Shortest password accepted, in characters."),
	CFG_INT("desk", "pwhash_ops", desk.pwhash_ops, 3, 1, 20,
	    "argon2id passes for new password hashes (libsodium opslimit)."),
	CFG_INT("desk", "pwhash_mem_mb", desk.pwhash_mem_mb, 128, 8, 4096,
	    "argon2id memory for new password hashes, in MiB (memlimit); with "
	    "3 passes, 128 MiB is about 180 ms per sign-in on two cores."),

	CFG_STR("desk", "beat", desk.beat, "", 4000, NULL,
	    "The beat's profile: words and names (comma separated) that make "
	    "an item relevant; `newsdesk fetch`, `run` and `ingest` add them "
	    "to the store's profile (`newsdesk review profile`). An item "
	    "scoring below 1 (a profile word in its headline counts 2, "
	    "elsewhere 1, plus what kept and hidden items taught) waits in "
	    "`newsdesk review` instead of the front page and sections. "
	    "Empty, with no profile in the store: every item passes."),
	CFG_STR("desk", "beat_names", desk.beat_names, "", 4000, NULL,
	    "More of the beat's profile: the names of its people, places and "
	    "bodies (comma separated; a name of several words matches as a "
	    "phrase). Used exactly as `beat`."),

	CFG_STR("store", "path", store.path, "newsdesk.db", 4096,
	    check_nonempty, "SQLite database file. `--db` and `NEWSDESK_DB` "
	    "override it."),
	CFG_INT("store", "optimize_hour", store.optimize_hour, 4, -1, 23,
	    "Desk-local hour (in [desk] timezone) at which `newsdesk run` "
	    "merges the search index into one segment, as `newsdesk optimize` "
	    "does, once a day, in slices between fetch cycles (-1 = never)."),

	CFG_INT("fetch", "concurrency", fetch.concurrency, 16, 1, 1024,
	    "Transfers in flight at once, over all hosts."),
	CFG_INT("fetch", "per_host", fetch.per_host, 2, 1, 64,
	    "Transfers in flight at once to one host."),
	CFG_INT("fetch", "host_spacing_ms", fetch.host_spacing_ms, 1000, 0,
	    600000, "Smallest gap between two requests to the same host, in "
	    "milliseconds."),
	CFG_INT("fetch", "connect_timeout_s", fetch.connect_timeout_s, 10, 1,
	    300, "Time allowed to connect (DNS, TCP and TLS), in seconds."),
	CFG_INT("fetch", "timeout_s", fetch.timeout_s, 30, 1, 3600,
	    "Time allowed for a whole transfer, in seconds."),
	CFG_INT("fetch", "low_speed_bytes", fetch.low_speed_bytes, 100, 0,
	    1048576, "A transfer slower than this many bytes per second for "
	    "`low_speed_s` seconds is aborted (0 = never)."),
	CFG_INT("fetch", "low_speed_s", fetch.low_speed_s, 20, 1, 3600,
	    "See `low_speed_bytes`."),
	CFG_INT("fetch", "max_body_kb", fetch.max_body_kb, 8192, 64, 65536,
	    "Largest response body accepted from a source after "
	    "decompression, in KiB."),
	CFG_INT("fetch", "max_redirects", fetch.max_redirects, 5, 0, 20,
	    "Redirects followed per request."),
	CFG_INT("fetch", "max_header_kb", fetch.max_header_kb, 64, 4, 1024,
	    "Largest total size of response headers, in KiB."),
	CFG_INT("fetch", "min_interval_s", fetch.min_interval_s, 300, 30,
	    86400, "Shortest polling interval of a source, in seconds, "
	    "whatever the feed asks for."),
	CFG_INT("fetch", "max_interval_s", fetch.max_interval_s, 86400, 60,
	    2592000, "Longest polling interval (a quiet or failing source is "
	    "still tried this often), in seconds."),
	CFG_LIST("fetch", "allow_hosts", fetch.allow_hosts, "", 4000,
	    "Host names, addresses or CIDR nets (10.1.0.0/16) that may be "
	    "fetched even though they are private or local (comma or space "
	    "separated; empty = none). Every other source is refused such "
	    "addresses, on every redirect hop."),
	CFG_STR("fetch", "contact_url", fetch.contact_url,
	    "https://newsdesk.example/about", 500, check_contact_url,
	    "URL or mailto: address put in the User-Agent so site operators "
	    "can reach us."),
	CFG_STR("fetch", "ca_file", fetch.ca_file, "", 4096, NULL,
	    "PEM file of the certificate authorities TLS connections are "
	    "verified against, for intranet feeds with a private CA (empty = "
	    "the system's store). Verification is never turned off."),
	/* at most 8 MiB: the site answers at most that much (WEB_MAX_PAGE) */
	CFG_INT("fetch", "max_image_kb", fetch.max_image_kb, 5120, 16, 8192,
	    "Largest item photo (lead image or thumbnail) downloaded into the "
	    "store's photo cache, in KiB; a larger one is refused."),
	CFG_INT("fetch", "max_images_per_cycle", fetch.max_images_per_cycle,
	    100, 0, 10000, "Item photos downloaded after the feeds of each "
	    "fetch cycle, newest items first (0 = none: pages then show no "
	    "photos, as they never link to other sites' images)."),
	CFG_INT("fetch", "max_articles_per_cycle",
	    fetch.max_articles_per_cycle, 0, 0, 10000, "Article pages fetched "
	    "after the feeds (and photos) of each fetch cycle for their full "
	    "text, newest items first, per each source's full_text setting "
	    "(0 = none)."),
	CFG_INT("fetch", "full_text_short", fetch.full_text_short, 600, 0,
	    100000, "A source with full_text = auto has an item's article "
	    "page fetched when the feed's summary and content together are "
	    "shorter than this many bytes."),
	CFG_INT("fetch", "article_refresh_s", fetch.article_refresh_s, 0, 0,
	    2592000, "An article page whose text is stored is fetched again "
	    "this many seconds after its last fetch (while its item is among "
	    "the newest), with a conditional GET (ETag, Last-Modified), so a "
	    "corrected article is picked up at the price of a 304 when "
	    "unchanged; within the same max_articles_per_cycle, after new "
	    "pages (0 = never)."),

	CFG_STR("web", "listen", web.listen, "127.0.0.1:8080", 300,
	    check_listen, "Address and port to listen on, as ADDR:PORT "
	    "(`[::1]:8080` for IPv6; port 0 picks a free one)."),
	CFG_STR("web", "theme_dir", web.theme_dir, "theme", 4096,
	    check_nonempty, "Directory with the templates and CSS."),
	CFG_STR("web", "sponsor_html_file", web.sponsor_html_file, "", 4096,
	    NULL, "File with the operator's HTML for the sponsor slot "
	    "(empty = no slot)."),
	CFG_STR("web", "access_log", web.access_log, "-", 4096, NULL,
	    "Access log file (\"-\" = stderr, empty = off)."),
	CFG_INT("web", "max_connections", web.max_connections, 512, 1, 65536,
	    "Connections served at once."),
	CFG_INT("web", "connection_timeout_s", web.connection_timeout_s, 30, 1,
	    3600, "Idle connections are closed after this many seconds."),
	CFG_INT("web", "head_timeout_s", web.head_timeout_s, 10, 1, 3600,
	    "A request's line and headers must have come whole within this "
	    "many seconds of the connection (or of the previous answer on "
	    "it); else 408 and the connection is closed (slow-header "
	    "attacks)."),
	CFG_INT("web", "max_connections_per_ip", web.max_connections_per_ip,
	    64, 0, 65536, "Connections one client address may hold at once; "
	    "more are closed at once, so one client cannot take every "
	    "connection (0 = no limit: set it behind a reverse proxy, where "
	    "every connection comes from the proxy)."),
	CFG_INT("web", "cache_max_entries", web.cache_max_entries, 20000, 16,
	    1000000, "Rendered pages kept in memory; when full, pages not asked "
	    "for since the last sweep are dropped first."),
	CFG_STR("web", "item_text", web.item_text, "excerpt", 16,
	    check_item_text, "How much of an item's stored article text "
	    "(fetched for full text) the item page shows, for sources that "
	    "do not say (`newsdesk source set ID --show`): `excerpt` (the "
	    "first paragraphs, then a link to the original) or `full` (only "
	    "where the outlets' terms allow it)."),

	CFG_STR("mail", "smtp_url", mail.smtp_url, "", 500, check_smtp_url,
	    "SMTP server mail is sent through: smtp://HOST:PORT (STARTTLS is "
	    "used when the server offers it) or smtps://HOST:PORT (empty = "
	    "mail waits in the queue)."),
	CFG_STR("mail", "from", mail.from, "", 300, NULL,
	    "From address of every mail: `addr@domain` or `Name <addr@domain>` "
	    "(needed to send; its domain names Message-IDs and bounces)."),
	CFG_STR("mail", "user", mail.user, "", 300, NULL,
	    "SMTP AUTH user name (empty = no authentication)."),
	CFG_STR("mail", "password_file", mail.password_file, "", 4096, NULL,
	    "File holding the SMTP password (its first line)."),
	CFG_STR("mail", "ca_file", mail.ca_file, "", 4096, NULL,
	    "PEM file of the certificate authorities the SMTP server's "
	    "certificate is verified against (STARTTLS or smtps://), for a "
	    "relay with a private CA (empty = the system's store). "
	    "Verification is never turned off."),
	CFG_STR("mail", "bounce_domain", mail.bounce_domain, "", 253, NULL,
	    "Domain of the VERP return path bounces+ID-MAC@DOMAIN, whose "
	    "mailbox `newsdesk mail bounces` reads (empty = the From domain)."),
	CFG_INT("mail", "per_minute", mail.per_minute, 0, 0, 1000000,
	    "Mails sent per minute at most (0 = no limit), as providers "
	    "impose."),
	CFG_INT("mail", "per_hour", mail.per_hour, 0, 0, 10000000,
	    "Mails sent per hour at most (0 = no limit)."),
	CFG_INT("mail", "per_day", mail.per_day, 0, 0, 100000000,
	    "Mails sent per day (UTC) at most (0 = no limit)."),
	CFG_INT("mail", "digest_hour", mail.digest_hour, 7, -1, 23,
	    "Hour of the day, in the desk's time zone, at which `newsdesk run` "
	    "sends the daily digest (-1 = never; `newsdesk digest send` "
	    "still works)."),
	CFG_INT("mail", "digest_stories", mail.digest_stories, 8, 1, 50,
	    "Top stories in a digest."),
	CFG_INT("mail", "lease_s", mail.lease_s, 120, 5, 86400,
	    "A mail being sent is leased for this long: a sender killed "
	    "mid-send leaves it to be retried (same Message-ID) after this."),
	CFG_INT("mail", "retry_s", mail.retry_s, 60, 1, 86400,
	    "First retry after a temporary failure (4xx, no connection); "
	    "each later one waits twice as long."),
	CFG_INT("mail", "max_attempts", mail.max_attempts, 10, 1, 100,
	    "Attempts before a temporarily failing mail is given up."),
	CFG_INT("mail", "soft_bounce_limit", mail.soft_bounce_limit, 3, 1, 100,
	    "Soft bounces (4.x.x) after which an address is no longer "
	    "mailed; a hard bounce (5.x.x) stops it at once."),
	CFG_INT("mail", "quiet_s", mail.quiet_s, 3600, 0, 604800,
	    "A sign-up mails an address at most once in this many seconds, "
	    "however often it is entered (no list bombing)."),
	CFG_INT("mail", "signup_per_address", mail.signup_per_address, 5, 1,
	    1000, "Sign-ups accepted per address per hour (in memory)."),
	CFG_INT("mail", "signup_per_minute", mail.signup_per_minute, 60, 1,
	    100000, "Sign-ups accepted per minute in all (in memory)."),
	CFG_INT("mail", "pending_days", mail.pending_days, 7, 1, 365,
	    "Unconfirmed sign-ups are deleted after this many days."),

	CFG_STR("log", "level", log.level, "warn", 500, check_log_level,
	    "Log levels (debug, info, warn, error, off), overall and per "
	    "subsystem: `info,fetch:debug`."),

	CFG_STR("tips", "public_key", tips.public_key, "", 100, check_box_key,
	    "The editors' public key (base64, from `newsdesk tips keygen`): "
	    "every tip is sealed to it before it is stored. Empty: /tips says "
	    "the inbox is closed."),
	CFG_INT("tips", "max_file_kb", tips.max_file_kb, 6144, 1, 6144,
	    "Largest attachment a tip may carry, in KiB (the whole request "
	    "is capped at 8 MiB)."),
	CFG_INT("tips", "rate_per_hour", tips.rate_per_hour, 10, 1, 10000,
	    "Tips and replies one client address may send per hour (counted "
	    "in memory under a keyed hash; the address is never stored)."),
	CFG_INT("tips", "form_max_age_s", tips.form_max_age_s, 7200, 2, 86400,
	    "How long a tips form stays good after it was served, in "
	    "seconds."),
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static int
check_nonempty(const char *v)
{
	if (!*v)
		return err_set(ND_EINVAL, "must not be empty");
	return 0;
}

static int
check_timezone(const char *v)
{
	if (!*v)
		return err_set(ND_EINVAL, "must not be empty");
	if (v[0] == '/' || strstr(v, ".."))
		return err_set(ND_EINVAL, "'%s' is not a time zone name", v);
	for (const char *p = v; *p; p++)
		if (!str_isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return err_set(ND_EINVAL, "'%s' is not a time zone name", v);
	return 0;
}

/* A crypto_box public key in base64: 32 bytes. */
static int
check_box_key(const char *v)
{
	unsigned char k[32];
	size_t n = 0;

	if (!*v)
		return 0;
	if (sodium_init() < 0 || sodium_base642bin(k, sizeof(k), v, strlen(v),
	    NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(k))
		return err_set(ND_EINVAL, "'%s' is not a base64 key of 32 "
		    "bytes (newsdesk tips keygen prints one)", v);
	return 0;
}

static int
check_http_url(const char *v)
{
	if (!*v)
		return 0;
	if (str_ncasecmp(v, "http://", 7) != 0 && str_ncasecmp(v, "https://", 8) != 0)
		return err_set(ND_EINVAL, "'%s' is not an http(s) URL", v);
	for (const char *p = v; *p; p++)
		if (*p == ' ')
			return err_set(ND_EINVAL, "'%s' is not an http(s) URL", v);
	return 0;
}

static int
check_contact_url(const char *v)
{
	if (str_ncasecmp(v, "mailto:", 7) == 0 && v[7])
		return 0;
	return check_http_url(v);
}

static int
check_language(const char *v)
{
	struct str cur = str_of(v), part;
	bool first = true;

	while (cur.len) {
		if (!str_take_until(&cur, '-', &part)) {
			part = cur;
			cur.len = 0;
		}
		if (part.len == 0 || part.len > 8 || (first && part.len < 2))
			return err_set(ND_EINVAL, "'%s' is not a language tag", v);
		for (size_t i = 0; i < part.len; i++)
			if (!str_isalnum((unsigned char)part.p[i]) ||
			    (first && !str_isalpha((unsigned char)part.p[i])))
				return err_set(ND_EINVAL, "'%s' is not a language tag", v);
		first = false;
	}
	return 0;
}

static int
check_listen(const char *v)
{
	const char *colon = strrchr(v, ':');
	long long port;

	if (!colon || colon == v)
		return err_set(ND_EINVAL, "'%s' is not ADDR:PORT", v);
	if (v[0] == '[' && colon[-1] != ']')
		return err_set(ND_EINVAL, "'%s' is not ADDR:PORT", v);
	if (parse_int(colon + 1, 0, 65535, &port) < 0)
		return err_set(ND_EINVAL, "'%s' is not ADDR:PORT (port 0 to 65535)", v);
	return 0;
}

/* log_spec_parse is the one parser of level specs. It leaves the global
 * levels alone: a SIGHUP reload validates while other threads log. */
static int
check_log_level(const char *v)
{
	enum log_level lv[LOG_NSYS];

	return log_spec_parse(lv, v);
}

static int
check_item_text(const char *v)
{
	if (strcmp(v, "excerpt") != 0 && strcmp(v, "full") != 0)
		return err_set(ND_EINVAL, "'%s': want excerpt or full", v);
	return 0;
}

static int
check_smtp_url(const char *v)
{
	if (!*v)
		return 0;
	if (str_ncasecmp(v, "smtp://", 7) != 0 &&
	    str_ncasecmp(v, "smtps://", 8) != 0)
		return err_set(ND_EINVAL, "'%s' is not an smtp:// or smtps:// "
		    "URL", v);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ')
			return err_set(ND_EINVAL, "'%s' is not a URL", v);
	return 0;
}

static const char *
type_name(enum cfg_type t)
{
	switch (t) {
	case CFG_T_STRING: return "string";
	case CFG_T_INT: return "integer";
	case CFG_T_BOOL: return "boolean";
	case CFG_T_LIST: return "list";
	}
	return "?";
}

static const struct cfg_opt *
find_opt(const char *section, const char *key)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].section, section) == 0 &&
		    strcmp(opts[i].key, key) == 0)
			return &opts[i];
	return NULL;
}

static const struct cfg_section *
find_section(const char *section)
{
	for (size_t i = 0; i < NSECTIONS; i++)
		if (strcmp(sections[i].name, section) == 0)
			return &sections[i];
	return NULL;
}

static bool
is_section(const char *section)
{
	return find_section(section) != NULL;
}

static bool
is_string(const struct cfg_opt *o)
{
	return o->type == CFG_T_STRING || o->type == CFG_T_LIST;
}

static char **
string_at(struct config *cfg, const struct cfg_opt *o)
{
	return (char **)(void *)((char *)cfg + o->off);
}

static const char *
cstring_at(const struct config *cfg, const struct cfg_opt *o)
{
	return *(char *const *)(const void *)((const char *)cfg + o->off);
}

static size_t
type_size(enum cfg_type t)
{
	switch (t) {
	case CFG_T_STRING:
	case CFG_T_LIST: return sizeof(char *);
	case CFG_T_INT: return sizeof(int);
	case CFG_T_BOOL: return sizeof(bool);
	}
	return 0;
}

/* Every option's field lies inside its own section's struct: a table line
 * with "fetch" but a web.* field would be copied with the wrong section. */
static bool
table_is_consistent(void)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct cfg_section *s = find_section(opts[i].section);

		if (!s || opts[i].off < s->off ||
		    opts[i].off + type_size(opts[i].type) > s->off + s->size)
			return false;
	}
	return true;
}

/* Normalizes a comma/space separated list to "a, b, c". */
static int
normalize_list(struct buf *out, const char *v)
{
	struct str cur = str_of(v);

	while (cur.len) {
		size_t n = 0;

		while (cur.len && (str_isspace((unsigned char)*cur.p) || *cur.p == ',')) {
			cur.p++;
			cur.len--;
		}
		while (n < cur.len && !str_isspace((unsigned char)cur.p[n]) &&
		    cur.p[n] != ',')
			n++;
		if (!n)
			break;
		if (out->len)
			buf_adds(out, ", ");
		buf_add(out, cur.p, n);
		cur.p += n;
		cur.len -= n;
	}
	return buf_err(out);
}

/* Parses value for o and stores it in cfg. On error the message says what
 * was wrong with the value, without the key (callers add it). */
static int
set_value(struct config *cfg, const struct cfg_opt *o, const char *value)
{
	char *field = (char *)cfg + o->off;
	long long n;
	int rc;

	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(ND_EINVAL, "control character in value");

	switch (o->type) {
	case CFG_T_INT:
		if ((rc = parse_int(value, o->min, o->max, &n)) < 0)
			return rc;
		*(int *)(void *)field = (int)n;
		return 0;
	case CFG_T_BOOL:
		if (!str_casecmp(value, "true") || !str_casecmp(value, "yes") ||
		    !str_casecmp(value, "on") || !strcmp(value, "1"))
			*(bool *)(void *)field = true;
		else if (!str_casecmp(value, "false") || !str_casecmp(value, "no") ||
		    !str_casecmp(value, "off") || !strcmp(value, "0"))
			*(bool *)(void *)field = false;
		else
			return err_set(ND_EINVAL, "'%s' is not true or false", value);
		return 0;
	case CFG_T_STRING:
	case CFG_T_LIST: {
		char **sp = string_at(cfg, o);
		struct buf b = BUF_INIT(BUF_NOCAP);

		if (strlen(value) > (size_t)o->max)
			return err_set(ND_EINVAL, "value longer than %lld bytes", o->max);
		if (o->check && (rc = o->check(value)) < 0)
			return rc;
		if (o->type == CFG_T_LIST) {
			if ((rc = normalize_list(&b, value)) < 0) {
				buf_release(&b);
				return err_set(rc, "list too long");
			}
		} else {
			buf_adds(&b, value);
		}
		free(*sp);
		*sp = buf_detach(&b, NULL);
		return 0;
	}
	}
	return err_set(ND_ERR, "bad option type");
}

void
cfg_init(struct config *cfg)
{
	assert(table_is_consistent() && "cfg table: option outside its section");
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NOPTS; i++) {
		int rc = set_value(cfg, &opts[i], opts[i].def);

		assert(rc == 0 && "bad default in the cfg table");
		(void)rc;
	}
}

/* Frees the strings of s's options in cfg (all sections when s is NULL). */
static void
release_strings(struct config *cfg, const struct cfg_section *s)
{
	for (size_t i = 0; i < NOPTS; i++) {
		char **sp;

		if (!is_string(&opts[i]) ||
		    (s && strcmp(opts[i].section, s->name) != 0))
			continue;
		sp = string_at(cfg, &opts[i]);
		free(*sp);
		*sp = NULL;
	}
}

void
cfg_release(struct config *cfg)
{
	if (cfg)
		release_strings(cfg, NULL);
}

/* The section's struct is copied whole, then each string option gets its
 * own copy: what the table does not know is not a string cfg owns. */
static void
copy_section(struct config *dst, const struct config *src,
    const struct cfg_section *s)
{
	release_strings(dst, s);
	memcpy((char *)dst + s->off, (const char *)src + s->off, s->size);
	for (size_t i = 0; i < NOPTS; i++) {
		const char *v;

		if (!is_string(&opts[i]) || strcmp(opts[i].section, s->name) != 0)
			continue;
		v = cstring_at(src, &opts[i]);
		*string_at(dst, &opts[i]) = v ? xstrdup(v) : NULL;
	}
}

void
cfg_copy(struct config *dst, const struct config *src)
{
	if (dst == src)
		return;
	for (size_t i = 0; i < NSECTIONS; i++)
		copy_section(dst, src, &sections[i]);
}

void
cfg_copy_section(struct config *dst, const struct config *src,
    const char *section)
{
	const struct cfg_section *s = find_section(section);

	assert(s && "cfg_copy_section: unknown section");
	if (dst == src || !s)
		return;
	copy_section(dst, src, s);
}

bool
cfg_equal(const struct config *a, const struct config *b)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct cfg_opt *o = &opts[i];
		const char *fa = (const char *)a + o->off;
		const char *fb = (const char *)b + o->off;

		if (is_string(o)) {
			const char *sa = cstring_at(a, o), *sb = cstring_at(b, o);

			if (sa != sb && (!sa || !sb || strcmp(sa, sb) != 0))
				return false;
		} else if (memcmp(fa, fb, type_size(o->type)) != 0) {
			return false;
		}
	}
	return true;
}

int
cfg_set(struct config *cfg, const char *section, const char *key,
    const char *value)
{
	const struct cfg_opt *o;
	char msg[512];
	int rc;

	if (!*section)
		return err_set(ND_EINVAL, "'%s' is outside a [section]", key);
	if (!is_section(section))
		return err_set(ND_EINVAL, "unknown section [%s]", section);
	if (!(o = find_opt(section, key)))
		return err_set(ND_EINVAL, "unknown key '%s' in [%s]", key, section);
	if ((rc = set_value(cfg, o, value)) < 0) {
		snprintf(msg, sizeof(msg), "%s", err_msg());
		return err_set(rc, "[%s] %s: %s", section, key, msg);
	}
	return 0;
}

/* ---- loading ---- */

struct reader {
	const char *p, *end;
	int line;              /* number of the line last handed to inih */
	int too_long_line;     /* first line that did not fit, or 0 */
};

struct load {
	struct config *cfg;
	struct reader rd;
	const char *name;
	int err_line;          /* first line with a bad key or value, or 0 */
	int err_code;
	char err[768];
	int seen[NOPTS];       /* line where each key was set, 0 = not yet */
};

/* An fgets for memory: one line per call, so inih's line count and ours
 * agree. A line that does not fit inih's buffer is replaced by a comment and
 * reported by us, rather than split into two lines. */
static char *
read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	const char *nl;
	size_t n, room = num > 2 ? (size_t)num - 2 : 0;

	if (r->p >= r->end)
		return NULL;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	n = nl ? (size_t)(nl - r->p) + 1 : (size_t)(r->end - r->p);
	r->line++;
	if (n > room) {
		if (!r->too_long_line)
			r->too_long_line = r->line;
		str[0] = ';';
		str[1] = '\0';
	} else {
		memcpy(str, r->p, n);
		str[n] = '\0';
	}
	r->p += n;
	return str;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	const struct cfg_opt *o;
	int rc, line = ld->rd.line;

	if (ld->err_line)
		return 1; /* keep only the first error; inih keeps reading */
	o = find_opt(section, name);
	if (o && ld->seen[o - opts]) {
		rc = err_set(ND_EINVAL, "[%s] %s is set twice (first on line %d)",
		    section, name, ld->seen[o - opts]);
	} else {
		rc = cfg_set(ld->cfg, section, name, value);
		if (o && rc == 0)
			ld->seen[o - opts] = line;
	}
	if (rc < 0) {
		ld->err_line = line;
		ld->err_code = rc;
		snprintf(ld->err, sizeof(ld->err), "%s", err_msg());
	}
	return 1;
}

/* Pairs of keys where the first must not exceed the second. Checked after
 * a whole file is read, so their order in the file does not matter. */
static const struct {
	const char *section, *lo, *hi;
} ordered[] = {
	{ "fetch", "per_host", "concurrency" },
	{ "fetch", "connect_timeout_s", "timeout_s" },
	{ "fetch", "min_interval_s", "max_interval_s" },
};

static int
int_at(const struct config *cfg, const struct cfg_opt *o)
{
	return *(const int *)(const void *)((const char *)cfg + o->off);
}

static int
check_ordered(struct load *ld)
{
	for (size_t i = 0; i < sizeof(ordered) / sizeof(ordered[0]); i++) {
		const struct cfg_opt *lo = find_opt(ordered[i].section, ordered[i].lo);
		const struct cfg_opt *hi = find_opt(ordered[i].section, ordered[i].hi);
		int line;

		assert(lo && hi && lo->type == CFG_T_INT && hi->type == CFG_T_INT);
		if (int_at(ld->cfg, lo) <= int_at(ld->cfg, hi))
			continue;
		line = ld->seen[lo - opts] > ld->seen[hi - opts] ?
		    ld->seen[lo - opts] : ld->seen[hi - opts];
		return err_set(ND_EINVAL, "%s:%d: [%s] %s (%d) is larger than %s "
		    "(%d)", ld->name, line, ordered[i].section, lo->key,
		    int_at(ld->cfg, lo), hi->key, int_at(ld->cfg, hi));
	}
	return 0;
}

int
cfg_load_mem(struct config *cfg, const char *data, size_t len,
    const char *name)
{
	struct load ld;
	int syntax;

	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.name = name ? name : "config";
	ld.rd.p = data;
	ld.rd.end = data + len;

	syntax = ini_parse_stream(read_line, &ld.rd, on_key, &ld);
	if (syntax < 0)
		return err_set(ND_ENOMEM, "config: %s: out of memory", ld.name);
	/* Report whichever problem comes first in the file. */
	if (ld.rd.too_long_line &&
	    (!syntax || ld.rd.too_long_line < syntax) &&
	    (!ld.err_line || ld.rd.too_long_line < ld.err_line))
		return err_set(ND_EINVAL, "%s:%d: line too long", ld.name,
		    ld.rd.too_long_line);
	if (syntax > 0 && (!ld.err_line || syntax < ld.err_line))
		return err_set(ND_EINVAL, "%s:%d: syntax error (expected "
		    "[section] or key = value)", ld.name, syntax);
	if (ld.err_line)
		return err_set(ld.err_code, "%s:%d: %s", ld.name, ld.err_line,
		    ld.err);
	return check_ordered(&ld);
}

#define CFG_MAX_FILE (1 << 20)

int
cfg_load(struct config *cfg, const char *path)
{
	struct buf b = BUF_INIT(CFG_MAX_FILE);
	int rc;

	if ((rc = buf_read_file(&b, path)) == 0)
		rc = cfg_load_mem(cfg, b.ptr, b.len, path);
	buf_release(&b);
	return rc;
}

/* ---- output ---- */

static void
add_value(struct buf *out, const struct config *cfg, const struct cfg_opt *o)
{
	const char *field = (const char *)cfg + o->off;

	switch (o->type) {
	case CFG_T_INT:
		buf_addf(out, "%d", *(const int *)(const void *)field);
		break;
	case CFG_T_BOOL:
		buf_adds(out, *(const bool *)(const void *)field ? "true" : "false");
		break;
	case CFG_T_STRING:
	case CFG_T_LIST: {
		const char *s = cstring_at(cfg, o);

		buf_adds(out, s ? s : "");
		break;
	}
	}
}

/* Wraps text into "# " comment lines of at most 78 columns. */
static void
add_comment(struct buf *out, const char *text)
{
	struct str cur = str_of(text);

	while (cur.len) {
		size_t n = cur.len;

		if (n > 76) {
			n = 76;
			while (n > 0 && cur.p[n] != ' ')
				n--;
			if (n == 0)
				n = 76;
		}
		buf_adds(out, "# ");
		buf_add(out, cur.p, n);
		buf_addc(out, '\n');
		cur.p += n;
		cur.len -= n;
		while (cur.len && *cur.p == ' ') {
			cur.p++;
			cur.len--;
		}
	}
}

void
cfg_dump(const struct config *cfg, struct buf *out)
{
	buf_adds(out, "# newsdesk configuration (`newsdesk config doc` describes "
	    "every key)\n");
	for (size_t s = 0; s < NSECTIONS; s++) {
		size_t mark;

		buf_addf(out, "\n[%s]\n", sections[s].name);
		for (size_t i = 0; i < NOPTS; i++) {
			if (strcmp(opts[i].section, sections[s].name) != 0)
				continue;
			add_comment(out, opts[i].doc);
			buf_addf(out, "%s =", opts[i].key);
			mark = out->len;
			buf_addc(out, ' ');
			add_value(out, cfg, &opts[i]);
			if (out->len == mark + 1)
				buf_truncate(out, mark); /* no trailing blank */
			buf_addc(out, '\n');
		}
	}
}

void
cfg_doc_markdown(struct buf *out)
{
	buf_adds(out,
	    "# Configuration\n\n"
	    "<!-- Generated by `newsdesk config doc` from the table in "
	    "src/core/cfg.c; do not edit by hand. -->\n\n"
	    "newsdesk reads one INI file: `--config FILE`, else the file named "
	    "by `NEWSDESK_CONFIG`, else none (every key has a default). "
	    "Values are applied in this order, later ones winning:\n\n"
	    "1. the defaults below;\n"
	    "2. the configuration file;\n"
	    "3. command-line options (`--db` overrides `[store] path`; so does "
	    "`NEWSDESK_DB`).\n\n"
	    "Comments start with `#` or `;` at the beginning of a line. An "
	    "unknown section or key, a key given twice, a malformed value or a "
	    "number out of range is an error that names the file and line, "
	    "e.g. `newsdesk.ini:12: [fetch] timeout_s: 0 is out of range (1 to "
	    "3600)`. Check a file with `newsdesk config check FILE`; print the "
	    "defaults as a starting file with `newsdesk config dump "
	    "--defaults`.\n\n"
	    "Some keys bound others: `per_host` may not exceed `concurrency`, "
	    "`connect_timeout_s` not `timeout_s`, `min_interval_s` not "
	    "`max_interval_s`.\n\n"
	    "Lists are separated by commas or spaces. Integers are decimal. "
	    "A line holds at most 197 bytes (the INI reader's line buffer); a "
	    "longer one is an error, never silently cut.\n");
	for (size_t s = 0; s < NSECTIONS; s++) {
		buf_addf(out, "\n## [%s]\n\n%s\n\n", sections[s].name,
		    sections[s].doc);
		buf_adds(out, "| key | type | default | allowed | meaning |\n"
		    "| --- | --- | --- | --- | --- |\n");
		for (size_t i = 0; i < NOPTS; i++) {
			const struct cfg_opt *o = &opts[i];

			if (strcmp(o->section, sections[s].name) != 0)
				continue;
			buf_addf(out, "| `%s` | %s | ", o->key, type_name(o->type));
			if (*o->def)
				buf_addf(out, "`%s`", o->def);
			else
				buf_adds(out, "(empty)");
			buf_adds(out, " | ");
			if (o->type == CFG_T_INT)
				buf_addf(out, "%lld to %lld", o->min, o->max);
			else if (o->type == CFG_T_BOOL)
				buf_adds(out, "true, false");
			else
				buf_addf(out, "up to %lld bytes", o->max);
			buf_addf(out, " | %s |\n", o->doc);
		}
	}
}
