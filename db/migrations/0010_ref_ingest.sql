-- Ingestion bookkeeping: one lineage row per load, rejected rows, per-load change set, geocoding inputs.
CREATE TABLE ref.dataset_load (
    load_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset         text NOT NULL,
    source          text NOT NULL,            -- path or URL given to `rounds ingest`
    release_label   text,                     -- --release, or the file name
    data_year       smallint,                 -- Part B / Part D data year; NULL for undated datasets
    mode            text NOT NULL DEFAULT 'full' CHECK (mode IN ('full', 'incremental')),
    checksum_sha256 text,
    archive_path    text,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
    rows_read       bigint NOT NULL DEFAULT 0,
    rows_loaded     bigint NOT NULL DEFAULT 0,  -- rows staged (valid)
    rows_inserted   bigint NOT NULL DEFAULT 0,
    rows_updated    bigint NOT NULL DEFAULT 0,
    rows_unchanged  bigint NOT NULL DEFAULT 0,
    rows_rejected   bigint NOT NULL DEFAULT 0,
    rows_removed    bigint NOT NULL DEFAULT 0,
    warnings        bigint NOT NULL DEFAULT 0,
    bytes_read      bigint NOT NULL DEFAULT 0,
    options         jsonb NOT NULL DEFAULT '{}',
    error           text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    staged_at       timestamptz,
    finished_at     timestamptz
);
CREATE INDEX dataset_load_current_idx ON ref.dataset_load (dataset, finished_at DESC) WHERE status = 'succeeded';

-- The release each dataset currently shows (what a profile cites for each section).
CREATE VIEW ref.dataset_current AS
SELECT DISTINCT ON (dataset, data_year) load_id, dataset, data_year, release_label, source, checksum_sha256,
       finished_at
  FROM ref.dataset_load
 WHERE status = 'succeeded'
 ORDER BY dataset, data_year, finished_at DESC;

CREATE TABLE ref.ingest_reject (
    load_id   bigint NOT NULL REFERENCES ref.dataset_load (load_id) ON DELETE CASCADE,
    file      text NOT NULL,
    line      bigint NOT NULL,
    field     text,             -- header name as written in the file; NULL for whole-record problems
    reason    text NOT NULL,
    raw       text,             -- the record's text, capped at 2 KiB
    severity  text NOT NULL CHECK (severity IN ('reject', 'warning'))
);
CREATE INDEX ingest_reject_load_idx ON ref.ingest_reject (load_id, line);

-- What changed for reps after an NPPES load (moved, deactivated, reactivated, new specialty, new NPI).
CREATE TABLE ref.npi_change (
    load_id     bigint NOT NULL REFERENCES ref.dataset_load (load_id) ON DELETE CASCADE,
    npi         bigint NOT NULL,
    change_kind text NOT NULL CHECK (change_kind IN ('new', 'moved', 'deactivated', 'reactivated', 'new_specialty')),
    old_value   text,
    new_value   text
);
CREATE INDEX npi_change_load_idx ON ref.npi_change (load_id, change_kind);
CREATE INDEX npi_change_npi_idx ON ref.npi_change (npi);

-- Census ZCTA centroids: the offline geocoder.
CREATE TABLE ref.zcta (
    zip5       text PRIMARY KEY,
    lat        double precision NOT NULL,
    lng        double precision NOT NULL,
    aland      bigint,
    awater     bigint,
    geog       geography(Point, 4326) NOT NULL,
    release_id bigint NOT NULL,
    removed_at timestamptz,
    removed_release_id bigint
);

-- Address-level geocoder results (HTTP geocoders), keyed by the normalised address hash.
CREATE TABLE ref.geocode_cache (
    address_hash text PRIMARY KEY,
    geog         geography(Point, 4326),
    quality      text NOT NULL,
    provider     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT ON ref.dataset_load, ref.dataset_current, ref.ingest_reject, ref.npi_change, ref.zcta,
                        ref.geocode_cache TO rounds_app;
    END IF;
END $$;
