#include "db/result.h"

#include <charconv>
#include <cstdlib>

namespace rounds::db {

int64_t Result::GetInt(int row, int col) const {
    auto v = Get(row, col);
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
        throw std::runtime_error("column " + std::to_string(col) + " is not an integer: " + std::string(v));
    }
    return out;
}

double Result::GetDouble(int row, int col) const {
    std::string v(Get(row, col));
    char* end = nullptr;
    double out = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size()) {
        throw std::runtime_error("column " + std::to_string(col) + " is not a number: " + v);
    }
    return out;
}

int64_t Result::Affected() const {
    const char* n = res_ ? PQcmdTuples(res_.get()) : "";
    return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}

}  // namespace rounds::db
