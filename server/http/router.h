#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace rounds::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

/// Who may call a route. The auth middleware enforces it; the route table states it.
enum class Access { kPublic, kAuthenticated, kRep, kManager, kAdmin };

/// One line of the route table: method, path template ("/api/v1/physicians/{npi}"), handler, access.
struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    Access access = Access::kPublic;
    std::string summary;
    /// 0: the server reads the whole body (up to --http-body-limit) before the handler runs. > 0: the body may be
    /// up to this many bytes and is not buffered; the handler reads it as it arrives through Request::body_reader.
    uint64_t stream_body_limit = 0;
};

struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    /// When the path matched but the method did not: the methods that would have (for 405 + Allow).
    std::vector<std::string> allowed;
};

/// Matches request paths against route templates. Literal segments win over {param} segments, so
/// "/physicians/search" beats "/physicians/{npi}" whatever the order of registration.
class Router {
  public:
    /// Throws std::invalid_argument on a duplicate method+pattern or a malformed template.
    void Add(Route route);
    Match Find(std::string_view method, std::string_view path) const;
    const std::vector<std::unique_ptr<Route>>& Routes() const { return routes_; }
    /// The largest Route::stream_body_limit of the table (0 when no route streams its body).
    uint64_t MaxStreamBodyLimit() const;

  private:
    struct Compiled {
        std::vector<std::string> segments;  // "{name}" for parameters
        int literal_count = 0;
    };
    std::vector<std::unique_ptr<Route>> routes_;
    std::vector<Compiled> compiled_;
};

}  // namespace rounds::http
