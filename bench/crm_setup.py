#!/usr/bin/env python3
"""Set-up and check for bench/crm.sh (not part of the test suite).

  crm_setup.py setup  <base_url> <owner_url> <outdir> <reps>   organisation, reps, product, lots, tokens
  crm_setup.py verify <owner_url> <outdir>                      no lost or duplicated rows after the run
"""
import json
import os
import subprocess
import sys
import uuid

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from crm_helpers import make_npi  # noqa: E402

BIN = os.environ["CRM_BENCH_BIN"]
PW = "bench-password-not-secret-1"
LOT_UNITS = 10_000_000


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", url, "-c",
                           "SET rounds.admin = 'on'; " + sql], check=True, capture_output=True, text=True).stdout.strip()


def admin(owner_url, *args, stdin=None):
    r = subprocess.run([BIN, "admin", *args, "--database-url", owner_url, "--log-level", "warn"], capture_output=True,
                       text=True, input=stdin)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.strip()


def setup(base, owner_url, outdir, reps):
    slug = "bench-" + uuid.uuid4().hex[:8]
    org = admin(owner_url, "create-org", "--name", "CRM bench", "--slug", slug)
    npis = [make_npi(f"17{i:07d}") for i in range(1000)]
    psql(owner_url, "INSERT INTO ref.physician (npi, entity_type, last_name, first_name, practice_state, release_id, "
                    "first_release_id) VALUES " + ",".join(f"({n}, 1, 'Bench', 'Doc', 'CA', 1, 1)" for n in npis) +
         " ON CONFLICT (npi) DO NOTHING")
    psql(owner_url, "INSERT INTO ref.physician_taxonomy (npi, slot, taxonomy_code, license_state, is_primary, "
                    "release_id) VALUES " + ",".join(f"({n}, 1, '207R00000X', 'CA', true, 1)" for n in npis) +
         " ON CONFLICT (npi, slot) DO NOTHING")
    admin_email = f"admin@{slug}.bench"
    admin(owner_url, "create-user", "--org", slug, "--email", admin_email, "--role", "admin", "--password-stdin",
          stdin=PW + "\n")

    def login(email):
        r = requests.post(base + "/api/v1/auth/login", json={"email": email, "password": PW}, timeout=60)
        assert r.status_code == 200, r.text
        return {"Authorization": "Bearer " + r.json()["access_token"]}

    ah = login(admin_email)
    s = requests.get(base + "/api/v1/crm/settings", headers=ah, timeout=30).json()
    r = requests.patch(base + "/api/v1/crm/settings", json={"sampling_states": ["CA"]},
                       headers={**ah, "If-Match": f'"{s["version"]}"'}, timeout=30)
    assert r.status_code == 200, r.text
    product = requests.post(base + "/api/v1/products", json={"name": "Benchzol", "sampleable": True}, headers=ah,
                            timeout=30).json()["id"]
    rows = []
    for i in range(reps):
        email = f"rep{i}@{slug}.bench"
        uid = admin(owner_url, "create-user", "--org", slug, "--email", email, "--role", "rep", "--password-stdin",
                    stdin=PW + "\n")
        token = login(email)["Authorization"].split(" ", 1)[1]
        lot = requests.post(base + "/api/v1/sample-lots",
                            json={"product_id": product, "lot_number": f"B{i}", "expires_on": "2099-12-31",
                                  "quantity": LOT_UNITS, "owner_id": uid}, headers=ah, timeout=30)
        assert lot.status_code == 201, lot.text
        rows.append({"user": uid, "token": token, "lot": lot.json()["id"]})
    with open(os.path.join(outdir, "reps.lua"), "w") as f:
        f.write("return {\n")
        for r in rows:
            f.write(f'  {{token="{r["token"]}", lot="{r["lot"]}"}},\n')
        f.write("}\n")
    with open(os.path.join(outdir, "npis.lua"), "w") as f:
        f.write("return {" + ",".join(f'"{n}"' for n in npis) + "}\n")
    json.dump({"org": org, "product": product, "reps": rows, "npis": npis},
              open(os.path.join(outdir, "bench.json"), "w"))
    # The pgbench reference picks its rep and lot by client number.
    psql(owner_url, "DROP TABLE IF EXISTS public.bench_crm_rep; CREATE TABLE public.bench_crm_rep "
                    "(i int PRIMARY KEY, org uuid, user_id uuid, lot uuid, product uuid, npi bigint)")
    psql(owner_url, "INSERT INTO public.bench_crm_rep VALUES " + ",".join(
        f"({i}, '{org}', '{r['user']}', '{r['lot']}', '{product}', {npis[i % len(npis)]})" for i, r in enumerate(rows)))


def verify(owner_url, outdir):
    info = json.load(open(os.path.join(outdir, "bench.json")))
    org = info["org"]
    acked = set()
    for name in os.listdir(outdir):
        if name.startswith("acked-"):
            with open(os.path.join(outdir, name)) as f:
                acked.update(line.strip() for line in f if line.strip())
    rows = int(psql(owner_url, f"SELECT count(*) FROM crm.call WHERE org_id = '{org}' AND client_id LIKE 'wrk-%'"))
    distinct = int(psql(owner_url, f"SELECT count(DISTINCT client_id) FROM crm.call WHERE org_id = '{org}' "
                                   "AND client_id LIKE 'wrk-%'"))
    in_db = set(psql(owner_url, f"SELECT string_agg(client_id, ',') FROM crm.call WHERE org_id = '{org}' "
                                "AND client_id LIKE 'wrk-%'").split(","))
    lost = acked - in_db
    samples = int(psql(owner_url, "SELECT count(*) FROM crm.call_sample s JOIN crm.call c ON c.id = s.call_id "
                                  f"WHERE c.org_id = '{org}' AND c.client_id LIKE 'wrk-%'"))
    recipients = int(psql(owner_url, "SELECT count(*) FROM crm.spend_recipient r JOIN crm.spend_item i ON "
                                     "i.id = r.spend_item_id JOIN crm.call c ON c.id = i.call_id "
                                     f"WHERE c.org_id = '{org}' AND c.client_id LIKE 'wrk-%'"))
    drops = int(psql(owner_url, f"SELECT coalesce(sum({LOT_UNITS} - on_hand), 0) FROM crm.sample_lot "
                                f"WHERE org_id = '{org}'"))
    ledger = int(psql(owner_url, "SELECT coalesce(sum(quantity), 0) FROM crm.sample_txn "
                                 f"WHERE org_id = '{org}' AND kind = 'dropped'"))
    changes = int(psql(owner_url, f"SELECT count(*) FROM crm.change_log l WHERE l.org_id = '{org}' "
                                  "AND l.entity = 'call' AND l.op = 'insert'"))
    report = {"acknowledged_unique_visits": len(acked), "call_rows": rows, "distinct_client_ids": distinct,
              "lost": len(lost), "duplicated": rows - distinct, "sample_lines": samples,
              "spend_recipients": recipients, "units_dropped_from_lots": drops, "dropped_in_ledger": ledger,
              "call_inserts_in_change_log": changes}
    ok = (not lost and rows == distinct and samples == rows and recipients == rows and drops == rows
          and ledger == rows and changes == rows)
    report["ok"] = ok
    print(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit(verify(sys.argv[2], sys.argv[3]))
