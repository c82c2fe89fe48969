/*
 * log: one key=value line per event on stderr, with a level and a subsystem.
 *
 * The level is chosen per subsystem with a spec like "info,fetch:debug"
 * (log_configure). Macros test the level before evaluating arguments.
 * Control characters and newlines in the formatted line are escaped, so a
 * hostile value cannot forge a log line. Never log tip contents, passwords,
 * tokens or reader emails.
 */
#ifndef ND_CORE_LOG_H
#define ND_CORE_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };
enum log_sys { LOG_MAIN, LOG_FETCH, LOG_PARSE, LOG_STORE, LOG_WEB, LOG_MAIL,
	LOG_ANALYZE, LOG_NSYS };

extern enum log_level log_levels[LOG_NSYS];

/* Parses a spec like "info,fetch:debug,store:warn". ND_EINVAL on error. */
int log_configure(const char *spec);

void log_write(enum log_level lvl, enum log_sys sys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Appends s to out[*n..cap) as log text: C0 and C1 control characters, DEL,
 * backslash, bytes that are not UTF-8 and, with is_field, spaces become
 * \xNN, so the line can be neither forged nor turned into terminal
 * escapes. Stops while 16 bytes of out are left; does not NUL-terminate.
 * Used by log_write and the web access log.
 */
void log_escape(char *out, size_t *n, size_t cap, const char *s,
    bool is_field);

#define LOG_AT(lvl, sys, ...)                                                  \
	do {                                                                   \
		if ((lvl) >= log_levels[(sys)])                                \
			log_write((lvl), (sys), __VA_ARGS__);                  \
	} while (0)
#define log_debug(sys, ...) LOG_AT(LOG_DEBUG, sys, __VA_ARGS__)
#define log_info(sys, ...) LOG_AT(LOG_INFO, sys, __VA_ARGS__)
#define log_warn(sys, ...) LOG_AT(LOG_WARN, sys, __VA_ARGS__)
#define log_error(sys, ...) LOG_AT(LOG_ERROR, sys, __VA_ARGS__)

#endif
