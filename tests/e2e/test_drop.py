"""End-to-end tests of `gradpack drop FOLDER` (the drag-and-drop path of
issue 13), on Linux with --no-open; tests/windows/test_wine.py runs the same
path under Wine."""
import hashlib
import os
import shutil
import subprocess

from e2e_lib import (GRADPACK, SOURCE_ROOT, GradpackTestCase, gradpack, main, make_photo,
                     make_photos, make_roster, run)

SAMPLES = os.path.join(SOURCE_ROOT, "samples")
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def sha_files(folder):
    out = {}
    for n in sorted(os.listdir(folder)):
        with open(os.path.join(folder, n), "rb") as f:
            out[n] = hashlib.sha256(f.read()).hexdigest()
    return out


class DropTest(GradpackTestCase):
    def sample_folder(self, *parts, photos="照片"):
        folder = self.path(*parts)
        os.makedirs(folder)
        shutil.copy(os.path.join(SAMPLES, "roster.csv"), os.path.join(folder, "花名册.csv"))
        shutil.copy(os.path.join(SAMPLES, "station.ini"), folder)
        src = os.path.join(SAMPLES, "photos")
        dst = os.path.join(folder, photos) if photos else folder
        os.makedirs(dst, exist_ok=True)
        for n in os.listdir(src):
            shutil.copy(os.path.join(src, n), dst)
        return folder

    def test_clean_folder_is_packed_into_outbox_beside_it(self):
        folder = self.sample_folder("站点", "2025届")
        proc = gradpack("drop", folder, "--no-open", env=EPOCH)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("没有错误，已打包到", proc.stdout)
        outbox = self.path("站点", "outbox")
        got = sha_files(outbox)
        self.assertEqual(len([n for n in got if n.endswith(".zip")]), 1, got)
        self.assertEqual(len([n for n in got if n.endswith(".xlsx")]), 1, got)
        self.assertEqual(len([n for n in got if n.endswith("邮件正文.txt")]), 1, got)
        # the same bytes as pack on the same inputs
        ref = self.path("ref")
        p = gradpack("pack", os.path.join(folder, "花名册.csv"), os.path.join(folder, "照片"),
                     "-o", ref, "--station", os.path.join(folder, "station.ini"), env=EPOCH)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(got, sha_files(ref))
        # the HTML report beside the roster
        with open(os.path.join(folder, "检查结果.html"), encoding="utf-8") as f:
            report = f.read()
        self.assertTrue(report.startswith("<!DOCTYPE html>"))
        self.assertIn("结论：没有错误", report)  # the samples' backdrops draw warnings
        self.assertIn("<img", report)  # every photo shown
        # a second drop replaces the outbox's files with the same bytes
        proc = gradpack("drop", folder, "--no-open", env=EPOCH)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(sha_files(outbox), got)

    def test_photos_in_the_folder_itself(self):
        folder = self.sample_folder("单层", photos=None)
        proc = gradpack("drop", folder, "--no-open", env=EPOCH)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn(f"照片:   {folder}\n", proc.stdout)
        self.assertTrue(any(n.endswith(".zip") for n in os.listdir(self.path("outbox"))))

    def test_single_subfolder_with_jpegs_is_the_photo_folder(self):
        folder = self.sample_folder("站", photos="2025照片原图")
        os.makedirs(os.path.join(folder, "其他资料"))
        proc = gradpack("drop", folder, "--no-open", env=EPOCH)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("2025照片原图", proc.stdout)

    def test_defects_are_reported_and_nothing_is_packed(self):
        folder = self.path("有问题", "站")
        os.makedirs(folder)
        make_roster(os.path.join(folder, "roster.csv"), 3)
        photos = make_photos(os.path.join(folder, "photos"), 2)
        make_photo(os.path.join(photos, "0003.jpg"), "--width", "600", "--height", "800")
        os.remove(os.path.join(photos, "0002.jpg"))
        proc = gradpack("drop", folder, "--no-open")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("有错误，没有打包", proc.stdout)
        with open(os.path.join(folder, "检查结果.html"), encoding="utf-8") as f:
            report = f.read()
        self.assertIn("photo.missing", report)
        self.assertIn("photo.dimensions", report)
        self.assertIn("0003.jpg", report)
        outbox = self.path("有问题", "outbox")
        self.assertFalse(os.path.isdir(outbox) and os.listdir(outbox), "packed despite errors")

    def test_no_roster(self):
        folder = self.path("空")
        os.makedirs(folder)
        proc = gradpack("drop", folder, "--no-open")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("没有花名册", proc.stderr)

    def test_several_tables_choose_the_one_named_roster_or_refuse(self):
        folder = self.sample_folder("多表")
        shutil.copy(os.path.join(folder, "花名册.csv"), os.path.join(folder, "旧的备份.csv"))
        proc = gradpack("drop", folder, "--no-open", env=EPOCH)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("花名册: " + os.path.join(folder, "花名册.csv"), proc.stdout)
        os.rename(os.path.join(folder, "花名册.csv"), os.path.join(folder, "名单.csv"))
        proc = gradpack("drop", folder, "--no-open")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("多个表格", proc.stderr)
        self.assertIn("名单.csv", proc.stderr)
        self.assertIn("旧的备份.csv", proc.stderr)

    def test_outbox_option(self):
        folder = self.sample_folder("站点")
        proc = gradpack("drop", folder, "--no-open", "--outbox", self.path("发件箱"), env=EPOCH)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertTrue(any(n.endswith(".zip") for n in os.listdir(self.path("发件箱"))))
        self.assertFalse(os.path.exists(self.path("outbox")))

    def test_dragged_folder_without_subcommand_waits_for_a_key(self):
        folder = self.sample_folder("拖放")
        proc = subprocess.run([GRADPACK, folder], input="\n", text=True, capture_output=True,
                              timeout=300,
                              env=dict(os.environ, GRADPACK_NO_OPEN="1", **EPOCH))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertTrue(proc.stdout.rstrip().endswith("按回车键关闭……"), proc.stdout[-300:])
        self.assertTrue(os.listdir(self.path("outbox")))
        # a path that is not a folder is still an unknown command
        proc = gradpack(self.path("no-such-thing"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("这个命令", proc.stderr)

    def test_usage(self):
        self.assertEqual(gradpack("drop").returncode, 2)
        proc = gradpack("drop", "--help")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("outbox", proc.stdout)


if __name__ == "__main__":
    main()
