#include "auth/oidc.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "auth/crypto.h"
#include "core/error.h"

namespace rounds::auth {
namespace {

namespace json = boost::json;
constexpr int64_t kNow = 1'800'000'000;

std::shared_ptr<EVP_PKEY> NewKey(const char* type) {
    EVP_PKEY* k = std::string_view(type) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    return std::shared_ptr<EVP_PKEY>(k, &EVP_PKEY_free);
}

std::string Bn(EVP_PKEY* k, const char* name, size_t pad = 0) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(k, name, &bn);
    std::string out(std::max<size_t>(pad, static_cast<size_t>(BN_num_bytes(bn))), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    BN_free(bn);
    return Base64UrlEncode(out);
}

json::object JwkOf(EVP_PKEY* k, const std::string& kid) {
    if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA) {
        return {{"kty", "RSA"},
                {"kid", kid},
                {"use", "sig"},
                {"alg", "RS256"},
                {"n", Bn(k, OSSL_PKEY_PARAM_RSA_N)},
                {"e", Bn(k, OSSL_PKEY_PARAM_RSA_E)}};
    }
    return {{"kty", "EC"},
            {"kid", kid},
            {"crv", "P-256"},
            {"x", Bn(k, OSSL_PKEY_PARAM_EC_PUB_X, 32)},
            {"y", Bn(k, OSSL_PKEY_PARAM_EC_PUB_Y, 32)}};
}

std::string Sign(EVP_PKEY* k, const json::object& header, const json::object& payload) {
    std::string input = Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(payload));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t len = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k);
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC) {  // DER -> r || s
        const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
        ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        std::string rs(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(rs.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(rs.data()) + 32, 32);
        ECDSA_SIG_free(es);
        sig = rs;
    }
    return input + "." + Base64UrlEncode(sig);
}

struct OidcTest : ::testing::Test {
    std::shared_ptr<EVP_PKEY> rsa = NewKey("RSA");
    std::shared_ptr<EVP_PKEY> ec = NewKey("EC");
    Jwks jwks = Jwks::Parse(
        json::serialize(json::object{{"keys", json::array{JwkOf(rsa.get(), "r1"), JwkOf(ec.get(), "e1")}}}));
    IdTokenExpectations expect{"https://idp.test", "client-1", "nonce-1", kNow, 60};

    json::object Claims() const {
        return {{"iss", "https://idp.test"}, {"aud", "client-1"}, {"sub", "user-42"},    {"nonce", "nonce-1"},
                {"iat", kNow - 5},           {"exp", kNow + 300}, {"email", "a@b.test"}, {"email_verified", true}};
    }
    std::string Rs(const json::object& payload, const std::string& kid = "r1") const {
        return Sign(rsa.get(), json::object{{"alg", "RS256"}, {"kid", kid}}, payload);
    }
    std::string Reason(const std::string& token) const {
        try {
            VerifyIdToken(token, jwks, expect);
            return "accepted";
        } catch (const IdTokenRejected& e) {
            return e.what();
        }
    }
};

TEST_F(OidcTest, AcceptsRs256AndEs256) {
    IdClaims c = VerifyIdToken(Rs(Claims()), jwks, expect);
    EXPECT_EQ(c.subject, "user-42");
    EXPECT_EQ(c.email, "a@b.test");
    EXPECT_EQ(c.email_verified, true);
    std::string es = Sign(ec.get(), json::object{{"alg", "ES256"}, {"kid", "e1"}}, Claims());
    EXPECT_EQ(VerifyIdToken(es, jwks, expect).subject, "user-42");
}

TEST_F(OidcTest, RefusesWrongClaims) {
    auto with = [&](const char* k, json::value v) {
        json::object c = Claims();
        c[k] = std::move(v);
        return Reason(Rs(c));
    };
    EXPECT_EQ(with("aud", "other-client"), "wrong audience");
    EXPECT_EQ(with("aud", json::array{"client-1", "other"}), "wrong authorized party");  // no azp
    EXPECT_EQ(with("iss", "https://evil.test"), "wrong issuer");
    EXPECT_EQ(with("exp", kNow - 61), "expired");
    EXPECT_EQ(with("exp", kNow - 30), "accepted");  // inside the leeway
    EXPECT_EQ(with("iat", kNow + 600), "not yet valid");
    EXPECT_EQ(with("nbf", kNow + 600), "not yet valid");
    EXPECT_EQ(with("nonce", "nonce-2"), "wrong nonce");
    json::object no_nonce = Claims();
    no_nonce.erase("nonce");
    EXPECT_EQ(Reason(Rs(no_nonce)), "wrong nonce");
}

TEST_F(OidcTest, RefusesForgeriesAndAlgorithmConfusion) {
    // Signed by another key under a known kid.
    auto other = NewKey("RSA");
    EXPECT_EQ(Reason(Sign(other.get(), json::object{{"alg", "RS256"}, {"kid", "r1"}}, Claims())), "bad signature");
    // Payload changed after signing.
    std::string t = Rs(Claims());
    json::object c = Claims();
    c["sub"] = "admin";
    auto d1 = t.find('.'), d2 = t.rfind('.');
    EXPECT_EQ(Reason(t.substr(0, d1 + 1) + Base64UrlEncode(json::serialize(c)) + t.substr(d2)), "bad signature");
    // alg none.
    std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(json::serialize(Claims())) + ".";
    EXPECT_EQ(Reason(none), "algorithm none not accepted");
    // HS256 keyed with the public key's modulus (the classic RS/HS confusion).
    std::string input =
        Base64UrlEncode(R"({"alg":"HS256","kid":"r1"})") + "." + Base64UrlEncode(json::serialize(Claims()));
    std::string n = *Base64UrlDecode(Bn(rsa.get(), OSSL_PKEY_PARAM_RSA_N));
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), n.data(), static_cast<int>(n.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac, &mac_len);
    EXPECT_EQ(Reason(input + "." + Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len))),
              "algorithm HS256 not accepted");
    // An RS256 header pointing at the EC key's kid finds no RSA key.
    EXPECT_EQ(Reason(Rs(Claims(), "e1")), "unknown signing key");
}

TEST_F(OidcTest, UnknownKidIsFlaggedForRefetch) {
    try {
        VerifyIdToken(Rs(Claims(), "rotated"), jwks, expect);
        FAIL() << "accepted";
    } catch (const IdTokenRejected& e) {
        EXPECT_TRUE(e.UnknownKey());
    }
}

TEST_F(OidcTest, ProvidersCacheDiscoveryAndRefetchKeysAtMostOncePerInterval) {
    int discovery = 0, keys = 0;
    int64_t now = kNow;
    std::string jwks_json = json::serialize(json::object{{"keys", json::array{JwkOf(rsa.get(), "r1")}}});
    OidcProviders p(
        [&](const FetchRequest& r) {
            if (r.url == "https://idp.test/.well-known/openid-configuration") {
                ++discovery;
                return FetchResponse{200,
                                     R"({"issuer":"https://idp.test","authorization_endpoint":"https://idp.test/a",)"
                                     R"("token_endpoint":"https://idp.test/t","jwks_uri":"https://idp.test/k"})"};
            }
            ++keys;
            return FetchResponse{200, jwks_json};
        },
        [&] { return now; }, 3600, 5);
    EXPECT_EQ(p.Metadata("https://idp.test").token_endpoint, "https://idp.test/t");
    p.Metadata("https://idp.test");
    EXPECT_EQ(discovery, 1);
    p.Keys("https://idp.test/k");
    p.Keys("https://idp.test/k");
    EXPECT_EQ(keys, 1);
    p.Keys("https://idp.test/k", "rotated");  // an unknown kid: fetched again at once
    EXPECT_EQ(keys, 2);
    p.Keys("https://idp.test/k", "rotated");  // the same unknown kid again within the interval: cached copy
    EXPECT_EQ(keys, 2);
    now += 6;
    p.Keys("https://idp.test/k", "rotated");
    EXPECT_EQ(keys, 3);
    now += 3600;
    p.Metadata("https://idp.test");
    EXPECT_EQ(discovery, 2);  // expired
    EXPECT_THROW(ParseDiscovery(R"({"issuer":"https://other.test","authorization_endpoint":"https://x/a",)"
                                R"("token_endpoint":"https://x/t","jwks_uri":"https://x/k"})",
                                "https://idp.test"),
                 core::Error);
    EXPECT_THROW(ParseDiscovery(R"({"issuer":"https://idp.test","authorization_endpoint":"http://x/a",)"
                                R"("token_endpoint":"https://x/t","jwks_uri":"https://x/k"})",
                                "https://idp.test"),
                 core::Error);
}

TEST(OidcPkce, S256IsBase64UrlOfSha256) {
    // Reference value computed independently with Python's hashlib + base64.urlsafe_b64encode.
    EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K9uhbUJU2zhwxsRbjuMk1VvVA_qGTiq0wrgWGF"),
              "d8ChFAS0-k8rHLp1Jy4hExzKMBhd5nHqSV9hE5YyHWU");
}

}  // namespace
}  // namespace rounds::auth

namespace rounds::auth {
namespace {

TEST(HttpFetch, OnlyPublicAddressesUnlessAllowed) {
    for (const char* ip : {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"}) {
        EXPECT_TRUE(IsPublicAddress(ip)) << ip;
    }
    for (const char* ip :
         {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
          "0.0.0.0", "224.0.0.1", "::1", "::", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "not an address"}) {
        EXPECT_FALSE(IsPublicAddress(ip)) << ip;
    }
    EXPECT_TRUE(AllowedFetchUrl("https://login.example.com/tenant/v2.0"));
    EXPECT_TRUE(AllowedFetchUrl("http://127.0.0.1:8080/x"));
    EXPECT_FALSE(AllowedFetchUrl("http://login.example.com/"));
    EXPECT_FALSE(AllowedFetchUrl("http://127.0.0.1@evil.example/"));
    EXPECT_FALSE(AllowedFetchUrl("file:///etc/passwd"));
    EXPECT_FALSE(AllowedFetchUrl("ftp://x/"));
}

}  // namespace
}  // namespace rounds::auth
