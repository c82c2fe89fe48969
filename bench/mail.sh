#!/bin/sh
# bench/mail.sh: the daily digest for N subscribers (issue 11; default
# 10000): how long building the digest takes (`digest send --dry-run`),
# its size, its spamassassin score, then queueing it to N subscribers and
# sending it all to a local SMTP server (aiosmtpd, tests/mail/smtp_sink.py,
# which writes every message to disk) on 127.0.0.1: messages per second
# (wall) and newsdesk's CPU milliseconds per message (user + sys of the
# sending process alone; the Python server's CPU is printed apart, as on
# this machine both share the same cores).
# usage: bench/mail.sh [BUILD_DIR] [N]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-10000}
BIN=$build/newsdesk
PY=/usr/bin/python3
tmp=$(mktemp -d)
sink=""
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
cd "$top"
$PY "$top/tests/mail/smtp_sink.py" "$tmp/box" "$tmp/port" &
sink=$!
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
cat > "$tmp/nd.ini" <<INI
[desk]
name = The Meridian Desk
base_url = https://desk.example
[mail]
smtp_url = smtp://127.0.0.1:$(cat "$tmp/port")
from = The Meridian Desk <news@desk.example>
digest_hour = -1
INI
export NEWSDESK_CONFIG="$tmp/nd.ini"
db="$tmp/b.db"
"$BIN" --db "$db" init >/dev/null
"$BIN" --db "$db" import-opml demo/sources.opml >/dev/null
"$BIN" --db "$db" ingest demo/feeds >/dev/null
$PY "$top/tests/mail/mailtool.py" seed "$db" "$n" bench digest

/usr/bin/time -f "%e %U %S" -o "$tmp/t0" "$BIN" --db "$db" digest send --since 3650d --dry-run > "$tmp/digest.eml"
set -- $(cat "$tmp/t0")
echo "digest build (dry run, whole process): ${1}s wall, $(echo "$2 $3" | awk '{ printf "%.0f", ($1 + $2) * 1000 }') ms CPU"
echo "digest size: $(wc -c < "$tmp/digest.eml") bytes as sent ($(grep -c 'story/' "$tmp/digest.eml") story links)"
if command -v spamassassin >/dev/null; then
	echo "spamassassin: $(spamassassin -L -t < "$tmp/digest.eml" 2>/dev/null | sed -n 's/^Content analysis details:[[:space:]]*(\([^)]*\)).*/\1/p')"
fi
/usr/bin/time -f "%e %U %S" -o "$tmp/t1" "$BIN" --db "$db" digest send --since 3650d --queue-only > "$tmp/q.out"
set -- $(cat "$tmp/t1")
echo "queue to $n subscribers: $(cat "$tmp/q.out"); ${1}s"
sink_cpu0=$(awk '{ print $14 + $15 }' /proc/$sink/stat)
/usr/bin/time -f "%e %U %S" -o "$tmp/t2" "$BIN" --db "$db" mail send --wait > "$tmp/s.out"
sink_cpu1=$(awk '{ print $14 + $15 }' /proc/$sink/stat)
set -- $(cat "$tmp/t2")
got=$(ls "$tmp/box" | grep -c '\.eml$')
echo "send: $(cat "$tmp/s.out")"
echo "server received $got messages, $(du -sk "$tmp/box" | cut -f1) KiB"
echo "$got $1 $2 $3 $sink_cpu0 $sink_cpu1 $(getconf CLK_TCK)" | awk '{
	printf "throughput: %.0f messages/s (%.1f s wall)\n", $1 / $2, $2
	printf "newsdesk CPU: %.2f ms per message (user %.1f s, sys %.1f s)\n", ($3 + $4) * 1000 / $1, $3, $4
	printf "SMTP server (Python) CPU: %.2f ms per message\n", ($6 - $5) / $7 * 1000 / $1
}'
