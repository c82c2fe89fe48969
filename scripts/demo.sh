#!/bin/sh
# The demo (`make demo`): the demo beat gathered through the real fetch path
# and served as the public site.
#
#   1. starts the demo's fixture server (demo/serve.py) on 127.0.0.1:8089:
#      it plays the seven invented outlets, serving demo/feeds/ and the
#      photos in demo/photos/ that the feeds point at;
#   2. creates the store DB afresh (an earlier demo store is replaced) with
#      the demo desk's configuration (demo/newsdesk.ini) and imports
#      demo/sources-local.opml: the same sources, at the fixture server;
#   3. `newsdesk fetch`: the feeds, then the photos of the new items, over
#      HTTP (the configuration's allow_hosts lets 127.0.0.1 through the
#      fetcher's SSRF guard), into the store;
#   4. shows what came in, then runs `newsdesk run` in the foreground: the
#      site on http://127.0.0.1:8080/ (DEMO_LISTEN to change), polling the
#      fixture server on schedule. Ctrl-C stops the site and the fixture
#      server.
#
# usage: scripts/demo.sh BIN DB
# DEMO_NO_SERVE=1 stops after step 3 (the store stays; used by tests).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 BIN DB" >&2
	exit 2
fi
BIN=$1
DB=$2
top=$(cd "$(dirname "$0")/.." && pwd)
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
CONFIG=$top/demo/newsdesk.ini
LISTEN=${DEMO_LISTEN:-127.0.0.1:8080}
FIXTURE_PORT=8089    # named by the photo URLs in demo/feeds (make_feeds.py)
nd() { "$BIN" --config "$CONFIG" --db "$DB" "$@"; }
step() { printf '\n== %s\n' "$*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-demo.XXXXXX")
fx_pid=
run_pid=
watch_pid=
cleanup() {
	set +e
	[ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
	if [ -n "$run_pid" ]; then
		kill -TERM "$run_pid" 2>/dev/null
		wait "$run_pid" 2>/dev/null
	fi
	if [ -n "$fx_pid" ]; then
		kill "$fx_pid" 2>/dev/null
		wait "$fx_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE
# When what started us dies (make killed by a signal does not pass it on
# to its recipe), stop too, rather than serve on as an orphan.
parent=$PPID
(while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -TERM $$) \
    >/dev/null 2>&1 &
watch_pid=$!

step "starting the demo's fixture server on 127.0.0.1:$FIXTURE_PORT (demo/serve.py)"
python3 "$top/demo/serve.py" --listen 127.0.0.1 --port "$FIXTURE_PORT" \
    --port-file "$tmp/port" 2>"$tmp/fixture.err" &
fx_pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$fx_pid" 2>/dev/null; then
		cat "$tmp/fixture.err" >&2
		echo "demo: the fixture server did not start (is port $FIXTURE_PORT in use?)" >&2
		exit 1
	fi
	sleep 0.1
done
echo "serving demo/feeds and demo/photos at http://127.0.0.1:$FIXTURE_PORT/"

step "creating the store $DB"
rm -f "$DB" "$DB-wal" "$DB-shm"
nd init

step "importing the sources (demo/sources-local.opml)"
nd import-opml "$top/demo/sources-local.opml"

step "fetching the feeds and their photos over HTTP"
nd fetch

step "sections"
nd section list

step "sources"
nd source list

step "newest headlines"
nd items --limit 8

step "search: \"السد\" (Arabic; diacritics ignored)"
nd search --limit 3 السد

if [ -n "${DEMO_NO_SERVE:-}" ]; then
	printf '\nThe store is %s.\n' "$DB"
	exit 0
fi

step "the site"
printf 'Open http://%s/ in a browser. Ctrl-C stops the site and the fixture server.\n' \
    "$LISTEN"
printf '(the store stays in %s; try `%s --db %s search tessen`)\n\n' "$DB" \
    "$BIN" "$DB"
# newsdesk runs as a child that this script waits for, and Ctrl-C, SIGTERM
# or SIGHUP to the script are passed on to it as SIGTERM (a shell defers
# its traps while a foreground child runs, so a kill of the script alone
# would leave the site running). newsdesk stops cleanly; the EXIT trap
# then stops the fixture server. It is started as itself, not through the
# nd function: `nd ... &` forks a subshell, and $! would be the subshell,
# whose death leaves newsdesk serving.
"$BIN" --config "$CONFIG" --db "$DB" run --listen "$LISTEN" &
run_pid=$!
trap 'kill -TERM "$run_pid" 2>/dev/null' INT TERM HUP
while kill -0 "$run_pid" 2>/dev/null; do
	wait "$run_pid" || true
done
run_pid=
