#!/bin/sh
# bench/fetch.sh: the fetch bench of issue 3.
#
# nd-fixture serves 1,000 feeds (20 items each) on 100 loopback addresses
# (127.0.0.2-127.0.0.101, ten feeds each), answering each request after
# 50 ms. The sources come in through an OPML import; then two cycles
# (`newsdesk fetch --all`): the first stores everything, the second gets
# only 304s. Reports wall time, CPU time (user+sys) and peak RSS of each
# cycle, for each concurrency given (default: 16 64).
#
# usage: bench/fetch.sh [BUILD_DIR] [CONCURRENCY...]
# The lower bound of a cycle is feeds x latency / concurrency.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
[ $# -gt 0 ] && shift
concs=${*:-16 64}
nd=$build/newsdesk
fixture=$build/src/fetch/nd-fixture
feeds=1000
latency_ms=50

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nd-bench-fetch.XXXXXX")  # TMPDIR=/dev/shm: no disk in the figures
fx_pid=
cleanup() {
	set +e
	[ -n "$fx_pid" ] && kill "$fx_pid" 2>/dev/null && wait "$fx_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$fixture" --listen 127.0.0.2-127.0.0.101 --delay-ms $latency_ms --items 20 \
    --bomb-mb 1 --port-file "$tmp/port" >"$tmp/fixture.log" 2>&1 &
fx_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "bench: fixture did not start" >&2; cat "$tmp/fixture.log" >&2; exit 1; }
	sleep 0.1
done
port=$(cat "$tmp/port")

# The OPML file and the allow list.
{
	echo '<?xml version="1.0"?><opml version="2.0"><head><title>bench</title></head><body>'
	n=0
	while [ $n -lt $feeds ]; do
		host=127.0.0.$((2 + n / 10))
		echo "<outline type=\"rss\" text=\"Bench $n\" xmlUrl=\"http://$host:$port/feed/$n\"/>"
		n=$((n + 1))
	done
	echo '</body></opml>'
} >"$tmp/bench.opml"
# Exactly 127.0.0.2-127.0.0.101, as nets: one config line holds at most
# 200 characters (inih), too few for 100 addresses.
allow="127.0.0.2/31 127.0.0.4/30 127.0.0.8/29 127.0.0.16/28 127.0.0.32/27
    127.0.0.64/27 127.0.0.96/30 127.0.0.100/31"
allow=$(echo $allow)

# Prints "wall_s cpu_s maxrss_kb" of a command (GNU time).
measure() {
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || {
		echo "bench: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
	awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$tmp/time"
}

printf '%-5s %-6s %8s %8s %8s %9s  %s\n' conc cycle wall_s bound_s cpu_s rss_MB summary
for c in $concs; do
	db=$tmp/bench-$c.db
	cat >"$tmp/nd-$c.ini" <<INI
[fetch]
concurrency = $c
per_host = 2
host_spacing_ms = 0
allow_hosts = $allow
INI
	export NEWSDESK_CONFIG="$tmp/nd-$c.ini"
	"$nd" --db "$db" init >/dev/null
	"$nd" --db "$db" import-opml "$tmp/bench.opml" >/dev/null
	bound=$(awk -v f=$feeds -v l=$latency_ms -v c="$c" 'BEGIN { printf "%.2f", f * l / 1000 / c }')
	for cycle in first second; do
		set -- $(measure ${ND_WRAP:-} "$nd" --db "$db" fetch --all)
		printf '%-5s %-6s %8s %8s %8s %9.1f  %s\n' "$c" "$cycle" "$1" "$bound" "$2" \
		    "$(echo "$3" | awk '{ print $1 / 1024 }')" "$(head -1 "$tmp/out")"
	done
done
