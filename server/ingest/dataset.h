#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rounds::ingest {

/// PostgreSQL type of a staging column, and how its text is converted.
enum class ColumnType { kText, kInt16, kInt32, kInt64, kFloat64, kCents, kDate, kBool };

/// Domain check applied after the type conversion.
enum class Check {
    kNone,
    kNpi,       // 10 digits, Luhn check digit with the 80840 prefix
    kState,     // USPS code
    kZip,       // digits, leading zeros restored (stored as the normalised digits)
    kPhone,     // 10 digits after removing punctuation (stored as digits)
    kCcn,       // 6-character CMS certification number
    kTaxonomy,  // 10-character NUCC code
    kEntity,    // NPPES entity type 1 or 2
};

/// What to do with a value that fails conversion or its check.
enum class OnInvalid {
    kReject,  // the whole row goes to the reject table
    kNull,    // the row loads with NULL here; a warning row records the original text
};

/// Where a column's value comes from.
enum class ColumnSource {
    kFile,         // a column of the file, found by header name
    kDataYear,     // the release's data year (--year or the file name)
    kPaymentKind,  // Open Payments file kind from its header: general, research or ownership
};

struct ColumnSpec {
    std::string name;  // staging (and target) column name
    ColumnType type = ColumnType::kText;
    std::vector<std::string> headers;  // accepted header names across releases; first present wins
    bool required_header = false;      // a file without it is refused before any row is read
    bool required_value = false;       // an empty value rejects the row
    Check check = Check::kNone;
    OnInvalid on_invalid = OnInvalid::kReject;
    ColumnSource source = ColumnSource::kFile;
};

/// How a dataset's release is scoped in time.
enum class YearMode {
    kNone,      // one current release replaces the previous one
    kRequired,  // rows belong to a data year given by --year or inferred from the file name
};

/// Everything the pure part knows about one CMS dataset: its CLI name, its columns and their checks.
struct DatasetSpec {
    std::string name;         // CLI name: nppes, nucc, dac, ...
    std::string stage_table;  // UNLOGGED staging table (schema-qualified)
    std::string member_hint;  // substring of the member to read from a zip or directory
    std::vector<ColumnSpec> columns;
    YearMode year_mode = YearMode::kNone;
    bool incremental_capable = false;  // NPPES weekly files
    // The converter appends `row_hash` (a 64-bit hash of the row's converted values) to each staged row: the
    // merge compares it with the stored one and skips unchanged rows without comparing their columns.
    bool row_hash = false;
};

/// The dataset named `name`, or nullptr.
const DatasetSpec* FindDataset(std::string_view name);
/// All CLI names, in documentation order.
std::vector<std::string> DatasetNames();

/// Data year from a CMS file name: `..._D23_...` (Part B), `..._DY24_...` (Part D), `PGYR2024` (Open
/// Payments), `DY2024`, or a standalone 20xx. nullopt when the name says nothing.
std::optional<int> InferYearFromFileName(std::string_view file_name);

/// NPPES file names carry their coverage: `npidata_pfile_20050523-20250907` is a full file (it starts at
/// the 2005 enumeration start), `npidata_pfile_20251103-20251109` a weekly increment. nullopt: unknown.
std::optional<bool> InferNppesIncremental(std::string_view file_name);

/// The PostgreSQL type name for a staging column.
std::string_view PgTypeName(ColumnType type);

}  // namespace rounds::ingest
