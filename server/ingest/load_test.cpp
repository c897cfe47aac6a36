// Loads into a throw-away database (ROUNDS_TEST_DATABASE_URL; skipped without it). Each test gets its own
// scratch database cloned from the extension template, migrated by the fixture.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "db/migrate.h"
#include "db/sync_connection.h"
#include "db/test_db.h"
#include "ingest/csv_reader.h"
#include "ingest/ingest.h"
#include "ingest/test_support.h"
#include "ingest/text.h"

namespace rounds::ingest {
namespace {

using testing::Corpus;
using testing::SharedData;

class LoadTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ROUNDS_REQUIRE_DB();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string("ingest_") + info->name();
        for (char& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        db_ = std::make_unique<db::testing::ScratchDatabase>(name);
        conn_ = std::make_unique<db::SyncConnection>(db_->Url());
        db::ApplyMigrations(*conn_, db::EmbeddedMigrations());
        store_ = ::testing::TempDir() + "/" + name + "-store";
    }

    IngestOptions Options(const std::string& dataset, const std::string& input) const {
        IngestOptions o;
        o.dataset = dataset;
        o.input = input;
        o.database_url = db_->Url();
        o.object_store_dir = store_;
        o.progress = false;
        return o;
    }

    IngestReport Load(const std::string& dataset, const std::string& input, std::optional<int> year = std::nullopt,
                      std::string mode = "auto") {
        IngestOptions o = Options(dataset, input);
        o.year = year;
        o.mode = std::move(mode);
        IngestReport r = Ingest(o);
        EXPECT_EQ(r.rows_read, r.rows_loaded + r.rows_rejected) << dataset;
        return r;
    }

    int64_t Count(const std::string& sql) { return conn_->Exec(sql).GetInt(0, 0); }
    std::string Text(const std::string& sql) {
        db::Result r = conn_->Exec(sql);
        return r.Rows() == 0 || r.IsNull(0, 0) ? "<null>" : std::string(r.Get(0, 0));
    }

    std::unique_ptr<db::testing::ScratchDatabase> db_;
    std::unique_ptr<db::SyncConnection> conn_;
    std::string store_;
};

// The source text of `column` on data row `row` (0-based) of a CSV, read independently of the loader.
std::string SourceField(const std::string& path, size_t row, const std::string& column) {
    FileSource src(path);
    CsvReader reader(src, {});
    CsvRecord rec;
    reader.Next(rec);
    size_t col = 0;
    for (; col < rec.fields.size() && Trim(rec.fields[col]) != column; ++col) {
    }
    for (size_t i = 0; i <= row; ++i) {
        reader.Next(rec);
    }
    return std::string(Trim(rec.fields.at(col)));
}

TEST_F(LoadTest, EveryRealExcerptLoadsAndCountsAddUp) {
    struct Case {
        std::string dataset;
        std::string file;
        uint64_t rows;
        std::string table;
        int64_t table_rows;
    };
    const std::vector<Case> cases = {
        {"zcta", "zcta_gazetteer.txt", 33121, "ref.zcta", 33120},
        {"nucc", "nucc_taxonomy.csv", 883, "ref.taxonomy", 883},
        {"hospitals", "hospital_general_info_sample.csv", 2000, "ref.facility", 2000},
        {"nppes", "nppes_npidata_2025_sample.csv", 99, "ref.physician", 99},
        {"nppes-locations", "nppes_pl_pfile_sample.csv", 2000, "ref.physician_address WHERE source = 'nppes_secondary'",
         -1},
        {"dac", "dac_national_2021_sample.csv", 386, "ref.enrollment", -1},
        {"partd", "partd_provider_drug_sample.csv", 26, "ref.partd_drug", 26},
        {"open-payments", "open_payments_general_2024_sample.csv", 25, "ref.open_payment", 25},
    };
    for (const Case& c : cases) {
        const IngestReport r = Load(c.dataset, SharedData(c.file), 2024);
        EXPECT_EQ(r.status, "succeeded") << c.dataset << ": " << r.error;
        EXPECT_EQ(r.rows_read, c.rows) << c.dataset;
        EXPECT_EQ(Count("SELECT count(*) FROM ref.ingest_reject WHERE severity = 'reject' AND load_id = " +
                        std::to_string(r.load_id)),
                  static_cast<int64_t>(r.rows_rejected))
            << c.dataset;
        if (c.table_rows >= 0) {
            EXPECT_EQ(Count("SELECT count(*) FROM " + c.table), c.table_rows) << c.dataset;
        } else {
            EXPECT_GT(Count("SELECT count(*) FROM " + c.table), 0) << c.dataset;
        }
        EXPECT_EQ(Text("SELECT status FROM ref.dataset_load WHERE load_id = " + std::to_string(r.load_id)),
                  "succeeded");
        EXPECT_EQ(r.checksum_sha256.size(), 64u);
        EXPECT_TRUE(std::filesystem::exists(r.archive_path)) << r.archive_path;
    }
    // Values equal the source text.
    const std::string nppes = SharedData("nppes_npidata_2025_sample.csv");
    const std::string npi = SourceField(nppes, 0, "NPI");
    EXPECT_EQ(Text("SELECT concat_ws('|', last_name, first_name, org_name) FROM ref.physician WHERE npi = " + npi),
              [&] {
                  std::string s;
                  for (const char* c : {"Provider Last Name (Legal Name)", "Provider First Name",
                                        "Provider Organization Name (Legal Business Name)"}) {
                      const std::string v = SourceField(nppes, 0, c);
                      if (!v.empty()) {
                          s += (s.empty() ? "" : "|") + v;
                      }
                  }
                  return s;
              }());
    const std::string partd = SharedData("partd_provider_drug_sample.csv");
    EXPECT_EQ(
        Text("SELECT (tot_drug_cst_cents / 100.0)::numeric(12,2)::text FROM ref.partd_drug WHERE data_year = 2024 "
             "AND npi = " +
             SourceField(partd, 0, "Prscrbr_NPI") + " AND brand_name = '" + SourceField(partd, 0, "Brnd_Name") + "'"),
        SourceField(partd, 0, "Tot_Drug_Cst"));
    EXPECT_EQ(Text("SELECT name FROM ref.facility WHERE ccn = '010001'"), "SOUTHEAST HEALTH MEDICAL CENTER");
    EXPECT_GT(Count("SELECT count(*) FROM ref.facility WHERE overall_rating IS NULL"), 0);
    // Search name and geocoding.
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician WHERE search_name = ''"),
              Count("SELECT count(*) FROM ref.physician WHERE entity_type IS NULL"));
    EXPECT_GT(Count("SELECT count(*) FROM ref.physician_address WHERE geocode_quality = 'zip_centroid' "
                    "AND geog IS NOT NULL"),
              0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician_address WHERE geocoded_hash IS DISTINCT FROM address_hash"), 0);
    // Derived tables.
    EXPECT_EQ(Count("SELECT count(*) FROM ref.npi_partd_year WHERE data_year = 2024"),
              Count("SELECT count(DISTINCT npi) FROM ref.partd_drug WHERE data_year = 2024"));
    EXPECT_EQ(Count("SELECT sum(claims) FROM ref.npi_partd_year"), Count("SELECT sum(tot_clms) FROM ref.partd_drug"));
    EXPECT_EQ(Count("SELECT sum(payments) FROM ref.npi_open_payment_year"), 25);
}

// A first load drops the secondary indexes of the tables it fills and builds them again in the same
// transaction: afterwards every index is there with the same definition, and valid.
TEST_F(LoadTest, BulkLoadRestoresEveryIndex) {
    const std::string indexes =
        "SELECT string_agg(indexdef, E'\\n' ORDER BY indexdef) FROM pg_indexes WHERE schemaname = 'ref'";
    const std::string before = Text(indexes);
    ASSERT_EQ(Load("zcta", SharedData("zcta_gazetteer.txt")).status, "succeeded");
    const IngestReport r = Load("nppes", SharedData("nppes_npidata_2025_sample.csv"));
    ASSERT_EQ(r.status, "succeeded") << r.error;
    ASSERT_GT(r.rows_inserted, 0u);
    EXPECT_EQ(Text(indexes), before);
    EXPECT_EQ(Count("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ref' AND NOT i.indisvalid"),
              0);
    // The rebuilt name-word index answers like a scan.
    const std::string words =
        "SELECT count(*) FROM ref.physician WHERE removed_at IS NULL AND name_words && "
        "(SELECT array_agg(w) FROM (SELECT unnest(name_words) w FROM ref.physician LIMIT 5) x)";
    conn_->Exec("SET enable_seqscan = off");
    const int64_t via_index = Count(words);
    conn_->Exec("RESET enable_seqscan");
    conn_->Exec("SET enable_bitmapscan = off");
    conn_->Exec("SET enable_indexscan = off");
    EXPECT_GT(via_index, 0);
    EXPECT_EQ(Count(words), via_index);
    conn_->Exec("RESET enable_bitmapscan");
    conn_->Exec("RESET enable_indexscan");
}

TEST_F(LoadTest, NpisJoinAcrossDatasets) {
    Load("nucc", SharedData("nucc_taxonomy.csv"));
    Load("hospitals", SharedData("hospital_general_info_sample.csv"));
    Load("nppes", SharedData("nppes_npidata_2025_sample.csv"));
    Load("facility-affiliation", Corpus("affiliation_join.csv"));
    EXPECT_EQ(Count("SELECT count(*) FROM ref.affiliation a JOIN ref.physician p USING (npi) "
                    "JOIN ref.facility f USING (ccn)"),
              3);
    EXPECT_GT(Count("SELECT count(*) FROM ref.physician_taxonomy t JOIN ref.taxonomy x ON x.code = t.taxonomy_code"),
              50);
}

TEST_F(LoadTest, SameReleaseAgainChangesNothing) {
    for (const char* ds : {"nppes", "hospitals"}) {
        const std::string file =
            std::string(ds) == "nppes" ? "nppes_npidata_2025_sample.csv" : "hospital_general_info_sample.csv";
        const IngestReport first = Load(ds, SharedData(file));
        EXPECT_GT(first.rows_inserted, 0u);
        const std::string table = std::string(ds) == "nppes" ? "ref.physician" : "ref.facility";
        const std::string fingerprint = Text("SELECT string_agg(xmin::text, ',' ORDER BY xmin::text) FROM " + table);
        const IngestReport again = Load(ds, SharedData(file));
        EXPECT_EQ(again.status, "succeeded");
        EXPECT_EQ(again.rows_inserted, 0u) << ds;
        EXPECT_EQ(again.rows_updated, 0u) << ds;
        EXPECT_EQ(again.rows_removed, 0u) << ds;
        EXPECT_EQ(again.rows_unchanged, first.rows_inserted) << ds;
        EXPECT_EQ(Text("SELECT string_agg(xmin::text, ',' ORDER BY xmin::text) FROM " + table), fingerprint)
            << "no tuple was rewritten";
    }
}

TEST_F(LoadTest, NppesReleasesRecordChangesAndWeeklyFilesRemoveNothing) {
    const IngestReport y2016 = Load("nppes", SharedData("nppes_npidata_2016_sample.csv"), std::nullopt, "full");
    EXPECT_EQ(y2016.rows_inserted, 10u);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.npi_change"), 0) << "the first load is a baseline";
    const IngestReport y2025 = Load("nppes", SharedData("nppes_npidata_2025_sample.csv"), std::nullopt, "full");
    EXPECT_EQ(y2025.rows_inserted, 89u);
    EXPECT_EQ(y2025.rows_updated + y2025.rows_unchanged, 10u);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.npi_change WHERE change_kind = 'new' AND load_id = " +
                    std::to_string(y2025.load_id)),
              89);
    // Full release with fewer NPIs: the absent ones are marked removed, not deleted.
    const IngestReport y2019 = Load("nppes", SharedData("nppes_npidata_2019_sample.csv"), std::nullopt, "full");
    EXPECT_EQ(y2019.rows_removed, 80u);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician WHERE removed_at IS NULL"), 19);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician"), 99);
    // A weekly file carries only changed NPIs: nothing else is removed.
    const IngestReport weekly =
        Load("nppes", SharedData("nppes_npidata_2026_weekly_sample.csv"), std::nullopt, "incremental");
    EXPECT_EQ(weekly.mode, "incremental");
    EXPECT_EQ(weekly.rows_removed, 0u);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician WHERE removed_at IS NULL"), 22);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.npi_change WHERE change_kind = 'new' AND load_id = " +
                    std::to_string(weekly.load_id)),
              3);
}

// The CMS file is sorted by NPI: the loader then reads the staging table through a view instead of a sorted
// copy, and a first load inserts into the truncated targets. Both must store exactly what the general path
// (dedupe sort, upsert) stores, and a reload through the view path must rewrite nothing.
// The search rows (word ids are arbitrary: compared by word) and the nearby rows.
const std::string kDerivedFingerprint =
    "SELECT md5((SELECT string_agg(w.word || ':' || p.rank || ':' || p.npi, '|' ORDER BY w.word, p.rank, p.npi) "
    "FROM ref.name_posting p JOIN ref.name_word w USING (word_id)) || (SELECT string_agg(word || ':' || n, '|' "
    "ORDER BY word) FROM ref.name_word) || (SELECT string_agg(d.variant || ':' || w.word, '|' ORDER BY d.variant, "
    "w.word) FROM ref.name_word_del d JOIN ref.name_word w USING (word_id)) || (SELECT string_agg(c.code || ':' || "
    "m.npi || ':' || ST_AsText(g.geog), '|' ORDER BY c.code, m.npi, m.address_id) FROM ref.nearby_member m JOIN "
    "ref.nearby_code c USING (code_id) JOIN ref.geo_point g USING (point_id)) || (SELECT string_agg(c.code || ':' "
    "|| p.n || ':' || ST_AsText(p.geog), '|' ORDER BY c.code, ST_AsText(p.geog)) FROM ref.nearby_point p JOIN "
    "ref.nearby_code c USING (code_id)))";

TEST_F(LoadTest, SortedReleaseLoadsLikeTheGeneralMerge) {
    const std::string& derived = kDerivedFingerprint;
    const std::string original = SharedData("nppes_npidata_2025_sample.csv");
    const std::string sorted = store_ + "/sorted/npidata_pfile_sorted.csv";
    const std::string repeated = store_ + "/repeated/npidata_pfile_repeated.csv";
    std::filesystem::create_directories(store_ + "/sorted");
    std::filesystem::create_directories(store_ + "/repeated");
    std::ofstream(sorted) << testing::SortedBy(original, "NPI");
    std::ofstream(repeated) << testing::SortedBy(original, "NPI", true);
    const std::string fingerprint =
        "SELECT md5((SELECT string_agg(p::text, '|' ORDER BY npi) FROM (SELECT npi, entity_type, org_name, last_name, "
        "first_name, middle_name, credential, gender, practice_line1, practice_city, practice_postal_code, "
        "enumeration_date, deactivation_date, sole_proprietor, search_name, removed_at FROM ref.physician) p) || "
        "(SELECT string_agg(t::text, '|' ORDER BY npi, slot) FROM (SELECT npi, slot, taxonomy_code, license_number, "
        "license_state, is_primary, taxonomy_group FROM ref.physician_taxonomy) t) || "
        "(SELECT string_agg(a::text, '|' ORDER BY npi, source, source_key) FROM (SELECT npi, source, source_key, "
        "line1, line2, city, state, postal_code, zip5, phone, address_hash, ST_AsText(geog), geocode_quality, "
        "geocoded_hash, removed_at FROM ref.physician_address) a))";

    // The general path, in a database of its own: the excerpt is not in NPI order.
    db::testing::ScratchDatabase general("ingest_sorted_general");
    {
        db::SyncConnection c(general.Url());
        db::ApplyMigrations(c, db::EmbeddedMigrations());
    }
    IngestOptions o = Options("zcta", SharedData("zcta_gazetteer.txt"));
    o.database_url = general.Url();
    ASSERT_EQ(Ingest(o).status, "succeeded");
    o = Options("nppes", original);
    o.database_url = general.Url();
    const IngestReport g = Ingest(o);
    ASSERT_EQ(g.status, "succeeded") << g.error;
    EXPECT_FALSE(g.sorted_input);
    EXPECT_TRUE(g.first_load);
    EXPECT_FALSE(g.prepared_aside) << "unsorted: the merge derives everything itself";
    const std::string expected = db::SyncConnection(general.Url()).Exec(fingerprint).Get(0, 0).data();
    const std::string expected_derived = db::SyncConnection(general.Url()).Exec(derived).Get(0, 0).data();

    ASSERT_EQ(Load("zcta", SharedData("zcta_gazetteer.txt")).status, "succeeded");
    const IngestReport first = Load("nppes", sorted);
    ASSERT_EQ(first.status, "succeeded") << first.error;
    EXPECT_TRUE(first.sorted_input);
    EXPECT_TRUE(first.first_load);
    EXPECT_TRUE(first.prepared_aside) << "sorted first load: rows prepared on the second connection";
    EXPECT_EQ(first.rows_inserted, g.rows_inserted);
    EXPECT_EQ(Text(fingerprint), expected);
    EXPECT_EQ(Text(derived), expected_derived);
    EXPECT_GT(Count("SELECT count(*) FROM ref.name_posting"), Count("SELECT count(*) FROM ref.physician"));
    EXPECT_EQ(Count("SELECT count(*) FROM ref.search_dirty"), 0) << "nothing left queued after the commit";
    EXPECT_EQ(Count("SELECT count(*) FROM pg_class WHERE relname LIKE 'bulk\\_%'"), 0) << "scratch tables dropped";
    // The dictionary's identity continues after the installed word ids (a later load adds words).
    EXPECT_EQ(Count("WITH w AS (INSERT INTO ref.name_word (word, n) VALUES ('zzqqxx', 0) RETURNING word_id) "
                    "SELECT count(*) FROM w WHERE word_id > (SELECT max(word_id) FROM ref.name_word)"),
              1);
    conn_->Exec("DELETE FROM ref.name_word WHERE word = 'zzqqxx'");
    // The same rows as a wholesale rebuild from the stored physicians.
    conn_->Exec("SELECT ref.refresh_name_search(NULL)");
    EXPECT_EQ(Text(derived), expected_derived);
    EXPECT_GT(Count("SELECT count(*) FROM ref.physician_address WHERE geocode_quality = 'zip_centroid'"), 0);

    // A reload of the sorted release (view path, upsert into full targets) rewrites no tuple.
    const std::string xmins =
        "SELECT md5(string_agg(xmin::text, ',' ORDER BY npi)) FROM (SELECT xmin, npi FROM ref.physician UNION ALL "
        "SELECT xmin, npi FROM ref.physician_taxonomy UNION ALL SELECT xmin, npi FROM ref.physician_address) x";
    const std::string before = Text(xmins);
    const IngestReport again = Load("nppes", sorted);
    ASSERT_EQ(again.status, "succeeded") << again.error;
    EXPECT_TRUE(again.sorted_input);
    EXPECT_FALSE(again.first_load);
    EXPECT_EQ(again.rows_inserted + again.rows_updated + again.rows_removed, 0u);
    EXPECT_EQ(again.rows_unchanged, first.rows_inserted);
    EXPECT_EQ(again.rows_candidates, 0u) << "every content hash matched";
    EXPECT_EQ(Text(xmins), before);
    EXPECT_EQ(Text(fingerprint), expected);

    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician WHERE row_hash IS NULL"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM pg_class WHERE relname IN ('stage_nppes', 'nppes_src')"), 0)
        << "the stage and its view are gone after the load";

    // One NPI moves: only its rows are rewritten (the content hash finds it), the others keep their tuples.
    const std::string npi = Text(
        "SELECT npi FROM ref.physician WHERE practice_line1 IS NOT NULL AND practice_line1 NOT LIKE '%\"%' "
        "ORDER BY npi LIMIT 1");
    const std::string line1 = Text("SELECT practice_line1 FROM ref.physician WHERE npi = " + npi);
    bool replaced = false;
    const std::string moved_text = testing::MoveAddressLine(testing::SortedBy(original, "NPI"), npi, line1, replaced);
    ASSERT_TRUE(replaced) << npi << " " << line1;
    const std::string moved = store_ + "/moved/npidata_pfile_moved.csv";
    std::filesystem::create_directories(store_ + "/moved");
    std::ofstream(moved) << moved_text;
    const std::string others =
        "SELECT md5(string_agg(xmin::text, ',' ORDER BY npi)) FROM (SELECT xmin, npi FROM ref.physician UNION ALL "
        "SELECT xmin, npi FROM ref.physician_taxonomy UNION ALL SELECT xmin, npi FROM ref.physician_address) x "
        "WHERE npi <> " +
        npi;
    const std::string others_before = Text(others);
    const IngestReport move = Load("nppes", moved);
    ASSERT_EQ(move.status, "succeeded") << move.error;
    EXPECT_EQ(move.rows_updated, 1u);
    EXPECT_EQ(move.rows_candidates, 1u);
    EXPECT_EQ(move.rows_inserted + move.rows_removed, 0u);
    EXPECT_EQ(move.rows_unchanged, first.rows_inserted - 1);
    EXPECT_EQ(Text(others), others_before);
    EXPECT_EQ(Text("SELECT line1 FROM ref.physician_address WHERE source = 'nppes' AND npi = " + npi),
              line1 + " SUITE 9");
    EXPECT_EQ(Count("SELECT count(*) FROM ref.npi_change WHERE change_kind = 'moved' AND npi = " + npi +
                    " AND load_id = " + std::to_string(move.load_id)),
              1);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.npi_change WHERE load_id = " + std::to_string(move.load_id)), 1);
    // Back to the sorted release: the NPI moves back, nothing else changes.
    const IngestReport back = Load("nppes", sorted);
    EXPECT_EQ(back.rows_updated, 1u);
    EXPECT_EQ(Text(fingerprint), expected);

    // A repeated NPI is not ascending: the dedupe path keeps one row per NPI and changes nothing here.
    const IngestReport dup = Load("nppes", repeated);
    ASSERT_EQ(dup.status, "succeeded") << dup.error;
    EXPECT_FALSE(dup.sorted_input);
    EXPECT_EQ(dup.rows_loaded, first.rows_loaded + 1);
    EXPECT_EQ(dup.rows_unchanged, first.rows_inserted);
    EXPECT_EQ(Text(fingerprint), expected);

    // Rows stored before content hashes: compared column by column, and not rewritten just to store a hash.
    conn_->Exec("UPDATE ref.physician SET row_hash = NULL");
    const std::string legacy = Text(xmins);
    const IngestReport old_rows = Load("nppes", sorted);
    ASSERT_EQ(old_rows.status, "succeeded") << old_rows.error;
    EXPECT_EQ(old_rows.rows_candidates, first.rows_inserted);
    EXPECT_EQ(old_rows.rows_unchanged, first.rows_inserted);
    EXPECT_EQ(old_rows.rows_updated, 0u);
    EXPECT_EQ(Text(xmins), legacy);
    EXPECT_EQ(Text(fingerprint), expected);
}

// The second connection of a first load failing (here at once: a view where its scratch table goes) leaves the
// merge to derive everything itself: the load succeeds with the same rows a wholesale rebuild gives.
TEST_F(LoadTest, SideConnectionFailureFallsBackToTheMerge) {
    const std::string sorted = store_ + "/sorted/npidata_pfile_sorted.csv";
    std::filesystem::create_directories(store_ + "/sorted");
    std::ofstream(sorted) << testing::SortedBy(SharedData("nppes_npidata_2025_sample.csv"), "NPI");
    ASSERT_EQ(Load("zcta", SharedData("zcta_gazetteer.txt")).status, "succeeded");
    conn_->Exec("CREATE VIEW ref.bulk_taxonomy AS SELECT 1 AS x");
    const IngestReport r = Load("nppes", sorted);
    ASSERT_EQ(r.status, "succeeded") << r.error;
    EXPECT_TRUE(r.sorted_input);
    EXPECT_TRUE(r.first_load);
    EXPECT_FALSE(r.prepared_aside);
    EXPECT_GT(Count("SELECT count(*) FROM ref.physician_taxonomy"), 0);
    EXPECT_GT(Count("SELECT count(*) FROM ref.physician_address WHERE geog IS NOT NULL"), 0);
    EXPECT_GT(Count("SELECT count(*) FROM ref.nearby_member"), 0);
    const std::string loaded = Text(kDerivedFingerprint);
    conn_->Exec("DROP VIEW ref.bulk_taxonomy");
    conn_->Exec("BEGIN");
    conn_->Exec("SELECT ref.refresh_name_search(NULL)");
    conn_->Exec("SELECT ref.refresh_nearby(NULL)");
    EXPECT_EQ(Text(kDerivedFingerprint), loaded);
    conn_->Exec("ROLLBACK");
}

// A read error in the parser thread (a zip member failing its CRC at the end) fails the load cleanly: the error
// reaches the caller, the lineage row says why, nothing is loaded, and the next load works.
TEST_F(LoadTest, ReadErrorWhileStagingFailsTheLoad) {
    std::ostringstream out;
    EXPECT_EQ(RunIngest(Options("nucc", Corpus("corrupt_crc.zip")), out), 2) << out.str();
    EXPECT_NE(out.str().find("CRC-32 mismatch"), std::string::npos) << out.str();
    EXPECT_EQ(Text("SELECT status FROM ref.dataset_load"), "failed");
    EXPECT_EQ(Count("SELECT count(*) FROM ref.taxonomy"), 0);
    EXPECT_EQ(Load("nucc", SharedData("nucc_taxonomy.csv")).status, "succeeded");
    EXPECT_EQ(Count("SELECT count(*) FROM ref.taxonomy"), 883);
}

TEST_F(LoadTest, RejectRateAboveThresholdChangesNothing) {
    IngestOptions o = Options("facility-affiliation", Corpus("bad_npi.csv"));
    std::ostringstream out;
    EXPECT_EQ(RunIngest(o, out), 3) << out.str();
    EXPECT_NE(out.str().find("above the 5.0% threshold"), std::string::npos) << out.str();
    EXPECT_EQ(Count("SELECT count(*) FROM ref.affiliation"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.ingest_reject WHERE severity = 'reject'"), 3);
    EXPECT_EQ(Text("SELECT field || ': ' || reason FROM ref.ingest_reject WHERE line = 3"),
              "NPI: NPI check digit is wrong (Luhn with prefix 80840): '1234567890'");
    EXPECT_EQ(Text("SELECT status FROM ref.dataset_load"), "failed");
    // With a tolerant threshold the valid row loads.
    o.max_reject_rate = 0.9;
    std::ostringstream out2;
    EXPECT_EQ(RunIngest(o, out2), 0) << out2.str();
    EXPECT_EQ(Count("SELECT count(*) FROM ref.affiliation"), 1);
}

TEST_F(LoadTest, CliErrorsNameFileAndColumn) {
    std::ostringstream out;
    EXPECT_EQ(RunIngest(Options("nppes", Corpus("renamed_header.csv")), out), 2);
    EXPECT_NE(out.str().find("renamed_header.csv:1"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("'NPI'"), std::string::npos) << out.str();
    std::ostringstream out2;
    EXPECT_EQ(RunIngest(Options("partd", SharedData("partd_provider_drug_sample.csv")), out2), 2);
    EXPECT_NE(out2.str().find("--year"), std::string::npos) << out2.str();
    std::ostringstream out3;
    EXPECT_EQ(RunIngest(Options("nope", "x"), out3), 2);
}

TEST_F(LoadTest, KilledLoadLeavesPreviousReleaseAndRerunSucceeds) {
    const std::string zcta = SharedData("zcta_gazetteer.txt");
    ASSERT_EQ(Load("zcta", zcta).status, "succeeded");
    const std::string before = Text("SELECT md5(string_agg(zip5 || lat || lng, ',' ORDER BY zip5)) FROM ref.zcta");

    // A bigger release with moved centroids: 33k ZCTAs repeated under other ZIPs, all latitudes shifted.
    const std::string big = ::testing::TempDir() + "/zcta_big_" + std::to_string(::getpid()) + ".txt";
    {
        std::ifstream in(zcta);
        std::ofstream out(big);
        std::string line;
        std::getline(in, line);
        out << line << "\n";
        std::vector<std::string> rows;
        while (std::getline(in, line)) {
            if (line.size() > 10 && line[0] != '\t') {
                rows.push_back(line);
            }
        }
        for (int copy = 0; copy < 4; ++copy) {
            for (const std::string& r : rows) {
                std::string zip = r.substr(0, 5);
                if (copy > 0) {
                    zip = std::to_string(copy) + zip.substr(1);  // distinct ZIPs, same shape
                }
                out << zip << r.substr(5, r.rfind('\t') - 5) << "\t1.5\n";
            }
        }
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            IngestOptions o = Options("zcta", big);
            try {
                Ingest(o);
            } catch (...) {
                _exit(1);
            }
            _exit(0);
        }
        // attempt 0: kill while staging; attempt 1: kill once staged (during the merge).
        const std::string wait_for = attempt == 0 ? "status = 'running'" : "staged_at IS NOT NULL";
        bool seen = false;
        for (int i = 0; i < 3000 && !seen; ++i) {
            seen = Count("SELECT count(*) FROM ref.dataset_load WHERE dataset = 'zcta' AND status = 'running' AND " +
                         wait_for) > 0;
            if (!seen) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        }
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        EXPECT_TRUE(seen) << "the child never reached the stage to kill (attempt " << attempt << ")";
        EXPECT_EQ(Text("SELECT md5(string_agg(zip5 || lat || lng, ',' ORDER BY zip5)) FROM ref.zcta"), before)
            << "previous release intact after kill -9 (attempt " << attempt << ")";
    }
    const IngestReport rerun = Load("zcta", big);
    EXPECT_EQ(rerun.status, "succeeded");
    EXPECT_EQ(Count("SELECT count(*) FROM ref.dataset_load WHERE status = 'abandoned'"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.zcta WHERE removed_at IS NULL"),
              static_cast<int64_t>(rerun.rows_inserted + rerun.rows_updated + rerun.rows_unchanged));
    EXPECT_EQ(rerun.rows_updated, 33120u);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.zcta WHERE lat <> 1.5"), 0);
    std::filesystem::remove(big);
}

}  // namespace
}  // namespace rounds::ingest
