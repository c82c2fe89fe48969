/* err: see err.h. The message lives in thread-local storage. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/banned.h"

static _Thread_local char msg[1024];

int
err_set(int code, const char *fmt, ...)
{
	char tmp[sizeof(msg)];
	va_list ap;

	/* Through a copy: callers wrap the message that is there
	 * ("%s: %s", path, err_msg()), which must not be overwritten while
	 * it is being read. */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(msg, tmp, sizeof(msg));
	return code;
}

const char *
err_msg(void)
{
	return msg;
}

void
err_clear(void)
{
	msg[0] = '\0';
}

const char *
err_name(int code)
{
	switch (code) {
	case ND_OK: return "ok";
	case ND_ENOMEM: return "out of memory";
	case ND_ENOTFOUND: return "not found";
	case ND_EEXISTS: return "already exists";
	case ND_EINVAL: return "invalid argument";
	case ND_ETOOBIG: return "too big";
	case ND_EPARSE: return "parse error";
	case ND_ETIMEOUT: return "timed out";
	case ND_EAUTH: return "not authorized";
	case ND_EIO: return "i/o error";
	default: return "error";
	}
}
