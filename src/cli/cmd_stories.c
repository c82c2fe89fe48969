/*
 * newsdesk stories: the stories, ranked as the home page ranks them; and
 * newsdesk story: one story's reports, and an editor's decisions (merge,
 * split, pin, unpin, retitle), which the clusterer never undoes.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"
#include "core/banned.h"

static json_t *
story_json(const struct story *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "title", json_string(s->editor_title ?
	    s->editor_title : s->title ? s->title : ""));
	json_object_set_new(o, "algorithm_title", json_string(s->title ?
	    s->title : ""));
	json_object_set_new(o, "editor_title", s->editor_title ?
	    json_string(s->editor_title) : json_null());
	json_object_set_new(o, "first_seen", json_integer(s->first_seen));
	json_object_set_new(o, "last_seen", json_integer(s->last_seen));
	json_object_set_new(o, "status", json_string(s->status == STORY_OPEN ?
	    "open" : "closed"));
	json_object_set_new(o, "pinned", json_boolean(s->is_pinned));
	json_object_set_new(o, "items", json_integer((json_int_t)s->n_items));
	json_object_set_new(o, "outlets",
	    json_integer((json_int_t)s->n_outlets));
	json_object_set_new(o, "score", json_real(s->score));
	return o;
}

static int
id_arg(const char *s, const char *what, int64_t *out)
{
	long long v;
	int rc;

	if (!s)
		return CMD_USAGE;
	if ((rc = parse_int(s, 1, INT64_MAX, &v)) < 0)
		return err_set(rc, "%s: '%s' is not an id", what, s);
	*out = v;
	return 0;
}

static int
stories_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct store_story_query q = { 0 };
	struct story *v;
	const char *limit = NULL;
	bool json = false;
	size_t n;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--limit", &limit))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--open") == 0)
			q.is_open_only = true;
		else
			return CMD_USAGE;
	}
	rc = 0;
	if (limit) {
		long long l;

		if ((rc = parse_int(limit, 1, 500, &l)) < 0)
			return err_set(rc, "--limit: %s", err_msg());
		q.limit = (size_t)l;
	}
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if ((rc = store_story_list(st, &a, &q, (int64_t)time(NULL), &v,
	    &n)) < 0)
		goto out;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, story_json(&v[i]));
		rc = cmd_json_print(arr);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char t[32];

		cmd_time_short(t, v[i].last_seen);
		printf("%6lld  %s  %2zu outlets %3zu items %s ", (long long)v[i].id,
		    t, v[i].n_outlets, v[i].n_items, v[i].is_pinned ? "pinned" :
		    v[i].status == STORY_OPEN ? "open  " : "closed");
		cmd_print_text(v[i].editor_title ? v[i].editor_title :
		    v[i].title && *v[i].title ? v[i].title : "(no title)");
		putchar('\n');
	}
	if (n == 0)
		printf("no stories\n");
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_stories = {
	.name = "stories",
	.summary = "list stories, ranked as on the home page",
	.usage =
	    "usage: newsdesk stories [--open] [--limit N] [--json]\n"
	    "\n"
	    "Lists the stories (every outlet's reports of one event), pinned first,\n"
	    "then by coverage (distinct outlets), velocity and recency: id, last\n"
	    "report (UTC), outlets, items, status and headline (the editor's if\n"
	    "retitled).\n"
	    "\n"
	    "options:\n"
	    "  --open      only stories still open (not quiet for the window)\n"
	    "  --limit N   at most N stories (default 50, at most 500)\n"
	    "  --json      an array of objects: id, title, algorithm_title,\n"
	    "              editor_title, first_seen, last_seen, status, pinned,\n"
	    "              items, outlets, score\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk stories --limit 10\n"
	    "  newsdesk stories --json\n",
	.run = stories_run,
};

static int
story_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct store_story_edit e = { 0 };
	const char *verb = argc > 1 ? argv[1] : NULL;
	int64_t id = 0;
	int rc;

	if (!verb)
		return CMD_USAGE;
	if (strcmp(verb, "show") == 0 && argc == 3) {
		struct story *s;
		struct item *items;
		size_t n;

		if ((rc = id_arg(argv[2], "story", &id)) != 0)
			return rc;
		if ((rc = cmd_open_store(ctx, &st, false)) < 0)
			return rc;
		if ((rc = store_story_get(st, &a, id, &s)) < 0 ||
		    (rc = store_story_items(st, &a, id, &items, &n)) < 0)
			goto out;
		json_t *o = story_json(s), *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, cmd_item_json(&items[i]));
		json_object_set_new(o, "reports", arr);
		rc = cmd_json_print(o);
		goto out;
	}
	if (strcmp(verb, "merge") == 0 && argc == 4) {
		e.op = STORE_STORY_MERGE;
		if ((rc = id_arg(argv[2], "story", &e.id)) != 0 ||
		    (rc = id_arg(argv[3], "story", &e.other)) != 0)
			return rc;
	} else if (strcmp(verb, "split") == 0 && argc == 3) {
		e.op = STORE_STORY_SPLIT;
		if ((rc = id_arg(argv[2], "item", &e.item_id)) != 0)
			return rc;
	} else if ((strcmp(verb, "pin") == 0 || strcmp(verb, "unpin") == 0) &&
	    argc == 3) {
		e.op = verb[0] == 'p' ? STORE_STORY_PIN : STORE_STORY_UNPIN;
		if ((rc = id_arg(argv[2], "story", &e.id)) != 0)
			return rc;
	} else if (strcmp(verb, "retitle") == 0 && argc == 4) {
		e.op = STORE_STORY_RETITLE;
		e.title = argv[3];
		if ((rc = id_arg(argv[2], "story", &e.id)) != 0)
			return rc;
	} else {
		return CMD_USAGE;
	}
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	/* as the desk's form does: the stories' items are logged as
	 * changed, so cached pages follow at once, and the decision goes
	 * to the audit log (actor "cli", as `newsdesk item` does) */
	if ((rc = store_story_curate(st, &e, &id)) < 0)
		goto out;
	{
		const char *target, *detail = NULL;

		switch (e.op) {
		case STORE_STORY_MERGE:
			target = arena_printf(&a, "story %lld",
			    (long long)e.id);
			detail = arena_printf(&a, "into story %lld",
			    (long long)e.other);
			break;
		case STORE_STORY_SPLIT:
			target = arena_printf(&a, "story %lld", (long long)id);
			detail = arena_printf(&a, "item %lld",
			    (long long)e.item_id);
			break;
		case STORE_STORY_RETITLE:
			detail = e.title;
			/* fall through */
		default:
			target = arena_printf(&a, "story %lld",
			    (long long)e.id);
			break;
		}
		if ((rc = store_audit_add(st, 0, "cli", arena_printf(&a,
		    "story.%s", verb), target, detail, (int64_t)time(NULL)))
		    < 0)
			goto out;
	}
	printf("%s: story %lld\n", verb, (long long)id);
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_story = {
	.name = "story",
	.summary = "show a story; merge, split, pin, unpin or retitle one",
	.usage =
	    "usage: newsdesk story show ID\n"
	    "       newsdesk story merge ID INTO-ID\n"
	    "       newsdesk story split ITEM-ID\n"
	    "       newsdesk story pin|unpin ID\n"
	    "       newsdesk story retitle ID TITLE\n"
	    "\n"
	    "show prints the story and its reports (oldest first) as JSON. The\n"
	    "others are an editor's decisions, which the clusterer never undoes:\n"
	    "merge moves every report of ID into INTO-ID (later reports the\n"
	    "clusterer puts in ID go to INTO-ID too); split moves one item into a\n"
	    "story of its own; pin keeps a story on top of the home page; retitle\n"
	    "sets the headline shown (\"\" gives the clusterer's back). Items an\n"
	    "editor moved stay where they were put. Each decision is in the audit\n"
	    "log (/desk/audit, actor \"cli\"), as the desk's are.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk story merge 12 7\n"
	    "  newsdesk story retitle 7 'Dam talks resume'\n",
	.run = story_run,
};
