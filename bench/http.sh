#!/usr/bin/env bash
# HTTP benchmark: wrk against `rounds serve` /healthz and, in the same run, against nginx serving a static
# file of the same bytes, at 100 and 1,000 keep-alive connections. Prints requests/s and the ratio.
# Usage: bench/http.sh [seconds per run, default 10]. Targets only 127.0.0.1. Not part of the test suite.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
DURATION="${1:-10}"

for p in wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || NEED="${NEED:-} $p"
done
if [ -n "${NEED:-}" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -q $NEED >/dev/null
fi
scripts/deps.sh
cmake --preset release >/dev/null && cmake --build --preset release -j"$(nproc)" >/dev/null
scripts/pg.sh start >/dev/null
eval "$(scripts/pg.sh env)"
build/release/bin/rounds migrate --database-url "$ROUNDS_SCRIPT_OWNER_URL" >/dev/null 2>&1
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 1,000 connections need more than 1,024 descriptors

TMP=$(mktemp -d); chmod 755 "$TMP"  # nginx workers run unprivileged
cleanup() {
  [ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Access logs off on both sides: the comparison is of the HTTP paths, not of log writers.
RPORT=$(free_port)
build/release/bin/rounds serve --database-url "$ROUNDS_SCRIPT_APP_URL" --http-port "$RPORT" --log-level warn \
  --http-max-connections 20000 > "$TMP/rounds.out" 2> "$TMP/rounds.err" &
RPID=$!
for _ in $(seq 1 100); do grep -q listening "$TMP/rounds.out" 2>/dev/null && break; sleep 0.1; done

NPORT=$(free_port)
mkdir -p "$TMP/www"
curl -s "http://127.0.0.1:$RPORT/healthz" > "$TMP/www/healthz"
cat > "$TMP/nginx.conf" <<CONF
worker_processes $(nproc);
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  default_type application/json;
  server {
    listen 127.0.0.1:$NPORT;
    root $TMP/www;
    location = /healthz { }
  }
}
CONF
nginx -c "$TMP/nginx.conf"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$NPORT/healthz" >/dev/null && break; sleep 0.1; done
echo "bytes: rounds $(curl -s http://127.0.0.1:$RPORT/healthz | wc -c), nginx $(curl -s http://127.0.0.1:$NPORT/healthz | wc -c)"

rps() {  # rps URL CONNECTIONS -> requests/s
  wrk -t2 -c"$2" -d"${DURATION}s" --latency "$1" > "$TMP/wrk.txt" 2>&1
  awk '/Requests\/sec/ {print $2}' "$TMP/wrk.txt"
  grep -E "^\s+(50|99)%" "$TMP/wrk.txt" | tr -s ' ' | sed 's/^/    /' >&2
}

printf "%-12s %14s %14s %8s\n" connections "rounds req/s" "nginx req/s" ratio
for c in 100 1000; do
  r=$(rps "http://127.0.0.1:$RPORT/healthz" "$c")
  n=$(rps "http://127.0.0.1:$NPORT/healthz" "$c")
  printf "%-12s %14s %14s %8.2f\n" "$c" "$r" "$n" "$(echo "$r / $n" | bc -l)"
done
