#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace rounds::physicians {

/// A response body cached with the data version it was built from.
struct CachedBody {
    std::shared_ptr<const std::string> body;
    int64_t data_version = 0;
};

/// In-process LRU cache of response bodies, sharded to keep lock hold times short under concurrency.
/// Entries carry the data version (highest succeeded ingestion load) they were built from; a lookup under
/// a newer version misses, so a new release invalidates everything without a flush message. Capacity
/// counts entries. With ROUNDS_REDIS_URL set, redis::SharedCache is a second level shared by every instance.
class ResponseCache {
  public:
    explicit ResponseCache(size_t capacity);
    std::optional<std::shared_ptr<const std::string>> Get(const std::string& key, int64_t data_version);
    void Put(const std::string& key, int64_t data_version, std::shared_ptr<const std::string> body);
    size_t Size() const;
    uint64_t Hits() const { return hits_.load(std::memory_order_relaxed); }
    uint64_t Misses() const { return misses_.load(std::memory_order_relaxed); }

  private:
    static constexpr size_t kShards = 16;
    struct Shard {
        mutable std::mutex mu;
        std::list<std::string> order;  // front = most recently used
        struct Entry {
            CachedBody value;
            std::list<std::string>::iterator pos;
        };
        std::unordered_map<std::string, Entry> map;
    };
    Shard& ShardFor(const std::string& key);
    size_t per_shard_capacity_;
    Shard shards_[kShards];
    std::atomic<uint64_t> hits_{0};
    std::atomic<uint64_t> misses_{0};
};

}  // namespace rounds::physicians
