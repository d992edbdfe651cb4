#!/usr/bin/env bash
# Run one libFuzzer harness for a fixed number of iterations from a seed
# corpus generated here (no committed binaries):
#   run.sh roster|jpeg|bundle|workbook HARNESS RUNS ROSTERGEN JPEGBOMB
# Exit status: the harness's (non-zero on a crash, leak, timeout or sanitizer
# report; libFuzzer prints the failing input, in Base64 when it is small, into
# the test log, and the temporary folder is removed).
set -euo pipefail
kind=$1 harness=$2 runs=$3 rostergen=$4 jpegbomb=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
case $kind in
  roster)
    "$rostergen" 3 >"$work/corpus/roster.csv"
    printf '拍摄序号,学历层次,学号,姓名,性别,身份证号,所在校别,院校代码,学校名称\n0001,成人专科,=1+1,"a\nb",男,x,普通高校,10433,山东理工大学\n' \
      >"$work/corpus/hostile.csv"
    max_len=65536 ;;
  jpeg)
    "$jpegbomb" "$work/corpus/progressive.jpg" 48 64 24 2>/dev/null
    "$jpegbomb" "$work/corpus/baseline-ish.jpg" 16 16 1 2>/dev/null
    max_len=65536 ;;
  bundle)
    /usr/bin/python3 - "$work/corpus" <<'PY'
import sys, zipfile, os
d = sys.argv[1]
with zipfile.ZipFile(os.path.join(d, "a.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("B/bundle.json", '{"format": "gradpack-bundle"}\n')
    z.writestr("B/roster.csv", "a,b\n1,2\n")
    z.writestr("B/photos/0001.jpg", b"\xff\xd8\xff" + b"x" * 40)
with zipfile.ZipFile(os.path.join(d, "b.zip"), "w") as z:
    z.writestr("x/MANIFEST.sha256", "0" * 64 + "  roster.csv\n")
PY
    max_len=16384 ;;
  workbook)
    # fuzz_workbook.c: the first byte picks the path (roster / one reader /
    # verify's comparison), the rest is the file; one seed per path, each a
    # small .xlsx with the nine headers, a row and an ID number stored as
    # text, as Excel and WPS write them.
    /usr/bin/python3 - "$work/corpus" <<'PY'
import sys, zipfile, io, os
d = sys.argv[1]
heads = ["拍摄序号", "学历层次", "学号", "姓名", "性别", "身份证号", "所在校别", "院校代码", "学校名称"]
row = ["0001", "成人专科", "2023001", "张三", "男", "11010519491231002X", "普通高校", "10433", "山东理工大学"]
def cells(r, values):
    return "".join('<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), r, v)
                   for i, v in enumerate(values))
sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<sheetData><row r="1">%s</row><row r="2">%s</row></sheetData></worksheet>' % (cells(1, heads), cells(2, row)))
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", sheet)
xlsx = buf.getvalue()
for selector in (0, 1, 2, 4):
    open(os.path.join(d, "seed-%d.bin" % selector), "wb").write(bytes([selector]) + xlsx)
PY
    max_len=65536 ;;
  *) echo "run.sh: unknown harness $kind" >&2; exit 2 ;;
esac
cd "$work"
"$harness" -runs="$runs" -seed=1 -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
  -print_final_stats=1 "$work/corpus"
