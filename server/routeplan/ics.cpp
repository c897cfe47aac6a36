#include "routeplan/ics.h"

#include <cstdio>

#include "routeplan/params.h"

namespace rounds::routeplan {

std::string IcsEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\r':
                if (i + 1 < text.size() && text[i + 1] == '\n') {
                    ++i;
                }
                out += "\\n";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                // Other control characters are not allowed in TEXT; drop them.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
                    break;
                }
                out.push_back(c);
        }
    }
    return out;
}

std::string IcsFold(std::string_view line) {
    std::string out;
    std::size_t pos = 0;
    std::size_t limit = 75;  // octets on the first line; continuation lines carry a leading space
    while (line.size() - pos > limit) {
        std::size_t cut = pos + limit;
        // Never split a UTF-8 sequence: back up while the byte at the cut is a continuation byte.
        while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        out.append(line.substr(pos, cut - pos));
        out += "\r\n ";
        pos = cut;
        limit = 74;
    }
    out.append(line.substr(pos));
    out += "\r\n";
    return out;
}

namespace {

std::string PercentEncode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::string Coord(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.6f", v);
    return buf;
}

}  // namespace

MapLinks LinksFor(routing::GeoPoint p, std::string_view label) {
    const std::string ll = Coord(p.lat) + "," + Coord(p.lng);
    MapLinks links;
    links.google = "https://www.google.com/maps/dir/?api=1&destination=" + PercentEncode(ll) + "&travelmode=driving";
    links.apple = "https://maps.apple.com/?daddr=" + PercentEncode(ll) + "&dirflg=d";
    links.geo = "geo:" + ll;
    if (!label.empty()) {
        links.apple += "&q=" + PercentEncode(label);
        links.geo += "?q=" + PercentEncode(ll) + "(" + PercentEncode(label) + ")";
    }
    return links;
}

std::string RenderIcs(const IcsCalendar& cal) {
    std::string out;
    out += IcsFold("BEGIN:VCALENDAR");
    out += IcsFold("VERSION:2.0");
    out += IcsFold("PRODID:-//Rounds//Route plan//EN");
    out += IcsFold("CALSCALE:GREGORIAN");
    out += IcsFold("METHOD:PUBLISH");
    out += IcsFold("X-WR-CALNAME:" + IcsEscape(cal.name));
    const std::string stamp = FormatIcsTimestamp(cal.stamp);
    for (const IcsStop& s : cal.stops) {
        out += IcsFold("BEGIN:VEVENT");
        out += IcsFold("UID:" + IcsEscape(s.uid) + "@rounds");
        out += IcsFold("DTSTAMP:" + stamp);
        out += IcsFold("DTSTART:" + FormatIcsTimestamp(s.start));
        out += IcsFold("DTEND:" + FormatIcsTimestamp(s.end));
        out += IcsFold("SUMMARY:" + IcsEscape(s.summary));
        out += IcsFold("LOCATION:" + IcsEscape(Coord(s.point.lat) + ", " + Coord(s.point.lng)));
        out += IcsFold("GEO:" + Coord(s.point.lat) + ";" + Coord(s.point.lng));
        if (!s.description.empty()) {
            out += IcsFold("DESCRIPTION:" + IcsEscape(s.description));
        }
        out += IcsFold("URL:" + LinksFor(s.point, {}).google);
        out += IcsFold("END:VEVENT");
    }
    out += IcsFold("END:VCALENDAR");
    return out;
}

}  // namespace rounds::routeplan
