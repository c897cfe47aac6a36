-- Route plans (server/routeplan): a rep's saved day — start, end, and the stops in order with planned times.
-- Tenant tables: rows are visible to their owner, to the owner's managers (transitively) and to admins of the
-- organisation; only the owner (or an admin) writes them. Soft delete via deleted_at.

CREATE TABLE crm.route_plan (
    org_id          uuid        NOT NULL REFERENCES crm.org (id),
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    client_id       text        CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 100),
    owner_id        uuid        NOT NULL,
    plan_date       date        NOT NULL,
    name            text        NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    source          text        NOT NULL DEFAULT 'optimize' CHECK (source IN ('optimize', 'plan_day')),
    start_lat       double precision NOT NULL CHECK (start_lat BETWEEN -90 AND 90),
    start_lng       double precision NOT NULL CHECK (start_lng BETWEEN -180 AND 180),
    end_lat         double precision CHECK (end_lat BETWEEN -90 AND 90),
    end_lng         double precision CHECK (end_lng BETWEEN -180 AND 180),
    start_time      timestamptz NOT NULL,
    day_end         timestamptz NOT NULL,
    total_travel_seconds  double precision NOT NULL DEFAULT 0 CHECK (total_travel_seconds >= 0),
    total_distance_meters double precision NOT NULL DEFAULT 0 CHECK (total_distance_meters >= 0),
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      uuid,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid,
    deleted_at      timestamptz,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    CHECK ((end_lat IS NULL) = (end_lng IS NULL)),
    CHECK (day_end > start_time)
);
CREATE UNIQUE INDEX route_plan_id_key ON crm.route_plan (id);
CREATE INDEX route_plan_owner_idx ON crm.route_plan (org_id, owner_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX route_plan_list_idx ON crm.route_plan (org_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE crm.route_stop (
    org_id          uuid        NOT NULL REFERENCES crm.org (id),
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    client_id       text        CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 100),
    route_id        uuid        NOT NULL,
    owner_id        uuid        NOT NULL,
    position        integer     NOT NULL CHECK (position >= 0),
    npi             bigint,
    ref             text        NOT NULL DEFAULT '' CHECK (length(ref) <= 200),
    label           text        NOT NULL DEFAULT '' CHECK (length(label) <= 300),
    lat             double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng             double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    planned_arrival timestamptz NOT NULL,
    planned_start   timestamptz NOT NULL,
    planned_departure timestamptz NOT NULL,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      uuid,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid,
    deleted_at      timestamptz,
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, route_id) REFERENCES crm.route_plan (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    CHECK (planned_arrival <= planned_start AND planned_start <= planned_departure)
);
CREATE INDEX route_stop_route_idx ON crm.route_stop (org_id, route_id, position);

CREATE TRIGGER route_plan_touch BEFORE UPDATE ON crm.route_plan
    FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER route_plan_change AFTER INSERT OR UPDATE ON crm.route_plan
    FOR EACH ROW EXECUTE FUNCTION crm.track_change();
CREATE TRIGGER route_stop_touch BEFORE UPDATE ON crm.route_stop
    FOR EACH ROW EXECUTE FUNCTION crm.touch_row();
CREATE TRIGGER route_stop_change AFTER INSERT OR UPDATE ON crm.route_stop
    FOR EACH ROW EXECUTE FUNCTION crm.track_change();

ALTER TABLE crm.route_plan ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.route_plan FORCE ROW LEVEL SECURITY;
-- Read: owner, the owner's managers, admins. Write: owner or admin, inside the caller's organisation.
CREATE POLICY route_plan_tenant_read ON crm.route_plan FOR SELECT
    USING (org_id = crm.current_org() AND (crm.current_app_role() = 'admin'
           OR owner_id = ANY (crm.visible_user_ids())));
CREATE POLICY route_plan_tenant_insert ON crm.route_plan FOR INSERT
    WITH CHECK (org_id = crm.current_org() AND (owner_id = crm.current_user_id() OR crm.current_app_role() = 'admin'));
CREATE POLICY route_plan_tenant_update ON crm.route_plan FOR UPDATE
    USING (org_id = crm.current_org() AND (owner_id = crm.current_user_id() OR crm.current_app_role() = 'admin'))
    WITH CHECK (org_id = crm.current_org());
CREATE POLICY route_plan_owner_admin ON crm.route_plan TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

ALTER TABLE crm.route_stop ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.route_stop FORCE ROW LEVEL SECURITY;
CREATE POLICY route_stop_tenant_read ON crm.route_stop FOR SELECT
    USING (org_id = crm.current_org() AND (crm.current_app_role() = 'admin'
           OR owner_id = ANY (crm.visible_user_ids())));
CREATE POLICY route_stop_tenant_insert ON crm.route_stop FOR INSERT
    WITH CHECK (org_id = crm.current_org() AND (owner_id = crm.current_user_id() OR crm.current_app_role() = 'admin'));
CREATE POLICY route_stop_tenant_update ON crm.route_stop FOR UPDATE
    USING (org_id = crm.current_org() AND (owner_id = crm.current_user_id() OR crm.current_app_role() = 'admin'))
    WITH CHECK (org_id = crm.current_org());
CREATE POLICY route_stop_owner_admin ON crm.route_stop TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT, INSERT, UPDATE ON crm.route_plan, crm.route_stop TO rounds_app;
        -- Soft delete only: rows are never removed by the application.
        REVOKE DELETE, TRUNCATE ON crm.route_plan, crm.route_stop FROM rounds_app;
    END IF;
END $$;
