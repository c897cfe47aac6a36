#include "auth/password.h"

#include <argon2.h>

#include <algorithm>
#include <array>
#include <vector>

#include "auth/crypto.h"
#include "core/error.h"

namespace rounds::auth {

namespace {
constexpr uint32_t kHashBytes = 32;
constexpr uint32_t kSaltBytes = 16;
constexpr size_t kMinLength = 12;
constexpr size_t kMaxLength = 128;  // bounds the work an attacker can make us do per attempt

// A short list of the most common passwords of 12+ characters (breach corpora); the length rule already
// excludes the shorter classics.
constexpr std::array<std::string_view, 20> kCommon = {
    "123456789012", "password1234", "qwertyuiopas", "111111111111", "1234567890123", "passwordpassword", "qwerty123456",
    "iloveyou1234", "123123123123", "abcdefghijkl", "password123!", "aaaaaaaaaaaa",  "000000000000",     "123456123456",
    "qwertyqwerty", "welcome12345", "letmein12345", "changeme1234", "administrator", "passw0rd1234"};

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}
}  // namespace

std::string HashPassword(std::string_view password, const Argon2Params& p) {
    std::string salt = RandomBytes(kSaltBytes);
    size_t len = argon2_encodedlen(p.time_cost, p.memory_kib, p.parallelism, kSaltBytes, kHashBytes, Argon2_id);
    std::vector<char> encoded(len);
    int rc = argon2id_hash_encoded(p.time_cost, p.memory_kib, p.parallelism, password.data(), password.size(),
                                   salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw core::Error(core::ErrorKind::kInternal, "password hashing failed", {}, argon2_error_message(rc));
    }
    return std::string(encoded.data());
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
    if (!encoded.starts_with("$argon2id$")) {
        return false;
    }
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool NeedsRehash(const std::string& encoded, const Argon2Params& p) {
    std::string want = "$argon2id$v=19$m=" + std::to_string(p.memory_kib) + ",t=" + std::to_string(p.time_cost) +
                       ",p=" + std::to_string(p.parallelism) + "$";
    return !encoded.starts_with(want);
}

std::optional<std::string> CheckPasswordPolicy(std::string_view password, std::string_view email) {
    // Length in code points, so non-ASCII passphrases are not penalised.
    size_t chars = 0;
    for (unsigned char c : password) {
        chars += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    if (chars < kMinLength) {
        return "must be at least " + std::to_string(kMinLength) + " characters";
    }
    if (password.size() > kMaxLength) {
        return "must be at most " + std::to_string(kMaxLength) + " bytes";
    }
    std::string lower = Lower(password);
    if (std::find(kCommon.begin(), kCommon.end(), lower) != kCommon.end()) {
        return "is a commonly used password";
    }
    if (std::all_of(lower.begin(), lower.end(), [&](char c) { return c == lower.front(); })) {
        return "must not be a single repeated character";
    }
    auto at = email.find('@');
    std::string local = Lower(email.substr(0, at));
    if (local.size() >= 4 && lower.find(local) != std::string::npos) {
        return "must not contain the account's e-mail name";
    }
    return std::nullopt;
}

}  // namespace rounds::auth
