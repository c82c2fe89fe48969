#!/bin/sh
# bench/run.sh: every benchmark of the project, one after the other, on one
# machine in one run (so the ratios to the anchors are fair).
#   parse.sh  feed parsing items/s vs xmllint (issue 2)
#   bench_ingest  store ingest items/s incl. dedup + FTS (issue 2)
#   extract.sh  article extraction quality (kit) and pages/CPU-s vs bare
#             libxml2 parse (issue 12)
#   fetch.sh  two fetch cycles over 1,000 feeds at 50 ms (issue 3)
#   web.sh    wrk against home/item/search vs nginx (issue 4)
#   bench_cluster  story clustering at 10k/100k/1M items (issue 9)
# usage: bench/run.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}

echo "== parse (bench/parse.sh)"
sh "$top/bench/parse.sh" "$build"
echo
echo "== ingest (bench_ingest 20000 50)"
ninja -C "$build" bench_ingest >/dev/null
db=$(mktemp -u "${TMPDIR:-/tmp}/nd-bench-ingest.XXXXXX.db")
"$build/bench_ingest" 20000 50 "$db" || true
rm -f "$db" "$db-wal" "$db-shm"
echo
echo "== extract (bench/extract.sh)"
sh "$top/bench/extract.sh" "$build"
echo "== cluster (bench_cluster on the clustering kit's events, 10k/100k/1M)"
ninja -C "$build" bench_cluster >/dev/null
events=${NEWSDESK_EVAL:-$top/../shared/eval}/clustering/dev/events.jsonl
if [ -f "$events" ]; then "$build/bench_cluster" "$events" || true
else echo "bench_cluster: $events missing; skipped"; fi
sh "$top/bench/cluster.sh" "$build" 100000 || true
echo
echo "== fetch (bench/fetch.sh)"
sh "$top/bench/fetch.sh" "$build" 16 64
echo
echo "== web (bench/web.sh)"
sh "$top/bench/web.sh" "$build"
