/*
 * cfg: the configuration. One table in cfg.c is the truth: each key's
 * section, name, type, bounds, default and doc line. Loading (inih),
 * validation, `newsdesk config check`, `newsdesk config dump --defaults` and
 * docs/config.md all come from it. Unknown keys and out-of-range values are
 * errors reported as file:line.
 *
 * To add an option: add a field here and one CFG_* line to the table in
 * cfg.c (the default lives there, not here).
 */
#ifndef ND_CORE_CFG_H
#define ND_CORE_CFG_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* One struct per section, so a module can be handed just its own. */
struct cfg_desk {
	char *name;          /* masthead */
	char *tagline;
	char *contact;       /* contact line / address */
	char *timezone;      /* IANA zone for shown times, e.g. America/New_York */
	char *base_url;      /* public URL of the site */
	char *language;      /* default language of the desk */
	/* accounts (issue 10) */
	int session_idle_s;  /* a session ends after this long unused */
	int session_max_s;   /* ... and this long after sign-in */
	int login_free_failures; /* per account, before waits start */
	int login_max_wait_s;
	int login_failures_per_min; /* over all accounts */
	int password_min_len;
	int pwhash_ops;      /* argon2id opslimit */
	int pwhash_mem_mb;   /* argon2id memlimit, MiB */
	/* the beat's profile (issue 9): words and names, comma separated */
	char *beat;
	char *beat_names;    /* people, places, bodies: the same use */
};

struct cfg_store {
	char *path;          /* SQLite file */
	int optimize_hour;   /* desk-local hour `run` merges the search
	                      * index; -1 off */
};

struct cfg_fetch {
	int concurrency;     /* transfers at once */
	int per_host;        /* transfers at once per host */
	int host_spacing_ms; /* minimum gap between requests to one host */
	int connect_timeout_s;
	int timeout_s;       /* total per transfer */
	int low_speed_bytes; /* abort below this many bytes/s ... */
	int low_speed_s;     /* ... for this long */
	int max_body_kb;     /* after decompression */
	int max_redirects;
	int max_header_kb;
	int min_interval_s;  /* polling interval bounds */
	int max_interval_s;
	char *allow_hosts;   /* comma/space separated names or addresses */
	char *contact_url;   /* in the User-Agent */
	char *ca_file;       /* PEM CA bundle for TLS; "" = the system's */
	int max_image_kb;    /* largest item photo accepted */
	int max_images_per_cycle; /* photos fetched after the feeds; 0 = off */
	int max_articles_per_cycle; /* article pages for full text; 0 = off */
	int full_text_short; /* auto: fetch when the feed's text is shorter */
	int article_refresh_s; /* fetch a stored article again after; 0 = never */
};

struct cfg_web {
	char *listen;        /* ADDR:PORT */
	char *theme_dir;     /* templates and CSS */
	char *sponsor_html_file; /* operator-provided sponsor slot (file) */
	char *access_log;    /* path, "-" = stderr, "" = off */
	int max_connections;
	int connection_timeout_s;
	int head_timeout_s;  /* a whole request head, from the connection
	                      * or the end of the previous request */
	int max_connections_per_ip; /* 0 = no per-address limit */
	int cache_max_entries; /* rendered pages kept in memory */
	char *item_text;     /* "excerpt" or "full": the stored article text
	                      * on item pages, unless the source says */
};

/* [mail] (issue 11): sign-ups, digests and their delivery */
struct cfg_mail {
	char *smtp_url;      /* smtp://host:port (STARTTLS when offered) or
	                      * smtps://; "" = mail is queued, not sent */
	char *from;          /* "Name <addr@domain>" or addr@domain */
	char *user;          /* SMTP AUTH user; "" = none */
	char *password_file; /* the password, read when sending */
	char *ca_file;       /* PEM CAs the server's certificate is verified
	                      * against; "" = the system's */
	char *bounce_domain; /* VERP return path domain; "" = from's */
	int per_minute;      /* send windows; 0 = no limit */
	int per_hour;
	int per_day;
	int digest_hour;     /* desk-local hour of the daily digest; -1 off */
	int digest_stories;  /* top stories in a digest */
	int lease_s;         /* a claimed mail's lease */
	int retry_s;         /* first retry delay; doubles per attempt */
	int max_attempts;    /* then the mail fails */
	int soft_bounce_limit;
	int quiet_s;         /* an address is mailed at most once per quiet_s
	                      * by sign-ups (no list bombing) */
	int signup_per_address; /* sign-ups per address per hour */
	int signup_per_minute;  /* sign-ups per minute, overall */
	int pending_days;    /* unconfirmed sign-ups expire */
};

struct cfg_log {
	char *level;         /* e.g. "info,fetch:debug" */
};

struct cfg_tips {            /* issue 11 */
	char *public_key;    /* base64 crypto_box key tips are sealed to */
	int max_file_kb;     /* cap on one attachment */
	int rate_per_hour;   /* submissions per client address per hour */
	int form_max_age_s;  /* a form token is good this long */
};

/*
 * The whole configuration. Its strings are owned (malloc'd) by it: they
 * are only ever set, copied and freed through the functions below, which
 * the option table in cfg.c drives, so a new string option needs no code
 * of its own to be copied or freed. A struct config is "valid" once it has
 * been through cfg_init or cfg_copy, or is all zero bytes (no strings).
 */
struct config {
	struct cfg_desk desk;
	struct cfg_store store;
	struct cfg_fetch fetch;
	struct cfg_web web;
	struct cfg_log log;
	struct cfg_tips tips;
	struct cfg_mail mail;
};

/* Fills cfg (any memory: nothing in it is freed) with the defaults.
 * Caller frees with cfg_release. */
void cfg_init(struct config *cfg);

/* Frees cfg's strings and sets them to NULL; cfg may be copied into or
 * released again. Accepts NULL. */
void cfg_release(struct config *cfg);

/*
 * Makes dst a deep copy of src: dst's own strings are freed first, so dst
 * must be valid (see struct config); copying into the same dst again leaks
 * nothing. dst == src does nothing. Not thread-safe on dst; src is only
 * read. Caller frees dst with cfg_release.
 */
void cfg_copy(struct config *dst, const struct config *src);

/*
 * The same for one section ("desk", "store", "fetch", "web" or "log"; any
 * other name is a programmer error, an assert): dst's other sections are
 * left as they are. For a thread that keeps its own copy of its section
 * and gets a new one on SIGHUP, e.g. the fetch loop:
 *     l = xcalloc(1, sizeof(*l));            all zero: valid, empty
 *     cfg_copy_section(&l->cfg, cfg, "fetch");
 *     ... on reload, under the loop's lock: the same call again ...
 *     cfg_release(&l->cfg);                  frees what it copied
 */
void cfg_copy_section(struct config *dst, const struct config *src,
    const char *section);

/* True when every option has the same value in a and b (strings compared
 * by content; NULL equals only NULL). */
bool cfg_equal(const struct config *a, const struct config *b);

/* Loads an INI file over the current values. ND_ENOTFOUND when the file is
 * missing, ND_EINVAL with "file:line: ..." in err_msg() for a bad key or
 * value. */
int cfg_load(struct config *cfg, const char *path);

/* Like cfg_load, from memory (len bytes, need not be NUL-terminated); name
 * is used in messages ("name:line: ..."). For tests and fuzzing. On error
 * cfg may hold some of the new values; callers discard it. */
int cfg_load_mem(struct config *cfg, const char *data, size_t len,
    const char *name);

/* Sets one "section.key" to a string value (as if read from a file). */
int cfg_set(struct config *cfg, const char *section, const char *key,
    const char *value);

/* Writes the configuration as INI with a comment per key (defaults when
 * cfg was only cfg_init'ed). */
void cfg_dump(const struct config *cfg, struct buf *out);

/* Writes the Markdown reference of every option (docs/config.md). */
void cfg_doc_markdown(struct buf *out);

#endif
