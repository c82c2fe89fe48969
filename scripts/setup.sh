#!/bin/sh
# Installs what newsdesk needs to build, test and benchmark on Debian 12.
# Idempotent: packages already present are not touched, and npm runs only
# when the browser-test packages are missing.
set -eu

PKGS="build-essential pkg-config meson ninja-build clang libclang-rt-14-dev
libcurl4-openssl-dev libxml2-dev libsqlite3-dev sqlite3 libmicrohttpd-dev
libjansson-dev libcmark-dev libsodium-dev libutf8proc-dev libstemmer-dev
libinih-dev libcmocka-dev libbrotli-dev zlib1g-dev
python3 python3-feedparser python3-lxml libxml2-utils libvips-dev
python3-aiosmtpd spamassassin
wrk nginx-light chromium valgrind"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "setup: installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# Browser tests: playwright-core drives Debian's chromium (no browser
# download); html-validate and lighthouse check the pages. npm runs when
# any package of tests/web/package.json is missing.
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$top/tests/web/package.json" ]; then
	for p in playwright-core html-validate lighthouse; do
		if [ ! -d "$top/tests/web/node_modules/$p" ]; then
			(cd "$top/tests/web" && npm install --no-audit --no-fund --silent)
			break
		fi
	done
fi
echo "setup: ok"
