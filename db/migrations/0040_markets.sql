-- Markets and targeting: an organisation's product baskets (crm.market), its targeting settings
-- (crm.market_settings), and the derived per-physician metrics (schema mkt) recomputed by the job
-- "markets.recompute" after every market change and every ingest.
--
-- Tenant tables (crm.*) carry the usual columns (org_id, id, client_id, version, created/updated, deleted_at),
-- the touch_row/track_change triggers and RLS with a tenant and an owner-admin policy.
-- Derived tables (mkt.*) are rebuilt wholesale by the recompute: they carry org_id and RLS (a tenant can only
-- see and rewrite its own rows) but no version, client_id or change log: they are never edited by a client,
-- and hundreds of thousands of rows per recompute must not flood crm.change_log.

CREATE SCHEMA IF NOT EXISTS mkt;

CREATE TABLE crm.market (
    org_id                   uuid        NOT NULL REFERENCES crm.org (id),
    id                       uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    name                     text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description              text        CHECK (length(description) <= 2000),
    -- The basket: Part D rows whose generic or brand name is listed, Part B rows whose HCPCS code is listed.
    -- Names are matched case-insensitively (stored as given, compared with upper()).
    partd_generic_names      text[]      NOT NULL DEFAULT '{}',
    partd_brand_names        text[]      NOT NULL DEFAULT '{}',
    hcpcs_codes              text[]      NOT NULL DEFAULT '{}',
    -- Products (Part D brand names or HCPCS codes) that are the organisation's own or its competitors'.
    own_products             text[]      NOT NULL DEFAULT '{}',
    competitor_products      text[]      NOT NULL DEFAULT '{}',
    -- Manufacturers as named in Open Payments (payer_name), own and competitors'.
    own_manufacturers        text[]      NOT NULL DEFAULT '{}',
    competitor_manufacturers text[]      NOT NULL DEFAULT '{}',
    -- Target hospitals (CCNs) of this market, in addition to the organisation-wide list in market_settings.
    target_ccns              text[]      NOT NULL DEFAULT '{}',
    client_id                text,
    version                  bigint      NOT NULL DEFAULT 1,
    deleted_at               timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    created_by               uuid,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    updated_by               uuid,
    UNIQUE (org_id, id),
    UNIQUE (org_id, client_id),
    CHECK (cardinality(partd_generic_names) + cardinality(partd_brand_names) + cardinality(hcpcs_codes) > 0)
);
CREATE UNIQUE INDEX market_name_key ON crm.market (org_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX market_list_idx ON crm.market (org_id, created_at, id);
CREATE TRIGGER market_touch BEFORE UPDATE ON crm.market FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER market_change AFTER INSERT OR UPDATE ON crm.market FOR EACH ROW EXECUTE FUNCTION crm.track_change();
ALTER TABLE crm.market ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.market FORCE ROW LEVEL SECURITY;
CREATE POLICY market_tenant ON crm.market USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY market_owner_admin ON crm.market TO CURRENT_USER USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- One row per organisation (created on first write; readers fall back to the defaults below).
CREATE TABLE crm.market_settings (
    org_id            uuid        NOT NULL REFERENCES crm.org (id),
    id                uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    -- Target-score weights; each component is scaled to 0..1 first (docs/markets.md).
    weights           jsonb       NOT NULL DEFAULT
        '{"decile": 0.4, "growth": 0.15, "competitor_share": 0.2, "competitor_payments": 0.1, "affiliation": 0.15}',
    target_ccns       text[]      NOT NULL DEFAULT '{}',
    -- Workload model of the territory balance report.
    target_min_decile smallint    NOT NULL DEFAULT 7 CHECK (target_min_decile BETWEEN 1 AND 10),
    calls_per_year    jsonb       NOT NULL DEFAULT '{"10": 24, "9": 24, "8": 12, "7": 12, "6": 6, "5": 6}',
    visit_minutes     integer     NOT NULL DEFAULT 30 CHECK (visit_minutes BETWEEN 1 AND 480),
    visits_per_day    integer     NOT NULL DEFAULT 8 CHECK (visits_per_day BETWEEN 1 AND 40),
    road_factor       double precision NOT NULL DEFAULT 1.3 CHECK (road_factor BETWEEN 1 AND 3),
    speed_kmh         double precision NOT NULL DEFAULT 50 CHECK (speed_kmh BETWEEN 5 AND 150),
    client_id         text,
    version           bigint      NOT NULL DEFAULT 1,
    deleted_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        uuid,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        uuid,
    UNIQUE (org_id),
    UNIQUE (org_id, id),
    UNIQUE (org_id, client_id)
);
CREATE TRIGGER market_settings_touch BEFORE UPDATE ON crm.market_settings
    FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER market_settings_change AFTER INSERT OR UPDATE ON crm.market_settings
    FOR EACH ROW EXECUTE FUNCTION crm.track_change();
ALTER TABLE crm.market_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.market_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY market_settings_tenant ON crm.market_settings
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY market_settings_owner_admin ON crm.market_settings TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Per market x physician x data year. Volume is Part D claims plus Part B services of the basket.
CREATE TABLE mkt.market_metric (
    org_id                    uuid     NOT NULL,
    market_id                 uuid     NOT NULL,
    data_year                 smallint NOT NULL,
    npi                       bigint   NOT NULL,
    state                     text,
    volume                    double precision NOT NULL,
    beneficiaries             bigint,           -- sum over basket rows with a known count (suppressed rows excluded)
    cost_cents                bigint   NOT NULL, -- Part D drug cost + Part B Medicare payments
    prev_volume               double precision, -- the previous data year's volume (NULL: no row that year)
    growth                    double precision, -- volume / prev_volume - 1 (NULL without a previous year)
    own_volume                double precision NOT NULL,
    competitor_volume         double precision NOT NULL,
    own_share                 double precision, -- own / (own + competitor); NULL when neither
    competitor_share          double precision, -- competitor / (own + competitor)
    competitor_payments_cents bigint   NOT NULL, -- Open Payments general payments by competitor manufacturers
    own_payments_cents        bigint   NOT NULL,
    affiliated                boolean  NOT NULL, -- affiliated with a target hospital
    decile_national           smallint NOT NULL CHECK (decile_national BETWEEN 1 AND 10),
    decile_state              smallint CHECK (decile_state BETWEEN 1 AND 10),
    score                     double precision NOT NULL,
    PRIMARY KEY (org_id, market_id, data_year, npi)
);
CREATE INDEX market_metric_score_idx ON mkt.market_metric (org_id, market_id, data_year, score DESC, npi);
CREATE INDEX market_metric_npi_idx ON mkt.market_metric (org_id, npi);

-- The last recompute of each market.
CREATE TABLE mkt.market_run (
    org_id      uuid        NOT NULL,
    market_id   uuid        NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    rows        bigint      NOT NULL,
    duration_ms bigint      NOT NULL,
    data_years  smallint[]  NOT NULL,
    PRIMARY KEY (org_id, market_id)
);

ALTER TABLE mkt.market_metric ENABLE ROW LEVEL SECURITY;
ALTER TABLE mkt.market_metric FORCE ROW LEVEL SECURITY;
CREATE POLICY market_metric_tenant ON mkt.market_metric
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY market_metric_owner_admin ON mkt.market_metric TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());
ALTER TABLE mkt.market_run ENABLE ROW LEVEL SECURITY;
ALTER TABLE mkt.market_run FORCE ROW LEVEL SECURITY;
CREATE POLICY market_run_tenant ON mkt.market_run
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY market_run_owner_admin ON mkt.market_run TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT USAGE ON SCHEMA mkt TO rounds_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA mkt TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA mkt GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA mkt GRANT EXECUTE ON FUNCTIONS TO rounds_app;
    END IF;
END $$;
