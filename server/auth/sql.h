#pragma once

#include "db/pool.h"

/// Every SQL statement of the identity module, in one place. Tenant statements also filter by org_id ($1)
/// even though row-level security would hide other organisations anyway: the two locks are independent.
namespace rounds::auth::sql {

// Pre-authentication lookups: each exposes exactly one row through a narrow policy (0021_identity.sql).
inline constexpr db::Statement kSetLoginEmail{"auth_set_login_email",
                                              "SELECT set_config('rounds.login_email', $1, true)"};
inline constexpr db::Statement kSetTokenHash{"auth_set_token_hash", "SELECT set_config('rounds.token_hash', $1, true)"};

inline constexpr db::Statement kUserByEmail{
    "auth_user_by_email",
    "SELECT u.id, u.org_id, u.role, u.status, u.password_hash, u.mfa_enabled, u.email "
    "FROM crm.app_user u WHERE u.email = $1 AND u.deleted_at IS NULL"};
inline constexpr db::Statement kOrgMfaRequired{"auth_org_mfa_required",
                                               "SELECT mfa_required, name FROM crm.org WHERE id = $1"};

// Throttle (ops schema, no tenant data). $1 keys, $2 window seconds, $3 threshold, $4 lock seconds.
inline constexpr db::Statement kThrottleLocked{
    "auth_throttle_locked",
    "SELECT key, ceil(extract(epoch FROM locked_until - now()))::int FROM ops.login_throttle "
    "WHERE key = ANY($1::text[]) AND locked_until > now() ORDER BY 2 DESC LIMIT 1"};
inline constexpr db::Statement kThrottleFail{
    "auth_throttle_fail",
    "INSERT INTO ops.login_throttle AS t (key, failures, window_start) VALUES ($1, 1, now()) "
    "ON CONFLICT (key) DO UPDATE SET "
    "  failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END, "
    "  window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() "
    "                 ELSE t.window_start END "
    "RETURNING failures"};
inline constexpr db::Statement kThrottleLock{
    "auth_throttle_lock",
    "UPDATE ops.login_throttle SET locked_until = now() + make_interval(secs => $2), failures = 0, "
    "window_start = now() WHERE key = $1"};
inline constexpr db::Statement kThrottleClear{"auth_throttle_clear", "DELETE FROM ops.login_throttle WHERE key = $1"};

// Tenant statements ($1 is always the caller's org).
inline constexpr db::Statement kUserById{
    "auth_user_by_id",
    "SELECT u.id, u.org_id, u.email, u.display_name, u.role, u.manager_id, u.status, u.mfa_enabled, "
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.version, u.client_id, "
    "u.mfa_secret, u.mfa_pending_secret, u.mfa_last_step, u.password_hash "
    "FROM crm.app_user u WHERE u.org_id = $1 AND u.id = $2 AND u.deleted_at IS NULL"};
inline constexpr db::Statement kUserStatus{
    "auth_user_status", "SELECT status, role FROM crm.app_user WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kRehash{"auth_rehash",
                                       "UPDATE crm.app_user SET password_hash = $3 WHERE org_id = $1 AND id = $2"};
inline constexpr db::Statement kTouchLogin{
    "auth_touch_login", "UPDATE crm.app_user SET last_login_at = now() WHERE org_id = $1 AND id = $2"};

inline constexpr db::Statement kInsertRefresh{
    "auth_insert_refresh",
    "INSERT INTO crm.refresh_token (org_id, user_id, family_id, token_hash, expires_at, ip, user_agent) "
    "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, $7)"};
inline constexpr db::Statement kRefreshByHash{
    "auth_refresh_by_hash",
    "SELECT id, org_id, user_id, family_id, used_at IS NOT NULL, revoked_at IS NOT NULL, expires_at <= now() "
    "FROM crm.refresh_token WHERE token_hash = $1"};
inline constexpr db::Statement kMarkRefreshUsed{
    "auth_mark_refresh_used",
    "UPDATE crm.refresh_token SET used_at = now() WHERE org_id = $1 AND id = $2 AND used_at IS NULL "
    "AND revoked_at IS NULL RETURNING id"};
inline constexpr db::Statement kRevokeFamily{"auth_revoke_family",
                                             "UPDATE crm.refresh_token SET revoked_at = now(), revoked_reason = $3 "
                                             "WHERE org_id = $1 AND family_id = $2 AND revoked_at IS NULL"};
inline constexpr db::Statement kRevokeUser{"auth_revoke_user",
                                           "UPDATE crm.refresh_token SET revoked_at = now(), revoked_reason = $3 "
                                           "WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL"};

// MFA.
inline constexpr db::Statement kInsertChallenge{
    "auth_insert_challenge",
    "INSERT INTO crm.mfa_challenge (org_id, user_id, token_hash, enrol, expires_at) "
    "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))"};
inline constexpr db::Statement kChallengeByHash{
    "auth_challenge_by_hash",
    "SELECT id, org_id, user_id, enrol, attempts, used_at IS NOT NULL OR expires_at <= now() "
    "FROM crm.mfa_challenge WHERE token_hash = $1"};
inline constexpr db::Statement kChallengeAttempt{
    "auth_challenge_attempt", "UPDATE crm.mfa_challenge SET attempts = attempts + 1 WHERE org_id = $1 AND id = $2"};
inline constexpr db::Statement kChallengeUsed{
    "auth_challenge_used", "UPDATE crm.mfa_challenge SET used_at = now() WHERE org_id = $1 AND id = $2"};
inline constexpr db::Statement kSetPendingSecret{
    "auth_set_pending_secret", "UPDATE crm.app_user SET mfa_pending_secret = $3 WHERE org_id = $1 AND id = $2"};
inline constexpr db::Statement kSealTotpSecret{
    "auth_seal_totp_secret",
    "UPDATE crm.app_user SET mfa_secret = $3 WHERE org_id = $1 AND id = $2 AND mfa_secret = $4"};
inline constexpr db::Statement kEnableMfa{
    "auth_enable_mfa",
    "UPDATE crm.app_user SET mfa_enabled = true, mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, "
    "mfa_last_step = $3 WHERE org_id = $1 AND id = $2 AND mfa_pending_secret IS NOT NULL"};
inline constexpr db::Statement kSetLastStep{"auth_set_last_step",
                                            "UPDATE crm.app_user SET mfa_last_step = $3 WHERE org_id = $1 AND id = $2 "
                                            "AND (mfa_last_step IS NULL OR mfa_last_step < $3) RETURNING id"};
inline constexpr db::Statement kDisableMfa{
    "auth_disable_mfa",
    "UPDATE crm.app_user SET mfa_enabled = false, mfa_secret = NULL, mfa_pending_secret = NULL, "
    "mfa_last_step = NULL WHERE org_id = $1 AND id = $2"};
inline constexpr db::Statement kDeleteRecoveryCodes{
    "auth_delete_recovery", "DELETE FROM crm.mfa_recovery_code WHERE org_id = $1 AND user_id = $2"};
inline constexpr db::Statement kInsertRecoveryCode{
    "auth_insert_recovery", "INSERT INTO crm.mfa_recovery_code (org_id, user_id, code_hash) VALUES ($1, $2, $3)"};
inline constexpr db::Statement kUseRecoveryCode{
    "auth_use_recovery",
    "UPDATE crm.mfa_recovery_code SET used_at = now() WHERE org_id = $1 AND user_id = $2 AND code_hash = $3 "
    "AND used_at IS NULL RETURNING code_hash"};

// Invitations.
inline constexpr db::Statement kUserByInvite{
    "auth_user_by_invite",
    "SELECT id, org_id, role, email, invite_expires_at <= now() FROM crm.app_user "
    "WHERE invite_hash = $1 AND status = 'invited' AND deleted_at IS NULL"};
inline constexpr db::Statement kAcceptInvite{
    "auth_accept_invite",
    "UPDATE crm.app_user SET password_hash = $3, password_changed_at = now(), status = 'active', "
    "invite_hash = NULL, invite_expires_at = NULL WHERE org_id = $1 AND id = $2 AND status = 'invited'"};

// Administration of users ($1 org).
// Keyset pagination on (created_at, id); $2/$3 the cursor (NULL for the first page), $4 limit + 1,
// $5 role filter, $6 status filter.
inline constexpr db::Statement kListUsers{
    "auth_list_users",
    "SELECT u.id, u.email, u.display_name, u.role, u.manager_id, u.status, u.mfa_enabled, "
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.version, u.client_id, "
    "to_char(u.last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.created_at::text "
    "FROM crm.app_user u WHERE u.org_id = $1 AND u.deleted_at IS NULL "
    "AND ($2::timestamptz IS NULL OR (u.created_at, u.id) > ($2::timestamptz, $3::uuid)) "
    "AND ($5::text IS NULL OR u.role = $5) AND ($6::text IS NULL OR u.status = $6) "
    "ORDER BY u.created_at, u.id LIMIT $4"};
inline constexpr db::Statement kGetUser{
    "auth_get_user",
    "SELECT u.id, u.email, u.display_name, u.role, u.manager_id, u.status, u.mfa_enabled, "
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.version, u.client_id, "
    "to_char(u.last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.created_at::text "
    "FROM crm.app_user u WHERE u.org_id = $1 AND u.id = $2 AND u.deleted_at IS NULL"};
inline constexpr db::Statement kTeam{
    "auth_team",
    "SELECT u.id, u.email, u.display_name, u.role, u.manager_id, u.status, u.mfa_enabled, "
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.version, u.client_id, "
    "to_char(u.last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), u.created_at::text "
    "FROM crm.app_user u WHERE u.org_id = $1 AND u.deleted_at IS NULL "
    "AND u.id IN (SELECT unnest(crm.visible_user_ids())) ORDER BY u.display_name, u.id"};
inline constexpr db::Statement kUserByClientId{"auth_user_by_client_id",
                                               "SELECT id FROM crm.app_user WHERE org_id = $1 AND client_id = $2"};
inline constexpr db::Statement kInsertUser{
    "auth_insert_user",
    "INSERT INTO crm.app_user (org_id, email, display_name, role, manager_id, status, invite_hash, "
    "invite_expires_at, client_id, created_by, updated_by) "
    "VALUES ($1, $2, $3, $4, $5::uuid, 'invited', $6, now() + make_interval(secs => $7), $8, $9, $9) "
    "ON CONFLICT (org_id, client_id) DO NOTHING RETURNING id"};
inline constexpr db::Statement kUpdateUser{
    "auth_update_user",
    "UPDATE crm.app_user SET display_name = $3, role = $4, manager_id = $5::uuid, status = $6 "
    "WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING version"};
inline constexpr db::Statement kReissueInvite{
    "auth_reissue_invite",
    "UPDATE crm.app_user SET invite_hash = $3, invite_expires_at = now() + make_interval(secs => $4) "
    "WHERE org_id = $1 AND id = $2 AND status = 'invited'"};

// Organisation settings.
inline constexpr db::Statement kGetOrg{"auth_get_org",
                                       "SELECT id, name, slug, mfa_required, version FROM crm.org WHERE id = $1"};
inline constexpr db::Statement kUpdateOrg{
    "auth_update_org",
    "UPDATE crm.org SET name = $2, mfa_required = $3, version = version + 1, updated_at = now() "
    "WHERE id = $1 RETURNING version"};

// Audit.
inline constexpr db::Statement kInsertAudit{
    "auth_insert_audit",
    "INSERT INTO crm.audit_log (org_id, actor_id, actor_email, action, outcome, target_type, target_id, before, "
    "after, detail, ip, user_agent, request_id) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13)"};
// Newest first; keyset on (at, id) descending. $2/$3 cursor, $4 limit+1, filters $5 action (prefix),
// $6 actor, $7 outcome, $8 since, $9 until, $10 target id.
inline constexpr db::Statement kListAudit{
    "auth_list_audit",
    "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), actor_id, actor_email, action, "
    "outcome, target_type, target_id, before::text, after::text, detail, ip, user_agent, request_id, at::text "
    "FROM crm.audit_log WHERE org_id = $1 "
    "AND ($2::timestamptz IS NULL OR (at, id) < ($2::timestamptz, $3::bigint)) "
    "AND ($5::text IS NULL OR action LIKE $5 || '%') AND ($6::uuid IS NULL OR actor_id = $6::uuid) "
    "AND ($7::text IS NULL OR outcome = $7) AND ($8::timestamptz IS NULL OR at >= $8::timestamptz) "
    "AND ($9::timestamptz IS NULL OR at < $9::timestamptz) AND ($10::text IS NULL OR target_id = $10) "
    "ORDER BY at DESC, id DESC LIMIT $4"};

// Single sign-on (0025_sso.sql). Pre-authentication: the organisation by slug (narrow policy on
// rounds.org_slug), states and hand-off codes by hash (rounds.token_hash). The rest in the org's scope.
inline constexpr db::Statement kSetOrgSlug{"sso_set_org_slug", "SELECT set_config('rounds.org_slug', $1, true)"};
inline constexpr db::Statement kOrgBySlug{"sso_org_by_slug", "SELECT id FROM crm.org WHERE slug = $1"};
inline constexpr db::Statement kSsoConnection{
    "sso_connection",
    "SELECT enabled, issuer, oidc_client_id, client_secret_enc, scopes, idp_metadata, idp_entity_id, provisioning, "
    "default_role, allowed_domains, version, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), id "
    "FROM crm.sso_connection WHERE org_id = $1 AND protocol = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kUpsertOidc{
    "sso_upsert_oidc",
    "INSERT INTO crm.sso_connection AS c (org_id, protocol, enabled, issuer, oidc_client_id, client_secret_enc, "
    "scopes, provisioning, default_role, allowed_domains, created_by, updated_by) "
    "VALUES ($1, 'oidc', $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $10) "
    "ON CONFLICT (org_id, protocol) DO UPDATE SET enabled = $2, issuer = $3, oidc_client_id = $4, "
    "client_secret_enc = coalesce($5, c.client_secret_enc), scopes = $6, provisioning = $7, default_role = $8, "
    "allowed_domains = $9::text[], deleted_at = NULL RETURNING version"};
inline constexpr db::Statement kUpsertSaml{
    "sso_upsert_saml",
    "INSERT INTO crm.sso_connection AS c (org_id, protocol, enabled, idp_metadata, idp_entity_id, provisioning, "
    "default_role, allowed_domains, created_by, updated_by) "
    "VALUES ($1, 'saml', $2, $3, $4, $5, $6, $7::text[], $8, $8) "
    "ON CONFLICT (org_id, protocol) DO UPDATE SET enabled = $2, idp_metadata = $3, idp_entity_id = $4, "
    "provisioning = $5, default_role = $6, allowed_domains = $7::text[], deleted_at = NULL RETURNING version"};
inline constexpr db::Statement kDeleteConnection{
    "sso_delete_connection",
    "UPDATE crm.sso_connection SET deleted_at = now() WHERE org_id = $1 AND protocol = $2 AND deleted_at IS NULL "
    "RETURNING id"};
inline constexpr db::Statement kPurgeStates{
    "sso_purge_states", "DELETE FROM crm.sso_login_state WHERE org_id = $1 AND expires_at < now() - interval '1 hour'"};
inline constexpr db::Statement kInsertState{
    "sso_insert_state",
    "INSERT INTO crm.sso_login_state (org_id, protocol, state_hash, nonce, code_verifier, request_id, return_to, "
    "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))"};
inline constexpr db::Statement kStateByHash{
    "sso_state_by_hash",
    "SELECT id, org_id, protocol, nonce, code_verifier, request_id, return_to, used_at IS NOT NULL, "
    "expires_at <= now() FROM crm.sso_login_state WHERE state_hash = $1"};
inline constexpr db::Statement kUseState{
    "sso_use_state",
    "UPDATE crm.sso_login_state SET used_at = now() WHERE org_id = $1 AND id = $2 AND used_at IS NULL RETURNING id"};
inline constexpr db::Statement kIdentityBySubject{
    "sso_identity_by_subject",
    "SELECT user_id FROM crm.sso_identity WHERE org_id = $1 AND issuer = $2 AND subject = $3"};
inline constexpr db::Statement kIdentityOfUser{
    "sso_identity_of_user", "SELECT subject FROM crm.sso_identity WHERE org_id = $1 AND user_id = $2 AND issuer = $3"};
inline constexpr db::Statement kUpsertIdentity{
    "sso_upsert_identity",
    "INSERT INTO crm.sso_identity (org_id, user_id, protocol, issuer, subject, last_login_at) "
    "VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (org_id, issuer, subject) "
    "DO UPDATE SET last_login_at = now() WHERE crm.sso_identity.user_id = $2 RETURNING user_id"};
inline constexpr db::Statement kSsoUserById{
    "sso_user_by_id",
    "SELECT id, email, role, status FROM crm.app_user WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kSsoUserByEmail{
    "sso_user_by_email",
    "SELECT id, email, role, status FROM crm.app_user WHERE org_id = $1 AND email = $2 AND deleted_at IS NULL"};
inline constexpr db::Statement kSsoActivateInvited{
    "sso_activate_invited",
    "UPDATE crm.app_user SET status = 'active', invite_hash = NULL, invite_expires_at = NULL "
    "WHERE org_id = $1 AND id = $2 AND status = 'invited'"};
inline constexpr db::Statement kSsoProvisionUser{
    "sso_provision_user",
    "INSERT INTO crm.app_user (org_id, email, display_name, role, status) VALUES ($1, $2, $3, $4, 'active') "
    "ON CONFLICT DO NOTHING RETURNING id"};
inline constexpr db::Statement kInsertHandoff{
    "sso_insert_handoff",
    "INSERT INTO crm.sso_handoff (org_id, user_id, code_hash, protocol, expires_at) "
    "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))"};
inline constexpr db::Statement kHandoffByHash{
    "sso_handoff_by_hash",
    "SELECT id, org_id, user_id, used_at IS NOT NULL OR expires_at <= now() FROM crm.sso_handoff "
    "WHERE code_hash = $1"};
inline constexpr db::Statement kUseHandoff{
    "sso_use_handoff",
    "UPDATE crm.sso_handoff SET used_at = now() WHERE org_id = $1 AND id = $2 AND used_at IS NULL RETURNING id"};
inline constexpr db::Statement kSeeAssertion{
    "sso_see_assertion",
    "INSERT INTO crm.saml_assertion_seen (org_id, assertion_id, expires_at) VALUES ($1, $2, to_timestamp($3)) "
    "ON CONFLICT DO NOTHING RETURNING assertion_id"};
inline constexpr db::Statement kPurgeAssertions{
    "sso_purge_assertions", "DELETE FROM crm.saml_assertion_seen WHERE org_id = $1 AND expires_at < now()"};

}  // namespace rounds::auth::sql
