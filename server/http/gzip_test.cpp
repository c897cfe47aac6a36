#include "http/gzip.h"

#include <gtest/gtest.h>

namespace rounds::http {
namespace {

TEST(Gzip, RoundTrip) {
    std::string data;
    for (int i = 0; i < 1000; ++i) {
        data += "{\"npi\":\"1234567893\",\"name\":\"SMITH\"},";
    }
    auto gz = Gzip(data);
    ASSERT_TRUE(gz);
    EXPECT_LT(gz->size(), data.size() / 10);
    EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);
    EXPECT_EQ(Gunzip(*gz), data);
    EXPECT_FALSE(Gunzip("not gzip"));
}

TEST(Gzip, AcceptEncodingNegotiation) {
    EXPECT_TRUE(AcceptsGzip("gzip"));
    EXPECT_TRUE(AcceptsGzip("br, gzip;q=0.8"));
    EXPECT_TRUE(AcceptsGzip("GZIP"));
    EXPECT_TRUE(AcceptsGzip("*"));
    EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
    EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
    EXPECT_FALSE(AcceptsGzip("deflate, br"));
    EXPECT_FALSE(AcceptsGzip(""));
}

TEST(Gzip, CompressibleTypes) {
    EXPECT_TRUE(IsCompressibleType("application/json"));
    EXPECT_TRUE(IsCompressibleType("application/problem+json"));
    EXPECT_TRUE(IsCompressibleType("text/html; charset=utf-8"));
    EXPECT_FALSE(IsCompressibleType("image/png"));
}

}  // namespace
}  // namespace rounds::http
