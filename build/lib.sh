# shellcheck shell=bash
# Shared helpers for the AbParts Media scripts. Source it, do not run it:
#   source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
# All messages go to stderr so that command output on stdout stays clean.

# Repository root, resolved from this file's own location (symlinks followed).
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

# The API assembly produced by ensure_built.
WEBAPI_PROJECT="$ROOT/src/WebApi/AbParts.WebApi.csproj"
WEBAPI_DLL="$ROOT/src/WebApi/bin/Release/net10.0/AbParts.WebApi.dll"

# Set by pg_start: the cluster's port, and 1 if that call started it.
PG_PORT=""
PG_STARTED=0

# Packages the service needs to run (test.sh and bench.sh add more). libvips and its codecs come with the
# NetVips.Native package; libheif1 (with libde265) decodes HEIC photographs, which that libvips cannot (ADR 0017).
ABPARTS_APT_PACKAGES=(postgresql ffmpeg libheif1)

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# ensure_packages [EXTRA...]: installs the missing Debian packages, quietly.
ensure_packages() {
  local pkg missing=()
  for pkg in "${ABPARTS_APT_PACKAGES[@]}" "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  log "Installing Debian packages: ${missing[*]}"
  local out
  out="$(mktemp)"
  if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    rm -f "$out"
    die "apt-get could not install: ${missing[*]}"
  fi
  rm -f "$out"
}

# ensure_npm_tools: installs node_modules from package-lock.json when it is missing or stale.
ensure_npm_tools() {
  local hidden="$ROOT/node_modules/.package-lock.json"
  if [[ -f "$hidden" && ! "$hidden" -ot "$ROOT/package-lock.json" ]]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js (Debian package nodejs + npm)"
  log "Installing npm tools (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# ensure_dotnet_tools: restores the local .NET tools of .config/dotnet-tools.json (dotnet-ef, ADR 0028), so that
# `dotnet ef` works in a fresh clone; a quick no-op when they are restored already.
ensure_dotnet_tools() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet not found: install the .NET 10 SDK"
  local out
  out="$(mktemp)"
  if ! (cd "$ROOT" && dotnet tool restore) >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    die "dotnet tool restore failed"
  fi
  rm -f "$out"
}

# ensure_built: builds the API in Release (dotnet build is incremental).
ensure_built() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet not found: install the .NET 10 SDK"
  log "Building AbParts.WebApi (Release)"
  # One build at a time per checkout, so that two instances started together do not collide.
  # Output is shown only if the build fails.
  local lock out
  lock="${TMPDIR:-/tmp}/abparts-build-$(printf '%s' "$ROOT" | md5sum | cut -c1-12).lock"
  out="$(mktemp)"
  if ! (
    flock 9
    dotnet build "$WEBAPI_PROJECT" -c Release -nologo -v q
  ) 9>"$lock" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    die "build failed"
  fi
  rm -f "$out"
  [[ -f "$WEBAPI_DLL" ]] || die "build did not produce $WEBAPI_DLL"
}

# app_env: environment shared by run.sh and the abparts command.
app_env() {
  ABPARTS_DATA_DIR="$(realpath -m "${ABPARTS_DATA_DIR:-$ROOT/.data}")"
  export ABPARTS_DATA_DIR
  mkdir -p "$ABPARTS_DATA_DIR"
  allocator_env
}

# allocator_env: the glibc settings the service gives its image workers (WorkerPoolImageProcessor.StartInfo,
# ADR 0017), for native image work in this process too (Images:Isolation=InProcess, the bench's processor):
# two arenas, buffers of 4 MB and more mapped in transparent huge pages, 32 MB kept free between images.
# And the .NET garbage collector's generation-0 budget, 32 MB (ADR 0040), unless one is set.
allocator_env() {
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=33554432
  export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"
  export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x2000000}"
}

# stop_process PID|-PGID: SIGTERM, SIGKILL after 30 s, then reaps it (if our child).
stop_process() {
  local target="$1" i
  kill -TERM -- "$target" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    kill -0 -- "$target" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "${target#-}" 2>/dev/null || true
}

# port_in_use PORT: true when something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return 0
  fi
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  die "no free TCP port found"
}

# http_answers PORT: true when an HTTP server answers on 127.0.0.1:PORT (any status).
http_answers() {
  local line=""
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r -t 5 line <&3 || exit 1
    [[ "$line" == HTTP/* ]]
  ) 2>/dev/null
}

# ---------------------------------------------------------------------------
# s3rver (npm, pinned in package-lock.json; ensure_npm_tools installs it): a
# local S3-compatible server for the S3 media store tests. Its credentials are
# its built-in account, S3RVER / S3RVER.
# ---------------------------------------------------------------------------

# Set by s3rver_start: the server's process id (also its process group) and URL.
S3RVER_PID=""
# shellcheck disable=SC2034 # read by the scripts that source this file
{
  S3RVER_URL=""
  S3RVER_ACCESS_KEY="S3RVER"
  S3RVER_SECRET_KEY="S3RVER"
}

# s3rver_start DIR LOG [PORT]: starts s3rver in its own process group on PORT
# (a free loopback port when not given), keeping its objects in DIR and its
# output in LOG, and waits until it answers. Started again on the same DIR and
# PORT, it serves the same buckets and objects at the same URL. Sets S3RVER_PID
# and S3RVER_URL; stop it with s3rver_stop.
# shellcheck disable=SC2034 # S3RVER_URL is read by the callers
s3rver_start() {
  local dir="$1" logfile="$2" fixed="${3:-}" bin="$ROOT/node_modules/.bin/s3rver" port attempt i
  [[ -x "$bin" ]] || die "s3rver not found at $bin (run ensure_npm_tools first)"
  mkdir -p "$dir"
  for attempt in 1 2 3; do
    port="${fixed:-$(free_port)}"
    log "Starting s3rver on 127.0.0.1:$port ($dir)"
    setsid "$bin" -d "$dir" -a 127.0.0.1 -p "$port" --silent >>"$logfile" 2>&1 </dev/null &
    S3RVER_PID=$!
    for ((i = 0; i < 150; i++)); do
      if http_answers "$port"; then
        S3RVER_URL="http://127.0.0.1:$port"
        return 0
      fi
      kill -0 "$S3RVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    # Exited (lost a race for the port?) or never answered: try another port, unless it was given.
    s3rver_stop
    log "s3rver did not come up on port $port (attempt $attempt)"
    [[ -z "$fixed" ]] || break
  done
  tail -n 20 "$logfile" >&2 || true
  die "s3rver did not start (log: $logfile)"
}

# s3rver_stop: stops the s3rver that s3rver_start started, if any.
# shellcheck disable=SC2034 # S3RVER_URL is read by the callers
s3rver_stop() {
  [[ -n "$S3RVER_PID" ]] || return 0
  stop_process "-$S3RVER_PID"
  S3RVER_PID=""
  S3RVER_URL=""
}

# ---------------------------------------------------------------------------
# Private PostgreSQL clusters. DIR is the data directory; beside PostgreSQL's
# own files it holds abparts.port and abparts.password (mode 0600) and log/.
# The cluster listens on 127.0.0.1 only, with no Unix socket, and has one
# superuser, abparts, with a generated password. Run as root, the server runs
# as the postgres system user (PostgreSQL refuses to run as root).
# ---------------------------------------------------------------------------

# pg_bin NAME: path of a PostgreSQL program from the highest installed version.
pg_bin() {
  local dirs
  dirs="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [[ -x "$dirs/$1" ]] || die "PostgreSQL server not found under /usr/lib/postgresql (package postgresql)"
  printf '%s/%s\n' "$dirs" "$1"
}

# pg_as_owner CMD...: runs CMD as the cluster's owner, from / (the caller's
# directory may not be readable by that user).
pg_as_owner() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# pg_check_reachable DIR: as root, fails clearly if the postgres user cannot reach DIR.
pg_check_reachable() {
  [[ $EUID -eq 0 ]] || return 0
  id postgres >/dev/null 2>&1 || die "system user 'postgres' missing (package postgresql)"
  local dir="$1" path="" part
  local -a parts
  IFS=/ read -ra parts <<<"${dir#/}"
  for part in "" "${parts[@]}"; do
    [[ -n "$part" ]] && path="$path/$part"
    if ! runuser -u postgres -- test -x "${path:-/}"; then
      die "PostgreSQL runs as the 'postgres' user, which cannot enter ${path:-/} (needed to reach $dir).
  Make it traversable, e.g.:  chmod o+x '${path:-/}'
  or keep the data elsewhere, e.g.:  export ABPARTS_DATA_DIR=/var/lib/abparts"
    fi
  done
}

# pg_init DIR: creates the cluster in DIR unless DIR/PG_VERSION exists.
pg_init() {
  local dir="$1"
  [[ -f "$dir/PG_VERSION" ]] && return 0
  mkdir -p "$dir"
  if [[ -n "$(ls -A "$dir")" ]]; then
    die "$dir is not empty and holds no PostgreSQL cluster: remove it or choose another ABPARTS_DATA_DIR"
  fi
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$dir"
  fi
  chmod 0700 "$dir"
  pg_check_reachable "$dir"

  log "Creating a PostgreSQL cluster in $dir"
  local password pwfile locale_opt=(--no-locale)
  password="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  # In /tmp, not $TMPDIR: the postgres user must be able to read it.
  pwfile="$(mktemp /tmp/abparts-pw.XXXXXX)"
  printf '%s\n' "$password" >"$pwfile"
  if [[ $EUID -eq 0 ]]; then
    chown postgres "$pwfile"
  fi
  if locale -a 2>/dev/null | grep -ix 'c\.utf-\?8' >/dev/null; then
    locale_opt=(--locale=C.UTF-8)
  fi
  local out
  if ! out="$(pg_as_owner "$(pg_bin initdb)" -D "$dir" --username=abparts --pwfile="$pwfile" \
      --auth=scram-sha-256 --encoding=UTF8 "${locale_opt[@]}" 2>&1)"; then
    rm -f "$pwfile"
    printf '%s\n' "$out" >&2
    die "initdb failed for $dir"
  fi
  rm -f "$pwfile"

  cat >>"$dir/postgresql.conf" <<'EOF'

# AbParts private cluster: TCP on loopback only, no Unix socket (never collides
# with a system cluster). The port is given on the command line by pg_start.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
EOF
  (umask 077 && printf '%s\n' "$password" >"$dir/abparts.password")
  free_port >"$dir/abparts.port"
  pg_as_owner mkdir -p "$dir/log"
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$dir/abparts.password" "$dir/abparts.port"
  fi
}

# pg_is_running DIR: true when the cluster in DIR is up.
pg_is_running() {
  [[ -f "$1/postmaster.pid" ]] && pg_as_owner "$(pg_bin pg_ctl)" status -D "$1" >/dev/null 2>&1
}

# pg_start DIR: starts the cluster unless it runs already; sets PG_PORT, and
# PG_STARTED=1 when this call started it (so the caller should stop it), else 0.
# shellcheck disable=SC2034 # PG_PORT and PG_STARTED are read by the callers
pg_start() {
  local dir="$1" port attempt out="" lock
  PG_STARTED=0
  [[ -f "$dir/PG_VERSION" ]] || die "no PostgreSQL cluster in $dir (run pg_init first)"
  pg_check_reachable "$dir"
  # One start at a time per cluster: two scripts may start it together.
  exec {lock}>>"$dir/abparts.lock"
  flock "$lock"
  if pg_is_running "$dir"; then
    PG_PORT="$(<"$dir/abparts.port")"
    exec {lock}>&-
    return 0
  fi
  PG_STARTED=1
  for attempt in 1 2 3; do
    port="$(<"$dir/abparts.port")"
    if port_in_use "$port"; then
      # Someone else took our port since the last run: move to a free one.
      free_port >"$dir/abparts.port"
      port="$(<"$dir/abparts.port")"
    fi
    log "Starting PostgreSQL on 127.0.0.1:$port ($dir)"
    # The server must not inherit the lock, hence {lock}>&-.
    if out="$(pg_as_owner "$(pg_bin pg_ctl)" start -D "$dir" -l "$dir/log/postgresql.log" \
        -o "-p $port" -w -t 60 2>&1 {lock}>&-)"; then
      PG_PORT="$port"
      exec {lock}>&-
      return 0
    fi
    # Lost a race for the port? Try another one; otherwise give up.
    port_in_use "$port" || break
    log "Port $port was taken meanwhile (attempt $attempt), retrying"
  done
  printf '%s\n' "$out" >&2
  tail -n 20 "$dir/log/postgresql.log" >&2 || true
  die "PostgreSQL did not start (log: $dir/log/postgresql.log)"
}

# pg_stop DIR: fast shutdown; no-op if the cluster is not running.
pg_stop() {
  local dir="$1"
  pg_is_running "$dir" || return 0
  log "Stopping PostgreSQL ($dir)"
  pg_as_owner "$(pg_bin pg_ctl)" stop -D "$dir" -m fast -w -t 60 >/dev/null
}

# pg_conn_string DIR DBNAME: prints an Npgsql connection string for the abparts superuser.
pg_conn_string() {
  printf 'Host=127.0.0.1;Port=%s;Username=abparts;Password=%s;Database=%s\n' \
    "$(<"$1/abparts.port")" "$(<"$1/abparts.password")" "$2"
}

# pg_psql DIR [PSQL ARGS...]: psql as abparts over TCP to the running cluster.
pg_psql() {
  local dir="$1"
  shift
  PGPASSWORD="$(<"$dir/abparts.password")" PGCONNECT_TIMEOUT=10 \
    "$(pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(<"$dir/abparts.port")" -U abparts "$@"
}

# pg_create_db DIR NAME: creates database NAME if it does not exist.
pg_create_db() {
  pg_psql "$1" -d postgres -v name="$2" >/dev/null <<'SQL'
SELECT format('CREATE DATABASE %I', :'name')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name')
\gexec
SQL
}

# ---------------------------------------------------------------------------
# A throwaway service for measurements (bench.sh, soak.sh): a private
# PostgreSQL cluster and the API built by ensure_built, on free loopback ports,
# under a temporary folder of the caller's; and the resident memory of the
# service with its image workers.
# ---------------------------------------------------------------------------

# Set by api_start: the API's process id, its base URL, and a bearer token of its super admin.
API_PID=""
API_URL=""
API_TOKEN=""

# api_start DIR [NAME=VALUE...]: starts a PostgreSQL cluster in DIR/postgres, migrates it, ensures the super admin
# "bench" and starts the API with its data in DIR/data, its output in DIR/api.log and the given settings (environment
# variables, e.g. Videos__MaxBytes=2147483648) besides; waits until it is ready and signs in. A no-op when started.
# shellcheck disable=SC2034 # API_URL and API_TOKEN are read by the callers
api_start() {
  local dir=$1 setting
  shift
  [[ -n "$API_PID" ]] && return 0
  chown postgres:postgres "$dir" 2>/dev/null || true
  pg_init "$dir/postgres"
  pg_start "$dir/postgres"
  pg_create_db "$dir/postgres" abparts
  API_URL="http://127.0.0.1:$(free_port)"
  export ConnectionStrings__Default
  ConnectionStrings__Default="$(pg_conn_string "$dir/postgres" abparts)"
  allocator_env
  export ABPARTS_DATA_DIR="$dir/data" ASPNETCORE_URLS="$API_URL" Logging__LogLevel__Default=Warning \
    ABPARTS_ADMIN_USERNAME=bench ABPARTS_ADMIN_PASSWORD=bench-password-1
  for setting in "$@"; do
    export "${setting?}"
  done
  dotnet "$WEBAPI_DLL" db migrate >/dev/null
  dotnet "$WEBAPI_DLL" users ensure-super-admin >/dev/null
  dotnet "$WEBAPI_DLL" >"$dir/api.log" 2>&1 &
  API_PID=$!
  until curl -sf -o /dev/null "$API_URL/health/ready"; do
    kill -0 "$API_PID" 2>/dev/null || die "the API did not start: $(tail -5 "$dir/api.log")"
    sleep 0.3
  done
  API_TOKEN=$(curl -sf -X POST "$API_URL/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password-1"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
}

# api_stop DIR: stops the API and then the cluster that api_start started in DIR, if they run.
api_stop() {
  if [[ -n "$API_PID" ]]; then
    stop_process "$API_PID"
    API_PID=""
  fi
  if [[ -d "$1/postgres" ]]; then
    pg_stop "$1/postgres"
  fi
}

# make_test_video FILE SECONDS MBIT: an H.264 MP4 of SECONDS at MBIT Mbit/s, so about SECONDS × MBIT / 8 MB. Noise on
# ffmpeg's test pattern keeps the encoder at the requested bitrate.
make_test_video() {
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=40:allf=t" -t "$2" -c:v libx264 \
    -preset ultrafast -x264-params keyint=60 -b:v "${3}M" -minrate "${3}M" -maxrate "${3}M" -bufsize "$(($3 * 2))M" \
    -movflags +faststart "$1"
}

# rss_kb PID: resident memory of PID alone, in kB.
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# tree_rss_kb PID: resident memory of PID and its children (the service and its image workers), in kB.
tree_rss_kb() {
  local pid=$1 child
  local -a files=("/proc/$pid/status")
  for child in $(pgrep -P "$pid" || true); do
    files+=("/proc/$child/status")
  done
  # A worker may be replaced between pgrep and cat: cat skips what has gone, and its failure must not end a
  # script running with errexit and pipefail.
  { cat "${files[@]}" 2>/dev/null || true; } | awk '/^VmRSS/ { kb += $2 } END { print kb + 0 }'
}

# sampled_kb SAMPLER PID COMMAND...: runs COMMAND (its standard output discarded) while calling "SAMPLER PID" (a figure
# in kB) every 100 ms; prints the figures one a line, the first taken before COMMAND started. Fails if COMMAND fails.
sampled_kb() {
  local sampler=$1 pid=$2 job
  shift 2
  "$sampler" "$pid"
  "$@" >/dev/null &
  job=$!
  while kill -0 "$job" 2>/dev/null; do
    "$sampler" "$pid"
    sleep 0.1
  done
  wait "$job" || die "the measured command failed: $*"
}

# sampled_peak_kb SAMPLER PID COMMAND...: the highest figure of sampled_kb.
sampled_peak_kb() {
  local samples
  samples=$(sampled_kb "$@") || return 1
  sort -n <<<"$samples" | tail -n 1
}

# peak_tree_rss PID COMMAND...: the peak of tree_rss_kb PID while COMMAND runs, in MB.
peak_tree_rss() { echo $(($(sampled_peak_kb tree_rss_kb "$@") / 1024)); }
