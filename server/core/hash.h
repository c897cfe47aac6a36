#pragma once

#include <string>
#include <string_view>

namespace rounds::core {

/// SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

/// Incremental SHA-256 for streams (raw files being archived).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void Update(std::string_view data);
    std::string FinishHex();

private:
    void* ctx_;
};

}  // namespace rounds::core
