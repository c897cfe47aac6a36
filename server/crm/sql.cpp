#include "crm/sql.h"

#include <deque>
#include <memory>
#include <mutex>

namespace rounds::crm::sql {

namespace {

/// Generated SQL text lives here for the life of the process (statements hold views into it).
struct Store {
    std::mutex mu;
    std::deque<std::string> texts;
    std::map<std::string, std::unique_ptr<EntitySql>, std::less<>> entities;
    std::map<std::string, db::Statement, std::less<>> refs;

    db::Statement Make(std::string name, std::string text) {
        texts.push_back(std::move(name));
        std::string_view n = texts.back();
        texts.push_back(std::move(text));
        return db::Statement{n, texts.back()};
    }
};

Store& TheStore() {
    static Store s;
    return s;
}

std::string RowJson(const Entity& e) {
    std::string j = "((to_jsonb(t) - 'org_id' - 'import_id')";
    if (!e.extra_json.empty()) {
        j += " || " + e.extra_json;
    }
    return j + ")";
}

std::string PgType(FieldType type) {
    switch (type) {
        case FieldType::kInt:
            return "bigint";
        case FieldType::kNumeric:
            return "numeric";
        case FieldType::kDouble:
            return "double precision";
        case FieldType::kBool:
            return "boolean";
        case FieldType::kUuid:
            return "uuid";
        case FieldType::kTimestamp:
            return "timestamptz";
        case FieldType::kDate:
            return "date";
        case FieldType::kNpi:
            return "bigint";
        default:
            return "text";
    }
}

// A row by id: `t.id = $2` for the index and the organisation as a sub-select. Written `t.org_id = $1`, a custom
// plan sees a constant organisation; when the table's statistics predate that organisation's rows (a new
// organisation's first big import, all in one transaction that no ANALYZE can see) the planner estimates one row
// for it and may pick the (org_id, owner_id) index, then scans every row of the organisation for each lookup
// (measured: a 20,000-line import spent 17.7 ms a line in one such statement). A sub-select is not a constant at
// planning time, so the primary key wins. Row-level security still restricts the row to the caller's organisation.
constexpr std::string_view kById = "t.id = $2 AND t.org_id = (SELECT $1::uuid)";

std::string RefSql(const std::string& table) {
    return "SELECT t.id::text FROM crm." + table +
           " t WHERE t.org_id = $1 AND t.id = ANY($2::uuid[]) "
           "AND t.deleted_at IS NULL AND " +
           std::string(kVisible);
}

std::unique_ptr<EntitySql> Build(Store& s, const Entity& e) {
    auto out = std::make_unique<EntitySql>();
    const std::string tbl = "crm." + e.table;
    const std::string json = RowJson(e);
    const std::string p = "crm_" + e.table + "_";
    std::string cols, exprs, sets;
    for (const auto& f : e.fields) {
        if (f.read_only) {
            continue;
        }
        cols += ", " + f.name;
        exprs += ", " + (f.default_sql.empty() ? "r." + f.name : "coalesce(r." + f.name + ", " + f.default_sql + ")");
        sets +=
            ", " + f.name + " = CASE WHEN $3::jsonb ? '" + f.name + "' THEN r." + f.name + " ELSE t." + f.name + " END";
    }
    out->insert =
        s.Make(p + "insert", "INSERT INTO " + tbl + " AS t (org_id, client_id, owner_id, created_by, updated_by" +
                                 cols + ") SELECT $1::uuid, $2, $3::uuid, $4::uuid, $4::uuid" + exprs +
                                 " FROM jsonb_populate_record(NULL::" + tbl +
                                 ", $5::jsonb) AS r ON CONFLICT (org_id, client_id) DO NOTHING "
                                 "RETURNING t.id::text, t.version");
    out->by_id = s.Make(p + "by_id", "SELECT " + json + "::text, t.version FROM " + tbl + " t WHERE " +
                                         std::string(kById) + " AND t.deleted_at IS NULL AND " + std::string(kVisible));
    out->by_client_id =
        s.Make(p + "by_client_id", "SELECT " + json + "::text, t.version, t.id::text FROM " + tbl +
                                       " t WHERE t.client_id = $2 AND t.org_id = (SELECT $1::uuid) AND " +
                                       std::string(kVisible));
    out->lock = s.Make(p + "lock", "SELECT t.version, t.owner_id::text, " + json + "::text FROM " + tbl + " t WHERE " +
                                       std::string(kById) + " AND t.deleted_at IS NULL AND " + std::string(kVisible) +
                                       " FOR UPDATE OF t");
    std::string update_sets = sets.empty() ? "" : sets.substr(2) + ", ";
    out->update =
        s.Make(p + "update", "UPDATE " + tbl + " AS t SET " + update_sets +
                                 "owner_id = coalesce($4::uuid, t.owner_id) FROM jsonb_populate_record(NULL::" + tbl +
                                 ", $3::jsonb) AS r WHERE " + std::string(kById) +
                                 " AND "
                                 "t.deleted_at IS NULL RETURNING t.version");
    out->remove = s.Make(p + "remove", "UPDATE " + tbl + " AS t SET deleted_at = now() WHERE " + std::string(kById) +
                                           " AND t.deleted_at IS NULL RETURNING t.version");
    out->ref_check = s.Make(p + "ref_check", RefSql(e.table));
    out->set_import = s.Make(p + "set_import", "UPDATE " + tbl + " AS t SET import_id = $3 WHERE " +
                                                   std::string(kById) + " RETURNING t.version");
    out->journal_import = s.Make(
        p + "journal_import",
        "WITH prev AS (SELECT t.import_id FROM " + tbl + " t WHERE " + std::string(kById) + "), upd AS (UPDATE " + tbl +
            " AS t SET import_id = $3 WHERE " + std::string(kById) +
            " RETURNING t.version), bump AS (UPDATE "
            "crm.import_journal j SET after_version = (SELECT version FROM upd) WHERE j.org_id = $1 AND "
            "j.import_id = $3 AND j.entity_id = $2 AND EXISTS (SELECT 1 FROM prev WHERE prev.import_id = $3) "
            "RETURNING 1), ins AS (INSERT INTO crm.import_journal (org_id, import_id, entity, entity_id, before, "
            "after_version) SELECT $1, $3, $4::text, $2, $5::jsonb, (SELECT version FROM upd) WHERE NOT EXISTS "
            "(SELECT 1 FROM prev WHERE prev.import_id = $3) RETURNING 1) SELECT version FROM upd");
    std::vector<std::string> sorts{"created_at", "updated_at"};
    for (const auto& f : e.fields) {
        if (f.sortable) {
            sorts.push_back(f.name);
        }
    }
    for (const auto& field : sorts) {
        for (bool desc : {false, true}) {
            std::string key = (desc ? "-" : "") + field;
            std::string type = SortType(e, field);
            std::string op = desc ? "<" : ">";
            std::string dir = desc ? " DESC" : " ASC";
            std::string sql =
                "SELECT " + json + "::text, (t." + field + ")::text, t.id::text FROM " + tbl +
                " t WHERE t.org_id = $1 "
                "AND t.deleted_at IS NULL AND " +
                std::string(kVisible) +
                " AND ($2::jsonb IS NULL OR to_jsonb(t) @> $2::jsonb) AND ($3::uuid IS NULL OR t.owner_id = $3::uuid) "
                "AND ($4::timestamptz IS NULL OR t." +
                e.time_field +
                " >= $4::timestamptz) "
                "AND ($5::timestamptz IS NULL OR t." +
                e.time_field +
                " < $5::timestamptz) "
                "AND ($6::text IS NULL OR (t." +
                field + ", t.id) " + op + " ($6::text::" + type +
                ", $7::uuid)) "
                "ORDER BY t." +
                field + dir + ", t.id" + dir + " LIMIT $8";
            out->list.emplace(key, s.Make(p + "list_" + (desc ? "desc_" : "asc_") + field, std::move(sql)));
        }
    }
    return out;
}

}  // namespace

std::string SortType(const Entity& entity, std::string_view field) {
    if (field == "created_at" || field == "updated_at") {
        return "timestamptz";
    }
    const Field* f = entity.Find(field);
    return f ? PgType(f->type) : "text";
}

const EntitySql& For(const Entity& entity) {
    Store& s = TheStore();
    std::lock_guard lock(s.mu);
    auto it = s.entities.find(entity.name);
    if (it == s.entities.end()) {
        it = s.entities.emplace(entity.name, Build(s, entity)).first;
    }
    return *it->second;
}

const db::Statement& RefCheck(const std::string& table) {
    Store& s = TheStore();
    std::lock_guard lock(s.mu);
    auto it = s.refs.find(table);
    if (it == s.refs.end()) {
        it = s.refs.emplace(table, s.Make("crm_ref_" + table, RefSql(table))).first;
    }
    return it->second;
}

}  // namespace rounds::crm::sql
