#include "http/static_files.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/hash.h"
#include "http/gzip.h"

namespace rounds::http {

namespace {

std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

constexpr uintmax_t kMaxFileBytes = 32 * 1024 * 1024;

}  // namespace

std::string ContentTypeFor(std::string_view path) {
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {"html", "text/html; charset=utf-8"},
        {"js", "application/javascript; charset=utf-8"},
        {"mjs", "application/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"map", "application/json"},
        {"webmanifest", "application/manifest+json"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
        {"txt", "text/plain; charset=utf-8"},
    };
    auto dot = path.rfind('.');
    std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
    for (const auto& [e, type] : kTypes) {
        if (e == ext) {
            return std::string(type);
        }
    }
    return "application/octet-stream";
}

StaticSite::StaticSite(const std::filesystem::path& root) {
    namespace fs = std::filesystem;
    if (!fs::is_regular_file(root / "index.html")) {
        throw std::runtime_error("web-root " + root.string() + " has no index.html (build the web client first)");
    }
    auto files = std::make_shared<std::map<std::string, File, std::less<>>>();
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() == ".gz") {
            continue;
        }
        if (entry.file_size() > kMaxFileBytes) {
            throw std::runtime_error("web-root file too large to serve from memory: " + entry.path().string());
        }
        std::string rel = "/" + fs::relative(entry.path(), root).generic_string();
        File f;
        f.body = ReadFile(entry.path());
        fs::path gz = entry.path();
        gz += ".gz";
        if (fs::is_regular_file(gz)) {
            f.gzip_body = ReadFile(gz);
        }
        f.content_type = ContentTypeFor(rel);
        f.etag = "\"" + core::Sha256Hex(f.body).substr(0, 20) + "\"";
        // Vite puts content-hashed bundles under /assets/: their URL changes whenever they do.
        f.immutable = rel.starts_with("/assets/");
        files->emplace(std::move(rel), std::move(f));
    }
    files_ = std::move(files);
}

Handler StaticSite::MakeHandler() const {
    return [files = files_](Request& req) -> boost::asio::awaitable<Response> {
        std::string_view path = req.path;
        auto it = files->find(path);
        if (it == files->end()) {
            std::string_view last = path.substr(path.rfind('/') + 1);
            bool looks_like_file = last.find('.') != std::string_view::npos;
            if (looks_like_file || path.find("..") != std::string_view::npos) {
                Response r = Response::Text(404, "not found");
                co_return r;
            }
            it = files->find(std::string_view("/index.html"));  // client-side route
        }
        const File& f = it->second;
        Response r;
        r.headers.Set("ETag", f.etag);
        r.headers.Set("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
        if (auto inm = req.headers.Get("If-None-Match"); inm && *inm == f.etag) {
            r.status = 304;
            co_return r;
        }
        r.status = 200;
        r.headers.Set("Content-Type", f.content_type);
        if (!f.gzip_body.empty() && AcceptsGzip(req.headers.Get("Accept-Encoding").value_or(""))) {
            r.body = f.gzip_body;
            r.headers.Set("Content-Encoding", "gzip");
            r.headers.Set("Vary", "Accept-Encoding");
        } else {
            r.body = f.body;
        }
        if (f.content_type.starts_with("text/html")) {
            r.headers.Set("X-Content-Type-Options", "nosniff");
            r.headers.Set("Referrer-Policy", "same-origin");
        }
        co_return r;
    };
}

}  // namespace rounds::http
