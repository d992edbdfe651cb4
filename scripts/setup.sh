#!/usr/bin/env bash
# One command on a fresh Debian machine: install the dependencies, build
# gradpack, then run the main job on the samples: check them, and pack them
# into outbox/ (the files a station clerk attaches to the email).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
[[ -d build ]] || meson setup build --buildtype=release >/dev/null
meson compile -C build >/dev/null

echo "== gradpack check samples/roster.csv samples/photos/"
status=0
build/cmd/gradpack check samples/roster.csv samples/photos/ || status=$?
if [[ $status -ne 0 ]]; then
  echo "setup: the samples should check clean (exit $status)" >&2
  exit "$status"
fi
echo
echo "== gradpack pack samples/roster.csv samples/photos/ -o outbox/ --station samples/station.ini --force"
build/cmd/gradpack pack samples/roster.csv samples/photos/ -o outbox/ \
  --station samples/station.ini --force
echo
ls -l outbox/
