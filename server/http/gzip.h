#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rounds::http {

/// gzip (RFC 1952) of `data` at a speed-leaning level; nullopt if zlib fails (the caller sends identity).
std::optional<std::string> Gzip(std::string_view data);
/// Inverse, for tests and for precompressed assets checks. nullopt on corrupt input.
std::optional<std::string> Gunzip(std::string_view data);
/// Whether an Accept-Encoding header value admits gzip (q=0 refuses it).
bool AcceptsGzip(std::string_view accept_encoding);
/// Whether a content type is worth compressing (text, JSON, JS, SVG...).
bool IsCompressibleType(std::string_view content_type);

}  // namespace rounds::http
