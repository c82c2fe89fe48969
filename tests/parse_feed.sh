#!/bin/sh
# parse_feed: `newsdesk parse` as the evaluation kit and bench/parse.sh run
# it. --json on every fixture must print exactly its golden file (the unit
# test checks the same through the library), exit 0 also for ill-formed
# feeds, and 1 for an unreadable file; --check must end with the totals line.
set -u
bin=${NEWSDESK_BIN:-./build/newsdesk}
src=${NEWSDESK_SRC:-.}
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

n=0
for f in "$src"/tests/data/feeds/*; do
	[ -f "$f" ] || continue  # an unmatched glob stays literal
	n=$((n + 1))
	name=$(basename "$f")
	golden="$src/tests/golden/feeds/${name%.*}.json"
	if ! "$bin" parse --json "$f" > "$tmp"; then
		echo "parse_feed: $name: exit status $?"
		fail=1
	elif ! cmp -s "$tmp" "$golden"; then
		echo "parse_feed: $name: output differs from $golden"
		fail=1
	fi
done

# A run over no fixtures passes for nothing; a golden file whose fixture is
# gone is checked by nothing.
[ "$n" -ge 10 ] || { echo "parse_feed: only $n fixtures in $src/tests/data/feeds"; fail=1; }
for g in "$src"/tests/golden/feeds/*.json; do
	[ -f "$g" ] || continue
	base=$(basename "$g" .json)
	set -- "$src"/tests/data/feeds/"$base".*
	[ -f "$1" ] || { echo "parse_feed: $g has no fixture"; fail=1; }
done

# headers and --url reach the parser
out=$("$bin" parse --json --url http://example.com/feeds/a.xml \
    --header 'Content-Location: ../b/' --header 'Content-Language: fr' \
    "$src/tests/data/feeds/rdf-rss10.xml")
case $out in
*'"base":"http://example.com/b/"'*) ;;
*) echo "parse_feed: Content-Location not used as base"; fail=1 ;;
esac

"$bin" parse --json /nonexistent/feed.xml > /dev/null 2>&1
[ $? -eq 1 ] || { echo "parse_feed: unreadable file must exit 1"; fail=1; }
"$bin" parse > /dev/null 2>&1
[ $? -eq 2 ] || { echo "parse_feed: usage error must exit 2"; fail=1; }

last=$("$bin" parse --check "$src"/tests/data/feeds/* | tail -n 1)
echo "$last" | grep -Eq '^parsed [0-9]+ files, [0-9]+ items, [0-9]+ bytes, [0-9.]+ cpu seconds$' ||
	{ echo "parse_feed: bad --check totals line: $last"; fail=1; }

[ $fail = 0 ] && echo "parse_feed: ok"
exit $fail
