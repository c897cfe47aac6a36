#include "ingest/staging_parser.h"

#include <charconv>

#include "core/error.h"
#include "ingest/text.h"

namespace rounds::ingest {

StagingParser::StagingParser(ByteSource& source, const DatasetSpec& spec, std::optional<int> data_year,
                             CsvOptions options)
    : source_(source), reader_(source, options) {
    const CsvStatus status = reader_.Next(record_);
    if (status == CsvStatus::kEnd) {
        throw core::Error(core::ErrorKind::kInvalid, source.Name() + ": empty file, no header line");
    }
    if (status == CsvStatus::kError) {
        throw core::Error(core::ErrorKind::kInvalid, source.Name() + ":" + std::to_string(reader_.LastError().line) +
                                                         ": cannot read the header: " + reader_.LastError().message);
    }
    std::vector<std::string> header;
    header.reserve(record_.fields.size());
    for (std::string_view f : record_.fields) {
        header.emplace_back(f);
    }
    try {
        converter_ = std::make_unique<RowConverter>(spec, header, data_year);
    } catch (const core::Error& e) {
        throw core::Error(e.Kind(), source.Name() + ":1: " + e.Detail(), e.Fields());
    }
    if (!spec.columns.empty() && spec.columns[0].type == ColumnType::kInt64) {
        key_field_ = converter_->FieldIndex(0);
    }
    stats_.key_ascending = key_field_ >= 0;
}

void StagingParser::TrackKey() {
    if (!stats_.key_ascending) {
        return;
    }
    // The row converted, so the key is a valid integer; anything else ends the claim, never a wrong one.
    const std::string_view field =
        static_cast<size_t>(key_field_) < record_.fields.size() ? Trim(record_.fields[key_field_]) : "";
    int64_t key = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), key);
    if (ec != std::errc() || end != field.data() + field.size() || (stats_.rows_staged > 1 && key <= last_key_)) {
        stats_.key_ascending = false;
        return;
    }
    last_key_ = key;
}

bool StagingParser::NextChunk(CopyWriter& out, size_t chunk_bytes, std::vector<Reject>& rejects) {
    while (!done_ && out.Size() < chunk_bytes) {
        const CsvStatus status = reader_.Next(record_);
        if (status == CsvStatus::kEnd) {
            done_ = true;
            break;
        }
        ++stats_.rows_read;
        if (status == CsvStatus::kError) {
            const CsvError& e = reader_.LastError();
            rejects.push_back(Reject{e.line, "", e.message, RawForReject(e.raw), false});
            ++stats_.rows_rejected;
            continue;
        }
        Reject reject;
        const size_t warnings_before = rejects.size();
        if (converter_->Convert(record_, out, rejects, reject)) {
            ++stats_.rows_staged;
            stats_.warnings += rejects.size() - warnings_before;
            TrackKey();
        } else {
            rejects.push_back(std::move(reject));
            ++stats_.rows_rejected;
        }
    }
    return !done_;
}

}  // namespace rounds::ingest
