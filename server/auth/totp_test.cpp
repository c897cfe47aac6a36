#include "auth/totp.h"

#include <gtest/gtest.h>

namespace rounds::auth {
namespace {

// RFC 4226 Appendix D.
TEST(Hotp, Rfc4226Vectors) {
    const std::string key = "12345678901234567890";
    const uint32_t expected[] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
    for (uint64_t i = 0; i < 10; ++i) {
        EXPECT_EQ(Hotp(key, i, 6), expected[i]) << "counter " << i;
    }
}

// RFC 6238 Appendix B (8 digits, the three hash functions with their seeds).
TEST(Totp, Rfc6238Vectors) {
    const std::string k1 = "12345678901234567890";
    const std::string k256 = "12345678901234567890123456789012";
    const std::string k512 = "1234567890123456789012345678901234567890123456789012345678901234";
    struct Row {
        int64_t t;
        uint32_t sha1, sha256, sha512;
    };
    const Row rows[] = {{59, 94287082, 46119246, 90693936},         {1111111109, 7081804, 68084774, 25091201},
                        {1111111111, 14050471, 67062674, 99943326}, {1234567890, 89005924, 91819424, 93441116},
                        {2000000000, 69279037, 90698825, 38618901}, {20000000000, 65353130, 77737706, 47863826}};
    for (const auto& r : rows) {
        EXPECT_EQ(Totp(k1, r.t, 8, 30, OtpHash::kSha1), r.sha1) << r.t;
        EXPECT_EQ(Totp(k256, r.t, 8, 30, OtpHash::kSha256), r.sha256) << r.t;
        EXPECT_EQ(Totp(k512, r.t, 8, 30, OtpHash::kSha512), r.sha512) << r.t;
    }
}

TEST(Totp, VerifyAcceptsOneStepOfDriftAndRefusesReplay) {
    const std::string key = "12345678901234567890";
    int64_t now = 1111111111;
    auto code_at = [&](int64_t t) {
        std::string c = std::to_string(Totp(key, t));
        return std::string(6 - c.size(), '0') + c;
    };
    auto step = VerifyTotp(key, code_at(now), now, std::nullopt);
    ASSERT_TRUE(step);
    EXPECT_EQ(*step, now / 30);
    EXPECT_TRUE(VerifyTotp(key, code_at(now - 30), now, std::nullopt));
    EXPECT_TRUE(VerifyTotp(key, code_at(now + 30), now, std::nullopt));
    EXPECT_FALSE(VerifyTotp(key, code_at(now - 90), now, std::nullopt));
    // The same code again (its step already used) is refused.
    EXPECT_FALSE(VerifyTotp(key, code_at(now), now, *step));
    EXPECT_FALSE(VerifyTotp(key, "12345", now, std::nullopt));
    EXPECT_FALSE(VerifyTotp(key, "12a456", now, std::nullopt));
}

TEST(Base32, RoundTripsAndMatchesRfc4648) {
    EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(*Base32Decode("MZXW6YTBOI======"), "foobar");
    EXPECT_EQ(*Base32Decode("mzxw 6ytb oi"), "foobar");
    EXPECT_FALSE(Base32Decode("MZ1W"));
    std::string bytes = "\x01\x02\xff\x00\x7f";
    EXPECT_EQ(*Base32Decode(Base32Encode(bytes)), bytes);
}

TEST(Otpauth, UriAndQr) {
    std::string uri = OtpauthUri("Rounds", "rita rep@acme.demo", "JBSWY3DPEHPK3PXP");
    EXPECT_EQ(uri,
              "otpauth://totp/Rounds:rita%20rep@acme.demo?secret=JBSWY3DPEHPK3PXP&issuer=Rounds&algorithm=SHA1"
              "&digits=6&period=30");
    std::string svg = QrSvg(uri);
    EXPECT_TRUE(svg.starts_with("<svg"));
    EXPECT_NE(svg.find("<path"), std::string::npos);
}

}  // namespace
}  // namespace rounds::auth
