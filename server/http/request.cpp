#include "http/request.h"

#include <algorithm>

namespace rounds::http {

bool IEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
    for (const auto& [k, v] : items_) {
        if (IEquals(k, name)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

void Headers::Set(std::string name, std::string value) {
    for (auto& [k, v] : items_) {
        if (IEquals(k, name)) {
            v = std::move(value);
            return;
        }
    }
    items_.emplace_back(std::move(name), std::move(value));
}

void Headers::Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }

std::optional<std::string_view> Request::Query(std::string_view key) const {
    for (const auto& [k, v] : query) {
        if (k == key) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

std::string_view Request::Param(std::string_view name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

Response Response::Text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.headers.Set("Content-Type", std::move(content_type));
    r.body = std::move(body);
    return r;
}

Response Response::Json(int status, std::string json_body) {
    return Text(status, std::move(json_body), "application/json");
}

namespace {
int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) {
                return std::nullopt;
            }
            int hi = HexValue(in[i + 1]);
            int lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (part.empty()) {
            continue;
        }
        auto eq = part.find('=');
        auto key = PercentDecode(part.substr(0, eq), true);
        auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
        if (!key || !value) {
            return std::nullopt;
        }
        out.emplace_back(std::move(*key), std::move(*value));
    }
    return out;
}

}  // namespace rounds::http
