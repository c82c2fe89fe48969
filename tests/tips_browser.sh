#!/bin/sh
# issue 11: the tips form and the receipt page in headless Chromium with
# JavaScript disabled (tests/web/tips_test.mjs), against the real server
# on 127.0.0.1 and a store of its own. Screenshots go to
# tests/web/artifacts/. Skipped (exit 77) when chromium or playwright-core
# is missing.
set -eu
BIN=${NEWSDESK_BIN:-build/newsdesk}
top=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
case $BIN in /*) ;; *) BIN="$top/$BIN" ;; esac
if [ ! -x /usr/bin/chromium ] || [ ! -d "$top/tests/web/node_modules/playwright-core" ] ||
    [ ! -x "$top/tests/web/node_modules/.bin/html-validate" ] ||
    ! command -v node >/dev/null; then
	echo "tips_browser.sh: chromium or playwright-core missing (run scripts/setup.sh); skipped"
	exit 77
fi
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
pk=$("$BIN" tips keygen "$tmp/desk.key" 2>/dev/null)
cat >"$tmp/nd.ini" <<INI
[web]
access_log = $tmp/access.log
[tips]
public_key = $pk
rate_per_hour = 100
INI
export NEWSDESK_CONFIG="$tmp/nd.ini"
"$BIN" --db "$tmp/t.db" init >/dev/null 2>&1
"$BIN" --db "$tmp/t.db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
i=0
while ! grep -q '^newsdesk: serving' "$tmp/serve.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "server did not start" >&2
		cat "$tmp/serve.err" >&2
		exit 1
	fi
	sleep 0.1
done
url=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/serve.out")
node tests/web/tips_test.mjs "$url" "$BIN" "$tmp/t.db" "$tmp/desk.key" \
    "$top/tests/web/artifacts"
# every kind of tips page is valid HTML (html-validate, the site's rules)
curl -s -o "$tmp/form.html" "$url/tips"
tok=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$tmp/form.html" | head -n 1)
curl -s -o "$tmp/sent.html" -F "form_token=$tok" -F "message=valid?" "$url/tips"
curl -s -o "$tmp/refused.html" -F "message=no token" "$url/tips"
curl -s -o "$tmp/reply-form.html" "$url/tips/reply"
code=$(sed -n 's/.*<code>\([^<]*\)<\/code>.*/\1/p' "$tmp/sent.html" | head -n 1)
rtok=$(sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$tmp/reply-form.html" | head -n 1)
curl -s -o "$tmp/thread.html" --data-urlencode "form_token=$rtok" --data-urlencode "code=$code" "$url/tips/reply"
curl -s -o "$tmp/nomatch.html" --data-urlencode "form_token=$rtok" --data-urlencode "code=aaaa" "$url/tips/reply"
grep -q 'Your tip reached the desk' "$tmp/sent.html" &&
    grep -q 'No reply from the editors yet' "$tmp/thread.html" ||
    { echo "FAIL: tips pages for html-validate" >&2; exit 1; }
(cd tests/web && node_modules/.bin/html-validate -c .htmlvalidate.json \
    "$tmp/form.html" "$tmp/sent.html" "$tmp/refused.html" \
    "$tmp/reply-form.html" "$tmp/thread.html" "$tmp/nomatch.html") ||
    { echo "FAIL: html-validate" >&2; exit 1; }
echo "ok - the tips pages are valid HTML"
if grep -q '/tips' "$tmp/access.log" 2>/dev/null; then
	echo "FAIL: /tips in the access log" >&2
	exit 1
fi
