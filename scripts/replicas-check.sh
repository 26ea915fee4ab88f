#!/usr/bin/env bash
# Two replicas of the packaged server, running at the same time as two processes and sharing one PostgreSQL (the
# `postgres` profile, as in k8s/overlays/postgres): a few-shot job uploaded to replica A is visible on B; whichever
# replica claims and trains it (the queue is shared), the OTHER one serves its head over gRPC (buf curl) and REST
# without a restart, deleting the head there stops the trainer from serving it, and both replicas keep answering
# predictions while the job trains.
#
# usage: PROS_TEST_POSTGRES_URL=jdbc:postgresql://host:port/db?user=u&password=p scripts/replicas-check.sh
#   (scripts/start-test-postgres.sh prints such a URL; .ci/run starts one and runs this script)
# needs: the packaged server (mvn -B package -DskipTests), ../shared/data/facial_expressions, python3, curl, jq,
#        buf (found or installed as scripts/grpc-smoke.sh does)
set -euo pipefail
cd "$(dirname "$0")/.."
app=server/target/quarkus-app/quarkus-run.jar
data=${DATA:-../shared/data/facial_expressions}
images=${IMAGES:-40}
fail() { echo "replicas-check: FAIL: $*" >&2; exit 1; }
say() { echo "replicas-check: $*"; }
[ -f "$app" ] || fail "build first: mvn -B package -DskipTests"
[ -n "${PROS_TEST_POSTGRES_URL:-}" ] || fail "set PROS_TEST_POSTGRES_URL (scripts/start-test-postgres.sh prints one)"
[ -f "$data/labels.csv" ] || fail "no $data/labels.csv (see ../shared/data/README.md)"
command -v jq >/dev/null || fail "jq is needed"
buf=$(scripts/lib/find-buf.sh)

# jdbc:postgresql://h:p/db?user=u&password=p -> URL without credentials, user, password (the profile's variables)
db_url=${PROS_TEST_POSTGRES_URL%%\?*}
query=${PROS_TEST_POSTGRES_URL#*\?}
db_user=$(sed -n 's/.*\(^\|&\)user=\([^&]*\).*/\2/p' <<< "$query")
db_password=$(sed -n 's/.*\(^\|&\)password=\([^&]*\).*/\2/p' <<< "$query")

work=$(mktemp -d "${TMPDIR:-/tmp}/pros-replicas.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
key=replicas-$(date +%s%N)
head_name=replica$(date +%s)

start_replica() {  # name port
  PROS_DB_URL=$db_url PROS_DB_USER=$db_user PROS_DB_PASSWORD=$db_password \
    java -Dquarkus.profile=prod,postgres -Dquarkus.http.port="$2" -Dpros.finetune.poll-interval=1s \
    -Dpros.auth.api-keys.replicas.key="$key" -Dpros.auth.api-keys.replicas.roles=admin \
    -jar "$app" > "$work/$1.log" 2>&1 &
  pids+=($!)
}
wait_ready() {  # name port
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$2/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -30 "$work/$1.log" >&2
  fail "replica $1 not ready"
}
port_a=$(free_port); port_b=$(free_port)
start_replica a "$port_a"
start_replica b "$port_b"
wait_ready a "$port_a"; wait_ready b "$port_b"
say "replica A on :$port_a and replica B on :$port_b, both on $db_url"

python3 scripts/lib/fewshot_zip.py "$data" "$images" "$work/upload.zip" "$work/probe.jpg"
auth=(-H "Authorization: Bearer $key")
job=$(curl -fsS "${auth[@]}" -F kind=classification -F head_name="$head_name" -F epochs=40 \
  -F archive=@"$work/upload.zip" "http://127.0.0.1:$port_a/v1/finetune/jobs") || fail "upload to A refused"
id=$(jq -r .id <<< "$job")
say "job $id accepted by A"

# while the job trains, B sees the same job record and both replicas keep serving the built-in heads
seen_on_b=false; served_while_training=0
for _ in $(seq 1 1200); do
  state_b=$(curl -fsS "${auth[@]}" "http://127.0.0.1:$port_b/v1/finetune/jobs/$id" | jq -r .state) || state_b=missing
  [ "$state_b" != missing ] && seen_on_b=true
  if [ "$state_b" = queued ] || [ "$state_b" = running ]; then
    for port in "$port_a" "$port_b"; do
      curl -fsS -o /dev/null -H 'Content-Type: image/jpeg' --data-binary @"$work/probe.jpg" \
        "http://127.0.0.1:$port/v1/expression" && served_while_training=$((served_while_training + 1))
    done
  fi
  case $state_b in
    succeeded) break ;;
    failed|cancelled) fail "job $id ended $state_b: $(curl -fsS "${auth[@]}" "http://127.0.0.1:$port_b/v1/finetune/jobs/$id")" ;;
  esac
  sleep 0.1
done
[ "$seen_on_b" = true ] || fail "replica B never saw job $id"
[ "$state_b" = succeeded ] || fail "job $id still $state_b after 2 minutes"
trainers=$(grep -l "job $id: head .* published" "$work/a.log" "$work/b.log" || true)
case $trainers in
  "$work/a.log") trainer=A; port_trainer=$port_a; other=B; port_other=$port_b ;;
  "$work/b.log") trainer=B; port_trainer=$port_b; other=A; port_other=$port_a ;;
  *) fail "job $id should be published by exactly one replica, logs say: ${trainers:-none}" ;;
esac
say "job $id succeeded, trained by replica $trainer; $served_while_training predictions served meanwhile"

# the other replica serves name@v1: REST first (it may take one poll interval to load), then gRPC through reflection
for _ in $(seq 1 100); do
  curl -fsS -o "$work/rest.json" -H 'Content-Type: image/jpeg' --data-binary @"$work/probe.jpg" \
    "http://127.0.0.1:$port_other/v1/expression?head=$head_name@v1" 2>/dev/null && break
  sleep 0.1
done
jq -e --arg head "$head_name" '(.faces | length) >= 1 and (.faces[0].expression.label | IN("happiness", "neutral"))
  and ([.model.heads[].head | select(.name == $head and .version == "v1")] | length) == 1' "$work/rest.json" > /dev/null \
  || fail "$other's REST answer does not come from $head_name@v1: $(head -c 600 "$work/rest.json")"
printf '{"image":"%s","head":{"name":"%s","version":"v1"}}' "$(base64 -w0 "$work/probe.jpg")" "$head_name" \
  > "$work/grpc-request.json"
"$buf" curl --protocol grpc --http2-prior-knowledge --timeout 60s -d @"$work/grpc-request.json" \
  "http://127.0.0.1:$port_other/pros.v1.FaceAnalysis/PredictExpression" > "$work/grpc.json" \
  || fail "gRPC PredictExpression on $other failed: $(cat "$work/grpc.json")"
jq -e --arg head "$head_name" '(.faces | length) >= 1 and (.faces[0].expression.label | IN("happiness", "neutral"))
  and ([.model.heads[].head | select(.name == $head and .version == "v1")] | length) == 1' "$work/grpc.json" \
  > /dev/null || fail "$other's gRPC answer is not from the new head: $(head -c 600 "$work/grpc.json")"
say "$other serves $head_name@v1 (trained on $trainer) over REST and gRPC:" \
  "$(jq -c '.faces[0].expression | {label: .label, probability: .probability}' "$work/grpc.json")"

# deleting the head on the other replica: the trainer stops serving it within its poll interval (404, no stale answer)
curl -fsS -X DELETE "${auth[@]}" "http://127.0.0.1:$port_other/v1/finetune/heads/$head_name/v1" >/dev/null \
  || fail "delete of $head_name@v1 on $other refused"
gone=false
for _ in $(seq 1 100); do
  code=$(curl -s -o "$work/after-delete.json" -w '%{http_code}' -H 'Content-Type: image/jpeg' \
    --data-binary @"$work/probe.jpg" "http://127.0.0.1:$port_trainer/v1/expression?head=$head_name@v1") || true
  [ "$code" = 404 ] && { gone=true; break; }
  sleep 0.1
done
[ "$gone" = true ] || fail "$trainer still answers $head_name@v1 after $other deleted it (last HTTP $code)"
say "deleted on $other; $trainer answers 404 for $head_name@v1"
say "PASS"
