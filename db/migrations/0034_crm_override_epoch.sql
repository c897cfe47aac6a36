-- A counter bumped by every write to crm.physician_override (any organisation). The physician profile reads an
-- organisation's corrections in an RLS transaction; with the counter it remembers, per user, which NPIs have
-- corrections at all and skips that transaction for the others (one cheap read instead of three round trips and
-- the row-level-security checks). Not tenant data: it says only that something changed somewhere.
CREATE TABLE crm.override_epoch (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    n  bigint  NOT NULL
);
INSERT INTO crm.override_epoch (id, n) VALUES (true, 0);

CREATE OR REPLACE FUNCTION crm.bump_override_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE crm.override_epoch SET n = n + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER physician_override_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON crm.physician_override
    FOR EACH STATEMENT EXECUTE FUNCTION crm.bump_override_epoch();

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT, UPDATE ON crm.override_epoch TO rounds_app;
    END IF;
END $$;
