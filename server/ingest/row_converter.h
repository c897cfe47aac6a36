#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ingest/copy_writer.h"
#include "ingest/csv_reader.h"
#include "ingest/dataset.h"

namespace rounds::ingest {

/// A row (or, for warnings, one field) that did not load as written, in the shape of the reject table.
struct Reject {
    uint64_t line = 0;
    std::string field;     // header name as written in the file; empty for whole-record problems
    std::string reason;    // what is wrong and what was expected
    std::string raw;       // the record's text (UTF-8, capped)
    bool warning = false;  // true: the row loaded with NULL in this field
};

/// Maps a file's header to a dataset's columns and converts records to binary COPY tuples.
class RowConverter {
  public:
    /// Finds every column by normalised header name. Throws core::Error(kInvalid) naming each missing
    /// required column and listing the header's columns. `data_year` feeds ColumnSource::kDataYear.
    RowConverter(const DatasetSpec& spec, const std::vector<std::string>& header, std::optional<int> data_year);

    /// Appends one tuple (line number first, then the spec's columns) and returns true; or appends nothing,
    /// fills `reject` and returns false. Field-level warnings (OnInvalid::kNull) are appended to `warnings`.
    bool Convert(const CsvRecord& record, CopyWriter& out, std::vector<Reject>& warnings, Reject& reject) const;

    /// Spec columns absent from this file's header (loaded as NULL), for the load summary.
    const std::vector<std::string>& AbsentColumns() const { return absent_; }
    /// Number of fields of the header (a trailing empty name from a trailing delimiter is not counted).
    size_t HeaderWidth() const { return header_.size(); }
    /// Columns in COPY order: "line" then each spec column.
    std::vector<std::string> CopyColumns() const;
    /// The record's field index of spec column `column`, or -1 when the file has no such column.
    int FieldIndex(size_t column) const { return column < index_.size() ? index_[column] : -1; }

  private:
    const DatasetSpec& spec_;
    std::vector<std::string> header_;
    std::vector<int> index_;  // per spec column: field index, or -1
    std::vector<std::string> absent_;
    std::optional<int> data_year_;
    std::string payment_kind_;
};

/// The 64-bit content hash of a staged row's converted values (DatasetSpec::row_hash). Stable across builds and
/// releases. Reads words in the machine's byte order (little-endian x86-64/ARM64 here).
uint64_t RowHash(std::string_view bytes);

/// Caps `raw` for storage and makes it valid UTF-8.
std::string RawForReject(std::string_view raw);

}  // namespace rounds::ingest
