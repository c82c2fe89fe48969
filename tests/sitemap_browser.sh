#!/bin/sh
# issue 8: the sitemaps readable in real headless Chromium under the CSP:
# /sitemap.xml of the demo store, then, on a store of 5,100 items, the
# sitemap index and two of its parts. Each names theme/sitemap.css in an
# <?xml-stylesheet?>; tests/web/sitemap_test.mjs checks the table, the
# strict CSP and a clean console. Skipped (exit 77) when chromium or
# playwright-core is missing.
set -eu
top=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
if [ ! -x /usr/bin/chromium ] || [ ! -d "$top/tests/web/node_modules/playwright-core" ] ||
    ! command -v node >/dev/null; then
	echo "sitemap_browser.sh: chromium or playwright-core missing (run scripts/setup.sh); skipped"
	exit 77
fi
. "$(dirname "$0")/web/lib.sh"
web_serve
rc=0
# the sitemap is valid XML that starts with the stylesheet instruction
curl -fsS "$url/sitemap.xml" >"$tmp/sitemap.xml"
xmllint --noout "$tmp/sitemap.xml" || rc=1
sed -n 2p "$tmp/sitemap.xml" | grep -q '^<?xml-stylesheet type="text/css" href="/static/sitemap.css?v=[0-9a-f]*"?>$' ||
	{ echo "sitemap_browser.sh: no stylesheet instruction in /sitemap.xml" >&2; rc=1; }
node tests/web/sitemap_test.mjs "$top/tests/web/artifacts/sitemap" "$url/sitemap.xml" 50 || rc=1
kill "$pid"; wait "$pid" || true; pid=""

big="$tmp/big.db"
python3 - "$tmp/big.xml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
            '<link>https://big.example/</link>')
    for i in range(5100):
        f.write('<item><title>Item %d</title><link>https://big.example/%d</link>'
                '<pubDate>%02d Jan 2023 %02d:%02d:00 GMT</pubDate></item>'
                % (i, i, 1 + i // 400, (i // 60) % 24, i % 60))
    f.write('</channel></rss>')
PY
"$BIN" --db "$big" init >/dev/null && "$BIN" --db "$big" ingest "$tmp/big.xml" >/dev/null
db=$big
web_serve
curl -fsS "$url/sitemap.xml" >"$tmp/index.xml"
xmllint --noout "$tmp/index.xml" || rc=1
grep -q '<sitemapindex' "$tmp/index.xml" || { echo "sitemap_browser.sh: no sitemap index" >&2; rc=1; }
grep -q '^<?xml-stylesheet type="text/css"' "$tmp/index.xml" ||
	{ echo "sitemap_browser.sh: no stylesheet instruction in the index" >&2; rc=1; }
node tests/web/sitemap_test.mjs "$top/tests/web/artifacts/sitemap" \
	"$url/sitemap.xml" 3 "$url/sitemap/pages.xml" 1 \
	"$url/sitemap/items-1.xml" 5000 "$url/sitemap/items-2.xml" 100 || rc=1
exit $rc
