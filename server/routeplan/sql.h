#pragma once

// Every SQL statement of the route-plan module.

#include "db/pool.h"

namespace rounds::routeplan::sql {

// Resolves NPIs to a name and the primary practice location: the NPPES primary address first, then the
// Doctors & Clinicians (DAC) address, then a secondary NPPES address; only geocoded, current addresses.
// One row per requested NPI: known = the NPI exists; lat/lng NULL when it has no geocoded location.
inline constexpr db::Statement kResolveNpis{
    "routeplan_resolve_npis",
    "SELECT q.npi, p.npi IS NOT NULL, "
    "coalesce(nullif(concat_ws(' ', p.name_prefix, p.first_name, p.last_name, p.credential), ''), p.org_name, ''), "
    "ST_Y(a.geog::geometry), ST_X(a.geog::geometry), "
    "coalesce(concat_ws(', ', a.line1, a.city, a.state, a.zip5), '') "
    "FROM unnest($1::bigint[]) AS q(npi) "
    "LEFT JOIN ref.physician p ON p.npi = q.npi "
    "LEFT JOIN LATERAL (SELECT x.geog, x.line1, x.city, x.state, x.zip5 FROM ref.physician_address x "
    "  WHERE x.npi = q.npi AND x.removed_at IS NULL AND x.geog IS NOT NULL "
    "  ORDER BY CASE x.source WHEN 'nppes' THEN 0 WHEN 'dac' THEN 1 ELSE 2 END, "
    "           CASE x.geocode_quality WHEN 'address' THEN 0 ELSE 1 END, x.address_id LIMIT 1) a ON true"};

inline constexpr db::Statement kFindByClientId{"routeplan_find_by_client_id",
                                               "SELECT id FROM crm.route_plan WHERE org_id = $1 AND client_id = $2"};

inline constexpr db::Statement kInsertPlan{
    "routeplan_insert_plan",
    "INSERT INTO crm.route_plan (org_id, client_id, owner_id, plan_date, name, source, start_lat, start_lng, "
    "end_lat, end_lng, start_time, day_end, total_travel_seconds, total_distance_meters, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, to_timestamp($11::bigint), to_timestamp($12::bigint), "
    "$13, $14, $3, $3) RETURNING id"};

inline constexpr db::Statement kInsertStops{
    "routeplan_insert_stops",
    "INSERT INTO crm.route_stop (org_id, route_id, owner_id, position, npi, ref, label, lat, lng, "
    "planned_arrival, planned_start, planned_departure, created_by, updated_by) "
    "SELECT $1, $2, $3, s.ord - 1, s.npi, s.ref, s.label, s.lat, s.lng, to_timestamp(s.arr), to_timestamp(s.st), "
    "to_timestamp(s.dep), $3, $3 "
    "FROM unnest($4::bigint[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::bigint[], $10::bigint[], "
    "$11::bigint[]) WITH ORDINALITY AS s(npi, ref, label, lat, lng, arr, st, dep, ord)"};

// Columns of a plan, in the order service.cpp reads them.
#define ROUTEPLAN_PLAN_COLUMNS                                                                                  \
    "r.id, r.owner_id, r.plan_date::text, r.name, r.source, r.start_lat, r.start_lng, r.end_lat, r.end_lng, "   \
    "extract(epoch FROM r.start_time)::bigint, extract(epoch FROM r.day_end)::bigint, r.total_travel_seconds, " \
    "r.total_distance_meters, r.version, r.client_id, "                                                         \
    "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                           \
    "to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                           \
    "extract(epoch FROM r.updated_at)::bigint, r.created_at::text, "                                            \
    "(SELECT count(*) FROM crm.route_stop s WHERE s.org_id = r.org_id AND s.route_id = r.id "                   \
    "AND s.deleted_at IS NULL) "

inline constexpr db::Statement kGetPlan{
    "routeplan_get_plan", "SELECT " ROUTEPLAN_PLAN_COLUMNS
                          "FROM crm.route_plan r WHERE r.org_id = $1 AND r.id = $2 AND r.deleted_at IS NULL"};

inline constexpr db::Statement kGetStops{
    "routeplan_get_stops",
    "SELECT s.id, s.position, s.npi, s.ref, s.label, s.lat, s.lng, extract(epoch FROM s.planned_arrival)::bigint, "
    "extract(epoch FROM s.planned_start)::bigint, extract(epoch FROM s.planned_departure)::bigint, s.call_id "
    "FROM crm.route_stop s WHERE s.org_id = $1 AND s.route_id = $2 AND s.deleted_at IS NULL ORDER BY s.position"};

// Newest first; keyset on (created_at, id) descending. $5: only this owner (NULL = every visible plan);
// $6: only this date.
inline constexpr db::Statement kListPlans{
    "routeplan_list_plans",
    "SELECT " ROUTEPLAN_PLAN_COLUMNS
    "FROM crm.route_plan r WHERE r.org_id = $1 AND r.deleted_at IS NULL "
    "AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::uuid)) "
    "AND ($5::uuid IS NULL OR r.owner_id = $5::uuid) AND ($6::date IS NULL OR r.plan_date = $6::date) "
    "ORDER BY r.created_at DESC, r.id DESC LIMIT $4"};

// Soft delete; RLS limits it to the owner or an admin. Returns the id when a row was deleted.
inline constexpr db::Statement kDeletePlan{
    "routeplan_delete_plan",
    "UPDATE crm.route_plan SET deleted_at = now(), updated_by = crm.current_user_id() "
    "WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id"};

inline constexpr db::Statement kDeleteStops{
    "routeplan_delete_stops",
    "UPDATE crm.route_stop SET deleted_at = now(), updated_by = crm.current_user_id() "
    "WHERE org_id = $1 AND route_id = $2 AND deleted_at IS NULL"};

// Plan my day: candidates (db/migrations/0051_plan_day.sql) ...
inline constexpr db::Statement kPlanDayCandidates{
    "routeplan_plan_day_candidates",
    "SELECT npi, score, lat, lng, account_id, coalesce(best_hours, ''), label "
    "FROM crm.plan_day_candidates($1::uuid, $2::date, $3::integer, $4::uuid, $5::integer)"};

// ... and one planned call (crm.call, status planned, in person) per stop with an NPI, linked from the stop.
// The call's client_id ("route-stop:<stop id>") makes the link unique.
inline constexpr db::Statement kPlannedCalls{
    "routeplan_planned_calls",
    "WITH stops AS (SELECT s.id, s.npi, s.planned_start, s.planned_departure FROM crm.route_stop s "
    "  WHERE s.org_id = $1 AND s.route_id = $2 AND s.npi IS NOT NULL AND s.deleted_at IS NULL), "
    "calls AS (INSERT INTO crm.call (org_id, owner_id, npi, account_id, starts_at, ends_at, channel, status, "
    "  duration_minutes, client_id, created_by, updated_by) "
    "  SELECT $1, $3, s.npi, a.id, s.planned_start, s.planned_departure, 'in_person', 'planned', "
    "  round(extract(epoch FROM s.planned_departure - s.planned_start) / 60)::integer, 'route-stop:' || s.id, $3, $3 "
    "  FROM stops s LEFT JOIN crm.account a ON a.org_id = $1 AND a.npi = s.npi AND a.deleted_at IS NULL "
    "  RETURNING id, client_id) "
    "UPDATE crm.route_stop r SET call_id = c.id, updated_by = $3 FROM calls c "
    "WHERE r.org_id = $1 AND c.client_id = 'route-stop:' || r.id RETURNING r.id"};

}  // namespace rounds::routeplan::sql
