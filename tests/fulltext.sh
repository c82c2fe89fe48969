#!/bin/sh
# issue 12: article pages fetched for their full text through the real
# fetch path, extracted, stored and searchable (tests/web/fulltext_test.py).
set -eu
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
exec /usr/bin/python3 tests/web/fulltext_test.py "$BIN"
