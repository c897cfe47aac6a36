#!/usr/bin/env bash
# The run command: installs what is missing, builds (release), starts the private PostgreSQL, migrates,
# then serves on localhost until Ctrl-C, which stops everything this script started.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (CI) reuses earlier builds.
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1

scripts/deps.sh
echo "run: building (release)..."
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" | grep -E "error|warning|FAILED" || true
[ -x build/release/bin/rounds ] || { echo "run: build failed (cmake --build --preset release)"; exit 1; }

was_running=0
scripts/pg.sh status && was_running=1
scripts/pg.sh start
eval "$(scripts/pg.sh env)"
ROUNDS_LOG_FORMAT=text build/release/bin/rounds migrate --database-url "$ROUNDS_SCRIPT_OWNER_URL" 2>/dev/null

scripts/demo-data.sh

WEB_ROOT="${ROUNDS_WEB_ROOT:-}"
if [ -z "$WEB_ROOT" ] && [ -f web/package.json ]; then
  if ! command -v npm >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get install -y -q nodejs npm >/dev/null
  fi
  echo "run: building the web client..."
  (cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null; } && npm run build >/dev/null) || {
    echo "run: web client build failed (cd web && npm run build)"; exit 1; }
  WEB_ROOT="$REPO/web/dist"
fi

PORT="${ROUNDS_HTTP_PORT:-8080}"
stop_all() {
  [ -n "${SERVE_PID:-}" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  [ "$was_running" = 1 ] || scripts/pg.sh stop
  echo "run: stopped"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

mkdir -p var/log
build/release/bin/rounds serve --database-url "$ROUNDS_SCRIPT_APP_URL" --http-port "$PORT" \
  --storage-dir "$REPO/var/storage" ${WEB_ROOT:+--web-root "$WEB_ROOT"} \
  > var/log/serve.out 2> var/log/serve.log &
SERVE_PID=$!
for _ in $(seq 1 100); do
  grep -q "listening on" var/log/serve.out 2>/dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || { tail -20 var/log/serve.log; echo "run: rounds serve exited"; exit 1; }
  sleep 0.1
done
URL=$(grep -o "http://[^ ]*" var/log/serve.out | head -1)
cat <<MSG

  Rounds is running at $URL${WEB_ROOT:+   (web client: $URL/)}
    health:   $URL/healthz   readiness: $URL/readyz   metrics: $URL/metrics
    API spec: $URL/api/v1/openapi.json
  Logs: var/log/serve.log (JSON lines). Ctrl-C stops the server and the database.

MSG
if [ -f var/demo-logins.txt ]; then cat var/demo-logins.txt; fi
wait "$SERVE_PID"
