/* log: see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/banned.h"

atomic_int log_levels[LOG_NSYS] = {
	LOG_WARN, LOG_WARN, LOG_WARN, LOG_WARN, LOG_WARN, LOG_WARN, LOG_WARN,
};

static const char *sys_names[LOG_NSYS] = {
	"main", "fetch", "parse", "store", "web", "mail", "analyze",
};
static const char *lvl_names[] = { "debug", "info", "warn", "error", "off" };

static int
level_of(struct str s, enum log_level *out)
{
	for (int i = 0; i <= LOG_OFF; i++) {
		if (str_ieq(s, lvl_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return err_set(ND_EINVAL, "log: unknown level '%.*s'", (int)s.len, s.p);
}

int
log_spec_parse(enum log_level out[LOG_NSYS], const char *spec)
{
	struct str cur = str_of(spec), part, name, lvl;
	enum log_level all = LOG_WARN, set[LOG_NSYS];
	bool given[LOG_NSYS] = { false };
	int rc;

	while (cur.len) {
		if (!str_take_until(&cur, ',', &part)) {
			part = cur;
			cur.len = 0;
		}
		part = str_trim(part);
		if (!part.len)
			continue;
		struct str pc = part;
		if (str_take_until(&pc, ':', &name)) {
			int i;
			lvl = str_trim(pc);
			name = str_trim(name);
			for (i = 0; i < LOG_NSYS; i++)
				if (str_ieq(name, sys_names[i]))
					break;
			if (i == LOG_NSYS)
				return err_set(ND_EINVAL, "log: unknown subsystem '%.*s'",
				    (int)name.len, name.p);
			if ((rc = level_of(lvl, &set[i])) < 0)
				return rc;
			given[i] = true;
		} else if ((rc = level_of(part, &all)) < 0) {
			return rc;
		}
	}
	for (int i = 0; i < LOG_NSYS; i++)
		out[i] = given[i] ? set[i] : all;
	return 0;
}

int
log_configure(const char *spec)
{
	enum log_level lv[LOG_NSYS];
	int rc;

	if ((rc = log_spec_parse(lv, spec)) < 0)
		return rc;
	for (int i = 0; i < LOG_NSYS; i++)
		atomic_store_explicit(&log_levels[i], (int)lv[i],
		    memory_order_relaxed);
	return 0;
}

/* Length of the UTF-8 sequence at p when it is valid and no C1 control
 * (U+0080..U+009F, which terminals obey like ESC sequences); else 0. The
 * NUL after s fails the continuation test, so p is never read past it. */
static size_t
utf8_printable(const unsigned char *p)
{
	size_t n = p[0] < 0xc2 ? 0 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 :
	    p[0] < 0xf5 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return 0;
	return n;
}

void
log_escape(char *out, size_t *n, size_t cap, const char *s, bool is_field)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p && *n + 16 < cap) {
		size_t k = *p >= 0x80 ? utf8_printable(p) : 1;

		if (*p < 0x20 || *p == 0x7f || *p == '\\' ||
		    (is_field && *p == ' ') || !k) {
			*n += (size_t)snprintf(out + *n, cap - *n, "\\x%02x", *p);
			p++;
			continue;
		}
		memcpy(out + *n, p, k);
		*n += k;
		p += k;
	}
}

void
log_write(enum log_level lvl, enum log_sys sys, const char *fmt, ...)
{
	char line[2048], out[4096];
	size_t o = 0;
	va_list ap;
	struct timespec ts;
	struct tm tm;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	o = strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	o += (size_t)snprintf(out + o, sizeof(out) - o, "%s %s ", lvl_names[lvl],
	    sys_names[sys]);
	log_escape(out, &o, sizeof(out), line, false);
	out[o++] = '\n';
	fwrite(out, 1, o, stderr);
}
