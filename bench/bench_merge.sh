#!/usr/bin/env bash
# Benchmark of `gradpack merge` (issue 5): B bundles × N students (default
# 20 × 500), wall time and peak memory, against copying the same photo bytes
# with `zip` (unzip every bundle, then `zip -0 -r` of all photos), measured
# in the same run on the same warm files.  Prints figures, asserts nothing.
#
#   bench/bench_merge.sh            env: B (bundles, 20), N (students each, 500),
#                                   BENCH_DIR (/tmp/gradpack-bench), BUILD (build)
#
# Real-size photos (960×1280, 550–650 KB).  photogen makes N distinct photos
# once; every station reuses them with the photo bytes made unique per
# station by a JPEG comment segment, so merge sees B×N different photos.
# Needs GNU time (/usr/bin/time, Debian package `time`) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

B=${B:-20}
N=${N:-500}
BENCH_DIR=${BENCH_DIR:-/tmp/gradpack-bench}
source bench/common.sh
require_build

data=$BENCH_DIR/merge-b$B-n$N
if [[ ! -f $data/.complete ]]; then
  echo "generating $B station bundles of $N students in $data ..."
  rm -rf "$data"
  mkdir -p "$data/photos" "$data/inbox"
  "$PHOTOGEN" --batch "$data/photos" "$N" >/dev/null
  for s in $(seq "$B"); do
    st=$data/stations/s$s
    mkdir -p "$st/photos"
    "$ROSTERGEN" "$N" --seed "$s" >"$st/roster.csv"
    # distinct IDs, 学号 and photos across stations (rostergen is unique per roster only)
    "$PY" - "$st" "$s" "$data/photos" <<'EOF'
import csv, io, os, sys
st, s, photos = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def check(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * k for d, k in zip(first17, w)) % 11]
with open(os.path.join(st, "roster.csv"), encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
for row in rows[1:]:
    mmdd = "0228" if row[5][10:14] == "0229" else row[5][10:14]
    first17 = row[5][:6] + f"{1950 + s:04d}" + mmdd + row[5][14:17]  # the year marks the station
    row[5] = first17 + check(first17)
    row[2] = f"{s:03d}{row[0]}"
    with open(os.path.join(photos, row[0] + ".jpg"), "rb") as f:
        jpeg = f.read()
    end = 4 + int.from_bytes(jpeg[4:6], "big")
    tag = f"station {s}".encode()
    with open(os.path.join(st, "photos", row[0] + ".jpg"), "wb") as f:
        f.write(jpeg[:end] + b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag + jpeg[end:])
with open(os.path.join(st, "roster.csv"), "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
EOF
    "$GP" pack "$st/roster.csv" "$st/photos" -o "$data/packed" --name "station$(printf %02d "$s")" --quiet
    mv "$data/packed/station$(printf %02d "$s").zip" "$data/inbox/"
    rm -rf "$st"
  done
  rm -rf "$data/packed"
  touch "$data/.complete"
fi
bytes=$(du -sb "$data/inbox" | cut -f1)
work=$(mktemp -d "$BENCH_DIR/run-XXXXXX")
trap 'rm -rf "$work"' EXIT

sync
cat "$data"/inbox/*.zip >/dev/null  # warm the page cache for both
read -r merge_s merge_mb < <(measure "$GP" merge "$data/inbox" -o "$work/out")
read -r again_s again_mb < <(measure "$GP" merge "$data/inbox" -o "$work/out")
rm -rf "$work/out"

copy_zip() {
  mkdir -p "$work/x"
  for z in "$data"/inbox/*.zip; do unzip -q -o "$z" -d "$work/x"; done
  (cd "$work/x" && zip -q -0 -r "$work/copy.zip" .)
}
export -f copy_zip
export data work
read -r zip_s zip_mb < <(measure bash -c copy_zip)

echo "machine: $(nproc) cores, $(uname -m); $B bundles × $N students = $((B * N)) students, $((bytes / 1048576)) MB of bundles"
printf '%-44s %8s s  %8s MB peak\n' "gradpack merge (verify + merge, first run)" "$merge_s" "$merge_mb"
printf '%-44s %8s s  %8s MB peak\n' "gradpack merge (re-run, nothing rewritten)" "$again_s" "$again_mb"
printf '%-44s %8s s  %8s MB peak\n' "unzip all + zip -0 -r (copy floor)" "$zip_s" "$zip_mb"
echo "ratio merge / zip copy: $(ratio "$merge_s" "$zip_s")"
