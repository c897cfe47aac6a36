#include "http/gzip.h"

#include <zlib.h>

#include <algorithm>

#include "http/request.h"

namespace rounds::http {

std::optional<std::string> Gzip(std::string_view data) {
    z_stream zs{};
    // 15 + 16: gzip wrapper; level 5 balances ratio and CPU for JSON.
    if (deflateInit2(&zs, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return std::nullopt;
    }
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    size_t produced = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        return std::nullopt;
    }
    out.resize(produced);
    return out;
}

std::optional<std::string> Gunzip(std::string_view data) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        return std::nullopt;
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof(buf);
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof(buf) - zs.avail_out);
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        return std::nullopt;
    }
    return out;
}

bool AcceptsGzip(std::string_view accept_encoding) {
    size_t pos = 0;
    while (pos <= accept_encoding.size()) {
        size_t comma = accept_encoding.find(',', pos);
        std::string_view item = accept_encoding.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                                                              : comma - pos);
        pos = comma == std::string_view::npos ? accept_encoding.size() + 1 : comma + 1;
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        std::string_view coding = item.substr(0, item.find(';'));
        while (!coding.empty() && coding.back() == ' ') {
            coding.remove_suffix(1);
        }
        if (!IEquals(coding, "gzip") && coding != "*") {
            continue;
        }
        auto q = item.find("q=");
        if (q != std::string_view::npos) {
            std::string_view qv = item.substr(q + 2);
            bool zero = !qv.empty() && qv[0] == '0' &&
                        std::all_of(qv.begin() + 1, qv.end(), [](char c) { return c == '.' || c == '0' || c == ' '; });
            if (zero) {
                return false;
            }
        }
        return true;
    }
    return false;
}

bool IsCompressibleType(std::string_view ct) {
    return ct.starts_with("text/") || ct.starts_with("application/json") ||
           ct.starts_with("application/problem+json") || ct.starts_with("application/geo+json") ||
           ct.starts_with("application/javascript") || ct.starts_with("image/svg+xml") ||
           ct.starts_with("application/manifest+json") || ct.starts_with("text/calendar");
}

}  // namespace rounds::http
