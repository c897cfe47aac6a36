#include "ingest/http_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/log.h"
#include "ingest/progress.h"

namespace rounds::ingest {
namespace fs = std::filesystem;
namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

struct MimeDeleter {
    void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

CurlPtr NewHandle(const HttpTimeouts& timeouts, char* error_buffer) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CurlPtr curl(curl_easy_init());
    if (!curl) {
        throw core::Error(core::ErrorKind::kInternal, "libcurl initialisation failed");
    }
    CURL* c = curl.get();
    error_buffer[0] = '\0';
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "rounds-ingest/1");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeouts.connect_seconds);
    if (timeouts.stall_seconds > 0) {
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, timeouts.stall_seconds);
    }
    if (timeouts.total_seconds > 0) {
        curl_easy_setopt(c, CURLOPT_TIMEOUT, timeouts.total_seconds);
    }
    return curl;
}

std::string CurlMessage(CURLcode code, const char* error_buffer) {
    return error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
}

// The last path segment of the URL, percent-decoded and reduced to a safe file name.
std::string FileNameOf(std::string_view url) {
    size_t start = url.find("://");
    start = start == std::string_view::npos ? 0 : start + 3;
    const size_t end = url.find_first_of("?#", start);
    std::string_view path = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const size_t slash = path.rfind('/');
    const std::string_view segment =
        slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);  // no path: no name
    std::string name;
    for (size_t i = 0; i < segment.size(); ++i) {
        char c = segment[i];
        if (c == '%' && i + 2 < segment.size() && std::isxdigit(static_cast<unsigned char>(segment[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(segment[i + 2]))) {
            c = static_cast<char>(std::stoi(std::string(segment.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        }
        const bool safe = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
        name.push_back(safe ? c : '_');
    }
    if (name.empty() || name == "." || name == "..") {
        return "download";
    }
    return name;
}

// State of one download shared with libcurl's callbacks.
struct Transfer {
    int fd = -1;
    uint64_t size = 0;  // bytes in the .part file (all hashed)
    uint64_t resumed_from = 0;
    std::unique_ptr<core::Sha256> hash;
    CURL* curl = nullptr;
    bool started = false;                 // first body byte of this response seen
    std::optional<uint64_t> range_start;  // from Content-Range of the current response
    std::string error;                    // set when a callback aborts the transfer
    Progress* progress = nullptr;
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) {
        return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        t->range_start.reset();  // a new response (after a redirect or a 100 Continue)
    } else if (StartsWithNoCase(line, "content-range:")) {
        // Content-Range: bytes 100-199/200
        const size_t bytes = line.find("bytes");
        if (bytes != std::string_view::npos) {
            size_t p = bytes + 5;
            while (p < line.size() && line[p] == ' ') {
                ++p;
            }
            uint64_t v = 0;
            bool any = false;
            for (; p < line.size() && std::isdigit(static_cast<unsigned char>(line[p])) != 0; ++p) {
                v = v * 10 + static_cast<uint64_t>(line[p] - '0');
                any = true;
            }
            if (any) {
                t->range_start = v;
            }
        }
    }
    return size * count;
}

void ResetFile(Transfer& t) {
    if (::ftruncate(t.fd, 0) != 0 || ::lseek(t.fd, 0, SEEK_SET) != 0) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          std::string("cannot truncate the partial download: ") + std::strerror(errno));
    }
    t.size = 0;
    t.resumed_from = 0;
    t.hash = std::make_unique<core::Sha256>();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    try {
        if (!t->started) {
            t->started = true;
            long status = 0;
            curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
            if (status == 206) {
                if (!t->range_start || *t->range_start != t->size) {
                    t->error = "the server answered a range request with a different range (asked from byte " +
                               std::to_string(t->size) + ")";
                    return 0;
                }
            } else if (t->size > 0) {
                // 200: the server ignored the Range header and sends the whole file. Start over.
                core::LogInfo("ingest_download_restart", {{"kept_bytes", static_cast<int64_t>(t->size)},
                                                          {"status", static_cast<int64_t>(status)}});
                ResetFile(*t);
            }
        }
        size_t done = 0;
        while (done < n) {
            const ssize_t w = ::write(t->fd, data + done, n - done);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                t->error = std::string("cannot write the download: ") + std::strerror(errno);
                return 0;
            }
            done += static_cast<size_t>(w);
        }
        t->hash->Update(std::string_view(data, n));
        t->size += n;
    } catch (const std::exception& e) {
        t->error = e.what();
        return 0;
    }
    return n;
}

int OnProgress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    if (t->progress != nullptr) {
        if (dltotal > 0 && static_cast<uint64_t>(dlnow) <= t->size) {
            // The response covers the file from (size - dlnow): the total is that offset plus its length.
            t->progress->SetTotal(t->size - static_cast<uint64_t>(dlnow) + static_cast<uint64_t>(dltotal));
        }
        t->progress->Update(0, t->size);
    }
    return 0;
}

// Errors that a retry cannot fix.
bool Permanent(CURLcode code) {
    return code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT || code == CURLE_TOO_MANY_REDIRECTS ||
           code == CURLE_HTTP_RETURNED_ERROR || code == CURLE_WRITE_ERROR || code == CURLE_COULDNT_RESOLVE_HOST;
}

struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

bool IsHttpUrl(std::string_view input) {
    return StartsWithNoCase(input, "http://") || StartsWithNoCase(input, "https://");
}

std::string RedactUrl(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return std::string(url);
    }
    const size_t host_start = scheme + 3;
    size_t host_end = url.find_first_of("/?#", host_start);
    if (host_end == std::string_view::npos) {
        host_end = url.size();
    }
    std::string_view authority = url.substr(host_start, host_end - host_start);
    const size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        authority = authority.substr(at + 1);
    }
    std::string out = std::string(url.substr(0, host_start)) + std::string(authority);
    std::string_view rest = url.substr(host_end);
    const size_t fragment = rest.find('#');
    if (fragment != std::string_view::npos) {
        rest = rest.substr(0, fragment);
    }
    const size_t query = rest.find('?');
    if (query == std::string_view::npos) {
        return out + std::string(rest);
    }
    out += rest.substr(0, query + 1);
    std::string_view q = rest.substr(query + 1);
    bool first = true;
    while (!q.empty()) {
        const size_t amp = q.find('&');
        const std::string_view pair = q.substr(0, amp);
        const size_t eq = pair.find('=');
        out += first ? "" : "&";
        out += eq == std::string_view::npos ? std::string(pair) : std::string(pair.substr(0, eq)) + "=***";
        first = false;
        q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    }
    return out;
}

DownloadedFile DownloadFile(const DownloadRequest& request) {
    const std::string shown = RedactUrl(request.url);
    if (!IsHttpUrl(request.url)) {
        throw core::Invalid("input", "not an http(s) URL: " + shown);
    }
    const fs::path dir = fs::path(request.dir) / core::Sha256Hex(request.url).substr(0, 16);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          "cannot create the download directory " + dir.string() + ": " + ec.message());
    }
    const std::string name = FileNameOf(request.url);
    const fs::path final_path = dir / name;
    const fs::path part_path = dir / (name + ".part");

    FdCloser fd{::open(part_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)};
    if (fd.fd < 0) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          "cannot open " + part_path.string() + ": " + std::strerror(errno));
    }
    if (::flock(fd.fd, LOCK_EX | LOCK_NB) != 0) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          "another run is downloading " + shown + " into " + part_path.string());
    }
    fs::remove(final_path, ec);  // a completed file from a run that failed later: downloaded afresh

    Transfer t;
    t.fd = fd.fd;
    t.hash = std::make_unique<core::Sha256>();
    // Hash what an earlier run left, then continue after it.
    {
        std::vector<char> buf(1 << 20);
        for (;;) {
            const ssize_t got = ::read(fd.fd, buf.data(), buf.size());
            if (got < 0) {
                if (errno == EINTR) {
                    continue;
                }
                throw core::Error(core::ErrorKind::kUnavailable,
                                  "cannot read " + part_path.string() + ": " + std::strerror(errno));
            }
            if (got == 0) {
                break;
            }
            t.hash->Update(std::string_view(buf.data(), static_cast<size_t>(got)));
            t.size += static_cast<uint64_t>(got);
        }
    }
    t.resumed_from = t.size;

    char error_buffer[CURL_ERROR_SIZE];
    CurlPtr curl = NewHandle(request.timeouts, error_buffer);
    CURL* c = curl.get();
    t.curl = c;
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    Progress progress("download " + name, 0, request.progress, std::chrono::seconds(10), false);
    t.progress = &progress;

    DownloadedFile result;
    const int attempts = std::max(1, request.attempts);
    for (int attempt = 1;; ++attempt) {
        result.requests = attempt;
        t.started = false;
        t.error.clear();
        t.range_start.reset();
        const std::string range = std::to_string(t.size) + "-";
        curl_easy_setopt(c, CURLOPT_RANGE, t.size > 0 ? range.c_str() : nullptr);
        const CURLcode code = curl_easy_perform(c);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (code == CURLE_OK) {
            break;
        }
        if (!t.error.empty()) {
            throw core::Error(core::ErrorKind::kUnavailable, "download of " + shown + " failed: " + t.error);
        }
        if (code == CURLE_HTTP_RETURNED_ERROR && status == 416 && t.size > 0 && attempt < attempts) {
            // The partial file is not a prefix of the current file (it is as long or longer): start over.
            ResetFile(t);
            continue;
        }
        if (code == CURLE_HTTP_RETURNED_ERROR) {
            char* effective = nullptr;
            curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
            std::string where = shown;
            if (effective != nullptr && RedactUrl(effective) != shown) {
                where += " (redirected to " + RedactUrl(effective) + ")";
            }
            throw core::Error(core::ErrorKind::kInvalid,
                              "download failed: HTTP " + std::to_string(status) + " from " + where);
        }
        const std::string why = CurlMessage(code, error_buffer);
        if (Permanent(code) || attempt >= attempts) {
            const std::string kept = t.size == 0 ? std::string()
                                                 : "; " + std::to_string(t.size) + " bytes are kept in " +
                                                       part_path.string() + ": run again to resume";
            throw core::Error(
                core::ErrorKind::kUnavailable,
                "download of " + shown + " failed after " + std::to_string(attempt) + " attempt(s): " + why + kept);
        }
        core::LogInfo("ingest_download_retry", {{"url", shown},
                                                {"attempt", static_cast<int64_t>(attempt)},
                                                {"bytes", static_cast<int64_t>(t.size)},
                                                {"error", why}});
        std::this_thread::sleep_for(std::chrono::milliseconds(300 * attempt));
    }
    progress.Finish(0, t.size);

    result.sha256 = t.hash->FinishHex();
    result.bytes = t.size;
    result.resumed_from = t.resumed_from;
    if (!request.expected_sha256.empty()) {
        std::string expected = request.expected_sha256;
        for (char& ch : expected) {
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        if (expected != result.sha256) {
            fs::remove(part_path, ec);
            throw core::Error(core::ErrorKind::kInvalid, "checksum mismatch for " + shown + ": expected sha256 " +
                                                             expected + ", the " + std::to_string(result.bytes) +
                                                             " bytes downloaded have " + result.sha256 +
                                                             "; the download was deleted and nothing was loaded");
        }
    }
    fs::rename(part_path, final_path, ec);
    if (ec) {
        throw core::Error(core::ErrorKind::kUnavailable, "cannot move the download into place: " + ec.message());
    }
    result.path = final_path.string();
    core::LogInfo("ingest_downloaded", {{"url", shown},
                                        {"path", result.path},
                                        {"bytes", static_cast<int64_t>(result.bytes)},
                                        {"resumed_from", static_cast<int64_t>(result.resumed_from)},
                                        {"requests", static_cast<int64_t>(result.requests)},
                                        {"sha256", result.sha256}});
    return result;
}

HttpResponse PostForm(const std::string& url, const std::vector<FormField>& fields, const HttpTimeouts& timeouts,
                      size_t max_response_bytes) {
    const std::string shown = RedactUrl(url);
    char error_buffer[CURL_ERROR_SIZE];
    CurlPtr curl = NewHandle(timeouts, error_buffer);
    CURL* c = curl.get();
    std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(c));
    for (const FormField& f : fields) {
        curl_mimepart* part = curl_mime_addpart(mime.get());
        curl_mime_name(part, f.name.c_str());
        curl_mime_data(part, f.value.data(), f.value.size());
        if (!f.file_name.empty()) {
            curl_mime_filename(part, f.file_name.c_str());
            curl_mime_type(part, "text/csv");
        }
    }
    // No "Expect: 100-continue" round trip before the body.
    std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, "Expect:"));
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    struct Sink {
        std::string body;
        size_t limit;
    } sink{{}, max_response_bytes};
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* user) -> size_t {
            auto* s = static_cast<Sink*>(user);
            const size_t n = size * count;
            if (s->body.size() + n > s->limit) {
                return 0;
            }
            s->body.append(data, n);
            return n;
        });
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    const CURLcode code = curl_easy_perform(c);
    if (code != CURLE_OK) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          "POST to " + shown + " failed: " + CurlMessage(code, error_buffer));
    }
    HttpResponse response;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(sink.body);
    return response;
}

}  // namespace rounds::ingest
