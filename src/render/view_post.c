/*
 * view_post: the view model of a desk post (issue 10), for its page, the
 * lists that lead with posts (home, sections, columns, bylines) and the
 * feeds. The body is HTML the sanitizer made when the post was saved;
 * it goes through html_sanitize again here, as every stored HTML does.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/tz.h"
#include "model/model.h"
#include "render/html.h"
#include "render/photo.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "core/banned.h"

const char *
view_post_path(struct arena *a, const struct post *p)
{
	return arena_printf(a, "/post/%lld/%s", (long long)p->id,
	    p->slug && *p->slug ? render_pct(a, p->slug) : "post");
}

const char *
view_date_short(struct arena *a, const struct tz *tz, int64_t t)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	tz_local(tz, t, &tm, NULL);
	return arena_printf(a, "%s %d, %d", mon[tm.tm_mon % 12], tm.tm_mday,
	    tm.tm_year + 1900);
}

static void
add_photo(struct tmpl_obj *o, struct arena *a, const struct post *p)
{
	struct tmpl_obj *ph;
	const char *webp, *jpeg, *src;
	int w, h;

	if (!p->photo_id || !p->photo.token || !p->photo.widths[0])
		return;
	render_photo_srcsets(a, &p->photo, &webp, &jpeg, &src, &w, &h);
	if (!src)
		return;
	ph = tmpl_set_obj(o, "photo");
	tmpl_set_text(ph, "webp", webp);
	tmpl_set_text(ph, "jpeg", jpeg);
	tmpl_set_text(ph, "src", src);
	tmpl_set_int(ph, "w", w);
	tmpl_set_int(ph, "h", h);
	tmpl_set_text(ph, "caption", p->photo_caption);
	tmpl_set_text(ph, "credit", p->photo_credit);
	tmpl_set_text(ph, "alt", p->photo_caption && *p->photo_caption ?
	    p->photo_caption : p->headline);
}

void
view_post(struct tmpl_obj *o, struct arena *a, const struct view_site *vs,
    const struct post *p, bool full, time_t now)
{
	int64_t t = p->published_at ? p->published_at : p->publish_at ?
	    p->publish_at : p->created;
	struct tmpl_list *bl;
	char *names = NULL;

	(void)now;
	tmpl_set_int(o, "id", p->id);
	tmpl_set_text(o, "path", view_post_path(a, p));
	tmpl_set_text(o, "headline", p->headline);
	tmpl_set_text(o, "deck", p->deck);
	tmpl_set_bool(o, "is_roundup", p->kind == POST_ROUNDUP);
	tmpl_set_bool(o, "is_column", p->kind == POST_COLUMN);
	tmpl_set_text(o, "kind_label", p->kind == POST_ROUNDUP ? "Roundup" :
	    p->column_name ? p->column_name : p->kind == POST_COLUMN ?
	    "Column" : "From the desk");
	if (p->column_slug) {
		struct tmpl_obj *c = tmpl_set_obj(o, "column");

		tmpl_set_text(c, "name", p->column_name);
		tmpl_set_text(c, "path", arena_printf(a, "/column/%s",
		    render_pct(a, p->column_slug)));
	}
	if (p->section_slug) {
		struct tmpl_obj *c = tmpl_set_obj(o, "section");

		tmpl_set_text(c, "name", p->section_name);
		tmpl_set_text(c, "path", arena_printf(a, "/section/%s",
		    render_pct(a, p->section_slug)));
	}
	bl = tmpl_set_list(o, "bylines");
	for (size_t i = 0; i < p->n_bylines; i++) {
		struct tmpl_obj *b = tmpl_list_add(bl);

		tmpl_set_text(b, "name", p->bylines[i].name);
		tmpl_set_text(b, "path", arena_printf(a, "/byline/%s",
		    render_pct(a, p->bylines[i].slug)));
		/* "A, B and C" */
		tmpl_set_text(b, "sep", i + 1 == p->n_bylines ? "" :
		    i + 2 == p->n_bylines ? " and " : ", ");
		names = names ? arena_printf(a, "%s%s%s", names,
		    i + 1 == p->n_bylines ? " and " : ", ",
		    p->bylines[i].name) : arena_strdup(a, p->bylines[i].name);
	}
	tmpl_set_bool(o, "has_bylines", p->n_bylines > 0);
	tmpl_set_text(o, "byline_text", names);
	tmpl_set_text(o, "dateline", p->dateline);
	if (t) {
		tmpl_set_text(o, "time", view_desk_time(a, vs->tz, t));
		tmpl_set_text(o, "time_iso", view_iso_time(a, t));
		tmpl_set_text(o, "date_short", view_date_short(a, vs->tz, t));
	}
	if (p->updated_at && p->updated_at > p->published_at) {
		tmpl_set_bool(o, "is_updated", true);
		tmpl_set_text(o, "updated", view_desk_time(a, vs->tz,
		    p->updated_at));
		tmpl_set_text(o, "updated_iso", view_iso_time(a, p->updated_at));
	}
	add_photo(o, a, p);
	if (p->deck && *p->deck)
		tmpl_set_text(o, "summary_text", p->deck);
	else if (p->body_html && *p->body_html)
		tmpl_set_text(o, "summary_text", render_plain(a, p->body_html,
		    240));
	if (!full)
		return;
	tmpl_set_html(o, "body", html_sanitize(a, p->body_html ?
	    p->body_html : "", p->body_html ? strlen(p->body_html) : 0));
	{
		struct tmpl_list *l = tmpl_set_list(o, "picks");

		for (size_t i = 0; i < p->n_picks; i++) {
			const struct post_pick *k = &p->picks[i];
			struct tmpl_obj *x = tmpl_list_add(l);

			tmpl_set_text(x, "title", k->title && *k->title ?
			    k->title : k->story_id ? "A story" : "A report");
			if (k->item_id) {
				tmpl_set_text(x, "item_path", arena_printf(a,
				    "/item/%lld", (long long)k->item_id));
				if (k->url && html_url_is_safe(k->url) &&
				    strncmp(k->url, "http", 4) == 0)
					tmpl_set_text(x, "link", k->url);
			} else {
				tmpl_set_text(x, "story_path", arena_printf(a,
				    "/story/%lld", (long long)k->story_id));
			}
			tmpl_set_text(x, "outlet", k->source);
			tmpl_set_text(x, "summary", k->summary);
		}
		tmpl_set_bool(o, "has_picks", p->n_picks > 0);
	}
	{
		struct tmpl_list *l = tmpl_set_list(o, "corrections");

		for (size_t i = 0; i < p->n_corrections; i++) {
			struct tmpl_obj *x = tmpl_list_add(l);

			tmpl_set_text(x, "date", view_date_short(a, vs->tz,
			    p->corrections[i].time));
			tmpl_set_text(x, "time_iso", view_iso_time(a,
			    p->corrections[i].time));
			tmpl_set_text(x, "note", p->corrections[i].note);
		}
		tmpl_set_bool(o, "has_corrections", p->n_corrections > 0);
	}
	if (p->story_id)
		tmpl_set_text(o, "related_story_path", arena_printf(a,
		    "/story/%lld", (long long)p->story_id));
}
