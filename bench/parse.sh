#!/bin/sh
# bench/parse.sh: feed parsing throughput in items per CPU second.
#
# Runs `newsdesk parse --check` over the feed corpus (one process, parsing
# and sanitizing included; the parser's own getrusage CPU time, reading the
# files excluded) and, in the same run, `xmllint --noout` over the same
# files (bare libxml2 parse, timed with /usr/bin/time user+sys). Prints
# items/s for both and the ratio.
#
# usage: bench/parse.sh [BUILD_DIR] [CORPUS_DIR] [ROUNDS]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
corpus=${2:-$top/../shared/eval/feeds/corpus}
rounds=${3:-5}
bin=$build/newsdesk
[ -x "$bin" ] || { echo "parse.sh: no $bin (build first)" >&2; exit 1; }
[ -d "$corpus" ] || { echo "parse.sh: no corpus at $corpus" >&2; exit 1; }

list=$(mktemp)
trap 'rm -f "$list" "$list.out" "$list.time"' EXIT
find "$corpus" -type f ! -name manifest.json | sort > "$list"
nfiles=$(wc -l < "$list")

# best of N rounds for each, to keep scheduler noise out
best_nd=""
i=0
while [ "$i" -lt "$rounds" ]; do
	xargs "$bin" parse --check < "$list" > "$list.out"
	last=$(tail -n 1 "$list.out")
	# parsed N files, M items, B bytes, S cpu seconds
	items=$(echo "$last" | sed -n 's/^parsed [0-9]* files, \([0-9]*\) items.*/\1/p')
	cpu=$(echo "$last" | sed -n 's/.* \([0-9.]*\) cpu seconds.*/\1/p')
	if [ -z "$best_nd" ] || awk "BEGIN{exit !($cpu < $best_nd)}"; then
		best_nd=$cpu
	fi
	i=$((i + 1))
done
bozo=$(grep -c ' bozo: ' "$list.out" || true)

best_xl=""
i=0
while [ "$i" -lt "$rounds" ]; do
	/usr/bin/time -f '%U %S' -o "$list.time" \
	    sh -c 'xargs xmllint --noout --nonet < "$1" 2>/dev/null || true' sh "$list"
	xl=$(awk '{print $1 + $2}' "$list.time")
	if [ -z "$best_xl" ] || awk "BEGIN{exit !($xl < $best_xl)}"; then
		best_xl=$xl
	fi
	i=$((i + 1))
done

awk -v n="$nfiles" -v items="$items" -v nd="$best_nd" -v xl="$best_xl" \
    -v bozo="$bozo" 'BEGIN {
	ndr = nd > 0 ? items / nd : 0
	xlr = xl > 0 ? items / xl : 0
	printf "corpus: %d files, %d items (%d bozo)\n", n, items, bozo
	printf "newsdesk parse --check: %.3f cpu s, %.0f items/s\n", nd, ndr
	printf "xmllint --noout:        %.3f cpu s, %.0f items/s\n", xl, xlr
	if (xlr > 0)
		printf "ratio newsdesk/xmllint: %.2f\n", ndr / xlr
}'
