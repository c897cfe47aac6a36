-- Cache invalidation across server processes. A running `rounds serve` keeps physician profiles (valid for one
-- data version: the newest succeeded ingestion load) and, per user, the NPIs with approved corrections (valid
-- while crm.override_epoch is unchanged). Instead of asking the database on every request, each process LISTENs
-- (server/db/listener.h) and these triggers NOTIFY at commit:
--   rounds_data       a load of ref.dataset_load succeeded (a new data version)
--   rounds_overrides  crm.physician_override changed (any organisation; the payload says nothing about which)
-- A process that is not listening (connection lost) goes back to reading the versions from the database.
CREATE OR REPLACE FUNCTION crm.bump_override_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE crm.override_epoch SET n = n + 1;
    PERFORM pg_notify('rounds_overrides', '');
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ref.notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rounds_data', '');
    RETURN NULL;
END $$;

CREATE TRIGGER dataset_load_notify AFTER INSERT OR UPDATE OF status ON ref.dataset_load
    FOR EACH STATEMENT EXECUTE FUNCTION ref.notify_data_version();
