// URL inputs and the Census batch geocoder, against a test HTTP server on 127.0.0.1 (nothing else is
// contacted). Download tests need no database; load tests use ROUNDS_TEST_DATABASE_URL like load_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/hash.h"
#include "db/migrate.h"
#include "db/sync_connection.h"
#include "db/test_db.h"
#include "ingest/census_geocoder.h"
#include "ingest/http_client.h"
#include "ingest/ingest.h"
#include "ingest/test_http_server.h"
#include "ingest/test_support.h"

namespace rounds::ingest {
namespace {

namespace fs = std::filesystem;
using testing::Corpus;
using testing::MoveAddressLine;
using testing::ServeBytes;
using testing::SharedData;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void WriteAll(const std::string& path, const std::string& data) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << data;
}

// 300 KB of CSV-ish bytes: large enough to arrive in several writes.
std::string SampleBytes() {
    std::string s;
    for (int i = 0; s.size() < 300000; ++i) {
        s += "line " + std::to_string(i) + ",some text,more text\n";
    }
    return s;
}

class DownloadTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = ::testing::TempDir() + "/download-" + std::to_string(::getpid()) + "-" + info->name();
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    DownloadRequest Request(const std::string& url) const {
        DownloadRequest r;
        r.url = url;
        r.dir = dir_;
        r.timeouts.connect_seconds = 5;
        r.timeouts.stall_seconds = 5;
        return r;
    }
    // Where DownloadFile keeps the partial download of `url`.
    std::string PartPath(const std::string& url, const std::string& name) const {
        return dir_ + "/" + core::Sha256Hex(url).substr(0, 16) + "/" + name + ".part";
    }

    std::string dir_;
    const std::string data_ = SampleBytes();
};

TEST(HttpClientTest, RedactUrlDropsCredentialsAndQueryValues) {
    EXPECT_EQ(RedactUrl("https://user:secret@example.org/a/b.zip?token=abc&x=1#frag"),
              "https://example.org/a/b.zip?token=***&x=***");
    EXPECT_EQ(RedactUrl("http://127.0.0.1:8080/file.csv"), "http://127.0.0.1:8080/file.csv");
    EXPECT_EQ(RedactUrl("http://u@host"), "http://host");
    EXPECT_TRUE(IsHttpUrl("HTTPS://x/y"));
    EXPECT_FALSE(IsHttpUrl("/data/http://x"));
}

TEST_F(DownloadTest, FullDownloadHashesTheFile) {
    TestHttpServer server([&](const TestRequest& req) { return ServeBytes(req, data_); });
    const DownloadedFile f = DownloadFile(Request(server.Url("/dir/NPPES_Data%20Nov.csv?sig=1")));
    EXPECT_EQ(fs::path(f.path).filename(), "NPPES_Data_Nov.csv");
    EXPECT_EQ(ReadAll(f.path), data_);
    EXPECT_EQ(f.sha256, core::Sha256Hex(data_));
    EXPECT_EQ(f.bytes, data_.size());
    EXPECT_EQ(f.resumed_from, 0u);
    ASSERT_EQ(server.Requests().size(), 1u);
    EXPECT_EQ(server.Requests()[0].Header("range"), "");
}

TEST_F(DownloadTest, PartialFileIsResumedWithARangeRequest) {
    TestHttpServer server([&](const TestRequest& req) { return ServeBytes(req, data_); });
    const std::string url = server.Url("/release.csv");
    WriteAll(PartPath(url, "release.csv"), data_.substr(0, 123456));
    const DownloadedFile f = DownloadFile(Request(url));
    EXPECT_EQ(f.resumed_from, 123456u);
    EXPECT_EQ(ReadAll(f.path), data_);
    EXPECT_EQ(f.sha256, core::Sha256Hex(data_)) << "the hash covers the kept prefix too";
    ASSERT_EQ(server.Requests().size(), 1u);
    EXPECT_EQ(server.Requests()[0].Header("range"), "bytes=123456-");
    EXPECT_FALSE(fs::exists(PartPath(url, "release.csv")));
}

TEST_F(DownloadTest, ServerIgnoringRangeRestartsTheFile) {
    TestHttpServer server([&](const TestRequest& req) { return ServeBytes(req, data_, /*ignore_range=*/true); });
    const std::string url = server.Url("/release.csv");
    WriteAll(PartPath(url, "release.csv"), "stale bytes of another version");
    const DownloadedFile f = DownloadFile(Request(url));
    EXPECT_EQ(f.resumed_from, 0u);
    EXPECT_EQ(ReadAll(f.path), data_);
    EXPECT_EQ(f.sha256, core::Sha256Hex(data_));
    ASSERT_EQ(server.Requests().size(), 1u);
    EXPECT_EQ(server.Requests()[0].Header("range"), "bytes=30-");
}

TEST_F(DownloadTest, BrokenOffTransferIsResumedInTheSameRun) {
    std::atomic<int> calls{0};
    TestHttpServer server([&](const TestRequest& req) {
        TestResponse res = ServeBytes(req, data_);
        if (calls++ == 0) {
            res.abort_after = 100000;
        }
        return res;
    });
    const DownloadedFile f = DownloadFile(Request(server.Url("/release.csv")));
    EXPECT_EQ(ReadAll(f.path), data_);
    EXPECT_EQ(f.sha256, core::Sha256Hex(data_));
    EXPECT_EQ(f.requests, 2);
    const auto requests = server.Requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].Header("range"), "bytes=100000-");
}

TEST_F(DownloadTest, BrokenOffTransferKeepsThePartialFileForTheNextRun) {
    std::atomic<bool> broken{true};
    TestHttpServer server([&](const TestRequest& req) {
        TestResponse res = ServeBytes(req, data_);
        if (broken) {
            res.abort_after = 50000;
        }
        return res;
    });
    const std::string url = server.Url("/release.csv");
    DownloadRequest r = Request(url);
    r.attempts = 1;
    try {
        DownloadFile(r);
        ADD_FAILURE() << "expected a failure";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kUnavailable);
        EXPECT_NE(e.Detail().find("run again to resume"), std::string::npos) << e.Detail();
    }
    EXPECT_EQ(fs::file_size(PartPath(url, "release.csv")), 50000u);
    broken = false;
    const DownloadedFile f = DownloadFile(r);
    EXPECT_EQ(f.resumed_from, 50000u);
    EXPECT_EQ(f.sha256, core::Sha256Hex(data_));
}

TEST_F(DownloadTest, RedirectsAreFollowed) {
    TestHttpServer server([&](const TestRequest& req) {
        if (req.target == "/latest.csv") {
            TestResponse res;
            res.status = 302;
            res.headers.emplace_back("Location", "/files/v2.csv");
            return res;
        }
        return ServeBytes(req, data_);
    });
    const DownloadedFile f = DownloadFile(Request(server.Url("/latest.csv")));
    EXPECT_EQ(fs::path(f.path).filename(), "latest.csv");
    EXPECT_EQ(ReadAll(f.path), data_);
    ASSERT_EQ(server.Requests().size(), 2u);
    EXPECT_EQ(server.Requests()[1].target, "/files/v2.csv");
}

TEST_F(DownloadTest, HttpErrorNamesStatusAndUrlWithoutCredentials) {
    TestHttpServer server([&](const TestRequest&) {
        TestResponse res;
        res.status = 404;
        res.body = "no such file";
        return res;
    });
    const std::string url = "http://reader:hunter2@127.0.0.1:" + std::to_string(server.Port()) + "/missing.csv";
    try {
        DownloadFile(Request(url));
        ADD_FAILURE() << "expected a failure";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid);
        EXPECT_NE(e.Detail().find("HTTP 404"), std::string::npos) << e.Detail();
        EXPECT_NE(e.Detail().find("http://127.0.0.1:" + std::to_string(server.Port()) + "/missing.csv"),
                  std::string::npos)
            << e.Detail();
        EXPECT_EQ(e.Detail().find("hunter2"), std::string::npos) << e.Detail();
    }
}

TEST_F(DownloadTest, ChecksumMismatchDeletesTheDownload) {
    TestHttpServer server([&](const TestRequest& req) { return ServeBytes(req, data_); });
    const std::string url = server.Url("/release.csv");
    DownloadRequest r = Request(url);
    r.expected_sha256 = std::string(64, 'a');
    try {
        DownloadFile(r);
        ADD_FAILURE() << "expected a failure";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid);
        EXPECT_NE(e.Detail().find("checksum mismatch"), std::string::npos) << e.Detail();
        EXPECT_NE(e.Detail().find(core::Sha256Hex(data_)), std::string::npos) << e.Detail();
    }
    EXPECT_FALSE(fs::exists(PartPath(url, "release.csv")));
    r.expected_sha256 = core::Sha256Hex(data_);
    EXPECT_EQ(DownloadFile(r).sha256, r.expected_sha256);
}

TEST_F(DownloadTest, StalledServerTimesOut) {
    TestHttpServer server([&](const TestRequest&) {
        TestResponse res;
        res.body = data_;
        res.stall = true;
        return res;
    });
    DownloadRequest r = Request(server.Url("/slow.csv"));
    r.timeouts.stall_seconds = 1;
    r.attempts = 1;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(DownloadFile(r), core::Error);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
}

TEST(CensusProtocolTest, BatchCsvAndResponseParsing) {
    EXPECT_EQ(CensusBatchCsv({{"h1", "4600 Silver Hill Rd", "Washington", "DC", "20233"},
                              {"h2", "1 \"A\" St, Apt 2", "Town", "MD", ""}}),
              "\"h1\",\"4600 Silver Hill Rd\",\"Washington\",\"DC\",\"20233\"\n"
              "\"h2\",\"1 \"\"A\"\" St, Apt 2\",\"Town\",\"MD\",\"\"\n");
    const std::string body =
        "\"h1\",\"4600 Silver Hill Rd, Washington, DC, 20233\",\"Match\",\"Exact\","
        "\"4600 SILVER HILL RD, WASHINGTON, DC, 20233\",\"-76.92744,38.845985\",\"76355984\",\"L\"\r\n"
        "\"h2\",\"1 A St, Town, MD, \",\"No_Match\"\r\n"
        "\"h3\",\"2 B St, Town, MD, \",\"Tie\"\r\n"
        "\"h4\",\"3 C St\",\"Match\",\"Exact\",\"3 C ST\",\"not,coordinates\",\"1\",\"R\"\n"
        "\n";
    const std::vector<CensusMatch> m = ParseCensusResponse(body);
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].id, "h1");
    EXPECT_TRUE(m[0].matched);
    EXPECT_DOUBLE_EQ(m[0].lon, -76.92744);
    EXPECT_DOUBLE_EQ(m[0].lat, 38.845985);
    EXPECT_FALSE(m[1].matched);
    EXPECT_FALSE(m[2].matched);
    EXPECT_EQ(CensusBatchUrl("https://geocoding.geo.census.gov/geocoder/"),
              "https://geocoding.geo.census.gov/geocoder/locations/addressbatch");
    EXPECT_EQ(CensusBatchUrl("http://h/geocoder/geographies/addressbatch"),
              "http://h/geocoder/geographies/addressbatch");
}

// ---- Loads (database) ----

class HttpLoadTest : public ::testing::Test {
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
        store_ = ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid()) + "-store";
        fs::remove_all(store_);
    }
    void TearDown() override {
        if (!store_.empty()) {
            fs::remove_all(store_);
        }
    }

    IngestOptions Options(const std::string& dataset, const std::string& input) const {
        IngestOptions o;
        o.dataset = dataset;
        o.input = input;
        o.database_url = db_->Url();
        o.object_store_dir = store_;
        o.progress = false;
        o.http_connect_timeout_seconds = 5;
        o.http_stall_timeout_seconds = 5;
        return o;
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

TEST_F(HttpLoadTest, UrlInputIsDownloadedArchivedAndLoaded) {
    const std::string zip = ReadAll(Corpus("nucc_in_zip.zip"));
    TestHttpServer server([&](const TestRequest& req) { return ServeBytes(req, zip); });
    IngestOptions o = Options("nucc", "http://loader:pw@127.0.0.1:" + std::to_string(server.Port()) +
                                          "/nucc/nucc_taxonomy_251.zip?token=secret");
    o.expected_sha256 = core::Sha256Hex(zip);
    std::ostringstream out;
    ASSERT_EQ(RunIngest(o, out), 0) << out.str();
    EXPECT_GT(Count("SELECT count(*) FROM ref.taxonomy"), 0);
    EXPECT_EQ(Text("SELECT checksum_sha256 FROM ref.dataset_load"), core::Sha256Hex(zip));
    EXPECT_EQ(Text("SELECT release_label FROM ref.dataset_load"), "nucc_taxonomy_251.zip");
    const std::string source = Text("SELECT source || ' ' || options::text FROM ref.dataset_load");
    EXPECT_EQ(source.find("pw@"), std::string::npos) << source;
    EXPECT_EQ(source.find("secret"), std::string::npos) << source;
    const std::string archived = Text("SELECT archive_path FROM ref.dataset_load");
    EXPECT_EQ(ReadAll(archived), zip);
    // The download itself is gone once archived; no partial file remains.
    size_t left = 0;
    for (const auto& e : fs::recursive_directory_iterator(store_ + "/downloads")) {
        left += e.is_regular_file() ? 1 : 0;
    }
    EXPECT_EQ(left, 0u);
}

TEST_F(HttpLoadTest, UrlChecksumMismatchLoadsNothing) {
    const std::string csv = ReadAll(SharedData("nucc_taxonomy.csv"));
    TestHttpServer server([&](const TestRequest& req) { return ServeBytes(req, csv); });
    IngestOptions o = Options("nucc", server.Url("/nucc_taxonomy.csv"));
    o.expected_sha256 = core::Sha256Hex("something else");
    std::ostringstream out;
    EXPECT_EQ(RunIngest(o, out), 2) << out.str();
    EXPECT_NE(out.str().find("checksum mismatch"), std::string::npos) << out.str();
    EXPECT_EQ(Count("SELECT count(*) FROM ref.dataset_load"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.taxonomy"), 0);
}

TEST_F(HttpLoadTest, UrlHttpErrorIsAClearMessage) {
    TestHttpServer server([&](const TestRequest&) {
        TestResponse res;
        res.status = 404;
        return res;
    });
    std::ostringstream out;
    EXPECT_EQ(RunIngest(Options("nucc", server.Url("/gone.csv")), out), 2) << out.str();
    EXPECT_NE(out.str().find("HTTP 404 from " + server.Url("/gone.csv")), std::string::npos) << out.str();
    EXPECT_EQ(Count("SELECT count(*) FROM ref.dataset_load"), 0);
}

// A Census batch geocoder: parses the multipart upload, answers Match for about half the addresses with
// coordinates derived from the id, No_Match or Tie for the rest, and remembers what it answered.
class FakeCensus {
  public:
    TestResponse Handle(const TestRequest& req) {
        TestResponse res;
        if (req.method != "POST" || req.target != "/geocoder/locations/addressbatch" ||
            req.Header("content-type").find("multipart/form-data") == std::string::npos) {
            res.status = 400;
            return res;
        }
        const std::string csv = Part(req.body, "addressFile");
        if (Part(req.body, "benchmark") != "Public_AR_Current") {
            res.status = 400;
            res.body = "benchmark missing";
            return res;
        }
        std::lock_guard lock(mutex_);
        size_t lines = 0;
        std::istringstream in(csv);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) {
                continue;
            }
            ++lines;
            const std::string id = line.substr(1, line.find('"', 1) - 1);
            const int n = std::stoi(id.substr(0, 2), nullptr, 16);  // 0..255
            if (n % 2 == 0) {
                const double lon = -120.0 + n * 0.1;
                const double lat = 30.0 + n * 0.05;
                matched_[id] = {lon, lat};
                char coords[64];
                std::snprintf(coords, sizeof coords, "%.6f,%.6f", lon, lat);
                res.body += "\"" + id + "\",\"x\",\"Match\",\"Non_Exact\",\"X\",\"" + coords + "\",\"1\",\"L\"\n";
            } else {
                unmatched_.push_back(id);
                res.body += "\"" + id + "\",\"x\"," + (n % 3 == 0 ? "\"Tie\"" : "\"No_Match\"") + "\n";
            }
        }
        batch_sizes_.push_back(lines);
        return res;
    }

    std::map<std::string, std::pair<double, double>> matched_;
    std::vector<std::string> unmatched_;
    std::vector<size_t> batch_sizes_;
    std::mutex mutex_;

  private:
    // The content of the form part named `name`.
    static std::string Part(const std::string& body, const std::string& name) {
        const size_t at = body.find("name=\"" + name + "\"");
        if (at == std::string::npos) {
            return {};
        }
        const size_t start = body.find("\r\n\r\n", at);
        const size_t end = body.find("\r\n--", start + 4);
        return start == std::string::npos || end == std::string::npos ? std::string()
                                                                      : body.substr(start + 4, end - start - 4);
    }
};

TEST_F(HttpLoadTest, CensusGeocoderFillsTheCacheAndFallsBackToCentroids) {
    FakeCensus census;
    TestHttpServer server([&](const TestRequest& req) { return census.Handle(req); });
    ASSERT_EQ(Ingest(Options("zcta", SharedData("zcta_gazetteer.txt"))).status, "succeeded");

    IngestOptions o = Options("nppes", SharedData("nppes_npidata_2025_sample.csv"));
    o.geocoder = "census";
    o.geocoder_url = server.Url("/geocoder");
    o.geocoder_batch_size = 25;
    const IngestReport first = Ingest(o);
    ASSERT_EQ(first.status, "succeeded") << first.error;
    const int64_t distinct = Count(
        "SELECT count(DISTINCT address_hash) FROM ref.physician_address WHERE line1 IS NOT NULL "
        "AND coalesce(country, 'US') = 'US'");
    ASSERT_GT(distinct, 25) << "enough addresses for several batches";
    EXPECT_EQ(static_cast<int64_t>(first.geocode_sent), distinct);
    EXPECT_EQ(first.geocode_matched, census.matched_.size());
    EXPECT_EQ(first.geocode_batches, census.batch_sizes_.size());
    for (size_t n : census.batch_sizes_) {
        EXPECT_LE(n, 25u);
    }
    ASSERT_FALSE(census.matched_.empty());
    ASSERT_FALSE(census.unmatched_.empty());

    // Matched: the server's point, quality 'address'.
    for (const auto& [hash, point] : census.matched_) {
        const std::string where = " FROM ref.physician_address WHERE address_hash = '" + hash + "'";
        EXPECT_EQ(Count("SELECT count(*)" + where + " AND geocode_quality <> 'address'"), 0) << hash;
        EXPECT_NEAR(std::stod(Text("SELECT max(ST_X(geog::geometry))" + where)), point.first, 1e-6);
        EXPECT_NEAR(std::stod(Text("SELECT max(ST_Y(geog::geometry))" + where)), point.second, 1e-6);
    }
    // Unmatched: the ZIP's ZCTA centroid, or 'unmatched' without one.
    std::string ids;
    for (const std::string& h : census.unmatched_) {
        ids += (ids.empty() ? "'" : ",'") + h + "'";
    }
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician_address a LEFT JOIN ref.zcta z ON z.zip5 = a.zip5 "
                    "WHERE a.address_hash IN (" +
                    ids +
                    ") AND NOT ("
                    "(z.zip5 IS NOT NULL AND a.geocode_quality = 'zip_centroid' AND ST_Equals(a.geog::geometry, "
                    "z.geog::geometry)) OR (z.zip5 IS NULL AND a.geocode_quality = 'unmatched'))"),
              0);
    EXPECT_GT(Count("SELECT count(*) FROM ref.physician_address WHERE address_hash IN (" + ids +
                    ") AND geocode_quality = 'zip_centroid'"),
              0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.geocode_cache WHERE provider = 'census'"), distinct);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.geocode_cache WHERE quality = 'address' AND geog IS NOT NULL"),
              static_cast<int64_t>(census.matched_.size()));

    // Reloading the same file sends nothing: every address is cached (matched or not).
    const size_t requests = server.Requests().size();
    const IngestReport again = Ingest(o);
    EXPECT_EQ(again.status, "succeeded");
    EXPECT_EQ(again.geocode_sent, 0u);
    EXPECT_EQ(server.Requests().size(), requests);

    // A release that changes one address sends only that address.
    const std::string npi =
        Text("SELECT npi FROM ref.physician_address WHERE source = 'nppes' AND line1 IS NOT NULL ORDER BY npi LIMIT 1");
    const std::string line1 = Text("SELECT line1 FROM ref.physician_address WHERE source = 'nppes' AND npi = " + npi);
    bool replaced = false;
    const std::string changed_file =
        MoveAddressLine(ReadAll(SharedData("nppes_npidata_2025_sample.csv")), npi, line1, replaced);
    ASSERT_TRUE(replaced) << npi << " " << line1;
    const std::string changed_path = store_ + "/changed/nppes_npidata_2025_sample.csv";
    WriteAll(changed_path, changed_file);
    o.input = changed_path;
    const IngestReport third = Ingest(o);
    EXPECT_EQ(third.status, "succeeded");
    EXPECT_EQ(third.geocode_sent, 1u);
    EXPECT_EQ(server.Requests().size(), requests + 1);
}

// Addresses first geocoded offline (ZIP centroids) take the address-level point once a load runs with the HTTP
// geocoder, even when their text did not change.
TEST_F(HttpLoadTest, CensusLoadUpgradesEarlierZipCentroids) {
    FakeCensus census;
    TestHttpServer server([&](const TestRequest& req) { return census.Handle(req); });
    ASSERT_EQ(Ingest(Options("zcta", SharedData("zcta_gazetteer.txt"))).status, "succeeded");
    ASSERT_EQ(Ingest(Options("nppes", SharedData("nppes_npidata_2025_sample.csv"))).status, "succeeded");
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician_address WHERE geocode_quality = 'address'"), 0);
    ASSERT_GT(Count("SELECT count(*) FROM ref.physician_address WHERE geocode_quality = 'zip_centroid'"), 0);

    IngestOptions o = Options("nppes", SharedData("nppes_npidata_2025_sample.csv"));
    o.geocoder = "census";
    o.geocoder_url = server.Url("/geocoder");
    const IngestReport again = Ingest(o);
    ASSERT_EQ(again.status, "succeeded") << again.error;
    EXPECT_EQ(again.rows_inserted + again.rows_updated, 0u) << "the release itself is unchanged";
    EXPECT_GT(again.geocode_sent, 0u);
    ASSERT_FALSE(census.matched_.empty());
    for (const auto& [hash, point] : census.matched_) {
        const std::string where = " FROM ref.physician_address WHERE address_hash = '" + hash + "'";
        EXPECT_EQ(Count("SELECT count(*)" + where + " AND geocode_quality <> 'address'"), 0) << hash;
        EXPECT_NEAR(std::stod(Text("SELECT max(ST_X(geog::geometry))" + where)), point.first, 1e-6);
    }
}

TEST_F(HttpLoadTest, CensusOutageFailsTheLoadAndChangesNothing) {
    TestHttpServer server([&](const TestRequest&) {
        TestResponse res;
        res.status = 503;
        res.body = "maintenance";
        return res;
    });
    IngestOptions o = Options("nppes", SharedData("nppes_npidata_2025_sample.csv"));
    o.geocoder = "census";
    o.geocoder_url = server.Url("/geocoder");
    std::ostringstream out;
    EXPECT_EQ(RunIngest(o, out), 4) << out.str();
    EXPECT_NE(out.str().find("HTTP 503"), std::string::npos) << out.str();
    EXPECT_EQ(Count("SELECT count(*) FROM ref.physician"), 0);
    EXPECT_EQ(Text("SELECT status FROM ref.dataset_load"), "failed");
}

}  // namespace
}  // namespace rounds::ingest
