#!/usr/bin/env bash
# Runs tempest's image API tests (Debian's `tempest`, 33.0.0) against Ferry authenticated by a real
# Keystone. Everything it starts it stops again (its own PIDs only), also on failure.
#
#   tools/tempest.sh install       install Debian's tempest if missing (needs root); exit 0 if usable
#   tools/tempest.sh run [REGEX]   default REGEX: tempest.api.image.v2; exit status is tempest's
#
# A run: a Keystone of its own (tools/keystone.sh with its own state and port, so that it never
# touches the Keystone other tests use), Ferry (`ferry serve`, fresh data dir, identity.type =
# keystone, url allow-list for the loopback data server) registered in that Keystone's catalog as
# the `image` service, a loopback http server with a 16 MiB raw image for tempest's `http_image`
# (web-download), then `tempest run --concurrency 1 --regex REGEX` in a workspace under $DIR.
# Results: $DIR/tempest-stdout.txt (one line per test: `... ok`, `... SKIPPED: why`,
# `... FAILED`), $DIR/results.subunit (stestr's subunit v2 stream of the run), $DIR/workspace/tempest.log
# (every request and answer), $DIR/logs/ (Ferry, data server), $DIR/keystone/log/.
#
# Environment:
#   FERRY_TEMPEST_DIR            work directory (default /var/tmp/ferry-tempest)
#   FERRY_TEMPEST_KEYSTONE_PORT  port of the run's Keystone (default 15110; its catalog keeps it)
#   FERRY_JAR                    run this shaded jar (with JAVA, default the JDK .mvn selects)
#                                instead of ./ferry (which builds the jar when it is stale)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${FERRY_TEMPEST_DIR:-/var/tmp/ferry-tempest}"
KPORT="${FERRY_TEMPEST_KEYSTONE_PORT:-15110}"
KSTATE="$DIR/keystone"
WS="$DIR/workspace"

install() {
  if command -v tempest >/dev/null 2>&1 && dpkg-query -W -f='${Status}' tempest 2>/dev/null | grep -q 'install ok installed'; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || { echo "tempest.sh: tempest is missing and installing it needs root" >&2; return 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tempest >/dev/null
  command -v tempest >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

FERRY_PID=
DATA_PID=
TEMPEST_PID=
KEYSTONE_STARTED=0
cleanup() {
  if [ -n "$TEMPEST_PID" ]; then kill -TERM -- "-$TEMPEST_PID" 2>/dev/null || true; fi
  for pid in $TEMPEST_PID $FERRY_PID $DATA_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $TEMPEST_PID $FERRY_PID $DATA_PID; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$KEYSTONE_STARTED" = 1 ]; then
    FERRY_KEYSTONE_STATE="$KSTATE" bash "$ROOT/tools/keystone.sh" stop >/dev/null || true
  fi
}

wait_http() { # URL WHAT PID
  for _ in $(seq 1 240); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "tempest.sh: $2 exited; see $DIR/logs" >&2; return 1; }
    sleep 0.5
  done
  echo "tempest.sh: $2 did not answer on $1; see $DIR/logs" >&2
  return 1
}

run() {
  local regex="${1:-tempest.api.image.v2}"
  install
  mkdir -p "$DIR/logs" "$DIR/www"
  rm -f "$DIR/tempest-stdout.txt" "$DIR/results.subunit"
  trap cleanup EXIT
  trap 'exit 143' TERM INT

  # tempest's http_image: 1 MiB of random data in a 16 MiB sparse raw image.
  if [ ! -f "$DIR/www/small.raw" ]; then
    head -c 1048576 /dev/urandom > "$DIR/www/small.raw"
    truncate -s 16M "$DIR/www/small.raw"
  fi
  local dport fport
  dport="$(free_port)"
  (cd "$DIR/www" && exec python3 -m http.server --bind 127.0.0.1 "$dport") >"$DIR/logs/data-server.log" 2>&1 &
  DATA_PID=$!

  # Ferry first (on a free port), then Keystone with Ferry's URL in its catalog.
  fport="$(free_port)"
  rm -rf "$DIR/ferry-data"
  mkdir -p "$DIR/ferry-data"
  cat > "$DIR/ferry.properties" <<EOF
identity.type = keystone
keystone.url = http://127.0.0.1:$KPORT/v3
keystone.user = ferry
keystone.password = ferry-service
keystone.project = service
url.allowed_hosts = 127.0.0.1
url.allowed_ports = 80,443,$dport
EOF
  local ferry=("$ROOT/ferry")
  if [ -n "${FERRY_JAR:-}" ]; then
    # shellcheck source=/dev/null
    . "$ROOT/.mvn/select-jdk.sh"
    ferry=("${JAVA:-$JAVA_HOME/bin/java}" -Xmx512m -jar "$FERRY_JAR")
  fi
  # Only ferry.properties configures this Ferry: drop the caller's FERRY_* settings.
  local clean=()
  for v in $(compgen -e | grep '^FERRY_' | grep -vx FERRY_JAVA_OPTS || true); do clean+=(-u "$v"); done
  env "${clean[@]}" "${ferry[@]}" serve --listen "127.0.0.1:$fport" --data-dir "$DIR/ferry-data" \
      --config "$DIR/ferry.properties" >"$DIR/logs/ferry.log" 2>&1 &
  FERRY_PID=$!

  FERRY_KEYSTONE_PORT="$KPORT" FERRY_KEYSTONE_STATE="$KSTATE" FERRY_IMAGE_URL="http://127.0.0.1:$fport" \
    bash "$ROOT/tools/keystone.sh" start
  KEYSTONE_STARTED=1
  wait_http "http://127.0.0.1:$dport/small.raw" "the data server" "$DATA_PID"
  wait_http "http://127.0.0.1:$fport/versions" "Ferry" "$FERRY_PID"

  # tempest init logs into the cwd: run it from $DIR; its registry of workspaces is kept in $DIR too
  # (not ~/.tempest), so that every $DIR can have a workspace named "workspace".
  [ -d "$WS/etc" ] || (cd "$DIR" && tempest init --workspace-path "$DIR/workspaces.yaml" "$WS" >/dev/null)
  cat > "$WS/etc/tempest.conf" <<EOF
[auth]
admin_username = admin
admin_password = admin
admin_project_name = admin
admin_domain_name = Default
use_dynamic_credentials = true
create_isolated_networks = false
tempest_roles = member

[identity]
uri_v3 = http://127.0.0.1:$KPORT/v3
auth_version = v3
region = RegionOne
v3_endpoint_type = public

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
glance = true
keystone = true
nova = false
cinder = false
neutron = false
swift = false

[image]
region = RegionOne
endpoint_type = public
catalog_type = image
http_image = http://127.0.0.1:$dport/small.raw
# tempest creates images with disk_formats[0]
disk_formats = raw
container_formats = bare
build_timeout = 120
build_interval = 1

[image-feature-enabled]
import_image = true
api_v2 = true
os_glance_reserved = true

[network]
public_network_id =
EOF
  local rc=0
  # in the background: `wait` returns at once on SIGTERM, so the trap stops everything in time
  # in its own session, so that the cleanup can stop tempest and its test worker together
  (cd "$WS" && exec setsid tempest run --concurrency 1 --regex "$regex") > "$DIR/tempest-stdout.txt" 2>&1 &
  TEMPEST_PID=$!
  wait "$TEMPEST_PID" || rc=$?
  TEMPEST_PID=
  (cd "$WS" && stestr last --subunit > "$DIR/results.subunit" 2>/dev/null) || true
  cp -f "$DIR/ferry.properties" "$DIR/logs/" 2>/dev/null || true
  cat "$DIR/tempest-stdout.txt"
  return $rc
}

case "${1:-}" in
  install) install ;;
  run) shift; run "$@" ;;
  *) echo "usage: $0 install | run [REGEX]" >&2; exit 2 ;;
esac
