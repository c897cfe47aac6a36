#pragma once

#include <map>
#include <string>

#include "crm/entity.h"
#include "db/pool.h"

/// Every SQL statement of the CRM module. The generic record statements are generated once per entity from
/// the field table in entity.cpp (column names come from that table, never from a request; values are always
/// bound parameters); the statements of calls, settings and reports are written out below.
///
/// Tenant statements take the caller's organisation as $1 and repeat the visibility rule of the row-level
/// security policies (kVisible), so a query bug cannot widen what a policy narrows and vice versa.
namespace rounds::crm::sql {

/// The caller may see a row owned by t.owner_id: shared rows, admins, or the owner in the caller's team.
inline constexpr std::string_view kVisible =
    "(t.owner_id IS NULL OR crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))";

/// The generated statements of one entity.
struct EntitySql {
    db::Statement insert;        // $1 org, $2 client_id, $3 owner, $4 user, $5 fields jsonb → id, version
    db::Statement by_id;         // $1 org, $2 id → json, version
    db::Statement by_client_id;  // $1 org, $2 client_id → json, version, id
    db::Statement lock;          // $1 org, $2 id → version, owner_id, json (FOR UPDATE)
    db::Statement update;        // $1 org, $2 id, $3 fields jsonb, $4 owner → version
    db::Statement remove;        // $1 org, $2 id → version
    db::Statement ref_check;     // $1 org, $2 uuid[] → ids visible to the caller
    db::Statement set_import;    // $1 org, $2 id, $3 import id → version (tables with import_id)
    /// $1 org, $2 id, $3 import id, $4 table, $5 row before (jsonb, NULL when created) → version. Marks the row
    /// with the import and journals it in one round trip: the first touch of a row in an import writes its
    /// journal line (with `before`), a later touch only moves that line's after_version.
    db::Statement journal_import;
    /// "field" or "-field" → $1 org, $2 filter jsonb, $3 owner, $4 from, $5 to, $6 after value, $7 after id,
    /// $8 limit → json, sort value, id
    std::map<std::string, db::Statement, std::less<>> list;
};

const EntitySql& For(const Entity& entity);
/// The ref_check statement of crm.<table>.
const db::Statement& RefCheck(const std::string& table);
/// The SQL type of a sortable field's column.
std::string SortType(const Entity& entity, std::string_view field);

inline constexpr db::Statement kKnownNpis{"crm_known_npis",
                                          "SELECT npi::text FROM ref.physician WHERE npi = ANY($1::bigint[])"};
inline constexpr db::Statement kKnownCcn{"crm_known_ccn", "SELECT 1 FROM ref.facility WHERE ccn = $1"};

// Settings ---------------------------------------------------------------------------------------------------
inline constexpr db::Statement kEnsureSettings{
    "crm_ensure_settings",
    "INSERT INTO crm.crm_settings (org_id, created_by, updated_by) VALUES ($1, $2, $2) "
    "ON CONFLICT (org_id) DO NOTHING"};
inline constexpr db::Statement kSettingsId{"crm_settings_id", "SELECT id FROM crm.crm_settings WHERE org_id = $1"};
inline constexpr db::Statement kSettings{"crm_settings",
                                         "SELECT to_jsonb(s)::text FROM crm.crm_settings s WHERE org_id = $1"};

// Calls ------------------------------------------------------------------------------------------------------
/// The organisation's restrictions of a physician, plus a row of kind 'account_no_see' when a visible account of
/// the physician is marked no-see (one round trip for both).
inline constexpr db::Statement kRestrictions{
    "crm_restrictions",
    "SELECT kind, product_id::text, coalesce(reason, '') FROM crm.restriction "
    "WHERE org_id = $1 AND npi = $2 AND deleted_at IS NULL "
    "UNION ALL (SELECT 'account_no_see', NULL, '' FROM crm.account "
    "WHERE org_id = $1 AND npi = $2 AND no_see AND deleted_at IS NULL LIMIT 1)"};
inline constexpr db::Statement kProducts{"crm_products",
                                         "SELECT id::text, name, active, sampleable FROM crm.product "
                                         "WHERE org_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL"};
// The sample-lot statements name the organisation as a sub-select for the reason given at kById (crm/sql.cpp):
// a lot is found by its primary key even when the table's statistics predate the organisation's rows.
inline constexpr db::Statement kLot{
    "crm_lot",
    "SELECT owner_id::text, product_id::text, expires_on::text, on_hand, lot_number FROM crm.sample_lot t "
    "WHERE id = $2 AND org_id = (SELECT $1::uuid) AND deleted_at IS NULL"};
inline constexpr db::Statement kAdjustLot{
    "crm_adjust_lot",
    "UPDATE crm.sample_lot SET on_hand = on_hand + $3 WHERE id = $2 AND org_id = (SELECT $1::uuid) "
    "AND on_hand + $3 >= 0 "
    "AND deleted_at IS NULL RETURNING on_hand, owner_id::text"};
inline constexpr db::Statement kInsertSampleTxn{
    "crm_insert_sample_txn",
    "INSERT INTO crm.sample_txn (org_id, owner_id, lot_id, kind, quantity, call_id, reason, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"};
/// The physician's live account in this organisation, created for the rep when there is none ("first touch");
/// no row when it exists but belongs to someone the caller cannot see.
inline constexpr db::Statement kFirstTouchAccount{
    "crm_first_touch_account",
    "WITH made AS (INSERT INTO crm.account (org_id, owner_id, npi, created_by, updated_by) VALUES ($1, $2, $3, $4, $4) "
    " ON CONFLICT (org_id, npi) WHERE deleted_at IS NULL AND npi IS NOT NULL DO NOTHING RETURNING id) "
    "SELECT id::text FROM made UNION ALL SELECT t.id::text FROM crm.account t WHERE t.org_id = $1 AND t.npi = $3 "
    "AND t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM made) LIMIT 1"};
/// What a call's samples and spend need, in one round trip: the call's UTC date, the physician's licence state
/// and the organisation's sampling states. $1 org, $2 npi, $3 starts_at.
inline constexpr db::Statement kCallContext{
    "crm_call_context",
    "SELECT ($3::timestamptz AT TIME ZONE 'UTC')::date::text, crm.licence_state($2), "
    "(SELECT to_jsonb(sampling_states)::text FROM crm.crm_settings WHERE org_id = $1)"};
/// One sample line in one round trip: deduct from the rep's lot (same product, not expired on $6, enough on
/// hand), record the line and the ledger movement. Returns 1 when dropped, 0 when the lot refused (kLot says why).
/// $1 org, $2 lot, $3 rep, $4 product, $5 quantity, $6 call date, $7 call, $8 user.
inline constexpr db::Statement kDropSample{
    "crm_drop_sample",
    "WITH d AS (UPDATE crm.sample_lot SET on_hand = on_hand - $5 WHERE id = $2 AND org_id = (SELECT $1::uuid) "
    "  AND owner_id = $3 "
    "  AND product_id = $4 AND expires_on >= $6::date AND on_hand >= $5 AND deleted_at IS NULL RETURNING id), "
    " s AS (INSERT INTO crm.call_sample (org_id, owner_id, call_id, product_id, lot_id, quantity, created_by, "
    "  updated_by) SELECT $1, $3, $7, $4, d.id, $5, $8, $8 FROM d RETURNING 1), "
    " x AS (INSERT INTO crm.sample_txn (org_id, owner_id, lot_id, kind, quantity, call_id, created_by, updated_by) "
    "  SELECT $1, $3, d.id, 'dropped', $5, $7, $8, $8 FROM d RETURNING 1) "
    "SELECT count(*) FROM d"};
/// A spend item and its split per covered recipient (amount / attendee count each, with the recipient's state)
/// in one round trip. $1 org, $2 owner, $3 call, $4 kind, $5 nature, $6 form, $7 amount, $8 attendees,
/// $9 spent_on, $10 description, $11 user, $12 recipients bigint[].
inline constexpr db::Statement kInsertSpendSplit{
    "crm_insert_spend_split",
    "WITH i AS (INSERT INTO crm.spend_item (org_id, owner_id, call_id, kind, nature, form, amount, attendee_count, "
    "  spent_on, description, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) "
    "  RETURNING id), "
    " r AS (INSERT INTO crm.spend_recipient (org_id, owner_id, spend_item_id, npi, amount, state, created_by, "
    "  updated_by) SELECT $1, $2, i.id, n.npi, round($7::numeric / $8, 2), p.practice_state, $11, $11 "
    "  FROM i CROSS JOIN unnest($12::bigint[]) AS n(npi) LEFT JOIN ref.physician p ON p.npi = n.npi RETURNING 1) "
    "SELECT count(*) FROM r"};
/// A call's live samples and spend (with each recipient's share) as {"samples": [...], "spend": [...]}: the
/// before and after of an amendment. $1 org, $2 call.
inline constexpr db::Statement kCallChildren{
    "crm_call_children",
    "SELECT jsonb_build_object("
    " 'samples', coalesce((SELECT jsonb_agg(jsonb_build_object('product_id', s.product_id, 'lot_id', s.lot_id,"
    "  'quantity', s.quantity) ORDER BY s.created_at, s.id) FROM crm.call_sample s"
    "  WHERE s.org_id = $1 AND s.call_id = $2 AND s.deleted_at IS NULL), '[]'),"
    " 'spend', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', i.kind, 'nature', i.nature, 'form', i.form,"
    "  'amount', i.amount, 'attendee_count', i.attendee_count, 'spent_on', i.spent_on, 'description',"
    "  i.description, 'recipients', (SELECT coalesce(jsonb_agg(jsonb_build_object('npi', r.npi, 'amount', r.amount)"
    "  ORDER BY r.npi), '[]') FROM crm.spend_recipient r WHERE r.org_id = $1 AND r.spend_item_id = i.id"
    "  AND r.deleted_at IS NULL)) ORDER BY i.created_at, i.id) FROM crm.spend_item i"
    "  WHERE i.org_id = $1 AND i.call_id = $2 AND i.deleted_at IS NULL), '[]'))::text"};
/// Reverses a call's sample drops (amendment): the lines get a tombstone, the quantities go back to their lots and
/// the ledger gets a negative 'dropped' line per lot. $1 org, $2 call, $3 user → lines reversed.
inline constexpr db::Statement kReverseCallSamples{
    "crm_reverse_call_samples",
    "WITH old AS (UPDATE crm.call_sample s SET deleted_at = now() WHERE s.org_id = $1 AND s.call_id = $2"
    "  AND s.deleted_at IS NULL RETURNING s.lot_id, s.quantity, s.owner_id),"
    " per AS (SELECT lot_id, owner_id, sum(quantity)::int AS q FROM old GROUP BY lot_id, owner_id),"
    " lots AS (UPDATE crm.sample_lot l SET on_hand = l.on_hand + per.q FROM per WHERE l.org_id = $1"
    "  AND l.id = per.lot_id RETURNING l.id),"
    " led AS (INSERT INTO crm.sample_txn (org_id, owner_id, lot_id, kind, quantity, call_id, reason, created_by,"
    "  updated_by) SELECT $1, per.owner_id, per.lot_id, 'dropped', -per.q, $2,"
    "  'amendment of call ' || $2::text || ': drop reversed', $3, $3 FROM per RETURNING 1)"
    "SELECT (SELECT count(*) FROM old), (SELECT count(*) FROM lots), (SELECT count(*) FROM led)"};
/// Tombstones a call's spend items and their recipients (amendment). $1 org, $2 call.
inline constexpr db::Statement kReverseCallSpend{
    "crm_reverse_call_spend",
    "WITH i AS (UPDATE crm.spend_item SET deleted_at = now() WHERE org_id = $1 AND call_id = $2"
    "  AND deleted_at IS NULL RETURNING id),"
    " r AS (UPDATE crm.spend_recipient t SET deleted_at = now() FROM i WHERE t.org_id = $1 AND t.spend_item_id = i.id"
    "  AND t.deleted_at IS NULL RETURNING 1)"
    "SELECT (SELECT count(*) FROM i), (SELECT count(*) FROM r)"};
/// Bumps a call's version (an amendment that changed only its samples or spend).
inline constexpr db::Statement kTouchCall{
    "crm_touch_call", "UPDATE crm.call SET updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING version"};
/// The caller's due, unacknowledged task reminders, oldest first, keyset by (remind_at, id). $1 org, $2 user,
/// $3 after remind_at, $4 after id, $5 limit → json, remind_at (exact text), id.
inline constexpr db::Statement kReminders{
    "crm_task_reminders",
    "SELECT jsonb_build_object('task_id', t.id, 'title', t.title, 'priority', t.priority, 'status', t.status,"
    " 'due_at', t.due_at, 'remind_at', t.remind_at, 'reminder_due_at', t.reminder_due_at, 'version', t.version)"
    "::text, t.remind_at::text, t.id::text FROM crm.task t"
    " WHERE t.org_id = $1 AND t.owner_id = $2::uuid AND t.remind_at IS NOT NULL AND t.remind_at <= now()"
    " AND t.reminder_acknowledged_at IS NULL AND t.deleted_at IS NULL AND t.status IN ('open', 'in_progress')"
    " AND ($3::timestamptz IS NULL OR (t.remind_at, t.id) > ($3::timestamptz, $4::uuid))"
    " ORDER BY t.remind_at, t.id LIMIT $5"};
/// Acknowledges the caller's due reminder of task $2. → version, or no row (kReminderState says why).
inline constexpr db::Statement kAckReminder{
    "crm_ack_reminder",
    "UPDATE crm.task t SET reminder_acknowledged_at = now() WHERE t.org_id = $1 AND t.id = $2 AND t.owner_id = $3"
    " AND t.remind_at IS NOT NULL AND t.remind_at <= now() AND t.reminder_acknowledged_at IS NULL"
    " AND t.deleted_at IS NULL RETURNING t.version"};
/// A visible task's assignee and reminder state (why an acknowledgement was refused). $1 org, $2 task.
inline constexpr db::Statement kReminderState{
    "crm_reminder_state",
    "SELECT t.owner_id::text, t.remind_at IS NOT NULL AND t.remind_at <= now(), t.reminder_acknowledged_at IS NOT NULL"
    " FROM crm.task t WHERE t.org_id = $1 AND t.id = $2 AND t.deleted_at IS NULL AND "
    "(crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))"};
inline constexpr db::Statement kSubmitCall{
    "crm_submit_call",
    "UPDATE crm.call SET status = 'completed', locked = true, submitted_at = now(), signature_path = $3, "
    "signature_sha256 = $4 WHERE org_id = $1 AND id = $2 RETURNING version"};
inline constexpr db::Statement kCallSampleCount{
    "crm_call_sample_count",
    "SELECT count(*) FROM crm.call_sample WHERE org_id = $1 AND call_id = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kInsertAmendment{
    "crm_insert_amendment",
    "INSERT INTO crm.call_amendment (org_id, owner_id, call_id, reason, before, after, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $7) RETURNING id"};
inline constexpr db::Statement kAmendments{
    "crm_amendments",
    "SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'call_id', a.call_id, 'reason', a.reason, "
    "'before', a.before, 'after', a.after, 'created_at', a.created_at, 'created_by', a.created_by) "
    "ORDER BY a.created_at, a.id), '[]')::text FROM crm.call_amendment a WHERE a.org_id = $1 AND a.call_id = $2"};

// Change requests --------------------------------------------------------------------------------------------
inline constexpr db::Statement kDecideChangeRequest{
    "crm_decide_change_request",
    "UPDATE crm.change_request SET status = $3, decided_by = $4, decided_at = now(), decision_note = $5 "
    "WHERE org_id = $1 AND id = $2 RETURNING version"};
inline constexpr db::Statement kUpsertOverride{
    "crm_upsert_override",
    "WITH old AS (UPDATE crm.physician_override SET deleted_at = now() "
    "  WHERE org_id = $1 AND npi = $2 AND field = $3 AND deleted_at IS NULL RETURNING id) "
    "INSERT INTO crm.physician_override (org_id, npi, field, value, change_request_id, public_value, created_by, "
    "updated_by) SELECT $1, $2, $3, $4, $5, (SELECT to_jsonb(p) ->> $3 FROM ref.physician p WHERE p.npi = $2), "
    "$6, $6 FROM (SELECT count(*) FROM old) o"};
inline constexpr db::Statement kOverlay{"crm_overlay", "SELECT crm.physician_overlay($1)::text"};

// Imports ----------------------------------------------------------------------------------------------------
// The organisation as a sub-select, not a constant of the custom plan: see kById in sql.cpp (an import runs in one
// long transaction whose rows no ANALYZE sees, and a constant organisation unknown to the statistics makes the
// planner pick the (org_id, owner_id) index).
inline constexpr db::Statement kAnalyzeImportTarget{"crm_analyze_import_target",
                                                    "SELECT crm.analyze_import_target($1)"};
inline constexpr db::Statement kAccountByNpi{
    "crm_import_account_by_npi",
    "SELECT t.id::text, t.version, ((to_jsonb(t) - 'org_id' - 'import_id'))::text FROM crm.account t "
    "WHERE t.org_id = (SELECT $1::uuid) AND t.npi = $2 AND t.deleted_at IS NULL FOR UPDATE"};
inline constexpr db::Statement kPlanByKey{
    "crm_import_plan_by_key",
    "SELECT t.id::text, t.version, ((to_jsonb(t) - 'org_id' - 'import_id'))::text FROM crm.call_plan t "
    "WHERE t.org_id = (SELECT $1::uuid) AND t.owner_id = $2 AND t.npi = $3 AND t.cycle_start = $4::date AND t.channel "
    "= $5 "
    "AND t.deleted_at IS NULL FOR UPDATE"};
inline constexpr db::Statement kCallByKey{
    "crm_import_call_by_key",
    "SELECT t.id::text, t.version, ((to_jsonb(t) - 'org_id' - 'import_id'))::text FROM crm.call t "
    "WHERE t.org_id = (SELECT $1::uuid) AND t.owner_id = $2 AND t.npi = $3 AND t.starts_at = $4::timestamptz AND "
    "t.channel = $5 "
    "AND t.deleted_at IS NULL FOR UPDATE"};
inline constexpr db::Statement kUserByEmail{
    "crm_import_user_by_email",
    "SELECT u.id::text FROM crm.app_user u WHERE u.org_id = $1 AND u.email = lower($2) AND u.deleted_at IS NULL "
    "AND (crm.current_app_role() = 'admin' OR u.id IN (SELECT unnest(crm.visible_user_ids())))"};
inline constexpr db::Statement kInsertImport{
    "crm_insert_import",
    "INSERT INTO crm.import_job (org_id, id, owner_id, kind, status, rows_total, rows_created, rows_updated, "
    "created_by, updated_by) VALUES ($1, $2, $3, $4, 'applied', $5, $6, $7, $3, $3)"};
inline constexpr db::Statement kInsertJournal{
    "crm_insert_journal",
    "INSERT INTO crm.import_journal (org_id, import_id, entity, entity_id, before, after_version) "
    "VALUES ($1, $2, $3, $4, $5::jsonb, $6)"};
inline constexpr db::Statement kJournalBump{
    "crm_journal_bump",
    "UPDATE crm.import_journal SET after_version = $4 WHERE org_id = $1 AND import_id = $2 AND entity_id = $3"};
inline constexpr db::Statement kImportCounts{
    "crm_import_counts",
    "UPDATE crm.import_job SET rows_total = $3, rows_created = $4, rows_updated = $5 WHERE org_id = $1 AND id = $2"};
inline constexpr db::Statement kJournal{
    "crm_journal",
    "SELECT j.entity, j.entity_id::text, j.before::text, j.after_version FROM crm.import_journal j "
    "WHERE j.org_id = $1 AND j.import_id = $2 ORDER BY j.seq DESC"};
inline constexpr db::Statement kRevertedImport{
    "crm_reverted_import", "UPDATE crm.import_job SET status = 'reverted' WHERE org_id = $1 AND id = $2"};

}  // namespace rounds::crm::sql

namespace rounds::crm::sql::reports {

// Every report reads only rows the caller may see (kVisible on the row's owner): a rep their own, a manager
// their team's, an admin the organisation's. $1 is always the organisation.

/// Calls per rep per ISO week by channel and status. $2 from, $3 to (timestamptz, optional).
inline constexpr db::Statement kActivity{
    "crm_report_activity",
    "SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.week, x.rep, x.channel, x.status), '[]')::text FROM ("
    " SELECT t.owner_id, u.display_name AS rep,"
    "  to_char(date_trunc('week', t.starts_at AT TIME ZONE 'UTC'), 'IYYY-\"W\"IW') AS week, t.channel, t.status,"
    "  count(*) AS calls"
    " FROM crm.call t JOIN crm.app_user u ON u.org_id = t.org_id AND u.id = t.owner_id"
    " WHERE t.org_id = $1 AND t.deleted_at IS NULL AND (t.owner_id IS NULL OR crm.current_app_role() = 'admin' OR "
    "  t.owner_id IN (SELECT unnest(crm.visible_user_ids())))"
    "  AND ($2::timestamptz IS NULL OR t.starts_at >= $2::timestamptz)"
    "  AND ($3::timestamptz IS NULL OR t.starts_at < $3::timestamptz)"
    " GROUP BY 1, 2, 3, 4, 5) x"};

/// Share of target physicians (visible target accounts) with a completed visible call in [$2, $3), by tier.
inline constexpr db::Statement kCoverage{
    "crm_report_coverage",
    "WITH targets AS ("
    " SELECT coalesce(t.tier, '(none)') AS tier, t.npi FROM crm.account t"
    " WHERE t.org_id = $1 AND t.deleted_at IS NULL AND t.is_target AND t.npi IS NOT NULL"
    "  AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))),"
    " visited AS ("
    " SELECT DISTINCT c.npi FROM crm.call c WHERE c.org_id = $1 AND c.deleted_at IS NULL AND c.status = 'completed'"
    "  AND c.starts_at >= coalesce($2::timestamptz, now() - interval '90 days')"
    "  AND c.starts_at < coalesce($3::timestamptz, now())"
    "  AND (crm.current_app_role() = 'admin' OR c.owner_id IN (SELECT unnest(crm.visible_user_ids())))),"
    " by_tier AS ("
    " SELECT g.tier, count(*) AS targets, count(v.npi) AS visited,"
    "  round(100.0 * count(v.npi) / count(*), 1) AS coverage_pct"
    " FROM targets g LEFT JOIN visited v ON v.npi = g.npi GROUP BY g.tier)"
    "SELECT jsonb_build_object('from', coalesce($2::timestamptz, now() - interval '90 days'),"
    " 'to', coalesce($3::timestamptz, now()),"
    " 'tiers', coalesce((SELECT jsonb_agg(to_jsonb(b) ORDER BY b.tier) FROM by_tier b), '[]'),"
    " 'total', (SELECT jsonb_build_object('targets', coalesce(sum(targets), 0), 'visited', coalesce(sum(visited), 0),"
    "  'coverage_pct', round(100.0 * sum(visited) / nullif(sum(targets), 0), 1)) FROM by_tier))::text"};

/// Coverage by market decile ($4 market, $5 data year or NULL for the market's latest): the same targets and
/// visits as kCoverage, grouped by the physician's national decile in that market (mkt.market_metric, the markets
/// module); every decile 10..1 is listed (0 targets: coverage null), targets without a metric row as decile
/// null. No row when the market is not the organisation's.
inline constexpr db::Statement kCoverageByDecile{
    "crm_report_coverage_decile",
    "WITH mk AS (SELECT m.id FROM crm.market m WHERE m.org_id = $1 AND m.id = $4::uuid AND m.deleted_at IS NULL),"
    " yr AS (SELECT coalesce($5::smallint, (SELECT max(x.data_year) FROM mkt.market_metric x"
    "  WHERE x.org_id = $1 AND x.market_id = $4::uuid)) AS y),"
    " targets AS ("
    " SELECT DISTINCT ON (t.npi) t.npi, mm.decile_national AS decile FROM crm.account t"
    " LEFT JOIN mkt.market_metric mm ON mm.org_id = $1 AND mm.market_id = $4::uuid AND mm.npi = t.npi"
    "  AND mm.data_year = (SELECT y FROM yr)"
    " WHERE t.org_id = $1 AND t.deleted_at IS NULL AND t.is_target AND t.npi IS NOT NULL"
    "  AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))),"
    " visited AS ("
    " SELECT DISTINCT c.npi FROM crm.call c WHERE c.org_id = $1 AND c.deleted_at IS NULL AND c.status = 'completed'"
    "  AND c.starts_at >= coalesce($2::timestamptz, now() - interval '90 days')"
    "  AND c.starts_at < coalesce($3::timestamptz, now())"
    "  AND (crm.current_app_role() = 'admin' OR c.owner_id IN (SELECT unnest(crm.visible_user_ids())))),"
    " grid AS (SELECT d::smallint AS decile FROM generate_series(10, 1, -1) d"
    "  UNION ALL SELECT NULL WHERE EXISTS (SELECT 1 FROM targets WHERE decile IS NULL)),"
    " by_decile AS ("
    " SELECT g.decile, count(t.npi) AS targets, count(v.npi) AS visited,"
    "  round(100.0 * count(v.npi) / nullif(count(t.npi), 0), 1) AS coverage_pct"
    " FROM grid g LEFT JOIN targets t ON t.decile IS NOT DISTINCT FROM g.decile"
    " LEFT JOIN visited v ON v.npi = t.npi GROUP BY g.decile)"
    "SELECT jsonb_build_object('by', 'decile', 'market_id', (SELECT id FROM mk), 'data_year', (SELECT y FROM yr),"
    " 'from', coalesce($2::timestamptz, now() - interval '90 days'), 'to', coalesce($3::timestamptz, now()),"
    " 'deciles', coalesce((SELECT jsonb_agg(to_jsonb(b) ORDER BY b.decile DESC NULLS LAST) FROM by_decile b), '[]'),"
    " 'total', (SELECT jsonb_build_object('targets', coalesce(sum(targets), 0), 'visited', coalesce(sum(visited), 0),"
    "  'coverage_pct', round(100.0 * sum(visited) / nullif(sum(targets), 0), 1)) FROM by_decile))::text"
    " FROM mk"};

/// Pipeline by the organisation's stages: count, value, probability-weighted value, average days in the stage,
/// and conversion (share of the opportunities that ever reached the stage, from the stage history).
inline constexpr db::Statement kPipeline{
    "crm_report_pipeline",
    "WITH o AS (SELECT t.* FROM crm.opportunity t WHERE t.org_id = $1 AND t.deleted_at IS NULL"
    "  AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))),"
    " stages AS (SELECT s.ord, s.v ->> 'name' AS stage, (s.v ->> 'probability')::numeric AS probability"
    "  FROM crm.crm_settings cs, jsonb_array_elements(cs.opportunity_stages) WITH ORDINALITY AS s(v, ord)"
    "  WHERE cs.org_id = $1),"
    " current AS (SELECT stage, count(*) AS n, sum(amount) AS amount,"
    "  round(avg(extract(epoch FROM now() - stage_changed_at) / 86400)::numeric, 1) AS age FROM o GROUP BY stage),"
    " reached AS (SELECT h.to_stage AS stage, count(DISTINCT h.opportunity_id) AS n FROM crm.opportunity_stage h"
    "  JOIN o ON o.id = h.opportunity_id WHERE h.org_id = $1 GROUP BY 1),"
    " total AS (SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM o)"
    "SELECT jsonb_build_object('stages', coalesce((SELECT jsonb_agg(jsonb_build_object("
    "  'stage', s.stage, 'probability', s.probability, 'count', coalesce(c.n, 0), 'amount', coalesce(c.amount, 0),"
    "  'weighted_amount', round(coalesce(c.amount, 0) * s.probability / 100, 2), 'avg_days_in_stage', c.age,"
    "  'reached', coalesce(r.n, 0),"
    "  'conversion_pct', CASE WHEN total.n > 0 THEN round(100.0 * coalesce(r.n, 0) / total.n, 1) END) ORDER BY s.ord)"
    "  FROM stages s LEFT JOIN current c ON c.stage = s.stage LEFT JOIN reached r ON r.stage = s.stage"
    "  CROSS JOIN total), '[]'),"
    " 'total', (SELECT jsonb_build_object('count', n, 'amount', amount) FROM total))::text"};

/// Spend by rep and nature of payment in [$2, $3) (dates).
inline constexpr db::Statement kSpend{
    "crm_report_spend",
    "SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.rep, x.nature), '[]')::text FROM ("
    " SELECT t.owner_id, u.display_name AS rep, t.nature, count(*) AS items, sum(t.amount) AS amount,"
    "  sum(t.attendee_count) AS attendees"
    " FROM crm.spend_item t JOIN crm.app_user u ON u.org_id = t.org_id AND u.id = t.owner_id"
    " WHERE t.org_id = $1 AND t.deleted_at IS NULL"
    "  AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))"
    "  AND ($2::date IS NULL OR t.spent_on >= $2::date) AND ($3::date IS NULL OR t.spent_on < $3::date)"
    " GROUP BY 1, 2, 3) x"};

/// The organisation's own transfers of value per covered recipient in program year $2 (optionally one NPI $3),
/// with running totals and warnings (federal aggregate threshold, state caps) from the settings.
inline constexpr db::Statement kSunshine{
    "crm_report_sunshine",
    "WITH s AS (SELECT spend_caps, op_min_item, op_annual_threshold FROM crm.crm_settings WHERE org_id = $1),"
    " r AS (SELECT t.npi, t.amount, t.state, i.spent_on, i.nature, i.form, i.id AS item_id,"
    "  sum(t.amount) OVER (PARTITION BY t.npi ORDER BY i.spent_on, i.id) AS running_total"
    "  FROM crm.spend_recipient t JOIN crm.spend_item i ON i.org_id = t.org_id AND i.id = t.spend_item_id"
    "   AND i.deleted_at IS NULL"
    "  WHERE t.org_id = $1 AND t.deleted_at IS NULL"
    "   AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))"
    "   AND i.spent_on >= make_date($2::int, 1, 1) AND i.spent_on < make_date($2::int + 1, 1, 1)"
    "   AND ($3::bigint IS NULL OR t.npi = $3::bigint)),"
    " per AS (SELECT r.npi, max(r.state) AS state, sum(r.amount) AS total, count(*) AS transfers,"
    "  jsonb_agg(jsonb_build_object('date', r.spent_on, 'amount', r.amount, 'nature', r.nature, 'form', r.form,"
    "   'running_total', r.running_total, 'spend_item_id', r.item_id,"
    "   'reportable', r.amount >= s.op_min_item OR (SELECT sum(amount) FROM r r2 WHERE r2.npi = r.npi)"
    "    > s.op_annual_threshold) ORDER BY r.spent_on, r.item_id) AS items"
    "  FROM r CROSS JOIN s GROUP BY r.npi)"
    "SELECT jsonb_build_object('year', $2::int, 'op_min_item', s.op_min_item,"
    " 'op_annual_threshold', s.op_annual_threshold,"
    " 'physicians', coalesce(jsonb_agg(jsonb_build_object('npi', per.npi,"
    "  'name', concat_ws(' ', p.first_name, p.last_name), 'state', per.state, 'total', per.total,"
    "  'transfers', per.transfers, 'items', per.items,"
    "  'warnings', to_jsonb(array_remove(ARRAY["
    "   CASE WHEN per.total > s.op_annual_threshold THEN 'federal: the annual total ' || per.total ||"
    "    ' exceeds the Open Payments aggregate threshold ' || s.op_annual_threshold ||"
    "    ': every transfer to this physician is reportable' END,"
    "   CASE WHEN per.state IS NOT NULL AND s.spend_caps ? per.state"
    "    AND per.total > (s.spend_caps ->> per.state)::numeric THEN 'state: the annual total ' || per.total ||"
    "    ' exceeds the ' || per.state || ' cap of ' || (s.spend_caps ->> per.state) END], NULL)))"
    "  ORDER BY per.total DESC, per.npi) FILTER (WHERE per.npi IS NOT NULL), '[]'))::text"
    " FROM s LEFT JOIN per ON true LEFT JOIN ref.physician p ON p.npi = per.npi"
    " GROUP BY s.op_min_item, s.op_annual_threshold"};

/// Reportable transfers of program year $2 for the Open Payments general-payment file: one row per covered
/// recipient and spend item (the organisation's admins only).
inline constexpr db::Statement kSunshineRows{
    "crm_report_sunshine_rows",
    "WITH s AS (SELECT op_min_item, op_annual_threshold FROM crm.crm_settings WHERE org_id = $1),"
    " r AS (SELECT t.id, t.npi, t.amount, i.spent_on, i.nature, i.form, i.description,"
    "  sum(t.amount) OVER (PARTITION BY t.npi) AS year_total, i.call_id"
    "  FROM crm.spend_recipient t JOIN crm.spend_item i ON i.org_id = t.org_id AND i.id = t.spend_item_id"
    "   AND i.deleted_at IS NULL"
    "  WHERE t.org_id = $1 AND t.deleted_at IS NULL"
    "   AND i.spent_on >= make_date($2::int, 1, 1) AND i.spent_on < make_date($2::int + 1, 1, 1))"
    "SELECT r.id::text, r.npi::text, coalesce(p.first_name, ''), coalesce(p.middle_name, ''),"
    " coalesce(p.last_name, ''), coalesce(p.name_suffix, ''), coalesce(p.practice_line1, ''),"
    " coalesce(p.practice_line2, ''), coalesce(p.practice_city, ''), coalesce(p.practice_state, ''),"
    " coalesce(left(p.practice_postal_code, 5), ''), coalesce(tx.taxonomy_code, ''),"
    " coalesce(crm.licence_state(r.npi), ''), r.amount::text, to_char(r.spent_on, 'MM/DD/YYYY'), r.form, r.nature,"
    " coalesce(r.description, ''),"
    " coalesce((SELECT string_agg(pr.name, '; ') FROM crm.call c JOIN crm.product pr ON pr.org_id = c.org_id"
    "  AND pr.id = ANY (c.products) WHERE c.org_id = $1 AND c.id = r.call_id), '')"
    " FROM r CROSS JOIN s LEFT JOIN ref.physician p ON p.npi = r.npi"
    " LEFT JOIN LATERAL (SELECT taxonomy_code FROM ref.physician_taxonomy x WHERE x.npi = r.npi"
    "  ORDER BY x.is_primary DESC NULLS LAST, x.slot LIMIT 1) tx ON true"
    " WHERE r.amount >= s.op_min_item OR r.year_total > s.op_annual_threshold"
    " ORDER BY r.npi, r.spent_on, r.id"};

/// Call-plan attainment per rep and for the team: reach (targets with a completed call) and frequency (completed
/// calls, capped at plan, over planned), with the calls still scheduled. Plans of cycle $2 (or running today).
inline constexpr db::Statement kAttainment{
    "crm_report_attainment",
    "WITH p AS (SELECT t.* FROM crm.call_plan t WHERE t.org_id = $1 AND t.deleted_at IS NULL"
    "  AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))"
    "  AND (($2::date IS NOT NULL AND t.cycle_start = $2::date)"
    "   OR ($2::date IS NULL AND current_date BETWEEN t.cycle_start AND t.cycle_end))),"
    " c AS (SELECT p.id, count(k.id) FILTER (WHERE k.status = 'completed') AS done,"
    "  count(k.id) FILTER (WHERE k.status = 'planned') AS scheduled FROM p"
    "  LEFT JOIN crm.call k ON k.org_id = p.org_id AND k.owner_id = p.owner_id AND k.npi = p.npi"
    "   AND k.channel = p.channel AND k.deleted_at IS NULL AND k.starts_at >= p.cycle_start"
    "   AND k.starts_at < p.cycle_end + 1 GROUP BY p.id),"
    " per AS (SELECT p.owner_id, count(DISTINCT p.npi) AS targets,"
    "  count(DISTINCT p.npi) FILTER (WHERE c.done > 0) AS reached, sum(p.planned_calls) AS planned,"
    "  sum(least(c.done, p.planned_calls)) AS done_in_plan, sum(c.done) AS done, sum(c.scheduled) AS scheduled"
    "  FROM p JOIN c ON c.id = p.id GROUP BY p.owner_id)"
    "SELECT jsonb_build_object('cycle_start', $2::date,"
    " 'reps', coalesce((SELECT jsonb_agg(jsonb_build_object('owner_id', per.owner_id, 'rep', u.display_name,"
    "  'targets', per.targets, 'reached', per.reached,"
    "  'reach_pct', round(100.0 * per.reached / nullif(per.targets, 0), 1), 'planned', per.planned,"
    "  'done', per.done, 'scheduled', per.scheduled,"
    "  'frequency_pct', round(100.0 * per.done_in_plan / nullif(per.planned, 0), 1)) ORDER BY u.display_name)"
    "  FROM per JOIN crm.app_user u ON u.org_id = $1 AND u.id = per.owner_id), '[]'),"
    " 'team', (SELECT jsonb_build_object('targets', coalesce(sum(targets), 0), 'reached', coalesce(sum(reached), 0),"
    "  'planned', coalesce(sum(planned), 0), 'done', coalesce(sum(done), 0),"
    "  'scheduled', coalesce(sum(scheduled), 0),"
    "  'reach_pct', round(100.0 * sum(reached) / nullif(sum(targets), 0), 1),"
    "  'frequency_pct', round(100.0 * sum(done_in_plan) / nullif(sum(planned), 0), 1)) FROM per))::text"};

/// Per lot: received − dropped − returned (+ adjustments) = expected on hand, against the recorded on-hand and
/// the samples recorded on calls; any difference is flagged.
inline constexpr db::Statement kReconciliation{
    "crm_report_reconciliation",
    "SELECT coalesce(jsonb_agg(to_jsonb(y) ORDER BY y.rep, y.lot_number), '[]')::text FROM ("
    " SELECT x.*, x.received - x.dropped - x.returned + x.adjusted AS expected_on_hand,"
    "  (x.received - x.dropped - x.returned + x.adjusted) <> x.recorded_on_hand"
    "   OR x.dropped <> x.sampled_on_calls AS discrepancy FROM ("
    "  SELECT t.id AS lot_id, t.owner_id, u.display_name AS rep, t.lot_number, t.product_id, pr.name AS product,"
    "   t.expires_on, t.expires_on < current_date AS expired, t.on_hand AS recorded_on_hand,"
    "   coalesce(sum(m.quantity) FILTER (WHERE m.kind = 'received'), 0) AS received,"
    "   coalesce(sum(m.quantity) FILTER (WHERE m.kind = 'dropped'), 0) AS dropped,"
    "   coalesce(sum(m.quantity) FILTER (WHERE m.kind = 'returned'), 0) AS returned,"
    "   coalesce(sum(m.quantity) FILTER (WHERE m.kind = 'adjusted'), 0) AS adjusted,"
    "   (SELECT coalesce(sum(cs.quantity), 0) FROM crm.call_sample cs WHERE cs.org_id = t.org_id"
    "    AND cs.lot_id = t.id AND cs.deleted_at IS NULL) AS sampled_on_calls"
    "  FROM crm.sample_lot t JOIN crm.app_user u ON u.org_id = t.org_id AND u.id = t.owner_id"
    "  JOIN crm.product pr ON pr.org_id = t.org_id AND pr.id = t.product_id"
    "  LEFT JOIN crm.sample_txn m ON m.org_id = t.org_id AND m.lot_id = t.id AND m.deleted_at IS NULL"
    "  WHERE t.org_id = $1 AND t.deleted_at IS NULL"
    "   AND (crm.current_app_role() = 'admin' OR t.owner_id IN (SELECT unnest(crm.visible_user_ids())))"
    "  GROUP BY t.id, u.display_name, pr.name) x) y"};

}  // namespace rounds::crm::sql::reports
