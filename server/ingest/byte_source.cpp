#include "ingest/byte_source.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace rounds::ingest {
namespace {

core::Error IoError(const std::string& what, const std::string& path) {
    return core::Error(core::ErrorKind::kInvalid, what + ": " + path + ": " + std::strerror(errno));
}

uint16_t Le16(const unsigned char* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
uint32_t Le32(const unsigned char* p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
           (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t Le64(const unsigned char* p) {
    return Le32(p) | (static_cast<uint64_t>(Le32(p + 4)) << 32);
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void ReadAt(std::FILE* f, uint64_t offset, unsigned char* buf, size_t n, const std::string& path) {
    if (fseeko(f, static_cast<off_t>(offset), SEEK_SET) != 0 || std::fread(buf, 1, n, f) != n) {
        throw core::Error(core::ErrorKind::kInvalid, "truncated or unreadable zip archive: " + path);
    }
}

}  // namespace

FileSource::FileSource(const std::string& path) : name_(path) {
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) {
        throw IoError("cannot open input", path);
    }
    std::error_code ec;
    total_ = std::filesystem::file_size(path, ec);
    if (ec) {
        total_ = 0;
    }
}

FileSource::~FileSource() {
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

size_t FileSource::Read(char* buf, size_t n) {
    const size_t got = std::fread(buf, 1, n, file_);
    if (got < n && std::ferror(file_) != 0) {
        throw IoError("read error", name_);
    }
    consumed_ += got;
    return got;
}

bool LooksLikeZip(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return false;
    }
    unsigned char sig[4] = {0, 0, 0, 0};
    const size_t got = std::fread(sig, 1, 4, f);
    std::fclose(f);
    return got == 4 && Le32(sig) == 0x04034b50;
}

std::vector<ZipEntry> ListZip(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        throw IoError("cannot open archive", path);
    }
    struct Closer {
        std::FILE* f;
        ~Closer() { std::fclose(f); }
    } closer{f};
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec || size < 22) {
        throw core::Error(core::ErrorKind::kInvalid, "not a zip archive (too small): " + path);
    }
    // The end-of-central-directory record sits in the last 22 + 65535 bytes (comment length is 16 bits).
    const uint64_t tail_len = std::min<uint64_t>(size, 22 + 65535);
    std::vector<unsigned char> tail(tail_len);
    ReadAt(f, size - tail_len, tail.data(), tail_len, path);
    int64_t eocd = -1;
    for (int64_t i = static_cast<int64_t>(tail_len) - 22; i >= 0; --i) {
        if (Le32(&tail[static_cast<size_t>(i)]) == 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) {
        throw core::Error(core::ErrorKind::kInvalid, "not a zip archive (no end of central directory): " + path);
    }
    const unsigned char* e = &tail[static_cast<size_t>(eocd)];
    uint64_t count = Le16(e + 10);
    uint64_t cd_size = Le32(e + 12);
    uint64_t cd_offset = Le32(e + 16);
    const uint64_t eocd_pos = size - tail_len + static_cast<uint64_t>(eocd);
    if (eocd_pos >= 20) {
        unsigned char loc[20];
        ReadAt(f, eocd_pos - 20, loc, 20, path);
        if (Le32(loc) == 0x07064b50) {
            unsigned char z64[56];
            ReadAt(f, Le64(loc + 8), z64, 56, path);
            if (Le32(z64) != 0x06064b50) {
                throw core::Error(core::ErrorKind::kInvalid, "corrupt ZIP64 end record: " + path);
            }
            count = Le64(z64 + 32);
            cd_size = Le64(z64 + 40);
            cd_offset = Le64(z64 + 48);
        }
    }
    if (cd_offset + cd_size > size || cd_size > (64u << 20)) {
        throw core::Error(core::ErrorKind::kInvalid, "corrupt zip central directory: " + path);
    }
    std::vector<unsigned char> cd(cd_size);
    ReadAt(f, cd_offset, cd.data(), cd_size, path);
    std::vector<ZipEntry> entries;
    size_t pos = 0;
    for (uint64_t k = 0; k < count; ++k) {
        if (pos + 46 > cd.size() || Le32(&cd[pos]) != 0x02014b50) {
            throw core::Error(core::ErrorKind::kInvalid, "corrupt zip central directory entry: " + path);
        }
        const unsigned char* h = &cd[pos];
        ZipEntry entry;
        entry.method = Le16(h + 10);
        entry.crc32 = Le32(h + 16);
        entry.compressed_size = Le32(h + 20);
        entry.uncompressed_size = Le32(h + 24);
        const uint16_t name_len = Le16(h + 28);
        const uint16_t extra_len = Le16(h + 30);
        const uint16_t comment_len = Le16(h + 32);
        entry.local_header_offset = Le32(h + 42);
        if (pos + 46 + name_len + extra_len + comment_len > cd.size()) {
            throw core::Error(core::ErrorKind::kInvalid, "corrupt zip central directory entry: " + path);
        }
        entry.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
        // ZIP64 extended information: present fields are those whose 32-bit value is saturated.
        size_t x = 0;
        const unsigned char* extra = h + 46 + name_len;
        while (x + 4 <= extra_len) {
            const uint16_t id = Le16(extra + x);
            const uint16_t len = Le16(extra + x + 2);
            if (x + 4 + len > extra_len) {
                break;
            }
            if (id == 0x0001) {
                size_t off = x + 4;
                const size_t end = x + 4 + len;
                if (entry.uncompressed_size == 0xFFFFFFFFu && off + 8 <= end) {
                    entry.uncompressed_size = Le64(extra + off);
                    off += 8;
                }
                if (entry.compressed_size == 0xFFFFFFFFu && off + 8 <= end) {
                    entry.compressed_size = Le64(extra + off);
                    off += 8;
                }
                if (entry.local_header_offset == 0xFFFFFFFFu && off + 8 <= end) {
                    entry.local_header_offset = Le64(extra + off);
                }
            }
            x += 4 + len;
        }
        entries.push_back(std::move(entry));
        pos += 46 + name_len + extra_len + comment_len;
    }
    return entries;
}

struct ZipEntrySource::Inflater {
    z_stream zs{};
    bool initialised = false;
    ~Inflater() {
        if (initialised) {
            inflateEnd(&zs);
        }
    }
};

ZipEntrySource::ZipEntrySource(const std::string& path, const ZipEntry& entry)
    : entry_(entry), name_(path + "!" + entry.name), in_buf_(1 << 20) {
    if (entry.method != 0 && entry.method != 8) {
        throw core::Error(core::ErrorKind::kInvalid, "unsupported zip compression method " +
                                                         std::to_string(entry.method) + " for " + name_ +
                                                         " (only stored and deflate are supported)");
    }
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) {
        throw IoError("cannot open archive", path);
    }
    unsigned char local[30];
    ReadAt(file_, entry.local_header_offset, local, 30, path);
    if (Le32(local) != 0x04034b50) {
        std::fclose(file_);
        file_ = nullptr;
        throw core::Error(core::ErrorKind::kInvalid, "corrupt zip local header for " + name_);
    }
    const uint64_t data_start = entry.local_header_offset + 30 + Le16(local + 26) + Le16(local + 28);
    if (fseeko(file_, static_cast<off_t>(data_start), SEEK_SET) != 0) {
        std::fclose(file_);
        file_ = nullptr;
        throw IoError("seek failed", path);
    }
    inflater_ = std::make_unique<Inflater>();
    if (entry.method == 8) {
        if (inflateInit2(&inflater_->zs, -MAX_WBITS) != Z_OK) {
            std::fclose(file_);
            file_ = nullptr;
            throw core::Error(core::ErrorKind::kInternal, "zlib inflateInit2 failed");
        }
        inflater_->initialised = true;
    }
}

ZipEntrySource::~ZipEntrySource() {
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

size_t ZipEntrySource::Read(char* buf, size_t n) {
    if (done_ || n == 0) {
        return 0;
    }
    size_t produced = 0;
    if (entry_.method == 0) {
        const uint64_t left = entry_.compressed_size - consumed_;
        const size_t want = static_cast<size_t>(std::min<uint64_t>(left, n));
        produced = std::fread(buf, 1, want, file_);
        if (produced < want) {
            throw core::Error(core::ErrorKind::kInvalid, "truncated zip member " + name_);
        }
        consumed_ += produced;
        if (consumed_ == entry_.compressed_size) {
            done_ = true;
        }
    } else {
        z_stream& zs = inflater_->zs;
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
        while (zs.avail_out > 0 && !done_) {
            if (zs.avail_in == 0) {
                const uint64_t left = entry_.compressed_size - consumed_;
                const size_t want = static_cast<size_t>(std::min<uint64_t>(left, in_buf_.size()));
                const size_t got = want == 0 ? 0 : std::fread(in_buf_.data(), 1, want, file_);
                if (got == 0) {
                    throw core::Error(core::ErrorKind::kInvalid, "truncated zip member " + name_);
                }
                consumed_ += got;
                zs.next_in = reinterpret_cast<Bytef*>(in_buf_.data());
                zs.avail_in = static_cast<uInt>(got);
            }
            const int rc = inflate(&zs, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                done_ = true;
            } else if (rc != Z_OK) {
                throw core::Error(core::ErrorKind::kInvalid, "corrupt deflate data in " + name_);
            }
            if (zs.avail_out > 0 && zs.avail_in == 0 && consumed_ == entry_.compressed_size && !done_) {
                throw core::Error(core::ErrorKind::kInvalid, "truncated deflate data in " + name_);
            }
        }
        produced = std::min<size_t>(n, 1u << 30) - zs.avail_out;
    }
    crc_ = static_cast<uint32_t>(crc32(crc_, reinterpret_cast<const Bytef*>(buf), static_cast<uInt>(produced)));
    produced_ += produced;
    if (done_ && crc_ != entry_.crc32) {
        throw core::Error(core::ErrorKind::kInvalid, "CRC-32 mismatch in " + name_ + ": the archive is corrupt");
    }
    return produced;
}

std::unique_ptr<ByteSource> OpenInput(const std::string& path, const std::string& member_hint) {
    if (!LooksLikeZip(path)) {
        return std::make_unique<FileSource>(path);
    }
    const std::vector<ZipEntry> entries = ListZip(path);
    const std::string hint = Lower(member_hint);
    const ZipEntry* best = nullptr;
    for (const ZipEntry& e : entries) {
        const std::string name = Lower(e.name);
        const bool tabular = name.ends_with(".csv") || name.ends_with(".txt");
        if (!tabular || name.find("fileheader") != std::string::npos || name.ends_with("/")) {
            continue;
        }
        if (!hint.empty() && name.find(hint) == std::string::npos) {
            continue;
        }
        if (best == nullptr || e.uncompressed_size > best->uncompressed_size) {
            best = &e;
        }
    }
    if (best == nullptr) {
        std::string names;
        for (const ZipEntry& e : entries) {
            names += (names.empty() ? "" : ", ") + e.name;
        }
        throw core::Error(core::ErrorKind::kInvalid,
                          "no member matching '" + member_hint + "' in archive " + path + " (members: " + names + ")");
    }
    return std::make_unique<ZipEntrySource>(path, *best);
}

}  // namespace rounds::ingest
