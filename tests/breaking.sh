#!/bin/sh
# issue 11: breaking-news alerts end to end, against a real SMTP server
# (aiosmtpd, tests/mail/smtp_sink.py) and a real `newsdesk serve`, both on
# 127.0.0.1. An editor signs in and publishes a post with "Send as
# breaking news" ticked: one mail is queued per confirmed subscriber of
# the breaking list (not to pending ones, nor to other lists); repeating
# the action (the post's button, `newsdesk post breaking ID`) queues
# nothing more; `newsdesk run` delivers them on its next round, each with
# List-Unsubscribe (https and mailto) and One-Click, and valid HTML. From
# the command line: `post add --publish --breaking`, and a scheduled
# post's alert that waits for publication (`mail send` queues and sends
# it then). Every check prints one line; missing inputs fail the test.
set -eu
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
PY=/usr/bin/python3
TOOL="$PY $SRC/tests/mail/mailtool.py"
fails=0
ok() { echo "ok - $*"; }
no() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok "$d"; else no "$d"; fi
}
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "not ok - python3-aiosmtpd is missing (scripts/setup.sh)"; exit 1; }
command -v curl >/dev/null || { echo "not ok - curl is missing"; exit 1; }
[ -x "$BIN" ] || { echo "not ok - no binary at $BIN"; exit 1; }
[ -d "$SRC/tests/web/node_modules/html-validate" ] && command -v node >/dev/null ||
	{ echo "not ok - html-validate is missing (scripts/setup.sh)"; exit 1; }

tmp=$(mktemp -d)
sink_pid=""
web_pid=""
run_pid=""
cleanup() {
	for p in $run_pid $web_pid $sink_pid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
mails() { ls "$1" 2>/dev/null | grep -c '\.eml$' || true; }

box="$tmp/box"
mkdir -p "$box"
$PY "$SRC/tests/mail/smtp_sink.py" "$box" "$tmp/sink.port" 2>"$tmp/sink.err" &
sink_pid=$!
i=0
while [ ! -s "$tmp/sink.port" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "not ok - the SMTP server did not start"; cat "$tmp/sink.err"; exit 1; }
	sleep 0.1
done
sport=$(cat "$tmp/sink.port")
wport=$(free_port)
base="http://127.0.0.1:$wport"
cat > "$tmp/nd.ini" <<INI
[desk]
name = The Test Desk
base_url = $base
timezone = Europe/Berlin
pwhash_mem_mb = 16
pwhash_ops = 2
[mail]
smtp_url = smtp://127.0.0.1:$sport
from = The Test Desk <news@desk.test>
lease_s = 5
retry_s = 1
digest_hour = -1
INI
export NEWSDESK_CONFIG="$tmp/nd.ini"
db="$tmp/t.db"
nd() { "$BIN" --db "$db" "$@"; }
q() { $PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); r = c.execute(sys.argv[2]).fetchall(); print("\n".join("|".join(str(x) for x in row) for row in r))' "$db" "$1"; }
nd init >/dev/null
nd import-opml demo/sources.opml >/dev/null
nd ingest demo/feeds >/dev/null
# readers: three confirmed on the breaking list; one who has not
# confirmed yet; one confirmed on the digest only; one who left
$TOOL seed "$db" 3 breaking breaking
$TOOL seed "$db" 1 digestonly digest
$PY - "$db" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
now = int(time.time())
with c:
    for email, status in (("pending0@example.org", 0), ("left0@example.org", 2)):
        cur = c.execute("INSERT INTO subscribers (email, status, created) "
                        "VALUES (?, ?, ?)", (email, status, now))
        c.execute("INSERT INTO subscriptions (subscriber_id, list) "
                  "VALUES (?, 'breaking')", (cur.lastrowid,))
PY
printf 'a long enough password\n' > "$tmp/pw"
nd user add editor@desk.example --name "The Editor" --role editor --password-file "$tmp/pw" >/dev/null

"$BIN" --db "$db" serve --listen "127.0.0.1:$wport" >"$tmp/serve.out" 2>"$tmp/serve.err" &
web_pid=$!
i=0
until curl -sf "$base/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "not ok - newsdesk serve did not start"; cat "$tmp/serve.err"; exit 1; }
	sleep 0.1
done

# ---- the desk: publish with "Send as breaking news" ticked ----
# prints lines "KEY VALUE" the checks below read
$PY - "$base" > "$tmp/desk.out" <<'PY'
import http.client, re, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
cookies = {}

def req(method, path, form=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    h = {"Accept": "text/html"}
    if cookies:
        h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    for sc in r.headers.get_all("Set-Cookie") or []:
        name, _, rest = sc.partition("=")
        cookies[name] = rest.split(";")[0]
    return r.status, r.headers, data

req("GET", "/desk/login")
st, h, _ = req("POST", "/desk/login", {"csrf_token": cookies["nd_csrf"],
    "email": "editor@desk.example", "password": "a long enough password"})
print("login", st)
st, _, body = req("GET", "/desk/posts/new")
print("form_has_box", int('name="breaking"' in body and
      "Send as breaking news" in body))
m = re.search(r"\((\d+) now\)", body)
print("form_count", m.group(1) if m else "none")
st, h, _ = req("POST", "/desk/posts/new", {
    "csrf_token": cookies["nd_csrf"], "headline": "Dam gates opened at dawn",
    "deck": "The reservoir's first release of the season",
    "body": "Engineers opened the **three** gates at 5:40.\n\nMore soon.",
    "bylines": "The Editor", "action": "publish", "breaking": "1"})
loc = h.get("Location") or ""
print("publish", st)
print("publish_note", urllib.parse.unquote_plus(loc.partition("done=")[2]) or "-")
m = re.match(r"/desk/post/(\d+)", loc)
pid = m.group(1) if m else "0"
print("post", pid)
# again, from the post's page: nothing more
st, h, body = req("GET", "/desk/post/%s" % pid)
print("page_sent", int("Sent as breaking news" in body and
      'action="/desk/post/%s/breaking"' % pid not in body))
st, h, _ = req("POST", "/desk/post/%s/breaking" % pid, {
    "csrf_token": cookies["nd_csrf"], "action": "breaking"})
loc = h.get("Location") or ""
print("again", st)
print("again_note", urllib.parse.unquote_plus(loc.partition("done=")[2]) or "-")
st, _, _ = req("POST", "/desk/post/%s/breaking" % pid, {
    "action": "breaking"})
print("nocsrf", st)
st, _, _ = req("POST", "/desk/post/%s/breaking" % pid, {
    "csrf_token": cookies["nd_csrf"]})
print("empty", st)
PY
val() { sed -n "s/^$1 //p" "$tmp/desk.out"; }
check "the editor signs in" [ "$(val login)" = 303 ]
check "the post form has the 'Send as breaking news' box" [ "$(val form_has_box)" = 1 ]
check "... naming the breaking list's confirmed subscribers (3)" [ "$(val form_count)" = 3 ]
check "publish with the box ticked (303)" [ "$(val publish)" = 303 ]
check "... says the alert was queued for 3 ($(val publish_note))" \
	sh -c "echo '$(val publish_note)' | grep -q 'queued for 3 subscribers'"
pid=$(val post)
check "one mail queued per confirmed subscriber of the breaking list" \
	[ "$(q "SELECT group_concat(s.email, ' ') FROM mail_queue m JOIN subscribers s ON s.id = m.subscriber_id WHERE m.kind = 'breaking' ORDER BY s.email")" = "breaking0@example.org breaking1@example.org breaking2@example.org" ]
check "... recorded once in the store (post_breaking)" \
	[ "$(q "SELECT n_queued, queued_at > 0 FROM post_breaking WHERE post_id = $pid")" = "3|1" ]
check "the post's page says it was sent, with no button to send again" [ "$(val page_sent)" = 1 ]
check "the action again answers 303 ($(val again_note))" \
	sh -c "[ '$(val again)' = 303 ] && echo '$(val again_note)' | grep -q 'not sent again'"
check "a POST without the CSRF token is refused (403)" [ "$(val nocsrf)" = 403 ]
check "an empty form sends nothing (400)" [ "$(val empty)" = 400 ]
nd post breaking "$pid" > "$tmp/cli-again.out"
check "post breaking ID again: not sent again" grep -q "not sent again" "$tmp/cli-again.out"
check "... still 3 mails queued" [ "$(q "SELECT count(*) FROM mail_queue WHERE kind = 'breaking'")" = 3 ]
check "the audit log has the editor's request once" \
	[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'post.breaking' AND actor = 'editor@desk.example'")" = 1 ]
check "nothing was sent before the mail loop ran" [ "$(mails "$box")" = 0 ]

# ---- newsdesk run delivers it on its next round ----
"$BIN" --db "$db" run --no-web >"$tmp/run.out" 2>"$tmp/run.err" &
run_pid=$!
i=0
while [ "$(mails "$box")" -lt 3 ] && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
sleep 1
kill "$run_pid"
wait "$run_pid" 2>/dev/null || true
run_pid=""
check "run delivered one alert per subscriber ($(mails "$box") mails)" [ "$(mails "$box")" = 3 ]
$TOOL count "$box" "Breaking:" > "$tmp/count"
check "each of the three got exactly one copy" \
	[ "$(cat "$tmp/count" | sort | tr '\n' ' ')" = "breaking0@example.org 1 1 breaking1@example.org 1 1 breaking2@example.org 1 1 " ]
m1=$($TOOL find "$box" breaking1@example.org "Breaking:")
check "the alert carries List-Unsubscribe (https + mailto), One-Click, Message-ID, VERP" $TOOL check "$m1"
check "... its subject is the headline" \
	sh -c "$TOOL header '$m1' Subject | grep -q '^Breaking: Dam gates opened at dawn$'"
check "... its List-Id is the breaking list" \
	sh -c "$TOOL header '$m1' List-Id | grep -q '<breaking\\.desk\\.test>'"
$TOOL part "$m1" text/plain "$tmp/alert.txt"
$TOOL part "$m1" text/html "$tmp/alert.html"
check "... the text links to the post" grep -q "$base/post/$pid/dam-gates-opened-at-dawn" "$tmp/alert.txt"
check "... with the deck and the first lines" sh -c "grep -q 'first release of the season' '$tmp/alert.txt' && grep -q 'Engineers opened the three gates' '$tmp/alert.txt'"
check "... and a manage link with the reader's own token" grep -q "$base/subscribe/manage?t=" "$tmp/alert.txt"
check "... the HTML part is valid" node "$SRC/tests/web/mail_html_check.mjs" "$tmp/alert.html"
nd mail send > "$tmp/send-after.out"
check "sent once: a later send finds nothing" grep -q '^sent 0,' "$tmp/send-after.out"

# ---- from the command line ----
printf 'The second release is at noon.\n' > "$tmp/p2.md"
nd post add --title "Second release at noon" --body-file "$tmp/p2.md" --publish --breaking > "$tmp/add.out"
check "post add --publish --breaking queues the alert" grep -q "breaking alert queued for 3 subscribers" "$tmp/add.out"
p2=$(sed -n 's/^post \([0-9]*\) published.*/\1/p' "$tmp/add.out")
nd post breaking "$p2" > "$tmp/add-again.out"
check "post breaking on it again: not sent again" grep -q "not sent again" "$tmp/add-again.out"
nd mail send > "$tmp/send2.out"
check "mail send delivers it (3)" grep -q '^sent 3,' "$tmp/send2.out"
check "... 6 alerts in all" [ "$(mails "$box")" = 6 ]
out=$(nd post add --title "Needs a time" --body-file "$tmp/p2.md" --breaking 2>&1) && rc=0 || rc=$?
check "--breaking without --publish or --at is refused" sh -c "[ $rc = 2 ] && echo '$out' | grep -q 'goes with --publish'"
nd post add --title "Scheduled for later" --body-file "$tmp/p2.md" --at +1h --breaking > "$tmp/sched.out"
check "a scheduled post's alert waits for publication" grep -q "goes out when it is published" "$tmp/sched.out"
p3=$(sed -n 's/^post \([0-9]*\) scheduled.*/\1/p' "$tmp/sched.out")
nd mail send > "$tmp/send3.out"
check "... nothing is sent before it is published" grep -q '^sent 0,' "$tmp/send3.out"
nd post publish "$p3" >/dev/null
nd mail send > "$tmp/send4.out"
check "... once published, mail send queues and sends it (3)" grep -q '^sent 3,' "$tmp/send4.out"
check "three alerts, once each" [ "$($TOOL count "$box" "Breaking: Scheduled for later" | wc -l)" = 3 ]
check "no alert went to a pending, departed or digest-only reader" \
	sh -c "! grep -l -E 'X-Envelope-To: (pending0|left0|digestonly0)@' '$box'/*.eml"

check "the command line's post actions are in the audit log (actor cli)" \
	[ "$(q "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE actor = 'cli' AND target = 'post $p2' ORDER BY id)")" = "post.create post.publish post.breaking" ]

echo "# $fails failed"
[ "$fails" = 0 ]
