-- Targeting helpers shared with other modules (route planning reads mkt.territory_targets), the territory
-- visibility rule, and the hook that queues a recompute of market metrics after every successful ingest.

-- Territories the caller may read: admins every live territory of the organisation; others the territories
-- assigned to themselves or (managers) to anyone in their team, and everything below those in the hierarchy.
CREATE OR REPLACE FUNCTION mkt.visible_territory_ids() RETURNS uuid[]
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE assigned AS (
        SELECT t.id FROM crm.territory t
         WHERE t.org_id = crm.current_org() AND t.deleted_at IS NULL AND crm.current_app_role() = 'admin'
        UNION
        SELECT tu.territory_id FROM crm.territory_user tu
         WHERE tu.org_id = crm.current_org() AND tu.deleted_at IS NULL
           AND crm.current_app_role() IN ('rep', 'manager')
           AND tu.user_id = ANY (crm.visible_user_ids())),
    tree(id, depth) AS (
        SELECT id, 0 FROM assigned
        UNION
        SELECT c.id, tree.depth + 1 FROM crm.territory c JOIN tree ON c.parent_id = tree.id
         WHERE c.org_id = crm.current_org() AND c.deleted_at IS NULL AND tree.depth < 8)
    SELECT coalesce(array_agg(DISTINCT t.id), '{}')
      FROM tree JOIN crm.territory t ON t.id = tree.id AND t.deleted_at IS NULL
$$;

-- The targets of one user's territories (the territories assigned to the user and everything below them),
-- one row per physician x market, ranked by target score, for the latest data year of each market.
-- This is the contract for "plan my day": candidates = SELECT ... FROM mkt.territory_targets(org, user)
-- ORDER BY score DESC. Runs with the caller's rights: row-level security limits it to the transaction's
-- organisation, and p_org must be that organisation (otherwise it returns nothing).
CREATE OR REPLACE FUNCTION mkt.territory_targets(p_org uuid, p_user uuid, p_market uuid DEFAULT NULL)
    RETURNS TABLE (npi bigint, market_id uuid, territory_id uuid, data_year smallint, score double precision,
                   decile_national smallint, decile_territory smallint, volume double precision,
                   growth double precision, competitor_share double precision, address_id bigint, zip5 text,
                   lat double precision, lng double precision)
    LANGUAGE sql STABLE AS $$
    WITH RECURSIVE own(id, depth) AS (
        SELECT tu.territory_id, 0 FROM crm.territory_user tu
         WHERE tu.org_id = p_org AND tu.user_id = p_user AND tu.deleted_at IS NULL
        UNION
        SELECT c.id, own.depth + 1 FROM crm.territory c JOIN own ON c.parent_id = own.id
         WHERE c.org_id = p_org AND c.deleted_at IS NULL AND own.depth < 8),
    years AS (
        SELECT m.id AS market_id, (SELECT max(mm.data_year) FROM mkt.market_metric mm
                                    WHERE mm.org_id = p_org AND mm.market_id = m.id) AS data_year
          FROM crm.market m
         WHERE m.org_id = p_org AND m.deleted_at IS NULL AND (p_market IS NULL OR m.id = p_market))
    SELECT DISTINCT ON (mm.npi, mm.market_id)
           mm.npi, mm.market_id, tm.territory_id, mm.data_year, mm.score, mm.decile_national, td.decile,
           mm.volume, mm.growth, mm.competitor_share, tm.address_id, tm.zip5, tm.lat, tm.lng
      FROM (SELECT DISTINCT id FROM own) o
      JOIN crm.territory t ON t.id = o.id AND t.org_id = p_org AND t.deleted_at IS NULL
      JOIN mkt.territory_member tm ON tm.org_id = p_org AND tm.territory_id = t.id
      JOIN years y ON y.data_year IS NOT NULL
      JOIN mkt.market_metric mm ON mm.org_id = p_org AND mm.market_id = y.market_id
                               AND mm.data_year = y.data_year AND mm.npi = tm.npi
      LEFT JOIN mkt.territory_decile td ON td.org_id = p_org AND td.market_id = mm.market_id
                                       AND td.territory_id = t.id AND td.data_year = mm.data_year
                                       AND td.npi = mm.npi
     WHERE p_org = crm.current_org()
     ORDER BY mm.npi, mm.market_id, mm.score DESC, t.id
$$;

COMMENT ON FUNCTION mkt.territory_targets(uuid, uuid, uuid) IS
    'Targets (physician x market, latest data year) in the territories assigned to a user and below them; '
    'rank by score DESC. See server/markets/README.md.';

-- Organisations with live markets or territories: the ingest hook recomputes them all. SECURITY DEFINER
-- (owner) with the owner's admin opt-in for this one read, since the worker connects without an organisation;
-- it returns organisation ids only and takes nothing from its caller.
CREATE OR REPLACE FUNCTION mkt.orgs_with_markets() RETURNS SETOF uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, crm AS $$
BEGIN
    PERFORM set_config('rounds.admin', 'on', true);
    RETURN QUERY SELECT DISTINCT org_id FROM crm.market WHERE deleted_at IS NULL
                 UNION SELECT DISTINCT org_id FROM crm.territory WHERE deleted_at IS NULL;
    PERFORM set_config('rounds.admin', '', true);
END $$;

-- After every successful load of a data set the metrics depend on, queue one recompute of every
-- organisation (in the ingest's transaction: no load, no job; a job already waiting absorbs the next).
CREATE OR REPLACE FUNCTION mkt.queue_recompute_after_ingest() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'succeeded' AND OLD.status IS DISTINCT FROM 'succeeded'
       AND NEW.dataset IN ('partd', 'partb', 'open-payments', 'facility-affiliation', 'nppes', 'nppes-locations',
                           'dac', 'zcta')
       AND NOT EXISTS (SELECT 1 FROM ops.job WHERE kind = 'markets.recompute' AND status = 'queued'
                                              AND payload = '{}'::jsonb) THEN
        INSERT INTO ops.job (kind, payload) VALUES ('markets.recompute', '{}'::jsonb);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER dataset_load_markets_recompute AFTER UPDATE OF status ON ref.dataset_load
    FOR EACH ROW EXECUTE FUNCTION mkt.queue_recompute_after_ingest();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT EXECUTE ON FUNCTION mkt.visible_territory_ids(), mkt.territory_targets(uuid, uuid, uuid),
                                  mkt.orgs_with_markets() TO rounds_app;
    END IF;
END $$;
