#include "crm/handlers.h"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>

#include "core/error.h"
#include "core/npi.h"
#include "http/json.h"

namespace rounds::crm {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

CrmService& Svc(CrmService* s) {
    if (s == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "the CRM service is not configured");
    }
    return *s;
}

const http::Principal& Who(const Request& req) {
    if (!req.principal) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "authentication required");
    }
    return *req.principal;
}

auth::ClientInfo Client(const Request& req) {
    std::string ua(req.headers.Get("User-Agent").value_or(""));
    if (ua.size() > 300) {
        ua.resize(300);
    }
    return auth::ClientInfo{req.remote_addr, ua, req.request_id};
}

json::object Body(const Request& req, bool optional = false) {
    if (optional && req.body.empty()) {
        return {};
    }
    json::value v = http::ParseJsonBody(req);
    if (!v.is_object()) {
        throw core::Invalid("body", "must be a JSON object");
    }
    return std::move(v.as_object());
}

/// If-Match: "<version>" (quotes optional; W/ refused: versions are exact).
std::optional<int64_t> IfMatch(const Request& req) {
    auto h = req.headers.Get("If-Match");
    if (!h) {
        return std::nullopt;
    }
    std::string_view v = *h;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        v = v.substr(1, v.size() - 2);
    }
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
        throw core::Invalid("If-Match", "must be the ETag (version) of the record, e.g. \"3\"");
    }
    return n;
}

Response Record(int status, const Written& w) {
    Response r = Response::Json(status, w.json);
    r.headers.Set("ETag", "\"" + std::to_string(w.version) + "\"");
    r.headers.Set("Cache-Control", "private, no-cache");
    if (w.replayed) {
        r.headers.Set("Idempotent-Replayed", "true");
    }
    return r;
}

ListQuery ParseList(const Entity& e, const Request& req, bool exporting) {
    ListQuery q;
    for (const auto& [key, value] : req.query) {
        if (key == "limit") {
            int n = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || ptr != value.data() + value.size() || n < 1 || n > 200) {
                throw core::Invalid("limit", "must be a whole number from 1 to 200");
            }
            q.limit = n;
        } else if (key == "cursor") {
            q.cursor = value;
        } else if (key == "sort") {
            q.sort = value;
        } else if (key == "owner_id") {
            if (!tenancy::IsUuid(value)) {
                throw core::Invalid("owner_id", "must be a user id");
            }
            q.owner_id = value;
        } else if (key == "from") {
            q.from = value;
        } else if (key == "to") {
            q.to = value;
        } else if (key == "format" && exporting) {
            continue;
        } else if (const Field* f = e.Find(key); f != nullptr && f->filterable) {
            q.filter[key] = FilterValue(*f, value);
        } else {
            throw core::Invalid(key, "is not a filter of " + e.name);
        }
    }
    return q;
}

std::string ListBody(const ListPage& page) {
    std::string body = "{\"items\":[";
    for (size_t i = 0; i < page.items.size(); ++i) {
        body += (i ? "," : "") + page.items[i];
    }
    body += "],\"next_cursor\":";
    body += page.next_cursor ? "\"" + *page.next_cursor + "\"" : std::string("null");
    return body + "}";
}

}  // namespace

http::Handler Handlers::Create(const Entity& e) const {
    return [s = service, &e](Request& req) -> asio::awaitable<Response> {
        Written w = co_await Svc(s).Create(Who(req), e, Body(req), Client(req));
        Response r = Record(201, w);
        r.headers.Set("Location", "/api/v1/" + e.name + "/" + w.id);
        co_return r;
    };
}

http::Handler Handlers::List(const Entity& e) const {
    return [s = service, &e](Request& req) -> asio::awaitable<Response> {
        ListPage page = co_await Svc(s).List(Who(req), e, ParseList(e, req, false));
        Response r = Response::Json(200, ListBody(page));
        r.headers.Set("Cache-Control", "private, no-cache");
        co_return r;
    };
}

http::Handler Handlers::Get(const Entity& e) const {
    return [s = service, &e](Request& req) -> asio::awaitable<Response> {
        Written w = co_await Svc(s).Get(Who(req), e, std::string(req.Param("id")));
        co_return Record(200, w);
    };
}

http::Handler Handlers::Patch(const Entity& e) const {
    return [s = service, &e](Request& req) -> asio::awaitable<Response> {
        Written w =
            co_await Svc(s).Patch(Who(req), e, std::string(req.Param("id")), Body(req), IfMatch(req), Client(req));
        co_return Record(200, w);
    };
}

http::Handler Handlers::Delete(const Entity& e) const {
    return [s = service, &e](Request& req) -> asio::awaitable<Response> {
        Written w = co_await Svc(s).Delete(Who(req), e, std::string(req.Param("id")), IfMatch(req), Client(req));
        Response r;
        r.status = 204;
        r.headers.Set("ETag", "\"" + std::to_string(w.version) + "\"");
        co_return r;
    };
}

http::Handler Handlers::Export(const Entity& e) const {
    return [s = service, &e](Request& req) -> asio::awaitable<Response> {
        std::string format(req.Query("format").value_or("csv"));
        if (format != "csv" && format != "xlsx") {
            throw core::Invalid("format", "must be csv or xlsx");
        }
        auto file = co_await Svc(s).Export(Who(req), e, ParseList(e, req, true), format, Client(req));
        Response r = Response::Text(200, std::move(file.bytes), file.content_type);
        r.stream = std::move(file.stream);
        r.headers.Set("Content-Disposition", "attachment; filename=\"" + file.filename + "\"");
        r.headers.Set("Cache-Control", "private, no-store");
        if (format == "xlsx") {
            r.headers.Set("X-Row-Count", std::to_string(file.rows));  // a streamed CSV does not know it up front
        }
        co_return r;
    };
}

http::Handler Handlers::GetSettings() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        co_return Record(200, co_await Svc(s).GetSettings(Who(req)));
    };
}

http::Handler Handlers::PatchSettings() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        Written w = co_await Svc(s).PatchSettings(Who(req), Body(req), IfMatch(req), Client(req));
        co_return Record(200, w);
    };
}

http::Handler Handlers::SubmitCall() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        Written w = co_await Svc(s).SubmitCall(Who(req), std::string(req.Param("id")), Body(req, true), IfMatch(req),
                                               Client(req));
        co_return Record(200, w);
    };
}

http::Handler Handlers::AmendCall() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        Written w =
            co_await Svc(s).AmendCall(Who(req), std::string(req.Param("id")), Body(req), IfMatch(req), Client(req));
        co_return Record(201, w);
    };
}

http::Handler Handlers::Amendments() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        co_return Response::Json(200, co_await Svc(s).Amendments(Who(req), std::string(req.Param("id"))));
    };
}

http::Handler Handlers::DecideChangeRequest(bool approve) const {
    return [s = service, approve](Request& req) -> asio::awaitable<Response> {
        Written w = co_await Svc(s).DecideChangeRequest(Who(req), std::string(req.Param("id")), approve,
                                                        Body(req, true), IfMatch(req), Client(req));
        co_return Record(200, w);
    };
}

http::Handler Handlers::Overlay() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        auto npi = core::ParseNpi(req.Param("npi"));
        if (!npi) {
            throw core::Invalid("npi", "must be a 10-digit NPI with a valid check digit");
        }
        co_return Response::Json(200, co_await Svc(s).Overlay(Who(req), *npi));
    };
}

const std::vector<std::string>& ReportNames() {
    static const std::vector<std::string> kNames{
        "activity", "coverage", "pipeline", "spend", "sunshine", "call-plan-attainment", "sample-reconciliation"};
    return kNames;
}

namespace {

int CurrentYear() {
    auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return static_cast<int>(std::chrono::year_month_day(days).year());
}

int YearParam(const Request& req) {
    auto y = req.Query("year");
    if (!y) {
        return CurrentYear();
    }
    int n = 0;
    auto [ptr, ec] = std::from_chars(y->data(), y->data() + y->size(), n);
    if (ec != std::errc() || ptr != y->data() + y->size() || n < 2013 || n > 2100) {
        throw core::Invalid("year", "must be a program year from 2013 to 2100");
    }
    return n;
}

CrmService::ReportParams ParseReport(const Request& req) {
    CrmService::ReportParams p;
    p.year = YearParam(req);
    for (const auto& [key, value] : req.query) {
        if (key == "from" || key == "to") {
            if (!IsDate(value) && !IsTimestamp(value)) {
                throw core::Invalid(key, "must be a date YYYY-MM-DD or an RFC 3339 time");
            }
            (key == "from" ? p.from : p.to) = value;
        } else if (key == "cycle_start") {
            if (!IsDate(value)) {
                throw core::Invalid(key, "must be a date YYYY-MM-DD");
            }
            p.cycle_start = value;
        } else if (key == "npi") {
            p.npi = core::ParseNpi(value);
            if (!p.npi) {
                throw core::Invalid("npi", "must be a 10-digit NPI with a valid check digit");
            }
        } else if (key == "by") {
            if (value != "tier" && value != "decile") {
                throw core::Invalid("by", "must be tier or decile");
            }
            p.by = value;
        } else if (key == "market") {
            if (!tenancy::IsUuid(value)) {
                throw core::Invalid("market", "must be a market id (UUID)");
            }
            p.market = value;
        } else if (key == "year") {
            p.year_given = true;
        } else {
            throw core::Invalid(key,
                                "is not a parameter of this report (from, to, year, npi, cycle_start, by, market)");
        }
    }
    if (p.by == "decile" && !p.market) {
        throw core::Invalid("market", "is required with by=decile (the market whose deciles to use)");
    }
    if (p.market && p.by != "decile") {
        throw core::Invalid("by", "must be decile when a market is given");
    }
    return p;
}

}  // namespace

http::Handler Handlers::Report(std::string name) const {
    return [s = service, name](Request& req) -> asio::awaitable<Response> {
        CrmService::ReportParams params = ParseReport(req);
        if (name != "coverage" && (!params.by.empty() || params.market)) {
            throw core::Invalid(params.market ? "market" : "by", "is a parameter of the coverage report only");
        }
        std::string body = co_await Svc(s).Report(Who(req), name, std::move(params));
        Response r = Response::Json(200, std::move(body));
        r.headers.Set("Cache-Control", "private, no-cache");
        co_return r;
    };
}

http::Handler Handlers::SunshineExport() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        auto file = co_await Svc(s).SunshineExport(Who(req), YearParam(req), Client(req));
        Response r = Response::Text(200, std::move(file.bytes), file.content_type);
        r.headers.Set("Content-Disposition", "attachment; filename=\"" + file.filename + "\"");
        r.headers.Set("Cache-Control", "private, no-store");
        r.headers.Set("X-Row-Count", std::to_string(file.rows));
        co_return r;
    };
}

http::Handler Handlers::Import(std::string kind) const {
    return [s = service, kind](Request& req) -> asio::awaitable<Response> {
        auto ct = req.headers.Get("Content-Type").value_or("");
        if (!ct.starts_with("text/csv")) {
            throw core::Error(core::ErrorKind::kUnsupportedMediaType,
                              "an import body is text/csv (got \"" + std::string(ct) + "\")");
        }
        bool dry_run = false;
        for (const auto& [key, value] : req.query) {
            if (key != "dry_run" || (value != "true" && value != "false")) {
                throw core::Invalid(key, "the only parameter is dry_run=true|false");
            }
            dry_run = value == "true";
        }
        if (req.body_reader == nullptr) {
            throw core::Error(core::ErrorKind::kInternal, "the import route must stream its body");
        }
        auto result = co_await Svc(s).Import(Who(req), kind, *req.body_reader, dry_run, Client(req));
        bool has_errors = !result.applied && !dry_run;
        co_return Response::Json(result.applied ? 201 : has_errors ? 422 : 200, std::move(result.json));
    };
}

http::Handler Handlers::Reminders() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        int limit = 50;
        std::optional<std::string> cursor;
        for (const auto& [key, value] : req.query) {
            if (key == "limit") {
                auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
                if (ec != std::errc() || p != value.data() + value.size() || limit < 1 || limit > 200) {
                    throw core::Invalid("limit", "must be a whole number from 1 to 200");
                }
            } else if (key == "cursor") {
                cursor = value;
            } else {
                throw core::Invalid(key, "is not a parameter of this list (limit, cursor)");
            }
        }
        Response r = Response::Json(200, co_await Svc(s).Reminders(Who(req), limit, cursor));
        r.headers.Set("Cache-Control", "private, no-cache");
        co_return r;
    };
}

http::Handler Handlers::AcknowledgeReminder() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        co_return Record(200, co_await Svc(s).AcknowledgeReminder(Who(req), std::string(req.Param("id")), Client(req)));
    };
}

http::Handler Handlers::GetImport() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        co_return Record(200, co_await Svc(s).GetImport(Who(req), std::string(req.Param("id"))));
    };
}

http::Handler Handlers::ListImports() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        const Entity& e = EntityByName("imports");
        ListPage page = co_await Svc(s).List(Who(req), e, ParseList(e, req, false));
        co_return Response::Json(200, ListBody(page));
    };
}

http::Handler Handlers::RevertImport() const {
    return [s = service](Request& req) -> asio::awaitable<Response> {
        co_return Record(200, co_await Svc(s).RevertImport(Who(req), std::string(req.Param("id")), Client(req)));
    };
}

}  // namespace rounds::crm
