#include "http/router.h"

#include <algorithm>
#include <stdexcept>

namespace rounds::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) {
            j = path.size();
        }
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool IsParam(std::string_view seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// "{id}.ics": a parameter followed by a literal suffix (no braces in the suffix). Returns the suffix length,
// or -1 when `seg` is not of that form.
int SuffixedParam(std::string_view seg) {
    const auto close = seg.find('}');
    if (seg.size() < 4 || seg.front() != '{' || close == std::string_view::npos || close < 2 ||
        close + 1 >= seg.size() || seg.find_first_of("{}", close + 1) != std::string_view::npos ||
        seg.find('{', 1) < close) {
        return -1;
    }
    return static_cast<int>(seg.size() - close - 1);
}

bool IsAnyParam(std::string_view seg) {
    return IsParam(seg) || SuffixedParam(seg) > 0;
}

// Whether template segment `t` matches path segment `p`; stores a parameter's value in `value`.
bool SegmentMatches(std::string_view t, std::string_view p, std::string_view* name, std::string_view* value) {
    if (IsParam(t)) {
        *name = t.substr(1, t.size() - 2);
        *value = p;
        return true;
    }
    if (const int suffix = SuffixedParam(t); suffix > 0) {
        const auto n = static_cast<std::size_t>(suffix);
        if (p.size() <= n || p.substr(p.size() - n) != t.substr(t.size() - n)) {
            return false;
        }
        *name = t.substr(1, t.size() - n - 2);
        *value = p.substr(0, p.size() - n);
        return true;
    }
    *name = {};
    return t == p;
}

}  // namespace

void Router::Add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
    }
    Compiled c;
    for (auto seg : Split(route.pattern)) {
        if (seg.find_first_of("{}") != std::string_view::npos && !IsAnyParam(seg)) {
            throw std::invalid_argument("malformed path parameter in " + route.pattern);
        }
        c.segments.emplace_back(seg);
        // Specificity: a literal segment beats "{id}.ics", which beats "{id}".
        if (!IsAnyParam(seg)) {
            c.literal_count += 2;
        } else if (!IsParam(seg)) {
            c.literal_count += 1;
        }
    }
    for (const auto& r : routes_) {
        if (r->method == route.method && r->pattern == route.pattern) {
            throw std::invalid_argument("duplicate route " + route.method + " " + route.pattern);
        }
    }
    routes_.push_back(std::make_unique<Route>(std::move(route)));
    compiled_.push_back(std::move(c));
}

uint64_t Router::MaxStreamBodyLimit() const {
    uint64_t max = 0;
    for (const auto& r : routes_) {
        max = std::max(max, r->stream_body_limit);
    }
    return max;
}

Match Router::Find(std::string_view method, std::string_view path) const {
    auto segs = Split(path);
    Match best;
    int best_literals = -1;
    std::vector<std::string> allowed;
    int allowed_literals = -1;
    for (size_t i = 0; i < routes_.size(); ++i) {
        const auto& c = compiled_[i];
        if (c.segments.size() != segs.size()) {
            continue;
        }
        bool ok = true;
        for (size_t s = 0; s < segs.size() && ok; ++s) {
            std::string_view name;
            std::string_view value;
            ok = SegmentMatches(c.segments[s], segs[s], &name, &value);
        }
        if (!ok) {
            continue;
        }
        const Route& r = *routes_[i];
        bool method_ok = r.method == method || (method == "HEAD" && r.method == "GET");
        if (method_ok && c.literal_count > best_literals) {
            best.route = &r;
            best.params.clear();
            for (size_t s = 0; s < segs.size(); ++s) {
                std::string_view name;
                std::string_view value;
                if (SegmentMatches(c.segments[s], segs[s], &name, &value) && !name.empty()) {
                    best.params.emplace(std::string(name), std::string(value));
                }
            }
            best_literals = c.literal_count;
        }
        // Allow lists the methods of the most specific template that matched the path.
        if (c.literal_count > allowed_literals) {
            allowed.clear();
            allowed_literals = c.literal_count;
        }
        if (c.literal_count == allowed_literals &&
            std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
            allowed.push_back(r.method);
            if (r.method == "GET") {
                allowed.emplace_back("HEAD");
            }
        }
    }
    if (best.route == nullptr) {
        best.allowed = std::move(allowed);
    }
    return best;
}

}  // namespace rounds::http
