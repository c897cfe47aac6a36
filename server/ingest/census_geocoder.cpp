#include "ingest/census_geocoder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <unordered_set>

#include "core/error.h"
#include "core/log.h"
#include "db/result.h"
#include "db/sync_connection.h"
#include "ingest/sql.h"

namespace rounds::ingest {
namespace {

void AppendQuoted(std::string& out, std::string_view field) {
    out.push_back('"');
    for (char c : field) {
        if (c == '"') {
            out.push_back('"');
        }
        // A record is one line: embedded line breaks would split it.
        out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    out.push_back('"');
}

// Splits one CSV line (quoted fields with doubled quotes, or bare fields).
std::vector<std::string> SplitCsvLine(std::string_view line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field.push_back(c);
            }
        } else if (c == '"' && field.empty() && !was_quoted) {
            quoted = true;
            was_quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            was_quoted = false;
        } else {
            field.push_back(c);
        }
    }
    fields.push_back(std::move(field));
    return fields;
}

bool ParseDouble(std::string_view s, double& out) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
        s.remove_suffix(1);
    }
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

// A PostgreSQL array literal of quoted elements; nullopt elements are NULL.
std::string ArrayLiteral(const std::vector<std::optional<std::string>>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        out += i > 0 ? "," : "";
        if (!items[i]) {
            out += "NULL";
            continue;
        }
        out.push_back('"');
        for (char c : *items[i]) {
            if (c == '"' || c == '\\') {
                out.push_back('\\');
            }
            out.push_back(c);
        }
        out.push_back('"');
    }
    return out + "}";
}

std::string Coordinate(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace

std::string CensusBatchCsv(const std::vector<CensusAddress>& addresses) {
    std::string out;
    for (const CensusAddress& a : addresses) {
        AppendQuoted(out, a.id);
        for (const std::string* f : {&a.street, &a.city, &a.state, &a.zip}) {
            out.push_back(',');
            AppendQuoted(out, *f);
        }
        out += "\n";
    }
    return out;
}

std::vector<CensusMatch> ParseCensusResponse(std::string_view body) {
    std::vector<CensusMatch> out;
    while (!body.empty()) {
        const size_t nl = body.find('\n');
        std::string_view line = body.substr(0, nl);
        body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        const std::vector<std::string> f = SplitCsvLine(line);
        if (f.size() < 3 || f[0].empty()) {
            continue;
        }
        CensusMatch m;
        m.id = f[0];
        if (f[2] == "Match") {
            if (f.size() < 6) {
                continue;
            }
            const size_t comma = f[5].find(',');
            if (comma == std::string::npos || !ParseDouble(std::string_view(f[5]).substr(0, comma), m.lon) ||
                !ParseDouble(std::string_view(f[5]).substr(comma + 1), m.lat) || std::abs(m.lon) > 180 ||
                std::abs(m.lat) > 90) {
                continue;
            }
            m.matched = true;
        } else if (f[2] != "No_Match" && f[2] != "Tie") {
            continue;
        }
        out.push_back(std::move(m));
    }
    return out;
}

std::string CensusBatchUrl(const std::string& base) {
    std::string url = base;
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    if (url.ends_with("/addressbatch")) {
        return url;
    }
    return url + "/locations/addressbatch";
}

CensusStats GeocodeWithCensus(db::SyncConnection& conn, const CensusOptions& options) {
    if (options.url.empty()) {
        throw core::Invalid("geocoder_url", "the census geocoder needs the service's base URL");
    }
    const size_t batch_size = std::clamp<size_t>(options.batch_size, 1, 10000);
    const std::string url = CensusBatchUrl(options.url);
    const std::string shown = RedactUrl(url);
    CensusStats stats;
    std::string after;  // keyset: last address hash of the previous page
    for (;;) {
        const std::vector<db::Param> page{after, std::to_string(batch_size)};
        const db::Result rows = conn.Exec(sql::kGeocodePendingAddresses, page);
        if (rows.Rows() == 0) {
            break;
        }
        std::vector<CensusAddress> batch;
        std::unordered_set<std::string> ids;
        for (int r = 0; r < rows.Rows(); ++r) {
            CensusAddress a;
            a.id = std::string(rows.Get(r, 0));
            a.street = std::string(rows.GetOpt(r, 1).value_or(""));
            a.city = std::string(rows.GetOpt(r, 2).value_or(""));
            a.state = std::string(rows.GetOpt(r, 3).value_or(""));
            a.zip = std::string(rows.GetOpt(r, 4).value_or(""));
            ids.insert(a.id);
            batch.push_back(std::move(a));
        }
        after = batch.back().id;

        const std::vector<FormField> form{{"addressFile", CensusBatchCsv(batch), "addresses.csv"},
                                          {"benchmark", options.benchmark, ""}};
        const HttpResponse response = PostForm(url, form, options.timeouts);
        if (response.status != 200) {
            throw core::Error(core::ErrorKind::kUnavailable, "census geocoder: HTTP " +
                                                                 std::to_string(response.status) + " from " + shown +
                                                                 ": " + response.body.substr(0, 200));
        }
        std::vector<std::optional<std::string>> hashes, lons, lats, qualities;
        uint64_t matched = 0;
        for (const CensusMatch& m : ParseCensusResponse(response.body)) {
            if (ids.erase(m.id) == 0) {
                continue;  // not ours, or answered twice
            }
            hashes.emplace_back(m.id);
            lons.push_back(m.matched ? std::optional<std::string>(Coordinate(m.lon)) : std::nullopt);
            lats.push_back(m.matched ? std::optional<std::string>(Coordinate(m.lat)) : std::nullopt);
            qualities.emplace_back(m.matched ? "address" : "unmatched");
            matched += m.matched ? 1 : 0;
        }
        if (!hashes.empty()) {
            const std::vector<db::Param> store{ArrayLiteral(hashes), ArrayLiteral(lons), ArrayLiteral(lats),
                                               ArrayLiteral(qualities), std::string("census")};
            conn.Exec(sql::kGeocodeCacheStore, store);
        }
        stats.batches += 1;
        stats.sent += batch.size();
        stats.matched += matched;
        stats.unmatched += hashes.size() - matched;
        stats.unanswered += ids.size();
        core::LogInfo("ingest_geocode_batch", {{"provider", "census"},
                                               {"batch", static_cast<int64_t>(stats.batches)},
                                               {"sent", static_cast<int64_t>(batch.size())},
                                               {"matched", static_cast<int64_t>(matched)},
                                               {"unanswered", static_cast<int64_t>(ids.size())}});
        if (batch.size() < batch_size) {
            break;
        }
    }
    return stats;
}

}  // namespace rounds::ingest
