"""Markets and targeting against the real binary: CRUD with idempotency, versions and audit; the recompute job
(queued by market changes and by ingest); deciles that partition the prescribers into ten nearly equal groups,
nationally and per state; metric values equal to the source rows; target lists per territory, sorted,
paginated and exported as CSV (audited); the route planner's mkt.territory_targets contract."""
import csv
import io
import os
import uuid

import pytest

from targeting_helpers import (ACME, CMS, GLOBEX, Client, drop_database, fields, ingest, load_generated, make_db,
                               problem, run_worker, server, sql)

GLP1 = {"name": "GLP-1", "partd_generic_names": ["Semaglutide", "Dulaglutide", "Tirzepatide"],
        "own_products": ["Ozempic"], "competitor_products": ["Trulicity", "Mounjaro"],
        "own_manufacturers": ["Novo Nordisk Inc"], "competitor_manufacturers": ["Eli Lilly and Company"]}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    name, owner, app = make_db()
    load_generated(str(tmp_path_factory.mktemp("gen")), owner)
    s = server(app)
    e = {"owner": owner, "app": app, "srv": s,
         "admin": Client(s, "admin@acme.demo", ACME), "manager": Client(s, "manager@acme.demo", ACME),
         "rep": Client(s, "rep@acme.demo", ACME), "globex": Client(s, "admin@globex.demo", GLOBEX)}
    r = e["admin"].post("/api/v1/markets", dict(GLP1, client_id="glp1-" + uuid.uuid4().hex))
    assert r.status_code == 201, r.text
    e["market"] = r.json()
    run_worker(app)
    yield e
    s.stop()
    drop_database(name)


def test_ingest_queues_a_recompute(env):
    # The generated release was loaded before any market existed: each successful load queued (at most one
    # waiting) recompute job, which the worker has run by now.
    done = sql(env["owner"], "SELECT count(*) FROM ops.job WHERE kind = 'markets.recompute' AND status = 'done'")
    assert int(done) >= 2
    ingest(env["owner"], "zcta", os.path.join(CMS, "zcta_gazetteer.txt"))
    queued = sql(env["owner"], "SELECT count(*) FROM ops.job WHERE kind = 'markets.recompute' AND status = 'queued' "
                               "AND payload = '{}'::jsonb")
    assert queued == "1"
    run_worker(env["app"])


def test_crud_idempotency_versions_validation_and_audit(env):
    admin = env["admin"]
    body = {"name": "Knee " + uuid.uuid4().hex[:6], "hcpcs_codes": ["27447"], "client_id": uuid.uuid4().hex}
    r = admin.post("/api/v1/markets", body)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    m = r.json()
    again = admin.post("/api/v1/markets", body)
    assert again.status_code == 200 and again.json()["id"] == m["id"]
    problem(admin.post("/api/v1/markets", dict(body, client_id=uuid.uuid4().hex)), 409)  # same name
    assert fields(admin.post("/api/v1/markets", {"name": "X", "hcpcs_codes": ["27447", "bad"]}), 400) == \
        ["hcpcs_codes[1]"]
    assert fields(admin.post("/api/v1/markets", {"name": "Empty"}), 400) == ["partd_generic_names"]
    assert fields(admin.post("/api/v1/markets", {"name": "X", "hcpcs_codes": ["27447"], "org_id": "x"}), 400) == \
        ["org_id"]
    assert fields(admin.post("/api/v1/markets", {"name": "X", "partd_generic_names": "Semaglutide"}), 400) == \
        ["partd_generic_names"]
    # Optimistic concurrency.
    problem(admin.patch(f"/api/v1/markets/{m['id']}", {"description": "x"}, headers={"If-Match": '"7"'}), 412)
    up = admin.patch(f"/api/v1/markets/{m['id']}", {"description": "TKA", "target_ccns": ["240010"]},
                     headers={"If-Match": r.headers["ETag"]})
    assert up.status_code == 200 and up.json()["version"] == 2 and up.json()["description"] == "TKA"
    assert up.json()["hcpcs_codes"] == ["27447"]  # untouched fields stay
    assert fields(admin.patch(f"/api/v1/markets/{m['id']}", {"hcpcs_codes": [], "partd_generic_names": [],
                                                             "partd_brand_names": []}), 400) == \
        ["partd_generic_names"]
    audit = admin.get(f"/api/v1/admin/audit?action=markets.market&target_id={m['id']}").json()["items"]
    assert {a["action"] for a in audit} >= {"markets.market.create", "markets.market.update"}
    upd = [a for a in audit if a["action"] == "markets.market.update"][0]
    assert upd["before"]["description"] is None and upd["after"]["description"] == "TKA"
    # Everyone in the organisation reads; nobody else does.
    assert env["rep"].get(f"/api/v1/markets/{m['id']}").status_code == 200
    problem(env["globex"].get(f"/api/v1/markets/{m['id']}"), 404)
    # Soft delete, then gone; the list walks every market exactly once.
    assert admin.delete(f"/api/v1/markets/{m['id']}").status_code == 204
    problem(admin.get(f"/api/v1/markets/{m['id']}"), 404)
    for i in range(3):
        admin.post("/api/v1/markets", {"name": f"Page {i} {uuid.uuid4().hex[:6]}", "hcpcs_codes": ["99213"]})
    items = admin.walk("/api/v1/markets", limit=2)
    ids = [x["id"] for x in items]
    assert len(ids) == len(set(ids)) >= 4 and m["id"] not in ids
    problem(admin.get("/api/v1/markets?cursor=garbage"), 400)
    assert not {x["id"] for x in env["globex"].walk("/api/v1/markets")} & set(ids)


def test_deciles_partition_nationally_and_per_state(env):
    admin, mid = env["admin"], env["market"]["id"]
    summary = admin.get(f"/api/v1/markets/{mid}/summary").json()
    assert summary["computed"] and summary["years"]
    for year in summary["years"]:
        counts = [d["physicians"] for d in year["deciles"]]
        assert len(counts) == 10 and sum(counts) == year["physicians"]
        assert max(counts) - min(counts) <= 1, counts
        bands = sorted(year["deciles"], key=lambda d: d["decile"])
        for lo, hi in zip(bands, bands[1:]):
            assert lo["max_volume"] <= hi["min_volume"]
    per_state = sql(env["owner"], f"""
        SELECT max(n) - min(n), count(*) FROM (
          SELECT data_year, state, decile_state, count(*) n FROM mkt.market_metric WHERE market_id = '{mid}'
           GROUP BY 1, 2, 3) x GROUP BY data_year, state HAVING sum(n) >= 10""")
    assert per_state
    for line in per_state.splitlines():
        spread, groups = map(int, line.split("|"))
        assert spread <= 1 and groups == 10


def test_metrics_equal_the_source_rows(env):
    admin, mid, owner = env["admin"], env["market"]["id"], env["owner"]
    year = int(sql(owner, "SELECT max(data_year) FROM ref.partd_drug"))
    top = admin.get(f"/api/v1/markets/{mid}/physicians?sort=-volume&limit=3&year={year}").json()["items"]
    assert top
    for item in top:
        m = item["metrics"]
        src = sql(owner, f"""
            SELECT sum(tot_clms), sum(tot_clms) FILTER (WHERE brand_name = 'Ozempic'),
                   coalesce(sum(tot_clms) FILTER (WHERE brand_name IN ('Trulicity', 'Mounjaro')), 0)
              FROM ref.partd_drug WHERE npi = {m['npi']} AND data_year = {year} AND removed_at IS NULL
               AND generic_name IN ('Semaglutide', 'Dulaglutide', 'Tirzepatide')""").split("|")
        assert m["volume"] == float(src[0])
        assert m["own_volume"] == float(src[1] or 0) and m["competitor_volume"] == float(src[2])
        prev = sql(owner, f"""SELECT sum(tot_clms) FROM ref.partd_drug WHERE npi = {m['npi']}
            AND data_year = {year - 1} AND generic_name IN ('Semaglutide', 'Dulaglutide', 'Tirzepatide')""")
        if prev:
            assert abs(m["growth"] - (float(src[0]) / float(prev) - 1)) < 1e-3
        pay = sql(owner, f"""SELECT coalesce(sum(amount_cents), 0) FROM ref.npi_open_payment_year
            WHERE npi = {m['npi']} AND program_year = {year} AND payment_kind = 'general'
              AND payer_name = 'Eli Lilly and Company'""")
        assert m["competitor_payments_cents"] == int(pay)
        assert 0 <= m["score"] <= 100 and m["decile_national"] == 10
    # Sorted, paginated, filtered.
    rows = admin.walk(f"/api/v1/markets/{mid}/physicians?sort=-volume&state=MN", limit=40)
    vols = [r["metrics"]["volume"] for r in rows]
    assert vols == sorted(vols, reverse=True) and len({r["metrics"]["npi"] for r in rows}) == len(rows)
    problem(admin.get(f"/api/v1/markets/{mid}/physicians?sort=name"), 400)
    problem(admin.get(f"/api/v1/markets/{mid}/physicians?min_decile=11"), 400)


def test_weights_change_scores_and_target_hospitals_mark_affiliation(env):
    admin, mid, owner = env["admin"], env["market"]["id"], env["owner"]
    ccn = sql(owner, "SELECT ccn FROM ref.affiliation a JOIN mkt.market_metric m ON m.npi = a.npi "
                     f"WHERE m.market_id = '{mid}' LIMIT 1")
    s = admin.get("/api/v1/markets/settings")
    assert s.status_code == 200 and s.json()["version"] == 0  # defaults
    assert fields(admin.patch("/api/v1/markets/settings", {"weights": {"charisma": 1}}), 400) == ["weights.charisma"]
    r = admin.patch("/api/v1/markets/settings", {"weights": {"decile": 0, "growth": 0, "competitor_share": 0,
                                                             "competitor_payments": 0, "affiliation": 1},
                                                 "target_ccns": [ccn]})
    assert r.status_code == 200, r.text
    run_worker(env["app"])
    scores = sql(owner, f"SELECT DISTINCT affiliated, score FROM mkt.market_metric WHERE market_id = '{mid}' "
                        "ORDER BY 1").splitlines()
    assert scores == ["f|0", "t|100"]
    admin.patch("/api/v1/markets/settings", {"weights": {"decile": 0.4, "growth": 0.15, "competitor_share": 0.2,
                                                         "competitor_payments": 0.1, "affiliation": 0.15},
                                             "target_ccns": []})
    run_worker(env["app"])


def test_targets_per_territory_sorted_paginated_csv_and_route_contract(env):
    admin, rep, mid, owner = env["admin"], env["rep"], env["market"]["id"], env["owner"]
    zips = sql(owner, "SELECT string_agg(zip5, ',') FROM (SELECT DISTINCT zip5 FROM ref.physician_address "
                      "WHERE zip5 IS NOT NULL ORDER BY 1 LIMIT 30) z").split(",")
    t = admin.post("/api/v1/territories", {"name": "Targets " + uuid.uuid4().hex[:6], "level": "nation",
                                           "zips": zips, "user_ids": [rep.user_id]})
    assert t.status_code == 201, t.text
    tid = t.json()["id"]
    run_worker(env["app"])  # territory deciles
    rows = rep.walk(f"/api/v1/markets/{mid}/targets?territory_id={tid}&sort=-score", limit=25)
    assert rows
    scores = [r["metrics"]["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r["zip5"] in zips for r in rows)
    expected = sql(owner, f"""SELECT count(DISTINCT a.npi) FROM ref.physician_address a
        JOIN mkt.market_metric m ON m.npi = a.npi AND m.market_id = '{mid}'
         AND m.data_year = (SELECT max(data_year) FROM mkt.market_metric WHERE market_id = '{mid}')
       WHERE a.removed_at IS NULL AND a.geog IS NOT NULL AND a.zip5 = ANY ('{{{",".join(zips)}}}')""")
    assert len(rows) == int(expected)
    deciles = [r["decile_territory"] for r in rows]
    counts = [deciles.count(d) for d in range(1, 11)]
    assert max(counts) - min(counts) <= 1 and sum(counts) == len(rows)
    # CSV export: every row, audited.
    c = rep.get(f"/api/v1/markets/{mid}/targets?territory_id={tid}&format=csv")
    assert c.status_code == 200 and c.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(c.text)))
    assert len(table) == len(rows) and table[0]["npi"] == rows[0]["npi"]
    audit = admin.get(f"/api/v1/admin/audit?action=markets.targets.export&target_id={tid}").json()["items"]
    assert audit and audit[0]["actor_id"] == rep.user_id and str(len(rows)) in audit[0]["detail"]
    # A territory the rep is not assigned to is invisible to the rep (404), even within the organisation.
    other = admin.post("/api/v1/territories", {"name": "Not yours " + uuid.uuid4().hex[:6], "level": "nation",
                                               "zips": ["99999"]}).json()["id"]
    problem(rep.get(f"/api/v1/markets/{mid}/targets?territory_id={other}"), 404)
    problem(rep.get(f"/api/v1/markets/{mid}/targets"), 400)
    # The route planner's contract: the rep's candidates, one per physician and market.
    got = sql(owner, f"""BEGIN; SELECT set_config('rounds.org_id', '{rep.org_id}', true);
        SELECT count(*), count(DISTINCT npi), max(score) FROM mkt.territory_targets('{rep.org_id}', '{rep.user_id}',
        '{mid}'); COMMIT;""").splitlines()
    n, distinct, top = [x for x in got if "|" in x][0].split("|")
    assert int(n) == int(distinct) == len(rows) and abs(float(top) - scores[0]) < 0.01


def test_real_excerpts_values(tmp_path_factory):
    """On the real Part D excerpt: volume, cost and beneficiaries equal the rows of the basket."""
    name, owner, app = make_db()
    try:
        ingest(owner, "partd", os.path.join(CMS, "partd_provider_drug_sample.csv"), "--year", "2024")
        s = server(app)
        try:
            admin = Client(s, "admin@acme.demo", ACME)
            r = admin.post("/api/v1/markets", {"name": "Pain", "partd_generic_names": [
                "Celecoxib", "Baclofen", "Cyclobenzaprine Hcl", "Acetaminophen With Codeine"]})
            assert r.status_code == 201
            run_worker(app)
            items = admin.walk(f"/api/v1/markets/{r.json()['id']}/physicians")
            assert items
            for it in items:
                m = it["metrics"]
                src = sql(owner, f"""SELECT sum(tot_clms), sum(tot_drug_cst_cents) FROM ref.partd_drug
                    WHERE npi = {m['npi']} AND generic_name IN ('Celecoxib', 'Baclofen', 'Cyclobenzaprine Hcl',
                    'Acetaminophen With Codeine')""").split("|")
                assert m["volume"] == float(src[0]) and m["cost_cents"] == int(src[1])
        finally:
            s.stop()
    finally:
        drop_database(name)
