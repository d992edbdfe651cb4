#!/usr/bin/env bash
# gradpack's benchmark: prints figures, asserts nothing.  Generates N
# in-profile photos and a roster once (cached in $BENCH_DIR), then times each
# job against its baseline in the same run, on the same warm files.
#
#   bench/bench.sh [check|pack|verify|merge|fix|content|all]   (default: all)
#   env: N (photos, default 1000), RUNS (default 3), BENCH_DIR (default
#        /tmp/gradpack-bench), BUILD (default build); merge and fix run
#        bench/bench_merge.sh (B bundles × MERGE_N students, default 20 × 500)
#        and bench/bench_fix.sh (N_BIG, N_OFF); content: CONTENT_N (photos
#        made of the real-portrait samples, default 300) and BASE_BUILD (an
#        older build to compare check's wall time with, optional)
#
# Needs a release build in build/ (scripts/setup.sh makes one) and
# scripts/install-deps.sh --bench (for GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}
BENCH_DIR=${BENCH_DIR:-/tmp/gradpack-bench}
source bench/common.sh
what=${1:-all}
require_build

data=$BENCH_DIR/n$N
if [[ ! -f $data/.complete ]]; then
  echo "generating $N photos and a roster in $data ..."
  rm -rf "$data"
  mkdir -p "$data/photos"
  "$PHOTOGEN" --batch "$data/photos" "$N" >/dev/null
  "$ROSTERGEN" "$N" >"$data/roster.csv"
  touch "$data/.complete"
fi
bytes=$(du -sb "$data/photos" | cut -f1)

peak_mb() { measure "$@" | cut -d" " -f2; }

echo "machine: $(nproc) cores, $(uname -m); N=$N photos, $((bytes / 1048576)) MB; median of $RUNS runs"
echo

if [[ $what == all || $what == check ]]; then
  t_gp=$(median "$GP" check "$data/roster.csv" "$data/photos" --quiet)
  t_gp1=$(median "$GP" check "$data/roster.csv" "$data/photos" --quiet --threads 1)
  t_py=$(median "$PY" bench/reference_check.py "$data/roster.csv" "$data/photos")
  echo "check:"
  printf '  gradpack check (all cores)     %6.2f s  %7.1f photos/s\n' "$t_gp" "$(rate "$N" "$t_gp")"
  printf '  gradpack check (1 thread)      %6.2f s  %7.1f photos/s\n' "$t_gp1" "$(rate "$N" "$t_gp1")"
  printf '  Python + Pillow reference      %6.2f s  %7.1f photos/s\n' "$t_py" "$(rate "$N" "$t_py")"
  printf '  speed-up over Python           %6.2fx\n' "$(ratio "$t_py" "$t_gp")"
  echo
fi

if [[ $what == all || $what == pack || $what == verify ]]; then
  out=$BENCH_DIR/out
  rm -rf "$out"
  mkdir -p "$out"
  t_pack=$(median "$GP" pack "$data/roster.csv" "$data/photos" -o "$out/gp" --name bench --force --quiet)
  mem_pack=$(peak_mb "$GP" pack "$data/roster.csv" "$data/photos" -o "$out/gp" --name bench --force --quiet)
  if [[ $what != verify ]]; then
    t_pyp=$(median "$PY" bench/reference_pack.py "$data/roster.csv" "$data/photos" "$out/py")
    floor() { rm -f "$out/floor.zip"; (cd "$data" && zip -0 -q -r "$out/floor.zip" photos roster.csv && sha256sum photos/* >/dev/null); }
    t_floor=$(median floor)
    echo "pack:"
    printf '  gradpack pack                  %6.2f s  %7.1f photos/s  peak %s MB\n' "$t_pack" "$(rate "$N" "$t_pack")" "$mem_pack"
    printf '  Python (Pillow+openpyxl+zip)   %6.2f s  %7.1f photos/s\n' "$t_pyp" "$(rate "$N" "$t_pyp")"
    printf '  floor: zip -0 + sha256sum      %6.2f s  %7.1f photos/s\n' "$t_floor" "$(rate "$N" "$t_floor")"
    printf '  gradpack vs Python             %6.2fx faster\n' "$(ratio "$t_pyp" "$t_pack")"
    printf '  gradpack vs floor              %6.2fx the floor'"'"'s time\n' "$(ratio "$t_pack" "$t_floor")"
    echo
  fi
fi

if [[ $what == all || $what == verify ]]; then
  zipfile=$out/gp/bench.zip
  t_ver=$(median "$GP" verify "$zipfile" --quiet)
  mem_ver=$(peak_mb "$GP" verify "$zipfile" --quiet)
  base() { rm -rf "$out/x"; mkdir -p "$out/x"; unzip -tq "$zipfile" && unzip -q "$zipfile" -d "$out/x" && (cd "$out/x"/* && sha256sum -c --quiet MANIFEST.sha256); }
  t_base=$(median base)
  echo "verify:"
  printf '  gradpack verify                %6.2f s  %7.1f photos/s  peak %s MB\n' "$t_ver" "$(rate "$N" "$t_ver")" "$mem_ver"
  printf '  unzip -t + unzip + sha256sum -c %5.2f s\n' "$t_base"
  printf '  gradpack vs baseline           %6.2fx the baseline'"'"'s time\n' "$(ratio "$t_ver" "$t_base")"
  echo
fi

if [[ $what == all || $what == merge ]]; then
  echo "merge:"
  N=${MERGE_N:-500} bench/bench_merge.sh
  echo
fi

if [[ $what == all || $what == fix ]]; then
  echo "fix:"
  bench/bench_fix.sh
fi

if [[ $what == all || $what == content ]]; then
  # the content rules' CPU per photo (thread CPU time, so a busy machine does
  # not count), then check's wall time on photos with real faces
  echo "content rules:"
  "$PWD/$BUILD/tests/tools/content_bench" samples/photos/*.jpg | sed 's/^/  real portraits (samples): /'
  "$PWD/$BUILD/tests/tools/content_bench" "$data"/photos/000[1-9].jpg | sed 's/^/  generated photos:         /'
  CN=${CONTENT_N:-300}
  cdata=$BENCH_DIR/content$CN
  if [[ ! -f $cdata/.complete ]]; then
    rm -rf "$cdata"
    mkdir -p "$cdata/photos"
    samples=(samples/photos/*.jpg)
    for ((i = 1; i <= CN; i++)); do
      cp "${samples[$(((i - 1) % ${#samples[@]}))]}" "$(printf '%s/photos/%04d.jpg' "$cdata" "$i")"
    done
    "$ROSTERGEN" "$CN" >"$cdata/roster.csv"
    touch "$cdata/.complete"
  fi
  t_c=$(median "$GP" check "$cdata/roster.csv" "$cdata/photos" --quiet)
  printf '  gradpack check, %d sample copies   %6.2f s  %7.1f photos/s\n' "$CN" "$t_c" "$(rate "$CN" "$t_c")"
  if [[ -n ${BASE_BUILD:-} ]]; then
    t_b=$(median "$BASE_BUILD/cmd/gradpack" check "$cdata/roster.csv" "$cdata/photos" --quiet)
    printf '  %s check, same photos     %6.2f s\n' "$BASE_BUILD" "$t_b"
    printf '  with content rules / without      %6.2fx\n' "$(ratio "$t_c" "$t_b")"
  fi
  echo
fi
