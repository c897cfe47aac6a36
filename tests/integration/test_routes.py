"""Route planning against the real binary: POST /api/v1/routes/optimize (windows, unplaced stops with reasons,
NPI resolution from the reference tables, bad input), the OSRM table path against a local fake OSRM server
(and the fallback when it fails), saved route plans (save, idempotent client_id, list with cursor, get, .ics,
soft delete) and their visibility (owner, manager's team, admin; another organisation gets 404)."""
import json
import math
import re
import subprocess
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from auth_helpers import bearer, create_org, create_user, token_for
from conftest import OWNER_URL, Server, psql

PW = "correct horse battery staple"
FAST = ["--auth-cookie-secure", "false", "--argon2-memory-kib", "4096", "--argon2-time-cost", "1",
        "--rate-limit-per-second", "100000", "--rate-limit-burst", "100000"]
DAY = {"start": {"lat": 40.0, "lng": -75.0}, "start_time": "2026-11-24T08:00:00Z", "day_end": "2026-11-24T18:00:00Z"}


def npi_with_check_digit(stem):
    """A valid NPI for a nine-digit stem (Luhn over 80840 + stem)."""
    digits = "80840" + stem
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return stem + str((10 - total % 10) % 10)


KNOWN_NPI = npi_with_check_digit("198765432")      # in the registry, geocoded
NOWHERE_NPI = npi_with_check_digit("198765433")    # in the registry, no geocoded address
UNKNOWN_NPI = npi_with_check_digit("198765434")    # valid check digit, not in the registry


def great_circle_m(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


class FakeOsrm:
    """A local HTTP server speaking OSRM's table protocol: durations = 100 s per 0.01 degree (Manhattan),
    distances = 1000 m per 0.01 degree. mode 'ok', 'error' (HTTP 500) or 'bad' (malformed body)."""

    def __init__(self):
        self.requests = []
        self.mode = "ok"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.requests.append(self.path)
                m = re.match(r"^/table/v1/driving/([^?]+)\?(.*)$", self.path)
                if fake.mode == "error" or not m:
                    self.send_response(500)
                    self.end_headers()
                    return
                if fake.mode == "bad":
                    body = b'{"code":"Ok","durations":[[0]]}'
                else:
                    pts = [tuple(float(v) for v in c.split(",")) for c in m.group(1).split(";")]  # lon,lat
                    dur = [[round((abs(a[0] - b[0]) + abs(a[1] - b[1])) * 10000, 1) for b in pts] for a in pts]
                    dist = [[round((abs(a[0] - b[0]) + abs(a[1] - b[1])) * 100000, 1) for b in pts] for a in pts]
                    body = json.dumps({"code": "Ok", "durations": dur, "distances": dist}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self):
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def osrm():
    f = FakeOsrm()
    yield f
    f.stop()


@pytest.fixture(scope="module")
def srv(app_url):
    s = Server(app_url, *FAST)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def osrm_srv(app_url, osrm):
    s = Server(app_url, *FAST, "--osrm-url", osrm.url, "--osrm-timeout-ms", "2000")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def people(srv):
    """Org A: admin, manager, rep (reporting to the manager), other rep; org B: a rep."""
    slug_a, org_a = create_org("Routes A")
    slug_b, _ = create_org("Routes B")
    p = {"admin": create_user(slug_a, "admin", PW), "manager": create_user(slug_a, "manager", PW),
         "rep": create_user(slug_a, "rep", PW), "other": create_user(slug_a, "rep", PW, prefix="other"),
         "foreign": create_user(slug_b, "rep", PW, prefix="foreign")}
    for u in p.values():
        u["token"] = token_for(srv, u)
    r = requests.patch(srv.url(f"/api/v1/admin/users/{p['rep']['id']}"), headers=bearer(p["admin"]["token"]),
                       json={"manager_id": p["manager"]["id"]}, timeout=10)
    assert r.status_code == 200, r.text
    return p


@pytest.fixture(scope="module")
def registry():
    """Two physicians in the reference tables: one with a geocoded primary practice address (and a secondary
    one elsewhere, which must not be used), one without any geocoded address."""
    psql(OWNER_URL, f"""
        DELETE FROM ref.physician_address WHERE npi IN ({KNOWN_NPI}, {NOWHERE_NPI});
        DELETE FROM ref.physician WHERE npi IN ({KNOWN_NPI}, {NOWHERE_NPI});
        INSERT INTO ref.physician (npi, entity_type, first_name, last_name, credential, release_id, first_release_id)
        VALUES ({KNOWN_NPI}, 1, 'Ada', 'Route', 'MD', 1, 1), ({NOWHERE_NPI}, 1, 'Nobody', 'Nowhere', 'DO', 1, 1);
        INSERT INTO ref.physician_address (npi, source, source_key, line1, city, state, zip5, address_hash, geog,
                                           geocode_quality, release_id)
        VALUES ({KNOWN_NPI}, 'nppes_secondary', 's1', '9 Far Rd', 'Elsewhere', 'PA', '19000', 'h2',
                ST_SetSRID(ST_MakePoint(-76.5, 41.5), 4326)::geography, 'address', 1),
               ({KNOWN_NPI}, 'nppes', 'p', '1 Main St', 'Town', 'PA', '19001', 'h1',
                ST_SetSRID(ST_MakePoint(-75.02, 40.015), 4326)::geography, 'address', 1),
               ({NOWHERE_NPI}, 'nppes', 'p', '2 Lost Ln', 'Town', 'PA', '19001', 'h3', NULL, 'unmatched', 1);
    """)
    return True


def psql_checked(url, sql):
    """psql that shows PostgreSQL's message when the command fails."""
    try:
        return psql(url, sql)
    except subprocess.CalledProcessError as e:
        raise AssertionError(e.stderr) from e


def optimize(server, token, body):
    return requests.post(server.url("/api/v1/routes/optimize"), headers=bearer(token), json=body, timeout=30)


def assert_problem_field(resp, field):
    assert resp.status_code == 400, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    fields = [e["field"] for e in resp.json().get("errors", [])]
    assert field in fields, (field, resp.json())


def test_optimize_orders_stops_inside_their_windows(srv, people):
    stops = [
        {"lat": 40.02, "lng": -75.00, "duration_minutes": 30, "ref": "a"},
        {"lat": 40.00, "lng": -75.03, "duration_minutes": 15, "ref": "b",
         "windows": [{"start": "2026-11-24T13:00:00Z", "end": "2026-11-24T14:00:00Z"}]},
        {"lat": 40.03, "lng": -75.02, "duration_minutes": 20, "ref": "c",
         "windows": [{"start": "2026-11-24T08:30:00Z", "end": "2026-11-24T09:00:00Z"},
                     {"start": "2026-11-24T15:00:00Z", "end": "2026-11-24T16:00:00Z"}]},
        {"lat": 39.98, "lng": -74.99, "duration_minutes": 45, "ref": "d",
         "windows": [{"start": "2026-11-24T10:00:00+01:00", "end": "2026-11-24T11:30:00+01:00"}]},  # 09:00-10:30Z
        {"lat": 40.01, "lng": -74.97, "ref": "e"},
    ]
    r = optimize(srv, people["rep"]["token"], dict(DAY, end=DAY["start"], stops=stops))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["served"] == 5 and body["unplaced"] == []
    assert body["travel_source"] == "great_circle" and body["travel_warning"] is None
    assert sorted(v["ref"] for v in body["stops"]) == ["a", "b", "c", "d", "e"]
    windows = {"b": [("13:00", "14:00")], "c": [("08:30", "09:00"), ("15:00", "16:00")], "d": [("09:00", "10:30")]}
    previous = body["route_start"]
    for v in body["stops"]:
        assert previous <= v["arrival"] <= v["service_start"] <= v["departure"], v
        previous = v["departure"]
        hhmm = v["service_start"][11:16]
        if v["ref"] in windows:
            assert any(a <= hhmm <= b for a, b in windows[v["ref"]]), (v["ref"], hhmm)
        assert v["lateness_seconds"] == 0
        assert v["links"]["google_maps"].startswith("https://www.google.com/maps/dir/?api=1&destination=")
        assert v["links"]["geo"].startswith(f"geo:{v['lat']:.6f},{v['lng']:.6f}")
    assert body["route_end"] <= "2026-11-24T18:00:00Z"
    # Total = the legs + the way home, at the default 1.3 road factor and 40 km/h.
    last = body["stops"][-1]
    home = great_circle_m(last["lat"], last["lng"], 40.0, -75.0) * 1.3 / (40 / 3.6)
    assert abs(body["total_travel_seconds"] - sum(v["travel_seconds"] for v in body["stops"]) - home) <= 5
    assert body["total_distance_meters"] > 0


def test_unplaced_stops_are_reported_with_a_reason(srv, people, registry):
    stops = [
        {"lat": 40.01, "lng": -75.01, "ref": "fits"},
        {"lat": 40.02, "lng": -75.02, "ref": "too-early",
         "windows": [{"start": "2026-11-24T07:00:00Z", "end": "2026-11-24T07:30:00Z"}]},
        {"lat": 44.0, "lng": -75.0, "ref": "too-far"},  # ~570 km by road at 40 km/h
        {"npi": UNKNOWN_NPI, "ref": "unknown"},
        {"npi": NOWHERE_NPI, "ref": "nowhere"},
        {"npi": KNOWN_NPI, "ref": "known", "duration_minutes": 10},
    ]
    r = optimize(srv, people["rep"]["token"], dict(DAY, stops=stops))
    assert r.status_code == 200, r.text
    body = r.json()
    reasons = {u["ref"]: u["reason"] for u in body["unplaced"]}
    assert reasons == {"too-early": "window_unreachable", "too-far": "ends_after_day_end",
                       "unknown": "unknown_npi", "nowhere": "no_location"}
    assert all(u["message"] for u in body["unplaced"])
    assert [u["stop_index"] for u in body["unplaced"]] == [1, 2, 3, 4]
    served = {v["ref"]: v for v in body["stops"]}
    assert set(served) == {"fits", "known"}
    # The NPI resolved to the primary (NPPES) practice address, not the secondary one.
    assert served["known"]["lat"] == pytest.approx(40.015) and served["known"]["lng"] == pytest.approx(-75.02)
    assert served["known"]["npi"] == KNOWN_NPI and "Route" in served["known"]["label"]


def test_over_full_day_keeps_windows(srv, people):
    # 100 stops of 30 minutes cannot fit in 10 hours: the answer fills the day without lateness.
    stops = [{"lat": 40 + (i % 10) * 0.01, "lng": -75 + (i // 10) * 0.01, "duration_minutes": 30, "ref": str(i),
              "windows": [{"start": "2026-11-24T09:00:00Z", "end": "2026-11-24T12:00:00Z"},
                          {"start": "2026-11-24T13:00:00Z", "end": "2026-11-24T17:00:00Z"}] if i % 3 == 0 else []}
             for i in range(100)]
    r = optimize(srv, people["rep"]["token"], dict(DAY, end=DAY["start"], stops=stops))
    assert r.status_code == 200, r.text
    body = r.json()
    assert 12 <= body["served"] < 100
    assert body["served"] + len(body["unplaced"]) == 100
    assert {u["reason"] for u in body["unplaced"]} <= {"conflicts_with_route", "ends_after_day_end"}
    for v in body["stops"]:
        if int(v["ref"]) % 3 == 0:
            hhmm = v["service_start"][11:16]
            assert "09:00" <= hhmm <= "12:00" or "13:00" <= hhmm <= "17:00", v
    assert body["solver"]["milliseconds"] < 5000


@pytest.mark.parametrize("mutate,field", [
    (lambda b: b.update(stops=[{"lat": 40.0, "lng": -75.0}] * 101), "stops"),
    (lambda b: b.update(stops=[]), "stops"),
    (lambda b: b["stops"][0].update(windows=[{"start": "2026-11-24T12:00:00Z", "end": "2026-11-24T11:00:00Z"}]),
     "stops[0].windows[0].end"),
    (lambda b: b["stops"][0].update(lat=95), "stops[0].lat"),
    (lambda b: b["stops"][0].update(lng="east"), "stops[0].lng"),
    (lambda b: b.update(stops=[{"npi": "1234567890"}]), "stops[0].npi"),
    (lambda b: b.update(start={"lat": 1}), "start.lng"),
    (lambda b: b.update(day_end="2026-11-24T07:00:00Z"), "day_end"),
    (lambda b: b.update(start_time="tomorrow"), "start_time"),
    (lambda b: b["stops"][0].update(duration_minutes=1000), "stops[0].duration_minutes"),
    (lambda b: b.update(owner="x"), "owner"),
])
def test_bad_input_is_a_400_naming_the_field(srv, people, mutate, field):
    body = dict(DAY, stops=[{"lat": 40.01, "lng": -75.01}])
    body["stops"] = [dict(s) for s in body["stops"]]
    mutate(body)
    assert_problem_field(optimize(srv, people["rep"]["token"], body), field)


def test_optimize_requires_sign_in(srv):
    r = requests.post(srv.url("/api/v1/routes/optimize"), json=dict(DAY, stops=[{"lat": 40, "lng": -75}]),
                      timeout=10)
    assert r.status_code == 401


def test_osrm_table_is_used_when_configured(osrm_srv, osrm, people):
    osrm.mode = "ok"
    osrm.requests.clear()
    token = token_for(osrm_srv, people["rep"])
    stops = [{"lat": 40.02, "lng": -75.0, "ref": "a"}, {"lat": 40.0, "lng": -75.05, "ref": "b"}]
    r = optimize(osrm_srv, token, dict(DAY, stops=stops))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["travel_source"] == "osrm" and body["travel_warning"] is None
    assert len(osrm.requests) == 1
    path = osrm.requests[0]
    assert path.startswith("/table/v1/driving/-75.000000,40.000000;") and "annotations=duration,distance" in path
    # The fake's durations: 100 s and 1000 m per 0.01 degree (Manhattan).
    legs = {v["ref"]: v for v in body["stops"]}
    first = body["stops"][0]
    assert first["travel_seconds"] == {"a": 200, "b": 500}[first["ref"]]
    assert first["distance_meters"] == {"a": 2000, "b": 5000}[first["ref"]]
    assert body["total_travel_seconds"] == 200 + 700 and body["total_distance_meters"] == 2000 + 7000
    assert set(legs) == {"a", "b"}


@pytest.mark.parametrize("mode", ["error", "bad"])
def test_osrm_failure_falls_back_to_great_circle(osrm_srv, osrm, people, mode):
    osrm.mode = mode
    try:
        token = token_for(osrm_srv, people["rep"])
        r = optimize(osrm_srv, token, dict(DAY, stops=[{"lat": 40.02, "lng": -75.0}]))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["travel_source"] == "great_circle"
        assert "OSRM" in body["travel_warning"]
        assert body["served"] == 1
    finally:
        osrm.mode = "ok"


def save_plan(server, token, **extra):
    r = optimize(server, token, dict(DAY, stops=[{"lat": 40.02, "lng": -75.0, "ref": "a", "duration_minutes": 30},
                                                 {"lat": 40.0, "lng": -75.04, "ref": "b, c; d"}]))
    assert r.status_code == 200, r.text
    result = r.json()
    body = dict(DAY, date="2026-11-24", name="Tuesday", stops=result["stops"],
                total_travel_seconds=result["total_travel_seconds"],
                total_distance_meters=result["total_distance_meters"], **extra)
    return requests.post(server.url("/api/v1/routes"), headers=bearer(token), json=body, timeout=10), result


def test_save_list_get_calendar_delete(srv, people):
    token = people["other"]["token"]
    client_id = "cid-" + uuid.uuid4().hex
    r, result = save_plan(srv, token, client_id=client_id)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert r.headers["Location"] == f"/api/v1/routes/{plan['id']}"
    assert plan["owner_id"] == people["other"]["id"] and plan["date"] == "2026-11-24" and plan["version"] == 1
    assert [s["ref"] for s in plan["stops"]] == [s["ref"] for s in result["stops"]]
    assert plan["stops"][0]["service_start"] == result["stops"][0]["service_start"]
    assert plan["stops"][0]["links"]["apple_maps"].startswith("https://maps.apple.com/?daddr=")
    # Same client_id: the same plan, 200.
    again, _ = save_plan(srv, token, client_id=client_id)
    assert again.status_code == 200 and again.json()["id"] == plan["id"]
    # Keyset pagination, newest first.
    second, _ = save_plan(srv, token)
    assert second.status_code == 201
    page1 = requests.get(srv.url("/api/v1/routes?limit=1"), headers=bearer(token), timeout=10).json()
    assert [p["id"] for p in page1["items"]] == [second.json()["id"]] and page1["next_cursor"]
    page2 = requests.get(srv.url(f"/api/v1/routes?limit=1&cursor={page1['next_cursor']}"), headers=bearer(token),
                         timeout=10).json()
    assert [p["id"] for p in page2["items"]] == [plan["id"]]
    bad = requests.get(srv.url("/api/v1/routes?cursor=zz"), headers=bearer(token), timeout=10)
    assert_problem_field(bad, "cursor")
    got = requests.get(srv.url(f"/api/v1/routes/{plan['id']}"), headers=bearer(token), timeout=10)
    assert got.status_code == 200 and got.json()["stop_count"] == 2
    ics = requests.get(srv.url(f"/api/v1/routes/{plan['id']}.ics"), headers=bearer(token), timeout=10)
    assert ics.status_code == 200, ics.text
    assert ics.headers["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert f"UID:{plan['stops'][0]['id']}@rounds" in text
    assert "SUMMARY:b\\, c\\; d" in text  # TEXT escaping of the label
    start = plan["stops"][0]["service_start"].replace("-", "").replace(":", "")
    assert f"DTSTART:{start}" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")
    gone = requests.delete(srv.url(f"/api/v1/routes/{plan['id']}"), headers=bearer(token), timeout=10)
    assert gone.status_code == 204
    assert requests.get(srv.url(f"/api/v1/routes/{plan['id']}"), headers=bearer(token), timeout=10).status_code == 404
    assert plan["id"] not in [p["id"] for p in requests.get(srv.url("/api/v1/routes"), headers=bearer(token),
                                                            timeout=10).json()["items"]]
    # Soft delete: the row and its change log entry stay.
    assert psql(OWNER_URL, "SET rounds.admin = 'on'; " f"SELECT deleted_at IS NOT NULL FROM crm.route_plan WHERE id = '{plan['id']}'") == "t"
    assert psql(OWNER_URL, "SET rounds.admin = 'on'; " f"SELECT count(*) FROM crm.change_log WHERE entity = 'route_plan' "
                           f"AND entity_id = '{plan['id']}' AND op = 'delete'") == "1"


def test_save_rejects_bad_plans(srv, people):
    token = people["rep"]["token"]
    r = requests.post(srv.url("/api/v1/routes"), headers=bearer(token),
                      json=dict(DAY, date="2026-11-24", stops=[{"lat": 40, "lng": -75, "arrival": "2026-11-24T09:00:00Z",
                                                                "service_start": "2026-11-24T08:59:00Z",
                                                                "departure": "2026-11-24T09:30:00Z"}]), timeout=10)
    assert_problem_field(r, "stops[0].service_start")
    r = requests.post(srv.url("/api/v1/routes"), headers=bearer(token), json=dict(DAY, stops=[]), timeout=10)
    assert_problem_field(r, "date")


def test_visibility_of_route_plans(srv, people):
    rep_plan = save_plan(srv, people["rep"]["token"])[0].json()
    other_plan = save_plan(srv, people["other"]["token"])[0].json()

    def status(who, method, plan_id, suffix=""):
        return requests.request(method, srv.url(f"/api/v1/routes/{plan_id}{suffix}"),
                                headers=bearer(people[who]["token"]), timeout=10).status_code

    # Owner, the owner's manager and admins read; a peer rep and another organisation see nothing (404).
    assert status("rep", "GET", rep_plan["id"]) == 200
    assert status("manager", "GET", rep_plan["id"]) == 200
    assert status("admin", "GET", rep_plan["id"]) == 200
    assert status("other", "GET", rep_plan["id"]) == 404
    assert status("foreign", "GET", rep_plan["id"]) == 404
    assert status("foreign", "GET", rep_plan["id"], ".ics") == 404
    assert status("manager", "GET", other_plan["id"]) == 404  # not in the manager's team
    # Lists follow the same rule.
    listed = lambda who: {p["id"] for p in requests.get(srv.url("/api/v1/routes?limit=200"),  # noqa: E731
                                                        headers=bearer(people[who]["token"]), timeout=10).json()["items"]}
    assert rep_plan["id"] in listed("manager") and other_plan["id"] not in listed("manager")
    assert rep_plan["id"] not in listed("other") and rep_plan["id"] not in listed("foreign")
    assert {rep_plan["id"], other_plan["id"]} <= listed("admin")
    mine = requests.get(srv.url(f"/api/v1/routes?owner_id={people['rep']['id']}"),
                        headers=bearer(people["manager"]["token"]), timeout=10).json()["items"]
    assert mine and all(p["owner_id"] == people["rep"]["id"] for p in mine)
    # The manager reads but does not delete the team's plans; another org cannot delete them either.
    assert status("manager", "DELETE", rep_plan["id"]) == 403
    assert status("foreign", "DELETE", rep_plan["id"]) == 404
    assert status("rep", "DELETE", rep_plan["id"]) == 204
    assert status("admin", "DELETE", other_plan["id"]) == 204
    assert status("rep", "GET", "not-a-uuid") == 404


# ----- Plan my day ------------------------------------------------------------------------------------------
PLAN_NPIS = {k: npi_with_check_digit(f"1777777{i:02d}") for i, k in enumerate(
    ["top", "nosee", "monday", "hours", "recent", "dnc", "far", "other_territory"])}


@pytest.fixture(scope="module")
def targeting(people):
    """A market and a territory assigned to the rep, with targets: one of each exclusion rule, one with office
    hours, one too far away, and one in a territory the rep does not cover."""
    n = PLAN_NPIS
    org = psql(OWNER_URL, f"SET rounds.admin = 'on'; SELECT org_id FROM crm.app_user WHERE id = '{people['rep']['id']}'")
    rep = people["rep"]["id"]
    coords = {"top": (40.01, -75.01), "nosee": (40.02, -75.0), "monday": (40.0, -75.02), "hours": (40.015, -74.99),
              "recent": (40.005, -75.005), "dnc": (40.02, -75.02), "far": (44.5, -75.0),
              "other_territory": (40.01, -75.0)}
    scores = {"top": 90, "nosee": 95, "monday": 85, "hours": 80, "recent": 99, "dnc": 98, "far": 70,
              "other_territory": 100}
    physicians = ", ".join(f"({n[k]}, 1, 'Doc', '{k}', 1, 1)" for k in n)
    members = ", ".join(
        f"('{org}', (SELECT id FROM t WHERE name = '{'Other' if k == 'other_territory' else 'Mine'}'), {n[k]}, "
        f"{i + 1}, '19001', {coords[k][0]}, {coords[k][1]})" for i, k in enumerate(n))
    metrics = ", ".join(
        f"('{org}', (SELECT id FROM m), 2023, {n[k]}, 10, 0, 0, 0, 0, 0, false, 5, {scores[k]})" for k in n)
    psql_checked(OWNER_URL, f"""
        SET rounds.admin = 'on';
        DELETE FROM ref.physician WHERE npi IN ({", ".join(n.values())});
        INSERT INTO ref.physician (npi, entity_type, first_name, last_name, release_id, first_release_id)
        VALUES {physicians};
        INSERT INTO crm.market (org_id, name, hcpcs_codes) VALUES ('{org}', 'Plan day market', '{{27447}}');
        INSERT INTO crm.territory (org_id, name, level) VALUES ('{org}', 'Mine', 'nation'), ('{org}', 'Other', 'nation');
        INSERT INTO crm.territory_user (org_id, territory_id, user_id)
            SELECT '{org}', id, '{rep}' FROM crm.territory WHERE org_id = '{org}' AND name = 'Mine';
        WITH t AS (SELECT id, name FROM crm.territory WHERE org_id = '{org}')
        INSERT INTO mkt.territory_member (org_id, territory_id, npi, address_id, zip5, lat, lng) VALUES {members};
        WITH m AS (SELECT id FROM crm.market WHERE org_id = '{org}' AND name = 'Plan day market')
        INSERT INTO mkt.market_metric (org_id, market_id, data_year, npi, volume, cost_cents, own_volume,
                                       competitor_volume, competitor_payments_cents, own_payments_cents, affiliated,
                                       decile_national, score) VALUES {metrics};
        INSERT INTO crm.account (org_id, owner_id, npi, no_see, best_days, best_hours) VALUES
            ('{org}', '{rep}', {n['nosee']}, true, '{{}}', NULL),
            ('{org}', '{rep}', {n['monday']}, false, '{{mon}}', NULL),
            ('{org}', '{rep}', {n['hours']}, false, '{{tue,wed}}', 'afternoons 14:00-16:00');
        INSERT INTO crm.call (org_id, owner_id, npi, starts_at, channel, status)
            VALUES ('{org}', '{rep}', {n['recent']}, '2026-11-21T10:00:00Z', 'in_person', 'completed');
        INSERT INTO crm.restriction (org_id, npi, kind, reason) VALUES ('{org}', {n['dnc']}, 'do_not_call', 'asked');
    """)
    return org


def test_plan_my_day(srv, people, targeting):
    n = PLAN_NPIS
    token = people["rep"]["token"]
    body = {"date": "2026-11-24", "start": {"lat": 40.0, "lng": -75.0}, "end": {"lat": 40.0, "lng": -75.0},
            "start_time": "2026-11-24T08:00:00Z", "hours": 9, "visit_minutes": 30, "client_id": "day-" + uuid.uuid4().hex}
    r = requests.post(srv.url("/api/v1/routes/plan-day"), headers=bearer(token), json=body, timeout=60)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["source"] == "plan_day" and plan["owner_id"] == people["rep"]["id"]
    # Candidates: top, hours and far (no-see, wrong weekday, recently visited, do-not-call and the other
    # territory's physician are filtered out before routing).
    assert plan["candidates"] == 3, plan
    routed = {s["npi"]: s for s in plan["stops"]}
    assert set(routed) == {n["top"], n["hours"]}
    assert [(u["npi"], u["reason"]) for u in plan["unplaced"]] == [(n["far"], "ends_after_day_end")]
    # Office hours "14:00-16:00" with a 30-minute visit: service starts 14:00..15:30 (UTC here).
    assert "14:00" <= routed[n["hours"]]["service_start"][11:16] <= "15:30"
    # Each stop has its planned call.
    for s in plan["stops"]:
        assert s["call_id"], s
        row = psql(OWNER_URL, "SET rounds.admin = 'on'; SELECT status || '|' || npi || '|' || "
                              "to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || '|' || "
                              f"duration_minutes FROM crm.call WHERE id = '{s['call_id']}'")
        assert row == f"planned|{s['npi']}|{s['service_start']}|30", row
    # Idempotent: the same client_id returns the same plan and creates no more calls.
    again = requests.post(srv.url("/api/v1/routes/plan-day"), headers=bearer(token), json=body, timeout=60)
    assert again.status_code == 200 and again.json()["id"] == plan["id"]
    calls = psql(OWNER_URL, "SET rounds.admin = 'on'; SELECT count(*) FROM crm.call c JOIN crm.route_stop s "
                            "ON c.client_id = 'route-stop:' || s.id "
                            f"WHERE s.route_id = '{plan['id']}' AND c.status = 'planned'")
    assert calls == "2"
    # Planned calls count as recent visits: planning the same day again offers only the far physician.
    r2 = requests.post(srv.url("/api/v1/routes/plan-day"), headers=bearer(token),
                       json=dict(body, client_id="day-" + uuid.uuid4().hex), timeout=60)
    assert r2.status_code == 201 and r2.json()["candidates"] == 1 and r2.json()["stops"] == []
    # Another rep (no territory) gets an empty plan, not an error.
    other = requests.post(srv.url("/api/v1/routes/plan-day"), headers=bearer(people["other"]["token"]),
                          json=dict(body, client_id=None), timeout=60)
    assert other.status_code == 201 and other.json()["candidates"] == 0


SCORE_NPIS = {k: npi_with_check_digit(f"1777778{i:02d}") for i, k in enumerate(["near_a", "near_b", "far_high"])}


def test_plan_day_maximises_total_score_not_visits(srv, people, targeting):
    """Two low-score targets near home or one high-score target far away: a 2-hour day fits either, not all
    three. Plan my day keeps the high-score one (score 90 > 30 + 30) and goes back to the near pair when the
    scores are equal."""
    org = targeting
    n = SCORE_NPIS
    coords = {"near_a": (39.995, -75.0), "near_b": (40.0, -75.006), "far_high": (40.135, -75.0)}
    physicians = ", ".join(f"({n[k]}, 1, 'Doc', '{k}', 1, 1)" for k in n)
    members = ", ".join(f"('{org}', (SELECT id FROM crm.territory WHERE org_id = '{org}' AND name = 'Mine'), {n[k]}, "
                        f"{i + 1}, '19001', {coords[k][0]}, {coords[k][1]})" for i, k in enumerate(n))
    metrics = ", ".join(f"('{org}', (SELECT id FROM m), 2023, {n[k]}, 10, 0, 0, 0, 0, 0, false, 5, "
                        f"{90 if k == 'far_high' else 30})" for k in n)
    psql_checked(OWNER_URL, f"""
        SET rounds.admin = 'on';
        DELETE FROM ref.physician WHERE npi IN ({", ".join(n.values())});
        INSERT INTO ref.physician (npi, entity_type, first_name, last_name, release_id, first_release_id)
        VALUES {physicians};
        INSERT INTO crm.market (org_id, name, hcpcs_codes) VALUES ('{org}', 'Score market', '{{27447}}');
        INSERT INTO mkt.territory_member (org_id, territory_id, npi, address_id, zip5, lat, lng) VALUES {members};
        WITH m AS (SELECT id FROM crm.market WHERE org_id = '{org}' AND name = 'Score market')
        INSERT INTO mkt.market_metric (org_id, market_id, data_year, npi, volume, cost_cents, own_volume,
                                       competitor_volume, competitor_payments_cents, own_payments_cents, affiliated,
                                       decile_national, score) VALUES {metrics};
    """)
    market = psql(OWNER_URL, f"SET rounds.admin = 'on'; SELECT id FROM crm.market WHERE org_id = '{org}' "
                             "AND name = 'Score market'")
    token = people["rep"]["token"]
    home = {"lat": 40.0, "lng": -75.0}

    def plan(date):
        body = {"date": date, "start": home, "end": home, "start_time": f"{date}T08:00:00Z", "hours": 2,
                "visit_minutes": 45, "market_id": market}
        r = requests.post(srv.url("/api/v1/routes/plan-day"), headers=bearer(token), json=body, timeout=60)
        assert r.status_code == 201, r.text
        return r.json()

    first = plan("2026-12-15")
    assert first["candidates"] == 3, first
    assert [s["npi"] for s in first["stops"]] == [n["far_high"]]
    assert sorted((u["npi"], u["reason"]) for u in first["unplaced"]) == sorted(
        [(n["near_a"], "conflicts_with_route"), (n["near_b"], "conflicts_with_route")])
    # Equal scores: more visits is more score, so the near pair is planned (a later date, after the planned call
    # of the first plan has stopped counting as a recent visit).
    psql_checked(OWNER_URL, f"SET rounds.admin = 'on'; UPDATE mkt.market_metric SET score = 30 "
                            f"WHERE org_id = '{org}' AND npi = {n['far_high']}")
    second = plan("2027-01-20")
    assert second["candidates"] == 3, second
    assert {s["npi"] for s in second["stops"]} == {n["near_a"], n["near_b"]}
    assert [u["npi"] for u in second["unplaced"]] == [n["far_high"]]


@pytest.mark.parametrize("mutate,field", [
    (lambda b: b.pop("hours"), "hours"),
    (lambda b: b.update(hours=30), "hours"),
    (lambda b: b.update(date="tomorrow"), "date"),
    (lambda b: b.update(start_time="2026-11-25T08:00:00Z"), "start_time"),
    (lambda b: b.update(visit_minutes=1), "visit_minutes"),
    (lambda b: b.update(market_id="abc"), "market_id"),
    (lambda b: b.update(start={"lat": 100, "lng": 0}), "start.lat"),
])
def test_plan_day_bad_input(srv, people, mutate, field):
    body = {"date": "2026-11-24", "start": {"lat": 40.0, "lng": -75.0}, "hours": 8}
    mutate(body)
    r = requests.post(srv.url("/api/v1/routes/plan-day"), headers=bearer(people["rep"]["token"]), json=body,
                      timeout=10)
    assert_problem_field(r, field)
