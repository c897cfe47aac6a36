-- Audit log: who did what, when, from where, with before/after for admin changes. Partitioned by month so
-- the two-year retention drops whole partitions (crm.audit_maintain, run daily by the worker job
-- "audit.maintain"). Append-only for the server: rounds_app may INSERT and SELECT, nothing else, and only
-- through the parent table (partitions are revoked from it, because a direct partition access would skip
-- the parent's policies).

CREATE TABLE crm.audit_log (
    id          bigserial   NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    org_id      uuid,        -- NULL for a failed login with an unknown e-mail
    actor_id    uuid,
    actor_email text,
    action      text        NOT NULL,  -- e.g. auth.login, auth.mfa.enable, admin.user.update, admin.org.update
    outcome     text        NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure')),
    target_type text,
    target_id   text,
    before      jsonb,
    after       jsonb,
    detail      text,
    ip          text,
    user_agent  text,
    request_id  text,
    PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);
CREATE INDEX audit_log_org_at_idx ON crm.audit_log (org_id, at DESC, id DESC);

CREATE TABLE crm.audit_log_default PARTITION OF crm.audit_log DEFAULT;

ALTER TABLE crm.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.audit_log FORCE ROW LEVEL SECURITY;
-- Only an organisation's admins read its audit log.
CREATE POLICY audit_log_read ON crm.audit_log FOR SELECT
    USING (org_id = crm.current_org() AND crm.current_app_role() = 'admin');
-- Anyone may append about their own organisation (logins of other roles are audited too); NULL is for
-- failed logins that match no account.
CREATE POLICY audit_log_append ON crm.audit_log FOR INSERT
    WITH CHECK (org_id IS NULL OR org_id = crm.current_org());
CREATE POLICY audit_log_owner_admin ON crm.audit_log TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Creates the monthly partitions from this month to `months_ahead` ahead and drops those entirely older than
-- `keep_months`. SECURITY DEFINER (owner) so the worker can run it as rounds_app; it takes no identifiers
-- from its caller.
CREATE OR REPLACE FUNCTION crm.audit_maintain(keep_months integer DEFAULT 24, months_ahead integer DEFAULT 3)
    RETURNS TABLE (created integer, dropped integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, crm AS $$
DECLARE
    m date;
    part text;
    n_created integer := 0;
    n_dropped integer := 0;
    app_exists boolean := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app');
    r record;
BEGIN
    IF keep_months < 1 OR months_ahead < 0 OR months_ahead > 24 THEN
        RAISE EXCEPTION 'audit_maintain: keep_months must be >= 1 and months_ahead 0..24';
    END IF;
    FOR i IN 0..months_ahead LOOP
        m := (date_trunc('month', now()) + make_interval(months => i))::date;
        part := 'audit_log_' || to_char(m, 'YYYY_MM');
        IF to_regclass('crm.' || part) IS NULL THEN
            EXECUTE format('CREATE TABLE crm.%I PARTITION OF crm.audit_log FOR VALUES FROM (%L) TO (%L)',
                           part, m, (m + interval '1 month')::date);
            EXECUTE format('ALTER TABLE crm.%I ENABLE ROW LEVEL SECURITY', part);
            EXECUTE format('ALTER TABLE crm.%I FORCE ROW LEVEL SECURITY', part);
            IF app_exists THEN
                EXECUTE format('REVOKE ALL ON crm.%I FROM rounds_app', part);
            END IF;
            n_created := n_created + 1;
        END IF;
    END LOOP;
    FOR r IN
        SELECT c.relname FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.inhparent = 'crm.audit_log'::regclass AND n.nspname = 'crm'
          AND c.relname ~ '^audit_log_[0-9]{4}_[0-9]{2}$'
    LOOP
        -- The partition's last month ended before the retention horizon.
        IF to_date(substring(r.relname FROM 11), 'YYYY_MM') + interval '1 month'
               <= date_trunc('month', now()) - make_interval(months => keep_months) THEN
            EXECUTE format('DROP TABLE crm.%I', r.relname);
            n_dropped := n_dropped + 1;
        END IF;
    END LOOP;
    RETURN QUERY SELECT n_created, n_dropped;
END $$;

SELECT * FROM crm.audit_maintain();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON crm.audit_log FROM rounds_app;
        REVOKE ALL ON crm.audit_log_default FROM rounds_app;
        GRANT EXECUTE ON FUNCTION crm.audit_maintain(integer, integer) TO rounds_app;
    END IF;
END $$;
