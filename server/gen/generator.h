// Synthetic CMS release generator (`rounds bench gen`).
//
// Writes one coherent synthetic release of every data set the loader knows (NPPES, NUCC, DAC,
// Facility Affiliation, Hospital General Information, Part B, Part D, Open Payments, ZCTA
// gazetteer) in the real file formats, for a synthetic population of physicians clustered in one
// metro region (Minneapolis - Saint Paul, MN). Same options => byte-identical output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace rounds::gen {

enum class DacLayout {
    k2021,     // 40 columns incl. hosp_afl_1..5 (header of the real 2021 excerpt)
    kCurrent,  // 31 columns (Facility Name, City/Town, ZIP Code, Telephone Number, Telehlth ...)
};

struct GenOptions {
    std::uint64_t physicians = 20000;  // individual NPIs, 1,000 .. 10,000,000
    std::uint64_t seed = 1;
    std::filesystem::path out_dir = "gen-out";
    // Region: the built-in Twin Cities metro ("twin-cities", alias "MN"). Optionally restrict it
    // to some of its 5-digit ZIPs (`zips`) and/or to ZIPs within `radius_km` of `centre_zip`.
    std::string region = "twin-cities";
    std::vector<std::string> zips;
    std::string centre_zip;
    double radius_km = 0;  // 0 = no radius filter
    // NUCC taxonomy file copied into the release when it exists (empty = do not copy). The
    // generator only uses real NUCC codes from its built-in list either way.
    std::filesystem::path nucc_path;
    DacLayout dac_layout = DacLayout::k2021;
    // Open Payments: false = layout of the real excerpt (unquoted header, fields quoted only when
    // needed); true = CMS download style (header and every field double-quoted).
    bool open_payments_quote_all = false;
    unsigned threads = 0;  // files written in parallel; 0 = hardware concurrency
    // Only these data sets (names as `rounds ingest` takes them; empty = all). The files written are identical to
    // those of a full run.
    std::vector<std::string> datasets;
};

struct GenFile {
    std::string dataset;     // loader data set name: nppes, nucc, dac, ...
    std::string part;        // file kind within the data set: npidata, pl, general, ... (may be empty)
    std::string path;        // file name inside out_dir
    int year = 0;            // data / program year, 0 when not applicable
    std::uint64_t rows = 0;  // data rows (header excluded)
    std::uint64_t bytes = 0;
};

struct GenSummary {
    std::vector<GenFile> files;  // in manifest order (manifest.json is not listed)
    std::uint64_t physicians = 0;
    std::uint64_t organisations = 0;
    std::uint64_t hospitals = 0;
    std::uint64_t total_rows = 0;
    std::uint64_t total_bytes = 0;
    double seconds = 0;
};

// Generates the release into opts.out_dir (created if missing; existing files overwritten).
// Progress lines go to `progress`. Throws std::invalid_argument on bad options and
// std::system_error on I/O errors.
GenSummary GenerateRelease(const GenOptions& opts, std::ostream& progress);

// CLI entry point: runs GenerateRelease and prints a summary table (files, rows, MB, MB/s).
// Returns a process exit code (0 ok, 2 bad options, 1 other error).
int RunGen(const GenOptions& opts, std::ostream& out);

}  // namespace rounds::gen
