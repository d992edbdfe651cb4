#!/usr/bin/python3
"""The straightforward Python way to do what `gradpack pack` does (Pillow,
openpyxl, zipfile): check every photo, write the workbook, hash everything,
and zip it.  Each photo is read three times (inspect, hash, archive), as a
first version usually does.  The benchmark's baseline for pack."""
import csv
import hashlib
import io
import os
import sys
import zipfile

from openpyxl import Workbook
from PIL import Image


def main(roster_path, photo_dir, out_dir):
    with open(roster_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], sorted(rows[1:], key=lambda r: r[0].zfill(4))
    names = sorted(os.listdir(photo_dir))
    for name in names:  # read 1: check
        with Image.open(os.path.join(photo_dir, name)) as im:
            im.load()
            assert im.size == (960, 1280) and im.mode == "RGB"
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in body:
        ws.append(row)
    for r in ws.iter_rows():
        for c in r:
            c.number_format = "@"
    xlsx = io.BytesIO()
    wb.save(xlsx)
    manifest = []
    for name in names:  # read 2: hash
        with open(os.path.join(photo_dir, name), "rb") as f:
            manifest.append(f"{hashlib.sha256(f.read()).hexdigest()}  photos/{name}")
    os.makedirs(out_dir, exist_ok=True)
    with zipfile.ZipFile(os.path.join(out_dir, "bundle.zip"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("bundle/roster.xlsx", xlsx.getvalue())
        for name in names:  # read 3: archive
            z.write(os.path.join(photo_dir, name), f"bundle/photos/{name}")
        z.writestr("bundle/MANIFEST.sha256", "\n".join(manifest) + "\n")
    print(f"{len(body)} rows, {len(names)} photos packed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
