-- Bulk loads into the reference tables: when a release brings more rows than a target table holds (the first
-- load of a data set, or a table that was emptied), maintaining every secondary index row by row costs far more
-- than building the index once afterwards (a trigram GIN index most of all). The merge plan calls
-- ref.bulk_drop_indexes before its upsert and ref.bulk_restore_indexes after it, in the same transaction:
-- readers keep seeing the previous release (they wait on the table lock meanwhile), and a failed or killed load
-- rolls the DROP back with everything else. Unique indexes stay: they back ON CONFLICT and the keys.

CREATE OR REPLACE FUNCTION ref.bulk_drop_indexes(target regclass, incoming bigint) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    existing bigint;
    ix record;
    dropped integer := 0;
BEGIN
    -- Counting stops at `incoming`, so a large table costs no more than the release being loaded.
    EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %s) x', target, incoming) INTO existing;
    IF existing >= incoming THEN
        RETURN 0;
    END IF;
    CREATE TEMP TABLE IF NOT EXISTS bulk_saved_index (target regclass, definition text) ON COMMIT DROP;
    FOR ix IN
        SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS definition
          FROM pg_index i
         WHERE i.indrelid = target AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
    LOOP
        INSERT INTO bulk_saved_index VALUES (target, ix.definition);
        EXECUTE format('DROP INDEX %s', ix.name);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END $$;

CREATE OR REPLACE FUNCTION ref.bulk_restore_indexes(target regclass) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    ix record;
    restored integer := 0;
BEGIN
    IF to_regclass('pg_temp.bulk_saved_index') IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('maintenance_work_mem', '512MB', true);
    FOR ix IN SELECT definition FROM bulk_saved_index WHERE bulk_saved_index.target = bulk_restore_indexes.target
    LOOP
        EXECUTE ix.definition;
        restored := restored + 1;
    END LOOP;
    DELETE FROM bulk_saved_index WHERE bulk_saved_index.target = bulk_restore_indexes.target;
    RETURN restored;
END $$;
