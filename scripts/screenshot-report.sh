#!/usr/bin/env bash
# Make the screenshots of the HTML report that docs/guide.zh.md shows, from
# real runs: `gradpack check --html` on a generated folder with typical
# defects (the same folder tests/e2e/test_html.py builds), rendered by
# headless Chromium, then reduced to a 256-colour PNG so the repository
# stays small.  Usage: scripts/screenshot-report.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
root=$PWD
export GRADPACK_DATADIR=$root/templates
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1719792000} # 2024-07-01, fixed: reproducible page
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n "$browser" ]] || { echo "screenshot-report: no chromium (scripts/install-deps.sh installs it)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
photogen=$build/tests/tools/photogen
mkdir -p "$work/photos"
"$build/tests/tools/rostergen" 7 --seed 7 >"$work/roster.csv"
# row 4's ID gets a wrong check digit, as a clerk's typo would
/usr/bin/python3 - "$work/roster.csv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8-sig").read().splitlines()
cols = lines[3].split(",")
cols[5] = cols[5][:-1] + ("1" if cols[5][-1] == "0" else "0")
lines[3] = ",".join(cols)
open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
"$photogen" --batch "$work/photos" 5 >/dev/null
"$photogen" "$work/photos/0002.jpg" --seed 2 --dpi 72 --orientation 6 >/dev/null
"$photogen" "$work/photos/0003.jpg" --seed 3 --truncate 20000 >/dev/null
"$photogen" "$work/photos/0004.jpg" --seed 4 --cmyk >/dev/null
"$photogen" "$work/photos/0005.jpg" --seed 5 --width 3024 --height 4032 --quality 95 >/dev/null
"$photogen" "$work/photos/0009.jpg" --seed 9 >/dev/null
(cd "$work" && "$build/cmd/gradpack" check roster.csv photos --html "$work/检查报告.html" >/dev/null) || true

shot() { # PAGE OUT.png WIDTH HEIGHT
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size="$3,$4" --screenshot="$2" "file://$1" \
    >/dev/null 2>&1
  /usr/bin/python3 - "$2" <<'PY'
import sys
from PIL import Image
p = sys.argv[1]
Image.open(p).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(p, optimize=True)
PY
}
# fix: a phone-sized photo resized (before → after), a 72 dpi one relabelled
mkdir -p "$work/fix"
"$photogen" --batch "$work/fix" 3 >/dev/null
"$photogen" "$work/fix/0002.jpg" --seed 2 --width 3024 --height 4032 --quality 95 >/dev/null
"$photogen" "$work/fix/0003.jpg" --seed 3 --dpi 72 >/dev/null
(cd "$work" && "$build/cmd/gradpack" fix fix -o fixed --html "$work/修正报告.html" >/dev/null) || true

mkdir -p docs/img
shot "$work/检查报告.html" docs/img/report-check.png 1200 1900
shot "$work/修正报告.html" docs/img/report-fix.png 1200 900
for png in docs/img/report-check.png docs/img/report-fix.png; do
  echo "screenshot-report: $png ($(stat -c %s "$png") bytes)"
done
