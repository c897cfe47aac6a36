// Every real CMS excerpt in /work/shared/data/cms parses: counts add up and chosen values equal the source.
#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "ingest/byte_source.h"
#include "ingest/staging_parser.h"
#include "ingest/test_support.h"

namespace rounds::ingest {
namespace {

using testing::Col;
using testing::DecodeCopy;
using testing::SharedData;

struct FileResult {
    ParseStats stats;
    std::vector<Reject> rejects;
    std::vector<std::vector<std::optional<std::string>>> rows;
};

FileResult ParseFile(const std::string& dataset, const std::string& path, std::optional<int> year = std::nullopt) {
    const DatasetSpec* spec = FindDataset(dataset);
    EXPECT_NE(spec, nullptr);
    FileSource src(path);
    StagingParser parser(src, *spec, year);
    FileResult result;
    CopyWriter out;
    // Small chunks: exercises the chunking the loader uses.
    std::string all;
    while (parser.NextChunk(out, 4096, result.rejects)) {
        all += out.Buffer();
        out.Clear();
    }
    all += out.Buffer();
    result.stats = parser.Stats();
    result.rows = DecodeCopy(all, *spec);
    return result;
}

struct Expectation {
    std::string dataset;
    std::string file;
    uint64_t rows;
    uint64_t rejected;
};

class RealFiles : public ::testing::TestWithParam<Expectation> {};

TEST_P(RealFiles, CountsAddUp) {
    const Expectation& e = GetParam();
    const FileResult r = ParseFile(e.dataset, SharedData(e.file), 2024);
    EXPECT_EQ(r.stats.rows_read, e.rows);
    EXPECT_EQ(r.stats.rows_staged + r.stats.rows_rejected, r.stats.rows_read);
    EXPECT_EQ(r.rows.size(), r.stats.rows_staged);
    EXPECT_EQ(r.stats.rows_rejected, e.rejected);
    for (const Reject& rej : r.rejects) {
        if (!rej.warning) {
            EXPECT_FALSE(rej.reason.empty());
            EXPECT_GT(rej.line, 1u);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Cms, RealFiles,
                         ::testing::Values(Expectation{"nppes", "nppes_npidata_sample.csv", 1, 0},
                                           Expectation{"nppes", "nppes_npidata_2016_sample.csv", 10, 0},
                                           Expectation{"nppes", "nppes_npidata_2019_sample.csv", 19, 0},
                                           Expectation{"nppes", "nppes_npidata_2021_orgs_sample.csv", 12, 0},
                                           Expectation{"nppes", "nppes_npidata_2025_sample.csv", 99, 0},
                                           Expectation{"nppes", "nppes_npidata_2026_weekly_sample.csv", 3, 0},
                                           Expectation{"nppes-locations", "nppes_pl_pfile_sample.csv", 2000, 0},
                                           Expectation{"nucc", "nucc_taxonomy.csv", 883, 0},
                                           Expectation{"dac", "dac_national_2021_sample.csv", 386, 0},
                                           Expectation{"hospitals", "hospital_general_info_sample.csv", 2000, 0},
                                           Expectation{"partd", "partd_provider_drug_sample.csv", 26, 0},
                                           Expectation{"open-payments", "open_payments_general_2024_sample.csv", 25, 0},
                                           // The last line of this copy is six tabs: an empty record, rejected as such.
                                           Expectation{"zcta", "zcta_gazetteer.txt", 33121, 1}),
                         [](const ::testing::TestParamInfo<Expectation>& param_info) {
                             std::string n = param_info.param.file.substr(0, param_info.param.file.find('.'));
                             for (char& c : n) {
                                 if (c == '-') {
                                     c = '_';
                                 }
                             }
                             return n;
                         });

TEST(RealFiles, NppesValuesEqualSourceText) {
    const FileResult r = ParseFile("nppes", SharedData("nppes_npidata_sample.csv"));
    const DatasetSpec& s = *FindDataset("nppes");
    ASSERT_EQ(r.rows.size(), 1u);
    const auto& row = r.rows[0];
    EXPECT_EQ(row[0], "2");  // line
    EXPECT_EQ(row[Col(s, "npi")], "1063947125");
    EXPECT_EQ(row[Col(s, "entity_type")], "2");
    EXPECT_EQ(row[Col(s, "last_name")], std::nullopt);
    EXPECT_TRUE(row[Col(s, "org_name")].has_value());
    EXPECT_TRUE(row[Col(s, "taxonomy_code_1")].has_value());
}

TEST(RealFiles, NppesGenderHeaderOfEveryVersion) {
    for (const char* file : {"nppes_npidata_2016_sample.csv", "nppes_npidata_2025_sample.csv"}) {
        const FileResult r = ParseFile("nppes", SharedData(file));
        const DatasetSpec& s = *FindDataset("nppes");
        int with_gender = 0;
        for (const auto& row : r.rows) {
            with_gender += row[Col(s, "gender")].has_value() ? 1 : 0;
        }
        EXPECT_GT(with_gender, 0) << file;
    }
}

TEST(RealFiles, NppesDeactivatedRowsLoadWithoutEntityType) {
    const FileResult r = ParseFile("nppes", SharedData("nppes_npidata_2025_sample.csv"));
    const DatasetSpec& s = *FindDataset("nppes");
    int deactivated = 0;
    for (const auto& row : r.rows) {
        if (row[Col(s, "deactivation_date")] && !row[Col(s, "entity_type")]) {
            ++deactivated;
        }
    }
    EXPECT_EQ(deactivated, 6);
}

TEST(RealFiles, DacLeadingSpacesAndSpreadsheetDamage) {
    const FileResult r = ParseFile("dac", SharedData("dac_national_2021_sample.csv"));
    const DatasetSpec& s = *FindDataset("dac");
    ASSERT_FALSE(r.rows.empty());
    EXPECT_EQ(r.rows[0][Col(s, "npi")], "1215911011");
    EXPECT_EQ(r.rows[0][Col(s, "last_name")], "PEREZ-RODRIGUEZ");
    EXPECT_EQ(r.rows[0][Col(s, "postal_code")], "341081869");
    EXPECT_EQ(r.rows[0][Col(s, "grad_year")], "1981");
    // The scientific-notation phone is a warning (NULL), not a lost row.
    bool phone_warning = false;
    for (const Reject& w : r.rejects) {
        phone_warning = phone_warning || (w.warning && w.reason.find("scientific") != std::string::npos);
    }
    EXPECT_TRUE(phone_warning);
}

TEST(RealFiles, HospitalRatingNotAvailableIsNull) {
    const FileResult r = ParseFile("hospitals", SharedData("hospital_general_info_sample.csv"));
    const DatasetSpec& s = *FindDataset("hospitals");
    EXPECT_EQ(r.rows[0][Col(s, "ccn")], "010001");
    int unknown = 0;
    int rated = 0;
    for (const auto& row : r.rows) {
        (row[Col(s, "overall_rating")] ? rated : unknown)++;
    }
    EXPECT_GT(unknown, 0);
    EXPECT_GT(rated, 0);
}

TEST(RealFiles, PartDSuppressedCountsAreNullNotZero) {
    const FileResult r = ParseFile("partd", SharedData("partd_provider_drug_sample.csv"), 2024);
    const DatasetSpec& s = *FindDataset("partd");
    EXPECT_EQ(r.rows[0][Col(s, "data_year")], "2024");
    EXPECT_EQ(r.rows[0][Col(s, "generic_name")], "Rsv Vacc, Pref A And Pref B/Pf");
    EXPECT_EQ(r.rows[0][Col(s, "tot_drug_cst_cents")], "599401");
    int suppressed = 0;
    for (const auto& row : r.rows) {
        if (row[Col(s, "ge65_sprsn_flag")]) {
            ++suppressed;
            EXPECT_EQ(row[Col(s, "ge65_tot_clms")], std::nullopt);
        }
    }
    EXPECT_GT(suppressed, 0);
}

TEST(RealFiles, PartDWithoutYearIsRefused) {
    const DatasetSpec* spec = FindDataset("partd");
    FileSource src(SharedData("partd_provider_drug_sample.csv"));
    EXPECT_THROW(StagingParser(src, *spec, std::nullopt), rounds::core::Error);
}

TEST(RealFiles, OpenPaymentsKindYearAndAmount) {
    const FileResult r = ParseFile("open-payments", SharedData("open_payments_general_2024_sample.csv"));
    const DatasetSpec& s = *FindDataset("open-payments");
    for (const auto& row : r.rows) {
        EXPECT_EQ(row[Col(s, "payment_kind")], "general");
        EXPECT_EQ(row[Col(s, "program_year")], "2024");
        EXPECT_TRUE(row[Col(s, "npi")].has_value());
        EXPECT_TRUE(row[Col(s, "amount_cents")].has_value());
    }
}

TEST(RealFiles, ZctaCentroids) {
    const FileResult r = ParseFile("zcta", SharedData("zcta_gazetteer.txt"));
    const DatasetSpec& s = *FindDataset("zcta");
    EXPECT_EQ(r.rows[0][Col(s, "zip5")], "00601");
    EXPECT_EQ(r.rows[0][Col(s, "lat")], "18.180555");
    EXPECT_EQ(r.rows[0][Col(s, "lng")], "-66.749961");
}

TEST(RealFiles, NuccTrailingSpacesTrimmed) {
    const FileResult r = ParseFile("nucc", SharedData("nucc_taxonomy.csv"));
    const DatasetSpec& s = *FindDataset("nucc");
    EXPECT_EQ(r.rows[0][Col(s, "code")], "193200000X");
    EXPECT_EQ(r.rows[0][Col(s, "display_name")], "Multi-Specialty Group");
}

// The parser reports whether the staged NPIs were strictly ascending (the loader then skips its dedupe sort).
TEST(RealFiles, NppesKeyOrderIsTracked) {
    const DatasetSpec& spec = *FindDataset("nppes");
    auto parse = [&](const std::string& text) {
        testing::StringSource src(text, 4096);
        StagingParser parser(src, spec, std::nullopt);
        CopyWriter out;
        std::vector<Reject> rejects;
        while (parser.NextChunk(out, 1 << 16, rejects)) {
            out.Clear();
        }
        return parser.Stats();
    };
    const std::string path = SharedData("nppes_npidata_2025_sample.csv");
    const ParseStats sorted = parse(testing::SortedBy(path, "NPI"));
    EXPECT_EQ(sorted.rows_staged, 99u);
    EXPECT_TRUE(sorted.key_ascending);
    EXPECT_FALSE(parse(testing::ReadFile(path)).key_ascending) << "the excerpt is not in NPI order";
    const ParseStats repeated = parse(testing::SortedBy(path, "NPI", true));
    EXPECT_EQ(repeated.rows_staged, 100u);
    EXPECT_FALSE(repeated.key_ascending) << "a repeated NPI is not strictly ascending";
    // The content hash (last column) ignores the line number and follows every value.
    {
        const std::string text = testing::SortedBy(path, "NPI");
        const size_t header_end = text.find('\n') + 1;
        const size_t first_end = text.find('\n', header_end) + 1;
        const std::string record = text.substr(header_end, first_end - header_end);
        std::string changed = record;
        size_t at = 0;
        for (int i = 0; i < 5; ++i) {  // the start of the sixth field, Provider Last Name (text)
            at = changed.find("\",\"", at) + 3;
        }
        changed.insert(at, "X");
        testing::StringSource src(text.substr(0, header_end) + record + record + changed, 4096);
        StagingParser parser(src, spec, std::nullopt);
        CopyWriter out;
        std::vector<Reject> rejects;
        std::string all;
        while (parser.NextChunk(out, 1 << 16, rejects)) {
            all += out.Buffer();
            out.Clear();
        }
        all += out.Buffer();
        const auto rows = testing::DecodeCopy(all, spec);
        ASSERT_EQ(rows.size(), 3u);
        ASSERT_EQ(rows[0].size(), spec.columns.size() + 2) << "line, the columns, row_hash";
        EXPECT_NE(rows[0][0], rows[1][0]) << "different lines";
        EXPECT_EQ(rows[0].back(), rows[1].back());
        EXPECT_NE(rows[0].back(), rows[2].back());
        EXPECT_EQ(parser.Converter().CopyColumns().back(), "row_hash");
    }
    // Not a key column (the first NUCC column is text): never claimed.
    const DatasetSpec& nucc = *FindDataset("nucc");
    FileSource src(SharedData("nucc_taxonomy.csv"));
    StagingParser parser(src, nucc, std::nullopt);
    CopyWriter out;
    std::vector<Reject> rejects;
    while (parser.NextChunk(out, 1 << 16, rejects)) {
        out.Clear();
    }
    EXPECT_FALSE(parser.Stats().key_ascending);
}

}  // namespace
}  // namespace rounds::ingest
