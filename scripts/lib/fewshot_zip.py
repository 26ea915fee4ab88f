#!/usr/bin/env python3
"""Builds a few-shot upload from ../shared/data/facial_expressions: a zip with manifest.csv (image,label) at its root
and the chosen faces under faces/, plus one spare face of the same classes (not in the zip) to probe the new head.

usage: fewshot_zip.py DATA COUNT ZIP PROBE [CLASS ...]   (classes default: happiness neutral; COUNT split evenly)
"""
import csv
import os
import sys
import zipfile

data, count, target, probe = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
classes = sys.argv[5:] or ["happiness", "neutral"]
per_class = {label: count // len(classes) + (1 if i < count % len(classes) else 0) for i, label in enumerate(classes)}
chosen, spare = [], None
with open(os.path.join(data, "labels.csv"), newline="") as labels:
    for row in csv.DictReader(labels):
        label = row["expression"].strip().lower()
        if per_class.get(label, 0) > 0:
            per_class[label] -= 1
            chosen.append((row["image"].strip(), label))
        elif label in per_class and spare is None:
            spare = row["image"].strip()
missing = {label: left for label, left in per_class.items() if left > 0}
if missing or spare is None:
    sys.exit(f"fewshot_zip: not enough faces in {data} for {missing or 'a probe image'}")
with zipfile.ZipFile(target, "w") as archive:
    archive.writestr("manifest.csv", "image,label\n" + "".join(f"{name},{label}\n" for name, label in chosen))
    for name, _ in chosen:
        archive.write(os.path.join(data, "images", name), "faces/" + name)
with open(os.path.join(data, "images", spare), "rb") as source, open(probe, "wb") as out:
    out.write(source.read())
