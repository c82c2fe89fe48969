/*
 * guard: the SSRF guard's address classifier and allow list.
 *
 * A feed URL is hostile: it (or any redirect) may point at the machine
 * itself, the LAN or a cloud metadata address. The engine asks
 * fetch_addr_class() about the address libcurl is about to connect to (from
 * CURLOPT_OPENSOCKETFUNCTION, so every hop and every address of a name is
 * checked, after DNS, which defeats DNS rebinding tricks), unless the host
 * or the address is on the operator's allow list.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "fetch/fetch.h"
#include "core/banned.h"

struct v4net {
	uint32_t net;
	int prefix;
	const char *why;
};

/* Order matters only where nets nest (none do here). */
static const struct v4net v4nets[] = {
	{ 0x00000000, 8, "unspecified" },      /* 0.0.0.0/8 "this network" */
	{ 0x0a000000, 8, "private" },          /* 10/8 */
	{ 0x64400000, 10, "shared (CGNAT)" },  /* 100.64/10 */
	{ 0x7f000000, 8, "loopback" },         /* 127/8 */
	{ 0xa9fe0000, 16, "link-local" },      /* 169.254/16, cloud metadata */
	{ 0xac100000, 12, "private" },         /* 172.16/12 */
	{ 0xc0000000, 24, "reserved" },        /* 192.0.0/24 IETF */
	{ 0xc0000200, 24, "documentation" },   /* 192.0.2/24 */
	{ 0xc0586300, 24, "reserved" },        /* 192.88.99/24 6to4 relay */
	{ 0xc0a80000, 16, "private" },         /* 192.168/16 */
	{ 0xc6120000, 15, "reserved" },        /* 198.18/15 benchmarking */
	{ 0xc6336400, 24, "documentation" },   /* 198.51.100/24 */
	{ 0xcb007100, 24, "documentation" },   /* 203.0.113/24 */
	{ 0xe0000000, 4, "multicast" },        /* 224/4 */
	{ 0xffffffff, 32, "broadcast" },
	{ 0xf0000000, 4, "reserved" },         /* 240/4 */
};

static const char *
class_v4(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4nets) / sizeof(v4nets[0]); i++) {
		uint32_t mask = v4nets[i].prefix ?
		    0xffffffffu << (32 - v4nets[i].prefix) : 0;

		if ((a & mask) == v4nets[i].net)
			return v4nets[i].why;
	}
	return NULL;
}

static uint32_t
v4_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static bool
prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));
		if ((a[bytes] & m) != (b[bytes] & m))
			return false;
	}
	return true;
}

static const char *
class_v6(const uint8_t *a)
{
	static const uint8_t zero[16] = { 0 };
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0, 0x64, 0xff, 0x9b };
	static const uint8_t doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t discard[8] = { 0x01, 0x00 };
	static const uint8_t sixtofour[2] = { 0x20, 0x02 };

	if (memcmp(a, zero, 16) == 0)
		return "unspecified";
	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return "loopback";
	/* Addresses that carry an IPv4 address are judged by it:
	 * ::ffff:127.0.0.1 is loopback. */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return class_v4(v4_at(a + 12));
	if (memcmp(a, zero, 12) == 0)
		return "reserved";              /* ::/96 IPv4-compatible */
	if (memcmp(a, sixtofour, 2) == 0)
		return class_v4(v4_at(a + 2));
	if ((a[0] & 0xfe) == 0xfc)
		return "private";               /* fc00::/7 unique local */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local";            /* fe80::/10 */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return "private";               /* fec0::/10 site-local */
	if (a[0] == 0xff)
		return "multicast";
	if (prefix_eq(a, doc, 32))
		return "documentation";
	if (prefix_eq(a, discard, 64))
		return "reserved";              /* 100::/64 discard */
	return NULL;
}

const char *
fetch_addr_class(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return class_v4(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		return class_v6(in6->sin6_addr.s6_addr);
	}
	return "unsupported family";
}

const char *
fetch_addr_class_str(const char *addr)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, addr, &in.sin_addr) == 1)
		return fetch_addr_class((struct sockaddr *)&in);
	if (inet_pton(AF_INET6, addr, &in6.sin6_addr) == 1)
		return fetch_addr_class((struct sockaddr *)&in6);
	return "invalid";
}

/* ---- allow list ---- */

struct allow_net {
	int family;
	uint8_t addr[16];
	int prefix;
};

struct fetch_allow {
	char **names;
	size_t n_names;
	struct allow_net *nets;
	size_t n_nets;
};

/* Parses "addr" or "addr/prefix" into *out; false when it is no address
 * (then it is a host name). ND_EINVAL through *rc for a bad prefix. */
static bool
parse_net(const char *s, struct allow_net *out, int *rc)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long long prefix;

	*rc = 0;
	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, tmp, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, tmp, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return false;
	}
	if (slash) {
		if (parse_int(slash + 1, 0, out->prefix, &prefix) < 0) {
			*rc = err_set(ND_EINVAL, "fetch: allow_hosts: bad net '%s'", s);
			return true;
		}
		out->prefix = (int)prefix;
	}
	return true;
}

int
fetch_allow_new(struct fetch_allow **out, const char *list)
{
	struct fetch_allow *al = xcalloc(1, sizeof(*al));
	size_t cap_names = 0, cap_nets = 0;
	struct str cur = str_of(list ? list : "");
	int rc = 0;

	while (cur.len) {
		size_t i = 0;
		char *tok;
		struct allow_net net;

		while (i < cur.len && (cur.p[i] == ',' || str_isspace(cur.p[i])))
			i++;
		cur.p += i;
		cur.len -= i;
		for (i = 0; i < cur.len && cur.p[i] != ',' && !str_isspace(cur.p[i]); i++)
			;
		if (!i)
			break;
		tok = xstrndup(cur.p, i);
		cur.p += i;
		cur.len -= i;
		if (tok[0] == '[') {            /* [::1] as in a URL */
			size_t tl = strlen(tok);
			memmove(tok, tok + 1, tl);
			if (tl > 1 && tok[tl - 2] == ']')
				tok[tl - 2] = '\0';
		}
		if (parse_net(tok, &net, &rc)) {
			free(tok);
			if (rc < 0)
				goto out;
			al->nets = xgrow(al->nets, sizeof(*al->nets), al->n_nets + 1,
			    &cap_nets);
			al->nets[al->n_nets++] = net;
		} else {
			for (char *p = tok; *p; p++)
				*p = (char)str_tolower(*p);
			al->names = xgrow(al->names, sizeof(*al->names),
			    al->n_names + 1, &cap_names);
			al->names[al->n_names++] = tok;
		}
	}
out:
	if (rc < 0) {
		fetch_allow_free(al);
		al = NULL;
	}
	*out = al;
	return rc;
}

void
fetch_allow_free(struct fetch_allow *al)
{
	if (!al)
		return;
	for (size_t i = 0; i < al->n_names; i++)
		free(al->names[i]);
	free(al->names);
	free(al->nets);
	free(al);
}

bool
fetch_allow_match(const struct fetch_allow *al, const char *host,
    const struct sockaddr *sa)
{
	const uint8_t *addr = NULL;
	int family = 0;

	if (!al)
		return false;
	if (host) {
		for (size_t i = 0; i < al->n_names; i++)
			if (str_casecmp(al->names[i], host) == 0)
				return true;
	}
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		addr = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		family = AF_INET;
	} else if (sa->sa_family == AF_INET6) {
		addr = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		family = AF_INET6;
	}
	for (size_t i = 0; addr && i < al->n_nets; i++)
		if (al->nets[i].family == family &&
		    prefix_eq(addr, al->nets[i].addr, al->nets[i].prefix))
			return true;
	return false;
}
