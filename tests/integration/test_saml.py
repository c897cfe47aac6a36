"""SAML 2.0 sign-in against the real binary with a lasso-built identity provider (saml_idp.py) that signs real
assertions; the test carries the redirects and the POST the way a browser would."""
import urllib.parse
import uuid

import pytest
import requests

from auth_helpers import bearer, create_org, create_user, token_for
from conftest import Server
from saml_idp import SamlIdp, replace_in, strip_response_signature, strip_signatures
from test_sso import FAST, PW, audit, exchange, last_failure


@pytest.fixture(scope="module")
def srv(app_url):
    s = Server(app_url, *FAST)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def idp():
    return SamlIdp()


@pytest.fixture(scope="module")
def org(srv, idp):
    slug, org_id = create_org("SAML A")
    admin = create_user(slug, "admin", PW)
    admin["token"] = token_for(srv, admin)
    o = {"slug": slug, "id": org_id, "admin": admin}
    r = requests.put(srv.url("/api/v1/admin/sso/saml"), json={"idp_metadata": idp.metadata(), "provisioning": "email"},
                     headers=bearer(admin["token"]), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["idp_entity_id"] == idp.entity_id
    return o


def start(srv, org):
    r = requests.get(srv.url(f"/api/v1/auth/sso/{org['slug']}/saml/start"), allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def sp_metadata(srv, org):
    r = requests.get(srv.url(f"/api/v1/auth/sso/{org['slug']}/saml/metadata"), timeout=10)
    assert r.status_code == 200 and "samlmetadata+xml" in r.headers["Content-Type"]
    return r.text


def post_acs(srv, org, form):
    r = requests.post(srv.url(f"/api/v1/auth/sso/{org['slug']}/saml/acs"), data={"SAMLResponse": form["SAMLResponse"], "RelayState": form["RelayState"]},
                      allow_redirects=False, timeout=20)
    assert r.status_code == 302, r.text
    loc = r.headers["Location"]
    assert loc.startswith(srv.base + "/sso/complete?") and "access_token" not in loc
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))


def saml_login(srv, org, idp, email, other_acs=None, **kw):
    md = sp_metadata(srv, org)
    if other_acs:
        # The IdP holds metadata with another ACS URL: it addresses the response (Destination) and the
        # subject confirmation (Recipient) there; lasso's IdP writes both from the metadata.
        md = md.replace(srv.url(f"/api/v1/auth/sso/{org['slug']}/saml/acs"), other_acs)
    form = idp.respond(md, start(srv, org), email, **kw)
    assert form["acs"] == (other_acs or srv.url(f"/api/v1/auth/sso/{org['slug']}/saml/acs"))
    return post_acs(srv, org, form), form


def test_sp_metadata_and_admin_settings(srv, org, idp):
    md = sp_metadata(srv, org)
    assert f'entityID="{srv.base}/api/v1/auth/sso/{org["slug"]}/saml/metadata"' in md
    assert f'Location="{srv.base}/api/v1/auth/sso/{org["slug"]}/saml/acs"' in md
    assert 'WantAssertionsSigned="true"' in md
    got = requests.get(srv.url("/api/v1/admin/sso/saml"), headers=bearer(org["admin"]["token"]), timeout=10)
    assert got.status_code == 200 and got.json()["idp_entity_id"] == idp.entity_id
    for bad in ({"idp_metadata": "<nope/>"}, {"idp_metadata": idp.metadata().replace("X509Certificate", "X")},
                {"client_id": "x"}):
        r = requests.put(srv.url("/api/v1/admin/sso/saml"), json=bad, headers=bearer(org["admin"]["token"]),
                         timeout=10)
        assert r.status_code == 400, (bad, r.text)
    assert requests.get(srv.url("/api/v1/auth/sso/no-such-org-q/saml/metadata"), timeout=10).status_code == 404


def test_happy_path_signed_assertion_signs_the_user_in(srv, org, idp):
    rep = create_user(org["slug"], "rep", PW)
    q, _ = saml_login(srv, org, idp, rep["email"], name="Rep Person")
    assert "code" in q, q
    r = exchange(srv, q["code"])
    assert r.status_code == 200, r.text
    assert r.json()["user"] == {"id": rep["id"], "org_id": org["id"], "role": "rep"}
    assert any(e["actor_id"] == rep["id"] and e["detail"].startswith("sso saml")
               for e in audit(srv, org, action="auth.login", outcome="success"))


@pytest.mark.parametrize("case,reason", [
    ("unsigned", "Signature element not found"),
    ("forged", "Failed to verify signature"),
    ("tampered", "Failed to verify signature"),
    ("expired", "assertion expired"),
    ("wrong_audience", "wrong audience"),
    ("wrong_recipient", "wrong destination"),
    ("wrong_recipient_only", "wrong recipient"),
    ("response_unsigned_assertion_signed", None),
])
def test_assertions_are_checked(srv, org, idp, case, reason):
    rep = create_user(org["slug"], "rep", PW)
    admin_email = org["admin"]["email"]
    acs = srv.url(f"/api/v1/auth/sso/{org['slug']}/saml/acs")
    kw = {
        "unsigned": {"post": strip_signatures},
        "forged": {"forged": True},
        # Signed for the rep, then rewritten to name the admin.
        "tampered": {"post": lambda b: replace_in(b, rep["email"], admin_email)},
        "expired": {"valid_minutes": -10},
        "wrong_audience": {"audience": "https://some-other-sp.example/metadata"},
        "wrong_recipient": {"other_acs": "https://some-other-sp.example/acs"},
        # The assertion (signed) names another recipient; the unsigned Response is re-addressed to us.
        "wrong_recipient_only": {"other_acs": "https://some-other-sp.example/acs",
                                 "post": lambda b: replace_in(strip_response_signature(b),
                                                              'Destination="https://some-other-sp.example/acs"',
                                                              f'Destination="{acs}"')},
        # Only the assertion signed is enough (many IdPs do not sign the Response).
        "response_unsigned_assertion_signed": {"post": strip_response_signature},
    }[case]
    q, _ = saml_login(srv, org, idp, rep["email"], **kw)
    if reason is None:
        assert "code" in q, q
        assert exchange(srv, q["code"]).json()["user"]["id"] == rep["id"]
        return
    assert q == {"error": "invalid_token"}, q
    detail = last_failure(srv, org)
    assert reason in detail, detail


def test_replayed_assertion_is_refused(srv, org, idp):
    rep = create_user(org["slug"], "rep", PW)
    q, form = saml_login(srv, org, idp, rep["email"])
    assert "code" in q
    again = post_acs(srv, org, form)
    assert again == {"error": "invalid_token"}
    assert "replayed" in last_failure(srv, org)


def test_a_response_for_another_request_is_refused(srv, org, idp):
    rep = create_user(org["slug"], "rep", PW)
    md = sp_metadata(srv, org)
    first = idp.respond(md, start(srv, org), rep["email"])
    second_start = start(srv, org)
    second = idp.respond(md, second_start, rep["email"])
    # The first response carried with the second request's RelayState: InResponseTo does not match.
    mixed = dict(first, RelayState=second["RelayState"])
    assert post_acs(srv, org, mixed) == {"error": "invalid_token"}
    assert "InResponseTo" in last_failure(srv, org)


def test_saml_provisioning_and_org_isolation(srv, org, idp):
    other_slug, _ = create_org("SAML B")
    stranger = create_user(other_slug, "rep", PW)
    # email mode: a user of another organisation does not match.
    q, _ = saml_login(srv, org, idp, stranger["email"])
    assert q == {"error": "access_denied"}
    r = requests.put(srv.url("/api/v1/admin/sso/saml"), json={"provisioning": "auto", "default_role": "rep"},
                     headers=bearer(org["admin"]["token"]), timeout=10)
    assert r.status_code == 200, r.text
    email = "saml." + uuid.uuid4().hex[:8] + "@new.example"
    q, _ = saml_login(srv, org, idp, email, name="New Person")
    r = exchange(srv, q["code"])
    assert r.status_code == 200 and r.json()["user"]["org_id"] == org["id"]
    me = requests.get(srv.url("/api/v1/me"), headers=bearer(r.json()["access_token"]), timeout=10).json()
    assert me["email"] == email and me["display_name"] == "New Person"
    q, _ = saml_login(srv, org, idp, stranger["email"])
    assert q == {"error": "access_denied"}  # the other organisation's address is taken
    requests.put(srv.url("/api/v1/admin/sso/saml"), json={"provisioning": "email"},
                 headers=bearer(org["admin"]["token"]), timeout=10)
