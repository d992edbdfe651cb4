#!/usr/bin/env bash
# Regenerate the samples: a roster of six fake students (rostergen: valid ID
# check digits, not real people) and six photos made from the three real
# portraits of tests/data/faces (licence: samples/photos-LICENSE.md), each
# reframed to the standard's geometry at 960×1280, 300 dpi, 550–650 KB.
# Portrait a stands on a plain backdrop, which is replaced with the light
# blue of the station notice; b and c were taken in a street and a room,
# whose backdrops cannot be cut out cleanly, so they keep them and `check`
# warns about the backdrop (warnings do not change the exit status).
# The same command gives the same bytes.  Needs python3-pil.
# Usage: samples/make-samples.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export GRADPACK_DATADIR=$PWD/templates
python=/usr/bin/python3
"$build/tests/tools/rostergen" 6 --seed 2021 >samples/roster.csv

# measure the portraits as they are (their own size: file rules fail, that
# is expected; the measurements are what the framing needs)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/photos"
for i in 1 2 3; do
  cp "tests/data/faces/portrait-$(echo abc | cut -c$i).jpg" "$work/photos/000$i.jpg"
done
"$build/tests/tools/rostergen" 3 >"$work/roster.csv"
"$build/cmd/gradpack" check "$work/roster.csv" "$work/photos" --format json \
  >"$work/measure.json" || true

rm -rf samples/photos
mkdir -p samples/photos
frame() { # OUT SOURCE SEQ FACE_WIDTH EYE_Y SHIFT [--backdrop R,G,B]
  local out=$1 src=$2 seq=$3 width=$4 eye=$5 shift=$6
  shift 6
  "$python" tests/tools/faceframe.py sample "tests/data/faces/portrait-$src.jpg" \
    "samples/photos/$out.jpg" --measure "$work/measure.json" --seq "$seq" \
    --face-width "$width" --eye-y "$eye" --shift "$shift" "$@"
}
frame 0001 a 0001 380 595 0 --backdrop 100,197,255
frame 0002 a 0001 376 590 -20 --backdrop 100,197,255
frame 0003 b 0002 400 520 0
frame 0004 b 0002 420 530 15
frame 0005 c 0003 380 480 0
frame 0006 c 0003 390 490 -10
echo "samples: $(ls samples/photos | wc -l) photos, $(($(wc -l <samples/roster.csv) - 1)) rows"
