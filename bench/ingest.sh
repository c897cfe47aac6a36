#!/usr/bin/env bash
# Ingestion benchmark: a generated NPPES-format file of about N rows (default 1,000,000), loaded by the whole
# `rounds ingest nppes` pipeline (parse, validate, binary COPY, merge, geocode, lineage) into an empty database,
# and in the same run `psql \copy` of the same file into an UNLOGGED staging table of all-text columns (what most
# loaders do, without any validation or merge). Prints rows/s, MB/s, peak RSS and the ratio, then the time of
# reloading the same release (the monthly full file into loaded tables) and the per-step wall and server CPU times.
# Usage: [BENCH_NO_BUILD=1] bench/ingest.sh [physicians, default 850000 -> about 1M NPPES rows]. Not part of
# the test suite.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
N="${1:-850000}"
[ -n "${BENCH_NO_BUILD:-}" ] || make build >/dev/null  # set it when build/release/bin/rounds is current
scripts/pg.sh start >/dev/null
eval "$(scripts/pg.sh env)"
BIN=build/release/bin/rounds
TMP=$(mktemp -d /var/tmp/rounds-bench-ingest.XXXX)
DB=rounds_bench_ingest
cleanup() { rm -rf "$TMP"; psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1; }
trap cleanup EXIT

"$BIN" bench gen --physicians "$N" --seed 1 --out "$TMP/gen" >/dev/null
FILE=$(ls "$TMP"/gen/npidata_pfile_*.csv)
find "$TMP/gen" -type f ! -name "$(basename "$FILE")" ! -name '2023_Gaz_zcta_national.txt' -delete
ROWS=$(($(wc -l < "$FILE") - 1))
MB=$(du -m "$FILE" | cut -f1)
psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
  -c "CREATE DATABASE $DB OWNER rounds_owner TEMPLATE rounds_template"
URL="${ROUNDS_SCRIPT_OWNER_URL%/*}/$DB"
"$BIN" migrate --database-url "$URL" --log-level warn >/dev/null
"$BIN" ingest zcta "$TMP/gen/2023_Gaz_zcta_national.txt" --database-url "$URL" --quiet --log-level warn >/dev/null

# The bare copy: one text column per header field.
COLS=$(head -1 "$FILE" | /usr/bin/python3 -c 'import csv,sys; print(", ".join(f"c{i} text" for i,_ in enumerate(next(csv.reader(sys.stdin)))))')
psql -X -q "$URL" -c "CREATE UNLOGGED TABLE bare_copy ($COLS)"
S=$(date +%s.%N)
psql -X -q "$URL" -c "\\copy bare_copy FROM '$FILE' WITH (FORMAT csv, HEADER true)"
COPY_S=$(echo "$(date +%s.%N) - $S" | bc)

# The loader's debug log has one ingest_step line per step (wall and server CPU seconds).
steps() { grep -o '"step":"[^"]*","seconds":[0-9.e-]*,"server_cpu_seconds":[0-9.e-]*' "$1" |
  sed 's/"step":"\([^"]*\)","seconds":\([0-9.e-]*\),"server_cpu_seconds":\([0-9.e-]*\)/  \1 \2 s (server CPU \3 s)/'; }
S=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$TMP/rss" "$BIN" ingest nppes "$FILE" --database-url "$URL" --quiet --log-level debug \
  --storage-dir "$TMP/store" > "$TMP/ingest.out" 2> "$TMP/ingest.log"
INGEST_S=$(echo "$(date +%s.%N) - $S" | bc)
RSS_MB=$(( $(cat "$TMP/rss") / 1024 ))
LOADED=$(psql -X -tA "$URL" -c "SELECT count(*) FROM ref.physician")
# The monthly case: the same full release again into the loaded tables (nothing changed).
S=$(date +%s.%N)
"$BIN" ingest nppes "$FILE" --database-url "$URL" --quiet --log-level debug --storage-dir "$TMP/store" \
  > "$TMP/reload.out" 2> "$TMP/reload.log"
RELOAD_S=$(echo "$(date +%s.%N) - $S" | bc)

printf "file: %s rows, %s MB (%s physicians generated)\n" "$ROWS" "$MB" "$N"
printf "%-34s %8.1f s %10.0f rows/s %7.1f MB/s\n" "psql \\copy into all-text staging" "$COPY_S" \
  "$(echo "$ROWS / $COPY_S" | bc -l)" "$(echo "$MB / $COPY_S" | bc -l)"
printf "%-34s %8.1f s %10.0f rows/s %7.1f MB/s  peak RSS %s MB  (%s physicians loaded)\n" \
  "rounds ingest nppes (whole pipeline)" "$INGEST_S" "$(echo "$ROWS / $INGEST_S" | bc -l)" \
  "$(echo "$MB / $INGEST_S" | bc -l)" "$RSS_MB" "$LOADED"
printf "pipeline speed / bare copy speed: %.2f\n" "$(echo "$COPY_S / $INGEST_S" | bc -l)"
printf "%-34s %8.1f s  ratio to the bare copy %.2f\n" "reload of the same release" "$RELOAD_S" \
  "$(echo "$COPY_S / $RELOAD_S" | bc -l)"
echo "first load, per step:"; steps "$TMP/ingest.log"
echo "reload, per step:"; steps "$TMP/reload.log"
printf "9M-row full release at this rate: %.1f min\n" "$(echo "9000000 / ($ROWS / $INGEST_S) / 60" | bc -l)"
