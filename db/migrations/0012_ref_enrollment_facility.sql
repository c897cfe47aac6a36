-- Medicare enrollment (DAC), hospitals (Hospital General Information) and affiliations.
CREATE TABLE ref.enrollment (
    npi                   bigint NOT NULL,
    enrollment_id         text NOT NULL,
    pac_id                text,
    last_name             text,
    first_name            text,
    middle_name           text,
    suffix                text,
    gender                text,
    credential            text,
    med_school            text,
    grad_year             smallint,
    primary_specialty     text,
    secondary_specialty_1 text,
    secondary_specialty_2 text,
    secondary_specialty_3 text,
    secondary_specialty_4 text,
    secondary_specialties text,
    telehealth            boolean,
    release_id            bigint NOT NULL,
    removed_at            timestamptz,
    removed_release_id    bigint,
    PRIMARY KEY (npi, enrollment_id)
);

-- One DAC row: a physician's enrollment at a group practice and address (a physician has several).
CREATE TABLE ref.enrollment_location (
    npi              bigint NOT NULL,
    enrollment_id    text NOT NULL,
    org_pac_id       text NOT NULL,      -- '' for physicians without a group
    address_key      text NOT NULL,      -- DAC adrs_id, or a hash of the address when absent
    org_name         text,
    org_member_count integer,
    line1            text,
    line2            text,
    line2_suppressed boolean,
    city             text,
    state            text,
    postal_code      text,
    phone            text,
    ind_assignment   text,
    grp_assignment   text,
    release_id       bigint NOT NULL,
    removed_at       timestamptz,
    removed_release_id bigint,
    PRIMARY KEY (npi, enrollment_id, org_pac_id, address_key)
);

CREATE TABLE ref.facility (
    ccn                text PRIMARY KEY,
    name               text NOT NULL,
    address            text,
    city               text,
    state              text,
    postal_code        text,
    county             text,
    phone              text,
    hospital_type      text,
    ownership          text,
    emergency_services boolean,
    birthing_friendly  boolean,
    overall_rating     smallint CHECK (overall_rating BETWEEN 1 AND 5),  -- NULL: "Not Available"
    release_id         bigint NOT NULL,
    removed_at         timestamptz,
    removed_release_id bigint
);

CREATE TABLE ref.affiliation (
    npi                bigint NOT NULL,
    ccn                text NOT NULL,
    facility_type      text NOT NULL DEFAULT '',
    pac_id             text,
    parent_ccn         text,
    release_id         bigint NOT NULL,
    removed_at         timestamptz,
    removed_release_id bigint,
    PRIMARY KEY (npi, ccn, facility_type)
);
CREATE INDEX affiliation_ccn_idx ON ref.affiliation (ccn);

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT ON ref.enrollment, ref.enrollment_location, ref.facility, ref.affiliation TO rounds_app;
    END IF;
END $$;
