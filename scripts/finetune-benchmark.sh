#!/usr/bin/env bash
# Few-shot benchmark: time from the upload of 100 labelled faces to the first prediction served by the new head.
# Not part of CI. Needs the packaged server (mvn -B -o package -DskipTests) and ../shared/data.
#
#   scripts/finetune-benchmark.sh                       # random vit_tiny_patch8_64 stand-in (models/default if present)
#   MODEL=path/to/checkpoint scripts/finetune-benchmark.sh
#   ARCH=vit_micro_patch8_32 IMAGES=100 EPOCHS=60 scripts/finetune-benchmark.sh   # ARCH: only without models/default
#   UNFROZEN_BLOCKS=2 scripts/finetune-benchmark.sh     # also train the last 2 backbone blocks (default 0: frozen)
#
# It starts its own server (free port, throwaway H2 database, its own API key), uploads happiness vs neutral faces
# from ../shared/data/facial_expressions as a zip, follows the job, then asks POST /v1/expression?head=<name>@v1
# until it answers, and prints the phases. The server runs on all cores it can get; other load skews the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGES=${IMAGES:-100}
EPOCHS=${EPOCHS:-60}
UNFROZEN_BLOCKS=${UNFROZEN_BLOCKS:-0}
ARCH=${ARCH:-vit_tiny_patch8_64}
DATA=${DATA:-../shared/data/facial_expressions}
APP=server/target/quarkus-app
[[ -f ${APP}/quarkus-run.jar ]] || { echo "build first: mvn -B -o package -DskipTests" >&2; exit 1; }
[[ -f ${DATA}/labels.csv ]] || { echo "no ${DATA}/labels.csv (see ../shared/data/README.md)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pros-finetune-bench.XXXXXX")
SERVER_PID=
cleanup() {
  [[ -n "${SERVER_PID}" ]] && kill "${SERVER_PID}" 2>/dev/null && wait "${SERVER_PID}" 2>/dev/null
  rm -rf "${WORK}"
}
trap cleanup EXIT

MODEL=${MODEL:-}
if [[ -z "${MODEL}" && -f models/default/config.json ]]; then
  MODEL=models/default
fi
if [[ -z "${MODEL}" ]]; then
  MODEL=${WORK}/model
  java -cp "${APP}/lib/main/*:${APP}/app/*" io.prosface.server.inference.registry.RandomCheckpoint "${MODEL}" "${ARCH}" >/dev/null
  echo "model: random ${ARCH} stand-in (timing only; its answers are meaningless)"
else
  echo "model: ${MODEL}"
fi

# the upload: IMAGES/2 happy and IMAGES/2 neutral faces, manifest at the root of the zip
python3 scripts/lib/fewshot_zip.py "${DATA}" "${IMAGES}" "${WORK}/upload.zip" "${WORK}/probe.jpg"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KEY=bench-$(date +%s%N)
java -Dquarkus.http.port="${PORT}" -Dpros.model.path="${MODEL}" \
  -Dquarkus.datasource.\"embedded\".jdbc.url="jdbc:h2:file:${WORK}/db" \
  -Dpros.auth.api-keys.bench.key="${KEY}" -Dquarkus.log.level=WARN \
  -Dquarkus.log.category.\"io.prosface.server.finetune\".level=INFO \
  -jar "${APP}/quarkus-run.jar" >"${WORK}/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:${PORT}/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "${SERVER_PID}" 2>/dev/null || { cat "${WORK}/server.log" >&2; exit 1; }
  sleep 0.2
done

now() { date +%s%3N; }
HEAD=bench$(date +%s)
T0=$(now)
JOB=$(curl -fsS -H "Authorization: Bearer ${KEY}" -F kind=classification -F head_name="${HEAD}" \
  -F epochs="${EPOCHS}" -F unfrozen_blocks="${UNFROZEN_BLOCKS}" -F archive=@"${WORK}/upload.zip" "http://127.0.0.1:${PORT}/v1/finetune/jobs")
T_UPLOADED=$(now)
ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "${JOB}")
while true; do
  STATE=$(curl -fsS -H "Authorization: Bearer ${KEY}" "http://127.0.0.1:${PORT}/v1/finetune/jobs/${ID}")
  case $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["state"])' "${STATE}") in
    succeeded) break ;;
    failed|cancelled) echo "job ended: ${STATE}" >&2; exit 1 ;;
  esac
  sleep 0.05
done
T_SUCCEEDED=$(now)
until curl -fsS -o "${WORK}/answer.json" -H "Content-Type: image/jpeg" --data-binary @"${WORK}/probe.jpg" \
  "http://127.0.0.1:${PORT}/v1/expression?head=${HEAD}@v1" 2>/dev/null; do
  sleep 0.05
done
T_SERVED=$(now)

python3 - "${STATE}" "${WORK}/answer.json" <<PY
import json, sys
job = json.loads(sys.argv[1]); answer = json.load(open(sys.argv[2]))
faces = answer["faces"]
print(f"images: ${IMAGES} (train {job['trainExamples']}, validation {job['validationExamples']}), epochs ${EPOCHS}, "
      f"unfrozen_blocks ${UNFROZEN_BLOCKS}")
print(f"upload accepted:        {${T_UPLOADED} - ${T0}:6d} ms")
print(f"upload -> succeeded:    {${T_SUCCEEDED} - ${T0}:6d} ms")
print(f"succeeded -> served:    {${T_SERVED} - ${T_SUCCEEDED}:6d} ms")
print(f"UPLOAD -> FIRST SERVED PREDICTION: {${T_SERVED} - ${T0}} ms")
print("validation metrics:", job["validationMetrics"])
print("first answer:", faces[0]["expression"]["label"] if faces else "no face found", "by",
      [h for h in answer["model"]["heads"]])
PY
grep -h "published in" "${WORK}/server.log" | sed 's/.*INFO  //' || true
