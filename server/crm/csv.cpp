#include "crm/csv.h"

#include "core/error.h"

namespace rounds::crm {

void CsvSplitter::Feed(std::string_view bytes) {
    if (!started_) {
        // Decide on the byte order mark once three bytes (or the end) are here.
        prefix_.append(bytes);
        if (prefix_.size() < 3) {
            return;
        }
        started_ = true;
        std::string head = std::move(prefix_);
        std::string_view rest(head);
        if (rest.starts_with("\xEF\xBB\xBF")) {
            rest.remove_prefix(3);
        }
        for (char c : rest) {
            Put(c);
        }
        return;
    }
    for (char c : bytes) {
        Put(c);
    }
}

void CsvSplitter::Finish() {
    if (!started_) {
        started_ = true;
        std::string head = std::move(prefix_);
        for (char c : head) {
            Put(c);
        }
    }
    if (quote_pending_) {
        quote_pending_ = false;
        quoted_ = false;
    }
    if (in_record_) {
        EndRecord();
    }
}

bool CsvSplitter::Pop(CsvRecord& record) {
    if (ready_.empty()) {
        return false;
    }
    record = std::move(ready_.front());
    ready_.pop_front();
    return true;
}

void CsvSplitter::EndField() {
    current_.fields.push_back(std::move(field_));
    field_.clear();
}

void CsvSplitter::EndRecord() {
    EndField();
    ready_.push_back(std::move(current_));
    current_ = CsvRecord{};
    in_record_ = false;
    record_bytes_ = 0;
}

void CsvSplitter::Put(char c) {
    if (skip_lf_) {
        skip_lf_ = false;
        if (c == '\n') {
            return;
        }
    }
    if (!in_record_) {
        in_record_ = true;
        current_.line = line_;
    }
    if (++record_bytes_ > max_record_bytes_) {
        throw core::Invalid("body", "line " + std::to_string(current_.line) + ": a record longer than " +
                                        std::to_string(max_record_bytes_) + " bytes (an unclosed quote?)");
    }
    if (quote_pending_) {
        quote_pending_ = false;
        if (c == '"') {
            field_ += '"';
            return;
        }
        quoted_ = false;  // that quote closed the field; `c` is read as outside quotes
    }
    if (quoted_) {
        if (c == '"') {
            quote_pending_ = true;
        } else {
            if (c == '\n') {
                ++line_;
            }
            field_ += c;
        }
        return;
    }
    if (c == '"' && field_.empty()) {
        quoted_ = true;
    } else if (c == ',') {
        EndField();
    } else if (c == '\n' || c == '\r') {
        ++line_;
        skip_lf_ = c == '\r';
        EndRecord();
    } else {
        field_ += c;
    }
}

}  // namespace rounds::crm
