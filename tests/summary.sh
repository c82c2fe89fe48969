#!/bin/sh
# Prints "N passed, M failed, K skipped" from meson test logs, counted per
# test program (a cmocka program or a script is one test).
# A skipped test is listed by name, never silently dropped: a test that
# skips because its inputs are missing passes for nothing. With CI set
# (.ci/run: scripts/setup.sh has installed everything a test can need) a
# skip counts as a failure. Each distinct ThreadSanitizer report in
# BUILD_DIR/meson-logs/tsan.* counts as a failure too.
# usage: tests/summary.sh BUILD_DIR...
set -u
/usr/bin/python3 - "$@" <<'PY'
import json, sys, os
passed = failed = skipped = 0
strict = os.environ.get("CI", "") not in ("", "0", "false")
if len(sys.argv) < 2:
    print("summary: no build directory given", file=sys.stderr)
    failed += 1
for d in sys.argv[1:]:
    log = os.path.join(d, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        print(f"summary: no test log in {d}", file=sys.stderr)
        failed += 1
        continue
    n = 0
    for line in open(log):
        t = json.loads(line)
        n += 1
        res = t.get("result")
        if res in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif res == "SKIP":
            out = (t.get("stdout") or "").strip().splitlines()
            why = out[-1] if out else "no reason given"
            if strict:
                failed += 1
                print(f"FAILED: {d}: {t.get('name')} (SKIP in CI: {why})")
            else:
                skipped += 1
                print(f"SKIPPED: {d}: {t.get('name')} ({why})")
        else:
            failed += 1
            print(f"FAILED: {d}: {t.get('name')} ({res})")
    if n == 0:
        print(f"summary: {d}: the test log lists no test", file=sys.stderr)
        failed += 1
    # ThreadSanitizer writes its reports to meson-logs/tsan.<pid> (see
    # meson.build): each distinct race fails the run once, also when the
    # process that found it was a server whose exit status nobody checked.
    races = {}
    logs = os.path.join(d, "meson-logs")
    for f in sorted(os.listdir(logs)):
        if not f.startswith("tsan."):
            continue
        for line in open(os.path.join(logs, f), errors="replace"):
            if line.startswith("SUMMARY: ThreadSanitizer:"):
                key = line.split("SUMMARY: ThreadSanitizer: ", 1)[1].strip()
                races[key] = races.get(key, 0) + 1
    for key, count in sorted(races.items()):
        failed += 1
        print(f"FAILED: {d}: ThreadSanitizer: {key} ({count} reports, "
              f"see {logs}/tsan.*)")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
