#!/usr/bin/env bash
# Builds the solution and runs all tests against a throwaway PostgreSQL cluster.
# Extra arguments go to `dotnet test`, e.g.:
#   build/test.sh --filter "FullyQualifiedName~Images"
# Tests get ABPARTS_TEST_POSTGRES, an Npgsql connection string for the
# superuser "abparts" on database "postgres" (they create their own databases),
# and ABPARTS_TEST_S3_URL, ABPARTS_TEST_S3_ACCESS_KEY, ABPARTS_TEST_S3_SECRET_KEY
# for a throwaway s3rver (they create their own buckets).
# The last line printed is "N passed, N failed[, N skipped]".
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

# plasma-workspace-wallpapers: real photographs for the image tests; libheif-examples: heif-enc makes HEIC inputs;
# chromium: the browser the web console's tests drive (/usr/bin/chromium, through Playwright; ADR 0032).
ensure_packages plasma-workspace-wallpapers libheif-examples chromium
ensure_npm_tools
ensure_dotnet_tools

# In /tmp (not $TMPDIR) and owned by postgres, so the server can always reach it.
tmp="$(mktemp -d /tmp/abparts-test.XXXXXX)"
pg_dir="$tmp/postgres"
s3_dir="$tmp/s3rver"
results="$tmp/results"
child=""

cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$child" ]]; then
    log "Stopping the running dotnet processes"
    stop_process "-$child"
    child=""
  fi
  s3rver_stop
  pg_stop "$pg_dir" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_child CMD...: runs CMD in its own process group (so an interrupt can stop
# the whole tree: dotnet, MSBuild nodes, test hosts) and returns its exit code.
run_child() {
  setsid "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# trx_sum NAME: sums the counter NAME over all .trx files.
trx_sum() {
  local total=0 n f
  while IFS= read -r -d '' f; do
    n="$(grep -o '<Counters [^>]*>' "$f" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" | head -n 1)"
    total=$((total + ${n:-0}))
  done < <(find "$results" -name '*.trx' -print0 2>/dev/null)
  echo "$total"
}

if [[ $EUID -eq 0 ]]; then
  chown postgres:postgres "$tmp"
fi
pg_init "$pg_dir"
cat >>"$pg_dir/postgresql.conf" <<'CONF'

# Throwaway test cluster: speed over durability.
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
pg_start "$pg_dir"
ABPARTS_TEST_POSTGRES="$(pg_conn_string "$pg_dir" postgres)"
export ABPARTS_TEST_POSTGRES

s3rver_start "$s3_dir" "$tmp/s3rver.log"
export ABPARTS_TEST_S3_URL="$S3RVER_URL"
export ABPARTS_TEST_S3_ACCESS_KEY="$S3RVER_ACCESS_KEY"
export ABPARTS_TEST_S3_SECRET_KEY="$S3RVER_SECRET_KEY"

cd "$ROOT"
log "Building AbParts.sln (Release)"
run_child dotnet build AbParts.sln -c Release -nologo || die "build failed"

rc=0
run_child dotnet test AbParts.sln -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@" || rc=$?

# TRX counts a skipped test in "total" but not in "executed".
passed="$(trx_sum passed)"
failed=$(($(trx_sum failed) + $(trx_sum error) + $(trx_sum timeout)))
skipped=$(($(trx_sum total) - $(trx_sum executed)))
cleanup

summary="$passed passed, $failed failed"
((skipped == 0)) || summary+=", $skipped skipped"
echo "$summary"
if ((rc == 0 && passed + failed == 0)); then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$rc"
