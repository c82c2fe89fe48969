/*
 * form_stream: a multipart/form-data body read as it comes, for the
 * desk's forms (issue 10: "a failed upload never loses the text of a
 * post"). The text parts are kept byte for byte; a file part that grows
 * over the per-file cap is dropped as it streams (its headers stay, its
 * content goes), so the form's text still reaches the handler, which
 * says beside the photo field that it was too large. What is kept is an
 * ordinary multipart body for web_form_multipart (form.c), plus the list
 * of what was dropped (web_mp_stream_mark marks those parts).
 *
 * Memory: the kept body is the caller's capped buffer; a file part is
 * never kept past max_file plus a delimiter, and when the kept body ends
 * over max_body the largest kept files are dropped too, so the text wins.
 * What is read in all is capped by the server (max_request), which
 * closes a connection that sends more.
 *
 * The kept body starts with CRLF: the first delimiter then needs no
 * special case (a CRLF before it is an empty preamble to the parser).
 */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "web/web_int.h"
#include "core/banned.h"

enum {
	MP_SEEK,                     /* preamble or a kept part: the next
	                              * delimiter */
	MP_AFTER,                    /* after a delimiter: "--" or a part's
	                              * headers */
	MP_DROP,                     /* an oversized file part: read, not
	                              * kept, to the next delimiter */
	MP_DONE,                     /* after the close delimiter */
	MP_BAD,                      /* not the shape we read: passed through
	                              * whole for the parser to refuse */
};

#define HEAD_MAX 8192            /* a part's headers (as form.c) */

bool
web_mp_stream_init(struct web_mp_stream *s, const char *ctype,
    size_t max_file, size_t max_body, struct buf *out)
{
	char b[WEB_MP_BOUNDARY_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!web_form_boundary(ctype, b, sizeof(b)))
		return false;
	s->dlen = (size_t)snprintf(s->delim, sizeof(s->delim), "\r\n--%s", b);
	s->max_file = max_file;
	s->max_body = max_body;
	s->state = MP_SEEK;
	buf_add(out, "\r\n", 2);
	s->mark = 0;                 /* the first delimiter starts at 0 */
	return true;
}

/* Records part [start, end) of out (a file's content) as dropped and
 * removes it from out. */
static void
drop_range(struct web_mp_stream *s, struct buf *out, size_t start, size_t end,
    size_t seen)
{
	if (s->n_dropped < WEB_MP_MAX_DROPPED) {
		memcpy(s->dropped[s->n_dropped].name, s->part_name,
		    sizeof(s->part_name));
		s->dropped[s->n_dropped].len = seen;
		s->n_dropped++;
	}
	memmove(out->ptr + start, out->ptr + end, out->len - end);
	buf_truncate(out, out->len - (end - start));
}

/* Reads what out holds from s->mark on, as far as it goes. */
static void
scan(struct web_mp_stream *s, struct buf *out)
{
	for (;;) {
		const char *base = out->ptr;
		size_t len = out->len;

		if (s->state == MP_SEEK) {
			const char *m = memmem(base + s->mark, len - s->mark,
			    s->delim, s->dlen);

			if (!m) {
				size_t have = len - s->part_start;

				/* a file over the cap (its delimiter, if it
				 * comes, would not bring it under): drop it,
				 * keeping the tail that may start one */
				if (s->in_part && s->is_file &&
				    have > s->max_file + s->dlen) {
					size_t keep = s->dlen - 1;

					memcpy(s->carry, base + len - keep, keep);
					s->carry_len = keep;
					s->drop_seen = have;
					buf_truncate(out, s->part_start);
					s->state = MP_DROP;
					return;
				}
				if (len - s->mark >= s->dlen)
					s->mark = len - (s->dlen - 1);
				return;
			}
			{
				size_t k = (size_t)(m - base);

				if (s->in_part && s->is_file) {
					if (k - s->part_start > s->max_file) {
						drop_range(s, out, s->part_start, k,
						    k - s->part_start);
						k = s->part_start;
					} else if (s->n_kept < WEB_MP_MAX_DROPPED) {
						s->kept[s->n_kept].start =
						    s->part_start;
						s->kept[s->n_kept].end = k;
						memcpy(s->kept[s->n_kept].name,
						    s->part_name,
						    sizeof(s->part_name));
						s->n_kept++;
					}
				}
				s->mark = k + s->dlen;
				s->in_part = false;
				s->state = MP_AFTER;
			}
			continue;
		}
		if (s->state == MP_AFTER) {
			size_t p = s->mark;
			const char *hend;

			if (len - p < 2)
				return;
			if (base[p] == '-' && base[p + 1] == '-') {
				s->state = MP_DONE;
				return;
			}
			while (p < len && (base[p] == ' ' || base[p] == '\t'))
				p++;
			if (len - p < 2)
				return;
			if (base[p] != '\r' || base[p + 1] != '\n') {
				s->state = MP_BAD;
				return;
			}
			hend = memmem(base + p, len - p, "\r\n\r\n", 4);
			if (!hend) {
				if (len - p > HEAD_MAX + 4)
					s->state = MP_BAD;
				return;
			}
			{
				size_t h0 = p + 2, h1 = (size_t)(hend - base);

				s->is_file = web_form_part_file(base + h0,
				    h1 > h0 ? h1 - h0 : 0, s->part_name,
				    sizeof(s->part_name));
				s->part_start = h1 + 4;
				s->mark = s->part_start;
				s->in_part = true;
				s->state = MP_SEEK;
			}
			continue;
		}
		return;
	}
}

/* Reads p[0..n) of a dropped part; returns how many bytes it took (all,
 * or up to the end of the delimiter that ends the part). */
static size_t
drop(struct web_mp_stream *s, struct buf *out, const char *p, size_t n)
{
	char win[2 * sizeof(s->delim)];
	size_t w = n < s->dlen - 1 ? n : s->dlen - 1, used;
	const char *m;

	/* a delimiter across the previous bytes and these */
	memcpy(win, s->carry, s->carry_len);
	memcpy(win + s->carry_len, p, w);
	m = memmem(win, s->carry_len + w, s->delim, s->dlen);
	/* drop_seen counts the part's bytes, the carried ones included */
	if (m) {
		used = (size_t)(m - win) + s->dlen - s->carry_len;
		s->drop_seen = s->drop_seen - s->carry_len + (size_t)(m - win);
	} else if ((m = memmem(p, n, s->delim, s->dlen))) {
		used = (size_t)(m - p) + s->dlen;
		s->drop_seen += (size_t)(m - p);
	} else {
		/* none: keep the tail that may start one */
		size_t keep = s->dlen - 1;

		s->drop_seen += n;
		if (n >= keep) {
			memcpy(s->carry, p + n - keep, keep);
		} else {
			size_t old = s->carry_len + n > keep ?
			    s->carry_len + n - keep : 0;

			memmove(s->carry, s->carry + old, s->carry_len - old);
			memcpy(s->carry + s->carry_len - old, p, n);
			s->carry_len -= old;
			s->carry_len += n;
			return n;
		}
		s->carry_len = keep;
		return n;
	}
	/* the part ends: its headers stay, with no content */
	if (s->n_dropped < WEB_MP_MAX_DROPPED) {
		memcpy(s->dropped[s->n_dropped].name, s->part_name,
		    sizeof(s->part_name));
		s->dropped[s->n_dropped].len = s->drop_seen;
		s->n_dropped++;
	}
	buf_add(out, s->delim, s->dlen);
	s->mark = out->len;
	s->in_part = false;
	s->carry_len = 0;
	s->state = MP_AFTER;
	return used;
}

void
web_mp_stream_feed(struct web_mp_stream *s, struct buf *out, const char *p,
    size_t n)
{
	while (n) {
		size_t take = n;

		if (s->state == MP_DROP) {
			take = drop(s, out, p, n);
			p += take;
			n -= take;
			scan(s, out);
			continue;
		}
		if (s->state == MP_DONE || s->state == MP_BAD) {
			buf_add(out, p, n);
			return;
		}
		/* a kept file never grows far past its cap: at most this
		 * much more before the scan decides */
		if (s->state == MP_SEEK && s->in_part && s->is_file) {
			size_t have = out->len - s->part_start;
			size_t room = have <= s->max_file + s->dlen ?
			    s->max_file + s->dlen - have + 1 : 1;

			if (take > room)
				take = room;
		}
		buf_add(out, p, take);
		if (buf_err(out))
			return;
		p += take;
		n -= take;
		scan(s, out);
	}
}

void
web_mp_stream_finish(struct web_mp_stream *s, struct buf *out)
{
	/* the body ended inside a dropped part (no closing delimiter: the
	 * parser refuses it, but it was dropped all the same) */
	if (s->state == MP_DROP && s->n_dropped < WEB_MP_MAX_DROPPED) {
		memcpy(s->dropped[s->n_dropped].name, s->part_name,
		    sizeof(s->part_name));
		s->dropped[s->n_dropped].len = s->drop_seen;
		s->n_dropped++;
		s->state = MP_BAD;
	}
	/* over the whole cap with files kept: the largest go first, so the
	 * text still fits */
	while (out->len > s->max_body && s->n_kept && !buf_err(out)) {
		size_t big = 0, cut;

		for (size_t i = 1; i < s->n_kept; i++)
			if (s->kept[i].end - s->kept[i].start >
			    s->kept[big].end - s->kept[big].start)
				big = i;
		cut = s->kept[big].end - s->kept[big].start;
		memcpy(s->part_name, s->kept[big].name, sizeof(s->part_name));
		drop_range(s, out, s->kept[big].start, s->kept[big].end, cut);
		for (size_t i = 0; i < s->n_kept; i++)
			if (s->kept[i].start > s->kept[big].start) {
				s->kept[i].start -= cut;
				s->kept[i].end -= cut;
			}
		s->kept[big] = s->kept[--s->n_kept];
	}
}

void
web_mp_stream_mark(const struct web_mp_stream *s, struct web_req *r)
{
	for (size_t i = 0; i < s->n_dropped; i++)
		for (size_t k = 0; k < r->n_form; k++) {
			struct web_param *f = &r->form[k];

			if (f->filename && f->name && !f->is_too_big &&
			    f->len == 0 &&
			    strcmp(f->name, s->dropped[i].name) == 0) {
				f->is_too_big = true;
				f->len_sent = s->dropped[i].len;
				break;
			}
		}
}
