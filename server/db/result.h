#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rounds::db {

/// A bound parameter in text format; std::nullopt is SQL NULL.
using Param = std::optional<std::string>;

/// An error reported by PostgreSQL, with its SQLSTATE (e.g. "23505" unique violation).
class SqlError : public std::runtime_error {
public:
    SqlError(std::string sqlstate, const std::string& message)
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
    const std::string& SqlState() const { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// Owns a PGresult. Values are text format; Get returns a view valid while the Result lives.
class Result {
public:
    Result() = default;
    explicit Result(PGresult* res) : res_(res, &PQclear) {}

    int Rows() const { return res_ ? PQntuples(res_.get()) : 0; }
    int Cols() const { return res_ ? PQnfields(res_.get()) : 0; }
    bool IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
    std::string_view Get(int row, int col) const {
        return {PQgetvalue(res_.get(), row, col), static_cast<size_t>(PQgetlength(res_.get(), row, col))};
    }
    std::optional<std::string_view> GetOpt(int row, int col) const {
        if (IsNull(row, col)) {
            return std::nullopt;
        }
        return Get(row, col);
    }
    int64_t GetInt(int row, int col) const;
    double GetDouble(int row, int col) const;
    bool GetBool(int row, int col) const { return Get(row, col) == "t"; }
    int ColumnIndex(const char* name) const { return PQfnumber(res_.get(), name); }
    /// Rows affected by INSERT/UPDATE/DELETE.
    int64_t Affected() const;
    PGresult* Raw() const { return res_.get(); }

private:
    std::shared_ptr<PGresult> res_;
};

}  // namespace rounds::db
