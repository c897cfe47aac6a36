#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redis/client.h"

namespace rounds::redis {

/// Token buckets kept in Redis, so every instance enforces one limit per client address and per user. One
/// script call takes a token from each key atomically, on Redis's clock (instances' clocks never mix).
class SharedRateLimiter {
  public:
    SharedRateLimiter(Client& client, double per_second, double burst)
        : client_(client), per_second_(per_second), burst_(burst) {}

    /// Seconds until a token is available in every bucket of `keys` (0: allowed, a token was taken from each);
    /// nullopt when Redis cannot answer (the caller falls back to its in-process limiter).
    boost::asio::awaitable<std::optional<double>> Take(std::vector<std::string> keys);

  private:
    Client& client_;
    double per_second_;
    double burst_;
};

/// Response bodies in Redis under a key that carries the data version, so a new release is never served
/// stale and old entries simply expire. Errors read as misses.
class SharedCache {
  public:
    SharedCache(Client& client, int ttl_seconds) : client_(client), ttl_seconds_(ttl_seconds) {}

    boost::asio::awaitable<std::optional<std::string>> Get(const std::string& key, int64_t data_version);
    boost::asio::awaitable<void> Put(const std::string& key, int64_t data_version, const std::string& body);

    uint64_t Hits() const { return hits_.load(std::memory_order_relaxed); }
    uint64_t Misses() const { return misses_.load(std::memory_order_relaxed); }
    uint64_t Errors() const { return errors_.load(std::memory_order_relaxed); }
    static std::string Key(const std::string& key, int64_t data_version);

  private:
    Client& client_;
    int ttl_seconds_;
    std::atomic<uint64_t> hits_{0};
    std::atomic<uint64_t> misses_{0};
    std::atomic<uint64_t> errors_{0};
};

}  // namespace rounds::redis
