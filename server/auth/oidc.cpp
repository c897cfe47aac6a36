#include "auth/oidc.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include <boost/json.hpp>

#include "auth/crypto.h"
#include "core/error.h"

namespace rounds::auth {

namespace json = boost::json;

namespace {

const json::string* StringAt(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr ? v->if_string() : nullptr;
}

std::string StrOr(const json::object& o, std::string_view key) {
    const json::string* s = StringAt(o, key);
    return s != nullptr ? std::string(*s) : "";
}

std::optional<int64_t> IntAt(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_int64()) {
        return v->as_int64();
    }
    if (v->is_uint64() && v->as_uint64() < (uint64_t{1} << 62)) {
        return static_cast<int64_t>(v->as_uint64());
    }
    if (v->is_double() && v->as_double() > 0 && v->as_double() < 1e15) {
        return static_cast<int64_t>(v->as_double());
    }
    return std::nullopt;
}

core::Error ProviderError(const std::string& why) {
    return core::Error(core::ErrorKind::kUnavailable, "the identity provider's configuration is not usable: " + why);
}

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using BldPtr = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

std::shared_ptr<EVP_PKEY> FromData(const char* type, OSSL_PARAM_BLD* bld) {
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld), &OSSL_PARAM_free);
    CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), &EVP_PKEY_CTX_free);
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return nullptr;
    }
    return std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> RsaKey(const json::object& k) {
    auto n = Base64UrlDecode(StrOr(k, "n"));
    auto e = Base64UrlDecode(StrOr(k, "e"));
    if (!n || !e || n->empty() || e->empty()) {
        return nullptr;
    }
    BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr),
               &BN_free);
    BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr),
               &BN_free);
    if (!bn_n || !bn_e || BN_num_bits(bn_n.get()) < 2048) {
        return nullptr;
    }
    BldPtr bld(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
        return nullptr;
    }
    return FromData("RSA", bld.get());
}

std::shared_ptr<EVP_PKEY> EcKey(const json::object& k) {
    if (StrOr(k, "crv") != "P-256") {
        return nullptr;
    }
    auto x = Base64UrlDecode(StrOr(k, "x"));
    auto y = Base64UrlDecode(StrOr(k, "y"));
    if (!x || !y || x->size() != 32 || y->size() != 32) {
        return nullptr;
    }
    std::string point = "\x04" + *x + *y;
    BldPtr bld(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
        return nullptr;
    }
    return FromData("EC", bld.get());
}

bool VerifySignature(EVP_PKEY* key, const std::string& alg, std::string_view input, std::string sig) {
    if (alg == "ES256") {
        // JWS carries r || s (RFC 7518 §3.4); OpenSSL wants DER.
        if (sig.size() != 64) {
            return false;
        }
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> es(ECDSA_SIG_new(), &ECDSA_SIG_free);
        BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), 32, nullptr);
        BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr);
        if (!es || r == nullptr || s == nullptr || ECDSA_SIG_set0(es.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            return false;
        }
        unsigned char* der = nullptr;
        int len = i2d_ECDSA_SIG(es.get(), &der);
        if (len <= 0) {
            return false;
        }
        sig.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
        OPENSSL_free(der);
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

}  // namespace

OidcMetadata ParseDiscovery(std::string_view text, std::string_view expected_issuer) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        throw ProviderError("the discovery document is not a JSON object");
    }
    const json::object& o = v.as_object();
    OidcMetadata m;
    m.issuer = StrOr(o, "issuer");
    m.authorization_endpoint = StrOr(o, "authorization_endpoint");
    m.token_endpoint = StrOr(o, "token_endpoint");
    m.jwks_uri = StrOr(o, "jwks_uri");
    if (m.issuer != expected_issuer) {
        throw ProviderError("the discovery document names another issuer");
    }
    for (const auto* url : {&m.authorization_endpoint, &m.token_endpoint, &m.jwks_uri}) {
        if (!AllowedFetchUrl(*url)) {
            throw ProviderError("an endpoint is missing or not https");
        }
    }
    if (const json::value* methods = o.if_contains("token_endpoint_auth_methods_supported");
        methods != nullptr && methods->is_array()) {
        for (const auto& a : methods->as_array()) {
            if (a.is_string()) {
                m.token_auth_methods.emplace_back(a.as_string());
            }
        }
    }
    return m;
}

Jwks Jwks::Parse(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    const json::value* keys = ec || !v.is_object() ? nullptr : v.as_object().if_contains("keys");
    if (keys == nullptr || !keys->is_array()) {
        throw ProviderError("the JWKS is not a key set");
    }
    Jwks out;
    for (const auto& item : keys->as_array()) {
        if (!item.is_object()) {
            continue;
        }
        const json::object& k = item.as_object();
        std::string use = StrOr(k, "use");
        if (!use.empty() && use != "sig") {
            continue;
        }
        Jwk j;
        j.kid = StrOr(k, "kid");
        j.kty = StrOr(k, "kty");
        j.alg = StrOr(k, "alg");
        if (j.kty == "RSA" && (j.alg.empty() || j.alg == "RS256")) {
            j.key = RsaKey(k);
        } else if (j.kty == "EC" && (j.alg.empty() || j.alg == "ES256")) {
            j.key = EcKey(k);
        }
        if (j.key) {
            out.keys_.push_back(std::move(j));
        }
    }
    return out;
}

IdClaims VerifyIdToken(std::string_view token, const Jwks& jwks, const IdTokenExpectations& expect) {
    if (token.size() > 16384) {
        throw IdTokenRejected("too long");
    }
    auto d1 = token.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
        throw IdTokenRejected("malformed");
    }
    auto header_text = Base64UrlDecode(token.substr(0, d1));
    auto payload_text = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
    auto sig = Base64UrlDecode(token.substr(d2 + 1));
    if (!header_text || !payload_text || !sig) {
        throw IdTokenRejected("malformed");
    }
    boost::system::error_code ec;
    json::value header = json::parse(*header_text, ec);
    if (ec || !header.is_object()) {
        throw IdTokenRejected("malformed header");
    }
    const json::object& h = header.as_object();
    std::string alg = StrOr(h, "alg");
    if (alg != "RS256" && alg != "ES256") {
        throw IdTokenRejected("algorithm " + (alg.empty() ? std::string("(none)") : alg) + " not accepted");
    }
    if (h.contains("crit") || h.contains("jku") || h.contains("jwk") || h.contains("x5u")) {
        throw IdTokenRejected("header parameters not accepted");
    }
    std::string kty = alg == "RS256" ? "RSA" : "EC";
    std::string kid = StrOr(h, "kid");
    const Jwk* key = nullptr;
    int candidates = 0;
    for (const auto& k : jwks.Keys()) {
        if (k.kty != kty) {
            continue;
        }
        ++candidates;
        if (!kid.empty() && k.kid == kid) {
            key = &k;
        }
    }
    if (kid.empty() && candidates == 1) {
        for (const auto& k : jwks.Keys()) {
            if (k.kty == kty) {
                key = &k;
            }
        }
    }
    if (key == nullptr) {
        throw IdTokenRejected("unknown signing key", true, kid);
    }
    if (!VerifySignature(key->key.get(), alg, token.substr(0, d2), *sig)) {
        throw IdTokenRejected("bad signature");
    }
    json::value payload = json::parse(*payload_text, ec);
    if (ec || !payload.is_object()) {
        throw IdTokenRejected("malformed payload");
    }
    const json::object& p = payload.as_object();
    if (StrOr(p, "iss") != expect.issuer) {
        throw IdTokenRejected("wrong issuer");
    }
    bool aud_ok = false;
    size_t audiences = 0;
    if (const json::value* aud = p.if_contains("aud")) {
        if (aud->is_string()) {
            audiences = 1;
            aud_ok = aud->as_string() == expect.audience;
        } else if (aud->is_array()) {
            for (const auto& a : aud->as_array()) {
                ++audiences;
                aud_ok = aud_ok || (a.is_string() && a.as_string() == expect.audience);
            }
        }
    }
    if (!aud_ok) {
        throw IdTokenRejected("wrong audience");
    }
    // OIDC Core §3.1.3.7: with several audiences the authorized party must be us.
    if (audiences > 1 || p.contains("azp")) {
        if (StrOr(p, "azp") != expect.audience) {
            throw IdTokenRejected("wrong authorized party");
        }
    }
    auto exp = IntAt(p, "exp");
    auto iat = IntAt(p, "iat");
    auto nbf = IntAt(p, "nbf");
    if (!exp || !iat) {
        throw IdTokenRejected("missing exp or iat");
    }
    if (expect.now >= *exp + expect.leeway_seconds) {
        throw IdTokenRejected("expired");
    }
    if (*iat > expect.now + expect.leeway_seconds || (nbf && *nbf > expect.now + expect.leeway_seconds)) {
        throw IdTokenRejected("not yet valid");
    }
    std::string nonce = StrOr(p, "nonce");
    if (expect.nonce.empty() || !ConstantTimeEquals(nonce, expect.nonce)) {
        throw IdTokenRejected("wrong nonce");
    }
    IdClaims c;
    c.subject = StrOr(p, "sub");
    if (c.subject.empty() || c.subject.size() > 255) {
        throw IdTokenRejected("missing subject");
    }
    c.email = StrOr(p, "email");
    c.name = StrOr(p, "name");
    if (const json::value* ev = p.if_contains("email_verified")) {
        if (ev->is_bool()) {
            c.email_verified = ev->as_bool();
        } else if (ev->is_string()) {
            c.email_verified = ev->as_string() == "true";  // some providers send a string
        }
    }
    return c;
}

OidcProviders::OidcProviders(Fetcher fetch, Clock clock, int64_t ttl_seconds, int64_t min_refetch_seconds)
    : fetch_(std::move(fetch)), clock_(std::move(clock)), ttl_(ttl_seconds), min_refetch_(min_refetch_seconds) {}

OidcMetadata OidcProviders::Metadata(const std::string& issuer) {
    int64_t now = clock_();
    {
        std::lock_guard lock(mu_);
        auto it = metadata_.find(issuer);
        if (it != metadata_.end() && now - it->second.fetched_at < ttl_) {
            return it->second.metadata;
        }
    }
    std::string base = issuer;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    FetchRequest req;
    req.url = base + "/.well-known/openid-configuration";
    if (!AllowedFetchUrl(req.url)) {
        throw ProviderError("the issuer must be an https URL");
    }
    FetchResponse r = fetch_(req);
    if (r.status != 200) {
        throw ProviderError("discovery answered HTTP " + std::to_string(r.status));
    }
    OidcMetadata m = ParseDiscovery(r.body, issuer);
    std::lock_guard lock(mu_);
    metadata_[issuer] = Cached{now, m, nullptr};
    return m;
}

std::shared_ptr<const Jwks> OidcProviders::Keys(const std::string& uri, const std::string& unknown_kid) {
    int64_t now = clock_();
    {
        std::lock_guard lock(mu_);
        auto it = keys_.find(uri);
        if (it != keys_.end()) {
            if (unknown_kid.empty() && now - it->second.fetched_at < ttl_) {
                return it->second.jwks;
            }
            if (!unknown_kid.empty()) {
                if (refetched_.size() > 1000) {
                    refetched_.clear();
                }
                auto [slot, fresh] = refetched_.try_emplace(uri + "\n" + unknown_kid, now);
                if (!fresh && now - slot->second < min_refetch_) {
                    return it->second.jwks;
                }
                slot->second = now;
            }
        }
    }
    FetchRequest req;
    req.url = uri;
    FetchResponse r = fetch_(req);
    if (r.status != 200) {
        throw ProviderError("the JWKS answered HTTP " + std::to_string(r.status));
    }
    auto jwks = std::make_shared<const Jwks>(Jwks::Parse(r.body));
    std::lock_guard lock(mu_);
    keys_[uri] = Cached{now, {}, jwks};
    return jwks;
}

std::string PkceChallenge(std::string_view verifier) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
    return Base64UrlEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

}  // namespace rounds::auth
