/*
 * newsdesk classify: files the items of a JSONL file under sections with
 * the decision ingest makes (analyze/sections.c: the desk's rules, none
 * here, then the naive Bayes classifier of analyze/classify.c),
 * trained on a labelled JSONL file. An item that is also in the training
 * file is classified with itself taken out of the model (leave-one-out),
 * so the sections kit can be scored honestly on its own labelled data.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cli/cmd.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "core/banned.h"

#define CLASSIFY_TEXT_MAX 4096
#define CLASSIFY_MAX_LINE (64u << 20)
#define CLASSIFY_MAX_TRAIN 1000000

struct known {
	uint64_t id;
	char *section;
};

static int
by_id(const void *a, const void *b)
{
	const struct known *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

typedef int (*line_fn)(const struct analyze_kit_line *kl, void *payload);

/* Calls fn for each line of path. */
static int
each_line(const char *path, line_fn fn, void *payload)
{
	struct buf scratch = BUF_INIT(1u << 20);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	FILE *f;
	int rc = 0;

	if (!(f = fopen(path, "r")))
		return err_set(ND_EIO, "classify: %s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) > 0) {
		struct analyze_kit_line kl;

		lineno++;
		if ((size_t)len > CLASSIFY_MAX_LINE) {
			rc = err_set(ND_ETOOBIG, "classify: %s:%zu: line too long",
			    path, lineno);
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if ((rc = analyze_kit_parse(&kl, &scratch, line, (size_t)len,
		    CLASSIFY_TEXT_MAX)) < 0) {
			char why[256];

			snprintf(why, sizeof(why), "%s", err_msg());
			rc = err_set(rc, "classify: %s:%zu: %s", path, lineno, why);
			break;
		}
		if ((rc = fn(&kl, payload)) < 0)
			break;
	}
	fclose(f);
	free(line);
	buf_release(&scratch);
	return rc;
}

struct run {
	struct analyze_sections *sx;
	/* without --train: the store's sections, to name ids by slug */
	struct section *secs;
	size_t n_secs;
	struct known *known;
	size_t n_known, cap_known;
	struct buf out;
};

static uint64_t
id_hash(const char *id)
{
	return id ? str_hash(id, strlen(id)) : 0;
}

static int
train_line(const struct analyze_kit_line *kl, void *payload)
{
	struct run *r = payload;
	int rc;

	if (!kl->section || !*kl->section)
		return 0;
	if (r->n_known >= CLASSIFY_MAX_TRAIN)
		return err_set(ND_ETOOBIG, "classify: more than %d training items",
		    CLASSIFY_MAX_TRAIN);
	if ((rc = analyze_sections_learn(r->sx, &kl->doc, kl->section)) < 0)
		return rc;
	if (kl->id) {
		r->known = xgrow(r->known, sizeof(*r->known), r->n_known + 1,
		    &r->cap_known);
		r->known[r->n_known].id = id_hash(kl->id);
		r->known[r->n_known++].section = xstrdup(kl->section);
	}
	return 0;
}

static int
classify_line(const struct analyze_kit_line *kl, void *payload)
{
	struct run *r = payload;
	struct known key = { id_hash(kl->id), NULL }, *k = NULL;
	struct analyze_section_result res;
	const char *sec;
	json_t *o;
	char *s;

	if (kl->id && r->n_known)
		k = bsearch(&key, r->known, r->n_known, sizeof(key), by_id);
	if (k)
		(void)analyze_sections_forget(r->sx, &kl->doc, k->section);
	analyze_sections_decide(r->sx, &kl->doc, NULL, 0, &res);
	sec = res.section;
	for (size_t i = 0; sec && i < r->n_secs; i++)
		if (r->secs[i].id == strtoll(sec, NULL, 10)) {
			sec = r->secs[i].slug;
			break;
		}
	o = json_object();
	json_object_set_new(o, "id", kl->id ? json_string(kl->id) : json_null());
	json_object_set_new(o, "section", sec ? json_string(sec) : json_null());
	if ((s = json_dumps(o, JSON_COMPACT))) {
		buf_adds(&r->out, s);
		buf_addc(&r->out, '\n');
		free(s);
	}
	json_decref(o);
	if (k)
		(void)analyze_sections_learn(r->sx, &kl->doc, k->section);
	if (r->out.len > (1u << 16)) {
		fwrite(r->out.ptr, 1, r->out.len, stdout);
		buf_reset(&r->out);
	}
	return 0;
}

static int
classify_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run r = { .out = BUF_INIT(BUF_NOCAP) };
	const char *path = NULL, *train = NULL;
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_opt(argc, argv, &i, "--jsonl", &path)) ||
		    (rc = cmd_opt(argc, argv, &i, "--train", &train))) {
			if (rc < 0)
				return rc;
			continue;
		}
		return CMD_USAGE;
	}
	if (!path)
		return CMD_USAGE;
	if (!train) {
		/* the desk's own model: its rules and its editors' filings,
		 * trained by the code ingest runs */
		if ((rc = cmd_open_store(ctx, &st, false)) < 0 ||
		    (rc = store_section_list(st, &a, &r.secs, &r.n_secs)) < 0 ||
		    (rc = ingest_sections_model(st, &r.sx)) < 0)
			goto out;
	} else if (!(r.sx = analyze_sections_new())) {
		return ND_ERR;
	} else if ((rc = each_line(train, train_line, &r)) < 0) {
		goto out;
	}
	if (r.n_known)          /* qsort's base may not be NULL */
		qsort(r.known, r.n_known, sizeof(*r.known), by_id);
	if ((rc = each_line(path, classify_line, &r)) < 0)
		goto out;
	fwrite(r.out.ptr, 1, r.out.len, stdout);
out:
	for (size_t i = 0; i < r.n_known; i++)
		free(r.known[i].section);
	free(r.known);
	analyze_sections_free(r.sx);
	buf_release(&r.out);
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_classify = {
	.name = "classify",
	.summary = "file the items of a JSONL file under sections (the sections kit)",
	.usage =
	    "usage: newsdesk classify --train LABELLED.jsonl --jsonl FILE\n"
	    "       newsdesk classify --jsonl FILE\n"
	    "\n"
	    "Learns sections from LABELLED.jsonl (one JSON object per line with\n"
	    "id, title, summary, text and section) with the section classifier\n"
	    "(multinomial naive Bayes over the words the clusterer uses) and prints\n"
	    "one line per item of FILE: {\"id\": ID, \"section\": NAME}. An item\n"
	    "that is also in LABELLED.jsonl (same id) is classified with itself\n"
	    "taken out of the model (leave-one-out), so a labelled set can be\n"
	    "scored on itself honestly.\n"
	    "\n"
	    "Without --train, the desk's own model: the store's rules and the\n"
	    "items its editors filed, trained as ingest trains it; sections are\n"
	    "named by slug (null: ingest would leave the item in no section).\n"
	    "\n"
	    "example:\n"
	    "  newsdesk classify --train dev/sections.jsonl --jsonl dev/sections.jsonl\n",
	.run = classify_run,
};
