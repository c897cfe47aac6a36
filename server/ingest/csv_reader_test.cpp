#include "ingest/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/test_support.h"

namespace rounds::ingest {
namespace {

using testing::StringSource;

struct Parsed {
    std::vector<std::vector<std::string>> rows;
    std::vector<uint64_t> lines;
    std::vector<CsvError> errors;
};

Parsed ParseAll(const std::string& text, size_t step = 1 << 20, CsvOptions options = {}) {
    StringSource src(text, step);
    options.buffer_bytes = 16;  // tiny buffer: every record crosses a refill
    CsvReader reader(src, options);
    Parsed out;
    CsvRecord rec;
    for (;;) {
        const CsvStatus st = reader.Next(rec);
        if (st == CsvStatus::kEnd) {
            break;
        }
        if (st == CsvStatus::kError) {
            out.errors.push_back(reader.LastError());
            continue;
        }
        out.rows.emplace_back(rec.fields.begin(), rec.fields.end());
        out.lines.push_back(rec.line);
    }
    return out;
}

TEST(CsvReader, QuotedFieldsWithDelimitersNewlinesAndDoubledQuotes) {
    for (size_t step : {1, 3, 7, 1 << 20}) {
        const Parsed p = ParseAll("a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,end", step);
        ASSERT_EQ(p.rows.size(), 3u) << step;
        EXPECT_EQ(p.rows[1], (std::vector<std::string>{"x,1", "say \"hi\"", "two\nlines"}));
        EXPECT_EQ(p.rows[2], (std::vector<std::string>{"last", "", "end"}));
        EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 4}));
    }
}

TEST(CsvReader, BomCrlfAndBlankLines) {
    const Parsed p = ParseAll("\xEF\xBB\xBFNPI,Name\r\n1,\"A\r\nB\"\r\n\r\n2,C\r\n");
    ASSERT_EQ(p.rows.size(), 3u);
    EXPECT_EQ(p.rows[0][0], "NPI");
    EXPECT_EQ(p.rows[1][1], "A\r\nB");
    EXPECT_EQ(p.rows[2], (std::vector<std::string>{"2", "C"}));
    EXPECT_EQ(p.lines[2], 5u);
}

TEST(CsvReader, DetectsTabDelimiter) {
    const Parsed p = ParseAll("GEOID\tALAND\n00601\t1\n");
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1], (std::vector<std::string>{"00601", "1"}));
}

TEST(CsvReader, Latin1BytesBecomeUtf8) {
    const Parsed p = ParseAll("name\nJos\xE9\nJos\xC3\xA9\n");
    ASSERT_EQ(p.rows.size(), 3u);
    EXPECT_EQ(p.rows[1][0], "Jos\xC3\xA9");
    EXPECT_EQ(p.rows[2][0], "Jos\xC3\xA9");
}

TEST(CsvReader, UnterminatedQuoteIsAnErrorNotACrash) {
    const Parsed p = ParseAll("a,b\n1,2\n3,\"open\n4,5\n");
    ASSERT_EQ(p.rows.size(), 2u);
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].line, 3u);
    EXPECT_NE(p.errors[0].message.find("unterminated"), std::string::npos);
}

TEST(CsvReader, OverlongRecordIsBounded) {
    CsvOptions options;
    options.max_record_bytes = 1000;
    const Parsed p = ParseAll("a\n\"" + std::string(5000, 'x') + "\"\n", 64, options);
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_NE(p.errors[0].message.find("longer than"), std::string::npos);
}

TEST(CsvReader, StrayQuotesKeptLiterally) {
    const Parsed p = ParseAll("a,b\n5'10\" tall,\"x\"y\n");
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1], (std::vector<std::string>{"5'10\" tall", "xy"}));
}

TEST(CsvReader, NoFinalNewline) {
    const Parsed p = ParseAll("a\n1");
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1][0], "1");
}

}  // namespace
}  // namespace rounds::ingest
