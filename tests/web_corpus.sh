#!/bin/sh
# issue 8 ("Real feeds, real readers"), what done means: the feed kit's 273
# real feeds (../shared/eval/feeds/corpus, or $NEWSDESK_EVAL/feeds/corpus)
# ingested into a fresh store and served; every page fetched and checked
# (tests/web/corpus_check.py): no markup or entity text in any headline or
# <title>, no "(untitled)", no invented date; every page valid HTML
# (html-validate); no horizontal overflow at 390 px in Chromium for the
# pages of the longest headlines (tests/web/corpus_test.mjs).
# A missing corpus or missing tools fail (CI has them: scripts/setup.sh).
set -eu
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
corpus=${NEWSDESK_EVAL:-$SRC/../shared/eval}/feeds/corpus
if [ ! -d "$corpus" ]; then
	echo "web_corpus.sh: the feed kit's corpus is missing: $corpus (set NEWSDESK_EVAL)" >&2
	exit 1
fi
web=$SRC/tests/web
for m in playwright-core html-validate; do
	if [ ! -d "$web/node_modules/$m" ]; then
		echo "web_corpus.sh: $web/node_modules/$m is missing (run scripts/setup.sh)" >&2
		exit 1
	fi
done
if [ ! -x /usr/bin/chromium ]; then
	echo "web_corpus.sh: /usr/bin/chromium is missing (run scripts/setup.sh)" >&2
	exit 1
fi
tmp=$(mktemp -d /tmp/nd-test-corpus.XXXXXX)
pid=
cleanup() {
	set +e
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
printf '[desk]\ntimezone = America/New_York\n' >"$tmp/newsdesk.ini"
export NEWSDESK_CONFIG="$tmp/newsdesk.ini"
db=$tmp/corpus.db
"$BIN" --db "$db" init >/dev/null
# manifest.json is not a feed: reported, skipped, exit 1; the rest go in
"$BIN" --db "$db" ingest "$corpus" >"$tmp/ingest.out" 2>"$tmp/ingest.err" || true
cat "$tmp/ingest.out"
if grep -v "manifest.json: not a feed\|1 of .* files failed" "$tmp/ingest.err" | grep -q .; then
	cat "$tmp/ingest.err"; echo "not ok - ingest: only manifest.json may fail"; exit 1
fi
"$BIN" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
i=0
while ! grep -q '^newsdesk: serving' "$tmp/serve.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$tmp/serve.err" >&2; echo "not ok - serve"; exit 1
	fi
	sleep 0.1
done
url=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/serve.out")
rc=0
python3 "$web/corpus_check.py" "$url" "$db" "$tmp/pages" || rc=1
(cd "$web" && node corpus_test.mjs "$url" "$tmp/pages") || rc=1
exit $rc
