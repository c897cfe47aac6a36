// CSV and XLSX export of exactly the filtered list: the list statement of the entity, paged by its own cursor
// until the end, in one tenant transaction, then one audit record (crm.export) with the filter and row count.
#include <xlsxwriter.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

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
    std::vector<std::vector<std::string>> rows;
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Param after_value, after_id;
    const int kPage = 1000;
    db::Param filter = q.filter.empty() ? db::Param() : db::Param(json::serialize(q.filter));
    while (true) {
        db::Result r = co_await lease.Exec(it->second, scope.org.Str(), filter, q.owner_id, q.from, q.to, after_value,
                                           after_id, kPage);
        for (int i = 0; i < r.Rows(); ++i) {
            json::object o = json::parse(r.Get(i, 0)).as_object();
            std::vector<std::string> row;
            row.reserve(cols.size());
            for (const auto& c : cols) {
                row.push_back(Cell(o.if_contains(c)));
            }
            rows.push_back(std::move(row));
        }
        if (r.Rows() < kPage) {
            break;
        }
        after_value = std::string(r.Get(r.Rows() - 1, 1));
        after_id = std::string(r.Get(r.Rows() - 1, 2));
    }
    json::object detail{{"format", format}, {"rows", rows.size()}, {"sort", sort}, {"filter", q.filter}};
    if (q.owner_id) {
        detail["owner_id"] = *q.owner_id;
    }
    if (q.from) {
        detail["from"] = *q.from;
    }
    if (q.to) {
        detail["to"] = *q.to;
    }
    co_await Audit(lease, scope, "crm.export", entity.table, entity.name, std::nullopt, std::nullopt,
                   json::serialize(detail), client);
    co_await tx.Commit();

    ExportFile file;
    file.rows = rows.size();
    file.filename = entity.name + "." + format;
    if (format == "csv") {
        file.content_type = "text/csv; charset=utf-8";
        std::string out;
        for (size_t i = 0; i < cols.size(); ++i) {
            out += (i ? "," : "") + cols[i];
        }
        out += "\r\n";
        for (const auto& row : rows) {
            for (size_t i = 0; i < row.size(); ++i) {
                out += (i ? "," : "") + CsvField(row[i]);
            }
            out += "\r\n";
        }
        file.bytes = std::move(out);
        co_return file;
    }
    file.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    std::filesystem::path dir = std::filesystem::path(storage_dir_) / "tmp";
    std::filesystem::create_directories(dir);
    std::filesystem::path path = dir / ("export-" + auth::NewUuid() + ".xlsx");
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;  // rows are flushed as written: memory does not grow with the export
    std::string tmpdir = dir.string();
    options.tmpdir = tmpdir.data();
    lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
    if (book == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "the export could not be written", {}, "workbook_new_opt");
    }
    lxw_worksheet* sheet = workbook_add_worksheet(book, entity.name.substr(0, 31).c_str());
    lxw_format* bold = workbook_add_format(book);
    format_set_bold(bold);
    for (size_t c = 0; c < cols.size(); ++c) {
        worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), cols[c].c_str(), bold);
    }
    for (size_t r = 0; r < rows.size(); ++r) {
        for (size_t c = 0; c < rows[r].size(); ++c) {
            if (!rows[r][c].empty()) {
                worksheet_write_string(sheet, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c),
                                       rows[r][c].c_str(), nullptr);
            }
        }
    }
    lxw_error err = workbook_close(book);
    if (err != LXW_NO_ERROR) {
        std::filesystem::remove(path);
        throw core::Error(core::ErrorKind::kUnavailable, "the export could not be written", {}, lxw_strerror(err));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    file.bytes = buf.str();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    co_return file;
}

}  // namespace rounds::crm
