#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rounds::http {

/// Case-insensitive header list (HTTP field names are case-insensitive).
class Headers {
  public:
    std::optional<std::string_view> Get(std::string_view name) const;
    void Set(std::string name, std::string value);
    void Add(std::string name, std::string value);
    const std::vector<std::pair<std::string, std::string>>& All() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct Route;

/// The body of a request to a route that streams its body (Route::stream_body_limit > 0): the handler reads it
/// while it arrives instead of the server buffering all of it first, so memory stays bounded by what the handler
/// keeps. Reads must not overlap. A body the handler leaves unread closes the connection after the response.
class BodyReader {
  public:
    virtual ~BodyReader() = default;
    /// Appends the next bytes of the body (at most `max`) to `out`; returns false, appending nothing, once the
    /// body has ended. Throws core::Error: kPayloadTooLarge past the route's limit (→ 413 problem+json),
    /// kInvalid when the client stalls past the body timeout or the upload is malformed or cut off.
    virtual boost::asio::awaitable<bool> Read(std::string& out, size_t max) = 0;
    /// Body bytes received so far.
    virtual uint64_t Received() const = 0;
};

/// The authenticated caller, set by the authentication middleware from a verified access token. Handlers
/// of tenant data take the organisation from here, never from the request body.
struct Principal {
    std::string user_id;  // UUID
    std::string org_id;   // UUID
    std::string role;     // "rep", "manager" or "admin"
    std::string session_id;
};

/// A request as handlers see it: no sockets, no Beast types.
struct Request {
    std::string method;
    std::string target;                                      // as received, e.g. /api/v1/physicians/search?q=smith
    std::string path;                                        // percent-decoded path
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    Headers headers;
    std::string body;                   // empty for streamed routes: read `body_reader` instead
    BodyReader* body_reader = nullptr;  // set only for routes with Route::stream_body_limit > 0
    std::string remote_addr;
    std::string request_id;
    std::map<std::string, std::string, std::less<>> path_params;
    const Route* route = nullptr;
    std::optional<Principal> principal;

    /// First value of a query parameter.
    std::optional<std::string_view> Query(std::string_view key) const;
    /// A path parameter declared in the route template as {name}.
    std::string_view Param(std::string_view name) const;
};

/// A response body produced while it is sent (large exports), so it is never held whole in memory.
class BodyStream {
  public:
    virtual ~BodyStream() = default;
    /// Appends the next piece of the body to `out` (which the server has emptied); returns false at the end.
    /// Runs on the connection's I/O thread between writes: heavy work belongs on the CPU pool. An exception after
    /// the head went out cannot become an error response any more: the connection is closed without the final
    /// chunk, so the client sees an incomplete body, never a short complete one.
    virtual boost::asio::awaitable<bool> Next(std::string& out) = 0;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    /// When set, `body` is ignored: the body is `stream`'s pieces, sent with chunked transfer coding (HTTP/1.0:
    /// delimited by closing the connection), not compressed.
    std::shared_ptr<BodyStream> stream;
    /// Set by handlers that stream nothing but want the body compressed regardless of type (e.g. JSON).
    bool compressible = true;

    static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
    static Response Json(int status, std::string json_body);
};

/// Decodes %XX escapes; '+' becomes a space only when `plus_is_space` (query strings). Returns nullopt on a
/// malformed escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

/// Splits a query string into decoded key/value pairs. Returns nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

bool IEquals(std::string_view a, std::string_view b);

}  // namespace rounds::http
