"""Identity and tenancy against the real binary: sign-in, MFA, refresh rotation and reuse detection, lock-out,
rate limits, mass assignment, the audit log, and the table-driven isolation test over every endpoint."""
import base64
import json
import re
import tempfile
import time
import uuid

import pytest
import requests

from auth_helpers import (admin_cli, bearer, create_org, create_user, login, refresh_cookie, token_for, totp)
from conftest import OWNER_URL, Server, psql
from crm_helpers import CrmIsolation, crm_isolation_entries

PW = "correct horse battery staple"
FAST = ["--auth-cookie-secure", "false", "--argon2-memory-kib", "4096", "--argon2-time-cost", "1"]


def assert_problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    return resp.json()


@pytest.fixture(scope="module")
def storage():
    return tempfile.mkdtemp(prefix="rounds-auth-it-")


@pytest.fixture(scope="module")
def srv(app_url, storage):
    s = Server(app_url, *FAST, "--login-ip-lockout-threshold", "100000",
               "--rate-limit-per-second", "100000", "--rate-limit-burst", "100000")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def world(srv):
    """Two organisations, each with an admin, a manager, a rep reporting to the manager, and a 'victim' rep for
    destructive calls. Every tenant test seeds both."""
    w = {}
    for key in ("A", "B"):
        slug, org_id = create_org(f"Isolation {key}")
        org = {"slug": slug, "id": org_id}
        for role in ("admin", "manager", "rep"):
            org[role] = create_user(slug, role, PW)
        org["victim"] = create_user(slug, "rep", PW, prefix="victim")
        w[key] = org
    for key in ("A", "B"):
        org = w[key]
        for role in ("admin", "manager", "rep", "victim"):
            org[role]["token"] = token_for(srv, org[role])
        r = requests.patch(srv.url(f"/api/v1/admin/users/{org['rep']['id']}"), headers=bearer(org["admin"]["token"]),
                           json={"manager_id": org["manager"]["id"]}, timeout=10)
        assert r.status_code == 200, r.text
    return w


def get(srv, path, token=None, **kw):
    return requests.get(srv.url(path), headers=bearer(token) if token else {}, timeout=10, **kw)


def test_login_sets_httponly_refresh_cookie_and_me(srv, world):
    rep = world["A"]["rep"]
    r = login(srv, rep["email"].upper(), PW)  # e-mail is case-insensitive
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert "refresh_token" not in body
    cookie = r.headers["Set-Cookie"]
    for attr in ("HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"):
        assert attr in cookie
    me = get(srv, "/api/v1/me", body["access_token"])
    assert me.status_code == 200, me.text
    assert me.json()["email"] == rep["email"]
    assert me.json()["role"] == "rep"
    assert me.json()["org_id"] == world["A"]["id"]
    assert me.json()["manager_id"] == world["A"]["manager"]["id"]
    assert me.headers["ETag"] == '"%d"' % me.json()["version"]


def test_wrong_password_is_401_and_audited(srv, world):
    rep = world["A"]["rep"]
    r = login(srv, rep["email"], "not the password at all")
    body = assert_problem(r, 401)
    assert "invalid email or password" in body["detail"]
    # Unknown accounts answer the same.
    assert assert_problem(login(srv, "nobody." + uuid.uuid4().hex + "@it.test", PW), 401)["detail"] == body["detail"]
    audit = get(srv, "/api/v1/admin/audit?action=auth.login&outcome=failure", world["A"]["admin"]["token"]).json()
    assert any(e["target_id"] == rep["id"] and e["detail"] == "wrong password" and e["ip"] == "127.0.0.1"
               and e["request_id"] for e in audit["items"])


def test_protected_routes_need_a_valid_token(srv, world):
    assert_problem(get(srv, "/api/v1/me"), 401)
    r = get(srv, "/api/v1/me", "garbage")
    assert_problem(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    token = world["A"]["rep"]["token"]
    head, payload, sig = token.split(".")
    # alg=none with the signature stripped
    none = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    assert_problem(get(srv, "/api/v1/me", f"{none}.{payload}."), 401)
    # payload promoted to admin, signature kept
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_problem(get(srv, "/api/v1/admin/users", f"{head}.{forged}.{sig}"), 401)
    # role too low
    assert_problem(get(srv, "/api/v1/admin/users", token), 403)


def test_refresh_rotates_and_reuse_revokes_the_family(srv, world):
    user = world["A"]["manager"]
    r = login(srv, user["email"], PW)
    r1 = refresh_cookie(r)
    assert r1
    a = requests.post(srv.url("/api/v1/auth/refresh"), headers={"Cookie": "rounds_refresh=" + r1}, timeout=10)
    assert a.status_code == 200, a.text
    r2 = refresh_cookie(a)
    assert r2 and r2 != r1
    assert get(srv, "/api/v1/me", a.json()["access_token"]).status_code == 200
    # The rotated token again: refused, and the whole family (including r2) is revoked.
    assert_problem(requests.post(srv.url("/api/v1/auth/refresh"), headers={"Cookie": "rounds_refresh=" + r1},
                                 timeout=10), 401)
    assert_problem(requests.post(srv.url("/api/v1/auth/refresh"), json={"refresh_token": r2}, timeout=10), 401)
    audit = get(srv, "/api/v1/admin/audit?action=auth.refresh.reuse", world["A"]["admin"]["token"]).json()
    assert any(e["actor_id"] == user["id"] for e in audit["items"])


def test_logout_revokes_the_session(srv, world):
    user = world["A"]["rep"]
    r = login(srv, user["email"], PW)
    cookie = refresh_cookie(r)
    out = requests.post(srv.url("/api/v1/auth/logout"), headers={"Cookie": "rounds_refresh=" + cookie}, timeout=10)
    assert out.status_code == 204
    assert "Max-Age=0" in out.headers["Set-Cookie"]
    assert_problem(requests.post(srv.url("/api/v1/auth/refresh"), headers={"Cookie": "rounds_refresh=" + cookie},
                                 timeout=10), 401)


def test_mfa_enrolment_challenge_and_recovery_codes(srv, world):
    user = create_user(world["B"]["slug"], "rep", PW)
    token = token_for(srv, user)
    e = requests.post(srv.url("/api/v1/auth/mfa/enroll"), headers=bearer(token), timeout=10)
    assert e.status_code == 200, e.text
    enrol = e.json()
    assert enrol["otpauth_uri"].startswith("otpauth://totp/Rounds:")
    assert "secret=" + enrol["secret"] in enrol["otpauth_uri"]
    assert enrol["qr_svg"].startswith("<svg")
    bad = requests.post(srv.url("/api/v1/auth/mfa/confirm"), headers=bearer(token), json={"code": "000000"},
                        timeout=10)
    assert_problem(bad, 400)
    now = time.time()
    c = requests.post(srv.url("/api/v1/auth/mfa/confirm"), headers=bearer(token),
                      json={"code": totp(enrol["secret"], now)}, timeout=10)
    assert c.status_code == 200, c.text
    codes = c.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    # Sign-in now needs a second factor.
    r = login(srv, user["email"], PW)
    assert r.status_code == 200 and r.json()["mfa_required"] is True and not r.json()["enrolment_required"]
    assert "access_token" not in r.json() and "Set-Cookie" not in r.headers
    challenge = r.json()["challenge"]
    assert_problem(requests.post(srv.url("/api/v1/auth/mfa"), json={"challenge": challenge, "code": "123456"},
                                 timeout=10), 401)
    # The confirmation's code cannot be replayed; the next step's code (one step of drift) works.
    replay = requests.post(srv.url("/api/v1/auth/mfa"),
                           json={"challenge": challenge, "code": totp(enrol["secret"], now)}, timeout=10)
    assert_problem(replay, 401)
    ok = requests.post(srv.url("/api/v1/auth/mfa"),
                       json={"challenge": challenge, "code": totp(enrol["secret"], now, step_offset=1)}, timeout=10)
    assert ok.status_code == 200, ok.text
    assert ok.json()["access_token"] and refresh_cookie(ok)
    # The challenge is single-use.
    assert_problem(requests.post(srv.url("/api/v1/auth/mfa"), json={"challenge": challenge, "code": codes[0]},
                                 timeout=10), 401)
    # A recovery code works once.
    for expected in (200, 401):
        ch = login(srv, user["email"], PW).json()["challenge"]
        rc = requests.post(srv.url("/api/v1/auth/mfa"), json={"challenge": ch, "code": codes[0].upper()}, timeout=10)
        assert rc.status_code == expected, rc.text
    audit = get(srv, "/api/v1/admin/audit?target_id=" + user["id"], world["B"]["admin"]["token"]).json()["items"]
    actions = {(a["action"], a["outcome"]) for a in audit}
    assert ("auth.mfa.enable", "success") in actions and ("auth.mfa", "failure") in actions
    # An admin resets it (lost device); then a password alone signs in again.
    reset = requests.post(srv.url(f"/api/v1/admin/users/{user['id']}/reset-mfa"),
                          headers=bearer(world["B"]["admin"]["token"]), timeout=10)
    assert reset.status_code == 200 and reset.json()["mfa_enabled"] is False
    assert "access_token" in login(srv, user["email"], PW).json()


def test_org_setting_requires_mfa_enrolment_at_sign_in(srv, world):
    admin = world["B"]["admin"]["token"]
    user = create_user(world["B"]["slug"], "rep", PW)
    r = requests.patch(srv.url("/api/v1/admin/org"), headers=bearer(admin), json={"mfa_required": True}, timeout=10)
    assert r.status_code == 200 and r.json()["mfa_required"] is True
    try:
        first = login(srv, user["email"], PW).json()
        assert first["mfa_required"] and first["enrolment_required"]
        enrol = requests.post(srv.url("/api/v1/auth/mfa/enroll"), json={"challenge": first["challenge"]}, timeout=10)
        assert enrol.status_code == 200, enrol.text
        secret = enrol.json()["secret"]
        done = requests.post(srv.url("/api/v1/auth/mfa"),
                             json={"challenge": first["challenge"], "code": totp(secret)}, timeout=10)
        assert done.status_code == 200, done.text
        assert len(done.json()["recovery_codes"]) == 10
        token = done.json()["access_token"]
        # While the organisation requires MFA it cannot be switched off.
        off = requests.post(srv.url("/api/v1/auth/mfa/disable"), headers=bearer(token),
                            json={"code": totp(secret, step_offset=1)}, timeout=10)
        assert_problem(off, 409)
    finally:
        requests.patch(srv.url("/api/v1/admin/org"), headers=bearer(admin), json={"mfa_required": False}, timeout=10)
    audit = get(srv, "/api/v1/admin/audit?action=admin.org.update", admin).json()["items"]
    assert audit[0]["before"]["mfa_required"] is False or audit[1]["after"]["mfa_required"] is True


def test_account_lockout_answers_429_with_retry_after(app_url, storage, world):
    s = Server(app_url, *FAST, "--login-lockout-threshold", "3",
               "--login-ip-lockout-threshold", "100000")
    try:
        user = create_user(world["A"]["slug"], "rep", PW)
        for _ in range(3):
            assert_problem(login(s, user["email"], "wrong password here"), 401)
        r = login(s, user["email"], PW)  # even the right password waits out the lock
        assert_problem(r, 429)
        assert int(r.headers["Retry-After"]) > 0
        # Other accounts from the same address are unaffected.
        assert login(s, world["A"]["admin"]["email"], PW).status_code == 200
    finally:
        s.stop()


def test_ip_lockout(app_url, storage, world):
    psql(OWNER_URL, "DELETE FROM ops.login_throttle WHERE key = 'ip:127.0.0.1'")  # earlier tests' failures
    s = Server(app_url, *FAST, "--login-ip-lockout-threshold", "2",
               "--login-lockout-seconds", "5")
    try:
        for _ in range(2):
            assert_problem(login(s, f"ghost.{uuid.uuid4().hex}@it.test", "whatever password"), 401)
        r = login(s, world["A"]["admin"]["email"], PW)
        assert_problem(r, 429)
    finally:
        s.stop()
        psql(OWNER_URL, "DELETE FROM ops.login_throttle WHERE key = 'ip:127.0.0.1'")


def test_api_rate_limit_answers_429(app_url, storage, world):
    s = Server(app_url, *FAST, "--rate-limit-per-second", "1", "--rate-limit-burst", "3")
    try:
        codes = [s.get("/api/v1/openapi.json").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200]
        assert 429 in codes[3:]
        r = s.get("/api/v1/openapi.json")
        body = assert_problem(r, 429)
        assert int(r.headers["Retry-After"]) >= 1 and body["status"] == 429
        assert s.get("/healthz").status_code == 200  # operations endpoints are not limited
    finally:
        s.stop()


def test_a_trusted_proxy_names_the_client_for_limits_and_the_audit_log(srv, app_url, storage, world):
    """Behind a load balancer every request comes from the balancer: with --trusted-proxies its X-Forwarded-For
    names the client (rate-limit buckets, the audit log's ip); without it the header changes nothing."""
    limits = ["--rate-limit-per-second", "1", "--rate-limit-burst", "2"]
    xff = lambda a: {"X-Forwarded-For": a}  # noqa: E731
    plain = Server(app_url, *FAST, *limits)
    try:
        codes = [plain.get("/api/v1/openapi.json", headers=xff(f"203.0.113.{i}")).status_code for i in range(4)]
        assert 429 in codes, codes  # one bucket (the TCP peer) whatever the header says
    finally:
        plain.stop()
    behind = Server(app_url, *FAST, *limits, "--trusted-proxies", "127.0.0.0/8, ::1")
    try:
        codes = [behind.get("/api/v1/openapi.json", headers=xff(f"6.6.6.6, 203.0.113.{i}")).status_code
                 for i in range(4)]
        assert codes == [200] * 4, codes  # four clients, a bucket each (the forged left entry is ignored)
        same = [behind.get("/api/v1/openapi.json", headers=xff("198.51.100.7")).status_code for _ in range(4)]
        assert 429 in same, same
        rep = world["A"]["rep"]
        assert login(behind, rep["email"], "not the password at all", headers=xff("198.51.100.23")).status_code == 401
    finally:
        behind.stop()
    audit = get(srv, "/api/v1/admin/audit?action=auth.login&outcome=failure", world["A"]["admin"]["token"]).json()
    audit = audit["items"]
    assert any(e["target_id"] == world["A"]["rep"]["id"] and e["ip"] == "198.51.100.23" for e in audit), audit[:3]


def test_mass_assignment_is_refused_by_field_name(srv, world):
    admin = world["A"]["admin"]["token"]
    cases = [
        ("post", "/api/v1/admin/users", admin, {"email": "x@it.test", "display_name": "X", "role": "rep",
                                                "org_id": world["B"]["id"]}, "org_id"),
        ("post", "/api/v1/admin/users", admin, {"email": "y@it.test", "display_name": "Y", "role": "rep",
                                                "id": str(uuid.uuid4())}, "id"),
        ("post", "/api/v1/admin/users", admin, {"email": "z@it.test", "display_name": "Z", "role": "rep",
                                                "status": "active"}, "status"),
        ("patch", f"/api/v1/admin/users/{world['A']['victim']['id']}", admin, {"version": 99}, "version"),
        ("patch", "/api/v1/me", world["A"]["rep"]["token"], {"display_name": "R", "role": "admin"}, "role"),
        ("patch", "/api/v1/me", world["A"]["rep"]["token"], {"org_id": world["B"]["id"]}, "org_id"),
        ("patch", "/api/v1/admin/org", admin, {"slug": "mine-now"}, "slug"),
    ]
    for method, path, token, payload, field in cases:
        r = getattr(requests, method)(srv.url(path), headers=bearer(token), json=payload, timeout=10)
        body = assert_problem(r, 400)
        assert field in [e["field"] for e in body["errors"]], (path, body)
    assert get(srv, "/api/v1/me", world["A"]["rep"]["token"]).json()["role"] == "rep"


def test_users_crud_pagination_idempotency_and_invitation(srv, world):
    admin = world["A"]["admin"]["token"]
    client_id = uuid.uuid4().hex
    email = f"invited.{uuid.uuid4().hex[:8]}@it.test"
    payload = {"email": email, "display_name": "Invited Ivy", "role": "rep", "client_id": client_id,
               "manager_id": world["A"]["manager"]["id"]}
    r = requests.post(srv.url("/api/v1/admin/users"), headers=bearer(admin), json=payload, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "invited" and created["invite_token"]
    again = requests.post(srv.url("/api/v1/admin/users"), headers=bearer(admin), json=payload, timeout=10)
    assert again.status_code == 200 and again.json()["id"] == created["id"] and "invite_token" not in again.json()
    dup = dict(payload, client_id=uuid.uuid4().hex)
    assert_problem(requests.post(srv.url("/api/v1/admin/users"), headers=bearer(admin), json=dup, timeout=10), 409)
    # A manager from another organisation cannot be linked.
    bad = dict(payload, client_id=uuid.uuid4().hex, email="other." + email, manager_id=world["B"]["manager"]["id"])
    assert "manager_id" in [e["field"] for e in assert_problem(
        requests.post(srv.url("/api/v1/admin/users"), headers=bearer(admin), json=bad, timeout=10), 400)["errors"]]
    # Weak password refused, then the invitation is accepted and the user signs in.
    weak = requests.post(srv.url("/api/v1/auth/invitations/accept"),
                         json={"token": created["invite_token"], "password": "short"}, timeout=10)
    assert "password" in [e["field"] for e in assert_problem(weak, 400)["errors"]]
    acc = requests.post(srv.url("/api/v1/auth/invitations/accept"),
                        json={"token": created["invite_token"], "password": PW}, timeout=10)
    assert acc.status_code == 204, acc.text
    assert "access_token" in login(srv, email, PW).json()
    # Optimistic concurrency on PATCH.
    cur = get(srv, f"/api/v1/admin/users/{created['id']}", admin)
    stale = requests.patch(srv.url(f"/api/v1/admin/users/{created['id']}"),
                           headers=dict(bearer(admin), **{"If-Match": '"1"'}), json={"display_name": "Ivy"}, timeout=10)
    assert_problem(stale, 412)
    upd = requests.patch(srv.url(f"/api/v1/admin/users/{created['id']}"),
                         headers=dict(bearer(admin), **{"If-Match": cur.headers["ETag"]}),
                         json={"role": "manager"}, timeout=10)
    assert upd.status_code == 200 and upd.json()["role"] == "manager"
    assert upd.json()["version"] == cur.json()["version"] + 1
    audit = get(srv, "/api/v1/admin/audit?action=admin.user.role&target_id=" + created["id"], admin).json()["items"]
    assert audit and audit[0]["before"]["role"] == "rep" and audit[0]["after"]["role"] == "manager"
    # Admins cannot lock themselves out.
    me = world["A"]["admin"]
    assert_problem(requests.patch(srv.url(f"/api/v1/admin/users/{me['id']}"), headers=bearer(admin),
                                  json={"role": "rep"}, timeout=10), 422)
    # Disabling revokes sign-in.
    d = requests.post(srv.url(f"/api/v1/admin/users/{created['id']}/disable"), headers=bearer(admin), timeout=10)
    assert d.status_code == 200 and d.json()["status"] == "disabled"
    assert_problem(login(srv, email, PW), 401)
    # Cursor pagination walks every user exactly once.
    seen, cursor = [], None
    while True:
        path = "/api/v1/admin/users?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = get(srv, path, admin).json()
        assert len(page["items"]) <= 2
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 5
    assert created["id"] in seen
    assert_problem(get(srv, "/api/v1/admin/users?cursor=nonsense", admin), 400)


def test_team_is_the_managers_subtree(srv, world):
    a = world["A"]
    team = get(srv, "/api/v1/team", a["manager"]["token"]).json()["items"]
    assert {u["id"] for u in team} == {a["manager"]["id"], a["rep"]["id"]} | {
        u["id"] for u in team if u.get("manager_id") == a["manager"]["id"]}
    assert a["victim"]["id"] not in {u["id"] for u in team}


# ----- The table-driven isolation test ------------------------------------------------------------------------
# Every endpoint of the OpenAPI document must have an entry (the test fails when one is missing, so it grows
# with the API). An entry is PUBLIC, REFERENCE (shared public data: any signed-in role, no tenant data), SELF
# (the caller's own data, the same for every role), or a dict role -> (status on an own-org object, status on a
# foreign-org object); for paths without an object id the second value is None.
PUBLIC = "public"
REFERENCE = "reference"
ADMIN_ONLY = {"rep": (403, 403), "manager": (403, 403), "admin": (200, 404)}
ADMIN_ONLY_NO_ID = {"rep": (403, None), "manager": (403, None), "admin": (200, None)}

ISOLATION = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("POST", "/api/v1/auth/mfa"): PUBLIC,
    ("POST", "/api/v1/auth/refresh"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): PUBLIC,
    ("POST", "/api/v1/auth/invitations/accept"): PUBLIC,
    ("POST", "/api/v1/auth/mfa/enroll"): PUBLIC,
    ("POST", "/api/v1/auth/mfa/confirm"): {"rep": (409, None), "manager": (409, None), "admin": (409, None)},
    ("POST", "/api/v1/auth/mfa/disable"): {"rep": (409, None), "manager": (409, None), "admin": (409, None)},
    ("GET", "/api/v1/me"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("PATCH", "/api/v1/me"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("GET", "/api/v1/team"): {"rep": (403, None), "manager": (200, None), "admin": (200, None)},
    ("GET", "/api/v1/admin/users"): ADMIN_ONLY_NO_ID,
    ("POST", "/api/v1/admin/users"): {"rep": (403, None), "manager": (403, None), "admin": (201, None)},
    ("GET", "/api/v1/admin/users/{id}"): ADMIN_ONLY,
    ("PATCH", "/api/v1/admin/users/{id}"): ADMIN_ONLY,
    ("POST", "/api/v1/admin/users/{id}/disable"): ADMIN_ONLY,
    ("POST", "/api/v1/admin/users/{id}/reset-mfa"): ADMIN_ONLY,
    ("GET", "/api/v1/admin/org"): ADMIN_ONLY_NO_ID,
    ("PATCH", "/api/v1/admin/org"): ADMIN_ONLY_NO_ID,
    ("GET", "/api/v1/admin/audit"): ADMIN_ONLY_NO_ID,
    # Single sign-on (test_sso.py covers the flows). Org A has no OIDC connection: GET 404, PUT creates it,
    # DELETE removes it again (the spec lists them in that order).
    ("GET", "/api/v1/admin/sso/oidc"): {"rep": (403, None), "manager": (403, None), "admin": (404, None)},
    ("PUT", "/api/v1/admin/sso/oidc"): ADMIN_ONLY_NO_ID,
    ("DELETE", "/api/v1/admin/sso/oidc"): {"rep": (403, None), "manager": (403, None), "admin": (204, None)},
    ("GET", "/api/v1/auth/sso/{slug}/oidc/start"): PUBLIC,
    ("GET", "/api/v1/auth/sso/oidc/callback"): PUBLIC,
    ("POST", "/api/v1/auth/sso/exchange"): PUBLIC,
    ("GET", "/api/v1/admin/sso/saml"): {"rep": (403, None), "manager": (403, None), "admin": (404, None)},
    ("PUT", "/api/v1/admin/sso/saml"): {"rep": (403, None), "manager": (403, None), "admin": (400, None)},
    ("DELETE", "/api/v1/admin/sso/saml"): {"rep": (403, None), "manager": (403, None), "admin": (404, None)},
    ("GET", "/api/v1/auth/sso/{slug}/saml/metadata"): PUBLIC,
    ("GET", "/api/v1/auth/sso/{slug}/saml/start"): PUBLIC,
    ("POST", "/api/v1/auth/sso/{slug}/saml/acs"): PUBLIC,
    # Public reference data of the physicians module: no tenant rows behind these.
    ("GET", "/api/v1/physicians/search"): REFERENCE,
    ("GET", "/api/v1/physicians/nearby"): REFERENCE,
    ("GET", "/api/v1/physicians/{npi}"): REFERENCE,
    ("GET", "/api/v1/physicians/{npi}/prescriptions"): REFERENCE,
    ("GET", "/api/v1/physicians/{npi}/services"): REFERENCE,
    ("GET", "/api/v1/physicians/{npi}/payments"): REFERENCE,
    ("GET", "/api/v1/specialties"): REFERENCE,
    ("GET", "/api/v1/facilities/nearby"): REFERENCE,
    ("GET", "/api/v1/facilities/{ccn}"): REFERENCE,
    ("GET", "/api/v1/zips/{zip}"): REFERENCE,
    # Route planning (issue 9): {id} is a route plan of the org's rep (who reports to the manager), made fresh
    # for every call by _object_id. Read: owner, the owner's managers, admins; delete: owner or admin.
    ("POST", "/api/v1/routes/optimize"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("POST", "/api/v1/routes"): {"rep": (201, None), "manager": (201, None), "admin": (201, None)},
    ("POST", "/api/v1/routes/plan-day"): {"rep": (201, None), "manager": (201, None), "admin": (201, None)},
    ("GET", "/api/v1/routes"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("GET", "/api/v1/routes/{id}"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("GET", "/api/v1/routes/{id}.ics"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("DELETE", "/api/v1/routes/{id}"): {"rep": (204, 404), "manager": (403, 404), "admin": (204, 404)},
    # CRM: per-organisation corrections keyed by a public NPI (a foreign organisation's never show).
    ("GET", "/api/v1/crm/physicians/{npi}/overrides"): REFERENCE,
    # Markets and targeting (the ids are the organisations' own markets: see TARGETING below)
    ("GET", "/api/v1/markets"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("POST", "/api/v1/markets"): {"rep": (403, None), "manager": (403, None), "admin": (201, None)},
    ("GET", "/api/v1/markets/settings"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("PATCH", "/api/v1/markets/settings"): ADMIN_ONLY_NO_ID,
    ("GET", "/api/v1/markets/{id}"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("PATCH", "/api/v1/markets/{id}"): ADMIN_ONLY,
    ("DELETE", "/api/v1/markets/{id}"): {"rep": (403, 403), "manager": (403, 403), "admin": (204, 404)},
    ("POST", "/api/v1/markets/{id}/recompute"): {"rep": (403, 403), "manager": (403, 403), "admin": (202, 404)},
    ("GET", "/api/v1/markets/{id}/summary"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("GET", "/api/v1/markets/{id}/physicians"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("GET", "/api/v1/markets/{id}/targets"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    # Territories: A's territory is assigned to A's rep (so the rep and the rep's manager read it)
    ("GET", "/api/v1/territories"): {"rep": (200, None), "manager": (200, None), "admin": (200, None)},
    ("POST", "/api/v1/territories"): {"rep": (403, None), "manager": (403, None), "admin": (201, None)},
    ("GET", "/api/v1/territories/{id}"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("PATCH", "/api/v1/territories/{id}"): ADMIN_ONLY,
    ("DELETE", "/api/v1/territories/{id}"): {"rep": (403, 403), "manager": (403, 403), "admin": (204, 404)},
    ("GET", "/api/v1/territories/{id}/physicians"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("GET", "/api/v1/territories/{id}/deciles"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("GET", "/api/v1/territories/{id}/balance"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("GET", "/api/v1/territories/{id}/alignment"): {"rep": (200, 404), "manager": (200, 404), "admin": (200, 404)},
    ("POST", "/api/v1/territories/{id}/alignment"): ADMIN_ONLY,
}
# CRM records (issue #8): every endpoint of every record type; {id} is a fresh record per request (crm_helpers).
ISOLATION.update(crm_isolation_entries())

ROUTE_DAY = {"start": {"lat": 40.0, "lng": -75.0}, "start_time": "2026-11-24T08:00:00Z",
             "day_end": "2026-11-24T18:00:00Z"}

REFERENCE_PARAMS = {"npi": "1234567893", "ccn": "010001", "zip": "32301"}


def _bodies(world, org):
    return {
        ("PATCH", "/api/v1/me"): {"display_name": "Renamed"},
        ("POST", "/api/v1/admin/users"): {"email": f"iso.{uuid.uuid4().hex[:10]}@it.test", "display_name": "Iso",
                                          "role": "rep"},
        ("PATCH", "/api/v1/admin/users/{id}"): {"display_name": "Touched"},
        ("PATCH", "/api/v1/admin/org"): {"name": f"Isolation {org}"},
        ("POST", "/api/v1/auth/mfa/confirm"): {"code": "123456"},
        ("POST", "/api/v1/auth/mfa/disable"): {"code": "123456"},
        ("PUT", "/api/v1/admin/sso/oidc"): {"issuer": "https://idp.example.com", "client_id": "iso",
                                            "client_secret": "not-a-real-secret"},
        # Not metadata: the admin gets past the role check to the validation (400); the others stop at 403.
        ("PUT", "/api/v1/admin/sso/saml"): {"idp_metadata": "<not-metadata/>"},
        ("POST", "/api/v1/routes/optimize"): dict(ROUTE_DAY, stops=[{"lat": 40.01, "lng": -75.01}]),
        ("POST", "/api/v1/routes"): dict(ROUTE_DAY, date="2026-11-24", stops=[]),
        ("POST", "/api/v1/routes/plan-day"): {"date": "2026-11-24", "start": ROUTE_DAY["start"], "hours": 8},
    }


def _object_id(srv, world, org, path):
    """The object a {id} path is called with: a fresh route plan of the org's rep for /api/v1/routes/{id}...,
    otherwise the org's victim user."""
    if path.startswith("/api/v1/routes/{id}"):
        r = requests.post(srv.url("/api/v1/routes"), headers=bearer(world[org]["rep"]["token"]),
                          json=dict(ROUTE_DAY, date="2026-11-24", stops=[]), timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["id"]
    return world[org]["victim"]["id"]


# ----- Targeting objects (markets, territories) for the isolation table --------------------------------------
# Paths under /markets/{id} and /territories/{id} take the id of a market / territory of organisation A ("own")
# or B ("foreign") instead of the victim user; DELETE gets a fresh object each time so later calls still find
# theirs. Some need query parameters (the territory of a target list, the market of a report).
def _targeting_world(srv, world):
    if "targeting" in world:
        return world["targeting"]
    t = {}
    for key in ("A", "B"):
        org = world[key]
        t[key] = {"market": _new_market(srv, org), "territory": _new_territory(srv, org, assign=org["rep"]["id"])}
    world["targeting"] = t
    return t


def _new_market(srv, org):
    r = requests.post(srv.url("/api/v1/markets"), headers=bearer(org["admin"]["token"]),
                      json={"name": "Iso " + uuid.uuid4().hex[:8], "partd_generic_names": ["Semaglutide"]}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _new_territory(srv, org, assign=None):
    r = requests.post(srv.url("/api/v1/territories"), headers=bearer(org["admin"]["token"]),
                      json={"name": "Iso " + uuid.uuid4().hex[:8], "level": "nation", "zips": [_zip()],
                            "user_ids": [assign] if assign else []}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _zip():
    """A ZIP no other isolation territory uses (sibling nations may not share ZIPs)."""
    return "%05d" % (uuid.uuid4().int % 100000)


def _object_ids(srv, world, method, path):
    """(own id, foreign id, query string) for an isolation-table call."""
    if path.startswith("/api/v1/markets/{id}") or path.startswith("/api/v1/territories/{id}"):
        t = _targeting_world(srv, world)
        kind = "market" if path.startswith("/api/v1/markets/") else "territory"
        own, foreign = t["A"][kind], t["B"][kind]
        if method == "DELETE":
            maker = _new_market if kind == "market" else _new_territory
            own, foreign = maker(srv, world["A"]), maker(srv, world["B"])
        query = ""
        if path.endswith("/targets"):
            query = "?territory_id=" + t["A"]["territory"]
        elif kind == "territory" and any(path.endswith(x) for x in ("/deciles", "/balance", "/alignment")):
            query = "?market_id=" + t["A"]["market"]
        return own, foreign, query
    return world["A"]["victim"]["id"], world["B"]["victim"]["id"], ""


def _targeting_bodies(world, org):
    return {
        ("POST", "/api/v1/markets"): {"name": "Iso " + uuid.uuid4().hex[:8], "hcpcs_codes": ["27447"]},
        ("PATCH", "/api/v1/markets/settings"): {"visit_minutes": 30},
        ("PATCH", "/api/v1/markets/{id}"): {"description": "Touched"},
        ("POST", "/api/v1/territories"): {"name": "Iso " + uuid.uuid4().hex[:8], "level": "nation", "zips": [_zip()]},
        ("PATCH", "/api/v1/territories/{id}"): {"name": "Touched"},
        ("POST", "/api/v1/territories/{id}/alignment"): {"moves": []},
    }


def _spec_endpoints(srv):
    spec = srv.get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path


def test_every_endpoint_has_an_isolation_entry(srv):
    missing = [e for e in _spec_endpoints(srv) if e not in ISOLATION]
    assert not missing, f"add these endpoints to ISOLATION in tests/integration/test_auth.py: {missing}"


@pytest.fixture(scope="module")
def crm(srv, world):
    return CrmIsolation(srv, world)


def _target(crm, world, org, path, srv):
    return crm.target(org, path) if crm.handles(path) else _object_id(srv, world, org, path)


@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
def test_isolation_table(srv, world, crm, role):
    caller = world["A"][role]
    token = caller["token"]
    for method, path in _spec_endpoints(srv):
        entry = ISOLATION[(method, path)]
        if entry == PUBLIC:
            continue
        if entry == REFERENCE:
            url = re.sub(r"\{(\w+)\}", lambda m: REFERENCE_PARAMS[m.group(1)], path)
            assert requests.request(method, srv.url(url), timeout=10).status_code == 401, path
            got = requests.request(method, srv.url(url), headers=bearer(token), timeout=10).status_code
            assert got not in (401, 403), (role, method, path, got)
            continue
        own_status, foreign_status = entry[role]
        body = crm.body(method, path) if crm.handles(path) else \
            {**_bodies(world, "A"), **_targeting_bodies(world, "A")}.get((method, path))
        own_id, foreign_id, query = _object_ids(srv, world, method, path)
        if "{id}" in path and (crm.handles(path) or path.startswith("/api/v1/routes/{id}")):
            own_id, foreign_id = _target(crm, world, "A", path, srv), _target(crm, world, "B", path, srv)
        # Unauthenticated: always 401.
        assert requests.request(method, srv.url(path.replace("{id}", own_id) + query), json=body,
                                timeout=10).status_code == 401, (method, path)
        targets = [("own", own_id, own_status)]
        if "{id}" in path:
            targets.append(("foreign", foreign_id, foreign_status))
        for which, target, expected in targets:
            r = requests.request(method, srv.url(path.replace("{id}", target) + query), headers=bearer(token),
                                 json=body, timeout=10)
            assert r.status_code == expected, (role, which, method, path, r.status_code, r.text)
            if which == "foreign" and expected == 404:
                # Exactly as if it did not exist: same body shape as a random id.
                ghost = requests.request(method, srv.url(path.replace("{id}", str(uuid.uuid4())) + query),
                                         headers=bearer(token), json=body, timeout=10)
                assert ghost.status_code == 404
                assert r.json()["title"] == ghost.json()["title"]
        # The victim was disabled by the admin pass; put it back so later roles see the same world.
        if method == "POST" and path.endswith("/disable") and role == "admin":
            requests.patch(srv.url(f"/api/v1/admin/users/{world['A']['victim']['id']}"),
                           headers=bearer(world["A"]["admin"]["token"]), json={"status": "active"}, timeout=10)
    # B's victim was never touched by anyone in A.
    b = get(srv, f"/api/v1/admin/users/{world['B']['victim']['id']}", world["B"]["admin"]["token"]).json()
    assert b["status"] == "active" and b["display_name"] != "Touched"


def test_lists_never_contain_foreign_rows(srv, world):
    a, b = world["A"], world["B"]
    users = get(srv, "/api/v1/admin/users?limit=200", a["admin"]["token"]).json()["items"]
    b_ids = {b[r]["id"] for r in ("admin", "manager", "rep", "victim")}
    assert users and not ({u["id"] for u in users} & b_ids)
    audit = get(srv, "/api/v1/admin/audit?limit=200", a["admin"]["token"]).json()["items"]
    assert audit and not ({e["actor_id"] for e in audit} & b_ids)
    team = get(srv, "/api/v1/team", a["admin"]["token"]).json()["items"]
    assert not ({u["id"] for u in team} & b_ids)
    assert get(srv, "/api/v1/admin/org", a["admin"]["token"]).json()["id"] == a["id"]
