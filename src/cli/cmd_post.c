/*
 * newsdesk post: the desk's own posts from the command line (issue 10), so
 * a desk can script its work and tests can set up state: add (with a
 * photo, bylines, a roundup's picks), edit (every save keeps a revision),
 * list, show, publish now or at a time, correct. newsdesk column: the
 * named series posts can belong to. The Markdown body becomes HTML here
 * (render_markdown), the photo its variants (render_photo_make), and the
 * store keeps both; the web desk does the same.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "mail/mail.h"
#include "render/html.h"
#include "render/photo.h"
#include "store/store.h"
#include "core/banned.h"

static const char *const kind_names[] = { "", "article", "roundup", "column" };
static const char *const status_names[] = { "", "draft", "scheduled",
    "published", "submitted" };

static const char *
kind_name(int k)
{
	return k >= POST_ARTICLE && k <= POST_COLUMN ? kind_names[k] : "?";
}

static const char *
status_name(int s)
{
	return s >= POST_DRAFT && s <= POST_SUBMITTED ? status_names[s] : "?";
}

static int
id_arg(const char *s, const char *what, int64_t *out)
{
	long long v;
	int rc;

	if (!s)
		return CMD_USAGE;
	if ((rc = parse_int(s, 1, INT64_MAX, &v)) < 0)
		return err_set(CMD_USAGE_MSG, "%s: '%s' is not an id", what, s);
	*out = v;
	return 0;
}

/* --at: a time as cmd_parse_time reads it, or "+AGE" after now. */
static int
parse_at(const char *s, int64_t now, int64_t *out)
{
	int rc;

	if (s[0] == '+') {
		int64_t before;

		if ((rc = cmd_parse_time(s + 1, 0, &before)) < 0)
			return err_set(CMD_USAGE_MSG, "--at: %s", err_msg());
		*out = now - before;
		return 0;
	}
	if ((rc = cmd_parse_time(s, now, out)) < 0)
		return err_set(CMD_USAGE_MSG, "--at: %s (or +AGE: +10m, +2h)",
		    err_msg());
	return 0;
}

static json_t *
post_json(const struct post *p)
{
	json_t *o = json_object(), *by = json_array(), *picks = json_array(),
	    *cor = json_array();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "kind", json_string(kind_name(p->kind)));
	json_object_set_new(o, "status", json_string(status_name(p->status)));
	json_object_set_new(o, "slug", json_string(p->slug ? p->slug : ""));
	json_object_set_new(o, "path", json_sprintf("/post/%lld/%s",
	    (long long)p->id, p->slug ? p->slug : ""));
	json_object_set_new(o, "headline", json_string(p->headline));
	json_object_set_new(o, "deck", p->deck ? json_string(p->deck) :
	    json_null());
	json_object_set_new(o, "dateline", p->dateline ?
	    json_string(p->dateline) : json_null());
	json_object_set_new(o, "section", p->section_slug ?
	    json_string(p->section_slug) : json_null());
	json_object_set_new(o, "column", p->column_slug ?
	    json_string(p->column_slug) : json_null());
	json_object_set_new(o, "tags", p->tags ? json_string(p->tags) :
	    json_null());
	for (size_t i = 0; i < p->n_bylines; i++)
		json_array_append_new(by, json_pack("{ss ss sI}", "name",
		    p->bylines[i].name, "slug", p->bylines[i].slug, "user_id",
		    (json_int_t)p->bylines[i].user_id));
	json_object_set_new(o, "bylines", by);
	if (p->photo_id)
		json_object_set_new(o, "photo", json_pack("{sI ss? ss? si si}",
		    "id", (json_int_t)p->photo_id, "caption", p->photo_caption,
		    "credit", p->photo_credit, "width", p->photo.width,
		    "height", p->photo.height));
	else
		json_object_set_new(o, "photo", json_null());
	for (size_t i = 0; i < p->n_picks; i++)
		json_array_append_new(picks, json_pack("{sI sI ss? ss? ss?}",
		    "item_id", (json_int_t)p->picks[i].item_id, "story_id",
		    (json_int_t)p->picks[i].story_id, "summary",
		    p->picks[i].summary, "title", p->picks[i].title, "url",
		    p->picks[i].url));
	json_object_set_new(o, "picks", picks);
	json_object_set_new(o, "story_id", json_integer(p->story_id));
	for (size_t i = 0; i < p->n_corrections; i++)
		json_array_append_new(cor, json_pack("{sI sI ss}", "id",
		    (json_int_t)p->corrections[i].id, "time",
		    (json_int_t)p->corrections[i].time, "note",
		    p->corrections[i].note));
	json_object_set_new(o, "corrections", cor);
	json_object_set_new(o, "publish_at", json_integer(p->publish_at));
	json_object_set_new(o, "published_at", json_integer(p->published_at));
	json_object_set_new(o, "created", json_integer(p->created));
	json_object_set_new(o, "updated_at", json_integer(p->updated_at));
	return o;
}

/* Reads a photo file, makes its variants and stores them. */
static int
add_photo(struct store *st, struct arena *a, const char *path, int64_t now,
    int64_t *out_id)
{
	struct buf b = BUF_INIT(RENDER_PHOTO_MAX_BYTES);
	struct render_photo ph;
	int rc;

	if ((rc = buf_read_file(&b, path)) < 0) {
		if (rc == ND_ETOOBIG)
			rc = err_set(rc, "--photo %s: over the limit of %u MB",
			    path, RENDER_PHOTO_MAX_BYTES >> 20);
		goto out;
	}
	if ((rc = render_photo_make(a, b.ptr, b.len, 0, now, &ph)) < 0) {
		rc = err_set(rc, "--photo %s: %s", path, err_msg());
		goto out;
	}
	rc = store_desk_photo_put(st, &ph.desk, b.ptr, b.len, ph.type,
	    ph.variants, ph.n_variants, out_id);
out:
	buf_release(&b);
	return rc;
}

/* "12,15" or a repeated option into picks; a ":SUMMARY" after an id is
 * the desk's summary of it. */
static int
add_picks(struct arena *a, struct post *p, const char *list, bool is_story,
    size_t *cap)
{
	const char *s = list;

	while (*s) {
		const char *end = s + strcspn(s, ",");
		const char *colon = memchr(s, ':', (size_t)(end - s));
		struct post_pick *k;
		char num[24];
		long long v;
		size_t nl = (size_t)((colon ? colon : end) - s);

		if (colon)   /* a summary runs to the end: no more ids */
			end = s + strlen(s);
		if (nl == 0 || nl >= sizeof(num))
			return err_set(CMD_USAGE_MSG, "'%s' is not a list of ids",
			    list);
		memcpy(num, s, nl);
		num[nl] = '\0';
		if (parse_int(num, 1, INT64_MAX, &v) < 0)
			return err_set(CMD_USAGE_MSG, "'%s' is not an id", num);
		if (p->n_picks >= POST_MAX_PICKS)
			return err_set(CMD_USAGE_MSG, "at most %d picks",
			    POST_MAX_PICKS);
		ARENA_GROW(a, p->picks, p->n_picks, p->n_picks + 1, *cap);
		k = &p->picks[p->n_picks++];
		memset(k, 0, sizeof(*k));
		if (is_story)
			k->story_id = v;
		else
			k->item_id = v;
		if (colon)
			k->summary = arena_strndup(a, colon + 1,
			    (size_t)(end - colon - 1));
		s = *end ? end + 1 : end;
	}
	return 0;
}

struct post_opts {
	const char *photo, *at, *body_file;
	bool publish;
	bool is_breaking;            /* --breaking: mail it to the breaking
	                                list once it is published */
	bool has_bylines, has_picks;
};

/* The options add and edit share, applied to p. */
static int
post_options(struct store *st, struct arena *a, int argc, char **argv,
    int first, struct post *p, struct post_opts *o)
{
	size_t by_cap = 0, pick_cap = 0;
	int rc;

	for (int i = first; i < argc; i++) {
		const char *v = NULL;

		if ((rc = cmd_opt(argc, argv, &i, "--title", &v)) < 0)
			return rc;
		if (rc) {
			p->headline = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--body-file", &v)) < 0)
			return rc;
		if (rc) {
			o->body_file = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--deck", &v)) < 0)
			return rc;
		if (rc) {
			p->deck = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--dateline", &v)) < 0)
			return rc;
		if (rc) {
			p->dateline = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--tags", &v)) < 0)
			return rc;
		if (rc) {
			p->tags = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--slug", &v)) < 0)
			return rc;
		if (rc) {
			p->slug = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--section", &v)) < 0)
			return rc;
		if (rc) {
			struct section *sec;

			if (!*v) {
				p->section_id = 0;
				continue;
			}
			if ((rc = store_section_find(st, a, v, &sec)) < 0)
				return rc == ND_ENOTFOUND ? err_set(rc, "--section: "
				    "no section '%s' (see `newsdesk section list`)",
				    v) : rc;
			p->section_id = sec->id;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--column", &v)) < 0)
			return rc;
		if (rc) {
			struct column *col;

			if (!*v) {
				p->column_id = 0;
				continue;
			}
			if ((rc = store_column_find(st, a, v, &col)) < 0)
				return rc == ND_ENOTFOUND ? err_set(rc, "--column: "
				    "no column '%s' (add it with `newsdesk column "
				    "add`)", v) : rc;
			p->column_id = col->id;
			if (p->kind == POST_ARTICLE)
				p->kind = POST_COLUMN;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--byline", &v)) < 0)
			return rc;
		if (rc) {
			if (!o->has_bylines) {
				p->n_bylines = 0;
				p->bylines = NULL;
				o->has_bylines = true;
			}
			if (p->n_bylines >= POST_MAX_BYLINES)
				return err_set(CMD_USAGE_MSG, "at most %d bylines",
				    POST_MAX_BYLINES);
			ARENA_GROW(a, p->bylines, p->n_bylines, p->n_bylines + 1,
			    by_cap);
			memset(&p->bylines[p->n_bylines], 0,
			    sizeof(p->bylines[0]));
			p->bylines[p->n_bylines++].name = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--kind", &v)) < 0)
			return rc;
		if (rc) {
			if (strcmp(v, "article") == 0)
				p->kind = POST_ARTICLE;
			else if (strcmp(v, "roundup") == 0)
				p->kind = POST_ROUNDUP;
			else if (strcmp(v, "column") == 0)
				p->kind = POST_COLUMN;
			else
				return err_set(CMD_USAGE_MSG, "--kind: article, "
				    "roundup or column, not '%s'", v);
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--items", &v)) < 0)
			return rc;
		if (rc == 0 && (rc = cmd_opt(argc, argv, &i, "--pick", &v)) < 0)
			return rc;
		if (rc) {
			if (!o->has_picks) {
				p->n_picks = 0;
				p->picks = NULL;
				o->has_picks = true;
			}
			if ((rc = add_picks(a, p, v, false, &pick_cap)) < 0)
				return rc;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--stories", &v)) < 0)
			return rc;
		if (rc) {
			if (!o->has_picks) {
				p->n_picks = 0;
				p->picks = NULL;
				o->has_picks = true;
			}
			if ((rc = add_picks(a, p, v, true, &pick_cap)) < 0)
				return rc;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--story", &v)) < 0)
			return rc;
		if (rc) {
			if ((rc = id_arg(v, "--story", &p->story_id)) < 0)
				return rc;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--photo", &v)) < 0)
			return rc;
		if (rc) {
			o->photo = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--caption", &v)) < 0)
			return rc;
		if (rc) {
			p->photo_caption = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--credit", &v)) < 0)
			return rc;
		if (rc) {
			p->photo_credit = v;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--at", &v)) < 0)
			return rc;
		if (rc) {
			o->at = v;
			continue;
		}
		if (strcmp(argv[i], "--publish") == 0) {
			o->publish = true;
			continue;
		}
		if (strcmp(argv[i], "--breaking") == 0) {
			o->is_breaking = true;
			continue;
		}
		return err_set(CMD_USAGE_MSG, "unknown option '%s'", argv[i]);
	}
	if (o->publish && o->at)
		return err_set(CMD_USAGE_MSG, "--publish and --at: one or the "
		    "other");
	if (o->is_breaking && !o->publish && !o->at)
		return err_set(CMD_USAGE_MSG, "--breaking goes with --publish "
		    "or --at (an alert is sent when the post is live)");
	return 0;
}

/* The command's context (the configuration, for mail), set by post_run. */
static struct cmd_ctx *post_ctx;

/* The audit log, as the desk writes it (actor "cli"). */
static void
audit(struct store *st, const char *action, int64_t id, const char *detail)
{
	char target[32];

	snprintf(target, sizeof(target), "post %lld", (long long)id);
	(void)store_audit_add(st, 0, "cli", action, target, detail,
	    (int64_t)time(NULL));
}

/*
 * Asks for post id to go out as breaking news (once; the audit log has
 * it) and, when it is published and mail is set up, queues the alert to
 * the breaking list now; `newsdesk run` (or `mail send`) delivers it.
 */
static int
breaking(struct store *st, int64_t id)
{
	struct store_breaking b;
	struct mail_env env;
	struct arena a = ARENA_INIT;
	struct post *p = NULL;
	int64_t now = (int64_t)time(NULL);
	size_t np = 0, nm = 0;
	int rc;

	if ((rc = store_post_get(st, &a, id, &p)) < 0)
		goto out;
	if ((rc = store_breaking_get(st, id, &b)) < 0)
		goto out;
	if (b.queued_at) {
		char t[32];

		cmd_time_iso(t, b.queued_at);
		printf("post %lld went out as breaking news at %s (%zu "
		    "subscribers); it is not sent again\n", (long long)id, t,
		    b.n_queued);
		goto out;
	}
	if (!b.requested_at) {
		if ((rc = store_breaking_request(st, id, 0, now, &b)) < 0)
			goto out;
		(void)store_audit_add(st, 0, "cli", "post.breaking",
		    arena_printf(&a, "post %lld", (long long)id), p->headline,
		    now);
	}
	if (p->status != POST_PUBLISHED) {
		printf("post %lld: the breaking alert goes out when it is "
		    "published\n", (long long)id);
		goto out;
	}
	if ((rc = mail_env_init(&env, post_ctx->cfg, st)) < 0) {
		rc = err_set(rc, "post %lld: the breaking alert waits: %s",
		    (long long)id, err_msg());
		goto out;
	}
	rc = mail_breaking_queue(&env, st, now, &np, &nm);
	mail_env_release(&env);
	if (rc < 0)
		goto out;
	if ((rc = store_breaking_get(st, id, &b)) < 0)
		goto out;
	printf("post %lld: breaking alert queued for %zu subscribers; "
	    "`newsdesk run` or `newsdesk mail send` delivers it\n",
	    (long long)id, b.n_queued);
out:
	arena_release(&a);
	return rc;
}

static int
post_breaking(struct store *st, int argc, char **argv)
{
	int64_t id = 0;
	int rc;

	if (argc != 3 || (rc = id_arg(argv[2], "post breaking", &id)) < 0)
		return argc != 3 ? CMD_USAGE : rc;
	return breaking(st, id);
}

/* Reads the body file, renders it, stores the photo, saves and publishes
 * as asked. */
static int
post_finish(struct store *st, struct arena *a, struct post *p,
    struct post_opts *o)
{
	int64_t now = (int64_t)time(NULL), at = 0, id = 0;
	struct html h;
	int rc;

	if (o->at && (rc = parse_at(o->at, now, &at)) < 0)
		return rc;
	if (o->body_file) {
		struct buf b = BUF_INIT(POST_MAX_BODY);

		if ((rc = buf_read_file(&b, o->body_file)) < 0) {
			buf_release(&b);
			return rc == ND_ETOOBIG ? err_set(rc, "--body-file %s: over "
			    "%d KiB", o->body_file, POST_MAX_BODY >> 10) : rc;
		}
		p->body = arena_strndup(a, b.ptr, b.len);
		buf_release(&b);
	}
	if ((rc = render_markdown(a, p->body, p->body ? strlen(p->body) : 0,
	    &h)) < 0)
		return rc;
	p->body_html = h.p;
	if (p->photo_caption && !o->photo && !p->photo_id)
		return err_set(CMD_USAGE_MSG, "--caption without --photo");
	if (o->photo && (!p->photo_credit || !*p->photo_credit))
		return err_set(CMD_USAGE_MSG, "--photo needs --credit (who took "
		    "it, or the agency)");
	if ((rc = store_begin(st)) < 0)
		return rc;
	if (o->photo && (rc = add_photo(st, a, o->photo, now,
	    &p->photo_id)) < 0)
		goto fail;
	if ((rc = store_post_save(st, p, now, &id)) < 0)
		goto fail;
	if ((o->publish || o->at) &&
	    (rc = store_post_publish(st, id, o->publish ? now : at, now)) < 0)
		goto fail;
	if ((rc = store_commit(st)) < 0)
		goto fail;
	audit(st, p->id ? "post.save" : "post.create", id, p->headline);
	if (o->publish || o->at)
		audit(st, o->publish ? "post.publish" : "post.schedule", id,
		    o->at);
	p->id = id;
	return 0;
fail:
	store_rollback(st);
	return rc;
}

static int
post_add(struct store *st, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct post p = { .kind = POST_ARTICLE, .status = POST_DRAFT };
	struct post_opts o = { 0 };
	struct post *got = NULL;
	int rc;

	if ((rc = post_options(st, &a, argc, argv, 2, &p, &o)) < 0)
		goto out;
	if (!p.headline || !o.body_file) {
		rc = err_set(CMD_USAGE_MSG, "post add needs --title and "
		    "--body-file");
		goto out;
	}
	if (p.kind == POST_ROUNDUP && !p.n_picks) {
		rc = err_set(CMD_USAGE_MSG, "a roundup needs its picks (--items "
		    "ID,ID or --pick ID:SUMMARY)");
		goto out;
	}
	if ((rc = post_finish(st, &a, &p, &o)) < 0)
		goto out;
	if ((rc = store_post_get(st, &a, p.id, &got)) < 0)
		goto out;
	printf("post %lld %s: /post/%lld/%s\n", (long long)got->id,
	    status_name(got->status), (long long)got->id, got->slug);
	if (o.is_breaking)
		rc = breaking(st, got->id);
out:
	arena_release(&a);
	return rc;
}

static int
post_edit(struct store *st, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct post *p = NULL;
	struct post_opts o = { 0 };
	int64_t id = 0;
	int rc;

	if (argc < 3 || (rc = id_arg(argv[2], "post edit", &id)) < 0)
		return argc < 3 ? CMD_USAGE : rc;
	if ((rc = store_post_get(st, &a, id, &p)) < 0)
		goto out;
	if ((rc = post_options(st, &a, argc, argv, 3, p, &o)) < 0 ||
	    (rc = post_finish(st, &a, p, &o)) < 0)
		goto out;
	printf("post %lld saved (the earlier version is kept)\n",
	    (long long)id);
	if (o.is_breaking)
		rc = breaking(st, id);
out:
	arena_release(&a);
	return rc;
}

static int
post_list(struct store *st, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store_post_query q = { .limit = 200 };
	struct post *v = NULL;
	size_t n = 0;
	bool json = false;
	int rc = 0;

	for (int i = 2; i < argc; i++) {
		const char *s = NULL;

		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		if ((rc = cmd_opt(argc, argv, &i, "--status", &s)) < 0)
			return rc;
		if (!rc)
			return err_set(CMD_USAGE_MSG, "unknown option '%s'",
			    argv[i]);
		for (int k = POST_DRAFT; k <= POST_SUBMITTED; k++)
			if (strcmp(s, status_names[k]) == 0)
				q.status = k;
		if (!q.status)
			return err_set(CMD_USAGE_MSG, "--status: draft, submitted, "
			    "scheduled or published, not '%s'", s);
	}
	if ((rc = store_post_list(st, &a, &q, &v, &n)) < 0)
		goto out;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, post_json(&v[i]));
		rc = cmd_json_print(arr);
		goto out;
	}
	if (!n)
		printf("no posts (write one with `newsdesk post add`)\n");
	else
		printf("%5s  %-9s  %-7s  %-16s  %s\n", "ID", "STATUS", "KIND",
		    "WHEN", "HEADLINE");
	for (size_t i = 0; i < n; i++) {
		char when[32];

		cmd_time_short(when, v[i].status == POST_PUBLISHED ?
		    v[i].published_at : v[i].status == POST_SCHEDULED ?
		    v[i].publish_at : v[i].created);
		printf("%5lld  %-9s  %-7s  %-16s  ", (long long)v[i].id,
		    status_name(v[i].status), kind_name(v[i].kind), when);
		cmd_print_text(v[i].headline);
		putchar('\n');
	}
out:
	arena_release(&a);
	return rc;
}

static int
post_show(struct store *st, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct post *p = NULL;
	struct store_revision *rev = NULL;
	size_t n_rev = 0;
	int64_t id = 0;
	bool json = argc > 3 && strcmp(argv[3], "--json") == 0;
	int rc;

	if (argc < 3 || (rc = id_arg(argv[2], "post show", &id)) < 0)
		return argc < 3 ? CMD_USAGE : rc;
	if ((rc = store_post_get(st, &a, id, &p)) < 0 ||
	    (rc = store_post_revisions(st, &a, id, &rev, &n_rev)) < 0)
		goto out;
	if (json) {
		json_t *o = post_json(p);

		json_object_set_new(o, "body", json_string(p->body));
		json_object_set_new(o, "body_html", json_string(p->body_html));
		json_object_set_new(o, "revisions",
		    json_integer((json_int_t)n_rev));
		rc = cmd_json_print(o);
		goto out;
	}
	printf("post %lld (%s, %s): /post/%lld/%s\n", (long long)p->id,
	    kind_name(p->kind), status_name(p->status), (long long)p->id,
	    p->slug);
	printf("headline: ");
	cmd_print_text(p->headline);
	if (p->deck) {
		printf("\ndeck: ");
		cmd_print_text(p->deck);
	}
	for (size_t i = 0; i < p->n_bylines; i++) {
		printf("\nby: ");
		cmd_print_text(p->bylines[i].name);
	}
	if (p->dateline) {
		printf("\ndateline: ");
		cmd_print_text(p->dateline);
	}
	if (p->photo_id)
		printf("\nphoto: %lld (%d x %d)", (long long)p->photo_id,
		    p->photo.width, p->photo.height);
	for (size_t i = 0; i < p->n_picks; i++) {
		printf("\npick: %s %lld ", p->picks[i].item_id ? "item" : "story",
		    (long long)(p->picks[i].item_id ? p->picks[i].item_id :
		    p->picks[i].story_id));
		cmd_print_text(p->picks[i].title ? p->picks[i].title : "");
	}
	for (size_t i = 0; i < p->n_corrections; i++) {
		char t[32];

		cmd_time_short(t, p->corrections[i].time);
		printf("\ncorrection %s: ", t);
		cmd_print_text(p->corrections[i].note);
	}
	printf("\nrevisions: %zu\n\n", n_rev);
	cmd_print_text(p->body);
	putchar('\n');
out:
	arena_release(&a);
	return rc;
}

static int
post_publish(struct store *st, int argc, char **argv)
{
	int64_t id = 0, now = (int64_t)time(NULL), at = now;
	int rc;

	if (argc < 3 || (rc = id_arg(argv[2], "post publish", &id)) < 0)
		return argc < 3 ? CMD_USAGE : rc;
	for (int i = 3; i < argc; i++) {
		const char *v = NULL;

		if ((rc = cmd_opt(argc, argv, &i, "--at", &v)) < 0)
			return rc;
		if (!rc)
			return err_set(CMD_USAGE_MSG, "unknown option '%s'",
			    argv[i]);
		if ((rc = parse_at(v, now, &at)) < 0)
			return rc;
	}
	if ((rc = store_post_publish(st, id, at, now)) < 0)
		return rc;
	audit(st, at > now ? "post.schedule" : "post.publish", id, NULL);
	if (at > now) {
		char t[32];

		cmd_time_iso(t, at);
		printf("post %lld scheduled for %s\n", (long long)id, t);
	} else {
		printf("post %lld published\n", (long long)id);
	}
	return 0;
}

static int
post_correct(struct store *st, int argc, char **argv)
{
	const char *note = NULL;
	int64_t id = 0, cid = 0;
	int rc;

	if (argc < 3 || (rc = id_arg(argv[2], "post correct", &id)) < 0)
		return argc < 3 ? CMD_USAGE : rc;
	for (int i = 3; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--note", &note)) < 0)
			return rc;
		if (!rc)
			return err_set(CMD_USAGE_MSG, "unknown option '%s'",
			    argv[i]);
	}
	if (!note || !*note)
		return err_set(CMD_USAGE_MSG, "post correct needs --note");
	if ((rc = store_post_correct(st, id, note, 0, (int64_t)time(NULL),
	    &cid)) < 0)
		return rc;
	audit(st, "post.correct", id, note);
	printf("correction %lld appended to post %lld\n", (long long)cid,
	    (long long)id);
	return 0;
}

static int
post_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct store *, int, char **);
	} subs[] = {
		{ "add", post_add }, { "edit", post_edit }, { "list", post_list },
		{ "show", post_show }, { "publish", post_publish },
		{ "correct", post_correct }, { "breaking", post_breaking },
	};
	struct store *st = NULL;
	int rc;

	if (argc < 2)
		return CMD_USAGE;
	post_ctx = ctx;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		if ((rc = cmd_open_store(ctx, &st, false)) < 0)
			return rc;
		rc = subs[i].fn(st, argc, argv);
		store_close(st);
		return rc;
	}
	return CMD_USAGE;
}

const struct cmd cmd_post = {
	.name = "post",
	.summary = "write, publish and correct the desk's own posts",
	.usage =
	    "usage: newsdesk post add --title T --body-file F [options]\n"
	    "       newsdesk post edit ID [options]\n"
	    "       newsdesk post list [--status S] [--json]\n"
	    "       newsdesk post show ID [--json]\n"
	    "       newsdesk post publish ID [--at TIME]\n"
	    "       newsdesk post correct ID --note NOTE\n"
	    "       newsdesk post breaking ID\n"
	    "\n"
	    "options of add and edit:\n"
	    "  --title T          the headline (plain text)\n"
	    "  --body-file F      the body, in Markdown (raw HTML is dropped)\n"
	    "  --deck D           the line under the headline\n"
	    "  --dateline D       where it was filed: BAGHDAD\n"
	    "  --byline NAME      repeatable, in order\n"
	    "  --section S        a section's slug or name\n"
	    "  --column C         a column's slug or name (the post becomes a\n"
	    "                     column entry)\n"
	    "  --tags T           comma-separated\n"
	    "  --slug S           the URL name (default: from the headline)\n"
	    "  --photo FILE       a JPEG, PNG or WebP (at most 20 MB, 50\n"
	    "                     megapixels): resized, metadata stripped\n"
	    "  --caption C --credit C   the photo's caption and credit\n"
	    "                     (--credit is required with --photo)\n"
	    "  --kind K           article (default), roundup or column\n"
	    "  --items ID,ID      a roundup's items (an article's related items);\n"
	    "  --pick ID:SUMMARY  an item with the desk's summary (repeatable)\n"
	    "  --stories ID,ID    stories instead of items\n"
	    "  --story ID         the related story\n"
	    "  --publish          publish at once\n"
	    "  --at TIME          publish at a time: 2026-12-08T06:00Z, or +AGE\n"
	    "                     (+30m, +2h); `newsdesk run` and `serve`\n"
	    "                     publish it when it is due\n"
	    "  --breaking         with --publish or --at: send it as breaking\n"
	    "                     news to the breaking list (see below)\n"
	    "\n"
	    "post breaking ID mails a post to every confirmed subscriber of the\n"
	    "breaking list, once: it is queued when the post is published (at\n"
	    "once if it is, with [mail] from and [desk] base_url set) and\n"
	    "`newsdesk run` or `newsdesk mail send` delivers it. Asking again\n"
	    "sends nothing more.\n"
	    "\n"
	    "Every edit keeps the version it replaces; corrections are only\n"
	    "ever appended and show on the post and on /corrections.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk post add --title \"Talks resume\" --body-file talks.md \\\n"
	    "      --byline \"Leila Haddad\" --dateline GENEVA --section diplomacy \\\n"
	    "      --photo talks.jpg --caption \"Delegates arrive\" --credit AFP \\\n"
	    "      --publish\n"
	    "  newsdesk post add --kind roundup --title \"What the papers say\" \\\n"
	    "      --body-file intro.md --pick \"12:Al-Sabah leads with ...\" \\\n"
	    "      --pick \"15:Azzaman says ...\" --at +1h\n"
	    "  newsdesk post correct 3 --note \"An earlier version misspelled "
	    "the minister's name.\"\n",
	.run = post_run,
};

static int
column_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "list") != 0))
		return CMD_USAGE;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if (strcmp(argv[1], "add") == 0) {
		struct column c = { 0 };
		int64_t id = 0;

		for (int i = 2; i < argc; i++) {
			if ((rc = cmd_opt(argc, argv, &i, "--name", &c.name)) < 0)
				goto out;
			if (rc)
				continue;
			if ((rc = cmd_opt(argc, argv, &i, "--description",
			    &c.description)) < 0)
				goto out;
			if (rc)
				continue;
			if (argv[i][0] == '-' || c.slug) {
				rc = CMD_USAGE;
				goto out;
			}
			c.slug = argv[i];
		}
		if (!c.slug || !c.name) {
			rc = CMD_USAGE;
			goto out;
		}
		if ((rc = store_column_add(st, &c, &id)) < 0)
			goto out;
		(void)store_audit_add(st, 0, "cli", "column.add",
		    arena_printf(&a, "column %lld", (long long)id), c.slug,
		    (int64_t)time(NULL));
		printf("added column %lld: /column/%s\n", (long long)id, c.slug);
	} else {
		struct column *v = NULL;
		size_t n = 0;
		bool json = argc > 2 && strcmp(argv[2], "--json") == 0;

		if ((rc = store_column_list(st, &a, &v, &n)) < 0)
			goto out;
		if (json) {
			json_t *arr = json_array();

			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, json_pack(
				    "{sI ss ss ss?}", "id", (json_int_t)v[i].id,
				    "slug", v[i].slug, "name", v[i].name,
				    "description", v[i].description));
			rc = cmd_json_print(arr);
			goto out;
		}
		if (!n)
			printf("no columns (add one with `newsdesk column add "
			    "SLUG --name NAME`)\n");
		for (size_t i = 0; i < n; i++) {
			printf("%4lld  ", (long long)v[i].id);
			cmd_print_cell(v[i].slug, 24);
			printf("  ");
			cmd_print_text(v[i].name);
			putchar('\n');
		}
	}
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_column = {
	.name = "column",
	.summary = "add or list columns (named series of posts)",
	.usage =
	    "usage: newsdesk column add SLUG --name NAME [--description D]\n"
	    "       newsdesk column list [--json]\n"
	    "\n"
	    "A column (\"Diplomatic Buzz\") has its page /column/SLUG and its\n"
	    "feeds; posts join it with `newsdesk post add --column SLUG`.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk column add diplomatic-buzz --name \"Diplomatic Buzz\"\n",
	.run = column_run,
};
