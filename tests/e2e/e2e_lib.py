"""Shared helpers for gradpack's end-to-end tests (Python unittest).

The tests run the real CLI on inputs generated on the spot by the tools in
tests/tools (photogen, rostergen).  Paths come from the environment that
tests/e2e/meson.build sets: GRADPACK, PHOTOGEN, ROSTERGEN, SOURCE_ROOT.
Every test works inside its own temporary directory, removed afterwards.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

GRADPACK = os.environ.get("GRADPACK", "gradpack")
PHOTOGEN = os.environ.get("PHOTOGEN", "photogen")
ROSTERGEN = os.environ.get("ROSTERGEN", "rostergen")
SOURCE_ROOT = os.environ.get("SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def run(args, *, cwd=None, env=None, timeout=300, stdin=subprocess.DEVNULL):
    """Run a command; return CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(args, cwd=cwd, env=full_env, timeout=timeout, stdin=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, errors="replace")


def gradpack(*args, **kw):
    return run([GRADPACK, *map(str, args)], **kw)


def gradpack_json(*args, **kw):
    """Run gradpack with --format json; return (exit status, parsed document)."""
    proc = gradpack(*args, "--format", "json", **kw)
    try:
        doc = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError as exc:
        raise AssertionError(f"gradpack printed invalid JSON ({exc}):\n{proc.stdout[:2000]}\n{proc.stderr}")
    return proc.returncode, doc, proc


def codes(doc, severity=None):
    """The set of finding codes in a JSON report."""
    return {f["code"] for f in doc["findings"] if severity is None or f["severity"] == severity}


def findings(doc, code):
    return [f for f in doc["findings"] if f["code"] == code]


def make_roster(path, n, *extra):
    proc = run([ROSTERGEN, str(n), *map(str, extra)])
    if proc.returncode != 0:
        raise AssertionError(f"rostergen failed: {proc.stderr}")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(proc.stdout)
    return path


def make_photos(directory, n, start=1, *extra):
    os.makedirs(directory, exist_ok=True)
    proc = run([PHOTOGEN, "--batch", str(directory), str(n), "--start", str(start), *map(str, extra)])
    if proc.returncode != 0:
        raise AssertionError(f"photogen --batch failed: {proc.stderr}")
    return directory


def make_photo(path, *flags):
    proc = run([PHOTOGEN, str(path), *map(str, flags)])
    if proc.returncode != 0:
        raise AssertionError(f"photogen {flags} failed: {proc.stderr}")
    return path


def tree_snapshot(root):
    """{relative path: bytes} of every file under root (to prove inputs unchanged)."""
    snap = {}
    for base, _dirs, files in os.walk(root):
        for name in files:
            p = os.path.join(base, name)
            with open(p, "rb") as f:
                snap[os.path.relpath(p, root)] = f.read()
    return snap


class GradpackTestCase(unittest.TestCase):
    """A TestCase with a fresh temporary directory self.tmp."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gp-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def make_station(self, roster_rows=3, photos=None, name="station"):
        """A clean roster + photo folder under self.tmp/name; returns (roster, photos)."""
        root = self.path(name)
        os.makedirs(root, exist_ok=True)
        roster = make_roster(os.path.join(root, "roster.csv"), roster_rows)
        photo_dir = make_photos(os.path.join(root, "photos"), roster_rows if photos is None else photos)
        return roster, photo_dir

    def assertCodes(self, doc, expected, msg=None):
        got = codes(doc)
        missing = set(expected) - got
        self.assertFalse(missing, msg or f"missing codes {sorted(missing)}; got {sorted(got)}")


def main():
    unittest.main(verbosity=2)


def content_as_info_profile(directory, base="xinhua-shandong"):
    """A copy of a profile whose photo content rules (codes 200-249) are only
    info: for tests about something else that need a photo to pass cleanly
    (a generated photo's drawn face is measured like any other)."""
    import json as _json
    codes = _json.loads(gradpack("codes", "--format", "json").stdout)
    names = [c["code"] for c in codes
             if 200 <= c["number"] < 250 and c["code"] != "photo.face_rules_skipped"]
    source = os.path.join(SOURCE_ROOT, "templates", "profiles", base + ".ini")
    path = os.path.join(directory, base + "-content-info.ini")
    with open(source, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n[severity]\n" + "".join(f"{n} = info\n" for n in names))
    return path


def content_codes():
    """The photo content rules' codes (200-249), e.g. to leave them out of a
    test about something else."""
    import json as _json
    codes = _json.loads(gradpack("codes", "--format", "json").stdout)
    return {c["code"] for c in codes if 200 <= c["number"] < 250}
