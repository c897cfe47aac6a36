#include "auth/rate_limit.h"

#include <algorithm>
#include <functional>

namespace rounds::auth {

double RateLimiter::Take(std::string_view key, double now) {
    Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
    std::lock_guard lock(shard.mu);
    auto it = shard.buckets.find(std::string(key));
    if (it == shard.buckets.end()) {
        if (shard.buckets.size() >= kMaxPerShard) {
            // Forget buckets that have refilled: they hold no information.
            std::erase_if(shard.buckets, [&](const auto& kv) {
                return kv.second.tokens + (now - kv.second.updated) * options_.per_second >= options_.burst;
            });
        }
        it = shard.buckets.emplace(std::string(key), Bucket{options_.burst, now}).first;
    }
    Bucket& b = it->second;
    double elapsed = std::max(0.0, now - b.updated);
    b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.per_second);
    b.updated = std::max(b.updated, now);
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0.0;
    }
    return (1.0 - b.tokens) / options_.per_second;
}

size_t RateLimiter::Size() const {
    size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.buckets.size();
    }
    return n;
}

}  // namespace rounds::auth
