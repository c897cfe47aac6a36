#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace rounds::crm {

/// How a client field is checked in a request body and bound into SQL.
enum class FieldType {
    kText,
    kInt,
    kNumeric,  // money: a JSON number, at most two decimals
    kDouble,
    kBool,
    kUuid,
    kTimestamp,  // RFC 3339 with an offset
    kDate,       // YYYY-MM-DD
    kObject,     // JSON object
    kTextArray,
    kUuidArray,
    kNpi,  // ten digits with a valid check digit (JSON string or number)
    kNpiArray,
    kJson,  // any JSON, checked by the entity's own code
};

struct Field {
    std::string name;  // JSON name and column name
    FieldType type = FieldType::kText;
    bool required = false;            // on create
    bool nullable = true;             // may be null (clears on PATCH)
    bool filterable = false;          // ?name=value in lists
    bool sortable = false;            // ?sort=name|-name (NOT NULL columns only)
    int max_length = 0;               // text: characters; arrays: elements (0: no limit beyond the body size)
    std::vector<std::string> values;  // allowed values (text, or elements of a text array)
    std::optional<double> min, max;   // numeric bounds
    std::string default_sql;          // value on create when absent (for NOT NULL columns with defaults)
    std::string ref;                  // uuid(s) naming a row of crm.<ref> the caller can see
    bool read_only = false;           // shown and filterable, never set by a body (e.g. a call's locked flag)
};

/// A tenant record type exposed through the generic create / get / patch / delete / list machinery.
struct Entity {
    std::string name;      // URL segment, e.g. "accounts"
    std::string table;     // crm.<table>
    std::string singular;  // for messages, e.g. "account"
    std::vector<Field> fields;
    /// Rows belong to a user (owner_id): reps see their own, managers their team's, admins all. Otherwise the
    /// rows are organisation-wide and only `shared_writers` may write them.
    bool owned = true;
    std::vector<std::string> shared_writers{"admin"};
    std::string default_sort = "-created_at";
    std::string time_field = "created_at";  // ?from=&to= range filter
    /// SQL merged into each row's JSON (may reference t.*), e.g. a call's samples and spend.
    std::string extra_json;
    /// Body members handled by the entity's own code instead of the generic field loop (e.g. a call's samples).
    std::vector<std::string> extra_body;
    /// Fields a PATCH may not touch (e.g. a call's physician once samples were dropped).
    bool patchable = true;
    bool deletable = true;
    bool routed = true;  // served by the generic routes (settings are not: they have their own)

    const Field* Find(std::string_view field) const;
};

/// Every entity, in URL order.
const std::vector<Entity>& Entities();
const Entity& EntityByName(std::string_view name);

/// Members that no request body may carry: identity, tenancy and bookkeeping columns (mass assignment).
bool IsSystemField(std::string_view name);

/// The fields of `body` checked against `entity`: unknown or system members, wrong types, lengths, enums,
/// bounds, required fields (on create) are collected; throws core::Error(kInvalid) naming every bad field.
/// Returns the normalised object bound into SQL (NPIs as numbers, extra_body members removed). `owner_id`
/// is checked as a uuid and returned separately.
struct CheckedBody {
    boost::json::object fields;
    std::optional<std::string> owner_id;
};
CheckedBody CheckBody(const Entity& entity, const boost::json::object& body, bool create);

/// Checks one value against a field; appends errors to `errors` under `path`. Returns the normalised value.
boost::json::value CheckValue(const Field& field, const boost::json::value& v, const std::string& path,
                              std::vector<core::FieldError>& errors);

/// A query-string filter value converted to the JSON the row containment filter compares with.
boost::json::value FilterValue(const Field& field, std::string_view text);

/// JSON Schema subset for organisation-defined custom fields: type object with properties of type string,
/// number, integer, boolean or array (of strings), `required`, `enum`, `maxLength`, `minimum`, `maximum`, and
/// additionalProperties false by default. SchemaErrors validates the schema itself; ValidateCustom a value.
std::vector<core::FieldError> SchemaErrors(const boost::json::value& schema);
std::vector<core::FieldError> ValidateCustom(const boost::json::value& schema, const boost::json::value& value,
                                             const std::string& path);

bool IsTimestamp(std::string_view s);
bool IsDate(std::string_view s);
/// Characters (code points) of UTF-8 text.
size_t Utf8Length(std::string_view s);

}  // namespace rounds::crm
