#include "physicians/handlers.h"

#include "core/error.h"
#include "core/hash.h"
#include "physicians/params.h"

namespace rounds::physicians {

namespace asio = boost::asio;

namespace {

std::string ListBody(const Page& page) {
    std::string body = "{\"items\":" + page.items_json + ",\"next_cursor\":";
    body += page.next_cursor ? "\"" + EncodeCursor(*page.next_cursor) + "\"" : std::string("null");
    return body + "}";
}

http::Response JsonOk(std::string body) {
    http::Response r = http::Response::Json(200, std::move(body));
    // Public reference data, but served to authenticated users only: caches must not share it.
    r.headers.Set("Cache-Control", "private, no-cache");
    return r;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match == "*") {
        return true;
    }
    size_t pos = 0;
    while (pos < if_none_match.size()) {
        size_t comma = if_none_match.find(',', pos);
        std::string_view tag =
            if_none_match.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        while (!tag.empty() && tag.front() == ' ') {
            tag.remove_prefix(1);
        }
        while (!tag.empty() && tag.back() == ' ') {
            tag.remove_suffix(1);
        }
        if (tag.starts_with("W/")) {
            tag.remove_prefix(2);
        }
        if (tag == etag) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        pos = comma + 1;
    }
    return false;
}

asio::awaitable<std::optional<std::vector<std::string>>> SpecialtyFilter(PhysicianService& service,
                                                                         const http::Request& req) {
    auto text = req.Query("specialty");
    if (!text || text->empty()) {
        co_return std::nullopt;
    }
    if (text->size() > 200) {
        throw core::Invalid("specialty", "is too long");
    }
    co_return co_await service.SpecialtyCodes(std::string(*text));
}

DetailQuery ParseDetail(const http::Request& req, const std::vector<std::string>& sorts,
                        std::string_view default_sort) {
    DetailQuery q;
    q.npi = NpiParam(req);
    q.year = YearParam(req);
    auto [field, desc] = SortParam(req, sorts, default_sort, true);
    q.sort = field;
    q.descending = desc;
    q.limit = Limit(req, 50, kMaxListLimit);
    if (auto c = req.Query("cursor"); c && !c->empty()) {
        std::string decoded = DecodeCursor(*c);
        if (decoded.find_first_not_of("0123456789") != std::string::npos || decoded.size() > 9) {
            throw core::Invalid("cursor", "is not a cursor returned by this API");
        }
        q.offset = std::stoi(decoded);
    }
    return q;
}

http::Handler DetailHandler(PhysicianService* service, DetailKind kind, std::vector<std::string> sorts,
                            std::string default_sort) {
    return [service, kind, sorts = std::move(sorts),
            default_sort = std::move(default_sort)](http::Request& req) -> asio::awaitable<http::Response> {
        DetailQuery q = ParseDetail(req, sorts, default_sort);
        auto page = co_await service->Detail(kind, q);
        if (!page) {
            throw core::NotFound("no physician with NPI " + std::string(req.Param("npi")));
        }
        co_return JsonOk(ListBody(*page));
    };
}

}  // namespace

http::Handler Handlers::Profile() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        int64_t npi = NpiParam(req);
        int64_t version = co_await svc->DataVersion();
        // The public profile is shared and cached; the organisation's own corrections (approved change
        // requests) are read per request and are part of the ETag.
        const std::string overlay = co_await svc->OrgOverlay(tenancy::ScopeOf(req), npi);
        std::string etag = "\"p" + std::to_string(npi) + "-v" + std::to_string(version);
        if (overlay != "{}") {
            etag += "-o" + core::Sha256Hex(overlay).substr(0, 12);
        }
        etag += "\"";
        if (auto inm = req.headers.Get("If-None-Match"); inm && EtagMatches(*inm, etag)) {
            http::Response r;
            r.status = 304;
            r.headers.Set("ETag", etag);
            r.headers.Set("Cache-Control", "private, no-cache");
            co_return r;
        }
        auto body = co_await svc->Profile(npi);
        if (!body) {
            throw core::NotFound("no physician with NPI " + std::to_string(npi));
        }
        std::string out = **body;
        out.pop_back();  // the closing brace of the profile object
        out += ", \"org_overrides\" : " + overlay + "}";
        http::Response r = JsonOk(std::move(out));
        r.headers.Set("ETag", etag);
        co_return r;
    };
}

http::Handler Handlers::Search() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        SearchQuery q;
        auto text = req.Query("q");
        if (!text || text->empty()) {
            throw core::Invalid("q", "is required: a name (typos and any order are fine)");
        }
        if (text->size() > 200) {
            throw core::Invalid("q", "must be at most 200 characters");
        }
        q.q = std::string(*text);
        q.tokens = SearchTokens(q.q);
        q.state = StateParam(req);
        if (auto city = req.Query("city"); city && !city->empty()) {
            if (city->size() > 100) {
                throw core::Invalid("city", "must be at most 100 characters");
            }
            q.city = std::string(*city);
        }
        q.zip = ZipParam(req);
        q.entity_type = EntityTypeParam(req);
        q.point = OptionalPoint(req);
        q.limit = Limit(req, 20, kMaxListLimit);
        if (auto c = req.Query("cursor"); c && !c->empty()) {
            q.cursor = DecodeCursor(*c);
        }
        q.specialty_codes = co_await SpecialtyFilter(*svc, req);
        Page page = co_await svc->Search(q);
        co_return JsonOk(ListBody(page));
    };
}

http::Handler Handlers::Nearby() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        GeoPoint point = RequiredPoint(req);
        double radius = RadiusMeters(req.Query("radius"));
        int limit = Limit(req, 100, kMaxNearbyLimit);
        auto codes = co_await SpecialtyFilter(*svc, req);
        std::string body = co_await svc->Nearby(point, radius, codes, limit);
        http::Response r = JsonOk(std::move(body));
        r.headers.Set("Content-Type", "application/geo+json");
        co_return r;
    };
}

http::Handler Handlers::Prescriptions() {
    return DetailHandler(service, DetailKind::kPrescriptions, {"claims", "cost", "drug", "year"}, "claims");
}

http::Handler Handlers::Services() {
    return DetailHandler(service, DetailKind::kServices, {"services", "beneficiaries", "payment", "hcpcs_code", "year"},
                         "services");
}

http::Handler Handlers::Payments() {
    return DetailHandler(service, DetailKind::kPayments, {"amount", "date", "payer", "year"}, "amount");
}

http::Handler Handlers::Specialties() {
    return [svc = service](http::Request&) -> asio::awaitable<http::Response> {
        auto body = co_await svc->Specialties();
        co_return JsonOk("{\"items\":" + *body + ",\"next_cursor\":null}");
    };
}

http::Handler Handlers::Facility() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        std::string ccn = *CcnParam(req);
        int limit = Limit(req, 50, kMaxListLimit);
        std::optional<int64_t> after;
        if (auto c = req.Query("cursor"); c && !c->empty()) {
            std::string decoded = DecodeCursor(*c);
            if (!decoded.starts_with("n:") || decoded.size() != 12 ||
                decoded.find_first_not_of("0123456789", 2) != std::string::npos) {
                throw core::Invalid("cursor", "is not a cursor returned by this API");
            }
            after = std::stoll(decoded.substr(2));
        }
        std::optional<std::string> next;
        auto body = co_await svc->Facility(ccn, after, limit, &next);
        if (!body) {
            throw core::NotFound("no facility with CCN " + ccn);
        }
        co_return JsonOk(std::move(*body));
    };
}

http::Handler Handlers::FacilitiesNearby() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        GeoPoint point = RequiredPoint(req);
        double radius = RadiusMeters(req.Query("radius"));
        int limit = Limit(req, 50, kMaxNearbyLimit);
        http::Response r = JsonOk(co_await svc->FacilitiesNearby(point, radius, limit));
        r.headers.Set("Content-Type", "application/geo+json");
        co_return r;
    };
}

http::Handler Handlers::Zip() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        const std::string zip(req.Param("zip"));
        if (zip.size() != 5 || zip.find_first_not_of("0123456789") != std::string::npos) {
            throw core::Invalid("zip", "must be a 5-digit US ZIP code");
        }
        auto body = co_await svc->Zip(zip);
        if (!body) {
            throw core::NotFound("ZIP " + zip + " is not in the ZIP gazetteer");
        }
        co_return JsonOk(std::move(*body));
    };
}

}  // namespace rounds::physicians
