/*
 * url: RFC 3986 reference resolution and canonicalization for de-duplication.
 *
 * Pure string functions; results are allocated in the caller's arena.
 * IRIs keep their non-ASCII characters as written.
 */
#ifndef ND_CORE_URL_H
#define ND_CORE_URL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/*
 * Resolves ref against base (RFC 3986 section 5.2, with remove_dot_segments).
 * base may be NULL or relative, in which case ref is returned (trimmed).
 * Returns a new string in a; never NULL (ref itself when it cannot be resolved).
 */
const char *url_resolve(struct arena *a, const char *base, const char *ref);

/* True when the scheme of url is one a reader may follow: http, https,
 * mailto (and, for is_base use, ftp). Relative references count as safe. */
bool url_is_safe(const char *url);

/* The scheme of url, lower-cased, in a, or NULL when url is relative. */
const char *url_scheme(struct arena *a, const char *url);

/*
 * Canonical form of an absolute http(s) URL, for recognising the same
 * article under different URLs: lower-case scheme and host, default port
 * dropped, empty path becomes "/", dot segments removed, fragment removed,
 * tracking parameters removed (utm_*, fbclid, gclid, dclid, msclkid, mc_cid,
 * mc_eid, yclid, _ga, igshid, ...), percent-encoding of unreserved characters
 * decoded and hex digits upper-cased. Returns NULL for anything that is not
 * an absolute http/https URL.
 */
const char *url_canonical(struct arena *a, const char *url);

#endif
