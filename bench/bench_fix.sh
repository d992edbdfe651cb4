#!/bin/bash
# bench_fix.sh — gradpack fix against ImageMagick on the same generated photos,
# in the same run: photos/second for each, the ratio, and the share of
# outputs inside the 550–650 KB window (563200–665600 bytes).
#
#   N_BIG=200 N_OFF=200 bench/bench_fix.sh [BUILD_DIR]
#
# N_BIG photos are 3024×4032 phone-sized; N_OFF are 960×1280 but slightly
# off (72 dpi, or compressed above / below the window).  ImageMagick runs
# once per photo as a clerk's script would:
#   convert IN -resize 960x1280 -density 300 -strip -define jpeg:extent=650kb OUT
# (which only enforces the maximum).
set -euo pipefail
BUILD=${1:-build}
N_BIG=${N_BIG:-200}
N_OFF=${N_OFF:-200}
GRADPACK="$BUILD/cmd/gradpack"
PHOTOGEN="$BUILD/tests/tools/photogen"
MIN=563200
MAX=665600
for tool in "$GRADPACK" "$PHOTOGEN"; do
    [ -x "$tool" ] || { echo "missing $tool (build first: meson compile -C $BUILD)" >&2; exit 2; }
done
command -v convert >/dev/null || { echo "ImageMagick convert not found" >&2; exit 2; }

WORK=$(mktemp -d /tmp/gp-bench-fix-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/in"

echo "generating $N_BIG × 3024×4032 and $N_OFF slightly-off 960×1280 photos ..."
seq_no=0
for i in $(seq 1 "$N_BIG"); do
    seq_no=$((seq_no + 1))
    "$PHOTOGEN" "$WORK/in/$(printf %04d $seq_no).jpg" --width 3024 --height 4032 \
        --seed "$seq_no" --quality 92 >/dev/null
done
for i in $(seq 1 "$N_OFF"); do
    seq_no=$((seq_no + 1))
    case $((i % 3)) in
        0) extra=(--dpi 72) ;;          # in the window but 72 dpi
        1) extra=(--quality 97) ;;      # too large
        2) extra=(--quality 80) ;;      # too small
    esac
    "$PHOTOGEN" "$WORK/in/$(printf %04d $seq_no).jpg" --seed "$seq_no" "${extra[@]}" >/dev/null
done
total=$seq_no

in_window() { # DIR -> count of files inside the window
    local n=0 size
    for f in "$1"/*.jpg; do
        [ -e "$f" ] || continue
        size=$(stat -c %s "$f")
        if [ "$size" -ge $MIN ] && [ "$size" -le $MAX ]; then n=$((n + 1)); fi
    done
    echo $n
}

echo "gradpack fix ..."
start=$(date +%s.%N)
"$GRADPACK" fix "$WORK/in" -o "$WORK/gp" --format json >"$WORK/gp.json" || true
gp_time=$(echo "$(date +%s.%N) - $start" | bc -l)

echo "ImageMagick convert, one process per photo ..."
mkdir -p "$WORK/im"
start=$(date +%s.%N)
for f in "$WORK"/in/*.jpg; do
    convert "$f" -resize 960x1280 -density 300 -strip -define jpeg:extent=650kb \
        "$WORK/im/$(basename "$f")"
done
im_time=$(echo "$(date +%s.%N) - $start" | bc -l)

gp_hit=$(in_window "$WORK/gp")
im_hit=$(in_window "$WORK/im")
encodes=$(/usr/bin/python3 -c "
import json, sys
rows = [r for r in json.load(open('$WORK/gp.json'))['photos'] if r['action'] == 'fixed']
print('%.2f mean, %d max' % (sum(r['encodes'] for r in rows) / max(len(rows), 1),
                              max([r['encodes'] for r in rows] or [0])))")
summary=$(/usr/bin/python3 -c "
import json
s = json.load(open('$WORK/gp.json'))['summary']
print('fixed %d, metadata only %d, copied %d, failed %d'
      % (s['fixed'], s.get('metadata', 0), s['copied'], s['failed']))")

printf '\nphotos: %d (%d × 3024×4032, %d × slightly-off 960×1280), %d cores\n' \
    "$total" "$N_BIG" "$N_OFF" "$(nproc)"
printf 'gradpack fix : %7.2f s  %6.2f photos/s  in window %d/%d (%.1f%%)  [%s; trial encodes %s]\n' \
    "$gp_time" "$(echo "$total / $gp_time" | bc -l)" "$gp_hit" "$total" \
    "$(echo "100 * $gp_hit / $total" | bc -l)" "$summary" "$encodes"
printf 'ImageMagick  : %7.2f s  %6.2f photos/s  in window %d/%d (%.1f%%)\n' \
    "$im_time" "$(echo "$total / $im_time" | bc -l)" "$im_hit" "$total" \
    "$(echo "100 * $im_hit / $total" | bc -l)"
printf 'speed ratio  : gradpack is %.2f× ImageMagick\n' "$(echo "$im_time / $gp_time" | bc -l)"
