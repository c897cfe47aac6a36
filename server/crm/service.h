#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/service.h"
#include "crm/entity.h"
#include "db/pool.h"
#include "http/request.h"
#include "tenancy/tenancy.h"

namespace boost::asio {
class thread_pool;
}

namespace rounds::crm {

/// A record as the API returns it: its JSON and version (the ETag).
struct Written {
    std::string json;
    int64_t version = 0;
    std::string id;
    bool created = false;   // a new row (201)
    bool replayed = false;  // a create retried with a known client_id: the row it made, nothing new
};

struct ListQuery {
    std::string sort;                   // "field" or "-field"; empty: the entity's default
    std::optional<std::string> cursor;  // as returned by a previous page
    int limit = 50;
    boost::json::object filter;  // field → value: rows whose JSON contains it
    std::optional<std::string> owner_id, from, to;
};

struct ListPage {
    std::vector<std::string> items;  // JSON objects
    std::optional<std::string> next_cursor;
};

/// The organisation's CRM settings used by validation and reports.
struct Settings {
    boost::json::array stages;  // [{name, probability}]
    std::vector<std::string> sampling_states;
    boost::json::object spend_caps;
    double op_min_item = 13.82;
    double op_annual_threshold = 138.13;
    boost::json::value account_schema;
    std::vector<std::string> call_types;
};

/// Open Payments "nature of payment" values of general payments, and forms of payment.
const std::vector<std::string>& NatureOfPaymentValues();
const std::vector<std::string>& FormOfPaymentValues();

/// The CRM service: one generic create / get / patch / delete / list for every entity of entity.cpp, plus the
/// rules of calls (samples, spend, restrictions, submission, amendments), settings and change requests.
/// Every call runs in one tenant transaction (tenancy::Begin), so a request either writes everything or
/// nothing; the change log is written by triggers in the same transaction.
class CrmService {
  public:
    CrmService(db::Pool& pool, std::string storage_dir) : pool_(pool), storage_dir_(std::move(storage_dir)) {}

    boost::asio::awaitable<Written> Create(const http::Principal& who, const Entity& entity, boost::json::object body,
                                           auth::ClientInfo client);
    boost::asio::awaitable<Written> Get(const http::Principal& who, const Entity& entity, std::string id);
    /// `if_match` is required: a PATCH without it is refused with 412 (there is no unconditional overwrite).
    boost::asio::awaitable<Written> Patch(const http::Principal& who, const Entity& entity, std::string id,
                                          boost::json::object body, std::optional<int64_t> if_match,
                                          auth::ClientInfo client);
    /// Soft delete; If-Match optional (checked when given).
    boost::asio::awaitable<Written> Delete(const http::Principal& who, const Entity& entity, std::string id,
                                           std::optional<int64_t> if_match, auth::ClientInfo client);
    boost::asio::awaitable<ListPage> List(const http::Principal& who, const Entity& entity, ListQuery query);

    boost::asio::awaitable<Written> GetSettings(const http::Principal& who);
    boost::asio::awaitable<Written> PatchSettings(const http::Principal& who, boost::json::object body,
                                                  std::optional<int64_t> if_match, auth::ClientInfo client);

    /// Completes, signs and locks a call.
    boost::asio::awaitable<Written> SubmitCall(const http::Principal& who, std::string id, boost::json::object body,
                                               std::optional<int64_t> if_match, auth::ClientInfo client);
    /// Corrects a submitted call; keeps before/after in crm.call_amendment and the audit log.
    boost::asio::awaitable<Written> AmendCall(const http::Principal& who, std::string id, boost::json::object body,
                                              std::optional<int64_t> if_match, auth::ClientInfo client);
    boost::asio::awaitable<std::string> Amendments(const http::Principal& who, std::string id);

    /// An admin approves (overriding the public data in this organisation's views) or rejects a change request.
    boost::asio::awaitable<Written> DecideChangeRequest(const http::Principal& who, std::string id, bool approve,
                                                        boost::json::object body, std::optional<int64_t> if_match,
                                                        auth::ClientInfo client);
    /// The organisation's overrides in force for one physician.
    boost::asio::awaitable<std::string> Overlay(const http::Principal& who, int64_t npi);

    /// Every row of the filtered list as CSV or XLSX (libxlsxwriter); audited as crm.export.
    /// A file for download: `bytes`, or (exports) `stream` with the body produced while it is sent; `rows` is 0
    /// when not known up front (a streamed CSV).
    struct ExportFile {
        std::string content_type, filename, bytes;
        size_t rows = 0;
        std::shared_ptr<http::BodyStream> stream;
    };
    boost::asio::awaitable<ExportFile> Export(const http::Principal& who, const Entity& entity, ListQuery query,
                                              std::string format, auth::ClientInfo client);

    /// Reports (reports.cpp), scoped like every read: a rep's own rows, a manager's team, an admin's organisation.
    struct ReportParams {
        std::optional<std::string> from, to, cycle_start;
        int year = 0;
        bool year_given = false;
        std::optional<int64_t> npi;
        std::string by;  // coverage: "tier" (default) or "decile" (with `market`)
        std::optional<std::string> market;
    };
    /// `name`: activity, coverage, pipeline, spend, sunshine, call-plan-attainment, sample-reconciliation.
    /// Coverage by=decile&market=<id> groups by the market's national decile (data year: `year`, else the
    /// latest computed); an unknown or foreign market is 404.
    boost::asio::awaitable<std::string> Report(const http::Principal& who, std::string name, ReportParams params);
    /// The Open Payments general-payment submission layout (CSV) of one program year; admins; audited.
    boost::asio::awaitable<ExportFile> SunshineExport(const http::Principal& who, int year, auth::ClientInfo client);

    /// CSV import (import.cpp) of accounts, call plans or past calls keyed by NPI: creates or updates, one
    /// transaction, every bad line reported (line, field, why; the first kMaxReportedErrors, and how many more);
    /// with errors or dry_run nothing is kept. The body is read from `body` as it arrives and written in batches:
    /// memory does not grow with the file.
    struct ImportResult {
        std::string json;
        bool applied = false;
    };
    static constexpr size_t kMaxReportedErrors = 1000;
    boost::asio::awaitable<ImportResult> Import(const http::Principal& who, std::string kind, http::BodyReader& body,
                                                bool dry_run, auth::ClientInfo client);
    /// Undoes a whole import from its journal (created rows soft-deleted, updated rows restored); refused when a
    /// touched row changed since.
    boost::asio::awaitable<Written> RevertImport(const http::Principal& who, std::string id, auth::ClientInfo client);
    boost::asio::awaitable<Written> GetImport(const http::Principal& who, std::string id);

    /// Task reminders (reminders.cpp): the caller's own due, unacknowledged reminders (cursor pages), and the
    /// assignee's acknowledgement (403 for anyone else who can see the task, 409 when not due or done already).
    boost::asio::awaitable<std::string> Reminders(const http::Principal& who, int limit,
                                                  std::optional<std::string> cursor);
    boost::asio::awaitable<Written> AcknowledgeReminder(const http::Principal& who, std::string task_id,
                                                        auth::ClientInfo client);

    /// The largest import body (--import-body-limit); the import routes stream up to it.
    void SetImportBodyLimit(uint64_t bytes) { import_body_limit_ = bytes; }
    /// The pool XLSX exports are written on (required for them).
    void SetCpuPool(boost::asio::thread_pool* pool) { cpu_pool_ = pool; }
    /// Called after a commit that changed approved physician corrections (the physician profile's caches).
    void SetOverridesChanged(std::function<void()> hook) { overrides_changed_ = std::move(hook); }
    uint64_t ImportBodyLimit() const { return import_body_limit_; }

    db::Pool& Pool() { return pool_; }
    const std::string& StorageDir() const { return storage_dir_; }

    /// Writes an audit record (export, submission, amendment...) in the caller's transaction.
    static boost::asio::awaitable<void> Audit(db::Lease& lease, const tenancy::Scope& scope, std::string action,
                                              std::string target_type, std::string target_id,
                                              std::optional<std::string> before, std::optional<std::string> after,
                                              std::optional<std::string> detail, const auth::ClientInfo& client);

  private:
    struct Draft;
    struct ImportRun;
    struct CsvLine;
    /// One line of an import: create (returns true) or update (false) the row of its natural key; throws
    /// core::Error naming the field for a bad line, db::SqlError when the database refused it.
    boost::asio::awaitable<bool> ImportLine(db::Lease& lease, ImportRun& run, const CsvLine& line);
    /// One batch of lines inside a savepoint; lines run without a savepoint of their own unless the database
    /// refuses one of them, then the batch is rolled back and run again line by line.
    boost::asio::awaitable<void> ImportBatch(db::Lease& lease, ImportRun& run, const std::vector<CsvLine>& batch);
    boost::asio::awaitable<Settings> LoadSettings(db::Lease& lease, const tenancy::Scope& scope);
    boost::asio::awaitable<void> CheckRefs(db::Lease& lease, const tenancy::Scope& scope, const Entity& entity,
                                           const boost::json::object& fields);
    boost::asio::awaitable<void> CheckOwner(db::Lease& lease, const tenancy::Scope& scope, const Entity& entity,
                                            const std::optional<std::string>& owner);
    /// What the checks of one call write read once and share: the physician's restrictions and the products of
    /// the call (discussed and sampled), so that writing the samples does not read them again.
    struct CallFacts {
        bool loaded = false;
        bool npi_checked = false;                              // the call's NPI was just found in the public data
        std::vector<std::array<std::string, 3>> restrictions;  // kind, product id, reason
        std::set<std::string, std::less<>> queried;            // product ids asked for
        struct Product {
            std::string name;
            bool active = false, sampleable = false;
        };
        std::map<std::string, Product, std::less<>> products;  // those found
    };
    /// Reads the physician's restrictions and the given products of the organisation into `out`.
    boost::asio::awaitable<void> ReadCallFacts(db::Lease& lease, const tenancy::Scope& scope, const std::string& npi,
                                               const std::vector<std::string>& product_ids, CallFacts& out);
    boost::asio::awaitable<void> BeforeWrite(db::Lease& lease, const tenancy::Scope& scope, const Entity& entity,
                                             const boost::json::object& merged, const boost::json::object& changed,
                                             const boost::json::object& body, bool create, std::string& owner,
                                             CallFacts* facts = nullptr);
    boost::asio::awaitable<void> AfterInsert(db::Lease& lease, const tenancy::Scope& scope, const Entity& entity,
                                             const std::string& id, const std::string& owner,
                                             const boost::json::object& merged, const boost::json::object& body,
                                             const auth::ClientInfo& client, const CallFacts* facts = nullptr);
    boost::asio::awaitable<void> WriteCallChildren(db::Lease& lease, const tenancy::Scope& scope,
                                                   const std::string& call_id, const std::string& owner,
                                                   const boost::json::object& call, const boost::json::object& body,
                                                   const CallFacts* facts = nullptr);
    boost::asio::awaitable<Written> Load(db::Lease& lease, const tenancy::Scope& scope, const Entity& entity,
                                         const std::string& id);
    std::pair<std::string, std::string> StoreSignature(const tenancy::Scope& scope, const std::string& base64);

    db::Pool& pool_;
    std::string storage_dir_;
    uint64_t import_body_limit_ = uint64_t{1} << 30;
    boost::asio::thread_pool* cpu_pool_ = nullptr;
    std::function<void()> overrides_changed_;
};

}  // namespace rounds::crm
