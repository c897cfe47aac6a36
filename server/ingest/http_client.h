#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rounds::ingest {

/// Timeouts of every HTTP exchange: a dead or stalled server fails the run instead of hanging it.
struct HttpTimeouts {
    long connect_seconds = 30;  // TCP + TLS handshake
    long stall_seconds = 60;    // abort when under 1 byte/s for this long (0: no stall check)
    long total_seconds = 0;     // whole exchange; 0 = unlimited (downloads of multi-GB files)
};

/// True for http:// and https:// inputs.
bool IsHttpUrl(std::string_view input);

/// The URL as it may be shown or logged: user:password@ removed and the query's values replaced by "***"
/// (signed URLs carry tokens there).
std::string RedactUrl(std::string_view url);

/// A finished download in `<dir>/<sha256(url) prefix>/<file name of the URL>`.
struct DownloadedFile {
    std::string path;
    std::string sha256;  // of the complete file, lower-case hex
    uint64_t bytes = 0;
    uint64_t resumed_from = 0;  // bytes kept from an earlier partial download (0: full download)
    int requests = 0;           // HTTP requests made (attempts)
};

struct DownloadRequest {
    std::string url;
    std::string dir;              // downloads directory (created)
    std::string expected_sha256;  // "" = not checked
    HttpTimeouts timeouts;
    int attempts = 3;       // transfers that break off are resumed up to this many times in one run
    bool progress = false;  // live progress line on stderr
};

/// Downloads `url` with libcurl (redirects followed, http/https only). The bytes go to `<name>.part`; a
/// partial file left by an earlier run is continued with a Range request (206), restarted when the server
/// ignores the range (200). Once complete and, when given, checksum-verified, the file is renamed to its
/// final name. Throws core::Error: kInvalid for HTTP errors (status and redacted URL) and checksum
/// mismatches (the file is deleted), kUnavailable for network failures and timeouts (the partial file is
/// kept for the next run).
DownloadedFile DownloadFile(const DownloadRequest& request);

/// One part of a multipart/form-data POST.
struct FormField {
    std::string name;
    std::string value;
    std::string file_name;  // non-empty: sent as a file upload with this name (text/csv)
};

struct HttpResponse {
    long status = 0;
    std::string body;
};

/// POSTs multipart/form-data and returns the response (any status; the caller decides). Throws
/// core::Error(kUnavailable) on network failures and timeouts.
HttpResponse PostForm(const std::string& url, const std::vector<FormField>& fields, const HttpTimeouts& timeouts,
                      size_t max_response_bytes = 256u << 20);

}  // namespace rounds::ingest
