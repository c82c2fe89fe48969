#!/bin/sh
# The demo: a store filled with the demo beat (demo/feeds, demo/sources.opml),
# with the demo desk's configuration (demo/newsdesk.ini).
# usage: scripts/demo.sh BIN DB
# Safe to run again: init is idempotent, known sources are reported as
# duplicates and known items as unchanged.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 BIN DB" >&2
	exit 2
fi
BIN=$1
DB=$2
top=$(cd "$(dirname "$0")/.." && pwd)
CONFIG=$top/demo/newsdesk.ini
nd() { "$BIN" --config "$CONFIG" --db "$DB" "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "creating the store $DB"
nd init

step "importing the sources (demo/sources.opml)"
nd import-opml "$top/demo/sources.opml"

step "ingesting the demo feeds (demo/feeds)"
nd ingest -v "$top/demo/feeds"

step "sections"
nd section list

step "items per source"
nd source list

step "newest headlines"
nd items --limit 12

step "search: \"drought clause\""
nd search --limit 3 drought clause

step "search: \"السد\" (Arabic; diacritics ignored)"
nd search --limit 3 السد

printf '\nThe store is %s. Try:\n' "$DB"
printf '  %s --db %s items --source 1 --json\n' "$BIN" "$DB"
printf '  %s --db %s search tessen\n' "$BIN" "$DB"
if "$BIN" help 2>/dev/null | grep -q '^  serve '; then
	printf '  %s --config demo/newsdesk.ini --db %s serve   (then open http://127.0.0.1:8080/)\n' "$BIN" "$DB"
fi
