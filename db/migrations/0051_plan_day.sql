-- "Plan my day" (server/routeplan): the candidate selection, separated from the routing so it can be tuned on
-- its own, and the link from a planned stop to the planned call it created in crm.call.

ALTER TABLE crm.route_stop ADD COLUMN call_id uuid;
ALTER TABLE crm.route_stop ADD CONSTRAINT route_stop_call_fk FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id);

-- Candidates for one user's day, best target score first: the targets of the user's territories
-- (mkt.territory_targets: latest data year of each market, or only p_market), one row per physician (its best
-- score over markets), with a geocoded location, minus
--   * accounts marked no_see or inactive, and accounts whose best_days do not include the day's weekday;
--   * physicians with an organisation-wide no_see / do_not_call restriction;
--   * physicians with a completed or planned call in the p_recent_days days before p_day or on p_day itself
--     (calls the caller may see: their own, or their team's for a manager).
-- best_hours (free text, e.g. "09:00-12:00, 14:00-17:00") is returned for the caller to turn into windows.
-- Runs with the caller's rights (row-level security applies to every table it reads).
CREATE OR REPLACE FUNCTION crm.plan_day_candidates(p_user uuid, p_day date, p_recent_days integer,
                                                   p_market uuid DEFAULT NULL, p_limit integer DEFAULT 100)
    RETURNS TABLE (npi bigint, score double precision, lat double precision, lng double precision,
                   account_id uuid, best_hours text, label text)
    LANGUAGE sql STABLE AS $$
    WITH targets AS (
        SELECT t.npi, max(t.score) AS score,
               (array_agg(t.lat ORDER BY t.score DESC))[1] AS lat,
               (array_agg(t.lng ORDER BY t.score DESC))[1] AS lng
          FROM mkt.territory_targets(crm.current_org(), p_user, p_market) t
         WHERE t.lat IS NOT NULL AND t.lng IS NOT NULL AND t.score IS NOT NULL
         GROUP BY t.npi)
    SELECT g.npi, g.score, g.lat, g.lng, a.id, a.best_hours,
           coalesce(nullif(a.name, ''),
                    nullif(concat_ws(' ', p.name_prefix, p.first_name, p.last_name, p.credential), ''),
                    p.org_name, '')
      FROM targets g
      LEFT JOIN crm.account a ON a.org_id = crm.current_org() AND a.npi = g.npi AND a.deleted_at IS NULL
      LEFT JOIN ref.physician p ON p.npi = g.npi
     WHERE NOT coalesce(a.no_see, false)
       AND coalesce(a.status, 'active') <> 'inactive'
       AND (a.id IS NULL OR cardinality(a.best_days) = 0
            OR (ARRAY['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])[extract(dow FROM p_day)::int + 1]
               = ANY (a.best_days))
       AND NOT EXISTS (SELECT 1 FROM crm.restriction r
                        WHERE r.org_id = crm.current_org() AND r.npi = g.npi AND r.deleted_at IS NULL
                          AND r.kind IN ('no_see', 'do_not_call'))
       AND NOT EXISTS (SELECT 1 FROM crm.call c
                        WHERE c.org_id = crm.current_org() AND c.npi = g.npi AND c.deleted_at IS NULL
                          AND c.status IN ('completed', 'planned')
                          AND c.starts_at >= (p_day - p_recent_days)::timestamptz
                          AND c.starts_at < (p_day + 1)::timestamptz)
     ORDER BY g.score DESC, g.npi
     LIMIT greatest(p_limit, 0)
$$;

COMMENT ON FUNCTION crm.plan_day_candidates(uuid, date, integer, uuid, integer) IS
    'Plan-my-day candidates: a user''s territory targets by score, minus no-see, wrong weekday, restricted and '
    'recently visited physicians. See server/routeplan/README.md.';
