/*
 * newsdesk export-opml: the sources as an OPML 2.0 subscription list on
 * stdout, one folder per section (in section order) and sources without a
 * section at the top. libxml2's writer does all the escaping. Importing the
 * output gives the same sources in the same sections.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "cli/cmd.h"
#include "core/arena.h"
#include "core/cfg.h"
#include "core/err.h"
#include "render/feeds.h"
#include "store/store.h"
#include "core/banned.h"

#define X(s) ((const xmlChar *)(s))

/* Titles and URLs come from feeds: dropped bytes XML forbids, so the
 * OPML stays well-formed. */
#define C(s) X(render_xml_clean(a, (s)))

static int
write_source(xmlTextWriterPtr w, struct arena *a,
    const struct source *s)
{
	int ok = xmlTextWriterStartElement(w, X("outline")) >= 0 &&
	    xmlTextWriterWriteAttribute(w, X("type"), X("rss")) >= 0 &&
	    xmlTextWriterWriteAttribute(w, X("text"),
	    C(s->title && *s->title ? s->title : s->url)) >= 0 &&
	    (!s->title || !*s->title ||
	    xmlTextWriterWriteAttribute(w, X("title"), C(s->title)) >= 0) &&
	    xmlTextWriterWriteAttribute(w, X("xmlUrl"), C(s->url)) >= 0 &&
	    (!s->site_url || !*s->site_url ||
	    xmlTextWriterWriteAttribute(w, X("htmlUrl"), C(s->site_url)) >= 0) &&
	    (!s->language || !*s->language ||
	    xmlTextWriterWriteAttribute(w, X("language"), C(s->language)) >= 0) &&
	    xmlTextWriterEndElement(w) >= 0;

	return ok ? 0 : -1;
}

static int
export_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct store *st = NULL;
	struct section *secs;
	struct source *srcs;
	size_t n_secs, n_srcs;
	xmlBufferPtr xb = NULL;
	xmlTextWriterPtr w = NULL;
	bool ok;
	int rc;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	if ((rc = cmd_open_store(ctx, &st, false)) < 0 ||
	    (rc = store_section_list(st, &a, &secs, &n_secs)) < 0 ||
	    (rc = store_source_list(st, &a, &srcs, &n_srcs)) < 0)
		goto out;
	if (!(xb = xmlBufferCreate()) || !(w = xmlNewTextWriterMemory(xb, 0))) {
		rc = err_set(ND_ENOMEM, "export-opml: out of memory");
		goto out;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, X("  "));
	ok = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) >= 0 &&
	    xmlTextWriterStartElement(w, X("opml")) >= 0 &&
	    xmlTextWriterWriteAttribute(w, X("version"), X("2.0")) >= 0 &&
	    xmlTextWriterStartElement(w, X("head")) >= 0 &&
	    xmlTextWriterWriteElement(w, X("title"), X(ctx->cfg->desk.name)) >= 0 &&
	    xmlTextWriterEndElement(w) >= 0 &&
	    xmlTextWriterStartElement(w, X("body")) >= 0;
	for (size_t i = 0; ok && i < n_srcs; i++)
		if (srcs[i].section_id == 0)
			ok = write_source(w, &a, &srcs[i]) == 0;
	for (size_t s = 0; ok && s < n_secs; s++) {
		bool opened = false;

		for (size_t i = 0; ok && i < n_srcs; i++) {
			if (srcs[i].section_id != secs[s].id)
				continue;
			if (!opened) {
				ok = xmlTextWriterStartElement(w, X("outline")) >= 0 &&
				    xmlTextWriterWriteAttribute(w, X("text"),
				    X(render_xml_clean(&a, secs[s].name))) >= 0;
				opened = true;
			}
			ok = ok && write_source(w, &a, &srcs[i]) == 0;
		}
		if (ok && opened)
			ok = xmlTextWriterEndElement(w) >= 0;
	}
	ok = ok && xmlTextWriterEndDocument(w) >= 0;
	xmlFreeTextWriter(w); /* flushes into xb */
	w = NULL;
	if (!ok) {
		rc = err_set(ND_ERR, "export-opml: cannot write the document");
		goto out;
	}
	if (fwrite(xmlBufferContent(xb), 1, (size_t)xmlBufferLength(xb), stdout) !=
	    (size_t)xmlBufferLength(xb))
		rc = err_set(ND_EIO, "export-opml: cannot write to stdout");
out:
	xmlFreeTextWriter(w);
	xmlBufferFree(xb);
	store_close(st);
	arena_release(&a);
	return rc;
}

const struct cmd cmd_export_opml = {
	.name = "export-opml",
	.summary = "print the sources as an OPML subscription list",
	.usage =
	    "usage: newsdesk export-opml > FILE\n"
	    "\n"
	    "Writes every source as OPML 2.0 to stdout: one folder per section, in\n"
	    "section order, with sources that have no section at the top. Each\n"
	    "outline has text/title, xmlUrl and, when known, htmlUrl and language.\n"
	    "`newsdesk import-opml FILE` on another store recreates the same\n"
	    "sources in the same sections (empty sections are not exported).\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk export-opml > sources.opml\n"
	    "  newsdesk export-opml | xmllint --format -\n",
	.run = export_run,
};
