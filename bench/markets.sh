#!/usr/bin/env bash
# Market recompute benchmark: a generated release of N physicians (default 200,000) loaded into a throw-away
# database, then `rounds bench markets`: the recompute of a GLP-1 basket (metrics, deciles, scores) timed against,
# in the same run, a plain `SELECT count(*)` of the Part D table and a count of the basket's rows.
# Usage: bench/markets.sh [physicians] [binary, default build/release/bin/rounds]. Not part of the test suite.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
N="${1:-200000}"
BIN="${2:-build/release/bin/rounds}"
[ -x "$BIN" ] || make build >/dev/null
scripts/pg.sh start >/dev/null
eval "$(scripts/pg.sh env)"
TMP=$(mktemp -d /var/tmp/rounds-bench-markets.XXXX)
DB=rounds_bench_markets
cleanup() { rm -rf "$TMP"; psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1; }
trap cleanup EXIT

psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
  -c "CREATE DATABASE $DB OWNER rounds_owner TEMPLATE rounds_template"
URL="${ROUNDS_SCRIPT_OWNER_URL%/*}/$DB"
"$BIN" migrate --database-url "$URL" --log-level warn >/dev/null
"$BIN" bench gen --physicians "$N" --seed 5 --out "$TMP/gen" >/dev/null
/usr/bin/python3 scripts/load-release.py "$BIN" "$TMP/gen" "$URL" "$TMP/store" >/dev/null
psql -X -q "$URL" -c "VACUUM ANALYZE"
"$BIN" bench markets --database-url "$URL" --repeats 3 --log-level warn
