// The malformed-file corpus in tests/ingest: one file per case, each with its expected outcome here.
#include <gtest/gtest.h>

#include "core/error.h"
#include "ingest/byte_source.h"
#include "ingest/staging_parser.h"
#include "ingest/test_support.h"

namespace rounds::ingest {
namespace {

using testing::Col;
using testing::Corpus;
using testing::DecodeCopy;

struct Outcome {
    ParseStats stats;
    std::vector<Reject> rejects;
    std::vector<std::vector<std::optional<std::string>>> rows;
};

Outcome Parse(const std::string& dataset, const std::string& file) {
    const DatasetSpec& spec = *FindDataset(dataset);
    auto src = OpenInput(Corpus(file), spec.member_hint);
    StagingParser parser(*src, spec, 2024);
    Outcome o;
    CopyWriter out;
    while (parser.NextChunk(out, 1 << 20, o.rejects)) {
    }
    o.stats = parser.Stats();
    o.rows = DecodeCopy(out.Buffer(), spec);
    EXPECT_EQ(o.stats.rows_staged + o.stats.rows_rejected, o.stats.rows_read);
    return o;
}

std::vector<Reject> RowRejects(const Outcome& o) {
    std::vector<Reject> out;
    for (const Reject& r : o.rejects) {
        if (!r.warning) {
            out.push_back(r);
        }
    }
    return out;
}

TEST(Corpus, UnterminatedQuote) {
    const Outcome o = Parse("nucc", "unterminated_quote.csv");
    EXPECT_EQ(o.stats.rows_staged, 1u);
    ASSERT_EQ(RowRejects(o).size(), 1u);
    EXPECT_EQ(RowRejects(o)[0].line, 3u);
    EXPECT_NE(RowRejects(o)[0].reason.find("unterminated"), std::string::npos);
    EXPECT_NE(RowRejects(o)[0].raw.find("Never closed"), std::string::npos);
}

TEST(Corpus, WrongColumnCount) {
    const Outcome o = Parse("nucc", "wrong_column_count.csv");
    EXPECT_EQ(o.stats.rows_read, 4u);
    EXPECT_EQ(o.stats.rows_staged, 2u);  // the row with one trailing delimiter is fine
    const auto rejects = RowRejects(o);
    ASSERT_EQ(rejects.size(), 2u);
    EXPECT_EQ(rejects[0].line, 3u);
    EXPECT_NE(rejects[0].reason.find("expected 8 fields"), std::string::npos);
    EXPECT_EQ(rejects[1].line, 4u);
}

TEST(Corpus, BadNpi) {
    const Outcome o = Parse("facility-affiliation", "bad_npi.csv");
    EXPECT_EQ(o.stats.rows_staged, 1u);
    const auto rejects = RowRejects(o);
    ASSERT_EQ(rejects.size(), 3u);
    EXPECT_EQ(rejects[0].field, "NPI");
    EXPECT_NE(rejects[0].reason.find("check digit"), std::string::npos);
    EXPECT_NE(rejects[1].reason.find("10 digits"), std::string::npos);
    EXPECT_NE(rejects[2].reason.find("required value is empty"), std::string::npos);
}

TEST(Corpus, BadDate) {
    const Outcome o = Parse("nppes", "bad_date.csv");
    EXPECT_EQ(o.stats.rows_staged, 1u);
    const auto rejects = RowRejects(o);
    ASSERT_EQ(rejects.size(), 2u);
    EXPECT_EQ(rejects[0].field, "Provider Enumeration Date");
    EXPECT_NE(rejects[0].reason.find("02/30/2005"), std::string::npos);
    EXPECT_EQ(rejects[1].field, "Last Update Date");
}

TEST(Corpus, RenamedHeaderNamesTheMissingColumn) {
    try {
        Parse("nppes", "renamed_header.csv");
        FAIL() << "expected an error";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid);
        EXPECT_NE(e.Detail().find("lacks required column 'NPI'"), std::string::npos) << e.Detail();
        EXPECT_NE(e.Detail().find("'NPI Number'"), std::string::npos) << e.Detail();
        EXPECT_NE(e.Detail().find("renamed_header.csv:1"), std::string::npos) << e.Detail();
    }
}

TEST(Corpus, EmptyFile) {
    try {
        Parse("nucc", "empty.csv");
        FAIL() << "expected an error";
    } catch (const core::Error& e) {
        EXPECT_NE(e.Detail().find("empty file"), std::string::npos);
    }
}

TEST(Corpus, HeaderOnly) {
    const Outcome o = Parse("nucc", "header_only.csv");
    EXPECT_EQ(o.stats.rows_read, 0u);
}

TEST(Corpus, BinaryGarbageNeverCrashes) {
    for (const std::string& dataset : DatasetNames()) {
        try {
            Parse(dataset, "binary_garbage.bin");
            ADD_FAILURE() << dataset << ": garbage accepted";
        } catch (const core::Error& e) {
            EXPECT_FALSE(e.Detail().empty());
        }
    }
}

TEST(Corpus, Latin1BytesConverted) {
    const Outcome o = Parse("nucc", "latin1_names.csv");
    ASSERT_EQ(o.rows.size(), 1u);
    EXPECT_EQ(o.rows[0][Col(*FindDataset("nucc"), "definition")],
              "D\xC3\xA9"
              "finition");
}

TEST(Corpus, BomCrlfTrailingDelimiter) {
    const Outcome o = Parse("facility-affiliation", "bom_crlf_trailing_delimiter.csv");
    const DatasetSpec& s = *FindDataset("facility-affiliation");
    ASSERT_EQ(o.rows.size(), 2u);
    EXPECT_EQ(o.rows[1][Col(s, "last_name")], "DOE, JR");
    EXPECT_EQ(o.rows[1][Col(s, "first_name")], "JOHN\r\nQ");
    EXPECT_EQ(o.rows[1][Col(s, "ccn")], "010002");
}

TEST(Corpus, SuppressedCountsAreNull) {
    const Outcome o = Parse("partd", "suppressed_counts.csv");
    const DatasetSpec& s = *FindDataset("partd");
    ASSERT_EQ(o.rows.size(), 2u);
    EXPECT_EQ(o.rows[0][Col(s, "tot_benes")], std::nullopt);
    EXPECT_EQ(o.rows[0][Col(s, "ge65_tot_benes")], std::nullopt);
    EXPECT_EQ(o.rows[1][Col(s, "ge65_tot_benes")], "0");  // a real zero stays zero
    const auto rejects = RowRejects(o);
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0].field, "Tot_Clms");
}

}  // namespace
}  // namespace rounds::ingest
