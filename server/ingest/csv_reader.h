#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/byte_source.h"

namespace rounds::ingest {

/// Dialect and limits of the CSV reader. Delimiter 0 means "detect from the header line" (comma or tab).
struct CsvOptions {
    char delimiter = 0;
    char quote = '"';
    /// A record longer than this is an error: it bounds memory and stops a runaway unterminated quote.
    size_t max_record_bytes = 4u << 20;
    size_t buffer_bytes = 1u << 20;
};

/// One parsed record. Views stay valid until the next call to CsvReader::Next.
struct CsvRecord {
    std::vector<std::string_view> fields;
    /// 1-based physical line where the record starts (a quoted newline makes a record span lines).
    uint64_t line = 0;
    /// The record's bytes as they were in the file (without the line terminator), for reject rows.
    std::string_view raw;
    /// True when some bytes were not UTF-8 and were read as Latin-1.
    bool transcoded = false;
};

enum class CsvStatus { kRecord, kEnd, kError };

/// A malformed record: where it starts, why, and its raw bytes (capped).
struct CsvError {
    uint64_t line = 0;
    std::string message;
    std::string raw;
};

/// Streaming RFC 4180 reader with the quirks of real CMS files: UTF-8 BOM, CRLF or LF, quoted fields
/// holding delimiters, newlines and doubled quotes, stray quotes inside unquoted fields kept literally,
/// Latin-1 bytes converted to UTF-8. Memory is one read buffer plus the longest record, whatever the file
/// size. Modelled on DuckDB's CSV scanner: a state machine over a buffer, errors reported per record.
class CsvReader {
  public:
    CsvReader(ByteSource& source, CsvOptions options);

    /// Reads the next record. kError means this record is malformed (see LastError); reading can go on
    /// with the next record unless the error was fatal (an unterminated quote runs to the end of the file).
    CsvStatus Next(CsvRecord& record);
    const CsvError& LastError() const { return error_; }
    char Delimiter() const { return options_.delimiter; }
    /// Bytes of decoded text consumed so far.
    uint64_t BytesConsumed() const { return bytes_consumed_; }

  private:
    bool Fill();
    void DetectDelimiter();
    enum class ParseResult { kDone, kNeedMore, kUnterminated, kTooLong };
    ParseResult ParseRecord(size_t& end_pos, uint64_t& lines_in_record);
    void BuildFields(CsvRecord& record);

    ByteSource& source_;
    CsvOptions options_;
    std::vector<char> buf_;
    size_t pos_ = 0;  // start of the unparsed data in buf_
    size_t end_ = 0;  // end of valid data in buf_
    bool eof_ = false;
    bool started_ = false;
    uint64_t line_ = 1;
    uint64_t bytes_consumed_ = 0;
    std::string field_data_;
    std::vector<size_t> field_ends_;
    std::string transcoded_;
    CsvError error_;
};

}  // namespace rounds::ingest
