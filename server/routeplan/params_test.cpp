#include "routeplan/params.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/error.h"

namespace rounds::routeplan {
namespace {

namespace json = boost::json;

// The field named by the core::Error thrown for `body`, or "" when parsing succeeds.
std::string FieldOf(std::string_view body) {
    try {
        ParseOptimize(json::parse(body));
    } catch (const core::Error& e) {
        return e.Fields().empty() ? "?" : e.Fields().front().field;
    }
    return "";
}

std::string Body(std::string stops, std::string extra = "") {
    return R"({"start":{"lat":40.0,"lng":-75.0},"start_time":"2026-11-24T08:00:00Z",)"
           R"("day_end":"2026-11-24T18:00:00Z",)" +
           extra + R"("stops":)" + stops + "}";
}

TEST(RoutePlanParams, Timestamps) {
    EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(ParseTimestamp("2026-11-24T08:00:00Z"), 1795507200);
    EXPECT_EQ(ParseTimestamp("2026-11-24T09:00:00+01:00"), ParseTimestamp("2026-11-24T08:00:00Z"));
    EXPECT_EQ(ParseTimestamp("2026-11-24T03:00-05:00"), ParseTimestamp("2026-11-24T08:00:00Z"));
    EXPECT_EQ(ParseTimestamp("2026-11-24T08:00:00.750Z"), ParseTimestamp("2026-11-24T08:00:00Z"));
    EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00Z"), 1709164800);
    EXPECT_FALSE(ParseTimestamp("2023-02-29T00:00:00Z"));
    EXPECT_FALSE(ParseTimestamp("2026-11-24T08:00:00"));  // no zone
    EXPECT_FALSE(ParseTimestamp("2026-11-24 8:00Z"));
    EXPECT_FALSE(ParseTimestamp("2026-13-01T00:00:00Z"));
    EXPECT_EQ(FormatTimestamp(1709164800), "2024-02-29T00:00:00Z");
    EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2026-11-24T09:30:05+01:00")), "2026-11-24T08:30:05Z");
    EXPECT_EQ(FormatIcsTimestamp(1709164800 + 3661), "20240229T010101Z");
    EXPECT_EQ(ParseDate("2024-02-29"), 1709164800);
    EXPECT_FALSE(ParseDate("2024-2-29"));
}

TEST(RoutePlanParams, ParsesAValidRequest) {
    const std::string body = Body(
        R"([{"npi":"1234567893","duration_minutes":30,"windows":[{"start":"2026-11-24T09:00:00Z","end":"2026-11-24T12:00:00Z"}],"ref":"a"},)"
        R"({"lat":40.1,"lng":-75.1}])",
        R"("end":{"lat":40.0,"lng":-75.0},)");
    const OptimizeInput in = ParseOptimize(json::parse(body));
    ASSERT_EQ(in.stops.size(), 2U);
    EXPECT_EQ(in.stops[0].npi, 1234567893);
    EXPECT_EQ(in.stops[0].duration_seconds, 1800);
    ASSERT_EQ(in.stops[0].windows.size(), 1U);
    EXPECT_EQ(in.stops[0].windows[0].end - in.stops[0].windows[0].start, 3 * 3600);
    EXPECT_EQ(in.stops[0].ref, "a");
    EXPECT_EQ(in.stops[1].duration_seconds, 20 * 60);  // default
    EXPECT_TRUE(in.end.has_value());
    EXPECT_EQ(in.day_end - in.start_time, 10 * 3600);
}

TEST(RoutePlanParams, NamesTheBadField) {
    EXPECT_EQ(FieldOf(Body(R"([{"lat":40.1,"lng":-75.1}])")), "");
    EXPECT_EQ(FieldOf(Body(R"([{"lat":91,"lng":-75.1}])")), "stops[0].lat");
    EXPECT_EQ(FieldOf(Body(R"([{"lat":40,"lng":-181}])")), "stops[0].lng");
    EXPECT_EQ(FieldOf(Body(R"([{"lat":40}])")), "stops[0].lng");
    EXPECT_EQ(FieldOf(Body(R"([{"duration_minutes":5}])")), "stops[0]");
    EXPECT_EQ(FieldOf(Body(R"([{"npi":"1234567890"}])")), "stops[0].npi");  // check digit
    EXPECT_EQ(FieldOf(Body(R"([{"npi":"12345"}])")), "stops[0].npi");
    EXPECT_EQ(
        FieldOf(Body(
            R"([{"lat":1,"lng":1},{"lat":1,"lng":1,"windows":[{"start":"2026-11-24T12:00:00Z","end":"2026-11-24T11:00:00Z"}]}])")),
        "stops[1].windows[0].end");
    EXPECT_EQ(FieldOf(Body(R"([{"lat":1,"lng":1,"windows":[{"start":"noon","end":"2026-11-24T11:00:00Z"}]}])")),
              "stops[0].windows[0].start");
    EXPECT_EQ(FieldOf(Body(R"([{"lat":1,"lng":1,"duration_minutes":-1}])")), "stops[0].duration_minutes");
    EXPECT_EQ(FieldOf(Body(R"([{"lat":1,"lng":1,"colour":"red"}])")), "stops[0].colour");
    EXPECT_EQ(FieldOf(Body("[]")), "stops");
    std::string many = "[";
    for (int i = 0; i < 101; ++i) {
        many += std::string(i ? "," : "") + R"({"lat":1,"lng":1})";
    }
    EXPECT_EQ(FieldOf(Body(many + "]")), "stops");
    EXPECT_EQ(
        FieldOf(
            R"({"start":{"lat":1,"lng":1},"start_time":"2026-11-24T18:00:00Z","day_end":"2026-11-24T08:00:00Z","stops":[{"lat":1,"lng":1}]})"),
        "day_end");
    EXPECT_EQ(FieldOf(R"({"start_time":"2026-11-24T08:00:00Z","day_end":"2026-11-24T18:00:00Z","stops":[]})"), "start");
    EXPECT_EQ(
        FieldOf(
            R"({"start":{"lat":"x","lng":1},"start_time":"2026-11-24T08:00:00Z","day_end":"2026-11-24T18:00:00Z","stops":[]})"),
        "start.lat");
    EXPECT_EQ(FieldOf("[1]"), "body");
}

TEST(RoutePlanParams, SaveChecksTimeOrder) {
    const std::string ok =
        R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"start_time":"2026-11-24T08:00:00Z","day_end":"2026-11-24T18:00:00Z",)"
        R"("stops":[{"lat":40.1,"lng":-75.1,"arrival":"2026-11-24T08:20:00Z","service_start":"2026-11-24T09:00:00Z","departure":"2026-11-24T09:30:00Z","wait_seconds":2400}]})";
    const SaveInput in = ParseSave(json::parse(ok));
    ASSERT_EQ(in.stops.size(), 1U);
    EXPECT_EQ(in.stops[0].service_start - in.stops[0].arrival, 2400);
    std::string bad = ok;
    bad.replace(bad.find("09:30:00Z"), 9, "08:30:00Z");
    try {
        ParseSave(json::parse(bad));
        FAIL() << "accepted a departure before the service start";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Fields().front().field, "stops[0].departure");
    }
    std::string no_date = ok;
    no_date.replace(no_date.find("2026-11-24\""), 11, "24/11/2026\"");
    EXPECT_THROW(ParseSave(json::parse(no_date)), core::Error);
}

}  // namespace
}  // namespace rounds::routeplan

namespace rounds::routeplan {
namespace {

TEST(RoutePlanParams, BestHours) {
    using Ranges = std::vector<std::pair<int, int>>;
    EXPECT_EQ(ParseBestHours("09:00-12:00, 14:00-17:30"), (Ranges{{540, 720}, {840, 1050}}));
    EXPECT_EQ(ParseBestHours("9-12; 14-17"), (Ranges{{540, 720}, {840, 1020}}));
    EXPECT_EQ(ParseBestHours("8:30 to 16:00"), (Ranges{{510, 960}}));
    EXPECT_EQ(ParseBestHours("mornings 8.15 - 11.45 only"), (Ranges{{495, 705}}));
    EXPECT_EQ(ParseBestHours("after lunch"), Ranges{});
    EXPECT_EQ(ParseBestHours("17-9"), Ranges{});         // end not after start
    EXPECT_EQ(ParseBestHours("99:00-12:00"), Ranges{});  // not a time
    EXPECT_EQ(ParseBestHours("Tue 10:00\xE2\x80\x93"
                             "12:00"),
              (Ranges{{600, 720}}));
}

TEST(RoutePlanParams, PlanDay) {
    const PlanDayInput in = ParsePlanDay(boost::json::parse(
        R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"start_time":"2026-11-24T08:30:00-05:00","hours":8})"));
    EXPECT_EQ(in.utc_offset, -5 * 3600);
    EXPECT_EQ(FormatTimestamp(in.start_time), "2026-11-24T13:30:00Z");
    EXPECT_EQ(in.day_end - in.start_time, 8 * 3600);
    EXPECT_EQ(in.visit_seconds, 1200);
    EXPECT_EQ(in.recent_days, 14);
    const PlanDayInput d = ParsePlanDay(
        boost::json::parse(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"day_end":"2026-11-24T17:00:00Z"})"));
    EXPECT_EQ(FormatTimestamp(d.start_time), "2026-11-24T08:00:00Z");
    auto field = [](std::string_view body) -> std::string {
        try {
            ParsePlanDay(boost::json::parse(body));
        } catch (const core::Error& e) {
            return e.Fields().front().field;
        }
        return "";
    };
    EXPECT_EQ(field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75}})"), "hours");
    EXPECT_EQ(field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"hours":20})"), "hours");
    EXPECT_EQ(field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"hours":8,"day_end":"2026-11-24T17:00:00Z"})"),
              "hours");
    EXPECT_EQ(field(R"({"date":"24.11.2026","start":{"lat":40,"lng":-75},"hours":8})"), "date");
    EXPECT_EQ(
        field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"hours":8,"start_time":"2026-11-25T08:00:00Z"})"),
        "start_time");
    EXPECT_EQ(field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"hours":8,"market_id":"x"})"), "market_id");
    EXPECT_EQ(field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"hours":8,"recent_days":-1})"), "recent_days");
    EXPECT_EQ(field(R"({"date":"2026-11-24","start":{"lat":40,"lng":-75},"hours":8,"max_candidates":101})"),
              "max_candidates");
}

}  // namespace
}  // namespace rounds::routeplan
