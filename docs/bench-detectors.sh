#!/usr/bin/env bash
# Reproduces docs/detectors.md: the micrograph benchmark, DNF against a plain ResNet on pixels, and NS-Net with and
# without its null-space projection, each trained on one generator and tested on every generator's test subset.
#
#   docs/bench-detectors.sh [WORK_DIR] [TRAIN_GENERATOR]      (defaults: /tmp/synthscope-bench, pfdiffseg-ddim50)
#
# Uses the embedded DNF backbone and NS-Net encoder, and ../shared/datasets/metaldam. Prints the markdown table
# last. On the 2-core development machine: 36 minutes to build the benchmark, then 27 minutes for the rest (DNF and
# the pixel baseline are capped at 25 epochs here). Each step skips what an earlier run already wrote (delete WORK_DIR to redo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
W="${1:-/tmp/synthscope-bench}"
G="${2:-pfdiffseg-ddim50}"
S="$ROOT/bin/synthscope"
mkdir -p "$W"
cd "$ROOT"

[[ -d "$W/micrographs" ]] || "$S" bench-data micrographs --out "$W/micrographs" --seed 1 | tee "$W/bench-data.log"

train() { # name, command...
  local name="$1"; shift
  [[ -f "$W/$name/model/synthscope-model.json" ]] || "$@" --data "$W/micrographs" --train-generator "$G" \
    --out "$W/$name" | tee "$W/$name.train.log"
}
train dnf-$G          "$S" train dnf --max-epochs 25
train pixels-$G       "$S" train dnf --feature pixels --max-epochs 25
train nsnet-ridge-$G  "$S" train nsnet --null-space ridge --features "$W/nsnet-features-$G"
train nsnet-none-$G   "$S" train nsnet --null-space none --features "$W/nsnet-features-$G"

evaluate() { # name, command...
  local name="$1"; shift
  [[ -s "$W/$name.eval.json" ]] || "$@" --data "$W/micrographs" --split test | tee "$W/$name.eval.log" \
    | tail -n 1 > "$W/$name.eval.json"
}
evaluate dnf-$G         "$S" eval dnf --classifier "$W/dnf-$G/model"
evaluate pixels-$G      "$S" eval dnf --classifier "$W/pixels-$G/model"
evaluate nsnet-ridge-$G "$S" eval nsnet --head "$W/nsnet-ridge-$G/model"
evaluate nsnet-none-$G  "$S" eval nsnet --head "$W/nsnet-none-$G/model"

/usr/bin/env python3 - "$W" "$G" <<'PY'
import json, sys
w, g = sys.argv[1], sys.argv[2]
rows = [("DNF (t0, clip01-uint8) + ResNet-18", "dnf"), ("ResNet-18 on pixels (baseline)", "pixels"),
        ("NS-Net, null space from ridge on fractions", "nsnet-ridge"), ("NS-Net without null space", "nsnet-none")]
subsets = None
print(f"Trained on real + `{g}` (train split); tested on the test split. Cells: accuracy / AP / real acc / fake acc.\n")
for label, key in rows:
    r = json.load(open(f"{w}/{key}-{g}.eval.json"))["subsets"]
    if subsets is None:
        subsets = list(r)
        print("| detector | " + " | ".join(subsets) + " |")
        print("|---|" + "---|" * len(subsets))
    cells = [f"{r[s]['accuracy']:.3f} / {r[s]['ap']:.3f} / {r[s]['real_accuracy']:.3f} / {r[s]['fake_accuracy']:.3f}"
             for s in subsets]
    print(f"| {label} | " + " | ".join(cells) + " |")
PY
