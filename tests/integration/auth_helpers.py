"""Helpers for tests that need signed-in users: organisations and users made with `rounds admin` (owner role),
sign-in through the API, and RFC 6238 codes for MFA."""
import base64
import hashlib
import hmac
import struct
import subprocess
import time
import uuid

import requests

from conftest import BIN, OWNER_URL, clean_env


def admin_cli(*args, owner_url=None, stdin=None):
    r = subprocess.run([BIN, "admin", *args, "--database-url", owner_url or OWNER_URL, "--log-level", "warn"],
                       capture_output=True, text=True, input=stdin, env=clean_env())
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.strip()


def create_org(name, owner_url=None):
    slug = "it-" + uuid.uuid4().hex[:12]
    return slug, admin_cli("create-org", "--name", name, "--slug", slug, owner_url=owner_url)


def create_user(org_slug, role, password, owner_url=None, prefix=None):
    email = f"{prefix or role}.{uuid.uuid4().hex[:10]}@it.test"
    uid = admin_cli("create-user", "--org", org_slug, "--email", email, "--role", role, "--password-stdin",
                    owner_url=owner_url, stdin=password + "\n")
    return {"id": uid, "email": email, "password": password, "role": role}


def login(server, email, password, **kw):
    return requests.post(server.url("/api/v1/auth/login"), json={"email": email, "password": password}, timeout=20,
                         **kw)


def token_for(server, user):
    r = login(server, user["email"], user["password"])
    assert r.status_code == 200 and "access_token" in r.json(), r.text
    return r.json()["access_token"]


def bearer(token):
    return {"Authorization": "Bearer " + token}


def refresh_cookie(resp):
    """The rounds_refresh value from a Set-Cookie header (the test talks plain HTTP, so it sends it by hand)."""
    for part in resp.headers.get("Set-Cookie", "").split(";"):
        part = part.strip()
        if part.startswith("rounds_refresh="):
            return part.split("=", 1)[1]
    return None


def totp(secret_b32, at=None, step_offset=0):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at if at is not None else time.time()) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"
