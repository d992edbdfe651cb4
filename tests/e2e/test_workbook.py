"""End-to-end tests of Excel-native rosters (issue 14): .xlsx and .xls read
directly by check, pack, verify --master; the same findings as the
equivalent CSV; hostile workbooks refused clearly and quickly; the clerk's
template.

Workbooks come from independent writers: openpyxl, a minimal hand-written
OOXML package (inline strings, rich-text runs, merged cells, several
sheets), xlwt for .xls (python3-xlwt), LibreOffice when installed (skipped
otherwise), and gradpack's own pack and template."""
import csv
import io
import os
import shutil
import subprocess
import time
import unittest
import zipfile
import zlib
from xml.sax.saxutils import escape

from e2e_lib import (GradpackTestCase, codes, content_codes, findings, gradpack, gradpack_json,
                     main, make_roster)

HEADER = ["拍摄序号", "学历层次", "学号", "姓名", "性别", "身份证号", "所在校别", "院校代码", "学校名称"]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return path


def col_name(c):
    name = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        name = chr(ord("A") + r) + name
    return name


def minimal_xlsx(path, sheets, *, shared=False, extra=None, drop=(), replace=None,
                 compress=zipfile.ZIP_DEFLATED):
    """A hand-written OOXML package.  sheets: [(name, rows)] where a row is a
    list of values: str (inline string, or shared with shared=True), int/float
    (number), ("rich", [runs]) a rich-text inline string, None empty.
    extra: {part: bytes} added; drop: parts left out; replace: {part: bytes}."""
    parts = {}
    strings = []
    for n, (_name, rows) in enumerate(sheets, 1):
        xml = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData>']
        for r, row in enumerate(rows, 1):
            if row is None:
                continue
            xml.append(f'<row r="{r}">')
            for c, v in enumerate(row):
                ref = f"{col_name(c)}{r}"
                if v is None:
                    continue
                if isinstance(v, tuple) and v[0] == "rich":
                    runs = "".join(f'<r><rPr><b/></rPr><t xml:space="preserve">{escape(t)}</t></r>'
                                   for t in v[1])
                    xml.append(f'<c r="{ref}" t="inlineStr"><is>{runs}'
                               f'<rPh sb="0" eb="1"><t>phonetic</t></rPh></is></c>')
                elif isinstance(v, str) and shared:
                    strings.append(v)
                    xml.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
                elif isinstance(v, str):
                    xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
                else:
                    xml.append(f'<c r="{ref}"><v>{v!r}</v></c>')
            xml.append("</row>")
        xml.append("</sheetData></worksheet>")
        parts[f"xl/worksheets/sheet{n}.xml"] = "".join(xml).encode()
    sheet_list = "".join(f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                         for n, (name, _rows) in enumerate(sheets, 1))
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets>{sheet_list}</sheets></workbook>').encode()
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1))
    if shared:
        rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
        sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        parts["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><sst '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>').encode()
    parts["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}</Relationships>').encode()
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types '
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>').encode()
    parts.update(extra or {})
    parts.update(replace or {})
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in parts.items():
            if name not in drop:
                z.writestr(name, data)
    return path


def finding_keys(doc):
    """What a finding says, independent of the file it came from."""
    return sorted((f["code"], f["severity"], f["row"] or 0, f["field"] or "", f["actual"] or "")
                  for f in doc["findings"] if not f["code"].startswith("photo."))


class WorkbookTest(GradpackTestCase):
    def setUp(self):
        super().setUp()
        self.roster_csv, self.photos = self.make_station(4)
        self.rows = read_csv(self.roster_csv)

    def check(self, roster, *args, expect=None, timeout=60):
        status, doc, proc = gradpack_json("check", roster, self.photos, *args, timeout=timeout)
        self.assertIsNotNone(doc, proc.stderr)
        if expect is not None:
            self.assertEqual(status, expect, proc.stdout[-3000:] + proc.stderr)
        return doc

    def assertSameFindings(self, csv_path, workbook_path, *args):
        a = self.check(csv_path, *args)
        b = self.check(workbook_path, *args)
        self.assertEqual(finding_keys(a), finding_keys(b))
        return b

    def damaged_rows(self):
        """A title row, then the header and rows with defects every reader
        must report alike (all text cells)."""
        rows = [r[:] for r in self.rows]
        rows[1][4] = "女" if rows[1][4] == "男" else "男"   # sex against the ID
        rows[2][2] = "2.01943E+12"                         # 学号 in scientific notation
        rows[3][7] = "433"                                 # 院校代码 lost its zeros
        rows[4][5] = rows[4][5][:15] + "000"               # ID cut to 15 digits
        return [["2021年7月毕业生名单"]] + rows

    # ---- the same findings whichever writer made the workbook -------------------

    def test_openpyxl_text_cells_title_row_and_sheets(self):
        import openpyxl
        rows = self.damaged_rows()
        csv_path = write_csv(self.path("d.csv"), rows)
        wb = openpyxl.Workbook()
        wb.active.title = "说明"
        wb.active["A1"] = "请在第二个工作表填写"
        ws = wb.create_sheet("花名册")
        for r in rows:
            ws.append(r)
        ws.merge_cells("A1:I1")
        xlsx = self.path("d.xlsx")
        wb.save(xlsx)
        doc = self.assertSameFindings(csv_path, xlsx)
        self.assertIn("roster.title_rows", codes(doc))
        self.assertIn("roster.excel.scientific", codes(doc, "error"))
        self.assertIn("roster.excel.leading_zeros", codes(doc, "error"))
        self.assertIn("roster.excel.truncated", codes(doc))
        self.assertEqual(findings(doc, "roster.title_rows")[0]["row"], 2)

    def test_gb18030_csv_and_inline_rich_shared_strings(self):
        rows = self.damaged_rows()
        csv_path = write_csv(self.path("gb.csv"), rows, encoding="gb18030")
        rich = [[("rich", [v[:1], v[1:]]) if c == 3 and v else v for c, v in enumerate(r)]
                for r in rows]
        inline = minimal_xlsx(self.path("inline.xlsx"), [("名单", rich)])
        shared = minimal_xlsx(self.path("shared.xlsx"), [("空白", []), ("名单", rows)],
                              shared=True)
        self.assertSameFindings(csv_path, inline)
        self.assertSameFindings(csv_path, shared)

    def test_own_writer_pack_workbook_reads_clean(self):
        status, _doc, proc = gradpack_json("pack", self.roster_csv, self.photos, "-o",
                                           self.path("out"), "--name", "s")
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        doc = self.check(self.path("out", "s.xlsx"), expect=0)
        # the roster reads clean; the generated photos' drawn faces are the
        # content rules' business, not this test's
        self.assertFalse((codes(doc, "error") | codes(doc, "warning")) - content_codes(),
                         doc["findings"])
        import openpyxl
        ws = openpyxl.load_workbook(self.path("out", "s.xlsx")).worksheets[0]
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertIn(ws.page_setup.fitToWidth, (None, 1))  # 1 is the OOXML default
        self.assertEqual(ws.page_setup.fitToHeight, 0)      # as many pages down as needed
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual(ws.print_title_rows, "$1:$1")
        self.assertEqual(doc["summary"].get("rows", 0), 4)

    def test_detection_by_content_not_name(self):
        import openpyxl
        wb = openpyxl.Workbook()
        for r in self.rows:
            wb.active.append(r)
        odd = self.path("roster.csv.txt")
        wb.save(self.path("tmp.xlsx"))
        shutil.copy(self.path("tmp.xlsx"), odd)
        doc = self.check(odd, expect=0)
        self.assertNotIn("roster.binary", codes(doc))

    # ---- stored type is evidence ------------------------------------------------------

    def test_numbers_stored_as_numbers(self):
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in self.rows:
            ws.append(r)
        ws["C2"] = int(self.rows[1][2])            # 学号 as a number: exact, a warning
        ws["C3"] = int(self.rows[2][2])
        ws["F4"] = int(self.rows[3][5][:17] + "0") if self.rows[3][5][17] == "X" \
            else int(self.rows[3][5])              # 18-digit ID as a number: refused
        ws["A5"] = 4                               # 拍摄序号 4 -> 0004
        xlsx = self.path("n.xlsx")
        wb.save(xlsx)
        doc = self.check(xlsx, expect=1)
        number = findings(doc, "roster.cell.number")
        self.assertEqual(sorted((f["field"], f["row"]) for f in number),
                         [("学号", 2), ("拍摄序号", 5)], number)
        self.assertIn("2 个单元格", [f for f in number if f["field"] == "学号"][0]["message"])
        cut = findings(doc, "roster.excel.truncated")
        self.assertEqual([(f["row"], f["field"], f["severity"]) for f in cut],
                         [(4, "身份证号", "error")])
        self.assertTrue(cut[0]["actual"].endswith("000") and len(cut[0]["actual"]) == 18)
        # no misleading checksum or sex finding on the damaged row
        self.assertFalse([f for f in doc["findings"] if f["row"] == 4 and
                          f["code"] in ("roster.id.checksum", "roster.id.sex_mismatch")])
        self.assertIn("roster.seq.padded", codes(doc))

    def test_date_serial_in_a_number_column(self):
        import datetime
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in self.rows:
            ws.append(r)
        ws["C3"] = datetime.date(2001, 2, 3)
        xlsx = self.path("date.xlsx")
        wb.save(xlsx)
        doc = self.check(xlsx, expect=1)
        hit = findings(doc, "roster.excel.date")
        self.assertEqual([(f["row"], f["field"], f["actual"]) for f in hit],
                         [(3, "学号", "2001/2/3")])

    # ---- choosing the sheet -------------------------------------------------------------

    def test_sheet_option(self):
        path = minimal_xlsx(self.path("s.xlsx"), [("一班", self.rows), ("二班", self.rows[:2])])
        self.assertEqual(self.check(path, expect=0)["summary"].get("rows", 0), 4)
        self.assertEqual(self.check(path, "--sheet", "二班")["summary"].get("rows", 0), 1)
        self.assertEqual(self.check(path, "--sheet", "2")["summary"].get("rows", 0), 1)
        doc = self.check(path, "--sheet", "三班", expect=1)
        self.assertEqual(codes(doc, "error"), {"roster.workbook.sheet"})
        self.assertIn("二班", findings(doc, "roster.workbook.sheet")[0]["message"])

    def test_master_list_as_workbook(self):
        status, _doc, proc = gradpack_json("pack", self.roster_csv, self.photos, "-o",
                                           self.path("out"), "--name", "s")
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        master_rows = [r[:] for r in self.rows]
        master_rows[1][3] += "某"
        master = minimal_xlsx(self.path("master.xlsx"),
                              [("学籍", [["学籍名单导出"]] + master_rows)])
        status, doc, proc = gradpack_json("verify", self.path("out", "s.zip"), "--master",
                                          master)
        self.assertEqual(status, 1, proc.stdout[-2000:] + proc.stderr)
        hits = findings(doc, "master.mismatch")
        self.assertEqual([(f["field"], f["expected"]) for f in hits],
                         [("姓名", master_rows[1][3])])

    # ---- .xls and LibreOffice ------------------------------------------------------------

    def test_xls_written_by_xlwt(self):
        try:
            import xlwt
        except ImportError:
            self.skipTest("python3-xlwt is not installed (scripts/install-deps.sh installs it)")
        rows = self.damaged_rows()
        csv_path = write_csv(self.path("x.csv"), rows)
        book = xlwt.Workbook(encoding="utf-8")
        book.add_sheet("说明").write(0, 0, "见下一页")
        sheet = book.add_sheet("花名册")
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                sheet.write(r, c, v)
        xls = self.path("x.xls")
        book.save(xls)
        self.assertSameFindings(csv_path, xls)
        # a number cell in an .xls: the same evidence as in an .xlsx
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("花名册")
        for r, row in enumerate(self.rows):
            for c, v in enumerate(row):
                sheet.write(r, c, float(v) if (r, c) in ((1, 5), (2, 2)) else v)
        book.save(xls)
        doc = self.check(xls, expect=1)
        self.assertEqual([f["row"] for f in findings(doc, "roster.excel.truncated")], [2])
        self.assertEqual([f["row"] for f in findings(doc, "roster.cell.number")], [3])

    def test_libreoffice_conversions(self):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            self.skipTest("LibreOffice is not installed (not installed in CI: too big)")
        rows = self.damaged_rows()
        csv_path = write_csv(self.path("lo.csv"), rows)
        for fmt in ("xlsx", "xls"):
            out = self.path("lo-" + fmt)
            subprocess.run([soffice, "--headless", "--convert-to", fmt, "--outdir", out,
                            csv_path], check=True, capture_output=True, timeout=180,
                           env={**os.environ, "HOME": self.tmp})
            converted = os.path.join(out, "lo." + fmt)
            doc = self.check(converted)
            # LibreOffice reads digits as numbers: the ID cut to 15 digits and
            # the 学号 in scientific notation are named whichever way they arrive
            self.assertIn("roster.excel.truncated", codes(doc), fmt)
            self.assertIn("roster.title_rows", codes(doc), fmt)

    # ---- hostile workbooks -----------------------------------------------------------------

    def refused(self, path, code, *, within=20):
        start = time.monotonic()
        status, doc, proc = gradpack_json("check", path, self.photos, timeout=120)
        self.assertEqual(status, 1, proc.stdout[-2000:] + proc.stderr)
        # the library never prints: no parser chatter on stderr (an .xls child
        # may leave a sanitizer report there when libfreexl itself crashes)
        if not path.endswith(".xls"):
            self.assertEqual(proc.stderr, "")
        elapsed = time.monotonic() - start
        self.assertLess(elapsed, within, "refusal took too long")
        self.assertIn(code, codes(doc, "error"), doc["findings"])
        self.assertEqual(doc["summary"].get("rows", 0), 0)
        return findings(doc, code)[0]

    def test_zip_bomb(self):
        big = b"<x>" + b" " * (80 << 20) + b"</x>"
        path = minimal_xlsx(self.path("bomb.xlsx"), [("a", self.rows)],
                            replace={"xl/worksheets/sheet1.xml": big})
        self.assertLess(os.path.getsize(path), 1 << 20)
        hit = self.refused(path, "roster.workbook.limit")
        self.assertIn("压缩", hit["message"])

    def test_billion_laughs_and_external_entity(self):
        lol = ['<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">']
        for i in range(1, 10):
            lol.append(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">')
        lol.append(']><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
                   '</t></is></c></row></sheetData></worksheet>')
        path = minimal_xlsx(self.path("lol.xlsx"), [("a", self.rows)],
                            replace={"xl/worksheets/sheet1.xml": "".join(lol).encode()})
        self.assertIn("DOCTYPE", self.refused(path, "roster.workbook.limit")["message"])
        xxe = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is>'
               b'</c></row></sheetData></worksheet>')
        path = minimal_xlsx(self.path("xxe.xlsx"), [("a", self.rows)],
                            replace={"xl/worksheets/sheet1.xml": xxe})
        self.refused(path, "roster.workbook.limit")

    def test_huge_shared_string_table(self):
        sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main">' + b"".join(b"<si><t>%d</t></si>" % i for i in range(200001)) + b"</sst>")
        path = minimal_xlsx(self.path("sst.xlsx"), [("a", self.rows)], shared=True,
                            replace={"xl/sharedStrings.xml": sst})
        self.assertIn("共享字符串", self.refused(path, "roster.workbook.limit")["message"])

    def test_deep_xml(self):
        deep = b"<worksheet>" + b"<a>" * 100 + b"</a>" * 100 + b"</worksheet>"
        path = minimal_xlsx(self.path("deep.xlsx"), [("a", self.rows)],
                            replace={"xl/worksheets/sheet1.xml": deep})
        self.assertIn("嵌套", self.refused(path, "roster.workbook.limit")["message"])

    def test_missing_parts_and_non_workbooks(self):
        cases = {
            "noworkbook.xlsx": dict(drop={"xl/workbook.xml"}),
            "nosheet.xlsx": dict(drop={"xl/worksheets/sheet1.xml"}),
            "norels.xlsx": dict(drop={"xl/_rels/workbook.xml.rels"}),
            "nosst.xlsx": dict(shared=True, drop={"xl/sharedStrings.xml"}),
            "notypes.xlsx": dict(drop={"[Content_Types].xml"}),
            "badxml.xlsx": dict(replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData>"}),
        }
        for name, kw in cases.items():
            path = minimal_xlsx(self.path(name), [("a", self.rows)], **kw)
            self.refused(path, "roster.workbook.unreadable")
        with open(self.path("trunc.xlsx"), "wb") as f:
            f.write(open(minimal_xlsx(self.path("whole.xlsx"), [("a", self.rows)]), "rb").read()[:300])
        self.refused(self.path("trunc.xlsx"), "roster.workbook.unreadable")
        with open(self.path("junk.xls"), "wb") as f:
            f.write(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\x00" * 600)
        self.refused(self.path("junk.xls"), "roster.workbook.unreadable")

    def test_too_many_rows_in_a_sheet(self):
        rows = [["x"]] * 20001
        path = minimal_xlsx(self.path("rows.xlsx"), [("a", rows)])
        self.assertIn("20000", self.refused(path, "roster.workbook.limit")["message"])

    def test_xls_whose_cells_exceed_what_the_child_may_send(self):
        # 36,000 cells of one 8,000-byte shared string: a 0.6 MB file whose
        # cells come to 288 MB, over the 256 MB the .xls reader may send back.
        # The refusal comes at once and must name the size, not only a time limit.
        try:
            import xlwt
        except ImportError:
            self.skipTest("python3-xlwt is not installed (scripts/install-deps.sh installs it)")
        book = xlwt.Workbook()
        sheet = book.add_sheet("a")
        big = "x" * 8000
        for r in range(3600):
            for c in range(10):
                sheet.write(r, c, big)
        path = self.path("cells.xls")
        book.save(path)
        self.assertLess(os.path.getsize(path), 1 << 20)
        hit = self.refused(path, "roster.workbook.limit")
        self.assertIn("256 MB", hit["message"])

    # ---- the template -------------------------------------------------------------------------

    def test_template_filled_by_a_clerk(self):
        import openpyxl
        a, b = self.path("t1.xlsx"), self.path("t2.xlsx")
        for p in (a, b):
            proc = gradpack("template", p)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(open(a, "rb").read(), open(b, "rb").read(), "not reproducible")
        self.assertEqual(gradpack("template", a).returncode, 2)  # exists, no --force
        wb = openpyxl.load_workbook(a)
        self.assertEqual(wb.sheetnames, ["花名册", "填写说明", "选项"])
        self.assertEqual(wb["选项"].sheet_state, "hidden")
        ws = wb["花名册"]
        self.assertEqual([c.value for c in ws[1]], HEADER)
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertEqual(ws.print_title_rows, "$1:$1")
        lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
        self.assertEqual(lists.get("gp_levels"), "B2:B10000")
        self.assertEqual(lists.get("gp_sexes"), "E2:E10000")
        self.assertEqual(lists.get("gp_school_code"), "H2:H10000")
        help_text = "\n".join(str(c.value) for c in wb["填写说明"]["A"] if c.value)
        self.assertIn("10433", help_text)
        self.assertIn("身份证号", help_text)
        for r, row in enumerate(self.rows[1:], 2):
            for c, v in enumerate(row, 1):
                ws.cell(row=r, column=c, value=v)
        wb.save(self.path("filled.xlsx"))
        doc = self.check(self.path("filled.xlsx"), expect=0)
        self.assertEqual(doc["summary"].get("rows", 0), 4)
        self.assertFalse(codes(doc, "warning") - content_codes(), doc["findings"])
        status, _doc, proc = gradpack_json("pack", self.path("filled.xlsx"), self.photos, "-o",
                                           self.path("out"), "--name", "t")
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        with zipfile.ZipFile(self.path("out", "t.zip")) as z:
            name = [n for n in z.namelist() if n.endswith("roster.csv")][0]
            packed = list(csv.reader(io.StringIO(z.read(name).decode("utf-8-sig"))))
        self.assertEqual(packed, self.rows)


if __name__ == "__main__":
    main()
