#pragma once

#include <cstdint>
#include <string>

namespace rounds::ingest {

/// Where a raw input was kept, and its identity.
struct ArchivedFile {
    std::string path;    // <store>/<dataset>/<sha256>/<file name>
    std::string sha256;  // lower-case hex
    uint64_t bytes = 0;
};

/// SHA-256 of a file, streamed (OpenSSL EVP).
std::string Sha256File(const std::string& path);

/// Copies `input` into the object-storage directory under its checksum, hashing while copying. The copy
/// is written to a temporary name and renamed, so a killed run never leaves a partial file under a
/// checksum name; an identical file already archived is not copied again.
ArchivedFile ArchiveFile(const std::string& input, const std::string& store_dir, const std::string& dataset);

}  // namespace rounds::ingest
