#include "redis/shared.h"

#include <cmath>

#include "core/error.h"

namespace rounds::redis {

namespace asio = boost::asio;

namespace {

// KEYS: bucket keys. ARGV: rate per second, burst. Returns the wait in seconds as a string ("0" when allowed).
// Buckets live as hashes {tokens, ts} and expire once they would be full again.
constexpr const char* kTakeScript = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
for _, key in ipairs(KEYS) do
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(b[1]) or burst
  local ts = tonumber(b[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
  if tokens >= 1 then
    tokens = tokens - 1
  else
    wait = math.max(wait, (1 - tokens) / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
end
return tostring(wait)
)lua";

}  // namespace

asio::awaitable<std::optional<double>> SharedRateLimiter::Take(std::vector<std::string> keys) {
    std::vector<std::string> args{"EVAL", kTakeScript, std::to_string(keys.size())};
    for (auto& k : keys) {
        args.push_back("rounds:rl:" + k);
    }
    args.push_back(std::to_string(per_second_));
    args.push_back(std::to_string(burst_));
    std::optional<Reply> reply;
    try {
        reply = co_await client_.Command(std::move(args));
    } catch (const core::Error&) {
        reply.reset();
    }
    if (!reply || reply->type != Reply::Type::kString) {
        co_return std::nullopt;
    }
    try {
        co_return std::stod(reply->str);
    } catch (const std::exception&) {
        co_return std::nullopt;
    }
}

std::string SharedCache::Key(const std::string& key, int64_t data_version) {
    return "rounds:cache:v" + std::to_string(data_version) + ":" + key;
}

asio::awaitable<std::optional<std::string>> SharedCache::Get(const std::string& key, int64_t data_version) {
    std::optional<Reply> reply;
    try {
        std::vector<std::string> args{"GET", Key(key, data_version)};
        reply = co_await client_.Command(std::move(args));
    } catch (const core::Error&) {
        reply.reset();
    }
    if (!reply || reply->IsError()) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        co_return std::nullopt;
    }
    if (reply->type != Reply::Type::kString) {
        misses_.fetch_add(1, std::memory_order_relaxed);
        co_return std::nullopt;
    }
    hits_.fetch_add(1, std::memory_order_relaxed);
    co_return std::move(reply->str);
}

asio::awaitable<void> SharedCache::Put(const std::string& key, int64_t data_version, const std::string& body) {
    bool failed = false;
    try {
        std::vector<std::string> args{"SET", Key(key, data_version), body, "EX", std::to_string(ttl_seconds_)};
        Reply r = co_await client_.Command(std::move(args));
        failed = r.IsError();
    } catch (const core::Error&) {
        failed = true;
    }
    if (failed) {
        errors_.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace rounds::redis
