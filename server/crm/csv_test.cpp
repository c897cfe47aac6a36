#include "crm/csv.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace rounds::crm {
namespace {

std::vector<CsvRecord> Split(std::string_view text, size_t piece, size_t max_record = 1024 * 1024) {
    CsvSplitter s(max_record);
    std::vector<CsvRecord> out;
    CsvRecord r;
    for (size_t i = 0; i < text.size(); i += piece) {
        s.Feed(text.substr(i, piece));
        while (s.Pop(r)) {
            out.push_back(r);
        }
    }
    s.Finish();
    while (s.Pop(r)) {
        out.push_back(r);
    }
    return out;
}

TEST(CsvSplitter, RecordsAndLinesWhateverThePieceSize) {
    const std::string text =
        "\xEF\xBB\xBFnpi,name,notes\r\n"
        "1234567893,\"Smith, Jo\",\"said \"\"hi\"\"\"\r\n"
        "\n"
        "1245319599,Doe,\"two\nlines\"\r"
        "1003000126,x,y";
    for (size_t piece : {1, 2, 3, 5, 7, 64, 4096}) {
        auto recs = Split(text, piece);
        ASSERT_EQ(recs.size(), 5U) << "piece " << piece;
        EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"npi", "name", "notes"}));
        EXPECT_EQ(recs[0].line, 1U);
        EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"1234567893", "Smith, Jo", "said \"hi\""}));
        EXPECT_EQ(recs[1].line, 2U);
        EXPECT_EQ(recs[2].fields, (std::vector<std::string>{""}));  // the blank line
        EXPECT_EQ(recs[2].line, 3U);
        EXPECT_EQ(recs[3].fields, (std::vector<std::string>{"1245319599", "Doe", "two\nlines"}));
        EXPECT_EQ(recs[3].line, 4U);
        EXPECT_EQ(recs[4].fields, (std::vector<std::string>{"1003000126", "x", "y"}));
        EXPECT_EQ(recs[4].line, 6U);  // the quoted line break counted
    }
}

TEST(CsvSplitter, ShortInputAndTrailingLineBreak) {
    EXPECT_TRUE(Split("", 1).empty());
    auto one = Split("a", 1);
    ASSERT_EQ(one.size(), 1U);
    EXPECT_EQ(one[0].fields, std::vector<std::string>{"a"});
    EXPECT_EQ(Split("a,b\r\n", 1).size(), 1U);
    EXPECT_EQ(Split("\xEF\xBB\xBF", 1).size(), 0U);
}

TEST(CsvSplitter, AnOverlongRecordNamesItsLine) {
    std::string text = "a,b\nc,\"never closed\n";
    text += std::string(5000, 'x');
    try {
        Split(text, 100, 1000);
        FAIL() << "expected a refusal";
    } catch (const core::Error& e) {
        EXPECT_NE(e.Detail().find("line 2"), std::string::npos) << e.Detail();
    }
    EXPECT_EQ(Split(text + "\"\n", 100, 10000).size(), 2U);
}

}  // namespace
}  // namespace rounds::crm
