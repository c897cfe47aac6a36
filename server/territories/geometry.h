#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

/// Checks of a territory's GeoJSON before PostGIS sees it: structure, ring closure, coordinate ranges,
/// latitude/longitude order and whether the shape lies in the United States. Pure (no database).
namespace rounds::territories {

struct GeoProblem {
    std::string code;     // bad_structure | unclosed_ring | too_few_points | out_of_range | swapped_coordinates |
                          // outside_us
    std::string message;  // names the polygon and ring
};

struct GeoCheck {
    std::string multipolygon;          // normalised GeoJSON MultiPolygon (repaired when asked)
    std::vector<GeoProblem> problems;  // what is still wrong (the request must be refused when not empty)
    std::vector<std::string> repairs;  // what `repair` changed
};

/// Validates a GeoJSON Polygon or MultiPolygon. A malformed structure (not an object, unknown type, not
/// numbers) throws core::Error(kInvalid) naming "geometry". With `repair`, unclosed rings are closed and
/// swapped coordinates are swapped back (reported in `repairs`); otherwise they are reported as problems.
/// Self-intersections and overlaps are PostGIS's to find (ST_IsValidReason, ST_MakeValid).
GeoCheck CheckGeoJson(const boost::json::value& geometry, bool repair);

/// True when (lng, lat) lies in the United States or its territories (generous boxes: a sanity check for
/// swapped or misplaced coordinates, not a border test).
bool InUnitedStates(double lng, double lat);

}  // namespace rounds::territories
