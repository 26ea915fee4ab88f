#!/usr/bin/env bash
# Does ProS earn its place for the served architecture? Pretrains vit_tiny_convstem8_64 twice on the same unlabeled
# training-split faces with the same complete schedule (warm-up, cosine decay, teacher momentum to 1), once with the
# ProS loss and once with the DINO-loss ablation (loss=dino: a plain linear last layer instead of L2-normalised
# prototypes). Then `evaluate` runs on the development split (faces neither run saw) for both and for random init,
# with the same linear probes and the same end-to-end fine-tuning for all three: 5-shot, 1%, 10% and 100% of each
# task's training pool. Last, the served recipe itself: the multi-task fine-tuning (`finetune`, all heads at once) from
# each of the three starts for the same steps on the same sampled training faces, scored on the development split.
#
# Usage: training/scripts/compare-pretraining.sh [WORK]     (default training/target/compare)
#   PER_SET (default 2000) faces taken from each of celeba, utkface and facial_expressions (plus the 700 LFPW training
#     faces), evenly spaced in name order: 6,700 faces -> 104 steps per epoch at batch 64.
#   EPOCHS (default 3) passes over them (the first is warm-up with the prototypes frozen, as in the recipe).
#   FT_FACES (default 6400) and FT_EPOCHS (default 4): the multi-task fine-tunings' sample and passes (400 steps).
#   SPLITS (default training/target/splits) from dev-splits.sh; JAR (default target/pros-train.jar) the training jar.
#   Run again to continue: a finished arm is kept, an interrupted one resumes.
# Writes WORK/{pros,dino}/ (runs with metrics.csv and plots/), WORK/evaluation/results.md and
# WORK/finetune-{pros,dino,random}/ (metrics.csv with the validation rows, plots/validation.png).
set -euo pipefail
cd "$(dirname "$0")/.."   # training/
WORK="${1:-target/compare}"
PER_SET="${PER_SET:-2000}"
EPOCHS="${EPOCHS:-3}"
SPLITS="${SPLITS:-target/splits}"
export DJL_OFFLINE=true
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
[ -d "$SPLITS/train" ] || scripts/dev-splits.sh "$(realpath -m "$SPLITS")"
SPLITS="$(realpath "$SPLITS")"
JAR="${JAR:-target/pros-train.jar}"   # a copy keeps a long run safe from rebuilds
[ -f "$JAR" ] || mvn -B -q -f ../pom.xml package -DskipTests -pl training -am
train() { java -Xmx5g -jar "$JAR" "$@"; }
mkdir -p "$WORK"

# The unlabeled subset: symbolic links into the training split (nothing copied), the same on every machine.
S="$WORK/unlabeled"
if [ ! -f "$S/.complete" ]; then
  rm -rf "$S"; mkdir -p "$S"
  for set in celeba/images utkface facial_expressions/images; do
    name="${set%%/*}"; mkdir -p "$S/$name"
    mapfile -t files < <(find -L "$SPLITS/train/$set" -maxdepth 1 -type f -name '*.jpg' | sort)
    n="${#files[@]}"
    for ((i = 0; i < PER_SET && i < n; i++)); do
      f="${files[$((i * n / PER_SET))]}"
      ln -s "$(readlink -f "$f")" "$S/$name/$(basename "$f")"
    done
  done
  mkdir -p "$S/lfpw"
  for f in "$SPLITS"/train/lfpw/*.jpg; do ln -s "$(readlink -f "$f")" "$S/lfpw/"; done
  touch "$S/.complete"
fi

for arm in pros dino; do
  if tail -3 "$WORK/$arm.log" 2>/dev/null | grep -q "^done: "; then continue; fi   # finished earlier
  RESUME=$( [ -d "$WORK/$arm/resume" ] && echo --resume || true )
  train pretrain --recipe configs/real-faces.properties --set architecture=vit_tiny_convstem8_64 --set loss="$arm" \
    --set epochs="$EPOCHS" --set checkpoint.every.steps=50 \
    --data "$S/celeba" --data "$S/utkface" --data "$S/facial_expressions" --data "$S/lfpw" \
    --out "$WORK/$arm" --no-progress $RESUME 2>&1 | tee -a "$WORK/$arm.log"
  tail -3 "$WORK/$arm.log" | grep -q "^done: " || { echo "the $arm run did not finish: run again to resume" >&2; exit 1; }
done
D="$SPLITS/dev"
[ -f "$WORK/evaluation/results.json" ] || train evaluate --checkpoint "ProS=$WORK/pros/checkpoint" --checkpoint "DINO-loss=$WORK/dino/checkpoint" \
  --random-init --architecture vit_tiny_convstem8_64 \
  --labeled "celeba=$D/celeba" --labeled "expression=$D/facial_expressions" --labeled "lfpw=$D/lfpw/test" \
  --budgets 5-shot,1%,10%,100% --modes linear,finetune --finetune-budgets 5-shot,10%,100% \
  --max-train 700 --max-test 300 --out "$WORK/evaluation" 2>&1 | tee "$WORK/evaluation.log"

for arm in pros dino random; do
  out="$WORK/finetune-$arm"
  INIT=(--architecture vit_tiny_convstem8_64)
  [ "$arm" = random ] || INIT=(--checkpoint "$WORK/$arm/checkpoint")
  RESUME=$( [ -f "$out/state.properties" ] && echo --resume || true )
  train finetune "${INIT[@]}" --train "$SPLITS/train" --validation "$D" --teachers "$(realpath ../../shared/data)" \
    --max-faces "${FT_FACES:-6400}" --epochs "${FT_EPOCHS:-4}" --batch-size 64 --backbone-lr-scale 1.0 \
    --warmup-steps 40 --validate-every 200 --max-validation 1000 --out "$out" $RESUME 2>&1 | tee -a "$WORK/finetune-$arm.log"
done
