#!/bin/sh
# issue 10: the desk's own posts end to end: `newsdesk post` and `column`
# on a temporary store (the demo beat plus the hostile fixtures), a real
# `newsdesk serve`, and the public pages, feeds, sitemap and JSON-LD
# checked over HTTP (tests/web/post_test.py). Also: a scheduled post goes
# live by itself, publishing invalidates only the pages that show posts,
# photos are refused by their bytes, and what is served has no metadata.
set -eu
. "$(dirname "$0")/web/lib.sh"
for f in demo/photos/conference.jpg demo/photos/city.jpg; do
	[ -s "$f" ] || { echo "post.sh: missing fixture $f" >&2; exit 1; }
done
web_serve
rc=0
python3 tests/web/post_test.py "$url" "$BIN" "$db" "$tmp" || rc=$?
kill -TERM "$pid"
wait "$pid" || rc=1
pid=""
exit $rc
