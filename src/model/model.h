/*
 * model: the desk's nouns, shared by ingest, store, render, web and mail.
 *
 * Plain structs of borrowed strings: whoever fills one says how long its
 * strings live (store reads: the caller's arena; ingest: the document's
 * arena). Nothing here knows SQL, HTTP or a feed format: parse has its own
 * structs (struct feed, feed_entry, ...) and ingest maps them to these.
 * Times are seconds since the epoch, UTC; 0 means unknown.
 */
#ifndef ND_MODEL_MODEL_H
#define ND_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- section: a part of the site ("Developments"); a column is a
 * section with a voice ---- */
struct section {
	int64_t id;
	const char *name;
	const char *slug;
	int position;
};

/* ---- source: a followed feed and its fetch state ---- */
/* When ingest fetches an item's article page for its full text. */
enum source_full_text {
	SOURCE_FULL_TEXT_AUTO = 0,   /* when the feed's text is short */
	SOURCE_FULL_TEXT_ALWAYS = 1,
	SOURCE_FULL_TEXT_NEVER = 2,
};

/* What a source's terms allow the item page to show of the stored
 * article text (sources.show_text, issue 12). */
enum source_show_text {
	SOURCE_SHOW_DEFAULT = 0,     /* the site's [web] item_text */
	SOURCE_SHOW_EXCERPT = 1,     /* the first paragraphs, then a link */
	SOURCE_SHOW_FULL = 2,        /* the whole text, and the link */
};

/* Where an item's full-text attempt stands (items.full_text_state). */
enum item_full_text_state {
	ITEM_FULL_TEXT_NONE = 0,         /* not tried */
	ITEM_FULL_TEXT_OK = 1,           /* extracted */
	ITEM_FULL_TEXT_NOT_ARTICLE = 2,  /* the page is no article: not again */
	ITEM_FULL_TEXT_FAILED = 3,       /* tried again later */
};
#define ITEM_FULL_TEXT_MAX_TRIES 3

struct source {
	int64_t id;
	const char *url;
	const char *title;
	const char *site_url;
	const char *language;
	const char *description;     /* the feed's own, plain text, or NULL */
	int64_t section_id;          /* 0 = none */
	const char *section_slug;    /* filled by reads */
	bool is_enabled;
	/* fetch state */
	const char *etag;
	const char *last_modified;
	int last_status;             /* HTTP status of the last attempt, 0 = none */
	const char *last_error;      /* NULL when the last attempt succeeded */
	int error_count;             /* consecutive failures */
	int64_t last_fetch, last_success, next_fetch;
	int interval_s;              /* current polling interval */
	double avg_ms;               /* average response time */
	const char *redirect_url;    /* pending permanent-redirect target */
	int redirect_seen;           /* how many times in a row it was seen */
	int full_text;               /* enum source_full_text */
	int show_text;               /* enum source_show_text */
	/* derived on reads */
	int64_t n_items;
	double items_per_day;
};

/* ---- photo: the local photo cache ----
 * Item photos are fetched once and kept in the store, so the public pages
 * never make a reader's browser ask an outlet's server for anything. A
 * photo is keyed by a hash of its URL (PHOTO_KEY_LEN hex characters), which
 * is also its public name (/media/KEY.EXT). A row is either a cached image
 * (PHOTO_OK: the sniffed type, the bytes, the size in pixels) or a failure
 * (PHOTO_FAILED: the error, retried after next_try while attempts <
 * PHOTO_MAX_ATTEMPTS). The bytes of a key never change. */
#define PHOTO_KEY_LEN 32
#define PHOTO_MAX_ATTEMPTS 3

enum photo_status {
	PHOTO_OK = 1,
	PHOTO_FAILED = 2,
};

struct photo {
	const char *key;             /* filled by reads (writes derive it) */
	const char *url;
	int status;                  /* enum photo_status */
	const char *type;            /* "image/jpeg", "image/png", ... */
	const void *data;            /* OK: the bytes (reads: only if asked) */
	size_t len;
	int width, height;           /* pixels, 0 = unknown */
	const char *error;           /* FAILED: one line of words */
	int attempts;                /* failed fetches so far */
	int64_t fetched;             /* time of the last attempt */
	int64_t next_try;            /* FAILED: not before this time */
};

/* The key of url: PHOTO_KEY_LEN lower-case hex characters (BLAKE2b, 16
 * bytes), NUL terminated. Pure; thread-safe. */
void model_photo_key(char out[PHOTO_KEY_LEN + 1], const char *url);

/* The file extension of an image type we keep ("jpg" for "image/jpeg",
 * "png", "gif", "webp"); NULL for any other type. */
const char *model_photo_ext(const char *type);

/* ---- item: one report from one outlet ---- */
#define ITEM_HASH_LEN 16
/* Caps on an item's fields (bytes, cut on a UTF-8 boundary by ingest);
 * the store may rely on them. */
#define ITEM_MAX_GUID      2048
#define ITEM_MAX_URL       4096
#define ITEM_MAX_TITLE     2048
#define ITEM_MAX_SUMMARY   (64 << 10)
#define ITEM_MAX_CONTENT   (1 << 20)
#define ITEM_MAX_SHORT     1024     /* author, caption, credit */
#define ITEM_MAX_LANGUAGE  64
#define ITEM_MAX_TAGS      2048

struct item {
	int64_t id, source_id;
	const char *source_title;    /* filled by reads */
	int64_t section_id;          /* of the source; filled by reads */
	const char *guid;
	const char *url;
	const char *canonical_url;
	const char *title;           /* plain text (ingest/policy.c) */
	bool is_title_derived;       /* title made from the text: the entry
	                              * had none */
	const char *summary;         /* sanitized HTML */
	const char *content;         /* sanitized HTML */
	const char *author;
	const char *language;
	const char *tags;            /* categories, joined with ", " */
	int64_t published, updated, first_seen;
	const char *image_url;       /* lead photo */
	const char *image_caption;
	const char *image_credit;
	const char *image_thumb;
	/* The cached photos (status PHOTO_OK) of image_url and image_thumb,
	 * filled by every item read: key NULL when that photo is not in the
	 * cache (yet). */
	struct item_photo {
		const char *key;
		const char *type;        /* sniffed: "image/jpeg", ... */
		int width, height;       /* pixels, 0 = unknown */
	} image_media, thumb_media;
	/* An editor's decisions (issue 10), filled by reads; ingest's
	 * writes never change them. title is then the desk's headline and
	 * original_title the outlet's (NULL when not retitled). */
	bool is_hidden;              /* off every public page */
	int64_t pinned_at;           /* 0 = not pinned to the front page */
	const char *original_title;
	int64_t editor_section_id;   /* 0 = the source's section */
	/* issue 9: editor_section_id was filed by ingest (rules, the
	 * classifier), not an editor; review: 1 held off the beat for an
	 * editor, 2 kept, 3 hidden by an editor, 4 on the beat, 0 unscored */
	bool is_section_auto;
	int review;
	int64_t dup_of;              /* a near-duplicate of this item (the
	                              * first copy); 0 = none */
	int64_t sort_time;           /* the time lists sort by; writes: 0 =
	                              * when first seen (ingest/policy.c) */
	/* Set by ingest's dedup policy for writes (ingest/policy.c); reads
	 * leave them empty. */
	const char *dedup_key;       /* one item per (source, dedup_key) */
	unsigned char content_hash[ITEM_HASH_LEN]; /* title, summary, content */
	unsigned char fields_hash[ITEM_HASH_LEN];  /* every stored field: equal
	                                            * means unchanged */
};

/* Counts of what a write of items did. */
struct item_put_stats {
	size_t n_new, n_updated, n_unchanged;
};

/* ---- story: every outlet's report of one event (issue 9). Items join
 * stories at ingest (analyze/); editors pin, retitle, merge and split,
 * and the algorithm never undoes that. ---- */
enum story_status {
	STORY_OPEN = 1,              /* still getting reports */
	STORY_CLOSED = 2,            /* quiet for longer than the window */
};

struct story {
	int64_t id;
	const char *title;           /* the first report's headline */
	const char *editor_title;    /* NULL unless an editor retitled it */
	int64_t first_seen, last_seen;
	int status;                  /* enum story_status */
	bool is_pinned;
	int64_t merged_into;         /* 0, or the story that absorbed it */
	/* derived on reads */
	size_t n_items;
	size_t n_outlets;            /* distinct sources */
	size_t n_recent;             /* items in the last 6 hours of the story */
	double score;                /* rank (store.c), higher first */
};

/* ---- post: the desk's own work (issue 10): an article, a roundup of
 * picked items or stories with the desk's summaries, or a column entry.
 * The body is Markdown (the editor's source) and body_html the sanitized
 * HTML made from it (render_markdown), both stored. Every save keeps the
 * version it replaces (post_revisions); corrections are only appended. */
enum post_kind {
	POST_ARTICLE = 1,
	POST_ROUNDUP = 2,
	POST_COLUMN = 3,             /* an entry in a column (column_id) */
};

enum post_status {
	POST_DRAFT = 1,
	POST_SCHEDULED = 2,          /* goes live at publish_at */
	POST_PUBLISHED = 3,
	POST_SUBMITTED = 4,          /* a writer's draft, waiting for an editor */
};

/* Caps on a post's fields (bytes); the store refuses longer ones. */
#define POST_MAX_HEADLINE  512
#define POST_MAX_DECK      2048
#define POST_MAX_BODY      (256 << 10)
#define POST_MAX_SHORT     512       /* dateline, byline, caption, credit,
                                        slug, tags */
#define POST_MAX_BYLINES   8
#define POST_MAX_PICKS     100       /* roundup entries, related items */
#define POST_MAX_NOTE      4096      /* a correction */

/* One name on a post's byline: a desk user (user_id) or a free-text name
 * (user_id 0). slug is the byline page's (/byline/SLUG), made from the
 * name. */
struct post_byline {
	int64_t user_id;
	const char *name;
	const char *slug;
};

/* A roundup entry or a related item: an item or a story, and for roundups
 * the desk's summary (or translation) of it. Reads fill title, url
 * (the outlet's page) and source from the item (a story: its lead). */
struct post_pick {
	int64_t item_id, story_id;   /* one of them */
	const char *summary;         /* plain text; NULL for related items */
	const char *title, *url, *source;
};

struct post_correction {
	int64_t id;
	int64_t time;
	const char *note;            /* plain text */
	int64_t user_id;
};

/* A column: a named series ("Diplomatic Buzz") with its page and feed. */
struct column {
	int64_t id;
	const char *slug, *name, *description;
};

/* A desk photo (ingest's desk_photo.c made it): public variants in the
 * media table under the keys of model_desk_photo_url(token, width, ext);
 * the uploaded original is kept private (never served). */
#define DESK_PHOTO_MAX_WIDTHS 4
struct desk_photo {
	int64_t id;
	const char *token;           /* random hex: the variants' URL names */
	int width, height;           /* the largest variant */
	int widths[DESK_PHOTO_MAX_WIDTHS]; /* made, ascending; 0 ends */
	int64_t created;
};

struct post {
	int64_t id;
	int kind;                    /* enum post_kind */
	int status;                  /* enum post_status */
	const char *slug;
	const char *headline, *deck; /* plain text */
	const char *body;            /* Markdown source */
	const char *body_html;       /* sanitized HTML of body */
	const char *dateline;        /* "BAGHDAD" (pages add the dash) */
	int64_t section_id;          /* 0 = none */
	const char *section_slug, *section_name;  /* filled by reads */
	int64_t column_id;           /* 0 = none */
	const char *column_slug, *column_name;    /* filled by reads */
	const char *tags;            /* joined with ", " */
	int64_t photo_id;            /* 0 = none */
	struct desk_photo photo;     /* filled by reads when photo_id */
	const char *photo_caption, *photo_credit;
	int64_t story_id;            /* related story, 0 = none */
	struct post_byline *bylines;
	size_t n_bylines;
	struct post_pick *picks;
	size_t n_picks;
	struct post_correction *corrections;  /* reads: oldest first */
	size_t n_corrections;
	int64_t publish_at;          /* SCHEDULED: when */
	int64_t published_at;        /* first publication, 0 = never */
	int64_t created, updated_at; /* updated_at: the last save of a
	                                published post (dateModified) */
	int64_t edited_by;           /* writes: the user saving (0: the
	                                command line) */
	int64_t created_by;          /* the user who wrote it (0: the command
	                                line); set by the store at insert */
};

/* Whether a user of role (enum user_role) may change post p: an editor
 * or admin any post; a writer only a draft or a submission that they
 * wrote (p->created_by) or that carries their byline (user id). user_id
 * 0 is the command line, which may. One rule for the desk and the store. */
bool model_post_may_edit(const struct post *p, int64_t user_id, int role);

/* The public URL name of a desk photo's variant: "desk-photo:TOKEN:W.EXT";
 * its media key is model_photo_key() of it. In out (cap bytes). */
void model_desk_photo_url(char *out, size_t cap, const char *token, int width,
    const char *ext);

/* A URL slug made of text: its lower-case ASCII letters and digits
 * joined by single dashes, at most max bytes (max >= 16); when no ASCII
 * letter is left (an Arabic name), "n" and 12 hex digits of a hash of
 * text, so different names get different slugs. out has max + 1 bytes. */
void model_slug(char *out, size_t max, const char *text);

/* ---- user: someone who signs in to the desk (editors, correspondents).
 * Roles are ordered: a route that needs USER_ROLE_EDITOR also lets an
 * admin in. ---- */
enum user_role {
	USER_ROLE_NONE = 0,
	USER_ROLE_CORRESPONDENT = 1,
	USER_ROLE_EDITOR = 2,
	USER_ROLE_ADMIN = 3,
};
/* The desk's word for a correspondent's role (issue 10): files drafts. */
#define USER_ROLE_WRITER USER_ROLE_CORRESPONDENT

struct user {
	int64_t id;
	const char *email;
	const char *name;
	int role;                    /* enum user_role */
	/* accounts (issue 10) */
	bool is_disabled;            /* cannot sign in; sessions revoked */
	int64_t created;
	int64_t password_changed_at;
	int64_t last_login;          /* 0 = never */
	size_t n_sessions;           /* live sessions; filled by lists */
};

/* ---- tips (issue 11): what the store knows of a thread of tips, which
 * is no contents: everything a source or an editor wrote is sealed
 * (tips/tips.h), and no address, agent or time finer than a day. ---- */
struct tip_thread {
	const char *id;              /* random (not a counter) */
	const char *day;             /* YYYY-MM-DD (UTC) of the first message */
	const char *last_day;        /* of the latest message */
	const unsigned char *lookup; /* receipt tag (tips_code_derive) */
	size_t lookup_len;
	const unsigned char *reply_pk;  /* replies are sealed to it */
	size_t reply_pk_len;
	size_t n_msgs, n_replies;    /* messages; of them, the desk's replies */
	int64_t bytes;               /* sealed bytes in all */
};

struct tip_msg {
	int64_t id;                  /* order within the store */
	const char *day;
	const unsigned char *sealed; /* to the desk's key */
	size_t sealed_len;
	const unsigned char *for_source;  /* a desk reply, sealed to the
	                                     thread's key; else NULL */
	size_t for_source_len;
};
/* "writer", "editor", "admin" (and "none"); model_user_role_parse gives
 * the role of a name, or USER_ROLE_NONE. Pure. */
const char *model_user_role_name(int role);
int model_user_role_parse(const char *name);

/* ---- subscriber: a reader on the mailing lists (issue 11). Lists are
 * "digest", "breaking", "section:SLUG" and "column:SLUG". ---- */
enum sub_status {
	SUB_PENDING = 0,             /* signed up, not confirmed yet */
	SUB_ACTIVE = 1,
	SUB_UNSUBSCRIBED = 2,
	SUB_BOUNCED = 3,             /* hard bounces or repeated soft ones */
	SUB_SUPPRESSED = 4,          /* refused by the server (5xx) */
};

struct subscriber {
	int64_t id;
	const char *email;           /* normalized (mail_addr_normalize) */
	int status;                  /* enum sub_status */
	int64_t created, confirmed_at, last_mailed;
	int soft_bounces, hard_bounces;
	const char **lists;          /* what it is subscribed to */
	size_t n_lists;
};

#endif
