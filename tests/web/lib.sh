# Shared by tests/web.sh and tests/web_browser.sh: builds a temporary store
# from the demo feeds and the hostile fixtures (tests/data/web) and starts
# `newsdesk serve --listen 127.0.0.1:0` on it. Sets tmp, db, url, pid.
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
tmp=$(mktemp -d)
pid=""
web_cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap web_cleanup EXIT INT TERM

cat > "$tmp/sponsor.html" <<'HTML'
<p><a href="https://sponsor.example/" onclick="alert('sponsor')">Our sponsor</a> keeps the desk free to read.</p><script>alert('sponsor')</script>
HTML
cat > "$tmp/newsdesk.ini" <<INI
[desk]
name = The <Test> "Desk"
tagline = Hostile <script>alert('tagline')</script> tagline
contact = tips@desk.example
timezone = America/New_York
[web]
# a tiny page cache, so every test run also exercises eviction
cache_max_entries = 16
access_log = $tmp/access.log
sponsor_html_file = $tmp/sponsor.html
INI
export NEWSDESK_CONFIG="$tmp/newsdesk.ini"
db="$tmp/t.db"
"$BIN" --db "$db" init >/dev/null
"$BIN" --db "$db" import-opml demo/sources.opml >/dev/null
"$BIN" --db "$db" ingest demo/feeds >/dev/null
"$BIN" --db "$db" ingest tests/data/web >/dev/null

web_serve() {
	# a second server's start must not be read from the first one's
	# line (the redirection truncates the file only once the child runs)
	rm -f "$tmp/serve.out"
	"$BIN" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
	pid=$!
	i=0
	while ! grep -q '^newsdesk: serving' "$tmp/serve.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "server did not start" >&2
			cat "$tmp/serve.err" >&2
			exit 1
		fi
		sleep 0.1
	done
	url=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/serve.out")
}
