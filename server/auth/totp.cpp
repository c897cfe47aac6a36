#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>

#include <memory>

#include "auth/crypto.h"
#include "core/error.h"

namespace rounds::auth {

namespace {
constexpr std::string_view kB32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string UrlEncode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '@') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    return out;
}
}  // namespace

std::string Base32Encode(std::string_view bytes) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.push_back(kB32[(acc >> bits) & 0x1F]);
        }
    }
    if (bits > 0) {
        out.push_back(kB32[(acc << (5 - bits)) & 0x1F]);
    }
    return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        if (c == ' ' || c == '=') {
            continue;
        }
        char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        auto pos = kB32.find(u);
        if (pos == std::string_view::npos) {
            return std::nullopt;
        }
        acc = (acc << 5) | static_cast<uint32_t>(pos);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

uint32_t Hotp(std::string_view key, uint64_t counter, int digits, OtpHash hash) {
    unsigned char msg[8];
    for (int i = 7; i >= 0; --i) {
        msg[i] = static_cast<unsigned char>(counter & 0xFF);
        counter >>= 8;
    }
    const EVP_MD* md = hash == OtpHash::kSha1 ? EVP_sha1() : hash == OtpHash::kSha256 ? EVP_sha256() : EVP_sha512();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(md, key.data(), static_cast<int>(key.size()), msg, sizeof(msg), mac, &mac_len) == nullptr) {
        throw core::Error(core::ErrorKind::kInternal, "HMAC failed");
    }
    // Dynamic truncation (RFC 4226 §5.3).
    unsigned offset = mac[mac_len - 1] & 0x0F;
    uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) | (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                   (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
    uint32_t mod = 1;
    for (int i = 0; i < digits; ++i) {
        mod *= 10;
    }
    return bin % mod;
}

uint32_t Totp(std::string_view key, int64_t unix_seconds, int digits, int step, OtpHash hash) {
    return Hotp(key, static_cast<uint64_t>(unix_seconds / step), digits, hash);
}

std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  std::optional<int64_t> last_used_step) {
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    int64_t now_step = unix_seconds / 30;
    std::optional<int64_t> match;
    // Check all three steps every time, so timing does not tell which one matched.
    for (int64_t s = now_step - 1; s <= now_step + 1; ++s) {
        uint32_t v = Hotp(key, static_cast<uint64_t>(s), 6);
        std::string expected = std::to_string(v);
        expected.insert(0, 6 - expected.size(), '0');
        if (ConstantTimeEquals(expected, code) && !match) {
            match = s;
        }
    }
    if (match && last_used_step && *match <= *last_used_step) {
        return std::nullopt;
    }
    return match;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
    return "otpauth://totp/" + UrlEncode(issuer) + ":" + UrlEncode(account) + "?secret=" + std::string(secret) +
           "&issuer=" + UrlEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::string QrSvg(std::string_view text) {
    std::string s(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                       &QRcode_free);
    if (!qr) {
        throw core::Error(core::ErrorKind::kInternal, "QR encoding failed");
    }
    int w = qr->width;
    int quiet = 4;
    int size = w + 2 * quiet;
    std::string path;
    for (int y = 0; y < w; ++y) {
        for (int x = 0; x < w; ++x) {
            if ((qr->data[y * w + x] & 1) != 0) {
                path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
            }
        }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
           std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" " +
           "fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace rounds::auth
