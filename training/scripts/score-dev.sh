#!/usr/bin/env bash
# Scores a checkpoint over REST on the development split, the way the outside checks call the server:
# starts the packaged server (server/target/quarkus-app, built if missing) on a spare port with the checkpoint, runs
# ../shared/tools/score_rest.py on the dev split of dev-splits.sh, stops the server.
# Usage: training/scripts/score-dev.sh [CHECKPOINT] [OUT_JSON] [extra -D options for the server...]
#   CHECKPOINT default models/default; OUT_JSON default target/dev-scores.json; LIMIT (default 300) caps each set;
#   SPLITS (default training/target/splits) is the splits folder (created when missing).
#   FEW_SHOT=1 also runs few-shot-dev.py: a 3-class expression head uploaded over the fine-tuning API and scored on
#   other people (result in OUT_JSON with .few-shot.json appended; the server's job database is a throwaway one);
#   FEW_SHOT=only runs just that.
set -euo pipefail
cd "$(dirname "$0")/../.."   # repository root
CHECKPOINT="$(realpath "${1:-models/default}")"
OUT="${2:-target/dev-scores.json}"
shift $(( $# > 2 ? 2 : $# ))
SPLITS="${SPLITS:-training/target/splits}"
LIMIT="${LIMIT:-300}"
PORT="${PORT:-8089}"
[ -d "$SPLITS/dev" ] || training/scripts/dev-splits.sh "$(realpath -m "$SPLITS")"
[ -f server/target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
mkdir -p "$(dirname "$OUT")"
KEY="dev-$RANDOM$RANDOM"
DB="$(mktemp -d)"
DJL_OFFLINE=true OMP_WAIT_POLICY=PASSIVE java -Dquarkus.http.port="$PORT" -Dpros.model.path="$CHECKPOINT" \
  -Dpros.auth.api-keys.dev.key="$KEY" -Dpros.auth.api-keys.dev.roles=admin \
  -Dquarkus.datasource.\"embedded\".jdbc.url="jdbc:h2:file:$DB/prosface;DB_CLOSE_ON_EXIT=FALSE" "$@" \
  -jar server/target/quarkus-app/quarkus-run.jar > "$OUT.server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$DB"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$PORT/q/health/ready" > /dev/null && break
  sleep 1
done
curl -sf "http://localhost:$PORT/q/health/ready" > /dev/null || { echo "server not ready; see $OUT.server.log" >&2; exit 1; }
[ "${FEW_SHOT:-0}" = only ] || python3 ../shared/tools/score_rest.py "http://localhost:$PORT" "$SPLITS/dev" "$OUT" --limit "$LIMIT"
if [ "${FEW_SHOT:-0}" != 0 ]; then
  python3 training/scripts/few-shot-dev.py "http://localhost:$PORT" "$KEY" "$SPLITS/dev" "$OUT.few-shot.json"
fi
