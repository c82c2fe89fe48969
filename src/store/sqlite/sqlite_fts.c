/*
 * store_fts: the "nd" FTS5 tokenizer. It is a thin adapter: all word rules
 * live in core/text.c so that indexing, querying and the analysis stages
 * split and stem text the same way.
 *
 * Documents (and snippet()/highlight(), which re-tokenize stored text and
 * must see the same positions) get TEXT_INDEX: the stem plus colocated
 * variants. Queries get TEXT_QUERY, whose colocated forms FTS5 treats as
 * alternatives (OR) for the one position.
 *
 * Also the nd_bm25 ranking function, FTS5's bm25 with bounded work.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "core/err.h"
#include "core/text.h"
#include "store/sqlite/sqlite_int.h"
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

/*
 * nd_bm25(item_fts, n_words, w0, w1, ...): FTS5's bm25 (k1 1.2, b 0.75,
 * column weights w0...) with two changes, both for bounded work on a large
 * index:
 *  - only the first n_words phrases are scored (the query's words); the
 *    rest are filter tokens (store_search) and weigh nothing;
 *  - a phrase's document frequency, which FTS5's bm25 gets by walking the
 *    phrase's whole doclist (every match, on the first row), is counted up
 *    to IDF_SAMPLE matches and, past that, extrapolated from how densely
 *    those matches sit among the rowids. IDF is a logarithm, so the
 *    estimate ranks like the exact count.
 * and one addition, for headlines: when the title (column 0) holds every
 * word of the query that carries weight (a word so common that its IDF is
 * under STOP_IDF, "the", "of", is a stop word here: it still has to match,
 * but not in the title), the score is multiplied by TITLE_BOOST, and by
 * TITLE_BOOST again when the title has no other word. So the article
 * titled "The Curious Case of the Curious Case" outranks a long text that
 * mentions a curious case in passing.
 */
#define STOP_IDF 0.1
#define TITLE_BOOST 3.0
#define IDF_SAMPLE 1000

struct idf_count {
	const Fts5ExtensionApi *api;
	int64_t n, first, last;
};

struct bm25_data {
	int n_phrase;
	double avgdl;
	double *idf;                 /* n_phrase; 0 for filter phrases */
	double *freq;                /* n_phrase, scratch */
	double *title;               /* n_phrase, scratch: 1 = in the title */
};

static int
idf_count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *payload)
{
	struct idf_count *c = payload;
	int64_t rowid = api->xRowid(fts);

	if (c->n == 0)
		c->first = rowid;
	c->last = rowid;
	return ++c->n >= IDF_SAMPLE ? SQLITE_DONE : SQLITE_OK;
}

static void
bm25_data_free(void *p)
{
	sqlite3_free(p);
}

static int
bm25_data(const Fts5ExtensionApi *api, Fts5Context *fts, int n_words,
    struct bm25_data **out)
{
	struct bm25_data *d = api->xGetAuxdata(fts, 0);
	sqlite3_int64 n_row = 0, n_tok = 0;
	int rc, n;

	if (d) {
		*out = d;
		return SQLITE_OK;
	}
	n = api->xPhraseCount(fts);
	d = sqlite3_malloc64(sizeof(*d) + 3 * (size_t)n * sizeof(double));
	if (!d)
		return SQLITE_NOMEM;
	d->n_phrase = n;
	d->idf = (double *)(d + 1);
	d->freq = d->idf + n;
	d->title = d->freq + n;
	if ((rc = api->xRowCount(fts, &n_row)) != SQLITE_OK ||
	    (rc = api->xColumnTotalSize(fts, -1, &n_tok)) != SQLITE_OK) {
		sqlite3_free(d);
		return rc;
	}
	d->avgdl = n_row ? (double)n_tok / (double)n_row : 1.0;
	for (int i = 0; i < n; i++) {
		struct idf_count c = { api, 0, 0, 0 };
		double hits, idf;

		d->idf[i] = 0;
		if (i >= n_words)
			continue;
		if ((rc = api->xQueryPhrase(fts, i, &c, idf_count_cb)) !=
		    SQLITE_OK) {
			sqlite3_free(d);
			return rc;
		}
		hits = (double)c.n;
		if (c.n >= IDF_SAMPLE) {
			/* density among the rowids the sample spans */
			int64_t span = c.last > c.first ? c.last - c.first + 1 :
			    c.first - c.last + 1;

			hits = (double)n_row * (double)c.n / (double)span;
			if (hits < (double)c.n)
				hits = (double)c.n;
			if (hits > (double)n_row)
				hits = (double)n_row;
		}
		idf = log(((double)n_row - hits + 0.5) / (hits + 0.5));
		d->idf[i] = idf > 1e-6 ? idf : 1e-6;
	}
	if ((rc = api->xSetAuxdata(fts, d, bm25_data_free)) != SQLITE_OK)
		return rc;             /* xSetAuxdata freed d */
	*out = d;
	return SQLITE_OK;
}

static void
nd_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int n_val, sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	struct bm25_data *d = NULL;
	double score = 0, dl;
	int rc, n_inst = 0, n_tok = 0, n_words, n_title = 0, in_title = 0;
	bool covered = true;

	n_words = n_val > 0 ? sqlite3_value_int(val[0]) : 0;
	if ((rc = bm25_data(api, fts, n_words, &d)) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < d->n_phrase; i++)
		d->freq[i] = d->title[i] = 0;
	if ((rc = api->xInstCount(fts, &n_inst)) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < n_inst; i++) {
		int ip, ic, io;

		if ((rc = api->xInst(fts, i, &ip, &ic, &io)) != SQLITE_OK)
			goto fail;
		if (ip < n_words) {
			d->freq[ip] += 1 + ic < n_val ?
			    sqlite3_value_double(val[1 + ic]) : 1.0;
			if (ic == 0) {
				d->title[ip] = 1;
				in_title++;
			}
		}
	}
	if ((rc = api->xColumnSize(fts, -1, &n_tok)) != SQLITE_OK)
		goto fail;
	dl = (double)n_tok;
	for (int i = 0; i < n_words && i < d->n_phrase; i++) {
		score += d->idf[i] * (d->freq[i] * (k1 + 1)) /
		    (d->freq[i] + k1 * (1 - b + b * dl / d->avgdl));
		if (d->idf[i] >= STOP_IDF && !d->title[i])
			covered = false;
	}
	if (n_words > 0 && covered && in_title > 0) {
		score *= TITLE_BOOST;
		if ((rc = api->xColumnSize(fts, 0, &n_title)) != SQLITE_OK)
			goto fail;
		if (n_title <= in_title)
			score *= TITLE_BOOST;
	}
	sqlite3_result_double(ctx, -score);
	return;
fail:
	sqlite3_result_error_code(ctx, rc);
}

/* ---- merging the index ---- */

static int
fts_segments(struct store *st, size_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc = 0;

	if ((rc = store_stmt_get(st, ST_FTS_SEGMENTS, &stmt)) < 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = (size_t)sqlite3_column_int64(stmt, 0);
	else
		rc = store_db_err(st, "count index segments");
	store_stmt_put(stmt);
	return rc;
}

int
store_sqlite_search_optimize(struct store *st, size_t *out_before,
    size_t *out_after)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if ((rc = fts_segments(st, out_before)) < 0)
		return rc;
	if (*out_before > 1) {
		if ((rc = store_stmt_get(st, ST_FTS_OPTIMIZE, &stmt)) < 0)
			return rc;
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = store_db_err(st, "merge the search index");
		store_stmt_put(stmt);
		if (rc < 0)
			return rc;
	}
	return fts_segments(st, out_after);
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
	else if (api->xCreateFunction(api, "nd_bm25", NULL, nd_bm25, NULL) !=
	    SQLITE_OK)
		rc = err_set(ND_EIO, "store: cannot register nd_bm25: %s",
		    sqlite3_errmsg(db));
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* One step of the merge `run` does at its quiet hour (issue 8). FTS5's
 * 'merge' with -N first puts every segment on one level, then merges
 * them, writing about N pages per call; the docs say a call that changes
 * fewer than two rows means the index is as 'optimize' leaves it. */
int
store_sqlite_search_merge_step(struct store *st, int pages, bool *out_is_done,
    size_t *out_segments)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3 *db = SQ(st)->db;
	sqlite3_int64 before;
	int rc = 0;

	*out_is_done = false;
	if (pages == 0) {
		if ((rc = fts_segments(st, out_segments)) == 0)
			*out_is_done = *out_segments <= 1;
		return rc;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO item_fts (item_fts, rank) "
	    "VALUES ('merge', ?1)", -1, &stmt, NULL) != SQLITE_OK)
		return store_db_err(st, "prepare index merge");
	sqlite3_bind_int(stmt, 1, -(pages > 0 ? pages : -pages));
	before = sqlite3_total_changes64(db);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_db_err(st, "merge the search index");
	sqlite3_finalize(stmt);
	if (rc < 0)
		return rc;
	*out_is_done = sqlite3_total_changes64(db) - before < 2;
	return fts_segments(st, out_segments);
}
