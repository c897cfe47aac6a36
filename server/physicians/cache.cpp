#include "physicians/cache.h"

#include <functional>

namespace rounds::physicians {

ResponseCache::ResponseCache(size_t capacity) : per_shard_capacity_(std::max<size_t>(1, capacity / kShards)) {}

ResponseCache::Shard& ResponseCache::ShardFor(const std::string& key) {
    return shards_[std::hash<std::string>{}(key) % kShards];
}

std::optional<std::shared_ptr<const std::string>> ResponseCache::Get(const std::string& key, int64_t data_version) {
    Shard& s = ShardFor(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end() || it->second.value.data_version != data_version) {
        misses_.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
    }
    s.order.splice(s.order.begin(), s.order, it->second.pos);
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second.value.body;
}

void ResponseCache::Put(const std::string& key, int64_t data_version, std::shared_ptr<const std::string> body) {
    Shard& s = ShardFor(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it != s.map.end()) {
        it->second.value = {std::move(body), data_version};
        s.order.splice(s.order.begin(), s.order, it->second.pos);
        return;
    }
    s.order.push_front(key);
    s.map.emplace(key, Shard::Entry{{std::move(body), data_version}, s.order.begin()});
    while (s.map.size() > per_shard_capacity_) {
        s.map.erase(s.order.back());
        s.order.pop_back();
    }
}

size_t ResponseCache::Size() const {
    size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.map.size();
    }
    return n;
}

}  // namespace rounds::physicians
