#include "territories/geometry.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/error.h"

namespace rounds::territories {

namespace json = boost::json;

namespace {

struct Box {
    double lng0, lat0, lng1, lat1;
};

// Contiguous states, Alaska (both sides of the antimeridian), Hawaii, Puerto Rico and the Virgin Islands,
// Guam and the Northern Mariana Islands, American Samoa; padded by about half a degree.
constexpr Box kUsBoxes[] = {{-125.5, 24.0, -66.5, 49.9},   {-180.0, 51.0, -129.5, 72.0}, {172.0, 51.0, 180.0, 53.5},
                            {-161.0, 18.5, -154.5, 22.8},  {-68.0, 17.4, -64.3, 18.9},   {144.4, 13.0, 146.3, 20.8},
                            {-171.2, -14.9, -168.9, -10.8}};

using Ring = std::vector<std::pair<double, double>>;  // (x, y) as given
using Polygon = std::vector<Ring>;

[[noreturn]] void Bad(const std::string& message) {
    throw core::Invalid("geometry", message);
}

Ring ParseRing(const json::value& v, const std::string& where) {
    if (!v.is_array()) {
        Bad(where + " must be an array of [longitude, latitude] positions");
    }
    Ring ring;
    for (const auto& p : v.as_array()) {
        if (!p.is_array() || p.as_array().size() < 2 || !p.as_array()[0].is_number() || !p.as_array()[1].is_number()) {
            Bad(where + " has a position that is not [longitude, latitude] numbers");
        }
        double x = p.as_array()[0].to_number<double>();
        double y = p.as_array()[1].to_number<double>();
        if (!std::isfinite(x) || !std::isfinite(y)) {
            Bad(where + " has a coordinate that is not a finite number");
        }
        ring.emplace_back(x, y);
    }
    return ring;
}

Polygon ParsePolygon(const json::value& v, const std::string& where) {
    if (!v.is_array() || v.as_array().empty()) {
        Bad(where + " must be a non-empty array of rings");
    }
    Polygon poly;
    size_t i = 0;
    for (const auto& r : v.as_array()) {
        poly.push_back(ParseRing(r, where + (i == 0 ? " outer ring" : " hole " + std::to_string(i))));
        ++i;
    }
    return poly;
}

std::string Name(size_t polygon, size_t ring, bool multi) {
    std::string s = multi ? "polygon " + std::to_string(polygon + 1) : "the polygon";
    return s + (ring == 0 ? " (outer ring)" : " (hole " + std::to_string(ring) + ")");
}

}  // namespace

bool InUnitedStates(double lng, double lat) {
    for (const auto& b : kUsBoxes) {
        if (lng >= b.lng0 && lng <= b.lng1 && lat >= b.lat0 && lat <= b.lat1) {
            return true;
        }
    }
    return false;
}

GeoCheck CheckGeoJson(const json::value& geometry, bool repair) {
    if (!geometry.is_object()) {
        Bad("must be a GeoJSON Polygon or MultiPolygon object");
    }
    const auto& o = geometry.as_object();
    const json::value* type = o.if_contains("type");
    const json::value* coords = o.if_contains("coordinates");
    if (type == nullptr || !type->is_string() || coords == nullptr) {
        Bad("must have \"type\" and \"coordinates\"");
    }
    std::vector<Polygon> polys;
    bool multi = false;
    if (type->as_string() == "Polygon") {
        polys.push_back(ParsePolygon(*coords, "the polygon"));
    } else if (type->as_string() == "MultiPolygon") {
        multi = true;
        if (!coords->is_array() || coords->as_array().empty()) {
            Bad("a MultiPolygon needs at least one polygon");
        }
        size_t i = 0;
        for (const auto& p : coords->as_array()) {
            polys.push_back(ParsePolygon(p, "polygon " + std::to_string(++i)));
        }
    } else {
        Bad("type must be Polygon or MultiPolygon, not " + std::string(type->as_string()));
    }

    GeoCheck out;
    // Coordinate order: as given, or swapped (latitude first, a common mistake)?
    size_t points = 0, in_range = 0, in_us = 0, swapped_in_range = 0, swapped_in_us = 0;
    for (const auto& p : polys) {
        for (const auto& r : p) {
            for (const auto& [x, y] : r) {
                ++points;
                in_range += (std::fabs(x) <= 180 && std::fabs(y) <= 90) ? 1 : 0;
                in_us += InUnitedStates(x, y) ? 1 : 0;
                swapped_in_range += (std::fabs(y) <= 180 && std::fabs(x) <= 90) ? 1 : 0;
                swapped_in_us += InUnitedStates(y, x) ? 1 : 0;
            }
        }
    }
    bool swap = false;
    if (in_us == 0 && swapped_in_us > 0 && swapped_in_range == points) {
        if (repair) {
            swap = true;
            out.repairs.push_back("swapped every position to [longitude, latitude] (they were given latitude first)");
        } else {
            out.problems.push_back({"swapped_coordinates",
                                    "coordinates look like [latitude, longitude]; GeoJSON positions are "
                                    "[longitude, latitude] (with repair=true they are swapped back)"});
        }
    } else if (in_range < points) {
        out.problems.push_back({"out_of_range", std::to_string(points - in_range) +
                                                    " position(s) outside longitude -180..180 / latitude -90..90"});
    } else if (in_us == 0) {
        out.problems.push_back({"outside_us", "the shape lies outside the United States"});
    }

    json::array mp;
    for (size_t pi = 0; pi < polys.size(); ++pi) {
        json::array poly;
        for (size_t ri = 0; ri < polys[pi].size(); ++ri) {
            Ring ring = polys[pi][ri];
            if (swap) {
                for (auto& [x, y] : ring) {
                    std::swap(x, y);
                }
            }
            if (!ring.empty() && ring.front() != ring.back()) {
                if (repair) {
                    ring.push_back(ring.front());
                    out.repairs.push_back("closed " + Name(pi, ri, multi) +
                                          " by repeating its first position at the end");
                } else {
                    out.problems.push_back({"unclosed_ring", Name(pi, ri, multi) +
                                                                 " is not closed: its last position must equal the "
                                                                 "first (with repair=true it is closed)"});
                }
            }
            if (ring.size() < 4) {
                out.problems.push_back(
                    {"too_few_points", Name(pi, ri, multi) + " needs at least 4 positions (a closed triangle)"});
            }
            json::array jr;
            for (const auto& [x, y] : ring) {
                jr.push_back(json::array{x, y});
            }
            poly.push_back(std::move(jr));
        }
        mp.push_back(std::move(poly));
    }
    out.multipolygon = json::serialize(json::object{{"type", "MultiPolygon"}, {"coordinates", std::move(mp)}});
    return out;
}

}  // namespace rounds::territories
