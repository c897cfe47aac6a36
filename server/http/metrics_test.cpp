#include "http/metrics.h"

#include <gtest/gtest.h>

namespace rounds::http {
namespace {

TEST(Metrics, RendersCountersAndCumulativeHistogram) {
    Metrics m;
    m.ObserveRequest("/api/v1/physicians/{npi}", "GET", 200, 0.003);
    m.ObserveRequest("/api/v1/physicians/{npi}", "GET", 200, 0.2);
    m.ObserveRequest("/healthz", "GET", 200, 0.0001);
    m.AddCollector([](std::string& out) { out += "extra_series 1\n"; });
    std::string text = m.Render();
    EXPECT_NE(text.find(R"(rounds_http_requests_total{route="/api/v1/physicians/{npi}",method="GET",status="200"} 2)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(le="0.005"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(le="+Inf"} 2)"), std::string::npos);
    EXPECT_NE(text.find("extra_series 1"), std::string::npos);
    EXPECT_NE(text.find("# TYPE rounds_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) { EXPECT_EQ(LabelValue("a\"b\\c\n"), "a\\\"b\\\\c\\n"); }

}  // namespace
}  // namespace rounds::http
