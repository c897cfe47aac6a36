#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace rounds::auth {

/// One outgoing HTTP exchange of the SSO code (discovery, JWKS, token endpoint).
struct FetchRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> form;  // POST: application/x-www-form-urlencoded
    std::string basic_user, basic_password;                 // HTTP Basic credentials when basic_user is set
};

struct FetchResponse {
    long status = 0;
    std::string body;
};

/// Blocking; the SSO service runs it on the CPU pool. Throws core::Error(kUnavailable) when the server cannot
/// be reached. Injectable so unit tests need no network.
using Fetcher = std::function<FetchResponse(const FetchRequest&)>;

/// libcurl: 5 s connect, 10 s total, no redirects, responses above 1 MiB refused. Only https:// URLs, or
/// http:// to a loopback address (test identity providers); anything else is core::Error(kInvalid). Unless
/// `allow_private_addresses`, a connection to a loopback, private, link-local or otherwise non-public address
/// is refused after name resolution (an organisation admin must not be able to make the server probe the
/// internal network through an "issuer" URL).
FetchResponse CurlFetch(const FetchRequest& request, bool allow_private_addresses = false);

/// True for addresses on the public internet (IPv4 or IPv6 text as libcurl reports it).
bool IsPublicAddress(std::string_view ip);

/// True for https URLs and for http URLs whose host is 127.0.0.1, ::1 or localhost.
bool AllowedFetchUrl(std::string_view url);

/// application/x-www-form-urlencoded encoding of one value.
std::string FormEncode(std::string_view value);

}  // namespace rounds::auth
