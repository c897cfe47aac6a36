#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rounds::auth {

/// A limiter shared by every instance (Redis): the wait in seconds for the given bucket keys (0: allowed), or
/// nullopt when it cannot answer, in which case the in-process limiter decides.
using SharedRateLimit = std::function<boost::asio::awaitable<std::optional<double>>(std::vector<std::string>)>;

struct RateLimitOptions {
    double per_second = 20;  // sustained rate
    double burst = 60;       // bucket size: requests allowed at once after a quiet period
};

/// In-process token buckets keyed by a string ("ip:1.2.3.4", "user:<uuid>"). Time is passed in (seconds on
/// any monotonic clock), so the arithmetic is testable without sleeping. Thread-safe; sharded to keep
/// lock contention off the I/O threads; idle full buckets are forgotten so memory stays bounded.
class RateLimiter {
  public:
    explicit RateLimiter(RateLimitOptions options) : options_(options) {}

    /// Takes one token. Returns 0 when allowed, otherwise the seconds until a token is available.
    double Take(std::string_view key, double now);
    size_t Size() const;

  private:
    struct Bucket {
        double tokens;
        double updated;
    };
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Bucket> buckets;
    };
    static constexpr size_t kShards = 16;
    static constexpr size_t kMaxPerShard = 50000;
    RateLimitOptions options_;
    std::array<Shard, kShards> shards_;
};

}  // namespace rounds::auth
