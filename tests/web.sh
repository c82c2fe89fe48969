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
# the same pages as static files
if "$BIN" --db "$db" export "$tmp/site" >/dev/null; then
	python3 tests/web/check_export.py "$tmp/site" 80 || rc=1
else
	echo "web.sh: export failed" >&2
	rc=1
fi
exit $rc
