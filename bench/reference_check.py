#!/usr/bin/python3
"""The straightforward Python + Pillow way to do what `gradpack check` does:
the baseline the benchmark compares against.  Same rules, no cleverness:
read the roster, validate every row, then open, fully decode and inspect
every photo in one process."""
import csv
import datetime
import hashlib
import os
import re
import sys

from PIL import Image

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
MIN_BYTES, MAX_BYTES = 563200, 665600


def check_id(idn, sex):
    if not re.fullmatch(r"\d{17}[\dX]", idn):
        return "roster.id.format"
    if CHECK[sum(int(a) * b for a, b in zip(idn, W)) % 11] != idn[17]:
        return "roster.id.checksum"
    try:
        born = datetime.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return "roster.id.birthdate"
    if born > datetime.date.today():
        return "roster.id.birthdate"
    if (int(idn[16]) % 2 == 1) != (sex == "男"):
        return "roster.id.sex_mismatch"
    return None


def main(roster_path, photo_dir):
    findings = []
    with open(roster_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    seen = {}
    for n, row in enumerate(rows, start=2):
        seq = row["拍摄序号"].strip().zfill(4)
        if seq in seen:
            findings.append((n, "roster.seq.duplicate"))
        seen[seq] = n
        if row["学历层次"] not in ("成人专科", "成人本科"):
            findings.append((n, "roster.level.invalid"))
        if row["性别"] not in ("男", "女"):
            findings.append((n, "roster.sex.invalid"))
        problem = check_id(row["身份证号"].strip().upper(), row["性别"])
        if problem:
            findings.append((n, problem))
    hashes = {}
    for name in sorted(os.listdir(photo_dir)):
        path = os.path.join(photo_dir, name)
        seq = name[:4]
        with open(path, "rb") as f:
            data = f.read()
        digest = hashlib.sha256(data).hexdigest()
        if digest in hashes:
            findings.append((seq, "photo.duplicate"))
        hashes[digest] = seq
        if not (MIN_BYTES <= len(data) <= MAX_BYTES):
            findings.append((seq, "photo.filesize"))
        with Image.open(path) as im:
            if im.format != "JPEG":
                findings.append((seq, "photo.not_jpeg"))
                continue
            if im.size != (960, 1280):
                findings.append((seq, "photo.dimensions"))
            if im.mode != "RGB":
                findings.append((seq, "photo.colorspace"))
            dpi = im.info.get("dpi")
            if not dpi or round(float(dpi[0])) != 300:
                findings.append((seq, "photo.dpi"))
            if im.info.get("icc_profile") and b"sRGB" not in im.info["icc_profile"]:
                findings.append((seq, "photo.icc"))
            if im.getexif().get(0x0112, 1) != 1:
                findings.append((seq, "photo.orientation"))
            try:
                im.load()  # decode everything: a truncated file must not pass
            except OSError:
                findings.append((seq, "photo.corrupt"))
        if seq not in seen:
            findings.append((seq, "photo.orphan"))
    for seq, n in seen.items():
        if not os.path.exists(os.path.join(photo_dir, seq + ".jpg")):
            findings.append((n, "photo.missing"))
    print(f"{len(rows)} rows, {len(hashes)} photos, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
