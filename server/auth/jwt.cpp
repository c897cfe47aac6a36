#include "auth/jwt.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "auth/crypto.h"
#include "core/error.h"
#include "core/hash.h"

namespace rounds::auth {

namespace json = boost::json;

namespace {

core::Error Reject(std::string why) {
    return core::Error(core::ErrorKind::kUnauthenticated, "invalid access token: " + why);
}

std::string RawPublicKey(EVP_PKEY* key) {
    size_t len = 0;
    EVP_PKEY_get_raw_public_key(key, nullptr, &len);
    std::string out(len, '\0');
    EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(out.data()), &len);
    return out;
}

const json::string* StringAt(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr ? v->if_string() : nullptr;
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
    return std::nullopt;
}

}  // namespace

/// Recently verified tokens (the exact bytes) and their claims; copies of a signer share it. The signature,
/// algorithm, key, issuer and audience checks depend only on the bytes and the signer, so they hold for a repeat;
/// the time checks are made again on every use.
struct TokenSigner::VerifiedCache {
    struct Entry {
        AccessClaims claims;
        bool has_nbf = false;
    };
    std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    std::deque<std::string> order;  // insertion order, for eviction
};

TokenSigner::TokenSigner(std::shared_ptr<EVP_PKEY> key, JwtOptions options)
    : verified_(std::make_shared<VerifiedCache>()), key_(std::move(key)), options_(std::move(options)) {
    kid_ = core::Sha256Hex(RawPublicKey(key_.get())).substr(0, 16);
}

TokenSigner TokenSigner::FromPem(std::string_view pem, JwtOptions options) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) {
        throw core::Invalid("jwt-key-file", "is not a PEM private key");
    }
    std::shared_ptr<EVP_PKEY> key(raw, &EVP_PKEY_free);
    if (EVP_PKEY_get_id(raw) != EVP_PKEY_ED25519) {
        throw core::Invalid("jwt-key-file", "must be an Ed25519 private key (openssl genpkey -algorithm ed25519)");
    }
    return TokenSigner(std::move(key), std::move(options));
}

TokenSigner TokenSigner::Generate(JwtOptions options) {
    EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (raw == nullptr) {
        throw core::Error(core::ErrorKind::kInternal, "Ed25519 key generation failed");
    }
    return TokenSigner(std::shared_ptr<EVP_PKEY>(raw, &EVP_PKEY_free), std::move(options));
}

std::string TokenSigner::PrivatePem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
}

TokenSigner TokenSigner::LoadOrCreate(const std::string& path, JwtOptions options) {
    namespace fs = std::filesystem;
    if (!fs::exists(path)) {
        fs::create_directories(fs::path(path).parent_path());
        TokenSigner fresh = Generate(options);
        std::string pem = fresh.PrivatePem();
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            bool ok = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
            ::close(fd);
            if (!ok) {
                throw core::Invalid("jwt-key-file", "cannot write " + path);
            }
            return fresh;
        }
        // Another instance created it first: use theirs.
    }
    std::ifstream in(path);
    if (!in) {
        throw core::Invalid("jwt-key-file", "cannot read " + path);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return FromPem(ss.str(), std::move(options));
}

std::string TokenSigner::Sign(const AccessClaims& c) const {
    json::object header{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", kid_}};
    json::object payload{{"iss", options_.issuer}, {"aud", options_.audience}, {"sub", c.user_id},
                         {"org", c.org_id},        {"role", c.role},           {"sid", c.session_id},
                         {"jti", c.token_id},      {"iat", c.issued_at},       {"nbf", c.not_before},
                         {"exp", c.expires_at}};
    std::string signing_input =
        Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(payload));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    unsigned char sig[64];
    size_t sig_len = sizeof(sig);
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw core::Error(core::ErrorKind::kInternal, "token signing failed");
    }
    return signing_input + "." + Base64UrlEncode(std::string_view(reinterpret_cast<char*>(sig), sig_len));
}

AccessClaims TokenSigner::Verify(std::string_view token, int64_t now) const {
    {
        std::lock_guard lock(verified_->mu);
        auto it = verified_->entries.find(std::string(token));
        if (it != verified_->entries.end()) {
            AccessClaims c = it->second.claims;
            bool has_nbf = it->second.has_nbf;
            CheckTimes(c, has_nbf, now);
            return c;
        }
    }
    auto [c, has_nbf] = VerifyUncached(token);
    CheckTimes(c, has_nbf, now);
    std::lock_guard lock(verified_->mu);
    if (verified_->entries.emplace(std::string(token), VerifiedCache::Entry{c, has_nbf}).second) {
        verified_->order.emplace_back(token);
        while (verified_->order.size() > kVerifiedCacheSize) {
            verified_->entries.erase(verified_->order.front());
            verified_->order.pop_front();
        }
    }
    return c;
}

void TokenSigner::CheckTimes(const AccessClaims& c, bool has_nbf, int64_t now) const {
    if (now >= c.expires_at + options_.leeway_seconds) {
        throw Reject("expired");
    }
    if (has_nbf && now + options_.leeway_seconds < c.not_before) {
        throw Reject("not yet valid");
    }
}

std::pair<AccessClaims, bool> TokenSigner::VerifyUncached(std::string_view token) const {
    if (token.size() > 4096) {
        throw Reject("too long");
    }
    auto d1 = token.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
        throw Reject("malformed");
    }
    auto header_text = Base64UrlDecode(token.substr(0, d1));
    auto payload_text = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
    auto sig = Base64UrlDecode(token.substr(d2 + 1));
    if (!header_text || !payload_text || !sig) {
        throw Reject("malformed");
    }
    boost::system::error_code ec;
    json::value header = json::parse(*header_text, ec);
    if (ec || !header.is_object()) {
        throw Reject("malformed header");
    }
    const json::object& h = header.as_object();
    const json::string* alg = StringAt(h, "alg");
    // The server decides the algorithm; the token only has to agree with it.
    if (alg == nullptr || *alg != "EdDSA") {
        throw Reject("algorithm not accepted");
    }
    if (h.contains("crit") || h.contains("jku") || h.contains("jwk") || h.contains("x5u")) {
        throw Reject("header parameters not accepted");
    }
    const json::string* kid = StringAt(h, "kid");
    if (kid == nullptr || *kid != kid_) {
        throw Reject("unknown key");
    }
    if (sig->size() != 64) {
        throw Reject("bad signature");
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                         reinterpret_cast<const unsigned char*>(token.data()), d2) != 1) {
        throw Reject("bad signature");
    }
    json::value payload = json::parse(*payload_text, ec);
    if (ec || !payload.is_object()) {
        throw Reject("malformed payload");
    }
    const json::object& p = payload.as_object();
    const json::string* iss = StringAt(p, "iss");
    if (iss == nullptr || *iss != options_.issuer) {
        throw Reject("wrong issuer");
    }
    bool aud_ok = false;
    if (const json::value* aud = p.if_contains("aud")) {
        if (aud->is_string()) {
            aud_ok = aud->as_string() == options_.audience;
        } else if (aud->is_array()) {
            for (const auto& a : aud->as_array()) {
                aud_ok = aud_ok || (a.is_string() && a.as_string() == options_.audience);
            }
        }
    }
    if (!aud_ok) {
        throw Reject("wrong audience");
    }
    auto exp = IntAt(p, "exp");
    auto nbf = IntAt(p, "nbf");
    auto iat = IntAt(p, "iat");
    if (!exp || !iat) {
        throw Reject("missing exp or iat");
    }
    AccessClaims c;
    const json::string* sub = StringAt(p, "sub");
    const json::string* org = StringAt(p, "org");
    const json::string* role = StringAt(p, "role");
    const json::string* sid = StringAt(p, "sid");
    const json::string* jti = StringAt(p, "jti");
    if (sub == nullptr || org == nullptr || role == nullptr) {
        throw Reject("missing claims");
    }
    c.user_id = std::string(*sub);
    c.org_id = std::string(*org);
    c.role = std::string(*role);
    c.session_id = sid != nullptr ? std::string(*sid) : "";
    c.token_id = jti != nullptr ? std::string(*jti) : "";
    c.issued_at = *iat;
    c.not_before = nbf.value_or(*iat);
    c.expires_at = *exp;
    return {c, nbf.has_value()};
}

}  // namespace rounds::auth
