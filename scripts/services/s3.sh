#!/usr/bin/env bash
# A real S3-compatible server for tests: a private, single-node OpenStack Swift from Debian's packages with its
# `s3api` middleware (MinIO is not in Debian). One-replica rings, storage in `.services/s3` (ignored by git),
# tempauth with fixed test credentials, every server on a free loopback port.
#
#   bash scripts/services/s3.sh start   install what is missing, start, wait until it answers, create the bucket,
#                                        then print the S3_* variables (eval-able: `eval "$(… start)"`)
#   bash scripts/services/s3.sh env     print the S3_* variables of the running server
#   bash scripts/services/s3.sh stop    end every process that `start` started
#
# S3_PORT_BASE (default 56340) is where the search for free ports begins; S3_SERVICE_DIR moves the state folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT="${S3_SERVICE_DIR:-$PWD/.services/s3}"
ETC="$ROOT/etc"
RUN="$ROOT/run"
NODE="$ROOT/srv/node"
BUCKET="${S3_TEST_BUCKET:-retake-test}"
# Fixed test credentials (tempauth `user_test_tester`): loopback only, never for a real deploy.
ACCESS_KEY="test:tester"
SECRET_KEY="testing"
REGION="us-east-1"
SERVERS=(account container object proxy)
# Debian's Swift runs on the system Python; a pyenv or venv python3 earlier in PATH lacks its modules.
PY=/usr/bin/python3

log() { echo "s3.sh: $*" >&2; }

install_packages() {
  local missing=()
  for bin in swift-proxy-server swift-object-server swift-container-server swift-account-server swift-ring-builder; do
    command -v "$bin" > /dev/null || missing+=("$bin")
  done
  [ -d /usr/lib/python3/dist-packages/swift/common/middleware/s3api ] || missing+=(s3api)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian's Swift packages (missing: ${missing[*]})"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Swift's packages enable system-wide servers; on a host with systemd, installing would start them on the
  # default ports. A policy-rc.d that says "no" (101) for the length of the install keeps them stopped.
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" > /dev/null && $sudo chmod +x "$policy" && own_policy=1
  fi
  local apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get)
  local packages=(swift swift-proxy swift-object swift-account swift-container python3-swift)
  # A machine whose package lists are missing or stale gets one `apt-get update` and a second try.
  "${apt[@]}" install -y --no-install-recommends "${packages[@]}" > "$ROOT/apt.log" 2>&1 || {
    "${apt[@]}" update > /dev/null 2>&1 || true
    "${apt[@]}" install -y --no-install-recommends "${packages[@]}" >> "$ROOT/apt.log" 2>&1
  } || {
    [ -z "$own_policy" ] || $sudo rm -f "$policy"
    tail -20 "$ROOT/apt.log" >&2
    log "apt-get install failed"
    exit 1
  }
  [ -z "$own_policy" ] || $sudo rm -f "$policy"
}

port_free() {
  # A port is free when nothing accepts a connection on it and we can bind it.
  "$PY" - "$1" << 'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Swift binds: a TIME_WAIT port is free
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

pick_ports() {
  local base="${S3_PORT_BASE:-56340}"
  local p=$base picked=()
  while [ ${#picked[@]} -lt 4 ] && [ $p -lt $((base + 200)) ]; do
    port_free $p && picked+=("$p")
    p=$((p + 1))
  done
  [ ${#picked[@]} -eq 4 ] || {
    log "no 4 free loopback ports from $base"
    exit 1
  }
  echo "${picked[@]}"
}

running() {
  local name=$1 pid
  [ -f "$RUN/$name.pid" ] || return 1
  pid=$(cat "$RUN/$name.pid")
  kill -0 "$pid" 2> /dev/null
}

write_config() {
  local account=$1 container=$2 object=$3 proxy=$4 user
  user=$(id -un)
  mkdir -p "$ETC" "$RUN" "$NODE/d1"
  # Every server runs one process (workers = 0) in the foreground, so its pid is ours to stop; logs go to the
  # console (run with -v) and from there to run/<server>.log.
  local common="[DEFAULT]
bind_ip = 127.0.0.1
workers = 0
user = $user
swift_dir = $ETC
devices = $NODE
mount_check = false
log_level = INFO
log_address = /nonexistent-retake-s3-log
"
  cat > "$ETC/account-server.conf" << EOF
$common
bind_port = $account
[pipeline:main]
pipeline = account-server
[app:account-server]
use = egg:swift#account
EOF
  cat > "$ETC/container-server.conf" << EOF
$common
bind_port = $container
[pipeline:main]
pipeline = container-server
[app:container-server]
use = egg:swift#container
EOF
  cat > "$ETC/object-server.conf" << EOF
$common
bind_port = $object
[pipeline:main]
pipeline = object-server
[app:object-server]
use = egg:swift#object
EOF
  # s3api before tempauth (it hands tempauth the signature to check); slo after it, for multipart uploads.
  # tempauth needs a memcache client object; no memcached runs, so lookups miss (port 1 refuses at once), which
  # S3 requests don't mind: their signature is checked against the key below on every request.
  cat > "$ETC/proxy-server.conf" << EOF
$common
bind_port = $proxy
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:1
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:s3api]
use = egg:swift#s3api
location = $REGION
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = $SECRET_KEY .admin
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
EOF
  # One partition power of 8, one replica, one device: the smallest ring Swift accepts for a single node.
  for ring in account container object; do
    local port
    case $ring in account) port=$account ;; container) port=$container ;; object) port=$object ;; esac
    rm -f "$ETC/$ring.builder" "$ETC/$ring.ring.gz"
    swift-ring-builder "$ETC/$ring.builder" create 8 1 1 > /dev/null
    swift-ring-builder "$ETC/$ring.builder" add "r1z1-127.0.0.1:$port/d1" 100 > /dev/null
    swift-ring-builder "$ETC/$ring.builder" rebalance > /dev/null || true
  done
  echo "$proxy" > "$RUN/proxy.port"
}

print_env() {
  # Only a live server's variables: a port file left by a server that has since died would point tests nowhere.
  { [ -f "$RUN/proxy.port" ] && running proxy; } || {
    log "not started (run: bash scripts/services/s3.sh start)"
    exit 1
  }
  local port
  port=$(cat "$RUN/proxy.port")
  cat << EOF
export S3_ENDPOINT=http://127.0.0.1:$port
export S3_BUCKET=$BUCKET
export S3_REGION=$REGION
export S3_ACCESS_KEY_ID=$ACCESS_KEY
export S3_SECRET_ACCESS_KEY=$SECRET_KEY
export S3_FORCE_PATH_STYLE=true
EOF
}

wait_ready() {
  local port=$1 i
  for i in $(seq 1 150); do
    if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$port/healthcheck" 2> /dev/null; then return 0; fi
    for s in "${SERVERS[@]}"; do
      running "$s" || {
        log "swift-$s-server exited; its log:"
        tail -30 "$RUN/$s.log" >&2
        return 1
      }
    done
    sleep 0.2
  done
  log "the proxy did not answer on port $port within 30 s"
  return 1
}

# A signed S3 request from Python's standard library (SigV4), so creating the bucket needs no extra client.
create_bucket() {
  local port=$1
  "$PY" - "$port" "$BUCKET" "$ACCESS_KEY" "$SECRET_KEY" "$REGION" << 'EOF'
import datetime, hashlib, hmac, sys, urllib.request, urllib.error
port, bucket, ak, sk, region = sys.argv[1:]
host = f"127.0.0.1:{port}"
now = datetime.datetime.now(datetime.timezone.utc)
amz, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
empty = hashlib.sha256(b"").hexdigest()
canon = f"PUT\n/{bucket}\n\nhost:{host}\nx-amz-content-sha256:{empty}\nx-amz-date:{amz}\n\nhost;x-amz-content-sha256;x-amz-date\n{empty}"
scope = f"{day}/{region}/s3/aws4_request"
to_sign = f"AWS4-HMAC-SHA256\n{amz}\n{scope}\n{hashlib.sha256(canon.encode()).hexdigest()}"
k = ("AWS4" + sk).encode()
for part in (day, region, "s3", "aws4_request"):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
req = urllib.request.Request(f"http://{host}/{bucket}", method="PUT", headers={
    "x-amz-date": amz, "x-amz-content-sha256": empty,
    "Authorization": f"AWS4-HMAC-SHA256 Credential={ak}/{scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={sig}",
})
try:
    urllib.request.urlopen(req, timeout=10)
except urllib.error.HTTPError as e:
    body = e.read().decode(errors="replace")
    # Starting twice over the same folder: the bucket is already ours.
    if e.code == 409 and "BucketAlreadyOwnedByYou" in body:
        sys.exit(0)
    sys.exit(f"creating bucket {bucket} failed: HTTP {e.code} {body[:300]}")
EOF
}

start() {
  mkdir -p "$ROOT" "$RUN"
  if running proxy; then
    log "already running"
    print_env
    return 0
  fi
  stop_servers
  install_packages
  read -r account container object proxy <<< "$(pick_ports)"
  write_config "$account" "$container" "$object" "$proxy"
  for s in "${SERVERS[@]}"; do
    # setsid: its own process group, so a Ctrl-C in the caller's terminal doesn't take it down mid-test.
    setsid "$PY" "/usr/bin/swift-$s-server" "$ETC/$s-server.conf" -v > "$RUN/$s.log" 2>&1 < /dev/null &
    echo $! > "$RUN/$s.pid"
  done
  wait_ready "$proxy" || {
    stop_servers
    exit 1
  }
  # The account/container/object servers may take a moment longer than the proxy's healthcheck.
  local tries=0
  until create_bucket "$proxy" 2> "$RUN/bucket.err"; do
    tries=$((tries + 1))
    [ $tries -lt 25 ] || {
      cat "$RUN/bucket.err" >&2
      stop_servers
      exit 1
    }
    sleep 0.2
  done
  log "Swift with s3api on http://127.0.0.1:$proxy, bucket $BUCKET"
  print_env
}

stop_servers() {
  local s pid
  for s in "${SERVERS[@]}"; do
    [ -f "$RUN/$s.pid" ] || continue
    pid=$(cat "$RUN/$s.pid")
    if kill -0 "$pid" 2> /dev/null; then
      kill "$pid" 2> /dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2> /dev/null || true
    fi
    rm -f "$RUN/$s.pid"
  done
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_servers
    rm -f "$RUN/proxy.port"
    ;;
  env) print_env ;;
  *)
    echo "usage: bash scripts/services/s3.sh start|stop|env" >&2
    exit 2
    ;;
esac
