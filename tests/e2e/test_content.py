"""End-to-end tests of the content rules (issue 11) on the real portraits of
tests/data/faces (licence in its README).

Each case is one picture built from a portrait by a known transformation
(tests/tools/faceframe.py): reframed (scale, shift, rotation), darkened,
brightened, shaded on one side, blurred, made grey, paired with a second
person, or given a synthetic backdrop.  Expected geometry is derived from
the transformation: a shifted frame must move the measured head top and eye
line by the shift, a scaled one the face width by the scale, a rotation the
tilt by the angle, all relative to the measurement of the untouched frame.
Everything the test builds is checked in one `gradpack check` run.

photo.eyes_closed and photo.mouth_open are tested on measurements only
(tests/unit/photo/test_content.c): painting closed lids or an open mouth
onto the portrait did not move dlib's landmarks far enough (eye aspect
ratio 0.35 → 0.19–0.26, mouth 0.02 → 0.08–0.11) to make an honest case.
"""
import json
import os
import shutil
import sys
import tempfile
import unittest

import e2e_lib as e2e

sys.path.insert(0, os.path.join(e2e.SOURCE_ROOT, "tests", "tools"))
import faceframe as ff  # noqa: E402  (python3-pil)
from PIL import Image  # noqa: E402

FACES = os.path.join(e2e.SOURCE_ROOT, "tests", "data", "faces")
GEOMETRY = {"photo.head_top", "photo.eye_line", "photo.face_width", "photo.face_center",
            "photo.head_tilt"}
LIGHT = {"photo.face_exposure", "photo.face_uneven_light", "photo.blurry", "photo.not_color"}
CONTENT = GEOMETRY | LIGHT | {"photo.no_face", "photo.multiple_faces", "photo.background_color",
                              "photo.background_uneven", "photo.clothing_like_background",
                              "photo.eyes_closed", "photo.mouth_open",
                              "photo.face_rules_skipped"}

# the well-framed picture: portrait a at this face width and eye line, its
# hair bun trimmed at TRIM (the bun alone is taller than the standard's
# head-top band allows)
FACE_WIDTH, EYE_Y, TRIM = 410, 540, 150


def check(roster_rows, photo_dir, tmp, *args):
    roster = e2e.make_roster(os.path.join(tmp, "roster-%d.csv" % roster_rows), roster_rows)
    status, doc, proc = e2e.gradpack_json("check", roster, photo_dir, *args)
    if doc is None:
        raise AssertionError(proc.stderr)
    return status, doc


def measurements(doc):
    return {m["seq"]: m for m in doc.get("measurements", [])}


def seq_codes(doc, seq):
    return {f["code"] for f in doc["findings"] if f.get("seq") == seq}


class ContentRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="gp-content-")
        # 1. the sources as they are: three faces, measured
        src_dir = os.path.join(cls.tmp, "sources")
        os.makedirs(src_dir)
        for i, name in enumerate("abc"):
            shutil.copy(os.path.join(FACES, "portrait-%s.jpg" % name),
                        os.path.join(src_dir, "%04d.jpg" % (i + 1)))
        cls.src_status, cls.src_doc = check(3, src_dir, cls.tmp)
        skipped = e2e.findings(cls.src_doc, "photo.face_rules_skipped")
        if skipped and skipped[0]["severity"] == "info":
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise unittest.SkipTest("built with -Dface=disabled: " + skipped[0]["message"])
        cls.src = measurements(cls.src_doc)
        m = cls.src["0001"]
        a = Image.open(os.path.join(FACES, "portrait-a.jpg")).convert("RGB")

        def frame(face_width=FACE_WIDTH, eye_y=EYE_Y, face_x=480, angle=0.0, backdrop=None,
                  gradient=None, trim=True):
            fr = ff.frame_for(m, face_width, eye_y, face_x, angle)
            img = ff.replace_backdrop(ff.render(a, fr), ff.face_box(m, fr), backdrop, gradient)
            if trim:
                # the cut is a row of the source, so it moves and scales with
                # the frame like the rest of the head
                cut = m["eye_line"] - (EYE_Y - TRIM) * m["face_width"] / FACE_WIDTH
                img = ff.trim_above(img, fr.forward(m["face_center_x"], cut)[1],
                                    backdrop or ff.LIGHT_BLUE)
            return img, fr

        cls.frame = staticmethod(frame)
        base, cls.base_frame = frame()
        cls.box = ff.face_box(m, cls.base_frame)
        chin = cls.box[3]
        cases = {
            "0001": base,
            "0002": frame(eye_y=EYE_Y - 100)[0],              # head top 100 px higher
            "0003": frame(eye_y=EYE_Y + 100)[0],              # eyes 100 px lower
            "0004": frame(face_width=FACE_WIDTH * 0.75)[0],   # face 25 % smaller
            "0005": frame(face_x=480 + 96)[0],                # face 10 % of the width right
            "0006": frame(angle=10)[0],                       # rolled 10° clockwise
            "0007": ff.darken(base, 0.35),
            "0008": ff.darken(base, 1.9),
            "0009": ff.shade_half(base, cls.box, 0.4),
            "0010": ff.blur(base, 6),
            "0011": ff.greyscale(base),
            "0012": frame(backdrop=(205, 120, 60))[0],        # orange backdrop
            # light blue fading to dark blue (the bun kept: no flat strip on top)
            "0013": frame(gradient=((100, 197, 255), (20, 50, 110)), trim=False)[0],
            "0014": ff.paint_clothing(base, chin + 0.25 * (cls.box[3] - cls.box[1]),
                                      ff.LIGHT_BLUE),
            "0015": ff.blur(base, 2),                          # slightly soft: still sharp
        }
        # two people side by side, each half the size
        pair = Image.new("RGB", (960, 1280), ff.LIGHT_BLUE)
        small = base.resize((480, 640), Image.LANCZOS)
        pair.paste(small, (0, 320))
        pair.paste(small, (480, 320))
        cases["0016"] = pair
        # no face: the backdrop and the clothes only
        cases["0017"] = base.crop((0, 880, 960, 1280)).resize((960, 1280))
        cls.photo_dir = os.path.join(cls.tmp, "photos")
        os.makedirs(cls.photo_dir)
        for seq, img in cases.items():
            img.save(os.path.join(cls.photo_dir, seq + ".jpg"), quality=92, dpi=(300, 300))
        cls.status, cls.doc = check(len(cases), cls.photo_dir, cls.tmp)
        cls.m = measurements(cls.doc)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def codes(self, seq):
        return seq_codes(self.doc, seq)

    def assertFires(self, seq, code):
        self.assertIn(code, self.codes(seq), "%s: %s" % (seq, sorted(self.codes(seq))))

    # ---- the real portraits as they are ---------------------------------

    def test_sources_each_have_one_face(self):
        for seq in ("0001", "0002", "0003"):
            self.assertNotIn("photo.no_face", seq_codes(self.src_doc, seq))
            self.assertNotIn("photo.multiple_faces", seq_codes(self.src_doc, seq))
            self.assertIn("face_width", self.src[seq])

    def test_sources_busy_backdrops_are_named(self):
        # b: a street, c: a room behind the person
        for seq in ("0002", "0003"):
            self.assertIn("photo.background_uneven", seq_codes(self.src_doc, seq))

    def test_face_rules_ran(self):
        self.assertNotIn("photo.face_rules_skipped", e2e.codes(self.doc))

    # ---- the well-framed portrait --------------------------------------

    def test_well_framed_portrait_passes(self):
        got = self.codes("0001") & CONTENT
        self.assertEqual(got, set(), "well-framed portrait: %s" % sorted(got))
        m = self.m["0001"]
        self.assertAlmostEqual(m["head_top"], TRIM, delta=8)
        self.assertAlmostEqual(m["eye_line"], EYE_Y, delta=6)
        self.assertAlmostEqual(m["face_center_x"], 480, delta=8)
        self.assertAlmostEqual(m["face_width"], FACE_WIDTH, delta=FACE_WIDTH * 0.05)
        self.assertLess(abs(m["tilt_deg"]), 1.5)

    def test_measurements_and_bands_in_json(self):
        m = self.m["0001"]
        for key in ("image_width", "image_height", "face_left", "face_top", "face_right",
                    "face_bottom", "eye_left_x", "eye_left_y", "eye_right_x", "eye_right_y",
                    "eye_line", "face_width", "face_center_x", "tilt_deg", "head_top",
                    "background_L", "background_a", "background_b", "background_spread",
                    "face_luminance", "face_clipped", "face_lr_ratio", "sharpness",
                    "saturation", "head_top_min", "head_top_max", "eye_line_min",
                    "eye_line_max", "face_width_min", "face_width_max"):
            self.assertIn(key, m)
        # the standard's 480×640 bands scaled to 960×1280
        self.assertEqual((m["head_top_min"], m["head_top_max"]), (100, 220))
        self.assertEqual((m["eye_line_min"], m["eye_line_max"]), (400, 600))
        self.assertEqual((m["face_width_min"], m["face_width_max"]), (360, 600))

    # ---- geometry, relative to the well-framed measurement ---------------

    def test_head_top_moves_with_the_frame(self):
        self.assertAlmostEqual(self.m["0002"]["head_top"], self.m["0001"]["head_top"] - 100,
                               delta=8)
        self.assertFires("0002", "photo.head_top")
        f = e2e.findings(self.doc, "photo.head_top")[0]
        self.assertIn("像素", f["actual"])
        self.assertEqual(f["expected"], "100–220 像素")
        self.assertIn("多留约", f["message"])

    def test_eye_line_moves_with_the_frame(self):
        self.assertAlmostEqual(self.m["0003"]["eye_line"], self.m["0001"]["eye_line"] + 100,
                               delta=6)
        self.assertFires("0003", "photo.eye_line")

    def test_face_width_scales_with_the_frame(self):
        self.assertAlmostEqual(self.m["0004"]["face_width"], self.m["0001"]["face_width"] * 0.75,
                               delta=self.m["0001"]["face_width"] * 0.04)
        self.assertFires("0004", "photo.face_width")

    def test_face_center_moves_with_the_frame(self):
        self.assertAlmostEqual(self.m["0005"]["face_center_x"],
                               self.m["0001"]["face_center_x"] + 96, delta=6)
        self.assertFires("0005", "photo.face_center")
        self.assertNotIn("photo.face_center", self.codes("0001"))

    def test_tilt_follows_the_rotation(self):
        self.assertAlmostEqual(self.m["0006"]["tilt_deg"], self.m["0001"]["tilt_deg"] + 10,
                               delta=1.5)
        self.assertFires("0006", "photo.head_tilt")

    # ---- light and focus ---------------------------------------------------

    def test_dark_face(self):
        self.assertFires("0007", "photo.face_exposure")
        self.assertLess(self.m["0007"]["face_luminance"], self.m["0001"]["face_luminance"])

    def test_washed_out_face(self):
        self.assertFires("0008", "photo.face_exposure")

    def test_uneven_light(self):
        self.assertFires("0009", "photo.face_uneven_light")
        self.assertNotIn("photo.face_uneven_light", self.codes("0001"))

    def test_blur(self):
        self.assertFires("0010", "photo.blurry")
        self.assertNotIn("photo.blurry", self.codes("0015"))
        self.assertLess(self.m["0010"]["sharpness"], self.m["0015"]["sharpness"])
        self.assertLess(self.m["0015"]["sharpness"], self.m["0001"]["sharpness"])

    def test_grey_picture(self):
        self.assertFires("0011", "photo.not_color")
        self.assertNotIn("photo.not_color", self.codes("0001"))

    # ---- backdrop and clothing ---------------------------------------------

    def test_wrong_backdrop_colour(self):
        self.assertFires("0012", "photo.background_color")
        f = [f for f in e2e.findings(self.doc, "photo.background_color") if f["seq"] == "0012"][0]
        self.assertIn("ΔE2000", f["actual"])
        self.assertIn("浅蓝", f["expected"])

    def test_gradient_backdrop(self):
        self.assertFires("0013", "photo.background_uneven")
        self.assertNotIn("photo.background_uneven", self.codes("0001"))

    def test_clothing_like_backdrop(self):
        self.assertFires("0014", "photo.clothing_like_background")
        self.assertNotIn("photo.clothing_like_background", self.codes("0001"))

    # ---- faces ----------------------------------------------------------------

    def test_two_people(self):
        self.assertFires("0016", "photo.multiple_faces")

    def test_no_face(self):
        self.assertFires("0017", "photo.no_face")

    def test_content_findings_are_warnings(self):
        for f in self.doc["findings"]:
            if f["code"] in CONTENT:
                self.assertEqual(f["severity"], "warning", f)

    def test_profile_raises_a_code_to_error(self):
        profile = os.path.join(self.tmp, "strict.ini")
        with open(os.path.join(e2e.SOURCE_ROOT, "templates", "profiles", "generic.ini"),
                  encoding="utf-8") as f:
            text = f.read()
        with open(profile, "w", encoding="utf-8") as f:
            f.write(text + "\n[severity]\nphoto.head_top = error\n")
        shutil.copy(os.path.join(e2e.SOURCE_ROOT, "templates", "roster-fields.ini"), self.tmp)
        one = os.path.join(self.tmp, "one")
        os.makedirs(one, exist_ok=True)
        shutil.copy(os.path.join(self.photo_dir, "0002.jpg"), os.path.join(one, "0001.jpg"))
        status, doc = check(1, one, self.tmp, "--profile", profile)
        head = e2e.findings(doc, "photo.head_top")
        self.assertTrue(head)
        self.assertEqual(head[0]["severity"], "error")
        self.assertEqual(status, 1)

    def test_missing_model_is_one_error(self):
        status, doc = check(17, self.photo_dir, self.tmp, "--face-model",
                            os.path.join(self.tmp, "no-such-model.dat"))
        skipped = e2e.findings(doc, "photo.face_rules_skipped")
        self.assertEqual(len(skipped), 1)
        self.assertEqual(skipped[0]["severity"], "error")
        self.assertIn("no-such-model.dat", skipped[0]["message"])
        self.assertFalse(e2e.codes(doc) & GEOMETRY)
        self.assertEqual(status, 1)

    def test_model_that_is_not_a_file_is_one_error(self):
        # a FIFO would block the open forever; a directory, an empty or a
        # truncated file cannot be deserialised: each one error, no hang
        fifo = os.path.join(self.tmp, "model-fifo.dat")
        os.mkfifo(fifo)
        folder = os.path.join(self.tmp, "model-dir.dat")
        os.makedirs(folder, exist_ok=True)
        empty = os.path.join(self.tmp, "model-empty.dat")
        open(empty, "wb").close()
        truncated = os.path.join(self.tmp, "model-truncated.dat")
        with open(truncated, "wb") as f:
            f.write(b"\x00\x01\x02" * 300)
        for model in (fifo, folder, empty, truncated):
            with self.subTest(model=os.path.basename(model)):
                roster = e2e.make_roster(os.path.join(self.tmp, "roster-1.csv"), 1)
                one = os.path.join(self.tmp, "one-model")
                os.makedirs(one, exist_ok=True)
                shutil.copy(os.path.join(self.photo_dir, "0002.jpg"), os.path.join(one, "0001.jpg"))
                proc = e2e.gradpack("check", roster, one, "--face-model", model, "--format",
                                    "json", timeout=60)
                doc = json.loads(proc.stdout)
                skipped = e2e.findings(doc, "photo.face_rules_skipped")
                self.assertEqual(len(skipped), 1)
                self.assertIn(os.path.basename(model), skipped[0]["message"])
                self.assertEqual(proc.returncode, 1)


if __name__ == "__main__":
    e2e.main()
