"""Single sign-on against the real binary with identity providers run by the tests on loopback: an OpenID
Provider (oidc_idp.py) issuing RS256 ID tokens. The test plays the browser: start -> IdP -> callback -> web
hand-off code -> POST /auth/sso/exchange -> tokens."""
import urllib.parse
import uuid

import pytest
import requests

from auth_helpers import bearer, create_org, create_user, token_for
from conftest import OWNER_URL, Server, psql
from oidc_idp import OidcProvider

PW = "correct horse battery staple"
FAST = ["--auth-cookie-secure", "false", "--argon2-memory-kib", "4096", "--argon2-time-cost", "1",
        "--login-ip-lockout-threshold", "100000", "--rate-limit-per-second", "100000", "--rate-limit-burst", "100000",
        "--sso-allow-private-addresses", "true"]  # the test IdP listens on loopback


@pytest.fixture(scope="module")
def srv(app_url):
    s = Server(app_url, *FAST)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def idp():
    p = OidcProvider()
    yield p
    p.stop()


@pytest.fixture(scope="module")
def orgs(srv):
    out = {}
    for key in ("A", "B"):
        slug, org_id = create_org(f"SSO {key}")
        admin = create_user(slug, "admin", PW)
        admin["token"] = token_for(srv, admin)
        out[key] = {"slug": slug, "id": org_id, "admin": admin}
    return out


def configure(srv, org, idp, **settings):
    client_id, secret = idp.add_client()
    body = {"issuer": idp.base, "client_id": client_id, "client_secret": secret, "provisioning": "email",
            "allowed_domains": []}
    body.update(settings)
    r = requests.put(srv.url("/api/v1/admin/sso/oidc"), json=body, headers=bearer(org["admin"]["token"]), timeout=10)
    assert r.status_code == 200, r.text
    return client_id


def browse(srv, slug, idp, return_to=None):
    """The browser's part: returns (landing query dict, callback URL)."""
    params = {"return_to": return_to} if return_to else None
    start = requests.get(srv.url(f"/api/v1/auth/sso/{slug}/oidc/start"), params=params, allow_redirects=False,
                         timeout=10)
    assert start.status_code == 302, start.text
    auth_url = start.headers["Location"]
    assert auth_url.startswith(idp.base + "/authorize?")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
    assert q["response_type"] == "code" and q["code_challenge_method"] == "S256"
    assert q["state"] and q["nonce"] and len(q["code_challenge"]) == 43
    assert q["redirect_uri"] == srv.base + "/api/v1/auth/sso/oidc/callback"
    at_idp = requests.get(auth_url, allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302
    callback = at_idp.headers["Location"]
    return land(srv, callback), callback


def land(srv, callback):
    cb = requests.get(callback, allow_redirects=False, timeout=20)
    assert cb.status_code == 302, cb.text
    loc = cb.headers["Location"]
    assert loc.startswith(srv.base + "/sso/complete?"), loc
    assert "access_token" not in loc and "refresh" not in loc
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))


def exchange(srv, code):
    return requests.post(srv.url("/api/v1/auth/sso/exchange"), json={"code": code}, timeout=10)


def audit(srv, org, **filters):
    r = requests.get(srv.url("/api/v1/admin/audit"), params=dict(filters, limit=200),
                     headers=bearer(org["admin"]["token"]), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def last_failure(srv, org):
    items = audit(srv, org, action="auth.login", outcome="failure")
    assert items, "no failure audited"
    return items[0]["detail"]


def sign_in(srv, org, idp, user):
    idp.user = user
    return browse(srv, org["slug"], idp)[0]


def test_admin_api_stores_the_client_secret_encrypted_and_never_returns_it(srv, orgs, idp):
    a = orgs["A"]
    client_id = configure(srv, a, idp, scopes="openid email profile", default_role="rep")
    got = requests.get(srv.url("/api/v1/admin/sso/oidc"), headers=bearer(a["admin"]["token"]), timeout=10)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["client_id"] == client_id and body["issuer"] == idp.base and body["client_secret_set"] is True
    assert "client_secret" not in body and idp.clients[client_id] not in got.text
    stored = psql(OWNER_URL, "SELECT set_config('rounds.admin', 'on', false); SELECT client_secret_enc FROM "
                             f"crm.sso_connection WHERE org_id = '{a['id']}' AND protocol = 'oidc'")
    assert "v1:" in stored and idp.clients[client_id] not in stored
    # Changing other settings keeps the secret.
    r = requests.put(srv.url("/api/v1/admin/sso/oidc"), json={"provisioning": "subject"},
                     headers=bearer(a["admin"]["token"]), timeout=10)
    assert r.status_code == 200 and r.json()["client_secret_set"] and r.json()["provisioning"] == "subject"
    for bad, field in [({"issuer": "http://idp.example.com"}, "issuer"), ({"provisioning": "magic"}, "provisioning"),
                       ({"default_role": "owner"}, "default_role"), ({"scopes": "email"}, "scopes"),
                       ({"allowed_domains": ["not a domain"]}, "allowed_domains"), ({"org_id": a["id"]}, "org_id"),
                       ({"idp_metadata": "<x/>"}, "idp_metadata")]:
        r = requests.put(srv.url("/api/v1/admin/sso/oidc"), json=bad, headers=bearer(a["admin"]["token"]), timeout=10)
        assert r.status_code == 400, (bad, r.text)
        assert field in r.text
    assert any(e["action"] == "admin.sso.update" for e in audit(srv, a, action="admin.sso"))


def test_happy_path_email_match_issues_normal_tokens(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="email")
    rep = create_user(a["slug"], "rep", PW)
    idp.user = {"sub": "s-" + uuid.uuid4().hex, "email": rep["email"].upper(), "email_verified": True}
    q, callback = browse(srv, a["slug"], idp, return_to="/accounts?tab=2")
    assert "error" not in q, q
    assert q["return_to"] == "/accounts?tab=2"
    assert idp.token_errors == []  # client authentication, redirect_uri and PKCE all checked by the IdP
    r = exchange(srv, q["code"])
    assert r.status_code == 200, r.text
    assert r.json()["user"] == {"id": rep["id"], "org_id": a["id"], "role": "rep"}
    assert "rounds_refresh=" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    me = requests.get(srv.url("/api/v1/me"), headers=bearer(r.json()["access_token"]), timeout=10)
    assert me.status_code == 200 and me.json()["email"] == rep["email"]
    # The hand-off code works once.
    assert exchange(srv, q["code"]).status_code == 401
    assert exchange(srv, "made-up").status_code == 401
    ok = audit(srv, a, action="auth.login", outcome="success")
    assert any(e["actor_id"] == rep["id"] and e["detail"].startswith("sso oidc") for e in ok)
    # The state is single use: the same callback again is refused.
    again = land(srv, callback)
    assert again == {"error": "invalid_request"}
    assert "already used" in last_failure(srv, a)


@pytest.mark.parametrize("tamper,reason", [
    ("wrong_aud", "wrong audience"),
    ("wrong_iss", "wrong issuer"),
    ("expired", "expired"),
    ("bad_signature", "bad signature"),
    ("unknown_kid", "unknown signing key"),
    ("alg_none", "algorithm none not accepted"),
    ("hs256", "algorithm HS256 not accepted"),
    ("nonce_replay", "wrong nonce"),
])
def test_forged_or_wrong_id_tokens_are_refused(srv, orgs, idp, tamper, reason):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="email")
    rep = create_user(a["slug"], "rep", PW)
    idp.user = {"sub": "s-" + uuid.uuid4().hex, "email": rep["email"]}
    if tamper == "nonce_replay":
        assert "code" in browse(srv, a["slug"], idp)[0]  # a first, good sign-in leaves its nonce at the IdP
    jwks_before = idp.hits["jwks"]
    idp.tamper = tamper
    try:
        q, _ = browse(srv, a["slug"], idp)
    finally:
        idp.tamper = None
    assert q == {"error": "invalid_token"}, q
    detail = last_failure(srv, a)
    assert reason in detail, detail
    if tamper == "unknown_kid":
        assert idp.hits["jwks"] == jwks_before + 1  # refetched once in case the provider rotated its keys


def test_key_rotation_is_picked_up_by_refetching_the_jwks(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="email")
    rep = create_user(a["slug"], "rep", PW)
    user = {"sub": "s-" + uuid.uuid4().hex, "email": rep["email"]}
    assert "code" in sign_in(srv, a, idp, user)
    discovery = idp.hits["discovery"]
    idp.rotate()
    q = sign_in(srv, a, idp, user)
    assert "code" in q, q
    assert exchange(srv, q["code"]).status_code == 200
    assert idp.hits["discovery"] == discovery  # the discovery document stays cached


def test_email_mode_refuses_unknown_unverified_disabled_and_foreign_domains(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="email")
    assert sign_in(srv, a, idp, {"sub": "x", "email": "nobody." + uuid.uuid4().hex + "@example.test"}) == {
        "error": "access_denied"}
    assert "no user of this organisation matches" in last_failure(srv, a)
    rep = create_user(a["slug"], "rep", PW)
    assert sign_in(srv, a, idp, {"sub": "x", "email": rep["email"], "email_verified": False}) == {
        "error": "access_denied"}
    assert "no verified e-mail" in last_failure(srv, a)
    configure(srv, a, idp, provisioning="email", allowed_domains=["allowed.example"])
    assert sign_in(srv, a, idp, {"sub": "x", "email": rep["email"]}) == {"error": "access_denied"}
    assert "is not allowed" in last_failure(srv, a)
    configure(srv, a, idp, provisioning="email", allowed_domains=["it.test"])
    assert "code" in sign_in(srv, a, idp, {"sub": "x", "email": rep["email"]})
    r = requests.post(srv.url(f"/api/v1/admin/users/{rep['id']}/disable"), headers=bearer(a["admin"]["token"]),
                      timeout=10)
    assert r.status_code == 200
    assert sign_in(srv, a, idp, {"sub": "x", "email": rep["email"]}) == {"error": "access_denied"}
    assert "account disabled" in last_failure(srv, a)


def test_subject_mode_links_once_then_trusts_only_the_subject(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="subject")
    rep = create_user(a["slug"], "rep", PW)
    sub = "s-" + uuid.uuid4().hex
    q = sign_in(srv, a, idp, {"sub": sub, "email": rep["email"]})  # first sign-in: linked by e-mail
    assert exchange(srv, q["code"]).json()["user"]["id"] == rep["id"]
    # The IdP account's e-mail changes: the subject still finds the user.
    q = sign_in(srv, a, idp, {"sub": sub, "email": "renamed." + uuid.uuid4().hex + "@example.test"})
    assert exchange(srv, q["code"]).json()["user"]["id"] == rep["id"]
    # Another IdP account claiming the same e-mail cannot take the linked user over.
    assert sign_in(srv, a, idp, {"sub": "s-" + uuid.uuid4().hex, "email": rep["email"]}) == {
        "error": "access_denied"}
    assert "linked to another subject" in last_failure(srv, a)


def test_auto_mode_provisions_with_the_default_role(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="auto", default_role="manager", allowed_domains=["newhire.example"])
    email = "fresh." + uuid.uuid4().hex[:8] + "@newhire.example"
    q = sign_in(srv, a, idp, {"sub": "s-" + uuid.uuid4().hex, "email": email, "name": "Fresh Hire"})
    r = exchange(srv, q["code"])
    assert r.status_code == 200 and r.json()["user"]["role"] == "manager" and r.json()["user"]["org_id"] == a["id"]
    me = requests.get(srv.url("/api/v1/me"), headers=bearer(r.json()["access_token"]), timeout=10).json()
    assert me["email"] == email and me["display_name"] == "Fresh Hire" and me["status"] == "active"
    assert any(e["target_id"] == me["id"] for e in audit(srv, a, action="auth.sso.provision"))
    # Outside the allowed domains nobody is provisioned.
    assert sign_in(srv, a, idp, {"sub": "s-" + uuid.uuid4().hex, "email": "x@elsewhere.example"}) == {
        "error": "access_denied"}


def test_a_user_of_org_a_cannot_sign_in_to_org_b(srv, orgs, idp):
    a, b = orgs["A"], orgs["B"]
    rep_a = create_user(a["slug"], "rep", PW)
    configure(srv, b, idp, provisioning="email")
    user = {"sub": "s-" + uuid.uuid4().hex, "email": rep_a["email"]}
    assert sign_in(srv, b, idp, user) == {"error": "access_denied"}
    assert "no user of this organisation matches" in last_failure(srv, b)
    # Not even by auto-provisioning a second account with A's address.
    configure(srv, b, idp, provisioning="auto")
    assert sign_in(srv, b, idp, user) == {"error": "access_denied"}
    assert "the address is taken" in last_failure(srv, b)
    # B's audit shows nothing of A's users, and A's user still signs in to A.
    configure(srv, a, idp, provisioning="email")
    q = sign_in(srv, a, idp, user)
    assert exchange(srv, q["code"]).json()["user"]["org_id"] == a["id"]


def test_start_for_unknown_or_unconfigured_org_is_404_and_bad_input_400(srv, orgs, idp):
    assert requests.get(srv.url("/api/v1/auth/sso/no-such-org-xyz/oidc/start"), allow_redirects=False,
                        timeout=10).status_code == 404
    slug, _ = create_org("SSO none")
    assert requests.get(srv.url(f"/api/v1/auth/sso/{slug}/oidc/start"), allow_redirects=False,
                        timeout=10).status_code == 404
    a = orgs["A"]
    configure(srv, a, idp)
    r = requests.get(srv.url(f"/api/v1/auth/sso/{a['slug']}/oidc/start"), params={"return_to": "https://evil.example/"},
                     allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "return_to" in r.text
    assert requests.get(srv.url("/api/v1/auth/sso/oidc/callback"), timeout=10).status_code == 400
    bogus = land(srv, srv.url("/api/v1/auth/sso/oidc/callback?code=x&state=never-issued"))
    assert bogus == {"error": "invalid_request"}
    # Deleting the connection turns SSO off.
    d = requests.delete(srv.url("/api/v1/admin/sso/oidc"), headers=bearer(a["admin"]["token"]), timeout=10)
    assert d.status_code == 204
    assert requests.get(srv.url(f"/api/v1/auth/sso/{a['slug']}/oidc/start"), allow_redirects=False,
                        timeout=10).status_code == 404
    assert requests.get(srv.url("/api/v1/admin/sso/oidc"), headers=bearer(a["admin"]["token"]),
                        timeout=10).status_code == 404


def test_loopback_identity_providers_are_refused_unless_allowed(app_url, idp):
    """An organisation admin cannot point the server's back channel at the internal network."""
    strict = Server(app_url, *[f for f in FAST if f not in ("--sso-allow-private-addresses", "true")])
    try:
        slug, _ = create_org("SSO strict")
        admin = create_user(slug, "admin", PW)
        org = {"slug": slug, "admin": dict(admin, token=token_for(strict, admin))}
        configure(strict, org, idp)
        discovery = idp.hits["discovery"]
        r = requests.get(strict.url(f"/api/v1/auth/sso/{slug}/oidc/start"), allow_redirects=False, timeout=10)
        assert r.status_code == 503 and "not public" in r.json()["detail"]
        assert idp.hits["discovery"] == discovery  # refused before a byte was sent
    finally:
        strict.stop()


def test_expired_state_and_expired_hand_off_code_are_refused(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="email")
    rep = create_user(a["slug"], "rep", PW)
    idp.user = {"sub": "s-" + uuid.uuid4().hex, "email": rep["email"]}
    start = requests.get(srv.url(f"/api/v1/auth/sso/{a['slug']}/oidc/start"), allow_redirects=False, timeout=10)
    callback = requests.get(start.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    psql(OWNER_URL, "SELECT set_config('rounds.admin', 'on', false); UPDATE crm.sso_login_state "
                    f"SET expires_at = now() - interval '1 second' WHERE org_id = '{a['id']}' AND used_at IS NULL")
    assert land(srv, callback) == {"error": "invalid_request"}
    assert "expired" in last_failure(srv, a)
    q = sign_in(srv, a, idp, idp.user)
    psql(OWNER_URL, "SELECT set_config('rounds.admin', 'on', false); UPDATE crm.sso_handoff "
                    f"SET expires_at = now() - interval '1 second' WHERE org_id = '{a['id']}' AND used_at IS NULL")
    assert exchange(srv, q["code"]).status_code == 401


def test_provider_errors_and_a_wrong_client_secret_end_as_idp_error(srv, orgs, idp):
    a = orgs["A"]
    configure(srv, a, idp, provisioning="email")
    start = requests.get(srv.url(f"/api/v1/auth/sso/{a['slug']}/oidc/start"), allow_redirects=False, timeout=10)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start.headers["Location"]).query))["state"]
    # The user declined at the provider: it redirects back with error= instead of code=.
    declined = srv.url("/api/v1/auth/sso/oidc/callback?" + urllib.parse.urlencode(
        {"error": "access_denied", "state": state}))
    assert land(srv, declined) == {"error": "idp_error"}
    assert "access_denied" in last_failure(srv, a)
    # A client secret the provider does not accept: the code exchange fails.
    r = requests.put(srv.url("/api/v1/admin/sso/oidc"), json={"client_secret": "not-the-secret"},
                     headers=bearer(a["admin"]["token"]), timeout=10)
    assert r.status_code == 200
    assert sign_in(srv, a, idp, {"sub": "x", "email": "x@example.test"}) == {"error": "idp_error"}
    assert "token endpoint answered HTTP 401" in last_failure(srv, a)
    assert idp.token_errors[-1] == "client authentication"
