#!/usr/bin/env bash
# Import of a 1 GiB qcow2 through the tasks API, comparable to peers/glance/figures.md (Glance
# 25.1: 5.88 s with conversion to raw, 3.92 s without, medians of 5).
#
#   bench/import-bench.sh          # RUNS=3 by default
#
# Builds the source like the Glance measurement: virtual size 1 GiB, alternating 1 MiB random /
# 1 MiB zero (512 MiB of random data), made into a qcow2 with qemu-img and served by
# `python3 -m http.server` on 127.0.0.1. Starts the release jar (./ferry serve) with a fresh data
# dir (H2 + file store) and times POST /v2/tasks -> status success (polled every 0.05 s), RUNS
# times each with disk_format qcow2 (stored as is) and disk_format raw (converted), alternating,
# each after `sync`. Prints the runs and medians, and for reference the time of sha512sum (the
# slower of the two digests Ferry computes) over the stored bytes of each case, and of one JDK
# MessageDigest pass (bench/DigestPass.java: SHA-512 and MD5, best of 3, JIT warmed up) and of
# `openssl dgst` (one pass each), and the machine's floor for each case (see floor() below).
# Next to each wall time: the CPU time (user+sys; the median system time in brackets) the Ferry process spent on that import, which
# says more than the wall time on a loaded machine; `uptime` is printed before and after.
# FERRY_JAR=path/to/ferry.jar runs that jar instead of ./ferry (to compare two builds).
# FORMAT=vhd imports a dynamic VHD instead of the qcow2 (kept as vhd, or converted to raw).
# RANGES=1 serves the source with bench/range_http_server.py (http.server plus byte ranges), so
# that the conversion reads it by ranges without staging it (docs/import.md).
# Needs qemu-img, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. ./.mvn/select-jdk.sh
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "load before: $(uptime)"
RUNS=${RUNS:-3}
FORMAT=${FORMAT:-qcow2}  # or vhd (a dynamic VHD; the file keeps the name big1g.qcow2)
case $FORMAT in qcow2) qemu_format=qcow2; qemu_opts="";; vhd) qemu_format=vpc; qemu_opts="subformat=dynamic";;
  *) echo "bench: FORMAT must be qcow2 or vhd" >&2; exit 2;; esac
for tool in qemu-img curl python3 sha512sum openssl; do
  command -v $tool >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done

WORK_PREFIX=ferry-import-bench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # (the script has cd-ed to the repository root)
now() { date +%s.%N; }

# the source image
mkdir -p "$work/www"
python3 - "$work/big1g.raw" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as f:
    for i in range(0, 1024, 2):
        f.seek(i << 20)
        f.write(os.urandom(1 << 20))
    f.truncate(1 << 30)
PY
qemu-img convert -f raw -O "$qemu_format" ${qemu_opts:+-o "$qemu_opts"} "$work/big1g.raw" "$work/www/big1g.qcow2"
rm -f "$work/big1g.raw"
echo "source: $(stat -c %s "$work/www/big1g.qcow2") bytes $FORMAT, virtual 1073741824"
if [ "${RANGES:-0}" = 1 ]; then  # a server that does ranges: the conversion reads by ranges, nothing staged
  python3 -u bench/range_http_server.py "$work/www" > "$work/source.log" 2>&1 &
else
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" > "$work/source.log" 2>&1 &
fi
source_pid=$!
source_port=$(wait_for "$work/source.log" 'port [0-9]+' 10 | grep -oE '[0-9]+')

ferry_cmd=(./ferry)
[ -n "${FERRY_JAR-}" ] && ferry_cmd=("$java_bin" -jar "$FERRY_JAR")
FERRY_URL_ALLOWED_HOSTS=127.0.0.1 FERRY_URL_ALLOWED_PORTS="80,443,$source_port" \
  "${ferry_cmd[@]}" serve --listen 127.0.0.1:0 --data-dir "$work/data" > "$work/server.out" 2> "$work/server.log" &
server_pid=$!
base=$(wait_for "$work/server.out" 'http://[0-9.]+:[0-9]+' 300)
echo "server: $base (pid $server_pid)"


ticks=$(getconf CLK_TCK)
cpu_ticks() {  # PID -> "utime stime" of the process, in clock ticks
  awk '{ print $14, $15 }' "/proc/$1/stat"
}

time_import() {  # DISK_FORMAT NAME -> "seconds cpu-seconds system-seconds"
  local body id st t0 t1 u0 s0 u1 s1
  body="{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1:$source_port/big1g.qcow2\", \"import_from_format\": \"$FORMAT\", \"image_properties\": {\"name\": \"$2\", \"disk_format\": \"$1\", \"container_format\": \"bare\"}}}"
  read -r u0 s0 <<< "$(cpu_ticks "$server_pid")"
  t0=$(now)
  # Parsed with bash's own regex, not a python3 per poll: the polling loop must not take the CPU
  # the import needs (a python3 start is ~40 ms of CPU, twenty times a second).
  local resp; st=""
  resp=$(curl -sf -X POST "$base/v2/tasks" -H 'Content-Type: application/json' -d "$body")
  [[ $resp =~ \"id\":\ *\"([0-9a-f-]+)\" ]] || { echo "bench: no task id in $resp" >&2; exit 1; }
  id=${BASH_REMATCH[1]}
  while :; do
    resp=$(curl -sf "$base/v2/tasks/$id")
    [[ $resp =~ \"status\":\ *\"([a-z]+)\" ]] && st=${BASH_REMATCH[1]}
    [ "$st" = success ] || [ "$st" = failure ] && break
    sleep 0.05
  done
  t1=$(now)
  read -r u1 s1 <<< "$(cpu_ticks "$server_pid")"
  [ "$st" = success ] || { echo "bench: task $id ended in $st: $(curl -sf "$base/v2/tasks/$id")" >&2; exit 1; }
  python3 -c "print(f'{$t1 - $t0:.2f} {($u1 + $s1 - $u0 - $s0) / $ticks:.2f} {($s1 - $s0) / $ticks:.2f}')"
}

seconds() {  # COMMAND... -> its wall time in seconds, output discarded
  local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now); python3 -c "print(f'{$t1 - $t0:.2f}')"
}
median() { printf '%s\n' "$@" | sort -n | python3 -c 'import sys; v=[float(x) for x in sys.stdin]; print(f"{sorted(v)[len(v)//2]:.2f}")'; }

# warm-up: one import of each kind, not counted
time_import "$FORMAT" warm-keep >/dev/null; time_import raw warm-raw >/dev/null
conv=(); keep=(); conv_cpu=(); keep_cpu=(); conv_sys=(); keep_sys=()
for i in $(seq 1 "$RUNS"); do
  sync; sleep 1
  read -r wall cpu sys <<< "$(time_import raw "conv-$i")"; conv+=("$wall"); conv_cpu+=("$cpu"); conv_sys+=("$sys")
  sync; sleep 1
  read -r wall cpu sys <<< "$(time_import "$FORMAT" "keep-$i")"; keep+=("$wall"); keep_cpu+=("$cpu"); keep_sys+=("$sys")
done
echo "with conversion to raw: ${conv[*]} s; median $(median "${conv[@]}") s (Glance 5.88 s); Ferry CPU ${conv_cpu[*]} s, median $(median "${conv_cpu[@]}") s (system $(median "${conv_sys[@]}") s)"
echo "without conversion:     ${keep[*]} s; median $(median "${keep[@]}") s (Glance 3.92 s); Ferry CPU ${keep_cpu[*]} s, median $(median "${keep_cpu[@]}") s (system $(median "${keep_sys[@]}") s)"

# reference: SHA-512 over the same bytes (read from the page cache): the qcow2 as stored without
# conversion, and a 1 GiB raw image as stored with it
raw_blob=$(find "$work/data/images" -type f -size 1073741824c | head -n1)
for file in "$work/www/big1g.qcow2" "$raw_blob"; do
  cat "$file" > /dev/null
  t0=$(now); sha512sum "$file" >/dev/null; t1=$(now)
  echo "sha512sum over $(stat -c %s "$file") bytes: $(python3 -c "print(f'{$t1 - $t0:.2f}')") s;" \
    "JDK SHA-512 $("$java_bin" bench/DigestPass.java "$file" SHA-512) s, MD5 $("$java_bin" bench/DigestPass.java "$file" MD5) s;" \
    "openssl SHA-512 $(seconds openssl dgst -sha512 "$file") s, MD5 $(seconds openssl dgst -md5 "$file") s"
done

# The floor of this machine for each case: what any importer must at least do, all at once and with
# nothing in between: fetch the source from the same server (curl to /dev/null) while OpenSSL's MD5
# and SHA-512 (the fastest here) each read the stored bytes from the page cache. Real imports cannot
# start the digests before the bytes arrive, and convert, write and serve the API besides.
floor() {  # FILE -> seconds for curl + md5 + sha512 at once
  local t0 t1
  cat "$1" > /dev/null
  t0=$(now)
  curl -sf -o /dev/null "http://127.0.0.1:$source_port/big1g.qcow2" & local c=$!
  openssl dgst -md5 "$1" > /dev/null & local m=$!
  openssl dgst -sha512 "$1" > /dev/null
  wait $m $c
  t1=$(now)
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}
for file in "$work/www/big1g.qcow2" "$raw_blob"; do
  runs=(); for i in 1 2 3; do runs+=("$(floor "$file")"); done
  echo "floor (download + MD5 + SHA-512 at once) over $(stat -c %s "$file") stored bytes: ${runs[*]} s, median $(median "${runs[@]}") s"
done
echo "phases, as the server logged them (warm-up first):"
cat "$work/server.log" "$work/server.out" | grep -oE 'import [0-9a-f-]+: .*' | sed 's/^import [0-9a-f-]*: /  /'
echo "load after: $(uptime)"
