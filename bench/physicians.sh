#!/usr/bin/env bash
# Physician API benchmark (issue #5): generates and loads N physicians once (kept as rounds_bench_phys_N), then wrk
# at each connection count against `rounds serve` and pgbench of the same SQL on the same database, same run.
# Usage: bench/physicians.sh [--physicians N (200000)] [--seconds S (10)] [--connections 64,256]
# Not part of the test suite. Needs wrk (Debian package, installed here when missing).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
make build >/dev/null
scripts/pg.sh start >/dev/null
eval "$(scripts/pg.sh env)"
exec /usr/bin/python3 bench/physicians.py "$@"
