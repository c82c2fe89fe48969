/*
 * newsdesk section: the desk's sections ("Developments", "Diplomacy", ...).
 * Sources belong to at most one section; the items of a source with none
 * are filed at ingest by the desk's rules (`section rule`, cmd_rule.c)
 * and the classifier learned from the editors' filings.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "core/banned.h"

static int
section_add(struct store *st, int argc, char **argv)
{
	const char *name = NULL, *slug = NULL;
	int64_t id;
	int rc;

	for (int i = 2; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--slug", &slug)) < 0)
			return rc;
		if (rc)
			continue;
		if (argv[i][0] == '-' || name)
			return CMD_USAGE;
		name = argv[i];
	}
	if (!name || !*name)
		return CMD_USAGE;
	rc = store_section_add(st, name, slug, &id);
	if (rc == ND_EEXISTS)
		return err_set(rc, "section add: a section with slug '%s' "
		    "already exists", slug ? slug : name);
	if (rc < 0)
		return rc;
	printf("added section %lld: %s\n", (long long)id, name);
	return 0;
}

static int
section_list(struct store *st, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct section *secs;
	struct source *srcs;
	size_t n, n_src;
	bool json = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return CMD_USAGE;
	}
	if ((rc = store_section_list(st, &a, &secs, &n)) < 0 ||
	    (rc = store_source_list(st, &a, &srcs, &n_src)) < 0)
		goto out;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++) {
			json_int_t count = 0;

			for (size_t j = 0; j < n_src; j++)
				count += srcs[j].section_id == secs[i].id;
			json_array_append_new(arr, json_pack("{sI ss? ss? si sI}",
			    "id", (json_int_t)secs[i].id, "name", secs[i].name,
			    "slug", secs[i].slug, "position", secs[i].position,
			    "sources", count));
		}
		rc = cmd_json_print(arr);
		goto out;
	}
	if (n == 0)
		printf("no sections (add one with `newsdesk section add NAME`)\n");
	else
		printf("%4s  %-20s  %7s  %s\n", "ID", "SLUG", "SOURCES", "NAME");
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;

		for (size_t j = 0; j < n_src; j++)
			count += srcs[j].section_id == secs[i].id;
		printf("%4lld  ", (long long)secs[i].id);
		cmd_print_cell(secs[i].slug, 20);
		printf("  %7zu  ", count);
		cmd_print_text(secs[i].name);
		putchar('\n');
	}
out:
	arena_release(&a);
	return rc;
}

static int
section_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct store *st = NULL;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "rule") == 0)
		return cmd_section_rule(ctx, argc, argv);
	if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0))
		return CMD_USAGE;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if (strcmp(argv[1], "add") == 0)
		rc = section_add(st, argc, argv);
	else
		rc = section_list(st, argc, argv);
	store_close(st);
	return rc;
}

const struct cmd cmd_section = {
	.name = "section",
	.summary = "add or list the desk's sections",
	.usage =
	    "usage: newsdesk section add NAME [--slug SLUG]\n"
	    "       newsdesk section list [--json]\n"
	    "       newsdesk section rule add SECTION --word W | --source ID |\n"
	    "                                  --category C\n"
	    "       newsdesk section rule list [--json]\n"
	    "       newsdesk section rule remove RULE-ID\n"
	    "\n"
	    "add    creates a section; SLUG (used in URLs) is derived from NAME\n"
	    "       unless given, and must be unique\n"
	    "list   shows every section with its slug and number of sources;\n"
	    "       --json prints an array of {id, name, slug, position, sources}\n"
	    "rule   the desk's rules filing items at ingest (items of outlets\n"
	    "       with no section): a word or name in the item (stemmed, so\n"
	    "       'election' matches 'elections'), a source id, a feed\n"
	    "       category; an outlet's rule wins, then a category's, then the\n"
	    "       section with most words; without a rule the classifier\n"
	    "       learned from the editors' filings decides\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk section add Developments\n"
	    "  newsdesk section add \"Diplomatic Buzz\" --slug buzz\n"
	    "  newsdesk section list\n"
	    "  newsdesk section rule add developments --word ceasefire\n"
	    "  newsdesk section rule add buzz --category Diplomacy\n",
	.run = section_run,
};
