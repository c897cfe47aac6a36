-- A CSV import writes all its rows in one transaction. Autovacuum cannot count them, and an autovacuum ANALYZE
-- that runs meanwhile records the table's grown size with only the committed rows in it: the planner then believes
-- the table holds a handful of rows, every index looks as good as the primary key, and a lookup by id may walk the
-- organisation's rows through the (org_id, owner_id) index — every line slower than the one before (measured: a
-- 20,000-line import at 14–18 ms a line in one statement). The import calls this as its rows grow: an ANALYZE
-- inside the import's own transaction counts that transaction's rows. It takes the table's SHARE UPDATE EXCLUSIVE
-- lock until the import ends (it does not block reads or writes, only other ANALYZE/VACUUM); when another import
-- or a vacuum holds it, this gives up after 200 ms and returns false rather than wait.
CREATE FUNCTION crm.analyze_import_target(kind text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET lock_timeout = '200ms' AS $$
BEGIN
    IF kind = 'accounts' THEN
        ANALYZE crm.account;
    ELSIF kind = 'call-plans' THEN
        ANALYZE crm.call_plan;
    ELSIF kind = 'calls' THEN
        ANALYZE crm.call;
    ELSE
        RAISE EXCEPTION 'crm.analyze_import_target: unknown import kind %', kind USING ERRCODE = '22023';
    END IF;
    ANALYZE crm.import_journal;
    RETURN true;
EXCEPTION WHEN lock_not_available THEN
    RETURN false;
END $$;

REVOKE ALL ON FUNCTION crm.analyze_import_target(text) FROM PUBLIC;
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT EXECUTE ON FUNCTION crm.analyze_import_target(text) TO rounds_app;
    END IF;
END $$;
