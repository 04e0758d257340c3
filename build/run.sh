#!/usr/bin/env bash
# Runs AbParts Media on this machine with its embedded defaults:
#   - data under $ABPARTS_DATA_DIR (default: <repo>/.data);
#   - unless ConnectionStrings__Default is set, a private PostgreSQL cluster in
#     $ABPARTS_DATA_DIR/postgres with the database "abparts";
#   - migrations and the super admin, then the API on $ASPNETCORE_URLS
#     (default http://127.0.0.1:5080).
# Ctrl-C stops the API, then the cluster if this script started it.
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

ensure_packages curl
ensure_npm_tools
ensure_dotnet_tools
ensure_built
app_env
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"

pg_dir="$ABPARTS_DATA_DIR/postgres"
api_pid=""

# shellcheck disable=SC2317 # invoked by the traps below
cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$api_pid" ]]; then
    log "Stopping the API"
    stop_process "$api_pid"
  fi
  # Only a cluster this script started (PG_STARTED, set by pg_start).
  if [[ "$PG_STARTED" == 1 ]]; then
    pg_stop "$pg_dir" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${ConnectionStrings__Default:-}" ]]; then
  pg_init "$pg_dir"
  pg_start "$pg_dir"
  pg_create_db "$pg_dir" abparts
  ConnectionStrings__Default="$(pg_conn_string "$pg_dir" abparts)"
  export ConnectionStrings__Default
else
  log "Using the database of ConnectionStrings__Default"
fi

dotnet "$WEBAPI_DLL" db migrate
dotnet "$WEBAPI_DLL" users ensure-super-admin

log "Starting the API on $ASPNETCORE_URLS"
dotnet "$WEBAPI_DLL" &
api_pid=$!

# Address to reach the first URL from here (wildcard hosts → loopback).
base="${ASPNETCORE_URLS%%;*}"
base="$(sed -E 's#://(\*|\+|0\.0\.0\.0|\[::\])#://127.0.0.1#; s#/+$##' <<<"$base")"

deadline=$((SECONDS + 60))
until curl -ksf -o /dev/null --max-time 2 "$base/health/ready"; do
  if ! kill -0 "$api_pid" 2>/dev/null; then
    rc=0
    wait "$api_pid" || rc=$?
    api_pid=""
    die "the API exited with code $rc before it was ready (its output is above)"
  fi
  ((SECONDS < deadline)) || die "the API did not answer $base/health/ready within 60 s"
  sleep 0.5
done

cat <<EOT

AbParts Media is running
  Console:  $base/  (sign in as the super admin)
  API:      $base
  OpenAPI:  $base/openapi/v1.json
  Swagger:  $base/swagger
  Health:   $base/health/ready
  Data:     $ABPARTS_DATA_DIR
Press Ctrl-C to stop.

EOT

rc=0
wait "$api_pid" || rc=$?
api_pid=""
exit "$rc"
