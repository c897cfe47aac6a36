#!/usr/bin/env bash
# CRM benchmark: 100 concurrent reps logging whole visits (call + sample drop + meal, one POST each, 5% retried
# with the same client_id) against a local `rounds serve`, with wrk; then a check that no acknowledged visit was
# lost or duplicated and that lots, ledger, spend and change log agree. Reference in the same run: pgbench
# writing the same rows through the same triggers and policies without HTTP (the database's own ceiling).
# Usage: bench/crm.sh [seconds, default 20] [preset, default release]. Not part of the test suite.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
DURATION="${1:-20}"
PRESET="${2:-release}"
REPS=100

command -v wrk >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get install -y -q wrk >/dev/null; }
if [ "$PRESET" = release ]; then
  cmake --preset release >/dev/null && cmake --build --preset release -j"$(nproc)" --target rounds >/dev/null
fi
BIN="$REPO/build/$PRESET/bin/rounds"
scripts/pg.sh start >/dev/null
eval "$(scripts/pg.sh env)"
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
DB="rounds_bench_crm_$$"
OWNER_URL="${ROUNDS_SCRIPT_OWNER_URL%/*}/$DB"
APP_URL="${ROUNDS_SCRIPT_APP_URL%/*}/$DB"
TMP=$(mktemp -d)
cleanup() {
  [ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
  psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
psql -X -q -v ON_ERROR_STOP=1 "$ROUNDS_SCRIPT_SUPER_URL" -c "CREATE DATABASE $DB OWNER rounds_owner TEMPLATE rounds_template"
"$BIN" migrate --database-url "$OWNER_URL" >/dev/null 2>&1

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
"$BIN" serve --database-url "$APP_URL" --http-port "$PORT" --log-level warn --storage-dir "$TMP/storage" \
  --db-pool-size 32 --db-pool-wait-ms 30000 --rate-limit-per-second 100000 --rate-limit-burst 100000 --login-ip-lockout-threshold 100000 \
  > "$TMP/rounds.out" 2> "$TMP/rounds.err" &
RPID=$!
for _ in $(seq 1 100); do grep -q listening "$TMP/rounds.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$TMP/rounds.out" || { cat "$TMP/rounds.err"; exit 1; }
BASE="http://127.0.0.1:$PORT"

export CRM_BENCH_BIN="$BIN"
echo "setting up $REPS reps..."
/usr/bin/python3 bench/crm_setup.py setup "$BASE" "$OWNER_URL" "$TMP" "$REPS"
export CRM_BENCH_DIR="$TMP"
CRM_BENCH_PRODUCT=$(/usr/bin/python3 -c "import json; print(json.load(open('$TMP/bench.json'))['product'])")
export CRM_BENCH_PRODUCT

echo "== API: $REPS concurrent reps, ${DURATION}s (wrk -t4 -c$REPS)"
wrk -t4 -c"$REPS" --latency -d"${DURATION}s" --timeout 10s -s bench/crm.lua "$BASE" | tee "$TMP/wrk.txt" | grep -E "RESULT|Socket|Non-2xx" || true
echo "== check: no lost or duplicated rows"
/usr/bin/python3 bench/crm_setup.py verify "$OWNER_URL" "$TMP" | tee "$TMP/verify.txt"

echo "== reference: pgbench, same rows and triggers, $REPS clients, ${DURATION}s"
"$PGBENCH" -n -M prepared -c "$REPS" -j 4 -T "$DURATION" -f bench/crm_pgbench.sql "$OWNER_URL" 2>&1 | tee "$TMP/pgbench.txt" \
  | grep -E "^tps|latency|failed|error" | head -5 || true
API=$(grep -o 'rps=[0-9.]*' "$TMP/wrk.txt" | cut -d= -f2)
REF=$(grep -E '^tps = ' "$TMP/pgbench.txt" | tail -1 | awk '{print $3}')
/usr/bin/python3 -c "print(f'visits/s: API {float(\"$API\"):.0f}, pgbench {float(\"$REF\"):.0f}, ratio {float(\"$API\")/float(\"$REF\"):.2f}')"
grep -q '"ok": true' "$TMP/verify.txt"
