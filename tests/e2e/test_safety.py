"""End-to-end tests of crash safety and hostile inputs (issues 9 item 7 and
10): kill -9 at random points and between renames, concurrent packs, the
umask, 70 parts, stale temporary files, the lock file, password files, and
FIFOs where a file is expected (never a hang: every run is under a
timeout).

Test hooks (lib/core/testhook.h): GRADPACK_TEST_PAUSE_BETWEEN_RENAMES and
GRADPACK_TEST_PAUSE_AFTER_SCAN make the run wait (milliseconds) at exactly
the moment a test wants to act.
"""
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import time
import zipfile

from e2e_lib import GRADPACK, GradpackTestCase, codes, findings, gradpack_json, main

TIMEOUT = 120


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class SafetyTest(GradpackTestCase):
    # ---- helpers ------------------------------------------------------------

    def station(self, n=3, name="station"):
        roster, photos = self.make_station(n, name=name)
        return roster, photos

    def station_ini(self, contact):
        """A station file; a different contact gives different outputs under one name."""
        path = self.path(f"station-{contact}.ini")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"[station]\nname = 济南函授站\ncontact = {contact}\nphone = 0531-1\n"
                    "address = 济南\nemail = a@example.com\n")
        return path

    def pack_cmd(self, roster, photos, out, *extra):
        return [GRADPACK, "pack", roster, photos, "-o", out, "--name", "bundle", *extra]

    def start(self, cmd, env=None, preexec_fn=None):
        full = dict(os.environ)
        full.update(env or {})
        return subprocess.Popen(cmd, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace", preexec_fn=preexec_fn)

    def start_paused(self, cmd, hook):
        """Start cmd with the test hook `hook` pausing it (long), and return
        once the run has reached the pause (it creates the mark file)."""
        mark = self.path("paused.mark")
        if os.path.exists(mark):
            os.unlink(mark)
        p = self.start(cmd, env={hook: "4000", "GRADPACK_TEST_PAUSE_MARK": mark})
        deadline = time.time() + TIMEOUT
        while not os.path.exists(mark):
            if p.poll() is not None:
                self.fail("the run ended before it reached the pause: " + "".join(p.communicate()))
            self.assertLess(time.time(), deadline)
            time.sleep(0.01)
        return p

    def journal(self, out):
        """[(temp, final)] of a pending commit journal, or None."""
        try:
            with open(os.path.join(out, ".gradpack-commit"), encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            return None
        lines = [line.split("\t") for line in text.splitlines() if "\t" in line]
        return lines if lines and text.endswith("\n") else None

    def assertConsistentSet(self, out, contact=None):
        """The folder holds no temporary file, journal or lock, and either
        nothing or one run's complete set: the letter names the zip's
        SHA-256 and the workbook is the zip's roster.xlsx.  Returns the
        contact of the run whose set it is (None when empty)."""
        names = sorted(os.listdir(out)) if os.path.isdir(out) else []
        self.assertEqual([n for n in names if ".tmp-" in n], [], f"temporary files left: {names}")
        self.assertNotIn(".gradpack-commit", names)
        self.assertNotIn(".gradpack.lock", names)
        if not names:
            return None
        self.assertEqual(names, ["bundle-邮件正文.txt", "bundle.xlsx", "bundle.zip"])
        with open(os.path.join(out, "bundle-邮件正文.txt"), encoding="utf-8-sig") as f:
            letter = f.read()
        self.assertIn(sha256(os.path.join(out, "bundle.zip")), letter,
                      "the letter names another zip: a mixed set")
        with zipfile.ZipFile(os.path.join(out, "bundle.zip")) as z:
            inner = z.read("bundle/roster.xlsx")
            meta = z.read("bundle/bundle.json").decode()
        with open(os.path.join(out, "bundle.xlsx"), "rb") as f:
            self.assertEqual(f.read(), inner, "the workbook is from another run: a mixed set")
        found = [c for c in ("甲", "乙") if c in letter]
        self.assertEqual(len(found), 1, letter)
        self.assertIn(found[0], meta)
        if contact:
            self.assertEqual(found[0], contact)
        return found[0]

    # ---- kill -9 -------------------------------------------------------------

    def test_kill_between_each_rename_then_rerun_recovers(self):
        roster, photos = self.station(3)
        a, b = self.station_ini("甲"), self.station_ini("乙")
        for step in range(4):  # before rename 1, 2, 3, and before the journal goes
            with self.subTest(step=step):
                out = self.path(f"out{step}")
                proc = subprocess.run(self.pack_cmd(roster, photos, out, "--station", a),
                                      capture_output=True, text=True, timeout=TIMEOUT)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                p = self.start(self.pack_cmd(roster, photos, out, "--station", b, "--force"),
                               env={"GRADPACK_TEST_PAUSE_BETWEEN_RENAMES": "1000"})
                deadline = time.time() + TIMEOUT
                killed = False
                while time.time() < deadline and p.poll() is None:
                    j = self.journal(out)
                    if j is not None:
                        done = sum(not os.path.exists(os.path.join(out, t)) for t, _ in j)
                        if done == step:
                            p.kill()
                            killed = True
                            break
                        self.assertLess(done, step + 1, "missed the moment")
                    time.sleep(0.01)
                p.communicate(timeout=TIMEOUT)
                self.assertTrue(killed, "the run ended before it could be killed")
                self.assertIsNotNone(self.journal(out), "the journal is the commit point")
                # the re-run, WITHOUT --force, finishes the dead run's commit
                # before looking at what exists
                proc = subprocess.run(self.pack_cmd(roster, photos, out, "--station", b),
                                      capture_output=True, text=True, timeout=TIMEOUT)
                self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
                self.assertIn("已存在", proc.stderr)
                self.assertEqual(self.assertConsistentSet(out), "乙")

    def test_kill_at_random_points_never_leaves_a_mix(self):
        roster, photos = self.station(4)
        a, b = self.station_ini("甲"), self.station_ini("乙")
        rng = random.Random(20261130)
        t0 = time.time()
        subprocess.run(self.pack_cmd(roster, photos, self.path("timing"), "--station", a),
                       capture_output=True, timeout=TIMEOUT, check=True)
        duration = time.time() - t0
        for i in range(8):
            with self.subTest(i=i):
                out = self.path(f"out{i}")
                if i % 2 == 0:  # an old set to replace, or an empty outbox
                    subprocess.run(self.pack_cmd(roster, photos, out, "--station", a),
                                   capture_output=True, timeout=TIMEOUT, check=True)
                p = self.start(self.pack_cmd(roster, photos, out, "--station", b, "--force"))
                time.sleep(rng.uniform(0, duration * 1.2))
                p.kill()
                p.communicate(timeout=TIMEOUT)
                proc = subprocess.run(self.pack_cmd(roster, photos, out, "--station", b),
                                      capture_output=True, text=True, timeout=TIMEOUT)
                self.assertIn(proc.returncode, (0, 2), proc.stderr)
                if proc.returncode == 2:
                    self.assertIn("已存在", proc.stderr)
                got = self.assertConsistentSet(out)
                self.assertIsNotNone(got)
                if i % 2 == 1:
                    self.assertEqual(got, "乙")

    # ---- two runs at once ---------------------------------------------------------

    def test_two_concurrent_packs_never_both_succeed(self):
        roster, photos = self.station(3)
        a, b = self.station_ini("甲"), self.station_ini("乙")
        out = self.path("out")
        env = {"GRADPACK_TEST_PAUSE_BETWEEN_RENAMES": "1500"}  # a long commit: they overlap
        p1 = self.start(self.pack_cmd(roster, photos, out, "--station", a, "--force"), env=env)
        p2 = self.start(self.pack_cmd(roster, photos, out, "--station", b, "--force"), env=env)
        r1, r2 = p1.communicate(timeout=TIMEOUT), p2.communicate(timeout=TIMEOUT)
        statuses = sorted([p1.returncode, p2.returncode])
        self.assertEqual(statuses, [0, 2], r1[1] + r2[1])
        loser = r1 if p1.returncode == 2 else r2
        self.assertIn("正被另一个 gradpack 进程", loser[1])
        self.assertIn(".gradpack.lock", loser[1])
        winner = "甲" if p1.returncode == 0 else "乙"
        self.assertEqual(self.assertConsistentSet(out), winner)

    # ---- permissions --------------------------------------------------------------

    def modes_after_pack(self, umask, *extra):
        roster, photos = self.station(2, name=f"s{umask:o}{len(extra)}")
        out = self.path(f"out-{umask:o}-{len(extra)}")
        proc = subprocess.run(self.pack_cmd(roster, photos, out, *extra), capture_output=True,
                              text=True, timeout=TIMEOUT, preexec_fn=lambda: os.umask(umask))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return {n: stat.S_IMODE(os.stat(os.path.join(out, n)).st_mode) for n in os.listdir(out)}

    def test_outputs_honour_the_umask_and_are_private_by_default(self):
        for umask, extra, expected in [(0o077, (), 0o600), (0o022, (), 0o600),
                                       (0o022, ("--shared",), 0o644),
                                       (0o077, ("--shared",), 0o600),
                                       (0o027, ("--shared",), 0o640)]:
            with self.subTest(umask=oct(umask), extra=extra):
                modes = self.modes_after_pack(umask, *extra)
                self.assertEqual(len(modes), 3, modes)
                for name, mode in modes.items():
                    self.assertEqual(mode, expected, f"{name}: {oct(mode)}")

    # ---- many parts ------------------------------------------------------------------

    def test_seventy_parts_then_interrupt_leaves_nothing(self):
        roster, photos = self.station(70)
        out = self.path("out")
        os.makedirs(out)
        p = self.start(self.pack_cmd(roster, photos, out, "--max-part-size", "700K",
                                     "--threads", "1"))
        deadline = time.time() + TIMEOUT
        seen = 0
        while time.time() < deadline and p.poll() is None:
            seen = sum(".tmp-" in n for n in os.listdir(out))
            if seen >= 72:  # 70 zips, the workbook and the letter: past 64
                break
            time.sleep(0.005)
        self.assertGreaterEqual(seen, 72, "the temporary files never all existed")
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=TIMEOUT)
        if p.returncode == 0:
            self.skipTest("the run finished before it could be interrupted")
        self.assertEqual(p.returncode, -signal.SIGINT)
        self.assertEqual(os.listdir(out), [], "a temporary file (or the lock) remains")

    def test_seventy_parts_are_all_written(self):
        roster, photos = self.station(70)
        out = self.path("out")
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", out, "--name", "bundle",
                                          "--max-part-size", "700K", "--threads", "2",
                                          timeout=TIMEOUT * 3)
        self.assertEqual(status, 0, proc.stderr)
        self.assertEqual(doc["summary"]["parts"], 70)
        names = os.listdir(out)
        self.assertEqual(sum(n.endswith(".zip") for n in names), 70)
        self.assertEqual([n for n in names if n.startswith(".")], [])

    # ---- what a dead run leaves ----------------------------------------------------------

    def test_stale_temps_of_dead_runs_are_removed(self):
        roster, photos = self.station(2)
        out = self.path("out")
        os.makedirs(out)
        ours = [".bundle.zip.tmp-AbC123", ".bundle.xlsx.tmp-QQQQQQ", "..gradpack-commit.tmp-XyZ789",
                ".other-run.zip.tmp-zzzzzz"]
        theirs = [".keep", "notes.tmp-123456", ".x.tmp-12"]
        for n in ours + theirs:
            with open(os.path.join(out, n), "w") as f:
                f.write("junk with 370303199001011234\n")
        proc = subprocess.run(self.pack_cmd(roster, photos, out), capture_output=True, text=True,
                              timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        left = set(os.listdir(out))
        self.assertFalse(left & set(ours), left)
        self.assertTrue(set(theirs) <= left, left)

    def test_symlinked_lock_file_is_refused(self):
        roster, photos = self.station(2)
        out = self.path("out")
        os.makedirs(out)
        victim = self.path("victim.txt")
        with open(victim, "w") as f:
            f.write("keep me\n")
        os.symlink(victim, os.path.join(out, ".gradpack.lock"))
        proc = subprocess.run(self.pack_cmd(roster, photos, out), capture_output=True, text=True,
                              timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("符号链接", proc.stderr)
        with open(victim) as f:
            self.assertEqual(f.read(), "keep me\n")
        self.assertEqual(sorted(os.listdir(out)), [".gradpack.lock"])

    def test_check_does_not_report_gradpacks_own_files_as_strays(self):
        roster, photos = self.station(2)
        for n in [".gradpack.lock", ".gradpack-commit", ".0001.jpg.tmp-AbCdEf", "..gradpack-commit.tmp-q1w2e3"]:
            with open(os.path.join(photos, n), "w") as f:
                f.write("x")
        with open(os.path.join(photos, "notes.txt"), "w") as f:
            f.write("x")
        status, doc, proc = gradpack_json("check", roster, photos)
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        strays = [f["file"] for f in findings(doc, "photo.stray_file")]
        self.assertEqual(strays, ["notes.txt"])

    # ---- a photo changed while pack writes ----------------------------------------------

    def test_photo_changed_while_packing(self):
        roster, photos = self.station(3)
        out = self.path("out")
        p = self.start_paused([GRADPACK, "pack", roster, photos, "-o", out, "--format", "json"],
                              "GRADPACK_TEST_PAUSE_AFTER_SCAN")  # listed (sizes taken), not yet read
        with open(os.path.join(photos, "0002.jpg"), "ab") as f:
            f.write(b"\0" * 64)
        stdout, stderr = p.communicate(timeout=TIMEOUT)
        self.assertEqual(p.returncode, 1, stdout[-2000:] + stderr)
        doc = json.loads(stdout)
        changed = findings(doc, "pack.photo_changed")
        self.assertEqual([f["seq"] for f in changed], ["0002"], doc["findings"])
        self.assertEqual(changed[0]["severity"], "error")
        self.assertEqual(os.listdir(out) if os.path.isdir(out) else [], [])

    def test_bundle_changed_while_merging(self):
        roster, photos = self.station(2)
        inbox, other = self.path("inbox"), self.path("other")
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", inbox, "--name", "a")
        self.assertEqual(status, 0, proc.stderr)
        # the same submission with photo 0001 one byte longer (still a good photo)
        with open(os.path.join(photos, "0001.jpg"), "ab") as f:
            f.write(b"\0")
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", other, "--name", "a")
        self.assertEqual(status, 0, proc.stderr)
        out = self.path("merged")
        p = self.start_paused([GRADPACK, "merge", inbox, "-o", out, "--format", "json"],
                              "GRADPACK_TEST_PAUSE_BEFORE_WRITE")  # verified, not yet copied
        os.replace(os.path.join(other, "a.zip"), os.path.join(inbox, "a.zip"))
        stdout, stderr = p.communicate(timeout=TIMEOUT)
        self.assertEqual(p.returncode, 1, stdout[-2000:] + stderr)
        doc = json.loads(stdout)
        changed = findings(doc, "merge.photo_changed")
        self.assertEqual([(f["source"], f["seq"]) for f in changed], [("a.zip", "0001")],
                         doc["findings"])
        self.assertEqual(changed[0]["severity"], "error")
        self.assertEqual(sorted(os.listdir(out)), [], "a merge output was written")

    # ---- password files -----------------------------------------------------------------

    def test_password_file_bom_and_trailing_blanks_stripped_with_notice(self):
        roster, photos = self.station(2)
        pw = self.path("pw.txt")
        with open(pw, "wb") as f:
            f.write("\ufeffCorrect-Horse-2021  \r\n".encode())
        os.chmod(pw, 0o600)
        out = self.path("out")
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", out, "--name", "bundle",
                                          "--encrypt", "--password-file", pw)
        self.assertEqual(status, 0, proc.stderr)
        trimmed = findings(doc, "input.password_trimmed")
        self.assertEqual(len(trimmed), 1, doc["findings"])
        self.assertEqual(trimmed[0]["severity"], "info")
        self.assertNotIn("input.password_readable", codes(doc))
        # the zip opens with the password as the clerk sees it
        clean = self.path("clean.txt")
        with open(clean, "w") as f:
            f.write("Correct-Horse-2021\n")
        os.chmod(clean, 0o600)
        status, vdoc, proc = gradpack_json("verify", os.path.join(out, "bundle.zip"),
                                           "--password-file", clean)
        self.assertEqual(status, 0, proc.stdout[-2000:] + proc.stderr)
        self.assertNotIn("input.password_trimmed", codes(vdoc))  # a plain LF is no news
        # ... and not with the invisible characters kept
        raw = self.path("raw.txt")
        with open(raw, "w") as f:
            f.write("Correct-Horse-2021 x\n")
        os.chmod(raw, 0o600)
        status, vdoc, proc = gradpack_json("verify", os.path.join(out, "bundle.zip"),
                                           "--password-file", raw)
        self.assertEqual(status, 1)
        self.assertIn("bundle.bad_password", codes(vdoc))

    def test_readable_password_file_is_warned(self):
        roster, photos = self.station(2)
        pw = self.path("pw.txt")
        with open(pw, "w") as f:
            f.write("Correct-Horse-2021\n")
        os.chmod(pw, 0o644)
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", self.path("out"),
                                          "--encrypt", "--password-file", pw)
        self.assertEqual(status, 0, proc.stderr)
        warned = findings(doc, "input.password_readable")
        self.assertEqual(len(warned), 1, doc["findings"])
        self.assertEqual(warned[0]["actual"], "0644")
        for cmd in (["verify", *glob.glob(self.path("out", "*.zip"))],
                    ["merge", self.path("out"), "-o", self.path("merged")]):
            status, doc, proc = gradpack_json(*cmd, "--password-file", pw)
            self.assertIn("input.password_readable", codes(doc), cmd)

    # ---- FIFOs: a clear error, never a hang -------------------------------------------------

    def run_bounded(self, *args):
        proc = subprocess.run(["timeout", "20", GRADPACK, *args], capture_output=True, text=True,
                              errors="replace", timeout=60)
        self.assertNotEqual(proc.returncode, 124, f"gradpack {args[0]} hung on a FIFO")
        return proc

    def fifo(self, name):
        path = self.path(name)
        os.mkfifo(path)
        return path

    def test_fifo_inputs_are_refused_without_hanging(self):
        roster, photos = self.station(2)
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", self.path("good"),
                                          "--name", "good")
        self.assertEqual(status, 0, proc.stderr)
        good = self.path("good", "good.zip")
        cases = [
            ("roster", ["check", self.fifo("roster.csv"), photos]),
            ("--station", ["pack", roster, photos, "-o", self.path("o1"),
                           "--station", self.fifo("station.ini")]),
            ("--password-file (pack)", ["pack", roster, photos, "-o", self.path("o2"), "--encrypt",
                                        "--password-file", self.fifo("pw1")]),
            ("--password-file (verify)", ["verify", good, "--password-file", self.fifo("pw2")]),
            ("--master", ["verify", good, "--master", self.fifo("master.csv")]),
            ("bundle", ["verify", self.fifo("bundle.zip")]),
        ]
        for what, args in cases:
            with self.subTest(what=what):
                proc = self.run_bounded(*args)
                self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
                self.assertIn("命名管道", proc.stderr)

    def test_fifo_swapped_in_for_a_photo_after_the_scan(self):
        roster, photos = self.station(3)
        p = self.start_paused(["timeout", "60", GRADPACK, "check", roster, photos, "--format", "json"],
                              "GRADPACK_TEST_PAUSE_AFTER_SCAN")
        target = os.path.join(photos, "0002.jpg")
        os.unlink(target)
        os.mkfifo(target)
        stdout, stderr = p.communicate(timeout=60)
        self.assertNotEqual(p.returncode, 124, "check hung on a FIFO swapped in")
        self.assertEqual(p.returncode, 1, stderr)
        doc = json.loads(stdout)
        bad = findings(doc, "photo.unreadable")
        self.assertEqual([f["seq"] for f in bad], ["0002"], doc["findings"])
        self.assertIn("不是普通文件", bad[0]["message"])

    def folder_bundle(self):
        roster, photos = self.station(3)
        status, doc, proc = gradpack_json("pack", roster, photos, "-o", self.path("out"),
                                          "--name", "b")
        self.assertEqual(status, 0, proc.stderr)
        dest = self.path("extracted")
        with zipfile.ZipFile(self.path("out", "b.zip")) as z:
            z.extractall(dest)
        return os.path.join(dest, "b")

    def test_verify_folder_fifo_swapped_in_after_the_walk(self):
        folder = self.folder_bundle()
        p = self.start_paused(["timeout", "60", GRADPACK, "verify", folder, "--format", "json"],
                              "GRADPACK_TEST_PAUSE_AFTER_SCAN")
        target = os.path.join(folder, "photos", "0002.jpg")
        os.unlink(target)
        os.mkfifo(target)
        stdout, stderr = p.communicate(timeout=60)
        self.assertNotEqual(p.returncode, 124, "verify hung on a FIFO swapped in")
        self.assertEqual(p.returncode, 1, stderr)
        doc = json.loads(stdout)
        self.assertIn("photo.unreadable", codes(doc), doc["findings"])

    def test_verify_folder_swapped_for_a_symlink_is_not_followed(self):
        folder = self.folder_bundle()
        # a look-alike outside the bundle: same names, other pictures
        elsewhere = self.path("elsewhere")
        shutil.copytree(os.path.join(folder, "photos"), elsewhere)
        for n in os.listdir(elsewhere):
            with open(os.path.join(elsewhere, n), "ab") as f:
                f.write(b"other bytes")
        p = self.start_paused(["timeout", "60", GRADPACK, "verify", folder, "--format", "json"],
                              "GRADPACK_TEST_PAUSE_AFTER_SCAN")
        os.rename(os.path.join(folder, "photos"), self.path("moved-photos"))
        os.symlink(elsewhere, os.path.join(folder, "photos"))
        stdout, stderr = p.communicate(timeout=60)
        self.assertNotEqual(p.returncode, 124)
        self.assertEqual(p.returncode, 1, stderr)
        doc = json.loads(stdout)
        self.assertIn("photo.unreadable", codes(doc), doc["findings"])
        self.assertNotIn("bundle.hash_mismatch", codes(doc), "the link was followed")


if __name__ == "__main__":
    main()
