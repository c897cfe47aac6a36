#!/usr/bin/env python3
"""A/B of the physician search and nearby SQL against an earlier revision, on the same loaded benchmark database,
interleaved (A, B, A, B, ...) so that a busy machine slows both alike; medians reported.

  eval "$(scripts/pg.sh env)"; bench/physicians_ab.py [--against a29b951] [--physicians 200000] [--rounds 3]

Needs the database `bench/physicians.sh` loads (rounds_bench_phys_<N>) and a release build. The earlier search
statement used a trigram index on ref.physician.search_name that migration 0016 dropped: it is built for the run
and dropped afterwards.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "build/release/bin/rounds")
SESSION = "-c pg_trgm.similarity_threshold=0.2 -c jit=off"


def raw(src, name):
    return re.search(r'inline constexpr db::Statement ' + name + r'\{"\w+", R"sql\((.*?)\)sql"\};', src, re.S).group(1)


def new(name):
    return subprocess.run([BIN, "bench", "sql", name], capture_output=True, text=True, check=True).stdout


def bind(sql, params):
    for i in sorted(params, reverse=True):
        sql = sql.replace(f"${i}", params[i])
    return " ".join(line.strip() for line in sql.strip().splitlines()).replace("[:alnum:]", "a-z0-9")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", default="a29b951")
    ap.add_argument("--physicians", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    db = f"rounds_bench_phys_{a.physicians}"
    app = os.environ["ROUNDS_SCRIPT_APP_URL"].rsplit("/", 1)[0] + "/" + db
    owner = os.environ["ROUNDS_SCRIPT_OWNER_URL"].rsplit("/", 1)[0] + "/" + db
    old = subprocess.run(["git", "-C", REPO, "show", f"{a.against}:server/physicians/sql.h"], capture_output=True,
                         text=True, check=True).stdout
    pt = {1: "(SELECT lng FROM bench.points WHERE i = :i)", 2: "(SELECT lat FROM bench.points WHERE i = :i)",
          3: "16093.44", 5: "50"}
    spec = "(SELECT ARRAY[code] FROM bench.points WHERE i = :i)"
    pick_point, pick_name = "\\set i random(1, 2000)\n", "\\set i random(1, 3000)\n"
    scripts = {
        "nearby 10 mi": (pick_point + bind(raw(old, "kNearby"), {**pt, 4: "NULL"}) + ";",
                         pick_point + bind(new("phys_nearby"), {**pt, 4: "NULL"}) + ";"),
        "nearby 10 mi + specialty": (pick_point + bind(raw(old, "kNearby"), {**pt, 4: spec}) + ";",
                                     pick_point + bind(new("phys_nearby"), {**pt, 4: spec}) + ";"),
        "search": (
            pick_name + bind(raw(old, "kSearch"), {
                **{k: "NULL" for k in range(4, 16)}, 1: "(SELECT q FROM bench.names WHERE i = :i)",
                2: "(SELECT split_part(q, ' ', 1) FROM bench.names WHERE i = :i)",
                3: "(SELECT nullif(split_part(q, ' ', 2), '') FROM bench.names WHERE i = :i)", 16: "21"}) + ";",
            pick_name + "SELECT strpos(q, ' ') > 0 AS many FROM bench.names WHERE i = :i \\gset\n\\if :many\n" +
            bind(new("phys_search_many"), {**{k: "NULL" for k in range(3, 13)},
                                           1: "(SELECT string_to_array(q, ' ') FROM bench.names WHERE i = :i)",
                                           2: "(SELECT q FROM bench.names WHERE i = :i)", 13: "21"}) +
            ";\n\\else\n" +
            bind(new("phys_search_one"), {**{k: "NULL" for k in range(2, 12)},
                                          1: "(SELECT q FROM bench.names WHERE i = :i)", 12: "21"}) + ";\n\\endif"),
    }
    subprocess.run(["psql", "-X", "-q", owner, "-c", "CREATE INDEX IF NOT EXISTS bench_ab_search_trgm ON ref.physician "
                    "USING gin (search_name gin_trgm_ops)"], check=True)
    work = tempfile.mkdtemp(prefix="rounds-ab-")
    res = {(k, side): [] for k in scripts for side in (0, 1)}
    try:
        for r in range(a.rounds):
            for k, pair in scripts.items():
                for side in (0, 1):
                    f = os.path.join(work, f"s{side}.sql")
                    open(f, "w").write(pair[side] + "\n")
                    out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", str(a.clients), "-j", "2", "-T",
                                          str(a.seconds), "-f", f, app], capture_output=True, text=True,
                                         env={**os.environ, "PGOPTIONS": SESSION})
                    if out.returncode:
                        sys.exit(out.stderr[-2000:])
                    tps = float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))
                    lat = float(re.search(r"latency average = ([\d.]+) ms", out.stdout).group(1))
                    res[(k, side)].append((tps, lat))
                    print(f"round {r} {k:26s} {'before' if side == 0 else 'now':6s} {tps:9.1f} tps {lat:8.1f} ms",
                          flush=True)
    finally:
        subprocess.run(["psql", "-X", "-q", owner, "-c", "DROP INDEX IF EXISTS ref.bench_ab_search_trgm"])
    print(f"\n| query (pgbench, {a.clients} clients) | {a.against} | now | now / {a.against} |\n|---|---|---|---|")
    for k in scripts:
        o = statistics.median(t for t, _ in res[(k, 0)])
        n = statistics.median(t for t, _ in res[(k, 1)])
        ol = statistics.median(x for _, x in res[(k, 0)])
        nl = statistics.median(x for _, x in res[(k, 1)])
        print(f"| {k} | {o:,.1f} tps, {ol:.1f} ms | {n:,.1f} tps, {nl:.1f} ms | {n / o:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
