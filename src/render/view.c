/*
 * view: view models for pages, digests and feeds (see view.h). Moved out
 * of the web module so that what an item looks like is decided once.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/tz.h"
#include "model/model.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "core/banned.h"

void
view_item_photo(struct arena *a, const struct item *it, struct view_photo *out)
{
	const struct item_photo *m[2] = { &it->image_media, &it->thumb_media };
	const char *path[2] = { NULL, NULL };

	memset(out, 0, sizeof(out[0]));
	for (int i = 0; i < 2; i++)
		if (m[i]->key && model_photo_ext(m[i]->type))
			path[i] = arena_printf(a, "/media/%s.%s", m[i]->key,
			    model_photo_ext(m[i]->type));
	if (path[0]) {
		out->image = path[0];
		out->image_w = m[0]->width;
		out->image_h = m[0]->height;
	} else if (path[1]) {
		out->image = path[1];
		out->image_w = m[1]->width;
		out->image_h = m[1]->height;
	}
	if (path[1]) {
		out->thumb = path[1];
		out->thumb_w = m[1]->width;
		out->thumb_h = m[1]->height;
	} else if (path[0]) {
		out->thumb = path[0];
		out->thumb_w = m[0]->width;
		out->thumb_h = m[0]->height;
	}
}

/* "EDT" -> "ET": US zones are written without standard/daylight. */
static void
zone_short(char *out, size_t cap, const char *zone)
{
	if (zone && strlen(zone) == 3 && zone[2] == 'T' &&
	    (zone[1] == 'S' || zone[1] == 'D') && str_isalpha(zone[0]))
		snprintf(out, cap, "%cT", zone[0]);
	else
		snprintf(out, cap, "%s", zone ? zone : "");
}

const char *
view_desk_time(struct arena *a, const struct tz *tz, int64_t t)
{
	struct tm tm;
	const char *abbr;
	char day[64], zone[16];

	if (!t)
		return NULL;
	tz_local(tz, t, &tm, &abbr);
	strftime(day, sizeof(day), "%m/%d/%Y %I:%M %p", &tm);
	zone_short(zone, sizeof(zone), abbr);
	return arena_printf(a, "%s %s", day, zone);
}

void
view_iso_utc(char out[static 32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		tm = (struct tm){ .tm_year = 70, .tm_mday = 1 };
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *
view_iso_time(struct arena *a, int64_t t)
{
	char out[32];

	if (!t)
		return NULL;
	view_iso_utc(out, t);
	return arena_strdup(a, out);
}

const char *
view_age(struct arena *a, const struct tz *tz, int64_t t, time_t now)
{
	long long d = (long long)now - (long long)t;
	struct tm tm;
	char out[32];

	if (!t)
		return NULL;
	if (d < 60)
		return "just now";
	if (d < 3600)
		return arena_printf(a, "%lld min ago", d / 60);
	if (d < 86400)
		return d < 7200 ? "1 hour ago" :
		    arena_printf(a, "%lld hours ago", d / 3600);
	if (d < 7 * 86400)
		return d < 2 * 86400 ? "yesterday" :
		    arena_printf(a, "%lld days ago", d / 86400);
	tz_local(tz, t, &tm, NULL);
	strftime(out, sizeof(out), "%b %d, %Y", &tm);
	return arena_strdup(a, out);
}

const char *
view_when(struct arena *a, const struct tz *tz, int64_t t, time_t now)
{
	struct tm tm, today;
	const char *abbr;
	char clock[32], zone[16], day[32];
	long long d = (long long)now - (long long)t;

	if (!t)
		return NULL;
	tz_local(tz, t, &tm, &abbr);
	tz_local(tz, now, &today, NULL);
	strftime(clock, sizeof(clock), "%I:%M %p", &tm);
	zone_short(zone, sizeof(zone), abbr);
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday) {
		if (d >= 0 && d < 60)
			return arena_printf(a, "%s %s, just now", clock, zone);
		if (d >= 0 && d < 3600)
			return arena_printf(a, "%s %s, %lld min ago", clock,
			    zone, d / 60);
		return arena_printf(a, "%s %s", clock, zone);
	}
	strftime(day, sizeof(day), "%m/%d/%Y", &tm);
	return arena_strdup(a, day);
}

const char *
view_day(struct arena *a, const struct tz *tz, int64_t t, bool is_long)
{
	struct tm tm;
	char out[64];

	tz_local(tz, t, &tm, NULL);
	if (is_long)
		strftime(out, sizeof(out), "%A, %B %d, %Y", &tm);
	else
		strftime(out, sizeof(out), "%Y-%m-%d", &tm);
	return arena_strdup(a, out);
}

bool
view_parse_day(const struct tz *tz, const char *s, int64_t *since,
    int64_t *until)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	struct str cur = str_of(s);
	uint64_t y, m, d;
	int dim;

	if (!s || strlen(s) != 10 || !str_take_uint(&cur, 4, &y) ||
	    !str_skip_char(&cur, '-') || !str_take_uint(&cur, 2, &m) ||
	    !str_skip_char(&cur, '-') || !str_take_uint(&cur, 2, &d) ||
	    cur.len || y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1)
		return false;
	dim = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	if ((int)d > dim)
		return false;   /* Feb 31 */
	*since = tz_mktime(tz, (int)y, (int)m, (int)d, 0, 0, 0);
	*until = tz_mktime(tz, (int)y, (int)m, (int)d + 1, 0, 0, 0);
	return true;
}

int64_t
view_next_midnight(const struct tz *tz, time_t now)
{
	struct tm tm;

	tz_local(tz, now, &tm, NULL);
	return tz_mktime(tz, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday + 1,
	    0, 0, 0);
}

bool
view_is_rtl(const char *lang, const char *text)
{
	static const char *rtl[] = { "ar", "fa", "he", "iw", "ur", "ps",
		"yi", "ckb", "dv", "sd", "ug" };
	const unsigned char *s;

	if (lang && *lang) {
		for (size_t i = 0; i < sizeof(rtl) / sizeof(rtl[0]); i++) {
			size_t n = strlen(rtl[i]);

			if (str_ncasecmp(lang, rtl[i], n) == 0 &&
			    (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
				return true;
		}
		return false;
	}
	for (s = (const unsigned char *)(text ? text : ""); *s; s++) {
		if (str_isalpha(*s))
			return false;
		/* U+0590..U+08FF: Hebrew, Arabic, Syriac, Thaana, ... */
		if (*s >= 0xD6 && *s <= 0xDF)
			return true;
		if (*s == 0xE0 && (s[1] == 0xA0 || s[1] == 0xA1 || s[1] == 0xA2 ||
		    s[1] == 0xA3))
			return true;
	}
	return false;
}

const char *
view_lang(const char *lang)
{
	size_t n;

	if (!lang)
		return NULL;
	/* a BCP 47 tag: letters, digits and '-' only (it goes in lang="") */
	for (n = 0; lang[n]; n++)
		if (!str_isalnum((unsigned char)lang[n]) && lang[n] != '-' &&
		    lang[n] != '_')
			return NULL;
	return n && n < 36 ? lang : NULL;
}

const char *
view_headline(struct arena *a, const struct item *it)
{
	/* ingest makes every headline it can (policy.c); an item with no
	 * title, text or link is named by its outlet */
	if (it->title && *it->title)
		return it->title;
	return arena_printf(a, "A report from %s", it->source_title &&
	    *it->source_title ? it->source_title : "an outlet");
}

/* The words a page says around an item, in the item's language when the
 * desk knows them (Arabic), else English; the arrow points the way the
 * item's text runs. */
static void
set_labels(struct tmpl_obj *o, const char *lang, bool rtl)
{
	bool ar = lang ? str_ncasecmp(lang, "ar", 2) == 0 && (lang[2] == '\0' ||
	    lang[2] == '-' || lang[2] == '_') : rtl;

	tmpl_set_text(o, "l_by", ar ? "بقلم" : "By");
	tmpl_set_text(o, "l_more_from", ar ? "المزيد من" : "More from");
	tmpl_set_text(o, "l_read_at", ar ? "اقرأ الخبر كاملاً في" :
	    "Read the full story at");
	/* around the article's text (view_text.c): all of it, or an
	 * excerpt */
	tmpl_set_text(o, "l_article_full", ar ? "المقال كما نشره" :
	    "The article, as published by");
	tmpl_set_text(o, "l_article_excerpt", ar ? "من المقال كما نشره" :
	    "From the article, as published by");
	tmpl_set_text(o, "l_read_it_at", ar ? "اقرأه في" : "Read it at");
	tmpl_set_text(o, "l_continue_at", ar ? "تابع القراءة في" :
	    "Continue reading at");
	tmpl_set_text(o, "l_arrow", rtl ? "←" : "→");
	tmpl_set_text(o, "l_comma", ar ? "،" : ",");
	if (ar)
		tmpl_set_text(o, "l_lang", "ar");
}

static void
set_url(struct tmpl_obj *o, struct arena *a, const char *key, const char *url)
{
	struct html h = html_url(a, url);

	if (h.len)
		tmpl_set_html(o, key, h);
}

void
view_item(struct tmpl_obj *o, struct arena *a, const struct view_site *vs,
    const struct item *it, bool full, time_t now)
{
	/* Only a date the outlet gave is shown: an undated item sorts by
	 * when the desk first saw it, but was not published then. */
	int64_t t = it->published;
	const char *lang = view_lang(it->language);
	bool rtl = view_is_rtl(it->language, it->title);
	struct view_photo ph;

	tmpl_set_int(o, "id", it->id);
	tmpl_set_text(o, "path", arena_printf(a, "/item/%lld",
	    (long long)it->id));
	/* ingest makes every headline it can (policy.c); an item with no
	 * title, text or link is named by its outlet */
	tmpl_set_text(o, "title", view_headline(a, it));
	tmpl_set_bool(o, "is_title_derived", it->is_title_derived);
	/* the outlet's headline when an editor retitled it (issue 10) */
	if (it->original_title && *it->original_title)
		tmpl_set_text(o, "original_title", it->original_title);
	tmpl_set_text(o, "outlet", it->source_title && *it->source_title ?
	    it->source_title : "Unknown outlet");
	tmpl_set_text(o, "outlet_path", arena_printf(a, "/source/%lld",
	    (long long)it->source_id));
	set_url(o, a, "link", it->url);
	tmpl_set_text(o, "time", view_desk_time(a, vs->tz, t));
	tmpl_set_text(o, "time_iso", view_iso_time(a, t));
	tmpl_set_text(o, "age", view_age(a, vs->tz, t, now));
	tmpl_set_text(o, "when", view_when(a, vs->tz, t, now));
	/* the item page adds the age to the full time while it helps */
	if (t && now - t < 86400 && now >= t)
		tmpl_set_text(o, "age_recent", view_age(a, vs->tz, t, now));
	if (lang)
		tmpl_set_text(o, "lang", lang);
	tmpl_set_text(o, "dir", rtl ? "rtl" : "ltr");
	tmpl_set_bool(o, "is_rtl", rtl);
	if (full)
		set_labels(o, it->language, rtl);
	if (it->author && *it->author)
		tmpl_set_text(o, "author", it->author);
	/* Photos only from the local cache: never another site's URL in an
	 * <img> (web/site_media.c). */
	view_item_photo(a, it, &ph);
	if (ph.thumb) {
		tmpl_set_text(o, "thumb", ph.thumb);
		if (ph.thumb_w > 0 && ph.thumb_h > 0) {
			tmpl_set_int(o, "thumb_w", ph.thumb_w);
			tmpl_set_int(o, "thumb_h", ph.thumb_h);
		}
	}
	if (it->summary && *it->summary)
		tmpl_set_text(o, "summary_text", render_plain(a, it->summary,
		    full ? 400 : 260));
	if (!full)
		return;
	if (ph.image) {
		tmpl_set_text(o, "image", ph.image);
		if (ph.image_w > 0 && ph.image_h > 0) {
			tmpl_set_int(o, "image_w", ph.image_w);
			tmpl_set_int(o, "image_h", ph.image_h);
		}
	}
	if (it->image_caption && *it->image_caption)
		tmpl_set_text(o, "caption", it->image_caption);
	if (it->image_credit && *it->image_credit)
		tmpl_set_text(o, "credit", it->image_credit);
	/* The store keeps sanitized HTML; sanitize again anyway (cheap, as
	 * the page is rendered once per change), so a store written by an
	 * older or foreign version cannot put script on the page. */
	if (it->content && *it->content)
		tmpl_set_html(o, "body", html_sanitize_no_images(a, it->content,
		    strlen(it->content)));
	else if (it->summary && *it->summary)
		tmpl_set_html(o, "body", html_sanitize_no_images(a, it->summary,
		    strlen(it->summary)));
	if (it->tags && *it->tags) {
		struct tmpl_list *l = tmpl_set_list(o, "tags");
		struct str cur = str_of(it->tags), tok;

		tmpl_set_bool(o, "has_tags", true);
		while (cur.len) {
			if (!str_take_until(&cur, ',', &tok)) {
				tok = cur;
				cur.len = 0;
			}
			tok = str_trim(tok);
			if (tok.len)
				tmpl_set_text(tmpl_list_add(l), "tag",
				    arena_strndup(a, tok.p, tok.len));
		}
	}
}

struct tmpl_obj *
view_page(struct arena *a, const struct view_site *vs, const char *title,
    const char *path, const struct section *sections, size_t n_sections,
    const char *current_slug, time_t now)
{
	struct tmpl_obj *o = tmpl_obj_new(a);
	struct tmpl_obj *site = tmpl_set_obj(o, "site");
	struct tmpl_list *secs = tmpl_set_list(o, "sections");
	struct tm tm;
	char date[64];

	tmpl_set_text(site, "name", vs->name);
	tmpl_set_text(site, "tagline", vs->tagline);
	if (vs->contact && *vs->contact)
		tmpl_set_text(site, "contact", vs->contact);
	tmpl_set_text(site, "base_url", vs->base_url);
	tmpl_set_text(site, "lang", view_lang(vs->language) ? vs->language :
	    "en");
	tmpl_set_text(site, "dir", view_is_rtl(vs->language, NULL) ? "rtl" :
	    "ltr");
	tz_local(vs->tz, now, &tm, NULL);
	strftime(date, sizeof(date), "%A, %B %d, %Y", &tm);
	tmpl_set_text(site, "today", arena_strdup(a, date));
	tmpl_set_int(site, "year", tm.tm_year + 1900);
	if (vs->sponsor.len)
		tmpl_set_html(o, "sponsor", vs->sponsor);
	tmpl_set_text(o, "css", arena_printf(a, "/static/site.css?v=%s",
	    vs->css_hash));
	tmpl_set_text(o, "title", title);
	/* the path as requested may hold anything: html_url percent-encodes
	 * controls and spaces */
	set_url(o, a, "canonical", arena_printf(a, "%s%s", vs->base_url,
	    strcmp(path, "/") == 0 ? "/" : path));
	for (size_t i = 0; i < n_sections; i++) {
		struct tmpl_obj *e = tmpl_list_add(secs);

		tmpl_set_text(e, "name", sections[i].name);
		tmpl_set_text(e, "path", arena_printf(a, "/section/%s",
		    render_pct(a, sections[i].slug)));
		tmpl_set_text(e, "slug", sections[i].slug);
		tmpl_set_bool(e, "is_current", current_slug &&
		    strcmp(current_slug, sections[i].slug) == 0);
	}
	return o;
}

/* ---- stories (issue 9) ---- */

/* The report that leads a story: the first with a cached photo and a
 * summary, else the first with a summary, else the first. */
size_t
view_story_lead(struct arena *a, const struct item *items, size_t n)
{
	size_t with_summary = n;

	for (size_t i = 0; i < n; i++) {
		struct view_photo ph;
		bool has_summary = items[i].summary && *items[i].summary;

		if (!has_summary)
			continue;
		if (with_summary == n)
			with_summary = i;
		view_item_photo(a, &items[i], &ph);
		if (ph.thumb)
			return i;
	}
	return with_summary < n ? with_summary : 0;
}

void
view_story(struct tmpl_obj *o, struct arena *a, const struct view_site *vs,
    const struct story *s, const struct item *items, size_t n, time_t now,
    bool *out_shown)
{
	const char *title = s->editor_title && *s->editor_title ?
	    s->editor_title : NULL;
	struct tmpl_list *more;
	struct tmpl_obj *prev = NULL;
	size_t lead, n_more = 0;
	bool *seen;

	tmpl_set_int(o, "story_id", s->id);
	tmpl_set_text(o, "story_path", arena_printf(a, "/story/%lld",
	    (long long)s->id));
	tmpl_set_int(o, "n_outlets", (long long)s->n_outlets);
	tmpl_set_int(o, "n_items", (long long)s->n_items);
	tmpl_set_bool(o, "is_many_outlets", s->n_outlets > 1);
	tmpl_set_bool(o, "is_one_outlet", s->n_outlets == 1);
	tmpl_set_bool(o, "is_one_item", s->n_items == 1);
	tmpl_set_bool(o, "is_pinned", s->is_pinned);
	if (n == 0) {
		tmpl_set_text(o, "headline", title ? title : s->title &&
		    *s->title ? s->title : "A story");
		return;
	}
	lead = view_story_lead(a, items, n);
	if (out_shown)
		out_shown[lead] = true;
	/* The lead's own keys (title, path, thumb, outlet, ...), then the
	 * story's headline when an editor gave one. */
	view_item(o, a, vs, &items[lead], false, now);
	tmpl_set_text(o, "headline", title ? title : view_headline(a,
	    &items[lead]));
	tmpl_set_text(o, "first_outlet", items[0].source_title &&
	    *items[0].source_title ? items[0].source_title : "Unknown outlet");
	more = tmpl_set_list(o, "more_coverage");
	seen = arena_zalloc(a, n);
	/* One link per other outlet, to its first report; sep is the comma
	 * after every one but the last ("Basin Wire, The Korvia Herald":
	 * outlets' names run together with a space alone). */
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *m;
		bool dup = items[i].source_id == items[lead].source_id;

		for (size_t k = 0; k < i && !dup; k++)
			dup = seen[k] && items[k].source_id == items[i].source_id;
		if (dup)
			continue;
		seen[i] = true;
		if (out_shown)
			out_shown[i] = true;
		if (prev)
			tmpl_set_text(prev, "sep", ",");
		prev = m = tmpl_list_add(more);
		tmpl_set_text(m, "outlet", items[i].source_title &&
		    *items[i].source_title ? items[i].source_title :
		    "Unknown outlet");
		tmpl_set_text(m, "path", arena_printf(a, "/item/%lld",
		    (long long)items[i].id));
		tmpl_set_text(m, "title", items[i].title ? items[i].title : "");
		n_more++;
	}
	tmpl_set_bool(o, "has_more_coverage", n_more > 0);
}

void
view_story_timeline(struct tmpl_obj *o, struct arena *a,
    const struct view_site *vs, const struct item *items, size_t n,
    time_t now)
{
	struct tmpl_list *outlets = tmpl_set_list(o, "outlets");
	struct tmpl_list *photos = tmpl_set_list(o, "photos");
	bool *done = arena_zalloc(a, n + 1);
	bool many = false;           /* "first" says something */

	for (size_t i = 1; i < n && !many; i++)
		many = items[i].source_id != items[0].source_id;

	/* Outlets in the order they first reported; each with its reports,
	 * oldest first (items come oldest first). */
	for (size_t i = 0; i < n; i++) {
		struct tmpl_obj *g;
		struct tmpl_list *l;

		if (done[i])
			continue;
		g = tmpl_list_add(outlets);
		tmpl_set_text(g, "outlet", items[i].source_title &&
		    *items[i].source_title ? items[i].source_title :
		    "Unknown outlet");
		tmpl_set_text(g, "outlet_path", arena_printf(a, "/source/%lld",
		    (long long)items[i].source_id));
		tmpl_set_bool(g, "is_first", i == 0 && many);
		l = tmpl_set_list(g, "reports");
		for (size_t k = i; k < n; k++) {
			if (done[k] || items[k].source_id != items[i].source_id)
				continue;
			done[k] = true;
			view_item(tmpl_list_add(l), a, vs, &items[k], false, now);
		}
	}
	/* Photos: each picture once (a wire photo that joined two outlets'
	 * reports was shown twice), at most VIEW_STORY_PHOTOS. */
	{
		const char *shown[VIEW_STORY_PHOTOS];
		size_t n_shown = 0;

		for (size_t i = 0; i < n && n_shown < VIEW_STORY_PHOTOS; i++) {
			struct view_photo ph;
			bool dup = false;

			view_item_photo(a, &items[i], &ph);
			if (!ph.thumb)
				continue;
			for (size_t k = 0; k < n_shown && !dup; k++)
				dup = strcmp(shown[k], ph.thumb) == 0;
			if (dup)
				continue;
			shown[n_shown++] = ph.thumb;
			view_item(tmpl_list_add(photos), a, vs, &items[i], true,
			    now);
		}
	}
	tmpl_set_bool(o, "has_photos", tmpl_list_len(photos) > 0);
}
