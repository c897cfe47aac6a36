#pragma once

// A minimal HTTP/1.1 server for tests: listens on 127.0.0.1 (an ephemeral port) in a thread, one request per
// connection, answers with whatever the test's handler returns. It can break a body off after some bytes or
// go silent, to exercise resumption and timeouts. Test-only: never built into the server.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rounds::ingest::testing {

struct TestRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;

    std::string Header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct TestResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    size_t abort_after = std::string::npos;  // close the connection after this many body bytes
    bool stall = false;                      // send the headers, then nothing until the client gives up
};

class TestHttpServer {
  public:
    using Handler = std::function<TestResponse(const TestRequest&)>;

    explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("test HTTP server: cannot listen on 127.0.0.1");
        }
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { Run(); });
    }

    ~TestHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }

    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    int Port() const { return port_; }

    std::vector<TestRequest> Requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void Run() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                continue;
            }
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                continue;
            }
            Serve(fd);
            ::close(fd);
        }
    }

    // Appends what arrives next to `buf`; false when the peer closed, after 10 s of silence, or when stopping.
    bool ReadMore(int fd, std::string& buf) {
        for (int waited = 0; waited < 10000 && !stop_; waited += 50) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                continue;
            }
            char chunk[16384];
            const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0) {
                return false;
            }
            buf.append(chunk, static_cast<size_t>(got));
            return true;
        }
        return false;
    }

    static void SendAll(int fd, const char* data, size_t n) {
        while (n > 0) {
            const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
            if (sent <= 0) {
                return;
            }
            data += sent;
            n -= static_cast<size_t>(sent);
        }
    }

    void Serve(int fd) {
        std::string buf;
        size_t head_end = std::string::npos;
        while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
            if (!ReadMore(fd, buf)) {
                return;
            }
        }
        TestRequest req;
        const std::string head = buf.substr(0, head_end);
        size_t line_end = head.find("\r\n");
        const std::string request_line = head.substr(0, line_end);
        const size_t sp1 = request_line.find(' ');
        const size_t sp2 = request_line.find(' ', sp1 + 1);
        req.method = request_line.substr(0, sp1);
        req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
        while (line_end != std::string::npos && line_end < head.size()) {
            const size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            const std::string line =
                head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
            const size_t colon = line.find(':');
            if (colon == std::string::npos) {
                continue;
            }
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            size_t v = colon + 1;
            while (v < line.size() && line[v] == ' ') {
                ++v;
            }
            req.headers[name] = line.substr(v);
        }
        const size_t length = req.headers.contains("content-length") ? std::stoul(req.headers["content-length"]) : 0;
        if (req.Header("expect") == "100-continue") {
            const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
            SendAll(fd, cont.data(), cont.size());
        }
        buf.erase(0, head_end + 4);
        while (buf.size() < length) {
            if (!ReadMore(fd, buf)) {
                return;
            }
        }
        req.body = buf.substr(0, length);
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(req);
        }
        const TestResponse res = handler_(req);
        std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + Reason(res.status) + "\r\n";
        out += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n";
        for (const auto& [name, value] : res.headers) {
            out += name + ": " + value + "\r\n";
        }
        out += "\r\n";
        SendAll(fd, out.data(), out.size());
        if (res.stall) {
            std::string ignored;
            while (ReadMore(fd, ignored)) {  // until the client hangs up (or 10 s)
            }
            return;
        }
        SendAll(fd, res.body.data(), std::min(res.body.size(), res.abort_after));
    }

    static std::string Reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 206:
                return "Partial Content";
            case 302:
                return "Found";
            case 404:
                return "Not Found";
            case 416:
                return "Range Not Satisfiable";
            default:
                return "Status";
        }
    }

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<TestRequest> requests_;
};

/// A handler serving `data` at every path, honouring "Range: bytes=N-" with 206 unless `ignore_range`.
inline TestResponse ServeBytes(const TestRequest& req, const std::string& data, bool ignore_range = false) {
    TestResponse res;
    const std::string range = req.Header("range");
    if (!ignore_range && range.starts_with("bytes=") && range.ends_with("-")) {
        const size_t from = std::stoul(range.substr(6, range.size() - 7));
        if (from >= data.size()) {
            res.status = 416;
            res.headers.emplace_back("Content-Range", "bytes */" + std::to_string(data.size()));
            return res;
        }
        res.status = 206;
        res.headers.emplace_back("Content-Range", "bytes " + std::to_string(from) + "-" +
                                                      std::to_string(data.size() - 1) + "/" +
                                                      std::to_string(data.size()));
        res.body = data.substr(from);
        return res;
    }
    res.body = data;
    return res;
}

}  // namespace rounds::ingest::testing
