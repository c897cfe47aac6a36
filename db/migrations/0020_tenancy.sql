-- Tenancy foundation: the per-transaction context that row-level security reads, the helpers every crm table
-- uses (version bump, change log), and the organisation table.
--
-- The server sets, at the start of every tenant transaction (tenancy::Begin):
--   rounds.org_id   the caller's organisation (from the verified access token)
--   rounds.user_id  the caller
--   rounds.role     rep | manager | admin
-- with set_config(..., true), i.e. transaction-local: a pooled connection never carries one tenant's
-- context into the next transaction. A missing setting reads as NULL, and NULL matches no row.
--
-- Every crm table has ENABLE + FORCE ROW LEVEL SECURITY, so even the owning role is filtered. The owner
-- (migrations, `rounds admin`) gets one extra policy per table, usable only by that role and only after it
-- opts in for the transaction with set_config('rounds.admin', 'on', true). rounds_app has no such policy:
-- setting rounds.admin from the server does nothing.

CREATE OR REPLACE FUNCTION crm.current_org() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('rounds.org_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION crm.current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('rounds.user_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION crm.current_app_role() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('rounds.role', true), '') $$;

-- The owner's opt-in for cross-organisation administration (see above).
CREATE OR REPLACE FUNCTION crm.admin_mode() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('rounds.admin', true), '') = 'on' $$;

CREATE TABLE crm.org (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug         text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    mfa_required boolean     NOT NULL DEFAULT false,
    version      bigint      NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE crm.org ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.org FORCE ROW LEVEL SECURITY;
CREATE POLICY org_tenant ON crm.org USING (id = crm.current_org()) WITH CHECK (id = crm.current_org());
CREATE POLICY org_owner_admin ON crm.org TO CURRENT_USER USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Sync change log: one row per write to a tenant table, in the writer's transaction (written by the
-- crm.track_change trigger, so a module cannot forget it). Offline clients pull "changes since id N".
CREATE TABLE crm.change_log (
    id          bigserial   PRIMARY KEY,
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    entity      text        NOT NULL,
    entity_id   uuid        NOT NULL,
    op          text        NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    version     bigint      NOT NULL,
    changed_by  uuid,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    txid        bigint      NOT NULL DEFAULT txid_current()
);
CREATE INDEX change_log_org_id_idx ON crm.change_log (org_id, id);
ALTER TABLE crm.change_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.change_log FORCE ROW LEVEL SECURITY;
CREATE POLICY change_log_tenant ON crm.change_log
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY change_log_owner_admin ON crm.change_log TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- BEFORE UPDATE on every tenant table: optimistic-concurrency version, updated_at/by. The org and id of a
-- row never change (a moved row would escape its tenant's change log).
CREATE OR REPLACE FUNCTION crm.touch_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.org_id IS DISTINCT FROM OLD.org_id OR NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'org_id and id of a % row cannot change', TG_TABLE_NAME USING ERRCODE = '42501';
    END IF;
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    NEW.updated_by := coalesce(crm.current_user_id(), NEW.updated_by);
    RETURN NEW;
END $$;

-- AFTER INSERT/UPDATE on every tenant table: the change-log entry (a tombstone when deleted_at gets set).
CREATE OR REPLACE FUNCTION crm.track_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    op text := CASE
        WHEN TG_OP = 'INSERT' THEN 'insert'
        WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN 'delete'
        ELSE 'update' END;
BEGIN
    INSERT INTO crm.change_log (org_id, entity, entity_id, op, version, changed_by)
    VALUES (NEW.org_id, TG_TABLE_NAME, NEW.id, op, NEW.version, crm.current_user_id());
    RETURN NULL;
END $$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        -- Organisations are created by `rounds admin` (owner role), never through the API.
        REVOKE INSERT, DELETE, TRUNCATE ON crm.org FROM rounds_app;
        -- The change log is append-only for the server.
        REVOKE UPDATE, DELETE, TRUNCATE ON crm.change_log FROM rounds_app;
    END IF;
END $$;
