"""Identity hardening against the real binary: a disabled or demoted user's access tokens stop working (at once
on the instance that made the change, within --auth-status-cache-seconds on others), and TOTP secrets are
sealed at rest (new ones at enrolment, legacy clear-text ones at the next MFA sign-in or by
`rounds admin encrypt-secrets`)."""
import os
import time

import pytest
import requests

from auth_helpers import admin_cli, bearer, create_org, create_user, login, token_for, totp
from conftest import OWNER_URL, Server, psql, wait_until
from test_sso import FAST, PW


@pytest.fixture(scope="module")
def srv(app_url):
    s = Server(app_url, *FAST, "--auth-status-cache-seconds", "1")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def org(srv):
    slug, org_id = create_org("Hardening")
    admin = create_user(slug, "admin", PW)
    admin["token"] = token_for(srv, admin)
    return {"slug": slug, "id": org_id, "admin": admin}


def me(server, token):
    return requests.get(server.url("/api/v1/me"), headers=bearer(token), timeout=10).status_code


def owner_sql(sql):
    return psql(OWNER_URL, "SELECT set_config('rounds.admin', 'on', false); " + sql)


def test_disabling_a_user_stops_their_access_token_at_once(srv, org):
    rep = create_user(org["slug"], "rep", PW)
    token = token_for(srv, rep)
    assert me(srv, token) == 200
    r = requests.post(srv.url(f"/api/v1/admin/users/{rep['id']}/disable"), headers=bearer(org["admin"]["token"]),
                      timeout=10)
    assert r.status_code == 200
    resp = requests.get(srv.url("/api/v1/me"), headers=bearer(token), timeout=10)
    assert resp.status_code == 401 and "disabled" in resp.json()["detail"]
    requests.patch(srv.url(f"/api/v1/admin/users/{rep['id']}"), headers=bearer(org["admin"]["token"]),
                   json={"status": "active"}, timeout=10)
    assert me(srv, token) == 200  # the token itself was never revoked; the account is active again


def test_a_demoted_users_token_with_the_old_role_stops_working(srv, org):
    mgr = create_user(org["slug"], "manager", PW)
    token = token_for(srv, mgr)
    assert requests.get(srv.url("/api/v1/team"), headers=bearer(token), timeout=10).status_code == 200
    r = requests.patch(srv.url(f"/api/v1/admin/users/{mgr['id']}"), headers=bearer(org["admin"]["token"]),
                       json={"role": "rep"}, timeout=10)
    assert r.status_code == 200
    assert requests.get(srv.url("/api/v1/team"), headers=bearer(token), timeout=10).status_code == 401
    fresh = token_for(srv, mgr)  # a new sign-in carries the new role
    assert requests.get(srv.url("/api/v1/team"), headers=bearer(fresh), timeout=10).status_code == 403


def test_another_instance_notices_within_the_status_cache_bound(srv, org, app_url):
    other = Server(app_url, *FAST, "--auth-status-cache-seconds", "1",
                   "--jwt-key-file", os.path.join(srv.storage, "keys", "jwt-ed25519.pem"),
                   "--secrets-key-file", os.path.join(srv.storage, "keys", "secrets-aes256.key"))
    try:
        rep = create_user(org["slug"], "rep", PW)
        token = token_for(srv, rep)
        assert me(other, token) == 200  # cached as active on the other instance
        requests.post(srv.url(f"/api/v1/admin/users/{rep['id']}/disable"), headers=bearer(org["admin"]["token"]),
                      timeout=10)
        start = time.monotonic()
        assert wait_until(lambda: me(other, token) == 401, timeout=10)
        assert time.monotonic() - start < 5  # bound: 1 s cache (+ request time)
    finally:
        other.stop()


def test_totp_secrets_are_sealed_at_rest_and_legacy_ones_get_sealed(srv, org):
    user = create_user(org["slug"], "rep", PW)
    token = token_for(srv, user)
    enrol = requests.post(srv.url("/api/v1/auth/mfa/enroll"), headers=bearer(token), timeout=10).json()
    secret = enrol["secret"]
    now = time.time()
    c = requests.post(srv.url("/api/v1/auth/mfa/confirm"), headers=bearer(token), json={"code": totp(secret, now)},
                      timeout=10)
    assert c.status_code == 200, c.text
    stored = owner_sql(f"SELECT mfa_secret FROM crm.app_user WHERE id = '{user['id']}'")
    assert stored.splitlines()[-1].startswith("v1:") and secret not in stored
    # Simulate a secret stored before encryption at rest: clear text in the column.
    owner_sql(f"UPDATE crm.app_user SET mfa_secret = '{secret}' WHERE id = '{user['id']}'")
    ch = login(srv, user["email"], PW).json()["challenge"]
    ok = requests.post(srv.url("/api/v1/auth/mfa"), json={"challenge": ch, "code": totp(secret, now, 1)}, timeout=10)
    assert ok.status_code == 200, ok.text
    resealed = owner_sql(f"SELECT mfa_secret FROM crm.app_user WHERE id = '{user['id']}'").splitlines()[-1]
    assert resealed.startswith("v1:") and secret not in resealed
    # The one-off command seals whatever clear text is left.
    owner_sql(f"UPDATE crm.app_user SET mfa_secret = '{secret}' WHERE id = '{user['id']}'")
    out = admin_cli("encrypt-secrets", "--secrets-key-file", os.path.join(srv.storage, "keys", "secrets-aes256.key"))
    assert "TOTP secrets sealed" in out and int(out.split()[0]) >= 1
    assert owner_sql(f"SELECT mfa_secret FROM crm.app_user WHERE id = '{user['id']}'").splitlines()[-1].startswith(
        "v1:")
    # ... with the server's key: the user still signs in with the same authenticator. (Each TOTP step is
    # accepted once and the last two are spent: forget the last step instead of waiting for the clock.)
    owner_sql(f"UPDATE crm.app_user SET mfa_last_step = NULL WHERE id = '{user['id']}'")
    ch = login(srv, user["email"], PW).json()["challenge"]
    ok = requests.post(srv.url("/api/v1/auth/mfa"), json={"challenge": ch, "code": totp(secret, now, 1)}, timeout=10)
    assert ok.status_code == 200, ok.text
