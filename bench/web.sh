#!/bin/sh
# bench/web.sh: the public site under load, next to nginx serving the same
# home page bytes as a static file, in the same run.
#
# Builds a store from the demo feeds (or uses DB), starts
# `newsdesk serve` (access log off) and nginx (Debian, loopback port, temp
# config, access log off, gzip_static with the very bytes newsdesk sends),
# then runs wrk -c64 for DURATION against: the home page, an item page, a
# search repeated (served from the page cache) and searches that all miss
# it (bench/web_search.lua), all with Accept-Encoding: gzip, and nginx's
# copy of the home page (before and after). Prints req/s, p50/p95/p99 and the ratio to nginx, and the server's
# peak RSS.
#
# usage: [SEARCH_Q=words+to+find] bench/web.sh [BUILD_DIR] [DB] [DURATION]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
db=${2:-}
dur=${3:-15s}
q=${SEARCH_Q:-drought+clause}   # URL-encoded search words
bin=$build/newsdesk
[ -x "$bin" ] || { echo "web.sh: no $bin (build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "web.sh: wrk missing (scripts/setup.sh)" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d)
spid=""
npid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -n "$npid" ] && kill "$npid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$top"

printf '[web]\naccess_log =\n' > "$tmp/newsdesk.ini"
export NEWSDESK_CONFIG="$tmp/newsdesk.ini"
if [ -z "$db" ]; then
	db="$tmp/bench.db"
	"$bin" --db "$db" init >/dev/null
	"$bin" --db "$db" import-opml demo/sources.opml >/dev/null
	"$bin" --db "$db" ingest demo/feeds >/dev/null
fi
"$bin" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
spid=$!
for i in $(seq 100); do
	grep -q '^newsdesk: serving' "$tmp/serve.out" 2>/dev/null && break
	sleep 0.1
done
url=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/serve.out")
[ -n "$url" ] || { echo "web.sh: serve did not start" >&2; cat "$tmp/serve.err" >&2; exit 1; }

# first requests render (cold), the next ones come from the cache
cold_home=$(curl -s -o /dev/null -w '%{time_total}' "$url/")
warm_home=$(curl -s -o /dev/null -w '%{time_total}' "$url/")
cold_search=$(curl -s -o /dev/null -w '%{time_total}' "$url/search?q=$q")

# the same bytes for nginx: identity and the gzip newsdesk sends
mkdir -p "$tmp/www"
chmod 755 "$tmp" "$tmp/www"
curl -s "$url/" -o "$tmp/www/index.html"
curl -s -H 'Accept-Encoding: gzip' "$url/" -o "$tmp/www/index.html.gz"
chmod 644 "$tmp/www/"*
item=$(grep -o 'href="/item/[0-9]*"' "$tmp/www/index.html" | head -1 | sed 's/href="//; s/"//')
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<NGX
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx;
	proxy_temp_path $tmp/nginx;
	fastcgi_temp_path $tmp/nginx;
	uwsgi_temp_path $tmp/nginx;
	scgi_temp_path $tmp/nginx;
	types { text/html html; }
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	server {
		listen 127.0.0.1:$nport;
		root $tmp/www;
		gzip_static on;
		location / { index index.html; }
	}
}
NGX
"$nginx" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
npid=$!
sleep 0.5

echo "newsdesk $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) CPUs; wrk -t2 -c64 -d$dur, Accept-Encoding: gzip"
echo "store: $db ($(du -h "$db" | cut -f1)); home page $(wc -c < "$tmp/www/index.html") bytes, gzip $(wc -c < "$tmp/www/index.html.gz")"
echo "single requests: home cold (render) ${cold_home}s, home cached ${warm_home}s, first search ${cold_search}s"
run() {
	# name url [script]
	out=$(SEARCH_Q=$q wrk -t2 -c64 -d"$dur" -H 'Accept-Encoding: gzip' -s "${3:-bench/web_pct.lua}" "$2" | grep '^RESULT')
	echo "$1 $out"
}
ngx=$(run nginx "http://127.0.0.1:$nport/")
home=$(run home "$url/")
itm=$(run item "$url$item")
srch=$(run search-cached "$url/search?q=$q")
srch2=$(run search "$url/" bench/web_search.lua)
ngx2=$(run nginx-again "http://127.0.0.1:$nport/")
rss=$(grep VmHWM /proc/$spid/status | awk '{print $2 " " $3}')
python3 - "$ngx" "$home" "$itm" "$srch" "$srch2" "$ngx2" "$rss" <<'PY'
import sys
rows = []
for line in sys.argv[1:7]:
    name, _, rest = line.partition(" RESULT ")
    kv = dict(p.split("=") for p in rest.split())
    rows.append((name, kv))
base = (float(rows[0][1]["rps"]) + float(rows[5][1]["rps"])) / 2
print("%-14s %10s %8s %8s %8s %7s %6s" % ("target", "req/s", "p50 ms", "p95 ms", "p99 ms", "nginx", "errors"))
for name, kv in rows:
    print("%-14s %10.0f %8.2f %8.2f %8.2f %6.0f%% %6s" % (name, float(kv["rps"]),
        int(kv["p50"]) / 1000, int(kv["p95"]) / 1000, int(kv["p99"]) / 1000,
        100 * float(kv["rps"]) / base, kv["errors"]))
print("server peak RSS: %s" % sys.argv[7])
PY
