// CSV import of accounts, call plans and past calls keyed by NPI, and its revert.
//
// The body is streamed (no row cap; --import-body-limit): records are split as the bytes arrive and written in
// batches of kImportBatch lines, so memory does not grow with the file. Each line goes through the same checks
// as the API (CheckBody, references, restrictions); a bad line is reported with its line number and field and
// the next line still runs (a batch the database refused is rolled back to its savepoint and run again line by
// line). The whole import is one transaction: a dry run, or any bad line, rolls everything back; otherwise
// every touched row carries the import id and a journal line with the row as it was before, which is what a
// revert restores. The error report lists the first kMaxReportedErrors errors and counts the rest.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "auth/crypto.h"
#include "core/error.h"
#include "crm/csv.h"
#include "crm/service.h"
#include "crm/sql.h"
#include "db/sql_error.h"

namespace rounds::crm {

namespace asio = boost::asio;
namespace json = boost::json;
using core::Error;
using core::ErrorKind;

namespace {

std::string Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

/// A cell as the JSON the API would take for the field; a cell that does not parse stays a string, so the
/// field check reports it with the API's own message.
json::value CellValue(const Field& f, const std::string& cell) {
    switch (f.type) {
        case FieldType::kInt: {
            int64_t n = 0;
            auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), n);
            return ec == std::errc() && p == cell.data() + cell.size() ? json::value(n) : json::value(cell);
        }
        case FieldType::kNumeric:
        case FieldType::kDouble: {
            char* end = nullptr;
            double d = std::strtod(cell.c_str(), &end);
            return end != nullptr && *end == '\0' ? json::value(d) : json::value(cell);
        }
        case FieldType::kBool: {
            std::string l;
            for (char c : cell) {
                l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            if (l == "true" || l == "yes" || l == "1" || l == "y") {
                return true;
            }
            if (l == "false" || l == "no" || l == "0" || l == "n") {
                return false;
            }
            return json::value(json::string(cell));
        }
        case FieldType::kTextArray:
        case FieldType::kUuidArray:
        case FieldType::kNpiArray: {
            json::array a;
            size_t start = 0;
            while (start <= cell.size()) {
                size_t semi = cell.find(';', start);
                std::string part = Trim(
                    std::string_view(cell).substr(start, semi == std::string::npos ? std::string::npos : semi - start));
                if (!part.empty()) {
                    a.emplace_back(part);
                }
                if (semi == std::string::npos) {
                    break;
                }
                start = semi + 1;
            }
            return a;
        }
        case FieldType::kObject:
        case FieldType::kJson: {
            boost::system::error_code ec;
            json::value v = json::parse(cell, ec);
            return ec ? json::value(cell) : v;
        }
        default:
            return json::value(json::string(cell));
    }
}

/// The columns that identify an existing row of each import.
std::vector<std::string> NaturalKey(const std::string& kind) {
    if (kind == "accounts") {
        return {"npi"};
    }
    if (kind == "call-plans") {
        return {"npi", "cycle_start", "channel"};
    }
    return {"npi", "starts_at", "channel"};
}

[[noreturn]] void Fail(ErrorKind kind, std::string field, std::string message) {
    std::string detail = field + ": " + message;
    std::vector<core::FieldError> fields;
    fields.push_back(core::FieldError{std::move(field), std::move(message)});
    throw Error(kind, detail, std::move(fields));
}

struct LineError {
    size_t line;
    std::string field, message;
};

}  // namespace

struct CrmService::CsvLine {
    size_t line = 0;
    std::vector<std::string> row;
};

/// The state of one import while it runs: its columns, counters and the errors reported so far (capped).
struct CrmService::ImportRun {
    explicit ImportRun(tenancy::Scope s) : scope(std::move(s)) {}
    const Entity* entity = nullptr;
    const sql::EntitySql* sql = nullptr;
    tenancy::Scope scope;
    std::string kind, import_id;
    std::vector<std::string> header;
    std::vector<const Field*> columns;
    std::vector<std::string> keys;
    size_t total = 0, created = 0, updated = 0;
    size_t error_count = 0;  // every error, reported or not
    std::vector<LineError> errors;

    void AddError(size_t line, std::string field, std::string message) {
        ++error_count;
        if (errors.size() < kMaxReportedErrors) {
            errors.push_back(LineError{line, std::move(field), std::move(message)});
        }
    }
};

namespace {

/// Records from the request body, read 64 KiB at a time as they are needed.
class BodyRecords {
  public:
    explicit BodyRecords(http::BodyReader& body) : body_(body) {}
    asio::awaitable<bool> Next(CsvRecord& record) {
        while (!splitter_.Pop(record)) {
            if (ended_) {
                co_return false;
            }
            chunk_.clear();
            const bool got = co_await body_.Read(chunk_, 64 * 1024);
            if (got) {
                splitter_.Feed(chunk_);
            } else {
                ended_ = true;
                splitter_.Finish();
            }
        }
        co_return true;
    }

  private:
    http::BodyReader& body_;
    CsvSplitter splitter_;
    std::string chunk_;
    bool ended_ = false;
};

/// Lines written between two savepoints: large enough that savepoints cost little, small enough that a batch
/// run again line by line (after the database refused one of its lines) stays cheap, and memory stays small.
constexpr size_t kImportBatch = 500;

bool IsLineError(const Error& e) {
    return e.Kind() != ErrorKind::kUnavailable && e.Kind() != ErrorKind::kInternal;
}

}  // namespace

asio::awaitable<bool> CrmService::ImportLine(db::Lease& lease, ImportRun& run, const CsvLine& line) {
    const Entity& e = *run.entity;
    const auto& s = *run.sql;
    const tenancy::Scope& scope = run.scope;
    const auto& row = line.row;
    json::object body;
    std::optional<std::string> owner_email;
    for (size_t i = 0; i < row.size(); ++i) {
        std::string cell = Trim(row[i]);
        if (cell.empty()) {
            continue;
        }
        if (run.header[i] == "owner_email") {
            owner_email = cell;
        } else if (run.columns[i] == nullptr) {
            body[run.header[i]] = cell;
        } else {
            body[run.header[i]] = CellValue(*run.columns[i], cell);
        }
    }
    if (owner_email) {
        db::Result u = co_await lease.Exec(sql::kUserByEmail, scope.org.Str(), *owner_email);
        if (u.Rows() == 0) {
            Fail(ErrorKind::kUnprocessable, "owner_email", "no user " + *owner_email + " in your team");
        }
        body["owner_id"] = std::string(u.Get(0, 0));
    }
    std::optional<std::string> client_id;
    if (const json::value* c = body.if_contains("client_id"); c && c->is_string()) {
        client_id = std::string(c->as_string());
    }
    json::object probe = body;
    probe.erase("client_id");
    CheckedBody key = CheckBody(e, probe, false);  // shapes first, so the key lookup binds clean values
    for (const auto& k : run.keys) {
        if (!key.fields.contains(k) || key.fields.at(k).is_null()) {
            throw core::Invalid(k, "is required (the natural key)");
        }
    }
    std::string owner = key.owner_id.value_or(scope.user_id);
    std::string npi = json::serialize(key.fields.at("npi"));
    // The existing row of this natural key (or client_id), as id, version and JSON.
    std::optional<std::string> found_id;
    db::Result found;
    if (run.kind == "accounts") {
        found = co_await lease.Exec(sql::kAccountByNpi, scope.org.Str(), npi);
    } else if (run.kind == "call-plans") {
        found = co_await lease.Exec(sql::kPlanByKey, scope.org.Str(), owner, npi,
                                    std::string(key.fields.at("cycle_start").as_string()),
                                    std::string(key.fields.at("channel").as_string()));
    } else {
        found = co_await lease.Exec(sql::kCallByKey, scope.org.Str(), owner, npi,
                                    std::string(key.fields.at("starts_at").as_string()),
                                    std::string(key.fields.at("channel").as_string()));
    }
    std::string found_json;
    if (found.Rows() > 0) {
        found_id = std::string(found.Get(0, 0));
        found_json = std::string(found.Get(0, 2));
    } else if (client_id) {
        db::Result by = co_await lease.Exec(s.by_client_id, scope.org.Str(), *client_id);
        if (by.Rows() > 0) {
            std::string by_id(by.Get(0, 2));
            db::Result locked = co_await lease.Exec(s.lock, scope.org.Str(), by_id);
            if (locked.Rows() > 0) {
                found_id = by_id;
                found_json = std::string(locked.Get(0, 2));
            }
        }
    }
    // Every check above and in BeforeWrite only reads: a line refused by them has written nothing.
    std::string id;
    std::optional<std::string> before;
    bool created = false;
    if (found_id) {
        id = *found_id;
        json::object merged = json::parse(found_json).as_object();
        if (merged["locked"] == true) {
            Fail(ErrorKind::kConflict, "starts_at", "matches a submitted (locked) call");
        }
        before = found_json;
        for (const auto& [k, v] : key.fields) {
            merged[k] = v;
        }
        std::string row_owner = merged["owner_id"].is_string() ? std::string(merged["owner_id"].as_string()) : "";
        co_await CheckOwner(lease, scope, e, key.owner_id);
        co_await BeforeWrite(lease, scope, e, merged, key.fields, json::object(), false, row_owner);
        db::Param new_owner = key.owner_id ? db::Param(*key.owner_id) : db::Param();
        co_await lease.Exec(s.update, scope.org.Str(), id, json::serialize(key.fields), new_owner);
    } else {
        CheckedBody full = CheckBody(e, body, true);
        co_await CheckOwner(lease, scope, e, full.owner_id);
        co_await BeforeWrite(lease, scope, e, full.fields, full.fields, json::object(), true, owner);
        db::Result ins = co_await lease.Exec(s.insert, scope.org.Str(), client_id, owner, scope.user_id,
                                             json::serialize(full.fields));
        if (ins.Rows() == 0) {
            Fail(ErrorKind::kConflict, "client_id", "is already used by another record");
        }
        id = std::string(ins.Get(0, 0));
        created = true;
    }
    db::Param before_param = before ? db::Param(*before) : db::Param();
    co_await lease.Exec(s.journal_import, scope.org.Str(), id, run.import_id, e.table, before_param);
    co_return created;
}

asio::awaitable<void> CrmService::ImportBatch(db::Lease& lease, ImportRun& run, const std::vector<CsvLine>& batch) {
    co_await lease.Command("SAVEPOINT import_batch");
    // Fast path: no savepoint per line. A line refused by our own checks wrote nothing and the transaction is
    // intact; only an error from the database (a constraint) aborts it.
    size_t created = 0, updated = 0;
    std::vector<std::pair<size_t, core::FieldError>> errors;
    bool database_refused = false;
    for (const auto& line : batch) {
        std::optional<Error> refused;
        try {
            const bool made = co_await ImportLine(lease, run, line);
            ++(made ? created : updated);
        } catch (const Error& err) {
            if (!IsLineError(err)) {
                throw;
            }
            refused = err;
        } catch (const db::SqlError&) {
            database_refused = true;
        }
        if (database_refused) {
            break;
        }
        if (refused) {
            auto fields = refused->Fields();
            if (fields.empty()) {
                fields.push_back(core::FieldError{std::string(), refused->Detail()});
            }
            for (auto& f : fields) {
                errors.emplace_back(line.line, std::move(f));
            }
        }
    }
    if (database_refused) {
        // Slow path: undo the batch and run it again with a savepoint per line, so the refused line is reported
        // and the others are kept.
        co_await lease.Command("ROLLBACK TO SAVEPOINT import_batch");
        created = updated = 0;
        errors.clear();
        for (const auto& line : batch) {
            co_await lease.Command("SAVEPOINT import_line");
            std::vector<core::FieldError> line_errors;
            bool ok = false;
            try {
                const bool made = co_await ImportLine(lease, run, line);
                ++(made ? created : updated);
                ok = true;
            } catch (const Error& err) {
                if (!IsLineError(err)) {
                    throw;
                }
                line_errors = err.Fields();
                if (line_errors.empty()) {
                    line_errors.push_back(core::FieldError{std::string(), err.Detail()});
                }
            } catch (const db::SqlError& err) {
                line_errors.push_back(core::FieldError{std::string(), db::MapSqlError(err).Detail()});
            }
            co_await lease.Command(ok ? "RELEASE SAVEPOINT import_line" : "ROLLBACK TO SAVEPOINT import_line");
            for (auto& f : line_errors) {
                errors.emplace_back(line.line, std::move(f));
            }
        }
    }
    co_await lease.Command("RELEASE SAVEPOINT import_batch");
    run.created += created;
    run.updated += updated;
    for (auto& [line, f] : errors) {
        run.AddError(line, std::move(f.field), std::move(f.message));
    }
}

asio::awaitable<CrmService::ImportResult> CrmService::Import(const http::Principal& who, std::string kind,
                                                             http::BodyReader& body, bool dry_run,
                                                             auth::ClientInfo client) {
    if (kind != "accounts" && kind != "call-plans" && kind != "calls") {
        throw core::NotFound("no import of " + kind + " (accounts, call-plans, calls)");
    }
    ImportRun run(tenancy::ScopeOf(who));
    run.entity = &EntityByName(kind);
    run.sql = &sql::For(*run.entity);
    run.kind = kind;
    const Entity& e = *run.entity;
    const tenancy::Scope& scope = run.scope;
    BodyRecords records(body);
    CsvRecord rec;
    // (GCC 12: no co_await inside a || expression; it miscompiles the right-hand side.)
    const bool has_header = co_await records.Next(rec);
    if (!has_header || (rec.fields.size() == 1 && Trim(rec.fields[0]).empty())) {
        throw core::Invalid("body", "is empty: send a CSV file with a header line");
    }
    run.header = std::move(rec.fields);
    std::vector<LineError> errors;
    std::set<std::string, std::less<>> names;
    for (auto& h : run.header) {
        h = Trim(h);
        const Field* f = e.Find(h);
        bool special = h == "owner_email" || h == "owner_id" || h == "client_id";
        if ((f == nullptr || f->read_only) && !special) {
            errors.push_back({1, h, "is not a column of a " + e.singular + " import"});
        }
        if (!names.insert(h).second) {
            errors.push_back(LineError{1, h, std::string("appears twice")});
        }
        run.columns.push_back(f != nullptr && !f->read_only ? f : nullptr);
    }
    run.keys = NaturalKey(kind);
    for (const auto& k : run.keys) {
        if (!names.contains(k)) {
            errors.push_back(LineError{1, k, std::string("is a required column (the natural key)")});
        }
    }
    if (!errors.empty()) {
        json::array list;
        for (const auto& x : errors) {
            list.push_back(json::object{{"line", x.line}, {"field", x.field}, {"message", x.message}});
        }
        Fail(ErrorKind::kInvalid, "header", "is not a " + e.singular + " import: " + json::serialize(list));
    }

    run.import_id = auth::NewUuid();
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    // The statements of a line are planned for each execution: a table that starts nearly empty grows by the
    // import inside this transaction, and a generic plan made while it was small (the owner index under RLS
    // instead of the primary key) would make every later line scan the caller's rows: quadratic.
    co_await lease.Command("SET LOCAL plan_cache_mode = force_custom_plan");
    std::string job_kind = kind == "call-plans" ? std::string("call_plans") : kind;
    co_await lease.Exec(sql::kInsertImport, scope.org.Str(), run.import_id, scope.user_id, job_kind, 0, 0, 0);
    std::vector<CsvLine> batch;
    batch.reserve(kImportBatch);
    size_t next_analyze = 1000;
    bool more = true;
    while (more) {
        more = co_await records.Next(rec);
        if (more) {
            if (rec.fields.size() == 1 && Trim(rec.fields[0]).empty()) {
                continue;  // blank line
            }
            ++run.total;
            if (rec.fields.size() != run.header.size()) {
                run.AddError(rec.line, std::string(),
                             "has " + std::to_string(rec.fields.size()) + " fields; the header has " +
                                 std::to_string(run.header.size()));
                continue;
            }
            batch.push_back(CsvLine{rec.line, std::move(rec.fields)});
        }
        if (batch.size() >= kImportBatch || (!more && !batch.empty())) {
            co_await ImportBatch(lease, run, batch);
            batch.clear();
            if (run.total >= next_analyze) {
                // Statistics that count this transaction's own rows (migration 0037), at 1,000 lines and then
                // each time the import has quadrupled: a few ANALYZEs whatever the size.
                co_await lease.Exec(sql::kAnalyzeImportTarget, run.kind);
                next_analyze *= 4;
            }
        }
    }
    std::sort(run.errors.begin(), run.errors.end(),
              [](const LineError& a, const LineError& b) { return a.line < b.line; });
    json::array error_list;
    for (const auto& x : run.errors) {
        error_list.push_back(json::object{{"line", x.line}, {"field", x.field}, {"message", x.message}});
    }
    ImportResult result;
    result.applied = !dry_run && run.error_count == 0;
    json::object out{{"import_id", result.applied ? json::value(run.import_id) : json::value(nullptr)},
                     {"kind", kind},
                     {"dry_run", dry_run},
                     {"applied", result.applied},
                     {"rows_total", run.total},
                     {"rows_created", run.created},
                     {"rows_updated", run.updated},
                     {"errors", std::move(error_list)},
                     {"errors_total", run.error_count},
                     {"errors_not_listed", run.error_count - run.errors.size()}};
    if (result.applied) {
        co_await lease.Exec(sql::kImportCounts, scope.org.Str(), run.import_id, run.total, run.created, run.updated);
        json::object detail{{"kind", kind}, {"rows", run.total}, {"created", run.created}, {"updated", run.updated}};
        co_await Audit(lease, scope, "crm.import", "import", run.import_id, std::nullopt, std::nullopt,
                       json::serialize(detail), client);
        co_await tx.Commit();
    } else {
        co_await tx.Rollback();
    }
    result.json = json::serialize(out);
    co_return result;
}

asio::awaitable<Written> CrmService::GetImport(const http::Principal& who, std::string id) {
    return Get(who, EntityByName("imports"), std::move(id));
}

asio::awaitable<Written> CrmService::RevertImport(const http::Principal& who, std::string id, auth::ClientInfo client) {
    const Entity& imports = EntityByName("imports");
    if (!tenancy::IsUuid(id)) {
        throw core::NotFound("no such import");
    }
    tenancy::Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result job = co_await lease.Exec(sql::For(imports).lock, scope.org.Str(), id);
    if (job.Rows() == 0) {
        throw core::NotFound("no such import");
    }
    json::object j = json::parse(job.Get(0, 2)).as_object();
    if (j["status"] != "applied") {
        throw Error(ErrorKind::kConflict, "the import is " + std::string(j["status"].as_string()));
    }
    db::Result journal = co_await lease.Exec(sql::kJournal, scope.org.Str(), id);
    if (journal.Rows() >= 1000) {
        // The imported rows may be newer than the table's statistics (see the import): count them first.
        std::string kind(j["kind"].as_string());
        if (kind == "call_plans") {
            kind = "call-plans";  // (a named string: GCC 12 mishandles a conditional temporary inside co_await)
        }
        co_await lease.Exec(sql::kAnalyzeImportTarget, kind);
    }
    co_await lease.Command("SET LOCAL plan_cache_mode = force_custom_plan");
    std::vector<core::FieldError> conflicts;
    for (int i = 0; i < journal.Rows(); ++i) {
        std::string table(journal.Get(i, 0)), row_id(journal.Get(i, 1));
        const Entity* e = nullptr;
        for (const auto& x : Entities()) {
            if (x.table == table) {
                e = &x;
            }
        }
        const auto& s = sql::For(*e);
        db::Result cur = co_await lease.Exec(s.lock, scope.org.Str(), row_id);
        if (cur.Rows() == 0 || cur.GetInt(0, 0) != journal.GetInt(i, 3)) {
            std::string why = cur.Rows() == 0 ? "was deleted or is not visible to you" : "changed since the import";
            conflicts.push_back(core::FieldError{e->name + "/" + row_id, why});
            continue;
        }
        if (journal.IsNull(i, 2)) {
            co_await lease.Exec(s.remove, scope.org.Str(), row_id);
        } else {
            json::object before = json::parse(journal.Get(i, 2)).as_object();
            json::object fields;
            for (const auto& f : e->fields) {
                if (!f.read_only && before.contains(f.name)) {
                    fields[f.name] = before[f.name];
                }
            }
            db::Param owner =
                before["owner_id"].is_string() ? db::Param(std::string(before["owner_id"].as_string())) : db::Param();
            co_await lease.Exec(s.update, scope.org.Str(), row_id, json::serialize(fields), owner);
        }
    }
    if (!conflicts.empty()) {
        throw Error(ErrorKind::kConflict,
                    std::to_string(conflicts.size()) + " row(s) of the import changed since; nothing was reverted",
                    conflicts);
    }
    co_await lease.Exec(sql::kRevertedImport, scope.org.Str(), id);
    co_await Audit(lease, scope, "crm.import.revert", "import", id, std::nullopt, std::nullopt, std::nullopt, client);
    Written w;
    db::Result r = co_await lease.Exec(sql::For(imports).by_id, scope.org.Str(), id);
    w.json = std::string(r.Get(0, 0));
    w.version = r.GetInt(0, 1);
    w.id = id;
    co_await tx.Commit();
    co_return w;
}

}  // namespace rounds::crm
