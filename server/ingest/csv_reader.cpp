#include "ingest/csv_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ingest/text.h"

namespace rounds::ingest {

CsvReader::CsvReader(ByteSource& source, CsvOptions options) : source_(source), options_(options) {
    buf_.resize(std::max<size_t>(options_.buffer_bytes, 4096));
}

bool CsvReader::Fill() {
    if (eof_) {
        return false;
    }
    if (pos_ > 0) {
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        pos_ = 0;
    }
    if (end_ == buf_.size()) {
        // A record larger than the buffer: grow (bounded by max_record_bytes through ParseRecord).
        buf_.resize(buf_.size() * 2);
    }
    const size_t got = source_.Read(buf_.data() + end_, buf_.size() - end_);
    if (got == 0) {
        eof_ = true;
        return false;
    }
    end_ += got;
    return true;
}

void CsvReader::DetectDelimiter() {
    if (options_.delimiter != 0) {
        return;
    }
    size_t commas = 0;
    size_t tabs = 0;
    bool quoted = false;
    for (size_t i = pos_; i < end_; ++i) {
        const char c = buf_[i];
        if (c == options_.quote) {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted && c == ',') {
            ++commas;
        } else if (!quoted && c == '\t') {
            ++tabs;
        }
    }
    options_.delimiter = tabs > commas ? '\t' : ',';
}

// Parses one record starting at pos_. On kDone, end_pos is just past the record's terminator.
CsvReader::ParseResult CsvReader::ParseRecord(size_t& end_pos, uint64_t& lines_in_record) {
    field_data_.clear();
    field_ends_.clear();
    lines_in_record = 0;
    const char delim = options_.delimiter;
    const char quote = options_.quote;
    enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted } state = State::kFieldStart;
    size_t i = pos_;
    const char* data = buf_.data();
    while (i < end_) {
        const char c = data[i];
        switch (state) {
            case State::kFieldStart:
                // NPPES quotes every field and most of its 330 are empty: `"",` in one step.
                if (c == quote && i + 2 < end_ && data[i + 1] == quote && data[i + 2] == delim) {
                    field_ends_.push_back(field_data_.size());
                    i += 3;
                    continue;
                }
                if (c == quote) {
                    state = State::kQuoted;
                    ++i;
                    continue;
                }
                state = State::kUnquoted;
                [[fallthrough]];
            case State::kUnquoted: {
                // Bulk scan to the next delimiter or line end: the hot loop of the whole load.
                size_t j = i;
                while (j < end_ && data[j] != delim && data[j] != '\n' && data[j] != '\r') {
                    ++j;
                }
                field_data_.append(data + i, j - i);
                i = j;
                if (i >= end_) {
                    continue;
                }
                const char t = data[i];
                field_ends_.push_back(field_data_.size());
                if (t == delim) {
                    state = State::kFieldStart;
                    ++i;
                    continue;
                }
                if (t == '\r') {
                    if (i + 1 >= end_ && !eof_) {
                        return ParseResult::kNeedMore;  // must see whether \n follows
                    }
                    if (i + 1 < end_ && data[i + 1] == '\n') {
                        ++i;
                    }
                }
                ++lines_in_record;
                end_pos = i + 1;
                return ParseResult::kDone;
            }
            case State::kQuoted: {
                const void* hit = std::memchr(data + i, quote, end_ - i);
                const size_t q = hit == nullptr ? end_ : static_cast<size_t>(static_cast<const char*>(hit) - data);
                lines_in_record += static_cast<uint64_t>(std::count(data + i, data + q, '\n'));
                field_data_.append(data + i, q - i);
                i = q;
                if (i < end_) {
                    state = State::kQuoteInQuoted;
                    ++i;
                }
                continue;
            }
            case State::kQuoteInQuoted:
                if (c == quote) {
                    // Doubled quote inside a quoted field.
                    field_data_.push_back(quote);
                    state = State::kQuoted;
                    ++i;
                } else if (c == delim || c == '\n' || c == '\r') {
                    state = State::kUnquoted;  // the delimiter/terminator is handled there
                } else {
                    // `"abc"x`: not RFC 4180; keep the text literally rather than lose the row.
                    field_data_.push_back(c);
                    state = State::kUnquoted;
                    ++i;
                }
                continue;
        }
    }
    if (end_ - pos_ > options_.max_record_bytes) {
        return ParseResult::kTooLong;
    }
    if (!eof_) {
        return ParseResult::kNeedMore;
    }
    if (state == State::kQuoted) {
        return ParseResult::kUnterminated;
    }
    // Last record without a final newline.
    field_ends_.push_back(field_data_.size());
    end_pos = end_;
    return ParseResult::kDone;
}

void CsvReader::BuildFields(CsvRecord& record) {
    record.fields.clear();
    record.transcoded = false;
    std::string_view data = field_data_;
    if (!IsCleanUtf8(data)) {
        transcoded_.clear();
        std::vector<size_t> ends;
        ends.reserve(field_ends_.size());
        size_t start = 0;
        for (size_t end : field_ends_) {
            AppendAsUtf8(transcoded_, data.substr(start, end - start));
            ends.push_back(transcoded_.size());
            start = end;
        }
        field_ends_ = std::move(ends);
        data = transcoded_;
        record.transcoded = true;
    }
    size_t start = 0;
    for (size_t end : field_ends_) {
        record.fields.push_back(data.substr(start, end - start));
        start = end;
    }
}

CsvStatus CsvReader::Next(CsvRecord& record) {
    if (!started_) {
        started_ = true;
        Fill();
        if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) {
            pos_ += 3;
            bytes_consumed_ += 3;
        }
        DetectDelimiter();
    }
    for (;;) {
        if (pos_ >= end_ && !Fill()) {
            return CsvStatus::kEnd;
        }
        size_t end_pos = 0;
        uint64_t lines = 0;
        const ParseResult result = ParseRecord(end_pos, lines);
        if (result == ParseResult::kNeedMore) {
            if (!Fill() && !eof_) {
                return CsvStatus::kEnd;
            }
            continue;
        }
        if (result == ParseResult::kUnterminated || result == ParseResult::kTooLong) {
            error_.line = line_;
            error_.message = result == ParseResult::kUnterminated
                                 ? "unterminated quoted field: the quote opened on this line is never closed"
                                 : "record longer than " + std::to_string(options_.max_record_bytes) +
                                       " bytes (an unterminated quote?)";
            const size_t raw_len = std::min<size_t>(end_ - pos_, 4096);
            error_.raw.clear();
            AppendAsUtf8(error_.raw, std::string_view(buf_.data() + pos_, raw_len));
            // Both are fatal for the rest of the file: there is no reliable place to resynchronise.
            bytes_consumed_ += end_ - pos_;
            pos_ = end_;
            eof_ = true;
            return CsvStatus::kError;
        }
        size_t raw_end = end_pos;
        while (raw_end > pos_ && (buf_[raw_end - 1] == '\n' || buf_[raw_end - 1] == '\r')) {
            --raw_end;
        }
        record.line = line_;
        record.raw = std::string_view(buf_.data() + pos_, raw_end - pos_);
        line_ += lines;
        bytes_consumed_ += end_pos - pos_;
        pos_ = end_pos;
        // An empty line is not a record (trailing blank lines are common).
        if (record.raw.empty() && field_ends_.size() == 1) {
            continue;
        }
        BuildFields(record);
        return CsvStatus::kRecord;
    }
}

}  // namespace rounds::ingest
