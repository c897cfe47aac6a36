#!/usr/bin/env python3
"""Physician API benchmark: wrk against `rounds serve` and, in the same run, pgbench running the SQL behind each
endpoint on the same database. Called by bench/physicians.sh (which builds, starts PostgreSQL and exports the
ROUNDS_SCRIPT_* variables).

Extra `rounds serve` arguments: BENCH_SERVE_ARGS (e.g. "--db-listen false" for an A/B of one setting).

Scenarios (each at every --connections value, --seconds long):
  profile-cold   GET /physicians/{npi} over many distinct NPIs, server restarted first (every request a miss)
  profile-warm   the same over 500 NPIs (in-process cache hits after the first pass)
  nearby         GET /physicians/nearby at physicians' own points, radius 10 mi, limit 50
  nearby-spec    the same with the point's primary specialty as a filter
  search         GET /physicians/search, a third each exact names, last-name prefixes and misspelled names
  floor          GET /healthz: no database, no authentication, a 2-byte body. Not a goal of its own: the
                 reference for what wrk and `rounds serve` sharing this machine's cores can do at each
                 connection count (the fastest any endpoint can answer here)
Every scenario but profile-cold first runs --warmup seconds unmeasured (profile-warm fills the cache with it; the
others find their database pages in memory, as a server that has been up for a while does).
pgbench runs the statement each scenario's handler runs (extracted from server/physicians/sql.h), with the
same parameter lists, as the application role, prepared, on as many connections as the server's pool.

The loaded database is kept (rounds_bench_phys_<N>) so a rerun only measures; drop it with
  psql "$ROUNDS_SCRIPT_SUPER_URL" -c 'DROP DATABASE rounds_bench_phys_<N> WITH (FORCE)'
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "build/release/bin/rounds")
SUPER = os.environ["ROUNDS_SCRIPT_SUPER_URL"]
OWNER = os.environ["ROUNDS_SCRIPT_OWNER_URL"]
APP = os.environ["ROUNDS_SCRIPT_APP_URL"]
POOL = 16
# The session settings `rounds serve` gives its pool (server/app/serve.cpp), so pgbench runs the same plans.
SESSION_OPTIONS = "-c pg_trgm.similarity_threshold=0.2 -c jit=off"
# The p99 goals (milliseconds), printed beside each result.
GOAL_P99_MS = {"profile-cold": 10, "profile-warm": 2, "nearby": 20, "nearby-spec": 20, "search": 30}


def psql(url, sql, check=True):
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", url, "-c", sql], capture_output=True,
                       text=True)
    if check and r.returncode != 0:
        sys.exit(f"psql failed: {r.stderr}")
    return r.stdout.strip()


def db_url(base, name):
    return base.rsplit("/", 1)[0] + "/" + name


def load(n, db, datasets):
    owner = db_url(OWNER, db)
    if psql(SUPER, f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1" and \
            psql(owner, "SELECT count(*) FROM pg_tables WHERE schemaname = 'bench' AND tablename = 'loaded'",
                 check=False) == "1":
        print(f"bench: reusing the loaded database {db}")
        subprocess.run([BIN, "migrate", "--database-url", owner, "--log-level", "warn"], check=True,
                       stdout=subprocess.DEVNULL)  # migrations added since it was loaded
        return
    psql(SUPER, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(SUPER, f"CREATE DATABASE {db} OWNER rounds_owner TEMPLATE rounds_template")
    subprocess.run([BIN, "migrate", "--database-url", owner, "--log-level", "warn"], check=True,
                   stdout=subprocess.DEVNULL)
    tmp = tempfile.mkdtemp(prefix="rounds-bench-phys-", dir="/var/tmp")
    try:
        t = time.time()
        subprocess.run([BIN, "bench", "gen", "--physicians", str(n), "--seed", "7", "--out", tmp + "/gen"] +
                       (["--datasets", datasets] if datasets else []), check=True, stdout=subprocess.DEVNULL)
        print(f"bench: generated {n} physicians in {time.time() - t:.0f} s; loading every data set...")
        t = time.time()
        subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts/load-release.py"), BIN, tmp + "/gen", owner,
                        tmp + "/store"] + ([f"--only={datasets},nppes-locations"] if datasets else []), check=True)
        print(f"bench: loaded in {time.time() - t:.0f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([BIN, "admin", "seed-demo", "--database-url", owner, "--log-level", "warn"], check=True,
                   stdout=subprocess.DEVNULL)
    # Parameter lists shared by wrk and pgbench (readable by the application role).
    psql(owner, """
        CREATE SCHEMA bench;
        CREATE TABLE bench.npis AS
          SELECT row_number() OVER () AS i, npi FROM (
            SELECT npi FROM ref.physician WHERE removed_at IS NULL ORDER BY md5(npi::text) LIMIT 200000) x;
        CREATE TABLE bench.points AS
          SELECT row_number() OVER () AS i, lat, lng, code FROM (
            SELECT round(ST_Y(a.geog::geometry)::numeric, 5) AS lat, round(ST_X(a.geog::geometry)::numeric, 5) AS lng,
                   (SELECT t.taxonomy_code FROM ref.physician_taxonomy t WHERE t.npi = a.npi
                     ORDER BY t.is_primary DESC NULLS LAST, t.slot LIMIT 1) AS code
              FROM (SELECT DISTINCT ON (npi) npi, geog FROM ref.physician_address
                     WHERE removed_at IS NULL AND geog IS NOT NULL ORDER BY npi, address_id) a
             ORDER BY md5(a.npi::text) LIMIT 2000) x;
        CREATE TABLE bench.names AS
          SELECT row_number() OVER () AS i, q FROM (
            SELECT q FROM (
              SELECT lower(first_name || ' ' || last_name) AS q, 1 AS kind, npi FROM ref.physician
               WHERE entity_type = 1 AND length(last_name) >= 5
              UNION ALL
              SELECT lower(left(last_name, 4)), 2, npi FROM ref.physician
               WHERE entity_type = 1 AND length(last_name) >= 5
              UNION ALL
              SELECT lower(first_name || ' ' || left(last_name, 2) || substr(last_name, 4, 1) || substr(last_name, 3, 1)
                           || substr(last_name, 5)), 3, npi FROM ref.physician
               WHERE entity_type = 1 AND length(last_name) >= 5) s
             ORDER BY md5(npi::text || kind::text) LIMIT 3000) x;
        ALTER TABLE bench.npis ADD PRIMARY KEY (i);
        ALTER TABLE bench.points ADD PRIMARY KEY (i);
        ALTER TABLE bench.names ADD PRIMARY KEY (i);
        GRANT USAGE ON SCHEMA bench TO rounds_app;
        GRANT SELECT ON ALL TABLES IN SCHEMA bench TO rounds_app;
        CREATE TABLE bench.loaded ();
        ANALYZE;
    """)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, db):
        self.port = free_port()
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--database-url", db_url(APP, db), "--http-addr", "127.0.0.1", "--http-port",
             str(self.port), "--log-level", "warn", "--db-pool-size", str(POOL), "--rate-limit-per-second", "100000",
             "--rate-limit-burst", "1000000", "--jwt-key-file", os.path.join(REPO, ".rounds/bench-jwt.key")]
            + os.environ.get("BENCH_SERVE_ARGS", "").split(),
            stdout=subprocess.DEVNULL, stderr=self.err)
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url("/readyz"), timeout=1)
                break
            except Exception:
                if self.proc.poll() is not None:
                    self.err.seek(0)
                    sys.exit(f"rounds serve did not start:\n{self.err.read()}")
                time.sleep(0.1)
        req = urllib.request.Request(self.url("/api/v1/auth/login"), method="POST",
                                     data=json.dumps({"email": "rep@acme.demo",
                                                      "password": "Rounds-Demo-Acme-1"}).encode(),
                                     headers={"Content-Type": "application/json"})
        self.token = json.load(urllib.request.urlopen(req, timeout=10))["access_token"]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


LUA = """
local paths = {}
for line in io.lines("%(file)s") do paths[#paths + 1] = line end
local counter = 0
local headers = { ["Authorization"] = "Bearer %(token)s" }
function setup(thread) thread:set("offset", counter); counter = counter + 1 end
function init(args) n = offset * 7919 end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
end
"""


def parse_wrk(out):
    def ms(v):
        m = re.match(r"([\d.]+)(us|ms|s|m|h)$", v)
        if m is None:
            sys.exit(f"bench: cannot read a latency from wrk's output:\n{out}")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000, "h": 3600000}[m.group(2)]
    # The distribution's lines only ("64.50%" in the thread table also ends in "50%").
    p50m = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99m = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if p50m is None or p99m is None:
        sys.exit(f"bench: wrk printed no latency distribution:\n{out}")
    p50 = ms(p50m.group(1))
    p99 = ms(p99m.group(1))
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    m = re.search(r"\d+ requests in ([\d.]+)(ms|s|m)", out)
    seconds = float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    bad = int(non2xx.group(1)) if non2xx else 0
    timeouts = re.search(r"timeout (\d+)", out)
    bad += int(timeouts.group(1)) if timeouts else 0
    # Throughput counts answered 2xx only: a 503 from an exhausted pool is fast and would flatter the figure.
    return p50, p99, (total - bad) / seconds, bad


def wrk(server, paths, conns, seconds, workdir, name):
    listing = os.path.join(workdir, name + ".paths")
    with open(listing, "w") as f:
        f.write("\n".join(paths) + "\n")
    script = os.path.join(workdir, name + ".lua")
    with open(script, "w") as f:
        f.write(LUA % {"file": listing, "token": server.token})
    out = subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{seconds}s", "--latency", "-s", script,
                          server.url("/")], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def statement(name):
    """The SQL the server runs for an endpoint, as the binary holds it (`rounds bench sql`)."""
    return subprocess.run([BIN, "bench", "sql", name], capture_output=True, text=True, check=True).stdout


def bind(sql, params):
    body = sql
    for i in sorted(params, reverse=True):  # $16 before $1
        body = body.replace(f"${i}", params[i])
    body = " ".join(line.strip() for line in body.strip().splitlines())
    # pgbench reads ":name" as a variable: the POSIX class is spelled out (same for folded ASCII names).
    return body.replace("[:alnum:]", "a-z0-9")


def pgbench(db, name, setup, sql, params, conns, seconds, workdir):
    """pgbench of `setup` then `sql` with `params` bound; `sql` may be a list of (condition, sql, params) run under
    pgbench \\if branches instead."""
    if isinstance(sql, list):
        parts = []
        for i, (cond, stmt, p) in enumerate(sql):
            parts.append(("\\if " if i == 0 else "\\else\n") + (cond if i == 0 else ""))
            parts.append(bind(stmt, p) + ";")
        body = "\n".join(parts) + "\n\\endif"
    else:
        body = bind(sql, params) + ";"
    script = os.path.join(workdir, name + ".sql")
    with open(script, "w") as f:
        f.write(setup + "\n" + body + "\n")
    out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", str(min(conns, POOL)), "-j", "2", "-T",
                          str(seconds), "-f", script, db_url(APP, db)], capture_output=True, text=True,
                         env={**os.environ, "PGOPTIONS": SESSION_OPTIONS})
    if out.returncode != 0:
        sys.exit(f"pgbench {name} failed:\n{out.stderr[-2000:]}")
    tps = float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))
    lat = float(re.search(r"latency average = ([\d.]+) ms", out.stdout).group(1))
    return tps, lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--physicians", type=int, default=200000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", default="64,256")
    ap.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each scenario but profile-cold")
    ap.add_argument("--scenarios", default="", help="only these scenarios, e.g. profile-cold,profile-warm")
    ap.add_argument("--datasets", default="",
                    help="generate and load only these data sets, e.g. zcta,nucc,nppes for a quick large run "
                         "(profiles then have empty claims sections)")
    a = ap.parse_args()
    db = f"rounds_bench_phys_{a.physicians}"
    load(a.physicians, db, a.datasets)
    owner = db_url(OWNER, db)
    npis = psql(owner, "SELECT npi FROM bench.npis ORDER BY i").split("\n")
    points = [line.split("|") for line in psql(owner, "SELECT lat, lng, coalesce(code, '') FROM bench.points ORDER BY i")
              .split("\n")]
    names = psql(owner, "SELECT q FROM bench.names ORDER BY i").split("\n")
    rng = random.Random(1)
    warm = rng.sample(npis, 500)
    from urllib.parse import quote
    scenarios = {
        "profile-cold": [f"/api/v1/physicians/{n}" for n in npis],
        "profile-warm": [f"/api/v1/physicians/{n}" for n in warm],
        "nearby": [f"/api/v1/physicians/nearby?lat={la}&lng={ln}&radius=10mi&limit=50" for la, ln, _ in points],
        "nearby-spec": [f"/api/v1/physicians/nearby?lat={la}&lng={ln}&radius=10mi&limit=50&specialty={c}"
                        for la, ln, c in points if c],
        "search": [f"/api/v1/physicians/search?q={quote(q)}&limit=20" for q in names],
        "floor": ["/healthz"],
    }
    if a.scenarios:
        scenarios = {k: v for k, v in scenarios.items() if k in a.scenarios.split(",")}
    sql = {k: statement(n) for k, n in (("kProfile", "phys_profile"), ("kNearby", "phys_nearby"),
                                         ("kSearchOne", "phys_search_one"), ("kSearchMany", "phys_search_many"))}
    n_npis, n_points, n_names = len(npis), len(points), len(names)
    pg = {
        "profile": ("\\set i random(1, %d)" % n_npis, sql["kProfile"],
                    {1: "(SELECT npi FROM bench.npis WHERE i = :i)"}),
        "nearby": ("\\set i random(1, %d)" % n_points, sql["kNearby"],
                   {1: "(SELECT lng FROM bench.points WHERE i = :i)", 2: "(SELECT lat FROM bench.points WHERE i = :i)",
                    3: "16093.44", 4: "NULL", 5: "50"}),
        "nearby-spec": ("\\set i random(1, %d)" % n_points, sql["kNearby"],
                        {1: "(SELECT lng FROM bench.points WHERE i = :i)",
                         2: "(SELECT lat FROM bench.points WHERE i = :i)", 3: "16093.44",
                         4: "(SELECT ARRAY[code] FROM bench.points WHERE i = :i)", 5: "50"}),
        # One-word queries run the posting-list statement, several words the GIN one, as the handler chooses.
        "search": ("\\set i random(1, %d)\nSELECT strpos(q, ' ') > 0 AS many FROM bench.names WHERE i = :i \\gset"
                   % n_names,
                   [(":many", sql["kSearchMany"],
                     {**{k: "NULL" for k in range(3, 13)},
                      1: "(SELECT string_to_array(q, ' ') FROM bench.names WHERE i = :i)",
                      2: "(SELECT q FROM bench.names WHERE i = :i)", 13: "21"}),
                    (None, sql["kSearchOne"],
                     {**{k: "NULL" for k in range(2, 12)},
                      1: "(SELECT q FROM bench.names WHERE i = :i)", 12: "21"})], None),
    }
    pg_for = {"profile-cold": "profile", "profile-warm": "profile", "nearby": "nearby", "nearby-spec": "nearby-spec",
              "search": "search", "floor": None}
    workdir = tempfile.mkdtemp(prefix="rounds-bench-wrk-")
    rows = []
    try:
        for conns in [int(c) for c in a.connections.split(",")]:
            pg_results = {}
            for key, (setup, stmt, params) in pg.items():
                if not any(pg_for[n] == key for n in scenarios):
                    continue
                pg_results[key] = pgbench(db, f"{key}-{conns}", setup, stmt, params, conns, a.seconds, workdir)
            for name, paths in scenarios.items():
                server = Server(db)  # fresh process: an empty cache for the cold run
                try:
                    if name != "profile-cold" and a.warmup > 0:
                        wrk(server, paths, conns, a.warmup, workdir, name + "-warmup")
                    p50, p99, rps, bad = wrk(server, paths, conns, a.seconds, workdir, name)
                finally:
                    server.stop()
                tps = pg_results[pg_for[name]][0] if pg_for[name] else None
                ratio = rps / tps if tps else None
                rows.append((name, conns, p50, p99, rps, bad, tps, ratio))
                print(f"{name:13s} c={conns:<4d} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {rps:9.0f} req/s  "
                      f"(failed {bad})  pgbench {tps or 0:9.0f} tps  API/SQL {ratio or 0:5.2f}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    # Little's law: with `conns` requests always outstanding, mean latency = conns / throughput, and p99 >= mean; so
    # a p99 goal at `conns` connections needs at least conns / goal requests a second, whatever the code does.
    print("| scenario | connections | p50 ms | p99 ms | API 2xx/s | failed | pgbench tps (same SQL) | API / SQL "
          "| p99 goal ms | req/s the goal needs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, conns, p50, p99, rps, bad, tps, ratio in rows:
        goal = GOAL_P99_MS.get(name)
        print(f"| {name} | {conns} | {p50:.2f} | {p99:.2f} | {rps:,.0f} | {bad} | "
              f"{f'{tps:,.0f}' if tps else '–'} | {f'{ratio:.2f}' if ratio else '–'} | {goal or '–'} | "
              f"{f'≥ {conns * 1000 / goal:,.0f}' if goal else '–'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
