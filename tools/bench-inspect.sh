#!/usr/bin/env bash
# Inspection cost vs virtual size: creates 16 MiB and 40 GiB sparse images with qemu-img
# (qcow2, VHD dynamic, VHD fixed, VHDX, VDI, raw) and inspects each repeatedly with
# dev.ferry.format.bench.InspectBench. Results go to docs/benchmarks.md ("Inspection").
#   tools/bench-inspect.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-200}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for size in 16M 40G; do
  qemu-img create -q -f qcow2 "$dir/qcow2-$size.qcow2" "$size"
  qemu-img create -q -f vpc -o subformat=dynamic "$dir/vhd-dynamic-$size.vhd" "$size"
  qemu-img create -q -f vpc -o subformat=fixed "$dir/vhd-fixed-$size.vhd" "$size"
  qemu-img create -q -f vhdx "$dir/vhdx-$size.vhdx" "$size"
  qemu-img create -q -f vdi "$dir/vdi-$size.vdi" "$size"
  qemu-img create -q -f raw "$dir/raw-$size.raw" "$size"
done
. .mvn/select-jdk.sh
./mvnw -q -B -o -pl ferry-format test-compile
echo "file sizes (apparent / allocated KiB):"
for f in "$dir"/*; do printf "  %-24s %14s %8s\n" "$(basename "$f")" "$(stat -c %s "$f")" "$(du -k "$f" | cut -f1)"; done
"$JAVA_HOME/bin/java" -cp ferry-format/target/classes:ferry-format/target/test-classes \
  dev.ferry.format.bench.InspectBench --iterations "$iterations" $(ls "$dir"/* | sort -t- -k1,1)
