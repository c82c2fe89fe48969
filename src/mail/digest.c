/*
 * digest: the daily mail of a list. Its content is gathered once per run
 * (digest_gather: the top stories since the list's last digest, ranked
 * as on the front page, with the same view models), rendered once as
 * text and HTML (theme/mail_digest.html: tables and inline CSS, photos
 * from the site by absolute URL, no remote fonts, scripts, tracking
 * pixels or rewritten links) and stored once; each recipient's copy only
 * swaps in their own manage token when it is sent (queue.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/tz.h"
#include "mail/mail.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "store/store.h"
#include "core/banned.h"

#define SUMMARY_MAX 320          /* bytes of a story's summary in a digest */
#define CANDIDATES 200           /* stories read to fill a section list */

struct gather {
	struct mail_env *env;
	struct store *st;
	struct arena *a;
	struct view_site vs;
	const char *list;
	int64_t section_id;          /* section:SLUG lists; 0 = every story */
	int64_t since, now;
	struct tmpl_list *stories;   /* for the HTML */
	struct tmpl_list *posts;
	struct buf *text;            /* the plain-text part */
	size_t n_stories, n_posts;
};

/* Whether any report of the story is from the list's section. */
static bool
in_section(const struct item *items, size_t n, int64_t section_id)
{
	if (!section_id)
		return true;
	for (size_t i = 0; i < n; i++)
		if (items[i].section_id == section_id)
			return true;
	return false;
}

static void
text_story(struct gather *g, const struct story *s, const struct item *items,
    size_t n)
{
	size_t lead = view_story_lead(g->a, items, n);
	const char *headline = s->editor_title && *s->editor_title ?
	    s->editor_title : view_headline(g->a, &items[lead]);
	const char *summary = items[lead].summary ?
	    render_plain(g->a, items[lead].summary, SUMMARY_MAX) : NULL;

	buf_addf(g->text, "%zu. %s\n", g->n_stories, headline);
	if (summary && *summary)
		buf_addf(g->text, "   %s\n", summary);
	buf_addf(g->text, "   %zu report%s from %zu outlet%s: %s/story/%lld\n\n",
	    s->n_items, s->n_items == 1 ? "" : "s", s->n_outlets,
	    s->n_outlets == 1 ? "" : "s", g->env->base_url, (long long)s->id);
}

/* The top stories with a report since the last digest. */
static int
add_stories(struct gather *g)
{
	struct store_story_query q = { .since = g->since,
		.limit = g->section_id ? CANDIDATES :
		    (size_t)g->env->cfg->mail.digest_stories };
	size_t max = (size_t)g->env->cfg->mail.digest_stories;
	struct story *sv = NULL;
	size_t ns = 0;
	int rc;

	if ((rc = store_story_list(g->st, g->a, &q, g->now, &sv, &ns)) < 0)
		return rc;
	for (size_t i = 0; i < ns && g->n_stories < max; i++) {
		struct item *items = NULL;
		size_t n = 0;

		if ((rc = store_story_items(g->st, g->a, sv[i].id, &items, &n))
		    < 0)
			return rc;
		if (n == 0 || !in_section(items, n, g->section_id))
			continue;
		g->n_stories++;
		view_story(tmpl_list_add(g->stories), g->a, &g->vs, &sv[i],
		    items, n, (time_t)g->now, NULL);
		text_story(g, &sv[i], items, n);
	}
	return 0;
}

/* At most this many of the desk's posts in one digest. */
#define DIGEST_POSTS 10

/*
 * The desk's own posts published since the last digest, newest first: of
 * the list's column for a column:SLUG list, of its section for a
 * section:SLUG list, all of them otherwise. Each with the view model the
 * site uses (view_post), in the HTML's "posts" and the text part.
 */
static int
add_posts(struct gather *g)
{
	struct store_post_query q = { .status = POST_PUBLISHED,
		.section_id = g->section_id, .limit = 100 };
	struct post *pv = NULL;
	size_t n = 0;
	int rc;

	if (strncmp(g->list, "column:", 7) == 0) {
		struct column *c = NULL;

		if ((rc = store_column_find(g->st, g->a, g->list + 7, &c)) < 0)
			return rc == ND_ENOTFOUND ? 0 : rc;
		q.column_id = c->id;
	}
	if ((rc = store_post_list(g->st, g->a, &q, &pv, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n && g->n_posts < DIGEST_POSTS; i++) {
		const struct post *p = &pv[i];
		struct tmpl_obj *o;
		const char *path;

		if (p->published_at <= g->since || p->published_at > g->now)
			continue;
		o = tmpl_list_add(g->posts);
		view_post(o, g->a, &g->vs, p, false, (time_t)g->now);
		path = view_post_path(g->a, p);
		if (!g->n_posts++)
			buf_adds(g->text, "FROM THE DESK\n\n");
		buf_addf(g->text, "%s\n", p->headline);
		if (p->deck && *p->deck)
			buf_addf(g->text, "   %s\n", p->deck);
		buf_addf(g->text, "   %s/%s\n\n", g->env->base_url,
		    path[0] == '/' ? path + 1 : path);
	}
	return 0;
}

/*
 * What a digest shows, in the order it shows it: the desk's own posts
 * lead, as on the front page, then the top stories from the store's
 * ranking. A column:SLUG list is that column's posts only.
 */
static int
digest_gather(struct gather *g)
{
	int rc;

	if ((rc = add_posts(g)) < 0)
		return rc;
	if (strncmp(g->list, "column:", 7) == 0)
		return 0;
	if (g->n_posts)
		buf_adds(g->text, "TOP STORIES\n\n");
	return add_stories(g);
}

static const char *
list_title(struct arena *a, const char *list)
{
	if (strcmp(list, "digest") == 0)
		return "Daily digest";
	if (strcmp(list, "breaking") == 0)
		return "Breaking news";
	if (strncmp(list, "section:", 8) == 0)
		return arena_printf(a, "Daily digest: %s", list + 8);
	if (strncmp(list, "column:", 7) == 0)
		return arena_printf(a, "Column: %s", list + 7);
	return list;
}

int
mail_digest_build(struct mail_env *env, struct store *st, struct arena *a,
    const char *list, int64_t since, int64_t now, struct mail_digest *out)
{
	struct buf text = BUF_INIT(4 << 20);
	struct gather g = { .env = env, .st = st, .a = a, .list = list,
		.now = now, .text = &text };
	const struct cfg_desk *d = &env->cfg->desk;
	struct tmpl_obj *o = tmpl_obj_new(a);
	struct page pg;
	const char *name = d->name && *d->name ? d->name : "newsdesk";
	const char *day, *manage, *unsub;
	int64_t last = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!mail_list_valid(list))
		return err_set(ND_EINVAL, "mail: '%s' is not a list (digest, "
		    "breaking, section:SLUG, column:SLUG)", list);
	if (strncmp(list, "section:", 8) == 0) {
		struct section *sec = NULL;

		if ((rc = store_section_find(st, a, list + 8, &sec)) < 0)
			return rc;
		g.section_id = sec->id;
	}
	if ((rc = store_digest_last(st, list, &last)) < 0)
		return rc;
	/* the first digest covers the last day */
	g.since = since > 0 ? since : last > 0 ? last : now - 86400;
	g.vs = (struct view_site){ .name = name, .tagline = d->tagline,
		.contact = d->contact, .base_url = env->base_url,
		.language = d->language, .sponsor = HTML(""), .css_hash = "",
		.tz = env->tz };
	g.stories = tmpl_set_list(o, "stories");
	g.posts = tmpl_set_list(o, "posts");
	day = view_day(a, env->tz, now, true);
	buf_addf(&text, "%s\n%s, %s\n\n", name, list_title(a, list), day);
	if ((rc = digest_gather(&g)) < 0)
		goto out;
	manage = arena_printf(a, "%s/subscribe/manage?t=%s", env->base_url,
	    MAIL_TOKEN_MARKER);
	unsub = arena_printf(a, "%s/unsubscribe?t=%s", env->base_url,
	    MAIL_TOKEN_MARKER);
	buf_addf(&text, "-- \nMore on the site: %s/\nYou receive this because "
	    "you subscribed to %s from %s.\nChange what you receive: %s\n"
	    "Unsubscribe: %s\n", env->base_url, list_title(a, list), name,
	    manage, unsub);
	if ((rc = buf_err(&text)) < 0)
		goto out;
	out->list = list;
	out->since = g.since;
	out->now = now;
	out->n_stories = g.n_stories;
	out->n_posts = g.n_posts;
	out->subject = arena_printf(a, "%s: %s, %s", name, list_title(a, list),
	    day);
	out->text = arena_strndup(a, text.ptr, text.len);
	tmpl_set_text(o, "desk", name);
	tmpl_set_text(o, "tagline", d->tagline);
	tmpl_set_text(o, "lang", d->language && *d->language ? d->language :
	    "en");
	tmpl_set_text(o, "subject", out->subject);
	tmpl_set_text(o, "list_title", list_title(a, list));
	tmpl_set_text(o, "day", day);
	tmpl_set_text(o, "base_url", env->base_url);
	tmpl_set_text(o, "manage_url", manage);
	tmpl_set_text(o, "unsubscribe_url", unsub);
	tmpl_set_int(o, "n_stories", (long long)g.n_stories);
	tmpl_set_int(o, "n_posts", (long long)g.n_posts);
	tmpl_set_bool(o, "is_column", strncmp(list, "column:", 7) == 0);
	page_init(&pg, a, 8 << 20);
	if ((rc = tmpl_render(&pg, env->tmpl, "mail_digest", o)) == 0)
		out->html = arena_strndup(a, pg.b.ptr, pg.b.len);
	page_release(&pg);
out:
	buf_release(&text);
	return rc;
}

int
mail_digest_send(struct mail_env *env, struct store *st, const char *list,
    int64_t since, int64_t now, bool dry_run, FILE *out, size_t *out_n)
{
	struct arena a;
	struct mail_digest d;
	int64_t content_id = 0;
	int rc;

	*out_n = 0;
	arena_init(&a);
	if ((rc = mail_digest_build(env, st, &a, list, since, now, &d)) < 0)
		goto done;
	if (dry_run) {
		struct buf msg = BUF_INIT(32 << 20);
		struct mail_message mm = {
			.from = env->from, .to = "reader@example.org",
			.subject = d.subject,
			.message_id = mail_message_id(&a, env), .date = now,
			.list_id = arena_printf(&a, "%s <digest.%s>",
			    env->cfg->desk.name, env->domain),
			.unsub_url = arena_printf(&a, "%s/unsubscribe?t=%s",
			    env->base_url, MAIL_TOKEN_MARKER),
			.unsub_mailto = arena_printf(&a,
			    "mailto:bounces@%s?subject=unsubscribe",
			    env->bounce_domain),
			.text = d.text, .html = d.html,
		};

		if ((rc = mail_message_build(&msg, &mm)) == 0)
			fwrite(msg.ptr, 1, msg.len, out);
		buf_release(&msg);
		goto done;
	}
	if (d.n_stories + d.n_posts == 0)
		goto done;              /* nothing new: no mail */
	if ((rc = store_mail_content_add(st, "digest", list, d.subject, d.text,
	    d.html, now, &content_id)) < 0)
		goto done;
	rc = store_digest_enqueue(st, content_id, list, env->domain, now,
	    out_n);
done:
	arena_release(&a);
	return rc;
}

int64_t
mail_digest_next(const struct mail_env *env, int64_t now)
{
	int hour = env->cfg->mail.digest_hour;
	struct tm tm;
	int64_t t;

	if (hour < 0)
		return 0;
	tz_local(env->tz, now, &tm, NULL);
	t = tz_mktime(env->tz, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    hour, 0, 0);
	if (t <= now)
		t = tz_mktime(env->tz, tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday + 1, hour, 0, 0);
	return t;
}
