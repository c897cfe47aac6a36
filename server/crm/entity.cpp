#include "crm/entity.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "core/npi.h"
#include "tenancy/tenancy.h"

namespace rounds::crm {

namespace json = boost::json;

namespace {

/// Builder for the field table below: F("name", type).Required().Max(200)...
struct F {
    Field f;
    F(std::string name, FieldType type) {
        f.name = std::move(name);
        f.type = type;
    }
    F& Required() {
        f.required = true;
        f.nullable = false;
        return *this;
    }
    F& NotNull(std::string default_sql) {
        f.nullable = false;
        f.default_sql = std::move(default_sql);
        return *this;
    }
    F& Filter() {
        f.filterable = true;
        return *this;
    }
    F& Sort() {
        f.sortable = true;
        return *this;
    }
    F& Max(int n) {
        f.max_length = n;
        return *this;
    }
    F& Values(std::vector<std::string> v) {
        f.values = std::move(v);
        return *this;
    }
    F& Range(std::optional<double> lo, std::optional<double> hi) {
        f.min = lo;
        f.max = hi;
        return *this;
    }
    F& Ref(std::string table) {
        f.ref = std::move(table);
        return *this;
    }
    F& ReadOnly() {
        f.read_only = true;
        return *this;
    }
    operator Field() const { return f; }  // NOLINT(google-explicit-constructor): table syntax
};

using T = FieldType;
const std::vector<std::string> kChannels{"in_person", "video", "phone", "email"};

Entity Make(std::string name, std::string table, std::string singular, bool owned) {
    Entity e;
    e.name = std::move(name);
    e.table = std::move(table);
    e.singular = std::move(singular);
    e.owned = owned;
    return e;
}

std::vector<Entity> Build() {
    std::vector<Entity> v;
    {
        Entity e = Make("accounts", "account", "account", true);
        e.fields = {
            F("npi", T::kNpi).Filter(),
            F("ccn", T::kText).Max(10).Filter(),
            F("name", T::kText).Max(300),
            F("tier", T::kText).Max(40).Filter(),
            F("segment", T::kText).Max(80).Filter(),
            F("is_target", T::kBool).NotNull("false").Filter(),
            F("status", T::kText).NotNull("'active'").Values({"active", "inactive", "prospect"}).Filter().Sort(),
            F("best_days", T::kTextArray).NotNull("'{}'").Values({"mon", "tue", "wed", "thu", "fri", "sat", "sun"}),
            F("best_hours", T::kText).Max(100),
            F("no_see", T::kBool).NotNull("false").Filter(),
            F("preferred_channel", T::kText).Values(kChannels).Filter(),
            F("tags", T::kTextArray).NotNull("'{}'").Max(50).Filter(),
            F("custom_fields", T::kObject).NotNull("'{}'")};
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("calls", "call", "call", true);
        e.fields = {F("npi", T::kNpi).Required().Filter(),
                    F("ccn", T::kText).Max(10),
                    F("account_id", T::kUuid).Ref("account").Filter(),
                    F("starts_at", T::kTimestamp).Required().Sort(),
                    F("ends_at", T::kTimestamp),
                    F("channel", T::kText).Required().Values(kChannels).Filter(),
                    F("status", T::kText).NotNull("'completed'").Values({"planned", "completed", "cancelled"}).Filter(),
                    F("call_type", T::kText).Max(60).Filter(),
                    F("duration_minutes", T::kInt).Range(0, 1440),
                    F("products", T::kUuidArray).NotNull("'{}'").Max(50).Ref("product"),
                    F("key_messages", T::kTextArray).NotNull("'{}'").Max(50),
                    F("attendees", T::kNpiArray).NotNull("'{}'").Max(50),
                    F("notes", T::kText).Max(4000),
                    F("outcome", T::kText).Max(1000),
                    F("checkin_lat", T::kDouble).Range(-90, 90),
                    F("checkin_lng", T::kDouble).Range(-180, 180),
                    F("locked", T::kBool).ReadOnly().Filter()};
        e.default_sort = "-starts_at";
        e.time_field = "starts_at";
        e.extra_body = {"samples", "spend", "signature", "submit"};
        e.extra_json =
            "jsonb_build_object("
            "'samples', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'product_id', s.product_id, "
            "'lot_id', s.lot_id, 'quantity', s.quantity) ORDER BY s.created_at, s.id), '[]') FROM crm.call_sample s "
            "WHERE s.org_id = t.org_id AND s.call_id = t.id AND s.deleted_at IS NULL), "
            "'spend', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'kind', i.kind, 'nature', i.nature, "
            "'form', i.form, 'amount', i.amount, 'attendee_count', i.attendee_count, 'spent_on', i.spent_on, "
            "'description', i.description, 'recipients', (SELECT coalesce(jsonb_agg(jsonb_build_object('npi', r.npi, "
            "'amount', r.amount, 'state', r.state) ORDER BY r.npi), '[]') FROM crm.spend_recipient r "
            "WHERE r.org_id = i.org_id AND r.spend_item_id = i.id AND r.deleted_at IS NULL)) "
            "ORDER BY i.created_at, i.id), '[]') FROM crm.spend_item i "
            "WHERE i.org_id = t.org_id AND i.call_id = t.id AND i.deleted_at IS NULL))";
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("tasks", "task", "task", true);
        e.fields = {
            F("title", T::kText).Required().Max(200),
            F("description", T::kText).Max(4000),
            F("due_at", T::kTimestamp),
            F("remind_at", T::kTimestamp),
            F("priority", T::kText).NotNull("'normal'").Values({"low", "normal", "high", "urgent"}).Filter(),
            F("status", T::kText).NotNull("'open'").Values({"open", "in_progress", "done", "cancelled"}).Filter(),
            F("call_id", T::kUuid).Ref("call").Filter(),
            F("account_id", T::kUuid).Ref("account").Filter(),
            F("opportunity_id", T::kUuid).Ref("opportunity").Filter()};
        e.time_field = "due_at";
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("opportunities", "opportunity", "opportunity", true);
        e.fields = {F("account_id", T::kUuid).Required().Ref("account").Filter(),
                    F("product_id", T::kUuid).Ref("product").Filter(),
                    F("name", T::kText).Required().Max(200),
                    F("amount", T::kNumeric).NotNull("0").Range(0, 1e12).Sort(),
                    F("stage", T::kText).Required().Max(60).Filter().Sort(),
                    F("expected_close", T::kDate)};
        e.extra_json =
            "jsonb_build_object('stage_history', (SELECT coalesce(jsonb_agg(jsonb_build_object('from_stage', "
            "h.from_stage, "
            "'to_stage', h.to_stage, 'amount', h.amount, 'at', h.created_at, 'by', h.created_by) "
            "ORDER BY h.created_at, h.id), '[]') FROM crm.opportunity_stage h "
            "WHERE h.org_id = t.org_id AND h.opportunity_id = t.id))";
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("notes", "note", "note", true);
        e.fields = {F("npi", T::kNpi).Filter(), F("account_id", T::kUuid).Ref("account").Filter(),
                    F("call_id", T::kUuid).Ref("call").Filter(), F("body", T::kText).Required().Max(4000)};
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("products", "product", "product", false);
        e.fields = {F("name", T::kText).Required().Max(200).Sort(), F("code", T::kText).Max(64).Filter(),
                    F("category", T::kText).Max(100).Filter(),      F("sampleable", T::kBool).NotNull("false").Filter(),
                    F("active", T::kBool).NotNull("true").Filter(), F("unit_price", T::kNumeric).Range(0, 1e9)};
        e.default_sort = "name";
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("restrictions", "restriction", "restriction", false);
        e.shared_writers = {"manager", "admin"};
        e.fields = {F("npi", T::kNpi).Required().Filter(),
                    F("kind", T::kText).Required().Values({"do_not_call", "no_see", "product"}).Filter(),
                    F("product_id", T::kUuid).Ref("product").Filter(), F("reason", T::kText).Max(500)};
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("sample-lots", "sample_lot", "sample lot", true);
        e.fields = {F("product_id", T::kUuid).Required().Ref("product").Filter(),
                    F("lot_number", T::kText).Required().Max(64).Filter(), F("expires_on", T::kDate).Required().Sort(),
                    F("on_hand", T::kInt).ReadOnly()};
        e.extra_body = {"quantity"};
        e.deletable = false;
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("sample-transactions", "sample_txn", "sample transaction", true);
        e.fields = {F("lot_id", T::kUuid).Required().Ref("sample_lot").Filter(),
                    F("kind", T::kText).Required().Values({"received", "returned", "adjusted"}).Filter(),
                    F("quantity", T::kInt).Required().Range(-1e6, 1e6), F("reason", T::kText).Max(500),
                    F("call_id", T::kUuid).ReadOnly().Filter()};
        e.patchable = false;
        e.deletable = false;
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("call-plans", "call_plan", "call plan", true);
        e.fields = {F("npi", T::kNpi).Required().Filter(), F("cycle_start", T::kDate).Required().Filter().Sort(),
                    F("cycle_end", T::kDate).Required(), F("channel", T::kText).Required().Values(kChannels).Filter(),
                    F("planned_calls", T::kInt).Required().Range(0, 1000)};
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("change-requests", "change_request", "change request", true);
        e.fields = {F("npi", T::kNpi).Required().Filter(),
                    F("kind", T::kText)
                        .Required()
                        .Values({"moved", "retired", "wrong_phone", "wrong_specialty", "other"})
                        .Filter(),
                    F("proposed", T::kObject).NotNull("'{}'"), F("comment", T::kText).Max(2000),
                    F("status", T::kText).ReadOnly().Filter().Sort()};
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("imports", "import_job", "import", true);
        e.routed = false;
        e.patchable = false;
        e.deletable = false;
        e.fields = {F("kind", T::kText).ReadOnly().Filter(), F("status", T::kText).ReadOnly().Filter(),
                    F("rows_total", T::kInt).ReadOnly(),     F("rows_created", T::kInt).ReadOnly(),
                    F("rows_updated", T::kInt).ReadOnly(),   F("errors", T::kJson).ReadOnly()};
        v.push_back(std::move(e));
    }
    {
        Entity e = Make("crm-settings", "crm_settings", "crm settings", false);
        e.routed = false;
        e.deletable = false;
        e.fields = {F("opportunity_stages", T::kJson).NotNull(""),
                    F("call_types", T::kTextArray).NotNull("").Max(100),
                    F("key_messages", T::kTextArray).NotNull("").Max(200),
                    F("sampling_states", T::kTextArray).NotNull("").Max(60),
                    F("spend_caps", T::kObject).NotNull(""),
                    F("op_min_item", T::kNumeric).NotNull("").Range(0, 1e6),
                    F("op_annual_threshold", T::kNumeric).NotNull("").Range(0, 1e9),
                    F("account_fields_schema", T::kObject).NotNull("")};
        v.push_back(std::move(e));
    }
    return v;
}

const std::vector<std::string> kSystemFields{
    "id",         "org_id",           "version",   "created_at",   "created_by",     "updated_at",      "updated_by",
    "deleted_at", "client_id_server", "import_id", "submitted_at", "signature_path", "signature_sha256"};

bool AllDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> NpiOf(const json::value& v) {
    if (v.is_string()) {
        return core::ParseNpi(std::string_view(v.as_string()));
    }
    if (v.is_int64() || v.is_uint64()) {
        std::string text = v.is_int64() ? std::to_string(v.as_int64()) : std::to_string(v.as_uint64());
        return core::ParseNpi(text);
    }
    return std::nullopt;
}

std::optional<double> NumberOf(const json::value& v) {
    if (v.is_int64()) {
        return static_cast<double>(v.as_int64());
    }
    if (v.is_uint64()) {
        return static_cast<double>(v.as_uint64());
    }
    if (v.is_double()) {
        return v.as_double();
    }
    return std::nullopt;
}

void Bounds(const Field& f, double n, const std::string& path, std::vector<core::FieldError>& errors) {
    if (f.min && n < *f.min) {
        errors.push_back(
            {path, *f.min == 0 ? "must not be negative" : "must be at least " + json::serialize(json::value(*f.min))});
    } else if (f.max && n > *f.max) {
        errors.push_back({path, "must be at most " + json::serialize(json::value(*f.max))});
    }
}

std::string ValuesText(const std::vector<std::string>& values) {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        out += (i ? ", " : "") + values[i];
    }
    return out;
}

}  // namespace

const Field* Entity::Find(std::string_view field) const {
    for (const auto& f : fields) {
        if (f.name == field) {
            return &f;
        }
    }
    return nullptr;
}

const std::vector<Entity>& Entities() {
    static const std::vector<Entity> kAll = Build();
    return kAll;
}

const Entity& EntityByName(std::string_view name) {
    for (const auto& e : Entities()) {
        if (e.name == name) {
            return e;
        }
    }
    throw core::Error(core::ErrorKind::kInternal, "unknown record type", {}, "crm: no entity " + std::string(name));
}

bool IsSystemField(std::string_view name) {
    return std::find(kSystemFields.begin(), kSystemFields.end(), name) != kSystemFields.end();
}

size_t Utf8Length(std::string_view s) {
    size_t n = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++n;
        }
    }
    return n;
}

bool IsDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) ||
        !AllDigits(s.substr(8, 2))) {
        return false;
    }
    int month = std::stoi(std::string(s.substr(5, 2)));
    int day = std::stoi(std::string(s.substr(8, 2)));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool IsTimestamp(std::string_view s) {
    // YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM)
    if (s.size() < 17 || !IsDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
        return false;
    }
    std::string_view rest = s.substr(11);
    if (rest.size() < 5 || !AllDigits(rest.substr(0, 2)) || rest[2] != ':' || !AllDigits(rest.substr(3, 2))) {
        return false;
    }
    rest.remove_prefix(5);
    if (rest.size() >= 3 && rest[0] == ':') {
        if (!AllDigits(rest.substr(1, 2))) {
            return false;
        }
        rest.remove_prefix(3);
        if (!rest.empty() && rest[0] == '.') {
            size_t i = 1;
            while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
                ++i;
            }
            if (i == 1) {
                return false;
            }
            rest.remove_prefix(i);
        }
    }
    if (rest == "Z" || rest == "z") {
        return true;
    }
    return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && AllDigits(rest.substr(1, 2)) && rest[3] == ':' &&
           AllDigits(rest.substr(4, 2));
}

json::value CheckValue(const Field& f, const json::value& v, const std::string& path,
                       std::vector<core::FieldError>& errors) {
    if (v.is_null()) {
        if (!f.nullable) {
            errors.push_back({path, "must not be null"});
        }
        return nullptr;
    }
    auto text = [&](const json::value& x, const std::string& p) -> json::value {
        if (!x.is_string()) {
            errors.push_back({p, "must be a string"});
            return nullptr;
        }
        std::string_view s = x.as_string();
        if (f.max_length > 0 && f.type == T::kText && Utf8Length(s) > static_cast<size_t>(f.max_length)) {
            errors.push_back({p, "must be at most " + std::to_string(f.max_length) + " characters (got " +
                                     std::to_string(Utf8Length(s)) + ")"});
        } else if (f.type == T::kTextArray && Utf8Length(s) > 500) {
            errors.push_back({p, "must be at most 500 characters"});
        }
        if (!f.values.empty() && std::find(f.values.begin(), f.values.end(), s) == f.values.end()) {
            errors.push_back({p, "must be one of: " + ValuesText(f.values)});
        }
        return x;
    };
    auto uuid = [&](const json::value& x, const std::string& p) -> json::value {
        if (!x.is_string() || !tenancy::IsUuid(std::string_view(x.as_string()))) {
            errors.push_back({p, "must be a lowercase UUID"});
            return nullptr;
        }
        return x;
    };
    auto npi = [&](const json::value& x, const std::string& p) -> json::value {
        auto n = NpiOf(x);
        if (!n) {
            errors.push_back({p, "must be a 10-digit NPI with a valid check digit"});
            return nullptr;
        }
        return *n;
    };
    auto array = [&](auto&& each) -> json::value {
        if (!v.is_array()) {
            errors.push_back({path, "must be an array"});
            return nullptr;
        }
        const auto& a = v.as_array();
        if (f.max_length > 0 && a.size() > static_cast<size_t>(f.max_length)) {
            errors.push_back({path, "must have at most " + std::to_string(f.max_length) + " elements"});
            return nullptr;
        }
        json::array out;
        for (size_t i = 0; i < a.size(); ++i) {
            out.push_back(each(a[i], path + "[" + std::to_string(i) + "]"));
        }
        return out;
    };
    switch (f.type) {
        case T::kText:
            return text(v, path);
        case T::kInt: {
            auto n = NumberOf(v);
            if (!n || std::floor(*n) != *n || std::fabs(*n) > 9e15) {
                errors.push_back({path, "must be a whole number"});
                return nullptr;
            }
            Bounds(f, *n, path, errors);
            return static_cast<int64_t>(*n);
        }
        case T::kNumeric: {
            auto n = NumberOf(v);
            if (!n || !std::isfinite(*n)) {
                errors.push_back({path, "must be a number"});
                return nullptr;
            }
            if (std::fabs(std::round(*n * 100) - *n * 100) > 1e-6) {
                errors.push_back({path, "must have at most two decimals"});
            }
            Bounds(f, *n, path, errors);
            return v;
        }
        case T::kDouble: {
            auto n = NumberOf(v);
            if (!n || !std::isfinite(*n)) {
                errors.push_back({path, "must be a number"});
                return nullptr;
            }
            Bounds(f, *n, path, errors);
            return *n;
        }
        case T::kBool:
            if (!v.is_bool()) {
                errors.push_back({path, "must be true or false"});
                return nullptr;
            }
            return v;
        case T::kUuid:
            return uuid(v, path);
        case T::kTimestamp:
            if (!v.is_string() || !IsTimestamp(std::string_view(v.as_string()))) {
                errors.push_back({path, "must be an RFC 3339 time with an offset, e.g. 2026-03-01T09:30:00Z"});
                return nullptr;
            }
            return v;
        case T::kDate:
            if (!v.is_string() || !IsDate(std::string_view(v.as_string()))) {
                errors.push_back({path, "must be a date YYYY-MM-DD"});
                return nullptr;
            }
            return v;
        case T::kObject:
            if (!v.is_object()) {
                errors.push_back({path, "must be a JSON object"});
                return nullptr;
            }
            if (json::serialize(v).size() > 16384) {
                errors.push_back({path, "must be at most 16 KiB of JSON"});
            }
            return v;
        case T::kJson:
            return v;
        case T::kTextArray:
            return array([&](const json::value& x, const std::string& p) { return text(x, p); });
        case T::kUuidArray:
            return array([&](const json::value& x, const std::string& p) { return uuid(x, p); });
        case T::kNpi:
            return npi(v, path);
        case T::kNpiArray:
            return array([&](const json::value& x, const std::string& p) { return npi(x, p); });
    }
    return nullptr;
}

CheckedBody CheckBody(const Entity& entity, const json::object& body, bool create) {
    std::vector<core::FieldError> errors;
    CheckedBody out;
    for (const auto& [key, value] : body) {
        std::string name(key);
        if (name == "client_id") {
            if (!create) {
                errors.push_back({name, "is set on create only"});
            } else if (!value.is_string() || value.as_string().empty() || value.as_string().size() > 100) {
                errors.push_back({name, "must be a string of 1 to 100 characters"});
            }
            continue;
        }
        if (name == "owner_id") {
            if (!entity.owned) {
                errors.push_back({name, "cannot be set: " + entity.name + " belong to the organisation"});
            } else if (!value.is_string() || !tenancy::IsUuid(std::string_view(value.as_string()))) {
                errors.push_back({name, "must be a user id (lowercase UUID)"});
            } else {
                out.owner_id = std::string(value.as_string());
            }
            continue;
        }
        if (std::find(entity.extra_body.begin(), entity.extra_body.end(), name) != entity.extra_body.end()) {
            continue;
        }
        const Field* f = entity.Find(name);
        if (IsSystemField(name) || (f != nullptr && f->read_only)) {
            errors.push_back({name, "cannot be set by a request (it is maintained by the server)"});
            continue;
        }
        if (f == nullptr) {
            errors.push_back({name, "is not a field of a " + entity.singular});
            continue;
        }
        out.fields[key] = CheckValue(*f, value, name, errors);
    }
    if (create) {
        for (const auto& f : entity.fields) {
            if (f.required && !body.contains(f.name)) {
                errors.push_back({f.name, "is required"});
            }
        }
    }
    if (!errors.empty()) {
        std::string detail = "invalid " + entity.singular + ": ";
        for (size_t i = 0; i < errors.size() && i < 5; ++i) {
            detail += (i ? "; " : "") + errors[i].field + " " + errors[i].message;
        }
        throw core::Error(core::ErrorKind::kInvalid, detail, errors);
    }
    return out;
}

json::value FilterValue(const Field& f, std::string_view text) {
    std::vector<core::FieldError> errors;
    json::value out;
    switch (f.type) {
        case T::kBool:
            if (text == "true" || text == "false") {
                return text == "true";
            }
            throw core::Invalid(f.name, "filter must be true or false");
        case T::kInt:
            if (AllDigits(text) && text.size() < 15) {
                return std::stoll(std::string(text));
            }
            throw core::Invalid(f.name, "filter must be a whole number");
        case T::kNpi:
            if (auto n = core::ParseNpi(text)) {
                return *n;
            }
            throw core::Invalid(f.name, "filter must be a valid NPI");
        case T::kTextArray:
            return json::array{json::value(json::string(text))};
        default:
            out = json::string(text);
            CheckValue(f, out, f.name, errors);
            if (!errors.empty()) {
                throw core::Invalid(f.name, "filter " + errors[0].message);
            }
            return out;
    }
}

std::vector<core::FieldError> SchemaErrors(const json::value& schema) {
    std::vector<core::FieldError> errors;
    const std::string base = "account_fields_schema";
    if (!schema.is_object() || !schema.as_object().contains("type") || schema.at("type") != "object") {
        errors.push_back({base, "must be a JSON Schema object with \"type\": \"object\""});
        return errors;
    }
    const auto& s = schema.as_object();
    if (const auto* props = s.if_contains("properties")) {
        if (!props->is_object()) {
            errors.push_back({base + ".properties", "must be an object"});
            return errors;
        }
        for (const auto& [name, p] : props->as_object()) {
            std::string path = base + ".properties." + std::string(name);
            if (!p.is_object() || !p.as_object().contains("type") || !p.at("type").is_string()) {
                errors.push_back({path, "must be an object with a \"type\""});
                continue;
            }
            std::string_view type = p.at("type").as_string();
            if (type != "string" && type != "number" && type != "integer" && type != "boolean" && type != "array") {
                errors.push_back({path + ".type", "must be string, number, integer, boolean or array"});
            }
            for (const auto& [k, x] : p.as_object()) {
                if (k != "type" && k != "enum" && k != "maxLength" && k != "minimum" && k != "maximum" &&
                    k != "description" && k != "title") {
                    errors.push_back({path + "." + std::string(k),
                                      "is not supported (type, enum, maxLength, "
                                      "minimum, maximum, title, description)"});
                }
                if (k == "enum" && !x.is_array()) {
                    errors.push_back({path + ".enum", "must be an array"});
                }
                if (k == "maxLength" && !x.is_int64()) {
                    errors.push_back({path + ".maxLength", "must be a whole number"});
                }
            }
        }
    }
    if (const auto* req = s.if_contains("required")) {
        if (!req->is_array()) {
            errors.push_back({base + ".required", "must be an array of property names"});
        }
    }
    return errors;
}

std::vector<core::FieldError> ValidateCustom(const json::value& schema, const json::value& value,
                                             const std::string& path) {
    std::vector<core::FieldError> errors;
    if (!value.is_object()) {
        errors.push_back({path, "must be a JSON object"});
        return errors;
    }
    const auto& obj = value.as_object();
    static const json::object kEmpty;
    const json::object& props =
        schema.is_object() && schema.as_object().contains("properties") && schema.at("properties").is_object()
            ? schema.at("properties").as_object()
            : kEmpty;
    bool extra_ok = schema.is_object() && schema.as_object().contains("additionalProperties") &&
                    schema.at("additionalProperties") == true;
    if (schema.is_object() && schema.as_object().contains("required") && schema.at("required").is_array()) {
        for (const auto& r : schema.at("required").as_array()) {
            if (r.is_string() && !obj.contains(r.as_string())) {
                errors.push_back({path + "." + std::string(r.as_string()), "is required by the organisation's schema"});
            }
        }
    }
    for (const auto& [name, v] : obj) {
        std::string p = path + "." + std::string(name);
        const json::value* def = props.if_contains(name);
        if (def == nullptr || !def->is_object()) {
            if (!extra_ok) {
                errors.push_back({p, "is not a custom field of this organisation"});
            }
            continue;
        }
        const auto& d = def->as_object();
        std::string_view type = d.contains("type") && d.at("type").is_string()
                                    ? std::string_view(d.at("type").as_string())
                                    : std::string_view("string");
        bool ok = (type == "string" && v.is_string()) || (type == "boolean" && v.is_bool()) ||
                  (type == "integer" && (v.is_int64() || v.is_uint64())) ||
                  (type == "number" && (v.is_int64() || v.is_uint64() || v.is_double())) ||
                  (type == "array" && v.is_array());
        if (!ok) {
            errors.push_back({p, "must be of type " + std::string(type)});
            continue;
        }
        if (const auto* ml = d.if_contains("maxLength");
            ml && ml->is_int64() && v.is_string() && Utf8Length(v.as_string()) > static_cast<size_t>(ml->as_int64())) {
            errors.push_back({p, "must be at most " + std::to_string(ml->as_int64()) + " characters"});
        }
        if (const auto* en = d.if_contains("enum"); en && en->is_array()) {
            const auto& a = en->as_array();
            if (std::find(a.begin(), a.end(), v) == a.end()) {
                errors.push_back({p, "must be one of " + json::serialize(*en)});
            }
        }
        auto n = NumberOf(v);
        if (n) {
            if (const auto* mn = d.if_contains("minimum"); mn && NumberOf(*mn) && *n < *NumberOf(*mn)) {
                errors.push_back({p, "must be at least " + json::serialize(*mn)});
            }
            if (const auto* mx = d.if_contains("maximum"); mx && NumberOf(*mx) && *n > *NumberOf(*mx)) {
                errors.push_back({p, "must be at most " + json::serialize(*mx)});
            }
        }
    }
    return errors;
}

}  // namespace rounds::crm
