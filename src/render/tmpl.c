/*
 * tmpl: see tmpl.h. A template is parsed into a flat array of nodes; a
 * section node records the index just past its closing tag, so rendering
 * is a loop over a range with recursion only into sections. Values are a
 * tiny tree of objects and lists; lookups are linear scans because a
 * context holds a dozen keys at most.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xmalloc.h"
#include "render/tmpl.h"
#include "core/banned.h"

#define MAX_DEPTH 32        /* nested contexts and partials */
#define MAX_TEMPLATE (1 << 20)

enum vtype { V_NONE, V_TEXT, V_HTML, V_INT, V_BOOL, V_LIST, V_OBJ };

struct val {
	enum vtype type;
	union {
		const char *s;
		struct html h;
		long long i;
		bool b;
		struct tmpl_list *list;
		struct tmpl_obj *obj;
	} u;
};

struct tmpl_obj {
	struct arena *a;
	size_t n, cap;
	const char **keys;
	struct val *vals;
};

struct tmpl_list {
	struct arena *a;
	size_t n, cap;
	struct tmpl_obj **items;
};

enum ntype { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
	enum ntype type;
	const char *s;       /* text, or the name */
	size_t len;
	size_t end;          /* sections: index after the closing node */
};

struct tmpl {
	const char *name;
	struct node *nodes;
	size_t n;
};

struct tmpl_set {
	struct arena a;
	struct tmpl **t;
	size_t n, cap;
};

/* ---- values ---- */

struct tmpl_obj *
tmpl_obj_new(struct arena *a)
{
	struct tmpl_obj *o = arena_zalloc(a, sizeof(*o));

	o->a = a;
	return o;
}

static struct val *
slot(struct tmpl_obj *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->vals[i];
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 8;

		o->keys = arena_realloc(o->a, o->keys, o->n * sizeof(*o->keys),
		    nc * sizeof(*o->keys));
		o->vals = arena_realloc(o->a, o->vals, o->n * sizeof(*o->vals),
		    nc * sizeof(*o->vals));
		o->cap = nc;
	}
	o->keys[o->n] = key;
	o->vals[o->n].type = V_NONE;
	return &o->vals[o->n++];
}

void
tmpl_set_text(struct tmpl_obj *o, const char *key, const char *raw)
{
	struct val *v;

	if (!raw)
		return;
	v = slot(o, key);
	v->type = V_TEXT;
	v->u.s = raw;
}

void
tmpl_set_html(struct tmpl_obj *o, const char *key, struct html h)
{
	struct val *v = slot(o, key);

	v->type = V_HTML;
	v->u.h = h;
}

void
tmpl_set_int(struct tmpl_obj *o, const char *key, long long i)
{
	struct val *v = slot(o, key);

	v->type = V_INT;
	v->u.i = i;
}

void
tmpl_set_bool(struct tmpl_obj *o, const char *key, bool b)
{
	struct val *v = slot(o, key);

	v->type = V_BOOL;
	v->u.b = b;
}

struct tmpl_obj *
tmpl_set_obj(struct tmpl_obj *o, const char *key)
{
	struct val *v = slot(o, key);

	v->type = V_OBJ;
	v->u.obj = tmpl_obj_new(o->a);
	return v->u.obj;
}

struct tmpl_list *
tmpl_set_list(struct tmpl_obj *o, const char *key)
{
	struct val *v = slot(o, key);

	v->type = V_LIST;
	v->u.list = arena_zalloc(o->a, sizeof(*v->u.list));
	v->u.list->a = o->a;
	return v->u.list;
}

struct tmpl_obj *
tmpl_list_add(struct tmpl_list *l)
{
	ARENA_GROW(l->a, l->items, l->n, l->n + 1, l->cap);
	l->items[l->n] = tmpl_obj_new(l->a);
	return l->items[l->n++];
}

size_t
tmpl_list_len(const struct tmpl_list *l)
{
	return l ? l->n : 0;
}

/* ---- parsing ---- */

static bool
name_ok(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!str_isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static int
line_of(const char *src, const char *at)
{
	int line = 1;

	for (; src < at; src++)
		line += *src == '\n';
	return line;
}

int
tmpl_parse(struct tmpl **out, struct arena *a, const char *name,
    const char *src, size_t len)
{
	struct tmpl *t = arena_zalloc(a, sizeof(*t));
	size_t cap = 0, open[MAX_DEPTH], nopen = 0;
	const char *p = src, *end = src + len;

	*out = NULL;
	if (len > MAX_TEMPLATE)
		return err_set(ND_ETOOBIG, "%s: template larger than %d bytes",
		    name, MAX_TEMPLATE);
	t->name = arena_strdup(a, name);
	while (p < end) {
		const char *tag = memmem(p, (size_t)(end - p), "{{", 2);
		const char *close, *s;
		struct node *nd;
		size_t n;
		char sigil;

		if (!tag)
			tag = end;
		if (tag > p) {
			ARENA_GROW(a, t->nodes, t->n, t->n + 1, cap);
			t->nodes[t->n++] = (struct node){ N_TEXT, p,
			    (size_t)(tag - p), 0 };
		}
		if (tag == end)
			break;
		close = memmem(tag + 2, (size_t)(end - tag - 2), "}}", 2);
		if (!close)
			return err_set(ND_EPARSE, "%s:%d: unterminated tag",
			    name, line_of(src, tag));
		p = close + 2;
		s = tag + 2;
		sigil = *s;
		if (sigil == '!')
			continue;
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>')
			s++;
		else
			sigil = 0;
		{
			struct str nm = str_trim(str_make(s, (size_t)(close - s)));

			s = nm.p;
			n = nm.len;
		}
		if (!name_ok(s, n))
			return err_set(ND_EPARSE, "%s:%d: bad tag name",
			    name, line_of(src, tag));
		if (sigil == '/') {
			struct node *o;

			if (!nopen)
				return err_set(ND_EPARSE,
				    "%s:%d: {{/%.*s}} closes nothing", name,
				    line_of(src, tag), (int)n, s);
			o = &t->nodes[open[--nopen]];
			if (o->len != n || memcmp(o->s, s, n) != 0)
				return err_set(ND_EPARSE,
				    "%s:%d: {{/%.*s}} closes {{#%.*s}}", name,
				    line_of(src, tag), (int)n, s, (int)o->len,
				    o->s);
			o->end = t->n;
			continue;
		}
		ARENA_GROW(a, t->nodes, t->n, t->n + 1, cap);
		nd = &t->nodes[t->n];
		nd->s = s;
		nd->len = n;
		nd->end = 0;
		nd->type = sigil == '#' ? N_SECTION : sigil == '^' ?
		    N_INVERTED : sigil == '>' ? N_PARTIAL : N_VAR;
		if (sigil == '#' || sigil == '^') {
			if (nopen == MAX_DEPTH)
				return err_set(ND_EPARSE,
				    "%s:%d: sections nested too deep", name,
				    line_of(src, tag));
			open[nopen++] = t->n;
		}
		t->n++;
	}
	if (nopen) {
		struct node *o = &t->nodes[open[nopen - 1]];

		return err_set(ND_EPARSE, "%s:%d: {{#%.*s}} is not closed",
		    name, line_of(src, o->s), (int)o->len, o->s);
	}
	*out = t;
	return 0;
}

/* ---- rendering ---- */

struct rctx {
	struct page *pg;
	const struct tmpl_set *set;
	const struct tmpl_obj *stack[MAX_DEPTH];
	size_t depth;
	int partials;
};

static const struct val *
obj_get(const struct tmpl_obj *o, const char *s, size_t len)
{
	if (!o)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strlen(o->keys[i]) == len && memcmp(o->keys[i], s, len) == 0)
			return &o->vals[i];
	return NULL;
}

static const struct val *
lookup(const struct rctx *r, const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);
	size_t first = dot ? (size_t)(dot - s) : len;
	const struct val *v = NULL;

	if (len == 1 && s[0] == '.')
		return NULL;
	for (size_t i = r->depth; i-- > 0 && !v;)
		v = obj_get(r->stack[i], s, first);
	while (v && dot) {
		const char *rest = dot + 1;
		size_t rlen = len - (size_t)(rest - s);
		const char *nd = memchr(rest, '.', rlen);
		size_t seg = nd ? (size_t)(nd - rest) : rlen;

		v = v->type == V_OBJ ? obj_get(v->u.obj, rest, seg) : NULL;
		dot = nd;
	}
	return v;
}

static bool
truthy(const struct val *v)
{
	if (!v)
		return false;
	switch (v->type) {
	case V_NONE: return false;
	case V_TEXT: return v->u.s[0] != '\0';
	case V_HTML: return v->u.h.len > 0;
	case V_INT: return v->u.i != 0;
	case V_BOOL: return v->u.b;
	case V_LIST: return v->u.list->n > 0;
	case V_OBJ: return true;
	}
	return false;
}

static void
escape_into(struct buf *b, const char *s)
{
	buf_add_escaped(b, s, strlen(s), BUF_ESC_ALL);
}

static int render_range(struct rctx *r, const struct tmpl *t, size_t from,
    size_t to);

static const struct tmpl *
set_find(const struct tmpl_set *set, const char *s, size_t len)
{
	if (!set)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->t[i]->name) == len &&
		    memcmp(set->t[i]->name, s, len) == 0)
			return set->t[i];
	return NULL;
}

static int
push(struct rctx *r, const struct tmpl_obj *o)
{
	if (r->depth == MAX_DEPTH)
		return err_set(ND_EINVAL, "template: contexts nested too deep");
	r->stack[r->depth++] = o;
	return 0;
}

static int
render_range(struct rctx *r, const struct tmpl *t, size_t from, size_t to)
{
	struct buf *b = &r->pg->b;
	int rc;

	for (size_t i = from; i < to; i++) {
		const struct node *nd = &t->nodes[i];
		const struct val *v;

		switch (nd->type) {
		case N_TEXT:
			buf_add(b, nd->s, nd->len);
			break;
		case N_VAR:
			v = lookup(r, nd->s, nd->len);
			if (!v)
				break;
			if (v->type == V_TEXT)
				escape_into(b, v->u.s);
			else if (v->type == V_HTML)
				buf_add(b, v->u.h.p, v->u.h.len);
			else if (v->type == V_INT)
				buf_addf(b, "%lld", v->u.i);
			break;
		case N_SECTION:
			v = lookup(r, nd->s, nd->len);
			if (v && v->type == V_LIST) {
				for (size_t k = 0; k < v->u.list->n; k++) {
					if ((rc = push(r, v->u.list->items[k])) < 0)
						return rc;
					rc = render_range(r, t, i + 1, nd->end);
					r->depth--;
					if (rc < 0)
						return rc;
				}
			} else if (v && v->type == V_OBJ) {
				if ((rc = push(r, v->u.obj)) < 0)
					return rc;
				rc = render_range(r, t, i + 1, nd->end);
				r->depth--;
				if (rc < 0)
					return rc;
			} else if (truthy(v)) {
				if ((rc = render_range(r, t, i + 1, nd->end)) < 0)
					return rc;
			}
			i = nd->end - 1;
			break;
		case N_INVERTED:
			v = lookup(r, nd->s, nd->len);
			if (!truthy(v) &&
			    (rc = render_range(r, t, i + 1, nd->end)) < 0)
				return rc;
			i = nd->end - 1;
			break;
		case N_PARTIAL: {
			const struct tmpl *pt = set_find(r->set, nd->s, nd->len);

			if (!pt)
				return err_set(ND_ENOTFOUND,
				    "%s: no template '%.*s'", t->name,
				    (int)nd->len, nd->s);
			if (++r->partials > MAX_DEPTH)
				return err_set(ND_EINVAL,
				    "%s: partials nested too deep", t->name);
			rc = render_range(r, pt, 0, pt->n);
			r->partials--;
			if (rc < 0)
				return rc;
			break;
		}
		}
	}
	return buf_err(b);
}

int
tmpl_render_one(struct page *pg, const struct tmpl *t,
    const struct tmpl_obj *ctx)
{
	struct rctx r = { .pg = pg, .set = NULL };

	if (ctx)
		r.stack[r.depth++] = ctx;
	return render_range(&r, t, 0, t->n);
}

int
tmpl_render(struct page *pg, const struct tmpl_set *set, const char *name,
    const struct tmpl_obj *ctx)
{
	const struct tmpl *t = set_find(set, name, strlen(name));
	struct rctx r = { .pg = pg, .set = set };

	if (!t)
		return err_set(ND_ENOTFOUND, "theme: no template '%s'", name);
	if (ctx)
		r.stack[r.depth++] = ctx;
	return render_range(&r, t, 0, t->n);
}

/* ---- sets ---- */

struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));

	arena_init(&set->a);
	return set;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	arena_release(&set->a);
	free(set);
}

bool
tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set_find(set, name, strlen(name)) != NULL;
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len)
{
	struct tmpl *t;
	char *copy = arena_strndup(&set->a, src, len);
	int rc;

	if ((rc = tmpl_parse(&t, &set->a, name, copy, len)) < 0)
		return rc;
	ARENA_GROW(&set->a, set->t, set->n, set->n + 1, set->cap);
	set->t[set->n++] = t;
	return 0;
}

int
tmpl_set_load(struct tmpl_set **out, const char *dir)
{
	struct tmpl_set *set = NULL;
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	*out = NULL;
	if (!d)
		return err_set(ND_ENOTFOUND, "theme: %s: cannot read folder", dir);
	set = tmpl_set_new();
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct buf b = BUF_INIT(MAX_TEMPLATE);
		char *path, *name;

		if (n <= 5 || strcmp(de->d_name + n - 5, ".html") != 0 ||
		    de->d_name[0] == '.')
			continue;
		path = arena_printf(&set->a, "%s/%s", dir, de->d_name);
		name = arena_strndup(&set->a, de->d_name, n - 5);
		if ((rc = buf_read_file(&b, path)) == 0 &&
		    (rc = tmpl_set_add(set, name, b.ptr, b.len)) < 0) {
			/* "home:3: ..." becomes "theme/home.html:3: ...", the
			 * file an operator has to open */
			const char *msg = err_msg();
			size_t nl = strlen(name);

			if (strncmp(msg, name, nl) == 0 && msg[nl] == ':') {
				char *copy = arena_strdup(&set->a, msg + nl);

				err_set(rc, "%s%s", path, copy);
			}
		}
		buf_release(&b);
		if (rc < 0)
			goto out;
	}
out:
	closedir(d);
	if (rc < 0) {
		tmpl_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}
