"""Territories against the real binary on a generated Minneapolis-area release: bad geometry refused with a
report (or repaired on request), never stored broken; hierarchy and roles; membership equal to a direct PostGIS
query; deciles per territory; the balance report and an alignment suggestion that reduces the workload spread it
reports, accepted as a diff (audited)."""
import json
import uuid

import pytest

from targeting_helpers import (ACME, GLOBEX, Client, drop_database, fields, load_generated, make_db, problem,
                               run_worker, server, sql)


def square(lng, lat, d, closed=True):
    ring = [[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d]]
    if closed:
        ring.append([lng, lat])
    return {"type": "Polygon", "coordinates": [ring]}


def box(lng0, lat0, lng1, lat1):
    return {"type": "Polygon", "coordinates": [[[lng0, lat0], [lng1, lat0], [lng1, lat1], [lng0, lat1], [lng0, lat0]]]}


def name(prefix):
    return f"{prefix} {uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    db, owner, app = make_db()
    load_generated(str(tmp_path_factory.mktemp("gen")), owner)
    s = server(app)
    e = {"owner": owner, "app": app, "srv": s,
         "admin": Client(s, "admin@acme.demo", ACME), "manager": Client(s, "manager@acme.demo", ACME),
         "rep": Client(s, "rep@acme.demo", ACME), "globex": Client(s, "admin@globex.demo", GLOBEX)}
    m = e["admin"].post("/api/v1/markets", {"name": "GLP-1", "partd_generic_names": ["Semaglutide", "Dulaglutide",
                                                                                      "Tirzepatide"]})
    assert m.status_code == 201, m.text
    e["market"] = m.json()["id"]
    run_worker(app)
    yield e
    s.stop()
    drop_database(db)


def create(client, body, repair=False):
    return client.post("/api/v1/territories" + ("?repair=true" if repair else ""), body)


def codes(resp):
    return [e["message"].split(":")[0] for e in problem(resp, 422)["errors"]]


def count_territories(env):
    return int(sql(env["owner"], "SELECT count(*) FROM crm.territory WHERE deleted_at IS NULL"))


def test_bad_geometry_is_refused_with_a_report_or_repaired(env):
    admin = env["admin"]
    root = create(admin, {"name": name("Geo nation"), "level": "nation"}).json()["id"]
    child = lambda geom: {"name": name("Geo"), "level": "region", "parent_id": root, "geometry": geom}
    before = count_territories(env)
    # Unclosed ring.
    assert codes(create(admin, child(square(-93.60, 44.70, 0.02, closed=False)))) == ["unclosed_ring"]
    r = create(admin, child(square(-93.60, 44.70, 0.02, closed=False)), repair=True)
    assert r.status_code == 201, r.text
    assert r.json()["repair_report"]["repaired"] and "closed" in r.json()["repair_report"]["changes"][0]
    # Self-intersection (a bow tie).
    bowtie = {"type": "Polygon", "coordinates": [[[-93.50, 44.70], [-93.45, 44.75], [-93.45, 44.70], [-93.50, 44.75],
                                                  [-93.50, 44.70]]]}
    bad = create(admin, child(bowtie))
    assert "Self-intersection" in problem(bad, 422)["detail"]
    r = create(admin, child(bowtie), repair=True)
    assert r.status_code == 201, r.text
    report = r.json()["repair_report"]
    assert "Self-intersection" in report["invalid_reason"] and "ST_MakeValid" in report["changes"][-1]
    assert r.json()["geometry"]["type"] == "MultiPolygon" and len(r.json()["geometry"]["coordinates"]) == 2
    # Latitude and longitude swapped.
    swapped = {"type": "Polygon", "coordinates": [[[44.70, -93.40], [44.70, -93.38], [44.72, -93.38], [44.70, -93.40]]]}
    assert codes(create(admin, child(swapped))) == ["swapped_coordinates"]
    r = create(admin, child(swapped), repair=True)
    assert r.status_code == 201, r.text
    assert r.json()["geometry"]["coordinates"][0][0][0][0] < -90  # longitude first now
    # Outside the United States, out of range, malformed: refused even with repair.
    assert codes(create(admin, child(square(2.30, 48.80, 0.1)), repair=True)) == ["outside_us"]
    assert codes(create(admin, child(square(-193.0, 44.0, 0.1)))) == ["out_of_range"]
    assert fields(create(admin, child({"type": "Point", "coordinates": [-93, 45]})), 400) == ["geometry"]
    # Overlap with a sibling, by area or by ZIP.
    a = create(admin, child(square(-93.30, 44.70, 0.05)))
    assert a.status_code == 201, a.text
    over = create(admin, child(square(-93.28, 44.72, 0.05)))
    assert a.json()["name"] in problem(over, 422)["detail"]
    assert "km²" in over.json()["errors"][0]["message"]
    touching = create(admin, child(square(-93.25, 44.70, 0.05)))  # shares an edge only: fine
    assert touching.status_code == 201, touching.text
    z = create(admin, {"name": name("Z"), "level": "region", "parent_id": root, "zips": ["55401", "55402"]})
    assert z.status_code == 201
    assert fields(create(admin, {"name": name("Z2"), "level": "region", "parent_id": root, "zips": ["55402"]}),
                  422) == ["zips"]
    # Nothing refused was stored, and nothing stored is invalid.
    assert count_territories(env) == before + 6
    assert sql(env["owner"], "SELECT count(*) FROM crm.territory WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)") == "0"


def test_hierarchy_versions_and_roles(env):
    admin, rep, manager = env["admin"], env["rep"], env["manager"]
    assert fields(create(admin, {"name": name("R"), "level": "region"}), 400) == ["parent_id"]
    assert fields(create(admin, {"name": name("N"), "level": "galaxy"}), 400) == ["level"]
    nation = create(admin, {"name": name("Nation"), "level": "nation"}).json()
    region = create(admin, {"name": name("Region"), "level": "region", "parent_id": nation["id"]}).json()
    district = create(admin, {"name": name("District"), "level": "district", "parent_id": region["id"],
                              "zips": ["55403"], "user_ids": [rep.user_id]})
    assert district.status_code == 201, district.text
    district = district.json()
    assert district["user_ids"] == [rep.user_id] and district["physicians"] > 0
    terr = create(admin, {"name": name("Terr"), "level": "territory", "parent_id": district["id"], "zips": ["55404"]})
    assert terr.status_code == 201
    assert fields(create(admin, {"name": name("Bad"), "level": "region", "parent_id": terr.json()["id"],
                                 "zips": ["55405"]}), 422) == ["parent_id"]
    # A region without an area of its own holds its descendants' physicians (refreshed by the recompute job).
    run_worker(env["app"])
    got = admin.get(f"/api/v1/territories/{region['id']}").json()
    assert got["physicians"] >= district["physicians"]
    # Reps read their assigned territory and what is below it, nothing else; managers read their team's.
    rep_ids = {t["id"] for t in rep.walk("/api/v1/territories")}
    assert district["id"] in rep_ids and terr.json()["id"] in rep_ids and region["id"] not in rep_ids
    problem(rep.get(f"/api/v1/territories/{region['id']}"), 404)
    assert manager.get(f"/api/v1/territories/{district['id']}").status_code == 200
    problem(env["globex"].get(f"/api/v1/territories/{district['id']}"), 404)
    problem(rep.patch(f"/api/v1/territories/{district['id']}", {"name": "Mine"}), 403)
    # Versions, audit, delete rules.
    problem(admin.patch(f"/api/v1/territories/{district['id']}", {"name": "X"}, headers={"If-Match": '"99"'}), 412)
    up = admin.patch(f"/api/v1/territories/{district['id']}", {"name": "District renamed"},
                     headers={"If-Match": f'"{district["version"]}"'})
    assert up.status_code == 200 and up.json()["version"] == district["version"] + 1
    problem(admin.delete(f"/api/v1/territories/{district['id']}"), 409)  # has a child
    assert admin.delete(f"/api/v1/territories/{terr.json()['id']}").status_code == 204
    problem(admin.get(f"/api/v1/territories/{terr.json()['id']}"), 404)
    audit = admin.get(f"/api/v1/admin/audit?action=territories.territory&target_id={district['id']}").json()["items"]
    assert {a["action"] for a in audit} == {"territories.territory.create", "territories.territory.update"}


def test_membership_equals_a_direct_postgis_query(env):
    admin, owner = env["admin"], env["owner"]
    nation = create(admin, {"name": name("Split"), "level": "nation"}).json()["id"]
    west_geom = box(-93.70, 44.60, -93.27, 45.40)
    west = create(admin, {"name": name("West"), "level": "region", "parent_id": nation, "geometry": west_geom})
    assert west.status_code == 201, west.text
    zips = ["55401", "55405", "55406"]
    east = create(admin, {"name": name("East"), "level": "region", "parent_id": nation, "zips": zips}).json()
    for tid, where in ((west.json()["id"], "ST_Covers(ST_GeomFromGeoJSON('%s')::geography, geog)" % json.dumps(west_geom)),
                       (east["id"], "zip5 = ANY ('{%s}')" % ",".join(zips))):
        api = [p["npi"] for p in admin.walk(f"/api/v1/territories/{tid}/physicians", limit=100)]
        assert api == sorted(api, key=int) and len(api) == len(set(api))
        direct = sql(owner, f"SELECT DISTINCT npi FROM ref.physician_address WHERE removed_at IS NULL "
                            f"AND geog IS NOT NULL AND {where} ORDER BY npi").split()
        assert api == direct and len(api) > 10
    # The parent without an area of its own is the union of its children (after the recompute job).
    run_worker(env["app"])
    n_parent = admin.get(f"/api/v1/territories/{nation}").json()["physicians"]
    n_union = sql(owner, f"""SELECT count(DISTINCT npi) FROM ref.physician_address WHERE removed_at IS NULL
        AND geog IS NOT NULL AND (ST_Covers(ST_GeomFromGeoJSON('{json.dumps(west_geom)}')::geography, geog)
        OR zip5 = ANY ('{{{",".join(zips)}}}'))""")
    assert n_parent == int(n_union)


def test_deciles_balance_and_alignment(env):
    admin, rep, owner, market = env["admin"], env["rep"], env["owner"], env["market"]
    zips = sql(owner, """SELECT z.zip5 FROM ref.zcta z WHERE z.zip5 IN (SELECT zip5 FROM ref.physician_address)
                         ORDER BY z.lng, z.zip5""").split()
    assert len(zips) > 20
    cut = len(zips) * 3 // 4  # West gets three quarters of the ZIPs: lopsided on purpose
    parent = create(admin, {"name": name("Align"), "level": "nation"}).json()["id"]
    west = create(admin, {"name": "West", "level": "region", "parent_id": parent, "zips": zips[:cut],
                          "user_ids": [rep.user_id]}).json()
    east = create(admin, {"name": "East", "level": "region", "parent_id": parent, "zips": zips[cut:]}).json()
    run_worker(env["app"])  # territory deciles
    d = rep.get(f"/api/v1/territories/{west['id']}/deciles?market_id={market}").json()
    assert sum(x["physicians"] for x in d["national"]) == d["with_volume"] > 0
    counts = [x["physicians"] for x in d["territory"]]
    assert sum(counts) == d["with_volume"] and max(counts) - min(counts) <= 1
    problem(admin.get(f"/api/v1/territories/{west['id']}/deciles"), 400)
    problem(admin.get(f"/api/v1/territories/{west['id']}/deciles?market_id={uuid.uuid4()}"), 404)

    bal = admin.get(f"/api/v1/territories/{parent}/balance?market_id={market}").json()
    loads = {t["name"]: t for t in bal["territories"]}
    assert set(loads) == {"West", "East"}
    assert loads["West"]["workload_hours"] > loads["East"]["workload_hours"] > 0
    assert bal["workload_spread_hours"] == pytest.approx(
        loads["West"]["workload_hours"] - loads["East"]["workload_hours"], abs=0.02)
    for t in loads.values():
        assert t["workload_hours"] == pytest.approx(t["visit_hours"] + t["travel_hours"], abs=0.02)
        assert t["visit_hours"] == pytest.approx(t["visits_per_year"] * 30 / 60, abs=0.02)

    sug = admin.get(f"/api/v1/territories/{parent}/alignment?market_id={market}&max_moves=10").json()
    assert sug["moves"], sug
    assert sug["workload_spread_after_hours"] < sug["workload_spread_before_hours"]
    assert sug["workload_spread_before_hours"] == pytest.approx(bal["workload_spread_hours"], abs=0.02)
    for m in sug["moves"]:
        assert {m["from_territory_id"], m["to_territory_id"]} == {west["id"], east["id"]}
        assert m["zip"] in (zips[:cut] if m["from_territory_id"] == west["id"] else zips[cut:])
    problem(rep.post(f"/api/v1/territories/{parent}/alignment", {"moves": sug["moves"]}), 403)
    acc = admin.post(f"/api/v1/territories/{parent}/alignment", {"moves": sug["moves"]})
    assert acc.status_code == 200, acc.text
    assert acc.json()["applied"] == len(sug["moves"])
    after = admin.get(f"/api/v1/territories/{parent}/balance?market_id={market}").json()
    assert after["workload_spread_hours"] < bal["workload_spread_hours"]
    # The moved ZIPs now belong to their new territory, and the diff cannot be applied twice.
    moved = sug["moves"][0]
    dest = admin.get(f"/api/v1/territories/{moved['to_territory_id']}").json()
    assert moved["zip"] in dest["zips"]
    problem(admin.post(f"/api/v1/territories/{parent}/alignment", {"moves": sug["moves"]}), 409)
    audit = admin.get(f"/api/v1/admin/audit?action=territories.alignment.accept&target_id={parent}").json()["items"]
    assert len(audit) == 1 and moved["zip"] in json.dumps(audit[0]["after"])
    assert fields(admin.post(f"/api/v1/territories/{parent}/alignment",
                             {"moves": [{"zip": "5540", "from_territory_id": west["id"],
                                         "to_territory_id": east["id"]}]}), 400) == ["moves[0].zip"]


def test_large_territories_are_left_to_the_recompute_job(env):
    """Past --territory-sync-members practice locations a write does not rebuild the members itself (too slow for
    a request at national scale): it says so, and the recompute job fills them in, equal to PostGIS."""
    from conftest import Server
    small = Server(env["app"], "--territory-sync-members", "10", "--rate-limit-per-second", "100000",
                   "--rate-limit-burst", "100000")
    try:
        admin = Client(small, "admin@acme.demo", ACME)
        zips = ["55406", "55407"]
        r = admin.post("/api/v1/territories", {"name": name("Big"), "level": "nation", "zips": zips})
        assert r.status_code == 201, r.text
        t = r.json()
        assert t["members_deferred"] is True and t["physicians"] == 0 and t["recompute_pending"] is True
        run_worker(env["app"])
        after = admin.get(f"/api/v1/territories/{t['id']}").json()
        assert after["recompute_pending"] is False and "members_deferred" not in after
        direct = sql(env["owner"], "SELECT count(DISTINCT npi) FROM ref.physician_address WHERE removed_at IS NULL "
                                   f"AND geog IS NOT NULL AND zip5 = ANY ('{{{','.join(zips)}}}')")
        assert after["physicians"] == int(direct) > 10
    finally:
        small.stop()
