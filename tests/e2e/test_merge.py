"""End-to-end tests of `gradpack merge` (issue 5): station bundles made with
the real `gradpack pack`, merged, and the results judged by `gradpack
verify`, Python's zipfile and openpyxl.

Speed: the photos are tiny (60×80, a few KB) under a test profile "tiny"
written into a copy of the data directory (GRADPACK_DATADIR), so that
10,001 students take seconds.  One tiny JPEG comes from photogen; every
student's photo is that JPEG with a COM segment naming the student, so all
photos are valid, distinct (different SHA-256) and cheap."""
import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile

import openpyxl

from e2e_lib import (GRADPACK, PHOTOGEN, ROSTERGEN, SOURCE_ROOT, GradpackTestCase, codes,
                     findings, gradpack, gradpack_json, main, run)

TINY_PROFILE = """[profile]
title = 测试用小照片（60×80）

[photo]
width = 60
height = 80
min_bytes = 100
max_bytes = 204800
dpi = 300
components = 3
bits = 8
allow_srgb_icc = true

[school]
school_type = 普通高校
school_code = 10433
school_name = 山东理工大学

[roster]
fields = roster-fields.ini
"""

MAP_HEADERS = ["新拍摄序号", "来源压缩包", "原拍摄序号", "学号", "身份证号"]


def id_check(first17):
    """GB 11643-1999 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def unique_id(idn, taken):
    """idn, or (when another station already has it) the next free ID with the
    same region, birth date and sex: rostergen keeps IDs unique per roster only."""
    while idn in taken:
        order = (int(idn[14:17]) + 2) % 1000
        first17 = idn[:14] + f"{order:03d}"
        idn = first17 + id_check(first17)
    taken.add(idn)
    return idn


def unique_jpeg(base, tag):
    """base with a COM segment after the JFIF APP0 segment: a distinct valid JPEG."""
    assert base[:4] == b"\xff\xd8\xff\xe0"
    app0_end = 4 + int.from_bytes(base[4:6], "big")
    text = tag.encode()
    com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return base[:app0_end] + com + base[app0_end:]


class MergeTest(GradpackTestCase):
    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="gp-merge-")
        cls.datadir = os.path.join(cls.shared, "templates")
        shutil.copytree(os.path.join(SOURCE_ROOT, "templates"), cls.datadir)
        with open(os.path.join(cls.datadir, "profiles", "tiny.ini"), "w", encoding="utf-8") as f:
            f.write(TINY_PROFILE)
        base = os.path.join(cls.shared, "base.jpg")
        proc = run([PHOTOGEN, base, "--width", "60", "--height", "80", "--quality", "90"])
        assert proc.returncode == 0, proc.stderr
        with open(base, "rb") as f:
            cls.base_jpeg = f.read()
        cls.env = {"GRADPACK_DATADIR": cls.datadir, "SOURCE_DATE_EPOCH": "1700000000"}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.taken_ids = set()

    # ---- inputs ---------------------------------------------------------

    def station(self, name, n, start=1, seed=1, inbox="inbox", tamper_roster=None):
        """Roster (rostergen, 学号 made unique per station) and tiny photos, packed
        with the real `gradpack pack` into self.tmp/inbox/NAME.zip."""
        root = self.path("stations", name)
        photos = os.path.join(root, "photos")
        os.makedirs(photos, exist_ok=True)
        proc = run([ROSTERGEN, str(n), "--start", str(start), "--seed", str(seed)])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = list(csv.reader(io.StringIO(proc.stdout.lstrip("\ufeff"))))
        header, body = rows[0], rows[1:]
        for row in body:
            row[5] = unique_id(row[5], self.taken_ids)
            row[2] = f"20{seed:03d}{row[0]}{row[5][-4:]}"  # 学号 unique across stations
            if tamper_roster:
                tamper_roster(row)
        self.write_roster(os.path.join(root, "roster.csv"), header, body)
        for row in body:
            with open(os.path.join(photos, row[0] + ".jpg"), "wb") as f:
                f.write(unique_jpeg(self.base_jpeg, f"{row[5]}"))
        return self.pack(name, root, inbox), header, body

    def write_roster(self, path, header, body):
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(body)

    def pack(self, name, root, inbox):
        out = self.path(inbox)
        proc = gradpack("pack", os.path.join(root, "roster.csv"), os.path.join(root, "photos"),
                        "-o", out, "--name", name, "--profile", "tiny", "--force", "--quiet",
                        env=self.env, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        for extra in (name + ".xlsx", name + "-邮件正文.txt"):
            os.remove(os.path.join(out, extra))  # the inbox holds what stations mail: the zips
        return os.path.join(out, name + ".zip")

    def merge(self, *args, timeout=600):
        return gradpack_json("merge", *args, "--profile", "tiny", env=self.env, timeout=timeout)

    def verify_ok(self, *zips):
        status, doc, proc = gradpack_json("verify", *zips, "--profile", "tiny", env=self.env,
                                          timeout=600)
        self.assertEqual(status, 0, proc.stdout[:3000])
        return doc

    def contents(self, folder):
        """{name: bytes} of the visible files in self.tmp/folder."""
        out = {}
        for n in os.listdir(self.path(folder)):
            if not n.startswith("."):
                with open(self.path(folder, n), "rb") as f:
                    out[n] = f.read()
        return out

    def mapping(self, zip_path):
        with zipfile.ZipFile(zip_path) as z:
            top = z.namelist()[0].split("/")[0]
            data = z.read(f"{top}/mapping.csv")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        self.assertIn(b"\r\n", data)
        self.assertNotIn(b"\n", data.replace(b"\r\n", b""))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        self.assertEqual(rows[0], MAP_HEADERS)
        return rows[1:]

    # ---- the cases --------------------------------------------------------

    def test_three_stations_with_overlapping_numbers_merge_into_one(self):
        a, _, body_a = self.station("济南站", 3, start=1, seed=1)
        b, _, body_b = self.station("青岛站", 4, start=2, seed=2)
        c, _, body_c = self.station("淄博站", 2, start=1, seed=3)
        status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        self.assertEqual(doc["summary"]["students"], 9)
        self.assertEqual(doc["summary"]["held"], 0)
        outs = [o["file"] for o in doc["outputs"]]
        self.assertEqual(outs, ["10433-汇总.zip", "10433-汇总.xlsx"])
        out_zip = self.path("out", "10433-汇总.zip")
        self.verify_ok(out_zip)
        # the documented order: bundle file name (bytewise), then original number
        names = sorted(["济南站.zip", "青岛站.zip", "淄博站.zip"], key=lambda s: s.encode())
        bodies = {"济南站.zip": body_a, "青岛站.zip": body_b, "淄博站.zip": body_c}
        expected = []
        for name in names:
            for row in sorted(bodies[name], key=lambda r: r[0]):
                expected.append([name, row[0], row[2], row[5]])
        got = self.mapping(out_zip)
        self.assertEqual([r[0] for r in got], [f"{i:04d}" for i in range(1, 10)])
        self.assertEqual([r[1:] for r in got], expected)
        # photos renamed: new 0001 is the first bundle's first photo, bytes unchanged
        with zipfile.ZipFile(out_zip) as z:
            top = z.namelist()[0].split("/")[0]
            names_in = z.namelist()
            self.assertEqual(names_in[:4], [f"{top}/bundle.json", f"{top}/roster.csv",
                                            f"{top}/roster.xlsx", f"{top}/mapping.csv"])
            self.assertEqual(names_in[-1], f"{top}/MANIFEST.sha256")
            first = z.read(f"{top}/photos/0001.jpg")
            info = z.getinfo(f"{top}/photos/0001.jpg")
            self.assertEqual(info.compress_type, zipfile.ZIP_STORED)
            meta = json.loads(z.read(f"{top}/bundle.json"))
        src = {"济南站.zip": a, "青岛站.zip": b, "淄博站.zip": c}[names[0]]
        with zipfile.ZipFile(src) as z:
            stop = z.namelist()[0].split("/")[0]
            first_seq = sorted(bodies[names[0]], key=lambda r: r[0])[0][0]
            self.assertEqual(first, z.read(f"{stop}/photos/{first_seq}.jpg"))
        self.assertEqual([s["bundle"] for s in meta["sources"]], names)
        for s in meta["sources"]:
            with open(self.path("inbox", s["bundle"]), "rb") as f:
                self.assertEqual(s["sha256"], hashlib.sha256(f.read()).hexdigest())
        # the workbook: roster sheet plus the map as a second sheet, all text
        wb = openpyxl.load_workbook(self.path("out", "10433-汇总.xlsx"))
        self.assertEqual(len(wb.sheetnames), 2)
        ws = wb[wb.sheetnames[1]]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        self.assertEqual(rows[0], MAP_HEADERS)
        self.assertEqual(rows[1:], got)
        self.assertTrue(all(c.data_type == "s" for r in ws.iter_rows() for c in r))

    def test_resent_identical_bundle_is_absorbed(self):
        a, _, _ = self.station("A站", 3, seed=1)
        self.station("B站", 2, seed=2)
        shutil.copy(a, self.path("inbox", "A站-重发.zip"))
        status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0, proc.stdout)
        self.assertEqual(doc["summary"]["students"], 5)
        self.assertEqual(doc["summary"]["absorbed"], 3)
        resent = findings(doc, "merge.resent")
        self.assertEqual(len(resent), 3)
        # "A站-重发.zip" sorts after "A站.zip"?  bytewise: '-' (0x2d) < '.' (0x2e)
        self.assertTrue(all(f["source"] == "A站.zip" for f in resent), resent)
        self.assertTrue(all(f["expected"] == "A站-重发.zip" for f in resent))
        self.verify_ok(self.path("out", "10433-汇总.zip"))

    def test_conflicting_duplicate_student_is_held_back(self):
        _, _, body = self.station("A站", 3, seed=1)
        victim = body[1][5]

        def change_name(row):
            if row[5] == victim:
                row[3] = "改名字"
        # B站 carries A站's second student with another name; same ID number
        root = self.path("stations", "B站")
        os.makedirs(os.path.join(root, "photos"))
        header = ["拍摄序号", "学历层次", "学号", "姓名", "性别", "身份证号", "所在校别", "院校代码", "学校名称"]
        row = list(body[1])
        row[0] = "0001"
        change_name(row)
        self.write_roster(os.path.join(root, "roster.csv"), header, [row])
        with open(os.path.join(root, "photos", "0001.jpg"), "wb") as f:
            f.write(unique_jpeg(self.base_jpeg, "另一张"))
        self.pack("B站", root, "inbox")
        status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 1, proc.stdout)
        dups = findings(doc, "merge.duplicate_student")
        self.assertEqual(sorted(f["source"] for f in dups), ["A站.zip", "B站.zip"])
        self.assertIn("B站.zip", [f for f in dups if f["source"] == "A站.zip"][0]["message"])
        self.assertEqual(doc["summary"]["students"], 2)
        self.assertEqual(doc["summary"]["held_students"], 2)
        ids = [r[4] for r in self.mapping(self.path("out", "10433-汇总.zip"))]
        self.assertNotIn(victim, ids)
        self.verify_ok(self.path("out", "10433-汇总.zip"))
        # --strict: the same inputs fail the run and nothing is written
        status, doc, _ = self.merge(self.path("inbox"), "-o", self.path("strict"), "--strict")
        self.assertEqual(status, 1)
        self.assertEqual([n for n in os.listdir(self.path("strict")) if not n.startswith(".")], [])

    def flip_photo_byte(self, zip_path):
        """Flip one byte inside a stored photo, in place (the manifest stays old)."""
        with zipfile.ZipFile(zip_path) as z:
            info = [i for i in z.infolist() if i.filename.endswith(".jpg")][0]
        with open(zip_path, "r+b") as f:
            f.seek(info.header_offset + 26)
            name_len = int.from_bytes(f.read(2), "little")
            extra_len = int.from_bytes(f.read(2), "little")
            at = info.header_offset + 30 + name_len + extra_len + info.file_size // 2
            f.seek(at)
            byte = f.read(1)
            f.seek(at)
            f.write(bytes([byte[0] ^ 0xFF]))

    def test_tampered_bundle_is_held_back_and_fails_strict(self):
        self.station("A站", 2, seed=1)
        bad = self.station("B站", 2, seed=2)[0]
        self.flip_photo_byte(bad)
        status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 1, proc.stdout)
        held = findings(doc, "merge.bundle_held")
        self.assertEqual([f["source"] for f in held], ["B站.zip"])
        self.assertIn("bundle.", held[0]["actual"])  # why: the first verify error's code
        self.assertIn("B站.zip", {f["source"] for f in findings(doc, held[0]["actual"])})
        self.assertEqual([i["verdict"] for i in doc["inputs"]], ["merged", "held"])
        self.assertEqual(doc["summary"]["students"], 2)
        self.verify_ok(self.path("out", "10433-汇总.zip"))
        status, doc, _ = self.merge(self.path("inbox"), "-o", self.path("strict"), "--strict")
        self.assertEqual(status, 1)
        self.assertIn("merge.bundle_held", codes(doc))
        self.assertEqual([n for n in os.listdir(self.path("strict")) if not n.startswith(".")], [])

    def test_incomplete_parts_are_held_back_together(self):
        self.station("A站", 2, seed=1)
        # station B mails its submission in parts, and part 3 never arrives
        _, header, body = self.station("B站", 4, seed=2, inbox="whole")
        root = self.path("stations", "B站")
        proc = gradpack("pack", os.path.join(root, "roster.csv"), os.path.join(root, "photos"),
                        "-o", self.path("parts"), "--name", "B站", "--profile", "tiny",
                        "--max-part-size", "52000", "--quiet", env=self.env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        parts = sorted(n for n in os.listdir(self.path("parts")) if n.endswith(".zip"))
        self.assertGreaterEqual(len(parts), 3, parts)
        for n in parts:
            if "-part3-" not in n:
                shutil.copy(self.path("parts", n), self.path("inbox", n))
        status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 1, proc.stdout[:3000])
        self.assertIn("bundle.part_gap", codes(doc))
        held = sorted(f["source"] for f in findings(doc, "merge.bundle_held"))
        self.assertEqual(held, sorted(n for n in parts if "-part3-" not in n))
        self.assertEqual(doc["summary"]["students"], 2)  # station A only
        self.verify_ok(self.path("out", "10433-汇总.zip"))

    def test_10001_students_make_two_bundles(self):
        self.station("A站", 5001, start=1, seed=1)
        self.station("B站", 5000, start=1, seed=2)
        status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0, proc.stdout[:3000])
        self.assertEqual(doc["summary"]["students"], 10001)
        zips = [o for o in doc["outputs"] if o["file"].endswith(".zip")]
        self.assertEqual([(o["file"], o["rows"]) for o in zips],
                         [("10433-汇总-1.zip", 9999), ("10433-汇总-2.zip", 2)])
        second = self.mapping(self.path("out", "10433-汇总-2.zip"))
        self.assertEqual([r[0] for r in second], ["0001", "0002"])
        self.assertEqual([r[1:3] for r in second], [["B站.zip", "4999"], ["B站.zip", "5000"]])
        self.verify_ok(self.path("out", "10433-汇总-1.zip"), self.path("out", "10433-汇总-2.zip"))

    def test_rerun_gives_identical_bytes_and_rewrites_nothing(self):
        self.station("A站", 3, seed=1)
        self.station("B站", 3, seed=2)
        status, doc1, _ = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0)
        files = sorted(n for n in os.listdir(self.path("out")) if not n.startswith("."))
        before = {n: os.stat(self.path("out", n)) for n in files}
        data = self.contents("out")
        time.sleep(1.1)
        status, doc2, _ = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0)
        self.assertEqual([o["written"] for o in doc2["outputs"]], ["unchanged"] * 2)
        self.assertEqual([o["sha256"] for o in doc1["outputs"]], [o["sha256"] for o in doc2["outputs"]])
        self.assertEqual(sorted(n for n in os.listdir(self.path("out")) if not n.startswith(".")),
                         files)  # no temp file left either
        for n in files:
            after = os.stat(self.path("out", n))
            self.assertEqual((after.st_ino, after.st_mtime_ns), (before[n].st_ino, before[n].st_mtime_ns))
        self.assertEqual(self.contents("out"), data)
        # a fresh output folder gets the same bytes
        status, _, _ = self.merge(self.path("inbox"), "-o", self.path("out2"))
        self.assertEqual(self.contents("out2"), data)

    def test_killed_run_leaves_previous_outputs(self):
        self.station("A站", 3, seed=1)
        status, _, _ = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0)
        previous = self.contents("out")
        self.station("B站", 3000, seed=2)  # larger input: the run takes a while
        proc = subprocess.Popen([GRADPACK, "merge", self.path("inbox"), "-o", self.path("out"), "--profile", "tiny"],
                                env={**os.environ, **self.env}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # kill it once it has started writing temporary outputs (or after 5 s)
        deadline = time.time() + 5
        while time.time() < deadline and proc.poll() is None:
            if any(".tmp-" in n for n in os.listdir(self.path("out"))):
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        self.assertEqual(proc.wait(), -signal.SIGKILL, "the run ended before it could be killed")
        now = self.contents("out")
        self.assertEqual(now, previous)
        status, doc, proc2 = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0, proc2.stdout[:2000] + proc2.stderr)
        self.assertEqual(doc["summary"]["students"], 3003)
        self.assertEqual([n for n in os.listdir(self.path("out")) if ".tmp-" in n], [])
        self.verify_ok(self.path("out", "10433-汇总.zip"))

    def test_concurrent_run_is_refused_by_the_lock(self):
        self.station("A站", 2, seed=1)
        os.makedirs(self.path("out"))
        with open(self.path("out", ".gradpack.lock"), "w") as held:
            # a live holder: this process (as a second gradpack run would be)
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.write(f"{os.getpid()}\n")
            held.flush()
            status, doc, proc = self.merge(self.path("inbox"), "-o", self.path("out"))
            self.assertEqual(status, 2)
            self.assertIsNone(doc)
            self.assertIn(".gradpack.lock", proc.stderr)
            self.assertIn(str(os.getpid()), proc.stderr)
        # released (as when the holder dies): the next run goes through
        status, _, _ = self.merge(self.path("inbox"), "-o", self.path("out"))
        self.assertEqual(status, 0)

    def test_quiet_on_success_and_bad_usage(self):
        self.station("A站", 2, seed=1)
        proc = gradpack("merge", self.path("inbox"), "-o", self.path("out"), "--profile", "tiny",
                        env=self.env)
        self.assertEqual((proc.returncode, proc.stdout), (0, ""))
        proc = gradpack("merge", self.path("nowhere"), "-o", self.path("out"), env=self.env)
        self.assertEqual(proc.returncode, 2)
        os.makedirs(self.path("empty"))
        proc = gradpack("merge", self.path("empty"), "-o", self.path("out"), env=self.env)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("*.zip", proc.stderr)


if __name__ == "__main__":
    main()
