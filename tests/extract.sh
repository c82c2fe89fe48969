#!/bin/sh
# End-to-end test of `newsdesk extract` (issue 12): --json on a file and on
# stdin, the kit's batch protocol (one JSON line per "PATH<TAB>URL" line,
# an {"error"} line for a page it cannot read, then the next page), a PDF
# with its reason, usage errors. The extractor itself is tested in
# tests/unit/test_extract.c; its quality by bench/extract.sh.
# Env: NEWSDESK_BIN. Prints one line per check; exits 1 if any failed.
set -u

BIN=${NEWSDESK_BIN:?NEWSDESK_BIN must name the newsdesk binary}
PY=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

check() {
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) - $1"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) - $1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
}

# field F of the JSON object on stdin
field() {
	"$PY" -c 'import json,sys
for line in sys.stdin:
    v = json.loads(line).get(sys.argv[1])
    print("null" if v is None else v if isinstance(v, str) else json.dumps(v))' "$1"
}

cat >"$tmp/a.html" <<'HTML'
<html lang="en"><head><title>Bridge closed | Gazette</title>
<meta property="og:image" content="/img/b.jpg"></head><body>
<nav><a href="/">Home</a></nav><article><h1>Bridge closed</h1>
<p>The river rose by two metres overnight, and the council met at dawn.</p>
<p>Engineers said the piers, built in 1911, had held in worse floods.</p>
</article><footer>Contact us</footer></body></html>
HTML
printf '%%PDF-1.7\n%%\342\343\317\323\n' >"$tmp/b.pdf"

out=$("$BIN" extract --json --url https://g.example/news/a "$tmp/a.html" | field text)
check "--json text" "$out" "The river rose by two metres overnight, and the council met at dawn.
Engineers said the piers, built in 1911, had held in worse floods."
out=$("$BIN" extract --json --url https://g.example/news/a "$tmp/a.html" | field lead_image)
check "--json lead_image resolved against --url" "$out" "https://g.example/img/b.jpg"
out=$("$BIN" extract --json - <"$tmp/a.html" | field title)
check "--json - reads stdin" "$out" "Bridge closed"
out=$("$BIN" extract --json "$tmp/b.pdf" | field reason)
check "a PDF is not an article" "$out" "not-html"
out=$("$BIN" extract --json "$tmp/b.pdf" | field text)
check "a PDF has null text" "$out" "null"

printf '%s\thttps://g.example/a\n%s/missing.html\t\n%s\t\n' "$tmp/a.html" \
	"$tmp" "$tmp/b.pdf" >"$tmp/batch"
"$BIN" extract --batch <"$tmp/batch" >"$tmp/out"
check "--batch exits 0" "$?" "0"
check "--batch answers one line per page" "$(wc -l <"$tmp/out" | tr -d ' ')" "3"
out=$(sed -n 1p "$tmp/out" | field title)
check "--batch page 1" "$out" "Bridge closed"
out=$(sed -n 2p "$tmp/out" | "$PY" -c 'import json,sys; print("error" in json.loads(sys.stdin.read()))')
check "--batch unreadable page answers an error" "$out" "True"
out=$(sed -n 3p "$tmp/out" | field reason)
check "--batch goes on after an error" "$out" "not-html"

"$BIN" extract --json >/dev/null 2>&1
check "--json without FILE is a usage error" "$?" "2"
"$BIN" extract --json --batch "$tmp/a.html" >/dev/null 2>&1
check "--json and --batch together is a usage error" "$?" "2"
"$BIN" extract --json "$tmp/nope.html" >/dev/null 2>"$tmp/err"
check "a missing file exits 1" "$?" "1"
grep -q 'nope.html' "$tmp/err"
check "the message names the file" "$?" "0"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
