# Thin wrapper over Meson. The two commands of the README:
#   make demo   set up, build, fetch the demo beat from its fixture server on
#               127.0.0.1:8089 into demo.db, serve the site on
#               http://127.0.0.1:8080/ until Ctrl-C (scripts/demo.sh)
#   make test   set up, build, run every test in three builds: plain,
#               ASan+UBSan (build-asan) and ThreadSanitizer (build-tsan);
#               each sanitizer build takes about a minute here
#   make test-tsan  only the ThreadSanitizer build and its tests
.POSIX:
BUILD = build
ASAN = build-asan
TSAN = build-tsan
DB = demo.db
SETUP_STAMP = $(BUILD)/.setup-done

all: build

setup:
	./scripts/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN)/build.ninja:
	CC=clang meson setup $(ASAN) -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Darena_debug=true -Dbuildtype=debug

# Races are reported to $(TSAN)/meson-logs/tsan.<pid> (see meson.build);
# tests/summary.sh counts each distinct one as a failure.
$(TSAN)/build.ninja:
	CC=clang meson setup $(TSAN) -Dwerror=true -Db_sanitize=thread \
		-Db_lundef=false -Dbuildtype=debug

demo: setup build
	./scripts/demo.sh $(BUILD)/newsdesk $(DB)

test: setup build $(ASAN)/build.ninja $(TSAN)/build.ninja
	ninja -C $(ASAN)
	ninja -C $(TSAN)
	-meson test -C $(BUILD) --print-errorlogs --num-processes 2
	-UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN) --print-errorlogs --num-processes 2 --timeout-multiplier 3
	rm -f $(TSAN)/meson-logs/tsan.*
	-meson test -C $(TSAN) --print-errorlogs --num-processes 2 --timeout-multiplier 3
	./tests/summary.sh $(BUILD) $(ASAN) $(TSAN)

test-tsan: $(TSAN)/build.ninja
	ninja -C $(TSAN)
	rm -f $(TSAN)/meson-logs/tsan.*
	-meson test -C $(TSAN) --print-errorlogs --num-processes 2 --timeout-multiplier 3
	./tests/summary.sh $(TSAN)

fuzz-build:
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized
	ninja -C build-fuzz

bench: build
	./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN) $(TSAN) build-fuzz

.PHONY: all setup build demo test test-tsan fuzz-build bench clean
