#!/usr/bin/env bash
# Soaks AbParts Media: 200 simulated users for 60 s against the service, a realistic mix of image reads (with and
# without If-None-Match), video ranges, chat file downloads and uploads, and photograph uploads; then reads back every
# upload the service acknowledged, twice. Prints markdown: requests, rates and latencies per kind, errors by status,
# the bytes compared, and the memory of the service plus its image workers. A benchmark, not a test: nothing fails here.
#   build/soak.sh
# ABPARTS_SOAK_CLIENTS, ABPARTS_SOAK_SECONDS and ABPARTS_SOAK_SEED change the 200 users, the 60 s and the random draws.
# Everything runs on 127.0.0.1 (users connect from addresses of their own in 127.0.0.0/8), bounded in time and request
# count, and is stopped on exit. About 2½ minutes on 2 cores.
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

clients="${ABPARTS_SOAK_CLIENTS:-200}"
seconds="${ABPARTS_SOAK_SECONDS:-60}"
seed="${ABPARTS_SOAK_SEED:-14}"

ensure_packages plasma-workspace-wallpapers curl
ensure_built
log "Building the load client (bench/AbParts.Benchmarks)"
dotnet build "$ROOT/bench/AbParts.Benchmarks" -c Release -nologo -v q >/dev/null
BENCH_DLL="$ROOT/bench/AbParts.Benchmarks/bin/Release/net10.0/AbParts.Benchmarks.dll"

tmp="$(mktemp -d /tmp/abparts-soak.XXXXXX)"
cleanup() {
  trap - EXIT INT TERM
  api_stop "$tmp"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Photographs as users take them (2560x1600 JPEGs, one with an ICC profile) and as cameras and renderers make them
# large (5120x2880 progressive JPEGs and a PNG): 100–300 ms of an image worker each.
wallpapers=/usr/share/wallpapers
photos=(
  "$wallpapers/Path/contents/images/2560x1600.jpg"
  "$wallpapers/Autumn/contents/images/2560x1600.jpg"
  "$wallpapers/ColorfulCups/contents/images/2560x1600.jpg"
  "$wallpapers/Flow/contents/images/5120x2880.jpg"
  "$wallpapers/Volna/contents/images/5120x2880.jpg"
  "$wallpapers/Altai/contents/images/5120x2880.png"
)

mb() { echo $(($1 / 1024)); }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
# cpu_s PID...: CPU seconds (user and system) that the processes have used; one that has gone counts nothing.
cpu_s() {
  local pid
  for pid in "$@"; do
    cat "/proc/$pid/stat" 2>/dev/null || true
  done | awk -v hz="$(getconf CLK_TCK)" '{ t += $14 + $15 } END { printf "%.1f\n", t / hz }'
}
# busy_s: CPU seconds the whole machine has spent not idle since boot.
busy_s() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.1f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
# seconds_between A B: B - A, one decimal.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# metric NAME LABEL: the sum of the Prometheus samples of NAME whose labels contain LABEL (e.g. outcome="processed").
metric() { awk -v name="$1" -v label="$2" 'index($0, name "{") == 1 && index($0, label) { v += $NF } END { print v + 0 }' <<<"$metrics"; }
load_at_start=$(loadavg)
# memory_row WHEN: a row of the memory table: the service and its workers, and the service alone, now.
memory_rows=()
memory_row() { memory_rows+=("| $1 | $(mb "$(tree_rss_kb "$API_PID")") | $(mb "$(rss_kb "$API_PID")") |"); }

log "Making a 10 MB test video (ffmpeg)"
make_test_video "$tmp/video.mp4" 10 8
# The service's own metrics (README, Reading the metrics) say how long image jobs took and why any was refused.
metrics_url="http://127.0.0.1:$(free_port)"
api_start "$tmp" Metrics__Enabled=true Metrics__Url="$metrics_url"
memory_row "after start-up, idle"
log "Setup: $clients users (created, each signed in from its own address), 4 parts with 8 photographs, the video, a chat note each"
started=$SECONDS
ABPARTS_SOAK_TOKEN="$API_TOKEN" dotnet "$BENCH_DLL" soak setup "$tmp/state.json" "$API_URL" "$clients" \
  "$tmp/video.mp4" "${photos[@]}"
setup_s=$((SECONDS - started))

# soak_load: the load step, its report kept in load.md (sampled_kb discards what a command prints).
soak_load() { dotnet "$BENCH_DLL" soak load "$tmp/state.json" "$seconds" "$seed" >"$tmp/load.md"; }

memory_row "before the load (after setup)"
log "Load: $clients users for $seconds s, memory sampled every 100 ms"
started=$SECONDS
read -r busy_before service_before workers_before < <(echo "$(busy_s) $(cpu_s "$API_PID") $(cpu_s $(pgrep -P "$API_PID"))")
sampled_kb tree_rss_kb "$API_PID" soak_load >"$tmp/memory.txt"
read -r busy_after service_after workers_after < <(echo "$(busy_s) $(cpu_s "$API_PID") $(cpu_s $(pgrep -P "$API_PID"))")
load_s=$((SECONDS - started))
load_at_end=$(loadavg)
# The highest sample overall, in the first half of the samples and in the second.
read -r peak_kb first_kb second_kb < <(awk '{ v[NR] = $1 }
  END { for (i = 1; i <= NR; i++) { p = v[i] > p ? v[i] : p; if (i <= NR / 2) a = v[i] > a ? v[i] : a; else b = v[i] > b ? v[i] : b }
        print p, a, b }' "$tmp/memory.txt")
memory_rows+=("| peak during the load, sampled every 100 ms | $(mb "$peak_kb") | |")
memory_rows+=("| highest sample of the first half of the load / of the second half | $(mb "$first_kb") / $(mb "$second_kb") | |")
memory_row "right after the load"
workers_cpu=$(cpu_s $(pgrep -P "$API_PID"))
metrics=$(curl -sf "$metrics_url/metrics" || true)
log "Read-back of every acknowledged upload, twice"
started=$SECONDS
dotnet "$BENCH_DLL" soak verify "$tmp/state.json" >"$tmp/verify.md"
verify_s=$((SECONDS - started))
memory_row "after the read-back, $verify_s s later"

echo
echo "### Soak: $clients users for $seconds s ($(date -u +%F), $(nproc) cores, $(pgrep -c -P "$API_PID" || true) image workers)"
echo
echo "The load client, PostgreSQL and the service share the cores. Setup took $setup_s s, the load $load_s s, the read-back $verify_s s."
echo "The machine's load average (1 min) was $load_at_start before the run and $load_at_end at the end of the load: other work"
echo "on the machine shows in the first."
echo
cat "$tmp/load.md"
processed=$(metric abparts_image_job_duration_seconds_count 'outcome="processed"')
echo "Image workers: $processed images processed since start-up (setup's included), on average" \
  "$(awk -v s="$(metric abparts_image_job_duration_seconds_sum 'outcome="processed"')" -v n="$processed" 'BEGIN { printf "%.2f", n ? s / n : 0 }') s" \
  "from admission to answer (waiting for a free worker included), and" \
  "$(awk -v c="$workers_cpu" -v n="$processed" 'BEGIN { printf "%.2f", n ? c / n : 0 }') s of a worker's CPU each (the workers' start-up included);" \
  "$(metric abparts_image_jobs_failed_total 'reason="queue_full"') refused with 503 because a full queue waited already (Images:QueueLength, reason queue_full);" \
  "$(metric abparts_image_worker_restarts_total '{') workers replaced."
echo
echo "CPU during the load, of $(nproc) cores × $load_s s: the machine was busy $(seconds_between "$busy_before" "$busy_after") s;" \
  "of that the service $(seconds_between "$service_before" "$service_after") s and its image workers" \
  "$(seconds_between "$workers_before" "$workers_after") s; the load client, PostgreSQL, the kernel and anything else the rest."
echo
echo "Resident memory (VmRSS) of the service plus its image workers, and of the service alone:"
echo
echo "| when | service and workers MB | service alone MB |"
echo "|---|---:|---:|"
printf '%s\n' "${memory_rows[@]}"
echo
cat "$tmp/verify.md"
errors=$(grep -c '"LogLevel":"\(Error\|Critical\)"' "$tmp/api.log" || true)
echo "The service logged $errors errors (Error or Critical) during the run."
if ((errors > 0)); then
  echo
  grep '"LogLevel":"\(Error\|Critical\)"' "$tmp/api.log" | sed -E 's/.*"Message":"([^"]{0,200}).*/- \1/' | sort | uniq -c | head -n 5
fi
