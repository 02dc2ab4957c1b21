#!/usr/bin/env bash
# Regenerates ferry-format's compact test fixtures (src/test/resources/fixtures) from a fresh
# test-image set. Needs qemu-img (for make-test-images.sh) and a JDK 21+.
#   tools/make-fixtures.sh            # generates the images into target/test-images first
#   tools/make-fixtures.sh DIR        # uses an existing make-test-images.sh output directory
set -euo pipefail
cd "$(dirname "$0")/.."
images="${1:-$PWD/target/test-images}"
if [ $# -eq 0 ]; then
  rm -rf "$images"
  bash tools/make-test-images.sh -o "$images" -l 16777216 --no-huge
fi
. .mvn/select-jdk.sh
./mvnw -q -B -o -pl ferry-format test-compile
out=ferry-format/src/test/resources/fixtures
rm -f "$out"/*.fx.gz
"$JAVA_HOME/bin/java" -cp ferry-format/target/classes:ferry-format/target/test-classes \
  dev.ferry.format.fixtures.FixtureGenerator "$images" "$out"
