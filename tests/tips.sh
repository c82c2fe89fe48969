#!/bin/sh
# issue 11: the tips inbox end to end on 127.0.0.1, through the real server,
# store file and command line. A tip with a unique marker in its message and
# its attachment goes in over multipart (curl); then the store file (and its
# -wal), the access log and every log of the server are searched for the
# markers, the client's address, user agent and referrer: none may be there.
# `tips open` with the key shows it all; with another key nothing. The form
# token (missing, forged, expired), the size caps (the handler's and the
# server's), the rate limit, and the receipt round trip (a reply readable
# with the code phrase, not with another) are checked too.
set -u
BIN=${NEWSDESK_BIN:-build/newsdesk}
SRC=${NEWSDESK_SRC:-$(pwd)}
cd "$SRC"
case $BIN in /*) ;; *) BIN="$SRC/$BIN" ;; esac
command -v curl >/dev/null || { echo "FAIL: curl is needed" >&2; exit 1; }
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}

run=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
MSG="MSGMARK-$run"
ATT="ATTMARK-$run"
UA="UAMARK-$run"
REF="https://referrer.example/REFMARK-$run"
REPLY="REPLYMARK-$run"
ANSWER="ANSWERMARK-$run"

# ---- keys ----
"$BIN" tips keygen "$tmp/desk.key" >"$tmp/pk" 2>"$tmp/keygen.err" ||
	{ echo "FAIL: keygen"; cat "$tmp/keygen.err"; exit 1; }
pk=$(cat "$tmp/pk")
check "keygen prints a base64 public key" \
	sh -c "printf '%s' '$pk' | grep -Eq '^[A-Za-z0-9+/]{43}=$'"
check "the secret key file is mode 0600" \
	sh -c "[ \"\$(stat -c %a '$tmp/desk.key')\" = 600 ]"
check "keygen refuses to overwrite a key" \
	sh -c "! '$BIN' tips keygen '$tmp/desk.key' >/dev/null 2>&1"
"$BIN" tips keygen "$tmp/other.key" >/dev/null 2>&1

# ---- a server ----
start() { # start NAME INI-EXTRA: a server on its own store and logs
	name=$1
	cat >"$tmp/$name.ini" <<INI
[web]
access_log = $tmp/$name-access.log
[log]
level = debug
[tips]
public_key = $pk
$2
INI
	db="$tmp/$name.db"
	NEWSDESK_CONFIG="$tmp/$name.ini" "$BIN" --db "$db" init >/dev/null \
	    2>"$tmp/$name-init.err" || { cat "$tmp/$name-init.err"; exit 1; }
	NEWSDESK_CONFIG="$tmp/$name.ini" "$BIN" --db "$db" serve \
	    --listen 127.0.0.1:0 >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	i=0
	while ! grep -q '^newsdesk: serving' "$tmp/$name.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "FAIL: server did not start"
			cat "$tmp/$name.err"
			exit 1
		fi
		sleep 0.1
	done
	url=$(sed -n 's/^newsdesk: serving \(.*\)\/$/\1/p' "$tmp/$name.out")
}
stop() { # stops the server: it must exit 0 with no sanitizer report
	kill "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	pid=""
	check "the $name server stops cleanly (exit $st)" [ "$st" = 0 ]
	check "no sanitizer report from the $name server" \
		sh -c "! grep -q 'Sanitizer\|runtime error' '$tmp/$name.err'"
}
token() { # token PAGE: the form token in an HTML page
	sed -n 's/.*name="form_token" value="\([^"]*\)".*/\1/p' "$1" | head -n 1
}
count_tips() {
	NEWSDESK_CONFIG="$tmp/main.ini" "$BIN" --db "$tmp/main.db" tips list --json |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

start main "max_file_kb = 512
rate_per_hour = 100"
export NEWSDESK_CONFIG="$tmp/main.ini"
curl -s -A "$UA" -e "$REF" -D "$tmp/form.h" -o "$tmp/form.html" "$url/tips"
check "GET /tips is 200" grep -q '^HTTP/1.1 200' "$tmp/form.h"
check "GET /tips is not stored by caches" grep -qi '^Cache-Control: no-store' "$tmp/form.h"
check "GET /tips sends no referrer on" grep -qi '^Referrer-Policy: no-referrer' "$tmp/form.h"
check "GET /tips sets no cookie" sh -c "! grep -qi '^Set-Cookie' '$tmp/form.h'"
check "the form says what is and is not protected" \
	sh -c "grep -q 'What is protected, and what is not' '$tmp/form.html' &&
	    grep -q 'IP address' '$tmp/form.html' &&
	    grep -q 'metadata is not removed' '$tmp/form.html' &&
	    grep -q 'Tor Browser' '$tmp/form.html'"
check "the form is multipart and needs no script" \
	sh -c "grep -q 'enctype=\"multipart/form-data\"' '$tmp/form.html' &&
	    ! grep -qi '<script' '$tmp/form.html'"
tok=$(token "$tmp/form.html")
check "the form carries a token" test -n "$tok"

# an attachment: a JPEG whose EXIF has a GPS block, with the marker in it
python3 - "$tmp/photo.jpg" "$ATT" <<'PY'
import struct, sys
tiff = (b'MM\0*\0\0\0\x08' + b'\0\x02' +
        b'\x01\x0f\0\x02\0\0\0\x04Acme' +
        b'\x88\x25\0\x04\0\0\0\x01\0\0\0\x26' + b'\0\0\0\0' +
        b'\0\x01' + b'\0\x01\0\x02\0\0\0\x02N\0\0\0')
app1 = b'Exif\0\0' + tiff
com = sys.argv[2].encode()
data = (b'\xff\xd8' + b'\xff\xe1' + struct.pack('>H', len(app1) + 2) + app1 +
        b'\xff\xfe' + struct.pack('>H', len(com) + 2) + com +
        b'\xff\xda\0\x02' + b'\x11' * 3000 + com + b'\xff\xd9')
open(sys.argv[1], 'wb').write(data)
PY

code=$(curl -s -A "$UA" -e "$REF" -o "$tmp/sent.html" -w '%{http_code}' \
    -F "form_token=$tok" -F "message=Look at the ledger. $MSG" \
    -F "contact=signal: source-$run" -F "file=@$tmp/photo.jpg;type=image/jpeg" \
    "$url/tips")
check "a tip is accepted (200)" [ "$code" = 200 ]
phrase=$(sed -n 's/.*<code>\([^<]*\)<\/code>.*/\1/p' "$tmp/sent.html" | head -n 1)
check "the source gets a code phrase" \
	sh -c "printf '%s' '$phrase' | grep -Eq '^([a-z2-9]{4}-){6}[a-z2-9]{4}$'"
check "one tip is stored" [ "$(count_tips)" = 1 ]

# ---- the refusals ----
n_before=$(count_tips)
code=$(curl -s -o "$tmp/r1.html" -w '%{http_code}' -F "message=x $MSG-1" "$url/tips")
check "a POST without a form token is refused (403)" [ "$code" = 403 ]
check "the refusal keeps the text to send again" grep -q "$MSG-1" "$tmp/r1.html"
code=$(curl -s -o /dev/null -w '%{http_code}' \
    -F "form_token=1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
    -F "message=x" "$url/tips")
check "a POST with a forged token is refused (403)" [ "$code" = 403 ]
code=$(curl -s -o /dev/null -w '%{http_code}' \
    --data-urlencode "form_token=$tok" --data-urlencode "message=x" \
    --data-urlencode "code=$phrase" "$url/tips/reply")
check "a token for /tips is refused on /tips/reply (403)" [ "$code" = 403 ]
head -c 600000 /dev/urandom >"$tmp/big.bin"
code=$(curl -s -o "$tmp/r413.html" -w '%{http_code}' -F "form_token=$tok" \
    -F "message=big" -F "file=@$tmp/big.bin" "$url/tips")
check "a file over [tips] max_file_kb is 413" [ "$code" = 413 ]
check "... with a page that says so" \
	sh -c "grep -q 'the limit is 0.5 MiB. Nothing was stored' '$tmp/r413.html'"
head -c 9000000 /dev/zero >"$tmp/huge.bin"
code=$(curl -s -o "$tmp/r413b.html" -w '%{http_code}' -F "form_token=$tok" \
    -F "message=huge" -F "file=@$tmp/huge.bin" "$url/tips")
check "a body over the server's 8 MiB cap is 413" [ "$code" = 413 ]
check "... with an HTML page that says so" \
	grep -q 'Too large: nothing was stored' "$tmp/r413b.html"
check "no refused tip was stored" [ "$(count_tips)" = "$n_before" ]

# ---- the editors open it ----
"$BIN" --db "$tmp/main.db" tips open --key "$tmp/desk.key" --out "$tmp" \
    >"$tmp/open.txt" 2>&1
check "tips open with the key shows the message" grep -q "$MSG" "$tmp/open.txt"
check "... and the way to reach the source" grep -q "source-$run" "$tmp/open.txt"
check "... and the attachment's name, type and size" \
	grep -q "photo.jpg (image/jpeg, [0-9]* bytes)" "$tmp/open.txt"
check "... and that it carries GPS and camera EXIF" \
	sh -c "grep -q 'GPS location present' '$tmp/open.txt' &&
	    grep -q 'camera make: Acme' '$tmp/open.txt'"
saved=$(ls "$tmp"/*-photo.jpg 2>/dev/null | head -n 1)
check "--out writes the attachment with its bytes as sent" \
	sh -c "[ -n '$saved' ] && cmp -s '$saved' '$tmp/photo.jpg'"
"$BIN" --db "$tmp/main.db" tips open --key "$tmp/desk.key" --json >"$tmp/open.json"
check "tips open --json reports the metadata" python3 - "$tmp/open.json" "$MSG" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
m = t[0]["messages"][0]
a = m["attachment"]
assert sys.argv[2] in m["message"] and m["from"] == "source"
assert a["type"] == "image/jpeg" and a["metadata"]["gps"] and a["metadata"]["exif"]
PY
"$BIN" --db "$tmp/main.db" tips open --key "$tmp/other.key" >"$tmp/wrong.txt" 2>&1
rc=$?
check "tips open with another key fails" [ "$rc" != 0 ]
check "... and shows nothing of the tip" \
	sh -c "! grep -q 'MARK-$run' '$tmp/wrong.txt'"
"$BIN" --db "$tmp/main.db" tips list >"$tmp/list.txt" 2>&1
check "tips list shows the thread but nothing sealed" \
	sh -c "grep -q '^[a-z2-9]\{20\} ' '$tmp/list.txt' &&
	    ! grep -q 'MARK-$run' '$tmp/list.txt'"

# ---- the receipt: replies and answers ----
id=$("$BIN" --db "$tmp/main.db" tips list --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
printf 'Thank you. Can you send page 2? %s\n' "$REPLY" >"$tmp/reply.txt"
check "tips reply seals a reply" \
	"$BIN" --db "$tmp/main.db" tips reply "$id" --key "$tmp/desk.key" \
	--message-file "$tmp/reply.txt"
curl -s -o "$tmp/rf.html" "$url/tips/reply"
rtok=$(token "$tmp/rf.html")
code=$(curl -s -A "$UA" -o "$tmp/rr.html" -w '%{http_code}' \
    --data-urlencode "form_token=$rtok" --data-urlencode "code=$phrase" \
    "$url/tips/reply")
check "the code phrase opens the thread (200)" [ "$code" = 200 ]
check "... and shows the editors' reply" grep -q "$REPLY" "$tmp/rr.html"
upper=$(printf '%s' "$phrase" | tr 'a-z-' 'A-Z ')
code=$(curl -s -o "$tmp/rr2.html" -w '%{http_code}' \
    --data-urlencode "form_token=$rtok" --data-urlencode "code=$upper" \
    "$url/tips/reply")
check "the phrase typed in capitals with spaces works too" \
	sh -c "[ '$code' = 200 ] && grep -q '$REPLY' '$tmp/rr2.html'"
wrong=$(python3 -c 'import secrets; a="abcdefghijkmnpqrstuvwxyz23456789"; print("-".join("".join(secrets.choice(a) for _ in range(4)) for _ in range(7)))')
code=$(curl -s -o "$tmp/rw.html" -w '%{http_code}' \
    --data-urlencode "form_token=$rtok" --data-urlencode "code=$wrong" \
    "$url/tips/reply")
check "another phrase opens nothing (404)" \
	sh -c "[ '$code' = 404 ] && ! grep -q '$REPLY' '$tmp/rw.html'"
code=$(curl -s -o "$tmp/ra.html" -w '%{http_code}' \
    --data-urlencode "form_token=$rtok" --data-urlencode "code=$phrase" \
    --data-urlencode "message=Here is page 2. $ANSWER" "$url/tips/reply")
check "the source can answer (200)" \
	sh -c "[ '$code' = 200 ] && grep -q 'Your answer was sealed' '$tmp/ra.html'"
"$BIN" --db "$tmp/main.db" tips open --key "$tmp/desk.key" "$id" >"$tmp/open2.txt"
check "the editors read the answer" grep -q "$ANSWER" "$tmp/open2.txt"
check "the editors see their own reply (a copy sealed to the desk)" \
	grep -q "$REPLY" "$tmp/open2.txt"

# something the access log must show, so its silence on /tips means something
curl -s -o /dev/null "$url/healthz"
curl -s -o /dev/null "$url/"
# while the server runs, its WAL holds the latest writes: search it now
check "the store's WAL exists while the server runs" test -s "$tmp/main.db-wal"
check "no plaintext in the live store or WAL" \
	sh -c "! grep -aq 'MARK-$run' '$tmp/main.db' '$tmp/main.db-wal'"
stop

# ---- nothing in the clear anywhere ----
check "the store file exists" test -s "$tmp/main.db"
files="$tmp/main.db $tmp/main.db-wal $tmp/main.db-shm $tmp/main-access.log $tmp/main.out $tmp/main.err $tmp/main-init.err"
for mark in "$MSG" "$ATT" "$REPLY" "$ANSWER" "source-$run" "$UA" "REFMARK-$run"; do
	hit=""
	for f in $files; do
		[ -f "$f" ] && grep -aq -- "$mark" "$f" && hit="$hit $f"
	done
	check "no plaintext of ${mark%%-*} in the store, its WAL or any log" [ -z "$hit" ]
done
for f in $files; do
	[ -f "$f" ] || continue
	check "no client address in $(basename "$f")" \
		sh -c "! grep -a '127\.0\.0\.1\|::1' '$f' | grep -qv '^newsdesk: serving http://127\.0\.0\.1:[0-9]*/\$'"
done
check "no client address in the store" sh -c "! grep -aq '127\.0\.0\.1' $tmp/main.db*"
check "the access log is written (a page is in it)" grep -q ' / 200 ' "$tmp/main-access.log"
check "the access log has no /tips line at all" sh -c "! grep -q '/tips' '$tmp/main-access.log'"

# ---- an old form, and the rate limit (a server with short limits) ----
start limits "form_max_age_s = 2
rate_per_hour = 3"
curl -s -o "$tmp/f2.html" "$url/tips"
old=$(token "$tmp/f2.html")
sleep 3
code=$(curl -s -o /dev/null -w '%{http_code}' -F "form_token=$old" -F "message=late" "$url/tips")
check "a form older than form_max_age_s is refused (403)" [ "$code" = 403 ]
codes=""
for i in 1 2 3; do
	curl -s -o "$tmp/f3.html" "$url/tips"
	t=$(token "$tmp/f3.html")
	codes="$codes $(curl -s -o "$tmp/rl.html" -w '%{http_code}' -F "form_token=$t" -F "message=n$i" "$url/tips")"
done
check "within the hourly rate the tips pass (2 of 3 left: 200 200, then 429)" \
	[ "$codes" = " 200 200 429" ]
check "the rate page says why" grep -q 'the most we accept in an hour' "$tmp/rl.html"
stop
check "no /tips line in the second server's access log either" \
	sh -c "! grep -q '/tips' '$tmp/limits-access.log'"

echo "$fails failed"
[ "$fails" = 0 ]
