#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace rounds::crm {

/// One CSV record and the (1-based) line it starts on.
struct CsvRecord {
    std::vector<std::string> fields;
    size_t line = 0;
};

/// RFC 4180 records from a byte stream fed in pieces of any size: quoted fields with "" escapes and embedded
/// line breaks, CRLF, LF or CR line ends, a UTF-8 byte order mark skipped. A piece may end anywhere (inside a
/// quote, between CR and LF, inside the mark). Memory is what the caller feeds and has not popped, plus one
/// record in progress, which may not grow past `max_record_bytes` (an unclosed quote would otherwise swallow
/// the rest of a 1 GiB file): Feed throws core::Error (400, field "body") naming the line.
class CsvSplitter {
  public:
    explicit CsvSplitter(size_t max_record_bytes = 1024 * 1024) : max_record_bytes_(max_record_bytes) {}
    void Feed(std::string_view bytes);
    /// The end of the input: a last record without a line break is completed.
    void Finish();
    /// The next complete record; false when none is ready.
    bool Pop(CsvRecord& record);

  private:
    void Put(char c);
    void EndField();
    void EndRecord();

    size_t max_record_bytes_;
    std::deque<CsvRecord> ready_;
    std::string prefix_;  // the first bytes until the byte order mark is decided
    bool started_ = false;
    CsvRecord current_;
    std::string field_;
    bool quoted_ = false;
    bool quote_pending_ = false;  // a '"' inside a quoted field: either "" or the closing quote
    bool skip_lf_ = false;        // the record ended at CR: a following LF belongs to it
    bool in_record_ = false;      // bytes of the current record have been seen
    size_t record_bytes_ = 0;
    size_t line_ = 1;
};

}  // namespace rounds::crm
