#!/usr/bin/env bash
# Reproduces models/default from nothing but this repository (synthetic faces only; no real data, no download):
#   synth -> pretrain (ProS) -> heads (attributes, expression, landmarks) -> evaluate -> copy to models/default.
#
# Usage (from anywhere):  training/scripts/make-default-model.sh [--resume] [--with-ablation]
#   --resume          continue an interrupted run (data is reused, pretraining resumes from its last checkpoint)
#   --with-ablation   also pretrain the same recipe with loss=dino and evaluate it (doubles the pretraining time)
# Environment: WORK (default training/target/default-model) holds data, runs and evaluations; RECIPE (default
# configs/default-synthetic-sinkhorn.properties, about 40 min of pretraining on 2 idle cores) and UNLABELED
# (pretraining faces, default 8000) select another recipe, e.g.
#   RECIPE=configs/default-synthetic.properties UNLABELED=4000 training/scripts/make-default-model.sh
# HEAD_BLOCKS (default 0) is passed to `heads --unfrozen-blocks`: each head trains its own copy of the backbone's
# last HEAD_BLOCKS blocks (0 = heads on the frozen backbone; [0-4]; minutes per head per block on 2 cores, and about
# 1.8 MB per block and head more in models/default at vit_tiny).
set -euo pipefail
cd "$(dirname "$0")/.."   # training/

RESUME=""
ABLATION=false
for argument in "$@"; do
  case "$argument" in
    --resume) RESUME="--resume" ;;
    --with-ablation) ABLATION=true ;;
    *) echo "unknown argument: $argument (use --resume, --with-ablation)" >&2; exit 2 ;;
  esac
done

WORK="${WORK:-target/default-model}"
RECIPE="${RECIPE:-configs/default-synthetic-sinkhorn.properties}"
UNLABELED="${UNLABELED:-8000}"
HEAD_BLOCKS="${HEAD_BLOCKS:-0}"
export DJL_OFFLINE=true
# libtorch's OpenMP threads spin-wait by default, which is very slow on a shared or busy machine
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

if [ ! -f target/pros-train.jar ]; then
  mvn -B -q package -DskipTests
fi
train() { java -Xmx3g -jar target/pros-train.jar "$@"; }

# 1. data: byte-identical for these arguments, so an existing folder is reused as is
[ -f "$WORK/unlabeled-$UNLABELED/synthetic.json" ] || train synth --count "$UNLABELED" --size 64 --seed 0 \
  --framing face --out "$WORK/unlabeled-$UNLABELED"
[ -f "$WORK/labeled/synthetic.json" ] || train synth --count 4000 --size 64 --seed 1 --framing face \
  --out "$WORK/labeled"

# 2. ProS pretraining (the long step; --resume continues from <run>/resume)
train pretrain --recipe "$RECIPE" --data "$WORK/unlabeled-$UNLABELED/images" --out "$WORK/run" --no-progress $RESUME
if [ "$ABLATION" = true ]; then
  train pretrain --recipe "$RECIPE" --set loss=dino --set recipe.name=default-synthetic-dino-ablation \
    --data "$WORK/unlabeled-$UNLABELED/images" --out "$WORK/run-dino" --no-progress $RESUME
fi

# 3. task heads on the teacher (frozen, or each with its own last HEAD_BLOCKS blocks), from held-apart labelled
#    synthetic faces (seed 1); the served checkpoint keeps backbone + heads (+ their tails) only (the ProS head is
#    needed for pretraining, not for serving)
train heads --checkpoint "$WORK/run/checkpoint" --labeled "synthetic=$WORK/labeled" --without-pros-head \
  --unfrozen-blocks "$HEAD_BLOCKS" --out "$WORK/default"

# 4. downstream evaluation on a third, held-out synthetic seed, against random initialisation
CHECKPOINTS=(--checkpoint "ProS=$WORK/run/checkpoint")
if [ "$ABLATION" = true ]; then
  CHECKPOINTS+=(--checkpoint "DINO-loss=$WORK/run-dino/checkpoint")
fi
train evaluate "${CHECKPOINTS[@]}" --synthetic-count 2000 --synthetic-seed 9001 --budgets 1%,10%,100% \
  --out "$WORK/eval"

# 5. publish
rm -rf ../models/default
mkdir -p ../models
cp -r "$WORK/default" ../models/default
echo "models/default written ($(du -sh ../models/default | cut -f1)); evaluation table: $WORK/eval/results.md"
