#!/usr/bin/env bash
# Does ProS earn its place for the served architecture? Pretrains vit_tiny_convstem8_64 on the training split's faces
# (unlabeled) twice for the same number of steps, once with the ProS loss and once with the DINO-loss ablation
# (loss=dino: a plain linear last layer instead of L2-normalised prototypes), then runs `evaluate` on the development
# split (faces neither pretraining saw) for both and random init, with the same probes and the same end-to-end
# fine-tuning for all three: 5-shot, 1%, 10% and 100% of each task's training pool.
#
# Usage: training/scripts/compare-pretraining.sh [WORK]     (default training/target/compare)
#   STEPS (default 150) pretraining steps per arm; SPLITS (default training/target/splits) from dev-splits.sh;
#   JAR (default target/pros-train.jar) the training jar.
#   Run again to continue: a finished arm is kept, an interrupted one resumes.
# Writes WORK/{pros,dino}/ (runs with metrics.csv and plots/) and WORK/evaluation/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."   # training/
WORK="${1:-target/compare}"
STEPS="${STEPS:-150}"
SPLITS="${SPLITS:-target/splits}"
export DJL_OFFLINE=true
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
[ -d "$SPLITS/train" ] || scripts/dev-splits.sh "$(realpath -m "$SPLITS")"
JAR="${JAR:-target/pros-train.jar}"   # a copy keeps a long run safe from rebuilds
[ -f "$JAR" ] || mvn -B -q package -DskipTests
train() { java -Xmx5g -jar "$JAR" "$@"; }
S="$SPLITS/train"
for arm in pros dino; do
  if [ -f "$WORK/$arm/checkpoint/config.json" ] && grep -q "^stopped\|^finished" "$WORK/$arm.log" 2>/dev/null; then
    continue
  fi
  RESUME=$( [ -d "$WORK/$arm/resume" ] && echo --resume || true )
  mkdir -p "$WORK"
  train pretrain --recipe configs/real-faces.properties --set architecture=vit_tiny_convstem8_64 --set loss="$arm" \
    --data "$S/utkface" --data "$S/facial_expressions/images" --data "$S/celeba/images" --data "$S/lfpw" \
    --out "$WORK/$arm" --no-progress --stop-after "$STEPS" $RESUME | tee "$WORK/$arm.log"
done
D="$SPLITS/dev"
train evaluate --checkpoint "ProS-$STEPS=$WORK/pros/checkpoint" --checkpoint "DINO-loss-$STEPS=$WORK/dino/checkpoint" \
  --random-init --architecture vit_tiny_convstem8_64 \
  --labeled "celeba=$D/celeba" --labeled "expression=$D/facial_expressions" --labeled "lfpw=$D/lfpw/test" \
  --budgets 5-shot,1%,10%,100% --modes linear,finetune --finetune-budgets 10%,100% --max-train 700 --max-test 300 \
  --out "$WORK/evaluation" | tee "$WORK/evaluation.log"
