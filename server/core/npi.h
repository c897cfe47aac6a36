#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rounds::core {

/// Whether `text` is a well-formed NPI: exactly ten digits whose last is the Luhn check digit computed over
/// the card-issuer prefix 80840 followed by the first nine digits (the CMS NPI standard).
bool IsValidNpi(std::string_view text);

/// The NPI as a number when valid.
std::optional<int64_t> ParseNpi(std::string_view text);

/// The check digit for a nine-digit NPI stem (used by generators and tests).
int NpiCheckDigit(std::string_view first_nine);
/// The same for a stem given as a number (0 to 999,999,999): the generator's hot path.
int NpiCheckDigit(uint64_t first_nine);

}  // namespace rounds::core
