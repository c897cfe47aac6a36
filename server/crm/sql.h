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
inline constexpr db::Statement kRestrictions{"crm_restrictions",
                                             "SELECT kind, product_id::text, coalesce(reason, '') FROM crm.restriction "
                                             "WHERE org_id = $1 AND npi = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kAccountNoSee{
    "crm_account_no_see",
    "SELECT 1 FROM crm.account WHERE org_id = $1 AND npi = $2 AND no_see AND deleted_at IS NULL LIMIT 1"};
inline constexpr db::Statement kProducts{"crm_products",
                                         "SELECT id::text, name, active, sampleable FROM crm.product "
                                         "WHERE org_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL"};
inline constexpr db::Statement kLicenceState{"crm_licence_state", "SELECT crm.licence_state($1)"};
inline constexpr db::Statement kPracticeStates{
    "crm_practice_states", "SELECT npi::text, practice_state FROM ref.physician WHERE npi = ANY($1::bigint[])"};
/// Deducts a drop from a lot of the call's rep: same product, not expired on the call's date, enough on hand.
/// $1 org, $2 lot, $3 rep, $4 product, $5 quantity, $6 call date → on_hand after, or no row (then kLot says why).
inline constexpr db::Statement kDeductLot{
    "crm_deduct_lot",
    "UPDATE crm.sample_lot SET on_hand = on_hand - $5 WHERE org_id = $1 AND id = $2 AND owner_id = $3 "
    "AND product_id = $4 AND expires_on >= $6::date AND on_hand >= $5 AND deleted_at IS NULL RETURNING on_hand"};
inline constexpr db::Statement kLot{
    "crm_lot",
    "SELECT owner_id::text, product_id::text, expires_on::text, on_hand, lot_number FROM crm.sample_lot t "
    "WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kAdjustLot{
    "crm_adjust_lot",
    "UPDATE crm.sample_lot SET on_hand = on_hand + $3 WHERE org_id = $1 AND id = $2 AND on_hand + $3 >= 0 "
    "AND deleted_at IS NULL RETURNING on_hand, owner_id::text"};
inline constexpr db::Statement kInsertSample{
    "crm_insert_sample",
    "INSERT INTO crm.call_sample (org_id, owner_id, call_id, product_id, lot_id, quantity, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"};
inline constexpr db::Statement kInsertSampleTxn{
    "crm_insert_sample_txn",
    "INSERT INTO crm.sample_txn (org_id, owner_id, lot_id, kind, quantity, call_id, reason, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"};
inline constexpr db::Statement kInsertSpend{
    "crm_insert_spend",
    "INSERT INTO crm.spend_item (org_id, owner_id, call_id, kind, nature, form, amount, attendee_count, spent_on, "
    "description, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"};
inline constexpr db::Statement kInsertRecipient{
    "crm_insert_recipient",
    "INSERT INTO crm.spend_recipient (org_id, owner_id, spend_item_id, npi, amount, state, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, round($5::numeric / $6, 2), $7, $8, $8)"};
inline constexpr db::Statement kCallDate{"crm_call_date", "SELECT ($1::timestamptz AT TIME ZONE 'UTC')::date::text"};
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

}  // namespace rounds::crm::sql
