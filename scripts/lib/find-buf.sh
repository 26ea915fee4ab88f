#!/usr/bin/env bash
# Prints the path of a `buf` CLI: $BUF, else buf on PATH, else the npm package @bufbuild/buf installed (once) into
# $BUF_PREFIX (default ~/.cache/pros-face/buf). Used by grpc-smoke.sh and replicas-check.sh.
set -euo pipefail
if [ -n "${BUF:-}" ]; then
  echo "$BUF"
elif command -v buf >/dev/null; then
  command -v buf
else
  prefix=${BUF_PREFIX:-$HOME/.cache/pros-face/buf}
  if [ ! -x "$prefix/node_modules/.bin/buf" ]; then
    echo "installing @bufbuild/buf into $prefix" >&2
    npm i --silent --prefix "$prefix" @bufbuild/buf >/dev/null
  fi
  echo "$prefix/node_modules/.bin/buf"
fi
