#!/bin/sh
# bench/search.sh: search latency before and after a change, on the same
# store, in one run (issue 8). Builds bench_ingest of BASE_REV (default
# main) from `git archive` in a temporary directory, then runs it and this
# tree's bench_ingest --search alternately, twice each, printing the load
# before each run: the machine may be shared, so compare the CPU-time
# percentiles (class=*_cpu) first.
#
#   bench/search.sh DB [REPS] [BASE_REV]
#   (a 1,000,000-item store: build/bench_ingest --small 1000000 DB)
set -eu
db=${1:?usage: bench/search.sh DB [REPS] [BASE_REV]}
reps=${2:-30}
base=${3:-main}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$src/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -f "$db" ] || { echo "search.sh: no store at $db" >&2; exit 1; }
ninja -C "$build" -j2 bench_ingest >/dev/null
git -C "$src" archive "$base" | tar -x -C "$tmp"
# the same query mix and report on both sides
cp "$src/bench/ingest.c" "$src/bench/ingest_synth.c" \
    "$src/bench/ingest_synth.h" "$tmp/bench/"
meson setup "$tmp/build" "$tmp" >/dev/null
ninja -C "$tmp/build" -j2 bench_ingest >/dev/null
for round in 1 2; do
	for side in base new; do
		bin=$build/bench_ingest
		[ "$side" = base ] && bin=$tmp/build/bench_ingest
		echo "### $side ($([ "$side" = base ] && echo "$base" || echo tree)) round $round load$(uptime | sed 's/.*average//')"
		"$bin" --search "$db" "$reps" | grep -E '^phase=(latency|index)' |
		    grep -v _list
	done
done
