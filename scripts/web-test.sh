#!/usr/bin/env bash
# Web client tests: npm ci (when needed), `npm test` (API types, tsc, ESLint, Prettier, Vitest), the
# production build, then end-to-end tests in Debian's Chromium against a real `rounds serve --web-root
# web/dist` with generated data on a throw-away database of the private PostgreSQL (started by
# scripts/test.sh or scripts/pg.sh start). Writes ART_DIR/web-unit.xml and ART_DIR/web-e2e.xml.
# Usage: scripts/web-test.sh ART_DIR        Exit status non-zero when anything failed.
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ART="$(mkdir -p "${1:?usage: scripts/web-test.sh ART_DIR}" && cd "$1" && pwd)"
WEB="$REPO/web"
BIN="$REPO/build/release/bin/rounds"
APPEND="node $WEB/scripts/junit-append.mjs"
UNIT_XML="$ART/web-unit.xml"
E2E_XML="$ART/web-e2e.xml"
DEMO_EMAIL="rep@acme.demo"
DEMO_PASSWORD="Rounds-Demo-Acme-1"
rm -f "$UNIT_XML" "$E2E_XML"
SECONDS=0
failed=0
step() { printf '\n== web: %s (%ss)\n' "$*" "$SECONDS"; }

TMP="$(mktemp -d)"
SERVER_PID=""
WEB_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  if [ -n "$WEB_DB" ]; then
    psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $WEB_DB WITH (FORCE)" >/dev/null 2>&1
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

e2e_fail() {  # e2e_fail MESSAGE: the end-to-end run could not happen; say so in its results
  echo "web-test: $*" >&2
  $APPEND "$E2E_XML" web.e2e "end-to-end set-up" fail "$*"
  exit 1
}

step "Chromium"
if [ ! -x /usr/bin/chromium ]; then
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  "${SUDO[@]}" apt-get install -y chromium >"$ART/web-apt.log" 2>&1 ||
    { "${SUDO[@]}" apt-get update >>"$ART/web-apt.log" 2>&1 && "${SUDO[@]}" apt-get install -y chromium >>"$ART/web-apt.log" 2>&1; } ||
    echo "web-test: installing chromium failed (see $ART/web-apt.log)" >&2
fi

cd "$WEB" || exit 1
step "npm ci"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || { $APPEND "$UNIT_XML" web.static "npm ci" fail "npm ci failed"; e2e_fail "npm ci failed"; }
fi

step "npm test"
if VITEST_JUNIT_FILE="$UNIT_XML" npm test; then
  $APPEND "$UNIT_XML" web.static "npm test (api types, tsc, eslint, prettier, vitest)" pass
else
  failed=1
  $APPEND "$UNIT_XML" web.static "npm test (api types, tsc, eslint, prettier, vitest)" fail "npm test failed: see web.log"
fi

step "build"
npm run build || e2e_fail "npm run build failed"

step "database and demo data"
[ -x "$BIN" ] || e2e_fail "$BIN is missing: build the server first (make build)"
eval "$("$REPO/scripts/pg.sh" env)" || e2e_fail "scripts/pg.sh env failed"
"$REPO/scripts/pg.sh" status || e2e_fail "the private PostgreSQL is not running (scripts/pg.sh start)"
WEB_DB="rounds_web_$$"
psql -X -q -v ON_ERROR_STOP=1 "$ROUNDS_SCRIPT_SUPER_URL" \
  -c "CREATE DATABASE $WEB_DB OWNER rounds_owner TEMPLATE rounds_template" || e2e_fail "cannot create $WEB_DB"
OWNER_URL="${ROUNDS_SCRIPT_OWNER_URL%/*}/$WEB_DB"
APP_URL="${ROUNDS_SCRIPT_APP_URL%/*}/$WEB_DB"
export ROUNDS_LOG_FORMAT=text
"$BIN" migrate --database-url "$OWNER_URL" >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log"; e2e_fail "migrate failed"; }
"$BIN" bench gen --physicians 2000 --seed 5 --out "$TMP/release" >"$TMP/gen.log" 2>&1 ||
  { cat "$TMP/gen.log"; e2e_fail "bench gen failed"; }
mkdir -p "$TMP/storage"  # raw-file archive of the ingests: thrown away with the database
/usr/bin/python3 "$REPO/scripts/load-release.py" "$BIN" "$TMP/release" "$OWNER_URL" "$TMP/storage" ||
  e2e_fail "loading the generated release failed"
"$BIN" admin seed-demo --database-url "$OWNER_URL" >"$TMP/seed.log" 2>&1 || { cat "$TMP/seed.log"; e2e_fail "seed-demo failed"; }

step "rounds serve --web-root web/dist"
"$BIN" serve --database-url "$APP_URL" --http-port 0 --web-root "$WEB/dist" --storage-dir "$TMP/storage" \
  --rate-limit-per-second 1000 --rate-limit-burst 1000 >"$TMP/serve.out" 2>"$ART/web-serve.log" &
SERVER_PID=$!
BASE_URL=""
for _ in $(seq 1 300); do
  BASE_URL="$(grep -o 'listening on http://[0-9.:]*' "$TMP/serve.out" 2>/dev/null | head -1 | sed 's/^listening on //')"
  [ -n "$BASE_URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$BASE_URL" ] || { tail -20 "$ART/web-serve.log"; e2e_fail "rounds serve did not start"; }
echo "server at $BASE_URL"

step "end-to-end (Chromium, phone and desktop)"
if E2E_BASE_URL="$BASE_URL" E2E_EMAIL="$DEMO_EMAIL" E2E_PASSWORD="$DEMO_PASSWORD" \
  E2E_JUNIT="$E2E_XML" E2E_ARTIFACTS="$WEB/artifacts" node e2e/run.mjs; then
  :
else
  failed=1
  [ -f "$E2E_XML" ] || $APPEND "$E2E_XML" web.e2e "end-to-end run" fail "e2e/run.mjs crashed"
fi

step "done"
[ "$failed" = 0 ] && echo "web-test: all passed" || echo "web-test: failures (see above)"
exit "$failed"
