#!/bin/sh
# bench/slowloris.sh: `newsdesk serve` on the demo store (the tests' hostile
# fixtures too) under 5,000 slow connections from one address, while another
# address reads pages (bench/slowloris.py). EXTRA_INI is appended to the
# [web] section (e.g. "max_connections_per_ip = 0" to see the site without
# the per-address limit).
#
# usage: [EXTRA_INI=...] bench/slowloris.sh [BUILD_DIR] [N] [SECONDS] [PATH]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export NEWSDESK_BIN=${1:-$top/build}/newsdesk NEWSDESK_SRC=$top
n=${2:-5000}
secs=${3:-20}
path=${4:-/}
. "$top/tests/web/lib.sh"
sed -i "s/^access_log = .*/access_log =/" "$tmp/newsdesk.ini"
printf "%s\n" "${EXTRA_INI:-}" >> "$tmp/newsdesk.ini"
ulimit -n 20000 2>/dev/null || true
web_serve
python3 "$top/bench/slowloris.py" "$url" "$n" "$secs" "$path"
