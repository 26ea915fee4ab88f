#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the fine-tuning store tests and prints its JDBC URL (user and password
# included) on stdout; everything else goes to stderr. Usage:
#   export PROS_TEST_POSTGRES_URL=$(scripts/start-test-postgres.sh)     # start
#   scripts/start-test-postgres.sh stop <data directory>                # stop (the path is printed at start, and
#                                                                       # written to $PG_STATE_FILE when that is set)
# The cluster lives in a new temp directory, listens on 127.0.0.1 at a free port, runs as the current user (as the
# `postgres` system user when started by root: PostgreSQL refuses to run as root) and has fsync off: test data only.
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [[ -z "${PG_BIN}" || ! -x "${PG_BIN}/initdb" ]]; then
  echo "start-test-postgres: no PostgreSQL server binaries (apt-get install postgresql, or set PG_BIN)" >&2
  exit 1
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "${PG_USER_OS:-postgres}" -- "$@"
  else
    "$@"
  fi
}

if [[ "${1:-}" == "stop" ]]; then
  as_owner "${PG_BIN}/pg_ctl" -D "$2" -m fast stop >&2
  exit 0
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/pros-test-postgres.XXXXXX")
chmod 755 "${ROOT}"
DATA="${ROOT}/data"
PORT=${PG_PORT:-$(free_port)}
if [[ $(id -u) -eq 0 ]]; then
  chown "${PG_USER_OS:-postgres}" "${ROOT}"
fi

as_owner "${PG_BIN}/initdb" -D "${DATA}" -U postgres -A trust -E UTF8 --no-sync >"${ROOT}/initdb.log" 2>&1 \
  || { cat "${ROOT}/initdb.log" >&2; exit 1; }
as_owner "${PG_BIN}/pg_ctl" -D "${DATA}" -l "${ROOT}/server.log" -w -t 60 \
  -o "-p ${PORT} -k ${ROOT} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >&2

psql_admin() {
  as_owner "${PG_BIN}/psql" -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"
}
psql_admin -c "CREATE ROLE prosface LOGIN PASSWORD 'prosface'" >&2
psql_admin -c "CREATE DATABASE prosface_test OWNER prosface" >&2

if [[ -n "${PG_STATE_FILE:-}" ]]; then
  echo "${DATA}" >"${PG_STATE_FILE}"
fi
echo "start-test-postgres: PostgreSQL $("${PG_BIN}/postgres" --version | awk '{print $3}') on 127.0.0.1:${PORT}," \
  "data ${DATA}; stop with: $0 stop ${DATA}" >&2
echo "jdbc:postgresql://127.0.0.1:${PORT}/prosface_test?user=prosface&password=prosface"
