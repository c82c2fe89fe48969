#!/bin/sh
# End-to-end test of `newsdesk parse-date`: arguments and stdin give one
# line each (ISO or empty), CRLF input is fine, --help prints the usage.
# The parser itself is tested in tests/unit/test_date.c.
# Env: NEWSDESK_BIN. Prints one line per check; exits 1 if any failed.
set -u

BIN=${NEWSDESK_BIN:?NEWSDESK_BIN must name the newsdesk binary}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-date.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

check() {
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) - $1"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) - $1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
}

out=$("$BIN" parse-date 'Thu, 01 Jan 04 19:48:21 GMT' 'no date' '2003-12-31T10:14:55-08:00' | tr '\n' '|')
check "arguments" "$out" "2004-01-01T19:48:21Z||2003-12-31T18:14:55Z|"

printf 'Sun Jan  4 16:29:06 2004\r\n\r\n2004-07-08 23:56:58 -00:20\n' >"$tmp/in"
out=$("$BIN" parse-date <"$tmp/in" | tr '\n' '|')
check "stdin, CRLF" "$out" "2004-01-04T16:29:06Z||2004-07-09T00:16:58Z|"

out=$("$BIN" parse-date -- '-0312')
check "-- before a date that starts with '-'" "$out" "2003-12-01T00:00:00Z"

"$BIN" parse-date --help >"$tmp/help" 2>&1
rc=$?
check "--help exits 0" "$rc" "0"
grep -q '^usage: newsdesk parse-date' "$tmp/help"
check "--help prints the usage" "$?" "0"

[ "$fail" -eq 0 ]
