#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rounds::ingest {

/// A forward-only stream of bytes: a plain file or one member of a zip archive. Read() returns 0 at the
/// end and throws core::Error on I/O or archive errors (corrupt data, CRC mismatch).
class ByteSource {
  public:
    virtual ~ByteSource() = default;
    /// Reads up to `n` bytes into `buf`; returns the number read, 0 only at the end of the stream.
    virtual size_t Read(char* buf, size_t n) = 0;
    /// Bytes of the underlying file consumed so far (compressed bytes for a zip member): drives MB/s and ETA.
    virtual uint64_t InputBytesConsumed() const = 0;
    /// Size of the underlying input to consume, when known.
    virtual uint64_t InputBytesTotal() const = 0;
    /// Name shown in messages and stored with rejects (file name, or `archive.zip!member.csv`).
    virtual const std::string& Name() const = 0;
};

/// Reads a plain file with large sequential reads.
class FileSource : public ByteSource {
  public:
    explicit FileSource(const std::string& path);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    size_t Read(char* buf, size_t n) override;
    uint64_t InputBytesConsumed() const override { return consumed_; }
    uint64_t InputBytesTotal() const override { return total_; }
    const std::string& Name() const override { return name_; }

  private:
    std::FILE* file_ = nullptr;
    std::string name_;
    uint64_t consumed_ = 0;
    uint64_t total_ = 0;
};

/// One entry of a zip archive's central directory.
struct ZipEntry {
    std::string name;
    uint16_t method = 0;  // 0 stored, 8 deflate
    uint32_t crc32 = 0;
    uint64_t compressed_size = 0;
    uint64_t uncompressed_size = 0;
    uint64_t local_header_offset = 0;
};

/// Lists the entries of a zip file (ZIP64 aware). Throws core::Error(kInvalid) when it is not a zip.
std::vector<ZipEntry> ListZip(const std::string& path);

/// Streams one member of a zip archive through zlib's inflate: memory stays bounded (one input buffer and
/// the 32 KiB window) whatever the member's size, and the CRC-32 is checked at the end. We use zlib (a
/// project dependency already) rather than libzip, which Debian's base image does not ship.
class ZipEntrySource : public ByteSource {
  public:
    ZipEntrySource(const std::string& path, const ZipEntry& entry);
    ~ZipEntrySource() override;
    ZipEntrySource(const ZipEntrySource&) = delete;
    ZipEntrySource& operator=(const ZipEntrySource&) = delete;

    size_t Read(char* buf, size_t n) override;
    uint64_t InputBytesConsumed() const override { return consumed_; }
    uint64_t InputBytesTotal() const override { return entry_.compressed_size; }
    const std::string& Name() const override { return name_; }

  private:
    struct Inflater;
    std::FILE* file_ = nullptr;
    ZipEntry entry_;
    std::string name_;
    std::unique_ptr<Inflater> inflater_;
    std::vector<char> in_buf_;
    uint64_t consumed_ = 0;
    uint64_t produced_ = 0;
    uint32_t crc_ = 0;
    bool done_ = false;
};

/// True when the file starts with the zip local-file signature.
bool LooksLikeZip(const std::string& path);

/// Opens `path` for reading: a plain file, or the member of a zip archive whose name contains `member_hint`
/// (case-insensitive; the largest such .csv/.txt member, ignoring NPPES `*fileheader*` members).
std::unique_ptr<ByteSource> OpenInput(const std::string& path, const std::string& member_hint);

}  // namespace rounds::ingest
