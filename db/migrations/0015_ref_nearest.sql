-- Nearest practice addresses to a point, within a radius, optionally of physicians with given taxonomy codes.
-- The GiST index is walked in distance order (<->) inside the radius's bounding box and the walk stops after
-- `k` rows. Bitmap scans are off inside the function: with them the planner reads every address in the box and
-- sorts them, which in a dense city is tens of thousands of rows for a 50-row answer (measured: 250 ms against
-- 55 ms for 10 miles in a 650,000-address metro). A SQL function with a SET clause is planned on each call and
-- never inlined, so the setting stays local to this query.
CREATE OR REPLACE FUNCTION ref.nearest_addresses(lng float8, lat float8, radius_m float8, codes text[], k integer)
    RETURNS TABLE (npi bigint, address_id bigint, dist float8)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_bitmapscan = off
    AS $$
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography AS g)
    SELECT a.npi, a.address_id, a.geog <-> pt.g
      FROM ref.physician_address a, pt
     WHERE a.removed_at IS NULL AND a.geog IS NOT NULL AND ST_DWithin(a.geog, pt.g, radius_m)
       AND (codes IS NULL OR EXISTS (SELECT 1 FROM ref.physician_taxonomy t
                                      WHERE t.npi = a.npi AND t.taxonomy_code = ANY (codes)))
     ORDER BY a.geog <-> pt.g
     LIMIT k
$$;
