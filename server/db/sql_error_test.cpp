#include "db/sql_error.h"

#include <gtest/gtest.h>

namespace rounds::db {
namespace {

TEST(SqlErrorMapping, OneTableFromSqlState) {
    using core::ErrorKind;
    EXPECT_EQ(MapSqlError(SqlError("23505", "dup")).Kind(), ErrorKind::kConflict);
    EXPECT_EQ(MapSqlError(SqlError("23503", "fk")).Kind(), ErrorKind::kInvalid);
    EXPECT_EQ(MapSqlError(SqlError("22P02", "bad input")).Kind(), ErrorKind::kInvalid);
    auto retry = MapSqlError(SqlError("40001", "serialization"));
    EXPECT_EQ(retry.Kind(), ErrorKind::kUnavailable);
    EXPECT_GT(retry.RetryAfter(), 0);
    EXPECT_EQ(MapSqlError(SqlError("57014", "timeout")).Kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(MapSqlError(SqlError("57P01", "shutdown")).Kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(MapSqlError(SqlError("08006", "lost")).Kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(MapSqlError(SqlError("42P01", "no table")).Kind(), ErrorKind::kInternal);
    // Client text never carries the SQL message.
    EXPECT_EQ(MapSqlError(SqlError("42P01", "relation secret_table does not exist")).Detail().find("secret"),
              std::string::npos);
}

}  // namespace
}  // namespace rounds::db
