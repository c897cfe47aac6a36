// The transport end to end on a loopback socket: streamed request bodies (Route::stream_body_limit).
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "core/error.h"

namespace rounds::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr uint64_t kBodyLimit = 1024;               // the whole-body limit of ordinary routes
constexpr uint64_t kStreamLimit = 4 * 1024 * 1024;  // the streamed route's own limit

/// A server on an ephemeral port with a streamed route that counts bytes and reads, and an ordinary route.
class StreamServer : public ::testing::Test {
  protected:
    void SetUp() override {
        Route streamed{"POST",
                       "/upload",
                       [this](Request& req) -> asio::awaitable<Response> {
                           EXPECT_TRUE(req.body.empty());
                           EXPECT_NE(req.body_reader, nullptr);
                           std::string chunk;
                           uint64_t total = 0, sum = 0, reads = 0;
                           size_t largest = 0;
                           while (co_await req.body_reader->Read(chunk, 16 * 1024)) {
                               ++reads;
                               largest = std::max(largest, chunk.size());
                               for (unsigned char c : chunk) {
                                   sum += c;
                               }
                               total += chunk.size();
                               chunk.clear();
                           }
                           max_chunk = largest;
                           co_return Response::Text(
                               200, std::to_string(total) + " " + std::to_string(sum) + " " + std::to_string(reads));
                       },
                       Access::kPublic,
                       "test",
                       kStreamLimit};
        router.Add(std::move(streamed));
        router.Add({"POST", "/small",
                    [](Request& req) -> asio::awaitable<Response> {
                        EXPECT_EQ(req.body_reader, nullptr);
                        co_return Response::Text(200, std::to_string(req.body.size()));
                    },
                    Access::kPublic, "test"});
        router.Add({"GET", "/pieces",
                    [](Request& req) -> asio::awaitable<Response> {
                        /// Pieces "0:…", "1:…", …; with ?fail=k it throws instead of producing piece k.
                        struct Pieces : BodyStream {
                            int n = 0, fail = -1;
                            asio::awaitable<bool> Next(std::string& out) override {
                                if (n == fail) {
                                    throw std::runtime_error("producer failed");
                                }
                                if (n == 50) {
                                    co_return false;
                                }
                                out = std::to_string(n) + ":" + std::string(1000, static_cast<char>('a' + n % 26));
                                ++n;
                                co_return true;
                            }
                        };
                        auto p = std::make_shared<Pieces>();
                        if (auto f = req.Query("fail")) {
                            p->fail = std::stoi(std::string(*f));
                        }
                        Response r = Response::Text(200, "", "text/csv");
                        r.stream = p;
                        co_return r;
                    },
                    Access::kPublic, "test"});
        ServerOptions opts;
        opts.port = 0;
        opts.body_limit = kBodyLimit;
        opts.body_timeout = std::chrono::milliseconds(2000);
        server = std::make_unique<Server>(std::vector<asio::io_context*>{&io}, opts, router, metrics, cpu);
        server->Start();
        port = server->Port();
        thread = std::thread([this] { io.run(); });
    }
    void TearDown() override {
        io.stop();
        thread.join();
        server.reset();
    }

    /// Sends raw bytes and reads until the server closes or a full response (by Content-Length) arrived.
    /// The bytes are written from another thread, so a server that answers before reading everything is seen.
    std::string Exchange(tcp::socket& sock, const std::string& wire) {
        std::thread writer([&] {
            boost::system::error_code ignored;
            asio::write(sock, asio::buffer(wire), ignored);
        });
        std::string in = ReadResponse(sock);
        writer.join();
        return in;
    }
    static std::string ReadResponse(tcp::socket& sock) {
        std::string in;
        char buf[4096];
        for (;;) {
            boost::system::error_code ec;
            size_t n = sock.read_some(asio::buffer(buf), ec);
            in.append(buf, n);
            auto head_end = in.find("\r\n\r\n");
            if (head_end != std::string::npos && in.ends_with("\r\n0\r\n\r\n")) {
                return in;  // chunked, complete
            }
            if (head_end != std::string::npos) {
                auto cl = in.find("Content-Length: ");
                if (cl != std::string::npos && cl < head_end) {
                    size_t len = std::stoul(in.substr(cl + 16));
                    if (in.size() >= head_end + 4 + len) {
                        return in;
                    }
                }
            }
            if (ec) {
                return in;
            }
        }
    }
    tcp::socket Connect() {
        tcp::socket sock(client_io);
        sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        return sock;
    }
    static std::string Body(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

    asio::io_context io;
    asio::io_context client_io;
    asio::thread_pool cpu{1};
    Router router;
    Metrics metrics;
    std::unique_ptr<Server> server;
    std::thread thread;
    uint16_t port = 0;
    size_t max_chunk = 0;
};

std::string Chunked(const std::string& path, const std::string& data, size_t piece) {
    std::string wire = "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (size_t i = 0; i < data.size(); i += piece) {
        size_t n = std::min(piece, data.size() - i);
        char len[32];
        std::snprintf(len, sizeof len, "%zx\r\n", n);
        wire += len;
        wire.append(data, i, n);
        wire += "\r\n";
    }
    return wire + "0\r\n\r\n";
}

std::string Pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) {
        s[i] = static_cast<char>('a' + (i * 7) % 26);
    }
    return s;
}

uint64_t Sum(const std::string& s) {
    uint64_t sum = 0;
    for (unsigned char c : s) {
        sum += c;
    }
    return sum;
}

TEST_F(StreamServer, ChunkedBodyFarOverTheBodyLimitIsStreamedInBoundedReads) {
    std::string data = Pattern(3 * 1024 * 1024 + 17);
    auto sock = Connect();
    std::string res = Exchange(sock, Chunked("/upload", data, 100000));
    ASSERT_TRUE(res.starts_with("HTTP/1.1 200")) << res.substr(0, 300);
    std::string body = Body(res);
    EXPECT_EQ(body.substr(0, body.find(' ')), std::to_string(data.size()));
    EXPECT_NE(body.find(" " + std::to_string(Sum(data)) + " "), std::string::npos) << body;
    EXPECT_LE(max_chunk, 16U * 1024);  // never more than the handler asked for
    EXPECT_GT(std::stoul(body.substr(body.rfind(' ') + 1)), 100U);
    // The body was read to its end: the connection carries the next request.
    std::string again = Exchange(sock, "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    EXPECT_TRUE(again.starts_with("HTTP/1.1 200")) << again;
    EXPECT_EQ(Body(again), "3");
}

TEST_F(StreamServer, ContentLengthBodyIsStreamed) {
    std::string data = Pattern(200000);
    auto sock = Connect();
    std::string res = Exchange(
        sock, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(data.size()) + "\r\n\r\n" + data);
    ASSERT_TRUE(res.starts_with("HTTP/1.1 200")) << res.substr(0, 300);
    EXPECT_TRUE(Body(res).starts_with("200000 " + std::to_string(Sum(data)) + " "));
}

TEST_F(StreamServer, EmptyStreamedBodyReadsAsEnded) {
    auto sock = Connect();
    std::string res = Exchange(sock, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    ASSERT_TRUE(res.starts_with("HTTP/1.1 200")) << res;
    EXPECT_EQ(Body(res), "0 0 0");
}

TEST_F(StreamServer, DeclaredLengthOverTheRouteLimitIs413ProblemFromTheHead) {
    auto sock = Connect();
    std::string res = Exchange(
        sock, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kStreamLimit + 1) + "\r\n\r\n");
    EXPECT_TRUE(res.starts_with("HTTP/1.1 413")) << res;
    EXPECT_NE(res.find("application/problem+json"), std::string::npos);
    EXPECT_NE(res.find(std::to_string(kStreamLimit)), std::string::npos);
}

TEST_F(StreamServer, ChunkedBodyOverTheRouteLimitIs413ProblemWhileReading) {
    std::string data = Pattern(kStreamLimit + 4096);
    auto sock = Connect();
    std::string res = Exchange(sock, Chunked("/upload", data, 65536));
    EXPECT_TRUE(res.starts_with("HTTP/1.1 413")) << res.substr(0, 300);
    EXPECT_NE(res.find("application/problem+json"), std::string::npos);
}

TEST_F(StreamServer, OrdinaryRoutesKeepTheWholeBodyLimit) {
    // The head check admits the streamed route's limit; an ordinary route still refuses past --http-body-limit.
    auto sock = Connect();
    std::string res = Exchange(
        sock, "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kBodyLimit + 1) + "\r\n\r\n");
    EXPECT_TRUE(res.starts_with("HTTP/1.1 413")) << res;
    auto sock2 = Connect();
    std::string res2 = Exchange(sock2, Chunked("/small", Pattern(kBodyLimit + 10), 100));
    EXPECT_TRUE(res2.starts_with("HTTP/1.1 413")) << res2;
    auto sock3 = Connect();
    std::string res3 = Exchange(sock3, Chunked("/small", Pattern(kBodyLimit), 100));
    EXPECT_TRUE(res3.starts_with("HTTP/1.1 200")) << res3;
    EXPECT_EQ(Body(res3), std::to_string(kBodyLimit));
}

std::string Expected() {
    std::string all;
    for (int i = 0; i < 50; ++i) {
        all += std::to_string(i) + ":" + std::string(1000, static_cast<char>('a' + i % 26));
    }
    return all;
}

/// The body of a chunked response; nullopt when it is malformed or lacks the last chunk.
std::optional<std::string> Dechunk(std::string_view body) {
    std::string out;
    for (;;) {
        auto eol = body.find("\r\n");
        if (eol == std::string_view::npos) {
            return std::nullopt;
        }
        size_t len = std::stoul(std::string(body.substr(0, eol)), nullptr, 16);
        body.remove_prefix(eol + 2);
        if (len == 0) {
            return body == "\r\n" ? std::optional(out) : std::nullopt;
        }
        if (body.size() < len + 2) {
            return std::nullopt;
        }
        out += body.substr(0, len);
        body.remove_prefix(len + 2);
    }
}

TEST_F(StreamServer, StreamedResponseIsChunkedAndWhole) {
    auto sock = Connect();
    std::string res = Exchange(sock, "GET /pieces HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
    ASSERT_TRUE(res.starts_with("HTTP/1.1 200")) << res.substr(0, 300);
    std::string head = res.substr(0, res.find("\r\n\r\n"));
    EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Encoding"), std::string::npos) << head;  // streamed bodies are not gzipped
    auto body = Dechunk(Body(res));
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, Expected());
    // Keep-alive: the next request on the same connection.
    std::string again = Exchange(sock, "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
    EXPECT_TRUE(again.starts_with("HTTP/1.1 200")) << again;
}

TEST_F(StreamServer, FailingProducerCutsTheConnectionWithoutTheLastChunk) {
    auto sock = Connect();
    std::string res = Exchange(sock, "GET /pieces?fail=7 HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(res.starts_with("HTTP/1.1 200")) << res.substr(0, 300);
    EXPECT_FALSE(Dechunk(Body(res)));  // incomplete: no terminating chunk
    EXPECT_NE(Body(res).find("6:"), std::string::npos);
    EXPECT_EQ(Body(res).find("7:"), std::string::npos);
}

TEST_F(StreamServer, StreamedResponseToHttp10EndsWithTheConnection) {
    auto sock = Connect();
    std::string res = Exchange(sock, "GET /pieces HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(res.starts_with("HTTP/1.0 200")) << res.substr(0, 300);
    EXPECT_EQ(res.find("chunked"), std::string::npos);
    EXPECT_EQ(Body(res), Expected());
}

TEST_F(StreamServer, StalledUploadIsCutOffAfterTheBodyTimeout) {
    // The timeout closes the socket (as for an ordinary body): the handler's read fails, nothing is answered.
    auto sock = Connect();
    auto started = std::chrono::steady_clock::now();
    std::string res = Exchange(sock, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    EXPECT_EQ(res, "");
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1900));
}

}  // namespace
}  // namespace rounds::http
