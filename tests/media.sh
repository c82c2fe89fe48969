#!/bin/sh
# issue 4 ("no third-party requests"): item photos are fetched into the
# store's photo cache through the real fetch path and served from /media/.
# A fixture HTTP server on 127.0.0.1 (in tests/web/media_test.py) serves a
# feed whose items carry a PNG, a GIF thumbnail, an SVG "photo", an HTML
# page sent as image/jpeg, an oversize image and a blocked address; the
# real `newsdesk fetch` and `newsdesk serve` run against a temporary store.
set -eu
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
exec python3 tests/web/media_test.py "$BIN"
