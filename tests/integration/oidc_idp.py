"""A small OpenID Provider on loopback for the SSO tests: discovery, JWKS, an authorization endpoint that
signs the configured user in at once (no login page), and a token endpoint that checks client authentication,
redirect_uri and the PKCE verifier and issues RS256 ID tokens. `tamper` makes the next ID tokens wrong in one
chosen way, so the relying party's checks can each be seen to fail."""
import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key, kid):
    n = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
            "n": b64u(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")), "e": b64u(n.e.to_bytes(3, "big"))}


def rs256(key, header, claims):
    signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64u(sig)


class OidcProvider:
    def __init__(self):
        self.keys = {"k1": new_key()}
        self.signing_kid = "k1"
        self.clients = {}  # client_id -> secret
        self.user = {"sub": "sub-1", "email": "someone@example.test", "email_verified": True, "name": "Some One"}
        self.tamper = None
        self.codes = {}
        self.last_nonce = None
        self.hits = {"discovery": 0, "jwks": 0, "token": 0}
        self.token_errors = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, obj):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    provider.hits["discovery"] += 1
                    return self._json(200, provider.discovery())
                if url.path == "/jwks":
                    provider.hits["jwks"] += 1
                    return self._json(200, {"keys": [jwk(k, kid) for kid, k in provider.keys.items()]})
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(24)
                    provider.codes[code] = dict(q, user=dict(provider.user))
                    target = q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": q["state"]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if urllib.parse.urlsplit(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                provider.hits["token"] += 1
                status, body = provider.token(form, self.headers.get("Authorization", ""))
                self._json(status, body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def discovery(self):
        return {"issuer": self.base, "authorization_endpoint": self.base + "/authorize",
                "token_endpoint": self.base + "/token", "jwks_uri": self.base + "/jwks",
                "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"]}

    def add_client(self, client_id=None):
        client_id = client_id or "client-" + secrets.token_hex(4)
        self.clients[client_id] = secrets.token_urlsafe(16)
        return client_id, self.clients[client_id]

    def token(self, form, authorization):
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            user, _, pw = base64.b64decode(authorization[6:]).decode().partition(":")
            client_id, secret = urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(pw)
        if client_id not in self.clients or not hmac.compare_digest(self.clients[client_id], secret or ""):
            self.token_errors.append("client authentication")
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri"):
            self.token_errors.append("code or redirect_uri")
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        if grant.get("code_challenge_method") != "S256" or \
                b64u(hashlib.sha256(verifier.encode()).digest()) != grant.get("code_challenge"):
            self.token_errors.append("pkce")
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        user = grant["user"]
        claims = {"iss": self.base, "aud": client_id, "sub": user["sub"], "iat": now, "exp": now + 300,
                  "nonce": grant.get("nonce"), "email": user.get("email"), "name": user.get("name")}
        if "email_verified" in user:
            claims["email_verified"] = user["email_verified"]
        header = {"alg": "RS256", "typ": "JWT", "kid": self.signing_kid}
        key = self.keys[self.signing_kid]
        t = self.tamper
        if t == "wrong_aud":
            claims["aud"] = "someone-else"
        elif t == "wrong_iss":
            claims["iss"] = "https://evil.example"
        elif t == "expired":
            claims["iat"], claims["exp"] = now - 900, now - 600
        elif t == "nonce_replay":
            claims["nonce"] = self.last_nonce or "an-old-nonce"
        elif t == "bad_signature":
            key = new_key()  # same kid, other key
        elif t == "unknown_kid":
            key, header["kid"] = new_key(), "ghost"
        if t == "alg_none":
            id_token = b64u(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." + \
                b64u(json.dumps(claims).encode()) + "."
        elif t == "hs256":
            pem = self.keys[self.signing_kid].public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            h = {"alg": "HS256", "typ": "JWT", "kid": self.signing_kid}
            signing_input = b64u(json.dumps(h).encode()) + "." + b64u(json.dumps(claims).encode())
            id_token = signing_input + "." + b64u(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())
        else:
            id_token = rs256(key, header, claims)
        self.last_nonce = grant.get("nonce")
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}

    def rotate(self):
        """A new signing key; the old one stays published (as providers do during rotation)."""
        kid = "k" + str(len(self.keys) + 1)
        self.keys[kid] = new_key()
        self.signing_kid = kid
        return kid

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
