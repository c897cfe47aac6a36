// Tests for the synthetic CMS release generator: formats (headers byte-for-byte against the real
// excerpts in ROUNDS_SHARED_DIR/data/cms), NPI validity, cross-file joins, determinism.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gen/generator.h"
#include "gen/headers.h"
#include "gen/model.h"
#include "gen/tables.h"

namespace fs = std::filesystem;
using namespace rounds::gen;

namespace {

const fs::path kCms = fs::path(ROUNDS_SHARED_DIR) / "data" / "cms";

std::string ReadAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// First line without its terminator (LF or CRLF).
std::string FirstLine(const std::string& text) {
    auto e = text.find('\n');
    std::string l = text.substr(0, e);
    if (!l.empty() && l.back() == '\r')
        l.pop_back();
    return l;
}

using Row = std::vector<std::string>;

// Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, separator configurable.
std::vector<Row> ParseCsv(const std::string& text, char sep = ',') {
    std::vector<Row> rows;
    Row row;
    std::string field;
    bool quoted = false;
    bool any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == sep) {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quoted field";
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::size_t Col(const Row& header, const std::string& name) {
    for (std::size_t k = 0; k < header.size(); ++k) {
        std::string h = header[k];
        h.erase(0, h.find_first_not_of(' '));
        if (h == name)
            return k;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
}

// Independent Luhn check over "80840" + the 10-digit NPI.
bool LuhnNpi(const std::string& npi) {
    if (npi.size() != 10 || npi.find_first_not_of("0123456789") != std::string::npos)
        return false;
    const std::string s = "80840" + npi;
    int sum = 0;
    bool dbl = false;
    for (auto it = s.rbegin(); it != s.rend(); ++it) {
        int d = *it - '0';
        if (dbl) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

std::uint64_t Fnv1a(const std::string& s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::map<std::string, std::uint64_t> HashDir(const fs::path& dir) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& e : fs::directory_iterator(dir))
        out[e.path().filename().string()] = Fnv1a(ReadAll(e.path()));
    return out;
}

// Column list of a header-only data set documented in SOURCES.md: the first ``` block after
// the heading line that starts with `heading`.
std::vector<std::string> DocumentedColumns(const std::string& heading, const std::string& after = "") {
    const std::string doc = ReadAll(kCms / "SOURCES.md");
    std::size_t p = doc.find("\n" + heading);
    EXPECT_NE(p, std::string::npos) << heading;
    if (p == std::string::npos)
        return {};
    if (!after.empty())
        p = doc.find(after, p);
    const std::size_t b = doc.find("```\n", p) + 4;
    const std::size_t e = doc.find("```", b);
    std::vector<std::string> cols;
    std::istringstream in(doc.substr(b, e - b));
    for (std::string line; std::getline(in, line);)
        cols.push_back(line);
    return cols;
}

std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

struct Release {
    fs::path dir;
    GenSummary summary;
    std::map<std::string, std::string> path_of;  // dataset/part/year -> file name
};

GenOptions SmallOptions(const fs::path& dir, std::uint64_t seed, unsigned threads) {
    GenOptions o;
    o.physicians = 1000;
    o.seed = seed;
    o.out_dir = dir;
    o.threads = threads;
    o.nucc_path = kCms / "nucc_taxonomy.csv";
    return o;
}

class GenRelease : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        rel_ = new Release;
        rel_->dir = fs::temp_directory_path() / ("rounds_gen_test_" + std::to_string(::getpid()));
        fs::remove_all(rel_->dir);
        std::ostringstream progress;
        rel_->summary = GenerateRelease(SmallOptions(rel_->dir / "a", 42, 2), progress);
        for (const auto& f : rel_->summary.files) {
            rel_->path_of[f.dataset + "/" + f.part + "/" + std::to_string(f.year)] = f.path;
        }
    }
    static void TearDownTestSuite() {
        fs::remove_all(rel_->dir);
        delete rel_;
        rel_ = nullptr;
    }
    static std::string Text(const std::string& key) {
        auto it = rel_->path_of.find(key);
        EXPECT_NE(it, rel_->path_of.end()) << key;
        if (it == rel_->path_of.end())
            return {};
        return ReadAll(rel_->dir / "a" / it->second);
    }
    static std::vector<Row> Csv(const std::string& key) { return ParseCsv(Text(key)); }

    static Release* rel_;
};
Release* GenRelease::rel_ = nullptr;

const char* const kCsvKeys[] = {"nppes/npidata/0",
                                "nppes/pl/0",
                                "nucc//0",
                                "dac//0",
                                "facility-affiliation//0",
                                "hospitals//0",
                                "partb/provider-service/2023",
                                "partb/provider-service/2024",
                                "partd/provider-drug/2023",
                                "partd/provider-drug/2024",
                                "open-payments/general/2023",
                                "open-payments/general/2024"};

}  // namespace

TEST_F(GenRelease, HeadersMatchRealExcerpts) {
    const std::map<std::string, std::string> real = {
        {"nppes/npidata/0", "nppes_npidata_2025_sample.csv"},
        {"nppes/pl/0", "nppes_pl_pfile_sample.csv"},
        {"nucc//0", "nucc_taxonomy.csv"},
        {"dac//0", "dac_national_2021_sample.csv"},
        {"hospitals//0", "hospital_general_info_sample.csv"},
        {"partd/provider-drug/2023", "partd_provider_drug_sample.csv"},
        {"partd/provider-drug/2024", "partd_provider_drug_sample.csv"},
        {"open-payments/general/2023", "open_payments_general_2024_sample.csv"},
        {"open-payments/general/2024", "open_payments_general_2024_sample.csv"},
    };
    for (const auto& [key, file] : real) {
        const std::string want = FirstLine(ReadAll(kCms / file));
        ASSERT_FALSE(want.empty()) << file;
        EXPECT_EQ(FirstLine(Text(key)), want) << key << " vs " << file;
    }
    // The 2026 weekly NPPES file has the same header as the 2025 full file.
    EXPECT_EQ(NppesHeader(), FirstLine(ReadAll(kCms / "nppes_npidata_2026_weekly_sample.csv")));
    // ZCTA: same header, tab layout and CRLF line ends as the sample.
    const std::string gaz = ReadAll(kCms / "zcta_gazetteer.txt");
    const std::string ours = Text("zcta//0");
    EXPECT_EQ(ours.substr(0, ours.find('\n') + 1), gaz.substr(0, gaz.find('\n') + 1));
}

TEST_F(GenRelease, HeaderOnlyDatasetsMatchSourcesMd) {
    EXPECT_EQ(std::string(kFacilityAffiliationHeader), Join(DocumentedColumns("### Facility Affiliation")));
    EXPECT_EQ(FirstLine(Text("facility-affiliation//0")), std::string(kFacilityAffiliationHeader));
    EXPECT_EQ(std::string(kPartBHeader), Join(DocumentedColumns("### Medicare Physician & Other Practitioners")));
    EXPECT_EQ(FirstLine(Text("partb/provider-service/2023")), std::string(kPartBHeader));
    EXPECT_EQ(FirstLine(Text("partb/provider-service/2024")), std::string(kPartBHeader));
    EXPECT_EQ(std::string(kDacCurrentHeader), Join(DocumentedColumns("### DAC National Downloadable File")));
    EXPECT_EQ(std::string(kOpenPaymentsHeader), Join(DocumentedColumns("### Open Payments", "General payments (91)")));
    // Columns documented for files that also have real excerpts agree with the constants.
    EXPECT_EQ(std::string(kPartDHeader), Join(DocumentedColumns("## partd_provider_drug_sample.csv")));
    std::string hgi(kHospitalHeader);
    hgi.erase(std::remove(hgi.begin(), hgi.end(), '"'), hgi.end());
    EXPECT_EQ(hgi, Join(DocumentedColumns("## hospital_general_info_sample.csv")));
    EXPECT_EQ(
        std::string(kNppesPlHeader), "\"" + [] {
            std::string s;
            for (const auto& c : DocumentedColumns("## nppes_pl_pfile_sample.csv"))
                s += (s.empty() ? "" : "\",\"") + c;
            return s;
        }() + "\"");
}

TEST_F(GenRelease, EveryRowHasTheHeaderColumnCount) {
    for (const char* key : kCsvKeys) {
        const auto rows = Csv(key);
        ASSERT_GE(rows.size(), 2u) << key;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            ASSERT_EQ(rows[r].size(), rows[0].size()) << key << " row " << r;
        }
    }
    const auto gaz = ParseCsv(Text("zcta//0"), '\t');
    for (const auto& r : gaz)
        ASSERT_EQ(r.size(), 7u);
}

TEST_F(GenRelease, ManifestAndSummaryAgreeWithFiles) {
    const std::string manifest = ReadAll(rel_->dir / "a" / "manifest.json");
    std::set<std::string> datasets;
    for (const auto& f : rel_->summary.files) {
        datasets.insert(f.dataset);
        EXPECT_EQ(fs::file_size(rel_->dir / "a" / f.path), f.bytes) << f.path;
        EXPECT_NE(manifest.find("\"path\": \"" + f.path + "\""), std::string::npos) << f.path;
        if (f.path.ends_with(".csv")) {
            EXPECT_EQ(ParseCsv(ReadAll(rel_->dir / "a" / f.path)).size() - 1, f.rows) << f.path;
        }
    }
    const std::set<std::string> want = {"nppes", "nucc",          "dac", "facility-affiliation", "hospitals", "partb",
                                        "partd", "open-payments", "zcta"};
    EXPECT_EQ(datasets, want);
    EXPECT_EQ(ReadAll(rel_->dir / "a" / "nucc_taxonomy_251.csv"), ReadAll(kCms / "nucc_taxonomy.csv"));
}

TEST_F(GenRelease, NpisAreValidAndJoinAcrossFiles) {
    const auto nppes = Csv("nppes/npidata/0");
    std::set<std::string> individuals, orgs, all;
    std::size_t deactivated = 0;
    for (std::size_t r = 1; r < nppes.size(); ++r) {
        const auto& row = nppes[r];
        ASSERT_TRUE(LuhnNpi(row[0])) << row[0];
        EXPECT_TRUE(all.insert(row[0]).second) << "duplicate NPI " << row[0];
        if (r > 1) {
            // Sorted by NPI like the CMS file (10 digits each, so text order is numeric order).
            EXPECT_LT(nppes[r - 1][0], row[0]) << "line " << r + 1;
        }
        if (row[1] == "1")
            individuals.insert(row[0]);
        else if (row[1] == "2")
            orgs.insert(row[0]);
        else {
            EXPECT_EQ(row[1], "");
            EXPECT_FALSE(row[39].empty());  // NPI Deactivation Date
            ++deactivated;
        }
    }
    EXPECT_EQ(individuals.size() + deactivated + orgs.size(), all.size());
    const double org_share = static_cast<double>(orgs.size()) / static_cast<double>(all.size());
    EXPECT_GT(org_share, 0.10);
    EXPECT_LT(org_share, 0.20);
    EXPECT_GT(deactivated, 0u);

    auto check = [&](const char* key, const char* col, const std::set<std::string>& universe,
                     std::size_t min_distinct) -> std::set<std::string> {
        const auto rows = Csv(key);
        const std::size_t c = Col(rows[0], col);
        std::set<std::string> seen;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            if (!LuhnNpi(rows[r][c]) || universe.count(rows[r][c]) == 0) {
                ADD_FAILURE() << key << ": invalid NPI or not in the referenced file: " << rows[r][c];
                break;
            }
            seen.insert(rows[r][c]);
        }
        EXPECT_GE(seen.size(), min_distinct) << key;
        return seen;
    };
    std::set<std::string> active = individuals;
    active.insert(orgs.begin(), orgs.end());
    check("nppes/pl/0", "NPI", active, 100);
    const auto dac = check("dac//0", "NPI", individuals, 700);
    check("facility-affiliation//0", "NPI", dac, 200);
    check("partb/provider-service/2023", "Rndrng_NPI", dac, 300);
    check("partb/provider-service/2024", "Rndrng_NPI", dac, 300);
    check("partd/provider-drug/2023", "Prscrbr_NPI", dac, 300);
    check("partd/provider-drug/2024", "Prscrbr_NPI", dac, 300);
    check("open-payments/general/2023", "Covered_Recipient_NPI", individuals, 200);
    check("open-payments/general/2024", "Covered_Recipient_NPI", individuals, 200);

    // DAC: several addresses for a share of physicians; org PAC IDs and names present.
    const auto dac_rows = Csv("dac//0");
    EXPECT_GT(dac_rows.size() - 1, dac.size() + dac.size() / 5);
    // Names in NPPES and DAC agree.
    std::map<std::string, std::string> last_by_npi;
    for (std::size_t r = 1; r < nppes.size(); ++r)
        last_by_npi[nppes[r][0]] = nppes[r][5];
    const std::size_t ln = Col(dac_rows[0], "lst_nm");
    for (std::size_t r = 1; r < dac_rows.size(); ++r)
        ASSERT_EQ(dac_rows[r][ln], last_by_npi[dac_rows[r][0]]);
}

TEST_F(GenRelease, HospitalCcnsJoin) {
    const auto hosp = Csv("hospitals//0");
    std::set<std::string> ccns;
    bool not_available = false;
    for (std::size_t r = 1; r < hosp.size(); ++r) {
        EXPECT_EQ(hosp[r][0].size(), 6u);
        EXPECT_TRUE(ccns.insert(hosp[r][0]).second);
        not_available = not_available || hosp[r][12] == "Not Available";
    }
    EXPECT_GE(ccns.size(), 3u);
    (void)not_available;  // only a share of hospitals lack a rating; with 3 hospitals it may not occur
    const auto fac = Csv("facility-affiliation//0");
    const std::size_t c = Col(fac[0], "Facility Affiliations Certification Number");
    for (std::size_t r = 1; r < fac.size(); ++r)
        ASSERT_TRUE(ccns.count(fac[r][c])) << fac[r][c];
    const auto dac = Csv("dac//0");
    const std::size_t h1 = Col(dac[0], "hosp_afl_1");
    for (std::size_t r = 1; r < dac.size(); ++r) {
        if (!dac[r][h1].empty()) {
            ASSERT_TRUE(ccns.count(dac[r][h1])) << dac[r][h1];
        }
    }
}

TEST_F(GenRelease, ZipsUsedAreInTheGazetteer) {
    std::set<std::string> gaz;
    for (const auto& r : ParseCsv(Text("zcta//0"), '\t'))
        gaz.insert(r[0]);
    auto check = [&](const char* key, const char* col) {
        const auto rows = Csv(key);
        const std::size_t c = Col(rows[0], col);
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const std::string zip = rows[r][c].substr(0, 5);
            ASSERT_TRUE(gaz.count(zip)) << key << " " << rows[r][c];
        }
    };
    check("nppes/pl/0", "Provider Secondary Practice Location Address - Postal Code");
    check("dac//0", "zip");
    check("hospitals//0", "ZIP Code");
    check("partb/provider-service/2024", "Rndrng_Prvdr_Zip5");
    check("open-payments/general/2024", "Recipient_Zip_Code");
    const auto nppes = Csv("nppes/npidata/0");
    const std::size_t c = Col(nppes[0], "Provider Business Practice Location Address Postal Code");
    for (std::size_t r = 1; r < nppes.size(); ++r) {
        if (!nppes[r][c].empty()) {
            ASSERT_EQ(nppes[r][c].size(), 9u);
            ASSERT_TRUE(gaz.count(nppes[r][c].substr(0, 5)));
        }
    }
}

TEST_F(GenRelease, PartDFollowsSuppressionRules) {
    for (const char* key : {"partd/provider-drug/2023", "partd/provider-drug/2024"}) {
        const auto rows = Csv(key);
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const auto& x = rows[r];
            ASSERT_GE(std::stoi(x[10]), 11) << "Tot_Clms";
            if (!x[14].empty()) {
                ASSERT_GE(std::stoi(x[14]), 11) << "Tot_Benes";
            }
            if (!x[15].empty()) {
                ASSERT_TRUE(x[15] == "*" || x[15] == "#");
                ASSERT_TRUE(x[16].empty() && x[17].empty() && x[18].empty() && x[19].empty());
            } else {
                ASSERT_FALSE(x[16].empty());
            }
            if (!x[20].empty()) {
                ASSERT_TRUE(x[21].empty());
            }
        }
    }
    // Trends: both data years exist and differ.
    EXPECT_NE(Text("partd/provider-drug/2023"), Text("partd/provider-drug/2024"));
}

TEST_F(GenRelease, OpenPaymentsRecordIdsAreUnique) {
    std::set<std::string> ids;
    for (const char* key : {"open-payments/general/2023", "open-payments/general/2024"}) {
        const auto rows = Csv(key);
        const std::size_t c = Col(rows[0], "Record_ID");
        const std::size_t y = Col(rows[0], "Program_Year");
        for (std::size_t r = 1; r < rows.size(); ++r) {
            ASSERT_TRUE(ids.insert(rows[r][c]).second) << rows[r][c];
            ASSERT_EQ(rows[r][y], std::string(key).substr(std::string(key).size() - 4));
        }
    }
}

TEST(GenDeterminism, SameSeedSameBytesDifferentSeedDifferentBytes) {
    const fs::path base = fs::temp_directory_path() / ("rounds_gen_det_" + std::to_string(::getpid()));
    fs::remove_all(base);
    std::ostringstream progress;
    GenerateRelease(SmallOptions(base / "a", 7, 1), progress);
    GenerateRelease(SmallOptions(base / "b", 7, 2), progress);  // thread count must not matter
    GenerateRelease(SmallOptions(base / "c", 8, 2), progress);
    const auto a = HashDir(base / "a");
    const auto b = HashDir(base / "b");
    const auto c = HashDir(base / "c");
    EXPECT_EQ(a, b);
    ASSERT_EQ(a.size(), c.size());
    for (const auto& [name, h] : a) {
        if (name == "nucc_taxonomy_251.csv" || name == "2023_Gaz_zcta_national.txt")
            continue;  // seed independent
        EXPECT_NE(h, c.at(name)) << name;
    }
    fs::remove_all(base);
}

TEST(GenTables, TaxonomyCodesAreRealNuccCodes) {
    const auto rows = ParseCsv(ReadAll(kCms / "nucc_taxonomy.csv"));
    ASSERT_GT(rows.size(), 800u);
    auto trim = [](std::string s) {
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
    };
    std::map<std::string, Row> by_code;
    for (std::size_t r = 1; r < rows.size(); ++r)
        by_code[trim(rows[r][0])] = rows[r];
    std::set<std::string> seen;
    for (const auto& s : Specialties()) {
        const auto it = by_code.find(std::string(s.taxonomy));
        ASSERT_NE(it, by_code.end()) << s.taxonomy;
        EXPECT_TRUE(seen.insert(std::string(s.taxonomy)).second) << "duplicate " << s.taxonomy;
        EXPECT_EQ(trim(it->second[6]), s.display) << s.taxonomy;
        std::string path = trim(it->second[1]) + "|" + trim(it->second[2]);
        if (!trim(it->second[3]).empty())
            path += "|" + trim(it->second[3]);
        EXPECT_EQ(path, s.nucc_path) << s.taxonomy;
    }
    EXPECT_GE(seen.size(), 55u);
    // Organisation taxonomies used by the generator.
    for (const char* code : {"282N00000X", "261QM1300X", "193200000X", "261QP2300X", "193400000X"}) {
        EXPECT_TRUE(by_code.count(code)) << code;
    }
}

TEST(GenTables, ZipTableMatchesGazetteer) {
    const auto rows = ParseCsv(ReadAll(kCms / "zcta_gazetteer.txt"), '\t');
    std::map<std::string, Row> by_zip;
    for (const auto& r : rows)
        by_zip[r[0]] = r;
    for (const auto& z : TwinCitiesZips()) {
        const auto it = by_zip.find(std::string(z.zip));
        ASSERT_NE(it, by_zip.end()) << z.zip;
        const Row& r = it->second;
        EXPECT_EQ(r[1], z.aland);
        EXPECT_EQ(r[2], z.awater);
        EXPECT_EQ(r[3], z.aland_sqmi);
        EXPECT_EQ(r[4], z.awater_sqmi);
        EXPECT_EQ(r[5], z.intptlong);
        EXPECT_EQ(r[6], z.intptlat);
        EXPECT_NEAR(std::stod(r[6]), z.lat, 1e-9);
        EXPECT_NEAR(std::stod(r[5]), z.lng, 1e-9);
    }
}

TEST(GenModel, NpiSpaceIsCollisionFreeAndValid) {
    const Universe u(123, 20000, {0, 1, 2, 3});
    std::set<std::uint64_t> npis;
    for (std::uint64_t i = 0; i < 20000; ++i) {
        const std::uint64_t npi = u.MakePerson(i).npi;
        ASSERT_TRUE(NpiIsValid(npi));
        ASSERT_TRUE(LuhnNpi(std::to_string(npi)));
        ASSERT_TRUE(npis.insert(npi).second);
    }
    for (std::uint64_t j = 0; j < u.orgs(); ++j)
        ASSERT_TRUE(npis.insert(u.OrgNpi(j)).second);
    // The permutation is a bijection on [0, 10^8): spot-check a dense prefix.
    IdPermutation perm(99);
    std::set<std::uint32_t> out;
    for (std::uint32_t x = 0; x < 200000; ++x) {
        const auto y = perm.Map(x);
        ASSERT_LT(y, 100000000u);
        ASSERT_TRUE(out.insert(y).second);
    }
    // Known real NPIs from the samples pass our validator.
    EXPECT_TRUE(NpiIsValid(1679576722ull));
    EXPECT_TRUE(NpiIsValid(1003000126ull));
    EXPECT_FALSE(NpiIsValid(1679576723ull));
}

TEST(GenOptionsTest, RejectsBadOptions) {
    std::ostringstream progress;
    GenOptions o;
    o.out_dir = fs::temp_directory_path() / "rounds_gen_bad";
    o.physicians = 10;
    EXPECT_THROW(GenerateRelease(o, progress), std::invalid_argument);
    o.physicians = 1000;
    o.region = "atlantis";
    EXPECT_THROW(GenerateRelease(o, progress), std::invalid_argument);
    o.region = "twin-cities";
    o.zips = {"99999"};
    EXPECT_THROW(GenerateRelease(o, progress), std::invalid_argument);
    std::ostringstream out;
    EXPECT_EQ(RunGen(o, out), 2);
}

TEST(GenOptionsTest, RegionFilterRestrictsZips) {
    const fs::path dir = fs::temp_directory_path() / ("rounds_gen_region_" + std::to_string(::getpid()));
    GenOptions o = SmallOptions(dir, 3, 2);
    o.centre_zip = "55401";
    o.radius_km = 4;
    o.dac_layout = DacLayout::kCurrent;
    o.open_payments_quote_all = true;
    std::ostringstream out;
    ASSERT_EQ(RunGen(o, out), 0) << out.str();
    EXPECT_NE(out.str().find("MB/s"), std::string::npos);
    const auto gaz = ParseCsv(ReadAll(dir / "2023_Gaz_zcta_national.txt"), '\t');
    EXPECT_LT(gaz.size(), 30u);
    std::set<std::string> zips;
    for (const auto& r : gaz)
        zips.insert(r[0]);
    const auto dac = ParseCsv(ReadAll(dir / "DAC_NationalDownloadableFile.csv"));
    EXPECT_EQ(FirstLine(ReadAll(dir / "DAC_NationalDownloadableFile.csv")), std::string(kDacCurrentHeader));
    const std::size_t c = Col(dac[0], "ZIP Code");
    for (std::size_t r = 1; r < dac.size(); ++r) {
        ASSERT_EQ(dac[r].size(), 31u);
        ASSERT_TRUE(zips.count(dac[r][c].substr(0, 5)));
    }
    const std::string op = ReadAll(dir / "OP_DTL_GNRL_PGYR2024_P06302026.csv");
    EXPECT_EQ(op.substr(0, 15), "\"Change_Type\",\"");
    for (const auto& row : ParseCsv(op))
        ASSERT_EQ(row.size(), 91u);
    fs::remove_all(dir);
}
