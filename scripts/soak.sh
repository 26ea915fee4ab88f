#!/usr/bin/env bash
# Native-memory soak (not part of CI): sends 20,000 requests to a RUNNING server and prints its resident memory
# (VmRSS) after the first 2,000 and after all 20,000. Goal: the second within 5% of the first, i.e. no native leak
# (DJL arrays are freed per batch; OpenCV and ImageIO buffers per request).
#
# usage: scripts/soak.sh <server-pid> [host:port] [image] [route]
#   default route /v1/analyze?box=20,20,150,160 (decode, crop, backbone, all heads, embedding; no detection);
#   pass /v1/analyze to include face detection (about 10x slower per request).
# Start the server with a fixed heap so heap growth does not read as a leak, e.g.
#   java -Xms512m -Xmx512m -jar server/target/quarkus-app/quarkus-run.jar
# needs h2load (Debian: nghttp2-client); without it falls back to curl (slower).
set -euo pipefail
cd "$(dirname "$0")/.."
pid=${1:?usage: scripts/soak.sh <server-pid> [host:port] [image] [route]}
address=${2:-localhost:8080}
image=${3:-../shared/data/lfpw/train/image_0001.jpg}
route=${4:-/v1/analyze?box=20,20,150,160}
url="http://$address$route"

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
send() {
  if command -v h2load >/dev/null; then
    h2load -n "$1" -c 4 -m 4 -d "$image" -H 'Content-Type: image/jpeg' "$url" | grep -E 'requests:|status codes:'
  else
    seq "$1" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: image/jpeg' \
      --data-binary @"$image" "$url" | sort | uniq -c
  fi
}

echo "soak: $url, server pid $pid, RSS at start $(rss) kB"
send 2000
first=$(rss)
echo "soak: RSS after 2,000 requests: $first kB"
send 18000
last=$(rss)
echo "soak: RSS after 20,000 requests: $last kB"
awk -v a="$first" -v b="$last" 'BEGIN { d = (b - a) * 100 / a; printf "soak: change %+.2f%% (goal: within 5%%) -> %s\n", d, (d <= 5 && d >= -5) ? "PASS" : "FAIL"; exit (d <= 5 && d >= -5) ? 0 : 1 }'
