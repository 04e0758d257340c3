#!/usr/bin/env bash
# Measures AbParts Media against peers run in the same session on the same inputs, and prints
# markdown tables of ratios. Not a test: nothing passes or fails here.
#   build/bench.sh images   an image upload through the API and the pipeline alone, vs sharp and the old Pillow
#                           pipeline; images/s 8 at once vs one at a time; memory of the service and its workers
#   build/bench.sh serve    GET of an image through the API vs nginx serving the same bytes; memory under 8 uploads
#   build/bench.sh video    streaming a 100 MB video (whole, 1 MB ranges) vs nginx; memory uploading 1 GB and streaming
#   build/bench.sh          all three
# Everything runs on 127.0.0.1, bounded in time, and is stopped on exit.
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

mode="${1:-all}"
case "$mode" in images | serve | video | all) ;; *) die "usage: build/bench.sh [images|serve|video]" ;; esac

# libheif-examples: heif-enc makes the HEIC input. sharp comes from npm (package-lock.json, ensure_npm_tools).
ensure_packages python3-pil plasma-workspace-wallpapers libheif-examples nginx wrk curl
ensure_built

tmp="$(mktemp -d /tmp/abparts-bench.XXXXXX)"
nginx_conf=""
uploader_tokens=()
# The image benchmark program (bench/AbParts.Benchmarks), built by bench_images.
BENCH_DLL="$ROOT/bench/AbParts.Benchmarks/bin/Release/net10.0/AbParts.Benchmarks.dll"
cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$nginx_conf" ]]; then nginx -c "$nginx_conf" -s stop 2>/dev/null || true; fi
  api_stop "$tmp"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Inputs of the serve mode: two 5120x2880 JPEGs and a 5120x2880 PNG (rendered wallpapers), a 2560x1600 JPEG
# photograph (Path: the largest true photographs shipped are 2560x1600). bench_images makes its own list
# (make_image_inputs).
inputs=(
  /usr/share/wallpapers/Flow/contents/images/5120x2880.jpg
  /usr/share/wallpapers/Volna/contents/images/5120x2880.jpg
  /usr/share/wallpapers/Altai/contents/images/5120x2880.png
  /usr/share/wallpapers/Path/contents/images/2560x1600.jpg
)

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# rounds VALUE...: "<median> [v1 / v2 / …]", the values in the order they were measured.
rounds() { echo "$(printf '%s\n' "$@" | median) [$(printf '%s / ' "$@" | sed 's# / $##')]"; }
verdict() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "le") ? r <= t : r >= t; print ok ? "✔" : "✘" }'; }

# --- images -----------------------------------------------------------------------------------
# make_image_inputs: the bench's images, each at <name>/contents/images/<file> so that every contender
# prints the same "<name>/<file>" label. Sets image_inputs.
make_image_inputs() {
  local wallpapers=/usr/share/wallpapers camera="$tmp/images/Flow-baseline/contents/images/5120x2880.jpg"
  local heic="$tmp/images/Path-heic/contents/images/2560x1600.heic"
  mkdir -p "${camera%/*}" "${heic%/*}"
  # Cameras write baseline 4:2:0 JPEGs; the wallpapers are progressive 4:4:4. Re-encoded by NetVips.
  dotnet "$BENCH_DLL" baseline-jpeg "$wallpapers/Flow/contents/images/5120x2880.jpg" "$camera"
  # A phone's HEIC (HEVC): libheif's x265 encoder on the Path photograph.
  heif-enc -q 80 -o "$heic" "$wallpapers/Path/contents/images/2560x1600.jpg" >/dev/null
  image_inputs=(
    "$camera"
    "$wallpapers/Flow/contents/images/5120x2880.jpg"
    "$wallpapers/Volna/contents/images/5120x2880.jpg"
    "$wallpapers/Altai/contents/images/5120x2880.png"
    "$wallpapers/Path/contents/images/2560x1600.jpg"
    "$heic"
  )
}

# label FILE: "<name>/<file>", as the pipeline programs print it.
label() { awk -v f="$1" 'BEGIN { n = split(f, p, "/"); print p[n - 3] "/" p[n] }'; }

# upload FILE [TOKEN]: uploads FILE as a profile photo; prints "<seconds> <stored bytes>"; fails unless 200.
# Without "Expect: 100-continue" (curl's default above 1 MB), as browsers send it.
upload() {
  local file=$1 bearer=${2:-$API_TOKEN} answer body="$tmp/upload-$BASHPID.json"
  answer=$(curl -s -o "$body" -w '%{http_code} %{time_total}' -H 'Expect:' \
    -H "Authorization: Bearer $bearer" -F "file=@$file" "$API_URL/uploads/users/profile-photo")
  [[ ${answer%% *} == 200 ]] || die "uploading $file answered ${answer%% *}: $(head -c 300 "$body")"
  echo "${answer#* } $(sed -E 's/.*"size":([0-9]+).*/\1/' "$body")"
}

# api_uploads ITERATIONS FILE...: per file, 2 warm-up uploads then ITERATIONS timed ones, one at a time;
# prints "<name>/<file> <median ms> <stored bytes>", as the pipeline programs do.
api_uploads() {
  local iterations=$1 file i answer bytes ms
  shift
  for file in "$@"; do
    upload "$file" >/dev/null
    upload "$file" >/dev/null
    local -a times=()
    for ((i = 0; i < iterations; i++)); do
      answer=$(upload "$file")
      times+=("${answer% *}")
      bytes=${answer#* }
    done
    ms=$(printf '%s\n' "${times[@]}" | median | awk '{ printf "%.1f", $1 * 1000 }')
    echo "$(label "$file") $ms $bytes"
  done
}

# uploads_per_second ROUNDS FILE at-once|one-by-one: ROUNDS rounds of one upload of FILE by each of the
# eight uploaders, all eight at once or one after another; prints images per second.
uploads_per_second() {
  local rounds=$1 file=$2 how=$3 start i t
  start=$(date +%s%N)
  for ((i = 0; i < rounds; i++)); do
    if [[ $how == at-once ]]; then
      eight_uploads "$file"
    else
      for t in "${uploader_tokens[@]}"; do
        upload "$file" "$t" >/dev/null
      done
    fi
  done
  awk -v n=$((rounds * 8)) -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.2f\n", n / (ns / 1e9) }'
}

bench_images() {
  # ABPARTS_BENCH_IMAGE_RUNS and ABPARTS_BENCH_MEMORY_ROUNDS shorten a trial run of the script.
  local iterations="${ABPARTS_BENCH_IMAGE_RUNS:-5}" api_iterations="${ABPARTS_BENCH_IMAGE_RUNS:-7}" rate_rounds=3
  local memory_rounds="${ABPARTS_BENCH_MEMORY_ROUNDS:-30}" workers i
  ensure_npm_tools
  log "Building the image benchmark program"
  dotnet build "$ROOT/bench/AbParts.Benchmarks" -c Release -nologo -v q >/dev/null
  log "Making the camera-style baseline JPEG (NetVips) and the HEIC (heif-enc)"
  make_image_inputs
  workers=$(nproc)
  log "Images: ${#image_inputs[@]} inputs, the median of $iterations timed runs each after a warm-up"
  log "  processor in process, processor in a worker"
  (allocator_env && exec dotnet "$BENCH_DLL" "$iterations" "${image_inputs[@]}") >"$tmp/processor.txt"
  (allocator_env && exec dotnet "$BENCH_DLL" --worker "$WEBAPI_DLL" "$iterations" "${image_inputs[@]}") >"$tmp/worker.txt"
  local sharp_version libvips_version
  sharp_version=$(cd "$ROOT" && node -p 'require("sharp").versions.sharp')
  libvips_version=$(cd "$ROOT" && node -p 'require("sharp").versions.vips')
  log "  sharp $sharp_version (libvips $libvips_version), Pillow"
  (cd "$ROOT" && exec node bench/sharp_pipeline.mjs "$iterations" "${image_inputs[@]}") >"$tmp/sharp.txt" 2>"$tmp/sharp.log"
  /usr/bin/python3 "$ROOT/bench/pillow_pipeline.py" "$iterations" "${image_inputs[@]}" >"$tmp/pillow.txt" 2>"$tmp/pillow.log"

  start_api
  log "  HTTP uploads, one at a time: 2 warm-up uploads then the median of $api_iterations per input"
  api_uploads "$api_iterations" "${image_inputs[@]}" >"$tmp/api.txt"

  local camera=${image_inputs[0]} one_by_one at_once
  log "Images per second, $rate_rounds rounds of 8 uploads of $(label "$camera"): one at a time, then 8 at once"
  make_uploaders
  eight_uploads "$camera" # warm-up: every uploader's first upload, and the concurrent paths
  one_by_one=$(uploads_per_second "$rate_rounds" "$camera" one-by-one)
  at_once=$(uploads_per_second "$rate_rounds" "$camera" at-once)

  # The progressive photograph: its decoder holds the whole image's coefficients (88 MB), the most any
  # of these inputs asks of the workers' allocator.
  local heavy=${image_inputs[1]} idle_mb peak_mb after_mb first_half second_half
  local -a peaks=()
  log "Memory of the service and its image workers, $memory_rounds rounds of 8 uploads at once of $(label "$heavy")"
  idle_mb=$(($(tree_rss_kb "$API_PID") / 1024))
  for ((i = 0; i < memory_rounds; i++)); do
    peaks+=("$(peak_tree_rss "$API_PID" eight_uploads "$heavy")")
  done
  sleep 2
  after_mb=$(($(tree_rss_kb "$API_PID") / 1024))
  peak_mb=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1)
  first_half=$(printf '%s\n' "${peaks[@]:0:memory_rounds/2}" | sort -n | tail -n 1)
  second_half=$(printf '%s\n' "${peaks[@]:memory_rounds/2}" | sort -n | tail -n 1)

  # One line per input: name; ms of the processor, in a worker, API, sharp, Pillow; bytes of ours, sharp, Pillow.
  paste -d' ' "$tmp/processor.txt" "$tmp/worker.txt" "$tmp/api.txt" "$tmp/sharp.txt" "$tmp/pillow.txt" |
    awk '$1 != $4 || $1 != $7 || $1 != $10 || $1 != $13 { print "inputs out of step: " $0 >"/dev/stderr"; exit 1 }
         { print $1, $2, $5, $8, $11, $14, $3, $12, $15 }' >"$tmp/all.txt" || die "the contenders' outputs do not match"

  echo
  echo "### Image upload: what a user waits for ($(nproc) cores, $workers image workers)"
  echo
  echo "Every contender makes the same outputs: a 1024 px WebP within 500 KB down the quality ladder"
  echo "85/75/60/50/40, and 300/200/100 px thumbnails. ms are medians: $iterations runs per input after a"
  echo "warm-up for the pipelines, $api_iterations uploads after 2 warm-up ones for the API."
  echo
  echo "- **processor**: IImageProcessor.ProcessAsync with Images:Isolation=InProcess: the pipeline itself."
  echo "- **in a worker**: the same call with Process isolation (the default): plus the frames to and from one image worker."
  echo "- **API upload**: curl -F file=@… POST /uploads/users/profile-photo, end to end (multipart in, worker, rows and blobs committed, answer)."
  echo "- **sharp** $sharp_version (libvips $libvips_version, concurrency 1, no cache, WebP effort 2; thumbnails from the 1024 px rendition), bare pipeline in Node.js."
  echo "- **Pillow** (Debian's, LANCZOS, WebP method 4): the old system's pipeline. Neither peer can decode a HEVC HEIC here (n/a)."
  echo
  echo "| input | processor ms | in a worker ms | API upload ms | sharp ms | Pillow ms | processor × sharp (≤ 1) | API × sharp | API × Pillow | bytes: ours / sharp / Pillow |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  awk '
    function r(a, b) { return (b == "n/a") ? "n/a" : sprintf("%.2f", a / b) }
    {
      ps = r($2, $5); tick = (ps == "n/a") ? "" : ($2 <= $5 ? " ✔" : " ✘")
      printf "| %s | %.1f | %.1f | %.1f | %s | %s | %s%s | %s | %s | %s / %s / %s |\n", $1, $2, $3, $4, $5, $6, ps, tick, r($4, $5), r($4, $6), $7, $8, $9
    }' "$tmp/all.txt"
  awk '
    {
      lp += log($2); lw += log($3); la += log($4); n++
      if ($5 != "n/a") { ls += log($5); lps += log($2 / $5); las += log($4 / $5); ns++ }
      if ($6 != "n/a") { lpi += log($6); lap += log($4 / $6); np++ }
    }
    END {
      printf "| geometric mean | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | |\n", exp(lp / n), exp(lw / n), exp(la / n), exp(ls / ns), exp(lpi / np), exp(lps / ns), exp(las / ns), exp(lap / np)
    }' "$tmp/all.txt" >"$tmp/means.txt"
  cat "$tmp/means.txt"
  echo
  echo "(Geometric means: ours over all ${#image_inputs[@]} inputs; sharp, Pillow and their ratios over the inputs they decode.)"
  echo
  echo "Where an upload's time goes beyond the pipeline (API upload − processor):"
  echo
  echo "| input | API − processor ms | of which the worker round trip (in a worker − processor) ms | the rest: HTTP, multipart, database, answer ms |"
  echo "|---|---:|---:|---:|"
  awk '{ printf "| %s | %.1f | %.1f | %.1f |\n", $1, $4 - $2, $3 - $2, $4 - $3 }' "$tmp/all.txt"
  echo
  echo "Images per second through the API, $rate_rounds rounds of 8 uploads of $(label "$camera") by 8 users:"
  echo
  echo "| uploads | images/s |"
  echo "|---|---:|"
  echo "| one at a time | $one_by_one |"
  echo "| 8 at once | $at_once |"
  echo "| ratio | $(ratio "$at_once" "$one_by_one")× |"
  echo
  echo "With $workers image workers (Images:Workers defaults to the core count) on $(nproc) cores, 8 at once can at most"
  echo "keep every core busy: the ceiling is about $(nproc)× of one at a time less the share of a core that one upload"
  echo "already leaves to HTTP, the database and curl, which here run on the same cores."
  echo
  echo "Memory (VmRSS of the service plus its image workers, sampled every 100 ms), $memory_rounds rounds of 8 uploads at once of $(label "$heavy"):"
  echo
  echo "| | MB |"
  echo "|---|---:|"
  echo "| before the rounds | $idle_mb |"
  echo "| peak per round | $(printf '%s / ' "${peaks[@]}" | sed 's# / $##') |"
  echo "| highest peak, rounds 1–$((memory_rounds / 2)) / rounds $((memory_rounds / 2 + 1))–$memory_rounds | $first_half / $second_half |"
  echo "| highest peak overall | $peak_mb |"
  echo "| 2 s after the last round | $after_mb |"
  echo
  local proc_ok api_sharp api_pillow
  proc_ok=$(awk '$5 != "n/a" { n++; if ($2 <= $5) ok++ } END { printf "%d of %d", ok, n }' "$tmp/all.txt")
  api_sharp=$(awk -F'|' '{ gsub(/ /, "", $9); print $9 }' "$tmp/means.txt")
  api_pillow=$(awk -F'|' '{ gsub(/ /, "", $10); print $10 }' "$tmp/means.txt")
  echo "| target (issue 9) | measured | |"
  echo "|---|---|---|"
  echo "| processor at or below sharp on every input | $proc_ok inputs | $(awk '$5 != "n/a" && $2 > $5 { bad = 1 } END { print bad ? "✘" : "✔" }' "$tmp/all.txt") |"
  echo "| API upload ≤ 1.5× sharp's bare pipeline (geometric mean) | ${api_sharp}× | $(verdict "$api_sharp" 1.5 le) |"
  echo "| API upload ≤ 0.6× Pillow (geometric mean) | ${api_pillow}× | $(verdict "$api_pillow" 0.6 le) |"
  echo "| 8 at once ≥ 1.8× the images/s of one at a time | $(ratio "$at_once" "$one_by_one")× | $(verdict "$(ratio "$at_once" "$one_by_one")" 1.8 ge) |"
  echo "| memory settles: second half's peak within 10 % of the first's | $(awk -v a="$first_half" -v b="$second_half" 'BEGIN { printf "%+.1f %%", (b / a - 1) * 100 }') | $(verdict "$(ratio "$second_half" "$first_half")" 1.10 le) |"
}

# --- a running API on a throwaway PostgreSQL (build/lib.sh), and nginx -------------------------
# start_api: the API with videos of up to 2 GB (bench_video uploads 1 GB).
start_api() { api_start "$tmp" Videos__MaxBytes=2147483648; }

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
  local base peak
  base=$(rss_kb "$1")
  peak=$(sampled_peak_kb rss_kb "$@")
  awk -v b="$base" -v p="$peak" 'BEGIN { printf "%.0f %.0f\n", b / 1024, p / 1024 }'
}

# --- serve ------------------------------------------------------------------------------------
# make_uploaders: eight users, each with a token in uploader_tokens. One user per upload: concurrent
# replacements of the same user's photo race on that user's row.
make_uploaders() {
  local org i answer
  [[ ${#uploader_tokens[@]} -eq 8 ]] && return 0 # made already in this run
  org=$(curl -sf -X POST "$API_URL/organizations" -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"Bench uploaders"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
  uploader_tokens=()
  for i in 1 2 3 4 5 6 7 8; do
    curl -sf -o /dev/null -X POST "$API_URL/users" -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"username\":\"uploader$i\",\"password\":\"bench-password-1\",\"organization_id\":\"$org\",\"role\":\"user\"}" ||
      die "could not create user uploader$i"
    answer=$(curl -sf -X POST "$API_URL/auth/token" -H 'Content-Type: application/json' \
      -d "{\"username\":\"uploader$i\",\"password\":\"bench-password-1\"}") || die "uploader$i could not sign in"
    uploader_tokens+=("$(sed -E 's/.*"access_token":"([^"]+)".*/\1/' <<<"$answer")")
  done
}

# eight_uploads [FILE]: the eight users upload FILE (default: a 5120x2880 JPEG) at once (8 curl processes);
# fails unless all answer 200.
eight_uploads() {
  local t file=${1:-${inputs[0]}} codes="$tmp/upload-codes"
  local -a curls=()
  : >"$codes"
  for t in "${uploader_tokens[@]}"; do
    curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' -H "Authorization: Bearer $t" -F "file=@$file" \
      "$API_URL/uploads/users/profile-photo" >>"$codes" &
    curls+=($!)
  done
  wait "${curls[@]}" # not a bare wait: the API may be a child of this shell
  [[ $(grep -c '^200$' "$codes") == 8 ]] || die "not every upload answered 200: $(sort "$codes" | uniq -c | xargs)"
}

bench_serve() {
  # Enough rounds to tell memory that settles from memory that keeps growing.
  local upload_rounds="${ABPARTS_BENCH_UPLOAD_ROUNDS:-12}"
  start_api
  start_nginx
  local upload url user_path base peak idle_rss i rps p99 static
  local -a signed_rps=() signed_p99=() bearer_rps=() bearer_p99=() static_rps=() static_p99=() signed_x=() bearer_x=()
  idle_rss=$(($(rss_kb "$API_PID") / 1024))
  upload=$(curl -sf -H "Authorization: Bearer $API_TOKEN" -F "file=@${inputs[0]}" "$API_URL/uploads/users/profile-photo")
  url=$(sed -E 's/.*"url":"([^"]+)".*/\1/' <<<"$upload")
  user_path="${url%%\?*}"
  curl -sf -o "$tmp/www/photo.webp" "$API_URL$url"
  log "Serving a $(stat -c %s "$tmp/www/photo.webp")-byte WebP: wrk -t2 -c32, 10 s of warm-up then 10 s, against each in turn, 3 rounds"
  # The first half minute of load also measures the JIT's re-compilation of the hot paths with the
  # profile it gathered (dynamic PGO): run both kinds of request first, then measure each.
  wrk -t2 -c32 -d15s "$API_URL$url" >/dev/null
  wrk -t2 -c32 -d15s -H "Authorization: Bearer $API_TOKEN" "$API_URL$user_path" >/dev/null
  # This machine's speed drifts by tens of percent within minutes (nginx alone: 32 000 to 48 000 requests/s),
  # so the three are measured in turns and each ratio is taken within its round; the table shows medians.
  for ((i = 0; i < 3; i++)); do
    read -r rps p99 < <(wrk_run "$API_URL$url")
    signed_rps+=("$rps") signed_p99+=("$p99")
    read -r rps p99 < <(wrk_run "$API_URL$user_path" "Authorization: Bearer $API_TOKEN")
    bearer_rps+=("$rps") bearer_p99+=("$p99")
    read -r static p99 < <(wrk_run "http://127.0.0.1:$nginx_port/photo.webp")
    static_rps+=("$static") static_p99+=("$p99")
    signed_x+=("$(ratio "${signed_rps[i]}" "$static")") bearer_x+=("$(ratio "$rps" "$static")")
  done
  log "Memory while 8 uploads of a 5120x2880 JPEG run at once, $upload_rounds rounds"
  make_uploaders
  local -a peaks=()
  base=$(($(rss_kb "$API_PID") / 1024))
  for ((i = 0; i < upload_rounds; i++)); do
    read -r _ peak < <(peak_rss "$API_PID" eight_uploads)
    peaks+=("$peak")
  done
  peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1)
  sleep 2

  echo
  echo "### Serving an image ($(nproc) cores, wrk and the server on the same machine)"
  echo
  echo "Medians of 3 rounds, each round's values in brackets; × nginx is each round's own ratio."
  echo
  echo "| server | requests/s | p99 ms | × nginx |"
  echo "|---|---:|---:|---:|"
  echo "| AbParts, signed URL | $(rounds "${signed_rps[@]}") | $(rounds "${signed_p99[@]}") | $(rounds "${signed_x[@]}") |"
  echo "| AbParts, bearer token | $(rounds "${bearer_rps[@]}") | $(rounds "${bearer_p99[@]}") | $(rounds "${bearer_x[@]}") |"
  echo "| nginx, the same bytes from disk | $(rounds "${static_rps[@]}") | $(rounds "${static_p99[@]}") | 1.00 |"
  echo
  echo "Target: ≥ 0.7× nginx $(verdict "$(printf '%s\n' "${signed_x[@]}" | median)" 0.7 ge) (signed URL), $(verdict "$(printf '%s\n' "${bearer_x[@]}" | median)" 0.7 ge) (bearer)."
  echo
  echo "| API resident memory (VmRSS, sampled every 100 ms) | MB |"
  echo "|---|---:|"
  echo "| after start-up, idle | $idle_rss |"
  echo "| before the uploads (after the wrk runs) | $base |"
  echo "| peak while 8 uploads of a 5120x2880 JPEG run at once, rounds 1 to $upload_rounds | $(printf '%s / ' "${peaks[@]}" | sed 's# / $##') |"
  echo "| highest peak of the first half of the rounds, of the second half | $(printf '%s\n' "${peaks[@]:0:upload_rounds/2}" | sort -n | tail -n 1) / $(printf '%s\n' "${peaks[@]:upload_rounds/2}" | sort -n | tail -n 1) |"
  echo "| growth, highest peak over before-the-uploads | +$((peak - base)) |"
  echo "| 2 s after the last round | $(($(rss_kb "$API_PID") / 1024)) |"
}

# --- video ------------------------------------------------------------------------------------
make_videos() {
  log "Making a 100 MB test video (ffmpeg) and a 1 GB one (the same with a 'free' box of padding)"
  make_test_video "$tmp/video.mp4" 20 40
  local pad=$((1024 * 1024 * 1024 - $(stat -c %s "$tmp/video.mp4")))
  {
    cat "$tmp/video.mp4"
    printf '%08x' "$pad" | xxd -r -p
    printf 'free'
    head -c $((pad - 8)) /dev/zero
  } >"$tmp/video-1g.mp4"
}

# parallel_fetch N URL [ROUNDS]: ROUNDS (default 1) rounds of N clients fetching URL at once; prints total MB/s.
parallel_fetch() {
  local n=$1 url=$2 rounds=${3:-1} start i r
  local -a curls=()
  start=$(date +%s%N)
  for ((r = 0; r < rounds; r++)); do
    curls=()
    for ((i = 0; i < n; i++)); do
      curl -sf -o /dev/null -H "Authorization: Bearer $API_TOKEN" "$url" &
      curls+=($!)
    done
    wait "${curls[@]}" # not a bare wait: the API may be a child of this shell
  done
  awk -v bytes="$(stat -c %s "$tmp/video.mp4")" -v n=$((n * rounds)) -v ns=$(($(date +%s%N) - start)) \
    'BEGIN { printf "%.0f\n", bytes * n / 1048576 / (ns / 1e9) }'
}

bench_video() {
  command -v xxd >/dev/null || ensure_packages xxd
  start_api
  start_nginx
  make_videos
  local video id stream mb_api mb_nginx up_base up_peak st_base st_peak i rps static
  local -a range_api=() range_nginx=() range_x=()
  video=$(curl -sf -H "Authorization: Bearer $API_TOKEN" -F "file=@$tmp/video.mp4" -F title=Bench -F category=maintenance \
    "$API_URL/videos/support")
  id=$(sed -E 's/.*"id":"([^"]+)".*/\1/' <<<"$video")
  stream="$API_URL/videos/stream/$id"
  cp "$tmp/video.mp4" "$tmp/www/video.mp4"
  log "Streaming a $(($(stat -c %s "$tmp/video.mp4") / 1048576)) MB video: 30 s of 1 MB ranges to warm up, then 8 clients at once, 5 rounds, whole; then wrk on 1 MB ranges, 3 rounds in turns"
  # As in serve: the first half minute of load also measures the JIT's re-compilation of the hot paths.
  wrk -t2 -c32 -d30s -H "Range: bytes=1048576-2097151" -H "Authorization: Bearer $API_TOKEN" "$stream" >/dev/null
  parallel_fetch 8 "$stream" >/dev/null
  mb_api=$(parallel_fetch 8 "$stream" 5)
  parallel_fetch 8 "http://127.0.0.1:$nginx_port/video.mp4" >/dev/null
  mb_nginx=$(parallel_fetch 8 "http://127.0.0.1:$nginx_port/video.mp4" 5)
  # In turns, three rounds, each ratio within its round, as in serve.
  for ((i = 0; i < 3; i++)); do
    rps=$(wrk_run "$stream" "Range: bytes=1048576-2097151" "Authorization: Bearer $API_TOKEN" | awk '{ print $1 }')
    static=$(wrk_run "http://127.0.0.1:$nginx_port/video.mp4" "Range: bytes=1048576-2097151" | awk '{ print $1 }')
    range_api+=("$rps") range_nginx+=("$static") range_x+=("$(ratio "$rps" "$static")")
  done
  log "Memory while uploading a 1 GB video, then while 8 clients stream the 100 MB one"
  read -r up_base up_peak < <(peak_rss "$API_PID" curl -sf -o /dev/null -H "Authorization: Bearer $API_TOKEN" \
    -F "file=@$tmp/video-1g.mp4" -F title=Big -F category=maintenance "$API_URL/videos/support")
  [[ $(curl -sf -H "Authorization: Bearer $API_TOKEN" "$API_URL/videos/support" | grep -o '"id"' | wc -l) == 2 ]] ||
    die "the 1 GB upload did not store a video"
  read -r st_base st_peak < <(peak_rss "$API_PID" parallel_fetch 8 "$stream")

  echo
  echo "### Streaming video ($(nproc) cores, local video store, clients on the same machine)"
  echo
  echo "| download | AbParts | nginx | × nginx |"
  echo "|---|---:|---:|---:|"
  echo "| whole $(($(stat -c %s "$tmp/video.mp4") / 1048576)) MB file, 8 clients at once, 5 rounds (MB/s) | $mb_api | $mb_nginx | $(ratio "$mb_api" "$mb_nginx") |"
  echo "| 1 MB ranges, wrk -c32 (requests/s = MB/s), median [3 rounds] | $(rounds "${range_api[@]}") | $(rounds "${range_nginx[@]}") | $(rounds "${range_x[@]}") |"
  echo
  echo "Target: ≥ 0.9× nginx $(verdict "$(ratio "$mb_api" "$mb_nginx")" 0.9 ge) (whole), $(verdict "$(printf '%s\n' "${range_x[@]}" | median)" 0.9 ge) (ranges)."
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
