"""gradpack.exe (the Windows cross build) run under Wine: check, pack, verify,
fix, merge and drop on the samples and on generated folders with defects,
with Chinese file and folder names and Windows-style paths (Z:\\...), every
result compared with the Linux build's on the same inputs.

Both builds have the face rules (dlib): reports are compared whole, content
findings and measurements included.

Environment (tests/windows/run-wine.sh sets it): GRADPACK_EXE (gradpack.exe),
GRADPACK (the Linux build's gradpack), PHOTOGEN, ROSTERGEN, SOURCE_ROOT, WINE,
WINEPREFIX, WINEDEBUG; GRADPACK_WIN_DATADIR, the templates folder as the zip
ships it (with dlib/, the landmark model), given to gradpack.exe as its data
directory.
"""
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from e2e_lib import GRADPACK, PHOTOGEN, ROSTERGEN, SOURCE_ROOT, run  # noqa: E402

EXE = os.environ["GRADPACK_EXE"]
WINE = os.environ.get("WINE", "wine")
WIN_DATADIR = os.environ.get("GRADPACK_WIN_DATADIR", "")
FACES = os.path.join(SOURCE_ROOT, "tests", "data", "faces")
EPOCH = "1700000000"
SAMPLES = os.path.join(SOURCE_ROOT, "samples")


def winpath(p):
    """A Linux path as Windows sees it under Wine (drive Z: is /)."""
    return "Z:" + os.path.abspath(p).replace("/", "\\")


def exe(*args, env=None, timeout=600):
    """Run gradpack.exe under Wine; paths in args must already be Windows paths."""
    full = {"SOURCE_DATE_EPOCH": EPOCH}
    if WIN_DATADIR:
        full["GRADPACK_DATADIR"] = winpath(WIN_DATADIR)
    if env:
        full.update(env)
    return run([WINE, EXE, *map(str, args)], env=full, timeout=timeout)


def linux(*args, env=None, timeout=600):
    full = {"SOURCE_DATE_EPOCH": EPOCH}
    if env:
        full.update(env)
    return run([GRADPACK, *map(str, args)], env=full, timeout=timeout)


def as_json(proc):
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"invalid JSON ({exc}):\n{proc.stdout[:2000]}\n{proc.stderr[:2000]}")


def codes(doc):
    return sorted(f["code"] for f in doc["findings"])


def summary(doc):
    return doc["summary"]


def measurements(doc):
    """{seq: measurements} of a check report (the content rules' numbers)."""
    return {m["seq"]: m for m in doc.get("measurements", [])}


def files_of(folder):
    """{name: sha256} of the files in folder (not recursive)."""
    out = {}
    for n in sorted(os.listdir(folder)):
        p = os.path.join(folder, n)
        if os.path.isfile(p) and not n.startswith("."):
            with open(p, "rb") as f:
                out[n] = hashlib.sha256(f.read()).hexdigest()
    return out


def write_xls(csv_path, xls_path, numbers=False):
    """The CSV's rows as one sheet of an Excel 97–2003 workbook (xlwt;
    ImportError without it); numbers=True writes cells made only of 1–9
    digits as numbers."""
    import xlwt
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if numbers and r > 0 and v.isdigit() and len(v) < 10:
                sheet.write(r, c, int(v))
            else:
                sheet.write(r, c, v)
    os.makedirs(os.path.dirname(xls_path), exist_ok=True)
    book.save(xls_path)


class WineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="gp-wine-")
        # a station with defects, Chinese folder and file names throughout
        cls.bad = os.path.join(cls.shared, "有问题的站", "照片")
        os.makedirs(cls.bad)
        proc = run([ROSTERGEN, "4", "--seed", "7"])
        assert proc.returncode == 0, proc.stderr
        with open(os.path.join(cls.shared, "有问题的站", "花名册.csv"), "w", encoding="utf-8",
                  newline="") as f:
            f.write(proc.stdout)
        for args in (["0001.jpg"], ["0002.jpg", "--width", "600", "--height", "800"],
                     ["0003.jpg", "--dpi", "72"], ["0005.jpg", "--cmyk"]):
            proc = run([PHOTOGEN, os.path.join(cls.bad, args[0]), *args[1:]])
            assert proc.returncode == 0, proc.stderr
        # 0004 is missing, 0005 has no roster row
        # a clean station under a Chinese name, its roster in GB18030 (Excel's
        # plain "CSV" on a Chinese Windows), read without iconv on Windows
        cls.good = os.path.join(cls.shared, "济南函授站")
        shutil.copytree(os.path.join(SAMPLES, "photos"), os.path.join(cls.good, "照片"))
        shutil.copy(os.path.join(SAMPLES, "station.ini"), cls.good)
        with open(os.path.join(SAMPLES, "roster.csv"), encoding="utf-8-sig") as f:
            text = f.read()
        with open(os.path.join(cls.good, "毕业生花名册.csv"), "wb") as f:
            f.write(text.encode("gb18030"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gp-wine-t-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    # ---- the tests ------------------------------------------------------------

    def test_version_and_help(self):
        proc = exe("--version")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.strip(), linux("--version").stdout.strip())
        proc = exe("help", "drop")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("检查并打包.bat", proc.stdout)

    def test_check_samples_clean_like_linux(self):
        roster, photos = os.path.join(SAMPLES, "roster.csv"), os.path.join(SAMPLES, "photos")
        win = exe("check", winpath(roster), winpath(photos), "--format", "json")
        lin = linux("check", roster, photos, "--format", "json")
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        self.assertEqual(lin.returncode, 0)
        self.assertEqual(codes(as_json(win)), codes(as_json(lin)))
        self.assertEqual(summary(as_json(win)), summary(as_json(lin)))
        self.assertTrue(measurements(as_json(lin)), "no measurements: face rules did not run")
        self.assertEqual(measurements(as_json(win)), measurements(as_json(lin)))

    def test_face_problems_found_like_linux(self):
        """Real portraits (tests/data/faces) framed with a face problem: the
        same content findings and the same measurements on Windows (dlib and
        the landmark model from the zip's templates folder) as on Linux."""
        sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "tools"))
        import faceframe as ff  # python3-pil
        from PIL import Image
        # the portrait's own measurement (Linux), to frame it from
        src = self.path("source")
        os.makedirs(src)
        shutil.copy(os.path.join(FACES, "portrait-a.jpg"), os.path.join(src, "0001.jpg"))
        roster = self.path("花名册.csv")
        proc = run([ROSTERGEN, "3", "--seed", "11"])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(roster, "w", encoding="utf-8", newline="") as f:
            f.write(proc.stdout)
        m = measurements(as_json(linux("check", roster, src, "--format", "json")))["0001"]
        a = Image.open(os.path.join(FACES, "portrait-a.jpg")).convert("RGB")
        photos = self.path("人像照片")
        os.makedirs(photos)
        well = ff.render(a, ff.frame_for(m, 410, 540))
        cases = {
            "0001": well,
            "0002": ff.render(a, ff.frame_for(m, 410, 640)),  # eyes 100 px too low
            "0003": well.crop((0, 880, 960, 1280)).resize((960, 1280)),  # no face
        }
        for seq, img in cases.items():
            img.save(os.path.join(photos, seq + ".jpg"), quality=92, dpi=(300, 300))
        win = exe("check", winpath(roster), winpath(photos), "--format", "json")
        lin = linux("check", roster, photos, "--format", "json")
        wdoc, ldoc = as_json(win), as_json(lin)
        self.assertEqual(win.returncode, lin.returncode, win.stdout + win.stderr)

        def by_seq(doc):
            return sorted((f.get("seq") or "", f["code"], f["severity"]) for f in doc["findings"])

        self.assertEqual(by_seq(wdoc), by_seq(ldoc))
        got = {(f.get("seq"), f["code"]) for f in wdoc["findings"]}
        self.assertIn(("0002", "photo.eye_line"), got, by_seq(wdoc))
        self.assertIn(("0003", "photo.no_face"), got, by_seq(wdoc))
        self.assertNotIn("photo.face_rules_skipped", codes(wdoc))
        self.assertEqual(measurements(wdoc), measurements(ldoc))
        # the finding's text, which the clerk reads, is the same too
        for code in ("photo.eye_line", "photo.no_face"):
            w = [f for f in wdoc["findings"] if f["code"] == code]
            l = [f for f in ldoc["findings"] if f["code"] == code]
            self.assertEqual(w, l)

    def test_check_defects_with_chinese_names_like_linux(self):
        roster = os.path.join(os.path.dirname(self.bad), "花名册.csv")
        win = exe("check", winpath(roster), winpath(self.bad), "--format", "json")
        lin = linux("check", roster, self.bad, "--format", "json")
        self.assertEqual(win.returncode, 1, win.stdout + win.stderr)
        self.assertEqual(lin.returncode, 1)
        got = codes(as_json(win))
        self.assertEqual(got, codes(as_json(lin)))
        for code in ("photo.missing", "photo.orphan", "photo.dimensions", "photo.dpi",
                     "photo.colorspace"):
            self.assertIn(code, got)
        # the text report names the Chinese file the clerk must fix
        text = exe("check", winpath(roster), winpath(self.bad))
        self.assertEqual(text.returncode, 1)
        self.assertIn("0002.jpg", text.stdout)

    def test_gb18030_roster_read_without_iconv(self):
        roster = os.path.join(self.good, "毕业生花名册.csv")
        win = exe("check", winpath(roster), winpath(os.path.join(self.good, "照片")),
                  "--format", "json")
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        doc = as_json(win)
        self.assertEqual(json.dumps(doc).count("GB18030") > 0, True, win.stdout[:2000])
        lin = linux("check", roster, os.path.join(self.good, "照片"), "--format", "json")
        self.assertEqual(summary(doc), summary(as_json(lin)))

    def test_pack_samples_byte_identical_to_linux(self):
        roster, photos = os.path.join(SAMPLES, "roster.csv"), os.path.join(SAMPLES, "photos")
        station = os.path.join(SAMPLES, "station.ini")
        win_out, lin_out = self.path("输出", "windows"), self.path("输出", "linux")
        win = exe("pack", winpath(roster), winpath(photos), "-o", winpath(win_out),
                  "--station", winpath(station))
        lin = linux("pack", roster, photos, "-o", lin_out, "--station", station)
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        self.assertEqual(lin.returncode, 0, lin.stdout + lin.stderr)
        w, l = files_of(win_out), files_of(lin_out)
        self.assertEqual(sorted(w), sorted(l))
        self.assertTrue(any(n.endswith(".zip") for n in w), w)
        self.assertEqual(w, l, "the Windows bundle differs from the Linux one")
        # the cover letter keeps CRLF exactly once (binary mode writes)
        letter = [n for n in w if n.endswith("邮件正文.txt")][0]
        with open(os.path.join(win_out, letter), "rb") as f:
            self.assertNotIn(b"\r\r\n", f.read())

    def test_pack_refuses_defects_and_writes_nothing(self):
        roster = os.path.join(os.path.dirname(self.bad), "花名册.csv")
        out = self.path("出")
        win = exe("pack", winpath(roster), winpath(self.bad), "-o", winpath(out))
        self.assertEqual(win.returncode, 1, win.stdout + win.stderr)
        self.assertFalse(any(n.endswith(".zip") for n in os.listdir(out)) if os.path.isdir(out)
                         else False)

    def test_pack_encrypted_then_verify_with_password(self):
        roster, photos = os.path.join(SAMPLES, "roster.csv"), os.path.join(SAMPLES, "photos")
        pw = self.path("密码.txt")
        with open(pw, "w", encoding="utf-8") as f:
            f.write("correct horse 电池\n")
        out = self.path("enc")
        win = exe("pack", winpath(roster), winpath(photos), "-o", winpath(out), "--encrypt",
                  "--password-file", winpath(pw), "--name", "加密包")
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        z = os.path.join(out, "加密包.zip")
        with zipfile.ZipFile(z) as zf:
            self.assertTrue(all(i.flag_bits & 1 for i in zf.infolist()))
        # verified by the Linux build: AES from OpenSSL on both sides
        lin = linux("verify", z, "--password-file", pw)
        self.assertEqual(lin.returncode, 0, lin.stdout + lin.stderr)
        win = exe("verify", winpath(z), "--password-file", winpath(pw))
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)

    def test_verify_good_and_tampered(self):
        roster, photos = os.path.join(SAMPLES, "roster.csv"), os.path.join(SAMPLES, "photos")
        out = self.path("包")
        self.assertEqual(linux("pack", roster, photos, "-o", out, "--name", "样例").returncode, 0)
        good = os.path.join(out, "样例.zip")
        win = exe("verify", winpath(good), "--format", "json")
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        # a tampered copy: one photo replaced inside the zip
        bad = self.path("篡改.zip")
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith("0003.jpg"):
                    data = data[:-200] + bytes(200)
                dst.writestr(info, data)
        win = exe("verify", winpath(bad), "--format", "json")
        lin = linux("verify", bad, "--format", "json")
        self.assertEqual(win.returncode, 1, win.stdout + win.stderr)
        self.assertEqual(codes(as_json(win)), codes(as_json(lin)))
        # and an extracted folder bundle, walked by directory handle
        folder = self.path("解压")
        with zipfile.ZipFile(good) as zf:
            zf.extractall(folder)
        top = os.path.join(folder, os.listdir(folder)[0])
        win = exe("verify", winpath(top), "--format", "json")
        lin = linux("verify", top, "--format", "json")
        self.assertEqual(win.returncode, lin.returncode, win.stdout + win.stderr)
        self.assertEqual(codes(as_json(win)), codes(as_json(lin)))

    def test_fix_writes_the_same_copies_as_linux(self):
        src = self.path("待修正")
        os.makedirs(src)
        for args in (["0001.jpg", "--width", "600", "--height", "800"],
                     ["0002.jpg", "--dpi", "72"], ["0003.jpg", "--orientation", "6"]):
            self.assertEqual(run([PHOTOGEN, os.path.join(src, args[0]), *args[1:]]).returncode, 0)
        win_out, lin_out = self.path("修正", "win"), self.path("修正", "lin")
        win = exe("fix", winpath(src), "-o", winpath(win_out), "--format", "json")
        lin = linux("fix", src, "-o", lin_out, "--format", "json")
        self.assertEqual(win.returncode, lin.returncode, win.stdout + win.stderr)
        self.assertIn(win.returncode, (0, 1))
        w, l = files_of(win_out), files_of(lin_out)
        self.assertTrue(w, win.stdout + win.stderr)
        self.assertEqual(w, l, "fix wrote different bytes on Windows")

    def test_merge_two_stations_like_linux(self):
        inbox = self.path("收件箱")
        roster, photos = os.path.join(SAMPLES, "roster.csv"), os.path.join(SAMPLES, "photos")
        self.assertEqual(linux("pack", roster, photos, "-o", inbox, "--name", "甲站").returncode, 0)
        # a second station: the good folder's GB18030 roster and photos
        self.assertEqual(linux("pack", os.path.join(self.good, "毕业生花名册.csv"),
                               os.path.join(self.good, "照片"), "-o", inbox,
                               "--name", "乙站").returncode, 0)
        for n in os.listdir(inbox):
            if not n.endswith(".zip"):
                os.remove(os.path.join(inbox, n))
        win_out, lin_out = self.path("汇总", "win"), self.path("汇总", "lin")
        win = exe("merge", winpath(inbox), "-o", winpath(win_out), "--format", "json")
        lin = linux("merge", inbox, "-o", lin_out, "--format", "json")
        self.assertEqual(win.returncode, lin.returncode, win.stdout + win.stderr)
        self.assertEqual(codes(as_json(win)), codes(as_json(lin)))
        self.assertEqual(files_of(win_out), files_of(lin_out))

    def test_drop_clean_folder_packs_into_outbox(self):
        folder = self.path("站点", "济南函授站")
        shutil.copytree(self.good, folder)
        win = exe("drop", winpath(folder), "--no-open")
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        self.assertIn("没有错误", win.stdout)
        outbox = self.path("站点", "outbox")
        got = files_of(outbox)
        self.assertTrue(any(n.endswith(".zip") for n in got), got)
        with open(os.path.join(folder, "检查结果.html"), encoding="utf-8") as f:
            report = f.read()
        self.assertTrue(report.startswith("<!DOCTYPE html>"))
        # the same bundle and the same verdict as the Linux build's drop on a
        # copy (the samples' backdrops draw content warnings on both)
        copy = self.path("linux", "济南函授站")
        shutil.copytree(self.good, copy)
        lin = linux("drop", copy, "--no-open")
        self.assertEqual(lin.returncode, 0, lin.stdout + lin.stderr)
        self.assertEqual(got, files_of(self.path("linux", "outbox")))
        with open(os.path.join(copy, "检查结果.html"), encoding="utf-8") as f:
            lin_report = f.read()

        def verdict(html):
            start = html.index('<p class="verdict')
            return html[start:html.index("</p>", start)]

        self.assertIn("没有错误", verdict(report))
        self.assertEqual(verdict(report), verdict(lin_report))

    def assert_dropped_without_packing(self, folder, *in_report):
        """drop on a folder with errors: exit 1, "没有打包", the page names
        every one of in_report, and no zip in the outbox."""
        win = exe("drop", winpath(folder), "--no-open")
        self.assertEqual(win.returncode, 1, win.stdout + win.stderr)
        self.assertIn("没有打包", win.stdout)
        with open(os.path.join(folder, "检查结果.html"), encoding="utf-8") as f:
            report = f.read()
        for needle in in_report:
            self.assertIn(needle, report)
        outbox = self.path("outbox")
        self.assertFalse(os.path.isdir(outbox) and any(n.endswith(".zip") for n in os.listdir(outbox)))

    def test_drop_folder_with_defects_reports_and_does_not_pack(self):
        folder = self.path("有问题的站")
        shutil.copytree(os.path.dirname(self.bad), folder)
        self.assert_dropped_without_packing(folder, "0002", "photo.dimensions")

    def test_drop_without_roster_says_so(self):
        folder = self.path("空文件夹")
        os.makedirs(folder)
        win = exe("drop", winpath(folder), "--no-open")
        self.assertEqual(win.returncode, 2)
        self.assertIn("没有花名册", win.stderr)

    # ---- .xls rosters: libfreexl in an isolated child gradpack.exe ------------

    def xls_from_csv(self, csv_path, xls_path, numbers=False):
        try:
            write_xls(csv_path, xls_path, numbers)
        except ImportError:
            self.skipTest("python3-xlwt is not installed (scripts/install-deps.sh installs it)")

    def assert_same_report(self, win, lin):
        """The same exit status, the same findings (everything but the source
        path), summary and measurements in the JSON reports of both builds."""
        self.assertEqual(win.returncode, lin.returncode, win.stdout[:2000] + win.stderr)
        wdoc, ldoc = as_json(win), as_json(lin)

        def key(doc):
            return sorted(tuple(str(f.get(k)) for k in ("code", "severity", "seq", "row", "field",
                                                          "file", "message", "actual",
                                                          "expected"))
                          for f in doc["findings"])

        self.assertEqual(key(wdoc), key(ldoc))
        self.assertEqual(summary(wdoc), summary(ldoc))
        self.assertEqual(measurements(wdoc), measurements(ldoc))
        return wdoc

    def test_xls_roster_read_like_linux(self):
        """A sound .xls roster in a folder with a Chinese name: gradpack.exe
        reads it in its isolated child and reports exactly what Linux does;
        dropped on gradpack.exe, the folder is packed into the same bundle."""
        folder = self.path("旧版Excel站")
        shutil.copytree(os.path.join(SAMPLES, "photos"), os.path.join(folder, "照片"))
        shutil.copy(os.path.join(SAMPLES, "station.ini"), folder)
        xls = os.path.join(folder, "花名册.xls")
        self.xls_from_csv(os.path.join(SAMPLES, "roster.csv"), xls)
        photos = os.path.join(folder, "照片")
        win = exe("check", winpath(xls), winpath(photos), "--format", "json")
        lin = linux("check", xls, photos, "--format", "json")
        self.assertEqual(lin.returncode, 0, lin.stdout + lin.stderr)
        doc = self.assert_same_report(win, lin)
        self.assertNotIn("roster.workbook.unreadable", codes(doc))
        # the clerk's path: the folder dropped on gradpack.exe, then the Linux
        # build's drop on a copy; the same bundle, byte for byte
        copy = self.path("linux", "旧版Excel站")
        shutil.copytree(folder, copy)
        win = exe("drop", winpath(folder), "--no-open")
        self.assertEqual(win.returncode, 0, win.stdout + win.stderr)
        lin = linux("drop", copy, "--no-open")
        self.assertEqual(lin.returncode, 0, lin.stdout + lin.stderr)
        got = files_of(self.path("outbox"))
        self.assertTrue(any(n.endswith(".zip") for n in got), got)
        self.assertEqual(got, files_of(self.path("linux", "outbox")))

    def test_xls_roster_with_defects_like_linux(self):
        """The defective station's roster as .xls, numbers stored as numbers:
        the same findings, row for row, as the Linux build."""
        roster = os.path.join(os.path.dirname(self.bad), "花名册.csv")
        xls = self.path("有问题的站", "花名册.xls")
        self.xls_from_csv(roster, xls, numbers=True)
        win = exe("check", winpath(xls), winpath(self.bad), "--format", "json")
        lin = linux("check", xls, self.bad, "--format", "json")
        self.assertEqual(lin.returncode, 1, lin.stdout + lin.stderr)
        self.assert_same_report(win, lin)

    def test_hostile_xls_gives_the_same_clean_finding(self):
        """Damaged and hostile .xls files (truncated, garbage behind the OLE2
        magic, garbage with an .xls name): no crash, and the finding Linux
        gives, word for word."""
        sound = self.path("good.xls")
        self.xls_from_csv(os.path.join(SAMPLES, "roster.csv"), sound)
        with open(sound, "rb") as f:
            data = f.read()
        rnd = __import__("random").Random(9)
        garbage = bytes(rnd.randrange(256) for _ in range(40000))
        bad = {
            "截断.xls": data[: len(data) // 2],
            "只有开头.xls": data[:600],
            "乱码OLE.xls": data[:512] + garbage,
            "乱码.xls": garbage,
            "扇区错乱.xls": data[:512] + bytes(b ^ 0x5A for b in data[512:4096]) + data[4096:],
        }
        photos = os.path.join(SAMPLES, "photos")
        for name, content in bad.items():
            with self.subTest(name):
                p = self.path("坏文件", name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "wb") as f:
                    f.write(content)
                win = exe("check", winpath(p), winpath(photos), "--format", "json")
                lin = linux("check", p, photos, "--format", "json")
                self.assertIn(win.returncode, (1, 2), win.stdout[:2000] + win.stderr)
                self.assertEqual(win.returncode, lin.returncode, win.stdout[:2000] + win.stderr)
                if lin.returncode == 1:
                    self.assert_same_report(win, lin)
                else:
                    self.assertEqual(win.stderr.strip() != "", True)

    def chinese_temp_folder(self):
        """%TEMP% and %TMP% of the Wine prefix pointed at a new folder with a
        Chinese name (Wine takes them from the registry, not from the Unix
        environment) until the test ends: the child's copy of the workbook
        goes there, and freexl must open it through the narrow fopen."""
        temp = self.path("临时文件夹")
        os.makedirs(temp)
        key = r"HKCU\Environment"
        for var in ("TEMP", "TMP"):
            old = run([WINE, "reg", "query", key, "/v", var]).stdout
            value = [ln.split("REG_SZ", 1)[1].strip() for ln in old.splitlines() if "REG_SZ" in ln]
            if value:
                self.addCleanup(run, [WINE, "reg", "add", key, "/v", var, "/d", value[0], "/f"])
            proc = run([WINE, "reg", "add", key, "/v", var, "/d", winpath(temp), "/f"])
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return temp

    def xls_finding(self, proc):
        """The one roster.workbook.* finding of a check, as text."""
        self.assertEqual(proc.returncode, 1, proc.stdout[:2000] + proc.stderr)
        found = [f for f in as_json(proc)["findings"] if f["code"].startswith("roster.workbook.")]
        self.assertEqual(len(found), 1, proc.stdout[:2000])
        return json.dumps(found[0], ensure_ascii=False)

    def test_xls_child_failures_are_findings(self):
        """The parent's side of every way the Windows child can fail
        (GRADPACK_TEST_ISOLATED_CHILD makes the child misbehave while its copy
        of the workbook exists): a crash, an answer past the size limit, a
        host program that is not a gradpack child, a child that spins
        (stopped by the job's CPU limit or the wall clock); each is one
        finding, exit 1, within the time limit; and no temporary copy of the
        roster is left in the (Chinese) temporary folder, however the child
        ended."""
        import time
        folder = self.path("旧版Excel站")
        xls = os.path.join(folder, "花名册.xls")
        self.xls_from_csv(os.path.join(SAMPLES, "roster.csv"), xls)
        photos = os.path.join(SAMPLES, "photos")
        temp = self.chinese_temp_folder()
        # the normal child first: reads it, through its copy in that folder
        ok = exe("check", winpath(xls), winpath(photos), "--format", "json")
        self.assertEqual(ok.returncode, 0, ok.stdout[:2000] + ok.stderr)
        self.assertEqual(summary(as_json(ok))["rows"], 6)
        self.assertEqual(os.listdir(temp), [])
        cases = {
            "crash": ("roster.workbook.unreadable", "读取程序在这个文件上出错"),
            "flood": ("roster.workbook.limit", "内容超过 256 MB"),
            "foreign": ("roster.workbook.unreadable",
                        "没有启动读取 Excel 97–2003 格式（.xls）花名册的子进程"),
            "spin": ("roster.workbook.limit", "超过 20 秒"),
        }
        for how, (code, words) in cases.items():
            with self.subTest(how):
                def attempt():
                    t0 = time.monotonic()
                    proc = exe("check", winpath(xls), winpath(photos), "--format", "json",
                               env={"GRADPACK_TEST_ISOLATED_CHILD": how})
                    return proc, time.monotonic() - t0
                win, spent = attempt()
                if not win.stdout and not win.stderr:
                    # Seen once in CI (spin, 2 cores): exit 1 with no output at
                    # all, not reproduced in 31 local runs.  gradpack prints its
                    # report or an error on every path, so this is Wine's; it
                    # is said in the log and the case run once more, where
                    # every assertion below still applies.
                    print(f"\n[{how}] gradpack.exe under Wine exited {win.returncode} after "
                          f"{spent:.1f} s with no output at all; running it again",
                          file=sys.stderr)
                    win, spent = attempt()
                text = self.xls_finding(win)
                self.assertIn(code, text)
                self.assertIn(words, text)
                if how == "foreign":
                    self.assertIn("另存为", text)
                # 20 s of CPU, 25 s of wall clock at most, and Wine's start-up
                self.assertLess(spent, 60, how)
                self.assertEqual(os.listdir(temp), [], how)

    def test_xls_child_memory_limit(self):
        """A child that commits 2 GiB is stopped by the job's 1 GiB
        (JOB_OBJECT_LIMIT_PROCESS_MEMORY).  Wine 8 does not enforce job
        memory limits: the test then says so and is skipped."""
        folder = self.path("旧版Excel站")
        xls = os.path.join(folder, "花名册.xls")
        self.xls_from_csv(os.path.join(SAMPLES, "roster.csv"), xls)
        photos = os.path.join(SAMPLES, "photos")
        win = exe("check", winpath(xls), winpath(photos), "--format", "json",
                  env={"GRADPACK_TEST_ISOLATED_CHILD": "hog"})
        if win.returncode == 0 and summary(as_json(win))["rows"] == 6:
            self.skipTest("this Wine does not enforce JOB_OBJECT_LIMIT_PROCESS_MEMORY")
        self.assertIn("读取程序在这个文件上出错", self.xls_finding(win))

    def test_dragged_folder_without_subcommand(self):
        """argv = [exe, folder]: the drag-and-drop form; waits for a key at the end."""
        folder = self.path("拖放", "济南函授站")
        shutil.copytree(self.good, folder)
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, GRADPACK_NO_OPEN="1")
        if WIN_DATADIR:
            env["GRADPACK_DATADIR"] = winpath(WIN_DATADIR)
        proc = subprocess.run([WINE, EXE, winpath(folder)], input="\n", text=True,
                              capture_output=True, timeout=600, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        # stdin is a pipe here, so gradpack.exe waits for a line and says so
        # (a console gets "按任意键关闭" and _getch)
        self.assertIn("按回车键关闭", proc.stdout)
        self.assertTrue(files_of(self.path("拖放", "outbox")))



ZIP = os.environ.get("GRADPACK_ZIP", "")


@unittest.skipUnless(ZIP, "GRADPACK_ZIP (the dist zip) not given")
class ZipTest(unittest.TestCase):
    """The release zip as a clerk uses it: unzipped anywhere, no terminal."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gp-wine-zip-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        with zipfile.ZipFile(ZIP) as z:
            names = z.namelist()
            z.extractall(os.path.join(self.tmp, "桌面"))
        self.top = os.path.join(self.tmp, "桌面", names[0].split("/")[0])
        self.exe = os.path.join(self.top, "gradpack.exe")
        # a profile only the unzipped templates folder has: proves the
        # templates beside gradpack.exe are the ones used
        with open(os.path.join(self.top, "templates", "profiles", "xinhua-shandong.ini"),
                  encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(self.top, "templates", "profiles", "zip-only.ini"), "w",
                  encoding="utf-8") as f:
            f.write(text)

    def test_contents(self):
        with zipfile.ZipFile(ZIP) as z:
            names = [n.split("/", 1)[1] for n in z.namelist() if not n.endswith("/")]
        for want in ("gradpack.exe", "使用说明.txt", "检查并打包.bat", "templates/roster-fields.ini",
                     "templates/profiles/xinhua-shandong.ini", "templates/station.ini",
                     "templates/dlib/shape_predictor_68_face_landmarks.dat"):
            self.assertIn(want, names)

    def test_templates_beside_the_exe_are_found(self):
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        env.pop("GRADPACK_DATADIR", None)
        proc = subprocess.run([WINE, self.exe, "check", winpath(os.path.join(SAMPLES, "roster.csv")),
                               winpath(os.path.join(SAMPLES, "photos")), "--profile", "zip-only"],
                              capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("zip-only", proc.stdout)

    def test_face_model_in_the_zip_is_found(self):
        """No --face-model, no GRADPACK_DATADIR: the landmark model is found in
        templates\\dlib beside gradpack.exe and the face rules run, as on Linux."""
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        env.pop("GRADPACK_DATADIR", None)
        roster, photos = os.path.join(SAMPLES, "roster.csv"), os.path.join(SAMPLES, "photos")
        proc = subprocess.run([WINE, self.exe, "check", winpath(roster), winpath(photos),
                               "--format", "json"],
                              capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        doc = as_json(proc)
        self.assertNotIn("photo.face_rules_skipped", codes(doc), proc.stdout[:2000])
        lin = as_json(linux("check", roster, photos, "--format", "json"))
        self.assertEqual(len(measurements(doc)), len(os.listdir(photos)))
        self.assertEqual(measurements(doc), measurements(lin))

    def test_xls_read_by_the_unzipped_exe_in_a_chinese_folder(self):
        """The isolated child is gradpack.exe started again from where the
        clerk unzipped it (a Chinese folder): the .xls roster is read and
        judged as on Linux."""
        xls = os.path.join(self.tmp, "桌面", "旧版花名册", "花名册.xls")
        try:
            write_xls(os.path.join(SAMPLES, "roster.csv"), xls)
        except ImportError:
            self.skipTest("python3-xlwt is not installed (scripts/install-deps.sh installs it)")
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        env.pop("GRADPACK_DATADIR", None)
        photos = os.path.join(SAMPLES, "photos")
        proc = subprocess.run([WINE, self.exe, "check", winpath(xls), winpath(photos),
                               "--format", "json"],
                              capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout[:2000] + proc.stderr)
        doc, lin = as_json(proc), as_json(linux("check", xls, photos, "--format", "json"))
        self.assertEqual(summary(doc), summary(lin))
        self.assertEqual(summary(doc)["rows"], 6)
        self.assertEqual(codes(doc), codes(lin))

    def test_batch_file_inside_the_folder(self):
        """检查并打包.bat copied into the clerk's folder, run by cmd.exe: finds
        gradpack.exe in the unzipped folder on the "desktop" beside it."""
        folder = os.path.join(self.tmp, "桌面", "2025届毕业生")
        os.makedirs(os.path.join(folder, "照片"))
        shutil.copy(os.path.join(SAMPLES, "roster.csv"), os.path.join(folder, "花名册.csv"))
        for n in os.listdir(os.path.join(SAMPLES, "photos")):
            shutil.copy(os.path.join(SAMPLES, "photos", n), os.path.join(folder, "照片"))
        shutil.copy(os.path.join(self.top, "检查并打包.bat"), folder)
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, GRADPACK_NO_OPEN="1")
        env.pop("GRADPACK_DATADIR", None)
        # cmd.exe's own messages come in the console code page: decode leniently
        proc = subprocess.run([WINE, "cmd", "/c", winpath(os.path.join(folder, "检查并打包.bat"))],
                              input="\n", capture_output=True, text=True, errors="replace",
                              timeout=300, env=env)
        # stdin is a pipe: the line-waiting prompt
        self.assertIn("按回车键关闭", proc.stdout, proc.stdout + proc.stderr)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        outbox = os.path.join(self.tmp, "桌面", "outbox")
        self.assertTrue(any(n.endswith(".zip") for n in os.listdir(outbox)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
