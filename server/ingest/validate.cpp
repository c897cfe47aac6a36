#include "ingest/validate.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/npi.h"
#include "ingest/text.h"

namespace rounds::ingest {
namespace {

bool AllDigits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr int64_t kPgEpochFromUnix = 10957;  // days from 1970-01-01 to 2000-01-01

bool ParseUnsigned(std::string_view s, unsigned& out) {
    if (s.empty() || s.size() > 4 || !AllDigits(s)) {
        return false;
    }
    const auto* end = s.data() + s.size();
    return std::from_chars(s.data(), end, out).ptr == end;
}

}  // namespace

bool IsValidNpi(std::string_view npi) {
    return core::IsValidNpi(npi);
}

std::optional<int32_t> ParseDate(std::string_view text) {
    text = Trim(text);
    unsigned y = 0;
    unsigned m = 0;
    unsigned d = 0;
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        if (!ParseUnsigned(text.substr(0, 4), y) || !ParseUnsigned(text.substr(5, 2), m) ||
            !ParseUnsigned(text.substr(8, 2), d)) {
            return std::nullopt;
        }
    } else {
        const size_t s1 = text.find('/');
        const size_t s2 = s1 == std::string_view::npos ? s1 : text.find('/', s1 + 1);
        if (s2 == std::string_view::npos || text.size() - s2 - 1 != 4) {
            return std::nullopt;
        }
        if (!ParseUnsigned(text.substr(0, s1), m) || !ParseUnsigned(text.substr(s1 + 1, s2 - s1 - 1), d) ||
            !ParseUnsigned(text.substr(s2 + 1), y)) {
            return std::nullopt;
        }
    }
    static constexpr std::array<unsigned, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) {
        return std::nullopt;
    }
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) {
        return std::nullopt;
    }
    return static_cast<int32_t>(DaysFromCivil(y, m, d) - kPgEpochFromUnix);
}

std::string FormatDate(int32_t days) {
    // Inverse of DaysFromCivil.
    int64_t z = days + kPgEpochFromUnix + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    return buf;
}

std::optional<int64_t> ParseInt(std::string_view text) {
    text = Trim(text);
    std::string digits;
    digits.reserve(text.size());
    bool negative = false;
    size_t i = 0;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        i = 1;
    }
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == ',') {
            continue;
        } else if (c == '.') {
            // "12.0" from a spreadsheet is still an integer; "12.5" is not.
            for (size_t k = i + 1; k < text.size(); ++k) {
                if (text[k] != '0') {
                    return std::nullopt;
                }
            }
            break;
        } else {
            return std::nullopt;
        }
    }
    if (digits.empty() || digits.size() > 18) {
        return std::nullopt;
    }
    int64_t value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return negative ? -value : value;
}

std::optional<double> ParseDouble(std::string_view text) {
    text = Trim(text);
    std::string clean;
    clean.reserve(text.size());
    for (char c : text) {
        if (c == ',' || c == '$') {
            continue;
        }
        clean.push_back(c);
    }
    if (clean.empty() || clean[0] == '+') {
        if (!clean.empty()) {
            clean.erase(0, 1);
        }
        if (clean.empty()) {
            return std::nullopt;
        }
    }
    double value = 0;
    const auto* end = clean.data() + clean.size();
    const auto res = std::from_chars(clean.data(), end, value);
    if (res.ec != std::errc() || res.ptr != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<int64_t> ParseCents(std::string_view text) {
    text = Trim(text);
    bool negative = false;
    if (!text.empty() && text[0] == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    if (!text.empty() && text[0] == '$') {
        text.remove_prefix(1);
    }
    int64_t whole = 0;
    int64_t frac = 0;
    int frac_digits = 0;
    bool seen_digit = false;
    bool in_frac = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            seen_digit = true;
            if (in_frac) {
                if (frac_digits < 2) {
                    frac = frac * 10 + (c - '0');
                    ++frac_digits;
                } else if (frac_digits == 2 && c >= '5') {
                    // Round half up on the third decimal (amounts are published with two decimals).
                    frac += 1;
                    ++frac_digits;
                } else {
                    ++frac_digits;
                }
            } else {
                if (whole > 90'000'000'000'000'000 / 10) {
                    return std::nullopt;
                }
                whole = whole * 10 + (c - '0');
            }
        } else if (c == ',' && !in_frac) {
            continue;
        } else if (c == '.' && !in_frac) {
            in_frac = true;
        } else {
            return std::nullopt;
        }
    }
    if (!seen_digit) {
        return std::nullopt;
    }
    if (frac_digits == 1) {
        frac *= 10;
    }
    const int64_t cents = whole * 100 + frac;
    return negative ? -cents : cents;
}

std::optional<bool> ParseFlag(std::string_view text) {
    text = Trim(text);
    if (text.size() > 5) {
        return std::nullopt;
    }
    const std::string t = CollapseSpaces(text);
    if (t == "y" || t == "yes" || t == "t" || t == "true" || t == "1") {
        return true;
    }
    if (t == "n" || t == "no" || t == "f" || t == "false" || t == "0") {
        return false;
    }
    return std::nullopt;
}

bool IsStateCode(std::string_view text) {
    static constexpr std::array<std::string_view, 62> kStates = {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
        "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
        "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
        "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP", "FM", "MH", "PW"};
    for (std::string_view s : kStates) {
        if (s == text) {
            return true;
        }
    }
    return false;
}

bool IsNullMarker(std::string_view text) {
    text = Trim(text);
    if (text.empty()) {
        return true;
    }
    // Cheap rejection first: this runs for every numeric, date and flag value of every row.
    const char c = text[0];
    if (c != '*' && c != '#' && c != 'N' && c != 'n' && c != '<') {
        return false;
    }
    auto iequals = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (size_t i = 0; i < a.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
                return false;
            }
        }
        return true;
    };
    return text == "*" || text == "#" || text == "<UNAVAIL>" || iequals(text, "NA") || iequals(text, "N/A") ||
           iequals(text, "not available") || iequals(text, "not applicable");
}

std::optional<std::string> NormalizeZip(std::string_view text) {
    text = Trim(text);
    std::string digits;
    int hyphens = 0;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c == '-') {
            ++hyphens;
        } else {
            return std::nullopt;
        }
    }
    if (digits.empty() || hyphens > 1 || digits.size() > 9) {
        return std::nullopt;
    }
    if (digits.size() < 5) {
        digits.insert(0, 5 - digits.size(), '0');
    } else if (digits.size() > 5 && digits.size() < 9) {
        digits.insert(0, 9 - digits.size(), '0');
    }
    return digits;
}

}  // namespace rounds::ingest
