#!/bin/sh
# issue 10: the editors' desk over HTTP against a real `newsdesk serve`:
# every route x role x method, sessions, sign-in throttling, accounts and
# curation. The checks are in tests/web/desk_test.py.
set -eu
. "$(dirname "$0")/web/lib.sh"
# cheaper password hashes than the default (3 passes, 128 MiB): this test
# signs in a few dozen times, also under ASan; test_auth checks the
# default parameters
cat >> "$tmp/newsdesk.ini" <<INI
[desk]
pwhash_mem_mb = 16
pwhash_ops = 2
INI
web_serve
rc=0
python3 tests/web/desk_test.py "$url" "$BIN" "$db" "$tmp" || rc=$?
kill -TERM "$pid"
if ! wait "$pid"; then
	echo "desk.sh: serve did not exit cleanly on SIGTERM" >&2
	rc=1
fi
pid=""
exit $rc
