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
# number of iterations each, so that they cannot rot.  The parsers they
# drive are C; the face detector (C++, gcc's dlib) stays out of this build.
if command -v clang >/dev/null; then
  MESON_TEST_ARGS=(--suite fuzz)
  CC=clang ASAN_OPTIONS=detect_leaks=1 \
    run_suite build-fuzz --buildtype=debug -Dfuzz=true -Dface=disabled -Db_sanitize=address,undefined -Db_lundef=false
  unset MESON_TEST_ARGS
else
  echo "test: clang not installed (scripts/install-deps.sh): fuzz harnesses not run" >&2
  failed=$((failed + 1))
fi

# The Windows build (cross-built with mingw-w64, dependencies cached in
# ~/.cache/gradpack-win) and its tests under Wine, compared with the release
# build above.  GRADPACK_SKIP_WINDOWS=1 leaves them out (said in the output).
if [[ -n ${GRADPACK_SKIP_WINDOWS:-} ]]; then
  echo "test: Windows build and Wine tests skipped (GRADPACK_SKIP_WINDOWS)"
else
  t_win=$SECONDS
  if scripts/build-windows.sh >build-windows.script.log 2>&1; then
    echo "test: Windows build: $((SECONDS - t_win)) s ($(grep -o 'wrote dist/[^ ]*' build-windows.script.log))"
    # the whole log stays in build-windows/ (a crash there is rare: keep it)
    wine_log=build-windows/wine-tests.log
    tests/windows/run-wine.sh build-windows/cmd/gradpack.exe build >"$wine_log" 2>&1
    grep -E ' \.\.\. ' "$wine_log" | grep -vE ' \.\.\. ok$' || true # what did not pass, by name
    # unittest's failure sections (tracebacks, Wine's crash dump), then the tally
    sed -n '/^======/,$p' "$wine_log" | head -400
    tail -3 "$wine_log"
    line=$(grep -E '^wine: [0-9]+ passed, [0-9]+ failed' "$wine_log" | tail -1)
    p=$(sed -E 's/^wine: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")
    f=$(sed -E 's/^wine: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")
    if [[ -z $line ]]; then p=0; f=1; fi
    echo "test: wine: $p passed, $f failed ($((SECONDS - t_win)) s with the build)"
    passed=$((passed + p))
    failed=$((failed + f))
  else
    tail -40 build-windows.script.log >&2
    echo "test: Windows build failed (build-windows.script.log)" >&2
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
