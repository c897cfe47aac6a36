-- Streamed CSV imports (issue #8): a row touched twice by one import bumps its journal line, found by
-- (import_id, entity_id); without this index that lookup scanned every journal line of the import.
CREATE INDEX import_journal_entity ON crm.import_journal (import_id, entity_id);
