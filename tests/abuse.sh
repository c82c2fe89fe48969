#!/bin/sh
# issue 13: hostile clients against a real `newsdesk serve` (slow heads,
# many parameters, huge headers, smuggling, pipelining, one address
# holding many connections). The checks are in tests/web/abuse_test.py.
set -eu
. "$(dirname "$0")/web/lib.sh"
cat >> "$tmp/newsdesk.ini" <<INI
head_timeout_s = 2
max_connections_per_ip = 40
INI
web_serve
rc=0
python3 tests/web/abuse_test.py "$url" || rc=$?
kill -TERM "$pid"
if ! wait "$pid"; then
	echo "abuse.sh: serve did not exit cleanly on SIGTERM" >&2
	rc=1
fi
pid=""
exit $rc
