/*
 * err: error codes and a per-thread message for the last error.
 *
 * Functions return 0 on success or a negative enum nd_err. The place where an
 * error happens records one lowercase line with err_set(), which returns the
 * code so callers write `return err_set(ND_EINVAL, "...")`. Callers pass the
 * code up unchanged and do not overwrite a lower layer's message.
 */
#ifndef ND_CORE_ERR_H
#define ND_CORE_ERR_H

enum nd_err {
	ND_OK = 0,
	ND_ERR = -1,        /* anything without a more specific code */
	ND_ENOMEM = -2,
	ND_ENOTFOUND = -3,
	ND_EEXISTS = -4,
	ND_EINVAL = -5,
	ND_ETOOBIG = -6,
	ND_EPARSE = -7,
	ND_ETIMEOUT = -8,
	ND_EAUTH = -9,
	ND_EIO = -10,
};

/* Records the message for this thread and returns code. */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last message set on this thread ("" when none). Borrowed; valid until
 * the next err_set on this thread. */
const char *err_msg(void);

/* Clears this thread's message. */
void err_clear(void);

/* A short name for a code: "not found", "too big", ... */
const char *err_name(int code);

#endif
