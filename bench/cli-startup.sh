#!/usr/bin/env bash
# CLI start-up: wall time of `ferry --version` and of small conversions (a 16 MiB qcow2 holding
# 1 MiB of data, to each target), run as bench/convert-vs-qemu.sh runs ferry (-Xmx256m, serial GC,
# C1 only, the AOT cache from `ferry aot-training` on JDK 25+), against `java -version` (an empty
# JVM's floor). Prints the median of RUNS (default 9) runs of each, in milliseconds.
#   bash bench/cli-startup.sh
# Needs qemu-img, qemu-io and a JDK 25 (the AOT cache; older JDKs run without one).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-9}
WORK_PREFIX=ferry-cli-startup
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
"$here/ferry" --version >/dev/null   # builds the jar once, outside the timings
. "$here/.mvn/select-jdk.sh"
java="$JAVA_HOME/bin/java"
cp "$here/ferry-server/target/ferry.jar" "$work/ferry.jar"
opts="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
if [ "$(ferry_java_major "$JAVA_HOME")" -ge 25 ]; then
  "$java" $opts -XX:AOTMode=record -XX:AOTConfiguration="$work/aotconf" -jar "$work/ferry.jar" aot-training "$work" >/dev/null 2>&1
  "$java" $opts -XX:AOTMode=create -XX:AOTConfiguration="$work/aotconf" -XX:AOTCache="$work/ferry.aot" \
    -jar "$work/ferry.jar" >/dev/null 2>&1
  opts="$opts -XX:AOTCache=$work/ferry.aot -Xlog:aot*=off,cds*=off"
fi
qemu-img create -q -f qcow2 "$work/small.qcow2" 16M
qemu-io -f qcow2 -c "write -P 0x5a 0 1M" "$work/small.qcow2" >/dev/null

ms() {  # COMMAND... -> median wall milliseconds of RUNS runs
  local t=() s e i
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$work/out"
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    t+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
echo "java -version (empty JVM): $(ms "$java" -Xshare:auto -version) ms"
echo "ferry --version:           $(ms "$java" $opts -jar "$work/ferry.jar" --version) ms"
for t in raw qcow2 vhd vmdk; do
  printf 'ferry convert --to %-6s %s ms\n' "$t:" "$(ms "$java" $opts -jar "$work/ferry.jar" convert --no-progress --to "$t" "$work/small.qcow2" "$work/out")"
done
