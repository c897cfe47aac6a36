#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

typedef struct evp_pkey_st EVP_PKEY;

namespace rounds::auth {

/// What an access token says about its bearer.
struct AccessClaims {
    std::string user_id;     // sub
    std::string org_id;      // org
    std::string role;        // role
    std::string session_id;  // sid: the refresh-token family, so logout can be traced to tokens
    std::string token_id;    // jti
    int64_t issued_at = 0;   // iat
    int64_t not_before = 0;  // nbf
    int64_t expires_at = 0;  // exp
};

struct JwtOptions {
    std::string issuer = "rounds";
    std::string audience = "rounds-api";
    int64_t leeway_seconds = 30;  // clock skew tolerated on exp/nbf between instances
};

/// Signs and verifies access tokens with one Ed25519 key. The algorithm is fixed by the server ("EdDSA"):
/// a token's header cannot choose it, so "none", HS256-with-the-public-key and other alg confusion tricks
/// are refused before any signature check.
class TokenSigner {
  public:
    /// From a PEM private key (PKCS#8). Throws core::Error(kInvalid) when it is not an Ed25519 key.
    static TokenSigner FromPem(std::string_view pem, JwtOptions options = {});
    /// A fresh random key (tests, benchmarks).
    static TokenSigner Generate(JwtOptions options = {});
    /// Reads the key at `path`, or creates it once (mode 0600, exclusive create so concurrent instances agree).
    static TokenSigner LoadOrCreate(const std::string& path, JwtOptions options = {});

    std::string PrivatePem() const;
    /// Key id: the first 16 hex digits of SHA-256 of the raw public key.
    const std::string& KeyId() const { return kid_; }

    std::string Sign(const AccessClaims& claims) const;
    /// Verifies signature, algorithm, key id, issuer, audience, exp and nbf at `now` (unix seconds). Throws
    /// core::Error(kUnauthenticated) with a client-safe reason. A token verified before (the same bytes) is
    /// answered from a bounded cache of recent tokens: only exp and nbf are checked again. Thread-safe.
    AccessClaims Verify(std::string_view token, int64_t now) const;

    /// Tokens whose verification is remembered (at most; the oldest are forgotten first).
    static constexpr size_t kVerifiedCacheSize = 20000;

  private:
    struct VerifiedCache;
    TokenSigner(std::shared_ptr<EVP_PKEY> key, JwtOptions options);
    std::pair<AccessClaims, bool> VerifyUncached(std::string_view token) const;  // claims, has nbf
    void CheckTimes(const AccessClaims& c, bool has_nbf, int64_t now) const;
    std::shared_ptr<VerifiedCache> verified_;
    std::shared_ptr<EVP_PKEY> key_;
    JwtOptions options_;
    std::string kid_;
};

}  // namespace rounds::auth
