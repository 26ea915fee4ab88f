#!/usr/bin/env bash
# Graceful shutdown, checked on the packaged server as Kubernetes stops it: SIGTERM arrives while requests are
# queued and being computed; every one of them must still be answered 200 with a full result, and the process
# must exit on its own well inside the grace period (quarkus.shutdown.timeout, 30 s).
#
# usage: scripts/drain-check.sh [requests] [image]
#   defaults: 48 concurrent POST /v1/analyze (face detection + all tasks), ../shared/data/lfpw/train/image_0001.jpg
# needs: the packaged server (mvn -B package -DskipTests), python3, curl. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-48}
image=${2:-../shared/data/lfpw/train/image_0001.jpg}
app=server/target/quarkus-app/quarkus-run.jar
fail() { echo "drain-check: FAIL: $*" >&2; exit 1; }
[ -f "$app" ] || fail "build first: mvn -B package -DskipTests"
[ -f "$image" ] || fail "image $image not found (real face data lives in ../shared/data)"

work=$(mktemp -d "${TMPDIR:-/tmp}/pros-drain.XXXXXX")
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# one worker and a deep queue: the requests pile up in the batcher, so SIGTERM finds work queued, not just in flight
# shellcheck disable=SC2086 # JAVA_OPTS: extra -D options, e.g. -Dquarkus.shutdown.timeout=0 to see this check fail
java ${JAVA_OPTS:-} -Dquarkus.http.port="$port" -Dpros.inference.workers=1 -Dpros.inference.max-queue-size=256 \
  -Dquarkus.datasource.\"embedded\".jdbc.url="jdbc:h2:file:$work/db" -jar "$app" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "server exited during start"; }
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null || fail "server not ready: $(tail -20 "$work/server.log")"

# every client records: HTTP status, faces answered, and when it finished (ns)
for i in $(seq 1 "$requests"); do
  (
    status=$(curl -s -o "$work/answer-$i.json" -w '%{http_code}' -H 'Content-Type: image/jpeg' \
      --data-binary @"$image" "http://127.0.0.1:$port/v1/analyze") || true  # 000: connection lost
    echo "$status $(date +%s%N)" > "$work/status-$i"
  ) &
done
# let the requests reach the server and queue, then stop it the way the kubelet does
sleep 0.5
sigterm_at=$(date +%s%N)
kill -TERM "$server_pid"
wait_start=$(date +%s)
while kill -0 "$server_pid" 2>/dev/null; do
  (( $(date +%s) - wait_start < 45 )) || fail "server still running 45 s after SIGTERM"
  sleep 0.2
done
exit_code=0
wait "$server_pid" || exit_code=$?
server_pid=
exited_after_ms=$(( ($(date +%s%N) - sigterm_at) / 1000000 ))
wait  # the clients

ok=0; after=0; bad=()
for i in $(seq 1 "$requests"); do
  read -r status finished < "$work/status-$i"
  if [ "$status" = 200 ] && python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if a["faces"] and len(a["faces"][0]["landmarks"]["points"]) == 68 else 1)' "$work/answer-$i.json" 2>/dev/null; then
    ok=$((ok + 1))
  else
    bad+=("request $i: HTTP $status $(head -c 120 "$work/answer-$i.json" 2>/dev/null || true);")
  fi
  (( finished > sigterm_at )) && after=$((after + 1))
done
echo "drain-check: $ok/$requests answered 200 with 68 landmarks; $after finished after SIGTERM;" \
  "server exited $exit_code after ${exited_after_ms} ms"
grep -h "draining\|stopped in" "$work/server.log" | sed 's/^/drain-check: server log: /' || true
[ ${#bad[@]} -eq 0 ] || fail "requests lost during shutdown: ${bad[*]}"
# a check that cannot fail is no check: SIGTERM has to have found work still to do
(( after > 0 )) || fail "every request finished before SIGTERM; raise the request count to test the drain"
# 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran; anything else is a crash
[ "$exit_code" = 0 ] || [ "$exit_code" = 143 ] || fail "server exit status $exit_code: $(tail -20 "$work/server.log")"
grep -q "ERROR" "$work/server.log" && fail "errors in the server log: $(grep -m3 ERROR "$work/server.log")"
echo "drain-check: PASS"
