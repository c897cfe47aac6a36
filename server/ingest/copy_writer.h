#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rounds::ingest {

/// Encodes rows in PostgreSQL's binary COPY format (PGCOPY): no text escaping, no server-side parsing of
/// numbers and dates. Pure: the loader hands Buffer() to libpq in chunks.
class CopyWriter {
  public:
    /// Appends the 19-byte file header. Call once per COPY.
    void Header() { buf_.append("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19); }
    /// Appends the end-of-data marker.
    void Trailer() { Int16Raw(-1); }

    void StartRow(int16_t field_count) { Int16Raw(field_count); }
    void Null() { Int32Raw(-1); }
    void Text(std::string_view s) {
        Int32Raw(static_cast<int32_t>(s.size()));
        buf_.append(s);
    }
    void Int16(int16_t v) {
        Int32Raw(2);
        Int16Raw(v);
    }
    void Int32(int32_t v) {
        Int32Raw(4);
        Int32Raw(v);
    }
    void Int64(int64_t v) {
        Int32Raw(8);
        Int64Raw(v);
    }
    void Float64(double v) {
        Int32Raw(8);
        Int64Raw(std::bit_cast<int64_t>(v));
    }
    /// Days since 2000-01-01.
    void Date(int32_t days) { Int32(days); }
    void Bool(bool v) {
        Int32Raw(1);
        buf_.push_back(v ? '\1' : '\0');
    }

    /// Position to roll back to when a row turns out to be bad half-way through.
    size_t Mark() const { return buf_.size(); }
    void Rollback(size_t mark) { buf_.resize(mark); }

    const std::string& Buffer() const { return buf_; }
    /// Hands the buffer over and starts an empty one.
    std::string Take() {
        std::string out = std::move(buf_);
        buf_.clear();
        return out;
    }
    size_t Size() const { return buf_.size(); }
    void Clear() { buf_.clear(); }

  private:
    void Int16Raw(int16_t v) {
        const auto u = static_cast<uint16_t>(v);
        const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u & 0xFF)};
        buf_.append(b, 2);
    }
    void Int32Raw(int32_t v) {
        const auto u = static_cast<uint32_t>(v);
        const char b[4] = {static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xFF),
                           static_cast<char>((u >> 8) & 0xFF), static_cast<char>(u & 0xFF)};
        buf_.append(b, 4);
    }
    void Int64Raw(int64_t v) {
        const auto u = static_cast<uint64_t>(v);
        Int32Raw(static_cast<int32_t>(static_cast<uint32_t>(u >> 32)));
        Int32Raw(static_cast<int32_t>(static_cast<uint32_t>(u & 0xFFFFFFFFu)));
    }

    std::string buf_;
};

}  // namespace rounds::ingest
