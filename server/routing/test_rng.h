#pragma once

#include <cstdint>

namespace rounds::routing::testing {

/// Small deterministic generator for the routing tests, so they do not depend on std distributions.
class TestRng {
  public:
    explicit TestRng(std::uint64_t seed) : state_(seed) {}
    std::int64_t Between(std::int64_t lo, std::int64_t hi) {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return lo + static_cast<std::int64_t>((state_ >> 33) % static_cast<std::uint64_t>(hi - lo + 1));
    }

  private:
    std::uint64_t state_;
};

}  // namespace rounds::routing::testing
