#!/bin/sh
# issue 10: the desk's post forms in headless Chromium (Debian's
# /usr/bin/chromium, playwright-core from tests/web/node_modules) against
# the real server on 127.0.0.1: an editor signs in, writes a post with a
# photo, caption and credit, previews it, publishes it, and it leads the
# home page; a writer cannot publish; a POST without the CSRF token is
# refused; signing out ends the session (tests/web/desk_posts_test.mjs).
# Skipped (exit 77) when chromium or playwright-core is missing.
set -eu
top=${NEWSDESK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
if [ ! -x /usr/bin/chromium ] || [ ! -d "$top/tests/web/node_modules/playwright-core" ] ||
    ! command -v node >/dev/null; then
	echo "desk_posts_browser.sh: chromium or playwright-core missing (run scripts/setup.sh); skipped"
	exit 77
fi
. "$(dirname "$0")/web/lib.sh"
[ -s demo/photos/conference.jpg ] || { echo "missing demo/photos/conference.jpg" >&2; exit 1; }
# cheaper password hashes (test_auth checks the default parameters)
cat >> "$tmp/newsdesk.ini" <<INI
[desk]
pwhash_mem_mb = 16
pwhash_ops = 2
INI
printf 'correct horse battery staple\n' > "$tmp/pw"
"$BIN" --db "$db" user add editor@desk.example --name "Eda Editor" --role editor \
    --password-file "$tmp/pw" >/dev/null
"$BIN" --db "$db" user add writer@desk.example --name "Wren Writer" --role writer \
    --password-file "$tmp/pw" >/dev/null
web_serve
rc=0
node tests/web/desk_posts_test.mjs "$url" "$top/tests/web/artifacts" \
    "$top/demo/photos/conference.jpg" || rc=$?
# the audit log has what the editor did, as the editor
python3 - "$db" <<'PY' || rc=1
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT actor, action, target FROM audit_log").fetchall()
for a in ("post.create", "photo.upload", "post.publish"):
    if not any(r[0] == "editor@desk.example" and r[1] == a for r in rows):
        sys.exit("desk_posts_browser.sh: no %s by the editor in the audit "
                 "log: %r" % (a, rows))
print("ok - the audit log has the editor's post.create, photo.upload, "
      "post.publish")
PY
exit $rc
