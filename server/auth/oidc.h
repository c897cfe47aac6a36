#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/http_fetch.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace rounds::auth {

/// The parts of an OpenID Provider's discovery document (/.well-known/openid-configuration) a relying party
/// needs.
struct OidcMetadata {
    std::string issuer, authorization_endpoint, token_endpoint, jwks_uri;
    std::vector<std::string> token_auth_methods;  // token_endpoint_auth_methods_supported
};

/// Parses a discovery document. Its issuer must equal `expected_issuer` exactly (OIDC Discovery §4.3) and
/// every endpoint must be an allowed URL (https, or http to loopback). Throws core::Error(kUnavailable).
OidcMetadata ParseDiscovery(std::string_view json, std::string_view expected_issuer);

/// One verification key of a JWKS: RSA (RS256, at least 2048 bits) or EC P-256 (ES256).
struct Jwk {
    std::string kid, kty, alg;
    std::shared_ptr<EVP_PKEY> key;
};

/// A JSON Web Key Set. Keys of other types, other curves or with use != "sig" are skipped.
class Jwks {
  public:
    static Jwks Parse(std::string_view json);
    const std::vector<Jwk>& Keys() const { return keys_; }

  private:
    std::vector<Jwk> keys_;
};

/// What the relying party expects of an ID token.
struct IdTokenExpectations {
    std::string issuer;
    std::string audience;  // the client id
    std::string nonce;
    int64_t now = 0;
    int64_t leeway_seconds = 60;
};

struct IdClaims {
    std::string subject, email, name;
    std::optional<bool> email_verified;
};

/// An ID token that failed verification. `unknown_key` is set when its kid is not in the key set, so the
/// caller may refetch the JWKS once (key rotation) and try again.
class IdTokenRejected : public std::runtime_error {
  public:
    IdTokenRejected(const std::string& why, bool unknown_key = false, std::string kid = {})
        : std::runtime_error(why), unknown_key_(unknown_key), kid_(std::move(kid)) {}
    bool UnknownKey() const { return unknown_key_; }
    const std::string& Kid() const { return kid_; }

  private:
    bool unknown_key_;
    std::string kid_;
};

/// Verifies an ID token: compact JWS with alg RS256 or ES256 only ("none", HS256 and every other algorithm
/// are refused before any key is looked at, so a public key can never be used as an HMAC secret), a key of
/// the matching type from `jwks` (by kid), then iss, aud (and azp when there are several audiences), exp,
/// iat and nbf with `leeway_seconds`, and the nonce. Throws IdTokenRejected.
IdClaims VerifyIdToken(std::string_view token, const Jwks& jwks, const IdTokenExpectations& expect);

/// Discovery documents and key sets by issuer / URI, fetched on first use and cached for `ttl_seconds`.
/// Thread-safe; the fetches are blocking (call from the CPU pool).
class OidcProviders {
  public:
    using Clock = std::function<int64_t()>;
    OidcProviders(Fetcher fetch, Clock clock, int64_t ttl_seconds = 3600, int64_t min_refetch_seconds = 1);

    OidcMetadata Metadata(const std::string& issuer);
    /// The cached key set. With `unknown_kid` (a token named a key the cached set lacks: the provider may
    /// have rotated), fetched again, but at most once per minimum refetch interval for the same kid, so a
    /// stream of tokens naming a bogus kid cannot make us hammer the provider.
    std::shared_ptr<const Jwks> Keys(const std::string& jwks_uri, const std::string& unknown_kid = {});
    const Fetcher& Fetch() const { return fetch_; }

  private:
    struct Cached {
        int64_t fetched_at = 0;
        OidcMetadata metadata;
        std::shared_ptr<const Jwks> jwks;
    };
    Fetcher fetch_;
    Clock clock_;
    int64_t ttl_, min_refetch_;
    std::mutex mu_;
    std::map<std::string, Cached, std::less<>> metadata_, keys_;
    std::map<std::string, int64_t, std::less<>> refetched_;  // uri + "\n" + kid -> when
};

/// RFC 7636 S256 code challenge of a verifier.
std::string PkceChallenge(std::string_view verifier);

}  // namespace rounds::auth
