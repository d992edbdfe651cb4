#!/usr/bin/env bash
# Run the Windows build (gradpack.exe) under Wine: tests/windows/test_wine.py
# compares every result with the Linux build's on the same inputs.
# Usage: tests/windows/run-wine.sh [GRADPACK.EXE] [LINUX-BUILD-DIR]
#   defaults: build-windows/cmd/gradpack.exe and build
# Last line: "wine: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
exe=$(realpath "${1:-build-windows/cmd/gradpack.exe}")
build=$(realpath "${2:-build}")

wine=$(command -v wine || command -v wine64 || true)
if [[ -z $wine ]]; then
  echo "run-wine: wine is not installed (apt-get install wine64 wine)" >&2
  echo "wine: 0 passed, 1 failed"
  exit 1
fi
for f in "$exe" "$build/cmd/gradpack" "$build/tests/tools/photogen" "$build/tests/tools/rostergen"; do
  if [[ ! -x $f && ! -f $f ]]; then
    echo "run-wine: $f is missing" >&2
    echo "wine: 0 passed, 1 failed"
    exit 1
  fi
done

prefix=$(mktemp -d /tmp/gradpack-wine.XXXXXX)
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export WINE=$wine GRADPACK_EXE=$exe GRADPACK=$build/cmd/gradpack
export PHOTOGEN=$build/tests/tools/photogen ROSTERGEN=$build/tests/tools/rostergen
export SOURCE_ROOT=$root
# gradpack.exe's data directory: the templates folder as the zip ships it
# (scripts/build-windows.sh stages it beside the build, with dlib/ holding the
# face landmark model), so the face rules run as in the zip
stage=$(ls -d "$(dirname "$exe")"/../stage/gradpack-*-windows-x64/templates 2>/dev/null | head -1)
if [[ -n $stage && -f $stage/dlib/shape_predictor_68_face_landmarks.dat ]]; then
  export GRADPACK_WIN_DATADIR=$(realpath "$stage")
else
  echo "run-wine: no staged templates with the face model beside $exe (scripts/build-windows.sh makes them)" >&2
  echo "wine: 0 passed, 1 failed"
  exit 1
fi
# the release zip, when built, is tested as a clerk uses it
zip=$(ls -t dist/gradpack-*-windows-x64.zip 2>/dev/null | head -1)
[[ -n $zip ]] && export GRADPACK_ZIP=$root/$zip
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
  WINEPREFIX=$prefix wineserver -k 2>/dev/null || true
  rm -rf "$prefix"
}
trap cleanup EXIT

t0=$SECONDS
"$wine" cmd /c exit >/dev/null 2>&1 # create the prefix once
log=$(mktemp)
# Debian's python3, as tests/meson.build uses (python3-xlwt is installed for it)
py=$(command -v /usr/bin/python3 || command -v python3)
"$py" tests/windows/test_wine.py -v 2>&1 | tee "$log"
passed=$(grep -cE ' \.\.\. ok$' "$log" || true)
skipped=$(grep -cE ' \.\.\. skipped' "$log" || true)
failed=$(grep -cE ' \.\.\. (FAIL|ERROR)$' "$log" || true)
if ! grep -qE '^(OK|FAILED)' "$log"; then
  failed=$((failed + 1)) # the runner itself died
fi
rm -f "$log"
echo "run-wine: $((SECONDS - t0)) s, $skipped skipped"
echo "wine: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
