#!/usr/bin/env bash
# The load test in one command: builds what is missing or stale (the server, then this tool), measures the in-process
# batched ceiling, starts the packaged server with the default model, drives gRPC (Analyze unary, AnalyzeStream) and
# HTTP (POST /v1/analyze) in closed-loop concurrency steps and at open-loop rates, prints the table and writes
# report.json, report.png, table.txt and server.log (load-tests/target/report by default).
#
#   load-tests/run.sh                        the default scenario (about 7 minutes on 2 cores)
#   load-tests/run.sh smoke                  a quick end-to-end check (about 1.5 minutes)
#   load-tests/run.sh default closed.concurrency=1,8 model.path=/models/mine   any parameter overridden
#   load-tests/run.sh --parameters           every parameter with its default
#
# Environment: LOAD_MAVEN_FLAGS (e.g. -o for an offline machine with a filled ~/.m2), LOAD_JAVA_OPTS (the driver's
# JVM, default -Xmx1g), LOAD_INSTALL_WRK=0 to never try apt-get for wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
maven_flags=${LOAD_MAVEN_FLAGS:-}

# stale when any source given is newer than the build output (or the output is missing)
stale() {
  local output=$1
  shift
  [[ ! -e $output ]] && return 0
  [[ -n $(find "$@" -newer "$output" -type f -print -quit 2>/dev/null) ]]
}

sources=(pom.xml proto/pom.xml proto/pros proto/inference core/pom.xml core/src/main server/pom.xml src/main
  load-tests/pom.xml load-tests/src/main)
if stale server/target/quarkus-app/quarkus-run.jar "${sources[@]}" || stale load-tests/target/pros-load.jar "${sources[@]}"; then
  echo "building the server and this tool (mvn package -DskipTests -pl server,load-tests -am) ..."
  mvn -B -q $maven_flags package -DskipTests -pl server,load-tests -am
fi

# wrk drives closed-loop HTTP; without it the tool falls back to its JDK client and says so
if ! command -v wrk >/dev/null 2>&1 && [[ ${LOAD_INSTALL_WRK:-1} != 0 ]] && [[ $(id -u) == 0 ]] \
    && command -v apt-get >/dev/null 2>&1; then
  echo "wrk not found: apt-get install -y wrk (LOAD_INSTALL_WRK=0 skips this) ..."
  apt-get install -y -q wrk >/dev/null 2>&1 || echo "apt-get could not install wrk: HTTP closed loop uses the JDK client"
fi

# shellcheck disable=SC2086 # LOAD_JAVA_OPTS holds several options
exec java ${LOAD_JAVA_OPTS:--Xmx1g} -jar load-tests/target/pros-load.jar "$@"
