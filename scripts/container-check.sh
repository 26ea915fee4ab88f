#!/usr/bin/env bash
# The deployment must start: builds the real JVM image (src/main/docker/Dockerfile.jvm) and runs it with podman the
# way the Kubernetes manifests run it, then uses it as a client would and stops it as the kubelet does.
#
#  1. base   a Java 17 runtime base image built locally (scripts/container/base-image.sh: Debian minbase + a
#            jlink'ed JRE from this machine's JDK), because no container registry is reachable from CI; cached
#  2. build  Dockerfile.jvm on that base (--build-arg JAVA_IMAGE), from server/target/quarkus-app
#  3. run    the server container of the overlay (default k8s/overlays/cpu), rendered by scripts/container/pod-args.py:
#            its user, group and fsGroup, read-only root file system, dropped capabilities, no privilege escalation,
#            memory limit, ConfigMap + env variables, the API key from the Secret as an env variable (a podman
#            secret), every emptyDir / PersistentVolumeClaim as a fresh host directory at its mount path (nothing
#            else writable), the container port published on 127.0.0.1 only
#  4. ready  the startup, readiness and liveness probe paths answer 200 within the startup probe's budget
#  5. use    POST /v1/analyze with a real face (../shared/data, read in place): a face, 68 landmarks, attributes,
#            expression; GET /v1/finetune/jobs: 401 without and with a wrong key, 200 with the Secret's key; the H2
#            job store lands on its volume; the heap limit follows JAVA_MAX_MEM_RATIO; every native library in the
#            container (JRE, libtorch and its JNI library in the DJL cache, OpenCV's in /tmp) finds its dependencies;
#            the volumes stay within their sizeLimit and the ephemeral-storage limit
#  6. stop   the preStop command, then SIGTERM with the rest of terminationGracePeriodSeconds: exit status 143 (or 0)
#            before the grace period ends, Quarkus' orderly "stopped in" line, no ERROR and no read-only file system
#            error in the log
# Everything it creates (container, app image, podman secret, volume directories) is removed at exit; the base image
# is kept for the next run unless CONTAINER_CHECK_KEEP_BASE=false.
#
# usage: scripts/container-check.sh [overlay] [image]
#   defaults: k8s/overlays/cpu, ../shared/data/lfpw/train/image_0001.jpg (skipped, saying so, when ../shared/data is
#   absent)
# needs: the packaged server (mvn -B package -DskipTests), root, python3, curl; podman, runc, debootstrap
#   and python3-yaml are installed with apt-get when missing. Run by .ci/run.
# environment: CONTAINER_CHECK_KEEP_BASE (default true), CONTAINER_CHECK_REQUIRED (default false: where containers
#   cannot run here, or the face data is absent, the check says exactly why and exits 0; true: it fails instead),
#   JDK17_HOME, DEBIAN_MIRROR (see scripts/container/base-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
overlay=${1:-k8s/overlays/cpu}
face=${2:-}
keep_base=${CONTAINER_CHECK_KEEP_BASE:-true}
required=${CONTAINER_CHECK_REQUIRED:-false}
started_at=$SECONDS
say() { echo "container-check: $*"; }
fail() { echo "container-check: FAIL: $*" >&2; exit 1; }
# the environment cannot run the check (no container engine, no face data): not a defect of the image or manifests
skip() {
  [ "$required" = true ] && fail "cannot run here (CONTAINER_CHECK_REQUIRED=true): $*"
  echo "container-check: SKIPPED: $*" >&2
  exit 0
}
phase_started=$SECONDS
timings=()
phase_done() { timings+=("$1 $((SECONDS - phase_started)) s"); phase_started=$SECONDS; }

[ -f server/target/quarkus-app/quarkus-run.jar ] || fail "build first: mvn -B package -DskipTests"
if [ -z "$face" ]; then
  [ -d ../shared/data ] || skip "no face data: ../shared/data is absent (CI always has it)"
  face=../shared/data/lfpw/train/image_0001.jpg
fi
[ -f "$face" ] || fail "image $face not found"
[ -f "$overlay/kustomization.yaml" ] || fail "no kustomization in $overlay"

# --- the engine -------------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap and rootful podman); running as $(id -un)"
install_packages() {
  apt-get install -y -q "$@" > /dev/null 2>&1 \
    || { apt-get update -q > /dev/null 2>&1 && apt-get install -y -q "$@" > /dev/null 2>&1; }
}
missing=()
for tool in podman runc debootstrap; do command -v "$tool" > /dev/null || missing+=("$tool"); done
python3 -c 'import yaml' 2> /dev/null || missing+=(python3-yaml)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get > /dev/null || skip "missing ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]}"
  install_packages "${missing[@]}" || skip "apt-get install ${missing[*]} failed"
fi
export CONTAINERS_CONF=$PWD/scripts/container/containers.conf
phase_done "tools"

base=$(scripts/container/base-image.sh) || skip "no local base image could be built (scripts/container/base-image.sh, above)"
# the smallest container with a published port: if this fails, the engine cannot run containers here at all
probe=$(podman run --rm --publish 127.0.0.1::8080 "$base" java -version 2>&1) \
  || skip "podman cannot run a container here: podman run --rm --publish 127.0.0.1::8080 $base java -version: $probe"
phase_done "base image"

# --- build --------------------------------------------------------------------------------------------------------
run_id=pros-face-check-$$
app_image=localhost/pros-face/pros-face-server:check-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/pros-container.XXXXXX")
secrets=()
cleanup() {
  podman rm -f --time 0 "$run_id" > /dev/null 2>&1 || true
  podman rmi -f "$app_image" > /dev/null 2>&1 || true
  for secret in "${secrets[@]}"; do podman secret rm "$secret" > /dev/null 2>&1 || true; done
  [ "$keep_base" = true ] || podman rmi "$base" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
say "building src/main/docker/Dockerfile.jvm on $base"
podman build --quiet -f src/main/docker/Dockerfile.jvm --build-arg JAVA_IMAGE="$base" -t "$app_image" . > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "podman build of src/main/docker/Dockerfile.jvm failed"; }
say "image $(podman image inspect --format '{{.Size}}' "$app_image" | awk '{printf "%.0f MB", $1 / 1e6}')"
phase_done "build"

# --- run as the manifests say -------------------------------------------------------------------------------------
pod_args=$(python3 scripts/container/pod-args.py "$overlay") || fail "cannot reproduce $overlay with podman (above)"
eval "$pod_args"
image_user=$(podman image inspect --format '{{.Config.User}}' "$app_image")
# runAsNonRoot: the kubelet refuses to start an image whose user is root, or non-numeric without runAsUser
if [ "$POD_RUN_AS_NON_ROOT" = true ]; then
  [ "${POD_RUN_AS_USER:-$image_user}" != 0 ] && [[ ${POD_RUN_AS_USER:-$image_user} =~ ^[0-9]+$ ]] \
    || fail "runAsNonRoot, but the container would run as '${POD_RUN_AS_USER:-$image_user}'"
fi
[ -z "$POD_RUN_AS_USER" ] || [ "$image_user" = "$POD_RUN_AS_USER" ] \
  || fail "image USER $image_user differs from the pod's runAsUser $POD_RUN_AS_USER (files owned by the wrong user)"

run=(--name "$run_id" --label io.prosface.container-check=run --stop-timeout "$POD_GRACE_SECONDS")
user=${POD_RUN_AS_USER:-$image_user}
[ -z "$POD_RUN_AS_GROUP" ] || user="$user:$POD_RUN_AS_GROUP"
run+=(--user "$user")
[ -z "$POD_FS_GROUP" ] || run+=(--group-add "$POD_FS_GROUP")
# only the pod's volumes are writable: podman's own tmpfs on /tmp, /run and /var/tmp would hide a missing emptyDir
[ "$POD_READ_ONLY_ROOT" = true ] && run+=(--read-only --read-only-tmpfs=false)
[ "$POD_NO_NEW_PRIVILEGES" = true ] && run+=(--security-opt no-new-privileges)
for capability in "${POD_CAP_DROP[@]}"; do run+=(--cap-drop "$capability"); done
for capability in "${POD_CAP_ADD[@]}"; do run+=(--cap-add "$capability"); done
# Kubernetes quantities: 4Gi -> 4g (podman's units are binary); a CPU limit above this machine's cores is capped
[ -z "$POD_MEMORY_LIMIT" ] || run+=(--memory "$(sed -E 's/([0-9]+)([KMG])i$/\1\L\2/' <<< "$POD_MEMORY_LIMIT")")
if [ -n "$POD_CPU_LIMIT" ]; then
  cpus=$(python3 -c "import os, sys; l = sys.argv[1]; l = float(l[:-1]) / 1000 if l.endswith('m') else float(l); print(min(l, os.cpu_count()))" "$POD_CPU_LIMIT")
  run+=(--cpus "$cpus")
fi
mounts=()
for mount in "${POD_MOUNTS[@]}"; do
  IFS=: read -r name kind size path <<< "$mount"
  # emptyDir / PVC with fsGroup: owned by the group, group-writable, new files inherit the group (setgid)
  mkdir -p "$work/volumes/$name"
  chown "${POD_RUN_AS_USER:-0}:${POD_FS_GROUP:-0}" "$work/volumes/$name"
  chmod 2775 "$work/volumes/$name"
  run+=(--volume "$work/volumes/$name:$path")
  mounts+=("$name:$kind:$size:$path")
done
for variable in "${POD_ENV[@]}"; do run+=(--env "$variable"); done
declare -A secret_values=()
for reference in "${POD_SECRET_ENV[@]}"; do
  variable=${reference%%=*}
  secret_values[$variable]=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
  secret=$run_id-$(tr '[:upper:]_' '[:lower:]-' <<< "$variable")
  printf '%s' "${secret_values[$variable]}" | podman secret create "$secret" - > /dev/null
  secrets+=("$secret")
  run+=(--secret "$secret,type=env,target=$variable")
done
api_key=${secret_values[PROS_AUTH_API_KEYS_ADMIN_KEY]:-}
[ -n "$api_key" ] || fail "$overlay: no PROS_AUTH_API_KEYS_ADMIN_KEY from a Secret (the fine-tuning API key)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run+=(--publish "127.0.0.1:$port:$POD_PORT")
url=http://127.0.0.1:$port

say "running $overlay: user $user, fsGroup ${POD_FS_GROUP:-none}, read-only root $POD_READ_ONLY_ROOT, memory $POD_MEMORY_LIMIT," \
  "cpus ${cpus:-unlimited} (limit ${POD_CPU_LIMIT:-none}), volumes ${POD_MOUNTS[*]}, port 127.0.0.1:$port"
podman run --detach "${run[@]}" "$app_image" > /dev/null 2> "$work/run.log" || fail "podman run: $(cat "$work/run.log")"
container_log() { podman logs "$run_id" 2>&1; }
running() { [ "$(podman inspect --format '{{.State.Running}}' "$run_id" 2> /dev/null)" = true ]; }

deadline=$((SECONDS + POD_STARTUP_SECONDS))
until curl -fs --max-time 5 -o /dev/null "$url$POD_READINESS_PATH"; do
  running || { container_log | tail -60 >&2; fail "the container exited during start (status $(podman inspect --format '{{.State.ExitCode}}' "$run_id"))"; }
  [ $SECONDS -lt $deadline ] || { container_log | tail -60 >&2; fail "not ready at $POD_READINESS_PATH within the startup probe's ${POD_STARTUP_SECONDS} s"; }
  sleep 1
done
for path in "$POD_STARTUP_PATH" "$POD_LIVENESS_PATH" "$POD_READINESS_PATH"; do
  status=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$url$path")
  [ "$status" = 200 ] || fail "probe $path answered $status"
done
say "ready: $POD_STARTUP_PATH, $POD_LIVENESS_PATH and $POD_READINESS_PATH answer 200"
phase_done "start until ready"

# --- use it -------------------------------------------------------------------------------------------------------
status=$(curl -s --max-time 60 -o "$work/analysis.json" -w '%{http_code}' -H 'Content-Type: image/jpeg' --data-binary @"$face" "$url/v1/analyze")
[ "$status" = 200 ] || fail "POST /v1/analyze answered $status: $(head -c 300 "$work/analysis.json")"
python3 - "$work/analysis.json" <<'EOF' || fail "POST /v1/analyze: $(head -c 300 "$work/analysis.json")"
import json, sys
answer = json.load(open(sys.argv[1]))
faces = answer["faces"]
assert faces, "no face found"
face = faces[0]
points = face["landmarks"]["points"]
assert len(points) == 68, f"{len(points)} landmarks"
assert all(isinstance(p["x"], (int, float)) and isinstance(p["y"], (int, float)) for p in points)
attributes = face["attributes"]["labels"]
assert attributes and all(0 <= a["probability"] <= 1 for a in attributes), "no attributes"
assert face["expression"]["label"], "no expression"
print(f"container-check: /v1/analyze: {len(faces)} face(s), box {face['box']}, 68 landmarks, {len(attributes)} attributes, "
      f"expression {face['expression']['label']}, backbone {answer['model']['backbone']}")
EOF
for attempt in "none:401" "wrong:401" "right:200"; do
  case ${attempt%%:*} in
    none) header=() ;;
    wrong) header=(-H "Authorization: Bearer not-$api_key") ;;
    right) header=(-H "Authorization: Bearer $api_key") ;;
  esac
  status=$(curl -s --max-time 30 -o "$work/jobs.json" -w '%{http_code}' "${header[@]}" "$url/v1/finetune/jobs")
  [ "$status" = "${attempt##*:}" ] || fail "GET /v1/finetune/jobs with ${attempt%%:*} key answered $status, expected ${attempt##*:}: $(head -c 300 "$work/jobs.json")"
done
python3 -c 'import json, sys; json.load(open(sys.argv[1]))["jobs"]' "$work/jobs.json" || fail "GET /v1/finetune/jobs: $(head -c 300 "$work/jobs.json")"
say "/v1/finetune/jobs: 401 without a key and with a wrong one, 200 with the Secret's key"

# the H2 job store, where the manifests put it (a PersistentVolumeClaim in the single-replica overlays)
store_url=$(printf '%s\n' "${POD_ENV[@]}" | sed -n 's/^QUARKUS_DATASOURCE__EMBEDDED__JDBC_URL=jdbc:h2:file:\([^;]*\).*/\1/p')
if [ -n "$store_url" ]; then
  store_file=
  for mount in "${mounts[@]}"; do
    IFS=: read -r name kind size path <<< "$mount"
    [[ $store_url == "$path"/* ]] && store_file=$work/volumes/$name/${store_url#"$path"/}.mv.db
  done
  [ -n "$store_file" ] || fail "the H2 job store $store_url lies on no volume (read-only root file system)"
  [ -s "$store_file" ] || fail "no H2 job store at $store_url after a fine-tuning call"
  say "job store: $store_url.mv.db written on its volume"
fi

# the heap limit the JVM derived from the memory limit and JAVA_MAX_MEM_RATIO
ratio=$(printf '%s\n' "${POD_ENV[@]}" | sed -n 's/^JAVA_MAX_MEM_RATIO=//p')
ratio=${ratio:-$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$app_image" | sed -n 's/^JAVA_MAX_MEM_RATIO=//p')}
command_line=$(podman exec "$run_id" cat /proc/1/cmdline | tr '\0' ' ')
[[ $command_line == java\ * && " $command_line" == *" -XX:MaxRAMPercentage=$ratio "* ]] || fail "PID 1 is not java with -XX:MaxRAMPercentage=$ratio: $command_line"
if [ -n "$POD_MEMORY_LIMIT" ]; then
  # the heap pools' maxima (Micrometer): eden + old = the heap limit less the survivor spaces, which are left out
  heap=$(curl -fs --max-time 30 "$url/q/metrics" | awk '/^jvm_memory_max_bytes\{/ && /area="heap"/ && !/Survivor/ {sum += $NF} END {printf "%.0f", sum}')
  limit=$(numfmt --from=iec-i "$POD_MEMORY_LIMIT")
  python3 -c 'import sys; h, l, r = map(float, sys.argv[1:]); sys.exit(0 if 0.9 * r / 100 <= h / l <= 1.02 * r / 100 else 1)' "$heap" "$limit" "$ratio" \
    || fail "max heap $heap bytes is not $ratio % of the memory limit $POD_MEMORY_LIMIT"
  say "heap: max $((heap / 1048576)) MiB = ${ratio} % of $POD_MEMORY_LIMIT (java -XX:MaxRAMPercentage=$ratio)"
fi

# every native library in the container finds what it links against (missing ones surface only when first loaded)
podman exec "$run_id" /bin/sh -c '
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  find "$java_home" /var/cache/djl /tmp -name "*.so*" -type f > /tmp/.libraries 2>/dev/null
  while read -r library; do LD_LIBRARY_PATH=$(dirname "$library") ldd "$library" 2>/dev/null; done < /tmp/.libraries \
    | awk "/not found/ {print \$1}" | sort -u > /tmp/.missing
  sed "s|.*/||" /tmp/.libraries | sort -u > /tmp/.present
  comm -23 /tmp/.missing /tmp/.present; echo "checked $(wc -l < /tmp/.libraries)" >&2; rm -f /tmp/.libraries /tmp/.missing /tmp/.present
' > "$work/missing-libraries" 2> "$work/ldd.log" || fail "ldd inside the container failed: $(cat "$work/ldd.log")"
[ ! -s "$work/missing-libraries" ] || fail "native libraries with unresolved dependencies: $(paste -sd' ' "$work/missing-libraries")"
grep -q 'libtorch_cpu.so' <(podman exec "$run_id" find /var/cache/djl -name 'libtorch_cpu.so') || fail "no libtorch in the DJL cache volume"
say "native libraries: every dependency resolves ($(sed 's/checked //' "$work/ldd.log") files: JRE, libtorch + JNI in the DJL cache, OpenCV in /tmp)"

# volume usage against the pod's limits (an emptyDir over its sizeLimit, or all of them over ephemeral-storage,
# gets the pod evicted)
total=0
usage=()
for mount in "${mounts[@]}"; do
  IFS=: read -r name kind size path <<< "$mount"
  used=$(du -sb "$work/volumes/$name" | cut -f1)
  usage+=("$path $((used / 1048576)) MiB${size:+ of $size}")
  [ "$kind" = emptyDir ] && total=$((total + used))
  [ -z "$size" ] || [ "$used" -le "$(numfmt --from=iec-i "$size")" ] || fail "$path uses $used bytes, over its $size"
done
[ -z "$POD_EPHEMERAL_STORAGE_LIMIT" ] || [ "$total" -le "$(numfmt --from=iec-i "$POD_EPHEMERAL_STORAGE_LIMIT")" ] \
  || fail "emptyDirs use $total bytes, over the ephemeral-storage limit $POD_EPHEMERAL_STORAGE_LIMIT"
say "volumes: ${usage[*]}; emptyDirs $((total / 1048576)) MiB of ephemeral-storage ${POD_EPHEMERAL_STORAGE_LIMIT:-unlimited}"
phase_done "requests and checks"

# --- stop as the kubelet does ----------------------------------------------------------------------------------------
stop_budget=$POD_GRACE_SECONDS
if [ ${#POD_PRE_STOP[@]} -gt 0 ]; then
  pre_stop_started=$SECONDS
  podman exec "$run_id" "${POD_PRE_STOP[@]}" || fail "preStop ${POD_PRE_STOP[*]} failed in the image"
  stop_budget=$((POD_GRACE_SECONDS - (SECONDS - pre_stop_started)))
  curl -fs --max-time 5 -o /dev/null "$url$POD_READINESS_PATH" || fail "not ready any more after preStop (before SIGTERM)"
fi
stop_started=$(date +%s%N)
podman stop --time "$stop_budget" "$run_id" > /dev/null 2> "$work/stop.log" || true
stopped_after_ms=$(( ($(date +%s%N) - stop_started) / 1000000 ))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$run_id")
container_log > "$work/server.log"
# 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran; 137 = SIGKILL at the end of the grace period
[ "$exit_code" = 0 ] || [ "$exit_code" = 143 ] \
  || { tail -40 "$work/server.log" >&2; cat "$work/stop.log" >&2; fail "exit status $exit_code after SIGTERM (${stopped_after_ms} ms)"; }
grep -q 'stopped in' "$work/server.log" || { tail -40 "$work/server.log" >&2; fail "no orderly Quarkus shutdown in the log"; }
! grep -qi 'read-only file system' "$work/server.log" || fail "the server tried to write outside its volumes: $(grep -m3 -i 'read-only file system' "$work/server.log")"
! grep -q ' ERROR ' "$work/server.log" || fail "errors in the server log: $(grep -m3 ' ERROR ' "$work/server.log")"
say "stopped: preStop '${POD_PRE_STOP[*]}', then SIGTERM: exit status $exit_code after ${stopped_after_ms} ms;" \
  "log: $(grep -m1 -o '[^ ]* stopped in [0-9.]*s' "$work/server.log")"
phase_done "preStop + stop"
grep ' WARN ' "$work/server.log" | cut -c 25- | sed 's/^/container-check: server log: /' || true

say "PASS in $((SECONDS - started_at)) s (${timings[*]/%/;})"
