// CSV and XLSX export of exactly the filtered list: the list statement of the entity, paged by its own cursor
// (keyset) until the end, in one tenant transaction. Neither format is held in memory:
// - CSV is streamed: the response is sent with chunked transfer coding, one keyset page (1,000 rows) per chunk,
//   read while the client downloads (http::BodyStream). Rows are only read as fast as the client takes them.
// - XLSX cannot be produced in order of bytes (a zip with a directory at the end), so it is written on the CPU
//   pool into a temp file (libxlsxwriter constant-memory mode, a page at a time while the next page is read),
//   then the file is streamed and deleted. The I/O threads never run libxlsxwriter.
// Auditing: crm.export (format, sort, filter) is committed before the first byte goes out, so every export
// that sends data is on record even if the client drops it; the row count is in it for XLSX, and for CSV in a
// crm.export.completed record written and committed before the last chunk.
#include <xlsxwriter.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>

#include "auth/crypto.h"
#include "core/error.h"
#include "crm/service.h"
#include "crm/sql.h"

namespace rounds::crm {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::vector<std::string> Columns(const Entity& e) {
    std::vector<std::string> cols{"id"};
    if (e.owned) {
        cols.emplace_back("owner_id");
    }
    cols.emplace_back("client_id");
    for (const auto& f : e.fields) {
        cols.push_back(f.name);
    }
    for (const char* c : {"version", "created_at", "created_by", "updated_at", "updated_by"}) {
        cols.emplace_back(c);
    }
    return cols;
}

std::string Cell(const json::value* v) {
    if (v == nullptr || v->is_null()) {
        return "";
    }
    if (v->is_string()) {
        return std::string(v->as_string());
    }
    if (v->is_array()) {
        // Arrays of scalars as "a;b;c" (what spreadsheet users expect); anything nested as JSON.
        std::string out;
        for (const auto& x : v->as_array()) {
            if (!out.empty()) {
                out += ";";
            }
            out += x.is_string() ? std::string(x.as_string()) : json::serialize(x);
        }
        return out;
    }
    return json::serialize(*v);
}

std::string CsvField(const std::string& s) {
    // Formula injection: a leading = + - @ makes spreadsheets evaluate the cell; prefix a quote.
    std::string v = s;
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') &&
        v.find_first_not_of("0123456789.-") != std::string::npos) {
        v = "'" + v;
    }
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
        return v;
    }
    std::string out = "\"";
    for (char c : v) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

}  // namespace

namespace {

constexpr int kExportPage = 1000;

std::string CsvLine(const std::vector<std::string>& row, bool formula_guard) {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) {
        if (i) {
            out += ',';
        }
        out += formula_guard ? CsvField(row[i]) : row[i];
    }
    out += "\r\n";
    return out;
}

/// What an export reads: the list statement of the sort, its filter, and where it stands.
struct Pager {
    const db::Statement* stmt = nullptr;
    ListQuery q;
    db::Param filter;
    db::Param after_value, after_id;
    bool done = false;

    /// The next page as rows of cells (empty at the end).
    asio::awaitable<std::vector<std::vector<std::string>>> Next(db::Lease& lease, const tenancy::Scope& scope,
                                                                const std::vector<std::string>& cols) {
        std::vector<std::vector<std::string>> rows;
        if (done) {
            co_return rows;
        }
        db::Result r = co_await lease.Exec(*stmt, scope.org.Str(), filter, q.owner_id, q.from, q.to, after_value,
                                           after_id, kExportPage);
        rows.reserve(static_cast<size_t>(r.Rows()));
        for (int i = 0; i < r.Rows(); ++i) {
            json::object o = json::parse(r.Get(i, 0)).as_object();
            std::vector<std::string> row;
            row.reserve(cols.size());
            for (const auto& c : cols) {
                row.push_back(Cell(o.if_contains(c)));
            }
            rows.push_back(std::move(row));
        }
        if (r.Rows() < kExportPage) {
            done = true;
        } else {
            after_value = std::string(r.Get(r.Rows() - 1, 1));
            after_id = std::string(r.Get(r.Rows() - 1, 2));
        }
        co_return rows;
    }
};

/// The CSV of an export, a keyset page per chunk, read inside one tenant transaction held for the download.
class CsvExportStream final : public http::BodyStream {
  public:
    CsvExportStream(db::Pool& pool, tenancy::Scope scope, std::vector<std::string> cols, Pager pager,
                    std::string entity_table, std::string entity_name, auth::ClientInfo client)
        : pool_(pool),
          scope_(std::move(scope)),
          cols_(std::move(cols)),
          pager_(std::move(pager)),
          table_(std::move(entity_table)),
          name_(std::move(entity_name)),
          client_(std::move(client)) {}

    asio::awaitable<bool> Next(std::string& out) override {
        if (finished_) {
            co_return false;
        }
        if (!tx_) {
            lease_ = co_await pool_.Acquire();
            auto tx = co_await tenancy::Begin(lease_, scope_);
            tx_.emplace(std::move(tx));
            std::string header;
            for (size_t i = 0; i < cols_.size(); ++i) {
                header += (i ? "," : "") + cols_[i];
            }
            out = header + "\r\n";
            co_return true;
        }
        auto rows = co_await pager_.Next(lease_, scope_, cols_);
        rows_ += rows.size();
        for (const auto& row : rows) {
            out += CsvLine(row, true);
        }
        if (pager_.done) {
            json::object detail{{"format", "csv"}, {"rows", rows_}};
            co_await CrmService::Audit(lease_, scope_, "crm.export.completed", table_, name_, std::nullopt,
                                       std::nullopt, json::serialize(detail), client_);
            co_await tx_->Commit();
            finished_ = true;
        }
        co_return true;
    }

  private:
    db::Pool& pool_;
    tenancy::Scope scope_;
    std::vector<std::string> cols_;
    Pager pager_;
    std::string table_, name_;
    auth::ClientInfo client_;
    db::Lease lease_;
    std::optional<tenancy::Transaction> tx_;
    size_t rows_ = 0;
    bool finished_ = false;
};

/// A finished file sent 64 KiB at a time, deleted afterwards (or when the download is abandoned).
class FileStream final : public http::BodyStream {
  public:
    explicit FileStream(std::filesystem::path path) : path_(std::move(path)), file_(std::fopen(path_.c_str(), "rb")) {
        if (file_ == nullptr) {
            throw core::Error(core::ErrorKind::kUnavailable, "the export could not be read", {}, path_.string());
        }
    }
    ~FileStream() override {
        std::fclose(file_);
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    asio::awaitable<bool> Next(std::string& out) override {
        out.resize(64 * 1024);
        size_t n = std::fread(out.data(), 1, out.size(), file_);
        out.resize(n);
        if (n == 0 && std::ferror(file_)) {
            throw std::runtime_error("reading " + path_.string() + " failed");
        }
        co_return n > 0;
    }

  private:
    std::filesystem::path path_;
    std::FILE* file_;
};

/// A workbook being written (only ever touched on the CPU pool).
struct Workbook {
    lxw_workbook* book = nullptr;
    lxw_worksheet* sheet = nullptr;
    lxw_row_t next_row = 1;
};

}  // namespace

asio::awaitable<CrmService::ExportFile> CrmService::Export(const http::Principal& who, const Entity& entity,
                                                           ListQuery q, std::string format, auth::ClientInfo client) {
    tenancy::Scope scope = tenancy::ScopeOf(who);
    const auto& s = sql::For(entity);
    std::string sort = q.sort.empty() ? entity.default_sort : q.sort;
    auto it = s.list.find(sort);
    if (it == s.list.end()) {
        throw core::Invalid("sort", "is not a sort of " + entity.name);
    }
    std::vector<std::string> cols = Columns(entity);
    json::object detail{{"format", format}, {"sort", sort}, {"filter", q.filter}};
    if (q.owner_id) {
        detail["owner_id"] = *q.owner_id;
    }
    if (q.from) {
        detail["from"] = *q.from;
    }
    if (q.to) {
        detail["to"] = *q.to;
    }
    Pager pager;
    pager.stmt = &it->second;
    pager.filter = q.filter.empty() ? db::Param() : db::Param(json::serialize(q.filter));
    pager.q = std::move(q);

    ExportFile file;
    file.filename = entity.name + "." + format;
    if (format == "csv") {
        // The audit is committed before the first byte: an abandoned download is on record too.
        {
            auto lease = co_await pool_.Acquire();
            auto tx = co_await tenancy::Begin(lease, scope);
            detail["streamed"] = true;
            co_await Audit(lease, scope, "crm.export", entity.table, entity.name, std::nullopt, std::nullopt,
                           json::serialize(detail), client);
            co_await tx.Commit();
        }
        file.content_type = "text/csv; charset=utf-8";
        file.stream = std::make_shared<CsvExportStream>(pool_, scope, std::move(cols), std::move(pager), entity.table,
                                                        entity.name, client);
        co_return file;
    }

    // XLSX: pages are read here (I/O thread) and written into the workbook on the CPU pool.
    if (cpu_pool_ == nullptr) {
        throw core::Error(core::ErrorKind::kInternal, "the CRM service has no CPU pool");
    }
    file.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    std::filesystem::path dir = std::filesystem::path(storage_dir_) / "tmp";
    std::filesystem::create_directories(dir);
    std::filesystem::path path = dir / ("export-" + auth::NewUuid() + ".xlsx");
    std::string tmpdir = dir.string();
    auto io = co_await asio::this_coro::executor;
    Workbook wb;
    co_await asio::post(*cpu_pool_, asio::use_awaitable);
    {
        lxw_workbook_options options{};
        options.constant_memory = LXW_TRUE;  // rows are flushed as written: memory does not grow with the export
        options.tmpdir = tmpdir.data();
        wb.book = workbook_new_opt(path.c_str(), &options);
        if (wb.book != nullptr) {
            wb.sheet = workbook_add_worksheet(wb.book, entity.name.substr(0, 31).c_str());
            lxw_format* bold = workbook_add_format(wb.book);
            format_set_bold(bold);
            for (size_t c = 0; c < cols.size(); ++c) {
                worksheet_write_string(wb.sheet, 0, static_cast<lxw_col_t>(c), cols[c].c_str(), bold);
            }
        }
    }
    co_await asio::post(io, asio::use_awaitable);
    if (wb.book == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "the export could not be written", {}, "workbook_new_opt");
    }
    // Closes the workbook (and removes the file) when anything below fails.
    struct Guard {
        Workbook& wb;
        std::filesystem::path path;
        bool keep = false;
        ~Guard() {
            if (wb.book != nullptr) {
                workbook_close(wb.book);
            }
            if (!keep) {
                std::error_code ec;
                std::filesystem::remove(path, ec);
            }
        }
    } guard{wb, path};
    size_t rows = 0;
    {
        auto lease = co_await pool_.Acquire();
        auto tx = co_await tenancy::Begin(lease, scope);
        while (!pager.done) {
            auto page = co_await pager.Next(lease, scope, cols);
            rows += page.size();
            co_await asio::post(*cpu_pool_, asio::use_awaitable);
            for (const auto& row : page) {
                for (size_t c = 0; c < row.size(); ++c) {
                    if (!row[c].empty()) {
                        worksheet_write_string(wb.sheet, wb.next_row, static_cast<lxw_col_t>(c), row[c].c_str(),
                                               nullptr);
                    }
                }
                ++wb.next_row;
            }
            co_await asio::post(io, asio::use_awaitable);
        }
        co_await asio::post(*cpu_pool_, asio::use_awaitable);
        lxw_error err = workbook_close(wb.book);
        wb.book = nullptr;
        co_await asio::post(io, asio::use_awaitable);
        if (err != LXW_NO_ERROR) {
            throw core::Error(core::ErrorKind::kUnavailable, "the export could not be written", {}, lxw_strerror(err));
        }
        detail["rows"] = rows;
        co_await Audit(lease, scope, "crm.export", entity.table, entity.name, std::nullopt, std::nullopt,
                       json::serialize(detail), client);
        co_await tx.Commit();
    }
    file.rows = rows;
    file.stream = std::make_shared<FileStream>(path);  // deletes the file when the download ends
    guard.keep = true;
    co_return file;
}

}  // namespace rounds::crm
