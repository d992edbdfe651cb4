"""Data-driven end-to-end cases for `gradpack check` (curl's tests/data idea):
each tests/e2e/cases/*.case file describes generated inputs, the command's
extra arguments, the expected exit status and the expected finding codes.
Adding a case means adding a data file, not code.

Case file format (one directive per line, '#' comments):
  roster: N [rostergen args]     generate a roster of N students
  roster-csv: <<END ... END       a literal roster (UTF-8) written as given;
                                  a line "@gb18030" before it re-encodes it,
                                  \\xNN escapes are bytes (for hostile input)
  photos: N [start]              generate in-profile photos NNNN.jpg
  photo NAME: [photogen flags]   (re)generate one photo with flags
  copy FROM TO                   copy a photo (a byte-identical duplicate)
  remove NAME                    delete a photo
  file NAME: TEXT                write a stray file
  args: ...                      extra arguments to `gradpack check`
  exit: N                        expected exit status
  codes: CODE[@SEQ|#ROW] ...     each must be among the findings
  exact: yes                     the codes: lines are ALL the findings: each
                                 spec matches one finding, each finding one
                                 spec (a spurious extra finding fails)
  ignore: CODE ...               with exact: findings of these codes are
                                 not counted (e.g. rules the case is not about);
                                 "content" stands for every photo content rule
                                 (codes 200-249: a generated photo's drawn face
                                 is measured like any other)
  absent: CODE ...               none of these may appear
  text: STRING                   the text report must contain STRING
"""
import glob
import json
import os
import re
import shlex
import shutil
import unittest

import e2e_lib as e2e

CASE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")


def parse_case(path):
    case = {"steps": [], "args": [], "codes": [], "absent": [], "text": [], "exit": None,
            "exact": False, "ignore": []}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    encoding = "utf-8"
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.strip() == "@gb18030":
            encoding = "gb18030"
            continue
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "roster-csv":
            end = value.removeprefix("<<")
            body = []
            while lines[i] != end:
                body.append(lines[i])
                i += 1
            i += 1
            text = "\r\n".join(body) + "\r\n" if body else ""
            data = text.encode(encoding)
            data = re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), data)
            case["steps"].append(("roster-bytes", data))
        elif key in ("roster", "photos"):
            case["steps"].append((key, shlex.split(value)))
        elif key.startswith("photo "):
            case["steps"].append(("photo", key.split()[1], shlex.split(value)))
        elif key.startswith("copy ") or key.startswith("remove "):
            parts = key.split()
            case["steps"].append((parts[0], parts[1:]))
        elif key.startswith("file "):
            case["steps"].append(("file", key.split(None, 1)[1], value))
        elif key == "args":
            case["args"] += shlex.split(value)
        elif key == "exit":
            case["exit"] = int(value)
        elif key == "codes":
            case["codes"] += value.split()
        elif key == "absent":
            case["absent"] += value.split()
        elif key == "exact":
            if value not in ("yes", "no"):
                raise ValueError(f"{path}: exact: takes yes or no")
            case["exact"] = value == "yes"
        elif key == "ignore":
            case["ignore"] += value.split()
        elif key == "text":
            case["text"].append(value)
        else:
            raise ValueError(f"{path}: unknown directive {key!r}")
    if case["exit"] is None:
        raise ValueError(f"{path}: no exit: line")
    return case


def build_inputs(case, root):
    roster = os.path.join(root, "roster.csv")
    photos = os.path.join(root, "photos")
    os.makedirs(photos, exist_ok=True)
    for step in case["steps"]:
        kind = step[0]
        if kind == "roster":
            e2e.make_roster(roster, *step[1])
        elif kind == "roster-bytes":
            with open(roster, "wb") as f:
                f.write(step[1])
        elif kind == "photos":
            n = int(step[1][0])
            start = int(step[1][1]) if len(step[1]) > 1 else 1
            e2e.make_photos(photos, n, start)
        elif kind == "photo":
            e2e.make_photo(os.path.join(photos, step[1]), *step[2])
        elif kind == "copy":
            shutil.copyfile(os.path.join(photos, step[1][0]), os.path.join(photos, step[1][1]))
        elif kind == "remove":
            os.remove(os.path.join(photos, step[1][0]))
        elif kind == "file":
            with open(os.path.join(photos, step[1]), "w", encoding="utf-8") as f:
                f.write(step[2])
    return roster, photos


def unmatched(findings, specs, ignore):
    """Pair each spec with one finding (most specific specs first); return the
    specs left without a finding and the findings left without a spec."""
    if "content" in ignore:
        ignore = set(ignore) | e2e.content_codes()
    left = [f for f in findings if f["code"] not in ignore]
    missing = []
    for spec in sorted(specs, key=lambda s: -(("@" in s) + ("#" in s))):
        for i, f in enumerate(left):
            if matches(f, spec):
                del left[i]
                break
        else:
            missing.append(spec)
    return missing, left


def matches(finding, spec):
    code, _, where = spec.partition("@")
    code, _, row = code.partition("#")
    if finding["code"] != code:
        return False
    if where and finding.get("seq") != where:
        return False
    if row and finding.get("row") != int(row):
        return False
    return True


class CheckCases(e2e.GradpackTestCase):
    pass


def make_test(path):
    def test(self):
        case = parse_case(path)
        roster, photos = build_inputs(case, self.tmp)
        before = e2e.tree_snapshot(self.tmp)
        status, doc, proc = e2e.gradpack_json("check", roster, photos, *case["args"])
        self.assertEqual(status, case["exit"], f"exit status; stderr: {proc.stderr}\n{proc.stdout[:3000]}")
        if doc is not None:
            for spec in case["codes"]:
                self.assertTrue(any(matches(f, spec) for f in doc["findings"]),
                                f"expected {spec}; got {sorted((f['code'], str(f['seq']), str(f['row'])) for f in doc['findings'])}")
            for code in case["absent"]:
                self.assertNotIn(code, e2e.codes(doc))
            if case["exact"]:
                missing, extra = unmatched(doc["findings"], case["codes"], case["ignore"])
                self.assertEqual((missing, extra), ([], []),
                                 "exact: findings differ from the codes: lines")
            # every finding speaks to a person and names its code
            for f in doc["findings"]:
                self.assertTrue(f["message"], f)
        elif case["codes"]:
            self.fail(f"no JSON report; stderr: {proc.stderr}")
        text = e2e.gradpack("check", roster, photos, *case["args"])
        self.assertEqual(text.returncode, case["exit"])
        for needle in case["text"]:
            self.assertIn(needle, text.stdout + text.stderr)
        for spec in case["codes"]:
            self.assertIn("[" + spec.partition("@")[0].partition("#")[0] + "]", text.stdout)
        self.assertEqual(before, e2e.tree_snapshot(self.tmp), "inputs were modified")
    return test


for case_path in sorted(glob.glob(os.path.join(CASE_DIR, "*.case"))):
    name = "test_" + re.sub(r"\W", "_", os.path.basename(case_path)[:-5])
    setattr(CheckCases, name, make_test(case_path))


if __name__ == "__main__":
    e2e.main()
