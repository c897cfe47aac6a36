#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rounds::auth {

/// Authenticated encryption of secrets kept in the database (OIDC client secrets, TOTP secrets) with one
/// AES-256-GCM key held outside the database (a key file like the JWT key). A sealed value is
/// "v1:" + base64url(12-byte nonce || ciphertext || 16-byte tag). The associated data binds a value to its
/// place (e.g. "totp:<user id>"), so a ciphertext copied into another row or column does not open.
class SecretBox {
  public:
    /// From 32 raw key bytes. Throws core::Error(kInvalid) for another length.
    static SecretBox FromKey(std::string key);
    /// Reads the key file (32 raw bytes), or creates it once (mode 0600, exclusive create).
    static SecretBox LoadOrCreate(const std::string& path);
    /// A fresh random key (tests).
    static SecretBox Generate();

    std::string Seal(std::string_view plaintext, std::string_view associated_data) const;
    /// The plaintext, or nullopt when the value is not sealed with this key and associated data (or was
    /// tampered with).
    std::optional<std::string> Open(std::string_view sealed, std::string_view associated_data) const;
    /// True when `value` has the sealed format (used to tell legacy plaintext values apart).
    static bool IsSealed(std::string_view value);

  private:
    explicit SecretBox(std::string key) : key_(std::move(key)) {}
    std::string key_;
};

}  // namespace rounds::auth
