#pragma once

#include "db/pool.h"

/// Every SQL statement of the markets module (targeting). Responses are built as JSON by PostgreSQL. Tenant
/// statements run inside tenancy::Begin and also filter by org_id ($1) — two locks.
namespace rounds::markets::sql {

// clang-format off
#define ROUNDS_MARKET_JSON(m)                                                                                      \
    "json_build_object('id', " m ".id, 'name', " m ".name, 'description', " m ".description, "                     \
    "'partd_generic_names', " m ".partd_generic_names, 'partd_brand_names', " m ".partd_brand_names, "             \
    "'hcpcs_codes', " m ".hcpcs_codes, 'own_products', " m ".own_products, "                                       \
    "'competitor_products', " m ".competitor_products, 'own_manufacturers', " m ".own_manufacturers, "             \
    "'competitor_manufacturers', " m ".competitor_manufacturers, 'target_ccns', " m ".target_ccns, "               \
    "'client_id', " m ".client_id, 'version', " m ".version, "                                                     \
    "'created_at', to_char(" m ".created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "            \
    "'updated_at', to_char(" m ".updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"
// clang-format on

/// Text array from a JSON array parameter, or the column when the parameter is NULL (PATCH leaves it alone).
#define ROUNDS_LIST(param, column)                                                                          \
    "CASE WHEN " param "::jsonb IS NULL THEN " column " ELSE ARRAY(SELECT jsonb_array_elements_text(" param \
    "::jsonb)) END"

inline constexpr db::Statement kMarketByClientId{
    "mkt_market_by_client_id",
    "SELECT " ROUNDS_MARKET_JSON("m") "::text, m.version, m.deleted_at IS NOT NULL FROM crm.market m "
    "WHERE m.org_id = $1 AND m.client_id = $2"};

// $1 org, $2 name, $3 description, $4..$11 lists (JSON), $12 client_id, $13 user
inline constexpr db::Statement kInsertMarket{
    "mkt_insert_market",
    "INSERT INTO crm.market AS m (org_id, name, description, partd_generic_names, partd_brand_names, hcpcs_codes, "
    "own_products, competitor_products, own_manufacturers, competitor_manufacturers, target_ccns, client_id, "
    "created_by, updated_by) VALUES ($1, $2, $3, "
    ROUNDS_LIST("$4", "'{}'::text[]") ", " ROUNDS_LIST("$5", "'{}'::text[]") ", " ROUNDS_LIST("$6", "'{}'::text[]") ", "
    ROUNDS_LIST("$7", "'{}'::text[]") ", " ROUNDS_LIST("$8", "'{}'::text[]") ", " ROUNDS_LIST("$9", "'{}'::text[]") ", "
    ROUNDS_LIST("$10", "'{}'::text[]") ", " ROUNDS_LIST("$11", "'{}'::text[]") ", $12, $13, $13) "
    "RETURNING m.id, " ROUNDS_MARKET_JSON("m") "::text, m.version"};

inline constexpr db::Statement kGetMarket{
    "mkt_get_market",
    "SELECT " ROUNDS_MARKET_JSON("m") "::text, m.version FROM crm.market m "
    "WHERE m.org_id = $1 AND m.id = $2 AND m.deleted_at IS NULL"};

/// The row as audit "before" (same JSON) with a lock, so a concurrent writer waits.
inline constexpr db::Statement kLockMarket{
    "mkt_lock_market",
    "SELECT " ROUNDS_MARKET_JSON("m") "::text, m.version FROM crm.market m "
    "WHERE m.org_id = $1 AND m.id = $2 AND m.deleted_at IS NULL FOR UPDATE"};

// $1 org, $2 id, $3 name, $4 description (NULL: keep), $5 description given (bool), $6..$13 lists
inline constexpr db::Statement kUpdateMarket{
    "mkt_update_market",
    "UPDATE crm.market AS m SET name = coalesce($3, m.name), "
    "description = CASE WHEN $5::boolean THEN $4 ELSE m.description END, "
    "partd_generic_names = " ROUNDS_LIST("$6", "m.partd_generic_names") ", "
    "partd_brand_names = " ROUNDS_LIST("$7", "m.partd_brand_names") ", "
    "hcpcs_codes = " ROUNDS_LIST("$8", "m.hcpcs_codes") ", "
    "own_products = " ROUNDS_LIST("$9", "m.own_products") ", "
    "competitor_products = " ROUNDS_LIST("$10", "m.competitor_products") ", "
    "own_manufacturers = " ROUNDS_LIST("$11", "m.own_manufacturers") ", "
    "competitor_manufacturers = " ROUNDS_LIST("$12", "m.competitor_manufacturers") ", "
    "target_ccns = " ROUNDS_LIST("$13", "m.target_ccns") " "
    "WHERE m.org_id = $1 AND m.id = $2 AND m.deleted_at IS NULL "
    "RETURNING " ROUNDS_MARKET_JSON("m") "::text, m.version"};

inline constexpr db::Statement kDeleteMarket{
    "mkt_delete_market",
    "UPDATE crm.market SET deleted_at = now() WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING version"};

inline constexpr db::Statement kDeleteMarketMetrics{
    "mkt_delete_market_metrics",
    "WITH a AS (DELETE FROM mkt.market_metric WHERE org_id = $1 AND market_id = $2), "
    "b AS (DELETE FROM mkt.territory_decile WHERE org_id = $1 AND market_id = $2) "
    "DELETE FROM mkt.market_run WHERE org_id = $1 AND market_id = $2"};

// $1 org, $2 after created_at, $3 after id, $4 limit+1
inline constexpr db::Statement kListMarkets{
    "mkt_list_markets",
    "SELECT " ROUNDS_MARKET_JSON("m") "::text, m.created_at::text, m.id FROM crm.market m "
    "WHERE m.org_id = $1 AND m.deleted_at IS NULL "
    "AND ($2::timestamptz IS NULL OR (m.created_at, m.id) > ($2::timestamptz, $3::uuid)) "
    "ORDER BY m.created_at, m.id LIMIT $4"};

/// Queues a recompute of one market (or, with a NULL market, of the organisation) in the writer's transaction.
inline constexpr db::Statement kEnqueueRecompute{
    "mkt_enqueue_recompute",
    "INSERT INTO ops.job (kind, payload, org_id) "
    "SELECT 'markets.recompute', jsonb_strip_nulls(jsonb_build_object('org_id', $1::text, 'market_id', $2::text)), "
    "$1::uuid WHERE NOT EXISTS (SELECT 1 FROM ops.job WHERE kind = 'markets.recompute' AND status = 'queued' "
    "AND payload = jsonb_strip_nulls(jsonb_build_object('org_id', $1::text, 'market_id', $2::text))) RETURNING id"};

// ---- Settings --------------------------------------------------------------------------------------------------

inline constexpr const char* kDefaultWeights =
    R"({"decile": 0.4, "growth": 0.15, "competitor_share": 0.2, "competitor_payments": 0.1, "affiliation": 0.15})";

#define ROUNDS_SETTINGS_JSON(s)                                                                             \
    "json_build_object('weights', " s ".weights, 'target_ccns', " s ".target_ccns, 'target_min_decile', " s \
    ".target_min_decile, 'calls_per_year', " s ".calls_per_year, 'visit_minutes', " s                       \
    ".visit_minutes, "                                                                                      \
    "'visits_per_day', " s ".visits_per_day, 'road_factor', " s ".road_factor, 'speed_kmh', " s             \
    ".speed_kmh, "                                                                                          \
    "'version', " s ".version)"

/// The organisation's settings, or the column defaults when it never saved any (version 0).
inline constexpr db::Statement kGetSettings{
    "mkt_get_settings",
    "WITH d AS (SELECT s.* FROM crm.market_settings s WHERE s.org_id = $1 "
    "UNION ALL SELECT NULL, NULL, '"
    R"({"decile": 0.4, "growth": 0.15, "competitor_share": 0.2, )"
    R"("competitor_payments": 0.1, "affiliation": 0.15})"
    "'::jsonb, '{}', 7, "
    R"('{"10": 24, "9": 24, "8": 12, "7": 12, "6": 6, "5": 6}')"
    "::jsonb, 30, 8, 1.3, 50, NULL, 0, NULL, NULL, "
    "NULL, NULL, NULL ORDER BY version DESC LIMIT 1) SELECT " ROUNDS_SETTINGS_JSON("d") "::text, d.version FROM d"};

// $1 org, $2 weights json, $3 ccns json, $4 min decile, $5 calls json, $6 visit min, $7 visits/day, $8 road, $9 speed,
// $10 user
inline constexpr db::Statement kUpsertSettings{
    "mkt_upsert_settings",
    "INSERT INTO crm.market_settings AS s (org_id, weights, target_ccns, target_min_decile, calls_per_year, "
    "visit_minutes, visits_per_day, road_factor, speed_kmh, created_by, updated_by) VALUES ($1, "
    "coalesce($2::jsonb, '" R"({"decile": 0.4, "growth": 0.15, "competitor_share": 0.2, )"
    R"("competitor_payments": 0.1, "affiliation": 0.15})" "'::jsonb), "
    "coalesce(ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), '{}'), coalesce($4::smallint, 7), "
    "coalesce($5::jsonb, '" R"({"10": 24, "9": 24, "8": 12, "7": 12, "6": 6, "5": 6})" "'::jsonb), "
    "coalesce($6::integer, 30), coalesce($7::integer, 8), coalesce($8::float8, 1.3), coalesce($9::float8, 50), "
    "$10, $10) "
    "ON CONFLICT (org_id) DO UPDATE SET weights = coalesce($2::jsonb, s.weights), "
    "target_ccns = " ROUNDS_LIST("$3", "s.target_ccns") ", "
    "target_min_decile = coalesce($4::smallint, s.target_min_decile), "
    "calls_per_year = coalesce($5::jsonb, s.calls_per_year), visit_minutes = coalesce($6::integer, s.visit_minutes), "
    "visits_per_day = coalesce($7::integer, s.visits_per_day), road_factor = coalesce($8::float8, s.road_factor), "
    "speed_kmh = coalesce($9::float8, s.speed_kmh) "
    "RETURNING " ROUNDS_SETTINGS_JSON("s") "::text, s.version"};

inline constexpr db::Statement kLiveMarketIds{
    "mkt_live_market_ids", "SELECT id FROM crm.market WHERE org_id = $1 AND deleted_at IS NULL ORDER BY id"};

// ---- Reads of the derived metrics -------------------------------------------------------------------------------

/// Market summary: the market, its last recompute and per data year totals and decile bands.
inline constexpr db::Statement kSummary{
    "mkt_summary",
    "SELECT json_build_object('market', " ROUNDS_MARKET_JSON("m") ", "
    "'computed', (SELECT json_build_object('computed_at', to_char(r.computed_at AT TIME ZONE 'UTC', "
    "  'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'rows', r.rows, 'duration_ms', r.duration_ms, 'data_years', r.data_years) "
    "  FROM mkt.market_run r WHERE r.org_id = m.org_id AND r.market_id = m.id), "
    "'pending_recompute', EXISTS (SELECT 1 FROM ops.job j WHERE j.kind = 'markets.recompute' "
    "  AND j.status IN ('queued', 'running') AND (j.payload = '{}'::jsonb OR j.payload->>'org_id' = m.org_id::text)), "
    "'years', (SELECT coalesce(json_agg(y ORDER BY y.data_year DESC), '[]'::json) FROM ("
    "  SELECT mm.data_year, count(*) AS physicians, sum(mm.volume) AS volume, sum(mm.beneficiaries) AS beneficiaries, "
    "         sum(mm.cost_cents) AS cost_cents, 'USD' AS currency, sum(mm.own_volume) AS own_volume, "
    "         sum(mm.competitor_volume) AS competitor_volume, "
    "         CASE WHEN sum(mm.own_volume + mm.competitor_volume) > 0 "
    "              THEN sum(mm.own_volume) / sum(mm.own_volume + mm.competitor_volume) END AS own_share, "
    "         sum(mm.competitor_payments_cents) AS competitor_payments_cents, "
    "         count(*) FILTER (WHERE mm.affiliated) AS affiliated_physicians, "
    "         (SELECT json_agg(json_build_object('decile', d.decile_national, 'physicians', d.n, 'volume', d.v, "
    "                 'min_volume', d.lo, 'max_volume', d.hi) ORDER BY d.decile_national DESC) "
    "            FROM (SELECT x.decile_national, count(*) n, sum(x.volume) v, min(x.volume) lo, max(x.volume) hi "
    "                    FROM mkt.market_metric x WHERE x.org_id = m.org_id AND x.market_id = m.id "
    "                     AND x.data_year = mm.data_year GROUP BY 1) d) AS deciles "
    "    FROM mkt.market_metric mm WHERE mm.org_id = m.org_id AND mm.market_id = m.id GROUP BY mm.data_year) y)"
    ")::text FROM crm.market m WHERE m.org_id = $1 AND m.id = $2 AND m.deleted_at IS NULL"};

/// Latest data year with metrics for a market (NULL when none).
inline constexpr db::Statement kLatestYear{
    "mkt_latest_year", "SELECT max(data_year) FROM mkt.market_metric WHERE org_id = $1 AND market_id = $2"};

// The sort key of metric lists: one numeric expression chosen by $n (a whitelisted name), negated for
// descending order, so one prepared statement serves every sort with keyset pagination on (key, npi).
#define ROUNDS_SORT_KEY(mm, dir, name)                                                                 \
    "(" dir "::float8 * coalesce(CASE " name " WHEN 'volume' THEN " mm ".volume WHEN 'score' THEN " mm \
    ".score "                                                                                          \
    "WHEN 'growth' THEN " mm ".growth WHEN 'competitor_share' THEN " mm                                \
    ".competitor_share "                                                                               \
    "WHEN 'competitor_payments' THEN " mm                                                              \
    ".competitor_payments_cents::float8 "                                                              \
    "WHEN 'decile' THEN " mm ".decile_national::float8 WHEN 'npi' THEN " mm ".npi::float8 END, -1e300))"

#define ROUNDS_METRIC_JSON(mm)                                                                 \
    "json_build_object('npi', " mm ".npi::text, 'data_year', " mm ".data_year, 'state', " mm   \
    ".state, "                                                                                 \
    "'volume', " mm ".volume, 'beneficiaries', " mm ".beneficiaries, 'cost_cents', " mm        \
    ".cost_cents, "                                                                            \
    "'currency', 'USD', 'prev_volume', " mm ".prev_volume, 'growth', round(" mm                \
    ".growth::numeric, 4), "                                                                   \
    "'own_volume', " mm ".own_volume, 'competitor_volume', " mm                                \
    ".competitor_volume, "                                                                     \
    "'own_share', round(" mm ".own_share::numeric, 4), 'competitor_share', round(" mm          \
    ".competitor_share::numeric, 4), "                                                         \
    "'competitor_payments_cents', " mm ".competitor_payments_cents, 'own_payments_cents', " mm \
    ".own_payments_cents, 'affiliated', " mm ".affiliated, 'decile_national', " mm             \
    ".decile_national, "                                                                       \
    "'decile_state', " mm ".decile_state, 'score', round(" mm ".score::numeric, 2))"

// $1 org, $2 market, $3 year, $4 sort name, $5 dir (1/-1), $6 cursor key, $7 cursor npi, $8 limit+1,
// $9 state, $10 min decile, $11 npi
inline constexpr db::Statement kPhysicianMetrics{
    "mkt_physician_metrics",
    "SELECT json_build_object('name', coalesce(p.org_name, concat_ws(' ', p.first_name, p.last_name)), "
    "  'metrics', " ROUNDS_METRIC_JSON("mm") ")::text, " ROUNDS_SORT_KEY("mm", "$5", "$4") ", mm.npi "
    "FROM mkt.market_metric mm LEFT JOIN ref.physician p ON p.npi = mm.npi "
    "WHERE mm.org_id = $1 AND mm.market_id = $2 AND mm.data_year = $3 "
    "AND ($9::text IS NULL OR mm.state = $9) AND ($10::smallint IS NULL OR mm.decile_national >= $10) "
    "AND ($11::bigint IS NULL OR mm.npi = $11) "
    "AND ($6::float8 IS NULL OR (" ROUNDS_SORT_KEY("mm", "$5", "$4") ", mm.npi) > ($6::float8, $7::bigint)) "
    "ORDER BY 2, mm.npi LIMIT $8"};

/// Is territory $2 visible to the caller (admins: any live one; others: assigned to them or their team, or below)?
inline constexpr db::Statement kTerritoryVisible{
    "mkt_territory_visible",
    "SELECT t.name FROM crm.territory t WHERE t.org_id = $1 AND t.id = $2 AND t.deleted_at IS NULL "
    "AND t.id = ANY (mkt.visible_territory_ids())"};

// Targets of one territory: $1 org, $2 market, $3 year, $4 sort, $5 dir, $6 cursor key, $7 cursor npi, $8 limit+1
// (NULL: all rows, for CSV), $9 territory, $10 min decile
inline constexpr db::Statement kTerritoryTargets{
    "mkt_territory_targets",
    "SELECT json_build_object('npi', mm.npi::text, "
    "  'name', coalesce(p.org_name, concat_ws(' ', p.first_name, p.last_name)), 'credential', p.credential, "
    "  'city', a.city, 'state', a.state, 'zip5', tm.zip5, 'lat', round(tm.lat::numeric, 6), "
    "  'lng', round(tm.lng::numeric, 6), 'decile_territory', td.decile, "
    "  'metrics', " ROUNDS_METRIC_JSON("mm") ")::text, " ROUNDS_SORT_KEY("mm", "$5", "$4") ", mm.npi, "
    "  coalesce(p.org_name, concat_ws(' ', p.first_name, p.last_name)), p.credential, a.city, a.state, tm.zip5, "
    "  mm.volume, mm.growth, mm.competitor_share, mm.competitor_payments_cents, mm.affiliated, mm.decile_national, "
    "  td.decile, mm.score, mm.data_year "
    "FROM mkt.territory_member tm "
    "JOIN mkt.market_metric mm ON mm.org_id = tm.org_id AND mm.npi = tm.npi AND mm.market_id = $2 AND mm.data_year = $3 "
    "LEFT JOIN mkt.territory_decile td ON td.org_id = tm.org_id AND td.market_id = $2 AND td.territory_id = tm.territory_id "
    "  AND td.data_year = $3 AND td.npi = tm.npi "
    "LEFT JOIN ref.physician p ON p.npi = tm.npi "
    "LEFT JOIN ref.physician_address a ON a.address_id = tm.address_id "
    "WHERE tm.org_id = $1 AND tm.territory_id = $9 AND mm.decile_national >= coalesce($10::smallint, 1) "
    "AND ($6::float8 IS NULL OR (" ROUNDS_SORT_KEY("mm", "$5", "$4") ", mm.npi) > ($6::float8, $7::bigint)) "
    "ORDER BY 2, mm.npi LIMIT $8"};

// ---- Recompute (set-based; run by the job "markets.recompute", `rounds markets recompute` and the benchmark) ---

/// Opens the organisation's scope for a worker transaction (no user; RLS reads rounds.org_id).
inline constexpr db::Statement kWorkerScope{
    "mkt_worker_scope",
    "SELECT set_config('rounds.org_id', $1, true), set_config('rounds.role', 'admin', true), "
    "set_config('rounds.user_id', '', true)"};

inline constexpr db::Statement kDeleteMembers{"mkt_delete_members",
                                              "DELETE FROM mkt.territory_member WHERE org_id = $1::uuid"};
inline constexpr db::Statement kDeleteMetrics{
    "mkt_delete_metrics", "DELETE FROM mkt.market_metric WHERE org_id = $1::uuid AND market_id = $2::uuid"};
inline constexpr db::Statement kDeleteTerritoryDeciles{
    "mkt_delete_territory_deciles",
    "DELETE FROM mkt.territory_decile WHERE org_id = $1::uuid AND market_id = $2::uuid"};

/// Physicians of every live territory of the organisation ($1). A physician is in a territory when one of its
/// geocoded practice locations is covered by the area or has one of its ZIPs (and that ZIP is not excluded);
/// the location kept is the NPPES primary one when it qualifies. Territories with neither an area nor ZIPs
/// (regions, districts drawn only through their children) get the union of their descendants.
inline constexpr db::Statement kRefreshMembers{"mkt_refresh_members", R"sql(
WITH t AS (SELECT id, geom::geography AS geog, zips, excluded_zips FROM crm.territory
       WHERE org_id = $1::uuid AND deleted_at IS NULL),
hit AS (
    SELECT t.id AS territory_id, a.npi, a.address_id, a.zip5, a.geog, a.source, t.excluded_zips
      FROM t JOIN ref.physician_address a ON a.removed_at IS NULL AND a.geog IS NOT NULL AND t.geog IS NOT NULL
                                          AND ST_Covers(t.geog, a.geog)
    UNION ALL
    SELECT t.id, a.npi, a.address_id, a.zip5, a.geog, a.source, t.excluded_zips
      FROM t JOIN ref.physician_address a ON a.zip5 = ANY (t.zips) AND a.removed_at IS NULL AND a.geog IS NOT NULL),
leaf AS (
    SELECT DISTINCT ON (territory_id, npi) territory_id, npi, address_id, zip5,
           ST_Y(geog::geometry) AS lat, ST_X(geog::geometry) AS lng
      FROM hit WHERE NOT (coalesce(zip5, '') = ANY (excluded_zips))
     ORDER BY territory_id, npi, (source = 'nppes') DESC, address_id)
INSERT INTO mkt.territory_member (org_id, territory_id, npi, address_id, zip5, lat, lng)
SELECT $1::uuid, territory_id, npi, address_id, zip5, lat, lng FROM leaf
)sql"};

/// Containers (no area, no ZIPs) receive the union of their descendants' members (run after kRefreshMembers).
inline constexpr db::Statement kRefreshContainerMembers{"mkt_refresh_container_members", R"sql(
WITH RECURSIVE live AS (SELECT id, parent_id, geom IS NULL AND cardinality(zips) = 0 AS container
                          FROM crm.territory WHERE org_id = $1::uuid AND deleted_at IS NULL),
down(ancestor, id, depth) AS (
    SELECT id, id, 0 FROM live WHERE container
    UNION ALL
    SELECT down.ancestor, c.id, down.depth + 1 FROM live c JOIN down ON c.parent_id = down.id WHERE down.depth < 8)
INSERT INTO mkt.territory_member (org_id, territory_id, npi, address_id, zip5, lat, lng)
SELECT DISTINCT ON (down.ancestor, m.npi) $1::uuid, down.ancestor, m.npi, m.address_id, m.zip5, m.lat, m.lng
  FROM down JOIN mkt.territory_member m ON m.org_id = $1::uuid AND m.territory_id = down.id
 WHERE down.depth > 0
 ORDER BY down.ancestor, m.npi, m.address_id
)sql"};

/// Every metric of one market ($1 org, $2 market) for every data year, replacing the previous computation.
/// Volume: Part D claims of basket drugs + Part B services of basket HCPCS codes; deciles: ntile(10) by volume
/// (ties broken by NPI) among the market's prescribers/performers of the year, nationally and per state.
inline constexpr db::Statement kRecomputeMetrics{"mkt_recompute_metrics", R"sql(
WITH st AS (SELECT s.weights, s.target_ccns FROM crm.market_settings s WHERE s.org_id = $1::uuid),
m AS (
    SELECT ARRAY(SELECT upper(x) FROM unnest(mk.partd_generic_names) x) AS gen,
           ARRAY(SELECT upper(x) FROM unnest(mk.partd_brand_names) x) AS brand,
           ARRAY(SELECT upper(x) FROM unnest(mk.hcpcs_codes) x) AS hcpcs,
           ARRAY(SELECT upper(x) FROM unnest(mk.own_products) x) AS own,
           ARRAY(SELECT upper(x) FROM unnest(mk.competitor_products) x) AS comp,
           ARRAY(SELECT upper(x) FROM unnest(mk.own_manufacturers) x) AS own_mfr,
           ARRAY(SELECT upper(x) FROM unnest(mk.competitor_manufacturers) x) AS comp_mfr,
           mk.target_ccns || coalesce((SELECT target_ccns FROM st), '{}') AS ccns,
           coalesce((SELECT weights FROM st), $3::jsonb) AS w
      FROM crm.market mk WHERE mk.org_id = $1::uuid AND mk.id = $2::uuid AND mk.deleted_at IS NULL),
basket AS (
    SELECT d.npi, d.data_year, d.state, d.tot_clms::float8 AS vol, d.tot_benes::bigint AS benes,
           coalesce(d.tot_drug_cst_cents, 0) AS cost,
           upper(d.brand_name) = ANY (m.own) AS is_own, upper(d.brand_name) = ANY (m.comp) AS is_comp
      FROM ref.partd_drug d, m
     WHERE d.removed_at IS NULL AND (upper(d.generic_name) = ANY (m.gen) OR upper(d.brand_name) = ANY (m.brand))
    UNION ALL
    SELECT s.npi, s.data_year, s.state, s.tot_srvcs, s.tot_benes::bigint,
           round(coalesce(s.avg_mdcr_pymt_amt, 0) * coalesce(s.tot_srvcs, 0) * 100)::bigint,
           upper(s.hcpcs_code) = ANY (m.own), upper(s.hcpcs_code) = ANY (m.comp)
      FROM ref.partb_service s, m
     WHERE cardinality(m.hcpcs) > 0 AND s.removed_at IS NULL AND upper(s.hcpcs_code) = ANY (m.hcpcs)),
agg AS (
    SELECT npi, data_year, max(state) AS state, sum(coalesce(vol, 0)) AS volume, sum(benes)::bigint AS benes,
           sum(cost)::bigint AS cost, coalesce(sum(vol) FILTER (WHERE is_own), 0) AS own_v,
           coalesce(sum(vol) FILTER (WHERE is_comp), 0) AS comp_v
      FROM basket GROUP BY npi, data_year HAVING sum(coalesce(vol, 0)) > 0),
pay AS (
    SELECT p.npi, p.program_year AS data_year,
           coalesce(sum(p.amount_cents) FILTER (WHERE upper(p.payer_name) = ANY (m.comp_mfr)), 0) AS comp_pay,
           coalesce(sum(p.amount_cents) FILTER (WHERE upper(p.payer_name) = ANY (m.own_mfr)), 0) AS own_pay
      FROM ref.npi_open_payment_year p, m
     WHERE p.payment_kind = 'general' AND cardinality(m.comp_mfr) + cardinality(m.own_mfr) > 0
       AND (upper(p.payer_name) = ANY (m.comp_mfr) OR upper(p.payer_name) = ANY (m.own_mfr))
     GROUP BY 1, 2),
aff AS (SELECT DISTINCT a.npi FROM ref.affiliation a, m WHERE a.removed_at IS NULL AND a.ccn = ANY (m.ccns)),
base AS (
    SELECT a.npi, a.data_year, a.state, a.volume, a.benes, a.cost, pv.volume AS prev,
           CASE WHEN pv.volume > 0 THEN a.volume / pv.volume - 1 END AS growth,
           a.own_v, a.comp_v,
           CASE WHEN a.own_v + a.comp_v > 0 THEN a.own_v / (a.own_v + a.comp_v) END AS own_share,
           CASE WHEN a.own_v + a.comp_v > 0 THEN a.comp_v / (a.own_v + a.comp_v) END AS comp_share,
           coalesce(pay.comp_pay, 0)::bigint AS comp_pay, coalesce(pay.own_pay, 0)::bigint AS own_pay,
           aff.npi IS NOT NULL AS affiliated,
           ntile(10) OVER (PARTITION BY a.data_year ORDER BY a.volume, a.npi) AS dn,
           ntile(10) OVER (PARTITION BY a.data_year, a.state ORDER BY a.volume, a.npi) AS ds
      FROM agg a
      LEFT JOIN agg pv ON pv.npi = a.npi AND pv.data_year = a.data_year - 1
      LEFT JOIN pay ON pay.npi = a.npi AND pay.data_year = a.data_year
      LEFT JOIN aff ON aff.npi = a.npi),
scored AS (
    SELECT b.*,
           CASE WHEN b.comp_pay > 0
                THEN cume_dist() OVER (PARTITION BY b.data_year, b.comp_pay > 0 ORDER BY b.comp_pay) ELSE 0 END
               AS pay_rank
      FROM base b)
INSERT INTO mkt.market_metric (org_id, market_id, data_year, npi, state, volume, beneficiaries, cost_cents,
                               prev_volume, growth, own_volume, competitor_volume, own_share, competitor_share,
                               competitor_payments_cents, own_payments_cents, affiliated, decile_national,
                               decile_state, score)
SELECT $1::uuid, $2::uuid, s.data_year, s.npi, s.state, s.volume, s.benes, s.cost, s.prev, s.growth, s.own_v,
       s.comp_v, s.own_share, s.comp_share, s.comp_pay, s.own_pay, s.affiliated, s.dn,
       CASE WHEN s.state IS NOT NULL THEN s.ds END,
       -- Target score 0..100: weighted mean of components scaled to 0..1 (docs/markets.md).
       100 * (coalesce((m.w->>'decile')::float8, 0) * s.dn / 10.0
            + coalesce((m.w->>'growth')::float8, 0) * (least(greatest(coalesce(s.growth, 0), -0.5), 0.5) + 0.5)
            + coalesce((m.w->>'competitor_share')::float8, 0) * coalesce(s.comp_share, 0)
            + coalesce((m.w->>'competitor_payments')::float8, 0) * s.pay_rank
            + coalesce((m.w->>'affiliation')::float8, 0) * (CASE WHEN s.affiliated THEN 1 ELSE 0 END))
           / greatest(coalesce((m.w->>'decile')::float8, 0) + coalesce((m.w->>'growth')::float8, 0)
                      + coalesce((m.w->>'competitor_share')::float8, 0)
                      + coalesce((m.w->>'competitor_payments')::float8, 0)
                      + coalesce((m.w->>'affiliation')::float8, 0), 1e-9)
  FROM scored s, m
)sql"};

/// Deciles of one market within each territory ($1 org, $2 market), from the metrics and memberships.
inline constexpr db::Statement kRecomputeTerritoryDeciles{"mkt_recompute_territory_deciles", R"sql(
INSERT INTO mkt.territory_decile (org_id, market_id, territory_id, data_year, npi, decile)
SELECT $1::uuid, $2::uuid, tm.territory_id, mm.data_year, mm.npi,
       ntile(10) OVER (PARTITION BY tm.territory_id, mm.data_year ORDER BY mm.volume, mm.npi)
  FROM mkt.market_metric mm
  JOIN mkt.territory_member tm ON tm.org_id = mm.org_id AND tm.npi = mm.npi
 WHERE mm.org_id = $1::uuid AND mm.market_id = $2::uuid
)sql"};

inline constexpr db::Statement kRecordRun{
    "mkt_record_run",
    "INSERT INTO mkt.market_run (org_id, market_id, computed_at, rows, duration_ms, data_years) "
    "SELECT $1::uuid, $2::uuid, now(), $3::bigint, $4::bigint, "
    "coalesce((SELECT array_agg(DISTINCT data_year ORDER BY data_year) FROM mkt.market_metric "
    "WHERE org_id = $1::uuid AND market_id = $2::uuid), '{}') "
    "ON CONFLICT (org_id, market_id) DO UPDATE SET computed_at = now(), rows = EXCLUDED.rows, "
    "duration_ms = EXCLUDED.duration_ms, data_years = EXCLUDED.data_years"};

inline constexpr db::Statement kOrgsWithMarkets{"mkt_orgs_with_markets", "SELECT mkt.orgs_with_markets()"};

}  // namespace rounds::markets::sql
