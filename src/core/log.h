/*
 * log: one key=value line per event on stderr, with a level and a subsystem.
 *
 * The level is chosen per subsystem with a spec like "info,fetch:debug"
 * (log_configure). Macros test the level before evaluating arguments.
 *
 * Threads: the levels are atomics. log_configure may run (on SIGHUP) while
 * the web and fetch threads log; the macros read a level with one relaxed
 * load, so a thread may log under the old level for a moment, never under
 * a torn one. log_write is thread-safe (one fwrite per line, and stdio
 * locks the stream).
 * Control characters and newlines in the formatted line are escaped, so a
 * hostile value cannot forge a log line. Never log tip contents, passwords,
 * tokens or reader emails.
 */
#ifndef ND_CORE_LOG_H
#define ND_CORE_LOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };
enum log_sys { LOG_MAIN, LOG_FETCH, LOG_PARSE, LOG_STORE, LOG_WEB, LOG_MAIL,
	LOG_ANALYZE, LOG_NSYS };

/* The level of each subsystem (an enum log_level). Read it with
 * log_level_of or the macros; only log_configure writes it. */
extern atomic_int log_levels[LOG_NSYS];

static inline enum log_level
log_level_of(enum log_sys sys)
{
	return (enum log_level)atomic_load_explicit(&log_levels[sys],
	    memory_order_relaxed);
}

/* Parses a spec like "info,fetch:debug,store:warn" into out (one level per
 * subsystem; the bare level applies to those not named, warn when there is
 * none). Touches no global state; thread-safe. ND_EINVAL on error. */
int log_spec_parse(enum log_level out[LOG_NSYS], const char *spec);

/* Parses spec and, if it is valid, sets every subsystem's level; on error
 * (ND_EINVAL) nothing changes. Thread-safe against logging threads; callers
 * do not run two at once (startup, then the signal thread). */
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
		if ((int)(lvl) >= atomic_load_explicit(&log_levels[(sys)],     \
		    memory_order_relaxed))                                     \
			log_write((lvl), (sys), __VA_ARGS__);                  \
	} while (0)
#define log_debug(sys, ...) LOG_AT(LOG_DEBUG, sys, __VA_ARGS__)
#define log_info(sys, ...) LOG_AT(LOG_INFO, sys, __VA_ARGS__)
#define log_warn(sys, ...) LOG_AT(LOG_WARN, sys, __VA_ARGS__)
#define log_error(sys, ...) LOG_AT(LOG_ERROR, sys, __VA_ARGS__)

#endif
