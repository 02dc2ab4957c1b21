# Sourced by ./mvnw, ./ferry and .ci/run: Ferry needs JDK 21+. Keep JAVA_HOME when it already
# points at one; otherwise take the newest JDK 21+ found under /usr/lib/jvm (Debian's default is 17).
# The JDK's release file when it has one (reading it costs nothing; each `java -version` costs a
# JVM start, and ./ferry runs this before every command), else `java -version`.
ferry_java_major() {
  if [ -f "$1/release" ] && grep -q '^JAVA_VERSION="' "$1/release"; then
    awk -F'"' '/^JAVA_VERSION=/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
  fi
}
ferry_select_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(ferry_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  best=""; best_major=0
  # ls, not a glob: mvnw runs with globbing off (set -f).
  for name in $(ls /usr/lib/jvm 2>/dev/null); do
    home="/usr/lib/jvm/$name"
    [ -x "$home/bin/javac" ] || continue
    major=$(ferry_java_major "$home")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
      best="$home"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    if command -v java >/dev/null 2>&1 && [ "$(ferry_java_major "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")" -ge 21 ] 2>/dev/null; then
      return 0
    fi
    echo "ferry: a JDK 21 or newer is required (set JAVA_HOME)" >&2
    return 1
  fi
  JAVA_HOME="$best"; export JAVA_HOME
}
ferry_select_jdk
# Maven's bundled Guava/Guice call sun.misc.Unsafe; JDK 24+ warns about it on every run.
if [ "$(ferry_java_major "${JAVA_HOME:-/usr}")" -ge 24 ] 2>/dev/null; then
  case "${MAVEN_OPTS-}" in *sun-misc-unsafe*) ;; *) MAVEN_OPTS="${MAVEN_OPTS-} --sun-misc-unsafe-memory-access=allow"; export MAVEN_OPTS ;; esac
fi
