/*
 * export: the public pages and feeds as static files, for a CDN or any
 * web server. A page at /a/b becomes DIR/a/b/index.html; a path whose last
 * segment has an extension (feed.xml, site.css) is written as it is.
 * DIR/404.html is the not-found page.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/err.h"
#include "store/store.h"
#include "web/web.h"
#include "core/banned.h"

struct exp {
	struct site *site;
	const char *dir;
	size_t n_files, n_bytes, n_failed;
};

static int
mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int rc = err_set(ND_EIO, "export: mkdir %s: %s", path,
			    strerror(errno));

			*p = '/';
			return rc;
		}
		*p = '/';
	}
	return 0;
}

static int
write_file(const char *path, const char *data, size_t len)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "wb")))
		return err_set(ND_EIO, "export: %s: %s", tmp, strerror(errno));
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		return err_set(ND_EIO, "export: %s: write failed", tmp);
	if (rename(tmp, path) < 0)
		return err_set(ND_EIO, "export: %s: %s", path, strerror(errno));
	return 0;
}

static int
export_one(const char *path, void *payload)
{
	struct exp *e = payload;
	struct buf body = BUF_INIT(BUF_NOCAP);
	char file[4096];
	const char *ctype, *last = strrchr(path, '/');
	int status, rc;

	/* slugs come from the store: keep the export inside DIR */
	if (strstr(path, "/..") || strstr(path, "//") || strlen(path) > 3000)
		return 0;
	if ((rc = site_render_path(e->site, path, &body, &status, &ctype)) < 0)
		goto out;
	if (status != 200) {
		fprintf(stderr, "newsdesk: export: %s: status %d\n", path, status);
		e->n_failed++;
		goto out;
	}
	if (strcmp(path, "/") == 0)
		snprintf(file, sizeof(file), "%s/index.html", e->dir);
	else if (last && strchr(last, '.'))
		snprintf(file, sizeof(file), "%s%s", e->dir, path);
	else
		snprintf(file, sizeof(file), "%s%s/index.html", e->dir, path);
	if ((rc = mkdirs(file)) < 0 || (rc = write_file(file, body.ptr,
	    body.len)) < 0)
		goto out;
	e->n_files++;
	e->n_bytes += body.len;
out:
	buf_release(&body);
	return rc;
}

static int
export_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct exp e = { 0 };
	struct store *st = NULL;
	struct buf body = BUF_INIT(BUF_NOCAP);
	char file[4096];
	const char *ctype;
	int rc, status;

	/* an unknown option is not a directory to create */
	if (argc != 2 || argv[1][0] == '-')
		return CMD_USAGE;
	e.dir = argv[1];
	if (mkdir(e.dir, 0755) < 0 && errno != EEXIST)
		return err_set(ND_EIO, "export: %s: %s", e.dir, strerror(errno));
	if ((rc = cmd_open_store(ctx, &st, false)) < 0)
		return rc;
	store_close(st);
	if ((rc = site_new(&e.site, ctx->cfg, ctx->db_path)) < 0)
		return rc;
	if ((rc = site_each_path(e.site, export_one, &e)) < 0)
		goto out;
	if ((rc = site_render_path(e.site, "/404", &body, &status, &ctype)) == 0) {
		snprintf(file, sizeof(file), "%s/404.html", e.dir);
		rc = write_file(file, body.ptr, body.len);
	}
	if (rc == 0)
		printf("exported %zu files (%zu bytes) to %s%s\n", e.n_files,
		    e.n_bytes, e.dir, e.n_failed ? " (some pages failed)" : "");
out:
	buf_release(&body);
	site_free(e.site);
	return rc;
}

const struct cmd cmd_export = {
	.name = "export",
	.summary = "write the public site as static files",
	.usage =
	    "usage: newsdesk export DIR\n"
	    "\n"
	    "Writes the public pages, feeds, sitemap and stylesheet to DIR as\n"
	    "static files, for a CDN or any web server: /item/12 becomes\n"
	    "DIR/item/12/index.html, /feed.xml becomes DIR/feed.xml, and the\n"
	    "not-found page is DIR/404.html. Absolute URLs in feeds use [desk]\n"
	    "base_url.\n",
	.run = export_run,
};
