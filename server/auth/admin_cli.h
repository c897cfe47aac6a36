#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "auth/password.h"
#include "auth/secret_box.h"
#include "db/sync_connection.h"

namespace rounds::auth {

/// `rounds admin ...`: organisation and user administration outside the API. These run as the owner role and
/// opt in to cross-organisation work per transaction (set_config('rounds.admin', 'on', true)); the policies
/// that honour it exist for the owner role only, so the server's role cannot use them.

/// Creates an organisation (or returns the existing one with that slug). Returns its id.
std::string CreateOrg(db::SyncConnection& conn, const std::string& name, const std::string& slug);

/// Creates an active user with a password (the first admin of an organisation). Throws core::Error(kInvalid)
/// naming the field for a bad e-mail, role, password (policy) or unknown organisation slug.
std::string CreateUser(db::SyncConnection& conn, const std::string& org_slug, const std::string& email,
                       const std::string& display_name, const std::string& role, const std::string& password,
                       const Argon2Params& argon2);

/// Creates or refreshes the demo organisations and their users (known passwords) and returns the table of
/// logins that `rounds admin seed-demo` prints.
std::string SeedDemo(db::SyncConnection& conn, const Argon2Params& argon2);

/// Seals every TOTP secret still stored in clear (from before secrets were encrypted at rest) with `box`, in
/// one transaction across all organisations. Returns how many values were sealed. Idempotent.
int EncryptTotpSecrets(db::SyncConnection& conn, const SecretBox& box);

}  // namespace rounds::auth
