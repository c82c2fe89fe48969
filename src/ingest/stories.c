/*
 * stories: the analyze stage of ingest. After a batch of items is stored,
 * a clusterer (analyze/) is warmed up from the store's window (the
 * assigned items of the last INGEST_STORY_WINDOW_S seconds, replayed in
 * time order into the stories they are in), the batch's new and changed
 * items are clustered, and the assignments go back to the store, which
 * leaves editors' placements alone and closes quiet stories. The warm-up
 * is what makes the stories a function of the items and not of how they
 * were batched, and it keeps memory bounded by the window.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/text.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

/* HTML read per field to find the lead text: enough for ANALYZE_TEXT_LEAD
 * bytes of text after tags are removed. */
#define STORY_HTML_LEAD (16u << 10)

struct ingest_stories {
	struct analyze *an;
	struct analyze_opts opts;
	struct buf summary, text;
	/* (source, dedup key, title) of the warm-up items, to skip unchanged
	 * items that are already assigned */
	struct arena a;
	struct story_member *m;
	size_t n_m;
};

static void
plain(struct buf *out, const char *html)
{
	size_t len;

	buf_reset(out);
	if (!html)
		return;
	len = strnlen(html, STORY_HTML_LEAD);
	(void)text_strip_html(out, html, len);
}

static void
add(struct ingest_stories *s, const char *title, const char *summary,
    const char *content, const char *lang, int64_t time, int64_t force,
    struct analyze_result *r)
{
	struct analyze_doc d = {
		.time = time,
		.lang = lang,
		.title = title,
		.force_story = force,
	};

	plain(&s->summary, summary);
	plain(&s->text, content);
	d.summary = buf_err(&s->summary) ? NULL : s->summary.ptr;
	d.text = buf_err(&s->text) ? NULL : s->text.ptr;
	analyze_add(s->an, &d, r);
}

int
ingest_stories_open(struct ingest_stories **out, struct store *st,
    int64_t since)
{
	struct ingest_stories *s = calloc(1, sizeof(*s));
	int64_t next_id;
	int rc;

	*out = NULL;
	if (!s)
		return err_set(ND_ENOMEM, "ingest: out of memory");
	analyze_opts_default(&s->opts);
	buf_init(&s->summary, STORY_HTML_LEAD);
	buf_init(&s->text, STORY_HTML_LEAD);
	arena_init(&s->a);
	if ((rc = store_story_window(st, &s->a, since - s->opts.window_s,
	    INGEST_STORY_WARM_MAX, &s->m, &s->n_m, &next_id)) < 0)
		goto fail;
	if (!(s->an = analyze_new(&s->opts, next_id))) {
		rc = ND_ERR;
		goto fail;
	}
	for (size_t i = 0; i < s->n_m; i++) {
		struct analyze_result r;

		add(s, s->m[i].title, s->m[i].summary, s->m[i].content,
		    s->m[i].language, s->m[i].time, s->m[i].story_id, &r);
	}
	*out = s;
	return 0;
fail:
	ingest_stories_free(s);
	return rc;
}

void
ingest_stories_free(struct ingest_stories *s)
{
	if (!s)
		return;
	analyze_free(s->an);
	buf_release(&s->summary);
	buf_release(&s->text);
	arena_release(&s->a);
	free(s);
}

int64_t
ingest_story_time(const struct item *it, int64_t now)
{
	return it->published ? it->published : it->sort_time ? it->sort_time :
	    now;
}

static bool
same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Already assigned, with the same headline: nothing to redo. */
static bool
is_assigned(const struct ingest_stories *s, int64_t source_id,
    const struct item *it)
{
	for (size_t i = 0; i < s->n_m; i++)
		if (s->m[i].source_id == source_id &&
		    same_str(s->m[i].dedup_key, it->dedup_key))
			return same_str(s->m[i].title, it->title);
	return false;
}

int
ingest_stories_put(struct ingest_stories *s, struct store *st,
    int64_t source_id, const struct item *items, size_t n, int64_t now)
{
	struct story_assign *as = NULL;
	size_t k = 0;
	int rc;

	if (n == 0)
		return 0;
	as = calloc(n, sizeof(*as));
	if (!as)
		return err_set(ND_ENOMEM, "ingest: out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct item *it = &items[i];
		struct analyze_result r;
		int64_t t = ingest_story_time(it, now);

		if (is_assigned(s, source_id, it))
			continue;
		add(s, it->title, it->summary, it->content, it->language, t, 0,
		    &r);
		as[k].source_id = source_id;
		as[k].dedup_key = it->dedup_key;
		as[k].story_id = r.story;
		as[k].title = it->title;
		as[k].time = t;
		as[k].similarity = r.similarity;
		k++;
	}
	rc = store_story_assign(st, as, k, now - s->opts.window_s);
	free(as);
	return rc;
}
