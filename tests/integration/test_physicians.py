"""Physician intelligence API on real CMS excerpts and on a generated release: values equal the sources,
misspellings find the intended physician, nearby is sorted and bounded, bad input gets its 4xx."""
import csv
import json
import os
import re
import subprocess
import time
import uuid

import pytest
import requests

from conftest import BIN, OWNER_URL, APP_URL, Server, drop_database, psql, require_env

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CMS = os.path.join(REPO, "..", "shared", "data", "cms")


def make_db():
    require_env()
    name = "rounds_it_" + uuid.uuid4().hex[:10]
    psql(OWNER_URL, f"CREATE DATABASE {name} TEMPLATE rounds_template")
    owner = OWNER_URL.rsplit("/", 1)[0] + "/" + name
    app = (APP_URL or OWNER_URL).rsplit("/", 1)[0] + "/" + name
    subprocess.run([BIN, "migrate", "--database-url", owner, "--log-level", "warn"], check=True, capture_output=True)
    subprocess.run([BIN, "admin", "seed-demo", "--database-url", owner, "--log-level", "warn"], check=True,
                   capture_output=True)
    return name, owner, app


def start(app):
    """A server on `app`, signed in as the demo rep (physician data is for authenticated users only)."""
    # Generous rate limits: these tests issue hundreds of requests a second on purpose.
    s = Server(app, "--rate-limit-per-second", "100000", "--rate-limit-burst", "100000")
    s.login("rep@acme.demo", "Rounds-Demo-Acme-1")
    return s


def ingest(owner, dataset, path, *extra):
    r = subprocess.run([BIN, "ingest", dataset, path, "--database-url", owner, "--quiet", "--log-level", "warn",
                        "--storage-dir", "/tmp/rounds-it-storage", *extra], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture(scope="module")
def real():
    """A database with the real excerpts loaded, and a server on it."""
    name, owner, app = make_db()
    ingest(owner, "zcta", os.path.join(CMS, "zcta_gazetteer.txt"))
    ingest(owner, "nucc", os.path.join(CMS, "nucc_taxonomy.csv"))
    ingest(owner, "nppes", os.path.join(CMS, "nppes_npidata_2025_sample.csv"))
    ingest(owner, "nppes", os.path.join(CMS, "nppes_npidata_2021_orgs_sample.csv"), "--mode", "incremental")
    ingest(owner, "hospitals", os.path.join(CMS, "hospital_general_info_sample.csv"))
    ingest(owner, "partd", os.path.join(CMS, "partd_provider_drug_sample.csv"), "--year", "2024")
    ingest(owner, "open-payments", os.path.join(CMS, "open_payments_general_2024_sample.csv"))
    s = start(app)
    yield s
    s.stop()
    drop_database(name)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated release (same NPIs across every data set) loaded, and a server on it."""
    out = str(tmp_path_factory.mktemp("gen"))
    subprocess.run([BIN, "bench", "gen", "--physicians", "1000", "--seed", "11", "--out", out], check=True,
                   capture_output=True)
    name, owner, app = make_db()
    storage = str(tmp_path_factory.mktemp("storage"))  # the raw-file archive, thrown away with the temp dir
    r = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "load-release.py"), BIN, out, owner,
                        storage], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    s = start(app)
    yield s, out, owner
    s.stop()
    drop_database(name)


def rows(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        for row in reader:
            yield dict(zip(header, row))


def nppes_individuals():
    return [r for r in rows(os.path.join(CMS, "nppes_npidata_2025_sample.csv"))
            if r["Entity Type Code"] == "1" and r["Provider Last Name (Legal Name)"]]


def problem(resp, status, field=None):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert body["detail"].isprintable(), body["detail"]
    if field:
        assert any(e["field"] == field for e in body.get("errors", [])), body
    return body


def test_profile_values_equal_the_nppes_and_nucc_sources(real):
    nucc = {r["Code"]: r for r in rows(os.path.join(CMS, "nucc_taxonomy.csv"))}
    for src in nppes_individuals()[:10]:
        p = real.get(f"/api/v1/physicians/{src['NPI']}").json()
        assert p["npi"] == src["NPI"]
        assert p["entity_type"] == "individual"
        assert p["name"]["last"] == src["Provider Last Name (Legal Name)"]
        assert p["name"]["first"] == src["Provider First Name"]
        assert (p["credential"] or "") == src["Provider Credential Text"]
        code = src["Healthcare Provider Taxonomy Code_1"]
        # The same taxonomy may appear in several slots (one licence per state): match slot 1 by licence too.
        spec = [s for s in p["specialties"] if s["code"] == code
                and (s["license_number"] or "") == src["Provider License Number_1"]]
        assert spec, (code, src["Provider License Number_1"], p["specialties"])
        assert spec[0]["name"] == (nucc[code]["Display Name"] or nucc[code]["Classification"])
        primary = p["locations"][0]
        assert primary["line1"] == src["Provider First Line Business Practice Location Address"]
        assert primary["city"] == src["Provider Business Practice Location Address City Name"]
        assert primary["lat"] is not None and primary["geocode_quality"] == "zip_centroid"
        assert p["source"]["dataset"] == "nppes"
        # Sections with no data are present and empty.
        assert p["enrollment"]["records"] == [] and p["affiliations"]["items"] == []
        assert p["partb"]["years"] == [] and p["open_payments"]["largest"] == []


def test_physician_data_needs_a_signed_in_user(real):
    for path in ["/api/v1/physicians/search?q=smith", "/api/v1/physicians/1114920261", "/api/v1/specialties",
                 "/api/v1/physicians/nearby?lat=30&lng=-84", "/api/v1/facilities/nearby?lat=30&lng=-84"]:
        r = requests.get(real.url(path), timeout=10)
        assert r.status_code == 401, (path, r.status_code)


def test_profile_etag_and_304(real):
    npi = nppes_individuals()[0]["NPI"]
    r = real.get(f"/api/v1/physicians/{npi}")
    etag = r.headers["ETag"]
    r2 = real.get(f"/api/v1/physicians/{npi}", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    assert r2.headers["ETag"] == etag
    assert real.get(f"/api/v1/physicians/{npi}", headers={"If-None-Match": '"other"'}).status_code == 200


def typos(first, last):
    """Misspellings a rep would type: swapped letters, a dropped letter, reversed order, lower case."""
    f, l = first.lower(), last.lower()
    swapped = l[0] + l[2] + l[1] + l[3:] if len(l) > 3 else l
    dropped = l[:-2] + l[-1] if len(l) > 4 else l
    return [f"{f} {swapped}", f"{l} {f}", f"{f[:-1] if len(f) > 3 else f} {dropped}", f"{last} {first}".upper()]


def test_misspelled_searches_find_the_physician_in_the_top_five(real):
    misses = []
    for src in nppes_individuals()[:25]:
        for q in typos(src["Provider First Name"], src["Provider Last Name (Legal Name)"]):
            hits = real.get("/api/v1/physicians/search", params={"q": q, "limit": 5}).json()["items"]
            if src["NPI"] not in [h["npi"] for h in hits]:
                misses.append((q, src["NPI"]))
    assert not misses, misses


def test_prefix_search_for_type_ahead_and_organisations(real):
    src = nppes_individuals()[3]
    last = src["Provider Last Name (Legal Name)"]
    hits = real.get("/api/v1/physicians/search", params={"q": last[:4]}).json()["items"]
    assert src["NPI"] in [h["npi"] for h in hits]
    orgs = [r for r in rows(os.path.join(CMS, "nppes_npidata_2021_orgs_sample.csv"))
            if r["Provider Organization Name (Legal Business Name)"]]
    org = orgs[0]
    name = org["Provider Organization Name (Legal Business Name)"]
    hits = real.get("/api/v1/physicians/search", params={"q": name.lower(), "entity_type": "organization"}).json()
    assert org["NPI"] in [h["npi"] for h in hits["items"]]
    assert all(h["entity_type"] == "organization" for h in hits["items"])


def test_search_filters_and_pagination(real):
    ny = real.get("/api/v1/physicians/search", params={"q": "john", "state": "FL"}).json()["items"]
    assert all(h["state"] == "FL" for h in ny)
    seen = []
    cursor = None
    for _ in range(20):
        params = {"q": "ma", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = real.get("/api/v1/physicians/search", params=params).json()
        seen += [h["npi"] for h in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)), "pages overlap"
    everything = real.get("/api/v1/physicians/search", params={"q": "ma", "limit": 100}).json()["items"]
    assert seen == [h["npi"] for h in everything]


def test_nearby_is_sorted_within_radius_and_limited(real):
    r = real.get("/api/v1/physicians/nearby", params={"lat": 30.45, "lng": -84.25, "radius": "100mi", "limit": 5})
    assert r.headers["Content-Type"] == "application/geo+json"
    feats = r.json()["features"]
    assert 0 < len(feats) <= 5
    d = [f["properties"]["distance_m"] for f in feats]
    assert d == sorted(d) and max(d) <= 100 * 1609.344
    lng, lat = feats[0]["geometry"]["coordinates"]
    assert abs(lat - 30.45) < 2 and abs(lng + 84.25) < 2
    spec = real.get("/api/v1/physicians/nearby", params={"lat": 30.45, "lng": -84.25, "radius": "100mi",
                                                          "specialty": "Internal Medicine"}).json()["features"]
    for f in spec:
        p = real.get(f"/api/v1/physicians/{f['properties']['npi']}").json()
        assert any(s["classification"] == "Internal Medicine" for s in p["specialties"])


@pytest.mark.parametrize("path,params,status,field", [
    ("/api/v1/physicians/123", {}, 400, "npi"),
    ("/api/v1/physicians/1234567890", {}, 400, "npi"),
    ("/api/v1/physicians/1234567893", {}, 404, None),
    ("/api/v1/physicians/1234567893/prescriptions", {}, 404, None),
    ("/api/v1/physicians/nearby", {"lat": 91, "lng": 0}, 400, "lat"),
    ("/api/v1/physicians/nearby", {"lat": 10, "lng": 200}, 400, "lng"),
    ("/api/v1/physicians/nearby", {"lat": 10, "lng": 10, "radius": "500mi"}, 400, "radius"),
    ("/api/v1/physicians/nearby", {"lat": 10, "lng": 10, "limit": 501}, 400, "limit"),
    ("/api/v1/physicians/nearby", {"lat": 10, "lng": 10, "specialty": "Astrology"}, 400, "specialty"),
    ("/api/v1/physicians/search", {}, 400, "q"),
    ("/api/v1/physicians/search", {"q": ""}, 400, "q"),
    ("/api/v1/physicians/search", {"q": "smith", "state": "ZZ"}, 400, "state"),
    ("/api/v1/physicians/search", {"q": "smith", "cursor": "!!"}, 400, "cursor"),
    ("/api/v1/physicians/search", {"q": "smith", "cursor": "QUJD"}, 400, "cursor"),
    ("/api/v1/physicians/1003000126/prescriptions", {"sort": "secret"}, 400, "sort"),
    ("/api/v1/physicians/1003000126/prescriptions", {"year": "24"}, 400, "year"),
    ("/api/v1/facilities/12", {}, 400, "ccn"),
    ("/api/v1/facilities/999999", {}, 404, None),
])
def test_bad_input_gets_a_clear_4xx(real, path, params, status, field):
    body = problem(real.get(path, params=params), status, field)
    if field:
        assert field in body["detail"]


def test_prescriptions_equal_the_part_d_source_and_paginate(real):
    src = [r for r in rows(os.path.join(CMS, "partd_provider_drug_sample.csv")) if r["Prscrbr_NPI"] == "1003000126"]
    assert src
    got, cursor = [], None
    for _ in range(50):
        params = {"limit": 3, "sort": "-claims"}
        if cursor:
            params["cursor"] = cursor
        page = real.get("/api/v1/physicians/1003000126/prescriptions", params=params).json()
        got += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(got) == len(src)
    by_drug = {(r["Brnd_Name"], r["Gnrc_Name"]): r for r in src}
    for item in got:
        r = by_drug[(item["brand_name"], item["generic_name"])]
        assert item["claims"] == int(r["Tot_Clms"])
        assert item["cost_cents"] == round(float(r["Tot_Drug_Cst"]) * 100)
        assert item["beneficiaries"] == (int(r["Tot_Benes"]) if r["Tot_Benes"] else None)
    claims = [i["claims"] for i in got]
    assert claims == sorted(claims, reverse=True)


def test_payments_and_facilities_equal_their_sources(real):
    op = next(rows(os.path.join(CMS, "open_payments_general_2024_sample.csv")))
    page = real.get(f"/api/v1/physicians/{op['Covered_Recipient_NPI']}/payments")
    if page.status_code == 200:  # the payee may be absent from the NPPES excerpt
        rec = [i for i in page.json()["items"] if i["record_id"] == op["Record_ID"]]
        assert rec and rec[0]["amount_cents"] == round(float(op["Total_Amount_of_Payment_USDollars"]) * 100)
    hosp = next(rows(os.path.join(CMS, "hospital_general_info_sample.csv")))
    f = real.get(f"/api/v1/facilities/{hosp['Facility ID']}").json()
    assert f["name"] == hosp["Facility Name"] and f["city"] == hosp["City/Town"]
    rating = hosp["Hospital overall rating"]
    assert f["overall_rating"] == (int(rating) if rating.isdigit() else None)
    near = real.get("/api/v1/facilities/nearby", params={"lat": 31.22, "lng": -85.39, "radius": "20mi"}).json()
    assert hosp["Facility ID"] in [x["properties"]["ccn"] for x in near["features"]]


def test_specialties_list_counts(real):
    items = real.get("/api/v1/specialties").json()["items"]
    assert items and all(i["physicians"] >= 1 for i in items)
    counts = [i["physicians"] for i in items]
    assert counts == sorted(counts, reverse=True)


def test_a_physician_in_every_file_shows_every_section_equal_to_the_sources(generated):
    server, out, owner = generated
    npi = psql(owner, """SELECT p.npi FROM ref.physician p
        WHERE EXISTS (SELECT 1 FROM ref.enrollment e WHERE e.npi = p.npi)
          AND EXISTS (SELECT 1 FROM ref.affiliation a WHERE a.npi = p.npi)
          AND EXISTS (SELECT 1 FROM ref.npi_partb_year b WHERE b.npi = p.npi)
          AND EXISTS (SELECT 1 FROM ref.npi_partd_year d WHERE d.npi = p.npi)
          AND EXISTS (SELECT 1 FROM ref.open_payment o WHERE o.npi = p.npi)
        ORDER BY p.npi LIMIT 1""")
    assert npi, "the generated release has no physician present in every data set"
    p = server.get(f"/api/v1/physicians/{npi}").json()
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    files = {(f["dataset"], f.get("year")): os.path.join(out, f["path"]) for f in manifest["files"]}
    # Part D: yearly claims equal the sum of the source rows.
    for year in (2023, 2024):
        src = [r for r in rows(files[("partd", year)]) if r["Prscrbr_NPI"] == npi]
        got = [y for y in p["partd"]["years"] if y["year"] == year]
        if src:
            assert got and got[0]["claims"] == sum(int(r["Tot_Clms"]) for r in src if r["Tot_Clms"])
            assert got[0]["source"]["data_year"] == year
    # Open Payments: the largest payment is the largest source record.
    op = [r for y in (2023, 2024) if ("open-payments", y) in files for r in rows(files[("open-payments", y)])
          if r["Covered_Recipient_NPI"] == npi]
    top = max(op, key=lambda r: float(r["Total_Amount_of_Payment_USDollars"]))
    assert p["open_payments"]["largest"][0]["amount_cents"] == round(float(top["Total_Amount_of_Payment_USDollars"]) * 100)
    # Enrolment and affiliations from DAC / facility affiliation.
    dac = [r for r in rows(files[("dac", 0)]) if r["NPI"] == npi]
    assert p["enrollment"]["records"][0]["med_school"] == dac[0]["Med_sch"]
    aff = [r for r in rows(files[("facility-affiliation", 0)]) if r["NPI"] == npi]
    assert {a["ccn"] for a in p["affiliations"]["items"]} == {r["Facility Affiliations Certification Number"] for r in aff}
    assert p["partb"]["years"] and p["partb"]["top_procedures"]
    for section in ("partb", "partd"):
        assert all(y["source"]["dataset"] == section for y in p[section]["years"])


def test_numbers_keep_their_decimal_form(real):
    """Lists pass the database's JSON through: a score is 0.231, never 2.31E-1."""
    r = real.get("/api/v1/physicians/search", params={"q": "jon smiht", "limit": 5})
    assert r.status_code == 200
    assert re.search(r'"score"\s*:\s*[0-9.]+[eE]', r.text) is None, r.text[:300]
    assert all(0 <= h["score"] <= 1 for h in r.json()["items"])


def test_facility_physicians_paginate_without_gaps(generated):
    server, out, owner = generated
    ccn = psql(owner, """SELECT ccn FROM ref.affiliation WHERE removed_at IS NULL
                         GROUP BY ccn ORDER BY count(DISTINCT npi) DESC LIMIT 1""")
    expected = psql(owner, f"SELECT string_agg(DISTINCT npi::text, ',' ORDER BY npi::text) FROM ref.affiliation "
                           f"WHERE ccn = '{ccn}' AND removed_at IS NULL").split(",")
    assert len(expected) > 3
    got, cursor = [], None
    for _ in range(len(expected) + 2):
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = server.get(f"/api/v1/facilities/{ccn}", params=params).json()
        assert len(page["physicians"]) <= 2
        got += [p["npi"] for p in page["physicians"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert got == expected


def test_zip_lookup_gives_the_zcta_centroid(real):
    gaz = next(csv.DictReader(open(os.path.join(CMS, "zcta_gazetteer.txt")), delimiter="\t"))
    zip5 = gaz["GEOID"]
    z = real.get(f"/api/v1/zips/{zip5}").json()
    assert z["zip"] == zip5
    assert abs(z["lat"] - float(gaz["INTPTLAT"])) < 1e-5
    assert abs(z["lng"] - float(gaz[[k for k in gaz if k.strip() == "INTPTLONG"][0]])) < 1e-5
    assert z["source"]["dataset"] == "zcta"
    problem(real.get("/api/v1/zips/3230"), 400, "zip")
    problem(real.get("/api/v1/zips/ab123"), 400, "zip")
    problem(real.get("/api/v1/zips/00000"), 404, None)


def test_a_resolved_specialty_filter_follows_a_new_nucc_release(tmp_path):
    """Nearby and search keep each resolved specialty filter per data version: after a NUCC release that renames
    a classification, the old name is refused and the new one found, in the same running server."""
    name, owner, app = make_db()
    s = None
    try:
        ingest(owner, "nucc", os.path.join(CMS, "nucc_taxonomy.csv"))
        s = start(app)
        where = {"lat": 44.97, "lng": -93.26, "radius": "10mi"}
        old, new = "Internal Medicine", "Internal Medicine (Adult)"
        for _ in range(2):  # the second request is answered from the kept filter
            assert s.get("/api/v1/physicians/nearby", params={**where, "specialty": old}).status_code == 200
            assert s.get("/api/v1/physicians/search", params={"q": "smith", "specialty": old}).status_code == 200
        problem(s.get("/api/v1/physicians/nearby", params={**where, "specialty": new}), 400, "specialty")

        renamed = tmp_path / "nucc_renamed.csv"
        with open(os.path.join(CMS, "nucc_taxonomy.csv"), newline="", encoding="utf-8") as src, \
                open(renamed, "w", newline="", encoding="utf-8") as dst:
            reader = csv.DictReader(src)
            writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
            writer.writeheader()
            for row in reader:
                if row["Classification"] == old:
                    row["Classification"] = new
                writer.writerow(row)
        ingest(owner, "nucc", str(renamed))

        # The server hears of the new release by notification; give it a moment.
        for _ in range(50):
            if s.get("/api/v1/physicians/nearby", params={**where, "specialty": old}).status_code == 400:
                break
            time.sleep(0.1)
        problem(s.get("/api/v1/physicians/nearby", params={**where, "specialty": old}), 400, "specialty")
        problem(s.get("/api/v1/physicians/search", params={"q": "smith", "specialty": old}), 400, "specialty")
        assert s.get("/api/v1/physicians/nearby", params={**where, "specialty": new}).status_code == 200
    finally:
        if s is not None:
            s.stop()
        drop_database(name)
