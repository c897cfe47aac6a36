-- A content hash per NPPES record (64 bits over the loader's converted values of every NPPES column, taxonomy
-- slots and addresses included). A release's merge compares it with the staged row's and skips unchanged NPIs
-- without comparing their ~40 columns, deriving taxonomies and addresses, or computing the change set for them
-- (a monthly full file changes a few percent of its NPIs). NULL: stored before hashes existed; such a row is
-- compared column by column, as before, and gets its hash the next time it changes.
ALTER TABLE ref.physician ADD COLUMN IF NOT EXISTS row_hash bigint;
