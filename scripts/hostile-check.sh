#!/usr/bin/env bash
# Issue 13's attacks replayed on the PACKAGED server, started with the heap a Kubernetes pod gives it (40% of the
# 4 GiB limit) and two CPUs: a gzip bomb over gRPC, small PNGs that decode to hundreds of MB, zip bombs, 16 MB gRPC
# messages in parallel, tar links and FIFOs, an auth bypass by matrix parameter, the caller's mistakes that used to be
# 500s, the fuzzer's slow WebP, kill -9 leaving files behind. Prints one line per attack (answer, time, liveness);
# fails when an answer is not the expected one, a call takes longer than its bound, or the server dies. Then a real
# face must still be analysed.
#
# usage: scripts/hostile-check.sh [--heap 512m] [--budget-mib 128]   (defaults: 1638m, 256 MiB)
# needs: the packaged server (mvn -B package -DskipTests), python3, curl with HTTP/2, ../shared/data. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
app=server/target/quarkus-app/quarkus-run.jar
[ -f "$app" ] || { echo "hostile-check: build first: mvn -B package -DskipTests" >&2; exit 1; }
exec python3 scripts/lib/hostile.py "$app" "${PROS_DATA:-../shared/data}" "$@"
