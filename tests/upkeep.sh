#!/bin/sh
# issue 8, end to end with the real binary and store: `newsdesk run`
# merges the search index once a day at [store] optimize_hour (here the
# current hour, in UTC), in steps between fetch cycles, logs it, records
# it in the store, and does not do it again: not in the next cycle (the
# loop wakes within a minute), not after a restart. While another process
# holds the task's lease (a row a second `run` would write), `run` waits
# and `newsdesk optimize` refuses; once the lease has expired, `run`
# takes the task over.
# Env: NEWSDESK_BIN, NEWSDESK_SRC.
set -u

BIN=${NEWSDESK_BIN:?NEWSDESK_BIN must name the newsdesk binary}
SRC=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
case $BIN in /*) ;; *) BIN=$SRC/$BIN ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-upkeep.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
DB=$tmp/t.db
unset NEWSDESK_DB
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $1"; }
not_ok() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $1"
	[ -s "$tmp/log" ] && tail -15 "$tmp/log" | sed 's/^/#   /'
	return 0
}
sql() {
	python3 -c "import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute(sys.argv[2]).fetchone()
c.commit()
print('|'.join(str(x) for x in r) if r else '')" "$DB" "$1"
}
segments() { sql "SELECT count(DISTINCT segid) FROM item_fts_idx"; }
# waits up to $2 seconds for a line matching $1 in the log
wait_log() {
	i=0
	while ! grep -q "$1" "$tmp/log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($2 * 10)) ] && return 1
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 0
}
start_run() {
	: >"$tmp/log"
	"$BIN" --db "$DB" run --no-web >/dev/null 2>"$tmp/log" &
	pid=$!
}
stop_run() {
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# the hour must not change under the test (tz_daily_due: at hour:59:50
# the next hour would not have come yet)
while [ "$(date -u +%M%S)" -ge 5930 ]; do sleep 5; done
hour=$(($(date -u +%H | sed 's/^0//')))
cat >"$tmp/nd.ini" <<INI
[desk]
timezone = UTC
[store]
optimize_hour = $hour
[fetch]
max_images_per_cycle = 0
max_articles_per_cycle = 0
[log]
level = info,store:debug
INI
export NEWSDESK_CONFIG=$tmp/nd.ini

"$BIN" --db "$DB" init >/dev/null 2>&1 || { not_ok "init"; exit 1; }
# one ingest per feed: one index segment each
for f in "$SRC"/demo/feeds/*.xml; do
	"$BIN" --db "$DB" ingest "$f" >/dev/null 2>&1 || { not_ok "ingest $f"; exit 1; }
done
before=$(segments)
if [ "$before" -ge 3 ]; then ok "ingest left $before index segments"; else not_ok "ingest left $before segments, want >= 3"; fi

# 1. due now: the first cycle merges, logs it, records it
t0=$(date +%s)
start_run
if wait_log "search index optimized segments=$before->1" 30; then
	ok "run merged the index at the hour ($before segments -> 1) and logged it"
else
	not_ok "run did not log the merge"
fi
[ "$(segments)" = 1 ] && ok "the index is one segment" || not_ok "index has $(segments) segments"
last=$(sql "SELECT last_done FROM upkeep WHERE task = 'optimize'")
if [ -n "$last" ] && [ "$last" -ge "$t0" ]; then ok "the store records when (last_done=$last)"; else not_ok "last_done=$last, want >= $t0"; fi
[ "$(sql "SELECT owner, lease_until FROM upkeep WHERE task = 'optimize'")" = "|0" ] &&
	ok "the lease is given back" || not_ok "lease still held: $(sql "SELECT owner, lease_until FROM upkeep")"

# 2. the next cycle does not repeat it (new segments wait for tomorrow);
# with no source due the loop wakes within a minute
"$BIN" --db "$DB" ingest "$SRC/tests/data/web" >/dev/null 2>&1
added=$(segments)
n=$(grep -c "optimize started" "$tmp/log")
if wait_log "optimize: done today" 70; then
	ok "the next cycle found it done today"
else
	not_ok "no later cycle said done today"
fi
[ "$(grep -c "optimize started" "$tmp/log")" = "$n" ] && [ "$(segments)" = "$added" ] &&
	ok "and did not merge again ($added segments stay)" || not_ok "merged again"
stop_run

# 3. a restart the same day does not repeat it
start_run
if wait_log "optimize: done today" 30; then ok "a restart finds it done today"; else not_ok "restart: no done-today line"; fi
grep -q "optimize started" "$tmp/log" && not_ok "a restart merged again" || ok "a restart does not merge again"
[ "$(sql "SELECT last_done FROM upkeep WHERE task = 'optimize'")" = "$last" ] &&
	ok "last_done unchanged" || not_ok "last_done changed"
stop_run

# 4. another process holds the task: run waits, optimize refuses
sql "UPDATE upkeep SET last_done = 0, owner = 'run pid=1 host=other', lease_until = strftime('%s','now') + 300 RETURNING task" >/dev/null
start_run
if wait_log "another process is merging the search index, waiting owner=\"run pid=1 host=other\"" 30; then
	ok "run waits while another process holds the task"
else
	not_ok "run did not wait for the other process"
fi
grep -q "optimize started" "$tmp/log" && not_ok "run merged while another held the task" || ok "and does not merge"
stop_run
if "$BIN" --db "$DB" optimize >"$tmp/out" 2>&1; then
	not_ok "optimize ran while another process held the task"
else
	grep -q "another process is merging" "$tmp/out" && ok "optimize refuses: $(cat "$tmp/out")" ||
		not_ok "optimize: $(cat "$tmp/out")"
fi
[ "$(segments)" = "$added" ] && ok "nothing merged ($added segments)" || not_ok "segments $(segments)"

# 5. the lease expired (that process died): run takes the task over
sql "UPDATE upkeep SET lease_until = strftime('%s','now') - 1 RETURNING task" >/dev/null
start_run
if wait_log "search index optimized segments=$added->1" 30; then ok "an expired lease is taken over"; else not_ok "the expired lease was not taken over"; fi
stop_run

# 6. optimize_hour = -1: never
sql "UPDATE upkeep SET last_done = 0 RETURNING task" >/dev/null
"$BIN" --db "$DB" ingest "$SRC/demo/feeds" >/dev/null 2>&1
sed -i "s/^optimize_hour = .*/optimize_hour = -1/" "$tmp/nd.ini"
start_run
wait_log "loop started" 10 && sleep 2
grep -q "optimize" "$tmp/log" && not_ok "optimize_hour = -1 still merged" || ok "optimize_hour = -1: no merge"
stop_run

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
