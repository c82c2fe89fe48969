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

struct config {
	struct {
		char *name;          /* masthead */
		char *tagline;
		char *contact;       /* contact line / address */
		char *timezone;      /* IANA zone for shown times, e.g. America/New_York */
		char *base_url;      /* public URL of the site */
		char *language;      /* default language of the desk */
	} desk;
	struct {
		char *path;          /* SQLite file */
	} store;
	struct {
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
	} fetch;
	struct {
		char *listen;        /* ADDR:PORT */
		char *theme_dir;     /* templates and CSS */
		char *sponsor_html_file; /* operator-provided sponsor slot (file) */
		char *access_log;    /* path, "-" = stderr, "" = off */
		int max_connections;
		int connection_timeout_s;
		int cache_max_entries; /* rendered pages kept in memory */
	} web;
	struct {
		char *level;         /* e.g. "info,fetch:debug" */
	} log;
};

/* Fills cfg with the defaults. Caller frees with cfg_release. */
void cfg_init(struct config *cfg);
void cfg_release(struct config *cfg);

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
