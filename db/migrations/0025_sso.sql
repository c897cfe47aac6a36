-- Single sign-on per organisation: OpenID Connect and SAML 2.0 connections (admin-configured), the links
-- between users and their identity-provider subjects, the short-lived state of a sign-in in flight, the
-- one-time codes that hand a finished SSO sign-in to the web client, and seen SAML assertion ids (replay).
--
-- Pre-authentication lookups follow 0021: the start of a sign-in finds the organisation by slug through a
-- narrow policy keyed on rounds.org_slug; the callback finds its state, and the web client its hand-off
-- code, by token hash (rounds.token_hash). Everything else runs as a tenant transaction of that organisation.

CREATE POLICY org_slug_lookup ON crm.org FOR SELECT
    USING (slug = nullif(current_setting('rounds.org_slug', true), ''));

CREATE TABLE crm.sso_connection (
    id                uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    org_id            uuid        NOT NULL REFERENCES crm.org (id),
    protocol          text        NOT NULL CHECK (protocol IN ('oidc', 'saml')),
    enabled           boolean     NOT NULL DEFAULT true,
    -- OpenID Connect
    issuer            text,
    oidc_client_id    text,
    client_secret_enc text,        -- AES-256-GCM sealed (auth::SecretBox); never returned by the API
    scopes            text,
    -- SAML 2.0: the identity provider's metadata document and its entity id (taken from it)
    idp_metadata      text,
    idp_entity_id     text,
    -- Who may sign in and how users are found
    provisioning      text        NOT NULL CHECK (provisioning IN ('email', 'subject', 'auto')),
    default_role      text        NOT NULL DEFAULT 'rep' CHECK (default_role IN ('rep', 'manager', 'admin')),
    allowed_domains   text[]      NOT NULL DEFAULT '{}',
    -- The columns every tenant table carries.
    client_id         text,
    version           bigint      NOT NULL DEFAULT 1,
    deleted_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        uuid,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        uuid,
    UNIQUE (org_id, id),
    UNIQUE (org_id, protocol),
    UNIQUE (org_id, client_id),
    CHECK (protocol <> 'oidc' OR (issuer IS NOT NULL AND oidc_client_id IS NOT NULL)),
    CHECK (protocol <> 'saml' OR (idp_metadata IS NOT NULL AND idp_entity_id IS NOT NULL))
);
ALTER TABLE crm.sso_connection ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.sso_connection FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_connection_tenant ON crm.sso_connection
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY sso_connection_owner_admin ON crm.sso_connection TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());
CREATE TRIGGER sso_connection_touch BEFORE UPDATE ON crm.sso_connection
    FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER sso_connection_change AFTER INSERT OR UPDATE ON crm.sso_connection
    FOR EACH ROW EXECUTE FUNCTION crm.track_change();

-- A user's identity at an organisation's identity provider: (issuer or IdP entity id, subject or NameID).
CREATE TABLE crm.sso_identity (
    org_id        uuid        NOT NULL,
    user_id       uuid        NOT NULL,
    protocol      text        NOT NULL CHECK (protocol IN ('oidc', 'saml')),
    issuer        text        NOT NULL,
    subject       text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    PRIMARY KEY (org_id, issuer, subject),
    FOREIGN KEY (org_id, user_id) REFERENCES crm.app_user (org_id, id)
);
CREATE INDEX sso_identity_user_idx ON crm.sso_identity (org_id, user_id);
ALTER TABLE crm.sso_identity ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.sso_identity FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_identity_tenant ON crm.sso_identity
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY sso_identity_owner_admin ON crm.sso_identity TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- A sign-in in flight: created by .../start, consumed once by the callback / ACS. The state (OIDC) or
-- RelayState (SAML) travels through the browser; only its hash is stored. nonce and code_verifier never
-- leave the server except inside the authorization request (the verifier only as its S256 challenge).
CREATE TABLE crm.sso_login_state (
    id            uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    org_id        uuid        NOT NULL REFERENCES crm.org (id),
    protocol      text        NOT NULL CHECK (protocol IN ('oidc', 'saml')),
    state_hash    text        NOT NULL UNIQUE,
    nonce         text,
    code_verifier text,
    request_id    text,        -- SAML AuthnRequest ID (InResponseTo must equal it)
    return_to     text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX sso_login_state_expiry_idx ON crm.sso_login_state (org_id, expires_at);
ALTER TABLE crm.sso_login_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.sso_login_state FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_login_state_tenant ON crm.sso_login_state
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY sso_login_state_lookup ON crm.sso_login_state FOR SELECT
    USING (state_hash = nullif(current_setting('rounds.token_hash', true), ''));
CREATE POLICY sso_login_state_owner_admin ON crm.sso_login_state TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- The one-time code a finished SSO sign-in hands to the web client (in the redirect URL); the client trades
-- it for tokens with POST /api/v1/auth/sso/exchange. Tokens never appear in a URL.
CREATE TABLE crm.sso_handoff (
    id         uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    org_id     uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    code_hash  text        NOT NULL UNIQUE,
    protocol   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES crm.app_user (org_id, id)
);
ALTER TABLE crm.sso_handoff ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.sso_handoff FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_handoff_tenant ON crm.sso_handoff
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY sso_handoff_lookup ON crm.sso_handoff FOR SELECT
    USING (code_hash = nullif(current_setting('rounds.token_hash', true), ''));
CREATE POLICY sso_handoff_owner_admin ON crm.sso_handoff TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- SAML assertion ids already accepted, until the assertion would have expired anyway: a replayed assertion
-- (same id) is refused even inside its validity window.
CREATE TABLE crm.saml_assertion_seen (
    org_id       uuid        NOT NULL,
    assertion_id text        NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (org_id, assertion_id)
);
ALTER TABLE crm.saml_assertion_seen ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.saml_assertion_seen FORCE ROW LEVEL SECURITY;
CREATE POLICY saml_assertion_seen_tenant ON crm.saml_assertion_seen
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY saml_assertion_seen_owner_admin ON crm.saml_assertion_seen TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Users created by SSO have no password; app_user already allows a NULL password_hash.
