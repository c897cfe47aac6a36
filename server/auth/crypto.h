#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rounds::auth {

/// Base64url without padding (RFC 4648 §5), as JWTs use it.
std::string Base64UrlEncode(std::string_view bytes);
/// Refuses padding, whitespace and characters outside the url-safe alphabet.
std::optional<std::string> Base64UrlDecode(std::string_view text);

/// `n` bytes from the operating system's CSPRNG (OpenSSL RAND_bytes). Throws core::Error(kInternal) on failure.
std::string RandomBytes(size_t n);
/// A bearer secret (refresh token, challenge, invitation): 32 random bytes, base64url.
std::string NewOpaqueToken();
/// A random version-4 UUID, canonical lowercase.
std::string NewUuid();

/// How opaque tokens are stored: SHA-256 hex. They are 256-bit random, so a fast hash is enough.
std::string TokenHash(std::string_view token);

/// Constant-time comparison of equal-length secrets (false when the lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace rounds::auth
