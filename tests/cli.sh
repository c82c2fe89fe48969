#!/bin/sh
# End-to-end tests of the newsdesk binary over a temporary store: every
# command's help, the store commands, OPML round-trip, ingest of the demo
# feeds, items, search (English and Arabic), config errors.
# Env: NEWSDESK_BIN (the binary), NEWSDESK_SRC (the source tree).
# Prints one line per check; exits 1 if any failed.
set -u

BIN=${NEWSDESK_BIN:?NEWSDESK_BIN must name the newsdesk binary}
SRC=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
DB=$tmp/desk.db
unset NEWSDESK_DB NEWSDESK_CONFIG
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $1"; }
not_ok() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $1"
	for f in "$tmp/out" "$tmp/err"; do
		[ -s "$f" ] && head -20 "$f" | sed 's/^/#   /'
	done
	return 0
}
# run ARGS...: the binary on the test store; output in $tmp/out, $tmp/err.
run() { "$BIN" --db "$DB" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; return 0; }
# expect DESC RC: the last run exited with RC.
expect_rc() { if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1 (exit $rc, want $2)"; fi; }
# expect_out DESC PATTERN: the last run exited 0 and stdout matches.
expect_out() {
	if [ "$rc" -eq 0 ] && grep -q -- "$2" "$tmp/out"; then ok "$1"; else
		not_ok "$1 (exit $rc, want /$2/ in stdout)"; fi
}
expect_err() {
	if [ "$rc" -ne 0 ] && grep -q -- "$2" "$tmp/err"; then ok "$1"; else
		not_ok "$1 (exit $rc, want failure and /$2/ in stderr)"; fi
}
# py DESC SCRIPT: runs python3 SCRIPT with stdout of the last run on stdin.
py() {
	if python3 -c "$2" <"$tmp/out" >"$tmp/py" 2>&1; then ok "$1"; else
		not_ok "$1"; sed 's/^/#   /' "$tmp/py"; fi
}

# ---- help ----
run --help; expect_out "--help lists commands" "^commands:"
run help; expect_out "help lists commands" "^  init "
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$tmp/out")
for c in $cmds; do
	run "$c" --help; expect_out "$c --help" "usage: "
	run help "$c"; expect_out "help $c" "usage: "
done
for c in init source section ingest items search import-opml export-opml config; do
	echo "$cmds" | grep -qx "$c" && ok "command $c is listed" || not_ok "command $c is listed"
done
run no-such-command; expect_rc "unknown command exits 2" 2
run source frobnicate; expect_rc "bad subcommand exits 2" 2
run --version; expect_out "--version" "^newsdesk "

# ---- store ----
run source list; expect_err "no store yet: hint to init" "newsdesk init"
run init; expect_out "init creates" "created store"
run init; expect_out "init again is harmless" "checked store"
run migrate; expect_out "migrate on a current store" "schema version"
# Only init and migrate change the schema: an empty SQLite file is a store
# at version 0, which every other command refuses.
python3 -c "import sqlite3; sqlite3.connect('$tmp/old.db').execute('create table t (x)')"
"$BIN" --db "$tmp/old.db" items >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_err "items refuses an old schema" "newsdesk migrate"
"$BIN" --db "$tmp/old.db" migrate >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_out "migrate brings it up to date" "schema version"
"$BIN" --db "$tmp/old.db" items >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_rc "items then opens it" 0
"$BIN" --db "$tmp/none.db" migrate >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_err "migrate needs an existing store" "newsdesk init"
run section add Developments; expect_out "section add" "added section"
run section add Developments; expect_rc "section add duplicate fails" 1
run section add "Diplomatic Buzz" --slug buzz; expect_out "section add --slug" "Diplomatic Buzz"
run section list; expect_out "section list" "buzz"
run section list --json
py "section list --json" '
import json, sys
a = json.load(sys.stdin)
assert [s["slug"] for s in a] == ["developments", "buzz"], a
assert a[1]["name"] == "Diplomatic Buzz" and a[1]["sources"] == 0, a
'

run source add https://one.example/feed.xml --section Developments --title "One"
expect_out "source add" "added source"
run source add https://two.example/rss --section "New Section"
expect_out "source add creates section" "added section"
run source add https://one.example/feed.xml; expect_err "source add duplicate" "already source"
run source add not-a-url; expect_rc "source add rejects non-URL" 1
# issue 13: every scheme but http and https is refused at add, with the reason
for u in file:///etc/passwd FILE://localhost/etc/hosts gopher://g.example/ \
    dict://d.example/ ftp://f.example/feed.xml javascript:alert%281%29 \
    data:text/xml,x "http://" "https:///path"; do
	run source add "$u"; expect_err "source add refuses $u" "source add: '$u'"
done
run source add file:///etc/passwd; expect_err "source add: file:// reason" "only http and https"
run source list; expect_out "source list" "https://two.example/rss"
run source list --json
py "source list --json" '
import json, sys
a = json.load(sys.stdin)
assert len(a) == 2, a
for k in ("id", "url", "title", "section", "status", "error", "errors",
          "last_success", "next_fetch", "items"):
    assert k in a[0], k
assert a[0]["title"] == "One" and a[0]["section"] == "developments", a[0]
assert a[0]["state"] == "new", a[0]
'
run source remove https://two.example/rss; expect_out "source remove by URL" "removed source"
run source remove 1; expect_out "source remove by id" "removed source 1"
run source remove 99; expect_err "source remove missing" "no source"

# ---- OPML ----
run import-opml "$SRC/demo/sources.opml"
expect_out "import-opml" "imported 7 sources (0 duplicates"
run import-opml "$SRC/demo/sources.opml"
expect_out "import-opml again: duplicates" "imported 0 sources (7 duplicates"
run source add "https://odd.example/feed?a=1&b=2" --title 'Tom & Jerry <"quoted">' --section "Q&A"
expect_out "source add with markup in title and section" "added source"
run export-opml; cp "$tmp/out" "$tmp/export.opml"
expect_out "export-opml" "xmlUrl=\"https://almiral.example/rss/nahr.xml\""
xmllint --noout "$tmp/export.opml" 2>/dev/null && ok "export is well-formed" || not_ok "export is well-formed"
# review_export_opml_xml_chars: a title with characters XML forbids (a
# control byte, U+FFFF) made the exported OPML ill-formed
DB1=$DB; DB=$tmp/xmlchars.db
run init
run source add "https://ctl.example/feed" --title "$(printf 'Bell\007 and \357\277\277 end')"
run export-opml
xmllint --noout "$tmp/out" 2>/dev/null && ok "export with forbidden characters is well-formed" ||
	not_ok "export with forbidden characters is well-formed"
expect_out "export keeps the rest of the title" 'Bell and  end'
DB=$DB1
run source list --json; cp "$tmp/out" "$tmp/a.json"
DB1=$DB; DB=$tmp/copy.db
run init
run import-opml "$tmp/export.opml"; expect_out "import of export" "imported 8 sources"
run source list --json; cp "$tmp/out" "$tmp/b.json"
DB=$DB1
if python3 - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
def key(p):
    return sorted((s["url"], s["title"], s["section"]) for s in json.load(open(p)))
a, b = key(sys.argv[1]), key(sys.argv[2])
sys.exit(0 if a == b else 1)
PY
then ok "OPML round-trip keeps sources and sections"; else not_ok "OPML round-trip keeps sources and sections"; fi

run source remove "https://odd.example/feed?a=1&b=2"; expect_out "remove it again" "removed source"

# ---- ingest ----
run ingest "$SRC/demo/feeds"
expect_out "ingest demo feeds" "ingested 7 files (0 failed): 86 new, 0 updated, 0 unchanged items; 0 new sources"
run ingest "$SRC/demo/feeds"
expect_out "re-ingest: all unchanged" "ingested 7 files (0 failed): 0 new, 0 updated, 86 unchanged"
# issue 9: ingest grouped the reports into stories; the desk's decisions
# hold (the clusterer never undoes them)
run stories --json
py "stories: several outlets' reports of one event share a story" '
import json, sys
a = json.load(sys.stdin)
assert len(a) >= 10, len(a)
assert max(s["outlets"] for s in a) >= 3, a[:3]
assert sum(s["items"] for s in a) == 86, sum(s["items"] for s in a)
'
sid=$("$BIN" --db "$DB" stories --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
run story pin "$sid"; expect_out "story pin" "pin: story $sid"
run story retitle "$sid" "The desk's own headline"; expect_out "story retitle" "retitle: story $sid"
run stories --json
py "a pinned story comes first, with the editor's title" '
import json, sys
a = json.load(sys.stdin)
assert a[0]["pinned"] and a[0]["title"] == "The desk'"'"'s own headline", a[0]
'
run story merge "$sid" "$sid"; expect_err "story merge into itself" "itself"
# every story decision from the command line is in the audit log, as the
# desk's and `newsdesk item`'s are (actor cli)
sid2=$("$BIN" --db "$DB" stories --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[1]["id"])')
run story merge "$sid2" "$sid"; expect_out "story merge" "merge: story $sid"
split_item=$("$BIN" --db "$DB" story show "$sid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reports"][-1]["id"])')
run story split "$split_item"; expect_out "story split" "split: story"
run story unpin "$sid"; expect_out "story unpin" "unpin: story $sid"
python3 - "$DB" "$sid" "$sid2" "$split_item" <<'PY' && ok "story CLI decisions are in the audit log" || not_ok "story CLI decisions are in the audit log"
import sqlite3, sys
db, sid, sid2, item = sys.argv[1:5]
rows = sqlite3.connect(db).execute(
    "SELECT actor, action, target, detail FROM audit_log "
    "WHERE action LIKE 'story.%' ORDER BY id").fetchall()
want = [("cli", "story.pin", "story " + sid, ""),
        ("cli", "story.retitle", "story " + sid, "The desk's own headline"),
        ("cli", "story.merge", "story " + sid2, "into story " + sid),
        ("cli", "story.unpin", "story " + sid, "")]
got = [r for r in rows if r[1] != "story.split"]
assert got == want, (got, want)
split = [r for r in rows if r[1] == "story.split"]
assert len(split) == 1 and split[0][0] == "cli" and \
    split[0][3] == "item " + item and split[0][2].startswith("story "), split
PY
run story pin 99999999; expect_err "story pin: unknown story" "no story"
run story frobnicate 1; expect_rc "story: bad verb exits 2" 2
run cluster --jsonl "$SRC/tests/fuzz/kit/corpus/line1"; expect_out "cluster: one line per item" '^{"id":"uci-8c4c699f7984","story":1}$'
printf '{"id": "a", "title": "x"}\nnot json\n' >"$tmp/bad.jsonl"
run cluster --jsonl "$tmp/bad.jsonl"; expect_err "cluster: a bad line is an error with its number" "bad.jsonl:2"
printf 'not a feed at all' >"$tmp/junk.xml"
run ingest "$tmp/junk.xml" "$SRC/demo/feeds/basin-wire.xml" "$tmp/missing.xml"
if [ "$rc" -eq 1 ] && grep -q "junk.xml" "$tmp/err" && grep -q "missing.xml" "$tmp/err" &&
	grep -q "ingested 3 files (2 failed): 0 new, 0 updated, 16 unchanged" "$tmp/out"; then
	ok "ingest: broken files reported, others go on, exit 1"
else not_ok "ingest: broken files reported, others go on, exit 1"; fi
# One rule for "not a feed", whichever way the bytes came (ingest_parse,
# shared with the fetch cycle): no entries and no feed format, even when
# the XML is well-formed. (ingest used to store it as an empty source.)
printf '<?xml version="1.0"?><html><body><p>a page</p></body></html>' >"$tmp/page.xml"
run ingest "$tmp/page.xml"
expect_err "ingest: a well-formed page is not a feed" "not a feed"
run source list --json
py "no source was created for it" '
import json, sys
assert not any("page.xml" in s["url"] for s in json.load(sys.stdin))
'
run source list --json
py "items are attached to the imported sources" '
import json, sys
a = json.load(sys.stdin)
n = {s["url"]: s["items"] for s in a}
assert n["https://herald.korvia.example/feeds/miral.xml"] == 14, n
assert n["https://ledger.example/miral/feed.json"] == 11, n
assert n["https://sawt-samaran.example/feed/miral.xml"] == 10, n
assert all(s["state"] == "ok" for s in a), a
'

# A file that is no followed feed becomes a disabled file:// source, and
# control characters in its text never reach the terminal.
cat >"$tmp/local.json" <<'JSON'
{"version": "https://jsonfeed.org/version/1.1", "title": "Local\u001b]0;owned\u0007 notes",
 "items": [{"id": "n1", "title": "Evil \u001b[31mred\u009b2J title", "content_text": "x",
            "date_published": "2026-11-01T00:00:00Z"}]}
JSON
run ingest "$tmp/local.json"
expect_out "ingest: file:// source for an unknown feed" "1 new, 0 updated, 0 unchanged items; 1 new sources"
run source list --json
py "file:// source is disabled" '
import json, sys
a = [s for s in json.load(sys.stdin) if s["url"].startswith("file://")]
assert len(a) == 1 and a[0]["url"].endswith("/local.json"), a
assert a[0]["state"] == "disabled", a
'
run items --limit 100
if [ "$rc" -eq 0 ] && grep -q "Evil" "$tmp/out" && ! LC_ALL=C grep -q "$(printf '\033')" "$tmp/out" &&
	! LC_ALL=C grep -q "$(printf '\302\233')" "$tmp/out"; then
	ok "items: control characters from feeds are not printed"
else not_ok "items: control characters from feeds are not printed"; fi
run source list
if [ "$rc" -eq 0 ] && ! LC_ALL=C grep -q "$(printf '\033\|\007')" "$tmp/out"; then
	ok "source list: control characters are not printed"
else not_ok "source list: control characters are not printed"; fi
run source remove "file://$(cd "$tmp" && pwd -P)/local.json"; expect_out "remove the file:// source" "removed source"

# ---- items ----
run items; expect_out "items" "Talks resume"
run items --limit 5 --json
py "items --json" '
import json, sys
a = json.load(sys.stdin)
assert len(a) == 5, len(a)
for it in a:
    assert it["title"] and it["url"] and it["published"], it
assert a[0]["published"] >= a[-1]["published"]
'
run items --source https://herald.korvia.example/feeds/miral.xml --limit 100 --json
py "items --source, with photo caption and credit" '
import json, sys
a = json.load(sys.stdin)
assert len(a) == 14, len(a)
imgs = [i["image"] for i in a if i["image"]]
assert imgs, "no images"
assert any(i["credit"] == "Basin Wire/Irena Volk" for i in imgs), imgs
assert all(i["caption"] for i in imgs), imgs
'
run items --since 2026-11-29 --limit 100 --json
py "items --since ISO date" '
import json, sys
a = json.load(sys.stdin)
assert len(a) == 7, len(a)
assert all(i["published"] >= "2026-11-29" for i in a), a
'
run items --since yesterday; expect_err "items --since bad time" "not a time"
run items --since 1w; expect_rc "items --since relative age" 0
run items --limit 0; expect_rc "items --limit 0 is refused as a usage error" 2
run items --section "Regional Press" --limit 100 --json
py "items --section" 'import json,sys; a=json.load(sys.stdin); assert len(a) == 22, len(a)'

# ---- search ----
run search drought clause; expect_out "search English" "\[[Dd]rought\]"
run search --json --limit 3 Halvorsen
py "search --json" '
import json, sys
o = json.load(sys.stdin)
assert o["total"] >= 10, o["total"]
assert len(o["hits"]) == 3
assert "\u0002" in o["hits"][0]["snippet"]
'
run search الطمي; expect_out "search Arabic: bare word finds it with diacritics" "كيف يحرم"
run search بحيرة الحمراء; expect_out "search Arabic in a windows-1256 feed" "صيادو بحيرة الحمراء"
run search; expect_rc "search without words" 2
# issue 8: السد and سد are one word, at index and at query time
run search --json السد; cp "$tmp/out" "$tmp/with.json"
run search --json سد
if python3 -c "
import json, sys
a = sorted(h['id'] for h in json.load(open(sys.argv[1]))['hits'])
b = sorted(h['id'] for h in json.load(open(sys.argv[2]))['hits'])
sys.exit(0 if a == b and a else 1)" "$tmp/with.json" "$tmp/out"; then
	ok "issue 8: search السد = سد"; else not_ok "issue 8: search السد = سد"; fi
# migration 10 re-tokenizes the whole index: nothing lost, same hits
python3 -c "import sqlite3; c = sqlite3.connect('$DB'); c.execute('ALTER TABLE sources DROP COLUMN description'); c.execute('PRAGMA user_version = 9'); c.commit()"
run migrate; expect_out "issue 8: migration 10 runs" "schema version"
run search --json سد
if python3 -c "
import json, sys
a = sorted(h['id'] for h in json.load(open(sys.argv[1]))['hits'])
b = sorted(h['id'] for h in json.load(open(sys.argv[2]))['hits'])
sys.exit(0 if a == b and a else 1)" "$tmp/with.json" "$tmp/out"; then
	ok "issue 8: the index after migration 10 finds the same"; else not_ok "issue 8: the index after migration 10 finds the same"; fi
run search --json --limit 3 Halvorsen
py "issue 8: English search after migration 10" '
import json, sys
o = json.load(sys.stdin)
assert o["total"] >= 10, o["total"]
'

# ---- review_opml_long_names: a third-party OPML's titles become source
# titles and section names, shown on every page: stored titles are capped
# (2048 bytes), over-long section names refused ----
DB1=$DB; DB=$tmp/long.db
run init
python3 - "$tmp/long.opml" <<'PY'
import sys
t, f = "T" * 100000, "F" * 5000
open(sys.argv[1], "w").write('<?xml version="1.0"?><opml version="2.0"><head/><body>'
    '<outline text="%s" type="rss" xmlUrl="https://long.example/1"/>'
    '<outline text="%s"><outline text="x" type="rss" xmlUrl="https://long.example/2"/>'
    '</outline></body></opml>' % (t, f))
PY
run import-opml "$tmp/long.opml"; expect_err "OPML folder name too long is refused" "too long"
run source add https://long.example/1 --title "$(python3 -c 'print("T" * 100000)')"
expect_out "source with a 100 KB title" "added source"
run source list --json
py "source title capped at 2048 bytes" '
import json, sys
s = json.load(sys.stdin)
assert len(s) == 1 and len(s[0]["title"]) == 2048, [len(x["title"]) for x in s]
'
# review_cli_stderr_escapes: messages quoting an OPML's URLs reached the
# terminal with their C1 controls (U+009B is CSI) and ESC
printf '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="e" xmlUrl="javascript:&#x9b;2J"/></body></opml>' >"$tmp/esc.opml"
run import-opml "$tmp/esc.opml"
if grep -q "skipped javascript:\\\\xc2\\\\x9b2J" "$tmp/err" &&
    ! LC_ALL=C grep -q "$(printf '\302\233')" "$tmp/err"; then
	ok "import-opml messages escape control characters"
else
	not_ok "import-opml messages escape control characters"
fi
DB=$DB1

# ---- config ----
printf '[fetch]\nconcurrency = 4\n\n[web]\nlisten = nowhere\n' >"$tmp/bad.ini"
run config check "$tmp/bad.ini"; expect_err "config check bad file: line number" "bad.ini:5: \[web\] listen"
run config dump --defaults; cp "$tmp/out" "$tmp/defaults.ini"
run config check "$tmp/defaults.ini"; expect_out "config dump --defaults checks" ": ok"
run config doc; expect_out "config doc" "^## \[fetch\]"
if cmp -s "$tmp/out" "$SRC/docs/config.md"; then ok "docs/config.md is up to date"
else not_ok "docs/config.md is up to date (regenerate: newsdesk config doc > docs/config.md)"; fi
"$BIN" --config "$tmp/missing.ini" --db "$DB" items >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_err "missing --config file is an error" "missing.ini"
printf '[store]\npath = %s\n' "$DB" >"$tmp/store.ini"
"$BIN" --config "$tmp/store.ini" section list >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_out "[store] path from the config" "regional-press"

# issue 8: every command's error line is whole (err_set may wrap its own
# message), usage errors exit 2 with one line, the store's file is named.
# expect_line DESC RC LINE: the last run exited RC and stderr is exactly LINE.
expect_line() {
	if [ "$rc" -eq "$2" ] && [ "$(cat "$tmp/err")" = "$3" ]; then ok "$1"; else
		not_ok "$1 (exit $rc, want $2; stderr: $(head -c 300 "$tmp/err"))"; fi
}
printf 'just some notes\n' >"$tmp/notes.txt"
run import-opml "$tmp/notes.txt"
expect_line "issue 8: import-opml of a text file" 1 "newsdesk: $tmp/notes.txt: opml: the root element is not <opml>"
run search --limit 0 x
expect_line "issue 8: search --limit 0" 2 "newsdesk: --limit: 0 is out of range (1 to 1000) (see \`newsdesk search --help\`)"
run items --limit 5000
expect_line "issue 8: items --limit 5000 says the cap" 2 "newsdesk: --limit: 5000 is out of range (1 to 1000) (see \`newsdesk items --help\`)"
run items --limit
expect_line "issue 8: an option without its value" 2 "newsdesk: --limit needs a value (see \`newsdesk items --help\`)"
run items --since yesterdayish
expect_rc "issue 8: items --since garbage is a usage error" 2
run search
expect_line "issue 8: search without words: one line" 2 "newsdesk: search: no words to find (see \`newsdesk search --help\`)"
run search "   "
expect_rc "issue 8: search of blanks: usage" 2
head -c 8192 /dev/zero | tr '\0' 'x' >"$tmp/corrupt.db"
"$BIN" --db "$tmp/corrupt.db" items >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_line "issue 8: a corrupt store names its file" 1 "newsdesk: store: $tmp/corrupt.db: set WAL: file is not a database"
run ingest "$SRC/tests/cli.sh"
expect_err "issue 8: ingest of a text file: not a feed, named" "cli.sh: not a feed"
for c in source section items search ingest fetch serve run export export-opml import-opml parse parse-date config migrate init; do
	run "$c" --no-such-option
	if [ "$rc" -eq 2 ]; then ok "issue 8: $c --no-such-option exits 2"
	else not_ok "issue 8: $c --no-such-option exits 2 (exit $rc)"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
