"""gradpack fix end to end: a messy photo folder made conforming.

Inputs come from photogen: oversized 3:4, 4:3 (refused), 72 dpi, CMYK,
Adobe RGB, Exif orientation 6, grayscale (refused), already conforming
(copied byte for byte), flat (cannot reach 550 KB), noisy (too big at high
quality), and 72 dpi in the window (only the metadata rewritten: identical
decoded pixels).  The outputs are judged by `gradpack check` itself, opened with
Pillow (size, dpi, no profile/Exif) and compared with an expected rendering
that Pillow makes independently (Exif transpose, ImageCms for Adobe RGB);
the originals must stay byte-identical.
"""
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import (GradpackTestCase, gradpack, gradpack_json, main, make_photo,  # noqa: E402
                     make_roster, tree_snapshot, findings)

from PIL import Image, ImageCms, ImageFilter, ImageOps, ImageStat  # noqa: E402

MIN_BYTES, MAX_BYTES = 563200, 665600

# file -> photogen flags, and what fix must do with it
CASES = {
    "0001.jpg": (["--width", 3024, "--height", 4032, "--quality", 92], "fixed"),
    "0002.jpg": (["--width", 1280, "--height", 960, "--quality", 90], "fix.aspect"),
    "0003.jpg": (["--dpi", 72, "--quality", 90], "fixed"),
    "0004.jpg": (["--cmyk", "--quality", 90], "fixed"),
    "0005.jpg": (["--icc", "adobe", "--quality", 90], "fixed"),
    "0006.jpg": (["--width", 1280, "--height", 960, "--orientation", 6, "--quality", 90], "fixed"),
    "0007.jpg": (["--gray", "--quality", 90], "fix.grayscale"),
    "0008.jpg": ([], "copied"),
    "0009.jpg": (["--flat"], "fix.cannot_reach_min"),
    "0010.jpg": (["--noisy", "--quality", 95], "fixed"),
    # in the window, only the metadata wrong: 72 dpi in Exif, no JFIF
    "0011.jpg": (["--dpi", 72, "--exif-dpi-only", "--orientation", 1, "--seed", 11], "metadata"),
}


def expected_rendering(path):
    """What the photo should look like upright in sRGB, made by Pillow."""
    im = Image.open(path)
    icc = im.info.get("icc_profile")
    im = ImageOps.exif_transpose(im)
    if im.mode == "CMYK":
        return im.convert("RGB")
    if icc:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im.convert("RGB"), source, ImageCms.createProfile("sRGB"),
                                         renderingIntent=ImageCms.Intent.PERCEPTUAL)
    return im.convert("RGB")


def thumbnail(im):
    return list(im.convert("RGB").resize((24, 32), Image.BOX).getdata())


def mean_difference(a, b):
    total = sum(abs(x - y) for pa, pb in zip(a, b) for x, y in zip(pa, pb))
    return total / (len(a) * 3)


class FixFolder(GradpackTestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.root = tempfile.mkdtemp(prefix="gp-e2e-fix-")
        cls.photos = os.path.join(cls.root, "photos")
        os.makedirs(cls.photos)
        for name, (flags, _) in CASES.items():
            make_photo(os.path.join(cls.photos, name), *flags)
        cls.before = tree_snapshot(cls.photos)
        cls.fixed = os.path.join(cls.root, "fixed")
        cls.status, cls.doc, cls.proc = gradpack_json("fix", cls.photos, "-o", cls.fixed)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.root, ignore_errors=True)

    def test_report(self):
        self.assertEqual(self.status, 1, self.proc.stderr)  # some photos cannot be fixed
        self.assertEqual(self.doc["command"], "fix")
        s = self.doc["summary"]
        self.assertEqual((s["photos"], s["fixed"], s["metadata"], s["copied"], s["failed"]),
                         (11, 6, 1, 1, 3))
        rows = {r["file"]: r for r in self.doc["photos"]}
        for name, (_, outcome) in CASES.items():
            if outcome.startswith("fix."):
                got = [f for f in findings(self.doc, outcome) if f["file"] == name]
                self.assertEqual(len(got), 1, f"{name}: expected {outcome}")
                self.assertNotIn(name, os.listdir(self.fixed))
            elif outcome in ("fixed", "metadata"):
                changed = [f for f in findings(self.doc, "fix.changed") if f["file"] == name]
                self.assertEqual(len(changed), 1, name)
                self.assertIn("960×1280", changed[0]["expected"])
            want = outcome if outcome in ("fixed", "copied", "metadata") else "failed"
            self.assertEqual(rows[name]["action"], want, name)
            if want == "fixed":
                self.assertTrue(1 <= rows[name]["encodes"] <= 6, rows[name])
                self.assertGreater(rows[name]["quality"], 0, rows[name])
            if want == "metadata":
                self.assertEqual(rows[name]["encodes"], 0, rows[name])
        aspect = findings(self.doc, "fix.aspect")[0]
        self.assertIn("左右各裁掉 280 像素", aspect["message"])
        flat = findings(self.doc, "fix.cannot_reach_min")[0]
        self.assertIn("字节", flat["actual"])

    def test_originals_untouched(self):
        self.assertEqual(tree_snapshot(self.photos), self.before)

    def test_conforming_photo_copied_byte_for_byte(self):
        with open(os.path.join(self.photos, "0008.jpg"), "rb") as a, \
                open(os.path.join(self.fixed, "0008.jpg"), "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_outputs_are_clean_and_right(self):
        for name, (_, outcome) in CASES.items():
            if outcome not in ("fixed", "metadata"):
                continue
            out = os.path.join(self.fixed, name)
            size = os.path.getsize(out)
            self.assertTrue(MIN_BYTES <= size <= MAX_BYTES, f"{name}: {size} bytes")
            im = Image.open(out)
            self.assertEqual(im.size, (960, 1280), name)
            self.assertEqual(im.mode, "RGB", name)
            self.assertEqual(tuple(round(v) for v in im.info.get("dpi", (0, 0))), (300, 300), name)
            self.assertNotIn("icc_profile", im.info, name)
            self.assertNotIn("exif", im.info, name)
            expected = expected_rendering(os.path.join(self.photos, name))
            diff = mean_difference(thumbnail(im), thumbnail(expected))
            self.assertLess(diff, 6.0, f"{name}: colours/geometry differ by {diff:.1f} levels")
            # the background (top-left corner) is still the light blue
            r, g, b = im.crop((0, 0, 80, 80)).resize((1, 1), Image.BOX).getpixel((0, 0))
            er, eg, eb = expected.resize((960, 1280), Image.BOX).crop((0, 0, 80, 80)) \
                .resize((1, 1), Image.BOX).getpixel((0, 0))
            for seen, want in ((r, er), (g, eg), (b, eb)):
                self.assertLess(abs(seen - want), 8, f"{name}: corner {(r, g, b)} vs {(er, eg, eb)}")

    def test_metadata_only_photo_keeps_its_exact_pixels(self):
        original = Image.open(os.path.join(self.photos, "0011.jpg"))
        self.assertIn("exif", original.info)
        self.assertEqual(tuple(round(v) for v in original.info.get("dpi", (0, 0))), (72, 72))
        fixed = Image.open(os.path.join(self.fixed, "0011.jpg"))
        self.assertEqual(fixed.tobytes(), original.tobytes())
        self.assertEqual(tuple(round(v) for v in fixed.info.get("dpi", (0, 0))), (300, 300))
        self.assertNotIn("exif", fixed.info)
        row = [r for r in self.doc["photos"] if r["file"] == "0011.jpg"][0]
        self.assertEqual((row["action"], row["encodes"]), ("metadata", 0))
        changed = [f for f in findings(self.doc, "fix.changed") if f["file"] == "0011.jpg"][0]
        self.assertIn("仅修改分辨率信息", changed["message"])

    def test_adobe_rgb_was_converted_not_just_stripped(self):
        raw = Image.open(os.path.join(self.photos, "0005.jpg")).convert("RGB")
        fixed = Image.open(os.path.join(self.fixed, "0005.jpg"))
        # Adobe RGB's wider gamut: the same numbers mean a different colour
        self.assertGreater(mean_difference(thumbnail(raw), thumbnail(fixed)), 3.0)

    def test_check_on_output_shows_only_what_fix_could_not_do(self):
        roster = make_roster(os.path.join(self.root, "roster.csv"), len(CASES))
        status, doc, proc = gradpack_json("check", roster, self.fixed)
        self.assertIsNotNone(doc, proc.stderr)
        errors = [(f["code"], f["seq"]) for f in doc["findings"] if f["severity"] == "error"]
        refused = {name[:4] for name, (_, o) in CASES.items() if o.startswith("fix.")}
        self.assertEqual(sorted(errors), sorted(("photo.missing", seq) for seq in refused))


def laplacian_variance(im):
    """Variance of the 3×3 Laplacian of the luma: how much fine detail is left.
    Pillow's integer kernel filter clips to 0..255, so the response is divided
    by 8 around 128 (the ±1020 range fits) and the variance scaled back."""
    luma = im.convert("L")
    kernel = ImageFilter.Kernel((3, 3), [0, 1, 0, 1, -4, 1, 0, 1, 0], scale=8, offset=128)
    edges = luma.filter(kernel).crop((1, 1, luma.width - 1, luma.height - 1))  # no border
    return ImageStat.Stat(edges).var[0] * 64


class FixDetail(GradpackTestCase):
    def test_shrinking_keeps_the_detail_of_a_lanczos_resize(self):
        """A noisy phone-sized photo shrunk to 960×1280 keeps at least 0.9 of
        the fine detail of Pillow's Lanczos-3 resize from full resolution (the
        reference is not even JPEG-compressed; fix's output must also land in
        the size window).  The Mitchell filter used before kept about 0.5."""
        photos = self.path("photos")
        os.makedirs(photos)
        source = make_photo(os.path.join(photos, "0001.jpg"), "--width", 3024, "--height", 4032,
                            "--noisy", "--quality", 92)
        status, doc, proc = gradpack_json("fix", photos, "-o", self.path("fixed"))
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        out = self.path("fixed", "0001.jpg")
        self.assertTrue(MIN_BYTES <= os.path.getsize(out) <= MAX_BYTES)
        reference = Image.open(source).convert("RGB").resize((960, 1280), Image.LANCZOS)
        ratio = laplacian_variance(Image.open(out)) / laplacian_variance(reference)
        self.assertGreaterEqual(ratio, 0.9, f"Laplacian variance {ratio:.3f} of Lanczos-3's")


class FixOptions(GradpackTestCase):
    def test_size_window_unreachable(self):
        """A window no quality can land in (here: below what quality 1 gives)
        is fix.size_window, with the closest size, and nothing is written."""
        photos = self.path("photos")
        os.makedirs(photos)
        make_photo(os.path.join(photos, "0001.jpg"), "--noisy", "--quality", 95)
        profile = self.path("tight.ini")
        with open(profile, "w", encoding="utf-8") as f:
            f.write("[profile]\ntitle = test\n[photo]\nwidth = 960\nheight = 1280\n"
                    "min_bytes = 1000\nmax_bytes = 2000\ndpi = 300\ncomponents = 3\n"
                    "bits = 8\n")
        status, doc, proc = gradpack_json("fix", photos, "-o", self.path("fixed"),
                                          "--profile", profile)
        self.assertEqual(status, 1, proc.stdout + proc.stderr)
        got = findings(doc, "fix.size_window")
        self.assertEqual(len(got), 1, doc["findings"])
        self.assertEqual(got[0]["file"], "0001.jpg")
        self.assertIn("1000–2000", got[0]["expected"])
        self.assertIn("质量 1（4:2:0）", got[0]["actual"])  # the smallest it could make
        self.assertEqual(doc["photos"][0]["action"], "failed")
        self.assertFalse(os.path.exists(self.path("fixed", "0001.jpg")))

    def test_existing_output_refused_then_forced(self):
        photos = self.path("photos")
        os.makedirs(photos)
        make_photo(os.path.join(photos, "0001.jpg"), "--dpi", 72, "--quality", 90)
        out = self.path("fixed")
        self.assertEqual(gradpack("fix", photos, "-o", out, "--quiet").returncode, 0)
        with open(os.path.join(out, "0001.jpg"), "rb") as f:
            first = f.read()
        again = gradpack("fix", photos, "-o", out)
        self.assertEqual(again.returncode, 2)
        self.assertIn("--force", again.stderr)
        self.assertEqual(gradpack("fix", photos, "-o", out, "--force").returncode, 0)
        with open(os.path.join(out, "0001.jpg"), "rb") as f:
            self.assertEqual(f.read(), first)  # deterministic
        self.assertFalse([n for n in os.listdir(out) if ".tmp-" in n])

    def test_output_must_not_be_input(self):
        photos = self.path("photos")
        os.makedirs(photos)
        make_photo(os.path.join(photos, "0001.jpg"), "--dpi", 72, "--quality", 90)
        before = tree_snapshot(photos)
        proc = gradpack("fix", photos, "-o", photos + "/.", "--force")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(tree_snapshot(photos), before)
        self.assertEqual(gradpack("fix", photos).returncode, 2)  # -o is required

    def test_crop_center(self):
        photos = self.path("photos")
        os.makedirs(photos)
        make_photo(os.path.join(photos, "0001.jpg"), "--width", 1280, "--height", 960,
                   "--quality", 90)
        status, doc, proc = gradpack_json("fix", photos, "-o", self.path("fixed"), "--crop", "center")
        self.assertEqual(status, 0, proc.stdout + proc.stderr)
        im = Image.open(self.path("fixed", "0001.jpg"))
        self.assertEqual(im.size, (960, 1280))
        self.assertEqual(gradpack("fix", photos, "-o", self.path("x"), "--crop", "left").returncode, 2)


if __name__ == "__main__":
    main()
