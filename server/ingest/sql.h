#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/dataset.h"

namespace rounds::ingest::sql {

// Every SQL statement of the ingest module lives in sql.cpp: named constants for bookkeeping, and one merge
// plan per dataset built once from the column lists (so a column added to a table is added in one place).

/// One statement of a merge plan, run inside the load's single transaction. `$1` is always the load id.
struct Statement {
    std::string name;  // shown in logs and errors
    std::string sql;
    bool binds_load_id = false;
    bool only_if_changed = false;    // skipped when the merge changed nothing (derived-table refresh)
    bool counts = false;             // returns (inserted, updated, unchanged) for the lineage record
    bool counts_removed = false;     // returns (removed)
    bool counts_inserted = false;    // the affected-row count is the number of rows inserted (plain INSERT)
    bool counts_candidates = false;  // the affected-row count is the number of rows the merge has to compare
    std::string side_piece = {};     // see SidePlan: waits for this piece of the side connection's work
    bool with_side = true;           // runs only when the piece is ready (true) or only when it is not (false)
};

enum class Mode { kFull, kIncremental };

/// What the loader knows about a release before its merge.
struct PlanOptions {
    Mode mode = Mode::kFull;
    /// The parser saw the key column (NPI) strictly ascending: no key repeats, so no dedupe sort is needed.
    bool sorted_unique = false;
    /// Every target table of the dataset is empty (a first load): the merge truncates them in its transaction
    /// (new files: no WAL with wal_level=minimal), inserts without ON CONFLICT or removal, indexes built once.
    bool empty_targets = false;
};

/// Name of the plan step that geocodes changed addresses from the cache and ZCTA centroids: an HTTP geocoder
/// fills the cache just before it.
extern const std::string_view kGeocodeChangedStep;
/// Name of the step that upgrades ZIP-centroid points from the address-level cache (HTTP geocoder only).
extern const std::string_view kGeocodeFromCacheStep;

/// The merge plan for a dataset: statements in order. The staging table must be loaded.
std::vector<Statement> MergePlan(const DatasetSpec& spec, const PlanOptions& options);

/// The staging table's ANALYZE: only the columns the merge plans filter and join on (the row count is what
/// the planner needs; a full ANALYZE of the wide NPPES stage costs seconds).
std::string AnalyzeStage(const DatasetSpec& spec);

/// A query returning one row `t` when every target table of `spec` is empty and a bulk first load applies
/// (NPPES only); empty for other datasets.
std::string EmptyTargetsQuery(const DatasetSpec& spec);

/// Creates the temporary table `geocode_todo` (outside the merge transaction): the addresses the address-level
/// HTTP geocoder has to send before the merge, i.e. the staged release's US addresses and the live addresses
/// still without an address-level point, that ref.geocode_cache does not know; one row per address hash.
std::string CreateGeocodeTodo(const DatasetSpec& spec);
extern const std::string_view kDropGeocodeTodo;

/// CREATE UNLOGGED TABLE for the staging table of `spec` (dropped first).
std::string CreateStageTable(const DatasetSpec& spec);
std::string DropStageTable(const DatasetSpec& spec);
/// COPY ... FROM STDIN (FORMAT binary, FREEZE) with the converter's columns: in the transaction that created
/// the staging table.
std::string CopyIntoStage(const DatasetSpec& spec, const std::vector<std::string>& columns);

/// A first load of a sorted NPPES release: what the merge would derive from the stage (taxonomy rows, geocoded
/// address rows, nearby rows) is prepared on a second connection, from the committed stage, while
/// the merge transaction inserts the physicians (the other core); the merge then copies it instead of deriving it.
/// Scratch tables ref.bulk_* (UNLOGGED, autocommit; the only shared rows written are new ref.geo_point and
/// ref.nearby_code dictionary entries, which are harmless if the load fails). `kSideUsable` (asked before the merge
/// transaction) returns `t` when ref.physician is empty. Pieces are prepared in order; a statement of the merge
/// plan with `side_piece` set waits for that piece and runs only if it is ready (`with_side`) or only if it is not.
struct SidePiece {
    std::string name;
    std::vector<std::string> statements;
};
extern const std::string_view kSideUsable;
std::vector<SidePiece> SidePlan(const DatasetSpec& spec);
extern const std::string_view kDropSide;

/// Settings of the merge transaction (SET LOCAL): no JIT (the merge's statements run once each, over
/// misestimated fresh tables, so compiling them costs more than it saves), sorts and hashes in memory.
extern const std::string_view kMergeSettings;
/// Runs the deferred triggers queued so far (the search/nearby refresh) now instead of at COMMIT.
extern const std::string_view kFireDeferred;

// Bookkeeping (bind parameters, text format).
extern const std::string_view kLockDataset;     // $1 dataset
extern const std::string_view kUnlockDataset;   // $1 dataset
extern const std::string_view kAbandonRunning;  // $1 dataset
extern const std::string_view kInsertLoad;      // $1..$8 -> load_id
extern const std::string_view kMarkStaged;      // $1 load_id, $2 read, $3 loaded, $4 rejected, $5 warnings, $6 bytes
extern const std::string_view kFinishLoad;      // $1 load_id, $2 inserted, $3 updated, $4 unchanged, $5 removed
extern const std::string_view kFailLoad;        // $1 load_id, $2 error
extern const std::string_view kCopyRejects;     // binary COPY into ref.ingest_reject

// Address-level geocoding (HTTP geocoders fill ref.geocode_cache before the merge, which reads it).
extern const std::string_view
    kGeocodePendingAddresses;  // $1 after this hash, $2 limit -> hash, line1, city, ... (geocode_todo)
extern const std::string_view kGeocodeCacheStore;  // $1 hashes, $2 lons, $3 lats, $4 qualities (arrays), $5

}  // namespace rounds::ingest::sql
