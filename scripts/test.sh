#!/usr/bin/env bash
# Run every test: the unit tests (cmocka) and the end-to-end tests of the CLI,
# once in a normal build and once under AddressSanitizer + UndefinedBehavior-
# Sanitizer.  Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0

run_suite() { # build-dir, meson setup options...
  local dir=$1
  shift
  if [[ ! -d $dir ]]; then
    meson setup "$dir" "$@" >/dev/null || { echo "test: meson setup $dir failed" >&2; failed=$((failed + 1)); return; }
  fi
  if ! meson compile -C "$dir" >"$dir.compile.log" 2>&1; then
    cat "$dir.compile.log" >&2
    echo "test: build in $dir failed" >&2
    failed=$((failed + 1))
    return
  fi
  meson test -C "$dir" --num-processes 2 --print-errorlogs --timeout-multiplier 4 \
    ${MESON_TEST_ARGS:+"${MESON_TEST_ARGS[@]}"}
  local log="$dir/meson-logs/testlog.json"
  local p f
  p=$(grep -c '"result": "OK"' "$log" || true)
  f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
  echo "test: $dir: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
}

run_suite build --buildtype=release
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-sanitize --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# The libFuzzer harnesses (tests/fuzz), built with clang and run for a fixed
# number of iterations each, so that they cannot rot.
if command -v clang >/dev/null; then
  MESON_TEST_ARGS=(--suite fuzz)
  CC=clang ASAN_OPTIONS=detect_leaks=1 \
    run_suite build-fuzz --buildtype=debug -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
  unset MESON_TEST_ARGS
else
  echo "test: clang not installed (scripts/install-deps.sh): fuzz harnesses not run" >&2
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
