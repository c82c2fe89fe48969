#!/bin/sh
# bench/cluster.sh: `newsdesk cluster` (JSON lines in and out, the kit's
# command) on the clustering kit's events file repeated to N items (issue
# 9; default 100000). Each copy is moved 30 years after the one before and
# its ids suffixed, so copies never share a window. Prints the command's
# own --stats line (wall time) and the CPU time (user + system) and peak
# memory.
# usage: bench/cluster.sh [BUILD_DIR] [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-100000}
events=${NEWSDESK_EVAL:-$top/../shared/eval}/clustering/dev/events.jsonl
[ -f "$events" ] || { echo "bench/cluster.sh: $events missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 - "$events" "$n" >"$tmp/in.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n, rep, out = int(sys.argv[2]), 0, sys.stdout
def year(y):   # ISO 8601 expanded years past 9999 (+YYYYYY)
    return "%04d" % y if y <= 9999 else "+%06d" % y
while n > 0:
    for r in rows[:n]:
        r = dict(r, id="%s-%d" % (r["id"], rep),
                 time=year(int(r["time"][:4]) + 30 * rep) + r["time"][4:])
        out.write(json.dumps(r) + "\n")
    n -= len(rows)
    rep += 1
PY
/usr/bin/time -f "user_s=%U sys_s=%S maxrss_kb=%M" "$build/newsdesk" cluster \
    --jsonl "$tmp/in.jsonl" --stats >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
cat "$tmp/err"
# CPU time (user + system): the machine may be shared, wall time is not
# the program's
awk -v n="$n" '/user_s=/ { split($1, u, "="); split($2, s, "=");
    printf "cpu_s=%.2f items_per_cpu_s=%.0f\n", u[2] + s[2], n / (u[2] + s[2]) }' "$tmp/err"
