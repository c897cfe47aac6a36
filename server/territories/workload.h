#pragma once

#include <map>
#include <string>
#include <vector>

/// The workload model of the territory balance report and the ZIP alignment suggestion. Pure: value types
/// in, a result out (docs/territories.md explains the model).
namespace rounds::territories {

/// One physician of a sibling territory with market metrics (targets and non-targets: volume counts for all).
struct MemberRow {
    std::string territory;
    std::string zip;
    double lat = 0;
    double lng = 0;
    double volume = 0;
    int decile = 0;  // national decile of the market
    bool target = false;
};

struct ModelParams {
    std::map<int, double> calls_per_year;  // by decile; targets of other deciles get none
    int visit_minutes = 30;
    int visits_per_day = 8;
    double road_factor = 1.3;
    double speed_kmh = 50;
};

struct TerritoryLoad {
    std::string id;
    int physicians = 0;
    int targets = 0;
    double volume = 0;
    double visits = 0;  // per year
    double visit_hours = 0;
    double travel_hours = 0;
    double workload_hours = 0;
    double area_km2 = 0;  // convex hull of the targets
};

/// Loads of the territories `ids` (in that order) from their members.
std::vector<TerritoryLoad> Evaluate(const std::vector<std::string>& ids, const std::vector<MemberRow>& rows,
                                    const ModelParams& params);

/// max − min workload hours (0 for fewer than two territories).
double Spread(const std::vector<TerritoryLoad>& loads);

struct ZipMove {
    std::string zip, from, to;
    int physicians = 0;
    int targets = 0;
    double visits = 0;
    double volume = 0;
};

struct Suggestion {
    std::vector<ZipMove> moves;
    std::vector<TerritoryLoad> before, after;
    double spread_before = 0;
    double spread_after = 0;
};

/// Greedy alignment: repeatedly moves the whole ZIP (all its physicians) between neighbouring territories that
/// lowers the workload spread most, until no move lowers it or `max_moves` is reached. Two territories are
/// neighbours through a ZIP when one of the ZIP's `neighbours` nearest ZIPs (by centroid of its physicians)
/// belongs to the other. A territory never gives away its last ZIP; a ZIP moves at most once.
Suggestion SuggestAlignment(const std::vector<std::string>& ids, const std::vector<MemberRow>& rows,
                            const ModelParams& params, int max_moves, int neighbours = 6);

}  // namespace rounds::territories
