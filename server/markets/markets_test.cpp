#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/error.h"
#include "db/migrate.h"
#include "db/test_db.h"
#include "markets/api.h"
#include "markets/recompute.h"
#include "markets/service.h"

namespace rounds::markets {
namespace {

TEST(MarketsSort, ParsesFieldAndDirection) {
    Sort s = ParseSort(std::string("-volume"), Sort{});
    EXPECT_EQ(s.field, "volume");
    EXPECT_EQ(s.dir, -1);
    s = ParseSort(std::string("growth"), Sort{});
    EXPECT_EQ(s.field, "growth");
    EXPECT_EQ(s.dir, 1);
    EXPECT_EQ(ParseSort(std::nullopt, Sort{"score", -1}).field, "score");
    EXPECT_THROW(ParseSort(std::string("name; drop table"), Sort{}), core::Error);
}

TEST(MarketsCsv, QuotesAndDefusesFormulas) {
    EXPECT_EQ(CsvField("plain"), "plain");
    EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvField("=cmd()"), "\"'=cmd()\"");
    EXPECT_EQ(CsvField("-0.25"), "-0.25");  // a negative number stays a number
}

TEST(MarketsValidate, NamesTheField) {
    MarketInput in;
    in.name = "GLP-1";
    try {
        ValidateMarket(in, true);
        FAIL() << "an empty basket was accepted";
    } catch (const core::Error& e) {
        ASSERT_FALSE(e.Fields().empty());
        EXPECT_EQ(e.Fields()[0].field, "partd_generic_names");
    }
    in.hcpcs_codes = std::vector<std::string>{"27447", "BAD"};
    try {
        ValidateMarket(in, true);
        FAIL() << "a bad HCPCS code was accepted";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Fields()[0].field, "hcpcs_codes[1]");
    }
    in.hcpcs_codes = std::vector<std::string>{"27447"};
    EXPECT_NO_THROW(ValidateMarket(in, true));
    MarketInput patch;  // a PATCH that touches nothing in the basket is fine
    patch.name = "Renamed";
    EXPECT_NO_THROW(ValidateMarket(patch, false));
}

TEST(MarketsCursor, RoundTripsAndRejectsGarbage) {
    auto c = api::EncodeCursor("-1234.5", "1003000126");
    auto [a, b] = api::DecodeCursor(c);
    EXPECT_EQ(a, "-1234.5");
    EXPECT_EQ(b, "1003000126");
    EXPECT_THROW(api::DecodeCursor("!!!"), core::Error);
}

/// A scratch database with the migrations, one organisation and a market over synthetic claims.
class RecomputeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (db::testing::TestDatabaseUrl().empty()) {
            GTEST_SKIP() << "ROUNDS_TEST_DATABASE_URL is not set";
        }
        scratch_ = std::make_unique<db::testing::ScratchDatabase>("markets_recompute");
        conn_ = std::make_unique<db::SyncConnection>(scratch_->Url());
        db::ApplyMigrations(*conn_, db::EmbeddedMigrations());
        conn_->ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
        org_ =
            std::string(conn_->Exec("INSERT INTO crm.org (name, slug) VALUES ('M', 'm-test') RETURNING id").Get(0, 0));
        std::vector<db::Param> p{org_};
        market_ = std::string(
            conn_
                ->Exec("INSERT INTO crm.market (org_id, name, partd_generic_names, hcpcs_codes, own_products, "
                       "competitor_products, competitor_manufacturers, target_ccns) VALUES ($1, 'GLP-1', "
                       "'{semaglutide,Dulaglutide}', '{J9999}', '{ozempic}', '{TRULICITY,J9999}', '{rival inc}', "
                       "'{010001}') RETURNING id",
                       p)
                .Get(0, 0));
        // 1,003 prescribers over three states; volumes spread (with ties) and a second year for growth.
        conn_->ExecScript(R"sql(
INSERT INTO ref.partd_drug (data_year, npi, brand_name, generic_name, state, tot_clms, tot_drug_cst_cents, tot_benes,
                            release_id)
SELECT y, 1000000000 + i, b.brand, b.generic, (ARRAY['MN','WI','IA'])[1 + i % 3],
       CASE WHEN b.brand = 'Ozempic' THEN 11 + (i * 7919) % 500 ELSE 11 + (i * 104729) % 37 END
         * CASE WHEN y = 2024 THEN 2 ELSE 1 END,
       100000, 12, 1
  FROM generate_series(1, 1003) i, (VALUES (2023), (2024)) yy(y),
       (VALUES ('Ozempic', 'Semaglutide'), ('Trulicity', 'Dulaglutide'), ('Lipitor', 'Atorvastatin')) b(brand, generic);
INSERT INTO ref.partb_service (data_year, npi, hcpcs_code, place_of_service, state, tot_srvcs, tot_benes,
                               avg_mdcr_pymt_amt, release_id)
SELECT 2024, 1000000000 + i, 'J9999', 'O', (ARRAY['MN','WI','IA'])[1 + i % 3], 5, 3, 10.5, 1
  FROM generate_series(1, 50) i;
INSERT INTO ref.npi_open_payment_year (npi, program_year, payer_name, payment_kind, amount_cents, payments, release_id)
VALUES (1000000007, 2024, 'Rival Inc', 'general', 12345, 2, 1), (1000000007, 2024, 'Other', 'general', 999, 1, 1);
INSERT INTO ref.affiliation (npi, ccn, release_id) VALUES (1000000008, '010001', 1);
COMMIT)sql");
    }
    void TearDown() override {
        conn_.reset();
        scratch_.reset();
    }
    db::Result Q(const std::string& sql) {
        std::vector<db::Param> p{org_, market_};
        return conn_->Exec(sql, p);
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::SyncConnection> conn_;
    std::string org_, market_;
};

TEST_F(RecomputeTest, DecilesPartitionByVolumeAndValuesMatchTheSource) {
    RecomputeStats s = RecomputeOrg(*conn_, org_);
    EXPECT_EQ(s.markets, 1);
    EXPECT_EQ(s.metric_rows, 2 * 1003);
    conn_->ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
    // Ten groups of 100 or 101 each year, and no decile's volume range overlaps the next one's.
    db::Result d =
        Q("SELECT data_year, decile_national, count(*), min(volume), max(volume) FROM mkt.market_metric "
          "WHERE org_id = $1 AND market_id = $2 GROUP BY 1, 2 ORDER BY 1, 2");
    ASSERT_EQ(d.Rows(), 20);
    for (int i = 0; i < d.Rows(); ++i) {
        EXPECT_GE(d.GetInt(i, 2), 100);
        EXPECT_LE(d.GetInt(i, 2), 101);
        if (i % 10 != 9) {
            EXPECT_LE(d.GetDouble(i, 4), d.GetDouble(i + 1, 3)) << "decile " << d.GetInt(i, 1);
        }
    }
    // Per state: ten nearly equal groups within each state.
    db::Result st =
        Q("SELECT state, max(n) - min(n), count(*) FROM (SELECT state, decile_state, count(*) n FROM mkt.market_metric "
          "WHERE org_id = $1 AND market_id = $2 AND data_year = 2024 GROUP BY 1, 2) x GROUP BY 1");
    ASSERT_EQ(st.Rows(), 3);
    for (int i = 0; i < st.Rows(); ++i) {
        EXPECT_LE(st.GetInt(i, 1), 1);
        EXPECT_EQ(st.GetInt(i, 2), 10);
    }
    // One physician against the source rows: volume (Part D basket + Part B), growth, shares, payments.
    db::Result one =
        Q("SELECT volume, prev_volume, growth, own_volume, competitor_volume, competitor_share, "
          "competitor_payments_cents, affiliated, score FROM mkt.market_metric WHERE org_id = $1 AND market_id = $2 "
          "AND npi = 1000000007 AND data_year = 2024");
    ASSERT_EQ(one.Rows(), 1);
    double ozempic = (11 + (7 * 7919) % 500) * 2, trulicity = (11 + (7 * 104729) % 37) * 2;
    EXPECT_DOUBLE_EQ(one.GetDouble(0, 0), ozempic + trulicity + 5);
    EXPECT_DOUBLE_EQ(one.GetDouble(0, 1), (ozempic + trulicity) / 2);
    EXPECT_NEAR(one.GetDouble(0, 2), (ozempic + trulicity + 5) / ((ozempic + trulicity) / 2) - 1, 1e-9);
    EXPECT_DOUBLE_EQ(one.GetDouble(0, 3), ozempic);
    EXPECT_DOUBLE_EQ(one.GetDouble(0, 4), trulicity + 5);  // J9999 is listed as a competitor product
    EXPECT_NEAR(one.GetDouble(0, 5), (trulicity + 5) / (ozempic + trulicity + 5), 1e-9);
    EXPECT_EQ(one.GetInt(0, 6), 12345);  // only the competitor's payments
    EXPECT_FALSE(one.GetBool(0, 7));
    EXPECT_GT(one.GetDouble(0, 8), 0);
    EXPECT_LE(one.GetDouble(0, 8), 100);
    EXPECT_TRUE(Q("SELECT affiliated FROM mkt.market_metric WHERE org_id = $1 AND market_id = $2 AND "
                  "npi = 1000000008 AND data_year = 2024")
                    .GetBool(0, 0));
    // Atorvastatin is not in the basket: no metric row exists without basket volume.
    EXPECT_EQ(
        Q("SELECT count(*) FROM mkt.market_metric WHERE org_id = $1 AND market_id = $2 AND volume <= 0").GetInt(0, 0),
        0);
    conn_->ExecScript("COMMIT");
    // Recomputing replaces, never accumulates.
    EXPECT_EQ(RecomputeOrg(*conn_, org_).metric_rows, 2 * 1003);
}

TEST_F(RecomputeTest, RunsOnlyInsideItsOrganisation) {
    // Another organisation's recompute never touches this one's rows (RLS + org filter).
    RecomputeOrg(*conn_, org_);
    conn_->ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
    std::string other =
        std::string(conn_->Exec("INSERT INTO crm.org (name, slug) VALUES ('O', 'o-test') RETURNING id").Get(0, 0));
    conn_->ExecScript("COMMIT");
    RecomputeOrg(*conn_, other);
    conn_->ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
    EXPECT_EQ(Q("SELECT count(*) FROM mkt.market_metric WHERE org_id = $1 AND market_id = $2").GetInt(0, 0), 2 * 1003);
    conn_->ExecScript("COMMIT");
}

}  // namespace
}  // namespace rounds::markets
