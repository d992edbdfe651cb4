"""Build photos of known geometry from the real portraits (tests/data/faces),
for the content rules' tests and the samples.

Every geometric figure a test expects is derived from the transformation
applied here (scale, shift, rotation) and the source portrait's own
measurement, never hard-coded: `frame` maps the source's eye midpoint to a
chosen point at a chosen scale and angle, and `expected` maps the source's
measurements through the same transformation.

Python 3 with PIL only (Debian python3-pil), so it runs where the tests run.

CLI (used by samples/make-samples.sh):
  faceframe.py sample SRC OUT --measure JSON --seq SEQ [--face-width W]
      [--eye-y Y] [--backdrop R,G,B] [--bytes MIN-MAX] [--shift DX]
"""
import argparse
import io
import json
import math
import sys

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter

WIDTH, HEIGHT = 960, 1280
LIGHT_BLUE = (100, 197, 255)


def eye_mid(m):
    return ((m["eye_left_x"] + m["eye_right_x"]) / 2, (m["eye_left_y"] + m["eye_right_y"]) / 2)


class Frame:
    """Output pixel (u, v) = T(source pixel (x, y)): rotate by `angle`
    degrees (clockwise, as on screen, y down) about the source eye midpoint,
    scale by `scale`, and put the eye midpoint at (eye_x, eye_y)."""

    def __init__(self, m, scale, eye_x, eye_y, angle=0.0):
        self.m, self.scale, self.eye_x, self.eye_y = m, scale, eye_x, eye_y
        # level the source first: its own tilt is undone
        self.angle = angle - m["tilt_deg"]
        self.ex, self.ey = eye_mid(m)

    def forward(self, x, y):
        a = math.radians(self.angle)
        dx, dy = (x - self.ex) * self.scale, (y - self.ey) * self.scale
        return (self.eye_x + dx * math.cos(a) - dy * math.sin(a),
                self.eye_y + dx * math.sin(a) + dy * math.cos(a))

    def inverse_coefficients(self):
        # PIL's AFFINE data maps output (u, v) to input (x, y)
        a = math.radians(self.angle)
        c, s, k = math.cos(a), math.sin(a), 1.0 / self.scale
        # x = ex + k*( c*(u-eu) + s*(v-ev)), y = ey + k*(-s*(u-eu) + c*(v-ev))
        return (k * c, k * s, self.ex - k * (c * self.eye_x + s * self.eye_y),
                -k * s, k * c, self.ey - k * (-s * self.eye_x + c * self.eye_y))


def fill_colour(src):
    """The colour of the source's top-left corner, to fill beyond its edges."""
    return src.crop((0, 0, 8, 8)).resize((1, 1), Image.BOX).getpixel((0, 0))


def render(src, frame, size=(WIDTH, HEIGHT), fill=None):
    return src.transform(size, Image.AFFINE, frame.inverse_coefficients(),
                         resample=Image.BICUBIC,
                         fillcolor=fill if fill is not None else fill_colour(src))


def frame_for(m, face_width, eye_y, face_x=WIDTH / 2, angle=0.0):
    """A frame giving this face width, eye line and face centre (output)."""
    scale = face_width / m["face_width"]
    ex, _ = eye_mid(m)
    # the face centre sits (ex - face_center_x) from the eye midpoint
    eye_x = face_x + (ex - m["face_center_x"]) * scale
    return Frame(m, scale, eye_x, eye_y, angle)


def expected(m, frame):
    """The source's measurements mapped through the frame.  The picture
    comes out turned by `angle` (the source's own tilt undone); positions
    along y are exact for a level output (angle 0)."""
    ex, ey = eye_mid(m)
    e = {
        "face_width": m["face_width"] * frame.scale,
        "eye_line": frame.eye_y,
        "face_center_x": frame.forward(m["face_center_x"], ey)[0],
        "tilt_deg": frame.angle + m["tilt_deg"],
    }
    if "head_top" in m:
        e["head_top"] = frame.eye_y - (ey - m["head_top"]) * frame.scale
    return e


def backdrop_mask(img, protect=None, threshold=12):
    """Pixels of a plain backdrop: close to the colour of the left and right
    edge strips of their own row (so a gradient stays backdrop).  `protect`
    (a box) is never backdrop: the face.  Returns an 'L' mask (255 =
    backdrop)."""
    w, h = img.size
    strip = max(4, w // 40)
    left = img.crop((0, 0, strip, h)).resize((1, h), Image.BOX)
    right = img.crop((w - strip, 0, w, h)).resize((1, h), Image.BOX)
    # a reference picture: each row blends from its left to its right strip
    ref = Image.new("RGB", (2, h))
    ref.paste(left, (0, 0))
    ref.paste(right, (1, 0))
    ref = ref.resize((w, h), Image.BILINEAR)
    diff = ImageChops.difference(img, ref).convert("L")
    close = diff.point(lambda d: 255 if d < threshold else 0)
    # specks inside clothes and skin are not backdrop: open the mask
    close = close.filter(ImageFilter.MinFilter(5)).filter(ImageFilter.MaxFilter(5))
    if protect:
        ImageDraw.Draw(close).rectangle([int(v) for v in protect], fill=0)
    # backdrop is what is joined to the picture's top corners; above the
    # chin (protect's bottom) enclosed patches count too (between hair
    # strands), below it they are clothes
    filled = close.copy()
    for seed in ((0, 0), (w - 1, 0), (0, h // 4), (w - 1, h // 4)):
        if filled.getpixel(seed) == 255:
            ImageDraw.floodfill(filled, seed, 128)
    mask = filled.point(lambda v: 255 if v == 128 else 0)
    if protect:
        above = Image.new("L", (w, h), 0)
        ImageDraw.Draw(above).rectangle((0, 0, w, int(protect[3])), fill=255)
        mask = ImageChops.lighter(mask, ImageChops.multiply(close, above))
    # soften the edge a little so hair does not look cut out
    return mask.filter(ImageFilter.GaussianBlur(1.2))


def face_box(m, frame=None, margin=0.15):
    """The face (landmark box, a margin around it), in output pixels when a
    frame is given."""
    box = [m["face_left"], m["face_top"], m["face_right"], m["face_bottom"]]
    w, h = box[2] - box[0], box[3] - box[1]
    box = [box[0] + margin * w, box[1] - margin * h, box[2] - margin * w, box[3] + margin * h]
    if frame:
        xs, ys = zip(*(frame.forward(x, y) for x in box[0::2] for y in box[1::2]))
        box = [min(xs), min(ys), max(xs), max(ys)]
    return box


def replace_backdrop(img, protect=None, colour=None, gradient=None):
    """Replace a plain backdrop by a colour, or by a vertical gradient
    between two colours (gradient=(top, bottom))."""
    mask = backdrop_mask(img, protect)
    w, h = img.size
    if gradient:
        top, bottom = gradient
        col = Image.new("RGB", (1, h))
        for y in range(h):
            t = y / (h - 1)
            col.putpixel((0, y), tuple(round(a + t * (b - a)) for a, b in zip(top, bottom)))
        back = col.resize((w, h))
    else:
        back = Image.new("RGB", (w, h), colour or LIGHT_BLUE)
    return Image.composite(back, img, mask)


def darken(img, factor):
    return ImageEnhance.Brightness(img).enhance(factor)


def greyscale(img):
    return img.convert("L").convert("RGB")


def blur(img, radius):
    return img.filter(ImageFilter.GaussianBlur(radius))


def shade_half(img, box, factor):
    """Darken the right half of the face box (阴阳脸), left of it untouched."""
    w, h = img.size
    x = int((box[0] + box[2]) / 2)
    dark = ImageEnhance.Brightness(img).enhance(factor)
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rectangle((x, int(box[1]), int(box[2]), int(box[3])), fill=255)
    return Image.composite(dark, img, mask.filter(ImageFilter.GaussianBlur(3)))


def trim_above(img, y, colour=LIGHT_BLUE):
    """Everything above row y becomes backdrop: a hair bun above it is
    cut away, so the head top is at y."""
    out = img.copy()
    ImageDraw.Draw(out).rectangle((0, 0, img.size[0], int(y) - 1), fill=colour)
    return out


def paint_clothing(img, chin_y, colour):
    """Paint the body below the chin (everything not backdrop below it) in
    the backdrop's colour, with a little texture: clothes like the
    backdrop."""
    w, h = img.size
    mask = backdrop_mask(img).point(lambda v: 0 if v > 128 else 255)
    below = Image.new("L", (w, h), 0)
    ImageDraw.Draw(below).rectangle((0, int(chin_y), w, h), fill=255)
    mask = ImageChops.multiply(mask, below)
    cloth = Image.new("RGB", (w, h), colour)
    noise = Image.effect_noise((w, h), 6).convert("RGB")
    cloth = ImageChops.add(cloth, noise, 1.0, -128)
    return Image.composite(cloth, img, mask)


def jpeg_bytes(img, quality=92, dpi=300):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, dpi=(dpi, dpi), subsampling=0, optimize=True)
    return out.getvalue()


def jpeg_in_window(img, low, high, dpi=300):
    """The JPEG (300 dpi) whose size falls in [low, high]: quality searched;
    when even the best quality is too small, a faint grain (±2 levels, as
    film grain) is added until it fits."""
    grain = 0
    while grain <= 8:
        work = img
        if grain:
            noise = Image.effect_noise(img.size, grain).convert("RGB")
            work = ImageChops.add(img, noise, 1.0, -128)
        lo, hi = 60, 98
        best = None
        while lo <= hi:
            q = (lo + hi) // 2
            data = jpeg_bytes(work, q, dpi)
            if len(data) < low:
                lo = q + 1
            elif len(data) > high:
                hi = q - 1
            else:
                return data
            best = data
        if best is not None and len(best) > high:
            raise ValueError("cannot get below %d bytes" % high)
        grain += 2
    raise ValueError("cannot reach %d bytes" % low)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("src")
    s.add_argument("out")
    s.add_argument("--measure", required=True, help="gradpack check --format json of the sources")
    s.add_argument("--seq", required=True, help="the source's photo number in that report")
    s.add_argument("--face-width", type=float, default=450)
    s.add_argument("--eye-y", type=float, default=500)
    s.add_argument("--shift", type=float, default=0)
    s.add_argument("--backdrop", default=None, help="R,G,B: replace a plain backdrop")
    s.add_argument("--bytes", default="563200-665600")
    a = ap.parse_args(argv)
    report = json.load(open(a.measure, encoding="utf-8"))
    m = next(r for r in report["measurements"] if r["seq"] == a.seq)
    src = Image.open(a.src).convert("RGB")
    frame = frame_for(m, a.face_width, a.eye_y, WIDTH / 2 + a.shift)
    img = render(src, frame)
    if a.backdrop:
        img = replace_backdrop(img, face_box(m, frame),
                               tuple(int(v) for v in a.backdrop.split(",")))
    low, high = (int(v) for v in a.bytes.split("-"))
    data = jpeg_in_window(img, low, high)
    with open(a.out, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
