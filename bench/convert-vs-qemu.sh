#!/usr/bin/env bash
# Times qemu-img convert against ferry convert on the same source, in one run, and prints ratios.
#   bash bench/convert-vs-qemu.sh [-n RUNS] [-s SIZE_MIB] [-d WORKDIR] [-k]
# Source: a qcow2 of SIZE_MIB (default 2048) virtual MiB, alternating 4 MiB of random data and
# 4 MiB of zeros (half data, half zero), made by qemu-img from a raw file. Targets: vpc (VHD
# dynamic), raw, qcow2. Each conversion runs RUNS times (default 3) alternating the two tools (and
# which one goes first); the median wall time is reported. Ferry runs with -Xmx256m (heap bound). -k keeps WORKDIR.
# Needs qemu-img and a JDK (the ferry launcher builds the jar on first use).
set -euo pipefail
runs=3
size_mib=2048
work=""
keep=0
while getopts "n:s:d:k" o; do
  case $o in
    n) runs=$OPTARG ;;
    s) size_mib=$OPTARG ;;
    d) work=$OPTARG ;;
    k) keep=1 ;;
    *) echo "usage: $0 [-n RUNS] [-s SIZE_MIB] [-d WORKDIR] [-k]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
command -v qemu-img >/dev/null || { echo "qemu-img is required" >&2; exit 2; }
[ -n "$work" ] || work=$(mktemp -d /tmp/ferry-bench.XXXXXX)
mkdir -p "$work"
# This kind of VM (Firecracker) reports freed guest pages to the host at once (free page reporting),
# and the next write into them faults them back in from the host: the same conversion took 0.33 s
# or 2.7 s depending on whether its page-cache pages had been reported, for either tool, so the
# medians measured the host more than the tools. For the run, freed pages wait 120 s before they
# are reported (restored at exit; root only; NO_PAGE_REPORTING_DELAY=1 leaves it alone).
reporting=/sys/module/page_reporting/parameters/min_free_ms
reporting_was=""
if [ -z "${NO_PAGE_REPORTING_DELAY:-}" ] && [ -w "$reporting" ]; then
  reporting_was=$(cat "$reporting")
  echo 120000 > "$reporting"
fi
cleanup() {
  if [ -n "$reporting_was" ]; then echo "$reporting_was" > "$reporting"; fi
  if [ "$keep" = 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

"$here/ferry" --version >/dev/null   # builds the jar once, outside the timings
# Run a copy, so that editing the sources meanwhile cannot trigger a rebuild inside a timing.
. "$here/.mvn/select-jdk.sh"
cp "$here/ferry-server/target/ferry.jar" "$work/ferry.jar"
# JVM options as the ./ferry launcher uses them for a short-lived command: the serial GC, C1 only and, on
# JDK 25+, an AOT cache (else a class-data-sharing archive) of ferry's classes, made once, untimed,
# from `ferry aot-training` (every conversion the CLI offers, on a small image), as ./ferry does.
# The heap stays bounded at 256 MiB. FERRY_JAVA_OPTS overrides.
if [ -z "${FERRY_JAVA_OPTS:-}" ]; then
  FERRY_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
  major=$(ferry_java_major "$JAVA_HOME")
  if [ "$major" -ge 25 ]; then
    "$JAVA_HOME/bin/java" $FERRY_JAVA_OPTS -XX:AOTMode=record -XX:AOTConfiguration="$work/ferry.aotconf" \
      -jar "$work/ferry.jar" aot-training "$work" >/dev/null 2>&1 || true
    "$JAVA_HOME/bin/java" $FERRY_JAVA_OPTS -XX:AOTMode=create -XX:AOTConfiguration="$work/ferry.aotconf" \
      -XX:AOTCache="$work/ferry.aot" -jar "$work/ferry.jar" >/dev/null 2>&1 || true
    [ -f "$work/ferry.aot" ] && FERRY_JAVA_OPTS="$FERRY_JAVA_OPTS -XX:AOTCache=$work/ferry.aot -Xlog:aot*=off,cds*=off"
  else
    "$JAVA_HOME/bin/java" -XX:ArchiveClassesAtExit="$work/ferry.jsa" $FERRY_JAVA_OPTS \
      -jar "$work/ferry.jar" aot-training "$work" >/dev/null 2>&1 || true
    [ -f "$work/ferry.jsa" ] && FERRY_JAVA_OPTS="$FERRY_JAVA_OPTS -XX:SharedArchiveFile=$work/ferry.jsa"
  fi
  rm -f "$work/ferry.aotconf"
fi
export FERRY_JAVA_OPTS
# (the jar manifest grants native access to zstd-jni; repeating the flag would disable the CDS archive's module optimisation)
ferry() { "$JAVA_HOME/bin/java" $FERRY_JAVA_OPTS -jar "$work/ferry.jar" "$@"; }

src="$work/src.qcow2"
if [ ! -f "$src" ]; then
  raw="$work/src.raw"
  : > "$raw"
  chunks=$((size_mib / 8))
  for ((i = 0; i < chunks; i++)); do
    head -c 4194304 /dev/urandom >> "$raw"
    truncate -s +4M "$raw"
  done
  qemu-img convert -f raw -O qcow2 "$raw" "$src"
  rm -f "$raw"
fi
echo "source: $src ($(qemu-img info --output=json "$src" | sed -n 's/.*"virtual-size": \([0-9]*\).*/\1/p') bytes virtual, $(stat -c %s "$src") bytes file)"
echo "qemu-img: $(qemu-img --version | head -1); java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1 || true)"
echo "runs: $runs, FERRY_JAVA_OPTS=$FERRY_JAVA_OPTS"
echo "free page reporting delay: $( [ -n "$reporting_was" ] && echo "120000 ms for the run (was $reporting_was)" || echo "not changed" )"

now() { date +%s.%N; }
settle() {
  rm -f "$work"/q.* "$work"/f.*
  head -c $(( (size_mib / 2 + 256) * 1048576 )) /dev/zero > "$work/warm"
  rm -f "$work/warm"; sync
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { sort -g | head -n1; }

printf '%-8s %10s %10s %8s %10s %10s %8s\n' target qemu_med ferry_med ratio qemu_min ferry_min ratio
fail=0
for t in vpc raw qcow2; do
  ferry_to=$t; [ "$t" = vpc ] && ferry_to=vhd
  q=(); f=()
  for ((r = 0; r < runs; r++)); do
    # Same start for both (untimed): no earlier output, no dirty pages waiting for writeback, and
    # freshly freed page-cache pages. On this VM, writing into guest pages that were not touched
    # for a few seconds costs 3-6x more (qemu-img -O raw: 0.6 s right after a delete, 5-6 s after
    # a 5 s pause), so whichever tool ran second or started later would be measured on that.
    # The order alternates: a conversion started right after a qemu-img run was measured up to
    # 2x slower on this VM than the same one after a ferry run (docs/benchmarks.md, p24).
    for tool in $( ((r % 2 == 0)) && echo "qemu ferry" || echo "ferry qemu"); do
      settle
      if [ "$tool" = qemu ]; then
        a=$(now); qemu-img convert -f qcow2 -O "$t" "$src" "$work/q.$t"; b=$(now)
        q+=("$(echo "$b - $a" | bc)")
      else
        a=$(now); ferry convert --no-progress --to "$ferry_to" "$src" "$work/f.$t" >/dev/null; b=$(now)
        f+=("$(echo "$b - $a" | bc)")
        # untimed: the next settle deletes the output
        if ! qemu-img compare -q -f qcow2 -F "$t" "$src" "$work/f.$t"; then
          echo "  ferry output differs from the source!" >&2; fail=1
        fi
      fi
    done
  done
  qm=$(printf '%s\n' "${q[@]}" | median)
  fm=$(printf '%s\n' "${f[@]}" | median)
  ratio=$(echo "scale=2; $fm / $qm" | bc)
  qn=$(printf '%s\n' "${q[@]}" | minimum)
  fn=$(printf '%s\n' "${f[@]}" | minimum)
  ratio_min=$(echo "scale=2; $fn / $qn" | bc)
  printf '%-8s %10.3f %10.3f %8s %10.3f %10.3f %8s\n' "$t" "$qm" "$fm" "$ratio" "$qn" "$fn" "$ratio_min"
  echo "  runs: qemu-img ${q[*]}; ferry ${f[*]}"
  rm -f "$work/q.$t" "$work/f.$t"
done
echo "ratio = ferry / qemu-img (median wall time, ferry includes JVM start-up); < 1 means ferry is faster"
exit $fail
