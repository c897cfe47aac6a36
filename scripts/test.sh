#!/usr/bin/env bash
# The test command: set-up (packages, private PostgreSQL, builds), then every test suite. Prints one summary
# line "rounds: N passed, M failed" last and exits non-zero when anything failed.
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (CI) reuses earlier builds.
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1
ART="$REPO/build/test-results"
rm -rf "$ART"; mkdir -p "$ART"
SECONDS=0

step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }
die() { echo "test: $*" >&2; echo "rounds: 0 passed, 1 failed"; exit 1; }

step "dependencies"
scripts/deps.sh || die "installing dependencies failed"

step "PostgreSQL"
was_running=0
scripts/pg.sh status && was_running=1
scripts/pg.sh start || die "the private PostgreSQL cluster did not start"
eval "$(scripts/pg.sh env)"
cleanup() {
  if [ -n "${TEST_DB:-}" ]; then
    psql -X -q "$ROUNDS_SCRIPT_SUPER_URL" -c "DROP DATABASE IF EXISTS $TEST_DB WITH (FORCE)" >/dev/null 2>&1
  fi
  [ "$was_running" = 1 ] || scripts/pg.sh stop
}
trap cleanup EXIT

step "build (release)"
cmake --preset release >"$ART/configure-release.log" 2>&1 || { tail -30 "$ART/configure-release.log"; die "configure failed"; }
cmake --build --preset release -j"$(nproc)" >"$ART/build-release.log" 2>&1 || {
  grep -E "error|Error" "$ART/build-release.log" | head -40; die "release build failed"; }

step "build (asan)"
cmake --preset asan >"$ART/configure-asan.log" 2>&1 || { tail -30 "$ART/configure-asan.log"; die "configure failed"; }
cmake --build --preset asan -j"$(nproc)" >"$ART/build-asan.log" 2>&1 || {
  grep -E "error|Error" "$ART/build-asan.log" | head -40; die "asan build failed"; }

step "test database"
TEST_DB="rounds_test_$$"
psql -X -q -v ON_ERROR_STOP=1 "$ROUNDS_SCRIPT_SUPER_URL" \
  -c "CREATE DATABASE $TEST_DB OWNER rounds_owner TEMPLATE rounds_template" || die "cannot create $TEST_DB"
export ROUNDS_TEST_DATABASE_URL="${ROUNDS_SCRIPT_OWNER_URL%/*}/$TEST_DB"
export ROUNDS_TEST_APP_URL="${ROUNDS_SCRIPT_APP_URL%/*}/$TEST_DB"
ROUNDS_LOG_FORMAT=text build/release/bin/rounds migrate --database-url "$ROUNDS_TEST_DATABASE_URL" \
  >"$ART/migrate.log" 2>&1 || { cat "$ART/migrate.log"; die "migrations failed"; }

step "C++ tests (release)"
ctest --preset release -j2 --output-junit "$ART/ctest-release.xml" >"$ART/ctest-release.log" 2>&1
tail -3 "$ART/ctest-release.log"

step "C++ tests (asan + ubsan)"
ctest --preset asan -j2 --output-junit "$ART/ctest-asan.xml" >"$ART/ctest-asan.log" 2>&1
tail -3 "$ART/ctest-asan.log"

step "integration tests (real binary, real PostgreSQL)"
export ROUNDS_TEST_BIN="$REPO/build/release/bin/rounds"
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration --junitxml="$ART/pytest.xml" >"$ART/pytest.log" 2>&1
tail -3 "$ART/pytest.log"

if [ -f web/package.json ] && [ -x scripts/web-test.sh ]; then
  step "web client tests"
  scripts/web-test.sh "$ART" >"$ART/web.log" 2>&1
  tail -3 "$ART/web.log"
fi

step "summary"
/usr/bin/python3 scripts/summarize.py "$ART"
