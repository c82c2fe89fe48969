#!/bin/sh
# issue 10: the editors' desk over HTTP against a real `newsdesk serve`:
# every route x role x method, sessions, sign-in throttling, accounts and
# curation. The checks are in tests/web/desk_test.py.
set -eu
. "$(dirname "$0")/web/lib.sh"
# cheaper password hashes than the default (3 passes, 128 MiB): this test
# signs in a few dozen times, also under ASan; test_auth checks the
# default parameters
# the tips inbox open (its routes are walked too), with a key made here
"$BIN" tips keygen "$tmp/tips.key" >"$tmp/tips.pub"
cat >> "$tmp/newsdesk.ini" <<INI
[desk]
pwhash_mem_mb = 16
pwhash_ops = 2
[tips]
public_key = $(tail -n 1 "$tmp/tips.pub")
rate_per_hour = 1000
INI
web_serve
rc=0
python3 tests/web/desk_test.py "$url" "$BIN" "$db" "$tmp" || rc=$?
# every desk page and form shown again is valid HTML
if [ ! -d tests/web/node_modules/html-validate ] || ! command -v node >/dev/null; then
	echo "desk.sh: html-validate missing (run scripts/setup.sh)" >&2
	rc=1
else
	node tests/web/desk_validate.mjs "$tmp/desk-pages" || rc=$?
fi
kill -TERM "$pid"
if ! wait "$pid"; then
	echo "desk.sh: serve did not exit cleanly on SIGTERM" >&2
	rc=1
fi
pid=""
exit $rc
