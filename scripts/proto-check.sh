#!/usr/bin/env bash
# The gRPC contract's checks: `buf lint` on proto/ (rules in proto/buf.yaml), then `buf breaking` against the last
# commit on main, so a change that would break existing clients (a renumbered or removed field, a renamed message,
# a changed type) fails with buf's own report.
#
# The commit compared against:
#   - HEAD is main (CI's clean clone of main): HEAD~1, main before the change being checked (for a merge, its first
#     parent);
#   - another branch: the commit where it left main (git merge-base HEAD main, or origin/main when there is no local
#     main), so changes made on main since then are not reported as this branch removing them;
#   - PROTO_CHECK_AGAINST=<commit-ish>: that commit.
# The breaking check is skipped, saying why, when there is no such commit (first commit, a shallow clone without the
# parent: fetch it with `git fetch --deepen=1`) or that commit has no proto/buf.yaml.
#
# usage: scripts/proto-check.sh
# needs: git, and buf (on PATH, in $BUF, or installed here with npm into $BUF_PREFIX; scripts/lib/find-buf.sh).
# Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "proto-check: FAIL: $*" >&2; exit 1; }
buf=$(scripts/lib/find-buf.sh) || fail "no buf CLI (set BUF, or install npm to let it fetch @bufbuild/buf)"

echo "proto-check: buf lint proto ($("$buf" --version))"
"$buf" lint proto || fail "buf lint found the problems above (rules: proto/buf.yaml)"
echo "proto-check: lint passed"

commit_of() { git rev-parse -q --verify "$1^{commit}" 2>/dev/null; }

head=$(commit_of HEAD) || fail "not inside a git checkout with a commit"
if [ -n "${PROTO_CHECK_AGAINST:-}" ]; then
  against=$(commit_of "$PROTO_CHECK_AGAINST") || fail "PROTO_CHECK_AGAINST=$PROTO_CHECK_AGAINST is not a commit here"
  why="PROTO_CHECK_AGAINST=$PROTO_CHECK_AGAINST"
else
  main=$(commit_of main || commit_of origin/main || true)
  if [ -z "$main" ] || [ "$main" = "$head" ]; then
    # on main (or no main to be found: then the previous commit of whatever is checked out)
    if ! against=$(commit_of HEAD~1); then
      if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
        echo "proto-check: breaking check SKIPPED: shallow clone without HEAD's parent (git fetch --deepen=1 to check)"
      else
        echo "proto-check: breaking check SKIPPED: HEAD is the first commit, nothing to compare against"
      fi
      exit 0
    fi
    why="the previous commit (HEAD~1${main:+; HEAD is main})"
  else
    against=$(git merge-base HEAD "$main") \
      || { echo "proto-check: breaking check SKIPPED: HEAD and main share no commit (shallow clone?)"; exit 0; }
    why="where this branch left main (merge-base)"
  fi
fi

if ! git cat-file -e "$against:proto/buf.yaml" 2>/dev/null; then
  echo "proto-check: breaking check SKIPPED: ${against:0:12} has no proto/buf.yaml"
  exit 0
fi

echo "proto-check: buf breaking proto against ${against:0:12}, $why"
"$buf" breaking proto --against ".git#ref=$against,subdir=proto" \
  || fail "buf breaking: the changes above would break existing clients (compared with ${against:0:12})"
echo "proto-check: no breaking change"
