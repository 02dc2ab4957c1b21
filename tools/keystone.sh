#!/usr/bin/env bash
# A real Keystone for Ferry's identity tests and for trying identity.type=keystone by hand.
#
#   tools/keystone.sh start   install Debian's keystone if missing, start it, provision users
#   tools/keystone.sh stop    stop the uwsgi process this script started (its recorded PID only)
#   tools/keystone.sh env     print the URL and credentials as shell assignments
#   tools/keystone.sh tempest print a tempest.conf fragment for this Keystone (a starting point)
#   tools/keystone.sh object-store URL
#                             register Swift (service type object-store) at URL, e.g.
#                             http://127.0.0.1:18281/v1/KEY_%(project_id)s, and give the ferry user
#                             the ResellerAdmin role (Swift's keystoneauth reseller admin) in project
#                             service, so that Ferry reaches every project's account (idempotent)
#
# Keystone runs as Debian's WSGI app /usr/bin/keystone-wsgi-public under uwsgi (python3 plugin),
# one process and one thread: its database is sqlite, in WAL mode, and a second writer would hit
# "database is locked". Tokens are fernet. Everything lives in $FERRY_KEYSTONE_STATE.
#
# Provisioned (idempotent; passwords are test passwords, not secrets):
#   admin / admin            project admin,   role admin       (keystone-manage bootstrap)
#   ferry / ferry-service    project service, roles service + admin  (Ferry's service user)
#   demo-member / demo       project demo,    role member
#   demo-reader / demo       project demo,    role reader
#   alt-member / alt         project alt,     role member
# and the catalog entry: service type 'image' (name ferry) → $FERRY_IMAGE_URL.
#
# Environment: FERRY_KEYSTONE_PORT (15100), FERRY_KEYSTONE_STATE (/var/tmp/ferry-keystone),
#              FERRY_IMAGE_URL (http://127.0.0.1:9292)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

PORT="${FERRY_KEYSTONE_PORT:-15100}"
STATE="${FERRY_KEYSTONE_STATE:-/var/tmp/ferry-keystone}"
IMAGE_URL="${FERRY_IMAGE_URL:-http://127.0.0.1:9292}"
URL="http://127.0.0.1:$PORT/v3"
CONF="$STATE/keystone.conf"
PIDFILE="$STATE/run/uwsgi.pid"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install_packages() {
  local missing=()
  for p in keystone uwsgi-plugin-python3 curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { echo "keystone.sh: need root to install ${missing[*]}" >&2; return 1; }
  # The package's maintainer scripts would start services; a policy-rc.d that answers 101 stops that.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

write_conf() {
  mkdir -p "$STATE"/{log,run,fernet-keys,credential-keys,policy.d}
  cat > "$CONF" <<EOF
[DEFAULT]
log_file = $STATE/log/keystone.log
[database]
connection = sqlite:///$STATE/keystone.sqlite
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $STATE/fernet-keys
[fernet_receipts]
key_repository = $STATE/fernet-keys
[credential]
key_repository = $STATE/credential-keys
[catalog]
driver = sql
[oslo_policy]
policy_dirs = $STATE/policy.d
EOF
}

bootstrap() {
  [ -f "$STATE/bootstrapped" ] && return 0
  local km=(keystone-manage --config-file "$CONF")
  "${km[@]}" db_sync
  python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" \
    "$STATE/keystone.sqlite"
  "${km[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  "${km[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  "${km[@]}" bootstrap --bootstrap-password admin --bootstrap-project-name admin \
    --bootstrap-role-name admin --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "$URL" --bootstrap-internal-url "$URL" --bootstrap-public-url "$URL"
  touch "$STATE/bootstrapped"
}

serve() {
  running && return 0
  # --http-socket speaks no keep-alive: "Connection: close" tells clients not to reuse the socket.
  setsid uwsgi --plugins python3 --http-socket "127.0.0.1:$PORT" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 1 --threads 1 \
    --buffer-size 65535 --die-on-term --lazy-apps --add-header "Connection: close" \
    --env "OS_KEYSTONE_CONFIG_FILES=$CONF" \
    > "$STATE/log/uwsgi.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$URL" && return 0
    running || break
    sleep 0.5
  done
  echo "keystone.sh: keystone did not answer on $URL; see $STATE/log" >&2
  return 1
}

# Keystone's admin API through its REST interface with the admin token (no openstackclient needed):
#   admin_api users IMAGE_URL         users, projects, roles and the image service (get-or-create)
#   admin_api object-store STORE_URL  Swift in the catalog, ResellerAdmin for the ferry user
admin_api() {
  python3 - "$URL" "$1" "$2" <<'PY'
import json, sys, urllib.request
url, action, service_url = sys.argv[1], sys.argv[2], sys.argv[3]

def call(method, path, body=None, token=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return r.headers, (json.loads(raw) if raw else None)

headers, _ = call("POST", "/auth/tokens", {"auth": {
    "identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"id": "default"}, "password": "admin"}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
tok = headers["X-Subject-Token"]

def ensure(kind, name, extra):
    _, body = call("GET", "/%s?name=%s" % (kind, name), token=tok)
    if body[kind]:
        return body[kind][0]["id"]
    _, body = call("POST", "/" + kind, {kind[:-1]: dict(name=name, **extra)}, token=tok)
    return body[kind[:-1]]["id"]

def grant(user_id, project_id, role_id):
    call("PUT", "/projects/%s/users/%s/roles/%s" % (project_id, user_id, role_id), token=tok)

def service(kind, name, endpoint_url):
    """The service of this type with public/internal/admin endpoints at endpoint_url."""
    _, body = call("GET", "/services?type=" + kind, token=tok)
    if body["services"]:
        sid = body["services"][0]["id"]
    else:
        _, s = call("POST", "/services", {"service": {"type": kind, "name": name}}, token=tok)
        sid = s["service"]["id"]
    _, body = call("GET", "/endpoints?service_id=" + sid, token=tok)
    have = {e["interface"]: e for e in body["endpoints"]}
    for iface in ("public", "internal", "admin"):
        e = have.get(iface)
        if e is None:
            call("POST", "/endpoints", {"endpoint": {"service_id": sid, "interface": iface,
                                                     "region_id": "RegionOne", "url": endpoint_url}}, token=tok)
        elif e["url"] != endpoint_url:
            call("PATCH", "/endpoints/" + e["id"], {"endpoint": {"url": endpoint_url}}, token=tok)

projects = {p: ensure("projects", p, {"domain_id": "default"}) for p in ("service", "demo", "alt")}
if action == "users":
    roles = {r: ensure("roles", r, {}) for r in ("admin", "member", "reader", "service")}
    for name, password, project, role_names in (
            ("ferry", "ferry-service", "service", ["service", "admin"]),
            ("demo-member", "demo", "demo", ["member"]),
            ("demo-reader", "demo", "demo", ["reader"]),
            ("alt-member", "alt", "alt", ["member"])):
        uid = ensure("users", name, {"domain_id": "default", "password": password,
                                     "default_project_id": projects[project]})
        for r in role_names:
            grant(uid, projects[project], roles[r])
    service("image", "ferry", service_url)
else:
    _, body = call("GET", "/users?name=ferry", token=tok)
    grant(body["users"][0]["id"], projects["service"], ensure("roles", "ResellerAdmin", {}))
    service("object-store", "swift", service_url)
PY
}

provision() {
  [ -f "$STATE/provisioned" ] && [ "$(cat "$STATE/provisioned")" = "$IMAGE_URL" ] && return 0
  admin_api users "$IMAGE_URL"
  printf '%s' "$IMAGE_URL" > "$STATE/provisioned"
}

# Swift in the catalog and the reseller-admin role for Ferry's service user (Keystone must be up).
object_store() {
  admin_api object-store "$1"
  echo "keystone.sh: object-store $1 registered; ferry has ResellerAdmin in project service"
}

print_env() {
  cat <<EOF
FERRY_IDENTITY_TYPE=keystone
FERRY_KEYSTONE_URL=$URL
FERRY_KEYSTONE_USER=ferry
FERRY_KEYSTONE_PASSWORD=ferry-service
FERRY_KEYSTONE_PROJECT=service
EOF
}

print_tempest() {
  cat <<EOF
[auth]
admin_username = admin
admin_password = admin
admin_project_name = admin
admin_domain_name = Default
use_dynamic_credentials = true

[identity]
uri_v3 = $URL
auth_version = v3
region = RegionOne

[identity-feature-enabled]
api_v2 = false

[service_available]
glance = true
nova = false
neutron = false
cinder = false
swift = false

[image]
region = RegionOne
EOF
}

stop() {
  if [ -f "$PIDFILE" ]; then
    local pid kids
    pid="$(cat "$PIDFILE")"
    kids="$(pgrep -P "$pid" 2>/dev/null || true)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
    rm -f "$PIDFILE"
    echo "keystone.sh: stopped uwsgi $pid"
  fi
}

case "${1:-}" in
  start)
    install_packages
    write_conf
    bootstrap
    serve
    provision
    echo "keystone.sh: $URL up (pid $(cat "$PIDFILE")); image endpoint $IMAGE_URL"
    ;;
  stop) stop ;;
  env) print_env ;;
  tempest) print_tempest ;;
  object-store)
    [ -n "${2:-}" ] || { echo "usage: $0 object-store URL" >&2; exit 2; }
    running || { echo "keystone.sh: keystone is not running (start it first)" >&2; exit 1; }
    object_store "$2" ;;
  *) echo "usage: $0 start|stop|env|tempest|object-store URL" >&2; exit 2 ;;
esac
