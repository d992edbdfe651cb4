#!/usr/bin/env bash
# verify's benchmark: `gradpack verify` on an N-photo bundle made by
# `gradpack pack`, against the floor of `unzip -t` plus `sha256sum -c` on
# the same bundle (integrity only: no roster rules, no JPEG decoding).
# Prints figures, asserts nothing.
#
#   bench/bench_verify.sh
#   env: N (photos, default 1000), RUNS (default 3), BENCH_DIR (default
#        /tmp/gradpack-bench-verify), BUILD (default build)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/gradpack-bench-verify}
BUILD=${BUILD:-build}
GP=$PWD/$BUILD/cmd/gradpack
PHOTOGEN=$PWD/$BUILD/tests/tools/photogen
ROSTERGEN=$PWD/$BUILD/tests/tools/rostergen
export GRADPACK_DATADIR=${GRADPACK_DATADIR:-$PWD/templates}

[[ -x $GP && -x $PHOTOGEN && -x $ROSTERGEN ]] ||
  { echo "bench_verify: build first (meson setup $BUILD --buildtype=release && meson compile -C $BUILD)" >&2; exit 2; }

data=$BENCH_DIR/n$N
if [[ ! -f $data/.complete ]]; then
  echo "generating $N photos, a roster and a bundle in $data ..."
  rm -rf "$data"
  mkdir -p "$data/photos"
  "$PHOTOGEN" --batch "$data/photos" "$N" >/dev/null
  "$ROSTERGEN" "$N" >"$data/roster.csv"
  "$GP" pack "$data/roster.csv" "$data/photos" -o "$data/out" --name bench --quiet
  touch "$data/.complete"
fi
bundle=$data/out/bench.zip
[[ -f $bundle ]] || { echo "bench_verify: pack wrote no $bundle" >&2; exit 2; }

# median wall time in seconds of RUNS runs (after one warm-up run)
median() {
  "$@" >/dev/null 2>&1 || true
  local times=() start end
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

# the floor: test the archive, then check the manifest in an extracted copy
floor() {
  local tmp
  tmp=$(mktemp -d)
  unzip -tq "$bundle" >/dev/null
  unzip -q "$bundle" -d "$tmp"
  (cd "$tmp"/*/ && sha256sum -c --quiet MANIFEST.sha256)
  rm -rf "$tmp"
}

"$GP" verify "$bundle" --quiet || { echo "bench_verify: the bundle does not pass verify" >&2; exit 2; }
t_verify=$(median "$GP" verify "$bundle")
t_floor=$(median floor)
bytes=$(stat -c %s "$bundle")
printf 'verify: %d photos, bundle %s bytes, %d cores, median of %d runs\n' "$N" "$bytes" "$(nproc)" "$RUNS"
printf '  gradpack verify              %6.2f s\n' "$t_verify"
printf '  unzip -t + sha256sum -c      %6.2f s\n' "$t_floor"
printf '  ratio verify / floor         %6.2f\n' "$(echo "$t_verify / $t_floor" | bc -l)"
