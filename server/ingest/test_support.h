#pragma once

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "ingest/byte_source.h"
#include "ingest/csv_reader.h"

namespace rounds::ingest::testing {

/// An in-memory ByteSource that hands out at most `step` bytes per Read, to exercise buffer boundaries.
class StringSource : public ByteSource {
  public:
    explicit StringSource(std::string data, size_t step = 1 << 20) : data_(std::move(data)), step_(step) {}
    size_t Read(char* buf, size_t n) override {
        const size_t k = std::min({n, step_, data_.size() - pos_});
        std::memcpy(buf, data_.data() + pos_, k);
        pos_ += k;
        return k;
    }
    uint64_t InputBytesConsumed() const override { return pos_; }
    uint64_t InputBytesTotal() const override { return data_.size(); }
    const std::string& Name() const override { return name_; }

  private:
    std::string data_;
    size_t step_;
    size_t pos_ = 0;
    std::string name_ = "memory.csv";
};

inline std::string SharedData(const std::string& file) {
    return std::string(ROUNDS_SHARED_DIR) + "/data/cms/" + file;
}
inline std::string Corpus(const std::string& file) {
    return std::string(ROUNDS_SOURCE_DIR) + "/tests/ingest/" + file;
}

}  // namespace rounds::ingest::testing

#include <bit>
#include <optional>
#include <vector>

#include "ingest/dataset.h"
#include "ingest/validate.h"

namespace rounds::ingest::testing {

/// Decodes PGCOPY tuples written by RowConverter back to text, by column type ("line" first): lets tests
/// compare stored values with the source text without a database.
inline std::vector<std::vector<std::optional<std::string>>> DecodeCopy(const std::string& buf,
                                                                       const DatasetSpec& spec) {
    std::vector<std::vector<std::optional<std::string>>> rows;
    size_t p = 0;
    auto u = [&](size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) {
            v = (v << 8) | static_cast<unsigned char>(buf[p + i]);
        }
        p += n;
        return v;
    };
    while (p + 2 <= buf.size()) {
        const auto count = static_cast<int16_t>(u(2));
        if (count < 0) {
            break;
        }
        std::vector<std::optional<std::string>> row;
        for (int16_t i = 0; i < count; ++i) {
            const auto len = static_cast<int32_t>(u(4));
            if (len < 0) {
                row.emplace_back(std::nullopt);
                continue;
            }
            // "line" first, then the spec's columns, then row_hash where the spec has one.
            const ColumnType type = i == 0 || static_cast<size_t>(i) > spec.columns.size()
                                        ? ColumnType::kInt64
                                        : spec.columns[static_cast<size_t>(i - 1)].type;
            const size_t start = p;
            std::string text;
            switch (type) {
                case ColumnType::kText:
                    text = buf.substr(p, static_cast<size_t>(len));
                    p += static_cast<size_t>(len);
                    break;
                case ColumnType::kInt16:
                    text = std::to_string(static_cast<int16_t>(u(2)));
                    break;
                case ColumnType::kInt32:
                    text = std::to_string(static_cast<int32_t>(u(4)));
                    break;
                case ColumnType::kDate:
                    text = FormatDate(static_cast<int32_t>(u(4)));
                    break;
                case ColumnType::kInt64:
                case ColumnType::kCents:
                    text = std::to_string(static_cast<int64_t>(u(8)));
                    break;
                case ColumnType::kFloat64: {
                    const double d = std::bit_cast<double>(u(8));
                    char b[64];
                    std::snprintf(b, sizeof b, "%.15g", d);
                    text = b;
                    break;
                }
                case ColumnType::kBool:
                    text = buf[p] != 0 ? "true" : "false";
                    p += 1;
                    break;
            }
            p = start + static_cast<size_t>(len);
            row.emplace_back(std::move(text));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

/// Index of a spec column in a decoded row (offset by the leading line number).
inline size_t Col(const DatasetSpec& spec, const std::string& name) {
    for (size_t i = 0; i < spec.columns.size(); ++i) {
        if (spec.columns[i].name == name) {
            return i + 1;
        }
    }
    return 0;
}

inline std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The CSV at `path` with its data records sorted by the integer in column `key` (as CMS sorts NPPES by NPI);
/// with `repeat_first`, the first record of the sorted file appears twice. Records keep their exact bytes
/// (quoted newlines included); lines end with LF.
inline std::string SortedBy(const std::string& path, const std::string& key, bool repeat_first = false) {
    FileSource src(path);
    CsvReader reader(src, {});
    CsvRecord rec;
    reader.Next(rec);
    std::string out(rec.raw);
    out += "\n";
    size_t col = 0;
    while (col < rec.fields.size() && rec.fields[col] != key) {
        ++col;
    }
    std::vector<std::pair<int64_t, std::string>> rows;
    while (reader.Next(rec) == CsvStatus::kRecord) {
        rows.emplace_back(std::stoll(std::string(rec.fields.at(col))), std::string(rec.raw));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < rows.size(); ++i) {
        out += rows[i].second + "\n";
        if (i == 0 && repeat_first) {
            out += rows[i].second + "\n";
        }
    }
    return out;
}

/// `text` (an NPPES file) with the quoted address line `line1` of NPI `npi` changed to "<line1> SUITE 9" (a moved
/// practice); `replaced` says whether the line was found.
inline std::string MoveAddressLine(const std::string& text, const std::string& npi, const std::string& line1,
                                   bool& replaced) {
    std::istringstream in(text);
    std::string out;
    std::string line;
    replaced = false;
    while (std::getline(in, line)) {
        if (line.starts_with("\"" + npi + "\"")) {
            const std::string quoted = "\"" + line1 + "\"";
            for (size_t at = line.find(quoted); at != std::string::npos; at = line.find(quoted, at + 1)) {
                line.replace(at, quoted.size(), "\"" + line1 + " SUITE 9\"");
                replaced = true;
            }
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace rounds::ingest::testing
