/*
 * cmd_common: what several subcommands need: opening the store, scanning
 * options, reading times, looking up sections and sources, and printing
 * items. Nothing here prints on its own except the explicit print helpers.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "core/banned.h"

int
cmd_open_store(struct cmd_ctx *ctx, struct store **out, bool create)
{
	int rc = store_open(out, ctx->db_path, create ? STORE_CREATE : 0);

	if (rc == ND_ENOTFOUND && !create)
		return err_set(rc, "no store at %s (create it with `newsdesk "
		    "init`, or pass --db PATH)", ctx->db_path);
	return rc;
}

int
cmd_opt(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];

	if (strcmp(arg, name) == 0) {
		if (*i + 1 >= argc) {
			err_set(ND_EINVAL, "%s needs a value", name);
			return CMD_USAGE_MSG;   /* a usage error: exit 2 */
		}
		*out = argv[++*i];
		return 1;
	}
	if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
		*out = arg + n + 1;
		return 1;
	}
	return 0;
}

/* YYYY-MM-DD[(T| )HH:MM[:SS]][Z|+HH:MM|-HH:MM]; a date alone is midnight
 * UTC, a time without a zone is UTC. */
static int
parse_iso(const char *s, int64_t *out)
{
	struct str cur = str_of(s);
	uint64_t y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	int sign = 0;
	struct tm tm;
	time_t t;

	if (!str_take_uint(&cur, 4, &y) || !str_skip_char(&cur, '-') ||
	    !str_take_uint(&cur, 2, &mo) || !str_skip_char(&cur, '-') ||
	    !str_take_uint(&cur, 2, &d))
		return -1;
	if (str_skip_char(&cur, 'T') || str_skip_char(&cur, 't') ||
	    str_skip_char(&cur, ' ')) {
		if (!str_take_uint(&cur, 2, &h) || !str_skip_char(&cur, ':') ||
		    !str_take_uint(&cur, 2, &mi))
			return -1;
		if (str_skip_char(&cur, ':') && !str_take_uint(&cur, 2, &sec))
			return -1;
		if (str_skip_char(&cur, 'Z') || str_skip_char(&cur, 'z')) {
			/* UTC */
		} else if (cur.len && (*cur.p == '+' || *cur.p == '-')) {
			sign = *cur.p == '+' ? 1 : -1;
			cur.p++;
			cur.len--;
			if (!str_take_uint(&cur, 2, &oh) ||
			    !str_skip_char(&cur, ':') || !str_take_uint(&cur, 2, &om))
				return -1;
		}
	}
	if (cur.len || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t - sign * (int64_t)(oh * 3600 + om * 60);
	return 0;
}

int
cmd_parse_time(const char *s, int64_t now, int64_t *out)
{
	struct str cur = str_of(s);
	uint64_t n;
	int64_t unit;

	if (parse_iso(s, out) == 0)
		return 0;
	if (str_take_uint(&cur, 6, &n) && cur.len == 1) {
		switch (*cur.p) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: unit = 0; break;
		}
		if (unit) {
			*out = now - (int64_t)n * unit;
			return 0;
		}
	}
	return err_set(ND_EINVAL, "'%s' is not a time (use 2026-11-20, "
	    "2026-11-20T08:00Z, or an age like 90m, 3h, 2d, 1w)", s);
}

int
cmd_section_ensure(struct store *st, struct arena *a, const char *name,
    int64_t *out_id, bool *out_created)
{
	struct section *sec;
	int rc;

	if (out_created)
		*out_created = false;
	if ((rc = store_section_find(st, a, name, &sec)) == 0) {
		*out_id = sec->id;
		return 0;
	}
	if (rc != ND_ENOTFOUND)
		return rc;
	if ((rc = store_section_add(st, name, NULL, out_id)) < 0)
		return rc;
	if (out_created)
		*out_created = true;
	return 0;
}

int
cmd_source_lookup(struct store *st, struct arena *a, const char *key,
    struct source **out)
{
	long long id;
	int rc;

	if (str_isdigit((unsigned char)key[0]) &&
	    parse_int(key, 1, INT64_MAX, &id) == 0) {
		rc = store_source_get(st, a, (int64_t)id, out);
		if (rc == ND_ENOTFOUND)
			return err_set(rc, "no source with id %lld", id);
		return rc;
	}
	rc = store_source_find_url(st, a, key, out);
	if (rc == ND_ENOTFOUND)
		return err_set(rc, "no source with URL %s (see `newsdesk "
		    "source list`)", key);
	return rc;
}

void
cmd_time_short(char out[static 32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) ||
	    !strftime(out, 32, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, 32, "-");
}

void
cmd_time_iso(char out[static 32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

/* Terminal escapes arrive in feed titles too: C0 and C1 controls and DEL
 * are never written to the terminal. */
static bool
is_control(utf8proc_int32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

void
cmd_print_text(const char *s)
{
	cmd_print_cell(s, -1);
}

const char *
cmd_escape(char *buf, size_t cap, const char *s)
{
	size_t n = 0;

	log_escape(buf, &n, cap, s ? s : "", false);
	buf[n] = '\0';
	return buf;
}

/* Display width of s as cmd_print_cell counts it. */
static int
text_width(const utf8proc_uint8_t *p, utf8proc_ssize_t left)
{
	int used = 0;

	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);

		if (n <= 0) {
			n = 1;
		} else if (!is_control(c)) {
			int w = utf8proc_charwidth(c);

			used += w > 0 ? w : 0;
		}
		p += n;
		left -= n;
	}
	return used;
}

void
cmd_print_cell(const char *s, int width)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(s ? s : "");
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen((const char *)p);
	int used = 0, room = width;
	bool cut = width >= 0 && text_width(p, left) > width;

	if (cut)
		room = width - 1; /* keep a column for the ellipsis */
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
		int w;

		if (n <= 0) {          /* invalid byte: skip it */
			p++;
			left--;
			continue;
		}
		w = is_control(c) ? -1 : utf8proc_charwidth(c);
		if (w >= 0) {
			if (width >= 0 && used + w > room)
				break;
			fwrite(p, 1, (size_t)n, stdout);
			used += w;
		}
		p += n;
		left -= n;
	}
	if (cut) {
		fputs("\u2026", stdout);
		used++;
	}
	for (; width >= 0 && used < width; used++)
		putchar(' ');
}

void
cmd_print_snippet(const char *snippet, bool is_tty)
{
	const char *p = snippet ? snippet : "";

	/* Print the runs between markers through the same filter as titles. */
	while (*p) {
		size_t n = strcspn(p, "\x02\x03\n\t\r");
		char *run = xstrndup(p, n);

		cmd_print_text(run);
		free(run);
		p += n;
		switch (*p) {
		case 0x02: fputs(is_tty ? "\033[1m" : "[", stdout); break;
		case 0x03: fputs(is_tty ? "\033[0m" : "]", stdout); break;
		case '\0': continue;
		default: putchar(' '); break;
		}
		p++;
	}
}

const char *
cmd_source_status(const struct source *src)
{
	if (!src->is_enabled)
		return "disabled";
	if (src->last_error && *src->last_error)
		return "failing";
	if (!src->last_fetch && !src->last_success)
		return "new";
	return "ok";
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? json_string(v) : json_null());
}

static void
set_time(json_t *o, const char *key, int64_t t)
{
	char iso[32];

	cmd_time_iso(iso, t);
	json_object_set_new(o, key, t ? json_string(iso) : json_null());
}

json_t *
cmd_item_json(const struct item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(it->id));
	json_object_set_new(o, "source_id", json_integer(it->source_id));
	set_str(o, "source", it->source_title);
	if (it->section_id)
		json_object_set_new(o, "section_id", json_integer(it->section_id));
	else
		json_object_set_new(o, "section_id", json_null());
	set_str(o, "title", it->title);
	set_str(o, "url", it->url);
	set_str(o, "guid", it->guid);
	set_str(o, "author", it->author);
	set_str(o, "language", it->language);
	set_str(o, "tags", it->tags);
	set_time(o, "published", it->published);
	set_time(o, "updated", it->updated);
	set_time(o, "first_seen", it->first_seen);
	set_str(o, "summary", it->summary);
	if (it->image_url) {
		json_t *img = json_object();

		set_str(img, "url", it->image_url);
		set_str(img, "caption", it->image_caption);
		set_str(img, "credit", it->image_credit);
		set_str(img, "thumbnail", it->image_thumb);
		json_object_set_new(o, "image", img);
	} else {
		json_object_set_new(o, "image", json_null());
	}
	return o;
}

int
cmd_json_print(json_t *v)
{
	int rc = 0;

	if (!v)
		return err_set(ND_ENOMEM, "json: out of memory");
	if (json_dumpf(v, stdout, JSON_INDENT(2)) < 0)
		rc = err_set(ND_EIO, "json: cannot write to stdout");
	else
		putchar('\n');
	json_decref(v);
	return rc;
}
