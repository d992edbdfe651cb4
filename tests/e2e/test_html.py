"""End-to-end tests of --html: the page each command writes, read back with
Python's html.parser, and rendered by a real browser (Debian's chromium,
headless) when one is installed.

The defect folder: seven roster rows (row 3's name is "<script>alert(1)</script>",
row 4's ID has a wrong check digit) and photos 0001–0005 plus 0009, where
0002 is at 72 dpi and rotated by an Exif tag, 0003 is truncated, 0004 is
CMYK, 0005 is 3024×4032; 0006 and 0007 have no photo and 0009 no row.
"""
import html.parser
import os
import shutil
import stat
import subprocess
import tempfile

from e2e_lib import (GradpackTestCase, gradpack, make_photo, make_photos, make_roster, main,
                     run)

EVIL = "<script>alert(1)</script>"

DEFECT_VERDICTS = {"0001": "pass", "0002": "error", "0003": "error", "0004": "error",
                   "0005": "error", "0006": "error", "0007": "error", "0009": "error"}


class Page(html.parser.HTMLParser):
    """What a clerk sees: the cards (data-seq, verdict class, texts), the
    elements used, and the text of every <dd>."""

    VERDICTS = ("pass", "warn", "error")

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.cards = []       # [{seq, verdict, imgs, text}]
        self.tags = {}
        self.dd = []
        self._in_dd = None
        self._card_depth = None
        self._depth = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in ("img", "input", "br", "meta", "rect", "line"):
            self._depth += 1
        classes = (a.get("class") or "").split()
        if tag == "article" and "card" in classes:
            verdicts = [c for c in classes if c in self.VERDICTS]
            self.cards.append({"seq": a.get("data-seq"), "verdict": verdicts, "imgs": 0,
                               "text": ""})
            self._card_depth = self._depth
        if tag == "img" and self._card_depth is not None:
            self.cards[-1]["imgs"] += 1
            assert a["src"].startswith("data:image/jpeg;base64,"), a["src"][:40]
        if tag == "dd":
            self._in_dd = ""

    def handle_endtag(self, tag):
        if tag == "dd" and self._in_dd is not None:
            self.dd.append(self._in_dd)
            self._in_dd = None
        if tag == "article" and self._card_depth == self._depth:
            self._card_depth = None
        if tag not in ("img", "input", "br", "meta", "rect", "line"):
            self._depth -= 1

    def handle_data(self, data):
        if self._in_dd is not None:
            self._in_dd += data
        if self._card_depth is not None:
            self.cards[-1]["text"] += data

    def verdicts(self):
        return {c["seq"]: (c["verdict"][0] if len(c["verdict"]) == 1 else c["verdict"])
                for c in self.cards}


def read_page(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, Page(text)


def make_defect_folder(root):
    """The folder described at the top; returns (roster, photos, ids by seq)."""
    os.makedirs(root, exist_ok=True)
    roster = make_roster(os.path.join(root, "roster.csv"), 7, "--seed", "7")
    with open(roster, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    header = lines[0].split(",")
    name_col, id_col = header.index("姓名"), header.index("身份证号")
    rows = [line.split(",") for line in lines[1:]]
    rows[1][name_col] = EVIL
    last = rows[2][id_col][-1]
    rows[2][id_col] = rows[2][id_col][:-1] + ("1" if last == "0" else "0")
    with open(roster, "w", encoding="utf-8") as f:
        f.write("\n".join([lines[0]] + [",".join(r) for r in rows]) + "\n")
    photos = make_photos(os.path.join(root, "photos"), 5)
    make_photo(os.path.join(photos, "0002.jpg"), "--seed", "2", "--dpi", "72", "--orientation", "6")
    make_photo(os.path.join(photos, "0003.jpg"), "--seed", "3", "--truncate", "20000")
    make_photo(os.path.join(photos, "0004.jpg"), "--seed", "4", "--cmyk")
    make_photo(os.path.join(photos, "0005.jpg"), "--seed", "5", "--width", "3024", "--height",
               "4032", "--quality", "95")
    make_photo(os.path.join(photos, "0009.jpg"), "--seed", "9")
    return roster, photos, {r[0]: r[id_col] for r in rows}


def masked(id_number):
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


class HtmlPageTest(GradpackTestCase):

    def test_check_page_of_a_folder_with_defects(self):
        roster, photos, ids = make_defect_folder(self.path("d"))
        out = self.path("检查报告.html")
        proc = gradpack("check", roster, photos, "--html", out)
        self.assertEqual(proc.returncode, 1, proc.stderr)  # the findings decide the status
        self.assertIn("结论：有错误", proc.stdout)
        text, page = read_page(out)
        self.assertEqual(page.verdicts(), DEFECT_VERDICTS)
        self.assertEqual([c["seq"] for c in page.cards], sorted(DEFECT_VERDICTS))
        by_seq = {c["seq"]: c for c in page.cards}
        # photos with a decodable picture have a thumbnail; the rest say why not
        self.assertEqual({s: c["imgs"] for s, c in by_seq.items()},
                         {"0001": 1, "0002": 1, "0003": 0, "0004": 1, "0005": 1, "0006": 0,
                          "0007": 0, "0009": 1})
        self.assertIn("照片无法解码", by_seq["0003"]["text"])
        self.assertIn("没有照片", by_seq["0006"]["text"])
        self.assertIn("照片分辨率", by_seq["0002"]["text"])
        self.assertIn("照片没有对应的学生", by_seq["0009"]["text"])
        # the evil name is text, not a script
        self.assertNotIn("script", page.tags)
        self.assertIn(EVIL, page.dd)
        # IDs masked, except the one a finding is about (row 4, 0003)
        for seq, id_number in ids.items():
            if seq == "0003":
                self.assertIn(id_number, text)
            else:
                self.assertNotIn(id_number, text, seq)
                self.assertIn(masked(id_number), page.dd)
        self.assertIn("请勿转发", text)
        self.assertIn("花名册的问题", text)
        for external in ("http://", "https://", "<link", "<script"):
            self.assertNotIn(external, text)
        # the same report gives the same bytes
        again = self.path("again.html")
        gradpack("check", roster, photos, "--html", again)
        with open(out, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_pack_page_has_the_workbooks_permissions(self):
        roster, photos = self.make_station(4)
        out = self.path("out")
        page_path = os.path.join(out, "打包报告.html")
        os.makedirs(out)
        proc = gradpack("pack", roster, photos, "-o", out, "--html", page_path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        text, page = read_page(page_path)
        self.assertEqual(page.verdicts(), {f"{i:04d}": "pass" for i in range(1, 5)})
        self.assertTrue(all(c["imgs"] == 1 for c in page.cards))
        workbook = [n for n in os.listdir(out) if n.endswith(".xlsx")][0]
        mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)
        self.assertEqual(mode(page_path), mode(os.path.join(out, workbook)))
        self.assertIn("打包检查报告", text)
        self.assertFalse([n for n in os.listdir(out) if ".tmp-" in n])

    def test_fix_page_shows_before_and_after(self):
        photos = make_photos(self.path("photos"), 2)
        make_photo(os.path.join(photos, "0002.jpg"), "--seed", "2", "--width", "1920",
                   "--height", "2560")
        out = self.path("修正报告.html")
        proc = gradpack("fix", photos, "-o", self.path("fixed"), "--html", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        text, page = read_page(out)
        by_seq = {c["seq"]: c for c in page.cards}
        self.assertEqual(set(by_seq), {"0001", "0002"})
        self.assertEqual(by_seq["0001"]["imgs"], 1)   # copied as it was: one picture
        self.assertEqual(by_seq["0002"]["imgs"], 2)   # resized: before → after
        self.assertIn("修正后", by_seq["0002"]["text"])
        self.assertIn("已修正", by_seq["0002"]["text"])

    def test_verify_and_merge_pages_group_cards_by_bundle(self):
        for name, rows in (("a", 3), ("b", 2)):
            roster, photos = self.make_station(rows, name=name)
            proc = gradpack("pack", roster, photos, "-o", self.path("inbox"), "--name",
                            f"站{name}")
            self.assertEqual(proc.returncode, 0, proc.stderr)
        zips = sorted(os.path.join(self.path("inbox"), n) for n in os.listdir(self.path("inbox"))
                      if n.endswith(".zip"))
        out = self.path("核验报告.html")
        proc = gradpack("verify", *zips, "--html", out)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        text, page = read_page(out)
        self.assertEqual(len(page.cards), 5)
        self.assertTrue(all(c["imgs"] == 1 for c in page.cards))
        self.assertIn("站a.zip", text)
        self.assertIn("站b.zip", text)
        self.assertEqual(page.tags.get("h3"), 2)  # one heading per bundle
        merged = self.path("汇总报告.html")
        proc = gradpack("merge", self.path("inbox"), "-o", self.path("out"), "--html", merged)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        _, page = read_page(merged)
        self.assertEqual(len(page.cards), 5)

    def test_unwritable_page_is_an_error_after_the_report(self):
        roster, photos = self.make_station(2)
        proc = gradpack("check", roster, photos, "--html", self.path("no", "such", "x.html"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("全部符合要求", proc.stdout)
        self.assertIn("x.html", proc.stderr)


def find_browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserTest(GradpackTestCase):
    """The page as Chromium renders it: a screenshot that is not blank, and
    the DOM after parsing with one card per photo and the verdict classes."""

    def setUp(self):
        super().setUp()
        self.browser = find_browser()
        if not self.browser:
            self.skipTest("no browser found (chromium): scripts/install-deps.sh installs it")

    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="gp-chromium-")
        self.addCleanup(shutil.rmtree, profile, ignore_errors=True)
        return run([self.browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--hide-scrollbars",
                    f"--user-data-dir={profile}", *args], timeout=120)

    def render(self, page_path, expected):
        shot = page_path + ".png"
        proc = self.chromium("--window-size=1200,1600", f"--screenshot={shot}",
                             "file://" + page_path)
        self.assertTrue(os.path.exists(shot), proc.stderr[-2000:])
        from PIL import Image, ImageStat
        with Image.open(shot) as img:
            rgb = img.convert("RGB")
            self.assertEqual(rgb.size, (1200, 1600))
            colours = rgb.getcolors(maxcolors=1 << 20)
            self.assertGreater(len(colours), 1000, "the screenshot is (nearly) blank")
            spread = ImageStat.Stat(rgb.convert("L")).stddev[0]
            self.assertGreater(spread, 20, "the screenshot has no contrast")
            if any(v == "error" for v in expected.values()):
                # the error badge's red is on screen
                red = sum(n for n, (r, g, b) in colours if r > 160 and g < 60 and b < 60)
                self.assertGreater(red, 100, "no error colour on screen")
        proc = self.chromium("--dump-dom", "file://" + page_path)
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        dom = Page(proc.stdout)
        self.assertEqual(dom.verdicts(), expected)

    def test_samples_page(self):
        samples = os.path.join(os.environ.get("SOURCE_ROOT", "."), "samples")
        out = self.path("samples.html")
        proc = gradpack("check", os.path.join(samples, "roster.csv"),
                        os.path.join(samples, "photos"), "--html", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.render(out, {f"{i:04d}": "pass" for i in range(1, 7)})

    def test_defects_page(self):
        roster, photos, _ = make_defect_folder(self.path("d"))
        out = self.path("defects.html")
        gradpack("check", roster, photos, "--html", out)
        self.render(out, DEFECT_VERDICTS)

    def test_only_problems_filter_hides_passed_cards(self):
        """The switch is CSS only: with the second radio button checked the
        browser hides every passed card.  A copy of the page gets the radio
        checked and a probe script (the page itself has none) that writes how
        many cards are displayed into the DOM that --dump-dom prints."""
        roster, photos, _ = make_defect_folder(self.path("d"))
        out = self.path("defects.html")
        gradpack("check", roster, photos, "--html", out)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        probe = ("<script>document.body.setAttribute('data-shown', [...document.querySelectorAll"
                 "('article.card')].filter(c => getComputedStyle(c).display != 'none')"
                 ".map(c => c.dataset.seq).join(' '))</script></body>")
        shown = {}
        for which in ("show-all", "show-problems"):
            copy = text.replace(' id="show-all" checked>', ' id="show-all">')
            copy = copy.replace(f' id="{which}">', f' id="{which}" checked>')
            copy = copy.replace("</body>", probe)
            path = self.path(f"{which}.html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(copy)
            proc = self.chromium("--dump-dom", "file://" + path)
            marker = 'data-shown="'
            start = proc.stdout.index(marker) + len(marker)
            shown[which] = proc.stdout[start:proc.stdout.index('"', start)].split()
        self.assertEqual(shown["show-all"], sorted(DEFECT_VERDICTS))
        self.assertEqual(shown["show-problems"],
                         sorted(s for s, v in DEFECT_VERDICTS.items() if v != "pass"))


if __name__ == "__main__":
    main()
