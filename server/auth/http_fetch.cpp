#include "auth/http_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

#include "core/error.h"

namespace rounds::auth {

namespace {

constexpr size_t kMaxBody = 1 << 20;

size_t Collect(char* data, size_t size, size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    if (out->size() + size * n > kMaxBody) {
        return 0;  // aborts the transfer
    }
    out->append(data, size * n);
    return size * n;
}

std::string HostOf(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return "";
    }
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        rest = rest.substr(at + 1);
    }
    if (!rest.empty() && rest.front() == '[') {
        return std::string(rest.substr(0, rest.find(']') + 1));
    }
    return std::string(rest.substr(0, rest.find(':')));
}

int CheckAddress(void* user, char* conn_primary_ip, char*, int, int) {
    bool allow_private = *static_cast<bool*>(user);
    return allow_private || IsPublicAddress(conn_primary_ip) ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

}  // namespace

bool IsPublicAddress(std::string_view ip) {
    unsigned char a[16] = {};
    std::string text(ip);
    if (inet_pton(AF_INET, text.c_str(), a) == 1) {
        return !(a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
                 (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
                 (a[0] == 192 && a[1] == 0 && a[2] == 0) || a[0] >= 224);
    }
    if (inet_pton(AF_INET6, text.c_str(), a) != 1) {
        return false;
    }
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(a, kMapped, 12) == 0) {
        char v4[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, a + 12, v4, sizeof(v4));
        return IsPublicAddress(v4);
    }
    bool unspecified_or_loopback = true;
    for (int i = 0; i < 15; ++i) {
        unspecified_or_loopback = unspecified_or_loopback && a[i] == 0;
    }
    // ::, ::1, fc00::/7 (unique local), fe80::/10 (link-local), ff00::/8 (multicast)
    return !(unspecified_or_loopback || (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||
             a[0] == 0xFF);
}

bool AllowedFetchUrl(std::string_view url) {
    if (url.starts_with("https://")) {
        return !HostOf(url).empty();
    }
    if (url.starts_with("http://")) {
        std::string host = HostOf(url);
        return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
    }
    return false;
}

std::string FormEncode(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    return out;
}

FetchResponse CurlFetch(const FetchRequest& req, bool allow_private_addresses) {
    if (!AllowedFetchUrl(req.url)) {
        throw core::Invalid("url", "must be https (http only to a loopback address)");
    }
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
        throw core::Error(core::ErrorKind::kInternal, "curl_easy_init failed");
    }
    FetchResponse out;
    std::string form;
    for (const auto& [k, v] : req.form) {
        form += (form.empty() ? "" : "&") + FormEncode(k) + "=" + FormEncode(v);
    }
    std::string userpwd =
        req.basic_user.empty() ? "" : FormEncode(req.basic_user) + ":" + FormEncode(req.basic_password);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "rounds-sso/1");
    // Checked on the address actually connected to, after DNS: a public name resolving to 10.x is refused.
    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, &CheckAddress);
    curl_easy_setopt(c, CURLOPT_PREREQDATA, &allow_private_addresses);
    if (req.method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
    }
    if (!userpwd.empty()) {
        // RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd.c_str());
    }
    struct curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          "the identity provider's address is not public (see --sso-allow-private-addresses)");
    }
    if (rc != CURLE_OK) {
        throw core::Error(core::ErrorKind::kUnavailable, "the identity provider cannot be reached", {},
                          std::string("curl: ") + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
}

}  // namespace rounds::auth
