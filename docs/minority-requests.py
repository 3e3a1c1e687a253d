#!/usr/bin/env python3
"""Fraction requests with precipitate and defect present, for the minority arm of docs/segmentation.md.

Each request is an `empirical` vector (a row of a model's train-fractions.csv, drawn at random) with
precipitate set to U(1 %, 4 %), defect to U(2 %, 8 %) and the other three classes rescaled to fill the
remainder (a row with no matrix, austenite or MA gets them in equal parts). Standard library only, so it
runs on any machine; the same seed gives the same file.

  python3 docs/minority-requests.py udfs/src/main/resources/synthscope/models/pfdiffseg/train-fractions.csv \
      512 3 > /work/runs/minority.csv
"""
import csv
import random
import sys


def main(train_fractions, count, seed):
    with open(train_fractions, newline="") as f:
        rows = list(csv.reader(f))
    header, vectors = rows[0], [[float(x) for x in r] for r in rows[1:] if r]
    rng = random.Random(seed)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(header)
    for _ in range(count):
        base = rng.choice(vectors)
        precipitate = rng.uniform(0.01, 0.04)
        defect = rng.uniform(0.02, 0.08)
        rest = 1.0 - precipitate - defect
        majority = base[:3]
        total = sum(majority)
        scaled = [v / total * rest for v in majority] if total > 0 else [rest / 3] * 3
        out.writerow([f"{v:.6f}" for v in scaled + [precipitate, defect]])


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
