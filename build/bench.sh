#!/usr/bin/env bash
# Measures AbParts Media against peers run in the same session on the same inputs, and prints
# markdown tables of ratios. Not a test: nothing passes or fails here.
#   build/bench.sh images   this image pipeline vs the old Pillow pipeline vs vipsthumbnail
#   build/bench.sh serve    GET of an image through the API vs nginx serving the same bytes; memory under 8 uploads
#   build/bench.sh video    streaming a 100 MB video (whole, 1 MB ranges) vs nginx; memory uploading 1 GB and streaming
#   build/bench.sh          all three
# Everything runs on 127.0.0.1, bounded in time, and is stopped on exit.
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

mode="${1:-all}"
case "$mode" in images | serve | video | all) ;; *) die "usage: build/bench.sh [images|serve|video]" ;; esac

ensure_packages python3-pil libvips-tools plasma-workspace-wallpapers nginx wrk curl
ensure_built

tmp="$(mktemp -d /tmp/abparts-bench.XXXXXX)"
api_pid=""
nginx_conf=""
cleanup() {
  trap - EXIT INT TERM
  [[ -n "$api_pid" ]] && stop_process "$api_pid"
  if [[ -n "$nginx_conf" ]]; then nginx -c "$nginx_conf" -s stop 2>/dev/null || true; fi
  [[ -d "$tmp/postgres" ]] && pg_stop "$tmp/postgres"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The same inputs for every contender: two 5120x2880 JPEGs and a 5120x2880 PNG (rendered wallpapers),
# a 2560x1600 JPEG photograph (Path: the largest true photographs shipped are 2560x1600); bench_images
# adds baseline re-encodings of the two JPEGs.
inputs=(
  /usr/share/wallpapers/Flow/contents/images/5120x2880.jpg
  /usr/share/wallpapers/Volna/contents/images/5120x2880.jpg
  /usr/share/wallpapers/Altai/contents/images/5120x2880.png
  /usr/share/wallpapers/Path/contents/images/2560x1600.jpg
)

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "le") ? r <= t : r >= t; print ok ? "✔" : "✘" }'; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# --- images -----------------------------------------------------------------------------------
bench_images() {
  local iterations=5 ours pillow vips camera
  # The wallpapers are progressive 4:4:4 JPEGs (slow to decode whatever the decoder); camera photos are
  # usually baseline 4:2:0. Baseline re-encodings of the two JPEGs stand for those.
  for camera in Flow Volna; do
    mkdir -p "$tmp/camera/$camera-baseline/contents/images"
    vips copy "/usr/share/wallpapers/$camera/contents/images/5120x2880.jpg" \
      "$tmp/camera/$camera-baseline/contents/images/5120x2880.jpg[Q=88,interlace=false]"
    inputs+=("$tmp/camera/$camera-baseline/contents/images/5120x2880.jpg")
  done
  log "Images: ${#inputs[@]} inputs, $iterations timed runs each after a warm-up"
  dotnet build "$ROOT/bench/AbParts.Benchmarks" -c Release -nologo -v q >/dev/null
  (allocator_env && exec dotnet "$ROOT/bench/AbParts.Benchmarks/bin/Release/net10.0/AbParts.Benchmarks.dll" \
    "$iterations" "${inputs[@]}") >"$tmp/ours.txt"
  /usr/bin/python3 "$ROOT/bench/pillow_pipeline.py" "$iterations" "${inputs[@]}" >"$tmp/pillow.txt"
  : >"$tmp/vips.txt"
  local file i start
  for file in "${inputs[@]}"; do
    # Its stderr (EXIF warnings) goes to a log, as our pipeline routes them to logging.
    vipsthumbnail "$file" -s 1024 -o "$tmp/warm.webp[Q=85,strip]" 2>>"$tmp/vipsthumbnail.log" ||
      die "vipsthumbnail failed on $file: $(tail -n 3 "$tmp/vipsthumbnail.log")"
    for ((i = 0; i < iterations; i++)); do
      start=$(date +%s%N)
      vipsthumbnail "$file" -s 1024 -o "$tmp/out.webp[Q=85,strip]" 2>>"$tmp/vipsthumbnail.log"
      echo $((($(date +%s%N) - start) / 1000))
    done | median | awk -v f="$file" '{ printf "%s %.1f\n", f, $1 / 1000 }' >>"$tmp/vips.txt"
  done
  ours=$(awk '{ print $2 }' "$tmp/ours.txt" | median)
  pillow=$(awk '{ print $2 }' "$tmp/pillow.txt" | median)
  vips=$(awk '{ print $2 }' "$tmp/vips.txt" | median)

  echo
  echo "### Image pipeline ($(nproc) cores; median over ${#inputs[@]} inputs of their median of $iterations runs)"
  echo
  echo "| contender | what it does | ms/image | × Pillow | × vipsthumbnail |"
  echo "|---|---|---:|---:|---:|"
  echo "| AbParts (IImageProcessor: libjpeg, managed PNG, libvips, libwebp) | 1024 px WebP within 500 KB + 100/200/300 px thumbnails, in process, one image at a time on 2 cores (ADR 0015) | $ours | $(ratio "$ours" "$pillow") | $(ratio "$ours" "$vips") |"
  echo "| old system (Pillow, LANCZOS) | the same outputs | $pillow | 1.00 | $(ratio "$pillow" "$vips") |"
  echo "| vipsthumbnail CLI | 1024 px WebP only, process start included | $vips | $(ratio "$vips" "$pillow") | 1.00 |"
  echo
  echo "Targets: ≤ 0.5× Pillow $(verdict "$(ratio "$ours" "$pillow")" 0.5 le), ≤ 1.2× vipsthumbnail $(verdict "$(ratio "$ours" "$vips")" 1.2 le)."
  echo
  echo "| input | AbParts ms | Pillow ms | vipsthumbnail ms | × Pillow | × vipsthumbnail | AbParts bytes | Pillow bytes |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  paste -d' ' "$tmp/ours.txt" "$tmp/pillow.txt" "$tmp/vips.txt" |
    awk '{ printf "| %s | %s | %s | %s | %.2f %s | %.2f %s | %s | %s |\n", $1, $2, $5, $8, $2 / $5, ($2 / $5 <= 0.5 ? "✔" : "✘"), $2 / $8, ($2 / $8 <= 1.2 ? "✔" : "✘"), $3, $6 }'
  paste -d' ' "$tmp/ours.txt" "$tmp/pillow.txt" |
    awk '{ l += log($2 / $5); n++ } END { printf "\nGeometric mean of the per-input ratios: %.2f× Pillow.\n", exp(l / n) }'
}

# --- a running API on a throwaway PostgreSQL ----------------------------------------------------
start_api() {
  [[ -n "$api_pid" ]] && return 0
  chown postgres:postgres "$tmp" 2>/dev/null || true
  pg_init "$tmp/postgres"
  pg_start "$tmp/postgres"
  pg_create_db "$tmp/postgres" abparts
  api_port=$(free_port)
  api="http://127.0.0.1:$api_port"
  export ConnectionStrings__Default
  ConnectionStrings__Default="$(pg_conn_string "$tmp/postgres" abparts)"
  allocator_env
  export ABPARTS_DATA_DIR="$tmp/data" ASPNETCORE_URLS="$api" Logging__LogLevel__Default=Warning \
    ABPARTS_ADMIN_USERNAME=bench ABPARTS_ADMIN_PASSWORD=bench-password-1 Videos__MaxBytes=2147483648
  dotnet "$WEBAPI_DLL" db migrate >/dev/null
  dotnet "$WEBAPI_DLL" users ensure-super-admin >/dev/null
  dotnet "$WEBAPI_DLL" >"$tmp/api.log" 2>&1 &
  api_pid=$!
  until curl -sf -o /dev/null "$api/health/ready"; do
    kill -0 "$api_pid" 2>/dev/null || die "the API did not start: $(tail -5 "$tmp/api.log")"
    sleep 0.3
  done
  token=$(curl -sf -X POST "$api/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password-1"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
}

start_nginx() {
  [[ -n "$nginx_conf" ]] && return 0
  nginx_port=$(free_port)
  mkdir -p "$tmp/www" "$tmp/nginx"
  nginx_conf="$tmp/nginx/nginx.conf"
  cat >"$nginx_conf" <<EOF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
user root;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  types { image/webp webp; video/mp4 mp4; }
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$nginx_port; root $tmp/www; }
}
EOF
  nginx -c "$nginx_conf"
}

# wrk_run URL [HEADER...]: prints "<requests/s> <p99 ms>" of 10 s after 10 s of warm-up (the API's JIT
# compiles its hot paths again, optimised, once they have run a while: with both cores busy that takes
# several seconds; nginx is warmed the same way); fails if any answer was not 2xx/3xx.
wrk_run() {
  local url=$1 out header
  local -a args=(-t2 -c32 --latency)
  shift
  for header in "$@"; do
    args+=(-H "$header")
  done
  wrk "${args[@]}" -d10s "$url" >/dev/null
  out=$(wrk "${args[@]}" -d10s "$url")
  if grep -q "Non-2xx or 3xx responses" <<<"$out"; then
    die "wrk got error answers from $url: $(grep 'Non-2xx' <<<"$out")"
  fi
  awk '/Requests\/sec/ { rps = $2 }
       /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; p99 = v }
       END { printf "%.0f %.2f\n", rps, p99 }' <<<"$out"
}

# peak_rss PID COMMAND...: runs COMMAND while sampling PID's resident memory; prints "<baseline MB> <peak MB>".
peak_rss() {
  local pid=$1 base peak=0 now job
  shift
  base=$(rss_kb "$pid")
  "$@" >/dev/null &
  job=$!
  while kill -0 "$job" 2>/dev/null; do
    now=$(rss_kb "$pid")
    ((now > peak)) && peak=$now
    sleep 0.1
  done
  wait "$job" || die "the measured command failed: $*"
  awk -v b="$base" -v p="$peak" 'BEGIN { printf "%.0f %.0f\n", b / 1024, (p > b ? p : b) / 1024 }'
}

# --- serve ------------------------------------------------------------------------------------
# make_uploaders: eight users, each with a token in uploader_tokens. One user per upload: concurrent
# replacements of the same user's photo race on that user's row.
make_uploaders() {
  local org i answer
  org=$(curl -sf -X POST "$api/organizations" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"name":"Bench uploaders"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
  uploader_tokens=()
  for i in 1 2 3 4 5 6 7 8; do
    curl -sf -o /dev/null -X POST "$api/users" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"username\":\"uploader$i\",\"password\":\"bench-password-1\",\"organization_id\":\"$org\",\"role\":\"user\"}" ||
      die "could not create user uploader$i"
    answer=$(curl -sf -X POST "$api/auth/token" -H 'Content-Type: application/json' \
      -d "{\"username\":\"uploader$i\",\"password\":\"bench-password-1\"}") || die "uploader$i could not sign in"
    uploader_tokens+=("$(sed -E 's/.*"access_token":"([^"]+)".*/\1/' <<<"$answer")")
  done
}

# eight_uploads: the eight users upload a 5120x2880 JPEG at once (8 curl processes); fails unless all answer 200.
eight_uploads() {
  local t codes="$tmp/upload-codes"
  : >"$codes"
  for t in "${uploader_tokens[@]}"; do
    curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $t" -F "file=@${inputs[0]}" \
      "$api/uploads/users/profile-photo" >>"$codes" &
  done
  wait
  [[ $(grep -c '^200$' "$codes") == 8 ]] || die "not every upload answered 200: $(sort "$codes" | uniq -c | xargs)"
}

bench_serve() {
  # Enough rounds to tell memory that settles from memory that keeps growing.
  local upload_rounds="${ABPARTS_BENCH_UPLOAD_ROUNDS:-12}"
  start_api
  start_nginx
  local upload url user_path signed_rps signed_p99 bearer_rps bearer_p99 static_rps static_p99 base peak idle_rss i
  idle_rss=$(($(rss_kb "$api_pid") / 1024))
  upload=$(curl -sf -H "Authorization: Bearer $token" -F "file=@${inputs[0]}" "$api/uploads/users/profile-photo")
  url=$(sed -E 's/.*"url":"([^"]+)".*/\1/' <<<"$upload")
  user_path="${url%%\?*}"
  curl -sf -o "$tmp/www/photo.webp" "$api$url"
  log "Serving a $(stat -c %s "$tmp/www/photo.webp")-byte WebP: wrk -t2 -c32, 10 s of warm-up then 10 s, against each"
  # The first half minute of load also measures the JIT's re-compilation of the hot paths with the
  # profile it gathered (dynamic PGO): run both kinds of request first, then measure each.
  wrk -t2 -c32 -d15s "$api$url" >/dev/null
  wrk -t2 -c32 -d15s -H "Authorization: Bearer $token" "$api$user_path" >/dev/null
  read -r signed_rps signed_p99 < <(wrk_run "$api$url")
  read -r bearer_rps bearer_p99 < <(wrk_run "$api$user_path" "Authorization: Bearer $token")
  read -r static_rps static_p99 < <(wrk_run "http://127.0.0.1:$nginx_port/photo.webp")
  log "Memory while 8 uploads of a 5120x2880 JPEG run at once, $upload_rounds rounds"
  make_uploaders
  local -a peaks=()
  base=$(($(rss_kb "$api_pid") / 1024))
  for ((i = 0; i < upload_rounds; i++)); do
    read -r _ peak < <(peak_rss "$api_pid" eight_uploads)
    peaks+=("$peak")
  done
  peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1)
  sleep 2

  echo
  echo "### Serving an image ($(nproc) cores, wrk and the server on the same machine)"
  echo
  echo "| server | requests/s | p99 ms | × nginx |"
  echo "|---|---:|---:|---:|"
  echo "| AbParts, signed URL | $signed_rps | $signed_p99 | $(ratio "$signed_rps" "$static_rps") |"
  echo "| AbParts, bearer token | $bearer_rps | $bearer_p99 | $(ratio "$bearer_rps" "$static_rps") |"
  echo "| nginx, the same bytes from disk | $static_rps | $static_p99 | 1.00 |"
  echo
  echo "Target: ≥ 0.7× nginx $(verdict "$(ratio "$signed_rps" "$static_rps")" 0.7 ge) (signed URL), $(verdict "$(ratio "$bearer_rps" "$static_rps")" 0.7 ge) (bearer)."
  echo
  echo "| API resident memory (VmRSS, sampled every 100 ms) | MB |"
  echo "|---|---:|"
  echo "| after start-up, idle | $idle_rss |"
  echo "| before the uploads (after the wrk runs) | $base |"
  echo "| peak while 8 uploads of a 5120x2880 JPEG run at once, rounds 1 to $upload_rounds | $(printf '%s / ' "${peaks[@]}" | sed 's# / $##') |"
  echo "| highest peak of the first half of the rounds, of the second half | $(printf '%s\n' "${peaks[@]:0:upload_rounds/2}" | sort -n | tail -n 1) / $(printf '%s\n' "${peaks[@]:upload_rounds/2}" | sort -n | tail -n 1) |"
  echo "| growth, highest peak over before-the-uploads | +$((peak - base)) |"
  echo "| 2 s after the last round | $(($(rss_kb "$api_pid") / 1024)) |"
}

# --- video ------------------------------------------------------------------------------------
make_videos() {
  log "Making a 100 MB test video (ffmpeg) and a 1 GB one (the same with a 'free' box of padding)"
  # Noise keeps the encoder at the requested bitrate: 20 s at 40 Mbit/s is 100 MB.
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=40:allf=t" -t 20 -c:v libx264 \
    -preset ultrafast -x264-params keyint=60 -b:v 40M -minrate 40M -maxrate 40M -bufsize 80M -movflags +faststart \
    "$tmp/video.mp4"
  local pad=$((1024 * 1024 * 1024 - $(stat -c %s "$tmp/video.mp4")))
  {
    cat "$tmp/video.mp4"
    printf '%08x' "$pad" | xxd -r -p
    printf 'free'
    head -c $((pad - 8)) /dev/zero
  } >"$tmp/video-1g.mp4"
}

# parallel_fetch N URL [HEADER]: N clients fetch URL at once; prints total MB/s.
parallel_fetch() {
  local n=$1 url=$2 header=${3:-X-Nothing: 1} start i
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do
    curl -sf -o /dev/null -H "$header" -H "Authorization: Bearer $token" "$url" &
  done
  wait
  awk -v bytes="$(stat -c %s "$tmp/video.mp4")" -v n="$n" -v ns=$(($(date +%s%N) - start)) \
    'BEGIN { printf "%.0f\n", bytes * n / 1048576 / (ns / 1e9) }'
}

bench_video() {
  command -v xxd >/dev/null || ensure_packages xxd
  start_api
  start_nginx
  make_videos
  local video id stream mb_api mb_nginx range_api range_nginx up_base up_peak st_base st_peak
  video=$(curl -sf -H "Authorization: Bearer $token" -F "file=@$tmp/video.mp4" -F title=Bench -F category=maintenance \
    "$api/videos/support")
  id=$(sed -E 's/.*"id":"([^"]+)".*/\1/' <<<"$video")
  stream="$api/videos/stream/$id"
  cp "$tmp/video.mp4" "$tmp/www/video.mp4"
  log "Streaming a $(($(stat -c %s "$tmp/video.mp4") / 1048576)) MB video to 8 clients, whole and in 1 MB ranges (after a warm-up round each)"
  (parallel_fetch 8 "$stream" >/dev/null) # a subshell: its wait must not wait for the API
  mb_api=$(parallel_fetch 8 "$stream")
  (parallel_fetch 8 "http://127.0.0.1:$nginx_port/video.mp4" >/dev/null)
  mb_nginx=$(parallel_fetch 8 "http://127.0.0.1:$nginx_port/video.mp4")
  range_api=$(wrk_run "$stream" "Range: bytes=1048576-2097151" "Authorization: Bearer $token" | awk '{ print $1 }')
  range_nginx=$(wrk_run "http://127.0.0.1:$nginx_port/video.mp4" "Range: bytes=1048576-2097151" | awk '{ print $1 }')
  log "Memory while uploading a 1 GB video, then while 8 clients stream the 100 MB one"
  read -r up_base up_peak < <(peak_rss "$api_pid" curl -sf -o /dev/null -H "Authorization: Bearer $token" \
    -F "file=@$tmp/video-1g.mp4" -F title=Big -F category=maintenance "$api/videos/support")
  [[ $(curl -sf -H "Authorization: Bearer $token" "$api/videos/support" | grep -o '"id"' | wc -l) == 2 ]] ||
    die "the 1 GB upload did not store a video"
  read -r st_base st_peak < <(peak_rss "$api_pid" parallel_fetch 8 "$stream")

  echo
  echo "### Streaming video ($(nproc) cores, local video store, clients on the same machine)"
  echo
  echo "| download | AbParts | nginx | × nginx |"
  echo "|---|---:|---:|---:|"
  echo "| whole $(($(stat -c %s "$tmp/video.mp4") / 1048576)) MB file, 8 clients at once (MB/s) | $mb_api | $mb_nginx | $(ratio "$mb_api" "$mb_nginx") |"
  echo "| 1 MB ranges, wrk -c32 (requests/s = MB/s) | $range_api | $range_nginx | $(ratio "$range_api" "$range_nginx") |"
  echo
  echo "Target: ≥ 0.8× nginx $(verdict "$(ratio "$mb_api" "$mb_nginx")" 0.8 ge) (whole), $(verdict "$(ratio "$range_api" "$range_nginx")" 0.8 ge) (ranges)."
  echo
  echo "| API memory | before | peak | growth | target < 64 MB |"
  echo "|---|---:|---:|---:|---|"
  echo "| uploading a 1 GB video | $up_base MB | $up_peak MB | $((up_peak - up_base)) MB | $(verdict $((up_peak - up_base)) 64 le) |"
  echo "| streaming 100 MB to 8 clients | $st_base MB | $st_peak MB | $((st_peak - st_base)) MB | $(verdict $((st_peak - st_base)) 64 le) |"
}

case "$mode" in
  images) bench_images ;;
  serve) bench_serve ;;
  video) bench_video ;;
  all) bench_images && bench_serve && bench_video ;;
esac
