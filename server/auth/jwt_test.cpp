#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <filesystem>

#include "auth/crypto.h"
#include "core/error.h"

namespace rounds::auth {
namespace {

constexpr int64_t kNow = 1700000000;

AccessClaims Claims() {
    AccessClaims c;
    c.user_id = "11111111-1111-4111-8111-111111111111";
    c.org_id = "22222222-2222-4222-8222-222222222222";
    c.role = "rep";
    c.session_id = "33333333-3333-4333-8333-333333333333";
    c.token_id = "44444444-4444-4444-8444-444444444444";
    c.issued_at = kNow;
    c.not_before = kNow;
    c.expires_at = kNow + 600;
    return c;
}

std::string Part(const std::string& token, int i) {
    size_t start = 0;
    for (int k = 0; k < i; ++k) {
        start = token.find('.', start) + 1;
    }
    auto end = token.find('.', start);
    return token.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

void ExpectRejected(const TokenSigner& s, const std::string& token, const std::string& why) {
    try {
        s.Verify(token, kNow);
        ADD_FAILURE() << "accepted: " << why;
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kUnauthenticated) << why;
        EXPECT_NE(e.Detail().find(why), std::string::npos) << e.Detail();
    }
}

TEST(Jwt, SignsAndVerifies) {
    TokenSigner s = TokenSigner::Generate();
    std::string t = s.Sign(Claims());
    AccessClaims c = s.Verify(t, kNow + 10);
    EXPECT_EQ(c.user_id, Claims().user_id);
    EXPECT_EQ(c.org_id, Claims().org_id);
    EXPECT_EQ(c.role, "rep");
    EXPECT_EQ(c.session_id, Claims().session_id);
    EXPECT_EQ(c.expires_at, kNow + 600);
}

// A token verified once is remembered; the time checks still apply on every use, a rejected token is never
// remembered, and the bounded cache forgets without changing any answer.
TEST(Jwt, RememberedTokensStillExpireAndRejectedOnesStayRejected) {
    TokenSigner s = TokenSigner::Generate();
    std::string t = s.Sign(Claims());
    EXPECT_EQ(s.Verify(t, kNow).user_id, Claims().user_id);
    EXPECT_EQ(s.Verify(t, kNow + 1).role, "rep");             // from the cache
    EXPECT_THROW(s.Verify(t, kNow + 600 + 31), core::Error);  // expired, though remembered
    EXPECT_NO_THROW(s.Verify(t, kNow + 5));
    AccessClaims future = Claims();
    future.not_before = kNow + 3600;
    future.expires_at = kNow + 7200;
    std::string f = s.Sign(future);
    EXPECT_NO_THROW(s.Verify(f, kNow + 3600));  // valid then: remembered
    ExpectRejected(s, f, "not yet valid");      // and still not valid before its nbf
    std::string forged = t.substr(0, t.rfind('.') + 1) + std::string(86, 'A');
    ExpectRejected(s, forged, "bad signature");
    ExpectRejected(s, forged, "bad signature");
    TokenSigner other = TokenSigner::Generate();
    ExpectRejected(other, t, "unknown key");  // another signer does not share the memory
    // More distinct tokens than the cache holds: every one still verifies, the first one too.
    for (size_t i = 0; i < TokenSigner::kVerifiedCacheSize + 50; ++i) {
        AccessClaims c = Claims();
        c.token_id = std::to_string(i);
        ASSERT_NO_THROW(s.Verify(s.Sign(c), kNow));
    }
    EXPECT_EQ(s.Verify(t, kNow).user_id, Claims().user_id);
}

TEST(Jwt, RejectsExpiredAndNotYetValid) {
    TokenSigner s = TokenSigner::Generate();
    std::string t = s.Sign(Claims());
    EXPECT_THROW(s.Verify(t, kNow + 600 + 31), core::Error);  // past exp + leeway
    EXPECT_NO_THROW(s.Verify(t, kNow + 600 + 29));            // within the clock-skew leeway
    AccessClaims future = Claims();
    future.not_before = kNow + 3600;
    future.expires_at = kNow + 7200;
    ExpectRejected(s, s.Sign(future), "not yet valid");
    AccessClaims old = Claims();
    old.expires_at = kNow - 3600;
    ExpectRejected(s, s.Sign(old), "expired");
}

TEST(Jwt, RejectsAnotherKey) {
    TokenSigner s = TokenSigner::Generate();
    TokenSigner other = TokenSigner::Generate();
    ExpectRejected(s, other.Sign(Claims()), "unknown key");
    // Same kid but another key's signature: swap in the header of ours.
    std::string forged = other.Sign(Claims());
    std::string ours = s.Sign(Claims());
    forged = Part(ours, 0) + "." + Part(forged, 1) + "." + Part(forged, 2);
    ExpectRejected(s, forged, "bad signature");
}

TEST(Jwt, RejectsAlgNoneAndAlgorithmConfusion) {
    TokenSigner s = TokenSigner::Generate();
    std::string payload = Part(s.Sign(Claims()), 1);
    std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT","kid":")" + s.KeyId() + "\"}");
    ExpectRejected(s, none + "." + payload + ".", "algorithm not accepted");
    ExpectRejected(s, none + "." + payload, "malformed");
    // HS256 keyed with the public key material (the classic confusion attack).
    std::string hs = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT","kid":")" + s.KeyId() + "\"}");
    std::string input = hs + "." + payload;
    unsigned char mac[32];
    unsigned int len = 0;
    std::string pem = s.PrivatePem();
    HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac, &len);
    ExpectRejected(s, input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), len)),
                   "algorithm not accepted");
    std::string lower = Base64UrlEncode(R"({"alg":"eddsa","kid":")" + s.KeyId() + "\"}");
    ExpectRejected(s, lower + "." + payload + "." + Part(s.Sign(Claims()), 2), "algorithm not accepted");
}

TEST(Jwt, RejectsTamperingAndWrongAudience) {
    JwtOptions other_aud;
    other_aud.audience = "another-api";
    TokenSigner s = TokenSigner::Generate();
    std::string t = s.Sign(Claims());
    // Payload promoting the bearer to admin, signature unchanged.
    std::string payload = *Base64UrlDecode(Part(t, 1));
    auto pos = payload.find("\"rep\"");
    payload.replace(pos, 5, "\"admin\"");
    ExpectRejected(s, Part(t, 0) + "." + Base64UrlEncode(payload) + "." + Part(t, 2), "bad signature");
    // A validly signed token for another audience.
    TokenSigner s2 = TokenSigner::FromPem(s.PrivatePem(), other_aud);
    ExpectRejected(s, s2.Sign(Claims()), "wrong audience");
    JwtOptions other_iss;
    other_iss.issuer = "someone-else";
    ExpectRejected(s, TokenSigner::FromPem(s.PrivatePem(), other_iss).Sign(Claims()), "wrong issuer");
    ExpectRejected(s, "a.b", "malformed");
    ExpectRejected(s, "a.b.c.d", "malformed");
    ExpectRejected(s, t + "=", "malformed");
}

TEST(Jwt, KeyFileIsCreatedOnceAndReused) {
    auto dir = std::filesystem::temp_directory_path() / ("rounds-jwt-" + NewUuid());
    std::string path = (dir / "keys" / "jwt.pem").string();
    TokenSigner a = TokenSigner::LoadOrCreate(path);
    TokenSigner b = TokenSigner::LoadOrCreate(path);
    EXPECT_EQ(a.KeyId(), b.KeyId());
    EXPECT_NO_THROW(b.Verify(a.Sign(Claims()), kNow));
    auto perms = std::filesystem::status(path).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::group_all, std::filesystem::perms::none);
    EXPECT_EQ(perms & std::filesystem::perms::others_all, std::filesystem::perms::none);
    std::filesystem::remove_all(dir);
    EXPECT_THROW(TokenSigner::FromPem("not a key"), core::Error);
}

}  // namespace
}  // namespace rounds::auth
