/*
 * desk_post: the desk's forms for posts (issue 10): the list by status,
 * the new and edit forms (every field, a multipart photo with caption and
 * credit), preview, publish now or at a time (editors), corrections
 * (editors). Writers (USER_ROLE_WRITER) save drafts and submit
 * them; the route table gives publishing and correcting the editor role,
 * and the handlers check it again for the edit form's publish buttons.
 *
 * Nothing typed is lost: a form with a bad field comes back (400) with the
 * message beside the field and every value as it was sent; a photo that
 * is refused comes back the same way after the text was saved as a draft;
 * a photo that was accepted is stored at once and kept (a hidden field)
 * even when another field sends the form back. Every change goes to the
 * audit log (desk_audit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/tz.h"
#include "render/html.h"
#include "render/photo.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "web/web_int.h"
#include "core/banned.h"

static const char *const status_names[] = { "", "draft", "scheduled",
    "published", "submitted" };

static bool
is_editor(const struct web_req *r)
{
	return r->user && r->user->role >= USER_ROLE_EDITOR;
}

/* "" for NULL, and the form value otherwise (its NULs end it). */
static const char *
field(const struct web_req *r, const char *name)
{
	const char *v = web_form(r, name);

	return v ? v : "";
}

/* A form being filled: the post as typed, and the messages by field. */
#define FORM_MAX_ERRS 24

struct desk_form {
	struct post p;
	struct { const char *name, *msg; } errs[FORM_MAX_ERRS];
	size_t n_errs;
	bool has_err;
	const char *bylines_text, *picks_text, *publish_at_text, *note_text;
	const char *section_key, *column_key;
};

static void
form_err(struct web_req *r, struct desk_form *f, const char *name,
    const char *msg)
{
	(void)r;
	if (f->n_errs < FORM_MAX_ERRS) {
		f->errs[f->n_errs].name = name;
		f->errs[f->n_errs++].msg = msg;
	}
	f->has_err = true;
}

/* "2026-12-08T06:00" (datetime-local) in the desk's zone; false when not
 * such a time. */
static bool
parse_local(const struct tz *tz, const char *s, int64_t *out)
{
	struct str cur = str_of(s);
	uint64_t y, mo, d, h, mi;

	if (!str_take_uint(&cur, 4, &y) || !str_skip_char(&cur, '-') ||
	    !str_take_uint(&cur, 2, &mo) || !str_skip_char(&cur, '-') ||
	    !str_take_uint(&cur, 2, &d) || !str_skip_char(&cur, 'T') ||
	    !str_take_uint(&cur, 2, &h) || !str_skip_char(&cur, ':') ||
	    !str_take_uint(&cur, 2, &mi))
		return false;
	if (cur.len && (cur.p[0] != ':' || cur.len != 3))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    y < 2000 || y > 2200)
		return false;
	*out = tz_mktime(tz, (int)y, (int)mo, (int)d, (int)h, (int)mi, 0);
	return true;
}

static const char *
local_input(struct arena *a, const struct tz *tz, int64_t t)
{
	struct tm tm;

	if (!t)
		return "";
	tz_local(tz, t, &tm, NULL);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* The lines of s (CR LF or LF), trimmed, empty ones left out. */
static size_t
lines_of(struct arena *a, const char *s, const char ***out)
{
	const char **v = NULL;
	size_t n = 0, cap = 0;

	while (s && *s) {
		size_t len = strcspn(s, "\r\n");
		const char *p = s;
		size_t k = len;

		while (k && (*p == ' ' || *p == '\t'))
			p++, k--;
		while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k) {
			ARENA_GROW(a, v, n, n + 1, cap);
			v[n++] = arena_strndup(a, p, k);
		}
		s += len;
		while (*s == '\r' || *s == '\n')
			s++;
	}
	*out = v;
	return n;
}

/* The post the form describes, over base (an existing post, or a new
 * one), with the messages of bad fields in f. */
static void
form_read(struct web_req *r, struct desk_form *f)
{
	struct post *p = &f->p;
	const char **lines = NULL;
	size_t n;
	const char *v;

	p->headline = field(r, "headline");
	if (!*p->headline)
		form_err(r, f, "headline", "A post needs a headline.");
	else if (strlen(p->headline) > POST_MAX_HEADLINE)
		form_err(r, f, "headline", arena_printf(&r->a, "At most %d "
		    "characters.", POST_MAX_HEADLINE));
	p->deck = field(r, "deck");
	if (strlen(p->deck) > POST_MAX_DECK)
		form_err(r, f, "deck", arena_printf(&r->a, "At most %d "
		    "characters.", POST_MAX_DECK));
	p->body = field(r, "body");
	if (strlen(p->body) > POST_MAX_BODY)
		form_err(r, f, "body", arena_printf(&r->a, "At most %d KiB.",
		    POST_MAX_BODY >> 10));
	p->dateline = field(r, "dateline");
	p->tags = field(r, "tags");
	p->photo_caption = field(r, "caption");
	p->photo_credit = field(r, "credit");
	if (strlen(p->dateline) > POST_MAX_SHORT)
		form_err(r, f, "dateline", "Too long.");
	if (strlen(p->tags) > POST_MAX_SHORT)
		form_err(r, f, "tags", "Too long.");
	if (strlen(p->photo_caption) > POST_MAX_SHORT * 4)
		form_err(r, f, "caption", "Too long.");
	if (strlen(p->photo_credit) > POST_MAX_SHORT)
		form_err(r, f, "credit", "Too long.");
	v = field(r, "kind");
	p->kind = strcmp(v, "roundup") == 0 ? POST_ROUNDUP :
	    strcmp(v, "column") == 0 ? POST_COLUMN : POST_ARTICLE;
	/* section and column by slug */
	f->section_key = field(r, "section");
	p->section_id = 0;
	if (*f->section_key) {
		struct section *sec;

		if (store_section_find(r->st, &r->a, f->section_key, &sec) == 0)
			p->section_id = sec->id;
		else
			form_err(r, f, "section", "No such section.");
	}
	f->column_key = field(r, "column");
	p->column_id = 0;
	if (*f->column_key) {
		struct column *c;

		if (store_column_find(r->st, &r->a, f->column_key, &c) == 0)
			p->column_id = c->id;
		else
			form_err(r, f, "column", "No such column.");
	}
	/* bylines: one name a line; the writer's own name is theirs */
	f->bylines_text = field(r, "bylines");
	n = lines_of(&r->a, f->bylines_text, &lines);
	if (n > POST_MAX_BYLINES) {
		form_err(r, f, "bylines", arena_printf(&r->a, "At most %d "
		    "names.", POST_MAX_BYLINES));
		n = POST_MAX_BYLINES;
	}
	p->bylines = arena_zalloc(&r->a, (n + 1) * sizeof(*p->bylines));
	p->n_bylines = n;
	{
		/* a line that is a desk user's name is that user (their
		 * byline page, and the post is theirs to edit too) */
		struct user *uv = NULL;
		size_t nu = 0;

		if (n && store_user_list(r->st, &r->a, &uv, &nu) < 0)
			nu = 0;
		for (size_t i = 0; i < n; i++) {
			p->bylines[i].name = lines[i];
			if (strlen(lines[i]) > POST_MAX_SHORT)
				form_err(r, f, "bylines", "A name is too long.");
			if (r->user && r->user->name &&
			    strcmp(lines[i], r->user->name) == 0) {
				p->bylines[i].user_id = r->user->id;
				continue;
			}
			for (size_t k = 0; k < nu; k++)
				if (!uv[k].is_disabled && uv[k].name &&
				    strcmp(lines[i], uv[k].name) == 0) {
					p->bylines[i].user_id = uv[k].id;
					break;
				}
		}
	}
	/* picks: "12: summary" (an item) or "story 4: summary" a line */
	f->picks_text = field(r, "picks");
	n = lines_of(&r->a, f->picks_text, &lines);
	if (n > POST_MAX_PICKS) {
		form_err(r, f, "picks", arena_printf(&r->a, "At most %d.",
		    POST_MAX_PICKS));
		n = POST_MAX_PICKS;
	}
	{
		size_t ticked = 0;

		for (size_t i = 0; i < r->n_form; i++)
			ticked += r->form[i].name &&
			    strcmp(r->form[i].name, "pick_item[]") == 0;
		p->picks = arena_zalloc(&r->a, (n + ticked + 1) *
		    sizeof(*p->picks));
	}
	p->n_picks = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = lines[i];
		bool is_story = strncmp(s, "story ", 6) == 0;
		const char *colon;
		char num[24];
		size_t nl;
		long long id;

		if (is_story)
			s += 6;
		else if (strncmp(s, "item ", 5) == 0)
			s += 5;
		colon = strchr(s, ':');
		nl = colon ? (size_t)(colon - s) : strlen(s);
		while (nl && s[nl - 1] == ' ')
			nl--;
		if (nl == 0 || nl >= sizeof(num)) {
			form_err(r, f, "picks", arena_printf(&r->a, "Line %zu: "
			    "write ITEM-ID: summary, or story ID: summary.",
			    i + 1));
			continue;
		}
		memcpy(num, s, nl);
		num[nl] = '\0';
		if (parse_int(num, 1, INT64_MAX, &id) < 0) {
			form_err(r, f, "picks", arena_printf(&r->a, "Line %zu: "
			    "'%s' is not an id.", i + 1, num));
			continue;
		}
		if (is_story)
			p->picks[p->n_picks].story_id = id;
		else
			p->picks[p->n_picks].item_id = id;
		if (colon) {
			colon++;
			while (*colon == ' ')
				colon++;
			p->picks[p->n_picks].summary = colon;
		}
		p->n_picks++;
	}
	/* the day's items ticked on the form join the picks (a roundup in
	 * a few clicks; the summaries are written in the list above) */
	for (size_t i = 0; i < r->n_form; i++) {
		long long id;
		bool dup = false;

		if (!r->form[i].name || strcmp(r->form[i].name, "pick_item[]") ||
		    parse_int(r->form[i].value, 1, INT64_MAX, &id) < 0)
			continue;
		for (size_t k = 0; k < p->n_picks && !dup; k++)
			dup = p->picks[k].item_id == id;
		if (dup)
			continue;
		if (p->n_picks >= POST_MAX_PICKS) {
			form_err(r, f, "picks", arena_printf(&r->a, "At most %d.",
			    POST_MAX_PICKS));
			break;
		}
		memset(&p->picks[p->n_picks], 0, sizeof(p->picks[0]));
		p->picks[p->n_picks++].item_id = id;
	}
	if (p->kind == POST_ROUNDUP && !p->n_picks && !f->has_err)
		form_err(r, f, "picks", "A roundup lists what it picked.");
	v = field(r, "story_id");
	p->story_id = 0;
	if (*v) {
		long long id;

		if (parse_int(v, 1, INT64_MAX, &id) < 0)
			form_err(r, f, "story_id", "Not a story id.");
		else
			p->story_id = id;
	}
	v = field(r, "photo_id");
	if (*v) {
		long long id;
		struct desk_photo *ph;

		if (parse_int(v, 1, INT64_MAX, &id) == 0 &&
		    store_desk_photo_get(r->st, &r->a, id, &ph) == 0)
			p->photo_id = id;
	} else if (web_form_param(r, "photo_id")) {
		p->photo_id = 0;     /* "remove the photo" */
	}
	f->publish_at_text = field(r, "publish_at");
}

static void
add_options(struct web_req *r, struct tmpl_obj *o, const struct desk_form *f)
{
	struct section *sv = NULL;
	struct column *cv = NULL;
	size_t ns = 0, nc = 0;
	struct tmpl_list *l;

	if (store_section_list(r->st, &r->a, &sv, &ns) < 0)
		ns = 0;
	l = tmpl_set_list(o, "sections");
	for (size_t i = 0; i < ns; i++) {
		struct tmpl_obj *x = tmpl_list_add(l);

		tmpl_set_text(x, "slug", sv[i].slug);
		tmpl_set_text(x, "name", sv[i].name);
		tmpl_set_bool(x, "is_selected", f->section_key &&
		    (strcmp(f->section_key, sv[i].slug) == 0 ||
		    strcmp(f->section_key, sv[i].name) == 0));
	}
	if (store_column_list(r->st, &r->a, &cv, &nc) < 0)
		nc = 0;
	l = tmpl_set_list(o, "columns");
	for (size_t i = 0; i < nc; i++) {
		struct tmpl_obj *x = tmpl_list_add(l);

		tmpl_set_text(x, "slug", cv[i].slug);
		tmpl_set_text(x, "name", cv[i].name);
		tmpl_set_bool(x, "is_selected", f->column_key &&
		    strcmp(f->column_key, cv[i].slug) == 0);
	}
}

/* The newest items of the last day, to tick into a roundup. */
static void
add_day_items(struct web_req *r, struct tmpl_obj *o, const struct post *p)
{
	struct store_item_query q = { .since = (int64_t)time(NULL) - 86400,
		.limit = 40 };
	struct item *v = NULL;
	size_t n = 0;
	struct tmpl_list *l;

	if (store_item_list(r->st, &r->a, &q, &v, &n) < 0 || !n) {
		/* a quiet day (or an old demo): the newest anyway */
		q.since = 0;
		if (store_item_list(r->st, &r->a, &q, &v, &n) < 0)
			return;
	}
	l = tmpl_set_list(o, "day_items");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *x = tmpl_list_add(l);
		bool picked = false;

		for (size_t k = 0; k < p->n_picks && !picked; k++)
			picked = p->picks[k].item_id == v[i].id;
		tmpl_set_int(x, "id", v[i].id);
		tmpl_set_text(x, "title", view_headline(&r->a, &v[i]));
		tmpl_set_text(x, "outlet", v[i].source_title);
		tmpl_set_bool(x, "is_picked", picked);
	}
	tmpl_set_bool(o, "has_day_items", n > 0);
}

/* Renders the edit form of f (status 200, or 400 with messages). */
static int
form_show(struct web_req *r, struct desk_form *f, const struct post *saved,
    const char *notice)
{
	struct tmpl_obj *o = desk_page_ctx(r, f->p.id ? "Edit post" :
	    "New post", "posts"), *po;
	const struct post *p = &f->p;

	if (f->has_err)
		r->status = 400;
	tmpl_set_bool(o, "is_desk", true);
	{
		struct tmpl_obj *e = tmpl_set_obj(o, "err");

		/* the first message of a field is the one shown */
		for (size_t i = f->n_errs; i-- > 0;)
			tmpl_set_text(e, f->errs[i].name, f->errs[i].msg);
	}
	tmpl_set_bool(o, "has_err", f->has_err);
	if (notice)
		tmpl_set_text(o, "notice", notice);
	/* breaking news (issue 11): the box, and what was sent */
	desk_breaking_show(r, o, saved ? saved->id : 0);
	tmpl_set_bool(o, "is_editor", is_editor(r));
	tmpl_set_text(o, "action", p->id ? arena_printf(&r->a, "/desk/post/%lld",
	    (long long)p->id) : "/desk/posts/new");
	po = tmpl_set_obj(o, "f");
	tmpl_set_int(po, "id", p->id);
	tmpl_set_text(po, "headline", p->headline);
	tmpl_set_text(po, "deck", p->deck);
	tmpl_set_text(po, "body", p->body);
	tmpl_set_text(po, "dateline", p->dateline);
	tmpl_set_text(po, "tags", p->tags);
	tmpl_set_text(po, "caption", p->photo_caption);
	tmpl_set_text(po, "credit", p->photo_credit);
	tmpl_set_text(po, "bylines", f->bylines_text);
	tmpl_set_text(po, "picks", f->picks_text);
	tmpl_set_text(po, "publish_at", f->publish_at_text);
	tmpl_set_text(po, "note", f->note_text);
	tmpl_set_bool(po, "breaking", *field(r, "breaking") != '\0');
	if (p->story_id)
		tmpl_set_int(po, "story_id", p->story_id);
	tmpl_set_bool(po, "is_article", p->kind == POST_ARTICLE);
	tmpl_set_bool(po, "is_roundup", p->kind == POST_ROUNDUP);
	tmpl_set_bool(po, "is_column", p->kind == POST_COLUMN);
	if (p->photo_id) {
		struct desk_photo *ph = NULL;

		tmpl_set_int(po, "photo_id", p->photo_id);
		if (store_desk_photo_get(r->st, &r->a, p->photo_id, &ph) == 0) {
			const char *webp, *jpeg, *src;
			int w, h;

			render_photo_srcsets(&r->a, ph, &webp, &jpeg, &src, &w,
			    &h);
			tmpl_set_text(po, "photo_src", src);
		}
	}
	if (saved) {
		struct tmpl_obj *s = tmpl_set_obj(o, "saved");
		struct store_revision *rev = NULL;
		size_t nrev = 0;

		tmpl_set_text(s, "status", status_names[saved->status]);
		tmpl_set_bool(s, "is_published", saved->status == POST_PUBLISHED);
		tmpl_set_bool(s, "is_scheduled", saved->status == POST_SCHEDULED);
		if (saved->status == POST_PUBLISHED)
			tmpl_set_text(s, "path", view_post_path(&r->a, saved));
		if (saved->publish_at)
			tmpl_set_text(s, "publish_at", view_desk_time(&r->a,
			    r->site->tz, saved->publish_at));
		tmpl_set_text(s, "preview", arena_printf(&r->a,
		    "/desk/post/%lld/preview", (long long)saved->id));
		tmpl_set_text(s, "publish", arena_printf(&r->a,
		    "/desk/post/%lld/publish", (long long)saved->id));
		tmpl_set_text(s, "correct", arena_printf(&r->a,
		    "/desk/post/%lld/correct", (long long)saved->id));
		tmpl_set_text(s, "breaking_path", arena_printf(&r->a,
		    "/desk/post/%lld/breaking", (long long)saved->id));
		view_post(tmpl_set_obj(s, "view"), &r->a, &r->site->vs, saved,
		    true, time(NULL));
		if (store_post_revisions(r->st, &r->a, saved->id, &rev,
		    &nrev) == 0) {
			struct tmpl_list *l = tmpl_set_list(s, "revisions");

			for (size_t i = 0; i < nrev && i < 20; i++) {
				struct tmpl_obj *x = tmpl_list_add(l);

				tmpl_set_text(x, "time", view_desk_time(&r->a,
				    r->site->tz, rev[i].time));
				tmpl_set_text(x, "headline", rev[i].headline);
				tmpl_set_int(x, "user_id", rev[i].user_id);
				tmpl_set_text(x, "status",
				    status_names[rev[i].status % 5]);
			}
			tmpl_set_int(s, "n_revisions", (long long)nrev);
		}
	}
	add_options(r, o, f);
	add_day_items(r, o, p);
	return desk_render(r, "desk_post", o);
}

/* The form of a stored post, as the edit page shows it. */
static void
form_of_post(struct web_req *r, struct desk_form *f, const struct post *p)
{
	struct buf b = BUF_INIT(1 << 20);

	f->p = *p;
	for (size_t i = 0; i < p->n_bylines; i++)
		buf_addf(&b, "%s\n", p->bylines[i].name);
	f->bylines_text = arena_strndup(&r->a, b.ptr, b.len);
	buf_reset(&b);
	for (size_t i = 0; i < p->n_picks; i++) {
		const struct post_pick *k = &p->picks[i];

		buf_addf(&b, "%s%lld%s%s\n", k->story_id ? "story " : "",
		    (long long)(k->story_id ? k->story_id : k->item_id),
		    k->summary ? ": " : "", k->summary ? k->summary : "");
	}
	f->picks_text = arena_strndup(&r->a, b.ptr, b.len);
	buf_release(&b);
	f->publish_at_text = local_input(&r->a, r->site->tz, p->publish_at);
	f->section_key = p->section_slug;
	f->column_key = p->column_slug;
}

static int
post_of(struct web_req *r, struct post **out)
{
	int64_t id;
	int rc;

	if (site_parse_id(r->args[0], &id) < 0 ||
	    (rc = store_post_get(r->st, &r->a, id, out)) == ND_ENOTFOUND) {
		site_error(r, 404, "There is no such post.");
		*out = NULL;
		return 0;
	}
	return rc;
}

/* A writer may change their drafts and submissions, never what is
 * published or scheduled. */
static bool
may_edit(const struct web_req *r, const struct post *p)
{
	return is_editor(r) || p->status == POST_DRAFT ||
	    p->status == POST_SUBMITTED;
}

/* Whether the post is the signed-in writer's own (model_post_may_edit:
 * they wrote it or are in its byline), or the user is an editor. */
static bool
is_own(const struct web_req *r, const struct post *p)
{
	struct post draft = *p;

	if (!r->user)
		return false;
	/* the rule's status half is may_edit's (a published post gets the
	 * form with its message): ask about the draft's ownership only */
	draft.status = POST_DRAFT;
	return model_post_may_edit(&draft, r->user->id, (int)r->user->role);
}

/* 403: another writer's draft; the desk's frame with the reason. */
static int
forbidden(struct web_req *r, const struct post *p)
{
	struct tmpl_obj *o = desk_page_ctx(r, "Not your draft", "posts");

	r->status = 403;
	tmpl_set_bool(o, "is_desk", true);
	tmpl_set_text(o, "heading", "This is another writer's draft");
	tmpl_set_text(o, "what", "A writer edits only the posts they wrote or "
	    "that carry their byline. Ask its writer, or an editor, to change "
	    "it.");
	tmpl_set_text(o, "preview", arena_printf(&r->a,
	    "/desk/post/%lld/preview", (long long)p->id));
	return desk_render(r, "desk_forbidden", o);
}

static void
redirect(struct web_req *r, const char *to)
{
	r->status = 303;
	r->location = to;
}

/* The audit log (store_audit_add, through desk_audit) of an action on
 * kind id: "post 12". */
static void
desk_audit_id(struct web_req *r, const char *action, const char *kind,
    int64_t id, const char *detail)
{
	(void)desk_audit(r, action, arena_printf(&r->a, "%s %lld", kind,
	    (long long)id), detail);
}

/* ---- the handlers ---- */

int
desk_posts(struct web_req *r)
{
	struct store_post_query q = { .limit = 200 };
	struct post *v = NULL;
	size_t n = 0;
	const char *want = web_query(r, "status");
	struct tmpl_obj *o;
	struct tmpl_list *l, *tabs;
	int rc;

	for (int k = POST_DRAFT; want && k <= POST_SUBMITTED; k++)
		if (strcmp(want, status_names[k]) == 0)
			q.status = k;
	if ((rc = store_post_list(r->st, &r->a, &q, &v, &n)) < 0)
		return rc;
	o = desk_page_ctx(r, "Posts", "posts");
	tmpl_set_bool(o, "is_desk", true);
	tabs = tmpl_set_list(o, "tabs");
	{
		static const int order[] = { 0, POST_DRAFT, POST_SUBMITTED,
			POST_SCHEDULED, POST_PUBLISHED };

		for (size_t i = 0; i < 5; i++) {
			struct tmpl_obj *x = tmpl_list_add(tabs);

			tmpl_set_text(x, "name", order[i] ?
			    status_names[order[i]] : "all");
			tmpl_set_text(x, "path", order[i] ? arena_printf(&r->a,
			    "/desk/posts?status=%s", status_names[order[i]]) :
			    "/desk/posts");
			tmpl_set_bool(x, "is_current", q.status == order[i]);
		}
	}
	l = tmpl_set_list(o, "posts");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *x = tmpl_list_add(l);

		view_post(x, &r->a, &r->site->vs, &v[i], false, time(NULL));
		tmpl_set_text(x, "status", status_names[v[i].status % 5]);
		tmpl_set_text(x, "edit", arena_printf(&r->a, is_own(r, &v[i]) ?
		    "/desk/post/%lld" : "/desk/post/%lld/preview",
		    (long long)v[i].id));
		if (v[i].status == POST_SCHEDULED)
			tmpl_set_text(x, "when", view_desk_time(&r->a,
			    r->site->tz, v[i].publish_at));
	}
	tmpl_set_bool(o, "is_empty", n == 0);
	return desk_render(r, "desk_posts", o);
}

static int desk_post_create(struct web_req *r);
static int desk_post_update(struct web_req *r);

int
desk_post_new(struct web_req *r)
{
	if (r->method == WEB_POST)
		return desk_post_create(r);
	{
	struct desk_form f = { .p = { .kind = POST_ARTICLE,
		.status = POST_DRAFT } };

	f.bylines_text = r->user && r->user->name ? r->user->name : "";
	return form_show(r, &f, NULL, NULL);
	}
}

int
desk_post_edit(struct web_req *r)
{
	struct desk_form f = { 0 };
	struct post *p = NULL;
	int rc;

	if (r->method == WEB_POST)
		return desk_post_update(r);
	if ((rc = post_of(r, &p)) < 0 || !p)
		return rc;
	if (!is_own(r, p))
		return forbidden(r, p);
	form_of_post(r, &f, p);
	return form_show(r, &f, p, web_query(r, "saved") ? "Saved." : NULL);
}

/* The photo part of the form into *out (0: none sent); on a refusal the
 * message is beside the photo field. */
static int
read_photo(struct web_req *r, struct desk_form *f, bool *out_stored)
{
	const struct web_param *ph = web_form_param(r, "photo");
	struct render_photo rp;
	int64_t id = 0;
	int rc;

	*out_stored = false;
	/* over the upload cap: dropped as it came, the form's text kept
	 * (form_stream.c); the draft is saved without it */
	if (ph && ph->filename && ph->is_too_big) {
		form_err(r, f, "photo", arena_printf(&r->a, "This photo is "
		    "%.1f MB; the desk takes photos up to %zu MB. Make it "
		    "smaller (or export it at a lower quality) and add it "
		    "again.", (double)ph->len_sent / (1 << 20),
		    ((struct web_limits)WEB_LIMITS_DEFAULT).max_file >> 20));
		return 0;
	}
	if (!ph || !ph->filename || ph->len == 0)
		return 0;
	if (!*f->p.photo_credit) {
		form_err(r, f, "credit", "A photo needs its credit (who took "
		    "it, or the agency).");
		return 0;
	}
	if ((rc = render_photo_make(&r->a, ph->value, ph->len, 0,
	    (int64_t)time(NULL), &rp)) < 0) {
		if (rc == ND_ENOMEM)
			return rc;
		/* "photo: not a JPEG, PNG or WebP image (...)" */
		form_err(r, f, "photo", arena_strdup(&r->a, err_msg()));
		return 0;
	}
	if ((rc = store_desk_photo_put(r->st, &rp.desk, ph->value, ph->len,
	    rp.type, rp.variants, rp.n_variants, &id)) < 0)
		return rc;
	f->p.photo_id = id;
	*out_stored = true;
	desk_audit_id(r, "photo.upload", "desk_photo", id, ph->filename);
	return 0;
}

/* POST /desk/posts/new and /desk/post/{id}: save, then what the button
 * says (submit, preview, publish, schedule). */
static int
save(struct web_req *r, struct post *old)
{
	struct desk_form f = { 0 };
	const char *action = field(r, "action");
	int64_t now = (int64_t)time(NULL), at = 0, id = 0;
	bool stored = false, wants_publish, photo_refused;
	struct html h;
	int rc;

	if (old)
		f.p = *old;
	else
		f.p = (struct post){ .kind = POST_ARTICLE, .status = POST_DRAFT };
	f.p.edited_by = r->user ? r->user->id : 0;
	form_read(r, &f);
	wants_publish = strcmp(action, "publish") == 0 ||
	    strcmp(action, "schedule") == 0;
	if (wants_publish && !is_editor(r))
		form_err(r, &f, "action", "Only an editor publishes. Submit "
		    "the post for an editor instead.");
	if (strcmp(action, "schedule") == 0 &&
	    !parse_local(r->site->tz, f.publish_at_text, &at))
		form_err(r, &f, "publish_at", "Give the date and time to "
		    "publish at.");
	else if (strcmp(action, "schedule") == 0 && at <= now)
		form_err(r, &f, "publish_at", "That time has passed: publish "
		    "now instead.");
	if ((rc = read_photo(r, &f, &stored)) < 0)
		return rc;
	photo_refused = web_form_param(r, "photo") &&
	    (web_form_param(r, "photo")->len ||
	    web_form_param(r, "photo")->is_too_big) && !stored;
	/* A refused photo does not cost the text: with a headline, the
	 * draft is saved first, and the form comes back. */
	if (f.has_err && !(photo_refused && *f.p.headline &&
	    strlen(f.p.headline) <= POST_MAX_HEADLINE))
		return form_show(r, &f, old, NULL);
	if ((rc = render_markdown(&r->a, f.p.body, strlen(f.p.body), &h)) < 0)
		return rc;
	f.p.body_html = h.p;
	if (!old || old->status == POST_DRAFT || old->status == POST_SUBMITTED)
		f.p.status = strcmp(action, "submit") == 0 ? POST_SUBMITTED :
		    old ? old->status : POST_DRAFT;
	if ((rc = store_post_save(r->st, &f.p, now, &id)) < 0) {
		/* the store's own check (the post changed hands meanwhile) */
		if (rc == ND_EAUTH && old)
			return forbidden(r, old);
		if (rc != ND_EINVAL)
			return rc;
		form_err(r, &f, "headline", arena_strdup(&r->a, err_msg()));
		return form_show(r, &f, old, NULL);
	}
	f.p.id = id;
	desk_audit_id(r, old ? "post.save" : "post.create", "post", id,
	    f.p.headline);
	if (f.has_err) {
		struct post *saved = NULL;

		if (store_post_get(r->st, &r->a, id, &saved) < 0)
			saved = NULL;
		return form_show(r, &f, saved, "The text was saved as a draft; "
		    "the photo was not.");
	}
	if (strcmp(action, "submit") == 0)
		desk_audit_id(r, "post.submit", "post", id, NULL);
	if (wants_publish) {
		if ((rc = store_post_publish(r->st, id, strcmp(action,
		    "publish") == 0 ? now : at, now)) < 0)
			return rc;
		desk_audit_id(r, strcmp(action, "publish") == 0 ? "post.publish" :
		    "post.schedule", "post", id, f.publish_at_text);
		/* "Send as breaking news" ticked (issue 11) */
		if (*field(r, "breaking")) {
			struct post *live = NULL;

			if ((rc = store_post_get(r->st, &r->a, id, &live)) < 0)
				return rc;
			return desk_redirect(r, arena_printf(&r->a,
			    "/desk/post/%lld", (long long)id),
			    desk_breaking_ask(r, live));
		}
	}
	if (strcmp(action, "preview") == 0)
		redirect(r, arena_printf(&r->a, "/desk/post/%lld/preview",
		    (long long)id));
	else
		redirect(r, arena_printf(&r->a, "/desk/post/%lld?saved=1",
		    (long long)id));
	return 0;
}

static int
desk_post_create(struct web_req *r)
{
	return save(r, NULL);
}

static int
desk_post_update(struct web_req *r)
{
	struct post *p = NULL;
	int rc;

	if ((rc = post_of(r, &p)) < 0 || !p)
		return rc;
	/* before anything of the form is read or stored (a photo too) */
	if (!is_own(r, p))
		return forbidden(r, p);
	if (!may_edit(r, p)) {
		struct desk_form f = { 0 };

		/* the form again, with the message: nothing is changed */
		form_of_post(r, &f, p);
		form_err(r, &f, "action", "Only an editor changes a published "
		    "or scheduled post.");
		return form_show(r, &f, p, NULL);
	}
	return save(r, p);
}

int
desk_post_preview(struct web_req *r)
{
	struct post *p = NULL;
	struct tmpl_obj *o, *po;
	int rc;

	if ((rc = post_of(r, &p)) < 0 || !p)
		return rc;
	o = site_page_ctx(r, p->headline, NULL);
	tmpl_set_bool(o, "is_preview", true);
	tmpl_set_text(o, "preview_status", status_names[p->status % 5]);
	tmpl_set_text(o, "edit_path", arena_printf(&r->a, "/desk/post/%lld",
	    (long long)p->id));
	po = tmpl_set_obj(o, "post");
	if (!p->published_at && !p->publish_at)
		p->published_at = (int64_t)time(NULL);   /* as if now */
	view_post(po, &r->a, &r->site->vs, p, true, time(NULL));
	return desk_render(r, "post", o);
}

int
desk_post_publish(struct web_req *r)
{
	struct post *p = NULL;
	const char *when = field(r, "publish_at");
	int64_t now = (int64_t)time(NULL), at = now;
	int rc;

	if ((rc = post_of(r, &p)) < 0 || !p)
		return rc;
	/* says which: an empty form publishes nothing */
	if (strcmp(field(r, "action"), "publish") != 0 &&
	    strcmp(field(r, "action"), "schedule") != 0) {
		site_error(r, 400, "Say whether to publish now or at a time.");
		return 0;
	}
	if (strcmp(field(r, "action"), "publish") == 0)
		when = "";
	if (*when && !parse_local(r->site->tz, when, &at)) {
		struct desk_form f = { 0 };

			form_of_post(r, &f, p);
		f.publish_at_text = when;
		form_err(r, &f, "publish_at", "Give the date and time to "
		    "publish at.");
		return form_show(r, &f, p, NULL);
	}
	if ((rc = store_post_publish(r->st, p->id, at, now)) < 0)
		return rc;
	desk_audit_id(r, at > now ? "post.schedule" : "post.publish", "post",
	    p->id, *when ? when : NULL);
	/* "Send as breaking news" ticked (issue 11) */
	if (*field(r, "breaking")) {
		struct post *live = NULL;

		if ((rc = store_post_get(r->st, &r->a, p->id, &live)) < 0)
			return rc;
		return desk_redirect(r, arena_printf(&r->a, "/desk/post/%lld",
		    (long long)p->id), desk_breaking_ask(r, live));
	}
	redirect(r, arena_printf(&r->a, "/desk/post/%lld?saved=1",
	    (long long)p->id));
	return 0;
}

int
desk_post_correct(struct web_req *r)
{
	struct post *p = NULL;
	const char *note = field(r, "note");
	int64_t cid = 0;
	int rc;

	if ((rc = post_of(r, &p)) < 0 || !p)
		return rc;
	if (!*note || strlen(note) > POST_MAX_NOTE ||
	    p->status != POST_PUBLISHED) {
		struct desk_form f = { 0 };

			form_of_post(r, &f, p);
		f.note_text = note;
		form_err(r, &f, "note", p->status != POST_PUBLISHED ?
		    "Only a published post is corrected; edit a draft." :
		    *note ? "Too long." : "Say what was wrong and what is "
		    "right.");
		return form_show(r, &f, p, NULL);
	}
	if ((rc = store_post_correct(r->st, p->id, note, r->user ?
	    r->user->id : 0, (int64_t)time(NULL), &cid)) < 0)
		return rc;
	desk_audit_id(r, "post.correct", "post", p->id, note);
	redirect(r, arena_printf(&r->a, "/desk/post/%lld?saved=1",
	    (long long)p->id));
	return 0;
}
