#include "ingest/archive.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/error.h"

namespace rounds::ingest {
namespace fs = std::filesystem;
namespace {

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f != nullptr) {
            std::fclose(f);
        }
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string Hex(const unsigned char* d, unsigned n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out.push_back(kHex[d[i] >> 4]);
        out.push_back(kHex[d[i] & 0xF]);
    }
    return out;
}

// Streams `in` through SHA-256, writing every block to `out` when it is not null.
std::string HashStream(std::FILE* in, std::FILE* out, const std::string& name, uint64_t& bytes) {
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw core::Error(core::ErrorKind::kInternal, "OpenSSL SHA-256 init failed");
    }
    std::vector<char> buf(1 << 20);
    bytes = 0;
    for (;;) {
        const size_t got = std::fread(buf.data(), 1, buf.size(), in);
        if (got > 0) {
            EVP_DigestUpdate(ctx.get(), buf.data(), got);
            if (out != nullptr && std::fwrite(buf.data(), 1, got, out) != got) {
                throw core::Error(core::ErrorKind::kUnavailable,
                                  "cannot write to object storage: " + std::string(std::strerror(errno)));
            }
            bytes += got;
        }
        if (got < buf.size()) {
            if (std::ferror(in) != 0) {
                throw core::Error(core::ErrorKind::kInvalid, "read error: " + name);
            }
            break;
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &len);
    return Hex(digest, len);
}

}  // namespace

std::string Sha256File(const std::string& path) {
    FilePtr in(std::fopen(path.c_str(), "rb"));
    if (!in) {
        throw core::Error(core::ErrorKind::kInvalid, "cannot open " + path + ": " + std::strerror(errno));
    }
    uint64_t bytes = 0;
    return HashStream(in.get(), nullptr, path, bytes);
}

ArchivedFile ArchiveFile(const std::string& input, const std::string& store_dir, const std::string& dataset) {
    FilePtr in(std::fopen(input.c_str(), "rb"));
    if (!in) {
        throw core::Error(core::ErrorKind::kInvalid, "cannot open " + input + ": " + std::strerror(errno));
    }
    const fs::path incoming = fs::path(store_dir) / dataset / ".incoming";
    std::error_code ec;
    fs::create_directories(incoming, ec);
    if (ec) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          "cannot create object storage directory " + incoming.string() + ": " + ec.message());
    }
    const fs::path tmp = incoming / (std::to_string(::getpid()) + "-" + fs::path(input).filename().string());
    ArchivedFile result;
    {
        FilePtr out(std::fopen(tmp.c_str(), "wb"));
        if (!out) {
            throw core::Error(core::ErrorKind::kUnavailable,
                              "cannot write " + tmp.string() + ": " + std::strerror(errno));
        }
        result.sha256 = HashStream(in.get(), out.get(), input, result.bytes);
        if (std::fflush(out.get()) != 0) {
            throw core::Error(core::ErrorKind::kUnavailable, "cannot write " + tmp.string());
        }
    }
    const fs::path dir = fs::path(store_dir) / dataset / result.sha256;
    fs::create_directories(dir, ec);
    const fs::path final_path = dir / fs::path(input).filename();
    if (fs::exists(final_path)) {
        fs::remove(tmp, ec);
    } else {
        fs::rename(tmp, final_path, ec);
        if (ec) {
            throw core::Error(core::ErrorKind::kUnavailable, "cannot move archived file into place: " + ec.message());
        }
    }
    result.path = final_path.string();
    return result;
}

}  // namespace rounds::ingest
