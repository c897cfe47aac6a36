// The only translation unit of the http module that includes Beast.
#include "http/server.h"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <mutex>
#include <random>
#include <unordered_set>

#include "core/error.h"
#include "core/log.h"
#include "http/gzip.h"
#include "http/problem.h"

namespace rounds::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
/// Bodies larger than this are compressed on the CPU pool rather than on an I/O thread.
constexpr size_t kOffloadGzipBytes = 64 * 1024;

std::string NewRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t a = rng();
    uint64_t b = rng();
    std::string id(24, '0');
    for (int i = 0; i < 16; ++i) {
        id[static_cast<size_t>(i)] = kHex[(a >> (i * 4)) & 0xF];
    }
    for (int i = 16; i < 24; ++i) {
        id[static_cast<size_t>(i)] = kHex[(b >> (i * 4 - 64)) & 0xF];
    }
    return id;
}

bool ValidRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (char c : id) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// The response head and body as one buffer: one write, one syscall, no per-field buffer sequence (Beast's
/// serializer showed up in profiles at high connection counts). Header values come from our own code; any
/// CR or LF in them is dropped so a value can never start a new header.
std::string SerializeResponse(const Response& res, bool head_only, bool keep_alive, bool http10) {
    const bool streamed = res.stream != nullptr;
    bool no_body = res.status == 204 || res.status == 304 || res.status < 200;
    std::string wire;
    wire.reserve(192 + res.headers.All().size() * 48 + (head_only || no_body ? 0 : res.body.size()));
    wire += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    wire += std::to_string(res.status);
    wire += ' ';
    wire += ReasonPhrase(res.status);
    wire += "\r\nServer: rounds\r\n";
    for (const auto& [name, value] : res.headers.All()) {
        wire += name;
        wire += ": ";
        for (char c : value) {
            if (c != '\r' && c != '\n') {
                wire += c;
            }
        }
        wire += "\r\n";
    }
    if (!no_body && streamed) {
        if (!http10) {
            wire += "Transfer-Encoding: chunked\r\n";
        }
    } else if (!no_body) {
        wire += "Content-Length: ";
        wire += std::to_string(res.body.size());
        wire += "\r\n";
    }
    if (!keep_alive) {
        wire += "Connection: close\r\n";
    } else if (http10) {
        wire += "Connection: keep-alive\r\n";
    }
    wire += "\r\n";
    if (!head_only && !no_body && !streamed) {
        wire += res.body;
    }
    return wire;
}

/// The body of a streamed route, read from the connection as the handler asks for it (buffer_body: the bytes go
/// straight into the caller's string, nothing is kept here).
class StreamedBody final : public BodyReader {
  public:
    StreamedBody(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                 bhttp::request_parser<bhttp::buffer_body>* parser, std::chrono::milliseconds timeout, uint64_t limit)
        : stream_(stream), buffer_(buffer), parser_(parser), timeout_(timeout), limit_(limit) {}

    asio::awaitable<bool> Read(std::string& out, size_t max) override {
        if (parser_ == nullptr || parser_->is_done()) {
            co_return false;
        }
        if (broken_) {
            throw core::Invalid("body", "could not be read (the upload broke off)");
        }
        max = std::max<size_t>(max, 1);
        const size_t old = out.size();
        out.resize(old + max);
        for (;;) {
            auto& body = parser_->get().body();
            body.data = out.data() + old;
            body.size = max;
            body.more = true;
            stream_.expires_after(timeout_);
            auto [ec, n] = co_await bhttp::async_read_some(stream_, buffer_, *parser_, kTuple);
            (void)n;
            const size_t got = max - parser_->get().body().size;
            if (ec == bhttp::error::need_buffer) {
                ec = {};
            }
            if (ec) {
                out.resize(old);
                broken_ = true;
                if (ec == bhttp::error::body_limit) {
                    throw core::Error(core::ErrorKind::kPayloadTooLarge,
                                      "the request body exceeds the limit of " + std::to_string(limit_) + " bytes");
                }
                if (ec == beast::error::timeout) {
                    throw core::Invalid("body", "stalled: no data for " + std::to_string(timeout_.count()) + " ms");
                }
                throw core::Invalid("body", "ended early (" + ec.message() + ")");
            }
            if (got > 0) {
                out.resize(old + got);
                received_ += got;
                co_return true;
            }
            if (parser_->is_done()) {
                out.resize(old);
                co_return false;
            }
        }
    }

    uint64_t Received() const override { return received_; }
    /// The whole body was read (the connection can carry the next request).
    bool Ended() const { return parser_ == nullptr || parser_->is_done(); }

  private:
    beast::tcp_stream& stream_;
    beast::flat_buffer& buffer_;
    bhttp::request_parser<bhttp::buffer_body>* parser_;
    std::chrono::milliseconds timeout_;
    uint64_t limit_;
    uint64_t received_ = 0;
    bool broken_ = false;
};

}  // namespace

/// Per-connection state the shutdown path can reach. All access happens on the connection's executor: an
/// io_context run by exactly one thread, so it is implicitly serialised (no strand needed).
struct SessionState {
    explicit SessionState(asio::any_io_executor s) : strand(std::move(s)) {}
    asio::any_io_executor strand;  // the connection's (single-threaded) executor
    beast::tcp_stream* stream = nullptr;
    bool busy = false;  // a request is being handled: let it finish
    bool alive = true;
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Impl(std::vector<asio::io_context*> ios, ServerOptions opts, const Router& r, Metrics& m, asio::thread_pool& cpu)
        : contexts(std::move(ios)),
          ioc(*contexts.front()),
          options(std::move(opts)),
          router(r),
          metrics(m),
          cpu_pool(cpu),
          acceptor(ioc) {}

    /// One io_context per I/O thread: connections are spread round-robin, and each context's scheduler is
    /// touched by one thread only, which keeps lock contention off the hot path.
    std::vector<asio::io_context*> contexts;
    std::atomic<size_t> next_context{0};
    asio::io_context& ioc;  // the acceptor's
    ServerOptions options;
    const Router& router;
    Metrics& metrics;
    asio::thread_pool& cpu_pool;
    tcp::acceptor acceptor;
    std::vector<Middleware> middleware;
    Handler fallback;
    Handler chain_end;
    uint64_t max_stream_limit = 0;  // the largest body limit of a streamed route (the head check allows it)
    std::atomic<bool> draining{false};
    std::atomic<int> connections{0};
    std::mutex sessions_mu;
    std::unordered_set<std::shared_ptr<SessionState>> sessions;

    asio::awaitable<void> AcceptLoop();
    asio::awaitable<void> Session(tcp::socket socket);
    asio::awaitable<Response> Dispatch(Request& req);
    asio::awaitable<Response> Route(Request& req);
    asio::awaitable<void> Drain(Clock::time_point deadline, std::function<void(bool)> done);
};

Server::Server(std::vector<asio::io_context*> contexts, ServerOptions options, const Router& router, Metrics& metrics,
               asio::thread_pool& cpu_pool)
    : impl_(std::make_shared<Impl>(std::move(contexts), std::move(options), router, metrics, cpu_pool)) {}

Server::~Server() = default;

void Server::Use(Middleware m) {
    impl_->middleware.push_back(std::move(m));
}
void Server::SetFallback(Handler handler) {
    impl_->fallback = std::move(handler);
}

void Server::Start() {
    auto& acc = impl_->acceptor;
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(impl_->options.address, ec);
    if (ec) {
        throw std::system_error(ec, "http-addr \"" + impl_->options.address + "\" is not an IP address");
    }
    tcp::endpoint ep(addr, impl_->options.port);
    acc.open(ep.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(ep, ec);
    if (ec) {
        throw std::system_error(
            ec, "cannot listen on " + impl_->options.address + ":" + std::to_string(impl_->options.port));
    }
    acc.listen(asio::socket_base::max_listen_connections);
    // Compose the middleware chain once: m0(m1(...(route))).
    Handler next = [impl = impl_.get()](Request& req) { return impl->Route(req); };
    for (auto it = impl_->middleware.rbegin(); it != impl_->middleware.rend(); ++it) {
        next = [m = *it, inner = std::move(next)](Request& req) { return m(req, inner); };
    }
    impl_->chain_end = std::move(next);
    impl_->max_stream_limit = impl_->router.MaxStreamBodyLimit();
    asio::co_spawn(impl_->ioc, impl_->AcceptLoop(), asio::detached);
}

uint16_t Server::Port() const {
    return impl_->acceptor.local_endpoint().port();
}

void Server::Shutdown(std::chrono::milliseconds deadline, std::function<void(bool)> done) {
    auto impl = impl_;
    asio::post(impl->ioc, [impl, deadline, done = std::move(done)]() mutable {
        impl->draining = true;
        boost::system::error_code ignored;
        impl->acceptor.close(ignored);
        std::lock_guard lock(impl->sessions_mu);
        for (const auto& s : impl->sessions) {
            asio::post(s->strand, [s] {
                if (s->alive && !s->busy && s->stream != nullptr) {
                    s->stream->socket().cancel();
                    boost::system::error_code ec;
                    s->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
                }
            });
        }
        asio::co_spawn(impl->ioc, impl->Drain(Clock::now() + deadline, std::move(done)), asio::detached);
    });
}

asio::awaitable<void> Server::Impl::Drain(Clock::time_point deadline, std::function<void(bool)> done) {
    asio::steady_timer timer(ioc);
    while (connections.load() > 0 && Clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(kTuple);
    }
    done(connections.load() == 0);
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
    auto self = shared_from_this();
    for (;;) {
        asio::io_context& target = *contexts[next_context.fetch_add(1) % contexts.size()];
        auto [ec, socket] = co_await acceptor.async_accept(target, kTuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || draining) {
                co_return;
            }
            // Out of file descriptors and similar: log, back off briefly, keep serving.
            core::LogWarn("accept_failed", {{"error", ec.message()}});
            asio::steady_timer t(ioc);
            t.expires_after(std::chrono::milliseconds(50));
            co_await t.async_wait(kTuple);
            continue;
        }
        if (draining) {
            co_return;
        }
        if (connections.load() >= options.max_connections) {
            metrics.ConnectionRejected();
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        // Responses go out in one write; Nagle's algorithm would only add latency.
        boost::system::error_code nodelay_ec;
        socket.set_option(tcp::no_delay(true), nodelay_ec);
        connections.fetch_add(1);
        metrics.ConnectionOpened();
        auto exec = socket.get_executor();
        asio::co_spawn(exec, Session(std::move(socket)), [self](const std::exception_ptr& ep) {
            if (ep) {
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception& e) {
                    core::LogError("connection_failed", {{"error", e.what()}});
                }
            }
        });
    }
}

asio::awaitable<void> Server::Impl::Session(tcp::socket socket) {
    auto self = shared_from_this();
    std::string remote;
    {
        boost::system::error_code ec;
        auto ep = socket.remote_endpoint(ec);
        remote = ec ? "" : ep.address().to_string();
    }
    auto state = std::make_shared<SessionState>(socket.get_executor());
    beast::tcp_stream stream(std::move(socket));
    state->stream = &stream;
    {
        std::lock_guard lock(sessions_mu);
        sessions.insert(state);
    }
    // Declared after `stream`, so it runs first on every exit path: unregister before the stream goes away.
    struct Unregister {
        Impl* impl;
        std::shared_ptr<SessionState> state;
        ~Unregister() {
            state->alive = false;
            state->stream = nullptr;
            {
                std::lock_guard lock(impl->sessions_mu);
                impl->sessions.erase(state);
            }
            impl->metrics.ConnectionClosed();
            impl->connections.fetch_sub(1);
        }
    } unregister{this, state};

    beast::flat_buffer buffer;
    bool linger = false;  // the last request's body was left unread: drain it so the response is not reset
    for (;;) {
        if (draining) {
            break;
        }
        // Wait for the first byte of the next request with the idle timeout; from then on the whole head
        // must arrive within the header timeout, so a client trickling bytes cannot hold the connection.
        if (buffer.size() == 0) {
            stream.expires_after(options.idle_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
            if (ec) {
                if (ec == beast::error::timeout) {
                    metrics.TimedOut();
                }
                break;
            }
            buffer.commit(n);
        }
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(options.header_limit);
        // The head is checked against the largest limit any route has; the route's own limit applies below.
        const uint64_t head_limit = std::max<uint64_t>(options.body_limit, max_stream_limit);
        parser.body_limit(head_limit);
        stream.expires_after(options.header_timeout);
        auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
        (void)hn;
        auto started = Clock::now();
        std::optional<Response> early;
        std::string request_id = NewRequestId();
        if (hec) {
            if (hec == beast::error::timeout) {
                metrics.TimedOut();
                break;
            }
            if (hec == bhttp::error::body_limit) {
                // Beast refuses a Content-Length over the limit when the head ends: the body is never read. The
                // head is then not "done" (content_length() would assert), but its fields are all stored.
                const std::string declared(parser.get()[bhttp::field::content_length]);
                const bool numeric = !declared.empty() && declared.find_first_not_of("0123456789") == std::string::npos;
                early = Problem(413,
                                "the request body is " + (numeric ? declared + " bytes" : std::string("too large")) +
                                    "; the limit is " + std::to_string(head_limit) + " bytes",
                                request_id);
            } else if (hec == bhttp::error::header_limit) {
                early =
                    Problem(431, "the request head is larger than " + std::to_string(options.header_limit) + " bytes",
                            request_id);
            } else if (hec == bhttp::error::end_of_stream || hec == asio::error::eof ||
                       hec == asio::error::operation_aborted || hec == asio::error::connection_reset) {
                break;
            } else {
                early = Problem(400, "malformed HTTP request: " + hec.message(), request_id);
            }
        }
        state->busy = true;
        metrics.InFlight(1);
        Request req;
        bool keep_alive = false;
        bool http10 = false;
        const ::rounds::http::Route* stream_route =
            nullptr;  // a route that reads its own body (Route::stream_body_limit)
        uint64_t body_limit = options.body_limit;
        if (!early) {
            auto& head = parser.get();
            if (max_stream_limit > 0) {
                std::string_view target(head.target().data(), head.target().size());
                auto path = PercentDecode(target.substr(0, target.find('?')), false);
                if (path) {
                    Match m =
                        router.Find(std::string_view(head.method_string().data(), head.method_string().size()), *path);
                    if (m.route != nullptr && m.route->stream_body_limit > 0) {
                        stream_route = m.route;
                        body_limit = m.route->stream_body_limit;
                    }
                }
            }
            if (auto id = head["X-Request-Id"]; ValidRequestId({id.data(), id.size()})) {
                request_id.assign(id.data(), id.size());
            }
            keep_alive = head.keep_alive();
            http10 = head.version() == 10;
            auto content_length = parser.content_length();
            if (content_length && *content_length > body_limit) {
                // Refused from the head alone: the body is never read and the connection is closed.
                early = Problem(413,
                                "the request body is " + std::to_string(*content_length) + " bytes; the limit is " +
                                    std::to_string(body_limit),
                                request_id);
                keep_alive = false;
                linger = true;  // the client may be sending the body already
            }
        }
        std::optional<bhttp::request_parser<bhttp::buffer_body>> streamed;
        std::optional<StreamedBody> reader;
        if (!early && !parser.is_done()) {
            auto& head = parser.get();
            if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                stream.expires_after(options.write_timeout);
                auto [wec, wn] = co_await bhttp::async_write(stream, cont, kTuple);
                (void)wn;
                if (wec) {
                    metrics.InFlight(-1);
                    break;
                }
            }
        }
        if (!early && stream_route != nullptr) {
            // The handler reads the body; each read waits at most the body timeout (a slow upload is fine, a
            // stalled one is not).
            if (!parser.is_done()) {
                streamed.emplace(std::move(parser));
                streamed->body_limit(body_limit);
            }
            reader.emplace(stream, buffer, streamed ? &*streamed : nullptr, options.body_timeout, body_limit);
        } else if (!early && !parser.is_done()) {
            parser.body_limit(options.body_limit);
            stream.expires_after(options.body_timeout);
            auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
            (void)bn;
            if (bec == bhttp::error::body_limit) {
                early = Problem(
                    413, "the request body exceeds the limit of " + std::to_string(options.body_limit) + " bytes",
                    request_id);
                keep_alive = false;
            } else if (bec) {
                if (bec == beast::error::timeout) {
                    metrics.TimedOut();
                }
                metrics.InFlight(-1);
                break;
            }
        }
        std::string route_name = "unmatched";
        Response res;
        if (early) {
            res = std::move(*early);
            keep_alive = false;
            req.method = "-";
        } else {
            auto fill = [&](const auto& msg) {
                req.method = std::string(msg.method_string());
                req.target = std::string(msg.target());
                req.request_id = request_id;
                std::vector<std::string_view> forwarded;
                for (const auto& f : msg) {
                    req.headers.Add(std::string(f.name_string()), std::string(f.value()));
                    if (beast::iequals(f.name_string(), "X-Forwarded-For")) {
                        forwarded.push_back(f.value());
                    }
                }
                req.remote_addr = options.trusted_proxies.ClientAddress(remote, forwarded);
            };
            if (streamed) {
                fill(streamed->get());
            } else {
                auto msg = parser.release();
                fill(msg);
                req.body = std::move(msg.body());
            }
            if (reader) {
                req.body_reader = &*reader;
            }
            std::string_view target(req.target);
            auto qpos = target.find('?');
            auto path = PercentDecode(target.substr(0, qpos), false);
            auto query = qpos == std::string_view::npos
                             ? std::optional(std::vector<std::pair<std::string, std::string>>{})
                             : ParseQuery(target.substr(qpos + 1));
            if (!path || !query || target.empty() || target.front() != '/') {
                res = Problem(400, "malformed request target", request_id);
            } else {
                req.path = std::move(*path);
                req.query = std::move(*query);
                res = co_await Dispatch(req);
                if (req.route != nullptr) {
                    route_name = req.route->pattern;
                }
            }
        }
        res.headers.Set("X-Request-Id", request_id);
        // Compress when worth it; large bodies go to the CPU pool so I/O threads stay free.
        auto ct = res.headers.Get("Content-Type").value_or("");
        auto ae = req.headers.Get("Accept-Encoding").value_or("");
        if (!res.stream && res.compressible && res.body.size() >= options.gzip_min_bytes && IsCompressibleType(ct) &&
            !res.headers.Get("Content-Encoding") && AcceptsGzip(ae)) {
            std::optional<std::string> gz;
            if (res.body.size() >= kOffloadGzipBytes) {
                co_await asio::post(cpu_pool, asio::use_awaitable);
                gz = Gzip(res.body);
                co_await asio::post(state->strand, asio::use_awaitable);
            } else {
                gz = Gzip(res.body);
            }
            if (gz) {
                res.body = std::move(*gz);
                res.headers.Set("Content-Encoding", "gzip");
            }
        }
        if (!res.stream && res.compressible && IsCompressibleType(ct)) {
            res.headers.Set("Vary", "Accept-Encoding");
        }
        const bool no_body = res.status == 204 || res.status == 304 || res.status < 200;
        const bool streaming = res.stream != nullptr && !no_body && req.method != "HEAD";
        if (res.stream != nullptr && http10) {
            keep_alive = false;  // the body ends when the connection does
        }
        if (reader && !reader->Ended()) {
            keep_alive = false;  // an unread rest of a streamed body cannot be told from the next request
            linger = true;
        }
        if (draining) {
            keep_alive = false;
        }
        size_t body_bytes = res.stream ? 0 : res.body.size();
        std::string wire = SerializeResponse(res, req.method == "HEAD", keep_alive, http10);
        stream.expires_after(options.write_timeout);
        auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(wire), kTuple);
        (void)wn;
        if (!wec && streaming) {
            // Piece by piece, each a chunk; a failing producer or a write error ends the connection mid-body.
            std::string piece;
            bool ended = false;
            for (;;) {
                piece.clear();
                bool more = false;
                std::string failure;
                try {
                    more = co_await res.stream->Next(piece);
                } catch (const std::exception& e) {
                    failure = e.what();
                }
                if (!failure.empty()) {
                    core::LogError("response_stream_failed", {{"request_id", request_id}, {"error", failure}});
                    break;
                }
                if (!more) {
                    ended = true;
                    if (http10) {
                        break;
                    }
                    piece.clear();
                } else if (piece.empty()) {
                    continue;
                }
                body_bytes += piece.size();
                std::string frame;
                if (ended) {
                    frame = "0\r\n\r\n";  // the last chunk
                } else if (!http10) {
                    char len[24];
                    int n = std::snprintf(len, sizeof len, "%zx\r\n", piece.size());
                    frame.reserve(piece.size() + 32);
                    frame.append(len, static_cast<size_t>(n));
                    frame += piece;
                    frame += "\r\n";
                } else {
                    frame = std::move(piece);
                }
                stream.expires_after(options.write_timeout);
                auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(frame), kTuple);
                (void)cn;
                if (cec) {
                    wec = cec;
                    break;
                }
                if (ended) {
                    break;
                }
            }
            if (!ended) {
                keep_alive = false;
                if (!wec) {
                    wec = asio::error::operation_aborted;  // close: the client must not take the body as whole
                }
            }
        }
        double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        metrics.ObserveRequest(route_name, req.method, res.status, seconds);
        metrics.InFlight(-1);
        state->busy = false;
        core::LogInfo("http_request", {{"request_id", request_id},
                                       {"method", req.method},
                                       {"path", req.path},
                                       {"route", route_name},
                                       {"status", res.status},
                                       {"duration_ms", seconds * 1000.0},
                                       {"bytes_in", reader ? reader->Received() : req.body.size()},
                                       {"bytes_out", body_bytes},
                                       {"remote", req.remote_addr.empty() ? remote : req.remote_addr},
                                       {"peer", remote}});
        if (wec) {
            if (wec == beast::error::timeout) {
                metrics.TimedOut();
            }
            break;
        }
        if (!keep_alive) {
            break;
        }
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (linger) {
        // Closing with unread input sends a reset, which can destroy the response before the client reads it (an
        // early 413). Read and discard for a short while first (a "lingering close").
        stream.expires_after(std::chrono::seconds(2));
        std::array<char, 16384> sink;
        uint64_t drained = 0;
        while (drained < 64 * 1024 * 1024) {
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
            if (ec) {
                break;
            }
            drained += n;
        }
    }
    stream.socket().close(ignored);
}

asio::awaitable<Response> Server::Impl::Dispatch(Request& req) {
    // The response is built inside the handler and returned after it: co_await is not allowed in a handler,
    // and keeping suspension points out of catch blocks keeps the exception's lifetime obvious.
    std::optional<Response> failure;
    try {
        co_return co_await chain_end(req);
    } catch (const core::Error& e) {
        if (e.Kind() == core::ErrorKind::kInternal) {
            core::LogError("request_failed", {{"request_id", req.request_id},
                                              {"error", e.Internal().empty() ? e.Detail() : e.Internal()}});
        }
        failure = ProblemFrom(e, req.request_id);
    } catch (const std::exception& e) {
        core::LogError("request_failed", {{"request_id", req.request_id}, {"error", e.what()}});
        failure = Problem(500, "an unexpected error occurred; quote the request id", req.request_id);
    }
    co_return std::move(*failure);
}

asio::awaitable<Response> Server::Impl::Route(Request& req) {
    Match m = router.Find(req.method, req.path);
    if (m.route == nullptr) {
        if (!m.allowed.empty()) {
            std::string allow;
            for (const auto& a : m.allowed) {
                allow += allow.empty() ? a : ", " + a;
            }
            Response r =
                Problem(405, req.method + " is not allowed on " + req.path + "; allowed: " + allow, req.request_id);
            r.headers.Set("Allow", allow);
            co_return r;
        }
        if (fallback && (req.method == "GET" || req.method == "HEAD") && !req.path.starts_with("/api/")) {
            co_return co_await fallback(req);
        }
        co_return Problem(404, "no resource at " + req.path, req.request_id);
    }
    req.route = m.route;
    req.path_params = std::move(m.params);
    co_return co_await m.route->handler(req);
}

}  // namespace rounds::http
