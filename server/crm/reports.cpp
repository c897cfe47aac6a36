// Manager and compliance reports. Each is one SQL statement (sql.h, namespace reports) that PostgreSQL turns
// into the response JSON; the statements repeat the row-visibility rule of the policies, so a manager's
// report covers their team and an admin's the organisation.
#include <boost/json.hpp>

#include "core/error.h"
#include "crm/service.h"
#include "crm/sql.h"

namespace rounds::crm {

namespace asio = boost::asio;
namespace rep = sql::reports;

namespace {

db::Param Opt(const std::optional<std::string>& v) {
    return v ? db::Param(*v) : db::Param();
}

std::string CsvField(std::string_view v) {
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(v);
    }
    std::string out = "\"";
    for (char c : v) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

}  // namespace

asio::awaitable<std::string> CrmService::Report(const http::Principal& who, std::string name, ReportParams p) {
    tenancy::Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    co_await lease.Exec(sql::kEnsureSettings, scope.org.Str(), scope.user_id);
    db::Param from = Opt(p.from), to = Opt(p.to);
    db::Result r;
    if (name == "activity") {
        r = co_await lease.Exec(rep::kActivity, scope.org.Str(), from, to);
    } else if (name == "coverage" && p.by == "decile") {
        db::Param year = p.year_given ? db::Param(std::to_string(p.year)) : db::Param();
        r = co_await lease.Exec(rep::kCoverageByDecile, scope.org.Str(), from, to, *p.market, year);
        if (r.Rows() == 0) {
            throw core::NotFound("no market " + *p.market);
        }
    } else if (name == "coverage") {
        r = co_await lease.Exec(rep::kCoverage, scope.org.Str(), from, to);
    } else if (name == "pipeline") {
        r = co_await lease.Exec(rep::kPipeline, scope.org.Str());
    } else if (name == "spend") {
        r = co_await lease.Exec(rep::kSpend, scope.org.Str(), from, to);
    } else if (name == "sunshine") {
        db::Param npi = p.npi ? db::Param(std::to_string(*p.npi)) : db::Param();
        r = co_await lease.Exec(rep::kSunshine, scope.org.Str(), p.year, npi);
    } else if (name == "call-plan-attainment") {
        r = co_await lease.Exec(rep::kAttainment, scope.org.Str(), Opt(p.cycle_start));
    } else if (name == "sample-reconciliation") {
        r = co_await lease.Exec(rep::kReconciliation, scope.org.Str());
    } else {
        throw core::NotFound("no report " + name);
    }
    co_await tx.Commit();
    std::string body(r.Get(0, 0));
    if (!body.empty() && body.front() == '[') {
        body = "{\"items\":" + body + "}";
    }
    co_return body;
}

asio::awaitable<CrmService::ExportFile> CrmService::SunshineExport(const http::Principal& who, int year,
                                                                   auth::ClientInfo client) {
    tenancy::Scope scope = tenancy::ScopeOf(who);
    if (scope.role != "admin") {
        throw core::Error(core::ErrorKind::kForbidden, "the Open Payments file is the organisation's: admins only");
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    co_await lease.Exec(sql::kEnsureSettings, scope.org.Str(), scope.user_id);
    db::Result r = co_await lease.Exec(rep::kSunshineRows, scope.org.Str(), year);
    // The column layout of the CMS Open Payments general payment record (bulk upload template); fields this
    // system does not hold (third-party payments, ownership, travel location) are left empty or "No".
    static const char* kHeader =
        "Change Type,Covered Recipient Type,Teaching Hospital CCN,Teaching Hospital Name,Covered Recipient NPI,"
        "Covered Recipient First Name,Covered Recipient Middle Name,Covered Recipient Last Name,"
        "Covered Recipient Name Suffix,Recipient Primary Business Street Address Line1,"
        "Recipient Primary Business Street Address Line2,Recipient City,Recipient State,Recipient Zip Code,"
        "Recipient Country,Covered Recipient Primary Type 1,Covered Recipient Specialty 1,"
        "Covered Recipient License State code1,Total Amount of Payment USDollars,Date of Payment,"
        "Number of Payments Included in Total Amount,Form of Payment or Transfer of Value,"
        "Nature of Payment or Transfer of Value,City of Travel,State of Travel,Country of Travel,"
        "Physician Ownership Indicator,Third Party Payment Recipient Indicator,"
        "Name of Third Party Entity Receiving Payment or Transfer of Value,Charity Indicator,"
        "Third Party Equals Covered Recipient Indicator,Contextual Information,Delay in Publication Indicator,"
        "Record ID,Related Product Indicator,Name of Drug or Biological or Device or Medical Supply 1\r\n";
    std::string out = kHeader;
    for (int i = 0; i < r.Rows(); ++i) {
        auto f = [&](int c) { return CsvField(r.Get(i, c)); };
        std::string products(r.Get(i, 18));
        out += "NEW,Covered Recipient Physician,,," + f(1) + "," + f(2) + "," + f(3) + "," + f(4) + "," + f(5) + "," +
               f(6) + "," + f(7) + "," + f(8) + "," + f(9) + "," + f(10) + ",United States,Medical Doctor," + f(11) +
               "," + f(12) + "," + f(13) + "," + f(14) + ",1," + f(15) + "," + f(16) +
               ",,,,No,No Third Party Payment,,No,," + f(17) + ",No," + f(0) + "," + (products.empty() ? "No" : "Yes") +
               "," + CsvField(products) + "\r\n";
    }
    co_await Audit(lease, scope, "crm.export", "open_payments", std::to_string(year), std::nullopt, std::nullopt,
                   "{\"format\":\"open_payments_general_csv\",\"year\":" + std::to_string(year) +
                       ",\"rows\":" + std::to_string(r.Rows()) + "}",
                   client);
    co_await tx.Commit();
    ExportFile file;
    file.content_type = "text/csv; charset=utf-8";
    file.filename = "open-payments-general-" + std::to_string(year) + ".csv";
    file.bytes = std::move(out);
    file.rows = static_cast<size_t>(r.Rows());
    co_return file;
}

}  // namespace rounds::crm
