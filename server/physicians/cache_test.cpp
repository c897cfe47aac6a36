#include "physicians/cache.h"

#include <gtest/gtest.h>

namespace rounds::physicians {
namespace {

std::shared_ptr<const std::string> Body(std::string s) {
    return std::make_shared<const std::string>(std::move(s));
}

TEST(ResponseCache, HitsOnlyForTheSameDataVersion) {
    ResponseCache c(64);
    c.Put("profile:1", 7, Body("a"));
    ASSERT_TRUE(c.Get("profile:1", 7));
    EXPECT_EQ(**c.Get("profile:1", 7), "a");
    EXPECT_FALSE(c.Get("profile:1", 8)) << "a newer release must invalidate";
    EXPECT_FALSE(c.Get("profile:2", 7));
    EXPECT_EQ(c.Hits(), 2U);
    EXPECT_EQ(c.Misses(), 2U);
}

TEST(ResponseCache, EvictsLeastRecentlyUsedWithinCapacity) {
    ResponseCache c(16);  // one entry per shard
    for (int i = 0; i < 1000; ++i) {
        c.Put("k" + std::to_string(i), 1, Body("v"));
    }
    EXPECT_LE(c.Size(), 16U);
    c.Put("fresh", 1, Body("new"));
    EXPECT_EQ(**c.Get("fresh", 1), "new");
}

}  // namespace
}  // namespace rounds::physicians
