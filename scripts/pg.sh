#!/usr/bin/env bash
# The private PostgreSQL 15 + PostGIS cluster of this checkout, under .rounds/pg (git-ignored).
#   scripts/pg.sh start   create on first use, start (reusing data and port), ensure roles and databases
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh env     print the connection variables (sourced by the run and test scripts)
#   scripts/pg.sh status  exit 0 when running
# As root the cluster runs as the unprivileged system user `rounds-pg` (created here); otherwise as you.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGBIN="${ROUNDS_SCRIPT_PGBIN:-/usr/lib/postgresql/15/bin}"
STATE="$REPO/.rounds"
PGROOT="$STATE/pg"
PGUSER_OS="$(id -un)"
RUN=()

mkdir -p "$STATE"

if [ "$(id -u)" -eq 0 ]; then
  PGUSER_OS="rounds-pg"
  if ! id -u "$PGUSER_OS" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PGUSER_OS"
  fi
  RUN=(runuser -u "$PGUSER_OS" --)
  # The cluster user must reach its data directory; when the checkout lives somewhere it cannot traverse
  # (e.g. under /root), the data goes to /var/lib/rounds-pg/<hash> and .rounds/pg links there.
  if [ ! -e "$PGROOT" ] && ! "${RUN[@]}" test -x "$STATE" 2>/dev/null; then
    hash=$(printf '%s' "$REPO" | sha256sum | cut -c1-12)
    mkdir -p "/var/lib/rounds-pg/$hash"
    ln -sfn "/var/lib/rounds-pg/$hash" "$PGROOT"
  fi
fi
mkdir -p "$PGROOT"
if [ "$(id -u)" -eq 0 ]; then
  chown "$PGUSER_OS" "$PGROOT" "$(readlink -f "$PGROOT")"
fi
DATA="$PGROOT/data"
SECRETS="$STATE/secrets"

free_port() {
  /usr/bin/python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

port_in_use() {
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1]))); print("free")
except OSError:
    print("used")
PY
}

secret() {  # secret NAME: a random password kept in .rounds/secrets/NAME (mode 600)
  mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
  if [ ! -s "$SECRETS/$1" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$SECRETS/$1")
  fi
  cat "$SECRETS/$1"
}

running() { [ -f "$DATA/postmaster.pid" ] && "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

port() { cat "$PGROOT/port" 2>/dev/null || true; }

super_psql() {  # run SQL as the cluster superuser over TCP
  PGPASSWORD="$(secret super)" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(port)" -U rounds_super "$@"
}

init_cluster() {
  local pwfile
  pwfile=$(mktemp)
  secret super > "$pwfile"
  chmod 644 "$pwfile"
  "${RUN[@]}" "$PGBIN/initdb" -D "$DATA" -U rounds_super --pwfile="$pwfile" --auth-host=scram-sha-256 \
    --auth-local=peer -E UTF8 --locale=C.UTF-8 >"$PGROOT/initdb.log" 2>&1 || {
    rm -f "$pwfile"; echo "pg: initdb failed, see $PGROOT/initdb.log" >&2; exit 1; }
  rm -f "$pwfile"
  mkdir -p "$PGROOT/run"
  [ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$PGROOT/run"
  cat >> "$DATA/postgresql.conf" <<CONF
# Rounds private cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGROOT/run'
max_connections = 200
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
fsync = on
synchronous_commit = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 4GB
logging_collector = off
log_min_duration_statement = 1000
CONF
  free_port > "$PGROOT/port"
}

ensure_roles_and_databases() {
  local owner app
  owner=$(secret owner); app=$(secret app)
  super_psql -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_owner') THEN
    CREATE ROLE rounds_owner LOGIN CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
    CREATE ROLE rounds_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END \$\$;
ALTER ROLE rounds_owner PASSWORD '$owner';
ALTER ROLE rounds_app PASSWORD '$app';
-- Dropping a throw-away database WITH (FORCE) ends the app role's lingering sessions: the owner needs that right.
GRANT pg_signal_backend TO rounds_owner;
SQL
  if ! super_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='rounds_template'" | grep -q 1; then
    super_psql -d postgres -c "CREATE DATABASE rounds_template OWNER rounds_owner"
    super_psql -d rounds_template <<'SQL'
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
GRANT ALL ON SCHEMA public TO rounds_owner;
SQL
    super_psql -d postgres -c "ALTER DATABASE rounds_template IS_TEMPLATE true"
  fi
  if ! super_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='rounds'" | grep -q 1; then
    super_psql -d postgres -c "CREATE DATABASE rounds OWNER rounds_owner TEMPLATE rounds_template"
  fi
}

start() {
  if running; then
    ensure_roles_and_databases
    return 0
  fi
  [ -f "$DATA/PG_VERSION" ] || init_cluster
  local p
  p=$(port)
  if [ -z "$p" ] || [ "$(port_in_use "$p")" = "used" ]; then
    p=$(free_port); echo "$p" > "$PGROOT/port"
  fi
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA" -o "-p $p" -l "$PGROOT/postgres.log" -w -t 60 start >/dev/null || {
    tail -20 "$PGROOT/postgres.log" >&2; echo "pg: could not start PostgreSQL" >&2; exit 1; }
  ensure_roles_and_databases
}

stop() {
  if running; then
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  fi
}

print_env() {
  local p owner app
  p=$(port); owner=$(secret owner); app=$(secret app)
  echo "export ROUNDS_SCRIPT_PG_PORT=$p"
  echo "export ROUNDS_SCRIPT_OWNER_URL=postgresql://rounds_owner:$owner@127.0.0.1:$p/rounds"
  echo "export ROUNDS_SCRIPT_APP_URL=postgresql://rounds_app:$app@127.0.0.1:$p/rounds"
  echo "export ROUNDS_SCRIPT_SUPER_URL=postgresql://rounds_super:$(secret super)@127.0.0.1:$p/postgres"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  status) running ;;
  psql) shift; super_psql -d rounds "$@" ;;
  *) echo "usage: scripts/pg.sh start|stop|env|status|psql" >&2; exit 2 ;;
esac
