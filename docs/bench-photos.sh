#!/usr/bin/env bash
# Reproduces docs/photos.md: the photo detectors trained and measured on CIFAKE (Bird & Lotfi 2024; real images from
# CIFAR-10, Krizhevsky 2009) with this project's own commands.
#
#   docs/bench-photos.sh [WORK_DIR] [CIFAKE_PARQUET]
#       (defaults: /tmp/synthscope-photos, ../shared/datasets/cifake/parquet beside the repository)
#
# Steps (each skips what an earlier run already wrote; delete its folder to redo):
#   1. NS-Net's photo encoder: CIFAR ResNet-20 on the ten classes of the real train images (val split held out);
#   2. NS-Net heads on its features, one per null space (classes, classes:weights, energy:0.9, none);
#   3. the pixel baseline: ResNet-18 (width 16) on the RGB pixels; and DNF on an RGB diffusion backbone when
#      WORK_DIR/dnf-backbone/model exists (train it with 'train dnf-backbone --data CIFAKE_PARQUET');
#   4. every detector on the test split: clean (with per-class rows) and after JPEG q75, down-up 0.5 and blur 0.5;
#   5. the fused detector (mean of probabilities) from the per-image scores;
#   6. the operating points and the logistic fusion fitted on the val split ('calibrate --domain photos': the
#      balanced-accuracy rule), and the fitted fusion on the test split at its calibrated threshold ('fused-fitted').
# Prints the markdown tables last. Environment: EPOCHS_ENCODER (default 2), EPOCHS_HEAD (10), EPOCHS_PIXELS (20): the
# training docs/photos.md reports (two shared cores); raise them for better detectors.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
W="${1:-/tmp/synthscope-photos}"
D="${2:-$ROOT/../shared/datasets/cifake/parquet}"
S="${SYNTHSCOPE:-$ROOT/bin/synthscope}"
mkdir -p "$W"

have() { [[ -f "$1/model/synthscope-model.json" ]]; }

have "$W/encoder" || "$S" train nsnet-encoder --data "$D" --out "$W/encoder" --max-epochs "${EPOCHS_ENCODER:-2}" \
  $([[ -d "$W/encoder/checkpoint" ]] && echo --resume) | tee -a "$W/encoder.train.log"

NULL_SPACES=(classes classes:weights energy:0.9 none)
name() { echo "nsnet-${1//:/-}"; }
for ns in "${NULL_SPACES[@]}"; do
  n="$(name "$ns")"
  have "$W/$n" || "$S" train nsnet --null-space "$ns" --encoder "$W/encoder/model" --data "$D" \
    --features "$W/nsnet-features" --out "$W/$n" --batch 256 --lr 5e-4 --max-epochs "${EPOCHS_HEAD:-10}" \
    $([[ -d "$W/$n/checkpoint" ]] && echo --resume) | tee -a "$W/$n.train.log"
done

have "$W/pixels" || "$S" train dnf --feature pixels --channels 3 --upsample 1 --contract-scale 0 --batch 64 --lr 1e-3 --data "$D" \
  --out "$W/pixels" --max-epochs "${EPOCHS_PIXELS:-20}" $([[ -d "$W/pixels/checkpoint" ]] && echo --resume) | tee -a "$W/pixels.train.log"

DETECTORS=(pixels)
for ns in "${NULL_SPACES[@]}"; do DETECTORS+=("$(name "$ns")"); done
if have "$W/dnf-backbone"; then
  have "$W/dnf" || "$S" train dnf --backbone "$W/dnf-backbone/model" --upsample 1 --contract-scale 0 --batch 64 --lr 1e-3 --data "$D" \
    --out "$W/dnf" --max-epochs "${EPOCHS_PIXELS:-5}" $([[ -d "$W/dnf/checkpoint" ]] && echo --resume) | tee -a "$W/dnf.train.log"
  DETECTORS+=(dnf)
fi

evaluate() { # detector, perturbation (or clean)
  local d="$1" p="$2" out="$W/eval/$1.$2"
  [[ -s "$out.json" ]] && return
  mkdir -p "$W/eval"
  local args=(--data "$D" --split test --batch 64 --by cifar_class --scores "$out.scores.csv")
  [[ "$p" == clean ]] || args+=(--perturb "$p")
  case "$d" in
    nsnet-*) "$S" eval nsnet --encoder "$W/encoder/model" --head "$W/$d/model" "${args[@]}" ;;
    *)       "$S" eval dnf --classifier "$W/$d/model" $([[ "$d" == dnf ]] && echo --backbone "$W/dnf-backbone/model") \
               "${args[@]}" ;;
  esac | tee "$out.log" | grep '^{"command"' | tail -n 1 > "$out.json"
}
PERTURBATIONS=(clean jpeg:75 downup:0.5 blur:0.5)
for p in "${PERTURBATIONS[@]}"; do
  for d in "${DETECTORS[@]}"; do evaluate "$d" "$p"; done
  # fused: the best NS-Net head (the default null space, classes:weights) with the pixel baseline (and DNF)
  f="$W/eval/fused.$p"
  if [[ ! -s "$f.json" ]]; then
    parts=(--scores "$W/eval/pixels.$p.scores.csv" --scores "$W/eval/nsnet-classes-weights.$p.scores.csv")
    have "$W/dnf" && parts+=(--scores "$W/eval/dnf.$p.scores.csv")
    "$S" eval fused "${parts[@]}" | tee "$f.log" | grep '^{"command"' | tail -n 1 > "$f.json"
  fi
done

# 6. operating points and logistic fusion fitted on val (the models embedded as the photo family were made so)
[[ -s "$W/calibrated/synthscope-fusion.json" ]] || "$S" calibrate --domain photos --data "$D" --split val \
  --out "$W/calibrated" --model dnf.classifier="$W/pixels/model" --model nsnet.encoder="$W/encoder/model" \
  --model nsnet.head="$W/nsnet-classes-weights/model" | tee "$W/calibrate.log"
for p in "${PERTURBATIONS[@]}"; do
  f="$W/eval/fused-fitted.$p"
  [[ -s "$f.json" ]] || "$S" eval fused --fusion "$W/calibrated/synthscope-fusion.json" --threshold calibrated \
    --scores "$W/eval/pixels.$p.scores.csv" --scores "$W/eval/nsnet-classes-weights.$p.scores.csv" \
    | tee "$f.log" | grep '^{"command"' | tail -n 1 > "$f.json"
done
DETECTORS+=(fused)

/usr/bin/env python3 - "$W" "${DETECTORS[@]}" fused-fitted <<'PY'
import json, sys
w, dets = sys.argv[1], sys.argv[2:]
perts = ["clean", "jpeg:75", "downup:0.5", "blur:0.5"]
def load(d, p):
    return json.load(open(f"{w}/eval/{d}.{p}.json"))
print("CIFAKE test split (13 500 images). Cells: accuracy / AP / AUROC / real acc / fake acc at p = 0.5"
      " (fused-fitted: at its calibrated threshold).\n")
print("| detector | " + " | ".join(perts) + " | images/s |")
print("|---|" + "---|" * (len(perts) + 1))
for d in dets:
    cells = []
    for p in perts:
        a = load(d, p)["subsets"]["all"]
        cells.append(f"{a['accuracy']:.4f} / {a['ap']:.4f} / {a['auroc']:.4f} / {a['real_accuracy']:.4f} / {a['fake_accuracy']:.4f}")
    ips = load(d, "clean").get("images_per_second", "")
    print(f"| {d} | " + " | ".join(cells) + f" | {ips} |")
names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
print("\nPer CIFAR class, clean test split: accuracy (real acc / fake acc).\n")
print("| detector | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for d in dets:
    j = load(d, "clean")
    by = j.get("by_cifar_class") or j.get("by_group")
    cells = [f"{by[str(k)]['accuracy']:.3f} ({by[str(k)]['real_accuracy']:.2f} / {by[str(k)]['fake_accuracy']:.2f})" for k in range(10)]
    print(f"| {d} | " + " | ".join(cells) + " |")
PY
