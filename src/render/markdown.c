/*
 * markdown: the body of a desk post, from its Markdown source to HTML a
 * page may show. cmark (CommonMark's reference library) renders in its
 * safe mode, which already drops raw HTML and javascript:/vbscript:/file:
 * and most data: links; the result then goes through the same allow-list
 * sanitizer as every feed's HTML (html_sanitize), so what an editor types
 * is held to the same rule as what an outlet sends. Images are dropped:
 * a post's photos are desk photos (resized, stripped, served from
 * /media/), never a URL that would make a reader's browser ask another
 * site.
 */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "render/html.h"
#include "core/banned.h"

int
render_markdown(struct arena *a, const char *md, size_t len,
    struct html *out)
{
	char *raw;

	if (!md)
		md = "";
	raw = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT |
	    CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
	if (!raw)
		return err_set(ND_ENOMEM, "render: markdown: out of memory");
	*out = html_sanitize_no_images(a, raw, strlen(raw));
	free(raw);
	return 0;
}
