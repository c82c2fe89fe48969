/*
 * view: view models, the values templates show, made from the model's
 * structs (model/model.h) and nothing else: the web pages use them today,
 * email digests and feeds can use the same ones. No store, no HTTP.
 *
 * Times are shown in the desk's zone, a struct tz passed in (core/tz.h):
 * nothing here reads or sets the process's TZ.
 */
#ifndef ND_RENDER_VIEW_H
#define ND_RENDER_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "render/html.h"

struct arena;
struct item;
struct section;
struct tmpl_obj;
struct tz;

/* What every page shows about the desk. Borrowed strings. */
struct view_site {
	const char *name, *tagline, *contact;
	const char *base_url;        /* absolute, no trailing slash */
	const char *language;        /* BCP 47, may be NULL */
	struct html sponsor;         /* sanitized; empty for none */
	const char *css_hash;        /* the theme CSS's hash (cache busting) */
	const struct tz *tz;         /* the desk's zone */
};

/* An item's photos as the site's own URLs (/media/KEY.EXT), only when the
 * fetcher has cached them: thumb for lists (the thumbnail, else the lead
 * image), image for the item page (the lead image, else the thumbnail).
 * NULL when not cached: pages then show no <img> at all. Made from the
 * item's image_media/thumb_media, which the store reads with the item. */
/* Photos on a story page, at most (each picture once). */
#define VIEW_STORY_PHOTOS 12

struct view_photo {
	const char *thumb, *image;   /* in the arena */
	int thumb_w, thumb_h, image_w, image_h;
};
void view_item_photo(struct arena *a, const struct item *it,
    struct view_photo *out);

/* "05/28/2007 03:15 PM ET" in tz (US zones without standard/daylight);
 * NULL for t 0. In a. */
const char *view_desk_time(struct arena *a, const struct tz *tz, int64_t t);
/* "2007-05-28T19:15:00Z"; NULL for t 0. */
const char *view_iso_time(struct arena *a, int64_t t);
void view_iso_utc(char out[static 32], int64_t t);
/* "just now", "5 min ago", ... "yesterday", then the date in tz. */
const char *view_age(struct arena *a, const struct tz *tz, int64_t t,
    time_t now);
/* A time as lists show it, once, in the desk's format: "03:15 PM ET" for
 * today (with the age in the first hour: "03:15 PM ET, 5 min ago"), else
 * the date "05/28/2007". NULL for t 0. In a. */
const char *view_when(struct arena *a, const struct tz *tz, int64_t t,
    time_t now);
/* The day of t in tz: "2007-05-28", or "Monday, May 28, 2007". */
const char *view_day(struct arena *a, const struct tz *tz, int64_t t,
    bool is_long);
/* YYYY-MM-DD as the tz day [since, until); false when not a date. */
bool view_parse_day(const struct tz *tz, const char *s, int64_t *since,
    int64_t *until);
/* The next local midnight after now in tz: when "today" changes. */
int64_t view_next_midnight(const struct tz *tz, time_t now);

/* Right-to-left by language tag, else by the first strong letter. */
bool view_is_rtl(const char *lang, const char *text);
/* lang when it is a plausible BCP 47 tag (it goes in lang=""), else NULL. */
const char *view_lang(const char *lang);

/* The headline of an item as every output shows it (plain text, made by
 * ingest); never empty. Borrowed from it or in a. */
const char *view_headline(struct arena *a, const struct item *it);

/*
 * Fills o with an item's keys: id path title is_title_derived outlet
 * outlet_path link time time_iso age when age_recent lang dir is_rtl
 * author thumb thumb_w thumb_h summary_text (times only for a published
 * date: none for an undated item),
 * and with full (the item page) also image image_w image_h caption credit
 * body tags[] has_tags. All in a.
 */
void view_item(struct tmpl_obj *o, struct arena *a, const struct view_site *vs,
    const struct item *it, bool full, time_t now);

/* view_text.c (issue 12): the stored article text of an item (plain
 * text, a paragraph per line) into o as article_paras[] {p}, each one
 * escaped by the template, and has_article, article_full or
 * article_excerpt, article_cut (the excerpt left text out). full: the
 * whole text; else an excerpt of at most VIEW_EXCERPT_PARAS paragraphs
 * and VIEW_EXCERPT_CHARS characters, cut at a word. False (o untouched)
 * when text has no words. */
#define VIEW_EXCERPT_PARAS 2
#define VIEW_EXCERPT_CHARS 600
bool view_item_text(struct tmpl_obj *o, struct arena *a, const char *text,
    bool full);

struct story;

/* The report that leads a story (items oldest first): the first with a
 * cached photo and a summary, else the first with a summary, else the
 * first. 0 when n is 0. */
size_t view_story_lead(struct arena *a, const struct item *items, size_t n);

/*
 * A story for the home page's Top stories: the lead report's keys (as
 * view_item; view_story_lead), headline (the editor's title, else the
 * lead's), story_id
 * story_path n_outlets n_items is_many_outlets is_pinned first_outlet
 * (who reported first), more_coverage[] {outlet path title} (one per
 * other outlet, its first report) and has_more_coverage. items are the
 * story's reports, oldest first. All in a. out_shown (n entries, may be
 * NULL) gets true for each report the block links to.
 */
void view_story(struct tmpl_obj *o, struct arena *a, const struct view_site *vs,
    const struct story *s, const struct item *items, size_t n, time_t now,
    bool *out_shown);

/*
 * A story's page: outlets[] {outlet outlet_path is_first reports[] (as
 * view_item)} in the order they first reported, photos[] (view_item with
 * full, for the reports with a cached photo) and has_photos. In a.
 */
void view_story_timeline(struct tmpl_obj *o, struct arena *a,
    const struct view_site *vs, const struct item *items, size_t n,
    time_t now);

/* ---- the desk's posts (issue 10, view_post.c) ---- */
struct post;

/* "/post/12/talks-resume" in a. */
const char *view_post_path(struct arena *a, const struct post *p);

/*
 * Fills o with a post's keys: id path headline deck kind_label
 * is_roundup is_column column{name path} section{name path}
 * bylines[] {name path is_last} has_bylines byline_text dateline time
 * time_iso date_short updated updated_iso is_updated photo{webp jpeg src
 * w h caption credit alt} (when it has one) summary_text; with full also
 * body (HTML), picks[] {title link outlet summary story_path}
 * has_picks, corrections[] {date time_iso note} has_corrections,
 * related_story_path. All in a.
 */
void view_post(struct tmpl_obj *o, struct arena *a, const struct view_site *vs,
    const struct post *p, bool full, time_t now);

/* "Dec 7, 2026" in tz. In a. */
const char *view_date_short(struct arena *a, const struct tz *tz, int64_t t);

/*
 * The context every page shares: site.{name tagline contact base_url lang
 * dir today year}, sponsor, css, title, canonical (base URL + path),
 * sections[] {name path slug is_current}. In a.
 */
struct tmpl_obj *view_page(struct arena *a, const struct view_site *vs,
    const char *title, const char *path, const struct section *sections,
    size_t n_sections, const char *current_slug, time_t now);

#endif
