/*
 * newsdesk item: an editor's hand on one gathered item (issue 10): pin it
 * to the front page, hide it from every public page (kept in the store),
 * retitle it (the outlet's headline is kept and shown as "Originally"),
 * file it under another section. The same as the desk's /desk/item/ID
 * forms, for scripts and tests; each change goes to the audit log as
 * done by "cli", and a running site shows it within a poll (a quarter of
 * a second).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "model/model.h"
#include "store/store.h"
#include "core/banned.h"

static int
item_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct store_item_edit e = { 0 };
	const char *verb = argc > 2 ? argv[1] : NULL, *detail = "";
	long long id;
	int rc;

	if (!verb)
		return CMD_USAGE;
	if (parse_int(argv[2], 1, INT64_MAX, &id) < 0)
		return err_set(ND_EINVAL, "item: '%s' is not an id", argv[2]);
	e.id = id;
	e.now = (int64_t)time(NULL);
	if (strcmp(verb, "pin") == 0 && argc == 3)
		e.op = STORE_ITEM_PIN;
	else if (strcmp(verb, "unpin") == 0 && argc == 3)
		e.op = STORE_ITEM_UNPIN;
	else if (strcmp(verb, "hide") == 0 && argc == 3)
		e.op = STORE_ITEM_HIDE;
	else if (strcmp(verb, "unhide") == 0 && argc == 3)
		e.op = STORE_ITEM_UNHIDE;
	else if (strcmp(verb, "retitle") == 0 && argc == 4) {
		e.op = STORE_ITEM_RETITLE;
		e.title = detail = argv[3];
	} else if (strcmp(verb, "section") == 0 && argc == 4)
		e.op = STORE_ITEM_SECTION;
	else
		return CMD_USAGE;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		goto out;
	if (e.op == STORE_ITEM_SECTION && *argv[3]) {
		struct section *sec;

		if ((rc = store_section_find(st, &a, argv[3], &sec)) < 0) {
			if (rc == ND_ENOTFOUND)
				rc = err_set(rc, "no section '%s'", argv[3]);
			goto out;
		}
		e.section_id = sec->id;
		detail = sec->slug;
	}
	if ((rc = store_item_edit(st, &e)) < 0)
		goto out;
	(void)store_audit_add(st, 0, "cli", arena_printf(&a, "item.%s", verb),
	    arena_printf(&a, "item %lld", id), detail, e.now);
	printf("item %lld: %s\n", id, verb);
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_item = {
	.name = "item",
	.summary = "curate one item: pin, hide, retitle, file under a section",
	.usage =
	    "usage: newsdesk item pin|unpin|hide|unhide ID\n"
	    "       newsdesk item retitle ID TITLE\n"
	    "       newsdesk item section ID SECTION\n"
	    "\n"
	    "An editor's decisions on a gathered item (the ids of `newsdesk\n"
	    "items`); the outlet's own fields are kept, and ingest never undoes\n"
	    "a decision.\n"
	    "\n"
	    "  pin, unpin   lead the front page with it (latest pin first)\n"
	    "  hide         take it off every public page, feed, sitemap and the\n"
	    "               search (its page answers 410); unhide brings it back\n"
	    "  retitle      the desk's headline; the outlet's stays on the item\n"
	    "               page as \"Originally: ...\"; an empty TITLE restores it\n"
	    "  section      file it under SECTION (slug or name); \"\" gives back\n"
	    "               its source's section\n"
	    "\n"
	    "Each change is in the audit log (/desk/audit) and shows on a\n"
	    "running site at once.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk item hide 1234\n"
	    "  newsdesk item retitle 1234 'Talks resume in Geneva'\n"
	    "  newsdesk item section 1234 diplomacy\n",
	.run = item_run,
};
