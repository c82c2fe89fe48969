#!/bin/sh
# issue 11: email end to end, against a real SMTP server (aiosmtpd, Debian
# python3-aiosmtpd, tests/mail/smtp_sink.py) and `newsdesk serve`, both on
# 127.0.0.1: sign-up -> confirmation mail -> GET the link (not confirmed)
# -> POST (confirmed) -> digest -> one-click unsubscribe -> the next digest
# skips that address; an SMTP server that is down (mail waits, `mail
# status` shows the error, delivered once it is up); a 5xx refusal marks
# the address; send windows hold; kill -9 during a send of many, then a
# resumed send: one copy per subscriber (counted by Message-ID at the
# server); bounces read from an mbox and a maildir. Every check prints one
# line; inputs that are missing fail the test.
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

tmp=$(mktemp -d)
sink_pid=""
web_pid=""
send_pid=""
photo_pid=""
cleanup() {
	for p in $send_pid $web_pid $sink_pid $photo_pid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_sink DIR [PORT]: the SMTP server; sets sink_pid and sport
start_sink() {
	rm -f "$tmp/sink.port"
	$PY "$SRC/tests/mail/smtp_sink.py" "$1" "$tmp/sink.port" ${2:-} 2>"$tmp/sink.err" &
	sink_pid=$!
	i=0
	while [ ! -s "$tmp/sink.port" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "not ok - the SMTP server did not start"; cat "$tmp/sink.err"; exit 1; }
		sleep 0.1
	done
	sport=$(cat "$tmp/sink.port")
}
stop_sink() {
	kill "$sink_pid"
	wait "$sink_pid" 2>/dev/null || true
	sink_pid=""
}
mails() { ls "$1" 2>/dev/null | grep -c '\.eml$' || true; }

box="$tmp/box"
mkdir -p "$box"
start_sink "$box"
wport=$(free_port)
base="http://127.0.0.1:$wport"
write_config() { # write_config FILE [EXTRA [mail] LINES]
	cat > "$1" <<INI
[desk]
name = The Test Desk
base_url = $base
timezone = Europe/Berlin
[web]
access_log = $tmp/access.log
[mail]
smtp_url = smtp://127.0.0.1:$sport
from = The Test Desk <news@desk.test>
lease_s = 5
retry_s = 1
quiet_s = 3600
digest_hour = -1
${2:-}
INI
}
write_config "$tmp/nd.ini"
export NEWSDESK_CONFIG="$tmp/nd.ini"
db="$tmp/t.db"
nd() { "$BIN" --db "$db" "$@"; }
nd init >/dev/null
nd import-opml demo/sources.opml >/dev/null
nd ingest demo/feeds >/dev/null
q() { $PY -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); r = c.execute(sys.argv[2]).fetchall(); print("\n".join("|".join(str(x) for x in row) for row in r))' "$db" "$1"; }

"$BIN" --db "$db" serve --listen "127.0.0.1:$wport" >"$tmp/serve.out" 2>"$tmp/serve.err" &
web_pid=$!
i=0
until curl -sf "$base/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "not ok - newsdesk serve did not start"; cat "$tmp/serve.err"; exit 1; }
	sleep 0.1
done

# ---- the form on every page, the real form at /subscribe ----
curl -s "$base/" > "$tmp/home.html"
check "every page has the sign-up form (GET to /subscribe)" \
	grep -q '<form class="signup" action="/subscribe" method="get">' "$tmp/home.html"
jar="$tmp/cookies"
curl -s -c "$jar" -D "$tmp/sub.h" "$base/subscribe?email=reader1%40example.org" > "$tmp/sub.html"
check "/subscribe prefills the address from the footer form" \
	grep -q 'value="reader1@example.org"' "$tmp/sub.html"
check "/subscribe has a honeypot field" grep -q 'name="website"' "$tmp/sub.html"
check "/subscribe is not cached" grep -qi '^Cache-Control: no-store' "$tmp/sub.h"
csrf=$(awk '$6 == "nd_csrf" { print $7 }' "$jar")
[ -n "$csrf" ] || no "a CSRF cookie is set"

post() { # post PATH DATA -> status; body in $tmp/post.html
	curl -s -b "$jar" -o "$tmp/post.html" -w '%{http_code}' --data "$2" "$base$1"
}
st=$(post /subscribe "email=reader1%40example.org&list=digest")
check "a sign-up without the CSRF token is refused (403)" [ "$st" = 403 ]
st=$(post /subscribe "csrf_token=$csrf&email=not-an-address&list=digest")
check "a bad address is refused (400)" [ "$st" = 400 ]
mkdir -p "$tmp/pages"
cp "$tmp/post.html" "$tmp/pages/subscribe-error.html"
check "... with the reason beside the field" grep -q 'id="subscribe-email-error">The address needs' "$tmp/post.html"
check "... and what was typed kept" grep -q 'value="not-an-address"' "$tmp/post.html"
st=$(post /subscribe "csrf_token=$csrf&email=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E%40x.example&list=digest")
check "a hostile address is refused (400)" [ "$st" = 400 ]
check "... and shown escaped, never as markup" sh -c "! grep -q '<script>alert' '$tmp/post.html' && grep -q '&#34;&gt;&lt;script&gt;' '$tmp/post.html'"
st=$(post /subscribe "csrf_token=$csrf&email=reader1%40example.org&list=section%3A%3Cx%3E&list=digest")
check "an unknown list is ignored" [ "$(q "SELECT count(*) FROM subscriptions WHERE list LIKE '%<%'")" = 0 ]
st=$(post /subscribe "csrf_token=$csrf&email=reader1%40example.org&list=digest")
check "sign-up answered (200)" [ "$st" = 200 ]
cp "$tmp/post.html" "$tmp/pages/subscribe-sent.html"
sed -n '/<section class="subscribe">/,/<\/section>/p' "$tmp/post.html" > "$tmp/answer1"
st=$(post /subscribe "csrf_token=$csrf&email=nobody-known%40example.org&list=digest&website=http%3A%2F%2Fspam.example")
sed -n '/<section class="subscribe">/,/<\/section>/p' "$tmp/post.html" > "$tmp/answer_hp"
check "a honeypot sign-up is answered like any other" cmp -s "$tmp/answer1" "$tmp/answer_hp"
check "... and stores nothing" [ "$(q "SELECT count(*) FROM subscribers WHERE email = 'nobody-known@example.org'")" = 0 ]
st=$(post /subscribe "csrf_token=$csrf&email=READER1%40Example.org&list=digest")
sed -n '/<section class="subscribe">/,/<\/section>/p' "$tmp/post.html" > "$tmp/answer2"
check "the same address again gets the same answer (no enumeration)" cmp -s "$tmp/answer1" "$tmp/answer2"
post /subscribe "csrf_token=$csrf&email=reader2%40example.org&list=digest&list=breaking" >/dev/null
check "no list bombing: one confirmation queued for an address signed up twice" \
	[ "$(q "SELECT count(*) FROM mail_queue q JOIN subscribers s ON s.id = q.subscriber_id WHERE s.email = 'reader1@example.org'")" = 1 ]
check "tokens are not stored in the clear (none issued before sending)" \
	[ "$(q "SELECT count(*) FROM sub_tokens")" = 0 ]

nd mail send > "$tmp/send1.out"
check "mail send sent the two confirmations" grep -q '^sent 2,' "$tmp/send1.out"
check "the server got them" [ "$(mails "$box")" = 2 ]
cf=$($TOOL find "$box" reader1@example.org Confirm)
check "the confirmation carries List-Unsubscribe, Message-ID, MIME parts, VERP" $TOOL check "$cf"
link=$($TOOL link "$cf" /subscribe/confirm)
tok=${link##*t=}
check "the store keeps only a hash of the token" \
	[ "$(q "SELECT count(*) FROM sub_tokens WHERE hash LIKE '%$tok%'")" = 0 ]
curl -s -b "$jar" -o "$tmp/confirm.html" -w '%{http_code}' "$link" > "$tmp/code"
check "GET of the confirmation link shows a page (200)" [ "$(cat "$tmp/code")" = 200 ]
mkdir -p "$tmp/pages"
cp "$tmp/sub.html" "$tmp/pages/subscribe.html"
cp "$tmp/confirm.html" "$tmp/pages/confirm-ask.html"
check "... with a button that POSTs" grep -q '<form action="/subscribe/confirm" method="post">' "$tmp/confirm.html"
check "... and confirms nothing (a link scanner's GET)" \
	[ "$(q "SELECT status FROM subscribers WHERE email = 'reader1@example.org'")" = 0 ]
curl -s -o /dev/null "$link"
st=$(post /subscribe/confirm "t=$tok")
check "a confirmation POST without the CSRF token is refused" [ "$st" = 403 ]
st=$(post /subscribe/confirm "csrf_token=$csrf&t=$tok")
check "POST confirms (200)" [ "$st" = 200 ]
cp "$tmp/post.html" "$tmp/pages/confirmed.html"
check "... the subscriber is active" \
	[ "$(q "SELECT status FROM subscribers WHERE email = 'reader1@example.org'")" = 1 ]
st=$(post /subscribe/confirm "csrf_token=$csrf&t=$tok")
check "a confirmation link works once" [ "$st" = 404 ]
cf2=$($TOOL find "$box" reader2@example.org Confirm)
tok2=$($TOOL link "$cf2" /subscribe/confirm)
tok2=${tok2##*t=}
post /subscribe/confirm "csrf_token=$csrf&t=$tok2" >/dev/null
check "reader2 confirmed" [ "$(q "SELECT status FROM subscribers WHERE email = 'reader2@example.org'")" = 1 ]

# ---- the digest ----
# the desk's own post leads it (issue 11: top stories and the desk's posts)
printf 'The talks resumed at noon.\n\nBoth delegations attended.\n' > "$tmp/post.md"
nd post add --title 'Desk report: the talks resume' --deck 'What the delegations said' \
	--body-file "$tmp/post.md" --byline 'Dana Writer' --publish >/dev/null
nd column add buzz --name 'Diplomatic Buzz' >/dev/null
curl -s "$base/subscribe" > "$tmp/sub-columns.html"
check "the sign-up form offers each column" grep -q 'value="column:buzz"' "$tmp/sub-columns.html"
nd digest send --since 3650d > "$tmp/digest1.out"
check "digest queued to the two subscribers" grep -q 'queued to 2 subscribers' "$tmp/digest1.out"
check "... and sent" grep -q '^sent 2,' "$tmp/digest1.out"
d1=$($TOOL find "$box" reader1@example.org "Daily digest")
check "the digest carries List-Unsubscribe (https and mailto), One-Click, Message-ID, Date, text + HTML in UTF-8, VERP" $TOOL check "$d1"
$TOOL part "$d1" text/html "$tmp/digest.html"
$TOOL part "$d1" text/plain "$tmp/digest.txt"
check "the digest shows top stories (HTML)" grep -q "$base/story/" "$tmp/digest.html"
check "the digest shows top stories (text)" grep -q "$base/story/" "$tmp/digest.txt"
check "the desk's post leads the digest (HTML)" grep -q "$base/post/[0-9]*/[a-z-]*\".*Desk report: the talks resume" "$tmp/digest.html"
check "... with its byline" grep -q "By Dana Writer" "$tmp/digest.html"
check "the desk's post leads the digest (text)" sh -c "head -n 6 '$tmp/digest.txt' | grep -q 'Desk report: the talks resume'"
check "... and links it" grep -q "$base/post/" "$tmp/digest.txt"
if [ -d "$SRC/tests/web/node_modules/html-validate" ]; then
	$TOOL part "$cf" text/html "$tmp/confirm-mail.html"
	check "the digest's and the confirmation's HTML are valid (html-validate)" \
		node "$SRC/tests/web/mail_html_check.mjs" "$tmp/digest.html" "$tmp/confirm-mail.html"
else
	no "html-validate is missing (tests/web/node_modules: scripts/setup.sh)"
fi
if command -v spamassassin >/dev/null; then
	score=$(spamassassin -L -t < "$d1" 2>/dev/null | sed -n 's/^Content analysis details:[[:space:]]*(\(-\{0,1\}[0-9.]*\) points.*/\1/p' | head -n 1)
	echo "# spamassassin score of the digest as received: $score"
	check "spamassassin scores the digest well under 1 ($score)" \
		$PY -c "import sys; sys.exit(0 if float('$score') < 1.0 else 1)"
else
	no "spamassassin is missing (scripts/setup.sh)"
fi

# ---- one-click unsubscribe (RFC 8058): POST, no page, no CSRF ----
lu=$($TOOL header "$d1" List-Unsubscribe | sed 's/^<\([^>]*\)>.*/\1/')
case $lu in "$base"/unsubscribe\?t=*) ok "List-Unsubscribe names the site's unsubscribe URL" ;; *) no "List-Unsubscribe: $lu" ;; esac
curl -s -o "$tmp/unsub.html" -w '%{http_code}' "$lu" > "$tmp/code"
cp "$tmp/unsub.html" "$tmp/pages/unsubscribe-ask.html"
check "GET of the unsubscribe URL shows a button (200)" [ "$(cat "$tmp/code")" = 200 ]
check "... and unsubscribes nobody" [ "$(q "SELECT status FROM subscribers WHERE email = 'reader1@example.org'")" = 1 ]
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data 'List-Unsubscribe=One-Click' "$lu")
check "one-click POST unsubscribes (200, no cookie, no CSRF)" [ "$st" = 200 ]
check "... reader1 is unsubscribed" [ "$(q "SELECT status FROM subscribers WHERE email = 'reader1@example.org'")" = 2 ]
nd digest send --since 3650d > "$tmp/digest2.out"
check "the next digest goes to one subscriber" grep -q 'queued to 1 subscriber$' "$tmp/digest2.out"
$TOOL count "$box" "Daily digest" > "$tmp/count"
check "reader1 got one digest (none after leaving)" grep -q '^reader1@example.org 1 1$' "$tmp/count"
check "reader2 got two" grep -q '^reader2@example.org 2 2$' "$tmp/count"

# ---- preferences ----
mt=$($TOOL link "$d1" /subscribe/manage)
curl -s -b "$jar" "$mt" > "$tmp/manage.html"
cp "$tmp/manage.html" "$tmp/pages/manage.html"
check "the preferences page shows the lists" grep -q 'name="list\[\]" value="digest"' "$tmp/manage.html"
mtok=${mt##*t=}
st=$(post /subscribe/manage "csrf_token=$csrf&t=$mtok&list=digest&list=breaking&action=save")
check "preferences: a reader who left can come back" [ "$(q "SELECT status FROM subscribers WHERE email = 'reader1@example.org'")" = 1 ]
check "... with the lists chosen" [ "$(q "SELECT group_concat(list) FROM (SELECT list FROM subscriptions l JOIN subscribers s ON s.id = l.subscriber_id WHERE s.email = 'reader1@example.org' ORDER BY list)")" = "breaking,digest" ]
post /subscribe/manage "csrf_token=$csrf&t=$mtok&action=leave" >/dev/null
cp "$tmp/post.html" "$tmp/pages/manage-left.html"
check "preferences: leave everything" [ "$(q "SELECT status FROM subscribers WHERE email = 'reader1@example.org'")" = 2 ]

if [ -d "$SRC/tests/web/node_modules/html-validate" ]; then
	check "the sign-up, confirmation, preferences and unsubscribe pages are valid HTML ($(ls "$tmp/pages" | wc -l) pages)" \
		node "$SRC/tests/web/mail_html_check.mjs" --site "$tmp"/pages/*.html
fi

# ---- an SMTP server that is down ----
stop_sink
nd digest send --since 3650d > "$tmp/digest3.out" 2>&1
check "server down: the digest is queued" grep -q 'queued to 1 subscriber$' "$tmp/digest3.out"
check "... and retried later, not lost" grep -q 'retried later 1' "$tmp/digest3.out"
nd mail status > "$tmp/status.out"
check "mail status shows it queued" grep -Eq '^  digest +queued +1$' "$tmp/status.out"
check "mail status shows the last error" grep -q "^last error: Couldn't connect to server" "$tmp/status.out"
start_sink "$box" "$sport"
sleep 2
nd mail send --wait > "$tmp/send3.out"
check "server up again: delivered" grep -q '^sent 1,' "$tmp/send3.out"
$TOOL count "$box" "Daily digest" > "$tmp/count"
check "reader2 has three digests now, one of each" grep -q '^reader2@example.org 3 3$' "$tmp/count"

# ---- a 5xx refusal marks the address; a 4xx is retried ----
post /subscribe "csrf_token=$csrf&email=reject-me%40example.org&list=digest" >/dev/null
post /subscribe "csrf_token=$csrf&email=later-me%40example.org&list=digest" >/dev/null
nd mail send > "$tmp/send4.out"
check "the 5xx refusal fails that mail" grep -q 'failed 1' "$tmp/send4.out"
check "... and suppresses the address" [ "$(q "SELECT status FROM subscribers WHERE email = 'reject-me@example.org'")" = 4 ]
check "the 4xx is kept for a retry" [ "$(q "SELECT state || ':' || attempts FROM mail_queue q JOIN subscribers s ON s.id = q.subscriber_id WHERE s.email = 'later-me@example.org'")" = "0:1" ]
nd mail status > "$tmp/status.out"
check "mail status: failures by kind" grep -q '^failures by kind: confirm 1$' "$tmp/status.out"
check "mail status: subscribers by status" grep -q '1 suppressed' "$tmp/status.out"
st=$(post /subscribe "csrf_token=$csrf&email=reject-me%40example.org&list=digest")
check "a suppressed address signing up again gets the usual answer" [ "$st" = 200 ]
check "... and no mail" [ "$(q "SELECT count(*) FROM mail_queue q JOIN subscribers s ON s.id = q.subscriber_id WHERE s.email = 'reject-me@example.org'")" = 1 ]

# ---- bounces: VERP names the subscriber ----
d2=$($TOOL find "$box" reader2@example.org "Daily digest")
verp2=$($TOOL header "$d2" X-Envelope-From)
v2=${verp2%@*}
mkdir -p "$tmp/maildir/cur" "$tmp/maildir/new" "$tmp/maildir/tmp"
check "an empty maildir has no bounces (and no undefined behaviour)" \
	nd mail bounces "$tmp/maildir"
# three soft bounces of reader2 in a maildir: bounced at the third
for i in 1 2 3; do
	sed "s/bounces+43-fedcba9876543210/$v2/g" tests/data/dsn/postfix-mailbox-full.eml > "$tmp/maildir/new/$i.eml"
done
sed "s/bounces+49-9999aaaabbbbcccc/$v2/g" tests/data/dsn/vacation-autoreply.eml > "$tmp/maildir/cur/0.eml"
nd mail bounces "$tmp/maildir" > "$tmp/b1.out"
check "maildir: an auto-reply is not a bounce" grep -q '0 hard, 3 soft, 0 unsubscribe, 1 auto-replies' "$tmp/b1.out"
check "maildir: soft bounces stop the address only at the third" \
	[ "$(q "SELECT status || ':' || soft_bounces FROM subscribers WHERE email = 'reader2@example.org'")" = "3:3" ]
grep -c 'is now active (soft bounce counted)' "$tmp/b1.out" > "$tmp/n"
check "... the first two were counted, not fatal" [ "$(cat "$tmp/n")" = 2 ]
# a hard bounce in an mbox (later-me, by the Final-Recipient: its VERP
# MAC is forged), and one with a forged VERP for an unknown subscriber
{
	echo "From MAILER-DAEMON Mon Dec  7 07:00:12 2026"
	sed "s/gone@reader.example/later-me@example.org/g" tests/data/dsn/postfix-user-unknown.eml
	echo
	echo "From MAILER-DAEMON Mon Dec  7 07:01:40 2026"
	sed "s/nobody@isp.example/stranger@example.net/g" tests/data/dsn/exim-permanent.eml
	echo
} > "$tmp/mbox"
nd mail bounces "$tmp/mbox" > "$tmp/b2.out"
check "mbox: a hard bounce without a valid VERP finds the subscriber by its Final-Recipient" \
	[ "$(q "SELECT status FROM subscribers WHERE email = 'later-me@example.org'")" = 3 ]
check "mbox: a forged VERP names no subscriber" grep -q '1 without a subscriber' "$tmp/b2.out"

# ---- the sign-up form in Chromium (playwright-core) ----
if [ -x /usr/bin/chromium ] && [ -d "$SRC/tests/web/node_modules/playwright-core" ]; then
	if node "$SRC/tests/web/subscribe_test.mjs" "$base" "$SRC/tests/web/artifacts" > "$tmp/pw.out" 2>&1; then
		ok "the sign-up form in Chromium, with and without JavaScript ($(grep -c '^ok' "$tmp/pw.out") checks)"
	else
		cat "$tmp/pw.out"
		no "the sign-up form in Chromium"
	fi
	check "... the browser's sign-ups were stored" \
		[ "$(q "SELECT count(*) FROM subscribers WHERE email LIKE 'reader-%js@example.org'")" = 2 ]
else
	no "chromium or playwright-core is missing (scripts/setup.sh)"
fi

# ---- send windows ----
db2="$tmp/w.db"
box2="$tmp/box2"
mkdir -p "$box2"
stop_sink
start_sink "$box2"
write_config "$tmp/w.ini" "per_minute = 5"
NEWSDESK_CONFIG="$tmp/w.ini" "$BIN" --db "$db2" init >/dev/null
NEWSDESK_CONFIG="$tmp/w.ini" "$BIN" --db "$db2" ingest demo/feeds >/dev/null
$TOOL seed "$db2" 8 win digest
# not at the end of a minute: the window must not roll over mid-test
while [ "$(date +%S)" -gt 45 ]; do sleep 1; done
NEWSDESK_CONFIG="$tmp/w.ini" "$BIN" --db "$db2" digest send --since 3650d > "$tmp/w1.out"
check "send window: 5 of 8 sent in a minute (per_minute = 5)" grep -q '^sent 5,' "$tmp/w1.out"
check "... the server got 5" [ "$(mails "$box2")" = 5 ]
NEWSDESK_CONFIG="$tmp/w.ini" "$BIN" --db "$db2" mail send > "$tmp/w2.out"
check "... a second run in the same minute sends none" grep -q '^sent 0,.*until' "$tmp/w2.out"
check "... the rest wait in the queue" [ "$(NEWSDESK_CONFIG="$tmp/w.ini" "$BIN" --db "$db2" mail status | grep -c '^due now: 3$')" = 1 ]

# ---- kill -9 during a send of many, then resume ----
db3="$tmp/k.db"
box3="$tmp/box3"
mkdir -p "$box3"
stop_sink
start_sink "$box3"
write_config "$tmp/k.ini"
NEWSDESK_CONFIG="$tmp/k.ini" "$BIN" --db "$db3" init >/dev/null
NEWSDESK_CONFIG="$tmp/k.ini" "$BIN" --db "$db3" ingest demo/feeds >/dev/null
N=300
$TOOL seed "$db3" $N many digest
NEWSDESK_CONFIG="$tmp/k.ini" "$BIN" --db "$db3" digest send --since 3650d --queue-only >/dev/null
NEWSDESK_CONFIG="$tmp/k.ini" "$BIN" --db "$db3" mail send > "$tmp/k1.out" 2>&1 &
send_pid=$!
i=0
while [ "$(mails "$box3")" -lt 60 ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || break
	sleep 0.05
done
kill -9 "$send_pid"
wait "$send_pid" 2>/dev/null || true
send_pid=""
got=$(mails "$box3")
check "killed mid-send ($got of $N delivered)" [ "$got" -gt 0 ] && [ "$got" -lt $N ]
NEWSDESK_CONFIG="$tmp/k.ini" "$BIN" --db "$db3" mail send --wait > "$tmp/k2.out"
$TOOL count "$box3" "Daily digest" > "$tmp/kcount"
check "after the resume every subscriber got the digest" [ "$(wc -l < "$tmp/kcount")" = $N ]
check "... each exactly one message (one Message-ID per subscriber)" \
	[ "$(awk '$3 != 1' "$tmp/kcount" | wc -l)" = 0 ]
copies=$(awk '{ n += $2 } END { print n }' "$tmp/kcount")
echo "# copies received: $copies for $N subscribers (a copy beyond $N can only be the one mail in flight at the kill, with its Message-ID)"
check "at most the one mail in flight was sent twice" [ "$copies" -le $((N + 1)) ]

# ---- SMTP AUTH with [mail] user and password_file ----
db5="$tmp/a.db"
box5="$tmp/box5"
mkdir -p "$box5"
stop_sink
SINK_AUTH="desk:s3cret pass" start_sink "$box5"
printf 's3cret pass\n' > "$tmp/smtp.pw"
write_config "$tmp/a.ini" "user = desk
password_file = $tmp/smtp.pw"
NEWSDESK_CONFIG="$tmp/a.ini" "$BIN" --db "$db5" init >/dev/null
NEWSDESK_CONFIG="$tmp/a.ini" "$BIN" --db "$db5" ingest demo/feeds >/dev/null
$TOOL seed "$db5" 2 auth digest
NEWSDESK_CONFIG="$tmp/a.ini" "$BIN" --db "$db5" digest send --since 3650d > "$tmp/a1.out" 2>&1 || true
check "SMTP AUTH: sent with [mail] user and password_file" grep -q '^sent 2,' "$tmp/a1.out"
printf 'wrong\n' > "$tmp/smtp.pw"
NEWSDESK_CONFIG="$tmp/a.ini" "$BIN" --db "$db5" digest send --since 3650d > "$tmp/a2.out" 2>&1 || true
check "SMTP AUTH: a wrong password keeps the mail queued (ours to fix, not the reader's)" \
	grep -q "retried later 1," "$tmp/a2.out"
check "... and stops the run at the first refusal" \
	[ "$($PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT sum(attempts) FROM mail_queue WHERE state = 0").fetchone()[0])' "$db5")" = 1 ]
nd_a() { NEWSDESK_CONFIG="$tmp/a.ini" "$BIN" --db "$db5" "$@"; }
nd_a mail status > "$tmp/a-status.out"
check "... mail status names the refused login" grep -q '^last error: Login denied' "$tmp/a-status.out"
check "... and marks nobody" [ "$($PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM subscribers WHERE status <> 1").fetchone()[0])' "$db5")" = 0 ]

# ---- TLS: STARTTLS when offered (smtp://), smtps://, certificates verified ----
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/tls.key" \
		-out "$tmp/tls.crt" >/dev/null 2>&1
	db6="$tmp/tls.db"
	box6="$tmp/box6"
	mkdir -p "$box6"
	stop_sink
	SINK_TLS="$tmp/tls.crt:$tmp/tls.key" start_sink "$box6"
	write_config "$tmp/tls.ini"
	NEWSDESK_CONFIG="$tmp/tls.ini" "$BIN" --db "$db6" init >/dev/null
	NEWSDESK_CONFIG="$tmp/tls.ini" "$BIN" --db "$db6" ingest demo/feeds >/dev/null
	$TOOL seed "$db6" 1 tls digest
	NEWSDESK_CONFIG="$tmp/tls.ini" "$BIN" --db "$db6" digest send --since 3650d > "$tmp/t1.out" 2>&1 || true
	check "TLS: a certificate the system does not trust is refused (mail kept)" \
		grep -q 'retried later 1,' "$tmp/t1.out"
	NEWSDESK_CONFIG="$tmp/tls.ini" "$BIN" --db "$db6" mail status > "$tmp/t1s.out"
	check "... mail status says why" grep -qi '^last error: .*certificate' "$tmp/t1s.out"
	write_config "$tmp/tls.ini" "ca_file = $tmp/tls.crt"
	sleep 1.1
	NEWSDESK_CONFIG="$tmp/tls.ini" "$BIN" --db "$db6" mail send > "$tmp/t2.out" 2>&1 || true
	check "STARTTLS: smtp:// upgrades when the server offers it ([mail] ca_file)" grep -q '^sent 1,' "$tmp/t2.out"
	check "... the server saw TLS" grep -q '^X-Sink-TLS: yes' "$box6"/*.eml
	stop_sink
	SINK_SMTPS=1 SINK_TLS="$tmp/tls.crt:$tmp/tls.key" start_sink "$box6"
	write_config "$tmp/tls.ini" "ca_file = $tmp/tls.crt"
	sed -i "s|^smtp_url = smtp://|smtp_url = smtps://|" "$tmp/tls.ini"
	NEWSDESK_CONFIG="$tmp/tls.ini" "$BIN" --db "$db6" digest send --since 3650d > "$tmp/t3.out" 2>&1 || true
	check "smtps://: TLS from the start" grep -q '^sent 1,' "$tmp/t3.out"
	check "... two messages over TLS in all" [ "$(grep -l '^X-Sink-TLS: yes' "$box6"/*.eml | wc -l)" = 2 ]
else
	no "openssl is missing (for the TLS certificate of the test server)"
fi

# ---- newsdesk run sends the daily digest at [mail] digest_hour, once ----
db4="$tmp/r.db"
box4="$tmp/box4"
mkdir -p "$box4"
stop_sink
start_sink "$box4"
while [ "$(date +%M)" = 59 ]; do sleep 1; done
hour=$($PY -c 'from datetime import datetime; from zoneinfo import ZoneInfo; print(datetime.now(ZoneInfo("Europe/Berlin")).hour)')
write_config "$tmp/r.ini"
sed -i "s/^digest_hour = -1$/digest_hour = $hour/" "$tmp/r.ini"
# the photos of today's news come from a local server: the digest shows
# the site's cached copy by absolute URL
$PY -m http.server --bind 127.0.0.1 --directory "$SRC/demo/photos" 0 > "$tmp/photos.out" 2>&1 &
photo_pid=$!
i=0
until pport=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$tmp/photos.out" | head -n 1) && [ -n "$pport" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { no "the photo server did not start"; break; }
	sleep 0.1
done
printf '[fetch]\nallow_hosts = 127.0.0.1\n' >> "$tmp/r.ini"
# today's news, so the day's digest has stories
now_rfc=$($PY -c 'import email.utils, time; print(email.utils.formatdate(time.time() - 3600))')
mkdir -p "$tmp/feeds"
cat > "$tmp/feeds/today.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Today Wire</title><link>https://wire.example/</link>
<item><title>Dam talks resume in Port Amsel</title><link>https://wire.example/1</link><guid>w1</guid><pubDate>$now_rfc</pubDate><description>Negotiators returned to the table on the reservoir's filling schedule.</description><enclosure url="http://127.0.0.1:$pport/canal.jpg" type="image/jpeg" length="0"/></item>
<item><title>Envoy proposes seven-season filling plan</title><link>https://wire.example/2</link><guid>w2</guid><pubDate>$now_rfc</pubDate><description>The plan sets a minimum release in dry years.</description></item>
</channel></rss>
XML
NEWSDESK_CONFIG="$tmp/r.ini" "$BIN" --db "$db4" init >/dev/null
NEWSDESK_CONFIG="$tmp/r.ini" "$BIN" --db "$db4" ingest "$tmp/feeds" >/dev/null
NEWSDESK_CONFIG="$tmp/r.ini" "$BIN" --db "$db4" fetch --quiet >/dev/null 2>&1 || true
kill "$photo_pid" 2>/dev/null || true
wait "$photo_pid" 2>/dev/null || true
photo_pid=""
$TOOL seed "$db4" 3 daily digest
NEWSDESK_CONFIG="$tmp/r.ini" "$BIN" --db "$db4" run --no-web >"$tmp/run.out" 2>"$tmp/run.err" &
send_pid=$!
i=0
while [ "$(mails "$box4")" -lt 3 ] && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
kill "$send_pid"
wait "$send_pid" 2>/dev/null || true
send_pid=""
check "run: the daily digest went out at digest_hour ($(mails "$box4") of 3)" [ "$(mails "$box4")" = 3 ]
rd=$($TOOL find "$box4" daily0@example.org "Daily digest")
check "run's digest: headers, VERP, no off-site links or images" $TOOL check "$rd"
$TOOL part "$rd" text/html "$tmp/run-digest.html"
check "run's digest shows the story's photo from the site, by absolute URL" \
	grep -q "<img src=\"$base/media/[0-9a-f]*\.jpg\"" "$tmp/run-digest.html"
if [ -d "$SRC/tests/web/node_modules/html-validate" ]; then
	check "... and is valid HTML with its photo" node "$SRC/tests/web/mail_html_check.mjs" "$tmp/run-digest.html"
fi
NEWSDESK_CONFIG="$tmp/r.ini" "$BIN" --db "$db4" run --no-web >"$tmp/run2.out" 2>"$tmp/run2.err" &
send_pid=$!
sleep 3
kill "$send_pid"
wait "$send_pid" 2>/dev/null || true
send_pid=""
check "run: restarted the same day, it does not send the digest again" [ "$(mails "$box4")" = 3 ]

echo "# $fails failed"
[ "$fails" = 0 ]
