#include "routing/travel_time.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace rounds::routing {

namespace {

constexpr double kEarthRadiusMeters = 6'371'008.8;

double Radians(double degrees) {
    return degrees * std::numbers::pi / 180.0;
}

void CheckPoint(const GeoPoint& p, std::size_t index) {
    const std::string field = "points[" + std::to_string(index) + "]";
    if (!std::isfinite(p.lat) || p.lat < -90.0 || p.lat > 90.0) {
        throw std::invalid_argument(field + ".lat: must be a finite number in [-90, 90]");
    }
    if (!std::isfinite(p.lng) || p.lng < -180.0 || p.lng > 180.0) {
        throw std::invalid_argument(field + ".lng: must be a finite number in [-180, 180]");
    }
}

}  // namespace

double HaversineMeters(GeoPoint a, GeoPoint b) {
    const double dlat = Radians(b.lat - a.lat);
    const double dlng = Radians(b.lng - a.lng);
    const double s = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(Radians(a.lat)) * std::cos(Radians(b.lat)) * std::sin(dlng / 2) * std::sin(dlng / 2);
    // min() guards asin against s drifting just above 1 for antipodal points.
    return 2.0 * kEarthRadiusMeters * std::asin(std::min(1.0, std::sqrt(s)));
}

HaversineTravelTimeSource::HaversineTravelTimeSource(HaversineOptions options) : options_(options) {
    if (!std::isfinite(options_.road_factor) || options_.road_factor <= 0.0) {
        throw std::invalid_argument("road_factor: must be a finite number > 0");
    }
    if (!std::isfinite(options_.speed_kmh) || options_.speed_kmh <= 0.0) {
        throw std::invalid_argument("speed_kmh: must be a finite number > 0");
    }
}

std::vector<Ticks> HaversineTravelTimeSource::Matrix(const std::vector<GeoPoint>& points) const {
    for (std::size_t i = 0; i < points.size(); ++i) {
        CheckPoint(points[i], i);
    }
    const std::size_t n = points.size();
    const double meters_per_second = options_.speed_kmh * 1000.0 / 3600.0;
    std::vector<Ticks> out(n * n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            const double seconds = HaversineMeters(points[i], points[j]) * options_.road_factor / meters_per_second;
            const Ticks t = TicksFromSeconds(seconds, "travel");
            out[i * n + j] = t;
            out[j * n + i] = t;
        }
    }
    return out;
}

}  // namespace rounds::routing
