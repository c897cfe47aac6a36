-- Territories: a hierarchy (nation -> region -> district -> territory) of areas given as a (multi)polygon
-- and/or a ZIP list, the users assigned to them (many-to-many), and the derived membership of physicians
-- (mkt.territory_member) and per-territory market deciles (mkt.territory_decile).
--
-- A physician belongs to a territory when one of its geocoded practice locations is covered by the area
-- (ST_Covers on geography) or has a listed ZIP, and that location's ZIP is not in excluded_zips (ZIPs moved
-- out of a polygon by an accepted alignment).

CREATE TABLE crm.territory (
    org_id        uuid        NOT NULL REFERENCES crm.org (id),
    id            uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    level         text        NOT NULL CHECK (level IN ('nation', 'region', 'district', 'territory')),
    parent_id     uuid,
    -- Valid (ST_IsValid), SRID 4326, longitude/latitude order; never stored broken (the service validates and
    -- the CHECK is the last line).
    geom          geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
    zips          text[]      NOT NULL DEFAULT '{}',
    excluded_zips text[]      NOT NULL DEFAULT '{}',
    client_id     text,
    version       bigint      NOT NULL DEFAULT 1,
    deleted_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    uuid,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    uuid,
    UNIQUE (org_id, id),
    UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, parent_id) REFERENCES crm.territory (org_id, id),
    CHECK (parent_id IS DISTINCT FROM id),
    CHECK ((level = 'nation') = (parent_id IS NULL))
);
CREATE INDEX territory_list_idx ON crm.territory (org_id, created_at, id);
CREATE INDEX territory_parent_idx ON crm.territory (org_id, parent_id);
CREATE INDEX territory_geom_idx ON crm.territory USING gist (geom);
CREATE TRIGGER territory_touch BEFORE UPDATE ON crm.territory FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER territory_change AFTER INSERT OR UPDATE ON crm.territory
    FOR EACH ROW EXECUTE FUNCTION crm.track_change();
ALTER TABLE crm.territory ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.territory FORCE ROW LEVEL SECURITY;
CREATE POLICY territory_tenant ON crm.territory
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY territory_owner_admin ON crm.territory TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Users assigned to territories: a rep may cover several territories, a territory may be shared.
CREATE TABLE crm.territory_user (
    org_id       uuid        NOT NULL REFERENCES crm.org (id),
    id           uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    territory_id uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    client_id    text,
    version      bigint      NOT NULL DEFAULT 1,
    deleted_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   uuid,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   uuid,
    UNIQUE (org_id, id),
    UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, territory_id) REFERENCES crm.territory (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES crm.app_user (org_id, id)
);
CREATE UNIQUE INDEX territory_user_live_key ON crm.territory_user (org_id, territory_id, user_id)
    WHERE deleted_at IS NULL;
CREATE INDEX territory_user_user_idx ON crm.territory_user (org_id, user_id) WHERE deleted_at IS NULL;
CREATE TRIGGER territory_user_touch BEFORE UPDATE ON crm.territory_user
    FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER territory_user_change AFTER INSERT OR UPDATE ON crm.territory_user
    FOR EACH ROW EXECUTE FUNCTION crm.track_change();
ALTER TABLE crm.territory_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.territory_user FORCE ROW LEVEL SECURITY;
CREATE POLICY territory_user_tenant ON crm.territory_user
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY territory_user_owner_admin ON crm.territory_user TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

-- Physicians of each live territory, with the practice location that placed them there. Rebuilt per
-- territory when it changes (same transaction) and for the whole organisation by "markets.recompute".
CREATE TABLE mkt.territory_member (
    org_id       uuid   NOT NULL,
    territory_id uuid   NOT NULL,
    npi          bigint NOT NULL,
    address_id   bigint NOT NULL,
    zip5         text,
    lat          double precision,
    lng          double precision,
    PRIMARY KEY (org_id, territory_id, npi)
);
CREATE INDEX territory_member_npi_idx ON mkt.territory_member (org_id, npi);

-- Deciles of each market's volume among the physicians of each territory (latest computation).
CREATE TABLE mkt.territory_decile (
    org_id       uuid     NOT NULL,
    market_id    uuid     NOT NULL,
    territory_id uuid     NOT NULL,
    data_year    smallint NOT NULL,
    npi          bigint   NOT NULL,
    decile       smallint NOT NULL CHECK (decile BETWEEN 1 AND 10),
    PRIMARY KEY (org_id, market_id, territory_id, data_year, npi)
);

ALTER TABLE mkt.territory_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE mkt.territory_member FORCE ROW LEVEL SECURITY;
CREATE POLICY territory_member_tenant ON mkt.territory_member
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY territory_member_owner_admin ON mkt.territory_member TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());
ALTER TABLE mkt.territory_decile ENABLE ROW LEVEL SECURITY;
ALTER TABLE mkt.territory_decile FORCE ROW LEVEL SECURITY;
CREATE POLICY territory_decile_tenant ON mkt.territory_decile
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY territory_decile_owner_admin ON mkt.territory_decile TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON mkt.territory_member, mkt.territory_decile TO rounds_app;
    END IF;
END $$;
