#!/bin/sh
# issue 12: robots.txt honoured for article pages (per origin, cached in
# the store with expiry, RFC 9309 rules, 4xx = allow, 5xx = disallow) and
# conditional GET when a stored article is refreshed
# (tests/web/robots_test.py).
set -eu
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
exec /usr/bin/python3 tests/web/robots_test.py "$BIN"
