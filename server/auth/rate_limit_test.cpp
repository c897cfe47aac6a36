#include "auth/rate_limit.h"

#include <gtest/gtest.h>

namespace rounds::auth {
namespace {

TEST(RateLimiter, BurstThenSustainedRate) {
    RateLimiter rl(RateLimitOptions{2.0, 5.0});
    double t = 100.0;
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(rl.Take("ip:a", t), 0.0) << i;
    }
    // Empty: the next token comes in 1/rate seconds.
    EXPECT_NEAR(rl.Take("ip:a", t), 0.5, 1e-9);
    // Half a second later exactly one more.
    EXPECT_EQ(rl.Take("ip:a", t + 0.5), 0.0);
    EXPECT_GT(rl.Take("ip:a", t + 0.5), 0.0);
    // Other keys are independent.
    EXPECT_EQ(rl.Take("ip:b", t), 0.0);
    // A long pause refills to the burst, never beyond.
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(rl.Take("ip:a", t + 1000), 0.0);
    }
    EXPECT_GT(rl.Take("ip:a", t + 1000), 0.0);
}

TEST(RateLimiter, ClockGoingBackwardsGrantsNothingExtra) {
    RateLimiter rl(RateLimitOptions{1.0, 1.0});
    EXPECT_EQ(rl.Take("k", 50.0), 0.0);
    EXPECT_GT(rl.Take("k", 10.0), 0.0);
}

TEST(RateLimiter, DeniedRequestsDoNotDrainFurther) {
    RateLimiter rl(RateLimitOptions{1.0, 1.0});
    EXPECT_EQ(rl.Take("k", 0.0), 0.0);
    for (int i = 0; i < 10; ++i) {
        EXPECT_GT(rl.Take("k", 0.0), 0.0);
    }
    EXPECT_EQ(rl.Take("k", 1.0), 0.0);
}

}  // namespace
}  // namespace rounds::auth
