#include "ingest/text.h"

#include <cstdint>

namespace rounds::ingest {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not valid UTF-8.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    if (b0 == 0) {
        return 0;
    }
    if (b0 < 0x80) {
        return 1;
    }
    size_t len = 0;
    uint32_t min_cp = 0;
    uint32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        min_cp = 0x80;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        min_cp = 0x800;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        min_cp = 0x10000;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size()) {
        return 0;
    }
    for (size_t k = 1; k < len; ++k) {
        const auto b = static_cast<uint8_t>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

}  // namespace

bool IsCleanUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        // Fast path for ASCII runs.
        const auto b = static_cast<uint8_t>(s[i]);
        if (b != 0 && b < 0x80) {
            ++i;
            continue;
        }
        const size_t len = Utf8SequenceLength(s, i);
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

void AppendAsUtf8(std::string& out, std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const size_t len = Utf8SequenceLength(s, i);
        if (len > 0) {
            out.append(s.substr(i, len));
            i += len;
            continue;
        }
        const auto b = static_cast<uint8_t>(s[i]);
        if (b == 0) {
            out.append("\xEF\xBF\xBD");
        } else {
            out.push_back(static_cast<char>(0xC0 | (b >> 6)));
            out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
        }
        ++i;
    }
}

std::string_view Trim(std::string_view s) {
    auto is_space = [](std::string_view t, size_t i, bool from_end) -> size_t {
        const char c = t[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            return 1;
        }
        // U+00A0 is C2 A0 in UTF-8.
        if (!from_end && i + 1 < t.size() && c == '\xC2' && t[i + 1] == '\xA0') {
            return 2;
        }
        if (from_end && i >= 1 && c == '\xA0' && t[i - 1] == '\xC2') {
            return 2;
        }
        return 0;
    };
    while (!s.empty()) {
        const size_t n = is_space(s, 0, false);
        if (n == 0) {
            break;
        }
        s.remove_prefix(n);
    }
    while (!s.empty()) {
        const size_t n = is_space(s, s.size() - 1, true);
        if (n == 0) {
            break;
        }
        s.remove_suffix(n);
    }
    return s;
}

std::string NormalizeHeaderName(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        }
    }
    return out;
}

std::string CollapseSpaces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : Trim(s)) {
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space) {
            out.push_back(' ');
            space = false;
        }
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

}  // namespace rounds::ingest
