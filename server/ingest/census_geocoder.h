#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/http_client.h"

namespace rounds::db {
class SyncConnection;
}

namespace rounds::ingest {

// The Census Geocoder batch protocol (https://geocoding.geo.census.gov/geocoder/): POST multipart/form-data
// to .../locations/addressbatch with `addressFile` (CSV: Unique ID, Street address, City, State, ZIP) and
// `benchmark`; the answer is CSV: id, input address, Match/No_Match/Tie, Exact/Non_Exact, matched address,
// "lon,lat", TIGER line id, side.

struct CensusAddress {
    std::string id;  // we send the address hash
    std::string street;
    std::string city;
    std::string state;
    std::string zip;
};

struct CensusMatch {
    std::string id;
    bool matched = false;  // "Match" with valid coordinates
    double lon = 0;
    double lat = 0;
};

/// The `addressFile` of one batch; every field is quoted.
std::string CensusBatchCsv(const std::vector<CensusAddress>& addresses);

/// Parses a batch response. Lines that are not answers (blank, malformed, bad coordinates) are skipped;
/// "Tie" and "No_Match" give matched = false.
std::vector<CensusMatch> ParseCensusResponse(std::string_view body);

/// `base` + "/locations/addressbatch", unless `base` already names an addressbatch endpoint.
std::string CensusBatchUrl(const std::string& base);

struct CensusOptions {
    std::string url;  // base URL (or the full addressbatch URL)
    std::string benchmark = "Public_AR_Current";
    size_t batch_size = 10000;  // the service's limit per request
    HttpTimeouts timeouts;
};

struct CensusStats {
    uint64_t sent = 0;
    uint64_t matched = 0;
    uint64_t unmatched = 0;
    uint64_t unanswered = 0;  // sent but absent from the answer: not cached, sent again next time
    uint64_t batches = 0;
};

/// Sends every address of the temporary table `geocode_todo` (sql::CreateGeocodeTodo: the staged release's
/// addresses and live ones without an address-level point, that ref.geocode_cache does not know yet) in
/// batches, and caches the answers (matched: the point, quality 'address'; No_Match/Tie: no point, quality
/// 'unmatched'), provider 'census'. Runs before the merge transaction, in autocommit (each batch's answers are
/// kept even if the load fails later): a slow geocoder never holds the release's transaction open. The merge
/// then reads the cache. Throws core::Error(kUnavailable) when the service fails or answers non-200.
CensusStats GeocodeWithCensus(db::SyncConnection& conn, const CensusOptions& options);

}  // namespace rounds::ingest
