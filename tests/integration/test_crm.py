"""CRM core against the real binary: the generic record machinery (idempotent creates, If-Match, soft delete with
a tombstone, filters, sort and cursors, mass assignment), role visibility, calls with samples and spend in one
transaction and every bad input of the issue, submission, amendments, inventory, change requests, exports."""
import base64
import concurrent.futures
import csv
import io
import os
import subprocess
import threading
import time
import uuid

import openpyxl
import pytest

from conftest import BIN, OWNER_URL, Server, psql
from auth_helpers import token_for
from crm_helpers import FAST, Api, cid, make_npi, make_world, setup_org_catalogue

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()


@pytest.fixture(scope="module")
def srv(app_url):
    s = Server(app_url, *FAST)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def world(srv):
    w = make_world(srv)
    for key in ("A", "B"):
        org = w[key]
        org["api"] = {r: Api(srv, org[r]) for r in ("admin", "manager", "rep", "rep2")}
        org["cat"] = setup_org_catalogue(org["api"]["admin"])
    return w


@pytest.fixture(scope="module")
def ca(world):
    """Physicians licensed in CA (sampling allowed) and VT (not)."""
    phys = world["physicians"]
    return {"ca": [p["npi"] for p in phys if p["state"] == "CA"], "vt": [p["npi"] for p in phys if p["state"] == "VT"]}


def sql(text):
    """A query as the owner role in its cross-organisation admin mode (row-level security applies otherwise)."""
    return psql(OWNER_URL, "SET rounds.admin = 'on'; " + text)


def problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    return r.json()


def fields_of(body):
    return {e["field"] for e in body.get("errors", [])}


def visit(npi, **kw):
    body = {"npi": npi, "starts_at": "2026-03-02T10:00:00Z", "channel": "in_person", "client_id": cid()}
    body.update(kw)
    return body


def lot_for(world, key="A", qty=10, expires="2030-01-01", owner="rep"):
    org = world[key]
    return org["api"]["admin"].create("sample-lots", {"product_id": org["cat"]["drug"]["id"], "lot_number": "L" + cid()[:6],
                                                      "expires_on": expires, "quantity": qty,
                                                      "owner_id": org[owner]["id"]})


# ----- Generic machinery --------------------------------------------------------------------------------------

def test_create_three_times_makes_one_row_and_the_same_answer(world, ca):
    rep = world["A"]["api"]["rep"]
    body = {"npi": ca["ca"][1], "tier": "A", "client_id": cid()}
    answers = [rep.post("/api/v1/accounts", body) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert "Idempotent-Replayed" not in answers[0].headers and answers[2].headers["Idempotent-Replayed"] == "true"
    rows = rep.get(f"/api/v1/accounts?npi={ca['ca'][1]}").json()["items"]
    assert len(rows) == 1
    # The change log has exactly one insert for it, written in the same transaction.
    n = sql("SELECT count(*) FROM crm.change_log WHERE entity = 'account' AND op = 'insert' "
                        f"AND entity_id = '{rows[0]['id']}'")
    assert n == "1"


def test_concurrent_identical_creates_make_one_row(world, ca):
    rep = world["A"]["api"]["rep"]
    body = visit(ca["vt"][2], channel="phone")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: rep.post("/api/v1/calls", body), range(8)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    n = sql(f"SELECT count(*) FROM crm.call WHERE client_id = '{body['client_id']}'")
    assert n == "1"


def test_get_patch_if_match_and_etag(world, ca):
    rep = world["A"]["api"]["rep"]
    acc = rep.post("/api/v1/accounts", {"npi": ca["ca"][2], "client_id": cid()})
    assert acc.headers["ETag"] == '"1"'
    aid = acc.json()["id"]
    got = rep.get(f"/api/v1/accounts/{aid}")
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    # Missing If-Match: 412 naming the header (documented choice: no unconditional overwrite).
    assert "If-Match" in fields_of(problem(rep.patch(f"/api/v1/accounts/{aid}", {"tier": "B"}), 412))
    ok = rep.patch(f"/api/v1/accounts/{aid}", {"tier": "B", "tags": ["kol"]}, version=1)
    assert ok.status_code == 200 and ok.json()["tier"] == "B" and ok.headers["ETag"] == '"2"'
    problem(rep.patch(f"/api/v1/accounts/{aid}", {"tier": "C"}, version=1), 412)  # stale
    assert rep.get(f"/api/v1/accounts/{aid}").json()["tier"] == "B"
    # null clears an optional field; a NOT NULL one refuses null.
    assert rep.patch(f"/api/v1/accounts/{aid}", {"tier": None}, version=2).json()["tier"] is None
    assert "is_target" in fields_of(problem(rep.patch(f"/api/v1/accounts/{aid}", {"is_target": None}, version=3), 400))


def test_concurrent_updates_one_wins_one_gets_412(world, ca):
    rep = world["A"]["api"]["rep"]
    t = rep.create("tasks", {"title": "race", "client_id": cid()})
    barrier_bodies = [{"title": f"writer {i}"} for i in range(6)]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda b: rep.patch(f"/api/v1/tasks/{t['id']}", b, version=t["version"]),
                                barrier_bodies))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(200) == 1 and codes.count(412) == 5, codes
    final = rep.get(f"/api/v1/tasks/{t['id']}").json()
    winner = next(a for a in answers if a.status_code == 200).json()
    assert final["title"] == winner["title"] and final["version"] == t["version"] + 1


def test_delete_is_soft_with_a_tombstone(world):
    rep = world["A"]["api"]["rep"]
    n = rep.create("notes", {"body": "to delete", "client_id": cid()})
    problem(rep.delete(f"/api/v1/notes/{n['id']}", version=7), 412)
    r = rep.delete(f"/api/v1/notes/{n['id']}", version=n["version"])
    assert r.status_code == 204
    problem(rep.get(f"/api/v1/notes/{n['id']}"), 404)
    problem(rep.delete(f"/api/v1/notes/{n['id']}"), 404)
    assert n["id"] not in {x["id"] for x in rep.get("/api/v1/notes?limit=200").json()["items"]}
    row = sql(f"SELECT deleted_at IS NOT NULL FROM crm.note WHERE id = '{n['id']}'")
    assert row == "t"
    ops = sql(f"SELECT string_agg(op, ',' ORDER BY id) FROM crm.change_log WHERE entity_id = '{n['id']}'")
    assert ops == "insert,delete"


def test_mass_assignment_is_refused_by_name(world, ca):
    a = world["A"]
    rep = a["api"]["rep"]
    for field, value in [("org_id", world["B"]["id"]), ("id", str(uuid.uuid4())), ("version", 9),
                         ("created_by", a["admin"]["id"]), ("deleted_at", None)]:
        body = problem(rep.post("/api/v1/tasks", {"title": "x", field: value}), 400)
        assert fields_of(body) == {field}
    # A rep cannot give a record to someone else; a read-only column cannot be written.
    assert fields_of(problem(rep.post("/api/v1/tasks", {"title": "x", "owner_id": a["rep2"]["id"]}), 400)) == {"owner_id"}
    call = rep.create("calls", visit(ca["vt"][0], channel="email"))
    assert fields_of(problem(rep.patch(f"/api/v1/calls/{call['id']}", {"locked": True}, version=1), 400)) == {"locked"}
    # Unknown fields are named too.
    assert fields_of(problem(rep.post("/api/v1/tasks", {"title": "x", "colour": "red"}), 400)) == {"colour"}


def test_list_filters_sort_and_cursor_pagination(world, ca):
    rep2 = world["A"]["api"]["rep2"]
    made = [rep2.create("tasks", {"title": f"page {i:02d}", "priority": "high" if i % 2 else "low",
                                  "client_id": cid()}) for i in range(7)]
    seen, cursor = [], None
    while True:
        q = "/api/v1/tasks?limit=3&sort=created_at&priority=high" + (f"&cursor={cursor}" if cursor else "")
        page = rep2.get(q).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [t["id"] for t in seen] == [t["id"] for t in made if t["priority"] == "high"]
    desc = rep2.get("/api/v1/tasks?sort=-created_at&limit=200").json()["items"]
    assert [t["id"] for t in desc][:7] == [t["id"] for t in reversed(made)]
    problem(rep2.get("/api/v1/tasks?sort=colour"), 400)
    problem(rep2.get("/api/v1/tasks?cursor=bm9wZQ"), 400)
    problem(rep2.get("/api/v1/tasks?priority=whenever"), 400)
    problem(rep2.get("/api/v1/tasks?nonsense=1"), 400)


# ----- Visibility: rep own, manager team, admin organisation, foreign organisation 404 --------------------------

def test_role_visibility(world, ca):
    a, b = world["A"], world["B"]
    mine = a["api"]["rep"].create("tasks", {"title": "rep's", "client_id": cid()})
    other = a["api"]["rep2"].create("tasks", {"title": "rep2's", "client_id": cid()})
    foreign = b["api"]["rep"].create("tasks", {"title": "B's", "client_id": cid()})

    def ids(api):
        return {t["id"] for t in api.get("/api/v1/tasks?limit=200").json()["items"]}

    assert mine["id"] in ids(a["api"]["rep"]) and other["id"] not in ids(a["api"]["rep"])
    assert mine["id"] in ids(a["api"]["manager"]) and other["id"] not in ids(a["api"]["manager"])
    assert {mine["id"], other["id"]} <= ids(a["api"]["admin"])
    assert foreign["id"] not in ids(a["api"]["admin"])
    problem(a["api"]["rep"].get(f"/api/v1/tasks/{other['id']}"), 404)
    problem(a["api"]["manager"].get(f"/api/v1/tasks/{other['id']}"), 404)
    assert a["api"]["admin"].get(f"/api/v1/tasks/{other['id']}").status_code == 200
    for role in ("rep", "manager", "admin"):
        problem(a["api"][role].get(f"/api/v1/tasks/{foreign['id']}"), 404)
        problem(a["api"][role].patch(f"/api/v1/tasks/{foreign['id']}", {"title": "x"}, version=1), 404)
        problem(a["api"][role].delete(f"/api/v1/tasks/{foreign['id']}"), 404)
    assert b["api"]["rep"].get(f"/api/v1/tasks/{foreign['id']}").json()["title"] == "B's"


def test_managers_assign_tasks_to_their_reps_only(world):
    a, b = world["A"], world["B"]
    mgr = a["api"]["manager"]
    t = mgr.create("tasks", {"title": "call Dr X", "owner_id": a["rep"]["id"], "priority": "urgent",
                             "due_at": "2026-04-01T12:00:00Z", "client_id": cid()})
    assert t["owner_id"] == a["rep"]["id"]
    assert t["id"] in {x["id"] for x in a["api"]["rep"].get("/api/v1/tasks?priority=urgent").json()["items"]}
    assert fields_of(problem(mgr.post("/api/v1/tasks", {"title": "x", "owner_id": a["rep2"]["id"]}), 422)) == {"owner_id"}
    assert fields_of(problem(mgr.post("/api/v1/tasks", {"title": "x", "owner_id": b["rep"]["id"]}), 422)) == {"owner_id"}
    assert a["api"]["admin"].create("tasks", {"title": "x", "owner_id": a["rep2"]["id"]})["owner_id"] == a["rep2"]["id"]


def test_references_to_foreign_or_unknown_records_are_named(world, ca):
    a, b = world["A"], world["B"]
    b_account = b["api"]["rep"].create("accounts", {"npi": ca["vt"][3], "client_id": cid()})
    r = problem(a["api"]["rep"].post("/api/v1/tasks", {"title": "x", "account_id": b_account["id"]}), 422)
    assert fields_of(r) == {"account_id"}
    r = problem(a["api"]["rep"].post("/api/v1/calls", visit(ca["vt"][3], products=[b["cat"]["drug"]["id"]])), 422)
    assert fields_of(r) == {"products[0]"}


# ----- Calls --------------------------------------------------------------------------------------------------

def test_quick_visit_log_needs_four_fields(world, ca):
    rep = world["A"]["api"]["rep"]
    call = rep.create("calls", {"npi": ca["vt"][1], "starts_at": "2026-03-03T08:00:00-05:00", "channel": "in_person",
                                "products": [world["A"]["cat"]["device"]["id"]]})
    assert call["status"] == "completed" and call["locked"] is False and call["samples"] == [] and call["spend"] == []


def test_first_touch_creates_the_account_and_sampled_calls_keep_their_physician(world, ca):
    a = world["A"]
    rep = a["api"]["rep"]
    npi = ca["ca"][8]
    assert rep.get(f"/api/v1/accounts?npi={npi}").json()["items"] == []
    call = rep.create("calls", visit(npi, channel="phone"))
    acc = rep.get(f"/api/v1/accounts?npi={npi}").json()["items"]
    assert len(acc) == 1 and call["account_id"] == acc[0]["id"] and acc[0]["owner_id"] == a["rep"]["id"]
    second = rep.create("calls", visit(npi, channel="email"))
    assert second["account_id"] == acc[0]["id"]
    lot = lot_for(world, qty=2)
    sampled = rep.create("calls", visit(npi, samples=[{"product_id": a["cat"]["drug"]["id"], "lot_id": lot["id"],
                                                       "quantity": 1}]))
    r = problem(rep.patch(f"/api/v1/calls/{sampled['id']}", {"npi": ca["vt"][8]}, version=sampled["version"]), 422)
    assert fields_of(r) == {"npi"}
    assert rep.patch(f"/api/v1/calls/{sampled['id']}", {"notes": "ok"}, version=sampled["version"]).status_code == 200


def test_whole_visit_in_one_post_with_samples_spend_and_signature(world, ca):
    a = world["A"]
    rep = a["api"]["rep"]
    lot = lot_for(world, qty=10)
    assert lot["on_hand"] == 10
    npi = ca["ca"][3]
    body = visit(npi, products=[a["cat"]["drug"]["id"]], key_messages=["efficacy"], notes="good talk",
                 attendees=[ca["ca"][4]], duration_minutes=15, checkin_lat=37.77, checkin_lng=-122.42,
                 samples=[{"product_id": a["cat"]["drug"]["id"], "lot_id": lot["id"], "quantity": 4}],
                 spend=[{"kind": "meal", "amount": 90, "attendee_count": 3, "recipients": [npi, ca["ca"][4]]}],
                 submit=True, signature=PNG)
    r = rep.post("/api/v1/calls", body)
    assert r.status_code == 201, r.text
    call = r.json()
    assert call["locked"] is True and call["signature_sha256"] and call["signature_path"].startswith("crm/signatures/")
    assert call["samples"][0]["quantity"] == 4
    spend = call["spend"][0]
    assert spend["nature"] == "Food and Beverage" and float(spend["amount"]) == 90.0
    assert sorted(float(x["amount"]) for x in spend["recipients"]) == [30.0, 30.0]
    assert rep.get(f"/api/v1/sample-lots/{lot['id']}").json()["on_hand"] == 6
    # Retrying the same POST (e.g. after a lost response) does not drop samples twice.
    again = rep.post("/api/v1/calls", body)
    assert again.status_code == 201 and again.json()["id"] == call["id"]
    assert rep.get(f"/api/v1/sample-lots/{lot['id']}").json()["on_hand"] == 6
    # Locked: PATCH and DELETE refused; an amendment corrects it with before/after kept and audited.
    problem(rep.patch(f"/api/v1/calls/{call['id']}", {"notes": "x"}, version=call["version"]), 409)
    problem(rep.delete(f"/api/v1/calls/{call['id']}"), 409)
    am = rep.post(f"/api/v1/calls/{call['id']}/amendments", {"reason": "typo", "changes": {"notes": "great talk"}},
                  headers={"If-Match": f'"{call["version"]}"'})
    assert am.status_code == 201, am.text
    assert am.json()["notes"] == "great talk" and am.json()["locked"] is True
    hist = rep.get(f"/api/v1/calls/{call['id']}/amendments").json()["items"]
    assert hist[0]["before"] == {"notes": "good talk"} and hist[0]["after"] == {"notes": "great talk"}
    bad = rep.post(f"/api/v1/calls/{call['id']}/amendments", {"reason": "x", "changes": {"npi": ca["ca"][0]}},
                   headers={"If-Match": f'"{am.json()["version"]}"'})
    assert "changes.npi" in fields_of(problem(bad, 400))
    audit = a["api"]["admin"].get("/api/v1/admin/audit?action=crm.call.amend&limit=200").json()["items"]
    assert any(e["target_id"] == call["id"] for e in audit)


def test_amendment_corrects_samples_and_spend_in_one_transaction(world, ca):
    a = world["A"]
    rep = a["api"]["rep"]
    drug = a["cat"]["drug"]["id"]
    lot1, lot2 = lot_for(world, qty=10), lot_for(world, qty=5)
    npi, other = ca["ca"][10], ca["ca"][11]  # physicians no other test of this world touches
    call = rep.create("calls", visit(npi, samples=[{"product_id": drug, "lot_id": lot1["id"], "quantity": 4}],
                                     spend=[{"kind": "meal", "amount": 90, "attendee_count": 3}],
                                     submit=True, signature=PNG))
    assert call["locked"] is True
    on_hand = lambda lot: rep.get(f"/api/v1/sample-lots/{lot['id']}").json()["on_hand"]  # noqa: E731
    assert (on_hand(lot1), on_hand(lot2)) == (6, 5)

    def amend(changes, version, reason="wrong lot and bill"):
        return rep.post(f"/api/v1/calls/{call['id']}/amendments", {"reason": reason, "changes": changes},
                        headers={"If-Match": f'"{version}"'})

    # Bad amendments: 4xx naming the field, nothing changed.
    bad = amend({"samples": [{"product_id": drug, "lot_id": lot2["id"], "quantity": 50}]}, call["version"])
    assert fields_of(problem(bad, 422)) == {"changes.samples[0].quantity"}
    bad = amend({"spend": [{"kind": "meal", "amount": -5}]}, call["version"])
    assert "changes.spend[0].amount" in fields_of(problem(bad, 400))
    assert "changes.samples" in fields_of(problem(amend({"samples": {"x": 1}}, call["version"]), 400))
    assert (on_hand(lot1), on_hand(lot2)) == (6, 5)
    assert rep.get(f"/api/v1/calls/{call['id']}").json()["version"] == call["version"]
    # The correction: 3 from lot 2 instead of 4 from lot 1; the meal was 120 for two covered recipients.
    r = amend({"samples": [{"product_id": drug, "lot_id": lot2["id"], "quantity": 3}],
               "spend": [{"kind": "meal", "amount": 120, "attendee_count": 4, "recipients": [npi, other]}],
               "notes": "corrected"}, call["version"])
    assert r.status_code == 201, r.text
    fixed = r.json()
    assert fixed["version"] > call["version"] and fixed["notes"] == "corrected" and fixed["locked"] is True
    assert [(s["lot_id"], s["quantity"]) for s in fixed["samples"]] == [(lot2["id"], 3)]
    assert sorted(float(x["amount"]) for x in fixed["spend"][0]["recipients"]) == [30.0, 30.0]
    assert (on_hand(lot1), on_hand(lot2)) == (10, 2)
    # The ledger keeps every movement: the drop, its reversal, the new drop; reconciliation has no discrepancy.
    led = sql(f"SELECT lot_id || ':' || kind || ':' || quantity FROM crm.sample_txn "
              f"WHERE call_id = '{call['id']}'").split()
    assert sorted(led) == sorted([f"{lot1['id']}:dropped:4", f"{lot1['id']}:dropped:-4", f"{lot2['id']}:dropped:3"])
    rec = {x["lot_id"]: x for x in rep.get("/api/v1/reports/sample-reconciliation").json()["items"]}
    assert rec[lot1["id"]]["discrepancy"] is False and rec[lot2["id"]]["discrepancy"] is False
    assert (rec[lot1["id"]]["dropped"], rec[lot2["id"]]["dropped"]) == (0, 3)
    # Spend: the old item and its split are tombstoned, the report counts the new split only.
    live = sql(f"SELECT count(*) FROM crm.spend_item WHERE call_id = '{call['id']}' AND deleted_at IS NULL")
    assert live == "1"
    # Before and after kept, audited.
    hist = rep.get(f"/api/v1/calls/{call['id']}/amendments").json()["items"][0]
    assert [s["quantity"] for s in hist["before"]["samples"]] == [4]
    assert [s["quantity"] for s in hist["after"]["samples"]] == [3]
    assert float(hist["before"]["spend"][0]["amount"]) == 90 and float(hist["after"]["spend"][0]["amount"]) == 120
    assert hist["before"]["notes"] != "corrected" and hist["after"]["notes"] == "corrected"
    audit = a["api"]["admin"].get("/api/v1/admin/audit?action=crm.call.amend&limit=200").json()["items"]
    assert any(e["target_id"] == call["id"] and "samples" in (e.get("after") or "") for e in audit)
    # Stale version: 412.
    problem(amend({"samples": []}, call["version"]), 412)
    # Removing all samples returns the stock.
    r = amend({"samples": []}, fixed["version"])
    assert r.status_code == 201 and r.json()["samples"] == [] and on_hand(lot2) == 5


def test_task_reminders_due_list_acknowledge_and_sweep(srv):
    w = make_world(srv)
    org = w["A"]
    mgr, rep, rep2 = (Api(srv, org[r]) for r in ("manager", "rep", "rep2"))
    past, future = "2026-01-01T08:00:00Z", "2099-01-01T08:00:00Z"
    t1 = mgr.create("tasks", {"title": "call back", "remind_at": past, "owner_id": org["rep"]["id"]})  # assigned
    t2 = rep.create("tasks", {"title": "later", "remind_at": "2026-01-02T08:00:00Z"})
    rep.create("tasks", {"title": "not yet", "remind_at": future})
    rep.create("tasks", {"title": "no reminder"})
    rep.create("tasks", {"title": "done already", "remind_at": past, "status": "done"})
    rep2.create("tasks", {"title": "someone else's", "remind_at": past})
    page = rep.get("/api/v1/crm/tasks/reminders?limit=1").json()
    assert [x["task_id"] for x in page["items"]] == [t1["id"]] and page["next_cursor"]
    page2 = rep.get(f"/api/v1/crm/tasks/reminders?limit=1&cursor={page['next_cursor']}").json()
    assert [x["task_id"] for x in page2["items"]] == [t2["id"]] and page2["next_cursor"] is None
    assert all(x["reminder_due_at"] is None for x in page["items"] + page2["items"])  # not swept yet
    assert mgr.get("/api/v1/crm/tasks/reminders").json()["items"] == []  # the caller's own reminders only
    # The worker's sweep marks each due reminder once (the notification seam), not the future or done ones.
    before = int(sql("SELECT count(*) FROM crm.task WHERE reminder_due_at IS NOT NULL"))
    r = subprocess.run([BIN, "worker", "--once", "--database-url", OWNER_URL, "--log-format", "json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    logged = [line for line in r.stdout.splitlines() + r.stderr.splitlines() if "task_reminder_due" in line]
    assert {t1["id"], t2["id"]} <= {tid for tid in (t1["id"], t2["id"]) if any(tid in x for x in logged)}
    assert int(sql("SELECT count(*) FROM crm.task WHERE reminder_due_at IS NOT NULL")) - before >= 3
    assert sql(f"SELECT count(*) FROM crm.task WHERE org_id = '{org['id']}' AND reminder_due_at IS NOT NULL") == "3"
    swept = {x["task_id"]: x for x in rep.get("/api/v1/crm/tasks/reminders").json()["items"]}
    assert swept[t1["id"]]["reminder_due_at"] is not None
    # Acknowledge: the assignee only; then it leaves the list; twice is 409; not due is 409.
    problem(mgr.post(f"/api/v1/tasks/{t1['id']}/reminder/acknowledge"), 403)
    problem(rep2.post(f"/api/v1/tasks/{t1['id']}/reminder/acknowledge"), 404)
    ack = rep.post(f"/api/v1/tasks/{t1['id']}/reminder/acknowledge")
    assert ack.status_code == 200, ack.text
    assert ack.json()["reminder_acknowledged_at"] is not None
    assert [x["task_id"] for x in rep.get("/api/v1/crm/tasks/reminders").json()["items"]] == [t2["id"]]
    problem(rep.post(f"/api/v1/tasks/{t1['id']}/reminder/acknowledge"), 409)
    # Moving remind_at re-arms the reminder.
    cur = rep.get(f"/api/v1/tasks/{t1['id']}").json()
    rep.patch(f"/api/v1/tasks/{t1['id']}", {"remind_at": "2026-01-03T08:00:00Z"}, version=cur["version"])
    again = {x["task_id"]: x for x in rep.get("/api/v1/crm/tasks/reminders").json()["items"]}
    assert t1["id"] in again and again[t1["id"]]["reminder_due_at"] is None
    assert "limit" in fields_of(problem(rep.get("/api/v1/crm/tasks/reminders?limit=0"), 400))
    assert "cursor" in fields_of(problem(rep.get("/api/v1/crm/tasks/reminders?cursor=zz"), 400))


def test_bad_inputs_are_4xx_naming_the_field_and_nothing_is_half_saved(world, ca):
    a = world["A"]
    rep = a["api"]["rep"]
    drug, device = a["cat"]["drug"]["id"], a["cat"]["device"]["id"]
    lot = lot_for(world, qty=5)
    sample = {"product_id": drug, "lot_id": lot["id"], "quantity": 1}
    before_calls = sql("SELECT count(*) FROM crm.call")
    cases = [
        (visit(ca["ca"][5], products=[str(uuid.uuid4())]), 422, "products[0]"),            # unknown product
        (visit(ca["vt"][5], samples=[sample]), 422, "samples"),                              # non-sampling state
        (visit(ca["ca"][5], spend=[{"kind": "meal", "amount": -5}]), 400, "spend[0].amount"),  # negative amount
        (visit(ca["ca"][5], ends_at="2026-03-02T09:00:00Z"), 400, "ends_at"),                # end before start
        (visit("1234567893"), 422, "npi"),                                                   # unknown NPI
        (visit("1234567890"), 400, "npi"),                                                   # not an NPI
        (visit(ca["ca"][5], notes="x" * 4001), 400, "notes"),                                 # oversized note
        (visit(ca["ca"][5], channel="fax"), 400, "channel"),
        (visit(ca["ca"][5], samples=[{**sample, "quantity": 6}]), 422, "samples[0].quantity"),  # more than on hand
        (visit(ca["ca"][5], samples=[{**sample, "product_id": device}]), 422, "samples[0].product_id"),
        (visit(ca["ca"][5], samples=[sample], status="planned"), 422, "samples"),
        (visit(ca["ca"][5], spend=[{"kind": "meal", "amount": 10, "nature": "Bribe"}]), 400, "spend[0].nature"),
        (visit(ca["ca"][5], spend=[{"kind": "meal", "amount": 10, "recipients": ["1234567893"]}]), 422,
         "spend[0].recipients[0]"),
    ]
    for body, status, field in cases:
        r = problem(rep.post("/api/v1/calls", body), status)
        assert field in fields_of(r), (field, r)
        assert field.split("[")[0].split(".")[0] in r["detail"]
    # A valid sample with an invalid spend item: neither the call nor the drop is saved.
    problem(rep.post("/api/v1/calls", visit(ca["ca"][5], samples=[sample],
                                            spend=[{"kind": "meal", "amount": 10, "recipients": ["1234567893"]}])), 422)
    assert sql("SELECT count(*) FROM crm.call") == before_calls
    assert rep.get(f"/api/v1/sample-lots/{lot['id']}").json()["on_hand"] == 5
    # An expired lot is refused.
    old = lot_for(world, qty=5, expires="2026-01-31")
    r = problem(rep.post("/api/v1/calls", visit(ca["ca"][5], samples=[{**sample, "lot_id": old["id"]}])), 422)
    assert "expired" in r["detail"]
    # Another rep's lot is not the caller's inventory.
    theirs = lot_for(world, qty=5, owner="rep2")
    r = problem(rep.post("/api/v1/calls", visit(ca["ca"][5], samples=[{**sample, "lot_id": theirs["id"]}])), 422)
    assert "samples[0].lot_id" in fields_of(r)


def test_restrictions_refuse_calls_and_samples(world, ca):
    a = world["A"]
    rep, mgr = a["api"]["rep"], a["api"]["manager"]
    dnc, nosee, prod = ca["ca"][0], ca["vt"][4], ca["ca"][1]
    problem(rep.post("/api/v1/restrictions", {"npi": dnc, "kind": "do_not_call"}), 403)
    mgr.create("restrictions", {"npi": dnc, "kind": "do_not_call", "reason": "legal hold"})
    mgr.create("restrictions", {"npi": nosee, "kind": "no_see"})
    mgr.create("restrictions", {"npi": prod, "kind": "product", "product_id": a["cat"]["drug"]["id"]})
    r = problem(rep.post("/api/v1/calls", visit(dnc, channel="phone")), 422)
    assert fields_of(r) == {"npi"} and "do-not-call" in r["detail"] and "legal hold" in r["detail"]
    assert "no-see" in problem(rep.post("/api/v1/calls", visit(nosee)), 422)["detail"]
    assert rep.post("/api/v1/calls", visit(nosee, channel="video")).status_code == 201
    r = problem(rep.post("/api/v1/calls", visit(prod, products=[a["cat"]["drug"]["id"]])), 422)
    assert fields_of(r) == {"products[0]"}
    # The restricted product may not be sampled either (even when it is not among the products discussed),
    # and nothing of the call is kept; another organisation's product is unknown here.
    lot = lot_for(world, qty=5)
    drop = {"product_id": a["cat"]["drug"]["id"], "lot_id": lot["id"], "quantity": 1}
    r = problem(rep.post("/api/v1/calls", visit(prod, samples=[drop])), 422)
    assert fields_of(r) == {"samples[0].product_id"} and "may not be sampled" in r["detail"]
    assert rep.get(f"/api/v1/sample-lots/{lot['id']}").json()["on_hand"] == 5
    r = problem(rep.post("/api/v1/calls", visit(prod, products=[world["B"]["cat"]["drug"]["id"]])), 422)
    assert fields_of(r) == {"products[0]"} and "no such product" in r["detail"]
    # The account's own no-see preference refuses in-person visits too.
    shy = ca["vt"][6]
    rep.create("accounts", {"npi": shy, "no_see": True, "client_id": cid()})
    r = problem(rep.post("/api/v1/calls", visit(shy)), 422)
    assert fields_of(r) == {"npi"} and "no-see" in r["detail"]
    assert rep.post("/api/v1/calls", visit(shy, channel="phone")).status_code == 201
    # Restrictions are the organisation's: B's reps may call the same physician.
    assert world["B"]["api"]["rep"].post("/api/v1/calls", visit(dnc, channel="phone")).status_code == 201


def test_submit_requires_a_signature_when_samples_were_dropped(world, ca):
    rep = world["A"]["api"]["rep"]
    lot = lot_for(world, qty=3)
    call = rep.create("calls", visit(ca["ca"][2], samples=[{"product_id": world["A"]["cat"]["drug"]["id"],
                                                            "lot_id": lot["id"], "quantity": 1}]))
    url = f"/api/v1/calls/{call['id']}/submit"
    problem(rep.post(url, {}), 412)
    assert fields_of(problem(rep.post(url, {}, headers={"If-Match": f'"{call["version"]}"'}), 400)) == {"signature"}
    assert fields_of(problem(rep.post(url, {"signature": "bm90IGFuIGltYWdl"},
                                      headers={"If-Match": f'"{call["version"]}"'}), 400)) == {"signature"}
    ok = rep.post(url, {"signature": PNG}, headers={"If-Match": f'"{call["version"]}"'})
    assert ok.status_code == 200 and ok.json()["locked"] is True
    problem(rep.post(url, {"signature": PNG}, headers={"If-Match": f'"{ok.json()["version"]}"'}), 409)


def test_sample_inventory_movements(world):
    a = world["A"]
    rep = a["api"]["rep"]
    lot = lot_for(world, qty=2)
    t = rep.create("sample-transactions", {"lot_id": lot["id"], "kind": "received", "quantity": 5})
    assert t["owner_id"] == a["rep"]["id"]
    rep.create("sample-transactions", {"lot_id": lot["id"], "kind": "returned", "quantity": 3})
    rep.create("sample-transactions", {"lot_id": lot["id"], "kind": "adjusted", "quantity": -1, "reason": "count"})
    assert rep.get(f"/api/v1/sample-lots/{lot['id']}").json()["on_hand"] == 3
    assert fields_of(problem(rep.post("/api/v1/sample-transactions",
                                      {"lot_id": lot["id"], "kind": "returned", "quantity": 10}), 422)) == {"quantity"}
    assert fields_of(problem(rep.post("/api/v1/sample-transactions",
                                      {"lot_id": lot["id"], "kind": "dropped", "quantity": 1}), 400)) == {"kind"}
    problem(rep.patch(f"/api/v1/sample-transactions/{t['id']}", {"reason": "x"}, version=1), 409)


def test_opportunity_stages_and_history(world, ca):
    a = world["A"]
    rep = a["api"]["rep"]
    acc = rep.create("accounts", {"npi": ca["vt"][5], "client_id": cid()})
    assert fields_of(problem(rep.post("/api/v1/opportunities", {"account_id": acc["id"], "name": "Cath lab",
                                                                "stage": "dreaming"}), 422)) == {"stage"}
    o = rep.create("opportunities", {"account_id": acc["id"], "name": "Cath lab", "stage": "prospect", "amount": 25000,
                                     "product_id": a["cat"]["device"]["id"]})
    o2 = rep.patch(f"/api/v1/opportunities/{o['id']}", {"stage": "proposal"}, version=o["version"]).json()
    assert [h["to_stage"] for h in o2["stage_history"]] == ["prospect", "proposal"]
    assert o2["stage_history"][1]["from_stage"] == "prospect"


def test_account_custom_fields_follow_the_org_schema(world, ca):
    a = world["A"]
    admin, rep = a["api"]["admin"], a["api"]["rep"]
    s = admin.get("/api/v1/crm/settings").json()
    bad = admin.patch("/api/v1/crm/settings", {"account_fields_schema": {"type": "object", "properties":
                                                                         {"decile": {"type": "date"}}}},
                      version=s["version"])
    assert "account_fields_schema.properties.decile.type" in fields_of(problem(bad, 400))
    schema = {"type": "object", "required": ["decile"],
              "properties": {"decile": {"type": "integer", "minimum": 1, "maximum": 10},
                             "focus": {"type": "string", "enum": ["cardio", "onco"]}}}
    s = admin.patch("/api/v1/crm/settings", {"account_fields_schema": schema}, version=s["version"])
    assert s.status_code == 200, s.text
    r = problem(rep.post("/api/v1/accounts", {"npi": ca["ca"][5], "custom_fields": {"decile": 11, "focus": "derm"}}),
                400)
    assert fields_of(r) == {"custom_fields.decile", "custom_fields.focus"}
    ok = rep.create("accounts", {"npi": ca["ca"][5], "custom_fields": {"decile": 3, "focus": "onco"}})
    assert ok["custom_fields"] == {"decile": 3, "focus": "onco"}
    # One live account per physician per organisation.
    problem(rep.post("/api/v1/accounts", {"npi": ca["ca"][5], "custom_fields": {"decile": 4}}), 409)
    problem(world["A"]["api"]["manager"].patch("/api/v1/crm/settings", {"key_messages": []}, version=1), 403)


def test_change_request_approval_overlays_public_data_for_the_org_only(world, ca):
    a, b = world["A"], world["B"]
    npi = ca["vt"][0]
    phone = "802" + str(uuid.uuid4().int)[:7]
    cr = a["api"]["rep"].create("change-requests", {"npi": npi, "kind": "wrong_phone",
                                                    "proposed": {"practice_phone": phone},
                                                    "comment": "new number at the front desk"})
    assert cr["status"] == "pending"
    # Read before the approval: the server now remembers that this NPI has no correction for the rep.
    assert a["api"]["rep"].get(f"/api/v1/physicians/{npi}").json()["org_overrides"] == {}
    problem(a["api"]["rep"].post(f"/api/v1/change-requests/{cr['id']}/approve"), 403)
    problem(b["api"]["admin"].post(f"/api/v1/change-requests/{cr['id']}/approve"), 404)
    ok = a["api"]["admin"].post(f"/api/v1/change-requests/{cr['id']}/approve", {"note": "verified by phone"})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    problem(a["api"]["admin"].post(f"/api/v1/change-requests/{cr['id']}/reject"), 409)
    problem(a["api"]["rep"].patch(f"/api/v1/change-requests/{cr['id']}", {"comment": "x"}, version=ok.json()["version"]),
            409)
    over = a["api"]["rep"].get(f"/api/v1/crm/physicians/{npi}/overrides").json()
    assert over["overrides"] == {"practice_phone": phone}
    assert b["api"]["rep"].get(f"/api/v1/crm/physicians/{npi}/overrides").json()["overrides"] == {}
    # The profile carries the organisation's corrections, and its ETag changes with them.
    prof_a = a["api"]["rep"].get(f"/api/v1/physicians/{npi}")
    prof_b = b["api"]["rep"].get(f"/api/v1/physicians/{npi}")
    assert prof_a.json()["org_overrides"] == {"practice_phone": phone}
    assert prof_b.json()["org_overrides"] == {}
    assert prof_a.headers["ETag"] != prof_b.headers["ETag"]
    assert a["api"]["rep"].get(f"/api/v1/physicians/{npi}",
                               headers={"If-None-Match": prof_b.headers["ETag"]}).status_code == 200
    # The public row is untouched; once a newer release carries the same value the override stops applying.
    assert sql(f"SELECT practice_phone FROM ref.physician WHERE npi = {npi}") != phone
    sql(f"UPDATE ref.physician SET practice_phone = '{phone}' WHERE npi = {npi}")
    assert a["api"]["rep"].get(f"/api/v1/crm/physicians/{npi}/overrides").json()["overrides"] == {}
    assert a["api"]["rep"].get(f"/api/v1/physicians/{npi}").json()["org_overrides"] == {}


def test_an_approval_reaches_the_profile_cache_of_another_server_process(app_url, world, ca):
    """Scale-out: a second `rounds serve` on the same database learns of a correction approved through the first
    one by LISTEN/NOTIFY (migration 0036), without asking the database on each profile read; after its listening
    connection is killed it falls back to reading the counter, then listens again."""
    a = world["A"]
    other = Server(app_url, *FAST)
    try:
        rep_other = Api(other, {**a["rep"], "token": token_for(other, a["rep"])})
        npis = ca["vt"][1], ca["vt"][2]

        def approve(npi):
            phone = "802" + str(uuid.uuid4().int)[:7]
            cr = a["api"]["rep"].create("change-requests", {"npi": npi, "kind": "wrong_phone",
                                                            "proposed": {"practice_phone": phone}})
            assert a["api"]["admin"].post(f"/api/v1/change-requests/{cr['id']}/approve").status_code == 200
            return phone

        def seen_on_other(npi, phone, seconds=10.0):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if rep_other.get(f"/api/v1/physicians/{npi}").json()["org_overrides"] == {"practice_phone": phone}:
                    return True
                time.sleep(0.05)
            return False

        # The other process reads first: it now remembers that the rep's organisation corrects neither NPI.
        for npi in npis:
            assert rep_other.get(f"/api/v1/physicians/{npi}").json()["org_overrides"] == {}
        assert seen_on_other(npis[0], approve(npis[0]))
        # Kill the other process's listening connection; a correction made meanwhile still shows there.
        killed = sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = 'rounds-serve-listener' AND pid <> pg_backend_pid()")
        assert int(killed) >= 2  # both server processes listen
        assert seen_on_other(npis[1], approve(npis[1]))
        time.sleep(1.0)  # reconnected by now (backoff 250 ms)
        listening = sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rounds-serve-listener'")
        assert int(listening) >= 2
    finally:
        other.stop()


def test_exports_are_exactly_the_filtered_list_and_audited(world, ca):
    a = world["A"]
    rep2 = a["api"]["rep2"]
    for i in range(5):
        rep2.create("tasks", {"title": f"=export {i}", "status": "done" if i < 3 else "open", "client_id": cid()})
    listed = []
    cursor = None
    while True:
        page = rep2.get("/api/v1/tasks?status=done&limit=2" + (f"&cursor={cursor}" if cursor else "")).json()
        listed += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    r = rep2.get("/api/v1/tasks/export?status=done&format=csv")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["id"] for x in rows] == [t["id"] for t in listed]
    assert all(x["title"].startswith("'=") for x in rows if "export" in x["title"])  # formula injection defused
    x = rep2.get("/api/v1/tasks/export?status=done&format=xlsx")
    assert x.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
    values = list(sheet.values)
    assert values[0][0] == "id" and [v[0] for v in values[1:]] == [t["id"] for t in listed]
    problem(rep2.get("/api/v1/tasks/export?format=pdf"), 400)
    audit = a["api"]["admin"].get("/api/v1/admin/audit?action=crm.export&limit=200").json()["items"]
    mine = [e for e in audit if e["actor_id"] == a["rep2"]["id"]]
    assert len(mine) >= 2 and '"status":"done"' in mine[0]["detail"]


def test_large_exports_are_streamed_whole_and_audited(srv, world):
    """2,500 rows (three keyset pages): CSV arrives chunked (no Content-Length) with every row once; XLSX is
    built on the CPU pool and streamed from a temp file that is gone afterwards; both audited with the count."""
    b = world["B"]
    rep = b["api"]["rep"]
    org_id = b["id"]
    n = 2500
    sql(f"INSERT INTO crm.task (org_id, owner_id, title, status, created_by, updated_by) "
        f"SELECT '{org_id}', '{b['rep']['id']}', 'bulk ' || g, 'open', '{b['rep']['id']}', '{b['rep']['id']}' "
        f"FROM generate_series(1, {n}) g")
    r = rep.get("/api/v1/tasks/export?format=csv", stream=True)
    assert r.status_code == 200, r.text
    assert r.headers.get("Transfer-Encoding") == "chunked" and "Content-Length" not in r.headers
    text = r.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    bulk = [x for x in rows if x["title"].startswith("bulk ")]
    assert len(bulk) == n and len({x["id"] for x in rows}) == len(rows)
    expected = int(sql(f"SELECT count(*) FROM crm.task WHERE org_id = '{org_id}' AND owner_id = '{b['rep']['id']}' "
                       "AND deleted_at IS NULL"))
    assert len(rows) == expected
    x = rep.get("/api/v1/tasks/export?format=xlsx")
    assert x.status_code == 200 and int(x.headers["X-Row-Count"]) == expected
    sheet = openpyxl.load_workbook(io.BytesIO(x.content), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == expected + 1
    assert not [f for f in os.listdir(os.path.join(srv.storage, "tmp")) if f.endswith(".xlsx")]
    audit = b["api"]["admin"].get("/api/v1/admin/audit?limit=200").json()["items"]
    mine = [e for e in audit if e["actor_id"] == b["rep"]["id"] and e["action"].startswith("crm.export")]
    actions = [e["action"] for e in mine]
    assert "crm.export.completed" in actions and actions.count("crm.export") >= 2
    done = next(e for e in mine if e["action"] == "crm.export.completed")
    assert f'"rows":{expected}' in done["detail"]
    xlsx = next(e for e in mine if e["action"] == "crm.export" and '"xlsx"' in e["detail"])
    assert f'"rows":{expected}' in xlsx["detail"]


# ----- Reports ------------------------------------------------------------------------------------------------

def test_coverage_by_market_decile(srv):
    """Deciles come from the markets module (mkt.market_metric of the latest data year unless year= is given)."""
    w = make_world(srv)
    org = w["A"]
    admin, mgr, rep, rep2 = (Api(srv, org[r]) for r in ("admin", "manager", "rep", "rep2"))
    npis = [p["npi"] for p in w["physicians"]][:6]
    for npi in npis[:5]:
        rep.create("accounts", {"npi": npi, "is_target": True})
    rep2.create("accounts", {"npi": npis[5], "is_target": True})  # outside the manager's team
    m = admin.create("markets", {"name": "Statins " + cid(), "partd_generic_names": ["ATORVASTATIN"]})
    # Deciles: 2025 (latest) 10, 10, 7, 1, none; 2024 all 3 (only read with year=2024).
    rows = [(npis[0], 10), (npis[1], 10), (npis[2], 7), (npis[3], 1), (npis[5], 10)]
    values = ", ".join(
        f"('{org['id']}', '{m['id']}', {y}, {npi}, 1, 1, 0, 0, 0, 0, false, {d if y == 2025 else 3}, 1)"
        for npi, d in rows for y in (2024, 2025))
    sql("INSERT INTO mkt.market_metric (org_id, market_id, data_year, npi, volume, cost_cents, own_volume, "
        "competitor_volume, competitor_payments_cents, own_payments_cents, affiliated, decile_national, score) "
        "VALUES " + values)
    rep.create("calls", visit(npis[0], starts_at="2026-06-01T10:00:00Z"))
    rep.create("calls", visit(npis[3], starts_at="2026-06-02T10:00:00Z"))
    rep.create("calls", visit(npis[4], starts_at="2026-06-02T11:00:00Z"))
    rep.create("calls", visit(npis[2], starts_at="2026-06-02T12:00:00Z", status="planned"))  # not a visit
    q = f"/api/v1/reports/coverage?by=decile&market={m['id']}&from=2026-06-01&to=2026-07-01"
    cov = mgr.get(q).json()
    assert cov["by"] == "decile" and cov["market_id"] == m["id"] and cov["data_year"] == 2025
    d = {x["decile"]: x for x in cov["deciles"]}
    assert [x["decile"] for x in cov["deciles"]] == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, None]
    assert (d[10]["targets"], d[10]["visited"], float(d[10]["coverage_pct"])) == (2, 1, 50.0)
    assert (d[7]["targets"], d[7]["visited"]) == (1, 0)
    assert (d[1]["targets"], d[1]["visited"], float(d[1]["coverage_pct"])) == (1, 1, 100.0)
    assert (d[None]["targets"], d[None]["visited"]) == (1, 1)  # a target the market has no row for
    assert d[5]["targets"] == 0 and d[5]["coverage_pct"] is None
    assert (cov["total"]["targets"], cov["total"]["visited"]) == (5, 3)
    # The admin sees rep2's decile-10 target too; year=2024 uses that year's deciles.
    assert {x["decile"]: x["targets"] for x in admin.get(q).json()["deciles"]}[10] == 3
    old = {x["decile"]: x["targets"] for x in mgr.get(q + "&year=2024").json()["deciles"]}
    assert old[3] == 4 and old[10] == 0
    # The by-tier report is unchanged next to it.
    assert "tiers" in mgr.get("/api/v1/reports/coverage?by=tier").json()
    # Bad input names the field; another organisation's market is 404.
    assert "market" in fields_of(problem(mgr.get("/api/v1/reports/coverage?by=decile"), 400))
    assert "by" in fields_of(problem(mgr.get("/api/v1/reports/coverage?by=zip"), 400))
    assert "market" in fields_of(problem(mgr.get("/api/v1/reports/coverage?by=decile&market=x"), 400))
    assert fields_of(problem(mgr.get(f"/api/v1/reports/activity?market={m['id']}&by=decile"), 400)) == {"market"}
    other = Api(srv, w["B"]["admin"])
    problem(other.get(f"/api/v1/reports/coverage?by=decile&market={m['id']}"), 404)


@pytest.fixture(scope="module")
def reports_org(srv):
    """A fresh organisation for the report tests, so their figures are exact."""
    w = make_world(srv)
    org = w["A"]
    org["api"] = {r: Api(srv, org[r]) for r in ("admin", "manager", "rep", "rep2")}
    org["cat"] = setup_org_catalogue(org["api"]["admin"])
    org["physicians"] = w["physicians"]
    return org


def test_sunshine_running_totals_warnings_and_open_payments_file(reports_org):
    org = reports_org
    admin, rep = org["api"]["admin"], org["api"]["rep"]
    ca_npi = next(p["npi"] for p in org["physicians"] if p["state"] == "CA")
    vt_npi = next(p["npi"] for p in org["physicians"] if p["state"] == "VT")
    s = admin.get("/api/v1/crm/settings").json()
    assert float(s["op_min_item"]) == 13.82 and float(s["op_annual_threshold"]) == 138.13
    admin.patch("/api/v1/crm/settings", {"spend_caps": {"VT": 0}}, version=s["version"])
    for day, amount in (("2025-02-01", 10), ("2025-03-01", 100), ("2025-04-01", 40)):
        rep.create("calls", visit(ca_npi, starts_at=f"{day}T12:00:00Z", channel="video",
                                  spend=[{"kind": "meal", "amount": amount}]))
    rep.create("calls", visit(vt_npi, starts_at="2025-05-01T12:00:00Z", channel="video",
                              spend=[{"kind": "meal", "amount": 12, "attendee_count": 2}]))
    rep.create("calls", visit(ca_npi, starts_at="2026-01-05T12:00:00Z", channel="video",
                              spend=[{"kind": "gift", "amount": 5}]))
    report = admin.get("/api/v1/reports/sunshine?year=2025").json()
    by_npi = {str(p["npi"]): p for p in report["physicians"]}
    ca_row, vt_row = by_npi[ca_npi], by_npi[vt_npi]
    assert float(ca_row["total"]) == 150 and [float(i["running_total"]) for i in ca_row["items"]] == [10, 110, 150]
    assert any(w.startswith("federal") for w in ca_row["warnings"])
    assert all(i["reportable"] for i in ca_row["items"])  # the aggregate crossed: even the $10 item
    assert float(vt_row["total"]) == 6 and any(w.startswith("state") for w in vt_row["warnings"])
    assert not vt_row["items"][0]["reportable"]
    # The rep's own view matches (all rows are theirs); another rep sees none of them.
    assert len(rep.get("/api/v1/reports/sunshine?year=2025").json()["physicians"]) == 2
    assert org["api"]["rep2"].get("/api/v1/reports/sunshine?year=2025").json()["physicians"] == []
    problem(admin.get("/api/v1/reports/sunshine?year=1999"), 400)
    problem(rep.get("/api/v1/reports/sunshine/export?year=2025"), 403)
    f = admin.get("/api/v1/reports/sunshine/export?year=2025")
    assert f.status_code == 200
    rows = list(csv.DictReader(io.StringIO(f.text)))
    assert [r["Covered Recipient NPI"] for r in rows] == [ca_npi] * 3  # the VT $6 is under both thresholds
    assert rows[0]["Nature of Payment or Transfer of Value"] == "Food and Beverage"
    assert rows[0]["Date of Payment"] == "02/01/2025" and rows[0]["Total Amount of Payment USDollars"] == "10.00"
    assert rows[0]["Covered Recipient License State code1"] == "CA"


def test_activity_coverage_pipeline_spend_and_team_scope(reports_org):
    org = reports_org
    admin, mgr, rep, rep2 = (org["api"][r] for r in ("admin", "manager", "rep", "rep2"))
    npis = [p["npi"] for p in org["physicians"]][12:16]
    for i, npi in enumerate(npis):
        rep.create("accounts", {"npi": npi, "is_target": True, "tier": "A" if i < 2 else "B"})
    rep.create("calls", visit(npis[0], starts_at="2026-06-01T10:00:00Z", channel="in_person"))
    rep.create("calls", visit(npis[2], starts_at="2026-06-02T10:00:00Z", channel="phone"))
    rep.create("calls", visit(npis[1], starts_at="2026-06-03T10:00:00Z", channel="phone", status="planned"))
    rep2.create("calls", visit(npis[3], starts_at="2026-06-03T10:00:00Z", channel="video"))
    cov = mgr.get("/api/v1/reports/coverage?from=2026-06-01&to=2026-07-01").json()
    tiers = {t["tier"]: t for t in cov["tiers"]}
    assert (tiers["A"]["targets"], tiers["A"]["visited"]) == (2, 1)
    assert (tiers["B"]["targets"], tiers["B"]["visited"]) == (2, 1)  # rep2's visit is outside the team
    act = mgr.get("/api/v1/reports/activity?from=2026-06-01&to=2026-07-01").json()["items"]
    assert sum(r["calls"] for r in act) == 3 and {r["owner_id"] for r in act} == {org["rep"]["id"]}
    assert {(r["channel"], r["status"]) for r in act} == {("in_person", "completed"), ("phone", "completed"),
                                                          ("phone", "planned")}
    assert sum(r["calls"] for r in admin.get("/api/v1/reports/activity?from=2026-06-01&to=2026-07-01")
               .json()["items"]) == 4
    acc = rep.get(f"/api/v1/accounts?npi={npis[0]}").json()["items"][0]
    o1 = rep.create("opportunities", {"account_id": acc["id"], "name": "A", "stage": "prospect", "amount": 1000})
    o2 = rep.create("opportunities", {"account_id": acc["id"], "name": "B", "stage": "prospect", "amount": 3000})
    rep.patch(f"/api/v1/opportunities/{o2['id']}", {"stage": "proposal"}, version=o2["version"])
    pipe = mgr.get("/api/v1/reports/pipeline").json()
    st = {s["stage"]: s for s in pipe["stages"]}
    assert (st["prospect"]["count"], float(st["prospect"]["amount"])) == (1, 1000)
    assert float(st["proposal"]["weighted_amount"]) == 1500 and st["proposal"]["conversion_pct"] == 50
    assert st["prospect"]["reached"] == 2 and pipe["total"]["count"] == 2
    assert o1["id"]
    spend = admin.get("/api/v1/reports/spend?from=2025-01-01&to=2027-01-01").json()["items"]
    assert spend and all({"rep", "nature", "amount"} <= set(r) for r in spend)


def test_call_plan_attainment_and_sample_reconciliation(reports_org):
    org = reports_org
    admin, mgr, rep = org["api"]["admin"], org["api"]["manager"], org["api"]["rep"]
    ca_npis = [p["npi"] for p in org["physicians"] if p["state"] == "CA"]
    for npi in ca_npis[:3]:
        rep.create("call-plans", {"npi": npi, "cycle_start": "2026-07-01", "cycle_end": "2026-09-30",
                                  "channel": "in_person", "planned_calls": 2})
    rep.create("calls", visit(ca_npis[0], starts_at="2026-07-10T10:00:00Z"))
    rep.create("calls", visit(ca_npis[0], starts_at="2026-08-10T10:00:00Z"))
    rep.create("calls", visit(ca_npis[0], starts_at="2026-09-10T10:00:00Z"))  # beyond plan: not counted twice
    rep.create("calls", visit(ca_npis[1], starts_at="2026-07-11T10:00:00Z"))
    rep.create("calls", visit(ca_npis[2], starts_at="2026-09-29T10:00:00Z", status="planned"))
    att = mgr.get("/api/v1/reports/call-plan-attainment?cycle_start=2026-07-01").json()
    r = att["reps"][0]
    assert (r["targets"], r["reached"], r["planned"], r["done"], r["scheduled"]) == (3, 2, 6, 4, 1)
    assert float(r["frequency_pct"]) == 50.0 and float(r["reach_pct"]) == 66.7
    assert att["team"]["planned"] == 6
    lot = admin.create("sample-lots", {"product_id": org["cat"]["drug"]["id"], "lot_number": "REC-1",
                                       "expires_on": "2030-01-01", "quantity": 10, "owner_id": org["rep"]["id"]})
    rep.create("calls", visit(ca_npis[0], starts_at="2026-07-15T10:00:00Z", samples=[
        {"product_id": org["cat"]["drug"]["id"], "lot_id": lot["id"], "quantity": 3}]))
    rep.create("sample-transactions", {"lot_id": lot["id"], "kind": "returned", "quantity": 2})
    rec = {x["lot_id"]: x for x in mgr.get("/api/v1/reports/sample-reconciliation").json()["items"]}[lot["id"]]
    assert (rec["received"], rec["dropped"], rec["returned"], rec["expected_on_hand"], rec["recorded_on_hand"]) == \
        (10, 3, 2, 5, 5)
    assert rec["discrepancy"] is False
    # A discrepancy (on-hand changed outside the ledger) is flagged.
    sql(f"UPDATE crm.sample_lot SET on_hand = 4 WHERE id = '{lot['id']}'")
    rec = {x["lot_id"]: x for x in mgr.get("/api/v1/reports/sample-reconciliation").json()["items"]}[lot["id"]]
    assert rec["discrepancy"] is True


# ----- Import -------------------------------------------------------------------------------------------------

def post_csv(api, kind, text, dry_run=False):
    return api.req("POST", f"/api/v1/imports/{kind}" + ("?dry_run=true" if dry_run else ""), data=text.encode(),
                   headers={"Content-Type": "text/csv"})


def test_import_accounts_dry_run_reports_every_bad_line_then_apply_and_revert(reports_org):
    org = reports_org
    rep, admin = org["api"]["rep"], org["api"]["admin"]
    npis = [p["npi"] for p in org["physicians"]]
    existing = rep.create("accounts", {"npi": npis[6], "tier": "C", "segment": "old"})
    good = [f"{npis[7]},A,true,kol;cardio,mon;wed", f"{npis[6]},B,false,,", f'"{npis[8]}",A,yes,"x, y",fri']
    bad = ["1234567890,A,true,,", f"{npis[9]},A,perhaps,,", f"{npis[9]},A,true,,someday", "1234567893,A,true,,",
           f"{npis[9]},A"]
    text = "npi,tier,is_target,tags,best_days\n" + "\n".join(good[:2] + bad + good[2:]) + "\n"
    r = post_csv(rep, "accounts", text, dry_run=True)
    assert r.status_code == 200, r.text
    rep_json = r.json()
    got = {(e["line"], e["field"]) for e in rep_json["errors"]}
    assert got == {(4, "npi"), (5, "is_target"), (6, "best_days[0]"), (7, "npi"), (8, "")}
    assert rep_json["rows_total"] == 8 and rep_json["import_id"] is None
    assert rep.get(f"/api/v1/accounts?npi={npis[7]}").json()["items"] == []  # dry run kept nothing
    # The real run with bad lines applies nothing either.
    r = post_csv(rep, "accounts", text)
    assert r.status_code == 422 and r.json()["applied"] is False
    assert rep.get(f"/api/v1/accounts?npi={npis[7]}").json()["items"] == []
    # Only good lines: created and updated, keyed by NPI.
    r = post_csv(rep, "accounts", "npi,tier,is_target,tags,best_days\n" + "\n".join(good) + "\n")
    assert r.status_code == 201, r.text
    res = r.json()
    assert (res["rows_created"], res["rows_updated"]) == (2, 1)
    acc = rep.get(f"/api/v1/accounts?npi={npis[7]}").json()["items"][0]
    assert acc["tags"] == ["kol", "cardio"] and acc["best_days"] == ["mon", "wed"] and acc["is_target"] is True
    upd = rep.get(f"/api/v1/accounts/{existing['id']}").json()
    assert upd["tier"] == "B" and upd["segment"] == "old"
    job = rep.get(f"/api/v1/imports/{res['import_id']}").json()
    assert job["status"] == "applied" and job["rows_created"] == 2
    # Revert: created rows go, the updated row gets its old values back.
    rv = rep.post(f"/api/v1/imports/{res['import_id']}/revert")
    assert rv.status_code == 200 and rv.json()["status"] == "reverted", rv.text
    assert rep.get(f"/api/v1/accounts?npi={npis[7]}").json()["items"] == []
    assert rep.get(f"/api/v1/accounts/{existing['id']}").json()["tier"] == "C"
    problem(rep.post(f"/api/v1/imports/{res['import_id']}/revert"), 409)
    audit = admin.get("/api/v1/admin/audit?action=crm.import&limit=50").json()["items"]
    assert any(e["target_id"] == res["import_id"] for e in audit)


def seed_many_physicians(count, prefix):
    """`count` public physicians by COPY (too many for one INSERT statement). Returns their NPIs."""
    npis = [make_npi(f"{prefix}{i:07d}") for i in range(count)]
    phys = "".join(f"{n}\t1\tBulk{i}\tJo\tCA\tTown\t1\t1\n" for i, n in enumerate(npis))
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", OWNER_URL, "-c",
                    "CREATE TEMP TABLE p (npi bigint, entity_type smallint, last_name text, first_name text, "
                    "practice_state text, practice_city text, release_id bigint, first_release_id bigint); "
                    "COPY p FROM STDIN; "
                    "INSERT INTO ref.physician (npi, entity_type, last_name, first_name, practice_state, "
                    "practice_city, release_id, first_release_id) SELECT * FROM p ON CONFLICT (npi) DO NOTHING"],
                   input=phys, check=True, capture_output=True, text=True)
    return npis


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssSampler:
    """The peak resident set size of a process while a block runs (sampled every 20 ms)."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()

    def __enter__(self):
        self.base = rss_kib(self.pid)
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_kib(self.pid))
        self.growth_mib = (self.peak - self.base) / 1024


# Lines of the large import test: 100,000 with ROUNDS_IMPORT_LINES=100000 (3-4 ms a line on a loaded 2-core
# machine, ~15 minutes for the whole test: not in the default run); 5,000 by default (a 1.4 MiB body, over the
# 1 MiB --http-body-limit).
IMPORT_LINES = int(os.environ.get("ROUNDS_IMPORT_LINES", "5000"))


def test_large_import_is_streamed_with_bounded_memory(srv, reports_org):
    """Far past --http-body-limit (1 MiB here): the import streams. A bad line near the end is reported by
    number; the good file is applied whole and reverted whole."""
    org = reports_org
    rep = org["api"]["rep"]
    n = IMPORT_LINES
    npis = seed_many_physicians(n, "17")
    header = "npi,tier,segment,tags,name\n"
    name = "N" * 250
    lines = [f"{npi},A,bulk,t{i % 7};x,{name}\n" for i, npi in enumerate(npis)]
    bad = list(lines)
    bad[n - 3] = f"{npis[n - 3]},A,bulk,t;x,{name},extra\n"  # line n - 1 (99,999 of 100,000; the header is line 1)
    body = (header + "".join(bad)).encode()
    assert len(body) > 1024 * 1024

    def chunks(data, size=256 * 1024):
        for i in range(0, len(data), size):
            yield data[i:i + size]

    # Dry run, chunked transfer (no Content-Length): every line checked, the one bad line reported by number.
    r = rep.req("POST", "/api/v1/imports/accounts?dry_run=true", data=chunks(body),
                headers={"Content-Type": "text/csv"}, timeout=1800)
    assert r.status_code == 200, r.text[:2000]
    res = r.json()
    assert res["rows_total"] == n and res["errors_total"] == 1, {k: res[k] for k in res if k != "errors"}
    assert [(e["line"], e["field"]) for e in res["errors"]] == [(n - 1, "")]
    assert "has 6 fields" in res["errors"][0]["message"]
    assert res["rows_created"] == n - 1 and res["applied"] is False
    assert sql(f"SELECT count(*) FROM crm.account WHERE npi = {npis[0]}") == "0"
    # A 100,000-line pass outlives an access token: sign in again (a fresh user dict, the fixture's stays as is).
    rep = Api(srv, {**org["rep"], "token": token_for(srv, org["rep"])})
    # The good file with a Content-Length: applied in one transaction, all rows, no duplicates.
    good = (header + "".join(lines)).encode()
    with RssSampler(srv.proc.pid) as mem:
        r = rep.req("POST", "/api/v1/imports/accounts", data=good, headers={"Content-Type": "text/csv"},
                    timeout=1800)
    assert r.status_code == 201, r.text[:2000]
    res = r.json()
    assert (res["rows_total"], res["rows_created"], res["errors_total"]) == (n, n, 0)
    org_id = org["id"]
    counts = sql(f"SELECT count(*), count(DISTINCT npi), count(*) FILTER (WHERE import_id = '{res['import_id']}') "
                 f"FROM crm.account WHERE org_id = '{org_id}' AND segment = 'bulk' AND deleted_at IS NULL")
    assert counts == f"{n}|{n}|{n}"
    print(f"\n{n}-line import: body {len(good) / 2**20:.1f} MiB, server RSS {mem.base / 1024:.0f} MiB -> "
          f"peak {mem.peak / 1024:.0f} MiB (+{mem.growth_mib:.0f} MiB)")
    assert mem.growth_mib < 64, mem.growth_mib
    # A whole-import revert.
    rv = rep.post(f"/api/v1/imports/{res['import_id']}/revert", timeout=1800)
    assert rv.status_code == 200, rv.text
    assert sql(f"SELECT count(*) FROM crm.account WHERE org_id = '{org_id}' AND segment = 'bulk' "
               "AND deleted_at IS NULL") == "0"


def test_import_memory_stays_bounded_for_a_large_body_and_the_report_is_capped(srv, reports_org):
    """200 MiB of bad lines (chunked): the server holds neither the body nor every error in memory."""
    rep = reports_org["api"]["rep"]
    lines, width = 100_000, 2000
    line = ("y" * width + "\n").encode()

    def body():
        yield b"npi,tier\n"
        block = line * 500
        for _ in range(lines // 500):
            yield block

    with RssSampler(srv.proc.pid) as mem:
        r = rep.req("POST", "/api/v1/imports/accounts?dry_run=true", data=body(),
                    headers={"Content-Type": "text/csv"}, timeout=1800)
    assert r.status_code == 200, r.text[:2000]
    res = r.json()
    assert res["rows_total"] == lines and res["errors_total"] == lines
    assert len(res["errors"]) == 1000 and res["errors_not_listed"] == lines - 1000
    assert res["errors"][0]["line"] == 2 and res["errors"][-1]["line"] == 1001
    print(f"\n{lines * width / 2**20:.0f} MiB import body: server RSS +{mem.growth_mib:.0f} MiB")
    assert mem.growth_mib < 64, mem.growth_mib


def test_import_over_the_import_limit_is_413(app_url):
    s = Server(app_url, *FAST, "--import-body-limit", "100000")
    try:
        w = make_world(s)
        rep = Api(s, w["A"]["rep"])
        r = rep.req("POST", "/api/v1/imports/accounts", data=b"npi,tier\n" + b"1,A\n" * 30000,
                    headers={"Content-Type": "text/csv"})
        problem(r, 413)

        def chunks():
            yield b"npi,tier\n"
            for _ in range(100):
                yield b"1,A\n" * 1000

        r = rep.req("POST", "/api/v1/imports/accounts?dry_run=true", data=chunks(),
                    headers={"Content-Type": "text/csv"})
        body = problem(r, 413)
        assert "100000" in body["detail"]
    finally:
        s.stop()


def test_import_revert_refuses_rows_changed_since(reports_org):
    org = reports_org
    rep = org["api"]["rep"]
    npi = org["physicians"][10]["npi"]
    r = post_csv(rep, "accounts", f"npi,tier\n{npi},A\n")
    assert r.status_code == 201, r.text
    acc = rep.get(f"/api/v1/accounts?npi={npi}").json()["items"][0]
    rep.patch(f"/api/v1/accounts/{acc['id']}", {"tier": "Z"}, version=acc["version"])
    body = problem(rep.post(f"/api/v1/imports/{r.json()['import_id']}/revert"), 409)
    assert f"accounts/{acc['id']}" in fields_of(body)


def test_import_call_plans_and_past_calls(reports_org):
    org = reports_org
    mgr, rep = org["api"]["manager"], org["api"]["rep"]
    npis = [p["npi"] for p in org["physicians"]]
    plans = ("npi,cycle_start,cycle_end,channel,planned_calls,owner_email\n"
             f"{npis[0]},2026-10-01,2026-12-31,in_person,3,{org['rep']['email']}\n"
             f"{npis[1]},2026-10-01,2026-12-31,phone,2,{org['rep']['email']}\n"
             f"{npis[2]},2026-10-01,2026-12-31,phone,2,{org['rep2']['email']}\n")
    r = post_csv(mgr, "call-plans", plans, dry_run=True)
    assert {(e["line"], e["field"]) for e in r.json()["errors"]} == {(4, "owner_email")}  # rep2 is not in the team
    r = post_csv(mgr, "call-plans", "\n".join(plans.splitlines()[:3]) + "\n")
    assert r.status_code == 201 and r.json()["rows_created"] == 2, r.text
    again = post_csv(mgr, "call-plans", plans.splitlines()[0] + "\n" + plans.splitlines()[1].replace(",3,", ",5,") + "\n")
    assert again.json()["rows_updated"] == 1
    mine = rep.get("/api/v1/call-plans?cycle_start=2026-10-01").json()["items"]
    assert sorted(p["planned_calls"] for p in mine) == [2, 5]
    calls = ("npi,starts_at,channel,status,notes,duration_minutes\n"
             f"{npis[0]},2026-10-02T09:00:00Z,in_person,completed,imported visit,20\n"
             f"{npis[0]},2026-10-03T09:00:00Z,in_person,completed,,abc\n")
    r = post_csv(rep, "calls", calls)
    assert r.status_code == 422 and {(e["line"], e["field"]) for e in r.json()["errors"]} == {(3, "duration_minutes")}
    r = post_csv(rep, "calls", "\n".join(calls.splitlines()[:2]) + "\n")
    assert r.status_code == 201 and r.json()["rows_created"] == 1
    assert r.json()["rows_created"] == 1
    problem(rep.req("POST", "/api/v1/imports/calls", json={"npi": 1}), 415)
    problem(post_csv(rep, "calls", "colour,npi\nred,1\n"), 400)
