#!/usr/bin/env python3
"""Adds (or refreshes) the identity module's paths and schemas in api/openapi.json, keeping its formatting
(json.dumps indent=2). Run after changing the identity routes: /usr/bin/python3 server/auth/tools/openapi_auth.py"""
import json
import os

SPEC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "api", "openapi.json")

P = {"$ref": "#/components/responses/BadRequest"}
U = {"$ref": "#/components/responses/Unauthorized"}
N = {"$ref": "#/components/responses/NotFound"}
F = {"description": "Your role may not use this endpoint", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
C = {"description": "Conflict", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
R = {"$ref": "#/components/responses/TooManyRequests"}
SEC = [{"bearerAuth": []}]


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def ok(schema, desc="OK", code="200"):
    return {code: {"description": desc, "content": {"application/json": {"schema": schema}}}}


def op(op_id, summary, responses, request=None, secure=True, params=None, tag="identity"):
    o = {"operationId": op_id, "tags": [tag], "summary": summary, "responses": responses}
    if secure:
        o["security"] = SEC
    if request:
        o["requestBody"] = request
    if params:
        o["parameters"] = params
    return o


def q(name, desc, schema=None):
    return {"name": name, "in": "query", "required": False, "description": desc, "schema": schema or {"type": "string"}}


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "description": "ETag (version) read before; 412 when stale", "schema": {"type": "string"}}
PAGE = [q("limit", "1 to 200 (default 50)", {"type": "integer", "minimum": 1, "maximum": 200}), q("cursor", "next_cursor of the previous page")]

obj = lambda props, required=(), extra=False: {"type": "object", "additionalProperties": extra, "required": list(required), "properties": props}
s = lambda **kw: dict({"type": "string"}, **kw)

SCHEMAS = {
    "LoginRequest": obj({"email": s(format="email"), "password": s(format="password")}, ["email", "password"]),
    "MfaRequest": obj({"challenge": s(), "code": s(description="6-digit TOTP code or a recovery code")}, ["challenge", "code"]),
    "RefreshRequest": obj({"refresh_token": s(description="Only for clients without cookies; browsers send the rounds_refresh cookie")}),
    "LoginResult": {"description": "Tokens (with the refresh token in the httpOnly rounds_refresh cookie), or an MFA challenge", "oneOf": [ref("Tokens"), ref("MfaChallenge")]},
    "Tokens": obj({"access_token": s(), "token_type": s(enum=["Bearer"]), "expires_in": {"type": "integer"},
                   "user": obj({"id": s(format="uuid"), "org_id": s(format="uuid"), "role": s(enum=["rep", "manager", "admin"])}, ["id", "org_id", "role"]),
                   "recovery_codes": {"type": "array", "items": s(), "description": "Only when this sign-in completed an MFA enrolment"}},
                  ["access_token", "token_type", "expires_in", "user"]),
    "MfaChallenge": obj({"mfa_required": {"type": "boolean", "enum": [True]}, "challenge": s(), "enrolment_required": {"type": "boolean"}}, ["mfa_required", "challenge", "enrolment_required"]),
    "AcceptInvite": obj({"token": s(), "password": s(format="password", minLength=12)}, ["token", "password"]),
    "MfaEnrollRequest": obj({"challenge": s(description="The enrolment challenge of a sign-in, when not signed in")}),
    "MfaEnrolment": obj({"secret": s(description="base32"), "otpauth_uri": s(), "qr_svg": s(description="QR code of otpauth_uri as an SVG image")}, ["secret", "otpauth_uri", "qr_svg"]),
    "MfaCode": obj({"code": s()}, ["code"]),
    "RecoveryCodes": obj({"mfa_enabled": {"type": "boolean"}, "recovery_codes": {"type": "array", "items": s()}}, ["mfa_enabled", "recovery_codes"]),
    "User": obj({"id": s(format="uuid"), "email": s(), "display_name": s(), "role": s(enum=["rep", "manager", "admin"]),
                 "manager_id": s(format="uuid", nullable=True), "status": s(enum=["invited", "active", "disabled"]),
                 "mfa_enabled": {"type": "boolean"}, "version": {"type": "integer"}, "client_id": s(nullable=True),
                 "created_at": s(format="date-time"), "updated_at": s(format="date-time"), "last_login_at": s(format="date-time", nullable=True),
                 "org_id": s(format="uuid", description="GET /me only"), "invite_token": s(description="POST /admin/users only, shown once")},
                ["id", "email", "display_name", "role", "status", "mfa_enabled", "version"]),
    "UserPage": obj({"items": {"type": "array", "items": ref("User")}, "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
    "MeUpdate": obj({"display_name": s()}, ["display_name"]),
    "UserCreate": obj({"email": s(format="email"), "display_name": s(), "role": s(enum=["rep", "manager", "admin"]),
                       "manager_id": s(format="uuid", nullable=True), "client_id": s(description="Makes retries idempotent")},
                      ["email", "display_name", "role"]),
    "UserUpdate": obj({"display_name": s(), "role": s(enum=["rep", "manager", "admin"]), "manager_id": s(format="uuid", nullable=True),
                       "status": s(enum=["active", "disabled"])}),
    "Org": obj({"id": s(format="uuid"), "name": s(), "slug": s(), "mfa_required": {"type": "boolean"}, "version": {"type": "integer"}},
               ["id", "name", "slug", "mfa_required", "version"]),
    "OrgUpdate": obj({"name": s(), "mfa_required": {"type": "boolean"}}),
    "AuditEntry": obj({"id": s(), "at": s(format="date-time"), "action": s(), "outcome": s(enum=["success", "failure"]),
                       "actor_id": s(nullable=True), "actor_email": s(nullable=True), "target_type": s(nullable=True),
                       "target_id": s(nullable=True), "before": {"type": "object", "nullable": True}, "after": {"type": "object", "nullable": True},
                       "detail": s(nullable=True), "ip": s(nullable=True), "user_agent": s(nullable=True), "request_id": s(nullable=True)},
                      ["id", "at", "action", "outcome"]),
    "AuditPage": obj({"items": {"type": "array", "items": ref("AuditEntry")}, "next_cursor": s(nullable=True)}, ["items", "next_cursor"]),
}

NO_CONTENT = {"204": {"description": "Done"}}
PATHS = {
    "/api/v1/auth/login": {"post": op("login", "Password sign-in: tokens, or an MFA challenge", dict(ok(ref("LoginResult")), **{"400": P, "401": U, "429": R}), body(ref("LoginRequest")), secure=False)},
    "/api/v1/auth/mfa": {"post": op("completeMfa", "Finish a sign-in with a TOTP or recovery code", dict(ok(ref("Tokens")), **{"400": P, "401": U}), body(ref("MfaRequest")), secure=False)},
    "/api/v1/auth/refresh": {"post": op("refresh", "Rotate the refresh token (cookie) and get a new access token; a reused token revokes its whole session", dict(ok(ref("Tokens")), **{"401": U}), {"required": False, "content": {"application/json": {"schema": ref("RefreshRequest")}}}, secure=False)},
    "/api/v1/auth/logout": {"post": op("logout", "Revoke the session of the refresh token (cookie) or of the access token", NO_CONTENT, {"required": False, "content": {"application/json": {"schema": ref("RefreshRequest")}}}, secure=False)},
    "/api/v1/auth/invitations/accept": {"post": op("acceptInvitation", "Set a password with an invitation token; the account becomes active", dict(NO_CONTENT, **{"400": P}), body(ref("AcceptInvite")), secure=False)},
    "/api/v1/auth/mfa/enroll": {"post": op("mfaEnroll", "Start TOTP enrolment (signed in, or with the enrolment challenge of a sign-in)", dict(ok(ref("MfaEnrolment")), **{"401": U, "409": C}), {"required": False, "content": {"application/json": {"schema": ref("MfaEnrollRequest")}}}, secure=False)},
    "/api/v1/auth/mfa/confirm": {"post": op("mfaConfirm", "Confirm TOTP enrolment with a first code; returns one-time recovery codes", dict(ok(ref("RecoveryCodes")), **{"400": P, "401": U, "409": C}), body(ref("MfaCode")))},
    "/api/v1/auth/mfa/disable": {"post": op("mfaDisable", "Turn MFA off (refused when the organisation requires it)", dict(NO_CONTENT, **{"400": P, "401": U, "409": C}), body(ref("MfaCode")))},
    "/api/v1/me": {"get": op("me", "The caller", dict(ok(ref("User")), **{"401": U})),
                   "patch": op("updateMe", "Change the caller's display name (nothing else is the caller's to set)", dict(ok(ref("User")), **{"400": P, "401": U}), body(ref("MeUpdate")), params=[IF_MATCH])},
    "/api/v1/team": {"get": op("team", "The caller and everyone below them in the team hierarchy (managers and admins)", dict(ok(ref("UserPage")), **{"401": U, "403": F}))},
    "/api/v1/admin/users": {"get": op("listUsers", "Users of the organisation (admins)", dict(ok(ref("UserPage")), **{"400": P, "401": U, "403": F}), params=PAGE + [q("role", "rep, manager or admin"), q("status", "invited, active or disabled")]),
                            "post": op("createUser", "Invite a user (201 with a one-time invite_token; 200 with the existing user when client_id was seen)", dict(ok(ref("User"), "Created", "201"), **ok(ref("User"), "Already created with this client_id"), **{"400": P, "401": U, "403": F, "409": C}), body(ref("UserCreate")))},
    "/api/v1/admin/users/{id}": {"get": op("getUser", "One user (404 for other organisations' users)", dict(ok(ref("User")), **{"401": U, "403": F, "404": N}), params=[ID]),
                                 "patch": op("updateUser", "Change display name, role, manager or status (audited with before/after)", dict(ok(ref("User")), **{"400": P, "401": U, "403": F, "404": N, "412": C, "422": C}), body(ref("UserUpdate")), params=[ID, IF_MATCH])},
    "/api/v1/admin/users/{id}/disable": {"post": op("disableUser", "Disable a user and revoke their sessions", dict(ok(ref("User")), **{"401": U, "403": F, "404": N, "422": C}), params=[ID])},
    "/api/v1/admin/users/{id}/reset-mfa": {"post": op("resetUserMfa", "Remove a user's MFA (lost device)", dict(ok(ref("User")), **{"401": U, "403": F, "404": N}), params=[ID])},
    "/api/v1/admin/org": {"get": op("getOrg", "Organisation settings", dict(ok(ref("Org")), **{"401": U, "403": F})),
                          "patch": op("updateOrg", "Change organisation settings (e.g. require MFA for everyone)", dict(ok(ref("Org")), **{"400": P, "401": U, "403": F}), body(ref("OrgUpdate")))},
    "/api/v1/admin/audit": {"get": op("listAudit", "The organisation's audit log, newest first", dict(ok(ref("AuditPage")), **{"400": P, "401": U, "403": F}),
                                      params=PAGE + [q("action", "Action prefix, e.g. auth.login or admin."), q("actor_id", "User id"), q("outcome", "success or failure"),
                                                     q("since", "RFC 3339 time (inclusive)"), q("until", "RFC 3339 time (exclusive)"), q("target_id", "Target id")])},
}

# ----- Single sign-on (server/auth/sso*.cpp) -----
SLUG = {"name": "slug", "in": "path", "required": True, "description": "The organisation's slug", "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}}
RETURN_TO = q("return_to", "Path of the web client to open after sign-in (a path on this site)")
REDIRECT = {"302": {"description": "Redirect (Location header)", "headers": {"Location": {"schema": {"type": "string"}}}}}
DOMAINS = {"type": "array", "items": s(), "description": "Only these e-mail domains may sign in (empty: any)"}
PROVISIONING = s(enum=["email", "subject", "auto"], description="email: match an existing user by verified e-mail; subject: match by the IdP subject (linked on the first sign-in by e-mail); auto: like subject, and create missing users with default_role")
ROLE = s(enum=["rep", "manager", "admin"])
SCHEMAS.update({
    "OidcConnection": obj({"protocol": s(enum=["oidc"]), "enabled": {"type": "boolean"}, "issuer": s(format="uri"), "client_id": s(),
                           "client_secret_set": {"type": "boolean", "description": "The secret itself is never returned"}, "scopes": s(),
                           "provisioning": PROVISIONING, "default_role": ROLE, "allowed_domains": DOMAINS, "version": {"type": "integer"}, "updated_at": s(format="date-time")},
                          ["protocol", "enabled", "issuer", "client_id", "client_secret_set", "scopes", "provisioning", "default_role", "allowed_domains", "version"]),
    "OidcConnectionInput": obj({"enabled": {"type": "boolean"}, "issuer": s(format="uri", description="https URL; the discovery document is read from <issuer>/.well-known/openid-configuration"),
                                "client_id": s(), "client_secret": s(format="password", description="Write-only; stored encrypted"), "scopes": s(description="Space-separated, must include openid (default: openid email profile)"),
                                "provisioning": PROVISIONING, "default_role": ROLE, "allowed_domains": DOMAINS}),
    "SamlConnection": obj({"protocol": s(enum=["saml"]), "enabled": {"type": "boolean"}, "idp_entity_id": s(),
                           "provisioning": PROVISIONING, "default_role": ROLE, "allowed_domains": DOMAINS, "version": {"type": "integer"}, "updated_at": s(format="date-time")},
                          ["protocol", "enabled", "idp_entity_id", "provisioning", "default_role", "allowed_domains", "version"]),
    "SamlConnectionInput": obj({"enabled": {"type": "boolean"}, "idp_metadata": s(description="The identity provider's SAML 2.0 metadata XML (signing certificate, HTTP-Redirect SSO endpoint)"),
                                "provisioning": PROVISIONING, "default_role": ROLE, "allowed_domains": DOMAINS}),
    "SsoExchange": obj({"code": s(description="The one-time code the web client received at /sso/complete?code=...")}, ["code"]),
})
SSO_PATHS = {
    "/api/v1/admin/sso/oidc": {
        "get": op("getOidcConnection", "The organisation's OpenID Connect settings (404 when none)", dict(ok(ref("OidcConnection")), **{"401": U, "403": F, "404": N})),
        "put": op("putOidcConnection", "Create or change the OpenID Connect settings (absent fields keep their value)", dict(ok(ref("OidcConnection")), **{"400": P, "401": U, "403": F}), body(ref("OidcConnectionInput"))),
        "delete": op("deleteOidcConnection", "Remove OpenID Connect sign-in", dict(NO_CONTENT, **{"401": U, "403": F, "404": N}))},
    "/api/v1/auth/sso/{slug}/oidc/start": {"get": op("oidcStart", "Start an OpenID Connect sign-in: 302 to the identity provider (code flow, PKCE S256, state and nonce)", dict(REDIRECT, **{"400": P, "404": N}), secure=False, params=[SLUG, RETURN_TO])},
    "/api/v1/auth/sso/oidc/callback": {"get": op("oidcCallback", "Redirect URI: verifies the sign-in and 302s to the web client's /sso/complete?code=... (or ?error=invalid_request|invalid_token|access_denied|idp_error)", dict(REDIRECT, **{"400": P}), secure=False,
                                                 params=[q("code", "Authorization code"), q("state", "State of the start"), q("error", "Error from the identity provider")])},
    "/api/v1/auth/sso/exchange": {"post": op("ssoExchange", "Trade the one-time code of a finished SSO sign-in for tokens (once, within 60 s)", dict(ok(ref("Tokens")), **{"400": P, "401": U}), body(ref("SsoExchange")), secure=False)},
    "/api/v1/admin/sso/saml": {
        "get": op("getSamlConnection", "The organisation's SAML 2.0 settings (404 when none)", dict(ok(ref("SamlConnection")), **{"401": U, "403": F, "404": N})),
        "put": op("putSamlConnection", "Create or change the SAML settings (the IdP's metadata XML; absent fields keep their value)", dict(ok(ref("SamlConnection")), **{"400": P, "401": U, "403": F}), body(ref("SamlConnectionInput"))),
        "delete": op("deleteSamlConnection", "Remove SAML sign-in", dict(NO_CONTENT, **{"401": U, "403": F, "404": N}))},
    "/api/v1/auth/sso/{slug}/saml/metadata": {"get": op("samlMetadata", "This server's SAML service-provider metadata for the organisation (entity id, ACS URL); give it to the IdP",
                                                        {"200": {"description": "SAML metadata", "content": {"application/samlmetadata+xml": {"schema": s()}}}, "404": N}, secure=False, params=[SLUG])},
    "/api/v1/auth/sso/{slug}/saml/start": {"get": op("samlStart", "Start a SAML sign-in: 302 to the IdP with an AuthnRequest (HTTP-Redirect binding)", dict(REDIRECT, **{"400": P, "404": N}), secure=False, params=[SLUG, RETURN_TO])},
    "/api/v1/auth/sso/{slug}/saml/acs": {"post": op("samlAcs", "Assertion consumer service (HTTP-POST binding): verifies the signed assertion and 302s to the web client's /sso/complete?code=... (or ?error=...)",
                                                    dict(REDIRECT, **{"400": P, "404": N, "415": C}),
                                                    {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj({"SAMLResponse": s(), "RelayState": s()}, ["SAMLResponse", "RelayState"])}}},
                                                    secure=False, params=[SLUG])},
}
PATHS.update(SSO_PATHS)

with open(SPEC) as f:
    spec = json.load(f)
spec["paths"].update(PATHS)
spec["components"]["schemas"].update(SCHEMAS)
spec["components"]["responses"]["TooManyRequests"] = {
    "description": "Rate limited or locked out; retry after the Retry-After header",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
with open(SPEC, "w") as f:
    f.write(json.dumps(spec, indent=2, ensure_ascii=False) + "\n")
