-- Physicians and organisations from NPPES, their taxonomies and practice locations, and NUCC names.
-- Rows are never deleted by a full load: NPIs absent from a full release get removed_at (history, alerts).
CREATE TABLE ref.physician (
    npi                 bigint PRIMARY KEY,
    entity_type         smallint,          -- 1 individual, 2 organisation; NULL on deactivated records
    replacement_npi     bigint,
    org_name            text,
    last_name           text,
    first_name          text,
    middle_name         text,
    name_prefix         text,
    name_suffix         text,
    credential          text,
    other_org_name      text,
    other_last_name     text,
    other_first_name    text,
    other_middle_name   text,
    gender              text,
    mailing_line1       text,
    mailing_line2       text,
    mailing_city        text,
    mailing_state       text,
    mailing_postal_code text,
    mailing_country     text,
    mailing_phone       text,
    mailing_fax         text,
    practice_line1      text,
    practice_line2      text,
    practice_city       text,
    practice_state      text,
    practice_postal_code text,
    practice_country    text,
    practice_phone      text,
    practice_fax        text,
    enumeration_date    date,
    last_update_date    date,
    deactivation_reason text,
    deactivation_date   date,
    reactivation_date   date,
    sole_proprietor     boolean,
    org_subpart         boolean,
    parent_org_name     text,
    certification_date  date,
    -- ref.fold_name(first middle last org other names): lower-case, unaccented; trigram-indexed for search.
    search_name         text NOT NULL DEFAULT '',
    release_id          bigint NOT NULL,   -- ref.dataset_load that last changed this row
    first_release_id    bigint NOT NULL,
    removed_at          timestamptz,
    removed_release_id  bigint,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX physician_search_trgm_idx ON ref.physician USING gin (search_name gin_trgm_ops);
CREATE INDEX physician_last_name_idx ON ref.physician (ref.fold_name(last_name), ref.fold_name(first_name));
CREATE INDEX physician_practice_state_city_idx ON ref.physician (practice_state, practice_city);

CREATE TABLE ref.physician_taxonomy (
    npi            bigint NOT NULL,
    slot           smallint NOT NULL CHECK (slot BETWEEN 1 AND 15),
    taxonomy_code  text NOT NULL,
    license_number text,
    license_state  text,
    is_primary     boolean,
    taxonomy_group text,
    release_id     bigint NOT NULL,
    PRIMARY KEY (npi, slot)
);
CREATE INDEX physician_taxonomy_code_idx ON ref.physician_taxonomy (taxonomy_code);

-- NUCC Health Care Provider Taxonomy code set.
CREATE TABLE ref.taxonomy (
    code           text PRIMARY KEY,
    grouping       text,
    classification text,
    specialization text,
    definition     text,
    notes          text,
    display_name   text,
    section        text,
    release_id     bigint NOT NULL,
    removed_at     timestamptz,
    removed_release_id bigint
);

-- Every practice address of a physician: NPPES primary (source 'nppes', key 'primary'), NPPES secondary
-- locations ('nppes_secondary'), DAC locations ('dac'). geog is set by the geocoder with its quality.
CREATE TABLE ref.physician_address (
    address_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    npi             bigint NOT NULL,
    source          text NOT NULL CHECK (source IN ('nppes', 'nppes_secondary', 'dac')),
    source_key      text NOT NULL,
    line1           text,
    line2           text,
    city            text,
    state           text,
    postal_code     text,
    zip5            text,
    country         text,
    phone           text,
    fax             text,
    address_hash    text NOT NULL,      -- md5 of the normalised address: drives re-geocoding
    geog            geography(Point, 4326),
    geocode_quality text NOT NULL DEFAULT 'pending'
                    CHECK (geocode_quality IN ('pending', 'address', 'zip_centroid', 'unmatched')),
    geocoded_hash   text,               -- address_hash the current geog was computed for
    geocoded_at     timestamptz,
    release_id      bigint NOT NULL,
    removed_at      timestamptz,
    removed_release_id bigint,
    UNIQUE (npi, source, source_key)
);
CREATE INDEX physician_address_geog_idx ON ref.physician_address USING gist (geog) WHERE removed_at IS NULL;
CREATE INDEX physician_address_zip5_idx ON ref.physician_address (zip5);
CREATE INDEX physician_address_regeocode_idx ON ref.physician_address (address_id)
    WHERE geocoded_hash IS DISTINCT FROM address_hash;

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT ON ref.physician, ref.physician_taxonomy, ref.taxonomy, ref.physician_address TO rounds_app;
    END IF;
END $$;
