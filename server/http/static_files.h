#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "http/router.h"

namespace rounds::http {

/// The built web client, loaded into memory at start (a few hundred kilobytes): hashed assets under
/// /assets/ are served with a year-long immutable cache, everything else must revalidate; a precompressed
/// `.gz` sibling is sent when the client accepts gzip; a path without a file extension that matches no file
/// gets index.html (the single-page app's router handles it); ETag / If-None-Match give 304.
class StaticSite {
  public:
    /// Throws std::runtime_error naming the directory when it has no index.html.
    explicit StaticSite(const std::filesystem::path& root);
    Handler MakeHandler() const;
    size_t FileCount() const { return files_->size(); }

    struct File {
        std::string body;
        std::string gzip_body;  // empty when there is no .gz sibling
        std::string content_type;
        std::string etag;
        bool immutable = false;
    };

  private:
    std::shared_ptr<const std::map<std::string, File, std::less<>>> files_;
};

/// Content type by file extension (utf-8 for text types).
std::string ContentTypeFor(std::string_view path);

}  // namespace rounds::http
