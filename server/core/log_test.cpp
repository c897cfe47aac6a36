#include "core/log.h"

#include <gtest/gtest.h>

namespace rounds::core {
namespace {

std::string Escape(std::string_view s) {
    std::string out;
    AppendJsonEscaped(out, s);
    return out;
}

TEST(Log, JsonEscapingKeepsLinesValid) {
    EXPECT_EQ(Escape("a\"b\\c"), "a\\\"b\\\\c");
    EXPECT_EQ(Escape("line\nnext\t"), "line\\nnext\\t");
    EXPECT_EQ(Escape(std::string_view("\x01", 1)), "\\u0001");
    EXPECT_EQ(Escape("José"), "José");
    // A Latin-1 byte is not valid UTF-8: replaced, not passed through.
    EXPECT_EQ(Escape("Jos\xE9"), "Jos\xEF\xBF\xBD");
}

TEST(Log, LevelFilter) {
    ConfigureLogging(LogLevel::kWarn, LogFormat::kJson);
    EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
    EXPECT_TRUE(LogEnabled(LogLevel::kError));
    ConfigureLogging(LogLevel::kInfo, LogFormat::kJson);
}

}  // namespace
}  // namespace rounds::core
