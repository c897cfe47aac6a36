#pragma once

#include <string>

#include "auth/service.h"
#include "core/config.h"

namespace rounds::app {

/// The identity module's settings from the configuration (wiring is the only reader of core::Config).
auth::AuthSettings AuthSettingsFrom(const core::Config& config);
/// The access-token key: --jwt-key-file, or <storage-dir>/keys/jwt-ed25519.pem created on first use.
std::string JwtKeyPath(const core::Config& config);
/// The secrets key: --secrets-key-file, or <storage-dir>/keys/secrets-aes256.key created on first use.
std::string SecretsKeyPath(const core::Config& config);

/// `rounds admin create-org|create-user|seed-demo`; each returns the exit code.
int RunAdminCreateOrg(const core::Config& config, const std::string& name, const std::string& slug);
int RunAdminCreateUser(const core::Config& config, const std::string& org, const std::string& email,
                       const std::string& name, const std::string& role, std::string password, bool password_stdin);
int RunAdminSeedDemo(const core::Config& config, const std::string& logins_file);
/// `rounds admin encrypt-secrets`: seals legacy clear-text TOTP secrets with the secrets key (the one-off
/// migration after upgrading; the server also seals each at the user's next MFA sign-in).
int RunAdminEncryptSecrets(const core::Config& config);
/// `rounds bench auth`: Argon2id sign-ins per second per core with the configured parameters, token
/// signing/verification rates, and the cost of row-level security on a user-list query.
int RunAuthBench(const core::Config& config, int users);

}  // namespace rounds::app
