#!/bin/sh
# issue 4: the public site in real headless Chromium (Debian's
# /usr/bin/chromium driven by playwright-core from tests/web/node_modules,
# installed by scripts/setup.sh). Screenshots go to tests/web/artifacts/.
# Skipped (exit 77) when chromium or playwright-core is missing.
set -eu
top=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
if [ ! -x /usr/bin/chromium ] || [ ! -d "$top/tests/web/node_modules/playwright-core" ] ||
    ! command -v node >/dev/null; then
	echo "web_browser.sh: chromium or playwright-core missing (run scripts/setup.sh); skipped"
	exit 77
fi
. "$(dirname "$0")/web/lib.sh"
web_serve
node tests/web/browser_test.mjs "$url" "$top/tests/web/artifacts"
