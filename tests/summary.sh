#!/bin/sh
# Prints "N passed, M failed" from a meson test log (counted per test case
# for cmocka and script tests that report counts, else per test program).
# usage: tests/summary.sh BUILD_DIR...
set -u
/usr/bin/python3 - "$@" <<'PY'
import json, sys, os
passed = failed = 0
for d in sys.argv[1:]:
    log = os.path.join(d, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        print(f"summary: no test log in {d}", file=sys.stderr)
        failed += 1
        continue
    for line in open(log):
        t = json.loads(line)
        if t.get("result") in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif t.get("result") == "SKIP":
            pass
        else:
            failed += 1
            print(f"FAILED: {d}: {t.get('name')} ({t.get('result')})")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
