/*
 * tz: local time in a named zone without touching the process's TZ.
 *
 * glibc converts only in the zone of the environment (TZ, tzset), which is
 * process-wide state: a server that shows times in the desk's zone, or a
 * digest sent in each reader's zone, cannot use it. So the desk reads the
 * zone's TZif file (RFC 8536; /usr/share/zoneinfo/NAME) itself: the 64-bit
 * transition table of version 2+, and the footer's POSIX TZ string for
 * times after the last transition. Leap-second records are skipped (the
 * "right/" zones are not supported). A struct tz is immutable once made,
 * so any number of threads can use one at the same time.
 */
#ifndef ND_CORE_TZ_H
#define ND_CORE_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tz;

/* Largest TZif file accepted (the biggest zone is about 3 KiB). */
#define TZ_MAX_FILE (256u << 10)

/*
 * Loads zone name from /usr/share/zoneinfo. ND_EINVAL when name is not a
 * zone name (empty, a leading '/', "..", a character outside
 * [A-Za-z0-9_+-/], longer than 255); ND_ENOTFOUND when there is no such
 * file; ND_EPARSE when it is not a valid TZif file. Caller frees with
 * tz_free.
 */
int tz_load(struct tz **out, const char *name);

/* The same from memory (name is what tz_name returns). For tests and the
 * fuzzer. */
int tz_parse(struct tz **out, const char *name, const void *data,
    size_t len);

/* tz_load, or UTC with a warning in the log when the zone cannot be
 * loaded; never NULL. */
struct tz *tz_open(const char *name);

/* UTC. Caller frees with tz_free. */
struct tz *tz_utc(void);

void tz_free(struct tz *tz);

/* The zone's name ("America/New_York", "UTC"). Borrowed from tz. */
const char *tz_name(const struct tz *tz);

/*
 * The local time of t in tz, like localtime_r in that zone: all the
 * fields of *out, tm_isdst, tm_gmtoff and tm_zone (so strftime's %Z
 * works). *out_abbr (may be NULL) gets the abbreviation ("EST", "+03"),
 * borrowed from tz. Thread-safe.
 */
void tz_local(const struct tz *tz, int64_t t, struct tm *out,
    const char **out_abbr);

/*
 * The UTC time of a local wall-clock time in tz (mon 1..12; fields are
 * normalized like mktime's: mday 32 is the next month). A time that
 * happens twice (clocks going back) gives the first; one that is skipped
 * (clocks going forward) gives the instant as many seconds after the gap
 * started as it names after the gap's start.
 */
int64_t tz_mktime(const struct tz *tz, int year, int mon, int mday, int hour,
    int min, int sec);

/*
 * A daily job at a local hour: the instant today (t's local day in tz)
 * at hour:00, and whether the job is due at t: hour >= 0 (-1 is off),
 * that instant has passed and the job last ran (last, 0 = never) before
 * it. Used by the mail digest and the search index upkeep of `run`, so
 * a restart does not run either twice on one day. Pure; thread-safe.
 */
int64_t tz_daily_at(const struct tz *tz, int64_t t, int hour);
bool tz_daily_due(const struct tz *tz, int64_t t, int hour, int64_t last);

/* Days since 1970-01-01 of a proleptic Gregorian date (mon 1..12, any
 * mday), and back. Pure. */
int64_t tz_days_from_civil(int64_t y, int mon, int mday);
void tz_civil_from_days(int64_t days, int64_t *out_y, int *out_mon,
    int *out_mday);

#endif
