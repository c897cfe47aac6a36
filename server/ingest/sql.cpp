#include "ingest/sql.h"

#include <numeric>

namespace rounds::ingest::sql {

const std::string_view kGeocodeChangedStep = "geocode.changed_addresses";
const std::string_view kGeocodeFromCacheStep = "geocode.from_cache";

namespace {

std::string Join(const std::vector<std::string>& items, std::string_view sep, std::string_view prefix = "") {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += sep;
        }
        out += prefix;
        out += items[i];
    }
    return out;
}

// One target table fed from a temporary source table with the same column names.
struct Merge {
    std::string name;
    std::string target;
    std::vector<std::string> keys;
    std::vector<std::string> values;
    std::string source_select;    // SELECT producing keys and values (one row per key)
    std::string source_table;     // instead of source_select: an existing temp table with one row per key
    std::string removal_scope;    // predicate on `t` selecting rows the release covers; empty: no removal
    bool delete_removed = false;  // child rows without history columns are deleted instead of marked
    bool has_history = true;      // target has removed_at / removed_release_id
    bool first_release = false;   // target has first_release_id
    bool touch_updated_at = false;
    bool counts = false;
    // Written with the values but not compared: a row whose other values are equal stays untouched.
    std::vector<std::string> volatile_values;
    // Large releases into a smaller target drop its secondary indexes for the upsert and build them after.
    bool bulk = true;
    // The target was found empty (and truncated) in this transaction: a plain INSERT straight from the source,
    // which must have one row per key; no temporary source table, no ON CONFLICT, nothing to remove.
    bool plain_insert = false;
    // Also written (and compared) when this condition on `t`/EXCLUDED holds, e.g. a changed content hash.
    std::string also_changed;
    // A plain insert whose rows the side connection may have prepared (SidePlan piece of this name, in table
    // ref.bulk_<side>): the insert copies them when ready, else selects them itself.
    std::string side;
    // The whole release when `source_table` holds only its changed rows: what the unchanged count and the
    // removal's anti-join are taken against. Empty: the source itself.
    std::string release_table;
};

// The target's columns for an insert from the merge source, and what to select for them ($1 = the load id).
std::pair<std::string, std::string> InsertColumns(const Merge& m) {
    std::vector<std::string> cols = m.keys;
    cols.insert(cols.end(), m.values.begin(), m.values.end());
    cols.insert(cols.end(), m.volatile_values.begin(), m.volatile_values.end());
    std::string insert_cols = Join(cols, ", ") + ", release_id";
    std::string select_cols = Join(cols, ", ") + ", $1";
    if (m.first_release) {
        insert_cols += ", first_release_id";
        select_cols += ", $1";
    }
    return {insert_cols, select_cols};
}

void AddPlainInsert(std::vector<Statement>& plan, const Merge& m) {
    const auto [insert_cols, select_cols] = InsertColumns(m);
    const std::string from = m.source_table.empty() ? "(" + m.source_select + ") s" : m.source_table;
    plan.push_back({m.name + ".bulk_drop_indexes", "SELECT ref.bulk_drop_indexes('" + m.target + "', 1)"});
    Statement insert{m.name + ".insert",
                     "INSERT INTO " + m.target + " (" + insert_cols + ") SELECT " + select_cols + " FROM " + from,
                     true};
    insert.counts_inserted = m.counts;
    if (!m.side.empty()) {
        // The prepared rows carry every source column; the time of geocoding is this transaction's, as below.
        std::vector<std::string> cols = m.keys;
        cols.insert(cols.end(), m.values.begin(), m.values.end());
        for (const std::string& v : m.volatile_values) {
            cols.push_back(v == "geocoded_at" ? "now()" : v);
        }
        Statement copy{m.name + ".insert_prepared",
                       "INSERT INTO " + m.target + " (" + insert_cols + ") SELECT " + Join(cols, ", ") + ", $1" +
                           (m.first_release ? ", $1" : "") + " FROM ref.bulk_" + m.side,
                       true};
        copy.counts_inserted = m.counts;
        copy.side_piece = m.side;
        plan.push_back(copy);
        insert.side_piece = m.side;
        insert.with_side = false;
    }
    plan.push_back(insert);
    plan.push_back({m.name + ".bulk_restore_indexes", "SELECT ref.bulk_restore_indexes('" + m.target + "')"});
}

void AddMerge(std::vector<Statement>& plan, const Merge& m) {
    if (m.plain_insert) {
        AddPlainInsert(plan, m);
        return;
    }
    const std::string src = m.source_table.empty() ? "merge_src_" + std::to_string(plan.size()) : m.source_table;
    // An index on the keys keeps the removal's anti-join linear-ish even when the planner misjudges the
    // freshly written target (without it a 100k-row Part B year took minutes in a nested loop). A given source
    // table comes indexed and analysed.
    if (m.source_table.empty()) {
        plan.push_back({m.name + ".source", "CREATE TEMP TABLE " + src + " ON COMMIT DROP AS " + m.source_select});
        plan.push_back({m.name + ".index", "CREATE INDEX ON " + src + " (" + Join(m.keys, ", ") + ")"});
        plan.push_back({m.name + ".analyze", "ANALYZE " + src});
    }

    const auto [insert_cols, select_cols] = InsertColumns(m);
    std::vector<std::string> sets;
    for (const std::string& v : m.values) {
        sets.push_back(v + " = EXCLUDED." + v);
    }
    for (const std::string& v : m.volatile_values) {
        sets.push_back(v + " = EXCLUDED." + v);
    }
    sets.push_back("release_id = EXCLUDED.release_id");
    if (m.has_history) {
        sets.push_back("removed_at = NULL");
        sets.push_back("removed_release_id = NULL");
    }
    if (m.touch_updated_at) {
        sets.push_back("updated_at = now()");
    }
    // Only rows whose values differ are written: reloading a release leaves every tuple untouched.
    std::string changed = m.values.empty() ? "FALSE"
                                           : "(" + Join(m.values, ", ", "t.") + ") IS DISTINCT FROM (" +
                                                 Join(m.values, ", ", "EXCLUDED.") + ")";
    if (m.has_history) {
        changed += " OR t.removed_at IS NOT NULL";
    }
    if (!m.also_changed.empty()) {
        changed += " OR " + m.also_changed;
    }
    const std::string release = m.release_table.empty() ? src : m.release_table;
    std::string upsert = "WITH up AS (INSERT INTO " + m.target + " AS t (" + insert_cols + ") SELECT " + select_cols +
                         " FROM " + src + " ON CONFLICT (" + Join(m.keys, ", ") + ") DO UPDATE SET " +
                         Join(sets, ", ") + " WHERE " + changed +
                         " RETURNING (xmax = 0) AS inserted) "
                         "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), "
                         "(SELECT count(*) FROM " +
                         release + ") - count(*) FROM up";
    if (m.bulk) {
        plan.push_back({m.name + ".bulk_drop_indexes",
                        "SELECT ref.bulk_drop_indexes('" + m.target + "', (SELECT count(*) FROM " + src + "))"});
    }
    plan.push_back({m.name + ".upsert", upsert, true, false, m.counts});

    if (!m.removal_scope.empty()) {
        // The upsert may have just written most of the table inside this transaction, where autovacuum cannot
        // see it: without fresh statistics the removal's semi-join is planned for an empty table (a nested loop
        // over the whole stage per row: hours for the secondary locations of 5M physicians).
        plan.push_back({m.name + ".analyze_target", "ANALYZE " + m.target});
        std::vector<std::string> match;
        for (const std::string& k : m.keys) {
            match.push_back("s." + k + " = t." + k);
        }
        const std::string absent = "NOT EXISTS (SELECT 1 FROM " + release + " s WHERE " + Join(match, " AND ") + ")";
        std::string removal;
        if (m.delete_removed) {
            removal = "WITH r AS (DELETE FROM " + m.target + " t WHERE (" + m.removal_scope + ") AND " + absent +
                      " RETURNING 1) SELECT count(*) FROM r";
        } else {
            removal = "WITH r AS (UPDATE " + m.target + " t SET removed_at = now(), removed_release_id = $1 WHERE " +
                      "t.removed_at IS NULL AND (" + m.removal_scope + ") AND " + absent +
                      " RETURNING 1) SELECT count(*) FROM r";
        }
        plan.push_back({m.name + ".remove", removal, !m.delete_removed, false, false, m.counts});
    }
    if (m.bulk) {
        plan.push_back({m.name + ".bulk_restore_indexes", "SELECT ref.bulk_restore_indexes('" + m.target + "')"});
    }
}

const std::string kAddressHash = "md5(lower(concat_ws('|', line1, line2, city, state, zip5)))";

// An address merge geocodes as it writes, so each address row is written once: the point comes from the
// address-level cache (filled by an HTTP geocoder), else the ZIP's ZCTA centroid, else 'unmatched'. An address
// whose text and point are unchanged stays untouched. OFFSET 0 keeps the source a subquery: flattened, its
// md5 address hash was computed once per reference (join key, two outputs).
void GeocodeInline(Merge& address) {
    address.source_select =
        "SELECT a.*, coalesce(c.geog, z.geog) AS geog, CASE WHEN c.geog IS NOT NULL THEN "
        "'address' WHEN z.geog IS NOT NULL THEN 'zip_centroid' ELSE 'unmatched' END AS "
        "geocode_quality, a.address_hash AS geocoded_hash, now() AS geocoded_at FROM (" +
        address.source_select +
        " OFFSET 0) a LEFT JOIN ref.geocode_cache c ON c.address_hash = a.address_hash AND c.geog IS "
        "NOT NULL LEFT JOIN ref.zcta z ON z.zip5 = a.zip5 AND z.removed_at IS NULL";
    address.values.insert(address.values.end(), {"geog", "geocode_quality", "geocoded_hash"});
    address.volatile_values.push_back("geocoded_at");
}

// Assigns a point to every address whose text changed since it was last geocoded: the address-level cache
// first (filled by an HTTP geocoder), else the ZIP's ZCTA centroid, else 'unmatched'.
const Statement kGeocodeChanged{
    std::string(kGeocodeChangedStep),
    "WITH todo AS ("
    " SELECT a.address_id, coalesce(c.geog, z.geog) AS geog,"
    "        CASE WHEN c.geog IS NOT NULL THEN 'address' WHEN z.geog IS NOT NULL THEN 'zip_centroid'"
    "             ELSE 'unmatched' END AS quality"
    "   FROM ref.physician_address a"
    "   LEFT JOIN ref.geocode_cache c ON c.address_hash = a.address_hash AND c.geog IS NOT NULL"
    "   LEFT JOIN ref.zcta z ON z.zip5 = a.zip5 AND z.removed_at IS NULL"
    "  WHERE a.geocoded_hash IS DISTINCT FROM a.address_hash)"
    " UPDATE ref.physician_address a SET geog = todo.geog, geocode_quality = todo.quality,"
    "        geocoded_hash = a.address_hash, geocoded_at = now()"
    "   FROM todo WHERE a.address_id = todo.address_id"};

// After an HTTP geocoder filled the cache: addresses still at a ZIP centroid (or unmatched) take the
// address-level point. Only run with --geocoder census (the cache has no other writer).
const Statement kGeocodeFromCache{
    std::string(kGeocodeFromCacheStep),
    "UPDATE ref.physician_address a SET geog = c.geog, geocode_quality = 'address', geocoded_hash = a.address_hash,"
    "       geocoded_at = now()"
    "  FROM ref.geocode_cache c"
    " WHERE c.address_hash = a.address_hash AND c.geog IS NOT NULL AND a.geocode_quality <> 'address'"
    "   AND a.removed_at IS NULL"};

// After a ZCTA release: centroid-geocoded and unmatched addresses follow their ZIP's (new) centroid.
const Statement kGeocodeAfterZcta{"geocode.zcta_refresh",
                                  "UPDATE ref.physician_address a SET geog = z.geog, geocode_quality = 'zip_centroid',"
                                  "       geocoded_hash = a.address_hash, geocoded_at = now()"
                                  "  FROM ref.zcta z"
                                  " WHERE z.zip5 = a.zip5 AND z.removed_at IS NULL"
                                  "   AND a.geocode_quality IN ('zip_centroid', 'unmatched', 'pending')"
                                  "   AND (a.geog IS NULL OR NOT ST_Equals(a.geog::geometry, z.geog::geometry))"};

std::vector<std::string> SpecColumns(const DatasetSpec& spec, const std::vector<std::string>& skip) {
    std::vector<std::string> out;
    for (const ColumnSpec& c : spec.columns) {
        bool skipped = false;
        for (const std::string& s : skip) {
            skipped = skipped || s == c.name;
        }
        if (!skipped) {
            out.push_back(c.name);
        }
    }
    return out;
}

const std::string kSearchName =
    "coalesce(ref.fold_name(concat_ws(' ', first_name, middle_name, last_name, org_name, other_org_name, "
    "other_last_name)), '') AS search_name";

// ALTER TABLE ... DISABLE/ENABLE TRIGGER for the row-change triggers of migration 0016 (not the TRUNCATE ones).
std::string SearchTriggers(const std::string& action) {
    std::string sql = "DO $$ BEGIN ";
    for (const char* table : {"physician", "physician_taxonomy", "physician_address"}) {
        for (const char* op : {"ins", "upd", "del"}) {
            sql +=
                "ALTER TABLE ref." + std::string(table) + " " + action + " TRIGGER " + table + "_search_" + op + "; ";
        }
    }
    return sql + "END $$";
}

// The taxonomy rows of the release's rows in `changed` (a table or view with the stage's columns, one row per NPI).
Merge TaxonomyMerge(const std::string& changed) {
    std::string tax_values;  // slots 2..15
    std::string tax_more;    // any of slots 2..15 is set
    for (int i = 2; i <= 15; ++i) {
        const std::string n = std::to_string(i);
        tax_values += (i > 2 ? ", " : "") + std::string("(") + n + "::smallint, s.taxonomy_code_" + n +
                      ", s.license_number_" + n + ", s.license_state_" + n + ", s.primary_switch_" + n +
                      ", s.taxonomy_group_" + n + ")";
        tax_more += (i > 2 ? " OR " : "") + std::string("s.taxonomy_code_") + n + " IS NOT NULL";
    }
    Merge taxonomy;
    taxonomy.name = "nppes.taxonomy";
    taxonomy.target = "ref.physician_taxonomy";
    taxonomy.keys = {"npi", "slot"};
    taxonomy.values = {"taxonomy_code", "license_number", "license_state", "is_primary", "taxonomy_group"};
    // Slot 1 straight; only the few rows with more slots are unfolded (unfolding 15 slots of every row produced
    // 15 candidate rows per NPI and cost more than the insert itself).
    taxonomy.source_select =
        "SELECT s.npi, 1::smallint AS slot, s.taxonomy_code_1 AS taxonomy_code, s.license_number_1 AS "
        "license_number, s.license_state_1 AS license_state, s.primary_switch_1 AS is_primary, s.taxonomy_group_1 "
        "AS taxonomy_group FROM " +
        changed +
        " s WHERE s.taxonomy_code_1 IS NOT NULL UNION ALL "
        "SELECT s.npi, v.slot, v.taxonomy_code, v.license_number, v.license_state, v.is_primary, v.taxonomy_group "
        "FROM " +
        changed + " s CROSS JOIN LATERAL (VALUES " + tax_values +
        ") AS v(slot, taxonomy_code, license_number, license_state, is_primary, taxonomy_group) "
        "WHERE (" +
        tax_more + ") AND v.taxonomy_code IS NOT NULL";
    taxonomy.removal_scope = "t.npi IN (SELECT npi FROM " + changed + ")";
    taxonomy.delete_removed = true;
    taxonomy.has_history = false;
    return taxonomy;
}

// A merge into ref.physician_address (one row per NPI, source and source key; the columns every source fills).
Merge AddressTarget(std::string name) {
    Merge address;
    address.name = std::move(name);
    address.target = "ref.physician_address";
    address.keys = {"npi", "source", "source_key"};
    address.values = {"line1", "line2",   "city",  "state", "postal_code",
                      "zip5",  "country", "phone", "fax",   "address_hash"};
    return address;
}

// The NPPES practice address rows of the release's rows in `changed`, geocoded as they are written.
Merge AddressMerge(const std::string& changed, Mode mode) {
    Merge address = AddressTarget("nppes.address");
    address.source_select =
        "SELECT *, " + kAddressHash +
        " AS address_hash FROM ("
        "SELECT npi, 'nppes'::text AS source, 'primary'::text AS source_key, practice_line1 AS line1, "
        "practice_line2 AS line2, practice_city AS city, practice_state AS state, "
        "practice_postal_code AS postal_code, "
        "CASE WHEN coalesce(practice_country, 'US') = 'US' THEN left(practice_postal_code, 5) END AS zip5, "
        "practice_country AS country, practice_phone AS phone, practice_fax AS fax "
        "FROM " +
        changed + " WHERE practice_line1 IS NOT NULL) a";
    address.removal_scope = mode == Mode::kFull ? "t.source = 'nppes' AND (t.npi IN (SELECT npi FROM " + changed +
                                                      ") OR NOT EXISTS (SELECT 1 FROM nppes_src s WHERE s.npi = t.npi))"
                                                : "t.source = 'nppes' AND t.npi IN (SELECT npi FROM " + changed + ")";
    GeocodeInline(address);
    return address;
}

// The columns a merge source selects (keys, values, volatile values).
std::string SourceColumns(const Merge& m) {
    std::vector<std::string> cols = m.keys;
    cols.insert(cols.end(), m.values.begin(), m.values.end());
    cols.insert(cols.end(), m.volatile_values.begin(), m.volatile_values.end());
    return Join(cols, ", ");
}

std::vector<Statement> NppesPlan(const DatasetSpec& spec, const PlanOptions& options) {
    const Mode mode = options.mode;
    std::vector<Statement> plan;
    // nppes_src: one row per NPI (the last in the file wins), with the folded search name: the physician merge
    // reads it as is, the taxonomy and address merges derive their rows from it. The CMS file is sorted by NPI:
    // then the staging table already has one row per NPI and nppes_src is a view of it (no sorted copy); the
    // unique index proves the parser right.
    if (options.sorted_unique) {
        plan.push_back({"nppes.index", "CREATE UNIQUE INDEX ON ref.stage_nppes (npi)"});
        plan.push_back({"nppes.source",
                        "CREATE OR REPLACE TEMP VIEW nppes_src AS SELECT *, " + kSearchName + " FROM ref.stage_nppes"});
    } else {
        plan.push_back({"nppes.dedupe", "CREATE TEMP TABLE nppes_src ON COMMIT DROP AS SELECT DISTINCT ON (npi) *, " +
                                            kSearchName + " FROM ref.stage_nppes ORDER BY npi, line DESC"});
        plan.push_back({"nppes.index", "CREATE UNIQUE INDEX ON nppes_src (npi)"});
        plan.push_back({"nppes.analyze", "ANALYZE nppes_src (npi)"});
    }
    if (options.empty_targets) {
        // A first load: the targets are empty (checked in this transaction), so truncating them changes nothing
        // anyone can see, and gives them new files: with wal_level=minimal the inserts below write no WAL.
        plan.push_back({"nppes.truncate", "TRUNCATE ref.physician, ref.physician_taxonomy, ref.physician_address"});
        // The TRUNCATE queued a wholesale rebuild of the search and nearby rows (migration 0016). The statement
        // triggers that queue changed NPIs would only repeat that, after copying every inserted row into a
        // transition table and sorting its NPIs: they are off until the end of the plan (in this transaction,
        // which holds the tables' exclusive lock; a rollback restores them).
        plan.push_back({"nppes.search_triggers_off", SearchTriggers("DISABLE")});
    }
    // nppes_changed: the release's rows whose content hash differs from the stored row's (new NPIs, changed and
    // reappearing ones, rows stored before hashes existed). Everything below reads it instead of the whole
    // release: a monthly full file changes a few percent of its NPIs. Removal still compares with the whole
    // release. A first load has nothing to compare with.
    const std::string changed = options.empty_targets ? "nppes_src" : "nppes_changed";
    if (!options.empty_targets) {
        Statement candidates{"nppes.changed",
                             "CREATE TEMP TABLE nppes_changed ON COMMIT DROP AS SELECT s.* FROM nppes_src s WHERE NOT "
                             "EXISTS (SELECT 1 FROM ref.physician p WHERE p.npi = s.npi AND p.row_hash = s.row_hash "
                             "AND p.removed_at IS NULL)"};
        candidates.counts_candidates = true;
        plan.push_back(candidates);
        plan.push_back({"nppes.changed_index", "CREATE UNIQUE INDEX ON nppes_changed (npi)"});
        plan.push_back({"nppes.changed_analyze", "ANALYZE nppes_changed"});
    }
    std::string tax_array;
    for (int i = 1; i <= 15; ++i) {
        tax_array += (i > 1 ? ", " : "") + std::string("s.taxonomy_code_") + std::to_string(i);
    }
    // The change set for reps, computed against the rows as they were before this release. The first load
    // of NPPES is a baseline: every NPI would be "new", which tells nobody anything.
    const std::string addr_new =
        "concat_ws(', ', s.practice_line1, s.practice_city, s.practice_state, "
        "left(s.practice_postal_code, 5))";
    const std::string addr_old =
        "concat_ws(', ', p.practice_line1, p.practice_city, p.practice_state, "
        "left(p.practice_postal_code, 5))";
    plan.push_back(
        {"nppes.change_set",
         "INSERT INTO ref.npi_change (load_id, npi, change_kind, old_value, new_value) "
         "SELECT $1, c.npi, c.kind, c.old_value, c.new_value FROM ("
         " SELECT s.npi, 'new' AS kind, NULL AS old_value, NULL AS new_value FROM " +
             changed +
             " s"
             "  WHERE NOT EXISTS (SELECT 1 FROM ref.physician p WHERE p.npi = s.npi)"
             " UNION ALL SELECT s.npi, 'moved', " +
             addr_old + ", " + addr_new + " FROM " + changed +
             " s JOIN ref.physician p ON p.npi = s.npi"
             "  WHERE s.practice_line1 IS NOT NULL AND " +
             addr_old + " IS DISTINCT FROM " + addr_new +
             " UNION ALL SELECT s.npi, 'deactivated', p.deactivation_date::text, s.deactivation_date::text"
             " FROM " +
             changed +
             " s JOIN ref.physician p ON p.npi = s.npi"
             "  WHERE s.deactivation_date IS NOT NULL AND p.deactivation_date IS DISTINCT FROM s.deactivation_date"
             "    AND (s.reactivation_date IS NULL OR s.reactivation_date < s.deactivation_date)"
             " UNION ALL SELECT s.npi, 'reactivated', p.reactivation_date::text, s.reactivation_date::text"
             " FROM " +
             changed +
             " s JOIN ref.physician p ON p.npi = s.npi"
             "  WHERE s.reactivation_date IS NOT NULL AND p.reactivation_date IS DISTINCT FROM s.reactivation_date"
             " UNION ALL SELECT DISTINCT s.npi, 'new_specialty', NULL, code"
             " FROM " +
             changed +
             " s JOIN ref.physician p ON p.npi = s.npi"
             " CROSS JOIN LATERAL unnest(ARRAY[" +
             tax_array +
             "]) AS code"
             "  WHERE code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ref.physician_taxonomy t"
             "   WHERE t.npi = s.npi AND t.taxonomy_code = code)"
             ") c WHERE EXISTS (SELECT 1 FROM ref.dataset_load l WHERE l.dataset = 'nppes' AND l.status = 'succeeded')",
         true});

    std::vector<std::string> skip;
    for (int i = 1; i <= 15; ++i) {
        const std::string n = std::to_string(i);
        for (const char* prefix :
             {"taxonomy_code_", "license_number_", "license_state_", "primary_switch_", "taxonomy_group_"}) {
            skip.push_back(prefix + n);
        }
    }
    skip.push_back("npi");
    Merge physician;
    physician.name = "nppes.physician";
    physician.target = "ref.physician";
    physician.keys = {"npi"};
    physician.values = SpecColumns(spec, skip);
    physician.values.push_back("search_name");
    // Written with the row; a different hash also rewrites a row whose own columns are equal (its taxonomy or
    // address changed), so the next load finds it unchanged. A NULL stored hash (rows loaded before hashes) is
    // filled only when the row changes anyway: a reload of the same release still rewrites nothing.
    physician.volatile_values.push_back("row_hash");
    physician.also_changed = "(t.row_hash IS NOT NULL AND t.row_hash <> EXCLUDED.row_hash)";
    physician.source_table = changed;
    physician.release_table = "nppes_src";
    physician.removal_scope = mode == Mode::kFull ? "TRUE" : "";
    physician.first_release = true;
    physician.touch_updated_at = true;
    physician.counts = true;
    physician.plain_insert = options.empty_targets;
    AddMerge(plan, physician);

    // A first load of a sorted release copies the rows the side connection prepared (SidePlan) when they are ready.
    const bool side = options.empty_targets && options.sorted_unique;
    Merge taxonomy = TaxonomyMerge(changed);
    taxonomy.plain_insert = options.empty_targets;
    taxonomy.side = side ? "taxonomy" : "";
    AddMerge(plan, taxonomy);

    Merge address = AddressMerge(changed, mode);
    address.plain_insert = options.empty_targets;
    address.side = side ? "address" : "";
    AddMerge(plan, address);
    plan.push_back(kGeocodeChanged);
    plan.push_back(kGeocodeFromCache);
    if (options.empty_targets) {
        plan.push_back({"nppes.search_triggers_on", SearchTriggers("ENABLE")});
        if (options.sorted_unique) {
            // Only when the side connection prepared them (else the wholesale rebuild at the end does it). The
            // search-name rows are rebuilt in the merge: prepared aside (words from a second fold and split of
            // every name, 3 postings per NPI written twice) they cost 1.7x the server CPU, which a busy machine
            // pays in wall time.
            Statement nearby{"nppes.nearby_from_side", "SELECT ref.install_nearby()"};
            nearby.side_piece = "nearby";
            plan.push_back(nearby);
        }
    }
    return plan;
}

std::vector<Statement> NppesLocationsPlan() {
    std::vector<Statement> plan;
    Merge address = AddressTarget("nppes_locations.address");
    // The file repeats identical rows for an NPI: one location per distinct address.
    address.source_select =
        "SELECT DISTINCT ON (npi, address_hash) * FROM ("
        "SELECT *, " +
        kAddressHash + " AS address_hash, " + kAddressHash +
        " AS source_key FROM ("
        "SELECT npi, 'nppes_secondary'::text AS source, line1, line2, city, state, postal_code, "
        "CASE WHEN coalesce(country, 'US') = 'US' THEN left(postal_code, 5) END AS zip5, country, "
        "CASE WHEN phone_ext IS NULL THEN phone ELSE phone || ' x' || phone_ext END AS phone, fax, line "
        "FROM ref.stage_nppes_locations) a) b ORDER BY npi, address_hash, line DESC";
    // The file lists every secondary location of the NPIs it carries: others of those NPIs are gone.
    address.removal_scope = "t.source = 'nppes_secondary' AND t.npi IN (SELECT npi FROM ref.stage_nppes_locations)";
    address.counts = true;
    GeocodeInline(address);
    AddMerge(plan, address);
    plan.push_back(kGeocodeChanged);
    plan.push_back(kGeocodeFromCache);
    return plan;
}

std::vector<Statement> DacPlan(const DatasetSpec& spec) {
    std::vector<Statement> plan;
    plan.push_back({"dac.source",
                    "CREATE TEMP TABLE dac_src ON COMMIT DROP AS SELECT *, coalesce(org_pac_id, '') AS org_key, "
                    "coalesce(address_id, md5(lower(concat_ws('|', line1, line2, city, state, postal_code)))) "
                    "AS address_key FROM ref.stage_dac"});
    Merge enrollment;
    enrollment.name = "dac.enrollment";
    enrollment.target = "ref.enrollment";
    enrollment.keys = {"npi", "enrollment_id"};
    enrollment.values = {"pac_id",
                         "last_name",
                         "first_name",
                         "middle_name",
                         "suffix",
                         "gender",
                         "credential",
                         "med_school",
                         "grad_year",
                         "primary_specialty",
                         "secondary_specialty_1",
                         "secondary_specialty_2",
                         "secondary_specialty_3",
                         "secondary_specialty_4",
                         "secondary_specialties",
                         "telehealth"};
    enrollment.source_select =
        "SELECT DISTINCT ON (npi, enrollment_id) * FROM dac_src ORDER BY npi, enrollment_id, line";
    enrollment.removal_scope = "TRUE";
    AddMerge(plan, enrollment);

    Merge location;
    location.name = "dac.location";
    location.target = "ref.enrollment_location";
    location.keys = {"npi", "enrollment_id", "org_pac_id", "address_key"};
    location.values = {"org_name", "org_member_count", "line1", "line2",          "line2_suppressed", "city",
                       "state",    "postal_code",      "phone", "ind_assignment", "grp_assignment"};
    location.source_select =
        "SELECT DISTINCT ON (npi, enrollment_id, org_key, address_key) npi, enrollment_id, org_key AS org_pac_id, "
        "address_key, org_name, org_member_count, line1, line2, line2_suppressed, city, state, postal_code, phone, "
        "ind_assignment, grp_assignment FROM dac_src ORDER BY npi, enrollment_id, org_key, address_key, line";
    location.removal_scope = "TRUE";
    location.counts = true;
    AddMerge(plan, location);

    Merge address = AddressTarget("dac.address");
    address.source_select =
        "SELECT *, " + kAddressHash +
        " AS address_hash FROM ("
        "SELECT DISTINCT ON (npi, address_key) npi, 'dac'::text AS source, address_key AS source_key, line1, "
        "line2, city, state, postal_code, left(postal_code, 5) AS zip5, NULL::text AS country, phone, "
        "NULL::text AS fax FROM dac_src WHERE line1 IS NOT NULL ORDER BY npi, address_key, line) a";
    address.removal_scope = "t.source = 'dac'";
    GeocodeInline(address);
    AddMerge(plan, address);
    plan.push_back(kGeocodeChanged);
    plan.push_back(kGeocodeFromCache);
    (void)spec;
    return plan;
}

Merge Simple(const DatasetSpec& spec, std::string target, std::vector<std::string> keys, std::string scope,
             std::vector<std::string> skip = {}) {
    Merge m;
    m.name = spec.name;
    m.target = std::move(target);
    m.keys = keys;
    skip.insert(skip.end(), keys.begin(), keys.end());
    m.values = SpecColumns(spec, skip);
    std::string order = Join(keys, ", ");
    m.source_select =
        "SELECT DISTINCT ON (" + order + ") * FROM " + spec.stage_table + " ORDER BY " + order + ", line DESC";
    m.removal_scope = std::move(scope);
    m.counts = true;
    return m;
}

}  // namespace

std::vector<Statement> MergePlan(const DatasetSpec& spec, const PlanOptions& options) {
    std::vector<Statement> plan;
    if (spec.name == "nppes") {
        return NppesPlan(spec, options);
    }
    if (spec.name == "nppes-locations") {
        return NppesLocationsPlan();
    }
    if (spec.name == "dac") {
        return DacPlan(spec);
    }
    if (spec.name == "nucc") {
        AddMerge(plan, Simple(spec, "ref.taxonomy", {"code"}, "TRUE"));
    } else if (spec.name == "hospitals") {
        AddMerge(plan, Simple(spec, "ref.facility", {"ccn"}, "TRUE"));
    } else if (spec.name == "facility-affiliation") {
        Merge m = Simple(spec, "ref.affiliation", {"npi", "ccn", "facility_type"}, "TRUE", {"last_name", "first_name"});
        m.source_select =
            "SELECT DISTINCT ON (npi, ccn, facility_type) npi, ccn, coalesce(facility_type, '') AS facility_type, "
            "pac_id, parent_ccn FROM ref.stage_affiliation ORDER BY npi, ccn, facility_type, line DESC";
        AddMerge(plan, m);
    } else if (spec.name == "zcta") {
        Merge m = Simple(spec, "ref.zcta", {"zip5"}, "TRUE");
        m.values.push_back("geog");
        m.source_select =
            "SELECT DISTINCT ON (zip5) *, ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography AS geog "
            "FROM ref.stage_zcta ORDER BY zip5, line DESC";
        AddMerge(plan, m);
        plan.push_back(kGeocodeAfterZcta);
        plan.push_back(kGeocodeChanged);
    } else if (spec.name == "partb") {
        AddMerge(plan, Simple(spec, "ref.partb_service", {"data_year", "npi", "hcpcs_code", "place_of_service"},
                              "t.data_year IN (SELECT DISTINCT data_year FROM ref.stage_partb)"));
        plan.push_back({"partb.derived.delete",
                        "DELETE FROM ref.npi_partb_year WHERE data_year IN (SELECT DISTINCT data_year FROM "
                        "ref.stage_partb)",
                        false, true});
        plan.push_back(
            {"partb.derived.insert",
             "INSERT INTO ref.npi_partb_year (npi, data_year, services, beneficiaries, hcpcs_codes, "
             "payment_cents, release_id) "
             "SELECT npi, data_year, coalesce(sum(tot_srvcs), 0), sum(tot_benes), count(DISTINCT hcpcs_code), "
             "round(coalesce(sum(avg_mdcr_pymt_amt * tot_srvcs), 0) * 100)::bigint, $1 "
             "FROM ref.partb_service WHERE removed_at IS NULL AND data_year IN (SELECT DISTINCT data_year "
             "FROM ref.stage_partb) GROUP BY npi, data_year",
             true, true});
    } else if (spec.name == "partd") {
        AddMerge(plan, Simple(spec, "ref.partd_drug", {"data_year", "npi", "brand_name", "generic_name"},
                              "t.data_year IN (SELECT DISTINCT data_year FROM ref.stage_partd)"));
        plan.push_back({"partd.derived.delete",
                        "DELETE FROM ref.npi_partd_year WHERE data_year IN (SELECT DISTINCT data_year FROM "
                        "ref.stage_partd)",
                        false, true});
        plan.push_back({"partd.derived.insert",
                        "INSERT INTO ref.npi_partd_year (npi, data_year, claims, cost_cents, brand_claims, "
                        "brand_share, drugs, release_id) "
                        "SELECT npi, data_year, coalesce(sum(tot_clms), 0), coalesce(sum(tot_drug_cst_cents), 0), "
                        "coalesce(sum(tot_clms) FILTER (WHERE lower(brand_name) <> lower(generic_name)), 0), "
                        "sum(tot_clms) FILTER (WHERE lower(brand_name) <> lower(generic_name))::double precision "
                        "/ nullif(sum(tot_clms), 0), count(*), $1 "
                        "FROM ref.partd_drug WHERE removed_at IS NULL AND data_year IN (SELECT DISTINCT data_year "
                        "FROM ref.stage_partd) GROUP BY npi, data_year",
                        true, true});
    } else if (spec.name == "open-payments") {
        // A refreshed program-year file replaces that year: changed records update, absent ones are removed.
        AddMerge(plan, Simple(spec, "ref.open_payment", {"program_year", "payment_kind", "record_id"},
                              "(t.program_year, t.payment_kind) IN (SELECT DISTINCT program_year, payment_kind "
                              "FROM ref.stage_open_payments)"));
        plan.push_back({"open_payments.derived.delete",
                        "DELETE FROM ref.npi_open_payment_year WHERE (program_year, payment_kind) IN "
                        "(SELECT DISTINCT program_year, payment_kind FROM ref.stage_open_payments)",
                        false, true});
        plan.push_back({"open_payments.derived.insert",
                        "INSERT INTO ref.npi_open_payment_year (npi, program_year, payer_name, payment_kind, "
                        "amount_cents, payments, release_id) "
                        "SELECT npi, program_year, coalesce(payer_name, ''), payment_kind, sum(amount_cents), "
                        "count(*), $1 FROM ref.open_payment WHERE removed_at IS NULL AND npi IS NOT NULL AND "
                        "(program_year, payment_kind) IN (SELECT DISTINCT program_year, payment_kind FROM "
                        "ref.stage_open_payments) GROUP BY npi, program_year, coalesce(payer_name, ''), payment_kind",
                        true, true});
    }
    return plan;
}

std::string CreateStageTable(const DatasetSpec& spec) {
    std::string sql = DropStageTable(spec) + "; CREATE UNLOGGED TABLE " + spec.stage_table + " (line bigint NOT NULL";
    for (const ColumnSpec& c : spec.columns) {
        sql += ", " + c.name + " " + std::string(PgTypeName(c.type));
    }
    if (spec.row_hash) {
        sql += ", row_hash bigint NOT NULL";
    }
    return sql + ")";
}

// CASCADE: the NPPES merge's temporary view nppes_src (sorted input) depends on the stage; it lives until here.
std::string DropStageTable(const DatasetSpec& spec) {
    return "DROP TABLE IF EXISTS " + spec.stage_table + " CASCADE";
}

std::string CopyIntoStage(const DatasetSpec& spec, const std::vector<std::string>& columns) {
    return "COPY " + spec.stage_table + " (" + Join(columns, ", ") + ") FROM STDIN (FORMAT binary, FREEZE)";
}

const std::string_view kSideUsable = "SELECT NOT EXISTS (SELECT 1 FROM ref.physician)";
const std::string_view kDropSide =
    "DROP TABLE IF EXISTS ref.bulk_taxonomy, ref.bulk_address, ref.bulk_nearby, ref.bulk_nearby_point";

std::vector<SidePiece> SidePlan(const DatasetSpec& spec) {
    if (spec.name != "nppes") {
        return {};
    }
    std::vector<SidePiece> pieces;
    // The session reads the stage through the same view as the merge (sorted input: one row per NPI).
    pieces.push_back({"setup",
                      {"SET jit = off", "SET work_mem = '256MB'", "SET max_parallel_workers_per_gather = 0",
                       // Never expected to wait (see ingest.cpp); if it ever did, the merge falls back.
                       "SET lock_timeout = '30s'", std::string(kDropSide),
                       "CREATE OR REPLACE TEMP VIEW nppes_src AS SELECT *, " + kSearchName + " FROM ref.stage_nppes"}});
    // The rows the merge's plain INSERTs would select (same SQL), in stage (NPI) order.
    const Merge taxonomy = TaxonomyMerge("nppes_src");
    pieces.push_back({"taxonomy",
                      {"CREATE UNLOGGED TABLE ref.bulk_taxonomy AS SELECT " + SourceColumns(taxonomy) + " FROM (" +
                       taxonomy.source_select + ") s"}});
    const Merge address = AddressMerge("nppes_src", Mode::kFull);
    pieces.push_back({"address",
                      {"CREATE UNLOGGED TABLE ref.bulk_address AS SELECT " + SourceColumns(address) + " FROM (" +
                       address.source_select + ") s"}});
    // What ref.refresh_nearby(NULL) derives: the points and codes (shared dictionaries, added here and committed:
    // unused entries change no answer), every address once with code 0 and once per distinct code of its NPI, and
    // the count per (code, point). The merge adds the address ids (one NPPES address per NPI on a first load).
    const std::string lng = "round(ST_X(a.geog::geometry) * 1e6)::integer";
    const std::string lat = "round(ST_Y(a.geog::geometry) * 1e6)::integer";
    pieces.push_back(
        {"nearby",
         {"INSERT INTO ref.geo_point (lng_e6, lat_e6, geog) SELECT DISTINCT ON (lng_e6, lat_e6) lng_e6, lat_e6, geog "
          "FROM (SELECT " +
              lng + " AS lng_e6, " + lat +
              " AS lat_e6, a.geog FROM ref.bulk_address a WHERE a.geog IS NOT NULL) s ORDER BY lng_e6, lat_e6 "
              "ON CONFLICT (lng_e6, lat_e6) DO NOTHING",
          "INSERT INTO ref.nearby_code (code) SELECT DISTINCT taxonomy_code FROM ref.bulk_taxonomy "
          "ON CONFLICT (code) DO NOTHING",
          "CREATE UNLOGGED TABLE ref.bulk_nearby AS WITH s AS MATERIALIZED (SELECT g.point_id, a.npi FROM "
          "ref.bulk_address a JOIN ref.geo_point g ON g.lng_e6 = " +
              lng + " AND g.lat_e6 = " + lat +
              " WHERE a.geog IS NOT NULL), t AS (SELECT DISTINCT x.npi, c.code_id FROM ref.bulk_taxonomy x JOIN "
              "ref.nearby_code c ON c.code = x.taxonomy_code) "
              "SELECT 0::smallint AS code_id, s.point_id, s.npi FROM s UNION ALL "
              "SELECT t.code_id, s.point_id, s.npi FROM s JOIN t ON t.npi = s.npi",
          "CREATE UNLOGGED TABLE ref.bulk_nearby_point AS SELECT code_id, point_id, count(*)::integer AS n FROM "
          "ref.bulk_nearby GROUP BY code_id, point_id"}});
    return pieces;
}

const std::string_view kMergeSettings = "SET LOCAL jit = off; SET LOCAL work_mem = '256MB'";
const std::string_view kFireDeferred = "SET CONSTRAINTS ALL IMMEDIATE";

// Serialises loads of one dataset (a second `rounds ingest nppes` waits); released at session end, so a
// killed loader never leaves it held.
const std::string_view kLockDataset = "SELECT pg_advisory_lock(hashtext('rounds.ingest'), hashtext($1))";
const std::string_view kUnlockDataset = "SELECT pg_advisory_unlock(hashtext('rounds.ingest'), hashtext($1))";
// Holding the lock proves no other loader of this dataset is alive: a 'running' row is a killed load.
const std::string_view kAbandonRunning =
    "UPDATE ref.dataset_load SET status = 'abandoned', finished_at = now(), "
    "error = 'the loading process ended before its commit; nothing of it was applied' "
    "WHERE dataset = $1 AND status = 'running'";
const std::string_view kInsertLoad =
    "INSERT INTO ref.dataset_load (dataset, source, release_label, data_year, mode, checksum_sha256, archive_path, "
    "options) VALUES ($1, $2, $3, $4::smallint, $5, $6, $7, $8::jsonb) RETURNING load_id";
const std::string_view kMarkStaged =
    "UPDATE ref.dataset_load SET rows_read = $2, rows_loaded = $3, rows_rejected = $4, warnings = $5, "
    "bytes_read = $6, staged_at = now() WHERE load_id = $1";
const std::string_view kFinishLoad =
    "UPDATE ref.dataset_load SET status = 'succeeded', rows_inserted = $2, rows_updated = $3, rows_unchanged = $4, "
    "rows_removed = $5, finished_at = now() WHERE load_id = $1";
const std::string_view kFailLoad =
    "UPDATE ref.dataset_load SET status = 'failed', error = $2, finished_at = now() WHERE load_id = $1";
const std::string_view kCopyRejects =
    "COPY ref.ingest_reject (load_id, file, line, field, reason, raw, severity) FROM STDIN (FORMAT binary)";
std::string AnalyzeStage(const DatasetSpec& spec) {
    // NPPES: the merge joins and filters the stage on the NPI only; its ~110 other columns need no statistics.
    if (spec.name == "nppes") {
        return "ANALYZE " + spec.stage_table + " (npi)";
    }
    return "ANALYZE " + spec.stage_table;
}

std::string EmptyTargetsQuery(const DatasetSpec& spec) {
    if (spec.name != "nppes") {
        return "";
    }
    return "SELECT NOT EXISTS (SELECT 1 FROM ref.physician) AND NOT EXISTS (SELECT 1 FROM ref.physician_taxonomy) "
           "AND NOT EXISTS (SELECT 1 FROM ref.physician_address)";
}

namespace {
// The address text of each staged row, as the merge will write it (same zip5 rule, same hash).
std::string StagedAddresses(const DatasetSpec& spec) {
    std::string inner;
    if (spec.name == "nppes") {
        inner =
            "SELECT practice_line1 AS line1, practice_line2 AS line2, practice_city AS city, practice_state AS state, "
            "CASE WHEN coalesce(practice_country, 'US') = 'US' THEN left(practice_postal_code, 5) END AS zip5, "
            "practice_country AS country FROM ref.stage_nppes WHERE practice_line1 IS NOT NULL";
    } else if (spec.name == "nppes-locations") {
        inner =
            "SELECT line1, line2, city, state, CASE WHEN coalesce(country, 'US') = 'US' THEN left(postal_code, 5) "
            "END AS zip5, country FROM ref.stage_nppes_locations";
    } else if (spec.name == "dac") {
        inner =
            "SELECT line1, line2, city, state, left(postal_code, 5) AS zip5, NULL::text AS country FROM ref.stage_dac "
            "WHERE line1 IS NOT NULL";
    } else {
        return "";
    }
    return "SELECT " + kAddressHash + " AS address_hash, line1, city, state, zip5, country FROM (" + inner + ") a";
}
}  // namespace

std::string CreateGeocodeTodo(const DatasetSpec& spec) {
    std::string sources =
        "SELECT address_hash, line1, city, state, zip5, country FROM ref.physician_address"
        " WHERE geocode_quality <> 'address' AND removed_at IS NULL";
    const std::string staged = StagedAddresses(spec);
    if (!staged.empty()) {
        sources = staged + " UNION ALL " + sources;
    }
    return std::string(kDropGeocodeTodo) +
           "; CREATE TEMP TABLE geocode_todo AS SELECT DISTINCT ON (address_hash) address_hash, line1, city, state, "
           "zip5 FROM (" +
           sources +
           ") x WHERE line1 IS NOT NULL AND coalesce(country, 'US') = 'US'"
           " AND NOT EXISTS (SELECT 1 FROM ref.geocode_cache c WHERE c.address_hash = x.address_hash)"
           " ORDER BY address_hash; CREATE UNIQUE INDEX ON geocode_todo (address_hash)";
}
const std::string_view kDropGeocodeTodo = "DROP TABLE IF EXISTS pg_temp.geocode_todo";

// One page of the address-level geocoder's work list (geocode_todo, built once before the merge), in hash order
// (keyset pages: $1 the last hash of the previous page, $2 the page size).
const std::string_view kGeocodePendingAddresses =
    "SELECT address_hash, line1, city, state, zip5 FROM geocode_todo WHERE address_hash > $1"
    " ORDER BY address_hash LIMIT $2::int";
// One batch of geocoder answers: parallel arrays of hash, lon, lat (NULL: no match), quality; $5 provider.
const std::string_view kGeocodeCacheStore =
    "INSERT INTO ref.geocode_cache (address_hash, geog, quality, provider)"
    " SELECT h, CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography END, q, $5"
    "   FROM unnest($1::text[], $2::float8[], $3::float8[], $4::text[]) AS u(h, lon, lat, q)"
    " ON CONFLICT (address_hash) DO UPDATE SET geog = EXCLUDED.geog, quality = EXCLUDED.quality,"
    "        provider = EXCLUDED.provider, created_at = now()";

}  // namespace rounds::ingest::sql
