#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rounds::auth {

/// Argon2id cost. The defaults are OWASP's second recommended setting (19 MiB, 2 passes, 1 lane): about
/// 25-35 ms per hash on one core of this class of machine, see docs/security.md for the reasoning.
struct Argon2Params {
    uint32_t memory_kib = 19 * 1024;
    uint32_t time_cost = 2;
    uint32_t parallelism = 1;
};

/// The PHC-format Argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash) of `password` with a fresh
/// 16-byte salt. CPU-heavy: call it on the CPU pool, never on an I/O thread.
std::string HashPassword(std::string_view password, const Argon2Params& params);

/// Verifies against a stored PHC string (whatever parameters it was made with). False for malformed hashes.
bool VerifyPassword(std::string_view password, const std::string& encoded);

/// Whether a stored hash was made with other parameters than `params` (then it is re-hashed at login).
bool NeedsRehash(const std::string& encoded, const Argon2Params& params);

/// The password policy (NIST SP 800-63B style: length, not a known-common password, not the e-mail; no
/// composition rules). Returns what is wrong, or nullopt when acceptable.
std::optional<std::string> CheckPasswordPolicy(std::string_view password, std::string_view email);

}  // namespace rounds::auth
