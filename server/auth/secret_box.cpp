#include "auth/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "auth/crypto.h"
#include "core/error.h"

namespace rounds::auth {

namespace {
constexpr std::string_view kPrefix = "v1:";
constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
const unsigned char* U(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

SecretBox SecretBox::FromKey(std::string key) {
    if (key.size() != 32) {
        throw core::Invalid("secrets-key-file", "must hold exactly 32 bytes (an AES-256 key)");
    }
    return SecretBox(std::move(key));
}

SecretBox SecretBox::Generate() {
    return SecretBox(RandomBytes(32));
}

SecretBox SecretBox::LoadOrCreate(const std::string& path) {
    namespace fs = std::filesystem;
    if (!fs::exists(path)) {
        if (fs::path(path).has_parent_path()) {
            fs::create_directories(fs::path(path).parent_path());
        }
        std::string key = RandomBytes(32);
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
            ::close(fd);
            if (!ok) {
                throw core::Invalid("secrets-key-file", "cannot write " + path);
            }
            return SecretBox(std::move(key));
        }
        // Another instance created it first: use theirs.
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw core::Invalid("secrets-key-file", "cannot read " + path);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return FromKey(ss.str());
}

bool SecretBox::IsSealed(std::string_view value) {
    return value.starts_with(kPrefix);
}

std::string SecretBox::Seal(std::string_view plaintext, std::string_view aad) const {
    std::string nonce = RandomBytes(kNonce);
    std::string out(plaintext.size() + kTag, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    int total = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) != 1 ||
        (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), o, &len, U(plaintext), static_cast<int>(plaintext.size())) != 1) {
        throw core::Error(core::ErrorKind::kInternal, "encryption failed");
    }
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), o + total, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, o + total + len) != 1) {
        throw core::Error(core::ErrorKind::kInternal, "encryption failed");
    }
    total += len;
    out.resize(static_cast<size_t>(total) + kTag);
    return std::string(kPrefix) + Base64UrlEncode(nonce + out);
}

std::optional<std::string> SecretBox::Open(std::string_view sealed, std::string_view aad) const {
    if (!IsSealed(sealed)) {
        return std::nullopt;
    }
    auto raw = Base64UrlDecode(sealed.substr(kPrefix.size()));
    if (!raw || raw->size() < kNonce + kTag) {
        return std::nullopt;
    }
    std::string_view all(*raw);
    std::string_view nonce = all.substr(0, kNonce);
    std::string_view body = all.substr(kNonce, all.size() - kNonce - kTag);
    std::string tag(all.substr(all.size() - kTag));
    std::string out(body.size() + 1, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) != 1 ||
        (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_DecryptUpdate(ctx.get(), o, &len, U(body), static_cast<int>(body.size())) != 1) {
        return std::nullopt;
    }
    int total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), o + total, &len) != 1) {
        return std::nullopt;
    }
    total += len;
    out.resize(static_cast<size_t>(total));
    return out;
}

}  // namespace rounds::auth
