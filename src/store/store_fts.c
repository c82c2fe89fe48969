/*
 * store_fts: the "nd" FTS5 tokenizer. It is a thin adapter: all word rules
 * live in core/text.c so that indexing, querying and the analysis stages
 * split and stem text the same way.
 *
 * Documents (and snippet()/highlight(), which re-tokenize stored text and
 * must see the same positions) get TEXT_INDEX: the stem plus colocated
 * variants. Queries get TEXT_QUERY, whose colocated forms FTS5 treats as
 * alternatives (OR) for the one position.
 */
#include <sqlite3.h>

#include "core/err.h"
#include "core/text.h"
#include "store/store_int.h"
#include "core/banned.h"

struct tok_ctx {
	void *fts_ctx;
	int (*x_token)(void *, int, const char *, int, int, int);
};

static int
tok_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct text_analyzer *ta = NULL;

	(void)unused;
	(void)argv;
	(void)argc;
	if (text_analyzer_new(&ta) < 0)
		return SQLITE_ERROR;
	*out = (Fts5Tokenizer *)ta;
	return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *tok)
{
	text_analyzer_free((struct text_analyzer *)tok);
}

static int
on_token(const char *tok, size_t len, size_t start, size_t end,
    bool is_colocated, void *payload)
{
	struct tok_ctx *c = payload;

	return c->x_token(c->fts_ctx, is_colocated ? FTS5_TOKEN_COLOCATED : 0,
	    tok, (int)len, (int)start, (int)end);
}

static int
tok_tokenize(Fts5Tokenizer *tok, void *fts_ctx, int flags, const char *text,
    int n, int (*x_token)(void *, int, const char *, int, int, int))
{
	struct tok_ctx c = { fts_ctx, x_token };
	int mode = (flags & FTS5_TOKENIZE_QUERY) ? TEXT_QUERY : TEXT_INDEX;

	if (n <= 0)
		return SQLITE_OK;
	return text_tokenize((struct text_analyzer *)tok, text, (size_t)n, mode,
	    on_token, &c);
}

int
store_fts_register(sqlite3 *db)
{
	static fts5_tokenizer tokenizer = { tok_create, tok_delete,
		tok_tokenize };
	sqlite3_stmt *stmt = NULL;
	fts5_api *api = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		rc = err_set(ND_EIO, "store: fts5 unavailable: %s",
		    sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	if (!api || api->iVersion < 2) {
		rc = err_set(ND_EIO, "store: fts5 api unavailable");
		goto out;
	}
	if (api->xCreateTokenizer(api, "nd", NULL, &tokenizer, NULL) !=
	    SQLITE_OK)
		rc = err_set(ND_EIO, "store: cannot register tokenizer: %s",
		    sqlite3_errmsg(db));
out:
	sqlite3_finalize(stmt);
	return rc;
}
