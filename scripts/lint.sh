#!/bin/sh
# lint: catches what the compiler does not (STYLE.md section 13).
#  - every .c file under src/, tests/ and bench/ includes core/banned.h, as
#    its last #include (so no later header can bring a banned name back)
#  - SQL is written only in src/store/
#  - no printf-style writer builds HTML in src/render or src/web
#  - no system(), popen() in the program
#  - the module map of docs/HACKING.md: who may include whom
# Exit 1 with one line per finding.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
rc=0
say() { echo "lint: $*"; rc=1; }

# A lint that walks no files passes for nothing: count what it checked.
n=0
for f in $(find src tests bench -name node_modules -prune -o -name '*.c' -print | sort); do
	n=$((n + 1))
	last=$(grep '^#include' "$f" | tail -n 1)
	case $last in
	'#include "core/banned.h"') ;;
	'') say "$f: does not include core/banned.h" ;;
	*) grep -q '^#include "core/banned.h"' "$f" &&
		say "$f: core/banned.h is not the last #include" ||
		say "$f: does not include core/banned.h" ;;
	esac
done
for d in src tests/unit tests; do
	find "$d" -maxdepth 2 -name '*.c' | grep -q . ||
		say "$d: no .c files found (run from the source root?)"
done

# SQL keywords in string literals outside the store.
for f in $(find src -name '*.c' -o -name '*.h' | grep -v '^src/store/'); do
	grep -nE '"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE TABLE)\b' "$f" |
		sed "s|^|lint: $f:SQL outside store/: |" | grep . && rc=1
done

# HTML built with printf in render/ and web/.
for f in $(find src/render src/web -name '*.c' 2>/dev/null); do
	grep -nE '(printf|buf_addf)\([^;]*"[^"]*<[a-zA-Z/]' "$f" |
		sed "s|^|lint: $f:printf into HTML: |" | grep . && rc=1
done

for f in $(find src -name '*.c'); do
	grep -nE '\b(system|popen)\(' "$f" | sed "s|^|lint: $f:shell call: |" | grep . && rc=1
done

# Who may include whom (docs/HACKING.md, "The map"): MODULE:FORBIDDEN...
# Pipeline stages do not call each other; ingest composes them.
for rule in \
    "core:model parse store fetch ingest render web cli" \
    "model:parse store fetch ingest render web cli" \
    "parse:store fetch ingest render web cli" \
    "fetch:store parse ingest render web cli" \
    "store:parse fetch ingest render web cli" \
    "render:store fetch ingest web cli" \
    "extract:model store fetch ingest render web cli" \
    "ingest:render web cli" \
    "web:fetch ingest cli" \
    "tips:model parse store fetch ingest render web cli extract analyze" \
    "analyze:store fetch ingest web cli parse render" \
    "auth:parse fetch ingest render web cli analyze extract"; do
	mod=${rule%%:*}
	for bad in ${rule#*:}; do
		for f in $(find "src/$mod" -name '*.[ch]'); do
			grep -n "^#include \"$bad/" "$f" |
				sed "s|^|lint: $f: $mod must not include $bad/: |" | grep . && rc=1
		done
	done
done
# Handlers never see libmicrohttpd: only the HTTP core includes it.
for f in $(grep -l 'microhttpd.h' src/web/*.[ch] 2>/dev/null); do
	case $f in
	src/web/server.c|src/web/http_int.h) ;;
	*) say "$f: includes microhttpd.h (handlers see struct web_req only)" ;;
	esac
done

[ $rc = 0 ] && echo "lint: ok ($n C files)"
exit $rc
