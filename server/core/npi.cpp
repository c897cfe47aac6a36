#include "core/npi.h"

namespace rounds::core {

int NpiCheckDigit(uint64_t first_nine) {
    // Luhn over "80840" + the nine digits; the prefix contributes a constant 24.
    int sum = 24;
    bool double_it = true;  // rightmost digit of the stem is doubled (the check digit will follow it)
    for (int i = 0; i < 9; ++i) {
        int d = static_cast<int>(first_nine % 10);
        first_nine /= 10;
        if (double_it) {
            d *= 2;
            if (d > 9) {
                d -= 9;
            }
        }
        sum += d;
        double_it = !double_it;
    }
    return (10 - sum % 10) % 10;
}

int NpiCheckDigit(std::string_view first_nine) {
    uint64_t stem = 0;
    for (char c : first_nine) {
        stem = stem * 10 + static_cast<uint64_t>(c - '0');
    }
    return NpiCheckDigit(stem);
}

bool IsValidNpi(std::string_view text) {
    if (text.size() != 10) {
        return false;
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return NpiCheckDigit(text.substr(0, 9)) == text[9] - '0';
}

std::optional<int64_t> ParseNpi(std::string_view text) {
    if (!IsValidNpi(text)) {
        return std::nullopt;
    }
    int64_t v = 0;
    for (char c : text) {
        v = v * 10 + (c - '0');
    }
    return v;
}

}  // namespace rounds::core
