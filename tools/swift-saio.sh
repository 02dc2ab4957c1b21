#!/usr/bin/env bash
# A throw-away OpenStack Swift all-in-one for Ferry's integration tests and for trying Ferry out:
# Debian's swift packages, one replica on one directory, tempauth (auth v1.0) and s3api, all on
# 127.0.0.1, no systemd.
#
#   tools/swift-saio.sh start    install missing packages (apt-get, needs root), start; idempotent
#   tools/swift-saio.sh stop     stop the processes this script recorded (and nothing else)
#   tools/swift-saio.sh status   exit 0 and print the endpoints if the proxy answers
#
# Environment (defaults):
#   SAIO_ROOT (<repo>/target/saio)  data (srv/), rings (etc/), configs (conf/), run/*.pid, log/
#   SAIO_PORT (18181)               proxy: Swift API, /auth/v1.0, S3 API. The four back-end
#                                   servers use SAIO_PORT+1..+4 (object, container, account, memcached)
#   SAIO_KEYSTONE_URL (unset)       a Keystone v3 URL (tools/keystone.sh): adds authtoken + keystoneauth
#                                   (reseller prefix KEY_, operator roles admin/member, reseller admin
#                                   role ResellerAdmin) next to tempauth, so an account KEY_<project id>
#                                   is reached with a Keystone token; the proxy validates tokens as
#                                   Keystone's admin (a test setup)
#
# Accounts (tempauth, reseller prefix AUTH_):
#   ferry:operator / operator-key   .reseller_admin: may use any account (Ferry's operator credentials)
#   proj1:user     / user1-key      .admin of AUTH_proj1 (a customer project)
#   proj2:user     / user2-key      .admin of AUTH_proj2 (another customer)
# S3 (s3api): endpoint http://127.0.0.1:$SAIO_PORT, region us-east-1, path-style; access key is the
# tempauth user ("ferry:operator"), secret key its key ("operator-key").
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin   # Debian's python3 runs swift, whatever else is on PATH
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${SAIO_ROOT:-$REPO/target/saio}"
mkdir -p "$ROOT"
ROOT="$(cd "$ROOT" && pwd)"
IP=127.0.0.1
PORT="${SAIO_PORT:-18181}"
KEYSTONE="${SAIO_KEYSTONE_URL:-}"
OBJ_PORT=$((PORT + 1)); CONT_PORT=$((PORT + 2)); ACCT_PORT=$((PORT + 3)); MC_PORT=$((PORT + 4))
CONF="$ROOT/conf"; RUN="$ROOT/run"; LOGS="$ROOT/log"; RINGS="$ROOT/etc"; DEVICES="$ROOT/srv"
DAEMONS="memcached account-server container-server object-server proxy-server"
START=$(date +%s%N)
log() { echo "[swift-saio +$(( ($(date +%s%N) - START) / 1000000 ))ms] $*"; }

# A recorded PID counts only while /proc says it is still the program we started with our config.
alive() { # name
  local f="$RUN/$1.pid" pid
  [ -s "$f" ] || return 1
  pid=$(head -n1 "$f")
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$(marker "$1")"
}
marker() { case "$1" in memcached) echo "-p $MC_PORT";; *) echo "$CONF/$1.conf";; esac; }
answers() { curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null; }
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

endpoints() {
  cat <<EOF
swift-saio up at http://$IP:$PORT (root $ROOT)
  auth v1.0 : http://$IP:$PORT/auth/v1.0  operator ferry:operator/operator-key (.reseller_admin)
              proj1:user/user1-key -> http://$IP:$PORT/v1/AUTH_proj1, proj2:user/user2-key -> AUTH_proj2
  S3        : http://$IP:$PORT region us-east-1 path-style, access ferry:operator secret operator-key
EOF
  [ -z "$KEYSTONE" ] || echo "  Keystone  : tokens of $KEYSTONE for accounts http://$IP:$PORT/v1/KEY_<project id>"
}

do_stop() {
  local name pid stopped=()
  for name in proxy-server object-server container-server account-server memcached; do
    if alive "$name"; then
      pid=$(head -n1 "$RUN/$name.pid")
      kill -TERM "$pid" 2>/dev/null || true
      stopped+=("$pid")
      log "stopping $name (pid $pid)"
    fi
    rm -f "$RUN/$name.pid"
  done
  local i p left
  for i in $(seq 1 50); do
    left=0
    for p in "${stopped[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
    [ $left = 0 ] && return 0
    sleep 0.1
  done
  for p in "${stopped[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}

install_packages() {
  local missing=() p
  # swift ships the common code; python3-swift (a dependency) includes the s3api and tempauth
  # middlewares (swift/common/middleware/s3api) in Debian's 2.30 packages.
  local wanted="swift swift-proxy swift-account swift-container swift-object python3-swift memcached curl iproute2"
  [ -z "$KEYSTONE" ] || wanted="$wanted python3-keystonemiddleware"
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "swift-saio: missing packages ${missing[*]} and not root: cannot install" >&2
    exit 3
  fi
  log "installing ${missing[*]}"
  # keep the packages' own init scripts from starting system-wide services
  local guard=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >"$ROOT/apt.log" 2>&1; then
    apt-get -o DPkg::Lock::Timeout=600 update -q >>"$ROOT/apt.log" 2>&1 || true
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >>"$ROOT/apt.log" 2>&1 \
      || { [ $guard = 1 ] && rm -f /usr/sbin/policy-rc.d; echo "swift-saio: apt-get failed, see $ROOT/apt.log" >&2; exit 3; }
  fi
  [ $guard = 1 ] && rm -f /usr/sbin/policy-rc.d
  log "packages installed"
}

write_configs() {
  mkdir -p "$CONF" "$RUN" "$LOGS" "$RINGS" "$DEVICES/d1"
  local me; me=$(id -un)
  # The daemons read the cluster-wide settings only from /etc/swift/swift.conf.
  cat > "$CONF/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = ferry-saio
swift_hash_path_suffix = ferry-saio
[storage-policy:0]
name = gold
default = yes
[swift-constraints]
max_file_size = 5368709122
EOF
  if ! cmp -s "$CONF/swift.conf" /etc/swift/swift.conf; then
    mkdir -p /etc/swift
    [ -f /etc/swift/swift.conf ] && [ ! -f /etc/swift/swift.conf.orig ] && cp -p /etc/swift/swift.conf /etc/swift/swift.conf.orig
    cp "$CONF/swift.conf" /etc/swift/swift.conf
  fi
  local kind port
  for kind in account container object; do
    case $kind in account) port=$ACCT_PORT;; container) port=$CONT_PORT;; object) port=$OBJ_PORT;; esac
    cat > "$CONF/$kind-server.conf" <<EOF
[DEFAULT]
bind_ip = $IP
bind_port = $port
workers = 0
user = $me
swift_dir = $RINGS
devices = $DEVICES
mount_check = false
log_name = $kind-server
[pipeline:main]
pipeline = healthcheck $kind-server
[app:$kind-server]
use = egg:swift#$kind
[filter:healthcheck]
use = egg:swift#healthcheck
[$kind-replicator]
[$kind-auditor]
EOF
  done
  cat > "$CONF/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = $IP
bind_port = $PORT
workers = 0
user = $me
swift_dir = $RINGS
log_name = proxy-server
[pipeline:main]
# s3api before tempauth (it turns S3 signatures into a tempauth identity), slo after both;
# with Keystone, keystoneauth (KEY_ accounts) comes before tempauth (AUTH_ accounts), which then
# leaves the authorization keystoneauth set for accounts that are not its own
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api ${KEYSTONE:+authtoken keystoneauth }tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
[filter:tempauth]
use = egg:swift#tempauth
reseller_prefix = AUTH
user_ferry_operator = operator-key .admin .reseller_admin
user_proj1_user = user1-key .admin
user_proj2_user = user2-key .admin
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
s3_acl = false
min_segment_size = 5242880
[filter:slo]
use = egg:swift#slo
min_segment_size = 1
[filter:dlo]
use = egg:swift#dlo
[filter:cache]
use = egg:swift#memcache
memcache_servers = $IP:$MC_PORT
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
EOF
  [ -z "$KEYSTONE" ] || cat >> "$CONF/proxy-server.conf" <<EOF
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $KEYSTONE
auth_url = $KEYSTONE
auth_type = password
username = admin
password = admin
project_name = admin
user_domain_id = default
project_domain_id = default
delay_auth_decision = True
memcached_servers = $IP:$MC_PORT
[filter:keystoneauth]
use = egg:swift#keystoneauth
reseller_prefix = KEY_
operator_roles = admin, member
reseller_admin_role = ResellerAdmin
EOF
}

build_rings() {
  local stamp="$IP $OBJ_PORT $CONT_PORT $ACCT_PORT"
  [ "$(cat "$RINGS/ports" 2>/dev/null)" = "$stamp" ] && [ -f "$RINGS/object.ring.gz" ] && return 0
  # One device, one replica, 2^8 partitions; built in-process (the CLI would start python 9 times).
  python3 - "$RINGS" "$IP" account:$ACCT_PORT container:$CONT_PORT object:$OBJ_PORT <<'PY'
import os, sys
from swift.common.ring import RingBuilder
out, ip = sys.argv[1], sys.argv[2]
for arg in sys.argv[3:]:
    kind, port = arg.split(':')
    builder = RingBuilder(8, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': ip, 'port': int(port),
                     'device': 'd1', 'weight': 1.0, 'meta': ''})
    builder.rebalance()
    builder.get_ring().save(os.path.join(out, kind + '.ring.gz'))
PY
  echo "$stamp" > "$RINGS/ports"
  log "rings built"
}

spawn() { # name command...
  local name=$1; shift
  # the child shell records its own PID, then becomes the daemon (exec keeps the PID)
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN/$name.pid" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do [ -s "$RUN/$name.pid" ] && return 0; sleep 0.05; done
  echo "swift-saio: $name did not start (log $LOGS/$name.log)" >&2; exit 1
}

wait_for() { # name url
  local i
  for i in $(seq 1 200); do
    answers "$2" && return 0
    alive "$1" || { echo "swift-saio: $1 exited; last log lines:" >&2; tail -n 20 "$LOGS/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "swift-saio: $1 does not answer at $2 after 20 s (log $LOGS/$1.log)" >&2; exit 1
}

do_start() {
  local all=1 name
  for name in $DAEMONS; do alive "$name" || all=0; done
  if [ $all = 1 ] && answers "http://$IP:$PORT/info"; then endpoints; return 0; fi
  do_stop >/dev/null   # a partial start: clear what we recorded
  install_packages
  for p in $PORT $OBJ_PORT $CONT_PORT $ACCT_PORT $MC_PORT; do
    if listening "$p"; then
      echo "swift-saio: port $p is taken by a process this script did not start; set SAIO_PORT" >&2; exit 1
    fi
  done
  write_configs
  build_rings
  local runas; runas=$(id -un)
  spawn memcached /usr/bin/memcached -u "$runas" -l $IP -p "$MC_PORT" -U 0 -m 64
  spawn account-server /usr/bin/swift-account-server "$CONF/account-server.conf" -v
  spawn container-server /usr/bin/swift-container-server "$CONF/container-server.conf" -v
  spawn object-server /usr/bin/swift-object-server "$CONF/object-server.conf" -v
  spawn proxy-server /usr/bin/swift-proxy-server "$CONF/proxy-server.conf" -v
  wait_for account-server "http://$IP:$ACCT_PORT/healthcheck"
  wait_for container-server "http://$IP:$CONT_PORT/healthcheck"
  wait_for object-server "http://$IP:$OBJ_PORT/healthcheck"
  wait_for proxy-server "http://$IP:$PORT/healthcheck"
  # tempauth keeps tokens in memcached: a token proves the whole chain works
  local token
  token=$(curl -fsS -m 10 -D - -o /dev/null -H 'X-Auth-User: ferry:operator' -H 'X-Auth-Key: operator-key' \
    "http://$IP:$PORT/auth/v1.0" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-auth-token" {print $2}')
  [ -n "$token" ] || { echo "swift-saio: no token from tempauth (log $LOGS/proxy-server.log)" >&2; exit 1; }
  log "started"
  endpoints
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop; log "stopped" ;;
  status)
    # /info: only the proxy serves it (the back-end servers answer /healthcheck too)
    if answers "http://$IP:$PORT/info" && alive proxy-server; then endpoints; else echo "swift-saio: not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
