/*
 * view_text: the article text an item page shows (issue 12), from the
 * text extraction stored (one paragraph per line, plain text). Each
 * paragraph becomes a TEXT value, so the template escapes it: an article
 * that contains markup shows it as words, never as markup.
 *
 * An excerpt is at most VIEW_EXCERPT_PARAS paragraphs and
 * VIEW_EXCERPT_CHARS characters, the last one cut at a word boundary;
 * the page then links to the original to continue.
 */
#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "render/tmpl.h"
#include "render/view.h"
#include "core/banned.h"

/* Characters (code points) in s[0..n). */
static size_t
n_chars(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

/* The byte length of s's first max characters, cut back to the last
 * space before them when there is one in the second half (a word is not
 * split), else to a character boundary. */
static size_t
cut_at_word(const char *s, size_t n, size_t max)
{
	size_t i = 0, k = 0, sp = 0;

	while (i < n && k < max) {
		if (s[i] == ' ')
			sp = i;
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		k++;
	}
	if (i < n && s[i] != ' ' && sp > i / 2)
		i = sp;
	while (i && str_isspace((unsigned char)s[i - 1]))
		i--;
	return i;
}

bool
view_item_text(struct tmpl_obj *o, struct arena *a, const char *text,
    bool full)
{
	struct tmpl_list *l = NULL;
	size_t left = VIEW_EXCERPT_CHARS, n_par = 0;
	bool cut = false;
	const char *p = text;

	if (!text)
		return false;
	while (*p) {
		const char *e = strchr(p, '\n'), *next;
		size_t len;

		if (!e)
			e = p + strlen(p);
		next = *e ? e + 1 : e;
		while (p < e && str_isspace((unsigned char)*p))
			p++;
		while (e > p && str_isspace((unsigned char)e[-1]))
			e--;
		len = (size_t)(e - p);
		if (len == 0) {
			p = next;
			continue;
		}
		if (!full && (n_par == VIEW_EXCERPT_PARAS || left == 0)) {
			cut = true;
			break;
		}
		if (!l)
			l = tmpl_set_list(o, "article_paras");
		if (!full && n_chars(p, len) > left) {
			size_t k = cut_at_word(p, len, left);

			tmpl_set_text(tmpl_list_add(l), "p", arena_printf(a,
			    "%.*s …", (int)k, p));
			cut = true;
			break;
		}
		tmpl_set_text(tmpl_list_add(l), "p", arena_strndup(a, p, len));
		if (!full)
			left -= n_chars(p, len);
		n_par++;
		p = next;
	}
	if (!l)
		return false;
	tmpl_set_bool(o, "has_article", true);
	tmpl_set_bool(o, full ? "article_full" : "article_excerpt", true);
	tmpl_set_bool(o, "article_cut", cut);
	return true;
}
