/*
 * newsdesk section rule ...: the desk's rules that file items under a
 * section at ingest (issue 9), and newsdesk review profile ...: the
 * beat's profile words. Both are rows of desk_rules (store_rule_*).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "core/str.h"
#include "store/store.h"
#include "core/banned.h"

static const char *const kind_names[] = {
	[STORE_RULE_WORD] = "word",
	[STORE_RULE_SOURCE] = "source",
	[STORE_RULE_CATEGORY] = "category",
	[STORE_RULE_BEAT] = "beat",
};

static const char *
kind_name(int kind)
{
	return kind >= STORE_RULE_WORD && kind <= STORE_RULE_BEAT ?
	    kind_names[kind] : "?";
}

/* Lists the rules of one kind class: beat words (is_beat) or sections'. */
static int
rules_list(struct store *st, struct arena *a, bool is_beat, bool json)
{
	struct store_rule *r;
	struct section *secs;
	size_t n, ns;
	json_t *arr = json ? json_array() : NULL;
	int rc;

	if ((rc = store_rule_list(st, a, &r, &n)) < 0 ||
	    (rc = store_section_list(st, a, &secs, &ns)) < 0) {
		json_decref(arr);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const char *slug = "";

		if ((r[i].kind == STORE_RULE_BEAT) != is_beat)
			continue;
		for (size_t j = 0; j < ns; j++)
			if (secs[j].id == r[i].section_id)
				slug = secs[j].slug;
		if (json) {
			json_array_append_new(arr, is_beat ?
			    json_pack("{sI ss}", "id", (json_int_t)r[i].id,
			    "word", r[i].value) :
			    json_pack("{sI ss ss ss}", "id", (json_int_t)r[i].id,
			    "section", slug, "kind", kind_name(r[i].kind),
			    "value", r[i].value));
			continue;
		}
		printf("%4lld  ", (long long)r[i].id);
		if (!is_beat) {
			cmd_print_cell(slug, 20);
			printf("  %-8s  ", kind_name(r[i].kind));
		}
		cmd_print_text(r[i].value);
		putchar('\n');
	}
	if (json)
		return cmd_json_print(arr);
	return 0;
}

static int
rule_remove(struct store *st, const char *arg)
{
	long long id;
	int rc;

	if (parse_int(arg, 1, INT64_MAX, &id) < 0)
		return err_set(ND_EINVAL, "'%s' is not a rule id", arg);
	if ((rc = store_rule_remove(st, id)) < 0)
		return rc;
	printf("removed rule %lld\n", id);
	return 0;
}

int
cmd_section_rule(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	const char *verb = argc > 2 ? argv[2] : NULL;
	int rc;

	if (!verb)
		return CMD_USAGE;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	if (strcmp(verb, "list") == 0 && (argc == 3 || (argc == 4 &&
	    strcmp(argv[3], "--json") == 0))) {
		rc = rules_list(st, &a, false, argc == 4);
	} else if (strcmp(verb, "remove") == 0 && argc == 4) {
		rc = rule_remove(st, argv[3]);
	} else if (strcmp(verb, "add") == 0 && argc == 6) {
		struct section *sec;
		const char *opt = argv[4], *value = argv[5];
		int kind = strcmp(opt, "--word") == 0 ? STORE_RULE_WORD :
		    strcmp(opt, "--source") == 0 ? STORE_RULE_SOURCE :
		    strcmp(opt, "--category") == 0 ? STORE_RULE_CATEGORY : 0;
		int64_t id = 0;
		long long src;

		if (!kind) {
			rc = CMD_USAGE;
			goto out;
		}
		if ((rc = store_section_find(st, &a, argv[3], &sec)) < 0) {
			if (rc == ND_ENOTFOUND)
				rc = err_set(rc, "no section '%s'", argv[3]);
			goto out;
		}
		if (kind == STORE_RULE_SOURCE) {
			struct source *s;

			if (parse_int(value, 1, INT64_MAX, &src) < 0) {
				rc = err_set(ND_EINVAL, "'%s' is not a source "
				    "id", value);
				goto out;
			}
			if ((rc = store_source_get(st, &a, src, &s)) < 0) {
				if (rc == ND_ENOTFOUND)
					rc = err_set(rc, "no source %lld", src);
				goto out;
			}
			value = arena_printf(&a, "%lld", src);
		}
		rc = store_rule_add(st, sec->id, kind, value, &id);
		if (rc == ND_EEXISTS)
			rc = err_set(rc, "that rule exists already");
		if (rc == 0)
			printf("added rule %lld: %s %s %s\n", (long long)id,
			    sec->slug, kind_name(kind), value);
	} else {
		rc = CMD_USAGE;
	}
out:
	store_close(st);
	arena_release(&a);
	return rc;
}

int
cmd_review_profile(struct store *st, struct arena *a, int argc, char **argv)
{
	const char *verb = argc > 2 ? argv[2] : NULL;
	int rc = 0;

	if (!verb)
		return CMD_USAGE;
	if (strcmp(verb, "list") == 0 && (argc == 3 || (argc == 4 &&
	    strcmp(argv[3], "--json") == 0)))
		return rules_list(st, a, true, argc == 4);
	if (strcmp(verb, "remove") == 0 && argc == 4)
		return rule_remove(st, argv[3]);
	if (strcmp(verb, "add") != 0 || argc < 4)
		return CMD_USAGE;
	for (int i = 3; i < argc && rc == 0; i++) {
		int64_t id = 0;

		rc = store_rule_add(st, 0, STORE_RULE_BEAT, argv[i], &id);
		if (rc == ND_EEXISTS) {
			printf("already in the profile: %s\n", argv[i]);
			rc = 0;
		} else if (rc == 0) {
			printf("added to the beat's profile %lld: %s\n",
			    (long long)id, argv[i]);
		}
	}
	return rc;
}

/* Adds the comma-separated words of list to the beat's profile. */
static int
sync_list(struct store *st, const char *p)
{
	char word[256];

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int rc;

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len && len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
			rc = store_rule_add(st, 0, STORE_RULE_BEAT, word, NULL);
			if (rc < 0 && rc != ND_EEXISTS)
				return rc;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int
cmd_beat_sync(struct cmd_ctx *ctx, struct store *st)
{
	int rc;

	if (!ctx->cfg)
		return 0;
	if ((rc = sync_list(st, ctx->cfg->desk.beat)) < 0)
		return rc;
	return sync_list(st, ctx->cfg->desk.beat_names);
}
