-- Part B services, Part D drugs, Open Payments: every row per data/program year, side by side; and the
-- derived per-NPI tables a profile reads instead of scanning raw rows.
CREATE TABLE ref.partb_service (
    data_year              smallint NOT NULL,
    npi                    bigint NOT NULL,
    hcpcs_code             text NOT NULL,
    place_of_service       text NOT NULL,
    last_org_name          text,
    first_name             text,
    middle_initial         text,
    credentials            text,
    entity_code            text,
    street1                text,
    street2                text,
    city                   text,
    state                  text,
    zip5                   text,
    provider_type          text,
    medicare_participating boolean,
    hcpcs_desc             text,
    hcpcs_drug             boolean,
    tot_benes              integer,           -- NULL when suppressed (fewer than 11)
    tot_srvcs              double precision,
    tot_bene_day_srvcs     double precision,
    avg_sbmtd_chrg         double precision,
    avg_mdcr_alowd_amt     double precision,
    avg_mdcr_pymt_amt      double precision,
    avg_mdcr_stdzd_amt     double precision,
    release_id             bigint NOT NULL,
    removed_at             timestamptz,
    removed_release_id     bigint,
    PRIMARY KEY (data_year, npi, hcpcs_code, place_of_service)
);
CREATE INDEX partb_service_npi_idx ON ref.partb_service (npi, data_year);

CREATE TABLE ref.partd_drug (
    data_year               smallint NOT NULL,
    npi                     bigint NOT NULL,
    brand_name              text NOT NULL,
    generic_name            text NOT NULL,
    last_org_name           text,
    first_name              text,
    city                    text,
    state                   text,
    prescriber_type         text,
    prescriber_type_src     text,
    tot_clms                bigint,
    tot_30day_fills         double precision,
    tot_day_suply           bigint,
    tot_drug_cst_cents      bigint,
    tot_benes               integer,          -- NULL when suppressed, never 0
    ge65_sprsn_flag         text,             -- '*' (1-10) or '#' (counter-suppressed)
    ge65_tot_clms           bigint,
    ge65_tot_30day_fills    double precision,
    ge65_tot_drug_cst_cents bigint,
    ge65_tot_day_suply      bigint,
    ge65_bene_sprsn_flag    text,
    ge65_tot_benes          integer,
    release_id              bigint NOT NULL,
    removed_at              timestamptz,
    removed_release_id      bigint,
    PRIMARY KEY (data_year, npi, brand_name, generic_name)
);
CREATE INDEX partd_drug_npi_idx ON ref.partd_drug (npi, data_year);
CREATE INDEX partd_drug_generic_idx ON ref.partd_drug (data_year, generic_name);

CREATE TABLE ref.open_payment (
    program_year          smallint NOT NULL,
    payment_kind          text NOT NULL CHECK (payment_kind IN ('general', 'research', 'ownership')),
    record_id             text NOT NULL,
    change_type           text,
    recipient_type        text,
    npi                   bigint,
    profile_id            text,
    first_name            text,
    last_name             text,
    teaching_hospital_ccn text,
    recipient_city        text,
    recipient_state       text,
    payer_id              text,
    payer_name            text,
    payer_state           text,
    amount_cents          bigint NOT NULL,
    payment_date          date,
    number_of_payments    integer,
    form_of_payment       text,
    nature_of_payment     text,
    product_type_1        text,
    product_category_1    text,
    product_name_1        text,
    product_ndc_1         text,
    dispute_status        text,
    publication_date      date,
    release_id            bigint NOT NULL,
    removed_at            timestamptz,
    removed_release_id    bigint,
    PRIMARY KEY (program_year, payment_kind, record_id)
);
CREATE INDEX open_payment_npi_idx ON ref.open_payment (npi, program_year);

CREATE TABLE ref.npi_partb_year (
    npi              bigint NOT NULL,
    data_year        smallint NOT NULL,
    services         double precision NOT NULL,
    beneficiaries    bigint,                 -- sum over rows where known (suppressed rows excluded)
    hcpcs_codes      integer NOT NULL,
    payment_cents    bigint NOT NULL,        -- sum of avg Medicare payment x services
    release_id       bigint NOT NULL,
    PRIMARY KEY (npi, data_year)
);

CREATE TABLE ref.npi_partd_year (
    npi              bigint NOT NULL,
    data_year        smallint NOT NULL,
    claims           bigint NOT NULL,
    cost_cents       bigint NOT NULL,
    brand_claims     bigint NOT NULL,        -- claims where the brand name differs from the generic name
    brand_share      double precision,
    drugs            integer NOT NULL,
    release_id       bigint NOT NULL,
    PRIMARY KEY (npi, data_year)
);

CREATE TABLE ref.npi_open_payment_year (
    npi              bigint NOT NULL,
    program_year     smallint NOT NULL,
    payer_name       text NOT NULL,
    payment_kind     text NOT NULL,
    amount_cents     bigint NOT NULL,
    payments         integer NOT NULL,
    release_id       bigint NOT NULL,
    PRIMARY KEY (npi, program_year, payer_name, payment_kind)
);

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT ON ref.partb_service, ref.partd_drug, ref.open_payment, ref.npi_partb_year,
                        ref.npi_partd_year, ref.npi_open_payment_year TO rounds_app;
    END IF;
END $$;
