#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rounds::ingest {

/// NPI check digit: Luhn over the 9-digit base prefixed with the card issuer id 80840 (CMS NPI standard).
bool IsValidNpi(std::string_view npi);

/// Parses MM/DD/YYYY (NPPES, Open Payments), M/D/YYYY or YYYY-MM-DD into days since 2000-01-01 (the
/// PostgreSQL date epoch). Rejects impossible dates (02/30/2020) and years outside 1850..2200.
std::optional<int32_t> ParseDate(std::string_view text);

/// Formats days since 2000-01-01 as YYYY-MM-DD (tests and messages).
std::string FormatDate(int32_t days);

/// Integer with optional thousands separators ("1,234"); a decimal point with zeros only ("12.0") is accepted.
std::optional<int64_t> ParseInt(std::string_view text);

/// Decimal number ("5994.01", "-3", "1.5E+3").
std::optional<double> ParseDouble(std::string_view text);

/// Money in US dollars to integer cents, exactly (no binary rounding): "5994.01" -> 599401, "$1,200" -> 120000.
std::optional<int64_t> ParseCents(std::string_view text);

/// Y/N style flags: Y, Yes, T, True, 1 -> true; N, No, F, False, 0 -> false; anything else -> nullopt.
std::optional<bool> ParseFlag(std::string_view text);

/// USPS state or territory code (50 states, DC, PR, VI, GU, AS, MP, armed forces AA/AE/AP, FM, MH, PW).
bool IsStateCode(std::string_view text);

/// Markers CMS uses for "not available" or suppressed values: "", "*", "#", "Not Available", "N/A",
/// "<UNAVAIL>", "Not Applicable", "NA". Such values are stored as NULL, never as zero.
bool IsNullMarker(std::string_view text);

/// Digits of a ZIP / postal code, left-padded where a spreadsheet dropped leading zeros (8 digits -> 9,
/// fewer than 5 -> 5). Returns nullopt when the text holds anything but digits and one hyphen.
std::optional<std::string> NormalizeZip(std::string_view text);

}  // namespace rounds::ingest
