#include "routeplan/ics.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rounds::routeplan {
namespace {

TEST(RoutePlanIcs, EscapesText) {
    EXPECT_EQ(IcsEscape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    EXPECT_EQ(IcsEscape(std::string("x\x01y")), "xy");
}

TEST(RoutePlanIcs, FoldsAt75OctetsWithoutSplittingUtf8) {
    EXPECT_EQ(IcsFold("SHORT"), "SHORT\r\n");
    const std::string line = "DESCRIPTION:" + std::string(100, 'a');
    const std::string folded = IcsFold(line);
    EXPECT_EQ(folded.substr(0, 75), line.substr(0, 75));
    EXPECT_EQ(folded.substr(75, 3), "\r\n ");
    // Unfolding (remove CRLF + space) restores the line.
    std::string unfolded;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        if (folded.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        unfolded.push_back(folded[i]);
    }
    EXPECT_EQ(unfolded, line + "\r\n");
    // 74 ASCII octets then a 2-byte character: the cut moves before the character.
    const std::string utf8 = std::string(74, 'b') + "\xC3\xA9" + "tail";
    const std::string f = IcsFold(utf8);
    EXPECT_EQ(f.substr(0, 76), std::string(74, 'b') + "\r\n");
    EXPECT_EQ(f.substr(76, 3), " \xC3\xA9");
    // Every physical line is at most 75 octets.
    std::istringstream lines(IcsFold(std::string(400, 'c')));
    for (std::string l; std::getline(lines, l);) {
        EXPECT_LE(l.size(), 76U);  // 75 + the CR left by getline
    }
}

TEST(RoutePlanIcs, RendersOneEventPerStop) {
    IcsCalendar cal;
    cal.name = "Tuesday, west";
    cal.stamp = 1709164800;
    cal.stops.push_back({"11111111-1111-4111-8111-111111111111",
                         "Dr. Smith; Cardiology",
                         {40.5, -75.25},
                         1709186400,
                         1709188200,
                         "Stop 1 of 2\nNPI: 1234567893"});
    cal.stops.push_back({"22222222-2222-4222-8222-222222222222", "Clinic", {40.6, -75.3}, 1709190000, 1709191800, ""});
    const std::string ics = RenderIcs(cal);
    EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0U);
    EXPECT_NE(ics.find("X-WR-CALNAME:Tuesday\\, west\r\n"), std::string::npos);
    EXPECT_NE(ics.find("UID:11111111-1111-4111-8111-111111111111@rounds\r\n"), std::string::npos);
    EXPECT_NE(ics.find("DTSTAMP:20240229T000000Z\r\n"), std::string::npos);
    EXPECT_NE(ics.find("DTSTART:20240229T060000Z\r\n"), std::string::npos);
    EXPECT_NE(ics.find("DTEND:20240229T063000Z\r\n"), std::string::npos);
    EXPECT_NE(ics.find("SUMMARY:Dr. Smith\\; Cardiology\r\n"), std::string::npos);
    EXPECT_NE(ics.find("GEO:40.500000;-75.250000\r\n"), std::string::npos);
    EXPECT_NE(ics.find("DESCRIPTION:Stop 1 of 2\\nNPI: 1234567893\r\n"), std::string::npos);
    std::size_t events = 0;
    for (std::size_t p = ics.find("BEGIN:VEVENT"); p != std::string::npos; p = ics.find("BEGIN:VEVENT", p + 1)) {
        ++events;
    }
    EXPECT_EQ(events, 2U);
    EXPECT_EQ(ics.substr(ics.size() - 15), "END:VCALENDAR\r\n");
    // No bare LF: every line ends with CRLF.
    for (std::size_t i = 0; i < ics.size(); ++i) {
        if (ics[i] == '\n') {
            EXPECT_EQ(ics[i - 1], '\r');
        }
    }
}

TEST(RoutePlanIcs, MapLinks) {
    const MapLinks l = LinksFor({40.5, -75.25}, "Dr. Smith & Co");
    EXPECT_EQ(l.google, "https://www.google.com/maps/dir/?api=1&destination=40.500000%2C-75.250000&travelmode=driving");
    EXPECT_EQ(l.apple, "https://maps.apple.com/?daddr=40.500000%2C-75.250000&dirflg=d&q=Dr.%20Smith%20%26%20Co");
    EXPECT_EQ(l.geo, "geo:40.500000,-75.250000?q=40.500000%2C-75.250000(Dr.%20Smith%20%26%20Co)");
}

}  // namespace
}  // namespace rounds::routeplan
