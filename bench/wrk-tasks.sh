#!/usr/bin/env bash
# Tasks API throughput with wrk, comparable to peers/glance/figures.md (Glance 25.1: 444 req/s for
# GET /v2/tasks/{id} and 265 req/s for GET /v2/tasks?limit=20, 1 worker, same machine class).
#
#   bench/wrk-tasks.sh            # RUNS=3 DURATION=10s WARMUP=20s by default
#
# Starts the release jar (./ferry serve, which builds it if needed) on 127.0.0.1 and a free port
# with a fresh data dir (H2 + file store), creates 60 tasks like the Glance measurement (1
# successful import of a 1 MiB raw image from a local http server, 59 that fail at once for a
# missing input field), warms the JVM up, then runs
#   wrk -t2 -c16 -d10s --latency  GET /v2/tasks/{id}   and   GET /v2/tasks?limit=20
# RUNS times each and prints req/s and p99 per run and the medians. Needs wrk, curl, python3.
# Optional CPU pinning, to keep wrk and the server off each other's cores (taskset CPU lists):
#   SERVER_CPUS=0 WRK_CPUS=1 bench/wrk-tasks.sh
# JVM flags go to the server through ./ferry's FERRY_JAVA_OPTS; none is recommended: on this
# 2-core machine -XX:+UseParallelGC made p99 5 to 10 times worse than the default G1
# (docs/benchmarks.md), e.g.  FERRY_JAVA_OPTS="-XX:+UseParallelGC" bench/wrk-tasks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-20s}
server_pin=(); wrk_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")
[ -n "${WRK_CPUS:-}" ] && wrk_pin=(taskset -c "$WRK_CPUS")
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done

WORK_PREFIX=ferry-bench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # (the script has cd-ed to the repository root)

# the image source
mkdir -p "$work/www"
head -c 1048576 /dev/urandom > "$work/www/disk.raw"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" > "$work/source.log" 2>&1 &
source_pid=$!
source_port=$(wait_for "$work/source.log" 'port [0-9]+' 10 | grep -oE '[0-9]+')

# the server, release jar
FERRY_URL_ALLOWED_HOSTS=127.0.0.1 FERRY_URL_ALLOWED_PORTS="80,443,$source_port" FERRY_TASKS_POLL_MILLIS=200 \
  "${server_pin[@]}" ./ferry serve --listen 127.0.0.1:0 --data-dir "$work/data" > "$work/server.out" 2> "$work/server.log" &
server_pid=$!
base=$(wait_for "$work/server.out" 'http://[0-9.]+:[0-9]+' 300)
echo "server: $base (pid $server_pid), java: $(grep -m1 -oE 'ferry [0-9.]+' "$work/server.log" || true)"

post() { curl -sf -X POST "$base/v2/tasks" -H 'Content-Type: application/json' -d "$1"; }
task_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
status() { curl -sf "$base/v2/tasks/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }

ok=$(post "{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1:$source_port/disk.raw\", \"import_from_format\": \"raw\", \"image_properties\": {\"name\": \"bench\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}}}" | task_id)
for i in $(seq 1 59); do
  post "{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1:$source_port/disk.raw\", \"import_from_format\": \"raw\"}}" >/dev/null
done
for i in $(seq 1 600); do
  busy=$(curl -sf "$base/v2/tasks?limit=100" | python3 -c 'import json,sys; print(sum(t["status"] in ("pending","processing") for t in json.load(sys.stdin)["tasks"]))')
  [ "$busy" = 0 ] && break
  sleep 0.1
done
echo "tasks: 60 created; $ok is $(status "$ok"); still busy: $busy"

get_url="$base/v2/tasks/$ok"
list_url="$base/v2/tasks?limit=20"
echo "warm-up: $WARMUP on each endpoint"
"${wrk_pin[@]}" wrk -t2 -c16 -d"$WARMUP" "$get_url" >/dev/null
"${wrk_pin[@]}" wrk -t2 -c16 -d"$WARMUP" "$list_url" >/dev/null

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
median() { sort -n | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

# Server CPU time (user + system, clock ticks) from /proc: CPU per request does not depend on how
# much of the machine other processes take, unlike req/s and latency.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat" 2>/dev/null || echo 0; }

run() {  # NAME URL
  local name=$1 url=$2 out rps p50 p90 p99 bad r c0 c1 reqs cpu
  : > "$work/rps"; : > "$work/p99"
  for r in $(seq 1 "$RUNS"); do
    c0=$(cpu_ticks)
    out=$("${wrk_pin[@]}" wrk -t2 -c16 -d"$DURATION" --latency "$url")
    c1=$(cpu_ticks)
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}' | to_ms)
    p90=$(echo "$out" | awk '$1 == "90%" {print $2}' | to_ms)
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)
    bad=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    cpu=$(awk -v d=$((c1 - c0)) -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f", d * 1e6 / hz / n; else print "?" }')
    printf '%-26s run %d: %10s req/s  p50 %6s  p90 %6s  p99 %6s ms  server CPU %4s us/req  %s\n' "$name" "$r" "$rps" "$p50" "$p90" "$p99" "$cpu" "$bad"
    echo "$rps" >> "$work/rps"; echo "$p99" >> "$work/p99"
  done
  printf '%-26s median: %10s req/s  p99 %6s ms\n' "$name" "$(median < "$work/rps")" "$(median < "$work/p99")"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), FERRY_JAVA_OPTS: ${FERRY_JAVA_OPTS:-(none)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run "GET /v2/tasks/{id}" "$get_url"
run "GET /v2/tasks?limit=20" "$list_url"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
