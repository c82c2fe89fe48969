#!/bin/sh
# Issue 3: fetching, end to end. Drives the real newsdesk binary against
# nd-fixture on 127.0.0.1 (started here) with a temporary store: every
# fixture behaviour ends in the expected source state and error text, and
# the good sources fetched in the same cycle complete.
set -eu

nd=${NEWSDESK_BIN:-build/newsdesk}
build=${NEWSDESK_BUILD:-$(dirname "$nd")}
fixture=$build/src/fetch/nd-fixture
tmp=$(mktemp -d /tmp/nd-test-fetch.XXXXXX)
fx_pid=
tls_pid=
nginx_pid=
slow_pid=
run_pid=
w_pid=
cleanup() {
	set +e  # a failing kill or wait must not skip the rest
	for p in $nginx_pid $slow_pid $run_pid $tls_pid $fx_pid $w_pid; do
		kill "$p" 2>/dev/null
	done
	for p in $nginx_pid $slow_pid $run_pid $tls_pid $fx_pid $w_pid; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }

"$fixture" --listen 127.0.0.1 --port-file "$tmp/port" --bomb-mb 100 \
    >"$tmp/fixture.log" 2>&1 &
fx_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "fixture did not start"; cat "$tmp/fixture.log"; exit 1; }
	sleep 0.1
done
port=$(cat "$tmp/port")
base=http://127.0.0.1:$port

cat >"$tmp/nd.ini" <<INI
[fetch]
allow_hosts = 127.0.0.1
connect_timeout_s = 2
timeout_s = 3
low_speed_bytes = 0
max_body_kb = 64
max_header_kb = 64
max_redirects = 5
host_spacing_ms = 0
min_interval_s = 60
max_interval_s = 86400
[log]
level = warn
INI
export NEWSDESK_CONFIG="$tmp/nd.ini"
export NEWSDESK_DB="$tmp/nd.db"
"$nd" init >/dev/null

# name|path: the order gives the source ids 1..N.
cases="ok|/feed/1
etag|/etag/2
lm|/lm/3
perm|/r/301/1/feed/4
temp|/r/302/0/feed/5
mixed|/r/308/0/r/307/0/feed/6
loop|/loop
nf|/status/404
gone|/status/410
r429|/retry/429/secs/120
r503|/retry/503/date/300
e500|/status/500
stall|/stall
slow|/slow
endless|/endless
bomb|/bomb
bighdr|/bigheader
guard|/to/302/127.0.0.2/feed/7
direct2|http://127.0.0.2:$port/feed/8
refused|http://127.0.0.1:1/feed/9
gzip|/gzip/10
lie|/charset-lie
cache|/cache/11?max_age=7200"
echo "$cases" | while IFS='|' read -r name path; do
	case $path in http*) url=$path ;; *) url=$base$path ;; esac
	"$nd" source add "$url" --title "$name" >/dev/null
done

# Saves the sources' state; state and expect read the last snapshot.
snap() { "$nd" source list --json >"$tmp/list.json"; }

# TLS is verified: a self-signed certificate is refused (needs openssl).
has_tls=
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1; then
	"$fixture" --listen 127.0.0.1 --port-file "$tmp/tls.port" --bomb-mb 1 \
	    --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" >"$tmp/tls.log" 2>&1 &
	tls_pid=$!
	i=0
	while [ ! -s "$tmp/tls.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	"$nd" source add "https://127.0.0.1:$(cat "$tmp/tls.port")/feed/1" --title tls >/dev/null
	has_tls=1
fi

# Prints the value of a field of the source titled $1 (or with id $1).
state() {
	python3 - "$tmp/list.json" "$1" "$2" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1])):
    if (s["title"] or "") == sys.argv[2] or str(s["id"]) == sys.argv[2]:
        v = s.get(sys.argv[3])
        print("null" if v is None else v)
        break
else:
    print("missing")
PY
}

expect() { # name field want
	got=$(state "$1" "$2")
	if [ "$got" = "$3" ]; then ok "$1: $2 = $3"; else not_ok "$1: $2 = '$got', want '$3'"; fi
}

start=$(date +%s)
"$nd" fetch >"$tmp/out1" 2>"$tmp/err1" || { cat "$tmp/err1"; not_ok "fetch exit status"; }
took=$(( $(date +%s) - start ))
snap
cat "$tmp/out1"
[ "$took" -le 8 ] && ok "cycle with stalled sources took ${took}s (timeout 3 s)" ||
    not_ok "cycle took ${took}s"
want=$((23 + ${has_tls:-0}))
grep -q "^$want sources" "$tmp/out1" && ok "summary counts $want sources" || not_ok "summary"

# Titles: sources added with --title keep it.
for n in ok etag lm perm temp mixed gzip lie cache; do
	expect $n error null
	expect $n errors 0
	got=$(state $n items)
	[ "$got" -ge 1 ] 2>/dev/null && ok "$n: has items ($got)" || not_ok "$n: items '$got'"
done
expect ok status 200
expect loop error "too many redirects (5)"
expect nf error "http 404 (not found)"
expect nf errors 1
expect gone error "http 410 (gone): source disabled"
expect gone enabled False
expect e500 error "http 500 (internal server error)"
expect stall error "timed out after 3 s"
expect slow error "timed out after 3 s"
expect endless error "body exceeds 64 KiB"
expect bomb error "body exceeds 64 KiB"
expect bighdr error "headers exceed 64 KiB"
expect guard error "blocked address 127.0.0.2 (loopback)"
expect direct2 error "blocked address 127.0.0.2 (loopback)"
expect refused error "connection refused"
if [ -n "$has_tls" ]; then
	case $(state tls error) in
	"TLS: "*certificate*) ok "tls: $(state tls error)" ;;
	*) not_ok "tls: error '$(state tls error)'" ;;
	esac
else
	echo "skip - tls (no openssl)"
fi
expect r429 status 429
expect r503 status 503

# Retry-After sets the next fetch (120 s and 300 s ahead).
python3 - "$tmp/list.json" "$start" <<'PY' && ok "Retry-After honoured" || not_ok "Retry-After"
import json, sys, time, calendar
now = int(sys.argv[2])
want = {"r429": 120, "r503": 300}
for s in json.load(open(sys.argv[1])):
    if s["title"] in want:
        t = calendar.timegm(time.strptime(s["next_fetch"], "%Y-%m-%dT%H:%M:%SZ"))
        d = t - now
        if not (want[s["title"]] - 1 <= d <= want[s["title"]] + 10):
            print(s["title"], "next fetch in", d, "s"); sys.exit(1)
PY
# The cache source honours max-age 7200 as a floor of its interval.
expect cache interval_s 7200

# Second cycle over all: validators give 304s, the URL of the permanent
# redirect is not changed yet, the 302 one never.
"$nd" fetch --all >"$tmp/out2" 2>&1
snap
cat "$tmp/out2"
grep -q "7 not modified" "$tmp/out2" && ok "ETag and Last-Modified give 304" ||
    not_ok "304 count"
expect etag status 304
expect lm status 304
expect perm url "$base/r/301/1/feed/4"
"$nd" fetch --all >/dev/null 2>&1
snap
[ -n "${KEEP:-}" ] && cp "$tmp/list.json" /tmp/keep3.json
expect perm url "$base/feed/4"
expect temp url "$base/r/302/0/feed/5"
expect mixed url "$base/r/308/0/r/307/0/feed/6"
# Consecutive errors count up; the disabled source is no longer fetched.
expect nf errors 3
expect gone errors 1

# --source fetches one source, due or not.
"$nd" fetch --source 1 >"$tmp/out3" 2>&1
grep -q "^1 sources" "$tmp/out3" && ok "--source fetches one" || not_ok "--source"

# OPML import of hundreds of sources, then a first fetch.
{
	echo '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
	echo '<outline text="Wire">'
	n=100
	while [ $n -lt 400 ]; do
		echo "<outline type=\"rss\" text=\"Wire $n\" xmlUrl=\"$base/feed/$n?items=5\"/>"
		n=$((n + 1))
	done
	echo '</outline></body></opml>'
} >"$tmp/sub.opml"
export NEWSDESK_DB="$tmp/opml.db"
"$nd" init >/dev/null
"$nd" import-opml "$tmp/sub.opml" >/dev/null
sed "s/^level = warn/level = warn,analyze:info/" "$tmp/nd.ini" >"$tmp/an.ini"
NEWSDESK_CONFIG="$tmp/an.ini" "$nd" fetch >"$tmp/out4" 2>"$tmp/err4"
cat "$tmp/out4"
# one clusterer for the whole cycle: each feed naming itself (its source's
# row) once made the next feed warm a new one up, replaying the store
n=$(grep -c "warmed up the story clusterer" "$tmp/err4")
[ "$n" = 1 ] && ok "first cycle of 300 new sources: one clusterer warm-up" ||
    not_ok "first cycle of 300 new sources: $n clusterer warm-ups (want 1)"
grep -q "^300 sources .*300 fetched, 0 not modified, 0 errors; 1500 new items" "$tmp/out4" &&
    ok "OPML import of 300 sources, then fetch" || not_ok "OPML import then fetch"
"$nd" fetch >"$tmp/out5" 2>&1
grep -q "^0 sources" "$tmp/out5" && ok "nothing due right after" || not_ok "due after fetch"

# Adaptive interval: a new source starts at an hour; a fetch that brings one
# new item shortens it by a quarter, one that brings none lengthens it by half.
"$nd" source add "$base/grow/1" --title grow >/dev/null
"$nd" fetch --source "$base/grow/1" >/dev/null 2>&1
snap; expect grow interval_s 3600
"$nd" fetch --source "$base/grow/1" >/dev/null 2>&1
snap; expect grow interval_s 2700
"$nd" source add "$base/feed/2000" --title quiet >/dev/null
"$nd" fetch --source "$base/feed/2000" >/dev/null 2>&1
"$nd" fetch --source "$base/feed/2000" >/dev/null 2>&1
snap; expect quiet interval_s 5400

# Interrupted cycle: SIGINT stops between sources and leaves nothing
# half-written: a source has items if and only if its fetch was recorded.
"$fixture" --listen 127.0.0.1 --port-file "$tmp/slow.port" --bomb-mb 1 \
    --delay-ms 100 >"$tmp/slow.log" 2>&1 &
slow_pid=$!
i=0
while [ ! -s "$tmp/slow.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sbase=http://127.0.0.1:$(cat "$tmp/slow.port")
export NEWSDESK_DB="$tmp/int.db"
"$nd" init >/dev/null
{
	echo '<?xml version="1.0"?><opml version="2.0"><body>'
	n=0
	while [ $n -lt 200 ]; do
		echo "<outline text=\"I$n\" xmlUrl=\"$sbase/feed/$n?items=5\"/>"
		n=$((n + 1))
	done
	echo '</body></opml>'
} >"$tmp/int.opml"
"$nd" import-opml "$tmp/int.opml" >/dev/null
# Generous timeouts: this part is about stopping, not about slow machines.
sed 's/^\[fetch\]/[fetch]\nper_host = 8/; s/^timeout_s = .*/timeout_s = 30/;
    s/^connect_timeout_s = .*/connect_timeout_s = 10/' "$tmp/nd.ini" >"$tmp/int.ini"
export NEWSDESK_CONFIG="$tmp/int.ini"
"$nd" fetch >"$tmp/int.out" 2>&1 &
f_pid=$!
# Interrupt once a few sources are in (the store is readable meanwhile).
i=0
while [ $i -lt 100 ]; do
	snap 2>/dev/null
	n=$(python3 -c 'import json,sys; print(sum(1 for s in json.load(open(sys.argv[1])) if s["last_success"]))' "$tmp/list.json" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 5 ] && break
	sleep 0.05
	i=$((i + 1))
done
kill -INT $f_pid
rc=0
wait $f_pid || rc=$?
[ $rc -eq 130 ] && grep -q "stopped before the end" "$tmp/int.out" &&
    ok "SIGINT stops fetch (exit 130)" || { not_ok "SIGINT: exit $rc"; cat "$tmp/int.out"; }
snap
python3 - "$tmp/list.json" <<'PY' && ok "interrupted cycle: nothing half-written" ||
import json, sys
done = 0
for s in json.load(open(sys.argv[1])):
    fetched = s["last_success"] is not None
    if fetched != (s["items"] > 0) or (fetched and s["items"] != 5):
        print("inconsistent:", s); sys.exit(1)
    done += fetched
if not 0 < done < 200:
    print("fetched", done, "of 200"); sys.exit(1)
print("# interrupted after", done, "of 200 sources")
PY
    not_ok "interrupted cycle left inconsistent state"
"$nd" fetch >"$tmp/int2.out" 2>&1 || true
grep -q " 0 errors" "$tmp/int2.out" && ok "the next cycle fetches the rest" ||
    not_ok "after interruption: $(cat "$tmp/int2.out")"
kill $slow_pid 2>/dev/null; wait $slow_pid 2>/dev/null || true
slow_pid=
export NEWSDESK_CONFIG="$tmp/nd.ini"

# HTTPS with HTTP/2 (nginx, when installed), verified against [fetch]
# ca_file: a good fetch, then a 304.
if [ -n "$has_tls" ] && command -v nginx >/dev/null 2>&1; then
	ng=$tmp/nginx
	mkdir -p "$ng/www" "$ng/logs"
	chmod 755 "$tmp" "$ng" "$ng/www"
	curl -s "$base/feed/3000?items=3" >"$ng/www/feed.xml"
	chmod 644 "$ng/www/feed.xml" "$tmp/cert.pem" "$tmp/key.pem"
	nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$ng/nginx.conf" <<NGX
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $ng;
	types { application/rss+xml xml; }
	server {
		listen 127.0.0.1:$nport ssl http2;
		ssl_certificate $tmp/cert.pem;
		ssl_certificate_key $tmp/key.pem;
		gzip on;
		gzip_types application/rss+xml;
		root $ng/www;
	}
}
NGX
	nginx -p "$ng" -c "$ng/nginx.conf" -g 'daemon off;' 2>"$ng/logs/stderr" &
	nginx_pid=$!
	i=0
	while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $nport), 1)" 2>/dev/null &&
	    [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	export NEWSDESK_DB="$tmp/h2.db"
	sed "s/^level = warn/level = warn,fetch:info/;
	    s|^\[fetch\]|[fetch]\nca_file = $tmp/cert.pem|" "$tmp/nd.ini" >"$tmp/h2.ini"
	"$nd" init >/dev/null
	"$nd" source add "https://127.0.0.1:$nport/feed.xml" --title h2 >/dev/null
	NEWSDESK_CONFIG="$tmp/h2.ini" "$nd" fetch >"$tmp/h2.out" 2>"$tmp/h2.err"
	snap
	expect h2 error null
	expect h2 items 3
	grep -q "http=20" "$tmp/h2.err" && ok "https source fetched over HTTP/2" ||
	    { not_ok "HTTP/2"; cat "$tmp/h2.err"; }
	NEWSDESK_CONFIG="$tmp/h2.ini" "$nd" fetch --all >"$tmp/h2.out" 2>"$tmp/h2.err"
	grep -q "1 not modified" "$tmp/h2.out" && ok "https 304" || not_ok "https 304: $(cat "$tmp/h2.out")"
	kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true
	nginx_pid=
else
	echo "skip - HTTP/2 over TLS (needs nginx and openssl)"
fi

# newsdesk run: fetches on schedule, reloads on SIGHUP, stops on SIGTERM.
export NEWSDESK_DB="$tmp/run.db"
"$nd" init >/dev/null
"$nd" source add "$base/feed/900" >/dev/null
sed 's/^level = warn/level = info/' "$tmp/nd.ini" >"$tmp/run.ini"
NEWSDESK_CONFIG="$tmp/run.ini" "$nd" run --listen 127.0.0.1:0 >"$tmp/run.out" 2>"$tmp/run.err" &
run_pid=$!
i=0
while snap && [ "$(state 1 items)" != 20 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
expect 1 items 20
kill -HUP $run_pid
sleep 1.5
grep -q "configuration reloaded" "$tmp/run.err" && ok "SIGHUP reloads" || not_ok "SIGHUP"
kill -TERM $run_pid
rc=0
wait $run_pid || rc=$?
run_pid=
[ $rc -eq 0 ] && ok "SIGTERM stops cleanly" || { not_ok "run exit $rc"; cat "$tmp/run.err"; }
grep -q "loop stopped" "$tmp/run.err" && ok "loop stopped" || not_ok "loop stopped"

# Two workers on one store: each claims its sources with a lease
# (store_source_claim), so no source is fetched twice in a cycle. The
# fixture logs every request; with 60 slow feeds (150 ms each, 2 at a time
# per host) both processes are fetching at once.
"$fixture" --listen 127.0.0.1 --port-file "$tmp/w.port" --bomb-mb 1 \
    --delay-ms 150 --log "$tmp/w.log" >"$tmp/w.fixture.log" 2>&1 &
w_pid=$!
i=0
while [ ! -s "$tmp/w.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export NEWSDESK_DB="$tmp/workers.db"
"$nd" init >/dev/null
n=1
while [ $n -le 60 ]; do
	echo "<outline type=\"rss\" text=\"w$n\" xmlUrl=\"http://127.0.0.1:$(cat "$tmp/w.port")/feed/$((1000 + n))\"/>"
	n=$((n + 1))
done >"$tmp/w.outlines"
{ echo '<?xml version="1.0"?><opml version="2.0"><body>'; cat "$tmp/w.outlines"; echo '</body></opml>'; } >"$tmp/w.opml"
"$nd" import-opml "$tmp/w.opml" >/dev/null
"$nd" fetch --quiet >"$tmp/w1.out" 2>&1 &
w1=$!
"$nd" fetch --quiet >"$tmp/w2.out" 2>&1 &
w2=$!
wait $w1; wait $w2
kill $w_pid 2>/dev/null; wait $w_pid 2>/dev/null || true
total=$(grep -c '^/feed/' "$tmp/w.log" || true)
dups=$(grep '^/feed/' "$tmp/w.log" | sort | uniq -d | wc -l)
[ "$total" -eq 60 ] && [ "$dups" -eq 0 ] && ok "two workers: 60 feeds fetched once each" ||
    not_ok "two workers: $total requests, $dups fetched twice: $(cat "$tmp/w1.out" "$tmp/w2.out")"
snap
[ "$(python3 -c "import json; print(sum(1 for s in json.load(open('$tmp/list.json')) if s['items'] == 20))")" -eq 60 ] &&
    ok "two workers: every source stored" || not_ok "two workers: not every source stored"

[ -n "${KEEP:-}" ] && cp "$tmp/list.json" /tmp/keep.json
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
