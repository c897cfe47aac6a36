"""Shared set-up of the targeting suites (markets, territories): a throw-away database with a generated release
loaded (same NPIs across every data set, a Minneapolis-area region) or the real CMS excerpts, the demo logins,
and helpers to run the recompute the way the worker does."""
import os
import subprocess
import uuid

import requests

from conftest import BIN, OWNER_URL, APP_URL, Server, drop_database, psql, require_env

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CMS = os.path.join(REPO, "..", "shared", "data", "cms")
ACME = "Rounds-Demo-Acme-1"
GLOBEX = "Rounds-Demo-Globex-1"


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


def load_generated(tmp_dir, owner, physicians=1000, seed=11):
    subprocess.run([BIN, "bench", "gen", "--physicians", str(physicians), "--seed", str(seed), "--out", tmp_dir],
                   check=True, capture_output=True)
    storage = os.path.join(tmp_dir, "storage")  # raw-file archive of the loads, thrown away with tmp_dir
    r = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "load-release.py"), BIN, tmp_dir, owner,
                        storage],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def ingest(owner, dataset, path, *extra):
    r = subprocess.run([BIN, "ingest", dataset, path, "--database-url", owner, "--quiet", "--log-level", "warn",
                        "--storage-dir", "/tmp/rounds-it-storage", *extra], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def run_worker(app):
    """Runs the queued jobs once, as `rounds worker` does (the recompute after market/territory changes)."""
    r = subprocess.run([BIN, "worker", "--once", "--database-url", app, "--log-level", "warn"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def server(app):
    return Server(app, "--rate-limit-per-second", "100000", "--rate-limit-burst", "100000")


class Client:
    """One signed-in user of a server."""

    def __init__(self, srv, email, password):
        r = requests.post(srv.url("/api/v1/auth/login"), json={"email": email, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        self.srv = srv
        self.headers = {"Authorization": "Bearer " + r.json()["access_token"]}
        self.user_id = r.json()["user"]["id"]
        self.org_id = r.json()["user"]["org_id"]

    def call(self, method, path, **kw):
        kw.setdefault("timeout", 60)
        kw["headers"] = {**self.headers, **kw.get("headers", {})}
        return requests.request(method, self.srv.url(path), **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.call("POST", path, json=body, **kw)

    def patch(self, path, body, **kw):
        return self.call("PATCH", path, json=body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def walk(self, path, limit=50):
        """Every item of a cursor-paginated list, asserting no page repeats an item."""
        items, cursor, sep = [], None, "&" if "?" in path else "?"
        while True:
            page = self.get(path + f"{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
            assert page.status_code == 200, page.text
            body = page.json()
            assert len(body["items"]) <= limit
            items += body["items"]
            cursor = body["next_cursor"]
            if not cursor:
                return items


def problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    return resp.json()


def fields(resp, status):
    return [e["field"] for e in problem(resp, status).get("errors", [])]


def sql(url, text):
    """A query as the owner, in the owner's cross-organisation admin mode (row-level security is forced on the
    owner too; the tests read every organisation's derived rows)."""
    return psql(url, "SET rounds.admin = 'on'; " + text)


__all__ = ["make_db", "load_generated", "ingest", "run_worker", "server", "Client", "problem", "fields", "sql",
           "drop_database", "CMS", "ACME", "GLOBEX", "OWNER_URL"]
