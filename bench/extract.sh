#!/bin/sh
# bench/extract.sh: article extraction, quality and speed (issue 12).
#
# 1. The extraction kit in batch mode (one `newsdesk extract --batch`
#    process, the kit's own per-page CPU accounting): body F1, snippets F1,
#    pages/s and pages per CPU second.
# 2. bench_extract: extract_page against libxml2's bare HTML parse of the
#    same pages, in one process, CPU time (getrusage), best of 5 rounds,
#    and peak RSS after the first and the last round (flat memory).
#
# usage: bench/extract.sh [BUILD_DIR] [KIT_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
kit=${2:-$top/../shared/eval/extraction}
[ -x "$build/newsdesk" ] || { echo "extract.sh: no $build/newsdesk (build first)" >&2; exit 1; }
[ -d "$kit/dev" ] || { echo "extract.sh: no kit at $kit" >&2; exit 1; }

/usr/bin/python3 "$kit/score.py" "$kit/dev" --adapter batch \
	--cmd "$build/newsdesk extract --batch"
echo
ninja -C "$build" bench_extract >/dev/null
"$build/bench_extract" "$kit/dev/html" 5
