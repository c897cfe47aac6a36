#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ingest/byte_source.h"
#include "ingest/copy_writer.h"
#include "ingest/csv_reader.h"
#include "ingest/dataset.h"
#include "ingest/row_converter.h"

namespace rounds::ingest {

/// Counts of one parse. rows_read == rows_staged + rows_rejected always holds.
struct ParseStats {
    uint64_t rows_read = 0;      // data records (the header is not a row)
    uint64_t rows_staged = 0;    // converted to a COPY tuple
    uint64_t rows_rejected = 0;  // refused with a reason
    uint64_t warnings = 0;       // fields stored as NULL because their value was invalid
    // The first spec column (the NPI for NPPES) of the staged rows was strictly ascending in file order: the
    // staging table then has one row per key and the merge needs no dedupe sort.
    bool key_ascending = true;
};

/// Read -> header -> map columns -> validate -> COPY tuples, in bounded chunks. No database here: the
/// loader sends each chunk to PostgreSQL; tests inspect the tuples and rejects directly.
class StagingParser {
  public:
    /// Reads the header. Throws core::Error(kInvalid) for an empty file, an unreadable header or a
    /// missing required column (the message names it and lists the header).
    StagingParser(ByteSource& source, const DatasetSpec& spec, std::optional<int> data_year, CsvOptions options = {});

    /// Appends COPY tuples to `out` until it holds at least `chunk_bytes` or the input ends; appends
    /// rejects and warnings to `rejects`. Returns false once the input is exhausted.
    bool NextChunk(CopyWriter& out, size_t chunk_bytes, std::vector<Reject>& rejects);

    const ParseStats& Stats() const { return stats_; }
    const RowConverter& Converter() const { return *converter_; }
    const ByteSource& Source() const { return source_; }

  private:
    void TrackKey();

    ByteSource& source_;
    CsvReader reader_;
    std::unique_ptr<RowConverter> converter_;
    CsvRecord record_;
    ParseStats stats_;
    bool done_ = false;
    int key_field_ = -1;  // field index of an integer first column, tracked for key_ascending
    int64_t last_key_ = 0;
};

}  // namespace rounds::ingest
