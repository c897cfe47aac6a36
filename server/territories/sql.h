#pragma once

#include "db/pool.h"

/// Every SQL statement of the territories module. Tenant statements run inside tenancy::Begin and also filter by
/// org_id ($1). Visibility for reps and managers: mkt.visible_territory_ids() (assigned to them or their team,
/// and everything below those).
namespace rounds::territories::sql {

// clang-format off
#define ROUNDS_TERRITORY_JSON(t)                                                                                     \
    "json_build_object('id', " t ".id, 'name', " t ".name, 'level', " t ".level, 'parent_id', " t ".parent_id, "    \
    "'geometry', ST_AsGeoJSON(" t ".geom, 6)::json, 'zips', " t ".zips, 'excluded_zips', " t ".excluded_zips, "      \
    "'user_ids', (SELECT coalesce(json_agg(tu.user_id ORDER BY tu.user_id), '[]'::json) FROM crm.territory_user tu " \
    "  WHERE tu.org_id = " t ".org_id AND tu.territory_id = " t ".id AND tu.deleted_at IS NULL), "                   \
    "'physicians', (SELECT count(*) FROM mkt.territory_member m WHERE m.org_id = " t ".org_id "                      \
    "  AND m.territory_id = " t ".id), "                                                                             \
    "'area_km2', round((ST_Area(" t ".geom::geography) / 1e6)::numeric, 3), "                                       \
    "'client_id', " t ".client_id, 'version', " t ".version, "                                                       \
    "'created_at', to_char(" t ".created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "             \
    "'updated_at', to_char(" t ".updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"
// clang-format on

inline constexpr db::Statement kGetTerritory{
    "ter_get",
    "SELECT " ROUNDS_TERRITORY_JSON("t") "::text, t.version FROM crm.territory t "
    "WHERE t.org_id = $1 AND t.id = $2 AND t.deleted_at IS NULL AND t.id = ANY (mkt.visible_territory_ids())"};

/// For writers (admins): the row with a lock, its level, parent and JSON (the audit's "before").
inline constexpr db::Statement kLockTerritory{
    "ter_lock",
    "SELECT " ROUNDS_TERRITORY_JSON("t") "::text, t.version, t.level, t.parent_id, t.geom IS NOT NULL "
    "FROM crm.territory t WHERE t.org_id = $1 AND t.id = $2 AND t.deleted_at IS NULL FOR UPDATE"};

inline constexpr db::Statement kTerritoryByClientId{
    "ter_by_client_id",
    "SELECT " ROUNDS_TERRITORY_JSON("t") "::text, t.version, t.deleted_at IS NOT NULL FROM crm.territory t "
    "WHERE t.org_id = $1 AND t.client_id = $2"};

inline constexpr db::Statement kParentLevel{
    "ter_parent_level", "SELECT level FROM crm.territory WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"};

// $1 org, $2 after created_at, $3 after id, $4 limit+1, $5 parent filter, $6 level filter
inline constexpr db::Statement kListTerritories{
    "ter_list",
    "SELECT " ROUNDS_TERRITORY_JSON("t") "::text, t.created_at::text, t.id FROM crm.territory t "
    "WHERE t.org_id = $1 AND t.deleted_at IS NULL AND t.id = ANY (mkt.visible_territory_ids()) "
    "AND ($2::timestamptz IS NULL OR (t.created_at, t.id) > ($2::timestamptz, $3::uuid)) "
    "AND ($5::uuid IS NULL OR t.parent_id = $5::uuid) AND ($6::text IS NULL OR t.level = $6) "
    "ORDER BY t.created_at, t.id LIMIT $4"};

/// Validity of a candidate geometry ($1 GeoJSON MultiPolygon): reason, and the repaired shape when invalid.
inline constexpr db::Statement kGeometryCheck{"ter_geometry_check", R"sql(
WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g),
v AS (SELECT g, ST_IsValid(g) AS ok, ST_IsValidReason(g) AS reason FROM g),
r AS (SELECT v.*, CASE WHEN NOT ok THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) END AS fixed FROM v)
SELECT ok, reason,
       CASE WHEN fixed IS NOT NULL THEN ST_AsGeoJSON(fixed, 9) END,
       round((ST_Area(g::geography) / 1e6)::numeric, 3),
       CASE WHEN fixed IS NOT NULL THEN round((ST_Area(fixed::geography) / 1e6)::numeric, 3) END,
       ST_NumGeometries(g), CASE WHEN fixed IS NOT NULL THEN ST_NumGeometries(fixed) END,
       fixed IS NOT NULL AND NOT ST_IsEmpty(fixed)
  FROM r
)sql"};

/// Live siblings (same parent, or other roots) whose area overlaps the candidate's interior ($3 GeoJSON) or whose
/// ZIP list shares ZIPs with $4 (JSON list); $2 is the territory itself (NULL when creating), $5 the parent.
inline constexpr db::Statement kSiblingOverlaps{"ter_sibling_overlaps", R"sql(
WITH c AS (SELECT CASE WHEN $3::text IS NOT NULL THEN ST_SetSRID(ST_GeomFromGeoJSON($3), 4326) END AS g,
                  ARRAY(SELECT jsonb_array_elements_text(coalesce($4::jsonb, '[]'::jsonb))) AS zips)
SELECT t.id, t.name,
       CASE WHEN c.g IS NOT NULL AND t.geom IS NOT NULL AND t.geom && c.g AND ST_Relate(t.geom, c.g, '2********')
            THEN round((ST_Area(ST_Intersection(t.geom, c.g)::geography) / 1e6)::numeric, 3) END AS overlap_km2,
       ARRAY(SELECT unnest(t.zips) INTERSECT SELECT unnest(c.zips)) AS shared_zips
  FROM crm.territory t, c
 WHERE t.org_id = $1 AND t.deleted_at IS NULL AND ($2::uuid IS NULL OR t.id <> $2::uuid)
   AND t.parent_id IS NOT DISTINCT FROM $5::uuid
   AND ((c.g IS NOT NULL AND t.geom IS NOT NULL AND t.geom && c.g AND ST_Relate(t.geom, c.g, '2********'))
        OR t.zips && c.zips)
 ORDER BY t.name
)sql"};

// $1 org, $2 name, $3 level, $4 parent, $5 geometry GeoJSON, $6 zips json, $7 client_id, $8 user
inline constexpr db::Statement kInsertTerritory{
    "ter_insert",
    "INSERT INTO crm.territory AS t (org_id, name, level, parent_id, geom, zips, client_id, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4::uuid, CASE WHEN $5::text IS NOT NULL THEN ST_SetSRID(ST_GeomFromGeoJSON($5), 4326) END, "
    "ARRAY(SELECT jsonb_array_elements_text(coalesce($6::jsonb, '[]'::jsonb))), $7, $8, $8) RETURNING t.id"};

// $1 org, $2 id, $3 name, $4 level, $5 parent given, $6 parent, $7 geometry given, $8 geometry, $9 zips json,
// $10 excluded zips json
inline constexpr db::Statement kUpdateTerritory{
    "ter_update",
    "UPDATE crm.territory AS t SET name = coalesce($3, t.name), level = coalesce($4, t.level), "
    "parent_id = CASE WHEN $5::boolean THEN $6::uuid ELSE t.parent_id END, "
    "geom = CASE WHEN $7::boolean THEN (CASE WHEN $8::text IS NOT NULL "
    "  THEN ST_SetSRID(ST_GeomFromGeoJSON($8), 4326) END) ELSE t.geom END, "
    "zips = CASE WHEN $9::jsonb IS NULL THEN t.zips ELSE ARRAY(SELECT jsonb_array_elements_text($9::jsonb)) END, "
    "excluded_zips = CASE WHEN $10::jsonb IS NULL THEN t.excluded_zips "
    "  ELSE ARRAY(SELECT jsonb_array_elements_text($10::jsonb)) END "
    "WHERE t.org_id = $1 AND t.id = $2 AND t.deleted_at IS NULL RETURNING t.version"};

/// Replaces the assigned users ($3 JSON list of user ids of the organisation; unknown ids: no row returned by
/// the check below). Soft-deletes removed assignments, inserts new ones.
inline constexpr db::Statement kUnknownUsers{
    "ter_unknown_users",
    "SELECT x FROM jsonb_array_elements_text($2::jsonb) x WHERE NOT EXISTS (SELECT 1 FROM crm.app_user u "
    "WHERE u.org_id = $1 AND u.id::text = x AND u.deleted_at IS NULL)"};
inline constexpr db::Statement kUnassignUsers{
    "ter_unassign_users",
    "UPDATE crm.territory_user SET deleted_at = now() WHERE org_id = $1 AND territory_id = $2 AND deleted_at IS NULL "
    "AND NOT (user_id::text IN (SELECT jsonb_array_elements_text($3::jsonb)))"};
inline constexpr db::Statement kAssignUsers{
    "ter_assign_users",
    "INSERT INTO crm.territory_user (org_id, territory_id, user_id, created_by, updated_by) "
    "SELECT $1, $2, x::uuid, $4, $4 FROM jsonb_array_elements_text($3::jsonb) x "
    "WHERE NOT EXISTS (SELECT 1 FROM crm.territory_user tu WHERE tu.org_id = $1 AND tu.territory_id = $2 "
    "AND tu.user_id = x::uuid AND tu.deleted_at IS NULL)"};

inline constexpr db::Statement kLiveChildren{
    "ter_live_children",
    "SELECT count(*) FROM crm.territory WHERE org_id = $1 AND parent_id = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kDeleteTerritory{
    "ter_delete",
    "WITH a AS (UPDATE crm.territory_user SET deleted_at = now() WHERE org_id = $1 AND territory_id = $2 "
    "AND deleted_at IS NULL) UPDATE crm.territory SET deleted_at = now() WHERE org_id = $1 AND id = $2 "
    "AND deleted_at IS NULL RETURNING version"};

/// Physicians of a territory, by NPI (keyset on npi).
inline constexpr db::Statement kMembers{
    "ter_members",
    "SELECT json_build_object('npi', m.npi::text, "
    "  'name', coalesce(p.org_name, concat_ws(' ', p.first_name, p.last_name)), 'credential', p.credential, "
    "  'line1', a.line1, 'city', a.city, 'state', a.state, 'zip5', m.zip5, 'lat', round(m.lat::numeric, 6), "
    "  'lng', round(m.lng::numeric, 6), 'address_id', m.address_id)::text, m.npi "
    "FROM mkt.territory_member m LEFT JOIN ref.physician p ON p.npi = m.npi "
    "LEFT JOIN ref.physician_address a ON a.address_id = m.address_id "
    "WHERE m.org_id = $1 AND m.territory_id = $2 AND ($3::bigint IS NULL OR m.npi > $3::bigint) "
    "ORDER BY m.npi LIMIT $4"};

inline constexpr db::Statement kMarketYear{
    "ter_market_year",
    "SELECT m.id, (SELECT max(data_year) FROM mkt.market_metric mm WHERE mm.org_id = m.org_id AND mm.market_id = m.id) "
    "FROM crm.market m WHERE m.org_id = $1 AND m.id = $2 AND m.deleted_at IS NULL"};

/// Counts per national decile and per territory decile of one territory's physicians ($3 market, $4 year).
inline constexpr db::Statement kDeciles{"ter_deciles", R"sql(
SELECT json_build_object(
  'territory_id', $2::uuid, 'market_id', $3::uuid, 'data_year', $4::smallint,
  'physicians', (SELECT count(*) FROM mkt.territory_member m WHERE m.org_id = $1 AND m.territory_id = $2),
  'with_volume', count(mm.npi),
  'national', (SELECT json_agg(json_build_object('decile', d, 'physicians', coalesce(x.n, 0), 'volume', coalesce(x.v, 0))
                               ORDER BY d DESC)
                 FROM generate_series(1, 10) d LEFT JOIN (
                      SELECT mm2.decile_national AS dec, count(*) n, sum(mm2.volume) v
                        FROM mkt.territory_member m2
                        JOIN mkt.market_metric mm2 ON mm2.org_id = m2.org_id AND mm2.npi = m2.npi
                                                  AND mm2.market_id = $3 AND mm2.data_year = $4
                       WHERE m2.org_id = $1 AND m2.territory_id = $2 GROUP BY 1) x ON x.dec = d),
  'territory', (SELECT json_agg(json_build_object('decile', d, 'physicians', coalesce(x.n, 0)) ORDER BY d DESC)
                  FROM generate_series(1, 10) d LEFT JOIN (
                       SELECT td.decile AS dec, count(*) n FROM mkt.territory_decile td
                        WHERE td.org_id = $1 AND td.territory_id = $2 AND td.market_id = $3 AND td.data_year = $4
                        GROUP BY 1) x ON x.dec = d),
  'targets', count(*) FILTER (WHERE mm.decile_national >= $5))::text
  FROM mkt.territory_member m
  LEFT JOIN mkt.market_metric mm ON mm.org_id = m.org_id AND mm.npi = m.npi AND mm.market_id = $3 AND mm.data_year = $4
 WHERE m.org_id = $1 AND m.territory_id = $2
)sql"};

/// Workload settings (defaults when never saved).
inline constexpr db::Statement kModelSettings{
    "ter_model_settings",
    "SELECT coalesce(s.target_min_decile, 7), coalesce(s.calls_per_year, "
    "'{\"10\": 24, \"9\": 24, \"8\": 12, \"7\": 12, \"6\": 6, \"5\": 6}'::jsonb)::text, "
    "coalesce(s.visit_minutes, 30), coalesce(s.visits_per_day, 8), coalesce(s.road_factor, 1.3), "
    "coalesce(s.speed_kmh, 50) FROM (SELECT 1) one LEFT JOIN crm.market_settings s ON s.org_id = $1"};
inline constexpr db::Statement kCallsPerDecile{"ter_calls_per_decile",
                                               "SELECT key::int, value::text::float8 FROM jsonb_each($1::jsonb)"};

/// Live children of a territory (the siblings a balance report compares), by name.
inline constexpr db::Statement kChildren{
    "ter_children",
    "SELECT t.id, t.name, t.version FROM crm.territory t WHERE t.org_id = $1 AND t.parent_id = $2 "
    "AND t.deleted_at IS NULL ORDER BY t.name, t.id"};

/// Members of the children of $2 with their market metrics ($3 market, $4 year): the workload model's input.
inline constexpr db::Statement kChildMembers{
    "ter_child_members",
    "SELECT m.territory_id, coalesce(m.zip5, ''), m.lat, m.lng, mm.volume, mm.decile_national "
    "FROM crm.territory t JOIN mkt.territory_member m ON m.org_id = t.org_id AND m.territory_id = t.id "
    "JOIN mkt.market_metric mm ON mm.org_id = m.org_id AND mm.npi = m.npi AND mm.market_id = $3 AND mm.data_year = $4 "
    "WHERE t.org_id = $1 AND t.parent_id = $2 AND t.deleted_at IS NULL AND m.lat IS NOT NULL"};

/// The ZIPs (of their physicians) each child of $2 holds now.
inline constexpr db::Statement kChildZips{
    "ter_child_zips",
    "SELECT DISTINCT m.territory_id, m.zip5 FROM crm.territory t JOIN mkt.territory_member m ON m.org_id = t.org_id "
    "AND m.territory_id = t.id WHERE t.org_id = $1 AND t.parent_id = $2 AND t.deleted_at IS NULL AND m.zip5 IS NOT "
    "NULL"};

/// Moves ZIP $4 from territory $2 to $3: the target lists it (and no longer excludes it); the source drops it
/// from its list and, when its area covers it, excludes it.
inline constexpr db::Statement kMoveZipOut{
    "ter_move_zip_out",
    "UPDATE crm.territory SET zips = array_remove(zips, $3), "
    "excluded_zips = CASE WHEN geom IS NOT NULL AND NOT ($3 = ANY (excluded_zips)) THEN excluded_zips || $3 "
    "ELSE excluded_zips END WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kMoveZipIn{
    "ter_move_zip_in",
    "UPDATE crm.territory SET zips = CASE WHEN $3 = ANY (zips) THEN zips ELSE zips || $3 END, "
    "excluded_zips = array_remove(excluded_zips, $3) WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"};

inline constexpr db::Statement kZipsOf{
    "ter_zips_of",
    "SELECT json_object_agg(t.id, json_build_object('zips', t.zips, 'excluded_zips', t.excluded_zips))::text "
    "FROM crm.territory t WHERE t.org_id = $1 AND t.id = ANY (ARRAY(SELECT "
    "jsonb_array_elements_text($2::jsonb))::uuid[])"};

}  // namespace rounds::territories::sql
