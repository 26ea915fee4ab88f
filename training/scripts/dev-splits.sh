#!/usr/bin/env bash
# Writes the fixed development splits of ../shared/data as folders of symbolic links (nothing is copied):
#   $OUT/train/{celeba,utkface,facial_expressions,lfpw}   everything training may read (label files linked whole:
#                                                        readers drop the rows whose image is not in the folder)
#   $OUT/dev/{celeba,utkface,lfpw/test,jaffe}   held apart, laid out for score_rest.py (and facial_expressions/ as
#                                             the trainer's validation reads it)
# The splits (the same on every machine, defined by file names only):
#   celeba              000001-007000 train, 007001-008000 dev (1,000)
#   lfpw/train          the first 700 images in name order train, the last 105 dev
#   utkface             every 10th file in name order dev (1,000), the rest train
#   facial_expressions  every 10th PERSON in name order dev (about 10% of the images; no person is in both halves),
#                       linked into dev/jaffe as <name>.<CODE>1.<n>.jpg so score_rest.py scores its expressions
# Usage: dev-splits.sh [OUT]   (default training/target/splits); DATA overrides ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."   # training/
DATA="$(realpath "${DATA:-../../shared/data}")"
OUT="${1:-target/splits}"
[ -d "$DATA/celeba" ] || { echo "no data at $DATA (set DATA)" >&2; exit 2; }
rm -rf "$OUT"
mkdir -p "$OUT"/train/{celeba/images,utkface,facial_expressions/images,lfpw} \
  "$OUT"/dev/{celeba/images,utkface,lfpw/test,jaffe,facial_expressions/images}
OUT="$(realpath "$OUT")"

# CelebA: by image number
for f in "$DATA"/celeba/images/*.jpg; do
  n=$((10#$(basename "$f" .jpg)))
  if [ "$n" -le 7000 ]; then ln -s "$f" "$OUT/train/celeba/images/"; else ln -s "$f" "$OUT/dev/celeba/images/"; fi
done
head -2 "$DATA/celeba/list_attr_celeba.txt" | tail -1 > /tmp/celeba-names.$$
{ echo 1000; cat /tmp/celeba-names.$$; awk 'NR > 2 && $1 >= "007001.jpg"' "$DATA/celeba/list_attr_celeba.txt"; } \
  > "$OUT/dev/celeba/list_attr_celeba.txt"
rm -f /tmp/celeba-names.$$
ln -s "$DATA/celeba/list_attr_celeba.txt" "$OUT/train/celeba/"   # its rows of dev images are dropped (no image)

# LFPW: name order
i=0
for f in $(ls "$DATA"/lfpw/train/*.jpg | sort); do
  base="${f%.jpg}"
  if [ "$i" -lt 700 ]; then target="$OUT/train/lfpw"; else target="$OUT/dev/lfpw/test"; fi
  ln -s "$f" "$target/"; ln -s "$base.pts" "$target/"
  i=$((i + 1))
done

# UTKFace: every 10th file
i=0
for f in $(ls "$DATA"/utkface/*.jpg | sort); do
  if [ $((i % 10)) -eq 0 ]; then ln -s "$f" "$OUT/dev/utkface/"; else ln -s "$f" "$OUT/train/utkface/"; fi
  i=$((i + 1))
done

# facial_expressions: every 10th person (name without the trailing _NNNN)
declare -A CODE=([anger]=AN [disgust]=DI [fear]=FE [happiness]=HA [neutral]=NE [sadness]=SA [surprise]=SU)
tail -n +2 "$DATA/facial_expressions/labels.csv" | sort > /tmp/fe-labels.$$
awk -F, '{ p = $1; sub(/_[0-9]+\.[A-Za-z]+$/, "", p); print p }' /tmp/fe-labels.$$ | sort -u \
  | awk 'NR % 10 == 1' > /tmp/fe-dev-people.$$
while IFS=, read -r image label; do
  person="$(echo "$image" | sed -E 's/_[0-9]+\.[A-Za-z]+$//')"
  if grep -qxF "$person" /tmp/fe-dev-people.$$; then
    code="${CODE[$label]:-}"
    [ -n "$code" ] && ln -s "$DATA/facial_expressions/images/$image" "$OUT/dev/jaffe/${image%.*}.${code}1.1.jpg"
    ln -s "$DATA/facial_expressions/images/$image" "$OUT/dev/facial_expressions/images/"
  else
    ln -s "$DATA/facial_expressions/images/$image" "$OUT/train/facial_expressions/images/"
  fi
done < /tmp/fe-labels.$$
rm -f /tmp/fe-labels.$$ /tmp/fe-dev-people.$$
ln -s "$DATA/facial_expressions/labels.csv" "$OUT/train/facial_expressions/"   # dev rows: no image, dropped
ln -s "$DATA/facial_expressions/labels.csv" "$OUT/dev/facial_expressions/"

for d in train/celeba/images train/utkface train/facial_expressions/images train/lfpw dev/celeba/images dev/utkface \
  dev/lfpw/test dev/jaffe; do
  printf '%-34s %6d files\n' "$d" "$(ls "$OUT/$d" | wc -l)"
done
