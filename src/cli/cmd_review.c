/*
 * newsdesk review: the items ingest held back as off the beat (below the
 * profile's relevance threshold, issue 9): list them, keep or hide one
 * (the verdict also teaches the beat's model), and the profile's words.
 */
#include <inttypes.h>
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

#define REVIEW_LIST_MAX 200

static int
review_list(struct store *st, struct arena *a, bool json)
{
	struct item *v;
	size_t n;
	int rc;

	if ((rc = store_review_list(st, a, REVIEW_LIST_MAX, &v, &n)) < 0)
		return rc;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++) {
			char t[32];

			cmd_time_iso(t, v[i].sort_time);
			json_array_append_new(arr, json_pack(
			    "{sI sI ss? ss? ss? ss}", "id", (json_int_t)v[i].id,
			    "source_id", (json_int_t)v[i].source_id,
			    "source", v[i].source_title, "title", v[i].title,
			    "url", v[i].url, "time", t));
		}
		return cmd_json_print(arr);
	}
	if (n == 0)
		printf("nothing waits for review\n");
	for (size_t i = 0; i < n; i++) {
		char t[32];

		cmd_time_short(t, v[i].sort_time);
		printf("%6lld  %-16s  ", (long long)v[i].id, t);
		cmd_print_cell(v[i].source_title ? v[i].source_title : "", 20);
		printf("  ");
		cmd_print_text(v[i].title ? v[i].title : "(no headline)");
		putchar('\n');
	}
	return 0;
}

static int
review_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	int rc;

	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "--json") == 0)) {
		rc = review_list(st, &a, argc == 2);
	} else if (strcmp(argv[1], "profile") == 0) {
		rc = cmd_review_profile(st, &a, argc, argv);
	} else if (argc == 3 && (strcmp(argv[1], "keep") == 0 ||
	    strcmp(argv[1], "hide") == 0)) {
		bool keep = argv[1][0] == 'k';
		long long id;

		if (parse_int(argv[2], 1, INT64_MAX, &id) < 0) {
			rc = err_set(ND_EINVAL, "review: '%s' is not an id",
			    argv[2]);
		} else if ((rc = store_review_decide(st, id, keep)) == 0) {
			(void)store_audit_add(st, 0, "cli", keep ?
			    "review.keep" : "review.hide",
			    arena_printf(&a, "item %lld", id), "",
			    (int64_t)time(NULL));
			printf("item %lld: %s\n", id, keep ? "kept" : "hidden");
		}
	} else {
		rc = CMD_USAGE;
	}
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_review = {
	.name = "review",
	.summary = "items held back as off the beat: list, keep, hide; the profile",
	.usage =
	    "usage: newsdesk review [--json]\n"
	    "       newsdesk review keep|hide ITEM-ID\n"
	    "       newsdesk review profile add WORD-OR-NAME...\n"
	    "       newsdesk review profile list [--json]\n"
	    "       newsdesk review profile remove RULE-ID\n"
	    "\n"
	    "Ingest scores every new item's relevance to the beat: the profile's\n"
	    "words and names in it (2 in the headline, 1 elsewhere) plus what the\n"
	    "desk's kept and hidden items taught it. Below 1 the item is held off\n"
	    "the front page, sections, feeds and search, and waits here (and on\n"
	    "the desk's /desk/items?view=review) until an editor keeps it (shown,\n"
	    "and learned as on the beat) or hides it (learned as off it). With no\n"
	    "profile and nothing learned, every item passes.\n"
	    "\n"
	    "--json prints an array of {id, source_id, source, title, url, time}.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk review profile add \"Miral River\" dam Tessaly\n"
	    "  newsdesk review\n"
	    "  newsdesk review keep 1234\n",
	.run = review_run,
};
