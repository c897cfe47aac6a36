#include "http/request.h"

#include <gtest/gtest.h>

namespace rounds::http {
namespace {

TEST(Request, PercentDecoding) {
    EXPECT_EQ(PercentDecode("a%20b%2Fc", false), "a b/c");
    EXPECT_EQ(PercentDecode("a+b", true), "a b");
    EXPECT_EQ(PercentDecode("a+b", false), "a+b");
    EXPECT_FALSE(PercentDecode("bad%2", false));
    EXPECT_FALSE(PercentDecode("bad%zz", false));
    EXPECT_FALSE(PercentDecode("%", false));
}

TEST(Request, QueryParsing) {
    auto q = ParseQuery("q=jos%C3%A9+smith&state=NY&&flag&x=");
    ASSERT_TRUE(q);
    ASSERT_EQ(q->size(), 4U);
    EXPECT_EQ((*q)[0].second, "josé smith");
    EXPECT_EQ((*q)[2].first, "flag");
    EXPECT_EQ((*q)[3].second, "");
    EXPECT_FALSE(ParseQuery("q=%G1"));
}

TEST(Request, HeadersAreCaseInsensitive) {
    Headers h;
    h.Set("Content-Type", "a");
    h.Set("content-type", "b");
    EXPECT_EQ(h.All().size(), 1U);
    EXPECT_EQ(h.Get("CONTENT-TYPE"), "b");
    EXPECT_FALSE(h.Get("Accept"));
}

}  // namespace
}  // namespace rounds::http
