-- Identity: users (roles, team hierarchy, status, credentials, MFA), refresh tokens, MFA challenges and
-- recovery codes, and the login throttle.
--
-- Pre-authentication lookups (login by e-mail, refresh by token hash, invitation by token hash) happen
-- before the caller's organisation is known. Instead of bypassing row-level security they use narrow
-- SELECT-only policies keyed on a transaction-local setting holding the exact lookup key
-- (rounds.login_email, rounds.token_hash): at most the one row with that key becomes visible. Once the row
-- is found the server switches the transaction to that row's organisation and continues as a tenant.

CREATE TABLE crm.app_user (
    id                  uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    org_id              uuid        NOT NULL REFERENCES crm.org (id),
    email               text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254
                                                   AND position('@' IN email) > 1),
    display_name        text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role                text        NOT NULL CHECK (role IN ('rep', 'manager', 'admin')),
    manager_id          uuid,
    status              text        NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'disabled')),
    password_hash       text,
    password_changed_at timestamptz,
    mfa_enabled         boolean     NOT NULL DEFAULT false,
    mfa_secret          text,       -- base32 TOTP secret, set when enrolment is confirmed
    mfa_pending_secret  text,       -- offered at enrolment, promoted by a valid code
    mfa_last_step       bigint,     -- last accepted TOTP time step: a code is accepted once
    invite_hash         text UNIQUE,
    invite_expires_at   timestamptz,
    last_login_at       timestamptz,
    -- The columns every tenant table carries.
    client_id           text,
    version             bigint      NOT NULL DEFAULT 1,
    deleted_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          uuid,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          uuid,
    UNIQUE (org_id, id),
    UNIQUE (org_id, client_id),
    -- A manager belongs to the same organisation (the composite key makes a cross-tenant link impossible).
    FOREIGN KEY (org_id, manager_id) REFERENCES crm.app_user (org_id, id),
    CHECK (manager_id IS DISTINCT FROM id)
);
-- E-mail is the login name, so it is unique across organisations.
CREATE UNIQUE INDEX app_user_email_key ON crm.app_user (email);
CREATE INDEX app_user_org_idx ON crm.app_user (org_id, created_at, id);
CREATE INDEX app_user_manager_idx ON crm.app_user (org_id, manager_id);

ALTER TABLE crm.app_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.app_user FORCE ROW LEVEL SECURITY;
CREATE POLICY app_user_tenant ON crm.app_user
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY app_user_login_lookup ON crm.app_user FOR SELECT
    USING (email = nullif(current_setting('rounds.login_email', true), ''));
CREATE POLICY app_user_invite_lookup ON crm.app_user FOR SELECT
    USING (invite_hash = nullif(current_setting('rounds.token_hash', true), ''));
CREATE POLICY app_user_owner_admin ON crm.app_user TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- The team hierarchy is a tree: a user cannot end up managing themselves through a chain.
CREATE OR REPLACE FUNCTION crm.check_manager_cycle() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.manager_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        WITH RECURSIVE up(id, depth) AS (
            SELECT NEW.manager_id, 1
            UNION ALL
            SELECT u.manager_id, up.depth + 1 FROM crm.app_user u JOIN up ON u.id = up.id
            WHERE u.org_id = NEW.org_id AND u.manager_id IS NOT NULL AND up.depth < 64)
        SELECT 1 FROM up WHERE id = NEW.id) THEN
        RAISE EXCEPTION 'manager_id would make a cycle in the team hierarchy' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER app_user_manager_cycle BEFORE INSERT OR UPDATE OF manager_id ON crm.app_user
    FOR EACH ROW EXECUTE FUNCTION crm.check_manager_cycle();
-- Only changes to what clients see bump the version and reach the change log; logins, password and MFA
-- bookkeeping do not (they would make every device re-sync the user list after each login).
CREATE TRIGGER app_user_touch
    BEFORE UPDATE OF org_id, id, email, display_name, role, manager_id, status, client_id, deleted_at
    ON crm.app_user FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER app_user_change
    AFTER INSERT OR UPDATE OF email, display_name, role, manager_id, status, client_id, deleted_at
    ON crm.app_user FOR EACH ROW EXECUTE FUNCTION crm.track_change();

-- Users whose records the caller may read: themselves, and for a manager everyone below them (transitively).
-- Admins read the whole organisation (policies test the role first). Feature tables with an owner use
--   USING (org_id = crm.current_org()
--          AND (crm.current_app_role() = 'admin' OR owner_id IN (SELECT unnest(crm.visible_user_ids()))))
-- (the scalar sub-select makes PostgreSQL evaluate the team once per statement, not per row).
CREATE OR REPLACE FUNCTION crm.visible_user_ids() RETURNS uuid[]
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE team(id, depth) AS (
        SELECT crm.current_user_id(), 0
        UNION ALL
        SELECT u.id, team.depth + 1 FROM crm.app_user u JOIN team ON u.manager_id = team.id
        WHERE crm.current_app_role() IN ('manager', 'admin') AND u.org_id = crm.current_org() AND team.depth < 64)
    SELECT coalesce(array_agg(DISTINCT id), '{}') FROM team WHERE id IS NOT NULL
$$;

-- Rotating refresh tokens. One login starts a family; each refresh marks its token used and issues a child.
-- Presenting a used token again means it was stolen (or replayed): the whole family is revoked.
CREATE TABLE crm.refresh_token (
    id             uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    org_id         uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    family_id      uuid        NOT NULL,
    token_hash     text        NOT NULL UNIQUE,  -- SHA-256 of the token: a database leak yields no tokens
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    revoked_at     timestamptz,
    revoked_reason text,
    ip             text,
    user_agent     text,
    FOREIGN KEY (org_id, user_id) REFERENCES crm.app_user (org_id, id)
);
CREATE INDEX refresh_token_family_idx ON crm.refresh_token (org_id, family_id);
CREATE INDEX refresh_token_user_idx ON crm.refresh_token (org_id, user_id);
ALTER TABLE crm.refresh_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.refresh_token FORCE ROW LEVEL SECURITY;
CREATE POLICY refresh_token_tenant ON crm.refresh_token
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY refresh_token_lookup ON crm.refresh_token FOR SELECT
    USING (token_hash = nullif(current_setting('rounds.token_hash', true), ''));
CREATE POLICY refresh_token_owner_admin ON crm.refresh_token TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- A password login of an MFA user yields a challenge; POST /auth/mfa with its token and a code finishes it.
CREATE TABLE crm.mfa_challenge (
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    org_id      uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    token_hash  text        NOT NULL UNIQUE,
    enrol       boolean     NOT NULL DEFAULT false,  -- the org requires MFA and the user has none yet
    attempts    integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES crm.app_user (org_id, id)
);
ALTER TABLE crm.mfa_challenge ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.mfa_challenge FORCE ROW LEVEL SECURITY;
CREATE POLICY mfa_challenge_tenant ON crm.mfa_challenge
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY mfa_challenge_lookup ON crm.mfa_challenge FOR SELECT
    USING (token_hash = nullif(current_setting('rounds.token_hash', true), ''));
CREATE POLICY mfa_challenge_owner_admin ON crm.mfa_challenge TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- One-time recovery codes, stored as SHA-256 (they are 50-bit random strings, not passwords: a slow hash
-- adds nothing).
CREATE TABLE crm.mfa_recovery_code (
    org_id     uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    code_hash  text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash),
    FOREIGN KEY (org_id, user_id) REFERENCES crm.app_user (org_id, id)
);
ALTER TABLE crm.mfa_recovery_code ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.mfa_recovery_code FORCE ROW LEVEL SECURITY;
CREATE POLICY mfa_recovery_code_tenant ON crm.mfa_recovery_code
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY mfa_recovery_code_owner_admin ON crm.mfa_recovery_code TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Failed-login counters per account and per client address, shared by every server instance. Keys are
-- "acct:<sha256 of e-mail>" or "ip:<address>", so unknown e-mails are throttled exactly like known ones.
CREATE TABLE ops.login_throttle (
    key          text        PRIMARY KEY,
    failures     integer     NOT NULL DEFAULT 0,
    window_start timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz
);

COMMENT ON FUNCTION crm.visible_user_ids() IS
    'Users whose records the caller may read: the caller, plus everyone below a manager (transitively). '
    'Policy pattern: USING (org_id = crm.current_org() AND (crm.current_app_role() = ''admin'' '
    'OR owner_id IN (SELECT unnest(crm.visible_user_ids()))))';
