# Shared by the benchmark scripts (sourced, not run).  Paths to the built
# tools, and timing helpers.  env: BUILD (build dir, default build), RUNS.
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
GP=$PWD/$BUILD/cmd/gradpack
PHOTOGEN=$PWD/$BUILD/tests/tools/photogen
ROSTERGEN=$PWD/$BUILD/tests/tools/rostergen
PY=/usr/bin/python3
export GRADPACK_DATADIR=${GRADPACK_DATADIR:-$PWD/templates}

require_build() {
  [[ -x $GP && -x $PHOTOGEN && -x $ROSTERGEN ]] || {
    echo "$(basename "$0"): build first (meson setup $BUILD --buildtype=release && meson compile -C $BUILD)" >&2
    exit 2
  }
  [[ -x /usr/bin/time ]] || { echo "$(basename "$0"): needs GNU time (scripts/install-deps.sh --bench)" >&2; exit 2; }
}

# median wall time in seconds of RUNS runs of a command (after one warm-up)
median() {
  "$@" >/dev/null 2>&1 || true
  local times=() start end
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

# wall seconds and peak resident MB of one run: "SECONDS MB"
measure() {
  /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %.1f\n", $1, $2/1024}'
}

rate() { echo "scale=1; $1 / $2" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
