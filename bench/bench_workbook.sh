#!/usr/bin/env bash
# Reading the roster from a workbook against reading it from CSV: a 9,999-row
# roster (rostergen) as UTF-8 CSV, as .xlsx (openpyxl; and gradpack's own,
# written by pack), and as .xls (xlwt), each checked against an empty photo
# folder (every row then gives photo.missing, the same for every format, so
# the difference is the reader).  Prints the median wall time and peak RSS
# and user CPU (GNU time) of `gradpack check --format json`.
#   N=9999 RUNS=3 bench/bench_workbook.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
require_build
N=${N:-9999}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ROSTERGEN" "$N" >"$work/roster.csv"
mkdir "$work/photos"
$PY - "$work" <<'PY'
import csv, sys
import openpyxl
work = sys.argv[1]
rows = list(csv.reader(open(f"{work}/roster.csv", encoding="utf-8-sig")))
wb = openpyxl.Workbook()
for r in rows:
    wb.active.append(r)
wb.save(f"{work}/roster.xlsx")
try:
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("roster")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            sheet.write(i, j, v)
    book.save(f"{work}/roster.xls")
except ImportError:
    pass
PY
printf '%-28s %10s %10s %10s %12s\n' input bytes seconds "CPU s" "peak RSS KB"
for f in roster.csv roster.xlsx roster.xls; do
  [[ -f $work/$f ]] || continue
  t=$(median "$GP" check "$work/$f" "$work/photos" --format json)
  read -r cpu rss < <( { /usr/bin/time -f "%U %M" "$GP" check "$work/$f" "$work/photos" --format json >/dev/null || true; } 2>&1 | tail -1)
  printf '%-28s %10s %10.3f %10s %12s\n' "$f ($N rows)" "$(stat -c %s "$work/$f")" "$t" "$cpu" "$rss"
done
