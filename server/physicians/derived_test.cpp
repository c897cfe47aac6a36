// The search and nearby structures of migration 0016 against a recomputation from the base tables, after a bulk
// first write (wholesale rebuild) and after small changes (incremental refresh), and the nearby walk against a
// brute-force query.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/migrate.h"
#include "db/sync_connection.h"
#include "db/test_db.h"

namespace rounds::physicians {
namespace {

class DerivedTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ROUNDS_REQUIRE_DB();
        scratch_ = std::make_unique<db::testing::ScratchDatabase>("phys_derived");
        conn_ = std::make_unique<db::SyncConnection>(scratch_->Url());
        db::ApplyMigrations(*conn_, db::EmbeddedMigrations());
        conn_->ExecScript("SET pg_trgm.similarity_threshold = 0.2");  // as the server's pool sets it
        // 3,000 physicians (a first load: more than a fifth of the table, so a wholesale rebuild) over a small
        // name vocabulary, each with one or two addresses on 40 stacked points plus some distinct ones, and one or
        // two taxonomy codes.
        conn_->ExecScript(R"sql(
BEGIN;
INSERT INTO ref.physician (npi, entity_type, first_name, last_name, org_name, search_name, deactivation_date,
                           release_id, first_release_id)
SELECT 1000000000 + i, CASE WHEN i % 10 = 0 THEN 2 ELSE 1 END,
       (ARRAY['John','Mary','Jon','Ana','Thomas'])[1 + i % 5], (ARRAY['Smith','Jones','Smithson','Moore','Nguyen',
       'Garcia','Smith-Jones'])[1 + (i / 5) % 7],
       CASE WHEN i % 10 = 0 THEN 'Clinic ' || i END,
       ref.fold_name(concat_ws(' ', (ARRAY['John','Mary','Jon','Ana','Thomas'])[1 + i % 5],
                     (ARRAY['Smith','Jones','Smithson','Moore','Nguyen','Garcia','Smith-Jones'])[1 + (i / 5) % 7],
                     CASE WHEN i % 10 = 0 THEN 'Clinic ' || i END)),
       CASE WHEN i % 97 = 0 THEN date '2020-01-01' END, 1, 1
  FROM generate_series(1, 3000) i;
INSERT INTO ref.physician_address (npi, source, source_key, address_hash, geog, geocode_quality, release_id)
SELECT 1000000000 + i, 'nppes', 'primary', md5(i::text),
       CASE WHEN i % 3 = 0
            THEN ST_SetSRID(ST_MakePoint(-93.3 + (i % 40) * 0.01, 44.9 + (i % 40) * 0.005), 4326)::geography
            ELSE ST_SetSRID(ST_MakePoint(-93.3 + (i % 997) * 0.0007, 44.9 + (i % 991) * 0.0004), 4326)::geography
       END, 'zip_centroid', 1
  FROM generate_series(1, 3000) i;
INSERT INTO ref.physician_address (npi, source, source_key, address_hash, geog, geocode_quality, release_id)
SELECT 1000000000 + i, 'dac', 'x', md5('d' || i), ST_SetSRID(ST_MakePoint(-93.0, 45.0), 4326)::geography,
       'zip_centroid', 1
  FROM generate_series(1, 3000, 4) i;
INSERT INTO ref.physician_taxonomy (npi, slot, taxonomy_code, is_primary, release_id)
SELECT 1000000000 + i, 1, (ARRAY['207Q00000X','207RC0000X','363LF0000X'])[1 + i % 3], true, 1
  FROM generate_series(1, 3000) i;
INSERT INTO ref.physician_taxonomy (npi, slot, taxonomy_code, is_primary, release_id)
SELECT 1000000000 + i, 2, '208600000X', false, 1 FROM generate_series(1, 3000, 7) i;
COMMIT)sql");
    }

    int64_t Count(const std::string& sql) { return std::stoll(std::string(conn_->Exec(sql).Get(0, 0))); }

    /// Rows of the derived tables that differ from a recomputation (both directions), and the dirty queue.
    int64_t Drift() {
        return Count(R"sql(
WITH want_post AS (
  SELECT w AS word, ref.name_rank(p.search_name, p.deactivation_date, p.reactivation_date) AS rank, p.npi
    FROM ref.physician p, unnest(p.name_words) w WHERE p.removed_at IS NULL AND w <> ''),
have_post AS (SELECT d.word COLLATE "default", np.rank, np.npi FROM ref.name_posting np JOIN ref.name_word d USING (word_id)),
want_word AS (SELECT word, count(*)::integer AS n FROM want_post GROUP BY word),
want_member AS (
  SELECT c.code, a.npi, a.address_id, a.geog
    FROM ref.physician_address a
   CROSS JOIN LATERAL (SELECT '' AS code UNION SELECT t.taxonomy_code FROM ref.physician_taxonomy t
                        WHERE t.npi = a.npi) c
   WHERE a.removed_at IS NULL AND a.geog IS NOT NULL),
have_member AS (
  SELECT c.code COLLATE "default", m.npi, m.address_id, g.geog
    FROM ref.nearby_member m JOIN ref.geo_point g USING (point_id) JOIN ref.nearby_code c USING (code_id)),
want_point AS (SELECT code, ST_AsText(geog) AS g, count(*)::integer AS n FROM want_member GROUP BY 1, 2),
have_point AS (SELECT c.code COLLATE "default", ST_AsText(p.geog) AS g, p.n FROM ref.nearby_point p JOIN ref.nearby_code c USING (code_id))
SELECT (SELECT count(*) FROM ((SELECT * FROM want_post EXCEPT ALL SELECT * FROM have_post)
                              UNION ALL (SELECT * FROM have_post EXCEPT ALL SELECT * FROM want_post)) x)
     + (SELECT count(*) FROM ((SELECT * FROM want_word EXCEPT SELECT word COLLATE "default", n FROM ref.name_word WHERE n > 0)
                              UNION ALL (SELECT word COLLATE "default", n FROM ref.name_word WHERE n > 0
                                         EXCEPT SELECT * FROM want_word)) x)
     + (SELECT count(*) FROM ((SELECT v, w.word_id FROM ref.name_word w, ref.word_deletions(w.word) v
                               EXCEPT ALL SELECT variant, word_id FROM ref.name_word_del)
                              UNION ALL (SELECT variant, word_id FROM ref.name_word_del EXCEPT ALL
                                         SELECT v, w.word_id FROM ref.name_word w, ref.word_deletions(w.word) v)) x)
     + (SELECT count(*) FROM ((SELECT code, npi, address_id, ST_AsText(geog) FROM want_member
                               EXCEPT ALL SELECT code, npi, address_id, ST_AsText(geog) FROM have_member)
                              UNION ALL (SELECT code, npi, address_id, ST_AsText(geog) FROM have_member
                                         EXCEPT ALL SELECT code, npi, address_id, ST_AsText(geog) FROM want_member)) x)
     + (SELECT count(*) FROM ((SELECT * FROM want_point EXCEPT SELECT * FROM have_point)
                              UNION ALL (SELECT * FROM have_point EXCEPT SELECT * FROM want_point)) x)
     + (SELECT count(*) FROM ref.search_dirty))sql");
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::SyncConnection> conn_;
};

TEST_F(DerivedTest, FollowBulkAndIncrementalWrites) {
    EXPECT_GT(Count("SELECT count(*) FROM ref.name_posting"), 6000);
    EXPECT_GT(Count("SELECT count(*) FROM ref.nearby_member"), 6000);
    EXPECT_EQ(Drift(), 0);
    // Small changes (incremental path): renames, a removal, moved and removed addresses, new and dropped
    // codes, a new physician, a deleted one, all in one transaction.
    conn_->ExecScript(R"sql(
BEGIN;
UPDATE ref.physician SET last_name = 'Zuniga', search_name = ref.fold_name(first_name || ' Zuniga')
 WHERE npi BETWEEN 1000000001 AND 1000000020;
UPDATE ref.physician SET removed_at = now() WHERE npi = 1000000021;
UPDATE ref.physician SET deactivation_date = date '2024-01-01' WHERE npi = 1000000022;
UPDATE ref.physician_address SET geog = ST_SetSRID(ST_MakePoint(-92.5, 44.5), 4326)::geography
 WHERE npi BETWEEN 1000000030 AND 1000000040 AND source = 'nppes';
UPDATE ref.physician_address SET removed_at = now() WHERE npi BETWEEN 1000000041 AND 1000000045;
DELETE FROM ref.physician_taxonomy WHERE npi BETWEEN 1000000050 AND 1000000055 AND slot = 1;
INSERT INTO ref.physician_taxonomy (npi, slot, taxonomy_code, is_primary, release_id)
VALUES (1000000060, 3, '207X00000X', false, 1);
INSERT INTO ref.physician (npi, entity_type, first_name, last_name, search_name, release_id, first_release_id)
VALUES (1999999999, 1, 'Élodie', 'Ångström', ref.fold_name('Élodie Ångström'), 1, 1);
INSERT INTO ref.physician_address (npi, source, source_key, address_hash, geog, geocode_quality, release_id)
VALUES (1999999999, 'nppes', 'primary', 'n', ST_SetSRID(ST_MakePoint(-93.3, 44.9), 4326)::geography,
        'address', 1);
DELETE FROM ref.physician_address WHERE npi = 1000000070;
DELETE FROM ref.physician WHERE npi = 1000000070;
COMMIT)sql");
    EXPECT_EQ(Drift(), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.name_word WHERE word = 'zuniga'"), 1);
    EXPECT_EQ(Count("SELECT n FROM ref.name_word WHERE word = 'angstrom'"), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.name_posting WHERE npi = 1000000021"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.name_word WHERE word = 'zuniga' AND n = 20"), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.nearby_member WHERE npi = 1000000070"), 0);
    // Emptying a base table and writing a few rows back rebuilds everything.
    conn_->ExecScript(R"sql(
BEGIN;
CREATE TEMP TABLE keep AS SELECT * FROM ref.physician_taxonomy WHERE npi < 1000000100;
TRUNCATE ref.physician_taxonomy;
INSERT INTO ref.physician_taxonomy SELECT * FROM keep;
COMMIT)sql");
    EXPECT_EQ(Drift(), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM ref.nearby_member m JOIN ref.nearby_code c USING (code_id) "
                    "WHERE c.code <> '' AND m.npi >= 1000000100"),
              0);
    // A rolled-back write leaves nothing queued and nothing changed.
    conn_->ExecScript("BEGIN; UPDATE ref.physician SET search_name = 'x' WHERE npi = 1000000100; ROLLBACK");
    EXPECT_EQ(Drift(), 0);
}

TEST_F(DerivedTest, NearbyWalkEqualsBruteForce) {
    // Query points on a stack, between stacks and away from everything; with and without codes; small and large k.
    const char* points[] = {"-93.3, 44.9", "-93.25, 44.925", "-93.0, 45.0", "-93.1234, 44.95", "-92.0, 44.0"};
    const char* codes[] = {"NULL", "'{207RC0000X}'", "'{208600000X,363LF0000X}'"};
    for (const char* pt : points) {
        for (const char* code : codes) {
            for (int k : {1, 25, 500}) {
                for (double radius : {800.0, 16093.4}) {
                    std::string args = std::string(pt) + ", " + std::to_string(radius) + ", " + code + "::text[], " +
                                       std::to_string(k);
                    std::string got = std::string(
                        conn_
                            ->Exec("SELECT coalesce(string_agg(npi || ':' || round(dist::numeric, 2), ',' ORDER BY "
                                   "dist, npi), '') FROM ref.nearby_physicians(" +
                                   args + ")")
                            .Get(0, 0));
                    std::string want = std::string(
                        conn_
                            ->Exec("WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(" + std::string(pt) +
                                   "), 4326)::geography AS g), d AS (SELECT DISTINCT ON (a.npi) a.npi, a.geog <-> pt.g "
                                   "AS dist FROM ref.physician_address a, pt WHERE a.removed_at IS NULL AND a.geog IS "
                                   "NOT NULL AND (" +
                                   code +
                                   "::text[] IS NULL OR EXISTS (SELECT 1 FROM ref.physician_taxonomy t WHERE t.npi = "
                                   "a.npi AND t.taxonomy_code = ANY (" +
                                   code + "::text[]))) ORDER BY a.npi, 2), top AS (SELECT * FROM d WHERE dist <= " +
                                   std::to_string(radius) + " ORDER BY dist, npi LIMIT " + std::to_string(k) +
                                   ") SELECT coalesce(string_agg(npi || ':' || round(dist::numeric, 2), ',' ORDER BY "
                                   "dist, npi), '') FROM top")
                            .Get(0, 0));
                    EXPECT_EQ(got, want) << args;
                }
            }
        }
    }
}

TEST_F(DerivedTest, TokenWordsTierExactPrefixFuzzy) {
    auto tiers = [&](const std::string& tok) {
        return std::string(conn_
                               ->Exec("SELECT string_agg(word || '=' || tier, ',' ORDER BY tier DESC, word) FROM "
                                      "ref.token_words('" +
                                      tok + "', 50, 20)")
                               .Get(0, 0));
    };
    EXPECT_EQ(tiers("jon"), "jon=3,jones=2,john=1");
    const std::string smith = tiers("smith");
    EXPECT_EQ(smith.rfind("smith=3,smithson=2", 0), 0u) << smith;
    EXPECT_NE(tiers("smiht").find("smith=1"), std::string::npos);
    EXPECT_NE(tiers("nugyen").find("nguyen=1"), std::string::npos);  // two letters swapped
    EXPECT_NE(tiers("garca").find("garcia=1"), std::string::npos);   // a letter missing
    EXPECT_NE(tiers("moorre").find("moore=1"), std::string::npos);   // a letter extra
}

}  // namespace
}  // namespace rounds::physicians
