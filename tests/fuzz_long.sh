#!/bin/sh
# The long fuzz run (issue 13): every libFuzzer target for SECS seconds
# (default 600), JOBS at a time (default 2), starting from its corpus in
# tests/fuzz/<target>/corpus (and its dictionary, when there is one).
# Prints one line per target: executions, new coverage units and
# findings; a finding is kept in OUT/<target>/ (copy it to
# tests/fuzz/<target>/crashes/ once fixed, so every build replays it).
#
#   sh tests/fuzz_long.sh [SECS] [JOBS] [OUT] [TARGET...]
#
# The fuzzers run at nice FUZZ_NICE (default 19: they take the CPU nothing
# else wants). Builds build-fuzz (make fuzz-build) when it is missing. Exits 1 when a
# target found something or did not run: a run that tested nothing is a
# failure too.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-600}
JOBS=${2:-2}
OUT=${3:-/tmp/nd-fuzz-long}
[ $# -ge 3 ] && shift 3 || shift $#
cd "$SRC" || exit 1
[ -d build-fuzz ] || make fuzz-build >/dev/null || exit 1
ninja -C build-fuzz >/dev/null || exit 1
if [ $# -gt 0 ]; then
	TARGETS=$*
else
	TARGETS=$(ls tests/fuzz)
fi
mkdir -p "$OUT"

run_one() {
	t=$1
	bin=build-fuzz/fuzz_$t
	d=$OUT/$t
	rm -rf "$d"
	mkdir -p "$d/corpus" "$d/found"
	if [ ! -x "$bin" ]; then
		echo "$t: no binary $bin" >"$d/result"
		return
	fi
	cp -r "tests/fuzz/$t/corpus/." "$d/corpus/" 2>/dev/null
	dict=
	for f in tests/fuzz/$t/*.dict; do
		[ -f "$f" ] && dict="-dict=$f"
	done
	# shellcheck disable=SC2086
	nice -n "${FUZZ_NICE:-19}" "$bin" -max_total_time="$SECS" -timeout=25 \
		-rss_limit_mb=2560 -print_final_stats=1 \
		-artifact_prefix="$d/found/" $dict "$d/corpus" \
		>"$d/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
	ft=$(grep -o 'ft: [0-9]*' "$d/log" | tail -1 | sed 's/ft: //')
	cov=$(grep -o 'cov: [0-9]*' "$d/log" | tail -1 | sed 's/cov: //')
	found=$(ls "$d/found" | wc -l)
	echo "$t: rc=$rc execs=${execs:-0} cov=${cov:-0} ft=${ft:-0} findings=$found corpus=$(ls "$d/corpus" | wc -l)" >"$d/result"
}

running=0
for t in $TARGETS; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

fail=0
for t in $TARGETS; do
	r=$(cat "$OUT/$t/result" 2>/dev/null || echo "$t: no result")
	echo "$r"
	case $r in
	*"findings=0 "*rc=0*|*"rc=0 "*"findings=0 "*) ;;
	*) fail=1 ;;
	esac
	case $r in *"execs=0 "*) fail=1 ;; esac
done
exit $fail
