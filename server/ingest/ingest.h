#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace rounds::ingest {

/// Every option of one `rounds ingest` run, validated by Ingest() and logged with the run.
struct IngestOptions {
    std::string dataset;                 // nppes, nppes-locations, nucc, dac, facility-affiliation, hospitals,
                                         // partb, partd, open-payments, zcta
    std::string input;                   // file, .zip, directory holding the dataset's file, or http(s) URL
    std::string release;                 // release label for lineage; default: the input's file name
    std::optional<int> year;             // Part B/D data year; default: inferred from the file name
    std::string database_url;            // owner-role URL (the loader creates staging tables)
    std::string object_store_dir;        // raw files are archived here under their SHA-256; "" = do not archive
    double max_reject_rate = 0.05;       // above this share of rejected rows the load changes nothing
    std::string mode = "auto";           // nppes: auto (from the file name), full or incremental
    std::string geocoder = "zcta";       // zcta (offline ZIP centroids), census (address-level HTTP) or none
    bool progress = true;                // live progress line when stderr is a terminal
    size_t max_stored_rejects = 100000;  // rejects beyond this are counted, not stored
    size_t copy_chunk_bytes = 4u << 20;  // COPY message size

    // URL inputs: downloaded into <object_store_dir>/downloads/ (resumable), then loaded like a local file.
    std::string expected_sha256;             // checked against the input (URL or file); "" = not checked
    long http_connect_timeout_seconds = 30;  // URL inputs and the HTTP geocoder
    long http_stall_timeout_seconds = 60;    // a download under 1 byte/s for this long fails (0 = never)
    int download_attempts = 3;               // a broken-off download is resumed up to this many times per run

    // Address-level geocoding (geocoder = census): the Census Geocoder batch API.
    std::string geocoder_url = "https://geocoding.geo.census.gov/geocoder";  // base (or .../addressbatch URL)
    std::string geocoder_benchmark = "Public_AR_Current";
    size_t geocoder_batch_size = 10000;    // addresses per request (the service's maximum)
    long geocoder_timeout_seconds = 1800;  // per batch request
};

/// The outcome of one load, as written to ref.dataset_load.
struct IngestReport {
    int64_t load_id = 0;
    std::string status;  // succeeded, failed
    std::string mode;
    std::string checksum_sha256;
    std::string archive_path;
    std::optional<int> data_year;
    uint64_t rows_read = 0;
    uint64_t rows_loaded = 0;
    uint64_t rows_rejected = 0;
    uint64_t warnings = 0;
    uint64_t rows_inserted = 0;
    uint64_t rows_updated = 0;
    uint64_t rows_unchanged = 0;
    uint64_t rows_removed = 0;
    uint64_t bytes_read = 0;
    double parse_seconds = 0;
    double merge_seconds = 0;
    std::string downloaded_path;  // URL inputs: the downloaded file
    uint64_t download_resumed_from = 0;
    uint64_t geocode_sent = 0;  // addresses sent to the HTTP geocoder
    uint64_t geocode_matched = 0;
    uint64_t geocode_batches = 0;
    // NPPES: rows whose content hash differs from the stored row's (new, changed, reappearing, or stored before
    // hashes), the only ones the merge compares column by column; 0 on a first load.
    uint64_t rows_candidates = 0;
    bool sorted_input = false;  // keys strictly ascending: the merge read the staging table without a dedupe sort
    bool first_load = false;    // the targets were empty: truncated and filled by plain INSERTs, indexes built once
    // A first NPPES load of a sorted release: rows the merge derives (taxonomy, addresses, nearby rows) were
    // prepared on a second connection during the merge and copied by it (at least one part of them).
    bool prepared_aside = false;
    std::string error;  // why the load failed (reject rate, ...)
};

/// Loads one release. Throws core::Error (kInvalid: input, header or options; kUnavailable: database)
/// or db::SqlError. A load refused for its reject rate returns status "failed" without throwing.
IngestReport Ingest(const IngestOptions& options);

/// `rounds ingest`: runs Ingest and prints a summary (or the error, naming file, line and field) to `out`.
/// Exit codes: 0 loaded; 2 invalid input or options; 3 refused (reject rate above the threshold);
/// 4 database unavailable or failed; 1 unexpected.
int RunIngest(const IngestOptions& options, std::ostream& out);

}  // namespace rounds::ingest
