#!/usr/bin/env bash
# Rebuilds models/default. Recipes:
#
#   make-default-model.sh [--resume]                  the served default: real development faces (research and
#                                                    non-commercial terms; see models/default/MODEL_CARD.md)
#     1. dev-splits.sh: the fixed development splits as link folders (training never reads dev/)
#     2. finetune: vit_tiny_convstem8_64 from random init, backbone + attribute, expression, landmark and age heads end
#        to end on every label and teacher label of the training split (FT_EPOCHS, default 7: about 60 min on 2 idle
#        cores, 2 CPU-hours)
#     3. warm restarts of the same run (finetune --checkpoint <previous> --keep-heads): each a new warm-up and cosine
#        schedule at a lower peak, with the Male labels weighing more in the attribute loss (--gender-weight).
#        RESTARTS lists them as EPOCHS:PEAK_LR:GENDER_WEIGHT (default "8:6e-4:4 6:5e-4:6": about 65 and 50 min,
#        2.2 and 1.6 CPU-hours); RESTARTS="" skips them
#     4. copy the serving checkpoint to models/default (MODEL_CARD.md stays); score it with score-dev.sh
#     Interrupted, it continues each fine-tuning from its last checkpoint (every 100 steps) when run again.
#
#   make-default-model.sh --pros-init [--resume]     the same fine-tuning of the plain ViT (vit_tiny_patch8_64) from a
#     ProS-pretrained backbone: ProS on every unlabeled training face first (configs/real-faces.properties, stopped after
#     PRETRAIN_STEPS, default 221 as measured), then finetune from its teacher. Slower to learn at this compute: see
#     docs/default-model.md, "Why a convolutional stem, and where ProS stands".
#
#   make-default-model.sh --synthetic-only [--resume] [--with-ablation]
#                                                    the earlier synthetic-only recipe (no real data, no download):
#     synth -> pretrain (ProS) -> heads (attributes, expression, landmarks) -> evaluate -> models/default
#     --with-ablation   also pretrain the same recipe with loss=dino and evaluate it (doubles the pretraining time)
#   Environment for it: WORK (default training/target/default-model) holds data, runs and evaluations; RECIPE (default
#   configs/default-synthetic-sinkhorn.properties, about 40 min of pretraining on 2 idle cores) and UNLABELED
#   (pretraining faces, default 8000) select another recipe, e.g.
#     RECIPE=configs/default-synthetic.properties UNLABELED=4000 training/scripts/make-default-model.sh --synthetic-only
#   HEAD_BLOCKS (default 0) is passed to `heads --unfrozen-blocks`.
set -euo pipefail
cd "$(dirname "$0")/.."   # training/

RESUME=""
ABLATION=false
SYNTHETIC_ONLY=false
PROS_INIT=false
for argument in "$@"; do
  case "$argument" in
    --resume) RESUME="--resume" ;;
    --with-ablation) ABLATION=true ;;
    --synthetic-only) SYNTHETIC_ONLY=true ;;
    --pros-init) PROS_INIT=true ;;
    *) echo "unknown argument: $argument (use --resume, --synthetic-only, --pros-init, --with-ablation)" >&2; exit 2 ;;
  esac
done
export DJL_OFFLINE=true
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

if [ "$SYNTHETIC_ONLY" = false ]; then
  DATA="$(realpath "${DATA:-../../shared/data}")"
  WORK="${WORK:-target/real-model}"
  PRETRAIN_STEPS="${PRETRAIN_STEPS:-221}"
  FT_EPOCHS="${FT_EPOCHS:-7}"
  RESTARTS="${RESTARTS-8:6e-4:4 6:5e-4:6}"
  [ -f target/pros-train.jar ] || mvn -B -q -f ../pom.xml package -DskipTests -pl training -am
  train() { java -Xmx5g -jar target/pros-train.jar "$@"; }
  [ -d "$WORK/splits/train" ] || DATA="$DATA" scripts/dev-splits.sh "$WORK/splits"
  S="$WORK/splits/train"
  FT_RESUME=$( [ -f "$WORK/finetune/state.properties" ] && echo --resume || true )
  if [ "$PROS_INIT" = true ]; then
    # ProS on every training face (unlabeled); the recipe's schedule is 2 epochs, stopped after PRETRAIN_STEPS
    [ -f "$WORK/pretrain/checkpoint/config.json" ] && [ -z "$RESUME" ] || train pretrain \
      --recipe configs/real-faces.properties --data "$S/utkface" --data "$S/facial_expressions/images" \
      --data "$S/celeba/images" --data "$S/lfpw" --out "$WORK/pretrain" --no-progress --stop-after "$PRETRAIN_STEPS" --resume
    INIT=(--checkpoint "$WORK/pretrain/checkpoint" --lr 6e-4 --warmup-steps 300)
  else
    INIT=(--architecture vit_tiny_convstem8_64 --lr 1e-3 --warmup-steps 150)
  fi
  # every head at once, end to end, validated on the dev split every 500 steps
  train finetune "${INIT[@]}" --train "$S" --validation "$WORK/splits/dev" --teachers "$DATA" --epochs "$FT_EPOCHS" \
    --batch-size 64 --backbone-lr-scale 1.0 --max-validation 1000 --out "$WORK/finetune" $FT_RESUME
  FINAL="$WORK/finetune"
  n=0
  for restart in $RESTARTS; do
    # warm restart: the previous stage's backbone and heads, a new schedule; gender weighs more in the attribute loss
    n=$((n + 1))
    IFS=: read -r epochs lr gender <<< "$restart"
    if [ -f "$WORK/restart$n/state.properties" ]; then FROM=(--resume); else
      FROM=(--checkpoint "$FINAL/checkpoint" --keep-heads); fi
    train finetune "${FROM[@]}" --lr "$lr" --warmup-steps 100 --gender-weight "$gender" --train "$S" \
      --validation "$WORK/splits/dev" --teachers "$DATA" --epochs "$epochs" --batch-size 64 \
      --backbone-lr-scale 1.0 --max-validation 1000 --out "$WORK/restart$n"
    FINAL="$WORK/restart$n"
  done
  # publish, keeping the model card
  cp ../models/default/MODEL_CARD.md "$WORK/MODEL_CARD.md" 2>/dev/null || true
  rm -rf ../models/default
  cp -r "$FINAL/checkpoint" ../models/default
  [ -f "$WORK/MODEL_CARD.md" ] && cp "$WORK/MODEL_CARD.md" ../models/default/
  echo "models/default written ($(du -sh ../models/default | cut -f1)); score it over REST on the dev split:"
  echo "  SPLITS=training/$WORK/splits training/scripts/score-dev.sh models/default"
  exit 0
fi

WORK="${WORK:-target/default-model}"
RECIPE="${RECIPE:-configs/default-synthetic-sinkhorn.properties}"
UNLABELED="${UNLABELED:-8000}"
HEAD_BLOCKS="${HEAD_BLOCKS:-0}"

if [ ! -f target/pros-train.jar ]; then
  mvn -B -q -f ../pom.xml package -DskipTests -pl training -am
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
