#!/bin/sh
# issue 4: the public site over HTTP, against a real `newsdesk serve` on a
# temporary store filled from the demo feeds and hostile fixtures
# (tests/data/web: the XSS canary in every field). The checks are in
# tests/web/http_test.py.
set -eu
. "$(dirname "$0")/web/lib.sh"
web_serve
rc=0
python3 tests/web/http_test.py "$url" "$BIN" "$db" "$tmp" || rc=$?
# graceful stop: SIGTERM ends the process with status 0
kill -TERM "$pid"
if ! wait "$pid"; then
	echo "web.sh: serve did not exit cleanly on SIGTERM" >&2
	rc=1
fi
pid=""
# issue 8: past 5,000 items /sitemap.xml is a sitemap index whose parts
# list every item (before, items past the newest 1,000 were in none)
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
"$BIN" --db "$big" serve --listen 127.0.0.1:0 >"$tmp/big.out" 2>"$tmp/big.err" &
pid=$!
i=0
while ! grep -q '^newsdesk: serving' "$tmp/big.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
bigurl=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/big.out")
python3 - "$bigurl" "$big" <<'PY' || rc=1
import re, sqlite3, sys, urllib.request
base, db = sys.argv[1:3]
def get(p):
    return urllib.request.urlopen(base + p).read().decode()
idx = get("/sitemap.xml")
assert "<sitemapindex" in idx, idx[:300]
parts = re.findall(r"<loc>([^<]*)</loc>", idx)
seen = set()
for p in parts:
    body = get(p[p.index("/sitemap/"):])
    assert "<urlset" in body
    seen.update(int(x) for x in re.findall(r"/item/(\d+)</loc>", body))
ids = {r[0] for r in sqlite3.connect(db).execute("select id from items")}
assert len(ids) == 5100 and seen == ids, (len(ids), len(seen))
print("ok - issue 8: sitemap index of %d parts lists all %d items" % (len(parts), len(ids)))
# every match of a search is reachable: the pages of the ranked window,
# then "Older matches" (the same search up to an earlier day), and so on
found, url, hops = set(), "/search?q=item", 0
while url and hops < 40:
    hops += 1
    page, older = url, None
    while page:
        body = get(page)
        found.update(int(x) for x in re.findall(r'<h2><a href="/item/(\d+)"', body))
        m = re.search(r'<a rel="next" href="([^"]*)"', body)
        o = re.search(r'<a href="([^"]*)">Older matches', body)
        older = older or (o and o.group(1).replace("&amp;", "&"))
        page = m and m.group(1).replace("&amp;", "&")
    url = older
assert found == ids, (len(found), len(ids))
print("ok - issue 8: all %d matches reached through %d searches" % (len(found), hops))
PY
kill "$pid"; wait "$pid" || true; pid=""
# the same pages as static files
if "$BIN" --db "$db" export "$tmp/site" >/dev/null; then
	python3 tests/web/check_export.py "$tmp/site" 80 || rc=1
else
	echo "web.sh: export failed" >&2
	rc=1
fi
exit $rc
