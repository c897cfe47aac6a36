#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/client_address.h"
#include "http/metrics.h"
#include "http/router.h"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace rounds::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 8080;
    int max_connections = 10000;
    uint32_t header_limit = 16 * 1024;
    uint64_t body_limit = 1024 * 1024;
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{30000};
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds write_timeout{30000};
    uint64_t gzip_min_bytes = 1024;
    /// Peers whose X-Forwarded-For names the client (Request::remote_addr); empty: the TCP peer always.
    TrustedProxies trusted_proxies;
};

/// Runs before the handler; calls `next` to continue the chain or returns a response itself
/// (request id and access log are built in; auth, tenant scope and rate limits are middleware).
using Middleware = std::function<boost::asio::awaitable<Response>(Request&, const Handler& next)>;

/// The HTTP/1.1 transport: owns the acceptor and client sessions (timeouts, limits, keep-alive, gzip,
/// graceful shutdown). Handlers see only Request -> Response. Beast stays inside server.cpp.
class Server {
  public:
    /// `contexts`: one io_context per I/O thread, each run by exactly one thread; the first also runs the
    /// acceptor and the shutdown sequence.
    Server(std::vector<boost::asio::io_context*> contexts, ServerOptions options, const Router& router,
           Metrics& metrics, boost::asio::thread_pool& cpu_pool);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void Use(Middleware middleware);
    /// Answers GET/HEAD requests that match no route (the web client's static files); otherwise 404.
    void SetFallback(Handler handler);
    /// Binds and starts accepting; throws std::system_error naming the address when it cannot bind.
    void Start();
    uint16_t Port() const;
    /// Stops accepting, closes idle connections, lets requests in flight finish, then calls `done`
    /// (with true when everything drained in time, false when the deadline cut them off).
    void Shutdown(std::chrono::milliseconds deadline, std::function<void(bool)> done);

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace rounds::http
