#pragma once

#include <vector>

#include "routing/problem.h"

namespace rounds::routing {

/// WGS84 coordinate in degrees.
struct GeoPoint {
    double lat = 0.0;
    double lng = 0.0;
};

/// Source of an n x n travel-time matrix for a list of points (e.g. physician offices plus the rep's home).
///
/// Kept deliberately tiny so that a road-network implementation (an OSRM table service) can be added in
/// another module without touching the optimiser.
class TravelTimeSource {
  public:
    virtual ~TravelTimeSource() = default;

    /// Returns the row-major n x n matrix (n = points.size()) of travel times in ticks, zero diagonal.
    /// Throws std::invalid_argument on invalid points.
    virtual std::vector<Ticks> Matrix(const std::vector<GeoPoint>& points) const = 0;
};

/// Great-circle (haversine) distance in metres on a sphere of radius 6371.0088 km (the mean Earth radius).
double HaversineMeters(GeoPoint a, GeoPoint b);

/// Parameters of the crow-flies estimate.
struct HaversineOptions {
    /// Road distance / great-circle distance; ~1.3 in European and US metro areas.
    double road_factor = 1.3;
    /// Average door-to-door speed in km/h.
    double speed_kmh = 40.0;
};

/// Travel time = haversine distance x road_factor / speed. Symmetric, satisfies the triangle inequality up to
/// rounding to ticks. Rejects NaN/out-of-range coordinates and non-positive factor or speed (naming the field).
class HaversineTravelTimeSource final : public TravelTimeSource {
  public:
    explicit HaversineTravelTimeSource(HaversineOptions options = {});

    std::vector<Ticks> Matrix(const std::vector<GeoPoint>& points) const override;

  private:
    HaversineOptions options_;
};

}  // namespace rounds::routing
