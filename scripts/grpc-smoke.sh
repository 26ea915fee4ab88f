#!/usr/bin/env bash
# A real gRPC client against a RUNNING server: `buf curl` over server reflection (no .proto files needed) calls
# pros.v1.FaceAnalysis/Analyze on a real face image and checks the answer's structure, then checks that garbage is
# refused with INVALID_ARGUMENT while the server keeps answering, then asks the Open Inference Protocol v2 (gRPC
# inference.GRPCInferenceService through buf curl, REST /v2 through curl) for the same face's landmarks.
#
# usage: scripts/grpc-smoke.sh [host:port] [image]
#   defaults: localhost:8080, ../shared/data/lfpw/train/image_0001.jpg (relative to the repository root)
# needs: jq, and buf (on PATH, in $BUF, or installed here with npm into $BUF_PREFIX, default ~/.cache/pros-face/buf)
set -euo pipefail
cd "$(dirname "$0")/.."
address=${1:-localhost:8080}
image=${2:-../shared/data/lfpw/train/image_0001.jpg}

fail() { echo "grpc-smoke: FAIL: $*" >&2; exit 1; }
[ -f "$image" ] || fail "image $image not found (real face data lives in ../shared/data)"
command -v jq >/dev/null || fail "jq is needed to check the answers"

buf=$(scripts/lib/find-buf.sh) || fail "no buf CLI (set BUF, or install npm to let it fetch @bufbuild/buf)"
call() { "$buf" curl --protocol grpc --http2-prior-knowledge --timeout 60s "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. reflection lists the service
call --list-services "http://$address" > "$work/services" || fail "reflection: cannot list services at $address"
grep -qx 'pros.v1.FaceAnalysis' "$work/services" || fail "pros.v1.FaceAnalysis not listed: $(tr '\n' ' ' < "$work/services")"

# 2. Analyze on a real face: every default task, one backbone pass
printf '{"image":"%s"}' "$(base64 -w0 "$image")" > "$work/request.json"
start=$(date +%s%N)
call -d @"$work/request.json" "http://$address/pros.v1.FaceAnalysis/Analyze" > "$work/answer.json" \
  || fail "Analyze failed: $(cat "$work/answer.json")"
millis=$(( ($(date +%s%N) - start) / 1000000 ))
jq -e '
  .image.width as $w | .image.height as $h
  | (.faces | length) >= 1
  and (.faces[0].boxSource == "BOX_SOURCE_DETECTED")
  and (.faces[0].box.width > 0) and (.faces[0].box.height > 0)
  and (.faces[0].landmarks.points | length) == 68
  and ([.faces[0].landmarks.points[] | select((.x // 0) < -0.5 * $w or (.x // 0) > 1.5 * $w
        or (.y // 0) < -0.5 * $h or (.y // 0) > 1.5 * $h)] | length) == 0
  and (.faces[0].attributes.labels | length) > 0
  and ([.faces[0].attributes.labels[].probability | select(. < 0 or . > 1)] | length) == 0
  and (([.faces[0].expression.distribution[].probability] | add) - 1 | fabs) < 0.001
  and (([.faces[0].embedding.values[] | . * .] | add | sqrt) - 1 | fabs) < 0.001
  and (.image.width > 0) and (.model.backbone | length) > 0
' "$work/answer.json" > /dev/null || fail "unexpected Analyze answer: $(head -c 2000 "$work/answer.json")"
echo "grpc-smoke: Analyze OK in ${millis} ms: $(jq -c '{faces: (.faces | length), box: .faces[0].box,
  expression: .faces[0].expression.label, backbone: .model.backbone, image: .image}' "$work/answer.json")"

# 3. garbage is INVALID_ARGUMENT, and the server still answers afterwards
if call -d '{"image":"bm90IGFuIGltYWdl"}' "http://$address/pros.v1.FaceAnalysis/Analyze" > "$work/bad.json" 2>&1; then
  fail "garbage was accepted: $(cat "$work/bad.json")"
fi
grep -q 'invalid_argument' "$work/bad.json" || fail "garbage: expected invalid_argument, got $(cat "$work/bad.json")"
call -d @"$work/request.json" "http://$address/pros.v1.FaceAnalysis/Embed" > "$work/embed.json" \
  || fail "Embed after a bad request failed: $(cat "$work/embed.json")"
jq -e '(.faces[0].embedding.values | length) > 0' "$work/embed.json" > /dev/null || fail "Embed: no embedding"
echo "grpc-smoke: INVALID_ARGUMENT for garbage, then Embed OK"
# 4. the Open Inference Protocol v2 over the same port: buf curl (gRPC, reflection) and curl (REST JSON), each answer
# equal to pros.v1 Analyze's on the same face
grep -qx 'inference.GRPCInferenceService' "$work/services" || fail "inference.GRPCInferenceService not listed"
call "http://$address/inference.GRPCInferenceService/ServerReady" | jq -e '.ready == true' > /dev/null \
  || fail "v2 ServerReady is not true"
printf '{"model_name":"pros-face","id":"smoke","inputs":[{"name":"images","datatype":"BYTES","shape":["1"],"contents":{"bytes_contents":["%s"]}}],"outputs":[{"name":"face_found"},{"name":"landmarks"},{"name":"expression"}]}' \
  "$(base64 -w0 "$image")" > "$work/v2-request.json"
call -d @"$work/v2-request.json" "http://$address/inference.GRPCInferenceService/ModelInfer" > "$work/v2-grpc.json" \
  || fail "v2 ModelInfer failed: $(head -c 2000 "$work/v2-grpc.json")"
# the largest face of pros.v1 (faces come largest first) is the one v2 answers for an image without a box
same_as_v1='. as $v2 | ($v1[0].faces[0].landmarks.points | map([(.x // 0), (.y // 0)]) | flatten) as $expected
  | ($v2.outputs[] | select(.name == "landmarks")) as $landmarks
  | ($landmarks.shape | map(tonumber)) == [1, 68, 2]
  and ([range(0; 136) | ($landmarks.contents.fp32Contents[.] - $expected[.]) | fabs] | max) < 0.05
  and (($v2.outputs[] | select(.name == "face_found")).contents.boolContents == [true])
  and ($v2.id == "smoke")'
jq -e --slurpfile v1 "$work/answer.json" "$same_as_v1" "$work/v2-grpc.json" > /dev/null \
  || fail "v2 ModelInfer differs from pros.v1 Analyze: $(head -c 1500 "$work/v2-grpc.json")"
printf '{"id":"smoke","inputs":[{"name":"images","datatype":"BYTES","shape":[1],"data":["%s"]}],"outputs":[{"name":"landmarks"}]}' \
  "$(base64 -w0 "$image")" > "$work/v2-rest-request.json"
curl -fsS -H 'Content-Type: application/json' --data-binary @"$work/v2-rest-request.json" \
  "http://$address/v2/models/pros-face/infer" > "$work/v2-rest.json" || fail "v2 REST infer failed"
jq -e --slurpfile v1 "$work/answer.json" '($v1[0].faces[0].landmarks.points | map([(.x // 0), (.y // 0)]) | flatten)
  as $expected | (.outputs[] | select(.name == "landmarks")) as $l | $l.shape == [1, 68, 2]
  and ([range(0; 136) | ($l.data[.] - $expected[.]) | fabs] | max) < 0.05' "$work/v2-rest.json" > /dev/null \
  || fail "v2 REST infer differs from pros.v1 Analyze: $(head -c 1500 "$work/v2-rest.json")"
echo "grpc-smoke: v2 ModelInfer (buf curl) and POST /v2/models/pros-face/infer (curl) equal pros.v1 Analyze"
echo "grpc-smoke: PASS ($address)"
