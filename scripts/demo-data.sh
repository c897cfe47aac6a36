#!/usr/bin/env bash
# Loads the bundled demo data once: a generated ~20,000-physician region (every CMS data set, the same NPIs
# across files) and the demo organisations with their users. Re-running skips what is already there.
# Needs: a built build/release/bin/rounds and the private cluster started (scripts/pg.sh start).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
eval "$(scripts/pg.sh env)"
BIN=build/release/bin/rounds
PHYSICIANS="${ROUNDS_SCRIPT_DEMO_PHYSICIANS:-20000}"
SEED=2026
MARK=".rounds/demo-data-$PHYSICIANS-$SEED"

if [ ! -f "$MARK" ]; then
  echo "demo: generating a $PHYSICIANS-physician region (seed $SEED)..."
  rm -rf var/demo-release
  "$BIN" bench gen --physicians "$PHYSICIANS" --seed "$SEED" --out var/demo-release >/dev/null
  echo "demo: loading it (first run only; a minute or two)..."
  /usr/bin/python3 scripts/load-release.py "$BIN" var/demo-release "$ROUNDS_SCRIPT_OWNER_URL" var/storage
  rm -rf var/demo-release
  touch "$MARK"
fi
mkdir -p var
"$BIN" admin seed-demo --database-url "$ROUNDS_SCRIPT_OWNER_URL" --log-level warn --logins-file var/demo-logins.txt \
  >/dev/null
