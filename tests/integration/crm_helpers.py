"""Helpers for the CRM integration tests: a two-organisation world (admin, manager, rep in the manager's team,
and a second rep outside it), fake public physicians in ref.* with known licence states, and small API
wrappers."""
import uuid

import requests

from auth_helpers import bearer, create_org, create_user, token_for
from conftest import OWNER_URL, psql

PW = "correct horse battery staple"
FAST = ["--auth-cookie-secure", "false", "--argon2-memory-kib", "4096", "--argon2-time-cost", "1",
        "--login-ip-lockout-threshold", "100000", "--rate-limit-per-second", "100000",
        "--rate-limit-burst", "100000"]


def npi_check_digit(stem9):
    digits = "80840" + stem9
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_npi(stem9):
    return stem9 + npi_check_digit(stem9)


def seed_physicians(count=12, prefix="19"):
    """Public physicians with NPIs <prefix>…, licence states alternating CA (sampling allowed in tests) and VT.
    Returns [{"npi": str, "state": str}]. Idempotent."""
    out = []
    rows, tax = [], []
    for i in range(count):
        npi = make_npi(f"{prefix}{i:07d}")
        state = "CA" if i % 2 == 0 else "VT"
        out.append({"npi": npi, "state": state})
        rows.append(f"({npi}, 1, 'Doe{i}', 'Jane', '{state}', 'Town', '5550100{i:02d}', 1, 1)")
        tax.append(f"({npi}, 1, '207R00000X', 'L{i}', '{state}', true, 1)")
    psql(OWNER_URL, "INSERT INTO ref.physician (npi, entity_type, last_name, first_name, practice_state, "
                    "practice_city, practice_phone, release_id, first_release_id) VALUES " + ", ".join(rows) +
         " ON CONFLICT (npi) DO NOTHING")
    psql(OWNER_URL, "INSERT INTO ref.physician_taxonomy (npi, slot, taxonomy_code, license_number, license_state, "
                    "is_primary, release_id) VALUES " + ", ".join(tax) + " ON CONFLICT (npi, slot) DO NOTHING")
    return out


def make_world(srv):
    w = {}
    for key in ("A", "B"):
        slug, org_id = create_org(f"CRM {key}")
        org = {"slug": slug, "id": org_id}
        for role in ("admin", "manager", "rep"):
            org[role] = create_user(slug, role, PW)
        org["rep2"] = create_user(slug, "rep", PW, prefix="rep2")
        for role in ("admin", "manager", "rep", "rep2"):
            org[role]["token"] = token_for(srv, org[role])
        r = requests.patch(srv.url(f"/api/v1/admin/users/{org['rep']['id']}"), headers=bearer(org["admin"]["token"]),
                           json={"manager_id": org["manager"]["id"]}, timeout=10)
        assert r.status_code == 200, r.text
        w[key] = org
    w["physicians"] = seed_physicians(24)
    return w


class Api:
    """Requests as one user."""

    def __init__(self, srv, user):
        self.srv = srv
        self.user = user
        self.h = bearer(user["token"])

    def req(self, method, path, json=None, headers=None, **kw):
        kw.setdefault("timeout", 30)
        return requests.request(method, self.srv.url(path), json=json, headers={**self.h, **(headers or {})}, **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, json=body, **kw)

    def patch(self, path, body, version=None, **kw):
        headers = {"If-Match": f'"{version}"'} if version is not None else {}
        return self.req("PATCH", path, json=body, headers=headers, **kw)

    def delete(self, path, version=None):
        headers = {"If-Match": f'"{version}"'} if version is not None else {}
        return self.req("DELETE", path, headers=headers)

    def create(self, entity, body, status=201):
        r = self.post(f"/api/v1/{entity}", body)
        assert r.status_code == status, r.text
        return r.json()


def cid():
    return str(uuid.uuid4())


def setup_org_catalogue(admin_api, sampling_states=("CA",)):
    """Products, sampling rules; returns {"drug": product, "device": product (not sampleable)}."""
    s = admin_api.get("/api/v1/crm/settings")
    assert s.status_code == 200, s.text
    r = admin_api.patch("/api/v1/crm/settings", {"sampling_states": list(sampling_states),
                                                 "key_messages": ["efficacy", "safety"]},
                        version=s.json()["version"])
    assert r.status_code == 200, r.text
    drug = admin_api.create("products", {"name": "Cardiozol 10mg", "code": "CZ10", "sampleable": True,
                                         "client_id": cid()})
    device = admin_api.create("products", {"name": "StentPro", "code": "SP1", "client_id": cid()})
    return {"drug": drug, "device": device}


# ----- Support for the tenant/role isolation matrix of test_auth.py ----------------------------------------------
CRM_OWNED = ["accounts", "calls", "tasks", "opportunities", "notes", "sample-lots", "sample-transactions",
             "call-plans", "change-requests"]
CRM_SHARED_WRITERS = {"products": ("admin",), "restrictions": ("manager", "admin")}
ROLES = ("rep", "manager", "admin")


def crm_isolation_entries():
    """role -> (status on an own-org record, on a foreign-org record) for every CRM endpoint. Own records belong
    to the organisation's rep, who reports to its manager; every request gets a fresh record (CrmIsolation)."""
    def all_roles(own, foreign):
        return {r: (own, foreign) for r in ROLES}

    e = {}
    for name in CRM_OWNED + list(CRM_SHARED_WRITERS):
        base = f"/api/v1/{name}"
        writers = CRM_SHARED_WRITERS.get(name)

        def write(own, foreign):
            if writers is None:
                return all_roles(own, foreign)
            return {r: ((own, foreign) if r in writers else (403, None if foreign is None else 403)) for r in ROLES}

        e[("GET", base)] = all_roles(200, None)
        e[("GET", base + "/export")] = all_roles(200, None)
        e[("POST", base)] = write(201, None)
        e[("GET", base + "/{id}")] = all_roles(200, 404)
        # PATCH without If-Match: 412 once the record is found (404 when it is not yours to see).
        e[("PATCH", base + "/{id}")] = write(409 if name == "sample-transactions" else 412, 404)
        e[("DELETE", base + "/{id}")] = write(409 if name in ("sample-lots", "sample-transactions") else 204, 404)
    e[("GET", "/api/v1/crm/settings")] = all_roles(200, None)
    e[("PATCH", "/api/v1/crm/settings")] = {"rep": (403, None), "manager": (403, None), "admin": (412, None)}
    e[("POST", "/api/v1/calls/{id}/submit")] = all_roles(412, 404)
    e[("POST", "/api/v1/calls/{id}/amendments")] = all_roles(412, 404)
    e[("GET", "/api/v1/calls/{id}/amendments")] = all_roles(200, 404)
    for name in ("activity", "coverage", "pipeline", "spend", "sunshine", "call-plan-attainment",
                 "sample-reconciliation"):
        e[("GET", f"/api/v1/reports/{name}")] = all_roles(200, None)
    e[("GET", "/api/v1/reports/sunshine/export")] = {"rep": (403, None), "manager": (403, None), "admin": (200, None)}
    # The matrix sends JSON bodies: an import wants text/csv, so every role gets 415 (test_crm_import covers it).
    for kind in ("accounts", "call-plans", "calls"):
        e[("POST", f"/api/v1/imports/{kind}")] = all_roles(415, None)
    e[("GET", "/api/v1/crm/tasks/reminders")] = all_roles(200, None)
    # A fresh task of the rep has no reminder due: the assignee gets 409; others who see it 403; foreign 404.
    e[("POST", "/api/v1/tasks/{id}/reminder/acknowledge")] = {"rep": (409, 404), "manager": (403, 404),
                                                              "admin": (403, 404)}
    e[("GET", "/api/v1/imports")] = all_roles(200, None)
    e[("GET", "/api/v1/imports/{id}")] = all_roles(200, 404)
    e[("POST", "/api/v1/imports/{id}/revert")] = all_roles(200, 404)
    for verb in ("approve", "reject"):
        e[("POST", f"/api/v1/change-requests/{{id}}/{verb}")] = {"rep": (403, 403), "manager": (403, 403),
                                                                 "admin": (200, 404)}
    return e


class CrmIsolation:
    """Fresh CRM records of either organisation of test_auth.py's world, and valid bodies for each endpoint."""

    PATCH_BODIES = {"accounts": {"tier": "B"}, "calls": {"notes": "x"}, "tasks": {"title": "x"},
                    "opportunities": {"name": "x"}, "notes": {"body": "x"}, "products": {"name": "x"},
                    "restrictions": {"reason": "x"}, "sample-lots": {"lot_number": "L2"},
                    "sample-transactions": {"reason": "x"}, "call-plans": {"planned_calls": 4},
                    "change-requests": {"comment": "x"}}

    def __init__(self, srv, world):
        self.srv = srv
        self.world = world
        self.npis = [p["npi"] for p in seed_physicians(600, prefix="18")]
        self.next = 0
        self.cat = {}
        for key in ("A", "B"):
            org = world[key]
            admin = Api(srv, org["admin"])
            drug = admin.create("products", {"name": "Iso drug", "sampleable": True})
            self.cat[key] = {"drug": drug["id"]}

    def npi(self):
        self.next += 1
        return self.npis[self.next % len(self.npis)]

    def handles(self, path):
        return any(path.startswith(f"/api/v1/{n}") for n in CRM_OWNED + list(CRM_SHARED_WRITERS)) or \
            path.startswith(("/api/v1/crm/", "/api/v1/reports/", "/api/v1/imports"))

    def create_body(self, key, name):
        if name == "accounts":
            return {"npi": self.npi()}
        if name == "calls":
            return {"npi": self.npi(), "starts_at": "2026-03-01T09:30:00Z", "channel": "phone"}
        if name == "tasks":
            return {"title": "iso"}
        if name == "opportunities":
            account = Api(self.srv, self.world[key]["rep"]).create("accounts", {"npi": self.npi()})
            return {"account_id": account["id"], "name": "iso", "stage": "prospect"}
        if name == "notes":
            return {"body": "iso"}
        if name == "products":
            return {"name": "iso"}
        if name == "restrictions":
            return {"npi": self.npi(), "kind": "no_see"}
        if name == "sample-lots":
            return {"product_id": self.cat[key]["drug"], "lot_number": "L1", "expires_on": "2030-01-01"}
        if name == "sample-transactions":
            lot = Api(self.srv, self.world[key]["rep"]).create("sample-lots", self.create_body(key, "sample-lots"))
            return {"lot_id": lot["id"], "kind": "received", "quantity": 1}
        if name == "call-plans":
            return {"npi": self.npi(), "cycle_start": "2026-01-01", "cycle_end": "2026-03-31",
                    "channel": "in_person", "planned_calls": 3}
        if name == "change-requests":
            return {"npi": self.npi(), "kind": "wrong_phone", "proposed": {"practice_phone": "5550000000"}}
        raise KeyError(name)

    @staticmethod
    def entity(path):
        return path.split("/")[3]

    def target(self, key, path):
        """A fresh record of organisation `key` for the {id} of `path`: shared ones made by its admin, owned ones
        by its rep."""
        name = self.entity(path)
        if name == "imports":
            r = requests.post(self.srv.url("/api/v1/imports/accounts"), data=f"npi,tier\n{self.npi()},A\n",
                              headers={**bearer(self.world[key]["rep"]["token"]), "Content-Type": "text/csv"},
                              timeout=30)
            assert r.status_code == 201, r.text
            return r.json()["import_id"]
        maker = self.world[key]["admin" if name in CRM_SHARED_WRITERS else "rep"]
        return Api(self.srv, maker).create(name, self.create_body(key, name))["id"]

    def body(self, method, path):
        name = self.entity(path)
        if path.endswith("/amendments") and method == "POST":
            return {"reason": "typo", "changes": {"notes": "fixed"}}
        if path.startswith("/api/v1/imports"):
            return None
        if path.endswith(("/submit", "/approve", "/reject", "/acknowledge")) or method in ("GET", "DELETE"):
            return None
        if path == "/api/v1/crm/settings":
            return {"key_messages": ["a"]}
        if method == "PATCH":
            return self.PATCH_BODIES[name]
        return self.create_body("A", name)
