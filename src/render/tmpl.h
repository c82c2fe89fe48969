/*
 * tmpl: the template renderer, a small Mustache-like language for the
 * theme's HTML files. Escaped by default: a value is TEXT or HTML, and
 * {{x}} escapes TEXT and passes HTML (a struct html, see html.h)
 * unchanged. There is no raw form for TEXT.
 *
 *   {{name}} {{a.b}}       a value, looked up from the innermost context out
 *   {{#name}}..{{/name}}   a list: once per element (the element is the
 *                          context); an object: once with it as context;
 *                          anything else: once if truthy
 *   {{^name}}..{{/name}}   once if name is missing, false, 0, "" or empty
 *   {{>name}}              another template of the set (depth-limited)
 *   {{! comment }}
 *
 * Templates are parsed once (tmpl_set_load at startup, so an operator edits
 * the theme without recompiling) and are immutable afterwards: rendering is
 * thread-safe. Values are built per render in the caller's arena.
 */
#ifndef ND_RENDER_TMPL_H
#define ND_RENDER_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "render/html.h"

struct arena;
struct tmpl;
struct tmpl_set;
struct tmpl_obj;
struct tmpl_list;

/* ---- values (all allocated in the arena given to tmpl_obj_new) ---- */
struct tmpl_obj *tmpl_obj_new(struct arena *a);
/* raw NULL leaves the key unset (so {{#key}} is false). */
void tmpl_set_text(struct tmpl_obj *o, const char *key, const char *raw);
void tmpl_set_html(struct tmpl_obj *o, const char *key, struct html h);
void tmpl_set_int(struct tmpl_obj *o, const char *key, long long v);
void tmpl_set_bool(struct tmpl_obj *o, const char *key, bool v);
struct tmpl_obj *tmpl_set_obj(struct tmpl_obj *o, const char *key);
struct tmpl_list *tmpl_set_list(struct tmpl_obj *o, const char *key);
/* Appends an empty object to the list and returns it. */
struct tmpl_obj *tmpl_list_add(struct tmpl_list *l);
size_t tmpl_list_len(const struct tmpl_list *l);

/* ---- templates ---- */
/*
 * Parses one template from memory. *out lives in a. ND_EPARSE with
 * "name:line: ..." in err_msg() for an unclosed or mismatched section,
 * an unterminated tag or an empty name. Thread-safe.
 */
int tmpl_parse(struct tmpl **out, struct arena *a, const char *name,
    const char *src, size_t len);

/*
 * Loads every *.html file of dir as a template named after the file
 * without ".html". ND_ENOTFOUND when dir cannot be read, ND_EPARSE as
 * above. Caller frees with tmpl_set_free.
 */
int tmpl_set_load(struct tmpl_set **out, const char *dir);
/* An empty set, to which tmpl_set_add adds templates parsed from memory. */
struct tmpl_set *tmpl_set_new(void);
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len);
void tmpl_set_free(struct tmpl_set *set);
bool tmpl_set_has(const struct tmpl_set *set, const char *name);

/*
 * Renders template name of set with ctx into pg. ND_ENOTFOUND when there is
 * no such template, ND_ETOOBIG when the page buffer's cap is hit (the
 * page is then incomplete). Thread-safe.
 */
int tmpl_render(struct page *pg, const struct tmpl_set *set,
    const char *name, const struct tmpl_obj *ctx);
/* The same for a template parsed with tmpl_parse (partials not found). */
int tmpl_render_one(struct page *pg, const struct tmpl *t,
    const struct tmpl_obj *ctx);

#endif
