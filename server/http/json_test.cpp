#include "http/json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <charconv>
#include <limits>
#include <string>

namespace rounds::http {
namespace {

namespace json = boost::json;

TEST(JsonSerialize, DoublesInPlainDecimal) {
    EXPECT_EQ(Serialize(json::value(44.9)), "44.9");
    EXPECT_EQ(Serialize(json::value(-93.28253)), "-93.28253");
    EXPECT_EQ(Serialize(json::value(42.0)), "42");
    EXPECT_EQ(Serialize(json::value(0.0)), "0");
    EXPECT_EQ(Serialize(json::value(0.1)), "0.1");
    EXPECT_EQ(Serialize(json::value(1234567.125)), "1234567.125");
    EXPECT_EQ(Serialize(json::value(0.000001)), "0.000001");
    EXPECT_EQ(Serialize(json::value(1e-7)), "1e-07");
    EXPECT_EQ(Serialize(json::value(1e20)), "1e+20");
    EXPECT_EQ(Serialize(json::value(std::numeric_limits<double>::infinity())), "null");
    EXPECT_EQ(Serialize(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(JsonSerialize, RoundTripsEveryKind) {
    const char* text =
        R"({"a":1,"b":-2,"c":18446744073709551615,"d":2.5,"e":"q\"\\\n\u00e9","f":[true,false,null,[],{}],)"
        R"("g\"k":{"h":[1.5,-0.25]}})";
    json::value v = json::parse(text);
    const std::string out = Serialize(v);
    EXPECT_EQ(json::parse(out), v);
    EXPECT_EQ(out, R"({"a":1,"b":-2,"c":18446744073709551615,"d":2.5,"e":"q\"\\\né","f":[true,false,null,[],{}],)"
                   R"("g\"k":{"h":[1.5,-0.25]}})");
    // Doubles read back exactly (std::from_chars: Boost.JSON's own parser may be off by one unit in the last place).
    for (double d = -1000.123456789; d < 1000; d += 3.3333333333333) {
        const std::string s = Serialize(json::value(d));
        double back = 0;
        std::from_chars(s.data(), s.data() + s.size(), back);
        EXPECT_EQ(back, d) << s;
    }
}

}  // namespace
}  // namespace rounds::http
