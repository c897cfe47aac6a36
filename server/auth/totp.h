#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rounds::auth {

/// RFC 4648 base32 (upper case, no padding), the form authenticator apps take secrets in.
std::string Base32Encode(std::string_view bytes);
/// Accepts lower case, spaces and optional '=' padding; nullopt on anything else.
std::optional<std::string> Base32Decode(std::string_view text);

enum class OtpHash { kSha1, kSha256, kSha512 };

/// RFC 4226 HOTP value for `counter` (digits 6..8).
uint32_t Hotp(std::string_view key, uint64_t counter, int digits, OtpHash hash = OtpHash::kSha1);

/// RFC 6238 TOTP: HOTP over the time step floor((unix_seconds - t0) / step).
uint32_t Totp(std::string_view key, int64_t unix_seconds, int digits = 6, int step = 30, OtpHash hash = OtpHash::kSha1);

/// Checks a 6-digit code against the steps now-1, now, now+1 (clock drift of one step either way). Returns
/// the matching step, which the caller stores: a step not above `last_used_step` is refused, so a code
/// seen over someone's shoulder cannot be replayed.
std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  std::optional<int64_t> last_used_step);

/// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view base32_secret);

/// The QR code of `text` as a standalone SVG image (libqrencode, error correction M).
std::string QrSvg(std::string_view text);

}  // namespace rounds::auth
