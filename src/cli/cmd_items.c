/*
 * newsdesk items: the stored items, newest first, optionally for one source
 * or section and since a time.
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

static int
items_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct store_item_query q;
	struct item *items;
	const char *source = NULL, *section = NULL, *since = NULL, *limit = NULL;
	bool json = false;
	size_t n;
	int rc = 0;

	memset(&q, 0, sizeof(q));
	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--source", &source)) ||
		    (rc = cmd_opt(argc, argv, &i, "--section", &section)) ||
		    (rc = cmd_opt(argc, argv, &i, "--since", &since)) ||
		    (rc = cmd_opt(argc, argv, &i, "--limit", &limit))) {
			if (rc < 0)
				return rc;
			continue;
		}
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return CMD_USAGE;
	}
	rc = 0;
	if (limit) {
		long long l;

		/* the store reads at most 1000 items a call: say so rather
		 * than return fewer than asked */
		if (parse_int(limit, 1, 1000, &l) < 0) {
			err_set(ND_EINVAL, "--limit: %s", err_msg());
			return CMD_USAGE_MSG;
		}
		q.limit = (size_t)l;
	}
	if (since && cmd_parse_time(since, (int64_t)time(NULL), &q.since) < 0)
		return CMD_USAGE_MSG;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if (source) {
		struct source *src;

		if ((rc = cmd_source_lookup(st, &a, source, &src)) < 0)
			goto out;
		q.source_id = src->id;
	}
	if (section) {
		struct section *sec;

		if ((rc = store_section_find(st, &a, section, &sec)) < 0) {
			if (rc == ND_ENOTFOUND)
				rc = err_set(rc, "no section '%s' (see `newsdesk "
				    "section list`)", section);
			goto out;
		}
		q.section_id = sec->id;
	}
	if ((rc = store_item_list(st, &a, &q, &items, &n)) < 0)
		goto out;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, cmd_item_json(&items[i]));
		rc = cmd_json_print(arr);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct item *it = &items[i];
		char t[32];

		cmd_time_short(t, it->published ? it->published : it->first_seen);
		printf("%s  ", t);
		cmd_print_cell(it->source_title ? it->source_title : "?", 24);
		fputs("  ", stdout);
		cmd_print_text(it->title && *it->title ? it->title : "(no title)");
		putchar('\n');
	}
	if (n == 0)
		printf("no items\n");
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_items = {
	.name = "items",
	.summary = "list stored items, newest first",
	.usage =
	    "usage: newsdesk items [--source ID|URL] [--section NAME] [--since TIME]\n"
	    "                      [--limit N] [--json]\n"
	    "\n"
	    "Lists items by publication date (or first-seen date when the feed gave\n"
	    "none), newest first: date (UTC), source and headline.\n"
	    "\n"
	    "options:\n"
	    "  --source ID|URL  only this source\n"
	    "  --section NAME   only sources in this section (name or slug)\n"
	    "  --since TIME     published at or after TIME: an ISO date or date-time\n"
	    "                   (2026-11-20, 2026-11-20T08:00Z) or an age (90m, 3h, 2d, 1w)\n"
	    "  --limit N        at most N items (default 50, at most 1000)\n"
	    "  --json           an array of objects: id, source_id, source, title, url,\n"
	    "                   guid, author, language, tags, published, updated,\n"
	    "                   first_seen, summary (sanitized HTML), image {url,\n"
	    "                   caption, credit, thumbnail}\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk items --since 2d\n"
	    "  newsdesk items --source 3 --limit 5 --json\n",
	.run = items_run,
};
