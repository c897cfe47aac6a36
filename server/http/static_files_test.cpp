#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>

#include "http/gzip.h"

namespace rounds::http {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // Unique per process and test: ctest runs tests of this binary in parallel processes.
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        root_ = fs::path(::testing::TempDir()) /
                ("rounds-static-" + std::to_string(::getpid()) + "-" + std::string(info->name()));
        fs::remove_all(root_);
        fs::create_directories(root_ / "assets");
        Write("index.html", "<!doctype html><title>Rounds</title>");
        Write("assets/app-1a2b3c.js", "console.log('app');");
        Write("assets/app-1a2b3c.js.gz", *Gzip("console.log('app');"));
        Write("sw.js", "self.addEventListener('fetch', () => {});");
    }
    void Write(const std::string& rel, const std::string& body) {
        std::ofstream(root_ / rel, std::ios::binary) << body;
    }

    Response Get(const std::string& path, Headers headers = {}) {
        StaticSite site(root_);
        Handler h = site.MakeHandler();
        Request req;
        req.method = "GET";
        req.path = path;
        req.headers = std::move(headers);
        boost::asio::io_context ioc;
        Response out;
        boost::asio::co_spawn(
            ioc, [&]() -> boost::asio::awaitable<void> { out = co_await h(req); }, boost::asio::detached);
        ioc.run();
        return out;
    }

    void TearDown() override { fs::remove_all(root_); }

    fs::path root_;
};

TEST_F(StaticSiteTest, HashedAssetsAreImmutableAndPrecompressed) {
    Headers h;
    h.Set("Accept-Encoding", "gzip, br");
    Response r = Get("/assets/app-1a2b3c.js", h);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(r.headers.Get("Content-Encoding"), "gzip");
    EXPECT_EQ(Gunzip(r.body), "console.log('app');");
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/javascript; charset=utf-8");
    Response plain = Get("/assets/app-1a2b3c.js");
    EXPECT_EQ(plain.body, "console.log('app');");
    EXPECT_FALSE(plain.headers.Get("Content-Encoding"));
}

TEST_F(StaticSiteTest, IndexAndServiceWorkerRevalidate) {
    EXPECT_EQ(Get("/index.html").headers.Get("Cache-Control"), "no-cache");
    EXPECT_EQ(Get("/sw.js").headers.Get("Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, ClientRoutesFallBackToIndexButMissingFilesAre404) {
    Response r = Get("/physicians/1234567893");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<title>Rounds</title>"), std::string::npos);
    EXPECT_EQ(Get("/assets/missing.js").status, 404);
    EXPECT_EQ(Get("/../etc/passwd").status, 404);
}

TEST_F(StaticSiteTest, EtagGives304) {
    Response r = Get("/index.html");
    Headers h;
    h.Set("If-None-Match", std::string(*r.headers.Get("ETag")));
    EXPECT_EQ(Get("/index.html", h).status, 304);
}

TEST_F(StaticSiteTest, RootWithoutIndexIsRefusedAtStart) {
    fs::remove(root_ / "index.html");
    EXPECT_THROW(StaticSite{root_}, std::runtime_error);
}

}  // namespace
}  // namespace rounds::http
