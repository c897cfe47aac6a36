// Buffered, allocation-free text writer used by every generated file.
//
// Rows are appended into a large in-memory buffer which is flushed with one write(2) call when
// a row starts and the buffer is past its flush threshold; a row is therefore never split across
// flushes, which lets writers trim a trailing separator. No iostreams, no per-field formatting
// library calls: numbers and dates are formatted by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

namespace rounds::gen {

class OutFile {
  public:
    explicit OutFile(const std::filesystem::path& path);
    ~OutFile();
    OutFile(const OutFile&) = delete;
    OutFile& operator=(const OutFile&) = delete;

    // Flushes the buffer when it is past the threshold. Call at the start of every row.
    void BeginRow() {
        if (size_ >= kFlushAt)
            Flush();
    }
    void EndRow(std::string_view eol = "\n") {
        Put(eol);
        ++rows_;
    }
    // Ends a row whose last field left a trailing separator: replaces it by the line end.
    void EndRowTrim(char eol = '\n') {
        buf_[size_ - 1] = eol;
        ++rows_;
    }
    void EndHeader(std::string_view eol = "\n") { Put(eol); }

    void Put(std::string_view s) {
        Ensure(s.size());
        if (!s.empty())
            std::memcpy(buf_.get() + size_, s.data(), s.size());
        size_ += s.size();
    }
    void Put(char c) {
        Ensure(1);
        buf_[size_++] = c;
    }
    void PutUInt(std::uint64_t v);
    // Zero-padded to `width` digits.
    void PutUIntPadded(std::uint64_t v, int width);
    // Fixed-point: value in units of 10^-decimals, printed with exactly `decimals` decimals.
    void PutFixed(std::int64_t scaled, int decimals);
    // Like PutFixed but trims trailing zeros (and the dot): 12.50 -> 12.5, 3.00 -> 3.
    void PutTrimmed(std::int64_t scaled, int decimals);
    // MM/DD/YYYY from days since 1970-01-01.
    void PutDate(std::int32_t days);
    // Upper-cases ASCII and the Latin-1 / Latin Extended letters used by the name tables.
    void PutUpper(std::string_view s);
    // Title case of an upper-case ASCII text ("SAINT PAUL" -> "Saint Paul").
    void PutTitle(std::string_view s);

    // CSV helpers. Q* = always double-quoted; C* = quoted only when needed (RFC 4180).
    void Q(std::string_view s);       // "s",
    void QUpper(std::string_view s);  // "S",
    void QEmpty(int n = 1);           // "", repeated
    void C(std::string_view s);       // s,  (quoted when it holds , " or a line break)
    void CEmpty(int n = 1) {
        Ensure(static_cast<std::size_t>(n));
        std::memset(buf_.get() + size_, ',', static_cast<std::size_t>(n));
        size_ += static_cast<std::size_t>(n);
    }

    void Close();

    std::uint64_t rows() const { return rows_; }
    std::uint64_t bytes() const { return written_ + size_; }

  private:
    static constexpr std::size_t kCapacity = 8u << 20;
    static constexpr std::size_t kFlushAt = 4u << 20;
    void Ensure(std::size_t n) {
        if (size_ + n > cap_)
            Grow(n);
    }
    void Grow(std::size_t n);
    void Flush();

    int fd_ = -1;
    std::filesystem::path path_;
    std::unique_ptr<char[]> buf_;
    std::size_t size_ = 0;
    std::size_t cap_ = 0;
    std::uint64_t written_ = 0;
    std::uint64_t rows_ = 0;
};

// Days since 1970-01-01 for a civil date.
std::int32_t DaysFromCivil(int y, unsigned m, unsigned d);

}  // namespace rounds::gen
