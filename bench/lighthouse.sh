#!/bin/sh
# issue 8: Lighthouse (npm lighthouse@12.2.3 from tests/web/node_modules,
# installed by scripts/setup.sh, with Debian's /usr/bin/chromium) on the
# front page, an item page, a search page and a desk post (issue 10) of
# the demo beat, served by
# `newsdesk serve` on 127.0.0.1. Prints the four category scores of each
# page; exits 1 unless every score is 100.
#
# usage: bench/lighthouse.sh [BIN]    (default build/newsdesk)
# Reports (JSON) stay in $LIGHTHOUSE_OUT (default bench/out/lighthouse).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-build/newsdesk}
case $BIN in /*) ;; *) BIN=$top/$BIN ;; esac
lh=$top/tests/web/node_modules/.bin/lighthouse
out=${LIGHTHOUSE_OUT:-$top/bench/out/lighthouse}
[ -x "$lh" ] || { echo "lighthouse.sh: $lh missing (run scripts/setup.sh)" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "lighthouse.sh: /usr/bin/chromium missing" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d /tmp/nd-lighthouse.XXXXXX)
pid=
cleanup() {
	set +e
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$top"
"$BIN" --config demo/newsdesk.ini --db "$tmp/lh.db" init >/dev/null
"$BIN" --config demo/newsdesk.ini --db "$tmp/lh.db" ingest demo/feeds >/dev/null
"$BIN" --config demo/newsdesk.ini --db "$tmp/lh.db" serve \
    --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
i=0
while ! grep -q '^newsdesk: serving' "$tmp/serve.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$tmp/serve.err" >&2; exit 1; }
	sleep 0.1
done
url=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/serve.out")
rc=0
# issue 10: a desk post with a photo leads the home page; its page is
# audited too ("modern image formats", "responsive images")
printf 'The talks **resumed** on Monday.\n\n> "We are close," a delegate said.\n' \
    >"$tmp/post.md"
post=$("$BIN" --config demo/newsdesk.ini --db "$tmp/lh.db" post add \
    --title "Talks resume in Geneva" --deck "Negotiators return after a month" \
    --body-file "$tmp/post.md" --byline "Leila Haddad" --dateline GENEVA \
    --photo demo/photos/conference.jpg --caption "Delegates arrive." \
    --credit "Photo: Desk" --publish | sed -n 's/.*published: //p')
[ -n "$post" ] || { echo "lighthouse.sh: post add failed" >&2; exit 1; }
sleep 1
for page in home:/ item:/item/1 search:/search?q=tessen post:$post; do
	name=${page%%:*}
	path=${page#*:}
	CHROME_PATH=/usr/bin/chromium "$lh" "$url$path" --quiet \
	    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
	    --only-categories=performance,accessibility,best-practices,seo \
	    --output=json --output-path="$out/$name.json" >/dev/null 2>"$tmp/lh.err" ||
	    { cat "$tmp/lh.err" >&2; rc=1; continue; }
	python3 - "$out/$name.json" "$name" <<'PY' || rc=1
import json, sys
r = json.load(open(sys.argv[1]))
cats = r["categories"]
s = {k: round(100 * (cats[k]["score"] or 0)) for k in
     ("performance", "accessibility", "best-practices", "seo")}
print("%-7s performance %3d  accessibility %3d  best-practices %3d  seo %3d" % (
    sys.argv[2], s["performance"], s["accessibility"], s["best-practices"], s["seo"]))
for k, c in cats.items():
    for ref in c["auditRefs"]:
        a = r["audits"][ref["id"]]
        if ref["weight"] and a["score"] is not None and a["score"] < 1:
            print("        %s: %s (%s)" % (k, a["title"], a["score"]))
for aid in ("modern-image-formats", "uses-responsive-images"):
    a = r["audits"].get(aid)
    if a is not None:
        print("        %s: %s" % (aid, "pass" if a["score"] in (None, 1) else
                                   "FAIL (%s)" % a["score"]))
        if a["score"] not in (None, 1):
            sys.exit(1)
sys.exit(0 if all(v == 100 for v in s.values()) else 1)
PY
done
exit $rc
